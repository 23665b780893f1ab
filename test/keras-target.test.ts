// The Keras 3 target: model fixtures converted by the CLI with --to keras, filled by the generated loader and compared
// with real PyTorch in real Keras on the TensorFlow backend (rtol 1e-4, atol 1e-5); what is not converted is marked.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareInPython, outputDir, repoRoot, venvPython, type CompareResult } from './support/python';
import { writeIn } from './support/cli';
import { convertFile, loaderKeyError, type Converted } from './support/target-files';

const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
const workDir = path.join(outputDir, 'keras-target');

const convertToKeras = (source: string) => convertFile(source, 'keras', workDir);
const torchFile = (name: string, text: string) => writeIn(workDir, name, text);

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
  { file: 'torch/cnn.py', marked: [], entries: [
    { entry: 'SmallCNN(in_channels=3, num_classes=10, width=8)', inputs: ['x=float32[2,3,32,32]'] },
    { entry: 'SmallCNN(in_channels=1, num_classes=5, width=4, pool_size=2)', inputs: ['x=float32[2,1,20,20]'] },
    { entry: 'LeNet(num_classes=10)', inputs: ['x=float32[3,1,28,28]'] },
  ] },
  { file: 'torch/resnet.py', marked: ['torch.nn.Module.modules', 'torch.nn.init.constant_', 'torch.nn.init.kaiming_normal_'], entries: [
    { entry: 'ResNet()', inputs: ['x=float32[2,3,32,32]'] },
    { entry: 'ResNet()', inputs: ['x=float32[2,3,32,32]'], mode: 'train' },
  ] },
  { file: 'torch/conv1d_net.py', marked: [], entries: [
    { entry: 'ConvAutoencoder1d(in_channels=2, channels=16, latent=8)', inputs: ['x=float32[2,2,32]'] },
    { entry: 'TemporalConvNet(in_channels=4, channels=8, kernel_size=3, levels=3)', inputs: ['x=float32[2,4,20]'] },
    { entry: 'ResBlock1d(8, kernel_size=5, dilation=3, groups=2)', inputs: ['x=float32[2,8,15]'] },
    { entry: 'Upsampler2d(in_channels=8, mid=6, out_channels=3)', inputs: ['x=float32[2,8,5,7]'] },
  ] },
  { file: 'torch/unet.py', marked: [], entries: [
    { entry: 'UNet()', inputs: ['x=float32[2,3,17,19]'] },
    { entry: 'UNet(bilinear=True)', inputs: ['x=float32[2,3,16,16]'] },
    { entry: 'UNet(bilinear=True)', inputs: ['x=float32[2,3,16,16]'], mode: 'train' },
  ] },
  { file: 'torch/lstm_tagger.py', marked: [], entries: [
    { entry: 'LSTMTagger(vocab_size=30, tagset_size=7, embedding_dim=16, hidden_dim=24, num_layers=2, bidirectional=True)', inputs: ['sentence=int64[3,9]:0..30'] },
    { entry: 'LSTMTagger(vocab_size=30, tagset_size=7, embedding_dim=16, hidden_dim=24, num_layers=2, bidirectional=True, dropout=0.0)', inputs: ['sentence=int64[3,9]:0..30'], mode: 'train' },
    { entry: 'SimpleLSTM(input_size=8, hidden_size=12, num_classes=3)', inputs: ['x=float32[4,5,8]'] },
    { entry: 'GRUEncoder(vocab_size=40, embed_dim=12, hidden_size=16)', inputs: ['tokens=int64[2,7]:0..40'] },
  ] },
  // sinusoidal positions written by index assignment (which TensorFlow tensors cannot do) stay marked: the models that
  // build them do not run
  { file: 'torch/transformer_encoder.py', marked: ['index update'], entries: [
    { entry: 'SequenceClassifier(in_dim=16, num_classes=5, d_model=32, n_heads=4, n_layers=2)', inputs: ['feats=float32[2,7,16]', 'padding_mask=bool[2,7]'] },
  ] },
  { file: 'torch/tutorial_transformer.py', marked: ['index update'], entries: [] },
  { file: 'torch/se_attention.py', marked: [], entries: [
    { entry: 'SEBlock(8)', inputs: ['x=float32[2,8,5,5]'] },
    { entry: 'AttnDecoder()', inputs: ['encoder_outputs=float32[2,7,16]', 'tokens=int64[2,5]:0..30'] },
  ] },
  { file: 'torch/mixer.py', marked: [], entries: [{ entry: 'Mixer()', inputs: ['images=float32[2,3,16,16]'] }] },
  { file: 'torch/gan_vae.py', marked: [], entries: [
    { entry: 'Generator()', inputs: ['z=float32[2,16,1,1]'] },
    { entry: 'Generator()', inputs: ['z=float32[2,16,1,1]'], mode: 'train' },
    { entry: 'Discriminator()', inputs: ['x=float32[2,3,16,16]'] },
    { entry: 'VAE()', inputs: ['x=float32[3,20]'] },
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

  it('a training call moves the running statistics as torch does: momentum, cumulative average and the unbiased variance', function () {
    const source = torchFile('norms.py', [
      'import torch',
      'from torch import nn',
      '',
      'class Norms(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.bn = nn.BatchNorm2d(3, momentum=0.3)',
      '        self.cumulative = nn.BatchNorm1d(3, momentum=None)',
      '        self.instance = nn.InstanceNorm1d(3, track_running_stats=True)',
      '        self.frozen = nn.InstanceNorm1d(3, track_running_stats=True, momentum=None)',
      '',
      '    def forward(self, x):',
      '        y = self.bn(x).flatten(2)',
      '        return self.frozen(self.instance(self.cumulative(y)))',
      '',
    ].join('\n'));
    const c = convertToKeras(source);
    assert.equal(c.status, 0, c.stderr);
    const script = [
      'import importlib.util, numpy as np, torch',
      'def load(name, file):',
      '    spec = importlib.util.spec_from_file_location(name, file)',
      '    module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module); return module',
      `t, k = load('t', ${JSON.stringify(source)}), load('k', ${JSON.stringify(c.file)})`,
      'torch_model, keras_model = t.Norms(), k.Norms()',
      'state = {name: value.numpy() for name, value in torch_model.state_dict().items()}',
      'k.load_torch_state_dict(keras_model, state)',
      'torch_model.train()',
      'rng = np.random.default_rng(0)',
      'for step in range(3):',
      '    x = rng.normal(size=(4, 3, 5, 2)).astype(np.float32)',
      '    expected = torch_model(torch.from_numpy(x)).detach().numpy()',
      '    actual = np.asarray(keras_model(x, training=True))',
      '    assert np.allclose(actual, expected, rtol=1e-4, atol=1e-5), step',
      'for name, value in torch_model.state_dict().items():',
      "    owner, attribute = name.rsplit('.', 1)",
      '    kept = np.asarray(getattr(getattr(keras_model, owner), attribute))',
      '    assert np.allclose(kept, value.numpy(), rtol=1e-5, atol=1e-6), (name, kept, value)',
      '    print(name, kept.tolist())',
    ].join('\n');
    const out = execFileSync(venvPython(), ['-c', script], { encoding: 'utf8', env: { ...process.env, KERAS_BACKEND: 'tensorflow', TF_CPP_MIN_LOG_LEVEL: '3' } });
    assert.match(out, /^bn\.num_batches_tracked 3$/m);
    assert.match(out, /^cumulative\.running_var \[/m);
    assert.match(out, /^instance\.running_mean \[/m);
    assert.match(out, /^instance\.num_batches_tracked 0$/m);
    assert.match(out, /^frozen\.running_mean \[0\.0, 0\.0, 0\.0\]$/m);
  });

  it('a training call through an LSTM stack that would drop out between layers raises instead of running without it', function () {
    const c = convertToKeras(path.join(fixturesDir, 'torch/lstm_tagger.py'));
    const script = [
      'import importlib.util, numpy as np',
      `spec = importlib.util.spec_from_file_location('k', ${JSON.stringify(c.file)})`,
      'k = importlib.util.module_from_spec(spec); spec.loader.exec_module(k)',
      'model = k.LSTMTagger(vocab_size=30, tagset_size=7, num_layers=2, dropout=0.2)',
      'sentence = np.zeros((2, 5), np.int64)',
      'print(model(sentence).shape)',
      'try:',
      '    model(sentence, training=True)',
      'except NotImplementedError as e:',
      "    print('refused:', e)",
    ].join('\n');
    const out = execFileSync(venvPython(), ['-c', script], { encoding: 'utf8', env: { ...process.env, KERAS_BACKEND: 'tensorflow', TF_CPP_MIN_LOG_LEVEL: '3' } });
    assert.match(out, /^\(2, 5, 7\)$/m);
    // Keras wraps the message with the layer's name and arguments
    assert.match(out, /refused: [\s\S]*LSTM dropout between layers in training is not converted/);
  });

  it('the converted model drops out only when called with training=True', function () {
    const c = convertToKeras(path.join(fixturesDir, 'torch/mlp.py'));
    const out = loaderKeyError(c.file, { KERAS_BACKEND: 'tensorflow', TF_CPP_MIN_LOG_LEVEL: '3' });
    assert.match(out, /missing \['fc2\.bias'\], unexpected \['extra'\]/);
  });
});
