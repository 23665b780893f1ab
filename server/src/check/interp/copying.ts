// The copy module: copy.copy and copy.deepcopy of the values model code copies (layers cloned N times). Containers
// and interpreted instances are copied, deepcopy keeping shared references shared through its memo (tied weights stay
// tied); functions, classes and other immutable values are atoms, as in Python; host values copy themselves through
// __copy__/__deepcopy__, and what cannot be copied here is unsupported rather than shared by mistake.
import { identity } from './builtins';
import { callValue, dunder, getAttribute, hasAttribute, iterate } from './objects';
import type { Runtime } from './runtime';
import {
  BoundMethod, BuiltinFunction, Decorated, HostObject, PyClass, PyDict, PyEllipsis, PyFloat, PyFunction, PyInstance,
  PyList, PyModule, PyRange, PySet, PySlice, PyTuple, Unsupported, typeName, type Value,
} from './values';

export function copyModule(rt: Runtime): PyModule {
  const copy = new BuiltinFunction('copy', ([value]) => shallowCopy(rt, value));
  const deepcopy = new BuiltinFunction('deepcopy', ([value, memo = null]) => deepCopy(rt, value, memo instanceof PyDict ? memo : new PyDict()));
  return new PyModule('copy', new Map<string, Value>([['copy', copy], ['deepcopy', deepcopy]]));
}

function isAtom(value: Value): boolean {
  return value === null || typeof value !== 'object' || value instanceof PyFloat || value instanceof PyRange || value instanceof PySlice
    || value instanceof PyEllipsis || value instanceof PyFunction || value instanceof BuiltinFunction || value instanceof PyClass
    || value instanceof Decorated;
}

function shallowCopy(rt: Runtime, value: Value): Value {
  if (isAtom(value) || value instanceof PyTuple || (value instanceof PySet && value.frozen)) return value;
  if (value instanceof PyList) return new PyList([...value.items]);
  if (value instanceof PySet) return new PySet(value.entries.values());
  if (value instanceof PyDict) return copyDict(value);
  const custom = customCopy(rt, value, '__copy__');
  if (custom) return callValue(rt, custom, []);
  if (value instanceof PyInstance && !value.cls.hostBase) return copyInstance(value);
  throw new Unsupported(`copy.copy of '${typeName(value)}'`, rt.line);
}

function deepCopy(rt: Runtime, value: Value, memo: PyDict): Value {
  if (isAtom(value)) return value;
  const key = identity(value);
  const seen = memo.get(key);
  if (seen !== undefined) return seen;
  const copy = deepCopyUnseen(rt, value, memo, (made) => memo.set(key, made));
  memo.set(key, copy);
  return copy;
}

/** `remember` records a container's copy before its items are copied, so that a cycle or shared item finds it. */
function deepCopyUnseen(rt: Runtime, value: Value, memo: PyDict, remember: (copy: Value) => void): Value {
  const inner = (v: Value) => deepCopy(rt, v, memo);
  if (value instanceof PyList) {
    const copy = new PyList([]);
    remember(copy);
    copy.items = value.items.map(inner);
    return copy;
  }
  if (value instanceof PyDict) {
    const copy = new PyDict();
    remember(copy);
    for (const [k, v] of value.entries.values()) copy.set(inner(k), inner(v));
    return copy;
  }
  if (value instanceof PyTuple) {
    const items = value.items.map(inner);
    return items.every((item, i) => item === value.items[i]) ? value : new PyTuple(items);
  }
  if (value instanceof PySet) return new PySet([...iterate(rt, value)].map(inner), value.frozen);
  if (value instanceof BoundMethod) return new BoundMethod(inner(value.self), value.fn);
  const custom = customCopy(rt, value, '__deepcopy__');
  if (custom) return callValue(rt, custom, [memo]);
  if (value instanceof PyInstance && !value.cls.hostBase) {
    const copy = new PyInstance(value.cls);
    remember(copy);
    for (const [name, item] of value.attrs) copy.attrs.set(name, inner(item));
    if (value.builtinValue) copy.builtinValue = inner(value.builtinValue) as PyList | PyDict;
    return copy;
  }
  throw new Unsupported(`copy.deepcopy of '${typeName(value)}'`, rt.line);
}

/** A class's or host value's own __copy__/__deepcopy__, bound. */
function customCopy(rt: Runtime, value: Value, name: string): Value | undefined {
  if (value instanceof PyInstance) return dunder(rt, value, name);
  if (value instanceof HostObject && hasAttribute(rt, value, name)) return getAttribute(rt, value, name);
  return undefined;
}

function copyDict(dict: PyDict): PyDict {
  const copy = new PyDict();
  for (const [k, v] of dict.entries.values()) copy.set(k, v);
  return copy;
}

/** A new instance of the same class sharing the attribute values (and the items of a list or dict subclass). */
function copyInstance(instance: PyInstance): PyInstance {
  const copy = new PyInstance(instance.cls);
  for (const [name, value] of instance.attrs) copy.attrs.set(name, value);
  const base = instance.builtinValue;
  if (base) copy.builtinValue = base instanceof PyList ? new PyList([...base.items]) : copyDict(base);
  return copy;
}
