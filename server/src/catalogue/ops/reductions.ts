// Reductions, scans, sorting and selection.
import type { Arg } from '../../pyvalue';
import { atom, bindOnce, dimReduction, f32, freshName, inplaceCase, reducedAxis } from '../define';
import { BindError, type Bound } from '../signature';
import type { Emitter, OpEntry } from '../types';

const ints = (shape: string, name = 'x', range = '0..4') => `${name}=int32[${shape}]:${range}`;
const withNans = (x = 'x') => `torch.where(${x} > 0.8, float('nan'), ${x})`;
const TIES = 'with equal values the chosen index may differ (JAX takes the first in sorted order)';

type Keywords = Record<string, [Arg | string, string]>;

/** std/var arguments: ddof from correction=, else from unbiased (also torch's old `std(x, unbiased)` form). */
function spreadKeywords(a: Bound): Keywords {
  const unbiasedOnly = typeof a.dim.lit === 'boolean';
  const unbiased = unbiasedOnly ? a.dim : a.unbiased;
  let ddof: Arg | string;
  if (a.correction.lit !== null) ddof = a.correction;
  else if (typeof unbiased.lit === 'boolean') ddof = unbiased.lit ? '1' : '0';
  else ddof = `int(${unbiased.text})`;
  return { axis: [unbiasedOnly ? 'None' : reducedAxis(a.dim), 'None'], ddof: [ddof, '0'], keepdims: [a.keepdim, 'False'] };
}

function spread(name: 'std' | 'var'): OpEntry[] {
  const fn = `jnp.${name}`;
  const params = 'input, dim=None, unbiased=True, keepdim=False, *, correction=None';
  const notes = [`torch.${name} defaults to the unbiased estimate (correction=1); jnp.${name} defaults to ddof=0, so ddof is always passed`];
  return [
    {
      name,
      torch: [`torch.${name}(${params})`, `Tensor.${name}(${params})`],
      jax: (a, e) => e.call(fn, [a.input], spreadKeywords(a)),
      jaxSpelling: `${fn}(a, axis=None, ddof=1, keepdims=False)`,
      returns: 'tensor',
      notes,
      tests: [
        { torch: `torch.${name}(x)`, inputs: [f32('3,4')] },
        { torch: `x.${name}(dim=1, keepdim=True)`, inputs: [f32('3,4')] },
        { torch: `x.${name}(1, unbiased=False)`, inputs: [f32('3,4')] },
        { torch: `torch.${name}(x, 0, False, True)`, inputs: [f32('3,4')] },
        { torch: `x.${name}(False)`, inputs: [f32('3,4')] },
        { torch: `torch.${name}(x, dim=(0, 2), correction=0)`, inputs: [f32('3,4,2')] },
        { torch: `x.${name}(-1, correction=2)`, inputs: [f32('3,5')] },
      ],
    },
    {
      name: `${name}_mean`,
      torch: [`torch.${name}_mean(${params})`],
      jax: (a, e) => {
        const keywords = spreadKeywords(a);
        return bindOnce(e, [a.input], (t) => `(${e.call(fn, [t], keywords)}, ${e.call('jnp.mean', [t], { axis: keywords.axis, keepdims: keywords.keepdims })})`);
      },
      jaxSpelling: `(${fn}(a, axis, ddof=1), jnp.mean(a, axis))`,
      returns: 'tensors',
      notes,
      tests: [
        { torch: `torch.${name}_mean(x)`, inputs: [f32('3,4')] },
        { torch: `torch.${name}_mean(x, dim=1, keepdim=True, unbiased=False)`, inputs: [f32('3,4')] },
        { torch: `torch.${name}_mean(x + 1, 0, correction=0)`, inputs: [f32('3,4')] },
      ],
    },
  ];
}

/** `(values, indices)` of max/min over one dim, as torch.max(x, dim) returns them. */
function extremeAlong(e: Emitter, kind: 'max' | 'min', t: string, dim: Arg | string, keepdim: Arg | string): string {
  const keywords = { axis: dim, keepdims: [keepdim, 'False'] as [Arg | string, string] };
  return `(${e.call(`jnp.${kind}`, [t], keywords)}, ${e.call(`jnp.arg${kind}`, [t], keywords)})`;
}

