// flax.nnx's object model as interpreted classes built here: Module (eval/train set `deterministic` and
// `use_running_average` on every submodule that has them), Variable/Param/BatchStat holding arrays (`v[...]`,
// `.value`), List/Dict/Sequential containers, Rngs handing out opaque keys, and clone.
import {
  BuiltinFunction, Decorated, HostObject, PyClass, PyDict, PyEllipsis, PyInstance, PyIterator, PyList, PySlice, PyTuple,
  objectClass, pyError, type InterpreterApi, type Kwargs, type Value,
} from '../../interp';
import { normalizeIndex, sliceIndices } from '../../interp/objects';
import { getIndex, setIndex } from '../../trace/indexing';
import * as ops from '../../trace/ops';
import { indexOf } from './array';
import { items } from '../../trace/args';
import { type JaxContext } from './context';
import { missingApi } from '../../trace/modules';

type Method = (self: PyInstance, args: Value[], kwargs: Kwargs, api: InterpreterApi) => Value;

export function method(name: string, fn: Method): BuiltinFunction {
  return new BuiltinFunction(name, ([self, ...args], kwargs, api) => fn(self as PyInstance, args, kwargs, api), true);
}

export function makeClass(name: string, bases: PyClass[], members: Record<string, Value>): PyClass {
  return new PyClass(name, bases, new Map(Object.entries(members)));
}

/** The classes other parts of the host need to recognise. */
export interface NnxCore {
  Module: PyClass;
  Variable: PyClass;
  Param: PyClass;
  BatchStat: PyClass;
  List: PyClass;
  Dict: PyClass;
  Sequential: PyClass;
  /** a new Variable of `cls` holding `value` */
  variable(cls: PyClass, value: Value): PyInstance;
}

export function variableValue(v: PyInstance): Value {
  return (v.hostState as { value: Value }).value;
}

export function createCore(ctx: JaxContext): NnxCore {
  const setValue = (v: PyInstance, value: Value) => (v.hostState = { value: ctx.symOf(value) || value === null ? value : ctx.wrap(ctx.toSym(value)) });
  const Variable = makeClass('Variable', [objectClass], {
    __init__: method('__init__', (self, [value = null]) => (setValue(self, value), null)),
    __getitem__: method('__getitem__', (self, [key]) => (key instanceof PyEllipsis ? variableValue(self) : ctx.wrap(getIndex(ctx.t, arrayOf(self), indexOf(ctx, key))))),
    __setitem__: method('__setitem__', (self, [key, value]) => {
      if (key instanceof PyEllipsis) return replaceAll(self, value), null;
      const x = arrayOf(self);
      return setValue(self, ctx.wrap(setIndex(ctx.t, x, indexOf(ctx, key), ctx.toSym(value, x.dtype), 'set'))), null;
    }),
    value: new Decorated('property', method('value', (self) => variableValue(self)), method('value', (self, [value]) => (setValue(self, value), null))),
    shape: new Decorated('property', method('shape', (self, _, __, api) => api.getattr(variableValue(self), 'shape'))),
    dtype: new Decorated('property', method('dtype', (self, _, __, api) => api.getattr(variableValue(self), 'dtype'))),
    ndim: new Decorated('property', method('ndim', (self, _, __, api) => api.getattr(variableValue(self), 'ndim'))),
    __repr__: method('__repr__', (self, _, __, api) => `${self.cls.name}(value=${api.repr(variableValue(self))})`),
  });
  const arrayOf = (v: PyInstance) => ctx.toSym(variableValue(v));
  // v[...] = x writes into the array it holds: x is cast to its dtype and must broadcast to its shape
  const replaceAll = (v: PyInstance, value: Value) => {
    const old = ctx.symOf(variableValue(v));
    if (!old) return setValue(v, value);
    const written = ops.expand(ctx.t, ctx.toSym(value, old.dtype), old.shape);
    if (written.shape.join() !== old.shape.join()) throw pyError('ValueError', `cannot broadcast shape [${ctx.toSym(value).shape}] to [${old.shape}]`);
    return setValue(v, ctx.wrap(written));
  };
  const variable = (cls: PyClass, value: Value) => {
    const v = new PyInstance(cls);
    setValue(v, value);
    return v;
  };
  const Module = makeClass('Module', [objectClass], {
    __init__: method('__init__', () => null),
    eval: method('eval', (self, _, kwargs) => setAttributes(self, Module, new Map([['deterministic', true], ['use_running_average', true], ...kwargs]))),
    train: method('train', (self, _, kwargs) => setAttributes(self, Module, new Map([['deterministic', false], ['use_running_average', false], ...kwargs]))),
    set_attributes: method('set_attributes', (self, _, kwargs) => setAttributes(self, Module, new Map([...kwargs].filter(([k]) => k !== 'raise_if_not_found')))),
  });
  const List = makeClass('List', [Module], listMembers());
  const Dict = makeClass('Dict', [Module], dictMembers());
  const Sequential = makeClass('Sequential', [Module], {
    __init__: method('__init__', (self, fns) => (self.attrs.set('layers', newList(List, fns)), null)),
    __call__: method('__call__', (self, args, kwargs, api) => callSequential(api, listItems(self.attrs.get('layers') as PyInstance), args, kwargs)),
  });
  const sub = (name: string) => makeClass(name, [Variable], {});
  return { Module, Variable, Param: sub('Param'), BatchStat: sub('BatchStat'), List, Dict, Sequential, variable };
}

