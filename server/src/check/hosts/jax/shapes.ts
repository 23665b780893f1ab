// jnp functions that move, join, split, pad and index arrays, and those that create arrays.
import { PyList, PyTuple, numberOf, pyError, typeName, type Value } from '../../interp';
import { isNone, isSequence, items, toBool, toInt, toInts, toNumber, toStr, type BoundArgs } from '../../trace/args';
import * as ops from '../../trace/ops';
import { NotLowered, type Sym } from '../../trace/tracer';
import type { DType } from '../../onnx/tensor';
import type { JaxContext } from './context';
import { axesOf, shapeOf } from './numpy';

type Table = Record<string, [string, (b: BoundArgs) => Value | Sym]>;

const PAD_MODES: Record<string, 'constant' | 'reflect' | 'edge' | 'wrap'> = { constant: 'constant', reflect: 'reflect', edge: 'edge', wrap: 'wrap' };

export function shapes(ctx: JaxContext): Table {
  const t = ctx.t;
  const arr = (v: Value) => ctx.toSym(v);
  const reverse = (x: Sym) => x.shape.map((_, i) => x.shape.length - 1 - i);
  const reshapeOrdered = (x: Sym, shape: number[], order: Value) => {
    if (order !== 'C') throw new NotLowered('reshape', `order=${String(order)}`);
    return ops.reshape(t, x, shape);
  };
  return {
    reshape: ['jnp.reshape(a, shape=None, order="C", copy=None)', (b) => reshapeOrdered(arr(b.a), shapeOf(b.shape), b.order)],
    reshape_method: ['Array.reshape(self, *shape, order="C")', (b) => reshapeOrdered(arr(b.self), shapeArgs(items(b.shape)), b.order)],
    ravel: ['jnp.ravel(a, order="C")', (b) => reshapeOrdered(arr(b.a), [-1], b.order)],
    // a copy in NumPy, where ravel may give a view
    flatten_method: ['Array.flatten(self, order="C")', (b) => reshapeOrdered(arr(b.self), [-1], b.order)],
    transpose: ['jnp.transpose(a, axes=None)', (b) => ops.transpose(t, arr(b.a), isNone(b.axes) ? reverse(arr(b.a)) : toInts(b.axes))],
    transpose_method: ['Array.transpose(self, *axes)', (b) => {
      const x = arr(b.self);
      const given = items(b.axes);
      return ops.transpose(t, x, !given.length || isNone(given[0]) ? reverse(x) : shapeArgs(given));
    }],
    swapaxes: ['jnp.swapaxes(a, axis1, axis2)', (b) => ops.swapAxes(t, arr(b.a), toInt(b.axis1), toInt(b.axis2))],
    moveaxis: ['jnp.moveaxis(a, source, destination)', (b) => moveAxis(ctx, arr(b.a), toInts(b.source), toInts(b.destination))],
    squeeze: ['jnp.squeeze(a, axis=None)', (b) => ops.squeeze(t, arr(b.a), axesOf(b.axis))],
    expand_dims: ['jnp.expand_dims(a, axis)', (b) => ops.unsqueeze(t, arr(b.a), toInts(b.axis))],
    broadcast_to: ['jnp.broadcast_to(array, shape)', (b) => broadcastTo(ctx, arr(b.array), shapeOf(b.shape))],
    concatenate: ['jnp.concatenate(arrays, axis=0, dtype=None)', (b) => {
      const xs = common(ctx, items(b.arrays), b.dtype);
      return isNone(b.axis) ? ops.concat(t, xs.map((x) => ops.reshape(t, x, [-1])), 0) : ops.concat(t, xs, toInt(b.axis));
    }],
    stack: ['jnp.stack(arrays, axis=0, out=None, dtype=None)', (b) => ops.stack(t, common(ctx, items(b.arrays), b.dtype), toInt(b.axis))],
    unstack: ['jnp.unstack(x, axis=0)', (b) => new PyTuple(unstack(ctx, arr(b.x), toInt(b.axis)))],
    split: ['jnp.split(ary, indices_or_sections, axis=0)', (b) => new PyList(split(ctx, arr(b.ary), b.indices_or_sections, toInt(b.axis)).map(ctx.wrap))],
    tril: ['jnp.tril(m, k=0)', (b) => ops.trilu(t, arr(b.m), false, toInt(b.k))],
    triu: ['jnp.triu(m, k=0)', (b) => ops.trilu(t, arr(b.m), true, toInt(b.k))],
    flip: ['jnp.flip(m, axis=None)', (b) => {
      const x = arr(b.m);
      return (axesOf(b.axis) ?? x.shape.map((_, i) => i)).reduce((y, a) => ops.sliceAxis(t, y, a, null, null, -1), x);
    }],
    tile: ['jnp.tile(A, reps)', (b) => tile(ctx, arr(b.A), toInts(b.reps))],
    repeat: ['jnp.repeat(a, repeats, axis=None, total_repeat_length=None)', (b) => repeat(ctx, arr(b.a), b.repeats, b.axis, b.total_repeat_length)],
    pad: ['jnp.pad(array, pad_width, mode="constant", constant_values=0, end_values=0, reflect_type="even", stat_length=None)', (b) => pad(ctx, arr(b.array), b)],
    take: ['jnp.take(a, indices, axis=None, out=None, mode=None, unique_indices=False, indices_are_sorted=False, fill_value=None)', (b) => {
      const x = arr(b.a);
      return isNone(b.axis) ? ops.gather(t, ops.reshape(t, x, [-1]), ctx.toSym(b.indices), 0) : ops.gather(t, x, ctx.toSym(b.indices), toInt(b.axis));
    }],
    take_along_axis: ['jnp.take_along_axis(arr, indices, axis, mode=None, fill_value=None)', (b) => takeAlongAxis(ctx, arr(b.arr), ctx.toSym(b.indices), b.axis)],
  };
}

