// The whole file's conversion off the server's thread: a 2,000-line file takes ~150 ms to convert, and an edit or a
// hover arriving meanwhile would wait for it. A worker thread running the same bundle converts; its answer is data
// (a ConversionResult, or the error it stands for).
import { Worker, parentPort } from 'node:worker_threads';
import { InputError, type ConversionResult } from '../convert';
import { initParser } from '../parser';
import { convertOrError } from './analysis';

export type WholeFileConverter = (text: string) => Promise<ConversionResult | Error>;

/** Converts in this thread (tests, and a server without its bundle file). */
export const convertHere: WholeFileConverter = async (text) => convertOrError(text);

/** The worker's marker in workerData: the bundle's entry point serves conversions instead of running the CLI. */
export const CONVERSION_WORKER = 'rosetta-conversion-worker';

type Answer = { id: number; result: ConversionResult } | { id: number; error: { message: string; input: boolean; line?: number; column?: number } };

/** One worker of `bundle` (dist/cli.js), started on first use; if it fails, conversions fall back to this thread. */
export function workerConverter(bundle: string): WholeFileConverter {
  let worker: Worker | undefined;
  let failed = false;
  let nextId = 0;
  const pending = new Map<number, (answer: Answer) => void>();
  const start = () => {
    const started = new Worker(bundle, { workerData: CONVERSION_WORKER });
    started.unref(); // the server's own exit ends it
    started.on('message', (answer: Answer) => {
      pending.get(answer.id)?.(answer);
      pending.delete(answer.id);
    });
    started.on('error', () => {
      failed = true;
      pending.forEach((settle, id) => settle({ id, error: { message: 'the conversion worker stopped', input: false } }));
      pending.clear();
    });
    return started;
  };
  return async (text) => {
    if (failed) return convertOrError(text);
    worker ??= start();
    const id = nextId++;
    const answer = await new Promise<Answer>((settle) => {
      pending.set(id, settle);
      worker!.postMessage({ id, text });
    });
    if ('result' in answer) return answer.result;
    return answer.error.input ? new InputError(answer.error.message, answer.error.line, answer.error.column) : new Error(answer.error.message);
  };
}

/** The worker's side: converts each text it is sent. */
export async function serveConversions(): Promise<never> {
  await initParser();
  parentPort!.on('message', ({ id, text }: { id: number; text: string }) => {
    const result = convertOrError(text);
    const answer: Answer = result instanceof Error
      ? { id, error: { message: result.message, input: result instanceof InputError, line: (result as InputError).line, column: (result as InputError).column } }
      : { id, result };
    parentPort!.postMessage(answer);
  });
  return new Promise<never>(() => {});
}
