// The NumPy target (inference): which catalogue entries convert to NumPy, and how. Most are their JAX emission with
// each JAX function replaced by its NumPy spelling: jnp.X → np.X where NumPy has the same function, and the few jax.nn
// functions NumPy lacks → prelude helpers of the same meaning (numpy_prelude.py). The conformance suite confirms every
// listed entry against real torch, dtypes included. An entry not listed has no NumPy equivalent yet.
import { type Arg, numValue } from '../pyvalue';
import { preludeHas } from '../prelude/prelude';
import { preludeConstructor } from './prelude-constructor';
import type { Emitter, JaxEmit, ModuleEntry, OpEntry } from './types';

/** JAX functions NumPy has no function (or no function of the same signature) for, and the prelude helper that
 *  computes the same. */
const JAX_HELPERS: Record<string, string> = {
  'jax.nn.softmax': 'softmax',
  'jax.nn.log_softmax': 'log_softmax',
  'jax.nn.sigmoid': 'sigmoid',
  'jax.nn.relu': 'relu',
  'jax.nn.silu': 'silu',
  'jax.nn.gelu': 'gelu',
  'jax.nn.identity': 'identity',
  'jax.nn.relu6': 'relu6',
  'jax.nn.leaky_relu': 'leaky_relu',
  'jax.nn.elu': 'elu',
  'jax.nn.celu': 'celu',
  'jax.nn.selu': 'selu',
  'jax.nn.softplus': 'softplus',
  'jax.nn.log_sigmoid': 'log_sigmoid',
  'jax.nn.mish': 'mish',
  'jax.nn.hard_sigmoid': 'hard_sigmoid',
  'jax.nn.hard_swish': 'hard_swish',
  'jax.nn.soft_sign': 'soft_sign',
  'jax.nn.glu': 'glu',
  'jax.nn.logsumexp': 'logsumexp',
  'jax.scipy.special.erf': 'erf',
  'jax.scipy.special.erfc': 'erfc',
  'jax.scipy.special.gammaln': 'gammaln',
  'jax.scipy.special.ndtr': 'ndtr',
  'jax.scipy.special.logit': 'logit',
  'jax.scipy.special.xlogy': 'xlogy',
  'jax.scipy.special.xlog1py': 'xlog1py',
  'jax.scipy.special.entr': 'entr',
  'jax.lax.top_k': 'top_k',
  // NumPy's sorts take no `descending`
  'jnp.sort': 'sort',
  'jnp.argsort': 'argsort',
  'jax.lax.rsqrt': 'rsqrt',
  'jax.lax.collapse': 'collapse',
  'jax.lax.dynamic_slice_in_dim': 'dynamic_slice_in_dim',
  // NumPy computes no gradients: detach is the identity
  'jax.lax.stop_gradient': 'identity',
};

