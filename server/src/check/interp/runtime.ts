// State shared by one run: the host, builtins, imported modules, the step budget, the recording hook and output.
import { StepBudgetExceeded, type InterpreterApi, type Value } from './values';

/** Resolves imports the interpreter does not provide itself (torch, jax, numpy, ...). */
export interface Host {
  /** The module for a dotted name (`torch`, `torch.nn.functional`), or undefined when the host has none. */
  importModule(dottedName: string): Value | undefined;
}

/** Called after each assignment (name: the target as written), return ('return'), expression statement (''),
 *  lambda call ('<lambda>'), call of a host function or a callable object written in the code ('<name>') and any
 *  call of a callable object ('<ClassName>' again, at the line that created the object) with the line (1-based) and
 *  the value. */
export type RecordHook = (line: number, name: string, value: Value) => void;

export const maxCallDepth = 200;

export class Runtime {
  steps = 0;
  /** the line of the statement, or of the call inside it, running now */
  line = 0;
  depth = 0;
  readonly output: string[] = [];
  readonly modules = new Map<string, Value>();
  builtins = new Map<string, Value>();
  api!: InterpreterApi;

  constructor(readonly host: Host | undefined, readonly stepBudget: number, readonly onRecord: RecordHook | undefined) {}

  /** Counts one step of work (a statement or a loop iteration), stopping runaway code. */
  tick(line: number): void {
    if (++this.steps > this.stepBudget) throw new StepBudgetExceeded(this.stepBudget, line);
  }
}
