// The values the interpreter works with. Python's None, bool, int and str are JS null, boolean, number and string;
// float is boxed so that 1.0 and 1 stay distinct (repr, `/` versus `//`, int()).
import type { Node } from '../../parser';
import type { Scope } from './scope';

export type Value =
  | null
  | boolean
  | number
  | string
  | PyFloat
  | PyList
  | PyTuple
  | PyDict
  | PySet
  | PyRange
  | PySlice
  | PyEllipsis
  | PyFunction
  | BuiltinFunction
  | BoundMethod
  | PyClass
  | PyInstance
  | PyModule
  | PySuper
  | PyIterator
  | Decorated
  | HostObject;

export type Kwargs = Map<string, Value>;

export class PyFloat {
  constructor(readonly value: number) {}
}

export class PyList {
  constructor(public items: Value[]) {}
}

export class PyTuple {
  constructor(readonly items: readonly Value[]) {}
}

/** Keys are hashed to a string for immutable values and kept by identity for objects. */
export class PyDict {
  readonly entries = new Map<string, [Value, Value]>();
  get(key: Value): Value | undefined {
    return this.entries.get(hashKey(key))?.[1];
  }
  set(key: Value, value: Value): void {
    this.entries.set(hashKey(key), [key, value]);
  }
  has(key: Value): boolean {
    return this.entries.has(hashKey(key));
  }
  delete(key: Value): boolean {
    return this.entries.delete(hashKey(key));
  }
  keys(): Value[] {
    return [...this.entries.values()].map(([k]) => k);
  }
}

/** set, or frozenset when `frozen`: immutable and hashable by its contents. */
export class PySet {
  readonly entries = new Map<string, Value>();
  constructor(items: Iterable<Value> = [], readonly frozen = false) {
    for (const item of items) this.add(item);
  }
  add(item: Value): void {
    this.entries.set(hashKey(item), item);
  }
  has(item: Value): boolean {
    return this.entries.has(hashKey(item));
  }
}

export class PyRange {
  constructor(readonly start: number, readonly stop: number, readonly step: number) {}
  get length(): number {
    const span = this.step > 0 ? this.stop - this.start : this.start - this.stop;
    return Math.max(0, Math.ceil(span / Math.abs(this.step)));
  }
  at(index: number): number {
    return this.start + index * this.step;
  }
}

export class PySlice {
  constructor(readonly start: Value, readonly stop: Value, readonly step: Value) {}
}

export class PyEllipsis {
  static readonly instance = new PyEllipsis();
}

export interface Parameter {
  name: string;
  kind: 'positional' | 'keywordOnly' | 'varArgs' | 'varKwargs';
  /** the evaluated default, when the parameter has one (evaluated once, at definition, as Python does) */
  default?: Value;
}

export class PyFunction {
  /** the class whose body defined this function: what zero-argument super() starts after */
  definingClass?: PyClass;
  /** a def with a yield in its body: calling it makes a generator */
  isGenerator = false;
  constructor(
    readonly name: string,
    readonly parameters: Parameter[],
    /** a block for `def`, an expression for `lambda` */
    readonly body: Node,
    readonly closure: Scope,
    readonly isLambda: boolean,
  ) {}
}

export class BuiltinFunction {
  constructor(
    readonly name: string,
    /** `api` lets host-made methods call back into interpreted code */
    readonly fn: (args: Value[], kwargs: Kwargs, api: InterpreterApi) => Value,
    /** binds the instance like a def when found on a class (generated dataclass methods) */
    readonly isMethod = false,
  ) {}
}

export class BoundMethod {
  constructor(readonly self: Value, readonly fn: Value) {}
}

/** property/staticmethod/classmethod wrappers: they live in a class namespace and attribute lookup unwraps them. */
export class Decorated {
  constructor(readonly kind: 'property' | 'staticmethod' | 'classmethod', readonly fn: Value, readonly setter?: Value) {}
}

