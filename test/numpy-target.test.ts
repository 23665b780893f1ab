// The NumPy target (inference): model fixtures converted by the CLI with --to numpy, filled by the generated loader
// and compared with real PyTorch in eval mode (rtol 1e-4, atol 1e-5, exact dtypes); what is not converted yet is marked.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareInPython, outputDir, repoRoot, venvPython, type CompareResult } from './support/python';
import { writeIn } from './support/cli';
import { convertFile, loaderKeyError, type Converted } from './support/target-files';

const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
const workDir = path.join(outputDir, 'numpy-target');

const convertToNumpy = (source: string) => convertFile(source, 'numpy', workDir);
const torchFile = (name: string, text: string) => writeIn(workDir, name, text);

/** Python lines that import a torch file as `t` and its NumPy conversion as `n`, with torch and numpy. */
function importBoth(torchSource: string, numpyFile: string): string[] {
  return [
    'import importlib.util, torch, numpy as np',
    'def load(name, file):',
    '    spec = importlib.util.spec_from_file_location(name, file)',
    '    module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module); return module',
    `t = load('t', ${JSON.stringify(torchSource)})`,
    `n = load('n', ${JSON.stringify(numpyFile)})`,
  ];
}

const runPython = (lines: string[]) => execFileSync(venvPython(), ['-c', lines.join('\n')], { encoding: 'utf8' });

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
  { file: 'torch/cnn.py', marked: [], entries: [
    { entry: 'SmallCNN(in_channels=3, num_classes=10, width=8)', inputs: ['x=float32[2,3,32,32]'] },
    { entry: 'SmallCNN(in_channels=1, num_classes=5, width=4, pool_size=2)', inputs: ['x=float32[2,1,20,20]'] },
    { entry: 'LeNet(num_classes=10)', inputs: ['x=float32[3,1,28,28]'] },
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
  ] },
  { file: 'torch/resnet.py', marked: ['torch.nn.Module.modules', 'torch.nn.init.constant_', 'torch.nn.init.kaiming_normal_'], entries: [
    { entry: 'ResNet()', inputs: ['x=float32[2,3,32,32]'] },
  ] },
  { file: 'torch/mixer.py', marked: [], entries: [{ entry: 'Mixer()', inputs: ['images=float32[2,3,16,16]'] }] },
  { file: 'torch/gan_vae.py', marked: [], entries: [
    { entry: 'Generator()', inputs: ['z=float32[2,16,1,1]'] },
    { entry: 'Discriminator()', inputs: ['x=float32[2,3,16,16]'] },
    { entry: 'VAE()', inputs: ['x=float32[3,20]'] },
  ] },
  { file: 'torch/transformer_encoder.py', marked: [], entries: [
    { entry: 'TransformerEncoder(EncoderConfig(vocab_size=50, max_len=16, d_model=32, n_heads=4, n_layers=2))', inputs: ['tokens=int64[3,10]:1..50', 'lengths=int64[3]:1..11'] },
    { entry: 'SequenceClassifier(in_dim=16, num_classes=5, d_model=32, n_heads=4, n_layers=2)', inputs: ['feats=float32[2,7,16]', 'padding_mask=bool[2,7]'] },
  ] },
  { file: 'torch/tutorial_transformer.py', marked: [], entries: [{ entry: 'TransformerModel()', inputs: ['src=int64[7,2]:0..40'] }] },
  { file: 'torch/se_attention.py', marked: [], entries: [
    { entry: 'SEBlock(8)', inputs: ['x=float32[2,8,5,5]'] },
    { entry: 'AttnDecoder()', inputs: ['encoder_outputs=float32[2,7,16]', 'tokens=int64[2,5]:0..30'] },
  ] },
  { file: 'torch/lstm_tagger.py', marked: [], entries: [
    { entry: 'LSTMTagger(vocab_size=30, tagset_size=7, embedding_dim=16, hidden_dim=24, num_layers=2, bidirectional=True)', inputs: ['sentence=int64[3,9]:0..30'] },
    { entry: 'SimpleLSTM(input_size=8, hidden_size=12, num_classes=3)', inputs: ['x=float32[4,5,8]'] },
    { entry: 'GRUEncoder(vocab_size=40, embed_dim=12, hidden_size=16)', inputs: ['tokens=int64[2,7]:0..40'] },
  ] },
  // max(dim)/min(dim) and dtype_casts wait for integer promotion (the README's known gap: float32 with int64 gives
  // float64 in NumPy); the other functions convert
  { file: 'torch/tensor_functions.py', marked: ['Tensor.max', 'torch.min'], entries: [
    { entry: 'gelu_variants', inputs: ['x=float32[4,8]:-4..4'] },
    { entry: 'activation_zoo', inputs: ['x=float32[4,8]:-4..4'] },
    { entry: 'leaky', inputs: ['x=float32[3,5]'] },
    { entry: 'softmaxes', inputs: ['x=float32[3,5]'] },
    { entry: 'std_var', inputs: ['x=float32[4,6]'] },
    { entry: 'global_max', inputs: ['x=float32[3,4,5]'] },
    { entry: 'sum_mean', inputs: ['x=float32[2,3,4]'] },
    { entry: 'argmax_compare', inputs: ['x=float32[3,5]', 'y=float32[3,5]'] },
    { entry: 'pad_1d', inputs: ['x=float32[2,3,6]'] },
    { entry: 'pad_2d', inputs: ['x=float32[2,3,5,6]'] },
    { entry: 'normalize_rows', inputs: ['x=float32[4,6]'] },
    { entry: 'layer_norm_affine', inputs: ['x=float32[2,3,8]', 'w=float32[8]:0.5..1.5', 'b=float32[8]'] },
    { entry: 'linear_dropout', inputs: ['x=float32[4,6]', 'W=float32[3,6]', 'b=float32[3]'] },
    { entry: 'reshape_ops', inputs: ['x=float32[2,3,4,5]'] },
    { entry: 'squeeze_expand', inputs: ['x=float32[2,1,4]'] },
    { entry: 'cat_stack', inputs: ['x=float32[2,3]', 'y=float32[2,3]'] },
    { entry: 'split_by_size', inputs: ['x=float32[2,10]'] },
    { entry: 'split_by_list', inputs: ['x=float32[3,10]'] },
    { entry: 'chunking', inputs: ['x=float32[2,10]'] },
    { entry: 'gather_topk', inputs: ['x=float32[3,7]'] },
    { entry: 'gather_labels', inputs: ['logits=float32[5,6]', 'labels=int64[5]:0..6'] },
    { entry: 'cumulative', inputs: ['x=float32[3,4]:0.5..1.5'] },
    { entry: 'where_mask', inputs: ['x=float32[3,4]', 'y=float32[3,4]'] },
    { entry: 'masked_fill_bool', inputs: ['scores=float32[2,4,6]', 'mask=bool[2,4,6]'] },
    { entry: 'einsum_ops', inputs: ['a=float32[2,3,4]', 'b=float32[2,5,4]'] },
    { entry: 'matmul_ops', inputs: ['a=float32[2,3,4]', 'b=float32[2,4,5]'] },
    { entry: 'attention_scores', inputs: ['q=float32[2,5,8]', 'k=float32[2,5,8]', 'v=float32[2,5,8]'] },
    { entry: 'inplace_ops', inputs: ['x=float32[3,4]'] },
    { entry: 'index_assign', inputs: ['x=float32[3,6]'] },
    { entry: 'index_select_ops', inputs: ['x=float32[4,5]', 'idx=int64[3]:0..4'] },
    { entry: 'creation_ops', inputs: ['x=float32[2,4]'] },
    { entry: 'tri_masks', inputs: ['x=float32[5,5]'] },
    { entry: 'one_hot_embed', inputs: ['labels=int64[6]:0..4', 'table=float32[4,3]'] },
    { entry: 'misc_math', inputs: ['x=float32[3,4]:-3..3', 'y=float32[3,4]:-3..3'] },
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
  it('keeps torch in-place semantics through views, copies and same-dtype casts, and promotes dtypes as torch does', function () {
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
      'def clone_is_a_copy(x):',
      '    y = x.clone()',
      '    y.add_(1.0)',
      '    z = x.t().contiguous()',
      '    z.mul_(2.0)',
      '    return x, y, z',
      '',
      'def same_dtype_casts_alias(x):',
      '    y = x.float()',
      '    y.add_(1.0)',
      '    z = x.to(torch.float32)',
      '    z.mul_(2.0)',
      '    w = x.double()',
      '    w.add_(3.0)',
      '    return x, y, z, w',
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
      { id: 'copies', torch_file: source, jax_file: c.file, entry: 'clone_is_a_copy', inputs: ['x=float32[3,4]'], target: 'numpy' },
      { id: 'casts to the same dtype', torch_file: source, jax_file: c.file, entry: 'same_dtype_casts_alias', inputs: ['x=float32[3,4]'], target: 'numpy' },
    ]);
    for (const r of results.values()) assert.ok(r.passed, `${r.id}: ${r.detail}`);
  });

  it('marks what has no NumPy equivalent yet in place, reports its line and exits 1', function () {
    const source = torchFile('noise.py', ['import torch', '', 'def f(x):', '    return x + torch.randn(3)', ''].join('\n'));
    const run = spawnSync('node', [path.join(repoRoot, 'bin', 'rosetta.js'), 'convert', source, '--to', 'numpy'], { encoding: 'utf8' });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /return x \+ torch\.randn\(3\) {2}# rosetta: not converted: torch\.randn: /);
    assert.match(run.stderr, /noise\.py:4:16: error: torch\.randn: /);
  });

  it('a named nn.Sequential keeps its children\'s names and is read by name and by position', function () {
    const source = torchFile('named.py', [
      'from collections import OrderedDict', 'import torch.nn as nn', '',
      'class Net(nn.Module):', '    def __init__(self):', '        super().__init__()',
      "        self.body = nn.Sequential(OrderedDict([('fc', nn.Linear(4, 3)), ('act', nn.ReLU())]))", '',
      '    def forward(self, x):', '        return self.body(x) + self.body[0](x) + self.body.fc(x)', '',
    ].join('\n'));
    const c = convertToNumpy(source);
    assert.equal(c.status, 0, c.stderr);
    const results = compareInPython('numpy-named', [{ id: 'named', torch_file: source, jax_file: c.file, entry: 'Net()', inputs: ['x=float32[2,4]'], mode: 'eval', target: 'numpy' }]);
    assert.ok(results.get('named')?.passed, results.get('named')?.detail);
  });

  it('evaluates batch norms with the loaded running statistics', function () {
    const c = convertToNumpy(path.join(fixturesDir, 'torch/resnet.py'));
    const out = runPython([
      ...importBoth(path.join(fixturesDir, 'torch/resnet.py'), c.file),
      'torch.manual_seed(0)',
      'model = t.ResNet()',
      'for module in model.modules():',
      '    if isinstance(module, torch.nn.BatchNorm2d):',
      '        module.running_mean.normal_()',
      '        module.running_var.uniform_(0.5, 2.0)',
      '        module.weight.data.uniform_(0.5, 1.5)',
      '        module.bias.data.normal_()',
      'model.eval()',
      'x = torch.randn(2, 3, 32, 32)',
      'with torch.no_grad():',
      '    expected = model(x).numpy()',
      'port = n.ResNet()',
      'n.load_torch_state_dict(port, {k: v.numpy() for k, v in model.state_dict().items()})',
      'actual = port(x.numpy())',
      'print(actual.dtype, np.allclose(actual, expected, rtol=1e-4, atol=1e-5), float(np.abs(expected).max()))',
    ]);
    const [dtype, close, scale] = out.trim().split(' ');
    assert.equal(dtype, 'float32');
    assert.equal(close, 'True', out);
    assert.ok(Number(scale) > 0.1, `the outputs are too small to tell running statistics apart: ${out}`);
  });

  it('raises IndexError for out-of-range embedding indices, negative ones included, as torch does', function () {
    const source = torchFile('lookup.py', [
      'import torch.nn as nn', 'import torch.nn.functional as F', '',
      'class Lookup(nn.Module):', '    def __init__(self):', '        super().__init__()', '        self.table = nn.Embedding(5, 3)', '',
      '    def forward(self, i):', '        return self.table(i)', '',
      'def lookup(i, w):', '    return F.embedding(i, w)', '',
    ].join('\n'));
    const c = convertToNumpy(source);
    assert.equal(c.status, 0, c.stderr);
    const out = runPython([
      ...importBoth(source, c.file),
      'calls = {',
      '    "torch module": lambda i: t.Lookup()(torch.tensor([i])),',
      '    "numpy module": lambda i: n.Lookup()(np.array([i])),',
      '    "torch functional": lambda i: t.lookup(torch.tensor([i]), torch.zeros(5, 3)),',
      '    "numpy functional": lambda i: n.lookup(np.array([i]), np.zeros((5, 3), np.float32)),',
      '}',
      'for name, call in calls.items():',
      '    for index in (-1, 5):',
      '        try:',
      '            call(index)',
      '            print(name, index, "no error")',
      '        except IndexError:',
      '            print(name, index, "IndexError")',
    ]);
    const lines = out.trim().split('\n');
    assert.equal(lines.length, 8, out);
    assert.deepEqual(lines.filter((l) => !l.endsWith('IndexError')), [], out);
  });

  it('rejects an unknown target with exit 2', function () {
    const run = spawnSync('node', [path.join(repoRoot, 'bin', 'rosetta.js'), 'convert', path.join(fixturesDir, 'torch/mlp.py'), '--to', 'tensorflow'], { encoding: 'utf8' });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--to jax\|numpy/);
  });

  it('the generated loader raises KeyError naming missing and unexpected keys', function () {
    const c = convertToNumpy(path.join(fixturesDir, 'torch/mlp.py'));
    const out = loaderKeyError(c.file);
    assert.match(out, /missing \['fc2\.bias'\], unexpected \['extra'\]/);
  });
});
