// Rosetta's own LSP messages, defined once for the language server and the VS Code client. Type-only imports keep
// this file free of runtime dependencies, so the client can bundle it without the engine.
import type { Diagnostic, MappingEntry } from './convert';
import type { CheckReport } from './check/report';
import type { RunModelParams, RunModelResult } from './check/onnx/wire';

/** A zero-based LSP range (UTF-16 columns), as in the LSP specification. */
export interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** The frameworks the converter writes, from PyTorch. */
export const CONVERSION_TARGETS = ['jax', 'numpy', 'keras'] as const;
export type ConversionTarget = (typeof CONVERSION_TARGETS)[number];

/** What the converter writes from each framework it reads: a document offers the targets of the framework it is
 *  written in (detected from its imports, server/src/reverse/to-torch.ts detectFramework; PyTorch without any). */
export const TARGETS_BY_SOURCE = { torch: CONVERSION_TARGETS, jax: ['torch'], keras: ['torch'] } as const;
export type SourceFramework = keyof typeof TARGETS_BY_SOURCE;
/** Every framework some source converts to: `rosetta/convert`'s target. */
export type Target = (typeof TARGETS_BY_SOURCE)[SourceFramework][number];
export const ALL_TARGETS: readonly Target[] = [...new Set(Object.values(TARGETS_BY_SOURCE).flat())];

export function targetsFrom(source: SourceFramework): readonly Target[] {
  return TARGETS_BY_SOURCE[source];
}

/** Which framework a file is written for, from its imports; undefined where it imports none of them. The client
 *  reads it too, to offer a file only its own framework's conversions. */
export function detectFramework(text: string): SourceFramework | undefined {
  const imports = [...text.matchAll(/^\s*(?:import|from)\s+([\w.]+)/gm)].map((m) => m[1].split('.')[0]);
  if (imports.includes('torch')) return 'torch';
  if (imports.includes('flax') || imports.includes('jax')) return 'jax';
  if (imports.includes('keras') || imports.includes('tensorflow')) return 'keras';
  return undefined;
}

/** The frameworks a target is written from: those whose documents offer its conversion. */
export function sourcesOf(target: Target): SourceFramework[] {
  return (Object.keys(TARGETS_BY_SOURCE) as SourceFramework[]).filter((source) => (targetsFrom(source) as readonly string[]).includes(target));
}

/** `rosetta/convert`: converts an open document, or the top-level statements a range touches (with the file's imports). */
export const ConvertRequestMethod = 'rosetta/convert';

export interface ConvertParams {
  textDocument: { uri: string };
  /** without a range, or with an empty one outside any definition, the whole document */
  range?: LspRange;
  /** one of the targets of the document's framework (targetsFrom): 'jax', 'numpy', 'keras' from PyTorch, 'torch' from JAX */
  target: Target;
}

export interface ConvertResult {
  code: string;
  /** 1-based lines and columns in the source document */
  diagnostics: Diagnostic[];
  /** every recognised source API (torch's, or JAX's for a JAX document), by 1-based source line */
  mapping: MappingEntry[];
}

/** How titles, menus and hover name each target; a target without a label goes by its identifier. */
const TARGET_LABELS: Record<string, string> = { jax: 'JAX', numpy: 'NumPy', keras: 'Keras', torch: 'PyTorch' };

export function targetLabel(target: Target): string {
  return TARGET_LABELS[target] ?? target;
}

/** Code-action kind of the "Convert … to <target>" actions: `refactor.rewrite.jax`, `refactor.rewrite.torch`. */
export function convertKind(target: Target): string {
  return `refactor.rewrite.${target}`;
}

/** Command that convert actions and lenses carry for clients that cannot create files through a workspace edit; its
 *  single argument is a ConvertParams (its `target` says to what), which the client sends as `rosetta/convert` and
 *  shows the result. The id predates the other targets. */
export const ConvertToJaxCommand = 'rosetta.convertToJax';

/** `rosetta/check`: runs the source and its conversion on the same seeded inputs and weights and compares every output.
 *  Reports progress (window/workDoneProgress) when the client supports it; a cancelled request answers RequestCancelled. */
export const CheckRequestMethod = 'rosetta/check';

export interface CheckParams {
  textDocument: { uri: string };
  /** a module constructor call (`Net(width=8)`) or a function name */
  entry: string;
  /** one spec per input, `x=float32[2,16]` or `tokens=int64[2,12]:0..50` (server/src/check/inputs.ts) */
  inputs: string[];
  /** one of the targets of the document's framework (targetsFrom); its first when absent */
  target?: Target;
  /** the converted code to check against; without it the document is converted */
  targetUri?: string;
  seed?: number;
  rtol?: number;
  atol?: number;
  mode?: 'eval' | 'train';
  /** where the traced graphs run: 'wasm' (the default) in the server; 'webgpu' in the client, which the server asks
   *  with rosetta/runModel (the VS Code client runs them in the check panel's webview, on WebGPU when it has an adapter) */
  backend?: 'wasm' | 'webgpu';
  /** a client-created progress token (LSP WorkDoneProgressParams) */
  workDoneToken?: string | number;
}

export type { CheckReport };

/** `rosetta/runModel`, from the server to a client that asked for the 'webgpu' backend: run an encoded ONNX model once
 *  on the given feeds and answer every output, and the backend it ran on. */
export const RunModelRequestMethod = 'rosetta/runModel';

export type { RunModelParams, RunModelResult };

/** Command of the "Check" CodeLens above each nn.Module class; its single argument is a CheckCommandArgument. */
export const CheckCommand = 'rosetta.check';

export interface CheckCommandArgument {
  textDocument: { uri: string };
  /** the module class (or function) to check */
  name: string;
  /** `Net()`, or `Net(dim=, depth=)` where __init__ has required parameters the user must fill in */
  entry: string;
  needsArguments: boolean;
  /** a default spec per required forward parameter, `x=float32[2,16]` */
  inputs: string[];
}
