// The numerical check: trace the source and the target on the same inputs and weights, run both graphs in
// onnxruntime-web, compare the outputs, and on a mismatch find the first line where the two part ways.
// A verdict of "equivalent" is only given when both sides were computed and every output is close.
import { convertTorchToJax } from '../convert';
import { compareTensors, errorHistogram, type Tolerance } from './compare';
import { firstDivergence, type Divergence, type RecordedValue } from './divergence';
import { createJaxHost } from './hosts/jax';
import { createTorchHost } from './hosts/torch';
import { drawInput, Random, type InputSpec } from './inputs';
import { PyError, StepBudgetExceeded, Unsupported } from './interp';
import { wasmRunner } from './onnx/runtime';
import type { Backend, ModelRunner } from './onnx/session';
import type { Tensor } from './onnx/tensor';
import { evaluate, traceProgram, type NamedTensor, type TracedProgram } from './trace/program';
import { ShapeError } from './trace/ops';
import type { TraceHost } from './trace/host';
import { DataDependent, NotLowered, Tracer, type Sym } from './trace/tracer';
import type { Blocker, CheckReport, OutputReport, Verdict } from './report';
import { ModelTooLarge, SeededWeights } from './weights';

export type { Blocker, CheckReport, OutputReport, Verdict } from './report';

export interface CheckRequest {
  source: string;
  /** the target program; converted from the source when absent */
  target?: string;
  entry: string;
  inputs: InputSpec[];
  seed: number;
  tolerance: Tolerance;
  mode?: 'eval' | 'train';
  /** where the traced graphs run: onnxruntime-web on WebAssembly in this process unless another runner is given */
  runner?: ModelRunner;
  /** sees the inputs and the source's weights (state_dict) the check used, so that others can rerun the same pair */
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

  const conversion = request.target === undefined ? time('convert', () => convertTorchToJax(request.source)) : undefined;
  const targetCode = request.target ?? conversion!.code;
  const notes = (conversion?.diagnostics ?? []).filter((d) => d.severity === 'error').map((d) => `line ${d.line}: ${d.message}`);
  const random = new Random(request.seed);
  const inputs: NamedTensor[] = request.inputs.map((spec) => ({ name: spec.name, value: drawInput(spec, random) }));
  const mode = request.mode ?? 'eval';

  const sourceHost = createTorchHost(new Tracer(), { weights: new SeededWeights(request.seed) });
  const source = time('traceSource', () => attempt('source', request.source, () => traceProgram(sourceHost, request.source, { entry: request.entry, inputs, mode })));
  if ('blocker' in source) return report('unsupported', { unsupported: [source.blocker], notes, target: conversion?.code });

  const sourceValues = await timeAsync('runSource', () => run(sourceHost, [...source.outputs.map((o) => o.sym), ...source.records.map((r) => r.sym), ...source.state.map((s) => s.sym)]));
  const [sourceOutputs, sourceRecords, stateValues] = splitAt(sourceValues, source.outputs.length, source.records.length);

  request.observe?.({ inputs, state: source.state.map((s, i) => ({ name: s.name, value: stateValues[i] })) });
  const targetHost = createJaxHost(new Tracer(), { weights: new SeededWeights(request.seed + 1) });
  const weightsFrom = source.state.map((s, i) => ({ name: s.name, sym: targetHost.tracer.input(`weight.${s.name}`, stateValues[i]) }));
  const isModel = request.entry.includes('(');
  const target = time('traceTarget', () => attempt('target', targetCode, () => traceProgram(targetHost, targetCode, {
    entry: request.entry, inputs, mode,
    ...(isModel ? { constructorExtra: 'rngs=nnx.Rngs(0)', loader: 'load_torch_state_dict', weightsFrom } : {}),
  })));
  if ('blocker' in target) return report('unsupported', { unsupported: [target.blocker], notes, target: conversion?.code });

  const targetValues = await timeAsync('runTarget', () => run(targetHost, [...target.outputs.map((o) => o.sym), ...target.records.map((r) => r.sym)]));
  const [targetOutputs, targetRecords] = splitAt(targetValues, target.outputs.length);

  return time('compare', () => {
    if (sourceOutputs.length !== targetOutputs.length) {
      return report('mismatch', { notes, target: conversion?.code, unsupported: [], outputs: [], firstDivergence: null, ...countMismatch(sourceOutputs.length, targetOutputs.length) });
    }
    const outputs = source.outputs.map((o, i) => outputReport(o.path, sourceOutputs[i], targetOutputs[i], request.tolerance));
    const equivalent = outputs.every((o) => o.close && !o.problem);
    const divergence = equivalent ? null : firstDivergence(recorded(source, sourceRecords), recorded(target, targetRecords), request.tolerance, { source: request.source, target: targetCode });
    return report(equivalent ? 'equivalent' : 'mismatch', { outputs, notes, target: conversion?.code, firstDivergence: divergence && withText(divergence, request.source, targetCode) });
  });
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
function attempt<T>(side: 'source' | 'target', code: string, f: () => T): T | { blocker: Blocker } {
  try {
    return f();
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const expected = [NotLowered, DataDependent, Unsupported, PyError, StepBudgetExceeded, ModelTooLarge, ShapeError].some((k) => error instanceof k);
    const line = lineOf(error);
    const where = line ? ` at line ${line}: ${code.split('\n')[line - 1]?.trim()}` : '';
    const message = error.message.replace(/ \(line \d+\)$/, ''); // the line is told below, with its text
    const what = expected ? message : `internal error in the check: ${message}`;
    return { blocker: { side, line, message: `could not check the ${side}: ${what}${where}` } };
  }
}

function lineOf(error: unknown): number | null {
  const line = (error as { line?: number }).line;
  return typeof line === 'number' ? line : null;
}
