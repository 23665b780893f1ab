// jax.lax: reduce_window (sum and max pools), conv_general_dilated with dimension numbers (and the patches built on
// it), slice_in_dim, dynamic_slice_in_dim with a static start, collapse, rsqrt, top_k, and scan, which is unrolled
// (its length is static).
import { HostObject, PyList, PyModule, PyTuple, numberOf, type InterpreterApi, type Value } from '../../interp';
import { bindArgs, isNone, isSequence, items, toBool, toInt, toInts, type BoundArgs } from '../../trace/args';
import * as ops from '../../trace/ops';
import { NotLowered, type Sym, type Tracer } from '../../trace/tracer';
import { binaryOperator, type Fn } from './array';
import type { JaxContext } from './context';
import { defineAll } from './numpy';
import { tupleOf } from './tree';

/** `lax.conv_dimension_numbers(...)`: the layouts of lhs, rhs and output as letters ('NCHW', 'OIHW', 'NCHW'). */
class DimensionNumbers extends HostObject {
  constructor(readonly specs: [string, string, string]) {
    super('ConvDimensionNumbers', { repr: () => `ConvDimensionNumbers(${specs.join(', ')})` });
  }
}

export function createLax(ctx: JaxContext): PyModule {
  const t = ctx.t;
  const pair = (op: string): Fn => (args) => ctx.wrap(ops.binary(t, op, ...ctx.promote(args[0], args[1])));
  const add = new HostObject('lax.add', { call: (args) => ctx.wrap(binaryOperator(ctx, '+', args[0], args[1])!) });
  const max = new HostObject('lax.max', { call: pair('Max') });
  const min = new HostObject('lax.min', { call: pair('Min') });
  const windowOps = new Map<Value, 'sum' | 'max'>([[add, 'sum'], [max, 'max']]);
  const functions = defineAll(ctx, {
    rsqrt: ['lax.rsqrt(x, accuracy=None)', (b) => ops.unary(t, 'Reciprocal', ops.unary(t, 'Sqrt', ctx.toFloat(ctx.toSym(b.x))))],
    stop_gradient: ['lax.stop_gradient(x)', (b) => ctx.toSym(b.x)],
    slice_in_dim: ['lax.slice_in_dim(operand, start_index, limit_index, stride=1, axis=0)', (b) =>
      ops.sliceAxis(t, ctx.toSym(b.operand), toInt(b.axis), isNone(b.start_index) ? null : toInt(b.start_index), isNone(b.limit_index) ? null : toInt(b.limit_index), toInt(b.stride))],
    dynamic_slice_in_dim: ['lax.dynamic_slice_in_dim(operand, start_index, slice_size, axis=0, *, allow_negative_indices=True)', (b) => dynamicSlice(ctx, b)],
    collapse: ['lax.collapse(operand, start_dimension, stop_dimension=None)', (b) => {
      const x = ctx.toSym(b.operand);
      const rank = x.shape.length;
      const start = ops.normAxis(toInt(b.start_dimension), rank);
      const stop = isNone(b.stop_dimension) ? rank : toInt(b.stop_dimension) < 0 ? toInt(b.stop_dimension) + rank : toInt(b.stop_dimension);
      return ops.reshape(t, x, [...x.shape.slice(0, start), ops.size(x.shape.slice(start, stop)), ...x.shape.slice(stop)]);
    }],
    top_k: ['lax.top_k(operand, k, *, axis=-1)', (b) => {
      const [values, indices] = ops.topk(t, ctx.toSym(b.operand), toInt(b.k), toInt(b.axis), true, true);
      return new PyTuple([ctx.wrap(values), ctx.wrap(ops.cast(t, indices, 'int32'))]);
    }],
    reduce_window: ['lax.reduce_window(operand, init_value, computation, window_dimensions, window_strides=None, padding="VALID", base_dilation=None, window_dilation=None)', (b) => {
      const kind = windowOps.get(b.computation);
      if (!kind) throw new NotLowered('lax.reduce_window', 'a computation other than lax.add or lax.max');
      return reduceWindow(ctx, ctx.toSym(b.operand), kind, b);
    }],
    conv_dimension_numbers: ['lax.conv_dimension_numbers(lhs_shape, rhs_shape, dimension_numbers)', (b) => dimensionNumbers(b.dimension_numbers, toInts(b.lhs_shape).length)],
    conv_general_dilated_patches: ['lax.conv_general_dilated_patches(lhs, filter_shape, window_strides, padding, lhs_dilation=None, rhs_dilation=None, dimension_numbers=None, precision=None, preferred_element_type=None)', (b) => patches(ctx, b)],
    conv_general_dilated: ['lax.conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation=None, rhs_dilation=None, dimension_numbers=None, feature_group_count=1, batch_group_count=1, precision=None, preferred_element_type=None)', (b) => convGeneral(ctx, b)],
  });
  const attrs = new Map<string, Value>(Object.entries(functions).map(([k, fn]) => [k, new HostObject(`lax.${k}`, { call: fn })]));
  attrs.set('scan', new HostObject('lax.scan', { call: (args, kwargs, api) => scan(ctx, api, bindArgs('lax.scan(f, init, xs=None, length=None, reverse=False, unroll=1)', args, kwargs)) }));
  attrs.set('add', add);
  attrs.set('max', max);
  attrs.set('min', min);
  const precision = new Map<string, Value>(['DEFAULT', 'HIGH', 'HIGHEST'].map((p) => [p, p]));
  attrs.set('Precision', new PyModule('lax.Precision', precision));
  return new PyModule('jax.lax', attrs);
}

