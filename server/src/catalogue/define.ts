// Short builders for the common shapes of catalogue entries.
import { type Arg, pyRepr, splitTopLevel } from '../pyvalue';
import type { ConformanceCase, Emitter, JaxEmit, OpEntry } from './types';

export const f32 = (shape: string, name = 'x', range = '') => `${name}=float32[${shape}]${range ? ':' + range : ''}`;

/** A one-input elementwise op spelled the same way everywhere: torch.NAME, Tensor.NAME and an optional F.NAME. */
export function unary(name: string, jaxFn: string, opts: { functional?: boolean; torchFn?: boolean; range?: string; notes?: string[] } = {}): OpEntry {
  const torch = [`Tensor.${name}(input)`];
  if (opts.torchFn !== false) torch.unshift(`torch.${name}(input)`);
  if (opts.functional) torch.push(`torch.nn.functional.${name}(input, inplace=False)`);
  const tests: ConformanceCase[] = [
    { torch: `torch.${name}(x)`, inputs: [f32('3,5', 'x', opts.range)] },
    { torch: `x.${name}()`, inputs: [f32('4', 'x', opts.range)] },
  ];
  if (opts.torchFn === false) tests.shift();
  if (opts.functional) tests.push({ torch: `F.${name}(x)`, inputs: [f32('2,3', 'x', opts.range)] });
  tests.push(inplaceCase(name, '', [f32('3,4', 'x', opts.range)]));
  return { name, torch, jax: (a, e) => e.call(jaxFn, [a.input]), jaxSpelling: `${jaxFn}(x)`, returns: 'tensor', inplace: true, notes: opts.notes, tests };
}

/** A two-input elementwise op: every spelling (torch.NAME, Tensor.NAME and, unless torch lacks it, Tensor.NAME_) is
 *  exercised on the inputs of the first case; `tests` adds the cases that matter beyond that. */
export function binary(name: string, torchNames: string[], jaxFn: string, tests: ConformanceCase[], notes?: string[], opts: { inplace?: boolean } = {}): OpEntry {
  const inplace = opts.inplace ?? true;
  const inputs = tests[0].inputs;
  const [a, b] = inputs.map((spec) => spec.split('=')[0]);
  const spellingCases = torchNames.flatMap((n) => [
    { torch: `torch.${n}(${a}, ${b})`, inputs },
    { torch: `${a}.${n}(${b})`, inputs },
    ...(inplace ? [{ torch: `result = ${a}.clone()\nresult.${n}_(${b})\nresult`, inputs }] : []),
  ]);
  return {
    name,
    torch: torchNames.flatMap((n) => [`torch.${n}(input, other)`, `Tensor.${n}(input, other)`]),
    jax: (a, e) => e.call(jaxFn, [a.input, a.other]),
    jaxSpelling: `${jaxFn}(x1, x2)`,
    returns: 'tensor',
    inplace,
    notes,
    tests: [...spellingCases, ...tests],
  };
}

// ---- reductions, shape ops and creation ----------------------------------------------------------------------------

/** Names and attribute reads (self.w[...]) are repeated as they are; other expressions are bound once. */
/** Text that can be repeated without evaluating anything twice: a name, a dotted attribute, a Variable's value. */
const REPEATABLE = /^[A-Za-z_][\w.]*(\[\.\.\.\])?$/;
const isName = (text: string) => REPEATABLE.test(text);

/** A fresh local name that the text does not already use. */
export function freshName(e: Emitter, base: string, avoid: string): string {
  let name = e.fresh(base);
  while (new RegExp(`\\b${name}\\b`).test(avoid)) name = e.fresh(base);
  return name;
}

let bindings = 0;

/** `body` gets a name for each argument: names stay as they are, other expressions are bound once through a lambda,
 *  so that an input read several times in the JAX text (x.shape[d] and x) is evaluated once. */
export function bindOnce(e: Emitter, args: Arg[], body: (...names: string[]) => string): string {
  const call = ++bindings; // nested bindings keep their placeholders apart
  const placeholder = (i: number) => `\u0000${call}:${i}\u0000`;
  const template = body(...args.map((a, i) => (isName(a.text) ? a.text : placeholder(i))));
  const params: string[] = [], values: string[] = [];
  let text = template;
  args.forEach((a, i) => {
    if (isName(a.text)) return;
    const name = freshName(e, 't', template + params.join(' '));
    text = text.split(placeholder(i)).join(name);
    params.push(name);
    values.push(a.text);
  });
  return params.length ? `(lambda ${params.join(', ')}: ${text})(${values.join(', ')})` : text;
}

