// The reverse engine, X → PyTorch: parse → resolve (imports and aliases, the file's module and variable classes) →
// recognise (calls bound to the source framework's table) → emit. The converted text is the original with each
// recognised construct replaced; what has no known PyTorch equivalent is kept and marked in place. What differs per
// source framework (JAX / Flax NNX, Keras 3) is its SourceProfile: module bases, method names, the mode flag, the
// parameter declarations, the table and the loader.
import { firstSyntaxError, parsePython, type Node } from '../parser';
import { InputError, type ConversionResult, type Diagnostic, type MappingEntry } from '../convert';
import { type Arg, evalLiteral } from '../pyvalue';
import { bind, BindError, type Bound } from '../catalogue/signature';
import type { ReverseEntry, ReverseEmitter } from '../catalogue/from-jax';
import { preludeFor } from '../prelude/prelude';
import type { HelperReplacement } from './prelude';
import { ops } from '../catalogue';

export interface SourceProfile {
  /** how messages name the framework ("JAX", "Keras") and its variables ("Flax") */
  label: string;
  variableLabel: string;
  /** a path of the framework itself (its imports are replaced by torch's) */
  isSourcePath(path: string): boolean;
  /** one spelling per API: tensorflow.keras.layers.Dense is keras.layers.Dense */
  canonical(path: string): string;
  /** classes whose subclasses are torch modules */
  moduleBases: ReadonlySet<string>;
  /** the method that is torch's forward */
  callMethod: string;
  /** methods of a module class that have no torch counterpart, with why (Keras's build) */
  unconvertedMethods: Record<string, string>;
  /** variable kinds that are state but not trained parameters (torch buffers), and the trained parameter's class */
  variableKinds: ReadonlySet<string>;
  paramKind?: string;
  /** a method on self that declares a parameter (Keras's add_weight), converted by the table entry of that path */
  declareMethod?: { name: string; path: string };
  /** parameters and arguments left out of the torch code (Flax's rngs), with why a use elsewhere is marked */
  droppedParams: ReadonlyMap<string, string>;
  /** the call-time training flag of the framework's layers, which torch layers take from train()/eval(): a flag that
   *  is the method's own (Keras's training=training) is left out, any other value is marked */
  modeArgument?: string;
  /** a call-time flag that is the mode negated (Linen's `deterministic`): left out as the mode argument is, elsewhere
   *  torch's `not self.training` */
  negatedModeArgument?: string;
  /** whether a list of layers held by an attribute is tracked (Keras): torch's nn.ModuleList */
  tracksLayerLists?: true;
  /** whether a tensor an attribute takes in __init__ is the module's state (Keras, whose loader fills it): a torch buffer */
  tensorAttributesAreBuffers?: true;
  /** call-time flags of layers marked when passed (torch layers follow train()/eval()) */
  modeFlags: ReadonlySet<string>;
  /** an attribute on self that is a mode flag, as torch's text (Flax's self.deterministic) */
  modeAttribute?: { name: string; torch: string; assignment: string };
  functions: ReadonlyMap<string, ReverseEntry>;
  layers: ReadonlyMap<string, ReverseEntry>;
  names: Record<string, string>;
  notYet: Record<string, string>;
  /** array methods converted as the namespace's function with the array first */
  arrayMethods: { names: ReadonlySet<string>; namespace: string };
  /** the prelude's loader the converted file carries */
  loader: string;
  /** a top-level definition that is a Rosetta helper of the framework, and what it becomes */
  helperReplacement?(name: string, text: string): HelperReplacement | undefined;
  /** a top-level definition that is one of the prelude's helpers, left out where only replaced definitions use it */
  isPreludeDefinition?(text: string): boolean;
  /** methods called on a layer attribute that the engine converts (Flax's Embed.attend) */
  layerMethod?(layer: string, method: string, attribute: string, args: { positional: Arg[]; keywords: Record<string, Arg> }, e: ReverseEmitter): string | undefined;
  /** module classes that are dataclasses (Flax Linen), converted as the "dataclass modules" section below says */
  dataclassModules?: DataclassModules;
  /** call-time mode flags that are the mode argument negated (Linen's `deterministic=not train`): left out there */
  negatedModeFlags?: ReadonlySet<string>;
  /** methods on self that have no torch counterpart, with why (Linen's self.param) */
  unconvertedSelfMethods?: Record<string, string>;
}

export interface DataclassModules {
  /** the method that builds the submodules: the rest of torch's __init__ */
  setupMethod: string;
  /** the decorator of a method that builds its layers where it calls them */
  compactDecorator: string;
}

const SIMPLE_STATEMENTS = new Set(['expression_statement', 'return_statement', 'assert_statement', 'raise_statement', 'delete_statement', 'pass_statement', 'global_statement', 'nonlocal_statement']);
const COMPOUND_STATEMENTS = new Set(['if_statement', 'for_statement', 'while_statement', 'with_statement', 'function_definition', 'class_definition', 'decorated_definition', 'try_statement', 'elif_clause']);
const REMOVED = '\u0000removed';
/** a top-level definition left out, with the blank lines after it */
const REMOVED_DEFINITION = /^\u0000definition removed\n(?:[ \t]*\n)*/gm;
/** the catalogue's ops that return a tensor */
const TENSOR_OPS = new Set(ops.filter((o) => o.returns === 'tensor').map((o) => o.name));

class Unsupported extends Error {}

/** Converts `text` to PyTorch with the profile's framework; throws InputError where it does not parse. */
export function convertWith(profile: SourceProfile, text: string): ConversionResult {
  const tree = parsePython(text);
  const error = firstSyntaxError(tree);
  if (error) throw new InputError(`syntax error at '${error.text}'`, error.line, error.column);
  return new ReverseConverter(profile, text).run(tree.rootNode);
}

/** The file's module classes, through their bases in file order (the editor puts its lenses on them). */
export function moduleClassesWith(profile: SourceProfile, root: Node): ReadonlySet<string> {
  return new ReverseConverter(profile, root.text).resolveClasses(root);
}

