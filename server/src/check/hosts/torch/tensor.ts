// torch.Tensor as a host value: one object per Python tensor whose current Sym is mutable, so that in-place updates
// (x[0] = 1, x.add_(y)) are seen through every name bound to the same object. Type promotion follows torch.
import { BuiltinFunction, HostObject, PyList, PyTuple, numberOf, pyError, type InterpreterApi, type Value } from '../../interp';
import type { DType } from '../../onnx/tensor';
import { getIndex, parseIndex, setIndex } from '../../trace/indexing';
import * as ops from '../../trace/ops';
import { DataDependent, NotLowered, type Sym, type Tracer } from '../../trace/tracer';
import type { InitHint } from '../../trace/host';

/** A parameter or buffer whose data the check draws in prepare(); until then it has a shape but no value. */
export interface Pending {
  shape: readonly number[];
  dtype: DType;
  init: InitHint;
  /** what made it: the error names it when the value is used before prepare() */
  origin: string;
}

export class TorchTensor extends HostObject {
  private current?: Sym;
  /** set for parameters: nn.Parameter objects are tensors that modules register as weights */
  isParameter = false;
  /** a view of another tensor (x[i], x.view(...)): writing through it would have to update that tensor too */
  isView = false;
  constructor(readonly torch: TorchContext, sym: Sym | undefined, readonly pending?: Pending) {
    super('Tensor', {});
    this.current = sym;
    Object.assign(this.hooks, tensorHooks(this));
  }
  get sym(): Sym {
    if (!this.current) throw new NotLowered(this.pending!.origin, 'its values are drawn by the check when the model is built, so they cannot be used before (random data, parameters inside __init__)');
    return this.current;
  }
  /** in-place update: every name bound to this object sees the new value */
  set sym(value: Sym) {
    this.current = value;
  }
  get hasValue(): boolean {
    return this.current !== undefined;
  }
  get shape(): readonly number[] {
    return this.current?.shape ?? this.pending!.shape;
  }
  get dtype(): DType {
    return this.current?.dtype ?? this.pending!.dtype;
  }
}

/** Shared state of one traced program: the tracer and the method table (set by the host to break the cycle). */
export type TensorMethod = (self: TorchTensor, args: Value[], kwargs: Map<string, Value>, api: InterpreterApi) => Value;

export class TorchContext {
  /** the interpreter's callbacks, kept from the first hook that receives them (built-in layers call submodules) */
  api?: InterpreterApi;
  /** the array of a NumPy value (set by the host): torch.tensor and torch.as_tensor take NumPy arrays */
  numpyArray?: (value: Value) => Sym | undefined;
  constructor(readonly t: Tracer, readonly tensorMethod: (name: string) => TensorMethod | undefined) {}
  wrap(sym: Sym): TorchTensor {
    return new TorchTensor(this, sym);
  }
  /** a tensor without values yet: random data, and parameters until prepare() draws them */
  placeholder(origin: string, shape: readonly number[], dtype: DType, init: InitHint = { kind: 'normal' }): TorchTensor {
    return new TorchTensor(this, undefined, { shape, dtype, init, origin });
  }
}

// ---- type promotion

type Category = 0 | 1 | 2;
const categoryOf = (dtype: DType): Category => (dtype === 'bool' ? 0 : dtype.startsWith('int') ? 1 : 2);
const DEFAULT_OF: Record<Category, DType> = { 0: 'bool', 1: 'int64', 2: 'float32' };
const WIDTH: Record<DType, number> = { bool: 0, int32: 1, int64: 2, float32: 1, float64: 2 };

/** An operand of an arithmetic op: a tensor, or a Python number (bool, int or float), which only lifts the category. */
export type Operand = { sym: Sym } | { scalar: number; kind: DType };

export function operand(value: Value): Operand | undefined {
  if (value instanceof TorchTensor) return { sym: value.sym };
  const n = numberOf(value);
  if (!n) return undefined;
  return { scalar: n.value, kind: typeof value === 'boolean' ? 'bool' : n.isFloat ? 'float32' : 'int64' };
}

/** torch.result_type: dimensioned tensors decide first, then zero-dim tensors, then Python numbers; a later tier
 *  only counts when its category (bool < int < float) is higher, and Python numbers then give the default dtype. */
