// The diff webview: the source and its conversion side by side (webview/main.ts draws them). One panel, reused by
// every conversion; it answers the webview's buttons.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { targetLabel, type Target } from '../../server/src/protocol';
import type { CheckSubject } from './checks';
import { Commands } from './commands';
import { diffPageHtml } from './diff-html';
import type { DiffViewModel, ExtensionMessage, WebviewMessage } from './messages';

/** A conversion shown in the panel, with what "Replace in place" needs. */
export interface Conversion {
  document: vscode.TextDocument;
  /** the document's version when it was converted: a replace refuses once it moved on */
  version: number;
  /** the converted lines in the document, and the text that replaces them */
  range: vscode.Range;
  replacement: string;
  model: DiffViewModel;
  /** the name of the definition converted, which "Run check" checks; else the user names what to check */
  definition?: string;
  /** what it was converted to, which "Run check" checks against */
  target: Target;
}

const VIEW_TYPE = 'rosetta.diff';

export class DiffPanel {
  private static current: DiffPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  static createOrShow(extensionUri: vscode.Uri, conversion: Conversion) {
    if (DiffPanel.current) {
      DiffPanel.current.panel.reveal(undefined, true);
      DiffPanel.current.show(conversion);
      return;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, panelTitle(conversion), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'webview')],
    });
    DiffPanel.current = new DiffPanel(panel, extensionUri, conversion);
  }

  private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private conversion: Conversion) {
    const webview = panel.webview;
    webview.html = diffPageHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'webview', 'diff.css')).toString(),
    });
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    webview.onDidReceiveMessage((message: WebviewMessage) => this.answer(message), null, this.disposables);
    vscode.workspace.onDidChangeTextDocument(({ document }) => {
      if (document === this.conversion.document) this.post({ type: 'sourceChanged' });
    }, null, this.disposables);
  }

  dispose() {
    DiffPanel.current = undefined;
    this.panel.dispose();
    this.disposables.splice(0).forEach((d) => d.dispose());
  }

  /** The webview asks with `ready` once loaded (again after being hidden), so this also reaches a fresh page. */
  private show(conversion: Conversion) {
    this.conversion = conversion;
    this.panel.title = panelTitle(conversion);
    this.post({ type: 'show', view: { ...conversion.model, canReplace: isUnchanged(conversion) } });
  }

  private answer(message: WebviewMessage) {
    const handlers: { [type in WebviewMessage['type']]: () => unknown } = {
      ready: () => this.show(this.conversion),
      openAsNewFile: () => openAsNewFile(this.conversion),
      replaceInPlace: () => replaceInPlace(this.conversion),
      runCheck: () => runCheck(this.conversion),
    };
    void handlers[message.type]();
  }

  private post(message: ExtensionMessage) {
    void this.panel.webview.postMessage(message);
  }
}

function panelTitle({ model, target }: Conversion): string {
  return `${model.title} → ${targetLabel(target)}`;
}

function isUnchanged({ document, version }: Conversion): boolean {
  return !document.isClosed && document.version === version;
}

async function openAsNewFile({ model, document }: Conversion) {
  const converted = await vscode.workspace.openTextDocument({ language: 'python', content: `${model.converted}\n` });
  await vscode.window.showTextDocument(converted, { viewColumn: editorColumnOf(document) });
}

/** The check of the converted definition, on the document as it is now: the check converts it again (and says so
 *  where it cannot run the pair). */
function runCheck({ document, definition, target }: Conversion) {
  const subject: CheckSubject = { textDocument: { uri: document.uri.toString() }, name: definition, target };
  return vscode.commands.executeCommand(Commands.check, subject);
}

/** One undoable edit of the converted lines. */
async function replaceInPlace(conversion: Conversion) {
  const { document, range, replacement, model } = conversion;
  if (!isUnchanged(conversion)) {
    void vscode.window.showWarningMessage(`Rosetta: ${model.fileName} changed since it was converted; convert it again before replacing.`);
    return;
  }
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, range, replacement);
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage(`Rosetta: could not replace ${model.title} in ${model.fileName}.`);
    return;
  }
  await vscode.window.showTextDocument(document, { viewColumn: editorColumnOf(document), selection: new vscode.Range(range.start, range.start) });
}

/** The column the document is shown in, so that results open there rather than over the panel. */
function editorColumnOf(document: vscode.TextDocument): vscode.ViewColumn {
  return vscode.window.visibleTextEditors.find((editor) => editor.document === document)?.viewColumn ?? vscode.ViewColumn.One;
}
