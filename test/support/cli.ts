// The CLI as the tests run it: `bin/rosetta.js` in a child process, and `rosetta check --json` read back as its report.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './python';

export interface CliRun { status: number | null; stdout: string; stderr: string }

export function rosetta(...args: string[]): CliRun {
  return spawnSync('node', [path.join(repoRoot, 'bin', 'rosetta.js'), ...args], { encoding: 'utf8' });
}

/** Writes `text` to dir/name (creating dir) and returns the file's path. */
export function writeIn(dir: string, name: string, text: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** The parts of `rosetta check --json`'s report the tests read. */
export interface CheckJsonReport {
  verdict: string;
  notes: string[];
  unsupported: Array<{ side: string; line: number | null; message: string }>;
  outputs: Array<{ path: string; close: boolean }>;
  firstDivergence: { source: { line: number; text: string }; target: { line: number; text: string } } | null;
}

/** `rosetta check ARGS --json`, which must print a report. */
export function checkJson(...args: string[]): { status: number | null; report: CheckJsonReport } {
  const run = rosetta('check', ...args, '--json');
  assert.ok(run.stdout, run.stderr);
  return { status: run.status, report: JSON.parse(run.stdout) };
}
