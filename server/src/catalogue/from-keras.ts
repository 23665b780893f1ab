// The Keras side of the catalogue, for TensorFlow / Keras 3 → PyTorch: per keras.ops / keras.activations function or
// keras.layers layer, its real signature (keras 3.15, inspect.signature; the keywords every layer takes written out)
// and the PyTorch emission over the bound arguments. Keras's defaults that differ from PyTorch's are passed
// explicitly. `cases` are checked against the real frameworks (test/from-keras.test.ts): the Keras expression in Keras
// on TensorFlow against its conversion in PyTorch (the case's `jax` field holds the source expression).
import { bind, type Bound } from './signature';
import { call, entries, f32, geluMode, isNone, type ReverseEmitter, type ReverseEntry, type Table, unary } from './from-jax';
import { type Arg, isNum, numValue } from '../pyvalue';
import { atom } from './define';

/** keras.ops reductions: an axis (int or tuple) is torch's dim; None means all axes, which torch spells by leaving
 *  dim out (keepdims then has no torch spelling). */
function reduction(fn: string, extra: string[] = []) {
  return (a: Bound, e: ReverseEmitter) => {
    if (a.initial && !isNone(a.initial)) e.unsupported('initial= has no PyTorch equivalent');
    if (isNone(a.axis)) {
      if (a.keepdims.lit !== false) e.unsupported('keepdims=True without an axis');
      return call(fn, [a.x.text, ...extra]);
    }
    return call(fn, [a.x.text, `dim=${a.axis.text}`, ...extra, `keepdim=${a.keepdims.text}`]);
  };
}

/** Python literal numbers become tensors where torch wants tensors (torch.maximum(x, 0.0) fails). */
function tensorOperand(a: Arg): string {
  return isNum(a.lit) ? `torch.tensor(${a.text})` : a.text;
}

function binary(torchFn: string, op: string): [string, Omit<ReverseEntry, 'sig'>] {
  return ['(x1, x2)', {
    op, torch: (a) => call(torchFn, [tensorOperand(a.x1), tensorOperand(a.x2)]),
    cases: [{ jax: 'F(x, y)', inputs: [f32('3,4'), f32('3,4', 'y')] }, { jax: 'F(x, 0.5)', inputs: [f32('3,4')] }],
  }];
}

function softmax(name: string): [string, Omit<ReverseEntry, 'sig'>] {
  return ['(x, axis=-1)', {
    op: name,
    torch: (a, e) => {
      if (typeof a.axis.lit !== 'number') e.unsupported('softmax over several axes (or a non-literal axis) is not converted');
      return call(`torch.${name}`, [a.x.text, `dim=${a.axis.text}`]);
    },
    cases: [{ jax: 'F(x)', inputs: [f32('3,5')] }, { jax: 'F(x, axis=0)', inputs: [f32('3,5')] }],
  }];
}

/** Keras names dtypes by strings ('float32') or NumPy's types (np.int64); torch by its attributes. */
function torchDtype(a: Arg): string | undefined {
  if (typeof a.lit === 'string' && /^(float|int|uint|bool|bfloat)\w*$/.test(a.lit)) return `torch.${a.lit}`;
  const numpy = /^(?:np|numpy)\.((?:float|int)(?:16|32|64)|int8|uint8|bool)_?$/.exec(a.text);
  return numpy ? `torch.${numpy[1]}` : undefined;
}

/** A dtype as torch's: a literal name, NumPy's type, or a tensor's .dtype (a torch dtype once converted). */
function dtypeText(a: Arg, e: ReverseEmitter): string {
  return torchDtype(a) ?? (/\.dtype$/.test(a.text) ? a.text : e.unsupported("dtype= must be a literal dtype name or a tensor's .dtype here"));
}

function dtypeArg(a: Arg, e: ReverseEmitter): string[] {
  return isNone(a) ? [] : [`dtype=${dtypeText(a, e)}`];
}

