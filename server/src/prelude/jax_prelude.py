# Helpers that converted JAX code may need. Each section starts with "# --- name: dependency, dependency" and is
# copied into a converted file only when that file uses it. Every helper keeps PyTorch's semantics (NCHW layouts,
# parameter names, return values) and is checked against real PyTorch by the conformance suite.

# --- einops:
import einops


# --- Buffer:
class Buffer(nnx.Variable):
    """A module buffer (torch register_buffer): state that is not trained."""


class TransientBuffer(Buffer):
    """A buffer registered with persistent=False: not part of the state_dict."""


# --- ChannelsFirst:
class ChannelsFirst(nnx.Module):
    """Runs a channels-last Flax layer on channels-first data, as the PyTorch layer did: (N, C, ...), or also
    (C, *spatial) unbatched when the layer's number of spatial axes is given."""

    def __init__(self, layer, spatial_dims=None):
        self.layer, self.spatial_dims = layer, spatial_dims

    def __call__(self, x):
        axis = 1 if self.spatial_dims is None else x.ndim - self.spatial_dims - 1
        return jnp.moveaxis(self.layer(jnp.moveaxis(x, axis, -1)), -1, axis)


# --- NamedSequential:
class NamedSequential(nnx.Module):
    """nn.Sequential built from an OrderedDict: the layers keep their names."""

    def __init__(self, layers):
        self.layers = nnx.Dict(layers)

    def __call__(self, x):
        for layer in self.layers.values():
            x = layer(x)
        return x


