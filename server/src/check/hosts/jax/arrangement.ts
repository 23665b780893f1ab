// jnp functions that join, split, roll, rotate and difference arrays, and the grids built from vectors, as numpy
// defines them (the atleast_nd promotions of hstack/vstack/dstack, array_split's uneven sections).
import { PyList, type Value } from '../../interp';
import { isNone, isSequence, items, toInt, toInts, toNumber, toStr, type BoundArgs } from '../../trace/args';
import * as ops from '../../trace/ops';
import { NotLowered, type Sym } from '../../trace/tracer';
import type { JaxContext } from './context';
import { common } from './shapes';

type Table = Record<string, [string, (b: BoundArgs) => Value | Sym]>;

/** numpy's atleast_1d/2d/3d: where a lower-rank array's axes go (a vector is a row; a matrix gains a last axis). */
function atLeast(ctx: JaxContext, x: Sym, rank: number): Sym {
  const s = x.shape;
  if (s.length >= rank) return x;
  const shape = rank === 1 ? [1] : rank === 2 ? (s.length === 0 ? [1, 1] : [1, s[0]]) : s.length === 0 ? [1, 1, 1] : s.length === 1 ? [1, s[0], 1] : [...s, 1];
  return ops.reshape(ctx.t, x, shape);
}

export function arrangement(ctx: JaxContext): Table {
  const t = ctx.t;
  const arrays = (b: BoundArgs) => common(ctx, items(b.tup), b.dtype ?? null);
  const stackAt = (rank: number, axis: number) => (b: BoundArgs) => ops.concat(t, arrays(b).map((x) => atLeast(ctx, x, rank)), axis);
  const atLeastFn = (rank: number) => (b: BoundArgs) => {
    const xs = items(b.arys).map((v) => ctx.wrap(atLeast(ctx, ctx.toSym(v), rank)));
    return xs.length === 1 ? xs[0] : new PyList(xs);
  };
  return {
    hstack: ['jnp.hstack(tup, dtype=None)', (b) => {
      const xs = arrays(b).map((x) => atLeast(ctx, x, 1));
      return ops.concat(t, xs, xs[0].shape.length === 1 ? 0 : 1);
    }],
    vstack: ['jnp.vstack(tup, dtype=None)', stackAt(2, 0)],
    dstack: ['jnp.dstack(tup, dtype=None)', stackAt(3, 2)],
    column_stack: ['jnp.column_stack(tup)', (b) => ops.concat(t, arrays(b).map((x) => (x.shape.length < 2 ? ops.reshape(t, x, [-1, 1]) : x)), 1)],
    atleast_1d: ['jnp.atleast_1d(*arys)', atLeastFn(1)],
    atleast_2d: ['jnp.atleast_2d(*arys)', atLeastFn(2)],
    atleast_3d: ['jnp.atleast_3d(*arys)', atLeastFn(3)],
    array_split: ['jnp.array_split(ary, indices_or_sections, axis=0)', (b) => new PyList(arraySplit(ctx, ctx.toSym(b.ary), b.indices_or_sections, toInt(b.axis)).map(ctx.wrap))],
    fliplr: ['jnp.fliplr(m)', (b) => ops.sliceAxis(t, ctx.toSym(b.m), 1, null, null, -1)],
    flipud: ['jnp.flipud(m)', (b) => ops.sliceAxis(t, ctx.toSym(b.m), 0, null, null, -1)],
    roll: ['jnp.roll(a, shift, axis=None)', (b) => roll(ctx, ctx.toSym(b.a), b.shift, b.axis)],
    rot90: ['jnp.rot90(m, k=1, axes=(0, 1))', (b) => rot90(ctx, ctx.toSym(b.m), toInt(b.k), toInts(b.axes))],
    diff: ['jnp.diff(a, n=1, axis=-1, prepend=None, append=None)', (b) => diff(ctx, b)],
    broadcast_arrays: ['jnp.broadcast_arrays(*args)', (b) => {
      const xs = items(b.args).map((v) => ctx.toSym(v));
      const shape = ops.broadcastShapes(...xs.map((x) => x.shape));
      return new PyList(xs.map((x) => ctx.wrap(ops.expand(t, x, shape))));
    }],
    meshgrid: ['jnp.meshgrid(*xi, copy=True, sparse=False, indexing="xy")', (b) => new PyList(meshgrid(ctx, items(b.xi).map((v) => ctx.toSym(v)), toStr(b.indexing), b.sparse === true).map(ctx.wrap))],
    logspace: ['jnp.logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0)', (b) => logspace(ctx, b)],
  };
}

/** Sections of sizes n // k + 1 (the first n % k of them) and n // k, or the pieces between given indices. */
function arraySplit(ctx: JaxContext, x: Sym, sections: Value, axis: number): Sym[] {
  const n = x.shape[ops.normAxis(axis, x.shape.length)];
  if (ctx.symOf(sections)) throw new NotLowered('jnp.array_split', 'split points in an array');
  const clamp = (c: number) => Math.min(Math.max(c < 0 ? c + n : c, 0), n);
  const cuts = isSequence(sections) ? toInts(sections).map(clamp) : evenCuts(n, toInt(sections));
  const bounds = [0, ...cuts, n];
  return bounds.slice(1).map((end, i) => ops.sliceAxis(ctx.t, x, axis, bounds[i], Math.max(end, bounds[i])));
}

