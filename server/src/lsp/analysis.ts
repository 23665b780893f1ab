// The per-document analysis that every feature reads: the syntax tree and the whole file's conversion, computed once
// per document version.
import { parsePython, type Tree } from '../parser';
import { convertTorchToJax, type ConversionResult } from '../convert';

export interface Analysis {
  readonly text: string;
  readonly tree: Tree;
  /** the whole file converted, or why it could not be: an InputError (syntax error, with its line) or an internal error */
  readonly conversion: ConversionResult | Error;
}

export function analyze(text: string): Analysis {
  return { text, tree: parsePython(text), conversion: convertOrError(text) };
}

/** Conversion failures become data: half-typed code must never take the server down. */
function convertOrError(text: string): ConversionResult | Error {
  try {
    return convertTorchToJax(text);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

interface VersionedText {
  uri: string;
  version: number;
  getText(): string;
}

/** One analysis per open document, recomputed when the document's version moves on. */
export class AnalysisCache {
  private entries = new Map<string, { version: number; analysis: Analysis }>();

  get(document: VersionedText): Analysis {
    const cached = this.entries.get(document.uri);
    if (cached?.version === document.version) return cached.analysis;
    const analysis = analyze(document.getText());
    this.drop(document.uri);
    this.entries.set(document.uri, { version: document.version, analysis });
    return analysis;
  }

  drop(uri: string) {
    // trees live in wasm memory: free them now rather than whenever the garbage collector runs
    this.entries.get(uri)?.analysis.tree.delete();
    this.entries.delete(uri);
  }
}
