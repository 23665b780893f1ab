// Statements: assignment, control flow, definitions (functions, classes, decorators), imports, exceptions and
// `with`; and calling interpreted functions. Every statement counts against the step budget.
import type { Node } from '../../parser';
import { display } from './builtins';
import { assignTarget, evaluate, evaluateSubscriptKey, field, makeFunction, namedChildren } from './evaluator';
import { callValue, deleteItem, getAttribute, getItem, isPyErrorOf, iterate, setAttribute, setItem } from './objects';
import { binaryOp, truthy } from './operators';
import type { Runtime } from './runtime';
import type { Scope } from './scope';
import {
  BuiltinFunction, Decorated, HostObject, PyClass, PyDict, PyError, PyFunction, PyGenerator, PyInstance, PyList, PyTuple, Unsupported,
  builtinsModuleMembers, isException, makeException, objectClass, pyError, typeName, type BuiltinBase, type Kwargs, type Value,
} from './values';

type Completion = undefined | { kind: 'return'; value: Value } | { kind: 'break' } | { kind: 'continue' };

type StatementHandler = (rt: Runtime, node: Node, scope: Scope) => Completion;

export function executeBlock(rt: Runtime, block: Node, scope: Scope): Completion {
  for (const statement of namedChildren(block)) {
    const completion = executeStatement(rt, statement, scope);
    if (completion) return completion;
  }
  return undefined;
}

function executeStatement(rt: Runtime, node: Node, scope: Scope): Completion {
  const line = node.startPosition.row + 1;
  const handler = statementHandlers[node.type];
  if (!handler) throw new Unsupported(node.type === 'ERROR' ? `syntax error near '${node.text.slice(0, 20)}'` : node.type, line);
  rt.tick(line);
  const outer = rt.line;
  rt.line = line;
  try {
    return handler(rt, node, scope);
  } catch (error) {
    // Python errors and host errors that carry a line (a call the check cannot lower) learn the innermost statement's
    if ((error instanceof PyError || hasLineSlot(error)) && error.line === undefined) error.line = line;
    throw error;
  } finally {
    rt.line = outer;
  }
}

function hasLineSlot(error: unknown): error is { line: number | undefined } {
  return error instanceof Error && 'line' in error;
}

const statementHandlers: Record<string, StatementHandler> = {
  expression_statement: executeExpressionStatement,
  return_statement: (rt, node, scope) => {
    const returned = namedChildren(node)[0];
    const value = returned ? evaluate(rt, returned, scope) : null;
    rt.onRecord?.(node.startPosition.row + 1, 'return', value);
    return { kind: 'return', value };
  },
  pass_statement: () => undefined,
  break_statement: () => ({ kind: 'break' }),
  continue_statement: () => ({ kind: 'continue' }),
  if_statement: executeIf,
  for_statement: executeFor,
  while_statement: executeWhile,
  function_definition: (rt, node, scope) => void scope.assign(field(node, 'name').text, defineFunction(rt, node, scope)),
  class_definition: (rt, node, scope) => void scope.assign(field(node, 'name').text, defineClass(rt, node, scope)),
  decorated_definition: executeDecorated,
  import_statement: executeImport,
  import_from_statement: executeImportFrom,
  future_import_statement: () => undefined,
  raise_statement: executeRaise,
  assert_statement: (rt, node, scope) => {
    const [condition, message] = namedChildren(node);
    if (truthy(rt, evaluate(rt, condition, scope))) return undefined;
    const exception = makeException('AssertionError', '');
    exception.attrs.set('args', new PyTuple(message ? [evaluate(rt, message, scope)] : []));
    throw new PyError(exception);
  },
  try_statement: executeTry,
  with_statement: (rt, node, scope) => {
    const clause = namedChildren(node).find((c) => c.type === 'with_clause')!;
    const items = namedChildren(clause).filter((c) => c.type === 'with_item');
    return executeWith(rt, items, field(node, 'body'), scope);
  },
  global_statement: (_, node, scope) => {
    for (const name of namedChildren(node)) scope.declareGlobal(name.text);
    return undefined;
  },
  nonlocal_statement: (_, node, scope) => {
    for (const name of namedChildren(node)) scope.declareNonlocal(name.text);
    return undefined;
  },
  delete_statement: (rt, node, scope) => {
    const target = namedChildren(node)[0];
    const targets = target.type === 'expression_list' ? namedChildren(target) : [target];
    targets.forEach((t) => deleteTarget(rt, t, scope));
    return undefined;
  },
};