/** A dim argument as a JAX axis: literal lists become tuples (jnp wants hashable axes). */
export function axisArg(dim: Arg): Arg | string {
  return Array.isArray(dim.lit) ? pyRepr(dim.lit) : dim;
}

/** torch reduces over every dim when given an empty dim tuple; jnp.sum(axis=()) reduces over none. */
export function reducedAxis(dim: Arg): Arg | string {
  return Array.isArray(dim.lit) && dim.lit.length === 0 ? 'None' : axisArg(dim);
}

/** A test case for the in-place spelling `Tensor.NAME_` on a copy of x: "y = x.clone()\ny.NAME_(ARGS)\ny". */
export function inplaceCase(method: string, args: string, inputs: string[]): ConformanceCase {
  return { torch: `y = x.clone()\ny.${method}_(${args})\ny`, inputs };
}

/** Adds one in-place case per Tensor method spelling of an entry built elsewhere (unary and binary builders). */
export function withInplaceCases(entry: OpEntry, args = '', inputs = [f32('3,4')]): OpEntry {
  const methods = entry.torch.filter((t) => t.startsWith('Tensor.')).map((t) => t.slice('Tensor.'.length, t.indexOf('(')));
  const covered = (m: string) => entry.tests.some((t) => t.torch.includes(`.${m}_(`));
  return { ...entry, inplace: true, tests: [...entry.tests, ...methods.filter((m) => !covered(m)).map((m) => inplaceCase(m, args, inputs))] };
}

/** `torch.NAME(input, dim=None, keepdim=False[, *, dtype=None])` and its method: a jnp reduction with axis/keepdims. */
export function dimReduction(
  name: string,
  jaxFn: string,
  opts: { dtype?: boolean; intDim?: boolean; emptyDimReducesAll?: boolean; notes?: string[]; tests?: ConformanceCase[] } = {},
): OpEntry {
  const params = `input, dim=None, keepdim=False${opts.dtype ? ', *, dtype=None' : ''}`;
  const tests: ConformanceCase[] = [
    { torch: `torch.${name}(x)`, inputs: [f32('3,4')] },
    { torch: `x.${name}(dim=1, keepdim=True)`, inputs: [f32('3,4,2')] },
    { torch: `x.${name}(-1)`, inputs: [f32('3,4')] },
  ];
  if (!opts.intDim) tests.push({ torch: `torch.${name}(x, (0, 2))`, inputs: [f32('3,4,2')] });
  return {
    name,
    torch: [`torch.${name}(${params})`, `Tensor.${name}(${params})`],
    jax: (a, e) => {
      const axis = opts.emptyDimReducesAll === false ? axisArg(a.dim) : reducedAxis(a.dim);
      const keywords: Record<string, [Arg | string, string]> = { axis: [axis, 'None'], keepdims: [a.keepdim, 'False'] };
      if (opts.dtype) keywords.dtype = [a.dtype, 'None'];
      return e.call(jaxFn, [a.input], keywords);
    },
    jaxSpelling: `${jaxFn}(a, axis=None, keepdims=False${opts.dtype ? ', dtype=None' : ''})`,
    returns: 'tensor',
    notes: opts.notes,
    tests: [...tests, ...(opts.tests ?? [])],
  };
}

/** Whether an argument's converted text names a dtype (`jnp.float32`, `x.dtype`). */
export function isDtypeText(text: string): boolean {
  return /^(jnp|np|numpy)\.(float|int|uint|bool|bfloat|complex)\w*$/.test(text) || /(^|\.)dtype$/.test(text);
}

// ---- builders for torch.nn.functional-style entries ----

/** A conformance case: a torch expression (or statements) over named inputs. */
export function caseOf(torch: string, ...inputs: string[]): ConformanceCase {
  return { torch, inputs };
}

