# Helpers copied into Keras 3 conversions, each section only where the converted code uses it. Layers keep PyTorch's
# parameter names and layouts (Linear.weight is [out, in]) so that load_torch_state_dict copies a state_dict as it is.
# Sections: "# --- name: dependencies".

# --- identity:
def identity(x):
    """nn.Identity: the input as it is."""
    return x


# --- collapse:
def collapse(x, start_dimension, stop_dimension=None):
    """lax.collapse: the axes [start, stop) merged into one (negative axes count from the end)."""
    rank = len(x.shape)
    start = start_dimension % rank
    stop = rank if stop_dimension is None else stop_dimension % rank or rank
    shape = tuple(x.shape)
    return keras.ops.reshape(x, shape[:start] + (math.prod(shape[start:stop]),) + shape[stop:])


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


# --- axis_slice:
def axis_slice(x, axis, start, stop, step=None):
    """x[..., start:stop:step, ...] along one axis (a non-negative axis)."""
    return x[(slice(None),) * axis + (slice(start, stop, step),)]


# --- nnf_pad: axis_slice
def _wrap_or_edge(x, axis, lo, hi, mode):
    """One axis padded by repeating its edge ('edge') or wrapping around ('wrap'), which TensorFlow's pad lacks."""
    size = x.shape[axis]
    part = lambda start, stop: axis_slice(x, axis, start, stop)
    if mode == 'edge':
        before, after = keras.ops.repeat(part(0, 1), lo, axis=axis), keras.ops.repeat(part(size - 1, size), hi, axis=axis)
    else:
        before, after = part(size - lo, size), part(0, hi)
    return keras.ops.concatenate([before, x, after], axis=axis)


def nnf_pad(x, pad_width, mode='constant', constant_values=0):
    """jnp.pad's meaning for the modes torch's F.pad has: constant and reflect by keras.ops.pad, edge (replicate) and
    wrap (circular) by concatenation."""
    if mode in ('constant', 'reflect'):
        extra = {'constant_values': constant_values} if mode == 'constant' else {}
        return keras.ops.pad(x, pad_width, mode=mode, **extra)
    for axis, (lo, hi) in enumerate(pad_width):
        if lo or hi:
            x = _wrap_or_edge(x, axis, lo, hi, mode)
    return x


