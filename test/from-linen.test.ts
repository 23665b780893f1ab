// Flax Linen → PyTorch: conversions by the CLI, run in real PyTorch and compared with the real Linen model
// (model.apply with the same variables, perturbed from init; rtol 1e-4, atol 1e-5, inference) by
// test/python/from_jax_compare.py, the torch model filled by the file's load_flax_state(model, variables).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { linenLayers } from '../server/src/catalogue/from-jax';
import { outputDir, repoRoot } from './support/python';
import { assertPassed, compareInPython as compareIn, convertFile, type Converted, type Job, type Result } from './support/reverse';
import { initParser } from '../server/src/parser';
import { InputError } from '../server/src/convert';
import { convertLinen } from '../server/src/reverse/convert-linen';

const workDir = path.join(outputDir, 'from-linen');
const fixture = (name: string) => path.join(repoRoot, 'test', 'fixtures', 'linen', `${name}.py`);
const convert = (source: string, out: string) => convertFile(workDir, source, out);
const compareInPython = (name: string, jobs: Job[]) => compareIn(workDir, name, jobs);

const HAND_WRITTEN = [
  { file: 'mlp', entries: [
    { entry: 'MLP(features=5)', inputs: ['x=float32[4,6]'] },
    { entry: 'CompactMLP(features=3)', inputs: ['x=float32[4,6]'] },
    { entry: 'Stack()', inputs: ['x=float32[3,8]'] },
    { entry: 'Residual()', inputs: ['x=float32[4,6]'] },
    { entry: 'WideMLP(4, 8, 0.5)', inputs: ['x=float32[3,5]'] },
  ] },
  { file: 'transformer', entries: [
    { entry: 'Block()', inputs: ['x=float32[2,10,16]'] },
    { entry: 'SelfAttention(16, 4)', inputs: ['x=float32[2,7,16]'] },
    { entry: 'TinyLM()', inputs: ['tokens=int64[2,12]:0..40'] },
  ] },
  { file: 'cnn', entries: [{ entry: 'CNN()', inputs: ['x=float32[2,12,12,1]'] }] },
];

