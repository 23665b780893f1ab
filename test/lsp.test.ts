// The language server as an editor meets it: JSON-RPC over the stdio of `rosetta lsp --stdio`, the bundled CLI.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CancellationTokenSource, ErrorCodes, LSPErrorCodes, ResponseError,
  type CodeAction, type CodeLens, type CreateFile, type InitializeResult, type MarkupContent, type Position, type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent, type TextDocumentEdit, type TextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CheckCommand, CheckRequestMethod, CONVERSION_TARGETS, ConvertRequestMethod, ConvertToJaxCommand, convertKind, targetLabel,
  type CheckCommandArgument, type CheckParams, type CheckReport, type ConvertParams, type ConvertResult,
} from '../server/src/protocol';
import { initParser } from '../server/src/parser';
import type { ConversionResult } from '../server/src/convert';
import { analyze, AnalysisCache } from '../server/src/lsp/analysis';
import { runUnderProgress, type CheckProgress } from '../server/src/lsp/check';
import { convertedFileUri } from '../server/src/lsp/code-actions';
import { ConformanceResults } from '../server/src/lsp/conformance';
import { convertRange, definitionName, StatementConversions, statementsFor } from '../server/src/lsp/conversion';
import { diagnosticsFor } from '../server/src/lsp/diagnostics';
import { editTrackingDocuments } from '../server/src/lsp/documents';
import { RosettaServer } from '../server/src/lsp/server';
import { hoverAt } from '../server/src/lsp/hover';
import { locateSyntaxError } from '../server/src/lsp/syntax-error';
import { repoRoot } from './support/python';
import { TestClient } from './support/lsp-client';

const SOURCE = [
  'import torch',
  'import torch.nn.functional as F',
  'from torch import nn',
  '',
  '',
  'def activate(x):',
  '    y = F.gelu(x)',
  '    return torch.exp(y) + torch.sigmoid(x)',
  '',
  '',
  'def unknown(y):',
  '    return F.not_a_real_op(y)',
  '',
  '',
  'class Gate(nn.Module):',
  '    def forward(self, x):',
  '        return x.sigmoid() * x',
  '',
].join('\n');

