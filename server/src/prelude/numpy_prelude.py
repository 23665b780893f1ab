# Helpers copied into NumPy conversions, each section only where the converted code uses it. Modules are plain
# classes holding NumPy arrays under PyTorch's parameter names and layouts (float32, zero-filled until loaded).
# Sections: "# --- name: dependencies".

# --- einops:
import einops


# --- copy:
import copy


# --- elementwise_math:
def elementwise_math(fn):
    """A function of the math module (which NumPy lacks) per element in float64, cast back to the input's float dtype
    (float32 for integers, as torch promotes them)."""
    vectorized = np.vectorize(fn, otypes=[np.float64])

    def apply(x):
        x = np.asarray(x)
        return vectorized(x.astype(np.float64)).astype(x.dtype if x.dtype.kind == 'f' else np.float32)
    return apply


# --- erf: elementwise_math
erf = elementwise_math(math.erf)


# --- erfc: elementwise_math
erfc = elementwise_math(math.erfc)


# --- gammaln: elementwise_math
def _lgamma(value):
    """math.lgamma, with torch's inf at the poles (0, -1, -2, ...) where math raises."""
    try:
        return math.lgamma(value)
    except ValueError:
        return math.inf


gammaln = elementwise_math(_lgamma)


# --- ndtr: erfc
def ndtr(x):
    """The standard normal CDF."""
    return 0.5 * erfc(-x / math.sqrt(2))


# --- logit:
def logit(x):
    return np.log(x / (1 - x))


# --- xlogy:
def xlogy(x, y):
    """x * log(y), 0 where x is 0 (unless y is NaN), as torch.xlogy."""
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.where((x == 0) & ~np.isnan(y), 0, x * np.log(y))


# --- xlog1py:
def xlog1py(x, y):
    """x * log1p(y), 0 where x is 0 (unless y is NaN)."""
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.where((x == 0) & ~np.isnan(y), 0, x * np.log1p(y))


# --- entr:
def entr(x):
    """-x log x for x > 0, 0 at 0, -inf below."""
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.where(x > 0, -x * np.log(x), np.where(x == 0, 0, -np.inf)).astype(x.dtype)


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


# --- relu6:
def relu6(x):
    return np.clip(x, 0, 6)


# --- leaky_relu:
def leaky_relu(x, negative_slope=0.01):
    return np.where(x >= 0, x, negative_slope * x)


# --- elu:
def elu(x, alpha=1.0):
    """torch.nn.functional.elu; expm1 of the negative part only, so large inputs do not overflow."""
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


# --- celu: elu
def celu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0) / alpha))


# --- selu: elu
def selu(x):
    return 1.0507009873554804934193349852946 * elu(x, 1.6732632423543772848170429916717)


# --- softplus:
def softplus(x):
    """log(1 + exp(x)) without overflow."""
    return np.logaddexp(x, 0)


# --- log_sigmoid: softplus
def log_sigmoid(x):
    return -softplus(-x)


# --- mish: softplus
def mish(x):
    return x * np.tanh(softplus(x))


# --- hard_sigmoid: relu6
def hard_sigmoid(x):
    return relu6(x + 3) / 6


# --- hard_swish: hard_sigmoid
def hard_swish(x):
    return x * hard_sigmoid(x)


# --- soft_sign:
def soft_sign(x):
    return x / (np.abs(x) + 1)


# --- glu: sigmoid
def glu(x, axis=-1):
    """F.glu: the first half gated by the sigmoid of the second half along `axis`."""
    a, b = np.split(x, 2, axis=axis)
    return a * sigmoid(b)


# --- logsumexp:
def logsumexp(x, axis=None, keepdims=False):
    """torch.logsumexp: shifted by the maximum; a slice that is all -inf gives -inf, as in torch."""
    peak = np.max(x, axis=axis, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, 0)
    total = np.log(np.sum(np.exp(x - peak), axis=axis, keepdims=True)) + peak
    return total if keepdims else np.squeeze(total, axis=axis)


# --- collapse:
def collapse(x, start_dimension, stop_dimension=None):
    """lax.collapse: the axes [start, stop) merged into one (negative axes count from the end)."""
    start = start_dimension % x.ndim
    stop = x.ndim if stop_dimension is None else stop_dimension % x.ndim or x.ndim
    return x.reshape(x.shape[:start] + (math.prod(x.shape[start:stop]),) + x.shape[stop:])


# --- argsort:
def argsort(a, axis=-1, descending=False):
    """jnp.argsort: stable in both directions (equal elements keep their order, descending too)."""
    if not descending:
        return np.argsort(a, axis=axis, kind='stable')
    flipped = np.argsort(np.flip(a, axis), axis=axis, kind='stable')
    return a.shape[axis] - 1 - np.flip(flipped, axis)


# --- sort: argsort
def sort(a, axis=-1, descending=False):
    """jnp.sort: the values in argsort's order."""
    return np.take_along_axis(a, argsort(a, axis, descending), axis=axis)


# --- top_k: argsort
def top_k(operand, k, axis=-1):
    """lax.top_k: the k largest along `axis`, sorted descending, with their indices."""
    indices = np.take(argsort(operand, axis, descending=True), range(k), axis=axis)
    return np.take_along_axis(operand, indices, axis=axis), indices


# --- tensor:
def tensor(data):
    """torch.tensor without a dtype: Python floats become float32 (NumPy: float64), arrays keep their dtype."""
    array = np.array(data)
    if isinstance(data, np.ndarray) or array.dtype.kind not in 'fc':
        return array
    return array.astype(np.float32 if array.dtype.kind == 'f' else np.complex64)


# --- nnf_one_hot:
def nnf_one_hot(tensor, num_classes):
    """F.one_hot: int64, as in torch; a class out of range raises, as in torch."""
    tensor = np.asarray(tensor)
    if tensor.size and (tensor.min() < 0 or tensor.max() >= num_classes):
        raise RuntimeError('Class values must be smaller than num_classes.')
    return (tensor[..., None] == np.arange(num_classes)).astype(np.int64)


