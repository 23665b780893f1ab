// Operators with Python semantics: int/float arithmetic (floor division and modulo round toward -inf), sequence
// operators, rich comparison, truthiness, and delegation to host values and to dunder methods of interpreted classes.
import { callValue, dunder, iterate, length } from './objects';
import type { Runtime } from './runtime';
import {
  HostObject, PyDict, PyFloat, PyInstance, PyList, PyRange, PySet, PyTuple, hashKey, numberOf, pyError, typeName,
  type Value,
} from './values';

const dunderNames: Record<string, [string, string]> = {
  '+': ['__add__', '__radd__'],
  '-': ['__sub__', '__rsub__'],
  '*': ['__mul__', '__rmul__'],
  '/': ['__truediv__', '__rtruediv__'],
  '//': ['__floordiv__', '__rfloordiv__'],
  '%': ['__mod__', '__rmod__'],
  '**': ['__pow__', '__rpow__'],
  '@': ['__matmul__', '__rmatmul__'],
  '&': ['__and__', '__rand__'],
  '|': ['__or__', '__ror__'],
  '^': ['__xor__', '__rxor__'],
  '<<': ['__lshift__', '__rlshift__'],
  '>>': ['__rshift__', '__rrshift__'],
  '<': ['__lt__', '__gt__'],
  '<=': ['__le__', '__ge__'],
  '>': ['__gt__', '__lt__'],
  '>=': ['__ge__', '__le__'],
  '==': ['__eq__', '__eq__'],
  '!=': ['__ne__', '__ne__'],
};

/** A binary or comparison operator: host values and interpreted dunders first, then the built-in types. */
export function binaryOp(rt: Runtime, op: string, left: Value, right: Value): Value {
  const delegated = delegate(rt, op, left, right);
  if (delegated !== undefined) return delegated;
  const builtin = op in comparisons ? compareBuiltin(rt, op, left, right) : arithmetic(op, left, right);
  if (builtin !== undefined) return builtin;
  throw pyError('TypeError', `unsupported operand type(s) for ${op}: '${typeName(left)}' and '${typeName(right)}'`);
}

function delegate(rt: Runtime, op: string, left: Value, right: Value): Value | undefined {
  const [name, reflectedName] = dunderNames[op];
  const attempts: Array<() => Value | undefined> = [
    () => (left instanceof HostObject ? left.hooks.binary?.(op, right, false, rt.api) : undefined),
    () => callDunder(rt, left, name, right),
    () => (right instanceof HostObject ? right.hooks.binary?.(op, left, true, rt.api) : undefined),
    () => callDunder(rt, right, reflectedName, left),
  ];
  for (const attempt of attempts) {
    const result = attempt();
    if (result !== undefined) return result;
  }
  return undefined;
}

function callDunder(rt: Runtime, target: Value, name: string, other: Value): Value | undefined {
  const method = dunder(rt, target, name);
  if (method === undefined) return undefined;
  const result = callValue(rt, method, [other]);
  return result instanceof PyInstance && result.cls.name === 'NotImplementedType' ? undefined : result;
}

function arithmetic(op: string, left: Value, right: Value): Value | undefined {
  const a = numberOf(left);
  const b = numberOf(right);
  if (a && b) return numeric(op, a, b);
  if (op === '+') return concatenate(left, right);
  if (op === '*') return a ? repeat(right, a.value) : b ? repeat(left, b.value) : undefined;
  if (op === '%' && typeof left === 'string') throw pyError('TypeError', "printf-style '%' formatting is not supported; use an f-string");
  if (left instanceof PySet && right instanceof PySet) return setOperation(op, left, right);
  if (op === '|' && left instanceof PyDict && right instanceof PyDict) {
    const merged = new PyDict();
    for (const [key, value] of [...left.entries.values(), ...right.entries.values()]) merged.set(key, value);
    return merged;
  }
  return undefined;
}

type Numeric = { value: number; isFloat: boolean };

