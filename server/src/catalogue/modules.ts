// torch.nn module classes and their Flax NNX counterparts. Layers with parameters become nnx layers (or prelude
// modules that keep PyTorch's parameter names and layouts); stateless layers become the function they apply.
import { type Arg, type Lit, numValue, pyRepr } from '../pyvalue';
import { f32 } from './define';
import { nnOps } from './ops/nn';
import { bind, BindError, type Bound, parseSignature } from './signature';
import type { ConformanceCase, Emitter, ModuleEntry } from './types';

const FACTORY = 'device=None, dtype=None';
const FACTORY_NOTE = 'device= is dropped (JAX places arrays itself); parameters are float32, and dtype= is not converted';
const LOADER_NOTE = 'initial values differ from PyTorch: port trained weights with load_torch_state_dict';

/** Modules are built in float32: a dtype= request is left to the user rather than dropped silently. */
function checkFactory(a: Bound, e: Emitter) {
  if (a.dtype && a.dtype.lit !== null) e.unsupported('dtype= is not converted: build the layer, then cast its parameters');
}

function lit(arg: Arg, e: Emitter, what: string): Lit {
  if (arg.lit === undefined) e.unsupported(`${what} must be a literal value here`);
  return arg.lit!;
}

/**
 * Keyword arguments for a prelude module that takes PyTorch's own parameters with PyTorch's defaults: each is passed
 * under its torch name and left out where it is the default in `signature`.
 */
function torchKeywords(a: Bound, signature: string, names: string[]): Record<string, [Arg, string]> {
  const params = parseSignature(signature).params;
  return Object.fromEntries(names.map((name) => [name, [a[name], params.find((p) => p.name === name)!.defaultText!]]));
}

/** `(lambda x: body)`, or just `fn` when the body is `fn(x)`; parameters avoid the names the arguments use. */
function lambdaOf(a: Bound, body: (...names: string[]) => string, params = ['x']): string {
  const used = (name: string) => Object.values(a).some((arg) => new RegExp(`\\b${name}\\b`).test(arg.text));
  const names = params.map((name) => {
    while (used(name)) name += '_';
    return name;
  });
  const text = body(...names);
  const plain = new RegExp(`^([\\w.]+)\\(${names.join(', ')}\\)$`).exec(text);
  return plain ? plain[1] : `(lambda ${names.join(', ')}: ${text})`;
}

/** The torch.nn.functional catalogue entries by path, for modules whose forward is one of them. */
const functionalOps = new Map(nnOps.flatMap((op) => op.torch.map((text) => [parseSignature(text).path, { op, sig: parseSignature(text) }] as const)));

/**
 * A module whose forward is `F.fn(inputs..., **constructor arguments)` becomes a lambda over the inputs with the
 * functional entry's own conversion; `forwarded` maps the functional's parameter names to constructor ones.
 */
function viaFunctional(name: string, params: string, fn: string, inputs: string[], forwarded: Record<string, string>, tests: ConformanceCase[], notes: string[] = [], check?: (a: Bound, e: Emitter) => void): ModuleEntry {
  const path = `torch.nn.functional.${fn}`;
  const target = functionalOps.get(path);
  return {
    name,
    torch: `torch.nn.${name}(${params})`,
    jax: (a, e) => {
      if (!target) return e.unsupported(`${path} is not in the catalogue`);
      check?.(a, e);
      return lambdaOf(a, (...names) => {
        const keywords = Object.fromEntries(Object.entries(forwarded).map(([param, ctor]) => [param, a[ctor]]));
        try {
          return target.op.jax(bind(target.sig, names.map((n) => ({ text: n, tensor: true })), keywords), e);
        } catch (err) {
          if (err instanceof BindError) e.unsupported(err.message);
          throw err;
        }
      }, inputs);
    },
    jaxSpelling: `lambda ${inputs.join(', ')}: ${target?.op.jaxSpelling ?? path}`,
    notes: [`the module applies ${fn}: ${target?.op.jaxSpelling ?? path}`, ...notes, ...(target?.op.notes ?? [])],
    tests,
  };
}

/** Constructor parameters forwarded under the same name. */
const same = (...names: string[]) => Object.fromEntries(names.map((n) => [n, n]));
const REDUCTION = 'size_average=None, reduce=None, reduction=\'mean\'';
const pairOf = (shape: string, range = '') => [f32(shape, 'x', range), f32(shape, 'y', range)];

function loss(name: string, params: string, fn: string, inputs: string[], tests: ConformanceCase[]): ModuleEntry {
  const names = params.split(',').map((p) => p.trim().split('=')[0].replace(/^\*$/, '')).filter(Boolean);
  const buffers: string[] = names.filter((n) => n === 'weight' || n === 'pos_weight');
  const check = (a: Bound, e: Emitter) => {
    for (const b of buffers) if (a[b].lit !== null) e.unsupported(`${b}= is a buffer of the PyTorch module: call F.${fn} with it instead`);
  };
  return viaFunctional(name, params, fn, inputs, same(...names.filter((n) => !buffers.includes(n))), tests,
    buffers.length ? [`${buffers.join('= and ')}= (module buffers in PyTorch) are not converted`] : [], check);
}

/** Loss cases: the default, plus reductions 'sum' and 'none'. */
function lossCases(name: string, inputs: string[], extra = ''): ConformanceCase[] {
  return [
    { torch: `nn.${name}()`, inputs },
    { torch: `nn.${name}(reduction='sum'${extra})`, inputs },
    { torch: `nn.${name}(reduction='none')`, inputs },
  ];
}

/** A module whose forward is a pure function of one input becomes that function. */
function pure(name: string, params: string, emit: (a: Bound, x: string, e: Emitter) => string, jaxSpelling: string, tests: ConformanceCase[], notes?: string[]): ModuleEntry {
  return { name, torch: `torch.nn.${name}(${params})`, jax: (a, e) => lambdaOf(a, (x) => emit(a, x, e)), jaxSpelling, notes, tests };
}

/** An activation: default and non-default constructions, on inputs wide enough to cross its thresholds. */
function activation(name: string, params: string, emit: (a: Bound, x: string, e: Emitter) => string, jaxSpelling: string, ctors: string[], notes?: string[]): ModuleEntry {
  const tests = ctors.map((ctor, i) => ({ torch: `nn.${ctor}`, inputs: [f32(i % 2 ? '2,3,4' : '3,5', 'x', '-5..5')] }));
  return pure(name, params, emit, jaxSpelling, tests, notes);
}

/** Softmax-like modules: dim=None picks PyTorch's legacy implicit dim (0 for 0-, 1- and 3-D input, else 1). */
function softmaxLike(name: string, jaxFn: string, negate = false): ModuleEntry {
  return pure(
    name,
    'dim=None',
    (a, x, e) => {
      const axis = a.dim.lit === null ? `0 if ${x}.ndim in (0, 1, 3) else 1` : a.dim.text;
      return e.call(jaxFn, [negate ? `-${x}` : x], { axis });
    },
    `${jaxFn}(${negate ? '-x' : 'x'}, axis=dim)`,
    [
      { torch: `nn.${name}(dim=1)`, inputs: [f32('3,4')] },
      { torch: `nn.${name}(-1)`, inputs: [f32('2,3,4')] },
      { torch: `nn.${name}()`, inputs: [f32('2,3,4')] },
      { torch: `nn.${name}()`, inputs: [f32('2,3')] },
    ],
    ['dim=None uses PyTorch\'s implicit dim (0 for 0-, 1- and 3-D inputs, otherwise 1), written out explicitly'],
  );
}

/** Both flags, folded where either is a literal (an affine layer's bias exists only when affine and bias hold). */
function both(x: Arg, y: Arg): Arg | string {
  if (x.lit === false || y.lit === false) return 'False';
  if (x.lit === true) return y;
  if (y.lit === true) return x;
  return `(${x.text} and ${y.text})`;
}

/** `(k, k)` for an int, the tuple as written, or a runtime check when the value is not literal. */
function ntuple(arg: Arg, n: number): string {
  if (typeof arg.lit === 'number') return pyRepr(Array(n).fill(arg.lit));
  if (Array.isArray(arg.lit) || n === 1) return arg.text;
  return `(${arg.text} if isinstance(${arg.text}, (tuple, list)) else (${arg.text},) * ${n})`;
}

/** torch's 'same' / 'valid' in lax's spelling; ints and tuples mean the same in both. */
function convPadding(arg: Arg): string {
  return typeof arg.lit === 'string' ? pyRepr(arg.lit.toUpperCase()) : arg.text;
}

/** Case text for a per-dim argument: `first` for 1-D, else `(first, rest, ...)`. */
const spatial = (nd: number, first: number, rest: number) => (nd === 1 ? `${first}` : `(${[first, ...Array(nd - 1).fill(rest)].join(', ')})`);

/** Literal per-dim values of an int-or-tuple argument, or undefined. */
function perDim(arg: Arg, nd: number): number[] | undefined {
  if (typeof arg.lit === 'number') return Array(nd).fill(arg.lit);
  return Array.isArray(arg.lit) && arg.lit.every((v) => typeof v === 'number') ? (arg.lit as number[]) : undefined;
}

/**
 * nnx.Conv's padding: torch's amounts as they are for 'zeros'; for 'reflect' and 'circular', Flax's own 'REFLECT' /
 * 'CIRCULAR', which pad (k_eff - 1) / 2 on each side, so only where torch pads exactly that much.
 */
