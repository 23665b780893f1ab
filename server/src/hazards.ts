// Hazards: torch code that converts, yet whose conversion can behave differently from PyTorch in a way the converted
// text does not show. Two are found, one function body at a time, from the syntax tree and what the converter knew
// while converting it (which names hold tensors, which catalogue op each call became):
// - indexing with a boolean mask (`x[m] = v`, `x[x > 0]`): JAX runs it eagerly, but under jax.jit the number of
//   selected elements is not static and the conversion fails (NonConcreteBooleanIndexError);
// - in-place updates through views (`y = x[0]; y.add_(1)`): PyTorch changes both names, the conversion rebinds one.
// Both are reported only where the converter's knowledge settles them: an index of unknown dtype, or a view of what the
// converter did not treat as a tensor, is no hazard. Statements are read in source order, branches and loop bodies
// once each: where branches bind a name differently, the later one decides.
import type { Node } from './parser';
import { methodIndex } from './catalogue/index';
import type { OpEntry } from './catalogue/types';

export type HazardCode = 'hazard-bool-mask' | 'hazard-view-alias';

/** A replacement of torch source that removes a hazard; `oldText` starts where the finding starts. */
export interface Rewrite {
  title: string;
  oldText: string;
  newText: string;
}

export interface Hazard {
  node: Node;
  code: HazardCode;
  message: string;
  rewrite?: Rewrite;
}

/** What the converter knew about the code it converted. */
export interface TypeKnowledge {
  isTensor(node: Node): boolean;
  isScalar(node: Node): boolean;
  /** the catalogue op a converted call became */
  appliedOp(call: Node): OpEntry | undefined;
  /** the torch path an expression names (`th.bool` → torch.bool) */
  qualify(node: Node): string | undefined;
  /** the name the file imports torch under, for rewrites in torch terms */
  torchName?: string;
}

/** Ops whose result is bool beyond the catalogue's comparisons (which carry boolResult). */
const BOOL_OPS = new Set(['logical_not', 'isnan', 'isinf', 'isfinite', 'isposinf', 'isneginf', 'signbit', 'isclose', 'bool']);
/** Views that cover all of their base's memory, and views of a part of it. reshape and flatten return views whenever
 *  the layout allows (always for a contiguous input). */
const WHOLE_VIEWS = new Set(['view', 'view_as', 'reshape', 'reshape_as', 'flatten', 'permute', 'transpose', 'swapaxes', 'swapdims', 't', 'movedim', 'moveaxis', 'squeeze', 'unsqueeze', 'expand', 'expand_as', 'detach']);
const PART_VIEWS = new Set(['narrow', 'select', 'diagonal', 'split', 'chunk', 'unbind', 'tensor_split']);
const WHOLE_VIEW_ATTRIBUTES = new Set(['T', 'mT', 'data']);
/** Views whose elements are out of memory order: reshaping one copies. */
const REORDERING = new Set(['permute', 'transpose', 'swapaxes', 'swapdims', 't', 'T', 'mT', 'movedim', 'moveaxis', 'expand', 'expand_as']);
const COPY_WHEN_REORDERED = new Set(['reshape', 'reshape_as', 'flatten']);
/** In-place ops that change a tensor's shape or autograd state, not its values. */
const METADATA_INPLACE = new Set(['t', 'transpose', 'swapaxes', 'swapdims', 'squeeze', 'unsqueeze', 'detach']);
/** In-place ops that write only some elements. */
const PARTIAL_INPLACE = new Set(['masked_fill', 'tril', 'triu', 'index_fill', 'index_add', 'index_copy', 'scatter', 'scatter_add', 'masked_scatter']);
const DEFINITIONS = new Set(['function_definition', 'class_definition', 'decorated_definition', 'lambda']);
/** Statements whose bodies run in order after their header; their headers are what they read. */
const COMPOUND = new Set(['if_statement', 'elif_clause', 'else_clause', 'for_statement', 'while_statement', 'with_statement', 'try_statement', 'except_clause', 'finally_clause', 'block']);

