// What the target suites (numpy-target, keras-target) share: converting a torch file with the CLI, and running a
// converted file's load_torch_state_dict on a state_dict with a key missing and one too many.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConversionTarget } from '../../server/src/protocol';
import { rosetta } from './cli';
import { venvPython } from './python';

export interface Converted { status: number; stdout: string; stderr: string; file: string; marked: string[] }

/** `rosetta convert SOURCE --to TARGET --json` into workDir; `marked`: the APIs left marked, sorted. */
export function convertFile(source: string, target: ConversionTarget, workDir: string): Converted {
  fs.mkdirSync(workDir, { recursive: true });
  const file = path.join(workDir, path.basename(source).replace(/\.py$/, `_${target}.py`));
  fs.rmSync(file, { force: true });
  const run = rosetta('convert', source, '--to', target, '--out', file, '--json');
  const diagnostics: Array<{ severity: string; message: string }> = run.stdout ? JSON.parse(run.stdout).diagnostics : [];
  const marked = [...new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.message.split(':')[0]))].sort();
  return { status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr, file, marked };
}

/** What the converted mlp.py's loader says of a TinyMLP state_dict without fc2.bias and with an extra key. */
export function loaderKeyError(convertedMlp: string, env: Record<string, string> = {}): string {
  const script = [
    'import importlib.util, numpy as np',
    `spec = importlib.util.spec_from_file_location('m', ${JSON.stringify(convertedMlp)})`,
    'm = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)',
    'model = m.TinyMLP()',
    "sd = {'fc1.weight': np.zeros((16, 8), np.float32), 'fc1.bias': np.zeros(16, np.float32), 'fc2.weight': np.zeros((3, 16), np.float32), 'extra': np.zeros(1)}",
    'try:',
    '    m.load_torch_state_dict(model, sd)',
    'except KeyError as e:',
    '    print(e)',
  ].join('\n');
  return execFileSync(venvPython(), ['-c', script], { encoding: 'utf8', env: { ...process.env, ...env } });
}
