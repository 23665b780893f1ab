"""The real-framework oracle: runs a PyTorch file and its JAX conversion on the same inputs and weights.

usage: python compare.py JOBS.json RESULTS.json

Each job: {"id", "torch_file", "jax_file", "entry", "inputs": ["x=float32[2,3]:lo..hi", ...], "mode": "eval"|"train",
"rtol", "atol", "target": "jax"|"numpy"|"keras"}. `entry` is a function name or a constructor call; the JAX model is
built with rngs=nnx.Rngs(0) (a NumPy or Keras one without) and filled by the converted file's own
load_torch_state_dict; a Keras model is called with training= for the mode (KERAS_BACKEND=tensorflow, imported only
when a Keras job runs). Results: {"cases": [{"id", "passed", "detail", "maxAbs"}]}.
"""
import ast
import importlib.util
import json
import re
import sys
import traceback

import numpy as np
import torch
import jax
import jax.numpy as jnp
from flax import nnx

SPEC = re.compile(r'^(\w+)=(\w+)\[([\d,\s]*)\](?::(-?[\d.e]+)\.\.(-?[\d.e]+))?$')


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def draw_inputs(specs, seed):
    rng = np.random.default_rng(seed)
    out = []
    for text in specs:
        m = SPEC.match(text.strip())
        if not m:
            raise ValueError(f'bad input spec {text!r}')
        _, dtype, shape, low, high = m.groups()
        shape = tuple(int(s) for s in shape.split(',') if s.strip())
        if dtype == 'bool':
            value = rng.random(shape) < 0.5
        elif dtype.startswith('int') or dtype.startswith('uint'):
            if low is None:
                raise ValueError(f'{text}: integer inputs need a range')
            value = rng.integers(int(float(low)), int(float(high)), size=shape).astype(dtype)
        elif low is not None:
            value = rng.uniform(float(low), float(high), size=shape).astype(dtype)
        else:
            value = rng.standard_normal(shape).astype(dtype)
        out.append(np.asarray(value))
    return out


def flatten(value, prefix='out'):
    if isinstance(value, (tuple, list)):
        return [item for i, v in enumerate(value) for item in flatten(v, f'{prefix}[{i}]')]
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in flatten(v, f'{prefix}[{k!r}]')]
    if hasattr(value, 'values') and hasattr(value, 'indices') and not isinstance(value, (np.ndarray, torch.Tensor)):
        return flatten((value.values, value.indices), prefix)
    return [(prefix, value)]


def to_numpy(value):
    if value is None or isinstance(value, (int, float, bool)):
        return value
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def with_rngs(entry):
    call = ast.parse(entry, mode='eval').body
    if not isinstance(call, ast.Call):
        return entry
    call.keywords.append(ast.keyword(arg='rngs', value=ast.parse('nnx.Rngs(0)', mode='eval').body))
    return ast.unparse(call)


def run_torch(module, job, inputs):
    args = [torch.from_numpy(x.copy()) for x in inputs]
    if '(' not in job['entry']:
        with torch.no_grad():
            return getattr(module, job['entry'])(*args), None
    torch.manual_seed(0)
    model = eval(job['entry'], vars(module))
    model.train(job.get('mode') == 'train')
    state = {k: v.detach().cpu().numpy() for k, v in model.state_dict().items()}
    with torch.no_grad():
        return model(*args), state


def run_numpy(module, job, inputs, state):
    """The NumPy target: plain classes built as in torch (no rngs), filled by the file's loader, inference only."""
    args = [x.copy() for x in inputs]
    if state is None:
        return getattr(module, job['entry'])(*args)
    model = eval(job['entry'], vars(module))
    module.load_torch_state_dict(model, state)
    return model(*args)


def run_keras(module, job, inputs, state):
    """The Keras target: tensors in, layers built as in torch (no rngs), filled by the file's loader, training= per mode."""
    import keras
    args = [keras.ops.convert_to_tensor(x) for x in inputs]
    if state is None:
        return getattr(module, job['entry'])(*args)
    model = eval(job['entry'], vars(module))
    module.load_torch_state_dict(model, state)
    return model(*args, training=job.get('mode') == 'train')


