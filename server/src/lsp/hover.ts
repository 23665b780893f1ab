// Hover on a torch call, attribute or module constructor (or, in a JAX document, a JAX call or Flax layer): what the
// converter made of it, read from the conversion's own mappings (so hover resolves names exactly as conversion does)
// and from the catalogue entry behind it.
import { MarkupKind, type Hover, type Position, type Range } from 'vscode-languageserver';
import type { Node, Tree } from '../parser';
import type { ConversionResult, Diagnostic, MappingEntry } from '../convert';
import { targetLabel, targetsFrom, type Target } from '../protocol';
import { functionIndex, methodIndex, moduleIndex, type FunctionSpelling } from '../catalogue/index';
import { jaxFunctions, jaxLayers, linenFunctions, linenLayers } from '../catalogue/from-jax';
import { kerasFunctions, kerasLayers } from '../catalogue/from-keras';
import { describe } from '../catalogue/signature';
import type { Status } from '../catalogue/types';
import type { Analysis } from './analysis';
import { conversionAround, type StatementConversions } from './conversion';
import type { Confirmation, ConformanceResults } from './conformance';
import { rangeOf } from './ranges';

/** The dotted name under the cursor: its last segment, the 1-based line the converter records it on, and its range. */
export interface Reference {
  name: string;
  line: number;
  range: Range;
}

const STATUS_LABELS: Record<Status, string> = {
  exact: 'exact',
  explicit: 'exact with explicit arguments',
  approximate: 'approximate',
};

const CONFIRMATION_LABELS: Record<Confirmation, string> = {
  confirmed: 'confirmed against real PyTorch and JAX',
  failing: 'a real-framework conformance case fails',
  unconfirmed: 'not yet confirmed by a real-framework test',
  'no-results': 'not yet confirmed: no conformance results found',
};

/** What one target made of the call under the cursor: its mapping, or the finding that it was kept and marked. */
interface TargetFinding {
  target: Target;
  mapping?: MappingEntry;
  unconverted?: Diagnostic;
}

/** The first of the document's targets that knows the call in full (status, signatures, notes, confirmation), then
 *  every other target's spelling and notes. `statements`: the document's statement-by-statement conversions to its
 *  primary target, read until the whole file's is computed. */
export function hoverAt(analysis: Analysis, position: Position, conformance: ConformanceResults, statements?: StatementConversions): Hover | null {
  const reference = referenceAt(analysis.tree, position);
  if (!reference) return null;
  const findings = targetsFrom(analysis.framework).map((target) => findingOf(reference, conversionAround(analysis, position.line, statements, target), target));
  const primary = findings.find((f) => f.mapping || f.unconverted);
  if (!primary) return null;
  // the conformance results confirm torch APIs; the JAX side's entries are confirmed by test/from-jax.test.ts
  const confirmation = (mapping: MappingEntry) => (analysis.framework === 'torch' ? conformance.confirmationOf(mapping.api) : undefined);
  const main = primary.mapping
    ? mappingMarkdown(primary.mapping, confirmation(primary.mapping), conformance.provenance())
    : unconvertedMarkdown(primary.unconverted!, primary.target);
  const others = findings.filter((f) => f !== primary).map(otherTargetMarkdown);
  return markdownHover([main, ...others].join('\n\n'), reference.range);
}

function findingOf(reference: Reference, conversion: ConversionResult | undefined, target: Target): TargetFinding {
  const named = (api: string) => lastSegment(api) === reference.name;
  const mapping = conversion?.mappings.find((m) => m.line === reference.line && named(m.api));
  const unconverted = mapping ? undefined : conversion?.diagnostics.find((d) => d.api && d.line === reference.line && named(d.api));
  return { target, mapping, unconverted };
}

