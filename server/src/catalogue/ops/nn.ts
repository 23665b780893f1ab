// Neural-network functions: activations, softmax, normalisation, dropout, padding, linear algebra, attention.
import type { OpEntry } from '../types';

export const nnOps: OpEntry[] = [];
