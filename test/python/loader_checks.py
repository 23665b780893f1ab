"""What a converted file's load_torch_state_dict does with real PyTorch state_dicts.

usage: python loader_checks.py TORCH_FILE JAX_FILE ENTRY
Prints one JSON object: the error for a state_dict with one key missing and one unexpected, whether loading works
without num_batches_tracked, and the groups of torch names that share one JAX variable (tied weights).
"""
import json
import sys

import numpy as np
import torch
from flax import nnx

from compare import load, with_rngs


def main(torch_file, jax_file, entry):
    src, dst = load(torch_file, 'src'), load(jax_file, 'dst')
    torch.manual_seed(0)
    state = {k: v.detach().numpy() for k, v in eval(entry, vars(src)).state_dict().items()}
    model = eval(with_rngs(entry), dict(vars(dst), nnx=nnx))
    dropped = sorted(k for k in state if not k.endswith('num_batches_tracked'))[0]
    broken = {k: v for k, v in state.items() if k != dropped}
    broken['not_a_parameter.weight'] = np.zeros(1, np.float32)
    try:
        dst.load_torch_state_dict(model, broken)
        error = None
    except KeyError as e:
        error = str(e)
    dst.load_torch_state_dict(model, {k: v for k, v in state.items() if not k.endswith('num_batches_tracked')})
    by_variable = {}
    for name, (variable, _) in dst._torch_entries(model, '', {}).items():
        by_variable.setdefault(id(variable), []).append(name)
    shared = sorted(sorted(names) for names in by_variable.values() if len(names) > 1)
    print(json.dumps({'error': error, 'dropped': dropped, 'shared': shared}))


if __name__ == '__main__':
    main(*sys.argv[1:4])
