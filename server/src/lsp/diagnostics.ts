// The converter's findings as LSP diagnostics: source APIs kept unconverted (torch's, or a JAX document's JAX ones),
// warnings, and why a file cannot be converted at all (a syntax error on its line, or an internal error).
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type Range } from 'vscode-languageserver';
import type { Tree } from '../parser';
import { InputError, type Diagnostic, type Severity } from '../convert';
import { targetLabel } from '../protocol';
import { primaryTarget, type Analysis } from './analysis';
import type { StatementConversions } from './conversion';
import { rangeOf } from './ranges';
import { locateSyntaxError } from './syntax-error';

const SOURCE = 'rosetta';

// The source code itself is valid: what the converter calls an error is a conversion problem, a warning to the reader
// of the source file; its warnings are information. Red squiggles stay with real Python errors.
const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Warning,
  warning: DiagnosticSeverity.Information,
  information: DiagnosticSeverity.Information,
};

/** The whole file's conversion as diagnostics: what the file converts to, exactly. */
export function diagnosticsFor(analysis: Analysis): LspDiagnostic[] {
  const { conversion } = analysis;
  if (conversion instanceof InputError) return [syntaxErrorDiagnostic(analysis, conversion)];
  if (conversion instanceof Error) return [internalErrorDiagnostic(conversion, analysis.text)];
  return conversion.diagnostics.map((d) => converterDiagnostic(analysis.tree, d));
}

/** The same, found statement by statement (see StatementConversions): quick after an edit, and the same as the whole
 *  file's unless definitions depend on one another. A file that does not parse needs no conversion to say so; a
 *  statement that fails to convert leaves the answer to the whole file's conversion. */
export function diagnosticsByStatement(analysis: Analysis, statements: StatementConversions): LspDiagnostic[] {
  if (analysis.tree.rootNode.hasError) return [syntaxErrorDiagnostic(analysis)];
  try {
    return statements.of(analysis).map((d) => converterDiagnostic(analysis.tree, d));
  } catch {
    return diagnosticsFor(analysis);
  }
}

/** How many statements diagnosticsByStatement would convert afresh. */
export function conversionsPending(analysis: Analysis, statements: StatementConversions): number {
  return analysis.tree.rootNode.hasError ? 0 : statements.unconverted(analysis);
}

export function converterDiagnostic(tree: Tree, d: Diagnostic): LspDiagnostic {
  const code = d.hazard ?? d.api;
  return {
    range: expressionRange(tree, d.line - 1, d.column - 1, d.hazard ? HAZARD_SPANS : CALL_SPANS),
    severity: SEVERITIES[d.severity],
    source: SOURCE,
    message: d.message,
    ...(code ? { code } : {}),
  };
}

/** Where the file stops parsing, from the tree (the converter's own error only gives its line). */
function syntaxErrorDiagnostic(analysis: Analysis, error?: InputError): LspDiagnostic {
  const location = locateSyntaxError(analysis.tree);
  const range = location?.range ?? lineRange(analysis.text, (error?.line ?? 1) - 1);
  const cannot = `cannot convert to ${targetLabel(primaryTarget(analysis.framework))}`;
  const message = location ? `${cannot}: syntax error near '${location.near}'` : `${cannot}: ${error?.message ?? 'syntax error'}`;
  return { range, severity: DiagnosticSeverity.Warning, source: SOURCE, message };
}

/** A converter bug, shown rather than hidden so that it gets reported; the server carries on. */
function internalErrorDiagnostic(error: Error, text: string): LspDiagnostic {
  return { range: lineRange(text, 0), severity: DiagnosticSeverity.Error, source: SOURCE, message: `rosetta internal error: ${error.message}` };
}

const CALL_SPANS = ['attribute', 'call'];
/** a hazard covers the indexing or the whole statement it is found at (`x[m]`, `y.add_(1)`, `x[m] = 0`) */
const HAZARD_SPANS = [...CALL_SPANS, 'subscript', 'assignment', 'augmented_assignment'];

/** The whole expression a finding starts at (`F.not_a_real_op(y)`, `x.foo().bar()`), found from its first character. */
function expressionRange(tree: Tree, row: number, column: number, spans: string[]): Range {
  let node = tree.rootNode.descendantForPosition({ row, column }) ?? tree.rootNode;
  while (node.parent && spans.includes(node.parent.type) && node.parent.startIndex === node.startIndex) node = node.parent;
  return { start: { line: row, character: column }, end: rangeOf(node).end };
}

function lineRange(text: string, row: number): Range {
  const line = text.split('\n')[row] ?? '';
  return { start: { line: row, character: 0 }, end: { line: row, character: line.replace(/\r$/, '').length } };
}
