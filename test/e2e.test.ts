// The packaged extension end to end in a real VS Code: scripts/e2e-code-server.sh installs code-server and the Node it
// runs on (once), packages rosetta.vsix and drives it with Chromium: "Convert to JAX" from the editor's context menu,
// the diff webview, open as new file, replace in place and undo, "Run check" until the check panel says equivalent.
// Screenshots land in test-output/e2e/. Whatever cannot be installed or started fails the test; nothing is skipped.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from './support/python';

const TIME_LIMIT_MS = 14 * 60_000;
const OUTPUT_TAIL_CHARS = 8000;

describe('end to end in code-server', function () {
  this.timeout(TIME_LIMIT_MS + 60_000); // the script's own limit comes first, so its output tail is what fails

  it('converts from the context menu, shows the diff, replaces and undoes, and the check says equivalent', async function () {
    const { status, outputTail } = await runScript(path.join(repoRoot, 'scripts', 'e2e-code-server.sh'));
    assert.equal(status, 0, `scripts/e2e-code-server.sh ended with ${status}; the end of its output:\n${outputTail}`);
  });
});

/** Runs a script in a process group of its own, keeping the end of its output; past the time limit the whole group
 *  is stopped (the e2e script then stops its code-server and browser). */
function runScript(script: string): Promise<{ status: number | string; outputTail: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script], { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let outputTail = '';
    const keep = (chunk: Buffer) => (outputTail = (outputTail + chunk.toString()).slice(-OUTPUT_TAIL_CHARS));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const stop = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid!, 'SIGTERM');
    }, TIME_LIMIT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(stop);
      const status = timedOut ? `${signal ?? code}, stopped after ${TIME_LIMIT_MS / 60_000} min` : code ?? signal!;
      resolve({ status, outputTail });
    });
  });
}