function shapeArgs(values: readonly Value[]): number[] {
  return values.length === 1 && isSequence(values[0]) ? toInts(values[0]) : values.map((v) => toInt(v, 'dimension'));
}

/** The arrays cast to their common (promoted) dtype, or to `dtype` when given. */
export function common(ctx: JaxContext, values: readonly Value[], dtype: Value): Sym[] {
  const syms = values.map((v) => ctx.toSym(v));
  const target = ctx.dtypeOf(dtype) ?? syms.reduce((d, s) => ctx.promote(ctx.wrap(ops.scalar(ctx.t, 0, d)), ctx.wrap(s))[0].dtype, syms[0].dtype);
  return syms.map((s) => ops.cast(ctx.t, s, target));
}

function moveAxis(ctx: JaxContext, x: Sym, source: number[], destination: number[]): Sym {
  const rank = x.shape.length;
  const src = source.map((a) => ops.normAxis(a, rank));
  const dst = destination.map((a) => ops.normAxis(a, rank));
  const rest = x.shape.map((_, i) => i).filter((i) => !src.includes(i));
  const perm: number[] = [];
  const placed = new Map(dst.map((d, i) => [d, src[i]]));
  for (let i = 0; i < rank; i++) perm.push(placed.has(i) ? placed.get(i)! : rest.shift()!);
  return ops.transpose(ctx.t, x, perm);
}

function broadcastTo(ctx: JaxContext, x: Sym, shape: number[]): Sym {
  const out = ops.expand(ctx.t, x, shape);
  if (out.shape.length !== shape.length || out.shape.some((d, i) => d !== shape[i])) throw new RangeError(`cannot broadcast shape [${x.shape}] to [${shape}]`);
  return out;
}

function unstack(ctx: JaxContext, x: Sym, axis: number): Value[] {
  const a = ops.normAxis(axis, x.shape.length);
  return Array.from({ length: x.shape[a] }, (_, i) => ctx.wrap(ops.squeeze(ctx.t, ops.sliceAxis(ctx.t, x, a, i, i + 1), [a])));
}

/** jnp.split: a number of equal sections, or the indices to split at. */
function split(ctx: JaxContext, x: Sym, sections: Value, axis: number): Sym[] {
  const n = x.shape[ops.normAxis(axis, x.shape.length)];
  if (ctx.symOf(sections)) throw new NotLowered('jnp.split', 'split points in an array (numpy results are not constants here)');
  if (!isSequence(sections)) {
    const count = toInt(sections);
    if (n % count) throw new RangeError(`array split does not result in an equal division (${n} into ${count})`);
    return ops.split(ctx.t, x, Array(count).fill(n / count), axis);
  }
  const cuts = toInts(sections).map((c) => Math.min(Math.max(c < 0 ? c + n : c, 0), n));
  const bounds = [0, ...cuts, n];
  return bounds.slice(1).map((end, i) => ops.sliceAxis(ctx.t, x, axis, bounds[i], Math.max(end, bounds[i])));
}

function tile(ctx: JaxContext, x: Sym, reps: number[]): Sym {
  const rank = Math.max(x.shape.length, reps.length);
  const lifted = ops.reshape(ctx.t, x, [...Array(rank - x.shape.length).fill(1), ...x.shape]);
  return ops.tile(ctx.t, lifted, [...Array(rank - reps.length).fill(1), ...reps]);
}

