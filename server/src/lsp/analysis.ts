// The per-document analysis that every feature reads: the syntax tree, re-parsed incrementally from the previous
// version's, and the whole file's conversion, computed on first use (diagnostics do without it: see diagnostics.ts).
import { parsePython, type Edit, type Tree } from '../parser';
import { convertTorchToJax, type ConversionResult } from '../convert';

export interface Analysis {
  readonly text: string;
  readonly tree: Tree;
  /** the whole file converted, or why it could not be: an InputError (syntax error, with its line) or an internal error */
  readonly conversion: ConversionResult | Error;
  /** whether `conversion` has been computed (reading it computes it) */
  readonly converted: boolean;
  /** hands in the whole file's conversion computed elsewhere (see background.ts), unless it is there already */
  provide(conversion: ConversionResult | Error): void;
}

export function analyze(text: string, previousTree?: Tree): Analysis {
  const tree = parsePython(text, previousTree);
  let conversion: ConversionResult | Error | undefined;
  return {
    text,
    tree,
    get conversion() {
      return (conversion ??= convertOrError(text));
    },
    get converted() {
      return conversion !== undefined;
    },
    provide(computed) {
      conversion ??= computed;
    },
  };
}

/** Conversion failures become data: half-typed code must never take the server down. */
export function convertOrError(text: string): ConversionResult | Error {
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

interface Entry {
  version: number;
  analysis: Analysis;
  /** the edits made since this version, in order, for the next incremental parse */
  edits: Edit[];
}

/** One analysis per open document, recomputed when the document's version moves on. */
export class AnalysisCache {
  private entries = new Map<string, Entry>();

  get(document: VersionedText): Analysis {
    const cached = this.entries.get(document.uri);
    if (cached?.version === document.version) return cached.analysis;
    cached?.edits.forEach((edit) => cached.analysis.tree.edit(edit));
    const analysis = analyze(document.getText(), cached?.analysis.tree);
    this.drop(document.uri);
    this.entries.set(document.uri, { version: document.version, analysis, edits: [] });
    return analysis;
  }

  /** Edits to a document whose analysis is cached; one that is not gets a full parse anyway. */
  edited(uri: string, edits: Edit[]) {
    this.entries.get(uri)?.edits.push(...edits);
  }

  drop(uri: string) {
    // trees live in wasm memory: free them now rather than whenever the garbage collector runs
    this.entries.get(uri)?.analysis.tree.delete();
    this.entries.delete(uri);
  }
}
