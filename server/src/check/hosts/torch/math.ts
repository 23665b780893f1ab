// More torch functions and Tensor methods: elementwise math, order statistics, shape helpers, vector/matrix products,
// norms and distances, reshuffles and pools, and torch.* spellings of functionals; each is composed from ONNX
// primitives with torch's semantics (checked against real torch in the lowering table and trace-torch tests).
import { PyTuple, type InterpreterApi, type Value } from '../../interp';
import { isNone, items, isSequence, shapeArgs, toBool, toInt, toInts, toNumber, toStr } from '../../trace/args';
import * as ops from '../../trace/ops';
import { DataDependent, NotLowered, type Sym, type Tracer } from '../../trace/tracer';
import { avgPool, dropout } from './functional';
import { dimsArg, dtypeArg, namedPair, tensorArg, valuesIndices } from './functions';
import { callEntry, define, defineExactly, lookup } from './registry';
import { binaryOperator, elementwise, floatResult, resultType, TorchTensor, type TorchContext } from './tensor';

const both = (name: string) => [`torch.${name}`, `Tensor.${name}`];
const k = (t: Tracer, x: Sym, v: number) => ops.scalar(t, v, x.dtype);
const [add, sub, mul, div] = ['Add', 'Sub', 'Mul', 'Div'].map((op) => (t: Tracer, a: Sym, b: Sym) => ops.binary(t, op, a, b));
const isFloatSym = (x: Sym) => x.dtype.startsWith('float');
const toFloat = (t: Tracer, x: Sym): Sym => (isFloatSym(x) ? x : ops.cast(t, x, 'float32'));
const isNan = (t: Tracer, x: Sym) => t.node('IsNaN', [x], {}, { dtype: 'bool', shape: x.shape });
const isInf = (t: Tracer, x: Sym, positive = 1, negative = 1) => t.node('IsInf', [x], { detect_positive: positive, detect_negative: negative }, { dtype: 'bool', shape: x.shape });
const FLOAT_MAX: Record<string, number> = { float32: 3.4028234663852886e38, float64: Number.MAX_VALUE };

// ---- elementwise

/** binary ops computed in floating point after promotion */
const FLOAT_BINARY: Record<string, (t: Tracer, x: Sym, y: Sym) => Sym> = {
  atan2: (t, y, x) => {
    // atan(y/x), moved by ±pi into the left half-plane; x == 0 gives ±pi/2 (0 when y == 0 too)
    const base = ops.unary(t, 'Atan', div(t, y, x));
    const shift = ops.where(t, ops.binary(t, 'Less', y, k(t, y, 0)), k(t, y, -Math.PI), k(t, y, Math.PI));
    const left = ops.where(t, ops.binary(t, 'Less', x, k(t, x, 0)), add(t, base, shift), base);
    return ops.where(t, ops.binary(t, 'Equal', x, k(t, x, 0)), mul(t, ops.unary(t, 'Sign', y), k(t, y, Math.PI / 2)), left);
  },
  copysign: (t, x, y) => {
    // the sign bit of y, -0.0 included (1/-0 is -inf)
    const negative = ops.binary(t, 'Or', ops.binary(t, 'Less', y, k(t, y, 0)), ops.binary(t, 'Less', ops.unary(t, 'Reciprocal', y), k(t, y, 0)));
    const magnitude = ops.unary(t, 'Abs', x);
    return ops.where(t, negative, ops.unary(t, 'Neg', magnitude), magnitude);
  },
  logaddexp: (t, x, y) => logAddExp(t, x, y, Math.E),
  logaddexp2: (t, x, y) => logAddExp(t, x, y, 2),
};

/** max + log_b(1 + b^-|x-y|); equal operands (infinities included) give x + log_b 2 */
function logAddExp(t: Tracer, x: Sym, y: Sym, base: number): Sym {
  const ln = Math.log(base);
  const spread = ops.unary(t, 'Neg', ops.unary(t, 'Abs', sub(t, x, y)));
  const tail = div(t, ops.unary(t, 'Log', add(t, k(t, x, 1), ops.unary(t, 'Exp', mul(t, spread, k(t, x, ln))))), k(t, x, ln));
  return ops.where(t, ops.binary(t, 'Equal', x, y), add(t, x, k(t, x, Math.LN2 / ln)), add(t, ops.binary(t, 'Max', x, y), tail));
}

for (const [name, lower] of Object.entries(FLOAT_BINARY)) {
  define(both(name), '(input, other)', (a, c) => elementwise(c, [a.input, a.other], ([x, y]) => lower(c.t, x, y), floatResult));
}
defineExactly(both('float_power'), '(input, exponent)', (a, c) => elementwise(c, [a.input, a.exponent], ([x, y]) => ops.binary(c.t, 'Pow', x, y), () => 'float64'));
defineExactly(both('heaviside'), '(input, values)', (a, c) => elementwise(c, [a.input, a.values], ([x, v]) => {
  const step = ops.cast(c.t, ops.binary(c.t, 'Greater', x, k(c.t, x, 0)), x.dtype);
  return ops.where(c.t, ops.binary(c.t, 'Equal', x, k(c.t, x, 0)), ops.expand(c.t, v, ops.broadcastShapes(x.shape, v.shape)), step);
}));
define(both('isclose'), '(input, other, rtol=1e-05, atol=1e-08, equal_nan=False)', (a, c) => {
  const [p, q] = promoted(c.t, tensorArg(a.input), tensorArg(a.other));
  // exactly equal (infinities), or |x - y| <= atol + rtol·|y| (ints compared in float64); NaN = NaN only with equal_nan
  const [x, y] = [p, q].map((v) => (isFloatSym(v) ? v : ops.cast(c.t, v, 'float64')));
  const within = ops.binary(c.t, 'LessOrEqual', ops.unary(c.t, 'Abs', sub(c.t, x, y)), add(c.t, k(c.t, x, toNumber(a.atol)), mul(c.t, k(c.t, x, toNumber(a.rtol)), ops.unary(c.t, 'Abs', y))));
  const close = ops.binary(c.t, 'Or', ops.binary(c.t, 'Equal', x, y), within);
  return c.wrap(toBool(a.equal_nan) ? ops.binary(c.t, 'Or', close, ops.binary(c.t, 'And', isNan(c.t, x), isNan(c.t, y))) : close);
});
define(both('allclose').concat(both('equal')), '(input, other)', () => {
  throw new DataDependent('a Python bool computed from tensor values (allclose/equal)');
});

