// einops.rearrange / reduce / repeat for any framework host: the pattern becomes a reshape to elementary axes, a
// reduction, a transpose, new broadcast axes and a reshape to the output groups. Hosts pass how to read and make
// their tensors.
import { HostObject, PyList, PyModule, PyTuple, type Kwargs, type Value } from '../interp/values';
import { toInt, toStr } from './args';
import * as ops from './ops';
import { NotLowered, type Sym, type Tracer } from './tracer';

export interface TensorBridge {
  symOf(value: Value): Sym | undefined;
  wrap(sym: Sym): Value;
}

type Group = string[];

const REDUCTIONS: Record<string, string> = { sum: 'ReduceSum', mean: 'ReduceMean', max: 'ReduceMax', min: 'ReduceMin', prod: 'ReduceProd' };

const BARE_ELLIPSIS = '…';

/** Groups of a pattern side: `b (h w) c` → [[b], [h, w], [c]]; '1' and '()' are empty groups; a bare '...' is the
 *  group [BARE_ELLIPSIS], one inside parentheses the name '...'. */
export function parseSide(text: string): Group[] {
  const groups: Group[] = [];
  let open: Group | undefined;
  for (const token of text.match(/\.\.\.|\(|\)|[A-Za-z_][A-Za-z0-9_]*|\d+/g) ?? []) {
    if (token === '(') open = [];
    else if (token === ')') {
      groups.push(open ?? []);
      open = undefined;
    } else if (/^\d+$/.test(token)) {
      if (token !== '1') throw new NotLowered('einops', `the anonymous axis ${token}`);
      if (!open) groups.push([]);
    } else if (open) open.push(token);
    else groups.push([token === '...' ? BARE_ELLIPSIS : token]);
  }
  return groups;
}

/** Replaces '...' by as many names as the axes it stands for. */
function expandEllipsis(groups: Group[], count: number): Group[] {
  const names = Array.from({ length: count }, (_, i) => `…${i}`);
  return groups.flatMap((g) => (g[0] === BARE_ELLIPSIS ? names.map((n) => [n]) : [g.flatMap((n) => (n === '...' ? names : [n]))]));
}

export function einopsTransform(t: Tracer, x: Sym, pattern: string, kind: 'rearrange' | 'reduce' | 'repeat', reduction: string, lengths: Map<string, number>): Sym {
  const [leftText, rightText] = pattern.split('->');
  if (rightText === undefined) throw ops.rankError(`einops pattern '${pattern}' has no '->'`);
  const leftRaw = parseSide(leftText);
  const hasEllipsis = leftRaw.some((g) => g.includes(BARE_ELLIPSIS));
  const ellipsisCount = hasEllipsis ? x.shape.length - (leftRaw.length - 1) : 0;
  const left = expandEllipsis(leftRaw, ellipsisCount);
  const right = expandEllipsis(parseSide(rightText), ellipsisCount);
  if (left.length !== x.shape.length) throw ops.rankError(`einops: pattern '${leftText.trim()}' does not match a tensor of rank ${x.shape.length}`);
  const sizes = new Map(lengths);
  left.forEach((group, i) => inferSizes(group, x.shape[i], sizes));
  const leftNames = left.flat();
  const rightNames = right.flat();
  let y = ops.reshape(t, x, leftNames.map((n) => sizes.get(n)!));
  const dropped = leftNames.filter((n) => !rightNames.includes(n));
  if (dropped.length) {
    if (kind !== 'reduce') throw ops.rankError(`einops.${kind}: '${dropped.join(' ')}' missing on the right`);
    const op = REDUCTIONS[reduction];
    if (!op) throw new NotLowered('einops.reduce', `reduction '${reduction}'`);
    y = ops.reduce(t, op, y, dropped.map((n) => leftNames.indexOf(n)), false);
  }
  const kept = leftNames.filter((n) => rightNames.includes(n));
  y = ops.transpose(t, y, rightNames.filter((n) => kept.includes(n)).map((n) => kept.indexOf(n)));
  const added = rightNames.filter((n) => !kept.includes(n));
  if (added.length) {
    if (kind !== 'repeat') throw ops.rankError(`einops.${kind}: '${added.join(' ')}' not on the left`);
    for (const n of added) if (!sizes.has(n)) throw ops.rankError(`einops.repeat: give the size of '${n}'`);
    y = ops.unsqueeze(t, y, added.map((n) => rightNames.indexOf(n)));
    y = ops.expand(t, y, rightNames.map((n) => sizes.get(n)!));
  }
  return ops.reshape(t, y, right.map((g) => ops.size(g.map((n) => sizes.get(n)!))));
}

/** Sizes of a group's names from the axis it spans; at most one may be unknown. */
function inferSizes(group: Group, dim: number, sizes: Map<string, number>): void {
  const unknown = group.filter((n) => !sizes.has(n));
  if (unknown.length > 1) throw ops.rankError(`einops: cannot infer the sizes of '${unknown.join(' ')}'`);
  const known = ops.size(group.filter((n) => sizes.has(n)).map((n) => sizes.get(n)!));
  if (unknown.length) sizes.set(unknown[0], dim / known);
  const total = ops.size(group.map((n) => sizes.get(n)!));
  if (total !== dim || !Number.isInteger(total)) throw ops.rankError(`einops: axis of size ${dim} does not split as (${group.join(' ')})`);
}

/** The `einops` module over a host's tensors; a list of tensors is stacked first, as einops does. */
export function createEinops(t: Tracer, bridge: TensorBridge): PyModule {
  const input = (value: Value): Sym => {
    const sym = bridge.symOf(value);
    if (sym) return sym;
    if (value instanceof PyList || value instanceof PyTuple) return ops.stack(t, value.items.map(input), 0);
    throw new NotLowered('einops', 'input that is not a tensor');
  };
  const lengths = (kwargs: Kwargs) => new Map([...kwargs].map(([k, v]) => [k, toInt(v, k)]));
  const fn = (kind: 'rearrange' | 'reduce' | 'repeat') => new HostObject(`einops.${kind}`, {
    call: ([tensor, pattern, reduction], kwargs) => {
      const named = new Map(kwargs);
      const how = kind === 'reduce' ? toStr(reduction ?? named.get('reduction')!, 'reduction') : '';
      named.delete('reduction');
      return bridge.wrap(einopsTransform(t, input(tensor), toStr(pattern, 'pattern'), kind, how, lengths(named)));
    },
  });
  return new PyModule('einops', new Map<string, Value>([['rearrange', fn('rearrange')], ['reduce', fn('reduce')], ['repeat', fn('repeat')]]));
}
