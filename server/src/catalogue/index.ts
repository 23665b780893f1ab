// Indexes every catalogue entry by the torch spellings that reach it.
import { elementwise } from './ops/elementwise';
import { reductions } from './ops/reductions';
import { shapeOps } from './ops/shape';
import { nnOps } from './ops/nn';
import { nnModules } from './modules';
import { parseSignature, type Signature } from './signature';
import type { ModuleEntry, OpEntry } from './types';

export interface FunctionSpelling { op: OpEntry; sig: Signature; method: boolean }
export interface ModuleSpelling { module: ModuleEntry; sig: Signature }

const opGroups: OpEntry[][] = [elementwise, reductions, shapeOps, nnOps];
const moduleGroups: ModuleEntry[][] = [nnModules];

export const ops: OpEntry[] = opGroups.flat();
export const modules: ModuleEntry[] = moduleGroups.flat();

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

/** Every torch API the catalogue maps, as written by users: functions, Tensor methods and nn modules. */
export function mappedApis(): string[] {
  const names = new Set<string>();
  for (const key of functionIndex.keys()) names.add(key);
  for (const [key, spellings] of methodIndex) {
    names.add(`Tensor.${key}`);
    if (spellings.some((s) => s.op.inplace)) names.add(`Tensor.${key}_`);
  }
  for (const key of moduleIndex.keys()) names.add(key);
  return [...names].sort();
}