/** A slice of static size from a start that, like XLA's, is clamped so that the slice fits (negative starts count
 *  from the end first). A start held in an array is data: not lowered. */
function dynamicSlice(ctx: JaxContext, b: BoundArgs): Sym {
  const x = ctx.toSym(b.operand);
  if (ctx.symOf(b.start_index)) throw new NotLowered('lax.dynamic_slice_in_dim', 'a start index held in an array');
  const axis = ops.normAxis(toInt(b.axis), x.shape.length);
  const [n, size] = [x.shape[axis], toInt(b.slice_size)];
  if (size > n || size < 0) throw new RangeError(`slice size ${size} does not fit an axis of ${n}`);
  const given = toInt(b.start_index);
  const start = Math.min(Math.max(given < 0 && b.allow_negative_indices !== false ? given + n : given, 0), n - size);
  return ops.sliceAxis(ctx.t, x, axis, start, start + size);
}

function dimensionNumbers(value: Value, rank: number): DimensionNumbers {
  if (value instanceof DimensionNumbers) return value;
  if (isNone(value)) {
    const spatial = 'DHW'.slice(3 - (rank - 2)) || 'X'.repeat(rank - 2);
    return new DimensionNumbers([`NC${spatial}`, `OI${spatial}`, `NC${spatial}`]);
  }
  const specs = items(value).map(String);
  if (specs.length !== 3) throw new NotLowered('lax.conv_dimension_numbers', 'a form other than three layout strings');
  return new DimensionNumbers(specs as [string, string, string]);
}

/** Explicit (low, high) pads per axis from 'VALID', 'SAME' (XLA's split: the extra one on the high side) or pairs. */
export function windowPads(padding: Value, sizes: number[], window: number[], strides: number[], dilations: number[]): Array<[number, number]> {
  if (padding === 'VALID') return sizes.map(() => [0, 0]);
  if (padding === 'SAME' || padding === 'SAME_LOWER') {
    return sizes.map((n, i) => {
      const effective = (window[i] - 1) * dilations[i] + 1;
      const total = Math.max((Math.ceil(n / strides[i]) - 1) * strides[i] + effective - n, 0);
      const low = padding === 'SAME' ? Math.floor(total / 2) : Math.ceil(total / 2);
      return [low, total - low];
    });
  }
  if (typeof padding === 'string') throw new NotLowered('padding', `'${padding}'`);
  return items(padding).map((p) => toInts(p) as [number, number]);
}

