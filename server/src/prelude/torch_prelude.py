# Helpers that a file converted from JAX / Flax NNX or Keras to PyTorch may need, copied into it by section (only those it
# uses, with their dependencies): "# --- NAME: DEPENDENCY, ..." starts a section. Read by server/src/reverse/prelude.ts.
import numpy as np
import torch
import torch.nn as nn

# --- Function
class Function(nn.Module):
    """A plain function held where torch wants a module (an nnx.Sequential entry such as jax.nn.relu)."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, *args):
        return self.fn(*args)

# --- Sequential: Function
class Sequential(nn.Sequential):
    """nnx.Sequential: its callables in order, plain functions wrapped. Flax names the entries layers.0, layers.1, ..."""

    def __init__(self, *fns):
        super().__init__(*(f if isinstance(f, nn.Module) else Function(f) for f in fns))

# --- tie_weights
def tie_weights(target, source):
    """The JAX file's tie_weights(target, source): both layers read one parameter, torch's `target.weight =
    source.weight` (an Embedding's [vocab, dim] table is a Linear's [out, in] weight as it stands)."""
    target.weight = source.weight
    return target, source

# --- pad_like_numpy
def pad_like_numpy(array, pad_width, mode='constant', value=0):
    """jnp.pad with numpy's pad_width (an int, one (before, after) pair, or one pair per axis) as torch's F.pad takes
    it: pairs from the last axis back. 'edge' is torch's 'replicate', 'wrap' its 'circular'; those modes pad only
    trailing axes of a (batch, channels)-like input, so the axes before the first padded one are flattened into one."""
    widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (array.ndim, 2))
    if mode == 'constant':
        return nn.functional.pad(array, tuple(int(w) for pair in widths[::-1] for w in pair), value=value)
    padded = [axis for axis in range(array.ndim) if widths[axis].any()]
    if not padded:
        return array
    lead = tuple(array.shape[:padded[0]])
    flat = array.reshape((-1,) + tuple(array.shape[padded[0]:]))
    pads = tuple(int(w) for pair in widths[padded[0]:][::-1] for w in pair)
    out = nn.functional.pad(flat, pads, mode={'reflect': 'reflect', 'edge': 'replicate', 'wrap': 'circular'}[mode])
    return out.reshape(lead + tuple(out.shape[1:]))

# --- pool_nd
def pool_nd(x, nd, kind, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, count_include_pad=True,
            divisor_override=None):
    """The JAX file's pool_nd (torch.nn.functional's pooling written in JAX): torch's own max/avg pooling."""
    stride = None if stride in ([], ()) else stride
    if kind == 'max':
        return getattr(nn.functional, f'max_pool{nd}d')(x, kernel_size, stride, padding, dilation, ceil_mode)
    divisor = () if nd == 1 else (divisor_override,)
    return getattr(nn.functional, f'avg_pool{nd}d')(x, kernel_size, stride, padding, ceil_mode, count_include_pad, *divisor)

# --- lp_pool_nd
def lp_pool_nd(x, nd, norm_type, kernel_size, stride=None, ceil_mode=False):
    """The JAX file's lp_pool_nd: torch's lp_pool."""
    return getattr(nn.functional, f'lp_pool{nd}d')(x, norm_type, kernel_size, stride, ceil_mode)

# --- adaptive_pool_nd
def adaptive_pool_nd(x, nd, kind, output_size):
    """The JAX file's adaptive_pool_nd: torch's adaptive max/avg pooling."""
    return getattr(nn.functional, f'adaptive_{kind}_pool{nd}d')(x, output_size)

# --- ChannelsLast
class ChannelsLast:
    """Flax's layout around a torch layer: batched inputs and outputs keep the channels last (N, ..., C), as nnx.Conv
    and nnx.BatchNorm take them; the torch layer works channels-first in between."""

    def forward(self, x):
        return super().forward(x.movedim(-1, 1)).movedim(1, -1)

