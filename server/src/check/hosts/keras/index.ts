// The Keras 3 host (TensorFlow backend): keras.ops, keras.layers.Dropout, keras.Layer and keras.Variable, keras.backend,
// and numpy as the loader uses it, so that a converted file and its prelude (Linear, LayerNorm, load_torch_state_dict,
// ...) run as written. keras.ops is the JAX host's array table (hosts/jax/numpy.ts) under Keras's dtype rules
// (tensors.ts) plus the functions keras.ops has beyond numpy; the check calls the model as the oracle does,
// `model(*inputs, training=mode == 'train')`. Model inputs keep their dtypes (int64 ids stay int64, as
// keras.ops.convert_to_tensor keeps a NumPy array's dtype).
import { HostObject, PyDict, PyInstance, PyModule, PyTuple, type Value } from '../../interp';
import type { TraceHost, WeightSource } from '../../trace/host';
import { bindArgs, isNone, toInt } from '../../trace/args';
import * as ops from '../../trace/ops';
import { NotLowered, type Sym, type Tracer } from '../../trace/tracer';
import { frameworkModule } from '../jax';
import { installArrays, type Fn } from '../jax/array';
import { JaxContext, NUMPY_POLICY } from '../jax/context';
import { createNn } from '../jax/nn';
import { createNumpy, defineAll, shapeOf } from '../jax/numpy';
import { createInitializers } from '../jax/random';
import { conv } from './convolution';
import { createLayers } from './layers';
import { KerasContext, tensorOperator } from './tensors';

/** keras.ops's activations by their Keras signatures (defaults differ: leaky_relu's slope is 0.2), each computed by
 *  the jax.nn function named beside it. */
const ACTIVATIONS: Record<string, [parameters: string, jaxName: string]> = {
  relu: ['x', 'relu'], relu6: ['x', 'relu6'], gelu: ['x, approximate=True', 'gelu'], sigmoid: ['x', 'sigmoid'], silu: ['x', 'silu'],
  softplus: ['x', 'softplus'], softsign: ['x', 'soft_sign'], softmax: ['x, axis=-1', 'softmax'], log_softmax: ['x, axis=-1', 'log_softmax'],
  leaky_relu: ['x, negative_slope=0.2', 'leaky_relu'], elu: ['x, alpha=1.0', 'elu'], celu: ['x, alpha=1.0', 'celu'], selu: ['x', 'selu'],
  hard_sigmoid: ['x', 'hard_sigmoid'], hard_silu: ['x', 'hard_swish'], log_sigmoid: ['x', 'log_sigmoid'], glu: ['x, axis=-1', 'glu'],
};

export function createKerasHost(tracer: Tracer, options: { weights: WeightSource }): TraceHost {
  const ctx = new KerasContext(tracer, options.weights);
  const numpy = numpyModule(tracer, options.weights);
  installArrays(ctx, { functions: {}, operator: (op, left, right) => tensorOperator(ctx, op, left, right), attribute: (self, name) => tensorAttribute(ctx, numpy.wrap, self.sym, name) });
  ctx.trackTensors();
  const { functions, module: kerasOps } = createKerasOps(ctx);
  const layers = createLayers(ctx, functions, numpy.wrap);
  const isVariable = (x: Value) => x instanceof PyInstance && x.cls.isSubclassOf(layers.Variable);
  kerasOps.attrs.set('is_tensor', new HostObject('keras.ops.is_tensor', { call: ([x]) => ctx.isTensor(x) || isVariable(x) }));
  const backend = new PyModule('keras.backend', new Map<string, Value>([
    ['standardize_dtype', new HostObject('keras.backend.standardize_dtype', { call: ([dtype]) => (isNone(dtype) ? ctx.floatDType : ctx.dtypeOf(dtype)!) })],
    ['floatx', new HostObject('keras.backend.floatx', { call: () => ctx.floatDType })],
    ['is_tensor', kerasOps.attrs.get('is_tensor')!],
  ]));
  const kerasLayers = new PyModule('keras.layers', new Map<string, Value>([['Layer', layers.Layer], ['Dropout', layers.Dropout]]));
  const keras = new PyModule('keras', new Map<string, Value>([
    ['ops', kerasOps], ['layers', kerasLayers], ['backend', backend], ['Layer', layers.Layer], ['Variable', layers.Variable],
    ['KerasTensor', new HostObject('keras.KerasTensor', { instancecheck: () => false })],
  ]));
  const modules = new Map<string, PyModule>([['keras', keras], ['keras.ops', kerasOps], ['keras.layers', kerasLayers], ['keras.backend', backend], ['numpy', numpy.module]]);
  const wrapped = new Map<PyModule, HostObject>();
  return {
    tracer,
    importModule: (name) => {
      const module = modules.get(name);
      return module && frameworkModule(module, wrapped);
    },
    symOf: (value) => ctx.symOf(value),
    inputTensor: (sym) => ctx.wrap(sym),
    prepare: (_model, mode) => layers.setEntryTraining(mode === 'train'),
    stateDictValue: (state) => {
      const dict = new PyDict();
      for (const { name, sym } of state) dict.set(name, numpy.wrap(sym));
      return dict;
    },
  };
}