describe('Flax Linen → PyTorch: hand-written Linen models', function () {
  const converted = new Map<string, Converted>();
  let results = new Map<string, Result>();
  let mutant = new Map<string, Result>();

  before(function () {
    const jobs: Job[] = [];
    for (const m of HAND_WRITTEN) {
      converted.set(m.file, convert(fixture(m.file), `${m.file}_torch.py`));
      for (const e of m.entries) jobs.push({ id: `${m.file}:${e.entry}`, kind: 'linen', linen_file: fixture(m.file), back_file: converted.get(m.file)!.file, ...e });
    }
    results = compareInPython('hand-written', jobs);
    // a mutant: the converted MLP's LayerNorm epsilon changed must fail the comparison
    const mutantFile = path.join(workDir, 'mlp_mutant_torch.py');
    fs.writeFileSync(mutantFile, converted.get('mlp')!.code.replace('LinenLayerNorm(eps=1e-6', 'LinenLayerNorm(eps=1e-2'));
    mutant = compareInPython('mutant', [{ ...jobs[0], id: 'mutant', back_file: mutantFile }]);
  });

  for (const m of HAND_WRITTEN) {
    it(`linen/${m.file}.py converts completely (Linen detected from the imports)`, function () {
      const c = converted.get(m.file)!;
      assert.deepEqual(c.errors, [], c.stderr);
      assert.equal(c.status, 0);
      assert.doesNotMatch(c.code, /^(import|from) (jax|flax)\b/m);
      assert.match(c.code, /^def load_flax_state\(model, state\):/m);
    });
    for (const e of m.entries) it(`linen/${m.file}.py ${e.entry} matches Flax Linen in PyTorch`, function () { assertPassed(results, `${m.file}:${e.entry}`); });
  }

  it('makes the fields constructor parameters (inherited ones first), setup the rest of __init__, __call__ forward', function () {
    const code = converted.get('mlp')!.code;
    assert.match(code, /class MLP\(nn\.Module\):\n    """[^"]*"""\n\n    def __init__\(self, features: int, hidden: int = 32\):\n        super\(\)\.__init__\(\)\n        self\.features = features\n        self\.hidden = hidden\n        self\.dense1 = nn\.LazyLinear\(self\.hidden, bias=True\)\n/);
    assert.match(code, /class WideMLP\(MLP\):\n    """[^"]*"""\n    def __init__\(self, features: int, hidden: int = 32, scale: float = 2\.0\):\n        super\(\)\.__init__\(features, hidden\)\n        self\.scale = scale\n\n    def forward\(self, x\):\n        return super\(\)\.forward\(x\) \* self\.scale/);
    assert.match(code, /self\.blocks = nn\.ModuleList\(\[CompactMLP\(8, hidden=8\) for _ in range\(self\.depth\)\]\)/);
    assert.match(code, /def forward\(self, x\):\n        for block in self\.blocks:\n            x = x \+ block\(x\)/);
  });

  it('makes the layers of a compact __call__ in __init__ under Linen\'s names, the mode flags left to train()/eval()', function () {
    const code = converted.get('mlp')!.code;
    assert.match(code, /        self\.Dense_0 = nn\.LazyLinear\(self\.hidden, bias=True\)\n        self\.Dropout_0 = nn\.Dropout\(p=self\.rate\)\n        self\.middle = nn\.LazyLinear\(self\.hidden, bias=True\)\n        self\.Dropout_1 = nn\.Dropout\(p=self\.rate\)\n        self\.Dense_1 = nn\.LazyLinear\(self\.features, bias=True\)\n\n    def forward\(self, x\):\n        x = self\.Dense_0\(x\)\n/);
    assert.match(code, /x = self\.Dropout_1\(torch\.tanh\(x\)\)\n/);
    assert.match(code, /def forward\(self, x\):\n        y = self\.mlp\(x\)\n        return x \+ self\.drop\(y\)\n/);
    assert.doesNotMatch(code, /@nn\.compact|train: bool|=train|not train|deterministic[:=]/);
    assert.match(converted.get('transformer')!.code, /self\.SelfAttention_0 = SelfAttention\(self\.dim, self\.num_heads\)\n        self\.LayerNorm_0 = LinenLayerNorm\(eps=1e-6, scale=True, center=True\)/);
  });

  it('writes the Linen defaults that differ from torch out', function () {
    assert.match(converted.get('mlp')!.code, /torch\.nn\.functional\.gelu\(self\.dense1\(x\), approximate='tanh'\)/);
    const cnn = converted.get('cnn')!.code;
    assert.match(cnn, /self\.Conv_0 = LinenConv2d\(8, kernel_size=\(3, 3\), stride=1, padding='same', dilation=1, groups=1, bias=True\)/);
    assert.match(cnn, /self\.BatchNorm_0 = LinenBatchNorm\(eps=1e-5, momentum=0\.1, affine=True\)/);
    assert.match(cnn, /self\.BatchNorm_1 = LinenBatchNorm\(eps=1e-5, momentum=0\.01, affine=True\)/);
  });

  it('a converted file with a LayerNorm epsilon changed fails the comparison', function () {
    assert.equal(mutant.get('mutant')?.passed, false, mutant.get('mutant')?.detail);
  });

  it('keeps and marks what is not converted, with its line, and exits 1', function () {
    const c = convert(fixture('marked'), 'marked_torch.py');
    assert.equal(c.status, 1);
    assert.deepEqual(c.errors.map((e) => [e.line, e.message]), [
      [12, 'flax.linen.Dense: a layer built in a loop, a branch or a comprehension is not converted: torch makes its layers in __init__ (build them in setup)'],
      [13, "flax.linen.Dense: a layer built from the method's own values (x) is not converted: torch makes its layers in __init__"],
      [19, 'self.param: self.param is not converted: Linen declares its variables in the module; torch modules hold them as attributes made in __init__ (an nn.Parameter)'],
      [20, 'flax.linen.Dropout: deterministic= other than `not train` or `deterministic` is not converted: torch layers follow train()/eval()'],
    ]);
    assert.match(c.code, /\n            x = nn\.Dense\(8\)\(x\)  # rosetta: not converted: flax\.linen\.Dense: a layer built in a loop/);
    assert.match(c.code, /def forward\(self, x\):\n        for _ in range\(self\.depth\):/);
  });
});

/** Each Linen layer's cases, each in a compact module of its own: `Case_N()` applies the layer to the first input. */
function caseFile(): { text: string; jobs: Array<Omit<Job, 'back_file' | 'linen_file'> & { api: string; jax: string }> } {
  const lines = ['from flax import linen as nn', ''];
  const jobs: Array<Omit<Job, 'back_file' | 'linen_file'> & { api: string; jax: string }> = [];
  for (const [api, entry] of linenLayers) {
    entry.cases.forEach((c, i) => {
      const name = `Case_${jobs.length}`;
      const input = c.inputs[0].split('=')[0];
      lines.push(`class ${name}(nn.Module):`, '    @nn.compact', `    def __call__(self, ${input}, train: bool = False):`, `        return ${c.jax}(${input})`, '');
      jobs.push({ id: `${api}#${i}`, api, jax: c.jax, kind: 'linen', entry: `${name}()`, inputs: c.inputs });
    });
  }
  return { text: lines.join('\n'), jobs };
}

describe('Flax Linen → PyTorch: every Linen layer confirmed against real Flax and PyTorch', function () {
  const cases = caseFile();
  let converted: Converted;
  let results = new Map<string, Result>();

  before(function () {
    fs.mkdirSync(workDir, { recursive: true });
    const source = path.join(workDir, 'cases_linen.py');
    fs.writeFileSync(source, cases.text);
    converted = convert(source, 'cases_torch.py');
    results = compareInPython('cases', cases.jobs.map((j) => ({ ...j, linen_file: source, back_file: converted.file })));
  });

  it('the case file converts without anything marked, and every layer has a case', function () {
    assert.deepEqual(converted.errors, [], converted.stderr);
    assert.deepEqual([...linenLayers].filter(([, e]) => !e.cases.length).map(([api]) => api), []);
  });
  for (const job of cases.jobs) it(`${job.api}: ${job.jax} (${job.inputs.join(', ')})`, function () { assertPassed(results, job.id); });
});

describe('Flax Linen → PyTorch: bad input never crashes the engine', function () {
  before(async () => {
    await initParser();
  });

  it('every prefix of every Linen fixture either converts or is rejected with a line', function () {
    for (const name of ['mlp', 'transformer', 'cnn', 'marked']) {
      const text = fs.readFileSync(fixture(name), 'utf8');
      for (let cut = 0; cut < text.length; cut += 7) {
        try {
          assert.equal(typeof convertLinen(text.slice(0, cut)).code, 'string');
        } catch (e) {
          assert.ok(e instanceof InputError && typeof e.line === 'number', `${name} cut at ${cut}: ${(e as Error).stack}`);
        }
      }
    }
  });
});
