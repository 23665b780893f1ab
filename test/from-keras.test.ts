// TensorFlow / Keras 3 → PyTorch: conversions by the CLI, run in real PyTorch and compared with real Keras on
// TensorFlow (rtol 1e-4, atol 1e-5, inference mode) by test/python/from_jax_compare.py, the torch model filled by the
// file's load_keras_weights; and round trips torch → Keras → torch against the original torch model.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kerasFunctions, kerasLayers } from '../server/src/catalogue/from-keras';
import { modules, ops } from '../server/src/catalogue';
import { outputDir, repoRoot, venvPython } from './support/python';
import { assertPassed, compareInPython, convertFile, type Converted, type Job, type Result } from './support/reverse';
import { initParser } from '../server/src/parser';
import { InputError } from '../server/src/convert';
import { convertKeras } from '../server/src/reverse/convert-keras';
import { detectFramework } from '../server/src/reverse/to-torch';
import { ConvertRequestMethod, convertKind, targetsFrom, type ConvertParams, type ConvertResult } from '../server/src/protocol';
import { TestClient } from './support/lsp-client';
import type { CodeAction } from 'vscode-languageserver/node';

const workDir = path.join(outputDir, 'from-keras');
const convert = (source: string, out: string, args: string[] = []) => convertFile(workDir, source, out, args);

