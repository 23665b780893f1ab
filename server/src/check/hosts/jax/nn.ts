// jax.nn activations and helpers, with JAX's defaults (gelu is the tanh approximation unless told otherwise).
import { HostObject, PyModule, type Value } from '../../interp';
import { isNone, toBool, toInt, toInts, toNumber, type BoundArgs } from '../../trace/args';
import * as ops from '../../trace/ops';
import { NotLowered, type Sym } from '../../trace/tracer';
import type { JaxContext } from './context';
import { defineAll } from './numpy';

function floatAttr(value: number) {
  return { type: 'float' as const, value };
}

export function createNn(ctx: JaxContext, initializers: PyModule): PyModule {
  const t = ctx.t;
  const x = (b: BoundArgs) => ctx.toFloat(ctx.toSym(b.x));
  const mul = (a: Sym, b: Sym) => ops.binary(t, 'Mul', a, b);
  const sigmoid = (v: Sym) => ops.unary(t, 'Sigmoid', v);
  const softplus = (v: Sym) => {
    // max(v, 0) + log(1 + exp(-|v|)): no overflow for large |v|, as JAX's logaddexp(v, 0)
    const positive = ops.binary(t, 'Max', v, ops.scalar(t, 0, v.dtype));
    const tail = ops.unary(t, 'Log', ops.binary(t, 'Add', ops.scalar(t, 1, v.dtype), ops.unary(t, 'Exp', ops.unary(t, 'Neg', ops.unary(t, 'Abs', v)))));
    return ops.binary(t, 'Add', positive, tail);
  };
  const relu6 = (v: Sym) => ops.clip(t, v, ops.scalar(t, 0, v.dtype), ops.scalar(t, 6, v.dtype));
  const hardSigmoid = (v: Sym) => ops.binary(t, 'Div', relu6(ops.binary(t, 'Add', v, ops.scalar(t, 3, v.dtype))), ops.scalar(t, 6, v.dtype));
  const softmaxAxis = (name: string, b: BoundArgs) => {
    if (!isNone(b.where)) throw new NotLowered(`jax.nn.${name}`, 'where=');
    return toInt(b.axis, 'axis');
  };
  const functions = defineAll(ctx, {
    relu: ['jax.nn.relu(x)', (b) => ops.unary(t, 'Relu', ctx.toSym(b.x))],
    relu6: ['jax.nn.relu6(x)', (b) => relu6(x(b))],
    gelu: ['jax.nn.gelu(x, approximate=True)', (b) => ops.gelu(t, x(b), toBool(b.approximate) ? 'tanh' : 'none')],
    sigmoid: ['jax.nn.sigmoid(x)', (b) => sigmoid(x(b))],
    silu: ['jax.nn.silu(x)', (b) => mul(x(b), sigmoid(x(b)))],
    swish: ['jax.nn.swish(x)', (b) => mul(x(b), sigmoid(x(b)))],
    tanh: ['jax.nn.tanh(x)', (b) => ops.unary(t, 'Tanh', x(b))],
    softplus: ['jax.nn.softplus(x)', (b) => softplus(x(b))],
    mish: ['jax.nn.mish(x)', (b) => mul(x(b), ops.unary(t, 'Tanh', softplus(x(b))))],
    hard_sigmoid: ['jax.nn.hard_sigmoid(x)', (b) => hardSigmoid(x(b))],
    hard_swish: ['jax.nn.hard_swish(x)', (b) => mul(x(b), hardSigmoid(x(b)))],
    hard_tanh: ['jax.nn.hard_tanh(x)', (b) => ops.clip(t, x(b), ops.scalar(t, -1, 'float32'), ops.scalar(t, 1, 'float32'))],
    log_sigmoid: ['jax.nn.log_sigmoid(x)', (b) => ops.unary(t, 'Neg', softplus(ops.unary(t, 'Neg', x(b))))],
    leaky_relu: ['jax.nn.leaky_relu(x, negative_slope=0.01)', (b) => t.node('LeakyRelu', [x(b)], { alpha: floatAttr(toNumber(b.negative_slope)) }, x(b))],
    elu: ['jax.nn.elu(x, alpha=1.0)', (b) => t.node('Elu', [x(b)], { alpha: floatAttr(toNumber(b.alpha)) }, x(b))],
    celu: ['jax.nn.celu(x, alpha=1.0)', (b) => t.node('Celu', [x(b)], { alpha: floatAttr(toNumber(b.alpha)) }, x(b))],
    selu: ['jax.nn.selu(x)', (b) => t.node('Selu', [x(b)], { alpha: floatAttr(1.6732632423543772), gamma: floatAttr(1.0507009873554805) }, x(b))],
    softmax: ['jax.nn.softmax(x, axis=-1, where=None)', (b) => ops.softmax(t, 'Softmax', x(b), softmaxAxis('softmax', b))],
    log_softmax: ['jax.nn.log_softmax(x, axis=-1, where=None)', (b) => ops.softmax(t, 'LogSoftmax', x(b), softmaxAxis('log_softmax', b))],
    one_hot: ['jax.nn.one_hot(x, num_classes, dtype=None, axis=-1)', (b) => oneHot(ctx, ctx.toSym(b.x), toInt(b.num_classes), b)],
    identity: ['jax.nn.identity(x)', (b) => ctx.toSym(b.x)],
    soft_sign: ['jax.nn.soft_sign(x)', (b) => ops.binary(t, 'Div', x(b), ops.binary(t, 'Add', ops.unary(t, 'Abs', x(b)), ops.scalar(t, 1, 'float32')))],
    glu: ['jax.nn.glu(x, axis=-1)', (b) => {
      const input = ctx.toSym(b.x);
      const axis = ops.normAxis(toInt(b.axis), input.shape.length);
      const half = input.shape[axis] / 2;
      if (!Number.isInteger(half)) throw new RangeError('axis size must be divisible by 2');
      const [a, gate] = ops.split(t, input, [half, half], axis);
      return mul(a, sigmoid(ctx.toFloat(gate)));
    }],
    logsumexp: ['jax.nn.logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False, where=None)', (b) => logSumExp(ctx, b)],
  });
  const attrs = new Map<string, Value>(Object.entries(functions).map(([k, fn]) => [k, new HostObject(`jax.nn.${k}`, { call: fn })]));
  attrs.set('initializers', initializers);
  return new PyModule('jax.nn', attrs);
}

