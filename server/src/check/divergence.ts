// Where two programs part ways: the values each assigned during the forward pass, in execution order, are aligned
// (a weighted longest common subsequence: same shape to pair, same assignment target preferred), and the first
// source value whose partner differs is the first divergence. This needs no line map, so a hand-written port and
// a conversion are treated alike.
import { compareTensors, type Tolerance } from './compare';
import type { Tensor } from './onnx/tensor';

export interface RecordedValue {
  line: number;
  target: string;
  value: Tensor;
}

export interface Divergence {
  source: { line: number; target: string };
  target: { line: number; target: string };
  maxAbs: number;
}

/** Alignment beyond this many values per side costs more than it tells; later values are not matched. */
export const MAX_ALIGNED = 2000;

export function firstDivergence(source: RecordedValue[], target: RecordedValue[], tolerance: Tolerance): Divergence | null {
  const pairs = align(source.slice(0, MAX_ALIGNED), target.slice(0, MAX_ALIGNED));
  for (const [i, j] of pairs) {
    const c = compareTensors(source[i].value, target[j].value, tolerance);
    if (c.problem || !c.close) {
      return { source: { line: source[i].line, target: source[i].target }, target: { line: target[j].line, target: target[j].target }, maxAbs: c.maxAbs };
    }
  }
  return null;
}

const sameShape = (a: Tensor, b: Tensor) => a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);

function score(s: RecordedValue, t: RecordedValue): number {
  if (!sameShape(s.value, t.value)) return 0;
  return s.target === t.target ? 3 : 1;
}

/** Index pairs (source, target) of the best alignment, in execution order. */
function align(source: RecordedValue[], target: RecordedValue[]): Array<[number, number]> {
  const n = source.length;
  const m = target.length;
  const width = m + 1;
  const best = new Int32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const pair = score(source[i], target[j]);
      const skip = Math.max(best[(i + 1) * width + j], best[i * width + j + 1]);
      best[i * width + j] = pair ? Math.max(skip, pair + best[(i + 1) * width + j + 1]) : skip;
    }
  }
  const pairs: Array<[number, number]> = [];
  for (let i = 0, j = 0; i < n && j < m;) {
    const pair = score(source[i], target[j]);
    if (pair && best[i * width + j] === pair + best[(i + 1) * width + j + 1]) pairs.push([i++, j++]);
    else if (best[(i + 1) * width + j] >= best[i * width + j + 1]) i++;
    else j++;
  }
  return pairs;
}