# --- dynamic_slice_in_dim:
def dynamic_slice_in_dim(operand, start_index, slice_size, axis=0):
    """torch.narrow through lax's name: `slice_size` items from `start_index` (negative counts from the end) along
    `axis`, as a view, like torch's."""
    axis = axis % operand.ndim
    start = start_index + operand.shape[axis] if start_index < 0 else start_index
    return operand[(slice(None),) * axis + (slice(start, start + slice_size),)]


# --- nnf_ntuple:
def nnf_ntuple(value, n):
    """A torch int-or-tuple argument (stride, dilation, ...) as an n-tuple."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


# --- windows: nnf_ntuple
def _windows(x, nd, kernel, stride, dilation, pads, fill):
    """The pooling or convolution windows over the last `nd` axes of x, padded by `pads` ((before, after) per axis,
    negative amounts crop): an array (..., *output, *kernel), a strided view where no padding is needed."""
    lead = x.ndim - nd
    if any(p != (0, 0) for p in pads):
        cropped = tuple(slice(max(-lo, 0), x.shape[lead + i] - max(-hi, 0)) for i, (lo, hi) in enumerate(pads))
        x = np.pad(x[(...,) + cropped], [(0, 0)] * lead + [(max(lo, 0), max(hi, 0)) for lo, hi in pads],
                   constant_values=fill)
    spans = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    view = np.lib.stride_tricks.sliding_window_view(x, spans, axis=tuple(range(lead, x.ndim)))
    picked = tuple(slice(None, None, s) for s in stride) + tuple(slice(None, None, d) for d in dilation)
    return view[(...,) + picked]


# --- conv_nd: windows
def _conv_same_pads(kernel, dilation):
    """torch's padding='same' (stride 1): the total d * (k - 1), the extra element on the right."""
    return [(d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for k, d in zip(kernel, dilation)]


def conv_nd(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1, padding_mode='zeros'):
    """F.conv1d/2d/3d: weight (out, in/groups, *kernel) on channels-first data, batched or not; the windows are a
    strided view contracted with the weight by einsum."""
    nd = weight.ndim - 2
    if x.ndim == nd + 1:
        return conv_nd(x[None], weight, bias, stride, padding, dilation, groups, padding_mode)[0]
    kernel, dilation = weight.shape[2:], nnf_ntuple(dilation, nd)
    if padding == 'same':
        pads = _conv_same_pads(kernel, dilation)
    else:
        pads = [(p, p) for p in nnf_ntuple(0 if padding == 'valid' else padding, nd)]
    if padding_mode != 'zeros':
        mode = {'reflect': 'reflect', 'replicate': 'edge', 'circular': 'wrap'}[padding_mode]
        x, pads = np.pad(x, [(0, 0), (0, 0)] + pads, mode=mode), [(0, 0)] * nd
    return _grouped_conv(_windows(x, nd, kernel, nnf_ntuple(stride, nd), dilation, pads, 0), weight, bias, groups)


def _grouped_conv(windows, weight, bias, groups):
    """Windows (N, C, *out, *kernel) contracted with weight (O, C/groups, *kernel) group by group, plus the bias."""
    nd = weight.ndim - 2
    n, c = windows.shape[:2]
    windows = windows.reshape((n, groups, c // groups) + windows.shape[2:])
    grouped = weight.reshape((groups, weight.shape[0] // groups) + weight.shape[1:])
    out, ks = 'uvwxyz'[:nd], 'ijklmn'[:nd]
    y = np.einsum(f'ngc{out}{ks},goc{ks}->ngo{out}', windows, grouped, optimize=True)
    y = y.reshape((n, weight.shape[0]) + y.shape[3:])
    return y if bias is None else y + bias.reshape((-1,) + (1,) * nd)


# --- conv_transpose_nd: conv_nd
def conv_transpose_nd(x, weight, bias, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """F.conv_transpose1d/2d/3d: weight (in, out/groups, *kernel); a convolution of the stride-dilated input with
    the flipped kernel, in and out swapped per group."""
    nd = weight.ndim - 2
    if x.ndim == nd + 1:
        return conv_transpose_nd(x[None], weight, bias, stride, padding, output_padding, groups, dilation)[0]
    stride, padding, dilation = nnf_ntuple(stride, nd), nnf_ntuple(padding, nd), nnf_ntuple(dilation, nd)
    output_padding = nnf_ntuple(output_padding, nd)
    cin, cout_g, kernel = weight.shape[0], weight.shape[1], weight.shape[2:]
    w = weight.reshape((groups, cin // groups, cout_g) + kernel).swapaxes(1, 2)
    w = np.flip(w.reshape((groups * cout_g, cin // groups) + kernel), axis=tuple(range(2, 2 + nd)))
    dilated = np.zeros(x.shape[:2] + tuple((n - 1) * s + 1 for n, s in zip(x.shape[2:], stride)), x.dtype)
    dilated[(...,) + tuple(slice(None, None, s) for s in stride)] = x
    pads = [(d * (k - 1) - p, d * (k - 1) - p + o) for k, d, p, o in zip(kernel, dilation, padding, output_padding)]
    windows = _windows(dilated, nd, kernel, (1,) * nd, dilation, pads, 0)
    return _grouped_conv(windows, w, bias, groups)


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
    spatial = x.shape[x.ndim - nd:]
    pads = [_pool_pads(spatial[i], kernel[i], stride[i], padding[i], dilation[i], ceil_mode) for i in range(nd)]
    axes = tuple(range(-nd, 0))
    if kind == 'max':
        return _windows(x, nd, kernel, stride, dilation, pads, -np.inf).max(axis=axes)
    total = _windows(x, nd, kernel, stride, dilation, pads, 0).sum(axis=axes)
    if divisor_override:
        return total / divisor_override
    # torch counts the explicit padding (when count_include_pad) but never the extra ceil_mode padding
    ones = np.ones(spatial, x.dtype)
    if count_include_pad:
        ones = np.pad(ones, [(p, p) for p in padding], constant_values=1)
        pads = [(lo - p, hi - p) for (lo, hi), p in zip(pads, padding)]
    return total / _windows(ones, nd, kernel, stride, dilation, pads, 0).sum(axis=axes)


# --- lp_pool_nd: pool_nd, relu
def lp_pool_nd(x, nd, norm_type, kernel_size, stride=None, ceil_mode=False):
    """nn.LPPool{1,2,3}d as PyTorch computes it: (avg_pool(x ** p) * kernel volume) ** (1 / p)."""
    kernel = nnf_ntuple(kernel_size, nd)
    out = pool_nd(x ** norm_type, nd, 'avg', kernel, stride, ceil_mode=ceil_mode)
    return (np.sign(out) * relu(np.abs(out)) * math.prod(kernel)) ** (1.0 / norm_type)


# --- adaptive_pool_nd:
def adaptive_pool_nd(x, nd, kind, output_size):
    """adaptive avg/max pooling over the last `nd` axes with PyTorch's bins: [floor(i*n/o), ceil((i+1)*n/o))."""
    sizes = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,) * nd
    reduce = np.mean if kind == 'avg' else np.max
    for i, out in enumerate(sizes):
        axis = x.ndim - nd + i
        n = x.shape[axis]
        out = n if out is None else out
        bins = [np.take(x, range((j * n) // out, -(-((j + 1) * n) // out)), axis=axis) for j in range(out)]
        x = np.concatenate([reduce(b, axis=axis, keepdims=True) for b in bins], axis=axis)
    return x


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
        return np.take(x, index, axis=axis)
    if align_corners:
        step = np.float32((size - 1) / (out - 1) if out > 1 else 0.0)
        source = np.arange(out, dtype=np.float32) * step
    else:
        step = np.float32(1.0 / scale if scale else size / out)
        source = np.maximum(step * (np.arange(out, dtype=np.float32) + np.float32(0.5)) - np.float32(0.5), np.float32(0))
    low = source.astype(np.int64)
    high = low + (low < size - 1)
    shape = [1] * x.ndim
    shape[axis] = out
    frac = np.clip(source - low, 0, 1).astype(np.float32).reshape(shape)
    return np.take(x, low, axis=axis) * (1 - frac) + np.take(x, high, axis=axis) * frac


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


# --- nnf_channel_affine:
def nnf_channel_affine(y, weight, bias):
    """Per-channel (dim 1) scale and shift, as torch's batch/group/instance norms apply them."""
    shape = (-1,) + (1,) * (y.ndim - 2)
    if weight is not None:
        y = y * weight.reshape(shape)
    return y if bias is None else y + bias.reshape(shape)


# --- nnf_normalize:
def nnf_normalize(x, axes, eps):
    """(x - mean) / sqrt(biased variance + eps) over `axes`, each slice on its own."""
    mean = np.mean(x, axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(np.var(x, axis=axes, keepdims=True) + eps)


# --- nnf_group_norm: nnf_channel_affine, nnf_normalize
def nnf_group_norm(x, num_groups, weight=None, bias=None, eps=1e-5):
    """F.group_norm on (N, C, *): statistics per sample over each group of C // num_groups channels."""
    y = nnf_normalize(x.reshape(x.shape[0], num_groups, -1), -1, eps).reshape(x.shape)
    return nnf_channel_affine(y, weight, bias)


# --- nnf_batch_norm: nnf_channel_affine, nnf_normalize
def nnf_batch_norm(x, running_mean, running_var, weight=None, bias=None, training=False, eps=1e-5):
    """F.batch_norm on (N, C, *): running statistics in eval, biased batch statistics in training."""
    if training:
        return nnf_channel_affine(nnf_normalize(x, (0,) + tuple(range(2, x.ndim)), eps), weight, bias)
    shape = (-1,) + (1,) * (x.ndim - 2)
    y = (x - running_mean.reshape(shape)) / np.sqrt(running_var.reshape(shape) + eps)
    return nnf_channel_affine(y, weight, bias)


# --- nnf_instance_norm: nnf_channel_affine, nnf_normalize
def nnf_instance_norm(x, weight=None, bias=None, eps=1e-5):
    """F.instance_norm with input statistics: each (sample, channel) over its spatial axes."""
    return nnf_channel_affine(nnf_normalize(x, tuple(range(2, x.ndim)), eps), weight, bias)


# --- nnf_reduce:
def nnf_reduce(loss, reduction):
    """A torch loss reduction: 'mean', 'sum' or 'none'."""
    if reduction == 'none':
        return loss
    return np.sum(loss) if reduction == 'sum' else np.mean(loss)


# --- nnf_binary_cross_entropy: nnf_reduce
def nnf_binary_cross_entropy(input, target, weight=None, reduction='mean'):
    """F.binary_cross_entropy on probabilities; like torch, each log is clamped at -100."""
    with np.errstate(divide='ignore'):
        loss = -(target * np.maximum(np.log(input), -100) + (1 - target) * np.maximum(np.log1p(-input), -100))
    return nnf_reduce(loss if weight is None else loss * weight, reduction)


# --- nnf_binary_cross_entropy_with_logits: nnf_reduce, log_sigmoid
def nnf_binary_cross_entropy_with_logits(input, target, weight=None, reduction='mean', pos_weight=None):
    """F.binary_cross_entropy_with_logits; pos_weight scales the positive term (broadcast over the last axis)."""
    positive = target * log_sigmoid(input)
    if pos_weight is not None:
        positive = pos_weight * positive
    loss = -(positive + (1 - target) * log_sigmoid(-input))
    return nnf_reduce(loss if weight is None else loss * weight, reduction)


# --- nnf_nll_loss:
def nnf_nll_loss(input, target, weight=None, ignore_index=-100, reduction='mean'):
    """F.nll_loss: classes on dim 1 (dim 0 unbatched); 'mean' divides by the summed weights of the kept targets."""
    class_axis = 1 if input.ndim > 1 else 0
    keep = target != ignore_index
    safe = np.where(keep, target, 0)
    picked = np.squeeze(np.take_along_axis(input, np.expand_dims(safe, class_axis), axis=class_axis), class_axis)
    w = np.where(keep, 1 if weight is None else weight[safe], 0).astype(input.dtype)
    loss = -w * picked
    if reduction == 'none':
        return loss
    return np.sum(loss) if reduction == 'sum' else np.sum(loss) / np.sum(w)


# --- nnf_cross_entropy: nnf_nll_loss, nnf_reduce, log_softmax
def nnf_cross_entropy(input, target, weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0):
    """F.cross_entropy on logits (classes on dim 1), with class-index or class-probability targets."""
    class_axis = 1 if input.ndim > 1 else 0
    n_classes = input.shape[class_axis]
    logp = log_softmax(input, axis=class_axis)
    w_shape = [1] * input.ndim
    w_shape[class_axis] = n_classes
    w = 1 if weight is None else weight.reshape(w_shape)
    if np.issubdtype(target.dtype, np.floating):  # class probabilities
        if label_smoothing > 0:
            target = target * (1 - label_smoothing) + label_smoothing / n_classes
        loss = -np.sum(logp * target * w, axis=class_axis)
        if reduction == 'mean':
            return np.sum(loss) / np.float32(input.size / n_classes)
        return nnf_reduce(loss, reduction)
    nll = nnf_nll_loss(logp, target, weight, ignore_index, reduction)
    if label_smoothing == 0:
        return nll
    keep = target != ignore_index
    smooth = np.where(keep, -np.sum(logp * w, axis=class_axis), 0).astype(input.dtype)
    if reduction == 'mean':
        kept_weight = np.sum(keep) if weight is None else np.sum(np.where(keep, weight[np.where(keep, target, 0)], 0))
        smooth = np.sum(smooth) / np.float32(kept_weight)
    else:
        smooth = nnf_reduce(smooth, reduction)
    return (1 - label_smoothing) * nll + smooth * (label_smoothing / n_classes)


# --- nnf_prelu:
def nnf_prelu(x, weight):
    """F.prelu: one slope, or one per channel along dim 1."""
    if weight.size > 1 and x.ndim > 1:
        weight = weight.reshape((-1,) + (1,) * (x.ndim - 2))
    return np.where(x >= 0, x, weight * x)


# --- nnf_rms_norm:
def nnf_rms_norm(x, normalized_shape, weight=None, eps=None):
    """F.rms_norm: eps=None means the machine epsilon of the input's dtype."""
    count = 1 if isinstance(normalized_shape, int) else len(normalized_shape)
    axes = tuple(range(x.ndim - count, x.ndim))
    eps = np.finfo(x.dtype).eps if eps is None else eps
    y = x / np.sqrt(np.mean(np.square(x), axis=axes, keepdims=True) + eps)
    return y if weight is None else y * weight


# --- nnf_local_response_norm:
def nnf_local_response_norm(x, size, alpha=1e-4, beta=0.75, k=1.0):
    """F.local_response_norm: x / (k + alpha * mean of x² over `size` neighbouring channels) ** beta."""
    pads = [(0, 0), (size // 2, (size - 1) // 2)] + [(0, 0)] * (x.ndim - 2)
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(np.square(x), pads), size, axis=1)
    return x / (k + alpha * windows.sum(axis=-1) / size) ** beta


# --- nnf_cosine_similarity:
def nnf_cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """F.cosine_similarity as torch computes it: each input divided by max(its norm, eps), then summed."""
    x1, x2 = np.broadcast_arrays(x1, x2)
    n1 = np.maximum(np.linalg.norm(x1, axis=dim, keepdims=True), eps)
    n2 = np.maximum(np.linalg.norm(x2, axis=dim, keepdims=True), eps)
    return np.sum((x1 / n1) * (x2 / n2), axis=dim)


# --- nnf_unfold: windows
def nnf_unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """F.unfold (im2col) on (N, C, H, W): (N, C * kh * kw, L) with the channel-major order torch uses."""
    kernel = nnf_ntuple(kernel_size, 2)
    pads = [(p, p) for p in nnf_ntuple(padding, 2)]
    windows = _windows(x, 2, kernel, nnf_ntuple(stride, 2), nnf_ntuple(dilation, 2), pads, 0)  # (N, C, oh, ow, kh, kw)
    n, c, oh, ow = windows.shape[:4]
    return windows.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * kernel[0] * kernel[1], oh * ow)


# --- nnf_pixel_shuffle:
def nnf_pixel_shuffle(x, upscale_factor):
    """F.pixel_shuffle: (*, C*r*r, H, W) -> (*, C, H*r, W*r)."""
    r = upscale_factor
    *lead, c, h, w = x.shape
    y = np.moveaxis(x.reshape(*lead, c // (r * r), r, r, h, w), (-4, -3), (-3, -1))
    return y.reshape(*lead, c // (r * r), h * r, w * r)


# --- nnf_pixel_unshuffle:
def nnf_pixel_unshuffle(x, downscale_factor):
    """F.pixel_unshuffle: (*, C, H*r, W*r) -> (*, C*r*r, H, W)."""
    r = downscale_factor
    *lead, c, h, w = x.shape
    y = np.moveaxis(x.reshape(*lead, c, h // r, r, w // r, r), (-3, -1), (-4, -3))
    return y.reshape(*lead, c * r * r, h // r, w // r)


# --- nnf_kl_div: nnf_reduce
def nnf_kl_div(input, target, reduction='mean', log_target=False):
    """F.kl_div: input holds log-probabilities; 'batchmean' divides the sum by the batch size, 'mean' by every element."""
    if log_target:
        loss = np.exp(target) * (target - input)
    else:
        with np.errstate(divide='ignore', invalid='ignore'):
            loss = np.where(target == 0, 0, target * np.log(target)) - target * input  # xlogy(t, t)
    if reduction == 'batchmean':
        return np.sum(loss) / (input.shape[0] if input.ndim else 1)
    return nnf_reduce(loss, reduction)


# --- nnf_hinge_embedding_loss: nnf_reduce
def nnf_hinge_embedding_loss(input, target, margin=1.0, reduction='mean'):
    """F.hinge_embedding_loss: x where y == 1, max(0, margin - x) where y == -1 (both terms for other labels, as torch)."""
    loss = np.where(target != 1, np.maximum(margin - input, 0), 0) + np.where(target != -1, input, 0)
    return nnf_reduce(loss, reduction)


# --- nnf_cosine_embedding_loss: nnf_reduce
def nnf_cosine_embedding_loss(input1, input2, target, margin=0.0, reduction='mean'):
    """F.cosine_embedding_loss with torch's cosine: dot / sqrt((|x1|² + 1e-12)(|x2|² + 1e-12)) over the last axis."""
    dot = np.sum(input1 * input2, axis=-1)
    cos = dot / np.sqrt((np.sum(input1 * input1, axis=-1) + 1e-12) * (np.sum(input2 * input2, axis=-1) + 1e-12))
    loss = np.where(target == 1, 1 - cos, 0) + np.where(target == -1, np.maximum(cos - margin, 0), 0)
    return nnf_reduce(loss, reduction)


# --- nnf_poisson_nll_loss: nnf_reduce
def nnf_poisson_nll_loss(input, target, log_input=True, full=False, eps=1e-8, reduction='mean'):
    """F.poisson_nll_loss; full=True adds the Stirling term where target > 1."""
    loss = np.exp(input) - target * input if log_input else input - target * np.log(input + eps)
    if full:
        safe = np.where(target > 1, target, 1)
        loss = loss + np.where(target > 1, safe * np.log(safe) - safe + 0.5 * np.log(2 * math.pi * safe), 0)
    return nnf_reduce(loss, reduction)


# --- nnf_gaussian_nll_loss: nnf_reduce
def nnf_gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction='mean'):
    """F.gaussian_nll_loss: 0.5 (log var + (x - y)² / var) with var clamped at eps; a var missing the last axis
    broadcasts."""
    var = np.asarray(var, dtype=input.dtype)
    if var.ndim and var.shape != input.shape and var.shape == input.shape[:-1]:
        var = var[..., None]
    var = np.maximum(var, eps)
    loss = 0.5 * (np.log(var) + np.square(input - target) / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return nnf_reduce(loss, reduction)


# --- nnf_triplet_margin_loss: nnf_reduce
def nnf_triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-6, swap=False, reduction='mean'):
    """F.triplet_margin_loss with torch's pairwise distance |a - b + eps|_p over the last axis."""
    distance = lambda a, b: np.linalg.norm(a - b + eps, ord=p, axis=-1)
    d_pos, d_neg = distance(anchor, positive), distance(anchor, negative)
    if swap:
        d_neg = np.minimum(d_neg, distance(positive, negative))
    return nnf_reduce(np.maximum(margin + d_pos - d_neg, 0), reduction)


# --- nnf_multilabel_soft_margin_loss: nnf_reduce, log_sigmoid
def nnf_multilabel_soft_margin_loss(input, target, weight=None, reduction='mean'):
    """F.multilabel_soft_margin_loss: the per-class logistic loss averaged over classes (the last axis), then reduced."""
    loss = -(target * log_sigmoid(input) + (1 - target) * log_sigmoid(-input))
    if weight is not None:
        loss = loss * weight
    return nnf_reduce(np.mean(loss, axis=-1), reduction)


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


# --- ConvNd: conv_nd
class ConvNd:
    """nn.Conv1d/2d/3d: weight (out_channels, in_channels / groups, *kernel), bias (out_channels,)."""
    nd = 0

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode='zeros'):
        kernel = nnf_ntuple(kernel_size, self.nd)
        self.weight = np.zeros((out_channels, in_channels // groups) + kernel, np.float32)
        self.bias = np.zeros(out_channels, np.float32) if bias else None
        self._options = dict(stride=stride, padding=padding, dilation=dilation, groups=groups, padding_mode=padding_mode)

    def __call__(self, x):
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
class ConvTransposeNd:
    """nn.ConvTranspose1d/2d/3d: weight (in_channels, out_channels / groups, *kernel), bias (out_channels,)."""
    nd = 0

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1):
        kernel = nnf_ntuple(kernel_size, self.nd)
        self.weight = np.zeros((in_channels, out_channels // groups) + kernel, np.float32)
        self.bias = np.zeros(out_channels, np.float32) if bias else None
        self._options = dict(stride=stride, padding=padding, output_padding=output_padding, groups=groups,
                             dilation=dilation)

    def __call__(self, x):
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
class RunningNorm:
    """PyTorch's affine parameters and running statistics for batch and instance norms (channels on axis 1); in
    inference the running statistics are used where they are tracked, else the input's own."""

    def __init__(self, num_features, eps, affine, track_running_stats, bias):
        self.eps = eps
        self.weight = np.ones(num_features, np.float32) if affine else None
        self.bias = np.zeros(num_features, np.float32) if affine and bias else None
        tracked = lambda value: value if track_running_stats else None
        self.running_mean = tracked(np.zeros(num_features, np.float32))
        self.running_var = tracked(np.ones(num_features, np.float32))
        self.num_batches_tracked = tracked(np.zeros((), np.int64))

    def _running(self, x):
        return nnf_batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, eps=self.eps)


# --- BatchNorm: RunningNorm
class BatchNorm(RunningNorm):
    """nn.BatchNorm1d/2d/3d on (N, C, *) data."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, bias=True):
        super().__init__(num_features, eps, affine, track_running_stats, bias)

    def __call__(self, x):
        if self.running_mean is None:
            return nnf_batch_norm(x, None, None, self.weight, self.bias, training=True, eps=self.eps)
        return self._running(x)


# --- InstanceNorm: RunningNorm
class InstanceNorm(RunningNorm):
    """nn.InstanceNorm1d/2d/3d: statistics per sample and channel over the `nd` spatial axes; also unbatched."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False, bias=True, *, nd):
        super().__init__(num_features, eps, affine, track_running_stats, bias)
        self.nd = nd

    def __call__(self, x):
        if x.ndim == self.nd + 1:
            return self(x[None])[0]
        if self.running_mean is None:
            return nnf_instance_norm(x, self.weight, self.bias, self.eps)
        return self._running(x)


# --- GroupNorm: nnf_group_norm
class GroupNorm:
    """nn.GroupNorm on (N, C, *): weight and bias (num_channels,)."""

    def __init__(self, num_groups, num_channels, eps=1e-05, affine=True, bias=True):
        self.num_groups, self.eps = num_groups, eps
        self.weight = np.ones(num_channels, np.float32) if affine else None
        self.bias = np.zeros(num_channels, np.float32) if affine and bias else None

    def __call__(self, x):
        return nnf_group_norm(x, self.num_groups, self.weight, self.bias, self.eps)


# --- nnf_embedding:
def nnf_embedding(indices, weight):
    """F.embedding: rows of weight by index; an index out of range, negative ones included, raises as in torch (NumPy
    would wrap negative ones)."""
    indices = np.asarray(indices)
    if indices.size and (indices.min() < 0 or indices.max() >= weight.shape[0]):
        raise IndexError('index out of range in self')
    return weight[indices]


# --- PReLU: nnf_prelu
class PReLU:
    """nn.PReLU: a learned slope for negative inputs, one shared or one per channel (axis 1)."""

    def __init__(self, num_parameters=1, init=0.25):
        self.weight = np.full((num_parameters,), init, np.float32)

    def __call__(self, x):
        return nnf_prelu(x, self.weight)


# --- Bilinear:
class Bilinear:
    """nn.Bilinear: y = x1 W x2 + b with PyTorch's weight (out, in1, in2)."""

    def __init__(self, in1_features, in2_features, out_features, bias=True):
        self.weight = np.zeros((out_features, in1_features, in2_features), np.float32)
        self.bias = np.zeros(out_features, np.float32) if bias else None

    def __call__(self, x1, x2):
        y = np.einsum('...i,oij,...j->...o', x1, self.weight, x2)
        return y if self.bias is None else y + self.bias


# --- RMSNorm: nnf_rms_norm
class RMSNorm:
    """nn.RMSNorm over the trailing normalized_shape axes; weight of that shape."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True):
        self.normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.eps = eps
        self.weight = np.ones(self.normalized_shape, np.float32) if elementwise_affine else None

    def __call__(self, x):
        return nnf_rms_norm(x, self.normalized_shape, self.weight, self.eps)


# --- RReLU: leaky_relu
class RReLU:
    """nn.RReLU in inference: the fixed slope (lower + upper) / 2 for negative inputs."""

    def __init__(self, lower=0.125, upper=0.3333333333333333, inplace=False):
        self._slope = (lower + upper) / 2

    def __call__(self, x):
        return leaky_relu(x, self._slope)


# --- Embedding: nnf_embedding
class Embedding:
    """nn.Embedding: weight [num_embeddings, embedding_dim], rows picked by index."""

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None):
        self.weight = np.zeros((num_embeddings, embedding_dim), np.float32)

    def __call__(self, indices):
        return nnf_embedding(indices, self.weight)


# --- MultiheadAttention: Linear, softmax
class MultiheadAttention:
    """nn.MultiheadAttention with PyTorch's parameters (in_proj_weight (3E, E), or q/k/v_proj_weight when kdim or vdim
    differ; in_proj_bias; out_proj; bias_k/bias_v), masks (bool True = may not attend, float = added) and return
    values; dropout is off (inference)."""

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False):
        kdim, vdim = kdim or embed_dim, vdim or embed_dim
        self.num_heads, self.batch_first, self.add_zero_attn = num_heads, batch_first, add_zero_attn
        zeros = lambda *shape: np.zeros(shape, np.float32)
        if kdim == vdim == embed_dim:
            self.in_proj_weight = zeros(3 * embed_dim, embed_dim)
        else:
            self.q_proj_weight = zeros(embed_dim, embed_dim)
            self.k_proj_weight = zeros(embed_dim, kdim)
            self.v_proj_weight = zeros(embed_dim, vdim)
        self.in_proj_bias = zeros(3 * embed_dim) if bias else None
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias)
        self.bias_k = zeros(1, 1, embed_dim) if add_bias_kv else None
        self.bias_v = zeros(1, 1, embed_dim) if add_bias_kv else None

    def _projections(self):
        if hasattr(self, 'in_proj_weight'):
            return np.split(self.in_proj_weight, 3)
        return self.q_proj_weight, self.k_proj_weight, self.v_proj_weight

    def __call__(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                 average_attn_weights=True, is_causal=False):
        batched = query.ndim == 3
        if not batched:
            query, key, value = (t[:, None] for t in (query, key, value))
            key_padding_mask = None if key_padding_mask is None else key_padding_mask[None]
        elif self.batch_first:
            query, key, value = (np.swapaxes(t, 0, 1) for t in (query, key, value))
        length, batch, embed = query.shape  # sequence first from here on
        heads, head_dim = self.num_heads, embed // self.num_heads
        bias = self.in_proj_bias if self.in_proj_bias is not None else np.zeros(3 * embed, query.dtype)
        q, k, v = (t @ w.T + b for t, w, b in zip((query, key, value), self._projections(), np.split(bias, 3)))
        # PyTorch: is_causal replaces the masks by a causal one only where it takes its fused path
        causal = is_causal and key_padding_mask is None and not need_weights
        additive = lambda m: m if m is None or m.dtype != np.bool_ else np.where(m, -np.inf, 0).astype(q.dtype)
        attn_mask = None if causal else additive(attn_mask)
        key_padding_mask = additive(key_padding_mask)
        extend = lambda m: None if m is None else np.pad(m, [(0, 0)] * (m.ndim - 1) + [(0, 1)])
        if self.bias_k is not None:
            k = np.concatenate([k, np.broadcast_to(self.bias_k, (1, batch, embed))])
            v = np.concatenate([v, np.broadcast_to(self.bias_v, (1, batch, embed))])
            attn_mask, key_padding_mask = extend(attn_mask), extend(key_padding_mask)
        split = lambda t: t.reshape(t.shape[0], batch, heads, head_dim).transpose(1, 2, 0, 3)  # (N, H, S, D)
        q, k, v = split(q), split(k), split(v)
        if self.add_zero_attn:
            zeros = np.zeros((batch, heads, 1, head_dim), k.dtype)
            k, v = np.concatenate([k, zeros], axis=2), np.concatenate([v, zeros], axis=2)
            attn_mask, key_padding_mask = extend(attn_mask), extend(key_padding_mask)
        scores = (q * math.sqrt(1.0 / head_dim)) @ np.swapaxes(k, -1, -2)
        if causal:
            scores = np.where(np.tril(np.ones(scores.shape[-2:], np.bool_)), scores, -np.inf)
        if attn_mask is not None and attn_mask.ndim == 3:  # (N * heads, L, S)
            attn_mask = attn_mask.reshape(batch, heads, *attn_mask.shape[1:])
        if attn_mask is not None:
            scores = scores + attn_mask
        if key_padding_mask is not None:
            scores = scores + key_padding_mask[:, None, None, :]
        weights = softmax(scores, axis=-1)
        out = self.out_proj((weights @ v).transpose(2, 0, 1, 3).reshape(length, batch, embed))
        if average_attn_weights:
            weights = weights.mean(axis=1)
        if not batched:
            out, weights = out[:, 0], weights[0]
        elif self.batch_first:
            out = np.swapaxes(out, 0, 1)
        return out, (weights if need_weights else None)


# --- transformer_parts: MultiheadAttention, LayerNorm, relu, gelu
def _transformer_parts(module, d_model, dim_feedforward, activation, layer_norm_eps, norm_first, bias, norms):
    """The feed-forward block and norms of nn.Transformer{Encoder,Decoder}Layer, under PyTorch's names (dropout is
    off: inference)."""
    module.linear1 = Linear(d_model, dim_feedforward, bias=bias)
    module.linear2 = Linear(dim_feedforward, d_model, bias=bias)
    for i in range(1, norms + 1):
        setattr(module, f'norm{i}', LayerNorm(d_model, eps=layer_norm_eps, bias=bias))
    named = {'relu': relu, 'gelu': lambda x: gelu(x, approximate=False)}
    module.activation = named[activation] if isinstance(activation, str) else activation
    module.activation_relu_or_gelu = activation in named  # one condition of PyTorch's inference fast path
    module.norm_first = norm_first


def _residual(module, x, blocks):
    """x + block(norm(x)) with norm_first, norm(x + block(x)) otherwise; blocks pair each norm with its block."""
    for norm, block in blocks:
        x = x + block(norm(x)) if module.norm_first else norm(x + block(x))
    return x


def _feed_forward(module, x):
    return module.linear2(module.activation(module.linear1(x)))


# --- TransformerEncoderLayer: transformer_parts
class TransformerEncoderLayer:
    """nn.TransformerEncoderLayer: self-attention then feed-forward, post-norm or pre-norm (norm_first), with
    PyTorch's submodule names (self_attn, linear1, linear2, norm1, norm2) and mask conventions."""

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation='relu', layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True):
        self.self_attn = MultiheadAttention(d_model, nhead, bias=bias, batch_first=batch_first)
        _transformer_parts(self, d_model, dim_feedforward, activation, layer_norm_eps, norm_first, bias, 2)

    def __call__(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        attend = lambda x: self.self_attn(x, x, x, src_key_padding_mask, False, src_mask, is_causal=is_causal)[0]
        return _residual(self, src, [(self.norm1, attend), (self.norm2, lambda x: _feed_forward(self, x))])


# --- TransformerDecoderLayer: transformer_parts
class TransformerDecoderLayer:
    """nn.TransformerDecoderLayer: self-attention, attention over memory, then feed-forward, with PyTorch's submodule
    names (self_attn, multihead_attn, linear1, linear2, norm1..3) and mask conventions."""

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation='relu', layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True):
        attention = lambda: MultiheadAttention(d_model, nhead, bias=bias, batch_first=batch_first)
        self.self_attn, self.multihead_attn = attention(), attention()
        _transformer_parts(self, d_model, dim_feedforward, activation, layer_norm_eps, norm_first, bias, 3)

    def __call__(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                 memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False):
        attend = lambda x: self.self_attn(x, x, x, tgt_key_padding_mask, False, tgt_mask, is_causal=tgt_is_causal)[0]
        recall = lambda x: self.multihead_attn(x, memory, memory, memory_key_padding_mask, False, memory_mask,
                                               is_causal=memory_is_causal)[0]
        feed = lambda x: _feed_forward(self, x)
        return _residual(self, tgt, [(self.norm1, attend), (self.norm2, recall), (self.norm3, feed)])


# --- TransformerEncoder: TransformerEncoderLayer, copy
class TransformerEncoder:
    """nn.TransformerEncoder: num_layers copies of encoder_layer (layers.0, layers.1, ...) and an optional final norm.
    Where PyTorch's inference fast path runs the layers on nested tensors (batch_first, a left-aligned
    src_key_padding_mask and no mask), the outputs at padded positions are zeros, as there."""

    def __init__(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True):
        self.layers = [copy.deepcopy(encoder_layer) for _ in range(num_layers)]
        self.norm = norm
        attention = encoder_layer.self_attn
        self._nested = (enable_nested_tensor and not encoder_layer.norm_first and attention.batch_first
                        and attention.in_proj_bias is not None and hasattr(attention, 'in_proj_weight')
                        and encoder_layer.activation_relu_or_gelu and attention.num_heads % 2 == 0)
        self._mask_check = mask_check

    def __call__(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        output = src
        for layer in self.layers:
            output = layer(output, mask, src_key_padding_mask, bool(is_causal))
        if self._nested and src.ndim == 3 and mask is None and src_key_padding_mask is not None:
            padded = src_key_padding_mask if src_key_padding_mask.dtype == np.bool_ else src_key_padding_mask != 0
            left_aligned = np.all(padded[:, 1:] | ~padded[:, :-1]) if self._mask_check else True
            output = np.where(left_aligned & padded[..., None], np.float32(0), output)
        return output if self.norm is None else self.norm(output)


# --- TransformerDecoder: TransformerDecoderLayer, copy
class TransformerDecoder:
    """nn.TransformerDecoder: num_layers copies of decoder_layer (layers.0, ...) and an optional final norm."""

    def __init__(self, decoder_layer, num_layers, norm=None):
        self.layers = [copy.deepcopy(decoder_layer) for _ in range(num_layers)]
        self.norm = norm

    def __call__(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                 memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False):
        output = tgt
        for layer in self.layers:
            output = layer(output, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask,
                           bool(tgt_is_causal), memory_is_causal)
        return output if self.norm is None else self.norm(output)


# --- Transformer: TransformerEncoder, TransformerDecoder
class Transformer:
    """nn.Transformer: an encoder and a decoder stack, each with a final LayerNorm, under PyTorch's names."""

    def __init__(self, d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048,
                 dropout=0.1, activation='relu', custom_encoder=None, custom_decoder=None, layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True):
        options = dict(dim_feedforward=dim_feedforward, activation=activation, bias=bias,
                       layer_norm_eps=layer_norm_eps, batch_first=batch_first, norm_first=norm_first)
        norm = lambda: LayerNorm(d_model, eps=layer_norm_eps, bias=bias)
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


# --- recurrent_step: sigmoid, relu
def _recurrent_params(module, suffix, mode, input_size, hidden_size, bias, proj_size):
    """PyTorch's parameters of one cell, named weight_ih{suffix} etc."""
    gates = {'LSTM': 4, 'GRU': 3}.get(mode, 1) * hidden_size
    zeros = lambda *shape: np.zeros(shape, np.float32)
    setattr(module, 'weight_ih' + suffix, zeros(gates, input_size))
    setattr(module, 'weight_hh' + suffix, zeros(gates, proj_size or hidden_size))
    setattr(module, 'bias_ih' + suffix, zeros(gates) if bias else None)
    setattr(module, 'bias_hh' + suffix, zeros(gates) if bias else None)
    if proj_size:
        setattr(module, 'weight_hr' + suffix, zeros(proj_size, hidden_size))


def _recurrent_step(module, suffix, mode, nonlinearity='tanh'):
    """One time step with PyTorch's gate order (LSTM i, f, g, o; GRU r, z, n); carry is (h,) or, for LSTM, (h, c)."""
    p = lambda name: getattr(module, name + suffix, None)
    w_ih, w_hh, w_hr = p('weight_ih'), p('weight_hh'), p('weight_hr')
    b_ih = p('bias_ih') if p('bias_ih') is not None else 0
    b_hh = p('bias_hh') if p('bias_hh') is not None else 0

    def step(carry, x):
        gi, gh = x @ w_ih.T + b_ih, carry[0] @ w_hh.T + b_hh
        if mode == 'LSTM':
            i, f, g, o = np.split(gi + gh, 4, axis=-1)
            c = sigmoid(f) * carry[1] + sigmoid(i) * np.tanh(g)
            h = sigmoid(o) * np.tanh(c)
            h = h if w_hr is None else h @ w_hr.T
            return (h, c), h
        if mode == 'GRU':
            (ir, iz, i_n), (hr, hz, hn) = np.split(gi, 3, axis=-1), np.split(gh, 3, axis=-1)
            r, z = sigmoid(ir + hr), sigmoid(iz + hz)
            h = (1 - z) * np.tanh(i_n + r * hn) + z * carry[0]
            return (h,), h
        h = (np.tanh if nonlinearity == 'tanh' else relu)(gi + gh)
        return (h,), h

    return step


# --- Recurrent: recurrent_step
class Recurrent:
    """nn.LSTM / nn.GRU / nn.RNN with PyTorch's parameter names (weight_ih_l0, ..._reverse, weight_hr_l0 for
    proj_size), layouts, (h0, c0) and return values; dropout between layers is off (inference)."""
    mode = None

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, nonlinearity='tanh'):
        self.nonlinearity, self.num_layers = nonlinearity, num_layers
        # the torch attributes user code reads (self.lstm.bidirectional, .hidden_size, .dropout, ...)
        self.input_size, self.hidden_size, self.proj_size, self.bias = input_size, hidden_size, proj_size, bias
        self.batch_first, self.bidirectional, self.dropout = batch_first, bidirectional, dropout
        self.directions = 2 if bidirectional else 1
        for layer in range(num_layers):
            width = input_size if layer == 0 else (proj_size or hidden_size) * self.directions
            for d in range(self.directions):
                _recurrent_params(self, self._suffix(layer, d), self.mode, width, hidden_size, bias, proj_size)

    @staticmethod
    def _suffix(layer, direction):
        return f'_l{layer}' + ('_reverse' if direction else '')

    def __call__(self, x, hx=None):
        batched = x.ndim == 3
        if not batched:
            x = x[:, None]
            hx = None if hx is None else (tuple(t[:, None] for t in hx) if self.mode == 'LSTM' else hx[:, None])
        elif self.batch_first:
            x = np.swapaxes(x, 0, 1)  # (time, batch, features) from here on
        count, batch = self.num_layers * self.directions, x.shape[1]
        if hx is None:
            h0 = np.zeros((count, batch, self.proj_size or self.hidden_size), x.dtype)
            c0 = np.zeros((count, batch, self.hidden_size), x.dtype)
        else:
            h0, c0 = hx if self.mode == 'LSTM' else (hx, None)
        finals = []
        for layer in range(self.num_layers):
            outs = []
            for d in range(self.directions):
                index = layer * self.directions + d
                carry = (h0[index], c0[index]) if self.mode == 'LSTM' else (h0[index],)
                step = _recurrent_step(self, self._suffix(layer, d), self.mode, self.nonlinearity)
                out = []
                for x_t in (x[::-1] if d else x):
                    carry, h = step(carry, x_t)
                    out.append(h)
                outs.append(np.stack(out[::-1] if d else out))
                finals.append(carry)
            x = np.concatenate(outs, axis=-1)
        final = [np.stack(states) for states in zip(*finals)]  # h_n and, for LSTM, c_n
        if not batched:
            x, final = x[:, 0], [t[:, 0] for t in final]
        elif self.batch_first:
            x = np.swapaxes(x, 0, 1)
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
class RecurrentCell:
    """nn.LSTMCell / nn.GRUCell / nn.RNNCell: one step with PyTorch's parameter names; (features,) unbatched input."""
    mode = None

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity='tanh'):
        self.nonlinearity, self.hidden_size = nonlinearity, hidden_size
        _recurrent_params(self, '', self.mode, input_size, hidden_size, bias, 0)

    def __call__(self, x, hx=None):
        batched = x.ndim == 2
        if not batched:
            x = x[None]
            hx = None if hx is None else (tuple(t[None] for t in hx) if self.mode == 'LSTM' else hx[None])
        zeros = np.zeros((x.shape[0], self.hidden_size), x.dtype)
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


# --- NamedSequential: ModuleDict
class NamedSequential(ModuleDict):
    """nn.Sequential built from an OrderedDict: children named by their keys, applied in order, also read by
    position (self.features[0])."""

    def __getitem__(self, key):
        return list(self.values())[key] if isinstance(key, int) else super().__getitem__(key)

    def __call__(self, x):
        for module in self.values():
            x = module(x)
        return x


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
