// A test client for the bundled language server: JSON-RPC over the stdio of `rosetta lsp --stdio`.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  createMessageConnection, StreamMessageReader, StreamMessageWriter,
  type Hover, type MarkupContent, type MessageConnection, type Position, type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { repoRoot } from './python';

/** A client speaking LSP to a spawned server, recording the diagnostics and the progress it reports. */
export class TestClient {
  private readonly published: PublishDiagnosticsParams[] = [];
  /** every $/progress the server sent, in order */
  readonly progress: Array<{ token: string | number; value: unknown }> = [];
  private readonly waiting: Array<() => void> = [];
  stderr = '';

  private constructor(readonly process: ChildProcess, readonly connection: MessageConnection) {
    process.stderr!.on('data', (chunk) => (this.stderr += chunk));
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.published.push(params);
      this.wakeWaiting();
    });
    // progress the server creates is accepted, and recorded like progress on tokens of our own
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onUnhandledProgress((params) => this.progress.push(params));
    // a server that dies fails what waits on it instead of hanging the run
    process.once('exit', () => {
      connection.dispose();
      this.wakeWaiting();
    });
    connection.listen();
  }

  static start(): TestClient {
    // the bundled tests may live outside the checkout (ROSETTA_BUILD_DIR); the runner starts in its root
    const root = fs.existsSync(path.join(repoRoot, 'bin', 'rosetta.js')) ? repoRoot : process.cwd();
    const server = spawn('node', [path.join(root, 'bin', 'rosetta.js'), 'lsp', '--stdio'], { cwd: root });
    return new TestClient(server, createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!)));
  }

  /** The first diagnostics published for this version of the document. */
  async diagnostics(uri: string, version: number): Promise<PublishDiagnosticsParams> {
    for (;;) {
      const found = this.published.find((p) => p.uri === uri && p.version === version);
      if (found) return found;
      if (this.process.exitCode !== null) throw new Error(`the server exited (${this.process.exitCode}): ${this.stderr}`);
      await new Promise<void>((wake) => this.waiting.push(wake));
    }
  }

  async hoverText(uri: string, at: Position): Promise<string | undefined> {
    const hover: Hover | null = await this.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: at });
    return hover ? (hover.contents as MarkupContent).value : undefined;
  }

  private wakeWaiting() {
    this.waiting.splice(0).forEach((wake) => wake());
  }

  exited(): Promise<number | null> {
    return new Promise((resolve) => (this.process.exitCode !== null ? resolve(this.process.exitCode) : this.process.once('exit', resolve)));
  }
}
