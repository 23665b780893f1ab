// Shared by the X → PyTorch tests (from-jax, from-keras): the CLI's conversion of a file, and the oracle
// test/python/from_jax_compare.py run over jobs in one Python process.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rosetta } from './cli';
import { repoRoot, venvPython } from './python';

export interface Converted { status: number; stderr: string; file: string; code: string; errors: Array<{ line: number; message: string }>; warnings: string[] }

/** `rosetta convert FILE [args] --out DIR/OUT --json`; with no args the source framework is detected from the imports. */
export function convertFile(workDir: string, source: string, out: string, args: string[] = []): Converted {
  fs.mkdirSync(workDir, { recursive: true });
  const file = path.join(workDir, out);
  fs.rmSync(file, { force: true });
  const run = rosetta('convert', source, ...args, '--out', file, '--json');
  const diagnostics: Array<{ line: number; severity: string; message: string }> = run.stdout ? JSON.parse(run.stdout).diagnostics : [];
  return {
    status: run.status ?? -1, stderr: run.stderr, file, code: fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '',
    errors: diagnostics.filter((d) => d.severity === 'error'), warnings: diagnostics.filter((d) => d.severity === 'warning').map((d) => d.message),
  };
}

export interface Job {
  id: string; kind: 'jax' | 'roundtrip' | 'keras' | 'linen'; entry: string; inputs: string[]; back_file: string;
  jax_file?: string; keras_file?: string; linen_file?: string; torch_file?: string; statistics?: true;
  /** a round trip from the torch model's state scaled as if trained (buffers included) */
  trained?: true;
}
export interface Result { id: string; passed: boolean; detail: string }

export function compareInPython(workDir: string, name: string, jobs: Job[]): Map<string, Result> {
  const jobsFile = path.join(workDir, `${name}-jobs.json`);
  const resultsFile = path.join(workDir, `${name}-results.json`);
  fs.writeFileSync(jobsFile, JSON.stringify(jobs, null, 1));
  fs.rmSync(resultsFile, { force: true });
  execFileSync(venvPython(), [path.join(repoRoot, 'test', 'python', 'from_jax_compare.py'), jobsFile, resultsFile], {
    stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, JAX_PLATFORMS: 'cpu', KERAS_BACKEND: 'tensorflow', TF_CPP_MIN_LOG_LEVEL: '3', PYTHONWARNINGS: 'ignore' },
  });
  const results: Result[] = JSON.parse(fs.readFileSync(resultsFile, 'utf8')).cases;
  return new Map(results.map((r) => [r.id, r]));
}

export function assertPassed(results: Map<string, Result>, id: string) {
  const r = results.get(id);
  assert.ok(r, 'the oracle returned no result');
  assert.ok(r.passed, r.detail);
}