function executeExpressionStatement(rt: Runtime, node: Node, scope: Scope): Completion {
  const expression = namedChildren(node)[0];
  if (expression.type === 'assignment') executeAssignment(rt, expression, scope);
  else if (expression.type === 'augmented_assignment') executeAugmentedAssignment(rt, expression, scope);
  else {
    const value = evaluate(rt, expression, scope);
    if (value !== null) rt.onRecord?.(node.startPosition.row + 1, '', value);
  }
  return undefined;
}

/** `a = b = value` assigns left to right; `x: T = v` also notes the annotation in a class body (for dataclasses). */
function executeAssignment(rt: Runtime, node: Node, scope: Scope): void {
  const targets: Node[] = [];
  let current: Node = node;
  while (current.type === 'assignment') {
    targets.push(field(current, 'left'));
    if (current.childForFieldName('type') && scope.kind === 'class') annotate(scope, field(current, 'left').text, field(current, 'type').text);
    const right = current.childForFieldName('right');
    if (!right) return; // a bare annotation declares without binding
    current = right;
  }
  const value = evaluate(rt, current, scope);
  for (const target of targets) {
    assignTarget(rt, target, value, scope);
    rt.onRecord?.(target.startPosition.row + 1, target.text, value);
  }
}

function annotate(scope: Scope, name: string, annotation: string): void {
  if (!scope.vars.has('__annotations__')) scope.vars.set('__annotations__', new PyDict());
  (scope.vars.get('__annotations__') as PyDict).set(name, annotation);
}

/** `t op= v` evaluates t's container once; lists (and list subclasses) extend in place, as list.__iadd__ does, and a host value may update
 *  itself (its binary hook gets `op=`; undefined falls back to `op`). An item target (`x[k] += v`) is get, op, set. */
function executeAugmentedAssignment(rt: Runtime, node: Node, scope: Scope): void {
  const target = field(node, 'left');
  const op = field(node, 'operator').text.slice(0, -1);
  const right = evaluate(rt, field(node, 'right'), scope);
  const place = resolvePlace(rt, target, scope);
  const current = place.get();
  let value: Value;
  const inPlace = current instanceof HostObject && target.type !== 'subscript' ? current.hooks.binary?.(`${op}=`, right, false, rt.api) : undefined;
  const list = current instanceof PyList ? current : current instanceof PyInstance && !current.cls.lookup('__iadd__') ? current.builtinValue : undefined;
  if (list instanceof PyList && op === '+') {
    list.items.push(...iterate(rt, right));
    value = current;
  } else value = inPlace ?? binaryOp(rt, op, current, right);
  place.set(value);
  rt.onRecord?.(node.startPosition.row + 1, target.text, value);
}

function resolvePlace(rt: Runtime, target: Node, scope: Scope): { get(): Value; set(value: Value): void } {
  if (target.type === 'identifier') return { get: () => scope.lookup(target.text), set: (v) => scope.assign(target.text, v) };
  if (target.type === 'attribute') {
    const object = evaluate(rt, field(target, 'object'), scope);
    const name = field(target, 'attribute').text;
    return { get: () => getAttribute(rt, object, name), set: (v) => setAttribute(rt, object, name, v) };
  }
  if (target.type === 'subscript') {
    const container = evaluate(rt, field(target, 'value'), scope);
    const key = evaluateSubscriptKey(rt, target, scope);
    return { get: () => getItem(rt, container, key), set: (v) => setItem(rt, container, key, v) };
  }
  throw new Unsupported(`augmented assignment to ${target.type}`, target.startPosition.row + 1);
}

function deleteTarget(rt: Runtime, target: Node, scope: Scope): void {
  if (target.type === 'identifier') return scope.delete(target.text);
  if (target.type === 'subscript') return deleteItem(rt, evaluate(rt, field(target, 'value'), scope), evaluateSubscriptKey(rt, target, scope));
  if (target.type === 'attribute') {
    const object = evaluate(rt, field(target, 'object'), scope);
    if (object instanceof PyInstance && object.attrs.delete(field(target, 'attribute').text)) return;
    throw pyError('AttributeError', `cannot delete attribute '${field(target, 'attribute').text}'`);
  }
  throw new Unsupported(`del of ${target.type}`, target.startPosition.row + 1);
}

