// The state one JAX host shares across its modules: the tracer, the weight source, the dtype objects, and the
// conversion of Python values to symbolic arrays under JAX's promotion rules with x64 disabled (int64 → int32,
// float64 → float32; Python scalars are weakly typed and take the array's dtype where it is at least as wide).
import {
  BuiltinFunction, HostObject, PyList, PyTuple, numberOf, pyError, typeName, type Value,
} from '../../interp';
import type { DType } from '../../onnx/tensor';
import type { WeightSource } from '../../trace/host';
import * as ops from '../../trace/ops';
import { NotLowered, type Sym, type Tracer } from '../../trace/tracer';

/** A traced JAX array: a host value over one symbolic tensor. */
export class JaxArray extends HostObject {
  constructor(readonly sym: Sym, hooks: HostObject['hooks']) {
    super('Array', hooks);
  }
}

/** What `jnp.float32`, `x.dtype` and `np.int64` are: a dtype that also casts when called. */
class DTypeObject extends HostObject {
  constructor(readonly dtype: DType, hooks: HostObject['hooks']) {
    super('dtype', hooks);
  }
}

const DTYPE_NAMES: Record<string, DType> = {
  float32: 'float32', float64: 'float32', float_: 'float32', float: 'float32', double: 'float32',
  int32: 'int32', int64: 'int32', int_: 'int32', int: 'int32', long: 'int32',
  bool: 'bool', bool_: 'bool',
};


const KIND_RANK: Record<DType, number> = { bool: 0, int32: 1, int64: 1, float32: 2, float64: 2 };
const KIND_DEFAULT: DType[] = ['bool', 'int32', 'float32'];

/** A binary operand before promotion: a traced array, or a weakly typed Python scalar. */
type Operand = { sym: Sym } | { scalar: number; rank: number };

export class JaxContext {
  private readonly dtypes = new Map<DType, DTypeObject>();
  private drawCount = 0;
  /** set by the array module: how a Sym becomes a Python value */
  wrap!: (sym: Sym) => JaxArray;

  constructor(readonly t: Tracer, readonly weights: WeightSource) {}

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
      getattr: (name) => (name === 'name' ? dtype : name === 'itemsize' ? (dtype === 'bool' ? 1 : 4) : name === 'type' ? this.dtypeObject(dtype) : undefined),
      binary: (op, other) => (op === '==' || op === '!=' ? (this.dtypeOf(other) === dtype) === (op === '==') : undefined),
      repr: () => `dtype('${dtype}')`,
    });
  }

  /** The dtype a Python value names (jnp.float32, x.dtype, 'float32', float), or undefined for None. */
  dtypeOf(value: Value): DType | undefined {
    if (value === null) return undefined;
    if (value instanceof DTypeObject) return value.dtype;
    const name = typeof value === 'string' ? value : value instanceof BuiltinFunction ? value.name : undefined;
    const dtype = name === undefined ? undefined : DTYPE_NAMES[name];
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

  /** Python numbers and (nested) lists as constants; lists that hold arrays stack them. */
  private literal(value: Value): Sym {
    const n = numberOf(value);
    if (n) return ops.scalar(this.t, n.value, typeof value === 'boolean' ? 'bool' : n.isFloat ? 'float32' : 'int32');
    if (!(value instanceof PyList || value instanceof PyTuple)) throw pyError('TypeError', `expected an array-like, not ${typeName(value)}`);
    const parts = value.items.map((item) => this.toSym(item));
    if (!parts.length) return ops.fromValues(this.t, [], [0], 'float32');
    const dtype = KIND_DEFAULT[Math.max(...parts.map((p) => KIND_RANK[p.dtype]))];
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
    const rank = (o: Operand) => ('sym' in o ? KIND_RANK[o.sym.dtype] : o.rank);
    const strong = [x, y].filter((o): o is { sym: Sym } => 'sym' in o).map((o) => o.sym.dtype);
    const top = Math.max(rank(x), rank(y));
    const strongTop = strong.find((d) => KIND_RANK[d] === top);
    return strongTop ?? KIND_DEFAULT[top];
  }

  /** A float array (integer and bool arrays become float32, as true division and mean make them). */
  toFloat(sym: Sym): Sym {
    return ops.isFloat(sym) ? sym : ops.cast(this.t, sym, 'float32');
  }

  /** A fresh graph input holding a weight the model would draw at random (replaced when the loader runs). */
  drawWeight(kind: string, shape: readonly number[], init: Parameters<WeightSource['draw']>[3]): Sym {
    const name = `param.${kind}.${this.drawCount++}`;
    return this.t.input(name, this.weights.draw(name, shape, 'float32', init));
  }
}

