// The PyTorch host: the torch, torch.nn, torch.nn.functional and torch.nn.init modules over symbolic tensors, and the
// model hooks (prepare draws every parameter by its state_dict key; stateDict lists them in PyTorch's order).
import { float, HostObject, PyClass, PyDict, PyInstance, PyTuple, pyError, type InterpreterApi, type Kwargs, type Value } from '../../interp';
import type { StateEntry, TraceHost, WeightSource } from '../../trace/host';
import * as ops from '../../trace/ops';
import type { Sym, Tracer } from '../../trace/tracer';
import { NotLowered } from '../../trace/tracer';
import './functional';
import './losses';
import './math';
import { createModuleBase, createNnClasses, isModule, stateEntries } from './modules';
import { callEntry, lookup } from './registry';
import { asSym, operand, updateInPlace, dtypeFrom, DTYPE_NAMES, dtypeObject, markView, TorchContext, TorchTensor, type TensorMethod } from './tensor';
import { createEinops } from '../../trace/einops';
import { einopsTorchLayers } from './einops-layers';
import { missingApi } from '../../trace/modules';
import { createNumpyHost } from '../numpy';

export { TorchTensor } from './tensor';

/** methods whose result is a view of the tensor they are called on */
const VIEW_METHODS = new Set(['view', 'transpose', 'permute', 't', 'unsqueeze', 'squeeze', 'expand', 'narrow', 'chunk', 'split', 'flatten', 'reshape', 'swapaxes', 'expand_as', 'detach']);

/** in-place initialisers: on a parameter placeholder they are no-ops, since the check draws the weights itself
 *  (except copy_ of computed values, which fills it: a loader handing the source's weights over) */
const INITIALISERS = new Set(['normal_', 'uniform_', 'zero_', 'fill_', 'copy_']);
/** in-place calls that change nothing the check computes (autograd and sharing flags) */
const NO_EFFECT = new Set(['requires_grad_', 'detach_', 'share_memory_', 'retain_grad']);

function tensorMethod(c: TorchContext, name: string): TensorMethod | undefined {
  const entry = lookup(`Tensor.${name}`);
  if (entry) return (self, args, kwargs, api) => {
    const result = callEntry(entry, c, [self, ...args], kwargs, api);
    if (VIEW_METHODS.has(name)) (result instanceof PyTuple ? result.items : [result]).forEach(markView);
    return result;
  };
  if (!name.endsWith('_')) return undefined;
  return (self, args, kwargs, api) => inPlace(c, name, self, args, kwargs, api);
}

/** x.add_(y): computes x.add(y) and makes it the object's value, in the object's dtype */
function inPlace(c: TorchContext, name: string, self: TorchTensor, args: Value[], kwargs: Kwargs, api: InterpreterApi): Value {
  const fills = name === 'copy_' && args[0] instanceof TorchTensor && args[0].hasValue;
  if ((!self.hasValue && INITIALISERS.has(name) && !fills) || NO_EFFECT.has(name)) return self;
  const base = name.slice(0, -1);
  const filled = (v: Value) => c.wrap(ops.expand(c.t, asSym(c, operand(v) ?? notLowered(`Tensor.${name}`), self.dtype), self.shape));
  const value = base === 'zero' ? filled(0)
    : base === 'fill' || base === 'copy' ? filled(args[0])
    : callEntry(lookup(`Tensor.${base}`) ?? notLowered(`Tensor.${name}`), c, [self, ...args], kwargs, api);
  return updateInPlace(self, value);
}

function notLowered(api: string): never {
  throw new NotLowered(api);
}

/** A torch module object; a name it lacks is a torch API without a lowering (reported as such, not as a typo) */
function moduleObject(name: string, c: TorchContext, resolve: (attr: string) => Value | undefined): HostObject {
  return new HostObject(name, {
    getattr: (attr, api) => {
      c.api ??= api;
      const found = resolve(attr);
      return found === undefined && !attr.startsWith('__') ? missingApi(`${name}.${attr}`) : found;
    },
  });
}

function functionObject(c: TorchContext, path: string): HostObject | undefined {
  const entry = lookup(path);
  return entry && new HostObject(path, { call: (args, kwargs, api) => callEntry(entry, c, args, kwargs, api) });
}

/** a context manager that does nothing: no_grad and friends change nothing the check computes */
const nullContext: HostObject = new HostObject('torch.no_grad', {
  call: (): Value => nullContext,
  getattr: (name) => (name === '__enter__' ? new HostObject('__enter__', { call: () => null }) : name === '__exit__' ? new HostObject('__exit__', { call: () => false }) : undefined),
});

