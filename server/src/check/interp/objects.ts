// The object protocol: attribute access, calls, item access and iteration for every kind of value, with host values
// delegating to their hooks and interpreted subclasses of host classes falling back to the host base.
import { isBuiltinType } from './builtins';
import { callFunction } from './executor';
import { binaryOp, contains, equals } from './operators';
import { builtinMethod } from './methods';
import { maxCallDepth, type Runtime } from './runtime';
import {
  BoundMethod, BuiltinFunction, Decorated, HostObject, PyClass, PyDict, PyFunction, PyInstance, PyIterator, PyList,
  PyError, PyGenerator, PyModule, PyRange, PySet, PySlice, PySuper, PyTuple, builtinsModuleMembers, exceptionClasses, isException, makeException, numberOf,
  pyError, typeName, Unsupported, type Kwargs, type Value,
} from './values';

const noKwargs: Kwargs = new Map();

export function getAttribute(rt: Runtime, target: Value, name: string): Value {
  const found = findAttribute(rt, target, name);
  if (found === undefined) throw pyError('AttributeError', `'${typeName(target)}' object has no attribute '${name}'`);
  return found;
}

export function hasAttribute(rt: Runtime, target: Value, name: string): boolean {
  try {
    return findAttribute(rt, target, name) !== undefined;
  } catch (error) {
    if (isPyErrorOf(error, 'AttributeError')) return false;
    throw error;
  }
}

function findAttribute(rt: Runtime, target: Value, name: string): Value | undefined {
  if (target instanceof PyInstance) return instanceAttribute(rt, target, name);
  if (target instanceof PyClass) return classAttribute(rt, target, name);
  if (target instanceof PySuper) return superAttribute(rt, target, name);
  if (target instanceof PyModule) return target.attrs.get(name);
  if (target instanceof HostObject) return target.hooks.getattr?.(name, rt.api);
  if ((target instanceof PyFunction || target instanceof BuiltinFunction) && name === '__name__') return target.name;
  if (target instanceof PyGenerator && generatorProtocol.has(name)) throw new Unsupported(`generator.${name}()`, rt.line);
  if (isBuiltinType(target) && name !== '__module__') throw new Unsupported(`attribute '${name}' of builtin type '${target.name}'`, rt.line);
  if (target instanceof PyFunction && name === '__module__') return target.closure.module.vars.get('__name__') ?? null;
  if (target instanceof BuiltinFunction && name === '__module__' && builtinsModuleMembers.has(target)) return 'builtins';
  if (target instanceof Decorated && name === 'setter') {
    return new BuiltinFunction('setter', ([setter]) => new Decorated('property', target.fn, setter));
  }
  return builtinMethod(rt, target, name);
}

/** what a generator offers beyond next(): values sent in, exceptions thrown in, closing early */
const generatorProtocol = new Set(['send', 'throw', 'close']);

function instanceAttribute(rt: Runtime, self: PyInstance, name: string): Value | undefined {
  const fromClass = self.cls.lookup(name);
  if (fromClass instanceof Decorated && fromClass.kind === 'property') return callValue(rt, fromClass.fn, [self]);
  if (self.attrs.has(name)) return self.attrs.get(name);
  if (fromClass !== undefined) return bind(fromClass, self, self.cls);
  if (name === '__class__') return self.cls;
  if (name === '__dict__') return dictOf(self.attrs);
  const fromHost = self.cls.hostBase?.hooks.subclass?.getattr?.(self, name, rt.api);
  if (fromHost !== undefined) return fromHost;
  const fromBuiltin = builtinBaseMember(rt, self, name);
  if (fromBuiltin !== undefined) return fromBuiltin;
  const fallback = self.cls.lookup('__getattr__');
  return fallback instanceof PyFunction ? callValue(rt, fallback, [self, name]) : undefined;
}

