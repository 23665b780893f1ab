"""Runs snippets in real PyTorch or real JAX on given inputs: the oracle for the embedded check's lowerings.

usage: python evaluate.py JOBS.json RESULTS.json

Each job: {"id", "framework": "torch"|"jax", "code", "entry", "inputs": [{"dtype", "shape", "data"}], "state", "mode"}.
`entry` is a function name or a constructor call; a model is built (JAX: with rngs=nnx.Rngs(0)), filled from
"state" ({name: {"dtype", "shape", "data"}}, PyTorch layout; JAX through the file's own load_torch_state_dict), put in
"mode" ("eval" or "train") and called on the inputs.
Results: {"results": [{"id", "outputs": [{"dtype", "shape", "data"}] | null, "error": str | null}]}; data is flat.
"""
import ast
import json
import sys
import traceback

import numpy as np
import torch
import jax
import jax.numpy as jnp
from flax import nnx


def flatten(value):
    if isinstance(value, (tuple, list)):
        return [item for v in value for item in flatten(v)]
    if isinstance(value, dict):
        return [item for v in value.values() for item in flatten(v)]
    if hasattr(value, 'values') and hasattr(value, 'indices') and not isinstance(value, (np.ndarray, torch.Tensor)):
        return flatten((value.values, value.indices))
    return [value]


def to_numpy(value):
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def encode(value):
    a = to_numpy(value)
    data = a.astype(np.float64).ravel()
    return {'dtype': str(a.dtype), 'shape': list(a.shape),
            'data': [None if np.isnan(v) else (str(v) if np.isinf(v) else float(v)) for v in data]}


def decode(value):
    data = [np.nan if v is None else float(v) for v in value['data']]
    return np.asarray(data).astype(value['dtype']).reshape(value['shape'])


def with_rngs(entry):
    call = ast.parse(entry, mode='eval').body
    call.keywords.append(ast.keyword(arg='rngs', value=ast.parse('nnx.Rngs(0)', mode='eval').body))
    return ast.unparse(call)


def build(job, namespace):
    """The entry as a callable: a function, or a model built, loaded and put in its mode."""
    if '(' not in job['entry']:
        return namespace[job['entry']]
    state = {k: decode(v) for k, v in (job.get('state') or {}).items()}
    train = job.get('mode') == 'train'
    if job['framework'] == 'torch':
        model = eval(job['entry'], namespace)
        result = model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in state.items()}, strict=False)
        missing = [k for k in result.missing_keys if not k.endswith('num_batches_tracked')]
        if missing or result.unexpected_keys:
            raise KeyError(f'traced state_dict names differ: missing {missing}, unexpected {result.unexpected_keys}')
        model.train(train)
        return model
    model = eval(with_rngs(job['entry']), dict(namespace, nnx=nnx))
    namespace['load_torch_state_dict'](model, state)
    model.train() if train else model.eval()
    return model


def run(job):
    namespace = {'__name__': 'rosetta_oracle'}
    exec(compile(job['code'], f"<{job['id']}>", 'exec'), namespace)
    arrays = [decode(i) for i in job['inputs']]
    entry = build(job, namespace)
    if job['framework'] == 'torch':
        with torch.no_grad():
            out = entry(*[torch.from_numpy(a.copy()) for a in arrays])
    else:
        out = entry(*[jnp.asarray(a) for a in arrays])
    return [encode(v) for v in flatten(out)]


def main(jobs_path, results_path):
    torch.set_num_threads(1)
    results = []
    for job in json.load(open(jobs_path)):
        try:
            results.append({'id': job['id'], 'outputs': run(job), 'error': None})
        except Exception as exc:
            results.append({'id': job['id'], 'outputs': None, 'error': f'{type(exc).__name__}: {exc}'})
    json.dump({'results': results}, open(results_path, 'w'))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
