// The `rosetta.framework` context key: the framework the active Python editor's file is written in (from its imports,
// as the server decides it), so that its menus offer only the conversions that file has.
import * as vscode from 'vscode';
import { detectFramework } from '../../server/src/protocol';
import { FRAMEWORK_CONTEXT_KEY } from './commands';

export class FrameworkContext implements vscode.Disposable {
  private readonly listeners: vscode.Disposable[];
  private shown: string | undefined;

  constructor() {
    this.listeners = [
      vscode.window.onDidChangeActiveTextEditor((editor) => this.update(editor?.document)),
      // an edit to the imports can change the framework
      vscode.workspace.onDidChangeTextDocument(({ document }) => {
        if (document === vscode.window.activeTextEditor?.document) this.update(document);
      }),
    ];
    this.update(vscode.window.activeTextEditor?.document);
  }

  dispose() {
    this.listeners.forEach((l) => l.dispose());
  }

  private update(document: vscode.TextDocument | undefined) {
    if (document?.languageId !== 'python') return;
    // a file importing no framework is taken for PyTorch, as the server takes it
    const framework = detectFramework(document.getText()) ?? 'torch';
    if (framework === this.shown) return;
    this.shown = framework;
    void vscode.commands.executeCommand('setContext', FRAMEWORK_CONTEXT_KEY, framework);
  }
}
