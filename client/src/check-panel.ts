// The check webview: one report at a time (webview/check-main.ts draws it), reused by every check. It reveals the
// lines the report links to and hands "Re-run with a new seed" back to the command that ran the check.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { CheckParams } from '../../server/src/protocol';
import { checkPageHtml } from './check-html';
import type { CheckExtensionMessage, CheckViewModel, CheckWebviewMessage } from './check-messages';

/** A finished check: what was asked and what came back. */
export interface CheckRun {
  document: vscode.TextDocument;
  params: CheckParams;
  view: CheckViewModel;
}

const VIEW_TYPE = 'rosetta.check';

export class CheckPanel {
  private static current: CheckPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** the converted code the report's target lines refer to, opened on the first click */
  private target: Thenable<vscode.TextDocument> | undefined;

  static createOrShow(extensionUri: vscode.Uri, run: CheckRun, rerun: (run: CheckRun) => unknown) {
    if (CheckPanel.current) {
      CheckPanel.current.panel.reveal(undefined, true);
      CheckPanel.current.show(run);
      return;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, panelTitle(run), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'webview')],
    });
    CheckPanel.current = new CheckPanel(panel, extensionUri, run, rerun);
  }

  /** A check started from the panel's button: the page shows it runs. */
  static showRunning() {
    CheckPanel.current?.post({ type: 'running' });
  }

  private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private run: CheckRun, private readonly rerun: (run: CheckRun) => unknown) {
    const webview = panel.webview;
    webview.html = checkPageHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'check-webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'webview', 'check.css')).toString(),
    });
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    webview.onDidReceiveMessage((message: CheckWebviewMessage) => this.answer(message), null, this.disposables);
  }

  dispose() {
    CheckPanel.current = undefined;
    this.panel.dispose();
    this.disposables.splice(0).forEach((d) => d.dispose());
  }

  /** The webview asks with `ready` once loaded (again after being hidden), so this also reaches a fresh page. */
  private show(run: CheckRun) {
    if (run !== this.run) this.target = undefined;
    this.run = run;
    this.panel.title = panelTitle(run);
    this.post({ type: 'show', view: run.view });
  }

  private answer(message: CheckWebviewMessage) {
    if (message.type === 'ready') this.show(this.run);
    else if (message.type === 'rerun') void this.rerun(this.run);
    else void this.reveal(message.side === 'source' ? Promise.resolve(this.run.document) : this.targetDocument(), message.line);
  }

  /** The target file the check compared with, else the conversion it made, in an untitled document. */
  private targetDocument(): Thenable<vscode.TextDocument> {
    const { params, view } = this.run;
    this.target ??= params.targetUri
      ? vscode.workspace.openTextDocument(vscode.Uri.parse(params.targetUri))
      : vscode.workspace.openTextDocument({ language: 'python', content: view.report.target ?? '' });
    return this.target;
  }

  private async reveal(document: Thenable<vscode.TextDocument>, line: number) {
    const opened = await document;
    const at = new vscode.Position(Math.max(0, line - 1), 0);
    await vscode.window.showTextDocument(opened, { viewColumn: editorColumnOf(opened), selection: new vscode.Range(at, at) });
  }

  private post(message: CheckExtensionMessage) {
    void this.panel.webview.postMessage(message);
  }
}

function panelTitle({ view }: CheckRun): string {
  return `Check ${view.entry}`;
}

/** The column the document is shown in, so that it opens there rather than over the panel. */
function editorColumnOf(document: vscode.TextDocument): vscode.ViewColumn {
  return vscode.window.visibleTextEditors.find((editor) => editor.document === document)?.viewColumn ?? vscode.ViewColumn.One;
}
