// The check panel's runtime: the language server's session module (server/src/check/onnx/session.ts) on
// onnxruntime-web's WebGPU build. Models run on WebGPU when the webview has an adapter, else on WebAssembly, and a
// model WebGPU cannot take runs on WebAssembly instead; every run says where it ran.
import * as ort from 'onnxruntime-web/webgpu';
import { ortRunner, type Backend, type ModelRunner } from '../server/src/check/onnx/session';

interface Gpu {
  requestAdapter(): Promise<unknown>;
}

/** Whether WebGPU can run here: the API exists (secure contexts only) and yields an adapter. */
export async function hasWebGpuAdapter(): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: Gpu }).gpu;
  if (!gpu) return false;
  try {
    return Boolean(await gpu.requestAdapter());
  } catch {
    return false;
  }
}

/** A runner on `preferred`, the wasm fetched from `runtimeBase` (the extension's dist/ folder, with a slash). */
export function webviewRunner(runtimeBase: string, preferred: Backend): ModelRunner {
  // the glue is bundled in this script: only the wasm is fetched (a prefix would make it import the glue too)
  ort.env.wasm.wasmPaths = { wasm: `${runtimeBase}ort-wasm-simd-threaded.asyncify.wasm` };
  // threads need cross-origin isolation, which webviews lack
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  const wasm = ortRunner(ort, 'wasm');
  if (preferred === 'wasm') return wasm;
  const webgpu = ortRunner(ort, 'webgpu');
  return async (model, feeds) => {
    try {
      return await webgpu(model, feeds);
    } catch {
      // a device lost or a graph the WebGPU provider rejects: the CPU's answer, reported as such
      return wasm(model, feeds);
    }
  };
}