function evenCuts(n: number, count: number): number[] {
  if (count <= 0) throw new RangeError('number sections must be larger than 0.');
  const [size, extra] = [Math.floor(n / count), n % count];
  const cuts: number[] = [];
  for (let i = 1, at = 0; i < count; i++) cuts.push((at += size + (i <= extra ? 1 : 0)));
  return cuts;
}

/** Elements shifted along axes, wrapping around (over the flattened array when axis is None). */
function roll(ctx: JaxContext, x: Sym, shift: Value, axis: Value): Sym {
  const t = ctx.t;
  if (ctx.symOf(shift)) throw new NotLowered('jnp.roll', 'a shift held in an array');
  if (isNone(axis)) return ops.reshape(t, roll(ctx, ops.reshape(t, x, [-1]), shift, 0), x.shape);
  const axes = toInts(axis);
  const shifts = toInts(shift, axes.length);
  if (shifts.length !== axes.length) throw new RangeError('roll: shift and axis must have the same length');
  return axes.reduce((y, a, i) => {
    const n = y.shape[ops.normAxis(a, y.shape.length)];
    const s = n ? ((shifts[i] % n) + n) % n : 0;
    return s ? ops.concat(t, [ops.sliceAxis(t, y, a, n - s, n), ops.sliceAxis(t, y, a, 0, n - s)], a) : y;
  }, x);
}

/** numpy's rot90: k quarter turns from the first axis towards the second. */
function rot90(ctx: JaxContext, m: Sym, k: number, axes: number[]): Sym {
  const t = ctx.t;
  if (axes.length !== 2) throw new RangeError('len(axes) must be 2.');
  const [a, b] = axes.map((x) => ops.normAxis(x, m.shape.length));
  if (a === b) throw new RangeError('Axes must be different.');
  const flip = (y: Sym, axis: number) => ops.sliceAxis(t, y, axis, null, null, -1);
  const turns = ((k % 4) + 4) % 4;
  if (turns === 0) return m;
  if (turns === 2) return flip(flip(m, a), b);
  return turns === 1 ? ops.swapAxes(t, flip(m, b), a, b) : flip(ops.swapAxes(t, m, a, b), b);
}

/** The n-th discrete difference along an axis (after joining prepend/append, scalars broadcast to one slice). */
function diff(ctx: JaxContext, b: BoundArgs): Sym {
  const t = ctx.t;
  let x = ctx.toSym(b.a);
  const n = toInt(b.n);
  if (n < 0) throw new RangeError(`order must be non-negative but got ${n}`);
  if (!x.shape.length) throw new RangeError('diff requires input that is at least one dimensional');
  const axis = ops.normAxis(toInt(b.axis), x.shape.length);
  const edge = (v: Value) => {
    const s = ctx.toSym(v, x.dtype);
    return s.shape.length ? s : ops.expand(t, s, x.shape.map((d, i) => (i === axis ? 1 : d)));
  };
  const parts = [...(isNone(b.prepend) ? [] : [edge(b.prepend)]), x, ...(isNone(b.append) ? [] : [edge(b.append)])];
  x = ops.concat(t, parts, axis);
  for (let i = 0; i < n; i++) {
    const m = x.shape[axis];
    const [later, earlier] = [ops.sliceAxis(t, x, axis, 1, m), ops.sliceAxis(t, x, axis, 0, m - 1)];
    x = x.dtype === 'bool' ? ops.notEqual(t, later, earlier) : ops.binary(t, 'Sub', later, earlier);
  }
  return x;
}

/** Coordinate arrays: 'xy' swaps the first two output axes (Cartesian), 'ij' keeps them (matrix). */
function meshgrid(ctx: JaxContext, xs: Sym[], indexing: string, sparse: boolean): Sym[] {
  if (indexing !== 'xy' && indexing !== 'ij') throw new RangeError(`Valid values for indexing are 'xy' and 'ij', got ${indexing}`);
  const vectors = xs.map((x) => ops.reshape(ctx.t, x, [-1]));
  const lengths = vectors.map((v) => v.shape[0]);
  if (indexing === 'xy' && vectors.length > 1) [lengths[0], lengths[1]] = [lengths[1], lengths[0]];
  return vectors.map((v, i) => {
    const at = indexing === 'xy' && vectors.length > 1 && i < 2 ? 1 - i : i;
    const shape = lengths.map((d, j) => (j === at ? d : 1));
    const placed = ops.reshape(ctx.t, v, shape);
    return sparse ? placed : ops.expand(ctx.t, placed, lengths);
  });
}

/** base ** linspace(start, stop, num), as JAX computes it in float32. */
function logspace(ctx: JaxContext, b: BoundArgs): Sym {
  const t = ctx.t;
  if (toInt(b.axis) !== 0 || ![b.start, b.stop, b.base].every((v) => !ctx.symOf(v))) throw new NotLowered('jnp.logspace', 'array bounds or axis');
  const [start, stop, num] = [toNumber(b.start), toNumber(b.stop), toInt(b.num)];
  const divisions = b.endpoint === false ? num : num - 1;
  const step = divisions > 0 ? (stop - start) / divisions : 0;
  const exponents = Array.from({ length: num }, (_, i) => (b.endpoint !== false && i === num - 1 ? stop : start + i * step));
  const powers = ops.binary(t, 'Pow', ops.scalar(t, toNumber(b.base), 'float32'), ops.fromValues(t, exponents, [num], 'float32'));
  return ops.cast(t, powers, ctx.dtypeOf(b.dtype) ?? 'float32');
}