function numeric(op: string, a: Numeric, b: Numeric): Value {
  const isFloat = a.isFloat || b.isFloat;
  const result = (value: number) => (isFloat ? new PyFloat(value) : value);
  const x = a.value;
  const y = b.value;
  switch (op) {
    case '+':
      return result(x + y);
    case '-':
      return result(x - y);
    case '*':
      return result(x * y);
    case '/':
      if (y === 0) throw pyError('ZeroDivisionError', 'division by zero');
      return new PyFloat(x / y);
    case '//':
      if (y === 0) throw pyError('ZeroDivisionError', 'integer division or modulo by zero');
      return result(Math.floor(x / y));
    case '%':
      if (y === 0) throw pyError('ZeroDivisionError', 'integer division or modulo by zero');
      return result(pythonModulo(x, y));
    case '**':
      if (x === 0 && y < 0) throw pyError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
      return !isFloat && y >= 0 ? x ** y : new PyFloat(x ** y);
    default:
      if (isFloat) throw pyError('TypeError', `unsupported operand type(s) for ${op}: 'float'`);
      return bitwise(op, x, y);
  }
}

/** The remainder takes the divisor's sign, as Python's does. */
export function pythonModulo(x: number, y: number): number {
  const remainder = x % y;
  return remainder !== 0 && remainder < 0 !== y < 0 ? remainder + y : remainder;
}

function bitwise(op: string, x: number, y: number): Value {
  const a = BigInt(x);
  const b = BigInt(y);
  const operations: Record<string, () => bigint> = {
    '&': () => a & b,
    '|': () => a | b,
    '^': () => a ^ b,
    '<<': () => a << b,
    '>>': () => a >> b,
  };
  if (!operations[op]) throw pyError('TypeError', `unsupported operand type(s) for ${op}: 'int' and 'int'`);
  return Number(operations[op]());
}

function concatenate(left: Value, right: Value): Value | undefined {
  if (typeof left === 'string' && typeof right === 'string') return left + right;
  if (left instanceof PyList && right instanceof PyList) return new PyList([...left.items, ...right.items]);
  if (left instanceof PyTuple && right instanceof PyTuple) return new PyTuple([...left.items, ...right.items]);
  return undefined;
}

function repeat(sequence: Value, times: number): Value | undefined {
  const count = Math.max(0, times);
  if (typeof sequence === 'string') return sequence.repeat(count);
  const items = sequence instanceof PyList || sequence instanceof PyTuple ? sequence.items : undefined;
  if (!items) return undefined;
  const repeated = Array.from({ length: count }, () => items).flat();
  return sequence instanceof PyList ? new PyList(repeated) : new PyTuple(repeated);
}

/** The result has the left operand's type: frozenset | set is a frozenset. */
function setOperation(op: string, left: PySet, right: PySet): Value | undefined {
  const l = [...left.entries.values()];
  const r = [...right.entries.values()];
  if (op === '|') return new PySet([...l, ...r], left.frozen);
  if (op === '&') return new PySet(l.filter((v) => right.has(v)), left.frozen);
  if (op === '-') return new PySet(l.filter((v) => !right.has(v)), left.frozen);
  if (op === '^') return new PySet([...l.filter((v) => !right.has(v)), ...r.filter((v) => !left.has(v))], left.frozen);
  return undefined;
}

const comparisons: Record<string, (order: number) => boolean> = {
  '<': (o) => o < 0,
  '<=': (o) => o <= 0,
  '>': (o) => o > 0,
  '>=': (o) => o >= 0,
  '==': (o) => o === 0,
  '!=': (o) => o !== 0,
};

function compareBuiltin(rt: Runtime, op: string, left: Value, right: Value): Value | undefined {
  if (op === '==' || op === '!=') return equals(rt, left, right) === (op === '==');
  const order = ordering(rt, left, right);
  return order === undefined ? undefined : comparisons[op](order);
}

