// The numerical check: trace the source and the target on the same inputs and weights, run both graphs in
// onnxruntime-web, compare the outputs, and on a mismatch find the first line where the two part ways.
// A verdict of "equivalent" is only given when both sides were computed and every output is close.
import { convertTo } from '../convert-any';
import { detectFramework, targetLabel, targetsFrom, type SourceFramework, type Target } from '../protocol';
import { compareTensors, errorHistogram, type Tolerance } from './compare';
import { firstDivergence, type Divergence, type RecordedValue } from './divergence';
import { createJaxHost } from './hosts/jax';
import { createKerasHost } from './hosts/keras';
import { createNumpyHost } from './hosts/numpy';
import { createTorchHost } from './hosts/torch';
import { drawInput, Random, type InputSpec } from './inputs';
import { PyError, StepBudgetExceeded, Unsupported } from './interp';
import { wasmRunner } from './onnx/runtime';
import type { Backend, ModelRunner } from './onnx/session';
import type { Tensor } from './onnx/tensor';
import { evaluate, traceProgram, type NamedTensor, type TracedProgram } from './trace/program';
import { ShapeError } from './trace/ops';
import type { TraceHost, WeightSource } from './trace/host';
import { DataDependent, NotLowered, Tracer, type Sym } from './trace/tracer';
import type { Blocker, CheckReport, OutputReport, Verdict } from './report';
import { ModelTooLarge, SeededWeights } from './weights';

export type { Blocker, CheckReport, OutputReport, Verdict } from './report';

export interface CheckRequest {
  source: string;
  /** the framework the source is written in; detected from its imports when absent (PyTorch without any) */
  from?: SourceFramework;
  /** the framework of the target program; the first target of the source's framework when absent (JAX from PyTorch) */
  to?: Target;
  /** the target program; converted from the source when absent */
  target?: string;
  entry: string;
  inputs: InputSpec[];
  seed: number;
  tolerance: Tolerance;
  mode?: 'eval' | 'train';
  /** where the traced graphs run: onnxruntime-web on WebAssembly in this process unless another runner is given */
  runner?: ModelRunner;
  /** sees the inputs and the source's weights (its state_dict, or its Flax state) the check used, so that others can rerun the same pair */
  observe?: (used: { inputs: NamedTensor[]; state: NamedTensor[] }) => void;
}

