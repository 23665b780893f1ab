// torch.nn.Module as a host base class (parameters, buffers and submodules registered on assignment, in order, as
// PyTorch does), and the built-in layers as interpreted-looking classes deriving from it, so that user classes may
// subclass them and containers hold them. Layer weights are placeholders until prepare() draws them.
import { moduleIndex } from '../../../catalogue/index';
import { describe } from '../../../catalogue/signature';
import {
  BuiltinFunction, HostObject, PyClass, PyDict, PyInstance, PyIterator, PyList, PySlice, PyTuple, pyError,
  type InterpreterApi, type Kwargs, type Value,
} from '../../interp';
import { bindArgs, isNone, items, toBool, toInt, toInts, toNumber, type BoundArgs } from '../../trace/args';
import type { InitHint } from '../../trace/host';
import type { DType } from '../../onnx/tensor';
import * as ops from '../../trace/ops';
import { DataDependent, NotLowered, type Sym, type Tracer } from '../../trace/tracer';
import { tensorArg } from './functions';
import { recurrentLayers } from './recurrent';
import { transformerLayers } from './transformer';
import { callEntry, lookup } from './registry';
import * as F from './functional';
import { bilinear, rrelu } from './math';
import { TorchTensor, type TorchContext } from './tensor';

export interface ModuleState {
  params: Map<string, TorchTensor | null>;
  buffers: Map<string, { tensor: TorchTensor | null; persistent: boolean }>;
  modules: Map<string, PyInstance | null>;
  training: boolean;
}

export function stateOf(self: PyInstance): ModuleState {
  if (!self.hostState) self.hostState = { params: new Map(), buffers: new Map(), modules: new Map(), training: true } satisfies ModuleState;
  return self.hostState as ModuleState;
}

export function isModule(value: Value): value is PyInstance {
  return value instanceof PyInstance && value.hostState !== undefined && (value.hostState as ModuleState).params instanceof Map;
}

const method = (name: string, fn: (args: Value[], kwargs: Kwargs) => Value) => new BuiltinFunction(name, fn);

/** A new parameter whose data prepare() draws; nn.Parameter(data) keeps only the data's shape and dtype. */
export function parameter(c: TorchContext, origin: string, shape: readonly number[], init: InitHint): TorchTensor {
  const p = c.placeholder(origin, shape, 'float32', init);
  p.isParameter = true;
  return p;
}

// ---- the Module base

/** assigns like `self.name = value` in a module's __init__ (registering parameters and submodules) */
export function registerModule(self: PyInstance, name: string, value: Value): void {
  if (!setModuleAttribute(self, name, value)) self.attrs.set(name, value);
}

function setModuleAttribute(self: PyInstance, name: string, value: Value): boolean {
  const state = stateOf(self);
  if (value instanceof TorchTensor && value.isParameter) return register(state, 'params', name, value, self);
  if (isModule(value)) return register(state, 'modules', name, value, self);
  if (state.buffers.has(name) && (value instanceof TorchTensor || value === null)) {
    state.buffers.get(name)!.tensor = value;
    return true;
  }
  if ((state.params.has(name) || state.modules.has(name)) && value === null) {
    (state.params.has(name) ? state.params : state.modules).set(name, null);
    return true;
  }
  if (state.params.has(name) && value instanceof TorchTensor) throw pyError('TypeError', `cannot assign 'torch.FloatTensor' as parameter '${name}' (torch.nn.Parameter or None expected)`);
  return false;
}

function register(state: ModuleState, kind: 'params' | 'modules', name: string, value: Value, self: PyInstance): boolean {
  for (const other of [state.params, state.buffers, state.modules]) if (other !== state[kind]) other.delete(name);
  self.attrs.delete(name);
  (state[kind] as Map<string, Value>).set(name, value);
  return true;
}

function moduleAttribute(self: PyInstance, name: string, api: InterpreterApi): Value | undefined {
  const state = stateOf(self);
  if (state.params.has(name)) return state.params.get(name)!;
  if (state.buffers.has(name)) return state.buffers.get(name)!.tensor;
  if (state.modules.has(name)) return state.modules.get(name)!;
  if (name === 'training') return state.training;
  const found = MODULE_METHODS[name];
  return found && method(name, (args, kwargs) => found(self, args, kwargs, api));
}

type ModuleMethod = (self: PyInstance, args: Value[], kwargs: Kwargs, api: InterpreterApi) => Value;

const MODULE_METHODS: Record<string, ModuleMethod> = {
  __call__: (self, args, kwargs, api) => api.call(api.getattr(self, 'forward'), args, kwargs),
  forward: () => {
    throw pyError('NotImplementedError', 'Module [Module] is missing the required "forward" function');
  },
  train: (self, args) => setMode(self, args.length ? toBool(args[0]) : true),
  eval: (self) => setMode(self, false),
  register_buffer: (self, args, kwargs) => {
    const a = bindArgs('register_buffer(name, tensor, persistent=True)', args, kwargs);
    const name = String(a.name);
    stateOf(self).buffers.set(name, { tensor: a.tensor as TorchTensor | null, persistent: toBool(a.persistent) });
    self.attrs.delete(name);
    return null;
  },
  register_parameter: (self, [name, value]) => (register(stateOf(self), 'params', String(name), value, self), null),
  add_module: (self, [name, value]) => (register(stateOf(self), 'modules', String(name), value, self), null),
  register_module: (self, [name, value]) => (register(stateOf(self), 'modules', String(name), value, self), null),
  parameters: (self, args, kwargs) => new PyList(namedParameters(self, recursing('parameters(recurse=True)', args, kwargs)).map(([, p]) => p)),
  named_parameters: (self, args, kwargs) => new PyList(namedParameters(self, recursing(NAMED_SIGNATURE, args, kwargs)).map(([n, p]) => new PyTuple([n, p]))),
  buffers: (self, args, kwargs) => new PyList(namedBuffers(self, recursing('buffers(recurse=True)', args, kwargs)).map(([, b]) => b)),
  named_buffers: (self, args, kwargs) => new PyList(namedBuffers(self, recursing(NAMED_SIGNATURE, args, kwargs)).map(([n, b]) => new PyTuple([n, b]))),
  children: (self) => new PyList(children(self).map(([, m]) => m)),
  named_children: (self) => new PyList(children(self).map(([n, m]) => new PyTuple([n, m]))),
  modules: (self) => new PyList(namedModules(self, '').map(([, m]) => m)),
  named_modules: (self) => new PyList(namedModules(self, '').map(([n, m]) => new PyTuple([n, m]))),
  apply: (self, [fn], _kwargs, api) => {
    // children first, as torch's apply recurses before calling fn on the module itself
    for (const [, m] of namedModules(self, '').reverse()) api.call(fn, [m]);
    return self;
  },
  state_dict: (self) => {
    const dict = new PyDict();
    for (const e of stateEntries(self, '')) dict.set(e.name, e.tensor);
    return dict;
  },
  load_state_dict: (self, args, kwargs) => loadStateDict(self, bindArgs('load_state_dict(state_dict, strict=True, assign=False)', args, kwargs)),
  to: (self) => self,
  cuda: (self) => self,
  cpu: (self) => self,
  float: (self) => self,
  requires_grad_: (self) => self,
  zero_grad: () => null,
  extra_repr: () => '',
};

