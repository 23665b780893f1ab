// Drives the packaged extension in a real VS Code: code-server on 127.0.0.1 (no auth) with a fresh profile, and
// Debian chromium through playwright-core. Installs the .vsix, opens a PyTorch file, runs "Rosetta: Convert to JAX"
// with the cursor in a class, checks the diff webview, opens the result as a new file, replaces the class in place
// and undoes it. Screenshots go to test-output/e2e/. Usage: node scripts/e2e-code-server.mjs CODE_SERVER VSIX (scripts/e2e-code-server.sh sets it up).
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
const out = path.resolve(process.env.ROSETTA_TEST_OUTPUT ?? 'test-output', 'e2e');

const profile = createProfile();
execFileSync(codeServer, [...profileArgs(profile), '--install-extension', path.resolve(vsix)], { stdio: 'inherit' });
const port = await freePort();
const server = spawn(codeServer, [
  ...profileArgs(profile), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
  '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', profile.workspace,
], { stdio: ['ignore', 'inherit', 'inherit'] });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
let failed = false;
try {
  await run(await browser.newPage({ viewport: { width: 1600, height: 1000 } }));
  console.log(`e2e passed; screenshots in ${out}`);
} catch (e) {
  failed = true;
  await browser.contexts()[0]?.pages()[0]?.screenshot({ path: path.join(out, 'failure.png') });
  console.error(`e2e failed: ${e instanceof Error ? e.stack : e}; screenshots in ${out}`);
} finally {
  await browser.close();
  server.kill();
}
process.exit(failed ? 1 : 0);

async function run(page) {
  fs.mkdirSync(out, { recursive: true });
  const shot = (name) => page.screenshot({ path: path.join(out, name) });
  await waitForServer(page);
  await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 120_000 });

  await runInQuickInput(page, 'Control+P', 'model.py', 'model.py');
  await page.waitForSelector('.monaco-editor .view-lines', { timeout: 30_000 });
  await runInQuickInput(page, 'Control+G', String(CURSOR_LINE));
  await page.waitForSelector('.statusbar-item:has-text("Rosetta")', { timeout: 60_000 });
  await shot('1-editor.png');

  await runInQuickInput(page, 'F1', 'Rosetta: Convert to JAX', 'Rosetta: Convert to JAX');
  const diff = await webviewFrame(page);
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

/** The diff webview's document: the frame, among VS Code's nested webview frames, that holds #converted. */
async function webviewFrame(page) {
  for (let attempt = 0; attempt < 120; attempt++) {
    for (const frame of page.frames()) {
      if (await frame.$('#converted').catch(() => null)) return frame;
    }
    await page.waitForTimeout(500);
  }
  throw new Error('the diff webview did not open');
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