/** torch.max/min: over everything, elementwise against another tensor, or over a dim with indices. */
function extreme(kind: 'max' | 'min'): OpEntry[] {
  const pairwise = kind === 'max' ? 'jnp.maximum' : 'jnp.minimum';
  return [
    {
      name: kind,
      torch: [`torch.${kind}(input)`, `Tensor.${kind}(input)`],
      jax: (a, e) => e.call(`jnp.${kind}`, [a.input]),
      jaxSpelling: `jnp.${kind}(a)`,
      returns: 'tensor',
      tests: [
        { torch: `torch.${kind}(x)`, inputs: [f32('3,4')] },
        { torch: `x.${kind}()`, inputs: [ints('3,4')] },
      ],
    },
    {
      name: `${kind}_elementwise`,
      torch: [`torch.${kind}(input, other)`, `Tensor.${kind}(input, other)`],
      jax: (a, e) => {
        if (a.other.lit !== undefined) throw new BindError('a literal second argument is a dim');
        if (a.other.tensor) return e.call(pairwise, [a.input, a.other]);
        // a dim or a tensor: torch decides by the runtime type, and so does the JAX text
        return bindOnce(e, [a.input, a.other], (x, other) => `(${e.call(pairwise, [x, other])} if isinstance(${other}, jax.Array) else ${extremeAlong(e, kind, x, other, 'False')})`);
      },
      jaxSpelling: `${pairwise}(x1, x2)`,
      returns: 'tensor',
      notes: [`torch.${kind}(a, b) with a tensor b is elementwise (${pairwise}); where the converter cannot tell a tensor from a dim, the JAX text checks at run time`],
      tests: [
        { torch: `torch.${kind}(x, torch.abs(y))`, inputs: [f32('3,4'), f32('3,4', 'y')] },
        { torch: `torch.${kind}(x, y)`, inputs: [f32('3,4'), f32('3,4', 'y')] },
        { torch: `x.${kind}(y)`, inputs: [f32('3,4'), f32('4', 'y')] },
      ],
    },
    {
      name: `${kind}_dim`,
      torch: [`torch.${kind}(input, dim, keepdim=False)`, `Tensor.${kind}(input, dim, keepdim=False)`],
      jax: (a, e) => bindOnce(e, [a.input], (t) => extremeAlong(e, kind, t, a.dim, a.keepdim)),
      jaxSpelling: `(jnp.${kind}(a, axis), jnp.arg${kind}(a, axis))`,
      returns: 'tensors',
      notes: [`torch.${kind}(x, dim) returns (values, indices); JAX computes them with jnp.${kind} and jnp.arg${kind} (both take the first of equal values)`],
      tests: [
        { torch: `torch.${kind}(x, 1)`, inputs: [f32('3,4')] },
        { torch: `x.${kind}(dim=0, keepdim=True)`, inputs: [f32('3,4')] },
        { torch: `torch.${kind}(x, -1)[1]`, inputs: [ints('3,5')] },
        { torch: `v, i = x.${kind}(1, True)\nv + i`, inputs: [f32('2,3,4')] },
        { torch: `d = 1\ntorch.${kind}(x, d)`, inputs: [f32('3,4')] },
        { torch: `torch.${kind}(x, dim=1).values + x.${kind}(0, keepdim=True).indices`, inputs: [f32('4,4')] },
      ],
    },
  ];
}

/** Element `position` (a text) along `dim` of `src`, keeping the dim when keepdim is set. */
function takeAt(e: Emitter, src: string, position: string, dim: Arg | string, keepdim: Arg): string {
  let index = position;
  if (keepdim.lit === true) index = `jnp.array([${position}])`;
  else if (keepdim.lit !== false) index = `jnp.array([${position}]) if ${keepdim.text} else ${position}`;
  return e.call('jnp.take', [src, index], { axis: dim });
}