/** Each table entry's cases in one Keras file: functions over the inputs, layers built with no arguments. */
function caseFile(): { text: string; jobs: Array<Omit<Job, 'back_file'> & { api: string; expression: string }> } {
  const lines = ['import keras', 'import numpy as np', 'from keras import activations, layers, ops', ''];
  const jobs: Array<Omit<Job, 'back_file'> & { api: string; expression: string }> = [];
  const spelling = (api: string) => api.replace(/^keras\.ops\./, 'ops.').replace(/^keras\.activations\./, 'activations.');
  for (const [table, layer] of [[kerasFunctions, false], [kerasLayers, true]] as const) {
    for (const [api, entry] of table) {
      entry.cases.forEach((c, i) => {
        const name = `case_${jobs.length}`;
        const inputs = c.inputs.map((s) => s.split('=')[0]);
        const expression = c.jax.replace(/\bF\(/, `${spelling(api)}(`);
        lines.push(`def ${name}(${layer ? '' : inputs.join(', ')}):\n    return ${expression}\n`);
        jobs.push({ id: `${api}#${i}`, api, expression: c.jax, kind: 'keras', entry: layer ? `${name}()` : name, inputs: c.inputs });
      });
    }
  }
  return { text: lines.join('\n'), jobs };
}

describe('Keras → PyTorch: every table entry confirmed against real Keras (TensorFlow) and PyTorch', function () {
  const cases = caseFile();
  let converted: Converted;
  let results = new Map<string, Result>();

  before(function () {
    fs.mkdirSync(workDir, { recursive: true });
    const source = path.join(workDir, 'cases_keras.py');
    fs.writeFileSync(source, cases.text);
    converted = convert(source, 'cases_torch.py', ['--from', 'keras', '--to', 'torch']);
    results = compareInPython(workDir, 'cases', cases.jobs.map((j) => ({ ...j, keras_file: source, back_file: converted.file })));
  });

  it('the case file converts without anything marked', function () {
    assert.deepEqual(converted.errors, [], converted.stderr);
    assert.equal(converted.status, 0);
    assert.doesNotMatch(converted.code, /^(import|from) (keras|tensorflow)\b/m);
  });
  it('links each entry to an existing catalogue op or module, and gives it a case (add_weight is covered by the models)', function () {
    const names = new Set([...ops.map((o) => o.name), ...modules.map((m) => m.name)]);
    for (const [api, entry] of [...kerasFunctions, ...kerasLayers]) if (entry.op) assert.ok(names.has(entry.op), `${api}: no catalogue entry '${entry.op}'`);
    const uncovered = [...kerasFunctions, ...kerasLayers].filter(([, e]) => !e.cases.length).map(([api]) => api);
    assert.deepEqual(uncovered, ['keras.Layer.add_weight', 'keras.Variable']);
  });
  for (const job of cases.jobs) it(`${job.api}: ${job.expression} (${job.inputs.join(', ')})`, function () { assertPassed(results, job.id); });
});

const HAND_WRITTEN = [
  { file: 'mlp', entries: [{ entry: 'MLP()', inputs: ['x=float32[4,12]'] }, { entry: 'ResidualBlock(8)', inputs: ['x=float32[3,8]'] }] },
  { file: 'cnn', entries: [{ entry: 'CNN()', inputs: ['images=float32[2,12,12,3]'] }] },
  { file: 'transformer', entries: [
    { entry: 'TinyLM()', inputs: ['tokens=int64[2,12]:0..40'] },
    { entry: 'TransformerBlock(16, 4)', inputs: ['x=float32[2,7,16]'] },
  ] },
];

describe('Keras → PyTorch: hand-written Keras 3 models', function () {
  const converted = new Map<string, Converted>();
  let results = new Map<string, Result>();

  before(function () {
    const jobs: Job[] = [];
    for (const m of HAND_WRITTEN) {
      const source = path.join(repoRoot, 'test', 'fixtures', 'keras', `${m.file}.py`);
      converted.set(m.file, convert(source, `${m.file}_torch.py`));
      for (const e of m.entries) jobs.push({ id: `${m.file}:${e.entry}`, kind: 'keras', keras_file: source, back_file: converted.get(m.file)!.file, ...e });
    }
    results = compareInPython(workDir, 'hand-written', jobs);
  });

  for (const m of HAND_WRITTEN) {
    it(`keras/${m.file}.py converts completely (source detected from the imports)`, function () {
      const c = converted.get(m.file)!;
      assert.deepEqual(c.errors, [], c.stderr);
      assert.equal(c.status, 0);
      assert.doesNotMatch(c.code, /^(import|from) (keras|tensorflow)\b/m);
      assert.match(c.code, /^def load_keras_weights\(model, keras_model\):/m);
    });
    for (const e of m.entries) it(`keras/${m.file}.py ${e.entry} matches Keras in PyTorch`, function () { assertPassed(results, `${m.file}:${e.entry}`); });
  }

  it('writes torch modules: forward, super().__init__() without Keras keywords, training as self.training, Keras defaults explicit', function () {
    const mlp = converted.get('mlp')!.code;
    assert.match(mlp, /class ResidualBlock\(nn\.Module\):\n    def __init__\(self, units, rate=0\.1, \*\*kwargs\):\n        super\(\)\.__init__\(\)\n/);
    assert.match(mlp, /    def forward\(self, x\):\n        h = self\.dropout\(self\.dense\(self\.norm\(x\)\)\)\n/);
    assert.match(mlp, /x = self\.block1\(x\)\n/);
    assert.match(mlp, /if self\.training:/);
    assert.match(mlp, /self\.dense = KerasDense\(units, bias=True, activation=lambda x: torch\.nn\.functional\.gelu\(x, approximate='none'\)\)/);
    assert.match(mlp, /self\.norm = KerasLayerNormalization\(eps=0\.001, scale=True, center=True\)/);
    assert.match(mlp, /self\.scale = nn\.Parameter\(torch\.ones\(\(classes,\)\)\)/);
    const transformer = converted.get('transformer')!.code;
    assert.match(transformer, /torch\.nn\.functional\.gelu\(self\.fc1\(self\.ln2\(x\)\), approximate='tanh'\)/);
    assert.match(transformer, /scores = torch\.where\(mask, scores, torch\.tensor\(-1e9\)\)/);
    assert.match(transformer, /self\.blocks = nn\.ModuleList\(\[TransformerBlock\(dim, num_heads\) for _ in range\(depth\)\]\)/);
    assert.match(transformer, /x = block\(x\)\n/);
  });

  it('load_keras_weights names what does not match', function () {
    fs.mkdirSync(workDir, { recursive: true });
    const script = path.join(workDir, 'mismatch.py');
    fs.writeFileSync(script, [
      'import importlib.util, sys, numpy as np',
      'def load(p, n):',
      '    s = importlib.util.spec_from_file_location(n, p); m = importlib.util.module_from_spec(s); s.loader.exec_module(m); return m',
      `k = load(${JSON.stringify(path.join(repoRoot, 'test', 'fixtures', 'keras', 'mlp.py'))}, 'k')`,
      `t = load(${JSON.stringify(converted.get('mlp')!.file)}, 't')`,
      'keras_model = k.ResidualBlock(8); keras_model(np.ones((2, 8), np.float32))',
      'torch_model = t.MLP()',
      'try:',
      '    t.load_keras_weights(torch_model, keras_model)',
      'except KeyError as e:',
      '    print(e)',
    ].join('\n'));
    const out = execFileSync(venvPython(), [script], { encoding: 'utf8', env: { ...process.env, KERAS_BACKEND: 'tensorflow', TF_CPP_MIN_LOG_LEVEL: '3' } });
    assert.match(out, /the Keras model does not match the torch model: missing \[.*'stem\.weight'.*\], unexpected \[.*kernel.*\]/);
  });

  it('keeps and marks unknown Keras APIs, build(), a fixed training= and a weight added to another layer, with their lines, and exits 1', function () {
    fs.mkdirSync(workDir, { recursive: true });
    const source = path.join(workDir, 'marked_keras.py');
    fs.writeFileSync(source, [
      'import tensorflow as tf', 'from tensorflow import keras', '', 'class Net(keras.layers.Layer):', '    def __init__(self):', '        super().__init__()',
      '        self.rnn = keras.layers.GRU(4)', '        self.fc = keras.layers.Dense(2)', '        self.drop = keras.layers.Dropout(0.1)', '',
      '    def build(self, input_shape):', '        self.w = self.add_weight(shape=(input_shape[-1],))', '',
      '    def call(self, x):', '        y = keras.ops.cumprod(self.fc(x), axis=-1)', '        return self.drop(y, training=True)', '',
      'def add_scale(layer):', '    layer.scale = layer.add_weight(shape=(2,))', '',
    ].join('\n'));
    const c = convert(source, 'marked_torch.py');
    assert.equal(c.status, 1);
    assert.deepEqual(c.errors.map((e) => [e.line, e.message.split(':')[0]]), [[7, 'keras.layers.GRU'], [11, 'build'], [15, 'keras.ops.cumprod'], [16, 'training='], [19, 'keras.Layer.add_weight']]);
    assert.match(c.code, /self\.rnn = keras\.layers\.GRU\(4\)  # rosetta: not converted: keras\.layers\.GRU: no PyTorch equivalent known/);
    assert.match(c.code, /return self\.drop\(y, training=True\)  # rosetta: not converted: training=: a fixed training= is not converted/);
    assert.match(c.code, /self\.fc = nn\.LazyLinear\(2, bias=True\)/);
  });
});

/** The torch fixtures as the Keras target's test runs them (test/keras-target.test.ts), with what the conversion to
 *  Keras marks (gpt.py's weight-initialisation code). */
const ROUND_TRIPS = [
  { file: 'mlp', marked: [], entries: [
    { entry: 'MLP(in_dim=16, hidden=32, out_dim=4)', inputs: ['x=float32[4,16]'] },
    { entry: 'MLP(in_dim=16, hidden=32, out_dim=4, num_blocks=1)', inputs: ['x=float32[2,5,16]'] },
    { entry: 'TinyMLP(in_dim=8, hidden=16, out_dim=3)', inputs: ['x=float32[6,8]'] },
  ] },
  { file: 'gpt', marked: ['torch.nn.Module.apply', 'torch.nn.Module.named_parameters', 'torch.nn.init.normal_', 'torch.nn.init.zeros_'], entries: [
    { entry: 'GPT(vocab_size=65, block_size=16, n_layer=2, n_head=4, n_embd=32)', inputs: ['idx=int64[2,12]:0..65'] },
    { entry: 'GPT(vocab_size=65, block_size=16, n_layer=2, n_head=4, n_embd=32, dropout=0.0, use_sdpa=True)', inputs: ['idx=int64[2,16]:0..65'] },
    { entry: 'TinyLM(vocab_size=50, block_size=12, n_embd=16, n_head=2, n_layer=1)', inputs: ['idx=int64[2,12]:0..50'] },
    { entry: 'CausalSelfAttention(n_embd=32, n_head=4, block_size=16)', inputs: ['x=float32[2,10,32]'] },
  ] },
  { file: 'bert', marked: [], entries: [
    { entry: 'TinyBert()', inputs: ['input_ids=int64[2,10]:1..50', 'attention_mask=int64[2,10]:0..2'] },
  ] },
  // written below: what the fixtures do not use (nn.Identity, F.dropout, a parameter, a trained buffer, convolutions)
  { file: 'state', marked: [], entries: [{ entry: 'State()', inputs: ['x=float32[3,8]'] }, { entry: 'Convs()', inputs: ['x=float32[2,3,8,8]'] }] },
];

/** A torch model with what the fixtures do not use; the oracle scales its state as if trained (`trained`), so that
 *  the round trip must carry the parameter's and the buffer's values. */
const STATE_MODEL = `import torch
import torch.nn as nn
import torch.nn.functional as F


class State(nn.Module):
    def __init__(self, dim=8, p=0.1):
        super().__init__()
        self.p = p
        self.skip = nn.Identity()
        self.layers = nn.ModuleList([nn.Linear(dim, dim) for _ in range(2)])
        self.head = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Identity())
        self.register_buffer('shift', torch.ones(dim))
        self.scale = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        x = F.dropout(x, self.p, self.training)
        for layer in self.layers:
            x = F.layer_norm(layer(x), (x.shape[-1],)) * self.scale + self.shift
        return self.head(self.skip(x))


class Convs(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.norm = nn.GroupNorm(2, 4)
        self.act = nn.PReLU(4)
        self.up = nn.ConvTranspose2d(4, 2, 2, stride=2)
        self.conv1d = nn.Conv1d(2, 3, 3)
        self.rms = nn.RMSNorm(14)

    def forward(self, x):
        y = self.up(self.act(self.norm(self.conv(x))))
        y = F.prelu(F.group_norm(y, 2, self.norm.weight[:2], eps=1e-3), self.act.weight[:1])
        return F.rms_norm(self.rms(self.conv1d(y.flatten(2)[..., :16])), (14,), self.rms.weight)
`;

/** The APIs a conversion marked, once each, sorted. */
const markedApis = (c: Converted) => [...new Set(c.errors.map((e) => e.message.split(':')[0]))].sort();

describe('Keras → PyTorch: round trips torch → Keras → torch reproduce the original torch model', function () {
  const there = new Map<string, Converted>();
  const back = new Map<string, Converted>();
  let results = new Map<string, Result>();

  before(function () {
    const jobs: Job[] = [];
    fs.mkdirSync(workDir, { recursive: true });
    fs.writeFileSync(path.join(workDir, 'state.py'), STATE_MODEL);
    for (const m of ROUND_TRIPS) {
      const torchFile = m.file === 'state' ? path.join(workDir, 'state.py') : path.join(repoRoot, 'test', 'fixtures', 'torch', `${m.file}.py`);
      there.set(m.file, convert(torchFile, `${m.file}_keras.py`, ['--to', 'keras']));
      back.set(m.file, convert(there.get(m.file)!.file, `${m.file}_back.py`));
      for (const e of m.entries) jobs.push({ id: `${m.file}:${e.entry}`, kind: 'roundtrip', torch_file: torchFile, keras_file: there.get(m.file)!.file, back_file: back.get(m.file)!.file, trained: true, ...e });
    }
    results = compareInPython(workDir, 'roundtrip', jobs);
  });

  for (const m of ROUND_TRIPS) {
    it(`the Keras conversion of ${m.file}.py converts back to torch with no Keras left (source detected from the imports)`, function () {
      const b = back.get(m.file)!;
      assert.deepEqual(markedApis(there.get(m.file)!), m.marked);
      assert.deepEqual(b.errors, [], b.stderr);
      assert.equal(b.status, 0, b.stderr);
      // what the conversion to Keras marked stays kept and marked, as comments
      const kept = [...b.code.matchAll(/# rosetta: not converted: ([\w.]+):/g)].map((match) => match[1]);
      assert.deepEqual([...new Set(kept)].sort(), m.marked);
      assert.match(b.code, /^def load_keras_weights\(model, keras_model\):/m);
      assert.doesNotMatch(b.code, /^(import|from) (keras|tensorflow)\b/m);
      assert.doesNotMatch(b.code, /\bkeras\.|^def (load_torch_state_dict|nnf_\w+)\(|^class (Linear|LayerNorm|Embedding|ModuleDict)\(/m);
    });
    for (const e of m.entries) it(`${m.file}.py ${e.entry}: torch → Keras → torch matches the original`, function () { assertPassed(results, `${m.file}:${e.entry}`); });
  }

  it("replaces the Keras prelude's stand-ins by the torch APIs they stand for", function () {
    const gpt = back.get('gpt')!.code;
    assert.match(gpt, /self\.c_attn = nn\.Linear\(n_embd, 3 \* n_embd\)/);
    assert.match(gpt, /h=nn\.ModuleList\(\[Block\(n_embd, n_head, block_size, dropout, use_sdpa\) for _ in range\(n_layer\)\]\)/);
    assert.match(gpt, /self\.transformer = nn\.ModuleDict\(dict\(\n\s+wte=nn\.Embedding\(vocab_size, n_embd\)/);
    assert.match(gpt, /torch\.nn\.functional\.scaled_dot_product_attention\(q, k, v, dropout_p=self\.dropout if bool\(self\.training\) else 0\.0, is_causal=True\)/);
    assert.match(gpt, /if isinstance\(module, nn\.Linear\):/);
    const bert = back.get('bert')!.code;
    assert.match(bert, /self\.register_buffer\("position_ids", .*, persistent=False\)/);
    assert.match(bert, /self\.LayerNorm = nn\.LayerNorm\(hidden_size, eps=layer_norm_eps\)/);
    assert.match(back.get('mlp')!.code, /self\.stem = Sequential\(nn\.Linear\(in_dim, hidden\), torch\.relu\)/);
    const state = back.get('state')!.code;
    assert.match(state, /self\.skip = nn\.Identity\(\)/);
    assert.match(state, /self\.register_buffer\('shift', torch\.ones\(dim\)\)/);
    assert.match(state, /self\.scale = nn\.Parameter\(torch\.ones\(dim\)\)/);
    assert.match(state, /x = torch\.nn\.functional\.dropout\(x, self\.p, bool\(self\.training\)\)/);
    assert.match(state, /self\.up = nn\.ConvTranspose2d\(4, 2, 2, stride=2\)/);
    // the prelude's helpers that only the replaced layers used are left out too
    assert.doesNotMatch(state, /^(class|def) (ConvNd|ConvTransposeNd|conv_nd)\b/m);
  });
});

describe('Keras → PyTorch: the framework is detected from the imports, and the editor offers PyTorch', function () {
  before(async () => {
    await initParser();
  });

  it('keras and tensorflow imports make a Keras file, with PyTorch as its target', function () {
    assert.equal(detectFramework('import keras\n'), 'keras');
    assert.equal(detectFramework('from keras import layers\n'), 'keras');
    assert.equal(detectFramework('import tensorflow as tf\n'), 'keras');
    assert.equal(detectFramework('import torch\nimport keras\n'), 'torch');
    assert.deepEqual(targetsFrom('keras'), ['torch']);
  });

  it('every prefix of every Keras fixture either converts or is rejected with a line', function () {
    const dir = path.join(repoRoot, 'test', 'fixtures', 'keras');
    for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.py'))) {
      const text = fs.readFileSync(path.join(dir, name), 'utf8');
      for (let cut = 0; cut < text.length; cut += 13) {
        try {
          assert.equal(typeof convertKeras(text.slice(0, cut)).code, 'string');
        } catch (e) {
          assert.ok(e instanceof InputError && typeof e.line === 'number', `${name} cut at ${cut}: ${(e as Error).stack}`);
        }
      }
    }
  });
});

describe('Keras → PyTorch in the editor: a Keras document is offered its conversion to PyTorch', function () {
  this.timeout(30000);
  const text = fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'keras', 'mlp.py'), 'utf8');
  const uri = `file://${workDir}/lsp_mlp.py`;
  let client: TestClient;

  before(async function () {
    fs.mkdirSync(workDir, { recursive: true });
    client = TestClient.start();
    await client.connection.sendRequest('initialize', { processId: process.pid, rootUri: `file://${workDir}`, capabilities: {} });
    await client.connection.sendNotification('initialized', {});
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text } });
  });

  after(function () {
    client.connection.dispose();
    if (client.process.exitCode === null) client.process.kill();
  });

  it('rosetta/convert with target torch returns the PyTorch module, and Convert to PyTorch is a code action', async function () {
    const result: ConvertResult = await client.connection.sendRequest(ConvertRequestMethod, { textDocument: { uri }, target: 'torch' } satisfies ConvertParams);
    assert.match(result.code, /^class MLP\(nn\.Module\):$/m);
    assert.match(result.code, /^def load_keras_weights\(model, keras_model\):/m);
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('ops.relu'));
    const actions: CodeAction[] = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: { start: { line, character: 12 }, end: { line, character: 12 } }, context: { diagnostics: [], only: [convertKind('torch')] },
    });
    assert.ok(actions.length > 0, 'no Convert to PyTorch action');
  });
});
