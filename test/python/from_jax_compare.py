"""The real-framework oracle for JAX / Flax NNX and Keras 3 -> PyTorch conversions.

usage: python from_jax_compare.py JOBS.json RESULTS.json

Each job: {"id", "kind", "entry", "inputs", "back_file", ...}. `back_file` is the PyTorch file Rosetta converted from
JAX; `entry` is a function name or a constructor call written for the torch file (the JAX side gets rngs=nnx.Rngs(0)).
- kind "jax" (+ "jax_file"): the JAX entry and its torch conversion, the torch model filled from the Flax model by the
  converted file's load_flax_state(model, nnx.state(flax_model)); outputs compared in eval mode.
- kind "roundtrip" (+ "torch_file", and "jax_file" or "keras_file"): a torch model, its JAX or Keras conversion filled
  by that file's load_torch_state_dict, and the torch file converted back from it, filled from the JAX or Keras model
  (load_flax_state, load_keras_weights): the round-tripped model must reproduce the original torch outputs. With
  "trained": true the torch model's float state is first scaled elementwise by draws in [0.5, 1.5], as if trained, so
  that a value no loader carries (a buffer left at its start) shows.
- kind "keras" (+ "keras_file"): the Keras entry (KERAS_BACKEND=tensorflow, inference mode) and its torch conversion,
  the torch model filled from the Keras model by the converted file's load_keras_weights(model, keras_model); the
  Keras model's variables are scaled elementwise by draws in [0.5, 1.5] after its first call (which builds it), as if
  trained, so that each must reach its torch place (a moving variance stays positive).
- kind "linen" (+ "linen_file"): the Flax Linen entry's apply with its variables from init, perturbed (so that biases,
  scales and batch statistics are not their initial zeros and ones), and its torch conversion filled by the converted
  file's load_flax_state(model, variables); inference mode (the Linen modules' train flags left at False).
"statistics": true marks a random draw: the mean and standard deviation of both sides are compared (atol 0.05).
Results: {"cases": [{"id", "passed", "detail", "maxAbs"}]}.
"""
import os
import sys

import jax.numpy as jnp
import numpy as np
import torch
from flax import nnx

sys.path.insert(0, os.path.dirname(__file__))
from compare import compare, draw_inputs, load, run_jobs, run_torch, with_rngs  # noqa: E402


def build_jax(module, entry):
    model = eval(with_rngs(entry), dict(vars(module), nnx=nnx))
    model.eval()
    return model


def build_back(module, entry, source_model):
    """The converted torch model, filled by the file's loader from the Flax or Keras model it was converted from."""
    model = eval(entry, vars(module))
    if isinstance(source_model, nnx.Module):
        module.load_flax_state(model, nnx.state(source_model))
    else:
        module.load_keras_weights(model, source_model)
    model.eval()
    return model


def run_trained_torch(module, job, inputs):
    """The torch model (eval mode) with its float parameters and buffers scaled as if trained, its outputs and state."""
    torch.manual_seed(0)
    model = eval(job['entry'], vars(module))
    draws = np.random.default_rng(job.get('seed', 0))
    with torch.no_grad():
        for tensor in list(model.parameters()) + list(model.buffers()):
            if tensor.is_floating_point():
                tensor.mul_(torch.from_numpy(draws.uniform(0.5, 1.5, tuple(tensor.shape))).to(tensor.dtype))
    model.eval()
    state = {k: v.detach().cpu().numpy() for k, v in model.state_dict().items()}
    return run_back(model, inputs), state


def build_middle(modules, entry, state):
    """The JAX or Keras conversion of a torch model, filled from its state_dict by the converted file's loader."""
    if 'keras_file' in modules:
        model = eval(entry, vars(modules['keras_file']))
        modules['keras_file'].load_torch_state_dict(model, state)
        return model
    model = build_jax(modules['jax_file'], entry)
    modules['jax_file'].load_torch_state_dict(model, state)
    return model


def run_back(model, inputs):
    with torch.no_grad():
        return model(*[torch.from_numpy(x.copy()) for x in inputs])


def run_job(job, cache):
    modules = {key: cache.setdefault(job[key], load(job[key], f'm{len(cache)}')) for key in ('torch_file', 'jax_file', 'keras_file', 'linen_file', 'back_file') if key in job}
    inputs = draw_inputs(job['inputs'], job.get('seed', 0))
    entry = job['entry']
    if job['kind'] == 'roundtrip':
        run = run_trained_torch if job.get('trained') else run_torch
        expected, state = run(modules['torch_file'], dict(job, mode='eval'), inputs)
        middle = build_middle(modules, entry, state)
        actual = run_back(build_back(modules['back_file'], entry, middle), inputs)
    elif job['kind'] == 'linen':
        expected, actual = run_linen(modules['linen_file'], modules['back_file'], entry, inputs, job.get('seed', 0))
    elif job['kind'] == 'keras':
        expected, actual = run_keras(modules['keras_file'], modules['back_file'], entry, inputs)
    elif '(' not in entry:
        expected = getattr(modules['jax_file'], entry)(*[jnp.asarray(x) for x in inputs])
        actual = run_back(lambda *args: getattr(modules['back_file'], entry)(*args), inputs)
    else:
        flax_model = build_jax(modules['jax_file'], entry)
        expected = flax_model(*[jnp.asarray(x) for x in inputs])
        actual = run_back(build_back(modules['back_file'], entry, flax_model), inputs)
    if job.get('statistics'):
        # random draws: the distributions must agree, the numbers cannot
        return compare(statistics(expected), statistics(actual), 0.0, 0.05)
    return compare(expected, actual, job.get('rtol', 1e-4), job.get('atol', 1e-5))


def run_keras(keras_module, back_module, entry, inputs):
    """A Keras function or model (called once, which builds it) and its torch conversion on the same inputs."""
    if '(' not in entry:
        expected = getattr(keras_module, entry)(*inputs)
        return expected, run_back(lambda *args: getattr(back_module, entry)(*args), inputs)
    keras_model = eval(entry, vars(keras_module))
    keras_model(*inputs)
    draws = np.random.default_rng(0)
    for variable in keras_model.weights:
        variable.assign(np.asarray(variable.numpy()) * draws.uniform(0.5, 1.5, tuple(variable.shape)).astype(variable.dtype))
    expected = keras_model(*inputs)
    return expected, run_back(build_back(back_module, entry, keras_model), inputs)


def run_linen(linen_module, back_module, entry, inputs, seed):
    """A Linen model applied with perturbed variables, and its torch conversion filled from the same variables."""
    import jax
    model = eval(entry, vars(linen_module))
    arrays = [jnp.asarray(x) for x in inputs]
    rng = np.random.default_rng(seed + 1)

    def perturb(path, value):
        noisy = np.asarray(value) + rng.normal(0, 0.2, np.shape(value)).astype(np.float32)
        return jnp.asarray(np.abs(noisy) + 0.1 if path[-1].key == 'var' else noisy)

    variables = jax.tree_util.tree_map_with_path(perturb, model.init(jax.random.key(0), *arrays))
    torch_model = eval(entry, vars(back_module))
    back_module.load_flax_state(torch_model, variables)
    torch_model.eval()
    return model.apply(variables, *arrays), run_back(torch_model, inputs)


def statistics(draw):
    values = np.asarray(draw.detach() if isinstance(draw, torch.Tensor) else draw, dtype=np.float64)
    return np.array([values.mean(), values.std()])


if __name__ == '__main__':
    run_jobs(sys.argv[1], sys.argv[2], run_job)
