// Hover as the user reads it: each converted call's status (exact / exact with explicit arguments / approximate / no
// equivalent) and the differences its emission made explicit, and which conformance run confirms it, from a checkout's
// results or from the summary the build ships in the extension.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MarkupContent, Position } from 'vscode-languageserver/node';
import { initParser } from '../server/src/parser';
import { analyze } from '../server/src/lsp/analysis';
import { ConformanceResults, type ConformanceSummary } from '../server/src/lsp/conformance';
import { StatementConversions } from '../server/src/lsp/conversion';
import { hoverAt } from '../server/src/lsp/hover';

const SOURCE = [
  'import torch',
  'import torch.nn.functional as F',
  'from torch import nn',
  '',
  '',
  'class Block(nn.Module):',
  '    def __init__(self):',
  '        super().__init__()',
  '        self.norm = nn.LayerNorm(8)',
  '        self.norm6 = nn.LayerNorm(8, eps=1e-6)',
  '        self.fc = nn.Linear(8, 4, bias=False)',
  '        self.act = nn.GELU()',
  '        self.w = nn.Parameter(torch.randn(4, 4))',
  '',
  '    def forward(self, x):',
  '        y = F.gelu(x)',
  '        y = y + F.gelu(x, approximate="tanh")',
  '        z = torch.relu(self.fc(self.norm(y)))',
  '        return F.not_a_real_op(z)',
  '',
].join('\n');

