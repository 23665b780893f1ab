// PyTorch → JAX/Flax NNX, NumPy or Keras 3: parse → resolve → recognize → emit. Text the converter does not recognise
// as torch is kept byte for byte; torch it cannot convert is kept and marked in place. What differs per target is one
// TargetProfile.
import { firstSyntaxError, parsePython, type Node } from './parser';
import { type Arg, evalLiteral } from './pyvalue';
import { functionIndex, methodIndex, moduleIndex, type FunctionSpelling, type ModuleSpelling } from './catalogue/index';
import { bind, BindError, type Bound } from './catalogue/signature';
import { explicitNotes, makeEmitter, UnsupportedError, type Explicit } from './catalogue/emitter';
import type { JaxEmit, ModuleEntry, OpEntry, ResultKind, Status } from './catalogue/types';
import { containers, dtypeNames, constants, kerasContainers, kerasSpecialFunctions, numpyContainers, numpySpecialFunctions, specialFunctions } from './catalogue/torch-special';
import type { ConversionTarget } from './protocol';
import { preludeFor, preludeHas } from './prelude/prelude';
import { functionHazards, type HazardCode, type Rewrite, type TypeKnowledge } from './hazards';

export type Severity = 'error' | 'warning' | 'information';

export interface Diagnostic {
  line: number;
  column: number;
  severity: Severity;
  message: string;
  api?: string;
  /** a construct that converts but may behave differently (hazards.ts) */
  hazard?: HazardCode;
  /** a change to the torch source that removes the hazard */
  rewrite?: Rewrite;
}

/** One recognised torch call: where it was, what it became, and the differences worth knowing. */
export interface MappingEntry {
  line: number;
  api: string;
  op: string;
  target: string;
  /** this call's status: 'explicit' where its emission passed arguments against JAX's defaults or used a helper */
  status: Status;
  /** the differences this call's emission made explicit first, then the entry's notes */
  notes: string[];
}

export interface ConversionResult {
  code: string;
  diagnostics: Diagnostic[];
  mappings: MappingEntry[];
}

export class InputError extends Error {
  constructor(message: string, readonly line?: number, readonly column?: number) {
    super(message);
  }
}

/** 'factory': builds a module when called (act_layer=nn.GELU, norm_layer=partial(nn.LayerNorm, eps=1e-6)) */
type Kind = ResultKind | 'param' | 'buffer' | 'factory' | 'other' | 'unknown';

interface ClassInfo {
  name: string;
  attrs: Map<string, Kind>;
  /** torch path of each attribute built by a constructor call (self.fc = nn.Linear(...) → torch.nn.Linear) */
  constructors: Map<string, string>;
  /** the class reads self.training, so its __init__ declares the `deterministic` flag nnx's eval()/train() set */
  readsTraining?: boolean;
}

interface FunctionScope {
  locals: Map<string, Kind>;
  cls?: ClassInfo;
  /** inside a converted module's __init__, where `rngs` is in scope */
  buildsModules: boolean;
  /** a module's __init__ that takes **kwargs for its base class (Keras) */
  forwardsKwargs?: boolean;
  /** a module's forward that takes Keras's `training` argument */
  takesTraining?: boolean;
}

const TORCH_ROOTS = ['torch', 'torchvision', 'torchaudio'];
/** Method names common on Python values too; converted only when the receiver is known to be a tensor. */
const AMBIGUOUS_METHODS = new Set(['split', 'index', 'count', 'copy', 'sort', 'get', 'pop', 'append', 'extend', 'update', 'replace']);
/** torch.nn.Module methods that nnx modules lack; eval() and train() exist in nnx with the same meaning. */
const TORCH_MODULE_METHODS = new Set(['apply', 'parameters', 'named_parameters', 'buffers', 'named_buffers', 'modules', 'named_modules', 'children', 'named_children', 'state_dict', 'load_state_dict', 'cuda', 'cpu', 'zero_grad', 'requires_grad_', 'register_parameter', 'add_module']);

type Builder = (typeof containers)[string];

/** What differs between conversion targets. */
interface TargetProfile {
  name: ConversionTarget;
  header: string[];
  /** what a torch.nn.Module base becomes; undefined: the class is a plain class */
  moduleBase?: string;
  /** modules take a keyword-only `rngs` where they are built */
  rngs: boolean;
  /** arrays are mutable like torch tensors: index updates and in-place ops stay in place, views included */
  mutableArrays: boolean;
  /** immutable arrays have functional index updates (`.at[i].set(v)`); without them an index update is marked */
  functionalIndexUpdates: boolean;
  /** `a.weight = b.weight` shares one variable as it is (NumPy arrays, keras.Variable) */
  assignmentShares: boolean;
  /** Python arithmetic on a bool tensor promotes it as torch does; TensorFlow keeps bool ((x > 0) * 2.0 is bool) */
  boolArithmetic: boolean;
  /** `value` cast to the dtype of `like` */
  castLike: (value: string, like: string) => string;
  /** what forward becomes */
  forwardName: string;
  /** a module's __init__ takes **kwargs and hands them to the base class (keras.Layer's name=, dtype=, ...) */
  initKwargs: boolean;
  /** how `self.training` is read: nnx's `deterministic` flag, always False (inference), or Keras's `training` argument */
  training: 'deterministic' | 'inference' | 'call-argument';
  /** reads a parameter or buffer attribute */
  readVariable: (attr: string) => string;
  /** the class a module entry's spelling names, for isinstance() */
  moduleClass: RegExp;
  emitOf: (entry: OpEntry | ModuleEntry) => JaxEmit | undefined;
  spellingOf: (entry: OpEntry | ModuleEntry) => string;
  containers: Record<string, Builder>;
  specialFunctions: Record<string, Builder>;
  dtypes: Record<string, string>;
  constants: Record<string, string>;
  /** torch.nn.Module methods the target's modules lack */
  moduleMethods: Set<string>;
  /** the reasons markers and notes give, in the target's terms */
  reasons: { moduleMethod: string; init: string; api: string; method: string; name: string; inplaceExpression: string; inplaceOther: string; noGrad: string; random: string };
}

