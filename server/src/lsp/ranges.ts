// Tree-sitter nodes to LSP ranges: both count rows from 0 and columns in UTF-16 code units.
import type { Range } from 'vscode-languageserver';
import type { Node } from '../parser';

export function rangeOf(node: Node): Range {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column },
    end: { line: node.endPosition.row, character: node.endPosition.column },
  };
}