# --- ChannelsLastConv1d: ChannelsLast
class ChannelsLastConv1d(ChannelsLast, nn.Conv1d):
    """nnx.Conv over one axis, (N, L, C) in and out; load_flax_state turns Flax's [k, in, out] kernel into [out, in, k]."""

# --- ChannelsLastConv2d: ChannelsLast
class ChannelsLastConv2d(ChannelsLast, nn.Conv2d):
    """nnx.Conv over two axes, (N, H, W, C) in and out; load_flax_state turns the HWIO kernel into torch's OIHW."""

# --- ChannelsLastConv3d: ChannelsLast
class ChannelsLastConv3d(ChannelsLast, nn.Conv3d):
    """nnx.Conv over three axes, (N, D, H, W, C) in and out; the DHWIO kernel becomes torch's OIDHW."""

# --- ChannelsLastConv: ChannelsLastConv1d, ChannelsLastConv2d, ChannelsLastConv3d
def ChannelsLastConv(in_features, out_features, kernel_size, **options):
    """nnx.Conv whose kernel_size is known at run time: an int is one spatial axis, as in Flax."""
    size = (kernel_size,) if isinstance(kernel_size, int) else tuple(kernel_size)
    layers = (ChannelsLastConv1d, ChannelsLastConv2d, ChannelsLastConv3d)
    return layers[len(size) - 1](in_features, out_features, kernel_size=size, **options)

# --- ChannelsLastBatchNorm: ChannelsLast
class ChannelsLastBatchNorm(ChannelsLast, nn.BatchNorm1d):
    """nnx.BatchNorm over the last axis of an input of any rank; momentum is 1 - Flax's."""

    def _check_input_dim(self, input):
        pass

# --- ChannelsLastGroupNorm: ChannelsLast
class ChannelsLastGroupNorm(ChannelsLast, nn.GroupNorm):
    """nnx.GroupNorm: groups of the last axis, statistics over every other non-batch axis, (N, ..., C) in and out."""

# --- FlaxMultiHeadAttention
class LinearToHeads(nn.Linear):
    """A projection to (heads, head_dim), Flax's LinearGeneral with an [in, heads, head_dim] kernel; torch keeps it as
    [heads * head_dim, in]."""


class LinearFromHeads(nn.Linear):
    """A projection from (heads, head_dim), Flax's [heads, head_dim, out] kernel; torch keeps [out, heads * head_dim]."""


class FlaxMultiHeadAttention(nn.Module):
    """nnx.MultiHeadAttention: inputs (batch..., length, features), per-head projections (query, key, value, out), scores
    scaled by 1/sqrt(head_dim), a boolean `mask` (True attends) broadcast to (batch..., heads, q, k) with masked
    scores at the dtype's most negative value, as Flax does. Attention dropout follows train()/eval()."""

    def __init__(self, num_heads, in_features, qkv_features=None, out_features=None, in_kv_features=None,
                 dropout_rate=0.0, use_bias=True):
        super().__init__()
        qkv_features = qkv_features or in_features
        in_kv_features = in_kv_features or in_features
        self.num_heads, self.head_dim, self.dropout_rate = num_heads, qkv_features // num_heads, dropout_rate
        self.query = LinearToHeads(in_features, qkv_features, bias=use_bias)
        self.key = LinearToHeads(in_kv_features, qkv_features, bias=use_bias)
        self.value = LinearToHeads(in_kv_features, qkv_features, bias=use_bias)
        self.out = LinearFromHeads(qkv_features, out_features or in_features, bias=use_bias)

    def forward(self, inputs_q, inputs_k=None, inputs_v=None, *, mask=None, is_causal=False):
        inputs_k = inputs_q if inputs_k is None else inputs_k
        inputs_v = inputs_k if inputs_v is None else inputs_v
        heads = lambda t: t.unflatten(-1, (self.num_heads, self.head_dim)).transpose(-3, -2)
        q, k, v = heads(self.query(inputs_q)), heads(self.key(inputs_k)), heads(self.value(inputs_v))
        scores = (q / self.head_dim ** 0.5) @ k.transpose(-2, -1)
        if is_causal:
            causal = torch.ones(scores.shape[-2:], dtype=torch.bool, device=scores.device).tril()
            mask = causal if mask is None else mask & causal
        if mask is not None:
            scores = torch.where(mask.bool(), scores, torch.finfo(scores.dtype).min)
        weights = nn.functional.dropout(torch.softmax(scores, dim=-1), self.dropout_rate, training=self.training)
        return self.out((weights @ v).transpose(-3, -2).flatten(-2))

