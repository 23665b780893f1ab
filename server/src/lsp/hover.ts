// Hover on a torch call, attribute or module constructor: what the converter made of it, read from the conversion's
// own mappings (so hover resolves names exactly as conversion does) and from the catalogue entry behind it.
import { MarkupKind, type Hover, type Position, type Range } from 'vscode-languageserver';
import type { Node, Tree } from '../parser';
import type { Diagnostic, MappingEntry } from '../convert';
import { functionIndex, methodIndex, moduleIndex, type FunctionSpelling } from '../catalogue/index';
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

/** `statements`: the document's statement-by-statement conversions, read until the whole file's is computed. */
export function hoverAt(analysis: Analysis, position: Position, conformance: ConformanceResults, statements?: StatementConversions): Hover | null {
  const reference = referenceAt(analysis.tree, position);
  const conversion = reference && conversionAround(analysis, position.line, statements);
  if (!reference || !conversion) return null;
  const named = (api: string) => lastSegment(api) === reference.name;
  const mapping = conversion.mappings.find((m) => m.line === reference.line && named(m.api));
  if (mapping) return markdownHover(mappingMarkdown(mapping, conformance.confirmationOf(mapping.api), conformance.provenance()), reference.range);
  const unconverted = conversion.diagnostics.find((d) => d.api && d.line === reference.line && named(d.api));
  return unconverted ? markdownHover(unconvertedMarkdown(unconverted), reference.range) : null;
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
    `canonical op \`${mapping.op}\``,
    confirmation && CONFIRMATION_LABELS[confirmation] + (confirmation !== 'no-results' && provenance ? ` (${provenance})` : ''),
  ].filter(Boolean);
  const parts = [`\`${mapping.api}\` → \`${mapping.target}\``, facts.join(' · ')];
  if (entry?.signatures.length) parts.push(['```python', ...entry.signatures, '```'].join('\n'));
  if (mapping.notes.length) parts.push(mapping.notes.map((n) => `- ${n}`).join('\n'));
  return parts.join('\n\n');
}

export function unconvertedMarkdown(diagnostic: Diagnostic): string {
  const reason = diagnostic.message.replace(`${diagnostic.api}: `, '');
  return [`\`${diagnostic.api}\` → no JAX equivalent`, '**no equivalent** · kept as it was and marked `# rosetta: not converted`', reason].join('\n\n');
}

/** The torch signatures of every spelling the API has (overloads included); the call's status comes from its
 *  mapping, which the conversion derives from what the emission had to make explicit. */
function catalogueEntry(mapping: MappingEntry): { signatures: string[] } | undefined {
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
