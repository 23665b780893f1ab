// A JAX / Flax NNX document in the editor: the server detects its framework from its imports and serves it the
// reverse conversion (to PyTorch) the way it serves a PyTorch document its conversions: diagnostics, hover, the
// "Convert … to PyTorch" actions and lenses, and rosetta/convert with target 'torch'.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DiagnosticSeverity, ErrorCodes, ResponseError,
  type CodeAction, type CodeLens, type CreateFile, type InitializeResult, type Position, type TextDocumentEdit, type TextEdit,
} from 'vscode-languageserver/node';
import { CheckCommand, CONVERSION_TARGETS, ConvertRequestMethod, ConvertToJaxCommand, convertKind, targetLabel, type ConvertParams, type ConvertResult } from '../server/src/protocol';
import { diffViewModel } from '../client/src/view-model';
import { repoRoot } from './support/python';
import { TestClient } from './support/lsp-client';

const MLP = fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'jax', 'mlp.py'), 'utf8');

/** A JAX file with what does not convert: a layer the reverse engine has no PyTorch form for yet, and an unknown API. */
const UNCONVERTED = [
  'import jax.numpy as jnp',
  'from flax import nnx',
  '',
  '',
  'class Up(nnx.Module):',
  '  def __init__(self, rngs: nnx.Rngs):',
  '    self.up = nnx.ConvTranspose(4, 2, (2, 2), rngs=rngs)',
  '',
  '  def __call__(self, x):',
  '    return jnp.not_a_real_op(self.up(x))',
  '',
].join('\n');

const TORCH = ['import torch', '', '', 'def act(x):', '    return torch.exp(x)', ''].join('\n');

