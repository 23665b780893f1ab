// The Keras 3 target: model fixtures converted by the CLI with --to keras, filled by the generated loader and compared
// with real PyTorch in real Keras on the TensorFlow backend (rtol 1e-4, atol 1e-5); what is not converted is marked.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareInPython, outputDir, repoRoot, type CompareResult } from './support/python';
import { convertFile, loaderKeyError, writeTorchFile, type Converted } from './support/target-files';

const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
const workDir = path.join(outputDir, 'keras-target');

const convertToKeras = (source: string) => convertFile(source, 'keras', workDir);
const torchFile = (name: string, text: string) => writeTorchFile(workDir, name, text);

interface Entry { entry: string; inputs: string[]; mode?: 'eval' | 'train' }

const MODELS: Array<{ file: string; marked: string[]; entries: Entry[] }> = [
  { file: 'torch/mlp.py', marked: [], entries: [
    { entry: 'MLP(in_dim=16, hidden=32, out_dim=4)', inputs: ['x=float32[4,16]'] },
    { entry: 'MLP(in_dim=16, hidden=32, out_dim=4, num_blocks=1)', inputs: ['x=float32[2,5,16]'] },
    { entry: 'MLP(in_dim=16, hidden=32, out_dim=4, dropout=0.0)', inputs: ['x=float32[4,16]'], mode: 'train' },
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

describe('Keras target: model fixtures against real PyTorch', function () {
  const converted = new Map<string, Converted>();
  let results = new Map<string, CompareResult>();

  before(function () {
    for (const m of MODELS) converted.set(m.file, convertToKeras(path.join(fixturesDir, m.file)));
    const jobs = MODELS.flatMap((m) => m.entries.map((e) => ({
      id: `${m.file}:${e.entry}:${e.mode ?? 'eval'}`, torch_file: path.join(fixturesDir, m.file), jax_file: converted.get(m.file)!.file, entry: e.entry, inputs: e.inputs, mode: e.mode ?? 'eval', target: 'keras' as const,
    })));
    results = compareInPython('keras-target', jobs);
  });

  for (const m of MODELS) {
    it(`${m.file} converts to Keras ${m.marked.length ? `with only ${m.marked.join(', ')} marked` : 'completely'}`, function () {
      const c = converted.get(m.file)!;
      assert.deepEqual(c.marked, m.marked, c.stderr);
      assert.equal(c.status, m.marked.length ? 1 : 0, c.stderr);
      assert.match(fs.readFileSync(c.file, 'utf8'), /^class \w+\(keras\.Layer\):$/m);
    });
    for (const e of m.entries) {
      it(`${m.file} ${e.entry} matches PyTorch in Keras (${e.mode ?? 'eval'} mode)`, function () {
        const r = results.get(`${m.file}:${e.entry}:${e.mode ?? 'eval'}`);
        assert.ok(r, 'the oracle returned no result');
        assert.ok(r.passed, r.detail);
      });
    }
  }
});

describe('Keras target: semantics and the command line', function () {
  it('writes keras.Layer subclasses: __init__ takes **kwargs for the base class, forward is call, self.training is its training argument', function () {
    const c = convertToKeras(path.join(fixturesDir, 'torch/gpt.py'));
    const code = fs.readFileSync(c.file, 'utf8');
    assert.match(code, /class FlashSelfAttention\(keras\.Layer\):\n/);
    assert.match(code, / {4}def __init__\(self, n_embd, n_head, dropout=0\.0, \*\*kwargs\):\n {8}super\(\)\.__init__\(\*\*kwargs\)/);
    assert.match(code, /def call\(self, x, training=None\):/);
    assert.match(code, /dropout_p=self\.dropout if bool\(training\) else 0\.0/);
    assert.doesNotMatch(code, /def forward|import torch/);
  });

  it('marks an index update, which TensorFlow tensors cannot do in place, reports its line and exits 1', function () {
    const source = torchFile('update.py', ['import torch', '', 'def f(x):', '    y = x.clone()', '    y[:, 0] = 0', '    return y', ''].join('\n'));
    const run = spawnSync('node', [path.join(repoRoot, 'bin', 'rosetta.js'), 'convert', source, '--to', 'keras'], { encoding: 'utf8' });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, / {4}y = x\n/);
    assert.match(run.stdout, / {4}y\[:, 0\] = 0 {2}# rosetta: not converted: index update: no Keras equivalent yet/);
    assert.match(run.stderr, /update\.py:5:5: error: index update: no Keras equivalent yet/);
  });

  it('marks arithmetic on a comparison, which TensorFlow keeps bool where torch promotes it', function () {
    const source = torchFile('mask.py', ['import torch', '', 'def f(x):', '    return (x > 0) * 2.0, (x > 0).float() * 2.0', ''].join('\n'));
    const run = spawnSync('node', [path.join(repoRoot, 'bin', 'rosetta.js'), 'convert', source, '--to', 'keras'], { encoding: 'utf8' });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /return \(x > 0\) \* 2\.0, keras\.ops\.cast\(\(x > 0\), np\.float32\) \* 2\.0 {2}# rosetta: not converted: arithmetic on a bool tensor/);
    assert.match(run.stderr, /mask\.py:4:12: error: arithmetic on a bool tensor/);
  });

  it('the converted model drops out only when called with training=True', function () {
    const c = convertToKeras(path.join(fixturesDir, 'torch/mlp.py'));
    const out = loaderKeyError(c.file, { KERAS_BACKEND: 'tensorflow', TF_CPP_MIN_LOG_LEVEL: '3' });
    assert.match(out, /missing \['fc2\.bias'\], unexpected \['extra'\]/);
  });
});