function newList(List: PyClass, values: readonly Value[]): PyInstance {
  const list = new PyInstance(List);
  list.attrs.set('_items', new PyList([...values]));
  return list;
}

function listItems(list: PyInstance): Value[] {
  return (list.attrs.get('_items') as PyList).items;
}

function listMembers(): Record<string, Value> {
  const itemsOf = listItems;
  return {
    __init__: method('__init__', (self, [values]) => (self.attrs.set('_items', new PyList(values === undefined ? [] : [...iterateValues(values)])), null)),
    __getitem__: method('__getitem__', (self, [key]) => {
      const all = itemsOf(self);
      return key instanceof PySlice ? new PyList(sliceIndices(key, all.length).map((i) => all[i])) : all[normalizeIndex(key, all.length, 'List')];
    }),
    __setitem__: method('__setitem__', (self, [key, value]) => (itemsOf(self)[normalizeIndex(key, itemsOf(self).length, 'List')] = value, null)),
    __len__: method('__len__', (self) => itemsOf(self).length),
    __iter__: method('__iter__', (self) => new PyList([...itemsOf(self)])),
    append: method('append', (self, [value]) => (itemsOf(self).push(value), null)),
    extend: method('extend', (self, [values]) => (itemsOf(self).push(...iterateValues(values)), null)),
  };
}

/** The items of a list, tuple or iterator (a generator expression), as List() and extend() take them. */
function iterateValues(values: Value): Value[] {
  if (values instanceof PyIterator) return [...{ [Symbol.iterator]: () => values.source }];
  if (values instanceof PyInstance && values.attrs.get('_items') instanceof PyList) return [...listItems(values)];
  return [...items(values)];
}

function dictMembers(): Record<string, Value> {
  const entries = (self: PyInstance) => [...self.attrs].filter(([k]) => !k.startsWith('_'));
  return {
    __init__: method('__init__', (self, [mapping], kwargs) => {
      if (mapping instanceof PyDict) for (const k of mapping.keys()) self.attrs.set(String(k), mapping.get(k)!);
      for (const [k, v] of kwargs) self.attrs.set(k, v);
      return null;
    }),
    __getitem__: method('__getitem__', (self, [key]) => {
      if (!self.attrs.has(String(key))) throw pyError('KeyError', String(key));
      return self.attrs.get(String(key))!;
    }),
    __setitem__: method('__setitem__', (self, [key, value]) => (self.attrs.set(String(key), value), null)),
    __contains__: method('__contains__', (self, [key]) => self.attrs.has(String(key))),
    __len__: method('__len__', (self) => entries(self).length),
    __iter__: method('__iter__', (self) => new PyList(entries(self).map(([k]) => k))),
    keys: method('keys', (self) => new PyList(entries(self).map(([k]) => k))),
    values: method('values', (self) => new PyList(entries(self).map(([, v]) => v))),
    items: method('items', (self) => new PyList(entries(self).map(([k, v]) => new PyTuple([k, v])))),
    get: method('get', (self, [key, fallback = null]) => self.attrs.get(String(key)) ?? fallback),
  };
}

/** nnx.Sequential.__call__: a tuple output is spread into the next call, a dict passed as keywords. */
function callSequential(api: InterpreterApi, layers: Value[], args: Value[], kwargs: Kwargs): Value {
  if (!layers.length) return args.length === 1 ? args[0] : new PyTuple(args);
  let output: Value = null;
  layers.forEach((layer, i) => {
    if (i > 0) {
      args = output instanceof PyTuple ? [...output.items] : output instanceof PyDict ? [] : [output];
      kwargs = output instanceof PyDict ? new Map(output.keys().map((k) => [String(k), output instanceof PyDict ? output.get(k)! : null])) : new Map();
    }
    const call = new Map([...kwargs].filter(([k]) => k !== 'rngs'));
    output = api.call(layer, args, call);
  });
  return output;
}