/** The functions of the jnp table that keras.ops lacks (keras.ops.astype raises AttributeError in Keras). */
const NOT_IN_KERAS_OPS = new Set([
  'array_equal', 'asarray', 'astype', 'atleast_1d', 'atleast_2d', 'atleast_3d', 'broadcast_arrays', 'column_stack', 'degrees',
  'float_power', 'invert', 'modf', 'positive', 'radians', 'remainder', 'tril_indices', 'triu_indices',
]);

/** keras.ops: the jnp table less what keras.ops lacks, the activations, and the functions beyond numpy. */
export function createKerasOps(ctx: KerasContext): { functions: Record<string, Fn>; module: PyModule } {
  const nn = createNn(ctx, createInitializers(ctx));
  const functions = { ...createNumpy(ctx, 'keras.ops').functions, ...beyondNumpy(ctx, nn) };
  const exposed = Object.entries(functions).filter(([k]) => !k.endsWith('_method') && !NOT_IN_KERAS_OPS.has(k));
  const module = new PyModule('keras.ops', new Map([...exposed.map(([k, fn]): [string, Value] => [k, new HostObject(`keras.ops.${k}`, { call: fn })]), ...activations(ctx, nn)]));
  return { functions, module };
}

/** What a TensorFlow EagerTensor has beyond operators: no NumPy methods (`x.T`, `x.reshape` raise AttributeError). */
function tensorAttribute(ctx: KerasContext, toNumpy: (sym: Sym) => Value, sym: Sym, name: string): Value | undefined {
  switch (name) {
    case 'shape': return new PyTuple(sym.shape);
    case 'ndim': return sym.shape.length;
    case 'dtype': return ctx.dtypeObject(sym.dtype);
    case 'get_shape': return new HostObject('get_shape', { call: () => new PyTuple(sym.shape) });
    case 'numpy': return new HostObject('numpy', { call: () => toNumpy(sym) });
  }
  return undefined;
}

/** numpy for the loader (np.asarray of the state_dict's arrays) and dtypes (np.int64): NumPy's own rules, arrays
 *  apart from the backend's tensors (keras.ops.is_tensor is False for them). */
function numpyModule(tracer: Tracer, weights: WeightSource) {
  const ctx = new JaxContext(tracer, weights, NUMPY_POLICY);
  const numpy = createNumpy(ctx, 'numpy');
  installArrays(ctx, { functions: numpy.functions });
  return { module: numpy.module, wrap: (sym: Sym) => ctx.wrap(sym) };
}