/** two tensors promoted to their common dtype */
function promoted(t: Tracer, x: Sym, y: Sym): Sym[] {
  const dtype = resultType([{ sym: x }, { sym: y }]);
  return [ops.cast(t, x, dtype), ops.cast(t, y, dtype)];
}

/** unary ops on floats; ints give the answer for finite numbers */
const PREDICATES: Record<string, [(t: Tracer, x: Sym) => Sym, boolean]> = {
  isfinite: [(t, x) => ops.not(t, ops.binary(t, 'Or', isNan(t, x), isInf(t, x))), true],
  isposinf: [(t, x) => isInf(t, x, 1, 0), false],
  isneginf: [(t, x) => isInf(t, x, 0, 1), false],
};
for (const [name, [lower, forInts]] of Object.entries(PREDICATES)) {
  define(both(name), '(input)', (a, c) => {
    const x = tensorArg(a.input);
    return c.wrap(isFloatSym(x) ? lower(c.t, x) : ops.full(c.t, x.shape, forInts, 'bool'));
  });
}
define(both('positive'), '(input)', (a, c) => c.wrap(tensorArg(a.input)));
define(both('bitwise_not'), '(input)', (a, c) => {
  const x = tensorArg(a.input);
  if (isFloatSym(x)) throw new NotLowered('bitwise_not', 'a floating input (an error in torch)');
  return c.wrap(x.dtype === 'bool' ? ops.not(c.t, x) : ops.unary(c.t, 'BitwiseNot', x));
});
define(both('nan_to_num'), '(input, nan=0.0, posinf=None, neginf=None)', (a, c) => {
  const x = tensorArg(a.input);
  if (!isFloatSym(x)) return c.wrap(x);
  // infinities default to the dtype's largest finite values
  const fill = (v: Value, fallback: number) => k(c.t, x, isNone(v) ? fallback : toNumber(v));
  const max = FLOAT_MAX[x.dtype];
  const y = ops.where(c.t, isNan(c.t, x), fill(a.nan, 0), x);
  return c.wrap(ops.where(c.t, isInf(c.t, x, 1, 0), fill(a.posinf, max), ops.where(c.t, isInf(c.t, x, 0, 1), fill(a.neginf, -max), y)));
});
define(both('count_nonzero'), '(input, dim=None)', (a, c) => {
  const x = tensorArg(a.input);
  const nonzero = ops.cast(c.t, ops.notEqual(c.t, x, ops.scalar(c.t, 0, x.dtype === 'bool' ? 'bool' : x.dtype)), 'int64');
  return c.wrap(ops.reduce(c.t, 'ReduceSum', nonzero, dimsArg(a.dim), false));
});

// ---- order statistics

/** the k smallest along dim, ascending: values and indices */
function smallest(t: Tracer, x: Sym, count: number, dim: number): [Sym, Sym] {
  return ops.topk(t, x, count, dim, false, true);
}

/** the k-th smallest (1-based) along dim: values and indices */
function kth(t: Tracer, x: Sym, kth: number, dim: number, keepdim: boolean): [Sym, Sym] {
  const axis = ops.normAxis(dim, Math.max(x.shape.length, 1));
  const pick = (s: Sym) => {
    const one = ops.sliceAxis(t, s, axis, kth - 1, kth);
    return keepdim ? one : ops.squeeze(t, one, [axis]);
  };
  const [values, indices] = smallest(t, x, kth, axis);
  return [pick(values), pick(indices)];
}
const pairOf = (c: TorchContext, [values, indices]: [Sym, Sym]) => valuesIndices(c.wrap(values), c.wrap(indices));

define(both('kthvalue'), '(input, k, dim=-1, keepdim=False)', (a, c) => pairOf(c, kth(c.t, tensorArg(a.input), toInt(a.k), toInt(a.dim), toBool(a.keepdim))));
// the lower of the two middle values, as torch picks; a NaN in the slice makes the value NaN (and the index its own)
defineExactly(both('median'), '(input, dim=None, keepdim=False)', (a, c) => {
  const flat = isNone(a.dim);
  const x = flat ? ops.reshape(c.t, tensorArg(a.input), [ops.size(tensorArg(a.input).shape)]) : tensorArg(a.input);
  const dim = flat ? 0 : ops.normAxis(toInt(a.dim), x.shape.length);
  const keepdim = !flat && toBool(a.keepdim);
  let [values, indices] = kth(c.t, x, Math.floor((x.shape[dim] - 1) / 2) + 1, dim, keepdim);
  if (isFloatSym(x)) {
    const nan = ops.cast(c.t, isNan(c.t, x), 'int32');
    const hasNan = ops.cast(c.t, ops.reduce(c.t, 'ReduceMax', nan, [dim], keepdim), 'bool');
    values = ops.where(c.t, hasNan, k(c.t, values, NaN), values);
    indices = ops.where(c.t, hasNan, ops.argReduce(c.t, 'ArgMax', nan, dim, keepdim), indices);
  }
  return flat ? c.wrap(values) : pairOf(c, [values, indices]);
});
// the lower middle of the values that are not NaN (NaN when all are): NaN sorts last as +inf, the middle is computed
defineExactly(both('nanmedian'), '(input)', (a, c) => {
  const x = tensorArg(a.input);
  const flat = ops.reshape(c.t, x, [ops.size(x.shape)]);
  if (!isFloatSym(x)) return c.wrap(kth(c.t, flat, Math.floor((flat.shape[0] - 1) / 2) + 1, 0, false)[0]);
  const nan = isNan(c.t, flat);
  const sorted = smallest(c.t, ops.where(c.t, nan, k(c.t, flat, Infinity), flat), flat.shape[0], 0)[0];
  const count = ops.reduce(c.t, 'ReduceSum', ops.cast(c.t, ops.not(c.t, nan), 'int64'), undefined, false);
  const middle = ops.binary(c.t, 'Div', ops.binary(c.t, 'Max', ops.binary(c.t, 'Sub', count, ops.scalar(c.t, 1, 'int64')), ops.scalar(c.t, 0, 'int64')), ops.scalar(c.t, 2, 'int64'));
  const value = ops.gather(c.t, sorted, middle, 0);
  return c.wrap(ops.where(c.t, ops.binary(c.t, 'Equal', count, ops.scalar(c.t, 0, 'int64')), k(c.t, value, NaN), value));
});
define(both('msort'), '(input)', (a, c) => {
  const x = tensorArg(a.input);
  return c.wrap(smallest(c.t, x, x.shape[0], 0)[0]);
});
define(both('aminmax'), '(input, *, dim=None, keepdim=False)', (a, c) => {
  const x = tensorArg(a.input);
  const dims = isNone(a.dim) ? undefined : [toInt(a.dim)];
  const [min, max] = ['ReduceMin', 'ReduceMax'].map((op) => c.wrap(ops.reduce(c.t, op, x, dims, toBool(a.keepdim))));
  return namedPair(['min', 'max'], min, max);
});

