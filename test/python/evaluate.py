"""Runs snippets in real PyTorch or real JAX on given inputs: the oracle for the embedded check's lowerings.

usage: python evaluate.py JOBS.json RESULTS.json

Each job: {"id", "framework": "torch"|"jax", "code", "entry" (a function name), "inputs": [{"dtype", "shape", "data"}]}.
Results: {"results": [{"id", "outputs": [{"dtype", "shape", "data"}] | null, "error": str | null}]}; data is flat.
"""
import json
import sys
import traceback

import numpy as np
import torch
import jax
import jax.numpy as jnp


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


def run(job):
    namespace = {}
    exec(compile(job['code'], f"<{job['id']}>", 'exec'), namespace)
    arrays = [np.asarray(i['data'], dtype=i['dtype']).reshape(i['shape']) for i in job['inputs']]
    if job['framework'] == 'torch':
        args = [torch.from_numpy(a.copy()) for a in arrays]
        with torch.no_grad():
            out = namespace[job['entry']](*args)
    else:
        out = namespace[job['entry']](*[jnp.asarray(a) for a in arrays])
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
