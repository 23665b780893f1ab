// The NumPy host: numpy as the NumPy target and its prelude (Linear, LayerNorm, load_torch_state_dict, ...) use it,
// executed rather than re-implemented. The functions are the JAX host's array table (hosts/jax/numpy.ts) under
// NumPy's dtype policy (64-bit defaults: float64 for Python floats and lists of them, int64 for integers), and arrays
// are mutable: `x[k] = v` and `x += y` update x, and views follow the updates of what they view (views.ts). Model
// inputs keep their dtypes. NumPy code is inference code: the host refuses training mode.
import { BuiltinFunction, HostObject, PyDict, PyList, PyModule, pyError, type Kwargs, type Value } from '../../interp';
import { bindArgs, isNone, isSequence, toInt, toInts } from '../../trace/args';
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
  const windowView = new HostObject('numpy.lib.stride_tricks.sliding_window_view', { call: (args, kwargs) => slidingWindowView(ctx, views, args, kwargs) });
  attrs.set('lib', new PyModule('numpy.lib', new Map([['stride_tricks', new PyModule('numpy.lib.stride_tricks', new Map([['sliding_window_view', windowView]]))]])));
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

/** np.lib.stride_tricks.sliding_window_view(x, window_shape, axis=None): each windowed axis of size n becomes its
 *  n - w + 1 window positions, and the windows' w elements follow as new last axes, in the order of `axis`. One Gather
 *  per axis with the index grid position + offset; a view of x, as in NumPy. */
function slidingWindowView(ctx: JaxContext, views: ArrayViews, args: Value[], kwargs: Kwargs): Value {
  const a = bindArgs('sliding_window_view(x, window_shape, axis=None, *, subok=False, writeable=False)', args, kwargs);
  const windowShape = isSequence(a.window_shape) ? toInts(a.window_shape) : [toInt(a.window_shape)];
  const windows = (x: Sym): Sym => {
    const rank = x.shape.length;
    const axes = isNone(a.axis) ? x.shape.map((_, i) => i) : (isSequence(a.axis) ? toInts(a.axis) : [toInt(a.axis)]).map((axis) => (axis < 0 ? axis + rank : axis));
    if (axes.length !== windowShape.length) throw pyError('ValueError', 'Must provide matching length window_shape and axis');
    if (new Set(axes).size !== axes.length || axes.some((axis) => axis < 0 || axis >= rank)) throw new NotLowered('numpy.lib.stride_tricks.sliding_window_view', 'with repeated or out-of-range axes');
    // what each axis of the result is: an axis of x (its window positions) or the k-th window's elements
    const layout: Array<{ axis: number } | { window: number }> = x.shape.map((_, axis) => ({ axis }));
    let result = x;
    axes.forEach((axis, k) => {
      const w = windowShape[k], count = x.shape[axis] - w + 1;
      if (count < 1) throw pyError('ValueError', 'window shape cannot be larger than input array shape');
      const grid = Array.from({ length: count * w }, (_, i) => Math.floor(i / w) + (i % w));
      const at = layout.findIndex((d) => 'axis' in d && d.axis === axis);
      result = ops.gather(ctx.t, result, ops.fromValues(ctx.t, grid, [count, w], 'int64'), at);
      layout.splice(at + 1, 0, { window: k });
    });
    const positions = layout.map((d, i) => ({ d, i }));
    const perm = [...positions.filter(({ d }) => 'axis' in d), ...positions.filter(({ d }) => 'window' in d).sort((p, q) => windowIndex(p.d) - windowIndex(q.d))].map(({ i }) => i);
    return ops.transpose(ctx.t, result, perm);
  };
  const base = views.arrayOf(a.x);
  return base ? views.view(base, windows) : ctx.wrap(windows(ctx.toSym(a.x)));
}

const windowIndex = (d: { axis: number } | { window: number }) => ('window' in d ? d.window : -1);

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
