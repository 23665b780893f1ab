// jax.numpy: each function binds its arguments to JAX's own signature (defaults included) and lowers to ops.
// Argument forms the check cannot reproduce exactly raise NotLowered rather than guessing.
import { HostObject, PyModule, float, type Value } from '../../interp';
import { bindArgs, isNone, isSequence, items, toBool, toInt, toInts, toNumber, type BoundArgs } from '../../trace/args';
import * as ops from '../../trace/ops';
import { NotLowered, type Sym } from '../../trace/tracer';
import type { DType } from '../../onnx/tensor';
import { binaryOperator, type Fn } from './array';
import type { JaxContext } from './context';
import { arrangement } from './arrangement';
import { logAddExpUfunc, math } from './math';
import { matrices } from './matrices';
import { reductions } from './reductions';
import { sorting } from './sorting';
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
    ...math(ctx),
    ...sorting(ctx),
    ...arrangement(ctx),
    ...matrices(ctx),
    ...reductions(ctx),
    ...shapes(ctx),
    ...creation(ctx),
  };
  const functions = defineAll(ctx, table);
  const attrs = new Map<string, Value>(Object.entries(functions).filter(([k]) => !k.endsWith('_method')).map(([k, fn]) => [k, new HostObject(`${name}.${k}`, { call: fn })]));
  attrs.set('logaddexp', logAddExpUfunc(ctx, functions.logaddexp));
  for (const dtype of ['float32', 'float64', 'int32', 'int64', 'bool_', 'float_', 'int_'] as const) attrs.set(dtype, ctx.dtypeObject(ctx.dtypeOf(dtype)!));
  for (const [k, v] of Object.entries({ inf: Infinity, nan: NaN, pi: Math.PI, e: Math.E })) attrs.set(k, float(v));
  attrs.set('newaxis', null);
  attrs.set('finfo', new HostObject(`${name}.finfo`, { call: ([dtype]) => finfo(ctx, dtype) }));
  attrs.set('iinfo', new HostObject(`${name}.iinfo`, { call: ([dtype]) => iinfo(ctx, dtype) }));
  for (const category of Object.keys(CATEGORIES)) attrs.set(category, new HostObject(`${name}.${category}`, { repr: () => `<class '${name}.${category}'>` }));
  attrs.set('issubdtype', new HostObject(`${name}.issubdtype`, { call: ([arg1, arg2]) => isSubDType(ctx, arg1, arg2, name) }));
  attrs.set('result_type', new HostObject(`${name}.result_type`, { call: (args) => ctx.dtypeObject(resultType(ctx, args)) }));
  attrs.set('ndarray', arrayType(ctx));
  attrs.set('linalg', linalg(ctx, `${name}.linalg`));
  return { module: new PyModule(name, attrs), functions };
}

function linalg(ctx: JaxContext, name: string): PyModule {
  const functions = defineAll(ctx, {
    norm: ['jnp.linalg.norm(x, ord=None, axis=None, keepdims=False)', (b) => norm(ctx, b)],
    vector_norm: ['jnp.linalg.vector_norm(x, *, axis=None, keepdims=False, ord=2)', (b) => vectorNorm(ctx, ctx.toFloat(ctx.toSym(b.x)), axesOf(b.axis), toBool(b.keepdims), toNumber(b.ord))],
  });
  return new PyModule(name, new Map(Object.entries(functions).map(([k, fn]) => [k, new HostObject(`${name}.${k}`, { call: fn })])));
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
  const syms = operands.map((o) => ctx.toSym(o));
  const dtype = syms.reduce((d, s) => ctx.promote(ctx.wrap(ops.scalar(ctx.t, 0, d)), ctx.wrap(s))[0].dtype, syms[0].dtype);
  return ops.einsum(ctx.t, expandEllipsis(equation.replace(/\s+/g, ''), syms), syms.map((s) => ops.cast(ctx.t, s, dtype)));
}

/** numpy's '...' spelled out with unused letters: each operand's broadcast axes, right-aligned, and in the output
 *  (implicitly first, before the sorted letters that occur once). */
function expandEllipsis(equation: string, operands: Sym[]): string {
  if (!equation.includes('...')) return equation;
  const [lhs, rhs] = equation.split('->');
  const terms = lhs.split(',');
  const spans = terms.map((term, i) => (term.includes('...') ? operands[i].shape.length - (term.length - 3) : 0));
  const width = Math.max(...spans);
  const letters = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'].filter((c) => !equation.includes(c)).slice(0, width).join('');
  const spelled = terms.map((term, i) => term.replace('...', letters.slice(width - spans[i])));
  const counts = new Map<string, number>();
  for (const c of spelled.join('').replace(new RegExp(`[${letters}]`, 'g'), '')) counts.set(c, (counts.get(c) ?? 0) + 1);
  const output = rhs === undefined ? letters + [...counts].filter(([, n]) => n === 1).map(([c]) => c).sort().join('') : rhs.replace('...', letters);
  return `${spelled.join(',')}->${output}`;
}