function executeIf(rt: Runtime, node: Node, scope: Scope): Completion {
  if (truthy(rt, evaluate(rt, field(node, 'condition'), scope))) return executeBlock(rt, field(node, 'consequence'), scope);
  for (const clause of node.childrenForFieldName('alternative').filter((c): c is Node => c !== null)) {
    if (clause.type === 'else_clause') return executeBlock(rt, field(clause, 'body'), scope);
    if (truthy(rt, evaluate(rt, field(clause, 'condition'), scope))) return executeBlock(rt, field(clause, 'consequence'), scope);
  }
  return undefined;
}

/** Runs a loop body once: a return ends the loop with it; `broken` says whether the loop must stop. */
function loopBody(rt: Runtime, node: Node, scope: Scope): { broken: boolean; completion: Completion } {
  const completion = executeBlock(rt, field(node, 'body'), scope);
  if (completion?.kind === 'return') return { broken: true, completion };
  return { broken: completion?.kind === 'break', completion: undefined };
}

function executeFor(rt: Runtime, node: Node, scope: Scope): Completion {
  const line = node.startPosition.row + 1;
  for (const item of iterate(rt, evaluate(rt, field(node, 'right'), scope))) {
    rt.tick(line);
    assignTarget(rt, field(node, 'left'), item, scope);
    const { broken, completion } = loopBody(rt, node, scope);
    if (broken) return completion;
  }
  return loopElse(rt, node, scope);
}

function executeWhile(rt: Runtime, node: Node, scope: Scope): Completion {
  const line = node.startPosition.row + 1;
  while (truthy(rt, evaluate(rt, field(node, 'condition'), scope))) {
    rt.tick(line);
    const { broken, completion } = loopBody(rt, node, scope);
    if (broken) return completion;
  }
  return loopElse(rt, node, scope);
}

/** A loop's else runs when the loop ended without break. */
function loopElse(rt: Runtime, node: Node, scope: Scope): Completion {
  const alternative = node.childForFieldName('alternative');
  return alternative ? executeBlock(rt, field(alternative, 'body'), scope) : undefined;
}

function defineFunction(rt: Runtime, node: Node, scope: Scope): PyFunction {
  const body = field(node, 'body');
  if (node.children.some((c) => c?.type === 'async')) throw new Unsupported('async def', node.startPosition.row + 1);
  const fn = makeFunction(rt, field(node, 'name').text, node.childForFieldName('parameters'), body, scope, false);
  fn.isGenerator = containsYield(body);
  return fn;
}

function containsYield(node: Node): boolean {
  if (node.type === 'yield') return true;
  const nested = node.type === 'function_definition' || node.type === 'lambda' || node.type === 'class_definition';
  return !nested && node.namedChildren.some((child) => containsYield(child!));
}

/** Decorators apply bottom-up to the defined function or class. */
function executeDecorated(rt: Runtime, node: Node, scope: Scope): Completion {
  const definition = field(node, 'definition');
  const decorators = namedChildren(node).filter((c) => c.type === 'decorator').map((d) => evaluate(rt, namedChildren(d)[0], scope));
  let value: Value = definition.type === 'class_definition' ? defineClass(rt, definition, scope) : defineFunction(rt, definition, scope);
  for (const decorator of decorators.reverse()) value = callValue(rt, decorator, [value]);
  scope.assign(field(definition, 'name').text, value);
  return undefined;
}

