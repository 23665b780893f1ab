// Builtin functions and the modules the interpreter provides itself (math, dataclasses, typing, functools, copy...).
import { copyModule } from './copying';
import { fixedHalfEven, formatWithSpec, repr as reprOf, str as strOf } from './format';
import { sortValues } from './methods';
import { callValue, dunder, getAttribute, hasAttribute, iterate, length, mappingItems, setAttribute } from './objects';
import { binaryOp, truthy } from './operators';
import type { Runtime } from './runtime';
import {
  BoundMethod, BuiltinFunction, Decorated, HostObject, PyClass, PyDict, PyEllipsis, PyFloat, PyFunction, PyInstance, PyIterator, PyList, PyModule, PyRange,
  PySet, PySlice, PyTuple, builtinsModuleMembers, exceptionClasses, float, objectClass, objectId, numberOf, pyError, typeName, type Kwargs, type Value,
} from './values';

type Fn = (args: Value[], kwargs: Kwargs) => Value;

export function createBuiltins(rt: Runtime): Map<string, Value> {
  const builtins = new Map<string, Value>();
  const define = (name: string, fn: Fn) => builtins.set(name, new BuiltinFunction(name, fn));
  const constructors = typeConstructors(rt);
  for (const [name, check] of Object.entries(typeChecks)) {
    const constructor = new BuiltinFunction(name, constructors[name]);
    builtins.set(name, constructor);
    builtinTypes.set(constructor, check);
  }
  define('len', ([value]) => length(rt, value));
  define('range', (args) => makeRange(args));
  define('enumerate', ([items, start = 0], kwargs) => lazy(enumerate(rt, items, asInt(kwargs.get('start') ?? start))));
  define('zip', (args) => lazy(zip(rt, args)));
  define('map', ([fn, ...sources]) => lazy(mapValues(rt, fn, sources)));
  define('filter', ([fn, items]) => lazy(filterValues(rt, fn, items)));
  define('sum', ([items, start = 0]) => [...iterate(rt, items)].reduce((total, item) => binaryOp(rt, '+', total, item), start));
  define('min', (args, kwargs) => extreme(rt, args, kwargs, '<'));
  define('max', (args, kwargs) => extreme(rt, args, kwargs, '>'));
  define('abs', ([value]) => absolute(rt, value));
  define('round', ([value, digits = null]) => round(value, digits));
  define('divmod', ([a, b]) => new PyTuple([binaryOp(rt, '//', a, b), binaryOp(rt, '%', a, b)]));
  define('pow', ([a, b]) => binaryOp(rt, '**', a, b));
  define('sorted', ([items], kwargs) => new PyList(sortValues(rt, [...iterate(rt, items)], kwargs)));
  define('reversed', ([items]) => lazy([...iterate(rt, items)].reverse()[Symbol.iterator]()));
  define('any', ([items]) => [...iterate(rt, items)].some((item) => truthy(rt, item)));
  define('all', ([items]) => [...iterate(rt, items)].every((item) => truthy(rt, item)));
  define('iter', ([items]) => lazy(iterate(rt, items)));
  define('next', ([iterator, fallback]) => nextValue(iterator, fallback));
  define('print', (args, kwargs) => print(rt, args, kwargs));
  define('repr', ([value]) => display(rt, value, 'repr'));
  define('isinstance', ([value, classes]) => isInstance(rt, value, classes));
  define('issubclass', ([cls, classes]) => classList(classes).some((c) => isSubclass(cls, c)));
  define('hasattr', ([target, name]) => hasAttribute(rt, target, name as string));
  define('getattr', ([target, name, fallback]) => (fallback === undefined || hasAttribute(rt, target, name as string) ? getAttribute(rt, target, name as string) : fallback));
  define('setattr', ([target, name, value]) => (setAttribute(rt, target, name as string, value), null));
  define('callable', ([value]) => isCallable(rt, value));
  define('vars', ([value]) => variables(value));
  define('id', ([value]) => identity(value));
  const otherTypes = new Map<string, PyClass>();
  const typeNamed = (name: string) => otherTypes.get(name) ?? otherTypes.set(name, new PyClass(name, [objectClass], new Map())).get(name)!;
  // types without a builtin name (function, NoneType, module, host values) are classes that carry their name; all but
  // the host values' are types of the builtins module
  define('type', ([value]) => {
    if (value instanceof PyInstance) return value.cls;
    const type = builtins.get(typeName(value)) ?? typeNamed(typeName(value));
    if (!(value instanceof HostObject)) builtinsModuleMembers.add(type as PyClass);
    return type;
  });
  define('ord', ([char]) => (char as string).codePointAt(0) ?? 0);
  define('chr', ([code]) => String.fromCodePoint(asInt(code)));
  define('format', ([value, spec = '']) => formatWithSpec(value, spec as string, (v) => display(rt, v, 'str')));
  define('slice', (args) => (args.length === 1 ? new PySlice(null, args[0], null) : new PySlice(args[0], args[1], args[2] ?? null)));
  define('property', ([getter]) => new Decorated('property', getter));
  define('staticmethod', ([fn]) => new Decorated('staticmethod', fn));
  define('classmethod', ([fn]) => new Decorated('classmethod', fn));
  builtins.set('object', objectClass);
  builtins.set('NotImplemented', new PyInstance(new PyClass('NotImplementedType', [], new Map())));
  builtins.set('Ellipsis', PyEllipsis.instance);
  for (const [name, cls] of exceptionClasses) builtins.set(name, cls);
  for (const member of builtins.values()) if (member instanceof BuiltinFunction || member instanceof PyClass) builtinsModuleMembers.add(member);
  return builtins;
}