/** The activations, which TensorFlow computes for floating tensors only (it has no integer kernel for them). */
function activations(ctx: KerasContext, nn: PyModule): Map<string, Value> {
  return new Map(Object.entries(ACTIVATIONS).map(([name, [parameters, jaxName]]) => {
    const [first, ...rest] = parameters.split(', ').map((p) => p.split('=')[0]);
    const activation = nn.attrs.get(jaxName) as HostObject;
    return [name, new HostObject(`keras.ops.${name}`, {
      call: (args, kwargs, api) => {
        const b = bindArgs(`keras.ops.${name}(${parameters})`, args, kwargs);
        floatTensor(ctx, b[first], name);
        return activation.hooks.call!([b[first]], new Map(rest.map((p) => [p, b[p]])), api);
      },
    })];
  }));
}

function floatTensor(ctx: KerasContext, x: Value, what: string): Sym {
  const sym = ctx.toSym(x);
  if (!ops.isFloat(sym)) throw new NotLowered(`keras.ops.${what}`, `of a ${sym.dtype} tensor (TensorFlow has no integer kernel for it)`);
  return sym;
}

/** keras.ops functions numpy has not (or has with another signature). */
function beyondNumpy(ctx: KerasContext, nn: PyModule): Record<string, Fn> {
  const t = ctx.t;
  // jax.nn's functions never call back into Python: they need no interpreter API
  const jax = (name: string, args: Value[], kwargs: Record<string, Value> = {}) => (nn.attrs.get(name) as HostObject).hooks.call!(args, new Map(Object.entries(kwargs)), undefined as never);
  const float = (x: Value, what: string) => floatTensor(ctx, x, what);
  return defineAll(ctx, {
    conv: ['keras.ops.conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1)', (b) => conv(ctx, b)],
    rsqrt: ['keras.ops.rsqrt(x)', (b) => ops.unary(t, 'Reciprocal', ops.unary(t, 'Sqrt', float(b.x, 'rsqrt')))],
    cast: ['keras.ops.cast(x, dtype)', (b) => ctx.toSym(b.x, ctx.dtypeOf(b.dtype))],
    convert_to_tensor: ['keras.ops.convert_to_tensor(x, dtype=None, sparse=None, ragged=None)', (b) => ctx.toSym(b.x, ctx.dtypeOf(b.dtype))],
    shape: ['keras.ops.shape(x)', (b) => new PyTuple(ctx.toSym(b.x).shape)],
    erf: ['keras.ops.erf(x)', (b) => ops.unary(t, 'Erf', float(b.x, 'erf'))],
    // floor and ceil give floats for integer and bool tensors too, and full's default dtype is floatx, unlike NumPy
    floor: ['keras.ops.floor(x)', (b) => ops.unary(t, 'Floor', ctx.toFloat(ctx.toSym(b.x)))],
    ceil: ['keras.ops.ceil(x)', (b) => ops.unary(t, 'Ceil', ctx.toFloat(ctx.toSym(b.x)))],
    full: ['keras.ops.full(shape, fill_value, dtype=None)', (b) => ops.expand(t, ctx.toSym(b.fill_value, ctx.dtypeOf(b.dtype) ?? ctx.floatDType), shapeOf(b.shape))],
    stop_gradient: ['keras.ops.stop_gradient(variable)', (b) => ctx.toSym(b.variable)],
    logsumexp: ['keras.ops.logsumexp(x, axis=None, keepdims=False)', (b) => jax('logsumexp', [b.x, b.axis], { keepdims: b.keepdims })],
    one_hot: ['keras.ops.one_hot(x, num_classes, axis=-1, dtype=None, sparse=False)', (b) => {
      if (b.sparse !== false) throw new NotLowered('keras.ops.one_hot', 'sparse=True');
      return jax('one_hot', [b.x, b.num_classes], { axis: b.axis, dtype: b.dtype });
    }],
    top_k: ['keras.ops.top_k(x, k, sorted=True)', (b) => {
      if (b.sorted !== true) throw new NotLowered('keras.ops.top_k', 'sorted=False (TensorFlow leaves the order unspecified)');
      const [values, indices] = ops.topk(t, ctx.toSym(b.x), toInt(b.k), -1, true, true);
      return new PyTuple([ctx.wrap(values), ctx.wrap(ops.cast(t, indices, 'int32'))]);
    }],
  });
}