const OPS: Table = {
  'keras.ops.relu': unary('torch.relu', 'relu'),
  'keras.ops.sigmoid': unary('torch.sigmoid', 'functional_sigmoid'),
  'keras.ops.silu': unary('torch.nn.functional.silu', 'silu'),
  'keras.ops.tanh': unary('torch.tanh', 'tanh'),
  'keras.ops.exp': unary('torch.exp', 'exp'),
  'keras.ops.log': unary('torch.log', 'log', '0.1..3'),
  'keras.ops.sqrt': unary('torch.sqrt', 'sqrt', '0..3'),
  'keras.ops.rsqrt': unary('torch.rsqrt', 'rsqrt', '0.1..3'),
  'keras.ops.square': unary('torch.square', 'square'),
  'keras.ops.abs': unary('torch.abs', 'abs'),
  'keras.ops.erf': unary('torch.erf', 'erf'),
  'keras.ops.add': binary('torch.add', 'add'),
  'keras.ops.multiply': binary('torch.mul', 'mul'),
  'keras.ops.maximum': binary('torch.maximum', 'maximum'),
  // keras.ops.gelu approximates by default (keras.activations.gelu does not)
  'keras.ops.gelu': ['(x, approximate=True)', {
    op: 'gelu',
    torch: (a) => call('torch.nn.functional.gelu', [a.x.text, `approximate=${geluMode(a.approximate)}`]),
    cases: [{ jax: 'F(x)', inputs: [f32('3,5', 'x', '-4..4')] }, { jax: 'F(x, approximate=False)', inputs: [f32('3,5', 'x', '-4..4')] }],
  }],
  'keras.ops.softmax': softmax('softmax'),
  'keras.ops.log_softmax': softmax('log_softmax'),
  'keras.ops.matmul': ['(x1, x2)', {
    op: 'matmul', torch: (a) => call('torch.matmul', [a.x1.text, a.x2.text]), cases: [{ jax: 'F(a, b)', inputs: [f32('2,3,4', 'a'), f32('4,5', 'b')] }],
  }],
  'keras.ops.einsum': ['(subscripts, *operands)', {
    op: 'einsum', torch: (a) => `torch.einsum(${a.subscripts.text}, *${a.operands.text})`,
    cases: [{ jax: "F('bij,bjk->bik', a, b)", inputs: [f32('2,3,4', 'a'), f32('2,4,5', 'b')] }],
  }],
  'keras.ops.mean': ['(x, axis=None, keepdims=False)', {
    op: 'mean', torch: reduction('torch.mean'), cases: [{ jax: 'F(x, axis=-1, keepdims=True)', inputs: [f32('3,4')] }, { jax: 'F(x)', inputs: [f32('3,4')] }],
  }],
  'keras.ops.sum': ['(x, axis=None, keepdims=False)', {
    op: 'sum', torch: reduction('torch.sum'), cases: [{ jax: 'F(x, axis=(0, 2))', inputs: [f32('2,3,4')] }],
  }],
  'keras.ops.max': ['(x, axis=None, keepdims=False, initial=None)', {
    op: 'amax', torch: reduction('torch.amax'), cases: [{ jax: 'F(x, axis=1, keepdims=True)', inputs: [f32('3,4')] }],
  }],
  // Keras's variance is the population one (ddof 0), torch's correction defaults to 1: always passed
  'keras.ops.var': ['(x, axis=None, keepdims=False)', {
    op: 'var', torch: reduction('torch.var', ['correction=0']), cases: [{ jax: 'F(x, axis=-1, keepdims=True)', inputs: [f32('3,4')] }],
  }],
  'keras.ops.transpose': ['(x, axes=None)', {
    op: 'permute',
    // no axes: all of them reversed, which torch has no single call for
    torch: (a) => isNone(a.axes) ? `(lambda t: t.permute(*range(t.ndim - 1, -1, -1)))(${a.x.text})` : call('torch.permute', [a.x.text, a.axes.text]),
    cases: [{ jax: 'F(x, (0, 2, 1))', inputs: [f32('2,3,4')] }, { jax: 'F(x)', inputs: [f32('2,3,4')] }],
  }],
  'keras.ops.reshape': ['(x, newshape)', {
    op: 'reshape', torch: (a) => call('torch.reshape', [a.x.text, typeof a.newshape.lit === 'number' ? `(${a.newshape.text},)` : a.newshape.text]),
    cases: [{ jax: 'F(x, (4, -1))', inputs: [f32('3,4')] }, { jax: 'F(x, -1)', inputs: [f32('3,4')] }],
  }],
  'keras.ops.swapaxes': ['(x, axis1, axis2)', {
    op: 'transpose', torch: (a) => call('torch.swapaxes', [a.x.text, a.axis1.text, a.axis2.text]), cases: [{ jax: 'F(x, 1, 2)', inputs: [f32('2,3,4')] }],
  }],
  'keras.ops.concatenate': ['(xs, axis=0)', {
    op: 'cat',
    torch: (a, e) => {
      if (isNone(a.axis)) e.unsupported('axis=None (flattening) has no direct PyTorch equivalent');
      return call('torch.cat', [a.xs.text, `dim=${a.axis.text}`]);
    },
    cases: [{ jax: 'F([a, b], axis=-1)', inputs: [f32('2,3', 'a'), f32('2,2', 'b')] }],
  }],
  'keras.ops.stack': ['(x, axis=0)', {
    op: 'stack', torch: (a) => call('torch.stack', [a.x.text, `dim=${a.axis.text}`]), cases: [{ jax: 'F([a, b], axis=1)', inputs: [f32('2,3', 'a'), f32('2,3', 'b')] }],
  }],
  'keras.ops.expand_dims': ['(x, axis)', {
    op: 'unsqueeze',
    torch: (a, e) => {
      if (typeof a.axis.lit !== 'number') e.unsupported('expand_dims over several axes (or a non-literal axis) is not converted');
      return call('torch.unsqueeze', [a.x.text, a.axis.text]);
    },
    cases: [{ jax: 'F(x, 1)', inputs: [f32('2,3')] }],
  }],
  'keras.ops.squeeze': ['(x, axis=None)', {
    op: 'squeeze', torch: (a) => call('torch.squeeze', [a.x.text, ...(isNone(a.axis) ? [] : [a.axis.text])]),
    cases: [{ jax: 'F(x)', inputs: [f32('2,1,3,1')] }, { jax: 'F(x, 1)', inputs: [f32('2,1,3,1')] }],
  }],
  'keras.ops.where': ['(condition, x1=None, x2=None)', {
    op: 'where',
    torch: (a, e) => {
      if (isNone(a.x1) || isNone(a.x2)) e.unsupported('the one-argument form returns indices of data-dependent size');
      return call('torch.where', [a.condition.text, tensorOperand(a.x1), tensorOperand(a.x2)]);
    },
    cases: [{ jax: 'F(x > 0, x, y)', inputs: [f32('3,4'), f32('3,4', 'y')] }, { jax: 'F(x > 0, x, -1e9)', inputs: [f32('3,4')] }],
  }],
  'keras.ops.triu': ['(x, k=0)', { op: 'triu', torch: (a) => call('torch.triu', [a.x.text, `diagonal=${a.k.text}`]), cases: [{ jax: 'F(x, k=1)', inputs: [f32('4,4')] }] }],
  'keras.ops.tril': ['(x, k=0)', { op: 'tril', torch: (a) => call('torch.tril', [a.x.text, `diagonal=${a.k.text}`]), cases: [{ jax: 'F(x)', inputs: [f32('4,4')] }] }],
  ...Object.fromEntries(['ones', 'zeros'].map((name) => [`keras.ops.${name}`, ['(shape, dtype=None)', {
    op: name,
    torch: (a: Bound, e: ReverseEmitter) => call(`torch.${name}`, [a.shape.text, ...dtypeArg(a.dtype, e)]),
    cases: [{ jax: 'x + F((3, 4))', inputs: [f32('3,4')] }, { jax: "F((2, 3), dtype='int32')", inputs: [] }],
  }]])),
  'keras.ops.arange': ['(start, stop=None, step=None, dtype=None)', {
    op: 'arange',
    torch: (a, e) => {
      const given = isNone(a.stop) ? [a.start] : [a.start, a.stop, ...(isNone(a.step) ? [] : [a.step])];
      // Keras counts in int32 (its default int) unless a bound is a float; torch in int64
      const floats = given.some((b) => typeof b.lit === 'object' && b.lit !== null && 'float' in b.lit);
      const dtype = isNone(a.dtype) && !floats ? ['dtype=torch.int32'] : dtypeArg(a.dtype, e);
      return call('torch.arange', [...given.map((b) => b.text), ...dtype]);
    },
    cases: [{ jax: 'F(4)', inputs: [] }, { jax: "F(1, 9, 2, dtype='float32')", inputs: [] }, { jax: 'F(0.5, 3.0)', inputs: [] }],
  }],
  // Keras's shape is a tuple; torch's torch.Size is one too
  'keras.ops.shape': ['(x)', {
    torch: (a) => `${atom(a.x.text)}.shape`, cases: [{ jax: 'ops.reshape(x, F(x)[:-1] + (2, 2))', inputs: [f32('3,4')] }],
  }],
  // indices_or_sections as NumPy's split takes it: torch's tensor_split (torch.split takes sizes)
  'keras.ops.split': ['(x, indices_or_sections, axis=0)', {
    op: 'tensor_split', torch: (a) => call('torch.tensor_split', [a.x.text, a.indices_or_sections.text, `dim=${a.axis.text}`]),
    cases: [{ jax: 'F(x, [1, 3], axis=1)', inputs: [f32('2,5')] }, { jax: 'F(x, 2)', inputs: [f32('4,3')] }],
  }],
  'keras.ops.broadcast_to': ['(x, shape)', {
    op: 'broadcast_to', torch: (a) => call('torch.broadcast_to', [a.x.text, a.shape.text]), cases: [{ jax: 'F(x, (2, 3, 4))', inputs: [f32('3,4')] }],
  }],
  'keras.ops.cast': ['(x, dtype)', {
    op: 'to', torch: (a, e) => `${atom(a.x.text)}.to(${dtypeText(a.dtype, e)})`,
    cases: [{ jax: "F(x, 'int32')", inputs: [f32('3,4', 'x', '-9..9')] }, { jax: 'F(x > 0, x.dtype)', inputs: [f32('3,4')] }, { jax: 'F(x, np.float16)', inputs: [f32('3,4')] }],
  }],
  ...Object.fromEntries(['zeros_like', 'ones_like'].map((name) => [`keras.ops.${name}`, ['(x, dtype=None)', {
    op: name,
    torch: (a: Bound, e: ReverseEmitter) => call(`torch.${name}`, [a.x.text, ...dtypeArg(a.dtype, e)]),
    cases: [{ jax: 'F(x)', inputs: [f32('3,4')] }, { jax: "F(x, dtype='int32')", inputs: [f32('3,4')] }],
  }]])),
  // num= only states the count along the axis
  'keras.ops.unstack': ['(x, num=None, axis=0)', {
    op: 'unbind', torch: (a) => call('torch.unbind', [a.x.text, `dim=${a.axis.text}`]), cases: [{ jax: 'F(x, axis=1)', inputs: [f32('2,3,4')] }, { jax: 'F(x)', inputs: [f32('2,3')] }],
  }],
  'keras.ops.argmax': ['(x, axis=None, keepdims=False)', {
    op: 'argmax', torch: reduction('torch.argmax'), cases: [{ jax: 'F(x, axis=1)', inputs: [f32('3,5')] }, { jax: 'F(x)', inputs: [f32('3,5')] }],
  }],
  ...Object.fromEntries(['all', 'any'].map((name) => [`keras.ops.${name}`, ['(x, axis=None, keepdims=False)', {
    op: name, torch: reduction(`torch.${name}`), cases: [{ jax: 'F(x > 0, axis=1)', inputs: [f32('3,4')] }, { jax: 'F(x > 0)', inputs: [f32('3,4')] }],
  }]])),
  'keras.ops.log1p': unary('torch.log1p', 'log1p', '0..3'),
  'keras.ops.power': binary('torch.pow', 'pow'),
  // axis=None repeats the flattened array in both
  'keras.ops.repeat': ['(x, repeats, axis=None)', {
    op: 'repeat_interleave', torch: (a) => call('torch.repeat_interleave', [a.x.text, a.repeats.text, ...(isNone(a.axis) ? [] : [`dim=${a.axis.text}`])]),
    cases: [{ jax: 'F(x, 2, axis=1)', inputs: [f32('2,3')] }, { jax: 'F(x, 3)', inputs: [f32('2,3')] }],
  }],
  // NumPy's pad_width (pairs from the first axis) as the torch prelude's helper takes it
  'keras.ops.pad': ["(x, pad_width, mode='constant', constant_values=None)", {
    op: 'pad',
    torch: (a, e) => {
      if (a.mode.lit !== 'constant') e.unsupported("a mode other than 'constant' is not converted");
      return call(e.helper('pad_like_numpy'), [a.x.text, a.pad_width.text, ...(isNone(a.constant_values) ? [] : [`value=${a.constant_values.text}`])]);
    },
    cases: [{ jax: 'F(x, ((0, 0), (2, 1)))', inputs: [f32('2,3')] }, { jax: 'F(x, ((1, 0), (0, 2)), constant_values=3.0)', inputs: [f32('2,3')] }],
  }],
  'keras.ops.clip': ['(x, x_min, x_max)', {
    op: 'clamp', torch: (a) => call('torch.clamp', [a.x.text, `min=${a.x_min.text}`, `max=${a.x_max.text}`]), cases: [{ jax: 'F(x, -0.5, 0.5)', inputs: [f32('3,4')] }],
  }],
};

