// Models and tensors as JSON-safe values, for running a model elsewhere: the language server asks the client, which
// hands the request to the check panel's webview (rosetta/runModel). Bytes travel as base64.
import { tensor, type DType, type Tensor, type TensorData } from './tensor';
import type { Backend, ModelRunner } from './session';

export interface WireTensor {
  dtype: DType;
  shape: number[];
  /** the elements' little-endian bytes */
  base64: string;
}

export interface RunModelParams {
  /** the encoded ONNX model */
  model: string;
  feeds: Record<string, WireTensor>;
}

export interface RunModelResult {
  outputs: Record<string, WireTensor>;
  backend: Backend;
}

const ARRAYS: { [D in DType]: new (buffer: ArrayBuffer) => TensorData } = {
  float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: BigInt64Array, bool: Uint8Array,
};

/** A runner that sends each model elsewhere (`send`: the request to the client) and reads back what ran there. */
export function remoteRunner(send: (params: RunModelParams) => Promise<RunModelResult>): ModelRunner {
  return async (model, feeds) => {
    const { outputs, backend } = await send({ model: encodeBytes(model), feeds: mapValues(feeds, toWire) });
    return { outputs: mapValues(outputs, fromWire), backend };
  };
}

/** The other end: runs a model sent by remoteRunner on a local runner and answers in wire form. */
export async function runSentModel(runner: ModelRunner, { model, feeds }: RunModelParams): Promise<RunModelResult> {
  const { outputs, backend } = await runner(decodeBytes(model), mapValues(feeds, fromWire));
  return { outputs: mapValues(outputs, toWire), backend };
}

export function toWire(t: Tensor): WireTensor {
  return { dtype: t.dtype, shape: t.shape, base64: encodeBytes(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)) };
}

export function fromWire(w: WireTensor): Tensor {
  const bytes = decodeBytes(w.base64);
  return tensor(w.dtype, w.shape, new ARRAYS[w.dtype](bytes.buffer as ArrayBuffer) as Tensor['data']);
}

export function mapValues<A, B>(record: Record<string, A>, f: (value: A, name: string) => B): Record<string, B> {
  return Object.fromEntries(Object.entries(record).map(([name, value]) => [name, f(value, name)]));
}

// btoa/atob take one char per byte; chunks keep String.fromCharCode's argument list short
const CHUNK = 0x8000;

export function encodeBytes(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

/** A fresh, aligned buffer: typed arrays of 8-byte elements need their offset to be a multiple of 8. */
export function decodeBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
