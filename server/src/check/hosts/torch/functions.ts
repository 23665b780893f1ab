// torch.* functions and Tensor methods (one lowering each, registered under both spellings).
import { HostObject, PyTuple, pyError, type Value } from '../../interp';
import type { DType } from '../../onnx/tensor';
import { isNone, items, isSequence, shapeArgs, toBool, toInt, toInts, toNumber, toStr, type BoundArgs } from '../../trace/args';
import * as ops from '../../trace/ops';
import { DataDependent, NotLowered, type Sym, type Tracer } from '../../trace/tracer';
import { define, defineExactly } from './registry';
import { binaryOperator, dtypeFrom, elementwise, floatResult, floorDivide, operand, remainder, resultType, symOf, TorchTensor, type TorchContext } from './tensor';

const T = ['torch', 'Tensor'];
const both = (name: string) => T.map((p) => `${p}.${name}`);

export function tensorArg(value: Value): Sym {
  return symOf(value);
}

/** dim arguments: None (all axes), an int, or a tuple of ints */
export function dimsArg(value: Value): number[] | undefined {
  return isNone(value) ? undefined : toInts(value);
}

export function dtypeArg(value: Value): DType | undefined {
  if (isNone(value)) return undefined;
  const dtype = dtypeFrom(value);
  if (!dtype) throw new NotLowered('dtype', `unsupported dtype ${value instanceof HostObject ? value.name : String(value)}`);
  return dtype;
}

const toFloat = (t: Tracer, x: Sym): Sym => (x.dtype.startsWith('float') ? x : ops.cast(t, x, 'float32'));

// ---- elementwise math

/** ops that compute in floating point (an int tensor gives float32, as torch does) */
const FLOAT_UNARY: Record<string, (t: Tracer, x: Sym) => Sym> = {
  exp: (t, x) => ops.unary(t, 'Exp', x),
  log: (t, x) => ops.unary(t, 'Log', x),
  sqrt: (t, x) => ops.unary(t, 'Sqrt', x),
  rsqrt: (t, x) => ops.unary(t, 'Reciprocal', ops.unary(t, 'Sqrt', x)),
  sin: (t, x) => ops.unary(t, 'Sin', x),
  cos: (t, x) => ops.unary(t, 'Cos', x),
  tanh: (t, x) => ops.unary(t, 'Tanh', x),
  sigmoid: (t, x) => ops.unary(t, 'Sigmoid', x),
  erf: (t, x) => ops.unary(t, 'Erf', x),
  log1p: (t, x) => ops.unary(t, 'Log', ops.binary(t, 'Add', x, ops.scalar(t, 1, x.dtype))),
  reciprocal: (t, x) => ops.unary(t, 'Reciprocal', x),
  tan: (t, x) => ops.unary(t, 'Tan', x),
  asin: (t, x) => ops.unary(t, 'Asin', x),
  acos: (t, x) => ops.unary(t, 'Acos', x),
  atan: (t, x) => ops.unary(t, 'Atan', x),
  sinh: (t, x) => ops.unary(t, 'Sinh', x),
  cosh: (t, x) => ops.unary(t, 'Cosh', x),
  asinh: (t, x) => ops.unary(t, 'Asinh', x),
  acosh: (t, x) => ops.unary(t, 'Acosh', x),
  atanh: (t, x) => ops.unary(t, 'Atanh', x),
  log2: (t, x) => ops.binary(t, 'Div', ops.unary(t, 'Log', x), ops.scalar(t, Math.LN2, x.dtype)),
  log10: (t, x) => ops.binary(t, 'Div', ops.unary(t, 'Log', x), ops.scalar(t, Math.LN10, x.dtype)),
  exp2: (t, x) => ops.binary(t, 'Pow', ops.scalar(t, 2, x.dtype), x),
  expm1: (t, x) => ops.binary(t, 'Sub', ops.unary(t, 'Exp', x), ops.scalar(t, 1, x.dtype)),
  erfc: (t, x) => ops.binary(t, 'Sub', ops.scalar(t, 1, x.dtype), ops.unary(t, 'Erf', x)),
  deg2rad: (t, x) => ops.binary(t, 'Mul', x, ops.scalar(t, Math.PI / 180, x.dtype)),
  rad2deg: (t, x) => ops.binary(t, 'Mul', x, ops.scalar(t, 180 / Math.PI, x.dtype)),
};

/** ops that keep the dtype */
const SAME_UNARY: Record<string, (t: Tracer, x: Sym) => Sym> = {
  abs: (t, x) => ops.unary(t, 'Abs', x),
  neg: (t, x) => ops.unary(t, 'Neg', x),
  floor: (t, x) => (x.dtype.startsWith('float') ? ops.unary(t, 'Floor', x) : x),
  ceil: (t, x) => (x.dtype.startsWith('float') ? ops.unary(t, 'Ceil', x) : x),
  sign: (t, x) => ops.unary(t, 'Sign', x),
  relu: (t, x) => ops.unary(t, 'Relu', x),
  logical_not: (t, x) => ops.not(t, ops.cast(t, x, 'bool')),
  // ONNX Round rounds half to even, as torch.round does
  round: (t, x) => (x.dtype.startsWith('float') ? ops.unary(t, 'Round', x) : x),
  trunc: (t, x) => (x.dtype.startsWith('float') ? truncate(t, x) : x),
  frac: (t, x) => ops.binary(t, 'Sub', x, truncate(t, x)),
  square: (t, x) => ops.binary(t, 'Mul', x, x),
  isnan: (t, x) => (x.dtype.startsWith('float') ? t.node('IsNaN', [x], {}, { dtype: 'bool', shape: x.shape }) : ops.full(t, x.shape, false, 'bool')),
  isinf: (t, x) => (x.dtype.startsWith('float') ? t.node('IsInf', [x], {}, { dtype: 'bool', shape: x.shape }) : ops.full(t, x.shape, false, 'bool')),
};
const ALIASES: Record<string, string> = { absolute: 'abs', negative: 'neg', fix: 'trunc', sgn: 'sign', arcsin: 'asin', arccos: 'acos', arctan: 'atan', arcsinh: 'asinh', arccosh: 'acosh', arctanh: 'atanh' };
for (const [alias, name] of Object.entries(ALIASES)) {
  if (name in FLOAT_UNARY) FLOAT_UNARY[alias] = FLOAT_UNARY[name];
  else SAME_UNARY[alias] = SAME_UNARY[name];
}

