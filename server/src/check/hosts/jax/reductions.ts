// jnp (and numpy) reductions, statistics, arg-reductions and scans, with the framework's result dtypes: the sum of
// bools, the mean of integers and arg-reductions take the policy's default integer or float (int32/float32 in JAX
// since x64 is off; int64/float64 in NumPy).
import { type Value } from '../../interp';
import { isNone, toBool, toInt, type BoundArgs } from '../../trace/args';
import * as ops from '../../trace/ops';
import { NotLowered, type Sym } from '../../trace/tracer';
import type { DType } from '../../onnx/tensor';
import type { JaxContext } from './context';
import { axesOf } from './numpy';

type Table = Record<string, [string, (b: BoundArgs) => Value | Sym]>;

/** Each reduction: its ONNX op and the dtype its input is brought to. */
const REDUCTIONS: Record<string, { op: string; input: (x: Sym, ctx: JaxContext) => DType | undefined; signature: string }> = {
  sum: { op: 'ReduceSum', input: (x, ctx) => (x.dtype === 'bool' ? ctx.intDType : undefined), signature: '(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None, promote_integers=True)' },
  prod: { op: 'ReduceProd', input: (x, ctx) => (x.dtype === 'bool' ? ctx.intDType : undefined), signature: '(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None, promote_integers=True)' },
  mean: { op: 'ReduceMean', input: (x, ctx) => (ops.isFloat(x) ? undefined : ctx.floatDType), signature: '(a, axis=None, dtype=None, out=None, keepdims=False, where=None)' },
  max: { op: 'ReduceMax', input: () => undefined, signature: '(a, axis=None, out=None, keepdims=False, initial=None, where=None)' },
  min: { op: 'ReduceMin', input: () => undefined, signature: '(a, axis=None, out=None, keepdims=False, initial=None, where=None)' },
  amax: { op: 'ReduceMax', input: () => undefined, signature: '(a, axis=None, out=None, keepdims=False, initial=None, where=None)' },
  amin: { op: 'ReduceMin', input: () => undefined, signature: '(a, axis=None, out=None, keepdims=False, initial=None, where=None)' },
};

export function reductions(ctx: JaxContext): Table {
  const t = ctx.t;
  const table: Table = {};
  for (const [name, spec] of Object.entries(REDUCTIONS)) {
    table[name] = [`jnp.${name}${spec.signature}`, (b) => {
      refuse(name, b, ['out', 'initial', 'where']);
      const x = ctx.toSym(b.a);
      const input = ops.cast(t, x, spec.input(x, ctx) ?? x.dtype);
      const out = ops.reduce(t, spec.op, input, axesOf(b.axis), toBool(b.keepdims));
      return 'dtype' in b && !isNone(b.dtype) ? ops.cast(t, out, ctx.dtypeOf(b.dtype)!) : out;
    }];
  }
  for (const [name, op] of [['all', 'ReduceMin'], ['any', 'ReduceMax']] as const) {
    table[name] = [`jnp.${name}(a, axis=None, out=None, keepdims=False, where=None)`, (b) => {
      refuse(name, b, ['out', 'where']);
      const truth = ops.cast(t, ctx.toSym(b.a, 'bool'), 'int32');
      return ops.cast(t, ops.reduce(t, op, truth, axesOf(b.axis), toBool(b.keepdims)), 'bool');
    }];
  }
  for (const name of ['var', 'std']) {
    table[name] = [`jnp.${name}(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=None, correction=None)`, (b) => {
      refuse(name, b, ['out', 'where', 'dtype']);
      const ddof = isNone(b.correction) ? toInt(b.ddof) : toInt(b.correction);
      const v = variance(ctx, ctx.toFloat(ctx.toSym(b.a)), axesOf(b.axis), ddof, toBool(b.keepdims));
      return name === 'std' ? ops.unary(t, 'Sqrt', v) : v;
    }];
  }
  for (const [name, op] of [['argmax', 'ArgMax'], ['argmin', 'ArgMin']] as const) {
    table[name] = [`jnp.${name}(a, axis=None, out=None, keepdims=None)`, (b) => {
      const x = ctx.toSym(b.a);
      const flat = isNone(b.axis) ? ops.reshape(t, x, [-1]) : x;
      const keep = !isNone(b.keepdims) && toBool(b.keepdims);
      const out = ops.argReduce(t, op, flat, isNone(b.axis) ? 0 : toInt(b.axis), keep && !isNone(b.axis));
      const shaped = keep && isNone(b.axis) ? ops.reshape(t, out, x.shape.map(() => 1)) : out;
      return ops.cast(t, shaped, ctx.intDType);
    }];
  }
  for (const [name, mean] of [['nansum', false], ['nanmean', true]] as const) {
    table[name] = [`jnp.${name}(a, axis=None, dtype=None, out=None, keepdims=False, where=None)`, (b) => {
      refuse(name, b, ['out', 'where', 'dtype']);
      const x = ctx.toSym(b.a);
      const input = mean ? ctx.toFloat(x) : ops.cast(t, x, x.dtype === 'bool' ? 'int32' : x.dtype);
      return nanReduce(ctx, input, axesOf(b.axis), toBool(b.keepdims), mean);
    }];
  }
  table.cumsum = ['jnp.cumsum(a, axis=None, dtype=None, out=None)', (b) => {
    const x = ctx.toSym(b.a);
    const input = isNone(b.dtype) ? ops.cast(t, x, x.dtype === 'bool' ? 'int32' : x.dtype) : ctx.toSym(b.a, ctx.dtypeOf(b.dtype));
    return isNone(b.axis) ? ops.cumsum(t, ops.reshape(t, input, [-1]), 0) : ops.cumsum(t, input, toInt(b.axis));
  }];
  table.cumprod = ['jnp.cumprod(a, axis=None, dtype=None, out=None)', (b) => {
    const x = ctx.toSym(b.a, isNone(b.dtype) ? undefined : ctx.dtypeOf(b.dtype));
    const input = x.dtype === 'bool' ? ops.cast(t, x, 'int32') : x;
    return isNone(b.axis) ? cumprod(ctx, ops.reshape(t, input, [-1]), 0) : cumprod(ctx, input, toInt(b.axis));
  }];
  return table;
}