function convPaddingFor(a: Bound, e: Emitter, nd: number): string {
  const mode = lit(a.padding_mode, e, 'padding_mode');
  if (mode === 'zeros') return convPadding(a.padding);
  const flax = ({ reflect: 'REFLECT', circular: 'CIRCULAR' } as Record<string, string>)[mode as string];
  const [k, d, p] = [perDim(a.kernel_size, nd), perDim(a.dilation, nd), perDim(a.padding, nd)];
  const centered = k && d && p && k.every((ki, i) => (d[i] * (ki - 1)) % 2 === 0 && p[i] === (d[i] * (ki - 1)) / 2);
  if (!flax || !centered) e.unsupported(`padding_mode=${a.padding_mode.text} is converted only for 'reflect' and 'circular' with literal padding = dilation * (kernel_size - 1) / 2`);
  return `'${flax}'`;
}

function conv(nd: number): ModuleEntry {
  const name = `Conv${nd}d`;
  const shape = ['2,3,10', '2,3,8,9', '2,3,5,6,7'][nd - 1];
  const unbatched = ['3,10', '3,8,9', '3,5,6,7'][nd - 1];
  return {
    name,
    torch: `torch.nn.${name}(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros', ${FACTORY})`,
    jax: (a, e) => {
      checkFactory(a, e);
      const layer = e.call('nnx.Conv', [a.in_channels, a.out_channels], {
        kernel_size: ntuple(a.kernel_size, nd),
        strides: [a.stride, '1'],
        padding: convPaddingFor(a, e, nd),
        kernel_dilation: [a.dilation, '1'],
        feature_group_count: [a.groups, '1'],
        use_bias: [a.bias, 'True'],
        rngs: 'rngs',
      });
      return `${e.helper('ChannelsFirst')}(${layer}, spatial_dims=${nd})`;
    },
    jaxSpelling: `ChannelsFirst(nnx.Conv(in_features, out_features, kernel_size, strides, padding, kernel_dilation, feature_group_count, use_bias))`,
    notes: [
      'channels-first data is kept: ChannelsFirst moves the channels last around the channels-last nnx.Conv',
      `weight (out, in/groups, *kernel) is stored as kernel (*kernel, in/groups, out); load_torch_state_dict transposes it`,
      "padding is always passed: nnx.Conv defaults to 'SAME', PyTorch to 0",
      "padding_mode 'reflect' / 'circular' become Flax's 'REFLECT' / 'CIRCULAR' where the padding centres the kernel; 'replicate' is not converted",
      FACTORY_NOTE,
      LOADER_NOTE,
    ],
    tests: [
      { torch: `nn.${name}(3, 4, 3)`, inputs: [f32(shape)] },
      { torch: `nn.${name}(3, 4, 3, padding=1, padding_mode='reflect')`, inputs: [f32(shape)] },
      { torch: `nn.${name}(3, 4, 3, stride=2, padding=2, dilation=2, padding_mode='circular')`, inputs: [f32(shape)] },
      { torch: `nn.${name}(3, 6, 3, stride=2, padding=1, bias=False)`, inputs: [f32(shape)] },
      { torch: `nn.${name}(3, 6, ${spatial(nd, 4, 3)}, padding='same', dilation=2, groups=3)`, inputs: [f32(shape)] },
      { torch: `nn.${name}(3, 2, 3, padding='valid', dilation=${nd === 1 ? 3 : spatial(nd, 1, 2)})`, inputs: [f32(shape)] },
      { torch: `nn.${name}(3, 4, ${nd === 1 ? '(3,)' : spatial(nd, 3, 2)}, padding=${nd === 1 ? '(2,)' : spatial(nd, 1, 2)}, stride=${spatial(nd, 2, 1)})`, inputs: [f32(unbatched)] },
    ],
  };
}

function convTranspose(nd: number): ModuleEntry {
  const name = `ConvTranspose${nd}d`;
  const shape = ['2,4,7', '2,4,5,6', '1,4,3,4,5'][nd - 1];
  const unbatched = ['4,7', '4,5,6', '4,3,4,5'][nd - 1];
  const torch = `torch.nn.${name}(in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros', ${FACTORY})`;
  return {
    name,
    torch,
    jax: (a, e) => {
      checkFactory(a, e);
      if (lit(a.padding_mode, e, 'padding_mode') !== 'zeros') e.unsupported(`padding_mode=${a.padding_mode.text} is not converted (only 'zeros')`);
      const keywords = torchKeywords(a, torch, ['stride', 'padding', 'output_padding', 'groups', 'bias', 'dilation']);
      return e.call(e.helper('ConvTranspose'), [a.in_channels, a.out_channels, a.kernel_size], { ...keywords, nd: String(nd), rngs: 'rngs' });
    },
    jaxSpelling: `ConvTranspose(in_channels, out_channels, kernel_size, stride, padding, output_padding, groups, bias, dilation, nd=${nd})`,
    notes: ['a prelude module over lax.conv_general_dilated that keeps PyTorch\'s weight layout (in, out/groups, *kernel) and channels-first data', FACTORY_NOTE, LOADER_NOTE],
    tests: [
      { torch: `nn.${name}(4, 3, 3)`, inputs: [f32(shape)] },
      { torch: `nn.${name}(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2)`, inputs: [f32(shape)] },
      { torch: `nn.${name}(4, 2, ${spatial(nd, 2, 3)}, stride=${spatial(nd, 3, 2)}, padding=${spatial(nd, 0, 1)}, output_padding=${spatial(nd, 1, 0)}, dilation=${spatial(nd, 2, 1)}, bias=False)`, inputs: [f32(shape)] },
      { torch: `nn.${name}(4, 2, 2, stride=2)`, inputs: [f32(unbatched)] },
    ],
  };
}

const NORM_NOTE = 'a prelude module with PyTorch\'s parameters and buffers (weight, bias, running_mean, running_var, num_batches_tracked)';

/** nn.BatchNorm1d/2d/3d (nd) or nn.SyncBatchNorm (nd 0: any rank), on inputs of each rank they take. */
function batchNorm(nd: number): ModuleEntry {
  const name = nd ? `BatchNorm${nd}d` : 'SyncBatchNorm';
  const shapes = [['4,3', '4,3,5,6'], ['4,3', '4,3,5'], ['4,3,5,6'], ['2,3,4,5,3']][nd];
  const cases = (ctor: string, train?: boolean) => shapes.map((s) => ({ torch: `nn.${name}(${ctor})`, inputs: [f32(s)], ...(train ? { train } : {}) }));
  const torch = `torch.nn.${name}(num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True${nd ? '' : ', process_group=None'}, ${FACTORY}, *, bias=True)`;
  return {
    name,
    torch,
    jax: (a, e) => {
      checkFactory(a, e);
      return e.call(e.helper('BatchNorm'), [a.num_features], torchKeywords(a, torch, ['eps', 'momentum', 'affine', 'track_running_stats', 'bias']));
    },
    jaxSpelling: 'BatchNorm(num_features, eps, momentum, affine, track_running_stats, bias)',
    notes: [
      NORM_NOTE,
      'running statistics follow PyTorch exactly: running = (1 - momentum) * running + momentum * batch, with the unbiased batch variance (nnx.BatchNorm would use momentum = 1 - torch momentum and the biased variance); momentum=None is a cumulative average',
      'nnx model.train() / model.eval() switch between batch statistics and running statistics, like PyTorch',
      ...(nd ? [] : ['statistics are over the batch the module sees: a jit over a sharded batch reduces over all of it, like SyncBatchNorm; under pmap or shard_map each device keeps its own; process_group is ignored']),
      FACTORY_NOTE,
    ],
    tests: [
      ...cases('3'),
      ...cases('3', true),
      ...cases('3, eps=1e-3, momentum=None, affine=False', true),
      ...cases('3, affine=False, track_running_stats=False'),
      ...cases('3, bias=False, momentum=0.5', true),
    ],
  };
}

function instanceNorm(nd: number): ModuleEntry {
  const name = `InstanceNorm${nd}d`;
  const shape = ['2,3,6', '2,3,4,5', '2,3,3,4,3'][nd - 1];
  const unbatched = ['3,6', '3,4,5', '3,3,4,3'][nd - 1];
  const torch = `torch.nn.${name}(num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False, ${FACTORY}, *, bias=True)`;
  return {
    name,
    torch,
    jax: (a, e) => {
      checkFactory(a, e);
      const keywords = torchKeywords(a, torch, ['eps', 'momentum', 'affine', 'track_running_stats', 'bias']);
      return e.call(e.helper('InstanceNorm'), [a.num_features], { ...keywords, nd: String(nd) });
    },
    jaxSpelling: `InstanceNorm(num_features, eps, momentum, affine, track_running_stats, bias, nd=${nd})`,
    notes: [NORM_NOTE, 'affine defaults to False, as in PyTorch; with track_running_stats the running statistics average the per-sample ones', FACTORY_NOTE],
    tests: [
      { torch: `nn.${name}(3)`, inputs: [f32(shape)] },
      { torch: `nn.${name}(3)`, inputs: [f32(unbatched)] },
      { torch: `nn.${name}(3, affine=True, eps=1e-3)`, inputs: [f32(shape)], train: true },
      { torch: `nn.${name}(3, affine=True, track_running_stats=True, bias=False)`, inputs: [f32(shape)] },
      { torch: `nn.${name}(3, track_running_stats=True, momentum=0.3)`, inputs: [f32(shape)], train: true },
    ],
  };
}

