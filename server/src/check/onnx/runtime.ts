// The only module that loads onnxruntime-web's wasm: runs ONNX models on its CPU ('wasm') execution provider.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-web';
import { tensor, type DType, type Tensor } from './tensor';

const RUNTIME_FILES = ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];

let configured = false;

/** The folder holding the runtime's glue and wasm: beside the bundle (dist/, out/test/) or in node_modules. */
function runtimeDirectory(): string {
  const roots = [__dirname, path.join(__dirname, '..'), path.join(__dirname, '..', '..'), process.cwd()];
  const candidates = roots.flatMap((root) => [root, path.join(root, 'node_modules', 'onnxruntime-web', 'dist')]);
  const found = candidates.find((dir) => RUNTIME_FILES.every((file) => fs.existsSync(path.join(dir, file))));
  if (!found) throw new Error(`onnxruntime-web's ${RUNTIME_FILES.join(' and ')} not found near ${__dirname}`);
  return found;
}

function configure(): void {
  if (configured) return;
  // the runtime imports its glue from this prefix, which must be a URL for Node's import()
  ort.env.wasm.wasmPaths = pathToFileURL(runtimeDirectory() + path.sep).href;
  // threads would need worker files and SharedArrayBuffer; one thread is plenty for test-sized models
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  configured = true;
}

/** Runs an encoded model once; every graph output comes back by name. Errors carry onnxruntime's message. */
export async function runModel(model: Uint8Array, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  configure();
  const session = await createSession(model);
  try {
    const inputs = Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, new ort.Tensor(t.dtype, t.data, t.shape)]));
    const results = await runSession(session, inputs);
    return Object.fromEntries(Object.entries(results).map(([name, t]) => [name, fromOrt(name, t)]));
  } finally {
    await session.release();
  }
}

async function createSession(model: Uint8Array): Promise<ort.InferenceSession> {
  try {
    // severity 3 (errors only): unused constants left by tracing are expected, not worth a warning
    return await ort.InferenceSession.create(model, { executionProviders: ['wasm'], logSeverityLevel: 3 });
  } catch (error) {
    throw new Error(`onnxruntime could not load the model: ${messageOf(error)}`, { cause: error });
  }
}

async function runSession(session: ort.InferenceSession, inputs: Record<string, ort.Tensor>): Promise<ort.InferenceSession.ReturnType> {
  try {
    return await session.run(inputs);
  } catch (error) {
    throw new Error(`onnxruntime could not run the model: ${messageOf(error)}`, { cause: error });
  }
}

const SUPPORTED: ReadonlySet<string> = new Set<DType>(['float32', 'float64', 'int32', 'int64', 'bool']);

function fromOrt(name: string, value: ort.Tensor): Tensor {
  if (!SUPPORTED.has(value.type)) throw new Error(`output '${name}' has dtype ${value.type}, which Rosetta does not read`);
  return tensor(value.type as DType, [...value.dims], value.data as Tensor['data']);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