/** (values, indices) of the element at sorted position `position(t)` along a dim: median and kthvalue. */
function sortedPick(e: Emitter, a: Bound, values: (t: string) => string, position: (t: string) => string): string {
  return bindOnce(e, [a.input], (t) => `(${values(t)}, ${takeAt(e, e.call('jnp.argsort', [t], { axis: a.dim }), position(t), a.dim, a.keepdim)})`);
}

/** The lower median as torch computes it: jnp.median would average the two middle values. */
function lowerMedian(e: Emitter, t: string, quantile: string, axis: Keywords): string {
  return `${e.call(quantile, [t, '0.5'], { ...axis, method: "'lower'" })}.astype(${t}.dtype)`;
}

function medians(): OpEntry[] {
  const notes = ['torch.median is the lower of the two middle values; jnp.median averages them, so this uses jnp.quantile(method=\'lower\')', 'integer inputs go through float32 in jnp.quantile: exact below 2**24'];
  return [
    {
      name: 'median',
      torch: ['torch.median(input)', 'Tensor.median(input)'],
      jax: (a, e) => bindOnce(e, [a.input], (t) => lowerMedian(e, t, 'jnp.quantile', {})),
      jaxSpelling: "jnp.quantile(a, 0.5, method='lower')",
      returns: 'tensor',
      notes,
      tests: [
        { torch: 'torch.median(x)', inputs: [f32('4,3')] },
        { torch: 'x.median()', inputs: [f32('5')] },
        { torch: 'torch.median(x)', inputs: [ints('6', 'x', '0..9')] },
        { torch: `torch.median(${withNans()})`, inputs: [f32('3,4')] },
      ],
    },
    {
      name: 'median_dim',
      torch: ['torch.median(input, dim, keepdim=False)', 'Tensor.median(input, dim, keepdim=False)'],
      jax: (a, e) => sortedPick(e, a, (t) => lowerMedian(e, t, 'jnp.quantile', { axis: [a.dim, 'None'], keepdims: [a.keepdim, 'False'] }), (t) => `(${t}.shape[${a.dim.text}] - 1) // 2`),
      jaxSpelling: "(jnp.quantile(a, 0.5, axis, method='lower'), index from jnp.argsort)",
      returns: 'tensors',
      notes: [...notes, `indices: ${TIES}; a slice holding NaN gives NaN values in both, but another index`],
      tests: [
        { torch: 'torch.median(x, 1)', inputs: [f32('3,4')] },
        { torch: 'x.median(dim=0, keepdim=True)', inputs: [f32('5,2')] },
        { torch: 'torch.median(x, -1).indices', inputs: [f32('3,5')] },
      ],
    },
    {
      name: 'nanmedian',
      torch: ['torch.nanmedian(input)', 'Tensor.nanmedian(input)'],
      jax: (a, e) => bindOnce(e, [a.input], (t) => lowerMedian(e, t, 'jnp.nanquantile', {})),
      jaxSpelling: "jnp.nanquantile(a, 0.5, method='lower')",
      returns: 'tensor',
      notes,
      tests: [
        { torch: `torch.nanmedian(${withNans()})`, inputs: [f32('4,3')] },
        { torch: 'x.nanmedian()', inputs: [f32('6')] },
      ],
    },
    {
      name: 'kthvalue',
      torch: ['torch.kthvalue(input, k, dim=-1, keepdim=False)', 'Tensor.kthvalue(input, k, dim=-1, keepdim=False)'],
      jax: (a, e) => {
        const position = typeof a.k.lit === 'number' ? String(a.k.lit - 1) : `${atom(a.k.text)} - 1`;
        return sortedPick(e, a, (t) => takeAt(e, e.call('jnp.sort', [t], { axis: a.dim }), position, a.dim, a.keepdim), () => position);
      },
      jaxSpelling: 'jnp.take(jnp.sort(a, axis), k - 1, axis), with indices from jnp.argsort',
      returns: 'tensors',
      notes: [`indices: ${TIES}`],
      tests: [
        { torch: 'torch.kthvalue(x, 2)', inputs: [f32('3,4')] },
        { torch: 'x.kthvalue(3, dim=0, keepdim=True)', inputs: [f32('5,2')] },
        { torch: 'x.kthvalue(2).values', inputs: [f32('3,4')] },
      ],
    },
  ];
}

