// Lenses above every nn.Module class: "Convert to JAX", "Convert to NumPy", ... (the class, as the code actions convert
// it) and "Check" (the numerical check, with the constructor call and input specs the client offers the user to confirm).
// Above every module class of a JAX or Keras document: "Convert to PyTorch", and "Check" where the check runs that
// framework's code (JAX today).
import { Command, type CodeLens } from 'vscode-languageserver';
import type { Node } from '../parser';
import { moduleClassNames } from '../convert';
import { moduleClassesToTorch } from '../reverse/to-torch';
import { suppliedConstructorArguments } from '../check/check';
import { CheckCommand, ConvertToJaxCommand, targetLabel, targetsFrom, type CheckCommandArgument, type ConvertParams, type SourceFramework } from '../protocol';
import type { Analysis } from './analysis';
import { rangeOf } from './ranges';

/** An input spec to start from; the user edits it to the shapes the model takes. */
const DEFAULT_INPUT = 'float32[2,16]';

export function moduleClassLenses(analysis: Analysis, uri: string): CodeLens[] {
  const root = analysis.tree.rootNode;
  const modules = analysis.framework === 'torch' ? moduleClassNames(root) : moduleClassesToTorch(root, analysis.framework);
  return root.descendantsOfType('class_definition')
    .filter((c): c is Node => !!c && modules.has(c.childForFieldName('name')!.text))
    .flatMap((c) => lensesFor(c, uri, analysis.framework));
}

function lensesFor(cls: Node, uri: string, framework: SourceFramework): CodeLens[] {
  const range = rangeOf(cls.childForFieldName('name')!);
  const converts = targetsFrom(framework).map((target): CodeLens => {
    const convert: ConvertParams = { textDocument: { uri }, range: { start: range.start, end: range.start }, target };
    return { range, command: Command.create(`Convert to ${targetLabel(target)}`, ConvertToJaxCommand, convert) };
  });
  const supplied = suppliedConstructorArguments(framework);
  if (!supplied) return converts;
  return [...converts, { range, command: Command.create('Check', CheckCommand, checkArgument(cls, uri, framework, supplied)) }];
}

/** The method each framework's modules compute in. */
const CALL_METHODS: Record<SourceFramework, string> = { torch: 'forward', jax: '__call__', keras: 'call' };

/** The entry and inputs to start from: the constructor's required parameters but those the check supplies itself. */
function checkArgument(cls: Node, uri: string, framework: SourceFramework, supplied: string[]): CheckCommandArgument {
  const name = cls.childForFieldName('name')!.text;
  const required = requiredParameters(method(cls, '__init__')).filter((p) => !supplied.includes(p));
  return {
    textDocument: { uri },
    name,
    entry: `${name}(${required.map((p) => `${p}=`).join(', ')})`,
    needsArguments: required.length > 0,
    inputs: requiredParameters(method(cls, CALL_METHODS[framework])).map((p) => `${p}=${DEFAULT_INPUT}`),
  };
}

function method(cls: Node, name: string): Node | undefined {
  const definitions = cls.childForFieldName('body')!.namedChildren
    .map((n) => (n?.type === 'decorated_definition' ? n.childForFieldName('definition') : n));
  return definitions.find((d): d is Node => d?.type === 'function_definition' && d.childForFieldName('name')?.text === name);
}

/** Parameters without a default, `self` left out; `*args` and `**kwargs` need nothing. */
function requiredParameters(fn: Node | undefined): string[] {
  const [, ...parameters] = fn?.childForFieldName('parameters')?.namedChildren ?? [];
  return parameters.flatMap((p) => {
    const name = p?.type === 'typed_parameter' ? p.namedChildren[0] : p;
    return name?.type === 'identifier' ? [name.text] : [];
  });
}