/** `**NumPy:** \`np.exp(x)\`` with its differences, or that the target has no equivalent yet. */
function otherTargetMarkdown({ target, mapping }: TargetFinding): string {
  const label = `**${targetLabel(target)}:**`;
  if (!mapping) return `${label} no ${targetLabel(target)} equivalent yet (kept as it was and marked)`;
  const line = `${label} \`${mapping.target}\` · ${STATUS_LABELS[mapping.status]}`;
  return [line, ...mapping.notes.map((n) => `- ${n}`)].join('\n');
}

/** `F.gelu` under any of its parts. The converter records a call on the line where the call starts, which for a
 *  method on a multi-line receiver is the receiver's first line. */
export function referenceAt(tree: Tree, position: Position): Reference | undefined {
  const node = tree.rootNode.descendantForPosition({ row: position.line, column: position.character });
  if (node?.type !== 'identifier') return undefined;
  let expression: Node = node;
  while (expression.parent?.type === 'attribute') expression = expression.parent;
  const name = expression.type === 'attribute' ? expression.childForFieldName('attribute')!.text : expression.text;
  const parent = expression.parent;
  const call = parent?.type === 'call' && parent.childForFieldName('function')?.id === expression.id ? parent : expression;
  return { name, line: call.startPosition.row + 1, range: rangeOf(expression) };
}

/** `provenance` names the conformance run the confirmation comes from (its date and framework versions). */
export function mappingMarkdown(mapping: MappingEntry, confirmation: Confirmation | undefined, provenance?: string): string {
  const entry = catalogueEntry(mapping);
  const facts = [
    entry && `**${STATUS_LABELS[mapping.status]}**`,
    mapping.op && `canonical op \`${mapping.op}\``,
    confirmation && CONFIRMATION_LABELS[confirmation] + (confirmation !== 'no-results' && provenance ? ` (${provenance})` : ''),
  ].filter(Boolean);
  const parts = [`\`${mapping.api}\` → \`${mapping.target}\``, facts.join(' · ')];
  if (entry?.signatures.length) parts.push(['```python', ...entry.signatures, '```'].join('\n'));
  if (mapping.notes.length) parts.push(mapping.notes.map((n) => `- ${n}`).join('\n'));
  return parts.join('\n\n');
}

export function unconvertedMarkdown(diagnostic: Diagnostic, target: Target): string {
  const reason = diagnostic.message.replace(`${diagnostic.api}: `, '');
  return [`\`${diagnostic.api}\` → no ${targetLabel(target)} equivalent`, '**no equivalent** · kept as it was and marked `# rosetta: not converted`', reason].join('\n\n');
}

/** The source signatures of every spelling the API has (overloads included; a JAX, Flax Linen or Keras API's from
 *  that side of the catalogue); the call's status comes from its mapping, which the conversion derives from its emission. */
function catalogueEntry(mapping: MappingEntry): { signatures: string[] } | undefined {
  const reverse = [jaxFunctions, jaxLayers, linenFunctions, linenLayers, kerasFunctions, kerasLayers].map((table) => table.get(mapping.api)).find(Boolean);
  if (reverse) return { signatures: [describe({ ...reverse.sig, path: mapping.api })] };
  const module = moduleIndex.get(mapping.api);
  if (module) return { signatures: [describe(module.sig)] };
  const spellings = spellingsOf(mapping.api);
  const op = spellings?.find((s) => s.op.name === mapping.op)?.op;
  if (!spellings || !op) return undefined;
  // in-place spellings (Tensor.add_) share the entry of Tensor.add; show them under the name the user wrote
  const signatures = spellings.map((s) => describe({ ...s.sig, path: mapping.api }));
  return { signatures: [...new Set(signatures)] };
}

function spellingsOf(api: string): FunctionSpelling[] | undefined {
  if (!api.startsWith('Tensor.')) return functionIndex.get(api);
  const method = api.slice('Tensor.'.length);
  return methodIndex.get(method) ?? methodIndex.get(method.replace(/_$/, ''));
}

function markdownHover(value: string, range: Range): Hover {
  return { contents: { kind: MarkupKind.Markdown, value }, range };
}

function lastSegment(api: string): string {
  return api.slice(api.lastIndexOf('.') + 1);
}