function withMinRank(ctx: JaxContext, x: Sym, ndmin: number): Sym {
  return x.shape.length >= ndmin ? x : ops.reshape(ctx.t, x, [...Array(ndmin - x.shape.length).fill(1), ...x.shape]);
}

/** Vector norms of any order along one axis, and the Frobenius norm (ord None) over any axes. */
function norm(ctx: JaxContext, b: BoundArgs): Sym {
  const x = ctx.toFloat(ctx.toSym(b.x));
  const axes = axesOf(b.axis);
  if (isNone(b.ord) || b.ord === 'fro') return vectorNorm(ctx, x, axes, toBool(b.keepdims), 2);
  const vector = axes?.length === 1 || (axes === undefined && x.shape.length === 1);
  if (!vector) throw new NotLowered('jnp.linalg.norm', `matrix ord=${String(b.ord)}`);
  return vectorNorm(ctx, x, axes, toBool(b.keepdims), toNumber(b.ord));
}

/** The ord-norm of the elements over `axes` taken as one vector (all axes when undefined). */
function vectorNorm(ctx: JaxContext, x: Sym, axes: number[] | undefined, keep: boolean, ord: number): Sym {
  const t = ctx.t;
  const abs = ops.unary(t, 'Abs', x);
  if (ord === 2) return ops.unary(t, 'Sqrt', ops.reduce(t, 'ReduceSum', ops.binary(t, 'Mul', x, x), axes, keep));
  if (ord === Infinity) return ops.reduce(t, 'ReduceMax', abs, axes, keep);
  if (ord === -Infinity) return ops.reduce(t, 'ReduceMin', abs, axes, keep);
  if (ord === 0) return ops.reduce(t, 'ReduceSum', ops.cast(t, ops.notEqual(t, x, ops.scalar(t, 0, x.dtype)), x.dtype), axes, keep);
  const powered = ops.reduce(t, 'ReduceSum', ops.binary(t, 'Pow', abs, ops.scalar(t, ord, x.dtype)), axes, keep);
  return ord === 1 ? powered : ops.binary(t, 'Pow', powered, ops.scalar(t, 1 / ord, x.dtype));
}

/** numpy's abstract dtype classes, by the (x64-disabled) dtypes they hold. */
const CATEGORIES: Record<string, readonly DType[]> = {
  generic: ['bool', 'int32', 'float32'], number: ['int32', 'float32'], integer: ['int32'], signedinteger: ['int32'],
  inexact: ['float32'], floating: ['float32'],
};

function isSubDType(ctx: JaxContext, arg1: Value, arg2: Value, name: string): boolean {
  const dtype = ctx.symOf(arg1)?.dtype ?? ctx.dtypeOf(arg1);
  const category = arg2 instanceof HostObject ? arg2.name.slice(name.length + 1) : undefined;
  if (category && category in CATEGORIES) return CATEGORIES[category].includes(dtype!);
  return dtype === ctx.dtypeOf(arg2);
}

/** The dtype JAX's promotion gives the arguments (arrays, dtypes, weakly typed Python scalars). */
function resultType(ctx: JaxContext, args: readonly Value[]): DType {
  if (!args.length) throw new TypeError('at least one array or dtype is required');
  const operand = (v: Value) => (ctx.isArrayLike(v) ? v : ctx.wrap(ops.scalar(ctx.t, 0, ctx.dtypeOf(v)!)));
  const promoted = args.slice(1).reduce<Value>((acc, v) => ctx.wrap(ctx.promote(acc, operand(v))[0]), operand(args[0]));
  return ctx.toSym(promoted).dtype;
}

const FLOAT32_INFO: Record<string, number> = { max: 3.4028234663852886e38, min: -3.4028234663852886e38, eps: 1.1920928955078125e-7, tiny: 1.1754943508222875e-38, smallest_normal: 1.1754943508222875e-38, resolution: 1e-6 };

const INT32_INFO: Record<string, number> = { min: -2147483648, max: 2147483647, bits: 32 };

function iinfo(ctx: JaxContext, dtype: Value): HostObject {
  const d = ctx.symOf(dtype)?.dtype ?? ctx.dtypeOf(dtype);
  if (d !== 'int32') throw new NotLowered('jnp.iinfo', String(d));
  return new HostObject('iinfo', { getattr: (name) => (name in INT32_INFO ? INT32_INFO[name] : name === 'dtype' ? ctx.dtypeObject('int32') : undefined) });
}

function finfo(ctx: JaxContext, dtype: Value): HostObject {
  const d = ctx.symOf(dtype)?.dtype ?? ctx.dtypeOf(dtype);
  if (d !== 'float32') throw new NotLowered('jnp.finfo', String(d));
  return new HostObject('finfo', { getattr: (name) => (name in FLOAT32_INFO ? float(FLOAT32_INFO[name]) : name === 'bits' ? 32 : name === 'dtype' ? ctx.dtypeObject('float32') : undefined) });
}

