// The check webview: one report at a time (webview/check-main.ts draws it), reused by every check. It opens as a
// check starts, runs the check's models when the server asks for the 'webgpu' backend (the page holds the
// onnxruntime-web WebGPU runtime), reveals the lines the report links to, and hands "Re-run with a new seed" back to
// the command that ran the check.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { CheckParams, RunModelParams, RunModelResult } from '../../server/src/protocol';
import { checkPageHtml } from './check-html';
import type { CheckExtensionMessage, CheckViewModel, CheckWebviewMessage } from './check-messages';

/** A finished check: what was asked and what came back. */
export interface CheckRun {
  document: vscode.TextDocument;
  params: CheckParams;
  view: CheckViewModel;
}

const VIEW_TYPE = 'rosetta.check';
/** a page that has not loaded by then is taken to have no WebGPU: the check runs in the server */
const READY_TIMEOUT_MS = 10_000;

interface PendingRun {
  resolve(result: RunModelResult): void;
  reject(error: Error): void;
}

export class CheckPanel {
  private static current: CheckPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** the converted code the report's target lines refer to, opened on the first click */
  private target: Thenable<vscode.TextDocument> | undefined;
  private run: CheckRun | undefined;
  private readonly webgpu: Promise<boolean>;
  private reportWebGpu!: (adapter: boolean) => void;
  private readonly pending = new Map<number, PendingRun>();
  private nextRunId = 0;

  /** The panel, revealed or opened, showing that a check runs. */
  static open(extensionUri: vscode.Uri, rerun: (run: CheckRun) => unknown): CheckPanel {
    const current = CheckPanel.current;
    if (current) {
      current.panel.reveal(undefined, true);
    } else {
      const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Check', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: true,
        // the page's runtime and a model it runs would be lost with the page
        retainContextWhenHidden: true,
        localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'webview')],
      });
      CheckPanel.current = new CheckPanel(panel, extensionUri, rerun);
    }
    CheckPanel.current!.post({ type: 'running' });
    return CheckPanel.current!;
  }

  /** Runs a model in the open panel's page (rosetta/runModel). */
  static runModel(params: RunModelParams): Promise<RunModelResult> {
    if (!CheckPanel.current) return Promise.reject(new Error('the check panel is closed: no webview to run the model in'));
    return CheckPanel.current.runModel(params);
  }

  private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly rerun: (run: CheckRun) => unknown) {
    const webview = panel.webview;
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    webview.html = checkPageHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'check-webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'webview', 'check.css')).toString(),
      runtimeBase: `${webview.asWebviewUri(dist).toString()}/`,
    });
    const ready = new Promise<boolean>((resolve) => (this.reportWebGpu = resolve));
    const late = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), READY_TIMEOUT_MS));
    this.webgpu = Promise.race([ready, late]);
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    webview.onDidReceiveMessage((message: CheckWebviewMessage) => this.answer(message), null, this.disposables);
  }

  /** Whether the page found a WebGPU adapter. */
  hasWebGpu(): Promise<boolean> {
    return this.webgpu;
  }

  show(run: CheckRun) {
    if (run !== this.run) this.target = undefined;
    this.run = run;
    this.panel.title = `Check ${run.view.entry}`;
    this.post({ type: 'show', view: run.view });
  }

  /** The check stopped without a report: the page says why. */
  fail(message: string) {
    this.post({ type: 'failed', message });
  }

  private runModel(params: RunModelParams): Promise<RunModelResult> {
    const id = this.nextRunId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ type: 'run', id, params });
    });
  }

  private dispose() {
    CheckPanel.current = undefined;
    this.panel.dispose();
    this.disposables.splice(0).forEach((d) => d.dispose());
    this.pending.forEach((run) => run.reject(new Error('the check panel was closed while it ran a model')));
    this.pending.clear();
  }

  /** The page says `ready` once loaded, so a report shown before that is shown again. */
  private answer(message: CheckWebviewMessage) {
    if (message.type === 'ready') {
      this.reportWebGpu(message.webgpu);
      if (this.run) this.show(this.run);
    } else if (message.type === 'ran') this.settle(message.id, message.result, message.error);
    else if (message.type === 'rerun') void (this.run && this.rerun(this.run));
    else if (this.run) void this.reveal(message.side === 'source' ? Promise.resolve(this.run.document) : this.targetDocument(this.run), message.line);
  }

  private settle(id: number, result: RunModelResult | undefined, error: string | undefined) {
    const run = this.pending.get(id);
    this.pending.delete(id);
    if (result) run?.resolve(result);
    else run?.reject(new Error(`the check panel could not run the model: ${error}`));
  }

  /** The target file the check compared with, else the conversion it made, in an untitled document. */
  private targetDocument({ params, view }: CheckRun): Thenable<vscode.TextDocument> {
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

/** The column the document is shown in, so that it opens there rather than over the panel. */
function editorColumnOf(document: vscode.TextDocument): vscode.ViewColumn {
  return vscode.window.visibleTextEditors.find((editor) => editor.document === document)?.viewColumn ?? vscode.ViewColumn.One;
}
