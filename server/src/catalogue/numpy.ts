// The NumPy target (inference): which catalogue entries convert to NumPy, and how. Most are their JAX emission with
// each JAX function replaced by its NumPy spelling: jnp.X → np.X where NumPy has the same function, and the few jax.nn
// functions NumPy lacks → prelude helpers of the same meaning (numpy_prelude.py). The conformance suite confirms every
// listed entry against real torch, dtypes included. An entry not listed has no NumPy equivalent yet.
import { parseLiteralText, sameLit } from '../pyvalue';
import { preludeHas } from '../prelude/prelude';
import { parseSignature } from './signature';
import type { Emitter, JaxEmit, KeywordWithDefault, ModuleEntry, OpEntry } from './types';

/** JAX functions NumPy has no function for, and the prelude helper that computes the same. */
const JAX_HELPERS: Record<string, string> = {
  'jax.nn.softmax': 'softmax',
  'jax.nn.log_softmax': 'log_softmax',
  'jax.nn.sigmoid': 'sigmoid',
  'jax.nn.relu': 'relu',
  'jax.nn.silu': 'silu',
  'jax.nn.gelu': 'gelu',
  'jax.nn.identity': 'identity',
  'jax.scipy.special.erf': 'erf',
  'jax.lax.rsqrt': 'rsqrt',
  // NumPy computes no gradients: detach is the identity
  'jax.lax.stop_gradient': 'identity',
};

/** Ops whose JAX emission, so translated, is their NumPy emission (confirmed by the conformance suite). */
const TRANSLATED_OPS = [
  // elementwise
  'abs', 'neg', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'sin', 'cos', 'tanh', 'sigmoid', 'floor', 'ceil', 'round',
  'sign', 'reciprocal', 'square', 'erf', 'add', 'add_scaled', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'atan2',
  'eq', 'ne', 'gt', 'ge', 'lt', 'le', 'logical_and', 'logical_or', 'logical_not', 'logical_xor', 'clamp', 'clamp_min',
  'clamp_max', 'where', 'masked_fill', 'lerp', 'sinh', 'cosh', 'tan', 'asin', 'acos', 'atan', 'arcsin', 'arccos',
  'arctan', 'asinh', 'acosh', 'atanh', 'arcsinh', 'arccosh', 'arctanh', 'log2', 'log10', 'exp2', 'trunc', 'fix',
  'deg2rad', 'rad2deg', 'negative', 'absolute', 'sgn', 'positive', 'frac', 'isnan', 'isinf', 'isfinite', 'isposinf',
  'isneginf', 'signbit', 'remainder', 'fmod', 'floor_divide', 'hypot', 'copysign', 'addcmul', 'addcdiv', 'special.erf',
  'special.expit', 'sinc', 'i0', 'bitwise_not', 'nan_to_num', 'heaviside', 'nextafter', 'bitwise_and', 'bitwise_or',
  'bitwise_xor', 'bitwise_left_shift', 'bitwise_right_shift', 'gcd', 'lcm', 'logaddexp', 'logaddexp2', 'float_power',
  'div_rounding', 'isclose', 'allclose', 'equal', 'special.sinc', 'special.exp2', 'special.expm1', 'special.log1p',
  'special.round',
  // reductions
  'sum', 'mean', 'prod', 'amax', 'amin', 'all', 'any', 'argmax', 'argmin', 'std', 'var', 'cumsum', 'cumprod', 'nansum',
  'nanmean', 'max', 'min', 'aminmax', 'std_mean', 'var_mean', 'count_nonzero', 'median', 'median_dim', 'nanmedian',
  'kthvalue', 'logcumsumexp', 'norm', 'vector_norm', 'linalg_norm', 'msort',
  // shape
  'view', 'reshape', 'view_as', 'reshape_as', 'permute', 'transpose', 'swapaxes', 'swapdims', 't', 'movedim', 'moveaxis',
  'flatten', 'unflatten', 'squeeze', 'unsqueeze', 'expand', 'broadcast_to', 'expand_as', 'repeat', 'tile', 'cat',
  'concat', 'concatenate', 'stack', 'hstack', 'vstack', 'split', 'chunk', 'unbind', 'gather', 'index_select', 'take',
  'flip', 'roll', 'tril', 'triu', 'diagonal', 'trace', 'contiguous', 'clone', 'size', 'size_dim', 'dim', 'numel',
  'float', 'double', 'half', 'long', 'int', 'short', 'char', 'byte', 'bool', 'to', 'type_as', 'cpu', 'item', 'tolist',
  'numpy', 'zeros_like', 'ones_like', 'full_like', 'detach', 'dstack', 'column_stack', 'tensor_split',
  'fliplr', 'flipud', 'rot90', 'diag', 'diff', 'type', 'finfo', 'iinfo', 'empty', 'empty_like', 'new_zeros', 'new_ones',
  'new_empty', 'new_full', 'new_tensor', 'as_tensor', 'from_numpy', 'meshgrid', 'bucketize',
  'tril_indices', 'triu_indices',
  // nn
  'relu', 'silu', 'gelu', 'functional_sigmoid', 'functional_tanh', 'softmax', 'log_softmax', 'softmin', 'dropout',
  'linear', 'layer_norm', 'embedding', 'scaled_dot_product_attention', 'matmul', 'mm', 'bmm', 'mv', 'dot', 'outer',
  'inner', 'einsum', 'vdot', 'kron', 'tensordot', 'addmm', 'baddbmm', 'addbmm', 'addmv', 'hardtanh', 'tanhshrink',
  'softshrink', 'hardshrink', 'threshold', 'dropout1d', 'dropout2d', 'dropout3d', 'alpha_dropout', 'feature_alpha_dropout',
  'pad', 'normalize', 'bilinear', 'pairwise_distance', 'cdist', 'channel_shuffle', 'mse_loss', 'l1_loss', 'smooth_l1_loss',
  'huber_loss', 'soft_margin_loss', 'margin_ranking_loss',
];