/** Every module reachable from `root` (itself included), through attributes, lists, tuples and dicts. */
export function* modulesOf(root: PyInstance, Module: PyClass, seen = new Set<PyInstance>()): Generator<PyInstance> {
  if (seen.has(root)) return;
  seen.add(root);
  yield root;
  for (const value of root.attrs.values()) yield* nested(value, Module, seen);
}

function* nested(value: Value, Module: PyClass, seen: Set<PyInstance>): Generator<PyInstance> {
  if (value instanceof PyInstance && value.cls.isSubclassOf(Module)) yield* modulesOf(value, Module, seen);
  else if (value instanceof PyList || value instanceof PyTuple) for (const item of value.items) yield* nested(item, Module, seen);
  else if (value instanceof PyDict) for (const key of value.keys()) yield* nested(value.get(key)!, Module, seen);
}

/** nnx's set_attributes without filters: each given attribute is set on every module that already has it. */
function setAttributes(self: PyInstance, Module: PyClass, attributes: Map<string, Value>): null {
  for (const module of modulesOf(self, Module)) {
    for (const [name, value] of attributes) if (module.attrs.has(name)) module.attrs.set(name, value);
  }
  return null;
}

/** nnx.clone: a deep copy of modules, variables and containers; arrays are immutable and shared. */
export function cloneValue(value: Value, memo = new Map<object, Value>()): Value {
  if (value === null || typeof value !== 'object') return value;
  if (memo.has(value)) return memo.get(value)!;
  if (value instanceof PyInstance) {
    const copy = new PyInstance(value.cls);
    memo.set(value, copy);
    for (const [k, v] of value.attrs) copy.attrs.set(k, cloneValue(v, memo));
    const state = value.hostState as { value?: Value } | undefined;
    copy.hostState = state && 'value' in state ? { value: state.value } : state;
    return copy;
  }
  if (value instanceof PyList) return new PyList(value.items.map((v) => cloneValue(v, memo)));
  if (value instanceof PyTuple) return new PyTuple(value.items.map((v) => cloneValue(v, memo)));
  return value;
}

/** nnx.Rngs: streams by any name (rngs.params(), rngs.dropout(), rngs()) return opaque keys. */
export function createRngs(): HostObject {
  const key = new HostObject('PRNGKey', { repr: () => 'PRNGKey' });
  const stream: HostObject = new HostObject('RngStream', {
    call: () => key,
    getattr: (name) => (name === 'fork' ? new HostObject('fork', { call: () => stream }) : name.startsWith('_') ? undefined : missingApi(`RngStream.${name}`)),
  });
  const rngs = new HostObject('Rngs', { call: () => key, getattr: (name) => (name.startsWith('_') ? undefined : stream), getitem: () => stream });
  return new HostObject('nnx.Rngs', { call: () => rngs, instancecheck: (value) => value === rngs });
}

/** A variable of the model's state, by the dotted path `nnx.state(model)` gives it (`blocks.0.linear.kernel`). */
export interface StateVariable {
  path: string;
  variable: PyInstance;
}

/** nnx.state(model) without the rng streams: every Variable reachable from `root`, in nnx's order (keys sorted, list
 *  indices as numbers); a variable reachable by two paths (a tied weight) is listed once, by the first. */
export function stateVariables(root: PyInstance, core: NnxCore): StateVariable[] {
  const found: Array<{ keys: string[]; variable: PyInstance }> = [];
  const visit = (value: Value, keys: string[], seen: Set<PyInstance>) => {
    if (!(value instanceof PyInstance) || seen.has(value)) return;
    if (value.cls.isSubclassOf(core.Variable)) return void found.push({ keys, variable: value });
    if (!value.cls.isSubclassOf(core.Module)) return;
    const inner = new Set(seen).add(value);
    const children: Array<[string, Value]> = value.cls.isSubclassOf(core.List) ? listItems(value).map((v, i) => [String(i), v]) : [...value.attrs];
    for (const [key, child] of children) visit(child, [...keys, key], inner);
  };
  visit(root, [], new Set());
  found.sort((a, b) => compareKeys(a.keys, b.keys));
  const listed = new Set<PyInstance>();
  return found.filter(({ variable }) => !listed.has(variable) && listed.add(variable)).map(({ keys, variable }) => ({ path: keys.join('.'), variable }));
}

function compareKeys(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x, y] = [a[i], b[i]];
    if (x === y) continue;
    const numeric = /^\d+$/.test(x) && /^\d+$/.test(y);
    return numeric ? Number(x) - Number(y) : x < y ? -1 : 1;
  }
  return a.length - b.length;
}
