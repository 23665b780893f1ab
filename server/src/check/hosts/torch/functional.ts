// torch.nn.functional: activations, normalisation, linear/conv/pool, attention, embedding, padding.
import { PyTuple, pyError, type Value } from '../../interp';
import { isNone, toBool, toInt, toInts, toNumber, toStr, type BoundArgs } from '../../trace/args';
import * as ops from '../../trace/ops';
import { NotLowered, type Sym, type Tracer } from '../../trace/tracer';
import { tensorArg } from './functions';
import { define } from './registry';
import { updateInPlace, type TorchContext, type TorchTensor } from './tensor';

const F = (name: string) => `torch.nn.functional.${name}`;
const one = (t: Tracer, x: Sym, v: number) => ops.scalar(t, v, x.dtype);
const mul = (t: Tracer, a: Sym, b: Sym) => ops.binary(t, 'Mul', a, b);
const add = (t: Tracer, a: Sym, b: Sym) => ops.binary(t, 'Add', a, b);
const floatOf = (t: Tracer, x: Sym) => (x.dtype.startsWith('float') ? x : ops.cast(t, x, 'float32'));

/** a unary ONNX op with float attributes (a whole-number value would otherwise be written as an INT attribute) */
function withFloats(t: Tracer, op: string, x: Sym, attributes: Record<string, number>): Sym {
  const typed = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { type: 'float' as const, value: v }]));
  return t.node(op, [x], typed, { dtype: x.dtype, shape: x.shape });
}

function softplus(t: Tracer, x: Sym, beta: number, threshold: number): Sym {
  const scaled = mul(t, x, one(t, x, beta));
  const smooth = ops.binary(t, 'Div', ops.unary(t, 'Softplus', scaled), one(t, x, beta));
  // torch returns x itself where beta * x exceeds the threshold
  return ops.where(t, ops.binary(t, 'Greater', scaled, one(t, x, threshold)), x, smooth);
}

/** activations: lowering from the bound arguments; `inplace` is ignored as the result is the same */
const ACTIVATIONS: Record<string, [string, (t: Tracer, x: Sym, a: BoundArgs) => Sym]> = {
  relu: ['(input, inplace=False)', (t, x) => ops.unary(t, 'Relu', x)],
  relu6: ['(input, inplace=False)', (t, x) => ops.clip(t, x, one(t, x, 0), one(t, x, 6))],
  silu: ['(input, inplace=False)', (t, x) => mul(t, x, ops.unary(t, 'Sigmoid', x))],
  sigmoid: ['(input)', (t, x) => ops.unary(t, 'Sigmoid', x)],
  tanh: ['(input)', (t, x) => ops.unary(t, 'Tanh', x)],
  gelu: ['(input, approximate=\'none\')', (t, x, a) => ops.gelu(t, x, geluMode(a.approximate))],
  leaky_relu: ['(input, negative_slope=0.01, inplace=False)', (t, x, a) => withFloats(t, 'LeakyRelu', x, { alpha: toNumber(a.negative_slope) })],
  elu: ['(input, alpha=1.0, inplace=False)', (t, x, a) => withFloats(t, 'Elu', x, { alpha: toNumber(a.alpha) })],
  selu: ['(input, inplace=False)', (t, x) => ops.unary(t, 'Selu', x)],
  celu: ['(input, alpha=1.0, inplace=False)', (t, x, a) => withFloats(t, 'Celu', x, { alpha: toNumber(a.alpha) })],
  softplus: ['(input, beta=1.0, threshold=20.0)', (t, x, a) => softplus(t, x, toNumber(a.beta), toNumber(a.threshold))],
  mish: ['(input, inplace=False)', (t, x) => mul(t, x, ops.unary(t, 'Tanh', softplus(t, x, 1, 20)))],
  hardswish: ['(input, inplace=False)', (t, x) => ops.unary(t, 'HardSwish', x)],
  hardsigmoid: ['(input, inplace=False)', (t, x) => withFloats(t, 'HardSigmoid', x, { alpha: 1 / 6, beta: 0.5 })],
  hardtanh: ['(input, min_val=-1.0, max_val=1.0, inplace=False)', (t, x, a) => ops.clip(t, x, one(t, x, toNumber(a.min_val)), one(t, x, toNumber(a.max_val)))],
  logsigmoid: ['(input)', (t, x) => ops.unary(t, 'Neg', softplus(t, ops.unary(t, 'Neg', x), 1, 20))],
  softsign: ['(input)', (t, x) => ops.binary(t, 'Div', x, add(t, ops.unary(t, 'Abs', x), one(t, x, 1)))],
  tanhshrink: ['(input)', (t, x) => ops.binary(t, 'Sub', x, ops.unary(t, 'Tanh', x))],
  softshrink: ['(input, lambd=0.5)', (t, x, a) => withFloats(t, 'Shrink', x, { lambd: toNumber(a.lambd), bias: toNumber(a.lambd) })],
  hardshrink: ['(input, lambd=0.5)', (t, x, a) => withFloats(t, 'Shrink', x, { lambd: toNumber(a.lambd) })],
  glu: ['(input, dim=-1)', (t, x, a) => {
    const dim = toInt(a.dim);
    const half = x.shape[ops.normAxis(dim, x.shape.length)] / 2;
    const [first, second] = ops.split(t, x, [half, half], dim);
    return mul(t, first, ops.unary(t, 'Sigmoid', second));
  }],
};

