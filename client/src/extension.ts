// Activation only: the language server's client, the commands, the status bar item and the output channel.
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { Checks } from './checks';
import { ALL_TARGETS } from '../../server/src/protocol';
import { Commands, convertCommand } from './commands';
import { Conversions } from './conversions';
import { FrameworkContext } from './framework-context';
import { createLanguageClient } from './language-client';
import { StatusItem, type ServerState } from './status';

let client: LanguageClient | undefined;

const SERVER_STATES: Record<State, ServerState> = {
  [State.Starting]: 'starting',
  [State.Running]: 'running',
  [State.Stopped]: 'stopped',
  [State.StartFailed]: 'stopped',
};

export function activate(context: vscode.ExtensionContext) {
  const output = vscode.window.createOutputChannel('Rosetta', { log: true });
  const status = new StatusItem();
  client = createLanguageClient(context.extensionUri, output);
  client.onDidChangeState(({ newState }) => status.setState(SERVER_STATES[newState]));
  const conversions = new Conversions(client, context.extensionUri, status, output);
  const checks = new Checks(client, context.extensionUri, output, context.workspaceState);
  const commands: Record<string, (argument?: unknown) => unknown> = {
    ...Object.fromEntries(ALL_TARGETS.flatMap((target) => [
      [convertCommand(target, false), (argument?: unknown) => conversions.convertPart(target, argument)],
      [convertCommand(target, true), () => conversions.convertFile(target)],
    ])),
    [Commands.showOutput]: () => output.show(),
    [Commands.check]: (argument) => checks.check(argument),
  };
  context.subscriptions.push(
    output,
    status,
    new FrameworkContext(),
    ...Object.entries(commands).map(([id, run]) => vscode.commands.registerCommand(id, run)),
  );
  client.start().catch((e) => output.error(`the language server did not start: ${e instanceof Error ? e.message : e}`));
}

export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}