/** copies values into the parameters and buffers by state_dict key; strict, as torch's default, on the key sets */
function loadStateDict(self: PyInstance, a: BoundArgs): Value {
  const source = a.state_dict;
  if (!(source instanceof PyDict)) throw pyError('TypeError', 'load_state_dict expects a dict');
  const entries = stateEntries(self, '');
  const expected = new Set(entries.map((e) => e.name));
  const given = source.keys().map(String);
  const missing = [...expected].filter((k) => !given.includes(k));
  const unexpected = given.filter((k) => !expected.has(k));
  if (toBool(a.strict) && (missing.length || unexpected.length)) {
    throw pyError('RuntimeError', `Error(s) in loading state_dict: missing keys [${missing.join(', ')}], unexpected keys [${unexpected.join(', ')}]`);
  }
  for (const e of entries) {
    const value = source.get(e.name);
    if (!(value instanceof TorchTensor)) continue;
    if (value.shape.join() !== e.tensor.shape.join()) throw pyError('RuntimeError', `size mismatch for ${e.name}: [${value.shape}] given, [${e.tensor.shape}] in the model`);
    e.tensor.sym = ops.cast(value.torch.t, value.sym, e.tensor.dtype);
  }
  return null;
}

function setMode(self: PyInstance, training: boolean): Value {
  for (const [, m] of namedModules(self, '')) stateOf(m).training = training;
  return self;
}

function children(self: PyInstance): Array<[string, PyInstance]> {
  return [...stateOf(self).modules].filter((e): e is [string, PyInstance] => e[1] !== null);
}

/** every module once (the first path wins), pre-order like torch's named_modules */
function namedModules(self: PyInstance, prefix: string, seen = new Set<PyInstance>()): Array<[string, PyInstance]> {
  if (seen.has(self)) return [];
  seen.add(self);
  return [[prefix, self], ...children(self).flatMap(([n, m]) => namedModules(m, prefix ? `${prefix}.${n}` : n, seen))];
}

const NAMED_SIGNATURE = 'named_parameters(prefix="", recurse=True, remove_duplicate=True)';

/** recurse=False: the module's own tensors only (prefix and remove_duplicate are left to torch's defaults) */
function recursing(signature: string, args: Value[], kwargs: Kwargs): boolean {
  const a = bindArgs(signature, args, kwargs);
  if ((a.prefix !== undefined && a.prefix !== '') || (a.remove_duplicate !== undefined && !toBool(a.remove_duplicate))) throw new NotLowered('torch.nn.Module.named_parameters', 'prefix= or remove_duplicate=False');
  return toBool(a.recurse);
}

function namedParameters(self: PyInstance, recurse = true): Array<[string, TorchTensor]> {
  const seen = new Set<TorchTensor>();
  return stateEntries(self, '', false, recurse).filter((e) => e.kind === 'parameter' && !seen.has(e.tensor) && seen.add(e.tensor)).map((e) => [e.name, e.tensor]);
}

function namedBuffers(self: PyInstance, recurse = true): Array<[string, TorchTensor]> {
  return stateEntries(self, '', true, recurse).filter((e) => e.kind === 'buffer').map((e) => [e.name, e.tensor]);
}

export interface TensorEntry {
  name: string;
  tensor: TorchTensor;
  kind: 'parameter' | 'buffer';
}

/** state_dict order: a module's parameters, then its (persistent) buffers, then each submodule's, recursively */
export function stateEntries(self: PyInstance, prefix: string, includeTransient = false, recurse = true): TensorEntry[] {
  const state = stateOf(self);
  const key = (n: string) => (prefix ? `${prefix}.${n}` : n);
  const own: TensorEntry[] = [
    ...[...state.params].flatMap(([n, p]) => (p ? [{ name: key(n), tensor: p, kind: 'parameter' as const }] : [])),
    ...[...state.buffers].flatMap(([n, b]) => (b.tensor && (b.persistent || includeTransient) ? [{ name: key(n), tensor: b.tensor, kind: 'buffer' as const }] : [])),
  ];
  return recurse ? [...own, ...children(self).flatMap(([n, m]) => stateEntries(m, key(n), includeTransient))] : own;
}

export function createModuleBase(): HostObject {
  return new HostObject('torch.nn.Module', {
    subclass: {
      init: (self) => void stateOf(self),
      setattr: (self, name, value) => setModuleAttribute(self, name, value),
      getattr: (self, name, api) => moduleAttribute(self, name, api),
    },
    repr: () => "<class 'torch.nn.modules.module.Module'>",
  });
}

// ---- built-in layers

