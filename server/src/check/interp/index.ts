// An interpreter for the Python that model code uses, walking tree-sitter's syntax tree. Imports other than the few
// modules it provides (math, dataclasses, typing, abc, functools, collections, copy) go to a Host, whose values (HostObject) carry their own
// attribute, call, item and operator hooks: the layer above makes torch/jax calls produce traced tensors that way.
import { firstSyntaxError, parsePython } from '../../parser';
import { createBuiltins, createModules, display } from './builtins';
import { executeBlock } from './executor';
import { callValue, getAttribute } from './objects';
import { Runtime, type Host, type RecordHook } from './runtime';
import { Scope } from './scope';
import { pyError, type InterpreterApi, type Kwargs, type Value } from './values';

export type { Host, RecordHook } from './runtime';
export * from './values';

export interface RunOptions {
  host?: Host;
  /** called after each assignment, return and expression statement: see RecordHook */
  onRecord?: RecordHook;
  /** statements and loop iterations allowed before StepBudgetExceeded (default 1,000,000) */
  stepBudget?: number;
  /** the module's __name__; a model file imported for checking would pass its module name so that its
   *  `if __name__ == '__main__':` block does not run (default '__main__') */
  moduleName?: string;
}

export class Interpreter {
  private readonly rt: Runtime;
  /** the module namespace, shared by every run() of this interpreter */
  readonly globals: Scope;

  constructor(options: RunOptions = {}) {
    this.rt = new Runtime(options.host, options.stepBudget ?? 1_000_000, options.onRecord);
    this.rt.api = { call: (fn, args, kwargs) => this.call(fn, args, kwargs), getattr: (target, name) => this.getattr(target, name), repr: (value) => this.repr(value) };
    this.rt.builtins = createBuiltins(this.rt);
    for (const [name, module] of createModules(this.rt)) this.rt.modules.set(name, module);
    this.globals = new Scope('module', undefined, this.rt.builtins);
    this.globals.assign('__name__', options.moduleName ?? '__main__');
  }

  /** Runs a module's source (initParser() must have resolved). Throws PyError, Unsupported or StepBudgetExceeded. */
  run(source: string): void {
    const tree = parsePython(source);
    const error = firstSyntaxError(tree);
    if (error) throw Object.assign(pyError('SyntaxError', `invalid syntax near '${error.text}'`), { line: error.line });
    this.rt.steps = 0;
    executeBlock(this.rt, tree.rootNode, this.globals);
  }

  /** What host hooks receive: calls back into the interpreter. */
  get api(): InterpreterApi {
    return this.rt.api;
  }

  /** A module-level name's value, or undefined. */
  get(name: string): Value | undefined {
    return this.globals.vars.get(name);
  }

  call(fn: Value, args: Value[], kwargs: Kwargs = new Map()): Value {
    return callValue(this.rt, fn, args, kwargs);
  }

  getattr(target: Value, name: string): Value {
    return getAttribute(this.rt, target, name);
  }

  repr(value: Value): string {
    return display(this.rt, value, 'repr');
  }

  str(value: Value): string {
    return display(this.rt, value, 'str');
  }

  /** What print() wrote so far. */
  get output(): string {
    return this.rt.output.join('');
  }
}

/** Runs source in a fresh interpreter and returns it, for its globals and output. */
export function runPython(source: string, options: RunOptions = {}): Interpreter {
  const interpreter = new Interpreter(options);
  interpreter.run(source);
  return interpreter;
}
