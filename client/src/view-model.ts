// A conversion result as the diff webview shows it. No `vscode` import: the webview test builds its input here too.
import type { ConvertResult } from '../../server/src/protocol';
import type { DiffViewModel } from './messages';
import { definitionName, type LineSpan } from './scope';

export interface ConvertedPart {
  fileName: string;
  documentText: string;
  /** the converted lines, or undefined for the whole file */
  span?: LineSpan;
  result: ConvertResult;
}

export function diffViewModel({ fileName, documentText, span, result }: ConvertedPart): DiffViewModel {
  const lines = documentText.split('\n');
  const source = span
    ? { text: lines.slice(span.start, span.end + 1).join('\n'), firstLine: span.start + 1 }
    : { text: documentText.replace(/\n$/, ''), firstLine: 1 };
  return {
    title: span ? definitionName(lines, span) ?? 'selection' : fileName,
    fileName,
    source,
    converted: result.code.replace(/\n$/, ''),
    mappings: result.mapping,
    diagnostics: result.diagnostics,
    canReplace: true,
  };
}
