// "Check" from the CodeLens above a module class, the palette (the definition around the cursor) and the diff panel's
// "Run check": settles the entry and the inputs with the user, sends `rosetta/check` under a cancellable progress and
// shows the report in the check panel.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LSPErrorCodes, WorkDoneProgress, type CodeLens, type LanguageClient } from 'vscode-languageclient/node';
import {
  CheckCommand, CheckRequestMethod, RunModelRequestMethod, detectFramework, targetLabel, targetsFrom,
  type CheckCommandArgument, type CheckParams, type CheckReport, type ConversionTarget, type RunModelParams, type Target,
} from '../../server/src/protocol';
import { CheckPanel, type CheckRun } from './check-panel';
import { conversionScope, definitionName } from './scope';

/** What to check, where the caller knows it: a document, and maybe the definition's name. */
export interface CheckSubject {
  textDocument: { uri: string };
  name?: string;
  /** what the source is converted to and checked against; when not said, the rosetta.defaultTarget setting for
   *  PyTorch code, the one target of the other frameworks */
  target?: Target;
}

const DEFAULT_INPUTS = ['x=float32[2,16]'];

/** The setting's target for PyTorch code; code of another framework converts to one target (PyTorch). */
function defaultTarget(document: vscode.TextDocument): Target {
  const framework = detectFramework(document.getText()) ?? 'torch';
  return framework === 'torch' ? vscode.workspace.getConfiguration('rosetta').get<ConversionTarget>('defaultTarget', 'jax') : targetsFrom(framework)[0];
}

export class Checks {
  constructor(
    private readonly client: LanguageClient,
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    /** the entry and inputs last used per definition, offered again next time */
    private readonly memory: vscode.Memento,
  ) {
    client.onRequest(RunModelRequestMethod, (params: RunModelParams) => CheckPanel.runModel(params));
  }

  async check(argument?: unknown) {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showInformationMessage('Rosetta: the numerical check runs model code and needs a trusted workspace.');
      return;
    }
    const subject = await this.subject(argument);
    const asked = subject && (await this.askEntryAndInputs(subject.argument));
    if (!subject || !asked) return;
    const settings = vscode.workspace.getConfiguration('rosetta.check', subject.document.uri);
    const params: CheckParams = {
      textDocument: { uri: subject.document.uri.toString() },
      ...asked,
      target: (argument as CheckSubject | undefined)?.target ?? defaultTarget(subject.document),
      seed: 0,
      rtol: settings.get<number>('rtol'),
      atol: settings.get<number>('atol'),
    };
    await this.run(subject.document, params);
  }

  /** Opens the panel first: with the 'auto' or 'webgpu' setting and a WebGPU adapter in its page, the server hands
   *  the models to the page to run (rosetta/runModel); otherwise they run in the server, on WebAssembly. */
  private async run(document: vscode.TextDocument, params: CheckParams) {
    const requestedBackend = vscode.workspace.getConfiguration('rosetta.check', document.uri).get<string>('backend', 'auto');
    const panel = CheckPanel.open(this.extensionUri, (previous) => this.rerun(previous));
    try {
      const webgpuAdapter = await panel.hasWebGpu();
      const backend = requestedBackend !== 'wasm' && webgpuAdapter ? 'webgpu' : 'wasm';
      const report = await this.send({ ...params, backend });
      this.log.info(`checked ${params.entry} of ${path.basename(document.uri.path)} (seed ${params.seed}, ${report.backend}): ${report.verdict}`);
      panel.show({ document, params, view: { ...checkView(document, params, report), requestedBackend, webgpuAdapter } });
    } catch (e) {
      if (isCancellation(e)) {
        panel.fail('cancelled');
        return this.log.info(`the check of ${params.entry} was cancelled`);
      }
      const message = e instanceof Error ? e.message : String(e);
      panel.fail(message);
      this.log.error(`cannot check ${params.entry}: ${message}`);
      void vscode.window.showErrorMessage(`Rosetta: cannot check ${params.entry}: ${message}`);
    }
  }

  private rerun({ document, params }: CheckRun) {
    return this.run(document, { ...params, seed: Math.floor(Math.random() * 2 ** 31) });
  }

  /** The request, with the server's progress messages in a notification whose Cancel cancels the request. */
  private send(params: CheckParams): Thenable<CheckReport> {
    const options = { location: vscode.ProgressLocation.Notification, title: `Rosetta: checking ${params.entry}`, cancellable: true };
    return vscode.window.withProgress(options, async (progress, token) => {
      const workDoneToken = randomUUID();
      const listener = this.client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
        if (value.kind !== 'end' && value.message) progress.report({ message: value.message });
      });
      try {
        return await this.client.sendRequest<CheckReport>(CheckRequestMethod, { ...params, workDoneToken }, token);
      } finally {
        listener.dispose();
      }
    });
  }

  /** The CodeLens argument as it is; otherwise the server's lens for the named definition (or the one around the
   *  cursor), else a function of that name, else nothing known: the user types the entry. */
  private async subject(argument: unknown): Promise<{ document: vscode.TextDocument; argument: CheckCommandArgument } | undefined> {
    const known = argument as Partial<CheckCommandArgument> | undefined;
    const document = known?.textDocument ? await vscode.workspace.openTextDocument(vscode.Uri.parse(known.textDocument.uri)) : pythonDocument();
    if (!document) return undefined;
    if (isCheckCommandArgument(known)) return { document, argument: known };
    const name = known?.name ?? definitionAtCursor(document);
    const lens = name ? await this.lensArgument(document, name) : undefined;
    const uri = document.uri.toString();
    return { document, argument: lens ?? { textDocument: { uri }, name: name ?? '', entry: name ?? '', needsArguments: !name, inputs: DEFAULT_INPUTS } };
  }

  private async lensArgument(document: vscode.TextDocument, name: string): Promise<CheckCommandArgument | undefined> {
    const lenses = await this.client.sendRequest<CodeLens[] | null>('textDocument/codeLens', { textDocument: { uri: document.uri.toString() } });
    return lenses?.map((l) => l.command).find((c) => c?.command === CheckCommand && c.arguments?.[0]?.name === name)?.arguments?.[0];
  }

  /** The entry when the constructor needs arguments, and always the inputs; both prefilled with what was used last. */
  private async askEntryAndInputs(argument: CheckCommandArgument): Promise<{ entry: string; inputs: string[] } | undefined> {
    const key = `rosetta.check.${argument.name}`;
    const remembered = this.memory.get<{ entry: string; inputs: string[] }>(key);
    const entry = argument.needsArguments
      ? await vscode.window.showInputBox({
        title: 'Rosetta: Check',
        prompt: 'What to check: a module constructor call with its arguments, or a function name',
        value: remembered?.entry || argument.entry,
        validateInput: (value) => (value.trim() ? undefined : 'a constructor call such as Net(width=8), or a function name'),
      })
      : argument.entry;
    if (!entry) return undefined;
    const typed = await vscode.window.showInputBox({
      title: `Rosetta: Check ${entry}`,
      prompt: 'Inputs, one spec per forward argument: NAME=DTYPE[SHAPE], integers with a range (tokens=int64[2,12]:0..50)',
      value: (remembered?.inputs ?? argument.inputs).join(' '),
    });
    if (typed === undefined) return undefined;
    const asked = { entry: entry.trim(), inputs: splitSpecs(typed) };
    await this.memory.update(key, asked);
    return asked;
  }
}

