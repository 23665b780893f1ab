// einops' torch layers (einops.layers.torch.Rearrange / Reduce): nn.Module subclasses without weights that apply
// the same transform as the einops functions.
import { PyDict, PyModule, type HostObject, type Kwargs, type PyInstance, type Value } from '../../interp';
import { toInt, toStr, type BoundArgs } from '../../trace/args';
import { einopsTransform } from '../../trace/einops';
import { layerClass, optionOf, type LayerDef } from './modules';
import { TorchTensor, type TorchContext } from './tensor';

/** Rearrange(pattern, **axes_lengths) and Reduce(pattern, reduction, **axes_lengths) */
function einopsLayer(kind: 'rearrange' | 'reduce'): LayerDef {
  return {
    params: kind === 'reduce' ? '(pattern, reduction, **axes_lengths)' : '(pattern, **axes_lengths)',
    bind: (args: Value[], kwargs: Kwargs): BoundArgs => {
      const named = new Map(kwargs);
      const take = (name: string, i: number) => {
        const value = args[i] ?? named.get(name);
        named.delete(name);
        return toStr(value ?? null, name);
      };
      const pattern = take('pattern', 0);
      const reduction = kind === 'reduce' ? take('reduction', 1) : '';
      const lengths = new PyDict();
      for (const [k, v] of named) lengths.set(k, toInt(v, k));
      return { pattern, reduction, lengths };
    },
    init: (self: PyInstance, a: BoundArgs) => {
      for (const key of ['pattern', 'reduction', 'lengths']) self.attrs.set(key, a[key]);
    },
    forward: (self: PyInstance, x: Value, c: TorchContext) => {
      const stored = optionOf(self, 'lengths') as PyDict;
      const lengths = new Map(stored.keys().map((k) => [String(k), stored.get(k) as number]));
      const sym = einopsTransform(c.t, (x as TorchTensor).sym, optionOf(self, 'pattern') as string, kind, optionOf(self, 'reduction') as string, lengths);
      return c.wrap(sym);
    },
  };
}

export function einopsTorchLayers(c: TorchContext, base: HostObject): PyModule {
  return new PyModule('einops.layers.torch', new Map<string, Value>([
    ['Rearrange', layerClass('Rearrange', einopsLayer('rearrange'), base, c)],
    ['Reduce', layerClass('Reduce', einopsLayer('reduce'), base, c)],
  ]));
}
