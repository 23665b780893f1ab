// Expressions: literals, operators, calls, attribute and item access, comprehensions, lambdas, f-strings; and
// assignment to targets (names, attributes, items, unpacking with a starred name).
import type { Node } from '../../parser';
import { display } from './builtins';
import { formatWithSpec } from './format';
import { callValue, getAttribute, getItem, iterate, mappingItems, setAttribute, setItem } from './objects';
import { binaryOp, contains, identical, truthy, unaryOp } from './operators';
import type { Runtime } from './runtime';
import type { Scope } from './scope';
import {
  HostObject, PyClass, PyDict, PyEllipsis, PyFloat, PyFunction, PyInstance, PyIterator, PyList, PySet, PySlice, PySuper, PyTuple, Unsupported, pyError,
  typeName, type Kwargs, type Parameter, type Value,
} from './values';

export function evaluate(rt: Runtime, node: Node, scope: Scope): Value {
  const handler = expressionHandlers[node.type];
  if (!handler) throw new Unsupported(describe(node), node.startPosition.row + 1);
  return handler(rt, node, scope);
}

type Handler = (rt: Runtime, node: Node, scope: Scope) => Value;

const expressionHandlers: Record<string, Handler> = {
  identifier: (_, node, scope) => scope.lookup(node.text),
  integer: (_, node) => parseInteger(node),
  float: (_, node) => parseFloat(node),
  true: () => true,
  false: () => false,
  none: () => null,
  ellipsis: () => PyEllipsis.instance,
  string: (rt, node, scope) => evaluateString(rt, node, scope),
  concatenated_string: (rt, node, scope) => namedChildren(node).map((part) => evaluateString(rt, part, scope)).join(''),
  parenthesized_expression: (rt, node, scope) => evaluate(rt, namedChildren(node)[0], scope),
  list: (rt, node, scope) => new PyList(evaluateElements(rt, node, scope)),
  tuple: (rt, node, scope) => new PyTuple(evaluateElements(rt, node, scope)),
  expression_list: (rt, node, scope) => new PyTuple(evaluateElements(rt, node, scope)),
  set: (rt, node, scope) => new PySet(evaluateElements(rt, node, scope)),
  dictionary: evaluateDictionary,
  binary_operator: (rt, node, scope) =>
    binaryOp(rt, field(node, 'operator').text, evaluate(rt, field(node, 'left'), scope), evaluate(rt, field(node, 'right'), scope)),
  unary_operator: (rt, node, scope) => unaryOp(rt, field(node, 'operator').text as '-' | '+' | '~', evaluate(rt, field(node, 'argument'), scope)),
  not_operator: (rt, node, scope) => !truthy(rt, evaluate(rt, field(node, 'argument'), scope)),
  boolean_operator: evaluateBoolean,
  comparison_operator: evaluateComparison,
  conditional_expression: (rt, node, scope) => {
    const [whenTrue, condition, whenFalse] = namedChildren(node);
    return truthy(rt, evaluate(rt, condition, scope)) ? evaluate(rt, whenTrue, scope) : evaluate(rt, whenFalse, scope);
  },
  named_expression: (rt, node, scope) => {
    const value = evaluate(rt, field(node, 'value'), scope);
    scope.assign(field(node, 'name').text, value);
    return value;
  },
  attribute: (rt, node, scope) => getAttribute(rt, evaluate(rt, field(node, 'object'), scope), field(node, 'attribute').text),
  subscript: (rt, node, scope) => getItem(rt, evaluate(rt, field(node, 'value'), scope), evaluateSubscriptKey(rt, node, scope)),
  slice: evaluateSlice,
  call: evaluateCall,
  lambda: (rt, node, scope) => makeFunction(rt, '<lambda>', node.childForFieldName('parameters'), field(node, 'body'), scope, true),
  list_comprehension: (rt, node, scope) => new PyList([...comprehend(rt, node, scope)]),
  set_comprehension: (rt, node, scope) => new PySet(comprehend(rt, node, scope)),
  generator_expression: (rt, node, scope) => new PyIterator(comprehend(rt, node, scope)),
  dictionary_comprehension: (rt, node, scope) => {
    const dict = new PyDict();
    for (const pair of comprehend(rt, node, scope)) {
      const [key, value] = (pair as PyTuple).items;
      dict.set(key, value);
    }
    return dict;
  },
};