function checkView(document: vscode.TextDocument, params: CheckParams, report: CheckReport) {
  return {
    entry: params.entry,
    fileName: path.basename(document.uri.path),
    targetName: params.targetUri ? path.basename(vscode.Uri.parse(params.targetUri).path) : `its ${targetLabel(params.target ?? 'jax')} conversion`,
    inputs: params.inputs,
    seed: params.seed ?? 0,
    tolerance: { rtol: params.rtol ?? 1e-4, atol: params.atol ?? 1e-5 },
    report,
  };
}

/** Specs apart at spaces, commas or semicolons outside brackets: `x=float32[2, 16] y=bool[2]`. */
export function splitSpecs(text: string): string[] {
  const specs: string[] = [];
  let depth = 0;
  let current = '';
  for (const character of text) {
    depth += character === '[' ? 1 : character === ']' ? -1 : 0;
    if (depth === 0 && /[\s,;]/.test(character)) {
      if (current) specs.push(current);
      current = '';
    } else current += character;
  }
  return current ? [...specs, current] : specs;
}

function isCheckCommandArgument(value: Partial<CheckCommandArgument> | undefined): value is CheckCommandArgument {
  return typeof value?.entry === 'string' && Array.isArray(value.inputs);
}

function isCancellation(e: unknown): boolean {
  return e instanceof vscode.CancellationError || (e as { code?: number } | undefined)?.code === LSPErrorCodes.RequestCancelled;
}

function pythonDocument(): vscode.TextDocument | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor?.document.languageId === 'python') return editor.document;
  void vscode.window.showInformationMessage('Rosetta: open a Python file with a PyTorch model to check its conversion.');
  return undefined;
}

function definitionAtCursor(document: vscode.TextDocument): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor?.document !== document) return undefined;
  const text = document.getText();
  const span = conversionScope(text, editor.selection);
  return span && definitionName(text.split('\n'), span);
}
