// Shape, indexing and joining ops, tensor creation and dtype/device methods.
import { type Arg, pyRepr } from '../../pyvalue';
import { atom, axisArg, bindOnce, f32, freshName, inplaceCase, isDtypeText, op, sequenceItems } from '../define';
import type { Bound } from '../signature';
import type { ConformanceCase, Emitter, OpEntry } from '../types';

/** torch index arguments must be int64 */
const ints = (shape: string, name = 'x', range = '0..4') => `${name}=int64[${shape}]:${range}`;
const DROPPED = 'device=, requires_grad= and layout arguments are dropped: JAX places arrays itself and differentiates with jax.grad';

/** torch.NAME(input, ...) and Tensor.NAME(input, ...) with the same parameters. */
const both = (name: string, params: string) => [`torch.${name}(input${params})`, `Tensor.${name}(input${params})`];

// ---- reshaping --------------------------------------------------------------------------------------------------

/** Sizes for jnp.broadcast_to from torch expand sizes, where -1 keeps the input's size (counted from the end). */
function expandedShape(e: Emitter, x: string, size: Arg): string {
  const items = sequenceItems(size);
  if (items) return `(${items.map((s, i) => (s === '-1' ? `${x}.shape[${i - items.length}]` : s)).join(', ')}${items.length === 1 ? ',' : ''})`;
  if (/\.shape$/.test(size.text)) return size.text;
  return bindOnce(e, [size], (s) => {
    const i = freshName(e, 'i', s + x), n = freshName(e, 'n', s + x + i);
    return `tuple(${x}.shape[${i} - len(${s})] if ${n} == -1 else ${n} for ${i}, ${n} in enumerate(${s}))`;
  });
}

/** A shape for jnp.reshape as the sum of shape tuples, leaving out the empty ones. */
function joinedShape(parts: string[]): string {
  return parts.filter((p) => p !== '()').join(' + ');
}

/** x.shape[:dim] */
const sizesBefore = (t: string, dim: Arg) => (dim.lit === 0 ? '()' : `${t}.shape[:${dim.text}]`);

/** x.shape[dim + 1:], written plainly when dim is a literal (dim = -1 leaves nothing) */
function sizesAfter(t: string, dim: Arg): string {
  if (dim.lit === -1) return '()';
  if (typeof dim.lit === 'number') return `${t}.shape[${dim.lit + 1}:]`;
  return `${t}.shape[${dim.text}:][1:]`;
}

/** torch.flatten(x, start_dim, end_dim) as a reshape. */
function flattenText(a: Bound, e: Emitter): string {
  if (a.start_dim.lit === 0 && a.end_dim.lit === -1) return e.call('jnp.ravel', [a.input]);
  return bindOnce(e, [a.input], (t) => `jnp.reshape(${t}, ${joinedShape([sizesBefore(t, a.start_dim), '(-1,)', sizesAfter(t, a.end_dim)])})`);
}

/** torch.unflatten(x, dim, sizes) as a reshape. */
function unflattenText(a: Bound, e: Emitter): string {
  const sizes = Array.isArray(a.sizes.lit) ? pyRepr(a.sizes.lit) : `tuple(${a.sizes.text})`;
  return bindOnce(e, [a.input], (t) => `jnp.reshape(${t}, ${joinedShape([sizesBefore(t, a.dim), sizes, sizesAfter(t, a.dim)])})`);
}

/** torch squeezes a dim only when its size is 1 (and ignores it otherwise); jnp.squeeze raises instead. */
function squeezeText(a: Bound, e: Emitter): string {
  if (a.dim.lit === null) return e.call('jnp.squeeze', [a.input]);
  return bindOnce(e, [a.input], (t) => {
    if (Array.isArray(a.dim.lit)) {
      const d = freshName(e, 'd', t);
      return `jnp.squeeze(${t}, axis=tuple(${d} for ${d} in ${pyRepr(a.dim.lit)} if ${t}.shape[${d}] == 1))`;
    }
    return `(jnp.squeeze(${t}, axis=${a.dim.text}) if ${t}.shape[${a.dim.text}] == 1 else ${t})`;
  });
}

