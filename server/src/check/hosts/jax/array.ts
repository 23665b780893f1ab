// JAX arrays as interpreter values: operators with JAX promotion, attributes, methods (the jnp functions with the
// array first), numpy indexing and the functional updates `x.at[idx].set/add/multiply/min/max/get(...)`. The NumPy
// host's arrays are these with its dtype policy, plus in-place updates and views (ArrayApi.mutable).
import { HostObject, PyTuple, pyError, type Kwargs, type Value } from '../../interp';
import { getIndex, parseIndex, setIndex, type IndexItem, type UpdateMode } from '../../trace/indexing';
import * as ops from '../../trace/ops';
import { DataDependent, type Sym } from '../../trace/tracer';
import { isSequence } from '../../trace/args';
import { JaxArray, type JaxContext } from './context';
import { missingApi } from '../../trace/modules';

export type Fn = (args: Value[], kwargs: Kwargs) => Value;

const ARITHMETIC: Record<string, string> = { '+': 'Add', '-': 'Sub', '*': 'Mul', '**': 'Pow' };
const COMPARISON: Record<string, string> = { '<': 'Less', '<=': 'LessOrEqual', '>': 'Greater', '>=': 'GreaterOrEqual', '==': 'Equal' };
const LOGICAL: Record<string, [string, string]> = { '&': ['And', 'BitwiseAnd'], '|': ['Or', 'BitwiseOr'], '^': ['Xor', 'BitwiseXor'] };

/** Python's binary operator on two array-likes, JAX semantics (true division gives floats; // and % floor). */
export function binaryOperator(ctx: JaxContext, op: string, left: Value, right: Value): Sym | undefined {
  const t = ctx.t;
  const supported = op in ARITHMETIC || op in COMPARISON || op in LOGICAL || ['/', '//', '%', '@', '!=', '<<', '>>'].includes(op);
  if (!supported || !ctx.isArrayLike(left) || !ctx.isArrayLike(right)) return undefined;
  const [a, b] = ctx.promote(left, right);
  if (op in ARITHMETIC) return ops.binary(t, ARITHMETIC[op], a, b);
  if (op in COMPARISON) return ops.binary(t, COMPARISON[op], a, b);
  if (op === '!=') return ops.notEqual(t, a, b);
  if (op in LOGICAL) return ops.binary(t, LOGICAL[op][a.dtype === 'bool' ? 0 : 1], a, b);
  if (op === '/') return ops.binary(t, 'Div', ctx.toFloat(a), ctx.toFloat(b));
  if (op === '@') return ops.matmul(t, a, b);
  if (op === '<<' || op === '>>') return shift(ctx, op, a, b);
  return op === '%' ? remainder(ctx, a, b) : floorDivide(ctx, a, b);
}

/** Integer shifts as arithmetic (ONNX's BitShift takes unsigned types only): a * 2**b and floor(a / 2**b). */
function shift(ctx: JaxContext, op: '<<' | '>>', a: Sym, b: Sym): Sym {
  if (ops.isFloat(a) || a.dtype === 'bool') throw pyError('TypeError', `unsupported operand dtype for ${op}: ${a.dtype}`);
  const power = ops.binary(ctx.t, 'Pow', ops.scalar(ctx.t, 2, a.dtype), b);
  return op === '<<' ? ops.binary(ctx.t, 'Mul', a, power) : floorDivide(ctx, a, power);
}

/** Python-style modulo (the sign of the divisor): Mod for integers, a - floor(a / b) * b for floats. */
function remainder(ctx: JaxContext, a: Sym, b: Sym): Sym {
  if (!ops.isFloat(a)) return ops.binary(ctx.t, 'Mod', a, b, { fmod: 0 });
  return ops.binary(ctx.t, 'Sub', a, ops.binary(ctx.t, 'Mul', floorDivide(ctx, a, b), b));
}

/** Floor division: exact for integers through the floored remainder. */
function floorDivide(ctx: JaxContext, a: Sym, b: Sym): Sym {
  if (ops.isFloat(a)) return ops.unary(ctx.t, 'Floor', ops.binary(ctx.t, 'Div', a, b));
  return ops.binary(ctx.t, 'Div', ops.binary(ctx.t, 'Sub', a, remainder(ctx, a, b)), b);
}

