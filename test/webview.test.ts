// The VS Code client's parts that run without VS Code: the manifest against the commands the client registers, the
// packaged extension, what "Convert to JAX" converts, how the diff view links lines, and the diff and check webviews
// in headless Chromium, fed a real conversion and a check report the way the extension feeds them.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ALL_COMMANDS, Commands, convertCommand, FRAMEWORK_CONTEXT_KEY } from '../client/src/commands';
import { RUN_CHECK_TOOLTIP } from '../client/src/diff-html';
import type { CheckExtensionMessage, CheckReport, CheckViewModel } from '../client/src/check-messages';
import type { DiffViewModel, ExtensionMessage } from '../client/src/messages';
import { conversionScope, topLevelStatements, type Selection } from '../client/src/scope';
import { diffViewModel } from '../client/src/view-model';
import { convertTorchToJax } from '../server/src/convert';
import { initParser } from '../server/src/parser';
import { ALL_TARGETS, ConvertToJaxCommand, detectFramework, sourcesOf, type ConvertResult } from '../server/src/protocol';
import { analyze } from '../server/src/lsp/analysis';
import { convertRange, statementsFor } from '../server/src/lsp/conversion';
import { alignLines, calleeOf, targetLineOf } from '../webview/align';
import { outputDir, repoRoot } from './support/python';
import { chromium, CHROMIUM, CHROMIUM_ARGS, installVsCodeStandIn, postedMessages, sendToWebview, startWebviewHost, type WebviewHost } from './support/webview-host';

const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'torch');

const SOURCE = [
  'import torch',
  'import torch.nn.functional as F',
  'from torch import nn',
  '',
  '',
  'def scale(x, factor=2.0):',
  '    return x * factor',
  '',
  '',
  'class Block(nn.Module):',
  '    """A pre-norm feed-forward block."""',
  '',
  '    def __init__(self, dim):',
  '        super().__init__()',
  '        self.norm = nn.LayerNorm(dim)',
  '        self.fc = nn.Linear(dim, 4 * dim)',
  '',
  '    def forward(self, x):',
  '        h = F.gelu(self.fc(self.norm(x)))',
  '        y = torch.not_a_real_op(h)  # kept and marked',
  '        return torch.sigmoid(h).sum(dim=-1)',
  '',
].join('\n');

function cursorAt(text: string, substring: string): Selection {
  const before = text.slice(0, text.indexOf(substring)).split('\n');
  const position = { line: before.length - 1, character: before[before.length - 1].length };
  return { start: position, end: position };
}

function lineOf(text: string, substring: string): number {
  return text.slice(0, text.indexOf(substring)).split('\n').length - 1;
}

interface Manifest {
  main: string;
  contributes: {
    commands: Array<{ command: string; title: string; category?: string }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
    configuration: { properties: Record<string, { default: unknown }> };
    capabilities: { untrustedWorkspaces: { supported: boolean | 'limited'; restrictedConfigurations?: string[] } };
  };
}

