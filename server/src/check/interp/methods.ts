// Methods of the built-in types (str, list, tuple, dict, set, float) that model code calls.
import { format as formatString } from './builtins';
import { callValue, iterate, keyError, mappingItems, normalizeIndex } from './objects';
import { binaryOp, equals, truthy } from './operators';
import type { Runtime } from './runtime';
import { BuiltinFunction, PyDict, PyFloat, PyList, PySet, PyTuple, pyError, typeName, type Kwargs, type Value } from './values';

type Method = (rt: Runtime, self: never, args: Value[], kwargs: Kwargs) => Value;

export function builtinMethod(rt: Runtime, target: Value, name: string): Value | undefined {
  const table = typeof target === 'string' ? stringMethods
    : target instanceof PyList ? listMethods
    : target instanceof PyTuple ? tupleMethods
    : target instanceof PyDict ? dictMethods
    : target instanceof PySet ? (target.frozen ? frozenSetMethods : setMethods)
    : target instanceof PyFloat ? floatMethods
    : undefined;
  // own properties only: 'constructor' or 'toString' are not Python methods
  const method = table && Object.hasOwn(table, name) ? (table as Record<string, Method>)[name] : undefined;
  if (!method) return undefined;
  return new BuiltinFunction(name, (args, kwargs) => method(rt, target as never, args, kwargs));
}

function text(value: Value, what: string): string {
  if (typeof value !== 'string') throw pyError('TypeError', `${what} must be str, not ${typeName(value)}`);
  return value;
}

const stringMethods: Record<string, (rt: Runtime, self: string, args: Value[], kwargs: Kwargs) => Value> = {
  join: (rt, self, [items]) => [...iterate(rt, items)].map((item) => text(item, 'sequence item')).join(self),
  split: (_, self, [separator = null, limit = -1]) => splitString(self, separator, limit as number),
  strip: (_, self, [chars = null]) => trimString(self, chars, 'both'),
  lstrip: (_, self, [chars = null]) => trimString(self, chars, 'start'),
  rstrip: (_, self, [chars = null]) => trimString(self, chars, 'end'),
  replace: (_, self, [old, replacement]) => self.split(text(old, 'old')).join(text(replacement, 'new')),
  startswith: (_, self, [prefix]) => prefixes(prefix).some((p) => self.startsWith(p)),
  endswith: (_, self, [suffix]) => prefixes(suffix).some((p) => self.endsWith(p)),
  upper: (_, self) => self.toUpperCase(),
  lower: (_, self) => self.toLowerCase(),
  find: (_, self, [sub]) => self.indexOf(text(sub, 'sub')),
  count: (_, self, [sub]) => self.split(text(sub, 'sub')).length - 1,
  isdigit: (_, self) => /^\d+$/.test(self),
  format: (rt, self, args, kwargs) => formatString(rt, self, args, kwargs),
};

function prefixes(value: Value): string[] {
  return value instanceof PyTuple ? value.items.map((v) => text(v, 'prefix')) : [text(value, 'prefix')];
}

function splitString(self: string, separator: Value, limit: number): PyList {
  const parts = separator === null ? self.trim().split(/\s+/).filter(Boolean) : self.split(text(separator, 'separator'));
  if (limit < 0 || parts.length <= limit + 1) return new PyList(parts);
  const joiner = separator === null ? ' ' : (separator as string);
  return new PyList([...parts.slice(0, limit), parts.slice(limit).join(joiner)]);
}

function trimString(self: string, chars: Value, side: 'start' | 'end' | 'both'): string {
  const set = chars === null ? ' \t\n\r\f\v' : text(chars, 'chars');
  let start = 0;
  let end = self.length;
  if (side !== 'end') while (start < end && set.includes(self[start])) start++;
  if (side !== 'start') while (end > start && set.includes(self[end - 1])) end--;
  return self.slice(start, end);
}

const sequenceMethods = {
  index: (rt: Runtime, self: PyList | PyTuple, [item]: Value[]) => {
    const index = self.items.findIndex((candidate) => equals(rt, candidate, item));
    if (index < 0) throw pyError('ValueError', `${typeName(self)}.index(x): x not in ${typeName(self)}`);
    return index;
  },
  count: (rt: Runtime, self: PyList | PyTuple, [item]: Value[]) => self.items.filter((candidate) => equals(rt, candidate, item)).length,
};