function geluMode(value: Value): 'none' | 'tanh' {
  const mode = toStr(value);
  if (mode !== 'none' && mode !== 'tanh') throw pyError('RuntimeError', `approximate argument must be either none or tanh.`);
  return mode;
}

for (const [name, [params, lower]] of Object.entries(ACTIVATIONS)) {
  define([F(name)], params, (a, c) => {
    const result = c.wrap(lower(c.t, floatOf(c.t, tensorArg(a.input)), a));
    return toBool(a.inplace ?? false) ? updateInPlace(a.input as TorchTensor, result) : result;
  });
}

export function activation(name: string): ((t: Tracer, x: Sym, a: BoundArgs) => Sym) | undefined {
  return ACTIVATIONS[name]?.[1];
}

define([F('dropout'), F('dropout1d'), F('dropout2d'), F('dropout3d'), F('alpha_dropout'), F('feature_alpha_dropout')], '(input, p=0.5, training=True, inplace=False)', (a, c) => dropout(c, a.input, toBool(a.training), toNumber(a.p)));

/** dropout is the identity when not training (or p=0); training draws randomness, which cannot be compared */
export function dropout(c: TorchContext, input: Value, training: boolean, p: number): Value {
  if (training && p > 0) throw new NotLowered('dropout in training mode', 'its random mask cannot be reproduced');
  return c.wrap(tensorArg(input));
}

export function linear(t: Tracer, x: Sym, weight: Sym, bias: Sym | null): Sym {
  const y = ops.matmul(t, x, ops.swapAxes(t, weight, 0, 1));
  return bias ? add(t, y, bias) : y;
}
define([F('linear')], '(input, weight, bias=None)', (a, c) => c.wrap(linear(c.t, tensorArg(a.input), tensorArg(a.weight), optional(a.bias))));

export function optional(value: Value): Sym | null {
  return isNone(value) ? null : tensorArg(value);
}

/** layer_norm over the trailing normalized_shape axes; ONNX needs a scale, so a missing weight is ones */
export function layerNorm(t: Tracer, x: Sym, normalized: number[], weight: Sym | null, bias: Sym | null, eps: number): Sym {
  const axis = x.shape.length - normalized.length;
  if (normalized.some((d, i) => x.shape[axis + i] !== d)) throw pyError('RuntimeError', `normalized_shape [${normalized}] does not match the input's trailing shape [${x.shape}]`);
  return ops.layerNorm(t, x, weight ?? ops.full(t, normalized, 1, x.dtype), bias, axis, eps);
}
define([F('layer_norm')], '(input, normalized_shape, weight=None, bias=None, eps=1e-05)', (a, c) => c.wrap(layerNorm(c.t, tensorArg(a.input), toInts(a.normalized_shape), optional(a.weight), optional(a.bias), toNumber(a.eps))));

/** channel vectors broadcast over [N, C, ...spatial] */
function perChannel(t: Tracer, v: Sym, rank: number): Sym {
  return ops.reshape(t, v, [v.shape[0], ...Array.from({ length: rank - 2 }, () => 1)]);
}