/** Arrays that can change in place, as NumPy's do: what updating one and taking a view of one mean. */
export interface MutableArrays {
  /** replaces an array's value by update(its value); throws where the check cannot follow the update */
  update(array: JaxArray, update: (current: Sym) => Sym): void;
  /** a new array that views `base`: derive(value of base), now and after each update of base */
  view(base: JaxArray, derive: (base: Sym) => Sym): JaxArray;
  /** the truth value of a one-element array, which the trace cannot know */
  truthy(array: JaxArray): boolean;
}

interface ArrayApi {
  /** jnp functions usable as methods: x.sum(1) is jnp.sum(x, 1) */
  functions: Record<string, Fn>;
  /** NumPy: `x[k] = v` and `x += y` update x, and basic indexing and `.T` give views; JAX arrays are immutable */
  mutable?: MutableArrays;
  /** Python's binary operators when they differ from jnp's (TensorFlow tensors under Keras); binaryOperator if absent */
  operator?: (op: string, left: Value, right: Value) => Sym | undefined;
  /** the arrays' attributes when they are not jnp's (TensorFlow tensors under Keras); undefined is AttributeError */
  attribute?: (self: JaxArray, name: string) => Value | undefined;
}

/** Makes ctx.wrap produce arrays whose methods come from `api`. */
export function installArrays(ctx: JaxContext, api: ArrayApi): void {
  const { mutable } = api;
  const operator = api.operator ?? ((op: string, left: Value, right: Value) => binaryOperator(ctx, op, left, right));
  ctx.wrap = (sym) => {
    const self: JaxArray = new JaxArray(sym, {
      getattr: (name) => (api.attribute ? api.attribute(self, name) : attribute(ctx, api, self, name)),
      getitem: (key) => indexed(ctx, self, indexOf(ctx, key), mutable),
      setitem: (key, value) => {
        if (!mutable) throw pyError('TypeError', "JAX arrays are immutable; use x = x.at[idx].set(y)");
        const items = indexOf(ctx, key);
        mutable.update(self, (current) => setIndex(ctx.t, current, items, ctx.toSym(value, current.dtype), 'set'));
      },
      binary: (op, other, reflected) => {
        if (op.endsWith('=') && !['==', '!=', '<=', '>='].includes(op)) return mutable && updateInPlace(ctx, mutable, self, op.slice(0, -1), other);
        const out = reflected ? operator(op, other, self) : operator(op, self, other);
        return out && ctx.wrap(out);
      },
      unary: (op) => ctx.wrap(unaryOperator(ctx, op, self.sym)),
      iterate: () => Array.from({ length: leading(self.sym) }, (_, i) => indexed(ctx, self, [{ kind: 'int', index: i }], mutable)),
      len: () => leading(self.sym),
      truthy: () => {
        if (mutable) return mutable.truthy(self);
        throw new DataDependent('the truth value of an array');
      },
      repr: () => `Array(shape=(${self.sym.shape.join(', ')}), dtype=${self.sym.dtype})`,
    });
    return self;
  };
}

/** x[key]: in NumPy basic indexing (integers, slices, None, ...) gives a view, except that integers alone give a
 *  scalar; indexing with arrays gives a copy. */
function indexed(ctx: JaxContext, self: JaxArray, items: IndexItem[], mutable?: MutableArrays): JaxArray {
  const derive = (base: Sym) => getIndex(ctx.t, base, items);
  const basic = items.every((item) => item.kind !== 'tensor');
  const scalar = items.filter((item) => item.kind === 'int').length === self.sym.shape.length && items.every((item) => item.kind === 'int' || item.kind === 'ellipsis');
  return mutable && basic && !scalar ? mutable.view(self, derive) : ctx.wrap(derive(self.sym));
}

/** NumPy's `x op= y`: the result is cast back to x's dtype, which the same_kind rule allows only within a kind or
 *  from a lower one (a float result into an integer array raises). */
