// jax.numpy: each function binds its arguments to JAX's own signature (defaults included) and lowers to ops.
// Argument forms the check cannot reproduce exactly raise NotLowered rather than guessing.
import { HostObject, PyModule, float, type Value } from '../../interp';
import { bindArgs, isNone, isSequence, items, toBool, toInt, toInts, toNumber, type BoundArgs } from '../../trace/args';
import * as ops from '../../trace/ops';
import { NotLowered, type Sym } from '../../trace/tracer';
import { binaryOperator, type Fn } from './array';
import type { JaxContext } from './context';
import { reductions } from './reductions';
import { creation, shapes } from './shapes';

/** A function from a Python-text signature and a lowering of the bound arguments. */
export function defineAll(ctx: JaxContext, table: Record<string, [string, (b: BoundArgs) => Value | Sym]>): Record<string, Fn> {
  return Object.fromEntries(Object.entries(table).map(([name, [signature, lower]]) => [name, (args: Value[], kwargs) => {
    const out = lower(bindArgs(signature, args, kwargs));
    return isSym(out) ? ctx.wrap(out) : out;
  }]));
}

function isSym(value: unknown): value is Sym {
  return typeof value === 'object' && value !== null && 'id' in value && 'shape' in value && 'dtype' in value && !(value instanceof HostObject);
}

/** An axis argument: undefined for None (all axes). */
export function axesOf(value: Value): number[] | undefined {
  return isNone(value) ? undefined : toInts(value);
}

export function shapeOf(value: Value): number[] {
  return isSequence(value) ? toInts(value) : [toInt(value, 'shape')];
}

const UNARY_FLOAT: Record<string, string> = { exp: 'Exp', log: 'Log', sqrt: 'Sqrt', tanh: 'Tanh', sin: 'Sin', cos: 'Cos', tan: 'Tan', erf: 'Erf', reciprocal: 'Reciprocal', arcsin: 'Asin', arccos: 'Acos', arctan: 'Atan', sinh: 'Sinh', cosh: 'Cosh' };
const UNARY_SAME: Record<string, string> = { abs: 'Abs', absolute: 'Abs', sign: 'Sign', negative: 'Neg' };
const ROUNDING: Record<string, string> = { floor: 'Floor', ceil: 'Ceil' };
const BINARY_OPERATORS: Record<string, string> = {
  add: '+', subtract: '-', multiply: '*', divide: '/', true_divide: '/', power: '**', floor_divide: '//', remainder: '%', mod: '%',
  equal: '==', not_equal: '!=', less: '<', less_equal: '<=', greater: '>', greater_equal: '>=',
};
const LOGICAL: Record<string, string> = { logical_and: 'And', logical_or: 'Or', logical_xor: 'Xor' };