for (const [name, lower] of Object.entries(FLOAT_UNARY)) {
  define(both(name), '(input)', (a, c) => c.wrap(lower(c.t, toFloat(c.t, tensorArg(a.input)))));
}
for (const [name, lower] of Object.entries(SAME_UNARY)) {
  define(both(name), '(input)', (a, c) => c.wrap(lower(c.t, tensorArg(a.input))));
}

const BINARY: Record<string, string> = {
  add: '+', sub: '-', mul: '*', div: '/', subtract: '-', multiply: '*', divide: '/', true_divide: '/', floor_divide: '//', remainder: '%', pow: '**', matmul: '@',
  eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=', not_equal: '!=', less: '<', less_equal: '<=', greater: '>', greater_equal: '>=',
  bitwise_and: '&', bitwise_or: '|', bitwise_xor: '^',
};
for (const [name, op] of Object.entries(BINARY)) {
  define(both(name), '(input, other)', (a, c) => {
    if (op === '+' || op === '-') return addScaled(c, op, a);
    if (op === '/' && !isNone(a.rounding_mode ?? null)) return divRounded(c, a);
    return binaryOperator(c, op, a.input, a.other)!;
  });
}
for (const [name, op] of Object.entries({ logical_and: 'And', logical_or: 'Or', logical_xor: 'Xor' })) {
  define(both(name), '(input, other)', (a, c) => c.wrap(ops.binary(c.t, op, ops.cast(c.t, tensorArg(a.input), 'bool'), ops.cast(c.t, symOf(a.other), 'bool'))));
}

/** add/sub with alpha: input ± alpha * other */
function addScaled(c: TorchContext, op: string, a: BoundArgs): Value {
  const alpha = a.alpha === undefined ? 1 : toNumber(a.alpha);
  const other = alpha === 1 ? a.other : binaryOperator(c, '*', a.other, a.alpha)!;
  return binaryOperator(c, op, a.input, other)!;
}

function divRounded(c: TorchContext, a: BoundArgs): Value {
  const mode = toStr(a.rounding_mode);
  if (mode === 'floor') return elementwise(c, [a.input, a.other], ([x, y]) => floorDivide(c.t, x, y));
  if (mode !== 'trunc') throw pyError('RuntimeError', `div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${mode}'`);
  return elementwise(c, [a.input, a.other], ([x, y]) => (x.dtype.startsWith('float') ? truncate(c.t, ops.binary(c.t, 'Div', x, y)) : ops.binary(c.t, 'Div', x, y)));
}

function truncate(t: Tracer, x: Sym): Sym {
  return ops.where(t, ops.binary(t, 'Less', x, ops.scalar(t, 0, x.dtype)), ops.unary(t, 'Ceil', x), ops.unary(t, 'Floor', x));
}

define(both('fmod'), '(input, other)', (a, c) => elementwise(c, [a.input, a.other], ([x, y]) => ops.binary(c.t, 'Mod', x, y, { fmod: 1 })));
define(['torch.remainder'], '(input, other)', (a, c) => elementwise(c, [a.input, a.other], ([x, y]) => remainder(c.t, x, y)));
define(both('maximum'), '(input, other)', (a, c) => elementwise(c, [a.input, a.other], ([x, y]) => ops.binary(c.t, 'Max', x, y)));
define(both('minimum'), '(input, other)', (a, c) => elementwise(c, [a.input, a.other], ([x, y]) => ops.binary(c.t, 'Min', x, y)));
define(both('where'), '(condition, input, other)', (a, c) => {
  const condition = ops.cast(c.t, tensorArg(a.condition), 'bool');
  return elementwise(c, [a.input, a.other], ([x, y]) => ops.where(c.t, condition, x, y));
});

define(both('clamp').concat(both('clip')), '(input, min=None, max=None)', (a, c) => {
  const x = tensorArg(a.input);
  const bounds = [a.min, a.max].filter((v) => !isNone(v));
  const dtype = resultType([{ sym: x }, ...bounds.map((v) => operand(v)!)]);
  const bound = (v: Value) => (isNone(v) ? null : elementwise(c, [v], ([s]) => s, () => dtype).sym);
  return c.wrap(ops.clip(c.t, ops.cast(c.t, x, dtype), bound(a.min), bound(a.max)));
});

define(both('masked_fill'), '(input, mask, value)', (a, c) => {
  const x = tensorArg(a.input);
  const value = elementwise(c, [a.value], ([s]) => s, () => x.dtype).sym;
  return c.wrap(ops.where(c.t, ops.cast(c.t, tensorArg(a.mask), 'bool'), ops.expand(c.t, value, x.shape), x));
});

// ---- linear algebra

define(both('bmm').concat(both('mm')), '(input, mat2)', (a, c) => c.wrap(ops.matmul(c.t, tensorArg(a.input), tensorArg(a.mat2))));
define(['torch.einsum'], '(equation, *operands)', (a, c) => {
  const operands = a.operands instanceof PyTuple && a.operands.items.length === 1 && isSequence(a.operands.items[0]) ? items(a.operands.items[0]) : items(a.operands);
  const syms = operands.map(tensorArg);
  return c.wrap(ops.einsum(c.t, withoutEllipsis(toStr(a.equation), syms), syms));
});

/** einsum's `...` spelled out with unused letters (broadcast batch axes, aligned from the right as torch does) */
function withoutEllipsis(equation: string, operands: Sym[]): string {
  const eq = equation.replace(/\s+/g, '');
  if (!eq.includes('...')) return eq;
  const [lhs, rhs] = eq.split('->');
  const terms = lhs.split(',');
  const spare = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].filter((l) => !eq.includes(l));
  const counts = terms.map((term, i) => (term.includes('...') ? operands[i].shape.length - (term.length - 3) : 0));
  const widest = Math.max(...counts);
  const letters = (n: number) => spare.slice(widest - n, widest).join('');
  const expanded = terms.map((term, i) => term.replace('...', letters(counts[i])));
  // implicit output: the batch axes first, then the other letters seen once, sorted
  const output = rhs !== undefined ? rhs.replace('...', letters(widest)) : letters(widest) + [...new Set(lhs.replace(/[.,]/g, ''))].filter((l) => lhs.split(l).length === 2).sort().join('');
  return `${expanded.join(',')}->${output}`;
}

// ---- reductions