export function groupNorm(t: Tracer, x: Sym, groups: number, weight: Sym | null, bias: Sym | null, eps: number): Sym {
  const [n, channels] = x.shape;
  if (channels % groups) throw pyError('RuntimeError', `Expected number of channels in input to be divisible by num_groups`);
  const grouped = ops.reshape(t, x, [n, groups, -1]);
  const normed = ops.reshape(t, normalize(t, grouped, [2], eps), x.shape);
  const scaled = weight ? mul(t, normed, perChannel(t, weight, x.shape.length)) : normed;
  return bias ? add(t, scaled, perChannel(t, bias, x.shape.length)) : scaled;
}
define([F('group_norm')], '(input, num_groups, weight=None, bias=None, eps=1e-05)', (a, c) => c.wrap(groupNorm(c.t, tensorArg(a.input), toInt(a.num_groups), optional(a.weight), optional(a.bias), toNumber(a.eps))));

/** (x - mean) / sqrt(biased var + eps) over the axes */
function normalize(t: Tracer, x: Sym, axes: number[], eps: number): Sym {
  const centred = ops.binary(t, 'Sub', x, ops.reduce(t, 'ReduceMean', x, axes, true));
  const variance = ops.reduce(t, 'ReduceMean', mul(t, centred, centred), axes, true);
  return ops.binary(t, 'Div', centred, ops.unary(t, 'Sqrt', add(t, variance, one(t, x, eps))));
}

/** batch norm: batch statistics (biased variance) when training, else the running statistics */
export function batchNorm(t: Tracer, x: Sym, mean: Sym | null, variance: Sym | null, weight: Sym | null, bias: Sym | null, training: boolean, eps: number): Sym {
  const rank = x.shape.length;
  let normed: Sym;
  if (training || !mean || !variance) normed = normalize(t, x, x.shape.map((_, i) => i).filter((i) => i !== 1), eps);
  else normed = ops.binary(t, 'Div', ops.binary(t, 'Sub', x, perChannel(t, mean, rank)), ops.unary(t, 'Sqrt', add(t, perChannel(t, variance, rank), one(t, x, eps))));
  const scaled = weight ? mul(t, normed, perChannel(t, weight, rank)) : normed;
  return bias ? add(t, scaled, perChannel(t, bias, rank)) : scaled;
}
define([F('batch_norm')], '(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-05)', (a, c) =>
  c.wrap(batchNorm(c.t, tensorArg(a.input), optional(a.running_mean), optional(a.running_var), optional(a.weight), optional(a.bias), toBool(a.training), toNumber(a.eps))));

/** instance norm: per sample and channel over the spatial axes; the running stats only in eval mode when tracked */
export function instanceNorm(t: Tracer, x: Sym, spatialRank: number, mean: Sym | null, variance: Sym | null, weight: Sym | null, bias: Sym | null, training: boolean, eps: number): Sym {
  const unbatched = x.shape.length === spatialRank + 1;
  const input = unbatched ? ops.unsqueeze(t, x, [0]) : x;
  const useRunning = !training && mean !== null && variance !== null;
  const normed = useRunning ? batchNorm(t, input, mean, variance, null, null, false, eps) : normalize(t, input, input.shape.map((_, i) => i).slice(2), eps);
  const scaled = weight ? mul(t, normed, perChannel(t, weight, input.shape.length)) : normed;
  const shifted = bias ? add(t, scaled, perChannel(t, bias, input.shape.length)) : scaled;
  return unbatched ? ops.squeeze(t, shifted, [0]) : shifted;
}
define([F('instance_norm')], '(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True, momentum=0.1, eps=1e-05)', (a, c) =>
  c.wrap(instanceNorm(c.t, tensorArg(a.input), 0, optional(a.running_mean), optional(a.running_var), optional(a.weight), optional(a.bias), toBool(a.use_input_stats), toNumber(a.eps))));

