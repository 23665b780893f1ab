// Indexes every catalogue entry by the torch spellings that reach it.
import { elementwise } from './ops/elementwise';
import { reductions } from './ops/reductions';
import { shapeOps } from './ops/shape';
import { nnOps } from './ops/nn';
import { nnModules } from './modules';
import { addNumpyEmitters } from './numpy';
import { addKerasEmitters } from './keras';
import { parseSignature, type Signature } from './signature';
import type { ModuleEntry, OpEntry } from './types';
import type { ConversionTarget } from '../protocol';

export interface FunctionSpelling { op: OpEntry; sig: Signature; method: boolean }
export interface ModuleSpelling { module: ModuleEntry; sig: Signature }

const opGroups: OpEntry[][] = [elementwise, reductions, shapeOps, nnOps];
const moduleGroups: ModuleEntry[][] = [nnModules];

export const ops: OpEntry[] = opGroups.flat();
export const modules: ModuleEntry[] = moduleGroups.flat();
addNumpyEmitters(ops, modules);
addKerasEmitters(ops, modules);

/** torch function path → spellings (several when overloads differ, e.g. torch.max(x) vs torch.max(x, dim)) */
export const functionIndex = new Map<string, FunctionSpelling[]>();
/** Tensor method name → spellings */
export const methodIndex = new Map<string, FunctionSpelling[]>();
export const moduleIndex = new Map<string, ModuleSpelling>();

function add<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

for (const op of ops) {
  for (const text of op.torch) {
    const sig = parseSignature(text);
    if (sig.path.startsWith('Tensor.')) add(methodIndex, sig.path.slice('Tensor.'.length), { op, sig, method: true });
    else add(functionIndex, sig.path, { op, sig, method: false });
  }
}
for (const module of modules) {
  const sig = parseSignature(module.torch);
  moduleIndex.set(sig.path, { module, sig });
}

/** Every torch API the catalogue maps to the target, as written by users: functions, Tensor methods and nn modules. */
export function mappedApis(target: ConversionTarget = 'jax'): string[] {
  const converts = (entry: OpEntry | ModuleEntry) => target === 'jax' || !!entry[target];
  const names = new Set<string>();
  for (const [key, spellings] of functionIndex) if (spellings.some((s) => converts(s.op))) names.add(key);
  for (const [key, spellings] of methodIndex) {
    const converted = spellings.filter((s) => converts(s.op));
    if (converted.length) names.add(`Tensor.${key}`);
    if (converted.some((s) => s.op.inplace)) names.add(`Tensor.${key}_`);
  }
  for (const [key, { module }] of moduleIndex) if (converts(module)) names.add(key);
  return [...names].sort();
}