/** Sum or max over windows: the axes with a trivial window are folded into the batch, the rest pooled. */
function reduceWindow(ctx: JaxContext, input: Sym, kind: 'sum' | 'max', b: BoundArgs): Sym {
  const t = ctx.t;
  const window = toInts(b.window_dimensions);
  const strides = isNone(b.window_strides) ? window.map(() => 1) : toInts(b.window_strides);
  const dilations = isNone(b.window_dilation) ? window.map(() => 1) : toInts(b.window_dilation);
  if (!isNone(b.base_dilation) && toInts(b.base_dilation).some((d) => d !== 1)) throw new NotLowered('lax.reduce_window', 'base_dilation');
  const signedPads = windowPads(b.padding, [...input.shape], window, strides, dilations);
  const x = cropNegativePads(t, input, signedPads, 0);
  const pads = signedPads.map(([lo, hi]) => [Math.max(lo, 0), Math.max(hi, 0)]);
  const active = x.shape.map((_, i) => i).filter((i) => window[i] !== 1 || strides[i] !== 1 || pads[i][0] || pads[i][1]);
  if (!active.length) return x;
  if (active.length > 3) throw new NotLowered('lax.reduce_window', 'more than three pooled axes');
  const passive = x.shape.map((_, i) => i).filter((i) => !active.includes(i));
  const moved = ops.transpose(t, x, [...passive, ...active]);
  const batch = ops.size(passive.map((i) => x.shape[i]));
  const pooledInput = ops.reshape(t, moved, [batch, 1, ...active.map((i) => x.shape[i])]);
  const options = {
    kernel: active.map((i) => window[i]), strides: active.map((i) => strides[i]), dilations: active.map((i) => dilations[i]),
    pads: [...active.map((i) => pads[i][0]), ...active.map((i) => pads[i][1])],
  };
  checkInit(b.init_value, kind);
  const pooled = kind === 'max'
    ? ops.maxPool(t, padWithLowest(ctx, pooledInput, options.pads), { ...options, pads: options.pads.map(() => 0), ceil: false })
    : ops.conv(t, pooledInput, ops.full(t, [1, 1, ...options.kernel], 1, x.dtype), null, { ...options, groups: 1 });
  const outShape = [...passive.map((i) => x.shape[i]), ...pooled.shape.slice(2)];
  const inverse = [...passive, ...active].map((_, i) => [...passive, ...active].indexOf(i));
  return ops.transpose(t, ops.reshape(t, pooled, outShape), inverse);
}

/** Negative padding removes elements: crops each axis (from `first` on) by the negative parts of its pads. */
function cropNegativePads(t: Tracer, x: Sym, pads: Array<[number, number]>, first: number): Sym {
  return pads.reduce((y, [lo, hi], i) => ops.sliceAxis(t, y, first + i, Math.max(-lo, 0), y.shape[first + i] - Math.max(-hi, 0)), x);
}

/** Max pooling pads with -inf, as reduce_window with init -inf does (ONNX MaxPool's own pads are the same). */
function padWithLowest(ctx: JaxContext, x: Sym, pads: number[]): Sym {
  const n = pads.length / 2;
  return ops.pad(ctx.t, x, [0, 0, ...pads.slice(0, n)], [0, 0, ...pads.slice(n)], 'constant', ops.scalar(ctx.t, -Infinity, x.dtype));
}

function checkInit(init: Value, kind: 'sum' | 'max'): void {
  const value = numberOf(init)?.value;
  if (value !== (kind === 'max' ? -Infinity : 0)) throw new NotLowered('lax.reduce_window', `init_value other than the identity of ${kind}`);
}

