// The real-framework oracle: the cached venv's python running test/python/compare.py.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** tests run from the repository root (npm test); the bundles may live elsewhere (ROSETTA_BUILD_DIR) */
export const repoRoot = process.cwd();
/** ROSETTA_TEST_OUTPUT lets parallel runs keep their files apart */
export const outputDir = process.env.ROSETTA_TEST_OUTPUT ?? path.join(repoRoot, 'test-output');

let python: string | undefined;

/** The venv python, created by scripts/setup-python.sh if needed; a missing oracle is an error, never a skip. */
export function venvPython(): string {
  if (python) return python;
  const fromEnv = process.env.ROSETTA_PYTHON;
  python = fromEnv || execFileSync('bash', [path.join(repoRoot, 'scripts', 'setup-python.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  if (!fs.existsSync(python)) throw new Error(`the Python oracle is missing: ${python}`);
  return python;
}

export interface CompareJob {
  id: string;
  torch_file: string;
  jax_file: string;
  entry: string;
  inputs: string[];
  mode?: 'eval' | 'train';
  /** the converted file's target; 'numpy' models are built without rngs and compared with exact dtypes, 'keras' ones
   *  without rngs and called with training= */
  target?: 'jax' | 'numpy' | 'keras';
  rtol?: number;
  atol?: number;
}

export interface CompareResult { id: string; passed: boolean; detail: string; maxAbs: number | null }

/** Runs every job in one Python process and returns the results by id. */
export function compareInPython(name: string, jobs: CompareJob[]): Map<string, CompareResult> {
  fs.mkdirSync(outputDir, { recursive: true });
  const jobsFile = path.join(outputDir, `${name}-jobs.json`);
  const resultsFile = path.join(outputDir, `${name}-results.json`);
  fs.writeFileSync(jobsFile, JSON.stringify(jobs, null, 1));
  fs.rmSync(resultsFile, { force: true });
  execFileSync(venvPython(), [path.join(repoRoot, 'test', 'python', 'compare.py'), jobsFile, resultsFile], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, JAX_PLATFORMS: 'cpu', KERAS_BACKEND: 'tensorflow', TF_CPP_MIN_LOG_LEVEL: '3', PYTHONWARNINGS: 'ignore' },
    maxBuffer: 64 << 20,
  });
  const results: CompareResult[] = JSON.parse(fs.readFileSync(resultsFile, 'utf8')).cases;
  return new Map(results.map((r) => [r.id, r]));
}