export class PyClass {
  readonly mro: PyClass[];
  /** the host class this class derives from, if any: attribute misses and __init__ fall back to it */
  readonly hostBase?: HostObject;
  /** the builtin type (list or dict) this class derives from, if any: its instances hold one as `builtinValue` */
  readonly builtinBase?: BuiltinBase;
  constructor(
    readonly name: string,
    readonly bases: PyClass[],
    readonly attrs: Map<string, Value>,
    hostBase?: HostObject,
    builtinBase?: BuiltinBase,
  ) {
    this.mro = [this, ...linearize(bases)];
    this.hostBase = hostBase ?? this.mro.find((c) => c.hostBase)?.hostBase;
    this.builtinBase = builtinBase ?? this.mro.find((c) => c.builtinBase)?.builtinBase;
  }
  lookup(name: string): Value | undefined {
    for (const cls of this.mro) if (cls.attrs.has(name)) return cls.attrs.get(name);
    return undefined;
  }
  isSubclassOf(other: PyClass): boolean {
    return this.mro.includes(other);
  }
}

/** C3 linearisation of the bases' MROs, as Python orders method resolution. */
function linearize(bases: PyClass[]): PyClass[] {
  const sequences = [...bases.map((b) => [...b.mro]), [...bases]].filter((s) => s.length);
  const result: PyClass[] = [];
  while (sequences.some((s) => s.length)) {
    const live = sequences.filter((s) => s.length);
    const head = live.map((s) => s[0]).find((c) => !live.some((s) => s.indexOf(c) > 0));
    if (!head) throw new PyError(makeException('TypeError', 'Cannot create a consistent method resolution order (MRO)'));
    result.push(head);
    for (const s of live) if (s[0] === head) s.shift();
  }
  return result;
}

/** The builtin types an interpreted class may derive from. */
export type BuiltinBase = 'list' | 'dict';

export class PyInstance {
  readonly attrs = new Map<string, Value>();
  /** for a subclass of list or dict: the list or dict the instance is, which the base's methods and protocols use */
  builtinValue?: PyList | PyDict;
  /** free for a host base class to keep its own state on instances of subclasses */
  hostState: unknown;
  /** the line of the call that created the instance */
  builtAt?: number;
  constructor(readonly cls: PyClass) {}
}

export class PyModule {
  constructor(readonly name: string, readonly attrs: Map<string, Value>) {}
}

export class PySuper {
  constructor(readonly startAfter: PyClass, readonly self: Value) {}
}

/** A one-shot iterator, as returned by iter(), zip(), map(), enumerate() and generator expressions. */
export class PyIterator {
  constructor(readonly source: Iterator<Value>) {}
}

/** What calling a generator function returns: its body runs lazily, up to the next yield, at each next(). */
export class PyGenerator extends PyIterator {
  constructor(readonly name: string, source: Iterator<Value>) {
    super(source);
  }
}

/** What the interpreter lets host hooks do: call back into interpreted code and inspect values. */
export interface InterpreterApi {
  call(fn: Value, args: Value[], kwargs?: Kwargs): Value;
  getattr(target: Value, name: string): Value;
  repr(value: Value): string;
}

/** Behaviour of a value that belongs to the host (a tensor, a module, a library function). Missing hooks mean the
 *  operation is unsupported on it and raise a Python TypeError/AttributeError. */