export interface LayerDef {
  /** parameter text when the catalogue has no signature for the layer */
  params: string;
  /** binds constructor arguments that a signature text cannot describe (einops' **axes_lengths) */
  bind?: (args: Value[], kwargs: Kwargs) => BoundArgs;
  init?: (self: PyInstance, a: BoundArgs, c: TorchContext) => void;
  forward: (self: PyInstance, x: Value, c: TorchContext, api: InterpreterApi, rest: Value[], kwargs: Kwargs) => Value;
}

export const weightOf = (self: PyInstance, name: string): Sym | null => {
  const p = stateOf(self).params.get(name) ?? stateOf(self).buffers.get(name)?.tensor;
  return p ? p.sym : null;
};
export const optionOf = (self: PyInstance, name: string): Value => self.attrs.get(name) ?? null;

/** stores constructor arguments as attributes, as torch layers expose them (self.in_features, ...) */
export function keep(self: PyInstance, a: BoundArgs, names: string[]): void {
  for (const n of names) self.attrs.set(n, a[n]);
}

export function addParameter(self: PyInstance, c: TorchContext, name: string, shape: readonly number[], init: InitHint): void {
  setModuleAttribute(self, name, parameter(c, `${self.cls.name}.${name}`, shape, init));
}

function addBuffer(self: PyInstance, c: TorchContext, name: string, shape: readonly number[], init: InitHint, dtype: DType = 'float32'): void {
  stateOf(self).buffers.set(name, { tensor: c.placeholder(`${self.cls.name}.${name}`, shape, dtype, init), persistent: true });
}

export const fanIn = (n: number): InitHint => ({ kind: 'fanIn', fanIn: n });

const PADDING_MODES: Record<string, 'reflect' | 'edge' | 'wrap'> = { reflect: 'reflect', replicate: 'edge', circular: 'wrap' };

function convLayer(n: number, transposed: boolean): LayerDef {
  return {
    params: transposed
      ? '(in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode=\'zeros\')'
      : '(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode=\'zeros\')',
    init: (self, a, c) => {
      if (a.padding_mode !== 'zeros' && transposed) throw pyError('ValueError', 'Only "zeros" padding mode is supported for ' + self.cls.name);
      const [cin, cout, groups] = [toInt(a.in_channels), toInt(a.out_channels), toInt(a.groups)];
      const kernel = toInts(a.kernel_size, n);
      keep(self, a, ['in_channels', 'out_channels', 'stride', 'padding', 'dilation', 'groups', 'padding_mode', ...(transposed ? ['output_padding'] : [])]);
      self.attrs.set('kernel_size', new PyTuple(kernel));
      const shape = transposed ? [cin, cout / groups, ...kernel] : [cout, cin / groups, ...kernel];
      // torch's fan-in is the weight's dim 1 times the kernel size, for both kinds
      const fan = shape[1] * ops.size(kernel);
      addParameter(self, c, 'weight', shape, fanIn(fan));
      if (toBool(a.bias)) addParameter(self, c, 'bias', [cout], fanIn(fan));
      else stateOf(self).params.set('bias', null);
    },
    forward: (self, x, c) => {
      const options = Object.fromEntries(['stride', 'padding', 'dilation', 'groups', 'output_padding'].map((k) => [k, optionOf(self, k)]));
      const [input, w, b] = [tensorArg(x), weightOf(self, 'weight')!, weightOf(self, 'bias')];
      if (transposed) return c.wrap(F.transposedConvolution(c.t, input, w, b, options));
      const mode = PADDING_MODES[String(optionOf(self, 'padding_mode'))];
      if (!mode) return c.wrap(F.convolution(c.t, input, w, b, options as never));
      // reflect/replicate/circular: pad the input that way, then convolve without padding, as torch does
      const pads = F.convPads(options.padding, w.shape.slice(2), toInts(options.dilation, n));
      const padded = ops.pad(c.t, input, [...input.shape.slice(0, -n).map(() => 0), ...pads.slice(0, n)], [...input.shape.slice(0, -n).map(() => 0), ...pads.slice(n)], mode, null);
      return c.wrap(F.convolution(c.t, padded, w, b, { ...options, padding: 0 } as never));
    },
  };
}

/** `spatialRank` tells an unbatched instance-norm input ([C, ...spatial]) from a batched one */
function normLayer(kind: 'batch' | 'instance' | 'group' | 'layer', spatialRank = 0): LayerDef {
  const params = {
    batch: '(num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
    instance: '(num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)',
    group: '(num_groups, num_channels, eps=1e-05, affine=True)',
    layer: '(normalized_shape, eps=1e-05, elementwise_affine=True, bias=True)',
  }[kind];
  return {
    params,
    init: (self, a, c) => {
      const shape = kind === 'layer' ? toInts(a.normalized_shape) : [toInt(kind === 'group' ? a.num_channels : a.num_features)];
      keep(self, a, kind === 'layer' ? ['eps', 'elementwise_affine'] : kind === 'group' ? ['num_groups', 'num_channels', 'eps', 'affine'] : ['num_features', 'eps', 'momentum', 'affine', 'track_running_stats']);
      if (kind === 'layer') self.attrs.set('normalized_shape', new PyTuple(shape));
      const affine = toBool(kind === 'layer' ? a.elementwise_affine : a.affine);
      if (affine) addParameter(self, c, 'weight', shape, { kind: 'ones' });
      if (affine && toBool(a.bias ?? true)) addParameter(self, c, 'bias', shape, { kind: 'zeros' });
      if ((kind === 'batch' || kind === 'instance') && toBool(a.track_running_stats)) {
        addBuffer(self, c, 'running_mean', shape, { kind: 'normal' });
        addBuffer(self, c, 'running_var', shape, { kind: 'positive' });
        // in torch's state_dict too: a port's loader may expect it
        if (kind === 'batch') addBuffer(self, c, 'num_batches_tracked', [], { kind: 'zeros' }, 'int64');
      }
    },
    forward: (self, x, c) => {
      const [input, w, b, eps] = [tensorArg(x), weightOf(self, 'weight'), weightOf(self, 'bias'), toNumber(optionOf(self, 'eps'))];
      if (kind === 'layer') return c.wrap(F.layerNorm(c.t, input, toInts(optionOf(self, 'normalized_shape')), w, b, eps));
      if (kind === 'group') return c.wrap(F.groupNorm(c.t, input, toInt(optionOf(self, 'num_groups')), w, b, eps));
      if (kind === 'instance') return c.wrap(F.instanceNorm(c.t, input, spatialRank, weightOf(self, 'running_mean'), weightOf(self, 'running_var'), w, b, stateOf(self).training, eps));
      return c.wrap(F.batchNorm(c.t, input, weightOf(self, 'running_mean'), weightOf(self, 'running_var'), w, b, stateOf(self).training, eps));
    },
  };
}

