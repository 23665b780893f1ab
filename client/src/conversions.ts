// "Convert to JAX / NumPy / ... / PyTorch" from the palette, the editor's context menu and the server's code actions and lenses:
// finds what to convert, asks the server (`rosetta/convert`) and shows the result in the diff panel.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ConvertRequestMethod, targetLabel, type ConvertParams, type ConvertResult, type Target } from '../../server/src/protocol';
import { DiffPanel, type Conversion } from './diff-panel';
import { conversionScope, definitionName, type LineSpan } from './scope';
import type { StatusItem } from './status';
import { diffViewModel } from './view-model';

export class Conversions {
  constructor(
    private readonly client: LanguageClient,
    private readonly extensionUri: vscode.Uri,
    private readonly status: StatusItem,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The selection, else the definition around the cursor, else the file. From a code action the argument is the
   *  action's ConvertParams, whose target wins; from the editor's context menu it is the document's URI. */
  async convertPart(target: Target, argument?: unknown) {
    if (isConvertParams(argument)) {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(argument.textDocument.uri));
      return this.convert(document, argument.range && conversionScope(document.getText(), argument.range), argument.target ?? target);
    }
    const editor = pythonEditor(target);
    if (editor) return this.convert(editor.document, conversionScope(editor.document.getText(), editor.selection), target);
  }

  async convertFile(target: Target) {
    const editor = pythonEditor(target);
    if (editor) return this.convert(editor.document, undefined, target);
  }

  private async convert(document: vscode.TextDocument, span: LineSpan | undefined, target: Target) {
    const range = span ? spanRange(document, span) : wholeDocument(document);
    const params: ConvertParams = {
      textDocument: { uri: document.uri.toString() },
      // a vscode.Range goes over the wire as an array: the protocol wants {start, end}
      range: span && this.client.code2ProtocolConverter.asRange(range),
      target,
    };
    const version = document.version;
    const fileName = path.basename(document.uri.path);
    try {
      const result = await this.status.whileConverting(() => this.client.sendRequest<ConvertResult>(ConvertRequestMethod, params));
      const model = diffViewModel({ fileName, documentText: document.getText(), span, result, target });
      this.log.info(`converted ${model.title} of ${fileName}: ${result.mapping.length} calls mapped, ${result.diagnostics.length} findings`);
      // a part of the file ends where its last line ends; the whole file keeps its final newline
      const definition = span && definitionName(document.getText().split('\n'), span);
      const conversion: Conversion = { document, version, range, replacement: span ? model.converted : result.code, model, definition, target };
      DiffPanel.createOrShow(this.extensionUri, conversion);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.log.error(`cannot convert ${fileName}: ${message}`);
      void vscode.window.showErrorMessage(`Rosetta: cannot convert ${fileName} to ${targetLabel(target)}: ${message}`);
    }
  }
}

function isConvertParams(value: unknown): value is ConvertParams {
  return typeof (value as ConvertParams | undefined)?.textDocument?.uri === 'string';
}

function pythonEditor(target: Target): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor?.document.languageId === 'python') return editor;
  const source = target === 'torch' ? 'JAX / Flax' : 'PyTorch';
  void vscode.window.showInformationMessage(`Rosetta: open a Python file with ${source} code to convert it to ${targetLabel(target)}.`);
  return undefined;
}

/** Whole lines: the converted statements end where their last line ends. */
function spanRange(document: vscode.TextDocument, span: LineSpan): vscode.Range {
  return new vscode.Range(span.start, 0, span.end, document.lineAt(span.end).text.length);
}

function wholeDocument(document: vscode.TextDocument): vscode.Range {
  return new vscode.Range(0, 0, document.lineCount - 1, document.lineAt(document.lineCount - 1).text.length);
}
