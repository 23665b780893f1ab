// Hazards through the language server over stdio: boolean-mask indexing that fails under jax.jit, in-place updates
// through views that PyTorch shares and the conversion does not, and the torch.where quick fix; the claims are checked
// in real PyTorch and real JAX.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { convertTorchToJax } from '../server/src/convert';
import { initParser } from '../server/src/parser';
import { runReal, type Encoded } from './support/lowering';
import { TestClient } from './support/lsp-client';
import { repoRoot } from './support/python';

const SOURCE = [
  'import torch',
  '',
  '',
  'def clamp_negative(x: torch.Tensor):',
  '    x[x < 0] = 0.5',
  '    return x * 2',
  '',
  '',
  'def both_positive(x: torch.Tensor, y: torch.Tensor):',
  '    m = (x > 0) & (y > 0)',
  '    x[m] = -1',
  '    return x',
  '',
  '',
  'def positive_sum(x: torch.Tensor):',
  '    return x[x.gt(0)].sum()',
  '',
  '',
  'def first_row_bumped(x: torch.Tensor):',
  '    y = x[0]',
  '    y.add_(1)',
  '    return x',
  '',
  '',
  'def doubled_flat(x: torch.Tensor):',
  '    y = x.view(-1)',
  '    x.mul_(2)',
  '    return y',
  '',
  '',
  'def safe(x: torch.Tensor, mask):',
  '    y = x[0].clone()',
  '    y.add_(1)',
  '    z = x.t()',
  '    z = z + 1',
  '    x[mask] = 0',
  '    return x, y, z',
  '',
].join('\n');

/** The 0-based line of the first line of SOURCE that contains a text. */
function lineOf(text: string): number {
  const line = SOURCE.split('\n').findIndex((l) => l.includes(text));
  assert.ok(line >= 0, `${text} not in the source`);
  return line;
}

/** A function's outputs in real PyTorch (the torch code) or real JAX (its conversion, jitted when asked). */
function runBoth(jobs: Array<{ id: string; framework: 'torch' | 'jax'; code: string; entry: string; jit?: boolean; inputs: Encoded[] }>) {
  const withJit = jobs.map(({ jit, ...job }) => (jit ? { ...job, code: `${job.code}\n\njitted = jax.jit(${job.entry})\n`, entry: 'jitted' } : job));
  return runReal('hazards', withJit.map((job) => ({ ...job, mode: 'eval', state: {} })));
}

function sameValues(a: Encoded[], b: Encoded[]): boolean {
  const close = (v: Encoded['data'][number], w: Encoded['data'][number]) => Math.abs(Number(v) - Number(w)) <= 1e-5 + 1e-4 * Math.abs(Number(w));
  return a.length === b.length && a.every((t, i) => t.shape.join() === b[i].shape.join() && t.data.every((v, j) => close(v, b[i].data[j])));
}

function applyEdit(text: string, range: Range, newText: string): string {
  const document = TextDocument.create('file:///x.py', 'python', 1, text);
  return TextDocument.applyEdits(document, [{ range, newText }]);
}

const INPUT: Encoded = { dtype: 'float32', shape: [2, 3], data: [-1, 2, -3, 4, 0.5, -0.25] };

