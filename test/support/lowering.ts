// Checks lowerings against the real frameworks: each snippet runs in real PyTorch or JAX (test/python/evaluate.py)
// and, traced under a host, in onnxruntime-web; the results must agree.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareTensors } from '../../server/src/check/compare';
import { drawInput, fromNumbers, parseInputSpec, Random, toNumbers } from '../../server/src/check/inputs';
import type { DType, Tensor } from '../../server/src/check/onnx/tensor';
import type { TraceHost } from '../../server/src/check/trace/host';
import { evaluate, traceProgram } from '../../server/src/check/trace/program';
import { Tracer } from '../../server/src/check/trace/tracer';
import { outputDir, repoRoot, venvPython } from './python';

export interface Snippet {
  id: string;
  /** Python defining the entry function, imports included */
  code: string;
  entry: string;
  /** NAME=DTYPE[SHAPE][:LOW..HIGH] */
  inputs: string[];
  rtol?: number;
  atol?: number;
}

export interface SnippetResult {
  id: string;
  passed: boolean;
  detail: string;
}

interface Encoded { dtype: string; shape: number[]; data: Array<number | string | null> }

function encode(t: Tensor): Encoded {
  return { dtype: t.dtype, shape: t.shape, data: toNumbers(t) };
}

function decode(e: Encoded): Tensor {
  const values = e.data.map((v) => (v === null ? NaN : typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : v));
  const dtype: DType = e.dtype === 'bool' ? 'bool' : e.dtype.startsWith('int') || e.dtype.startsWith('uint') ? 'int64' : 'float64';
  return fromNumbers(dtype, e.shape, dtype === 'bool' ? values.map(Number) : values);
}

/** Runs the snippets in the real framework (one Python process) and under the host; returns one result each. */
export async function checkSnippets(framework: 'torch' | 'jax', createHost: (tracer: Tracer) => TraceHost, snippets: Snippet[]): Promise<Map<string, SnippetResult>> {
  const random = new Random(7);
  const inputs = new Map(snippets.map((s) => [s.id, s.inputs.map((text) => ({ name: parseInputSpec(text).name, value: drawInput(parseInputSpec(text), random) }))]));
  const real = runReal(framework, snippets.map((s) => ({ id: s.id, framework, code: s.code, entry: s.entry, inputs: inputs.get(s.id)!.map((i) => encode(i.value)) })));
  const results = new Map<string, SnippetResult>();
  for (const s of snippets) results.set(s.id, await compareSnippet(s, createHost, inputs.get(s.id)!, real.get(s.id)!));
  return results;
}

async function compareSnippet(s: Snippet, createHost: (tracer: Tracer) => TraceHost, inputs: Array<{ name: string; value: Tensor }>, real: { outputs: Encoded[] | null; error: string | null }): Promise<SnippetResult> {
  if (!real.outputs) return { id: s.id, passed: false, detail: `the real framework failed: ${real.error}` };
  let actual: Tensor[];
  try {
    const host = createHost(new Tracer());
    const traced = traceProgram(host, s.code, { entry: s.entry, inputs, mode: 'eval' });
    actual = await evaluate(host, traced.outputs.map((o) => o.sym));
  } catch (error) {
    return { id: s.id, passed: false, detail: `trace failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (actual.length !== real.outputs.length) return { id: s.id, passed: false, detail: `${real.outputs.length} outputs in ${s.id}'s real run, ${actual.length} traced` };
  for (let i = 0; i < actual.length; i++) {
    const expected = decode(real.outputs[i]);
    const got = actual[i];
    const c = compareTensors(expected, got, { rtol: s.rtol ?? 1e-4, atol: s.atol ?? 1e-5 });
    if (c.problem || !c.close) return { id: s.id, passed: false, detail: `output ${i}: ${c.problem ?? `max abs error ${c.maxAbs.toExponential(3)}`} (real ${real.outputs[i].dtype}, traced ${got.dtype})` };
  }
  return { id: s.id, passed: true, detail: `${actual.length} output(s) match` };
}

function runReal(name: string, jobs: object[]): Map<string, { outputs: Encoded[] | null; error: string | null }> {
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