export async function check(request: CheckRequest): Promise<CheckReport> {
  const timings: Record<string, number> = {};
  const time = <T>(name: string, f: () => T): T => {
    const start = performance.now();
    try {
      return f();
    } finally {
      timings[name] = Math.round((performance.now() - start) * 10) / 10;
    }
  };
  const timeAsync = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await f();
    } finally {
      timings[name] = Math.round((performance.now() - start) * 10) / 10;
    }
  };
  const runner = request.runner ?? wasmRunner();
  const backends = new Set<Backend>();
  const run = async (host: TraceHost, syms: Sym[]) => {
    const { values, backend } = await evaluate(host, syms, runner);
    backends.add(backend);
    return values;
  };
  const report = (verdict: Verdict, extra: Partial<CheckReport>): CheckReport => ({
    verdict, outputs: [], firstDivergence: null, unsupported: [], notes: [], ...backendFacts(backends), timingsMs: timings, ...extra,
  });

  const from = request.from ?? detectFramework(request.source) ?? 'torch';
  const to = request.to ?? targetsFrom(from)[0];
  const pairBlocker = unavailablePair(from, to);
  if (pairBlocker) return report('unsupported', { unsupported: [pairBlocker] });
  const sourceCheck = SOURCE_CHECKS[from]!;
  const targetCheck = TARGET_CHECKS[to]!;
  const conversion = request.target === undefined ? time('convert', () => convertTo(request.source, to, from)) : undefined;
  const targetCode = request.target ?? conversion!.code;
  const notes = (conversion?.diagnostics ?? []).filter((d) => d.severity === 'error').map((d) => `line ${d.line}: ${d.message}`);
  const random = new Random(request.seed);
  const inputs: NamedTensor[] = request.inputs.map((spec) => ({ name: spec.name, value: drawInput(spec, random) }));
  const mode = request.mode ?? 'eval';

  const isModel = request.entry.includes('(');
  const { host: sourceHost, guards: sourceGuards } = sourceCheck.host(new Tracer(), new SeededWeights(request.seed));
  const source = time('traceSource', () => attempt('source', request.source, () => traceProgram(sourceHost, request.source, {
    entry: request.entry, inputs, mode, ...(isModel ? { constructorExtra: sourceCheck.constructorExtra } : {}),
  }), sourceGuards));
  if ('blocker' in source) return report('unsupported', { unsupported: [source.blocker], notes, target: conversion?.code });

  const sourceRun = await timeAsync('runSource', () => attemptRun('source', () => run(sourceHost, [...source.outputs.map((o) => o.sym), ...source.records.map((r) => r.sym), ...source.state.map((s) => s.sym), ...sourceGuards])));
  if ('blocker' in sourceRun) return report('unsupported', { unsupported: [sourceRun.blocker], notes, target: conversion?.code });
  const sourceValues = sourceRun;
  const [sourceOutputs, sourceRecords, stateValues, sourceGuardValues] = splitAt(sourceValues, source.outputs.length, source.records.length, source.state.length);
  if (sourceGuardValues.some((g) => Number(g.data[0]))) return report('unsupported', { unsupported: [guessedWrong('source')], notes, target: conversion?.code });

  request.observe?.({ inputs, state: source.state.map((s, i) => ({ name: s.name, value: stateValues[i] })) });
  const { host: targetHost, guards } = targetCheck.host(new Tracer(), new SeededWeights(request.seed + 1));
  const weightsFrom = source.state.map((s, i) => ({ name: s.name, sym: targetHost.tracer.input(`weight.${s.name}`, stateValues[i]) }));
  const target = time('traceTarget', () => attempt('target', targetCode, () => traceProgram(targetHost, targetCode, {
    entry: request.entry, inputs, mode,
    ...(isModel ? { constructorExtra: targetCheck.constructorExtra, loader: sourceCheck.loader, weightsFrom } : {}),
  }), guards));
  if ('blocker' in target) return report('unsupported', { unsupported: [target.blocker], notes, target: conversion?.code });

  const targetRun = await timeAsync('runTarget', () => attemptRun('target', () => run(targetHost, [...target.outputs.map((o) => o.sym), ...target.records.map((r) => r.sym), ...guards])));
  if ('blocker' in targetRun) return report('unsupported', { unsupported: [targetRun.blocker], notes, target: conversion?.code });
  const targetValues = targetRun;
  const [targetOutputs, targetRecords, guardValues] = splitAt(targetValues, target.outputs.length, target.records.length);
  if (guardValues.some((g) => Number(g.data[0]))) return report('unsupported', { unsupported: [guessedWrong('target')], notes, target: conversion?.code });

  return time('compare', () => {
    if (sourceOutputs.length !== targetOutputs.length) {
      return report('mismatch', { notes, target: conversion?.code, unsupported: [], outputs: [], firstDivergence: null, ...countMismatch(sourceOutputs.length, targetOutputs.length) });
    }
    const outputs = source.outputs.map((o, i) => outputReport(o.path, sourceOutputs[i], targetOutputs[i], request.tolerance));
    notes.push(...dtypeDifferences(outputs, sourceOutputs, targetOutputs));
    const equivalent = outputs.every((o) => o.close && !o.problem);
    const divergence = equivalent ? null : firstDivergence(recorded(source, sourceRecords), recorded(target, targetRecords), request.tolerance, { source: request.source, target: targetCode });
    return report(equivalent ? 'equivalent' : 'mismatch', { outputs, notes, target: conversion?.code, firstDivergence: divergence && withText(divergence, request.source, targetCode) });
  });
}