/** Ops whose JAX emission, so translated, is their NumPy emission (confirmed by the conformance suite). */
const TRANSLATED_OPS = [
  // elementwise
  'abs', 'neg', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'sin', 'cos', 'tanh', 'sigmoid', 'floor', 'ceil', 'round',
  'sign', 'reciprocal', 'square', 'erf', 'add', 'add_scaled', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'atan2',
  'eq', 'ne', 'gt', 'ge', 'lt', 'le', 'logical_and', 'logical_or', 'logical_not', 'logical_xor', 'clamp', 'clamp_min',
  'clamp_max', 'masked_fill', 'lerp', 'sinh', 'cosh', 'tan', 'asin', 'acos', 'atan', 'arcsin', 'arccos',
  'arctan', 'asinh', 'acosh', 'atanh', 'arcsinh', 'arccosh', 'arctanh', 'log2', 'log10', 'exp2', 'trunc', 'fix',
  'deg2rad', 'rad2deg', 'negative', 'absolute', 'sgn', 'positive', 'frac', 'isnan', 'isinf', 'isfinite', 'isposinf',
  'isneginf', 'signbit', 'remainder', 'fmod', 'floor_divide', 'hypot', 'copysign', 'addcmul', 'addcdiv', 'special.erf',
  'special.expit', 'sinc', 'i0', 'bitwise_not', 'nan_to_num', 'heaviside', 'nextafter', 'bitwise_and', 'bitwise_or',
  'bitwise_xor', 'bitwise_left_shift', 'bitwise_right_shift', 'gcd', 'lcm', 'logaddexp', 'logaddexp2', 'float_power',
  'div_rounding', 'isclose', 'allclose', 'equal', 'special.sinc', 'special.exp2', 'special.expm1', 'special.log1p',
  'special.round', 'erfc', 'lgamma', 'logit', 'xlogy', 'special.erfc', 'special.gammaln', 'special.ndtr', 'special.entr',
  'special.xlog1py',
  // reductions
  'sum', 'mean', 'prod', 'amax', 'amin', 'all', 'any', 'argmax', 'argmin', 'std', 'var', 'cumsum', 'cumprod', 'nansum',
  'nanmean', 'max', 'min', 'aminmax', 'std_mean', 'var_mean', 'count_nonzero', 'median', 'median_dim', 'nanmedian',
  'kthvalue', 'logcumsumexp', 'norm', 'vector_norm', 'linalg_norm', 'msort', 'argsort', 'topk',
  'max_elementwise', 'min_elementwise',
  // shape
  'view', 'reshape', 'view_as', 'reshape_as', 'permute', 'transpose', 'swapaxes', 'swapdims', 't', 'movedim', 'moveaxis',
  'flatten', 'unflatten', 'squeeze', 'unsqueeze', 'expand', 'broadcast_to', 'expand_as', 'repeat', 'tile', 'cat',
  'concat', 'concatenate', 'stack', 'hstack', 'vstack', 'split', 'chunk', 'unbind', 'gather', 'index_select', 'take',
  'flip', 'roll', 'tril', 'triu', 'diagonal', 'trace', 'size', 'size_dim', 'dim', 'numel',
  'float', 'double', 'half', 'long', 'int', 'short', 'char', 'byte', 'bool', 'to', 'type_as', 'cpu', 'item', 'tolist',
  'numpy', 'zeros_like', 'ones_like', 'full_like', 'detach', 'dstack', 'column_stack', 'tensor_split',
  'fliplr', 'flipud', 'rot90', 'diag', 'diff', 'type', 'finfo', 'iinfo', 'empty', 'empty_like', 'new_zeros', 'new_ones',
  'new_empty', 'new_full', 'new_tensor', 'as_tensor', 'from_numpy', 'meshgrid', 'bucketize',
  'tril_indices', 'triu_indices',
  // nn
  'relu', 'silu', 'gelu', 'functional_sigmoid', 'functional_tanh', 'softmax', 'log_softmax', 'softmin', 'dropout',
  'linear', 'layer_norm', 'scaled_dot_product_attention', 'matmul', 'mm', 'bmm', 'mv', 'dot', 'outer',
  'inner', 'einsum', 'vdot', 'kron', 'tensordot', 'addmm', 'baddbmm', 'addbmm', 'addmv', 'hardtanh', 'tanhshrink',
  'softshrink', 'hardshrink', 'threshold', 'dropout1d', 'dropout2d', 'dropout3d', 'alpha_dropout', 'feature_alpha_dropout',
  'pad', 'normalize', 'bilinear', 'pairwise_distance', 'cdist', 'channel_shuffle', 'mse_loss', 'l1_loss', 'smooth_l1_loss',
  'huber_loss', 'soft_margin_loss', 'margin_ranking_loss', 'relu6', 'leaky_relu', 'elu', 'celu', 'selu', 'softplus',
  'logsigmoid', 'mish', 'hardsigmoid', 'hardswish', 'softsign', 'glu', 'logsumexp',
  'binary_cross_entropy', 'binary_cross_entropy_with_logits', 'nll_loss', 'cross_entropy', 'kl_div', 'hinge_embedding_loss',
  'cosine_embedding_loss', 'poisson_nll_loss', 'gaussian_nll_loss', 'triplet_margin_loss', 'multilabel_soft_margin_loss',
  'rrelu', 'prelu', 'rms_norm', 'local_response_norm', 'cosine_similarity', 'unfold', 'pixel_shuffle', 'pixel_unshuffle',
  'take_along_dim', 'quantile', 'nanquantile', 'narrow', 'batch_norm', 'group_norm', 'instance_norm', 'interpolate',
  'upsample', 'upsample_nearest', 'upsample_bilinear',
  ...[1, 2, 3].flatMap((nd) => [`max_pool${nd}d`, `avg_pool${nd}d`, `adaptive_avg_pool${nd}d`, `adaptive_max_pool${nd}d`, `conv_transpose${nd}d`]),
];