function defineClass(rt: Runtime, node: Node, scope: Scope): PyClass {
  const name = field(node, 'name').text;
  const bases: PyClass[] = [];
  let hostBase: HostObject | undefined;
  let builtinBase: BuiltinBase | undefined;
  const superclasses = node.childForFieldName('superclasses');
  for (const argument of superclasses ? namedChildren(superclasses) : []) {
    if (argument.type === 'keyword_argument') continue; // metaclass=... has no effect here
    const base = evaluate(rt, argument, scope);
    if (base instanceof PyClass) bases.push(base);
    else if (base instanceof HostObject && base.hooks.subclass) hostBase ??= base;
    else if (base instanceof BuiltinFunction && builtinsModuleMembers.has(base)) builtinBase = subclassableBuiltin(base, builtinBase, argument);
    else throw pyError('TypeError', `cannot subclass '${typeName(base)}' value ${display(rt, base, 'repr')}`);
  }
  const inherited = new Set(bases.map((b) => b.builtinBase).filter((b) => b !== undefined));
  if (builtinBase) inherited.add(builtinBase);
  if (inherited.size > 1) throw pyError('TypeError', 'multiple bases have instance lay-out conflict');
  if (!bases.length && !hostBase) bases.push(objectClass);
  const body = scope.child('class');
  // as in Python, a class body starts with __module__: the defining module's __name__
  body.vars.set('__module__', scope.module.vars.get('__name__') ?? null);
  executeBlock(rt, field(node, 'body'), body);
  // as in Python, defining __eq__ without __hash__ makes instances unhashable
  if (body.vars.has('__eq__') && !body.vars.has('__hash__')) body.vars.set('__hash__', null);
  const cls = new PyClass(name, bases, new Map(body.vars), hostBase, builtinBase);
  for (const member of cls.attrs.values()) {
    const fn = member instanceof Decorated ? member.fn : member;
    if (fn instanceof PyFunction) fn.definingClass = cls;
    if (member instanceof Decorated && member.setter instanceof PyFunction) member.setter.definingClass = cls;
  }
  return cls;
}

/** list and dict can be derived from (their instances hold the list or dict they are); other builtins need __new__. */
function subclassableBuiltin(base: BuiltinFunction, previous: BuiltinBase | undefined, node: Node): BuiltinBase {
  if (base.name !== 'list' && base.name !== 'dict') throw new Unsupported(`subclass of builtin '${base.name}'`, node.startPosition.row + 1);
  if (previous && previous !== base.name) throw pyError('TypeError', 'multiple bases have instance lay-out conflict');
  return base.name;
}

/** `import a.b` binds `a`; `import a.b as c` binds the submodule. */
function executeImport(rt: Runtime, node: Node, scope: Scope): Completion {
  for (const item of namedChildren(node)) {
    if (item.type === 'aliased_import') scope.assign(field(item, 'alias').text, importModule(rt, field(item, 'name').text));
    else {
      importModule(rt, item.text);
      scope.assign(item.text.split('.')[0], importModule(rt, item.text.split('.')[0]));
    }
  }
  return undefined;
}

function executeImportFrom(rt: Runtime, node: Node, scope: Scope): Completion {
  const moduleNode = field(node, 'module_name');
  if (moduleNode.type === 'relative_import') throw new Unsupported('relative import', node.startPosition.row + 1);
  const moduleName = moduleNode.text;
  const module = importModule(rt, moduleName);
  if (namedChildren(node).some((c) => c.type === 'wildcard_import')) throw new Unsupported('import *', node.startPosition.row + 1);
  for (const item of node.childrenForFieldName('name').filter((c): c is Node => c !== null)) {
    const [name, alias] = item.type === 'aliased_import' ? [field(item, 'name').text, field(item, 'alias').text] : [item.text, item.text];
    scope.assign(alias, importMember(rt, module, moduleName, name));
  }
  return undefined;
}

/** `from m import x`: an attribute of m, else the submodule m.x. */
function importMember(rt: Runtime, module: Value, moduleName: string, name: string): Value {
  try {
    return getAttribute(rt, module, name);
  } catch (error) {
    if (!isPyErrorOf(error, 'AttributeError')) throw error;
    return importModule(rt, `${moduleName}.${name}`);
  }
}

function importModule(rt: Runtime, dottedName: string): Value {
  const found = rt.modules.get(dottedName) ?? rt.host?.importModule(dottedName);
  if (found === undefined) throw pyError('ModuleNotFoundError', `No module named '${dottedName}'`);
  rt.modules.set(dottedName, found);
  return found;
}

