// rosetta/check end to end over stdio: the bundled server checks a fixture against its own conversion, reporting
// progress that the server creates; and the server over Node IPC, the transport of the VS Code client.
import * as assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, type MessageConnection } from 'vscode-languageserver/node';
import { CheckRequestMethod, ConvertRequestMethod, type CheckParams, type CheckReport, type ConvertParams, type ConvertResult } from '../server/src/protocol';
import { repoRoot } from './support/python';
import { TestClient } from './support/lsp-client';

describe('rosetta/check over stdio', function () {
  this.timeout(120000);
  const file = path.join(repoRoot, 'test', 'fixtures', 'torch', 'mlp.py');
  const uri = `file://${file}`;
  let client: TestClient;

  before(async function () {
    client = TestClient.start();
    await client.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { window: { workDoneProgress: true } } });
    await client.connection.sendNotification('initialized', {});
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: fs.readFileSync(file, 'utf8') } });
  });

  after(function () {
    client.connection.dispose();
    if (client.process.exitCode === null) client.process.kill();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.error(client.stderr);
  });

  it('finds the MLP fixture equivalent to its conversion, between the begin and the end of its progress', async function () {
    const params: CheckParams = { textDocument: { uri }, entry: 'MLP(in_dim=16, hidden=32, out_dim=4)', inputs: ['x=float32[4,16]'], seed: 0 };
    const report: CheckReport = await client.connection.sendRequest(CheckRequestMethod, params);
    const kinds = client.progress.map((p) => (p.value as { kind: string }).kind);
    assert.deepEqual(kinds, ['begin', 'end']);
    assert.match((client.progress[0].value as { title: string }).title, /checking MLP\(in_dim=16/);
    assert.ok(client.progress.every((p) => p.token === client.progress[0].token));
    assert.equal(report.verdict, 'equivalent', JSON.stringify(report, null, 2));
    assert.deepEqual(report.outputs.map((o) => o.shape), [[4, 4]]);
    assert.ok(report.outputs.every((o) => o.close));
  });
});

describe('rosetta/check of a NumPy conversion over stdio', function () {
  this.timeout(120000);
  const uri = 'untitled:functions.py';
  const text = [
    'import torch',
    'import torch.nn.functional as F',
    '',
    '',
    'def block(x):',
    '    return F.gelu(F.layer_norm(x, (x.shape[-1],)))',
    '',
  ].join('\n');
  let client: TestClient;

  before(async function () {
    client = TestClient.start();
    await client.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    await client.connection.sendNotification('initialized', {});
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text } });
  });

  after(function () {
    client.connection.dispose();
    if (client.process.exitCode === null) client.process.kill();
  });

  it('converts the document to NumPy and finds it equivalent, returning the NumPy code it checked', async function () {
    const params: CheckParams = { textDocument: { uri }, entry: 'block', inputs: ['x=float32[2,8]'], target: 'numpy' };
    const report: CheckReport = await client.connection.sendRequest(CheckRequestMethod, params);
    assert.equal(report.verdict, 'equivalent', JSON.stringify(report, null, 2));
    assert.match(report.target!, /^import numpy as np$[^]*return gelu\(nnf_layer_norm\(x, \(x\.shape\[-1\],\)\), approximate=False\)/m);
  });
});

describe('rosetta/check of a JAX document over stdio', function () {
  this.timeout(120000);
  const file = path.join(repoRoot, 'test', 'fixtures', 'jax', 'mlp.py');
  const uri = `file://${file}`;
  let client: TestClient;

  before(async function () {
    client = TestClient.start();
    await client.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    await client.connection.sendNotification('initialized', {});
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: fs.readFileSync(file, 'utf8') } });
  });

  after(function () {
    client.connection.dispose();
    if (client.process.exitCode === null) client.process.kill();
  });

  it('converts the Flax model to PyTorch (the document\'s one target) and finds it equivalent', async function () {
    const params: CheckParams = { textDocument: { uri }, entry: 'MLP(din=6, dmid=16, dout=5)', inputs: ['x=float32[4,6]'] };
    const report: CheckReport = await client.connection.sendRequest(CheckRequestMethod, params);
    assert.equal(report.verdict, 'equivalent', JSON.stringify(report, null, 2));
    assert.match(report.target!, /^def load_flax_state\(model, state\):/m);
    assert.deepEqual(report.outputs.map((o) => o.shape), [[4, 5]]);
  });

  it('refuses a target the document does not convert to, naming the one it does', async function () {
    const params: CheckParams = { textDocument: { uri }, entry: 'MLP(din=6, dmid=16, dout=5)', inputs: ['x=float32[4,6]'], target: 'numpy' };
    await assert.rejects(client.connection.sendRequest(CheckRequestMethod, params), /cannot check a conversion of JAX code to numpy \(it converts to torch\)/);
  });
});

describe('the language server over Node IPC, as VS Code starts it', function () {
  this.timeout(120000);
  let server: ChildProcess;
  let connection: MessageConnection;

  before(function () {
    server = fork(path.join(repoRoot, 'bin', 'rosetta.js'), ['lsp', '--node-ipc'], { cwd: repoRoot, silent: true });
    connection = createMessageConnection(new IPCMessageReader(server), new IPCMessageWriter(server));
    connection.listen();
  });

  after(function () {
    connection.dispose();
    server.kill();
  });

  it('initializes, converts and checks an open document', async function () {
    const file = path.join(repoRoot, 'test', 'fixtures', 'torch', 'mlp.py');
    const uri = `file://${file}`;
    const { serverInfo } = await connection.sendRequest<{ serverInfo: { name: string } }>('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    assert.equal(serverInfo.name, 'rosetta');
    await connection.sendNotification('initialized', {});
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: fs.readFileSync(file, 'utf8') } });
    const converted: ConvertResult = await connection.sendRequest(ConvertRequestMethod, { textDocument: { uri }, target: 'jax' } satisfies ConvertParams);
    assert.match(converted.code, /class MLP\(nnx\.Module\):/);
    const report: CheckReport = await connection.sendRequest(CheckRequestMethod, { textDocument: { uri }, entry: 'MLP(in_dim=16, hidden=32, out_dim=4)', inputs: ['x=float32[4,16]'] } satisfies CheckParams);
    assert.equal(report.verdict, 'equivalent');
  });
});
