// Where a file stops parsing, as an editor range (the location itself comes from the parser module).
import type { Range } from 'vscode-languageserver';
import { firstSyntaxError, type Tree } from '../parser';

export interface SyntaxErrorRange {
  range: Range;
  /** the start of the text that does not parse, for the message */
  near: string;
}

export function locateSyntaxError(tree: Tree): SyntaxErrorRange | undefined {
  const at = firstSyntaxError(tree);
  if (!at) return undefined;
  const start = { line: at.line - 1, character: at.column - 1 };
  const width = at.text.startsWith('missing ') ? 0 : at.text.length;
  return { range: { start, end: { line: start.line, character: start.character + width } }, near: at.text };
}
