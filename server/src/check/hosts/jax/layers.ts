// flax.nnx layers with Flax 0.12's defaults (LayerNorm/RMSNorm/GroupNorm epsilon 1e-6, BatchNorm momentum 0.99 and
// epsilon 1e-5, Conv padding 'SAME'), channels-last as in Flax. Weights are drawn from the weight source at
// construction (the converted file's loader replaces them) and held by Param/BatchStat variables.
import { PyClass, PyInstance, pyError, type Kwargs, type Value } from '../../interp';
import { bindArgs, isNone, isSequence, toBool, toInt, toInts, toNumber, type BoundArgs } from '../../trace/args';
import type { InitHint } from '../../trace/host';
import * as ops from '../../trace/ops';
import { NotLowered, type Sym } from '../../trace/tracer';
import type { JaxContext } from './context';
import { windowPads } from './lax';
import { makeClass, method, variableValue, type NnxCore } from './nnx';
import { variance } from './reductions';

interface LayerSpec {
  signature: string;
  /** creates the parameters and public attributes from the bound constructor arguments */
  init(self: PyInstance, b: BoundArgs, make: Maker): void;
  call?: LayerMethod;
  /** its other methods (Embed.attend) */
  methods?: Record<string, LayerMethod>;
}

interface LayerMethod {
  signature: string;
  run(self: PyInstance, config: BoundArgs, b: BoundArgs): Sym;
}

interface Maker {
  param(self: PyInstance, name: string, shape: number[], init: InitHint): void;
  stat(self: PyInstance, name: string, shape: number[], value: number): void;
}

const NORM_COMMON = 'dtype=None, param_dtype=None, use_bias=True, use_scale=True, bias_init=None, scale_init=None';
const METADATA = 'promote_dtype=None, rngs=None, bias_metadata=None, scale_metadata=None';