/** nn.LayerNorm / nn.RMSNorm normalized_shape: an int, or a literal sequence of trailing dims. */
function normalizedShape(arg: Arg): { features: string; axes?: string } {
  if (!Array.isArray(arg.lit)) return { features: arg.text };
  const dims = arg.lit.map((d) => numValue(d as Lit));
  if (dims.length === 1) return { features: String(dims[0]) };
  const axes = pyRepr(dims.map((_, i) => i - dims.length));
  return { features: String(dims.reduce((p, d) => p! * d!, 1)), axes };
}

function pool(kind: 'Max' | 'Avg', nd: number): ModuleEntry {
  const name = `${kind}Pool${nd}d`;
  const params = kind === 'Max'
    ? 'kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False'
    : `kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True${nd > 1 ? ', divisor_override=None' : ''}`;
  const shape = ['2,3,9', '2,3,7,9', '1,2,5,6,7'][nd - 1];
  const common = [
    { torch: `nn.${name}(2)`, inputs: [f32(shape)] },
    { torch: `nn.${name}(3, stride=2, padding=1, ceil_mode=True)`, inputs: [f32(shape)] },
    { torch: `nn.${name}(${spatial(nd, 3, 3)}, stride=1)`, inputs: [f32(shape.split(',').slice(1).join(','))] },
  ];
  const specific = kind === 'Max'
    ? [{ torch: `nn.${name}(2, stride=1, padding=1, dilation=2)`, inputs: [f32(shape, 'x', '-5..-1')] }]
    : [
        { torch: `nn.${name}(3, stride=2, padding=1, count_include_pad=False, ceil_mode=True)`, inputs: [f32(shape)] },
        ...(nd > 1 ? [{ torch: `nn.${name}(2, divisor_override=3)`, inputs: [f32(shape)] }] : []),
      ];
  return pure(
    name,
    params,
    (a, x, e) => {
      if (kind === 'Max' && lit(a.return_indices, e, 'return_indices') !== false) e.unsupported('return_indices=True is not converted');
      const keywords: Record<string, [Arg, string]> = {
        stride: [a.stride, 'None'],
        padding: [a.padding, '0'],
        ceil_mode: [a.ceil_mode, 'False'],
      };
      if (kind === 'Max') keywords.dilation = [a.dilation, '1'];
      else {
        keywords.count_include_pad = [a.count_include_pad, 'True'];
        if (a.divisor_override) keywords.divisor_override = [a.divisor_override, 'None'];
      }
      return e.call(e.helper('pool_nd'), [x, String(nd), `'${kind.toLowerCase()}'`, a.kernel_size], keywords);
    },
    `pool_nd(x, ${nd}, '${kind.toLowerCase()}', kernel_size, stride, padding, ...)`,
    [...common, ...specific],
    ['stride=None means stride=kernel_size (Flax pools default to stride 1); ceil_mode and padding follow PyTorch, including its rule that a last window must start inside the input or left padding'],
  );
}

function lpPool(nd: number): ModuleEntry {
  const name = `LPPool${nd}d`;
  const shape = ['2,3,9', '2,3,7,9', '1,2,5,6,7'][nd - 1];
  return pure(
    name,
    'norm_type, kernel_size, stride=None, ceil_mode=False',
    (a, x, e) => e.call(e.helper('lp_pool_nd'), [x, String(nd), a.norm_type, a.kernel_size], { stride: [a.stride, 'None'], ceil_mode: [a.ceil_mode, 'False'] }),
    `lp_pool_nd(x, ${nd}, norm_type, kernel_size, stride, ceil_mode)`,
    [
      { torch: `nn.${name}(2, 3)`, inputs: [f32(shape)] },
      { torch: `nn.${name}(1.5, 2, stride=1, ceil_mode=True)`, inputs: [f32(shape, 'x', '0..2')] },
      { torch: `nn.${name}(3, 2, 3, True)`, inputs: [f32(shape.split(',').slice(1).join(','))] },
    ],
    ['computed as PyTorch does: (avg_pool(x ** p) * kernel volume) ** (1 / p), so a window cut short by ceil_mode is rescaled like its average'],
  );
}

function adaptivePool(kind: 'Max' | 'Avg', nd: number): ModuleEntry {
  const name = `Adaptive${kind}Pool${nd}d`;
  const shape = ['2,3,10', '2,3,7,9', '1,2,5,6,7'][nd - 1];
  const sizes = ['4', '(3, None)', '(2, 4, 3)'][nd - 1];
  return pure(
    name,
    kind === 'Max' ? 'output_size, return_indices=False' : 'output_size',
    (a, x, e) => {
      if (kind === 'Max' && lit(a.return_indices, e, 'return_indices') !== false) e.unsupported('return_indices=True is not converted');
      return e.call(e.helper('adaptive_pool_nd'), [x, String(nd), `'${kind.toLowerCase()}'`, a.output_size]);
    },
    `adaptive_pool_nd(x, ${nd}, '${kind.toLowerCase()}', output_size)`,
    [
      { torch: `nn.${name}(1)`, inputs: [f32(shape)] },
      { torch: `nn.${name}(${sizes})`, inputs: [f32(shape)] },
      { torch: `nn.${name}(3)`, inputs: [f32(shape.split(',').slice(1).join(','))] },
    ],
    ["PyTorch's bins [floor(i*n/o), ceil((i+1)*n/o)), which overlap when o does not divide n; None keeps that size"],
  );
}

const PAD_MODES: Record<string, string> = { Zero: 'constant', Constant: 'constant', Reflection: 'reflect', Replication: 'edge', Circular: 'wrap' };

function padding(kind: string, nd: number): ModuleEntry {
  const name = `${kind}Pad${nd}d`;
  const shape = ['2,3,6', '2,3,5,6', '1,2,4,5,6'][nd - 1];
  const sides = nd * 2;
  const asym = [1, 2, 0, 3, 2, 1].slice(0, sides);
  const valueArg = kind === 'Constant' ? ', 1.5' : '';
  return pure(
    name,
    kind === 'Constant' ? 'padding, value' : 'padding',
    (a, x, e) => {
      const pairs = Array.isArray(a.padding.lit)
        ? `((0, 0),) * (${x}.ndim - ${nd}) + ${pyRepr(pairsFromTorch(a.padding.lit as Lit[], nd))}`
        : `((0, 0),) * (${x}.ndim - ${nd}) + ((${a.padding.text}, ${a.padding.text}),) * ${nd}`;
      const mode = PAD_MODES[kind];
      const keywords: Record<string, Arg | string | [Arg | string, string]> = { mode: [`'${mode}'`, "'constant'"] };
      if (kind === 'Constant') keywords.constant_values = a.value;
      return e.call('jnp.pad', [x, pairs], keywords);
    },
    `jnp.pad(x, pad_width, mode='${PAD_MODES[kind]}')`,
    [
      { torch: `nn.${name}(2${valueArg})`, inputs: [f32(shape)] },
      { torch: `nn.${name}(${pyRepr(asym)}${valueArg})`, inputs: [f32(shape)] },
      { torch: `nn.${name}(1${valueArg})`, inputs: [f32(shape.split(',').slice(1).join(','))] },
    ],
    ['PyTorch lists padding from the last dim backwards (left, right, top, bottom, ...); jnp.pad takes (before, after) per axis from the first', ...(kind === 'Replication' ? ["replicate is jnp.pad mode 'edge'"] : kind === 'Circular' ? ["circular is jnp.pad mode 'wrap'"] : [])],
  );
}

/** torch's (left, right, top, bottom, ...) from the last dim backwards → jnp.pad's per-axis pairs from the first. */
function pairsFromTorch(pad: Lit[], nd: number): Lit[] {
  const pairs: Lit[] = [];
  for (let i = 0; i < nd; i++) pairs.unshift([pad[2 * i], pad[2 * i + 1]]);
  return pairs;
}

function dropout(name: string, broadcastDims: string | undefined, shape: string): ModuleEntry {
  return {
    name,
    torch: `torch.nn.${name}(p=0.5, inplace=False)`,
    jax: (a, e) => e.call('nnx.Dropout', [a.p], { broadcast_dims: [broadcastDims ?? '()', '()'], rngs: 'rngs' }),
    jaxSpelling: `nnx.Dropout(rate${broadcastDims ? `, broadcast_dims=${broadcastDims}` : ''}, rngs=rngs)`,
    notes: [
      'p is the drop probability in both; nnx model.eval() turns dropout off like PyTorch\'s eval()',
      ...(broadcastDims ? ['whole channels are dropped: the mask is shared over the spatial axes'] : []),
      ...(name === 'Dropout2d' ? ["3-D input, which PyTorch reads as (N, C, L) with a deprecation warning, fails in training instead"] : []),
      'random masks differ from PyTorch\'s (different generators)',
    ],
    tests: [
      { torch: `nn.${name}()`, inputs: [f32(shape)] },
      { torch: `nn.${name}(0.2, inplace=True)`, inputs: [f32(shape)] },
      { torch: `nn.${name}(p=0.0)`, inputs: [f32(shape)], train: true },
    ],
  };
}

const noInplace = 'inplace=False';