define(both('quantile'), "(input, q, dim=None, keepdim=False, *, interpolation='linear')", (a, c) => {
  const x = toFloat(c.t, tensorArg(a.input));
  const flat = isNone(a.dim);
  const source = flat ? ops.reshape(c.t, x, [ops.size(x.shape)]) : x;
  const axis = flat ? 0 : ops.normAxis(toInt(a.dim), x.shape.length);
  const n = source.shape[axis];
  const sorted = smallest(c.t, source, n, axis)[0];
  const scalarQ = !(a.q instanceof TorchTensor);
  const q = scalarQ ? ops.fromValues(c.t, [toNumber(a.q)], [1], x.dtype) : ops.cast(c.t, tensorArg(a.q), x.dtype);
  const qs = ops.reshape(c.t, q, [ops.size(q.shape)]);
  const position = mul(c.t, qs, k(c.t, qs, n - 1));
  const [low, high] = [ops.unary(c.t, 'Floor', position), ops.unary(c.t, 'Ceil', position)];
  const at = (p: Sym) => ops.gather(c.t, sorted, ops.cast(c.t, p, 'int64'), axis);
  const mode = toStr(a.interpolation);
  const weight = (shape: Sym) => ops.reshape(c.t, sub(c.t, position, low), shape.shape.map((d, i) => (i === axis ? d : 1)));
  const [lo, hi] = [at(low), at(high)];
  const interpolated = mode === 'lower' ? lo : mode === 'higher' ? hi : mode === 'midpoint' ? mul(c.t, add(c.t, lo, hi), k(c.t, lo, 0.5))
    : mode === 'nearest' ? at(ops.unary(c.t, 'Round', position)) : add(c.t, lo, mul(c.t, weight(lo), sub(c.t, hi, lo)));
  // a slice holding NaN has NaN quantiles
  const hasNan = ops.cast(c.t, ops.reduce(c.t, 'ReduceMax', ops.cast(c.t, isNan(c.t, source), 'int32'), [axis], true), 'bool');
  const picked = ops.where(c.t, hasNan, k(c.t, interpolated, NaN), interpolated);
  // the q axis leads (none for a scalar q); keepdim keeps the reduced axes as 1
  let out = ops.transpose(c.t, picked, [axis, ...picked.shape.map((_, i) => i).filter((i) => i !== axis)]);
  if (toBool(a.keepdim)) out = ops.reshape(c.t, out, [qs.shape[0], ...x.shape.map((d, i) => (flat || i === axis ? 1 : d))]);
  return c.wrap(scalarQ ? ops.squeeze(c.t, out, [0]) : out);
});
define(both('logcumsumexp'), '(input, dim)', (a, c) => {
  const x = toFloat(c.t, tensorArg(a.input));
  const dim = toInt(a.dim);
  // shifted by the max along dim so that exp does not overflow
  const peak = ops.reduce(c.t, 'ReduceMax', x, [dim], true);
  const safe = ops.where(c.t, isInf(c.t, peak), k(c.t, peak, 0), peak);
  return c.wrap(add(c.t, ops.unary(c.t, 'Log', ops.cumsum(c.t, ops.unary(c.t, 'Exp', sub(c.t, x, safe)), dim)), safe));
});

// ---- shape

