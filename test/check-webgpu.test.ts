// The check's models run in the check panel's webview, in headless Chromium: on WebGPU where the page finds an
// adapter (Chromium's software WebGPU, SwiftShader, with --enable-unsafe-webgpu), on WebAssembly where it finds none
// (--disable-gpu), with the same verdicts as the server's own WebAssembly runs. The language server hands the models
// over with rosetta/runModel when a check asks for the 'webgpu' backend; here the test client relays them to the page
// as the VS Code client does (client/src/check-panel.ts).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { CheckExtensionMessage, CheckWebviewMessage } from '../client/src/check-messages';
import { check, type CheckReport, type CheckRequest } from '../server/src/check/check';
import { parseInputSpec } from '../server/src/check/inputs';
import type { ModelRunner } from '../server/src/check/onnx/session';
import { remoteRunner } from '../server/src/check/onnx/wire';
import { initParser } from '../server/src/parser';
import { CheckRequestMethod, RunModelRequestMethod, type CheckParams, type RunModelParams, type RunModelResult } from '../server/src/protocol';
import { TestClient } from './support/lsp-client';
import { repoRoot } from './support/python';
import { chromium, CHROMIUM, CHROMIUM_ARGS, installVsCodeStandIn, postedMessages, sendToWebview, startWebviewHost, type WebviewHost } from './support/webview-host';

const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'torch');
const GPT = {
  source: fs.readFileSync(path.join(FIXTURES, 'gpt.py'), 'utf8'),
  entry: 'GPT(vocab_size=65, block_size=16, n_layer=2, n_head=4, n_embd=32)',
  inputs: ['idx=int64[2,12]:0..65'],
};
const WEBGPU_ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking'];

/** A check page in its own browser, and a runner that hands models to it as the extension does. */
class CheckPage {
  private nextId = 0;
  private constructor(private readonly browser: Browser, readonly page: Page, private readonly host: WebviewHost, readonly problems: string[]) {}

  static async open(args: string[]): Promise<CheckPage> {
    assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args });
    const host = await startWebviewHost(repoRoot, 'check');
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    await installVsCodeStandIn(page);
    await page.goto(host.url);
    return new CheckPage(browser, page, host, problems);
  }

  /** What the page said once loaded: whether it has a WebGPU adapter. */
  async ready(): Promise<boolean> {
    await this.page.waitForFunction(() => (window as unknown as { postedMessages: CheckWebviewMessage[] }).postedMessages.some((m) => m.type === 'ready'));
    const ready = (await postedMessages(this.page) as CheckWebviewMessage[]).find((m) => m.type === 'ready');
    return ready?.type === 'ready' && ready.webgpu;
  }

  async runModel(params: RunModelParams): Promise<RunModelResult> {
    const id = this.nextId++;
    await sendToWebview(this.page, { type: 'run', id, params } satisfies CheckExtensionMessage);
    const answer = await this.page.waitForFunction((id) => (window as unknown as { postedMessages: CheckWebviewMessage[] }).postedMessages.find((m) => m.type === 'ran' && m.id === id), id, { timeout: 300_000 });
    const ran = await answer.jsonValue() as Extract<CheckWebviewMessage, { type: 'ran' }>;
    if (!ran.result) throw new Error(`the page could not run the model: ${ran.error}`);
    return ran.result;
  }

  /** The check's runner, through the page, as the server's over LSP. */
  readonly runner: ModelRunner = remoteRunner((params) => this.runModel(params));

  async close() {
    await this.browser.close();
    await this.host.close();
  }
}

function request(source: string, extra: Partial<CheckRequest> = {}): CheckRequest {
  return { source, entry: GPT.entry, inputs: GPT.inputs.map(parseInputSpec), seed: 3, tolerance: { rtol: 1e-4, atol: 1e-5 }, ...extra };
}

/** The same maximum errors, up to what the backends' float32 arithmetic may change. */
function assertSameErrors(actual: CheckReport, expected: CheckReport) {
  assert.deepEqual(actual.outputs.map((o) => [o.path, o.shape, o.close]), expected.outputs.map((o) => [o.path, o.shape, o.close]));
  actual.outputs.forEach((o, i) => assert.ok(Math.abs(o.maxAbs - expected.outputs[i].maxAbs) <= 1e-4, `${o.path}: ${o.maxAbs} vs ${expected.outputs[i].maxAbs}`));
}