/** A step of a function body in source order: a simple statement, or the header (condition, iterable) of a compound one. */
interface Step {
  statement: Node;
  /** what the step evaluates */
  parts: Node[];
  /** a for loop's targets */
  loopTargets?: Node;
}

/** A mask's facts: the tensors it has the shape of (it was computed elementwise from them). */
interface Mask {
  shapeOf: Set<string>;
}

type Link = 'same' | 'whole' | 'part';

/** One binding of a name to a tensor: its own storage, or a view of another binding's. */
interface Binding {
  name: string;
  statement?: Node;
  base?: Binding;
  link?: Link;
  /** a view whose elements are out of memory order */
  reordered?: boolean;
}

/** What an expression is a view of. */
interface ViewSource {
  base: string;
  link: Link;
  reordered: boolean;
}

interface Mutation {
  name: string;
  /** every element of the tensor is written, not only an indexed part */
  whole: boolean;
}

export function functionHazards(body: Node, types: TypeKnowledge): Hazard[] {
  return new FunctionScan(types, stepsOf(body)).run();
}

function stepsOf(node: Node): Step[] {
  if (DEFINITIONS.has(node.type)) return [];
  if (!COMPOUND.has(node.type)) return [{ statement: node, parts: [node] }];
  const children = node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  if (node.type === 'block') return children.flatMap(stepsOf);
  const loopTargets = node.type === 'for_statement' ? node.childForFieldName('left') ?? undefined : undefined;
  const header = children.filter((c) => !COMPOUND.has(c.type) && c.id !== loopTargets?.id);
  const headerStep = header.length ? [{ statement: node, parts: header, loopTargets }] : [];
  return [...headerStep, ...children.filter((c) => COMPOUND.has(c.type)).flatMap(stepsOf)];
}

class FunctionScan {
  private readonly masks = new Map<string, Mask>();
  private readonly bindings = new Map<string, Binding>();
  private readonly hazards: Hazard[] = [];

  constructor(private readonly types: TypeKnowledge, private readonly steps: Step[]) {}

  run(): Hazard[] {
    this.steps.forEach((step, index) => {
      for (const part of step.parts) this.findMaskIndexing(part);
      const mutation = this.mutationIn(step.statement);
      if (mutation) this.findAliasing(mutation, index);
      this.bind(step);
    });
    return this.hazards;
  }

  // ---- boolean masks ------------------------------------------------------------------------------------------

  private findMaskIndexing(part: Node) {
    const subscripts = [part, ...part.descendantsOfType('subscript')].filter((n): n is Node => n?.type === 'subscript');
    for (const subscript of subscripts) {
      const indices = subscript.childrenForFieldName('subscript').filter((i): i is Node => !!i);
      const mask = indices.find((i) => this.maskOf(i));
      if (mask) this.maskHazard(subscript, mask, indices.length);
    }
  }

  /** Reading with a mask fails under jit whatever is indexed; an update only where the converter made it `.at[]`. */
  private maskHazard(subscript: Node, mask: Node, indexCount: number) {
    const value = subscript.childForFieldName('value')!;
    const assignment = subscript.parent!;
    const isUpdate = ['assignment', 'augmented_assignment'].includes(assignment.type) && assignment.childForFieldName('left')?.id === subscript.id;
    if (!isUpdate) {
      const message = `boolean mask index: ${subscript.text} has as many elements as ${mask.text} has True values. JAX computes it eagerly, but under jax.jit shapes must be static and it fails (NonConcreteBooleanIndexError). No rewrite keeps the shape: keep it outside jit, or use a fixed-size form (jnp.where, jnp.nonzero(..., size=n))`;
      this.hazards.push({ node: subscript, code: 'hazard-bool-mask', message });
    } else if (this.types.isTensor(value)) {
      const message = `boolean mask update: ${firstLine(assignment.text)} converts to ${value.text}.at[${mask.text}]; JAX runs it eagerly, but under jax.jit a traced mask cannot index, since how many elements it selects is not static (NonConcreteBooleanIndexError). torch.where(mask, value, ${value.text}) computes the same without indexing`;
      this.hazards.push({ node: assignment, code: 'hazard-bool-mask', message, rewrite: this.whereRewrite(assignment, value, mask, indexCount) });
    }
  }