export function createLayers(ctx: JaxContext, core: NnxCore): Record<string, PyClass> {
  const t = ctx.t;
  const arr = (self: PyInstance, name: string): Sym | undefined => {
    const v = self.attrs.get(name);
    return v instanceof PyInstance ? ctx.toSym(variableValue(v)) : undefined;
  };
  const make: Maker = {
    param: (self, name, shape, init) => self.attrs.set(name, core.variable(core.Param, ctx.wrap(ctx.drawWeight(`${self.cls.name}.${name}`, shape, init)))),
    stat: (self, name, shape, value) => self.attrs.set(name, core.variable(core.BatchStat, ctx.wrap(ops.full(t, shape, value, 'float32')))),
  };
  const affine = (self: PyInstance, y: Sym, featureShape: number[]) => {
    const scale = arr(self, 'scale');
    const bias = arr(self, 'bias');
    const scaled = scale ? ops.binary(t, 'Mul', y, ops.reshape(t, scale, featureShape)) : y;
    return bias ? ops.binary(t, 'Add', scaled, ops.reshape(t, bias, featureShape)) : scaled;
  };
  const normalize = (x: Sym, mean: Sym, v: Sym, eps: number) =>
    ops.binary(t, 'Mul', ops.binary(t, 'Sub', x, mean), ops.unary(t, 'Reciprocal', ops.unary(t, 'Sqrt', ops.binary(t, 'Add', v, ops.scalar(t, eps, x.dtype)))));
  const stats = (x: Sym, axes: number[], fast: boolean): [Sym, Sym] => {
    const mean = ops.reduce(t, 'ReduceMean', x, axes, true);
    if (!fast) return [mean, variance(ctx, x, axes, 0, true)];
    const meanOfSquares = ops.reduce(t, 'ReduceMean', ops.binary(t, 'Mul', x, x), axes, true);
    const v = ops.binary(t, 'Sub', meanOfSquares, ops.binary(t, 'Mul', mean, mean));
    return [mean, ops.binary(t, 'Max', v, ops.scalar(t, 0, x.dtype))];
  };
  const featureShapeOf = (x: Sym, axes: number[]) => x.shape.map((d, i) => (axes.map((a) => ops.normAxis(a, x.shape.length)).includes(i) ? d : 1));

  const specs: Record<string, LayerSpec> = {
    Linear: {
      signature: 'nnx.Linear(in_features, out_features, *, use_bias=True, dtype=None, param_dtype=None, precision=None, kernel_init=None, bias_init=None, dot_general=None, promote_dtype=None, preferred_element_type=None, rngs=None, kernel_metadata=None, bias_metadata=None)',
      init: (self, b, m) => {
        const [i, o] = [toInt(b.in_features), toInt(b.out_features)];
        m.param(self, 'kernel', [i, o], { kind: 'fanIn', fanIn: i });
        self.attrs.set('bias', null);
        if (toBool(b.use_bias)) m.param(self, 'bias', [o], { kind: 'zeros' });
      },
      call: { signature: 'Linear.__call__(inputs, out_sharding=None)', run: (self, _, b) => {
        const y = ops.matmul(t, ...ctx.promote(b.inputs, ctx.wrap(arr(self, 'kernel')!)));
        const bias = arr(self, 'bias');
        return bias ? ops.binary(t, 'Add', y, bias) : y;
      } },
    },
    Conv: {
      signature: 'nnx.Conv(in_features, out_features, kernel_size, strides=1, *, padding="SAME", input_dilation=1, kernel_dilation=1, feature_group_count=1, use_bias=True, mask=None, dtype=None, param_dtype=None, precision=None, kernel_init=None, bias_init=None, conv_general_dilated=None, promote_dtype=None, preferred_element_type=None, rngs=None, kernel_metadata=None, bias_metadata=None)',
      init: (self, b, m) => {
        const kernel = toInts(b.kernel_size);
        const [i, o, g] = [toInt(b.in_features), toInt(b.out_features), toInt(b.feature_group_count)];
        m.param(self, 'kernel', [...kernel, i / g, o], { kind: 'fanIn', fanIn: ops.size(kernel) * (i / g) });
        self.attrs.set('bias', null);
        if (toBool(b.use_bias)) m.param(self, 'bias', [o], { kind: 'zeros' });
      },
      call: { signature: 'Conv.__call__(inputs)', run: (self, config, b) => conv(ctx, ctx.toSym(b.inputs), arr(self, 'kernel')!, arr(self, 'bias'), config) },
    },
    LayerNorm: {
      signature: `nnx.LayerNorm(num_features, *, epsilon=1e-06, ${NORM_COMMON}, reduction_axes=-1, feature_axes=-1, axis_name=None, axis_index_groups=None, use_fast_variance=True, ${METADATA})`,
      init: (self, b, m) => normParams(self, b, m, true),
      call: { signature: 'LayerNorm.__call__(x, mask=None)', run: (self, c, b) => {
        if (!isNone(b.mask)) throw new NotLowered('nnx.LayerNorm', 'mask=');
        const x = ctx.toFloat(ctx.toSym(b.x));
        const [mean, v] = stats(x, toInts(c.reduction_axes), toBool(c.use_fast_variance));
        return affine(self, normalize(x, mean, v, toNumber(c.epsilon)), featureShapeOf(x, toInts(c.feature_axes)));
      } },
    },
    RMSNorm: {
      signature: `nnx.RMSNorm(num_features, *, epsilon=1e-06, dtype=None, param_dtype=None, use_scale=True, scale_init=None, reduction_axes=-1, feature_axes=-1, axis_name=None, axis_index_groups=None, use_fast_variance=True, ${METADATA})`,
      init: (self, b, m) => normParams(self, b, m, false),
      call: { signature: 'RMSNorm.__call__(x, mask=None)', run: (self, c, b) => {
        if (!isNone(b.mask)) throw new NotLowered('nnx.RMSNorm', 'mask=');
        const x = ctx.toFloat(ctx.toSym(b.x));
        const meanSquare = ops.reduce(t, 'ReduceMean', ops.binary(t, 'Mul', x, x), toInts(c.reduction_axes), true);
        return affine(self, normalize(x, ops.scalar(t, 0, x.dtype), meanSquare, toNumber(c.epsilon)), featureShapeOf(x, toInts(c.feature_axes)));
      } },
    },
    GroupNorm: {
      signature: `nnx.GroupNorm(num_features, num_groups=32, group_size=None, *, epsilon=1e-06, ${NORM_COMMON}, reduction_axes=None, axis_name=None, axis_index_groups=None, use_fast_variance=True, ${METADATA})`,
      init: (self, b, m) => {
        const n = toInt(b.num_features);
        const groups = isNone(b.group_size) ? toInt(b.num_groups) : n / toInt(b.group_size);
        if (!Number.isInteger(groups) || n % groups) throw new RangeError(`GroupNorm: ${n} features do not split into groups of that size`);
        self.attrs.set('num_groups', groups);
        normParams(self, b, m, true);
      },
      call: { signature: 'GroupNorm.__call__(x, mask=None)', run: (self, c, b) => {
        if (!isNone(b.mask) || !isNone(c.reduction_axes)) throw new NotLowered('nnx.GroupNorm', 'mask or reduction_axes');
        const x = ctx.toFloat(ctx.toSym(b.x));
        const groups = self.attrs.get('num_groups') as number;
        const channels = x.shape[x.shape.length - 1];
        const grouped = ops.reshape(t, x, [...x.shape.slice(0, -1), groups, channels / groups]);
        const axes = [...x.shape.slice(1, -1).map((_, i) => i + 1), grouped.shape.length - 1];
        const [mean, v] = stats(grouped, axes, toBool(c.use_fast_variance));
        const y = ops.reshape(t, normalize(grouped, mean, v, toNumber(c.epsilon)), x.shape);
        return affine(self, y, featureShapeOf(x, [-1]));
      } },
    },
    BatchNorm: {
      signature: `nnx.BatchNorm(num_features, *, use_running_average=False, axis=-1, momentum=0.99, epsilon=1e-05, ${NORM_COMMON}, axis_name=None, axis_index_groups=None, use_fast_variance=True, ${METADATA})`,
      init: (self, b, m) => {
        const n = toInt(b.num_features);
        m.stat(self, 'mean', [n], 0);
        m.stat(self, 'var', [n], 1);
        normParams(self, b, m, true);
        self.attrs.set('use_running_average', b.use_running_average);
        self.attrs.set('momentum', b.momentum);
        self.attrs.set('epsilon', b.epsilon);
      },
      call: { signature: 'BatchNorm.__call__(x, use_running_average=None, mask=None)', run: (self, c, b) => batchNorm(self, c, b) },
    },
    Embed: {
      signature: 'nnx.Embed(num_embeddings, features, *, dtype=None, param_dtype=None, embedding_init=None, promote_dtype=None, rngs=None, embedding_metadata=None)',
      init: (self, b, m) => {
        m.param(self, 'embedding', [toInt(b.num_embeddings), toInt(b.features)], { kind: 'normal' });
        self.attrs.set('num_embeddings', b.num_embeddings);
        self.attrs.set('features', b.features);
      },
      call: { signature: 'Embed.__call__(inputs, out_sharding=None)', run: (self, _, b) => {
        const indices = ctx.toSym(b.inputs);
        if (ops.isFloat(indices)) throw new TypeError('Input type must be an integer or unsigned integer.');
        return ops.gather(t, arr(self, 'embedding')!, indices, 0);
      } },
      // the embedding as an output projection (tied weights): query @ embedding.T, promoted as Flax does
      methods: { attend: { signature: 'Embed.attend(query, out_sharding=None)', run: (self, _, b) => {
        const embedding = arr(self, 'embedding')!;
        return ops.matmul(t, ...ctx.promote(ctx.wrap(ctx.toFloat(ctx.toSym(b.query))), ctx.wrap(ops.transpose(t, embedding, [1, 0]))));
      } } },
    },
    Dropout: {
      signature: 'nnx.Dropout(rate, *, broadcast_dims=(), deterministic=False, rng_collection="dropout", rngs=None)',
      init: (self, b) => {
        self.attrs.set('rate', b.rate);
        self.attrs.set('broadcast_dims', b.broadcast_dims);
        self.attrs.set('deterministic', b.deterministic);
      },
      call: { signature: 'Dropout.__call__(inputs, *, deterministic=None, rngs=None)', run: (self, _, b) => {
        const deterministic = toBool(isNone(b.deterministic) ? self.attrs.get('deterministic')! : b.deterministic);
        if (deterministic || toNumber(self.attrs.get('rate')!) === 0) return ctx.toSym(b.inputs);
        throw new NotLowered('nnx.Dropout', 'random masks in training mode');
      } },
    },
    MultiHeadAttention: {
      signature: 'nnx.MultiHeadAttention(num_heads, in_features, qkv_features=None, out_features=None, num_kv_heads=None, in_kv_features=None, *, dtype=None, param_dtype=None, broadcast_dropout=True, dropout_rate=0.0, deterministic=None, precision=None, kernel_init=None, out_kernel_init=None, bias_init=None, out_bias_init=None, use_bias=True, attention_fn=None, decode=None, normalize_qk=False, qkv_promote_dtype=None, out_promote_dtype=None, ln_promote_dtype=None, qkv_dot_general=None, out_dot_general=None, qkv_dot_general_cls=None, out_dot_general_cls=None, rngs=None, keep_rngs=True, kernel_metadata=None, out_kernel_metadata=None, bias_metadata=None, out_bias_metadata=None, query_ln_scale_metadata=None, key_ln_scale_metadata=None)',
      init: (self, b, m) => initAttention(self, b, m),
      call: { signature: 'MultiHeadAttention.__call__(inputs_q, inputs_k=None, inputs_v=None, *, mask=None, deterministic=None, rngs=None, sow_weights=False, decode=None, is_causal=False, out_sharding=None, qkv_sharding=None)', run: (self, _, b) => attention(self, b) },
    },
    ConvTranspose: {
      signature: 'nnx.ConvTranspose(in_features, out_features, kernel_size, strides=None, *, padding="SAME", kernel_dilation=None, use_bias=True, mask=None, dtype=None, param_dtype=None, precision=None, kernel_init=None, bias_init=None, transpose_kernel=False, promote_dtype=None, preferred_element_type=None, rngs=None, kernel_metadata=None, bias_metadata=None)',
      init: () => {
        throw new NotLowered('nnx.ConvTranspose');
      },
    },
  };

  // nnx.MultiHeadAttention holds its projections as LinearGeneral submodules (query, key, value: [in, heads, head_dim];
  // out: [heads, head_dim, out]), which is where nnx.state finds their weights
  const LinearGeneral = makeClass('LinearGeneral', [core.Module], {
    __call__: method('__call__', () => {
      throw new NotLowered('nnx.LinearGeneral');
    }),
  });

  function initAttention(self: PyInstance, b: BoundArgs, m: Maker): void {
    const unsupported = ['num_kv_heads', 'attention_fn', 'qkv_dot_general', 'out_dot_general', 'qkv_dot_general_cls', 'out_dot_general_cls'].find((k) => !isNone(b[k]));
    if (unsupported) throw new NotLowered('nnx.MultiHeadAttention', `${unsupported}=`);
    if (toBool(b.normalize_qk)) throw new NotLowered('nnx.MultiHeadAttention', 'normalize_qk=True');
    if (!isNone(b.decode) && toBool(b.decode)) throw new NotLowered('nnx.MultiHeadAttention', 'decode=True (a key/value cache)');
    const features = (v: Value, fallback: number) => (isNone(v) ? fallback : toInt(v));
    const inputs = toInt(b.in_features);
    const [qkv, out, kvInputs, heads] = [features(b.qkv_features, inputs), features(b.out_features, inputs), features(b.in_kv_features, inputs), toInt(b.num_heads)];
    if (qkv % heads) throw pyError('ValueError', 'Memory dimension must be divisible by number of heads.');
    const depth = qkv / heads;
    const projection = (name: string, kernel: number[], bias: number[], fanIn: number) => {
      const child = new PyInstance(LinearGeneral);
      m.param(child, 'kernel', kernel, { kind: 'fanIn', fanIn });
      child.attrs.set('bias', null);
      if (toBool(b.use_bias)) m.param(child, 'bias', bias, { kind: 'zeros' });
      self.attrs.set(name, child);
    };
    projection('query', [inputs, heads, depth], [heads, depth], inputs);
    projection('key', [kvInputs, heads, depth], [heads, depth], kvInputs);
    projection('value', [kvInputs, heads, depth], [heads, depth], kvInputs);
    projection('out', [heads, depth, out], [out], qkv);
    for (const [k, v] of [['num_heads', heads], ['head_dim', depth], ['dropout_rate', b.dropout_rate], ['deterministic', b.deterministic]] as const) self.attrs.set(k, v);
  }

  /** Flax's dot_product_attention: softmax(q / sqrt(head_dim) . k) over the keys, a False mask entry scoring the
   *  dtype's most negative value; dropout only where deterministic (eval mode) or a zero rate makes it the identity. */
  function attention(self: PyInstance, b: BoundArgs): Sym {
    if (toBool(b.is_causal)) throw new NotLowered('nnx.MultiHeadAttention', 'is_causal=True');
    if (toBool(b.sow_weights) || (!isNone(b.decode) && toBool(b.decode))) throw new NotLowered('nnx.MultiHeadAttention', 'sow_weights or decode');
    const rate = toNumber(self.attrs.get('dropout_rate')!);
    const deterministic = isNone(b.deterministic) ? self.attrs.get('deterministic')! : b.deterministic;
    if (rate > 0 && !(deterministic !== null && toBool(deterministic))) throw new NotLowered('nnx.MultiHeadAttention', 'attention dropout in training mode (random masks)');
    if (isNone(b.inputs_k) && !isNone(b.inputs_v)) throw pyError('ValueError', '`inputs_k` cannot be None if `inputs_v` is not None.');
    const q = ctx.toFloat(ctx.toSym(b.inputs_q));
    const k = isNone(b.inputs_k) ? q : ctx.toFloat(ctx.toSym(b.inputs_k));
    const v = isNone(b.inputs_v) ? k : ctx.toFloat(ctx.toSym(b.inputs_v));
    const [heads, depth] = [toInt(self.attrs.get('num_heads')!), toInt(self.attrs.get('head_dim')!)];
    const weights = (name: string) => ({ kernel: arr(self.attrs.get(name) as PyInstance, 'kernel')!, bias: arr(self.attrs.get(name) as PyInstance, 'bias') });
    const headsFirst = (x: Sym) => ops.swapAxes(t, x, -3, -2);
    // x [..., length, in] → [..., heads, length, head_dim]
    const project = (name: string, x: Sym) => {
      const { kernel, bias } = weights(name);
      const y = ops.matmul(t, x, ops.reshape(t, kernel, [kernel.shape[0], heads * depth]));
      const biased = bias ? ops.binary(t, 'Add', y, ops.reshape(t, bias, [heads * depth])) : y;
      return headsFirst(ops.reshape(t, biased, [...x.shape.slice(0, -1), heads, depth]));
    };
    const query = ops.binary(t, 'Div', project('query', q), ops.scalar(t, Math.sqrt(depth), q.dtype));
    let scores = ops.matmul(t, query, ops.swapAxes(t, project('key', k), -2, -1));
    if (!isNone(b.mask)) scores = ops.where(t, ctx.toSym(b.mask), scores, ops.scalar(t, -3.4028234663852886e38, scores.dtype));
    const mixed = headsFirst(ops.matmul(t, ops.softmax(t, 'Softmax', scores, -1), project('value', v)));
    const { kernel, bias } = weights('out');
    const y = ops.matmul(t, ops.reshape(t, mixed, [...mixed.shape.slice(0, -2), heads * depth]), ops.reshape(t, kernel, [heads * depth, kernel.shape[2]]));
    return bias ? ops.binary(t, 'Add', y, bias) : y;
  }

  function normParams(self: PyInstance, b: BoundArgs, m: Maker, hasBias: boolean): void {
    const n = toInt(b.num_features);
    self.attrs.set('scale', null);
    if (hasBias) self.attrs.set('bias', null);
    if (toBool(b.use_scale)) m.param(self, 'scale', [n], { kind: 'ones' });
    if (hasBias && toBool(b.use_bias)) m.param(self, 'bias', [n], { kind: 'zeros' });
  }

  function batchNorm(self: PyInstance, c: BoundArgs, b: BoundArgs): Sym {
    if (!isNone(b.mask)) throw new NotLowered('nnx.BatchNorm', 'mask=');
    const x = ctx.toFloat(ctx.toSym(b.x));
    const feature = ops.normAxis(toInt(c.axis), x.shape.length);
    const axes = x.shape.map((_, i) => i).filter((i) => i !== feature);
    const featureShape = featureShapeOf(x, [feature]);
    const running = toBool(isNone(b.use_running_average) ? self.attrs.get('use_running_average')! : b.use_running_average);
    const [meanVar, varVar] = [self.attrs.get('mean') as PyInstance, self.attrs.get('var') as PyInstance];
    let [mean, v] = [ops.reshape(t, ctx.toSym(variableValue(meanVar)), featureShape), ops.reshape(t, ctx.toSym(variableValue(varVar)), featureShape)];
    if (!running) {
      [mean, v] = stats(x, axes, toBool(c.use_fast_variance));
      const momentum = toNumber(self.attrs.get('momentum')!);
      const update = (stat: PyInstance, batch: Sym) => {
        const old = ctx.toSym(variableValue(stat));
        const mixed = ops.binary(t, 'Add', ops.binary(t, 'Mul', old, ops.scalar(t, momentum, old.dtype)), ops.binary(t, 'Mul', ops.reshape(t, batch, old.shape), ops.scalar(t, 1 - momentum, old.dtype)));
        stat.hostState = { value: ctx.wrap(mixed) };
      };
      update(meanVar, mean);
      update(varVar, v);
    }
    return affine(self, normalize(x, mean, v, toNumber(self.attrs.get('epsilon')!)), featureShape);
  }

  return Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, layerClass(ctx, core, name, spec, make)]));
}

