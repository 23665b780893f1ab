// keras.ops.conv: an ONNX Conv. Keras's kernel is (*kernel_size, in_channels / groups, out_channels), the groups are
// what the input's channels make of it, data_format defaults to channels_last (keras.config.image_data_format()), and
// padding 'same' is TensorFlow's: the total padding of each axis split with the extra element at the end.
import { pyError, type Value } from '../../interp';
import { isSequence, toInt, toInts, type BoundArgs } from '../../trace/args';
import * as ops from '../../trace/ops';
import { NotLowered, type Sym } from '../../trace/tracer';
import type { KerasContext } from './tensors';

/** keras.ops.conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1) */
export function conv(ctx: KerasContext, b: BoundArgs): Sym {
  const t = ctx.t;
  const [x, kernel] = [ctx.toSym(b.inputs), ctx.toSym(b.kernel)];
  const nd = kernel.shape.length - 2;
  if (x.dtype !== kernel.dtype || !ops.isFloat(x)) throw new NotLowered('keras.ops.conv', `of ${x.dtype} inputs with a ${kernel.dtype} kernel`);
  if (x.shape.length !== nd + 2) throw pyError('ValueError', `Inputs to conv must have rank ${nd + 2} for a kernel of rank ${nd + 2}, received inputs of shape (${x.shape.join(', ')})`);
  const channelsLast = (b.data_format ?? 'channels_last') === 'channels_last';
  const toFirst = [0, nd + 1, ...Array.from({ length: nd }, (_, i) => i + 1)];
  const input = channelsLast ? ops.transpose(t, x, toFirst) : x;
  const groups = input.shape[1] / kernel.shape[nd];
  if (!Number.isInteger(groups)) throw pyError('ValueError', `the input's ${input.shape[1]} channels are not a multiple of the kernel's ${kernel.shape[nd]}`);
  const strides = perAxis(b.strides, nd);
  const dilations = perAxis(b.dilation_rate, nd);
  if (strides.some((s) => s > 1) && dilations.some((d) => d > 1)) throw new NotLowered('keras.ops.conv', 'strides > 1 with dilation_rate > 1 (TensorFlow refuses them together)');
  const weight = ops.transpose(t, kernel, [nd + 1, nd, ...Array.from({ length: nd }, (_, i) => i)]);
  const pads = padding(b, input.shape.slice(2), kernel.shape.slice(0, nd), strides, dilations);
  const y = ops.conv(t, input, weight, null, { strides, pads, dilations, groups });
  return channelsLast ? ops.transpose(t, y, [0, ...Array.from({ length: nd }, (_, i) => i + 2), 1]) : y;
}

function perAxis(value: Value, nd: number): number[] {
  return isSequence(value) ? toInts(value) : Array(nd).fill(toInt(value));
}

/** ONNX pads (all begins, then all ends) for Keras's 'valid' or TensorFlow's 'same'. */
function padding(b: BoundArgs, sizes: number[], kernel: number[], strides: number[], dilations: number[]): number[] {
  const mode = String(b.padding).toLowerCase();
  if (mode === 'valid') return Array(2 * sizes.length).fill(0);
  if (mode !== 'same') throw pyError('ValueError', `padding must be 'valid' or 'same', received: ${String(b.padding)}`);
  const totals = sizes.map((n, i) => Math.max((Math.ceil(n / strides[i]) - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - n, 0));
  return [...totals.map((p) => Math.floor(p / 2)), ...totals.map((p) => p - Math.floor(p / 2))];
}
