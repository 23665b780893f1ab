// Runs every test file under out/test with mocha and ends with the line CI reads: "N passed, N failed".
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = `${process.env.ROSETTA_BUILD_DIR ?? 'out'}/test`;
const only = process.argv.slice(2);
// the real-framework suites take minutes each on 2 cores, more when the machine is shared: 20 minutes per test or hook
const mocha = new Mocha({ timeout: 1_200_000, reporter: 'spec' });
for (const f of readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort()) {
  if (!only.length || only.some((o) => f.includes(o))) mocha.addFile(join(dir, f));
}
let passed = 0, failed = 0;
const runner = mocha.run(() => {
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exitCode = failed || passed === 0 ? 1 : 0;
});
runner.on('pass', () => passed++);
runner.on('fail', () => failed++);