# --- _fill_tensor
def _fill_tensor(tensor, value, path, origin=None):
    """Copies the array `value`, already in torch's layout, into the torch tensor in place; a lazy layer's tensor takes
    its shape. A shape that differs raises ValueError naming the tensor's path (and `origin`, where the value came from)."""
    if isinstance(tensor, nn.parameter.UninitializedTensorMixin):
        tensor.materialize(value.shape)
    if tuple(value.shape) != tuple(tensor.shape):
        source = f' from {origin}' if origin else ''
        raise ValueError(f'{path}: expected shape {tuple(tensor.shape)} after conversion, got {value.shape}{source}')
    with torch.no_grad():
        tensor.copy_(torch.as_tensor(np.array(value)).to(tensor.dtype))

# --- load_flax_state: _fill_tensor
def _kernel_to_torch(w):
    """Flax's [*kernel, in, out] conv kernel as torch's [out, in, *kernel]."""
    return np.transpose(w, (w.ndim - 1, w.ndim - 2, *range(w.ndim - 2)))


_CONV = {'weight': [('kernel', _kernel_to_torch)], 'bias': [('bias', None)]}
# torch layer -> {torch tensor: [(Flax variable, converter to torch's layout), ...]}; the first the state holds is used.
# torch's num_batches_tracked has no Flax counterpart and is left as it is.
# The file's own helper layers are matched by name (a file holds only the helpers it uses), torch's by isinstance.
_HELPER_LAYOUTS = {
    'LinearToHeads': {'weight': [('kernel', lambda w: w.reshape(w.shape[0], -1).T)], 'bias': [('bias', lambda b: b.reshape(-1))]},
    'LinearFromHeads': {'weight': [('kernel', lambda w: w.reshape(-1, w.shape[-1]).T)], 'bias': [('bias', None)]},
    'LinenLayerNorm': {'weight': [('scale', None)], 'bias': [('bias', None)]},
}
# the collections of Flax Linen's `variables = model.init(...)` that hold the model's weights
_LINEN_COLLECTIONS = ('params', 'batch_stats')
_FLAX_LAYOUTS = {
    nn.Conv1d: _CONV, nn.Conv2d: _CONV, nn.Conv3d: _CONV,
    nn.modules.batchnorm._BatchNorm: {'weight': [('scale', None)], 'bias': [('bias', None)], 'running_mean': [('mean', None)],
                                      'running_var': [('var', None)], 'num_batches_tracked': []},
    nn.GroupNorm: {'weight': [('scale', None)], 'bias': [('bias', None)]},
    nn.Linear: {'weight': [('kernel', lambda w: w.T), ('embedding.embedding', None)], 'bias': [('bias', None)]},
    nn.Embedding: {'weight': [('embedding', None)]},
    nn.LayerNorm: {'weight': [('scale', None)], 'bias': [('bias', None)]},
    nn.RMSNorm: {'weight': [('scale', None)]},
}


def _flat_flax_state(state, prefix=''):
    """{dotted path: numpy array} from an nnx State or a nested dict of arrays; rng keys and counters are left out."""
    if hasattr(state, 'to_pure_dict'):
        state = state.to_pure_dict()
    out = {}
    for key, value in state.items():
        path = f'{prefix}{key}'
        if hasattr(value, 'items'):
            if key != 'rngs':
                out.update(_flat_flax_state(value, path + '.'))
        elif not str(getattr(value, 'dtype', '')).startswith('key'):
            out[path] = np.asarray(value)
    return out


