// Python literal values as the converter sees them: what a node or a default evaluates to statically, and how to
// print a value back as Python source.
import type { Node } from './parser';

export type Lit = number | string | boolean | null | { float: number } | Lit[];

/** An argument in converted form: its Python text, and its value when known statically. */
export interface Arg {
  text: string;
  lit?: Lit;
  /** true when the expression is known to hold a tensor (array) */
  tensor?: boolean;
}

export function litArg(value: Lit): Arg {
  return { text: pyRepr(value), lit: value };
}

export function isNum(value: Lit | undefined): value is number | { float: number } {
  return typeof value === 'number' || (typeof value === 'object' && value !== null && !Array.isArray(value));
}

export function numValue(value: Lit | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (isNum(value)) return (value as { float: number }).float;
  return undefined;
}

/** Python source for a value; floats keep a decimal point or exponent. */
export function pyRepr(value: Lit): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return value.length === 1 ? `(${pyRepr(value[0])},)` : `(${value.map(pyRepr).join(', ')})`;
  const f = value.float;
  if (!Number.isFinite(f)) return f > 0 ? "float('inf')" : f < 0 ? "-float('inf')" : "float('nan')";
  const s = String(f);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

export function sameLit(a: Lit | undefined, b: Lit | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (isNum(a) && isNum(b)) return numValue(a) === numValue(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameLit(v, b[i]));
  return a === b;
}

/** The static value of a literal expression node (numbers, strings, True/False/None, tuples, lists, unary minus). */
export function evalLiteral(node: Node): Lit | undefined {
  switch (node.type) {
    case 'integer': {
      const v = Number(node.text.replace(/_/g, ''));
      return Number.isSafeInteger(v) ? v : undefined;
    }
    case 'float': return { float: Number(node.text.replace(/_/g, '')) };
    case 'true': return true;
    case 'false': return false;
    case 'none': return null;
    case 'string': {
      if (node.children.some((c) => c?.type === 'interpolation')) return undefined;
      const content = node.children.filter((c) => c?.type === 'string_content').map((c) => c!.text).join('');
      return content;
    }
    case 'parenthesized_expression': return node.namedChildren[0] ? evalLiteral(node.namedChildren[0]) : undefined;
    case 'unary_operator': {
      const operand = node.childForFieldName('argument');
      const v = operand ? evalLiteral(operand) : undefined;
      if (node.child(0)?.text === '-' && isNum(v)) return typeof v === 'number' ? -v : { float: -numValue(v)! };
      return undefined;
    }
    case 'tuple':
    case 'list': {
      const items = node.namedChildren.filter((c) => c && c.type !== 'comment').map((c) => evalLiteral(c!));
      return items.every((v) => v !== undefined) ? (items as Lit[]) : undefined;
    }
    default: return undefined;
  }
}

/** Parses the text of a default value in a catalogue signature ("1e-5", "None", "'none'", "(1, 1)"). */
export function parseLiteralText(text: string): Lit {
  const t = text.trim();
  if (t === 'None') return null;
  if (t === 'True') return true;
  if (t === 'False') return false;
  if (/^-?\d+$/.test(t)) return Number(t);
  if (/^-?[\d.]+(e-?\d+)?$/i.test(t) || /^-?\d+e-?\d+$/i.test(t)) return { float: Number(t) };
  if (t === "float('inf')") return { float: Infinity };
  const quoted = /^(['"])(.*)\1$/.exec(t);
  if (quoted) return quoted[2];
  const seq = /^[([](.*)[)\]]$/.exec(t);
  if (seq) return splitTopLevel(seq[1]).filter((s) => s.trim()).map(parseLiteralText);
  throw new Error(`unsupported default literal in catalogue: ${text}`);
}

/** Splits on commas that are not inside brackets or quotes. */
export function splitTopLevel(text: string, sep = ','): string[] {
  const out: string[] = [];
  let depth = 0, quote = '', start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) { if (c === quote && text[i - 1] !== '\\') quote = ''; continue; }
    if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === sep && depth === 0) { out.push(text.slice(start, i)); start = i + 1; }
  }
  out.push(text.slice(start));
  return out;
}
