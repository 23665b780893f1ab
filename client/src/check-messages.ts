// The messages between the extension and the check webview (webview/check-main.ts), both ways.
import type { CheckReport } from '../../server/src/protocol';

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
  /** the rosetta.check.backend setting, which the report's backend may differ from (webgpu falls back to wasm) */
  requestedBackend: string;
  report: CheckReport;
}

export type CheckExtensionMessage = { type: 'show'; view: CheckViewModel } | { type: 'running' };

export type CheckWebviewMessage =
  | { type: 'ready' }
  | { type: 'rerun' }
  /** a 1-based line of the source document or of the converted code */
  | { type: 'reveal'; side: 'source' | 'target'; line: number };