function alphaDropout(name: string, feature: boolean): ModuleEntry {
  return {
    name,
    torch: `torch.nn.${name}(p=0.5, inplace=False)`,
    jax: (a, e) => e.call(e.helper('AlphaDropout'), [a.p], { feature: [feature ? 'True' : 'False', 'False'], rngs: 'rngs' }),
    jaxSpelling: `AlphaDropout(p${feature ? ', feature=True' : ''})`,
    notes: ["a prelude module with PyTorch's formula (dropped values take SELU's negative saturation, then an affine rescale); nnx model.eval() turns it off", 'random masks differ from PyTorch\'s'],
    tests: [
      { torch: `nn.${name}()`, inputs: [f32('2,4,3')] },
      { torch: `nn.${name}(0.2, inplace=True)`, inputs: [f32('2,4,3')] },
      { torch: `nn.${name}(p=0.0)`, inputs: [f32('2,4,3')], train: true },
    ],
  };
}

const RECURRENT_NOTES = [
  "a prelude module with PyTorch's parameter names and layouts (weight_ih_l0 (gates*H, in), both biases, _reverse, weight_hr for proj_size), gate order and (h_0, c_0) / (h_n, c_n) conventions, scanned with lax.scan",
  'dropout between layers is an nnx.Dropout: off after model.eval()',
  FACTORY_NOTE,
  LOADER_NOTE,
];

function recurrent(mode: 'LSTM' | 'GRU' | 'RNN'): ModuleEntry {
  const params = mode === 'RNN'
    ? `input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True, batch_first=False, dropout=0.0, bidirectional=False, ${FACTORY}`
    : `input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0, bidirectional=False${mode === 'LSTM' ? ', proj_size=0' : ''}, ${FACTORY}`;
  const hidden = mode !== 'LSTM';
  const torch = `torch.nn.${mode}(${params})`;
  const names = ['num_layers', 'bias', 'batch_first', 'dropout', 'bidirectional', ...(mode === 'LSTM' ? ['proj_size'] : []), ...(mode === 'RNN' ? ['nonlinearity'] : [])];
  return {
    name: mode,
    torch,
    jax: (a, e) => {
      checkFactory(a, e);
      return e.call(e.helper('Recurrent'), [`'${mode}'`, a.input_size, a.hidden_size], { ...torchKeywords(a, torch, names), rngs: 'rngs' });
    },
    jaxSpelling: `Recurrent('${mode}', input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional${mode === 'LSTM' ? ', proj_size' : mode === 'RNN' ? ', nonlinearity' : ''})`,
    returns: 'tensors',
    notes: RECURRENT_NOTES,
    tests: [
      { torch: `nn.${mode}(3, 4)`, inputs: [f32('5,2,3')] },
      { torch: `nn.${mode}(3, 4, num_layers=2, batch_first=True, bidirectional=True, dropout=0.5)`, inputs: [f32('2,5,3')] },
      { torch: `nn.${mode}(3, 4, bias=False)`, inputs: [f32('6,3')] },
      ...(mode === 'LSTM'
        ? [
            { torch: 'nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2)', inputs: [f32('4,2,3')] },
            { torch: 'nn.LSTM(3, 4, 2, True, True)', inputs: [f32('2,4,3')], train: true },
          ]
        : []),
      ...(hidden ? [{ torch: `nn.${mode}(3, 4, num_layers=2, batch_first=True, bidirectional=True)`, inputs: [f32('2,5,3'), f32('4,2,4', 'h')] }] : []),
      ...(hidden ? [{ torch: `nn.${mode}(3, 4)`, inputs: [f32('5,3'), f32('1,4', 'h')] }] : []),
      ...(mode === 'RNN'
        ? [
            { torch: "nn.RNN(3, 4, 2, 'relu')", inputs: [f32('5,2,3')] },
            { torch: "nn.RNN(3, 4, nonlinearity='relu', bias=False, batch_first=True)", inputs: [f32('2,5,3'), f32('1,2,4', 'h')] },
          ]
        : []),
    ],
  };
}

function recurrentCell(mode: 'LSTM' | 'GRU' | 'RNN'): ModuleEntry {
  const name = `${mode}Cell`;
  const torch = `torch.nn.${name}(input_size, hidden_size, bias=True${mode === 'RNN' ? ", nonlinearity='tanh'" : ''}, ${FACTORY})`;
  return {
    name,
    torch,
    jax: (a, e) => {
      checkFactory(a, e);
      const keywords = torchKeywords(a, torch, mode === 'RNN' ? ['bias', 'nonlinearity'] : ['bias']);
      return e.call(e.helper('RecurrentCell'), [`'${mode}'`, a.input_size, a.hidden_size], { ...keywords, rngs: 'rngs' });
    },
    jaxSpelling: `RecurrentCell('${mode}', input_size, hidden_size, bias${mode === 'RNN' ? ', nonlinearity' : ''})`,
    returns: mode === 'LSTM' ? 'tensors' : 'tensor',
    notes: ["a prelude module with PyTorch's parameter names (weight_ih, weight_hh, bias_ih, bias_hh) and gate order", FACTORY_NOTE, LOADER_NOTE],
    tests: [
      { torch: `nn.${name}(3, 4)`, inputs: [f32('2,3')] },
      { torch: `nn.${name}(3, 4, bias=False)`, inputs: [f32('3')] },
      ...(mode !== 'LSTM' ? [{ torch: `nn.${name}(3, 4${mode === 'RNN' ? ", nonlinearity='relu'" : ''})`, inputs: [f32('2,3'), f32('2,4', 'h')] }] : []),
    ],
  };
}

const TRANSFORMER_OPTIONS = "dim_feedforward=2048, dropout=0.1, activation='relu', layer_norm_eps=1e-05, batch_first=False, norm_first=False, bias=True";
const TRANSFORMER_NAMES = ['dim_feedforward', 'dropout', 'activation', 'layer_norm_eps', 'batch_first', 'norm_first', 'bias'];

function transformerLayer(kind: 'Encoder' | 'Decoder'): ModuleEntry {
  const name = `Transformer${kind}Layer`;
  const encoder = kind === 'Encoder';
  const inputs = (first: string, second: string) => (encoder ? [f32(first, 'src')] : [f32(first, 'tgt'), f32(second, 'memory')]);
  const torch = `torch.nn.${name}(d_model, nhead, ${TRANSFORMER_OPTIONS}, ${FACTORY})`;
  return {
    name,
    torch,
    jax: (a, e) => {
      checkFactory(a, e);
      return e.call(e.helper(name), [a.d_model, a.nhead], { ...torchKeywords(a, torch, TRANSFORMER_NAMES), rngs: 'rngs' });
    },
    jaxSpelling: `${name}(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first, bias)`,
    notes: [
      `a prelude module built from MultiheadAttention, nnx.Linear and nnx.LayerNorm (epsilon=layer_norm_eps, use_fast_variance=False) under PyTorch's names (self_attn, ${encoder ? '' : 'multihead_attn, '}linear1, linear2, norm1..${encoder ? 2 : 3})`,
      "activation 'gelu' is the exact erf form, as in PyTorch",
      'dropout is an nnx.Dropout: off after model.eval()',
      FACTORY_NOTE,
      LOADER_NOTE,
    ],
    tests: [
      { torch: `nn.${name}(8, 2, dim_feedforward=16)`, inputs: inputs('5,2,8', '6,2,8') },
      { torch: `nn.${name}(8, 4, 12, 0.0, 'gelu', 1e-3, batch_first=True, norm_first=True)`, inputs: inputs('2,5,8', '2,6,8') },
      { torch: `nn.${name}(8, 2, 16, activation=F.gelu, bias=False)`, inputs: inputs('5,8', '6,8') },
      { torch: `nn.${name}(8, 2, 16, dropout=0.0)`, inputs: inputs('5,2,8', '6,2,8'), train: true },
      encoder
        ? { torch: 'nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)', inputs: [f32('2,5,8', 'src'), 'mask=bool[5,5]', 'kpm=bool[2,5]'] }
        : { torch: 'nn.TransformerDecoderLayer(8, 2, 16, batch_first=True)', inputs: [f32('2,5,8', 'tgt'), f32('2,6,8', 'memory'), 'mask=bool[5,5]', f32('5,6', 'mmask')] },
    ],
  };
}

const STACK_NOTE = 'layers are nnx.clone copies of the given layer (layers.0, layers.1, ...), as PyTorch deep-copies it';

