// ONNX primitives with shape and dtype inference: what the framework hosts lower their calls to. Every function
// takes and returns framework-neutral values; defaults and argument conventions belong to the hosts.
import type { DType } from '../onnx/tensor';
import { Tracer, type Sym } from './tracer';

type Shape = readonly number[];

/** Shapes or dtypes that do not fit an op: the program would fail in its framework too (or a host promoted wrongly). */
export class ShapeError extends RangeError {
  line: number | undefined = undefined;
}

export function rankError(message: string): Error {
  return new ShapeError(message);
}

/** Python-style axis (negative counts from the end) as a non-negative one. */
export function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= Math.max(rank, 1)) throw rankError(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

export function broadcastShapes(...shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let dim = 1;
    for (const s of shapes) {
      const d = s[s.length - rank + i] ?? 1;
      if (d !== 1 && dim !== 1 && d !== dim) throw rankError(`shapes [${shapes.map((x) => x.join(',')).join('] and [')}] do not broadcast`);
      if (d !== 1) dim = d;
    }
    out.push(dim);
  }
  return out;
}

export const FLOAT_TYPES: ReadonlySet<DType> = new Set(['float32', 'float64']);
export const isFloat = (x: Sym): boolean => FLOAT_TYPES.has(x.dtype);

export function size(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

// ---- constants

export function scalar(t: Tracer, value: number | boolean, dtype: DType): Sym {
  return full(t, [], value, dtype);
}

export function full(t: Tracer, shape: Shape, value: number | boolean, dtype: DType): Sym {
  const n = size(shape);
  const v = typeof value === 'boolean' ? Number(value) : value;
  const data = dtype === 'float32' ? new Float32Array(n).fill(v)
    : dtype === 'float64' ? new Float64Array(n).fill(v)
    : dtype === 'int32' ? new Int32Array(n).fill(v)
    : dtype === 'int64' ? new BigInt64Array(n).fill(BigInt(Math.trunc(v)))
    : new Uint8Array(n).fill(v ? 1 : 0);
  return t.constant(data, shape);
}

/** A constant from plain numbers (row-major). */
export function fromValues(t: Tracer, values: readonly number[], shape: Shape, dtype: DType): Sym {
  const data = dtype === 'float32' ? Float32Array.from(values)
    : dtype === 'float64' ? Float64Array.from(values)
    : dtype === 'int32' ? Int32Array.from(values)
    : dtype === 'int64' ? BigInt64Array.from(values.map((v) => BigInt(Math.trunc(v))))
    : Uint8Array.from(values.map((v) => (v ? 1 : 0)));
  return t.constant(data, shape);
}

function int64s(t: Tracer, values: readonly number[]): Sym {
  return fromValues(t, values, [values.length], 'int64');
}

export function arange(t: Tracer, start: number, stop: number, step: number, dtype: DType): Sym {
  const n = Math.max(0, Math.ceil((stop - start) / step));
  return fromValues(t, Array.from({ length: n }, (_, i) => start + i * step), [n], dtype);
}

// ---- elementwise

export function cast(t: Tracer, x: Sym, dtype: DType): Sym {
  if (x.dtype === dtype) return x;
  return t.node('Cast', [x], { to: ONNX_TYPE[dtype] }, { dtype, shape: x.shape });
}

const ONNX_TYPE: Record<DType, number> = { float32: 1, int32: 6, int64: 7, bool: 9, float64: 11 };

export function unary(t: Tracer, op: string, x: Sym, attributes: Record<string, number | string> = {}): Sym {
  return t.node(op, [x], attributes, { dtype: x.dtype, shape: x.shape });
}

const BOOL_RESULT = new Set(['Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'And', 'Or', 'Xor']);

/** An ONNX binary op with numpy broadcasting; both operands must already share a dtype (hosts promote). */
export function binary(t: Tracer, op: string, a: Sym, b: Sym, attributes: Record<string, number> = {}): Sym {
  if (a.dtype !== b.dtype) throw new ShapeError(`${op}: operands of dtype ${a.dtype} and ${b.dtype} (promote first)`);
  const dtype = BOOL_RESULT.has(op) ? 'bool' : a.dtype;
  return t.node(op, [a, b], attributes, { dtype, shape: broadcastShapes(a.shape, b.shape) });
}

export function not(t: Tracer, x: Sym): Sym {
  return t.node('Not', [x], {}, { dtype: 'bool', shape: x.shape });
}

export function notEqual(t: Tracer, a: Sym, b: Sym): Sym {
  return not(t, binary(t, 'Equal', a, b));
}

/** IsNaN, false everywhere for non-float dtypes (which hold no nan). */
export function isNan(t: Tracer, x: Sym): Sym {
  if (!isFloat(x)) return full(t, x.shape, false, 'bool');
  return t.node('IsNaN', [x], {}, { dtype: 'bool', shape: x.shape });
}

/** IsInf, detecting +inf and/or -inf; false everywhere for non-float dtypes. */
export function isInf(t: Tracer, x: Sym, positive = true, negative = true): Sym {
  if (!isFloat(x)) return full(t, x.shape, false, 'bool');
  return t.node('IsInf', [x], { detect_positive: positive ? 1 : 0, detect_negative: negative ? 1 : 0 }, { dtype: 'bool', shape: x.shape });
}

export function where(t: Tracer, condition: Sym, a: Sym, b: Sym): Sym {
  if (a.dtype !== b.dtype) throw new ShapeError(`Where: branches of dtype ${a.dtype} and ${b.dtype}`);
  return t.node('Where', [cast(t, condition, 'bool'), a, b], {}, { dtype: a.dtype, shape: broadcastShapes(condition.shape, a.shape, b.shape) });
}

export function clip(t: Tracer, x: Sym, low: Sym | null, high: Sym | null): Sym {
  return t.node('Clip', [x, low, high], {}, { dtype: x.dtype, shape: x.shape });
}

// ---- linear algebra

export function matmul(t: Tracer, a: Sym, b: Sym): Sym {
  if (!a.shape.length || !b.shape.length) throw rankError('matmul needs operands of rank at least 1');
  const aShape = a.shape.length === 1 ? [1, a.shape[0]] : a.shape;
  const bShape = b.shape.length === 1 ? [b.shape[0], 1] : b.shape;
  const k = aShape[aShape.length - 1];
  if (k !== bShape[bShape.length - 2]) throw rankError(`matmul: shapes [${a.shape}] and [${b.shape}] do not align`);
  const batch = broadcastShapes(aShape.slice(0, -2), bShape.slice(0, -2));
  const shape = [...batch, ...(a.shape.length === 1 ? [] : [aShape[aShape.length - 2]]), ...(b.shape.length === 1 ? [] : [bShape[bShape.length - 1]])];
  return t.node('MatMul', [a, b], {}, { dtype: a.dtype, shape });
}

/** numpy/torch einsum; the output shape follows the explicit or implicit (sorted free letters) output. */
export function einsum(t: Tracer, equation: string, operands: Sym[]): Sym {
  const eq = equation.replace(/\s+/g, '');
  if (eq.includes('.')) throw rankError('einsum with ellipsis');
  const [lhs, explicit] = eq.split('->');
  const terms = lhs.split(',');
  if (terms.length !== operands.length) throw rankError(`einsum '${equation}' names ${terms.length} operands, got ${operands.length}`);
  const dims = new Map<string, number>();
  const counts = new Map<string, number>();
  terms.forEach((term, i) => [...term].forEach((letter, j) => {
    const d = operands[i].shape[j];
    if (term.length !== operands[i].shape.length) throw rankError(`einsum term '${term}' does not match shape [${operands[i].shape}]`);
    const known = dims.get(letter);
    if (known !== undefined && known !== d && known !== 1 && d !== 1) throw rankError(`einsum: '${letter}' is ${known} and ${d}`);
    dims.set(letter, Math.max(known ?? 1, d));
    counts.set(letter, (counts.get(letter) ?? 0) + 1);
  }));
  const output = explicit ?? [...counts].filter(([, n]) => n === 1).map(([l]) => l).sort().join('');
  const shape = [...output].map((l) => dims.get(l)!);
  return t.node('Einsum', operands, { equation: `${lhs}->${output}` }, { dtype: operands[0].dtype, shape });
}

// ---- shape

export function reshape(t: Tracer, x: Sym, shape: readonly number[]): Sym {
  const total = size(x.shape);
  const known = shape.filter((d) => d !== -1);
  const inferred = shape.length - known.length;
  if (inferred > 1) throw rankError('only one dimension can be -1');
  const rest = size(known);
  const resolved = shape.map((d) => (d === -1 ? (rest ? total / rest : 0) : d));
  if (size(resolved) !== total || resolved.some((d) => !Number.isInteger(d) || d < 0)) {
    throw rankError(`cannot reshape a tensor of shape [${x.shape}] (${total} elements) to [${shape}]`);
  }
  if (resolved.length === x.shape.length && resolved.every((d, i) => d === x.shape[i])) return x;
  return t.node('Reshape', [x, int64s(t, resolved)], { allowzero: 1 }, { dtype: x.dtype, shape: resolved });
}

export function transpose(t: Tracer, x: Sym, perm: readonly number[]): Sym {
  if (perm.length !== x.shape.length) throw rankError(`permutation [${perm}] for a tensor of rank ${x.shape.length}`);
  const p = perm.map((a) => normAxis(a, x.shape.length));
  if (new Set(p).size !== p.length) throw rankError(`permutation [${perm}] repeats an axis`);
  if (p.every((a, i) => a === i)) return x;
  return t.node('Transpose', [x], { perm: p }, { dtype: x.dtype, shape: p.map((a) => x.shape[a]) });
}

export function swapAxes(t: Tracer, x: Sym, a: number, b: number): Sym {
  const perm = x.shape.map((_, i) => i);
  const [i, j] = [normAxis(a, x.shape.length), normAxis(b, x.shape.length)];
  [perm[i], perm[j]] = [perm[j], perm[i]];
  return transpose(t, x, perm);
}

export function expand(t: Tracer, x: Sym, shape: readonly number[]): Sym {
  const out = broadcastShapes(x.shape, shape);
  if (out.length === x.shape.length && out.every((d, i) => d === x.shape[i])) return x;
  return t.node('Expand', [x, int64s(t, out)], {}, { dtype: x.dtype, shape: out });
}

export function unsqueeze(t: Tracer, x: Sym, axes: readonly number[]): Sym {
  const rank = x.shape.length + axes.length;
  const norm = axes.map((a) => normAxis(a, rank)).sort((a, b) => a - b);
  const shape = [...x.shape];
  for (const a of norm) shape.splice(a, 0, 1);
  return t.node('Unsqueeze', [x, int64s(t, norm)], {}, { dtype: x.dtype, shape });
}

/** Removes the given axes (each must be 1), or every axis of size 1 when axes is undefined. */
export function squeeze(t: Tracer, x: Sym, axes?: readonly number[]): Sym {
  const norm = axes ? axes.map((a) => normAxis(a, x.shape.length)) : x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  if (!norm.length) return x;
  for (const a of norm) if (x.shape[a] !== 1) throw rankError(`cannot squeeze axis ${a} of size ${x.shape[a]}`);
  return reshape(t, x, x.shape.filter((_, i) => !norm.includes(i)));
}

export function concat(t: Tracer, xs: readonly Sym[], axis: number): Sym {
  if (!xs.length) throw rankError('concatenate needs at least one tensor');
  const rank = xs[0].shape.length;
  const a = normAxis(axis, rank);
  for (const x of xs) {
    if (x.shape.length !== rank || x.shape.some((d, i) => i !== a && d !== xs[0].shape[i])) throw rankError(`cannot concatenate shapes [${xs.map((s) => s.shape.join(',')).join('] and [')}] on axis ${axis}`);
  }
  if (xs.length === 1) return xs[0];
  const shape = [...xs[0].shape];
  shape[a] = xs.reduce((sum, x) => sum + x.shape[a], 0);
  return t.node('Concat', [...xs], { axis: a }, { dtype: xs[0].dtype, shape });
}

export function stack(t: Tracer, xs: readonly Sym[], axis: number): Sym {
  const a = normAxis(axis, xs[0].shape.length + 1);
  return concat(t, xs.map((x) => unsqueeze(t, x, [a])), a);
}

/** Python slice bounds for a dimension of size n: the clamped start, the element count, and the step. */
export function sliceBounds(n: number, start: number | null, stop: number | null, step: number | null): { start: number; count: number; step: number } {
  const s = step ?? 1;
  if (s === 0) throw rankError('slice step cannot be zero');
  const clampIndex = (v: number, low: number, high: number) => Math.min(Math.max(v < 0 ? v + n : v, low), high);
  const begin = start === null ? (s > 0 ? 0 : n - 1) : clampIndex(start, s > 0 ? 0 : -1, s > 0 ? n : n - 1);
  const end = stop === null ? (s > 0 ? n : -1) : clampIndex(stop, s > 0 ? 0 : -1, s > 0 ? n : n - 1);
  const count = Math.max(0, Math.ceil((end - begin) / s));
  return { start: begin, count, step: s };
}

/** x[start:stop:step] along one axis, Python bounds. */
export function sliceAxis(t: Tracer, x: Sym, axis: number, start: number | null, stop: number | null, step: number | null = 1): Sym {
  const a = normAxis(axis, x.shape.length);
  const b = sliceBounds(x.shape[a], start, stop, step);
  if (b.step === 1 && b.start === 0 && b.count === x.shape[a]) return x;
  const shape = [...x.shape];
  shape[a] = b.count;
  // the end index for ONNX: one step past the last element taken (INT64_MIN-like sentinel for negative steps)
  const end = b.count === 0 ? b.start : b.start + b.count * b.step;
  const onnxEnd = b.step < 0 && end < 0 ? -(2 ** 53) : end;
  return t.node('Slice', [x, int64s(t, [b.start]), int64s(t, [onnxEnd]), int64s(t, [a]), int64s(t, [b.step])], {}, { dtype: x.dtype, shape });
}

/** x.take(indices, axis): the index tensor's shape replaces the axis. Negative indices count from the end. */
export function gather(t: Tracer, x: Sym, indices: Sym, axis: number): Sym {
  const a = normAxis(axis, x.shape.length);
  const shape = [...x.shape.slice(0, a), ...indices.shape, ...x.shape.slice(a + 1)];
  return t.node('Gather', [x, indices], { axis: a }, { dtype: x.dtype, shape });
}

export function gatherElements(t: Tracer, x: Sym, indices: Sym, axis: number): Sym {
  const a = normAxis(axis, x.shape.length);
  return t.node('GatherElements', [x, indices], { axis: a }, { dtype: x.dtype, shape: indices.shape });
}

/** Splits into pieces of the given sizes along an axis. */
export function split(t: Tracer, x: Sym, sizes: readonly number[], axis: number): Sym[] {
  const a = normAxis(axis, x.shape.length);
  let start = 0;
  return sizes.map((n) => {
    const piece = sliceAxis(t, x, a, start, start + n);
    start += n;
    return piece;
  });
}

export function pad(t: Tracer, x: Sym, before: readonly number[], after: readonly number[], mode: 'constant' | 'reflect' | 'edge' | 'wrap', value: Sym | null): Sym {
  const shape = x.shape.map((d, i) => d + before[i] + after[i]);
  if (before.every((p) => p === 0) && after.every((p) => p === 0)) return x;
  return t.node('Pad', [x, int64s(t, [...before, ...after]), value], { mode }, { dtype: x.dtype, shape });
}

export function trilu(t: Tracer, x: Sym, upper: boolean, k: number): Sym {
  return t.node('Trilu', [x, fromValues(t, [k], [], 'int64')], { upper: upper ? 1 : 0 }, { dtype: x.dtype, shape: x.shape });
}

export function tile(t: Tracer, x: Sym, repeats: readonly number[]): Sym {
  return t.node('Tile', [x, int64s(t, repeats)], {}, { dtype: x.dtype, shape: x.shape.map((d, i) => d * repeats[i]) });
}

// ---- reductions

/** ReduceSum/Mean/Max/Min/Prod/L2 over axes (undefined: all), opset 18 form with axes as an input. */
export function reduce(t: Tracer, op: string, x: Sym, axes: readonly number[] | undefined, keepdims: boolean): Sym {
  const rank = x.shape.length;
  const norm = axes === undefined ? x.shape.map((_, i) => i) : [...new Set(axes.map((a) => normAxis(a, rank)))];
  const shape = keepdims ? x.shape.map((d, i) => (norm.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !norm.includes(i));
  if (!norm.length) return x;
  return t.node(op, [x, int64s(t, norm)], { keepdims: keepdims ? 1 : 0 }, { dtype: x.dtype, shape });
}

export function argReduce(t: Tracer, op: 'ArgMax' | 'ArgMin', x: Sym, axis: number, keepdims: boolean): Sym {
  const a = normAxis(axis, x.shape.length);
  const shape = keepdims ? x.shape.map((d, i) => (i === a ? 1 : d)) : x.shape.filter((_, i) => i !== a);
  return t.node(op, [x], { axis: a, keepdims: keepdims ? 1 : 0, select_last_index: 0 }, { dtype: 'int64', shape });
}

export function softmax(t: Tracer, op: 'Softmax' | 'LogSoftmax', x: Sym, axis: number): Sym {
  return t.node(op, [x], { axis: normAxis(axis, x.shape.length) }, { dtype: x.dtype, shape: x.shape });
}

export function cumsum(t: Tracer, x: Sym, axis: number, reverse = false, exclusive = false): Sym {
  const a = normAxis(axis, x.shape.length);
  return t.node('CumSum', [x, fromValues(t, [a], [], 'int64')], { reverse: reverse ? 1 : 0, exclusive: exclusive ? 1 : 0 }, { dtype: x.dtype, shape: x.shape });
}

export function topk(t: Tracer, x: Sym, k: number, axis: number, largest: boolean, sorted: boolean): [Sym, Sym] {
  const a = normAxis(axis, x.shape.length);
  const shape = x.shape.map((d, i) => (i === a ? k : d));
  const [values, indices] = t.nodes('TopK', [x, int64s(t, [k])], { axis: a, largest: largest ? 1 : 0, sorted: sorted ? 1 : 0 }, [{ dtype: x.dtype, shape }, { dtype: 'int64', shape }]);
  return [values, indices];
}

// ---- neural network

export interface WindowOptions {
  kernel: readonly number[];
  strides: readonly number[];
  /** begin pads for every spatial axis, then end pads */
  pads: readonly number[];
  dilations: readonly number[];
}

function windowShape(x: Sym, channels: number, o: WindowOptions, ceil = false): number[] {
  const spatial = x.shape.slice(2).map((d, i) => {
    const span = d + o.pads[i] + o.pads[i + o.kernel.length] - o.dilations[i] * (o.kernel[i] - 1) - 1;
    let out = (ceil ? Math.ceil(span / o.strides[i]) : Math.floor(span / o.strides[i])) + 1;
    // a ceil-mode window must start inside the input or the left padding (torch and ONNX agree)
    if (ceil && (out - 1) * o.strides[i] >= d + o.pads[i]) out--;
    if (out <= 0) throw rankError(`a window of ${o.kernel[i]} does not fit an input of ${d} (with padding)`);
    return out;
  });
  return [x.shape[0], channels, ...spatial];
}

/** Convolution in channels-first layout: x [N, C, ...], w [O, C/groups, ...kernel]. */
export function conv(t: Tracer, x: Sym, w: Sym, bias: Sym | null, o: Omit<WindowOptions, 'kernel'> & { groups: number }): Sym {
  const kernel = w.shape.slice(2);
  if (x.shape[1] !== w.shape[1] * o.groups) throw rankError(`conv: input has ${x.shape[1]} channels, the weight expects ${w.shape[1] * o.groups}`);
  const shape = windowShape(x, w.shape[0], { ...o, kernel });
  return t.node('Conv', [x, w, bias], { kernel_shape: kernel, strides: o.strides, pads: o.pads, dilations: o.dilations, group: o.groups }, { dtype: x.dtype, shape });
}

/** Transposed convolution in channels-first layout: w [C, O/groups, ...kernel]. */
export function convTranspose(t: Tracer, x: Sym, w: Sym, bias: Sym | null, o: Omit<WindowOptions, 'kernel'> & { groups: number; outputPadding: readonly number[] }): Sym {
  const kernel = w.shape.slice(2);
  const spatial = x.shape.slice(2).map((d, i) => o.strides[i] * (d - 1) + o.outputPadding[i] + (kernel[i] - 1) * o.dilations[i] + 1 - o.pads[i] - o.pads[i + kernel.length]);
  const shape = [x.shape[0], w.shape[1] * o.groups, ...spatial];
  return t.node('ConvTranspose', [x, w, bias], { kernel_shape: kernel, strides: o.strides, pads: o.pads, dilations: o.dilations, group: o.groups, output_padding: o.outputPadding }, { dtype: x.dtype, shape });
}

export function maxPool(t: Tracer, x: Sym, o: WindowOptions & { ceil: boolean }): Sym {
  const shape = windowShape(x, x.shape[1], o, o.ceil);
  return t.node('MaxPool', [x], { kernel_shape: o.kernel, strides: o.strides, pads: o.pads, dilations: o.dilations, ceil_mode: o.ceil ? 1 : 0 }, { dtype: x.dtype, shape });
}

export function avgPool(t: Tracer, x: Sym, o: Omit<WindowOptions, 'dilations'> & { ceil: boolean; countIncludePad: boolean }): Sym {
  const dilations = o.kernel.map(() => 1);
  const shape = windowShape(x, x.shape[1], { ...o, dilations }, o.ceil);
  return t.node('AveragePool', [x], { kernel_shape: o.kernel, strides: o.strides, pads: o.pads, ceil_mode: o.ceil ? 1 : 0, count_include_pad: o.countIncludePad ? 1 : 0 }, { dtype: x.dtype, shape });
}

/** Normalizes over the trailing axes from `axis` on, then scales and shifts (scale/bias broadcast to those axes). */
export function layerNorm(t: Tracer, x: Sym, scale: Sym, bias: Sym | null, axis: number, epsilon: number): Sym {
  const a = normAxis(axis, x.shape.length);
  return t.node('LayerNormalization', [x, scale, bias], { axis: a, epsilon: { type: 'float', value: epsilon } }, { dtype: x.dtype, shape: x.shape });
}

export function gelu(t: Tracer, x: Sym, approximate: 'none' | 'tanh'): Sym {
  return t.node('Gelu', [x], { approximate }, { dtype: x.dtype, shape: x.shape });
}

export interface ResizeOptions {
  mode: 'nearest' | 'linear' | 'cubic';
  /** ONNX coordinate_transformation_mode: half_pixel, pytorch_half_pixel, align_corners, asymmetric */
  coordinates: string;
  /** for nearest: round_prefer_floor, round_prefer_ceil, floor, ceil */
  nearest?: string;
  cubicCoefficient?: number;
}

/** Resizes x to the given full output shape (ONNX Resize with explicit sizes). */
export function resize(t: Tracer, x: Sym, sizes: readonly number[], o: ResizeOptions): Sym {
  if (sizes.length !== x.shape.length) throw rankError(`resize to [${sizes}] from rank ${x.shape.length}`);
  const attributes: Parameters<Tracer['node']>[2] = { mode: o.mode, coordinate_transformation_mode: o.coordinates };
  if (o.nearest) attributes.nearest_mode = o.nearest;
  if (o.cubicCoefficient !== undefined) attributes.cubic_coeff_a = { type: 'float', value: o.cubicCoefficient };
  return t.node('Resize', [x, null, null, int64s(t, sizes)], attributes, { dtype: x.dtype, shape: sizes });
}