function quantile(name: 'quantile' | 'nanquantile'): OpEntry {
  const params = "input, q, dim=None, keepdim=False, *, interpolation='linear'";
  return {
    name,
    torch: [`torch.${name}(${params})`, `Tensor.${name}(${params})`],
    jax: (a, e) => e.call(`jnp.${name}`, [a.input, a.q], { axis: [a.dim, 'None'], keepdims: [a.keepdim, 'False'], method: [a.interpolation, "'linear'"] }),
    jaxSpelling: `jnp.${name}(a, q, axis=None, keepdims=False, method='linear')`,
    returns: 'tensor',
    tests: [
      { torch: `torch.${name}(x, 0.3)`, inputs: [f32('3,4')] },
      { torch: `x.${name}(torch.tensor([0.25, 0.5]), dim=1, keepdim=True)`, inputs: [f32('3,4')] },
      { torch: `torch.${name}(${withNans()}, 0.7, 0, interpolation='lower')`, inputs: [f32('5,3')] },
    ],
  };
}

/** cumsum/cumprod: torch.NAME(input, dim, *, dtype=None), with an in-place method. */
function scan(name: 'cumsum' | 'cumprod'): OpEntry {
  return {
    name,
    torch: [`torch.${name}(input, dim, *, dtype=None)`, `Tensor.${name}(input, dim, *, dtype=None)`],
    jax: (a, e) => e.call(`jnp.${name}`, [a.input], { axis: a.dim, dtype: [a.dtype, 'None'] }),
    jaxSpelling: `jnp.${name}(a, axis, dtype=None)`,
    returns: 'tensor',
    inplace: true,
    tests: [
      { torch: `torch.${name}(x, 1)`, inputs: [f32('3,4')] },
      { torch: `x.${name}(dim=-1, dtype=torch.float32)`, inputs: [ints('3,4')] },
      { torch: `x.${name}(0)`, inputs: ['x=bool[4,2]'] },
      inplaceCase(name, '0', [f32('3,4')]),
    ],
  };
}

/** torch.norm and torch.linalg.vector_norm: vector p-norms over dim (everything when None). */
function vectorNorm(e: Emitter, input: Arg, ord: Arg, dim: Arg, keepdim: Arg, dtype: Arg): string {
  const x = dtype.lit === null ? input.text : `${atom(input.text)}.astype(${dtype.text})`;
  return e.call('jnp.linalg.vector_norm', [x], { axis: [dim, 'None'], keepdims: [keepdim, 'False'], ord: [ord, '2'] });
}