# --- nnf_ntuple:
def nnf_ntuple(value, n):
    """A torch int-or-tuple argument (stride, dilation, ...) as an n-tuple."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


# --- padded:
def _padded(x, pads, fill):
    """x padded over its last len(pads) axes by (before, after) amounts; negative amounts crop."""
    if all(p == (0, 0) for p in pads):
        return x
    lead = len(x.shape) - len(pads)
    cropped = tuple(slice(max(-lo, 0), x.shape[lead + i] - max(-hi, 0)) for i, (lo, hi) in enumerate(pads))
    return keras.ops.pad(x[(Ellipsis,) + cropped], [(0, 0)] * lead + [(max(lo, 0), max(hi, 0)) for lo, hi in pads],
                         constant_values=fill)


# --- windows: nnf_ntuple, padded
def _windows(x, nd, kernel, stride, dilation, pads, fill):
    """The pooling windows over the last `nd` axes of x, padded by `pads` ((before, after) per axis, negative amounts
    crop): a tensor (..., *output, kernel volume), one strided slice per kernel offset (keras.ops pools have no
    dilation, ceil_mode or count_include_pad)."""
    x = _padded(x, pads, fill)
    lead = len(x.shape) - nd
    spatial = x.shape[lead:]
    out = [(n - d * (k - 1) - 1) // s + 1 for n, k, s, d in zip(spatial, kernel, stride, dilation)]
    offsets = [()]
    for k in kernel:
        offsets = [at + (i,) for at in offsets for i in range(k)]
    slices = [x[(Ellipsis,) + tuple(slice(o * d, o * d + (m - 1) * s + 1, s) for o, d, m, s in zip(at, dilation, out, stride))]
              for at in offsets]
    return keras.ops.stack(slices, axis=-1)


# --- conv_nd: nnf_ntuple, nnf_pad, padded
def _conv_same_pads(kernel, dilation):
    """torch's padding='same' (stride 1): the total d * (k - 1), the extra element on the right."""
    return [(d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for k, d in zip(kernel, dilation)]


def conv_nd(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1, padding_mode='zeros'):
    """F.conv1d/2d/3d: weight (out, in/groups, *kernel) on channels-first data, batched or not; `groups` is implied by
    the weight's shape, from which keras.ops.conv infers it."""
    nd = len(weight.shape) - 2
    if len(x.shape) == nd + 1:
        return conv_nd(x[None], weight, bias, stride, padding, dilation, groups, padding_mode)[0]
    kernel, dilation = tuple(weight.shape[2:]), nnf_ntuple(dilation, nd)
    if padding == 'same':
        pads = _conv_same_pads(kernel, dilation)
    else:
        pads = [(p, p) for p in nnf_ntuple(0 if padding == 'valid' else padding, nd)]
    if padding_mode != 'zeros':
        mode = {'reflect': 'reflect', 'replicate': 'edge', 'circular': 'wrap'}[padding_mode]
        x, pads = nnf_pad(x, [(0, 0), (0, 0)] + pads, mode=mode), [(0, 0)] * nd
    return _valid_conv(_padded(x, pads, 0), weight, bias, nnf_ntuple(stride, nd), dilation)


def _valid_conv(x, weight, bias, stride, dilation):
    """keras.ops.conv without padding on channels-first x, weight (O, C/groups, *kernel) (Keras infers the groups).
    TensorFlow refuses a stride > 1 with a dilation > 1: such a stride is taken by slicing the stride-1 output."""
    nd = len(weight.shape) - 2
    kernel = keras.ops.transpose(weight, tuple(range(2, 2 + nd)) + (1, 0))  # (*kernel, C/groups, O)
    sliced = any(s > 1 for s in stride) and any(d > 1 for d in dilation)
    y = keras.ops.conv(x, kernel, strides=1 if sliced else stride, padding='valid', data_format='channels_first',
                       dilation_rate=dilation)
    if sliced:
        y = y[(slice(None), slice(None)) + tuple(slice(None, None, s) for s in stride)]
    return y if bias is None else y + keras.ops.reshape(bias, (-1,) + (1,) * nd)


# --- conv_transpose_nd: conv_nd, axis_slice
def _stride_dilated(x, axis, stride):
    """x with stride - 1 zeros between neighbours along `axis` (the input of a strided transposed convolution)."""
    if stride == 1:
        return x
    spread = keras.ops.expand_dims(x, axis + 1)
    gap = list(spread.shape)
    gap[axis + 1] = stride - 1
    shape = list(x.shape)
    size, shape[axis] = shape[axis], shape[axis] * stride
    spread = keras.ops.reshape(keras.ops.concatenate([spread, keras.ops.zeros(gap, x.dtype)], axis=axis + 1), shape)
    return axis_slice(spread, axis, 0, (size - 1) * stride + 1)


def conv_transpose_nd(x, weight, bias, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """F.conv_transpose1d/2d/3d: weight (in, out/groups, *kernel); a convolution of the stride-dilated input with
    the flipped kernel, in and out swapped per group."""
    nd = len(weight.shape) - 2
    if len(x.shape) == nd + 1:
        return conv_transpose_nd(x[None], weight, bias, stride, padding, output_padding, groups, dilation)[0]
    stride, padding, dilation = nnf_ntuple(stride, nd), nnf_ntuple(padding, nd), nnf_ntuple(dilation, nd)
    output_padding = nnf_ntuple(output_padding, nd)
    cin, cout_g, kernel = weight.shape[0], weight.shape[1], tuple(weight.shape[2:])
    w = keras.ops.swapaxes(keras.ops.reshape(weight, (groups, cin // groups, cout_g) + kernel), 1, 2)
    w = keras.ops.flip(keras.ops.reshape(w, (groups * cout_g, cin // groups) + kernel), axis=tuple(range(2, 2 + nd)))
    for i, s in enumerate(stride):
        x = _stride_dilated(x, 2 + i, s)
    pads = [(d * (k - 1) - p, d * (k - 1) - p + o) for k, d, p, o in zip(kernel, dilation, padding, output_padding)]
    return _valid_conv(_padded(x, pads, 0), w, bias, (1,) * nd, dilation)


# --- pool_nd: windows
def _pool_pads(size, kernel, stride, padding, dilation, ceil_mode):
    effective = dilation * (kernel - 1) + 1
    span = size + 2 * padding - effective
    out = (-(-span // stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1  # PyTorch: the last window must start inside the input or the left padding
    return (padding, (out - 1) * stride + effective - size - padding)


def pool_nd(x, nd, kind, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, count_include_pad=True,
            divisor_override=None):
    """max/avg pooling over the last `nd` axes with torch.nn.functional semantics (padding is -inf for max)."""
    kernel, padding, dilation = nnf_ntuple(kernel_size, nd), nnf_ntuple(padding, nd), nnf_ntuple(dilation, nd)
    stride = kernel if stride is None or stride == [] or stride == () else nnf_ntuple(stride, nd)
    spatial = tuple(x.shape[len(x.shape) - nd:])
    pads = [_pool_pads(spatial[i], kernel[i], stride[i], padding[i], dilation[i], ceil_mode) for i in range(nd)]
    if kind == 'max':
        return keras.ops.max(_windows(x, nd, kernel, stride, dilation, pads, -math.inf), axis=-1)
    total = keras.ops.sum(_windows(x, nd, kernel, stride, dilation, pads, 0), axis=-1)
    if divisor_override:
        return total / divisor_override
    # torch counts the explicit padding (when count_include_pad) but never the extra ceil_mode padding
    ones = keras.ops.ones(spatial, x.dtype)
    if count_include_pad:
        ones = keras.ops.pad(ones, [(p, p) for p in padding], constant_values=1)
        pads = [(lo - p, hi - p) for (lo, hi), p in zip(pads, padding)]
    return total / keras.ops.sum(_windows(ones, nd, kernel, stride, dilation, pads, 0), axis=-1)


# --- lp_pool_nd: pool_nd
def lp_pool_nd(x, nd, norm_type, kernel_size, stride=None, ceil_mode=False):
    """nn.LPPool{1,2,3}d as PyTorch computes it: (avg_pool(x ** p) * kernel volume) ** (1 / p)."""
    kernel = nnf_ntuple(kernel_size, nd)
    out = pool_nd(x ** norm_type, nd, 'avg', kernel, stride, ceil_mode=ceil_mode)
    return (keras.ops.sign(out) * keras.ops.relu(keras.ops.abs(out)) * math.prod(kernel)) ** (1.0 / norm_type)


# --- adaptive_pool_nd: axis_slice
def adaptive_pool_nd(x, nd, kind, output_size):
    """adaptive avg/max pooling over the last `nd` axes with PyTorch's bins: [floor(i*n/o), ceil((i+1)*n/o))."""
    sizes = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,) * nd
    reduce = keras.ops.mean if kind == 'avg' else keras.ops.max
    for i, out in enumerate(sizes):
        axis = len(x.shape) - nd + i
        n = x.shape[axis]
        out = n if out is None else out
        bins = [axis_slice(x, axis, (j * n) // out, -(-((j + 1) * n) // out)) for j in range(out)]
        x = keras.ops.concatenate([reduce(b, axis=axis, keepdims=True) for b in bins], axis=axis)
    return x


# --- nnf_interpolate: adaptive_pool_nd
def _nnf_resize_axis(x, axis, out, scale, mode, align_corners):
    """Resamples one axis with torch's index rules (the indices computed in float32, as torch's CPU kernels do)."""
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
        return keras.ops.take(x, index, axis=axis)
    if align_corners:
        step = np.float32((size - 1) / (out - 1) if out > 1 else 0.0)
        source = np.arange(out, dtype=np.float32) * step
    else:
        step = np.float32(1.0 / scale if scale else size / out)
        source = np.maximum(step * (np.arange(out, dtype=np.float32) + np.float32(0.5)) - np.float32(0.5), np.float32(0))
    low = source.astype(np.int64)
    high = low + (low < size - 1)
    shape = [1] * len(x.shape)
    shape[axis] = out
    frac = np.clip(source - low, 0, 1).astype(np.float32).reshape(shape)
    return keras.ops.take(x, low, axis=axis) * (1 - frac) + keras.ops.take(x, high, axis=axis) * frac


def nnf_interpolate(x, size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None):
    """F.interpolate for nearest, nearest-exact, (bi/tri)linear and area on channels-first data."""
    nd = len(x.shape) - 2
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


# --- nnf_channel_affine:
def nnf_channel_affine(y, weight, bias):
    """Per-channel (dim 1) scale and shift, as torch's batch/group/instance norms apply them."""
    shape = (-1,) + (1,) * (len(y.shape) - 2)
    if weight is not None:
        y = y * keras.ops.reshape(weight, shape)
    return y if bias is None else y + keras.ops.reshape(bias, shape)


# --- nnf_normalize:
def nnf_normalize(x, axes, eps):
    """(x - mean) / sqrt(biased variance + eps) over `axes`, each slice on its own."""
    mean = keras.ops.mean(x, axis=axes, keepdims=True)
    return (x - mean) / keras.ops.sqrt(keras.ops.var(x, axis=axes, keepdims=True) + eps)


# --- nnf_group_norm: nnf_channel_affine, nnf_normalize
def nnf_group_norm(x, num_groups, weight=None, bias=None, eps=1e-5):
    """F.group_norm on (N, C, *): statistics per sample over each group of C // num_groups channels."""
    grouped = keras.ops.reshape(x, (x.shape[0], num_groups, -1))
    y = keras.ops.reshape(nnf_normalize(grouped, -1, eps), keras.ops.shape(x))
    return nnf_channel_affine(y, weight, bias)


# --- nnf_batch_norm: nnf_channel_affine, nnf_normalize
def nnf_batch_norm(x, running_mean, running_var, weight=None, bias=None, training=False, eps=1e-5):
    """F.batch_norm on (N, C, *): running statistics in eval, biased batch statistics in training."""
    if training:
        return nnf_channel_affine(nnf_normalize(x, (0,) + tuple(range(2, len(x.shape))), eps), weight, bias)
    shape = (-1,) + (1,) * (len(x.shape) - 2)
    y = (x - keras.ops.reshape(running_mean, shape)) / keras.ops.sqrt(keras.ops.reshape(running_var, shape) + eps)
    return nnf_channel_affine(y, weight, bias)


# --- nnf_instance_norm: nnf_channel_affine, nnf_normalize
def nnf_instance_norm(x, weight=None, bias=None, eps=1e-5):
    """F.instance_norm with input statistics: each (sample, channel) over its spatial axes."""
    return nnf_channel_affine(nnf_normalize(x, tuple(range(2, len(x.shape))), eps), weight, bias)


# --- leaky_relu:
def leaky_relu(x, negative_slope=0.01):
    """jax.nn.leaky_relu, slope 0.01 by default (keras.ops.leaky_relu's is 0.2)."""
    return keras.ops.where(x >= 0, x, negative_slope * x)


# --- nnf_reduce:
def nnf_reduce(loss, reduction):
    """A torch loss reduction: 'mean', 'sum' or 'none'."""
    if reduction == 'none':
        return loss
    return keras.ops.sum(loss) if reduction == 'sum' else keras.ops.mean(loss)


# --- nnf_binary_cross_entropy: nnf_reduce
def nnf_binary_cross_entropy(input, target, weight=None, reduction='mean'):
    """F.binary_cross_entropy on probabilities; like torch, each log is clamped at -100."""
    loss = -(target * keras.ops.maximum(keras.ops.log(input), -100.0)
             + (1 - target) * keras.ops.maximum(keras.ops.log1p(-input), -100.0))
    return nnf_reduce(loss if weight is None else loss * weight, reduction)


# --- nnf_binary_cross_entropy_with_logits: nnf_reduce
def nnf_binary_cross_entropy_with_logits(input, target, weight=None, reduction='mean', pos_weight=None):
    """F.binary_cross_entropy_with_logits; pos_weight scales the positive term (broadcast over the last axis)."""
    positive = target * keras.ops.log_sigmoid(input)
    if pos_weight is not None:
        positive = pos_weight * positive
    loss = -(positive + (1 - target) * keras.ops.log_sigmoid(-input))
    return nnf_reduce(loss if weight is None else loss * weight, reduction)


# --- nnf_nll_loss:
def nnf_nll_loss(input, target, weight=None, ignore_index=-100, reduction='mean'):
    """F.nll_loss: classes on dim 1 (dim 0 unbatched); 'mean' divides by the summed weights of the kept targets."""
    class_axis = 1 if len(input.shape) > 1 else 0
    keep = target != ignore_index
    safe = keras.ops.where(keep, target, 0)
    picked = keras.ops.take_along_axis(input, keras.ops.expand_dims(safe, class_axis), axis=class_axis)
    w = keras.ops.where(keep, 1.0 if weight is None else keras.ops.take(weight, safe), 0.0)
    loss = -keras.ops.cast(w, input.dtype) * keras.ops.squeeze(picked, class_axis)
    if reduction == 'none':
        return loss
    return keras.ops.sum(loss) if reduction == 'sum' else keras.ops.sum(loss) / keras.ops.sum(keras.ops.cast(w, input.dtype))


# --- nnf_cross_entropy: nnf_nll_loss, nnf_reduce
def nnf_cross_entropy(input, target, weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0):
    """F.cross_entropy on logits (classes on dim 1), with class-index or class-probability targets."""
    class_axis = 1 if len(input.shape) > 1 else 0
    n_classes = input.shape[class_axis]
    logp = keras.ops.log_softmax(input, axis=class_axis)
    w_shape = [1] * len(input.shape)
    w_shape[class_axis] = n_classes
    w = 1 if weight is None else keras.ops.reshape(weight, w_shape)
    if keras.backend.standardize_dtype(target.dtype).startswith('float'):  # class probabilities
        if label_smoothing > 0:
            target = target * (1 - label_smoothing) + label_smoothing / n_classes
        loss = -keras.ops.sum(logp * target * w, axis=class_axis)
        if reduction == 'mean':
            return keras.ops.sum(loss) / (math.prod(input.shape) / n_classes)
        return nnf_reduce(loss, reduction)
    nll = nnf_nll_loss(logp, target, weight, ignore_index, reduction)
    if label_smoothing == 0:
        return nll
    keep = target != ignore_index
    smooth = keras.ops.where(keep, -keras.ops.sum(logp * w, axis=class_axis), 0.0)
    if reduction == 'mean':
        kept = keep if weight is None else keras.ops.where(keep, keras.ops.take(weight, keras.ops.where(keep, target, 0)), 0.0)
        smooth = keras.ops.sum(smooth) / keras.ops.sum(keras.ops.cast(kept, input.dtype))
    else:
        smooth = nnf_reduce(smooth, reduction)
    return (1 - label_smoothing) * nll + smooth * (label_smoothing / n_classes)


# --- nnf_kl_div: nnf_reduce
def nnf_kl_div(input, target, reduction='mean', log_target=False):
    """F.kl_div: input holds log-probabilities; 'batchmean' divides the sum by the batch size, 'mean' by every element."""
    if log_target:
        loss = keras.ops.exp(target) * (target - input)
    else:
        loss = keras.ops.where(target == 0, 0.0, target * keras.ops.log(target)) - target * input  # xlogy(t, t)
    if reduction == 'batchmean':
        return keras.ops.sum(loss) / (input.shape[0] if len(input.shape) else 1)
    return nnf_reduce(loss, reduction)


# --- nnf_hinge_embedding_loss: nnf_reduce
def nnf_hinge_embedding_loss(input, target, margin=1.0, reduction='mean'):
    """F.hinge_embedding_loss: x where y == 1, max(0, margin - x) where y == -1 (both terms for other labels, as torch)."""
    loss = (keras.ops.where(target != 1, keras.ops.maximum(margin - input, 0.0), 0.0)
            + keras.ops.where(target != -1, input, 0.0))
    return nnf_reduce(loss, reduction)


# --- nnf_cosine_embedding_loss: nnf_reduce
def nnf_cosine_embedding_loss(input1, input2, target, margin=0.0, reduction='mean'):
    """F.cosine_embedding_loss with torch's cosine: dot / sqrt((|x1|² + 1e-12)(|x2|² + 1e-12)) over the last axis."""
    squared = lambda x: keras.ops.sum(x * x, axis=-1) + 1e-12
    cos = keras.ops.sum(input1 * input2, axis=-1) / keras.ops.sqrt(squared(input1) * squared(input2))
    loss = keras.ops.where(target == 1, 1 - cos, 0.0) + keras.ops.where(target == -1, keras.ops.maximum(cos - margin, 0.0), 0.0)
    return nnf_reduce(loss, reduction)


# --- nnf_poisson_nll_loss: nnf_reduce
def nnf_poisson_nll_loss(input, target, log_input=True, full=False, eps=1e-8, reduction='mean'):
    """F.poisson_nll_loss; full=True adds the Stirling term where target > 1."""
    loss = keras.ops.exp(input) - target * input if log_input else input - target * keras.ops.log(input + eps)
    if full:
        safe = keras.ops.where(target > 1, target, 1.0)
        stirling = safe * keras.ops.log(safe) - safe + 0.5 * keras.ops.log(2 * math.pi * safe)
        loss = loss + keras.ops.where(target > 1, stirling, 0.0)
    return nnf_reduce(loss, reduction)


# --- nnf_multilabel_soft_margin_loss: nnf_reduce
def nnf_multilabel_soft_margin_loss(input, target, weight=None, reduction='mean'):
    """F.multilabel_soft_margin_loss: the per-class logistic loss averaged over classes (the last axis), then reduced."""
    loss = -(target * keras.ops.log_sigmoid(input) + (1 - target) * keras.ops.log_sigmoid(-input))
    if weight is not None:
        loss = loss * weight
    return nnf_reduce(keras.ops.mean(loss, axis=-1), reduction)


# --- mish:
def mish(x):
    """jax.nn.mish: x * tanh(softplus(x))."""
    return x * keras.ops.tanh(keras.ops.softplus(x))


# --- nnf_cosine_similarity:
def nnf_cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """F.cosine_similarity as torch computes it: each input divided by max(its norm, eps), then summed."""
    x1, x2 = keras.ops.broadcast_to(x1, keras.ops.shape(x1 + x2)), keras.ops.broadcast_to(x2, keras.ops.shape(x1 + x2))
    norm = lambda x: keras.ops.maximum(keras.ops.sqrt(keras.ops.sum(x * x, axis=dim, keepdims=True)), eps)
    return keras.ops.sum((x1 / norm(x1)) * (x2 / norm(x2)), axis=dim)


# --- nnf_prelu:
def nnf_prelu(x, weight):
    """F.prelu: one slope, or one per channel along dim 1."""
    if weight.shape[0] > 1 and len(x.shape) > 1:
        weight = keras.ops.reshape(weight, (-1,) + (1,) * (len(x.shape) - 2))
    return keras.ops.where(x >= 0, x, weight * x)


# --- nnf_rms_norm:
def nnf_rms_norm(x, normalized_shape, weight=None, eps=None):
    """F.rms_norm: eps=None means the machine epsilon of the input's dtype."""
    count = 1 if isinstance(normalized_shape, int) else len(normalized_shape)
    axes = tuple(range(len(x.shape) - count, len(x.shape)))
    eps = float(np.finfo(keras.backend.standardize_dtype(x.dtype)).eps) if eps is None else eps
    y = x * keras.ops.rsqrt(keras.ops.mean(keras.ops.square(x), axis=axes, keepdims=True) + eps)
    return y if weight is None else y * weight


# --- nnf_local_response_norm:
def nnf_local_response_norm(x, size, alpha=1e-4, beta=0.75, k=1.0):
    """F.local_response_norm: x / (k + alpha * mean of x² over `size` neighbouring channels) ** beta."""
    padded = keras.ops.pad(keras.ops.square(x), [(0, 0), (size // 2, (size - 1) // 2)] + [(0, 0)] * (len(x.shape) - 2))
    total = sum(padded[:, i:i + x.shape[1]] for i in range(size))
    return x / (k + alpha * total / size) ** beta


# --- nnf_unfold: windows
def nnf_unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """F.unfold (im2col) on (N, C, H, W): (N, C * kh * kw, L) with the channel-major order torch uses."""
    kernel = nnf_ntuple(kernel_size, 2)
    pads = [(p, p) for p in nnf_ntuple(padding, 2)]
    windows = _windows(x, 2, kernel, nnf_ntuple(stride, 2), nnf_ntuple(dilation, 2), pads, 0)  # (N, C, oh, ow, kh * kw)
    n, c, oh, ow = windows.shape[:4]
    return keras.ops.reshape(keras.ops.transpose(windows, (0, 1, 4, 2, 3)), (n, c * kernel[0] * kernel[1], oh * ow))


# --- nnf_pixel_shuffle:
def nnf_pixel_shuffle(x, upscale_factor):
    """F.pixel_shuffle: (*, C*r*r, H, W) -> (*, C, H*r, W*r)."""
    r = upscale_factor
    *lead, c, h, w = x.shape
    y = keras.ops.moveaxis(keras.ops.reshape(x, (*lead, c // (r * r), r, r, h, w)), (-4, -3), (-3, -1))
    return keras.ops.reshape(y, (*lead, c // (r * r), h * r, w * r))


# --- nnf_pixel_unshuffle:
def nnf_pixel_unshuffle(x, downscale_factor):
    """F.pixel_unshuffle: (*, C, H*r, W*r) -> (*, C*r*r, H, W)."""
    r = downscale_factor
    *lead, c, h, w = x.shape
    y = keras.ops.moveaxis(keras.ops.reshape(x, (*lead, c, h // r, r, w // r, r)), (-3, -1), (-4, -3))
    return keras.ops.reshape(y, (*lead, c * r * r, h // r, w // r))


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


# --- ConvNd: conv_nd
class ConvNd(keras.Layer):
    """nn.Conv1d/2d/3d: weight (out_channels, in_channels / groups, *kernel), bias (out_channels,)."""
    nd = 0

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode='zeros', **kwargs):
        super().__init__(**kwargs)
        kernel = nnf_ntuple(kernel_size, self.nd)
        self.weight = self.add_weight(shape=(out_channels, in_channels // groups) + kernel, initializer='zeros', name='weight')
        self.bias = self.add_weight(shape=(out_channels,), initializer='zeros', name='bias') if bias else None
        self._options = dict(stride=stride, padding=padding, dilation=dilation, groups=groups, padding_mode=padding_mode)
        self.built = True

    def call(self, x):
        return conv_nd(x, self.weight, self.bias, **self._options)


# --- Conv1d: ConvNd
class Conv1d(ConvNd):
    nd = 1


# --- Conv2d: ConvNd
class Conv2d(ConvNd):
    nd = 2


# --- Conv3d: ConvNd
class Conv3d(ConvNd):
    nd = 3


# --- ConvTransposeNd: conv_transpose_nd
class ConvTransposeNd(keras.Layer):
    """nn.ConvTranspose1d/2d/3d: weight (in_channels, out_channels / groups, *kernel), bias (out_channels,)."""
    nd = 0

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, **kwargs):
        super().__init__(**kwargs)
        kernel = nnf_ntuple(kernel_size, self.nd)
        self.weight = self.add_weight(shape=(in_channels, out_channels // groups) + kernel, initializer='zeros', name='weight')
        self.bias = self.add_weight(shape=(out_channels,), initializer='zeros', name='bias') if bias else None
        self._options = dict(stride=stride, padding=padding, output_padding=output_padding, groups=groups,
                             dilation=dilation)
        self.built = True

    def call(self, x):
        return conv_transpose_nd(x, self.weight, self.bias, **self._options)


# --- ConvTranspose1d: ConvTransposeNd
class ConvTranspose1d(ConvTransposeNd):
    nd = 1


# --- ConvTranspose2d: ConvTransposeNd
class ConvTranspose2d(ConvTransposeNd):
    nd = 2


# --- ConvTranspose3d: ConvTransposeNd
class ConvTranspose3d(ConvTransposeNd):
    nd = 3


# --- RunningNorm: nnf_batch_norm, nnf_instance_norm
class RunningNorm(keras.Layer):
    """PyTorch's affine parameters and running statistics (buffers running_mean, running_var, num_batches_tracked) for
    batch and instance norms, channels on axis 1. Training (call(..., training=True)) updates the running statistics
    as torch does: running = (1 - factor) * running + factor * batch statistic, with the unbiased variance."""

    def __init__(self, num_features, eps, momentum, affine, track_running_stats, bias, **kwargs):
        super().__init__(**kwargs)
        self.eps, self.momentum = eps, momentum
        parameter = lambda name, initializer: self.add_weight(shape=(num_features,), initializer=initializer, name=name)
        self.weight = parameter('weight', 'ones') if affine else None
        self.bias = parameter('bias', 'zeros') if affine and bias else None
        buffer = lambda name, shape, initializer, dtype='float32': self.add_weight(
            shape=shape, initializer=initializer, dtype=dtype, trainable=False, name=name) if track_running_stats else None
        self.running_mean = buffer('running_mean', (num_features,), 'zeros')
        self.running_var = buffer('running_var', (num_features,), 'ones')
        self.num_batches_tracked = buffer('num_batches_tracked', (), 'zeros', 'int64')
        self.built = True

    def _running(self, x):
        return nnf_batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, eps=self.eps)

    def _track(self, mean, unbiased_var, factor):
        """Moves the running statistics towards one training batch's."""
        self.running_mean.assign((1 - factor) * self.running_mean + factor * mean)
        self.running_var.assign((1 - factor) * self.running_var + factor * unbiased_var)


def _statistics(x, axes):
    """The mean and the unbiased variance of x over `axes`."""
    count = math.prod(x.shape[a] for a in axes)
    return keras.ops.mean(x, axis=axes), keras.ops.var(x, axis=axes) * (count / max(count - 1, 1))


# --- BatchNorm: RunningNorm
class BatchNorm(RunningNorm):
    """nn.BatchNorm1d/2d/3d on (N, C, *) data: batch statistics in training or when none are tracked."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, bias=True,
                 **kwargs):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, bias, **kwargs)

    def call(self, x, training=None):
        if not training and self.running_mean is not None:
            return self._running(x)
        if training and self.running_mean is not None:
            # momentum=None: a cumulative average over the batches seen
            self.num_batches_tracked.assign_add(1)
            count = keras.ops.cast(self.num_batches_tracked, 'float32')
            factor = self.momentum if self.momentum is not None else 1.0 / count
            self._track(*_statistics(x, (0,) + tuple(range(2, len(x.shape)))), factor)
        return nnf_batch_norm(x, None, None, self.weight, self.bias, training=True, eps=self.eps)


# --- InstanceNorm: RunningNorm
class InstanceNorm(RunningNorm):
    """nn.InstanceNorm1d/2d/3d: statistics per sample and channel over the `nd` spatial axes; also unbatched. In
    training the running statistics (when tracked) follow the average of the per-sample ones, by momentum (None: not
    at all) and without counting num_batches_tracked, as torch's F.instance_norm does."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False, bias=True, *, nd,
                 **kwargs):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, bias, **kwargs)
        self.nd = nd

    def call(self, x, training=None):
        if len(x.shape) == self.nd + 1:
            return self(x[None], training=training)[0]
        if not training and self.running_mean is not None:
            return self._running(x)
        if training and self.running_mean is not None:
            mean, var = _statistics(x, tuple(range(2, len(x.shape))))
            self._track(keras.ops.mean(mean, axis=0), keras.ops.mean(var, axis=0), self.momentum or 0.0)
        return nnf_instance_norm(x, self.weight, self.bias, self.eps)


# --- GroupNorm: nnf_group_norm
class GroupNorm(keras.Layer):
    """nn.GroupNorm on (N, C, *): weight and bias (num_channels,)."""

    def __init__(self, num_groups, num_channels, eps=1e-05, affine=True, bias=True, **kwargs):
        super().__init__(**kwargs)
        self.num_groups, self.eps = num_groups, eps
        self.weight = self.add_weight(shape=(num_channels,), initializer='ones', name='weight') if affine else None
        self.bias = self.add_weight(shape=(num_channels,), initializer='zeros', name='bias') if affine and bias else None
        self.built = True

    def call(self, x):
        return nnf_group_norm(x, self.num_groups, self.weight, self.bias, self.eps)


# --- PReLU: nnf_prelu
class PReLU(keras.Layer):
    """nn.PReLU: a learned slope for negative inputs, one shared or one per channel (axis 1)."""

    def __init__(self, num_parameters=1, init=0.25, **kwargs):
        super().__init__(**kwargs)
        self.weight = self.add_weight(shape=(num_parameters,), initializer='zeros', name='weight')
        self.weight.assign(keras.ops.full((num_parameters,), init))
        self.built = True

    def call(self, x):
        return nnf_prelu(x, self.weight)


# --- RMSNorm: nnf_rms_norm
class RMSNorm(keras.Layer):
    """nn.RMSNorm over the trailing normalized_shape axes; weight of that shape."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, **kwargs):
        super().__init__(**kwargs)
        self.normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.eps = eps
        self.weight = self.add_weight(shape=self.normalized_shape, initializer='ones', name='weight') if elementwise_affine else None
        self.built = True

    def call(self, x):
        return nnf_rms_norm(x, self.normalized_shape, self.weight, self.eps)


# --- Bilinear:
class Bilinear(keras.Layer):
    """nn.Bilinear: y = x1 W x2 + b with PyTorch's weight (out, in1, in2)."""

    def __init__(self, in1_features, in2_features, out_features, bias=True, **kwargs):
        super().__init__(**kwargs)
        self.weight = self.add_weight(shape=(out_features, in1_features, in2_features), initializer='zeros', name='weight')
        self.bias = self.add_weight(shape=(out_features,), initializer='zeros', name='bias') if bias else None
        self.built = True

    def call(self, x1, x2):
        y = keras.ops.einsum('...i,oij,...j->...o', x1, self.weight, x2)
        return y if self.bias is None else y + self.bias


# --- RReLU: leaky_relu
class RReLU(keras.Layer):
    """nn.RReLU in inference: the fixed slope (lower + upper) / 2 for negative inputs. Its random slopes in training
    (lower < upper) are not converted: such a call with training=True raises."""

    def __init__(self, lower=0.125, upper=0.3333333333333333, inplace=False, **kwargs):
        super().__init__(**kwargs)
        self._random = lower != upper
        self._slope = (lower + upper) / 2

    def call(self, x, training=None):
        if training and self._random:
            raise NotImplementedError('RReLU draws random slopes in training: not converted')
        return leaky_relu(x, self._slope)


# --- MultiheadAttention: Linear
class MultiheadAttention(keras.Layer):
    """nn.MultiheadAttention with PyTorch's parameters (in_proj_weight (3E, E), or q/k/v_proj_weight when kdim or vdim
    differ; in_proj_bias; out_proj; bias_k/bias_v), masks (bool True = may not attend, float = added) and return
    values. Attention dropout is not converted: a call with training=True and dropout > 0 raises."""

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, **kwargs):
        super().__init__(**kwargs)
        kdim, vdim = kdim or embed_dim, vdim or embed_dim
        self.num_heads, self.batch_first, self.add_zero_attn, self.dropout = num_heads, batch_first, add_zero_attn, dropout
        zeros = lambda name, *shape: self.add_weight(shape=shape, initializer='zeros', name=name)
        if kdim == vdim == embed_dim:
            self.in_proj_weight = zeros('in_proj_weight', 3 * embed_dim, embed_dim)
        else:
            self.q_proj_weight = zeros('q_proj_weight', embed_dim, embed_dim)
            self.k_proj_weight = zeros('k_proj_weight', embed_dim, kdim)
            self.v_proj_weight = zeros('v_proj_weight', embed_dim, vdim)
        self.in_proj_bias = zeros('in_proj_bias', 3 * embed_dim) if bias else None
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias)
        self.bias_k = zeros('bias_k', 1, 1, embed_dim) if add_bias_kv else None
        self.bias_v = zeros('bias_v', 1, 1, embed_dim) if add_bias_kv else None
        self.built = True

    def _projections(self):
        if hasattr(self, 'in_proj_weight'):
            return keras.ops.split(self.in_proj_weight, 3)
        return self.q_proj_weight, self.k_proj_weight, self.v_proj_weight

    def call(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
             average_attn_weights=True, is_causal=False, training=None):
        if training and self.dropout:
            raise NotImplementedError('MultiheadAttention dropout in training is not converted')
        batched = len(query.shape) == 3
        if not batched:
            query, key, value = (t[:, None] for t in (query, key, value))
            key_padding_mask = None if key_padding_mask is None else key_padding_mask[None]
        elif self.batch_first:
            query, key, value = (keras.ops.swapaxes(t, 0, 1) for t in (query, key, value))
        length, batch, embed = query.shape  # sequence first from here on
        heads, head_dim = self.num_heads, embed // self.num_heads
        bias = self.in_proj_bias if self.in_proj_bias is not None else keras.ops.zeros((3 * embed,), query.dtype)
        q, k, v = (keras.ops.matmul(t, keras.ops.transpose(w)) + b
                   for t, w, b in zip((query, key, value), self._projections(), keras.ops.split(bias, 3)))
        # PyTorch: is_causal replaces the masks by a causal one only where it takes its fused path
        causal = is_causal and key_padding_mask is None and not need_weights
        is_bool = lambda m: keras.backend.standardize_dtype(m.dtype) == 'bool'
        additive = lambda m: m if m is None or not is_bool(m) else keras.ops.where(m, -math.inf, 0.0)
        attn_mask = None if causal else additive(attn_mask)
        key_padding_mask = additive(key_padding_mask)
        extend = lambda m: None if m is None else keras.ops.pad(m, [(0, 0)] * (len(m.shape) - 1) + [(0, 1)])
        if self.bias_k is not None:
            k = keras.ops.concatenate([k, keras.ops.broadcast_to(self.bias_k, (1, batch, embed))])
            v = keras.ops.concatenate([v, keras.ops.broadcast_to(self.bias_v, (1, batch, embed))])
            attn_mask, key_padding_mask = extend(attn_mask), extend(key_padding_mask)
        split = lambda t: keras.ops.transpose(keras.ops.reshape(t, (t.shape[0], batch, heads, head_dim)), (1, 2, 0, 3))
        q, k, v = split(q), split(k), split(v)  # (N, H, S, D)
        if self.add_zero_attn:
            zeros = keras.ops.zeros((batch, heads, 1, head_dim), k.dtype)
            k, v = keras.ops.concatenate([k, zeros], axis=2), keras.ops.concatenate([v, zeros], axis=2)
            attn_mask, key_padding_mask = extend(attn_mask), extend(key_padding_mask)
        scores = keras.ops.matmul(q * math.sqrt(1.0 / head_dim), keras.ops.swapaxes(k, -1, -2))
        if causal:
            scores = keras.ops.where(keras.ops.tril(keras.ops.ones(scores.shape[-2:], 'bool')), scores, -math.inf)
        if attn_mask is not None and len(attn_mask.shape) == 3:  # (N * heads, L, S)
            attn_mask = keras.ops.reshape(attn_mask, (batch, heads) + tuple(attn_mask.shape[1:]))
        if attn_mask is not None:
            scores = scores + attn_mask
        if key_padding_mask is not None:
            scores = scores + key_padding_mask[:, None, None, :]
        weights = keras.ops.softmax(scores, axis=-1)
        attended = keras.ops.transpose(keras.ops.matmul(weights, v), (2, 0, 1, 3))
        out = self.out_proj(keras.ops.reshape(attended, (length, batch, embed)))
        if average_attn_weights:
            weights = keras.ops.mean(weights, axis=1)
        if not batched:
            out, weights = out[:, 0], weights[0]
        elif self.batch_first:
            out = keras.ops.swapaxes(out, 0, 1)
        return out, (weights if need_weights else None)


# --- transformer_parts: MultiheadAttention, LayerNorm
def _transformer_parts(module, d_model, dim_feedforward, dropout, activation, layer_norm_eps, norm_first, bias,
                       norms):
    """The feed-forward block and norms of nn.Transformer{Encoder,Decoder}Layer, under PyTorch's names."""
    module.linear1 = Linear(d_model, dim_feedforward, bias=bias)
    module.linear2 = Linear(dim_feedforward, d_model, bias=bias)
    for i in range(1, norms + 1):
        setattr(module, f'norm{i}', LayerNorm(d_model, eps=layer_norm_eps, bias=bias))
    named = {'relu': keras.ops.relu, 'gelu': lambda x: keras.ops.gelu(x, approximate=False)}
    module.activation = named[activation] if isinstance(activation, str) else activation
    module.activation_relu_or_gelu = activation in named  # one condition of PyTorch's inference fast path
    module.norm_first, module.dropout = norm_first, dropout


def _residual(module, x, blocks, training):
    """x + block(norm(x)) with norm_first, norm(x + block(x)) otherwise; blocks pair each norm with its block."""
    if training and module.dropout:
        raise NotImplementedError('transformer dropout in training is not converted')
    for norm, block in blocks:
        x = x + block(norm(x)) if module.norm_first else norm(x + block(x))
    return x


def _feed_forward(module, x):
    return module.linear2(module.activation(module.linear1(x)))


# --- TransformerEncoderLayer: transformer_parts
class TransformerEncoderLayer(keras.Layer):
    """nn.TransformerEncoderLayer: self-attention then feed-forward, post-norm or pre-norm (norm_first), with
    PyTorch's submodule names (self_attn, linear1, linear2, norm1, norm2) and mask conventions."""

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation='relu', layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, **kwargs):
        super().__init__(**kwargs)
        self._arguments = dict(d_model=d_model, nhead=nhead, dim_feedforward=dim_feedforward, dropout=dropout,
                               activation=activation, layer_norm_eps=layer_norm_eps, batch_first=batch_first,
                               norm_first=norm_first, bias=bias)
        self.self_attn = MultiheadAttention(d_model, nhead, bias=bias, batch_first=batch_first)
        _transformer_parts(self, d_model, dim_feedforward, dropout, activation, layer_norm_eps, norm_first, bias, 2)

    def call(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False, training=None):
        attend = lambda x: self.self_attn(x, x, x, key_padding_mask=src_key_padding_mask, need_weights=False,
                                           attn_mask=src_mask, is_causal=is_causal)[0]
        return _residual(self, src, [(self.norm1, attend), (self.norm2, lambda x: _feed_forward(self, x))], training)


# --- TransformerDecoderLayer: transformer_parts
class TransformerDecoderLayer(keras.Layer):
    """nn.TransformerDecoderLayer: self-attention, attention over memory, then feed-forward, with PyTorch's submodule
    names (self_attn, multihead_attn, linear1, linear2, norm1..3) and mask conventions."""

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation='relu', layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, **kwargs):
        super().__init__(**kwargs)
        self._arguments = dict(d_model=d_model, nhead=nhead, dim_feedforward=dim_feedforward, dropout=dropout,
                               activation=activation, layer_norm_eps=layer_norm_eps, batch_first=batch_first,
                               norm_first=norm_first, bias=bias)
        self.self_attn = MultiheadAttention(d_model, nhead, bias=bias, batch_first=batch_first)
        self.multihead_attn = MultiheadAttention(d_model, nhead, bias=bias, batch_first=batch_first)
        _transformer_parts(self, d_model, dim_feedforward, dropout, activation, layer_norm_eps, norm_first, bias, 3)

    def call(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
             memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False, training=None):
        attend = lambda x: self.self_attn(x, x, x, key_padding_mask=tgt_key_padding_mask, need_weights=False,
                                           attn_mask=tgt_mask, is_causal=tgt_is_causal)[0]
        recall = lambda x: self.multihead_attn(x, memory, memory, key_padding_mask=memory_key_padding_mask, need_weights=False,
                                               attn_mask=memory_mask, is_causal=memory_is_causal)[0]
        feed = lambda x: _feed_forward(self, x)
        return _residual(self, tgt, [(self.norm1, attend), (self.norm2, recall), (self.norm3, feed)], training)


# --- layer_copies:
def _layer_copies(layer, count):
    """`count` fresh layers built as `layer` was (torch deep-copies it; the weights come from the state_dict)."""
    if not hasattr(layer, '_arguments'):
        raise NotImplementedError(f'{type(layer).__name__} layers are not copied: pass an nn.Transformer*Layer')
    return [type(layer)(**layer._arguments) for _ in range(count)]


# --- TransformerEncoder: TransformerEncoderLayer, layer_copies
class TransformerEncoder(keras.Layer):
    """nn.TransformerEncoder: num_layers copies of encoder_layer (layers.0, layers.1, ...) and an optional final norm.
    Where PyTorch's inference fast path runs the layers on nested tensors (batch_first, a left-aligned
    src_key_padding_mask and no mask), the outputs at padded positions are zeros, as there."""

    def __init__(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True, **kwargs):
        super().__init__(**kwargs)
        self.layers = _layer_copies(encoder_layer, num_layers)
        self.norm = norm
        attention = encoder_layer.self_attn
        self._nested = (enable_nested_tensor and not encoder_layer.norm_first and attention.batch_first
                        and attention.in_proj_bias is not None and hasattr(attention, 'in_proj_weight')
                        and encoder_layer.activation_relu_or_gelu and attention.num_heads % 2 == 0)
        self._mask_check = mask_check

    def call(self, src, mask=None, src_key_padding_mask=None, is_causal=None, training=None):
        output = src
        for layer in self.layers:
            output = layer(output, src_mask=mask, src_key_padding_mask=src_key_padding_mask, is_causal=bool(is_causal),
                           training=training)
        if self._nested and not training and len(src.shape) == 3 and mask is None and src_key_padding_mask is not None:
            padded = src_key_padding_mask
            if keras.backend.standardize_dtype(padded.dtype) != 'bool':
                padded = padded != 0
            left_aligned = keras.ops.all(padded[:, 1:] | ~padded[:, :-1]) if self._mask_check else True
            output = keras.ops.where(left_aligned & padded[..., None], 0.0, output)
        return output if self.norm is None else self.norm(output)


# --- TransformerDecoder: TransformerDecoderLayer, layer_copies
class TransformerDecoder(keras.Layer):
    """nn.TransformerDecoder: num_layers copies of decoder_layer (layers.0, ...) and an optional final norm."""

    def __init__(self, decoder_layer, num_layers, norm=None, **kwargs):
        super().__init__(**kwargs)
        self.layers = _layer_copies(decoder_layer, num_layers)
        self.norm = norm

    def call(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
             memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False, training=None):
        output = tgt
        for layer in self.layers:
            output = layer(output, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                           tgt_key_padding_mask=tgt_key_padding_mask, memory_key_padding_mask=memory_key_padding_mask,
                           tgt_is_causal=bool(tgt_is_causal), memory_is_causal=memory_is_causal, training=training)
        return output if self.norm is None else self.norm(output)


# --- Transformer: TransformerEncoder, TransformerDecoder
class Transformer(keras.Layer):
    """nn.Transformer: an encoder and a decoder stack, each with a final LayerNorm, under PyTorch's names."""

    def __init__(self, d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048,
                 dropout=0.1, activation='relu', custom_encoder=None, custom_decoder=None, layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, **kwargs):
        super().__init__(**kwargs)
        options = dict(dim_feedforward=dim_feedforward, dropout=dropout, activation=activation, bias=bias,
                       layer_norm_eps=layer_norm_eps, batch_first=batch_first, norm_first=norm_first)
        norm = lambda: LayerNorm(d_model, eps=layer_norm_eps, bias=bias)
        self.encoder = custom_encoder or TransformerEncoder(TransformerEncoderLayer(d_model, nhead, **options),
                                                            num_encoder_layers, norm())
        self.decoder = custom_decoder or TransformerDecoder(TransformerDecoderLayer(d_model, nhead, **options),
                                                            num_decoder_layers, norm())
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first

    def call(self, src, tgt, src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None,
             tgt_key_padding_mask=None, memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None,
             memory_is_causal=False, training=None):
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal,
                              training=training)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask, memory_key_padding_mask=memory_key_padding_mask,
                            tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal, training=training)


# --- recurrent_step:
def _recurrent_params(module, suffix, mode, input_size, hidden_size, bias, proj_size):
    """PyTorch's parameters of one cell, named weight_ih{suffix} etc."""
    gates = {'LSTM': 4, 'GRU': 3}.get(mode, 1) * hidden_size
    weight = lambda name, *shape: setattr(module, name + suffix, module.add_weight(shape=shape, initializer='zeros',
                                                                                 name=name + suffix))
    weight('weight_ih', gates, input_size)
    weight('weight_hh', gates, proj_size or hidden_size)
    if bias:
        weight('bias_ih', gates)
        weight('bias_hh', gates)
    else:
        setattr(module, 'bias_ih' + suffix, None)
        setattr(module, 'bias_hh' + suffix, None)
    if proj_size:
        weight('weight_hr', proj_size, hidden_size)


def _recurrent_step(module, suffix, mode, nonlinearity='tanh'):
    """One time step with PyTorch's gate order (LSTM i, f, g, o; GRU r, z, n); carry is (h,) or, for LSTM, (h, c)."""
    p = lambda name: getattr(module, name + suffix, None)
    w_ih, w_hh, w_hr = p('weight_ih'), p('weight_hh'), p('weight_hr')
    b_ih = p('bias_ih') if p('bias_ih') is not None else 0
    b_hh = p('bias_hh') if p('bias_hh') is not None else 0
    linear = lambda x, w: keras.ops.matmul(x, keras.ops.transpose(w))

    def step(carry, x):
        gi, gh = linear(x, w_ih) + b_ih, linear(carry[0], w_hh) + b_hh
        if mode == 'LSTM':
            i, f, g, o = keras.ops.split(gi + gh, 4, axis=-1)
            c = keras.ops.sigmoid(f) * carry[1] + keras.ops.sigmoid(i) * keras.ops.tanh(g)
            h = keras.ops.sigmoid(o) * keras.ops.tanh(c)
            h = h if w_hr is None else linear(h, w_hr)
            return (h, c), h
        if mode == 'GRU':
            (ir, iz, i_n), (hr, hz, hn) = keras.ops.split(gi, 3, axis=-1), keras.ops.split(gh, 3, axis=-1)
            r, z = keras.ops.sigmoid(ir + hr), keras.ops.sigmoid(iz + hz)
            h = (1 - z) * keras.ops.tanh(i_n + r * hn) + z * carry[0]
            return (h,), h
        h = (keras.ops.tanh if nonlinearity == 'tanh' else keras.ops.relu)(gi + gh)
        return (h,), h

    return step


# --- Recurrent: recurrent_step
class Recurrent(keras.Layer):
    """nn.LSTM / nn.GRU / nn.RNN with PyTorch's parameter names (weight_ih_l0, ..._reverse, weight_hr_l0 for
    proj_size), layouts, (h0, c0) and return values. Dropout between layers is not converted: a call with
    training=True and dropout > 0 raises."""
    mode = None

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, nonlinearity='tanh', **kwargs):
        super().__init__(**kwargs)
        self.nonlinearity, self.num_layers = nonlinearity, num_layers
        # the torch attributes user code reads (self.lstm.bidirectional, .hidden_size, .dropout, ...)
        self.input_size, self.hidden_size, self.proj_size, self.bias = input_size, hidden_size, proj_size, bias
        self.batch_first, self.bidirectional, self.dropout = batch_first, bidirectional, dropout
        self.directions = 2 if bidirectional else 1
        for layer in range(num_layers):
            width = input_size if layer == 0 else (proj_size or hidden_size) * self.directions
            for d in range(self.directions):
                _recurrent_params(self, self._suffix(layer, d), self.mode, width, hidden_size, bias, proj_size)
        self.built = True

    @staticmethod
    def _suffix(layer, direction):
        return f'_l{layer}' + ('_reverse' if direction else '')

    def call(self, x, hx=None, training=None):
        if training and self.dropout and self.num_layers > 1:
            raise NotImplementedError(f'{self.mode} dropout between layers in training is not converted')
        batched = len(x.shape) == 3
        if not batched:
            x = x[:, None]
            hx = None if hx is None else (tuple(t[:, None] for t in hx) if self.mode == 'LSTM' else hx[:, None])
        elif self.batch_first:
            x = keras.ops.swapaxes(x, 0, 1)  # (time, batch, features) from here on
        count, batch = self.num_layers * self.directions, x.shape[1]
        if hx is None:
            h0 = keras.ops.zeros((count, batch, self.proj_size or self.hidden_size), x.dtype)
            c0 = keras.ops.zeros((count, batch, self.hidden_size), x.dtype)
        else:
            h0, c0 = hx if self.mode == 'LSTM' else (hx, None)
        finals = []
        for layer in range(self.num_layers):
            outs = []
            for d in range(self.directions):
                index = layer * self.directions + d
                carry = (h0[index], c0[index]) if self.mode == 'LSTM' else (h0[index],)
                step = _recurrent_step(self, self._suffix(layer, d), self.mode, self.nonlinearity)
                steps = keras.ops.unstack(x, axis=0)
                out = []
                for x_t in (steps[::-1] if d else steps):
                    carry, h = step(carry, x_t)
                    out.append(h)
                outs.append(keras.ops.stack(out[::-1] if d else out))
                finals.append(carry)
            x = keras.ops.concatenate(outs, axis=-1)
        final = [keras.ops.stack(states) for states in zip(*finals)]  # h_n and, for LSTM, c_n
        if not batched:
            x, final = x[:, 0], [t[:, 0] for t in final]
        elif self.batch_first:
            x = keras.ops.swapaxes(x, 0, 1)
        return x, (tuple(final) if self.mode == 'LSTM' else final[0])


# --- LSTM: Recurrent
class LSTM(Recurrent):
    mode = 'LSTM'


# --- GRU: Recurrent
class GRU(Recurrent):
    mode = 'GRU'


# --- RNN: Recurrent
class RNN(Recurrent):
    mode = 'RNN'


# --- RecurrentCell: recurrent_step
class RecurrentCell(keras.Layer):
    """nn.LSTMCell / nn.GRUCell / nn.RNNCell: one step with PyTorch's parameter names; (features,) unbatched input."""
    mode = None

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity='tanh', **kwargs):
        super().__init__(**kwargs)
        self.nonlinearity, self.hidden_size = nonlinearity, hidden_size
        _recurrent_params(self, '', self.mode, input_size, hidden_size, bias, 0)
        self.built = True

    def call(self, x, hx=None):
        batched = len(x.shape) == 2
        if not batched:
            x = x[None]
            hx = None if hx is None else (tuple(t[None] for t in hx) if self.mode == 'LSTM' else hx[None])
        zeros = keras.ops.zeros((x.shape[0], self.hidden_size), x.dtype)
        if hx is None:
            hx = (zeros, zeros) if self.mode == 'LSTM' else zeros
        carry, _ = _recurrent_step(self, '', self.mode, self.nonlinearity)(tuple(hx) if self.mode == 'LSTM' else (hx,), x)
        carry = carry if batched else tuple(t[0] for t in carry)
        return carry if self.mode == 'LSTM' else carry[0]


# --- LSTMCell: RecurrentCell
class LSTMCell(RecurrentCell):
    mode = 'LSTM'


# --- GRUCell: RecurrentCell
class GRUCell(RecurrentCell):
    mode = 'GRU'


# --- RNNCell: RecurrentCell
class RNNCell(RecurrentCell):
    mode = 'RNN'


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


# --- NamedSequential: ModuleDict
class NamedSequential(ModuleDict):
    """nn.Sequential built from an OrderedDict: children named by their keys, applied in order, also read by
    position (self.features[0])."""

    def __getitem__(self, key):
        return self.values()[key] if isinstance(key, int) else super().__getitem__(key)

    def call(self, x):
        for layer in self.values():
            x = layer(x)
        return x


# --- einops:
import einops


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