/** activation layers: the constructor's arguments are the functional's keyword arguments */
function activationLayer(functional: string, params: string, stored: string[] = []): LayerDef {
  return {
    params,
    init: (self, a) => keep(self, a, stored),
    forward: (self, x, c) => {
      const lower = F.activation(functional)!;
      const input = tensorArg(x);
      return c.wrap(lower(c.t, input.dtype.startsWith('float') ? input : ops.cast(c.t, input, 'float32'), Object.fromEntries(stored.map((k) => [k, optionOf(self, k)]))));
    },
  };
}

const poolKeys = ['kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode', 'return_indices', 'count_include_pad', 'divisor_override'];

function poolLayer(kind: 'max' | 'avg', n: number): LayerDef {
  return {
    params: kind === 'max' ? '(kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False)' : '(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)',
    init: (self, a) => keep(self, a, poolKeys.filter((k) => k in a)),
    forward: (self, x, c) => {
      const a = Object.fromEntries(poolKeys.map((k) => [k, optionOf(self, k)]));
      return c.wrap(kind === 'max' ? F.maxPool(c.t, tensorArg(x), n, a) : F.avgPool(c.t, tensorArg(x), n, a));
    },
  };
}

const LAYERS: Record<string, LayerDef> = {
  Linear: {
    params: '(in_features, out_features, bias=True)',
    init: (self, a, c) => {
      const [n, m] = [toInt(a.in_features), toInt(a.out_features)];
      keep(self, a, ['in_features', 'out_features']);
      addParameter(self, c, 'weight', [m, n], fanIn(n));
      if (toBool(a.bias)) addParameter(self, c, 'bias', [m], fanIn(n));
      else stateOf(self).params.set('bias', null);
    },
    forward: (self, x, c) => c.wrap(F.linear(c.t, tensorArg(x), weightOf(self, 'weight')!, weightOf(self, 'bias'))),
  },
  Conv1d: convLayer(1, false),
  Conv2d: convLayer(2, false),
  Conv3d: convLayer(3, false),
  ConvTranspose1d: convLayer(1, true),
  ConvTranspose2d: convLayer(2, true),
  ConvTranspose3d: convLayer(3, true),
  LayerNorm: normLayer('layer'),
  GroupNorm: normLayer('group'),
  BatchNorm1d: normLayer('batch'),
  BatchNorm2d: normLayer('batch'),
  BatchNorm3d: normLayer('batch'),
  // on one process SyncBatchNorm computes what BatchNorm does
  SyncBatchNorm: normLayer('batch'),
  InstanceNorm1d: normLayer('instance', 1),
  InstanceNorm2d: normLayer('instance', 2),
  InstanceNorm3d: normLayer('instance', 3),
  RMSNorm: {
    params: '(normalized_shape, eps=None, elementwise_affine=True)',
    init: (self, a, c) => {
      const shape = toInts(a.normalized_shape);
      self.attrs.set('normalized_shape', new PyTuple(shape));
      keep(self, a, ['eps', 'elementwise_affine']);
      if (toBool(a.elementwise_affine)) addParameter(self, c, 'weight', shape, { kind: 'ones' });
    },
    forward: (self, x, c) => c.wrap(F.rmsNorm(c.t, tensorArg(x), toInts(optionOf(self, 'normalized_shape')), weightOf(self, 'weight'), optionOf(self, 'eps'))),
  },
  PReLU: {
    params: '(num_parameters=1, init=0.25)',
    init: (self, a, c) => {
      keep(self, a, ['num_parameters']);
      addParameter(self, c, 'weight', [toInt(a.num_parameters)], { kind: 'positive' });
    },
    forward: (self, x, c) => c.wrap(F.prelu(c.t, tensorArg(x), weightOf(self, 'weight')!)),
  },
  Embedding: {
    params: '(num_embeddings, embedding_dim, padding_idx=None, max_norm=None)',
    init: (self, a, c) => {
      if (!isNone(a.max_norm)) throw new NotLowered('nn.Embedding', 'max_norm');
      keep(self, a, ['num_embeddings', 'embedding_dim', 'padding_idx']);
      addParameter(self, c, 'weight', [toInt(a.num_embeddings), toInt(a.embedding_dim)], { kind: 'normal' });
    },
    forward: (self, x, c) => c.wrap(ops.gather(c.t, weightOf(self, 'weight')!, tensorArg(x), 0)),
  },
  Dropout: dropoutLayer(),
  Dropout1d: dropoutLayer(),
  Dropout2d: dropoutLayer(),
  Dropout3d: dropoutLayer(),
  AlphaDropout: dropoutLayer(),
  FeatureAlphaDropout: dropoutLayer(),
  Identity: { params: '(*args, **kwargs)', forward: (_self, x) => x },
  Flatten: methodLayer('flatten', '(start_dim=1, end_dim=-1)', ['start_dim', 'end_dim']),
  Softmax: methodLayer('softmax', '(dim=None)', ['dim']),
  LogSoftmax: methodLayer('log_softmax', '(dim=None)', ['dim']),
  Unflatten: methodLayer('unflatten', '(dim, unflattened_size)', ['dim', 'unflattened_size']),
  ...Object.fromEntries([1, 2, 3].flatMap((n) => [
    [`ZeroPad${n}d`, padLayer(n, 'constant')],
    [`ConstantPad${n}d`, padLayer(n, 'constant')],
    [`ReflectionPad${n}d`, padLayer(n, 'reflect')],
    [`ReplicationPad${n}d`, padLayer(n, 'replicate')],
    [`CircularPad${n}d`, padLayer(n, 'circular')],
    [`AdaptiveAvgPool${n}d`, adaptivePool(n, 'avg')],
    [`AdaptiveMaxPool${n}d`, adaptivePool(n, 'max')],
  ])),
  UpsamplingNearest2d: upsampling('nearest'),
  UpsamplingBilinear2d: upsampling('bilinear'),
  Softmin: {
    params: '(dim=None)',
    init: (self, a) => keep(self, a, ['dim']),
    forward: (self, x, c, api) => callTorch(c, api, 'torch.nn.functional.softmin', [x], [['dim', optionOf(self, 'dim')]]),
  },
  GLU: activationLayer('glu', '(dim=-1)', ['dim']),
  Tanhshrink: activationLayer('tanhshrink', '()'),
  Softshrink: activationLayer('softshrink', '(lambd=0.5)', ['lambd']),
  Hardshrink: activationLayer('hardshrink', '(lambd=0.5)', ['lambd']),
  Softsign: activationLayer('softsign', '()'),
  LogSigmoid: activationLayer('logsigmoid', '()'),
  CELU: activationLayer('celu', '(alpha=1.0, inplace=False)', ['alpha']),
  Upsample: {
    params: "(size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None)",
    init: (self, a) => keep(self, a, ['size', 'scale_factor', 'mode', 'align_corners']),
    forward: (self, x, c, api) => callTorch(c, api, 'torch.nn.functional.interpolate', [x], ['size', 'scale_factor', 'mode', 'align_corners'].map((k) => [k, optionOf(self, k)])),
  },
  ReLU: activationLayer('relu', '(inplace=False)'),
  ReLU6: activationLayer('relu6', '(inplace=False)'),
  GELU: activationLayer('gelu', "(approximate='none')", ['approximate']),
  SiLU: activationLayer('silu', '(inplace=False)'),
  Tanh: activationLayer('tanh', '()'),
  Sigmoid: activationLayer('sigmoid', '()'),
  Mish: activationLayer('mish', '(inplace=False)'),
  Hardswish: activationLayer('hardswish', '(inplace=False)'),
  Hardsigmoid: activationLayer('hardsigmoid', '(inplace=False)'),
  SELU: activationLayer('selu', '(inplace=False)'),
  LeakyReLU: activationLayer('leaky_relu', '(negative_slope=0.01, inplace=False)', ['negative_slope']),
  ELU: activationLayer('elu', '(alpha=1.0, inplace=False)', ['alpha']),
  Softplus: activationLayer('softplus', '(beta=1.0, threshold=20.0)', ['beta', 'threshold']),
  Hardtanh: {
    ...activationLayer('hardtanh', '(min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None)', ['min_val', 'max_val']),
    // the deprecated min_value/max_value still win when given
    init: (self, a) => keep(self, { min_val: isNone(a.min_value) ? a.min_val : a.min_value, max_val: isNone(a.max_value) ? a.max_val : a.max_value }, ['min_val', 'max_val']),
  },
  MSELoss: lossLayer('mse_loss', []),
  L1Loss: lossLayer('l1_loss', []),
  SmoothL1Loss: lossLayer('smooth_l1_loss', ['beta']),
  HuberLoss: lossLayer('huber_loss', ['delta']),
  BCELoss: lossLayer('binary_cross_entropy', ['weight']),
  BCEWithLogitsLoss: lossLayer('binary_cross_entropy_with_logits', ['weight', 'pos_weight']),
  CrossEntropyLoss: lossLayer('cross_entropy', ['weight', 'ignore_index', 'label_smoothing']),
  NLLLoss: lossLayer('nll_loss', ['weight', 'ignore_index']),
  KLDivLoss: lossLayer('kl_div', ['log_target']),
  PoissonNLLLoss: lossLayer('poisson_nll_loss', ['log_input', 'full', 'eps']),
  GaussianNLLLoss: lossLayer('gaussian_nll_loss', ['full', 'eps']),
  TripletMarginLoss: lossLayer('triplet_margin_loss', ['margin', 'p', 'eps', 'swap']),
  SoftMarginLoss: lossLayer('soft_margin_loss', []),
  MarginRankingLoss: lossLayer('margin_ranking_loss', ['margin']),
  HingeEmbeddingLoss: lossLayer('hinge_embedding_loss', ['margin']),
  CosineEmbeddingLoss: lossLayer('cosine_embedding_loss', ['margin']),
  MultiLabelSoftMarginLoss: lossLayer('multilabel_soft_margin_loss', ['weight']),
  Threshold: functionalLayer('threshold', '(threshold, value, inplace=False)', ['threshold', 'value']),
  Softmax2d: functionalLayer('softmax', '()', [], [['dim', -3]]),
  PixelShuffle: functionalLayer('pixel_shuffle', '(upscale_factor)', ['upscale_factor']),
  PixelUnshuffle: functionalLayer('pixel_unshuffle', '(downscale_factor)', ['downscale_factor']),
  ChannelShuffle: functionalLayer('channel_shuffle', '(groups)', ['groups']),
  CosineSimilarity: functionalLayer('cosine_similarity', '(dim=1, eps=1e-08)', ['dim', 'eps']),
  PairwiseDistance: functionalLayer('pairwise_distance', '(p=2.0, eps=1e-06, keepdim=False)', ['p', 'eps', 'keepdim']),
  ...Object.fromEntries([1, 2, 3].map((n) => [`LPPool${n}d`, functionalLayer(`lp_pool${n}d`, '(norm_type, kernel_size, stride=None, ceil_mode=False)', ['norm_type', 'kernel_size', 'stride', 'ceil_mode'])])),
  RReLU: {
    params: '(lower=0.125, upper=0.3333333333333333, inplace=False)',
    init: (self, a) => keep(self, a, ['lower', 'upper']),
    forward: (self, x, c) => rrelu(c, x, toNumber(optionOf(self, 'lower')), toNumber(optionOf(self, 'upper')), stateOf(self).training),
  },
  LocalResponseNorm: functionalLayer('local_response_norm', '(size, alpha=0.0001, beta=0.75, k=1.0)', ['size', 'alpha', 'beta', 'k']),
  Unfold: functionalLayer('unfold', '(kernel_size, dilation=1, padding=0, stride=1)', ['kernel_size', 'dilation', 'padding', 'stride']),
  Bilinear: {
    params: '(in1_features, in2_features, out_features, bias=True)',
    init: (self, a, c) => {
      const [n1, n2, m] = [toInt(a.in1_features), toInt(a.in2_features), toInt(a.out_features)];
      keep(self, a, ['in1_features', 'in2_features', 'out_features']);
      addParameter(self, c, 'weight', [m, n1, n2], fanIn(n1));
      if (toBool(a.bias)) addParameter(self, c, 'bias', [m], fanIn(n1));
      else stateOf(self).params.set('bias', null);
    },
    forward: (self, x, c, _api, [y]) => c.wrap(bilinear(c.t, tensorArg(x), tensorArg(y), weightOf(self, 'weight')!, weightOf(self, 'bias'))),
  },
  MaxPool1d: poolLayer('max', 1),
  MaxPool2d: poolLayer('max', 2),
  MaxPool3d: poolLayer('max', 3),
  AvgPool1d: poolLayer('avg', 1),
  AvgPool2d: poolLayer('avg', 2),
  AvgPool3d: poolLayer('avg', 3),
};