function executeRaise(rt: Runtime, node: Node, scope: Scope): Completion {
  const raised = namedChildren(node)[0];
  if (!raised) {
    const active = scope.findHandledException();
    if (!active) throw pyError('RuntimeError', 'No active exception to reraise');
    throw new PyError(active);
  }
  let exception = evaluate(rt, raised, scope);
  if (exception instanceof PyClass) exception = callValue(rt, exception, []);
  if (!isException(exception)) throw pyError('TypeError', 'exceptions must derive from BaseException');
  throw new PyError(exception);
}

function executeTry(rt: Runtime, node: Node, scope: Scope): Completion {
  const clauses = namedChildren(node);
  const finallyClause = clauses.find((c) => c.type === 'finally_clause');
  let completion: Completion;
  try {
    completion = executeTryBody(rt, node, clauses, scope);
  } finally {
    if (finallyClause) {
      const finalCompletion = executeBlock(rt, blockOf(finallyClause), scope);
      // a return or break in finally replaces whatever was under way, exception included, as in Python
      if (finalCompletion) return finalCompletion;
    }
  }
  return completion;
}

function executeTryBody(rt: Runtime, node: Node, clauses: Node[], scope: Scope): Completion {
  if (clauses.some((c) => c.type === 'except_group_clause')) throw new Unsupported('except*', node.startPosition.row + 1);
  let completion: Completion;
  try {
    completion = executeBlock(rt, field(node, 'body'), scope);
  } catch (error) {
    if (!(error instanceof PyError)) throw error;
    const handler = clauses.find((c) => c.type === 'except_clause' && handles(rt, c, error.exception, scope));
    if (!handler) throw error;
    return executeHandler(rt, handler, error.exception, scope);
  }
  const elseClause = clauses.find((c) => c.type === 'else_clause');
  return completion ?? (elseClause ? executeBlock(rt, field(elseClause, 'body'), scope) : undefined);
}

function blockOf(clause: Node): Node {
  return namedChildren(clause).find((c) => c.type === 'block')!;
}

function handles(rt: Runtime, clause: Node, exception: PyInstance, scope: Scope): boolean {
  const matcher = namedChildren(clause).find((c) => c.type !== 'block');
  if (!matcher) return true;
  const typeNode = matcher.type === 'as_pattern' ? namedChildren(matcher)[0] : matcher;
  const types = evaluate(rt, typeNode, scope);
  const list = types instanceof PyTuple ? types.items : [types];
  return list.some((t) => t instanceof PyClass && exception.cls.isSubclassOf(t));
}

function executeHandler(rt: Runtime, clause: Node, exception: PyInstance, scope: Scope): Completion {
  const previous = enterHandler(clause, exception, scope);
  try {
    return executeBlock(rt, blockOf(clause), scope);
  } finally {
    scope.handledException = previous;
  }
}

/** Binds `except ... as name` and makes the exception what a bare `raise` re-raises; returns the one it replaces. */
function enterHandler(clause: Node, exception: PyInstance, scope: Scope): PyInstance | undefined {
  const matcher = namedChildren(clause).find((c) => c.type === 'as_pattern');
  const alias = matcher && namedChildren(matcher).find((c) => c.type === 'as_pattern_target');
  if (alias) scope.assign(alias.text, exception);
  const previous = scope.handledException;
  scope.handledException = exception;
  return previous;
}

/** `with a as x, b:` nests: each item's __exit__ sees an exception from inside and may suppress it. */
function executeWith(rt: Runtime, items: Node[], body: Node, scope: Scope): Completion {
  if (!items.length) return executeBlock(rt, body, scope);
  const [item, ...rest] = items;
  const valueNode = namedChildren(item)[0];
  const [contextNode, alias] = valueNode.type === 'as_pattern'
    ? [namedChildren(valueNode)[0], namedChildren(namedChildren(valueNode).find((c) => c.type === 'as_pattern_target')!)[0]]
    : [valueNode, undefined];
  const manager = evaluate(rt, contextNode, scope);
  const entered = callValue(rt, getAttribute(rt, manager, '__enter__'), []);
  if (alias) assignTarget(rt, alias, entered, scope);
  const exit = getAttribute(rt, manager, '__exit__');
  let completion: Completion;
  try {
    completion = executeWith(rt, rest, body, scope);
  } catch (error) {
    if (!(error instanceof PyError)) throw error;
    const suppress = callValue(rt, exit, [error.exception.cls, error.exception, null]);
    if (truthy(rt, suppress)) return undefined;
    throw error;
  }
  callValue(rt, exit, [null, null, null]);
  return completion;
}

