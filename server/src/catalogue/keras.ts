// The Keras 3 target: which catalogue entries convert to Keras (keras.ops, run on the TensorFlow backend), and how.
// Most are their JAX emission with each JAX function replaced by its Keras spelling: keras.ops mirrors jax.numpy
// (jnp.X → keras.ops.X where keras.ops has X), and the jax.nn functions whose keras.ops namesake has the same defaults
// map to it. Layers with parameters are prelude layers with torch's names and layouts (keras_prelude.py). The
// conformance suite confirms every listed entry against real torch; an entry not listed has no Keras equivalent yet.
import type { Arg } from '../pyvalue';
import { preludeHas } from '../prelude/prelude';
import { preludeConstructor } from './prelude-constructor';
import type { Emitter, JaxEmit, KeywordWithDefault, ModuleEntry, OpEntry } from './types';

const NO_EQUIVALENT = 'no Keras equivalent yet';

/** jax.numpy functions keras.ops has under the same name, with NumPy's meaning. */
const KERAS_NUMPY = new Set(`abs absolute add all allclose amax amin any append arange arccos arccosh arcsin arcsinh arctan
  arctan2 arctanh argmax argmin argpartition argsort array array_split average bincount bitwise_and bitwise_invert
  bitwise_left_shift bitwise_not bitwise_or bitwise_right_shift bitwise_xor broadcast_to cbrt ceil clip concatenate
  copy corrcoef correlate cos cosh count_nonzero cross cumprod cumsum deg2rad diag diagflat diagonal diff digitize
  divide dot dsplit dstack einsum empty empty_like equal exp exp2 expand_dims expm1 eye fabs flip fliplr flipud floor
  floor_divide fmax fmin fmod full full_like gcd greater greater_equal heaviside hsplit hstack hypot i0 identity inner
  isclose isfinite isin isinf isnan isneginf isposinf kron lcm ldexp left_shift less less_equal linspace log log10
  log1p log2 logaddexp logaddexp2 logical_and logical_not logical_or logical_xor logspace matmul max maximum mean
  median meshgrid min minimum mod moveaxis multiply nan_to_num nanmax nanmean nanmin nanprod nansum negative nextafter
  nonzero not_equal ones ones_like outer pad power prod quantile rad2deg ravel reciprocal repeat reshape right_shift
  roll rot90 round searchsorted sign signbit sin sinc sinh sort split sqrt square squeeze stack std subtract sum
  swapaxes take take_along_axis tan tanh tensordot tile trace transpose tri tril triu true_divide trunc unstack var
  vdot vsplit vstack where zeros zeros_like`.split(/\s+/));

/** JAX functions outside jax.numpy whose Keras counterpart (a keras.ops function, or a prelude helper where keras.ops
 *  lacks it or has other defaults) takes the same arguments with the same defaults. */
const JAX_FUNCTIONS: Record<string, string> = {
  'jax.nn.relu': 'keras.ops.relu',
  'jax.nn.relu6': 'keras.ops.relu6',
  'jax.nn.sigmoid': 'keras.ops.sigmoid',
  'jax.nn.silu': 'keras.ops.silu',
  'jax.nn.gelu': 'keras.ops.gelu',
  'jax.nn.softmax': 'keras.ops.softmax',
  'jax.nn.log_softmax': 'keras.ops.log_softmax',
  'jax.nn.softplus': 'keras.ops.softplus',
  'jax.nn.log_sigmoid': 'keras.ops.log_sigmoid',
  'jax.nn.elu': 'keras.ops.elu',
  'jax.nn.selu': 'keras.ops.selu',
  'jax.nn.celu': 'keras.ops.celu',
  'jax.nn.glu': 'keras.ops.glu',
  'jax.nn.hard_sigmoid': 'keras.ops.hard_sigmoid',
  'jax.nn.hard_swish': 'keras.ops.hard_silu',
  'jax.nn.soft_sign': 'keras.ops.softsign',
  'jax.nn.logsumexp': 'keras.ops.logsumexp',
  'jax.nn.one_hot': 'keras.ops.one_hot',
  'jax.nn.identity': 'identity',
  'jax.scipy.special.erf': 'keras.ops.erf',
  'jax.scipy.special.erfinv': 'keras.ops.erfinv',
  'jax.lax.collapse': 'collapse',
  'jax.lax.rsqrt': 'keras.ops.rsqrt',
  'jax.lax.stop_gradient': 'keras.ops.stop_gradient',
  'jax.lax.top_k': 'keras.ops.top_k',
  'jnp.asarray': 'keras.ops.convert_to_tensor',
  // keras.ops.leaky_relu's slope defaults to 0.2: the prelude's has jax.nn's 0.01
  'jax.nn.leaky_relu': 'leaky_relu',
  'jax.nn.mish': 'mish',
  // TensorFlow pads only in the constant, reflect and symmetric modes: the prelude adds edge and wrap
  'jnp.pad': 'nnf_pad',
};

