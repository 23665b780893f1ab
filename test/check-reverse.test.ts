// The embedded check from JAX / Flax NNX to PyTorch (`rosetta check` on a JAX file): the Flax model traced with seeded
// weights, its nnx.state handed to the conversion's own load_flax_state. Each verdict is set beside what real JAX and
// real PyTorch say (test/python/from_jax_compare.py): equivalent where they agree, mismatch at the mutated line where a
// mutant makes them disagree, and "could not check" with its line for what the JAX host cannot run.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JAX_POLICY, NUMPY_POLICY } from '../server/src/check/hosts/jax/context';
import { PRIVATE_BASES } from '../server/src/check/hosts/torch';
import { rosetta, type CheckJsonReport } from './support/cli';
import { mutateFirst } from './support/mutations';
import { outputDir, repoRoot, venvPython } from './support/python';
import { assertPassed, compareInPython, convertFile, type Job, type Result } from './support/reverse';

const workDir = path.join(outputDir, 'check-reverse');
const fixture = (name: string) => path.join(repoRoot, 'test', 'fixtures', 'jax', `${name}.py`);

/** `rosetta check FILE --entry ENTRY --input ... ARGS --json`; no report where it prints none (bad usage). */
function rosettaCheck(file: string, entry: string, inputs: string[], ...args: string[]): { status: number | null; report: CheckJsonReport; stderr: string } {
  const run = rosetta('check', file, '--entry', entry, ...inputs.flatMap((i) => ['--input', i]), ...args, '--json');
  return { status: run.status, report: run.stdout ? JSON.parse(run.stdout) : undefined, stderr: run.stderr };
}

const MODELS = [
  { file: 'mlp', entry: 'MLP(din=6, dmid=16, dout=5)', inputs: ['x=float32[4,6]'] },
  { file: 'mlp', entry: 'Block(8, 8)', inputs: ['x=float32[3,8]'] },
  { file: 'cnn', entry: 'CNN()', inputs: ['x=float32[2,12,12,1]'] },
  { file: 'transformer', entry: 'TinyLM()', inputs: ['tokens=int64[2,12]:0..40'] },
  { file: 'transformer', entry: 'TransformerBlock(dim=16, num_heads=2)', inputs: ['x=float32[2,10,16]'] },
  { file: 'transformer', entry: 'EncoderBlock(dim=16, num_heads=4)', inputs: ['x=float32[2,7,16]', 'valid=bool[2,7]'] },
  { file: 'transformer', entry: 'TiedLM(depth=1)', inputs: ['tokens=int64[2,9]:0..40'] },
];

/** a port's classic slip: the softmax over the wrong axis (Flax's default is the last) */
const WRONG_AXIS = { pattern: /log_softmax\(logits, dim=-1\)/, replacement: 'log_softmax(logits, dim=0)' };