const FINFO: Record<string, { min: number; max: number; eps: number; tiny: number }> = {
  float32: { min: -3.4028234663852886e38, max: 3.4028234663852886e38, eps: 1.1920928955078125e-7, tiny: 1.1754943508222875e-38 },
  float64: { min: -Number.MAX_VALUE, max: Number.MAX_VALUE, eps: Number.EPSILON, tiny: 2.2250738585072014e-308 },
};

function finfo(args: Value[]): Value {
  const dtype = args.length ? dtypeFrom(args[0]) : 'float32';
  const info = dtype && FINFO[dtype];
  if (!info) throw pyError('TypeError', 'torch.finfo() requires a floating point input type');
  return new HostObject('torch.finfo', { getattr: (name) => (name in info ? float(info[name as keyof typeof info]) : undefined) });
}

/** integer limits by dtype name: torch.int8 and friends are names the check has no tensors of, but their limits are
 *  plain numbers; int64's do not fit a double exactly, so they are left unlowered */
const IINFO: Record<string, { min: number; max: number; bits: number }> = {
  'torch.uint8': { min: 0, max: 255, bits: 8 }, 'torch.int8': { min: -128, max: 127, bits: 8 },
  'torch.int16': { min: -32768, max: 32767, bits: 16 }, 'torch.int32': { min: -2147483648, max: 2147483647, bits: 32 },
};

function iinfo([type]: Value[]): Value {
  const name = type instanceof HostObject ? type.name : String(type);
  const info = IINFO[name];
  if (!info) throw new NotLowered('torch.iinfo', name);
  return new HostObject('torch.iinfo', { getattr: (attr) => (attr in info ? info[attr as keyof typeof info] : undefined) });
}

/** The torch host, with the speculations its NumPy code made (the numpy host's guards), which must all come out False. */
export interface TorchHost extends TraceHost {
  readonly guards: Sym[];
}

export function createTorchHost(tracer: Tracer, options: { weights: WeightSource }): TorchHost {
  const c: TorchContext = new TorchContext(tracer, (name) => tensorMethod(c, name));
  // numpy over the same graph: converted files use it beside torch (load_flax_state reads NumPy arrays)
  const numpy = createNumpyHost(tracer, options);
  c.numpyArray = (value) => numpy.symOf(value);
  const moduleBase = createModuleBase();
  const nnClasses = createNnClasses(c, moduleBase);
  const tensorClass = new HostObject('torch.Tensor', { instancecheck: (value) => value instanceof TorchTensor });
  // torch.nn.init: every initialiser is a no-op, since the check draws weights itself (same values on both sides)
  const init = moduleObject('torch.nn.init', c, (name) => (name === 'calculate_gain' ? undefined : new HostObject(`torch.nn.init.${name}`, { call: (args) => args[0] ?? null })));
  const functional = moduleObject('torch.nn.functional', c, (name) => functionObject(c, `torch.nn.functional.${name}`) ?? functionObject(c, `torch.${name}`));
  const modulesPackage = torchNnModules(c, nnClasses);
  const nn = moduleObject('torch.nn', c, (name) => nnClasses.get(name) ?? ({ functional, init, modules: modulesPackage, parameter: parameterModule(c, nnClasses) } as Record<string, Value>)[name]);
  const torchAttributes: Record<string, Value> = {
    nn, Tensor: tensorClass, no_grad: nullContext, inference_mode: nullContext, enable_grad: nullContext,
    manual_seed: new HostObject('torch.manual_seed', { call: () => null }),
    is_tensor: new HostObject('torch.is_tensor', { call: ([v]) => v instanceof TorchTensor }),
    finfo: new HostObject('torch.finfo', { call: finfo }),
    iinfo: new HostObject('torch.iinfo', { call: iinfo }),
    cuda: new HostObject('torch.cuda', { getattr: (name) => (name === 'is_available' ? new HostObject('is_available', { call: () => false }) : undefined) }),
    device: new HostObject('torch.device', { call: ([name]) => name ?? 'cpu' }),
    // torch.special repeats many torch functions under other names (expit is sigmoid)
    linalg: moduleObject('torch.linalg', c, (name) => functionObject(c, `torch.linalg.${name}`)),
    special: moduleObject('torch.special', c, (name) => functionObject(c, `torch.special.${name}`) ?? functionObject(c, `torch.${name}`)),
  };
  const torch = moduleObject('torch', c, (name) => torchAttributes[name] ?? (name in DTYPE_NAMES ? dtypeObject(DTYPE_NAMES[name]) : functionObject(c, `torch.${name}`)));
  const einops = createEinops(tracer, { symOf: (v) => (v instanceof TorchTensor && v.hasValue ? v.sym : undefined), wrap: (s) => c.wrap(s) });
  const modules: Record<string, Value> = {
    torch, 'torch.nn': nn, 'torch.nn.functional': functional, 'torch.nn.init': init,
    einops, 'einops.layers.torch': einopsTorchLayers(c, moduleBase), numpy: numpy.importModule('numpy')!,
  };

  return {
    tracer,
    guards: numpy.views.guards,
    importModule: (name) => modules[name],
    symOf: (value) => (value instanceof TorchTensor && value.hasValue ? value.sym : undefined),
    inputTensor: (sym: Sym) => c.wrap(sym),
    prepare(model, mode, api) {
      if (!isModule(model)) throw pyError('TypeError', 'the model entry did not build an nn.Module');
      c.api ??= api;
      for (const { name, tensor } of stateEntries(model, '', true)) {
        if (!tensor.hasValue) tensor.sym = tracer.input(`weight.${name}`, options.weights.draw(name, tensor.shape, tensor.dtype, tensor.pending!.init));
      }
      api.call(api.getattr(model, mode === 'train' ? 'train' : 'eval'), []);
    },
    stateDict(model): StateEntry[] {
      return stateEntries(model as PyInstance, '').map(({ name, tensor, kind }) => ({ name, sym: tensor.sym, kind }));
    },
    stateDictValue: (state) => nestedState(state.map(({ name, sym }) => [name, numpy.inputTensor(sym)])),
  };
}