const tupleMethods = sequenceMethods;

const listMethods: Record<string, (rt: Runtime, self: PyList, args: Value[], kwargs: Kwargs) => Value> = {
  ...sequenceMethods,
  append: (_, self, [item]) => {
    self.items.push(item);
    return null;
  },
  extend: (rt, self, [items]) => {
    self.items.push(...iterate(rt, items));
    return null;
  },
  insert: (_, self, [index, item]) => {
    const at = index as number;
    self.items.splice(at < 0 ? Math.max(0, self.items.length + at) : at, 0, item);
    return null;
  },
  pop: (_, self, [index = -1]) => {
    if (!self.items.length) throw pyError('IndexError', 'pop from empty list');
    return self.items.splice(normalizeIndex(index, self.items.length, 'pop'), 1)[0];
  },
  remove: (rt, self, [item]) => {
    self.items.splice(sequenceMethods.index(rt, self, [item]), 1);
    return null;
  },
  reverse: (_, self) => {
    self.items.reverse();
    return null;
  },
  copy: (_, self) => new PyList([...self.items]),
  clear: (_, self) => {
    self.items.splice(0);
    return null;
  },
  sort: (rt, self, _args, kwargs) => {
    self.items = sortValues(rt, self.items, kwargs);
    return null;
  },
};

/** sorted()/list.sort(): stable, with key= and reverse=. */
export function sortValues(rt: Runtime, items: Value[], kwargs: Kwargs): Value[] {
  const key = kwargs.get('key') ?? null;
  const keyed = items.map((item) => ({ item, key: key === null ? item : callValue(rt, key, [item]) }));
  const less = (a: Value, b: Value) => truthy(rt, binaryOp(rt, '<', a, b));
  keyed.sort((a, b) => (less(a.key, b.key) ? -1 : less(b.key, a.key) ? 1 : 0));
  if (truthy(rt, kwargs.get('reverse') ?? false)) keyed.reverse();
  return keyed.map(({ item }) => item);
}

const dictMethods: Record<string, (rt: Runtime, self: PyDict, args: Value[], kwargs: Kwargs) => Value> = {
  keys: (_, self) => new PyList(self.keys()),
  values: (_, self) => new PyList([...self.entries.values()].map(([, v]) => v)),
  items: (_, self) => new PyList([...self.entries.values()].map(([k, v]) => new PyTuple([k, v]))),
  get: (_, self, [key, fallback = null]) => self.get(key) ?? fallback,
  pop: (_, self, [key, fallback]) => {
    const found = self.get(key);
    if (found === undefined) {
      if (fallback === undefined) throw keyError(key);
      return fallback;
    }
    self.delete(key);
    return found;
  },
  setdefault: (_, self, [key, fallback = null]) => {
    if (!self.has(key)) self.set(key, fallback);
    return self.get(key)!;
  },
  update: (rt, self, [other], kwargs) => {
    const mapping = other === undefined ? undefined : mappingItems(rt, other);
    if (mapping) for (const [k, v] of mapping) self.set(k, v);
    else if (other !== undefined) for (const pair of iterate(rt, other)) {
      const [k, v] = [...iterate(rt, pair)];
      self.set(k, v);
    }
    for (const [k, v] of kwargs) self.set(k, v);
    return null;
  },
  copy: (_, self) => {
    const copy = new PyDict();
    for (const [k, v] of self.entries.values()) copy.set(k, v);
    return copy;
  },
};

const setMethods: Record<string, (rt: Runtime, self: PySet, args: Value[], kwargs: Kwargs) => Value> = {
  add: (_, self, [item]) => {
    self.add(item);
    return null;
  },
  update: (rt, self, [items]) => {
    for (const item of iterate(rt, items)) self.add(item);
    return null;
  },
};

/** frozenset has none of set's mutating methods. */
const frozenSetMethods = {};

const floatMethods: Record<string, (rt: Runtime, self: PyFloat, args: Value[], kwargs: Kwargs) => Value> = {
  is_integer: (_, self) => Number.isInteger(self.value),
};