function classAttribute(rt: Runtime, cls: PyClass, name: string): Value | undefined {
  const found = cls.lookup(name);
  if (found instanceof Decorated) return found.kind === 'classmethod' ? new BoundMethod(cls, found.fn) : found.fn;
  if (found !== undefined) return found;
  if (name === '__name__') return cls.name;
  if (name === '__module__' && builtinsModuleMembers.has(cls)) return 'builtins';
  if (name === '__mro__') return new PyTuple(cls.mro);
  const fromHost = cls.hostBase?.hooks.getattr?.(name, rt.api);
  if (fromHost !== undefined || name !== '__module__') return fromHost;
  // every Python class has a module: this one (a host value's type) does not say which
  throw new Unsupported(`__module__ of '${cls.name}'`, rt.line);
}

/** super() looks past `startAfter` in the instance's MRO; past the last interpreted class lies the host base. */
function superAttribute(rt: Runtime, proxy: PySuper, name: string): Value | undefined {
  const cls = proxy.self instanceof PyClass ? proxy.self : (proxy.self as PyInstance).cls;
  const mro = cls.mro;
  for (const candidate of mro.slice(mro.indexOf(proxy.startAfter) + 1)) {
    if (candidate.attrs.has(name)) return bind(candidate.attrs.get(name)!, proxy.self, cls);
  }
  const hostBase = cls.hostBase?.hooks.subclass;
  const self = proxy.self as PyInstance;
  if (name === '__init__') {
    // object.__init__, BaseException.__init__ (which keeps the arguments), list's or dict's, or the host base's
    return new BuiltinFunction('__init__', (args, kwargs) => {
      if (isException(self)) self.attrs.set('args', new PyTuple(args));
      if (self.builtinValue) initBuiltinValue(rt, self, args, kwargs);
      hostBase?.init?.(self, args, kwargs, rt.api);
      return null;
    });
  }
  return hostBase?.getattr?.(self, name, rt.api) ?? (self instanceof PyInstance ? builtinBaseMember(rt, self, name) : undefined);
}

function bind(member: Value, self: Value, cls: PyClass): Value {
  if (member instanceof Decorated) {
    if (member.kind === 'staticmethod') return member.fn;
    if (member.kind === 'classmethod') return new BoundMethod(cls, member.fn);
    return member.fn;
  }
  const isMethod = member instanceof PyFunction || (member instanceof BuiltinFunction && member.isMethod);
  return isMethod ? new BoundMethod(self, member) : member;
}

function dictOf(attrs: Map<string, Value>): PyDict {
  const dict = new PyDict();
  for (const [key, value] of attrs) dict.set(key, value);
  return dict;
}

export function setAttribute(rt: Runtime, target: Value, name: string, value: Value): void {
  if (target instanceof PyInstance) return setInstanceAttribute(rt, target, name, value);
  if (target instanceof PyClass) return void target.attrs.set(name, value);
  if (target instanceof PyModule) return void target.attrs.set(name, value);
  if (target instanceof HostObject && target.hooks.setattr) return target.hooks.setattr(name, value, rt.api);
  throw pyError('AttributeError', `'${typeName(target)}' object attribute '${name}' is read-only`);
}

function setInstanceAttribute(rt: Runtime, self: PyInstance, name: string, value: Value): void {
  const fromClass = self.cls.lookup(name);
  if (fromClass instanceof Decorated && fromClass.kind === 'property') {
    if (!fromClass.setter) throw pyError('AttributeError', `property '${name}' of '${self.cls.name}' object has no setter`);
    callValue(rt, fromClass.setter, [self, value]);
    return;
  }
  if (self.cls.hostBase?.hooks.subclass?.setattr?.(self, name, value, rt.api)) return;
  self.attrs.set(name, value);
}

export function callValue(rt: Runtime, fn: Value, args: Value[], kwargs: Kwargs = noKwargs): Value {
  if (rt.depth >= maxCallDepth) throw pyError('RecursionError', 'maximum recursion depth exceeded');
  rt.depth++;
  try {
    return dispatchCall(rt, fn, args, kwargs);
  } finally {
    rt.depth--;
  }
}

