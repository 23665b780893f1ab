// Shape, indexing and joining ops, tensor creation and dtype/device methods.
import type { OpEntry } from '../types';

export const shapeOps: OpEntry[] = [];
