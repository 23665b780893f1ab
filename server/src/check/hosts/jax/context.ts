// The state one array host (JAX, or NumPy: server/src/check/hosts/numpy) shares across its modules: the tracer, the
// weight source, the dtype objects, and the conversion of Python values to symbolic arrays under the framework's
// promotion rules, given by a DTypePolicy. JAX's disables x64 (int64 → int32, float64 → float32); NumPy's keeps
// 64 bits and makes them the defaults. In both, Python scalars are weakly typed and take the array's dtype where it is
// at least as wide (NumPy 2, NEP 50).
import {
  BuiltinFunction, HostObject, PyList, PyRange, PyTuple, numberOf, pyError, typeName, type Value,
} from '../../interp';
import type { DType } from '../../onnx/tensor';
import type { WeightSource } from '../../trace/host';
import * as ops from '../../trace/ops';
import { NotLowered, type Sym, type Tracer } from '../../trace/tracer';

/** A traced JAX array: a host value over one symbolic tensor. */
export class JaxArray extends HostObject {
  /** replaced only by the NumPy host's in-place updates */
  constructor(public sym: Sym, hooks: HostObject['hooks']) {
    super('Array', hooks);
  }
}

/** What `jnp.float32`, `x.dtype` and `np.int64` are: a dtype that also casts when called. */
class DTypeObject extends HostObject {
  constructor(readonly dtype: DType, hooks: HostObject['hooks']) {
    super('dtype', hooks);
  }
}

/** Where the array frameworks differ: dtypes, and the attributes their arrays have. */
export interface DTypePolicy {
  /** the public attributes of the framework's array type (dir(jax.Array), dir(np.ndarray)): another name is an
   *  AttributeError (so hasattr answers False), one of these the check lacks is an API without a lowering; without
   *  the list, every public name is taken to be such an API */
  arrayAttributes?: ReadonlySet<string>;
  /** the dtype each name means (`float64`, `float`, `int_`, ...) */
  names: Record<string, DType>;
  /** the default dtype of each kind, by KIND_RANK: Python numbers, lists, creation functions, true division */
  kindDefaults: readonly [DType, DType, DType];
  /** the dtype an integer array and a float array of dtype `float` promote to */
  intWithFloat: (float: DType) => DType;
}

export const JAX_POLICY: DTypePolicy = {
  arrayAttributes: new Set(`T addressable_data addressable_shards all any argmax argmin argpartition argsort astype at byteswap choose clip
    committed compress conj conjugate copy copy_to_host_async cumprod cumsum device diagonal dot dtype flat flatten global_shards imag
    is_fully_addressable is_fully_replicated item itemsize mT max mean min nbytes ndim nonzero prod ptp ravel real repeat reshape round
    searchsorted shape sharding size sort squeeze std sum swapaxes take to_device trace transpose var view`.split(/\s+/)),
  names: {
    float32: 'float32', float64: 'float32', float_: 'float32', float: 'float32', double: 'float32',
    int32: 'int32', int64: 'int32', int_: 'int32', int: 'int32', long: 'int32',
    bool: 'bool', bool_: 'bool',
  },
  kindDefaults: ['bool', 'int32', 'float32'],
  intWithFloat: (float) => float,
};

/** NumPy 2: 64-bit defaults, and int32/int64 with float32 give float64. */
export const NUMPY_POLICY: DTypePolicy = {
  arrayAttributes: new Set(`T all any argmax argmin argpartition argsort astype base byteswap choose clip compress conj conjugate copy
    ctypes cumprod cumsum data device diagonal dot dtype dump dumps fill flags flat flatten getfield imag item itemsize mT max mean min
    nbytes ndim nonzero partition prod put ravel real repeat reshape resize round searchsorted setfield setflags shape size sort squeeze
    std strides sum swapaxes take to_device tobytes tofile tolist trace transpose var view`.split(/\s+/)),
  names: {
    float32: 'float32', single: 'float32', float64: 'float64', float_: 'float64', float: 'float64', double: 'float64',
    int32: 'int32', int64: 'int64', int_: 'int64', int: 'int64', long: 'int64', intp: 'int64',
    bool: 'bool', bool_: 'bool',
  },
  kindDefaults: ['bool', 'int64', 'float64'],
  intWithFloat: () => 'float64',
};

const KIND_RANK: Record<DType, number> = { bool: 0, int32: 1, int64: 1, float32: 2, float64: 2 };
const WIDTH: Record<DType, number> = { bool: 1, int32: 4, int64: 8, float32: 4, float64: 8 };
const KIND_CODE: Record<DType, string> = { bool: 'b', int32: 'i', int64: 'i', float32: 'f', float64: 'f' };

/** A binary operand before promotion: a traced array, or a weakly typed Python scalar. */
type Operand = { sym: Sym } | { scalar: number; rank: number };

export class JaxContext {
  private readonly dtypes = new Map<DType, DTypeObject>();
  private drawCount = 0;
  /** set by the array module: how a Sym becomes a Python value */
  wrap!: (sym: Sym) => JaxArray;

  constructor(readonly t: Tracer, readonly weights: WeightSource, readonly policy: DTypePolicy = JAX_POLICY) {}

  /** the default integer and float dtypes */
  get intDType(): DType {
    return this.policy.kindDefaults[1];
  }

  get floatDType(): DType {
    return this.policy.kindDefaults[2];
  }

  symOf(value: Value): Sym | undefined {
    return value instanceof JaxArray ? value.sym : undefined;
  }

