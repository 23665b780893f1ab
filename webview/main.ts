// The diff webview's entry: wires the page to the extension (client/src/diff-panel.ts) through VS Code's message API.
import type { ExtensionMessage, WebviewMessage } from '../client/src/messages';
import { DiffView } from './diff-view';

declare function acquireVsCodeApi(): { postMessage(message: WebviewMessage): void };

const vscode = acquireVsCodeApi();
const view = new DiffView(document, (message) => vscode.postMessage(message));

window.addEventListener('message', ({ data: message }: MessageEvent<ExtensionMessage>) => {
  if (message.type === 'show') view.show(message.view);
  else if (message.type === 'sourceChanged') view.disableReplace();
});
vscode.postMessage({ type: 'ready' });
