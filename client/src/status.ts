// The status bar item: whether the language server runs, and a conversion in progress. Shown beside Python editors;
// a click opens the output channel.
import * as vscode from 'vscode';
import { TARGETS_BY_SOURCE, targetLabel, type SourceFramework } from '../../server/src/protocol';
import { Commands } from './commands';

export type ServerState = 'starting' | 'running' | 'stopped';

const LOOKS: Record<ServerState, { text: string; tooltip: string }> = {
  starting: { text: '$(sync~spin) Rosetta', tooltip: 'Rosetta: starting the language server' },
  running: {
    text: '$(arrow-swap) Rosetta',
    tooltip: `Rosetta: ready to convert ${Object.entries(TARGETS_BY_SOURCE).map(([source, targets]) => `${targetLabel(source as SourceFramework)} to ${targets.map(targetLabel).join(', ')}`).join('; ')} ("Rosetta: Convert to …")`,
  },
  stopped: { text: '$(error) Rosetta', tooltip: 'Rosetta: the language server is not running; click for its output' },
};

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('rosetta.status', vscode.StatusBarAlignment.Right, 100);
  private readonly editorListener = vscode.window.onDidChangeActiveTextEditor((editor) => this.showFor(editor));
  private state: ServerState = 'starting';
  private converting = 0;

  constructor() {
    this.item.name = 'Rosetta';
    this.item.command = Commands.showOutput;
    this.render();
    this.showFor(vscode.window.activeTextEditor);
  }

  setState(state: ServerState) {
    this.state = state;
    this.render();
  }

  /** Spins while the work runs. */
  async whileConverting<T>(work: () => Promise<T>): Promise<T> {
    this.converting++;
    this.render();
    try {
      return await work();
    } finally {
      this.converting--;
      this.render();
    }
  }

  dispose() {
    this.editorListener.dispose();
    this.item.dispose();
  }

  private render() {
    const look = this.converting ? { text: '$(sync~spin) Rosetta', tooltip: 'Rosetta: converting…' } : LOOKS[this.state];
    this.item.text = look.text;
    this.item.tooltip = vscode.workspace.isTrusted ? look.tooltip : `${look.tooltip}\nRestricted Mode: workspace values of rosetta.check.* are ignored`;
  }

  private showFor(editor: vscode.TextEditor | undefined) {
    if (editor?.document.languageId === 'python') this.item.show();
    else this.item.hide();
  }
}