  /** `x[m] = v` → `x = torch.where(m, x.new_tensor(v), x)`, where that is the same: one index, a mask computed
   *  elementwise from x (so of x's shape), a number v (new_tensor gives it x's dtype, as the indexed write does). */
  private whereRewrite(assignment: Node, target: Node, mask: Node, indexCount: number): Rewrite | undefined {
    const value = assignment.childForFieldName('right');
    const { torchName } = this.types;
    if (assignment.type !== 'assignment' || assignment.parent?.type !== 'expression_statement' || indexCount !== 1) return undefined;
    if (!torchName || !value || target.type !== 'identifier' || !this.maskOf(mask)?.shapeOf.has(target.text) || !this.isNumber(value)) return undefined;
    const x = target.text;
    return { title: 'Rewrite as torch.where (jit-safe)', oldText: assignment.text, newText: `${x} = ${torchName}.where(${mask.text}, ${x}.new_tensor(${value.text}), ${x})` };
  }

  private isNumber(node: Node): boolean {
    if (['integer', 'float', 'true', 'false'].includes(node.type)) return true;
    if (node.type === 'unary_operator') return this.isNumber(node.childForFieldName('argument')!);
    return this.types.isScalar(node);
  }

  /** The mask an expression is, when the converter's knowledge says it is a bool tensor. */
  private maskOf(node: Node): Mask | undefined {
    switch (node.type) {
      case 'identifier': return this.masks.get(node.text);
      case 'parenthesized_expression': return node.namedChildren[0] ? this.maskOf(node.namedChildren[0]) : undefined;
      case 'comparison_operator': {
        const operands = node.namedChildren.filter((c): c is Node => !!c);
        const tensors = operands.filter((o) => this.types.isTensor(o) || this.maskOf(o));
        return operands.length === 2 && tensors.length ? this.elementwise(tensors) : undefined;
      }
      case 'unary_operator': return node.childForFieldName('operator')?.text === '~' ? this.maskOf(node.childForFieldName('argument')!) : undefined;
      case 'binary_operator': {
        const sides = [node.childForFieldName('left')!, node.childForFieldName('right')!];
        return ['&', '|', '^'].includes(node.childForFieldName('operator')!.text) && sides.every((s) => this.maskOf(s)) ? this.elementwise(sides) : undefined;
      }
      case 'call': return this.callMask(node);
      default: return undefined;
    }
  }

  private callMask(call: Node): Mask | undefined {
    const op = this.types.appliedOp(call);
    if (!op) return undefined;
    const operands = this.operandsOf(call);
    if (op.boolResult || BOOL_OPS.has(op.name)) return this.elementwise(operands);
    if (!this.namesBool(call)) return undefined;
    // x.to(torch.bool) and zeros_like(x, dtype=torch.bool) keep x's shape; torch.ones(n, dtype=torch.bool) has its own
    return ['to', 'type'].includes(op.name) || op.name.endsWith('_like') ? this.elementwise(operands.slice(0, 1)) : { shapeOf: new Set() };
  }

  /** A dtype argument naming torch.bool (dtype=torch.bool, .to(torch.bool)). */
  private namesBool(call: Node): boolean {
    const args = call.childForFieldName('arguments')?.namedChildren ?? [];
    return args.some((a) => {
      const value = a?.type === 'keyword_argument' ? (a.childForFieldName('name')!.text === 'dtype' ? a.childForFieldName('value') : null) : a;
      return !!value && this.types.qualify(value) === 'torch.bool';
    });
  }

