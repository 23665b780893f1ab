# Helpers copied into NumPy conversions, each section only where the converted code uses it. Modules are plain
# classes holding NumPy arrays under PyTorch's parameter names and layouts (float32, zero-filled until loaded).
# Sections: "# --- name: dependencies".

# --- erf:
_erf = np.vectorize(math.erf, otypes=[np.float64])


def erf(x):
    """torch.erf: NumPy has no erf; math.erf per element in float64, cast back to the input's float dtype."""
    x = np.asarray(x)
    dtype = x.dtype if x.dtype.kind == 'f' else np.float32
    return _erf(x.astype(np.float64)).astype(dtype)


# --- gelu: erf
def gelu(x, approximate=True):
    """jax.nn.gelu's signature, torch's formulas: the tanh approximation, or exact through erf."""
    if approximate:
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
    return x * 0.5 * (1 + erf(x / math.sqrt(2)))


# --- relu:
def relu(x):
    return np.maximum(x, 0)


# --- silu: sigmoid
def silu(x):
    return x * sigmoid(x)


# --- rsqrt:
def rsqrt(x):
    return 1 / np.sqrt(x)


# --- identity:
def identity(x):
    """nn.Identity, and dropout in inference: the input as it is."""
    return x


# --- sigmoid:
def sigmoid(x):
    """torch.sigmoid without overflow warnings for large negative inputs."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


# --- softmax:
def softmax(x, axis):
    """F.softmax: shifted by the maximum; a row that is all -inf gives NaN, as in torch."""
    shifted = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return shifted / np.sum(shifted, axis=axis, keepdims=True)


# --- log_softmax:
def log_softmax(x, axis):
    """F.log_softmax: x - logsumexp(x), shifted by the maximum."""
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


# --- nnf_layer_norm:
def nnf_layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    """F.layer_norm over the trailing len(normalized_shape) axes, biased two-pass variance."""
    count = 1 if isinstance(normalized_shape, int) else len(normalized_shape)
    axes = tuple(range(x.ndim - count, x.ndim))
    mean = np.mean(x, axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(np.var(x, axis=axes, keepdims=True) + eps)
    if weight is not None:
        y = y * weight
    return y if bias is None else y + bias


# --- nnf_scaled_dot_product_attention: softmax
def nnf_scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """F.scaled_dot_product_attention, (..., L, E) layout; a bool mask keeps True; fully masked rows give 0 as torch."""
    if dropout_p:
        raise NotImplementedError('scaled_dot_product_attention: dropout_p > 0 is random; the NumPy target is for inference')
    length, source = query.shape[-2], key.shape[-2]
    if enable_gqa:
        key = np.repeat(key, query.shape[-3] // key.shape[-3], axis=-3)
        value = np.repeat(value, query.shape[-3] // value.shape[-3], axis=-3)
    scale = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = (query @ np.swapaxes(key, -2, -1)) * np.float32(scale)
    if is_causal:
        scores = np.where(np.tril(np.ones((length, source), bool)), scores, -np.inf)
    if attn_mask is not None:
        scores = np.where(attn_mask, scores, -np.inf) if attn_mask.dtype == np.bool_ else scores + attn_mask
    masked_row = np.all(scores == -np.inf, axis=-1, keepdims=True)
    weights = softmax(np.where(masked_row, np.float32(0), scores), axis=-1)
    return np.where(masked_row, np.float32(0), weights) @ value


# --- nnf_dropout:
def nnf_dropout(x, p, training):
    """F.dropout whose p or training is known only at run time: the identity unless it would drop."""
    if training and p > 0:
        raise NotImplementedError('dropout in training mode is random; the NumPy target is for inference')
    return x


# --- register_buffer:
def register_buffer(module, name, value, persistent=True):
    """torch's register_buffer: the array becomes an attribute; a non-persistent one stays out of the state_dict."""
    setattr(module, name, value)
    if not persistent:
        module._non_persistent = getattr(module, '_non_persistent', frozenset()) | {name}
    return value


# --- Linear:
class Linear:
    """nn.Linear: weight [out_features, in_features], applied as x @ weight.T + bias."""

    def __init__(self, in_features, out_features, bias=True):
        self.weight = np.zeros((out_features, in_features), np.float32)
        self.bias = np.zeros(out_features, np.float32) if bias else None

    def __call__(self, x):
        y = x @ self.weight.T
        return y if self.bias is None else y + self.bias


# --- LayerNorm: nnf_layer_norm
class LayerNorm:
    """nn.LayerNorm over the trailing normalized_shape axes; weight and bias of that shape."""

    def __init__(self, normalized_shape, eps=1e-05, elementwise_affine=True, bias=True):
        self.normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.eps = eps
        self.weight = np.zeros(self.normalized_shape, np.float32) if elementwise_affine else None
        self.bias = np.zeros(self.normalized_shape, np.float32) if elementwise_affine and bias else None

    def __call__(self, x):
        return nnf_layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)


# --- Embedding:
class Embedding:
    """nn.Embedding: weight [num_embeddings, embedding_dim], rows picked by index (negative indices are errors in
    torch and wrap here)."""

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None):
        self.weight = np.zeros((num_embeddings, embedding_dim), np.float32)

    def __call__(self, indices):
        return self.weight[indices]


# --- Sequential:
class Sequential(list):
    """nn.Sequential: children named 0, 1, ... as in torch's state_dict."""

    def __init__(self, *modules):
        super().__init__(modules)

    def __call__(self, x):
        for module in self:
            x = module(x)
        return x


# --- ModuleList:
class ModuleList(list):
    """nn.ModuleList: children named by their index."""


# --- ModuleDict:
class ModuleDict(dict):
    """nn.ModuleDict: children named by their key, read as attributes too (self.transformer.wte)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


# --- load_torch_state_dict:
def _named_arrays(obj, prefix, seen):
    """The arrays a model holds, by their torch state_dict names: attributes, list items and dict entries."""
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, dict):
        items = obj.items()
    elif isinstance(obj, (list, tuple)):
        items = enumerate(obj)
    elif hasattr(obj, '__dict__') and type(obj).__module__ != 'builtins':  # not functions, classes or modules
        skip = getattr(obj, '_non_persistent', frozenset())
        items = ((k, v) for k, v in vars(obj).items() if k not in skip and not k.startswith('_'))
    else:
        return
    for name, value in items:
        if isinstance(value, np.ndarray):
            yield f'{prefix}{name}', value
        else:
            yield from _named_arrays(value, f'{prefix}{name}.', seen)


def load_torch_state_dict(model, state_dict):
    """Fills `model` in place from a PyTorch state_dict given as {name: numpy array}; arrays keep their dtype, and
    arrays shared by several names (tied weights) stay shared."""
    arrays = {}
    for name, array in _named_arrays(model, '', set()):
        arrays.setdefault(name, array)
    optional = lambda name: name.endswith('num_batches_tracked')
    missing = sorted(k for k in set(arrays) - set(state_dict) if not optional(k))
    unexpected = sorted(k for k in set(state_dict) - set(arrays) if not optional(k))
    if missing or unexpected:
        raise KeyError(f'state_dict does not match the model: missing {missing}, unexpected {unexpected}')
    for name, array in arrays.items():
        value = np.asarray(state_dict[name])
        if value.shape != array.shape:
            raise ValueError(f'{name}: expected shape {array.shape}, got {value.shape}')
        array[...] = value
    return model
