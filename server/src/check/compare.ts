// Comparing two computed tensors: shapes, dtype kinds, NaN placement, max abs / max rel error and allclose.
import { elementCount, type Tensor } from './onnx/tensor';

export interface Tolerance {
  rtol: number;
  atol: number;
}

export interface TensorComparison {
  /** why the two cannot be compared elementwise, or why they differ beyond numbers; undefined when comparable */
  problem?: string;
  maxAbs: number;
  maxRel: number;
  close: boolean;
}

const kind = (t: Tensor): string => (t.dtype === 'bool' ? 'bool' : t.dtype.startsWith('int') ? 'int' : 'float');

/** numpy.allclose(actual, expected, rtol, atol) semantics: |a - e| <= atol + rtol * |e|; NaNs must coincide. */
export function compareTensors(expected: Tensor, actual: Tensor, tolerance: Tolerance): TensorComparison {
  const sameShape = expected.shape.length === actual.shape.length && expected.shape.every((d, i) => d === actual.shape[i]);
  if (!sameShape) return { problem: `shape [${expected.shape}] in the source, [${actual.shape}] in the target`, maxAbs: Infinity, maxRel: Infinity, close: false };
  if (kind(expected) !== kind(actual)) return { problem: `dtype ${expected.dtype} in the source, ${actual.dtype} in the target`, maxAbs: Infinity, maxRel: Infinity, close: false };
  let maxAbs = 0;
  let maxRel = 0;
  let close = true;
  let nanMismatch = 0;
  const n = elementCount(expected.shape);
  for (let i = 0; i < n; i++) {
    const e = Number(expected.data[i]);
    const a = Number(actual.data[i]);
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) nanMismatch++;
      continue;
    }
    const diff = e === a ? 0 : Math.abs(a - e);
    maxAbs = Math.max(maxAbs, diff);
    if (e !== 0) maxRel = Math.max(maxRel, diff / Math.abs(e));
    else if (diff > 0) maxRel = Infinity;
    if (!(diff <= tolerance.atol + tolerance.rtol * Math.abs(e))) close = false;
  }
  if (nanMismatch) return { problem: `NaN in ${nanMismatch} position(s) of one side only`, maxAbs, maxRel, close: false };
  return { maxAbs, maxRel, close };
}

/** Decade edges of the error histogram: counts of |actual - expected| below 1e-9, in [1e-9, 1e-8), ..., and >= 1. */
export const HISTOGRAM_EDGES = [1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1];

export function errorHistogram(expected: Tensor, actual: Tensor): number[] {
  const counts = new Array<number>(HISTOGRAM_EDGES.length + 1).fill(0);
  const n = Math.min(expected.data.length, actual.data.length);
  for (let i = 0; i < n; i++) {
    const diff = Math.abs(Number(actual.data[i]) - Number(expected.data[i]));
    if (Number.isNaN(diff)) continue;
    const bin = HISTOGRAM_EDGES.findIndex((edge) => diff < edge);
    counts[bin < 0 ? HISTOGRAM_EDGES.length : bin]++;
  }
  return counts;
}
