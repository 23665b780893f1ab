// The messages between the extension and the diff webview (webview/main.ts), both ways, as discriminated unions.
import type { Diagnostic, MappingEntry } from '../../server/src/convert';

export type { Diagnostic, MappingEntry };

/** Everything the webview shows of one conversion. */
export interface DiffViewModel {
  /** what was converted: a definition's name, "selection" or the file name */
  title: string;
  fileName: string;
  /** what the converted side is written in: `JAX / Flax NNX`, `NumPy`, `PyTorch` */
  targetName: string;
  /** the converted part of the document, and the 1-based document line it starts on */
  source: { text: string; firstLine: number };
  converted: string;
  /** recognised source calls (torch's, or JAX's converted to PyTorch), by 1-based document line */
  mappings: MappingEntry[];
  /** findings on the source, by 1-based document line and column */
  diagnostics: Diagnostic[];
  /** false once the document has changed since the conversion */
  canReplace: boolean;
}

export type ExtensionMessage =
  | { type: 'show'; view: DiffViewModel }
  | { type: 'sourceChanged' };

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'openAsNewFile' }
  | { type: 'replaceInPlace' }
  | { type: 'runCheck' };