/** keras.activations: gelu is exact by default here; relu's options have torch spellings only at their defaults. */
const ACTIVATIONS: Table = {
  'keras.activations.relu': ['(x, negative_slope=0.0, max_value=None, threshold=0.0)', {
    op: 'relu',
    torch: (a, e) => {
      if (numValue(a.negative_slope.lit) !== 0 || !isNone(a.max_value) || numValue(a.threshold.lit) !== 0) e.unsupported('negative_slope=, max_value= and threshold= are not converted');
      return call('torch.relu', [a.x.text]);
    },
    cases: [{ jax: 'F(x)', inputs: [f32('3,4')] }],
  }],
  'keras.activations.gelu': ['(x, approximate=False)', {
    op: 'gelu',
    torch: (a) => call('torch.nn.functional.gelu', [a.x.text, `approximate=${geluMode(a.approximate)}`]),
    cases: [{ jax: 'F(x)', inputs: [f32('3,5', 'x', '-4..4')] }, { jax: 'F(x, approximate=True)', inputs: [f32('3,5', 'x', '-4..4')] }],
  }],
  'keras.activations.softmax': softmax('softmax'),
  'keras.activations.tanh': unary('torch.tanh', 'tanh'),
  'keras.activations.sigmoid': unary('torch.sigmoid', 'functional_sigmoid'),
  'keras.activations.silu': unary('torch.nn.functional.silu', 'silu'),
};

