// "Convert to JAX" code actions, for the definition around the cursor or the selected statements and for the whole
// file. Each writes the conversion to a new file beside the document; clients that cannot create files through a
// workspace edit get a command carrying the `rosetta/convert` parameters instead. Quick fixes rewrite the torch code
// where a hazard has an equivalent form that converts safely.
import { CodeActionKind, Command, CreateFile, TextDocumentEdit, TextEdit, type CodeAction, type Range, type WorkspaceEdit } from 'vscode-languageserver';
import type { Node } from '../parser';
import { InputError, type Diagnostic } from '../convert';
import { ConvertToJaxCommand, ConvertToJaxKind, type ConvertParams } from '../protocol';
import type { Analysis } from './analysis';
import { convertRange, definitionName, statementsFor } from './conversion';
import { converterDiagnostic } from './diagnostics';

export interface ConvertActionOptions {
  /** the client applies workspace edits that create files */
  canCreateFiles: boolean;
  /** the kinds the client asked for, when it narrowed them */
  only?: string[];
}

/** What one action converts: a named part of the file (with the range that selects it), or the whole file. */
interface Scope {
  label?: string;
  range?: Range;
}

export function convertActions(analysis: Analysis, uri: string, range: Range, options: ConvertActionOptions): CodeAction[] {
  if (!wanted(ConvertToJaxKind, options.only)) return [];
  const statements = statementsFor(analysis.tree, range);
  const scopes: Scope[] = statements ? [{ label: scopeLabel(statements), range }, {}] : [{}];
  return scopes.flatMap((scope) => convertAction(analysis, uri, scope, options.canCreateFiles) ?? []);
}

/** An action only for what converts: a part that does not parse yet offers nothing. */
function convertAction(analysis: Analysis, uri: string, scope: Scope, canCreateFiles: boolean): CodeAction | undefined {
  let code: string;
  try {
    code = convertRange(analysis, scope.range).code;
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
  const target = jaxFileUri(uri, scope.label);
  const title = `Convert ${scope.label ?? 'file'} to JAX (${target.slice(target.lastIndexOf('/') + 1)})`;
  if (!canCreateFiles || !uri.startsWith('file:')) {
    const params: ConvertParams = { textDocument: { uri }, range: scope.range, target: 'jax' };
    return { title, kind: ConvertToJaxKind, command: Command.create(title, ConvertToJaxCommand, params) };
  }
  return { title, kind: ConvertToJaxKind, edit: newFileEdit(target, code) };
}

/** The rewrites of the hazards on the lines a range touches, from the whole file's conversion. */
export function hazardFixes(analysis: Analysis, uri: string, range: Range, only?: string[]): CodeAction[] {
  const { conversion } = analysis;
  if (!wanted(CodeActionKind.QuickFix, only) || conversion instanceof Error) return [];
  const touched = (d: Diagnostic) => d.line - 1 >= range.start.line && d.line - 1 <= range.end.line;
  return conversion.diagnostics.filter((d) => d.rewrite && touched(d)).map((d) => hazardFix(analysis, uri, d));
}

function hazardFix(analysis: Analysis, uri: string, d: Diagnostic): CodeAction {
  const { title, oldText, newText } = d.rewrite!;
  const start = { line: d.line - 1, character: d.column - 1 };
  const lines = oldText.split('\n');
  const end = { line: start.line + lines.length - 1, character: (lines.length === 1 ? start.character : 0) + lines[lines.length - 1].length };
  return {
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [converterDiagnostic(analysis.tree, d)],
    isPreferred: true,
    edit: { changes: { [uri]: [TextEdit.replace({ start, end }, newText)] } },
  };
}

/** Whether a client's `only` (undefined: everything) admits a kind or one of its parents. */
function wanted(kind: string, only?: string[]): boolean {
  return !only || only.some((asked) => kind === asked || kind.startsWith(`${asked}.`));
}

function scopeLabel(statements: Node[]): string {
  return (statements.length === 1 && definitionName(statements[0])) || 'selection';
}

/** `file:///m/model.py` → `file:///m/model_jax.py`, or `model_GPT_jax.py` for a part of it. */
export function jaxFileUri(uri: string, label?: string): string {
  const slash = uri.lastIndexOf('/');
  const stem = uri.slice(slash + 1).replace(/\.py$/, '');
  return `${uri.slice(0, slash + 1)}${stem}${label ? `_${encodeURIComponent(label)}` : ''}_jax.py`;
}

/** Creates (or replaces: converting again regenerates the output) the file and fills it. */
function newFileEdit(uri: string, text: string): WorkspaceEdit {
  return {
    documentChanges: [
      CreateFile.create(uri, { overwrite: true }),
      TextDocumentEdit.create({ uri, version: null }, [TextEdit.insert({ line: 0, character: 0 }, text)]),
    ],
  };
}
