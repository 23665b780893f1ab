// The messages between the extension and the check webview (webview/check-main.ts), both ways.
import type { CheckReport, RunModelParams, RunModelResult } from '../../server/src/protocol';

export type { CheckReport };

/** Everything the check panel shows of one run. */
export interface CheckViewModel {
  /** the entry checked, `MLP(in_dim=16, hidden=32, out_dim=4)` */
  entry: string;
  fileName: string;
  /** the converted code's name: its file, or "the conversion" when the check converted the document */
  targetName: string;
  inputs: string[];
  seed: number;
  tolerance: { rtol: number; atol: number };
  /** the rosetta.check.backend setting, which the report's backend may differ from (WebGPU needs an adapter) */
  requestedBackend: string;
  /** whether the panel's page found a WebGPU adapter */
  webgpuAdapter: boolean;
  report: CheckReport;
}

export type CheckExtensionMessage =
  | { type: 'show'; view: CheckViewModel }
  | { type: 'running' }
  /** the check ended without a report (an error; a cancellation) */
  | { type: 'failed'; message: string }
  /** run a model of the check in the webview's runtime; answered by a 'ran' of the same id */
  | { type: 'run'; id: number; params: RunModelParams };

export type CheckWebviewMessage =
  /** the page is loaded (again, after being hidden), and whether it found a WebGPU adapter */
  | { type: 'ready'; webgpu: boolean }
  | { type: 'ran'; id: number; result?: RunModelResult; error?: string }
  | { type: 'rerun' }
  /** a 1-based line of the source document or of the converted code */
  | { type: 'reveal'; side: 'source' | 'target'; line: number };
