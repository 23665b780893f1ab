// The language server's state and handlers. Each handler is a few lines that find the document's analysis and hand
// it to a pure feature function; everything the server sends on its own goes through the Client interface.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind, ErrorCodes, LSPErrorCodes, ResponseError, TextDocumentSyncKind, TextDocuments,
  type CancellationToken, type CodeAction, type CodeActionParams, type CodeLens, type CodeLensParams, type Diagnostic, type Hover, type HoverParams,
  type InitializeParams, type InitializeResult, type PublishDiagnosticsParams,
} from 'vscode-languageserver';
import { InputError } from '../convert';
import { DEFAULT_RESULTS, SHIPPED_SUMMARY } from '../coverage';
import { ALL_TARGETS, convertKind, targetLabel, targetsFrom, type CheckParams, type RunModelParams, type RunModelResult, type CheckReport, type ConvertParams, type ConvertResult } from '../protocol';
import { remoteRunner } from '../check/onnx/wire';
import { AnalysisCache, type Analysis } from './analysis';
import { convertHere, type WholeFileConverter } from './background';
import { checkRunRequest, runUnderProgress, type CheckProgress, type CheckRunner } from './check';
import { convertActions, hazardFixes } from './code-actions';
import { moduleClassLenses } from './code-lens';
import { ConformanceResults } from './conformance';
import { convertRange, StatementConversions } from './conversion';
import { Debouncer } from './debounce';
import { conversionsPending, diagnosticsByStatement, diagnosticsFor } from './diagnostics';
import { editTrackingDocuments } from './documents';
import { hoverAt } from './hover';

export interface Client {
  publishDiagnostics(params: PublishDiagnosticsParams): void;
  log(message: string): void;
  /** the progress of the client's token, else one the server creates (a silent one where the client has none) */
  workDoneProgress(token?: string | number): Promise<CheckProgress>;
  /** runs a model in the client (rosetta/runModel), for checks that asked for the 'webgpu' backend */
  runModel(params: RunModelParams): Promise<RunModelResult>;
}

export interface InitializationOptions {
  /** the conformance results hover reads; by default test-output/conformance.json of the checkout beside dist/, else
   *  the summary the build shipped in dist/conformance.json */
  conformanceResults?: string;
}

// After an edit the statements it touched are converted on their own and the diagnostics published at once when they
// are few (see publishOnceConverted); the whole file's conversion, which is exact where definitions depend on one
// another, waits for a pause in typing and republishes only what differs.
const IMMEDIATE_CONVERSIONS = 8;
const WHOLE_FILE_DELAY_MS = 200;

export class RosettaServer {
  private readonly analyses = new AnalysisCache();
  readonly documents = new TextDocuments(editTrackingDocuments((uri, edits) => this.analyses.edited(uri, edits)));
  private readonly statementConversions = new Map<string, StatementConversions>();
  /** what was last published per document, to republish only a change */
  private readonly published = new Map<string, { version: number; json: string; exact: boolean }>();
  /** documents whose statements are being converted between messages */
  private readonly converting = new Set<string>();
  private readonly pendingDiagnostics = new Debouncer(WHOLE_FILE_DELAY_MS);
  private conformance = new ConformanceResults(path.resolve(__dirname, '..', DEFAULT_RESULTS), path.resolve(__dirname, '..', SHIPPED_SUMMARY));
  private canCreateFiles = false;

  constructor(private readonly client: Client, private readonly runCheck: CheckRunner, private readonly convertWholeFile: WholeFileConverter = convertHere) {
    this.documents.onDidChangeContent(({ document }) => this.diagnose(document.uri));
    this.documents.onDidClose(({ document }) => this.forget(document.uri));
  }