export function resultType(operands: Operand[]): DType {
  const tiers: DType[][] = [[], [], []];
  for (const o of operands) {
    if ('sym' in o) tiers[o.sym.shape.length ? 0 : 1].push(o.sym.dtype);
    else tiers[2].push(o.kind);
  }
  let result: DType | undefined;
  for (const tier of tiers.filter((t) => t.length)) {
    const top = Math.max(...tier.map(categoryOf)) as Category;
    const widest = tier.filter((d) => categoryOf(d) === top).reduce((a, b) => (WIDTH[b] > WIDTH[a] ? b : a));
    if (!result || top > categoryOf(result)) result = tier === tiers[2] && result ? DEFAULT_OF[top] : widest;
  }
  return result ?? 'float32';
}

export function asSym(torch: TorchContext, o: Operand, dtype: DType): Sym {
  return 'sym' in o ? ops.cast(torch.t, o.sym, dtype) : ops.scalar(torch.t, o.scalar, dtype);
}

/** Lowers an elementwise op after promoting its operands; `compute` may widen (true division of ints → float). */
export function elementwise(torch: TorchContext, values: Value[], lower: (syms: Sym[], dtype: DType) => Sym, compute?: (dtype: DType) => DType): TorchTensor {
  const operands = values.map(operand);
  if (operands.some((o) => !o)) throw pyError('TypeError', 'unsupported operand for a tensor operation');
  const dtype = (compute ?? ((d: DType) => d))(resultType(operands as Operand[]));
  return torch.wrap(lower((operands as Operand[]).map((o) => asSym(torch, o, dtype)), dtype));
}

/** the dtype of a floating result (true division, exp of ints): float32 unless already floating */
export const floatResult = (dtype: DType): DType => (categoryOf(dtype) === 2 ? dtype : 'float32');

// ---- operators

const ONNX_BINARY: Record<string, string> = { '+': 'Add', '-': 'Sub', '*': 'Mul', '<': 'Less', '<=': 'LessOrEqual', '>': 'Greater', '>=': 'GreaterOrEqual', '==': 'Equal' };

export function binaryOperator(torch: TorchContext, op: string, a: Value, b: Value): Value | undefined {
  const t = torch.t;
  if (op in ONNX_BINARY) return elementwise(torch, [a, b], ([x, y]) => boolArith(t, ONNX_BINARY[op], x, y));
  switch (op) {
    case '!=': return elementwise(torch, [a, b], ([x, y]) => ops.notEqual(t, x, y));
    case '/': return elementwise(torch, [a, b], ([x, y]) => ops.binary(t, 'Div', x, y), floatResult);
    case '//': return elementwise(torch, [a, b], ([x, y]) => floorDivide(t, x, y));
    case '%': return elementwise(torch, [a, b], ([x, y]) => remainder(t, x, y));
    case '**': return elementwise(torch, [a, b], ([x, y]) => ops.binary(t, 'Pow', x, y));
    case '@': return torch.wrap(ops.matmul(t, symOf(a), symOf(b)));
    case '&': case '|': case '^': return elementwise(torch, [a, b], ([x, y]) => bitwise(t, op, x, y));
    default: return undefined;
  }
}

/** bool + bool is logical or in torch, bool * bool logical and; other bool arithmetic is an error there too */
function boolArith(t: Tracer, op: string, x: Sym, y: Sym): Sym {
  if (x.dtype !== 'bool' || !['Add', 'Mul', 'Sub'].includes(op)) return ops.binary(t, op, x, y);
  if (op === 'Sub') throw pyError('RuntimeError', 'Subtraction, the `-` operator, with two bool tensors is not supported');
  return ops.binary(t, op === 'Add' ? 'Or' : 'And', x, y);
}

function bitwise(t: Tracer, op: string, x: Sym, y: Sym): Sym {
  if (x.dtype === 'bool') return ops.binary(t, { '&': 'And', '|': 'Or', '^': 'Xor' }[op]!, x, y);
  if (x.dtype.startsWith('float')) throw pyError('TypeError', `bitwise ${op} is not defined for floating tensors`);
  return ops.binary(t, { '&': 'BitwiseAnd', '|': 'BitwiseOr', '^': 'BitwiseXor' }[op]!, x, y);
}