const reshaping: OpEntry[] = [
  op(
    'view',
    ['Tensor.view(input, *shape)'],
    'jnp.reshape(a, shape)',
    (a, e) => (isDtypeText(a.shape.text) ? `${atom(a.input.text)}.view(${a.shape.text})` : e.call('jnp.reshape', [a.input, a.shape])),
    [
      { torch: 'x.view(2, 6)', inputs: [f32('3,4')] },
      { torch: 'x.view(-1)', inputs: [f32('3,4')] },
      { torch: 'x.view((4, -1))', inputs: [f32('3,4')] },
      { torch: 'x.view(x.size(0), -1, 2)', inputs: [f32('3,4')] },
      { torch: 'x.view(torch.int32)', inputs: [f32('3,4')] },
    ],
    { notes: ['x.view(dtype) reinterprets the bits, as jax.Array.view(dtype) does'] },
  ),
  op('reshape', ['torch.reshape(input, shape)', 'Tensor.reshape(input, *shape)'], 'jnp.reshape(a, shape)', (a, e) => e.call('jnp.reshape', [a.input, a.shape]), [
    { torch: 'torch.reshape(x, (2, -1))', inputs: [f32('3,4')] },
    { torch: 'x.reshape(4, 3)', inputs: [f32('3,4')] },
    { torch: 'x.reshape(-1)', inputs: [f32('3,4')] },
  ]),
  ...['view_as', 'reshape_as'].map((name) =>
    op(name, [`Tensor.${name}(input, other)`], 'jnp.reshape(a, other.shape)', (a, e) => e.call('jnp.reshape', [a.input, `${atom(a.other.text)}.shape`]), [
      { torch: `x.${name}(y)`, inputs: [f32('3,4'), f32('2,6', 'y')] },
    ]),
  ),
  op('permute', ['torch.permute(input, dims)', 'Tensor.permute(input, *dims)'], 'jnp.transpose(a, axes)', (a, e) => e.call('jnp.transpose', [a.input, a.dims]), [
    { torch: 'torch.permute(x, (2, 0, 1))', inputs: [f32('2,3,4')] },
    { torch: 'x.permute(1, 0, 2)', inputs: [f32('2,3,4')] },
    { torch: 'x.permute([0, 2, 1])', inputs: [f32('2,3,4')] },
  ]),
  ...([['transpose', 'dim0', 'dim1'], ['swapaxes', 'axis0', 'axis1'], ['swapdims', 'dim0', 'dim1']] as const).map(([name, d0, d1]) =>
    op(name, both(name, `, ${d0}, ${d1}`), 'jnp.swapaxes(a, axis1, axis2)', (a, e) => e.call('jnp.swapaxes', [a.input, a[d0], a[d1]]), [
      { torch: `torch.${name}(x, 0, 1)`, inputs: [f32('2,3,4')] },
      { torch: `x.${name}(-1, -2)`, inputs: [f32('2,3,4')] },
      inplaceCase(name, '0, 2', [f32('2,3,4')]),
    ], { inplace: true, reshapesInPlace: true }),
  ),
  op('t', both('t', ''), 'jnp.transpose(a)', (a, e) => e.call('jnp.transpose', [a.input]), [
    { torch: 'torch.t(x)', inputs: [f32('3,4')] },
    { torch: 'x.t()', inputs: [f32('4')] },
    inplaceCase('t', '', [f32('3,4')]),
  ], { inplace: true, reshapesInPlace: true, notes: ['torch.t accepts at most 2-D tensors, where it equals jnp.transpose'] }),
  ...['movedim', 'moveaxis'].map((name) =>
    op(name, both(name, ', source, destination'), 'jnp.moveaxis(a, source, destination)', (a, e) => e.call('jnp.moveaxis', [a.input, a.source, a.destination]), [
      { torch: `torch.${name}(x, 0, -1)`, inputs: [f32('2,3,4')] },
      { torch: `x.${name}((0, 1), (2, 0))`, inputs: [f32('2,3,4')] },
    ]),
  ),
  op('flatten', both('flatten', ', start_dim=0, end_dim=-1'), 'jnp.reshape(a, a.shape[:start] + (-1,) + ...)', flattenText, [
    { torch: 'torch.flatten(x)', inputs: [f32('2,3,4')] },
    { torch: 'torch.flatten(x, 1)', inputs: [f32('2,3,4')] },
    { torch: 'x.flatten(start_dim=0, end_dim=1)', inputs: [f32('2,3,4,2')] },
    { torch: 'x.flatten(1, -2)', inputs: [f32('2,3,4,2')] },
  ]),
  op(
    'unflatten',
    both('unflatten', ', dim, sizes'),
    'jnp.reshape(a, a.shape[:dim] + sizes + a.shape[dim + 1:])',
    unflattenText,
    [
      { torch: 'torch.unflatten(x, 1, (2, 2))', inputs: [f32('3,4,2')] },
      { torch: 'x.unflatten(-1, (2, -1))', inputs: [f32('3,4')] },
    ],
  ),
  op('squeeze', both('squeeze', ', dim=None'), 'jnp.squeeze(a, axis) if a.shape[axis] == 1 else a', squeezeText, [
    { torch: 'torch.squeeze(x)', inputs: [f32('1,3,1,2')] },
    { torch: 'x.squeeze(0)', inputs: [f32('1,3,1')] },
    { torch: 'x.squeeze(1)', inputs: [f32('2,3')] },
    { torch: 'x.squeeze(-1) + 1', inputs: [f32('2,1')] },
    { torch: 'torch.squeeze(x, (0, 1, 2))', inputs: [f32('1,3,1')] },
    inplaceCase('squeeze', '2', [f32('2,3,1')]),
  ], { inplace: true, reshapesInPlace: true, notes: ['torch.squeeze(x, dim) leaves a dim whose size is not 1 alone; jnp.squeeze raises, so the size is checked'] }),
  op('unsqueeze', both('unsqueeze', ', dim'), 'jnp.expand_dims(a, axis)', (a, e) => e.call('jnp.expand_dims', [a.input, a.dim]), [
    { torch: 'torch.unsqueeze(x, 0)', inputs: [f32('3,4')] },
    { torch: 'x.unsqueeze(-1)', inputs: [f32('3,4')] },
    inplaceCase('unsqueeze', '1', [f32('3,4')]),
  ], { inplace: true, reshapesInPlace: true }),
  op('expand', ['Tensor.expand(input, *size)'], 'jnp.broadcast_to(a, shape)', (a, e) => bindOnce(e, [a.input], (t) => e.call('jnp.broadcast_to', [t, expandedShape(e, t, a.size)])), [
    { torch: 'x.expand(3, 4)', inputs: [f32('3,1')] },
    { torch: 'x.expand(2, -1, 4)', inputs: [f32('3,1')] },
    { torch: 'x.expand((2, 3, -1))', inputs: [f32('1,4')] },
    { torch: 's = (2, -1, 3)\nx.expand(s)', inputs: [f32('4,1')] },
  ], { notes: ['-1 in torch expand keeps that size; jnp.broadcast_to has no such marker, so the size is read from the input'] }),
  op('broadcast_to', both('broadcast_to', ', size'), 'jnp.broadcast_to(a, shape)', (a, e) => bindOnce(e, [a.input], (t) => e.call('jnp.broadcast_to', [t, expandedShape(e, t, a.size)])), [
    { torch: 'torch.broadcast_to(x, (2, 3, 4))', inputs: [f32('3,1')] },
    { torch: 'x.broadcast_to((-1, 5))', inputs: [f32('3,1')] },
  ]),
  op('expand_as', ['Tensor.expand_as(input, other)'], 'jnp.broadcast_to(a, other.shape)', (a, e) => e.call('jnp.broadcast_to', [a.input, `${atom(a.other.text)}.shape`]), [
    { torch: 'x.expand_as(y)', inputs: [f32('3,1'), f32('2,3,4', 'y')] },
  ]),
  op('repeat', ['Tensor.repeat(input, *repeats)'], 'jnp.tile(a, reps)', (a, e) => e.call('jnp.tile', [a.input, a.repeats]), [
    { torch: 'x.repeat(2, 3)', inputs: [f32('3,4')] },
    { torch: 'x.repeat(2)', inputs: [f32('3')] },
    { torch: 'x.repeat((2, 1, 2))', inputs: [f32('3,4')] },
  ], { notes: ['torch Tensor.repeat tiles the whole tensor (jnp.tile); jnp.repeat repeats elements (torch.repeat_interleave)'] }),
  op('tile', ['torch.tile(input, dims)', 'Tensor.tile(input, *dims)'], 'jnp.tile(a, reps)', (a, e) => e.call('jnp.tile', [a.input, a.dims]), [
    { torch: 'torch.tile(x, (2,))', inputs: [f32('3,4')] },
    { torch: 'x.tile(2, 1, 2)', inputs: [f32('3,4')] },
  ]),
  op(
    'repeat_interleave',
    both('repeat_interleave', ', repeats, dim=None, *, output_size=None'),
    'jnp.repeat(a, repeats, axis=None, total_repeat_length=None)',
    (a, e) => e.call('jnp.repeat', [a.input, a.repeats], { axis: [a.dim, 'None'], total_repeat_length: [a.output_size, 'None'] }),
    [
      { torch: 'torch.repeat_interleave(x, 2)', inputs: [f32('3,2')] },
      { torch: 'x.repeat_interleave(3, dim=1)', inputs: [f32('3,2')] },
      { torch: 'x.repeat_interleave(torch.tensor([1, 0, 2]), dim=0, output_size=3)', inputs: [f32('3,2')] },
    ],
  ),
];

