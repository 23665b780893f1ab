// The embedded check of NumPy conversions (`rosetta check --to numpy`), each verdict set beside what real NumPy and
// real PyTorch say: equivalent where they agree (functions, hand-written ports and the converted model fixtures, whose
// prelude the check's interpreter runs), mismatch where a mutant makes them disagree, a dtype difference reported,
// and "could not check" (never a verdict) for what the NumPy host cannot follow.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkJson, rosetta, writeIn } from './support/cli';
import { mutateFirst, mutants } from './support/mutations';
import { compareInPython, outputDir, repoRoot, type CompareResult } from './support/python';

const FUNCTIONS = `import torch
import torch.nn.functional as F


def block(x):
    h = F.layer_norm(x, (x.shape[-1],), eps=1e-5)
    return F.gelu(h) + torch.softmax(h, dim=-1)


def bump(x):
    y = x * 1
    y[0] += 1.5
    y[1:, 0] = -1
    y[:, 1] += 2
    return y, y.sum(dim=1, keepdim=True)


def halves(i):
    return i / 2
`;

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

/** \`bump\` written by hand with NumPy views: updates through them write to the array they view. */
const BUMP_THROUGH_VIEWS = `import numpy as np


def bump(x):
    y = x * 1
    row = y[0]
    columns = y.T
    row += 1.5
    y[1:, 0] = -1
    columns[1] += 2
    return y, np.sum(y, axis=1, keepdims=True)
`;

/** A NumPy port written by hand, with its own loader (arrays filled in place, one through a view) and an input guard. */
const numpyPort = (scale: string) => `import numpy as np


class Net:
    def __init__(self, width=4):
        self.w = np.zeros((3, width), np.float32)
        self.b = np.reshape(np.zeros((1, 3), np.float32), (3,))

    def __call__(self, x):
        if np.any(x < -100):
            raise ValueError('inputs below -100 are not expected')
        h = x @ self.w.T + self.b
        return np.tanh(h) * ${scale}


def load_torch_state_dict(model, state):
    model.w[...] = state['fc.weight']
    model.b[...] = state['fc.bias']
    return model
`;

const dir = path.join(outputDir, 'check-numpy');
const fixturesDir = path.join(repoRoot, 'test', 'fixtures', 'torch');

/** Converted model fixtures and the entries the NumPy target test (numpy-target.test.ts) runs them with. */
const MODELS = [
  { fixture: 'mlp.py', entry: 'MLP(in_dim=16, hidden=32, out_dim=4)', inputs: ['x=float32[4,16]'] },
  { fixture: 'gpt.py', entry: 'GPT(vocab_size=65, block_size=16, n_layer=2, n_head=4, n_embd=32)', inputs: ['idx=int64[2,12]:0..65'] },
  { fixture: 'bert.py', entry: 'TinyBert()', inputs: ['input_ids=int64[2,10]:1..50', 'attention_mask=int64[2,10]:0..2'] },
  // convolutions as strided window views, pooling, batch norm with its running statistics
  { fixture: 'cnn.py', entry: 'SmallCNN(in_channels=3, num_classes=10, width=8)', inputs: ['x=float32[2,3,32,32]'] },
  { fixture: 'cnn.py', entry: 'LeNet(num_classes=10)', inputs: ['x=float32[3,1,28,28]'] },
  { fixture: 'resnet.py', entry: 'ResNet()', inputs: ['x=float32[2,3,32,32]'] },
];
const GPT = MODELS[1];
const CNN = MODELS[3];

const write = (name: string, text: string) => writeIn(dir, name, text);