/** Named children without comments (tree-sitter lets comments appear almost anywhere). */
export function namedChildren(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

export function field(node: Node, name: string): Node {
  const child = node.childForFieldName(name);
  if (!child) throw new Unsupported(`${node.type} without ${name}`, node.startPosition.row + 1);
  return child;
}

function describe(node: Node): string {
  return node.type === 'ERROR' ? `syntax error near '${node.text.slice(0, 20)}'` : node.type;
}

function parseInteger(node: Node): number {
  const text = node.text.replace(/_/g, '').toLowerCase();
  if (text.endsWith('j')) throw new Unsupported('complex literal', node.startPosition.row + 1);
  if (/^0[box]/.test(text)) return Number(text);
  return Number(text.replace(/l$/, ''));
}

function parseFloat(node: Node): PyFloat {
  const text = node.text.replace(/_/g, '');
  if (/j$/i.test(text)) throw new Unsupported('complex literal', node.startPosition.row + 1);
  return new PyFloat(Number(text));
}

function evaluateElements(rt: Runtime, node: Node, scope: Scope): Value[] {
  return namedChildren(node).flatMap((element) => {
    if (element.type === 'list_splat') return [...iterate(rt, evaluate(rt, namedChildren(element)[0], scope))];
    return [evaluate(rt, element, scope)];
  });
}

function evaluateDictionary(rt: Runtime, node: Node, scope: Scope): Value {
  const dict = new PyDict();
  for (const entry of namedChildren(node)) {
    if (entry.type === 'pair') dict.set(evaluate(rt, field(entry, 'key'), scope), evaluate(rt, field(entry, 'value'), scope));
    else if (entry.type === 'dictionary_splat') {
      const source = evaluate(rt, namedChildren(entry)[0], scope);
      const mapping = mappingItems(rt, source);
      if (!mapping) throw pyError('TypeError', `'${typeName(source)}' object is not a mapping`);
      for (const [key, value] of mapping) dict.set(key, value);
    } else throw new Unsupported(entry.type, entry.startPosition.row + 1);
  }
  return dict;
}

/** `and`/`or` return the deciding operand, not a bool, and skip the right side when the left decides. */
function evaluateBoolean(rt: Runtime, node: Node, scope: Scope): Value {
  const left = evaluate(rt, field(node, 'left'), scope);
  const isAnd = field(node, 'operator').text === 'and';
  if (truthy(rt, left) !== isAnd) return left;
  return evaluate(rt, field(node, 'right'), scope);
}

/** `a < b < c` compares pairwise, evaluating each operand once and stopping at the first false. */
function evaluateComparison(rt: Runtime, node: Node, scope: Scope): Value {
  const operands = namedChildren(node);
  const operators = node.children.filter((c): c is Node => c !== null && !c.isNamed).map((c) => c.text.replace(/\s+/g, ' '));
  let left = evaluate(rt, operands[0], scope);
  let result: Value = true;
  for (let i = 0; i < operators.length; i++) {
    const right = evaluate(rt, operands[i + 1], scope);
    result = compare(rt, operators[i], left, right);
    // only a chain (a < b < c) asks for the truth of a link: a single comparison returns its value untouched
    if (i < operators.length - 1 && !truthy(rt, result)) return result;
    left = right;
  }
  return result;
}

function compare(rt: Runtime, op: string, left: Value, right: Value): Value {
  switch (op) {
    case 'in':
      return contains(rt, right, left);
    case 'not in':
      return !contains(rt, right, left);
    case 'is':
      return identical(left, right);
    case 'is not':
      return !identical(left, right);
    case '<>':
      return binaryOp(rt, '!=', left, right);
    default:
      return binaryOp(rt, op, left, right);
  }
}

export function evaluateSubscriptKey(rt: Runtime, node: Node, scope: Scope): Value {
  const keys = node.childrenForFieldName('subscript').filter((c) => c !== null) as Node[];
  const values = keys.map((key) => evaluate(rt, key, scope));
  return values.length === 1 && !node.text.trimEnd().endsWith(',]') ? values[0] : new PyTuple(values);
}

function evaluateSlice(rt: Runtime, node: Node, scope: Scope): Value {
  const parts: Array<Value> = [null, null, null];
  let position = 0;
  for (const child of node.children) {
    if (child?.type === ':') position++;
    else if (child && child.type !== 'comment') parts[position] = evaluate(rt, child, scope);
  }
  return new PySlice(parts[0], parts[1], parts[2]);
}

function evaluateCall(rt: Runtime, node: Node, scope: Scope): Value {
  const callee = field(node, 'function');
  const argumentsNode = field(node, 'arguments');
  const { args, kwargs } = argumentsNode.type === 'generator_expression'
    ? { args: [evaluate(rt, argumentsNode, scope)], kwargs: new Map<string, Value>() }
    : evaluateArguments(rt, argumentsNode, scope);
  if (callee.type === 'identifier' && callee.text === 'super' && !scope.vars.has('super')) return makeSuper(args, scope, node);
  const fn = evaluate(rt, callee, scope);
  // while it runs, a call is where the code is: `nn.GELU()` on its own line inside a multi-line nn.Sequential(...)
  const outer = rt.line;
  const line = node.startPosition.row + 1;
  rt.line = line;
  try {
    const result = callValue(rt, fn, args, kwargs);
    // what a call written in the code returns (F.relu(...) or self.norm(...) nested in an expression) is a value of
    // its line; calls a library makes internally are not the user's lines
    if (fn instanceof HostObject || fn instanceof PyInstance) rt.onRecord?.(line, `<${typeName(fn)}>`, result);
    return result;
  } finally {
    rt.line = outer;
  }
}

function evaluateArguments(rt: Runtime, node: Node, scope: Scope): { args: Value[]; kwargs: Kwargs } {
  const args: Value[] = [];
  const kwargs: Kwargs = new Map();
  for (const argument of namedChildren(node)) {
    if (argument.type === 'list_splat') args.push(...iterate(rt, evaluate(rt, namedChildren(argument)[0], scope)));
    else if (argument.type === 'dictionary_splat') {
      const source = evaluate(rt, namedChildren(argument)[0], scope);
      const mapping = mappingItems(rt, source);
      if (!mapping) throw pyError('TypeError', `argument after ** must be a mapping, not ${typeName(source)}`);
      for (const [key, value] of mapping) kwargs.set(key as string, value);
    } else if (argument.type === 'keyword_argument') kwargs.set(field(argument, 'name').text, evaluate(rt, field(argument, 'value'), scope));
    else args.push(evaluate(rt, argument, scope));
  }
  return { args, kwargs };
}

/** super() with no arguments takes the class and instance of the method it is written in, as Python's does. */
function makeSuper(args: Value[], scope: Scope, node: Node): PySuper {
  if (args.length === 2) {
    if (!(args[0] instanceof PyClass)) throw pyError('TypeError', 'super() argument 1 must be a type');
    return new PySuper(args[0], args[1]);
  }
  const context = scope.findSuperContext();
  if (!context || args.length) throw pyError('RuntimeError', `super(): no arguments (line ${node.startPosition.row + 1})`);
  return new PySuper(context.cls, context.self);
}

/** Builds a function value; defaults are evaluated now, once, so a mutable default is shared between calls. */
export function makeFunction(rt: Runtime, name: string, parametersNode: Node | null, body: Node, scope: Scope, isLambda: boolean): PyFunction {
  const parameters: Parameter[] = [];
  let keywordOnly = false;
  for (const param of parametersNode ? namedChildren(parametersNode) : []) {
    const kind = keywordOnly ? 'keywordOnly' : 'positional';
    switch (param.type) {
      case 'identifier':
        parameters.push({ name: param.text, kind });
        break;
      case 'typed_parameter':
        parameters.push(splatOrPlain(namedChildren(param)[0], kind));
        if (namedChildren(param)[0].type === 'list_splat_pattern') keywordOnly = true;
        break;
      case 'default_parameter':
      case 'typed_default_parameter':
        parameters.push({ name: field(param, 'name').text, kind, default: evaluate(rt, field(param, 'value'), scope) });
        break;
      case 'list_splat_pattern':
      case 'dictionary_splat_pattern':
        parameters.push(splatOrPlain(param, kind));
        keywordOnly = true;
        break;
      case 'keyword_separator':
        keywordOnly = true;
        break;
      case 'positional_separator':
        break;
      default:
        throw new Unsupported(`parameter ${param.type}`, param.startPosition.row + 1);
    }
  }
  return new PyFunction(name, parameters, body, scope.closureScope, isLambda);
}

function splatOrPlain(node: Node, kind: Parameter['kind']): Parameter {
  if (node.type === 'list_splat_pattern') return { name: namedChildren(node)[0].text, kind: 'varArgs' };
  if (node.type === 'dictionary_splat_pattern') return { name: namedChildren(node)[0].text, kind: 'varKwargs' };
  return { name: node.text, kind };
}

/** Yields a comprehension's elements (a key/value tuple for dict comprehensions) in a scope of its own. */
function* comprehend(rt: Runtime, node: Node, scope: Scope): Generator<Value> {
  const body = field(node, 'body');
  const clauses = namedChildren(node).filter((c) => c.type === 'for_in_clause' || c.type === 'if_clause');
  const inner = scope.child('function');
  function* expand(index: number): Generator<Value> {
    if (index === clauses.length) {
      rt.tick(body.startPosition.row + 1);
      if (body.type === 'pair') yield new PyTuple([evaluate(rt, field(body, 'key'), inner), evaluate(rt, field(body, 'value'), inner)]);
      else yield evaluate(rt, body, inner);
      return;
    }
    const clause = clauses[index];
    if (clause.type === 'if_clause') {
      if (truthy(rt, evaluate(rt, namedChildren(clause)[0], inner))) yield* expand(index + 1);
      return;
    }
    for (const item of iterate(rt, evaluate(rt, field(clause, 'right'), inner))) {
      assignTarget(rt, field(clause, 'left'), item, inner);
      yield* expand(index + 1);
    }
  }
  yield* expand(0);
}

const unpackingTargets = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list', 'expression_list']);

export function assignTarget(rt: Runtime, target: Node, value: Value, scope: Scope): void {
  if (target.type === 'identifier') return scope.assign(target.text, value);
  if (target.type === 'attribute') return setAttribute(rt, evaluate(rt, field(target, 'object'), scope), field(target, 'attribute').text, value);
  if (target.type === 'subscript') return setItem(rt, evaluate(rt, field(target, 'value'), scope), evaluateSubscriptKey(rt, target, scope), value);
  if (target.type === 'parenthesized_expression') return assignTarget(rt, namedChildren(target)[0], value, scope);
  if (unpackingTargets.has(target.type)) return unpack(rt, namedChildren(target), value, scope);
  throw new Unsupported(`assignment to ${target.type}`, target.startPosition.row + 1);
}

function unpack(rt: Runtime, targets: Node[], value: Value, scope: Scope): void {
  const items = [...iterate(rt, value)];
  const starred = targets.findIndex((t) => t.type === 'list_splat_pattern' || t.type === 'list_splat');
  if (starred < 0) {
    if (items.length !== targets.length) {
      const problem = items.length > targets.length ? `too many values to unpack (expected ${targets.length})` : `not enough values to unpack (expected ${targets.length}, got ${items.length})`;
      throw pyError('ValueError', problem);
    }
    targets.forEach((t, i) => assignTarget(rt, t, items[i], scope));
    return;
  }
  const after = targets.length - starred - 1;
  if (items.length < targets.length - 1) throw pyError('ValueError', `not enough values to unpack (expected at least ${targets.length - 1}, got ${items.length})`);
  targets.slice(0, starred).forEach((t, i) => assignTarget(rt, t, items[i], scope));
  assignTarget(rt, namedChildren(targets[starred])[0], new PyList(items.slice(starred, items.length - after)), scope);
  targets.slice(starred + 1).forEach((t, i) => assignTarget(rt, t, items[items.length - after + i], scope));
}

/** A string literal: escapes decoded unless raw; f-strings' interpolations evaluated and formatted. */
function evaluateString(rt: Runtime, node: Node, scope: Scope): string {
  const prefix = node.children[0]!.text.replace(/['"]+$/, '').toLowerCase();
  if (prefix.includes('b')) throw new Unsupported('bytes literal', node.startPosition.row + 1);
  const isRaw = prefix.includes('r');
  const isFormatted = prefix.includes('f');
  return (node.children.slice(1, -1) as Node[]).map((part) => {
    if (part.type === 'interpolation') return interpolate(rt, part, scope);
    const text = isFormatted ? part.text.replace(/\{\{/g, '{').replace(/\}\}/g, '}') : part.text;
    return isRaw ? text : decodeEscapes(text);
  }).join('');
}

function interpolate(rt: Runtime, node: Node, scope: Scope): string {
  const parts = namedChildren(node);
  const expression = parts.find((c) => c.type !== 'type_conversion' && c.type !== 'format_specifier')!;
  const conversion = parts.find((c) => c.type === 'type_conversion')?.text;
  const specNode = parts.find((c) => c.type === 'format_specifier');
  let value = evaluate(rt, expression, scope);
  if (conversion) value = display(rt, value, conversion === '!r' ? 'repr' : 'str');
  return formatWithSpec(value, specNode ? formatSpec(rt, specNode, scope) : '', (v) => display(rt, v, 'str'));
}

/** The spec's text after ':', with nested {expressions} replaced by their values. */
function formatSpec(rt: Runtime, node: Node, scope: Scope): string {
  let spec = '';
  let position = node.startIndex + 1;
  for (const nested of namedChildren(node).filter((c) => c.type === 'format_expression')) {
    spec += node.text.slice(position - node.startIndex, nested.startIndex - node.startIndex);
    spec += display(rt, evaluate(rt, namedChildren(nested)[0], scope), 'str');
    position = nested.endIndex;
  }
  return spec + node.text.slice(position - node.startIndex);
}

const simpleEscapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

function decodeEscapes(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[\s\S])/g, (whole, code: string) => {
    if (code.length > 1) return String.fromCodePoint(parseInt(code.slice(1), 16));
    return simpleEscapes[code] ?? whole;
  });
}