describe('extension manifest', function () {
  const manifest: Manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const registered = ALL_COMMANDS;

  it('contributes exactly the commands the client registers', function () {
    assert.deepEqual(manifest.contributes.commands.map((c) => c.command).sort(), [...registered].sort());
    assert.deepEqual(manifest.contributes.commands.map((c) => `${c.category}: ${c.title}`).slice(0, 2), ['Rosetta: Convert to JAX', 'Rosetta: Convert File to JAX']);
  });

  it('offers the conversion of a JAX / Flax file to PyTorch by name', function () {
    const titles = new Map(manifest.contributes.commands.map((c) => [c.command, `${c.category}: ${c.title}`]));
    assert.equal(titles.get(convertCommand('torch', false)), 'Rosetta: Convert to PyTorch');
    assert.equal(titles.get(convertCommand('torch', true)), 'Rosetta: Convert File to PyTorch');
  });

  it("registers the command the server's code actions fall back on", function () {
    assert.ok(registered.includes(ConvertToJaxCommand));
  });

  it("offers a Python file its own framework's conversions (rosetta.framework) in the palette and the editor context menu, the check in the palette", function () {
    for (const menu of ['commandPalette', 'editor/context']) {
      const entries = manifest.contributes.menus[menu];
      const checkToo = menu === 'commandPalette' ? [Commands.check] : [];
      const conversions = ALL_TARGETS.flatMap((target) => [convertCommand(target, false), convertCommand(target, true)]);
      assert.deepEqual(entries.map((e) => e.command), [...conversions, ...checkToo], menu);
      const when = new Map(entries.map((e) => [e.command, e.when]));
      for (const target of ALL_TARGETS) {
        const expected = `editorLangId == python && ${FRAMEWORK_CONTEXT_KEY} =~ /^(${sourcesOf(target).join('|')})$/`;
        for (const file of [false, true]) assert.equal(when.get(convertCommand(target, file)), expected, `${menu}: ${target}`);
      }
      if (checkToo.length) assert.equal(when.get(Commands.check), 'editorLangId == python');
    }
  });

  it('takes a file for the framework its imports name, PyTorch where they name none, as the server does', function () {
    assert.equal(detectFramework('import torch.nn as nn\nimport numpy as np\n'), 'torch');
    assert.equal(detectFramework('from flax import nnx\nimport jax.numpy as jnp\n'), 'jax');
    assert.equal(detectFramework('import keras\n'), 'keras');
    assert.equal(detectFramework('import numpy as np\n'), undefined);
    assert.deepEqual(sourcesOf('torch'), ['jax', 'keras']);
    assert.deepEqual(sourcesOf('numpy'), ['torch']);
  });

  it('has the settings, and a limited Restricted Mode that ignores workspace check settings', function () {
    const settings = manifest.contributes.configuration.properties;
    assert.deepEqual(
      Object.fromEntries(Object.entries(settings).map(([key, value]) => [key, value.default])),
      { 'rosetta.defaultTarget': 'jax', 'rosetta.check.rtol': 1e-4, 'rosetta.check.atol': 1e-5, 'rosetta.check.backend': 'auto' },
    );
    const untrusted = manifest.contributes.capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    assert.deepEqual(untrusted.restrictedConfigurations, ['rosetta.check.rtol', 'rosetta.check.atol', 'rosetta.check.backend']);
  });

  it('starts from the bundled client, which the build wrote', function () {
    assert.equal(manifest.main, './dist/client.js');
    assert.ok(fs.existsSync(path.join(repoRoot, 'dist', 'client.js')), 'dist/client.js: run the build first');
  });
});

describe('extension package', function () {
  const vsce = path.join(repoRoot, 'node_modules', '.bin', 'vsce');

  it('holds the bundles, the runtimes\' and grammar\'s wasm, the conformance summary and the webview assets, and nothing else', function () {
    const files = execFileSync(vsce, ['ls', '--no-dependencies'], { cwd: repoRoot, encoding: 'utf8' }).trim().split('\n').sort();
    assert.deepEqual(files, [
      'README.md', 'dist/check-webview.js', 'dist/cli.js', 'dist/client.js', 'dist/conformance.json',
      'dist/ort-wasm-simd-threaded.asyncify.wasm', 'dist/ort-wasm-simd-threaded.mjs', 'dist/ort-wasm-simd-threaded.wasm',
      'dist/web-tree-sitter.wasm', 'dist/webview.js', 'grammars/tree-sitter-python.wasm', 'package.json', 'webview/check.css', 'webview/diff.css',
    ]);
  });

  it('packages into a .vsix of at most 30 MB', function () {
    fs.mkdirSync(outputDir, { recursive: true });
    const vsix = path.join(outputDir, 'rosetta.vsix');
    execFileSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsix], { cwd: repoRoot, stdio: 'pipe' });
    const megabytes = fs.statSync(vsix).size / 2 ** 20;
    assert.ok(megabytes <= 30, `${megabytes.toFixed(2)} MB`);
  });
});