function reduceWith(op: string, floatOnly: boolean) {
  return (a: BoundArgs, c: TorchContext) => {
    let x = tensorArg(a.input);
    const dtype = dtypeArg(a.dtype ?? null);
    if (dtype) x = ops.cast(c.t, x, dtype);
    else if (op === 'ReduceSum' && !x.dtype.startsWith('float')) x = ops.cast(c.t, x, 'int64');
    if (floatOnly && !x.dtype.startsWith('float')) throw pyError('RuntimeError', `${op === 'ReduceMean' ? 'mean' : op}(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${x.dtype}`);
    return c.wrap(ops.reduce(c.t, op, x, emptyIsAll(a.dim), toBool(a.keepdim)));
  };
}

define(both('sum'), '(input, dim=None, keepdim=False, *, dtype=None)', reduceWith('ReduceSum', false));
define(both('mean'), '(input, dim=None, keepdim=False, *, dtype=None)', reduceWith('ReduceMean', true));
define(both('prod'), '(input, dim=None, keepdim=False, *, dtype=None)', reduceWith('ReduceProd', false));
define(both('amax'), '(input, dim=(), keepdim=False)', (a, c) => c.wrap(ops.reduce(c.t, 'ReduceMax', tensorArg(a.input), emptyIsAll(a.dim), toBool(a.keepdim))));
define(both('amin'), '(input, dim=(), keepdim=False)', (a, c) => c.wrap(ops.reduce(c.t, 'ReduceMin', tensorArg(a.input), emptyIsAll(a.dim), toBool(a.keepdim))));

function emptyIsAll(dim: Value): number[] | undefined {
  const dims = dimsArg(dim);
  return dims?.length ? dims : undefined;
}

/** var/std: `correction` (default 1, or 0 when unbiased=False) is subtracted from the count */
function variance(a: BoundArgs, c: TorchContext): Sym {
  const x = toFloat(c.t, tensorArg(a.input));
  // x.std(False) is the overload std(unbiased): a bool in dim's place
  const unbiased = typeof a.dim === 'boolean' ? a.dim : toBool(a.unbiased);
  const dims = typeof a.dim === 'boolean' ? undefined : emptyIsAll(a.dim);
  const correction = !isNone(a.correction) ? toNumber(a.correction) : unbiased ? 1 : 0;
  const count = dims ? dims.reduce((n, d) => n * x.shape[ops.normAxis(d, x.shape.length)], 1) : ops.size(x.shape);
  const centred = ops.binary(c.t, 'Sub', x, ops.reduce(c.t, 'ReduceMean', x, dims, true));
  const squares = ops.reduce(c.t, 'ReduceSum', ops.binary(c.t, 'Mul', centred, centred), dims, toBool(a.keepdim));
  return ops.binary(c.t, 'Div', squares, ops.scalar(c.t, Math.max(count - correction, 0), x.dtype));
}

define(both('var'), '(input, dim=None, unbiased=True, keepdim=False, *, correction=None)', (a, c) => c.wrap(variance(a, c)));
define(both('std'), '(input, dim=None, unbiased=True, keepdim=False, *, correction=None)', (a, c) => c.wrap(ops.unary(c.t, 'Sqrt', variance(a, c))));

function argReduce(op: 'ArgMax' | 'ArgMin') {
  return (a: BoundArgs, c: TorchContext) => {
    const x = tensorArg(a.input);
    if (isNone(a.dim)) {
      const flat = ops.argReduce(c.t, op, ops.reshape(c.t, x, [ops.size(x.shape)]), 0, false);
      return c.wrap(toBool(a.keepdim) ? ops.reshape(c.t, flat, x.shape.map(() => 1)) : flat);
    }
    return c.wrap(ops.argReduce(c.t, op, x, toInt(a.dim), toBool(a.keepdim)));
  };
}
define(both('argmax'), '(input, dim=None, keepdim=False)', argReduce('ArgMax'));
define(both('argmin'), '(input, dim=None, keepdim=False)', argReduce('ArgMin'));

/** torch.max / min: all elements, elementwise with another tensor, or (values, indices) along a dim */
function extremum(name: 'max' | 'min') {
  const reduceOp = name === 'max' ? 'ReduceMax' : 'ReduceMin';
  return (a: BoundArgs, c: TorchContext) => {
    const x = tensorArg(a.input);
    if (isNone(a.dim)) return c.wrap(ops.reduce(c.t, reduceOp, x, undefined, false));
    if (a.dim instanceof TorchTensor) return elementwise(c, [a.input, a.dim], ([p, q]) => ops.binary(c.t, name === 'max' ? 'Max' : 'Min', p, q));
    const dim = toInt(a.dim);
    const keepdim = toBool(a.keepdim);
    const values = ops.reduce(c.t, reduceOp, x, [dim], keepdim);
    const indices = ops.argReduce(c.t, name === 'max' ? 'ArgMax' : 'ArgMin', x, dim, keepdim);
    return valuesIndices(c.wrap(values), c.wrap(indices));
  };
}
defineExactly(both('max'), '(input, dim=None, keepdim=False)', extremum('max'));
defineExactly(both('min'), '(input, dim=None, keepdim=False)', extremum('min'));

/** torch.return_types.max and friends: a pair with .values and .indices */
export function valuesIndices(values: TorchTensor, indices: TorchTensor): HostObject {
  return namedPair(['values', 'indices'], values, indices);
}

/** a torch.return_types pair whose fields have the given names (aminmax's min and max) */
export function namedPair(names: [string, string], first: Value, second: Value): HostObject {
  const pair = [first, second];
  return new HostObject('torch.return_types', {
    getattr: (name) => (name === names[0] ? first : name === names[1] ? second : undefined),
    getitem: (key) => pair[toInt(key) < 0 ? toInt(key) + 2 : toInt(key)] ?? null,
    iterate: () => pair,
    len: () => 2,
  });
}

define(both('topk'), '(input, k, dim=-1, largest=True, sorted=True)', (a, c) => {
  const [values, indices] = ops.topk(c.t, tensorArg(a.input), toInt(a.k), toInt(a.dim), toBool(a.largest), toBool(a.sorted));
  return valuesIndices(c.wrap(values), c.wrap(indices));
});

define(both('cumprod'), '(input, dim, *, dtype=None)', (a, c) => {
  const x = tensorArg(a.input);
  const y = ops.cast(c.t, x, dtypeArg(a.dtype) ?? (x.dtype.startsWith('float') ? x.dtype : 'int64'));
  const dim = toInt(a.dim);
  // ONNX has no cumulative product: running products of the slices, concatenated
  const slices = ops.split(c.t, y, Array(y.shape[ops.normAxis(dim, y.shape.length)]).fill(1), dim);
  const products = slices.reduce<Sym[]>((acc, s) => [...acc, acc.length ? ops.binary(c.t, 'Mul', acc[acc.length - 1], s) : s], []);
  return c.wrap(ops.concat(c.t, products, dim));
});
define(both('cumsum'), '(input, dim, *, dtype=None)', (a, c) => {
  const x = tensorArg(a.input);
  const dtype = dtypeArg(a.dtype) ?? (x.dtype.startsWith('float') ? x.dtype : 'int64');
  return c.wrap(ops.cumsum(c.t, ops.cast(c.t, x, dtype), toInt(a.dim)));
});