/** x / sqrt(mean(x²) + eps) over the trailing axes; eps defaults to the dtype's machine epsilon, as in torch */
export function rmsNorm(t: Tracer, x: Sym, normalized: number[], weight: Sym | null, eps: Value): Sym {
  const axes = normalized.map((_, i) => x.shape.length - normalized.length + i);
  const epsilon = isNone(eps) ? (x.dtype === 'float64' ? Number.EPSILON : 2 ** -23) : toNumber(eps);
  const meanSquare = ops.reduce(t, 'ReduceMean', mul(t, x, x), axes, true);
  const normed = ops.binary(t, 'Div', x, ops.unary(t, 'Sqrt', add(t, meanSquare, one(t, x, epsilon))));
  return weight ? mul(t, normed, weight) : normed;
}
define([F('rms_norm')], '(input, normalized_shape, weight=None, eps=None)', (a, c) => c.wrap(rmsNorm(c.t, tensorArg(a.input), toInts(a.normalized_shape), optional(a.weight), a.eps)));

/** prelu: the weight holds one slope, or one per channel (axis 1) */
export function prelu(t: Tracer, x: Sym, weight: Sym): Sym {
  const slope = weight.shape[0] === 1 || x.shape.length < 2 ? weight : perChannel(t, weight, x.shape.length);
  return ops.where(t, ops.binary(t, 'GreaterOrEqual', x, one(t, x, 0)), x, mul(t, x, slope));
}
define([F('prelu')], '(input, weight)', (a, c) => c.wrap(prelu(c.t, tensorArg(a.input), tensorArg(a.weight))));

define([F('normalize')], '(input, p=2.0, dim=1, eps=1e-12, out=None)', (a, c) => {
  const x = tensorArg(a.input);
  const p = toNumber(a.p);
  if (p !== 2 && p !== 1) throw new NotLowered('torch.nn.functional.normalize', `p=${p}`);
  const norm = ops.reduce(c.t, p === 2 ? 'ReduceL2' : 'ReduceL1', x, [toInt(a.dim)], true);
  return c.wrap(ops.binary(c.t, 'Div', x, ops.binary(c.t, 'Max', norm, one(c.t, x, toNumber(a.eps)))));
});

// ---- convolution and pooling

/** torch takes unbatched inputs ([C, ...spatial]) too: lowered with a batch axis of one */
function batched(t: Tracer, x: Sym, spatialRank: number, lower: (x: Sym) => Sym): Sym {
  if (x.shape.length !== spatialRank + 1) return lower(x);
  return ops.squeeze(t, lower(ops.unsqueeze(t, x, [0])), [0]);
}

/** torch's `int or tuple` window arguments for n spatial axes */
const spatial = (value: Value, n: number) => toInts(value, n);

/** padding: an int/tuple (symmetric), 'valid' or 'same' (torch puts the odd extra pad at the end) */
export function convPads(padding: Value, kernel: readonly number[], dilations: number[]): number[] {
  const n = kernel.length;
  if (padding === 'valid') return Array(2 * n).fill(0);
  if (padding === 'same') {
    const total = kernel.map((k, i) => dilations[i] * (k - 1));
    return [...total.map((p) => Math.floor(p / 2)), ...total.map((p) => p - Math.floor(p / 2))];
  }
  const p = spatial(padding, n);
  return [...p, ...p];
}

export function convolution(t: Tracer, x: Sym, w: Sym, bias: Sym | null, a: { stride: Value; padding: Value; dilation: Value; groups: Value }): Sym {
  const n = w.shape.length - 2;
  const dilations = spatial(a.dilation, n);
  const strides = spatial(a.stride, n);
  if (a.padding === 'same' && strides.some((s) => s !== 1)) throw pyError('RuntimeError', "padding='same' is not supported for strided convolutions");
  return batched(t, x, n, (b) => ops.conv(t, b, w, bias, { strides, pads: convPads(a.padding, w.shape.slice(2), dilations), dilations, groups: toInt(a.groups) }));
}
for (const name of ['conv1d', 'conv2d', 'conv3d']) {
  define([F(name)], '(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)', (a, c) => c.wrap(convolution(c.t, tensorArg(a.input), tensorArg(a.weight), optional(a.bias), a as never)));
}