describe('what "Convert to JAX" converts', function () {
  before(async function () {
    await initParser();
  });

  it('takes the definition around the cursor, whole lines of a selection, else the file', function () {
    const block = { start: lineOf(SOURCE, 'class Block'), end: lineOf(SOURCE, 'return torch.sigmoid') };
    assert.deepEqual(conversionScope(SOURCE, cursorAt(SOURCE, 'F.gelu')), block);
    assert.deepEqual(conversionScope(SOURCE, cursorAt(SOURCE, 'x * factor')), { start: 5, end: 6 });
    assert.equal(conversionScope(SOURCE, cursorAt(SOURCE, 'from torch')), undefined, 'an import is no definition');
    assert.equal(conversionScope(SOURCE, { start: { line: 7, character: 0 }, end: { line: 7, character: 0 } }), undefined);
    const selection = { start: { line: 6, character: 4 }, end: { line: 9, character: 0 } };
    assert.deepEqual(conversionScope(SOURCE, selection), { start: 5, end: 6 }, 'a selection ending at column 0 stops the line before');
    assert.deepEqual(conversionScope(SOURCE, { ...selection, end: { line: 9, character: 3 } }), { start: 5, end: block.end });
  });

  it('keeps decorators, bracketed and string continuations with their statement', function () {
    const text = ['@torch.no_grad()', '@staticmethod', 'def f(x):', '    return g(', '1)', '', 's = """', 'def not_code():', '"""', 'y = (1 +', '2)'].join('\n');
    assert.deepEqual(topLevelStatements(text.split('\n')), [{ start: 0, end: 4 }, { start: 6, end: 8 }, { start: 9, end: 10 }]);
  });

  it("finds the same statements as the language server, at every line of every fixture", function () {
    for (const file of fs.readdirSync(FIXTURES)) {
      const text = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
      const analysis = analyze(text);
      const lines = text.split('\n');
      for (let line = 0; line < lines.length; line++) {
        const cursor = { start: { line, character: 0 }, end: { line, character: 0 } };
        const selection = { start: { line, character: 0 }, end: { line: Math.min(line + 3, lines.length - 1), character: 1 } };
        for (const range of [cursor, selection]) {
          const statements = statementsFor(analysis.tree, range);
          const expected = statements && { start: statements[0].startPosition.row, end: statements[statements.length - 1].endPosition.row };
          assert.deepEqual(conversionScope(text, range), expected, `${file}: ${JSON.stringify(range)}`);
        }
      }
      analysis.tree.delete();
    }
  });
});

describe('diff view line links', function () {
  before(async function () {
    await initParser();
  });

  it('places every converted call of the fixtures on a converted line that names it', function () {
    let placed = 0;
    let total = 0;
    for (const file of fs.readdirSync(FIXTURES)) {
      const text = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
      const { code, mappings } = convertTorchToJax(text);
      const [source, target] = [text.split('\n'), code.split('\n')];
      const expected = source.map(() => [] as string[]);
      for (const m of mappings) expected[m.line - 1].push(calleeOf(m.target));
      const alignment = alignLines(source, target, expected);
      for (const m of mappings) {
        const name = calleeOf(m.target).split('.').pop()!;
        if (name.length < 2) continue; // templates such as `a.shape` or `x` name no call
        total++;
        const line = targetLineOf(alignment, target, m.line - 1, calleeOf(m.target));
        if (line !== undefined && target[line].includes(name)) placed++;
      }
    }
    assert.ok(placed >= total * 0.97, `${placed} of ${total} placed`);
  });

  it('links copied lines to their copies and a statement split over lines to the line it became', function () {
    const source = ['x = nn.Sequential(', '    nn.Linear(2, 3),', '    nn.ReLU(),', ')', 'print(x)'];
    const target = ['import jax', '', 'x = nnx.Sequential(nnx.Linear(2, 3, rngs=rngs), jax.nn.relu)', 'print(x)'];
    const alignment = alignLines(source, target, [['nnx.Sequential'], ['nnx.Linear'], ['jax.nn.relu'], []]);
    assert.deepEqual(alignment.sourceToTarget, [[2], [2], [2], [2], [3]]);
    assert.deepEqual(alignment.targetToSource, [[], [], [0, 1, 2, 3], [4]]);
  });
});