const PROFILES: Record<ConversionTarget, TargetProfile> = {
  jax: {
    name: 'jax',
    header: ['import math', 'import numpy as np', 'import jax', 'import jax.numpy as jnp', 'from jax import lax', 'from flax import nnx'],
    moduleBase: 'nnx.Module',
    rngs: true,
    mutableArrays: false,
    functionalIndexUpdates: true,
    assignmentShares: false,
    boolArithmetic: true,
    castLike: (value, like) => `${value}.astype(${like}.dtype)`,
    forwardName: '__call__',
    initKwargs: false,
    training: 'deterministic',
    readVariable: (attr) => `self.${attr}[...]`,
    moduleClass: /^(nnx\.[A-Z]\w*)\(/,
    emitOf: (entry) => entry.jax,
    spellingOf: (entry) => entry.jaxSpelling,
    containers,
    specialFunctions,
    dtypes: dtypeNames.jax,
    constants: constants.jax,
    moduleMethods: TORCH_MODULE_METHODS,
    reasons: {
      moduleMethod: 'this torch.nn.Module method has no Flax NNX counterpart (weights come from load_torch_state_dict; nnx.state(model) lists them)',
      init: 'weight initialisation is not converted: Flax layers use their own initialisers; load trained weights with load_torch_state_dict',
      api: 'no JAX equivalent is known for this torch API',
      method: 'no JAX equivalent is known for this Tensor method',
      name: 'no JAX equivalent is known for this torch name',
      inplaceExpression: 'an in-place update inside an expression changes a variable JAX cannot update here; write it as its own statement',
      inplaceOther: 'in-place update of this expression has no JAX equivalent',
      noGrad: 'JAX computes gradients only inside jax.grad',
      random: 'random numbers need a key: they are converted where modules are built, from rngs',
    },
  },
  numpy: {
    name: 'numpy',
    header: ['import math', 'import numpy as np'],
    rngs: false,
    mutableArrays: true,
    functionalIndexUpdates: false,
    assignmentShares: true,
    boolArithmetic: true,
    castLike: (value, like) => `${value}.astype(${like}.dtype)`,
    forwardName: '__call__',
    initKwargs: false,
    training: 'inference',
    readVariable: (attr) => `self.${attr}`,
    moduleClass: /^([A-Z]\w*)\(/,
    emitOf: (entry) => entry.numpy,
    spellingOf: (entry) => entry.numpySpelling ?? '(no NumPy equivalent yet)',
    containers: numpyContainers,
    specialFunctions: numpySpecialFunctions,
    dtypes: dtypeNames.numpy,
    constants: constants.numpy,
    // an inference target: modules are always in evaluation mode
    moduleMethods: new Set([...TORCH_MODULE_METHODS, 'eval', 'train']),
    reasons: {
      moduleMethod: 'no NumPy equivalent yet: converted modules are plain classes (weights come from load_torch_state_dict)',
      init: 'weight initialisation is not converted: load trained weights with load_torch_state_dict',
      api: 'no NumPy equivalent yet',
      method: 'no NumPy equivalent yet',
      name: 'no NumPy equivalent yet',
      inplaceExpression: 'an in-place update inside an expression: no NumPy equivalent yet; write it as its own statement',
      inplaceOther: 'no NumPy equivalent yet',
      noGrad: 'NumPy computes no gradients',
      random: 'random numbers: no NumPy equivalent yet (trained weights come from load_torch_state_dict)',
    },
  },
  keras: {
    name: 'keras',
    header: ['import math', 'import numpy as np', 'import keras'],
    moduleBase: 'keras.Layer',
    rngs: false,
    mutableArrays: false,
    functionalIndexUpdates: false,
    assignmentShares: true,
    boolArithmetic: false,
    castLike: (value, like) => `keras.ops.cast(${value}, ${like}.dtype)`,
    forwardName: 'call',
    initKwargs: true,
    training: 'call-argument',
    readVariable: (attr) => `self.${attr}`,
    moduleClass: /^((?:keras\.layers\.)?[A-Z]\w*)\(/,
    emitOf: (entry) => entry.keras,
    spellingOf: (entry) => entry.kerasSpelling ?? '(no Keras equivalent yet)',
    containers: kerasContainers,
    specialFunctions: kerasSpecialFunctions,
    dtypes: dtypeNames.keras,
    constants: constants.keras,
    // Keras layers have no modes: training is an argument of each call
    moduleMethods: new Set([...TORCH_MODULE_METHODS, 'eval', 'train']),
    reasons: {
      moduleMethod: 'no Keras equivalent yet: converted layers take weights from load_torch_state_dict and have no eval()/train() (call them with training=True or False)',
      init: 'weight initialisation is not converted: load trained weights with load_torch_state_dict',
      api: 'no Keras equivalent yet',
      method: 'no Keras equivalent yet',
      name: 'no Keras equivalent yet',
      inplaceExpression: 'an in-place update inside an expression: no Keras equivalent yet; write it as its own statement',
      inplaceOther: 'no Keras equivalent yet',
      noGrad: 'Keras computes gradients only inside a GradientTape',
      random: 'random numbers: no Keras equivalent yet (trained weights come from load_torch_state_dict)',
    },
  },
};

/** The names an import statement binds, each with the dotted path it stands for: `import torch.nn as nn` → nn:
 *  torch.nn; `import torch.nn` → torch: torch; `from torch import nn` → nn: torch.nn. */
export function importedNames(stmt: Node): Array<[string, string]> {
  if (stmt.type === 'import_statement') {
    return stmt.namedChildren.flatMap((name): Array<[string, string]> => {
      if (!name) return [];
      if (name.type === 'aliased_import') return [[name.childForFieldName('alias')!.text, name.childForFieldName('name')!.text]];
      const top = name.text.split('.')[0];
      return [[top, top]];
    });
  }
  const from = stmt.childForFieldName('module_name')!.text;
  return stmt.childrenForFieldName('name').flatMap((name): Array<[string, string]> => {
    if (!name) return [];
    if (name.type === 'aliased_import') return [[name.childForFieldName('alias')!.text, `${from}.${name.childForFieldName('name')!.text}`]];
    return [[name.text, `${from}.${name.text}`]];
  });
}

export function convertTorch(text: string, target: ConversionTarget): ConversionResult {
  const tree = parsePython(text);
  const error = firstSyntaxError(tree);
  if (error) throw new InputError(`syntax error at line ${error.line}, column ${error.column}${error.text ? ` near '${error.text}'` : ''}`, error.line, error.column);
  return new Converter(text, PROFILES[target]).run(tree.rootNode);
}

export function convertTorchToJax(text: string): ConversionResult {
  return convertTorch(text, 'jax');
}

/** The classes a file derives from torch.nn.Module (directly or through another such class), resolved as conversion
 *  resolves them; a file that does not parse yet gives those of its intact parts. */
export function moduleClassNames(root: Node): Set<string> {
  return new Converter(root.text, PROFILES.jax).moduleClassesOf(root);
}

class Converter {
  private aliases = new Map<string, string>();
  private moduleClasses = new Set<string>();
  /** module-level functions that build modules: they take `rngs` like a module's __init__ */
  private builders = new Set<string>();
  /** methods of module classes that build modules (ResNet._make_layer): they take `rngs` too */
  private builderMethods = new Set<string>();
  /** parameters that receive module classes at some call site in the file, by function or method name */
  private factoryParams = new Map<string, Set<string | number>>();
  private helpers = new Set<string>();
  private diagnostics: Diagnostic[] = [];
  private mappings: MappingEntry[] = [];
  /** marker messages waiting for the end of the statement being emitted */
  private pendingMarkers: Array<{ message: string; disables: boolean }> = [];
  private scopes: FunctionScope[] = [];
  private classes: ClassInfo[] = [];
  private emitter = makeEmitter((name) => this.helpers.add(name));
  /** what the last entry emission made explicit, for the mapping recorded next */
  private lastExplicit?: { explicit: Explicit; written: Arg[] };
  /** the op each converted call became, by node id: the overload that applied decides what it returns (torch.max(x) vs
   *  torch.max(x, 1)) */
  private appliedOps = new Map<number, OpEntry>();
  private usesModules = false;

  constructor(private readonly source: string, private readonly target: TargetProfile) {}

  moduleClassesOf(root: Node): Set<string> {
    this.collectImports(root);
    this.collectModuleClasses(root);
    return this.moduleClasses;
  }

  run(root: Node): ConversionResult {
    this.collectImports(root);
    this.collectModuleClasses(root);
    this.collectBuilders(root);
    const body: string[] = [];
    // the JAX imports go where the first statement after the docstring and __future__ imports was
    let insertAt = -1;
    let cursor = root.startIndex;
    for (const stmt of root.namedChildren) {
      if (!stmt) continue;
      body.push(this.source.slice(cursor, stmt.startIndex));
      if (insertAt < 0 && !isPreamble(stmt)) insertAt = body.length;
      if (this.isTorchImport(stmt)) {
        cursor = this.skipLine(stmt.endIndex);
        continue;
      }
      body.push(this.emit(stmt));
      cursor = stmt.endIndex;
    }
    if (insertAt < 0) insertAt = body.length;
    body.push(this.source.slice(cursor));
    const code = this.assemble(body, insertAt);
    this.diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
    return { code, diagnostics: this.diagnostics, mappings: this.mappings };
  }

  // ---- resolve -------------------------------------------------------------------------------------------------

  private collectImports(root: Node) {
    for (const stmt of root.descendantsOfType(['import_statement', 'import_from_statement'])) {
      if (stmt) for (const [name, path] of importedNames(stmt)) this.aliases.set(name, path);
    }
  }

  private isTorchImport(stmt: Node): boolean {
    if (stmt.type === 'import_statement') return stmt.namedChildren.every((n) => n && isTorchPath(n.type === 'aliased_import' ? n.childForFieldName('name')!.text : n.text));
    if (stmt.type === 'import_from_statement') return isTorchPath(stmt.childForFieldName('module_name')!.text);
    return false;
  }

  /** Classes whose base is torch.nn.Module or another such class in this file. */
  private collectModuleClasses(root: Node) {
    let grew = true;
    const classes = root.descendantsOfType('class_definition').filter((c): c is Node => !!c);
    while (grew) {
      grew = false;
      for (const cls of classes) {
        const name = cls.childForFieldName('name')!.text;
        if (this.moduleClasses.has(name)) continue;
        const bases = cls.childForFieldName('superclasses')?.namedChildren ?? [];
        if (bases.some((b) => b && (this.qualify(b) === 'torch.nn.Module' || this.moduleClasses.has(b.text)))) {
          this.moduleClasses.add(name);
          grew = true;
        }
      }
    }
  }

  /** Functions and module-class methods that construct modules (directly, through module classes, other builders, or
   *  parameters that receive module classes at their call sites). */
  private collectBuilders(root: Node) {
    this.collectFactoryArguments(root);
    const definitions = (nodes: Array<Node | null>) => nodes
      .map((n) => (n?.type === 'decorated_definition' ? n.childForFieldName('definition') : n))
      .filter((n): n is Node => n?.type === 'function_definition');
    const functions = definitions(root.namedChildren);
    const methods = root.descendantsOfType('class_definition')
      .filter((c): c is Node => !!c && this.moduleClasses.has(c.childForFieldName('name')!.text))
      .flatMap((c) => definitions(c.childForFieldName('body')!.namedChildren))
      .filter((m) => !['__init__', 'forward'].includes(m.childForFieldName('name')!.text));
    let grew = true;
    while (grew) {
      grew = false;
      for (const [fn, set] of [...functions.map((f) => [f, this.builders] as const), ...methods.map((m) => [m, this.builderMethods] as const)]) {
        const name = fn.childForFieldName('name')!.text;
        if (set.has(name) || !this.constructsModules(fn)) continue;
        set.add(name);
        grew = true;
      }
    }
  }

  private constructsModules(fn: Node): boolean {
    const factories = this.factoryParams.get(fn.childForFieldName('name')!.text);
    return fn.descendantsOfType('call').some((call) => {
      const callee = call?.childForFieldName('function');
      if (!callee) return false;
      const path = this.qualify(callee);
      if (path && (moduleIndex.has(path) || containers[path])) return true;
      if (this.moduleClasses.has(callee.text) || this.builders.has(callee.text) || !!factories?.has(callee.text)) return true;
      return callee.type === 'attribute' && callee.childForFieldName('object')!.text === 'self' && this.builderMethods.has(callee.childForFieldName('attribute')!.text);
    });
  }

  /** `self._make_layer(BasicBlock, 64, 2)`: the parameter that receives BasicBlock is a factory inside _make_layer. */
  private collectFactoryArguments(root: Node) {
    for (const call of root.descendantsOfType('call')) {
      const callee = call?.childForFieldName('function');
      const name = callee?.type === 'identifier' ? callee.text : callee?.type === 'attribute' && callee.childForFieldName('object')!.text === 'self' ? callee.childForFieldName('attribute')!.text : undefined;
      if (!name) continue;
      const args = call!.childForFieldName('arguments')?.namedChildren ?? [];
      args.forEach((arg, index) => {
        if (!arg) return;
        const isKeyword = arg.type === 'keyword_argument';
        const value = isKeyword ? arg.childForFieldName('value')! : arg;
        if (!this.moduleClasses.has(value.text) && !this.isModuleFactory(value)) return;
        const set = this.factoryParams.get(name) ?? new Set();
        set.add(isKeyword ? arg.childForFieldName('name')!.text : index);
        this.factoryParams.set(name, set);
      });
    }
  }

  /** The dotted torch path an expression names (`F.gelu` → torch.nn.functional.gelu), unless shadowed locally. */
  private qualify(node: Node): string | undefined {
    if (node.type === 'identifier') {
      if (this.scopes.some((s) => s.locals.has(node.text))) return undefined;
      return this.aliases.get(node.text);
    }
    if (node.type === 'attribute') {
      const base = this.qualify(node.childForFieldName('object')!);
      return base ? `${base}.${node.childForFieldName('attribute')!.text}` : undefined;
    }
    return undefined;
  }

  private kindOf(node: Node): Kind {
    switch (node.type) {
      case 'identifier': {
        for (let i = this.scopes.length - 1; i >= 0; i--) {
          const kind = this.scopes[i].locals.get(node.text);
          if (kind) return kind;
        }
        if (this.moduleClasses.has(node.text) || (this.aliases.has(node.text) && moduleIndex.has(this.qualify(node) ?? ''))) return 'factory';
        // an imported name (math, np, a helper module) is never a tensor receiver
        return this.aliases.has(node.text) ? 'other' : 'unknown';
      }
      case 'attribute': {
        const object = node.childForFieldName('object')!;
        const attr = node.childForFieldName('attribute')!.text;
        if (moduleIndex.has(this.qualify(node) ?? '')) return 'factory';
        if (object.text === 'self') return this.currentClass()?.attrs.get(attr) ?? 'unknown';
        if (attr === 'shape') return 'shape';
        if (['T', 'mT', 'real', 'imag'].includes(attr)) return this.kindOf(object) === 'tensor' ? 'tensor' : 'unknown';
        if (['ndim', 'dtype', 'device', 'is_cuda', 'requires_grad'].includes(attr)) return 'other';
        return 'unknown';
      }
      case 'call': return this.callKind(node);
      case 'binary_operator': {
        const l = this.kindOf(node.childForFieldName('left')!), r = this.kindOf(node.childForFieldName('right')!);
        if ([l, r].some(isTensorKind)) return 'tensor';
        return l === 'unknown' || r === 'unknown' ? 'unknown' : 'scalar';
      }
      case 'unary_operator': return this.kindOf(node.childForFieldName('argument')!);
      case 'parenthesized_expression': return node.namedChildren[0] ? this.kindOf(node.namedChildren[0]) : 'unknown';
      case 'subscript': {
        const k = this.kindOf(node.childForFieldName('value')!);
        if (isTensorKind(k) || k === 'tensors') return 'tensor';
        if (k === 'shape') return node.childForFieldName('subscript')?.type === 'slice' ? 'shape' : 'scalar';
        return 'unknown';
      }
      case 'integer': case 'float': case 'true': case 'false': case 'string': case 'none': return 'other';
      default: return 'unknown';
    }
  }

  private callKind(node: Node): Kind {
    const applied = this.appliedOps.get(node.id);
    if (applied) return applied.returns ?? 'tensor';
    const fn = node.childForFieldName('function')!;
    if (this.kindOf(fn) === 'module') return this.moduleResult(fn);
    const path = this.qualify(fn);
    if (path) {
      if (moduleIndex.has(path) || containers[path]) return 'module';
      if (path === 'torch.nn.Parameter') return 'param';
      const spelling = functionIndex.get(path)?.[0];
      if (spelling) return spelling.op.returns ?? 'tensor';
      return isTorchPath(path) ? 'tensor' : 'unknown';
    }
    if (fn.type === 'identifier') {
      if (this.buildsModule(fn)) return 'module';
      if (fn.text === 'self' && this.currentClass()) return 'tensor'; // self(x) runs the module's forward
      if (['len', 'int', 'float', 'round', 'sum', 'max', 'min', 'abs'].includes(fn.text)) return 'scalar';
      return 'unknown';
    }
    if (fn.type === 'attribute') {
      const object = fn.childForFieldName('object')!;
      const method = fn.childForFieldName('attribute')!.text;
      const receiver = this.kindOf(object);
      if (receiver === 'module') return 'tensor';
      if (isTensorKind(receiver) || receiver === 'unknown') {
        const spelling = methodIndex.get(method.replace(/_$/, ''))?.[0];
        if (spelling && (isTensorKind(receiver) || !this.looksLikePythonMethod(node, method))) return spelling.op.returns ?? 'tensor';
      }
    }
    return 'unknown';
  }

  /** Whether calling `fn` builds a module of this file: a module class, a builder function or method, a factory. */
  private buildsModule(fn: Node): boolean {
    if (fn.type === 'identifier' && (this.moduleClasses.has(fn.text) || this.builders.has(fn.text))) return true;
    if (fn.type === 'attribute' && fn.childForFieldName('object')!.text === 'self' && this.builderMethods.has(fn.childForFieldName('attribute')!.text)) return true;
    return this.kindOf(fn) === 'factory';
  }

  /** A torch module class, or functools.partial of one: calling it builds a module. */
  private isModuleFactory(node: Node): boolean {
    const path = this.qualify(node);
    if (path) return moduleIndex.has(path);
    if (node.type !== 'call' || !/^(functools\.)?partial$/.test(node.childForFieldName('function')!.text)) return false;
    const first = node.childForFieldName('arguments')?.namedChildren[0];
    return !!first && this.isModuleFactory(first);
  }

  /** What calling a module attribute returns (a tuple for MultiheadAttention, LSTM, ...). */
  private moduleResult(fn: Node): Kind {
    const attr = fn.type === 'attribute' && fn.childForFieldName('object')!.text === 'self' ? fn.childForFieldName('attribute')!.text : undefined;
    const path = attr ? this.currentClass()?.constructors.get(attr) : undefined;
    return (path && moduleIndex.get(path)?.module.returns) || 'tensor';
  }

  private currentClass(): ClassInfo | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) if (this.scopes[i].cls) return this.scopes[i].cls;
    return this.classes[this.classes.length - 1];
  }

  // ---- statements -----------------------------------------------------------------------------------------------

  private emit(node: Node): string {
    if (!isStatement(node)) return this.emitNode(node);
    const start = this.pendingMarkers.length;
    const text = this.emitNode(node);
    const markers = this.pendingMarkers.splice(start);
    const messages = [...new Set(markers.map((m) => m.message))];
    if (!messages.length) return text;
    const comment = `# rosetta: not converted: ${messages.join('; ')}`;
    return markers.some((m) => m.disables) ? disabledStatement(node, comment) : `${text}  ${comment}`;
  }

  private emitNode(node: Node): string {
    switch (node.type) {
      case 'class_definition': return this.emitClass(node);
      case 'function_definition': return this.emitFunction(node);
      case 'call': return this.emitCall(node);
      case 'attribute': return this.emitAttribute(node);
      case 'identifier': return this.emitIdentifier(node);
      case 'assignment': return this.emitAssignment(node);
      case 'binary_operator': return this.emitBinary(node);
      case 'augmented_assignment': return this.emitAugmented(node);
      case 'expression_statement': return this.emitExpressionStatement(node);
      case 'import_statement': case 'import_from_statement':
        return this.isTorchImport(node) ? 'pass  # torch import removed' : node.text;
      case 'with_statement': return this.emitWith(node);
      case 'decorator': return this.emitDecorator(node);
      case 'for_statement': {
        const iterable = this.kindOf(node.childForFieldName('right')!);
        this.bindTargets(node.childForFieldName('left')!, iterable === 'module' ? 'module' : 'unknown');
        return this.splice(node);
      }
      case 'comment': case 'string': case 'integer': case 'float': return node.text;
      default: return this.splice(node);
    }
  }

  /** The node's own text with each child replaced by its emitted form. */
  private splice(node: Node): string {
    return this.spliceBetween(node, node.startIndex, node.endIndex);
  }

  /** The node's text between two offsets, with the children that start in that range emitted. */
  private spliceBetween(node: Node, from: number, to: number): string {
    if (node.childCount === 0) return this.source.slice(from, to);
    let out = '';
    let cursor = from;
    for (const child of node.children) {
      if (!child || child.startIndex < from || child.startIndex >= to) continue;
      out += this.source.slice(cursor, child.startIndex) + this.emit(child);
      cursor = child.endIndex;
    }
    return out + this.source.slice(cursor, to);
  }

  private emitClass(node: Node): string {
    const name = node.childForFieldName('name')!.text;
    const isModule = this.moduleClasses.has(name);
    const info: ClassInfo = { name, attrs: new Map(), constructors: new Map(), readsTraining: this.target.training === 'deterministic' && isModule && /\bself\.training\b/.test(node.text) };
    if (isModule) {
      this.usesModules = true;
      this.collectAttributes(node, info);
    }
    this.classes.push(info);
    try {
      if (!isModule) return this.splice(node);
      const bases = node.childForFieldName('superclasses')!;
      const body = node.childForFieldName('body')!;
      const base = this.target.moduleBase;
      const newBases = bases.namedChildren.flatMap((b) => (b && this.qualify(b) === 'torch.nn.Module' ? (base ? [base] : []) : [b!.text])).join(', ');
      return this.source.slice(node.startIndex, bases.startIndex) + (newBases ? `(${newBases})` : '') + this.source.slice(bases.endIndex, body.startIndex) + this.splice(body);
    } finally {
      this.classes.pop();
    }
  }

  /** Attribute kinds from every `self.x = ...` in the class, so that methods see them before assignment order. */
  private collectAttributes(cls: Node, info: ClassInfo) {
    for (const assign of cls.descendantsOfType('assignment')) {
      const left = assign?.childForFieldName('left');
      const right = assign?.childForFieldName('right');
      if (!left || !right || left.type !== 'attribute' || left.childForFieldName('object')!.text !== 'self') continue;
      const kind = this.kindOf(right);
      const attr = left.childForFieldName('attribute')!.text;
      if (kind !== 'unknown' || !info.attrs.has(attr)) info.attrs.set(attr, kind);
      const path = right.type === 'call' ? this.qualify(right.childForFieldName('function')!) : undefined;
      if (path) info.constructors.set(attr, path);
    }
    for (const call of cls.descendantsOfType('call')) {
      const fn = call?.childForFieldName('function');
      if (fn?.text !== 'self.register_buffer') continue;
      const nameArg = call!.childForFieldName('arguments')!.namedChildren[0];
      const name = nameArg ? evalLiteral(nameArg) : undefined;
      if (typeof name === 'string') info.attrs.set(name, 'buffer');
    }
  }

  private emitFunction(node: Node): string {
    const cls = this.classes[this.classes.length - 1];
    const inModule = !!cls && this.moduleClasses.has(cls.name) && node.parent?.parent?.type === 'class_definition';
    const name = node.childForFieldName('name')!;
    const params = node.childForFieldName('parameters')!;
    const isBuilder = inModule ? this.builderMethods.has(name.text) : !cls && this.builders.has(name.text) && node.parent?.type !== 'block';
    const scope: FunctionScope = { locals: new Map(), cls: inModule ? cls : undefined, buildsModules: (inModule && name.text === '__init__') || isBuilder };
    this.collectParams(params, scope, this.factoryParams.get(name.text));
    this.scopes.push(scope);
    try {
      const body = node.childForFieldName('body')!;
      let head = this.source.slice(node.startIndex, name.startIndex);
      head += inModule && name.text === 'forward' ? this.target.forwardName : name.text;
      scope.forwardsKwargs = inModule && name.text === '__init__' && this.target.initKwargs && !params.namedChildren.some((p) => p?.type === 'dictionary_splat_pattern');
      scope.takesTraining = inModule && name.text === 'forward' && this.target.training === 'call-argument' && /\bself\.training\b/.test(node.text);
      const extra = scope.forwardsKwargs ? '**kwargs' : scope.takesTraining ? 'training=None' : undefined;
      const paramText = scope.buildsModules && this.target.rngs ? this.paramsWithRngs(params) : extra ? this.paramsWith(params, extra) : this.splice(params);
      const returnType = node.childForFieldName('return_type');
      const afterParams = returnType
        ? this.source.slice(params.endIndex, returnType.startIndex) + this.emit(returnType) + this.source.slice(returnType.endIndex, body.startIndex)
        : this.source.slice(params.endIndex, body.startIndex);
      const text = head + this.source.slice(name.endIndex, params.startIndex) + paramText + afterParams + this.emitBody(body, scope.buildsModules && !!cls?.readsTraining);
      // the hazards are JAX's: immutable arrays and jit
      if (!this.target.mutableArrays) this.reportHazards(body);
      return text;
    } finally {
      this.scopes.pop();
    }
  }

  /** A function body; a module's __init__ that reads self.training first declares the flag nnx toggles. */
  private emitBody(body: Node, declareTraining: boolean): string {
    if (!declareTraining) return this.splice(body);
    const isPreludeStatement = (s: Node) => s.type === 'expression_statement' && (s.namedChildren[0]?.type === 'string' || /^super\(.*\)\.__init__\(/.test(s.text));
    const first = body.namedChildren.find((s) => s && !isPreludeStatement(s));
    const at = first ? first.startIndex : body.endIndex;
    const indent = ' '.repeat(body.startPosition.column);
    const line = 'self.deterministic = False  # torch modules start in training mode; nnx eval()/train() set this';
    const before = this.spliceBetween(body, body.startIndex, at);
    const after = this.spliceBetween(body, at, body.endIndex);
    return first ? `${before}${line}\n${indent}${after}` : `${before}\n${indent}${line}`;
  }

  /** `(self, a, b=1)` → `(self, a, b=1, *, rngs: nnx.Rngs)`, the defaults converted; rngs goes before **kwargs. */
  private paramsWithRngs(params: Node): string {
    const items = params.namedChildren.filter((p): p is Node => !!p && p.type !== 'comment');
    const hasStar = items.some((p) => p.type === 'list_splat_pattern' || p.type === 'keyword_separator');
    return this.paramsWith(params, hasStar ? 'rngs: nnx.Rngs' : '*, rngs: nnx.Rngs');
  }

  /** `(self, x, y=1)` → `(self, x, y=1, <extra>)`, before a **kwargs. */
  private paramsWith(params: Node, extra: string): string {
    const items = params.namedChildren.filter((p): p is Node => !!p && p.type !== 'comment');
    const kwargs = items.find((p) => p.type === 'dictionary_splat_pattern');
    if (kwargs) return `${this.spliceBetween(params, params.startIndex, kwargs.startIndex)}${extra}, ${this.spliceBetween(params, kwargs.startIndex, params.endIndex)}`;
    const last = items[items.length - 1];
    return `${last ? this.spliceBetween(params, params.startIndex, last.endIndex) : '('}${last ? ', ' : ''}${extra})`;
  }

  private collectParams(params: Node, scope: FunctionScope, factories = new Set<string | number>()) {
    let index = 0;
    for (const p of params.namedChildren) {
      if (!p) continue;
      const ident = p.type === 'identifier' ? p : (p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier'));
      if (!ident || ident.text === 'self') continue;
      const position = index++;
      const annotation = p.childForFieldName('type')?.text ?? '';
      const defaultValue = p.childForFieldName('value');
      let kind: Kind = 'unknown';
      if ((defaultValue && this.isModuleFactory(defaultValue)) || factories.has(position) || factories.has(ident.text)) kind = 'factory';
      else if (/Tensor|Array/.test(annotation)) kind = 'tensor';
      else if (/^(int|float|bool|str)\b/.test(annotation)) kind = 'other';
      else if (defaultValue && defaultValue.type !== 'none') kind = 'other';
      else if (p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern') kind = 'other';
      scope.locals.set(ident.text, kind);
    }
  }

  private emitAssignment(node: Node): string {
    const left = node.childForFieldName('left')!;
    const right = node.childForFieldName('right');
    if (!right) return this.splice(node);
    // y[:, 0] = v on a tensor → y = y.at[:, 0].set(v) where arrays are immutable
    if (!this.target.mutableArrays && left.type === 'subscript' && isTensorKind(this.kindOf(left.childForFieldName('value')!))) {
      if (!this.target.functionalIndexUpdates) return this.mark(node, 'index update', this.target.reasons.inplaceOther);
      return this.indexUpdate(left, 'set', this.emit(right));
    }
    const tied = this.tiedWeight(left, right);
    if (tied) return tied;
    const text = this.splice(node);
    this.bindTargets(left, this.kindOf(right));
    return text;
  }

  /** `a.weight = b.weight` between submodules: both then read one variable (tie_weights decides how at run time,
   *  since an Embedding's table and a Linear's kernel have transposed layouts in Flax). */
  private tiedWeight(left: Node, right: Node): string | undefined {
    const owner = (n: Node) => (n.type === 'attribute' && n.childForFieldName('attribute')!.text === 'weight' ? n.childForFieldName('object')! : undefined);
    const [target, source] = [owner(left), owner(right)];
    if (!target || !source || !/^self\./.test(target.text) || !/^self\./.test(source.text)) return undefined;
    // NumPy arrays and keras.Variables tie by being shared, as the assignment does
    if (this.target.assignmentShares || !this.scopes.some((s) => s.buildsModules)) return undefined;
    this.record(left, 'weight tying', 'tie_weights', 'tie_weights', ['tied weights stay one variable: a Linear tied to an Embedding computes x @ table.T']);
    return `${target.text}, ${source.text} = ${this.emitter.helper('tie_weights')}(${target.text}, ${source.text})`;
  }

  private bindTargets(target: Node, kind: Kind) {
    const scope = this.scopes[this.scopes.length - 1];
    if (target.type === 'identifier') {
      scope?.locals.set(target.text, kind);
      return;
    }
    if (['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list'].includes(target.type)) {
      const elementKind: Kind = kind === 'tensors' ? 'tensor' : kind === 'shape' ? 'scalar' : 'unknown';
      for (const t of target.namedChildren) if (t) this.bindTargets(t, elementKind);
    }
  }

  /** `(x > 0) * 2.0`: where the target keeps bool under arithmetic, the operator is kept and marked. */
  private emitBinary(node: Node): string {
    const text = this.splice(node);
    const arithmetic = ['+', '-', '*', '/', '//', '%', '**', '@'].includes(node.childForFieldName('operator')!.text);
    const operands = [node.childForFieldName('left')!, node.childForFieldName('right')!];
    if (this.target.boolArithmetic || !arithmetic || !operands.some((o) => this.isBoolTensor(o))) return text;
    return this.mark(node, 'arithmetic on a bool tensor', 'TensorFlow keeps the bool dtype where torch promotes it: cast the bool tensor first (.float())');
  }

  /** A comparison that may be of tensors or a call of an op that returns bool, as written (names are not followed). */
  private isBoolTensor(node: Node): boolean {
    if (node.type === 'parenthesized_expression') return !!node.namedChildren[0] && this.isBoolTensor(node.namedChildren[0]);
    if (node.type === 'comparison_operator') return node.namedChildren.some((n) => !!n && (isTensorKind(this.kindOf(n)) || this.kindOf(n) === 'unknown'));
    return node.type === 'call' && !!this.appliedOps.get(node.id)?.boolResult;
  }

  private emitAugmented(node: Node): string {
    const left = node.childForFieldName('left')!;
    const op = node.childForFieldName('operator')!.text;
    const right = node.childForFieldName('right')!;
    if (!this.target.mutableArrays && left.type === 'subscript' && isTensorKind(this.kindOf(left.childForFieldName('value')!))) {
      const method = { '+=': 'add', '-=': 'subtract', '*=': 'multiply', '/=': 'divide' }[op];
      if (method && !this.target.functionalIndexUpdates) return this.mark(node, 'index update', this.target.reasons.inplaceOther);
      if (method) {
        const value = method === 'subtract' ? `-(${this.emit(right)})` : this.emit(right);
        return this.indexUpdate(left, method === 'subtract' ? 'add' : method, value);
      }
    }
    return this.splice(node);
  }

  private indexUpdate(subscript: Node, method: string, value: string): string {
    const target = subscript.childForFieldName('value')!;
    const index = this.source.slice(target.endIndex, subscript.endIndex);
    const targetText = this.emit(target);
    const indexText = this.spliceBetween(subscript, target.endIndex, subscript.endIndex);
    this.record(subscript, `index ${method}`, 'index_update', `.at[${index.slice(1, -1)}].${method}`, ['JAX arrays are immutable: the update returns a new array bound to the same name']);
    return `${targetText} = ${targetText}.at${indexText}.${method}(${value})`;
  }

  private emitExpressionStatement(node: Node): string {
    const expr = node.namedChildren[0];
    if (expr?.type === 'call') {
      const target = this.inplaceCallTarget(expr);
      if (target) return this.inplaceAssignment(target.text, this.emitCall(expr));
      const fn = expr.childForFieldName('function')!;
      if (fn.type === 'attribute') {
        const method = fn.childForFieldName('attribute')!.text;
        const receiver = fn.childForFieldName('object')!;
        if (receiver.text === 'self' && method === 'register_buffer') return this.registerBuffer(expr);
        if (method.endsWith('_') && !method.startsWith('_') && methodIndex.get(method.slice(0, -1))?.some((s) => s.op.inplace)) {
          return this.inplaceStatement(expr, receiver, method.slice(0, -1));
        }
      }
    }
    return this.splice(node);
  }

  /** `F.relu(x, inplace=True)` as a statement updates its input: that first argument, when it is a plain name. */
  private inplaceCallTarget(call: Node): Node | undefined {
    const path = this.qualify(call.childForFieldName('function')!);
    const at = path ? (functionIndex.get(path)?.[0]?.sig.params.findIndex((p) => p.name === 'inplace') ?? -1) : -1;
    if (at < 0) return undefined;
    const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'comment');
    const positional = args.filter((a) => a.type !== 'keyword_argument');
    const keyword = args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')!.text === 'inplace');
    const flag = keyword ? keyword.childForFieldName('value') : positional[at];
    return flag && evalLiteral(flag) === true && positional[0]?.type === 'identifier' ? positional[0] : undefined;
  }

  /** x.add_(y) as a statement → x = jnp.add(x, y) */
  private inplaceStatement(call: Node, receiver: Node, method: string): string {
    const result = this.emitMethod(call, receiver, method, `Tensor.${method}_`);
    if (result === undefined) return this.splice(call);
    const target = this.emit(receiver);
    // torch writes the result into the receiver, in the receiver's dtype
    if (this.target.mutableArrays) return methodIndex.get(method)?.[0].op.reshapesInPlace ? `${target} = ${result}` : this.inplaceAssignment(target, result);
    const converted = methodIndex.get(method)?.[0].op.boolResult ? this.target.castLike(result, target) : result;
    if (receiver.type === 'identifier' || (receiver.type === 'attribute' && this.kindOf(receiver) !== 'param')) return `${target} = ${converted}`;
    if (receiver.type === 'subscript' && this.target.functionalIndexUpdates) {
      return this.indexUpdate(receiver, 'set', converted);
    }
    return this.mark(call, `in-place ${method}_ on ${receiver.text}`, this.target.reasons.inplaceOther);
  }

  /** The result of an in-place op written back: into the same memory (keeping its dtype and its views) where arrays
   *  are mutable, else bound to the same name. */
  private inplaceAssignment(target: string, value: string): string {
    return this.target.mutableArrays ? `${target}[...] = ${value}` : `${target} = ${value}`;
  }

  private registerBuffer(call: Node): string {
    const args = this.collectArgs(call);
    const [nameArg, value] = args.positional;
    const persistent = args.keywords.persistent ?? args.positional[2];
    if (!nameArg || typeof nameArg.lit !== 'string' || !value) return this.mark(call, 'register_buffer', 'the buffer name must be a string literal');
    const transient = !!persistent && persistent.lit === false;
    if (!this.target.rngs) return this.plainBuffer(call, nameArg.lit, value.text, transient);
    const cls = transient ? 'TransientBuffer' : 'Buffer';
    this.emitter.helper('Buffer');
    this.record(call, 'torch.nn.Module.register_buffer', 'buffer', cls, []);
    return `self.${nameArg.lit} = ${cls}(${value.text})`;
  }

  /** A buffer of a plain class is an attribute; a non-persistent one is registered to stay out of the state_dict. */
  private plainBuffer(call: Node, name: string, value: string, transient: boolean): string {
    this.record(call, 'torch.nn.Module.register_buffer', 'buffer', transient ? 'register_buffer' : 'attribute', []);
    if (!transient) return `self.${name} = ${value}`;
    return `${this.emitter.helper('register_buffer')}(self, ${JSON.stringify(name)}, ${value}, persistent=False)`;
  }

  private emitWith(node: Node): string {
    const clause = node.namedChildren.find((c) => c?.type === 'with_clause');
    const items = clause?.namedChildren ?? [];
    const noGrad = items.length === 1 && items[0] && /^(torch\.)?(no_grad|inference_mode)\(\)$/.test(this.pathText(items[0]));
    if (!noGrad) return this.splice(node);
    const body = node.childForFieldName('body')!;
    this.record(node, 'torch.no_grad', 'no_grad', '(nothing)', [`${this.target.reasons.noGrad}, so no_grad needs no counterpart`]);
    return `if True:  # was: with ${items[0]!.text}` + this.source.slice(clause!.endIndex, body.startIndex).replace(/^:/, '') + this.splice(body);
  }

  /** @torch.no_grad() and @torch.inference_mode() have nothing to do in JAX: the line stays as a comment. */
  private emitDecorator(node: Node): string {
    const expr = node.namedChildren[0];
    if (!expr || !/^(torch\.)?(no_grad|inference_mode)\(\)$/.test(this.pathText(expr))) return this.splice(node);
    this.record(node, 'torch.no_grad', 'no_grad', '(nothing)', [`${this.target.reasons.noGrad}, so no_grad needs no counterpart`]);
    return `# ${node.text}: ${this.target.reasons.noGrad}`;
  }

  private pathText(item: Node): string {
    const call = item.type === 'with_item' ? item.namedChildren[0] : item;
    if (call?.type !== 'call') return item.text;
    const path = this.qualify(call.childForFieldName('function')!);
    return path ? `${path}()` : item.text;
  }

  // ---- expressions ----------------------------------------------------------------------------------------------

  private emitIdentifier(node: Node): string {
    const path = this.qualify(node);
    return path && isTorchPath(path) ? this.emitTorchValue(node, path) : node.text;
  }

  private emitAttribute(node: Node): string {
    const object = node.childForFieldName('object')!;
    const attr = node.childForFieldName('attribute')!.text;
    const path = this.qualify(node);
    if (path && isTorchPath(path)) return this.emitTorchValue(node, path);
    const isStore = node.parent?.type === 'assignment' && node.parent.childForFieldName('left')?.id === node.id;
    if (object.text === 'self' && attr === 'training' && this.currentClass()?.readsTraining) {
      this.record(node, 'torch.nn.Module.training', 'training', 'not self.deterministic', ['nnx .eval()/.train() set `deterministic` on every module that has it']);
      return '(not self.deterministic)';
    }
    if (object.text === 'self' && attr === 'training' && this.target.training === 'call-argument' && this.moduleClasses.has(this.currentClass()?.name ?? '')) {
      if (!this.scopes.some((sc) => sc.takesTraining)) return this.mark(node, 'torch.nn.Module.training', 'Keras passes training only to call: read it in forward');
      this.record(node, 'torch.nn.Module.training', 'training', 'bool(training)', ['Keras layers take training as an argument of call, passed down to nested layers; it defaults to inference']);
      return 'bool(training)';
    }
    if (object.text === 'self' && attr === 'training' && this.target.training === 'inference' && this.moduleClasses.has(this.currentClass()?.name ?? '')) {
      this.warn(node, 'self.training is False: the NumPy target is for inference, so modules are always in evaluation mode');
      this.record(node, 'torch.nn.Module.training', 'training', 'False', ['inference target: modules are always in evaluation mode']);
      return 'False';
    }
    if (object.text === 'self' && !isStore) {
      const kind = this.currentClass()?.attrs.get(attr);
      if (kind === 'param' || kind === 'buffer') return this.target.readVariable(attr);
    }
    if (isTensorKind(this.kindOf(object)) && attr === 'data') return this.emit(object);
    // torch.max(x, 1).values: ops returning (values, indices) named tuples give plain tuples in JAX
    if (attr === 'values' || attr === 'indices') {
      const text = this.emit(object);
      const converted = object.type !== 'call' || text !== object.text;
      if (converted && this.kindOf(object) === 'tensors') return `${text}[${attr === 'values' ? 0 : 1}]`;
      return text + this.source.slice(object.endIndex, node.endIndex);
    }
    return this.splice(node);
  }

  /** A torch name used as a value: dtypes, constants, or a function passed along (act = F.gelu). */
  private emitTorchValue(node: Node, path: string): string {
    if (this.target.dtypes[path]) return this.target.dtypes[path];
    if (this.target.constants[path]) return this.target.constants[path];
    // an annotation naming a torch module class (-> nn.Sequential) names a target module
    if (/^torch\.nn\.[A-Z]\w*$/.test(path) && hasAncestor(node, 'type')) return this.target.constants['torch.nn.Module'];
    const module = moduleIndex.get(path);
    if (module) return this.moduleClassValue(node, path, module);
    const spelling = functionIndex.get(path)?.[0];
    if (spelling) {
      const param = this.emitter.fresh('x');
      try {
        const body = this.applyOp(node, path, spelling, [{ text: param, tensor: true }], {});
        return `(lambda ${param}: ${body})`;
      } catch (e) {
        if (!(e instanceof UnsupportedError || e instanceof BindError)) throw e;
      }
    }
    return this.mark(node, path, this.target.reasons.name);
  }

  /** A torch module class used as a value: in isinstance() its Flax class; elsewhere (act_layer=nn.GELU) a factory
   *  with the torch constructor's parameters and a keyword-only rngs, building what the constructor call would. */
  private moduleClassValue(node: Node, path: string, spelling: ModuleSpelling): string {
    const targetClass = this.targetClass(spelling.module);
    if (targetClass && node.parent?.parent?.type === 'call' && node.parent.parent.childForFieldName('function')?.text === 'isinstance') return targetClass;
    try {
      const factory = this.moduleFactory(spelling);
      this.record(node, path, spelling.module.name, this.target.spellingOf(spelling.module), spelling.module.notes ?? [], spelling.module.status);
      return factory;
    } catch (e) {
      return this.failed(node, path, e);
    }
  }

  /** The class a module entry builds: a Flax class, or a prelude class (copied into the file when named). */
  private targetClass(module: ModuleEntry): string | undefined {
    const name = this.target.moduleClass.exec(this.target.spellingOf(module))?.[1];
    return name && preludeHas(this.target.name, name) ? this.emitter.helper(name) : name;
  }

  /** The factory text; parameters whose emission needs a literal are fixed to their defaults and left out of the
   *  signature, so that passing them fails loudly instead of being ignored (device/dtype first, then modes). */
  private moduleFactory({ module, sig }: ModuleSpelling): string {
    const fixable = [(n: string) => n === 'device' || n === 'dtype', (_: string, d?: string) => !!d && /^['"]/.test(d), (_: string, d?: string) => d === 'None'];
    let lastError: unknown;
    for (let level = 1; level <= fixable.length; level++) {
      const fixed = (name: string, defaultText?: string) => fixable.slice(0, level).some((f) => f(name, defaultText));
      const bound: Bound = Object.fromEntries(sig.params.map((p) => [p.name, fixed(p.name, p.defaultText) ? { text: p.defaultText!, lit: p.default } : { text: p.name }]));
      try {
        // a factory's parameters are its caller's to fill: none of them is a torch default
        const emit = this.emitterFor(module);
        const body = this.emitEntry(Object.values(bound), () => emit(bound, this.emitter));
        const params = sig.params.filter((p) => !fixed(p.name, p.defaultText)).map((p) => `${p.variadic ? '*' : ''}${p.name}${p.defaultText !== undefined ? `=${p.defaultText}` : ''}`);
        const rngsParam = sig.params.some((p) => p.variadic || (p.keywordOnly && !fixed(p.name, p.defaultText))) ? 'rngs=None' : '*, rngs=None';
        return `(lambda ${[...params, ...(this.target.rngs ? [rngsParam] : [])].join(', ')}: ${body})`;
      } catch (e) {
        if (!(e instanceof UnsupportedError || e instanceof BindError)) throw e;
        lastError = e;
      }
    }
    throw lastError;
  }

  private collectArgs(call: Node): { positional: Arg[]; keywords: Record<string, Arg>; starred: boolean } {
    const positional: Arg[] = [];
    const keywords: Record<string, Arg> = {};
    let starred = false;
    const argsNode = call.childForFieldName('arguments');
    if (argsNode?.type === 'generator_expression') return { positional: [{ text: this.emit(argsNode) }], keywords, starred };
    for (const a of argsNode?.namedChildren ?? []) {
      if (!a || a.type === 'comment') continue;
      if (a.type === 'keyword_argument') {
        const value = a.childForFieldName('value')!;
        keywords[a.childForFieldName('name')!.text] = this.toArg(value);
      } else if (['list_splat', 'dictionary_splat', 'list_splatting', 'dictionary_splatting'].includes(a.type)) {
        starred = true;
        positional.push({ text: this.emit(a) });
      } else {
        positional.push(this.toArg(a));
      }
    }
    return { positional, keywords, starred };
  }

  private toArg(node: Node): Arg {
    return { text: this.emit(node), lit: evalLiteral(node), tensor: isTensorKind(this.kindOf(node)) };
  }

  private emitCall(node: Node): string {
    const fn = node.childForFieldName('function')!;
    if (/^super\(.*\)\.__init__$/.test(fn.text) && this.scopes[this.scopes.length - 1]?.forwardsKwargs) {
      const args = node.childForFieldName('arguments')!;
      const none = !args.namedChildren.some((a) => a && a.type !== 'comment');
      return `${this.spliceBetween(node, node.startIndex, args.startIndex)}${none ? '(**kwargs)' : `${this.spliceBetween(args, args.startIndex, args.endIndex - 1)}, **kwargs)`}`;
    }
    const path = this.qualify(fn);
    if (path && isTorchPath(path)) return this.emitTorchCall(node, path);
    if (fn.type === 'attribute') {
      const receiver = fn.childForFieldName('object')!;
      const method = fn.childForFieldName('attribute')!.text;
      if (this.target.moduleMethods.has(method) && (receiver.text === 'self' ? !!this.scopes.some((sc) => sc.cls) : this.kindOf(receiver) === 'module')) {
        return this.mark(node, `torch.nn.Module.${method}`, this.target.reasons.moduleMethod);
      }
      if (method === 'forward' && this.kindOf(receiver) === 'module') return `${this.emit(receiver)}${this.spliceBetween(node, fn.endIndex, node.endIndex)}`;
      const converted = this.emitMethod(node, receiver, method);
      if (converted !== undefined) return converted;
    }
    if (this.buildsModule(fn)) return this.withRngs(node, this.splice(node));
    return this.splice(node);
  }

  /** A Tensor method call, or undefined when the receiver is not a tensor. */
  private emitMethod(node: Node, receiver: Node, method: string, api = `Tensor.${method}`): string | undefined {
    const kind = this.kindOf(receiver);
    // self.norm(x) calls a submodule, not Tensor.norm
    if (receiver.text === 'self') return undefined;
    if (!(isTensorKind(kind) || (kind === 'unknown' && !this.looksLikePythonMethod(node, method)))) return undefined;
    const inplaceBase = method.endsWith('_') && methodIndex.get(method.slice(0, -1))?.some((s) => s.op.inplace) ? method.slice(0, -1) : undefined;
    if (inplaceBase) return this.inplaceInExpression(node, receiver, inplaceBase);
    const spellings = methodIndex.get(method);
    if (!spellings) {
      if (isTensorKind(kind) && /^[a-z]/.test(method) && !method.startsWith('__')) return this.mark(node, `Tensor.${method}`, this.target.reasons.method);
      return undefined;
    }
    const args = this.collectArgs(node);
    const self: Arg = { text: this.emit(receiver), tensor: true };
    // on a receiver of unknown type, a call that fits no Tensor signature is some other object's method
    if (kind === 'unknown' && !spellings.some((s) => fits(s, [self, ...args.positional], args.keywords))) return undefined;
    return this.applyOverloads(node, api, spellings, [self, ...args.positional], args.keywords);
  }

  /** `f(x).add_(1)`: the updated temporary is the value, so the out-of-place op is exact; on a name it is not. */
  private inplaceInExpression(node: Node, receiver: Node, base: string): string {
    if (['identifier', 'attribute', 'subscript'].includes(receiver.type)) {
      return this.mark(node, `Tensor.${base}_`, this.target.reasons.inplaceExpression);
    }
    if (methodIndex.get(base)?.[0].op.boolResult) return this.mark(node, `Tensor.${base}_`, 'the in-place form keeps the dtype of a temporary; write it as its own statement');
    return this.emitMethod(node, receiver, base, `Tensor.${base}_`)!;
  }

  /** `s.split(',')` on a value of unknown type is a str method; `x.split(2, dim=1)` a Tensor one. */
  private looksLikePythonMethod(call: Node, method: string): boolean {
    if (!AMBIGUOUS_METHODS.has(method)) return false;
    const first = call.childForFieldName('arguments')?.namedChildren[0];
    // list.sort takes only key= and reverse= and returns None: other arguments, or a used result, make it a tensor sort
    if (method === 'sort') return call.parent?.type === 'expression_statement' && (!first || (first.type === 'keyword_argument' && ['key', 'reverse'].includes(first.childForFieldName('name')!.text)));
    return method !== 'split' || !first || first.type === 'string';
  }

  private emitTorchCall(node: Node, path: string): string {
    const args = this.collectArgs(node);
    const container = this.target.containers[path];
    if (container) {
      try {
        const text = container(args.positional, args.keywords, this.emitter);
        this.record(node, path, 'container', text.split('(')[0], []);
        return text;
      } catch (e) {
        return this.failed(node, path, e);
      }
    }
    if (args.starred) return this.mark(node, path, 'calls with *args or **kwargs cannot be bound to the signature statically');
    const module = moduleIndex.get(path);
    if (module) {
      try {
        const emit = this.emitterFor(module.module);
        const bound = bind(module.sig, args.positional, args.keywords);
        const text = this.emitEntry(writtenArgs(args), () => emit(bound, this.emitter));
        this.record(node, path, module.module.name, this.target.spellingOf(module.module), module.module.notes ?? [], module.module.status);
        return this.warnOutsideBuilders(node, text);
      } catch (e) {
        return this.failed(node, path, e);
      }
    }
    const special = this.target.specialFunctions[path];
    if (special) {
      try {
        const text = this.emitEntry(writtenArgs(args), () => special(args.positional, args.keywords, this.emitter));
        this.record(node, path, path.split('.').pop()!, text.split('(')[0], []);
        return text;
      } catch (e) {
        return this.failed(node, path, e);
      }
    }
    const spellings = functionIndex.get(path);
    if (!spellings && path.startsWith('torch.nn.init.')) return this.mark(node, path, this.target.reasons.init);
    if (!spellings) return this.mark(node, path, this.target.reasons.api);
    return this.applyOverloads(node, path, spellings, args.positional, args.keywords);
  }

  /** Tries each spelling of an API in turn (torch.max(x) and torch.max(x, dim) are different ops). */
  private applyOverloads(node: Node, api: string, spellings: FunctionSpelling[], positional: Arg[], keywords: Record<string, Arg>): string {
    let lastError: unknown;
    for (const spelling of spellings) {
      try {
        return this.applyOp(node, api, spelling, positional, keywords);
      } catch (e) {
        if (!(e instanceof BindError)) return this.failed(node, api, e);
        lastError = e;
      }
    }
    return this.failed(node, api, lastError);
  }

  private applyOp(node: Node, api: string, spelling: FunctionSpelling, positional: Arg[], keywords: Record<string, Arg>): string {
    const bound: Bound = bind(spelling.sig, positional, keywords);
    const emit = this.emitterFor(spelling.op);
    if (spelling.op.random && !(this.target.rngs && this.scopes.some((s) => s.buildsModules))) {
      throw new UnsupportedError(this.target.reasons.random);
    }
    const text = this.emitEntry(writtenArgs({ positional, keywords }), () => emit(bound, this.emitter));
    this.record(node, api, spelling.op.name, this.target.spellingOf(spelling.op), spelling.op.notes ?? [], spelling.op.status);
    this.appliedOps.set(node.id, spelling.op);
    return text;
  }

  /** The target's emission of an entry; an entry without one has no equivalent in the target yet. */
  private emitterFor(entry: OpEntry | ModuleEntry): JaxEmit {
    return this.target.emitOf(entry) ?? (() => { throw new UnsupportedError(this.target.reasons.api); });
  }

  /** A call that builds a module of this file (a class, a builder function or method, a factory) gets `rngs`. */
  private withRngs(node: Node, text: string): string {
    this.usesModules = true;
    if (!this.target.rngs) return text;
    const withArg = text.endsWith('()') ? text.replace(/\)$/, 'rngs=rngs)') : text.replace(/\)$/, ', rngs=rngs)');
    return this.warnOutsideBuilders(node, withArg);
  }

  /** Modules built where no `rngs` is in scope need the caller to provide one. */
  private warnOutsideBuilders(node: Node, text: string): string {
    if (this.target.rngs && !this.scopes.some((s) => s.buildsModules)) {
      this.warn(node, 'this module is built outside a converted __init__: pass `rngs=nnx.Rngs(0)` (or your own) where it is called');
    }
    return text;
  }

  // ---- reporting ------------------------------------------------------------------------------------------------

  /** Runs a catalogue entry's emission, keeping what it made explicit for the mapping recorded next. */
  private emitEntry(written: Arg[], emit: () => string): string {
    this.emitter.takeExplicit();
    const text = emit();
    this.lastExplicit = { explicit: this.emitter.takeExplicit(), written };
    return text;
  }

  /** An entry's manual 'approximate' stands; otherwise the emission decides between exact and explicit. */
  private record(node: Node, api: string, op: string, target: string, notes: string[], entryStatus?: Status) {
    const differences = this.lastExplicit ? explicitNotes(this.lastExplicit.explicit, this.lastExplicit.written) : [];
    this.lastExplicit = undefined;
    const status = entryStatus === 'approximate' ? entryStatus : differences.length ? 'explicit' : entryStatus ?? 'exact';
    this.mappings.push({ line: node.startPosition.row + 1, api, op, target, status, notes: [...differences, ...notes] });
  }

  /** A call the catalogue rejected is kept and marked; so is one whose entry failed, so one bad entry costs one call. */
  private failed(node: Node, api: string, error: unknown): string {
    if (error instanceof UnsupportedError || error instanceof BindError) return this.mark(node, api, error.message);
    return this.mark(node, api, `internal error in the catalogue entry (${error instanceof Error ? error.message : String(error)}); please report it`);
  }

  /** Keeps the original text, adds a marker comment at the end of its line, and reports it. */
  private mark(node: Node, api: string, reason: string): string {
    const message = `${api}: ${reason}`;
    this.diagnostics.push({ line: node.startPosition.row + 1, column: node.startPosition.column + 1, severity: 'error', message, api });
    this.pendingMarkers.push({ message, disables: this.disablesStatement(api) });
    return node.text;
  }

  /** Read once the body is converted, while its scope still says which names hold tensors. */
  private reportHazards(body: Node) {
    const types: TypeKnowledge = {
      isTensor: (n) => isTensorKind(this.kindOf(n)),
      isScalar: (n) => this.kindOf(n) === 'scalar',
      appliedOp: (call) => this.appliedOps.get(call.id),
      qualify: (n) => this.qualify(n),
      torchName: [...this.aliases].find(([, path]) => path === 'torch')?.[0],
    };
    for (const { node, code, message, rewrite } of functionHazards(body, types)) {
      this.diagnostics.push({ line: node.startPosition.row + 1, column: node.startPosition.column + 1, severity: 'warning', message, hazard: code, ...(rewrite ? { rewrite } : {}) });
    }
  }

  /** Torch-only weight initialisation and module introspection: a statement using them would fail in the target, so
   *  it is kept as a comment (with `pass` keeping the block valid); weights come from load_torch_state_dict. */
  private disablesStatement(api: string): boolean {
    return api.startsWith('torch.nn.init.') || (api.startsWith('torch.nn.Module.') && this.target.moduleMethods.has(api.slice('torch.nn.Module.'.length)));
  }

  private warn(node: Node, message: string) {
    this.diagnostics.push({ line: node.startPosition.row + 1, column: node.startPosition.column + 1, severity: 'warning', message });
  }

  private skipLine(index: number): number {
    const nl = this.source.indexOf('\n', index);
    return nl < 0 ? this.source.length : nl + 1;
  }

  /** Joins the emitted pieces with the target's imports and the helpers the code uses. */
  private assemble(body: string[], insertAt: number): string {
    const prelude = preludeFor([...this.helpers, ...(this.usesModules ? ['load_torch_state_dict'] : [])], this.target.name);
    const before = body.slice(0, insertAt).join('');
    const after = body.slice(insertAt).join('').replace(/^\n+/, '');
    const sep = before && !before.endsWith('\n') ? '\n' : '';
    return `${before}${sep}${this.target.header.join('\n')}\n${prelude ? `\n${prelude}\n\n` : '\n'}${after}`;
  }
}

/** The arguments a call wrote, positional and keyword. */
function writtenArgs(args: { positional: Arg[]; keywords: Record<string, Arg> }): Arg[] {
  return [...args.positional, ...Object.values(args.keywords)];
}

function disabledStatement(node: Node, comment: string): string {
  const indent = ' '.repeat(node.startPosition.column);
  const lines = node.text.split('\n').map((line, i) => `${indent}# ${i === 0 ? line : line.replace(new RegExp(`^${indent}`), '')}`);
  return `pass  ${comment}\n${lines.join('\n')}`;
}

/** Statements collect the markers of what they could not convert into one comment at their end. */
function isStatement(node: Node): boolean {
  return node.parent?.type === 'block' || node.parent?.type === 'module';
}

function fits(spelling: FunctionSpelling, positional: Arg[], keywords: Record<string, Arg>): boolean {
  try {
    bind(spelling.sig, positional, keywords);
    return true;
  } catch (e) {
    if (e instanceof BindError) return false;
    throw e;
  }
}

function hasAncestor(node: Node, type: string): boolean {
  for (let n = node.parent; n; n = n.parent) if (n.type === type) return true;
  return false;
}

function isTorchPath(path: string): boolean {
  return TORCH_ROOTS.includes(path.split('.')[0]) || path.startsWith('einops.layers.torch');
}

function isTensorKind(kind: Kind): boolean {
  return kind === 'tensor' || kind === 'param' || kind === 'buffer';
}

function isPreamble(stmt: Node): boolean {
  return (stmt.type === 'expression_statement' && stmt.namedChildren[0]?.type === 'string') || stmt.type === 'future_import_statement';
}

