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
    """Runs a channels-last Flax layer on channels-first (N, C, ...) data, as the PyTorch layer did."""

    def __init__(self, layer):
        self.layer = layer

    def __call__(self, x):
        return jnp.moveaxis(self.layer(jnp.moveaxis(x, 1, -1)), -1, 1)


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
    """nn.ConvTranspose1d/2d: the weight is kept in PyTorch's (in, out/groups, *kernel) layout."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, *, nd, rngs):
        kernel = tuple(kernel_size) if isinstance(kernel_size, (tuple, list)) else (kernel_size,) * nd
        bound = 1.0 / math.sqrt((out_channels // groups) * math.prod(kernel))
        init = lambda shape: jax.random.uniform(rngs.params(), shape, jnp.float32, -bound, bound)
        self.weight = nnx.Param(init((in_channels, out_channels // groups) + kernel))
        self.bias = nnx.Param(init((out_channels,))) if bias else None
        self.options = dict(stride=stride, padding=padding, output_padding=output_padding, groups=groups,
                            dilation=dilation)

    def __call__(self, x):
        return conv_transpose_nd(x, self.weight[...], None if self.bias is None else self.bias[...], **self.options)


# --- MultiheadAttention:
class MultiheadAttention(nnx.Module):
    """nn.MultiheadAttention (same projections, masks and return values); in_proj holds q, k, v stacked."""

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, batch_first=False, *, rngs):
        self.num_heads, self.batch_first = num_heads, batch_first
        self.in_proj = nnx.Linear(embed_dim, 3 * embed_dim, use_bias=bias, rngs=rngs)
        self.out_proj = nnx.Linear(embed_dim, embed_dim, use_bias=bias, rngs=rngs)
        self.dropout = nnx.Dropout(dropout, rngs=rngs)

    def __call__(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                 average_attn_weights=True, is_causal=False):
        if not self.batch_first:
            query, key, value = (jnp.swapaxes(t, 0, 1) for t in (query, key, value))
        e = query.shape[-1]
        w, b = self.in_proj.kernel[...], (self.in_proj.bias[...] if self.in_proj.bias is not None else jnp.zeros(3 * e))
        q, k, v = (t @ w[:, i * e:(i + 1) * e] + b[i * e:(i + 1) * e] for i, t in enumerate((query, key, value)))
        split = lambda t: jnp.swapaxes(t.reshape(t.shape[0], t.shape[1], self.num_heads, -1), 1, 2)
        q, k, v = split(q), split(k), split(v)
        scores = (q / math.sqrt(q.shape[-1])) @ jnp.swapaxes(k, -1, -2)
        if attn_mask is not None:
            mask = attn_mask if attn_mask.ndim == 2 else attn_mask.reshape(q.shape[0], self.num_heads, *attn_mask.shape[1:])
            scores = jnp.where(mask, -jnp.inf, scores) if mask.dtype == jnp.bool_ else scores + mask
        if key_padding_mask is not None:
            pad = key_padding_mask[:, None, None, :]
            scores = jnp.where(pad, -jnp.inf, scores) if pad.dtype == jnp.bool_ else scores + pad
        weights = jax.nn.softmax(scores, axis=-1)
        out = jnp.swapaxes(self.dropout(weights) @ v, 1, 2).reshape(query.shape[0], query.shape[1], e)
        out = self.out_proj(out)
        if not self.batch_first:
            out = jnp.swapaxes(out, 0, 1)
        if not need_weights:
            return out, None
        return out, (weights.mean(axis=1) if average_attn_weights else weights)


# --- Recurrent:
class Recurrent(nnx.Module):
    """nn.LSTM / nn.GRU with PyTorch's gate order (LSTM i,f,g,o; GRU r,z,n), both biases and parameter names."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, *, rngs):
        self.mode, self.hidden_size, self.num_layers = mode, hidden_size, num_layers
        self.batch_first, self.directions = batch_first, 2 if bidirectional else 1
        self.dropout = nnx.Dropout(dropout, rngs=rngs)
        gates = (4 if mode == 'LSTM' else 3) * hidden_size
        bound = 1.0 / math.sqrt(hidden_size)
        init = lambda shape: nnx.Param(jax.random.uniform(rngs.params(), shape, jnp.float32, -bound, bound))
        for layer in range(num_layers):
            for d in range(self.directions):
                suffix = f'_l{layer}' + ('_reverse' if d else '')
                width = input_size if layer == 0 else hidden_size * self.directions
                setattr(self, 'weight_ih' + suffix, init((gates, width)))
                setattr(self, 'weight_hh' + suffix, init((gates, hidden_size)))
                setattr(self, 'bias_ih' + suffix, init((gates,)) if bias else None)
                setattr(self, 'bias_hh' + suffix, init((gates,)) if bias else None)

    def _cell(self, suffix):
        p = lambda name: getattr(self, name + suffix)
        w_ih, w_hh = p('weight_ih')[...], p('weight_hh')[...]
        b_ih = p('bias_ih')[...] if p('bias_ih') is not None else 0.0
        b_hh = p('bias_hh')[...] if p('bias_hh') is not None else 0.0

        def lstm(carry, x):
            h, c = carry
            i, f, g, o = jnp.split(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh, 4, axis=-1)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            h = jax.nn.sigmoid(o) * jnp.tanh(c)
            return (h, c), h

        def gru(carry, x):
            (h,) = carry
            xr, xz, xn = jnp.split(x @ w_ih.T + b_ih, 3, axis=-1)
            hr, hz, hn = jnp.split(h @ w_hh.T + b_hh, 3, axis=-1)
            r, z = jax.nn.sigmoid(xr + hr), jax.nn.sigmoid(xz + hz)
            n = jnp.tanh(xn + r * hn)
            h = (1 - z) * n + z * h
            return (h,), h

        return lstm if self.mode == 'LSTM' else gru

    def __call__(self, x, hx=None):
        unbatched = x.ndim == 2
        if unbatched:
            x = x[:, None] if not self.batch_first else x[None]
        seq = jnp.swapaxes(x, 0, 1) if self.batch_first else x  # (time, batch, features)
        batch = seq.shape[1]
        zeros = jnp.zeros((self.num_layers * self.directions, batch, self.hidden_size), seq.dtype)
        if self.mode == 'LSTM':
            h0, c0 = hx if hx is not None else (zeros, zeros)
        else:
            h0, c0 = (hx if hx is not None else zeros), None
        h_n, c_n = [], []
        for layer in range(self.num_layers):
            outs = []
            for d in range(self.directions):
                idx = layer * self.directions + d
                carry = (h0[idx], c0[idx]) if self.mode == 'LSTM' else (h0[idx],)
                inputs = seq[::-1] if d else seq
                carry, out = lax.scan(self._cell(f'_l{layer}' + ('_reverse' if d else '')), carry, inputs)
                outs.append(out[::-1] if d else out)
                h_n.append(carry[0])
                if self.mode == 'LSTM':
                    c_n.append(carry[1])
            seq = jnp.concatenate(outs, axis=-1)
            if layer < self.num_layers - 1:
                seq = self.dropout(seq)
        output = jnp.swapaxes(seq, 0, 1) if self.batch_first else seq
        h_n = jnp.stack(h_n)
        if unbatched:
            output = output[:, 0] if not self.batch_first else output[0]
            h_n = h_n[:, 0]
        if self.mode == 'LSTM':
            c_n = jnp.stack(c_n)
            return output, (h_n, c_n[:, 0] if unbatched else c_n)
        return output, h_n


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
    rules = {
        nnx.Linear: {'weight': ('kernel', lambda w: w.T), 'bias': ('bias', None)},
        nnx.Conv: {'weight': ('kernel', lambda w: np.transpose(w, tuple(range(2, w.ndim)) + (1, 0))),
                   'bias': ('bias', None)},
        nnx.Embed: {'weight': ('embedding', None)},
        nnx.LayerNorm: {'weight': ('scale', None), 'bias': ('bias', None)},
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
        if type(value).__name__ == 'TransientBuffer':
            continue
        if isinstance(value, nnx.Variable):
            out.setdefault(prefix + name, (value, None))
        elif isinstance(value, (nnx.Module, nnx.List, nnx.Dict, list)):
            _torch_entries(value, prefix + name + '.', out)
    return out


def load_torch_state_dict(model, state_dict):
    """Fills `model` in place from a PyTorch state_dict given as {name: numpy array}."""
    entries = _torch_entries(model, '', {})
    given = {k: v for k, v in state_dict.items() if not k.endswith('num_batches_tracked')}
    missing = sorted(set(entries) - set(given))
    unexpected = sorted(set(given) - set(entries))
    if missing or unexpected:
        raise KeyError(f'state_dict does not match the model: missing {missing}, unexpected {unexpected}')
    for name, (variable, convert) in entries.items():
        value = np.asarray(given[name])
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