function transformerStack(kind: 'Encoder' | 'Decoder'): ModuleEntry {
  const name = `Transformer${kind}`;
  const encoder = kind === 'Encoder';
  const layer = (options: string) => `nn.${name}Layer(8, 2, 16${options})`;
  const inputs = (first: string, second: string) => (encoder ? [f32(first, 'src')] : [f32(first, 'tgt'), f32(second, 'memory')]);
  const torch = encoder
    ? 'torch.nn.TransformerEncoder(encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True)'
    : 'torch.nn.TransformerDecoder(decoder_layer, num_layers, norm=None)';
  return {
    name,
    torch,
    jax: (a, e) => {
      const keywords = torchKeywords(a, torch, encoder ? ['norm', 'enable_nested_tensor', 'mask_check'] : ['norm']);
      return e.call(e.helper(name), [encoder ? a.encoder_layer : a.decoder_layer, a.num_layers], keywords);
    },
    jaxSpelling: `${name}(${encoder ? 'encoder_layer' : 'decoder_layer'}, num_layers, norm)`,
    notes: [
      STACK_NOTE,
      ...(encoder ? ['like PyTorch in inference (eval mode, no autograd), outputs at padded positions are zeros where its nested-tensor fast path applies (batch_first, src_key_padding_mask without mask, relu/gelu given by name)'] : []),
    ],
    tests: [
      { torch: `nn.${name}(${layer('')}, 2)`, inputs: inputs('5,2,8', '6,2,8') },
      { torch: `nn.${name}(${layer(', batch_first=True')}, 2, norm=nn.LayerNorm(8))`, inputs: encoder ? [f32('2,5,8', 'src'), 'mask=bool[5,5]', 'kpm=bool[2,5]'] : [f32('2,5,8', 'tgt'), f32('2,6,8', 'memory'), 'mask=bool[5,5]'] },
      { torch: `nn.${name}(${layer(", 0.0, 'gelu', norm_first=True")}, num_layers=3)`, inputs: inputs('5,2,8', '6,2,8'), train: true },
    ],
  };
}

const TRANSFORMER = `torch.nn.Transformer(d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048, dropout=0.1, activation='relu', custom_encoder=None, custom_decoder=None, layer_norm_eps=1e-05, batch_first=False, norm_first=False, bias=True, ${FACTORY})`;
const MHA = `torch.nn.MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False, kdim=None, vdim=None, batch_first=False, ${FACTORY})`;

/** Attention cases pass need_weights and average_attn_weights as 0-d bool arrays (truthy like the bools). */
const attention = (ctor: string, inputs: string[]): ConformanceCase => ({ torch: `nn.MultiheadAttention(${ctor})`, inputs });

