// `rosetta lsp --stdio` (any editor) or `--node-ipc` (VS Code): the language server. Wiring only; RosettaServer does the work.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { initParser } from '../parser';
import { CheckRequestMethod, ConvertRequestMethod, RunModelRequestMethod, type CheckParams, type ConvertParams, type RunModelResult } from '../protocol';
import { check } from '../check/check';
import type { CheckRunner } from './check';
import { workerConverter } from './background';
import { RosettaServer } from './server';

const runCheck: CheckRunner = check;
const TRANSPORTS = ['--stdio', '--node-ipc'];

export async function runLanguageServer(argv: string[]): Promise<number> {
  if (!TRANSPORTS.some((t) => argv.includes(t))) {
    process.stderr.write(`usage: rosetta lsp ${TRANSPORTS.join('|')} (stdio for any editor; node-ipc when VS Code forks the server)\n`);
    return 2;
  }
  await initParser();
  // reads the transport from the command line, and sends console output to the client's log instead of stdout
  const connection = createConnection(ProposedFeatures.all);
  const server = new RosettaServer({
    publishDiagnostics: (params) => void connection.sendDiagnostics(params),
    log: (message) => connection.console.error(message),
    workDoneProgress: async (token) => (token === undefined ? connection.window.createWorkDoneProgress() : connection.window.attachWorkDoneProgress(token)),
    runModel: (params) => connection.sendRequest<RunModelResult>(RunModelRequestMethod, params),
  }, runCheck, workerConverter(__filename));
  connection.onInitialize((params) => server.initialize(params));
  connection.onHover((params) => server.hover(params));
  connection.onCodeAction((params) => server.codeActions(params));
  connection.onRequest(ConvertRequestMethod, (params: ConvertParams) => server.convert(params));
  connection.onCodeLens((params) => server.codeLenses(params));
  connection.onRequest(CheckRequestMethod, (params: CheckParams, token) => server.check(params, token));
  server.documents.listen(connection);
  connection.listen();
  // never settles: the connection ends the process on `exit`, or when stdin closes
  return new Promise<number>(() => {});
}
