// Bundles the CLI/server (and, when present, the VS Code client) with esbuild into dist/, beside the runtime wasm.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  loader: { '.py': 'text' },
  logLevel: 'warning',
  // web-tree-sitter finds its wasm from import.meta.url, which a CommonJS bundle lacks
  banner: { js: "const import_meta_url = require('url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': 'import_meta_url' },
};
const entries = [{ in: 'server/src/cli.ts', out: 'dist/cli.js' }];
if (existsSync('client/src/extension.ts')) entries.push({ in: 'client/src/extension.ts', out: 'dist/client.js', external: ['vscode'] });
// the webviews' scripts run in the browser: no require, no Node banner
const browser = { platform: 'browser', format: 'iife', banner: {}, define: {} };
if (existsSync('webview/main.ts')) entries.push({ in: 'webview/main.ts', out: 'dist/webview.js', browser });
if (existsSync('webview/check-main.ts')) entries.push({ in: 'webview/check-main.ts', out: 'dist/check-webview.js', browser });
mkdirSync('dist', { recursive: true });
copyFileSync('node_modules/web-tree-sitter/web-tree-sitter.wasm', 'dist/web-tree-sitter.wasm');
// the check's runtimes: onnxruntime-web's CPU (wasm) build, loaded from beside dist/cli.js, and the wasm of its WebGPU
// build, which the check panel's script (glue bundled in) fetches from dist/
const runtimeFiles = ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.asyncify.wasm'];
for (const file of runtimeFiles) copyFileSync(`node_modules/onnxruntime-web/dist/${file}`, `dist/${file}`);
const tests = readdirSync('test').filter((f) => f.endsWith('.test.ts'));
await Promise.all([
  ...entries.map((e) => build({ ...common, ...e.browser, entryPoints: [e.in], outfile: e.out, external: e.external ?? [] })),
  // tests are bundled too, one file each, and load the grammar and runtime wasm from dist/
  build({ ...common, entryPoints: tests.map((f) => `test/${f}`), outdir: `${process.env.ROSETTA_BUILD_DIR ?? 'out'}/test`, external: ['mocha'] }),
]);

// The packaged extension has no test output: hover reads the last conformance run's verdict per API from the summary
// shipped in dist/conformance.json. `npm run package` (--package) refuses to ship without one.
const RESULTS = 'test-output/conformance.json', SUMMARY = 'dist/conformance.json';
if (existsSync(RESULTS)) writeFileSync(SUMMARY, JSON.stringify(conformanceSummary(), null, 1) + '\n');
else if (process.argv.includes('--package')) {
  console.error(`build: ${RESULTS} is missing, so the extension would ship without conformance results: run the conformance suite first (node test/run.mjs conformance)`);
  process.exit(1);
} else rmSync(SUMMARY, { force: true }); // a stale summary would claim results this checkout does not have

function conformanceSummary() {
  const coverage = spawnSync(process.execPath, ['dist/cli.js', 'coverage', '--json', '--results', RESULTS], { encoding: 'utf8' });
  const pins = readFileSync('test/python/requirements.txt', 'utf8').matchAll(/^(torch|jax|flax)==(\S+)$/gm);
  return { ranAt: statSync(RESULTS).mtime.toISOString(), frameworks: Object.fromEntries([...pins].map((m) => [m[1], m[2]])), apis: JSON.parse(coverage.stdout).apis };
}