export const nnModules: ModuleEntry[] = [
  {
    name: 'Linear',
    torch: `torch.nn.Linear(in_features, out_features, bias=True, ${FACTORY})`,
    jax: (a, e) => {
      checkFactory(a, e);
      return e.call('nnx.Linear', [a.in_features, a.out_features], { use_bias: [a.bias, 'True'], rngs: 'rngs' });
    },
    jaxSpelling: 'nnx.Linear(in_features, out_features, use_bias=bias, rngs=rngs)',
    notes: ['weight (out, in) is stored transposed as kernel (in, out); load_torch_state_dict transposes it', FACTORY_NOTE, LOADER_NOTE],
    tests: [
      { torch: 'nn.Linear(4, 3)', inputs: [f32('2,4')] },
      { torch: 'nn.Linear(4, 3, bias=False)', inputs: [f32('2,5,4')] },
      { torch: 'nn.Linear(4, 2, True)', inputs: [f32('4')] },
    ],
  },
  {
    name: 'Bilinear',
    torch: `torch.nn.Bilinear(in1_features, in2_features, out_features, bias=True, ${FACTORY})`,
    jax: (a, e) => {
      checkFactory(a, e);
      return e.call(e.helper('Bilinear'), [a.in1_features, a.in2_features, a.out_features], { bias: [a.bias, 'True'], rngs: 'rngs' });
    },
    jaxSpelling: 'Bilinear(in1_features, in2_features, out_features, bias)',
    notes: ["a prelude module: y = x1 W x2 + b with PyTorch's weight (out, in1, in2)", FACTORY_NOTE, LOADER_NOTE],
    tests: [
      { torch: 'nn.Bilinear(3, 4, 2)', inputs: [f32('5,3', 'x'), f32('5,4', 'y')] },
      { torch: 'nn.Bilinear(3, 4, 2, bias=False)', inputs: [f32('2,5,3', 'x'), f32('2,5,4', 'y')] },
    ],
  },
  pure('Identity', '*args', (_a, x) => `jax.nn.identity(${x})`, 'jax.nn.identity', [
    { torch: 'nn.Identity()', inputs: [f32('2,3')] },
    { torch: 'nn.Identity(54, 0.1)', inputs: [f32('4')] },
  ]),
  pure(
    'Flatten',
    'start_dim=1, end_dim=-1',
    (a, x, e) => {
      const end = lit(a.end_dim, e, 'end_dim');
      if (typeof end !== 'number') e.unsupported('end_dim must be an int');
      return e.call('lax.collapse', [x, a.start_dim], { stop_dimension: [end === -1 ? 'None' : String((end as number) + 1), 'None'] });
    },
    'lax.collapse(x, start_dim, end_dim + 1)',
    [
      { torch: 'nn.Flatten()', inputs: [f32('2,3,4,5')] },
      { torch: 'nn.Flatten(0, 2)', inputs: [f32('2,3,4,5')] },
      { torch: 'nn.Flatten(start_dim=-3, end_dim=-2)', inputs: [f32('2,3,4,5')] },
    ],
    ['nn.Flatten keeps the batch dim (start_dim=1), unlike torch.flatten (start_dim=0)'],
  ),
  pure(
    'Unflatten',
    'dim, unflattened_size',
    (a, x, e) => {
      const dim = lit(a.dim, e, 'dim');
      if (typeof dim !== 'number') e.unsupported('dim must be an int');
      const size = a.unflattened_size.text;
      const d = dim as number;
      const after = d === -1 ? '' : ` + ${x}.shape[${d + 1}:]`;
      return `${x}.reshape(${x}.shape[:${d}] + tuple(${size})${after})`;
    },
    'x.reshape(x.shape[:dim] + unflattened_size + x.shape[dim + 1:])',
    [
      { torch: 'nn.Unflatten(1, (3, 4))', inputs: [f32('2,12,5')] },
      { torch: 'nn.Unflatten(-1, (2, -1))', inputs: [f32('2,3,8')] },
      { torch: 'nn.Unflatten(-2, [4, 3])', inputs: [f32('2,12,5')] },
    ],
  ),
  conv(1),
  conv(2),
  conv(3),
  convTranspose(1),
  convTranspose(2),
  convTranspose(3),
  batchNorm(0),
  batchNorm(1),
  batchNorm(2),
  batchNorm(3),
  instanceNorm(1),
  instanceNorm(2),
  instanceNorm(3),
  {
    name: 'LayerNorm',
    torch: `torch.nn.LayerNorm(normalized_shape, eps=1e-05, elementwise_affine=True, bias=True, ${FACTORY})`,
    jax: (a, e) => {
      checkFactory(a, e);
      const { features, axes } = normalizedShape(a.normalized_shape);
      return e.call('nnx.LayerNorm', [features], {
        epsilon: [a.eps, '1e-6', 'always'],
        use_bias: [both(a.elementwise_affine, a.bias), 'True'],
        use_scale: [a.elementwise_affine, 'True'],
        reduction_axes: [axes ?? '-1', '-1'],
        feature_axes: [axes ?? '-1', '-1'],
        use_fast_variance: ['False', 'True'],
        rngs: 'rngs',
      });
    },
    jaxSpelling: 'nnx.LayerNorm(num_features, epsilon=eps, use_fast_variance=False, rngs=rngs)',
    notes: [
      'use_fast_variance=False: Flax\'s default E[x²] - E[x]² loses precision where PyTorch computes the variance in two passes',
      'a normalized_shape of several dims becomes reduction_axes = feature_axes = those dims, with the scale kept flat (load_torch_state_dict flattens the weight)',
      'a normalized_shape that is not a literal is taken as an int',
      FACTORY_NOTE,
    ],
    tests: [
      { torch: 'nn.LayerNorm(5)', inputs: [f32('2,3,5')] },
      { torch: 'nn.LayerNorm(4)', inputs: [f32('3,4', 'x', '-0.001..0.001')] },
      { torch: 'nn.LayerNorm([4, 5], eps=1e-3)', inputs: [f32('2,3,4,5')] },
      { torch: 'nn.LayerNorm((3, 4, 5), elementwise_affine=False)', inputs: [f32('2,3,4,5')] },
      { torch: 'nn.LayerNorm((5,), bias=False)', inputs: [f32('2,5', 'x', '1000..1002')] },
    ],
  },
  {
    name: 'GroupNorm',
    torch: `torch.nn.GroupNorm(num_groups, num_channels, eps=1e-05, affine=True, ${FACTORY}, *, bias=True)`,
    jax: (a, e) => {
      checkFactory(a, e);
      const layer = e.call('nnx.GroupNorm', [a.num_channels], {
        num_groups: a.num_groups,
        epsilon: [a.eps, '1e-6', 'always'],
        use_bias: [both(a.affine, a.bias), 'True'],
        use_scale: [a.affine, 'True'],
        use_fast_variance: ['False', 'True'],
        rngs: 'rngs',
      });
      return `${e.helper('ChannelsFirst')}(${layer})`;
    },
    jaxSpelling: 'ChannelsFirst(nnx.GroupNorm(num_channels, num_groups=num_groups, epsilon=eps, use_fast_variance=False))',
    notes: [
      'num_groups is passed explicitly: Flax defaults to 32 groups',
      'channels-first data is kept: ChannelsFirst moves the channels last around nnx.GroupNorm',
      FACTORY_NOTE,
    ],
    tests: [
      { torch: 'nn.GroupNorm(2, 6)', inputs: [f32('2,6,4,5')] },
      { torch: 'nn.GroupNorm(2, 4)', inputs: [f32('2,4,3', 'x', '-0.001..0.001')] },
      { torch: 'nn.GroupNorm(3, 6, eps=1e-3, affine=False)', inputs: [f32('2,6,7')] },
      { torch: 'nn.GroupNorm(1, 4, bias=False)', inputs: [f32('3,4')] },
    ],
  },
  {
    name: 'RMSNorm',
    torch: `torch.nn.RMSNorm(normalized_shape, eps=None, elementwise_affine=True, ${FACTORY})`,
    jax: (a, e) => {
      checkFactory(a, e);
      const { features, axes } = normalizedShape(a.normalized_shape);
      return e.call('nnx.RMSNorm', [features], {
        epsilon: a.eps.lit === null ? ['float(jnp.finfo(jnp.float32).eps)', '1e-6'] : [a.eps, '1e-6', 'always'],
        use_scale: [a.elementwise_affine, 'True'],
        reduction_axes: [axes ?? '-1', '-1'],
        feature_axes: [axes ?? '-1', '-1'],
        rngs: 'rngs',
      });
    },
    jaxSpelling: 'nnx.RMSNorm(num_features, epsilon=eps, rngs=rngs)',
    notes: [
      "eps=None is PyTorch's machine epsilon of the input dtype; it is written out for float32",
      'a normalized_shape of several dims becomes reduction_axes = feature_axes = those dims',
      FACTORY_NOTE,
    ],
    tests: [
      { torch: 'nn.RMSNorm(5)', inputs: [f32('2,3,5')] },
      { torch: 'nn.RMSNorm([4, 5], eps=1e-3)', inputs: [f32('2,3,4,5')] },
      { torch: 'nn.RMSNorm(5, elementwise_affine=False)', inputs: [f32('2,5', 'x', '-0.001..0.001')] },
    ],
  },
  {
    name: 'Embedding',
    torch: `torch.nn.Embedding(num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, ${FACTORY})`,
    jax: (a, e) => {
      checkFactory(a, e);
      if (a.max_norm.lit !== null) e.unsupported('max_norm renormalizes the table in place during forward; not converted');
      if (a.scale_grad_by_freq.lit !== false) e.unsupported('scale_grad_by_freq changes the gradients; not converted');
      if (a._weight.lit !== null) e.unsupported('_weight is not converted: load the table with load_torch_state_dict');
      return e.call('nnx.Embed', [a.num_embeddings, a.embedding_dim], { rngs: 'rngs' });
    },
    jaxSpelling: 'nnx.Embed(num_embeddings, features, rngs=rngs)',
    notes: [
      'padding_idx: the forward pass is the same (load_torch_state_dict brings the zero row), but JAX gradients do update that row',
      'indices out of range give NaN rows in JAX where PyTorch raises',
      'sparse= has no JAX counterpart (gradients are dense)',
      FACTORY_NOTE,
      LOADER_NOTE,
    ],
    tests: [
      { torch: 'nn.Embedding(10, 4)', inputs: ['x=int64[2,5]:0..10'] },
      { torch: 'nn.Embedding(7, 3, padding_idx=0)', inputs: ['x=int32[6]:0..7'] },
    ],
  },
  dropout('Dropout', undefined, '4,6'),
  dropout('Dropout1d', '(-1,)', '2,4,6'),
  dropout('Dropout2d', '(2, 3)', '2,4,3,5'),
  dropout('Dropout3d', '(-3, -2, -1)', '2,4,3,2,5'),
  activation('ReLU', noInplace, (_a, x) => `jax.nn.relu(${x})`, 'jax.nn.relu', ['ReLU()', 'ReLU(inplace=True)']),
  activation('ReLU6', noInplace, (_a, x) => `jax.nn.relu6(${x})`, 'jax.nn.relu6', ['ReLU6()', 'ReLU6(True)']),
  activation('LeakyReLU', `negative_slope=0.01, ${noInplace}`, (a, x, e) => e.call('jax.nn.leaky_relu', [x], { negative_slope: [a.negative_slope, '0.01'] }), 'jax.nn.leaky_relu(x, negative_slope)', ['LeakyReLU()', 'LeakyReLU(0.2)', 'LeakyReLU(negative_slope=-0.5, inplace=True)']),
  activation('ELU', `alpha=1.0, ${noInplace}`, (a, x, e) => e.call('jax.nn.elu', [x], { alpha: [a.alpha, '1.0'] }), 'jax.nn.elu(x, alpha)', ['ELU()', 'ELU(alpha=0.5)']),
  activation('CELU', `alpha=1.0, ${noInplace}`, (a, x, e) => e.call('jax.nn.celu', [x], { alpha: [a.alpha, '1.0'] }), 'jax.nn.celu(x, alpha)', ['CELU()', 'CELU(2.0)']),
  activation('SELU', noInplace, (_a, x) => `jax.nn.selu(${x})`, 'jax.nn.selu', ['SELU()', 'SELU(inplace=True)']),
  activation(
    'GELU',
    "approximate='none'",
    (a, x, e) => {
      const tanh = a.approximate.lit === undefined ? `${a.approximate.text} == 'tanh'` : a.approximate.lit === 'tanh' ? 'True' : 'False';
      return e.call('jax.nn.gelu', [x], { approximate: [tanh, 'True'] });
    },
    "jax.nn.gelu(x, approximate=(approximate == 'tanh'))",
    ['GELU()', "GELU(approximate='tanh')"],
  ),
  activation('SiLU', noInplace, (_a, x) => `jax.nn.silu(${x})`, 'jax.nn.silu', ['SiLU()', 'SiLU(inplace=True)']),
  activation('Mish', noInplace, (_a, x) => `jax.nn.mish(${x})`, 'jax.nn.mish', ['Mish()', 'Mish(True)']),
  activation(
    'Softplus',
    'beta=1.0, threshold=20.0',
    (a, x) => {
      const beta = numValue(a.beta.lit), threshold = numValue(a.threshold.lit);
      if (beta === 1 && threshold === 20) return `jax.nn.softplus(${x})`;
      return `jnp.where(${x} * ${a.beta.text} > ${a.threshold.text}, ${x}, jax.nn.softplus(${x} * ${a.beta.text}) / ${a.beta.text})`;
    },
    'jnp.where(x * beta > threshold, x, jax.nn.softplus(x * beta) / beta)',
    ['Softplus()', 'Softplus(beta=2.0, threshold=3.0)', 'Softplus(0.5)'],
    ['above the threshold PyTorch returns x itself; with the defaults (beta 1, threshold 20) jax.nn.softplus equals it in float32'],
  ),
  activation('Softsign', '', (_a, x) => `jax.nn.soft_sign(${x})`, 'jax.nn.soft_sign', ['Softsign()']),
  activation('Sigmoid', '', (_a, x) => `jax.nn.sigmoid(${x})`, 'jax.nn.sigmoid', ['Sigmoid()']),
  activation('Tanh', '', (_a, x) => `jnp.tanh(${x})`, 'jnp.tanh', ['Tanh()']),
  activation('LogSigmoid', '', (_a, x) => `jax.nn.log_sigmoid(${x})`, 'jax.nn.log_sigmoid', ['LogSigmoid()']),
  activation('Tanhshrink', '', (_a, x) => `${x} - jnp.tanh(${x})`, 'x - jnp.tanh(x)', ['Tanhshrink()']),
  activation('Hardsigmoid', noInplace, (_a, x) => `jax.nn.hard_sigmoid(${x})`, 'jax.nn.hard_sigmoid', ['Hardsigmoid()', 'Hardsigmoid(inplace=True)']),
  activation('Hardswish', noInplace, (_a, x) => `jax.nn.hard_swish(${x})`, 'jax.nn.hard_swish', ['Hardswish()', 'Hardswish(True)']),
  activation(
    'Hardtanh',
    `min_val=-1.0, max_val=1.0, ${noInplace}, min_value=None, max_value=None`,
    (a, x, e) => e.call('jnp.clip', [x, a.min_value.lit === null ? a.min_val : a.min_value, a.max_value.lit === null ? a.max_val : a.max_value]),
    'jnp.clip(x, min_val, max_val)',
    ['Hardtanh()', 'Hardtanh(-2.0, 0.5)', 'Hardtanh(min_val=0.0, max_val=6.0, inplace=True)', 'Hardtanh(min_value=-0.5, max_value=2.0)'],
  ),
  activation(
    'Threshold',
    `threshold, value, ${noInplace}`,
    (a, x) => `jnp.where(${x} > ${a.threshold.text}, ${x}, ${a.value.text})`,
    'jnp.where(x > threshold, x, value)',
    ['Threshold(0.1, 20.0)', 'Threshold(-1.0, 0.0, inplace=True)'],
  ),
  activation(
    'Softshrink',
    'lambd=0.5',
    (a, x) => `jnp.where(${x} > ${a.lambd.text}, ${x} - ${a.lambd.text}, jnp.where(${x} < -${a.lambd.text}, ${x} + ${a.lambd.text}, 0.0))`,
    'jnp.where(x > lambd, x - lambd, jnp.where(x < -lambd, x + lambd, 0))',
    ['Softshrink()', 'Softshrink(1.5)'],
  ),
  activation(
    'Hardshrink',
    'lambd=0.5',
    (a, x) => `jnp.where(jnp.abs(${x}) > ${a.lambd.text}, ${x}, 0.0)`,
    'jnp.where(jnp.abs(x) > lambd, x, 0)',
    ['Hardshrink()', 'Hardshrink(lambd=2.0)'],
  ),
  pure('GLU', 'dim=-1', (a, x, e) => e.call('jax.nn.glu', [x], { axis: [a.dim, '-1'] }), 'jax.nn.glu(x, axis=dim)', [
    { torch: 'nn.GLU()', inputs: [f32('3,4')] },
    { torch: 'nn.GLU(dim=0)', inputs: [f32('6,5')] },
  ]),
  softmaxLike('Softmax', 'jax.nn.softmax'),
  softmaxLike('LogSoftmax', 'jax.nn.log_softmax'),
  softmaxLike('Softmin', 'jax.nn.softmax', true),
  pure('Softmax2d', '', (_a, x) => `jax.nn.softmax(${x}, axis=-3)`, 'jax.nn.softmax(x, axis=-3)', [
    { torch: 'nn.Softmax2d()', inputs: [f32('2,3,4,5')] },
    { torch: 'nn.Softmax2d()', inputs: [f32('3,4,5')] },
  ]),
  {
    name: 'PReLU',
    torch: `torch.nn.PReLU(num_parameters=1, init=0.25, ${FACTORY})`,
    jax: (a, e) => {
      checkFactory(a, e);
      return e.call(e.helper('PReLU'), [], { num_parameters: [a.num_parameters, '1'], init: [a.init, '0.25'] });
    },
    jaxSpelling: 'PReLU(num_parameters, init)',
    notes: ['a prelude module with PyTorch\'s learnable `weight`: one slope, or one per channel on axis 1', FACTORY_NOTE],
    tests: [
      { torch: 'nn.PReLU()', inputs: [f32('3,5')] },
      { torch: 'nn.PReLU(3, init=0.1)', inputs: [f32('2,3,4')] },
      { torch: 'nn.PReLU(4)', inputs: [f32('2,4,3,3')] },
      { torch: 'nn.PReLU()', inputs: [f32('5')] },
    ],
  },
  alphaDropout('AlphaDropout', false),
  alphaDropout('FeatureAlphaDropout', true),
  {
    name: 'RReLU',
    torch: 'torch.nn.RReLU(lower=0.125, upper=0.3333333333333333, inplace=False)',
    jax: (a, e) => e.call(e.helper('RReLU'), [], { lower: [a.lower, '0.125'], upper: [a.upper, '0.3333333333333333'], rngs: 'rngs' }),
    jaxSpelling: 'RReLU(lower, upper)',
    notes: ['a prelude module: random slopes in training, (lower + upper) / 2 after model.eval(); random draws differ from PyTorch\'s'],
    tests: [
      { torch: 'nn.RReLU()', inputs: [f32('3,5')] },
      { torch: 'nn.RReLU(0.1, 0.5, inplace=True)', inputs: [f32('3,5')] },
      { torch: 'nn.RReLU(0.2, 0.2)', inputs: [f32('3,5')], train: true },
    ],
  },
  {
    name: 'MultiheadAttention',
    torch: MHA,
    jax: (a, e) => {
      checkFactory(a, e);
      const keywords = torchKeywords(a, MHA, ['dropout', 'bias', 'add_bias_kv', 'add_zero_attn', 'kdim', 'vdim', 'batch_first']);
      return e.call(e.helper('MultiheadAttention'), [a.embed_dim, a.num_heads], { ...keywords, rngs: 'rngs' });
    },
    jaxSpelling: 'MultiheadAttention(embed_dim, num_heads, dropout, bias, add_bias_kv, add_zero_attn, kdim, vdim, batch_first)',
    returns: 'tensors',
    notes: [
      "a prelude module with PyTorch's parameters (in_proj_weight, in_proj_bias, out_proj, q/k/v_proj_weight when kdim/vdim differ, bias_k/bias_v) and call signature",
      'masks keep PyTorch\'s polarity: True = may not attend (nnx.MultiHeadAttention takes True = attend); float masks are added',
      'sequence-first (L, N, E) unless batch_first=True, as in PyTorch; returns (output, weights averaged over heads, or None)',
      FACTORY_NOTE,
      LOADER_NOTE,
    ],
    tests: [
      attention('8, 2', [f32('5,2,8', 'q'), f32('6,2,8', 'k'), f32('6,2,8', 'v')]),
      attention('8, 2, batch_first=True', [f32('2,5,8', 'q'), f32('2,6,8', 'k'), f32('2,6,8', 'v'), 'kpm=bool[2,6]']),
      attention('8, 4, bias=False', [f32('5,2,8', 'q'), f32('6,2,8', 'k'), f32('6,2,8', 'v'), 'kpm=bool[2,6]', 'nw=bool[]', 'mask=bool[5,6]']),
      attention('8, 2', [f32('5,2,8', 'q'), f32('6,2,8', 'k'), f32('6,2,8', 'v'), f32('2,6', 'kpm'), 'nw=bool[]', f32('5,6', 'mask'), 'avg=bool[]']),
      attention('8, 2, kdim=3, vdim=5', [f32('4,2,8', 'q'), f32('6,2,3', 'k'), f32('6,2,5', 'v')]),
      attention('8, 2, add_bias_kv=True, add_zero_attn=True, batch_first=True', [f32('2,4,8', 'q'), f32('2,6,8', 'k'), f32('2,6,8', 'v'), 'kpm=bool[2,6]', 'nw=bool[]', 'mask=bool[4,6]']),
      attention('6, 3', [f32('5,6', 'q'), f32('4,6', 'k'), f32('4,6', 'v')]),
      attention('4, 2', [f32('3,2,4', 'q'), f32('5,2,4', 'k'), f32('5,2,4', 'v'), f32('2,5', 'kpm'), 'nw=bool[]', f32('4,3,5', 'mask'), 'avg=bool[]']),
      { ...attention('8, 2, dropout=0.0', [f32('5,2,8', 'q'), f32('6,2,8', 'k'), f32('6,2,8', 'v')]), train: true },
    ],
  },
  transformerLayer('Encoder'),
  transformerLayer('Decoder'),
  transformerStack('Encoder'),
  transformerStack('Decoder'),
  {
    name: 'Transformer',
    torch: TRANSFORMER,
    jax: (a, e) => {
      checkFactory(a, e);
      const names = parseSignature(TRANSFORMER).params.map((p) => p.name).filter((n) => n !== 'device' && n !== 'dtype');
      return e.call(e.helper('Transformer'), [], { ...torchKeywords(a, TRANSFORMER, names), rngs: 'rngs' });
    },
    jaxSpelling: 'Transformer(d_model, nhead, num_encoder_layers, num_decoder_layers, dim_feedforward, dropout, activation, custom_encoder, custom_decoder, layer_norm_eps, batch_first, norm_first, bias)',
    notes: ['a prelude module: TransformerEncoder and TransformerDecoder stacks with final LayerNorms, under PyTorch\'s names (encoder.layers.0..., decoder.norm)', STACK_NOTE, FACTORY_NOTE, LOADER_NOTE],
    tests: [
      { torch: 'nn.Transformer(8, 2, 2, 1, 16)', inputs: [f32('5,2,8', 'src'), f32('4,2,8', 'tgt')] },
      { torch: "nn.Transformer(d_model=8, nhead=4, num_encoder_layers=1, num_decoder_layers=2, dim_feedforward=12, activation='gelu', batch_first=True, norm_first=True, bias=False)", inputs: [f32('2,5,8', 'src'), f32('2,4,8', 'tgt'), 'smask=bool[5,5]', 'tmask=bool[4,4]'] },
      { torch: 'nn.Transformer(8, 2, 1, 1, 16, dropout=0.0)', inputs: [f32('5,2,8', 'src'), f32('4,2,8', 'tgt')], train: true },
    ],
  },
  recurrent('LSTM'),
  recurrent('GRU'),
  recurrent('RNN'),
  recurrentCell('LSTM'),
  recurrentCell('GRU'),
  recurrentCell('RNN'),
  pool('Max', 1),
  pool('Max', 2),
  pool('Max', 3),
  pool('Avg', 1),
  pool('Avg', 2),
  pool('Avg', 3),
  lpPool(1),
  lpPool(2),
  lpPool(3),
  adaptivePool('Avg', 1),
  adaptivePool('Avg', 2),
  adaptivePool('Avg', 3),
  adaptivePool('Max', 1),
  adaptivePool('Max', 2),
  adaptivePool('Max', 3),
  ...['Zero', 'Constant', 'Reflection', 'Replication', 'Circular'].flatMap((kind) => [1, 2, 3].map((nd) => padding(kind, nd))),
  viaFunctional('Upsample', 'size=None, scale_factor=None, mode=\'nearest\', align_corners=None, recompute_scale_factor=None', 'interpolate', ['x'],
    same('size', 'scale_factor', 'mode', 'align_corners', 'recompute_scale_factor'), [
      { torch: 'nn.Upsample(scale_factor=2)', inputs: [f32('2,3,4,5')] },
      { torch: "nn.Upsample(size=(3, 7), mode='bilinear')", inputs: [f32('2,3,5,4')] },
      { torch: "nn.Upsample(scale_factor=1.5, mode='bilinear', align_corners=True)", inputs: [f32('2,3,5,4')] },
      { torch: "nn.Upsample(size=7, mode='linear')", inputs: [f32('2,3,5')] },
      { torch: "nn.Upsample(scale_factor=(2, 1.5), mode='nearest-exact')", inputs: [f32('1,2,3,4')] },
    ]),
  viaFunctional('UpsamplingNearest2d', 'size=None, scale_factor=None', 'upsample_nearest', ['x'], same('size', 'scale_factor'), [
    { torch: 'nn.UpsamplingNearest2d(scale_factor=2)', inputs: [f32('2,3,4,5')] },
    { torch: 'nn.UpsamplingNearest2d(size=(5, 7))', inputs: [f32('1,2,3,4')] },
  ]),
  viaFunctional('UpsamplingBilinear2d', 'size=None, scale_factor=None', 'upsample_bilinear', ['x'], same('size', 'scale_factor'), [
    { torch: 'nn.UpsamplingBilinear2d(scale_factor=2)', inputs: [f32('2,3,4,5')] },
    { torch: 'nn.UpsamplingBilinear2d(size=(5, 7))', inputs: [f32('1,2,3,4')] },
  ]),
  viaFunctional('PixelShuffle', 'upscale_factor', 'pixel_shuffle', ['x'], same('upscale_factor'), [
    { torch: 'nn.PixelShuffle(2)', inputs: [f32('2,8,3,4')] },
    { torch: 'nn.PixelShuffle(3)', inputs: [f32('9,2,2')] },
  ]),
  viaFunctional('PixelUnshuffle', 'downscale_factor', 'pixel_unshuffle', ['x'], same('downscale_factor'), [
    { torch: 'nn.PixelUnshuffle(2)', inputs: [f32('2,3,4,6')] },
    { torch: 'nn.PixelUnshuffle(3)', inputs: [f32('1,6,3')] },
  ]),
  viaFunctional('LocalResponseNorm', 'size, alpha=0.0001, beta=0.75, k=1.0', 'local_response_norm', ['x'], same('size', 'alpha', 'beta', 'k'), [
    { torch: 'nn.LocalResponseNorm(2)', inputs: [f32('2,5,4,3')] },
    { torch: 'nn.LocalResponseNorm(3, alpha=0.01, beta=0.5, k=2.0)', inputs: [f32('2,6,5')] },
  ]),
  viaFunctional('Unfold', 'kernel_size, dilation=1, padding=0, stride=1', 'unfold', ['x'], same('kernel_size', 'dilation', 'padding', 'stride'), [
    { torch: 'nn.Unfold(2)', inputs: [f32('2,3,5,4')] },
    { torch: 'nn.Unfold((2, 3), dilation=(1, 2), padding=1, stride=2)', inputs: [f32('1,2,6,7')] },
  ]),
  viaFunctional('CosineSimilarity', 'dim=1, eps=1e-08', 'cosine_similarity', ['x1', 'x2'], same('dim', 'eps'), [
    { torch: 'nn.CosineSimilarity()', inputs: [f32('3,4,2', 'x'), f32('3,4,2', 'y')] },
    { torch: 'nn.CosineSimilarity(dim=-1, eps=0.5)', inputs: [f32('3,4', 'x', '-0.1..0.1'), f32('4', 'y')] },
  ]),
  viaFunctional('PairwiseDistance', 'p=2.0, eps=1e-06, keepdim=False', 'pairwise_distance', ['x1', 'x2'], same('p', 'eps', 'keepdim'), [
    { torch: 'nn.PairwiseDistance()', inputs: pairOf('3,4') },
    { torch: 'nn.PairwiseDistance(p=1.0, keepdim=True)', inputs: [f32('2,3,4', 'x'), f32('4', 'y')] },
  ]),
  loss('MSELoss', REDUCTION, 'mse_loss', ['input', 'target'], lossCases('MSELoss', pairOf('3,4'))),
  loss('L1Loss', REDUCTION, 'l1_loss', ['input', 'target'], lossCases('L1Loss', pairOf('3,4'))),
  loss('SmoothL1Loss', `${REDUCTION}, beta=1.0`, 'smooth_l1_loss', ['input', 'target'], lossCases('SmoothL1Loss', pairOf('3,4'), ', beta=0.5')),
  loss('HuberLoss', "reduction='mean', delta=1.0", 'huber_loss', ['input', 'target'], lossCases('HuberLoss', pairOf('3,4'), ', delta=0.5')),
  loss('BCELoss', `weight=None, ${REDUCTION}`, 'binary_cross_entropy', ['input', 'target'], lossCases('BCELoss', [f32('3,4', 'p', '0.01..0.99'), f32('3,4', 'y', '0..1')])),
  loss('BCEWithLogitsLoss', `weight=None, ${REDUCTION}, pos_weight=None`, 'binary_cross_entropy_with_logits', ['input', 'target'], lossCases('BCEWithLogitsLoss', [f32('3,4', 'x', '-30..30'), f32('3,4', 'y', '0..1')])),
  loss('CrossEntropyLoss', "weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean', label_smoothing=0.0", 'cross_entropy', ['input', 'target'], [
    ...lossCases('CrossEntropyLoss', [f32('4,3'), 't=int64[4]:0..3'], ', ignore_index=0'),
    { torch: 'nn.CrossEntropyLoss(label_smoothing=0.1)', inputs: [f32('2,5,3'), 't=int64[2,3]:0..5'] },
    { torch: 'nn.CrossEntropyLoss()', inputs: [f32('4,5'), f32('4,5', 'p', '0..1')] },
  ]),
  loss('NLLLoss', "weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean'", 'nll_loss', ['input', 'target'],
    lossCases('NLLLoss', [f32('4,3'), 't=int64[4]:0..3'], ', ignore_index=1')),
  loss('KLDivLoss', `${REDUCTION}, log_target=False`, 'kl_div', ['input', 'target'], [
    ...lossCases('KLDivLoss', [f32('3,4', 'q'), f32('3,4', 'p', '0..1')]),
    { torch: "nn.KLDivLoss(reduction='batchmean', log_target=True)", inputs: [f32('3,4', 'q'), f32('3,4', 'p')] },
  ]),
  loss('SoftMarginLoss', REDUCTION, 'soft_margin_loss', ['input', 'target'], lossCases('SoftMarginLoss', [f32('3,4'), f32('3,4', 'y', '-1..1')])),
  loss('MarginRankingLoss', `margin=0.0, ${REDUCTION}`, 'margin_ranking_loss', ['input1', 'input2', 'target'],
    lossCases('MarginRankingLoss', [f32('5', 'x'), f32('5', 'y'), f32('5', 't', '-1..1')], ', margin=0.5')),
  loss('HingeEmbeddingLoss', `margin=1.0, ${REDUCTION}`, 'hinge_embedding_loss', ['input', 'target'],
    lossCases('HingeEmbeddingLoss', [f32('3,4'), 'y=int64[3,4]:-1..2'], ', margin=0.5')),
  loss('CosineEmbeddingLoss', `margin=0.0, ${REDUCTION}`, 'cosine_embedding_loss', ['input1', 'input2', 'target'],
    lossCases('CosineEmbeddingLoss', [f32('4,5', 'x'), f32('4,5', 'y'), 't=int64[4]:-1..2'], ', margin=0.3')),
  loss('PoissonNLLLoss', "log_input=True, full=False, size_average=None, eps=1e-08, reduce=None, reduction='mean'", 'poisson_nll_loss', ['input', 'target'], [
    ...lossCases('PoissonNLLLoss', [f32('3,4'), f32('3,4', 'y', '0..5')]),
    { torch: 'nn.PoissonNLLLoss(log_input=False, full=True)', inputs: [f32('3,4', 'x', '0.1..3'), f32('3,4', 'y', '0..5')] },
  ]),
  loss('GaussianNLLLoss', "*, full=False, eps=1e-06, reduction='mean'", 'gaussian_nll_loss', ['input', 'target', 'var'], [
    ...lossCases('GaussianNLLLoss', [f32('3,4', 'x'), f32('3,4', 'y'), f32('3,4', 'v', '0..2')]),
    { torch: 'nn.GaussianNLLLoss(full=True, eps=0.1)', inputs: [f32('3,4', 'x'), f32('3,4', 'y'), f32('3', 'v', '0.5..2')] },
  ]),
  loss('TripletMarginLoss', `margin=1.0, p=2.0, eps=1e-06, swap=False, ${REDUCTION}`, 'triplet_margin_loss', ['anchor', 'positive', 'negative'], [
    ...lossCases('TripletMarginLoss', [f32('4,5', 'a'), f32('4,5', 'p'), f32('4,5', 'n')]),
    { torch: 'nn.TripletMarginLoss(margin=2.0, p=1, swap=True)', inputs: [f32('4,5', 'a'), f32('4,5', 'p'), f32('4,5', 'n')] },
  ]),
  loss('MultiLabelSoftMarginLoss', `weight=None, ${REDUCTION}`, 'multilabel_soft_margin_loss', ['input', 'target'],
    lossCases('MultiLabelSoftMarginLoss', [f32('3,4'), f32('3,4', 'y', '0..1')])),
  pure(
    'ChannelShuffle',
    'groups',
    (a, x) => `${x}.reshape(${x}.shape[0], ${a.groups.text}, -1, *${x}.shape[2:]).swapaxes(1, 2).reshape(${x}.shape)`,
    'x.reshape(n, groups, -1, *spatial).swapaxes(1, 2).reshape(x.shape)',
    [{ torch: 'nn.ChannelShuffle(3)', inputs: [f32('2,6,3,4')] }],
  ),
];

