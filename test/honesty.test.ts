// The honesty suite: the embedded check's verdicts against the real frameworks' verdicts on the same pairs.
// Every model fixture's conversion must be called equivalent where real PyTorch and JAX agree; each fixture's
// semantic mutants (test/support/mutations.ts), converted, must never be called equivalent when the real frameworks
// tell them apart, and the first divergence must point at the mutated line.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { check, type CheckReport } from '../server/src/check/check';
import { parseInputSpec } from '../server/src/check/inputs';
import { convertTorchToJax } from '../server/src/convert';
import { initParser } from '../server/src/parser';
import { mutants, type Mutant } from './support/mutations';
import { compareInPython, outputDir, repoRoot } from './support/python';

interface FixtureCase { file: string; entry: string; inputs: string[]; mode?: 'eval' | 'train' }
type RealVerdict = 'equivalent' | 'mismatch' | 'error';
interface Pair { id: string; file: string; entry: string; inputs: string[]; mode: 'eval' | 'train'; target: string; mutant?: Mutant; ours?: CheckReport; real?: RealVerdict; realDetail?: string }

const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
const cases: FixtureCase[] = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'cases.json'), 'utf8'));
const tolerance = { rtol: 1e-4, atol: 1e-5 };

function realVerdict(passed: boolean, detail: string): RealVerdict {
  if (passed) return 'equivalent';
  return /^\w+(Error|Exception)\b|Traceback/.test(detail) ? 'error' : 'mismatch';
}

/** The mutated line, or a line that uses what it assigned (`self.norm = nn.LayerNorm(...)` → `self.norm(`). */
function pointsAtMutation(m: Mutant, code: string, line: number): boolean {
  if (line === m.line) return true;
  const assigned = /^(self\.\w+)\s*=/.exec(m.before)?.[1];
  return !!assigned && (code.split('\n')[line - 1] ?? '').includes(assigned);
}

describe('honesty: the check against the real frameworks, on fixtures and their mutants', function () {
  const pairs: Pair[] = [];
  const dir = path.join(outputDir, 'honesty');

  before(async function () {
    await initParser();
    fs.mkdirSync(dir, { recursive: true });
    const firstEval = new Map<string, FixtureCase>();
    cases.forEach((c, i) => {
      const source = fs.readFileSync(path.join(fixturesDir, c.file), 'utf8');
      pairs.push({ id: `fixture ${i}: ${c.file} ${c.entry} (${c.mode ?? 'function'})`, file: c.file, entry: c.entry, inputs: c.inputs, mode: c.mode ?? 'eval', target: convertTorchToJax(source).code });
      if ((c.mode ?? 'eval') === 'eval' && !firstEval.has(c.file)) firstEval.set(c.file, c);
    });
    for (const [file, c] of firstEval) {
      for (const m of mutants(fs.readFileSync(path.join(fixturesDir, file), 'utf8'))) {
        let target: string;
        try {
          target = convertTorchToJax(m.code).code;
        } catch {
          continue;
        }
        pairs.push({ id: `mutant ${m.rule} at ${file}:${m.line}`, file, entry: c.entry, inputs: c.inputs, mode: 'eval', target, mutant: m });
      }
    }
    for (const p of pairs) {
      const source = fs.readFileSync(path.join(fixturesDir, p.file), 'utf8');
      p.ours = await check({ source, target: p.target, entry: p.entry, inputs: p.inputs.map(parseInputSpec), seed: 0, tolerance, mode: p.mode });
    }
    const jobs = pairs.map((p, i) => {
      const jaxFile = path.join(dir, `pair${i}_jax.py`);
      fs.writeFileSync(jaxFile, p.target);
      return { id: p.id, torch_file: path.join(fixturesDir, p.file), jax_file: jaxFile, entry: p.entry, inputs: p.inputs, mode: p.mode };
    });
    const real = compareInPython('honesty', jobs);
    for (const p of pairs) {
      const r = real.get(p.id)!;
      p.real = realVerdict(r.passed, r.detail);
      p.realDetail = r.detail;
    }
    const summary = pairs.map((p) => ({ id: p.id, ours: p.ours!.verdict, real: p.real, divergence: p.ours!.firstDivergence, unsupported: p.ours!.unsupported.map((u) => u.message) }));
    fs.writeFileSync(path.join(outputDir, 'honesty.json'), JSON.stringify(summary, null, 1));
  });

  it('never calls equivalent what the real frameworks tell apart', function () {
    const wrong = pairs.filter((p) => p.ours!.verdict === 'equivalent' && p.real !== 'equivalent').map((p) => `${p.id}: real ${p.real} (${p.realDetail})`);
    assert.deepEqual(wrong, []);
  });

  it('raises no false alarm: no mismatch where the real frameworks agree', function () {
    const wrong = pairs.filter((p) => p.ours!.verdict === 'mismatch' && p.real === 'equivalent').map((p) => `${p.id}: ${JSON.stringify(p.ours!.outputs)}`);
    assert.deepEqual(wrong, []);
  });

  it('calls every fixture conversion equivalent (the real frameworks agree on all of them)', function () {
    const fixtures = pairs.filter((p) => !p.mutant);
    const notEquivalent = fixtures.filter((p) => p.ours!.verdict !== 'equivalent').map((p) => `${p.id}: ${p.ours!.verdict} ${p.ours!.unsupported.map((u) => u.message).join('; ')}`);
    assert.deepEqual(notEquivalent, []);
  });

  it('points the first divergence of every detected mutant at the mutated line', function () {
    const detected = pairs.filter((p) => p.mutant && p.ours!.verdict === 'mismatch');
    const source = (p: Pair) => fs.readFileSync(path.join(fixturesDir, p.file), 'utf8');
    const wrong = detected.filter((p) => !p.ours!.firstDivergence || !pointsAtMutation(p.mutant!, source(p), p.ours!.firstDivergence.source.line))
      .map((p) => `${p.id}: reported ${p.ours!.firstDivergence ? `line ${p.ours!.firstDivergence.source.line} (${p.ours!.firstDivergence.source.text})` : 'no line'}`);
    assert.deepEqual(wrong, []);
  });

  it('reports its agreement with the real frameworks', function () {
    const mutantPairs = pairs.filter((p) => p.mutant && p.real !== 'error');
    const agree = mutantPairs.filter((p) => p.ours!.verdict === p.real).length;
    const unsupported = mutantPairs.filter((p) => p.ours!.verdict === 'unsupported').length;
    const realMismatches = mutantPairs.filter((p) => p.real === 'mismatch').length;
    console.log(`      mutants: ${mutantPairs.length} checkable by the real frameworks (${realMismatches} told apart); the check agrees on ${agree}, could not check ${unsupported}`);
    assert.ok(mutantPairs.length > 0, 'no mutant ran');
  });
});
