// The bundled language server (dist/cli.js lsp), forked by VS Code and spoken to over Node IPC, for Python documents.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export function createLanguageClient(extensionUri: vscode.Uri, output: vscode.LogOutputChannel): LanguageClient {
  const module = vscode.Uri.joinPath(extensionUri, 'dist', 'cli.js').fsPath;
  // the client appends --node-ipc for this transport, which `rosetta lsp` reads
  const serverOptions: ServerOptions = {
    run: { module, args: ['lsp'], transport: TransportKind.ipc },
    debug: { module, args: ['lsp'], transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
    ],
    outputChannel: output,
  };
  return new LanguageClient('rosetta', 'Rosetta', serverOptions, clientOptions);
}