/** Python-style floor division (torch's `//`): floor for floats, rounding toward -inf for ints. */
export function floorDivide(t: Tracer, x: Sym, y: Sym): Sym {
  if (x.dtype.startsWith('float')) return ops.unary(t, 'Floor', ops.binary(t, 'Div', x, y));
  return ops.binary(t, 'Div', ops.binary(t, 'Sub', x, remainder(t, x, y)), y);
}

/** torch.remainder / `%`: the result has the divisor's sign. */
export function remainder(t: Tracer, x: Sym, y: Sym): Sym {
  if (!x.dtype.startsWith('float')) return ops.binary(t, 'Mod', x, y, { fmod: 0 });
  return ops.binary(t, 'Sub', x, ops.binary(t, 'Mul', ops.unary(t, 'Floor', ops.binary(t, 'Div', x, y)), y));
}

function unaryOperator(self: TorchTensor, op: '-' | '+' | '~'): Value {
  const t = self.torch.t;
  const x = self.sym;
  if (op === '+') return self;
  if (op === '~') return self.torch.wrap(x.dtype === 'bool' ? ops.not(t, x) : ops.unary(t, 'BitwiseNot', x));
  if (x.dtype === 'bool') throw pyError('RuntimeError', 'Negation, the `-` operator, on a bool tensor is not supported');
  return self.torch.wrap(ops.unary(t, 'Neg', x));
}

export function symOf(value: Value): Sym {
  if (value instanceof TorchTensor) return value.sym;
  throw pyError('TypeError', 'expected a tensor');
}

// ---- the tensor's hooks

const IN_PLACE_OPERATORS: Record<string, string> = { '+=': '+', '-=': '-', '*=': '*', '/=': '/', '//=': '//', '%=': '%', '**=': '**', '&=': '&', '|=': '|' };

/** `x += y` and x.add_(y) change the object: every name bound to it sees the result, kept in its dtype */
export function updateInPlace(self: TorchTensor, result: Value): TorchTensor {
  assertWritable(self);
  self.sym = ops.cast(self.torch.t, symOf(result), self.dtype);
  return self;
}

function tensorHooks(self: TorchTensor) {
  const torch = self.torch;
  return {
    getattr: (name: string, api: InterpreterApi) => tensorAttribute(self, name, api),
    getitem: (key: Value) => markView(torch.wrap(getIndex(torch.t, self.sym, parseIndex(key, (v) => indexSym(torch, v))))),
    setitem: (key: Value, value: Value) => {
      assertWritable(self);
      const o = operand(value);
      if (!o) throw pyError('TypeError', 'can only assign a tensor or a number to a tensor item');
      self.sym = setIndex(torch.t, self.sym, parseIndex(key, (v) => indexSym(torch, v)), asSym(torch, o, self.dtype), 'set');
    },
    binary: (op: string, other: Value, reflected: boolean) => {
      if (!(other instanceof TorchTensor) && !numberOf(other)) return undefined;
      if (!self.hasValue || (other instanceof TorchTensor && !other.hasValue)) return scaledPlaceholder(self, op, other);
      if (op in IN_PLACE_OPERATORS && !reflected) return updateInPlace(self, binaryOperator(torch, IN_PLACE_OPERATORS[op], self, other)!);
      return reflected ? binaryOperator(torch, op, other, self) : binaryOperator(torch, op, self, other);
    },
    unary: (op: '-' | '+' | '~') => unaryOperator(self, op),
    iterate: () => Array.from({ length: self.shape[0] ?? iterationError() }, (_, i) => torch.wrap(getIndex(torch.t, self.sym, [{ kind: 'int', index: i }]))),
    len: () => self.shape[0] ?? iterationError(),
    truthy: () => {
      throw new DataDependent('the truth value of a tensor');
    },
    repr: () => `tensor(shape=[${self.shape}], dtype=torch.${self.dtype})`,
  };
}

/** arithmetic on random data in __init__ (torch.randn(...) * 0.02) stays random data: a placeholder of the result's
 *  shape, which nn.Parameter turns into a drawn weight; using it in the graph is still refused */
