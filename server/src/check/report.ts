// What a numerical check tells the user: the CLI's --json output, the LSP's rosetta/check result and the panel's data.

export type Verdict = 'equivalent' | 'mismatch' | 'unsupported';

export interface OutputReport {
  path: string;
  shape: number[];
  maxAbs: number;
  maxRel: number;
  close: boolean;
  problem?: string;
  /** counts of |target - source| per decade (compare.ts HISTOGRAM_EDGES), for the panel */
  histogram: number[];
}

export interface Blocker {
  side: 'source' | 'target' | 'conversion';
  line: number | null;
  message: string;
}

export interface CheckReport {
  verdict: Verdict;
  outputs: OutputReport[];
  firstDivergence: { source: { line: number; text: string }; target: { line: number; text: string }; maxAbs: number } | null;
  unsupported: Blocker[];
  /** lines the conversion kept unconverted: they did not stop the check, but the user should know */
  notes: string[];
  /** where onnxruntime-web ran the graphs: WebAssembly on the CPU, or WebGPU */
  backend: 'wasm' | 'webgpu';
  /** why the backend is not the one asked for, when it is not */
  backendNote?: string;
  timingsMs: Record<string, number>;
  /** the converted program, when the check converted it */
  target?: string;
}