function layerClass(ctx: JaxContext, core: NnxCore, name: string, spec: LayerSpec, make: Maker): PyClass {
  const methods = Object.entries(spec.methods ?? {}).map(([methodName, m]) => [methodName, method(methodName, (self, args, kwargs) =>
    ctx.wrap(m.run(self, self.hostState as BoundArgs, bindArgs(m.signature, args, kwargs))))]);
  return makeClass(name, [core.Module], {
    ...Object.fromEntries(methods),
    __init__: method('__init__', (self, args: Value[], kwargs: Kwargs) => {
      const b = bindArgs(spec.signature, args, kwargs);
      if (!isNone(b.param_dtype ?? null) && ctx.dtypeOf(b.param_dtype) !== 'float32') throw new NotLowered(`nnx.${name}`, 'param_dtype other than float32');
      if (!isNone(b.dtype ?? null) && ctx.dtypeOf(b.dtype) !== 'float32') throw new NotLowered(`nnx.${name}`, 'dtype other than float32');
      self.hostState = b;
      spec.init(self, b, make);
      return null;
    }),
    __call__: method('__call__', (self, args, kwargs) => {
      if (!spec.call) throw new NotLowered(`nnx.${name}`);
      return ctx.wrap(spec.call.run(self, self.hostState as BoundArgs, bindArgs(spec.call.signature, args, kwargs)));
    }),
  });
}