export function transposedConvolution(t: Tracer, x: Sym, w: Sym, bias: Sym | null, a: BoundArgs): Sym {
  const n = w.shape.length - 2;
  const p = spatial(a.padding, n);
  const options = { strides: spatial(a.stride, n), pads: [...p, ...p], dilations: spatial(a.dilation, n), groups: toInt(a.groups), outputPadding: spatial(a.output_padding, n) };
  return batched(t, x, n, (b) => ops.convTranspose(t, b, w, bias, options));
}
for (const name of ['conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d']) {
  define([F(name)], '(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1)', (a, c) => c.wrap(transposedConvolution(c.t, tensorArg(a.input), tensorArg(a.weight), optional(a.bias), a)));
}

export function maxPool(t: Tracer, x: Sym, n: number, a: BoundArgs): Sym {
  if (toBool(a.return_indices)) throw new NotLowered('max_pool', 'return_indices=True');
  const kernel = spatial(a.kernel_size, n);
  const p = spatial(a.padding, n);
  const strides = isNone(a.stride) ? kernel : spatial(a.stride, n);
  return batched(t, x, n, (b) => ops.maxPool(t, b, { kernel, strides, pads: [...p, ...p], dilations: spatial(a.dilation, n), ceil: toBool(a.ceil_mode) }));
}

export function avgPool(t: Tracer, x: Sym, n: number, a: BoundArgs): Sym {
  const kernel = spatial(a.kernel_size, n);
  const p = spatial(a.padding, n);
  const strides = isNone(a.stride) ? kernel : spatial(a.stride, n);
  const divisor = isNone(a.divisor_override ?? null) ? undefined : toNumber(a.divisor_override);
  if (divisor !== undefined && toBool(a.ceil_mode)) throw new NotLowered('avg_pool', 'divisor_override with ceil_mode');
  const options = { kernel, strides, pads: [...p, ...p], ceil: toBool(a.ceil_mode), countIncludePad: divisor !== undefined || toBool(a.count_include_pad) };
  const mean = batched(t, x, n, (b) => ops.avgPool(t, b, options));
  // divisor_override: the window sum (the padded mean times the window size) over the given divisor
  return divisor === undefined ? mean : mul(t, mean, one(t, mean, ops.size(kernel) / divisor));
}

for (const n of [1, 2, 3]) {
  define([F(`max_pool${n}d`)], '(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False)', (a, c) => c.wrap(maxPool(c.t, tensorArg(a.input), n, a)));
  define([F(`avg_pool${n}d`)], '(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)', (a, c) => c.wrap(avgPool(c.t, tensorArg(a.input), n, a)));
  define([F(`adaptive_avg_pool${n}d`)], '(input, output_size)', (a, c) => c.wrap(adaptiveAvgPool(c.t, tensorArg(a.input), n, a.output_size)));
  define([F(`adaptive_max_pool${n}d`)], '(input, output_size, return_indices=False)', (a, c) => {
    if (toBool(a.return_indices)) throw new NotLowered('adaptive_max_pool', 'return_indices=True');
    return c.wrap(adaptiveMaxPool(c.t, tensorArg(a.input), n, a.output_size));
  });
}

/** adaptive average pooling: a plain average pool when each output size divides its input size; otherwise each
 *  output cell averages input cells floor(i·L/o) to ceil((i+1)·L/o), axis by axis (a box mean is separable) */
export function adaptiveAvgPool(t: Tracer, x: Sym, n: number, outputSize: Value): Sym {
  const inputs = x.shape.slice(-n);
  const outputs = toIntsOrNone(outputSize, n).map((o, i) => o ?? inputs[i]);
  if (outputs.every((o, i) => inputs[i] % o === 0)) {
    const kernel = inputs.map((d, i) => d / outputs[i]);
    return batched(t, x, n, (b) => ops.avgPool(t, b, { kernel, strides: kernel, pads: Array(2 * n).fill(0), ceil: false, countIncludePad: true }));
  }
  return outputs.reduce((y, o, i) => adaptiveAxis(t, 'ReduceMean', y, x.shape.length - n + i, o), x);
}

/** adaptive max pooling: the same cells as the average, reduced by max (also separable) */
export function adaptiveMaxPool(t: Tracer, x: Sym, n: number, outputSize: Value): Sym {
  const inputs = x.shape.slice(-n);
  const outputs = toIntsOrNone(outputSize, n).map((o, i) => o ?? inputs[i]);
  return outputs.reduce((y, o, i) => adaptiveAxis(t, 'ReduceMax', y, x.shape.length - n + i, o), x);
}

