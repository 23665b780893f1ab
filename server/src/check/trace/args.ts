// Binding interpreter call arguments to signatures written as Python text (the catalogue's form), and reading
// Python values as the numbers, shapes and flags that lowerings need.
import { parseSignature, type Signature } from '../../catalogue/signature';
import type { Lit } from '../../pyvalue';
import { float, numberOf, pyError, PyFloat, PyList, PyTuple, typeName, type Kwargs, type Value } from '../interp/values';

export type BoundArgs = Record<string, Value>;

const signatures = new Map<string, Signature>();

export function signatureOf(text: string): Signature {
  let sig = signatures.get(text);
  if (!sig) signatures.set(text, (sig = parseSignature(text)));
  return sig;
}

/** Binds like Python: positional, then keywords; every parameter with a default gets one. `*args` collects a tuple,
 *  which may also be given by keyword (torch.zeros(size=(2, 3))). Raises TypeError as Python would. */
export function bindArgs(signature: string, args: readonly Value[], kwargs: Kwargs): BoundArgs {
  const sig = signatureOf(signature);
  const bound: BoundArgs = {};
  let i = 0;
  for (const p of sig.params) {
    if (p.variadic) {
      const rest = args.slice(i);
      i = args.length;
      if (rest.length || !kwargs.has(p.name)) bound[p.name] = new PyTuple(rest);
      continue;
    }
    if (!p.keywordOnly && i < args.length) bound[p.name] = args[i++];
  }
  if (i < args.length) throw pyError('TypeError', `${sig.path}() takes at most ${i} positional arguments (${args.length} given)`);
  for (const [name, value] of kwargs) {
    if (!sig.params.some((p) => p.name === name)) throw pyError('TypeError', `${sig.path}() got an unexpected keyword argument '${name}'`);
    if (name in bound) throw pyError('TypeError', `${sig.path}() got multiple values for argument '${name}'`);
    bound[name] = value;
  }
  for (const p of sig.params) {
    if (p.name in bound) continue;
    if (p.defaultText === undefined) throw pyError('TypeError', `${sig.path}() missing required argument '${p.name}'`);
    bound[p.name] = litToValue(p.default ?? null);
  }
  return bound;
}

export function litToValue(lit: Lit): Value {
  if (Array.isArray(lit)) return new PyTuple(lit.map(litToValue));
  if (lit !== null && typeof lit === 'object') return float(lit.float);
  return lit;
}

export function isNone(value: Value | undefined): boolean {
  return value === null || value === undefined;
}

export function toNumber(value: Value, what = 'value'): number {
  const n = numberOf(value);
  if (!n) throw pyError('TypeError', `${what} must be a number, not ${typeName(value)}`);
  return n.value;
}

export function isPyFloat(value: Value): boolean {
  return value instanceof PyFloat;
}

export function toInt(value: Value, what = 'value'): number {
  const n = toNumber(value, what);
  if (!Number.isInteger(n) || value instanceof PyFloat) throw pyError('TypeError', `${what} must be an int, not ${typeName(value)}`);
  return n;
}

export function toBool(value: Value, what = 'flag'): boolean {
  if (typeof value === 'boolean') return value;
  const n = numberOf(value);
  if (n) return n.value !== 0;
  if (value === null) return false;
  throw pyError('TypeError', `${what} must be a bool, not ${typeName(value)}`);
}

export function toStr(value: Value, what = 'value'): string {
  if (typeof value !== 'string') throw pyError('TypeError', `${what} must be a str, not ${typeName(value)}`);
  return value;
}

export function isSequence(value: Value): value is PyList | PyTuple {
  return value instanceof PyList || value instanceof PyTuple;
}

export function items(value: Value): readonly Value[] {
  if (value instanceof PyList || value instanceof PyTuple) return value.items;
  throw pyError('TypeError', `expected a list or tuple, not ${typeName(value)}`);
}

/** An int or a sequence of ints (torch's `int or tuple` arguments), as `n` ints when an int is given. */
export function toInts(value: Value, n?: number, what = 'value'): number[] {
  if (isSequence(value)) return value.items.map((v) => toInt(v, what));
  const single = toInt(value, what);
  return Array.from({ length: n ?? 1 }, () => single);
}

/** Shapes given as varargs or as one sequence: f(2, 3) and f((2, 3)). */
export function shapeArgs(values: readonly Value[]): number[] {
  if (values.length === 1 && isSequence(values[0])) return toInts(values[0]);
  return values.map((v) => toInt(v, 'dimension'));
}

export function pyTuple(values: readonly Value[]): PyTuple {
  return new PyTuple(values);
}