class ReverseConverter {
  private readonly aliases = new Map<string, string>();
  private readonly moduleClasses = new Set<string>();
  private readonly variableClasses = new Set<string>();
  /** `self.NAME` attributes that hold a variable (a torch parameter or buffer): their `.value` is the tensor */
  private readonly variableAttributes = new Set<string>();
  /** `self.NAME` attributes built from a table layer, by its path (layer methods, call-time mode flags) */
  private readonly layerAttributes = new Map<string, string>();
  /** dataclass modules: the text that replaces each field statement (the first may be __init__ itself) */
  private readonly dataclassFields = new Map<number, string>();
  /** dataclass modules: each class's constructor parameters (its bases' fields first), by class name */
  private readonly dataclassParameters = new Map<string, Array<{ name: string; text: string }>>();
  /** dataclass modules: the __init__ header and first lines that replace `def setup(self)`, by its node */
  private readonly dataclassInits = new Map<number, string>();
  /** layers built inline in a compact method, moved to __init__ under these names, by their call */
  private readonly inlineLayers = new Map<number, InlineLayer>();
  /** layers built inline that cannot move to __init__, with why, by their call */
  private readonly keptLayers = new Map<number, string>();
  private readonly helpers: Set<string>;
  /** the file's Rosetta helpers (by name) whose uses become a torch API, and what each is replaced by */
  private readonly helperUses = new Map<string, HelperReplacement>();
  /** the file's Rosetta helper classes that stand for torch layers (their calls are layers) */
  private readonly helperClasses = new Set<string>();
  /** the file's top-level functions and classes */
  private readonly definitions = new Set<string>();
  private readonly diagnostics: Diagnostic[] = [];
  /** every call or name of the source framework converted, with its torch text, for hover and the diff view */
  private readonly mappings: MappingEntry[] = [];
  /** marks by the statement they are written on */
  private readonly marks = new Map<number, string[]>();
  /** text inserted before a statement (super().__init__() where __init__ has none) */
  private readonly prefixes = new Map<number, string>();
  private lastImport?: Node;
  private headerWritten = false;

  constructor(private readonly profile: SourceProfile, private readonly text: string) {
    this.helpers = new Set([profile.loader]);
  }

  run(root: Node): ConversionResult {
    this.resolveClasses(root);
    const body = this.rewrite(root);
    const code = body.replace(REMOVED_DEFINITION, '').split('\n').filter((line) => line.trim() !== REMOVED).join('\n');
    this.diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
    this.mappings.sort((a, b) => a.line - b.line);
    return { code, diagnostics: this.diagnostics, mappings: this.mappings };
  }

  resolveClasses(root: Node): ReadonlySet<string> {
    this.collectImports(root);
    this.collectDefinitions(root);
    this.collectClasses(root);
    return this.moduleClasses;
  }

  // ---- resolve ----------------------------------------------------------------------------------------------------

  private collectImports(root: Node) {
    for (const stmt of root.namedChildren) {
      if (!stmt || (stmt.type !== 'import_statement' && stmt.type !== 'import_from_statement')) continue;
      const from = stmt.type === 'import_from_statement' ? stmt.childForFieldName('module_name')!.text : undefined;
      for (const name of stmt.childrenForFieldName('name')) {
        if (!name) continue;
        const [dotted, alias] = name.type === 'aliased_import' ? [name.childForFieldName('name')!.text, name.childForFieldName('alias')!.text] : [name.text, undefined];
        const full = from ? `${from}.${dotted}` : dotted;
        this.aliases.set(alias ?? (from ? dotted : dotted.split('.')[0]), alias || from ? full : dotted.split('.')[0]);
      }
      if (from ? this.profile.isSourcePath(from) : this.importsSource(stmt)) this.lastImport = stmt;
    }
  }

  /** Whether an import statement names a module of the framework (`import tensorflow as tf`). */
  private importsSource(stmt: Node): boolean {
    return stmt.childrenForFieldName('name').some((n) => n && this.profile.isSourcePath((n.type === 'aliased_import' ? n.childForFieldName('name')! : n).text));
  }

  /** The top-level definitions, and those that are Rosetta helpers of the framework, word for word. */
  private collectDefinitions(root: Node) {
    for (const stmt of root.namedChildren) {
      if (stmt?.type !== 'class_definition' && stmt?.type !== 'function_definition') continue;
      const name = stmt.childForFieldName('name')!.text;
      this.definitions.add(name);
      const replacement = this.profile.helperReplacement?.(name, stmt.text);
      if (!replacement) continue;
      this.helperUses.set(name, replacement);
      if (stmt.type === 'class_definition' && ('torch' in replacement || 'helper' in replacement)) this.helperClasses.add(name);
    }
    this.collectUnusedHelpers(root);
  }

  /** The prelude's helpers that nothing but the replaced helpers uses (directly or through other such helpers). */
  private collectUnusedHelpers(root: Node) {
    const isPrelude = this.profile.isPreludeDefinition;
    if (!isPrelude) return;
    const prelude = new Map<string, Node>();
    const users: Node[] = [];
    for (const stmt of root.namedChildren) {
      if (!stmt) continue;
      const name = ['class_definition', 'function_definition'].includes(stmt.type) ? stmt.childForFieldName('name')!.text : undefined;
      if (name && this.helperUses.has(name)) continue;
      if (name && isPrelude(stmt.text)) prelude.set(name, stmt);
      else users.push(stmt);
    }
    const used = new Set<string>();
    const visit = (node: Node) => {
      if (node.type === 'identifier' && prelude.has(node.text) && !used.has(node.text) && isReference(node)) {
        used.add(node.text);
        visit(prelude.get(node.text)!);
      }
      for (const child of node.namedChildren) if (child) visit(child);
    };
    users.forEach(visit);
    for (const name of prelude.keys()) if (!used.has(name)) this.helperUses.set(name, { unused: true });
  }

  /** Classes of this file that are modules or variable kinds, through their bases in file order; the Rosetta helpers
   *  are not the file's own modules. */
  private collectClasses(root: Node) {
    for (const stmt of root.namedChildren) {
      if (stmt?.type !== 'class_definition') continue;
      const name = stmt.childForFieldName('name')!.text;
      if (this.helperUses.has(name)) continue;
      for (const base of stmt.childForFieldName('superclasses')?.namedChildren ?? []) {
        const path = base ? this.resolve(base) ?? base.text : '';
        if (this.profile.moduleBases.has(path) || this.moduleClasses.has(path)) this.moduleClasses.add(name);
        if (this.isVariableKind(path) || path === this.profile.paramKind) this.variableClasses.add(name);
      }
    }
  }

  private isVariableKind(path: string): boolean {
    return this.profile.variableKinds.has(path) || this.variableClasses.has(path);
  }