/** layers that call a Tensor method with their constructor arguments, in order */
function methodLayer(name: string, params: string, stored: string[]): LayerDef {
  return {
    params,
    init: (self, a) => keep(self, a, stored),
    forward: (self, x, _c, api) => api.call(api.getattr(x, name), stored.map((k) => optionOf(self, k))),
  };
}

/** layers that call a functional with their inputs and stored constructor arguments (and any fixed ones) */
function functionalLayer(name: string, params: string, stored: string[], fixed: Array<[string, Value]> = []): LayerDef {
  return {
    params,
    init: (self, a) => keep(self, a, stored),
    forward: (self, x, c, api, rest) => callTorch(c, api, `torch.nn.functional.${name}`, [x, ...rest], [...stored.map((k): [string, Value] => [k, optionOf(self, k)]), ...fixed]),
  };
}

function callTorch(c: TorchContext, api: InterpreterApi, path: string, args: Value[], kwargs: Array<[string, Value]>): Value {
  return callEntry(lookup(path)!, c, args, new Map(kwargs), api);
}

/** padding layers: an int pads every side; a tuple lists (left, right[, top, bottom]) as F.pad does */
function padLayer(n: number, mode: string): LayerDef {
  return {
    params: mode === 'constant' ? '(padding, value=0.0)' : '(padding)',
    init: (self, a) => {
      self.attrs.set('padding', new PyTuple(toInts(a.padding, 2 * n)));
      self.attrs.set('value', a.value ?? 0.0);
    },
    forward: (self, x, c, api) => callTorch(c, api, 'torch.nn.functional.pad', [x, optionOf(self, 'padding')], [['mode', mode], ['value', mode === 'constant' ? optionOf(self, 'value') : null]]),
  };
}

