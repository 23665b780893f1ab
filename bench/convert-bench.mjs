// Benchmark: `rosetta convert` on a 20,000-line PyTorch file (whole process: node start, wasm load, parse, convert,
// write) against CPython merely parsing the same file with ast.parse (interpreter start included).
// Prints a markdown table; goal: rosetta at most 3x the time of the Python parse.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LINES = Number(process.env.BENCH_LINES ?? 20000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

/** Fixture models and functions repeated with renamed top-level definitions until the file has LINES lines. */
function buildSource() {
  const dir = 'test/fixtures/torch';
  const bodies = readdirSync(dir).filter((f) => f.endsWith('.py')).map((f) => readFileSync(join(dir, f), 'utf8'));
  const imports = new Set();
  const chunks = bodies.map((text) => text.split('\n').filter((line) => {
    if (/^(import |from )/.test(line)) { imports.add(line); return false; }
    return true;
  }).join('\n'));
  const out = [...imports];
  for (let copy = 0; out.length < LINES; copy++) {
    for (const chunk of chunks) out.push(...chunk.replace(/^(class|def) (\w+)/gm, `$1 $2_${copy}`).split('\n'));
  }
  return out.slice(0, LINES).join('\n') + '\n';
}

function median(fn) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

const work = mkdtempSync(join(tmpdir(), 'rosetta-bench-'));
const file = join(work, 'big_model.py');
let source = buildSource();
// a cut at LINES may split a definition: trim to the last complete top-level statement
source = source.slice(0, source.lastIndexOf('\nclass ')) + '\n';
writeFileSync(file, source);
const lines = source.split('\n').length - 1;

const python = process.env.PYTHON ?? 'python3';
const pyVersion = execFileSync(python, ['--version'], { encoding: 'utf8' }).trim();
const convert = () => {
  const r = spawnSync('node', ['bin/rosetta.js', 'convert', file, '--to', 'jax', '--out', join(work, 'out.py')], { encoding: 'utf8' });
  if (r.status === 2 || r.error) throw new Error(`convert failed: ${r.stderr}`);
};
const parse = () => execFileSync(python, ['-c', `import ast; ast.parse(open(${JSON.stringify(file)}).read())`]);
convert(); parse(); // warm the file cache
const rosettaMs = median(convert);
const pythonMs = median(parse);
const ratio = rosettaMs / pythonMs;
console.log(`| input | rosetta convert (ms) | ${pyVersion} ast.parse (ms) | ratio | goal |`);
console.log('|---|---|---|---|---|');
console.log(`| ${lines} lines, ${(source.length / 1024).toFixed(0)} KiB | ${rosettaMs.toFixed(0)} | ${pythonMs.toFixed(0)} | ${ratio.toFixed(2)}x | ≤ 3x ${ratio <= 3 ? 'met' : 'NOT met'} |`);
console.log(`(median of ${RUNS} runs, whole processes, node ${process.version}, ${process.arch})`);
