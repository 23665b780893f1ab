// A conversion result as the diff webview shows it. No `vscode` import: the webview test builds its input here too.
import { targetLabel, type ConvertResult, type Target } from '../../server/src/protocol';
import type { DiffViewModel } from './messages';
import { definitionName, type LineSpan } from './scope';

export interface ConvertedPart {
  fileName: string;
  documentText: string;
  /** the converted lines, or undefined for the whole file */
  span?: LineSpan;
  result: ConvertResult;
  /** what it was converted to; JAX when not said */
  target?: Target;
}

/** How the diff names a target's side, where more than its label says what the code is made of. */
const FRAMEWORK_NAMES: Record<string, string> = { jax: 'JAX / Flax NNX' };

export function diffViewModel({ fileName, documentText, span, result, target = 'jax' }: ConvertedPart): DiffViewModel {
  const lines = documentText.split('\n');
  const source = span
    ? { text: lines.slice(span.start, span.end + 1).join('\n'), firstLine: span.start + 1 }
    : { text: documentText.replace(/\n$/, ''), firstLine: 1 };
  return {
    title: span ? definitionName(lines, span) ?? 'selection' : fileName,
    fileName,
    targetName: FRAMEWORK_NAMES[target] ?? targetLabel(target),
    source,
    converted: result.code.replace(/\n$/, ''),
    mappings: result.mapping,
    diagnostics: result.diagnostics,
    canReplace: true,
  };
}