function torchHost(tracer: Tracer, weights: WeightSource): { host: TraceHost; guards: Sym[] } {
  const host = createTorchHost(tracer, { weights });
  return { host, guards: host.guards };
}

function jaxHost(tracer: Tracer, weights: WeightSource): { host: TraceHost; guards: Sym[] } {
  return { host: createJaxHost(tracer, { weights }), guards: [] };
}

/** What a Flax NNX constructor takes beyond the user's arguments (the same seed on both sides of a JAX pair). */
const FLAX_RNGS = 'rngs=nnx.Rngs(0)';

/** How to run each source framework's code: its host, what its constructors take beyond the user's entry, and the
 *  function of the converted file that loads the source's weights (listed by the host's stateDict). */
interface SourceCheck {
  host: TargetCheck['host'];
  constructorExtra?: string;
  loader: string;
}

const SOURCE_CHECKS: Partial<Record<SourceFramework, SourceCheck>> = {
  torch: { host: torchHost, loader: 'load_torch_state_dict' },
  jax: { host: jaxHost, constructorExtra: FLAX_RNGS, loader: 'load_flax_state' },
};

/** The constructor arguments the check supplies itself to a class written in `framework` (Flax's rngs), or undefined
 *  where the check cannot run that framework's code as a source: what the editor's Check lens leaves out or omits. */
export function suppliedConstructorArguments(framework: SourceFramework): string[] | undefined {
  const sourceCheck = SOURCE_CHECKS[framework];
  return sourceCheck && (sourceCheck.constructorExtra ? [sourceCheck.constructorExtra.split('=')[0]] : []);
}

/** How to run each target's code: its host (with the guards its trace speculated on, which must all come out False)
 *  and what its constructors take beyond the source's arguments. */
interface TargetCheck {
  host(tracer: Tracer, weights: WeightSource): { host: TraceHost; guards: Sym[] };
  constructorExtra?: string;
}

const TARGET_CHECKS: Partial<Record<Target, TargetCheck>> = {
  jax: { host: jaxHost, constructorExtra: FLAX_RNGS },
  numpy: {
    host: (tracer, weights) => {
      const host = createNumpyHost(tracer, { weights });
      return { host, guards: host.views.guards };
    },
  },
  torch: { host: torchHost },
  keras: { host: (tracer, weights) => ({ host: createKerasHost(tracer, { weights }), guards: [] }) },
};

/** Why a pair cannot be checked (a source framework without a host, a target the converter does not write from it,
 *  or one the check cannot run), or undefined. */
function unavailablePair(from: SourceFramework, to: Target): Blocker | undefined {
  const blocker = (side: Blocker['side'], message: string): Blocker => ({ side, line: null, message: `could not check: ${message}` });
  if (!SOURCE_CHECKS[from]) return blocker('source', `the check cannot run ${targetLabel(from)} sources yet`);
  if (!(targetsFrom(from) as readonly Target[]).includes(to)) return blocker('target', `${targetLabel(from)} code converts to ${targetsFrom(from).map(targetLabel).join(', ')}, not ${targetLabel(to)}`);
  if (!TARGET_CHECKS[to]) return blocker('target', `the check cannot run ${targetLabel(to)} code yet`);
  return undefined;
}

function guessedWrong(side: 'source' | 'target'): Blocker {
  return { side, line: null, message: `could not check the ${side}: it branches on array values (a condition the trace took to be False was True)` };
}

/** Outputs whose values were compared but whose dtypes differ (float64 against float32): the user should know. */
function dtypeDifferences(outputs: OutputReport[], source: Tensor[], target: Tensor[]): string[] {
  return outputs.flatMap((o, i) => (source[i].dtype === target[i].dtype ? [] : [`${o.path}: dtype ${source[i].dtype} in the source, ${target[i].dtype} in the target (the values were compared)`]));
}

