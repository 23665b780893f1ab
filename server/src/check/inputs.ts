// Input specs as the CLI takes them (`x=float32[2,3,16,16]`, `tokens=int64[2,12]:0..50`, `y=float32[3]:0.5..2`)
// and seeded random data for them and for weights.
import { elementCount, tensor, type DType, type Tensor } from './onnx/tensor';

export interface InputSpec {
  name: string;
  dtype: DType;
  shape: number[];
  range?: [number, number];
}

const SPEC = /^(\w+)=(float32|float64|int32|int64|bool)\[([\d,\s]*)\](?::(-?[\d.e+-]+)\.\.(-?[\d.e+-]+))?$/;

export function parseInputSpec(text: string): InputSpec {
  const m = SPEC.exec(text.trim());
  if (!m) throw new Error(`bad input spec '${text}': expected NAME=DTYPE[SHAPE][:LOW..HIGH], DTYPE one of float32, float64, int32, int64, bool`);
  const [, name, dtype, dims, low, high] = m;
  const shape = dims.split(',').map((d) => d.trim()).filter(Boolean).map(Number);
  const range: [number, number] | undefined = low === undefined ? undefined : [Number(low), Number(high)];
  if (range && !(range[0] < range[1])) throw new Error(`bad input spec '${text}': the range is empty`);
  if ((dtype === 'int32' || dtype === 'int64') && !range) throw new Error(`bad input spec '${text}': integer inputs need a range, e.g. :0..50`);
  return { name, dtype: dtype as DType, shape, range };
}

/** A small, fast, seedable generator (mulberry32): the same seed gives the same data on every machine. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** uniform in [0, 1) */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

/** Data for a spec: standard normal floats unless a range is given; integers uniform in [low, high). */
export function drawInput(spec: InputSpec, random: Random): Tensor {
  const n = elementCount(spec.shape);
  const values = Array.from({ length: n }, () => {
    if (spec.dtype === 'bool') return random.next() < 0.5 ? 1 : 0;
    if (spec.dtype.startsWith('int')) return Math.floor(random.uniform(spec.range![0], spec.range![1]));
    return spec.range ? random.uniform(spec.range[0], spec.range[1]) : random.normal();
  });
  return fromNumbers(spec.dtype, spec.shape, values);
}

export function fromNumbers(dtype: DType, shape: number[], values: number[]): Tensor {
  switch (dtype) {
    case 'float32': return tensor(dtype, shape, Float32Array.from(values));
    case 'float64': return tensor(dtype, shape, Float64Array.from(values));
    case 'int32': return tensor(dtype, shape, Int32Array.from(values));
    case 'int64': return tensor(dtype, shape, BigInt64Array.from(values.map((v) => BigInt(v))));
    case 'bool': return tensor(dtype, shape, Uint8Array.from(values));
  }
}

export function toNumbers(t: Tensor): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}
