// The embedded check of Keras 3 conversions (`rosetta check --to keras`), each verdict set beside what real Keras (on
// TensorFlow) and real PyTorch say: equivalent for the converted model fixtures, whose prelude layers and loader the
// check's interpreter runs; mismatch at the right line for mutants real Keras also tells apart; the training argument
// passed down nested layer calls as Keras does; dtypes as TensorFlow's operators and keras.ops give them; and
// "could not check" with its line (never a verdict) for what the Keras host cannot follow.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createKerasOps } from '../server/src/check/hosts/keras';
import { KerasContext } from '../server/src/check/hosts/keras/tensors';
import { Tracer } from '../server/src/check/trace/tracer';
import { SeededWeights } from '../server/src/check/weights';
import { checkJson, rosetta, writeIn } from './support/cli';
import { mutateFirst, mutants } from './support/mutations';
import { compareInPython, outputDir, repoRoot, venvPython, type CompareResult } from './support/python';

const MODELS: Array<{ fixture: string; entry: string; inputs: string[]; mode?: 'eval' | 'train' }> = [
  { fixture: 'mlp.py', entry: 'MLP(in_dim=16, hidden=32, out_dim=4)', inputs: ['x=float32[4,16]'] },
  { fixture: 'mlp.py', entry: 'MLP(in_dim=16, hidden=32, out_dim=4, num_blocks=1)', inputs: ['x=float32[2,5,16]'] },
  { fixture: 'mlp.py', entry: 'MLP(in_dim=16, hidden=32, out_dim=4, dropout=0.0)', inputs: ['x=float32[4,16]'], mode: 'train' },
  { fixture: 'mlp.py', entry: 'TinyMLP(in_dim=8, hidden=16, out_dim=3)', inputs: ['x=float32[6,8]'] },
  { fixture: 'gpt.py', entry: 'GPT(vocab_size=65, block_size=16, n_layer=2, n_head=4, n_embd=32)', inputs: ['idx=int64[2,12]:0..65'] },
  { fixture: 'gpt.py', entry: 'GPT(vocab_size=65, block_size=16, n_layer=2, n_head=4, n_embd=32, dropout=0.0, use_sdpa=True)', inputs: ['idx=int64[2,16]:0..65'] },
  { fixture: 'gpt.py', entry: 'TinyLM(vocab_size=50, block_size=12, n_embd=16, n_head=2, n_layer=1)', inputs: ['idx=int64[2,12]:0..50'] },
  { fixture: 'gpt.py', entry: 'CausalSelfAttention(n_embd=32, n_head=4, block_size=16)', inputs: ['x=float32[2,10,32]'] },
  { fixture: 'bert.py', entry: 'TinyBert()', inputs: ['input_ids=int64[2,10]:1..50', 'attention_mask=int64[2,10]:0..2'] },
  // convolutions through the prelude's strided slices, and BatchNorm's running statistics moved by a training call
  { fixture: 'cnn.py', entry: 'LeNet(num_classes=10)', inputs: ['x=float32[3,1,28,28]'] },
  { fixture: 'resnet.py', entry: 'ResNet()', inputs: ['x=float32[2,3,32,32]'], mode: 'train' },
];
const GPT = MODELS[4];
const MLP = MODELS[0];

const FUNCTIONS = `import torch


def halves(i):
    return i / 2


def halves_ops(i):
    return i / 2


def shifted(i):
    return i + 1.5


def scaled(i):
    return i * 1.5 + 1


def noisy(x):
    return x


def leaky(x):
    return torch.nn.functional.leaky_relu(x, 0.2)


def flipped(x):
    return x.T


def floored(i):
    return torch.floor(i.float())


def strided_same(x, w):
    return torch.nn.functional.conv2d(torch.nn.functional.pad(x, (0, 1, 0, 1)), w, stride=2)
`;

