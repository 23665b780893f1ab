// The NumPy target (inference): model fixtures converted by the CLI with --to numpy, filled by the generated loader
// and compared with real PyTorch in eval mode (rtol 1e-4, atol 1e-5, exact dtypes); what is not converted yet is marked.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareInPython, outputDir, repoRoot, venvPython, type CompareResult } from './support/python';

const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
const workDir = path.join(outputDir, 'numpy-target');

interface Converted { status: number; stderr: string; file: string; marked: string[] }

function convertToNumpy(source: string): Converted {
  fs.mkdirSync(workDir, { recursive: true });
  const file = path.join(workDir, path.basename(source).replace(/\.py$/, '_numpy.py'));
  fs.rmSync(file, { force: true });
  const run = spawnSync('node', [path.join(repoRoot, 'bin', 'rosetta.js'), 'convert', source, '--to', 'numpy', '--out', file, '--json'], { encoding: 'utf8' });
  const diagnostics: Array<{ severity: string; message: string }> = run.stdout ? JSON.parse(run.stdout).diagnostics : [];
  const marked = [...new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.message.split(':')[0]))].sort();
  return { status: run.status ?? -1, stderr: run.stderr, file, marked };
}

/** A torch file written for one test. */
function torchFile(name: string, text: string): string {
  fs.mkdirSync(workDir, { recursive: true });
  const file = path.join(workDir, name);
  fs.writeFileSync(file, text);
  return file;
}

const MODELS = [
  { file: 'torch/mlp.py', marked: [], entries: [
    { entry: 'MLP(in_dim=16, hidden=32, out_dim=4)', inputs: ['x=float32[4,16]'] },
    { entry: 'MLP(in_dim=16, hidden=32, out_dim=4, num_blocks=1)', inputs: ['x=float32[2,5,16]'] },
    { entry: 'TinyMLP(in_dim=8, hidden=16, out_dim=3)', inputs: ['x=float32[6,8]'] },
  ] },
  { file: 'torch/gpt.py', marked: ['torch.nn.Module.apply', 'torch.nn.Module.named_parameters', 'torch.nn.init.normal_', 'torch.nn.init.zeros_'], entries: [
    { entry: 'GPT(vocab_size=65, block_size=16, n_layer=2, n_head=4, n_embd=32)', inputs: ['idx=int64[2,12]:0..65'] },
    { entry: 'GPT(vocab_size=65, block_size=16, n_layer=2, n_head=4, n_embd=32, dropout=0.0, use_sdpa=True)', inputs: ['idx=int64[2,16]:0..65'] },
    { entry: 'TinyLM(vocab_size=50, block_size=12, n_embd=16, n_head=2, n_layer=1)', inputs: ['idx=int64[2,12]:0..50'] },
    { entry: 'CausalSelfAttention(n_embd=32, n_head=4, block_size=16)', inputs: ['x=float32[2,10,32]'] },
  ] },
  { file: 'torch/bert.py', marked: [], entries: [
    { entry: 'TinyBert()', inputs: ['input_ids=int64[2,10]:1..50', 'attention_mask=int64[2,10]:0..2'] },
  ] },
];

describe('NumPy target: model fixtures against real PyTorch', function () {
  const converted = new Map<string, Converted>();
  let results = new Map<string, CompareResult>();

  before(function () {
    for (const m of MODELS) converted.set(m.file, convertToNumpy(path.join(fixturesDir, m.file)));
    const jobs = MODELS.flatMap((m) => m.entries.map((e) => ({
      id: `${m.file}:${e.entry}`, torch_file: path.join(fixturesDir, m.file), jax_file: converted.get(m.file)!.file, entry: e.entry, inputs: e.inputs, mode: 'eval' as const, target: 'numpy' as const,
    })));
    results = compareInPython('numpy-target', jobs);
  });

  for (const m of MODELS) {
    it(`${m.file} converts to NumPy ${m.marked.length ? `with only ${m.marked.join(', ')} marked` : 'completely'}`, function () {
      const c = converted.get(m.file)!;
      assert.deepEqual(c.marked, m.marked, c.stderr);
      assert.equal(c.status, m.marked.length ? 1 : 0, c.stderr);
    });
    for (const e of m.entries) {
      it(`${m.file} ${e.entry} matches PyTorch in NumPy`, function () {
        const r = results.get(`${m.file}:${e.entry}`);
        assert.ok(r, 'the oracle returned no result');
        assert.ok(r.passed, r.detail);
      });
    }
  }
});