// ---- joining and splitting ----------------------------------------------------------------------------------------

/** Split indices for jnp.split from torch split sizes: an int is the size of each chunk, a list holds the sizes. */
function splitIndices(e: Emitter, t: string, sizes: Arg, dim: Arg): string {
  const length = `${t}.shape[${dim.text}]`;
  if (typeof sizes.lit === 'number') return `list(range(${sizes.lit}, ${length}, ${sizes.lit}))`;
  if (Array.isArray(sizes.lit)) {
    let total = 0;
    return pyRepr(sizes.lit.slice(0, -1).map((s) => (total += Number(s))));
  }
  const items = sequenceItems(sizes);
  if (items) return `np.cumsum([${items.join(', ')}])[:-1]`;
  return bindOnce(e, [sizes], (s) => `(list(range(0, ${length}, ${s}))[1:] if isinstance(${s}, int) else np.cumsum(${s})[:-1])`);
}

const splitNotes = ['torch.split(x, n) makes chunks of size n and a list gives the sizes; jnp.split takes a number of sections or split indices, so indices are computed'];

const joining: OpEntry[] = [
  ...(['cat', 'concat'] as const).map((name) =>
    op(name, [`torch.${name}(tensors, dim=0)`], 'jnp.concatenate(arrays, axis=0)', (a, e) => e.call('jnp.concatenate', [a.tensors], { axis: [a.dim, '0'] }), [
      { torch: `torch.${name}([x, y])`, inputs: [f32('2,3'), f32('4,3', 'y')] },
      { torch: `torch.${name}((x, y, x), dim=-1)`, inputs: [f32('2,3'), f32('2,1', 'y')] },
    ]),
  ),
  op('concatenate', ['torch.concatenate(tensors, axis=0)'], 'jnp.concatenate(arrays, axis=0)', (a, e) => e.call('jnp.concatenate', [a.tensors], { axis: [a.axis, '0'] }), [
    { torch: 'torch.concatenate([x, y], axis=1)', inputs: [f32('2,3'), f32('2,1', 'y')] },
  ]),
  op('stack', ['torch.stack(tensors, dim=0)'], 'jnp.stack(arrays, axis=0)', (a, e) => e.call('jnp.stack', [a.tensors], { axis: [a.dim, '0'] }), [
    { torch: 'torch.stack([x, y])', inputs: [f32('2,3'), f32('2,3', 'y')] },
    { torch: 'torch.stack((x, y), dim=-1)', inputs: [f32('2,3'), f32('2,3', 'y')] },
  ]),
  ...['hstack', 'vstack', 'dstack', 'column_stack'].map((name) =>
    op(name, [`torch.${name}(tensors)`], `jnp.${name}(tup)`, (a, e) => e.call(`jnp.${name}`, [a.tensors]), [
      { torch: `torch.${name}([x, y])`, inputs: [f32('3'), f32('3', 'y')] },
      { torch: `torch.${name}((x, y))`, inputs: [f32('3,2'), f32('3,2', 'y')] },
    ]),
  ),
  op(
    'split',
    ['torch.split(tensor, split_size_or_sections, dim=0)', 'Tensor.split(tensor, split_size, dim=0)'],
    'jnp.split(a, indices, axis=0)',
    (a, e) => bindOnce(e, [a.tensor], (t) => e.call('jnp.split', [t, splitIndices(e, t, a.split_size_or_sections ?? a.split_size, a.dim)], { axis: [a.dim, '0'] })),
    [
      { torch: 'torch.split(x, 2)', inputs: [f32('6,2')] },
      { torch: 'torch.split(x, 4)', inputs: [f32('6,2')] },
      { torch: 'x.split([1, 3, 2], dim=0)', inputs: [f32('6,2')] },
      { torch: 'x.split(3, -1)', inputs: [f32('2,7')] },
      { torch: 'n = 2\na, b = x.split([n, 5 - n], dim=1)\na * 2, b', inputs: [f32('2,5')] },
      { torch: 'n = 3\nx.split(n)', inputs: [f32('7,2')] },
    ],
    { returns: 'tensors', notes: splitNotes },
  ),
  op(
    'tensor_split',
    both('tensor_split', ', indices_or_sections, dim=0'),
    'jnp.array_split(a, indices_or_sections, axis=0)',
    (a, e) => e.call('jnp.array_split', [a.input, a.indices_or_sections], { axis: [a.dim, '0'] }),
    [
      { torch: 'torch.tensor_split(x, 3)', inputs: [f32('7,2')] },
      { torch: 'x.tensor_split([1, 4], dim=1)', inputs: [f32('2,6')] },
    ],
    { returns: 'tensors' },
  ),
  op(
    'chunk',
    both('chunk', ', chunks, dim=0'),
    'jnp.split(a, indices, axis=0)',
    (a, e) => bindOnce(e, [a.input], (t) => {
      const length = `${t}.shape[${a.dim.text}]`;
      return e.call('jnp.split', [t, `list(range(0, ${length}, -(-${length} // ${atom(a.chunks.text)})))[1:]`], { axis: [a.dim, '0'] });
    }),
    [
      { torch: 'torch.chunk(x, 3)', inputs: [f32('6,2')] },
      { torch: 'torch.chunk(x, 6)', inputs: [f32('13')] },
      { torch: 'x.chunk(2, dim=-1)', inputs: [f32('2,5')] },
      { torch: 'q, k, v = x.chunk(3, -1)\nq + k * v', inputs: [f32('2,9')] },
    ],
    { returns: 'tensors', notes: ['torch.chunk makes chunks of size ceil(n / chunks) and may return fewer chunks; jnp.array_split would always return `chunks` pieces'] },
  ),
  op('unbind', both('unbind', ', dim=0'), 'jnp.unstack(a, axis=0)', (a, e) => e.call('jnp.unstack', [a.input], { axis: [a.dim, '0'] }), [
    { torch: 'torch.unbind(x)', inputs: [f32('3,2')] },
    { torch: 'x.unbind(dim=1)', inputs: [f32('3,2')] },
  ], { returns: 'tensors' }),
];

