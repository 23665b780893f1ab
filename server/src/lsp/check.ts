// `rosetta/check`: the wire parameters become a check run (input specs validated first), which runs under work-done
// progress and answers RequestCancelled as soon as the request or its progress is cancelled.
import {
  ErrorCodes, LSPErrorCodes, ResponseError,
  type CancellationToken, type Disposable, type WorkDoneProgressReporter,
} from 'vscode-languageserver';
import type { CheckReport } from '../check/report';
import type { ModelRunner } from '../check/onnx/session';
import { parseInputSpec, type InputSpec } from '../check/inputs';
import { targetLabel, targetsFrom, type CheckParams, type SourceFramework, type Target } from '../protocol';

/** What the embedded check takes (server/src/check/check.ts CheckRequest). */
export interface CheckRunRequest {
  source: string;
  /** the framework the source is written in */
  from: SourceFramework;
  /** the framework the source is converted to (or the target is written in) */
  to: Target;
  /** converted from source when absent */
  target?: string;
  entry: string;
  inputs: InputSpec[];
  seed: number;
  tolerance: { rtol: number; atol: number };
  mode?: 'eval' | 'train';
  /** where the graphs run, when not in this process */
  runner?: ModelRunner;
}

export type CheckRunner = (request: CheckRunRequest) => Promise<CheckReport>;

/** A progress the client shows; one the server created carries the token of its Cancel button. */
export type CheckProgress = WorkDoneProgressReporter & { readonly token?: CancellationToken };

// the settings' defaults (package.json rosetta.check.*)
const DEFAULT_TOLERANCE = { rtol: 1e-4, atol: 1e-5 };

/** The check of a document written in `from`: to the target asked for, else that framework's first. */
export function checkRunRequest(params: CheckParams, from: SourceFramework, source: string, target: string | undefined): CheckRunRequest {
  if (!params.entry?.trim()) throw new ResponseError(ErrorCodes.InvalidParams, 'rosetta/check needs an entry: a module constructor call such as Net() or a function name');
  const targets: readonly string[] = targetsFrom(from);
  const to = params.target ?? targetsFrom(from)[0];
  if (!targets.includes(to)) throw new ResponseError(ErrorCodes.InvalidParams, `cannot check a conversion of ${targetLabel(from)} code to ${to} (it converts to ${targets.join(', ')})`);
  return {
    source,
    from,
    to,
    target,
    entry: params.entry.trim(),
    inputs: parseInputs(params.inputs ?? []),
    seed: params.seed ?? 0,
    tolerance: { rtol: params.rtol ?? DEFAULT_TOLERANCE.rtol, atol: params.atol ?? DEFAULT_TOLERANCE.atol },
    mode: params.mode,
  };
}

function parseInputs(specs: string[]): InputSpec[] {
  try {
    return specs.map(parseInputSpec);
  } catch (e) {
    throw new ResponseError(ErrorCodes.InvalidParams, e instanceof Error ? e.message : String(e));
  }
}

/** Runs the check between begin and end of the progress. The check itself cannot be interrupted: a cancellation
 *  answers at once and its result, when it comes, is dropped. */
export async function runUnderProgress(run: () => Promise<CheckReport>, title: string, progress: CheckProgress, cancellation: CancellationToken): Promise<CheckReport> {
  progress.begin(title, undefined, 'running the source and its conversion', true);
  const subscriptions: Disposable[] = [];
  const cancelled = new Promise<never>((_, reject) => {
    const cancel = () => reject(new ResponseError(LSPErrorCodes.RequestCancelled, 'the check was cancelled'));
    for (const token of [cancellation, progress.token]) {
      if (token?.isCancellationRequested) cancel();
      if (token) subscriptions.push(token.onCancellationRequested(cancel));
    }
  });
  try {
    return await Promise.race([run().catch(asFailure), cancelled]);
  } finally {
    subscriptions.forEach((s) => s.dispose());
    progress.done();
  }
}

/** A check that throws is a failed request with its message, never a crashed server. */
function asFailure(e: unknown): never {
  if (e instanceof ResponseError) throw e;
  throw new ResponseError(LSPErrorCodes.RequestFailed, `the check failed: ${e instanceof Error ? e.message : String(e)}`);
}