/** The same functions by hand in Keras: Python operators on tensors are TensorFlow's, keras.ops promote. */
const KERAS_FUNCTIONS = `import keras


def halves(i):
    return i / 2


def halves_ops(i):
    return keras.ops.divide(i, 2)


def shifted(i):
    return i + 1.5


def scaled(i):
    return i * 1.5 + 1


def noisy(x):
    return x + keras.random.normal(keras.ops.shape(x))


def leaky(x):
    return keras.ops.leaky_relu(x)


def flipped(x):
    return x.T


def floored(i):
    return keras.ops.floor(i)


def strided_same(x, w):
    y = keras.ops.conv(keras.ops.transpose(x, (0, 2, 3, 1)), keras.ops.transpose(w, (2, 3, 1, 0)), strides=2, padding='same')
    return keras.ops.transpose(y, (0, 3, 1, 2))
`;

const TORCH_NET = `import torch
from torch import nn


class Scale(nn.Module):
    def forward(self, x):
        return x * 2 if self.training else x


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.scale = Scale()

    def forward(self, x):
        return self.scale(self.fc(x))
`;

/** A Keras port of Net: Inner's call() takes no training, so Scale gets the one Net's call resolved, unless Inner
 *  passes its own. */
const kerasNet = (innerCall: string) => `import keras


class Scale(keras.Layer):
    def call(self, x, training=None):
        return x * 2 if training else x


class Inner(keras.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.scale = Scale()

    def call(self, x):
        return ${innerCall}


class Net(keras.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = self.add_weight(shape=(3, 4), initializer='zeros', name='w')
        self.b = self.add_weight(shape=(3,), initializer='zeros', name='b')
        self.inner = Inner()

    def call(self, x):
        return self.inner(keras.ops.matmul(x, keras.ops.transpose(self.w)) + self.b)


def load_torch_state_dict(model, state):
    model.w.assign(state['fc.weight'])
    model.b.assign(state['fc.bias'])
    return model
`;

const dir = path.join(outputDir, 'check-keras');
const fixturesDir = path.join(repoRoot, 'test', 'fixtures', 'torch');

const write = (name: string, text: string) => writeIn(dir, name, text);
/** `rosetta check ARGS --to keras --json` */
const checkKeras = (...args: string[]) => checkJson(...args, '--to', 'keras');

/** an 8x8 image, so that TensorFlow's 'same' padding for a 3x3 kernel at stride 2 is 0 before and 1 after */
const CONV_INPUTS = ['x=float32[2,3,8,8]', 'w=float32[4,3,3,3]'];

const KERAS_ENV = { ...process.env, KERAS_BACKEND: 'tensorflow', TF_CPP_MIN_LOG_LEVEL: '3', PYTHONWARNINGS: 'ignore' };

const modelArgs = (m: { entry: string; inputs: string[]; mode?: string }) => ['--entry', m.entry, ...m.inputs.flatMap((i) => ['--input', i]), ...(m.mode === 'train' ? ['--train'] : [])];

