// The honesty suite: the embedded check's verdicts against the real frameworks' verdicts on the same pairs.
// The real verdict is taken on exactly the check's data: real PyTorch and real JAX run on the inputs and weights the
// check drew (test/python/evaluate.py), and their outputs are compared with the same tolerance. Every model fixture's
// conversion must be called equivalent where they agree; each fixture's semantic mutants (test/support/mutations.ts),
// converted, must never be called equivalent when the real frameworks tell them apart, and the first divergence must
// point at the mutated line.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { check, type CheckReport } from '../server/src/check/check';
import { compareTensors } from '../server/src/check/compare';
import { parseInputSpec } from '../server/src/check/inputs';
import type { NamedTensor } from '../server/src/check/trace/program';
import { logicalLines } from '../client/src/scope';
import { convertTorchToJax } from '../server/src/convert';
import { initParser } from '../server/src/parser';
import { mutants, type Mutant } from './support/mutations';
import { decode, encode, runReal, type Encoded } from './support/lowering';
import { outputDir, repoRoot } from './support/python';

interface FixtureCase { file: string; entry: string; inputs: string[]; mode?: 'eval' | 'train' }
type RealVerdict = 'equivalent' | 'mismatch' | 'error' | 'not run';
interface Used { inputs: NamedTensor[]; state: NamedTensor[] }
interface Pair { id: string; file: string; entry: string; inputs: string[]; mode: 'eval' | 'train'; target: string; mutant?: Mutant; ours?: CheckReport; used?: Used; real?: RealVerdict; realDetail?: string }
type RealRun = { outputs: Encoded[] | null; error: string | null };

const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
const cases: FixtureCase[] = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'cases.json'), 'utf8'));
const tolerance = { rtol: 1e-4, atol: 1e-5 };

/** Real PyTorch against real JAX on the check's own data, judged like the check judges. */
function realVerdict(torchRun: RealRun | undefined, jaxRun: RealRun | undefined): { verdict: RealVerdict; detail: string } {
  if (!torchRun || !jaxRun) return { verdict: 'not run', detail: 'the check drew no data (its source trace stopped)' };
  if (!torchRun.outputs || !jaxRun.outputs) return { verdict: 'error', detail: torchRun.error ?? jaxRun.error ?? '' };
  if (torchRun.outputs.length !== jaxRun.outputs.length) return { verdict: 'mismatch', detail: 'output counts differ' };
  for (let i = 0; i < torchRun.outputs.length; i++) {
    const c = compareTensors(decode(torchRun.outputs[i]), decode(jaxRun.outputs[i]), tolerance);
    if (c.problem || !c.close) return { verdict: 'mismatch', detail: `output ${i}: ${c.problem ?? `max abs ${c.maxAbs.toExponential(2)}`}` };
  }
  return { verdict: 'equivalent', detail: `${torchRun.outputs.length} output(s) agree` };
}

/** The mutated line, the statement holding it (a layer inside a multi-line nn.Sequential(...)), or a line that uses
 *  what it assigned (`self.norm = nn.LayerNorm(...)` → `self.norm(`). */
function pointsAtMutation(m: Mutant, code: string, line: number): boolean {
  const lines = code.split('\n');
  const statement = logicalLines(lines).find((s) => s.start <= line - 1 && line - 1 <= s.end);
  if (line === m.line || (statement && statement.start <= m.line - 1 && m.line - 1 <= statement.end)) return true;
  const assigned = /^(self\.\w+)\s*=/.exec(m.before)?.[1];
  return !!assigned && (lines[line - 1] ?? '').includes(assigned);
}

describe('honesty: the check against the real frameworks, on fixtures and their mutants', function () {
  const pairs: Pair[] = [];

  before(async function () {
    await initParser();
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
      p.ours = await check({ source, target: p.target, entry: p.entry, inputs: p.inputs.map(parseInputSpec), seed: 0, tolerance, mode: p.mode, observe: (used) => { p.used = used; } });
    }
    const jobs = pairs.filter((p) => p.used).flatMap((p) => {
      const data = { entry: p.entry, mode: p.mode, inputs: p.used!.inputs.map((i) => encode(i.value)), state: Object.fromEntries(p.used!.state.map((w) => [w.name, encode(w.value)])) };
      const source = fs.readFileSync(path.join(fixturesDir, p.file), 'utf8');
      return [{ id: `${p.id}#torch`, framework: 'torch', code: source, ...data }, { id: `${p.id}#jax`, framework: 'jax', code: p.target, ...data }];
    });
    const real = runReal('honesty', jobs);
    for (const p of pairs) {
      const r = realVerdict(real.get(`${p.id}#torch`), real.get(`${p.id}#jax`));
      p.real = r.verdict;
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

  it('points the first divergence of detected mutants at the mutated line (at least 90%; misses listed)', function () {
    const detected = pairs.filter((p) => p.mutant && p.ours!.verdict === 'mismatch');
    const source = (p: Pair) => fs.readFileSync(path.join(fixturesDir, p.file), 'utf8');
    const misses = detected.filter((p) => !p.ours!.firstDivergence || !pointsAtMutation(p.mutant!, source(p), p.ours!.firstDivergence.source.line))
      .map((p) => `${p.id}: reported ${p.ours!.firstDivergence ? `line ${p.ours!.firstDivergence.source.line} (${p.ours!.firstDivergence.source.text})` : 'no line'}`);
    console.log(`      first divergence at the mutated line: ${detected.length - misses.length} of ${detected.length}`);
    for (const miss of misses) console.log(`        missed: ${miss}`);
    assert.ok(detected.length > 0, 'no mutant was detected');
    assert.ok(misses.length <= detected.length * 0.1, misses.join('\n'));
  });

  it('reports its agreement with the real frameworks', function () {
    const mutantPairs = pairs.filter((p) => p.mutant && (p.real === 'equivalent' || p.real === 'mismatch'));
    const agree = mutantPairs.filter((p) => p.ours!.verdict === p.real).length;
    const unsupported = mutantPairs.filter((p) => p.ours!.verdict === 'unsupported').length;
    const realMismatches = mutantPairs.filter((p) => p.real === 'mismatch').length;
    console.log(`      mutants: ${mutantPairs.length} checkable by the real frameworks (${realMismatches} told apart); the check agrees on ${agree}, could not check ${unsupported}`);
    assert.ok(mutantPairs.length > 0, 'no mutant ran');
  });
});
