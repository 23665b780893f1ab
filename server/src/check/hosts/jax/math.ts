// jnp's further elementwise functions, each written as JAX's own implementation composes it (jax/_src/numpy/ufuncs.py
// and lax_numpy.py), so that edge values (inf, nan, zero divisors) come out as in JAX.
import { HostObject, PyTuple, pyError, type Value } from '../../interp';
import { bindArgs, isNone, toBool, toInt, type BoundArgs } from '../../trace/args';
import * as ops from '../../trace/ops';
import { NotLowered, type Sym } from '../../trace/tracer';
import { binaryOperator } from './array';
import type { JaxContext } from './context';
import { axesOf } from './numpy';

type Table = Record<string, [string, (b: BoundArgs) => Value | Sym]>;

/** Inverse hyperbolic functions have ONNX ops of their own. */
const UNARY_FLOAT: Record<string, string> = { arcsinh: 'Asinh', arccosh: 'Acosh', arctanh: 'Atanh' };
/** x * constant, on floats: unit conversions and logarithms to other bases (log(x) * 1/log(base)). */
const SCALED: Record<string, { op?: string; factor: number }> = {
  deg2rad: { factor: Math.PI / 180 }, radians: { factor: Math.PI / 180 }, rad2deg: { factor: 180 / Math.PI }, degrees: { factor: 180 / Math.PI },
  log2: { op: 'Log', factor: 1 / Math.LN2 }, log10: { op: 'Log', factor: 1 / Math.LN10 },
};
/** Integer and boolean bitwise functions: the matching Python operators. */
const BITWISE: Record<string, string> = { bitwise_and: '&', bitwise_or: '|', bitwise_xor: '^', left_shift: '<<', right_shift: '>>', bitwise_left_shift: '<<', bitwise_right_shift: '>>' };
/** isinf and its signed forms: ONNX IsInf's detect flags. */
const INFINITY_TESTS: Record<string, [boolean, boolean]> = { isinf: [true, true], isposinf: [true, false], isneginf: [false, true] };

export function math(ctx: JaxContext): Table {
  const t = ctx.t;
  const float = (v: Value) => ctx.toFloat(ctx.toSym(v));
  const floats = (a: Value, b: Value) => ctx.promote(ctx.wrap(float(a)), ctx.wrap(float(b)));
  const table: Table = {};
  for (const [fn, op] of Object.entries(UNARY_FLOAT)) table[fn] = [`jnp.${fn}(x)`, (b) => ops.unary(t, op, float(b.x))];
  for (const [fn, { op, factor }] of Object.entries(SCALED)) {
    table[fn] = [`jnp.${fn}(x)`, (b) => {
      const x = float(b.x);
      return ops.binary(t, 'Mul', op ? ops.unary(t, op, x) : x, ops.scalar(t, factor, x.dtype));
    }];
  }
  for (const [fn, op] of Object.entries(BITWISE)) table[fn] = [`jnp.${fn}(x1, x2)`, (b) => bitwise(ctx, fn, op, b.x1, b.x2)];
  for (const [fn, [positive, negative]] of Object.entries(INFINITY_TESTS)) {
    table[fn] = [`jnp.${fn}(x)`, (b) => ops.isInf(t, ctx.toSym(b.x), positive, negative)];
  }
  return {
    ...table,
    exp2: ['jnp.exp2(x)', (b) => ops.binary(t, 'Pow', ops.scalar(t, 2, float(b.x).dtype), float(b.x))],
    positive: ['jnp.positive(x)', (b) => ctx.toSym(b.x)],
    bitwise_not: ['jnp.bitwise_not(x)', (b) => invert(ctx, ctx.toSym(b.x))],
    invert: ['jnp.invert(x)', (b) => invert(ctx, ctx.toSym(b.x))],
    isfinite: ['jnp.isfinite(x)', (b) => isFinite(ctx, ctx.toSym(b.x))],
    sinc: ['jnp.sinc(x)', (b) => sinc(ctx, float(b.x))],
    modf: ['jnp.modf(x, out=None)', (b) => {
      const x = float(b.x);
      const whole = ops.where(t, ops.binary(t, 'GreaterOrEqual', x, zero(ctx, x)), ops.unary(t, 'Floor', x), ops.unary(t, 'Ceil', x));
      return new PyTuple([ctx.wrap(ops.binary(t, 'Sub', x, whole)), ctx.wrap(whole)]);
    }],
    nan_to_num: ['jnp.nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None)', (b) => nanToNum(ctx, ctx.toSym(b.x), b)],
    arctan2: ['jnp.arctan2(x1, x2)', (b) => arctan2(ctx, ...floats(b.x1, b.x2))],
    hypot: ['jnp.hypot(x1, x2)', (b) => hypot(ctx, ...floats(b.x1, b.x2))],
    heaviside: ['jnp.heaviside(x1, x2)', (b) => heaviside(ctx, ...floats(b.x1, b.x2))],
    logaddexp: ['jnp.logaddexp(x1, x2)', (b) => logAddExp(ctx, ...floats(b.x1, b.x2), Math.E)],
    logaddexp2: ['jnp.logaddexp2(x1, x2)', (b) => logAddExp(ctx, ...floats(b.x1, b.x2), 2)],
    float_power: ['jnp.float_power(x, y)', (b) => ops.binary(t, 'Pow', ...floats(b.x, b.y))],
    gcd: ['jnp.gcd(x1, x2)', (b) => gcd(ctx, ...integers(ctx, 'gcd', b.x1, b.x2))],
    lcm: ['jnp.lcm(x1, x2)', (b) => lcm(ctx, ...integers(ctx, 'lcm', b.x1, b.x2))],
    isclose: ['jnp.isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False)', (b) => isClose(ctx, b)],
    allclose: ['jnp.allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False)', (b) => allOf(ctx, isClose(ctx, b))],
    array_equal: ['jnp.array_equal(a1, a2, equal_nan=False)', (b) => arrayEqual(ctx, b)],
    count_nonzero: ['jnp.count_nonzero(a, axis=None, keepdims=False)', (b) => {
      const x = ctx.toSym(b.a);
      const nonzero = ops.cast(t, ops.notEqual(t, x, zero(ctx, x)), 'int32');
      return ops.reduce(t, 'ReduceSum', nonzero, axesOf(b.axis), toBool(b.keepdims));
    }],
  };
}