define(['torch.detach', 'Tensor.cpu', 'Tensor.cuda'], '(input)', (a, c) => c.wrap(tensorArg(a.input)));
define(['Tensor.ndimension'], '(input)', (a) => tensorArg(a.input).shape.length);
define(['Tensor.nelement'], '(input)', (a) => ops.size(tensorArg(a.input).shape));
define(both('moveaxis'), '(input, source, destination)', (a, c, api) => callEntry(lookup('torch.movedim')!, c, [a.input, a.source, a.destination], new Map(), api));
define(['torch.broadcast_to', 'Tensor.broadcast_to'], '(input, size)', (a, c) => {
  const x = tensorArg(a.input);
  const size = toInts(a.size);
  const offset = size.length - x.shape.length;
  return c.wrap(ops.expand(c.t, x, size.map((d, i) => (d === -1 ? x.shape[i - offset] : d))));
});
define(both('tile'), '(input, dims)', (a, c) => {
  const x = tensorArg(a.input);
  // Tensor.tile also takes the dims spread out (x.tile(2, 1))
  const dims = isSequence(a.dims) ? shapeArgs(items(a.dims)) : [toInt(a.dims)];
  // fewer dims than axes repeat the trailing axes (leading 1s); more lift the tensor
  const rank = Math.max(dims.length, x.shape.length);
  const repeats = [...Array(rank - dims.length).fill(1), ...dims];
  return c.wrap(ops.tile(c.t, ops.reshape(c.t, x, [...Array(rank - x.shape.length).fill(1), ...x.shape]), repeats));
});
define(both('tensor_split'), '(input, indices_or_sections, dim=0)', (a, c) => {
  const x = tensorArg(a.input);
  const dim = ops.normAxis(toInt(a.dim), x.shape.length);
  const n = x.shape[dim];
  const spec = a.indices_or_sections ?? a.sections ?? a.indices;
  if (spec instanceof TorchTensor) throw new NotLowered('tensor_split', 'a tensor of indices');
  // sections: the first n % s pieces are one longer; indices: cut points, clamped to the axis
  const bounds = isSequence(spec) ? [0, ...toInts(spec).map((i) => Math.min(Math.max(i < 0 ? i + n : i, 0), n)), n]
    : Array.from({ length: toInt(spec) + 1 }, (_, i) => i * Math.floor(n / toInt(spec)) + Math.min(i, n % toInt(spec)));
  return new PyTuple(bounds.slice(1).map((end, i) => c.wrap(ops.sliceAxis(c.t, x, dim, bounds[i], Math.max(end, bounds[i])))));
});
define(both('take'), '(input, index)', (a, c) => {
  const x = tensorArg(a.input);
  return c.wrap(ops.gather(c.t, ops.reshape(c.t, x, [ops.size(x.shape)]), tensorArg(a.index), 0));
});
define(both('take_along_dim'), '(input, indices, dim=None)', (a, c) => {
  const [x, index] = [tensorArg(a.input), tensorArg(a.indices)];
  if (isNone(a.dim)) return c.wrap(ops.gatherElements(c.t, ops.reshape(c.t, x, [ops.size(x.shape)]), ops.reshape(c.t, index, [ops.size(index.shape)]), 0));
  const dim = ops.normAxis(toInt(a.dim), x.shape.length);
  // the other axes broadcast, as torch does
  const shape = ops.broadcastShapes(x.shape, index.shape);
  const along = (s: Sym) => ops.expand(c.t, s, shape.map((d, i) => (i === dim ? s.shape[i] : d)));
  return c.wrap(ops.gatherElements(c.t, along(x), along(index), dim));
});
const flipAxis = (t: Tracer, x: Sym, axis: number) => ops.sliceAxis(t, x, axis, null, null, -1);
define(both('fliplr'), '(input)', (a, c) => c.wrap(flipAxis(c.t, tensorArg(a.input), 1)));
define(both('flipud'), '(input)', (a, c) => c.wrap(flipAxis(c.t, tensorArg(a.input), 0)));
define(both('rot90'), '(input, k=1, dims=[0, 1])', (a, c) => {
  const x = tensorArg(a.input);
  const [d0, d1] = toInts(a.dims).map((d) => ops.normAxis(d, x.shape.length));
  const turns = ((toInt(a.k) % 4) + 4) % 4;
  // torch: k=1 flips dims[1] then swaps, k=2 flips both, k=3 flips dims[0] then swaps
  if (turns === 0) return c.wrap(x);
  if (turns === 2) return c.wrap(flipAxis(c.t, flipAxis(c.t, x, d0), d1));
  return c.wrap(ops.swapAxes(c.t, flipAxis(c.t, x, turns === 1 ? d1 : d0), d0, d1));
});

/** the diagonal at `offset` of axes dim1, dim2, which move to the end (the diagonal last), as torch.diagonal does */
function diagonal(t: Tracer, x: Sym, offset: number, dim1: number, dim2: number): Sym {
  const rank = x.shape.length;
  const [a, b] = [ops.normAxis(dim1, rank), ops.normAxis(dim2, rank)];
  const rest = x.shape.map((_, i) => i).filter((i) => i !== a && i !== b);
  const moved = ops.transpose(t, x, [...rest, a, b]);
  const [n1, n2] = [x.shape[a], x.shape[b]];
  const [row, col] = offset >= 0 ? [0, offset] : [-offset, 0];
  const length = Math.max(0, Math.min(n1 - row, n2 - col));
  const flat = ops.reshape(t, moved, [...rest.map((i) => x.shape[i]), n1 * n2]);
  const indices = ops.fromValues(t, Array.from({ length }, (_, i) => (i + row) * n2 + i + col), [length], 'int64');
  return ops.gather(t, flat, indices, rest.length);
}
define(both('diagonal'), '(input, offset=0, dim1=0, dim2=1)', (a, c) => c.wrap(diagonal(c.t, tensorArg(a.input), toInt(a.offset), toInt(a.dim1), toInt(a.dim2))));
define(both('diag'), '(input, diagonal=0)', (a, c) => {
  const x = tensorArg(a.input);
  const offset = toInt(a.diagonal);
  if (x.shape.length === 2) return c.wrap(diagonal(c.t, x, offset, 0, 1));
  // a vector becomes the `offset` diagonal of a square matrix of side n + |offset|
  const n = x.shape[0];
  const m = n + Math.abs(offset);
  const cells = Array.from({ length: m * m }, (_, i) => [Math.floor(i / m), i % m]);
  const index = ops.fromValues(c.t, cells.map(([r, col]) => Math.min(Math.max(offset >= 0 ? r : col, 0), n - 1)), [m, m], 'int64');
  const mask = ops.fromValues(c.t, cells.map(([r, col]) => Number(col - r === offset)), [m, m], 'bool');
  return c.wrap(ops.where(c.t, mask, ops.gather(c.t, x, index, 0), ops.scalar(c.t, 0, x.dtype)));
});
define(both('trace'), '(input)', (a, c) => {
  const d = diagonal(c.t, tensorArg(a.input), 0, 0, 1);
  return c.wrap(ops.reduce(c.t, 'ReduceSum', isFloatSym(d) ? d : ops.cast(c.t, d, 'int64'), undefined, false));
});
define(both('diff'), '(input, n=1, dim=-1, prepend=None, append=None)', (a, c) => {
  const dim = toInt(a.dim);
  const parts = [a.prepend, a.input, a.append].filter((v) => !isNone(v)).map(tensorArg);
  let x = parts.length > 1 ? ops.concat(c.t, parts, dim) : parts[0];
  for (let i = 0; i < toInt(a.n); i++) {
    const [later, earlier] = [ops.sliceAxis(c.t, x, dim, 1, null), ops.sliceAxis(c.t, x, dim, 0, -1)];
    // bool differences are "not equal", as torch computes them
    x = x.dtype === 'bool' ? ops.binary(c.t, 'Xor', later, earlier) : sub(c.t, later, earlier);
  }
  return c.wrap(x);
});

