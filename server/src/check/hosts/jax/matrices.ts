// jnp's diagonals, triangle indices and products (outer, inner, vdot, kron, tensordot), lowered to gathers, reshapes
// and matmul with numpy's axis conventions.
import { PyTuple, type Value } from '../../interp';
import { isNone, isSequence, items, toInt, toInts, type BoundArgs } from '../../trace/args';
import * as ops from '../../trace/ops';
import type { Sym } from '../../trace/tracer';
import type { JaxContext } from './context';

type Table = Record<string, [string, (b: BoundArgs) => Value | Sym]>;

export function matrices(ctx: JaxContext): Table {
  const t = ctx.t;
  const triangle = (upper: boolean) => (b: BoundArgs) => triangleIndices(ctx, toInt(b.n), toInt(b.k), isNone(b.m) ? toInt(b.n) : toInt(b.m), upper);
  return {
    diagonal: ['jnp.diagonal(a, offset=0, axis1=0, axis2=1)', (b) => diagonal(ctx, ctx.toSym(b.a), toInt(b.offset), toInt(b.axis1), toInt(b.axis2))],
    diag: ['jnp.diag(v, k=0)', (b) => {
      const v = ctx.toSym(b.v);
      if (v.shape.length === 2) return diagonal(ctx, v, toInt(b.k), 0, 1);
      if (v.shape.length !== 1) throw new RangeError('diag input must be 1d or 2d');
      return diagonalMatrix(ctx, v, toInt(b.k));
    }],
    trace: ['jnp.trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None)', (b) => {
      const d = diagonal(ctx, ctx.toSym(b.a), toInt(b.offset), toInt(b.axis1), toInt(b.axis2));
      const input = isNone(b.dtype) ? ops.cast(t, d, d.dtype === 'bool' ? 'int32' : d.dtype) : ops.cast(t, d, ctx.dtypeOf(b.dtype)!);
      return ops.reduce(t, 'ReduceSum', input, [-1], false);
    }],
    tril_indices: ['jnp.tril_indices(n, k=0, m=None)', triangle(false)],
    triu_indices: ['jnp.triu_indices(n, k=0, m=None)', triangle(true)],
    outer: ['jnp.outer(a, b, out=None)', (b) => {
      const [x, y] = ctx.promote(b.a, b.b);
      return ops.binary(t, 'Mul', ops.reshape(t, x, [-1, 1]), ops.reshape(t, y, [1, -1]));
    }],
    inner: ['jnp.inner(a, b, *, precision=None, preferred_element_type=None)', (b) => {
      const [x, y] = ctx.promote(b.a, b.b);
      if (!x.shape.length || !y.shape.length) return ops.binary(t, 'Mul', x, y);
      return tensordot(ctx, x, y, [x.shape.length - 1], [y.shape.length - 1]);
    }],
    vdot: ['jnp.vdot(a, b, *, precision=None, preferred_element_type=None)', (b) => {
      const [x, y] = ctx.promote(b.a, b.b);
      return tensordot(ctx, ops.reshape(t, x, [-1]), ops.reshape(t, y, [-1]), [0], [0]);
    }],
    kron: ['jnp.kron(a, b)', (b) => kron(ctx, ...ctx.promote(b.a, b.b))],
    tensordot: ['jnp.tensordot(a, b, axes=2, *, precision=None, preferred_element_type=None, out_sharding=None)', (b) => {
      const [x, y] = ctx.promote(b.a, b.b);
      const [ax, ay] = contractedAxes(x, y, b.axes);
      return tensordot(ctx, x, y, ax, ay);
    }],
  };
}

/** The offset diagonal of the axis1 × axis2 planes, as a new last axis (numpy's layout). */
export function diagonal(ctx: JaxContext, a: Sym, offset: number, axis1: number, axis2: number): Sym {
  const t = ctx.t;
  const rank = a.shape.length;
  const [i, j] = [ops.normAxis(axis1, rank), ops.normAxis(axis2, rank)];
  if (i === j) throw new RangeError('axis1 and axis2 must not be equal');
  const rest = a.shape.map((_, k) => k).filter((k) => k !== i && k !== j);
  const moved = ops.transpose(t, a, [...rest, i, j]);
  const [n, m] = [a.shape[i], a.shape[j]];
  const length = Math.max(0, offset >= 0 ? Math.min(n, m - offset) : Math.min(n + offset, m));
  const first = offset >= 0 ? offset : -offset * m;
  const flat = ops.reshape(t, moved, [...rest.map((k) => a.shape[k]), n * m]);
  const positions = Array.from({ length }, (_, k) => first + k * (m + 1));
  return ops.gather(t, flat, ops.fromValues(t, positions, [length], 'int64'), -1);
}