export function createNumpy(ctx: JaxContext, name: string): { module: PyModule; functions: Record<string, Fn> } {
  const t = ctx.t;
  const arr = (v: Value) => ctx.toSym(v);
  const elementwise: Record<string, [string, (b: BoundArgs) => Value | Sym]> = {};
  for (const [fn, op] of Object.entries(UNARY_FLOAT)) elementwise[fn] = [`jnp.${fn}(x)`, (b) => ops.unary(t, op, ctx.toFloat(arr(b.x)))];
  for (const [fn, op] of Object.entries(UNARY_SAME)) elementwise[fn] = [`jnp.${fn}(x)`, (b) => ops.unary(t, op, arr(b.x))];
  for (const [fn, op] of Object.entries(ROUNDING)) elementwise[fn] = [`jnp.${fn}(x)`, (b) => (ops.isFloat(arr(b.x)) ? ops.unary(t, op, arr(b.x)) : arr(b.x))];
  for (const [fn, op] of Object.entries(BINARY_OPERATORS)) elementwise[fn] = [`jnp.${fn}(x1, x2)`, (b) => binaryOperator(ctx, op, b.x1, b.x2)!];
  for (const [fn, op] of Object.entries(LOGICAL)) elementwise[fn] = [`jnp.${fn}(x1, x2)`, (b) => ops.binary(t, op, ctx.toSym(b.x1, 'bool'), ctx.toSym(b.x2, 'bool'))];
  const table: Record<string, [string, (b: BoundArgs) => Value | Sym]> = {
    ...elementwise,
    trunc: ['jnp.trunc(x)', (b) => truncate(ctx, arr(b.x))],
    maximum: ['jnp.maximum(x, y)', (b) => ops.binary(t, 'Max', ...ctx.promote(b.x, b.y))],
    minimum: ['jnp.minimum(x, y)', (b) => ops.binary(t, 'Min', ...ctx.promote(b.x, b.y))],
    fmod: ['jnp.fmod(x1, x2)', (b) => ops.binary(t, 'Mod', ...ctx.promote(b.x1, b.x2), { fmod: 1 })],
    square: ['jnp.square(x)', (b) => ops.binary(t, 'Mul', arr(b.x), arr(b.x))],
    log1p: ['jnp.log1p(x)', (b) => ops.unary(t, 'Log', binaryOperator(ctx, '+', ctx.wrap(ctx.toFloat(arr(b.x))), 1)!)],
    expm1: ['jnp.expm1(x)', (b) => binaryOperator(ctx, '-', ctx.wrap(ops.unary(t, 'Exp', ctx.toFloat(arr(b.x)))), 1)!],
    logical_not: ['jnp.logical_not(x)', (b) => ops.not(t, ctx.toSym(b.x, 'bool'))],
    isnan: ['jnp.isnan(x)', (b) => t.node('IsNaN', [ctx.toFloat(arr(b.x))], {}, { dtype: 'bool', shape: arr(b.x).shape })],
    round: ['jnp.round(a, decimals=0, out=None)', (b) => roundTo(ctx, arr(b.a), toInt(b.decimals))],
    where: ['jnp.where(condition, x=None, y=None, size=None, fill_value=None)', (b) => {
      if (isNone(b.x) || isNone(b.y)) throw new NotLowered('jnp.where', 'the one-argument form (data-dependent size)');
      return ops.where(t, ctx.toSym(b.condition, 'bool'), ...ctx.promote(b.x, b.y));
    }],
    clip: ['jnp.clip(arr=None, min=None, max=None, a=None, a_min=None, a_max=None)', (b) => clip(ctx, b.arr ?? b.a, isNone(b.min) ? b.a_min : b.min, isNone(b.max) ? b.a_max : b.max)],
    matmul: ['jnp.matmul(a, b, precision=None, preferred_element_type=None)', (b) => ops.matmul(t, ...ctx.promote(b.a, b.b))],
    dot: ['jnp.dot(a, b, precision=None, preferred_element_type=None)', (b) => dot(ctx, b.a, b.b)],
    einsum: ['jnp.einsum(subscripts, *operands, out=None, optimize="auto", precision=None, preferred_element_type=None)', (b) => einsum(ctx, String(b.subscripts), items(b.operands))],
    astype: ['jnp.astype(x, dtype, copy=False, device=None)', (b) => ctx.toSym(b.x, ctx.dtypeOf(b.dtype))],
    asarray: ['jnp.asarray(a, dtype=None, order=None, copy=None, device=None)', (b) => ctx.toSym(b.a, ctx.dtypeOf(b.dtype))],
    array: ['jnp.array(object, dtype=None, copy=True, order="K", ndmin=0, device=None)', (b) => withMinRank(ctx, ctx.toSym(b.object, ctx.dtypeOf(b.dtype)), toInt(b.ndmin))],
    ...reductions(ctx),
    ...shapes(ctx),
    ...creation(ctx),
  };
  const functions = defineAll(ctx, table);
  const attrs = new Map<string, Value>(Object.entries(functions).filter(([k]) => !k.endsWith('_method')).map(([k, fn]) => [k, new HostObject(`${name}.${k}`, { call: fn })]));
  for (const dtype of ['float32', 'float64', 'int32', 'int64', 'bool_', 'float_', 'int_'] as const) attrs.set(dtype, ctx.dtypeObject(ctx.dtypeOf(dtype)!));
  for (const [k, v] of Object.entries({ inf: Infinity, nan: NaN, pi: Math.PI, e: Math.E })) attrs.set(k, float(v));
  attrs.set('newaxis', null);
  attrs.set('finfo', new HostObject(`${name}.finfo`, { call: ([dtype]) => finfo(ctx, dtype) }));
  attrs.set('ndarray', arrayType(ctx));
  attrs.set('linalg', new PyModule(`${name}.linalg`, new Map([['norm', new HostObject('norm', { call: defineAll(ctx, { norm: ['jnp.linalg.norm(x, ord=None, axis=None, keepdims=False)', (b) => norm(ctx, b)] }).norm })]])));
  return { module: new PyModule(name, attrs), functions };
}

/** `jax.Array` / `np.ndarray`: annotations and isinstance checks. */
export function arrayType(ctx: JaxContext): HostObject {
  return new HostObject('Array', { instancecheck: (value) => ctx.symOf(value) !== undefined });
}

