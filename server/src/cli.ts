// `rosetta convert|coverage`: the engine from the command line. Exit codes: 0 all converted, 1 something left
// marked, 2 bad usage or unreadable input.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initParser } from './parser';
import { convertTorchToJax, InputError, type ConversionResult } from './convert';
import { coverageReport } from './coverage';
import { runLanguageServer } from './lsp/connection';

const USAGE = `usage:
  rosetta convert FILE --to jax [--from torch] [--out PATH] [--json]
  rosetta coverage [--results FILE] [--json]
  rosetta lsp --stdio`;

class UsageError extends Error {}

interface Options { positional: string[]; flags: Record<string, string | true> }

function parseArgs(argv: string[], valued: string[]): Options {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) { positional.push(a); continue; }
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
    if (valued.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      flags[name] = value;
    } else if (['json', 'help'].includes(name)) flags[name] = true;
    else throw new UsageError(`unknown option --${name}`);
  }
  return { positional, flags };
}

async function convertCommand(argv: string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv, ['to', 'from', 'out']);
  if (positional.length !== 1) throw new UsageError('convert takes exactly one FILE');
  const to = flags.to ?? 'jax';
  const from = flags.from ?? 'torch';
  if (to !== 'jax' || from !== 'torch') throw new UsageError(`conversion from ${from} to ${to} is not available yet (supported: --from torch --to jax)`);
  const file = positional[0];
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    process.stderr.write(`rosetta: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}\n`);
    return 2;
  }
  await initParser();
  let result: ConversionResult;
  try {
    result = convertTorchToJax(text);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    process.stderr.write(`${file}:${e.line ?? 1}:${e.column ?? 1}: ${e.message}; nothing was written\n`);
    return 2;
  }
  if (typeof flags.out === 'string') {
    if (path.resolve(flags.out) === path.resolve(file)) throw new UsageError('--out must not be the input file');
    fs.writeFileSync(flags.out, result.code);
  }
  if (flags.json) {
    const diagnostics = result.diagnostics.map(({ line, column, severity, message }) => ({ line, column, severity, message }));
    process.stdout.write(JSON.stringify({ code: result.code, diagnostics, mappings: result.mappings }, null, 2) + '\n');
  } else if (typeof flags.out !== 'string') {
    process.stdout.write(result.code);
  }
  for (const d of result.diagnostics) if (!flags.json) process.stderr.write(`${file}:${d.line}:${d.column}: ${d.severity}: ${d.message}\n`);
  return result.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}

function coverageCommand(argv: string[]): number {
  const { flags } = parseArgs(argv, ['results']);
  const report = coverageReport(typeof flags.results === 'string' ? flags.results : undefined);
  process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : report.text);
  return report.confirmed === report.mapped && report.mapped > 0 ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'convert') return await convertCommand(rest);
    if (command === 'coverage') return coverageCommand(rest);
    if (command === 'lsp') return await runLanguageServer(rest);
    if (command === undefined || command === '--help' || command === 'help') {
      process.stdout.write(USAGE + '\n');
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command '${command}'`);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`rosetta: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`rosetta: internal error: ${e instanceof Error ? e.stack : e}\n`);
    process.exit(2);
  },
);