/** loss layers call their functional with the constructor's options; a class weight is a buffer, as in torch */
function lossLayer(functional: string, options: string[]): LayerDef {
  return {
    params: `(${[...options.map((o) => `${o}=None`), "reduction='mean'"].join(', ')})`,
    init: (self, a) => {
      keep(self, a, [...options.filter((o) => o !== 'weight' && o !== 'pos_weight'), 'reduction']);
      for (const name of ['weight', 'pos_weight'].filter((o) => options.includes(o))) {
        stateOf(self).buffers.set(name, { tensor: isNone(a[name]) ? null : (a[name] as TorchTensor), persistent: true });
      }
    },
    forward: (self, x, c, api, rest) => {
      const kwargs = [...options, 'reduction'].map((o): [string, Value] => [o, moduleAttribute(self, o, api) ?? optionOf(self, o)]);
      return callTorch(c, api, `torch.nn.functional.${functional}`, [x, ...rest], kwargs);
    },
  };
}

function dropoutLayer(): LayerDef {
  return {
    params: '(p=0.5, inplace=False)',
    init: (self, a) => keep(self, a, ['p', 'inplace']),
    forward: (self, x, c) => F.dropout(c, x, stateOf(self).training, toNumber(optionOf(self, 'p'))),
  };
}

function adaptivePool(n: number, kind: 'avg' | 'max'): LayerDef {
  return {
    params: kind === 'avg' ? '(output_size)' : '(output_size, return_indices=False)',
    init: (self, a) => {
      if (toBool(a.return_indices ?? false)) throw new NotLowered(self.cls.name, 'return_indices=True');
      keep(self, a, ['output_size']);
    },
    forward: (self, x, c) => c.wrap((kind === 'avg' ? F.adaptiveAvgPool : F.adaptiveMaxPool)(c.t, tensorArg(x), n, optionOf(self, 'output_size'))),
  };
}

/** UpsamplingNearest2d / UpsamplingBilinear2d: interpolate with the mode fixed (bilinear with align_corners=True) */
function upsampling(mode: 'nearest' | 'bilinear'): LayerDef {
  return {
    params: '(size=None, scale_factor=None)',
    init: (self, a) => keep(self, a, ['size', 'scale_factor']),
    forward: (self, x, c, api) => callTorch(c, api, 'torch.nn.functional.interpolate', [x], [['size', optionOf(self, 'size')], ['scale_factor', optionOf(self, 'scale_factor')], ['mode', mode], ['align_corners', mode === 'bilinear' ? true : null]]),
  };
}

const MHA_FORWARD = 'forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None, average_attn_weights=True, is_causal=False)';