function softmaxOf(op: 'Softmax' | 'LogSoftmax') {
  return (a: BoundArgs, c: TorchContext) => {
    const dtype = dtypeArg(a.dtype ?? null);
    const x = dtype ? ops.cast(c.t, tensorArg(a.input), dtype) : toFloat(c.t, tensorArg(a.input));
    return c.wrap(ops.softmax(c.t, op, x, isNone(a.dim) ? implicitSoftmaxDim(x.shape.length) : toInt(a.dim)));
  };
}
/** torch's legacy rule when softmax gets no dim (it warns): 0 for ranks 0, 1 and 3, else 1 */
export function implicitSoftmaxDim(rank: number): number {
  return [0, 1, 3].includes(rank) ? 0 : 1;
}

define([...both('softmax'), 'torch.nn.functional.softmax'], '(input, dim, dtype=None)', softmaxOf('Softmax'));
define([...both('log_softmax'), 'torch.nn.functional.log_softmax'], '(input, dim, dtype=None)', softmaxOf('LogSoftmax'));
define(['torch.nn.functional.softmin'], '(input, dim=None, dtype=None)', (a, c) => softmaxOf('Softmax')({ ...a, input: c.wrap(ops.unary(c.t, 'Neg', tensorArg(a.input))) }, c));

define(both('all'), '(input, dim=None, keepdim=False)', (a, c) => c.wrap(boolReduce(c.t, 'ReduceMin', tensorArg(a.input), dimsArg(a.dim), toBool(a.keepdim))));
define(both('any'), '(input, dim=None, keepdim=False)', (a, c) => c.wrap(boolReduce(c.t, 'ReduceMax', tensorArg(a.input), dimsArg(a.dim), toBool(a.keepdim))));

/** ONNX reductions take no bool: reduce 0/1 as int32 */
function boolReduce(t: Tracer, op: string, x: Sym, dims: number[] | undefined, keepdim: boolean): Sym {
  const asInt = ops.cast(t, ops.cast(t, x, 'bool'), 'int32');
  return ops.cast(t, ops.reduce(t, op, asInt, dims, keepdim), 'bool');
}

// ---- shape

const view = (a: BoundArgs, c: TorchContext) => {
  const shape = items(a.shape);
  if (shape.length === 1 && dtypeFrom(shape[0])) throw new NotLowered('Tensor.view(dtype)', 'reinterpreting the bits as another dtype');
  return c.wrap(ops.reshape(c.t, tensorArg(a.input), shapeArgs(shape)));
};
define(['Tensor.view', 'Tensor.reshape'], '(input, *shape)', view);
define(['torch.reshape'], '(input, shape)', (a, c) => c.wrap(ops.reshape(c.t, tensorArg(a.input), toInts(a.shape))));
define(['Tensor.permute'], '(input, *dims)', (a, c) => c.wrap(ops.transpose(c.t, tensorArg(a.input), shapeArgs(items(a.dims)))));
define(['torch.permute'], '(input, dims)', (a, c) => c.wrap(ops.transpose(c.t, tensorArg(a.input), toInts(a.dims))));
define([...both('transpose'), ...both('swapaxes'), ...both('swapdims')], '(input, dim0, dim1)', (a, c) => c.wrap(ops.swapAxes(c.t, tensorArg(a.input), toInt(a.dim0 ?? a.axis0), toInt(a.dim1 ?? a.axis1))));
define(both('t'), '(input)', (a, c) => {
  const x = tensorArg(a.input);
  return c.wrap(x.shape.length < 2 ? x : ops.swapAxes(c.t, x, 0, 1));
});
define(both('flatten'), '(input, start_dim=0, end_dim=-1)', (a, c) => {
  const x = tensorArg(a.input);
  if (!x.shape.length) return c.wrap(ops.reshape(c.t, x, [1]));
  const start = ops.normAxis(toInt(a.start_dim), x.shape.length);
  const end = ops.normAxis(toInt(a.end_dim), x.shape.length);
  return c.wrap(ops.reshape(c.t, x, [...x.shape.slice(0, start), ops.size(x.shape.slice(start, end + 1)), ...x.shape.slice(end + 1)]));
});
define(both('unsqueeze'), '(input, dim)', (a, c) => c.wrap(ops.unsqueeze(c.t, tensorArg(a.input), [toInt(a.dim)])));
define(both('squeeze'), '(input, dim=None)', (a, c) => {
  const x = tensorArg(a.input);
  if (isNone(a.dim)) return c.wrap(ops.squeeze(c.t, x));
  // torch leaves axes that are not of size 1 alone
  const axes = toInts(a.dim).map((d) => ops.normAxis(d, x.shape.length)).filter((d) => x.shape[d] === 1);
  return c.wrap(ops.squeeze(c.t, x, axes));
});
define(['Tensor.expand'], '(input, *size)', (a, c) => {
  const x = tensorArg(a.input);
  const size = shapeArgs(items(a.size));
  const offset = size.length - x.shape.length;
  return c.wrap(ops.expand(c.t, x, size.map((d, i) => (d === -1 ? x.shape[i - offset] : d))));
});
define(['Tensor.expand_as'], '(input, other)', (a, c) => c.wrap(ops.expand(c.t, tensorArg(a.input), tensorArg(a.other).shape)));
define(['Tensor.repeat'], '(input, *repeats)', (a, c) => {
  const repeats = shapeArgs(items(a.repeats));
  const x = tensorArg(a.input);
  const lifted = repeats.length > x.shape.length ? ops.reshape(c.t, x, [...repeats.slice(x.shape.length).map(() => 1), ...x.shape]) : x;
  return c.wrap(ops.tile(c.t, lifted, repeats));
});
define(['Tensor.contiguous', 'Tensor.detach', 'Tensor.clone', 'torch.clone'], '(input)', (a, c) => c.wrap(tensorArg(a.input)));
define(['Tensor.type_as'], '(input, other)', (a, c) => c.wrap(ops.cast(c.t, tensorArg(a.input), tensorArg(a.other).dtype)));

