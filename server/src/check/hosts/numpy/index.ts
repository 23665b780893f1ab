// The NumPy host: numpy as the NumPy target and its prelude (Linear, LayerNorm, load_torch_state_dict, ...) use it,
// executed rather than re-implemented. The functions are the JAX host's array table (hosts/jax/numpy.ts) under
// NumPy's dtype policy (64-bit defaults: float64 for Python floats and lists of them, int64 for integers), and arrays
// are mutable: `x[k] = v` and `x += y` update x, and views follow the updates of what they view (views.ts). Model
// inputs keep their dtypes. NumPy code is inference code: the host refuses training mode.
import { BuiltinFunction, HostObject, PyDict, PyList, PyModule, type Kwargs, type Value } from '../../interp';
import type { TraceHost, WeightSource } from '../../trace/host';
import * as ops from '../../trace/ops';
import { NotLowered, type Sym, type Tracer } from '../../trace/tracer';
import { frameworkModule } from '../jax';
import { installArrays, type Fn } from '../jax/array';
import { JaxContext, NUMPY_POLICY } from '../jax/context';
import { createNumpy } from '../jax/numpy';
import { ArrayViews } from './views';

/** A NumPy host, and the speculations its trace made (ArrayViews.guards), which must hold for its result to count. */
export interface NumpyHost extends TraceHost {
  readonly views: ArrayViews;
}

/** numpy functions whose result views their first argument (the methods of the same names too). */
const VIEW_FUNCTIONS = ['reshape', 'reshape_method', 'transpose', 'transpose_method', 'swapaxes', 'moveaxis', 'squeeze', 'expand_dims', 'ravel', 'broadcast_to', 'split', 'array_split'];

/** The elementwise ONNX op of each `math` function that np.vectorize can lift to arrays. */
const VECTORIZABLE: Record<string, string> = { erf: 'Erf', exp: 'Exp', log: 'Log', sqrt: 'Sqrt', tanh: 'Tanh', sin: 'Sin', cos: 'Cos', tan: 'Tan', fabs: 'Abs' };
/** ops onnxruntime-web has no float64 kernel for */
const FLOAT32_ONLY = new Set(['Erf']);

export function createNumpyHost(tracer: Tracer, options: { weights: WeightSource }): NumpyHost {
  const ctx = new JaxContext(tracer, options.weights, NUMPY_POLICY);
  const views = new ArrayViews(ctx);
  const numpy = createNumpy(ctx, 'numpy');
  const functions = { ...numpy.functions, ...viewingFunctions(numpy.functions, views) };
  installArrays(ctx, { functions, mutable: views });
  const attrs = numpy.module.attrs;
  for (const name of VIEW_FUNCTIONS.filter((n) => attrs.has(n))) attrs.set(name, new HostObject(`numpy.${name}`, { call: functions[name] }));
  attrs.set('asarray', new HostObject('numpy.asarray', { call: (args, kwargs) => asArray(ctx, numpy.functions.asarray, args, kwargs) }));
  attrs.set('ascontiguousarray', new HostObject('numpy.ascontiguousarray', { call: (args, kwargs) => contiguous(ctx, views, numpy.functions.asarray, args, kwargs) }));
  attrs.set('vectorize', new HostObject('numpy.vectorize', { call: ([pyfunc], kwargs) => vectorize(ctx, pyfunc, kwargs) }));
  const module = frameworkModule(new PyModule('numpy', attrs), new Map());
  return {
    tracer,
    views,
    importModule: (name) => (name === 'numpy' ? module : undefined),
    symOf: (value) => ctx.symOf(value),
    inputTensor: (sym) => ctx.wrap(sym),
    prepare: (_model, mode) => {
      if (mode === 'train') throw new NotLowered('training mode', 'the NumPy target is for inference (modules are always in evaluation mode)');
    },
    stateDictValue: (state) => {
      const dict = new PyDict();
      for (const { name, sym } of state) dict.set(name, ctx.wrap(sym));
      return dict;
    },
  };
}

/** The view functions, whose results view their first argument: derived again from it after each update. */
function viewingFunctions(functions: Record<string, Fn>, views: ArrayViews): Record<string, Fn> {
  const viewing = VIEW_FUNCTIONS.filter((name) => functions[name]).map((name): [string, Fn] => [name, (args, kwargs) => {
    const base = views.arrayOf(args[0]);
    const result = functions[name](args, kwargs);
    if (!base) return result;
    const again = (sym: Sym) => functions[name]([views.detached(sym), ...args.slice(1)], kwargs);
    if (result instanceof PyList) return new PyList(result.items.map((_, i) => views.view(base, (sym) => views.symOf((again(sym) as PyList).items[i]))));
    return views.view(base, (sym) => views.symOf(again(sym)));
  }]);
  return Object.fromEntries(viewing);
}

/** np.asarray(x) is x itself when x is an array of the asked dtype (so updating it updates x). */
function asArray(ctx: JaxContext, convert: Fn, args: Value[], kwargs: Kwargs): Value {
  const [a, dtype = kwargs.get('dtype') ?? null] = args;
  const sym = ctx.symOf(a);
  if (sym && (dtype === null || ctx.dtypeOf(dtype) === sym.dtype) && args.length <= 2 && kwargs.size <= (kwargs.has('dtype') ? 1 : 0)) return a;
  return convert(args, kwargs);
}

/** np.ascontiguousarray(a, dtype=None): an array-like becomes an array; an array is kept or copied (views.ts). */
function contiguous(ctx: JaxContext, views: ArrayViews, convert: Fn, args: Value[], kwargs: Kwargs): Value {
  const array = views.arrayOf(args[0]);
  const dtype = args[1] ?? kwargs.get('dtype') ?? null;
  if (!array || (dtype !== null && ctx.dtypeOf(dtype) !== array.sym.dtype)) return convert(args, kwargs);
  return views.contiguous(array);
}

/** np.vectorize of a `math` function with an elementwise op: that op over arrays, in the first of `otypes`. ONNX
 *  Runtime has no float64 kernel for some (Erf): those compute in float32, within float32 rounding of NumPy. */
function vectorize(ctx: JaxContext, pyfunc: Value, kwargs: Kwargs): HostObject {
  const name = pyfunc instanceof BuiltinFunction ? pyfunc.name : undefined;
  const op = name && VECTORIZABLE[name];
  if (!op) throw new NotLowered('numpy.vectorize', 'of a Python function (it runs once per element)');
  const otypes = kwargs.get('otypes');
  const out = otypes instanceof PyList && otypes.items.length ? ctx.dtypeOf(otypes.items[0]) : undefined;
  return new HostObject(`vectorize(${name})`, {
    call: ([x]) => {
      const float = ctx.toFloat(ctx.toSym(x));
      const result = ops.unary(ctx.t, op, FLOAT32_ONLY.has(op) ? ops.cast(ctx.t, float, 'float32') : float);
      return ctx.wrap(ops.cast(ctx.t, result, out ?? float.dtype));
    },
  });
}
