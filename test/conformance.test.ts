// Every catalogue entry's conformance cases, converted by the engine and run in real PyTorch and real JAX; the cases
// of entries with a NumPy or Keras emission are converted to NumPy and Keras 3 too and run in real NumPy and real
// Keras (TensorFlow backend) against the same torch results. ROSETTA_CONFORMANCE_TARGETS=keras (a comma list) runs
// only those targets.
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

/** the least number of torch APIs the Keras target must confirm */
const KERAS_FLOOR = 585;

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
  // a case the conversion kept and marked ran nothing converted: it confirms no API
  const record: CaseResult[] = cases.map((c) => ({
    id: c.id,
    apis: isMarkedHonestly(target, conversionErrors.get(c.id)) ? [] : [...new Set(converted.mappings.filter((m) => m.line >= c.firstLine && m.line < c.lastLine).map((m) => m.api))],
    passed: !conversionErrors.has(c.id) && !!results.get(c.id)?.passed,
    detail: conversionErrors.get(c.id) ?? results.get(c.id)?.detail,
  }));
  return { results, conversionErrors, record };
}

function entryOf(c: Case) {
  return c.module && !c.spec.statistics ? modules.find((m) => m.name === c.op) : ops.find((o) => o.name === c.op);
}

/** The cases each target runs: all for JAX; for NumPy (inference) those of entries with a NumPy emission in eval mode;
 *  for Keras those of entries with a Keras emission. Neither has random draws. */
const CASES_OF: Record<ConversionTarget, (c: Case) => boolean> = {
  jax: () => true,
  numpy: (c) => !!entryOf(c)?.numpy && !c.spec.train && !c.spec.statistics,
  keras: (c) => !!entryOf(c)?.keras && !c.spec.statistics,
};

const ALL_TARGETS = Object.keys(CASES_OF) as ConversionTarget[];
const TARGETS = (process.env.ROSETTA_CONFORMANCE_TARGETS?.split(',') ?? ALL_TARGETS) as ConversionTarget[];

/** Keras converts some forms of an entry and keeps the others marked (x.view(dtype); arithmetic on a comparison, where
 *  TensorFlow keeps bool): for those cases the marker is what the user must see. An entry none of whose cases
 *  converts confirms nothing, which the coverage test below reports. */
function isMarkedHonestly(target: ConversionTarget, conversionError: string | undefined): boolean {
  return target === 'keras' && conversionError !== undefined;
}

function assertPassed(run: TargetRun | undefined, id: string, target: ConversionTarget) {
  assert.ok(run, 'the conversion did not run');
  if (isMarkedHonestly(target, run.conversionErrors.get(id))) return;
  assert.equal(run.conversionErrors.get(id), undefined, 'the engine left this case unconverted');
  const r = run.results.get(id);
  assert.ok(r, 'the oracle returned no result');
  assert.ok(r.passed, r.detail);
}

describe('conformance: catalogue entries against real PyTorch and JAX', function () {
  const { source, cases } = buildSource();
  const runs = new Map<ConversionTarget, TargetRun>();
  assert.deepEqual(TARGETS.filter((t) => !ALL_TARGETS.includes(t)), [], `ROSETTA_CONFORMANCE_TARGETS: known targets are ${ALL_TARGETS.join(',')}`);

  before(() => initParser());
  // one hook per target, each within mocha's timeout
  for (const target of TARGETS) before(() => runs.set(target, runTarget(target, source, cases.filter(CASES_OF[target]))));
  before(function () {
    const record = (t: ConversionTarget) => runs.get(t)?.record;
    fs.writeFileSync(path.join(outputDir, 'conformance.json'), JSON.stringify({ cases: record('jax') ?? [], numpy: record('numpy'), keras: record('keras') }, null, 1));
  });

  for (const target of TARGETS) {
    for (const c of cases.filter(CASES_OF[target])) it(`${target === 'jax' ? '' : `${target} `}${c.id}: ${c.spec.torch}`, () => assertPassed(runs.get(target), c.id, target));
  }

  if (process.env.ROSETTA_CONFORMANCE_FILTER || TARGETS.length < ALL_TARGETS.length) return;
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

  it('confirms every torch API mapped to Keras against real Keras', function () {
    const { keras: report } = coverageReport(path.join(outputDir, 'conformance.json'));
    assert.deepEqual(report.failing, [], 'APIs with a failing Keras case');
    assert.deepEqual(report.unconfirmed, [], 'APIs mapped to Keras that no case exercises');
    assert.ok(report.confirmed >= KERAS_FLOOR, `only ${report.confirmed} APIs confirmed for Keras`);
  });
});