// ---- indexing -----------------------------------------------------------------------------------------------------

const indexing: OpEntry[] = [
  op('gather', both('gather', ', dim, index, *, sparse_grad=False'), 'jnp.take_along_axis(a, indices, axis)', (a, e) => e.call('jnp.take_along_axis', [a.input, a.index], { axis: a.dim }), [
    { torch: 'torch.gather(x, 1, i)', inputs: [f32('3,4'), ints('3,2', 'i')] },
    { torch: 'x.gather(0, i)', inputs: [f32('3,4'), ints('2,4', 'i', '0..3')] },
    { torch: 'x.gather(-1, i.unsqueeze(-1)).squeeze(-1)', inputs: [f32('3,4'), ints('3', 'i')] },
  ], { notes: ['out-of-range indices raise in torch; jnp.take_along_axis fills them with NaN (floats)', 'torch also accepts an index smaller than the input in the other dims (reading their leading part); jnp broadcasts instead'] }),
  op('index_select', both('index_select', ', dim, index'), 'jnp.take(a, indices, axis)', (a, e) => e.call('jnp.take', [a.input, a.index], { axis: a.dim }), [
    { torch: 'torch.index_select(x, 0, i)', inputs: [f32('3,4'), ints('5', 'i', '0..3')] },
    { torch: 'x.index_select(1, i)', inputs: [f32('3,4'), ints('2', 'i')] },
  ]),
  op('take', both('take', ', index'), 'jnp.take(a, indices)', (a, e) => e.call('jnp.take', [a.input, a.index]), [
    { torch: 'torch.take(x, i)', inputs: [f32('3,4'), ints('2,3', 'i', '0..12')] },
    { torch: 'x.take(i)', inputs: [f32('3,4'), ints('5', 'i', '-12..12')] },
  ]),
  op('take_along_dim', both('take_along_dim', ', indices, dim=None'), 'jnp.take_along_axis(a, indices, axis=None)', (a, e) => e.call('jnp.take_along_axis', [a.input, a.indices], { axis: a.dim }), [
    { torch: 'torch.take_along_dim(x, i)', inputs: [f32('3,4'), ints('5', 'i', '0..12')] },
    { torch: 'x.take_along_dim(torch.argsort(x, dim=1), dim=1)', inputs: [f32('3,4')] },
  ]),
  op('narrow', both('narrow', ', dim, start, length'), 'jax.lax.dynamic_slice_in_dim(a, start, length, axis)', (a, e) => e.call('jax.lax.dynamic_slice_in_dim', [a.input, a.start, a.length], { axis: a.dim }), [
    { torch: 'torch.narrow(x, 0, 1, 2)', inputs: [f32('4,3')] },
    { torch: 'x.narrow(-1, -2, 2)', inputs: [f32('4,3')] },
  ]),
];

// ---- reordering and triangles -------------------------------------------------------------------------------------

const reordering: OpEntry[] = [
  op('flip', ['torch.flip(input, dims)', 'Tensor.flip(input, *dims)'], 'jnp.flip(a, axis)', (a, e) => e.call('jnp.flip', [a.input], { axis: axisArg(a.dims) }), [
    { torch: 'torch.flip(x, (0, 1))', inputs: [f32('3,4')] },
    { torch: 'x.flip(-1)', inputs: [f32('3,4')] },
    { torch: 'x.flip([0])', inputs: [f32('3,4')] },
  ]),
  ...['fliplr', 'flipud'].map((name) =>
    op(name, both(name, ''), `jnp.${name}(a)`, (a, e) => e.call(`jnp.${name}`, [a.input]), [
      { torch: `torch.${name}(x)`, inputs: [f32('3,4')] },
      { torch: `x.${name}()`, inputs: [f32('3,4,2')] },
    ]),
  ),
  op('roll', both('roll', ', shifts, dims=None'), 'jnp.roll(a, shift, axis=None)', (a, e) => e.call('jnp.roll', [a.input, axisArg(a.shifts)], { axis: [axisArg(a.dims), 'None'] }), [
    { torch: 'torch.roll(x, 2)', inputs: [f32('3,4')] },
    { torch: 'x.roll(-1, 1)', inputs: [f32('3,4')] },
    { torch: 'x.roll((1, 2), dims=(0, 1))', inputs: [f32('3,4')] },
  ]),
  op('rot90', both('rot90', ', k=1, dims=(0, 1)'), 'jnp.rot90(m, k=1, axes=(0, 1))', (a, e) => e.call('jnp.rot90', [a.input], { k: [a.k, '1'], axes: [axisArg(a.dims), '(0, 1)'] }), [
    { torch: 'torch.rot90(x)', inputs: [f32('3,4')] },
    { torch: 'x.rot90(3, [1, 2])', inputs: [f32('2,3,4')] },
  ]),
  ...['tril', 'triu'].map((name) =>
    op(name, both(name, ', diagonal=0'), `jnp.${name}(m, k=0)`, (a, e) => e.call(`jnp.${name}`, [a.input], { k: [a.diagonal, '0'] }), [
      { torch: `torch.${name}(x)`, inputs: [f32('4,4')] },
      { torch: `x.${name}(diagonal=1)`, inputs: [f32('2,3,4')] },
      { torch: `torch.${name}(x, -1)`, inputs: [f32('3,5')] },
      inplaceCase(name, '1', [f32('4,3')]),
    ], { inplace: true }),
  ),
  op('diagonal', both('diagonal', ', offset=0, dim1=0, dim2=1'), 'jnp.diagonal(a, offset=0, axis1=0, axis2=1)', (a, e) => e.call('jnp.diagonal', [a.input], { offset: [a.offset, '0'], axis1: [a.dim1, '0'], axis2: [a.dim2, '1'] }), [
    { torch: 'torch.diagonal(x)', inputs: [f32('3,4')] },
    { torch: 'x.diagonal(1, -2, -1)', inputs: [f32('2,3,4')] },
  ]),
  op('diag', both('diag', ', diagonal=0'), 'jnp.diag(v, k=0)', (a, e) => e.call('jnp.diag', [a.input], { k: [a.diagonal, '0'] }), [
    { torch: 'torch.diag(x)', inputs: [f32('4')] },
    { torch: 'x.diag(-1)', inputs: [f32('3,4')] },
  ]),
  op('trace', both('trace', ''), 'jnp.trace(a)', (a, e) => e.call('jnp.trace', [a.input]), [
    { torch: 'torch.trace(x)', inputs: [f32('3,4')] },
    { torch: 'x.trace()', inputs: [f32('4,4')] },
  ]),
  op('diff', both('diff', ', n=1, dim=-1, prepend=None, append=None'), 'jnp.diff(a, n=1, axis=-1, prepend=None, append=None)', (a, e) => e.call('jnp.diff', [a.input], { n: [a.n, '1'], axis: [a.dim, '-1'], prepend: [a.prepend, 'None'], append: [a.append, 'None'] }), [
    { torch: 'torch.diff(x)', inputs: [f32('3,4')] },
    { torch: 'x.diff(n=2, dim=0, prepend=y)', inputs: [f32('3,4'), f32('2,4', 'y')] },
  ]),
];