/** torch's private base classes by the files that define them (torch/nn/modules/*.py), with the host's layers that
 *  derive from each: converted code tests modules against them with isinstance. */
export const PRIVATE_BASES: Record<string, Record<string, string[]>> = {
  batchnorm: { _BatchNorm: ['BatchNorm1d', 'BatchNorm2d', 'BatchNorm3d', 'SyncBatchNorm'] },
  conv: { _ConvNd: ['Conv1d', 'Conv2d', 'Conv3d', 'ConvTranspose1d', 'ConvTranspose2d', 'ConvTranspose3d'] },
};

/** torch.nn.modules: its files, each with its private bases and the public layers. */
function torchNnModules(c: TorchContext, nnClasses: Map<string, Value>): HostObject {
  const files = new Map(Object.entries(PRIVATE_BASES).map(([file, bases]) => {
    const path = `torch.nn.modules.${file}`;
    const derived = (base: string, names: string[]) => new HostObject(`${path}.${base}`, {
      instancecheck: (value) => value instanceof PyInstance && names.some((name) => {
        const cls = nnClasses.get(name);
        return cls instanceof PyClass && value.cls.isSubclassOf(cls);
      }),
    });
    return [file, moduleObject(path, c, (name) => (Object.hasOwn(bases, name) ? derived(name, bases[name]) : nnClasses.get(name)))];
  }));
  return moduleObject('torch.nn.modules', c, (name) => files.get(name));
}

/** torch.nn.parameter. The host has no lazy modules, so no tensor of it is uninitialised: isinstance against the
 *  uninitialised kinds is False, and making one is an API the check lacks. */
function parameterModule(c: TorchContext, nnClasses: Map<string, Value>): HostObject {
  const uninitialised = (name: string) => new HostObject(`torch.nn.parameter.${name}`, {
    instancecheck: () => false,
    call: () => {
      throw new NotLowered(`torch.nn.parameter.${name}`);
    },
  });
  const kinds = ['UninitializedTensorMixin', 'UninitializedParameter', 'UninitializedBuffer'];
  return moduleObject('torch.nn.parameter', c, (name) => (name === 'Parameter' ? nnClasses.get(name) : kinds.includes(name) ? uninitialised(name) : undefined));
}

/** Dotted names as nested dicts of their values, list indices as int keys: `nnx.state(model).to_pure_dict()`. */
function nestedState(entries: Array<[string, Value]>): PyDict {
  const root = new PyDict();
  for (const [name, value] of entries) {
    const keys = name.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    const parent = keys.slice(0, -1).reduce<PyDict>((dict, key) => {
      const known = dict.get(key);
      if (known instanceof PyDict) return known;
      const child = new PyDict();
      dict.set(key, child);
      return child;
    }, root);
    parent.set(keys[keys.length - 1], value);
  }
  return root;
}
