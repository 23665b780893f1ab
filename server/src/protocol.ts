// Rosetta's own LSP messages, defined once for the language server and the VS Code client. Type-only imports keep
// this file free of runtime dependencies, so the client can bundle it without the engine.
import type { Diagnostic, MappingEntry } from './convert';

/** A zero-based LSP range (UTF-16 columns), as in the LSP specification. */
export interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export type ConversionTarget = 'jax';

/** `rosetta/convert`: converts an open document, or the top-level statements a range touches (with the file's imports). */
export const ConvertRequestMethod = 'rosetta/convert';

export interface ConvertParams {
  textDocument: { uri: string };
  /** without a range, or with an empty one outside any definition, the whole document */
  range?: LspRange;
  target: ConversionTarget;
}

export interface ConvertResult {
  code: string;
  /** 1-based lines and columns in the source document */
  diagnostics: Diagnostic[];
  /** every recognised torch API, by 1-based source line */
  mapping: MappingEntry[];
}

/** Code-action kind of every "Convert to JAX" action. */
export const ConvertToJaxKind = 'refactor.rewrite.jax';

/** Command that "Convert to JAX" actions carry for clients that cannot create files through a workspace edit; its
 *  single argument is a ConvertParams, which the client sends as `rosetta/convert` and shows the result. */
export const ConvertToJaxCommand = 'rosetta.convertToJax';
