// "Convert … to JAX / NumPy / …" code actions (one per target of the document's framework: "… to PyTorch" in a JAX
// document), for the definition around the cursor or the selected
// statements and for the whole file. Each writes the conversion to a new file beside the document; clients that cannot create files through a
// workspace edit get a command carrying the `rosetta/convert` parameters instead. Quick fixes rewrite the torch code
// where a hazard has an equivalent form that converts safely.
import { CodeActionKind, Command, CreateFile, TextDocumentEdit, TextEdit, type CodeAction, type Range, type WorkspaceEdit } from 'vscode-languageserver';
import type { Node } from '../parser';
import { InputError, type Diagnostic } from '../convert';
import { convertKind, ConvertToJaxCommand, targetLabel, targetsFrom, type ConvertParams, type Target } from '../protocol';
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
  const targets = targetsFrom(analysis.framework).filter((target) => wanted(convertKind(target), options.only));
  if (!targets.length) return [];
  const statements = statementsFor(analysis.tree, range);
  const scopes: Scope[] = statements ? [{ label: scopeLabel(statements), range }, {}] : [{}];
  return scopes.flatMap((scope) => targets.flatMap((target) => convertAction(analysis, uri, scope, target, options.canCreateFiles) ?? []));
}

/** An action only for what converts: a part that does not parse yet offers nothing. */
function convertAction(analysis: Analysis, uri: string, scope: Scope, target: Target, canCreateFiles: boolean): CodeAction | undefined {
  let code: string;
  try {
    code = convertRange(analysis, scope.range, target).code;
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
  const file = convertedFileUri(uri, target, scope.label);
  const title = `Convert ${scope.label ?? 'file'} to ${targetLabel(target)} (${file.slice(file.lastIndexOf('/') + 1)})`;
  const kind = convertKind(target);
  if (!canCreateFiles || !uri.startsWith('file:')) {
    const params: ConvertParams = { textDocument: { uri }, range: scope.range, target };
    return { title, kind, command: Command.create(title, ConvertToJaxCommand, params) };
  }
  return { title, kind, edit: newFileEdit(file, code) };
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

/** `file:///m/model.py` → `file:///m/model_jax.py` (`model_numpy.py`, `model_torch.py`, ...), or `model_GPT_jax.py`
 *  for a part of it. */
export function convertedFileUri(uri: string, target: Target, label?: string): string {
  const slash = uri.lastIndexOf('/');
  const stem = uri.slice(slash + 1).replace(/\.py$/, '');
  return `${uri.slice(0, slash + 1)}${stem}${label ? `_${encodeURIComponent(label)}` : ''}_${target}.py`;
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