def _linen_variables(state):
    """Flax Linen's variables ({'params': ..., 'batch_stats': ...}) as one tree of modules, or None for an nnx state."""
    keys = set(state.keys()) if hasattr(state, 'keys') else set()
    if 'params' not in keys or not keys <= set(_LINEN_COLLECTIONS):
        return None
    merged = {}
    for collection in _LINEN_COLLECTIONS:
        merged.update(_flat_flax_state(state.get(collection, {})))
    return merged


def _torch_slots(module, prefix, out, linen=False):
    """Each torch parameter and buffer of `module` with the Flax paths that may fill it: [(tensor, [(path, convert)])].
    Linen names the layers of a list attribute layers_0, layers_1, ... where torch's ModuleList has layers.0, ...."""
    layouts = _HELPER_LAYOUTS.get(type(module).__name__)
    if layouts is None:
        layouts = next((rules for kind, rules in _FLAX_LAYOUTS.items() if isinstance(module, kind)), {})
    own = list(module.named_parameters(recurse=False)) + list(module.named_buffers(recurse=False))
    for name, tensor in own:
        out.append((tensor, [(prefix + path, convert) for path, convert in layouts.get(name, [(name, None)])]))
    for name, child in module.named_children():
        # the file's Sequential (nnx.Sequential) names its entries layers.0, layers.1, ... in Flax
        flax_sequential = type(module).__name__ == 'Sequential' and type(module) is not nn.Sequential
        child_prefix = f"{prefix[:-1]}_{name}." if linen and isinstance(module, nn.ModuleList) else f"{prefix}{'layers.' if flax_sequential else ''}{name}."
        _torch_slots(child, child_prefix, out, linen)
    return out


def load_flax_state(model, state):
    """Fills the torch `model` in place from the Flax model's state: `nnx.state(flax_model)` itself or a nested dict of
    arrays (`nnx.state(flax_model).to_pure_dict()`, numpy or jax), or a Flax Linen model's `variables` (params and
    batch_stats). Linear kernels are transposed ([in, out] -> [out, in]); lazy torch layers take the Flax shapes; a
    weight shared by two layers is filled once. A mismatch raises KeyError naming both sides."""
    linen = _linen_variables(state)
    flat = _flat_flax_state(state) if linen is None else linen
    filled, used = set(), set()
    slots = _torch_slots(model, '', [], linen is not None)
    for tensor, candidates in slots:
        if id(tensor) in filled or not candidates:
            continue
        found = next(((path, convert) for path, convert in candidates if path in flat), None)
        if found is None:
            continue
        path, convert = found
        _fill_tensor(tensor, convert(flat[path]) if convert else flat[path], path)
        filled.add(id(tensor))
        used.add(path)
    missing = sorted({candidates[0][0] for tensor, candidates in slots if candidates and id(tensor) not in filled})
    unexpected = sorted(set(flat) - used)
    if missing or unexpected:
        raise KeyError(f'the Flax state does not match the model: missing {missing}, unexpected {unexpected}')
    return model

# --- KerasDense
class KerasDense(nn.LazyLinear):
    """keras.layers.Dense with an activation: a lazy Linear (Keras too learns the input size at the first call)."""
    cls_to_become = None  # stays a KerasDense once its weights exist, for the activation

    def __init__(self, units, bias=True, activation=None):
        super().__init__(units, bias=bias)
        self.activation = activation

    def forward(self, x):
        return self.activation(super().forward(x))

