// Tensors as plain data, the form the graph builder and the runner share with onnxruntime-web.

export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool';

export interface TensorDataMap {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  int64: BigInt64Array;
  /** one byte per element, 0 or 1 (ONNX and onnxruntime-web store bools so) */
  bool: Uint8Array;
}

export type TensorData = TensorDataMap[DType];

export interface Tensor<D extends DType = DType> {
  dtype: D;
  /** row-major dimensions; [] for a scalar */
  shape: number[];
  data: TensorDataMap[D];
}

/** TensorProto.DataType codes from onnx.proto. */
export const ONNX_DATA_TYPE: Record<DType, number> = { float32: 1, int32: 6, int64: 7, bool: 9, float64: 11 };

/** The dtype a typed array holds; a Uint8Array is taken as bool, the only byte type Rosetta uses. */
export function dtypeOf(data: TensorData): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  return 'bool';
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

export function tensor<D extends DType>(dtype: D, shape: number[], data: TensorDataMap[D]): Tensor<D> {
  if (data.length !== elementCount(shape)) throw new Error(`${data.length} values do not fill a ${dtype} tensor of shape [${shape}]`);
  return { dtype, shape, data };
}

/** The data's bytes as TensorProto.raw_data wants them: little-endian, as typed arrays are wherever wasm runs. */
export function rawBytes(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
