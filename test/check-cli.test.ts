// `rosetta check` as a user runs it: verdicts, exit codes, the JSON report, a hand-written port checked with its own
// loader, what cannot be checked named with its line, and bad usage.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { rosetta, writeIn } from './support/cli';
import { outputDir, repoRoot } from './support/python';

const TORCH_NET = `import torch
from torch import nn


class Net(nn.Module):
    def __init__(self, width=4):
        super().__init__()
        self.fc = nn.Linear(width, 3)

    def forward(self, x):
        h = self.fc(x)
        return torch.tanh(h) * 2
`;

/** A port written by hand, with its own loader: the check fills it through that loader. */
const handWritten = (scale: string) => `import jax.numpy as jnp
from flax import nnx


class Net(nnx.Module):
    def __init__(self, width=4, *, rngs):
        self.w = nnx.Param(jnp.zeros((3, width)))
        self.b = nnx.Param(jnp.zeros((3,)))

    def __call__(self, x):
        h = x @ self.w[...].T + self.b[...]
        return jnp.tanh(h) * ${scale}


def load_torch_state_dict(model, state):
    model.w[...] = jnp.asarray(state['fc.weight'])
    model.b[...] = jnp.asarray(state['fc.bias'])
    return model
`;

const write = (name: string, text: string) => writeIn(path.join(outputDir, 'check-cli'), name, text);
/** `rosetta check ARGS` */
const check = (...args: string[]) => rosetta('check', ...args);

describe('rosetta check: the command line', function () {
  this.timeout(60_000);

  it('calls a fixture and its conversion equivalent (exit 0) and reports every output', function () {
    const run = check(path.join(repoRoot, 'test/fixtures/torch/mlp.py'), '--to', 'jax', '--entry', 'MLP(in_dim=16, hidden=32, out_dim=4)', '--input', 'x=float32[4,16]', '--json');
    assert.equal(run.status, 0, run.stderr + run.stdout);
    const report = JSON.parse(run.stdout);
    assert.equal(report.verdict, 'equivalent');
    assert.deepEqual(report.outputs.map((o: { shape: number[] }) => o.shape), [[4, 4]]);
    assert.ok(report.outputs[0].maxAbs < 1e-5);
    assert.equal(report.backend, 'wasm');
    assert.equal(report.firstDivergence, null);
    assert.ok(report.timingsMs.runSource >= 0 && report.timingsMs.runTarget >= 0);
  });

  it('checks a hand-written port through its own loader', function () {
    const run = check(write('net.py', TORCH_NET), '--entry', 'Net(width=4)', '--input', 'x=float32[2,4]', '--target', write('net_jax.py', handWritten('2')), '--json');
    assert.equal(run.status, 0, run.stderr + run.stdout);
    assert.equal(JSON.parse(run.stdout).verdict, 'equivalent');
  });

  it('calls a wrong port a mismatch (exit 3) and points at the first line where the two part ways', function () {
    const run = check(write('net.py', TORCH_NET), '--entry', 'Net()', '--input', 'x=float32[2,4]', '--target', write('net_wrong_jax.py', handWritten('3')), '--json');
    assert.equal(run.status, 3, run.stderr + run.stdout);
    const report = JSON.parse(run.stdout);
    assert.equal(report.verdict, 'mismatch');
    assert.deepEqual(report.firstDivergence.source, { line: 12, text: 'return torch.tanh(h) * 2' });
    assert.deepEqual(report.firstDivergence.target, { line: 12, text: 'return jnp.tanh(h) * 3' });
  });

  it('names what it could not check and where (exit 1), never claiming a verdict', function () {
    const source = TORCH_NET.replace('return torch.tanh(h) * 2', 'return torch.linalg.svd(h)[0]');
    const run = check(write('net_svd.py', source), '--entry', 'Net()', '--input', 'x=float32[2,4]', '--json');
    assert.equal(run.status, 1, run.stderr + run.stdout);
    const report = JSON.parse(run.stdout);
    assert.equal(report.verdict, 'unsupported');
    assert.match(report.unsupported[0].message, /torch\.linalg\.svd.*line 12/);
    assert.equal(report.unsupported[0].line, 12);
  });

  it('rejects bad usage with exit 2: a bad input spec, a missing entry, a target the source does not convert to', function () {
    const file = write('net.py', TORCH_NET);
    const badSpec = check(file, '--entry', 'Net()', '--input', 'x=float33[2,4]');
    assert.equal(badSpec.status, 2);
    assert.match(badSpec.stderr, /bad input spec 'x=float33\[2,4\]'/);
    const noEntry = check(file, '--input', 'x=float32[2,4]');
    assert.equal(noEntry.status, 2);
    assert.match(noEntry.stderr, /needs --entry/);
    const unknownTarget = check(file, '--to', 'cobol', '--entry', 'Net()', '--input', 'x=float32[2,4]');
    assert.equal(unknownTarget.status, 2);
    assert.match(unknownTarget.stderr, /a PyTorch file converts to jax\|numpy\|keras, not cobol/);
    const jaxToNumpy = check(path.join(repoRoot, 'test', 'fixtures', 'jax', 'mlp.py'), '--to', 'numpy', '--entry', 'MLP()', '--input', 'x=float32[2,6]');
    assert.equal(jaxToNumpy.status, 2);
    assert.match(jaxToNumpy.stderr, /a JAX file converts to torch, not numpy/);
    const unknownSource = check(file, '--from', 'cobol', '--entry', 'Net()', '--input', 'x=float32[2,4]');
    assert.equal(unknownSource.status, 2);
    assert.match(unknownSource.stderr, /--from must be one of torch\|jax\|keras/);
  });
});