describe('diff webview in Chromium', function () {
  let browser: Browser;
  let host: WebviewHost;
  let page: Page;
  let view: DiffViewModel;
  const problems: string[] = [];

  /** What the extension shows for "Convert to JAX" with the cursor in `forward` of Block. */
  function blockConversion(): DiffViewModel {
    const span = conversionScope(SOURCE, cursorAt(SOURCE, 'F.gelu'))!;
    const range = { start: { line: span.start, character: 0 }, end: { line: span.end, character: SOURCE.split('\n')[span.end].length } };
    const analysis = analyze(SOURCE);
    const { code, diagnostics, mappings } = convertRange(analysis, range);
    analysis.tree.delete();
    const result: ConvertResult = { code, diagnostics, mapping: mappings };
    return diffViewModel({ fileName: 'block.py', documentText: SOURCE, span, result });
  }

  const rowTexts = (pane: string) => page.$$eval(`#${pane} .row > .line .text`, (texts) => texts.map((t) => t.textContent ?? ''));
  const rowWith = (pane: string, text: string) => page.locator(`#${pane} .row`, { has: page.locator('.line .text', { hasText: text }) });
  const markedRows = (pane: string, mark: string) => page.$$eval(`#${pane} .row.${mark} > .line .text`, (texts) => texts.map((t) => t.textContent?.trim()));
  const screenshot = async (name: string) => {
    fs.mkdirSync(outputDir, { recursive: true });
    await page.screenshot({ path: path.join(outputDir, name) });
  };

  before(async function () {
    assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
    await initParser();
    view = blockConversion();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    host = await startWebviewHost(repoRoot);
    page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));
    await installVsCodeStandIn(page);
    await page.goto(host.url);
    await sendToWebview(page, { type: 'show', view } satisfies ExtensionMessage);
    await page.waitForSelector('#converted .annotation');
  });

  after(async function () {
    await browser?.close();
    await host?.close();
  });

  it('says it is ready, then shows the source and the converted code side by side', async function () {
    assert.deepEqual((await postedMessages(page))[0], { type: 'ready' });
    const sourceLines = SOURCE.split('\n');
    assert.deepEqual(await rowTexts('source'), sourceLines.slice(lineOf(SOURCE, 'class Block'), lineOf(SOURCE, 'return torch.sigmoid') + 1));
    assert.deepEqual(await rowTexts('converted'), view.converted.split('\n'));
    assert.ok(view.converted.includes('        h = jax.nn.gelu(self.fc(self.norm(x)), approximate=False)\n'));
    assert.equal(await page.textContent('#title'), 'Block → JAX / Flax NNX');
    assert.equal(await page.locator('#source .line .number').first().textContent(), String(lineOf(SOURCE, 'class Block') + 1));
  });

  it('opens the converted code where the source begins, past the imports and helpers (webview-diff.png)', async function () {
    const visible = await page.$$eval('#converted .row > .line .text', (texts) => {
      const pane = document.getElementById('converted')!.getBoundingClientRect();
      const inPane = (box: DOMRect) => box.top >= pane.top - 1 && box.bottom <= pane.bottom + 1; // rows sit on half pixels
      return texts.filter((t) => inPane(t.getBoundingClientRect())).map((t) => t.textContent);
    });
    assert.ok(visible.includes('class Block(nnx.Module):'), 'the class is in view');
    assert.ok(!visible.includes('import jax'), 'the imports are scrolled past');
    await screenshot('webview-diff.png');
  });

  it('colours the code by token', async function () {
    const gelu = rowWith('converted', 'jax.nn.gelu');
    assert.equal(await gelu.locator('.token-function', { hasText: 'gelu' }).count(), 1);
    assert.equal(await gelu.locator('.token-constant', { hasText: 'False' }).count(), 1);
    assert.equal(await rowWith('source', 'class Block').locator('.token-keyword', { hasText: 'class' }).count(), 1);
    assert.equal(await rowWith('source', 'pre-norm').locator('.token-string').count(), 1);
    const colour = await gelu.locator('.token-function').first().evaluate((e) => getComputedStyle(e).color);
    assert.equal(colour, 'rgb(204, 167, 0)', 'functions take --vscode-charts-yellow');
  });

  it('annotates a converted call with its mapping and notes, under the line it became', async function () {
    const annotation = rowWith('converted', 'jax.nn.gelu').locator('.annotation');
    assert.equal(await annotation.locator('.api').textContent(), 'torch.nn.functional.gelu');
    assert.equal(await annotation.locator('.target').textContent(), 'jax.nn.gelu(x, approximate=False)');
    assert.match((await annotation.locator('.notes').textContent()) ?? '', /approximat/);
    assert.equal(await rowWith('converted', 'nnx.LayerNorm').locator('.annotation .api').textContent(), 'torch.nn.LayerNorm');
  });

  it('shows what was kept unconverted under its source line, and flags the line it became', async function () {
    const finding = rowWith('source', 'not_a_real_op').locator('.finding');
    assert.match((await finding.textContent()) ?? '', /torch\.not_a_real_op: no JAX equivalent/);
    assert.equal(await rowWith('converted', 'not_a_real_op').locator('.line.flagged-error').count(), 1);
    assert.match((await page.textContent('#summary')) ?? '', /5 calls converted · 1 kept unconverted/);
  });

  it('highlights the counterpart of a clicked line, either side (webview-diff-linked.png)', async function () {
    await rowWith('converted', 'def __call__').locator('.line').click();
    assert.deepEqual(await markedRows('converted', 'selected'), ['def __call__(self, x):']);
    assert.deepEqual(await markedRows('source', 'selected'), ['def forward(self, x):']);
    await rowWith('source', 'F.gelu').locator('.line').click();
    assert.deepEqual(await markedRows('source', 'selected'), ['h = F.gelu(self.fc(self.norm(x)))']);
    assert.deepEqual(await markedRows('converted', 'selected'), ['h = jax.nn.gelu(self.fc(self.norm(x)), approximate=False)']);
    await screenshot('webview-diff-linked.png');
  });

  it('highlights the counterpart of a hovered line', async function () {
    await rowWith('source', 'nn.Linear').locator('.line').hover();
    assert.deepEqual(await markedRows('converted', 'hovered'), ['self.fc = nnx.Linear(dim, 4 * dim, rngs=rngs)']);
  });

  it('posts the actions of its buttons, "Run check" included', async function () {
    await page.click('#open-as-new-file');
    await page.click('#replace-in-place');
    await page.click('#run-check');
    assert.deepEqual((await postedMessages(page)).slice(1), [{ type: 'openAsNewFile' }, { type: 'replaceInPlace' }, { type: 'runCheck' }]);
    assert.equal(await page.getAttribute('#run-check', 'title'), RUN_CHECK_TOOLTIP);
  });

  it('disables "Replace in place" once the source changes', async function () {
    await sendToWebview(page, { type: 'sourceChanged' } satisfies ExtensionMessage);
    await page.waitForSelector('#replace-in-place:disabled', { timeout: 5000 }); // messages arrive asynchronously
    assert.match((await page.getAttribute('#replace-in-place', 'title')) ?? '', /changed since this conversion/);
  });

  it('runs under its content security policy without errors', function () {
    assert.deepEqual(problems, []);
  });
});