/** nn.MultiheadAttention with packed in-projection (kdim = vdim = embed_dim), either layout */
function multiheadAttention(linearClass: PyClass): LayerDef {
  return {
    params: '(embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False, kdim=None, vdim=None, batch_first=False)',
    init: (self, a, c) => {
      const [e, heads] = [toInt(a.embed_dim), toInt(a.num_heads)];
      const unsupported = toBool(a.add_bias_kv) ? 'add_bias_kv' : toBool(a.add_zero_attn) ? 'add_zero_attn' : [a.kdim, a.vdim].some((d) => !isNone(d) && toInt(d) !== e) ? 'kdim/vdim other than embed_dim' : '';
      if (unsupported) throw new NotLowered('nn.MultiheadAttention', unsupported);
      if (e % heads) throw pyError('AssertionError', 'embed_dim must be divisible by num_heads');
      keep(self, a, ['embed_dim', 'num_heads', 'dropout', 'batch_first']);
      self.attrs.set('head_dim', e / heads);
      // torch: xavier-uniform in-projection (fan-in e for scale), zero biases
      addParameter(self, c, 'in_proj_weight', [3 * e, e], fanIn(e));
      if (toBool(a.bias)) addParameter(self, c, 'in_proj_bias', [3 * e], { kind: 'zeros' });
      else stateOf(self).params.set('in_proj_bias', null);
      const out = new PyInstance(linearClass);
      stateOf(out);
      LAYERS.Linear.init!(out, { in_features: e, out_features: e, bias: a.bias }, c);
      setModuleAttribute(self, 'out_proj', out);
    },
    forward: (self, x, c, _api, rest, kwargs) => {
      const a = bindArgs(MHA_FORWARD, [x, ...rest], kwargs);
      for (const name of ['need_weights', 'average_attn_weights', 'is_causal']) if (a[name] instanceof TorchTensor) throw new DataDependent(`${name} given as a tensor`);
      if (stateOf(self).training && toNumber(optionOf(self, 'dropout')) > 0) throw new NotLowered('nn.MultiheadAttention dropout in training mode', 'its random mask cannot be reproduced');
      // unbatched inputs ([L, E]) run as a batch of one, which the results then drop
      const unbatched = tensorArg(a.query).shape.length === 2;
      const batchAxis = toBool(optionOf(self, 'batch_first')) ? 0 : 1;
      const lift = (name: string, axis: number) => (isNone(a[name]) ? null : c.wrap(ops.unsqueeze(c.t, tensorArg(a[name]), [axis])));
      const lifted = unbatched ? { ...a, query: lift('query', batchAxis), key: lift('key', batchAxis), value: lift('value', batchAxis), key_padding_mask: lift('key_padding_mask', 0) } : a;
      const [output, weights] = attend(self, lifted, c);
      const drop = (y: Sym, axis: number) => c.wrap(unbatched ? ops.squeeze(c.t, y, [axis]) : y);
      return new PyTuple([drop(output, batchAxis), weights ? drop(weights, 0) : null]);
    },
  };
}

function attend(self: PyInstance, a: BoundArgs, c: TorchContext): [Sym, Sym | null] {
  const t = c.t;
  const batchFirst = toBool(optionOf(self, 'batch_first'));
  const [q, k, v] = [a.query, a.key, a.value].map((value) => tensorArg(value));
  if (q.shape.length !== 3) throw new NotLowered('nn.MultiheadAttention', 'unbatched inputs');
  const toBatchFirst = (y: Sym) => (batchFirst ? y : ops.swapAxes(t, y, 0, 1));
  const heads = toInt(optionOf(self, 'num_heads'));
  const e = toInt(optionOf(self, 'embed_dim'));
  const w = weightOf(self, 'in_proj_weight')!;
  const b = weightOf(self, 'in_proj_bias');
  const project = (y: Sym, i: number) => {
    const part = F.linear(t, toBatchFirst(y), ops.sliceAxis(t, w, 0, i * e, (i + 1) * e), b && ops.sliceAxis(t, b, 0, i * e, (i + 1) * e));
    const [n, l] = part.shape;
    return ops.transpose(t, ops.reshape(t, part, [n, l, heads, e / heads]), [0, 2, 1, 3]);
  };
  const [qh, kh, vh] = [project(q, 0), project(k, 1), project(v, 2)];
  const [n, , l] = qh.shape;
  const s = kh.shape[2];
  let scores = ops.binary(t, 'Mul', ops.matmul(t, qh, ops.swapAxes(t, kh, -2, -1)), ops.scalar(t, 1 / Math.sqrt(e / heads), qh.dtype));
  scores = maskScores(t, scores, a.attn_mask, (m) => (m.shape.length === 2 ? m : ops.reshape(t, m, [n, heads, l, s])));
  scores = maskScores(t, scores, a.key_padding_mask, (m) => ops.reshape(t, m, [n, 1, 1, s]));
  if (toBool(a.is_causal) && isNone(a.attn_mask)) throw pyError('RuntimeError', 'Need attn_mask if specifying the is_causal hint');
  const probabilities = ops.softmax(t, 'Softmax', scores, -1);
  const merged = ops.reshape(t, ops.transpose(t, ops.matmul(t, probabilities, vh), [0, 2, 1, 3]), [n, l, e]);
  const out = stateOf(self).modules.get('out_proj')!;
  const projected = F.linear(t, merged, weightOf(out, 'weight')!, weightOf(out, 'bias'));
  const output = batchFirst ? projected : ops.swapAxes(t, projected, 0, 1);
  if (!toBool(a.need_weights)) return [output, null];
  return [output, toBool(a.average_attn_weights) ? ops.reduce(t, 'ReduceMean', probabilities, [1], false) : probabilities];
}

/** MultiheadAttention masks: True marks a position NOT to attend (the opposite of sdpa); float masks are added */
function maskScores(t: Tracer, scores: Sym, mask: Value, align: (m: Sym) => Sym): Sym {
  if (isNone(mask)) return scores;
  const m = align(tensorArg(mask));
  if (m.dtype === 'bool') return ops.where(t, m, ops.full(t, [], -Infinity, scores.dtype), scores);
  return ops.binary(t, 'Add', scores, ops.cast(t, m, scores.dtype));
}

