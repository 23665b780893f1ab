// The per-document analysis that every feature reads: the syntax tree, re-parsed incrementally from the previous
// version's, the framework the document is written in, and the whole file's conversion, computed on first use
// (diagnostics do without it: see diagnostics.ts).
import { parsePython, type Edit, type Tree } from '../parser';
import type { ConversionResult } from '../convert';
import { convertTo } from '../convert-any';
import { detectFramework } from '../reverse/to-torch';
import { targetsFrom, type SourceFramework, type Target } from '../protocol';

// the conversion of any pair lives in the core (the check uses it too); the features import it from here
export { convertTo };

export interface Analysis {
  readonly text: string;
  readonly tree: Tree;
  /** from its imports: JAX/Flax documents convert to PyTorch, the others are PyTorch */
  readonly framework: SourceFramework;
  /** the whole file converted to the framework's first target (JAX from PyTorch, PyTorch from JAX), which diagnostics
   *  read, or why it could not be: an InputError (syntax error, with its line) or an internal error */
  readonly conversion: ConversionResult | Error;
  /** whether `conversion` has been computed (reading it computes it) */
  readonly converted: boolean;
  /** hands in the whole file's conversion computed elsewhere (see background.ts), unless it is there already */
  provide(conversion: ConversionResult | Error): void;
  /** the whole file converted to any of its framework's targets, computed on first use */
  conversionTo(target: Target): ConversionResult | Error;
}

export function analyze(text: string, previousTree?: Tree): Analysis {
  const tree = parsePython(text, previousTree);
  const framework = frameworkOf(text);
  let conversion: ConversionResult | Error | undefined;
  const others = new Map<Target, ConversionResult | Error>();
  const self: Analysis = {
    text,
    tree,
    framework,
    get conversion() {
      return (conversion ??= convertOrError(text));
    },
    get converted() {
      return conversion !== undefined;
    },
    provide(computed) {
      conversion ??= computed;
    },
    conversionTo(target) {
      if (target === primaryTarget(framework)) return self.conversion;
      const known = others.get(target) ?? convertOrError(text, target);
      others.set(target, known);
      return known;
    },
  };
  return self;
}

export function frameworkOf(text: string): SourceFramework {
  return detectFramework(text) ?? 'torch';
}

/** The target a document's diagnostics come from. */
export function primaryTarget(framework: SourceFramework): Target {
  return targetsFrom(framework)[0];
}


/** Conversion failures become data: half-typed code must never take the server down. By default, to the primary
 *  target of the framework the text is written in. */
export function convertOrError(text: string, target = primaryTarget(frameworkOf(text))): ConversionResult | Error {
  try {
    return convertTo(text, target);
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
