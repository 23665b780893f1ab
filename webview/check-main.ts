// The check webview's entry: wires the page to the extension (client/src/check-panel.ts) through VS Code's message API.
import type { CheckExtensionMessage, CheckWebviewMessage } from '../client/src/check-messages';
import { CheckView } from './check-view';

declare function acquireVsCodeApi(): { postMessage(message: CheckWebviewMessage): void };

const vscode = acquireVsCodeApi();
const view = new CheckView(document, (message) => vscode.postMessage(message));

window.addEventListener('message', ({ data: message }: MessageEvent<CheckExtensionMessage>) => {
  if (message.type === 'show') view.show(message.view);
  else if (message.type === 'running') view.running();
});
vscode.postMessage({ type: 'ready' });
