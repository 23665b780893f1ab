// Every catalogue entry's conformance cases, converted by the engine and run in real PyTorch and real JAX.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParser } from '../server/src/parser';
import { convertTorchToJax } from '../server/src/convert';
import { buildSource } from './support/catalogue-cases';
import { coverageReport, type CaseResult } from '../server/src/coverage';
import { compareInPython, outputDir, type CompareResult } from './support/python';

describe('conformance: catalogue entries against real PyTorch and JAX', function () {
  const { source, cases } = buildSource();
  const results = new Map<string, CompareResult>();
  const conversionErrors = new Map<string, string>();

  before(async function () {
    await initParser();
    const converted = convertTorchToJax(source);
    const dir = path.join(outputDir, 'conformance');
    fs.mkdirSync(dir, { recursive: true });
    const torchFile = path.join(dir, 'cases_torch.py');
    const jaxFile = path.join(dir, 'cases_jax.py');
    fs.writeFileSync(torchFile, source);
    fs.writeFileSync(jaxFile, converted.code);
    for (const d of converted.diagnostics) {
      const c = cases.find((k) => d.line >= k.firstLine && d.line < k.lastLine);
      if (c && d.severity === 'error') conversionErrors.set(c.id, d.message);
    }
    const jobs = cases.map((c) => ({ id: c.id, torch_file: torchFile, jax_file: jaxFile, entry: c.entry, inputs: c.spec.inputs, mode: c.spec.train ? ('train' as const) : ('eval' as const), ...c.spec.statistics }));
    for (const [id, r] of compareInPython('conformance', jobs)) results.set(id, r);
    const record: CaseResult[] = cases.map((c) => ({
      id: c.id,
      apis: [...new Set(converted.mappings.filter((m) => m.line >= c.firstLine && m.line < c.lastLine).map((m) => m.api))],
      passed: !conversionErrors.has(c.id) && !!results.get(c.id)?.passed,
      detail: conversionErrors.get(c.id) ?? results.get(c.id)?.detail,
    }));
    fs.writeFileSync(path.join(outputDir, 'conformance.json'), JSON.stringify({ cases: record }, null, 1));
  });

  for (const c of cases) {
    it(`${c.id}: ${c.spec.torch}`, function () {
      assert.equal(conversionErrors.get(c.id), undefined, 'the engine left this case unconverted');
      const r = results.get(c.id);
      assert.ok(r, 'the oracle returned no result');
      assert.ok(r.passed, r.detail);
    });
  }

  if (process.env.ROSETTA_CONFORMANCE_FILTER) return;
  it('confirms at least 250 torch APIs, every mapped API included', function () {
    const report = coverageReport(path.join(outputDir, 'conformance.json'));
    assert.deepEqual(report.failing, [], 'APIs with a failing case');
    assert.deepEqual(report.unconfirmed, [], 'APIs no case exercises');
    assert.ok(report.confirmed >= 250, `only ${report.confirmed} APIs confirmed`);
  });
});
