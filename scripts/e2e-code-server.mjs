// Drives the packaged extension in a real VS Code: code-server on 127.0.0.1 (no auth) with a fresh profile, and
// Debian chromium through playwright-core. Installs the .vsix, opens a PyTorch file, right-clicks in a class and picks
// "Convert to JAX" from the editor's context menu, checks the diff webview, opens the result as a new file, replaces
// the class in place and undoes it, then runs the check from the diff webview and waits for the check panel to say
// "equivalent". Screenshots go to test-output/e2e/ (failure.png when a step fails). Usage: node
// scripts/e2e-code-server.mjs CODE_SERVER VSIX (scripts/e2e-code-server.sh sets it up).
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const { chromium } = createRequire(import.meta.url)('playwright-core');
const [codeServer, vsix] = process.argv.slice(2);
const FIXTURE = 'test/fixtures/torch/mlp.py';
const CURSOR_LINE = 38; // inside `forward` of class MLP
const CURSOR_LINE_TEXT = /^\s*x\s=\sself\.norm\(x\)$/; // what the editor shows on it (\s: Monaco's no-break spaces)
const CHECK_ENTRY = 'MLP(in_dim=16, hidden=32, out_dim=4)';
const CHECK_INPUTS = 'x=float32[2,16]';
const out = path.resolve(process.env.ROSETTA_TEST_OUTPUT ?? 'test-output', 'e2e');

const profile = createProfile();
let server;
// however this process ends (a failed step, an exception, a signal from a test's timeout), nothing is left running
process.on('exit', () => {
  if (server) stopProcessGroup(server);
  removeProfile(profile);
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(1));
execFileSync(codeServer, [...profileArgs(profile), '--install-extension', path.resolve(vsix)], { stdio: 'inherit' });
const port = await freePort();
// its own process group: stopping the group stops the extension host and language server code-server started too
server = spawn(codeServer, [
  ...profileArgs(profile), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
  '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', profile.workspace,
], { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
// playwright kills the browser it launched when this process exits
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
let failed = false;
try {
  await run(await browser.newPage({ viewport: { width: 1600, height: 1000 } }));
  console.log(`e2e passed; screenshots in ${out}`);
} catch (e) {
  failed = true;
  await browser.contexts()[0]?.pages()[0]?.screenshot({ path: path.join(out, 'failure.png') }).catch(() => undefined);
  console.error(`e2e failed: ${e instanceof Error ? e.stack : e}; screenshots in ${out}`);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);

async function run(page) {
  fs.rmSync(out, { recursive: true, force: true }); // no screenshot from an earlier run passes for this one's
  fs.mkdirSync(out, { recursive: true });
  const shot = (name) => page.screenshot({ path: path.join(out, name) });
  await waitForServer(page);
  await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 120_000 });

  await runInQuickInput(page, 'Control+P', 'model.py', 'model.py');
  await page.waitForSelector('.monaco-editor .view-lines', { timeout: 30_000 });
  await runInQuickInput(page, 'Control+G', String(CURSOR_LINE));
  await page.waitForSelector('.statusbar-item:has-text("Rosetta")', { timeout: 60_000 });
  await shot('1-editor.png');

  await convertFromContextMenu(page);
  const diff = await webviewFrame(page, '#converted', 60_000);
  await diff.waitForSelector('#converted .annotation', { timeout: 60_000 });
  const title = await diff.textContent('#title');
  if (title !== 'MLP → JAX / Flax NNX') throw new Error(`diff title: ${title}`);
  if (!(await diff.textContent('#converted')).includes('class MLP(nnx.Module):')) throw new Error('no converted class in the diff');
  await diff.click('#source .row:has-text("self.norm(x)") .line');
  await shot('2-diff.png');

  await diff.click('#open-as-new-file');
  await page.waitForSelector('.tab.active:has-text("Untitled-1")', { timeout: 30_000 });
  await waitForEditor(page, 'from flax import nnx', true);
  await shot('3-new-file.png');

  // the editor shows the replaced lines from their start, where the converted part opens with its imports
  await diff.click('#replace-in-place');
  await page.waitForSelector('.tab.active:has-text("model.py")', { timeout: 30_000 });
  await waitForEditor(page, 'from flax import nnx', true);
  await diff.waitForSelector('#replace-in-place:disabled', { timeout: 10_000 }); // the source changed since the conversion
  await shot('4-replaced.png');
  await page.keyboard.press('Control+1'); // focus the editor
  await page.keyboard.press('Control+Z');
  await page.waitForSelector('.tab.active:not(.dirty)', { timeout: 30_000 }); // back to the saved text
  await runInQuickInput(page, 'Control+G', '21');
  await waitForEditor(page, 'class MLP(nn.Module):', true);
  await shot('5-undone.png');

  await diff.click('#run-check');
  await answerInputBox(page, /^Rosetta: Check$/, CHECK_ENTRY); // MLP's constructor needs arguments
  await answerInputBox(page, /^Rosetta: Check MLP\(/, CHECK_INPUTS);
  const check = await webviewFrame(page, '#verdict', 180_000); // generous: the check runs first, on a shared machine
  await check.waitForFunction(hasFinalVerdict, null, { timeout: 180_000 });
  const verdict = (await check.textContent('#verdict')).trim();
  await page.locator('.notification-toast', { hasText: 'Rosetta: checking' }).waitFor({ state: 'hidden', timeout: 30_000 });
  await shot('6-check.png');
  if (!verdict.endsWith('equivalent')) throw new Error(`check verdict: ${verdict}`);
}

/** Whether the check panel shows a verdict: neither empty (not drawn yet) nor "checking…" (still running). */
function hasFinalVerdict() {
  const text = document.querySelector('#verdict')?.textContent.trim();
  return !!text && !text.startsWith('checking');
}

/** Right-clicks the line the cursor is on and picks "Convert to JAX" from the editor's context menu, which offers
 *  the PyTorch file's targets and not the conversion to PyTorch. */
async function convertFromContextMenu(page) {
  await page.locator('.monaco-editor .view-line', { hasText: CURSOR_LINE_TEXT }).click({ button: 'right' });
  const item = page.getByRole('menuitem', { name: 'Convert to JAX', exact: true });
  await item.waitFor({ timeout: 30_000 });
  // a PyTorch file is offered its own targets only (the rosetta.framework context key)
  if (!(await page.getByRole('menuitem', { name: 'Convert to Keras', exact: true }).count())) throw new Error('the context menu lacks "Convert to Keras"');
  if (await page.getByRole('menuitem', { name: 'Convert to PyTorch', exact: true }).count()) throw new Error('the context menu of a PyTorch file offers "Convert to PyTorch"');
  // a menu item ignores mouse-ups for 100 ms after it is shown (so that releasing the right button picks nothing)
  await page.waitForTimeout(500);
  await item.click();
}

/** Answers an input box (showInputBox) once its title matches: replaces the prefilled value and accepts it. */
async function answerInputBox(page, title, answer) {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ timeout: 30_000 });
  const input = page.locator('.quick-input-widget input');
  await input.fill(answer);
  await input.press('Enter');
}