/** conv_general_dilated: into NC.../OI... layouts, lhs dilation by interleaving zeros, negative pads by cropping. */
function convGeneral(ctx: JaxContext, b: BoundArgs): Sym {
  const t = ctx.t;
  if (toInt(b.batch_group_count) !== 1) throw new NotLowered('lax.conv_general_dilated', 'batch_group_count');
  const [lhsRaw, rhsRaw] = ctx.promote(b.lhs, b.rhs);
  const dn = dimensionNumbers(b.dimension_numbers, lhsRaw.shape.length);
  const [lhsSpec, rhsSpec, outSpec] = dn.specs;
  const spatial = [...lhsSpec].filter((c) => c !== 'N' && c !== 'C');
  let x = ops.transpose(t, lhsRaw, ['N', 'C', ...spatial].map((c) => lhsSpec.indexOf(c)));
  const w = ops.transpose(t, rhsRaw, ['O', 'I', ...spatial].map((c) => rhsSpec.indexOf(c)));
  const nd = spatial.length;
  const ones = Array(nd).fill(1);
  const lhsDilation = isNone(b.lhs_dilation) ? ones : toInts(b.lhs_dilation);
  const rhsDilation = isNone(b.rhs_dilation) ? ones : toInts(b.rhs_dilation);
  const strides = toInts(b.window_strides);
  lhsDilation.forEach((d, i) => (x = dilate(ctx, x, 2 + i, d)));
  const pads = windowPads(b.padding, [...x.shape.slice(2)], [...w.shape.slice(2)], strides, rhsDilation);
  x = cropNegativePads(t, x, pads, 2);
  const out = ops.conv(t, x, w, null, { strides, dilations: rhsDilation, groups: toInt(b.feature_group_count), pads: [...pads.map((p) => Math.max(p[0], 0)), ...pads.map((p) => Math.max(p[1], 0))] });
  const produced = ['N', 'C', ...spatial];
  return ops.transpose(t, out, [...outSpec].map((c) => produced.indexOf(c === 'O' ? 'C' : c)));
}

/** Image patches as JAX extracts them: a grouped convolution (one group per channel) with an identity kernel, so
 *  that output channel c * S + s holds channel c at window position s. */
function patches(ctx: JaxContext, b: BoundArgs): Sym {
  const lhs = ctx.toSym(b.lhs);
  const filter = toInts(b.filter_shape);
  const dn = dimensionNumbers(b.dimension_numbers, lhs.shape.length);
  const [lhsSpec, rhsSpec] = dn.specs;
  const channels = lhs.shape[lhsSpec.indexOf('C')];
  const spatial = ops.size(filter);
  const identity = Array.from({ length: channels * spatial * spatial }, (_, i) => (Math.floor(i / spatial) % spatial === i % spatial ? 1 : 0));
  const canonical = ['O', 'I', ...[...rhsSpec].filter((c) => c !== 'O' && c !== 'I')];
  const kernel = ops.fromValues(ctx.t, identity, [channels * spatial, 1, ...filter], lhs.dtype);
  const rhs = ops.transpose(ctx.t, kernel, [...rhsSpec].map((c) => canonical.indexOf(c)));
  return convGeneral(ctx, { ...b, rhs: ctx.wrap(rhs), dimension_numbers: dn, feature_group_count: channels, batch_group_count: 1 });
}

/** Inserts d - 1 zeros between neighbours along an axis. */
function dilate(ctx: JaxContext, x: Sym, axis: number, d: number): Sym {
  if (d === 1) return x;
  const t = ctx.t;
  const n = x.shape[axis];
  const lifted = ops.unsqueeze(t, x, [axis + 1]);
  const padded = ops.pad(t, lifted, Array(x.shape.length + 1).fill(0), [...x.shape.slice(0, axis + 1).map(() => 0), d - 1, ...x.shape.slice(axis + 1).map(() => 0)], 'constant', ops.scalar(t, 0, x.dtype));
  const merged = ops.reshape(t, padded, [...x.shape.slice(0, axis), n * d, ...x.shape.slice(axis + 1)]);
  return ops.sliceAxis(t, merged, axis, 0, (n - 1) * d + 1);
}