/** Flax's padding forms for Conv: 'SAME', 'VALID', 'CAUSAL' (1-D), an int, ints, or (low, high) pairs. */
function convPads(padding: Value, x: Sym, kernel: number[], strides: number[], dilations: number[]): Array<[number, number]> {
  const nd = kernel.length;
  if (padding === 'CAUSAL') {
    if (nd !== 1) throw new RangeError("Causal padding is only implemented for 1D convolutions.");
    return [[dilations[0] * (kernel[0] - 1), 0]];
  }
  if (typeof padding === 'string') return windowPads(padding, [...x.shape.slice(2)], kernel, strides, dilations);
  if (!isSequence(padding)) return Array(nd).fill([toInt(padding), toInt(padding)]);
  return padding.items.map((p) => (isSequence(p) ? (toInts(p) as [number, number]) : [toInt(p), toInt(p)]));
}

const PAD_MODES: Record<string, 'wrap' | 'reflect'> = { CIRCULAR: 'wrap', REFLECT: 'reflect' };

/** Flax pads 'CIRCULAR' and 'REFLECT' convolutions itself, (k - 1) // 2 before and k // 2 after (k the dilated
 *  kernel), then convolves 'VALID'; other paddings leave x as it is. */
function padByMode(ctx: JaxContext, x: Sym, padding: Value, kernel: number[], dilations: number[]): Sym {
  const mode = typeof padding === 'string' ? PAD_MODES[padding] : undefined;
  if (!mode) return x;
  const spans = kernel.map((k, i) => (k - 1) * dilations[i] + 1);
  const [before, after] = [spans.map((k) => Math.floor((k - 1) / 2)), spans.map((k) => Math.floor(k / 2))];
  if ([...before, ...after].some((p, i) => p >= x.shape[2 + (i % kernel.length)] + (mode === 'wrap' ? 1 : 0))) {
    throw new NotLowered('nnx.Conv', `padding='${String(padding)}' wider than the input`);
  }
  return ops.pad(ctx.t, x, [0, 0, ...before], [0, 0, ...after], mode, null);
}