/** Where a substring starts in a text (plus an offset into it), as an LSP position. */
function position(text: string, substring: string, offset = 0): Position {
  const at = text.indexOf(substring);
  assert.ok(at >= 0, `${substring} not in the text`);
  const before = text.slice(0, at + offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

describe('language server over stdio', function () {
  this.timeout(30000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rosetta-lsp-'));
  const uri = `file://${dir}/model.py`;
  const conformanceResults = path.join(dir, 'conformance.json');
  let client: TestClient;
  let initialized: InitializeResult;

  before(async function () {
    // a results file of our own: torch.exp passed, torch.sigmoid failed, nothing else ran
    const cases = [{ id: 'exp', apis: ['torch.exp'], passed: true }, { id: 'sigmoid', apis: ['torch.sigmoid'], passed: false }];
    fs.writeFileSync(conformanceResults, JSON.stringify({ cases }));
    client = TestClient.start();
    initialized = await client.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: `file://${dir}`,
      capabilities: { workspace: { workspaceEdit: { documentChanges: true, resourceOperations: ['create'] } } },
      initializationOptions: { conformanceResults },
    });
    await client.connection.sendNotification('initialized', {});
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: SOURCE } });
  });

  after(function () {
    client.connection.dispose();
    if (client.process.exitCode === null) client.process.kill();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.error(client.stderr);
  });

  it('announces incremental sync, hover and a Convert action kind per target (from PyTorch, then from JAX)', function () {
    assert.deepEqual(initialized.capabilities.textDocumentSync, { openClose: true, change: 2 });
    assert.equal(initialized.capabilities.hoverProvider, true);
    const fromTorch = ['refactor.rewrite.jax', 'refactor.rewrite.numpy', ...CONVERSION_TARGETS.slice(2).map(convertKind)];
    assert.deepEqual(initialized.capabilities.codeActionProvider, { codeActionKinds: ['quickfix', ...fromTorch, 'refactor.rewrite.torch'] });
  });

  it('publishes a diagnostic on the line of an unknown torch API, over the whole call', async function () {
    const { diagnostics } = await client.diagnostics(uri, 1);
    const unknown = diagnostics.filter((d) => String(d.message).includes('not_a_real_op'));
    assert.equal(unknown.length, 1);
    assert.deepEqual(unknown[0].range, { start: position(SOURCE, 'F.not_a_real_op'), end: position(SOURCE, 'F.not_a_real_op(y)', 'F.not_a_real_op(y)'.length) });
    assert.equal(unknown[0].code, 'torch.nn.functional.not_a_real_op');
    assert.equal(unknown[0].source, 'rosetta');
  });

  it('hover on torch.exp shows the JAX spelling, signature, status and confirmation', async function () {
    const text = await client.hoverText(uri, position(SOURCE, 'torch.exp', 'torch.'.length + 1));
    assert.ok(text, 'no hover');
    assert.match(text, /`torch\.exp` → `jnp\.exp\(x\)`/);
    assert.match(text, /torch\.exp\(input\)/);
    assert.match(text, /\*\*exact\*\*/);
    assert.match(text, /canonical op `exp`/);
    assert.match(text, /confirmed against real PyTorch and JAX/);
    assert.match(text, /\*\*NumPy:\*\* `np\.exp\(x\)` · exact/);
  });

  it('hover tells a failing or unexercised mapping from a confirmed one', async function () {
    assert.match((await client.hoverText(uri, position(SOURCE, 'torch.sigmoid(x)', 'torch.s'.length)))!, /conformance case fails/);
    assert.match((await client.hoverText(uri, position(SOURCE, 'x.sigmoid()', 'x.s'.length)))!, /`Tensor\.sigmoid` → `jax\.nn\.sigmoid\(x\)`[^]*not yet confirmed/);
  });

  it('hover on F.gelu shows jax.nn.gelu and its approximate default', async function () {
    const text = await client.hoverText(uri, position(SOURCE, 'F.gelu', 'F.g'.length));
    assert.ok(text, 'no hover');
    assert.match(text, /jax\.nn\.gelu/);
    assert.match(text, /approximate/);
  });

  it('hover on an unknown torch API says it has no equivalent; on a plain name, nothing', async function () {
    assert.match((await client.hoverText(uri, position(SOURCE, 'not_a_real_op')))!, /no JAX equivalent/);
    assert.equal(await client.hoverText(uri, position(SOURCE, 'y = F.gelu')), undefined);
  });

  it('offers Convert to each target for the definition around the cursor and for the file, each as a new file', async function () {
    const at = position(SOURCE, 'torch.exp');
    const actions: CodeAction[] = await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: at, end: at }, context: { diagnostics: [] } });
    const titles = (scope: string, file: string) => CONVERSION_TARGETS.map((t) => `Convert ${scope} to ${targetLabel(t)} (${file}_${t}.py)`);
    assert.deepEqual(actions.map((a) => a.title), [...titles('activate', 'model_activate'), ...titles('file', 'model')]);
    assert.deepEqual(actions.slice(0, 2).map((a) => a.title), ['Convert activate to JAX (model_activate_jax.py)', 'Convert activate to NumPy (model_activate_numpy.py)']);
    assert.deepEqual(actions.map((a) => a.kind), [...CONVERSION_TARGETS, ...CONVERSION_TARGETS].map(convertKind));
    const [create, fill] = actions[0].edit!.documentChanges! as [CreateFile, TextDocumentEdit];
    assert.equal(create.kind, 'create');
    assert.equal(create.uri, `file://${dir}/model_activate_jax.py`);
    assert.equal(fill.textDocument.uri, create.uri);
    const code = (fill.edits[0] as TextEdit).newText;
    assert.match(code, /return jnp\.exp\(y\) \+ jax\.nn\.sigmoid\(x\)/);
    assert.doesNotMatch(code, /not_a_real_op|class Gate/);
    const [numpyCreate, numpyFill] = actions[1].edit!.documentChanges! as [CreateFile, TextDocumentEdit];
    assert.equal(numpyCreate.uri, `file://${dir}/model_activate_numpy.py`);
    assert.match((numpyFill.edits[0] as TextEdit).newText, /^import numpy as np$[^]*return np\.exp\(y\) \+ sigmoid\(x\)/m);
  });

  it('offers only the NumPy conversion when the client asks for its kind', async function () {
    const at = position(SOURCE, 'torch.exp');
    const actions: CodeAction[] = await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: at, end: at }, context: { diagnostics: [], only: ['refactor.rewrite.numpy'] } });
    assert.deepEqual(actions.map((a) => a.title), ['Convert activate to NumPy (model_activate_numpy.py)', 'Convert file to NumPy (model_numpy.py)']);
  });

  it('offers nothing when the client asks only for other kinds', async function () {
    const at = position(SOURCE, 'torch.exp');
    const actions = await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: at, end: at }, context: { diagnostics: [], only: ['quickfix'] } });
    assert.deepEqual(actions, []);
  });

  it('rosetta/convert converts the file, or the statements a range touches with lines in the document', async function () {
    const whole: ConvertResult = await client.connection.sendRequest(ConvertRequestMethod, { textDocument: { uri }, target: 'jax' } satisfies ConvertParams);
    assert.match(whole.code, /return jnp\.exp\(y\) \+ jax\.nn\.sigmoid\(x\)/);
    assert.match(whole.code, /class Gate\(nnx\.Module\)/);
    const range = { start: position(SOURCE, 'def unknown'), end: position(SOURCE, 'F.not_a_real_op') };
    const part: ConvertResult = await client.connection.sendRequest(ConvertRequestMethod, { textDocument: { uri }, range, target: 'jax' } satisfies ConvertParams);
    assert.doesNotMatch(part.code, /def activate|class Gate/);
    assert.match(part.code, /return F\.not_a_real_op\(y\)  # rosetta: not converted/);
    assert.deepEqual(part.diagnostics.map((d) => d.line), [position(SOURCE, 'F.not_a_real_op').line + 1]);
  });

  it('rosetta/convert converts to NumPy, marks what has no NumPy equivalent, and refuses an unknown target', async function () {
    const whole: ConvertResult = await client.connection.sendRequest(ConvertRequestMethod, { textDocument: { uri }, target: 'numpy' } satisfies ConvertParams);
    assert.match(whole.code, /return np\.exp\(y\) \+ sigmoid\(x\)/);
    assert.match(whole.code, /^class Gate:$/m);
    assert.match(whole.code, /F\.not_a_real_op\(y\)  # rosetta: not converted/);
    assert.ok(whole.mapping.some((m) => m.api === 'torch.exp' && m.target.startsWith('np.exp')));
    const range = { start: position(SOURCE, 'def activate'), end: position(SOURCE, 'def activate') };
    const part: ConvertResult = await client.connection.sendRequest(ConvertRequestMethod, { textDocument: { uri }, range, target: 'numpy' } satisfies ConvertParams);
    assert.doesNotMatch(part.code, /def unknown|class Gate|jnp/);
    await assert.rejects(client.connection.sendRequest(ConvertRequestMethod, { textDocument: { uri }, target: 'cobol' }), (e: ResponseError<unknown>) => {
      assert.equal(e.code, ErrorCodes.InvalidParams);
      assert.match(e.message, /cannot convert to cobol \(supported: jax, numpy/);
      return true;
    });
  });

  it('answers an unknown request with an error and keeps serving', async function () {
    await assert.rejects(client.connection.sendRequest('rosetta/no-such-request', {}), (e: ResponseError<unknown>) => e.code === ErrorCodes.MethodNotFound);
    assert.ok(await client.hoverText(uri, position(SOURCE, 'torch.exp', 'torch.'.length)));
  });

  it('puts "Convert to <target>" per target and "Check" above every nn.Module class of a fixture, with what the check needs', async function () {
    const fixture = fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'torch', 'mlp.py'), 'utf8');
    const fixtureUri = `file://${dir}/mlp.py`;
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: fixtureUri, languageId: 'python', version: 1, text: fixture } });
    const lenses: CodeLens[] = await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: fixtureUri } });
    const classes = ['MLPBlock', 'MLP', 'TinyMLP'];
    assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command?.title]), classes.flatMap((c) => {
      const line = position(fixture, `class ${c}(`).line;
      return [...CONVERSION_TARGETS.map((t) => [line, `Convert to ${targetLabel(t)}`]), [line, 'Check']];
    }));
    const perClass = CONVERSION_TARGETS.length + 1;
    const mlpRange = { start: position(fixture, 'MLP(nn'), end: position(fixture, 'MLP(nn') };
    assert.deepEqual(lenses.slice(perClass, perClass + 2).map((l) => l.command!.arguments), [
      [{ textDocument: { uri: fixtureUri }, range: mlpRange, target: 'jax' }],
      [{ textDocument: { uri: fixtureUri }, range: mlpRange, target: 'numpy' }],
    ]);
    assert.ok(lenses.every((l, i) => l.command!.command === ((i + 1) % perClass ? ConvertToJaxCommand : CheckCommand)));
    const checks = lenses.filter((l) => l.command!.command === CheckCommand).map((l) => l.command!.arguments![0] as CheckCommandArgument);
    assert.deepEqual(checks.map((c) => [c.entry, c.needsArguments, c.inputs]), [
      ['MLPBlock(dim=, hidden=)', true, ['x=float32[2,16]']],
      ['MLP(in_dim=, hidden=, out_dim=)', true, ['x=float32[2,16]']],
      ['TinyMLP()', false, ['x=float32[2,16]']],
    ]);
    const gate: CodeLens[] = await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } });
    assert.deepEqual(gate.map((l) => l.command!.title), [...CONVERSION_TARGETS.map((t) => `Convert to ${targetLabel(t)}`), 'Check']);
    assert.equal((gate[CONVERSION_TARGETS.length].command!.arguments![0] as CheckCommandArgument).entry, 'Gate()');
  });

  it('rosetta/check answers a bad input spec with an error that says why, and keeps serving', async function () {
    const params: CheckParams = { textDocument: { uri }, entry: 'Gate()', inputs: ['x=float32[2,3]', 'y=float33[2]'] };
    await assert.rejects(client.connection.sendRequest(CheckRequestMethod, params), (e: ResponseError<unknown>) => {
      assert.equal(e.code, ErrorCodes.InvalidParams);
      assert.match(e.message, /bad input spec 'y=float33\[2\]': expected NAME=DTYPE\[SHAPE\]/);
      return true;
    });
    const unknownTarget = { textDocument: { uri }, entry: 'Gate()', inputs: ['x=float32[2,3]'], target: 'cobol' };
    await assert.rejects(client.connection.sendRequest(CheckRequestMethod, unknownTarget), (e: ResponseError<unknown>) => {
      assert.equal(e.code, ErrorCodes.InvalidParams);
      assert.match(e.message, /cannot check a conversion of PyTorch code to cobol \(it converts to jax, numpy/);
      return true;
    });
    assert.match((await client.hoverText(uri, position(SOURCE, 'torch.exp', 'torch.'.length)))!, /jnp\.exp/);
  });

  it('survives a half-typed edit: a syntax-error diagnostic on its line, hover still answers elsewhere', async function () {
    const at = position(SOURCE, '    return F.not_a_real_op');
    const change = { range: { start: at, end: at }, text: '    z = torch.exp(y +\n' };
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [change] });
    const { diagnostics } = await client.diagnostics(uri, 2);
    assert.equal(diagnostics.length, 1);
    assert.match(String(diagnostics[0].message), /syntax error/);
    assert.deepEqual(diagnostics[0].range.start, { line: at.line, character: 4 });
    assert.match((await client.hoverText(uri, position(SOURCE, 'torch.exp', 'torch.'.length)))!, /jnp\.exp/);
    const inActivate = position(SOURCE, 'torch.exp');
    const actions: CodeAction[] = await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: inActivate, end: inActivate }, context: { diagnostics: [] } });
    assert.deepEqual(actions.map((a) => a.title), CONVERSION_TARGETS.map((t) => `Convert activate to ${targetLabel(t)} (model_activate_${t}.py)`));
    await assert.rejects(client.connection.sendRequest(ConvertRequestMethod, { textDocument: { uri }, target: 'jax' }), /syntax error at line/);
  });

  it('after each of several edits publishes the diagnostics a fresh whole-file conversion gives', async function () {
    await initParser();
    const editedUri = `file://${dir}/edited.py`;
    let document = TextDocument.create(editedUri, 'python', 1, SOURCE);
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: editedUri, languageId: 'python', version: 1, text: SOURCE } });
    const at = (substring: string, offset = 0) => position(document.getText(), substring, offset);
    const edits: Array<() => TextDocumentContentChangeEvent[]> = [
      () => [{ range: { start: at('gelu'), end: at('gelu', 4) }, text: 'not_another_op' }],
      // two changes in one notification, the second in the text the first leaves
      () => [{ range: { start: at('    return F.not_a'), end: at('    return F.not_a') }, text: '    z = torch.tanh(y)\n' }, { range: { start: at('class Gate'), end: at('class Gate') }, text: 'def more(x):\n    return torch.fft.nope(x)\n\n\n' }],
      // the imports: every statement resolves its names again
      () => [{ range: { start: at('import torch.nn'), end: at('from torch') }, text: '' }],
      () => [{ range: { start: at('z = torch.tanh(y)', 'z = torch.tanh(y'.length), end: at('z = torch.tanh(y)', 'z = torch.tanh(y)'.length) }, text: '' }],
      () => [{ range: { start: at('z = torch.tanh(y', 'z = torch.tanh(y'.length), end: at('z = torch.tanh(y', 'z = torch.tanh(y'.length) }, text: ')' }],
      () => [{ range: { start: at('def unknown'), end: at('class Gate') }, text: '' }],
      // more new statements than are converted at once: they are converted a few at a time, then published
      () => [{ text: SOURCE + Array.from({ length: 12 }, (_, i) => `\n\ndef f${i}(x):\n    return torch.exp(x) + F.nope${i}(x)\n`).join('') }],
      () => [{ text: SOURCE }],
    ];
    for (const edit of edits) {
      const version = document.version + 1;
      const changes = edit();
      document = TextDocument.update(document, changes, version);
      await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: editedUri, version }, contentChanges: changes });
      const { diagnostics } = await client.diagnostics(editedUri, version);
      assert.deepEqual(diagnostics, JSON.parse(JSON.stringify(diagnosticsFor(analyze(document.getText())))), `version ${version}:\n${document.getText()}`);
    }
  });

  it('shuts down and exits cleanly', async function () {
    await client.connection.sendRequest('shutdown');
    await client.connection.sendNotification('exit');
    assert.equal(await client.exited(), 0);
  });
});