/** The builtin type functions (int, str, ...) and how isinstance recognises their instances. */
const builtinTypes = new WeakMap<BuiltinFunction, (value: Value) => boolean>();

export function isBuiltinType(value: Value): value is BuiltinFunction {
  return value instanceof BuiltinFunction && builtinTypes.has(value);
}

const typeChecks: Record<string, (value: Value) => boolean> = {
  int: (v) => typeof v === 'number' || typeof v === 'boolean',
  float: (v) => v instanceof PyFloat,
  bool: (v) => typeof v === 'boolean',
  str: (v) => typeof v === 'string',
  list: (v) => v instanceof PyList || (v instanceof PyInstance && v.builtinValue instanceof PyList),
  tuple: (v) => v instanceof PyTuple,
  dict: (v) => v instanceof PyDict || (v instanceof PyInstance && v.builtinValue instanceof PyDict),
  set: (v) => v instanceof PySet && !v.frozen,
  frozenset: (v) => v instanceof PySet && v.frozen,
};

function typeConstructors(rt: Runtime): Record<string, Fn> {
  return {
    int: ([value = 0]) => toInt(value),
    float: ([value = float(0)]) => toFloat(value),
    bool: ([value = false]) => truthy(rt, value),
    str: ([value = '']) => display(rt, value, 'str'),
    list: ([items]) => new PyList(items === undefined ? [] : [...iterate(rt, items)]),
    tuple: ([items]) => new PyTuple(items === undefined ? [] : [...iterate(rt, items)]),
    dict: ([items], kwargs) => toDict(rt, items, kwargs),
    set: ([items]) => new PySet(items === undefined ? [] : iterate(rt, items)),
    frozenset: ([items]) => new PySet(items === undefined ? [] : iterate(rt, items), true),
  };
}

/** str() or repr() honouring __str__/__repr__ of interpreted classes. */
export function display(rt: Runtime, value: Value, kind: 'str' | 'repr'): string {
  const custom = (instance: PyInstance) => {
    const method = (kind === 'str' ? dunder(rt, instance, '__str__') : undefined) ?? dunder(rt, instance, '__repr__');
    return method === undefined ? undefined : (callValue(rt, method, []) as string);
  };
  return kind === 'str' ? strOf(value, custom) : reprOf(value, custom);
}

function lazy(source: Iterator<Value>): PyIterator {
  return new PyIterator(source);
}

