// Keras 3 tensors on the TensorFlow backend: the JAX host's arrays under Keras's dtype rules. keras.ops promote as
// keras.backend.result_type does (JAX's lattice with 64-bit types: int32 with float32 gives float32, int32 with int64
// int64, Python scalars weakly typed); Python operators on the tensors are TensorFlow's, which do not promote (both
// operands must have one dtype, a Python number takes the tensor's) and divide int32/int64 into float64.
import { PyClass, PyError, PyInstance, PyTuple, exceptionClasses, numberOf, pyError, type Value } from '../../interp';
import * as ops from '../../trace/ops';
import type { WeightSource } from '../../trace/host';
import { NotLowered, type Sym, type Tracer } from '../../trace/tracer';
import { binaryOperator } from '../jax/array';
import { JaxArray, JaxContext, type DTypePolicy } from '../jax/context';

/** keras.backend.standardize_dtype's names: floatx float32 is the float default, keras.ops.arange gives int32 and
 *  Python's `int` names int64. */
export const KERAS_POLICY: DTypePolicy = {
  names: {
    float32: 'float32', float64: 'float64', float: 'float32', double: 'float64',
    int32: 'int32', int64: 'int64', int: 'int64',
    bool: 'bool', bool_: 'bool',
    // NumPy's names, which the shared array table asks for (keras.ops has no such attributes)
    float_: 'float64', int_: 'int64',
  },
  kindDefaults: ['bool', 'int32', 'float32'],
  intWithFloat: (float) => float,
};

/** The JAX context with Keras's policy, whose arrays also include keras.Variable values (their current value) and
 *  which tells the backend's tensors apart from the NumPy arrays the same file uses. */
export class KerasContext extends JaxContext {
  private readonly tensors = new WeakSet<JaxArray>();

  constructor(tracer: Tracer, weights: WeightSource) {
    super(tracer, weights, KERAS_POLICY);
  }

  /** the value of a tensor, or of a keras.Variable (the only instances this host keeps a value on) */
  override symOf(value: Value): Sym | undefined {
    if (value instanceof PyInstance) return super.symOf((value.hostState as { value?: Value } | undefined)?.value ?? null);
    return super.symOf(value);
  }

  /** makes wrap remember the tensors it makes (keras.ops.is_tensor) */
  trackTensors(): void {
    const wrap = this.wrap;
    this.wrap = (sym) => {
      const tensor = wrap(sym);
      this.tensors.add(tensor);
      return tensor;
    };
  }

  isTensor(value: Value): boolean {
    return value instanceof JaxArray && this.tensors.has(value);
  }
}

/** tf.errors.InvalidArgumentError (an OpError, an Exception): what a TensorFlow kernel raises for inputs it rejects */
const InvalidArgumentError = new PyClass('InvalidArgumentError', [exceptionClasses.get('Exception')!], new Map());

function invalidArgument(message: string): PyError {
  const exception = new PyInstance(InvalidArgumentError);
  exception.attrs.set('args', new PyTuple([message]));
  return new PyError(exception);
}

/** TensorFlow's error for a Python float meeting an integer tensor: `tensor + float` converts the float on its own and
 *  fails in the kernel; every other operator converts it to the tensor's dtype and fails there. */
function floatIntoIntegers(op: string, tensorOnLeft: boolean, value: number, dtype: string): Error {
  if (op === '+' && tensorOnLeft) return invalidArgument(`cannot compute AddV2 as input #1(zero-based) was expected to be a ${dtype} tensor but is a float tensor`);
  return pyError('TypeError', `Cannot convert ${value} to EagerTensor of dtype ${dtype}`);
}

/** A Python operator on a TensorFlow tensor: a Python number is converted to the tensor's dtype (a float into an
 *  integer tensor raises), two tensors must share a dtype; true division of int32/int64 gives float64. */
export function tensorOperator(ctx: KerasContext, op: string, left: Value, right: Value): Sym | undefined {
  const [a, b] = [ctx.symOf(left), ctx.symOf(right)];
  if (!a && !b) return undefined;
  const dtype = (a ?? b)!.dtype;
  const other = a ? right : left;
  if (a && b && a.dtype !== b.dtype) throw invalidArgument(`cannot compute ${op} as input #1(zero-based) was expected to be a ${a.dtype} tensor but is a ${b.dtype} tensor`);
  if (!(a && b)) {
    const n = numberOf(other);
    if (!n) return undefined;
    if (n.isFloat && !dtype.startsWith('float')) throw floatIntoIntegers(op, Boolean(a), n.value, dtype);
  }
  // TensorFlow has no arithmetic kernels for bool; which error each operator raises is not followed
  if (dtype === 'bool' && !['&', '|', '^', '==', '!='].includes(op)) throw new NotLowered(`the operator ${op} on bool tensors`);
  if (op === '/' && (dtype === 'int32' || dtype === 'int64')) {
    const [x, y] = [ctx.toSym(left, dtype), ctx.toSym(right, dtype)].map((s) => ops.cast(ctx.t, s, 'float64'));
    return ops.binary(ctx.t, 'Div', x, y);
  }
  return binaryOperator(ctx, op, ctx.wrap(ctx.toSym(left, dtype)), ctx.wrap(ctx.toSym(right, dtype)));
}
