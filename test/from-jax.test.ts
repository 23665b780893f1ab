// JAX / Flax NNX → PyTorch: conversions by the CLI, run in real PyTorch and compared with real JAX (rtol 1e-4,
// atol 1e-5, eval mode) by test/python/from_jax_compare.py, the torch model filled by the file's load_flax_state.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jaxFunctions, jaxLayers } from '../server/src/catalogue/from-jax';
import { modules, ops } from '../server/src/catalogue';
import { outputDir, repoRoot } from './support/python';
import { assertPassed, compareInPython as compareIn, convertFile, type Converted, type Job, type Result } from './support/reverse';
import { initParser } from '../server/src/parser';
import { InputError } from '../server/src/convert';
import { convertJax } from '../server/src/reverse/convert-jax';

const workDir = path.join(outputDir, 'from-jax');
const fixture = (name: string) => path.join(repoRoot, 'test', 'fixtures', name);
const convert = (source: string, out: string, args: string[] = []) => convertFile(workDir, source, out, args);
const compareInPython = (name: string, jobs: Job[]) => compareIn(workDir, name, jobs);

const ROUND_TRIPS = [
  { file: 'mlp', entries: [
    { entry: 'MLP(in_dim=16, hidden=32, out_dim=4)', inputs: ['x=float32[4,16]'] },
    { entry: 'TinyMLP(in_dim=8, hidden=16, out_dim=3)', inputs: ['x=float32[6,8]'] },
  ] },
  { file: 'gpt', entries: [
    { entry: 'GPT(vocab_size=65, block_size=16, n_layer=2, n_head=4, n_embd=32)', inputs: ['idx=int64[2,12]:0..65'] },
    { entry: 'GPT(vocab_size=65, block_size=16, n_layer=2, n_head=4, n_embd=32, dropout=0.0, use_sdpa=True)', inputs: ['idx=int64[2,16]:0..65'] },
    { entry: 'TinyLM(vocab_size=50, block_size=12, n_embd=16, n_head=2, n_layer=1)', inputs: ['idx=int64[2,12]:0..50'] },
  ] },
  { file: 'bert', entries: [{ entry: 'TinyBert()', inputs: ['input_ids=int64[2,10]:1..50', 'attention_mask=int64[2,10]:0..2'] }] },
  { file: 'mixer', entries: [{ entry: 'Mixer()', inputs: ['images=float32[2,3,16,16]'] }] },
];

describe('JAX → PyTorch: round trips torch → JAX → torch reproduce the original torch model', function () {
  const back = new Map<string, Converted>();
  let results = new Map<string, Result>();

  before(function () {
    const jobs: Job[] = [];
    for (const m of ROUND_TRIPS) {
      const torchFile = fixture(`torch/${m.file}.py`);
      const jax = convert(torchFile, `${m.file}_jax.py`, ['--to', 'jax']);
      back.set(m.file, convert(jax.file, `${m.file}_back.py`));
      for (const e of m.entries) jobs.push({ id: `${m.file}:${e.entry}`, kind: 'roundtrip', torch_file: torchFile, jax_file: jax.file, back_file: back.get(m.file)!.file, ...e });
    }
    results = compareInPython('roundtrip', jobs);
  });

  for (const m of ROUND_TRIPS) {
    it(`the JAX conversion of ${m.file}.py converts back to torch (source detected from the imports)`, function () {
      const b = back.get(m.file)!;
      // gpt.py's weight-initialisation code is marked by the forward conversion and stays commented out
      assert.deepEqual(b.errors, [], b.stderr);
      assert.equal(b.status, 0, b.stderr);
      assert.match(b.code, /^def load_flax_state\(model, state\):/m);
      assert.doesNotMatch(b.code, /^(import|from) (jax|flax)\b/m);
    });
    for (const e of m.entries) it(`${m.file}.py ${e.entry}: torch → JAX → torch matches the original`, function () { assertPassed(results, `${m.file}:${e.entry}`); });
  }
});

