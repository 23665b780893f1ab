"""The real-framework oracle for JAX / Flax NNX and Keras 3 -> PyTorch conversions.

usage: python from_jax_compare.py JOBS.json RESULTS.json

Each job: {"id", "kind", "entry", "inputs", "back_file", ...}. `back_file` is the PyTorch file Rosetta converted from
JAX; `entry` is a function name or a constructor call written for the torch file (the JAX side gets rngs=nnx.Rngs(0)).
- kind "jax" (+ "jax_file"): the JAX entry and its torch conversion, the torch model filled from the Flax model by the
  converted file's load_flax_state(model, nnx.state(flax_model)); outputs compared in eval mode.
- kind "roundtrip" (+ "torch_file", "jax_file"): a torch model, its JAX conversion filled by load_torch_state_dict,
  and the torch file converted back from that JAX file, filled by load_flax_state from the JAX model's state: the
  round-tripped model must reproduce the original torch outputs.
- kind "keras" (+ "keras_file"): the Keras entry (KERAS_BACKEND=tensorflow, inference mode) and its torch conversion,
  the torch model filled from the Keras model by the converted file's load_keras_weights(model, keras_model).
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


def build_back(module, entry, flax_model):
    model = eval(entry, vars(module))
    module.load_flax_state(model, nnx.state(flax_model))
    model.eval()
    return model


def run_back(model, inputs):
    with torch.no_grad():
        return model(*[torch.from_numpy(x.copy()) for x in inputs])


def run_job(job, cache):
    modules = {key: cache.setdefault(job[key], load(job[key], f'm{len(cache)}')) for key in ('torch_file', 'jax_file', 'keras_file', 'back_file') if key in job}
    inputs = draw_inputs(job['inputs'], job.get('seed', 0))
    entry = job['entry']
    if job['kind'] == 'roundtrip':
        expected, state = run_torch(modules['torch_file'], dict(job, mode='eval'), inputs)
        flax_model = build_jax(modules['jax_file'], entry)
        modules['jax_file'].load_torch_state_dict(flax_model, state)
        actual = run_back(build_back(modules['back_file'], entry, flax_model), inputs)
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
    expected = keras_model(*inputs)
    model = eval(entry, vars(back_module))
    back_module.load_keras_weights(model, keras_model)
    model.eval()
    return expected, run_back(model, inputs)


def statistics(draw):
    values = np.asarray(draw.detach() if isinstance(draw, torch.Tensor) else draw, dtype=np.float64)
    return np.array([values.mean(), values.std()])


if __name__ == '__main__':
    run_jobs(sys.argv[1], sys.argv[2], run_job)