function truncate(ctx: JaxContext, x: Sym): Sym {
  if (!ops.isFloat(x)) return x;
  const t = ctx.t;
  return ops.binary(t, 'Mul', ops.unary(t, 'Sign', x), ops.unary(t, 'Floor', ops.unary(t, 'Abs', x)));
}

function roundTo(ctx: JaxContext, x: Sym, decimals: number): Sym {
  if (!ops.isFloat(x)) return x;
  if (decimals === 0) return ops.unary(ctx.t, 'Round', x);
  const scale = ops.scalar(ctx.t, 10 ** decimals, x.dtype);
  return ops.binary(ctx.t, 'Div', ops.unary(ctx.t, 'Round', ops.binary(ctx.t, 'Mul', x, scale)), scale);
}

function clip(ctx: JaxContext, x: Value, low: Value, high: Value): Sym {
  let out = ctx.toSym(x);
  if (!isNone(low)) out = ops.binary(ctx.t, 'Max', ...ctx.promote(ctx.wrap(out), low));
  if (!isNone(high)) out = ops.binary(ctx.t, 'Min', ...ctx.promote(ctx.wrap(out), high));
  return out;
}

function dot(ctx: JaxContext, a: Value, b: Value): Sym {
  const [x, y] = ctx.promote(a, b);
  if (!x.shape.length || !y.shape.length) return ops.binary(ctx.t, 'Mul', x, y);
  if (x.shape.length > 2 || y.shape.length > 2) throw new NotLowered('jnp.dot', 'operands of rank above 2');
  return ops.matmul(ctx.t, x, y);
}

function einsum(ctx: JaxContext, equation: string, operands: readonly Value[]): Sym {
  if (equation.includes('...')) throw new NotLowered('jnp.einsum', 'ellipsis in the equation');
  const syms = operands.map((o) => ctx.toSym(o));
  const dtype = syms.reduce((d, s) => ctx.promote(ctx.wrap(ops.scalar(ctx.t, 0, d)), ctx.wrap(s))[0].dtype, syms[0].dtype);
  return ops.einsum(ctx.t, equation, syms.map((s) => ops.cast(ctx.t, s, dtype)));
}

function withMinRank(ctx: JaxContext, x: Sym, ndmin: number): Sym {
  return x.shape.length >= ndmin ? x : ops.reshape(ctx.t, x, [...Array(ndmin - x.shape.length).fill(1), ...x.shape]);
}

/** Vector norms of any order along one axis, and the Frobenius norm (ord None) over any axes. */
function norm(ctx: JaxContext, b: BoundArgs): Sym {
  const t = ctx.t;
  const x = ctx.toFloat(ctx.toSym(b.x));
  const axes = axesOf(b.axis);
  const keep = toBool(b.keepdims);
  const abs = ops.unary(t, 'Abs', x);
  if (isNone(b.ord) || b.ord === 'fro') return ops.unary(t, 'Sqrt', ops.reduce(t, 'ReduceSum', ops.binary(t, 'Mul', x, x), axes, keep));
  const vector = axes?.length === 1 || (axes === undefined && x.shape.length === 1);
  if (!vector) throw new NotLowered('jnp.linalg.norm', `matrix ord=${String(b.ord)}`);
  const ord = toNumber(b.ord);
  if (ord === Infinity) return ops.reduce(t, 'ReduceMax', abs, axes, keep);
  if (ord === -Infinity) return ops.reduce(t, 'ReduceMin', abs, axes, keep);
  if (ord === 0) return ops.reduce(t, 'ReduceSum', ops.cast(t, ops.notEqual(t, x, ops.scalar(t, 0, x.dtype)), x.dtype), axes, keep);
  const powered = ops.reduce(t, 'ReduceSum', ops.binary(t, 'Pow', abs, ops.scalar(t, ord, x.dtype)), axes, keep);
  return ord === 1 ? powered : ops.binary(t, 'Pow', powered, ops.scalar(t, 1 / ord, x.dtype));
}

const FLOAT32_INFO: Record<string, number> = { max: 3.4028234663852886e38, min: -3.4028234663852886e38, eps: 1.1920928955078125e-7, tiny: 1.1754943508222875e-38, smallest_normal: 1.1754943508222875e-38, resolution: 1e-6 };

function finfo(ctx: JaxContext, dtype: Value): HostObject {
  const d = ctx.symOf(dtype)?.dtype ?? ctx.dtypeOf(dtype);
  if (d !== 'float32') throw new NotLowered('jnp.finfo', String(d));
  return new HostObject('finfo', { getattr: (name) => (name in FLOAT32_INFO ? float(FLOAT32_INFO[name]) : name === 'bits' ? 32 : name === 'dtype' ? ctx.dtypeObject('float32') : undefined) });
}