function updateInPlace(ctx: JaxContext, mutable: MutableArrays, self: JaxArray, op: string, other: Value): JaxArray | undefined {
  const out = binaryOperator(ctx, op, self, other);
  if (!out) return undefined;
  const rank = (dtype: string) => (dtype === 'bool' ? 0 : dtype.startsWith('int') ? 1 : 2);
  if (rank(out.dtype) > rank(self.sym.dtype)) throw pyError('TypeError', `Cannot cast ufunc '${op}' output from dtype('${out.dtype}') to dtype('${self.sym.dtype}') with casting rule 'same_kind'`);
  mutable.update(self, (current) => ops.cast(ctx.t, out, current.dtype));
  return self;
}

function leading(sym: Sym): number {
  if (!sym.shape.length) throw pyError('TypeError', 'len() of unsized object');
  return sym.shape[0];
}

function unaryOperator(ctx: JaxContext, op: '-' | '+' | '~', sym: Sym): Sym {
  if (op === '+') return sym;
  if (op === '-') return ops.unary(ctx.t, 'Neg', sym);
  return sym.dtype === 'bool' ? ops.not(ctx.t, sym) : ops.unary(ctx.t, 'BitwiseNot', sym);
}

export function indexOf(ctx: JaxContext, key: Value) {
  return parseIndex(key, (part) => ctx.symOf(part) ?? (isSequence(part) ? ctx.toSym(part) : undefined));
}

/** Methods whose jnp function differs in name or in how it takes its arguments (x.reshape(2, 3)). */
const METHOD_FUNCTION: Record<string, string> = { reshape: 'reshape_method', transpose: 'transpose_method', flatten: 'flatten_method' };

function attribute(ctx: JaxContext, api: ArrayApi, self: JaxArray, name: string): Value | undefined {
  const sym = self.sym;
  switch (name) {
    case 'shape': return new PyTuple(sym.shape);
    case 'ndim': return sym.shape.length;
    case 'size': return ops.size(sym.shape);
    case 'dtype': return ctx.dtypeObject(sym.dtype);
    case 'T': {
      const derive = (base: Sym) => ops.transpose(ctx.t, base, base.shape.map((_, i) => base.shape.length - 1 - i));
      return api.mutable ? api.mutable.view(self, derive) : ctx.wrap(derive(sym));
    }
    case 'at': return atHelper(ctx, sym);
    case '__abs__': return ctx.wrap(ops.unary(ctx.t, 'Abs', sym));
    case 'item': case 'tolist': case '__float__': case '__int__':
      throw new DataDependent(`x.${name}()`);
  }
  const fn = METHODS.has(name) ? api.functions[METHOD_FUNCTION[name] ?? name] : undefined;
  if (fn) return new HostObject(`Array.${name}`, { call: (args, kwargs) => fn([self, ...args], kwargs) });
  const known = ctx.policy.arrayAttributes?.has(name) ?? !name.startsWith('_');
  return known ? missingApi(`Array.${name}`) : undefined;
}

/** The jnp functions that arrays also have as methods. */
const METHODS = new Set([
  'reshape', 'transpose', 'astype', 'mean', 'sum', 'max', 'min', 'prod', 'var', 'std', 'argmax', 'argmin', 'squeeze',
  'swapaxes', 'clip', 'cumsum', 'cumprod', 'take', 'ravel', 'flatten', 'round', 'any', 'all', 'repeat', 'conj', 'dot',
  'sort', 'argsort', 'searchsorted', 'diagonal', 'trace',
]);

const UPDATE_MODES: Record<string, UpdateMode> = { set: 'set', add: 'add', multiply: 'mul', mul: 'mul', min: 'min', max: 'max' };

/** x.at[idx]: an object whose methods return updated copies of x. */
function atHelper(ctx: JaxContext, sym: Sym): HostObject {
  return new HostObject('_IndexUpdateHelper', {
    getitem: (key) => new HostObject('_IndexUpdateRef', {
      getattr: (method) => {
        const items = indexOf(ctx, key);
        if (method === 'get') return new HostObject('get', { call: () => ctx.wrap(getIndex(ctx.t, sym, items)) });
        const mode = UPDATE_MODES[method];
        if (!mode) return undefined;
        return new HostObject(method, { call: ([value]) => ctx.wrap(setIndex(ctx.t, sym, items, ctx.toSym(value, sym.dtype), mode)) });
      },
    }),
  });
}
