// rosetta/check end to end over stdio: the bundled server checks a fixture against its own conversion, reporting
// progress that the server creates. Needs the embedded check wired in server/src/lsp/connection.ts (runCheck).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckRequestMethod, type CheckParams, type CheckReport } from '../server/src/protocol';
import { repoRoot } from './support/python';
import { TestClient } from './support/lsp-client';

// enable (describe) once server/src/check/check.ts is wired as runCheck in server/src/lsp/connection.ts
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