/** lax.scan unrolled: f(carry, x_t) for each step of xs' leading axis; the per-step outputs are stacked. */
function scan(ctx: JaxContext, api: InterpreterApi, b: BoundArgs): Value {
  const t = ctx.t;
  const xs = isNone(b.xs) ? undefined : ctx.toSym(b.xs);
  if (!isNone(b.xs) && !xs) throw new NotLowered('lax.scan', 'xs other than one array');
  const length = xs ? xs.shape[0] : toInt(b.length);
  const order = Array.from({ length }, (_, i) => (b.reverse === true ? length - 1 - i : i));
  let carry = b.init;
  const ys: Value[] = [];
  for (const i of order) {
    const step = xs ? ctx.wrap(ops.squeeze(t, ops.sliceAxis(t, xs, 0, i, i + 1), [0])) : null;
    const [next, y] = tupleOf(api.call(b.f, [carry, step]), 2);
    carry = next;
    ys[i] = y;
  }
  return new PyTuple([carry, stackOutputs(ctx, ys)]);
}

/** The stacked per-step outputs: arrays stack, tuples and lists stack element-wise, None stays None. */
function stackOutputs(ctx: JaxContext, ys: Value[]): Value {
  const first = ys[0];
  if (first === null || first === undefined) return null;
  if (isSequence(first)) {
    const columns = items(first).map((_, j) => stackOutputs(ctx, ys.map((y) => items(y)[j])));
    return first instanceof PyList ? new PyList(columns) : new PyTuple(columns);
  }
  return ctx.wrap(ops.stack(ctx.t, ys.map((y) => ctx.toSym(y)), 0));
}

/** flax's pooling (nnx.max_pool, nnx.avg_pool): reduce_window over the window axes between the batch axes and the
 *  trailing feature axis, which are not pooled; average pools count the padding (count_include_pad=True). */
export function createPools(ctx: JaxContext): Record<string, HostObject> {
  const pool = (name: string, signature: string, kind: 'sum' | 'max') => new HostObject(`nnx.${name}`, {
    call: (args, kwargs) => {
      const b = bindArgs(signature, args, kwargs);
      const x = ctx.toSym(b.inputs);
      const window = toInts(b.window_shape);
      const batchAxes = x.shape.length - window.length - 1;
      if (batchAxes < 0) throw new NotLowered(`flax.nnx.${name}`, 'inputs with fewer axes than the window and the features');
      const around = (inner: readonly Value[], outer: Value) => new PyTuple([...Array(batchAxes).fill(outer), ...inner, outer]);
      const padding = typeof b.padding === 'string' ? b.padding : around(items(b.padding), new PyTuple([0, 0]));
      const strides = isNone(b.strides) ? window.map(() => 1) : toInts(b.strides);
      const pooled = reduceWindow(ctx, x, kind, {
        init_value: kind === 'max' ? -Infinity : 0, window_dimensions: around(window, 1), window_strides: around(strides, 1),
        padding, base_dilation: null, window_dilation: null,
      });
      if (kind === 'max') return ctx.wrap(pooled);
      if (!toBool(b.count_include_pad)) throw new NotLowered('flax.nnx.avg_pool', 'count_include_pad=False');
      return ctx.wrap(ops.binary(ctx.t, 'Div', pooled, ops.scalar(ctx.t, ops.size(window), pooled.dtype)));
    },
  });
  return {
    max_pool: pool('max_pool', 'max_pool(inputs, window_shape, strides=None, padding="VALID")', 'max'),
    avg_pool: pool('avg_pool', 'avg_pool(inputs, window_shape, strides=None, padding="VALID", count_include_pad=True)', 'sum'),
  };
}
