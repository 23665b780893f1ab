# Helpers copied into Keras 3 conversions, each section only where the converted code uses it. Layers keep PyTorch's
# parameter names and layouts (Linear.weight is [out, in]) so that load_torch_state_dict copies a state_dict as it is.
# Sections: "# --- name: dependencies".

# --- identity:
def identity(x):
    """nn.Identity: the input as it is."""
    return x


# --- nnf_layer_norm:
def nnf_layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    """F.layer_norm over the trailing len(normalized_shape) axes, biased two-pass variance."""
    count = 1 if isinstance(normalized_shape, int) else len(normalized_shape)
    axes = tuple(range(len(x.shape) - count, len(x.shape)))
    mean = keras.ops.mean(x, axis=axes, keepdims=True)
    y = (x - mean) * keras.ops.rsqrt(keras.ops.var(x, axis=axes, keepdims=True) + eps)
    if weight is not None:
        y = y * weight
    return y if bias is None else y + bias


# --- nnf_scaled_dot_product_attention:
def nnf_scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                     enable_gqa=False):
    """F.scaled_dot_product_attention, (..., L, E) layout; a bool mask keeps True; fully masked rows give 0 as torch."""
    if dropout_p:
        raise NotImplementedError('scaled_dot_product_attention: dropout_p > 0 is not converted')
    length, source = query.shape[-2], key.shape[-2]
    if enable_gqa:
        key = keras.ops.repeat(key, query.shape[-3] // key.shape[-3], axis=-3)
        value = keras.ops.repeat(value, query.shape[-3] // value.shape[-3], axis=-3)
    scale = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = keras.ops.matmul(query, keras.ops.swapaxes(key, -2, -1)) * scale
    if is_causal:
        scores = keras.ops.where(keras.ops.tril(keras.ops.ones((length, source), 'bool')), scores, -math.inf)
    if attn_mask is not None:
        is_bool = keras.backend.standardize_dtype(attn_mask.dtype) == 'bool'
        scores = keras.ops.where(attn_mask, scores, -math.inf) if is_bool else scores + attn_mask
    masked_row = keras.ops.all(scores == -math.inf, axis=-1, keepdims=True)
    weights = keras.ops.softmax(keras.ops.where(masked_row, 0.0, scores), axis=-1)
    return keras.ops.matmul(keras.ops.where(masked_row, 0.0, weights), value)


# --- nnf_dropout:
def nnf_dropout(x, p, training):
    """F.dropout whose p or training is known only at run time: the identity unless it would drop."""
    if training and p > 0:
        raise NotImplementedError('F.dropout in training mode is not converted: use nn.Dropout (keras.layers.Dropout)')
    return x


# --- register_buffer:
def register_buffer(module, name, value, persistent=True):
    """torch's register_buffer: the tensor becomes an attribute; a non-persistent one stays out of the state_dict."""
    setattr(module, name, value)
    if not persistent:
        module._non_persistent = getattr(module, '_non_persistent', frozenset()) | {name}
    return value


# --- Linear:
class Linear(keras.Layer):
    """nn.Linear: weight [out_features, in_features], applied as x @ weight.T + bias."""

    def __init__(self, in_features, out_features, bias=True, **kwargs):
        super().__init__(**kwargs)
        self.weight = self.add_weight(shape=(out_features, in_features), initializer='zeros', name='weight')
        self.bias = self.add_weight(shape=(out_features,), initializer='zeros', name='bias') if bias else None
        self.built = True

    def call(self, x):
        y = keras.ops.matmul(x, keras.ops.transpose(self.weight))
        return y if self.bias is None else y + self.bias


# --- LayerNorm: nnf_layer_norm
class LayerNorm(keras.Layer):
    """nn.LayerNorm over the trailing normalized_shape axes; weight and bias of that shape (torch's eps)."""

    def __init__(self, normalized_shape, eps=1e-05, elementwise_affine=True, bias=True, **kwargs):
        super().__init__(**kwargs)
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape, self.eps = shape, eps
        self.weight = self.add_weight(shape=shape, initializer='ones', name='weight') if elementwise_affine else None
        self.bias = self.add_weight(shape=shape, initializer='zeros', name='bias') if elementwise_affine and bias else None
        self.built = True

    def call(self, x):
        return nnf_layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)


# --- Embedding:
class Embedding(keras.Layer):
    """nn.Embedding: weight [num_embeddings, embedding_dim], rows picked by index."""

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, **kwargs):
        super().__init__(**kwargs)
        self.weight = self.add_weight(shape=(num_embeddings, embedding_dim), initializer='zeros', name='weight')
        self.built = True

    def call(self, indices):
        return keras.ops.take(self.weight, indices, axis=0)