/** Where the graphs ran; a runner that fell back for one side only says so, both sides being on the CPU's terms. */
function backendFacts(backends: Set<Backend>): Pick<CheckReport, 'backend' | 'backendNote'> {
  if (backends.size <= 1) return { backend: [...backends][0] ?? 'wasm' };
  return { backend: 'wasm', backendNote: 'the source and the target ran on different backends (WebGPU and WebAssembly)' };
}

function countMismatch(source: number, target: number): Partial<CheckReport> {
  return { outputs: [{ path: 'out', shape: [], maxAbs: Infinity, maxRel: Infinity, close: false, histogram: [], problem: `${source} output tensor(s) in the source, ${target} in the target` }] };
}

function outputReport(path: string, expected: Tensor, actual: Tensor, tolerance: Tolerance): OutputReport {
  const c = compareTensors(expected, actual, tolerance);
  const histogram = c.problem ? [] : errorHistogram(expected, actual);
  return { path, shape: expected.shape, maxAbs: c.maxAbs, maxRel: c.maxRel, close: c.close, histogram, ...(c.problem ? { problem: c.problem } : {}) };
}

function recorded(program: TracedProgram, values: Tensor[]): RecordedValue[] {
  return program.records.map((r, i) => ({ line: r.line, target: r.target, value: values[i] }));
}

function withText(d: Divergence, source: string, target: string): CheckReport['firstDivergence'] {
  const line = (text: string, n: number) => text.split('\n')[n - 1]?.trim() ?? '';
  return { source: { line: d.source.line, text: line(source, d.source.line) }, target: { line: d.target.line, text: line(target, d.target.line) }, maxAbs: d.maxAbs };
}

function splitAt<T>(values: T[], ...sizes: number[]): T[][] {
  const parts: T[][] = [];
  let start = 0;
  for (const n of sizes) {
    parts.push(values.slice(start, start + n));
    start += n;
  }
  parts.push(values.slice(start));
  return parts;
}

/** Runs a trace; what stops it (an API without lowering, data-dependent code, Python the interpreter lacks, a
 *  Python error, a model too large) becomes a blocker naming the line. A fault of the check itself is reported as
 *  such: it is still "could not check", never a verdict. */
function attempt<T>(side: 'source' | 'target', code: string, f: () => T, guards: readonly Sym[] = []): T | { blocker: Blocker } {
  try {
    return f();
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const expected = [NotLowered, DataDependent, Unsupported, PyError, StepBudgetExceeded, ModelTooLarge, ShapeError].some((k) => error instanceof k);
    const line = lineOf(error);
    const where = line ? ` at line ${line}: ${code.split('\n')[line - 1]?.trim()}` : '';
    const message = error.message.replace(/ \(line \d+\)$/, ''); // the line is told below, with its text
    const what = expected ? message : `internal error in the check: ${message}`;
    // an exception raised after a speculation may come from the speculation, not from the code
    const speculated = error instanceof PyError && guards.length ? ' (after taking a condition on array values to be False, which it may not be)' : '';
    return { blocker: { side, line, message: `could not check the ${side}: ${what}${where}${speculated}` } };
  }
}

/** Runs a traced graph; an op that onnxruntime-web has no kernel for in that dtype (Erf in float64) cannot be run,
 *  which is "could not check", not a fault of the check. */
async function attemptRun(side: 'source' | 'target', run: () => Promise<Tensor[]>): Promise<Tensor[] | { blocker: Blocker }> {
  try {
    return await run();
  } catch (error) {
    const kernel = error instanceof Error && /Could not find an implementation for (\w+)\((\d+)\)/.exec(error.message);
    if (!kernel) throw error;
    return { blocker: { side, line: null, message: `could not check the ${side}: onnxruntime-web has no kernel for ${kernel[1]} (opset ${kernel[2]}) in the dtype the ${side} computes it in` } };
  }
}

function lineOf(error: unknown): number | null {
  const line = (error as { line?: number }).line;
  return typeof line === 'number' ? line : null;
}