  /** The tensors a call computes from: its receiver, else its positional arguments. */
  private operandsOf(call: Node): Node[] {
    const fn = call.childForFieldName('function')!;
    const receiver = fn.type === 'attribute' && !this.types.qualify(fn) ? [fn.childForFieldName('object')!] : [];
    const positional = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'keyword_argument' && a.type !== 'comment');
    return [...receiver, ...positional];
  }

  /** A mask computed elementwise from operands: if indexing a tensor with it is valid, it has that tensor's shape. */
  private elementwise(operands: Node[]): Mask {
    const shapeOf = new Set<string>();
    for (const o of operands) {
      if (o.type === 'identifier' && this.types.isTensor(o)) shapeOf.add(o.text);
      this.maskOf(o)?.shapeOf.forEach((name) => shapeOf.add(name));
    }
    return { shapeOf };
  }

  // ---- views --------------------------------------------------------------------------------------------------

  /** What a simple statement updates in place, in a way the conversion turns into a rebinding of one name. */
  private mutationIn(statement: Node): Mutation | undefined {
    const expr = statement.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
    if (!expr) return undefined;
    const left = expr.childForFieldName('left');
    if (expr.type === 'assignment' || expr.type === 'augmented_assignment') {
      if (left?.type === 'subscript') {
        const target = left.childForFieldName('value')!;
        return target.type === 'identifier' && this.types.isTensor(target) ? { name: target.text, whole: false } : undefined;
      }
      // `y += 1` on a tensor is in place in PyTorch; the conversion rebinds y
      return expr.type === 'augmented_assignment' && left?.type === 'identifier' && this.types.isTensor(left) ? { name: left.text, whole: true } : undefined;
    }
    return expr.type === 'call' ? this.inplaceCall(expr) : undefined;
  }

  /** `y.add_(1)` (an in-place op the converter rewrites) or `F.relu(y, inplace=True)`. */
  private inplaceCall(call: Node): Mutation | undefined {
    const fn = call.childForFieldName('function')!;
    const method = fn.type === 'attribute' ? fn.childForFieldName('attribute')!.text : '';
    const receiver = fn.type === 'attribute' ? fn.childForFieldName('object')! : undefined;
    const base = method.slice(0, -1);
    if (receiver?.type === 'identifier' && method.endsWith('_') && !method.startsWith('_') && !METADATA_INPLACE.has(base) && methodIndex.get(base)?.some((s) => s.op.inplace)) {
      return { name: receiver.text, whole: !PARTIAL_INPLACE.has(base) };
    }
    const args = call.childForFieldName('arguments')?.namedChildren ?? [];
    const inplace = args.some((a) => a?.type === 'keyword_argument' && a.childForFieldName('name')!.text === 'inplace' && a.childForFieldName('value')!.type === 'true');
    const first = args[0];
    return inplace && this.types.qualify(fn)?.startsWith('torch.') && first?.type === 'identifier' ? { name: first.text, whole: true } : undefined;
  }

  /** A mutation of a name that shares memory with another name read later: PyTorch changes both, JAX one. */
  private findAliasing(mutation: Mutation, index: number) {
    const mutated = this.bindings.get(mutation.name);
    if (!mutated) return;
    for (const other of this.bindings.values()) {
      // every element of a view is in its base; a base's update reaches a partial view only if it writes everything
      const down = chainTo(mutated, other);
      const up = chainTo(other, mutated);
      const shared = down ? { view: mutated, links: down } : up && (mutation.whole || !up.includes('part')) ? { view: other, links: up } : undefined;
      const readAt = shared && other !== mutated ? this.nextRead(other.name, index) : undefined;
      if (shared && readAt) this.hazards.push(this.aliasHazard(this.steps[index].statement, mutated.name, other.name, readAt, shared));
    }
  }

  private aliasHazard(statement: Node, mutated: string, other: string, readAt: Node, shared: { view: Binding; links: Link[] }): Hazard {
    const [viewName, baseName] = shared.view.name === mutated ? [mutated, other] : [other, mutated];
    const relation = `${viewName} ${shared.links.every((l) => l === 'same') ? 'the same tensor as' : 'a view of'} ${baseName}`;
    // lines are told relative to the update: a statement converted on its own (the LSP's quick path) has its own numbering
    const made = shared.view.statement ? `${firstLine(shared.view.statement.text)} (${linesAway(statement, shared.view.statement)}) makes ${relation}` : relation;
    const message = `in-place update of shared memory: ${made}, so ${firstLine(statement.text)} also changes ${other} in PyTorch, but the JAX conversion rebinds only ${mutated}: ${other} keeps its old value where it is read next (${linesAway(statement, readAt)}). Update a .clone() to keep them apart, or recompute ${other} after the update`;
    return { node: statement, code: 'hazard-view-alias', message };
  }

  /** Where a name is next read after a step, unless it is assigned anew first. */
  private nextRead(name: string, index: number): Node | undefined {
    for (const step of this.steps.slice(index + 1)) {
      const read = step.parts.flatMap((p) => readsOf(p, name))[0];
      if (read) return read;
      if (assignedNames(step).includes(name)) return undefined;
    }
    return undefined;
  }

  // ---- bindings -----------------------------------------------------------------------------------------------

  private bind(step: Step) {
    if (step.loopTargets) return this.forget(namesIn(step.loopTargets));
    const expr = step.statement.type === 'expression_statement' ? step.statement.namedChildren[0] : undefined;
    if (expr?.type !== 'assignment' && expr?.type !== 'augmented_assignment') return;
    const left = expr.childForFieldName('left')!;
    const right = expr.childForFieldName('right');
    if (expr.type === 'augmented_assignment' || !right) {
      // `y += 1` keeps y's storage in PyTorch, but a mask it was may be a mask no longer
      if (left.type === 'identifier') this.masks.delete(left.text);
      return;
    }
    // what the value is, from the names as they were before this assignment
    const names = namesIn(left);
    const mask = left.type === 'identifier' ? this.maskOf(right) : undefined;
    const source = names.length === 1 && left.type === 'identifier' ? this.viewSource(right) : this.piecesSource(right);
    const base = source && this.bindingOf(source.base);
    this.forget(names);
    for (const name of names) this.bindings.set(name, source && base ? { name, statement: step.statement, base, link: source.link, reordered: source.reordered } : { name, statement: step.statement });
    if (mask) this.masks.set(names[0], mask);
  }

  /** `q, k = x.chunk(2)`: each piece is a view of a part of x. */
  private piecesSource(value: Node): ViewSource | undefined {
    const op = value.type === 'call' ? this.types.appliedOp(value)?.name : undefined;
    const source = op && PART_VIEWS.has(op) ? this.viewSource(value) : undefined;
    return source && { ...source, link: 'part' };
  }

  /** A parameter or other name bound before the scan saw it: its own storage, as far as this function knows. */
  private bindingOf(name: string): Binding {
    const existing = this.bindings.get(name);
    if (existing) return existing;
    const created: Binding = { name };
    this.bindings.set(name, created);
    return created;
  }

  private forget(names: string[]) {
    for (const name of names) {
      this.masks.delete(name);
      this.bindings.delete(name);
      // masks computed from the old value say nothing about the new one's shape
      for (const mask of this.masks.values()) mask.shapeOf.delete(name);
    }
  }

  /** The tensor name an expression is, or is a view of, and how much of it the view covers. */
  private viewSource(node: Node): ViewSource | undefined {
    switch (node.type) {
      case 'identifier': return this.types.isTensor(node) ? this.sameAs(node.text) : undefined;
      case 'parenthesized_expression': return node.namedChildren[0] ? this.viewSource(node.namedChildren[0]) : undefined;
      case 'attribute': {
        const attribute = node.childForFieldName('attribute')!.text;
        return WHOLE_VIEW_ATTRIBUTES.has(attribute) ? this.through(node.childForFieldName('object')!, 'whole', false, REORDERING.has(attribute)) : undefined;
      }
      case 'subscript': {
        const indices = node.childrenForFieldName('subscript').filter((i): i is Node => !!i);
        return indices.every(isBasicIndex) ? this.through(node.childForFieldName('value')!, 'part', false, false) : undefined;
      }
      case 'call': {
        const op = this.types.appliedOp(node)?.name ?? '';
        const link: Link | undefined = WHOLE_VIEWS.has(op) ? 'whole' : PART_VIEWS.has(op) ? 'part' : undefined;
        const base = this.operandsOf(node)[0];
        const source = link && base ? this.through(base, link, true, REORDERING.has(op)) : undefined;
        // reshape returns a view only where the layout allows: not of a permuted or expanded tensor
        return source && !(source.reordered && COPY_WHEN_REORDERED.has(op)) ? source : undefined;
      }
      default: return undefined;
    }
  }

  /** A view of `base`; a name of unknown type counts as a tensor where the converter converted a Tensor op on it. */
  private through(base: Node, link: Link, converted: boolean, reorders: boolean): ViewSource | undefined {
    const inner = base.type === 'identifier' && converted ? this.sameAs(base.text) : this.viewSource(base);
    if (!inner) return undefined;
    return { base: inner.base, link: inner.link === 'part' || link === 'part' ? 'part' : link, reordered: inner.reordered || reorders };
  }

  private sameAs(name: string): ViewSource {
    return { base: name, link: 'same', reordered: !!this.bindings.get(name)?.reordered };
  }
}