const zero = (ctx: JaxContext, x: Sym) => ops.scalar(ctx.t, 0, x.dtype);
const one = (ctx: JaxContext, x: Sym) => ops.scalar(ctx.t, 1, x.dtype);

function isFinite(ctx: JaxContext, x: Sym): Sym {
  return ops.not(ctx.t, ops.binary(ctx.t, 'Or', ops.isNan(ctx.t, x), ops.isInf(ctx.t, x)));
}

function allOf(ctx: JaxContext, mask: Sym): Sym {
  return ops.cast(ctx.t, ops.reduce(ctx.t, 'ReduceMin', ops.cast(ctx.t, mask, 'int32'), undefined, false), 'bool');
}

function bitwise(ctx: JaxContext, name: string, op: string, a: Value, b: Value): Sym {
  const [x, y] = ctx.promote(a, b);
  if (ops.isFloat(x)) throw pyError('TypeError', `jnp.${name} requires integer or boolean arguments, got ${x.dtype}`);
  return binaryOperator(ctx, op, ctx.wrap(x), ctx.wrap(y))!;
}

function invert(ctx: JaxContext, x: Sym): Sym {
  if (ops.isFloat(x)) throw pyError('TypeError', `jnp.bitwise_not requires integer or boolean arguments, got ${x.dtype}`);
  return x.dtype === 'bool' ? ops.not(ctx.t, x) : ops.unary(ctx.t, 'BitwiseNot', x);
}

/** sin(pi x) / (pi x), exactly 1 at 0. */
function sinc(ctx: JaxContext, x: Sym): Sym {
  const t = ctx.t;
  const atZero = ops.binary(t, 'Equal', x, zero(ctx, x));
  const piX = ops.binary(t, 'Mul', ops.scalar(t, Math.PI, x.dtype), x);
  const safe = ops.where(t, atZero, one(ctx, x), piX);
  return ops.where(t, atZero, one(ctx, x), ops.binary(t, 'Div', ops.unary(t, 'Sin', safe), safe));
}

/** nan → nan (0), +inf → posinf (float32 max), -inf → neginf (float32 min); other dtypes pass. */
function nanToNum(ctx: JaxContext, x: Sym, b: BoundArgs): Sym {
  if (!ops.isFloat(x)) return x;
  const t = ctx.t;
  const value = (v: Value, fallback: number) => (isNone(v) ? ops.scalar(t, fallback, x.dtype) : ctx.toSym(v, x.dtype));
  const max = 3.4028234663852886e38;
  const noNan = ops.where(t, ops.isNan(ctx.t, x), value(b.nan, 0), x);
  const noPositive = ops.where(t, ops.isInf(ctx.t, x, true, false), value(b.posinf, max), noNan);
  return ops.where(t, ops.isInf(ctx.t, x, false, true), value(b.neginf, -max), noPositive);
}

/** x < 0 including -0.0 (whose reciprocal is -inf): the sign the quadrant rules of atan2 read. */
function negative(ctx: JaxContext, x: Sym): Sym {
  const t = ctx.t;
  const negativeZero = ops.binary(t, 'And', ops.binary(t, 'Equal', x, zero(ctx, x)), ops.binary(t, 'Less', ops.unary(t, 'Reciprocal', x), zero(ctx, x)));
  return ops.binary(t, 'Or', ops.binary(t, 'Less', x, zero(ctx, x)), negativeZero);
}