function splitSizes(n: number, sizes: Value): number[] {
  if (isSequence(sizes)) return toInts(sizes);
  const size = toInt(sizes);
  return Array.from({ length: Math.ceil(n / size) }, (_, i) => Math.min(size, n - i * size));
}

define(both('split'), '(tensor, split_size_or_sections, dim=0)', (a, c) => {
  const x = tensorArg(a.tensor);
  const dim = toInt(a.dim);
  const pieces = ops.split(c.t, x, splitSizes(x.shape[ops.normAxis(dim, x.shape.length)], a.split_size_or_sections ?? a.split_size), dim);
  return new PyTuple(pieces.map((p) => c.wrap(p)));
});
define(both('chunk'), '(input, chunks, dim=0)', (a, c) => {
  const x = tensorArg(a.input);
  const dim = toInt(a.dim);
  const n = x.shape[ops.normAxis(dim, x.shape.length)];
  return new PyTuple(ops.split(c.t, x, splitSizes(n, Math.ceil(n / toInt(a.chunks))), dim).map((p) => c.wrap(p)));
});
define(['torch.cat', 'torch.concat', 'torch.concatenate'], '(tensors, dim=0)', (a, c) => {
  const xs = items(a.tensors);
  const dtype = resultType(xs.map((x) => ({ sym: tensorArg(x) })));
  return c.wrap(ops.concat(c.t, xs.map((x) => ops.cast(c.t, tensorArg(x), dtype)), toInt(a.dim ?? a.axis)));
});
define(['torch.stack'], '(tensors, dim=0)', (a, c) => {
  const xs = items(a.tensors);
  const dtype = resultType(xs.map((x) => ({ sym: tensorArg(x) })));
  return c.wrap(ops.stack(c.t, xs.map((x) => ops.cast(c.t, tensorArg(x), dtype)), toInt(a.dim)));
});
define(both('tril'), '(input, diagonal=0)', (a, c) => c.wrap(ops.trilu(c.t, tensorArg(a.input), false, toInt(a.diagonal))));
define(both('triu'), '(input, diagonal=0)', (a, c) => c.wrap(ops.trilu(c.t, tensorArg(a.input), true, toInt(a.diagonal))));
define(both('gather'), '(input, dim, index)', (a, c) => c.wrap(ops.gatherElements(c.t, tensorArg(a.input), tensorArg(a.index), toInt(a.dim))));
define(both('index_select'), '(input, dim, index)', (a, c) => c.wrap(ops.gather(c.t, tensorArg(a.input), tensorArg(a.index), toInt(a.dim))));

// ---- dtype conversions

const CONVERSIONS: Record<string, DType> = { float: 'float32', double: 'float64', long: 'int64', int: 'int32', bool: 'bool' };
for (const [name, dtype] of Object.entries(CONVERSIONS)) {
  define([`Tensor.${name}`], '(input)', (a, c) => c.wrap(ops.cast(c.t, tensorArg(a.input), dtype)));
}
defineExactly(['Tensor.to'], '(input, *args, dtype=None, device=None, non_blocking=False, copy=False)', (a, c) => {
  const x = tensorArg(a.input);
  const given = [...items(a.args), a.dtype];
  // a dtype the check has no type for (torch.float16) must not pass as a device
  const unknown = given.find((v) => v instanceof HostObject && !(v instanceof TorchTensor) && !dtypeFrom(v) && !v.name.startsWith('torch.device'));
  if (unknown) throw new NotLowered('Tensor.to', `converting to ${(unknown as HostObject).name}`);
  const target = given.find((v) => v instanceof TorchTensor || dtypeFrom(v) !== undefined);
  const dtype = target instanceof TorchTensor ? target.sym.dtype : target === undefined ? x.dtype : dtypeFrom(target)!;
  return c.wrap(ops.cast(c.t, x, dtype));
});
const TYPE_NAMES: Record<DType, string> = { float32: 'torch.FloatTensor', float64: 'torch.DoubleTensor', int64: 'torch.LongTensor', int32: 'torch.IntTensor', bool: 'torch.BoolTensor' };
/** x.type() names the tensor type; x.type(dtype) converts */
define(['Tensor.type'], '(input, dtype=None)', (a, c) => {
  const x = tensorArg(a.input);
  return isNone(a.dtype) ? TYPE_NAMES[x.dtype] : c.wrap(ops.cast(c.t, x, dtypeArg(a.dtype)!));
});

// ---- creation

function factoryDtype(a: BoundArgs, fallback: DType): DType {
  return dtypeArg(a.dtype ?? null) ?? fallback;
}

define(['torch.zeros'], '(*size, dtype=None)', (a, c) => c.wrap(ops.full(c.t, shapeArgs(items(a.size)), 0, factoryDtype(a, 'float32'))));
define(['torch.ones'], '(*size, dtype=None)', (a, c) => c.wrap(ops.full(c.t, shapeArgs(items(a.size)), 1, factoryDtype(a, 'float32'))));
define(['torch.full'], '(size, fill_value, *, dtype=None)', (a, c) => {
  const fill = operand(a.fill_value);
  if (!fill || 'sym' in fill) throw new NotLowered('torch.full', 'a fill value that is not a number');
  return c.wrap(ops.full(c.t, toInts(a.size), fill.scalar, factoryDtype(a, fill.kind)));
});
define(['torch.zeros_like'], '(input, *, dtype=None)', (a, c) => c.wrap(ops.full(c.t, tensorArg(a.input).shape, 0, factoryDtype(a, tensorArg(a.input).dtype))));
define(['torch.ones_like'], '(input, *, dtype=None)', (a, c) => c.wrap(ops.full(c.t, tensorArg(a.input).shape, 1, factoryDtype(a, tensorArg(a.input).dtype))));
define(['torch.full_like'], '(input, fill_value, *, dtype=None)', (a, c) => c.wrap(ops.full(c.t, tensorArg(a.input).shape, toNumber(a.fill_value), factoryDtype(a, tensorArg(a.input).dtype))));
define(['Tensor.new_zeros'], '(input, *size, dtype=None)', (a, c) => c.wrap(ops.full(c.t, shapeArgs(items(a.size)), 0, factoryDtype(a, tensorArg(a.input).dtype))));
define(['Tensor.new_ones'], '(input, *size, dtype=None)', (a, c) => c.wrap(ops.full(c.t, shapeArgs(items(a.size)), 1, factoryDtype(a, tensorArg(a.input).dtype))));
define(['torch.arange'], '(start=0, end=None, step=1, *, dtype=None)', (a, c) => {
  const [start, end] = isNone(a.end) ? [0, a.start] : [a.start, a.end];
  const numbers = [start, end, a.step].map((v) => operand(v)).filter((o) => o && !('sym' in o));
  const dtype = factoryDtype(a, numbers.some((o) => o && 'kind' in o && o.kind === 'float32') ? 'float32' : 'int64');
  return c.wrap(ops.arange(c.t, toNumber(start), toNumber(end), toNumber(a.step), dtype));
});
define(['torch.linspace'], '(start, end, steps, *, dtype=None)', (a, c) => {
  const [start, end, steps] = [toNumber(a.start), toNumber(a.end), toInt(a.steps)];
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // torch fills the second half from the end so that the last value is exactly `end`
  const values = Array.from({ length: steps }, (_, i) => (i < steps / 2 ? start + step * i : end - step * (steps - 1 - i)));
  return c.wrap(ops.fromValues(c.t, values, [steps], factoryDtype(a, 'float32')));
});
define(['torch.eye'], '(n, m=None, *, dtype=None)', (a, c) => {
  const n = toInt(a.n);
  const m = isNone(a.m) ? n : toInt(a.m);
  return c.wrap(ops.fromValues(c.t, Array.from({ length: n * m }, (_, i) => Number(Math.floor(i / m) === i % m)), [n, m], factoryDtype(a, 'float32')));
});
define(['torch.tensor', 'torch.as_tensor'], '(data, *, dtype=None, device=None, requires_grad=False)', (a, c) => tensorFromData(c, a.data, dtypeArg(a.dtype)));
// new_tensor takes the dtype of the tensor it is called on unless given one
define(['Tensor.new_tensor'], '(input, data, dtype=None, device=None, requires_grad=False)', (a, c) => tensorFromData(c, a.data, dtypeArg(a.dtype) ?? tensorArg(a.input).dtype));

