// Name resolution: local, then enclosing function scopes (class bodies are skipped, as in Python), then the module,
// then builtins. `global` and `nonlocal` redirect assignment.
import { pyError, type PyClass, type PyInstance, type Value } from './values';

export type ScopeKind = 'module' | 'function' | 'class';

export class Scope {
  readonly vars = new Map<string, Value>();
  private readonly globalNames = new Set<string>();
  private readonly nonlocalNames = new Set<string>();
  readonly module: Scope;
  /** set in a method's scope: what zero-argument super() means there */
  superContext?: { cls: PyClass; self: Value };
  /** the exception an `except` block in this scope is handling: what a bare `raise` re-raises */
  handledException?: PyInstance;

  constructor(readonly kind: ScopeKind, readonly parent: Scope | undefined, private readonly builtins: Map<string, Value>) {
    this.module = parent?.module ?? this;
  }

  /** The nearest enclosing method's super() context, looking through nested functions and comprehensions. */
  findSuperContext(): { cls: PyClass; self: Value } | undefined {
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) if (scope.superContext) return scope.superContext;
    return undefined;
  }

  findHandledException(): PyInstance | undefined {
    for (let scope: Scope | undefined = this; scope; scope = scope.parent) if (scope.handledException) return scope.handledException;
    return undefined;
  }

  child(kind: ScopeKind): Scope {
    return new Scope(kind, this, this.builtins);
  }

  /** The scope functions defined here close over: class bodies are not visible to their methods. */
  get closureScope(): Scope {
    return this.kind === 'class' ? this.parent!.closureScope : this;
  }

  declareGlobal(name: string): void {
    this.globalNames.add(name);
  }

  declareNonlocal(name: string): void {
    if (!this.enclosingFunctionScopeWith(name)) throw pyError('SyntaxError', `no binding for nonlocal '${name}' found`);
    this.nonlocalNames.add(name);
  }

  lookup(name: string): Value {
    const owner = this.owner(name);
    if (owner) return owner.vars.get(name)!;
    if (this.builtins.has(name)) return this.builtins.get(name)!;
    throw pyError('NameError', `name '${name}' is not defined`);
  }

  assign(name: string, value: Value): void {
    this.targetScope(name).vars.set(name, value);
  }

  delete(name: string): void {
    if (!this.targetScope(name).vars.delete(name)) throw pyError('NameError', `name '${name}' is not defined`);
  }

  private owner(name: string): Scope | undefined {
    if (this.globalNames.has(name)) return this.module.vars.has(name) ? this.module : undefined;
    if (this.vars.has(name)) return this;
    for (let scope = this.parent; scope; scope = scope.parent) {
      if (scope.kind !== 'class' && scope.vars.has(name)) return scope;
    }
    return undefined;
  }

  private targetScope(name: string): Scope {
    if (this.globalNames.has(name)) return this.module;
    if (this.nonlocalNames.has(name)) return this.enclosingFunctionScopeWith(name)!;
    return this;
  }

  private enclosingFunctionScopeWith(name: string): Scope | undefined {
    for (let scope = this.parent; scope && scope.kind !== 'module'; scope = scope.parent) {
      if (scope.kind === 'function' && scope.vars.has(name)) return scope;
    }
    return undefined;
  }
}