describe('the check in the panel webview', function () {
  this.timeout(600_000);
  // the same approximate-GELU slip as the honesty suite's mutants: the source keeps the exact GELU, the target does not
  const convertedGpt = () => check(request(GPT.source)).then((r) => r.target!);
  let onCpu: { equivalent: CheckReport; mismatch: CheckReport };
  let target: string;

  before(async function () {
    await initParser();
    target = await convertedGpt();
    const mutated = target.replace(/approximate=False/g, 'approximate=True');
    assert.notEqual(mutated, target, 'the GPT conversion has an exact GELU to mutate');
    onCpu = { equivalent: await check(request(GPT.source, { target })), mismatch: await check(request(GPT.source, { target: mutated })) };
    assert.equal(onCpu.equivalent.verdict, 'equivalent');
    assert.equal(onCpu.mismatch.verdict, 'mismatch');
  });

  for (const [name, args, webgpu] of [['with a WebGPU adapter', WEBGPU_ARGS, true], ['without one', CHROMIUM_ARGS, false]] as const) {
    describe(name, function () {
      let panel: CheckPage;
      before(async function () {
        panel = await CheckPage.open(args);
      });
      after(async function () {
        await panel?.close();
      });

      it(`says ${webgpu ? 'it has' : 'it has no'} adapter once loaded`, async function () {
        assert.equal(await panel.ready(), webgpu);
      });

      it(`runs both programs on ${webgpu ? 'WebGPU' : 'WebAssembly'} with the verdicts and errors of the server's own runs`, async function () {
        const equivalent = await check(request(GPT.source, { target, runner: panel.runner }));
        const mismatch = await check(request(GPT.source, { target: target.replace(/approximate=False/g, 'approximate=True'), runner: panel.runner }));
        for (const report of [equivalent, mismatch]) assert.equal(report.backend, webgpu ? 'webgpu' : 'wasm', JSON.stringify(report));
        assert.equal(equivalent.verdict, 'equivalent', JSON.stringify(equivalent.outputs));
        assert.equal(mismatch.verdict, 'mismatch');
        assert.deepEqual(mismatch.firstDivergence?.source, onCpu.mismatch.firstDivergence?.source);
        assertSameErrors(equivalent, onCpu.equivalent);
        assertSameErrors(mismatch, onCpu.mismatch);
        assert.deepEqual(panel.problems, []);
      });
    });
  }

  describe('over LSP', function () {
    let panel: CheckPage;
    let client: TestClient;
    const file = path.join(FIXTURES, 'gpt.py');
    const uri = `file://${file}`;

    before(async function () {
      panel = await CheckPage.open(WEBGPU_ARGS);
      assert.ok(await panel.ready());
      client = TestClient.start();
      client.connection.onRequest(RunModelRequestMethod, (params: RunModelParams) => panel.runModel(params));
      await client.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
      await client.connection.sendNotification('initialized', {});
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: GPT.source } });
    });

    after(async function () {
      client?.connection.dispose();
      if (client?.process.exitCode === null) client.process.kill();
      await panel?.close();
    });

    it("asks the client to run the models when a check asks for the 'webgpu' backend, and reports where they ran", async function () {
      const params: CheckParams = { textDocument: { uri }, entry: GPT.entry, inputs: GPT.inputs, seed: 3, backend: 'webgpu' };
      const report: CheckReport = await client.connection.sendRequest(CheckRequestMethod, params);
      assert.equal(report.verdict, 'equivalent', JSON.stringify(report));
      assert.equal(report.backend, 'webgpu');
      assertSameErrors(report, onCpu.equivalent);
    });

    it("runs in the server without asking the client for the 'wasm' backend", async function () {
      const report: CheckReport = await client.connection.sendRequest(CheckRequestMethod, { textDocument: { uri }, entry: GPT.entry, inputs: GPT.inputs, seed: 3 } satisfies CheckParams);
      assert.equal(report.backend, 'wasm');
      assert.equal(report.verdict, 'equivalent');
    });
  });
});