/** torch.tensor(nested lists of numbers): bool if all bools, int64 if all ints, else float32; a tensor or a NumPy
 *  array keeps its dtype */
function tensorFromData(c: TorchContext, data: Value, dtype: DType | undefined): Value {
  const array = data instanceof TorchTensor ? data.sym : c.numpyArray?.(data);
  if (array) return c.wrap(ops.cast(c.t, array, dtype ?? array.dtype));
  const shape: number[] = [];
  for (let level: Value = data; isSequence(level); level = items(level)[0] ?? null) shape.push(items(level).length);
  const flat: Value[] = [];
  const collect = (v: Value): void => void (isSequence(v) ? items(v).forEach(collect) : flat.push(v));
  collect(data);
  const numbers = flat.map((v) => operand(v));
  if (numbers.some((o) => !o || 'sym' in o) || flat.length !== ops.size(shape)) throw new NotLowered('torch.tensor', 'data that is not a rectangular nest of numbers');
  const kinds = numbers.map((o) => (o as { kind: DType }).kind);
  const inferred: DType = kinds.includes('float32') ? 'float32' : kinds.every((k) => k === 'bool') && kinds.length ? 'bool' : kinds.length ? 'int64' : 'float32';
  return c.wrap(ops.fromValues(c.t, numbers.map((o) => (o as { scalar: number }).scalar), shape, dtype ?? inferred));
}

/** random draws are not reproducible across frameworks; as parameter data they are replaced by the check's weights */
for (const name of ['randn', 'rand', 'empty']) {
  define([`torch.${name}`], '(*size, dtype=None, device=None, requires_grad=False, generator=None)', (a, c) => c.placeholder(`torch.${name}`, shapeArgs(items(a.size)), factoryDtype(a, 'float32')));
}
define(['torch.randn_like', 'torch.rand_like', 'torch.empty_like'], '(input, *, dtype=None)', (a, c) => c.placeholder('torch.randn_like', tensorArg(a.input).shape, factoryDtype(a, tensorArg(a.input).dtype)));

define(both('narrow'), '(input, dim, start, length)', (a, c) => {
  const x = tensorArg(a.input);
  const n = x.shape[ops.normAxis(toInt(a.dim), x.shape.length)];
  const start = toInt(a.start) < 0 ? toInt(a.start) + n : toInt(a.start);
  return c.wrap(ops.sliceAxis(c.t, x, toInt(a.dim), start, start + toInt(a.length)));
});
define(['torch.flip'], '(input, dims)', (a, c) => c.wrap(flip(c.t, tensorArg(a.input), toInts(a.dims))));
define(['Tensor.flip'], '(input, *dims)', (a, c) => c.wrap(flip(c.t, tensorArg(a.input), shapeArgs(items(a.dims)))));

function flip(t: Tracer, x: Sym, dims: number[]): Sym {
  return dims.reduce((y, d) => ops.sliceAxis(t, y, d, null, null, -1), x);
}

define(both('roll'), '(input, shifts, dims=None)', (a, c) => {
  const x = tensorArg(a.input);
  if (isNone(a.dims)) return c.wrap(ops.reshape(c.t, roll(c.t, ops.reshape(c.t, x, [ops.size(x.shape)]), toInt(a.shifts), 0), x.shape));
  const shifts = toInts(a.shifts);
  return c.wrap(toInts(a.dims).reduce((y, d, i) => roll(c.t, y, shifts[i], d), x));
});

/** the last `shift` elements (mod n) move to the front */
function roll(t: Tracer, x: Sym, shift: number, dim: number): Sym {
  const n = x.shape[ops.normAxis(dim, x.shape.length)];
  const k = ((shift % n) + n) % n;
  return k ? ops.concat(t, [ops.sliceAxis(t, x, dim, n - k, n), ops.sliceAxis(t, x, dim, 0, n - k)], dim) : x;
}