function scaledPlaceholder(self: TorchTensor, op: string, other: Value): Value | undefined {
  if (op in IN_PLACE_OPERATORS) return undefined;
  const placeholder = self.hasValue ? (other as TorchTensor) : self;
  if (self.hasValue || (other instanceof TorchTensor && other.hasValue)) throw new NotLowered(placeholder.pending!.origin, 'random data combined with traced values cannot be reproduced');
  const otherShape = other instanceof TorchTensor ? other.shape : [];
  return self.torch.placeholder(placeholder.pending!.origin, ops.broadcastShapes(self.shape, otherShape), self.dtype);
}

function iterationError(): never {
  throw pyError('TypeError', 'iteration over a 0-d tensor');
}

/** index keys: tensors, and lists of ints or bools, which index as tensors do */
function indexSym(torch: TorchContext, value: Value): Sym | undefined {
  if (value instanceof TorchTensor) return value.sym;
  if (!(value instanceof PyList) || !value.items.every((v) => typeof v === 'number' || typeof v === 'boolean')) return undefined;
  // a literal bool mask selects known positions: the indices of its True entries
  const isMask = value.items.every((v) => typeof v === 'boolean');
  const indices = isMask ? value.items.flatMap((v, i) => (v ? [i] : [])) : value.items.map(Number);
  return ops.fromValues(torch.t, indices, [indices.length], 'int64');
}

export function markView<V extends Value>(value: V): V {
  if (value instanceof TorchTensor) value.isView = true;
  return value;
}

/** in-place writes to views are not modelled: the tensor they view would not see them */
export function assertWritable(self: TorchTensor): void {
  if (self.isView) throw new NotLowered('an in-place update of a view', 'the viewed tensor would have to change too');
}

function tensorAttribute(self: TorchTensor, name: string, api: InterpreterApi): Value | undefined {
  switch (name) {
    case 'shape': return new PyTuple([...self.shape]);
    case 'ndim': return self.shape.length;
    case 'dtype': return dtypeObject(self.dtype);
    case 'T': return self.torch.wrap(ops.transpose(self.torch.t, self.sym, self.shape.map((_, i) => self.shape.length - 1 - i)));
    case 'device': return 'cpu';
    // the interpreter's abs() asks a host value for the attribute __abs__ and takes it as the result
    case '__abs__': return self.torch.wrap(ops.unary(self.torch.t, 'Abs', self.sym));
    case 'is_cuda': return false;
    case 'requires_grad': return self.isParameter;
    case 'data': return self;
  }
  const method = self.torch.tensorMethod(name);
  if (!method && !name.startsWith('__')) throw new NotLowered(`Tensor.${name}`);
  if (!method) return undefined;
  return new HostObject(`Tensor.${name}`, { call: (args, kwargs) => method(self, args, kwargs, api) });
}

// ---- dtypes

export const DTYPE_NAMES: Record<string, DType> = {
  float32: 'float32', float: 'float32', float64: 'float64', double: 'float64', int64: 'int64', long: 'int64',
  int32: 'int32', int: 'int32', bool: 'bool',
};

const dtypeObjects = new Map<DType, HostObject>();

/** One object per dtype, so that `x.dtype == torch.float32` (identity) holds. */
export function dtypeObject(dtype: DType): HostObject {
  let found = dtypeObjects.get(dtype);
  if (!found) {
    const object: HostObject = new HostObject(`torch.${dtype}`, {
      repr: () => `torch.${dtype}`,
      getattr: (name) => (name === 'is_floating_point' ? dtype.startsWith('float') : undefined),
      binary: (op, other) => (op === '==' ? other === object : op === '!=' ? other !== object : undefined),
    });
    dtypeObjects.set(dtype, (found = object));
  }
  return found;
}

/** A torch dtype object (or a Python type standing for one: torch maps float to float64, int to int64) as a DType. */
export function dtypeFrom(value: Value): DType | undefined {
  for (const [dtype, object] of dtypeObjects) if (object === value) return dtype;
  if (value instanceof BuiltinFunction && Object.hasOwn(PYTHON_TYPES, value.name)) return PYTHON_TYPES[value.name];
  return undefined;
}

const PYTHON_TYPES: Record<string, DType> = { float: 'float64', int: 'int64', bool: 'bool' };

