// Runs encoded ONNX models on an onnxruntime-web instance. The same module serves the language server (Node, the
// CPU 'wasm' build) and the check panel's webview (the WebGPU build, on a GPU adapter when one exists): each side
// hands in its own configured `ort` and the execution provider it settled on.
import type * as Ort from 'onnxruntime-web';
import { tensor, type DType, type Tensor } from './tensor';
import { mapValues } from './wire';

export type Backend = 'wasm' | 'webgpu';

export interface ModelRun {
  /** every graph output, by name */
  outputs: Record<string, Tensor>;
  /** where the model ran */
  backend: Backend;
}

/** Runs a model once on some backend; the numerical check takes one of these (Node's wasm by default). */
export type ModelRunner = (model: Uint8Array, feeds: Record<string, Tensor>) => Promise<ModelRun>;

type OrtApi = Pick<typeof Ort, 'InferenceSession' | 'Tensor'>;

// One provider each, so that a session WebGPU cannot serve fails instead of quietly running on the CPU under the
// WebGPU label; within a WebGPU session the nodes it has no kernel for (float64, some int64 ops) run on the CPU.
const EXECUTION_PROVIDERS: Record<Backend, string[]> = { wasm: ['wasm'], webgpu: ['webgpu'] };

export function ortRunner(ort: OrtApi, backend: Backend): ModelRunner {
  return async (model, feeds) => {
    const session = await createSession(ort, model, backend);
    try {
      const results = await runSession(session, mapValues(feeds, (t) => new ort.Tensor(t.dtype, t.data, t.shape)));
      return { outputs: mapValues(results, (t, name) => fromOrt(name, t)), backend };
    } finally {
      await session.release();
    }
  };
}

async function createSession(ort: OrtApi, model: Uint8Array, backend: Backend): Promise<Ort.InferenceSession> {
  try {
    // severity 3 (errors only): unused constants left by tracing are expected, not worth a warning
    return await ort.InferenceSession.create(model, { executionProviders: EXECUTION_PROVIDERS[backend], logSeverityLevel: 3 });
  } catch (error) {
    throw new Error(`onnxruntime could not load the model: ${messageOf(error)}`, { cause: error });
  }
}

async function runSession(session: Ort.InferenceSession, inputs: Record<string, Ort.Tensor>): Promise<Ort.InferenceSession.ReturnType> {
  try {
    return await session.run(inputs);
  } catch (error) {
    throw new Error(`onnxruntime could not run the model: ${messageOf(error)}`, { cause: error });
  }
}

const SUPPORTED: ReadonlySet<string> = new Set<DType>(['float32', 'float64', 'int32', 'int64', 'bool']);

function fromOrt(name: string, value: Ort.Tensor): Tensor {
  if (!SUPPORTED.has(value.type)) throw new Error(`output '${name}' has dtype ${value.type}, which Rosetta does not read`);
  return tensor(value.type as DType, [...value.dims], value.data as Tensor['data']);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