function adaptiveAxis(t: Tracer, op: string, x: Sym, axis: number, o: number): Sym {
  const l = x.shape[axis];
  const cells = Array.from({ length: o }, (_, i) => ops.reduce(t, op, ops.sliceAxis(t, x, axis, Math.floor((i * l) / o), Math.ceil(((i + 1) * l) / o)), [axis], true));
  return ops.concat(t, cells, axis);
}

function toIntsOrNone(value: Value, n: number): Array<number | null> {
  if (typeof value === 'number') return Array(n).fill(value);
  return (value as { items: Value[] }).items.map((v) => (v === null ? null : toInt(v)));
}

define([F('pad')], '(input, pad, mode=\'constant\', value=None)', (a, c) => {
  const x = tensorArg(a.input);
  const pads = toInts(a.pad);
  const before = x.shape.map(() => 0);
  const after = x.shape.map(() => 0);
  // torch lists (left, right) pairs from the last axis backwards
  for (let i = 0; i < pads.length / 2; i++) {
    before[x.shape.length - 1 - i] = pads[2 * i];
    after[x.shape.length - 1 - i] = pads[2 * i + 1];
  }
  if (pads.some((p) => p < 0)) throw new NotLowered('torch.nn.functional.pad', 'negative padding');
  const modes: Record<string, 'constant' | 'reflect' | 'edge' | 'wrap'> = { constant: 'constant', reflect: 'reflect', replicate: 'edge', circular: 'wrap' };
  const mode = modes[toStr(a.mode)];
  if (!mode) throw pyError('NotImplementedError', `padding mode ${toStr(a.mode)}`);
  const value = mode === 'constant' ? ops.scalar(c.t, isNone(a.value) ? 0 : toNumber(a.value), x.dtype) : null;
  return c.wrap(ops.pad(c.t, x, before, after, mode, value));
});

// ---- embedding, one-hot, attention

define([F('embedding')], '(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False)', (a, c) => {
  if (!isNone(a.max_norm)) throw new NotLowered('embedding', 'max_norm (renormalises the weight in place)');
  return c.wrap(ops.gather(c.t, tensorArg(a.weight), tensorArg(a.input), 0));
});

define([F('one_hot')], '(tensor, num_classes=-1)', (a, c) => {
  const x = tensorArg(a.tensor);
  const classes = toInt(a.num_classes);
  if (classes < 0) throw new NotLowered('one_hot', 'num_classes=-1 (the class count is the largest value in the data)');
  const range = ops.arange(c.t, 0, classes, 1, 'int64');
  return c.wrap(ops.cast(c.t, ops.binary(c.t, 'Equal', ops.unsqueeze(c.t, x, [-1]), range), 'int64'));
});

define([F('scaled_dot_product_attention')], '(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False)', (a, c) => {
  if (toNumber(a.dropout_p) > 0) throw new NotLowered('scaled_dot_product_attention', 'dropout_p > 0');
  const q = tensorArg(a.query);
  const share = (kv: Sym) => (toBool(a.enable_gqa ?? false) ? repeatHeads(c.t, kv, q.shape[q.shape.length - 3]) : kv);
  return c.wrap(attention(c.t, q, share(tensorArg(a.key)), share(tensorArg(a.value)), optional(a.attn_mask), toBool(a.is_causal), isNone(a.scale) ? undefined : toNumber(a.scale)));
});

/** grouped-query attention: each key/value head serves heads/kvHeads consecutive query heads */
function repeatHeads(t: Tracer, kv: Sym, heads: number): Sym {
  const axis = kv.shape.length - 3;
  const groups = heads / kv.shape[axis];
  const lifted = ops.unsqueeze(t, kv, [axis + 1]);
  const expanded = ops.expand(t, lifted, lifted.shape.map((d, i) => (i === axis + 1 ? groups : d)));
  return ops.reshape(t, expanded, kv.shape.map((d, i) => (i === axis ? heads : d)));
}