# --- pool_nd:
def _pool_pads(size, kernel, stride, padding, dilation, ceil_mode):
    effective = dilation * (kernel - 1) + 1
    span = size + 2 * padding - effective
    out = (-(-span // stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1  # PyTorch: the last window must start inside the input or the left padding
    return (padding, (out - 1) * stride + effective - size - padding)


def pool_nd(x, nd, kind, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, count_include_pad=True,
            divisor_override=None):
    """max/avg pooling over the last `nd` axes with torch.nn.functional semantics."""
    tup = lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v,) * nd
    kernel, padding, dilation = tup(kernel_size), tup(padding), tup(dilation)
    stride = kernel if stride is None or stride == [] or stride == () else tup(stride)
    lead = x.ndim - nd
    pads = [(0, 0)] * lead + [_pool_pads(x.shape[lead + i], kernel[i], stride[i], padding[i], dilation[i], ceil_mode)
                              for i in range(nd)]
    window = (1,) * lead + kernel
    strides = (1,) * lead + stride
    dil = (1,) * lead + dilation
    if kind == 'max':
        return lax.reduce_window(x, -jnp.inf, lax.max, window, strides, pads, window_dilation=dil)
    total = lax.reduce_window(x, 0.0, lax.add, window, strides, pads, window_dilation=dil)
    if divisor_override:
        return total / divisor_override
    # torch counts the explicit padding (when count_include_pad) but never the extra ceil_mode padding
    ones = jnp.ones(x.shape[lead:], x.dtype)
    explicit = [(p, p) for p in padding]
    inner = [(lo - p, hi - p) for (lo, hi), p in zip(pads[lead:], padding)]
    if count_include_pad:
        ones = jnp.pad(ones, explicit, constant_values=1.0)
        counted = lax.reduce_window(ones, 0.0, lax.add, kernel, stride, inner, window_dilation=dilation)
    else:
        counted = lax.reduce_window(ones, 0.0, lax.add, kernel, stride, pads[lead:], window_dilation=dilation)
    return total / counted


# --- lp_pool_nd: pool_nd
def lp_pool_nd(x, nd, norm_type, kernel_size, stride=None, ceil_mode=False):
    """nn.LPPool{1,2,3}d as PyTorch computes it: (avg_pool(x ** p) * kernel volume) ** (1 / p)."""
    kernel = tuple(kernel_size) if isinstance(kernel_size, (tuple, list)) else (kernel_size,) * nd
    out = pool_nd(x ** norm_type, nd, 'avg', kernel, stride, ceil_mode=ceil_mode)
    return (jnp.sign(out) * jax.nn.relu(jnp.abs(out)) * math.prod(kernel)) ** (1.0 / norm_type)


# --- adaptive_pool_nd:
def adaptive_pool_nd(x, nd, kind, output_size):
    """adaptive avg/max pooling over the last `nd` axes with PyTorch's bins: [floor(i*n/o), ceil((i+1)*n/o))."""
    sizes = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,) * nd
    reduce = jnp.mean if kind == 'avg' else jnp.max
    for i, out in enumerate(sizes):
        axis = x.ndim - nd + i
        n = x.shape[axis]
        out = n if out is None else out
        parts = [reduce(lax.slice_in_dim(x, (j * n) // out, -(-((j + 1) * n) // out), axis=axis), axis=axis, keepdims=True)
                 for j in range(out)]
        x = jnp.concatenate(parts, axis=axis)
    return x


# --- conv_transpose_nd:
def conv_transpose_nd(x, weight, bias, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """torch.nn.functional.conv_transposeNd: weight (in, out/groups, *kernel), channels-first data."""
    nd = weight.ndim - 2
    tup = lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v,) * nd
    stride, padding, output_padding, dilation = tup(stride), tup(padding), tup(output_padding), tup(dilation)
    cin, cout_g = weight.shape[:2]
    k = weight.shape[2:]
    w = weight.reshape((groups, cin // groups, cout_g) + k)
    w = jnp.swapaxes(w, 1, 2).reshape((groups * cout_g, cin // groups) + k)
    w = jnp.flip(w, axis=tuple(range(2, 2 + nd)))
    pads = [(dilation[i] * (k[i] - 1) - padding[i], dilation[i] * (k[i] - 1) - padding[i] + output_padding[i])
            for i in range(nd)]
    spatial = 'DHW'[-nd:] if nd <= 3 else None
    dn = lax.conv_dimension_numbers(x.shape, w.shape, ('NC' + spatial, 'OI' + spatial, 'NC' + spatial))
    y = lax.conv_general_dilated(x, w, (1,) * nd, pads, lhs_dilation=stride, rhs_dilation=dilation,
                                 dimension_numbers=dn, feature_group_count=groups,
                                 precision=lax.Precision.HIGHEST)
    if bias is not None:
        y = y + bias.reshape((1, -1) + (1,) * nd)
    return y


# --- ConvTranspose: conv_transpose_nd
class ConvTranspose(nnx.Module):
    """nn.ConvTranspose1d/2d/3d: the weight is kept in PyTorch's (in, out/groups, *kernel) layout."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, *, nd, rngs):
        kernel = tuple(kernel_size) if isinstance(kernel_size, (tuple, list)) else (kernel_size,) * nd
        bound = 1.0 / math.sqrt((out_channels // groups) * math.prod(kernel))
        init = lambda shape: jax.random.uniform(rngs.params(), shape, jnp.float32, -bound, bound)
        self.weight = nnx.Param(init((in_channels, out_channels // groups) + kernel))
        self.bias = nnx.Param(init((out_channels,))) if bias else None
        self.nd = nd
        self.options = dict(stride=stride, padding=padding, output_padding=output_padding, groups=groups,
                            dilation=dilation)

    def __call__(self, x):
        if x.ndim == self.nd + 1:
            return self(x[None])[0]
        return conv_transpose_nd(x, self.weight[...], None if self.bias is None else self.bias[...], **self.options)


# --- MultiheadAttention:
class MultiheadAttention(nnx.Module):
    """nn.MultiheadAttention with PyTorch's parameters (in_proj_weight (3E, E), or q/k/v_proj_weight when kdim or vdim
    differ; in_proj_bias; out_proj; bias_k/bias_v), masks (bool True = may not attend, float = added), dropout on the
    attention weights, and return values."""

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, *, rngs):
        kdim, vdim = kdim or embed_dim, vdim or embed_dim
        self.num_heads, self.batch_first, self.add_zero_attn = num_heads, batch_first, add_zero_attn
        init = lambda shape, fn=jax.nn.initializers.xavier_uniform(): nnx.Param(fn(rngs.params(), shape, jnp.float32))
        if kdim == vdim == embed_dim:
            self.in_proj_weight = init((3 * embed_dim, embed_dim))
        else:
            self.q_proj_weight = init((embed_dim, embed_dim))
            self.k_proj_weight = init((embed_dim, kdim))
            self.v_proj_weight = init((embed_dim, vdim))
        self.in_proj_bias = nnx.Param(jnp.zeros(3 * embed_dim)) if bias else None
        self.out_proj = nnx.Linear(embed_dim, embed_dim, use_bias=bias, rngs=rngs)
        normal = jax.nn.initializers.xavier_normal()
        self.bias_k = init((1, 1, embed_dim), normal) if add_bias_kv else None
        self.bias_v = init((1, 1, embed_dim), normal) if add_bias_kv else None
        self.dropout = nnx.Dropout(dropout, rngs=rngs)

    def _projections(self):
        if hasattr(self, 'in_proj_weight'):
            return jnp.split(self.in_proj_weight[...], 3)
        return self.q_proj_weight[...], self.k_proj_weight[...], self.v_proj_weight[...]

    def __call__(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                 average_attn_weights=True, is_causal=False):
        batched = query.ndim == 3
        if not batched:
            query, key, value = (t[:, None] for t in (query, key, value))
            key_padding_mask = None if key_padding_mask is None else key_padding_mask[None]
        elif self.batch_first:
            query, key, value = (jnp.swapaxes(t, 0, 1) for t in (query, key, value))
        length, batch, embed = query.shape  # sequence first from here on
        heads, head_dim = self.num_heads, embed // self.num_heads
        bias = self.in_proj_bias[...] if self.in_proj_bias is not None else jnp.zeros(3 * embed, query.dtype)
        q, k, v = (t @ w.T + b for t, w, b in zip((query, key, value), self._projections(), jnp.split(bias, 3)))
        # PyTorch: is_causal replaces the masks by a causal one only where it takes its fused path
        causal = is_causal and key_padding_mask is None and not need_weights
        additive = lambda m: m if m is None or m.dtype != jnp.bool_ else jnp.where(m, -jnp.inf, 0.0).astype(q.dtype)
        attn_mask = None if causal else additive(attn_mask)
        key_padding_mask = additive(key_padding_mask)
        extend = lambda m: None if m is None else jnp.pad(m, [(0, 0)] * (m.ndim - 1) + [(0, 1)])
        if self.bias_k is not None:
            k = jnp.concatenate([k, jnp.broadcast_to(self.bias_k[...], (1, batch, embed))])
            v = jnp.concatenate([v, jnp.broadcast_to(self.bias_v[...], (1, batch, embed))])
            attn_mask, key_padding_mask = extend(attn_mask), extend(key_padding_mask)
        split = lambda t: t.reshape(t.shape[0], batch, heads, head_dim).transpose(1, 2, 0, 3)  # (N, H, S, D)
        q, k, v = split(q), split(k), split(v)
        if self.add_zero_attn:
            zeros = jnp.zeros((batch, heads, 1, head_dim), k.dtype)
            k, v = jnp.concatenate([k, zeros], axis=2), jnp.concatenate([v, zeros], axis=2)
            attn_mask, key_padding_mask = extend(attn_mask), extend(key_padding_mask)
        scores = (q * math.sqrt(1.0 / head_dim)) @ jnp.swapaxes(k, -1, -2)
        if causal:
            scores = jnp.where(jnp.tril(jnp.ones(scores.shape[-2:], jnp.bool_)), scores, -jnp.inf)
        if attn_mask is not None and attn_mask.ndim == 3:  # (N * heads, L, S)
            attn_mask = attn_mask.reshape(batch, heads, *attn_mask.shape[1:])
        if attn_mask is not None:
            scores = scores + attn_mask
        if key_padding_mask is not None:
            scores = scores + key_padding_mask[:, None, None, :]
        weights = self.dropout(jax.nn.softmax(scores, axis=-1))
        out = self.out_proj((weights @ v).transpose(2, 0, 1, 3).reshape(length, batch, embed))
        if average_attn_weights:
            weights = weights.mean(axis=1)
        if not batched:
            out, weights = out[:, 0], weights[0]
        elif self.batch_first:
            out = jnp.swapaxes(out, 0, 1)
        return out, (weights if need_weights else None)


# --- recurrent_step:
def _recurrent_params(module, suffix, mode, input_size, hidden_size, bias, proj_size, rngs):
    """PyTorch's parameters of one cell, named weight_ih{suffix} etc., drawn from U(-1/sqrt(H), 1/sqrt(H))."""
    gates = {'LSTM': 4, 'GRU': 3}.get(mode, 1) * hidden_size
    bound = 1.0 / math.sqrt(hidden_size)
    init = lambda shape: nnx.Param(jax.random.uniform(rngs.params(), shape, jnp.float32, -bound, bound))
    setattr(module, 'weight_ih' + suffix, init((gates, input_size)))
    setattr(module, 'weight_hh' + suffix, init((gates, proj_size or hidden_size)))
    setattr(module, 'bias_ih' + suffix, init((gates,)) if bias else None)
    setattr(module, 'bias_hh' + suffix, init((gates,)) if bias else None)
    if proj_size:
        setattr(module, 'weight_hr' + suffix, init((proj_size, hidden_size)))


def _recurrent_step(module, suffix, mode, nonlinearity='tanh'):
    """One time step with PyTorch's gate order (LSTM i, f, g, o; GRU r, z, n); carry is (h,) or, for LSTM, (h, c)."""
    p = lambda name: getattr(module, name + suffix, None)
    w_ih, w_hh, w_hr = p('weight_ih')[...], p('weight_hh')[...], p('weight_hr')
    b_ih = p('bias_ih')[...] if p('bias_ih') is not None else 0.0
    b_hh = p('bias_hh')[...] if p('bias_hh') is not None else 0.0

    def step(carry, x):
        gi, gh = x @ w_ih.T + b_ih, carry[0] @ w_hh.T + b_hh
        if mode == 'LSTM':
            i, f, g, o = jnp.split(gi + gh, 4, axis=-1)
            c = jax.nn.sigmoid(f) * carry[1] + jax.nn.sigmoid(i) * jnp.tanh(g)
            h = jax.nn.sigmoid(o) * jnp.tanh(c)
            h = h if w_hr is None else h @ w_hr[...].T
            return (h, c), h
        if mode == 'GRU':
            (ir, iz, i_n), (hr, hz, hn) = jnp.split(gi, 3, axis=-1), jnp.split(gh, 3, axis=-1)
            r, z = jax.nn.sigmoid(ir + hr), jax.nn.sigmoid(iz + hz)
            h = (1 - z) * jnp.tanh(i_n + r * hn) + z * carry[0]
            return (h,), h
        h = (jnp.tanh if nonlinearity == 'tanh' else jax.nn.relu)(gi + gh)
        return (h,), h

    return step


# --- Recurrent: recurrent_step
class Recurrent(nnx.Module):
    """nn.LSTM / nn.GRU / nn.RNN with PyTorch's parameter names (weight_ih_l0, ..._reverse, weight_hr_l0 for
    proj_size), layouts, (h0, c0) and return values."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, nonlinearity='tanh', *, rngs):
        self.mode, self.nonlinearity, self.num_layers = mode, nonlinearity, num_layers
        # the torch attributes user code reads (self.lstm.bidirectional, .hidden_size, .dropout, ...)
        self.input_size, self.hidden_size, self.proj_size, self.bias = input_size, hidden_size, proj_size, bias
        self.batch_first, self.bidirectional, self.dropout = batch_first, bidirectional, dropout
        self.directions = 2 if bidirectional else 1
        self.between_layers = nnx.Dropout(dropout, rngs=rngs)
        for layer in range(num_layers):
            width = input_size if layer == 0 else (proj_size or hidden_size) * self.directions
            for d in range(self.directions):
                _recurrent_params(self, self._suffix(layer, d), mode, width, hidden_size, bias, proj_size, rngs)

    @staticmethod
    def _suffix(layer, direction):
        return f'_l{layer}' + ('_reverse' if direction else '')

    def __call__(self, x, hx=None):
        batched = x.ndim == 3
        if not batched:
            x = x[:, None]
            hx = None if hx is None else jax.tree.map(lambda t: t[:, None], hx)
        elif self.batch_first:
            x = jnp.swapaxes(x, 0, 1)  # (time, batch, features) from here on
        count, batch = self.num_layers * self.directions, x.shape[1]
        if hx is None:
            h0 = jnp.zeros((count, batch, self.proj_size or self.hidden_size), x.dtype)
            c0 = jnp.zeros((count, batch, self.hidden_size), x.dtype)
        else:
            h0, c0 = hx if self.mode == 'LSTM' else (hx, None)
        finals = []
        for layer in range(self.num_layers):
            outs = []
            for d in range(self.directions):
                index = layer * self.directions + d
                carry = (h0[index], c0[index]) if self.mode == 'LSTM' else (h0[index],)
                step = _recurrent_step(self, self._suffix(layer, d), self.mode, self.nonlinearity)
                carry, out = lax.scan(step, carry, x[::-1] if d else x)
                outs.append(out[::-1] if d else out)
                finals.append(carry)
            x = jnp.concatenate(outs, axis=-1)
            if layer < self.num_layers - 1:
                x = self.between_layers(x)
        final = [jnp.stack(states) for states in zip(*finals)]  # h_n and, for LSTM, c_n
        if not batched:
            x, final = x[:, 0], [t[:, 0] for t in final]
        elif self.batch_first:
            x = jnp.swapaxes(x, 0, 1)
        return x, (tuple(final) if self.mode == 'LSTM' else final[0])


# --- RunningNorm: Buffer
class RunningNorm(nnx.Module):
    """PyTorch's affine parameters and running statistics for batch and instance norms (channels on axis 1). As in
    PyTorch, normalization uses the biased variance but running_var keeps the unbiased one."""

    def __init__(self, num_features, eps, momentum, affine, track_running_stats, bias):
        self.eps, self.momentum = eps, momentum
        self.weight = nnx.Param(jnp.ones(num_features)) if affine else None
        self.bias = nnx.Param(jnp.zeros(num_features)) if affine and bias else None
        tracked = lambda value: Buffer(value) if track_running_stats else None
        self.running_mean = tracked(jnp.zeros(num_features))
        self.running_var = tracked(jnp.ones(num_features))
        self.num_batches_tracked = tracked(jnp.zeros((), jnp.int32))
        self.use_running_average = False  # nnx .train() / .eval() set it

    def _stats(self, x, axes):
        """(mean, biased variance) to normalize with, updating the running statistics in training."""
        shape = [1 if i in axes else n for i, n in enumerate(x.shape)]
        shape[0] = 1
        if self.running_mean is None:
            return x.mean(axes, keepdims=True), x.var(axes, keepdims=True)
        if self.use_running_average:
            return self.running_mean[...].reshape(shape), self.running_var[...].reshape(shape)
        mean, var = x.mean(axes, keepdims=True), x.var(axes, keepdims=True)
        count = math.prod(x.shape[i] for i in axes)
        m = self._momentum()
        per_channel = lambda t: t.mean(0).reshape(-1)  # instance norms average their per-sample statistics
        self.running_mean[...] = (1 - m) * self.running_mean[...] + m * per_channel(mean)
        self.running_var[...] = (1 - m) * self.running_var[...] + m * per_channel(var) * count / (count - 1)
        return mean, var

    def _normalize(self, x, mean, var):
        y = (x - mean) / jnp.sqrt(var + self.eps)
        shape = (-1,) + (1,) * (x.ndim - 2)
        if self.weight is not None:
            y = y * self.weight[...].reshape(shape)
        return y if self.bias is None else y + self.bias[...].reshape(shape)


# --- BatchNorm: RunningNorm
class BatchNorm(RunningNorm):
    """nn.BatchNorm1d/2d/3d on (N, C, *) data; momentum=None keeps a cumulative average, as in PyTorch."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, bias)

    def _momentum(self):
        self.num_batches_tracked[...] = self.num_batches_tracked[...] + 1
        return 1.0 / self.num_batches_tracked[...] if self.momentum is None else self.momentum

    def __call__(self, x):
        mean, var = self._stats(x, (0,) + tuple(range(2, x.ndim)))
        return self._normalize(x, mean, var)


# --- InstanceNorm: RunningNorm
class InstanceNorm(RunningNorm):
    """nn.InstanceNorm1d/2d/3d: statistics per sample and channel over the `nd` spatial axes; also unbatched."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False, bias=True, *, nd):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, bias)
        self.nd = nd

    def _momentum(self):
        return 0.0 if self.momentum is None else self.momentum  # PyTorch passes None as 0: the stats stay put

    def __call__(self, x):
        if x.ndim == self.nd + 1:
            return self(x[None])[0]
        mean, var = self._stats(x, tuple(range(2, x.ndim)))
        return self._normalize(x, mean, var)


# --- PReLU:
class PReLU(nnx.Module):
    """nn.PReLU: a learned slope for negative inputs, one shared or one per channel (axis 1)."""

    def __init__(self, num_parameters=1, init=0.25):
        self.weight = nnx.Param(jnp.full((num_parameters,), init, jnp.float32))

    def __call__(self, x):
        w = self.weight[...]
        if w.size > 1:
            w = w.reshape((-1,) + (1,) * (x.ndim - 2))
        return jnp.where(x > 0, x, w * x)


# --- Bilinear:
class Bilinear(nnx.Module):
    """nn.Bilinear: y = x1 W x2 + b with PyTorch's weight (out, in1, in2)."""

    def __init__(self, in1_features, in2_features, out_features, bias=True, *, rngs):
        bound = 1.0 / math.sqrt(in1_features)
        init = lambda shape: nnx.Param(jax.random.uniform(rngs.params(), shape, jnp.float32, -bound, bound))
        self.weight = init((out_features, in1_features, in2_features))
        self.bias = init((out_features,)) if bias else None

    def __call__(self, x1, x2):
        y = jnp.einsum('...i,oij,...j->...o', x1, self.weight[...], x2, precision=lax.Precision.HIGHEST)
        return y if self.bias is None else y + self.bias[...]


# --- AlphaDropout:
class AlphaDropout(nnx.Module):
    """nn.AlphaDropout / nn.FeatureAlphaDropout: dropped values take SELU's negative saturation and the result is
    rescaled to keep zero mean and unit variance; feature=True drops whole channels (axis 1). Off after .eval()."""

    def __init__(self, p=0.5, feature=False, *, rngs):
        self.p, self.feature, self.deterministic = p, feature, False
        self.rngs = rngs['dropout'].fork()

    def __call__(self, x):
        if self.deterministic or self.p == 0.0:
            return x
        if self.p == 1.0:
            return jnp.zeros_like(x)
        shape = x.shape[:2] + (1,) * (x.ndim - 2) if self.feature else x.shape
        keep = jax.random.bernoulli(self.rngs(), 1.0 - self.p, shape).astype(x.dtype)
        alpha = 1.7580993408473766  # -SELU(-inf) = scale * alpha
        a = 1.0 / math.sqrt((alpha * alpha * self.p + 1) * (1 - self.p))
        return x * keep * a + (keep - 1) * alpha * a + alpha * a * self.p


# --- RReLU:
class RReLU(nnx.Module):
    """nn.RReLU: in training each negative input gets a slope drawn from U(lower, upper); after .eval() the slope is
    (lower + upper) / 2."""

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, *, rngs):
        self.lower, self.upper, self.deterministic = lower, upper, False
        self.rngs = rngs['dropout'].fork()

    def __call__(self, x):
        if self.deterministic:
            slope = (self.lower + self.upper) / 2
        else:
            slope = jax.random.uniform(self.rngs(), x.shape, x.dtype, self.lower, self.upper)
        return jnp.where(x >= 0, x, x * slope)


# --- RecurrentCell: recurrent_step
class RecurrentCell(nnx.Module):
    """nn.LSTMCell / nn.GRUCell / nn.RNNCell: one step with PyTorch's parameter names; (features,) unbatched input."""

    def __init__(self, mode, input_size, hidden_size, bias=True, nonlinearity='tanh', *, rngs):
        self.mode, self.nonlinearity, self.hidden_size = mode, nonlinearity, hidden_size
        _recurrent_params(self, '', mode, input_size, hidden_size, bias, 0, rngs)

    def __call__(self, x, hx=None):
        batched = x.ndim == 2
        if not batched:
            x = x[None]
            hx = None if hx is None else jax.tree.map(lambda t: t[None], hx)
        zeros = jnp.zeros((x.shape[0], self.hidden_size), x.dtype)
        if hx is None:
            hx = (zeros, zeros) if self.mode == 'LSTM' else zeros
        step = _recurrent_step(self, '', self.mode, self.nonlinearity)
        carry, _ = step(tuple(hx) if self.mode == 'LSTM' else (hx,), x)
        carry = carry if batched else tuple(t[0] for t in carry)
        return carry if self.mode == 'LSTM' else carry[0]


# --- transformer_parts: MultiheadAttention
def _transformer_parts(module, d_model, dim_feedforward, dropout, activation, layer_norm_eps, norm_first, bias, norms,
                       rngs):
    """The feed-forward block, norms and dropouts of nn.Transformer{Encoder,Decoder}Layer, under PyTorch's names."""
    module.linear1 = nnx.Linear(d_model, dim_feedforward, use_bias=bias, rngs=rngs)
    module.dropout = nnx.Dropout(dropout, rngs=rngs)
    module.linear2 = nnx.Linear(dim_feedforward, d_model, use_bias=bias, rngs=rngs)
    for i in range(1, norms + 1):
        setattr(module, f'norm{i}', nnx.LayerNorm(d_model, epsilon=layer_norm_eps, use_bias=bias,
                                                  use_fast_variance=False, rngs=rngs))
        setattr(module, f'dropout{i}', nnx.Dropout(dropout, rngs=rngs))
    named = {'relu': jax.nn.relu, 'gelu': lambda x: jax.nn.gelu(x, approximate=False)}
    module.activation = named[activation] if isinstance(activation, str) else activation
    module.activation_relu_or_gelu = activation in named  # one condition of PyTorch's inference fast path
    module.norm_first = norm_first


def _residual(module, x, blocks):
    """x + block(norm(x)) with norm_first, norm(x + block(x)) otherwise; blocks pair each norm with its block."""
    for norm, block in blocks:
        x = x + block(norm(x)) if module.norm_first else norm(x + block(x))
    return x


def _feed_forward(module, x):
    return module.linear2(module.dropout(module.activation(module.linear1(x))))


# --- TransformerEncoderLayer: transformer_parts
class TransformerEncoderLayer(nnx.Module):
    """nn.TransformerEncoderLayer: self-attention then feed-forward, post-norm or pre-norm (norm_first), with
    PyTorch's submodule names (self_attn, linear1, linear2, norm1, norm2) and mask conventions."""

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation='relu', layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, *, rngs):
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first,
                                            rngs=rngs)
        _transformer_parts(self, d_model, dim_feedforward, dropout, activation, layer_norm_eps, norm_first, bias, 2,
                           rngs)

    def __call__(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        attend = lambda x: self.dropout1(self.self_attn(x, x, x, src_key_padding_mask, False, src_mask,
                                                        is_causal=is_causal)[0])
        feed = lambda x: self.dropout2(_feed_forward(self, x))
        return _residual(self, src, [(self.norm1, attend), (self.norm2, feed)])


# --- TransformerDecoderLayer: transformer_parts
class TransformerDecoderLayer(nnx.Module):
    """nn.TransformerDecoderLayer: self-attention, attention over memory, then feed-forward, with PyTorch's submodule
    names (self_attn, multihead_attn, linear1, linear2, norm1..3) and mask conventions."""

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation='relu', layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, *, rngs):
        attention = lambda: MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first,
                                               rngs=rngs)
        self.self_attn, self.multihead_attn = attention(), attention()
        _transformer_parts(self, d_model, dim_feedforward, dropout, activation, layer_norm_eps, norm_first, bias, 3,
                           rngs)

    def __call__(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                 memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False):
        attend = lambda x: self.dropout1(self.self_attn(x, x, x, tgt_key_padding_mask, False, tgt_mask,
                                                        is_causal=tgt_is_causal)[0])
        recall = lambda x: self.dropout2(self.multihead_attn(x, memory, memory, memory_key_padding_mask, False,
                                                             memory_mask, is_causal=memory_is_causal)[0])
        feed = lambda x: self.dropout3(_feed_forward(self, x))
        return _residual(self, tgt, [(self.norm1, attend), (self.norm2, recall), (self.norm3, feed)])


# --- TransformerEncoder: TransformerEncoderLayer
class TransformerEncoder(nnx.Module):
    """nn.TransformerEncoder: num_layers copies of encoder_layer (layers.0, layers.1, ...) and an optional final norm.
    Where PyTorch's inference fast path would run the layers on nested tensors (eval mode, no autograd, batch_first,
    a left-aligned src_key_padding_mask and no mask), the outputs at padded positions are zeros, as there."""

    def __init__(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True):
        self.layers = nnx.List([nnx.clone(encoder_layer) for _ in range(num_layers)])
        self.norm = norm
        attention = encoder_layer.self_attn
        self.use_nested_tensor = (enable_nested_tensor and not encoder_layer.norm_first and attention.batch_first
                                  and attention.in_proj_bias is not None and hasattr(attention, 'in_proj_weight')
                                  and encoder_layer.activation_relu_or_gelu and attention.num_heads % 2 == 0)
        self.mask_check, self.deterministic = mask_check, False  # nnx .train() / .eval() set deterministic

    def __call__(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        output = src
        for layer in self.layers:
            output = layer(output, mask, src_key_padding_mask, bool(is_causal))
        nested = self.use_nested_tensor and self.deterministic and src.ndim == 3 and mask is None
        if nested and src_key_padding_mask is not None:
            padded = src_key_padding_mask if src_key_padding_mask.dtype == jnp.bool_ else src_key_padding_mask != 0
            left_aligned = jnp.all(padded[:, 1:] | ~padded[:, :-1]) if self.mask_check else True
            output = jnp.where(left_aligned & padded[..., None], 0.0, output)
        return output if self.norm is None else self.norm(output)


# --- TransformerDecoder: TransformerDecoderLayer
class TransformerDecoder(nnx.Module):
    """nn.TransformerDecoder: num_layers copies of decoder_layer (layers.0, ...) and an optional final norm."""

    def __init__(self, decoder_layer, num_layers, norm=None):
        self.layers = nnx.List([nnx.clone(decoder_layer) for _ in range(num_layers)])
        self.norm = norm

    def __call__(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                 memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False):
        output = tgt
        for layer in self.layers:
            output = layer(output, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask,
                           bool(tgt_is_causal), memory_is_causal)
        return output if self.norm is None else self.norm(output)


# --- Transformer: TransformerEncoder, TransformerDecoder
class Transformer(nnx.Module):
    """nn.Transformer: an encoder and a decoder stack, each with a final LayerNorm, under PyTorch's names."""

    def __init__(self, d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048,
                 dropout=0.1, activation='relu', custom_encoder=None, custom_decoder=None, layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, *, rngs):
        options = dict(dim_feedforward=dim_feedforward, dropout=dropout, activation=activation, bias=bias,
                       layer_norm_eps=layer_norm_eps, batch_first=batch_first, norm_first=norm_first, rngs=rngs)
        norm = lambda: nnx.LayerNorm(d_model, epsilon=layer_norm_eps, use_bias=bias, use_fast_variance=False, rngs=rngs)
        self.encoder = custom_encoder or TransformerEncoder(TransformerEncoderLayer(d_model, nhead, **options),
                                                            num_encoder_layers, norm())
        self.decoder = custom_decoder or TransformerDecoder(TransformerDecoderLayer(d_model, nhead, **options),
                                                            num_decoder_layers, norm())
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first

    def __call__(self, src, tgt, src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None,
                 tgt_key_padding_mask=None, memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None,
                 memory_is_causal=False):
        memory = self.encoder(src, src_mask, src_key_padding_mask, src_is_causal)
        return self.decoder(tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask,
                            tgt_is_causal, memory_is_causal)


# --- load_torch_state_dict:
def _torch_entries(module, prefix, out):
    """Pairs every PyTorch state_dict name of `module` with (variable, layout converter)."""
    kind = type(module).__name__  # helpers are matched by name: a file holds only those it uses
    if kind == 'ChannelsFirst':
        return _torch_entries(module.layer, prefix, out)
    if kind == 'TiedLinear':
        out[prefix + 'weight'] = (module.embedding.embedding, None)
        if module.bias is not None:
            out[prefix + 'bias'] = (module.bias, None)
        return out
    flat = lambda w: w.reshape(-1)  # a LayerNorm over several axes keeps its scale flat
    rules = {
        nnx.Linear: {'weight': ('kernel', lambda w: w.T), 'bias': ('bias', None)},
        nnx.Conv: {'weight': ('kernel', lambda w: np.transpose(w, tuple(range(2, w.ndim)) + (1, 0))),
                   'bias': ('bias', None)},
        nnx.Embed: {'weight': ('embedding', None)},
        nnx.LayerNorm: {'weight': ('scale', flat), 'bias': ('bias', flat)},
        nnx.RMSNorm: {'weight': ('scale', flat)},
        nnx.GroupNorm: {'weight': ('scale', None), 'bias': ('bias', None)},
        nnx.BatchNorm: {'weight': ('scale', None), 'bias': ('bias', None), 'running_mean': ('mean', None),
                        'running_var': ('var', None)},
    }.get(type(module))
    if rules is not None:
        for torch_name, (attr, convert) in rules.items():
            variable = getattr(module, attr, None)
            if variable is not None:
                out[prefix + torch_name] = (variable, convert)
        return out
    children = module.layers if isinstance(module, nnx.Sequential) or kind == 'NamedSequential' else module
    if isinstance(children, nnx.Dict):
        items = children.items()
    elif isinstance(children, (nnx.List, list)):
        items = ((str(i), v) for i, v in enumerate(children))
    else:
        items = vars(children).items()
    for name, value in items:
        if name.startswith('_'):
            continue
        if type(value).__name__ == 'TransientBuffer' or isinstance(value, nnx.RngState):
            continue
        if isinstance(value, nnx.Variable):
            out.setdefault(prefix + name, (value, None))
        elif isinstance(value, (nnx.Module, nnx.List, nnx.Dict, list)):
            _torch_entries(value, prefix + name + '.', out)
    return out


def load_torch_state_dict(model, state_dict):
    """Fills `model` in place from a PyTorch state_dict given as {name: numpy array}. A num_batches_tracked counter
    is loaded where the model keeps one and ignored elsewhere."""
    entries = _torch_entries(model, '', {})
    optional = lambda name: name.endswith('num_batches_tracked')
    missing = sorted(k for k in set(entries) - set(state_dict) if not optional(k))
    unexpected = sorted(k for k in set(state_dict) - set(entries) if not optional(k))
    if missing or unexpected:
        raise KeyError(f'state_dict does not match the model: missing {missing}, unexpected {unexpected}')
    for name, (variable, convert) in entries.items():
        if name not in state_dict:
            continue
        value = np.array(state_dict[name])  # a copy: numpy views of torch tensors change with them
        value = convert(value) if convert else value
        if tuple(value.shape) != tuple(variable[...].shape):
            raise ValueError(f'{name}: expected shape {tuple(variable[...].shape)} after conversion, got {value.shape}')
        variable[...] = jnp.asarray(value, dtype=variable[...].dtype)
    return model


# --- tie_weights: TiedLinear
def tie_weights(target, source):
    """torch `target.weight = source.weight`: returns the pair rebuilt so that both read one variable."""
    if isinstance(target, nnx.Embed) and isinstance(source, nnx.Linear):
        return target, TiedLinear(source, target)
    if isinstance(target, nnx.Linear) and isinstance(source, nnx.Embed):
        return TiedLinear(target, source), source
    for attr in ('kernel', 'embedding', 'scale'):
        if hasattr(target, attr) and type(target) is type(source):
            setattr(target, attr, getattr(source, attr))
            return target, source
    raise TypeError(f'cannot tie the weights of {type(target).__name__} and {type(source).__name__}')


# --- TiedLinear:
class TiedLinear(nnx.Module):
    """A torch Linear whose weight is tied to an Embedding's table (lm_head.weight = tok_emb.weight)."""

    def __init__(self, linear, embedding):
        self.embedding = embedding
        self.bias = linear.bias

    def __call__(self, x):
        y = x @ self.embedding.embedding[...].T
        return y if self.bias is None else y + self.bias[...]


# --- nnf_ntuple:
def nnf_ntuple(value, n):
    """A torch int-or-tuple argument (stride, dilation, ...) as an n-tuple."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


# --- nnf_conv_padding: nnf_ntuple
def nnf_conv_padding(padding, n):
    """torch conv padding (int, tuple, 'same' or 'valid') as lax padding; torch 'same' (stride 1) pads like 'SAME'."""
    if isinstance(padding, str):
        return padding.upper()
    return tuple((p, p) for p in nnf_ntuple(padding, n))


# --- nnf_prelu:
def nnf_prelu(x, weight):
    """F.prelu: one slope, or one per channel along dim 1."""
    if weight.size > 1 and x.ndim > 1:
        weight = weight.reshape((-1,) + (1,) * (x.ndim - 2))
    return jnp.where(x >= 0, x, weight * x)


# --- nnf_layer_norm:
def nnf_layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    """F.layer_norm over the trailing len(normalized_shape) axes, biased two-pass variance."""
    count = 1 if isinstance(normalized_shape, int) else len(normalized_shape)
    axes = tuple(range(x.ndim - count, x.ndim))
    mean = jnp.mean(x, axis=axes, keepdims=True)
    y = (x - mean) * lax.rsqrt(jnp.var(x, axis=axes, keepdims=True) + eps)
    if weight is not None:
        y = y * weight
    return y if bias is None else y + bias


# --- nnf_rms_norm:
def nnf_rms_norm(x, normalized_shape, weight=None, eps=None):
    """F.rms_norm: eps=None means the machine epsilon of the input's dtype."""
    count = 1 if isinstance(normalized_shape, int) else len(normalized_shape)
    axes = tuple(range(x.ndim - count, x.ndim))
    eps = jnp.finfo(x.dtype).eps if eps is None else eps
    y = x * lax.rsqrt(jnp.mean(jnp.square(x), axis=axes, keepdims=True) + eps)
    return y if weight is None else y * weight


# --- nnf_channel_affine:
def nnf_channel_affine(y, weight, bias):
    """Per-channel (dim 1) scale and shift, as torch's batch/group/instance norms apply them."""
    shape = (-1,) + (1,) * (y.ndim - 2)
    if weight is not None:
        y = y * weight.reshape(shape)
    return y if bias is None else y + bias.reshape(shape)


# --- nnf_group_norm: nnf_channel_affine
def nnf_group_norm(x, num_groups, weight=None, bias=None, eps=1e-5):
    """F.group_norm on (N, C, *): statistics per sample over each group of C // num_groups channels."""
    grouped = x.reshape(x.shape[0], num_groups, -1)
    mean = jnp.mean(grouped, axis=-1, keepdims=True)
    y = ((grouped - mean) * lax.rsqrt(jnp.var(grouped, axis=-1, keepdims=True) + eps)).reshape(x.shape)
    return nnf_channel_affine(y, weight, bias)


# --- nnf_batch_norm: nnf_channel_affine
def nnf_batch_norm(x, running_mean, running_var, weight=None, bias=None, training=False, eps=1e-5):
    """F.batch_norm on (N, C, *): running statistics in eval, biased batch statistics in training."""
    shape = (-1,) + (1,) * (x.ndim - 2)
    if training:
        axes = (0,) + tuple(range(2, x.ndim))
        mean, var = jnp.mean(x, axis=axes, keepdims=True), jnp.var(x, axis=axes, keepdims=True)
    else:
        mean, var = running_mean.reshape(shape), running_var.reshape(shape)
    return nnf_channel_affine((x - mean) * lax.rsqrt(var + eps), weight, bias)


# --- nnf_instance_norm: nnf_channel_affine
def nnf_instance_norm(x, weight=None, bias=None, eps=1e-5):
    """F.instance_norm with input statistics: each (sample, channel) over its spatial axes."""
    axes = tuple(range(2, x.ndim))
    mean = jnp.mean(x, axis=axes, keepdims=True)
    y = (x - mean) * lax.rsqrt(jnp.var(x, axis=axes, keepdims=True) + eps)
    return nnf_channel_affine(y, weight, bias)


# --- nnf_cosine_similarity:
def nnf_cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """F.cosine_similarity as torch computes it: each input divided by max(its norm, eps), then summed."""
    x1, x2 = jnp.broadcast_arrays(x1, x2)
    n1 = jnp.maximum(jnp.linalg.norm(x1, axis=dim, keepdims=True), eps)
    n2 = jnp.maximum(jnp.linalg.norm(x2, axis=dim, keepdims=True), eps)
    return jnp.sum((x1 / n1) * (x2 / n2), axis=dim)


# --- nnf_dropout:
def nnf_dropout(x, p, training):
    """F.dropout whose p or training is known only at run time: the identity when it drops nothing."""
    if training and p:
        raise NotImplementedError('dropout in training mode draws random masks that cannot match torch: '
                                  'use an nnx.Dropout layer with an rng')
    return x


# --- nnf_reduce:
def nnf_reduce(loss, reduction):
    """A torch loss reduction: 'mean', 'sum' or 'none'."""
    if reduction == 'none':
        return loss
    return jnp.sum(loss) if reduction == 'sum' else jnp.mean(loss)


# --- nnf_binary_cross_entropy: nnf_reduce
def nnf_binary_cross_entropy(input, target, weight=None, reduction='mean'):
    """F.binary_cross_entropy on probabilities; like torch, each log is clamped at -100."""
    loss = -(target * jnp.maximum(jnp.log(input), -100.0) + (1 - target) * jnp.maximum(jnp.log1p(-input), -100.0))
    return nnf_reduce(loss if weight is None else loss * weight, reduction)


# --- nnf_binary_cross_entropy_with_logits: nnf_reduce
def nnf_binary_cross_entropy_with_logits(input, target, weight=None, reduction='mean', pos_weight=None):
    """F.binary_cross_entropy_with_logits; pos_weight scales the positive term (broadcast over the last axis)."""
    positive = target * jax.nn.log_sigmoid(input)
    if pos_weight is not None:
        positive = pos_weight * positive
    loss = -(positive + (1 - target) * jax.nn.log_sigmoid(-input))
    return nnf_reduce(loss if weight is None else loss * weight, reduction)


# --- nnf_kl_div: nnf_reduce
def nnf_kl_div(input, target, reduction='mean', log_target=False):
    """F.kl_div: input holds log-probabilities; 'batchmean' divides the sum by the batch size, 'mean' by every element."""
    if log_target:
        loss = jnp.exp(target) * (target - input)
    else:
        loss = jax.scipy.special.xlogy(target, target) - target * input
    if reduction == 'batchmean':
        return jnp.sum(loss) / (input.shape[0] if input.ndim else 1)
    return nnf_reduce(loss, reduction)


# --- nnf_nll_loss:
def nnf_nll_loss(input, target, weight=None, ignore_index=-100, reduction='mean'):
    """F.nll_loss: classes on dim 1 (dim 0 unbatched); 'mean' divides by the summed weights of the kept targets."""
    class_axis = 1 if input.ndim > 1 else 0
    keep = target != ignore_index
    safe = jnp.where(keep, target, 0)
    picked = jnp.squeeze(jnp.take_along_axis(input, jnp.expand_dims(safe, class_axis), axis=class_axis), class_axis)
    w = jnp.where(keep, 1.0 if weight is None else weight[safe], 0.0)
    loss = -w * picked
    if reduction == 'none':
        return loss
    return jnp.sum(loss) if reduction == 'sum' else jnp.sum(loss) / jnp.sum(w)


# --- nnf_cross_entropy: nnf_nll_loss, nnf_reduce
def nnf_cross_entropy(input, target, weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0):
    """F.cross_entropy on logits (classes on dim 1), with class-index or class-probability targets."""
    class_axis = 1 if input.ndim > 1 else 0
    n_classes = input.shape[class_axis]
    logp = jax.nn.log_softmax(input, axis=class_axis)
    w_shape = [1] * input.ndim
    w_shape[class_axis] = n_classes
    w = 1.0 if weight is None else weight.reshape(w_shape)
    if jnp.issubdtype(target.dtype, jnp.floating):  # class probabilities
        if label_smoothing > 0:
            target = target * (1 - label_smoothing) + label_smoothing / n_classes
        loss = -jnp.sum(logp * target * w, axis=class_axis)
        if reduction == 'mean':
            return jnp.sum(loss) / (input.size / n_classes)
        return nnf_reduce(loss, reduction)
    nll = nnf_nll_loss(logp, target, weight, ignore_index, reduction)
    if label_smoothing == 0:
        return nll
    keep = target != ignore_index
    smooth = jnp.where(keep, -jnp.sum(logp * w, axis=class_axis), 0.0)
    if reduction == 'mean':
        kept_weight = jnp.sum(keep) if weight is None else jnp.sum(jnp.where(keep, weight[jnp.where(keep, target, 0)], 0.0))
        smooth = jnp.sum(smooth) / kept_weight
    else:
        smooth = nnf_reduce(smooth, reduction)
    return (1 - label_smoothing) * nll + smooth * (label_smoothing / n_classes)


# --- nnf_scaled_dot_product_attention:
def nnf_scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                     enable_gqa=False):
    """F.scaled_dot_product_attention, (..., L, E) layout; a bool mask keeps True; fully masked rows give 0 as torch."""
    if dropout_p:
        raise NotImplementedError('scaled_dot_product_attention: dropout_p > 0 draws random masks that cannot match '
                                  'torch; run in eval mode or apply an nnx.Dropout to the attention weights')
    length, source = query.shape[-2], key.shape[-2]
    if enable_gqa:
        key = jnp.repeat(key, query.shape[-3] // key.shape[-3], axis=-3)
        value = jnp.repeat(value, query.shape[-3] // value.shape[-3], axis=-3)
    scale = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = (query @ jnp.swapaxes(key, -2, -1)) * scale
    if is_causal:
        scores = jnp.where(jnp.tril(jnp.ones((length, source), bool)), scores, -jnp.inf)
    if attn_mask is not None:
        scores = jnp.where(attn_mask, scores, -jnp.inf) if attn_mask.dtype == jnp.bool_ else scores + attn_mask
    masked_row = jnp.all(scores == -jnp.inf, axis=-1, keepdims=True)
    weights = jax.nn.softmax(jnp.where(masked_row, 0.0, scores), axis=-1)
    return jnp.where(masked_row, 0.0, weights) @ value


# --- nnf_interpolate: adaptive_pool_nd
def _nnf_resize_axis(x, axis, out, scale, mode, align_corners):
    """Resamples one axis with torch's index rules (computed in float32, as torch's CPU kernels do)."""
    size = x.shape[axis]
    if mode in ('nearest', 'nearest-exact'):
        if mode == 'nearest' and out == size:
            return x
        if mode == 'nearest' and out == 2 * size:
            index = np.arange(out) >> 1
        else:
            step = np.float32(1.0 / scale if scale else size / out)
            offset = np.float32(0.5 if mode == 'nearest-exact' else 0.0)
            index = np.minimum(np.floor((np.arange(out, dtype=np.float32) + offset) * step).astype(np.int64), size - 1)
        return jnp.take(x, jnp.asarray(index), axis=axis)
    if align_corners:
        step = np.float32((size - 1) / (out - 1) if out > 1 else 0.0)
        source = np.arange(out, dtype=np.float32) * step
    else:
        step = np.float32(1.0 / scale if scale else size / out)
        source = np.maximum(step * (np.arange(out, dtype=np.float32) + np.float32(0.5)) - np.float32(0.5), np.float32(0))
    low = source.astype(np.int64)
    high = low + (low < size - 1)
    frac = np.clip(source - low, 0, 1).astype(np.float32)
    shape = [1] * x.ndim
    shape[axis] = out
    frac = jnp.asarray(frac).reshape(shape)
    return jnp.take(x, jnp.asarray(low), axis=axis) * (1 - frac) + jnp.take(x, jnp.asarray(high), axis=axis) * frac


def nnf_interpolate(x, size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None):
    """F.interpolate for nearest, nearest-exact, (bi/tri)linear and area on channels-first data."""
    nd = x.ndim - 2
    if size is not None:
        sizes, scales = tuple(size) if isinstance(size, (tuple, list)) else (size,) * nd, (None,) * nd
    else:
        scales = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * nd
        sizes = tuple(int(math.floor(x.shape[2 + i] * s)) for i, s in enumerate(scales))
        if recompute_scale_factor:
            scales = (None,) * nd
    if mode == 'area':
        return adaptive_pool_nd(x, nd, 'avg', sizes)
    if mode not in ('nearest', 'nearest-exact', 'linear', 'bilinear', 'trilinear'):
        raise NotImplementedError(f'interpolate mode {mode!r}')
    for i in range(nd):
        x = _nnf_resize_axis(x, 2 + i, sizes[i], scales[i], mode, align_corners)
    return x


# --- nnf_pixel_shuffle:
def nnf_pixel_shuffle(x, upscale_factor):
    """F.pixel_shuffle: (*, C*r*r, H, W) -> (*, C, H*r, W*r)."""
    r = upscale_factor
    *lead, c, h, w = x.shape
    y = x.reshape(*lead, c // (r * r), r, r, h, w)
    y = jnp.moveaxis(y, (-4, -3), (-3, -1))
    return y.reshape(*lead, c // (r * r), h * r, w * r)


# --- nnf_pixel_unshuffle:
def nnf_pixel_unshuffle(x, downscale_factor):
    """F.pixel_unshuffle: (*, C, H*r, W*r) -> (*, C*r*r, H, W)."""
    r = downscale_factor
    *lead, c, h, w = x.shape
    y = x.reshape(*lead, c, h // r, r, w // r, r)
    y = jnp.moveaxis(y, (-3, -1), (-4, -3))
    return y.reshape(*lead, c * r * r, h // r, w // r)


# --- nnf_hinge_embedding_loss: nnf_reduce
def nnf_hinge_embedding_loss(input, target, margin=1.0, reduction='mean'):
    """F.hinge_embedding_loss: x where y == 1, max(0, margin - x) where y == -1 (both terms for other labels, as torch)."""
    loss = jnp.where(target != 1, jnp.maximum(margin - input, 0.0), 0.0) + jnp.where(target != -1, input, 0.0)
    return nnf_reduce(loss, reduction)


# --- nnf_cosine_embedding_loss: nnf_reduce
def nnf_cosine_embedding_loss(input1, input2, target, margin=0.0, reduction='mean'):
    """F.cosine_embedding_loss with torch's cosine: dot / sqrt((|x1|² + 1e-12)(|x2|² + 1e-12)) over the last axis."""
    dot = jnp.sum(input1 * input2, axis=-1)
    cos = dot / jnp.sqrt((jnp.sum(input1 * input1, axis=-1) + 1e-12) * (jnp.sum(input2 * input2, axis=-1) + 1e-12))
    loss = jnp.where(target == 1, 1 - cos, 0.0) + jnp.where(target == -1, jnp.maximum(cos - margin, 0.0), 0.0)
    return nnf_reduce(loss, reduction)


# --- nnf_poisson_nll_loss: nnf_reduce
def nnf_poisson_nll_loss(input, target, log_input=True, full=False, eps=1e-8, reduction='mean'):
    """F.poisson_nll_loss; full=True adds the Stirling term where target > 1."""
    loss = jnp.exp(input) - target * input if log_input else input - target * jnp.log(input + eps)
    if full:
        safe = jnp.where(target > 1, target, 1.0)
        loss = loss + jnp.where(target > 1, safe * jnp.log(safe) - safe + 0.5 * jnp.log(2 * math.pi * safe), 0.0)
    return nnf_reduce(loss, reduction)


# --- nnf_gaussian_nll_loss: nnf_reduce
def nnf_gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction='mean'):
    """F.gaussian_nll_loss: 0.5 (log var + (x - y)² / var) with var clamped at eps; a var missing the last axis broadcasts."""
    var = jnp.asarray(var, dtype=input.dtype)
    if var.ndim and var.shape != input.shape and var.shape == input.shape[:-1]:
        var = var[..., None]
    var = jnp.maximum(var, eps)
    loss = 0.5 * (jnp.log(var) + jnp.square(input - target) / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return nnf_reduce(loss, reduction)


# --- nnf_triplet_margin_loss: nnf_reduce
def nnf_triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-6, swap=False, reduction='mean'):
    """F.triplet_margin_loss with torch's pairwise distance |a - b + eps|_p over the last axis."""
    distance = lambda a, b: jnp.linalg.norm(a - b + eps, ord=p, axis=-1)
    d_pos, d_neg = distance(anchor, positive), distance(anchor, negative)
    if swap:
        d_neg = jnp.minimum(d_neg, distance(positive, negative))
    return nnf_reduce(jnp.maximum(margin + d_pos - d_neg, 0.0), reduction)


# --- nnf_multilabel_soft_margin_loss: nnf_reduce
def nnf_multilabel_soft_margin_loss(input, target, weight=None, reduction='mean'):
    """F.multilabel_soft_margin_loss: the per-class logistic loss averaged over classes (the last axis), then reduced."""
    loss = -(target * jax.nn.log_sigmoid(input) + (1 - target) * jax.nn.log_sigmoid(-input))
    if weight is not None:
        loss = loss * weight
    return nnf_reduce(jnp.mean(loss, axis=-1), reduction)


# --- nnf_local_response_norm:
def nnf_local_response_norm(x, size, alpha=1e-4, beta=0.75, k=1.0):
    """F.local_response_norm: x / (k + alpha * mean of x² over `size` neighbouring channels) ** beta."""
    squares = jnp.square(x)
    pads = [(0, 0), (size // 2, (size - 1) // 2)] + [(0, 0)] * (x.ndim - 2)
    window = (1, size) + (1,) * (x.ndim - 2)
    summed = lax.reduce_window(jnp.pad(squares, pads), 0.0, lax.add, window, (1,) * x.ndim, 'VALID')
    return x / (k + alpha * summed / size) ** beta


# --- nnf_unfold: nnf_ntuple
def nnf_unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """F.unfold (im2col) on (N, C, H, W): (N, C * kh * kw, L) with the channel-major order torch uses."""
    patches = lax.conv_general_dilated_patches(
        x, nnf_ntuple(kernel_size, 2), nnf_ntuple(stride, 2), [(p, p) for p in nnf_ntuple(padding, 2)],
        rhs_dilation=nnf_ntuple(dilation, 2), dimension_numbers=('NCHW', 'OIHW', 'NCHW'), precision=lax.Precision.HIGHEST)
    return patches.reshape(patches.shape[0], patches.shape[1], -1)