// ---- identity-like methods, sizes, dtypes and devices --------------------------------------------------------------

/** What a positional argument of Tensor.to is: torch tells dtypes, devices and tensors apart at run time. */
function toTarget(arg: Arg): 'none' | 'flag' | 'device' | 'dtype' | 'tensor' | 'unknown' {
  if (arg.lit === null) return 'none';
  if (typeof arg.lit === 'boolean') return 'flag';
  if (typeof arg.lit === 'string' || /(^|[._])(device|dev)$/.test(arg.text)) return 'device';
  if (isDtypeText(arg.text)) return 'dtype';
  return arg.tensor ? 'tensor' : 'unknown';
}

function toText(a: Bound, e: Emitter): string {
  let dtype: string | undefined;
  for (const arg of [a.dtype_or_device, a.dtype]) {
    const target = toTarget(arg);
    if (target === 'unknown') e.unsupported(`cannot tell whether ${arg.text} is a dtype, a device or a tensor`);
    if (target === 'dtype') dtype = arg.text;
    if (target === 'tensor') dtype = `${atom(arg.text)}.dtype`;
  }
  return dtype ? `${atom(a.input.text)}.astype(${dtype})` : atom(a.input.text);
}

const casts: Array<[string, string]> = [
  ['float', 'float32'], ['double', 'float64'], ['half', 'float16'], ['bfloat16', 'bfloat16'], ['long', 'int64'], ['int', 'int32'],
  ['short', 'int16'], ['char', 'int8'], ['byte', 'uint8'], ['bool', 'bool_'],
];

const castTests: Record<string, ConformanceCase> = {
  float: { torch: 'x.float()', inputs: [ints('3,4')] },
  double: { torch: 'x.double()', inputs: [f32('3,4')] },
  half: { torch: 'x.half()', inputs: [f32('3,4')] },
  bfloat16: { torch: 'x.bfloat16().float()', inputs: [f32('3,4')] },
  long: { torch: '(x * 3).long()', inputs: [f32('3,4')] },
  int: { torch: '(x * 3).int()', inputs: [f32('3,4')] },
  short: { torch: '(x * 3).short()', inputs: [f32('3,4')] },
  char: { torch: '(x * 3).char()', inputs: [f32('3,4')] },
  byte: { torch: 'x.byte()', inputs: [f32('3,4', 'x', '0..200')] },
  bool: { torch: 'x.bool()', inputs: [ints('3,4', 'x', '0..2')] },
};