/** Each table entry's cases in one JAX file: functions over the inputs, layers built from rngs. */
function caseFile(): { text: string; jobs: Array<Omit<Job, 'back_file' | 'jax_file'> & { api: string; jax: string }> } {
  const lines = ['import jax', 'import jax.numpy as jnp', 'from flax import nnx', ''];
  const jobs: Array<Omit<Job, 'back_file' | 'jax_file'> & { api: string; jax: string }> = [];
  const spelling = (api: string) => api.replace(/^jax\.numpy\./, 'jnp.').replace(/^flax\.nnx\./, 'nnx.');
  for (const [table, layer] of [[jaxFunctions, false], [jaxLayers, true]] as const) {
    for (const [api, entry] of table) {
      entry.cases.forEach((c, i) => {
        const name = `case_${jobs.length}`;
        const inputs = c.inputs.map((s) => s.split('=')[0]);
        const expression = c.jax.replace(/\bF\(/, `${spelling(api)}(`);
        lines.push(layer ? `def ${name}(*, rngs):\n    return ${expression}\n` : `def ${name}(${inputs.join(', ')}):\n    return ${expression}\n`);
        jobs.push({ id: `${api}#${i}`, api, jax: c.jax, kind: 'jax', entry: layer ? `${name}()` : name, inputs: c.inputs, statistics: c.statistics });
      });
    }
  }
  return { text: lines.join('\n'), jobs };
}

describe('JAX → PyTorch: every table entry confirmed against real JAX and PyTorch', function () {
  const cases = caseFile();
  let converted: Converted;
  let results = new Map<string, Result>();

  before(function () {
    fs.mkdirSync(workDir, { recursive: true });
    const source = path.join(workDir, 'cases_jax.py');
    fs.writeFileSync(source, cases.text);
    converted = convert(source, 'cases_torch.py', ['--from', 'jax', '--to', 'torch']);
    results = compareInPython('cases', cases.jobs.map((j) => ({ ...j, jax_file: source, back_file: converted.file })));
  });

  it('the case file converts without anything marked', function () {
    assert.deepEqual(converted.errors, [], converted.stderr);
    assert.ok(converted.warnings.some((w) => w.startsWith('jax.random.normal: torch draws from a Generator')), 'random draws are reported as differing');
  });
  it('links each entry to an existing catalogue op or module, and gives it a case (containers are covered by the models)', function () {
    const names = new Set([...ops.map((o) => o.name), ...modules.map((m) => m.name)]);
    for (const [api, entry] of [...jaxFunctions, ...jaxLayers]) if (entry.op) assert.ok(names.has(entry.op), `${api}: no catalogue entry '${entry.op}'`);
    const uncovered = [...jaxFunctions, ...jaxLayers].filter(([, e]) => !e.cases.length).map(([api]) => api);
    assert.deepEqual(uncovered, ['flax.nnx.List', 'flax.nnx.Dict', 'flax.nnx.Param']);
  });
  for (const job of cases.jobs) it(`${job.api}: ${job.jax} (${job.inputs.join(', ')})`, function () { assertPassed(results, job.id); });
});

const HAND_WRITTEN = [
  { file: 'mlp', entries: [{ entry: 'MLP(din=6, dmid=16, dout=5)', inputs: ['x=float32[4,6]'] }, { entry: 'Block(8, 8)', inputs: ['x=float32[3,8]'] }] },
  { file: 'cnn', entries: [{ entry: 'CNN()', inputs: ['x=float32[2,12,12,1]'] }] },
  { file: 'transformer', entries: [
    { entry: 'TinyLM()', inputs: ['tokens=int64[2,12]:0..40'] },
    { entry: 'TransformerBlock(dim=16, num_heads=2)', inputs: ['x=float32[2,10,16]'] },
    { entry: 'EncoderBlock(dim=16, num_heads=4)', inputs: ['x=float32[2,7,16]', 'valid=bool[2,7]'] },
    { entry: 'TiedLM(depth=1)', inputs: ['tokens=int64[2,9]:0..40'] },
  ] },
];

describe('JAX → PyTorch: hand-written Flax NNX models', function () {
  const converted = new Map<string, Converted>();
  let results = new Map<string, Result>();

  before(function () {
    const jobs: Job[] = [];
    for (const m of HAND_WRITTEN) {
      const source = fixture(`jax/${m.file}.py`);
      converted.set(m.file, convert(source, `${m.file}_torch.py`));
      for (const e of m.entries) jobs.push({ id: `${m.file}:${e.entry}`, kind: 'jax', jax_file: source, back_file: converted.get(m.file)!.file, ...e });
    }
    results = compareInPython('hand-written', jobs);
  });

  for (const m of HAND_WRITTEN) {
    it(`jax/${m.file}.py converts completely`, function () {
      const c = converted.get(m.file)!;
      assert.deepEqual(c.errors, [], c.stderr);
      assert.equal(c.status, 0);
      assert.doesNotMatch(c.code, /^(import|from) (jax|flax)\b/m);
    });
    for (const e of m.entries) it(`jax/${m.file}.py ${e.entry} matches Flax NNX in PyTorch`, function () { assertPassed(results, `${m.file}:${e.entry}`); });
  }

  it('passes the JAX defaults that differ from torch explicitly', function () {
    const c = converted.get('transformer')!;
    assert.match(c.code, /torch\.nn\.functional\.gelu\(self\.fc1\(self\.ln2\(x\)\), approximate='tanh'\)/);
    assert.match(c.code, /self\.ln1 = nn\.LayerNorm\(dim, eps=1e-6,/);
    assert.match(c.code, /torch\.softmax\(scores, dim=-1\)/);
    assert.match(c.code, /return torch\.nn\.functional\.linear\(self\.ln_f\(x\), self\.tok\.weight\)/);
    assert.match(c.code, /logits = logits\.clone\(\)\n\s+logits\[:, :1\] = first/);
    assert.match(converted.get('mlp')!.code, /self\.scale = nn\.Parameter\(/);
    assert.match(converted.get('cnn')!.code, /self\.bn1 = ChannelsLastBatchNorm\(8, eps=1e-5, momentum=0\.01, affine=True\)/);
  });

  it('keeps and marks what is not converted, with its line, and exits 1', function () {
    fs.mkdirSync(workDir, { recursive: true });
    const source = path.join(workDir, 'marked_jax.py');
    fs.writeFileSync(source, [
      'from functools import partial', 'from flax import nnx', '', 'class Net(nnx.Module):', '  def __init__(self, *, rngs: nnx.Rngs):',
      '    self.attn = nnx.MultiHeadAttention(4, 16, decode=True, rngs=rngs)', '    self.pool = partial(nnx.avg_pool, window_shape=(2, 2))', '    self.fc = nnx.Linear(16, 2, rngs=rngs)',
      '    self.drop = nnx.Dropout(0.1, rngs=rngs)', '    self.extra = [nnx.Variable(1.0)]', '', '  def __call__(self, x):', '    return self.drop(self.fc(self.pool(self.attn(x))), deterministic=True)', '',
    ].join('\n'));
    const c = convert(source, 'marked_torch.py');
    assert.equal(c.status, 1);
    assert.deepEqual(c.errors.map((e) => [e.line, e.message.split(':')[0]]), [[6, 'flax.nnx.MultiHeadAttention'], [7, 'flax.nnx.avg_pool'], [10, 'flax.nnx.Variable'], [13, 'flax.nnx.Dropout']]);
    assert.match(c.code, /deterministic=True\)  # rosetta: not converted: flax\.nnx\.Dropout: deterministic= at call time is not converted/);
    assert.match(c.code, /self\.attn = nnx\.MultiHeadAttention\(4, 16, decode=True, rngs=rngs\)  # rosetta: not converted: flax\.nnx\.MultiHeadAttention: decode \(a key\/value cache\)/);
    assert.match(c.code, /self\.fc = nn\.Linear\(16, 2, bias=True\)/);
  });

  it('marks an unknown JAX API in place instead of guessing', function () {
    fs.mkdirSync(workDir, { recursive: true });
    const source = path.join(workDir, 'unknown_jax.py');
    fs.writeFileSync(source, 'import jax.numpy as jnp\n\ndef f(x):\n    y = jnp.tanh(x)\n    y = y.at[0].set(1.0, mode=\'drop\')\n    return jnp.polyval(y, x)\n');
    const c = convert(source, 'unknown_torch.py');
    assert.equal(c.status, 1);
    assert.deepEqual(c.errors.map((e) => [e.line, e.message]), [
      [5, '.at[].set: only the one-argument form is converted'], [6, 'jax.numpy.polyval: no PyTorch equivalent known']]);
    assert.match(c.code, /y = torch\.tanh\(x\)\n    y = y\.at\[0\]\.set\(1\.0, mode='drop'\)  # rosetta: not converted: /);
    assert.match(c.code, /return jnp\.polyval\(y, x\)  # rosetta: not converted: jax\.numpy\.polyval: no PyTorch equivalent known/);
  });
});

describe('JAX → PyTorch: bad input never crashes the engine', function () {
  before(async () => {
    await initParser();
  });

  it('every prefix of every Flax fixture either converts or is rejected with a line', function () {
    const dir = path.join(repoRoot, 'test', 'fixtures', 'jax');
    for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.py'))) {
      const text = fs.readFileSync(path.join(dir, name), 'utf8');
      for (let cut = 0; cut < text.length; cut += 13) {
        try {
          assert.equal(typeof convertJax(text.slice(0, cut)).code, 'string');
        } catch (e) {
          assert.ok(e instanceof InputError && typeof e.line === 'number', `${name} cut at ${cut}: ${(e as Error).stack}`);
        }
      }
    }
  });
});