/** C's atan2: atan(y / x), moved by ±pi (the sign of y, signed zeros included) when x is negative or -0.0; the
 *  0/0 and inf/inf quotients, which are nan, take their limits. */
function arctan2(ctx: JaxContext, y: Sym, x: Sym): Sym {
  const t = ctx.t;
  const shape = ops.broadcastShapes(y.shape, x.shape);
  const [yNeg, xNeg] = [negative(ctx, y), negative(ctx, x)];
  const signed = (value: number) => ops.where(t, yNeg, ops.scalar(t, -value, y.dtype), ops.scalar(t, value, y.dtype));
  const quotient = ops.unary(t, 'Atan', ops.binary(t, 'Div', y, x));
  const general = ops.where(t, xNeg, ops.binary(t, 'Add', quotient, signed(Math.PI)), quotient);
  const bothZero = ops.binary(t, 'And', ops.binary(t, 'Equal', y, zero(ctx, y)), ops.binary(t, 'Equal', x, zero(ctx, x)));
  const bothInf = ops.binary(t, 'And', ops.isInf(t, y), ops.isInf(t, x));
  const atZero = ops.where(t, xNeg, signed(Math.PI), ops.expand(t, y, shape));
  const atInf = ops.where(t, xNeg, signed((3 * Math.PI) / 4), signed(Math.PI / 4));
  return ops.where(t, bothZero, atZero, ops.where(t, bothInf, atInf, general));
}

function hypot(ctx: JaxContext, a: Sym, b: Sym): Sym {
  const t = ctx.t;
  const [x1, x2] = [ops.unary(t, 'Abs', a), ops.unary(t, 'Abs', b)];
  const infinite = ops.binary(t, 'Or', ops.isInf(ctx.t, x1, true, false), ops.isInf(ctx.t, x2, true, false));
  const [big, small] = [ops.binary(t, 'Max', x1, x2), ops.binary(t, 'Min', x1, x2)];
  const isZero = ops.binary(t, 'Equal', big, zero(ctx, big));
  const ratio = ops.binary(t, 'Div', small, ops.where(t, isZero, one(ctx, big), big));
  const scaled = ops.binary(t, 'Mul', big, ops.unary(t, 'Sqrt', ops.binary(t, 'Add', one(ctx, big), ops.binary(t, 'Mul', ratio, ratio))));
  return ops.where(t, infinite, ops.scalar(t, Infinity, big.dtype), ops.where(t, isZero, big, scaled));
}

function heaviside(ctx: JaxContext, x1: Sym, x2: Sym): Sym {
  const t = ctx.t;
  const shape = ops.broadcastShapes(x1.shape, x2.shape);
  const at = (v: Sym) => ops.expand(t, v, shape);
  const inner = ops.where(t, ops.isNan(ctx.t, x1), at(x1), at(x2));
  const positive = ops.where(t, ops.binary(t, 'Greater', x1, zero(ctx, x1)), at(one(ctx, x1)), inner);
  return ops.where(t, ops.binary(t, 'Less', x1, zero(ctx, x1)), at(zero(ctx, x1)), positive);
}

/** log(base^a + base^b) as lax computes it: max + log_base(1 + base^-|a - b|); nan where a - b is nan. */
function logAddExp(ctx: JaxContext, a: Sym, b: Sym, base: number): Sym {
  const t = ctx.t;
  const amax = ops.binary(t, 'Max', a, b);
  const delta = ops.binary(t, 'Sub', a, b);
  const negAbs = ops.unary(t, 'Neg', ops.unary(t, 'Abs', delta));
  const power = base === Math.E ? ops.unary(t, 'Exp', negAbs) : ops.binary(t, 'Pow', ops.scalar(t, base, a.dtype), negAbs);
  let tail = ops.unary(t, 'Log', ops.binary(t, 'Add', one(ctx, a), power));
  if (base !== Math.E) tail = ops.binary(t, 'Mul', tail, ops.scalar(t, 1 / Math.log(base), a.dtype));
  return ops.where(t, ops.isNan(ctx.t, delta), ops.binary(t, 'Add', a, b), ops.binary(t, 'Add', amax, tail));
}

function integers(ctx: JaxContext, name: string, a: Value, b: Value): [Sym, Sym] {
  const [x, y] = ctx.promote(a, b);
  if (x.dtype !== 'int32' && x.dtype !== 'int64') throw pyError('TypeError', `Arguments to jax.numpy.${name} must be integers.`);
  return [x, y];
}

