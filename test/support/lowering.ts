// Checks lowerings against the real frameworks: each snippet runs in real PyTorch or JAX (test/python/evaluate.py)
// and, traced under a host, in onnxruntime-web; the results must agree.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareTensors } from '../../server/src/check/compare';
import { drawInput, fromNumbers, parseInputSpec, Random, toNumbers } from '../../server/src/check/inputs';
import type { DType, Tensor } from '../../server/src/check/onnx/tensor';
import type { TraceHost } from '../../server/src/check/trace/host';
import { evaluate, traceProgram, type NamedTensor } from '../../server/src/check/trace/program';
import { Tracer } from '../../server/src/check/trace/tracer';
import { outputDir, repoRoot, venvPython } from './python';

export interface Snippet {
  id: string;
  /** Python defining the entry, imports included */
  code: string;
  /** a function name, or a constructor call (a model: built, loaded with `state`, put in `mode`) */
  entry: string;
  /** NAME=DTYPE[SHAPE][:LOW..HIGH] */
  inputs: string[];
  rtol?: number;
  atol?: number;
  mode?: 'eval' | 'train';
  /** the weights for a JAX model, in PyTorch layout (a torch model's come from the trace's seeded draw) */
  state?: NamedTensor[];
}

export interface SnippetResult {
  id: string;
  passed: boolean;
  detail: string;
  /** why the trace stopped, when it did: missing lowerings are told apart from wrong ones */
  traceError?: string;
  /** a torch model's traced state_dict values, for the JAX side of the same case */
  state?: NamedTensor[];
}

export interface Encoded { dtype: string; shape: number[]; data: Array<number | string | null> }

interface Traced { outputs?: Tensor[]; state?: NamedTensor[]; error?: string }

export function encode(t: Tensor): Encoded {
  return { dtype: t.dtype, shape: t.shape, data: toNumbers(t) };
}

export function decode(e: Encoded): Tensor {
  const values = e.data.map((v) => (v === null ? NaN : typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : v));
  const dtype: DType = e.dtype === 'bool' ? 'bool' : e.dtype.startsWith('int') || e.dtype.startsWith('uint') ? 'int64' : 'float64';
  return fromNumbers(dtype, e.shape, dtype === 'bool' ? values.map(Number) : values);
}

async function traceSnippet(framework: 'torch' | 'jax', createHost: (tracer: Tracer) => TraceHost, s: Snippet, inputs: NamedTensor[]): Promise<Traced> {
  try {
    const host = createHost(new Tracer());
    const isModel = s.entry.includes('(');
    const weightsFrom = framework === 'jax' && isModel ? (s.state ?? []).map((w) => ({ name: w.name, sym: host.tracer.input(`weight.${w.name}`, w.value) })) : undefined;
    const traced = traceProgram(host, s.code, {
      entry: s.entry, inputs, mode: s.mode ?? 'eval',
      ...(weightsFrom ? { constructorExtra: 'rngs=nnx.Rngs(0)', loader: 'load_torch_state_dict', weightsFrom } : {}),
    });
    const { values } = await evaluate(host, [...traced.outputs.map((o) => o.sym), ...traced.state.map((e) => e.sym)]);
    const state = traced.state.map((e, i) => ({ name: e.name, value: values[traced.outputs.length + i] }));
    return { outputs: values.slice(0, traced.outputs.length), state };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Traces every snippet, runs them all in the real framework (one Python process), and compares. */
export async function checkSnippets(framework: 'torch' | 'jax', createHost: (tracer: Tracer) => TraceHost, snippets: Snippet[]): Promise<Map<string, SnippetResult>> {
  const random = new Random(7);
  const inputs = new Map(snippets.map((s) => [s.id, s.inputs.map((text) => ({ name: parseInputSpec(text).name, value: drawInput(parseInputSpec(text), random) }))]));
  const traced = new Map<string, Traced>();
  for (const s of snippets) traced.set(s.id, await traceSnippet(framework, createHost, s, inputs.get(s.id)!));
  const stateOf = (s: Snippet) => (framework === 'torch' ? traced.get(s.id)!.state : s.state) ?? [];
  const real = runReal(framework, snippets.map((s) => ({
    id: s.id, framework, code: s.code, entry: s.entry, mode: s.mode ?? 'eval',
    inputs: inputs.get(s.id)!.map((i) => encode(i.value)),
    state: Object.fromEntries(stateOf(s).map((w) => [w.name, encode(w.value)])),
  })));
  return new Map(snippets.map((s) => [s.id, { ...compareSnippet(s, traced.get(s.id)!, real.get(s.id)!), state: traced.get(s.id)!.state }]));
}

function compareSnippet(s: Snippet, ours: Traced, real: { outputs: Encoded[] | null; error: string | null }): SnippetResult {
  // a failed trace first: a model's real run then lacks the weights the trace would have drawn
  if (!ours.outputs) return { id: s.id, passed: false, detail: `trace failed: ${ours.error}`, traceError: ours.error };
  if (!real.outputs) return { id: s.id, passed: false, detail: `the real framework failed: ${real.error}` };
  const actual = ours.outputs;
  if (actual.length !== real.outputs.length) return { id: s.id, passed: false, detail: `${real.outputs.length} outputs in the real run, ${actual.length} traced` };
  for (let i = 0; i < actual.length; i++) {
    const c = compareTensors(decode(real.outputs[i]), actual[i], { rtol: s.rtol ?? 1e-4, atol: s.atol ?? 1e-5 });
    if (c.problem || !c.close) return { id: s.id, passed: false, detail: `output ${i}: ${c.problem ?? `max abs error ${c.maxAbs.toExponential(3)}`} (real ${real.outputs[i].dtype}, traced ${actual[i].dtype})` };
  }
  return { id: s.id, passed: true, detail: `${actual.length} output(s) match` };
}

/** Runs jobs in test/python/evaluate.py (one process); results by id. */
export function runReal(name: string, jobs: object[]): Map<string, { outputs: Encoded[] | null; error: string | null }> {
  fs.mkdirSync(outputDir, { recursive: true });
  const jobsFile = path.join(outputDir, `evaluate-${name}-jobs.json`);
  const resultsFile = path.join(outputDir, `evaluate-${name}-results.json`);
  fs.writeFileSync(jobsFile, JSON.stringify(jobs));
  execFileSync(venvPython(), [path.join(repoRoot, 'test', 'python', 'evaluate.py'), jobsFile, resultsFile], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, JAX_PLATFORMS: 'cpu', TF_CPP_MIN_LOG_LEVEL: '3', PYTHONWARNINGS: 'ignore' },
  });
  const results: Array<{ id: string; outputs: Encoded[] | null; error: string | null }> = JSON.parse(fs.readFileSync(resultsFile, 'utf8')).results;
  return new Map(results.map((r) => [r.id, r]));
}