  /** The full dotted path of a name or attribute chain rooted at an import ("jnp.tanh" → "jax.numpy.tanh"), in the
   *  profile's one spelling. */
  private resolve(node: Node): string | undefined {
    const path = this.resolveRaw(node);
    return path && this.profile.canonical(path);
  }

  private resolveRaw(node: Node): string | undefined {
    if (node.type === 'identifier') return this.aliases.get(node.text);
    if (node.type !== 'attribute') return undefined;
    const base = this.resolveRaw(node.childForFieldName('object')!);
    return base && `${base}.${node.childForFieldName('attribute')!.text}`;
  }

  // ---- emit -------------------------------------------------------------------------------------------------------

  private rewrite(node: Node): string {
    const prefix = this.prefixes.get(node.id) ?? '';
    return prefix + this.rewriteMarked(node);
  }

  private rewriteMarked(node: Node): string {
    try {
      const special = this.rewriteSpecial(node);
      if (special !== undefined) return this.withMarks(node, special);
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
      return this.withMarks(node, node.text);
    }
    return this.withMarks(node, this.splice(node));
  }

  /** The node's text with its children rewritten; children in `drop` are left out, with the text before them. */
  private splice(node: Node, drop = new Set<number>()): string {
    if (node.childCount === 0) return node.text;
    let out = '';
    let pos = node.startIndex;
    node.children.forEach((child, i) => {
      if (!child) return;
      const gap = this.text.slice(pos, child.startIndex);
      pos = child.endIndex;
      if (drop.has(i)) return;
      out += (drop.has(i - 1) ? '' : gap) + this.rewrite(child);
    });
    return out + this.text.slice(pos, node.endIndex);
  }