/** softmax(q kᵀ · scale + mask) v; a bool mask keeps True positions, a float mask is added */
export function attention(t: Tracer, q: Sym, k: Sym, v: Sym, mask: Sym | null, causal: boolean, scale?: number): Sym {
  const [l, s] = [q.shape[q.shape.length - 2], k.shape[k.shape.length - 2]];
  const factor = scale ?? 1 / Math.sqrt(q.shape[q.shape.length - 1]);
  let scores = mul(t, ops.matmul(t, q, ops.swapAxes(t, k, -2, -1)), one(t, q, factor));
  const keep = causal ? ops.trilu(t, ops.full(t, [l, s], true, 'bool'), false, 0) : mask?.dtype === 'bool' ? mask : null;
  if (keep) scores = ops.where(t, keep, scores, ops.full(t, [], -Infinity, scores.dtype));
  if (mask && mask.dtype !== 'bool') scores = add(t, scores, ops.cast(t, mask, scores.dtype));
  return ops.matmul(t, safeSoftmax(t, scores), v);
}

/** torch's attention softmax gives zeros, not NaN, on rows where every score is -inf (fully masked rows) */
function safeSoftmax(t: Tracer, scores: Sym): Sym {
  const masked = ops.cast(t, ops.binary(t, 'Equal', scores, ops.full(t, [], -Infinity, scores.dtype)), 'int32');
  const allMasked = ops.cast(t, ops.reduce(t, 'ReduceMin', masked, [-1], true), 'bool');
  return ops.where(t, allMasked, ops.full(t, [], 0, scores.dtype), ops.softmax(t, 'Softmax', scores, -1));
}

define([F('interpolate')], '(input, size=None, scale_factor=None, mode=\'nearest\', align_corners=None, recompute_scale_factor=None, antialias=False)', (a, c) => {
  const x = tensorArg(a.input);
  const mode = toStr(a.mode);
  if (toBool(a.antialias)) throw new NotLowered('interpolate', 'antialias=True');
  const sizes = outputSizes(x, a);
  if (mode === 'area') return c.wrap(adaptiveAvgPool(c.t, x, sizes.length, new PyTuple(sizes)));
  const options = RESIZE_MODES[mode]?.(toBool(a.align_corners ?? false));
  if (!options) throw new NotLowered('interpolate', `mode='${mode}'`);
  return c.wrap(ops.resize(c.t, x, [...x.shape.slice(0, 2), ...sizes], options));
});

/** torch's interpolation modes as ONNX Resize options (the mapping torch's own ONNX exporter uses) */
const RESIZE_MODES: Record<string, (alignCorners: boolean) => ops.ResizeOptions> = {
  nearest: () => ({ mode: 'nearest', coordinates: 'asymmetric', nearest: 'floor' }),
  'nearest-exact': () => ({ mode: 'nearest', coordinates: 'half_pixel', nearest: 'round_prefer_ceil' }),
  linear: (align) => ({ mode: 'linear', coordinates: align ? 'align_corners' : 'pytorch_half_pixel' }),
  bilinear: (align) => ({ mode: 'linear', coordinates: align ? 'align_corners' : 'pytorch_half_pixel' }),
  trilinear: (align) => ({ mode: 'linear', coordinates: align ? 'align_corners' : 'pytorch_half_pixel' }),
  bicubic: (align) => ({ mode: 'cubic', coordinates: align ? 'align_corners' : 'pytorch_half_pixel', cubicCoefficient: -0.75 }),
};

/** the output's spatial sizes; a scale factor must give whole sizes, since torch then maps coordinates by the
 *  factor itself while ONNX maps them by the size ratio */
function outputSizes(x: Sym, a: BoundArgs): number[] {
  const n = x.shape.length - 2;
  if (!isNone(a.size)) return toInts(a.size, n);
  const scales = toNumbersOf(a.scale_factor, n);
  const sizes = x.shape.slice(2).map((d, i) => d * scales[i]);
  if (sizes.some((d) => !Number.isInteger(d)) && !toBool(a.recompute_scale_factor ?? false)) throw new NotLowered('interpolate', 'a scale factor that does not give whole output sizes');
  return sizes.map(Math.floor);
}

function toNumbersOf(value: Value, n: number): number[] {
  if (typeof value === 'number' || !(value as { items?: Value[] })?.items) return Array(n).fill(toNumber(value));
  return (value as { items: Value[] }).items.map((v) => toNumber(v));
}