/** Modules whose JAX emission translates: a lambda over an op (activations, pools, losses, ...), or a prelude class
 *  that the NumPy prelude has under the same name and constructor (BatchNorm, InstanceNorm, PReLU). */
const TRANSLATED_MODULES = [
  'Identity', 'ReLU', 'GELU', 'SiLU', 'Sigmoid', 'Tanh', 'Softmax', 'LogSoftmax', 'Softmin', 'Softmax2d', 'Unflatten',
  'Tanhshrink', 'Hardtanh', 'Threshold', 'Softshrink', 'Hardshrink', 'PairwiseDistance', 'ChannelShuffle', 'MSELoss',
  'L1Loss', 'SmoothL1Loss', 'HuberLoss', 'SoftMarginLoss', 'MarginRankingLoss', 'ReLU6', 'LeakyReLU', 'ELU', 'CELU',
  'SELU', 'Softplus', 'LogSigmoid', 'Mish', 'Hardsigmoid', 'Hardswish', 'Softsign', 'GLU', 'Flatten', 'Upsample',
  'BCELoss', 'BCEWithLogitsLoss', 'NLLLoss', 'CrossEntropyLoss', 'KLDivLoss', 'HingeEmbeddingLoss', 'CosineEmbeddingLoss',
  'PoissonNLLLoss', 'GaussianNLLLoss', 'TripletMarginLoss', 'MultiLabelSoftMarginLoss', 'PReLU', 'PixelShuffle',
  'PixelUnshuffle', 'LocalResponseNorm', 'Unfold', 'CosineSimilarity', 'UpsamplingNearest2d', 'UpsamplingBilinear2d',
  'BatchNorm1d', 'BatchNorm2d', 'BatchNorm3d', 'SyncBatchNorm', 'InstanceNorm1d', 'InstanceNorm2d', 'InstanceNorm3d',
  ...[1, 2, 3].flatMap((nd) => [`MaxPool${nd}d`, `AvgPool${nd}d`, `AdaptiveAvgPool${nd}d`, `AdaptiveMaxPool${nd}d`, `LPPool${nd}d`]),
  ...['Zero', 'Constant', 'Reflection', 'Replication', 'Circular'].flatMap((kind) => [1, 2, 3].map((nd) => `${kind}Pad${nd}d`)),
];

/** Layers with parameters: prelude classes with torch's constructor, parameter names and layouts; the constructor
 *  parameters each class does not take besides device= and dtype= (those must keep their torch defaults). */
const PRELUDE_CLASSES: Record<string, string[]> = {
  Linear: [],
  LayerNorm: [],
  Embedding: ['max_norm', 'norm_type', 'scale_grad_by_freq', 'sparse', '_weight', '_freeze'],
  GroupNorm: [],
  RMSNorm: [],
  RReLU: [],
  Bilinear: [],
  MultiheadAttention: [],
  ...Object.fromEntries(['TransformerEncoderLayer', 'TransformerDecoderLayer', 'TransformerEncoder', 'TransformerDecoder', 'Transformer'].map((name) => [name, []])),
  ...Object.fromEntries(['LSTM', 'GRU', 'RNN', 'LSTMCell', 'GRUCell', 'RNNCell'].map((name) => [name, []])),
  ...Object.fromEntries([1, 2, 3].flatMap((nd) => [[`Conv${nd}d`, []], [`ConvTranspose${nd}d`, ['padding_mode']]])),
};

const NO_EQUIVALENT = 'no NumPy equivalent yet';

/** The NumPy spelling of a JAX function name, registering the prelude helper it needs. */
function numpyName(fn: string, e: Emitter): string {
  const helper = JAX_HELPERS[fn.replace(/^lax\./, 'jax.lax.')];
  if (helper) return e.helper(helper);
  return fn.replace(/^jnp\./, 'np.');
}