/** -1/0/1 for values Python orders (numbers, strings, lists and tuples lexicographically); NaN compares false. */
function ordering(rt: Runtime, left: Value, right: Value): number | undefined {
  const a = numberOf(left);
  const b = numberOf(right);
  if (a && b) return a.value < b.value ? -1 : a.value > b.value ? 1 : a.value === b.value ? 0 : NaN;
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  const bothLists = left instanceof PyList && right instanceof PyList;
  const bothTuples = left instanceof PyTuple && right instanceof PyTuple;
  if (!bothLists && !bothTuples) return undefined;
  const l = (left as PyList | PyTuple).items;
  const r = (right as PyList | PyTuple).items;
  for (let i = 0; i < Math.min(l.length, r.length); i++) {
    if (equals(rt, l[i], r[i])) continue;
    return truthy(rt, binaryOp(rt, '<', l[i], r[i])) ? -1 : 1;
  }
  return l.length - r.length;
}

/** Python ==, reduced to a boolean (host values decide through their '==' hook). */
export function equals(rt: Runtime, left: Value, right: Value): boolean {
  if (left === right) return true;
  const a = numberOf(left);
  const b = numberOf(right);
  if (a && b) return a.value === b.value;
  if (left instanceof HostObject || right instanceof HostObject || left instanceof PyInstance || right instanceof PyInstance) {
    const delegated = delegate(rt, '==', left, right);
    return delegated === undefined ? false : truthy(rt, delegated);
  }
  if ((left instanceof PyList && right instanceof PyList) || (left instanceof PyTuple && right instanceof PyTuple)) {
    return left.items.length === right.items.length && left.items.every((item, i) => equals(rt, item, right.items[i]));
  }
  if (left instanceof PyDict && right instanceof PyDict) {
    return left.entries.size === right.entries.size && [...left.entries.values()].every(([k, v]) => right.has(k) && equals(rt, v, right.get(k)!));
  }
  if (left instanceof PySet && right instanceof PySet) {
    return left.entries.size === right.entries.size && [...left.entries.keys()].every((k) => right.entries.has(k));
  }
  if (left instanceof PyRange && right instanceof PyRange) return equals(rt, new PyTuple([...iterate(rt, left)]), new PyTuple([...iterate(rt, right)]));
  return false;
}

export function identical(left: Value, right: Value): boolean {
  if (left instanceof PyFloat && right instanceof PyFloat) return left.value === right.value;
  return left === right;
}

export function contains(rt: Runtime, container: Value, item: Value): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw pyError('TypeError', `'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (container instanceof PyDict) return container.has(item);
  if (container instanceof PySet) return container.entries.has(hashKey(item));
  const method = dunder(rt, container, '__contains__');
  if (method !== undefined) return truthy(rt, callValue(rt, method, [item]));
  for (const candidate of iterate(rt, container)) if (equals(rt, candidate, item)) return true;
  return false;
}

export function truthy(rt: Runtime, value: Value): boolean {
  if (value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  if (value instanceof PyFloat) return value.value !== 0;
  if (value instanceof HostObject) return value.hooks.truthy ? value.hooks.truthy(rt.api) : value.hooks.len ? value.hooks.len(rt.api) > 0 : true;
  if (value instanceof PyInstance) {
    const method = dunder(rt, value, '__bool__');
    if (method !== undefined) return truthy(rt, callValue(rt, method, []));
    return dunder(rt, value, '__len__') === undefined || length(rt, value) > 0;
  }
  if (value instanceof PyList || value instanceof PyTuple || value instanceof PyDict || value instanceof PySet || value instanceof PyRange) {
    return length(rt, value) > 0;
  }
  return true;
}

export function unaryOp(rt: Runtime, op: '-' | '+' | '~', operand: Value): Value {
  if (operand instanceof HostObject && operand.hooks.unary) return operand.hooks.unary(op, rt.api);
  const method = dunder(rt, operand, { '-': '__neg__', '+': '__pos__', '~': '__invert__' }[op]);
  if (method !== undefined) return callValue(rt, method, []);
  const number = numberOf(operand);
  if (!number || (op === '~' && number.isFloat)) throw pyError('TypeError', `bad operand type for unary ${op}: '${typeName(operand)}'`);
  if (op === '~') return -number.value - 1;
  const value = op === '-' ? -number.value : number.value;
  return number.isFloat ? new PyFloat(value) : value;
}