function* enumerate(rt: Runtime, items: Value, start: number): Generator<Value> {
  let index = start;
  for (const item of iterate(rt, items)) yield new PyTuple([index++, item]);
}

function* zip(rt: Runtime, sources: Value[]): Generator<Value> {
  const iterators = sources.map((source) => iterate(rt, source));
  for (;;) {
    const next = iterators.map((iterator) => iterator.next());
    if (!next.length || next.some((step) => step.done)) return;
    yield new PyTuple(next.map((step) => step.value as Value));
  }
}

function* mapValues(rt: Runtime, fn: Value, sources: Value[]): Generator<Value> {
  for (const args of zip(rt, sources)) yield callValue(rt, fn, [...(args as PyTuple).items]);
}

function* filterValues(rt: Runtime, fn: Value, items: Value): Generator<Value> {
  for (const item of iterate(rt, items)) if (truthy(rt, fn === null ? item : callValue(rt, fn, [item]))) yield item;
}

function nextValue(iterator: Value, fallback: Value | undefined): Value {
  if (!(iterator instanceof PyIterator)) throw pyError('TypeError', `'${typeName(iterator)}' object is not an iterator`);
  const step = iterator.source.next();
  if (!step.done) return step.value;
  if (fallback !== undefined) return fallback;
  throw pyError('StopIteration', '');
}

function makeRange(args: Value[]): PyRange {
  const [start, stop, step] = args.length === 1 ? [0, asInt(args[0]), 1] : [asInt(args[0]), asInt(args[1]), args[2] === undefined ? 1 : asInt(args[2])];
  if (step === 0) throw pyError('ValueError', 'range() arg 3 must not be zero');
  return new PyRange(start, stop, step);
}

export function asInt(value: Value): number {
  const number = numberOf(value);
  if (!number || number.isFloat) throw pyError('TypeError', `'${typeName(value)}' object cannot be interpreted as an integer`);
  return number.value;
}

function extreme(rt: Runtime, args: Value[], kwargs: Kwargs, op: '<' | '>'): Value {
  const items = args.length === 1 ? [...iterate(rt, args[0])] : args;
  const key = kwargs.get('key') ?? null;
  if (!items.length) {
    if (kwargs.has('default')) return kwargs.get('default')!;
    throw pyError('ValueError', `${op === '<' ? 'min' : 'max'}() arg is an empty sequence`);
  }
  const score = (item: Value) => (key === null ? item : callValue(rt, key, [item]));
  let best = items[0];
  let bestScore = score(best);
  for (const item of items.slice(1)) {
    const itemScore = score(item);
    if (truthy(rt, binaryOp(rt, op, itemScore, bestScore))) [best, bestScore] = [item, itemScore];
  }
  return best;
}

function absolute(rt: Runtime, value: Value): Value {
  const method = dunder(rt, value, '__abs__');
  if (method !== undefined) return callValue(rt, method, []);
  if (value instanceof HostObject) return getAttribute(rt, value, '__abs__');
  const number = numberOf(value);
  if (!number) throw pyError('TypeError', `bad operand type for abs(): '${typeName(value)}'`);
  return number.isFloat ? float(Math.abs(number.value)) : Math.abs(number.value);
}

