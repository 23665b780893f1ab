// The table of lowered torch APIs: each is defined once over its bound arguments and reachable under several
// spellings (torch.sum, Tensor.sum). Parameter names and defaults come from the catalogue's signatures, which were
// confirmed against real torch; the local parameter text is only used for spellings the catalogue lacks.
import { functionIndex, methodIndex } from '../../../catalogue/index';
import { describe } from '../../../catalogue/signature';
import type { InterpreterApi, Kwargs, Value } from '../../interp';
import { bindArgs, type BoundArgs } from '../../trace/args';
import type { TorchContext } from './tensor';

export type Lower = (a: BoundArgs, torch: TorchContext, api: InterpreterApi) => Value;

interface Entry {
  signature: string;
  lower: Lower;
}

const entries = new Map<string, Entry>();

/** The catalogue's signature for a path (the overload with the most parameters), or undefined. */
function catalogueSignature(path: string): string | undefined {
  const spellings = path.startsWith('Tensor.') ? methodIndex.get(path.slice(7)) : functionIndex.get(path);
  if (!spellings?.length) return undefined;
  const widest = spellings.reduce((a, b) => (b.sig.params.length > a.sig.params.length ? b : a));
  return describe(widest.sig);
}

/** Registers a lowering under each path; `params` is the parameter text, e.g. `(input, dim=None)`. */
export function define(paths: string[], params: string, lower: Lower): void {
  for (const path of paths) entries.set(path, { signature: catalogueSignature(path) ?? `${path}${params}`, lower });
}

/** Registers with the given parameters even where the catalogue has a spelling (overloads handled by hand). */
export function defineExactly(paths: string[], params: string, lower: Lower): void {
  for (const path of paths) entries.set(path, { signature: `${path}${params}`, lower });
}

export function lookup(path: string): Entry | undefined {
  return entries.get(path);
}

export function callEntry(entry: Entry, torch: TorchContext, args: Value[], kwargs: Kwargs, api: InterpreterApi): Value {
  return entry.lower(bindArgs(entry.signature, args, kwargs), torch, api);
}
