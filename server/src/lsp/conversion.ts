// Conversion of a whole document, or of the top-level statements a range touches. A fragment carries the file's
// imports along, so that names resolve as they do in the whole file; its lines are mapped back to the document's.
import type { Range } from 'vscode-languageserver';
import type { Node, Tree } from '../parser';
import { convertTorchToJax, InputError, type ConversionResult } from '../convert';
import type { Analysis } from './analysis';

const DEFINITIONS = ['function_definition', 'class_definition', 'decorated_definition'];
const IMPORTS = ['import_statement', 'import_from_statement'];

/** The top-level statements a range covers: those a selection touches, or the definition around an empty range.
 *  Undefined means the whole file. */
export function statementsFor(tree: Tree, range: Range): Node[] | undefined {
  const empty = range.start.line === range.end.line && range.start.character === range.end.character;
  // a selection of whole lines ends at column 0 of the line after it
  const lastRow = !empty && range.end.character === 0 && range.end.line > range.start.line ? range.end.line - 1 : range.end.line;
  const touched = topLevel(tree).filter((s) => s.endPosition.row >= range.start.line && s.startPosition.row <= lastRow);
  if (empty) {
    const definition = touched.find((s) => DEFINITIONS.includes(s.type));
    return definition ? [definition] : undefined;
  }
  return touched.length ? touched : undefined;
}

/** The name a single definition goes by (`GPT`, `forward`), for titles and file names. */
export function definitionName(statement: Node): string | undefined {
  const definition = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
  return definition && DEFINITIONS.includes(definition.type) ? definition.childForFieldName('name')?.text : undefined;
}

/** Converts the document, or the statements a range covers; throws InputError (with document lines) when they do not parse. */
export function convertRange(analysis: Analysis, range?: Range): ConversionResult {
  const statements = range && statementsFor(analysis.tree, range);
  if (statements) return convertStatements(analysis, statements);
  if (analysis.conversion instanceof Error) throw analysis.conversion;
  return analysis.conversion;
}

/** The conversion that covers a line: the whole file's, or while the file does not parse, that of the top-level
 *  statement around the line on its own (so hover keeps working in the parts of a half-typed file that parse). */
export function conversionAround(analysis: Analysis, row: number): ConversionResult | undefined {
  if (!(analysis.conversion instanceof Error)) return analysis.conversion;
  const statement = topLevel(analysis.tree).find((s) => s.startPosition.row <= row && row <= s.endPosition.row);
  if (!statement || statement.hasError) return undefined;
  try {
    return convertStatements(analysis, [statement]);
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
}

function convertStatements(analysis: Analysis, statements: Node[]): ConversionResult {
  const { text, documentRows } = fragment(analysis, statements);
  const toDocumentLine = (line: number) => (documentRows[line - 1] ?? line - 1) + 1;
  let result: ConversionResult;
  try {
    result = convertTorchToJax(text);
  } catch (e) {
    if (!(e instanceof InputError) || e.line === undefined) throw e;
    const line = toDocumentLine(e.line);
    throw new InputError(e.message.replace(/\bline \d+/, `line ${line}`), line, e.column);
  }
  return {
    code: result.code,
    diagnostics: result.diagnostics.map((d) => ({ ...d, line: toDocumentLine(d.line) })),
    mappings: result.mappings.map((m) => ({ ...m, line: toDocumentLine(m.line) })),
  };
}

/** The file's top-level imports and the given statements, in document order; runs of consecutive statements keep the
 *  text between them, separate runs are two blank lines apart. documentRows[i] is the document row of fragment row i. */
function fragment(analysis: Analysis, statements: Node[]): { text: string; documentRows: number[] } {
  const all = topLevel(analysis.tree);
  const chosen = new Set([...statements.map((s) => s.id), ...all.filter((s) => IMPORTS.includes(s.type)).map((s) => s.id)]);
  const lines = analysis.text.split('\n');
  const documentRows: number[] = [];
  let previous = -1;
  all.forEach((statement, index) => {
    if (!chosen.has(statement.id)) return;
    const continuesRun = previous >= 0 && previous === index - 1;
    if (previous >= 0 && !continuesRun) documentRows.push(-1, -1);
    const from = continuesRun ? all[previous].endPosition.row + 1 : statement.startPosition.row;
    for (let row = from; row <= statement.endPosition.row; row++) documentRows.push(row);
    previous = index;
  });
  const text = documentRows.map((row) => (row < 0 ? '' : lines[row])).join('\n') + '\n';
  return { text, documentRows };
}

/** The top-level statements, seen through the ERROR node that tree-sitter's recovery wraps around them while the
 *  file does not parse, so that its intact definitions still convert on their own. */
function topLevel(tree: Tree): Node[] {
  const children = (node: Node) => node.namedChildren.filter((s): s is Node => !!s);
  return children(tree.rootNode).flatMap((s) => (s.type === 'ERROR' ? children(s) : [s]));
}