def run_jax(module, job, inputs, state):
    args = [jnp.asarray(x) for x in inputs]
    if state is None:
        return getattr(module, job['entry'])(*args)
    namespace = dict(vars(module), nnx=nnx)
    model = eval(with_rngs(job['entry']), namespace)
    module.load_torch_state_dict(model, state)
    if job.get('mode') == 'train':
        model.train()
    else:
        model.eval()
    return model(*args)


def compare(expected, actual, rtol, atol, exact_dtype=False):
    exp, act = flatten(expected), flatten(actual)
    if len(exp) != len(act):
        return False, f'{len(exp)} outputs in torch, {len(act)} in JAX', None
    worst = 0.0
    for (name, e), (_, a) in zip(exp, act):
        e, a = to_numpy(e), to_numpy(a)
        if e is None or a is None:
            if e is not a:
                return False, f'{name}: {type(e).__name__} in torch, {type(a).__name__} in JAX', None
            continue
        e, a = np.asarray(e), np.asarray(a)
        if e.shape != a.shape:
            return False, f'{name}: shape {e.shape} in torch, {a.shape} in JAX', None
        if e.dtype.kind != a.dtype.kind and not {e.dtype.kind, a.dtype.kind} <= {'i', 'u'}:
            return False, f'{name}: dtype {e.dtype} in torch, {a.dtype} in JAX', None
        if exact_dtype and e.dtype != a.dtype:
            return False, f'{name}: dtype {e.dtype} in torch, {a.dtype} in the target', None
        if e.dtype == bool:
            if not np.array_equal(e, a):
                return False, f'{name}: {int((e != a).sum())} boolean elements differ', None
            continue
        e64, a64 = e.astype(np.float64), a.astype(np.float64)
        if not np.array_equal(np.isnan(e64), np.isnan(a64)):
            return False, f'{name}: NaN positions differ', None
        finite = ~np.isnan(e64)
        diff = np.abs(e64[finite] - a64[finite])
        diff = np.where(e64[finite] == a64[finite], 0.0, diff)  # equal infinities
        worst = max(worst, float(diff.max()) if diff.size else 0.0)
        if not np.allclose(a64[finite], e64[finite], rtol=rtol, atol=atol):
            return False, f'{name}: max abs error {float(diff.max()):.3g} exceeds rtol={rtol}, atol={atol}', worst
    return True, f'{len(exp)} output(s) match', worst


def run_job(job, cache):
    torch_module = cache.setdefault(job['torch_file'], load(job['torch_file'], f'src_{len(cache)}'))
    jax_module = cache.setdefault(job['jax_file'], load(job['jax_file'], f'dst_{len(cache)}'))
    inputs = draw_inputs(job['inputs'], job.get('seed', 0))
    expected, state = run_torch(torch_module, job, inputs)
    # NumPy has float64 and int64 as torch does, so its dtypes must match exactly (JAX without x64 cannot)
    numpy_target = job.get('target') == 'numpy'
    run_target = {'numpy': run_numpy, 'keras': run_keras}.get(job.get('target'), run_jax)
    actual = run_target(jax_module, job, inputs, state)
    return compare(expected, actual, job.get('rtol', 1e-4), job.get('atol', 1e-5), exact_dtype=numpy_target)


def run_jobs(jobs_path, results_path, run):
    """Runs every job with run(job, cache) -> (passed, detail, max abs error) and writes the results."""
    torch.set_num_threads(1)
    cache, results = {}, []
    for job in json.load(open(jobs_path)):
        try:
            passed, detail, worst = run(job, cache)
        except Exception as exc:  # a case that cannot run is a failing case, with its reason
            passed, detail, worst = False, f'{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=-3)}', None
        results.append({'id': job['id'], 'passed': passed, 'detail': detail, 'maxAbs': worst})
    json.dump({'cases': results}, open(results_path, 'w'), indent=1)


if __name__ == '__main__':
    run_jobs(sys.argv[1], sys.argv[2], run_job)
