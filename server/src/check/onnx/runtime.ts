// The language server's runtime: onnxruntime-web's CPU ('wasm') build, loaded in Node from beside the bundle.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-web';
import { ortRunner, type ModelRunner } from './session';
import type { Tensor } from './tensor';

const RUNTIME_FILES = ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];

/** The folder holding the runtime's glue and wasm: beside the bundle (dist/, out/test/) or in node_modules. */
function runtimeDirectory(): string {
  const roots = [__dirname, path.join(__dirname, '..'), path.join(__dirname, '..', '..'), process.cwd()];
  const candidates = roots.flatMap((root) => [root, path.join(root, 'node_modules', 'onnxruntime-web', 'dist')]);
  const found = candidates.find((dir) => RUNTIME_FILES.every((file) => fs.existsSync(path.join(dir, file))));
  if (!found) throw new Error(`onnxruntime-web's ${RUNTIME_FILES.join(' and ')} not found near ${__dirname}`);
  return found;
}

let runner: ModelRunner | undefined;

/** onnxruntime-web on WebAssembly in this process, configured on first use. */
export function wasmRunner(): ModelRunner {
  if (runner) return runner;
  // the runtime imports its glue from this prefix, which must be a URL for Node's import()
  ort.env.wasm.wasmPaths = pathToFileURL(runtimeDirectory() + path.sep).href;
  // threads would need worker files and SharedArrayBuffer; one thread is plenty for test-sized models
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  runner = ortRunner(ort, 'wasm');
  return runner;
}

/** Runs an encoded model once in this process; every graph output comes back by name. */
export async function runModel(model: Uint8Array, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  return (await wasmRunner()(model, feeds)).outputs;
}
