// Open documents that report their incremental changes as tree-sitter edits, so that the next parse re-parses only
// what changed. TextDocuments applies the changes; this configuration sees each one on its way through.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent, TextDocumentsConfiguration } from 'vscode-languageserver';
import { Edit, type Point } from '../parser';

export type EditListener = (uri: string, edits: Edit[]) => void;

export function editTrackingDocuments(onEdits: EditListener): TextDocumentsConfiguration<TextDocument> {
  return {
    create: TextDocument.create,
    update(document, changes, version) {
      // each change's range is in the text left by the changes before it: apply them one at a time
      const edits = changes.map((change) => {
        const edit = treeEdit(document, change);
        document = TextDocument.update(document, [change], version);
        return edit;
      });
      onEdits(document.uri, edits);
      return document;
    },
  };
}

/** A change as tree-sitter sees it: offsets and positions in UTF-16 code units, as LSP counts them. */
function treeEdit(document: TextDocument, change: TextDocumentContentChangeEvent): Edit {
  const range = 'range' in change ? change.range : { start: { line: 0, character: 0 }, end: document.positionAt(document.getText().length) };
  const startIndex = document.offsetAt(range.start);
  const startPosition = { row: range.start.line, column: range.start.character };
  return new Edit({
    startIndex,
    oldEndIndex: document.offsetAt(range.end),
    newEndIndex: startIndex + change.text.length,
    startPosition,
    oldEndPosition: { row: range.end.line, column: range.end.character },
    newEndPosition: endOfInsertion(startPosition, change.text),
  });
}

function endOfInsertion(start: Point, text: string): Point {
  const lines = text.split('\n');
  const last = lines[lines.length - 1];
  return lines.length === 1 ? { row: start.row, column: start.column + last.length } : { row: start.row + lines.length - 1, column: last.length };
}
