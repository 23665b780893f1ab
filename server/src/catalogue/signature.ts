// Signatures written as Python text in the catalogue ("torch.nn.functional.gelu(input, approximate='none')"),
// parsed once, and the binding of a call's arguments to them with the defaults made explicit.
import { type Arg, type Lit, parseLiteralText, pyRepr, splitTopLevel } from '../pyvalue';

export interface Param {
  name: string;
  defaultText?: string;
  default?: Lit;
  keywordOnly: boolean;
  /** `*name`: collects the remaining positional arguments into a tuple */
  variadic: boolean;
}

export interface Signature {
  /** dotted path, e.g. torch.nn.functional.gelu; Tensor methods are written Tensor.name */
  path: string;
  params: Param[];
}

export function parseSignature(text: string): Signature {
  const open = text.indexOf('(');
  if (open < 0 || !text.endsWith(')')) throw new Error(`bad signature: ${text}`);
  const path = text.slice(0, open).trim();
  const inner = text.slice(open + 1, -1).trim();
  const params: Param[] = [];
  let keywordOnly = false;
  for (const raw of inner ? splitTopLevel(inner) : []) {
    const part = raw.trim();
    if (part === '*') { keywordOnly = true; continue; }
    const eq = part.indexOf('=');
    const head = eq < 0 ? part : part.slice(0, eq).trim();
    const variadic = head.startsWith('*');
    const name = head.replace(/^\*/, '');
    const defaultText = eq < 0 ? undefined : part.slice(eq + 1).trim();
    params.push({ name, defaultText, default: defaultText === undefined ? undefined : parseLiteralText(defaultText), keywordOnly, variadic });
    if (variadic) keywordOnly = true;
  }
  return { path, params };
}

export class BindError extends Error {}

export type Bound = Record<string, Arg>;

/** Binds positional and keyword arguments to a signature; every parameter with a default gets one. */
export function bind(sig: Signature, positional: Arg[], keywords: Record<string, Arg>): Bound {
  const bound: Bound = {};
  let i = 0;
  for (const p of sig.params) {
    if (p.variadic) {
      const rest = positional.slice(i);
      i = positional.length;
      // torch.zeros(size=(2, 3)): torch also accepts the variadic sequence by keyword
      if (rest.length || !(p.name in keywords)) bound[p.name] = packVariadic(rest);
      continue;
    }
    if (!p.keywordOnly && i < positional.length) bound[p.name] = positional[i++];
  }
  if (i < positional.length) throw new BindError(`${sig.path} takes at most ${i} positional arguments, got ${positional.length}`);
  for (const [name, arg] of Object.entries(keywords)) {
    const p = sig.params.find((q) => q.name === name);
    if (!p) throw new BindError(`${sig.path} has no parameter '${name}'`);
    if (bound[name]) throw new BindError(`${sig.path} got '${name}' twice`);
    bound[name] = arg;
  }
  for (const p of sig.params) {
    if (bound[p.name]) continue;
    if (p.defaultText === undefined) throw new BindError(`${sig.path} is missing argument '${p.name}'`);
    bound[p.name] = { text: p.defaultText, lit: p.default };
  }
  return bound;
}

/** `x.view(2, 3)` and `x.view((2, 3))` mean the same: a single sequence argument is taken as the whole tuple. */
function packVariadic(args: Arg[]): Arg {
  if (args.length === 1) {
    const only = args[0];
    // a sequence literal or a variable holding a shape is the whole tuple already; a lone int is one entry
    if (typeof only.lit !== 'number') return only;
  }
  const lits = args.map((a) => a.lit);
  const allKnown = lits.every((v) => v !== undefined);
  return {
    text: args.length === 1 ? `(${args[0].text},)` : `(${args.map((a) => a.text).join(', ')})`,
    lit: allKnown ? (lits as Lit[]) : undefined,
  };
}

export function describe(sig: Signature): string {
  const parts: string[] = [];
  let starred = false;
  for (const p of sig.params) {
    if (p.keywordOnly && !starred && !p.variadic) { parts.push('*'); starred = true; }
    if (p.variadic) starred = true;
    parts.push(`${p.variadic ? '*' : ''}${p.name}${p.defaultText !== undefined ? `=${p.defaultText}` : ''}`);
  }
  return `${sig.path}(${parts.join(', ')})`;
}

export { pyRepr };