define(both('unbind'), '(input, dim=0)', (a, c) => {
  const x = tensorArg(a.input);
  const dim = ops.normAxis(toInt(a.dim), x.shape.length);
  return new PyTuple(ops.split(c.t, x, Array(x.shape[dim]).fill(1), dim).map((p) => c.wrap(ops.squeeze(c.t, p, [dim]))));
});
define(both('movedim'), '(input, source, destination)', (a, c) => {
  const x = tensorArg(a.input);
  const rank = x.shape.length;
  const [source, destination] = [toInts(a.source).map((d) => ops.normAxis(d, rank)), toInts(a.destination).map((d) => ops.normAxis(d, rank))];
  const perm: number[] = Array(rank).fill(-1);
  destination.forEach((d, i) => (perm[d] = source[i]));
  const rest = x.shape.map((_, i) => i).filter((i) => !source.includes(i));
  return c.wrap(ops.transpose(c.t, x, perm.map((p) => (p < 0 ? rest.shift()! : p))));
});
define(both('unflatten'), '(input, dim, sizes)', (a, c) => {
  const x = tensorArg(a.input);
  const dim = ops.normAxis(toInt(a.dim), x.shape.length);
  return c.wrap(ops.reshape(c.t, x, [...x.shape.slice(0, dim), ...toInts(a.sizes), ...x.shape.slice(dim + 1)]));
});
define(['Tensor.view_as', 'Tensor.reshape_as'], '(input, other)', (a, c) => c.wrap(ops.reshape(c.t, tensorArg(a.input), tensorArg(a.other).shape)));
define(both('outer'), '(input, vec2)', (a, c) => elementwise(c, [a.input, a.vec2], ([x, y]) => ops.binary(c.t, 'Mul', ops.unsqueeze(c.t, x, [1]), ops.unsqueeze(c.t, y, [0]))));
define(both('repeat_interleave'), '(input, repeats, dim=None)', (a, c) => {
  if (a.repeats instanceof TorchTensor) throw new NotLowered('repeat_interleave', 'tensor repeats');
  const x = isNone(a.dim) ? ops.reshape(c.t, tensorArg(a.input), [-1]) : tensorArg(a.input);
  const dim = isNone(a.dim) ? 0 : ops.normAxis(toInt(a.dim), x.shape.length);
  const r = toInt(a.repeats);
  const lifted = ops.unsqueeze(c.t, x, [dim + 1]);
  const expanded = ops.expand(c.t, lifted, lifted.shape.map((d, i) => (i === dim + 1 ? r : d)));
  return c.wrap(ops.reshape(c.t, expanded, x.shape.map((d, i) => (i === dim ? d * r : d))));
});

/** beta * input + alpha * product, as addmm/baddbmm/addcmul/addcdiv define it */
function scaledSum(c: TorchContext, input: Value, product: Value, beta: Value, alpha: Value): Value {
  const scaled = (v: Value, k: Value) => (toNumber(k) === 1 ? v : binaryOperator(c, '*', v, k)!);
  // beta=0 ignores the input entirely (NaN and inf in it do not propagate)
  if (toNumber(beta) === 0) {
    const result = symOf(scaled(product, alpha));
    return c.wrap(ops.expand(c.t, result, ops.broadcastShapes(symOf(input).shape, result.shape)));
  }
  return binaryOperator(c, '+', scaled(input, beta), scaled(product, alpha))!;
}
define(both('addmm'), '(input, mat1, mat2, *, beta=1, alpha=1)', (a, c) => scaledSum(c, a.input, binaryOperator(c, '@', a.mat1, a.mat2)!, a.beta, a.alpha));
define(both('baddbmm'), '(input, batch1, batch2, *, beta=1, alpha=1)', (a, c) => scaledSum(c, a.input, binaryOperator(c, '@', a.batch1, a.batch2)!, a.beta, a.alpha));
define(both('addcmul'), '(input, tensor1, tensor2, *, value=1)', (a, c) => scaledSum(c, a.input, binaryOperator(c, '*', a.tensor1, a.tensor2)!, 1, a.value));
define(both('addcdiv'), '(input, tensor1, tensor2, *, value=1)', (a, c) => scaledSum(c, a.input, binaryOperator(c, '/', a.tensor1, a.tensor2)!, 1, a.value));
define(both('lerp'), '(input, end, weight)', (a, c) => binaryOperator(c, '+', a.input, binaryOperator(c, '*', a.weight, binaryOperator(c, '-', a.end, a.input)!)!)!);
define(both('hypot'), '(input, other)', (a, c) => elementwise(c, [a.input, a.other], ([x, y]) => ops.unary(c.t, 'Sqrt', ops.binary(c.t, 'Add', ops.binary(c.t, 'Mul', x, x), ops.binary(c.t, 'Mul', y, y)))));
define(both('clamp_min'), '(input, min)', (a, c) => elementwise(c, [a.input, a.min], ([x, m]) => ops.binary(c.t, 'Max', x, m)));
define(both('clamp_max'), '(input, max)', (a, c) => elementwise(c, [a.input, a.max], ([x, m]) => ops.binary(c.t, 'Min', x, m)));
define(both('logsumexp'), '(input, dim, keepdim=False)', (a, c) => {
  const x = toFloat(c.t, tensorArg(a.input));
  const dims = toInts(a.dim);
  // shifted by the max for stability, as torch computes it
  const peak = ops.reduce(c.t, 'ReduceMax', x, dims, true);
  const sum = ops.reduce(c.t, 'ReduceSum', ops.unary(c.t, 'Exp', ops.binary(c.t, 'Sub', x, peak)), dims, true);
  const result = ops.binary(c.t, 'Add', ops.unary(c.t, 'Log', sum), peak);
  return c.wrap(toBool(a.keepdim) ? result : ops.squeeze(c.t, result, dims));
});
define(both('sort'), '(input, dim=-1, descending=False, *, stable=False)', (a, c) => {
  const x = tensorArg(a.input);
  const dim = toInt(a.dim);
  const [values, indices] = ops.topk(c.t, x, x.shape[ops.normAxis(dim, x.shape.length)], dim, toBool(a.descending), true);
  return valuesIndices(c.wrap(values), c.wrap(indices));
});
define(both('logit'), '(input, eps=None)', (a, c) => {
  let x = toFloat(c.t, tensorArg(a.input));
  if (!isNone(a.eps)) x = ops.clip(c.t, x, ops.scalar(c.t, toNumber(a.eps), x.dtype), ops.scalar(c.t, 1 - toNumber(a.eps), x.dtype));
  return c.wrap(ops.unary(c.t, 'Log', ops.binary(c.t, 'Div', x, ops.binary(c.t, 'Sub', ops.scalar(c.t, 1, x.dtype), x))));
});
define(['Tensor.new_full'], '(input, size, fill_value, dtype=None)', (a, c) => c.wrap(ops.full(c.t, toInts(a.size), toNumber(a.fill_value), factoryDtype(a, tensorArg(a.input).dtype))));
define(['Tensor.new_empty'], '(input, *size, dtype=None)', (a, c) => c.placeholder('Tensor.new_empty', shapeArgs(items(a.size)), factoryDtype(a, tensorArg(a.input).dtype)));
define(both('masked_select'), '(input, mask)', () => {
  throw new DataDependent('masked_select (the result size)');
});