function stackOf(c: TorchContext, tensors: Value, lift: (shape: readonly number[]) => number[], axis: number): Value {
  const xs = items(tensors).map(tensorArg);
  const dtype = resultType(xs.map((sym) => ({ sym })));
  return c.wrap(ops.concat(c.t, xs.map((x) => ops.cast(c.t, ops.reshape(c.t, x, lift(x.shape)), dtype)), axis));
}
// dstack lifts to at least 3-d ([n] → [1, n, 1], [m, n] → [m, n, 1]); column_stack makes vectors columns
define(['torch.dstack'], '(tensors)', (a, c) => stackOf(c, a.tensors, (s) => (s.length === 0 ? [1, 1, 1] : s.length === 1 ? [1, s[0], 1] : s.length === 2 ? [...s, 1] : [...s]), 2));
define(['torch.column_stack'], '(tensors)', (a, c) => stackOf(c, a.tensors, (s) => (s.length < 2 ? [ops.size(s), 1] : [...s]), 1));
define(['torch.meshgrid'], "(*tensors, indexing='ij')", (a, c) => {
  const list = items(a.tensors).length === 1 && isSequence(items(a.tensors)[0]) ? items(items(a.tensors)[0]) : items(a.tensors);
  const xs = list.map(tensorArg).map((x) => ops.reshape(c.t, x, [ops.size(x.shape)]));
  // 'xy' swaps the first two output axes (cartesian indexing)
  const order = xs.map((_, i) => i);
  if (!isNone(a.indexing) && toStr(a.indexing) === 'xy' && xs.length > 1) [order[0], order[1]] = [1, 0];
  const shape = order.map((i) => xs[i].shape[0]);
  return new PyTuple(xs.map((x, i) => c.wrap(ops.expand(c.t, ops.reshape(c.t, x, shape.map((d, j) => (order[j] === i ? d : 1))), shape))));
});

// ---- products

define(both('mv'), '(input, vec)', (a, c) => binaryOperator(c, '@', a.input, a.vec)!);
// torch names dot's second operand `tensor`, vdot's `other`
for (const [name, second] of [['dot', 'tensor'], ['vdot', 'other']]) {
  defineExactly(both(name), `(input, ${second})`, (a, c) => elementwise(c, [a.input, a[second]], ([x, y]) => ops.reduce(c.t, 'ReduceSum', mul(c.t, x, y), undefined, false)));
}
define(both('ger'), '(input, vec2)', (a, c, api) => callEntry(lookup('torch.outer')!, c, [a.input, a.vec2], new Map(), api));
define(both('inner'), '(input, other)', (a, c) => elementwise(c, [a.input, a.other], ([x, y]) => {
  if (!x.shape.length || !y.shape.length) return mul(c.t, x, y);
  // contract the last axes: [A, k] @ [k, B], reshaped back to A + B
  const m = x.shape[x.shape.length - 1];
  const product = ops.matmul(c.t, ops.reshape(c.t, x, [-1, m]), ops.transpose(c.t, ops.reshape(c.t, y, [-1, m]), [1, 0]));
  return ops.reshape(c.t, product, [...x.shape.slice(0, -1), ...y.shape.slice(0, -1)]);
}));
define(both('kron'), '(input, other)', (a, c) => elementwise(c, [a.input, a.other], ([x, y]) => {
  const rank = Math.max(x.shape.length, y.shape.length);
  const pad = (s: readonly number[]) => [...Array(rank - s.length).fill(1), ...s];
  const [xs, ys] = [pad(x.shape), pad(y.shape)];
  // interleave the axes: x[i, 1, j, 1] * y[1, p, 1, q] flattens to [i·p, j·q]
  const product = mul(c.t, ops.reshape(c.t, x, xs.flatMap((d) => [d, 1])), ops.reshape(c.t, y, ys.flatMap((d) => [1, d])));
  return ops.reshape(c.t, product, xs.map((d, i) => d * ys[i]));
}));
define(both('tensordot'), '(a, b, dims=2)', (a, c) => {
  const [x, y] = [tensorArg(a.a), tensorArg(a.b)];
  const n = typeof a.dims === 'number' ? toInt(a.dims) : -1;
  const [dx, dy] = n >= 0 ? [x.shape.map((_, i) => i).slice(x.shape.length - n), y.shape.map((_, i) => i).slice(0, n)]
    : items(a.dims).map((d, i) => (isSequence(d) ? toInts(d) : [toInt(d)]).map((e) => ops.normAxis(e, (i ? y : x).shape.length)));
  // free axes of x, contracted axes last; contracted axes of y first: one matmul
  const freeX = x.shape.map((_, i) => i).filter((i) => !dx.includes(i));
  const freeY = y.shape.map((_, i) => i).filter((i) => !dy.includes(i));
  const size = dx.reduce((p, i) => p * x.shape[i], 1);
  const left = ops.reshape(c.t, ops.transpose(c.t, x, [...freeX, ...dx]), [-1, size]);
  const right = ops.reshape(c.t, ops.transpose(c.t, y, [...dy, ...freeY]), [size, -1]);
  return c.wrap(ops.reshape(c.t, ops.matmul(c.t, left, right), [...freeX.map((i) => x.shape[i]), ...freeY.map((i) => y.shape[i])]));
});
define(both('addmv'), '(input, mat, vec, *, beta=1, alpha=1)', (a, c, api) => callEntry(lookup('torch.addmm')!, c, [a.input, a.mat, a.vec], new Map([['beta', a.beta], ['alpha', a.alpha]]), api));
define(both('addbmm'), '(input, batch1, batch2, *, beta=1, alpha=1)', (a, c, api) => {
  const summed = c.wrap(ops.reduce(c.t, 'ReduceSum', ops.matmul(c.t, tensorArg(a.batch1), tensorArg(a.batch2)), [0], false));
  const eye = c.wrap(ops.fromValues(c.t, identity(summed.shape[1]), [summed.shape[1], summed.shape[1]], summed.dtype));
  // addmm(input, summed, I) is beta·input + alpha·summed with addmm's handling of beta = 0
  return callEntry(lookup('torch.addmm')!, c, [a.input, summed, eye], new Map([['beta', a.beta], ['alpha', a.alpha]]), api);
});
const identity = (n: number) => Array.from({ length: n * n }, (_, i) => Number(Math.floor(i / n) === i % n));

