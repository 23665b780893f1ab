// `rosetta lsp --stdio`: the language server over stdin and stdout. Wiring only; RosettaServer does the work.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { initParser } from '../parser';
import { ConvertRequestMethod, type ConvertParams } from '../protocol';
import { RosettaServer } from './server';

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
  });
  connection.onInitialize((params) => server.initialize(params));
  connection.onHover((params) => server.hover(params));
  connection.onCodeAction((params) => server.codeActions(params));
  connection.onRequest(ConvertRequestMethod, (params: ConvertParams) => server.convert(params));
  server.documents.listen(connection);
  connection.listen();
  // never settles: the connection ends the process on `exit`, or when stdin closes
  return new Promise<number>(() => {});
}