/** nnx.Conv on channels-last input: moved to channels-first for ONNX and back. */
function conv(ctx: JaxContext, input: Sym, kernel: Sym, bias: Sym | undefined, c: BoundArgs): Sym {
  const t = ctx.t;
  const nd = kernel.shape.length - 2;
  if (!isNone(c.mask)) throw new NotLowered('nnx.Conv', 'mask=');
  if (toInts(c.input_dilation, nd).some((d) => d !== 1)) throw new NotLowered('nnx.Conv', 'input_dilation');
  const batch = input.shape.slice(0, input.shape.length - nd - 1);
  const x = ops.reshape(t, ctx.toFloat(input), [ops.size(batch), ...input.shape.slice(-nd - 1)]);
  const channelsFirst = ops.transpose(t, x, [0, nd + 1, ...Array.from({ length: nd }, (_, i) => i + 1)]);
  const w = ops.transpose(t, kernel, [nd + 1, nd, ...Array.from({ length: nd }, (_, i) => i)]);
  const strides = toInts(isNone(c.strides) ? 1 : c.strides, nd);
  const dilations = toInts(isNone(c.kernel_dilation) ? 1 : c.kernel_dilation, nd);
  const kernelSize = [...kernel.shape.slice(0, nd)];
  const padded = padByMode(ctx, channelsFirst, c.padding, kernelSize, dilations);
  const pads = padded === channelsFirst ? convPads(c.padding, channelsFirst, kernelSize, strides, dilations) : kernelSize.map((): [number, number] => [0, 0]);
  const y = ops.conv(t, padded, w, bias ?? null, { strides, dilations, groups: toInt(c.feature_group_count), pads: [...pads.map((p) => p[0]), ...pads.map((p) => p[1])] });
  const channelsLast = ops.transpose(t, y, [0, ...Array.from({ length: nd }, (_, i) => i + 2), 1]);
  return ops.reshape(t, channelsLast, [...batch, ...channelsLast.shape.slice(1)]);
}