// ---- norms and distances

/** the p-norm over dims (all when undefined): inf/-inf are max/min |x|, 0 counts the non-zeros */
export function vectorNorm(t: Tracer, x: Sym, p: number, dims: number[] | undefined, keepdim: boolean): Sym {
  const magnitude = ops.unary(t, 'Abs', toFloat(t, x));
  if (p === Infinity || p === -Infinity) return ops.reduce(t, p > 0 ? 'ReduceMax' : 'ReduceMin', magnitude, dims, keepdim);
  if (p === 0) return ops.reduce(t, 'ReduceSum', ops.cast(t, ops.notEqual(t, magnitude, k(t, magnitude, 0)), magnitude.dtype), dims, keepdim);
  if (p === 1) return ops.reduce(t, 'ReduceSum', magnitude, dims, keepdim);
  if (p === 2) return ops.reduce(t, 'ReduceL2', magnitude, dims, keepdim);
  const sum = ops.reduce(t, 'ReduceSum', ops.binary(t, 'Pow', magnitude, k(t, magnitude, p)), dims, keepdim);
  return ops.binary(t, 'Pow', sum, k(t, sum, 1 / p));
}

// torch.norm: 'fro' (and no dim given) is the 2-norm of the elements; 'nuc' needs singular values
define(both('norm'), "(input, p='fro', dim=None, keepdim=False, dtype=None)", (a, c) => {
  if (a.p === 'nuc') throw new NotLowered('torch.norm', "p='nuc'");
  return c.wrap(vectorNorm(c.t, tensorArg(a.input), a.p === 'fro' || isNone(a.p) ? 2 : toNumber(a.p), dimsArg(a.dim)?.length ? dimsArg(a.dim) : undefined, toBool(a.keepdim)));
});
define(['torch.linalg.vector_norm'], '(x, ord=2, dim=None, keepdim=False, *, dtype=None)', (a, c) => c.wrap(vectorNorm(c.t, tensorArg(a.x), toNumber(a.ord), dimsArg(a.dim), toBool(a.keepdim))));
define(['torch.linalg.norm'], '(A, ord=None, dim=None, keepdim=False, *, dtype=None)', (a, c) => {
  const x = tensorArg(a.A);
  const dims = dimsArg(a.dim);
  // no ord: the 2-norm of the flattened tensor (Frobenius for matrices); 'fro' likewise
  if (isNone(a.ord) || a.ord === 'fro') return c.wrap(vectorNorm(c.t, x, 2, dims, toBool(a.keepdim)));
  const matrix = dims ? dims.length === 2 : x.shape.length === 2;
  if (matrix) throw new NotLowered('torch.linalg.norm', `matrix norm ord=${String(a.ord)}`);
  return c.wrap(vectorNorm(c.t, x, toNumber(a.ord), dims, toBool(a.keepdim)));
});
define(['torch.cdist'], "(x1, x2, p=2.0, compute_mode='use_mm_for_euclid_dist_if_necessary')", (a, c) => {
  const [x, y] = [tensorArg(a.x1), tensorArg(a.x2)];
  const r = x.shape.length;
  const difference = sub(c.t, ops.unsqueeze(c.t, x, [r - 1]), ops.unsqueeze(c.t, y, [r - 2]));
  return c.wrap(vectorNorm(c.t, difference, toNumber(a.p), [-1], false));
});

/** used by losses and layers: torch.nn.functional.pairwise_distance */
export function pairwiseDistance(t: Tracer, x: Sym, y: Sym, p: number, eps: number, keepdim: boolean): Sym {
  // eps is added to the difference, as torch does; the norm runs over the last axis
  const difference = add(t, sub(t, x, y), k(t, x, eps));
  return vectorNorm(t, difference, p, [-1], keepdim || difference.shape.length === 0);
}
define(['torch.nn.functional.pairwise_distance', 'torch.pairwise_distance'], '(x1, x2, p=2.0, eps=1e-06, keepdim=False)', (a, c) =>
  c.wrap(pairwiseDistance(c.t, ...(promoted(c.t, toFloat(c.t, tensorArg(a.x1)), toFloat(c.t, tensorArg(a.x2))) as [Sym, Sym]), toNumber(a.p), toNumber(a.eps), toBool(a.keepdim))));

/** torch.nn.functional.cosine_similarity: each side divided by its norm clamped at eps, then summed over dim */
export function cosineSimilarity(t: Tracer, x: Sym, y: Sym, dim: number, eps: number): Sym {
  const unit = (v: Sym) => div(t, v, ops.binary(t, 'Max', ops.reduce(t, 'ReduceL2', v, [dim], true), k(t, v, eps)));
  const shape = ops.broadcastShapes(x.shape, y.shape);
  return ops.reduce(t, 'ReduceSum', mul(t, unit(ops.expand(t, x, shape)), unit(ops.expand(t, y, shape))), [dim], false);
}
define(['torch.nn.functional.cosine_similarity', 'torch.cosine_similarity'], '(x1, x2, dim=1, eps=1e-08)', (a, c) =>
  c.wrap(cosineSimilarity(c.t, ...(promoted(c.t, toFloat(c.t, tensorArg(a.x1)), toFloat(c.t, tensorArg(a.x2))) as [Sym, Sym]), toInt(a.dim), toNumber(a.eps))));

// ---- reshuffles