/** Waits until the editor's visible lines show the text, or no longer show it (Monaco renders spaces as no-break
 *  spaces). */
function waitForEditor(page, text, shown) {
  const shows = ([text, shown]) => document.querySelector('.monaco-editor .view-lines')?.textContent.replace(/\u00a0/g, ' ').includes(text) === shown;
  return page.waitForFunction(shows, [text, shown], { timeout: 30_000 });
}

/** Opens a quick input (quick open, go to line, command palette), types into it, and accepts the entry whose label
 *  starts with `pick` once it is listed, or with Enter when there is nothing to pick (go to line). */
async function runInQuickInput(page, key, text, pick) {
  await page.keyboard.press(key);
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.pressSequentially(text, { delay: 20 });
  if (pick) await page.locator('.quick-input-list .monaco-list-row', { hasText: new RegExp(`^${pick}`) }).click({ timeout: 30_000 });
  else await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 30_000 });
}

/** A webview's document: the frame, among VS Code's nested webview frames, that holds `selector` (#converted: the
 *  diff panel; #verdict: the check panel). */
async function webviewFrame(page, selector, timeoutMs) {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await page.waitForTimeout(500)) {
    for (const frame of page.frames()) {
      if (await frame.$(selector).catch(() => null)) return frame;
    }
  }
  throw new Error(`no webview with ${selector} opened within ${timeoutMs / 1000} s`);
}

async function waitForServer(page) {
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(profile.workspace)}`;
  for (let attempt = 0; attempt < 60; attempt++) {
    if (await page.goto(url).then(() => true, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`code-server did not answer on port ${port}`);
}

function createProfile() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rosetta-e2e-'));
  const profile = {
    home,
    config: path.join(home, 'config.yaml'),
    userData: path.join(home, 'user-data'),
    extensions: path.join(home, 'extensions'),
    workspace: path.join(home, 'workspace'),
  };
  fs.mkdirSync(path.join(profile.userData, 'User'), { recursive: true });
  fs.mkdirSync(profile.workspace);
  fs.copyFileSync(FIXTURE, path.join(profile.workspace, 'model.py'));
  fs.writeFileSync(path.join(profile.userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.colorTheme': 'Default Dark Modern',
    'security.workspace.trust.enabled': false,
    'extensions.ignoreRecommendations': true,
    'workbench.tips.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
  }));
  return profile;
}

function removeProfile(profile) {
  try {
    fs.rmSync(profile.home, { recursive: true, force: true, maxRetries: 3 });
  } catch (e) {
    console.warn(`could not remove ${profile.home}: ${e.message}`);
  }
}

function stopProcessGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // the group has already exited
  }
}

function profileArgs(profile) {
  return ['--config', profile.config, '--user-data-dir', profile.userData, '--extensions-dir', profile.extensions];
}

function freePort() {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
