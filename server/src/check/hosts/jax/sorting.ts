// jnp.sort, argsort, quantile and searchsorted. Sorting is ONNX TopK over the whole axis, which keeps equal elements
// in index order (a stable sort, as JAX's); nan sorts after +inf as in JAX, by a second stable pass on isnan.
import { float, type Value } from '../../interp';
import { isNone, isSequence, toBool, toInt, toStr, type BoundArgs } from '../../trace/args';
import * as ops from '../../trace/ops';
import { NotLowered, type Sym } from '../../trace/tracer';
import type { JaxContext } from './context';

type Table = Record<string, [string, (b: BoundArgs) => Value | Sym]>;

/** median is the midpoint 0.5-quantile (a Python float: a bare 0.5 would read as an int) */
const HALF = float(0.5);
const SORT = '(a, axis=-1, *, kind=None, order=None, stable=True, descending=False)';

export function sorting(ctx: JaxContext): Table {
  const t = ctx.t;
  const sorted = (b: BoundArgs) => {
    const x = ctx.toSym(b.a);
    const flat = isNone(b.axis) ? ops.reshape(t, x, [-1]) : x;
    return sortAlong(ctx, flat, isNone(b.axis) ? 0 : toInt(b.axis), toBool(b.descending));
  };
  return {
    sort: [`jnp.sort${SORT}`, (b) => sorted(b).values],
    argsort: [`jnp.argsort${SORT.replace(')', ', dtype=None)')}`, (b) => ops.cast(t, sorted(b).indices, ctx.dtypeOf(b.dtype) ?? ctx.intDType)],
    quantile: ['jnp.quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *, weights=None)', (b) => quantile(ctx, b, false)],
    nanquantile: ['jnp.nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False)', (b) => quantile(ctx, b, true)],
    median: ['jnp.median(a, axis=None, out=None, overwrite_input=False, keepdims=False)', (b) => quantile(ctx, { ...b, q: HALF, method: 'midpoint' }, false)],
    nanmedian: ['jnp.nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False)', (b) => quantile(ctx, { ...b, q: HALF, method: 'midpoint' }, true)],
    searchsorted: ['jnp.searchsorted(a, v, side="left", sorter=None, *, method="scan")', (b) => searchSorted(ctx, b)],
  };
}

/** Values and int64 indices of x sorted along an axis (ascending or descending), stable, nan last (first when
 *  descending) as JAX orders it. */
export function sortAlong(ctx: JaxContext, x: Sym, axis: number, descending: boolean): { values: Sym; indices: Sym } {
  const t = ctx.t;
  const a = ops.normAxis(axis, x.shape.length);
  const n = x.shape[a];
  const nan = ops.isFloat(x) ? ops.isNan(t, x) : undefined;
  const key = nan ? ops.where(t, nan, ops.scalar(t, Infinity, x.dtype), x) : x;
  let [, indices] = ops.topk(t, key, n, a, descending, true);
  if (nan) {
    const flags = ops.cast(t, ops.gatherElements(t, nan, indices, a), 'float32');
    const [, order] = ops.topk(t, flags, n, a, descending, true);
    indices = ops.gatherElements(t, indices, order, a);
  }
  return { values: ops.gatherElements(t, x, indices, a), indices };
}

/** jnp.quantile (a nan in a slice makes its quantiles nan) and jnp.nanquantile (`squash`: the quantiles of the
 *  slice's non-nan values), q a scalar or a vector, over one axis or all. Positions come from the sorted slice, where
 *  nan lands last. */
