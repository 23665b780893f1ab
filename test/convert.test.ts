// What a user sees from `rosetta convert`: resolution of every import form, kept code, markers, exit codes.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initParser, parsePython } from '../server/src/parser';
import { convertTorchToJax, InputError } from '../server/src/convert';
import { repoRoot } from './support/python';

const convert = (text: string) => convertTorchToJax(text);

function cli(args: string[], input?: { name: string; text: string }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rosetta-cli-'));
  const file = input ? path.join(dir, input.name) : '';
  if (input) fs.writeFileSync(file, input.text);
  const run = spawnSync('node', [path.join(repoRoot, 'bin', 'rosetta.js'), ...args.map((a) => a.replace('$FILE', file).replace('$DIR', dir))], { encoding: 'utf8' });
  return { ...run, dir, file };
}

describe('convert: name resolution', function () {
  before(async () => {
    await initParser();
  });

  const forms: Array<[string, string, string]> = [
    ['import torch', 'torch.exp(x)', 'jnp.exp(x)'],
    ['import torch as t', 't.exp(x)', 'jnp.exp(x)'],
    ['from torch import exp', 'exp(x)', 'jnp.exp(x)'],
    ['from torch import exp as e', 'e(x)', 'jnp.exp(x)'],
    ['import torch.nn', 'torch.sigmoid(x)', 'jax.nn.sigmoid(x)'],
    ['from torch import nn', 'nn.Module', 'nnx.Module'],
    ['from torch.nn import Module, ModuleList', 'Module', 'nnx.Module'],
  ];
  for (const [imp, expr, expected] of forms) {
    it(`${imp}: ${expr} → ${expected}`, function () {
      const out = convert(`${imp}\n\ndef f(x):\n    return ${expr}\n`);
      assert.match(out.code, new RegExp(`return ${expected.replace(/[.()]/g, '\\$&')}`));
      assert.doesNotMatch(out.code, /^import torch|^from torch/m);
      assert.deepEqual(out.diagnostics, []);
    });
  }

  it('a local name that shadows an import is not the import', function () {
    const out = convert('import torch\n\ndef f(torch, x):\n    return torch.exp(x)\n');
    assert.match(out.code, /return torch\.exp\(x\)/);
    assert.deepEqual(out.diagnostics, []);
  });

  it('a submodule call is not a Tensor method (self.norm(x) is not Tensor.norm)', function () {
    const out = convert('import torch\nfrom torch import nn\n\nclass M(nn.Module):\n    def forward(self, x):\n        return self.norm(torch.exp(x))\n');
    assert.match(out.code, /return self\.norm\(jnp\.exp\(x\)\)/);
  });

  it('an in-place op on a temporary converts; on a variable inside an expression it is marked', function () {
    const out = convert('import torch\n\ndef f(x):\n    y = torch.exp(x).add_(1)\n    z = y.mul_(2)\n    return z\n');
    assert.match(out.code, /y = jnp\.add\(jnp\.exp\(x\), 1\)/);
    assert.match(out.code, /z = y\.mul_\(2\)  # rosetta: not converted: Tensor\.mul_/);
  });

  it('converts Tensor methods on names that hold tensors, not str methods', function () {
    const out = convert('import torch\n\ndef f(x, s: str):\n    y = torch.exp(x)\n    parts = s.split(",")\n    return y.abs(), parts\n');
    assert.match(out.code, /return jnp\.abs\(y\), parts/);
    assert.match(out.code, /parts = s\.split\(","\)/);
  });

  it('turns index assignment and in-place methods into functional updates', function () {
    const out = convert('import torch\n\ndef f(x):\n    y = torch.exp(x)\n    y[:, 0] = 0\n    y[1] += 2\n    y.clamp_(min=0)\n    return y\n');
    assert.match(out.code, /y = y\.at\[:, 0\]\.set\(0\)/);
    assert.match(out.code, /y = y\.at\[1\]\.add\(2\)/);
    assert.match(out.code, /y = jnp\.clip\(y, min=0\)/);
  });
});

describe('convert: modules', function () {
  before(async () => {
    await initParser();
  });
  const source = [
    'import torch',
    'from torch import nn',
    '',
    'class Block(nn.Module):',
    '    """Doc."""',
    '',
    '    def __init__(self, d, scale=2.0):',
    '        super().__init__()',
    '        self.w = nn.Parameter(torch.exp(torch.zeros(d)))',
    '        self.register_buffer("m", torch.exp(torch.zeros(d)), persistent=False)',
    '',
    '    def forward(self, x):',
    '        if self.training:',
    '            x = x * 2',
    '        return x * self.w + self.m',
    '',
    'class Outer(Block):',
    '    def __init__(self, d):',
    '        super().__init__(d)',
    '        self.inner = Block(d)',
    '',
  ].join('\n');

  it('makes nnx modules with rngs, __call__, Param and Buffer variables, and the training flag', function () {
    const { code } = convert(source);
    assert.match(code, /class Block\(nnx\.Module\):/);
    assert.match(code, /def __init__\(self, d, scale=2\.0, \*, rngs: nnx\.Rngs\):/);
    assert.match(code, /self\.deterministic = False/);
    assert.match(code, /if \(not self\.deterministic\):/);
    assert.match(code, /def __call__\(self, x\):/);
    assert.match(code, /self\.w = nnx\.Param\(/);
    assert.match(code, /self\.m = TransientBuffer\(/);
    assert.match(code, /return x \* self\.w\[\.\.\.\] \+ self\.m\[\.\.\.\]/);
    assert.match(code, /class Outer\(Block\):/);
    assert.match(code, /self\.inner = Block\(d, rngs=rngs\)/);
    assert.match(code, /def load_torch_state_dict\(model, state_dict\):/);
    assert.match(code, /"""Doc\."""/);
  });
});

describe('convert: module classes passed as values (timm style)', function () {
  before(async () => {
    await initParser();
  });

  it('turns act_layer=nn.GELU and norm_layer=partial(nn.LayerNorm, eps=1e-6) into factories that take rngs', function () {
    const out = convert([
      'from functools import partial',
      'import torch.nn as nn',
      '',
      'class Mlp(nn.Module):',
      '    def __init__(self, dim, act_layer=nn.GELU, norm_layer=partial(nn.LayerNorm, eps=1e-6)):',
      '        super().__init__()',
      '        self.act = act_layer()',
      '        self.norm = norm_layer(dim)',
      '        self.ok = isinstance(self.norm, nn.LayerNorm)',
      '',
    ].join('\n'));
    assert.deepEqual(out.diagnostics, []);
    assert.match(out.code, /act_layer=\(lambda approximate='none', \*, rngs=None: \(lambda x: jax\.nn\.gelu\(x, approximate=approximate == 'tanh'\)\)\)/);
    assert.match(out.code, /norm_layer=partial\(\(lambda normalized_shape, eps=1e-05, .*rngs=None: nnx\.LayerNorm\(normalized_shape, epsilon=eps/);
    assert.match(out.code, /self\.act = act_layer\(rngs=rngs\)/);
    assert.match(out.code, /self\.norm = norm_layer\(dim, rngs=rngs\)/);
    assert.match(out.code, /isinstance\(self\.norm, nnx\.LayerNorm\)/);
  });
});

describe('convert: sampling code', function () {
  before(async () => {
    await initParser();
  });

  it('drops @torch.no_grad() to a comment and updates masked logits from self(...) functionally', function () {
    const out = convert('import torch\nfrom torch import nn\n\nclass M(nn.Module):\n    @torch.no_grad()\n    def sample(self, idx):\n        logits = self(idx)\n        logits[logits < 0] = -float("Inf")\n        return logits\n');
    // converted, with the one hazard of a mask update: it fails under jax.jit
    assert.deepEqual(out.diagnostics.map((d) => [d.line, d.severity, d.hazard]), [[8, 'warning', 'hazard-bool-mask']]);
    assert.match(out.code, /    # @torch\.no_grad\(\): JAX computes gradients only inside jax\.grad\n    def sample/);
    assert.match(out.code, /logits = logits\.at\[logits < 0\]\.set\(-float\("Inf"\)\)/);
  });
});

describe('convert: what cannot be converted', function () {
  before(async () => {
    await initParser();
  });

  it('keeps the call, marks its line and reports it; the output still parses', function () {
    const out = convert('import torch.nn.functional as F\n\ndef f(y):\n    z = F.not_a_real_op(y)\n    return z\n');
    assert.match(out.code, /z = F\.not_a_real_op\(y\)  # rosetta: not converted: torch\.nn\.functional\.not_a_real_op/);
    assert.equal(out.diagnostics.length, 1);
    assert.equal(out.diagnostics[0].line, 4);
    assert.equal(out.diagnostics[0].severity, 'error');
    assert.equal(parsePython(out.code).rootNode.hasError, false);
  });

  it('draws random numbers from rngs where modules are built, and marks them elsewhere', function () {
    const out = convert('import torch\nfrom torch import nn\n\nclass M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.p = nn.Parameter(torch.randn(2, 3))\n\ndef noise(x):\n    return x + torch.randn(2, 3)\n');
    assert.match(out.code, /self\.p = nnx\.Param\(jax\.random\.normal\(rngs\.params\(\), \(2, 3\)\)\)/);
    assert.deepEqual(out.diagnostics.map((d) => [d.line, d.api]), [[10, 'torch.randn']]);
  });

  it('keeps code that does not touch torch byte for byte', function () {
    const plain = 'from dataclasses import dataclass\n\n\n@dataclass\nclass Config:\n    width: int = 8  # comment\n\n\ndef helper(a, b=3):\n    """Docstring."""\n    return [a * i for i in range(b)]\n';
    const out = convert(`import torch\n${plain}`);
    assert.ok(out.code.endsWith(plain), out.code);
  });

  it('points at an unclosed parenthesis, not at the top of the file', function () {
    const text = 'import torch\n\ndef f(x):\n    return x\n\ndef g(x):\n    y = torch.exp((x + 1)\n    return y\n';
    assert.throws(() => convert(text), (e: unknown) => e instanceof InputError && e.line !== undefined && e.line >= 7);
  });

  it('puts the JAX imports after the docstring and __future__ imports', function () {
    const out = convert('"""Doc."""\nfrom __future__ import annotations\nimport os\nimport torch\n\nx = torch.exp(torch.zeros(2))\n');
    assert.match(out.code, /^"""Doc\."""\nfrom __future__ import annotations\nimport math\n/);
    assert.match(out.code, /from flax import nnx\n\nimport os\n/);
  });

  it('rejects a syntax error with its line', function () {
    assert.throws(() => convert('import torch\n\ndef f(x:\n    return x\n'), (e: unknown) => e instanceof InputError && e.line === 3);
  });
});

describe('rosetta convert (CLI)', function () {
  it('exits 0 and writes --out when everything converted', function () {
    const run = cli(['convert', '$FILE', '--to', 'jax', '--out', '$DIR/out.py'], { name: 'm.py', text: 'import torch\n\ndef f(x):\n    return torch.exp(x)\n' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(fs.readFileSync(path.join(run.dir, 'out.py'), 'utf8'), /jnp\.exp\(x\)/);
  });

  it('exits 1 and prints JSON diagnostics when something is left marked', function () {
    const run = cli(['convert', '$FILE', '--to', 'jax', '--json'], { name: 'm.py', text: 'import torch\n\ndef f(x):\n    return torch.not_real(x)\n' });
    assert.equal(run.status, 1);
    const out = JSON.parse(run.stdout);
    assert.equal(typeof out.code, 'string');
    assert.deepEqual(out.diagnostics.map((d: { line: number; severity: string }) => [d.line, d.severity]), [[4, 'error']]);
    assert.match(out.diagnostics[0].message, /torch\.not_real/);
  });

  it('exits 2 on a syntax error, names the line, and writes nothing over --out', function () {
    const run = cli(['convert', '$FILE', '--to', 'jax', '--out', '$DIR/out.py'], { name: 'bad.py', text: 'import torch\nx = (1,\n' });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /bad\.py:\d+:\d+: syntax error/);
    assert.equal(fs.existsSync(path.join(run.dir, 'out.py')), false);
  });

  it('exits 2 for a missing file and for bad usage', function () {
    assert.equal(cli(['convert', '/nonexistent/model.py', '--to', 'jax']).status, 2);
    assert.equal(cli(['convert']).status, 2);
    assert.equal(cli(['convert', 'x.py', '--to', 'tensorflow']).status, 2);
    assert.equal(cli(['frobnicate']).status, 2);
  });
});

describe('convert: bad input never crashes the engine', function () {
  before(async () => {
    await initParser();
  });

  it('every prefix of every fixture either converts or is rejected with a line', function () {
    const dir = path.join(repoRoot, 'test', 'fixtures', 'torch');
    for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.py'))) {
      const text = fs.readFileSync(path.join(dir, name), 'utf8');
      for (let cut = 0; cut < text.length; cut += 97) {
        try {
          const out = convert(text.slice(0, cut));
          assert.equal(typeof out.code, 'string');
        } catch (e) {
          assert.ok(e instanceof InputError && typeof e.line === 'number', `${name} cut at ${cut}: ${e}`);
        }
      }
    }
  });
});