/** Euclid's algorithm unrolled: 48 steps exceed the longest run on 32-bit integers (consecutive Fibonacci numbers),
 *  and a finished pair stays unchanged, as in JAX's while loop. */
function gcd(ctx: JaxContext, a: Sym, b: Sym): Sym {
  const t = ctx.t;
  const shape = ops.broadcastShapes(a.shape, b.shape);
  let x = ops.expand(t, ops.unary(t, 'Abs', a), shape);
  let y = ops.expand(t, ops.unary(t, 'Abs', b), shape);
  const zeros = ops.full(t, shape, 0, x.dtype);
  for (let i = 0; i < 48; i++) {
    const active = ops.notEqual(t, y, zeros);
    const safe = ops.where(t, active, y, ops.full(t, shape, 1, x.dtype));
    [x, y] = [ops.where(t, active, y, x), ops.where(t, active, ops.binary(t, 'Mod', x, safe, { fmod: 0 }), zeros)];
  }
  return x;
}

function lcm(ctx: JaxContext, a: Sym, b: Sym): Sym {
  const t = ctx.t;
  const [x1, x2] = [ops.unary(t, 'Abs', a), ops.unary(t, 'Abs', b)];
  const d = gcd(ctx, x1, x2);
  const isZero = ops.binary(t, 'Equal', d, zero(ctx, d));
  const quotient = ops.binary(t, 'Div', x2, ops.where(t, isZero, one(ctx, d), d));
  return ops.where(t, isZero, zero(ctx, d), ops.binary(t, 'Mul', x1, quotient));
}

/** a == b, or (b finite and |a - b| <= atol + rtol |b|); both nan counts when equal_nan. */
function isClose(ctx: JaxContext, b: BoundArgs): Sym {
  const t = ctx.t;
  const [x, y] = ctx.promote(b.a, b.b);
  const [fx, fy] = [ctx.toFloat(x), ctx.toFloat(y)];
  const [rtol, atol] = [ctx.toSym(b.rtol, fx.dtype), ctx.toSym(b.atol, fx.dtype)];
  const bound = ops.binary(t, 'Add', atol, ops.binary(t, 'Mul', rtol, ops.unary(t, 'Abs', fy)));
  const inRange = ops.binary(t, 'LessOrEqual', ops.unary(t, 'Abs', ops.binary(t, 'Sub', fx, fy)), bound);
  const out = ops.binary(t, 'Or', ops.binary(t, 'Equal', fx, fy), ops.binary(t, 'And', isFinite(ctx, fy), inRange));
  if (!toBool(b.equal_nan)) return out;
  return ops.binary(t, 'Or', out, ops.binary(t, 'And', ops.isNan(ctx.t, fx), ops.isNan(ctx.t, fy)));
}

/** Same shape and all elements equal (nan equal to nan when equal_nan); different shapes are simply False. */
function arrayEqual(ctx: JaxContext, b: BoundArgs): Sym {
  const [x, y] = [ctx.toSym(b.a1), ctx.toSym(b.a2)];
  if (x.shape.length !== y.shape.length || x.shape.some((d, i) => d !== y.shape[i])) return ops.scalar(ctx.t, false, 'bool');
  const [a, c] = ctx.promote(ctx.wrap(x), ctx.wrap(y));
  let equal = ops.binary(ctx.t, 'Equal', a, c);
  if (toBool(b.equal_nan)) equal = ops.binary(ctx.t, 'Or', equal, ops.binary(ctx.t, 'And', ops.isNan(ctx.t, a), ops.isNan(ctx.t, c)));
  return allOf(ctx, equal);
}

/** `jnp.logaddexp.accumulate(x, axis=0)`: the running logaddexp along an axis, one step at a time as a scan does. */
export function logAddExpUfunc(ctx: JaxContext, call: HostObject['hooks']['call']): HostObject {
  const accumulate = new HostObject('jnp.logaddexp.accumulate', {
    call: (args, kwargs) => {
      const b = bindArgs('jnp.logaddexp.accumulate(a, axis=0, dtype=None, out=None)', args, kwargs);
      if (!isNone(b.dtype) || !isNone(b.out)) throw new NotLowered('jnp.logaddexp.accumulate', 'dtype or out');
      const x = ctx.toFloat(ctx.toSym(b.a));
      const axis = ops.normAxis(toInt(b.axis), x.shape.length);
      const steps: Sym[] = [];
      for (let i = 0; i < x.shape[axis]; i++) {
        const slice = ops.sliceAxis(ctx.t, x, axis, i, i + 1);
        steps.push(i ? logAddExp(ctx, steps[i - 1], slice, Math.E) : slice);
      }
      return ctx.wrap(ops.concat(ctx.t, steps, axis));
    },
  });
  return new HostObject('jnp.logaddexp', { call, getattr: (name) => (name === 'accumulate' ? accumulate : undefined) });
}
