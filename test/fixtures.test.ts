// The model fixtures: each file converted by the CLI, run in real JAX with weights ported by the generated loader,
// and compared with real PyTorch on random inputs (rtol 1e-4, atol 1e-5, every output).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareInPython, outputDir, repoRoot, type CompareResult } from './support/python';

interface FixtureCase { file: string; entry: string; inputs: string[]; mode?: 'eval' | 'train'; unconverted?: string[] }
interface Converted { status: number; diagnostics: Array<{ line: number; severity: string; message: string }>; marked: string[]; jaxFile: string; stderr: string }

const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
const cases: FixtureCase[] = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'cases.json'), 'utf8'));
const expectedMarkers: Record<string, string[]> = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'expected-markers.json'), 'utf8'));
const caseId = (c: FixtureCase, i: number) => `${i}:${c.file}:${c.entry}:${c.mode ?? 'fn'}`;

function convertWithCli(file: string): Converted {
  const dir = path.join(outputDir, 'fixtures');
  fs.mkdirSync(dir, { recursive: true });
  const jaxFile = path.join(dir, path.basename(file).replace(/\.py$/, '_jax.py'));
  fs.rmSync(jaxFile, { force: true });
  const run = spawnSync('node', [path.join(repoRoot, 'bin', 'rosetta.js'), 'convert', path.join(fixturesDir, file), '--to', 'jax', '--out', jaxFile, '--json'], { encoding: 'utf8' });
  const parsed = run.stdout ? JSON.parse(run.stdout) : { diagnostics: [] };
  const errors = parsed.diagnostics.filter((d: { severity: string }) => d.severity === 'error');
  const marked = [...new Set<string>(errors.map((d: { message: string }) => d.message.split(':')[0]))].sort();
  return { status: run.status ?? -1, diagnostics: parsed.diagnostics, marked, jaxFile, stderr: run.stderr };
}

describe('model fixtures: converted by the CLI, run in real JAX, compared with real PyTorch', function () {
  const converted = new Map<string, Converted>();
  let results = new Map<string, CompareResult>();

  before(function () {
    for (const file of new Set(cases.map((c) => c.file))) converted.set(file, convertWithCli(file));
    const jobs = cases.map((c, i) => ({
      id: caseId(c, i),
      torch_file: path.join(fixturesDir, c.file),
      jax_file: converted.get(c.file)!.jaxFile,
      entry: c.entry,
      inputs: c.inputs,
      mode: c.mode,
    }));
    results = compareInPython('fixtures', jobs);
  });

  for (const file of new Set(cases.map((c) => c.file))) {
    const expected = [...(expectedMarkers[file] ?? [])].sort();
    it(`${file} converts ${expected.length ? `with only ${expected.join(', ')} marked` : 'with every torch call mapped'}`, function () {
      const c = converted.get(file)!;
      const errors = c.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}: ${d.message}`);
      assert.deepEqual(c.marked, expected, `${errors.join('\n')}\n${c.stderr}`);
      assert.equal(c.status, expected.length ? 1 : 0, c.stderr);
    });
  }

  cases.forEach((c, i) => {
    it(`${c.file} ${c.entry} (${c.mode ?? 'function'}) matches PyTorch`, function () {
      const r = results.get(caseId(c, i));
      assert.ok(r, 'the oracle returned no result');
      assert.ok(r.passed, r.detail);
    });
  });
});