describe('NumPy target: semantics and the command line', function () {
  it('keeps torch in-place semantics through views, and promotes dtypes as torch does', function () {
    const source = torchFile('inplace.py', [
      'import torch',
      '',
      'def bump_first_row(x):',
      '    y = x.clone()',
      '    row = y[0]',
      '    row.add_(1.5)',
      '    y[1:, 0] = -1',
      '    y[:, 1] += 2',
      '    return y',
      '',
      'def promote(x, i):',
      '    return x * 2.5, i * 2, (x > 0).float() + 1, x.sum(dim=1, keepdim=True), torch.where(x > 0, x, 0.0)',
      '',
    ].join('\n'));
    const c = convertToNumpy(source);
    assert.equal(c.status, 0, c.stderr);
    const code = fs.readFileSync(c.file, 'utf8');
    assert.match(code, /y\[1:, 0\] = -1/);
    assert.match(code, /row\[\.\.\.\] = np\.add\(row, 1\.5\)/);
    const results = compareInPython('numpy-semantics', [
      { id: 'views', torch_file: source, jax_file: c.file, entry: 'bump_first_row', inputs: ['x=float32[3,4]'], target: 'numpy' },
      { id: 'promotion', torch_file: source, jax_file: c.file, entry: 'promote', inputs: ['x=float32[3,4]', 'i=int64[3]:0..9'], target: 'numpy' },
    ]);
    for (const r of results.values()) assert.ok(r.passed, `${r.id}: ${r.detail}`);
  });

  it('marks what has no NumPy equivalent yet in place, reports its line and exits 1', function () {
    const source = torchFile('conv.py', ['import torch.nn.functional as F', '', 'def f(x, w):', '    return F.conv2d(x, w)', ''].join('\n'));
    const run = spawnSync('node', [path.join(repoRoot, 'bin', 'rosetta.js'), 'convert', source, '--to', 'numpy'], { encoding: 'utf8' });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /return F\.conv2d\(x, w\) {2}# rosetta: not converted: torch\.nn\.functional\.conv2d: no NumPy equivalent yet/);
    assert.match(run.stderr, /conv\.py:4:12: error: torch\.nn\.functional\.conv2d: no NumPy equivalent yet/);
  });

  it('rejects an unknown target with exit 2', function () {
    const run = spawnSync('node', [path.join(repoRoot, 'bin', 'rosetta.js'), 'convert', path.join(fixturesDir, 'torch/mlp.py'), '--to', 'tensorflow'], { encoding: 'utf8' });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--to jax\|numpy/);
  });

  it('the generated loader raises KeyError naming missing and unexpected keys', function () {
    const c = convertToNumpy(path.join(fixturesDir, 'torch/mlp.py'));
    const script = [
      'import importlib.util, sys, numpy as np',
      `spec = importlib.util.spec_from_file_location('m', ${JSON.stringify(c.file)})`,
      'm = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)',
      'model = m.TinyMLP()',
      "sd = {'fc1.weight': np.zeros((16, 8), np.float32), 'fc1.bias': np.zeros(16, np.float32), 'fc2.weight': np.zeros((3, 16), np.float32), 'extra': np.zeros(1)}",
      'try:',
      '    m.load_torch_state_dict(model, sd)',
      'except KeyError as e:',
      '    print(e)',
    ].join('\n');
    const out = execFileSync(venvPython(), ['-c', script], { encoding: 'utf8' });
    assert.match(out, /missing \['fc2\.bias'\], unexpected \['extra'\]/);
  });
});