/** keras.backend: a dtype's name ('float32'), here of a tensor's .dtype (torch prints its dtypes as torch.float32). */
const BACKEND: Table = {
  'keras.backend.standardize_dtype': ['(dtype)', {
    torch: (a, e) => {
      if (!/\.dtype$/.test(a.dtype.text)) e.unsupported("only a tensor's .dtype is converted");
      return `str(${a.dtype.text}).removeprefix('torch.')`;
    },
    cases: [{ jax: "x * float(F(x.dtype) == 'float32')", inputs: [f32('3,4')] }, { jax: "i * int(F(i.dtype) == 'int64')", inputs: ['i=int64[3]:1..5'] }],
  }],
};

export const kerasFunctions: Map<string, ReverseEntry> = entries({ ...OPS, ...ACTIVATIONS, ...BACKEND });

/** Dense's activation= as torch's function: a string names a keras.activations function ('linear' is none). */
function activation(a: Arg, e: ReverseEmitter): string[] {
  if (isNone(a) || a.lit === 'linear') return [];
  if (typeof a.lit !== 'string') return [`activation=${a.text}`];
  const entry = kerasFunctions.get(`keras.activations.${a.lit === 'swish' ? 'silu' : a.lit}`);
  if (!entry) return e.unsupported(`activation '${a.lit}' is not converted`);
  const text = entry.torch(bind(entry.sig, [{ text: 'x' }], {}), e);
  const plain = /^([\w.]+)\(x\)$/.exec(text);
  return [`activation=${plain ? plain[1] : `lambda x: ${text}`}`];
}

