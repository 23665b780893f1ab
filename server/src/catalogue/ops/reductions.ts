// Reductions, scans, sorting and selection.
import type { OpEntry } from '../types';

export const reductions: OpEntry[] = [];