function norms(): OpEntry[] {
  const normParams = "input, p='fro', dim=None, keepdim=False, dtype=None";
  return [
    {
      name: 'norm',
      torch: [`torch.norm(${normParams})`, `Tensor.norm(${normParams})`],
      jax: (a, e) => {
        if (typeof a.p.lit === 'string' && a.p.lit !== 'fro') e.unsupported(`p='${a.p.lit}' (a matrix norm) is not mapped`);
        const ord = a.p.lit === 'fro' || a.p.lit === null ? { text: '2', lit: 2 } : a.p;
        return vectorNorm(e, a.input, ord, a.dim, a.keepdim, a.dtype);
      },
      jaxSpelling: 'jnp.linalg.vector_norm(x, ord=2, axis=None, keepdims=False)',
      returns: 'tensor',
      notes: ["torch.norm with p='fro' or a number is a vector norm over dim (all elements when dim is None)"],
      tests: [
        { torch: 'torch.norm(x)', inputs: [f32('3,4')] },
        { torch: 'x.norm(dim=1, keepdim=True)', inputs: [f32('3,4')] },
        { torch: 'x.norm(p=1, dim=-1)', inputs: [f32('3,4')] },
        { torch: "torch.norm(x, float('inf'), dim=(0, 1))", inputs: [f32('3,4,2')] },
        { torch: 'x.norm(3)', inputs: [f32('3,4')] },
      ],
    },
    {
      name: 'vector_norm',
      torch: ['torch.linalg.vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None)'],
      jax: (a, e) => vectorNorm(e, a.x, a.ord, a.dim, a.keepdim, a.dtype),
      jaxSpelling: 'jnp.linalg.vector_norm(x, ord=2, axis=None, keepdims=False)',
      returns: 'tensor',
      tests: [
        { torch: 'torch.linalg.vector_norm(x)', inputs: [f32('3,4')] },
        { torch: 'torch.linalg.vector_norm(x, ord=1, dim=(0, 2), keepdim=True)', inputs: [f32('3,4,2')] },
      ],
    },
    {
      name: 'linalg_norm',
      torch: ['torch.linalg.norm(A, ord=None, dim=None, keepdim=False, *, dtype=None)'],
      jax: (a, e) => {
        const x = a.dtype.lit === null ? a.A.text : `${atom(a.A.text)}.astype(${a.dtype.text})`;
        return e.call('jnp.linalg.norm', [x], { ord: [a.ord, 'None'], axis: [a.dim, 'None'], keepdims: [a.keepdim, 'False'] });
      },
      jaxSpelling: 'jnp.linalg.norm(x, ord=None, axis=None, keepdims=False)',
      returns: 'tensor',
      tests: [
        { torch: 'torch.linalg.norm(x)', inputs: [f32('3,4,2')] },
        { torch: "torch.linalg.norm(x, 'fro')", inputs: [f32('3,4')] },
        { torch: 'torch.linalg.norm(x, ord=1, dim=1, keepdim=True)', inputs: [f32('3,4')] },
      ],
    },
  ];
}

function sorting(): OpEntry[] {
  const sortKeywords = (a: Bound): Keywords => ({ axis: [a.dim, '-1'], descending: [a.descending, 'False'] });
  const sortParams = 'input, dim=-1, descending=False, *, stable=False';
  const unstable = 'torch sorts unstably unless stable=True; JAX always sorts stably: indices of equal values may differ';
  return [
    {
      name: 'sort',
      torch: [`torch.sort(${sortParams})`, `Tensor.sort(${sortParams})`],
      jax: (a, e) => bindOnce(e, [a.input], (t) => `(${e.call('jnp.sort', [t], sortKeywords(a))}, ${e.call('jnp.argsort', [t], sortKeywords(a))})`),
      jaxSpelling: '(jnp.sort(a, axis=-1, descending=False), jnp.argsort(a, axis=-1, descending=False))',
      returns: 'tensors',
      notes: [unstable],
      tests: [
        { torch: 'torch.sort(x)', inputs: [f32('3,4')] },
        { torch: 'torch.abs(x).sort(dim=0, descending=True)', inputs: [f32('3,4')] },
        { torch: 'torch.sort(x, dim=1, descending=True, stable=True)', inputs: [ints('3,6')] },
        { torch: 'torch.sort(x, 0).values - x.sort().indices', inputs: [f32('4,4')] },
        { torch: 'v, i = x.sort(descending=True)\nv * i', inputs: [f32('3,4')] },
      ],
    },
    {
      name: 'argsort',
      torch: [`torch.argsort(${sortParams})`, `Tensor.argsort(${sortParams})`],
      jax: (a, e) => e.call('jnp.argsort', [a.input], sortKeywords(a)),
      jaxSpelling: 'jnp.argsort(a, axis=-1, descending=False)',
      returns: 'tensor',
      notes: [unstable],
      tests: [
        { torch: 'torch.argsort(x)', inputs: [f32('3,4')] },
        { torch: 'x.argsort(dim=0, descending=True)', inputs: [f32('3,4')] },
        { torch: 'torch.argsort(x, stable=True)', inputs: [ints('2,7')] },
      ],
    },
    {
      name: 'msort',
      torch: ['torch.msort(input)'],
      jax: (a, e) => e.call('jnp.sort', [a.input], { axis: '0' }),
      jaxSpelling: 'jnp.sort(a, axis=0)',
      returns: 'tensor',
      tests: [{ torch: 'torch.msort(x)', inputs: [f32('4,3')] }],
    },
    {
      name: 'topk',
      torch: ['torch.topk(input, k, dim=-1, largest=True, sorted=True)', 'Tensor.topk(input, k, dim=-1, largest=True, sorted=True)'],
      jax: (a, e) => {
        const axis: [Arg | string, string] = [a.dim.lit === null ? '-1' : a.dim, '-1'];
        if (a.largest.lit === true) return e.call('jax.lax.top_k', [a.input, a.k], { axis });
        if (a.largest.lit !== false) e.unsupported('largest must be a literal True or False');
        // the k smallest are the k largest of -x
        const top = e.call('jax.lax.top_k', [`-${atom(a.input.text)}`, a.k], { axis });
        const values = freshName(e, 'v', top), indices = freshName(e, 'i', top);
        return `(lambda ${values}, ${indices}: (-${values}, ${indices}))(*${top})`;
      },
      jaxSpelling: 'jax.lax.top_k(operand, k, axis=-1)',
      returns: 'tensors',
      notes: [`JAX always returns the k values sorted; largest=False negates the input (signed or float dtypes only); ${TIES}`],
      tests: [
        { torch: 'torch.topk(x, 2)', inputs: [f32('3,5')] },
        { torch: 'x.topk(3, dim=0)', inputs: [f32('4,3')] },
        { torch: 'torch.topk(x, 2, 1, largest=False)', inputs: [f32('3,5')] },
        { torch: 'x.topk(k=1, dim=-1, largest=False, sorted=True)[1]', inputs: [f32('2,3,5')] },
        { torch: 'torch.topk(x, 2).indices', inputs: [f32('3,5')] },
      ],
    },
  ];
}