/** An op entry that returns a tensor unless `more` says otherwise. */
export function op(name: string, torch: string[], jaxSpelling: string, jax: JaxEmit, tests: ConformanceCase[], more: Partial<OpEntry> = {}): OpEntry {
  return { name, torch, jax, jaxSpelling, returns: 'tensor', tests, ...more };
}

/** Python text that can take a trailing operator, attribute or subscript as it is: names, calls, subscripts, groups. */
export function atom(text: string): string {
  return isAtom(text.trim()) ? text.trim() : `(${text.trim()})`;
}

function isAtom(text: string): boolean {
  let i = /^([A-Za-z_]\w*|(\d[\d_]*\.?\d*|\.\d+)(e[-+]?\d+)?j?)/i.exec(text)?.[0].length ?? 0;
  if (i === 0 && !'(['.includes(text[0] ?? '')) return false;
  while (i < text.length) {
    if (text[i] === '.' && /[A-Za-z_]/.test(text[i + 1] ?? '')) {
      i += 1 + /^\w+/.exec(text.slice(i + 1))![0].length;
    } else if ('(['.includes(text[i])) {
      const close = matchingClose(text, i);
      if (close < 0) return false;
      i = close + 1;
    } else {
      return false;
    }
  }
  return true;
}

/** The index of the bracket closing the one at `open`, skipping strings; -1 when unbalanced. */
function matchingClose(text: string, open: number): number {
  let depth = 0, quote = '';
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote) { if (c === quote && text[i - 1] !== '\\') quote = ''; continue; }
    if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c) && --depth === 0) return i;
  }
  return -1;
}

/** A name or attribute read (self.w[...]) that is cheap and safe to evaluate more than once. */
/** `body` uses the argument several times: a plain name is repeated, anything else is evaluated once (bindOnce). */
export function reuse(e: Emitter, arg: Arg | string, body: (name: string) => string): string {
  return bindOnce(e, [typeof arg === 'string' ? { text: arg.trim() } : { ...arg, text: arg.text.trim() }], body);
}

/** Whether an argument is the literal None. */
export const isNone = (arg: Arg) => arg.lit === null;

/** An int-or-tuple argument (stride, dilation) as an n-tuple text; non-literals are expanded at run time. */
export function ntupleText(e: Emitter, arg: Arg, n: number): string {
  if (typeof arg.lit === 'number') return pyRepr(Array(n).fill(arg.lit));
  if (Array.isArray(arg.lit)) return pyRepr(arg.lit);
  return e.call(e.helper('nnf_ntuple'), [arg, String(n)]);
}

/** The item texts of a tuple or list display (`(b, -1)`, `[2, 3]`); undefined for any other expression. */
export function sequenceItems(arg: Arg): string[] | undefined {
  if (Array.isArray(arg.lit)) return arg.lit.map(pyRepr);
  const text = arg.text.trim();
  if (!/^[([]/.test(text) || matchingClose(text, 0) !== text.length - 1) return undefined;
  const items = splitTopLevel(text.slice(1, -1));
  if (text.startsWith('(') && items.length === 1) return undefined; // a parenthesised expression, not a tuple
  return items.map((s) => s.trim()).filter(Boolean);
}

/** torch.special.NAME(input): a one-input function under torch.special. */
export function specialUnary(name: string, jaxFn: string, range = ''): OpEntry {
  return {
    name: `special.${name}`,
    torch: [`torch.special.${name}(input)`],
    jax: (a, e) => e.call(jaxFn, [a.input]),
    jaxSpelling: `${jaxFn}(x)`,
    returns: 'tensor',
    tests: [{ torch: `torch.special.${name}(x)`, inputs: [f32('3,4', 'x', range)] }],
  };
}

/** An entry without its in-place spellings (torch has no Tensor.NAME_ for it). */
/** A comparison or logical op: bool results, while the in-place form keeps the receiver's dtype. */
export const predicate = (entry: OpEntry): OpEntry => ({ ...entry, boolResult: true });

/** An entry torch has no in-place method for: the flag and any in-place cases a builder added go. */
export const outOfPlace = (entry: OpEntry): OpEntry => ({ ...entry, inplace: false, tests: entry.tests.filter((t) => !isInplaceCase(t)) });

function isInplaceCase(test: ConformanceCase): boolean {
  return /\.\w+_\(/.test(test.torch);
}