const conversions: OpEntry[] = [
  op('contiguous', ['Tensor.contiguous(input, memory_format=None)'], 'a', (a) => atom(a.input.text), [{ torch: 'x.t().contiguous()', inputs: [f32('3,4')] }], {
    notes: ['JAX arrays have no strides: contiguous() is the array itself'],
  }),
  op('clone', ['torch.clone(input, *, memory_format=None)', 'Tensor.clone(input, *, memory_format=None)'], 'a', (a) => atom(a.input.text), [
    { torch: 'torch.clone(x) * 2', inputs: [f32('3,4')] },
    { torch: 'x.clone()', inputs: [f32('3,4')] },
  ], { notes: ['JAX arrays are immutable: a clone is the array itself, and later in-place updates rebind the name'] }),
  op('detach', both('detach', ''), 'jax.lax.stop_gradient(x)', (a, e) => e.call('jax.lax.stop_gradient', [a.input]), [
    { torch: 'torch.detach(x)', inputs: [f32('3,4')] },
    { torch: 'x.detach() + 1', inputs: [f32('3,4')] },
    inplaceCase('detach', '', [f32('3,4')]),
  ], { inplace: true, notes: ['detach stops gradients: jax.lax.stop_gradient'] }),
  op('size', ['Tensor.size(input)'], 'a.shape', (a) => `${atom(a.input.text)}.shape`, [{ torch: 'x.size()', inputs: [f32('3,4')] }], { returns: 'shape' }),
  op('size_dim', ['Tensor.size(input, dim)'], 'a.shape[dim]', (a) => `${atom(a.input.text)}.shape[${a.dim.text}]`, [
    { torch: 'x.size(1)', inputs: [f32('3,4')] },
    { torch: 'torch.zeros(x.size(-1))', inputs: [f32('3,4')] },
  ], { returns: 'scalar' }),
  op('dim', ['Tensor.dim(input)', 'Tensor.ndimension(input)'], 'a.ndim', (a) => `${atom(a.input.text)}.ndim`, [
    { torch: 'x.dim()', inputs: [f32('3,4')] },
    { torch: 'x.ndimension()', inputs: [f32('3,4,2')] },
  ], { returns: 'scalar' }),
  op('numel', ['torch.numel(input)', 'Tensor.numel(input)', 'Tensor.nelement(input)'], 'a.size', (a) => `${atom(a.input.text)}.size`, [
    { torch: 'torch.numel(x)', inputs: [f32('3,4')] },
    { torch: 'x.numel()', inputs: [f32('3,4,2')] },
    { torch: 'x.nelement()', inputs: [f32('5')] },
  ], { returns: 'scalar' }),
  ...casts.map(([method, dtype]) =>
    op(method, [`Tensor.${method}(input, memory_format=None)`], `a.astype(jnp.${dtype})`, (a) => `${atom(a.input.text)}.astype(jnp.${dtype})`, [castTests[method]], {
      notes: dtype.endsWith('64') ? ['without x64, JAX keeps 64-bit dtypes as their 32-bit counterparts'] : undefined,
    }),
  ),
  op(
    'to',
    ['Tensor.to(input, dtype_or_device=None, dtype=None, non_blocking=False, copy=False, *, device=None, memory_format=None)'],
    'a.astype(dtype)',
    toText,
    [
      { torch: 'x.to(torch.float16)', inputs: [f32('3,4')] },
      { torch: "x.to('cpu')", inputs: [f32('3,4')] },
      { torch: "x.to('cpu', torch.int32)", inputs: [f32('3,4')] },
      { torch: 'x.to(torch.abs(y))', inputs: [f32('3,4'), ints('2', 'y')] },
      { torch: "device = 'cpu'\nx.to(device)", inputs: [f32('3,4')] },
      { torch: 'x.to(x.device, non_blocking=True)', inputs: [f32('3,4')] },
    ],
    { notes: ['device placement is dropped (JAX places arrays itself); a dtype becomes astype'] },
  ),
  op('type', ['Tensor.type(input, dtype=None, non_blocking=False)'], 'a.astype(dtype)', (a, e) => {
    if (a.dtype.lit === null) e.unsupported('x.type() returns a type name, which JAX does not have');
    if (!isDtypeText(a.dtype.text)) e.unsupported(`${a.dtype.text} is not a dtype`);
    return `${atom(a.input.text)}.astype(${a.dtype.text})`;
  }, [{ torch: 'x.type(torch.int32)', inputs: [f32('3,4')] }]),
  op('type_as', ['Tensor.type_as(input, other)'], 'a.astype(other.dtype)', (a) => `${atom(a.input.text)}.astype(${atom(a.other.text)}.dtype)`, [
    { torch: 'x.type_as(y)', inputs: [f32('3,4'), ints('2', 'y')] },
  ]),
  op('cpu', ['Tensor.cpu(input, memory_format=None)'], 'a', (a) => atom(a.input.text), [{ torch: 'x.cpu()', inputs: [f32('3,4')] }], {
    notes: ['device placement is dropped: JAX places arrays itself'],
  }),
  op('item', ['Tensor.item(input)'], 'a.item()', (a) => `${atom(a.input.text)}.item()`, [{ torch: 'x.sum().item()', inputs: [f32('3,4')] }], { returns: 'scalar' }),
  op('tolist', ['Tensor.tolist(input)'], 'a.tolist()', (a) => `${atom(a.input.text)}.tolist()`, [{ torch: 'x.tolist()', inputs: [f32('2,3')] }], { returns: 'scalar' }),
  op('numpy', ['Tensor.numpy(input, *, force=False)'], 'np.asarray(a)', (a, e) => e.call('np.asarray', [a.input]), [{ torch: 'x.numpy()', inputs: [f32('2,3')] }]),
];

// ---- creation -----------------------------------------------------------------------------------------------------

const FACTORY = 'dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False';
const LIKE = 'dtype=None, layout=None, device=None, requires_grad=False, memory_format=None';
const EMPTY = 'torch.empty leaves the memory uninitialised; JAX has no such array, so it is zero-filled';

const RANDOM = 'values come from the module\'s rngs (rngs.params()), so they differ from torch\'s generator: the distribution is the same; load trained weights with load_torch_state_dict';

/** A random factory: converted where modules are built, drawing from rngs; its cases compare statistics. */
function randomFactory(name: string, torch: string, jaxSpelling: string, jax: (a: Bound, e: Emitter) => string, tests: string[]): OpEntry {
  return op(name, [torch], jaxSpelling, jax, tests.map((t) => ({ torch: t, inputs: [], statistics: { rtol: 0.02, atol: 0.01 } })), { random: true, status: 'approximate', notes: [RANDOM, DROPPED] });
}

const randomShape = (a: Bound) => a.size.text;

/** torch.zeros(*size, dtype=...), ones, empty. */
function sizedFactory(name: string, jaxFn: string, notes: string[] = []): OpEntry {
  const read = name === 'empty' ? '.shape' : ''; // uninitialised values cannot be compared
  return op(name, [`torch.${name}(*size, ${FACTORY}, memory_format=None)`], `${jaxFn}(shape, dtype=None)`, (a, e) => e.call(jaxFn, [a.size], { dtype: [a.dtype, 'None'] }), [
    { torch: `torch.${name}(2, 3)${read}`, inputs: [] },
    { torch: `torch.${name}((2, 3), dtype=torch.int64)${read}`, inputs: [] },
    { torch: `torch.${name}(x.shape, device='cpu', requires_grad=False)${read || ' + x'}`, inputs: [f32('3,4')] },
    { torch: `torch.${name}(size=(2, 3))${read}`, inputs: [] },
  ], { notes: [...notes, DROPPED] });
}

function likeFactory(name: string, jaxFn: string, notes: string[] = []): OpEntry {
  const read = name === 'empty_like' ? '.shape' : ''; // uninitialised values cannot be compared
  return op(name, [`torch.${name}(input, *, ${LIKE})`], `${jaxFn}(a, dtype=None)`, (a, e) => e.call(jaxFn, [a.input], { dtype: [a.dtype, 'None'] }), [
    { torch: `torch.${name}(x)${read}`, inputs: [f32('3,4')] },
    { torch: `torch.${name}(x, dtype=torch.int32)${read}`, inputs: [f32('3,4')] },
  ], { notes: [...notes, DROPPED] });
}

/** Tensor.new_zeros(*size, dtype=None): a new array with the receiver's dtype unless another is given. */
function newFactory(name: string, jaxFn: string, params: string, leading: (a: Bound) => Array<Arg | string>, tests: ConformanceCase[], notes: string[] = []): OpEntry {
  return op(name, [`Tensor.${name}(input, ${params}, ${FACTORY})`], `${jaxFn}(..., dtype=a.dtype)`, (a, e) => {
    const dtype = a.dtype.lit === null ? `${atom(a.input.text)}.dtype` : a.dtype.text;
    return e.call(jaxFn, leading(a), { dtype });
  }, tests, { notes: [...notes, DROPPED] });
}

/** torch.arange(end) or torch.arange(start, end, step=1) */
function arangeText(a: Bound, e: Emitter): string {
  const bounds = a.end.lit === null ? [a.start] : a.step.lit === 1 ? [a.start, a.end] : [a.start, a.end, a.step];
  return e.call('jnp.arange', bounds, { dtype: [a.dtype, 'None'] });
}

