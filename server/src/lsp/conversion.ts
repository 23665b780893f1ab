// Conversion of a whole document, or of the top-level statements a range touches, and the diagnostics of a document
// found statement by statement. A fragment carries the file's imports along, so that names resolve as they do in the
// whole file; its lines are mapped back to the document's.
import type { Range } from 'vscode-languageserver';
import type { Node, Tree } from '../parser';
import { importedNames, InputError, type ConversionResult, type Diagnostic } from '../convert';
import type { Target } from '../protocol';
import { convertTo, primaryTarget, type Analysis } from './analysis';

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
export function convertRange(analysis: Analysis, range?: Range, target = primaryTarget(analysis.framework)): ConversionResult {
  const statements = range && statementsFor(analysis.tree, range);
  if (statements) return convertStatements(analysis, statements, target);
  const conversion = analysis.conversionTo(target);
  if (conversion instanceof Error) throw conversion;
  return conversion;
}

/** The conversion to `target` that covers a line: the whole file's once it has been computed; before that (right
 *  after an edit), that of the top-level statement around the line, which `statements` may hold already (for the
 *  primary target); and while the file does not parse, that of the statement on its own (so hover keeps working in
 *  the parts of a half-typed file that parse). */
export function conversionAround(analysis: Analysis, row: number, statements?: StatementConversions, target = primaryTarget(analysis.framework)): ConversionResult | undefined {
  const parses = !analysis.tree.rootNode.hasError;
  const primary = target === primaryTarget(analysis.framework);
  // another target's always comes from the statement's own conversion: converting the whole file once per target
  // for hover costs ~150 ms per target on 2,000 lines, and the statement is what hover shows
  if (statements && parses && (!primary || !analysis.converted)) return statements.around(analysis, row, target);
  const whole = statements && parses ? undefined : analysis.conversionTo(target);
  if (whole && !(whole instanceof Error)) return whole;
  const statement = topLevel(analysis.tree).find((s) => s.startPosition.row <= row && row <= s.endPosition.row);
  if (!statement || statement.hasError) return undefined;
  try {
    return convertStatements(analysis, [statement], target);
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
}

function convertStatements(analysis: Analysis, statements: Node[], target: Target): ConversionResult {
  const outline = outlineOf(analysis.tree);
  const chosen = new Set(statements.map((s) => s.id));
  const { text, documentRows } = fragment(outline, analysis.text.split('\n'), outline.filter((s) => chosen.has(s.node.id)));
  try {
    return inDocumentLines(convertTo(text, target), documentRows);
  } catch (e) {
    if (!(e instanceof InputError) || e.line === undefined) throw e;
    const line = documentLine(documentRows, e.line);
    throw new InputError(e.message.replace(/\bline \d+/, `line ${line}`), line, e.column);
  }
}

/** A fragment's conversion with the lines of its findings and mappings in the document. */
function inDocumentLines(result: ConversionResult, documentRows: number[]): ConversionResult {
  return {
    code: result.code,
    diagnostics: result.diagnostics.map((d) => ({ ...d, line: documentLine(documentRows, d.line) })),
    mappings: result.mappings.map((m) => ({ ...m, line: documentLine(documentRows, m.line) })),
  };
}

function documentLine(documentRows: number[], fragmentLine: number): number {
  return (documentRows[fragmentLine - 1] ?? fragmentLine - 1) + 1;
}

/** The document converted one top-level statement at a time (each with the file's imports, so that names resolve as
 *  in the file), for diagnostics and for hover right after an edit. Conversions are remembered by the text converted:
 *  an edit re-converts only the statements it touched, or all of them when it touches the imports. Definitions that depend on one another (a class
 *  derived from a module class defined elsewhere, a helper that builds modules) can come out differently than in the
 *  whole file: callers that need the whole file's findings exactly use Analysis.conversion. */
export class StatementConversions {
  private byFragment = new Map<string, ConversionResult>();
  private planned?: { analysis: Analysis; fragments: StatementFragment[] };
  private otherTargets: { analysis?: Analysis; byKey: Map<string, ConversionResult> } = { byKey: new Map() };

  /** How many statements of() would convert afresh: the size of the work an edit left. */
  unconverted(analysis: Analysis): number {
    return this.unconvertedFragments(analysis).length;
  }

  /** Converts up to `limit` of the statements of() would convert afresh, ahead of it. Throws what the conversion of
   *  a statement throws. */
  convertAhead(analysis: Analysis, limit: number) {
    for (const { key, text } of this.unconvertedFragments(analysis).slice(0, limit)) this.byFragment.set(key, primaryConversion(analysis, text));
  }

  /** The conversion of the top-level statement around a row to `target`, with the file's imports, in document lines:
   *  what hover reads for the primary target until the whole file's conversion is there, and for the other targets
   *  always. Undefined outside any statement, or where it does not parse. */
  around(analysis: Analysis, row: number, target = primaryTarget(analysis.framework)): ConversionResult | undefined {
    const found = this.fragmentsOf(analysis).find(({ statement }) => statement.startRow <= row && row <= statement.endRow);
    if (!found) return undefined;
    const primary = target === primaryTarget(analysis.framework);
    const cache = primary ? this.byFragment : this.otherTargetsOf(analysis);
    const key = primary ? found.key : `${target}\n${found.key}`;
    try {
      const result = cache.get(key) ?? convertTo(found.text, target);
      cache.set(key, result);
      return inDocumentLines(result, found.documentRows);
    } catch (e) {
      if (e instanceof InputError) return undefined;
      throw e;
    }
  }

  /** Throws what the conversion of a statement throws. */
  of(analysis: Analysis): Diagnostic[] {
    const seen = new Map<string, ConversionResult>();
    const found = this.fragmentsOf(analysis).flatMap(({ key, text, documentRows, statement }) => {
      const result = seen.get(key) ?? this.byFragment.get(key) ?? primaryConversion(analysis, text);
      seen.set(key, result);
      // findings on the imports would come once per statement: the whole file's conversion reports those
      return result.diagnostics
        .map((d) => ({ ...d, line: documentRows[d.line - 1] + 1 }))
        .filter((d) => d.line - 1 >= statement.startRow && d.line - 1 <= statement.endRow);
    });
    this.byFragment = seen;
    return found.sort((a, b) => a.line - b.line || a.column - b.column);
  }

  /** The other targets' statement conversions, forgetting those of statements the document no longer has. */
  private otherTargetsOf(analysis: Analysis): Map<string, ConversionResult> {
    if (this.otherTargets.analysis === analysis) return this.otherTargets.byKey;
    const current = new Set(this.fragmentsOf(analysis).map((f) => f.key));
    const kept = [...this.otherTargets.byKey].filter(([key]) => current.has(key.slice(key.indexOf('\n') + 1)));
    this.otherTargets = { analysis, byKey: new Map(kept) };
    return this.otherTargets.byKey;
  }

  private unconvertedFragments(analysis: Analysis): StatementFragment[] {
    return this.fragmentsOf(analysis).filter((f) => !this.byFragment.has(f.key));
  }

  private fragmentsOf(analysis: Analysis): StatementFragment[] {
    if (this.planned?.analysis !== analysis) this.planned = { analysis, fragments: statementFragments(analysis) };
    return this.planned.fragments;
  }
}

interface StatementFragment {
  statement: OutlineStatement;
  text: string;
  /** what its conversion is remembered by: the text and the framework it is converted from (the whole file's imports
   *  decide that, and a fragment's own header may name none of them) */
  key: string;
  documentRows: number[];
}

function primaryConversion(analysis: Analysis, fragmentText: string): ConversionResult {
  return convertTo(fragmentText, primaryTarget(analysis.framework));
}

/** Each top-level statement but the imports (and comments), as a fragment that starts with what the file's imports bind of the
 *  names it mentions, one canonical `import path as name` each: an edit to the imports then re-converts only the
 *  statements whose names it rebinds, and a statement converts the same wherever it sits in the file. */
function statementFragments(analysis: Analysis): StatementFragment[] {
  const outline = outlineOf(analysis.tree);
  const lines = analysis.text.split('\n');
  const bindings = importBindings(outline);
  return outline.filter((s) => !s.isImport && s.node.type !== 'comment').map((statement) => {
    const rows = Array.from({ length: statement.endRow - statement.startRow + 1 }, (_, i) => statement.startRow + i);
    const body = rows.map((row) => lines[row]);
    const header = [...new Set(body.join('\n').match(IDENTIFIER))].filter((name) => bindings.has(name)).sort().map((name) => bindings.get(name)!);
    const text = [...header, '', ...body].join('\n') + '\n';
    return { statement, text, key: `${analysis.framework}\n${text}`, documentRows: [...header.map(() => -1), -1, ...rows] };
  });
}

const IDENTIFIER = /[A-Za-z_]\w*/g;

/** What the top-level imports bind, as an import line per name (a later import rebinds a name, as in Python). */
function importBindings(outline: OutlineStatement[]): Map<string, string> {
  const bindings = new Map<string, string>();
  for (const { node } of outline.filter((s) => s.isImport)) {
    for (const [name, path] of importedNames(node)) bindings.set(name, importLine(name, path));
  }
  return bindings;
}

/** `import torch`, `import torch.nn as nn`; a relative path (`.layers.Block`) needs the from-form. */
function importLine(name: string, path: string): string {
  if (!path.startsWith('.')) return name === path ? `import ${path}` : `import ${path} as ${name}`;
  const dot = path.lastIndexOf('.');
  return `from ${path.slice(0, dot) || '.'} import ${path.slice(dot + 1)} as ${name}`;
}

/** A top-level statement with the rows it spans, read once per pass (each read is a call into wasm). */
interface OutlineStatement {
  node: Node;
  startRow: number;
  endRow: number;
  isImport: boolean;
}

function outlineOf(tree: Tree): OutlineStatement[] {
  return topLevel(tree).map((node) => ({ node, startRow: node.startPosition.row, endRow: node.endPosition.row, isImport: IMPORTS.includes(node.type) }));
}

/** The file's top-level imports and the chosen statements (in document order), in document order; runs of consecutive
 *  statements keep the text between them, separate runs are two blank lines apart. documentRows[i] is the document
 *  row of fragment row i. */
function fragment(outline: OutlineStatement[], lines: string[], chosen: OutlineStatement[]): { text: string; documentRows: number[] } {
  const included = new Set([...chosen, ...outline.filter((s) => s.isImport)]);
  const documentRows: number[] = [];
  let previous = -1;
  outline.forEach((statement, index) => {
    if (!included.has(statement)) return;
    const continuesRun = previous >= 0 && previous === index - 1;
    if (previous >= 0 && !continuesRun) documentRows.push(-1, -1);
    const from = continuesRun ? outline[previous].endRow + 1 : statement.startRow;
    for (let row = from; row <= statement.endRow; row++) documentRows.push(row);
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