/** jnp.repeat with one repeat count: each element repeated in place along the axis (flattened when None). */
function repeat(ctx: JaxContext, x: Sym, repeats: Value, axis: Value, totalLength: Value): Sym {
  const source = isNone(axis) ? ops.reshape(ctx.t, x, [-1]) : x;
  const a = isNone(axis) ? 0 : ops.normAxis(toInt(axis), x.shape.length);
  if (!numberOf(repeats)) return repeatEach(ctx, source, a, repeats, totalLength);
  const count = toInt(repeats);
  const lifted = ops.unsqueeze(ctx.t, source, [a + 1]);
  const shape = [...source.shape.slice(0, a + 1), count, ...source.shape.slice(a + 1)];
  const out = [...source.shape];
  out[a] *= count;
  return ops.reshape(ctx.t, ops.expand(ctx.t, lifted, shape), out);
}

/** Per-element repeat counts, JAX's way: a 1 at each block start (the exclusive running total of the counts; starts
 *  past the output are dropped), whose running sum - 1 indexes the source. The output length must be static
 *  (total_repeat_length): the counts are array values. */
function repeatEach(ctx: JaxContext, x: Sym, axis: number, repeats: Value, totalLength: Value): Sym {
  const t = ctx.t;
  if (isSequence(repeats)) throw pyError('TypeError', `repeat requires ndarray or scalar arguments, got ${typeName(repeats)} at position 1.`);
  if (isNone(totalLength)) throw new NotLowered('jnp.repeat', 'counts held in an array without total_repeat_length (the output size depends on them)');
  const counts = ctx.toSym(repeats, 'int32');
  const length = toInt(totalLength);
  if (counts.shape.length !== 1 || counts.shape[0] !== x.shape[axis]) throw new RangeError(`repeats of shape [${counts.shape}] for an axis of ${x.shape[axis]}`);
  const starts = ops.unsqueeze(t, ops.cumsum(t, counts, 0, false, true), [1]);
  const hits = ops.binary(t, 'Equal', starts, ops.reshape(t, ops.arange(t, 0, length, 1, 'int32'), [1, length]));
  const indicators = ops.reduce(t, 'ReduceSum', ops.cast(t, hits, 'int32'), [0], false);
  const indices = ops.binary(t, 'Sub', ops.cumsum(t, indicators, 0), ops.scalar(t, 1, 'int32'));
  return ops.gather(t, x, indices, axis);
}

/** numpy's pad_width forms: n, (n,), (before, after), or one pair per axis. */
function padWidths(value: Value, rank: number): Array<[number, number]> {
  if (!isSequence(value)) return Array(rank).fill([toInt(value), toInt(value)]);
  const rows = items(value);
  if (rows.length && !isSequence(rows[0])) {
    const pair = toInts(value);
    return Array(rank).fill(pair.length === 1 ? [pair[0], pair[0]] : [pair[0], pair[1]]);
  }
  const pairs = rows.map((row) => toInts(row));
  if (pairs.length === 1) return Array(rank).fill(pairs[0].length === 1 ? [pairs[0][0], pairs[0][0]] : pairs[0]);
  if (pairs.length !== rank) throw new RangeError(`pad_width has ${pairs.length} entries for an array of rank ${rank}`);
  return pairs.map((p) => (p.length === 1 ? [p[0], p[0]] : [p[0], p[1]]));
}

function pad(ctx: JaxContext, x: Sym, b: BoundArgs): Sym {
  const mode = PAD_MODES[toStr(b.mode, 'mode')];
  if (!mode) throw new NotLowered('jnp.pad', `mode='${String(b.mode)}'`);
  if (mode === 'reflect' && b.reflect_type !== 'even') throw new NotLowered('jnp.pad', "reflect_type='odd'");
  const widths = padWidths(b.pad_width, x.shape.length);
  if (widths.some(([lo, hi]) => lo < 0 || hi < 0)) throw new RangeError('pad widths must be non-negative');
  if (mode === 'constant' && isSequence(b.constant_values)) throw new NotLowered('jnp.pad', 'per-axis constant_values');
  const value = mode === 'constant' ? ctx.toSym(b.constant_values, x.dtype) : null;
  return ops.pad(ctx.t, x, widths.map((w) => w[0]), widths.map((w) => w[1]), mode, value);
}

function takeAlongAxis(ctx: JaxContext, x: Sym, indices: Sym, axis: Value): Sym {
  if (isNone(axis)) return ops.gatherElements(ctx.t, ops.reshape(ctx.t, x, [-1]), ops.reshape(ctx.t, indices, [-1]), 0);
  const a = ops.normAxis(toInt(axis), x.shape.length);
  if (indices.shape.length !== x.shape.length) throw new RangeError('indices and arr must have the same number of dimensions');
  const outer = ops.broadcastShapes(x.shape.map((d, i) => (i === a ? 1 : d)), indices.shape.map((d, i) => (i === a ? 1 : d)));
  const idx = ops.expand(ctx.t, indices, outer.map((d, i) => (i === a ? indices.shape[a] : d)));
  const data = ops.expand(ctx.t, x, outer.map((d, i) => (i === a ? x.shape[a] : d)));
  const wrapped = ops.where(ctx.t, ops.binary(ctx.t, 'Less', idx, ops.scalar(ctx.t, 0, idx.dtype)), ops.binary(ctx.t, 'Add', idx, ops.scalar(ctx.t, x.shape[a], idx.dtype)), idx);
  return ops.gatherElements(ctx.t, data, wrapped, a);
}