export interface HostHooks {
  getattr?(name: string, api: InterpreterApi): Value | undefined;
  setattr?(name: string, value: Value, api: InterpreterApi): void;
  call?(args: Value[], kwargs: Kwargs, api: InterpreterApi): Value;
  getitem?(key: Value, api: InterpreterApi): Value;
  setitem?(key: Value, value: Value, api: InterpreterApi): void;
  /** A binary operator ('+', '@', '<', '==', ...) with the host value on the left, or on the right when `reflected`.
   *  undefined means NotImplemented: the other operand gets its turn. */
  binary?(op: string, other: Value, reflected: boolean, api: InterpreterApi): Value | undefined;
  unary?(op: '-' | '+' | '~', api: InterpreterApi): Value;
  iterate?(api: InterpreterApi): Iterable<Value>;
  len?(api: InterpreterApi): number;
  truthy?(api: InterpreterApi): boolean;
  repr?(): string;
  /** for host classes: whether `isinstance(value, this)` holds (instances of interpreted subclasses are handled) */
  instancecheck?(value: Value, api: InterpreterApi): boolean;
  /** present on host classes that interpreted classes may derive from */
  subclass?: HostBase;
}

/** The base behaviour a host class gives interpreted subclasses (e.g. torch.nn.Module registering submodules). */
export interface HostBase {
  /** runs for `super().__init__(...)`, and at construction when no interpreted class defines __init__ */
  init?(self: PyInstance, args: Value[], kwargs: Kwargs, api: InterpreterApi): void;
  /** sees every attribute assignment on an instance; returns true when it stored the value itself */
  setattr?(self: PyInstance, name: string, value: Value, api: InterpreterApi): boolean;
  /** attributes the interpreted classes and the instance lack (e.g. __call__ dispatching to forward) */
  getattr?(self: PyInstance, name: string, api: InterpreterApi): Value | undefined;
}

export class HostObject {
  constructor(readonly name: string, readonly hooks: HostHooks) {}
}

/** A Python exception on its way up: `exception` is the raised instance; `line` is 1-based. */
export class PyError extends Error {
  private lineNumber?: number;
  constructor(readonly exception: PyInstance, line?: number) {
    super();
    this.line = line;
  }
  get pyType(): string {
    return this.exception.cls.name;
  }
  get line(): number | undefined {
    return this.lineNumber;
  }
  /** the message names the type, the text and the line, as a traceback's last line would */
  set line(line: number | undefined) {
    this.lineNumber = line;
    const text = exceptionMessage(this.exception);
    this.message = `${this.pyType}${text ? `: ${text}` : ''}${line ? ` (line ${line})` : ''}`;
  }
}

/** Syntax the interpreter does not handle: names the construct and where it is. */
export class Unsupported extends Error {
  constructor(readonly construct: string, readonly line: number) {
    super(`unsupported Python construct '${construct}' at line ${line}`);
  }
}

/** A run that took more steps than its budget, most likely a runaway loop; Python code cannot catch it. */
export class StepBudgetExceeded extends Error {
  constructor(readonly budget: number, readonly line: number) {
    super(`step budget of ${budget} exceeded at line ${line} (runaway loop?)`);
  }
}

/** The root of every class: what `class A:` derives from. */
export const objectClass = new PyClass('object', [], new Map());

const exceptionHierarchy: Array<[string, string | undefined]> = [
  ['BaseException', undefined],
  ['Exception', 'BaseException'],
  ['ArithmeticError', 'Exception'],
  ['ZeroDivisionError', 'ArithmeticError'],
  ['OverflowError', 'ArithmeticError'],
  ['AssertionError', 'Exception'],
  ['AttributeError', 'Exception'],
  ['ImportError', 'Exception'],
  ['ModuleNotFoundError', 'ImportError'],
  ['LookupError', 'Exception'],
  ['IndexError', 'LookupError'],
  ['KeyError', 'LookupError'],
  ['NameError', 'Exception'],
  ['UnboundLocalError', 'NameError'],
  ['RuntimeError', 'Exception'],
  ['NotImplementedError', 'RuntimeError'],
  ['RecursionError', 'RuntimeError'],
  ['StopIteration', 'Exception'],
  ['SyntaxError', 'Exception'],
  ['TypeError', 'Exception'],
  ['ValueError', 'Exception'],
];

export const exceptionClasses = new Map<string, PyClass>();
for (const [name, base] of exceptionHierarchy) {
  exceptionClasses.set(name, new PyClass(name, [base ? exceptionClasses.get(base)! : objectClass], new Map()));
}