describe('rosetta check --to numpy, against real NumPy and PyTorch', function () {
  this.timeout(180_000);
  const source = write('functions.py', FUNCTIONS);
  const converted = path.join(dir, 'functions_numpy.py');
  const mutantFile = path.join(dir, 'functions_numpy_mutant.py');
  const net = write('net.py', TORCH_NET);
  const port = write('net_numpy.py', numpyPort('2'));
  const wrongPort = write('net_numpy_wrong.py', numpyPort('3'));
  const throughViews = write('bump_views_numpy.py', BUMP_THROUGH_VIEWS);
  const convertedModel = (fixture: string) => path.join(dir, fixture.replace(/\.py$/, '_numpy.py'));
  const gptMutant = path.join(dir, 'gpt_numpy_mutant.py');
  let gptMutantLine = 0;
  const cnnMutant = path.join(dir, 'cnn_numpy_mutant.py');
  let oracle = new Map<string, CompareResult>();

  before(function () {
    const conversion = rosetta('convert', source, '--to', 'numpy', '--out', converted);
    assert.equal(conversion.status, 0, conversion.stderr);
    // the prelude's layer norm default eps, which the converted call relies on
    const mutant = mutants(fs.readFileSync(converted, 'utf8')).find((m) => m.rule === 'eps-value');
    assert.ok(mutant, 'no eps to mutate in the NumPy code');
    assert.match(mutant.before, /def nnf_layer_norm/);
    fs.writeFileSync(mutantFile, mutant.code);
    for (const fixture of new Set(MODELS.map((m) => m.fixture))) {
      // the model files convert with notes on what they do not need at inference (weight init), so the status is not 0
      fs.rmSync(convertedModel(fixture), { force: true });
      const modelConversion = rosetta('convert', path.join(fixturesDir, fixture), '--to', 'numpy', '--out', convertedModel(fixture));
      assert.ok(fs.existsSync(convertedModel(fixture)), modelConversion.stderr);
    }
    // attention weights normalised over the queries instead of the keys, in the converted model's own code
    const softmaxAxis = mutateFirst(fs.readFileSync(convertedModel('gpt.py'), 'utf8'), /softmax\((\w+), axis=-1\)/, 'softmax($1, axis=-2)');
    fs.writeFileSync(gptMutant, softmaxAxis.code);
    gptMutantLine = softmaxAxis.line;
    // batch norm's running variance with a wrong epsilon, in the converted file's prelude
    fs.writeFileSync(cnnMutant, mutateFirst(fs.readFileSync(convertedModel('cnn.py'), 'utf8'), /np\.sqrt\(running_var(.*) \+ eps\)/, 'np.sqrt(running_var$1 + 0.1)').code);
    const job = (id: string, torchFile: string, numpyFile: string, entry: string, inputs: string[]) => ({ id, torch_file: torchFile, jax_file: numpyFile, entry, inputs, target: 'numpy' as const });
    oracle = compareInPython('check-numpy', [
      job('block', source, converted, 'block', ['x=float32[3,8]']),
      job('bump', source, converted, 'bump', ['x=float32[3,4]']),
      job('bump-views', source, throughViews, 'bump', ['x=float32[3,4]']),
      job('halves', source, converted, 'halves', ['i=int64[5]:0..9']),
      job('block-mutant', source, mutantFile, 'block', ['x=float32[3,8]']),
      job('port', net, port, 'Net(width=4)', ['x=float32[2,4]']),
      job('wrong-port', net, wrongPort, 'Net(width=4)', ['x=float32[2,4]']),
      ...MODELS.map((m) => ({ ...job(m.entry, path.join(fixturesDir, m.fixture), convertedModel(m.fixture), m.entry, m.inputs), mode: 'eval' as const })),
      { ...job('gpt-mutant', path.join(fixturesDir, GPT.fixture), gptMutant, GPT.entry, GPT.inputs), mode: 'eval' as const },
      { ...job('cnn-mutant', path.join(fixturesDir, CNN.fixture), cnnMutant, CNN.entry, CNN.inputs), mode: 'eval' as const },
    ]);
  });

  it('calls the conversion of layer norm, exact GELU and softmax equivalent, as real NumPy agrees with PyTorch', function () {
    assert.ok(oracle.get('block')!.passed, oracle.get('block')!.detail);
    const { status, report } = checkJson(source, '--to', 'numpy', '--entry', 'block', '--input', 'x=float32[3,8]');
    assert.equal(report.verdict, 'equivalent', JSON.stringify(report, null, 1));
    assert.equal(status, 0);
    assert.deepEqual(report.notes, []);
  });

  it('follows in-place updates of NumPy arrays (x[k] = v, x[k] += v) as real NumPy does', function () {
    assert.ok(oracle.get('bump')!.passed, oracle.get('bump')!.detail);
    const { status, report } = checkJson(source, '--to', 'numpy', '--entry', 'bump', '--input', 'x=float32[3,4]');
    assert.equal(report.verdict, 'equivalent', JSON.stringify(report, null, 1));
    assert.equal(status, 0);
  });

  it('writes updates of a view through to the array it views, as real NumPy does', function () {
    assert.ok(oracle.get('bump-views')!.passed, oracle.get('bump-views')!.detail);
    const { status, report } = checkJson(source, '--to', 'numpy', '--target', throughViews, '--entry', 'bump', '--input', 'x=float32[3,4]');
    assert.equal(report.verdict, 'equivalent', JSON.stringify(report, null, 1));
    assert.equal(status, 0);
  });

  it("calls a mutant of the NumPy code (the layer norm's eps) a mismatch (exit 3), as real NumPy disagrees", function () {
    assert.equal(oracle.get('block-mutant')!.passed, false, 'real NumPy does not tell the mutant apart');
    const { status, report } = checkJson(source, '--to', 'numpy', '--target', mutantFile, '--entry', 'block', '--input', 'x=float32[3,8]');
    assert.equal(report.verdict, 'mismatch', JSON.stringify(report, null, 1));
    assert.equal(status, 3);
    assert.ok(report.firstDivergence, 'no first divergence');
    assert.match(report.firstDivergence.target.text, /nnf_layer_norm|eps/);
  });

  it('reports a float64 result where PyTorch gives float32, as the real frameworks differ in dtype', function () {
    assert.match(oracle.get('halves')!.detail, /dtype float32 in torch, float64 in the target/);
    const { report } = checkJson(source, '--to', 'numpy', '--entry', 'halves', '--input', 'i=int64[5]:0..9');
    assert.deepEqual(report.notes, ['out: dtype float32 in the source, float64 in the target (the values were compared)']);
  });

  it('fills a hand-written NumPy port through its own loader: equivalent, and a wrong port a mismatch at its line', function () {
    assert.ok(oracle.get('port')!.passed, oracle.get('port')!.detail);
    assert.equal(oracle.get('wrong-port')!.passed, false);
    const good = checkJson(net, '--to', 'numpy', '--target', port, '--entry', 'Net(width=4)', '--input', 'x=float32[2,4]');
    assert.equal(good.report.verdict, 'equivalent', JSON.stringify(good.report, null, 1));
    const wrong = checkJson(net, '--to', 'numpy', '--target', wrongPort, '--entry', 'Net(width=4)', '--input', 'x=float32[2,4]');
    assert.equal(wrong.status, 3);
    assert.deepEqual(wrong.report.firstDivergence!.target, { line: 13, text: 'return np.tanh(h) * 3' });
  });

  it('takes a condition on array values to be False and says "could not check" when it was True', function () {
    const { status, report } = checkJson(net, '--to', 'numpy', '--target', port, '--entry', 'Net(width=4)', '--input', 'x=float32[2,4]:-300..-200');
    assert.equal(status, 1);
    assert.equal(report.verdict, 'unsupported');
    assert.match(report.unsupported[0].message, /branches on array values/);
  });

  it('refuses training mode: the NumPy target is for inference', function () {
    const { status, report } = checkJson(net, '--to', 'numpy', '--target', port, '--entry', 'Net(width=4)', '--input', 'x=float32[2,4]', '--train');
    assert.equal(status, 1);
    assert.match(report.unsupported[0].message, /training mode.*inference/);
  });

  for (const { fixture, entry, inputs } of MODELS) {
    it(`calls the conversion of ${fixture} (${entry}) equivalent, prelude classes and loader included, as real NumPy agrees with PyTorch`, function () {
      assert.ok(oracle.get(entry)!.passed, oracle.get(entry)!.detail);
      const { status, report } = checkJson(path.join(fixturesDir, fixture), '--to', 'numpy', '--entry', entry, ...inputs.flatMap((i) => ['--input', i]));
      assert.equal(report.verdict, 'equivalent', JSON.stringify(report, null, 1));
      assert.equal(status, 0);
      assert.ok(report.outputs.length > 0 && report.outputs.every((o) => o.close), JSON.stringify(report.outputs));
    });
  }

  it("calls a mutant of converted gpt.py (attention's softmax over the wrong axis) a mismatch at the mutated line, as real NumPy disagrees", function () {
    assert.equal(oracle.get('gpt-mutant')!.passed, false, 'real NumPy does not tell the mutant apart');
    const { status, report } = checkJson(path.join(fixturesDir, GPT.fixture), '--to', 'numpy', '--target', gptMutant, '--entry', GPT.entry, ...GPT.inputs.flatMap((i) => ['--input', i]));
    assert.equal(report.verdict, 'mismatch', JSON.stringify(report, null, 1));
    assert.equal(status, 3);
    assert.deepEqual(report.firstDivergence?.target, { line: gptMutantLine, text: fs.readFileSync(gptMutant, 'utf8').split('\n')[gptMutantLine - 1].trim() });
    assert.match(report.firstDivergence!.target.text, /softmax\(\w+, axis=-2\)/);
  });

  it("calls a mutant of converted cnn.py (batch norm's epsilon) a mismatch at the first batch norm, as real NumPy disagrees", function () {
    assert.equal(oracle.get('cnn-mutant')!.passed, false, 'real NumPy does not tell the mutant apart');
    const { status, report } = checkJson(path.join(fixturesDir, CNN.fixture), '--to', 'numpy', '--target', cnnMutant, '--entry', CNN.entry, ...CNN.inputs.flatMap((i) => ['--input', i]));
    assert.equal(report.verdict, 'mismatch', JSON.stringify(report, null, 1));
    assert.equal(status, 3);
    assert.match(report.firstDivergence!.source.text, /nn\.BatchNorm2d/);
  });
});