/** A JAX emission run with NumPy spellings; anything it needs that NumPy and the prelude lack is unsupported. */
export function translated(jax: JaxEmit): JaxEmit {
  return (a, e) => {
    const numpy: Emitter = {
      ...e,
      call: (fn, positional, keywords) => e.call(numpyName(fn, e), positional, keywords),
      helper: (name) => (preludeHas('numpy', name) ? e.helper(name) : e.unsupported(NO_EQUIVALENT)),
    };
    const text = jax(a, numpy)
      .replace(/\b(?:jax\.nn|jax\.scipy\.special|jax\.lax|lax)\.\w+|\bjnp\.(?=\w)/g, (fn) => (fn === 'jnp.' ? 'np.' : numpyName(fn, e)))
      // JAX emissions name jax.Array only to tell an array from a Python number at run time
      .replace(/\bjax\.Array\b/g, '(np.ndarray, np.generic)');
    if (/\b(jax|jnp|lax|nnx)\./.test(text)) e.unsupported(NO_EQUIVALENT);
    return text;
  };
}

/** torch.zeros(2, 3) is float32 (np.zeros: float64); torch.full infers int64 and bool from an int or bool fill, as
 *  np.full does. */
function float32Factory(fn: string): JaxEmit {
  return (a, e) => {
    const fill = a.fill_value;
    const inferred = !!fill && (typeof fill.lit === 'boolean' || isIntegerText(fill.text));
    const dtype = a.dtype.lit !== null ? a.dtype.text : inferred ? undefined : 'np.float32';
    return e.call(fn, fill ? [a.size, fill] : [a.size], dtype ? { dtype } : {});
  };
}

const isIntegerText = (text: string) => /^-?\d+$/.test(text.trim());
const isFloatText = (text: string) => /^-?(\d+\.\d*|\.\d+|\d+(\.\d*)?e-?\d+)$/i.test(text.trim());

/** torch.arange is int64 for integer bounds (as np.arange) and float32 for float ones (np.arange: float64). */
const arange: JaxEmit = (a, e) => {
  const bounds = a.end.lit === null ? [a.start] : a.step.lit === 1 ? [a.start, a.end] : [a.start, a.end, a.step];
  const floatBounds = bounds.some((b) => isFloatText(b.text));
  const dtype = a.dtype.lit !== null ? a.dtype.text : floatBounds ? 'np.float32' : undefined;
  return e.call('np.arange', bounds, dtype ? { dtype } : {});
};

/** Dropout modules in inference are the identity. */
const dropoutModule: JaxEmit = (_a, e) => e.helper('identity');

/** Creation ops that are float32 without a dtype in torch (float64 in NumPy): their JAX emission, translated, with
 *  dtype=np.float32 where none is given. */
const FLOAT32_BY_DEFAULT = ['eye', 'linspace', 'logspace'];

function float32ByDefault(jax: JaxEmit): JaxEmit {
  const numpy = translated(jax);
  return (a, e) => numpy(a.dtype.lit === null ? { ...a, dtype: { text: 'np.float32' } } : a, e);
}

/** Casts that return the tensor itself when it already has the dtype (x.float() of a float32 x, x.to(x.dtype)), so
 *  that an in-place update of the result updates x: astype(..., copy=False) does the same in NumPy. */
const SELF_WHEN_SAME_DTYPE = ['float', 'double', 'half', 'long', 'int', 'short', 'char', 'byte', 'bool', 'to', 'type_as'];

function selfWhenSameDtype(jax: JaxEmit): JaxEmit {
  const numpy = translated(jax);
  return (a, e) => numpy(a, e).replace(/(\.astype\((?:[^()]|\([^()]*\))*)\)$/, '$1, copy=False)');
}

/** torch.tensor: an explicit dtype as given, else the prelude's inference (Python floats are float32 in torch). */
const tensor: JaxEmit = (a, e) => (a.dtype.lit === null ? e.call(e.helper('tensor'), [a.data]) : e.call('np.array', [a.data], { dtype: a.dtype }));

/** torch.where between two Python numbers gives float32 when either is a float (np.where: float64); with a tensor
 *  operand the scalar is weak in both. */
const where: JaxEmit = (a, e) => {
  const literal = (arg: Arg) => arg.lit !== undefined && (isFloatText(arg.text) || isIntegerText(arg.text));
  const float32 = literal(a.input) && literal(a.other) && (isFloatText(a.input.text) || isFloatText(a.other.text));
  const value = (arg: Arg) => (float32 ? `np.float32(${arg.text})` : arg);
  return e.call('np.where', [a.condition, value(a.input), value(a.other)]);
};

/** F.one_hot: int64 as in torch (the JAX emission asks for int32). */
const oneHot: JaxEmit = (a, e) => {
  if (numValue(a.num_classes.lit) === -1) e.unsupported('num_classes=-1 infers the class count from the data: pass it explicitly');
  return e.call(e.helper('nnf_one_hot'), [a.tensor, a.num_classes]);
};