# --- Sequential:
class Sequential(keras.Layer):
    """nn.Sequential: children named 0, 1, ... as in torch's state_dict, applied in order."""

    def __init__(self, *layers, **kwargs):
        super().__init__(**kwargs)
        self._count = len(layers)
        for i, layer in enumerate(layers):
            setattr(self, str(i), layer)

    def __getitem__(self, index):
        return getattr(self, str(range(self._count)[index]))

    def __len__(self):
        return self._count

    def __iter__(self):
        return (self[i] for i in range(self._count))

    def call(self, x):
        for layer in self:
            x = layer(x)
        return x


# --- ModuleDict:
class ModuleDict(keras.Layer):
    """nn.ModuleDict: children named by their key, read as attributes (self.transformer.wte) or items."""

    def __init__(self, modules=None, **kwargs):
        super().__init__(**kwargs)
        self._keys = list(dict(modules or {}))
        for key, layer in dict(modules or {}).items():
            setattr(self, key, layer)

    def __getitem__(self, key):
        return getattr(self, key)

    def keys(self):
        return list(self._keys)

    def items(self):
        return [(k, self[k]) for k in self._keys]

    def values(self):
        return [self[k] for k in self._keys]


# --- load_torch_state_dict:
def _named_state(obj, prefix, seen):
    """(name, owner, attribute, value) for every variable and tensor a model holds, by torch state_dict names: layer
    attributes, list items and dict entries."""
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, dict):
        items = list(obj.items())
    elif isinstance(obj, (list, tuple)):
        items = list(enumerate(obj))
    elif isinstance(obj, keras.Layer):
        skip = getattr(obj, '_non_persistent', frozenset())
        items = [(k, v) for k, v in vars(obj).items() if k not in skip and not k.startswith('_')]
    else:
        return
    for name, value in items:
        if isinstance(value, keras.Variable) or keras.ops.is_tensor(value):
            yield f'{prefix}{name}', obj, name, value
        else:
            yield from _named_state(value, f'{prefix}{name}.', seen)


def load_torch_state_dict(model, state_dict):
    """Fills `model` in place from a PyTorch state_dict given as {name: numpy array}: parameters are assigned (shared
    ones, tied weights, stay shared), buffers replaced; a KeyError names missing and unexpected keys."""
    entries = {}
    for name, owner, attr, value in _named_state(model, '', set()):
        entries.setdefault(name, (owner, attr, value))
    optional = lambda name: name.endswith('num_batches_tracked')
    missing = sorted(k for k in set(entries) - set(state_dict) if not optional(k))
    unexpected = sorted(k for k in set(state_dict) - set(entries) if not optional(k))
    if missing or unexpected:
        raise KeyError(f'state_dict does not match the model: missing {missing}, unexpected {unexpected}')
    for name, (owner, attr, value) in entries.items():
        array = np.asarray(state_dict[name])
        if tuple(array.shape) != tuple(value.shape):
            raise ValueError(f'{name}: expected shape {tuple(value.shape)}, got {array.shape}')
        if isinstance(value, keras.Variable):
            value.assign(array)
        else:
            setattr(owner, attr, keras.ops.convert_to_tensor(array))
    return model