describe('language server features', function () {
  before(async () => {
    await initParser();
  });

  const hover = (text: string, substring: string, offset = 0) => {
    const result = hoverAt(analyze(text), position(text, substring, offset), new ConformanceResults(path.join(os.tmpdir(), 'rosetta-no-results.json')));
    return result && (result.contents as MarkupContent).value;
  };

  it('hover finds a method whose receiver spans lines on the line its call starts', function () {
    const text = 'import torch\n\ndef f(x):\n    return (torch.exp(x)\n            .abs())\n';
    assert.match(hover(text, '.abs', 1)!, /`Tensor\.abs` → `jnp\.abs\(x\)`[^]*no conformance results/);
  });

  it('hover on a module constructor shows the nnx class and the torch constructor', function () {
    const text = 'from torch import nn\n\nclass Head(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 2)\n';
    assert.match(hover(text, 'Linear')!, /`torch\.nn\.Linear` → `nnx\.Linear\([^]*torch\.nn\.Linear\(in_features, out_features/);
  });

  it('places a syntax error where it is typed, not at the recovery node around the file', function () {
    const unclosed = 'import torch\n\ndef f(x):\n    return torch.exp(x)\n\ndef g(y):\n    z = torch.exp(y +\n    return y\n';
    assert.deepEqual(locateSyntaxError(analyze(unclosed).tree)?.range.start, position(unclosed, 'z = torch'));
    const inClass = 'class A:\n    def f(self):\n        x = [1, 2\n    def g(self): pass\n';
    assert.equal(locateSyntaxError(analyze(inClass).tree)?.range.start.line, 2);
  });

  it('a selection converts the top-level statements it touches, with the imports', function () {
    const text = 'import torch\n\n\ndef f(x):\n    return torch.exp(x)\n\n\ndef g(x):\n    return torch.nope(x)\n';
    const analysis = analyze(text);
    const range = { start: position(text, 'def g'), end: position(text, 'nope') };
    assert.deepEqual(statementsFor(analysis.tree, range)?.map(definitionName), ['g']);
    const result = convertRange(analysis, range);
    assert.match(result.code, /^import jax\.numpy as jnp$/m);
    assert.doesNotMatch(result.code, /def f/);
    assert.deepEqual(result.diagnostics.map((d) => d.line), [position(text, 'torch.nope').line + 1]);
  });

  /** A progress that records what it is told, with a Cancel button of its own. */
  function recordingProgress(): CheckProgress & { events: string[]; cancelButton: CancellationTokenSource } {
    const events: string[] = [];
    const cancelButton = new CancellationTokenSource();
    return {
      events, cancelButton, token: cancelButton.token,
      begin: (title) => events.push(`begin ${title}`), report: () => {}, done: () => events.push('done'),
    };
  }
  const sampleReport: CheckReport = { verdict: 'equivalent', outputs: [], firstDivergence: null, unsupported: [], notes: [], backend: 'wasm', timingsMs: {} };

  it('a check runs between the begin and the end of its progress', async function () {
    const progress = recordingProgress();
    const report = await runUnderProgress(async () => sampleReport, 'checking Net()', progress, new CancellationTokenSource().token);
    assert.equal(report, sampleReport);
    assert.deepEqual(progress.events, ['begin checking Net()', 'done']);
  });

  it('a cancelled check answers RequestCancelled at once, from the request or the progress Cancel button', async function () {
    for (const cancelFrom of ['request', 'progress'] as const) {
      const progress = recordingProgress();
      const request = new CancellationTokenSource();
      const never = new Promise<CheckReport>(() => {});
      const answer = runUnderProgress(() => never, 'checking Net()', progress, request.token);
      (cancelFrom === 'request' ? request : progress.cancelButton).cancel();
      await assert.rejects(answer, (e: ResponseError<unknown>) => e.code === LSPErrorCodes.RequestCancelled);
      assert.deepEqual(progress.events, ['begin checking Net()', 'done'], cancelFrom);
    }
  });

  it('a check that throws fails the request with its message', async function () {
    const failing = async (): Promise<CheckReport> => { throw new Error('no weights'); };
    await assert.rejects(runUnderProgress(failing, 'checking Net()', recordingProgress(), new CancellationTokenSource().token), (e: ResponseError<unknown>) => {
      return e.code === LSPErrorCodes.RequestFailed && /the check failed: no weights/.test(e.message);
    });
  });

  it('an edit to the imports converts again only the statements whose names it rebinds, with the same findings as the whole file', function () {
    const imports = ['import math', 'import torch', 'import torch.nn.functional as F', 'from torch import nn'];
    const body = [
      '', '', 'class Head(nn.Module):', '    def __init__(self):', '        super().__init__()', '        self.fc = nn.Linear(4, 2)',
      '', '    def forward(self, x):', '        return F.not_a_real_op(self.fc(x))', '', '', 'def scale(x):', '    return x * math.pi', '',
    ];
    const statements = new StatementConversions();
    const before = analyze([...imports, ...body].join('\n'));
    statements.of(before);
    const edited = (lines: string[]) => analyze([...lines, ...body].join('\n'));
    assert.equal(statements.unconverted(edited(['import math', 'import torch', 'from torch.nn import functional as F', 'import torch.nn.functional as F', 'from torch import nn'])), 0, 'the same bindings');
    assert.equal(statements.unconverted(edited(['# import math', ...imports.slice(1)])), 1, 'math is used by scale only');
    const moved = edited([...imports.slice(1), 'import math', 'import numpy as np']);
    assert.equal(statements.unconverted(moved), 0, 'reordered, and a name nothing uses');
    const wholeFile = (moved.conversion as ConversionResult).diagnostics;
    assert.deepEqual(statements.of(moved).map((d) => [d.line, d.message]), wholeFile.map((d) => [d.line, d.message]));
    assert.match(wholeFile[0]?.message ?? '', /not_a_real_op/);
  });

  it('re-parses an edited document incrementally into the tree a fresh parse gives', function () {
    const analyses = new AnalysisCache();
    const documents = editTrackingDocuments((uri, edits) => analyses.edited(uri, edits));
    let document = documents.create('file:///m/edited.py', 'python', 1, SOURCE);
    const previous = analyses.get(document).tree;
    const changes: TextDocumentContentChangeEvent[][] = [
      [{ range: { start: position(SOURCE, 'F.gelu'), end: position(SOURCE, 'F.gelu') }, text: 'torch.abs(' }],
      [{ range: { start: position(SOURCE, 'def unknown'), end: position(SOURCE, 'def unknown') }, text: 'x = 1\n\n' }, { range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, text: '' }],
      [{ range: { start: position(SOURCE, '(x)'), end: position(SOURCE, '(x)', 3) }, text: '(x, y)' }],
    ];
    for (const change of changes) {
      document = documents.update(document, change, document.version + 1);
      const { tree } = analyses.get(document);
      assert.equal(tree.rootNode.toString(), analyze(document.getText()).tree.rootNode.toString(), document.getText());
    }
    assert.notEqual(analyses.get(document).tree, previous);
    analyses.drop('file:///m/edited.py');
  });

  it('diagnostics found statement by statement are corrected by the whole file\'s once typing pauses', async function () {
    // Child is a module only through Base: converted on its own, its nn.Linear looks built outside a module
    const text = 'from torch import nn\n\n\nclass Base(nn.Module):\n    pass\n\n\nclass Child(Base):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n';
    const published: PublishDiagnosticsParams[] = [];
    const server = new RosettaServer({ publishDiagnostics: (p) => published.push(p), log: () => {}, workDoneProgress: async () => { throw new Error('unused'); }, runModel: async () => { throw new Error('unused'); } }, async () => sampleReport);
    const handlers: Record<string, (params: unknown) => void> = {};
    const on = (name: string) => (handler: (params: unknown) => void) => ((handlers[name] = handler), { dispose: () => {} });
    server.documents.listen({
      onDidOpenTextDocument: on('open'), onDidChangeTextDocument: on('change'), onDidCloseTextDocument: on('close'),
      onWillSaveTextDocument: on('willSave'), onWillSaveTextDocumentWaitUntil: on('willSaveWaitUntil'), onDidSaveTextDocument: on('save'),
    } as unknown as Parameters<typeof server.documents.listen>[0]);
    handlers.open({ textDocument: { uri: 'file:///m/child.py', languageId: 'python', version: 1, text } });
    assert.equal(published.length, 1);
    assert.match(String(published[0].diagnostics[0]?.message), /built outside a converted __init__/);
    await new Promise((wait) => setTimeout(wait, 400));
    assert.deepEqual(published.map((p) => p.diagnostics.length), [1, 0]);
    assert.deepEqual(published[1].diagnostics, diagnosticsFor(analyze(text)));
    handlers.close({ textDocument: { uri: 'file:///m/child.py' } });
  });

  it('names the converted file after the document and the part converted', function () {
    assert.equal(convertedFileUri('file:///m/model.py', 'jax'), 'file:///m/model_jax.py');
    assert.equal(convertedFileUri('file:///m/model.py', 'jax', 'GPT'), 'file:///m/model_GPT_jax.py');
    assert.equal(convertedFileUri('file:///m/model.py', 'numpy', 'GPT'), 'file:///m/model_GPT_numpy.py');
  });
});