/** F.convNd as the prelude's conv_nd, with torch's own parameters. */
const conv: JaxEmit = (a, e) => e.call(e.helper('conv_nd'), [a.input, a.weight], {
  bias: [a.bias, 'None'], stride: [a.stride, '1'], padding: [a.padding, '0'], dilation: [a.dilation, '1'], groups: [a.groups, '1'],
});

/** F.embedding through the prelude, which raises on out-of-range indices as torch does (NumPy wraps negative ones). */
const embedding: JaxEmit = (a, e) => {
  if (a.max_norm && a.max_norm.lit !== null) e.unsupported('max_norm renormalises the weight rows in place');
  return e.call(e.helper('nnf_embedding'), [a.input, a.weight]);
};

/** Ops whose NumPy emission is written here: where NumPy's default dtype differs from torch's, where arrays being
 *  mutable matters, and where the JAX emission has no NumPy translation. */
const OWN_OPS: Record<string, JaxEmit> = {
  zeros: float32Factory('np.zeros'), ones: float32Factory('np.ones'), full: float32Factory('np.full'), arange,
  conv1d: conv, conv2d: conv, conv3d: conv, embedding, tensor, one_hot: oneHot, where,
  // NumPy arrays are mutable like tensors: a clone must not alias its source (JAX's emission is the array itself),
  // and contiguous() copies exactly where torch's does
  clone: (a, e) => e.call('np.copy', [a.input]),
  contiguous: (a, e) => e.call('np.ascontiguousarray', [a.input]),
};

/** Hover's NumPy spelling of the ops written here whose JAX spelling does not translate. */
const CONV_SPELLING = 'conv_nd(input, weight, bias, stride, padding, dilation, groups) (numpy_prelude: strided windows and einsum)';
const OWN_SPELLINGS: Record<string, string> = {
  conv1d: CONV_SPELLING, conv2d: CONV_SPELLING, conv3d: CONV_SPELLING,
  embedding: 'nnf_embedding(input, weight) (numpy_prelude: out-of-range indices raise)',
  tensor: 'tensor(data) (numpy_prelude: Python floats become float32), or np.array(data, dtype=dtype)',
  one_hot: 'nnf_one_hot(tensor, num_classes) (numpy_prelude: int64; out-of-range classes raise)',
  clone: 'np.copy(a)',
  contiguous: 'np.ascontiguousarray(a)',
};

/** Hover's NumPy spelling: the JAX one with np for jnp and helper names for jax.nn functions. */
const spellingOf = (jaxSpelling: string) => jaxSpelling.replace(/\bjnp\./g, 'np.').replace(/\bjax\.(?:nn|scipy\.special|lax)\.\w+/g, (fn) => JAX_HELPERS[fn] ?? fn);

/** Gives the listed entries their NumPy emission. */
export function addNumpyEmitters(ops: OpEntry[], modules: ModuleEntry[]) {
  const translatedOps = new Set(TRANSLATED_OPS);
  for (const op of ops) {
    const own = OWN_OPS[op.name]
      ?? (FLOAT32_BY_DEFAULT.includes(op.name) ? float32ByDefault(op.jax) : undefined)
      ?? (SELF_WHEN_SAME_DTYPE.includes(op.name) ? selfWhenSameDtype(op.jax) : undefined);
    if (!own && !translatedOps.has(op.name)) continue;
    op.numpy = own ?? translated(op.jax);
    op.numpySpelling = OWN_SPELLINGS[op.name] ?? spellingOf(op.jaxSpelling);
  }
  for (const module of modules) {
    if (PRELUDE_CLASSES[module.name]) {
      module.numpy = preludeConstructor(module.name, module.torch, PRELUDE_CLASSES[module.name], NO_EQUIVALENT);
      module.numpySpelling = `${module.name}(...) (numpy_prelude: torch's parameter names and layouts)`;
    } else if (/^(Dropout(\dd)?|(Feature)?AlphaDropout)$/.test(module.name)) {
      module.numpy = dropoutModule;
      module.numpySpelling = 'identity (inference)';
    } else if (TRANSLATED_MODULES.includes(module.name)) {
      module.numpy = translated(module.jax);
      module.numpySpelling = spellingOf(module.jaxSpelling);
    }
  }
}