export function creation(ctx: JaxContext): Table {
  const t = ctx.t;
  const fill = (shape: number[], value: Value, dtype: Value) => {
    const v = ctx.toSym(value);
    const target = ctx.dtypeOf(dtype) ?? (numberOf(value) ? defaultDType(ctx, value) : v.dtype);
    return ops.expand(t, ops.cast(t, v, target), shape);
  };
  const like = (b: BoundArgs, value: Value) => {
    const x = ctx.toSym(b.a);
    return fill(isNone(b.shape) ? [...x.shape] : shapeOf(b.shape), value, isNone(b.dtype) ? ctx.dtypeObject(x.dtype) : b.dtype);
  };
  return {
    zeros: ['jnp.zeros(shape, dtype=None, device=None)', (b) => fill(shapeOf(b.shape), 0, b.dtype ?? ctx.floatDType)],
    ones: ['jnp.ones(shape, dtype=None, device=None)', (b) => fill(shapeOf(b.shape), 1, b.dtype ?? ctx.floatDType)],
    empty: ['jnp.empty(shape, dtype=None, device=None)', (b) => fill(shapeOf(b.shape), 0, b.dtype ?? ctx.floatDType)],
    full: ['jnp.full(shape, fill_value, dtype=None, device=None)', (b) => fill(shapeOf(b.shape), b.fill_value, b.dtype)],
    zeros_like: ['jnp.zeros_like(a, dtype=None, shape=None, device=None)', (b) => like(b, 0)],
    ones_like: ['jnp.ones_like(a, dtype=None, shape=None, device=None)', (b) => like(b, 1)],
    full_like: ['jnp.full_like(a, fill_value, dtype=None, shape=None, device=None)', (b) => like(b, b.fill_value)],
    arange: ['jnp.arange(start, stop=None, step=None, dtype=None, device=None)', (b) => arange(ctx, b)],
    linspace: ['jnp.linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, device=None)', (b) => linspace(ctx, b)],
    eye: ['jnp.eye(N, M=None, k=0, dtype=None, device=None)', (b) => {
      const [n, m, k] = [toInt(b.N), isNone(b.M) ? toInt(b.N) : toInt(b.M), toInt(b.k)];
      const values = Array.from({ length: n * m }, (_, i) => (i % m) - Math.floor(i / m) === k ? 1 : 0);
      return ops.fromValues(t, values, [n, m], ctx.dtypeOf(b.dtype) ?? ctx.floatDType);
    }],
  };
}

function defaultDType(ctx: JaxContext, value: Value): DType {
  return typeof value === 'boolean' ? 'bool' : numberOf(value)!.isFloat ? ctx.floatDType : ctx.intDType;
}

function arange(ctx: JaxContext, b: BoundArgs): Sym {
  const bounds = [b.start, b.stop, b.step].filter((v) => !isNone(v));
  if (bounds.some((v) => !numberOf(v))) throw new NotLowered('jnp.arange', 'array bounds');
  const [start, stop] = isNone(b.stop) ? [0, toNumber(b.start)] : [toNumber(b.start), toNumber(b.stop)];
  const step = isNone(b.step) ? 1 : toNumber(b.step);
  const dtype = ctx.dtypeOf(b.dtype) ?? (bounds.some((v) => numberOf(v)!.isFloat) ? ctx.floatDType : ctx.intDType);
  return ops.arange(ctx.t, start, stop, step, dtype);
}

function linspace(ctx: JaxContext, b: BoundArgs): Sym {
  if (toBool(b.retstep) || toInt(b.axis) !== 0) throw new NotLowered('jnp.linspace', 'retstep or axis');
  const [start, stop, num] = [toNumber(b.start), toNumber(b.stop), toInt(b.num)];
  const divisions = toBool(b.endpoint) ? num - 1 : num;
  const step = divisions > 0 ? (stop - start) / divisions : 0;
  const values = Array.from({ length: num }, (_, i) => (toBool(b.endpoint) && i === num - 1 ? stop : start + i * step));
  return ops.fromValues(ctx.t, values, [num], ctx.dtypeOf(b.dtype) ?? ctx.floatDType);
}