/** Activation and softmax modules: a lambda over the op, translated the same way. */
const TRANSLATED_MODULES = [
  'Identity', 'ReLU', 'GELU', 'SiLU', 'Sigmoid', 'Tanh', 'Softmax', 'LogSoftmax', 'Softmin', 'Softmax2d', 'Unflatten',
  'Tanhshrink', 'Hardtanh', 'Threshold', 'Softshrink', 'Hardshrink', 'PairwiseDistance', 'ChannelShuffle', 'MSELoss',
  'L1Loss', 'SmoothL1Loss', 'HuberLoss', 'SoftMarginLoss', 'MarginRankingLoss',
  ...['Zero', 'Constant', 'Reflection', 'Replication', 'Circular'].flatMap((kind) => [1, 2, 3].map((nd) => `${kind}Pad${nd}d`)),
];

/** Layers with parameters: prelude classes with torch's constructor, parameter names and layouts; the constructor
 *  parameters each class takes (the others must keep their torch defaults). */
const PRELUDE_CLASSES: Record<string, string[]> = {
  Linear: ['in_features', 'out_features', 'bias'],
  LayerNorm: ['normalized_shape', 'eps', 'elementwise_affine', 'bias'],
  Embedding: ['num_embeddings', 'embedding_dim', 'padding_idx'],
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
    const text = jax(a, numpy).replace(/\b(?:jax\.nn|jax\.scipy\.special|jax\.lax|lax)\.\w+|\bjnp\.(?=\w)/g, (fn) => (fn === 'jnp.' ? 'np.' : numpyName(fn, e)));
    if (/\b(jax|jnp|lax|nnx)\./.test(text)) e.unsupported(NO_EQUIVALENT);
    return text;
  };
}

/** A prelude class built with the torch constructor's arguments; a parameter it does not take must keep its default. */
function preludeClass(name: string, torchSignature: string): JaxEmit {
  const params = parseSignature(torchSignature).params;
  const taken = PRELUDE_CLASSES[name];
  return (a, e) => {
    for (const p of params) {
      const isDefault = a[p.name].text === p.defaultText || sameLit(a[p.name].lit, p.defaultText === undefined ? undefined : parseLiteralText(p.defaultText));
      if (!taken.includes(p.name) && !isDefault) e.unsupported(`${p.name}=: ${NO_EQUIVALENT}`);
    }
    const required = params.filter((p) => p.defaultText === undefined).map((p) => a[p.name]);
    const keywords = Object.fromEntries(params.filter((p) => p.defaultText !== undefined && taken.includes(p.name)).map((p): [string, KeywordWithDefault] => [p.name, [a[p.name], p.defaultText!]]));
    return e.call(e.helper(name), required, keywords);
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

/** Ops whose NumPy emission is written here: the creation ops whose default dtype differs. */
const OWN_OPS: Record<string, JaxEmit> = { zeros: float32Factory('np.zeros'), ones: float32Factory('np.ones'), full: float32Factory('np.full'), arange };

/** Hover's NumPy spelling: the JAX one with np for jnp and helper names for jax.nn functions. */
const spellingOf = (jaxSpelling: string) => jaxSpelling.replace(/\bjnp\./g, 'np.').replace(/\bjax\.(?:nn|scipy\.special|lax)\.\w+/g, (fn) => JAX_HELPERS[fn] ?? fn);

/** Gives the listed entries their NumPy emission. */
export function addNumpyEmitters(ops: OpEntry[], modules: ModuleEntry[]) {
  const translatedOps = new Set(TRANSLATED_OPS);
  for (const op of ops) {
    const own = OWN_OPS[op.name];
    if (!own && !translatedOps.has(op.name)) continue;
    op.numpy = own ?? translated(op.jax);
    op.numpySpelling = spellingOf(op.jaxSpelling);
  }
  for (const module of modules) {
    if (PRELUDE_CLASSES[module.name]) {
      module.numpy = preludeClass(module.name, module.torch);
      module.numpySpelling = `${module.name}(...) (numpy_prelude: torch's parameter names and layouts)`;
    } else if (/^Dropout(\dd)?$/.test(module.name)) {
      module.numpy = dropoutModule;
      module.numpySpelling = 'identity (inference)';
    } else if (TRANSLATED_MODULES.includes(module.name)) {
      module.numpy = translated(module.jax);
      module.numpySpelling = spellingOf(module.jaxSpelling);
    }
  }
}