/** The keywords every Keras layer takes (keras.Layer's **kwargs). */
const LAYER_KWARGS = 'name=None, dtype=None, trainable=True, autocast=True';

/** Initialisers other than Keras's default (by name → its default) decide only the starting weights, which
 *  load_keras_weights replaces: dropped with a warning; so are regularisers, which act in training only. A dtype
 *  other than float32 changes the numbers: not converted. */
function layerOptions(a: Bound, e: ReverseEmitter, initialisers: Record<string, string>, regularisers: string[] = []) {
  for (const [name, initial] of Object.entries(initialisers)) if (a[name].lit !== initial) e.warn(`${name}= is not converted: torch initialises its own way (load_keras_weights copies the trained weights)`);
  for (const name of regularisers) if (!isNone(a[name])) e.warn(`${name}= is not converted: it acts in training only`);
  if (!isNone(a.dtype) && a.dtype.lit !== 'float32') e.unsupported('dtype= other than float32 is not converted');
}

/** Keras's padding as torch's: 'same' is torch's 'same' at stride 1 (both put the odd pixel after), 'valid' is 0. */
function convPadding(padding: Arg, strides: Arg, e: ReverseEmitter): string {
  const ones = strides.lit === 1 || (Array.isArray(strides.lit) && strides.lit.every((v) => v === 1));
  if (padding.lit === 'valid') return '0';
  if (padding.lit === 'same') return ones ? "'same'" : e.unsupported("padding='same' with strides pads unevenly (TensorFlow's rule), which torch convs cannot express");
  return e.unsupported("padding must be a literal 'valid' or 'same'");
}