/** Calls an interpreted function: binds arguments in a fresh scope over its closure, then runs its body. */
export function callFunction(rt: Runtime, fn: PyFunction, args: Value[], kwargs: Kwargs): Value {
  const scope = fn.closure.child('function');
  bindArguments(fn, args, kwargs, scope);
  if (fn.definingClass && args.length) scope.superContext = { cls: fn.definingClass, self: args[0] };
  if (fn.isGenerator) return makeGenerator(rt, fn, scope);
  if (fn.isLambda) {
    // a lambda's result is a value of the line that wrote it, like an assignment's (nnx.Sequential holds activations so)
    const value = evaluate(rt, fn.body, scope);
    rt.onRecord?.(fn.body.startPosition.row + 1, '<lambda>', value);
    return value;
  }
  const completion = executeBlock(rt, fn.body, scope);
  return completion?.kind === 'return' ? completion.value : null;
}

function bindArguments(fn: PyFunction, args: Value[], kwargs: Kwargs, scope: Scope): void {
  const positional = fn.parameters.filter((p) => p.kind === 'positional');
  const varArgs = fn.parameters.find((p) => p.kind === 'varArgs');
  const varKwargs = fn.parameters.find((p) => p.kind === 'varKwargs');
  if (args.length > positional.length && !varArgs) {
    throw pyError('TypeError', `${fn.name}() takes ${positional.length} positional arguments but ${args.length} were given`);
  }
  positional.slice(0, args.length).forEach((p, i) => scope.vars.set(p.name, args[i]));
  if (varArgs) scope.vars.set(varArgs.name, new PyTuple(args.slice(positional.length)));
  const extra = new PyDict();
  for (const [name, value] of kwargs) {
    const parameter = fn.parameters.find((p) => p.name === name && (p.kind === 'positional' || p.kind === 'keywordOnly'));
    if (parameter && scope.vars.has(name)) throw pyError('TypeError', `${fn.name}() got multiple values for argument '${name}'`);
    if (parameter) scope.vars.set(name, value);
    else if (varKwargs) extra.set(name, value);
    else throw pyError('TypeError', `${fn.name}() got an unexpected keyword argument '${name}'`);
  }
  if (varKwargs) scope.vars.set(varKwargs.name, extra);
  for (const parameter of fn.parameters) {
    if (scope.vars.has(parameter.name)) continue;
    if (parameter.default === undefined) throw pyError('TypeError', `${fn.name}() missing 1 required argument: '${parameter.name}'`);
    scope.vars.set(parameter.name, parameter.default);
  }
}

/** A generator: its body runs lazily, up to the next yield, at each next(); the consumer's line is kept around it. */
function makeGenerator(rt: Runtime, fn: PyFunction, scope: Scope): PyGenerator {
  const body = generateBlock(rt, fn.body, scope);
  return new PyGenerator(fn.name, {
    next: () => {
      const outer = rt.line;
      try {
        const step = body.next();
        return step.done ? { done: true, value: undefined } : step;
      } finally {
        rt.line = outer;
      }
    },
  });
}

type Generation = Generator<Value, Completion, undefined>;

/** Runs a block of a generator's body: statements without a yield run as anywhere else. */
function* generateBlock(rt: Runtime, block: Node, scope: Scope): Generation {
  for (const statement of namedChildren(block)) {
    const completion = containsYield(statement) ? yield* generateStatement(rt, statement, scope) : executeStatement(rt, statement, scope);
    if (completion) return completion;
  }
  return undefined;
}

/** A statement with a yield in it: a `yield`/`yield from` statement, or if/for/while/try-except around one. A yield
 *  in an expression's value (`x = yield`, which only send() feeds) or under `finally`/`with` (whose cleanup Python runs
 *  at close(), when a generator is dropped unfinished) is unsupported. */