function dispatchCall(rt: Runtime, fn: Value, args: Value[], kwargs: Kwargs): Value {
  if (fn instanceof PyFunction) return callFunction(rt, fn, args, kwargs);
  if (fn instanceof BuiltinFunction) return fn.fn(args, kwargs, rt.api);
  if (fn instanceof BoundMethod) return callValue(rt, fn.fn, [fn.self, ...args], kwargs);
  if (fn instanceof PyClass) return instantiate(rt, fn, args, kwargs);
  if (fn instanceof HostObject && fn.hooks.call) return fn.hooks.call(args, kwargs, rt.api);
  if (fn instanceof PyInstance) {
    const dunder = findAttribute(rt, fn, '__call__');
    if (dunder !== undefined) {
      const result = callValue(rt, dunder, args, kwargs);
      // a callable object's result (a layer's output) is a value of the line that built the object, where a wrong
      // constructor argument would be
      if (fn.builtAt !== undefined) rt.onRecord?.(fn.builtAt, `<${fn.cls.name}>`, result);
      return result;
    }
  }
  throw pyError('TypeError', `'${typeName(fn)}' object is not callable`);
}

function instantiate(rt: Runtime, cls: PyClass, args: Value[], kwargs: Kwargs): Value {
  const instance = new PyInstance(cls);
  instance.builtAt = rt.line;
  const isError = isException(instance);
  if (isError) instance.attrs.set('args', new PyTuple(args));
  if (cls.builtinBase) instance.builtinValue = cls.builtinBase === 'list' ? new PyList([]) : new PyDict();
  const init = cls.lookup('__init__');
  if (init !== undefined) callValue(rt, bind(init, instance, cls), args, kwargs);
  else if (instance.builtinValue) initBuiltinValue(rt, instance, args, kwargs);
  else if (cls.hostBase?.hooks.subclass?.init) cls.hostBase.hooks.subclass.init(instance, args, kwargs, rt.api);
  else if (!isError && (args.length || kwargs.size)) throw pyError('TypeError', `${cls.name}() takes no arguments`);
  return instance;
}

/** A method an instance's class defines (e.g. __len__), bound, or undefined. */
export function dunder(rt: Runtime, value: Value, name: string): Value | undefined {
  if (!(value instanceof PyInstance)) return undefined;
  const member = value.cls.lookup(name);
  if (member !== undefined) return bind(member, value, value.cls);
  return value.cls.hostBase?.hooks.subclass?.getattr?.(value, name, rt.api) ?? builtinBaseMember(rt, value, name);
}

/** list.__init__(iterable) replaces the items; dict.__init__(mapping or pairs, **kwargs) adds entries. */
function initBuiltinValue(rt: Runtime, self: PyInstance, args: Value[], kwargs: Kwargs): void {
  const base = self.builtinValue!;
  if (base instanceof PyList) {
    if (args.length > 1 || kwargs.size) throw pyError('TypeError', 'list expected at most 1 argument');
    base.items = args.length ? [...iterate(rt, args[0])] : [];
    return;
  }
  if (args.length > 1) throw pyError('TypeError', `dict expected at most 1 argument, got ${args.length}`);
  callValue(rt, builtinMethod(rt, base, 'update')!, args, kwargs);
}

/** The protocols a list or dict subclass inherits, each working on the list or dict the instance is. */
const builtinBaseProtocols: Record<string, (rt: Runtime, base: PyList | PyDict, args: Value[]) => Value> = {
  __getitem__: (rt, base, [key]) => getItem(rt, base, key),
  __setitem__: (rt, base, [key, value]) => (setItem(rt, base, key, value), null),
  __delitem__: (rt, base, [key]) => (deleteItem(rt, base, key), null),
  __iter__: (rt, base) => new PyIterator(iterate(rt, base)),
  __len__: (rt, base) => length(rt, base),
  __contains__: (rt, base, [item]) => contains(rt, base, item),
  __eq__: (rt, base, [other]) => equals(rt, base, other instanceof PyInstance && other.builtinValue ? other.builtinValue : other),
  __repr__: (rt, base) => rt.api.repr(base),
  // list + list and list * n give plain lists, as they do for subclasses in Python
  __add__: (rt, base, [other]) => binaryOp(rt, '+', base, other),
  __mul__: (rt, base, [other]) => binaryOp(rt, '*', base, other),
  __rmul__: (rt, base, [other]) => binaryOp(rt, '*', other, base),
};

