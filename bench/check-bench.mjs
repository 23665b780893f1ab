// Benchmark: the embedded numerical check end to end (`rosetta check`: parse, convert, trace both sides, build,
// run in onnxruntime-web, compare) against the same comparison done by launching Python with real PyTorch and JAX
// (test/python/compare.py, imports included), on a GPT-style model: 4 layers, width 256, sequence 64, batch 2.
// Then the largest GPT width the embedded check handles. Prints a markdown table; goal: at least 3× faster.
// usage: node bench/check-bench.mjs [RUNS]   (after npm run build and scripts/setup-python.sh)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const RUNS = Number(process.argv[2] ?? 3);
const FILE = 'test/fixtures/torch/gpt.py';
const gpt = (width, layers = 4) => `GPT(vocab_size=65, block_size=64, n_layer=${layers}, n_head=4, n_embd=${width})`;
const INPUT = 'idx=int64[2,64]:0..65';
const out = resolve('test-output', 'bench');
mkdirSync(out, { recursive: true });

/** Wall time (ms) and peak RSS (MiB) of a command, measured by GNU time. */
function measure(command, args, env = process.env) {
  const start = process.hrtime.bigint();
  const run = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { encoding: 'utf8', env, maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const rssKb = Number(run.stderr.trim().split('\n').pop());
  return { ms, rssMiB: rssKb / 1024, status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function embedded(entry) {
  return measure('node', ['dist/cli.js', 'check', FILE, '--to', 'jax', '--entry', entry, '--input', INPUT, '--json']);
}

function python(entry) {
  const jaxFile = join(out, 'gpt_jax.py');
  // exit 1 only says that the weight-initialisation code was kept marked
  const converted = spawnSync('node', ['dist/cli.js', 'convert', FILE, '--to', 'jax', '--out', jaxFile], { stdio: 'ignore' });
  if (converted.status !== 0 && converted.status !== 1) throw new Error(`convert failed (exit ${converted.status})`);
  const jobs = join(out, 'check-jobs.json');
  writeFileSync(jobs, JSON.stringify([{ id: 'gpt', torch_file: resolve(FILE), jax_file: jaxFile, entry, inputs: [INPUT], mode: 'eval' }]));
  const py = execFileSync('bash', ['scripts/setup-python.sh'], { encoding: 'utf8' }).trim();
  return measure(py, ['test/python/compare.py', jobs, join(out, 'check-results.json')], { ...process.env, JAX_PLATFORMS: 'cpu', TF_CPP_MIN_LOG_LEVEL: '3' });
}

function series(run) {
  const runs = Array.from({ length: RUNS }, run);
  const failed = runs.find((r) => r.status !== 0);
  if (failed) throw new Error(`a run failed (exit ${failed.status}): ${failed.stdout}\n${failed.stderr}`);
  return { ms: median(runs.map((r) => r.ms)), rssMiB: Math.max(...runs.map((r) => r.rssMiB)), last: runs[runs.length - 1] };
}

const ours = series(() => embedded(gpt(256)));
const report = JSON.parse(ours.last.stdout);
const theirs = series(() => python(gpt(256)));

let largest = 256;
for (const width of [512, 1024, 2048]) {
  const r = embedded(gpt(width));
  if (r.status !== 0) break;
  largest = width;
}

const fmt = (ms) => `${Math.round(ms)} ms`;
console.log(`| GPT-style model, 4 layers, width 256, seq 64, batch 2 (${RUNS} runs, median) | wall time | peak RSS |`);
console.log('|---|---|---|');
console.log(`| rosetta check (Node, onnxruntime-web ${report.backend}) | ${fmt(ours.ms)} | ${Math.round(ours.rssMiB)} MiB |`);
console.log(`| Python: real PyTorch + JAX, imports included | ${fmt(theirs.ms)} | ${Math.round(theirs.rssMiB)} MiB |`);
console.log(`| speed-up (goal ≥ 3×) | ${(theirs.ms / ours.ms).toFixed(2)}× | |`);
console.log('');
console.log(`verdict: ${report.verdict}; stages: ${Object.entries(report.timingsMs).map(([k, v]) => `${k} ${Math.round(v)} ms`).join(', ')}`);
console.log(`largest GPT width checked (4 layers, seq 64, batch 2): ${largest}`);