/** Python's round: halves go to the even neighbour; with digits, a float rounded at that decimal. */
export function round(value: Value, digits: Value): Value {
  const number = numberOf(value);
  if (!number) throw pyError('TypeError', `type ${typeName(value)} doesn't define __round__ method`);
  if (digits === null) return roundHalfEven(number.value);
  const places = asInt(digits);
  if (!number.isFloat && places >= 0) return number.value;
  if (places >= 0) return float(Number(fixedHalfEven(number.value, places)));
  // to tens, hundreds...: dividing by a power of ten is exact enough for the values model code rounds
  const scale = 10 ** -places;
  const result = roundHalfEven(number.value / scale) * scale;
  return number.isFloat ? float(result) : result;
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

function toInt(value: Value): number {
  if (typeof value === 'string') {
    const text = value.trim().replace(/_/g, '');
    if (!/^[+-]?\d+$/.test(text)) throw pyError('ValueError', `invalid literal for int() with base 10: '${value}'`);
    return Number(text);
  }
  const number = numberOf(value);
  if (!number) throw pyError('TypeError', `int() argument must be a string or a number, not '${typeName(value)}'`);
  if (!Number.isFinite(number.value)) throw pyError(Number.isNaN(number.value) ? 'ValueError' : 'OverflowError', 'cannot convert float to integer');
  return Math.trunc(number.value);
}

function toFloat(value: Value): PyFloat {
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    const special: Record<string, number> = { inf: Infinity, '+inf': Infinity, '-inf': -Infinity, infinity: Infinity, '-infinity': -Infinity, nan: NaN };
    if (text in special) return float(special[text]);
    if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(text)) throw pyError('ValueError', `could not convert string to float: '${value}'`);
    return float(Number(text));
  }
  const number = numberOf(value);
  if (!number) throw pyError('TypeError', `float() argument must be a string or a real number, not '${typeName(value)}'`);
  return float(number.value);
}

function toDict(rt: Runtime, items: Value | undefined, kwargs: Kwargs): PyDict {
  const dict = new PyDict();
  const mapping = items === undefined ? undefined : mappingItems(rt, items);
  if (mapping) for (const [k, v] of mapping) dict.set(k, v);
  else if (items !== undefined) {
    for (const pair of iterate(rt, items)) {
      const [key, value] = [...iterate(rt, pair)];
      dict.set(key, value);
    }
  }
  for (const [k, v] of kwargs) dict.set(k, v);
  return dict;
}

function print(rt: Runtime, args: Value[], kwargs: Kwargs): null {
  const separator = (kwargs.get('sep') as string | null | undefined) ?? ' ';
  const end = (kwargs.get('end') as string | null | undefined) ?? '\n';
  rt.output.push(args.map((arg) => display(rt, arg, 'str')).join(separator) + end);
  return null;
}

function classList(classes: Value): Value[] {
  return classes instanceof PyTuple ? classes.items.flatMap(classList) : [classes];
}

export function isInstance(rt: Runtime, value: Value, classes: Value): boolean {
  return classList(classes).some((cls) => {
    if (cls instanceof BuiltinFunction && builtinTypes.has(cls)) return builtinTypes.get(cls)!(value);
    if (cls === objectClass) return true;
    if (cls instanceof PyClass) return value instanceof PyInstance && value.cls.isSubclassOf(cls);
    if (cls instanceof HostObject) {
      const derived = value instanceof PyInstance && value.cls.hostBase === cls;
      return derived || (cls.hooks.instancecheck?.(value, rt.api) ?? false);
    }
    throw pyError('TypeError', 'isinstance() arg 2 must be a type, a tuple of types, or a union');
  });
}

/** An interpreted class derives from classes in its MRO and from the builtin type (list, dict) it extends. */
function isSubclass(cls: Value, base: Value): boolean {
  if (!(cls instanceof PyClass)) return false;
  if (base instanceof PyClass) return cls.isSubclassOf(base);
  return isBuiltinType(base) && cls.builtinBase === base.name;
}

function isCallable(rt: Runtime, value: Value): boolean {
  if (value instanceof PyInstance) return dunder(rt, value, '__call__') !== undefined;
  if (value instanceof HostObject) return value.hooks.call !== undefined;
  return value instanceof BuiltinFunction || value instanceof PyClass || value instanceof PyFunction || value instanceof BoundMethod;
}

/** str.format: {}, {0}, {name}, {name.attr}, {0[1]}, with !r/!s and a format spec; {{ and }} escape. */
export function format(rt: Runtime, template: string, args: Value[], kwargs: Kwargs): string {
  let automatic = 0;
  return template.replace(/\{\{|\}\}|\{([^{}!:]*)(?:!([rs]))?(?::([^{}]*))?\}/g, (match, field: string, conversion?: string, spec = '') => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    const [head, ...path] = field.split('.');
    let value: Value = head === '' ? args[automatic++] : /^\d+$/.test(head) ? args[Number(head)] : kwargs.get(head)!;
    if (value === undefined) throw pyError(head === '' || /^\d+$/.test(head) ? 'IndexError' : 'KeyError', `Replacement index ${head} out of range`);
    for (const name of path) value = getAttribute(rt, value, name);
    if (conversion) value = display(rt, value, conversion === 'r' ? 'repr' : 'str');
    return formatWithSpec(value, spec, (v) => display(rt, v, 'str'));
  });
}