/** A member of an instance's builtin base (list or dict): a protocol (__getitem__, ...) or a method (append, items). */
function builtinBaseMember(rt: Runtime, self: PyInstance, name: string): Value | undefined {
  const base = self.builtinValue;
  if (!base) return undefined;
  const protocol = Object.hasOwn(builtinBaseProtocols, name) ? builtinBaseProtocols[name] : undefined;
  if (protocol) return new BuiltinFunction(name, (args) => protocol(rt, base, args));
  return builtinMethod(rt, base, name);
}

export function getItem(rt: Runtime, target: Value, key: Value): Value {
  if (target instanceof PyList || target instanceof PyTuple || typeof target === 'string') return sequenceItem(target, key);
  if (target instanceof PyDict) {
    const found = target.get(key);
    if (found === undefined) throw keyError(key);
    return found;
  }
  if (target instanceof PyRange) return rangeItem(target, key);
  if (target instanceof HostObject && target.hooks.getitem) return target.hooks.getitem(key, rt.api);
  const method = dunder(rt, target, '__getitem__');
  if (method !== undefined) return callValue(rt, method, [key]);
  if (target instanceof PyClass) return target; // typing-style subscripts (list[int]) only annotate
  throw pyError('TypeError', `'${typeName(target)}' object is not subscriptable`);
}

/** KeyError carries the key itself, not a message. */
export function keyError(key: Value): PyError {
  const exception = makeException('KeyError', '');
  exception.attrs.set('args', new PyTuple([key]));
  return new PyError(exception);
}

function sequenceItem(target: PyList | PyTuple | string, key: Value): Value {
  const items = typeof target === 'string' ? [...target] : target.items;
  if (key instanceof PySlice) {
    const picked = sliceIndices(key, items.length).map((i) => items[i]);
    if (typeof target === 'string') return picked.join('');
    return target instanceof PyList ? new PyList(picked) : new PyTuple(picked);
  }
  return items[normalizeIndex(key, items.length, typeName(target))];
}

function rangeItem(range: PyRange, key: Value): Value {
  if (key instanceof PySlice) return new PyList(sliceIndices(key, range.length).map((i) => range.at(i)));
  return range.at(normalizeIndex(key, range.length, 'range object'));
}

export function normalizeIndex(key: Value, length: number, what: string): number {
  const number = numberOf(key);
  if (!number || number.isFloat) throw pyError('TypeError', `${what} indices must be integers or slices, not ${typeName(key)}`);
  const index = number.value < 0 ? number.value + length : number.value;
  if (index < 0 || index >= length) throw pyError('IndexError', `${what} index out of range`);
  return index;
}

/** The indices a slice selects from a sequence of `length`, with Python's clamping and negative steps. */
export function sliceIndices(slice: PySlice, length: number): number[] {
  const step = slice.step === null ? 1 : integer(slice.step);
  if (step === 0) throw pyError('ValueError', 'slice step cannot be zero');
  const clamp = (value: Value, fallback: number, low: number, high: number) => {
    if (value === null) return fallback;
    const index = integer(value);
    return Math.min(Math.max(index < 0 ? index + length : index, low), high);
  };
  const start = step > 0 ? clamp(slice.start, 0, 0, length) : clamp(slice.start, length - 1, -1, length - 1);
  const stop = step > 0 ? clamp(slice.stop, length, 0, length) : clamp(slice.stop, -1, -1, length - 1);
  const indices: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) indices.push(i);
  return indices;
}

function integer(value: Value): number {
  const number = numberOf(value);
  if (!number || number.isFloat) throw pyError('TypeError', `slice indices must be integers or None, not ${typeName(value)}`);
  return number.value;
}

export function setItem(rt: Runtime, target: Value, key: Value, value: Value): void {
  if (target instanceof PyList) {
    if (key instanceof PySlice) return assignSlice(rt, target, key, value);
    target.items[normalizeIndex(key, target.items.length, 'list assignment')] = value;
    return;
  }
  if (target instanceof PyDict) return target.set(key, value);
  if (target instanceof HostObject && target.hooks.setitem) return target.hooks.setitem(key, value, rt.api);
  const method = dunder(rt, target, '__setitem__');
  if (method !== undefined) return void callValue(rt, method, [key, value]);
  throw pyError('TypeError', `'${typeName(target)}' object does not support item assignment`);
}

