// The check webview's entry: wires the page to the extension (client/src/check-panel.ts) through VS Code's message
// API, and runs the check's models when the extension hands them over (the 'webgpu' backend).
import type { CheckExtensionMessage, CheckWebviewMessage } from '../client/src/check-messages';
import { runSentModel, type RunModelParams } from '../server/src/check/onnx/wire';
import { CheckView } from './check-view';
import { hasWebGpuAdapter, webviewRunner } from './runtime';

declare function acquireVsCodeApi(): { postMessage(message: CheckWebviewMessage): void };

const vscode = acquireVsCodeApi();
const view = new CheckView(document, (message) => vscode.postMessage(message));
const runtimeBase = document.querySelector<HTMLMetaElement>('meta[name="rosetta-runtime"]')!.content;
const webgpu = hasWebGpuAdapter();
const runner = webgpu.then((adapter) => webviewRunner(runtimeBase, adapter ? 'webgpu' : 'wasm'));

window.addEventListener('message', ({ data: message }: MessageEvent<CheckExtensionMessage>) => {
  if (message.type === 'show') view.show(message.view);
  else if (message.type === 'running') view.running();
  else if (message.type === 'failed') view.failed(message.message);
  else if (message.type === 'run') void run(message.id, message.params);
});
void webgpu.then((adapter) => vscode.postMessage({ type: 'ready', webgpu: adapter }));

async function run(id: number, params: RunModelParams) {
  try {
    vscode.postMessage({ type: 'ran', id, result: await runSentModel(await runner, params) });
  } catch (error) {
    vscode.postMessage({ type: 'ran', id, error: error instanceof Error ? error.message : String(error) });
  }
}
