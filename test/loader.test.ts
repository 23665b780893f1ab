// The generated load_torch_state_dict, as a user calling it with a real PyTorch state_dict sees it.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { outputDir, repoRoot, venvPython } from './support/python';

interface LoaderReport { error: string | null; dropped: string; shared: string[][] }

function check(file: string, entry: string): LoaderReport {
  const dir = path.join(outputDir, 'loader');
  fs.mkdirSync(dir, { recursive: true });
  const source = path.join(repoRoot, 'test', 'fixtures', 'torch', file);
  const converted = path.join(dir, file.replace(/\.py$/, '_jax.py'));
  spawnSync('node', [path.join(repoRoot, 'bin', 'rosetta.js'), 'convert', source, '--to', 'jax', '--out', converted]);
  const out = execFileSync(venvPython(), [path.join(repoRoot, 'test', 'python', 'loader_checks.py'), source, converted, entry], { encoding: 'utf8', env: { ...process.env, JAX_PLATFORMS: 'cpu' } });
  return JSON.parse(out.trim().split('\n').pop()!);
}

describe('load_torch_state_dict with real PyTorch state_dicts', function () {
  it('names the missing and the unexpected keys', function () {
    const report = check('cnn.py', 'SmallCNN(in_channels=3, num_classes=10, width=8)');
    assert.ok(report.error, 'a mismatching state_dict was accepted');
    assert.match(report.error, new RegExp(`missing \\[.*'${report.dropped.replace(/\./g, '\\.')}'`));
    assert.match(report.error, /unexpected \[.*'not_a_parameter\.weight'/);
  });

  it('keeps tied weights one variable (GPT: lm_head.weight and transformer.wte.weight)', function () {
    const report = check('gpt.py', 'GPT(vocab_size=65, block_size=16, n_layer=2, n_head=4, n_embd=32)');
    assert.deepEqual(report.shared, [['lm_head.weight', 'transformer.wte.weight']]);
  });
});
