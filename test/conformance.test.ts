// Every catalogue entry's conformance cases, converted by the engine and run in real PyTorch and real JAX; the cases
// of entries with a NumPy emission are converted to NumPy too and run in real NumPy against the same torch results.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParser } from '../server/src/parser';
import { convertTorch } from '../server/src/convert';
import { modules, ops } from '../server/src/catalogue/index';
import type { ConversionTarget } from '../server/src/protocol';
import { buildSource, type Case } from './support/catalogue-cases';
import { coverageReport, type CaseResult } from '../server/src/coverage';
import { compareInPython, outputDir, type CompareResult } from './support/python';

interface TargetRun { results: Map<string, CompareResult>; conversionErrors: Map<string, string>; record: CaseResult[] }

/** Converts the cases' source to the target, runs the chosen cases against torch and records what each exercised. */
function runTarget(target: ConversionTarget, source: string, cases: Case[]): TargetRun {
  const converted = convertTorch(source, target);
  const dir = path.join(outputDir, 'conformance');
  fs.mkdirSync(dir, { recursive: true });
  const torchFile = path.join(dir, 'cases_torch.py');
  const targetFile = path.join(dir, `cases_${target}.py`);
  fs.writeFileSync(torchFile, source);
  fs.writeFileSync(targetFile, converted.code);
  const conversionErrors = new Map<string, string>();
  for (const d of converted.diagnostics) {
    const c = cases.find((k) => d.line >= k.firstLine && d.line < k.lastLine);
    if (c && d.severity === 'error') conversionErrors.set(c.id, d.message);
  }
  const jobs = cases.map((c) => ({ id: c.id, torch_file: torchFile, jax_file: targetFile, entry: c.entry, inputs: c.spec.inputs, mode: c.spec.train ? ('train' as const) : ('eval' as const), target, ...c.spec.statistics }));
  const results = compareInPython(`conformance-${target}`, jobs);
  const record: CaseResult[] = cases.map((c) => ({
    id: c.id,
    apis: [...new Set(converted.mappings.filter((m) => m.line >= c.firstLine && m.line < c.lastLine).map((m) => m.api))],
    passed: !conversionErrors.has(c.id) && !!results.get(c.id)?.passed,
    detail: conversionErrors.get(c.id) ?? results.get(c.id)?.detail,
  }));
  return { results, conversionErrors, record };
}

/** The NumPy target is for inference: cases of entries with a NumPy emission, in eval mode, without random draws. */
function hasNumpyCase(c: Case): boolean {
  const entry = c.module && !c.spec.statistics ? modules.find((m) => m.name === c.op) : ops.find((o) => o.name === c.op);
  return !!entry?.numpy && !c.spec.train && !c.spec.statistics;
}

function assertPassed(run: TargetRun | undefined, id: string) {
  assert.ok(run, 'the conversion did not run');
  assert.equal(run.conversionErrors.get(id), undefined, 'the engine left this case unconverted');
  const r = run.results.get(id);
  assert.ok(r, 'the oracle returned no result');
  assert.ok(r.passed, r.detail);
}

describe('conformance: catalogue entries against real PyTorch and JAX', function () {
  const { source, cases } = buildSource();
  const numpyCases = cases.filter(hasNumpyCase);
  let jax: TargetRun | undefined, numpy: TargetRun | undefined;

  // one hook per target, each within mocha's timeout
  before(async function () {
    await initParser();
    jax = runTarget('jax', source, cases);
  });

  before(function () {
    numpy = runTarget('numpy', source, numpyCases);
    fs.writeFileSync(path.join(outputDir, 'conformance.json'), JSON.stringify({ cases: jax!.record, numpy: numpy.record }, null, 1));
  });

  for (const c of cases) it(`${c.id}: ${c.spec.torch}`, () => assertPassed(jax, c.id));
  for (const c of numpyCases) it(`numpy ${c.id}: ${c.spec.torch}`, () => assertPassed(numpy, c.id));

  if (process.env.ROSETTA_CONFORMANCE_FILTER) return;
  it('confirms at least 250 torch APIs, every mapped API included', function () {
    const report = coverageReport(path.join(outputDir, 'conformance.json'));
    assert.deepEqual(report.failing, [], 'APIs with a failing case');
    assert.deepEqual(report.unconfirmed, [], 'APIs no case exercises');
    assert.ok(report.confirmed >= 250, `only ${report.confirmed} APIs confirmed`);
  });

  it('confirms every torch API mapped to NumPy against real NumPy', function () {
    const { numpy: report } = coverageReport(path.join(outputDir, 'conformance.json'));
    assert.deepEqual(report.failing, [], 'APIs with a failing NumPy case');
    assert.deepEqual(report.unconfirmed, [], 'APIs mapped to NumPy that no case exercises');
    assert.ok(report.confirmed >= 100, `only ${report.confirmed} APIs confirmed for NumPy`);
  });
});
