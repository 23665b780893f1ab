// jax.random and jax.nn.initializers where model code draws weights while it builds: every draw becomes a weight
// input from the weight source (the loader replaces it); keys are opaque.
import { HostObject, PyModule, PyTuple, type Value } from '../../interp';
import { bindArgs, isNone, toInt, toNumber } from '../../trace/args';
import type { InitHint } from '../../trace/host';
import * as ops from '../../trace/ops';
import { NotLowered, type Sym } from '../../trace/tracer';
import type { JaxContext } from './context';
import { shapeOf } from './numpy';

const KEY = new HostObject('PRNGKey', { repr: () => 'PRNGKey' });

/** Initialiser factories by name (xavier_uniform() returns the initialiser) and the scale each draws at. */
const INITIALIZERS: Record<string, InitHint['kind']> = {
  xavier_uniform: 'fanIn', xavier_normal: 'fanIn', glorot_uniform: 'fanIn', glorot_normal: 'fanIn', lecun_normal: 'fanIn',
  lecun_uniform: 'fanIn', he_normal: 'fanIn', he_uniform: 'fanIn', kaiming_normal: 'fanIn', kaiming_uniform: 'fanIn',
  variance_scaling: 'fanIn', normal: 'normal', truncated_normal: 'normal', uniform: 'positive',
};

function fanIn(shape: readonly number[]): number {
  return shape.length < 2 ? Math.max(shape[0] ?? 1, 1) : ops.size(shape) / shape[shape.length - 1];
}

function hint(kind: InitHint['kind'], shape: readonly number[]): InitHint {
  return kind === 'fanIn' ? { kind, fanIn: fanIn(shape) } : { kind } as InitHint;
}

export function createRandom(ctx: JaxContext): PyModule {
  const draw = (name: string, shape: number[], init: InitHint, dtype: Value) => {
    if (!isNone(dtype) && ctx.dtypeOf(dtype) !== 'float32') throw new NotLowered(`jax.random.${name}`, 'a non-float dtype');
    return ctx.wrap(ctx.drawWeight(`random.${name}`, shape, init));
  };
  const fns: Record<string, (args: Value[], kwargs: Map<string, Value>) => Value> = {
    PRNGKey: () => KEY,
    key: () => KEY,
    split: (args, kwargs) => new PyTuple(Array(toInt(bindArgs('jax.random.split(key, num=2)', args, kwargs).num)).fill(KEY)),
    fold_in: () => KEY,
    uniform: (args, kwargs) => {
      const b = bindArgs('jax.random.uniform(key, shape=(), dtype=None, minval=0.0, maxval=1.0)', args, kwargs);
      const [low, high] = [toNumber(b.minval), toNumber(b.maxval)];
      const init: InitHint = low === -high && high > 0 ? { kind: 'fanIn', fanIn: 1 / (high * high) } : { kind: 'positive' };
      return draw('uniform', shapeOf(b.shape), init, b.dtype);
    },
    normal: (args, kwargs) => {
      const b = bindArgs('jax.random.normal(key, shape=(), dtype=None)', args, kwargs);
      return draw('normal', shapeOf(b.shape), { kind: 'normal' }, b.dtype);
    },
    truncated_normal: (args, kwargs) => {
      const b = bindArgs('jax.random.truncated_normal(key, lower, upper, shape=None, dtype=None)', args, kwargs);
      return draw('truncated_normal', shapeOf(b.shape ?? new PyTuple([])), { kind: 'normal' }, b.dtype);
    },
  };
  return new PyModule('jax.random', new Map(Object.entries(fns).map(([k, fn]) => [k, new HostObject(`jax.random.${k}`, { call: fn })])));
}

/** jax.nn.initializers: factories return init(key, shape, dtype=float32) drawing a weight; zeros, ones and
 *  constant(v)'s initialisers give constants. */
export function createInitializers(ctx: JaxContext): PyModule {
  const initializer = (name: string, data: (shape: number[]) => Sym) => new HostObject(name, {
    call: (args, kwargs) => ctx.wrap(data(shapeOf(bindArgs('init(key, shape, dtype=None)', args, kwargs).shape))),
  });
  const constant = (value: number) => initializer('constant', (shape) => ops.full(ctx.t, shape, value, 'float32'));
  const factory = (name: string, kind: InitHint['kind']) => new HostObject(`jax.nn.initializers.${name}`, {
    call: () => initializer(name, (shape) => ctx.drawWeight(`init.${name}`, shape, hint(kind, shape))),
  });
  const attrs = new Map<string, Value>(Object.entries(INITIALIZERS).map(([name, kind]) => [name, factory(name, kind)]));
  attrs.set('zeros', constant(0));
  attrs.set('ones', constant(1));
  attrs.set('constant', new HostObject('constant', { call: ([value]) => constant(toNumber(value)) }));
  return new PyModule('jax.nn.initializers', attrs);
}
