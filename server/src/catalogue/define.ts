// Short builders for the common shapes of catalogue entries.
import type { Arg } from '../pyvalue';
import type { Bound } from './signature';
import type { ConformanceCase, Emitter, OpEntry } from './types';

export const f32 = (shape: string, name = 'x', range = '') => `${name}=float32[${shape}]${range ? ':' + range : ''}`;

/** A one-input elementwise op spelled the same way everywhere: torch.NAME, Tensor.NAME and an optional F.NAME. */
export function unary(name: string, jaxFn: string, opts: { functional?: boolean; torchFn?: boolean; range?: string; notes?: string[] } = {}): OpEntry {
  const torch = [`Tensor.${name}(input)`];
  if (opts.torchFn !== false) torch.unshift(`torch.${name}(input)`);
  if (opts.functional) torch.push(`torch.nn.functional.${name}(input, inplace=False)`);
  const tests: ConformanceCase[] = [
    { torch: `torch.${name}(x)`, inputs: [f32('3,5', 'x', opts.range)] },
    { torch: `x.${name}()`, inputs: [f32('4', 'x', opts.range)] },
  ];
  if (opts.torchFn === false) tests.shift();
  if (opts.functional) tests.push({ torch: `F.${name}(x)`, inputs: [f32('2,3', 'x', opts.range)] });
  return { name, torch, jax: (a, e) => e.call(jaxFn, [a.input]), jaxSpelling: `${jaxFn}(x)`, returns: 'tensor', inplace: true, notes: opts.notes, tests };
}

/** A two-input elementwise op. */
export function binary(name: string, torchNames: string[], jaxFn: string, tests: ConformanceCase[], notes?: string[]): OpEntry {
  return {
    name,
    torch: torchNames.flatMap((n) => [`torch.${n}(input, other)`, `Tensor.${n}(input, other)`]),
    jax: (a, e) => e.call(jaxFn, [a.input, a.other]),
    jaxSpelling: `${jaxFn}(x1, x2)`,
    returns: 'tensor',
    inplace: true,
    notes,
    tests,
  };
}

/** `axis=dim` and `keepdims=keepdim`, left out where they are JAX's defaults. */
export function axisArgs(a: Bound, dimKey = 'dim'): Record<string, [Arg, string]> {
  const out: Record<string, [Arg, string]> = { axis: [a[dimKey], 'None'] };
  if (a.keepdim) out.keepdims = [a.keepdim, 'False'];
  return out;
}

/** A reduction: torch.NAME(input, dim=None, keepdim=False) and the method form. */
export function reduction(name: string, jaxFn: string, extra = '', notes?: string[]): OpEntry {
  return {
    name,
    torch: [`torch.${name}(input, dim=None, keepdim=False${extra})`, `Tensor.${name}(input, dim=None, keepdim=False${extra})`],
    jax: (a, e) => e.call(jaxFn, [a.input], axisArgs(a)),
    jaxSpelling: `${jaxFn}(a, axis=None, keepdims=False)`,
    returns: 'tensor',
    notes,
    tests: [
      { torch: `torch.${name}(x)`, inputs: [f32('3,4')] },
      { torch: `x.${name}(dim=1, keepdim=True)`, inputs: [f32('3,4,2')] },
      { torch: `x.${name}(-1)`, inputs: [f32('3,4')] },
      { torch: `torch.${name}(x, (0, 2))`, inputs: [f32('3,4,2')] },
    ],
  };
}

export function emitWith(e: Emitter, fn: string, a: Bound, keys: string[]): string {
  return e.call(fn, keys.map((k) => a[k]));
}
