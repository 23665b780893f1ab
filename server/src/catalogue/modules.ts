// torch.nn module classes and their Flax NNX counterparts.
import type { ModuleEntry } from './types';

export const nnModules: ModuleEntry[] = [];