/** pixel_shuffle: [*, C·r², H, W] → [*, C, H·r, W·r]; pixel_unshuffle is its inverse */
function pixelShuffle(t: Tracer, x: Sym, r: number, inverse: boolean): Sym {
  const batch = x.shape.slice(0, -3);
  const [ch, h, w] = x.shape.slice(-3);
  const b = batch.length;
  const perm = (p: number[]) => [...batch.map((_, i) => i), ...p.map((i) => i + b)];
  if (!inverse) {
    const split = ops.reshape(t, x, [...batch, ch / (r * r), r, r, h, w]);
    return ops.reshape(t, ops.transpose(t, split, perm([0, 3, 1, 4, 2])), [...batch, ch / (r * r), h * r, w * r]);
  }
  const split = ops.reshape(t, x, [...batch, ch, h / r, r, w / r, r]);
  return ops.reshape(t, ops.transpose(t, split, perm([0, 2, 4, 1, 3])), [...batch, ch * r * r, h / r, w / r]);
}
define(['torch.nn.functional.pixel_shuffle', 'torch.pixel_shuffle'], '(input, upscale_factor)', (a, c) => c.wrap(pixelShuffle(c.t, tensorArg(a.input), toInt(a.upscale_factor), false)));
define(['torch.nn.functional.pixel_unshuffle', 'torch.pixel_unshuffle'], '(input, downscale_factor)', (a, c) => c.wrap(pixelShuffle(c.t, tensorArg(a.input), toInt(a.downscale_factor), true)));

/** channel_shuffle: [N, C, *] → [N, g, C/g, *] with the two group axes swapped */
export function channelShuffle(t: Tracer, x: Sym, groups: number): Sym {
  const [n, ch, ...rest] = x.shape;
  const split = ops.reshape(t, x, [n, groups, ch / groups, ...rest]);
  return ops.reshape(t, ops.swapAxes(t, split, 1, 2), x.shape);
}
define(['torch.nn.functional.channel_shuffle', 'torch.channel_shuffle'], '(input, groups)', (a, c) => c.wrap(channelShuffle(c.t, tensorArg(a.input), toInt(a.groups))));
define(['torch.nn.functional.threshold', 'torch.threshold'], '(input, threshold, value, inplace=False)', (a, c) => {
  const x = tensorArg(a.input);
  return c.wrap(ops.where(c.t, ops.binary(c.t, 'Greater', x, k(c.t, x, toNumber(a.threshold))), x, k(c.t, x, toNumber(a.value))));
});

// ---- pooling, dropout-like layers, search

for (const n of [1, 2, 3]) {
  // torch: avg_pool(x^p) without padding, times the window size, to the power 1/p
  define([`torch.nn.functional.lp_pool${n}d`], '(input, norm_type, kernel_size, stride=None, ceil_mode=False)', (a, c) => {
    const x = toFloat(c.t, tensorArg(a.input));
    const p = toNumber(a.norm_type);
    const mean = avgPool(c.t, ops.binary(c.t, 'Pow', x, k(c.t, x, p)), n, { kernel_size: a.kernel_size, stride: a.stride, padding: 0, ceil_mode: a.ceil_mode, count_include_pad: true });
    const window = toInts(a.kernel_size, n).reduce((q, d) => q * d, 1);
    return c.wrap(ops.binary(c.t, 'Pow', mul(c.t, mean, k(c.t, mean, window)), k(c.t, mean, 1 / p)));
  });
}
/** rrelu outside training is leaky_relu with the mean of the slope range; in training the slopes are random */
export function rrelu(c: TorchContext, input: Value, lower: number, upper: number, training: boolean): Value {
  if (training) throw new NotLowered('rrelu', 'random slopes in training mode');
  return c.wrap(ops.unary(c.t, 'LeakyRelu', toFloat(c.t, tensorArg(input)), { alpha: (lower + upper) / 2 }));
}
define(['torch.nn.functional.rrelu'], '(input, lower=0.125, upper=0.3333333333333333, training=False, inplace=False)', (a, c) => rrelu(c, a.input, toNumber(a.lower), toNumber(a.upper), toBool(a.training)));
define(['torch.dropout'], '(input, p, train)', (a, c) => dropout(c, a.input, toBool(a.train), toNumber(a.p)));

/** the insertion points: how many boundaries lie below each value (or at most at it, for right) */
function insertionPoints(t: Tracer, boundaries: Sym, values: Sym, right: boolean, int32: boolean): Sym {
  // [B..., 1, n] against [B..., m, 1]; 1-d boundaries serve every value
  const rank = boundaries.shape.length;
  const lifted = rank > 1 ? ops.unsqueeze(t, boundaries, [rank - 1]) : ops.reshape(t, boundaries, [...values.shape.map(() => 1), boundaries.shape[0]]);
  const [x, y] = promoted(t, lifted, ops.unsqueeze(t, values, [values.shape.length]));
  const below = ops.binary(t, right ? 'LessOrEqual' : 'Less', x, y);
  return ops.reduce(t, 'ReduceSum', ops.cast(t, below, int32 ? 'int32' : 'int64'), [-1], false);
}
define(['torch.searchsorted'], '(sorted_sequence, values, *, out_int32=False, right=False, side=None, sorter=None)', (a, c) => {
  if (!isNone(a.sorter)) throw new NotLowered('torch.searchsorted', 'sorter');
  const right = isNone(a.side) ? toBool(a.right) : toStr(a.side) === 'right';
  const values = a.values instanceof TorchTensor ? a.values.sym : ops.scalar(c.t, toNumber(a.values), tensorArg(a.sorted_sequence).dtype);
  return c.wrap(insertionPoints(c.t, tensorArg(a.sorted_sequence), values, right, toBool(a.out_int32)));
});
define(['torch.bucketize'], '(input, boundaries, *, out_int32=False, right=False)', (a, c) =>
  c.wrap(insertionPoints(c.t, tensorArg(a.boundaries), tensorArg(a.input), toBool(a.right), toBool(a.out_int32))));

/** tril_indices / triu_indices: the coordinates of the kept cells, row by row */
for (const [name, keep] of [['tril_indices', (d: number, o: number) => d <= o], ['triu_indices', (d: number, o: number) => d >= o]] as const) {
  define([`torch.${name}`], '(row, col, offset=0, *, dtype=None)', (a, c) => {
    const [rows, cols, offset] = [toInt(a.row), toInt(a.col), toInt(a.offset)];
    const cells = Array.from({ length: rows * cols }, (_, i) => [Math.floor(i / cols), i % cols]).filter(([r, q]) => keep(q - r, offset));
    return c.wrap(ops.fromValues(c.t, [...cells.map(([r]) => r), ...cells.map(([, q]) => q)], [2, cells.length], dtypeArg(a.dtype) ?? 'int64'));
  });
}
define(['torch.logspace'], '(start, end, steps, base=10.0, *, dtype=None)', (a, c) => {
  const [start, end, steps, base] = [toNumber(a.start), toNumber(a.end), toInt(a.steps), toNumber(a.base)];
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  return c.wrap(ops.fromValues(c.t, Array.from({ length: steps }, (_, i) => base ** (start + step * i)), [steps], dtypeArg(a.dtype) ?? 'float32'));
});