describe('check webview in Chromium', function () {
  let browser: Browser;
  let host: WebviewHost;
  let page: Page;
  const problems: string[] = [];

  // a mismatch as the check reports it: one output far off, one close, a blocker and a note
  const report: CheckReport = {
    verdict: 'mismatch',
    outputs: [
      { path: 'output[0]', shape: [4, 4], maxAbs: 0.31, maxRel: 0.52, close: false, histogram: [0, 0, 0, 2, 5, 3, 1, 0, 3, 2, 0] },
      { path: 'output[1]', shape: [4], maxAbs: 2.4e-7, maxRel: 1.1e-6, close: true, histogram: [1, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0] },
    ],
    firstDivergence: {
      source: { line: 19, text: '        h = F.gelu(self.fc(self.norm(x)))' },
      target: { line: 43, text: '        h = jax.nn.gelu(self.fc(self.norm(x)), approximate=True)' },
      maxAbs: 0.012,
    },
    unsupported: [{ side: 'source', line: 20, message: 'torch.not_a_real_op: no JAX equivalent' }],
    notes: ['line 20: kept unconverted (marked in the code)'],
    backend: 'wasm',
    timingsMs: { convert: 12.4, source: 180.2, target: 95.7, compare: 1.1 },
    target: 'converted code',
  };
  const view: CheckViewModel = {
    entry: 'Block(dim=16)', fileName: 'block.py', targetName: 'its conversion', inputs: ['x=float32[4,16]'], seed: 0,
    tolerance: { rtol: 1e-4, atol: 1e-5 }, requestedBackend: 'webgpu', webgpuAdapter: false, report,
  };

  before(async function () {
    assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    host = await startWebviewHost(repoRoot, 'check');
    page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));
    await installVsCodeStandIn(page);
    await page.goto(host.url);
    await sendToWebview(page, { type: 'show', view } satisfies CheckExtensionMessage);
    await page.waitForSelector('#outputs tbody tr');
  });

  after(async function () {
    await browser?.close();
    await host?.close();
  });

  it('says it is ready, then shows the verdict, a row per output and what the run used (webview-check.png)', async function () {
    assert.deepEqual((await postedMessages(page))[0], { type: 'ready', webgpu: false }); // Chromium runs with --disable-gpu
    assert.equal(await page.textContent('#verdict'), '✗ mismatch');
    assert.equal(await page.getAttribute('#verdict', 'class'), 'verdict verdict-mismatch');
    assert.equal(await page.textContent('#title'), 'Block(dim=16) · block.py');
    const rows = await page.$$eval('#outputs tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 5).map((td) => td.textContent)));
    assert.deepEqual(rows, [['output[0]', '[4, 4]', '3.10e-1', '5.20e-1', '✗'], ['output[1]', '[4]', '2.40e-7', '1.10e-6', '✓']]);
    const facts = (await page.textContent('#facts')) ?? '';
    assert.match(facts, /inputs x=float32\[4,16\] · seed 0 · rtol 0\.0001, atol 0\.00001 · backend WebAssembly \(no WebGPU adapter here\)/);
    assert.match((await page.textContent('#timings')) ?? '', /convert 12 ms · source 180 ms · target 96 ms · compare 1 ms/);
    assert.match((await page.textContent('#unsupported')) ?? '', /source line 20: torch\.not_a_real_op: no JAX equivalent/);
    assert.match((await page.textContent('#notes')) ?? '', /kept unconverted/);
    fs.mkdirSync(outputDir, { recursive: true });
    await page.screenshot({ path: path.join(outputDir, 'webview-check.png'), fullPage: true });
  });

  it('draws the error distribution per decade as bars, those past atol apart', async function () {
    const bars = page.locator('#outputs tbody tr').first().locator('.histogram .bar');
    const counts = report.outputs[0].histogram;
    assert.equal(await bars.count(), counts.length);
    const heights = await bars.evaluateAll((spans) => spans.map((s) => s.getBoundingClientRect().height));
    assert.deepEqual(heights.map((h) => h === Math.max(...heights)), counts.map((c) => c === 5), 'the fullest decade is the tallest bar');
    assert.deepEqual(heights.map((h) => h > 0), counts.map((c) => c > 0), 'an empty decade has no bar');
    assert.equal(await bars.nth(4).getAttribute('title'), '1e-6 – 1e-5: 5');
    const beyond = await bars.evaluateAll((spans) => spans.map((s) => s.classList.contains('beyond')));
    assert.deepEqual(beyond, counts.map((_, bin) => bin >= 5), 'decades from atol (1e-5) up');
  });

  it('links the first divergence to its line on either side', async function () {
    assert.match((await page.textContent('#divergence')) ?? '', /block\.py:19\s*h = F\.gelu[^]*its conversion:43\s*h = jax\.nn\.gelu[^]*1\.20e-2/);
    await page.click('#divergence a[data-side="target"]');
    await page.click('#divergence a[data-side="source"]');
    assert.deepEqual((await postedMessages(page)).slice(1), [{ type: 'reveal', side: 'target', line: 43 }, { type: 'reveal', side: 'source', line: 19 }]);
  });

  it('re-runs with a new seed on request, and shows the new report', async function () {
    await page.click('#rerun');
    assert.deepEqual((await postedMessages(page)).at(-1), { type: 'rerun' });
    await sendToWebview(page, { type: 'running' } satisfies CheckExtensionMessage);
    await page.waitForSelector('#rerun:disabled', { timeout: 5000 }); // messages arrive asynchronously
    const equivalent: CheckReport = { ...report, verdict: 'equivalent', firstDivergence: null, unsupported: [], notes: [], outputs: [report.outputs[1]] };
    await sendToWebview(page, { type: 'show', view: { ...view, seed: 7, report: equivalent } } satisfies CheckExtensionMessage);
    await page.waitForSelector('#rerun:enabled', { timeout: 5000 });
    assert.equal(await page.textContent('#verdict'), '✓ equivalent');
    assert.equal(await page.isHidden('#divergence-section'), true);
    assert.equal(await page.isHidden('#unsupported-section'), true);
    assert.match((await page.textContent('#facts')) ?? '', /seed 7/);
  });

  it('runs under its content security policy without errors', function () {
    assert.deepEqual(problems, []);
  });
});