  initialize(params: InitializeParams): InitializeResult {
    const options: InitializationOptions | undefined = params.initializationOptions;
    if (options?.conformanceResults) this.conformance = new ConformanceResults(path.resolve(options.conformanceResults));
    this.canCreateFiles = !!params.capabilities.workspace?.workspaceEdit?.resourceOperations?.includes('create');
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, ...ALL_TARGETS.map(convertKind)] },
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'rosetta' },
    };
  }

  hover({ textDocument, position }: HoverParams): Hover | null {
    const analysis = this.analysisOf(textDocument.uri);
    return analysis ? hoverAt(analysis, position, this.conformance, this.statementConversionsOf(textDocument.uri)) : null;
  }

  codeActions({ textDocument, range, context }: CodeActionParams): CodeAction[] {
    const analysis = this.analysisOf(textDocument.uri);
    if (!analysis) return [];
    const fixes = hazardFixes(analysis, textDocument.uri, range, context.only);
    return [...fixes, ...convertActions(analysis, textDocument.uri, range, { canCreateFiles: this.canCreateFiles, only: context.only })];
  }

  convert({ textDocument, range, target }: ConvertParams): ConvertResult {
    const analysis = this.analysisOf(textDocument.uri);
    if (!analysis) throw new ResponseError(ErrorCodes.InvalidParams, `${textDocument.uri} is not open`);
    const targets = targetsFrom(analysis.framework);
    if (!targets.includes(target)) {
      throw new ResponseError(ErrorCodes.InvalidParams, `cannot convert to ${target} (supported: ${targets.join(', ')}, for a ${targetLabel(analysis.framework)} document)`);
    }
    try {
      const { code, diagnostics, mappings } = convertRange(analysis, range, target);
      return { code, diagnostics, mapping: mappings };
    } catch (e) {
      if (e instanceof InputError) throw new ResponseError(LSPErrorCodes.RequestFailed, e.message);
      throw e;
    }
  }

  codeLenses({ textDocument }: CodeLensParams): CodeLens[] {
    const analysis = this.analysisOf(textDocument.uri);
    return analysis ? moduleClassLenses(analysis, textDocument.uri) : [];
  }

  async check(params: CheckParams, cancellation: CancellationToken): Promise<CheckReport> {
    const framework = this.analysisOf(params.textDocument.uri)?.framework ?? 'torch';
    const request = checkRunRequest(params, framework, this.openText(params.textDocument.uri), params.targetUri && this.targetText(params.targetUri));
    // the client runs the graphs (rosetta/runModel): the models and tensors go over the wire as base64
    if (params.backend === 'webgpu') request.runner = remoteRunner((run) => this.client.runModel(run));
    const progress = await this.client.workDoneProgress(params.workDoneToken);
    return runUnderProgress(() => this.runCheck(request), `Rosetta: checking ${request.entry}`, progress, cancellation);
  }

  private openText(uri: string): string {
    const document = this.documents.get(uri);
    if (!document) throw new ResponseError(ErrorCodes.InvalidParams, `${uri} is not open`);
    return document.getText();
  }

  /** The converted code to check against: an open document, else the file on disk. */
  private targetText(uri: string): string {
    const open = this.documents.get(uri);
    if (open) return open.getText();
    try {
      return fs.readFileSync(fileURLToPath(uri), 'utf8');
    } catch (e) {
      throw new ResponseError(ErrorCodes.InvalidParams, `cannot read the target ${uri}: ${e instanceof Error ? e.message : e}`);
    }
  }

  private analysisOf(uri: string): Analysis | undefined {
    const document = this.documents.get(uri);
    return document && this.analyses.get(document);
  }

  private diagnose(uri: string) {
    this.publishOnceConverted(uri);
    this.pendingDiagnostics.schedule(uri, () => void this.publishWholeFile(uri));
  }

  /** The whole file's diagnostics, converted off this thread; an edit made meanwhile schedules its own. */
  private async publishWholeFile(uri: string) {
    const document = this.documents.get(uri);
    if (!document) return;
    const analysis = this.analyses.get(document);
    if (!analysis.converted) analysis.provide(await this.convertWholeFile(analysis.text));
    if (this.documents.get(uri)?.version === document.version) this.publishDiagnostics(uri, diagnosticsFor, true);
  }

  /** Publishes the diagnostics found statement by statement once at most a few statements are left to convert: at
   *  once after most edits; after an edit to the imports, once the rest is converted a few statements at a time
   *  between messages (so that typing never queues behind it), for the version current then. */
  private publishOnceConverted(uri: string) {
    if (this.converting.has(uri)) return;
    const step = () => {
      const analysis = this.analysisOf(uri);
      this.converting.delete(uri);
      if (!analysis) return;
      const statements = this.statementConversionsOf(uri);
      if (conversionsPending(analysis, statements) <= IMMEDIATE_CONVERSIONS) return this.publishDiagnostics(uri, (a) => diagnosticsByStatement(a, statements));
      try {
        statements.convertAhead(analysis, IMMEDIATE_CONVERSIONS);
      } catch {
        return; // a statement that fails to convert leaves the diagnostics to the whole file's conversion
      }
      this.converting.add(uri);
      setImmediate(step);
    };
    step();
  }

  private statementConversionsOf(uri: string): StatementConversions {
    const existing = this.statementConversions.get(uri);
    if (existing) return existing;
    const created = new StatementConversions();
    this.statementConversions.set(uri, created);
    return created;
  }

  /** Publishes a new version's diagnostics, or a change to the current one's that does not take back the whole file's
   *  exact ones. Also runs from timers, where an exception would end the process: failures are logged instead. */
  private publishDiagnostics(uri: string, find: (analysis: Analysis) => Diagnostic[], exact = false) {
    const document = this.documents.get(uri);
    if (!document) return;
    try {
      const last = this.published.get(uri);
      if (last?.version === document.version && last.exact && !exact) return;
      const diagnostics = find(this.analyses.get(document));
      const json = JSON.stringify(diagnostics);
      if (last?.version === document.version && last.json === json) return;
      this.published.set(uri, { version: document.version, json, exact });
      this.client.publishDiagnostics({ uri, version: document.version, diagnostics });
    } catch (e) {
      this.client.log(`rosetta: diagnostics for ${uri} failed: ${e instanceof Error ? e.stack : e}`);
    }
  }

  private forget(uri: string) {
    this.pendingDiagnostics.cancel(uri);
    this.analyses.drop(uri);
    this.statementConversions.delete(uri);
    this.published.delete(uri);
    this.converting.delete(uri);
    this.client.publishDiagnostics({ uri, diagnostics: [] });
  }
}