function triangleIndices(name: 'tril_indices' | 'triu_indices'): OpEntry {
  return op(name, [`torch.${name}(row, col, offset=0, *, dtype=None, device=None, layout=None)`], `jnp.stack(jnp.${name}(row, k=offset, m=col))`, (a, e) => {
    const pair = e.call(`jnp.${name}`, [a.row], { k: [a.offset, '0'], m: a.col });
    return `jnp.stack(${pair})${a.dtype.lit === null ? '' : `.astype(${a.dtype.text})`}`;
  }, [
    { torch: `torch.${name}(3, 4)`, inputs: [] },
    { torch: `torch.${name}(4, 3, -1)`, inputs: [] },
  ]);
}

const creation: OpEntry[] = [
  randomFactory('randn', `torch.randn(*size, generator=None, ${FACTORY})`, 'jax.random.normal(rngs.params(), shape, dtype=jnp.float32)',
    (a, e) => e.call('jax.random.normal', ['rngs.params()', randomShape(a)], { dtype: [a.dtype, 'None'] }), ['torch.randn(200, 300)', 'torch.randn((100000,)) * 0.02 + 1']),
  randomFactory('rand', `torch.rand(*size, generator=None, ${FACTORY})`, 'jax.random.uniform(rngs.params(), shape, dtype=jnp.float32)',
    (a, e) => e.call('jax.random.uniform', ['rngs.params()', randomShape(a)], { dtype: [a.dtype, 'None'] }), ['torch.rand(200, 300)', 'torch.rand(100000) * 4 - 2']),
  randomFactory('randint', `torch.randint(low, high, size, *, generator=None, ${FACTORY})`, 'jax.random.randint(rngs.params(), size, low, high)',
    (a, e) => e.call('jax.random.randint', ['rngs.params()', a.size, a.low, a.high], { dtype: [a.dtype, 'None'] }), ['torch.randint(0, 10, (100000,)).float() / 10', 'torch.randint(-3, 3, (200, 500)).float()']),
  op('finfo', ['torch.finfo(type=None)'], 'jnp.finfo(dtype)', (a, e) => e.call('jnp.finfo', [a.type.lit === null ? 'jnp.float32' : a.type.text]), [
    { torch: 'x * 0 + torch.finfo(x.dtype).eps', inputs: [f32('3')] },
    { torch: '(x > 0) * torch.finfo(torch.float32).min', inputs: [f32('3,4')] },
    { torch: 'x * 0 + torch.finfo().tiny', inputs: [f32('2')] },
  ], { returns: 'scalar', notes: ['min, max, eps, tiny and resolution read the same in jnp.finfo'] }),
  op('iinfo', ['torch.iinfo(type)'], 'jnp.iinfo(dtype)', (a, e) => e.call('jnp.iinfo', [a.type]), [
    { torch: 'x * 0 + torch.iinfo(torch.int16).max', inputs: [f32('3')] },
    { torch: 'x * 0 + torch.iinfo(torch.int8).min', inputs: [f32('3')] },
  ], { returns: 'scalar' }),
  sizedFactory('zeros', 'jnp.zeros'),
  sizedFactory('ones', 'jnp.ones'),
  sizedFactory('empty', 'jnp.zeros', [EMPTY]),
  op('full', [`torch.full(size, fill_value, *, ${FACTORY})`], 'jnp.full(shape, fill_value, dtype=None)', (a, e) => e.call('jnp.full', [a.size, a.fill_value], { dtype: [a.dtype, 'None'] }), [
    { torch: 'torch.full((2, 3), 1.5)', inputs: [] },
    { torch: 'torch.full((2,), 7)', inputs: [] },
    { torch: 'torch.full([2, 2], True)', inputs: [] },
    { torch: "torch.full(x.shape, float('-inf'), dtype=torch.float32)", inputs: [f32('3,4')] },
  ], { notes: ['both infer the dtype from the fill value (int, bool or float)', DROPPED] }),
  likeFactory('zeros_like', 'jnp.zeros_like'),
  likeFactory('ones_like', 'jnp.ones_like'),
  likeFactory('empty_like', 'jnp.zeros_like', [EMPTY]),
  op('full_like', [`torch.full_like(input, fill_value, *, ${LIKE})`], 'jnp.full_like(a, fill_value, dtype=None)', (a, e) => e.call('jnp.full_like', [a.input, a.fill_value], { dtype: [a.dtype, 'None'] }), [
    { torch: 'torch.full_like(x, 0.5)', inputs: [f32('3,4')] },
    { torch: 'torch.full_like(x, 2.7)', inputs: [ints('3', 'x')] },
    { torch: 'torch.full_like(x, 3, dtype=torch.float32)', inputs: [ints('3', 'x')] },
  ], { notes: [DROPPED] }),
  newFactory('new_zeros', 'jnp.zeros', '*size', (a) => [a.size], [
    { torch: 'x.new_zeros(2, 3)', inputs: [ints('3')] },
    { torch: 'x.new_zeros((2,), dtype=torch.float32)', inputs: [ints('3')] },
  ]),
  newFactory('new_ones', 'jnp.ones', '*size', (a) => [a.size], [{ torch: 'x.new_ones(x.shape)', inputs: [f32('3,4')] }]),
  newFactory('new_empty', 'jnp.zeros', '*size', (a) => [a.size], [{ torch: 'x.new_empty(2, 3).shape', inputs: [f32('3,4')] }], [EMPTY]),
  newFactory('new_full', 'jnp.full', 'size, fill_value', (a) => [a.size, a.fill_value], [
    { torch: 'x.new_full((2, 3), 1.5)', inputs: [f32('3,4')] },
    { torch: 'x.new_full((2,), 1.5)', inputs: [ints('3')] },
  ]),
  newFactory('new_tensor', 'jnp.array', 'data', (a) => [a.data], [
    { torch: 'x.new_tensor([1, 2, 3])', inputs: [f32('3')] },
    { torch: 'x.new_tensor([[1.5, 2.0]], dtype=torch.float32)', inputs: [ints('3')] },
  ]),
  op('arange', [`torch.arange(start=0, end=None, step=1, *, ${FACTORY})`], 'jnp.arange(start, stop, step, dtype=None)', arangeText, [
    { torch: 'torch.arange(5)', inputs: [] },
    { torch: 'torch.arange(2, 8)', inputs: [] },
    { torch: 'torch.arange(0., 1., 0.1)', inputs: [] },
    { torch: 'torch.arange(1, 4, 0.5)', inputs: [] },
    { torch: 'torch.arange(x.shape[0], dtype=torch.float32) + x', inputs: [f32('4')] },
    { torch: 'torch.arange(1, 10, 3)', inputs: [] },
    { torch: 'torch.arange(end=6)', inputs: [] },
  ], { notes: ['integer ranges are int64 in torch and int32 in JAX without x64; a float bound gives float32 in both', DROPPED] }),
  op('linspace', [`torch.linspace(start, end, steps, *, ${FACTORY})`], 'jnp.linspace(start, stop, num, dtype=None)', (a, e) => e.call('jnp.linspace', [a.start, a.end, a.steps], { dtype: [a.dtype, 'None'] }), [
    { torch: 'torch.linspace(0, 1, 5)', inputs: [] },
    { torch: 'torch.linspace(-2.0, 3.0, steps=7, dtype=torch.float32)', inputs: [] },
  ], { notes: [DROPPED] }),
  op('logspace', [`torch.logspace(start, end, steps, base=10.0, *, ${FACTORY})`], 'jnp.logspace(start, stop, num, base=10.0, dtype=None)', (a, e) => e.call('jnp.logspace', [a.start, a.end, a.steps], { base: [a.base, '10.0'], dtype: [a.dtype, 'None'] }), [
    { torch: 'torch.logspace(0, 2, 5)', inputs: [] },
    { torch: 'torch.logspace(-1.0, 1.0, 4, base=2.0)', inputs: [] },
  ], { notes: [DROPPED] }),
  op('eye', [`torch.eye(n, m=None, *, ${FACTORY})`], 'jnp.eye(N, M=None, dtype=None)', (a, e) => e.call('jnp.eye', a.m.lit === null ? [a.n] : [a.n, a.m], { dtype: [a.dtype, 'None'] }), [
    { torch: 'torch.eye(3)', inputs: [] },
    { torch: 'torch.eye(2, 4, dtype=torch.int32)', inputs: [] },
  ], { notes: [DROPPED] }),
  op('tensor', ['torch.tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False)'], 'jnp.array(data, dtype=None)', (a, e) => e.call('jnp.array', [a.data], { dtype: [a.dtype, 'None'] }), [
    { torch: 'torch.tensor([[1.0, 2.0], [3.0, 4.5]])', inputs: [] },
    { torch: 'torch.tensor([1, 2, 3])', inputs: [] },
    { torch: 'torch.tensor(True)', inputs: [] },
    { torch: 'torch.tensor([1, 2], dtype=torch.float32, requires_grad=True)', inputs: [] },
  ], { notes: ['integer data is int64 in torch and int32 in JAX without x64', DROPPED] }),
  op('as_tensor', ['torch.as_tensor(data, dtype=None, device=None)'], 'jnp.asarray(a, dtype=None)', (a, e) => e.call('jnp.asarray', [a.data], { dtype: [a.dtype, 'None'] }), [
    { torch: 'torch.as_tensor(x)', inputs: [f32('3,4')] },
    { torch: 'torch.as_tensor([1.0, 2.0], dtype=torch.float16)', inputs: [] },
  ], { notes: [DROPPED] }),
  op('from_numpy', ['torch.from_numpy(ndarray)'], 'jnp.asarray(a)', (a, e) => e.call('jnp.asarray', [a.ndarray]), [{ torch: 'torch.from_numpy(x.numpy())', inputs: [f32('3,4')] }]),
  op('meshgrid', ['torch.meshgrid(*tensors, indexing=None)'], "jnp.meshgrid(*xi, indexing='ij')", (a, e) => {
    const items = sequenceItems(a.tensors);
    if (!items && !a.tensors.tensor) e.unsupported(`cannot tell whether ${a.tensors.text} is one tensor or a sequence of tensors`);
    const indexing = a.indexing.lit === null ? "'ij'" : a.indexing.text;
    return e.call('jnp.meshgrid', items ?? [a.tensors], { indexing });
  }, [
    { torch: 'torch.meshgrid(x, y)', inputs: [f32('3'), f32('4', 'y')] },
    { torch: "torch.meshgrid([x, y], indexing='xy')", inputs: [f32('3'), f32('4', 'y')] },
  ], { returns: 'tensors', notes: ["torch.meshgrid defaults to indexing='ij'; jnp.meshgrid defaults to 'xy', so indexing is always passed"] }),
  op('searchsorted', ['torch.searchsorted(sorted_sequence, values, *, out_int32=False, right=False, side=None, sorter=None)'], "jnp.searchsorted(a, v, side='left', sorter=None)", (a, e) => {
    const side = a.side.lit !== null ? a.side : sideOf(a.right);
    return e.call('jnp.searchsorted', [a.sorted_sequence, a.values], { side: [side, "'left'"], sorter: [a.sorter, 'None'] });
  }, [
    { torch: 'torch.searchsorted(torch.sort(x)[0], y)', inputs: [f32('6'), f32('3,2', 'y')] },
    { torch: 'torch.searchsorted(torch.arange(5), y, right=True)', inputs: [ints('4', 'y', '0..5')] },
    { torch: "torch.searchsorted(torch.arange(5), y, side='right')", inputs: [ints('4', 'y', '0..5')] },
  ], { notes: ['jnp.searchsorted takes a 1-D sorted sequence only (torch also searches row by row)'] }),
  op('bucketize', ['torch.bucketize(input, boundaries, *, out_int32=False, right=False)'], "jnp.searchsorted(boundaries, a, side='left')", (a, e) => e.call('jnp.searchsorted', [a.boundaries, a.input], { side: [sideOf(a.right), "'left'"] }), [
    { torch: 'torch.bucketize(x, torch.arange(4))', inputs: [ints('3,4', 'x', '-1..5')] },
    { torch: 'torch.bucketize(x, torch.arange(4), right=True)', inputs: [ints('3,4', 'x', '-1..5')] },
  ]),
  triangleIndices('tril_indices'),
  triangleIndices('triu_indices'),
];

/** searchsorted's side from torch's `right` flag. */
function sideOf(right: Arg): string {
  if (typeof right.lit === 'boolean') return right.lit ? "'right'" : "'left'";
  return `('right' if ${right.text} else 'left')`;
}

export const shapeOps: OpEntry[] = [...reshaping, ...joining, ...indexing, ...reordering, ...conversions, ...creation];
