// The JAX/Flax NNX host: jax, jax.numpy, jax.nn, jax.lax, jax.random, jax.tree, numpy (as the loader uses it, over
// the same symbolic arrays), flax.nnx and einops. Model inputs follow JAX without x64: int64 → int32, float64 →
// float32.
import { HostObject, PyDict, PyInstance, PyModule, pyError, type InterpreterApi, type Value } from '../../interp';
import type { StateEntry, TraceHost, WeightSource } from '../../trace/host';
import { createEinops } from '../../trace/einops';
import * as ops from '../../trace/ops';
import type { Sym, Tracer } from '../../trace/tracer';
import { installArrays } from './array';
import { JaxContext } from './context';
import { createLayers } from './layers';
import { createLax, createPools } from './lax';
import { createNn, createScipySpecial } from './nn';
import { arrayType, createNumpy } from './numpy';
import { cloneValue, createCore, createRngs, makeClass, stateVariables, variableValue, type NnxCore } from './nnx';
import { createInitializers, createRandom } from './random';
import { createTree } from './tree';
import { missingApi } from '../../trace/modules';

const X64_DISABLED: Partial<Record<Sym['dtype'], Sym['dtype']>> = { int64: 'int32', float64: 'float32' };

export function createJaxHost(tracer: Tracer, options: { weights: WeightSource }): TraceHost {
  const ctx = new JaxContext(tracer, options.weights);
  const jnp = createNumpy(ctx, 'jax.numpy');
  installArrays(ctx, { functions: jnp.functions });
  const nn = createNn(ctx, createInitializers(ctx));
  const core = createCore(ctx);
  const modules = new Map<string, Value>([
    ['jax.numpy', jnp.module],
    ['jax.nn', nn],
    ['jax.nn.initializers', nn.attrs.get('initializers')!],
    ['jax.lax', createLax(ctx)],
    ['jax.random', createRandom(ctx)],
    ['jax.tree', createTree()],
    ['jax.scipy.special', createScipySpecial(ctx)],
    ['numpy', createNumpy(ctx, 'numpy').module],
    ['flax.nnx', createNnx(ctx, core, nn)],
    ['einops', createEinops(tracer, { symOf: (v) => ctx.symOf(v), wrap: (s) => ctx.wrap(s) })],
  ]);
  modules.set('jax', jaxModule(ctx, modules));
  modules.set('flax', new PyModule('flax', new Map([['nnx', modules.get('flax.nnx')!]])));
  const wrapped = new Map<PyModule, HostObject>();
  return {
    tracer,
    importModule: (name) => {
      const module = modules.get(name);
      return module instanceof PyModule ? frameworkModule(module, wrapped) : module;
    },
    symOf: (value) => ctx.symOf(value),
    inputTensor: (sym) => ctx.wrap(ops.cast(tracer, sym, X64_DISABLED[sym.dtype] ?? sym.dtype)),
    prepare: (model: Value, mode: 'eval' | 'train', api: InterpreterApi) => void api.call(api.getattr(model, mode), []),
    stateDict: (model) => flaxState(ctx, core, model),
    stateDictValue: (state) => {
      const dict = new PyDict();
      for (const { name, sym } of state) dict.set(name, ctx.wrap(sym));
      return dict;
    },
  };
}

/** A framework module as model code sees it: a public name the check does not lower raises NotLowered when called
 *  (the API exists in the framework; the check lacks it) rather than AttributeError. Submodules are wrapped alike. */
export function frameworkModule(module: PyModule, wrapped: Map<PyModule, HostObject>): HostObject {
  const known = wrapped.get(module);
  if (known) return known;
  const self = new HostObject(module.name, {
    getattr: (name) => {
      const value = module.attrs.get(name);
      if (value instanceof PyModule) return frameworkModule(value, wrapped);
      return value ?? (name.startsWith('_') ? undefined : missingApi(`${module.name}.${name}`));
    },
    repr: () => `<module '${module.name}'>`,
  });
  wrapped.set(module, self);
  return self;
}

function jaxModule(ctx: JaxContext, modules: Map<string, Value>): PyModule {
  const identity = new HostObject('jax.jit', { call: ([fn]) => fn });
  return new PyModule('jax', new Map<string, Value>([
    ['numpy', modules.get('jax.numpy')!],
    ['nn', modules.get('jax.nn')!],
    ['lax', modules.get('jax.lax')!],
    ['random', modules.get('jax.random')!],
    ['tree', modules.get('jax.tree')!],
    ['scipy', new PyModule('jax.scipy', new Map([['special', modules.get('jax.scipy.special')!]]))],
    ['Array', arrayType(ctx)],
    ['jit', identity],
    ['vmap', missingApi('jax.vmap')],
  ]));
}

/** A Flax source's weights: its parameters and other variables (batch statistics, masks) by their nnx.state paths. */
function flaxState(ctx: JaxContext, core: NnxCore, model: Value): StateEntry[] {
  if (!(model instanceof PyInstance && model.cls.isSubclassOf(core.Module))) throw pyError('TypeError', 'the model entry did not build an nnx.Module');
  return stateVariables(model, core).map(({ path, variable }) => ({
    name: path, sym: ctx.toSym(variableValue(variable)), kind: variable.cls.isSubclassOf(core.Param) ? 'parameter' : 'buffer',
  }));
}

function createNnx(ctx: JaxContext, core: NnxCore, nn: PyModule): PyModule {
  const attrs = new Map<string, Value>(nn.attrs);
  attrs.delete('initializers');
  const classes = [core.Module, core.Variable, core.Param, core.BatchStat, core.List, core.Dict, core.Sequential];
  for (const cls of [...classes, ...Object.values(createLayers(ctx, core))]) attrs.set(cls.name, cls);
  for (const name of ['RngState', 'Cache', 'Intermediate']) attrs.set(name, makeClass(name, [core.Variable], {}));
  for (const [name, pool] of Object.entries(createPools(ctx))) attrs.set(name, pool);
  attrs.set('Rngs', createRngs());
  attrs.set('clone', new HostObject('nnx.clone', { call: ([module]) => cloneValue(module) }));
  attrs.set('state', missingApi('nnx.state'));
  attrs.set('split', missingApi('nnx.split'));
  attrs.set('merge', missingApi('nnx.merge'));
  attrs.set('jit', new HostObject('nnx.jit', { call: ([fn]) => fn }));
  return new PyModule('flax.nnx', attrs);
}