  private withMarks(node: Node, text: string): string {
    const notes = this.marks.get(node.id);
    if (!notes) return text;
    this.marks.delete(node.id);
    const comment = `  # rosetta: not converted: ${notes.join('; ')}`;
    // a compound statement's mark goes on its header line
    if (COMPOUND_STATEMENTS.has(node.type)) return text.replace(/:([ \t]*(#[^\n]*)?)\n/, `:$1${comment}\n`);
    return text + comment;
  }

  private mark(node: Node, api: string, reason: string): never {
    this.diagnose(node, 'error', `${api}: ${reason}`, api);
    let stmt: Node | null = node;
    while (stmt && !SIMPLE_STATEMENTS.has(stmt.type) && !COMPOUND_STATEMENTS.has(stmt.type)) stmt = stmt.parent;
    if (stmt) this.marks.set(stmt.id, [...(this.marks.get(stmt.id) ?? []), `${api}: ${reason}`]);
    throw new Unsupported(reason);
  }

  private diagnose(node: Node, severity: 'error' | 'warning', message: string, api?: string) {
    this.diagnostics.push({ line: node.startPosition.row + 1, column: node.startPosition.column + 1, severity, message, ...(api ? { api } : {}) });
  }

  /** `warnings` collects what this emission warned of, for its mapping's notes. */
  private emitter(node: Node, api: string, warnings: string[] = []): ReverseEmitter {
    return {
      unsupported: (reason) => this.mark(node, api, reason),
      warn: (message) => { warnings.push(message); this.diagnose(node, 'warning', `${api}: ${message}`, api); },
      helper: (name) => { this.helpers.add(name); return name; },
    };
  }

  /** The emission of an entry over the arguments bound (those `written` in the call, the others the framework's defaults),
   *  recorded as a mapping. */
  private emitMapped(node: Node, api: string, entry: ReverseEntry, bound: Bound, written: Set<Arg>): string {
    const warnings: string[] = [];
    const torch = entry.torch(bound, this.emitter(node, api, warnings));
    this.record(node, api, torch, entry.op, { explicit: explicitDefaults(this.profile.label, entry, bound, written), warnings });
    return torch;
  }

  /** A mapping: approximate where the emission warned of a difference that remains, explicit where it wrote the
   *  framework's defaults out; its notes say which, the defaults first. */
  private record(node: Node, api: string, target: string, op = '', { explicit = [], warnings = [] }: { explicit?: string[]; warnings?: string[] } = {}) {
    const status = warnings.length ? 'approximate' : explicit.length ? 'explicit' : 'exact';
    this.mappings.push({ line: node.startPosition.row + 1, api, op, target, status, notes: [...explicit, ...warnings] });
  }

  private rewriteSpecial(node: Node): string | undefined {
    switch (node.type) {
      case 'module': return this.rewriteModule(node);
      case 'import_statement':
      case 'import_from_statement': return this.rewriteImport(node);
      case 'class_definition': return this.rewriteClass(node);
      case 'function_definition': return this.rewriteFunction(node);
      case 'expression_statement': return this.rewriteStatement(node);
      case 'call': return this.rewriteCall(node);
      case 'decorator': return this.rewriteDecorator(node);
      case 'parameters':
      case 'argument_list': return this.withoutDropped(node);
      case 'attribute':
      case 'identifier': return this.rewriteName(node);
      default: return undefined;
    }
  }

  /** The module: its text, then the torch prelude helpers it uses after the framework's last import. */
  private rewriteModule(node: Node): string {
    const body = this.splice(node);
    if (!this.moduleClasses.size && this.helpers.size === 1) this.helpers.delete(this.profile.loader);
    if (!this.helpers.size) return body;
    const prelude = preludeFor(this.helpers, 'torch');
    const anchor = '\u0000helpers';
    return body.includes(anchor) ? body.replace(anchor, `\n\n${prelude}\n`) : `${prelude}\n\n\n${body}`;
  }

  private rewriteImport(node: Node): string | undefined {
    const module = node.type === 'import_from_statement' ? node.childForFieldName('module_name')!.text : node.childForFieldName('name')?.text ?? '';
    const isSource = this.profile.isSourcePath(module) || this.importsSource(node);
    const anchor = node.id === this.lastImport?.id ? '\u0000helpers' : '';
    if (!isSource) return undefined;
    if (this.headerWritten) return REMOVED + anchor;
    this.headerWritten = true;
    const numpy = this.aliases.get('np') === 'numpy' ? '' : 'import numpy as np\n';
    return `${numpy}import torch\nimport torch.nn as nn${anchor}`;
  }

  private rewriteClass(node: Node): string | undefined {
    const name = node.childForFieldName('name')!.text;
    if (node.parent?.type === 'module') {
      const replaced = this.replaceHelper(name);
      if (replaced !== undefined) return replaced;
    }
    if (this.variableClasses.has(name)) return `# ${name}: a ${this.profile.variableLabel} variable kind; its attributes are torch buffers (register_buffer)`;
    if (this.profile.dataclassModules && this.moduleClasses.has(name)) return this.rewriteDataclass(node);
    return undefined;
  }

  private replaceHelper(name: string): string | undefined {
    const replacement = this.helperUses.get(name);
    if (!replacement) return undefined;
    if ('helper' in replacement) this.helpers.add(replacement.helper);
    if ('reason' in replacement) return `# ${name} (a Rosetta ${this.profile.label} helper) is not needed: ${replacement.reason}`;
    return '\u0000definition removed';
  }

  /** The call method of a module is torch's `forward`; `__init__` calls nn.Module's first (Flax modules need not call it). */
  private rewriteFunction(node: Node): string | undefined {
    const name = node.childForFieldName('name')!.text;
    if (node.parent?.type === 'module') return this.replaceHelper(name);
    const cls = (node.parent?.type === 'decorated_definition' ? node.parent : node).parent?.parent;
    if (cls?.type !== 'class_definition' || !this.moduleClasses.has(cls.childForFieldName('name')!.text)) return undefined;
    if (name === this.profile.callMethod) return this.splice(node).replace(/^def\s+\w+/, 'def forward');
    const init = this.dataclassInits.get(node.id);
    // the layers of a compact method are made after setup's
    if (init) return `${this.splice(node).replace(/^def\s+\w+\s*\([^)]*\)/, init)}\n${' '.repeat(node.childForFieldName('body')!.startPosition.column)}${HOISTED}`;
    const reason = this.profile.unconvertedMethods[name];
    if (reason) this.mark(node, name, reason);
    const body = node.childForFieldName('body')!;
    if (name === '__init__' && !/super\(\)\.__init__\(|\.__init__\(self/.test(body.text)) {
      const statements = body.namedChildren.filter((s) => s && s.type !== 'comment');
      const first = isDocstring(statements[0]) && statements[1] ? statements[1] : statements[0];
      if (first) this.prefixes.set(first.id, `super().__init__()\n${' '.repeat(first.startPosition.column)}`);
    }
    return undefined;
  }

  /** Parameter and argument lists without the dropped parameters (Flax's `rngs`), the mode argument (Keras's
   *  `training`) and a keyword-only `*` left with nothing after it. */
  private withoutDropped(node: Node): string | undefined {
    const children = node.children;
    const drop = new Set<number>();
    const dropWithComma = (i: number) => {
      drop.add(i);
      const comma = children[i - 1]?.type === ',' && !drop.has(i - 1) ? i - 1 : children[i + 1]?.type === ',' ? i + 1 : -1;
      if (comma >= 0) drop.add(comma);
    };
    children.forEach((child, i) => {
      const name = child && paramName(child);
      if (name && this.profile.droppedParams.has(name)) dropWithComma(i);
      if (name && this.isModeArgument(name) && !this.isModeValue(child!)) dropWithComma(this.modeArgument(child!, i, name));
      if (child && this.followsMode(child) && this.calledLayer(node.parent?.childForFieldName('function'))) dropWithComma(i);
    });
    if (!drop.size) return undefined;
    const star = children.findIndex((c) => c?.type === 'keyword_separator');
    if (star >= 0 && children.slice(star + 1).every((c, j) => !c || drop.has(star + 1 + j) || c.type === ',' || c.type === ')')) dropWithComma(star);
    return this.splice(node, drop);
  }

  /** A mode flag passed on positionally to what is neither a layer nor the file's own function (`bool(training)`):
   *  a value, torch's self.training. */
  private isModeValue(node: Node): boolean {
    const callee = node.parent?.type === 'argument_list' ? node.parent.parent?.childForFieldName('function') : undefined;
    return node.type === 'identifier' && callee?.type === 'identifier' && !this.definitions.has(callee.text);
  }

  /** The mode argument's index where it is a parameter or passes the method's own flag on; marked otherwise. */
  private modeArgument(node: Node, index: number, name: string): number {
    const value = node.type === 'keyword_argument' ? node.childForFieldName('value')!.text : name;
    if (node.parent?.type === 'argument_list' && this.modePolarity(value) !== this.modePolarity(name)) {
      this.mark(node, `${name}=`, `a fixed ${name}= is not converted: torch layers follow train()/eval()`);
    }
    return index;
  }

  /** Attribute assignments of variables (buffers), the mode flag, `.at[...]` updates. */
  private rewriteStatement(node: Node): string | undefined {
    const field = this.dataclassFields.get(node.id);
    if (field !== undefined) return field;
    const assignment = node.namedChildren[0];
    if (assignment?.type !== 'assignment') return undefined;
    const left = assignment.childForFieldName('left')!;
    const right = assignment.childForFieldName('right');
    if (!right) return undefined;
    if (left.type === 'attribute' && left.childForFieldName('object')!.text === 'self') {
      const attr = left.childForFieldName('attribute')!.text;
      if (attr === this.profile.modeAttribute?.name) return this.profile.modeAttribute.assignment;
      if (this.profile.tracksLayerLists && this.isLayerList(right)) return `${left.text} = nn.ModuleList(${this.rewrite(right)})`;
      if (this.profile.tensorAttributesAreBuffers && this.inInit(node) && this.returnsTensor(right)) return `self.register_buffer('${attr}', ${this.rewrite(right)})`;
      const kind = right.type === 'call' ? this.callPath(right) : undefined;
      if (kind && kind === this.profile.paramKind) this.variableAttributes.add(attr);
      if (kind && this.profile.layers.has(kind)) this.layerAttributes.set(attr, kind);
      if (kind && this.isVariableKind(kind)) {
        this.variableAttributes.add(attr);
        const args = right.childForFieldName('arguments')!.namedChildren.filter((a) => a && a.type !== 'comment');
        if (args.length !== 1 || args[0]!.type === 'keyword_argument') this.mark(right, kind, 'a variable with metadata is not converted');
        return `self.register_buffer('${attr}', ${this.rewrite(args[0]!)})`;
      }
    }
    const update = atUpdate(right);
    if (update && left.type === 'identifier') {
      const [array, index, method, value] = update;
      const indexText = index.map((i) => this.rewrite(i)).join(', ');
      const op = { set: '=', add: '+=', multiply: '*=', mul: '*=' }[method];
      if (!op) this.mark(right, `.at[].${method}`, 'no PyTorch equivalent known');
      if (!value) this.mark(right, `.at[].${method}`, 'only the one-argument form is converted');
      if (op !== '=') this.diagnose(right, 'warning', `.at[].${method}: repeated indices accumulate in JAX; a torch indexed ${op} applies one of them`);
      const indent = ' '.repeat(node.startPosition.column);
      const target = left.text;
      return `${target} = ${this.rewrite(array)}.clone()\n${indent}${target}[${indexText}] ${op} ${this.rewrite(value)}`;
    }
    return undefined;
  }

  /** A list (or list comprehension) of layers: calls of the table's layers or of the file's module classes. */
  private isLayerList(node: Node): boolean {
    const elements = node.type === 'list' ? node.namedChildren : node.type === 'list_comprehension' ? [node.childForFieldName('body')] : [];
    return elements.length > 0 && elements.every((e) => {
      const path = e?.type === 'call' ? this.callPath(e) : undefined;
      return !!path && (this.profile.layers.has(path) || this.moduleClasses.has(path) || this.helperClasses.has(path));
    });
  }

  /** A call of a framework function whose op returns a tensor. */
  private returnsTensor(node: Node): boolean {
    const op = node.type === 'call' ? this.profile.functions.get(this.resolve(node.childForFieldName('function')!) ?? '')?.op : undefined;
    return !!op && TENSOR_OPS.has(op);
  }

  /** Whether the node is in the __init__ of one of the file's module classes. */
  private inInit(node: Node): boolean {
    let fn: Node | null = node.parent;
    while (fn && fn.type !== 'function_definition') fn = fn.parent;
    return !!fn && fn.childForFieldName('name')!.text === '__init__' && this.inModuleClass(fn);
  }

  private callPath(call: Node): string | undefined {
    const fn = call.childForFieldName('function')!;
    return this.resolve(fn) ?? (fn.type === 'identifier' ? fn.text : undefined);
  }

  private rewriteCall(node: Node): string | undefined {
    const fn = node.childForFieldName('function')!;
    const argsNode = node.childForFieldName('arguments')!;
    const inline = this.inlineLayers.get(node.id);
    if (inline && !inline.emitting) return this.hoist(node, inline);
    const kept = this.keptLayers.get(node.id);
    if (kept) this.mark(node, this.callPath(node)!, kept);
    const selfMethod = this.selfAttribute(fn);
    const unconverted = selfMethod && this.inModuleClass(node) ? this.profile.unconvertedSelfMethods?.[selfMethod] : undefined;
    if (unconverted) this.mark(node, `self.${selfMethod}`, unconverted);
    const path = this.resolve(fn);
    const variable = this.callPath(node);
    if (variable && this.isVariableKind(variable)) {
      this.mark(node, variable, `a ${this.profile.variableLabel} variable is converted only as \`self.NAME = Variable(value)\` (a torch buffer)`);
    }
    if (path && this.profile.isSourcePath(path)) {
      const entry = this.profile.functions.get(path) ?? this.profile.layers.get(path);
      if (!entry) this.mark(node, path, this.profile.notYet[path] ?? 'no PyTorch equivalent known');
      return this.emitEntry(node, path, entry, argsNode);
    }
    if (fn.type === 'identifier') {
      const helper = this.helperUses.get(fn.text);
      if (helper && 'receiver' in helper) return this.receiverCall(node, fn.text, helper.torch, argsNode);
      const items = argsNode.namedChildren.filter((a) => a && a.type !== 'comment');
      // Keras tracks the layers of a list: torch's ModuleList
      if (fn.text === 'list' && !this.aliases.has('list') && this.profile.tracksLayerLists && items.length === 1 && this.isLayerList(items[0]!)) {
        return `nn.ModuleList(${this.rewrite(items[0]!)})`;
      }
    }
    const declare = this.profile.declareMethod;
    if (declare && this.selfAttribute(fn) === declare.name) return this.emitEntry(node, declare.path, this.profile.layers.get(declare.path), argsNode);
    // a weight declared on another layer (`module.add_weight(...)` in a helper) has no torch spelling: torch modules
    // register their own parameters
    if (declare && fn.type === 'attribute' && !path && fn.childForFieldName('attribute')!.text === declare.name) {
      this.mark(node, declare.path, `converted only as self.${declare.name}(...) in a layer`);
    }
    // nn.Module's __init__ takes no arguments (Keras's takes name=, dtype=, ...)
    if (fn.text === 'super().__init__' && this.inModuleClass(node)) return 'super().__init__()';
    // the base's call method is its forward (torch's __call__ would run this class's forward again)
    if (fn.text === `super().${this.profile.callMethod}` && this.inModuleClass(node)) return `super().forward${this.rewrite(argsNode)}`;
    const layer = this.calledLayer(fn);
    const modeFlag = argsNode.namedChildren.find((a) => a?.type === 'keyword_argument' && this.profile.modeFlags.has(a.childForFieldName('name')!.text) && !this.followsMode(a));
    if (layer && modeFlag) this.mark(node, layer, `${modeFlag.childForFieldName('name')!.text}= at call time is not converted: torch layers follow train()/eval()`);
    if (fn.type === 'attribute' && !path) {
      const method = fn.childForFieldName('attribute')!.text;
      const attribute = this.selfAttribute(fn.childForFieldName('object')!);
      const owner = attribute && this.layerAttributes.get(attribute);
      if (owner && this.profile.layerMethod) {
        const api = `${owner}.${method}`;
        const torch = this.profile.layerMethod(owner, method, attribute, this.arguments(argsNode), this.emitter(node, api));
        if (torch) {
          this.record(node, api, torch);
          return torch;
        }
      }
      if (atUpdate(node)) this.mark(node, `.at[].${method}`, 'an .at[] update is converted only as the value of a plain assignment');
      if (this.profile.arrayMethods.names.has(method)) {
        const receiver = fn.childForFieldName('object')!;
        const asFunction = `${this.profile.arrayMethods.namespace}${method}`;
        return this.emitEntry(node, asFunction, this.profile.functions.get(asFunction), argsNode, { text: this.rewrite(receiver) });
      }
    }
    return undefined;
  }

  /** `helper(receiver, args...)` as torch's `receiver.method(args...)` (the Keras prelude's register_buffer). */
  private receiverCall(node: Node, helper: string, method: string, argsNode: Node): string {
    const [receiver, ...rest] = argsNode.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment');
    if (!receiver || receiver.type === 'keyword_argument' || receiver.type.endsWith('splat')) this.mark(node, helper, 'the module must be the first positional argument');
    const torch = `${this.rewrite(receiver)}.${method}(${rest.map((a) => this.rewrite(a)).join(', ')})`;
    this.record(node, helper, torch);
    return torch;
  }

  private inModuleClass(node: Node): boolean {
    let cls: Node | null = node.parent;
    while (cls && cls.type !== 'class_definition') cls = cls.parent;
    return !!cls && this.moduleClasses.has(cls.childForFieldName('name')!.text);
  }

  /** NAME for `self.NAME`. */
  private selfAttribute(node: Node): string | undefined {
    return node.type === 'attribute' && node.childForFieldName('object')!.text === 'self' ? node.childForFieldName('attribute')!.text : undefined;
  }

  private arguments(argsNode: Node): { positional: Arg[]; keywords: Record<string, Arg> } {
    const positional: Arg[] = [];
    const keywords: Record<string, Arg> = {};
    for (const arg of argsNode.namedChildren) {
      if (!arg || arg.type === 'comment') continue;
      if (arg.type === 'keyword_argument') {
        const value = arg.childForFieldName('value')!;
        keywords[arg.childForFieldName('name')!.text] = { text: this.rewrite(value), lit: evalLiteral(value) };
      } else positional.push({ text: this.rewrite(arg), lit: evalLiteral(arg) });
    }
    return { positional, keywords };
  }

  /** The torch text of a call bound to its table entry; a method call's array comes first as `receiver`. */
  private emitEntry(node: Node, path: string, entry: ReverseEntry | undefined, argsNode: Node, receiver?: Arg): string {
    if (!entry || argsNode.type !== 'argument_list') return this.mark(node, path, 'no PyTorch equivalent known');
    if (argsNode.namedChildren.some((a) => a?.type === 'dictionary_splat' || (a?.type === 'list_splat' && !entry.sig.params.some((p) => p.variadic)))) {
      this.mark(node, path, '*args / **kwargs are not converted here');
    }
    const { positional, keywords } = this.arguments(argsNode);
    if (receiver) positional.unshift(receiver);
    // the variadic parameter gets the tuple of the remaining arguments as written (splats included)
    const variadic = entry.sig.params.findIndex((p) => p.variadic);
    if (variadic >= 0) {
      const rest = positional.splice(variadic).map((a) => a.text);
      keywords[entry.sig.params[variadic].name] = { text: `(${rest.join(', ')}${rest.length === 1 ? ',' : ''})` };
    }
    let bound;
    try {
      bound = bind(entry.sig, positional, keywords);
    } catch (e) {
      if (e instanceof BindError) return this.mark(node, path, e.message);
      throw e;
    }
    return this.emitMapped(node, path, entry, bound, new Set([...positional, ...Object.values(keywords)]));
  }

  /** Names outside calls: dtypes and constants, functions passed as values, the mode flags. */
  private rewriteName(node: Node): string | undefined {
    const parent = node.parent;
    const helper = node.type === 'identifier' && isReference(node) ? this.helperUses.get(node.text) : undefined;
    if (helper && 'receiver' in helper) this.mark(node, node.text, 'converted only where it is called');
    if (helper && 'torch' in helper) {
      this.record(node, node.text, helper.torch);
      return helper.torch;
    }
    if (parent?.type === 'call' && parent.childForFieldName('function')?.id === node.id) {
      return node.type === 'attribute' ? this.splice(node) : node.text;
    }
    if (node.type === 'attribute' && parent?.type === 'attribute' && parent.childForFieldName('object')?.id === node.id && this.resolve(parent)) return node.text;
    const modeAttribute = this.profile.modeAttribute;
    if (modeAttribute && this.selfAttribute(node) === modeAttribute.name) return modeAttribute.torch;
    if (node.type === 'identifier' && node.text === this.profile.modeArgument && parent?.type !== 'keyword_argument' && !isParameter(node)) return 'self.training';
    if (node.type === 'identifier' && node.text === this.profile.negatedModeArgument && parent?.childForFieldName('name')?.id !== node.id && !isParameter(node)) return '(not self.training)';
    const owner = node.type === 'attribute' ? node.childForFieldName('object')! : undefined;
    if (owner?.type === 'attribute' && node.childForFieldName('attribute')!.text === 'value' && owner.childForFieldName('object')!.text === 'self'
      && this.variableAttributes.has(owner.childForFieldName('attribute')!.text)) return owner.text;
    if (node.type === 'identifier' && this.profile.droppedParams.has(node.text) && parent?.type !== 'keyword_argument') {
      this.mark(node, node.text, this.profile.droppedParams.get(node.text)!);
    }
    const path = this.resolve(node);
    if (!path || !this.profile.isSourcePath(path)) return node.type === 'attribute' ? this.splice(node) : undefined;
    const name = this.profile.names[path];
    if (name) {
      this.record(node, path, name);
      return name;
    }
    const entry = this.profile.functions.get(path);
    if (entry) return this.functionValue(node, path, entry);
    return this.mark(node, path, this.profile.notYet[path] ?? 'no PyTorch equivalent known');
  }

  // ---- dataclass modules (Flax Linen) -----------------------------------------------------------------------------
  // A dataclass module's annotated fields are its constructor's parameters, kept on self; its setup method is the rest
  // of torch's __init__; the layers a compact method builds where it calls them are made in __init__, under the name
  // the framework gives them (NAME= where written, else the class's name and its count per class in the order they
  // are built: Dense_0, Dense_1), so that the weights' paths match. A layer built in a loop, a branch or from the
  // method's own values cannot move to __init__: it is kept and marked.

  private rewriteDataclass(cls: Node): string {
    const body = cls.childForFieldName('body')!;
    const statements = body.namedChildren.filter((s): s is Node => !!s);
    const fields = statements.filter(isField);
    const methods = statements.map((s) => s.type === 'decorated_definition' ? s.childForFieldName('definition')! : s).filter((s) => s.type === 'function_definition');
    const setup = methods.find((m) => m.childForFieldName('name')!.text === this.profile.dataclassModules!.setupMethod);
    for (const method of methods.filter((m) => this.isCompact(m))) this.planInlineLayers(method);
    const indent = ' '.repeat(body.startPosition.column);
    const inner = indent + ' '.repeat(body.startPosition.column - cls.startPosition.column);
    // a dataclass inherits its bases' fields, first: the base's __init__ takes them
    const bases = (cls.childForFieldName('superclasses')?.namedChildren ?? []).flatMap((b) => this.dataclassParameters.get(b?.text ?? '') ?? []);
    const own = fields.map((f) => ({ name: f.namedChildren[0]!.childForFieldName('left')!.text, text: this.fieldParameter(f.namedChildren[0]!) }));
    this.dataclassParameters.set(cls.childForFieldName('name')!.text, [...bases, ...own]);
    const header = `def __init__(${['self', ...[...bases, ...own].map((p) => p.text)].join(', ')})`;
    const lines = [`super().__init__(${bases.map((b) => b.name).join(', ')})`, ...own.map(({ name }) => `self.${name} = ${name}`)];
    fields.forEach((f) => this.dataclassFields.set(f.id, REMOVED));
    if (setup) {
      this.dataclassInits.set(setup.id, header);
      const first = setup.childForFieldName('body')!.namedChildren.find((s) => s && s.type !== 'comment' && !isDocstring(s));
      if (first) this.prefixes.set(first.id, lines.map((l) => `${l}\n${inner}`).join(''));
    } else if (fields.length || this.inlineLayers.size) {
      const init = [`${header}:`, ...lines.map((l) => `${inner}${l}`), `${inner}${HOISTED}`].join('\n');
      if (fields.length) this.dataclassFields.set(fields[0].id, init);
      else this.prefixes.set(statements.find((s) => s.type === 'decorated_definition' || s.type === 'function_definition')!.id, `${init}\n\n${indent}`);
    }
    const text = this.splice(cls);
    const hoisted = [...this.inlineLayers.values()].filter((l) => l.torch).map((l) => `self.${l.name} = ${l.torch}`);
    this.inlineLayers.clear();
    return text.replace(HOISTED, hoisted.length ? hoisted.join(`\n${inner}`) : REMOVED);
  }

  /** A field as a parameter: `features: int = 4`, its type and default in torch's terms. */
  private fieldParameter(assignment: Node): string {
    const value = assignment.childForFieldName('right');
    return `${assignment.childForFieldName('left')!.text}: ${this.rewrite(assignment.childForFieldName('type')!)}${value ? ` = ${this.rewrite(value)}` : ''}`;
  }

  private isCompact(method: Node): boolean {
    const decorated = method.parent?.type === 'decorated_definition' ? method.parent : undefined;
    return !!decorated?.namedChildren.some((d) => d?.type === 'decorator' && this.resolve(d.namedChildren[0]!) === this.profile.dataclassModules!.compactDecorator);
  }

  /** The compact decorator is left out: the method's layers are made in __init__. */
  private rewriteDecorator(node: Node): string | undefined {
    if (!this.profile.dataclassModules || this.resolve(node.namedChildren[0]!) !== this.profile.dataclassModules.compactDecorator) return undefined;
    return REMOVED;
  }

  /** Names the layers a compact method builds, in source order (the order Python builds them in straight-line code). */
  private planInlineLayers(method: Node) {
    const locals = localNames(method);
    const counts = new Map<string, number>();
    const outsideCall = method.childForFieldName('name')!.text !== this.profile.callMethod;
    for (const call of method.childForFieldName('body')!.descendantsOfType('call')) {
      const path = call && this.callPath(call);
      if (!path || !(this.profile.layers.has(path) || this.moduleClasses.has(path))) continue;
      const kind = path.split('.').pop()!;
      const named = call.childForFieldName('arguments')!.namedChildren.find((a) => a?.type === 'keyword_argument' && a.childForFieldName('name')!.text === 'name');
      const given = named && evalLiteral(named.childForFieldName('value')!);
      const count = counts.get(kind) ?? 0;
      if (!named) counts.set(kind, count + 1);
      const reason = outsideCall ? `a layer built in a compact method other than ${this.profile.callMethod} is not converted`
        : typeof given !== 'string' && named ? 'name= must be a string literal here'
        : named && this.moduleClasses.has(path) ? "name= of the file's own module is not converted"
        : this.unhoistable(call, method, locals);
      if (reason) this.keptLayers.set(call.id, reason);
      else this.inlineLayers.set(call.id, { name: typeof given === 'string' ? given : `${kind}_${count}`, path });
    }
  }

  /** Why a layer built at `call` in `method` cannot be made in __init__, if it cannot. */
  private unhoistable(call: Node, method: Node, locals: Set<string>): string | undefined {
    for (let node = call.parent; node && node.id !== method.id; node = node.parent) {
      if (CONDITIONAL.has(node.type)) return 'a layer built in a loop, a branch or a comprehension is not converted: torch makes its layers in __init__ (build them in setup)';
    }
    for (const id of call.childForFieldName('arguments')!.descendantsOfType('identifier')) {
      const parent = id?.parent;
      if (!id || id.text === 'self' || !locals.has(id.text) || (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === id.id)) continue;
      if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === id.id) continue;
      const flag = parent?.type === 'not_operator' ? parent.parent : parent;
      if (this.isModeArgument(id.text) && flag?.type === 'keyword_argument' && this.profile.modeFlags.has(flag.childForFieldName('name')!.text)) continue;
      return `a layer built from the method's own values (${id.text}) is not converted: torch makes its layers in __init__`;
    }
    return undefined;
  }

  /** An inline layer: its torch construction kept for __init__, `self.NAME` in its place. */
  private hoist(node: Node, layer: InlineLayer): string {
    layer.emitting = true;
    try {
      layer.torch = this.rewriteCall(node) ?? this.splice(node);
    } finally {
      delete layer.emitting;
    }
    return `self.${layer.name}`;
  }

  /** The table layer a call's function is: a layer attribute (`self.dense`) or a layer built inline. */
  private calledLayer(fn: Node | null | undefined): string | undefined {
    if (!fn) return undefined;
    return this.layerAttributes.get(this.selfAttribute(fn) ?? '') ?? (fn.type === 'call' ? this.inlineLayers.get(fn.id)?.path : undefined);
  }

  /** A mode flag written as the mode argument negated (`deterministic=not train`): the layer follows train()/eval(). */
  private followsMode(arg: Node): boolean {
    const name = arg.type === 'keyword_argument' ? arg.childForFieldName('name')!.text : undefined;
    return !!name && !!this.profile.negatedModeFlags?.has(name) && this.modePolarity(arg.childForFieldName('value')!.text) === -1;
  }

  /** 1 where a text is the mode argument (`train`, `not deterministic`), -1 where it is its negation, 0 otherwise. */
  private modePolarity(text: string): number {
    const name = text.replace(/^not\s+/, '');
    const sign = name === this.profile.modeArgument ? 1 : name === this.profile.negatedModeArgument ? -1 : 0;
    return name === text ? sign : -sign;
  }

  private isModeArgument(name: string): boolean {
    return name === this.profile.modeArgument || name === this.profile.negatedModeArgument;
  }

  /** A function used as a value (`self.act = jnp.tanh`): the torch function, or a lambda with the framework's defaults. */
  private functionValue(node: Node, path: string, entry: ReverseEntry): string {
    const required = entry.sig.params.filter((p) => p.defaultText === undefined && !p.variadic);
    if (required.length !== 1) return this.mark(node, path, 'a function with several inputs passed as a value is not converted');
    const input = { text: 'x' };
    const bound = bind(entry.sig, [input], {});
    const text = entry.torch(bound, this.emitter(node, path));
    const plain = /^([\w.]+)\(x\)$/.exec(text);
    const value = plain ? plain[1] : `(lambda x: ${text})`;
    this.record(node, path, value, entry.op, { explicit: explicitDefaults(this.profile.label, entry, bound, new Set([input])) });
    return value;
  }
}

interface InlineLayer { name: string; path: string; torch?: string; emitting?: true }

const HOISTED = '\u0000hoisted';
/** where a layer is built only on some runs, or several times: it cannot move to __init__ */
const CONDITIONAL = new Set(['for_statement', 'while_statement', 'if_statement', 'try_statement', 'conditional_expression', 'boolean_operator',
  'list_comprehension', 'generator_expression', 'set_comprehension', 'dictionary_comprehension', 'lambda', 'function_definition']);

/** A class-level annotated name (`features: int`, `rate: float = 0.1`): a dataclass field. */
function isField(node: Node): boolean {
  const assignment = node.type === 'expression_statement' ? node.namedChildren[0] : undefined;
  return assignment?.type === 'assignment' && !!assignment.childForFieldName('type') && assignment.childForFieldName('left')!.type === 'identifier';
}

/** The names a function binds: its parameters and what it assigns (the targets of =, augmented =, for, :=). */
function localNames(fn: Node): Set<string> {
  const names = new Set<string>();
  for (const param of fn.childForFieldName('parameters')!.namedChildren) {
    const name = param && paramName(param);
    if (name) names.add(name);
  }
  const binders = fn.descendantsOfType(['assignment', 'augmented_assignment', 'for_statement', 'for_in_clause', 'named_expression']);
  for (const binder of binders) {
    const target = binder?.childForFieldName(binder.type === 'named_expression' ? 'name' : 'left');
    if (!target) continue;
    for (const id of [target, ...target.descendantsOfType('identifier')]) {
      if (id?.type === 'identifier' && id.parent?.type !== 'attribute' && id.parent?.type !== 'subscript') names.add(id.text);
    }
  }
  return names;
}

const DEFAULT_MARKER = '\u0000default';
/** an emitter that registers and reports nothing, for probing an emission */
const QUIET: ReverseEmitter = { unsupported: (reason) => { throw new Unsupported(reason); }, warn: () => {}, helper: (name) => name };

/** The framework's defaults (other than None) the emission writes out as they are, found by emitting once more, quietly,
 *  with the default's text replaced by a marker. A default the emission translates (gelu's approximate=True as
 *  'tanh') shows in the torch text only. */
function explicitDefaults(label: string, entry: ReverseEntry, bound: Bound, written: Set<Arg>): string[] {
  const defaulted = entry.sig.params.filter((p) => !p.variadic && p.defaultText !== undefined && p.defaultText !== 'None' && !written.has(bound[p.name]));
  return defaulted
    .filter((p) => emitsMarker(entry, { ...bound, [p.name]: { ...bound[p.name], text: DEFAULT_MARKER } }))
    .map((p) => `${p.name}=${p.defaultText} (${label}'s default) passed explicitly`);
}

function emitsMarker(entry: ReverseEntry, bound: Bound): boolean {
  try {
    return entry.torch(bound, QUIET).includes(DEFAULT_MARKER);
  } catch {
    return false; // an emission that fails on the marker's text does not write the default out as it is
  }
}

function paramName(node: Node): string | undefined {
  if (node.type === 'identifier') return node.text;
  if (['typed_parameter', 'default_parameter', 'typed_default_parameter', 'keyword_argument'].includes(node.type)) {
    return (node.childForFieldName('name') ?? node.namedChildren[0])?.text;
  }
  return undefined;
}

/** `x.at[i].set(v)` as [x, the index expressions, 'set', v]; v is undefined where the call has other arguments
 *  (mode=, indices_are_sorted=, ...), which are not converted. */
function atUpdate(node: Node): [Node, Node[], string, Node | undefined] | undefined {
  if (node.type !== 'call') return undefined;
  const fn = node.childForFieldName('function')!;
  if (fn.type !== 'attribute') return undefined;
  const sub = fn.childForFieldName('object')!;
  if (sub.type !== 'subscript') return undefined;
  const at = sub.childForFieldName('value')!;
  if (at.type !== 'attribute' || at.childForFieldName('attribute')!.text !== 'at') return undefined;
  const args = node.childForFieldName('arguments')!.namedChildren.filter((a) => a?.type !== 'comment');
  const value = args.length === 1 && args[0]!.type !== 'keyword_argument' ? args[0]! : undefined;
  const index = sub.childrenForFieldName('subscript').filter((n): n is Node => !!n);
  return [at.childForFieldName('object')!, index, fn.childForFieldName('attribute')!.text, value];
}

function isDocstring(node: Node | null | undefined): boolean {
  return node?.type === 'expression_statement' && node.namedChildren[0]?.type === 'string';
}

/** An identifier that refers to a name in scope: not an attribute's field, a keyword's name, a parameter or the name
 *  of a definition. */
function isReference(node: Node): boolean {
  const parent = node.parent;
  if (!parent || isParameter(node)) return false;
  const field = ({ attribute: 'attribute', keyword_argument: 'name', function_definition: 'name', class_definition: 'name' } as Record<string, string>)[parent.type];
  return !field || parent.childForFieldName(field)?.id !== node.id;
}

/** A name that is a parameter of a function definition (`training` in `def call(self, x, training=None)`). */
function isParameter(node: Node): boolean {
  const parent = node.parent;
  return parent?.type === 'parameters' || (!!parent && ['default_parameter', 'typed_parameter', 'typed_default_parameter'].includes(parent.type) && parent.parent?.type === 'parameters');
}