/** the catalogue's constructor signature, without the factory arguments (device, dtype) that the check ignores */
function layerSignature(name: string, params: string): string {
  const found = moduleIndex.get(`torch.nn.${name}`);
  return found ? describe(found.sig) : `torch.nn.${name}${params}`;
}

/** each built-in layer's constructor arguments (TransformerEncoder rebuilds its layer from them, as deepcopy would) */
export const constructorArguments = new WeakMap<PyInstance, { args: Value[]; kwargs: Kwargs }>();

export function layerClass(name: string, def: LayerDef, base: HostObject, c: TorchContext): PyClass {
  const signature = layerSignature(name, def.params);
  const attrs = new Map<string, Value>([
    ['__init__', new BuiltinFunction('__init__', ([self, ...args], kwargs) => {
      stateOf(self as PyInstance);
      constructorArguments.set(self as PyInstance, { args, kwargs });
      def.init?.(self as PyInstance, def.bind ? def.bind(args, kwargs) : bindArgs(signature, args, kwargs), c);
      return null;
    }, true)],
    ['forward', new BuiltinFunction('forward', ([self, x, ...rest], kwargs) => def.forward(self as PyInstance, x, c, c.api!, rest, kwargs), true)],
  ]);
  return new PyClass(name, [], attrs, base);
}

// ---- containers

function containerClass(name: 'Sequential' | 'ModuleList' | 'ModuleDict', base: HostObject, c: TorchContext): PyClass {
  const list = (self: PyInstance) => children(self).map(([, m]) => m);
  const append = (self: PyInstance, m: Value) => register(stateOf(self), 'modules', String(stateOf(self).modules.size), m, self);
  const attrs = new Map<string, Value>([
    ['__init__', new BuiltinFunction('__init__', ([self, ...args]) => {
      const s = self as PyInstance;
      stateOf(s);
      const [first] = args;
      // a dict (OrderedDict) names the children; otherwise they are numbered in order
      if (first instanceof PyDict) for (const k of first.keys()) register(stateOf(s), 'modules', String(k), first.get(k)!, s);
      else if (name === 'Sequential') args.forEach((m) => append(s, m));
      else if (args.length && !isNone(first)) iterValues(first).forEach((m) => append(s, m));
      return null;
    }, true)],
    ['__len__', new BuiltinFunction('__len__', ([self]) => stateOf(self as PyInstance).modules.size, true)],
    ['__iter__', new BuiltinFunction('__iter__', ([self]) => new PyList(name === 'ModuleDict' ? [...stateOf(self as PyInstance).modules.keys()] : list(self as PyInstance)), true)],
    ['__getitem__', new BuiltinFunction('__getitem__', ([self, key]) => containerItem(self as PyInstance, key, name), true)],
    ['append', new BuiltinFunction('append', ([self, m]) => (append(self as PyInstance, m), self), true)],
    ['extend', new BuiltinFunction('extend', ([self, ms]) => (iterValues(ms).forEach((m) => append(self as PyInstance, m)), self), true)],
    ['keys', new BuiltinFunction('keys', ([self]) => new PyList([...stateOf(self as PyInstance).modules.keys()]), true)],
    ['values', new BuiltinFunction('values', ([self]) => new PyList(list(self as PyInstance)), true)],
    ['items', new BuiltinFunction('items', ([self]) => new PyList(children(self as PyInstance).map(([k, m]) => new PyTuple([k, m]))), true)],
    ['__contains__', new BuiltinFunction('__contains__', ([self, key]) => stateOf(self as PyInstance).modules.has(String(key)), true)],
  ]);
  if (name === 'Sequential') {
    attrs.set('forward', new BuiltinFunction('forward', ([self, x]) => list(self as PyInstance).reduce((v, m) => c.api!.call(m, [v]), x), true));
  }
  return new PyClass(name, [], attrs, base);
}

/** the items of a list, tuple or one-shot iterator (a generator expression) */
function iterValues(value: Value): readonly Value[] {
  if (!(value instanceof PyIterator)) return items(value);
  const values: Value[] = [];
  for (let next = value.source.next(); !next.done; next = value.source.next()) values.push(next.value);
  return values;
}

function containerItem(self: PyInstance, key: Value, name: string): Value {
  const entries = children(self);
  if (name === 'ModuleDict') {
    const found = stateOf(self).modules.get(String(key));
    if (!found) throw pyError('KeyError', String(key));
    return found;
  }
  if (key instanceof PySlice) throw new NotLowered(`${name} slicing`);
  const i = toInt(key);
  const entry = entries[i < 0 ? i + entries.length : i];
  if (!entry) throw pyError('IndexError', `index ${i} is out of range`);
  return entry[1];
}

/** torch.nn's classes: Module, Parameter, the layers and the containers */
export function createNnClasses(c: TorchContext, base: HostObject): Map<string, Value> {
  const classes = new Map<string, Value>([['Module', base]]);
  for (const [name, def] of Object.entries(LAYERS)) classes.set(name, layerClass(name, def, base, c));
  for (const [name, def] of Object.entries(recurrentLayers())) classes.set(name, layerClass(name, def, base, c));
  for (const [name, def] of Object.entries(transformerLayers(classes, c))) classes.set(name, layerClass(name, def, base, c));
  classes.set('MultiheadAttention', layerClass('MultiheadAttention', multiheadAttention(classes.get('Linear') as PyClass), base, c));
  for (const name of ['Sequential', 'ModuleList', 'ModuleDict'] as const) classes.set(name, containerClass(name, base, c));
  classes.set('Parameter', new HostObject('torch.nn.Parameter', {
    call: (args, kwargs) => {
      const a = bindArgs('Parameter(data=None, requires_grad=True)', args, kwargs);
      const data = a.data as TorchTensor;
      return parameter(c, 'nn.Parameter', data.shape, { kind: 'normal' });
    },
    instancecheck: (value) => value instanceof TorchTensor && value.isParameter,
  }));
  return classes;
}