/** Keras's data_format: None is keras.config.image_data_format(), 'channels_last' unless configured otherwise. */
function channelsLast(a: Arg, e: ReverseEmitter) {
  if (!isNone(a) && a.lit !== 'channels_last') e.unsupported("data_format other than 'channels_last' is not converted");
}

/** A Keras 2-D pooling layer as the torch prelude's channels-last one; strides=None is the pool size in both. */
function pooling(helper: string, op: string, poolSize: string): [string, Omit<ReverseEntry, 'sig'>] {
  return [`(${poolSize}, strides=None, padding='valid', data_format=None, ${LAYER_KWARGS})`, {
    op,
    torch: (a, e) => {
      channelsLast(a.data_format, e);
      if (a.padding.lit !== 'valid') e.unsupported("padding other than 'valid' is not converted: TensorFlow's 'same' pads unevenly");
      return call(e.helper(helper), [a.pool_size.text, ...(isNone(a.strides) ? [] : [`stride=${a.strides.text}`])]);
    },
    cases: [
      { jax: 'F((2, 2))', inputs: [f32('2,6,5,3')] },
      { jax: 'F(3, strides=(2, 1))', inputs: [f32('2,7,6,2')] },
    ],
  }];
}

/** A Keras global 2-D pooling layer: the reduction over the two spatial axes of (N, H, W, C), as a module. */
function globalPooling(reduce: string): [string, Omit<ReverseEntry, 'sig'>] {
  return [`(data_format=None, keepdims=False, ${LAYER_KWARGS})`, {
    torch: (a, e) => {
      channelsLast(a.data_format, e);
      return call(e.helper('Function'), [`lambda x: ${call(reduce, ['x', 'dim=(1, 2)', `keepdim=${a.keepdims.text}`])}`]);
    },
    cases: [{ jax: 'F()', inputs: [f32('2,4,5,3')] }, { jax: 'F(keepdims=True)', inputs: [f32('2,3,3,4')] }],
  }];
}

/** Keras layers as torch modules. Keras infers input sizes at the first call; torch's lazy layers (and the prelude's
 *  Keras* helpers) do the same, and load_keras_weights gives them the Keras shapes. */