/** The links from a binding down to one it is a view of (empty for none), or undefined when it is not one. */
function chainTo(view: Binding, base: Binding): Link[] | undefined {
  const links: Link[] = [];
  for (let b: Binding | undefined = view; b; b = b.base) {
    if (b === base) return links.length ? links : undefined;
    if (b.link) links.push(b.link);
  }
  return undefined;
}

/** Indexing that returns a view: integers, slices, None and `...`; tensors and lists as indices copy. */
function isBasicIndex(index: Node): boolean {
  if (['integer', 'slice', 'none', 'ellipsis'].includes(index.type)) return true;
  return index.type === 'unary_operator' && index.childForFieldName('argument')!.type === 'integer';
}

/** The identifiers naming `name` that read it: not attribute or keyword names, not the target of a plain assignment. */
function readsOf(part: Node, name: string): Node[] {
  return [part, ...part.descendantsOfType('identifier')].filter((n): n is Node => {
    if (n?.type !== 'identifier' || n.text !== name) return false;
    const parent = n.parent;
    if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === n.id) return false;
    if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === n.id) return false;
    return !(parent?.type === 'assignment' && parent.childForFieldName('left')?.id === n.id) && !isPatternTarget(n);
  });
}

function isPatternTarget(n: Node): boolean {
  const pattern = n.parent;
  return !!pattern && ['pattern_list', 'tuple_pattern', 'list_pattern'].includes(pattern.type) && pattern.parent?.type === 'assignment' && pattern.parent.childForFieldName('left')?.id === pattern.id;
}

function assignedNames(step: Step): string[] {
  if (step.loopTargets) return namesIn(step.loopTargets);
  const expr = step.statement.type === 'expression_statement' ? step.statement.namedChildren[0] : undefined;
  return expr?.type === 'assignment' ? namesIn(expr.childForFieldName('left')!) : [];
}

function namesIn(target: Node): string[] {
  if (target.type === 'identifier') return [target.text];
  if (!['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list', 'parenthesized_expression'].includes(target.type)) return [];
  return target.namedChildren.flatMap((c) => (c ? namesIn(c) : []));
}

/** Where one node is from another, in lines: "2 lines above", "the next line". */
function linesAway(from: Node, to: Node): string {
  const rows = to.startPosition.row - from.startPosition.row;
  if (rows === 0) return 'the same line';
  if (Math.abs(rows) === 1) return rows < 0 ? 'the line above' : 'the next line';
  return `${Math.abs(rows)} lines ${rows < 0 ? 'above' : 'below'}`;
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}