export function makeException(typeName: string, message: string): PyInstance {
  const exception = new PyInstance(exceptionClasses.get(typeName)!);
  exception.attrs.set('args', new PyTuple([message]));
  return exception;
}

export function pyError(typeName: string, message: string): PyError {
  return new PyError(makeException(typeName, message));
}

export function isException(value: Value): value is PyInstance {
  return value instanceof PyInstance && value.cls.isSubclassOf(exceptionClasses.get('BaseException')!);
}

function exceptionMessage(exception: PyInstance): string {
  const args = exception.attrs.get('args');
  if (!(args instanceof PyTuple) || args.items.length === 0) return '';
  const first = args.items[0];
  return args.items.length === 1 && typeof first === 'string' ? first : args.items.map(String).join(', ');
}

/** Functions and classes of Python's builtins module: their __module__ is 'builtins'. */
export const builtinsModuleMembers = new WeakSet<BuiltinFunction | PyClass>();

const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;

/** A stable number per object, for identity-keyed dicts and id(). */
export function objectId(value: object): number {
  if (!objectIds.has(value)) objectIds.set(value, nextObjectId++);
  return objectIds.get(value)!;
}

/** Dict and set keys: equal Python values get equal keys (1 == 1.0 == True); objects are keyed by identity (a
 *  custom __hash__ is not consulted). */
export function hashKey(value: Value): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return `n:${value ? 1 : 0}`;
  if (typeof value === 'number') return `n:${value}`;
  if (value instanceof PyFloat) return `n:${value.value}`;
  if (typeof value === 'string') return `s:${value}`;
  if (value instanceof PyTuple) return `t:(${value.items.map(hashKey).join(',')})`;
  // equal frozensets hash alike whatever their order of insertion
  if (value instanceof PySet && value.frozen) return `f:{${[...value.entries.keys()].sort().join(',')}}`;
  const unhashable = value instanceof PyList || value instanceof PyDict || value instanceof PySet
    || (value instanceof PyInstance && (value.cls.lookup('__hash__') === null || (value.builtinValue !== undefined && !value.cls.lookup('__hash__'))));
  if (unhashable) throw pyError('TypeError', `unhashable type: '${typeName(value)}'`);
  return `o:${objectId(value)}`;
}

export function typeName(value: Value): string {
  if (value === null) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'int';
  if (typeof value === 'string') return 'str';
  if (value instanceof PyFloat) return 'float';
  if (value instanceof PyList) return 'list';
  if (value instanceof PyTuple) return 'tuple';
  if (value instanceof PyDict) return 'dict';
  if (value instanceof PySet) return value.frozen ? 'frozenset' : 'set';
  if (value instanceof PyRange) return 'range';
  if (value instanceof PySlice) return 'slice';
  if (value instanceof PyEllipsis) return 'ellipsis';
  if (value instanceof PyFunction) return 'function';
  if (value instanceof BuiltinFunction) return 'builtin_function_or_method';
  if (value instanceof BoundMethod) return 'method';
  if (value instanceof PyClass) return 'type';
  if (value instanceof PyInstance) return value.cls.name;
  if (value instanceof PyModule) return 'module';
  if (value instanceof PySuper) return 'super';
  if (value instanceof PyGenerator) return 'generator';
  if (value instanceof PyIterator) return 'iterator';
  if (value instanceof Decorated) return value.kind;
  return value.name;
}

/** Python's numeric view of a value: bools are ints; undefined for non-numbers. */
export function numberOf(value: Value): { value: number; isFloat: boolean } | undefined {
  if (typeof value === 'number') return { value, isFloat: false };
  if (typeof value === 'boolean') return { value: value ? 1 : 0, isFloat: false };
  if (value instanceof PyFloat) return { value: value.value, isFloat: true };
  return undefined;
}

export function float(value: number): PyFloat {
  return new PyFloat(value);
}