export function createModules(rt: Runtime): Map<string, PyModule> {
  return new Map([
    ['math', mathModule(rt)],
    ['dataclasses', dataclassesModule(rt)],
    ['typing', typingModule()],
    ['__future__', new PyModule('__future__', new Map())],
    ['collections', new PyModule('collections', new Map([['OrderedDict', rt.builtins.get('dict')!]]))],
    ['functools', functoolsModule(rt)],
    ['copy', copyModule(rt)],
    ['abc', new PyModule('abc', new Map<string, Value>([['ABC', objectClass], ['abstractmethod', new BuiltinFunction('abstractmethod', ([fn]) => fn)]]))],
  ]);
}

function mathModule(rt: Runtime): PyModule {
  const attrs = new Map<string, Value>([
    ['pi', float(Math.PI)],
    ['e', float(Math.E)],
    ['tau', float(2 * Math.PI)],
    ['inf', float(Infinity)],
    ['nan', float(NaN)],
  ]);
  const real = (value: Value) => {
    const number = numberOf(value);
    if (!number) throw pyError('TypeError', `must be real number, not ${typeName(value)}`);
    return number.value;
  };
  const domainChecked = (fn: (x: number) => number, valid: (x: number) => boolean) => (x: number) => {
    if (!valid(x)) throw pyError('ValueError', 'math domain error');
    return fn(x);
  };
  const unary: Record<string, (x: number) => number> = {
    sqrt: domainChecked(Math.sqrt, (x) => x >= 0 || Number.isNaN(x)),
    exp: Math.exp,
    expm1: Math.expm1,
    log2: domainChecked(Math.log2, (x) => x > 0),
    log10: domainChecked(Math.log10, (x) => x > 0),
    log1p: domainChecked(Math.log1p, (x) => x > -1),
    sin: Math.sin,
    cos: Math.cos,
    tan: Math.tan,
    asin: Math.asin,
    acos: Math.acos,
    atan: Math.atan,
    sinh: Math.sinh,
    cosh: Math.cosh,
    tanh: Math.tanh,
    fabs: Math.abs,
    erf,
    degrees: (x) => (x * 180) / Math.PI,
    radians: (x) => (x * Math.PI) / 180,
  };
  for (const [name, fn] of Object.entries(unary)) attrs.set(name, new BuiltinFunction(name, ([x]) => float(fn(real(x)))));
  const toInteger = (name: string, fn: (x: number) => number) =>
    attrs.set(name, new BuiltinFunction(name, ([x]) => {
      if (!Number.isFinite(real(x))) throw pyError(Number.isNaN(real(x)) ? 'ValueError' : 'OverflowError', `cannot convert float ${reprOf(x)} to integer`);
      return fn(real(x));
    }));
  toInteger('ceil', Math.ceil);
  toInteger('floor', Math.floor);
  toInteger('trunc', Math.trunc);
  const define = (name: string, fn: Fn) => attrs.set(name, new BuiltinFunction(name, fn));
  define('log', ([x, base]) => {
    if (real(x) <= 0) throw pyError('ValueError', 'math domain error');
    return float(base === undefined ? Math.log(real(x)) : Math.log(real(x)) / Math.log(real(base)));
  });
  define('pow', ([x, y]) => float(real(x) ** real(y)));
  define('atan2', ([y, x]) => float(Math.atan2(real(y), real(x))));
  define('hypot', (args) => float(Math.hypot(...args.map(real))));
  define('isfinite', ([x]) => Number.isFinite(real(x)));
  define('isinf', ([x]) => Math.abs(real(x)) === Infinity);
  define('isnan', ([x]) => Number.isNaN(real(x)));
  define('gcd', (args) => args.map(real).reduce((a, b) => gcd(a, b), 0));
  define('isclose', ([a, b], kwargs) => {
    const rtol = kwargs.has('rel_tol') ? real(kwargs.get('rel_tol')!) : 1e-9;
    const atol = kwargs.has('abs_tol') ? real(kwargs.get('abs_tol')!) : 0;
    return real(a) === real(b) || Math.abs(real(a) - real(b)) <= Math.max(rtol * Math.max(Math.abs(real(a)), Math.abs(real(b))), atol);
  });
  define('prod', ([items], kwargs) => {
    let product: Value = kwargs.get('start') ?? 1;
    for (const item of iterate(rt, items)) product = multiply(product, item);
    return product;
  });
  return new PyModule('math', attrs);
}

