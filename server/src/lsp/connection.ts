// `rosetta lsp --stdio`: the language server over stdin and stdout. Wiring only; RosettaServer does the work.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { initParser } from '../parser';
import { CheckRequestMethod, ConvertRequestMethod, type CheckParams, type ConvertParams } from '../protocol';
import { check } from '../check/check';
import type { CheckRunner } from './check';
import { RosettaServer } from './server';

const runCheck: CheckRunner = check;

export async function runLanguageServer(argv: string[]): Promise<number> {
  if (!argv.includes('--stdio')) {
    process.stderr.write('usage: rosetta lsp --stdio (the only transport)\n');
    return 2;
  }
  await initParser();
  // reads --stdio from the command line, and sends console output to the client's log instead of stdout
  const connection = createConnection(ProposedFeatures.all);
  const server = new RosettaServer({
    publishDiagnostics: (params) => void connection.sendDiagnostics(params),
    log: (message) => connection.console.error(message),
    workDoneProgress: async (token) => (token === undefined ? connection.window.createWorkDoneProgress() : connection.window.attachWorkDoneProgress(token)),
  }, runCheck);
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