describe('rosetta check from JAX / Flax NNX to PyTorch', function () {
  this.timeout(300_000);
  let results = new Map<string, Result>();
  const converted = new Map<string, string>();
  let mutant: { file: string; line: number };

  before(function () {
    for (const file of new Set(MODELS.map((m) => m.file))) {
      const c = convertFile(workDir, fixture(file), `${file}_torch.py`);
      assert.deepEqual(c.errors, [], c.stderr);
      converted.set(file, c.file);
    }
    const mutated = mutateFirst(fs.readFileSync(converted.get('mlp')!, 'utf8'), WRONG_AXIS.pattern, WRONG_AXIS.replacement);
    mutant = { file: path.join(workDir, 'mlp_torch_wrong_axis.py'), line: mutated.line };
    fs.writeFileSync(mutant.file, mutated.code);
    const jobs: Job[] = MODELS.map((m) => ({ id: `${m.file}:${m.entry}`, kind: 'jax', jax_file: fixture(m.file), back_file: converted.get(m.file)!, entry: m.entry, inputs: m.inputs }));
    jobs.push({ id: 'mutant', kind: 'jax', jax_file: fixture('mlp'), back_file: mutant.file, entry: MODELS[0].entry, inputs: MODELS[0].inputs });
    results = compareInPython(workDir, 'check-reverse', jobs);
  });

  for (const m of MODELS) {
    it(`jax/${m.file}.py ${m.entry}: equivalent (exit 0), as real JAX and real PyTorch agree`, function () {
      const run = rosettaCheck(fixture(m.file), m.entry, m.inputs);
      assert.equal(run.report.verdict, 'equivalent', JSON.stringify(run.report));
      assert.ok(run.report.outputs.length > 0 && run.report.outputs.every((o) => o.close));
      assert.equal(run.status, 0);
      assertPassed(results, `${m.file}:${m.entry}`);
    });
  }

  it('finds the torch target by itself: --to defaults to the one target of a JAX file (torch), --from to its imports', function () {
    const m = MODELS[1];
    const explicit = rosettaCheck(fixture(m.file), m.entry, m.inputs, '--from', 'jax', '--to', 'torch');
    assert.equal(explicit.report.verdict, 'equivalent');
    assert.equal(explicit.status, 0);
  });

  it('calls a mutant of the conversion a mismatch (exit 3) at the mutated line, where real PyTorch disagrees with JAX too', function () {
    const m = MODELS[0];
    const run = rosettaCheck(fixture(m.file), m.entry, m.inputs, '--target', mutant.file);
    assert.equal(run.report.verdict, 'mismatch');
    assert.equal(run.status, 3);
    assert.equal(run.report.firstDivergence?.target.line, mutant.line);
    assert.match(run.report.firstDivergence!.source.text, /jax\.nn\.log_softmax\(logits\)/);
    const oracle = results.get('mutant');
    assert.ok(oracle && !oracle.passed, `real PyTorch should disagree with real JAX: ${oracle?.detail}`);
  });

  it('says it could not check (exit 1) what the JAX host cannot run, naming the line, never a verdict', function () {
    // in training mode nnx.Dropout draws random masks, which neither side can reproduce of the other
    const run = rosettaCheck(fixture('mlp'), 'Block(8, 8)', ['x=float32[3,8]'], '--train');
    assert.equal(run.report.verdict, 'unsupported');
    assert.equal(run.status, 1);
    const line = fs.readFileSync(fixture('mlp'), 'utf8').split('\n').findIndex((l) => l.includes('return self.dropout(')) + 1;
    assert.deepEqual(run.report.unsupported.map((u) => [u.side, u.line]), [['source', line]]);
    assert.match(run.report.unsupported[0].message, /nnx\.Dropout: random masks in training mode cannot be checked yet/);
  });

  it('hands the weights over by the paths nnx.state gives them in real Flax (list indices, layers.N)', function () {
    fs.mkdirSync(workDir, { recursive: true });
    const script = [
      'import sys, json', `sys.path.insert(0, ${JSON.stringify(path.dirname(fixture('mlp')))})`, 'from flax import nnx', 'import mlp',
      "model = mlp.MLP(din=6, dmid=16, dout=5, rngs=nnx.Rngs(0))",
      "print(json.dumps(['.'.join(map(str, p)) for p, v in nnx.to_flat_state(nnx.state(model)) if not isinstance(v, nnx.RngState)]))",
    ].join('\n');
    const real: string[] = JSON.parse(execFileSync(venvPython(), ['-c', script], { encoding: 'utf8', env: { ...process.env, JAX_PLATFORMS: 'cpu' } }));
    // the conversion, its loader wrapped to raise where the paths the check hands over are not real Flax's
    const probe = path.join(workDir, 'mlp_torch_paths.py');
    fs.writeFileSync(probe, `${fs.readFileSync(converted.get('mlp')!, 'utf8')}

_load_flax_state = load_flax_state


def load_flax_state(model, state):
    paths = sorted(_flat_flax_state(state))
    if paths != ${JSON.stringify([...real].sort())}:
        raise KeyError(paths)
    return _load_flax_state(model, state)
`);
    const run = rosettaCheck(fixture('mlp'), MODELS[0].entry, MODELS[0].inputs, '--target', probe);
    assert.equal(run.report.verdict, 'equivalent', JSON.stringify(run.report.unsupported));
  });

  it('answers hasattr on arrays as the real frameworks do: the hosts know the public attributes of jax.Array and np.ndarray', function () {
    const script = "import json, jax, numpy as np; print(json.dumps([sorted(a for a in dir(t) if not a.startswith('_')) for t in (jax.Array, np.ndarray)]))";
    const [jaxNames, numpyNames]: string[][] = JSON.parse(execFileSync(venvPython(), ['-c', script], { encoding: 'utf8', env: { ...process.env, JAX_PLATFORMS: 'cpu' } }));
    assert.deepEqual([...JAX_POLICY.arrayAttributes!].sort(), jaxNames);
    assert.deepEqual([...NUMPY_POLICY.arrayAttributes!].sort(), numpyNames);
  });

  it('answers isinstance against torch\'s private bases (load_flax_state\'s _BatchNorm) as real torch does', function () {
    const pairs = Object.entries(PRIVATE_BASES).flatMap(([file, bases]) => Object.entries(bases).flatMap(([base, layers]) => layers.map((layer) => [file, base, layer])));
    const script = `import json, torch.nn as nn; print(json.dumps([issubclass(getattr(nn, l), getattr(getattr(nn.modules, f), b)) for f, b, l in ${JSON.stringify(pairs)}]))`;
    const real: boolean[] = JSON.parse(execFileSync(venvPython(), ['-c', script], { encoding: 'utf8' }));
    assert.deepEqual(real, pairs.map(() => true));
  });
});

describe('rosetta check: pairs the check refuses', function () {
  this.timeout(60_000);

  it('rejects a target the file does not convert to (exit 2)', function () {
    const run = rosettaCheck(fixture('mlp'), 'Block(8, 8)', ['x=float32[3,8]'], '--to', 'jax');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /a JAX file converts to torch, not jax/);
  });

  it('could not check a Keras source (exit 1): the check has no Keras host for sources yet', function () {
    const run = rosettaCheck(path.join(repoRoot, 'test', 'fixtures', 'keras', 'mlp.py'), 'MLP()', ['x=float32[2,8]']);
    assert.equal(run.status, 1);
    assert.equal(run.report.verdict, 'unsupported');
    assert.match(run.report.unsupported[0].message, /could not check: the check cannot run Keras sources yet/);
  });
});