/** What real Keras gives for each function of `file` on int64 [0, 1, 2, 3, 4]: its dtype, or the error it raises. */
function kerasDTypes(file: string, names: string[]): Record<string, string> {
  const script = [
    'import importlib.util, json, sys, numpy as np, keras',
    `spec = importlib.util.spec_from_file_location('m', ${JSON.stringify(file)})`,
    'm = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)',
    'out = {}',
    `for name in ${JSON.stringify(names)}:`,
    '    try:',
    '        out[name] = keras.backend.standardize_dtype(getattr(m, name)(keras.ops.convert_to_tensor(np.arange(5))).dtype)',
    '    except Exception as e:',
    '        out[name] = type(e).__name__',
    'print(json.dumps(out))',
  ].join('\n');
  const run = spawnSync(venvPython(), ['-c', script], { encoding: 'utf8', env: KERAS_ENV });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

describe('rosetta check --to keras, against real Keras and PyTorch', function () {
  this.timeout(300_000);
  const converted = (fixture: string) => path.join(dir, fixture.replace(/\.py$/, '_keras.py'));
  const functions = write('functions.py', FUNCTIONS);
  const kerasFunctions = write('functions_keras.py', KERAS_FUNCTIONS);
  const net = write('net.py', TORCH_NET);
  const port = write('net_keras.py', kerasNet('self.scale(x)'));
  const wrongPort = write('net_keras_wrong.py', kerasNet('self.scale(x, training=False)'));
  const gptMutant = path.join(dir, 'gpt_keras_mutant.py');
  const mlpMutant = path.join(dir, 'mlp_keras_mutant.py');
  let gptMutantLine = 0;
  let oracle = new Map<string, CompareResult>();

  before(function () {
    for (const fixture of new Set(MODELS.map((m) => m.fixture))) {
      // some fixtures convert with their weight initialisation marked (not needed at inference), so the status is not 0
      fs.rmSync(converted(fixture), { force: true });
      const conversion = rosetta('convert', path.join(fixturesDir, fixture), '--to', 'keras', '--out', converted(fixture));
      assert.ok(fs.existsSync(converted(fixture)), conversion.stderr);
    }
    // attention weights normalised over the queries instead of the keys, in the converted model's own code
    const softmaxAxis = mutateFirst(fs.readFileSync(converted('gpt.py'), 'utf8'), /softmax\((\w+), axis=-1\)/, 'softmax($1, axis=-2)');
    fs.writeFileSync(gptMutant, softmaxAxis.code);
    gptMutantLine = softmaxAxis.line;
    // the default eps of the prelude's LayerNorm, which MLPBlock's LayerNorm(dim) relies on
    const eps = mutants(fs.readFileSync(converted('mlp.py'), 'utf8')).find((m) => m.rule === 'eps-value' && /def __init__/.test(m.before));
    assert.ok(eps, "no eps default to mutate in the prelude's LayerNorm");
    fs.writeFileSync(mlpMutant, eps.code);
    const job = (id: string, torchFile: string, kerasFile: string, m: { entry: string; inputs: string[]; mode?: 'eval' | 'train' }) => ({ id, torch_file: torchFile, jax_file: kerasFile, entry: m.entry, inputs: m.inputs, mode: m.mode ?? 'eval', target: 'keras' as const });
    oracle = compareInPython('check-keras', [
      ...MODELS.map((m) => job(`${m.entry}:${m.mode ?? 'eval'}`, path.join(fixturesDir, m.fixture), converted(m.fixture), m)),
      job('gpt-mutant', path.join(fixturesDir, GPT.fixture), gptMutant, GPT),
      job('mlp-mutant', path.join(fixturesDir, MLP.fixture), mlpMutant, MLP),
      job('port-train', net, port, { entry: 'Net()', inputs: ['x=float32[2,4]'], mode: 'train' }),
      job('port-eval', net, port, { entry: 'Net()', inputs: ['x=float32[2,4]'] }),
      job('wrong-port-train', net, wrongPort, { entry: 'Net()', inputs: ['x=float32[2,4]'], mode: 'train' }),
      job('leaky', functions, kerasFunctions, { entry: 'leaky', inputs: ['x=float32[3,8]'] }),
      job('strided-same', functions, kerasFunctions, { entry: 'strided_same', inputs: CONV_INPUTS }),
    ]);
  });

  for (const m of MODELS) {
    it(`calls the conversion of ${m.fixture} (${m.entry}, ${m.mode ?? 'eval'}) equivalent, prelude layers and loader included, as real Keras agrees with PyTorch`, function () {
      const truth = oracle.get(`${m.entry}:${m.mode ?? 'eval'}`)!;
      assert.ok(truth.passed, truth.detail);
      const { status, report } = checkKeras(path.join(fixturesDir, m.fixture), ...modelArgs(m));
      assert.equal(report.verdict, 'equivalent', JSON.stringify(report, null, 1));
      assert.equal(status, 0);
      assert.ok(report.outputs.length > 0 && report.outputs.every((o) => o.close), JSON.stringify(report.outputs));
    });
  }

  it("calls a mutant of converted gpt.py (attention's softmax over the wrong axis) a mismatch at the mutated line, as real Keras disagrees", function () {
    assert.equal(oracle.get('gpt-mutant')!.passed, false, 'real Keras does not tell the mutant apart');
    const { status, report } = checkKeras(path.join(fixturesDir, GPT.fixture), '--target', gptMutant, ...modelArgs(GPT));
    assert.equal(report.verdict, 'mismatch', JSON.stringify(report, null, 1));
    assert.equal(status, 3);
    assert.deepEqual(report.firstDivergence?.target, { line: gptMutantLine, text: 'att = keras.ops.softmax(att, axis=-2)' });
  });

  it("calls a mutant of converted mlp.py (the prelude LayerNorm's default eps) a mismatch in the layer norm, as real Keras disagrees", function () {
    assert.equal(oracle.get('mlp-mutant')!.passed, false, 'real Keras does not tell the mutant apart');
    const { status, report } = checkKeras(path.join(fixturesDir, MLP.fixture), '--target', mlpMutant, ...modelArgs(MLP));
    assert.equal(report.verdict, 'mismatch', JSON.stringify(report, null, 1));
    assert.equal(status, 3);
    assert.match(report.firstDivergence!.source.text, /norm/);
    assert.match(report.firstDivergence!.target.text, /norm/);
  });

  it('passes training down nested layer calls as Keras does: the enclosing call\'s value, unless a call passes its own', function () {
    for (const id of ['port-train', 'port-eval']) assert.ok(oracle.get(id)!.passed, oracle.get(id)!.detail);
    assert.equal(oracle.get('wrong-port-train')!.passed, false, 'real Keras does not tell the wrong port apart');
    for (const mode of [['--train'], []]) {
      const { status, report } = checkKeras(net, '--target', port, '--entry', 'Net()', '--input', 'x=float32[2,4]', ...mode);
      assert.equal(report.verdict, 'equivalent', JSON.stringify(report, null, 1));
      assert.equal(status, 0);
    }
    const wrong = checkKeras(net, '--target', wrongPort, '--entry', 'Net()', '--input', 'x=float32[2,4]', '--train');
    assert.equal(wrong.status, 3, JSON.stringify(wrong.report, null, 1));
    assert.equal(wrong.report.firstDivergence?.target.text, 'return x * 2 if training else x');
  });

  it('gives the dtypes real Keras gives: TensorFlow divides int64 tensors into float64, keras.ops.divide into float32', function () {
    assert.deepEqual(kerasDTypes(kerasFunctions, ['halves', 'halves_ops', 'floored']), { halves: 'float64', halves_ops: 'float32', floored: 'float32' });
    // keras.ops.floor of an integer tensor is a float one (NumPy's keeps the integers)
    const floored = checkKeras(functions, '--target', kerasFunctions, '--entry', 'floored', '--input', 'i=int64[5]:0..9');
    assert.equal(floored.report.verdict, 'equivalent', JSON.stringify(floored.report, null, 1));
    assert.deepEqual(floored.report.notes, []);
    const operator = checkKeras(functions, '--target', kerasFunctions, '--entry', 'halves', '--input', 'i=int64[5]:0..9');
    assert.equal(operator.report.verdict, 'equivalent', JSON.stringify(operator.report, null, 1));
    assert.deepEqual(operator.report.notes, ['out: dtype float32 in the source, float64 in the target (the values were compared)']);
    const keras = checkKeras(functions, '--target', kerasFunctions, '--entry', 'halves_ops', '--input', 'i=int64[5]:0..9');
    assert.equal(keras.report.verdict, 'equivalent', JSON.stringify(keras.report, null, 1));
    assert.deepEqual(keras.report.notes, []);
  });

  it("takes keras.ops's own defaults (leaky_relu's slope 0.2, not jax.nn's 0.01): equivalent, as real Keras agrees", function () {
    assert.ok(oracle.get('leaky')!.passed, oracle.get('leaky')!.detail);
    const { status, report } = checkKeras(functions, '--target', kerasFunctions, '--entry', 'leaky', '--input', 'x=float32[3,8]');
    assert.equal(report.verdict, 'equivalent', JSON.stringify(report, null, 1));
    assert.equal(status, 0);
  });

  it("runs keras.ops.conv as Keras does (channels_last, a kernel (*size, in, out), TensorFlow's 'same' padding): equivalent, as real Keras agrees", function () {
    assert.ok(oracle.get('strided-same')!.passed, oracle.get('strided-same')!.detail);
    const { status, report } = checkKeras(functions, '--target', kerasFunctions, '--entry', 'strided_same', ...CONV_INPUTS.flatMap((i) => ['--input', i]));
    assert.equal(report.verdict, 'equivalent', JSON.stringify(report, null, 1));
    assert.equal(status, 0);
  });

  it('raises what TensorFlow raises for a Python float meeting an integer tensor: "could not check" at that line', function () {
    assert.deepEqual(kerasDTypes(kerasFunctions, ['shifted', 'scaled']), { shifted: 'InvalidArgumentError', scaled: 'TypeError' });
    const expected = { shifted: [13, /InvalidArgumentError: cannot compute AddV2 .* at line 13: return i \+ 1\.5/], scaled: [17, /TypeError: Cannot convert 1\.5 to EagerTensor of dtype int64 at line 17: return i \* 1\.5 \+ 1/] } as const;
    for (const [entry, [line, message]] of Object.entries(expected)) {
      const { status, report } = checkKeras(functions, '--target', kerasFunctions, '--entry', entry, '--input', 'i=int64[5]:0..9');
      assert.equal(status, 1);
      assert.equal(report.verdict, 'unsupported');
      assert.equal(report.unsupported[0].line, line);
      assert.match(report.unsupported[0].message, message);
    }
  });

  it('gives TensorFlow tensors no NumPy attributes (x.T raises AttributeError, as in real Keras): "could not check" at that line', function () {
    assert.deepEqual(kerasDTypes(kerasFunctions, ['flipped']), { flipped: 'AttributeError' });
    const { status, report } = checkKeras(functions, '--target', kerasFunctions, '--entry', 'flipped', '--input', 'x=float32[2,3]');
    assert.equal(status, 1);
    assert.equal(report.unsupported[0].line, 29);
    assert.match(report.unsupported[0].message, /AttributeError: .*'T' at line 29: return x\.T/);
  });

  it('says "could not check" with the line for Keras code the host cannot run (keras.random)', function () {
    const { status, report } = checkKeras(functions, '--target', kerasFunctions, '--entry', 'noisy', '--input', 'x=float32[3]');
    assert.equal(status, 1);
    assert.equal(report.verdict, 'unsupported');
    assert.equal(report.unsupported[0].line, 21);
    assert.match(report.unsupported[0].message, /could not check the target: keras\.random\.normal cannot be checked yet.* at line 21/);
  });

  it('runs only functions that real keras.ops has (a NumPy name keras.ops lacks is not run as if it existed)', function () {
    const names = [...createKerasOps(new KerasContext(new Tracer(), new SeededWeights(0))).module.attrs.keys()];
    const script = `import json, sys, keras\nprint(json.dumps([n for n in json.loads(sys.argv[1]) if not hasattr(keras.ops, n)]))`;
    const run = spawnSync(venvPython(), ['-c', script, JSON.stringify(names)], { encoding: 'utf8', env: KERAS_ENV });
    assert.equal(run.status, 0, run.stderr);
    assert.ok(names.length > 150, `only ${names.length} keras.ops functions`);
    assert.deepEqual(JSON.parse(run.stdout.trim().split('\n').pop()!), []);
  });
});