/** The position of the first character of `name` in its first occurrence after `after`. */
function positionOf(name: string, after = ''): Position {
  const at = SOURCE.indexOf(name, SOURCE.indexOf(after));
  assert.ok(at >= 0, `${name} not in the source`);
  const before = SOURCE.slice(0, at).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

describe('hover', function () {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rosetta-hover-'));
  const results = path.join(dir, 'results.json');
  const summary = path.join(dir, 'summary.json');
  const missing = path.join(dir, 'missing.json');
  const hover = (name: string, after = '', conformance = new ConformanceResults(missing)) => {
    const result = hoverAt(analyze(SOURCE), positionOf(name, after), conformance);
    assert.ok(result, `no hover on ${name}`);
    return (result.contents as MarkupContent).value;
  };

  before(async () => {
    await initParser();
  });

  afterEach(() => {
    for (const file of [results, summary]) fs.rmSync(file, { force: true });
  });

  describe('status and differences', function () {
    it('F.gelu(x): exact with explicit arguments, naming both defaults', function () {
      const text = hover('gelu(x)');
      assert.match(text, /`torch\.nn\.functional\.gelu` → `jax\.nn\.gelu/);
      assert.match(text, /\*\*exact with explicit arguments\*\*/);
      assert.match(text, /jax\.nn\.gelu defaults to approximate=True; passed approximate=False/);
    });

    it("F.gelu(x, approximate='tanh') agrees with JAX's default: exact, nothing to report", function () {
      const text = hover('gelu(x, approximate');
      assert.match(text, /\*\*exact\*\*/);
      assert.doesNotMatch(text, /defaults to approximate/);
    });

    it('nn.GELU() reports the same difference as F.gelu', function () {
      assert.match(hover('GELU'), /\*\*exact with explicit arguments\*\*[^]*jax\.nn\.gelu defaults to approximate=True; passed approximate=False/);
    });

    it('torch.relu: exact', function () {
      const text = hover('relu');
      assert.match(text, /`torch\.relu` → `jax\.nn\.relu/);
      assert.match(text, /\*\*exact\*\*/);
      assert.doesNotMatch(text, /defaults to/);
    });

    it("nn.LayerNorm(8): torch's eps passed where Flax's default differs, and the two-pass variance", function () {
      const text = hover('LayerNorm(8)');
      assert.match(text, /\*\*exact with explicit arguments\*\*/);
      assert.match(text, /nnx\.LayerNorm defaults to epsilon=1e-6; passed epsilon=1e-05/);
      assert.match(text, /nnx\.LayerNorm defaults to use_fast_variance=True; passed use_fast_variance=False/);
    });

    it('an eps the user wrote is their choice, not a difference between defaults', function () {
      const text = hover('LayerNorm(8, eps');
      assert.doesNotMatch(text, /defaults to epsilon/);
      assert.match(text, /defaults to use_fast_variance=True/);
    });

    it('nn.Linear(8, 4, bias=False): the written bias=False becomes use_bias=False, still exact', function () {
      const text = hover('Linear');
      assert.match(text, /\*\*exact\*\*/);
      assert.doesNotMatch(text, /defaults to use_bias/);
    });

    it('a random draw is approximate: the same distribution, not the same values', function () {
      assert.match(hover('randn'), /\*\*approximate\*\*[^]*differ from torch's generator/);
    });

    it('an API without a JAX equivalent says so', function () {
      assert.match(hover('not_a_real_op'), /no JAX equivalent[^]*\*\*no equivalent\*\*/);
    });
  });

  describe('every target', function () {
    it('F.gelu(x): the NumPy spelling with its own difference, after the JAX one', function () {
      const text = hover('gelu(x)');
      assert.match(text, /`jax\.nn\.gelu[^]*\*\*NumPy:\*\* `gelu\(x, approximate=False\)`/);
    });

    it('torch.relu: the NumPy spelling and its status', function () {
      assert.match(hover('relu'), /\*\*NumPy:\*\* `relu\([^`]*\)` · exact/);
    });

    it('a call with a JAX spelling and none in NumPy says so', function () {
      assert.match(hover('randn'), /\*\*NumPy:\*\* no NumPy equivalent yet/);
    });

    it('an API no target knows says so for each', function () {
      const text = hover('not_a_real_op');
      assert.match(text, /no JAX equivalent/);
      assert.match(text, /\*\*NumPy:\*\* no NumPy equivalent yet/);
    });
  });

  describe('right after an edit', function () {
    it("answers from the edited statement's own conversion, without converting the whole file, as the whole file would", function () {
      const statements = new StatementConversions();
      const analysis = analyze(SOURCE);
      const at = positionOf('gelu(x)');
      const quick = hoverAt(analysis, at, new ConformanceResults(missing), statements);
      assert.equal(analysis.converted, false, 'hover converted the whole file');
      const whole = hoverAt(analyze(SOURCE), at, new ConformanceResults(missing));
      assert.deepEqual(quick, whole);
      assert.match((quick!.contents as MarkupContent).value, /exact with explicit arguments/);
    });
  });

  describe('other targets', function () {
    it("reads each other target's line from the statement's own conversion, as the whole file's would give it", function () {
      const analysis = analyze(SOURCE);
      analysis.provide(analysis.conversion); // typing has paused: the primary target's whole file is there
      const at = positionOf('gelu(x)');
      const quick = hoverAt(analysis, at, new ConformanceResults(missing), new StatementConversions());
      const whole = hoverAt(analyze(SOURCE), at, new ConformanceResults(missing));
      assert.deepEqual(quick, whole);
      assert.match((quick!.contents as MarkupContent).value, /\*\*Keras:\*\* `/);
    });
  });

  describe('Flax Linen documents', function () {
    it('nn.LayerNorm: the torch spelling with Flax\'s epsilon written out, and the Linen signature', function () {
      const linen = ['from flax import linen as nn', '', '', 'class Block(nn.Module):', '    @nn.compact', '    def __call__(self, x):', '        return nn.LayerNorm()(x)', ''].join('\n');
      const row = 6;
      const result = hoverAt(analyze(linen), { line: row, character: linen.split('\n')[row].indexOf('LayerNorm') }, new ConformanceResults(missing));
      const text = (result!.contents as MarkupContent).value;
      assert.match(text, /`flax\.linen\.LayerNorm` → `[^`]*1e-0?6/);
      assert.match(text, /```python\nflax\.linen\.LayerNorm\(/);
    });
  });

  describe('conformance results', function () {
    const summaryOf = (apis: ConformanceSummary['apis']): ConformanceSummary => ({ ranAt: '2026-11-20T10:00:00.000Z', frameworks: { torch: '2.15.0', jax: '0.10.2', flax: '0.12.8' }, apis });

    it('neither a run nor a shipped summary: says so', function () {
      assert.match(hover('relu', '', new ConformanceResults(missing, missing)), /not yet confirmed: no conformance results found/);
    });

    it('reads the summary the build ships, with its framework versions and date', function () {
      fs.writeFileSync(summary, JSON.stringify(summaryOf({ 'torch.relu': 'confirmed', 'torch.nn.functional.gelu': 'failing' })));
      const conformance = new ConformanceResults(missing, summary);
      assert.match(hover('relu', '', conformance), /confirmed against real PyTorch and JAX \(torch 2\.15\.0, jax 0\.10\.2, flax 0\.12\.8, run of 2026-11-20\)/);
      assert.match(hover('gelu(x)', '', conformance), /a real-framework conformance case fails/);
      assert.match(hover('LayerNorm(8)', '', conformance), /not yet confirmed by a real-framework test/);
    });

    it("prefers the checkout's own run over the shipped summary, and follows a new run", function () {
      fs.writeFileSync(summary, JSON.stringify(summaryOf({ 'torch.relu': 'confirmed' })));
      fs.writeFileSync(results, JSON.stringify({ cases: [{ id: 'relu', apis: ['torch.relu'], passed: false }] }));
      const conformance = new ConformanceResults(results, summary);
      assert.match(hover('relu', '', conformance), /conformance case fails/);
      fs.writeFileSync(results, JSON.stringify({ cases: [{ id: 'relu', apis: ['torch.relu'], passed: true }] }));
      fs.utimesSync(results, new Date(), new Date(Date.now() + 5000)); // a later mtime, whatever the clock's resolution
      assert.match(hover('relu', '', conformance), /confirmed against real PyTorch and JAX \(run of /);
    });
  });
});