/** A square matrix with v on its k-th diagonal and zeros elsewhere. */
function diagonalMatrix(ctx: JaxContext, v: Sym, k: number): Sym {
  const t = ctx.t;
  const n = v.shape[0] + Math.abs(k);
  const mask = Array.from({ length: n * n }, (_, p) => (p % n) - Math.floor(p / n) === k);
  // element (r, c) on the diagonal holds v[min(r, c)]; clamped positions elsewhere are masked out
  const index = Array.from({ length: n * n }, (_, p) => Math.max(0, Math.min(Math.min(Math.floor(p / n), p % n), v.shape[0] - 1)));
  const values = ops.reshape(t, ops.gather(t, v, ops.fromValues(t, index, [n * n], 'int64'), 0), [n, n]);
  return ops.where(t, ops.fromValues(t, mask.map(Number), [n, n], 'bool'), values, ops.scalar(t, 0, v.dtype));
}

/** Row and column indices (int32) of the lower or upper triangle of an n × m matrix, row by row. */
function triangleIndices(ctx: JaxContext, n: number, k: number, m: number, upper: boolean): PyTuple {
  const rows: number[] = [];
  const cols: number[] = [];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < m; c++) {
      if (upper ? c - r >= k : c - r <= k) {
        rows.push(r);
        cols.push(c);
      }
    }
  }
  return new PyTuple([rows, cols].map((v) => ctx.wrap(ops.fromValues(ctx.t, v, [v.length], 'int32'))));
}

/** tensordot's axes argument: an int N (the last N of a with the first N of b) or two axis lists. */
function contractedAxes(x: Sym, y: Sym, axes: Value): [number[], number[]] {
  if (!isSequence(axes)) {
    const n = toInt(axes);
    return [Array.from({ length: n }, (_, i) => x.shape.length - n + i), Array.from({ length: n }, (_, i) => i)];
  }
  const [ax, ay] = items(axes).map((v) => toInts(v));
  return [ax.map((a) => ops.normAxis(a, x.shape.length)), ay.map((a) => ops.normAxis(a, y.shape.length))];
}

/** Sums products over paired axes: the free axes of a, then those of b. */
function tensordot(ctx: JaxContext, x: Sym, y: Sym, ax: number[], ay: number[]): Sym {
  const t = ctx.t;
  if (ax.length !== ay.length || ax.some((a, i) => x.shape[a] !== y.shape[ay[i]])) throw new RangeError(`tensordot: axes of shapes [${x.shape}] and [${y.shape}] do not match`);
  const freeX = x.shape.map((_, i) => i).filter((i) => !ax.includes(i));
  const freeY = y.shape.map((_, i) => i).filter((i) => !ay.includes(i));
  const k = ops.size(ax.map((a) => x.shape[a]));
  const left = ops.reshape(t, ops.transpose(t, x, [...freeX, ...ax]), [ops.size(freeX.map((i) => x.shape[i])), k]);
  const right = ops.reshape(t, ops.transpose(t, y, [...ay, ...freeY]), [k, ops.size(freeY.map((i) => y.shape[i]))]);
  return ops.reshape(t, ops.matmul(t, left, right), [...freeX.map((i) => x.shape[i]), ...freeY.map((i) => y.shape[i])]);
}

/** Every product a[i] * b[j] placed at i * shape(b) + j; the lower-rank operand gains leading axes. */
function kron(ctx: JaxContext, a: Sym, b: Sym): Sym {
  const t = ctx.t;
  const rank = Math.max(a.shape.length, b.shape.length);
  const lift = (x: Sym) => ops.reshape(t, x, [...Array(rank - x.shape.length).fill(1), ...x.shape]);
  const [x, y] = [lift(a), lift(b)];
  const spreadX = ops.reshape(t, x, x.shape.flatMap((d) => [d, 1]));
  const spreadY = ops.reshape(t, y, y.shape.flatMap((d) => [1, d]));
  return ops.reshape(t, ops.binary(t, 'Mul', spreadX, spreadY), x.shape.map((d, i) => d * y.shape[i]));
}
