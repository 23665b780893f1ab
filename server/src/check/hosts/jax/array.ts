// JAX arrays as interpreter values: operators with JAX promotion, attributes, methods (the jnp functions with the
// array first), numpy indexing and the functional updates `x.at[idx].set/add/multiply/min/max/get(...)`.
import { HostObject, PyTuple, pyError, type Kwargs, type Value } from '../../interp';
import { getIndex, parseIndex, setIndex, type UpdateMode } from '../../trace/indexing';
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

interface ArrayApi {
  /** jnp functions usable as methods: x.sum(1) is jnp.sum(x, 1) */
  functions: Record<string, Fn>;
}

/** Makes ctx.wrap produce arrays whose methods come from `api`. */
export function installArrays(ctx: JaxContext, api: ArrayApi): void {
  ctx.wrap = (sym) => {
    const self: JaxArray = new JaxArray(sym, {
      getattr: (name) => attribute(ctx, api, self, name),
      getitem: (key) => ctx.wrap(getIndex(ctx.t, sym, indexOf(ctx, key))),
      setitem: () => {
        throw pyError('TypeError', "JAX arrays are immutable; use x = x.at[idx].set(y)");
      },
      binary: (op, other, reflected) => {
        const out = reflected ? binaryOperator(ctx, op, other, self) : binaryOperator(ctx, op, self, other);
        return out && ctx.wrap(out);
      },
      unary: (op) => ctx.wrap(unaryOperator(ctx, op, sym)),
      iterate: () => Array.from({ length: leading(sym) }, (_, i) => ctx.wrap(getIndex(ctx.t, sym, [{ kind: 'int', index: i }]))),
      len: () => leading(sym),
      truthy: () => {
        throw new DataDependent('the truth value of an array');
      },
      repr: () => `Array(shape=(${sym.shape.join(', ')}), dtype=${sym.dtype})`,
    });
    return self;
  };
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
const METHOD_FUNCTION: Record<string, string> = { reshape: 'reshape_method', transpose: 'transpose_method', flatten: 'ravel' };

function attribute(ctx: JaxContext, api: ArrayApi, self: JaxArray, name: string): Value | undefined {
  const sym = self.sym;
  switch (name) {
    case 'shape': return new PyTuple(sym.shape);
    case 'ndim': return sym.shape.length;
    case 'size': return ops.size(sym.shape);
    case 'dtype': return ctx.dtypeObject(sym.dtype);
    case 'T': return ctx.wrap(ops.transpose(ctx.t, sym, sym.shape.map((_, i) => sym.shape.length - 1 - i)));
    case 'at': return atHelper(ctx, sym);
    case '__abs__': return ctx.wrap(ops.unary(ctx.t, 'Abs', sym));
    case 'item': case 'tolist': case '__float__': case '__int__':
      throw new DataDependent(`x.${name}()`);
  }
  const fn = METHODS.has(name) ? api.functions[METHOD_FUNCTION[name] ?? name] : undefined;
  if (fn) return new HostObject(`Array.${name}`, { call: (args, kwargs) => fn([self, ...args], kwargs) });
  return name.startsWith('_') ? undefined : missingApi(`Array.${name}`);
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
