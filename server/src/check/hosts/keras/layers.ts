// keras.Layer, keras.Variable and keras.layers.Dropout as interpreted classes, so that the layers a converted file
// defines (its prelude's Linear, LayerNorm, ... and the model) run as written: `super().__init__(**kwargs)`,
// add_weight, sublayers as attributes (vars() sees them), `layer(x)` calling `call(x, training=...)`.
// The training argument follows Keras 3's Layer.__call__: the value passed explicitly, else the one an enclosing
// layer call resolved, else the default of call()'s signature; it is handed to call() only when call() takes it.
import { Decorated, PyClass, PyFunction, PyInstance, PyList, PyTuple, objectClass, pyError, type InterpreterApi, type Kwargs, type Value } from '../../interp';
import { bindArgs, toNumber } from '../../trace/args';
import * as ops from '../../trace/ops';
import { NotLowered, type Sym } from '../../trace/tracer';
import { indexOf, type Fn } from '../jax/array';
import { shapeOf } from '../jax/numpy';
import { getIndex } from '../../trace/indexing';
import { makeClass, method } from '../jax/nnx';
import { JaxArray } from '../jax/context';
import type { KerasContext } from './tensors';

export interface KerasLayers {
  Layer: PyClass;
  Variable: PyClass;
  Dropout: PyClass;
  /** the training value of the outermost layer call when it passes none: the check's mode */
  setEntryTraining(training: boolean): void;
}

/** keras.Layer.__init__'s keywords (any other raises, as in Keras) */
const LAYER_KEYWORDS = new Set(['name', 'dtype', 'trainable', 'autocast', 'activity_regularizer', 'input_dim', 'input_shape']);

export function createLayers(ctx: KerasContext, functions: Record<string, Fn>, toNumpy: (sym: Sym) => Value): KerasLayers {
  const Variable = variableClass(ctx, functions, toNumpy);
  /** the training value resolved so far in the outermost layer call running now, if any */
  let context: { training: Value } | undefined;
  let entryTraining: boolean | undefined;
  const Layer = makeClass('Layer', [objectClass], {
    __init__: method('__init__', (self, args, kwargs, api) => {
      if (args.length) throw pyError('TypeError', `Layer.__init__() takes 1 positional argument but ${args.length + 1} were given`);
      const unknown = [...kwargs].filter(([k]) => !LAYER_KEYWORDS.has(k)).map(([k, v]) => `'${k}': ${api.repr(v)}`);
      if (unknown.length) throw pyError('ValueError', `Unrecognized keyword arguments passed to ${self.cls.name}: {${unknown.join(', ')}}`);
      self.attrs.set('built', false);
      return null;
    }),
    add_weight: method('add_weight', (_self, args, kwargs) => addWeight(ctx, functions, Variable, args, kwargs)),
    __call__: method('__call__', (self, args, kwargs, api) => {
      const outermost = !context;
      context ??= { training: null };
      try {
        const call = self.cls.lookup('call');
        if (call === undefined) throw new NotLowered(`${self.cls.name}.call`, 'a layer without call()');
        const signature = trainingParameter(call);
        const given = kwargs.has('training') ? kwargs.get('training')! : outermost && entryTraining !== undefined ? entryTraining : null;
        const training = given !== null ? given : context.training !== null ? context.training : signature.default;
        context.training = training;
        const rest = new Map([...kwargs].filter(([k]) => k !== 'training').map(([k, v]) => [k, asLayerInput(ctx, v)]));
        if (signature.takesTraining && training !== null) rest.set('training', training);
        const inputs = args.map((a) => asLayerInput(ctx, a));
        build(self, inputs, api);
        return api.call(api.getattr(self, 'call'), inputs, rest);
      } finally {
        if (outermost) context = undefined;
      }
    }),
  });
  const Dropout = makeClass('Dropout', [Layer], {
    __init__: method('__init__', (self, args, kwargs, api) => {
      const b = bindArgs('Dropout(rate, noise_shape=None, seed=None, **kwargs)', args, kwargs);
      api.call(Layer.lookup('__init__')!, [self], b.kwargs as Kwargs);
      self.attrs.set('rate', b.rate);
      return null;
    }),
    call: DROPOUT_CALL,
  });
  return { Layer, Variable, Dropout, setEntryTraining: (training) => void (entryTraining = training) };
}

/** Dropout.call(inputs, training=False): the inputs, unless it drops at random (training with rate > 0). */
const DROPOUT_CALL = method('call', (self, args, kwargs) => {
  const b = bindArgs('call(inputs, training=False)', args, kwargs);
  if (b.training === true && toNumber(self.attrs.get('rate') ?? 0) > 0) throw new NotLowered('keras.layers.Dropout', 'in training mode (it drops at random)');
  return b.inputs;
});

/** Whether call() has a `training` parameter (**kwargs does not count, as in Keras), and its default. */
function trainingParameter(call: Value): { takesTraining: boolean; default: Value } {
  if (call === DROPOUT_CALL) return { takesTraining: true, default: false };
  const parameter = call instanceof PyFunction ? call.parameters.find((p) => p.name === 'training' && p.kind !== 'varKwargs' && p.kind !== 'varArgs') : undefined;
  return { takesTraining: parameter !== undefined, default: parameter?.default ?? null };
}

/** A layer's first call builds it: a build() the file defines runs with the first input's shape. */
function build(self: PyInstance, args: Value[], api: InterpreterApi): void {
  if (self.attrs.get('built') === true) return;
  if (self.cls.lookup('build') instanceof PyFunction) api.call(api.getattr(self, 'build'), [api.getattr(args[0], 'shape')]);
  self.attrs.set('built', true);
}

