// `rosetta convert|check|coverage|lsp`: the engine from the command line. convert exits 0 when all converted, 1 when
// something was left marked; check exits 0 equivalent, 3 mismatch, 1 could not check; 2 is bad usage everywhere.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { workerData } from 'node:worker_threads';
import { initParser } from './parser';
import { convertTorch, InputError, type ConversionResult } from './convert';
import { convertToTorch, detectFramework } from './reverse/to-torch';
import { CONVERSION_TARGETS, TARGETS_BY_SOURCE, targetLabel, targetsFrom, type ConversionTarget, type SourceFramework, type Target } from './protocol';
import { check, type CheckReport } from './check/check';
import { parseInputSpec } from './check/inputs';
import { coverageReport, readLoweringTable } from './coverage';
import { CONVERSION_WORKER, serveConversions } from './lsp/background';
import { runLanguageServer } from './lsp/connection';

const USAGE = `usage:
  rosetta convert FILE --to jax|numpy [--from torch] [--out PATH] [--json]
  rosetta convert FILE --from jax|keras --to torch [--out PATH] [--json]   (--from: detected from the imports when absent)
  rosetta check FILE [--from torch|jax] [--to TARGET] --entry EXPR [--input NAME=DTYPE[SHAPE][:LOW..HIGH]]...
                [--target PATH] [--seed N] [--rtol R] [--atol A] [--train] [--json]
                (--from: detected from the imports; --to: the first target of that framework, jax from torch)
  rosetta coverage [--lowering] [--results FILE] [--json]
  rosetta lsp --stdio|--node-ipc`;

class UsageError extends Error {}

interface Options { positional: string[]; flags: Record<string, string | true>; repeated: Record<string, string[]> }

/** Flags named in `valued` take a value (repeated ones may be given several times); json, help and train are
 *  switches. */
function parseArgs(argv: string[], valued: string[], repeatable: string[] = []): Options {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  const repeated: Record<string, string[]> = Object.fromEntries(repeatable.map((name) => [name, []]));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) { positional.push(a); continue; }
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
    if (valued.includes(name) || repeatable.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      if (repeatable.includes(name)) repeated[name].push(value);
      else flags[name] = value;
    } else if (['json', 'help', 'train', 'lowering'].includes(name)) flags[name] = true;
    else throw new UsageError(`unknown option --${name}`);
  }
  return { positional, flags, repeated };
}

async function convertCommand(argv: string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv, ['to', 'from', 'out']);
  if (positional.length !== 1) throw new UsageError('convert takes exactly one FILE');
  const file = positional[0];
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    process.stderr.write(`rosetta: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}\n`);
    return 2;
  }
  // without --from, the source framework is the one the file imports
  const from = flags.from ?? detectFramework(text) ?? 'torch';
  const toTorch = from === 'jax' || from === 'keras';
  const to = flags.to ?? (toTorch ? 'torch' : 'jax');
  if (toTorch ? to !== 'torch' : !isTarget(to) || from !== 'torch') throw new UsageError(`conversion from ${from} to ${to} is not available yet (supported: --from torch --to ${CONVERSION_TARGETS.join('|')}, --from jax|keras --to torch)`);
  await initParser();
  let result: ConversionResult;
  try {
    result = toTorch ? convertToTorch(text, from) : convertTorch(text, to as ConversionTarget);
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

function isTarget(value: string | true): value is ConversionTarget {
  return (CONVERSION_TARGETS as readonly string[]).includes(value as string);
}

function readSource(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    process.stderr.write(`rosetta: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}\n`);
    return undefined;
  }
}