/** jax.scipy.special's elementwise functions that have ONNX forms. */
export function createScipySpecial(ctx: JaxContext): PyModule {
  const t = ctx.t;
  const x = (b: BoundArgs) => ctx.toFloat(ctx.toSym(b.x));
  const one = (v: Sym) => ops.scalar(t, 1, v.dtype);
  const functions = defineAll(ctx, {
    erf: ['jax.scipy.special.erf(x)', (b) => ops.unary(t, 'Erf', x(b))],
    erfc: ['jax.scipy.special.erfc(x)', (b) => ops.binary(t, 'Sub', one(x(b)), ops.unary(t, 'Erf', x(b)))],
    expit: ['jax.scipy.special.expit(x)', (b) => ops.unary(t, 'Sigmoid', x(b))],
    xlogy: ['jax.scipy.special.xlogy(x, y)', (b) => xTimes(ctx, b, 'Log')],
    xlog1py: ['jax.scipy.special.xlog1py(x, y)', (b) => xTimes(ctx, b, 'Log1p')],
    entr: ['jax.scipy.special.entr(x)', (b) => entropy(ctx, x(b))],
    logsumexp: ['jax.scipy.special.logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False, where=None)', (b) => logSumExp(ctx, b)],
    logit: ['jax.scipy.special.logit(x)', (b) => ops.unary(t, 'Log', ops.binary(t, 'Div', x(b), ops.binary(t, 'Sub', one(x(b)), x(b))))],
  });
  return new PyModule('jax.scipy.special', new Map(Object.entries(functions).map(([k, fn]) => [k, new HostObject(`jax.scipy.special.${k}`, { call: fn })])));
}

/** x * log(y) (or log1p(y)), 0 where x is 0 unless y is nan (JAX's xlogy/xlog1py). */
function xTimes(ctx: JaxContext, b: BoundArgs, log: 'Log' | 'Log1p'): Sym {
  const t = ctx.t;
  const [x, y] = ctx.promote(ctx.wrap(ctx.toFloat(ctx.toSym(b.x))), ctx.wrap(ctx.toFloat(ctx.toSym(b.y))));
  const zero = ops.scalar(t, 0, x.dtype);
  const logY = log === 'Log' ? ops.unary(t, 'Log', y) : ops.unary(t, 'Log', ops.binary(t, 'Add', ops.scalar(t, 1, y.dtype), y));
  const keep = ops.binary(t, 'Or', ops.notEqual(t, x, zero), ops.isNan(t, y));
  return ops.where(t, keep, ops.binary(t, 'Mul', x, logY), zero);
}

/** -x log x (0 at 0), -inf below 0. */
function entropy(ctx: JaxContext, x: Sym): Sym {
  const t = ctx.t;
  const zero = ops.scalar(t, 0, x.dtype);
  const xLogX = ops.where(t, ops.binary(t, 'Equal', x, zero), zero, ops.binary(t, 'Mul', x, ops.unary(t, 'Log', x)));
  return ops.where(t, ops.binary(t, 'Less', x, zero), ops.scalar(t, -Infinity, x.dtype), ops.unary(t, 'Neg', xLogX));
}

/** log(sum(exp(a))) shifted by the (finite) maximum, as JAX computes it. */
export function logSumExp(ctx: JaxContext, b: BoundArgs): Sym {
  const t = ctx.t;
  if (!isNone(b.b) || toBool(b.return_sign) || !isNone(b.where)) throw new NotLowered('jax.nn.logsumexp', 'b, return_sign or where');
  const a = ctx.toFloat(ctx.toSym(b.a));
  const axes = isNone(b.axis) ? undefined : toInts(b.axis);
  const peak = ops.reduce(t, 'ReduceMax', a, axes, true);
  const shift = ops.where(t, ops.not(t, ops.binary(t, 'Or', ops.isNan(t, peak), ops.isInf(t, peak))), peak, ops.scalar(t, 0, a.dtype));
  const summed = ops.reduce(t, 'ReduceSum', ops.unary(t, 'Exp', ops.binary(t, 'Sub', a, shift)), axes, toBool(b.keepdims));
  const shiftOut = toBool(b.keepdims) ? shift : ops.reshape(t, shift, summed.shape);
  return ops.binary(t, 'Add', ops.unary(t, 'Log', summed), shiftOut);
}

function oneHot(ctx: JaxContext, x: Sym, n: number, b: BoundArgs): Sym {
  const t = ctx.t;
  const axis = toInt(b.axis);
  const at = axis < 0 ? x.shape.length + 1 + axis : axis;
  const classes = ops.reshape(t, ops.arange(t, 0, n, 1, x.dtype), [n, ...Array(x.shape.length - at).fill(1)]);
  const hits = ops.binary(t, 'Equal', ops.unsqueeze(t, x, [at]), classes);
  return ops.cast(t, hits, ctx.dtypeOf(b.dtype) ?? 'float32');
}