const LAYERS: Table = {
  'keras.layers.Dense': [`(units, activation=None, use_bias=True, kernel_initializer='glorot_uniform', bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None, lora_rank=None, lora_alpha=None, quantization_config=None, ${LAYER_KWARGS})`, {
    op: 'Linear',
    torch: (a, e) => {
      layerOptions(a, e, { kernel_initializer: 'glorot_uniform', bias_initializer: 'zeros' }, ['kernel_regularizer', 'bias_regularizer', 'activity_regularizer']);
      if (!isNone(a.lora_rank) || !isNone(a.quantization_config)) e.unsupported('lora_rank= and quantization_config= are not converted');
      const act = activation(a.activation, e);
      if (!act.length) return call('nn.LazyLinear', [a.units.text, `bias=${a.use_bias.text}`]);
      return call(e.helper('KerasDense'), [a.units.text, `bias=${a.use_bias.text}`, ...act]);
    },
    cases: [
      { jax: 'keras.layers.Dense(3)', inputs: [f32('2,4')] },
      { jax: "keras.layers.Dense(5, activation='gelu', use_bias=False)", inputs: [f32('2,3,4')] },
      { jax: 'keras.layers.Dense(4, activation=keras.ops.tanh)', inputs: [f32('3,6')] },
    ],
  }],
  'keras.layers.LayerNormalization': [`(axis=-1, epsilon=0.001, center=True, scale=True, beta_initializer='zeros', gamma_initializer='ones', beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, ${LAYER_KWARGS})`, {
    op: 'LayerNorm',
    torch: (a, e) => {
      layerOptions(a, e, { beta_initializer: 'zeros', gamma_initializer: 'ones' }, ['beta_regularizer', 'gamma_regularizer']);
      const axis = Array.isArray(a.axis.lit) && a.axis.lit.length === 1 ? a.axis.lit[0] : a.axis.lit;
      if (axis !== -1) e.unsupported('an axis other than the last is not converted');
      return call(e.helper('KerasLayerNormalization'), [`eps=${a.epsilon.text}`, `scale=${a.scale.text}`, `center=${a.center.text}`]);
    },
    cases: [{ jax: 'keras.layers.LayerNormalization()', inputs: [f32('2,3,6')] }, { jax: 'keras.layers.LayerNormalization(epsilon=1e-6, center=False)', inputs: [f32('2,6')] }],
  }],
  'keras.layers.Embedding': [`(input_dim, output_dim, embeddings_initializer='uniform', embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False, weights=None, lora_rank=None, lora_alpha=None, quantization_config=None, ${LAYER_KWARGS})`, {
    op: 'Embedding',
    torch: (a, e) => {
      layerOptions(a, e, { embeddings_initializer: 'uniform' }, ['embeddings_regularizer']);
      if (a.mask_zero.lit !== false || !isNone(a.weights) || !isNone(a.lora_rank)) e.unsupported('mask_zero=, weights= and lora_rank= are not converted');
      return call('nn.Embedding', [a.input_dim.text, a.output_dim.text]);
    },
    cases: [{ jax: 'keras.layers.Embedding(10, 4)', inputs: ['i=int64[2,5]:0..10'] }],
  }],
  'keras.layers.Dropout': [`(rate, noise_shape=None, seed=None, ${LAYER_KWARGS})`, {
    op: 'Dropout',
    torch: (a, e) => {
      if (!isNone(a.noise_shape)) e.unsupported('noise_shape= (one mask shared along axes) has no nn.Dropout equivalent');
      e.warn("nn.Dropout draws its masks from torch's generator: in training mode the outputs differ from Keras's");
      return call('nn.Dropout', [`p=${a.rate.text}`]);
    },
    cases: [{ jax: 'keras.layers.Dropout(0.5)', inputs: [f32('3,4')] }],
  }],
  // data_format=None is keras.config.image_data_format(), 'channels_last' unless configured otherwise
  'keras.layers.Conv2D': [`(filters, kernel_size, strides=(1, 1), padding='valid', data_format=None, dilation_rate=(1, 1), groups=1, activation=None, use_bias=True, kernel_initializer='glorot_uniform', bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None, ${LAYER_KWARGS})`, {
    op: 'Conv2d',
    // channels-last in and out, [kh, kw, in, out] kernels: a lazy torch conv between two movedims
    torch: (a, e) => {
      layerOptions(a, e, { kernel_initializer: 'glorot_uniform', bias_initializer: 'zeros' }, ['kernel_regularizer', 'bias_regularizer', 'activity_regularizer']);
      channelsLast(a.data_format, e);
      return call(e.helper('KerasConv2D'), [a.filters.text, `kernel_size=${a.kernel_size.text}`, `stride=${a.strides.text}`, `padding=${convPadding(a.padding, a.strides, e)}`,
        `dilation=${a.dilation_rate.text}`, `groups=${a.groups.text}`, `bias=${a.use_bias.text}`, ...activation(a.activation, e)]);
    },
    cases: [
      { jax: 'keras.layers.Conv2D(4, 3)', inputs: [f32('2,6,5,3')] },
      { jax: "keras.layers.Conv2D(6, (4, 2), strides=(2, 1), padding='valid', use_bias=False)", inputs: [f32('2,9,5,2')] },
      { jax: "keras.layers.Conv2D(4, (2, 3), padding='same', dilation_rate=2, groups=2, activation='relu')", inputs: [f32('2,7,6,4')] },
    ],
  }],
  'keras.layers.BatchNormalization': [`(axis=-1, momentum=0.99, epsilon=0.001, center=True, scale=True, beta_initializer='zeros', gamma_initializer='ones', moving_mean_initializer='zeros', moving_variance_initializer='ones', beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, renorm=False, renorm_clipping=None, renorm_momentum=0.99, synchronized=False, ${LAYER_KWARGS})`, {
    op: 'BatchNorm2d',
    torch: (a, e) => {
      layerOptions(a, e, { beta_initializer: 'zeros', gamma_initializer: 'ones', moving_mean_initializer: 'zeros', moving_variance_initializer: 'ones' }, ['beta_regularizer', 'gamma_regularizer']);
      const axis = Array.isArray(a.axis.lit) && a.axis.lit.length === 1 ? a.axis.lit[0] : a.axis.lit;
      if (axis !== -1) e.unsupported('an axis other than the last is not converted');
      if (a.renorm.lit !== false || a.synchronized.lit !== false) e.unsupported('renorm= and synchronized= are not converted');
      if (a.center.lit !== a.scale.lit || typeof a.center.lit !== 'boolean') e.unsupported('center= and scale= must be the same literal: torch has one affine=');
      e.warn("in training mode torch updates its running variance with the unbiased batch variance, Keras its moving variance with the biased one: the outputs agree, the statistics drift apart");
      const momentum = isNum(a.momentum.lit) ? String(Number((1 - numValue(a.momentum.lit)!).toPrecision(12))) : `1 - ${atom(a.momentum.text)}`;
      return call(e.helper('KerasBatchNormalization'), [`eps=${a.epsilon.text}`, `momentum=${momentum}`, `affine=${a.center.text}`]);
    },
    cases: [
      { jax: 'keras.layers.BatchNormalization()', inputs: [f32('4,5,5,3')] },
      { jax: 'keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, center=False, scale=False)', inputs: [f32('6,4')] },
    ],
  }],
  'keras.layers.MaxPooling2D': pooling('KerasMaxPooling2D', 'MaxPool2d', 'pool_size=(2, 2)'),
  'keras.layers.AveragePooling2D': pooling('KerasAveragePooling2D', 'AvgPool2d', 'pool_size'),
  'keras.layers.GlobalAveragePooling2D': globalPooling('torch.mean'),
  'keras.layers.GlobalMaxPooling2D': globalPooling('torch.amax'),
  // self.add_weight(...) in a layer's __init__: a torch parameter, filled by load_keras_weights
  'keras.Layer.add_weight': ["(*, shape=None, initializer=None, dtype=None, trainable=True, autocast=True, regularizer=None, constraint=None, aggregation='none', overwrite_with_gradient=False, name=None)", {
    torch: (a, e) => {
      if (isNone(a.shape)) e.unsupported('a weight without shape= is not converted');
      if (!isNone(a.dtype) && a.dtype.lit !== 'float32') e.unsupported('dtype= other than float32 is not converted');
      if (!isNone(a.regularizer)) e.warn('regularizer= is not converted: it acts in training only');
      const fill = a.initializer.lit === 'ones' ? 'ones' : 'zeros';
      if (!['zeros', 'ones'].includes(String(a.initializer.lit))) e.warn('initializer= is not converted: the weight starts at zeros (load_keras_weights copies the trained values)');
      return call('nn.Parameter', [call(`torch.${fill}`, [a.shape.text]), ...(a.trainable.lit === true ? [] : [`requires_grad=${a.trainable.text}`])]);
    },
    cases: [],
  }],
  // keras.Variable(value) held by a layer: a torch parameter, filled by load_keras_weights
  'keras.Variable': ["(initializer, shape=None, dtype=None, trainable=True, autocast=True, aggregation='none', synchronization='auto', name=None, layout=None)", {
    torch: (a, e) => {
      if (!isNone(a.shape) || typeof a.initializer.lit === 'string') e.unsupported('a variable made by an initializer is not converted: give its initial value');
      if (!isNone(a.dtype) && a.dtype.lit !== 'float32') e.unsupported('dtype= other than float32 is not converted');
      return call('nn.Parameter', [a.initializer.text, ...(a.trainable.lit === true ? [] : [`requires_grad=${a.trainable.text}`])]);
    },
    cases: [],
  }],
};

export const kerasLayers: Map<string, ReverseEntry> = entries(LAYERS);

/** Names that are not calls: the base classes, layer classes as values (isinstance checks). */
export const KERAS_NAMES: Record<string, string> = {
  'keras.Layer': 'nn.Module',
  'keras.Model': 'nn.Module',
  'keras.KerasTensor': 'torch.Tensor',
  'keras.layers.Dense': 'nn.Linear',
  'keras.layers.Embedding': 'nn.Embedding',
  'keras.layers.Dropout': 'nn.Dropout',
  'keras.layers.Conv2D': 'nn.Conv2d',
  'keras.layers.MaxPooling2D': 'nn.MaxPool2d',
  'keras.layers.AveragePooling2D': 'nn.AvgPool2d',
};

/** Keras layers that exist but are not converted yet, with why. */
export const KERAS_NOT_YET: Record<string, string> = {
  'keras.layers.MultiHeadAttention': 'not converted yet',
};