function multiply(a: Value, b: Value): Value {
  const x = numberOf(a)!;
  const y = numberOf(b);
  if (!y) throw pyError('TypeError', `can't multiply by '${typeName(b)}'`);
  return x.isFloat || y.isFloat ? float(x.value * y.value) : x.value * y.value;
}

function gcd(a: number, b: number): number {
  return b === 0 ? Math.abs(a) : gcd(b, a % b);
}

/** erf to about 1e-15: its Maclaurin series near zero, erfc's continued fraction beyond (where the series cancels). */
function erf(x: number): number {
  const z = Math.abs(x);
  if (Number.isNaN(z)) return NaN;
  if (z < 3) {
    let term = z;
    let sum = z;
    for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-z * z) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  let fraction = z;
  for (let k = 60; k >= 1; k--) fraction = z + k / 2 / fraction;
  return Math.sign(x) * (1 - Math.exp(-z * z) / Math.sqrt(Math.PI) / fraction);
}

/** id(): objects by identity; None, bools, numbers and strings by value, as `is` compares them here. */
export function identity(value: Value): number {
  if (value !== null && typeof value === 'object' && !(value instanceof PyFloat)) return objectId(value);
  const key = identityKey(value);
  if (!valueIds.has(key)) valueIds.set(key, objectId({}));
  return valueIds.get(key)!;
}

const valueIds = new Map<string, number>();

function identityKey(value: null | boolean | number | string | PyFloat): string {
  return value instanceof PyFloat ? `float:${value.value}` : `${typeof value}:${String(value)}`;
}

/** vars(obj): the attribute dict of an instance, class or module (a snapshot: writes to it do not reach obj). */
function variables(value: Value): PyDict {
  const attrs = value instanceof PyInstance || value instanceof PyClass || value instanceof PyModule ? value.attrs : undefined;
  if (!attrs) throw pyError('TypeError', 'vars() argument must have __dict__ attribute');
  const dict = new PyDict();
  for (const [key, item] of attrs) dict.set(key, item);
  return dict;
}

function functoolsModule(rt: Runtime): PyModule {
  const partial = new BuiltinFunction('partial', ([fn, ...bound], boundKwargs) =>
    new BuiltinFunction('partial', (args, kwargs) => callValue(rt, fn, [...bound, ...args], new Map([...boundKwargs, ...kwargs]))));
  const reduce = new BuiltinFunction('reduce', ([fn, items, ...initial]) => {
    const values = [...iterate(rt, items)];
    if (!initial.length && !values.length) throw pyError('TypeError', 'reduce() of empty iterable with no initial value');
    return (initial.length ? values : values.slice(1)).reduce((acc, item) => callValue(rt, fn, [acc, item]), initial.length ? initial[0] : values[0]);
  });
  return new PyModule('functools', new Map<string, Value>([['partial', partial], ['reduce', reduce]]));
}

function typingModule(): PyModule {
  const names = ['Any', 'Optional', 'Union', 'List', 'Tuple', 'Dict', 'Set', 'Callable', 'Sequence', 'Iterable', 'Mapping', 'Type', 'ClassVar', 'Literal'];
  return new PyModule('typing', new Map(names.map((name) => [name, new PyClass(name, [], new Map())])));
}

const fieldClass = new PyClass('Field', [], new Map());

