// Where two programs part ways: the values each computed during the forward pass (assignments, returns, layer
// outputs, lambda results), in execution order, are aligned by a weighted longest common subsequence: only values of
// the same shape pair, and pairs from lines that correspond (the diff view's line alignment of the two texts) or with
// the same name weigh more. The first source value whose partner differs is the first divergence. The line
// alignment comes from the texts alone, so a hand-written port and a conversion are treated alike.
import { alignLines } from '../../../webview/align';
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

/** Weights of what makes two values likely the same: shape alone barely counts, so that many shape-only pairs cannot
 *  outweigh one pair from corresponding lines. */
const WEIGHT = { shape: 1, sameName: 50, linked: 100 };

export function firstDivergence(source: RecordedValue[], target: RecordedValue[], tolerance: Tolerance, texts: { source: string; target: string }): Divergence | null {
  const lines = alignLines(texts.source.split('\n'), texts.target.split('\n')).sourceToTarget;
  const linked = (s: RecordedValue, t: RecordedValue) => lines[s.line - 1]?.includes(t.line - 1) ?? false;
  const pairs = align(source.slice(0, MAX_ALIGNED), target.slice(0, MAX_ALIGNED), linked);
  const differs = ([i, j]: Pair) => {
    const c = compareTensors(source[i].value, target[j].value, tolerance);
    return c.problem || !c.close ? c.maxAbs : undefined;
  };
  // pairs that only share a shape may be two different values; the earliest pair known to correspond decides first
  for (const strongOnly of [true, false]) {
    for (const pair of pairs) {
      if (strongOnly && pair[2] < STRONG) continue;
      const maxAbs = differs(pair);
      if (maxAbs === undefined) continue;
      const [i, j] = pair;
      return { source: { line: source[i].line, target: source[i].target }, target: { line: target[j].line, target: target[j].target }, maxAbs };
    }
  }
  return null;
}

/** (source index, target index, score) */
type Pair = [number, number, number];
/** pairs from corresponding lines or with the same name */
const STRONG = WEIGHT.sameName;

const sameShape = (a: Tensor, b: Tensor) => a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);

type Linked = (s: RecordedValue, t: RecordedValue) => boolean;

function score(s: RecordedValue, t: RecordedValue, linked: Linked): number {
  if (!sameShape(s.value, t.value)) return 0;
  return WEIGHT.shape + (linked(s, t) ? WEIGHT.linked : 0) + (s.target === t.target ? WEIGHT.sameName : 0);
}


/** Index pairs (source, target) of the best alignment, in execution order. */
function align(source: RecordedValue[], target: RecordedValue[], linked: Linked): Pair[] {
  const n = source.length;
  const m = target.length;
  const width = m + 1;
  const best = new Int32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const pair = score(source[i], target[j], linked);
      const skip = Math.max(best[(i + 1) * width + j], best[i * width + j + 1]);
      best[i * width + j] = pair ? Math.max(skip, pair + best[(i + 1) * width + j + 1]) : skip;
    }
  }
  const pairs: Pair[] = [];
  // on ties, a value pairs with the later of equal candidates: a wrapped call (ChannelsFirst(nnx.Conv(...))) records
  // the inner call first, and the outer value is the one that corresponds
  for (let i = 0, j = 0; i < n && j < m;) {
    const here = best[i * width + j];
    if (best[i * width + j + 1] === here) j++;
    else if (best[(i + 1) * width + j] === here) i++;
    else pairs.push([i++, j++, score(source[i - 1], target[j - 1], linked)]);
  }
  return pairs;
}