export const reductions: OpEntry[] = [
  dimReduction('sum', 'jnp.sum', {
    dtype: true,
    notes: ['bool and integer sums are int64 in torch but int32 in JAX without x64 (overflow above 2**31 - 1)', 'torch reduces over every dim for dim=(); JAX is given axis=None'],
    tests: [
      { torch: 'x.sum(dtype=torch.float32)', inputs: [ints('3,4')] },
      { torch: '(x > 0).sum()', inputs: [f32('3,4')] },
      { torch: 'x.sum(dim=())', inputs: [f32('3,4')] },
      { torch: 'torch.sum(x, 0, True)', inputs: [ints('3,4')] },
    ],
  }),
  dimReduction('mean', 'jnp.mean', {
    dtype: true,
    notes: ['torch.mean of an integer tensor raises unless dtype= is given; jnp.mean returns float32'],
    tests: [{ torch: 'torch.mean(x, dtype=torch.float32)', inputs: [ints('3,4')] }, { torch: 'x.mean(dim=[0, 1])', inputs: [f32('3,4,2')] }],
  }),
  dimReduction('nansum', 'jnp.nansum', { dtype: true, tests: [{ torch: `torch.nansum(${withNans()}, 1)`, inputs: [f32('3,4')] }] }),
  dimReduction('nanmean', 'jnp.nanmean', { dtype: true, tests: [{ torch: `torch.nanmean(${withNans()}, dim=0, keepdim=True)`, inputs: [f32('3,4')] }] }),
  dimReduction('prod', 'jnp.prod', { dtype: true, intDim: true, tests: [{ torch: 'x.prod(1, dtype=torch.float32)', inputs: [ints('3,4')] }] }),
  dimReduction('amax', 'jnp.max', { tests: [{ torch: 'torch.amax(x, dim=())', inputs: [f32('3,4')] }] }),
  dimReduction('amin', 'jnp.min', { tests: [{ torch: 'x.amin(0)', inputs: [ints('3,4')] }] }),
  dimReduction('all', 'jnp.all', { emptyDimReducesAll: false, tests: [{ torch: 'torch.all(x > -1, 1)', inputs: [f32('3,4')] }, { torch: 'x.all(dim=())', inputs: ['x=bool[3,4]'] }] }),
  dimReduction('any', 'jnp.any', { emptyDimReducesAll: false, tests: [{ torch: 'torch.any(x > 1.5, 0, keepdim=True)', inputs: [f32('3,4')] }] }),
  dimReduction('argmax', 'jnp.argmax', { intDim: true, notes: ['both take the first of equal maxima; the index dtype is int32 in JAX without x64'], tests: [{ torch: 'torch.argmax(x, keepdim=True)', inputs: [f32('3,4')] }, { torch: 'x.argmax(1)', inputs: [ints('3,6')] }] }),
  dimReduction('argmin', 'jnp.argmin', { intDim: true, tests: [{ torch: 'x.argmin(1)', inputs: [ints('3,6')] }] }),
  ...extreme('max'),
  ...extreme('min'),
  {
    name: 'aminmax',
    torch: ['torch.aminmax(input, *, dim=None, keepdim=False)', 'Tensor.aminmax(input, *, dim=None, keepdim=False)'],
    jax: (a, e) => {
      const keywords: Keywords = { axis: [a.dim, 'None'], keepdims: [a.keepdim, 'False'] };
      return bindOnce(e, [a.input], (t) => `(${e.call('jnp.min', [t], keywords)}, ${e.call('jnp.max', [t], keywords)})`);
    },
    jaxSpelling: '(jnp.min(a, axis), jnp.max(a, axis))',
    returns: 'tensors',
    tests: [
      { torch: 'torch.aminmax(x)', inputs: [f32('3,4')] },
      { torch: 'x.aminmax(dim=1, keepdim=True)', inputs: [f32('3,4')] },
    ],
  },
  ...spread('std'),
  ...spread('var'),
  {
    name: 'logsumexp',
    torch: ['torch.logsumexp(input, dim, keepdim=False)', 'Tensor.logsumexp(input, dim, keepdim=False)', 'torch.special.logsumexp(input, dim, keepdim=False)'],
    jax: (a, e) => e.call('jax.nn.logsumexp', [a.input], { axis: a.dim, keepdims: [a.keepdim, 'False'] }),
    jaxSpelling: 'jax.nn.logsumexp(a, axis, keepdims=False)',
    returns: 'tensor',
    tests: [
      { torch: 'torch.logsumexp(x, 1)', inputs: [f32('3,4')] },
      { torch: 'x.logsumexp(dim=(0, 2), keepdim=True)', inputs: [f32('3,4,2')] },
      { torch: 'torch.special.logsumexp(x * 50, -1)', inputs: [f32('3,4')] },
    ],
  },
  {
    name: 'count_nonzero',
    torch: ['torch.count_nonzero(input, dim=None)', 'Tensor.count_nonzero(input, dim=None)'],
    jax: (a, e) => e.call('jnp.count_nonzero', [a.input], { axis: [a.dim, 'None'] }),
    jaxSpelling: 'jnp.count_nonzero(a, axis=None)',
    returns: 'tensor',
    tests: [
      { torch: 'torch.count_nonzero(x)', inputs: [ints('3,4', 'x', '0..2')] },
      { torch: 'x.count_nonzero(dim=1)', inputs: [ints('3,4', 'x', '0..2')] },
      { torch: 'torch.count_nonzero(x > 0, (0, 1))', inputs: [f32('3,4,2')] },
    ],
  },
  ...medians(),
  quantile('quantile'),
  quantile('nanquantile'),
  scan('cumsum'),
  scan('cumprod'),
  {
    name: 'logcumsumexp',
    torch: ['torch.logcumsumexp(input, dim)', 'Tensor.logcumsumexp(input, dim)'],
    jax: (a, e) => e.call('jnp.logaddexp.accumulate', [a.input], { axis: a.dim }),
    jaxSpelling: 'jnp.logaddexp.accumulate(a, axis)',
    returns: 'tensor',
    tests: [
      { torch: 'torch.logcumsumexp(x, 1)', inputs: [f32('3,4')] },
      { torch: 'x.logcumsumexp(dim=-1)', inputs: [f32('2,3,4')] },
    ],
  },
  ...norms(),
  ...sorting(),
];