function dataclassesModule(rt: Runtime): PyModule {
  const field = new BuiltinFunction('field', (_, kwargs) => {
    const spec = new PyInstance(fieldClass);
    for (const [key, value] of kwargs) spec.attrs.set(key, value);
    return spec;
  });
  // options such as @dataclass(frozen=True) do not change behaviour the check relies on
  const dataclass = new BuiltinFunction('dataclass', ([target]) => {
    if (target instanceof PyClass) return makeDataclass(rt, target);
    return new BuiltinFunction('dataclass', ([cls]) => makeDataclass(rt, cls as PyClass));
  });
  return new PyModule('dataclasses', new Map<string, Value>([['dataclass', dataclass], ['field', field]]));
}

interface FieldSpec {
  name: string;
  default?: Value;
  factory?: Value;
}

/** A dataclass's fields, bases' first: subclasses inherit them (the field() markers are gone from the base by then). */
const dataclassFields = new WeakMap<PyClass, FieldSpec[]>();

/** @dataclass: fields from annotations (bases first), a generated __init__ (and __post_init__ call), __repr__, __eq__. */
function makeDataclass(rt: Runtime, cls: PyClass): PyClass {
  const fields = new Map<string, FieldSpec>();
  for (const base of [...cls.mro.slice(1)].reverse()) for (const spec of dataclassFields.get(base) ?? []) fields.set(spec.name, spec);
  const annotations = cls.attrs.get('__annotations__');
  if (annotations instanceof PyDict) for (const name of annotations.keys() as string[]) fields.set(name, fieldSpec(cls, name));
  const specs = [...fields.values()];
  dataclassFields.set(cls, specs);
  cls.attrs.set('__init__', new BuiltinFunction('__init__', ([self, ...args], kwargs) => initDataclass(rt, self as PyInstance, specs, args, kwargs), true));
  cls.attrs.set('__repr__', new BuiltinFunction('__repr__', ([self]) => `${cls.name}(${specs.map((s) => `${s.name}=${display(rt, getAttribute(rt, self, s.name), 'repr')}`).join(', ')})`, true));
  cls.attrs.set('__eq__', new BuiltinFunction('__eq__', ([self, other]) => {
    if (!(other instanceof PyInstance) || other.cls !== (self as PyInstance).cls) return false;
    return specs.every((s) => truthy(rt, binaryOp(rt, '==', getAttribute(rt, self, s.name), getAttribute(rt, other, s.name))));
  }, true));
  cls.attrs.set('__hash__', null);
  return cls;
}

function fieldSpec(owner: PyClass, name: string): FieldSpec {
  const declared = owner.attrs.get(name);
  if (declared === undefined || declared instanceof Decorated) return { name };
  if (declared instanceof PyInstance && declared.cls === fieldClass) {
    owner.attrs.delete(name);
    const fallback = declared.attrs.get('default');
    if (fallback !== undefined) owner.attrs.set(name, fallback);
    return { name, default: fallback, factory: declared.attrs.get('default_factory') };
  }
  return { name, default: declared };
}

function initDataclass(rt: Runtime, self: PyInstance, specs: FieldSpec[], args: Value[], kwargs: Kwargs): null {
  if (args.length > specs.length) throw pyError('TypeError', `__init__() takes ${specs.length + 1} positional arguments but ${args.length + 1} were given`);
  specs.forEach((spec, i) => {
    const value = i < args.length ? args[i] : kwargs.has(spec.name) ? kwargs.get(spec.name)! : spec.factory !== undefined ? callValue(rt, spec.factory, []) : spec.default;
    if (value === undefined) throw pyError('TypeError', `__init__() missing 1 required positional argument: '${spec.name}'`);
    setAttribute(rt, self, spec.name, value);
  });
  const unknown = [...kwargs.keys()].find((key) => !specs.some((spec) => spec.name === key));
  if (unknown) throw pyError('TypeError', `__init__() got an unexpected keyword argument '${unknown}'`);
  const postInit = dunder(rt, self, '__post_init__');
  if (postInit !== undefined) callValue(rt, postInit, []);
  return null;
}