/** Layer.__call__'s inputs (positional and keyword, inside lists and tuples too): NumPy arrays become tensors and
 *  floating ones take the layer's compute dtype (float32); integer inputs stay as they are. */
function asLayerInput(ctx: KerasContext, value: Value): Value {
  if (value instanceof PyList) return new PyList(value.items.map((v) => asLayerInput(ctx, v)));
  if (value instanceof PyTuple) return new PyTuple(value.items.map((v) => asLayerInput(ctx, v)));
  if (!(value instanceof JaxArray)) return value;
  const sym = ops.isFloat(value.sym) ? ops.cast(ctx.t, value.sym, ctx.floatDType) : value.sym;
  return ctx.isTensor(value) && sym === value.sym ? value : ctx.wrap(sym);
}

/** add_weight(shape, initializer, dtype, ..., name): a keras.Variable of the layer's float dtype unless told. */
function addWeight(ctx: KerasContext, functions: Record<string, Fn>, Variable: PyClass, args: Value[], kwargs: Kwargs): PyInstance {
  const b = bindArgs('add_weight(shape=None, initializer=None, dtype=None, trainable=True, autocast=True, regularizer=None, constraint=None, aggregation="none", overwrite_with_gradient=False, name=None)', args, kwargs);
  const variable = new PyInstance(Variable);
  variable.hostState = { value: initialValue(ctx, functions, b.initializer, b.shape === null ? new PyTuple([]) : b.shape, b.dtype ?? ctx.floatDType) };
  variable.attrs.set('name', b.name ?? 'variable');
  return variable;
}

/** A variable's first value: an initializer named by a string fills `shape` (zeros and ones as asked, a seeded draw
 *  for the random ones, which the loader replaces); an array-like is converted, keeping its dtype unless told. */
function initialValue(ctx: KerasContext, functions: Record<string, Fn>, initializer: Value, shape: Value, dtype: Value): Value {
  if (typeof initializer !== 'string') return functions.convert_to_tensor([initializer, dtype], new Map());
  if (shape === null) throw pyError('ValueError', 'When creating a Variable from an initializer, the `shape` argument should be specified.');
  const float = dtype ?? ctx.floatDType;
  if (initializer === 'zeros' || initializer === 'ones') return functions[initializer]([shape, float], new Map());
  return ctx.wrap(ops.cast(ctx.t, ctx.drawWeight('keras', shapeOf(shape), { kind: 'normal' }), ctx.dtypeOf(float)!));
}

const OPERATORS: Record<string, string> = {
  add: 'add', sub: 'subtract', mul: 'multiply', truediv: 'divide', floordiv: 'floor_divide', mod: 'remainder', pow: 'power', matmul: 'matmul',
};

/** keras.Variable: holds a tensor (`value`); assign casts to its dtype and keeps its shape; operators are keras.ops
 *  on its value (keras promotion); dtype is a string, as Keras gives it. */
function variableClass(ctx: KerasContext, functions: Record<string, Fn>, toNumpy: (sym: Sym) => Value): PyClass {
  const valueOf = (self: PyInstance) => ctx.symOf(self)!;
  const property = (name: string, get: (self: PyInstance) => Value) => new Decorated('property', method(name, (self) => get(self)));
  const assign = (self: PyInstance, value: Value) => {
    const current = valueOf(self);
    const next = ops.cast(ctx.t, ctx.toSym(value), current.dtype);
    if (next.shape.join() !== current.shape.join()) throw pyError('ValueError', `The shape of the target variable and the shape of the target value in \`variable.assign(value)\` must match. variable.shape=(${current.shape.join(', ')}), Received: value.shape=(${next.shape.join(', ')}).`);
    self.hostState = { value: ctx.wrap(next) };
    return self;
  };
  const members: Record<string, Value> = {
    __init__: method('__init__', (self, args, kwargs) => {
      const b = bindArgs('Variable(initializer, shape=None, dtype=None, trainable=True, autocast=True, aggregation="none", synchronization="auto", name=None)', args, kwargs);
      self.hostState = { value: initialValue(ctx, functions, b.initializer, b.shape, b.dtype) };
      self.attrs.set('name', b.name ?? 'variable');
      return null;
    }),
    value: property('value', (self) => ctx.wrap(valueOf(self))),
    shape: property('shape', (self) => new PyTuple(valueOf(self).shape)),
    ndim: property('ndim', (self) => valueOf(self).shape.length),
    dtype: property('dtype', (self) => valueOf(self).dtype),
    assign: method('assign', (self, [value]) => assign(self, value)),
    // assign_add/assign_sub are keras.ops add/subtract of the value, then assign (a cast back to the variable's dtype)
    assign_add: method('assign_add', (self, [value]) => assign(self, functions.add([ctx.wrap(valueOf(self)), value], new Map()))),
    assign_sub: method('assign_sub', (self, [value]) => assign(self, functions.subtract([ctx.wrap(valueOf(self)), value], new Map()))),
    numpy: method('numpy', (self) => toNumpy(valueOf(self))),
    __getitem__: method('__getitem__', (self, [key]) => ctx.wrap(getIndex(ctx.t, valueOf(self), indexOf(ctx, key)))),
    __neg__: method('__neg__', (self) => ctx.wrap(ops.unary(ctx.t, 'Neg', valueOf(self)))),
  };
  for (const [name, fn] of Object.entries(OPERATORS)) {
    members[`__${name}__`] = method(`__${name}__`, (self, [other]) => functions[fn]([ctx.wrap(valueOf(self)), other], new Map()));
    members[`__r${name}__`] = method(`__r${name}__`, (self, [other]) => functions[fn]([other, ctx.wrap(valueOf(self))], new Map()));
  }
  return makeClass('Variable', [objectClass], members);
}