function quantile(ctx: JaxContext, b: BoundArgs, squash: boolean): Sym {
  const t = ctx.t;
  const name = squash ? 'jnp.nanquantile' : 'jnp.quantile';
  if (!isNone(b.weights ?? null) || !isNone(b.out)) throw new NotLowered(name, 'weights or out');
  const method = toStr(b.method);
  if (!['linear', 'lower', 'higher', 'nearest', 'midpoint'].includes(method)) throw new NotLowered(name, `method='${method}'`);
  if (isSequence(b.axis)) throw new NotLowered(name, 'a tuple of axes');
  const input = ctx.toFloat(ctx.toSym(b.a));
  const axis = isNone(b.axis) ? 0 : ops.normAxis(toInt(b.axis), input.shape.length);
  const x = isNone(b.axis) ? ops.reshape(t, input, [-1]) : input;
  const q = ctx.toSym(b.q, input.dtype);
  if (q.shape.length > 1) throw new RangeError(`q must be have rank <= 1, got shape [${q.shape}]`);
  const values = sortAlong(ctx, ops.transpose(t, x, [...x.shape.map((_, i) => i).filter((i) => i !== axis), axis]), -1, false).values;
  const rest = values.shape.slice(0, -1);
  const n = x.shape[axis];
  const count = squash ? ops.reduce(t, 'ReduceSum', ops.cast(t, ops.not(t, ops.isNan(t, values)), q.dtype), [-1], true) : ops.scalar(t, n, q.dtype);
  const last = ops.binary(t, 'Sub', count, ops.scalar(t, 1, q.dtype));
  // one position per slice and quantile: [...rest, Q] (Q = 1 for a scalar q)
  const position = ops.binary(t, 'Mul', ops.expand(t, ops.reshape(t, q, [-1]), [...rest, q.shape[0] ?? 1]), last);
  const clamp = (v: Sym) => ops.binary(t, 'Max', ops.binary(t, 'Min', v, last), ops.scalar(t, 0, q.dtype));
  const pick = (op: string) => ops.gatherElements(t, values, ops.cast(t, clamp(ops.unary(t, op, position)), 'int64'), -1);
  const highWeight = ops.binary(t, 'Sub', position, ops.unary(t, 'Floor', position));
  let result = combine(ctx, method, pick('Floor'), pick('Ceil'), highWeight);
  if (!squash) {
    const largest = ops.sliceAxis(t, values, -1, n - 1, n);
    result = ops.where(t, ops.isNan(t, largest), largest, result);
  }
  // JAX puts q's axis first
  const shaped = q.shape.length ? ops.transpose(t, result, [rest.length, ...rest.map((_, i) => i)]) : ops.reshape(t, result, rest);
  if (!toBool(b.keepdims)) return shaped;
  const kept = isNone(b.axis) ? input.shape.map(() => 1) : input.shape.map((d, i) => (i === axis ? 1 : d));
  return ops.reshape(t, shaped, [...q.shape, ...kept]);
}

/** The quantile from its two neighbouring order statistics, per method (JAX's formulas). */
function combine(ctx: JaxContext, method: string, low: Sym, high: Sym, w: Sym): Sym {
  const t = ctx.t;
  if (method === 'lower') return low;
  if (method === 'higher') return high;
  if (method === 'midpoint') return ops.binary(t, 'Mul', ops.binary(t, 'Add', low, high), ops.scalar(t, 0.5, low.dtype));
  if (method === 'nearest') return ops.where(t, ops.binary(t, 'LessOrEqual', w, ops.scalar(t, 0.5, w.dtype)), low, high);
  const lowWeight = ops.binary(t, 'Sub', ops.scalar(t, 1, w.dtype), w);
  return ops.binary(t, 'Add', ops.binary(t, 'Mul', low, lowWeight), ops.binary(t, 'Mul', high, w));
}

/** JAX's binary search, unrolled over its ceil(log2(n + 1)) levels: per query, [low, high) halves towards the first
 *  element >= v ('left') or > v ('right') in JAX's sort order, so that unsorted input gives JAX's answer too. */
function searchSorted(ctx: JaxContext, b: BoundArgs): Sym {
  const t = ctx.t;
  if (!isNone(b.sorter)) throw new NotLowered('jnp.searchsorted', 'sorter=');
  const side = toStr(b.side);
  if (side !== 'left' && side !== 'right') throw new RangeError(`side must be 'left' or 'right', got '${side}'`);
  const [a, v] = ctx.promote(b.a, b.v);
  if (a.shape.length !== 1) throw new RangeError('a should be 1-dimensional');
  const n = a.shape[0];
  // go left while v <= a[mid] (left) or v < a[mid] (right)
  const goesLeft = (pivot: Sym) => (side === 'left' ? ops.not(t, sortsBefore(ctx, pivot, v)) : sortsBefore(ctx, v, pivot));
  let [low, high] = [ops.full(t, v.shape, 0, 'int32'), ops.full(t, v.shape, n, 'int32')];
  for (let level = 0; n && level < Math.ceil(Math.log2(n + 1)); level++) {
    const mid = ops.binary(t, 'Add', low, ops.binary(t, 'Div', ops.binary(t, 'Sub', high, low), ops.scalar(t, 2, 'int32')));
    const left = goesLeft(ops.gather(t, a, mid, 0));
    [low, high] = [ops.where(t, left, low, mid), ops.where(t, left, mid, high)];
  }
  return high;
}

/** x < y in JAX's sort order: the float comparison, with nan above every number. */
function sortsBefore(ctx: JaxContext, x: Sym, y: Sym): Sym {
  const t = ctx.t;
  const less = ops.binary(t, 'Less', x, y);
  if (!ops.isFloat(x)) return less;
  return ops.binary(t, 'Or', less, ops.binary(t, 'And', ops.not(t, ops.isNan(t, x)), ops.isNan(t, y)));
}