const JAX_DTYPES = ['float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'bool_'];

/** The Keras spelling of a JAX function or dtype name; the name itself where Keras has none (then rejected). */
function kerasName(name: string, e?: Emitter): string {
  const full = name.replace(/^lax\./, 'jax.lax.');
  const mapped = JAX_FUNCTIONS[full];
  if (mapped) return mapped.includes('.') || !e ? mapped : e.helper(mapped);
  const member = /^jnp\.(\w+)$/.exec(name)?.[1];
  if (member && JAX_DTYPES.includes(member)) return `np.${member}`;
  if (member && KERAS_NUMPY.has(member)) return `keras.ops.${member}`;
  return name;
}

/** What TensorFlow tensors lack: JAX's index updates, and the NumPy-style methods and attributes of jax.Array that
 *  kerasMethods does not rewrite. */
const UNSUPPORTED_TEXT = /\b(jax|jnp|lax|nnx)\.|\.at\[|(?<!keras\.ops)\.(astype|reshape|transpose|squeeze|sum|mean|max|min|clip|flatten|ravel|swapaxes|repeat|item|tolist|copy|view)\(|(?<!keras\.ops)\.(mT|size)\b/;

const OPENERS: Record<string, string> = { ')': '(', ']': '[' };

/** Where the expression that ends just before `end` starts: a name, attribute and call chain or a bracketed group. */
function receiverStart(text: string, end: number): number {
  let i = end;
  while (i > 0) {
    const ch = text[i - 1];
    if (OPENERS[ch]) {
      let depth = 0;
      do {
        i--;
        if (text[i] === ch) depth++;
        else if (text[i] === OPENERS[ch]) depth--;
      } while (i > 0 && depth > 0);
    } else if (/[\w.]/.test(ch)) i--;
    else break;
  }
  return i;
}

/** The index just past the bracket that closes the one at `open`. */
function closingIndex(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if ('([{'.includes(text[i])) depth++;
    else if (')]}'.includes(text[i]) && --depth === 0) return i + 1;
  }
  return text.length;
}

/** jax.Array attributes TensorFlow tensors lack or spell differently: `.T`, and `.shape`, a TensorShape in
 *  TensorFlow (shape[:1] + (-1,) is another TensorShape, which rejects -1), as keras.ops functions. */
const ATTRIBUTES: Record<string, string> = { '.T': 'keras.ops.transpose', '.shape': 'keras.ops.shape' };

/** jax.Array's `.astype(d)`, `.T` and `.shape` as keras.ops.cast, keras.ops.transpose and keras.ops.shape. */
function kerasMethods(text: string): string {
  const method = /(?<!keras\.ops)(\.astype\(|\.T\b|\.shape\b)/;
  for (let m = method.exec(text); m; m = method.exec(text)) {
    const start = receiverStart(text, m.index);
    const receiver = text.slice(start, m.index);
    const attribute = ATTRIBUTES[m[0]];
    if (attribute) {
      text = `${text.slice(0, start)}${attribute}(${receiver})${text.slice(m.index + m[0].length)}`;
    } else {
      const end = closingIndex(text, m.index + m[0].length - 1);
      text = `${text.slice(0, start)}keras.ops.cast(${receiver}, ${text.slice(m.index + m[0].length, end)}${text.slice(end)}`;
    }
  }
  return text;
}

/** keras.ops reductions without jnp's dtype=: the input is cast first, as torch does. */
const WITHOUT_DTYPE = new Set(['keras.ops.sum', 'keras.ops.mean']);

/** Keywords of the jnp function that its keras.ops namesake lacks: a call that passes one is not converted. */
const LACKING_KEYWORDS: Record<string, string[]> = {
  'keras.ops.std': ['ddof'],
  'keras.ops.var': ['ddof'],
};

/** A call with Keras spellings; a dtype= that the Keras function lacks casts its input instead. */
function kerasCall(e: Emitter, fn: string, positional: Array<Arg | string>, keywords: Record<string, Arg | string | KeywordWithDefault> = {}): string {
  const name = kerasName(fn, e);
  const { dtype, ...rest } = keywords;
  const value = Array.isArray(dtype) ? dtype[0] : dtype;
  const dtypeText = value === undefined ? 'None' : typeof value === 'string' ? value : value.text;
  const castsInput = WITHOUT_DTYPE.has(name) && dtypeText.trim() !== 'None';
  const [input, ...others] = positional;
  const text = castsInput ? e.call(name, [e.call('keras.ops.cast', [input, dtypeText]), ...others], rest) : e.call(name, positional, WITHOUT_DTYPE.has(name) ? rest : keywords);
  const lacking = (LACKING_KEYWORDS[name] ?? []).find((k) => new RegExp(`[(,] ?${k}=`).test(text));
  return lacking ? e.unsupported(`${name} has no ${lacking}=: ${NO_EQUIVALENT}`) : text;
}

/** A JAX emission run with Keras spellings; anything it needs that Keras and the prelude lack is unsupported. */
export function translated(jax: JaxEmit): JaxEmit {
  return (a, e) => {
    const keras: Emitter = {
      ...e,
      call: (fn, positional, keywords) => kerasCall(e, fn, positional, keywords),
      helper: (name) => (preludeHas('keras', name) ? e.helper(name) : e.unsupported(NO_EQUIVALENT)),
    };
    const text = kerasMethods(jax(a, keras).replace(/\b(?:jax\.nn|jax\.scipy\.special|jax\.lax|lax)\.\w+|\bjnp\.\w+/g, (fn) => kerasName(fn, e)));
    if (UNSUPPORTED_TEXT.test(text)) e.unsupported(NO_EQUIVALENT);
    return text;
  };
}

/** Layers with parameters: prelude layers with torch's constructor, parameter names and layouts; the constructor
 *  parameters each does not take besides device= and dtype= (those must keep their torch defaults). */
const PRELUDE_LAYERS: Record<string, string[]> = {
  Linear: [],
  LayerNorm: [],
  Embedding: ['max_norm', 'norm_type', 'scale_grad_by_freq', 'sparse', '_weight', '_freeze'],
  GroupNorm: [],
  RMSNorm: [],
  Bilinear: [],
  RReLU: [],
  MultiheadAttention: [],
  ...Object.fromEntries(['TransformerEncoderLayer', 'TransformerDecoderLayer', 'TransformerEncoder', 'TransformerDecoder', 'Transformer'].map((name) => [name, []])),
  ...Object.fromEntries(['LSTM', 'GRU', 'RNN', 'LSTMCell', 'GRUCell', 'RNNCell'].map((name) => [name, []])),
  ...Object.fromEntries([1, 2, 3].flatMap((nd) => [[`Conv${nd}d`, []], [`ConvTranspose${nd}d`, ['padding_mode']]])),
};

/** nn.Dropout is keras.layers.Dropout: the same drop probability and 1/(1-p) scaling, active only when the layer is
 *  called with training=True (Keras passes it down to nested layers). */
const dropoutLayer: JaxEmit = (a, e) => e.call('keras.layers.Dropout', [a.p]);

/** F.linear: TensorFlow tensors have no .T. */
const linear: JaxEmit = (a, e) => {
  const product = e.call('keras.ops.matmul', [a.input, e.call('keras.ops.transpose', [a.weight])]);
  return a.bias.lit === null ? product : `${product} + ${a.bias.text}`;
};

/** torch.finfo(x.dtype): NumPy's finfo of the dtype, which TensorFlow names by its own class. */
const finfo: JaxEmit = (a, e) => e.call('np.finfo', [a.type.lit === null ? 'np.float32' : e.call('keras.backend.standardize_dtype', [a.type])]);

/** F.convNd as the prelude's conv_nd, with torch's own parameters and layouts (the JAX emission moves channels last
 *  for lax). */
const conv: JaxEmit = (a, e) => e.call(e.helper('conv_nd'), [a.input, a.weight], {
  bias: [a.bias, 'None'], stride: [a.stride, '1'], padding: [a.padding, '0'], dilation: [a.dilation, '1'], groups: [a.groups, '1'],
});
const CONV = { emit: conv, spelling: 'conv_nd(input, weight, bias, stride, padding, dilation, groups) (keras_prelude: explicit padding, then keras.ops.conv channels-first)' };

/** torch.clamp as keras.ops.maximum then keras.ops.minimum: keras.ops.clip needs both bounds (torch's order: a min
 *  above the max gives the max). */
const clamp: JaxEmit = (a, e) => {
  const given = (bound?: Arg) => bound !== undefined && bound.lit !== null;
  const low = given(a.min) ? e.call('keras.ops.maximum', [a.input, a.min]) : a.input.text;
  return given(a.max) ? e.call('keras.ops.minimum', [low, a.max]) : low;
};

/** Ops whose Keras emission is written here, with its hover spelling. */
const OWN_OPS: Partial<Record<string, { emit: JaxEmit; spelling: string }>> = {
  linear: { emit: linear, spelling: 'keras.ops.matmul(x, keras.ops.transpose(weight)) + bias' },
  finfo: { emit: finfo, spelling: 'np.finfo(keras.backend.standardize_dtype(dtype))' },
  conv1d: CONV, conv2d: CONV, conv3d: CONV,
  clamp: { emit: clamp, spelling: 'keras.ops.minimum(keras.ops.maximum(x, min), max)' },
  clamp_min: { emit: clamp, spelling: 'keras.ops.maximum(x, min)' },
  clamp_max: { emit: clamp, spelling: 'keras.ops.minimum(x, max)' },
};

/** Ops whose JAX emission, so translated, is their Keras emission (confirmed by the conformance suite). */
const TRANSLATED_OPS = [
  'std', 'var', 'std_mean', 'var_mean',
  'size', 'flatten', 'unflatten',
  'sum', 'mean', 'abs', 'absolute', 'acos', 'acosh', 'add', 'add_scaled', 'addbmm', 'addcdiv', 'addcmul', 'addmm',
  'addmv', 'all', 'allclose', 'alpha_dropout', 'amax', 'amin', 'aminmax', 'any', 'arange', 'arccos', 'arccosh',
  'arcsin', 'arcsinh', 'arctan', 'arctanh', 'argmax', 'argmin', 'as_tensor', 'asin', 'asinh', 'atan', 'atan2',
  'atanh', 'baddbmm', 'bilinear', 'bitwise_left_shift', 'bitwise_right_shift', 'bmm', 'bool', 'broadcast_to', 'byte',
  'cat', 'ceil', 'celu', 'char', 'chunk', 'clone', 'concat', 'concatenate', 'contiguous', 'cos', 'cosh',
  'count_nonzero', 'cpu', 'cumprod', 'cumsum', 'deg2rad', 'detach', 'diag', 'diagonal', 'dim', 'div', 'dot',
  'double', 'dropout', 'dropout1d', 'dropout2d', 'dropout3d', 'dstack', 'einsum', 'elu', 'embedding', 'eq', 'erf',
  'erfinv', 'exp', 'exp2', 'expand', 'expand_as', 'expm1', 'eye', 'feature_alpha_dropout', 'fix', 'flip', 'fliplr',
  'flipud', 'float', 'floor', 'floor_divide', 'fmod', 'from_numpy', 'full_like', 'functional_sigmoid',
  'functional_tanh', 'gather', 'gcd', 'ge', 'gelu', 'glu', 'gt', 'half', 'hardshrink', 'hardsigmoid', 'hardswish',
  'hardtanh', 'hstack', 'huber_loss', 'hypot', 'i0', 'index_select', 'inner', 'int', 'isfinite', 'isinf', 'isnan',
  'isneginf', 'isposinf', 'kron', 'kthvalue', 'l1_loss', 'layer_norm', 'lcm', 'le', 'lerp', 'linspace', 'log',
  'log10', 'log1p', 'log2', 'log_softmax', 'logaddexp', 'logaddexp2', 'logical_and', 'logical_not', 'logical_or',
  'logical_xor', 'logsigmoid', 'logspace', 'logsumexp', 'long', 'lt', 'margin_ranking_loss', 'masked_fill', 'matmul',
  'max', 'max_elementwise', 'maximum', 'median', 'median_dim', 'meshgrid', 'min', 'min_elementwise', 'minimum', 'mm',
  'moveaxis', 'movedim', 'mse_loss', 'msort', 'mul', 'mv', 'nan_to_num', 'nanmean', 'nansum', 'ne', 'neg',
  'negative', 'new_full', 'new_ones', 'new_tensor', 'new_zeros', 'nextafter', 'numpy', 'one_hot', 'ones',
  'ones_like', 'outer', 'permute', 'pow', 'quantile', 'rad2deg', 'reciprocal', 'relu', 'relu6', 'repeat', 'reshape',
  'reshape_as', 'roll', 'rot90', 'round', 'rsqrt', 'scaled_dot_product_attention', 'selu', 'sgn', 'short', 'sigmoid',
  'sign', 'signbit', 'silu', 'sin', 'sinc', 'sinh', 'size_dim', 'smooth_l1_loss', 'soft_margin_loss', 'softmax',
  'softmin', 'softplus', 'softshrink', 'softsign', 'special.erf', 'special.erfinv', 'special.exp2', 'special.expit',
  'special.expm1', 'special.log1p', 'special.round', 'special.sinc', 'split', 'sqrt', 'square', 'squeeze', 'stack',
  'sub', 'swapaxes', 'swapdims', 't', 'take', 'tan', 'tanh', 'tanhshrink', 'tensor', 'tensordot', 'threshold',
  'tile', 'to', 'trace', 'transpose', 'tril', 'triu', 'trunc', 'type', 'type_as', 'unbind', 'unsqueeze', 'vdot',
  'view', 'view_as', 'where', 'zeros', 'zeros_like',
  // convolution, pooling, resizing, norms and losses: keras_prelude.py has the helpers the JAX emission calls, under
  // the same names and signatures (channels-first, as torch)
  'leaky_relu', 'rrelu', 'binary_cross_entropy', 'binary_cross_entropy_with_logits', 'prelu', 'rms_norm', 'local_response_norm',
  'unfold', 'pixel_shuffle', 'pixel_unshuffle',
  'nll_loss', 'cross_entropy', 'kl_div', 'hinge_embedding_loss', 'cosine_embedding_loss', 'poisson_nll_loss',
  'multilabel_soft_margin_loss', 'mish', 'cosine_similarity',
  'pad', 'batch_norm', 'group_norm', 'instance_norm', 'interpolate', 'upsample', 'upsample_nearest', 'upsample_bilinear',
  ...[1, 2, 3].flatMap((nd) => [`max_pool${nd}d`, `avg_pool${nd}d`, `adaptive_avg_pool${nd}d`, `adaptive_max_pool${nd}d`, `conv_transpose${nd}d`]),
];

/** Modules whose JAX emission translates: a function or lambda over one, or a prelude class that the Keras prelude
 *  has under the same name and constructor (BatchNorm, InstanceNorm, PReLU). */
const TRANSLATED_MODULES = [
  'CELU', 'ConstantPad1d', 'ConstantPad2d', 'ConstantPad3d', 'ELU', 'GELU', 'GLU', 'Hardshrink', 'Hardsigmoid',
  'Hardswish', 'Hardtanh', 'HuberLoss', 'Identity', 'L1Loss', 'LogSigmoid', 'LogSoftmax', 'MSELoss',
  'MarginRankingLoss', 'ReLU', 'ReLU6', 'ReflectionPad1d', 'ReflectionPad2d', 'ReflectionPad3d', 'SELU', 'SiLU',
  'Sigmoid', 'SmoothL1Loss', 'SoftMarginLoss', 'Softmax', 'Softmax2d', 'Softmin', 'Softplus', 'Softshrink',
  'Softsign', 'Tanh', 'Tanhshrink', 'Threshold', 'ZeroPad1d', 'ZeroPad2d', 'ZeroPad3d', 'Flatten', 'Upsample',
  'UpsamplingNearest2d', 'UpsamplingBilinear2d', 'BatchNorm1d', 'BatchNorm2d', 'BatchNorm3d', 'SyncBatchNorm',
  'InstanceNorm1d', 'InstanceNorm2d', 'InstanceNorm3d',
  'NLLLoss', 'CrossEntropyLoss', 'KLDivLoss', 'HingeEmbeddingLoss', 'CosineEmbeddingLoss', 'PoissonNLLLoss',
  'MultiLabelSoftMarginLoss', 'Mish', 'CosineSimilarity', 'LeakyReLU', 'BCELoss', 'BCEWithLogitsLoss', 'PReLU', 'LocalResponseNorm', 'Unfold', 'PixelShuffle', 'PixelUnshuffle',
  ...[1, 2, 3].flatMap((nd) => [`MaxPool${nd}d`, `AvgPool${nd}d`, `AdaptiveAvgPool${nd}d`, `AdaptiveMaxPool${nd}d`, `LPPool${nd}d`, `ReplicationPad${nd}d`, `CircularPad${nd}d`]),
];

/** Hover's Keras spelling: the JAX one with Keras names. */
const spellingOf = (jaxSpelling: string) => jaxSpelling.replace(/\b(?:jax\.nn|jax\.scipy\.special|jax\.lax|lax)\.\w+|\bjnp\.\w+/g, (fn) => kerasName(fn));

/** Gives the listed entries their Keras emission. */
export function addKerasEmitters(ops: OpEntry[], modules: ModuleEntry[]) {
  const translatedOps = new Set(TRANSLATED_OPS);
  for (const op of ops) {
    const own = OWN_OPS[op.name];
    if (!own && !translatedOps.has(op.name)) continue;
    op.keras = own?.emit ?? translated(op.jax);
    op.kerasSpelling = own?.spelling ?? spellingOf(op.jaxSpelling);
  }
  for (const module of modules) {
    if (PRELUDE_LAYERS[module.name]) {
      module.keras = preludeConstructor(module.name, module.torch, PRELUDE_LAYERS[module.name], NO_EQUIVALENT);
      module.kerasSpelling = `${module.name}(...) (keras_prelude: a keras.Layer with torch's parameter names and layouts)`;
    } else if (module.name === 'Dropout') {
      module.keras = dropoutLayer;
      module.kerasSpelling = 'keras.layers.Dropout(rate)';
    } else if (TRANSLATED_MODULES.includes(module.name)) {
      module.keras = translated(module.jax);
      module.kerasSpelling = spellingOf(module.jaxSpelling);
    }
  }
}