function position(text: string, substring: string, offset = 0): Position {
  const at = text.indexOf(substring);
  assert.ok(at >= 0, `${substring} not in the text`);
  const before = text.slice(0, at + offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

describe('language server on a JAX / Flax document', function () {
  this.timeout(30000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rosetta-lsp-jax-'));
  const mlpUri = `file://${dir}/mlp.py`;
  const unconvertedUri = `file://${dir}/up.py`;
  const torchUri = `file://${dir}/act.py`;
  let client: TestClient;
  let initialized: InitializeResult;

  before(async function () {
    client = TestClient.start();
    initialized = await client.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: `file://${dir}`,
      capabilities: { workspace: { workspaceEdit: { documentChanges: true, resourceOperations: ['create'] } } },
    });
    await client.connection.sendNotification('initialized', {});
    for (const [uri, text] of [[mlpUri, MLP], [unconvertedUri, UNCONVERTED], [torchUri, TORCH]]) {
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text } });
    }
  });

  after(function () {
    client.connection.dispose();
    if (client.process.exitCode === null) client.process.kill();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.error(client.stderr);
  });

  const codeActions = (uri: string, at: Position, only?: string[]): Promise<CodeAction[]> =>
    client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: at, end: at }, context: { diagnostics: [], ...(only ? { only } : {}) } });

  it('announces the Convert to PyTorch action kind', function () {
    const kinds = (initialized.capabilities.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds;
    assert.ok(kinds.includes('refactor.rewrite.torch'));
  });

  it("publishes the reverse conversion's warnings on their lines, and no error for a file that converts", async function () {
    const { diagnostics } = await client.diagnostics(mlpUri, 1);
    assert.deepEqual(diagnostics.map((d) => [d.range.start, d.severity, d.code, d.message]), [[
      position(MLP, 'nnx.Dropout'), DiagnosticSeverity.Information, 'flax.nnx.Dropout',
      "flax.nnx.Dropout: nn.Dropout draws its masks from torch's generator: in training mode the outputs differ from Flax's",
    ]]);
    assert.deepEqual(diagnostics[0].range.end, position(MLP, 'nnx.Dropout(0.1, rngs=rngs)', 'nnx.Dropout(0.1, rngs=rngs)'.length));
  });

  it('publishes what is not converted on its line, over the whole call, with the JAX API as its code', async function () {
    const { diagnostics } = await client.diagnostics(unconvertedUri, 1);
    assert.deepEqual(diagnostics.map((d) => [d.range, d.severity, d.code, d.message]), [
      [{ start: position(UNCONVERTED, 'nnx.ConvTranspose'), end: position(UNCONVERTED, 'rngs=rngs)', 'rngs=rngs)'.length) }, DiagnosticSeverity.Warning, 'flax.nnx.ConvTranspose',
        'flax.nnx.ConvTranspose: not converted yet (channels-last, with its own kernel layout)'],
      [{ start: position(UNCONVERTED, 'jnp.not_a_real_op'), end: position(UNCONVERTED, '(self.up(x))', '(self.up(x))'.length) }, DiagnosticSeverity.Warning, 'jax.numpy.not_a_real_op',
        'jax.numpy.not_a_real_op: no PyTorch equivalent known'],
    ]);
  });

  it('hover on a JAX call shows its PyTorch spelling, the JAX signature, its status and the default made explicit', async function () {
    const text = (await client.hoverText(mlpUri, position(MLP, 'nnx.gelu', 'nnx.g'.length)))!;
    assert.ok(text, 'no hover');
    assert.match(text, /^`flax\.nnx\.gelu` → `torch\.nn\.functional\.gelu\(self\.norm\(self\.linear\(x\)\), approximate='tanh'\)`/);
    assert.match(text, /\*\*exact\*\* · canonical op `gelu`/);
    assert.match(text, /flax\.nnx\.gelu\(x, approximate=True\)/);
    // the document converts to PyTorch only: no other target's line
    assert.doesNotMatch(text, /\*\*(JAX|NumPy|Keras):\*\*/);
  });

  it("hover on a Flax layer whose JAX defaults the emission writes out names them", async function () {
    const text = (await client.hoverText(mlpUri, position(MLP, 'nnx.LayerNorm', 'nnx.L'.length)))!;
    assert.match(text, /`flax\.nnx\.LayerNorm` → `nn\.LayerNorm\(dout, eps=1e-6, elementwise_affine=True, bias=True\)`/);
    assert.match(text, /\*\*exact with explicit arguments\*\* · canonical op `LayerNorm`/);
    assert.match(text, /^- epsilon=1e-6 \(JAX's default\) passed explicitly$/m);
  });

  it('hover on a Flax layer with a remaining difference says it is approximate and why', async function () {
    const text = (await client.hoverText(mlpUri, position(MLP, 'nnx.Dropout', 'nnx.D'.length)))!;
    assert.match(text, /`flax\.nnx\.Dropout` → `nn\.Dropout\(p=0\.1\)`/);
    assert.match(text, /\*\*approximate\*\* · canonical op `Dropout`/);
    assert.match(text, /- nn\.Dropout draws its masks from torch's generator/);
  });

  it('hover on a JAX API without a PyTorch form says so; on a plain name, nothing', async function () {
    const text = (await client.hoverText(unconvertedUri, position(UNCONVERTED, 'not_a_real_op')))!;
    assert.match(text, /`jax\.numpy\.not_a_real_op` → no PyTorch equivalent/);
    assert.match(text, /no PyTorch equivalent known/);
    assert.match((await client.hoverText(unconvertedUri, position(UNCONVERTED, 'ConvTranspose')))!, /not converted yet \(channels-last/);
    assert.equal(await client.hoverText(mlpUri, position(MLP, 'n_blocks: int')), undefined);
  });

  it('right after an edit, hovers and diagnoses the edited JAX statement on its own', async function () {
    const added = 'def act(x):\n  return jnp.tanh(x) * jax.nn.sigmoid(x)\n';
    const end = position(MLP + '\u0000', '\u0000');
    const uri = `file://${dir}/edited.py`;
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: MLP } });
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: end, end }, text: `\n\n${added}` }] });
    const edited = `${MLP}\n\n${added}`;
    const text = (await client.hoverText(uri, position(edited, 'jnp.tanh', 'jnp.t'.length)))!;
    assert.match(text, /`jax\.numpy\.tanh` → `torch\.tanh\(x\)`/);
    const { diagnostics } = await client.diagnostics(uri, 2);
    assert.deepEqual(diagnostics.map((d) => d.code), ['flax.nnx.Dropout']);
  });

  it('offers Convert to PyTorch, only, for the definition around the cursor and for the file, each as a new file', async function () {
    const actions = await codeActions(mlpUri, position(MLP, 'self.dropout(nnx.gelu'));
    assert.deepEqual(actions.map((a) => [a.title, a.kind]), [
      ['Convert Block to PyTorch (mlp_Block_torch.py)', 'refactor.rewrite.torch'],
      ['Convert file to PyTorch (mlp_torch.py)', 'refactor.rewrite.torch'],
    ]);
    const [create, fill] = actions[0].edit!.documentChanges! as [CreateFile, TextDocumentEdit];
    assert.equal(create.uri, `file://${dir}/mlp_Block_torch.py`);
    const code = (fill.edits[0] as TextEdit).newText;
    assert.match(code, /^import torch$/m);
    assert.match(code, /class Block\(nn\.Module\):[^]*super\(\)\.__init__\(\)[^]*def forward\(self, x: torch\.Tensor\) -> torch\.Tensor:/);
    assert.doesNotMatch(code, /class MLP|nnx\.(Module|Linear)/);
    const file = (actions[1].edit!.documentChanges![1] as TextDocumentEdit).edits[0] as TextEdit;
    assert.match(file.newText, /class MLP\(nn\.Module\)/);
    assert.deepEqual(await codeActions(mlpUri, position(MLP, 'nnx.gelu'), [convertKind('jax')]), []);
  });

  it('puts "Convert to PyTorch" and "Check" above every Flax module class; the Check entry leaves out the rngs the check supplies', async function () {
    const lenses: CodeLens[] = await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: mlpUri } });
    const expected = ['Block', 'MLP'].flatMap((c) => [[position(MLP, `class ${c}(`).line, 'Convert to PyTorch', ConvertToJaxCommand], [position(MLP, `class ${c}(`).line, 'Check', CheckCommand]]);
    assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command!.title, l.command!.command]), expected);
    const at = position(MLP, 'Block(nnx');
    assert.deepEqual(lenses[0].command!.arguments, [{ textDocument: { uri: mlpUri }, range: { start: at, end: at }, target: 'torch' }]);
    assert.deepEqual(lenses[3].command!.arguments, [{ textDocument: { uri: mlpUri }, name: 'MLP', entry: 'MLP(din=, dmid=, dout=)', needsArguments: true, inputs: ['x=float32[2,16]'] }]);
  });

  it('rosetta/convert converts to PyTorch with a mapping per JAX call, or the statements a range touches, in document lines', async function () {
    const whole: ConvertResult = await client.connection.sendRequest(ConvertRequestMethod, { textDocument: { uri: mlpUri }, target: 'torch' } satisfies ConvertParams);
    assert.match(whole.code, /class MLP\(nn\.Module\)/);
    const linear = whole.mapping.find((m) => m.api === 'flax.nnx.Linear');
    assert.deepEqual(linear && [linear.line, linear.op, linear.target], [position(MLP, 'nnx.Linear').line + 1, 'Linear', 'nn.Linear(din, dout, bias=True)']);
    const at = position(MLP, 'jax.nn.log_softmax');
    const part: ConvertResult = await client.connection.sendRequest(ConvertRequestMethod, { textDocument: { uri: mlpUri }, range: { start: at, end: at }, target: 'torch' } satisfies ConvertParams);
    assert.doesNotMatch(part.code, /class Block/);
    assert.deepEqual(part.mapping.filter((m) => m.api === 'jax.nn.log_softmax').map((m) => [m.line, m.target]), [[at.line + 1, 'torch.log_softmax(logits, dim=-1)']]);
    const up: ConvertResult = await client.connection.sendRequest(ConvertRequestMethod, { textDocument: { uri: unconvertedUri }, target: 'torch' } satisfies ConvertParams);
    assert.match(up.code, /nnx\.ConvTranspose\(4, 2, \(2, 2\), rngs=rngs\)  # rosetta: not converted/);
    assert.deepEqual(up.diagnostics.map((d) => [d.line, d.severity]), [[7, 'error'], [10, 'error']]);
  });

  it('rosetta/convert refuses a target of the other framework, each way', async function () {
    const refused = (uri: string, target: string, supported: RegExp) => assert.rejects(client.connection.sendRequest(ConvertRequestMethod, { textDocument: { uri }, target }), (e: ResponseError<unknown>) => {
      assert.equal(e.code, ErrorCodes.InvalidParams);
      assert.match(e.message, supported);
      return true;
    });
    await refused(mlpUri, 'jax', /cannot convert to jax \(supported: torch, for a JAX document\)/);
    await refused(torchUri, 'torch', /cannot convert to torch \(supported: jax, numpy, keras, for a PyTorch document\)/);
  });

  it('keeps offering a PyTorch document exactly its targets, and no PyTorch', async function () {
    const actions = await codeActions(torchUri, position(TORCH, 'torch.exp'));
    const titles = (scope: string, file: string) => CONVERSION_TARGETS.map((t) => `Convert ${scope} to ${targetLabel(t)} (${file}_${t}.py)`);
    assert.deepEqual(actions.map((a) => a.title), [...titles('act', 'act_act'), ...titles('file', 'act')]);
    assert.match((await client.hoverText(torchUri, position(TORCH, 'torch.exp', 'torch.'.length)))!, /`torch\.exp` → `jnp\.exp\(x\)`/);
  });

  it('the diff view names the PyTorch side and maps the JAX calls', async function () {
    const result: ConvertResult = await client.connection.sendRequest(ConvertRequestMethod, { textDocument: { uri: mlpUri }, target: 'torch' } satisfies ConvertParams);
    const model = diffViewModel({ fileName: 'mlp.py', documentText: MLP, result, target: 'torch' });
    assert.equal(model.targetName, 'PyTorch');
    assert.ok(model.mappings.some((m) => m.api === 'flax.nnx.gelu' && m.line === position(MLP, 'nnx.gelu').line + 1));
  });
});