function assignSlice(rt: Runtime, list: PyList, slice: PySlice, value: Value): void {
  const replacement = [...iterate(rt, value)];
  if (slice.step !== null && slice.step !== 1) {
    const indices = sliceIndices(slice, list.items.length);
    if (indices.length !== replacement.length) throw pyError('ValueError', 'attempt to assign sequence of wrong size to extended slice');
    indices.forEach((index, i) => (list.items[index] = replacement[i]));
    return;
  }
  const indices = sliceIndices(new PySlice(slice.start, slice.stop, 1), list.items.length);
  const start = indices.length ? indices[0] : sliceIndices(new PySlice(slice.start, null, 1), list.items.length)[0] ?? list.items.length;
  list.items.splice(start, indices.length, ...replacement);
}

export function deleteItem(rt: Runtime, target: Value, key: Value): void {
  if (target instanceof PyList) {
    const indices = key instanceof PySlice ? sliceIndices(key, target.items.length) : [normalizeIndex(key, target.items.length, 'list')];
    const doomed = new Set(indices);
    target.items = target.items.filter((_, i) => !doomed.has(i));
    return;
  }
  if (target instanceof PyDict) {
    if (!target.delete(key)) throw keyError(key);
    return;
  }
  const method = dunder(rt, target, '__delitem__');
  if (method !== undefined) return void callValue(rt, method, [key]);
  throw pyError('TypeError', `'${typeName(target)}' object does not support item deletion`);
}

/** The (key, value) pairs of a mapping, as dict() and ** read one: a dict's entries, else keys() and [] of an object
 *  that has keys() (a dict subclass); undefined for anything else. */
export function mappingItems(rt: Runtime, value: Value): Array<[Value, Value]> | undefined {
  if (value instanceof PyDict) return [...value.entries.values()];
  if (!(value instanceof PyInstance) || !hasAttribute(rt, value, 'keys')) return undefined;
  return [...iterate(rt, callValue(rt, getAttribute(rt, value, 'keys'), []))].map((key) => [key, getItem(rt, value, key)]);
}

/** Python iteration, lazily: lists are walked by index so that appends during the loop are seen, as in Python. */
export function* iterate(rt: Runtime, value: Value): Generator<Value> {
  if (value instanceof PyList) {
    for (let i = 0; i < value.items.length; i++) yield value.items[i];
  } else if (value instanceof PyTuple) yield* value.items;
  else if (typeof value === 'string') yield* value;
  else if (value instanceof PyDict) yield* value.keys();
  else if (value instanceof PySet) yield* [...value.entries.values()];
  else if (value instanceof PyRange) for (let i = 0; i < value.length; i++) yield value.at(i);
  else if (value instanceof PyIterator) yield* { [Symbol.iterator]: () => value.source };
  else if (value instanceof HostObject && value.hooks.iterate) yield* value.hooks.iterate(rt.api);
  else {
    const method = dunder(rt, value, '__iter__');
    if (method === undefined) throw pyError('TypeError', `'${typeName(value)}' object is not iterable`);
    yield* iterate(rt, callValue(rt, method, []));
  }
}

export function length(rt: Runtime, value: Value): number {
  if (value instanceof PyList || value instanceof PyTuple) return value.items.length;
  if (typeof value === 'string') return [...value].length;
  if (value instanceof PyDict || value instanceof PySet) return value.entries.size;
  if (value instanceof PyRange) return value.length;
  if (value instanceof HostObject && value.hooks.len) return value.hooks.len(rt.api);
  const method = dunder(rt, value, '__len__');
  if (method !== undefined) return numberOf(callValue(rt, method, []))?.value ?? 0;
  throw pyError('TypeError', `object of type '${typeName(value)}' has no len()`);
}

export function isPyErrorOf(error: unknown, typeName: string): boolean {
  return error instanceof PyError && error.exception.cls.isSubclassOf(exceptionClasses.get(typeName)!);
}