function* generateStatement(rt: Runtime, node: Node, scope: Scope): Generation {
  const line = node.startPosition.row + 1;
  rt.tick(line);
  rt.line = line;
  try {
    switch (node.type) {
      case 'expression_statement':
        return yield* generateYield(rt, namedChildren(node)[0], scope);
      case 'if_statement':
        return yield* generateIf(rt, node, scope);
      case 'for_statement':
        return yield* generateFor(rt, node, scope);
      case 'while_statement':
        return yield* generateWhile(rt, node, scope);
      case 'try_statement':
        return yield* generateTry(rt, node, scope);
      default:
        throw new Unsupported(`yield inside ${node.type}`, line);
    }
  } catch (error) {
    if ((error instanceof PyError || hasLineSlot(error)) && error.line === undefined) error.line = line;
    throw error;
  }
}

function* generateYield(rt: Runtime, expression: Node, scope: Scope): Generation {
  if (expression.type !== 'yield') throw new Unsupported('yield inside an expression', expression.startPosition.row + 1);
  const operand = namedChildren(expression)[0];
  const delegates = expression.children.some((c) => c?.type === 'from');
  if (!operand) yield null;
  else if (delegates) yield* iterate(rt, evaluate(rt, operand, scope));
  else yield evaluate(rt, operand, scope);
  return undefined;
}

function* generateIf(rt: Runtime, node: Node, scope: Scope): Generation {
  if (truthy(rt, evaluate(rt, field(node, 'condition'), scope))) return yield* generateBlock(rt, field(node, 'consequence'), scope);
  for (const clause of node.childrenForFieldName('alternative').filter((c): c is Node => c !== null)) {
    if (clause.type === 'else_clause') return yield* generateBlock(rt, field(clause, 'body'), scope);
    if (truthy(rt, evaluate(rt, field(clause, 'condition'), scope))) return yield* generateBlock(rt, field(clause, 'consequence'), scope);
  }
  return undefined;
}

function* generateFor(rt: Runtime, node: Node, scope: Scope): Generation {
  const line = node.startPosition.row + 1;
  for (const item of iterate(rt, evaluate(rt, field(node, 'right'), scope))) {
    rt.tick(line);
    assignTarget(rt, field(node, 'left'), item, scope);
    const completion = yield* generateBlock(rt, field(node, 'body'), scope);
    if (completion?.kind === 'return') return completion;
    if (completion?.kind === 'break') return undefined;
  }
  return yield* generateLoopElse(rt, node, scope);
}

function* generateWhile(rt: Runtime, node: Node, scope: Scope): Generation {
  const line = node.startPosition.row + 1;
  while (truthy(rt, evaluate(rt, field(node, 'condition'), scope))) {
    rt.tick(line);
    const completion = yield* generateBlock(rt, field(node, 'body'), scope);
    if (completion?.kind === 'return') return completion;
    if (completion?.kind === 'break') return undefined;
  }
  return yield* generateLoopElse(rt, node, scope);
}

/** try/except/else around a yield: only the body's own exceptions reach the handlers (nothing is thrown in). */
function* generateTry(rt: Runtime, node: Node, scope: Scope): Generation {
  const clauses = namedChildren(node);
  const cleanup = clauses.find((c) => c.type === 'finally_clause' || c.type === 'except_group_clause');
  if (cleanup) throw new Unsupported(`yield inside try with ${cleanup.type === 'finally_clause' ? 'finally' : 'except*'}`, node.startPosition.row + 1);
  let completion: Completion;
  try {
    completion = yield* generateBlock(rt, field(node, 'body'), scope);
  } catch (error) {
    if (!(error instanceof PyError)) throw error;
    const handler = clauses.find((c) => c.type === 'except_clause' && handles(rt, c, error.exception, scope));
    if (!handler) throw error;
    const previous = enterHandler(handler, error.exception, scope);
    try {
      return yield* generateBlock(rt, blockOf(handler), scope);
    } finally {
      scope.handledException = previous;
    }
  }
  const elseClause = clauses.find((c) => c.type === 'else_clause');
  return completion ?? (elseClause ? yield* generateBlock(rt, field(elseClause, 'body'), scope) : undefined);
}

function* generateLoopElse(rt: Runtime, node: Node, scope: Scope): Generation {
  const alternative = node.childForFieldName('alternative');
  return alternative ? yield* generateBlock(rt, field(alternative, 'body'), scope) : undefined;
}
