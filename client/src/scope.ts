// What "Convert to JAX" converts, found the way the language server finds it (server/src/lsp/conversion.ts
// statementsFor): the top-level statements a selection touches, or the definition around an empty selection, or else
// the whole file. The client needs the lines itself, to show the source beside the result and to replace it. Python's
// line structure is read from the text alone (brackets, strings, indentation); the diff webview uses it too.

/** Zero-based rows, both inclusive. */
export interface LineSpan {
  start: number;
  end: number;
}

export interface Selection {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

const DEFINITION_START = /^(?:(?:async\s+)?def|class)\b|^@/;

/** The span to convert, or undefined for the whole file. */
export function conversionScope(text: string, selection: Selection): LineSpan | undefined {
  const lines = text.split('\n');
  const statements = topLevelStatements(lines);
  const empty = selection.start.line === selection.end.line && selection.start.character === selection.end.character;
  // a selection of whole lines ends at column 0 of the line after it
  const endsAtLineStart = !empty && selection.end.character === 0 && selection.end.line > selection.start.line;
  const lastRow = endsAtLineStart ? selection.end.line - 1 : selection.end.line;
  const touched = statements.filter((s) => s.end >= selection.start.line && s.start <= lastRow);
  if (empty) return touched.find((s) => DEFINITION_START.test(lines[s.start]));
  return touched.length ? { start: touched[0].start, end: touched[touched.length - 1].end } : undefined;
}

/** Each top-level statement from its first row to its last row of code. Decorators belong to their definition; a
 *  comment at column 0 before top-level code is a statement of its own, as the parser has it. */
export function topLevelStatements(lines: string[]): LineSpan[] {
  const statements: LineSpan[] = [];
  const logical = logicalLines(lines).filter((l) => !isBlank(lines[l.start]));
  const isTopLevel = (i: number) => !/^\s/.test(lines[logical[i].start]);
  let onlyDecorators = false;
  logical.forEach((line, i) => {
    const first = lines[line.start];
    if (isComment(first)) {
      let nextCode = i + 1;
      while (nextCode < logical.length && isComment(lines[logical[nextCode].start])) nextCode++;
      if (isTopLevel(i) && !onlyDecorators && (nextCode === logical.length || isTopLevel(nextCode))) statements.push({ ...line });
      return;
    }
    if (isTopLevel(i) && !onlyDecorators) statements.push({ ...line });
    else if (statements.length) statements[statements.length - 1].end = line.end;
    if (isTopLevel(i)) onlyDecorators = first.startsWith('@');
  });
  return statements;
}

/** The rows of each logical line: a line with the lines that continue it (open brackets, strings, backslashes). */
export function logicalLines(lines: string[]): LineSpan[] {
  const logical: LineSpan[] = [];
  const scanner = new ContinuationScanner();
  lines.forEach((line, row) => {
    if (scanner.continues) logical[logical.length - 1].end = row;
    else logical.push({ start: row, end: row });
    scanner.scan(line);
  });
  return logical;
}

function isBlank(line: string): boolean {
  return /^\s*$/.test(line);
}

function isComment(line: string): boolean {
  return /^\s*#/.test(line);
}

/** Follows brackets, strings and backslashes across lines, to tell whether the next line continues a statement. */
class ContinuationScanner {
  private depth = 0;
  private openString?: string;
  private backslash = false;

  get continues(): boolean {
    return this.depth > 0 || this.openString !== undefined || this.backslash;
  }

  scan(line: string) {
    this.backslash = false;
    for (let i = 0; i < line.length; i++) {
      if (this.openString) {
        if (line[i] === '\\') i++;
        else if (line.startsWith(this.openString, i)) {
          i += this.openString.length - 1;
          this.openString = undefined;
        }
        continue;
      }
      const char = line[i];
      if (char === '#') break;
      if (char === '\\' && i === line.trimEnd().length - 1) this.backslash = true;
      else if ('([{'.includes(char)) this.depth++;
      else if (')]}'.includes(char)) this.depth = Math.max(0, this.depth - 1);
      else if (char === '"' || char === "'") {
        this.openString = line.startsWith(char.repeat(3), i) ? char.repeat(3) : char;
        i += this.openString.length - 1;
      }
    }
    // a single-quoted string cannot run past its line (an unterminated one is a syntax error the server reports)
    if (this.openString?.length === 1) this.openString = undefined;
  }
}

/** The name of the definition a span holds when it holds exactly one (`GPT`, `forward`). */
export function definitionName(lines: string[], span: LineSpan): string | undefined {
  const statements = topLevelStatements(lines.slice(span.start, span.end + 1));
  if (statements.length !== 1) return undefined;
  const header = lines.slice(span.start, span.end + 1).find((line) => !line.startsWith('@') && !/^\s/.test(line));
  return header?.match(/^(?:(?:async\s+)?def|class)\s+(\w+)/)?.[1];
}