function numberFlag(flags: Options['flags'], name: string, fallback: number): number {
  const text = flags[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (typeof text !== 'string' || !Number.isFinite(value)) throw new UsageError(`--${name} needs a number`);
  return value;
}

async function checkCommand(argv: string[]): Promise<number> {
  const { positional, flags, repeated } = parseArgs(argv, ['to', 'from', 'entry', 'target', 'seed', 'rtol', 'atol'], ['input']);
  if (positional.length !== 1) throw new UsageError('check takes exactly one FILE');
  if (typeof flags.entry !== 'string') throw new UsageError('check needs --entry (a constructor call such as "Net(width=8)" or a function name)');
  let inputs;
  try {
    inputs = repeated.input.map(parseInputSpec);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const source = readSource(positional[0]);
  const target = typeof flags.target === 'string' ? readSource(flags.target) : undefined;
  if (source === undefined || (typeof flags.target === 'string' && target === undefined)) return 2;
  const { from, to } = checkedPair(flags, source);
  await initParser();
  let report: CheckReport;
  try {
    report = await check({
      source, from, to, target, entry: flags.entry, inputs, seed: numberFlag(flags, 'seed', 0), mode: flags.train ? 'train' : 'eval',
      tolerance: { rtol: numberFlag(flags, 'rtol', 1e-4), atol: numberFlag(flags, 'atol', 1e-5) },
    });
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    process.stderr.write(`${positional[0]}:${e.line ?? 1}:${e.column ?? 1}: ${e.message}\n`);
    return 2;
  }
  const { target: _converted, ...shown } = report;
  process.stdout.write(flags.json ? JSON.stringify(shown, jsonNumbers, 2) + '\n' : describeReport(report));
  return report.verdict === 'equivalent' ? 0 : report.verdict === 'mismatch' ? 3 : 1;
}

/** The pair to check: --from (else the file's imports) and --to (else that framework's first target), which the
 *  converter must write from it. A framework the check cannot run yet is the check's to report. */
function checkedPair(flags: Options['flags'], source: string): { from: SourceFramework; to: Target } {
  const from = flags.from ?? detectFramework(source) ?? 'torch';
  if (!isSourceFramework(from)) throw new UsageError(`--from must be one of ${Object.keys(TARGETS_BY_SOURCE).join('|')}`);
  const to = flags.to ?? targetsFrom(from)[0];
  if (!(targetsFrom(from) as readonly unknown[]).includes(to)) throw new UsageError(`a ${targetLabel(from)} file converts to ${targetsFrom(from).join('|')}, not ${to}`);
  return { from, to: to as Target };
}

function isSourceFramework(value: string | true): value is SourceFramework {
  return typeof value === 'string' && Object.hasOwn(TARGETS_BY_SOURCE, value);
}

/** JSON has no Infinity: an incomparable output reports its errors as null. */
function jsonNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

function describeReport(r: CheckReport): string {
  const total = Object.values(r.timingsMs).reduce((a, b) => a + b, 0);
  const lines = [`${r.verdict} (onnxruntime-web ${r.backend}, ${Math.round(total)} ms)`];
  for (const o of r.outputs) {
    lines.push(`  ${o.path} [${o.shape.join(', ')}]: max abs ${o.maxAbs.toExponential(2)}, max rel ${o.maxRel.toExponential(2)}${o.close ? '' : ' (differs)'}${o.problem ? ` - ${o.problem}` : ''}`);
  }
  const d = r.firstDivergence;
  if (d) lines.push(`first divergence: source line ${d.source.line} \`${d.source.text}\` -> target line ${d.target.line} \`${d.target.text}\` (max abs ${d.maxAbs.toExponential(2)})`);
  else if (r.verdict === 'mismatch') lines.push('first divergence: not located (no intermediate value of the source pairs with a differing one in the target)');
  for (const u of r.unsupported) lines.push(u.message);
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join('\n') + '\n';
}

function coverageCommand(argv: string[]): number {
  const { flags } = parseArgs(argv, ['results']);
  if (flags.lowering) {
    const table = readLoweringTable(typeof flags.results === 'string' ? flags.results : undefined);
    process.stdout.write(flags.json ? JSON.stringify(table.rows, null, 2) + '\n' : table.text);
    return table.rows.length && table.rows.every((r) => r.torch !== 'failing' && r.jax !== 'failing') ? 0 : 1;
  }
  const report = coverageReport(typeof flags.results === 'string' ? flags.results : undefined);
  process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : report.text);
  return report.confirmed === report.mapped && report.mapped > 0 ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'convert') return await convertCommand(rest);
    if (command === 'check') return await checkCommand(rest);
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

// the language server's conversion worker (lsp/background.ts) runs this same bundle
const entry = workerData === CONVERSION_WORKER ? serveConversions() : main(process.argv.slice(2));
entry.then(
  // exit once stdout has drained: a large --json piped to a slow reader was cut off by an immediate exit
  (code) => process.stdout.write('', () => process.exit(code)),
  (e) => {
    process.stderr.write(`rosetta: internal error: ${e instanceof Error ? e.stack : e}\n`);
    process.exit(2);
  },
);
