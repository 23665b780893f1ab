// numpy-style indexing shared by torch tensors and JAX arrays: ints, slices, None, Ellipsis, one integer index tensor,
// and boolean masks for updates. Updates (torch `x[i] = v`, JAX `x.at[i].set(v)`) scatter into a copy.
import { numberOf, pyError, PyEllipsis, PySlice, PyTuple, type Value } from '../interp/values';
import { toInt } from './args';
import * as ops from './ops';
import { DataDependent, NotLowered, type Sym, type Tracer } from './tracer';

export type IndexItem =
  | { kind: 'int'; index: number }
  | { kind: 'slice'; start: number | null; stop: number | null; step: number | null }
  | { kind: 'newaxis' }
  | { kind: 'ellipsis' }
  | { kind: 'tensor'; sym: Sym };

/** Reads an index key; `asTensor` recognises the host's tensors (and lists of ints, which index like tensors). */
export function parseIndex(key: Value, asTensor: (value: Value) => Sym | undefined): IndexItem[] {
  const parts = key instanceof PyTuple ? key.items : [key];
  return parts.map((part): IndexItem => {
    if (part === null) return { kind: 'newaxis' };
    if (part instanceof PyEllipsis) return { kind: 'ellipsis' };
    if (part instanceof PySlice) return { kind: 'slice', start: bound(part.start), stop: bound(part.stop), step: bound(part.step) };
    const n = numberOf(part);
    if (n && typeof part !== 'boolean') return { kind: 'int', index: toInt(part, 'index') };
    const sym = asTensor(part);
    if (sym) return { kind: 'tensor', sym };
    throw pyError('IndexError', 'only integers, slices, None, Ellipsis and integer or boolean tensors are valid indices');
  });
}

function bound(value: Value): number | null {
  return value === null ? null : toInt(value, 'slice index');
}

/** The items with Ellipsis replaced by full slices, so that every item names its axes. */
function expandEllipsis(items: IndexItem[], rank: number): IndexItem[] {
  const consumed = items.reduce((n, item) => n + (item.kind === 'newaxis' || item.kind === 'ellipsis' ? 0 : item.kind === 'tensor' && item.sym.dtype === 'bool' ? item.sym.shape.length : 1), 0);
  if (consumed > rank) throw pyError('IndexError', `too many indices for a tensor of rank ${rank}`);
  const at = items.findIndex((item) => item.kind === 'ellipsis');
  const fill: IndexItem[] = Array.from({ length: rank - consumed }, () => ({ kind: 'slice', start: null, stop: null, step: null }));
  if (at < 0) return [...items, ...fill];
  if (items.slice(at + 1).some((item) => item.kind === 'ellipsis')) throw pyError('IndexError', 'an index can only have a single ellipsis');
  return [...items.slice(0, at), ...fill, ...items.slice(at + 1)];
}

/** x[key] for the supported forms; boolean masks select a data-dependent number of elements. */
export function getIndex(t: Tracer, x: Sym, items: IndexItem[]): Sym {
  const all = expandEllipsis(items, x.shape.length);
  if (all.filter((item) => item.kind === 'tensor').length > 1) throw new NotLowered('indexing', 'more than one index tensor');
  let out = x;
  let axis = 0;
  for (const item of all) {
    if (item.kind === 'int') {
      const n = out.shape[axis];
      if (item.index >= n || item.index < -n) throw pyError('IndexError', `index ${item.index} is out of bounds for dimension ${axis} with size ${n}`);
      const i = item.index < 0 ? item.index + n : item.index;
      out = ops.squeeze(t, ops.sliceAxis(t, out, axis, i, i + 1), [axis]);
    } else if (item.kind === 'slice') {
      out = ops.sliceAxis(t, out, axis, item.start, item.stop, item.step);
      axis++;
    } else if (item.kind === 'newaxis') {
      out = ops.unsqueeze(t, out, [axis]);
      axis++;
    } else if (item.kind === 'tensor') {
      if (item.sym.dtype === 'bool') throw new DataDependent('boolean mask indexing (the result size)');
      if (item.sym.dtype.startsWith('float')) throw pyError('IndexError', 'tensors used as indices must be integer or boolean');
      out = ops.gather(t, out, item.sym, axis);
      axis += item.sym.shape.length;
    }
  }
  return out;
}

export type UpdateMode = 'set' | 'add' | 'mul' | 'min' | 'max';

/** A copy of x with x[key] replaced by (or combined with) value, which broadcasts to the indexed region. */
export function setIndex(t: Tracer, x: Sym, items: IndexItem[], value: Sym, mode: UpdateMode): Sym {
  const mask = booleanMask(items, x);
  if (mask) return maskedUpdate(t, x, mask, value, mode);
  const total = ops.size(x.shape);
  const positions = ops.reshape(t, ops.arange(t, 0, total, 1, 'int64'), x.shape);
  const region = getIndex(t, positions, items);
  const updates = ops.expand(t, ops.cast(t, value, x.dtype), region.shape);
  const count = ops.size(region.shape);
  const flat = ops.reshape(t, x, [total]);
  const indices = ops.reshape(t, region, [count, 1]);
  const reduction = mode === 'set' ? 'none' : mode;
  const scattered = t.node('ScatterND', [flat, indices, ops.reshape(t, updates, [count])], { reduction }, { dtype: x.dtype, shape: [total] });
  return ops.reshape(t, scattered, x.shape);
}

function booleanMask(items: IndexItem[], x: Sym): Sym | undefined {
  if (items.length !== 1 || items[0].kind !== 'tensor' || items[0].sym.dtype !== 'bool') return undefined;
  const mask = items[0].sym;
  if (mask.shape.some((d, i) => d !== x.shape[i])) throw pyError('IndexError', `a mask of shape [${mask.shape}] does not match a tensor of shape [${x.shape}]`);
  return mask;
}

/** x[mask] = v for a scalar v (a non-scalar v fills the selected elements in order: data-dependent). */
function maskedUpdate(t: Tracer, x: Sym, mask: Sym, value: Sym, mode: UpdateMode): Sym {
  if (ops.size(value.shape) !== 1) throw new DataDependent('assigning a tensor through a boolean mask');
  const full = ops.reshape(t, ops.cast(t, value, x.dtype), []);
  const aligned = ops.reshape(t, mask, [...mask.shape, ...x.shape.slice(mask.shape.length).map(() => 1)]);
  const combined = mode === 'set' ? full : combine(t, x, full, mode);
  return ops.where(t, aligned, ops.expand(t, combined, x.shape), x);
}

function combine(t: Tracer, x: Sym, v: Sym, mode: Exclude<UpdateMode, 'set'>): Sym {
  const op = { add: 'Add', mul: 'Mul', min: 'Min', max: 'Max' }[mode];
  return t.node(op, [x, v], {}, { dtype: x.dtype, shape: x.shape });
}