# --- KerasLayerNormalization
class KerasLayerNormalization(nn.modules.lazy.LazyModuleMixin, nn.Module):
    """keras.layers.LayerNormalization over the last axis, whose size it learns at the first call, as Keras does."""

    def __init__(self, eps=1e-3, scale=True, center=True):
        super().__init__()
        self.eps = eps
        self.weight = nn.UninitializedParameter() if scale else None
        self.bias = nn.UninitializedParameter() if center else None

    def initialize_parameters(self, x):
        if self.has_uninitialized_params():
            with torch.no_grad():
                for param, start in ((self.weight, 1.0), (self.bias, 0.0)):
                    if param is not None:
                        param.materialize(x.shape[-1:])
                        param.fill_(start)

    def forward(self, x):
        return nn.functional.layer_norm(x, x.shape[-1:], self.weight, self.bias, self.eps)

# --- KerasConv2D: ChannelsLast
class KerasConv2D(ChannelsLast, nn.LazyConv2d):
    """keras.layers.Conv2D: channels-last (N, H, W, C) in and out, its input channels learnt at the first call as in
    Keras, its activation applied after; load_keras_weights turns the [kh, kw, in, out] kernel into torch's
    [out, in, kh, kw]."""
    cls_to_become = None  # stays a KerasConv2D once its weights exist, for the layout and the activation

    def __init__(self, filters, kernel_size, activation=None, **options):
        super().__init__(filters, kernel_size, **options)
        self.activation = activation

    def _get_in_channels(self, x):
        return x.shape[-1]

    def forward(self, x):
        y = super().forward(x)
        return y if self.activation is None else self.activation(y)

# --- LinenLayerNorm: KerasLayerNormalization
class LinenLayerNorm(KerasLayerNormalization):
    """linen.LayerNorm over the last axis, whose size it learns at the first call, as Flax Linen does (the Keras
    helper above is the same layer); load_flax_state fills it from the Flax scale and bias."""

# --- LinenConv: ChannelsLast
class LinenConv(ChannelsLast):
    """linen.Conv: channels-last (N, ..., C) in and out, its input channels learnt at the first call as in Flax;
    load_flax_state turns Flax's [*kernel, in, out] kernel into torch's [out, in, *kernel]."""
    cls_to_become = None  # stays channels-last once its weights exist

    def _get_in_channels(self, x):
        return x.shape[-1]

# --- LinenConv1d: LinenConv
class LinenConv1d(LinenConv, nn.LazyConv1d):
    """linen.Conv over one axis, (N, L, C) in and out."""

# --- LinenConv2d: LinenConv
class LinenConv2d(LinenConv, nn.LazyConv2d):
    """linen.Conv over two axes, (N, H, W, C) in and out."""

# --- LinenConv3d: LinenConv
class LinenConv3d(LinenConv, nn.LazyConv3d):
    """linen.Conv over three axes, (N, D, H, W, C) in and out."""

# --- LinenBatchNorm: ChannelsLast
class LinenBatchNorm(ChannelsLast, nn.LazyBatchNorm1d):
    """linen.BatchNorm over the last axis of an input of any rank, its size learnt at the first call as in Flax;
    momentum is 1 - Flax's."""
    cls_to_become = None  # stays channels-last once its statistics exist

    def initialize_parameters(self, x):
        super().initialize_parameters(x.movedim(-1, 1))

    def _check_input_dim(self, input):
        pass

# --- KerasBatchNormalization: LinenBatchNorm
class KerasBatchNormalization(LinenBatchNorm):
    """keras.layers.BatchNormalization over the last axis of an input of any rank, its size learnt at the first call as in
    Keras; momentum is 1 - Keras's. load_keras_weights fills it from gamma, beta, moving_mean and moving_variance."""

# --- KerasMaxPooling2D: ChannelsLast
class KerasMaxPooling2D(ChannelsLast, nn.MaxPool2d):
    """keras.layers.MaxPooling2D: channels-last (N, H, W, C) in and out."""

# --- KerasAveragePooling2D: ChannelsLast
class KerasAveragePooling2D(ChannelsLast, nn.AvgPool2d):
    """keras.layers.AveragePooling2D: channels-last (N, H, W, C) in and out."""