  dtypeObject(dtype: DType): DTypeObject {
    let known = this.dtypes.get(dtype);
    if (!known) this.dtypes.set(dtype, (known = this.makeDType(dtype)));
    return known;
  }

  private makeDType(dtype: DType): DTypeObject {
    return new DTypeObject(dtype, {
      call: ([value]) => this.wrap(this.toSym(value, dtype)),
      getattr: (name) => {
        const attributes: Record<string, Value> = { name: dtype, itemsize: WIDTH[dtype], kind: KIND_CODE[dtype], type: this.dtypeObject(dtype) };
        return Object.hasOwn(attributes, name) ? attributes[name] : undefined;
      },
      binary: (op, other) => (op === '==' || op === '!=' ? (this.dtypeOf(other) === dtype) === (op === '==') : undefined),
      repr: () => `dtype('${dtype}')`,
    });
  }

  /** The dtype a Python value names (jnp.float32, x.dtype, 'float32', float), or undefined for None. */
  dtypeOf(value: Value): DType | undefined {
    if (value === null) return undefined;
    if (value instanceof DTypeObject) return value.dtype;
    const name = typeof value === 'string' ? value : value instanceof BuiltinFunction ? value.name : undefined;
    const dtype = name === undefined ? undefined : this.policy.names[name];
    if (!dtype) throw new NotLowered('dtype', `${typeName(value)} ${typeof value === 'string' ? value : ''}`.trim());
    return dtype;
  }

  /** Arrays, Python numbers and sequences: what JAX operators accept (anything else is NotImplemented). */
  isArrayLike(value: Value): boolean {
    return this.symOf(value) !== undefined || numberOf(value) !== undefined || value instanceof PyList || value instanceof PyTuple;
  }

  /** An array for any array-like (an array, a Python number, nested lists), cast to `dtype` when given. */
  toSym(value: Value, dtype?: DType): Sym {
    const sym = this.symOf(value) ?? this.literal(value);
    return dtype ? ops.cast(this.t, sym, dtype) : sym;
  }

  /** Python numbers, ranges and (nested) lists as constants; lists that hold arrays stack them. */
  private literal(value: Value): Sym {
    const n = numberOf(value);
    if (n) return ops.scalar(this.t, n.value, this.policy.kindDefaults[typeof value === 'boolean' ? 0 : n.isFloat ? 2 : 1]);
    if (value instanceof PyRange) return ops.fromValues(this.t, Array.from({ length: value.length }, (_, i) => value.at(i)), [value.length], this.policy.kindDefaults[1]);
    if (!(value instanceof PyList || value instanceof PyTuple)) throw pyError('TypeError', `expected an array-like, not ${typeName(value)}`);
    const parts = value.items.map((item) => this.toSym(item));
    if (!parts.length) return ops.fromValues(this.t, [], [0], this.floatDType);
    const dtype = parts.map((p) => p.dtype).reduce((a, b) => this.strongDType(a, b));
    return ops.stack(this.t, parts.map((p) => ops.cast(this.t, p, dtype)), 0);
  }

  private operand(value: Value): Operand {
    const sym = this.symOf(value);
    if (sym) return { sym };
    const n = numberOf(value);
    if (n) return { scalar: n.value, rank: typeof value === 'boolean' ? 0 : n.isFloat ? 2 : 1 };
    return { sym: this.literal(value) };
  }

  /** Both operands as arrays of their common dtype, promoted as JAX does (weak scalars defer to arrays). */
  promote(a: Value, b: Value): [Sym, Sym] {
    const [x, y] = [this.operand(a), this.operand(b)];
    const dtype = this.commonDType(x, y);
    const asSym = (o: Operand) => ('sym' in o ? ops.cast(this.t, o.sym, dtype) : ops.scalar(this.t, o.scalar, dtype));
    return [asSym(x), asSym(y)];
  }

  private commonDType(x: Operand, y: Operand): DType {
    if ('sym' in x && 'sym' in y) return this.strongDType(x.sym.dtype, y.sym.dtype);
    const rank = (o: Operand) => ('sym' in o ? KIND_RANK[o.sym.dtype] : o.rank);
    const strong = 'sym' in x ? x.sym.dtype : 'sym' in y ? y.sym.dtype : undefined;
    const top = Math.max(rank(x), rank(y));
    return strong && KIND_RANK[strong] === top ? strong : this.policy.kindDefaults[top];
  }

  /** Two arrays' common dtype: the wider of one kind; the policy's where an integer meets a float. */
  private strongDType(a: DType, b: DType): DType {
    const [low, high] = KIND_RANK[a] <= KIND_RANK[b] ? [a, b] : [b, a];
    if (KIND_RANK[low] === KIND_RANK[high]) return WIDTH[a] >= WIDTH[b] ? a : b;
    return KIND_RANK[low] === 1 && KIND_RANK[high] === 2 ? this.policy.intWithFloat(high) : high;
  }

  /** A float array (integer and bool arrays become the default float, as true division and mean make them). */
  toFloat(sym: Sym): Sym {
    return ops.isFloat(sym) ? sym : ops.cast(this.t, sym, this.floatDType);
  }

  /** A fresh graph input holding a weight the model would draw at random (replaced when the loader runs). */
  drawWeight(kind: string, shape: readonly number[], init: Parameters<WeightSource['draw']>[3]): Sym {
    const name = `param.${kind}.${this.drawCount++}`;
    return this.t.input(name, this.weights.draw(name, shape, 'float32', init));
  }
}