/** x1ᵀ·W·x2 per output feature over the last axes, plus bias: W is [out, in1, in2] */
export function bilinear(t: Tracer, x1: Sym, x2: Sym, weight: Sym, bias: Sym | null): Sym {
  const [out, in1, in2] = weight.shape;
  const batch = x1.shape.slice(0, -1);
  const left = ops.matmul(t, ops.reshape(t, x1, [-1, in1]), ops.reshape(t, ops.transpose(t, weight, [1, 0, 2]), [in1, out * in2]));
  const summed = ops.reduce(t, 'ReduceSum', mul(t, ops.reshape(t, left, [-1, out, in2]), ops.reshape(t, x2, [-1, 1, in2])), [2], false);
  const y = ops.reshape(t, summed, [...batch, out]);
  return bias ? add(t, y, bias) : y;
}
define(['torch.nn.functional.bilinear'], '(input1, input2, weight, bias=None)', (a, c) =>
  c.wrap(bilinear(c.t, tensorArg(a.input1), tensorArg(a.input2), tensorArg(a.weight), isNone(a.bias) ? null : tensorArg(a.bias))));

define(['torch.nn.functional.local_response_norm'], '(input, size, alpha=0.0001, beta=0.75, k=1.0)', (a, c) => {
  const x = tensorArg(a.input);
  const size = toInt(a.size);
  // the mean of squares over a window of channels, zero-padded size//2 before and (size-1)//2 after, as torch pads
  const squares = mul(c.t, x, x);
  const padded = ops.pad(c.t, squares, x.shape.map((_, i) => (i === 1 ? Math.floor(size / 2) : 0)), x.shape.map((_, i) => (i === 1 ? Math.floor((size - 1) / 2) : 0)), 'constant', null);
  const windows = Array.from({ length: size }, (_, i) => ops.sliceAxis(c.t, padded, 1, i, i + x.shape[1]));
  const mean = mul(c.t, windows.reduce((p, q) => add(c.t, p, q)), k(c.t, x, 1 / size));
  const scale = ops.binary(c.t, 'Pow', add(c.t, mul(c.t, mean, k(c.t, x, toNumber(a.alpha))), k(c.t, x, toNumber(a.k))), k(c.t, x, toNumber(a.beta)));
  return c.wrap(div(c.t, x, scale));
});

define(['torch.nn.functional.unfold'], '(input, kernel_size, dilation=1, padding=0, stride=1)', (a, c) => {
  const x = tensorArg(a.input);
  if (x.shape.length !== 4) throw new NotLowered('torch.nn.functional.unfold', `a ${x.shape.length}-d input`);
  const [kernel, dilation, padding, stride] = [a.kernel_size, a.dilation, a.padding, a.stride].map((v) => toInts(v, 2));
  const padded = ops.pad(c.t, x, [0, 0, ...padding], [0, 0, ...padding], 'constant', null);
  const out = [0, 1].map((i) => Math.floor((padded.shape[i + 2] - dilation[i] * (kernel[i] - 1) - 1) / stride[i]) + 1);
  // one strided slice per kernel offset, channel-major then kernel row, kernel column, as im2col orders them
  const patches: Sym[] = [];
  for (let i = 0; i < kernel[0]; i++) {
    for (let j = 0; j < kernel[1]; j++) {
      const rows = ops.sliceAxis(c.t, padded, 2, i * dilation[0], i * dilation[0] + (out[0] - 1) * stride[0] + 1, stride[0]);
      patches.push(ops.sliceAxis(c.t, rows, 3, j * dilation[1], j * dilation[1] + (out[1] - 1) * stride[1] + 1, stride[1]));
    }
  }
  const [n, ch] = x.shape;
  return c.wrap(ops.reshape(c.t, ops.stack(c.t, patches, 2), [n, ch * kernel[0] * kernel[1], out[0] * out[1]]));
});

// the deprecated upsample functions are interpolate (upsample_bilinear with align_corners=True)
const interpolate = (c: TorchContext, api: InterpreterApi, input: Value, options: Array<[string, Value]>) => callEntry(lookup('torch.nn.functional.interpolate')!, c, [input], new Map(options), api);
define(['torch.nn.functional.upsample'], "(input, size=None, scale_factor=None, mode='nearest', align_corners=None)", (a, c, api) =>
  interpolate(c, api, a.input, [['size', a.size], ['scale_factor', a.scale_factor], ['mode', a.mode], ['align_corners', a.align_corners]]));
define(['torch.nn.functional.upsample_nearest'], '(input, size=None, scale_factor=None)', (a, c, api) => interpolate(c, api, a.input, [['size', a.size], ['scale_factor', a.scale_factor]]));
define(['torch.nn.functional.upsample_bilinear'], '(input, size=None, scale_factor=None)', (a, c, api) =>
  interpolate(c, api, a.input, [['size', a.size], ['scale_factor', a.scale_factor], ['mode', 'bilinear'], ['align_corners', true]]));

// torch.<name> spellings of functionals whose parameters are the same, in the same order
for (const name of ['selu', 'celu', 'hardshrink', 'prelu', 'rrelu', 'alpha_dropout', 'feature_alpha_dropout', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'max_pool1d', 'max_pool2d', 'max_pool3d', 'avg_pool1d', 'adaptive_avg_pool1d', 'bilinear', 'rms_norm', 'layer_norm']) {
  alias(`torch.nn.functional.${name}`, [`torch.${name}`]);
}
alias('torch.nn.functional.hardshrink', ['Tensor.hardshrink']);
alias('torch.nn.functional.prelu', ['Tensor.prelu']);

/** registers `from`'s lowering under other paths, bound by `from`'s own parameters */
function alias(from: string, paths: string[]): void {
  const entry = lookup(from);
  if (entry) defineExactly(paths, entry.signature.slice(entry.signature.indexOf('(')), entry.lower);
}