/** ONNX has no cumulative product: each step multiplies the previous one by the next slice (static length). */
function cumprod(ctx: JaxContext, x: Sym, axis: number): Sym {
  const t = ctx.t;
  const a = ops.normAxis(axis, x.shape.length);
  const steps: Sym[] = [];
  for (let i = 0; i < x.shape[a]; i++) {
    const slice = ops.sliceAxis(t, x, a, i, i + 1);
    steps.push(i ? ops.binary(t, 'Mul', steps[i - 1], slice) : slice);
  }
  return ops.concat(t, steps, a);
}

/** The sum (or mean) of the non-nan elements: nan counts as zero and, for the mean, not at all. */
function nanReduce(ctx: JaxContext, x: Sym, axes: number[] | undefined, keepdims: boolean, mean: boolean): Sym {
  const t = ctx.t;
  const present = ops.not(t, ops.isNan(t, x));
  const total = ops.reduce(t, 'ReduceSum', ops.where(t, present, x, ops.scalar(t, 0, x.dtype)), axes, keepdims);
  if (!mean) return total;
  return ops.binary(t, 'Div', total, ops.reduce(t, 'ReduceSum', ops.cast(t, present, x.dtype), axes, keepdims));
}

/** Mean of squared deviations over `axes`, divided by n - ddof. */
export function variance(ctx: JaxContext, x: Sym, axes: number[] | undefined, ddof: number, keepdims: boolean): Sym {
  const t = ctx.t;
  const centered = ops.binary(t, 'Sub', x, ops.reduce(t, 'ReduceMean', x, axes, true));
  const squares = ops.binary(t, 'Mul', centered, centered);
  const n = ops.size(axes === undefined ? x.shape : axes.map((a) => x.shape[ops.normAxis(a, x.shape.length)]));
  const total = ops.reduce(t, 'ReduceSum', squares, axes, keepdims);
  return ops.binary(t, 'Div', total, ops.scalar(t, n - ddof, x.dtype));
}

function refuse(name: string, b: BoundArgs, unsupported: string[]): void {
  const given = unsupported.find((k) => !isNone(b[k]));
  if (given) throw new NotLowered(`jnp.${name}`, `${given}=`);
}
