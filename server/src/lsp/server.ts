// The language server's state and handlers. Each handler is a few lines that find the document's analysis and hand
// it to a pure feature function; everything the server sends on its own goes through the Client interface.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ErrorCodes, LSPErrorCodes, ResponseError, TextDocumentSyncKind, TextDocuments,
  type CancellationToken, type CodeAction, type CodeActionParams, type CodeLens, type CodeLensParams, type Hover, type HoverParams,
  type InitializeParams, type InitializeResult, type PublishDiagnosticsParams,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { InputError } from '../convert';
import { DEFAULT_RESULTS } from '../coverage';
import { ConvertToJaxKind, type CheckParams, type CheckReport, type ConvertParams, type ConvertResult } from '../protocol';
import { AnalysisCache, type Analysis } from './analysis';
import { checkRunRequest, runUnderProgress, type CheckProgress, type CheckRunner } from './check';
import { convertActions } from './code-actions';
import { moduleClassLenses } from './code-lens';
import { ConformanceResults } from './conformance';
import { convertRange } from './conversion';
import { Debouncer } from './debounce';
import { diagnosticsFor } from './diagnostics';
import { hoverAt } from './hover';

export interface Client {
  publishDiagnostics(params: PublishDiagnosticsParams): void;
  log(message: string): void;
  /** the progress of the client's token, else one the server creates (a silent one where the client has none) */
  workDoneProgress(token?: string | number): Promise<CheckProgress>;
}

export interface InitializationOptions {
  /** the conformance results hover reads; by default test-output/conformance.json of the checkout beside dist/ */
  conformanceResults?: string;
}

const DIAGNOSTICS_DELAY_MS = 200;

export class RosettaServer {
  readonly documents = new TextDocuments(TextDocument);
  private readonly analyses = new AnalysisCache();
  private readonly pendingDiagnostics = new Debouncer(DIAGNOSTICS_DELAY_MS);
  private conformance = new ConformanceResults(path.resolve(__dirname, '..', DEFAULT_RESULTS));
  private canCreateFiles = false;

  constructor(private readonly client: Client, private readonly runCheck: CheckRunner) {
    this.documents.onDidChangeContent(({ document }) => this.pendingDiagnostics.schedule(document.uri, () => this.publishDiagnostics(document.uri)));
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
        codeActionProvider: { codeActionKinds: [ConvertToJaxKind] },
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'rosetta' },
    };
  }

  hover({ textDocument, position }: HoverParams): Hover | null {
    const analysis = this.analysisOf(textDocument.uri);
    return analysis ? hoverAt(analysis, position, this.conformance) : null;
  }

  codeActions({ textDocument, range, context }: CodeActionParams): CodeAction[] {
    const analysis = this.analysisOf(textDocument.uri);
    return analysis ? convertActions(analysis, textDocument.uri, range, { canCreateFiles: this.canCreateFiles, only: context.only }) : [];
  }

  convert({ textDocument, range, target }: ConvertParams): ConvertResult {
    if (target !== 'jax') throw new ResponseError(ErrorCodes.InvalidParams, `conversion to ${target} is not available yet (supported: jax)`);
    const analysis = this.analysisOf(textDocument.uri);
    if (!analysis) throw new ResponseError(ErrorCodes.InvalidParams, `${textDocument.uri} is not open`);
    try {
      const { code, diagnostics, mappings } = convertRange(analysis, range);
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
    if ((params.target ?? 'jax') !== 'jax') throw new ResponseError(ErrorCodes.InvalidParams, `checking a conversion to ${params.target} is not available yet (supported: jax)`);
    const request = checkRunRequest(params, this.openText(params.textDocument.uri), params.targetUri && this.targetText(params.targetUri));
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

  /** Runs from a timer, where an exception would end the process: failures are logged instead. */
  private publishDiagnostics(uri: string) {
    const document = this.documents.get(uri);
    if (!document) return;
    try {
      this.client.publishDiagnostics({ uri, version: document.version, diagnostics: diagnosticsFor(this.analyses.get(document)) });
    } catch (e) {
      this.client.log(`rosetta: diagnostics for ${uri} failed: ${e instanceof Error ? e.stack : e}`);
    }
  }

  private forget(uri: string) {
    this.pendingDiagnostics.cancel(uri);
    this.analyses.drop(uri);
    this.client.publishDiagnostics({ uri, diagnostics: [] });
  }
}