# --- load_keras_weights: _fill_tensor
# torch layer -> {torch tensor: (Keras variable attribute, converter to torch's layout), or None where Keras has no
# such variable (torch's count of batches, left as it is)}; other tensors (add_weight parameters) have the attribute's
# name, and so does a Keras layer that keeps torch's names and layouts (Rosetta's Keras prelude Linear: weight
# [out, in]). The file's own helper layers are matched by name, torch's by isinstance.
_KERAS_HELPER_LAYOUTS = {
    'KerasLayerNormalization': {'weight': ('gamma', None), 'bias': ('beta', None)},
}
_KERAS_LAYOUTS = {
    nn.Linear: {'weight': ('kernel', lambda w: w.T), 'bias': ('bias', None)},
    nn.Embedding: {'weight': ('embeddings', None)},
    nn.Conv2d: {'weight': ('kernel', lambda w: np.transpose(w, (3, 2, 0, 1))), 'bias': ('bias', None)},
    nn.modules.batchnorm._BatchNorm: {'weight': ('gamma', None), 'bias': ('beta', None), 'running_mean': ('moving_mean', None),
                                      'running_var': ('moving_variance', None), 'num_batches_tracked': None},
}


def _keras_slots(module, layer, prefix, out, layers):
    """Each torch parameter and buffer with the Keras variable of the same place: [(torch path, tensor, variable, convert)];
    `layers` collects the Keras layers met, by name."""
    layers[getattr(layer, 'name', None)] = layer
    layouts = _KERAS_HELPER_LAYOUTS.get(type(module).__name__)
    if layouts is None:
        layouts = next((rules for kind, rules in _KERAS_LAYOUTS.items() if isinstance(module, kind)), {})
    for name, tensor in list(module.named_parameters(recurse=False)) + list(module.named_buffers(recurse=False)):
        rule = layouts.get(name, (name, None))
        if rule is None:
            continue
        attribute, convert = rule
        if not hasattr(layer, attribute) and hasattr(layer, name):
            attribute, convert = name, None
        out.append((prefix + name, tensor, getattr(layer, attribute, None), convert))
    for name, child in module.named_children():
        sub = layer[int(name)] if isinstance(layer, (list, tuple)) else getattr(layer, name, None)
        _keras_slots(child, sub, f'{prefix}{name}.', out, layers)
    return out


def _replaced(variable, layers):
    """Whether the layer that made the variable holds another one in its place now (tied weights, `a.weight = b.weight`):
    Keras keeps the first among the model's weights though nothing uses it."""
    layer = layers.get(variable.path.rpartition('/')[0])
    held = getattr(layer, variable.name, variable) if layer is not None else variable
    return held is not variable and hasattr(held, 'numpy')


def load_keras_weights(model, keras_model):
    """Fills the torch `model` in place from the Keras model (or layer) it was converted from, built (called once).
    Keras 3 names its variables by layer names (dense_1/kernel), not by the attributes that hold the layers, so the
    Keras model itself is the key: each torch layer takes the variables of the Keras layer under the same attribute.
    Dense kernels are transposed ([in, out] -> [out, in]); lazy torch layers take the Keras shapes. A mismatch raises
    KeyError naming the torch tensors without a Keras variable and the Keras variables left over."""
    used, missing, layers = set(), [], {}
    for path, tensor, variable, convert in _keras_slots(model, keras_model, '', [], layers):
        if variable is None or not hasattr(variable, 'numpy'):
            missing.append(path)
            continue
        value = np.asarray(variable.numpy())
        _fill_tensor(tensor, convert(value) if convert else value, path, getattr(variable, 'path', None))
        used.add(id(variable))
    unexpected = sorted(v.path for v in keras_model.weights if id(v) not in used and not _replaced(v, layers))
    if missing or unexpected:
        raise KeyError(f'the Keras model does not match the torch model: missing {sorted(missing)}, unexpected {unexpected}')
    return model