define(both('signbit'), '(input)', (a, c) => {
  const x = tensorArg(a.input);
  // a float's sign bit is set for -0.0 too: 1/x tells it apart
  if (!x.dtype.startsWith('float')) return c.wrap(ops.binary(c.t, 'Less', x, ops.scalar(c.t, 0, x.dtype)));
  return c.wrap(ops.binary(c.t, 'Or', ops.binary(c.t, 'Less', x, ops.scalar(c.t, 0, x.dtype)), ops.binary(c.t, 'Less', ops.unary(c.t, 'Reciprocal', x), ops.scalar(c.t, 0, x.dtype))));
});
define([...both('xlogy'), 'torch.special.xlogy'], '(input, other)', (a, c) => elementwise(c, [a.input, a.other], ([x, y]) => {
  const [fx, fy] = [toFloat(c.t, x), toFloat(c.t, y)];
  // 0 where x == 0 (even for y == 0), NaN where y is NaN
  const product = ops.binary(c.t, 'Mul', fx, ops.unary(c.t, 'Log', fy));
  const zero = ops.binary(c.t, 'And', ops.binary(c.t, 'Equal', fx, ops.scalar(c.t, 0, fx.dtype)), ops.not(c.t, c.t.node('IsNaN', [fy], {}, { dtype: 'bool', shape: fy.shape })));
  return ops.where(c.t, zero, ops.scalar(c.t, 0, fx.dtype), product);
}, floatResult));
define(['torch.special.expit'], '(input)', (a, c) => c.wrap(ops.unary(c.t, 'Sigmoid', toFloat(c.t, tensorArg(a.input)))));
define(['torch.special.ndtr'], '(input)', (a, c) => {
  const x = toFloat(c.t, tensorArg(a.input));
  const erf = ops.unary(c.t, 'Erf', ops.binary(c.t, 'Mul', x, ops.scalar(c.t, Math.SQRT1_2, x.dtype)));
  return c.wrap(ops.binary(c.t, 'Mul', ops.binary(c.t, 'Add', erf, ops.scalar(c.t, 1, x.dtype)), ops.scalar(c.t, 0.5, x.dtype)));
});
define(['torch.special.entr'], '(input)', (a, c) => {
  const x = toFloat(c.t, tensorArg(a.input));
  const zero = ops.scalar(c.t, 0, x.dtype);
  const value = ops.unary(c.t, 'Neg', ops.binary(c.t, 'Mul', x, ops.unary(c.t, 'Log', x)));
  // -x·ln x, 0 at 0, -inf below 0
  return c.wrap(ops.where(c.t, ops.binary(c.t, 'Less', x, zero), ops.scalar(c.t, -Infinity, x.dtype), ops.where(c.t, ops.binary(c.t, 'Equal', x, zero), zero, value)));
});
define([...both('sinc'), 'torch.special.sinc'], '(input)', (a, c) => {
  const x = toFloat(c.t, tensorArg(a.input));
  const px = ops.binary(c.t, 'Mul', x, ops.scalar(c.t, Math.PI, x.dtype));
  const zero = ops.binary(c.t, 'Equal', x, ops.scalar(c.t, 0, x.dtype));
  const safe = ops.where(c.t, zero, ops.scalar(c.t, 1, x.dtype), px);
  return c.wrap(ops.where(c.t, zero, ops.scalar(c.t, 1, x.dtype), ops.binary(c.t, 'Div', ops.unary(c.t, 'Sin', safe), safe)));
});
define(both('argsort'), '(input, dim=-1, descending=False, *, stable=False)', (a, c) => {
  const x = tensorArg(a.input);
  const dim = toInt(a.dim);
  return c.wrap(ops.topk(c.t, x, x.shape[ops.normAxis(dim, x.shape.length)], dim, toBool(a.descending), true)[1]);
});
for (const [name, axis] of [['vstack', 0], ['hstack', 1]] as const) {
  define([`torch.${name}`], '(tensors)', (a, c) => {
    const xs = items(a.tensors).map(tensorArg);
    const dtype = resultType(xs.map((sym) => ({ sym })));
    // vstack lifts 1-d tensors to rows; hstack joins 1-d tensors end to end
    const lifted = xs.map((x) => ops.cast(c.t, name === 'vstack' && x.shape.length < 2 ? ops.reshape(c.t, x, [1, ops.size(x.shape)]) : x, dtype));
    return c.wrap(ops.concat(c.t, lifted, lifted[0].shape.length === 1 ? 0 : axis));
  });
}
for (const name of ['var_mean', 'std_mean']) {
  define([`torch.${name}`], '(input, dim=None, unbiased=True, keepdim=False, *, correction=None)', (a, c) => {
    const spread = variance(a, c);
    const x = toFloat(c.t, tensorArg(a.input));
    const dims = typeof a.dim === 'boolean' ? undefined : emptyIsAll(a.dim);
    const mean = ops.reduce(c.t, 'ReduceMean', x, dims, toBool(a.keepdim));
    return new PyTuple([c.wrap(name === 'std_mean' ? ops.unary(c.t, 'Sqrt', spread) : spread), c.wrap(mean)]);
  });
}
for (const name of ['nansum', 'nanmean']) {
  define(both(name), '(input, dim=None, keepdim=False, *, dtype=None)', (a, c) => {
    const x = tensorArg(a.input);
    const present = x.dtype.startsWith('float') ? ops.not(c.t, c.t.node('IsNaN', [x], {}, { dtype: 'bool', shape: x.shape })) : ops.full(c.t, x.shape, true, 'bool');
    const zeroed = ops.where(c.t, present, x, ops.scalar(c.t, 0, x.dtype));
    const dims = emptyIsAll(a.dim);
    const sum = ops.reduce(c.t, 'ReduceSum', zeroed, dims, toBool(a.keepdim));
    if (name === 'nansum') return c.wrap(sum);
    return c.wrap(ops.binary(c.t, 'Div', sum, ops.reduce(c.t, 'ReduceSum', ops.cast(c.t, present, x.dtype), dims, toBool(a.keepdim))));
  });
}

// ---- introspection

defineExactly(['Tensor.size'], '(input, dim=None)', (a) => {
  const shape = tensorArg(a.input).shape;
  return isNone(a.dim) ? new PyTuple([...shape]) : shape[ops.normAxis(toInt(a.dim), shape.length)];
});
define(['Tensor.dim'], '(input)', (a) => tensorArg(a.input).shape.length);
define(['Tensor.numel', 'torch.numel'], '(input)', (a) => ops.size(tensorArg(a.input).shape));
define(['Tensor.item', 'Tensor.tolist'], '(input)', () => {
  throw new DataDependent('reading tensor values in Python (item/tolist)');
});