describe('hazards over the language server', function () {
  this.timeout(120000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rosetta-hazards-'));
  const uri = `file://${dir}/model.py`;
  let client: TestClient;
  let hazards: Diagnostic[];

  before(async function () {
    await initParser();
    client = TestClient.start();
    await client.connection.sendRequest('initialize', { processId: process.pid, rootUri: `file://${dir}`, capabilities: {} });
    await client.connection.sendNotification('initialized', {});
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: SOURCE } });
    hazards = (await client.diagnostics(uri, 1)).diagnostics.filter((d) => String(d.code).startsWith('hazard-'));
  });

  after(async function () {
    client.process.kill();
    await client.exited();
  });

  it('marks boolean-mask indexing, written and read, on its lines', function () {
    const masks = hazards.filter((d) => d.code === 'hazard-bool-mask');
    assert.deepEqual(masks.map((d) => d.range.start.line), [lineOf('x[x < 0]'), lineOf('x[m] = -1'), lineOf('x[x.gt(0)]')]);
    assert.ok(masks.every((d) => d.severity === 3 && d.source === 'rosetta'), 'hazards are information');
    assert.match(String(masks[0].message), /jax\.jit[^]*NonConcreteBooleanIndexError/);
    assert.deepEqual(masks[0].range.end, { line: lineOf('x[x < 0]'), character: '    x[x < 0] = 0.5'.length });
    assert.match(String(masks[2].message), /No rewrite keeps the shape/);
  });

  it('marks in-place updates through a view, either way round, naming both names and lines', function () {
    const aliases = hazards.filter((d) => d.code === 'hazard-view-alias');
    assert.deepEqual(aliases.map((d) => d.range.start.line), [lineOf('y.add_(1)'), lineOf('x.mul_(2)')]);
    assert.equal(String(aliases[0].message), 'in-place update of shared memory: y = x[0] (the line above) makes y a view of x, so y.add_(1) also changes x in PyTorch, but the JAX conversion rebinds only y: x keeps its old value where it is read next (the next line). Update a .clone() to keep them apart, or recompute x after the update');
    assert.match(String(aliases[1].message), /y = x\.view\(-1\) \(the line above\) makes y a view of x, so x\.mul_\(2\) also changes y/);
  });

  it('says nothing about clones, out-of-place ops or masks of unknown dtype', function () {
    const safeFrom = lineOf('def safe');
    assert.deepEqual(hazards.filter((d) => d.range.start.line >= safeFrom), []);
  });

  it('offers torch.where for a mask update and nothing for a masked read', async function () {
    const fixesAt = async (line: number): Promise<CodeAction[]> => client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: { start: { line, character: 6 }, end: { line, character: 6 } }, context: { diagnostics: [], only: [CodeActionKind.QuickFix] },
    });
    const [fix, ...others] = await fixesAt(lineOf('x[x < 0]'));
    assert.equal(others.length, 0);
    assert.equal(fix.title, 'Rewrite as torch.where (jit-safe)');
    assert.equal(fix.diagnostics?.[0].code, 'hazard-bool-mask');
    const [edit] = fix.edit!.changes![uri] as TextEdit[];
    assert.equal(edit.newText, 'x = torch.where(x < 0, x.new_tensor(0.5), x)');
    assert.deepEqual(await fixesAt(lineOf('x[x.gt(0)]')), []);
  });

  it('rosetta convert reports the same hazards as warnings, and still exits 0', function () {
    const file = path.join(dir, 'cli.py');
    fs.writeFileSync(file, SOURCE);
    const run = spawnSync('node', [path.join(repoRoot, 'bin', 'rosetta.js'), 'convert', file, '--to', 'jax', '--json'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const { diagnostics } = JSON.parse(run.stdout) as { diagnostics: Array<{ line: number; severity: string; message: string }> };
    assert.deepEqual(diagnostics.map((d) => [d.line - 1, d.severity]), hazards.map((d) => [d.range.start.line, 'warning']));
  });

  it('the fixed code converts to JAX that runs under jax.jit as PyTorch ran the original; the unfixed one fails', async function () {
    const actions: CodeAction[] = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lineOf('return x, y, z'), character: 0 } }, context: { diagnostics: [] },
    });
    const fixes = actions.filter((a) => a.kind === CodeActionKind.QuickFix);
    assert.equal(fixes.length, 2);
    // edits apply last first, so that earlier ones keep their positions
    const fixed = fixes.map((a) => (a.edit!.changes![uri] as TextEdit[])[0]).reverse().reduce((text, e) => applyEdit(text, e.range, e.newText), SOURCE);
    assert.deepEqual(convertTorchToJax(fixed).diagnostics.filter((d) => d.hazard === 'hazard-bool-mask').map((d) => d.line), [lineOf('x[x.gt(0)]') + 1]);
    const y: Encoded = { ...INPUT, data: [1, 1, -1, -1, 1, 1] };
    const cases = [{ entry: 'clamp_negative', inputs: [INPUT] }, { entry: 'both_positive', inputs: [INPUT, y] }];
    const jobs = cases.flatMap(({ entry, inputs }) => [
      { id: `${entry}-torch`, framework: 'torch' as const, code: SOURCE, entry, inputs },
      { id: `${entry}-fixed`, framework: 'jax' as const, code: convertTorchToJax(fixed).code, entry, jit: true, inputs },
      { id: `${entry}-unfixed`, framework: 'jax' as const, code: convertTorchToJax(SOURCE).code, entry, jit: true, inputs },
    ]);
    const results = runBoth(jobs);
    for (const { entry } of cases) {
      const [torch, fixedRun, unfixed] = ['torch', 'fixed', 'unfixed'].map((kind) => results.get(`${entry}-${kind}`)!);
      assert.ok(torch.outputs && fixedRun.outputs, `${entry}: ${torch.error ?? fixedRun.error}`);
      assert.ok(sameValues(fixedRun.outputs, torch.outputs), `${entry}: the jitted fix differs from PyTorch`);
      assert.equal(fixedRun.outputs.map((o) => o.dtype).join(), torch.outputs.map((o) => o.dtype).join());
      assert.match(unfixed.error ?? '', /NonConcreteBooleanIndexError/, `${entry}: the unfixed conversion ran under jit`);
    }
  });

  it('a flagged view update really differs between PyTorch and its conversion; a clone does not', function () {
    const cloned = SOURCE.replace('y = x[0]\n', 'y = x[0].clone()\n');
    assert.deepEqual(convertTorchToJax(cloned).diagnostics.filter((d) => d.hazard === 'hazard-view-alias').map((d) => d.line), [lineOf('x.mul_(2)') + 1]);
    const entries = ['first_row_bumped', 'doubled_flat'];
    const jobs = [
      ...entries.flatMap((entry) => [
        { id: `${entry}-torch`, framework: 'torch' as const, code: SOURCE, entry, inputs: [INPUT] },
        { id: `${entry}-jax`, framework: 'jax' as const, code: convertTorchToJax(SOURCE).code, entry, inputs: [INPUT] },
      ]),
      { id: 'cloned-torch', framework: 'torch' as const, code: cloned, entry: 'first_row_bumped', inputs: [INPUT] },
      { id: 'cloned-jax', framework: 'jax' as const, code: convertTorchToJax(cloned).code, entry: 'first_row_bumped', inputs: [INPUT] },
    ];
    const results = runBoth(jobs);
    const outputs = (id: string) => {
      const r = results.get(id)!;
      assert.ok(r.outputs, `${id}: ${r.error}`);
      return r.outputs;
    };
    for (const entry of entries) assert.ok(!sameValues(outputs(`${entry}-jax`), outputs(`${entry}-torch`)), `${entry}: the conversion matched PyTorch`);
    assert.ok(sameValues(outputs('cloned-jax'), outputs('cloned-torch')));
  });
});
