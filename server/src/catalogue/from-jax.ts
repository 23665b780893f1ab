// The JAX side of the catalogue, for JAX / Flax NNX and Linen → PyTorch: per JAX function or Flax layer, its real
// signature (as in jax 0.10.2 / flax 0.12.8; defaults that are functions, such as initialisers, are written None and mean
// "JAX's default") and the PyTorch emission over the bound arguments. Every JAX default that differs from PyTorch's
// is passed explicitly. `op` names the catalogue op where there is one; `cases` are checked against the real
// frameworks (test/from-jax.test.ts): the JAX expression in JAX against its conversion in PyTorch.
import { type Arg, isNum, numValue, pyRepr } from '../pyvalue';
import { type Bound, parseSignature, type Signature } from './signature';

export interface ReverseEmitter {
  /** aborts this call's conversion: it is kept and marked with the reason */
  unsupported(reason: string): never;
  /** converts, and tells the user of a difference that remains (a warning with the line) */
  warn(message: string): void;
  /** registers a helper from the torch prelude (server/src/prelude/torch_prelude.py) and returns its name */
  helper(name: string): string;
}

export type TorchEmit = (a: Bound, e: ReverseEmitter) => string;

/** A conformance case: a JAX expression over named inputs (specs as for the CLI: NAME=DTYPE[SHAPE][:LOW..HIGH]). For
 *  a layer the expression builds it (rngs in scope) and the case applies it to the first input. */
export interface ReverseCase {
  jax: string;
  inputs: string[];
  /** a random draw: both sides' mean and standard deviation are compared (atol 0.05), not the numbers */
  statistics?: true;
}

export interface ReverseEntry {
  sig: Signature;
  torch: TorchEmit;
  /** the catalogue op (server/src/catalogue/ops) this is the inverse of */
  op?: string;
  cases: ReverseCase[];
}

export const isNone = (a: Arg | undefined) => !a || a.lit === null || a.text === 'None';
export const f32 = (shape: string, name = 'x', range = '') => `${name}=float32[${shape}]${range ? ':' + range : ''}`;

/** `name=value` unless the value is None. */
export function optional(name: string, a: Arg): string[] {
  return isNone(a) ? [] : [`${name}=${a.text}`];
}

export function call(fn: string, args: string[]): string {
  return `${fn}(${args.join(', ')})`;
}

/** A JAX axis as a torch dim: None means "all axes", which torch spells by leaving dim out. */
function reduction(fn: string) {
  return (a: Bound, e: ReverseEmitter) => {
    if (!isNone(a.where) || !isNone(a.initial)) e.unsupported('where= and initial= have no PyTorch equivalent');
    const dtype = a.dtype ? optional('dtype', a.dtype) : [];
    if (isNone(a.axis)) {
      if (a.keepdims.lit !== false) e.unsupported('keepdims=True without an axis');
      return call(fn, [a.a.text, ...dtype]);
    }
    return call(fn, [a.a.text, `dim=${a.axis.text}`, `keepdim=${a.keepdims.text}`, ...dtype]);
  };
}

/** An elementwise function of one array. */
export function unary(torchFn: string, op?: string, range = ''): [string, Omit<ReverseEntry, 'sig'>] {
  return [`(x)`, { torch: (a) => call(torchFn, [a.x.text]), op, cases: [{ jax: 'F(x)', inputs: [f32('3,4', 'x', range)] }] }];
}

/** Python literal numbers become tensors where torch wants tensors on both sides (torch.maximum(x, 0.0) fails). */
function tensorOperand(a: Arg): string {
  return isNum(a.lit) ? `torch.tensor(${a.text})` : a.text;
}

/** JAX's `approximate` flag as torch's mode string. */
export function geluMode(a: Arg): string {
  if (a.lit === true) return "'tanh'";
  if (a.lit === false) return "'none'";
  return `('tanh' if ${a.text} else 'none')`;
}

export type Table = Record<string, [string, Omit<ReverseEntry, 'sig'>]>;

const NN: Table = {
  'jax.nn.relu': unary('torch.relu', 'relu'),
  'jax.nn.sigmoid': unary('torch.sigmoid', 'functional_sigmoid'),
  'jax.nn.silu': unary('torch.nn.functional.silu', 'silu'),
  'jax.nn.tanh': unary('torch.tanh', 'functional_tanh'),
  'jax.nn.softplus': unary('torch.nn.functional.softplus'),
  'jax.nn.identity': ['(x)', { torch: (a) => a.x.text, cases: [{ jax: 'F(x)', inputs: [f32('2,3')] }] }],
  'jax.nn.gelu': ['(x, approximate=True)', {
    op: 'gelu',
    torch: (a) => call('torch.nn.functional.gelu', [a.x.text, `approximate=${geluMode(a.approximate)}`]),
    cases: [{ jax: 'F(x)', inputs: [f32('3,5', 'x', '-4..4')] }, { jax: 'F(x, approximate=False)', inputs: [f32('3,5', 'x', '-4..4')] }],
  }],
  'jax.nn.leaky_relu': ['(x, negative_slope=0.01)', {
    op: 'leaky_relu',
    torch: (a) => call('torch.nn.functional.leaky_relu', [a.x.text, `negative_slope=${a.negative_slope.text}`]),
    cases: [{ jax: 'F(x)', inputs: [f32('3,4')] }],
  }],
  'jax.nn.elu': ['(x, alpha=1.0)', {
    torch: (a) => call('torch.nn.functional.elu', [a.x.text, `alpha=${a.alpha.text}`]),
    cases: [{ jax: 'F(x, alpha=0.5)', inputs: [f32('3,4')] }],
  }],
  ...Object.fromEntries(['softmax', 'log_softmax'].map((name) => [`jax.nn.${name}`, ['(x, axis=-1, where=None)', {
    op: name,
    torch: (a: Bound, e: ReverseEmitter) => {
      if (!isNone(a.where)) e.unsupported('where= has no PyTorch equivalent');
      if (Array.isArray(a.axis.lit) || a.axis.lit === null) e.unsupported('softmax over several axes has no PyTorch equivalent');
      return call(`torch.${name}`, [a.x.text, `dim=${a.axis.text}`]);
    },
    cases: [{ jax: 'F(x)', inputs: [f32('3,5')] }, { jax: 'F(x, axis=0)', inputs: [f32('3,5')] }],
  }]])),
};

const NUMPY: Table = {
  'jax.numpy.tanh': unary('torch.tanh', 'tanh'),
  'jax.numpy.exp': unary('torch.exp', 'exp'),
  'jax.numpy.log': unary('torch.log', 'log', '0.1..3'),
  'jax.numpy.sqrt': unary('torch.sqrt', 'sqrt', '0..3'),
  'jax.numpy.abs': unary('torch.abs', 'abs'),
  'jax.numpy.sin': unary('torch.sin', 'sin'),
  'jax.numpy.cos': unary('torch.cos', 'cos'),
  'jax.numpy.sign': unary('torch.sign', 'sign'),
  'jax.numpy.floor': unary('torch.floor', 'floor'),
  'jax.numpy.ceil': unary('torch.ceil', 'ceil'),
  'jax.lax.rsqrt': unary('torch.rsqrt', 'rsqrt', '0.1..3'),
  'jax.numpy.power': ['(x1, x2)', {
    op: 'pow', torch: (a) => call('torch.pow', [tensorOperand(a.x1), a.x2.text]), cases: [{ jax: 'F(x, 3)', inputs: [f32('3,4')] }, { jax: 'F(x, y)', inputs: [f32('3,4', 'x', '0.1..2'), f32('3,4', 'y')] }],
  }],
  'jax.numpy.round': ['(a, decimals=0, out=None)', {
    op: 'round', torch: (a) => call('torch.round', [a.a.text, `decimals=${a.decimals.text}`]), cases: [{ jax: 'F(x * 10, decimals=1)', inputs: [f32('3,4')] }, { jax: 'F(x + 0.5)', inputs: [f32('3,4', 'x', '-3..3')] }],
  }],
  'jax.numpy.moveaxis': ['(a, source, destination)', {
    op: 'movedim', torch: (a) => call('torch.movedim', [a.a.text, a.source.text, a.destination.text]), cases: [{ jax: 'F(x, 0, -1)', inputs: [f32('2,3,4')] }, { jax: 'F(x, (0, 1), (2, 0))', inputs: [f32('2,3,4')] }],
  }],
  'jax.numpy.flip': ['(m, axis=None)', {
    op: 'flip',
    torch: (a) => {
      if (isNone(a.axis)) return `(lambda t: torch.flip(t, tuple(range(t.ndim))))(${a.m.text})`;
      return call('torch.flip', [a.m.text, typeof a.axis.lit === 'number' ? `(${a.axis.text},)` : a.axis.text]);
    },
    cases: [{ jax: 'F(x, 1)', inputs: [f32('2,3,4')] }, { jax: 'F(x)', inputs: [f32('2,3')] }],
  }],
  'jax.numpy.tile': ['(A, reps)', {
    op: 'tile', torch: (a) => call('torch.tile', [a.A.text, typeof a.reps.lit === 'number' ? `(${a.reps.text},)` : a.reps.text]), cases: [{ jax: 'F(x, (2, 1, 3))', inputs: [f32('2,3')] }, { jax: 'F(x, 2)', inputs: [f32('2,3')] }],
  }],
  ...Object.fromEntries(['argmax', 'argmin'].map((name) => [`jax.numpy.${name}`, ['(a, axis=None, out=None, keepdims=None)', {
    op: name,
    // both return the first of equal extremes; JAX's index over the flattened array where axis is None, as torch's
    torch: (a: Bound) => call(`torch.${name}`, [a.a.text, ...optional('dim', a.axis), ...(isNone(a.keepdims) ? [] : [`keepdim=${a.keepdims.text}`])]),
    cases: [{ jax: 'F(x, axis=1)', inputs: [f32('3,4')] }, { jax: 'F(x)', inputs: [f32('3,4')] }, { jax: 'F(x, axis=0, keepdims=True)', inputs: [f32('3,4')] }],
  }]])),
  'jax.numpy.matmul': ['(a, b, *, precision=None, preferred_element_type=None)', {
    op: 'matmul',
    torch: (a, e) => {
      if (!isNone(a.preferred_element_type)) e.unsupported('preferred_element_type= has no PyTorch equivalent');
      return call('torch.matmul', [a.a.text, a.b.text]);
    },
    cases: [{ jax: 'F(a, b)', inputs: [f32('2,3,4', 'a'), f32('4,5', 'b')] }],
  }],
  'jax.numpy.einsum': ['(subscripts, *operands)', {
    op: 'einsum',
    torch: (a) => `torch.einsum(${a.subscripts.text}, *${a.operands.text})`,
    cases: [{ jax: "F('bij,bjk->bik', a, b)", inputs: [f32('2,3,4', 'a'), f32('2,4,5', 'b')] }],
  }],
  'jax.numpy.reshape': ['(a, shape, order=\'C\')', {
    op: 'reshape',
    torch: (a, e) => {
      if (a.order.lit !== 'C') e.unsupported("order= other than 'C' has no PyTorch equivalent");
      return call('torch.reshape', [a.a.text, typeof a.shape.lit === 'number' ? `(${a.shape.text},)` : a.shape.text]);
    },
    cases: [{ jax: 'F(x, (4, 3))', inputs: [f32('3,4')] }, { jax: 'F(x, -1)', inputs: [f32('3,4')] }],
  }],
  'jax.numpy.swapaxes': ['(a, axis1, axis2)', {
    op: 'transpose',
    torch: (a) => call('torch.swapaxes', [a.a.text, a.axis1.text, a.axis2.text]),
    cases: [{ jax: 'F(x, 0, 2)', inputs: [f32('2,3,4')] }],
  }],
  'jax.numpy.transpose': ['(a, axes=None)', {
    op: 'permute',
    // no axes: all of them reversed, which torch has no single call for
    torch: (a) => isNone(a.axes) ? `(lambda t: t.permute(*range(t.ndim - 1, -1, -1)))(${a.a.text})` : call('torch.permute', [a.a.text, a.axes.text]),
    cases: [{ jax: 'F(x, (1, 2, 0))', inputs: [f32('2,3,4')] }, { jax: 'F(x)', inputs: [f32('2,3,4')] }],
  }],
  'jax.numpy.split': ['(ary, indices_or_sections, axis=0)', {
    op: 'tensor_split',
    // tensor_split takes both forms as numpy does; jnp.split refuses uneven sections, which code that runs never has
    torch: (a) => call('torch.tensor_split', [a.ary.text, a.indices_or_sections.text, `dim=${a.axis.text}`]),
    cases: [{ jax: 'F(x, 3, axis=1)[1]', inputs: [f32('2,6')] }, { jax: 'F(x, [1, 4])[2]', inputs: [f32('6,2')] }],
  }],
  'jax.numpy.concatenate': ['(arrays, axis=0, dtype=None)', {
    op: 'cat',
    torch: (a, e) => {
      if (isNone(a.axis)) e.unsupported('axis=None (flattening) has no direct PyTorch equivalent');
      if (!isNone(a.dtype)) e.unsupported('dtype= has no torch.cat equivalent');
      return call('torch.cat', [a.arrays.text, `dim=${a.axis.text}`]);
    },
    cases: [{ jax: 'F([a, b], axis=1)', inputs: [f32('2,3', 'a'), f32('2,2', 'b')] }],
  }],
  'jax.numpy.stack': ['(arrays, axis=0, out=None, dtype=None)', {
    op: 'stack',
    torch: (a, e) => {
      if (!isNone(a.dtype)) e.unsupported('dtype= has no torch.stack equivalent');
      return call('torch.stack', [a.arrays.text, `dim=${a.axis.text}`]);
    },
    cases: [{ jax: 'F([a, b], axis=-1)', inputs: [f32('2,3', 'a'), f32('2,3', 'b')] }],
  }],
  'jax.numpy.expand_dims': ['(a, axis)', {
    op: 'unsqueeze',
    torch: (a, e) => {
      if (typeof a.axis.lit !== 'number') e.unsupported('expand_dims over several axes (or a non-literal axis) is not converted');
      return call('torch.unsqueeze', [a.a.text, a.axis.text]);
    },
    cases: [{ jax: 'F(x, 1)', inputs: [f32('2,3')] }],
  }],
  'jax.numpy.squeeze': ['(a, axis=None)', {
    op: 'squeeze',
    torch: (a) => call('torch.squeeze', [a.a.text, ...(isNone(a.axis) ? [] : [a.axis.text])]),
    cases: [{ jax: 'F(x)', inputs: [f32('2,1,3,1')] }, { jax: 'F(x, 1)', inputs: [f32('2,1,3,1')] }],
  }],
  'jax.numpy.broadcast_to': ['(array, shape)', {
    op: 'broadcast_to',
    torch: (a) => call('torch.broadcast_to', [a.array.text, a.shape.text]),
    cases: [{ jax: 'F(x, (2, 3, 4))', inputs: [f32('3,1')] }],
  }],
  'jax.numpy.repeat': ['(a, repeats, axis=None, *, total_repeat_length=None)', {
    op: 'repeat_interleave',
    torch: (a, e) => {
      if (!isNone(a.total_repeat_length)) e.unsupported('total_repeat_length= has no PyTorch equivalent');
      return call('torch.repeat_interleave', [a.a.text, a.repeats.text, ...optional('dim', a.axis)]);
    },
    cases: [{ jax: 'F(x, 2, axis=1)', inputs: [f32('2,3')] }, { jax: 'F(x, 3)', inputs: [f32('2,3')] }, { jax: 'x.repeat(2)', inputs: [f32('2,3')] }],
  }],
  'jax.numpy.where': ['(condition, x=None, y=None, *, size=None, fill_value=None)', {
    op: 'where',
    torch: (a, e) => {
      if (isNone(a.x) || isNone(a.y)) e.unsupported('the one-argument form returns indices of data-dependent size');
      return call('torch.where', [a.condition.text, a.x.text, a.y.text]);
    },
    cases: [{ jax: 'F(x > 0, x, y)', inputs: [f32('3,4'), f32('3,4', 'y')] }, { jax: "F(x > 0, float('-inf'), x)", inputs: [f32('3,4')] }],
  }],
  'jax.numpy.tril': ['(m, k=0)', { op: 'tril', torch: (a) => call('torch.tril', [a.m.text, `diagonal=${a.k.text}`]), cases: [{ jax: 'F(x, k=1)', inputs: [f32('4,4')] }] }],
  'jax.numpy.triu': ['(m, k=0)', { op: 'triu', torch: (a) => call('torch.triu', [a.m.text, `diagonal=${a.k.text}`]), cases: [{ jax: 'F(x)', inputs: [f32('4,4')] }] }],
  'jax.numpy.maximum': ['(x1, x2)', {
    op: 'maximum', torch: (a) => call('torch.maximum', [tensorOperand(a.x1), tensorOperand(a.x2)]), cases: [{ jax: 'F(x, 0.0)', inputs: [f32('3,4')] }],
  }],
  'jax.numpy.minimum': ['(x1, x2)', {
    op: 'minimum', torch: (a) => call('torch.minimum', [tensorOperand(a.x1), tensorOperand(a.x2)]), cases: [{ jax: 'F(x, y)', inputs: [f32('3,4'), f32('3,4', 'y')] }],
  }],
  'jax.numpy.clip': ['(arr=None, min=None, max=None)', {
    op: 'clamp', torch: (a) => call('torch.clamp', [a.arr.text, ...optional('min', a.min), ...optional('max', a.max)]), cases: [{ jax: 'F(x, -0.5, 0.5)', inputs: [f32('3,4')] }, { jax: 'x.clip(max=0.2)', inputs: [f32('3,4')] }],
  }],
  'jax.numpy.sum': ['(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None, promote_integers=True)', {
    op: 'sum', torch: reduction('torch.sum'), cases: [{ jax: 'F(x)', inputs: [f32('3,4')] }, { jax: 'F(x, axis=(0, 2), keepdims=True)', inputs: [f32('2,3,4')] }, { jax: 'x.sum(axis=1, keepdims=True)', inputs: [f32('3,4')] }],
  }],
  'jax.numpy.mean': ['(a, axis=None, dtype=None, out=None, keepdims=False, *, where=None)', {
    op: 'mean', torch: reduction('torch.mean'), cases: [{ jax: 'F(x, axis=-1, keepdims=True)', inputs: [f32('3,4')] }],
  }],
  'jax.numpy.max': ['(a, axis=None, out=None, keepdims=False, initial=None, where=None)', {
    op: 'amax', torch: reduction('torch.amax'), cases: [{ jax: 'F(x, axis=1)', inputs: [f32('3,4')] }, { jax: 'F(x)', inputs: [f32('3,4')] }, { jax: 'x.max(-1)', inputs: [f32('3,4')] }],
  }],
  'jax.numpy.min': ['(a, axis=None, out=None, keepdims=False, initial=None, where=None)', {
    op: 'amin', torch: reduction('torch.amin'), cases: [{ jax: 'F(x, axis=(0, 1))', inputs: [f32('2,3,4')] }],
  }],
  'jax.numpy.all': ['(a, axis=None, out=None, keepdims=False, *, where=None)', {
    op: 'all', torch: reduction('torch.all'), cases: [{ jax: 'F(x > -1, axis=-1, keepdims=True)', inputs: [f32('3,4')] }],
  }],
  'jax.numpy.any': ['(a, axis=None, out=None, keepdims=False, *, where=None)', {
    op: 'any', torch: reduction('torch.any'), cases: [{ jax: 'F(x > 1)', inputs: [f32('3,4')] }],
  }],
  ...Object.fromEntries(['var', 'std'].map((name) => [`jax.numpy.${name}`, ['(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, mean=None, correction=None)', {
    op: name,
    // torch's correction defaults to 1, JAX's ddof to 0: always passed
    torch: (a: Bound, e: ReverseEmitter) => {
      if (!isNone(a.where) || !isNone(a.mean) || !isNone(a.dtype)) e.unsupported('where=, mean= and dtype= have no torch equivalent');
      const correction = isNone(a.correction) ? a.ddof.text : a.correction.text;
      return call(`torch.${name}`, [a.a.text, ...optional('dim', a.axis), `correction=${correction}`, `keepdim=${a.keepdims.text}`]);
    },
    cases: [{ jax: 'F(x, axis=-1)', inputs: [f32('3,4')] }, { jax: 'F(x, ddof=1)', inputs: [f32('3,4')] }, { jax: `x.${name}(axis=0)`, inputs: [f32('3,4')] }],
  }]])),
  'jax.numpy.cumsum': ['(a, axis=None, dtype=None, out=None)', {
    op: 'cumsum',
    torch: (a, e) => {
      if (isNone(a.axis)) e.unsupported('axis=None (cumsum of the flattened array) is not converted');
      return call('torch.cumsum', [a.a.text, `dim=${a.axis.text}`, ...optional('dtype', a.dtype)]);
    },
    cases: [{ jax: 'F(x, axis=1)', inputs: [f32('3,4')] }],
  }],
  ...Object.fromEntries(['ones', 'zeros'].map((name) => [`jax.numpy.${name}`, ['(shape, dtype=None, *, device=None)', {
    op: name,
    torch: (a: Bound) => call(`torch.${name}`, [a.shape.text, ...optional('dtype', dtypeArg(a.dtype))]),
    cases: [{ jax: 'x + F((3, 4))', inputs: [f32('3,4')] }, { jax: 'F(x.shape, bool) | (x > 0)', inputs: [f32('2,3')] }],
  }]])),
  ...Object.fromEntries(['ones_like', 'zeros_like'].map((name) => [`jax.numpy.${name}`, ['(a, dtype=None, shape=None, *, device=None)', {
    op: name,
    torch: (a: Bound, e: ReverseEmitter) => {
      if (!isNone(a.shape)) e.unsupported('shape= has no torch equivalent');
      return call(`torch.${name}`, [a.a.text, ...optional('dtype', dtypeArg(a.dtype))]);
    },
    cases: [{ jax: 'x + F(x)', inputs: [f32('3,4')] }],
  }]])),
  'jax.numpy.full': ['(shape, fill_value, dtype=None, *, device=None)', {
    op: 'full',
    torch: (a) => call('torch.full', [a.shape.text, a.fill_value.text, ...optional('dtype', dtypeArg(a.dtype))]),
    cases: [{ jax: 'x * F((3, 4), 2.5)', inputs: [f32('3,4')] }],
  }],
  'jax.numpy.arange': ['(start, stop=None, step=None, dtype=None, *, device=None)', {
    op: 'arange',
    torch: (a) => {
      const bounds = isNone(a.stop) ? [a.start.text] : [a.start.text, a.stop.text, ...(isNone(a.step) ? [] : [a.step.text])];
      return call('torch.arange', [...bounds, ...optional('dtype', dtypeArg(a.dtype))]);
    },
    cases: [{ jax: 'x + F(4)', inputs: [f32('3,4')] }, { jax: 'x + F(1, 9, 2, dtype=jnp.float32)', inputs: [f32('3,4')] }],
  }],
  'jax.numpy.array': ['(object, dtype=None, *args, copy=True, order=\'K\', ndmin=0)', {
    op: 'tensor',
    torch: (a, e) => {
      if (a.ndmin.lit !== 0) e.unsupported('ndmin= has no torch.tensor equivalent');
      return call('torch.tensor', [a.object.text, ...optional('dtype', dtypeArg(a.dtype))]);
    },
    cases: [{ jax: 'x + F([1.0, 2.0, 3.0])', inputs: [f32('2,3')] }],
  }],
  'jax.numpy.asarray': ['(a, dtype=None, order=None, *, copy=None)', {
    op: 'as_tensor',
    torch: (a) => call('torch.as_tensor', [a.a.text, ...optional('dtype', dtypeArg(a.dtype))]),
    cases: [{ jax: 'F(x, dtype=jnp.int32)', inputs: [f32('2,3', 'x', '-9..9')] }],
  }],
  'jax.numpy.astype': ['(x, dtype, *, copy=False, device=None)', {
    op: 'to', torch: (a) => `${a.x.text}.to(${dtypeArg(a.dtype).text})`, cases: [{ jax: 'F(x, jnp.int32)', inputs: [f32('3,4', 'x', '-9..9')] }, { jax: 'x.astype(jnp.float16)', inputs: [f32('3,4')] }],
  }],
  // jnp.pad(array, pad_width, mode='constant', **kwargs): of the keywords only constant_values is converted
  'jax.numpy.pad': ['(array, pad_width, mode=\'constant\', constant_values=0)', {
    op: 'pad',
    torch: (a, e) => {
      if (typeof a.mode.lit !== 'string' || !['constant', 'reflect', 'edge', 'wrap'].includes(a.mode.lit)) e.unsupported("mode must be a literal 'constant', 'reflect', 'edge' or 'wrap'");
      if (!isNum(a.constant_values.lit)) e.unsupported('constant_values must be one literal number here');
      return call(e.helper('pad_like_numpy'), [a.array.text, a.pad_width.text, `mode=${a.mode.text}`, `value=${a.constant_values.text}`]);
    },
    cases: [
      { jax: 'F(x, 1)', inputs: [f32('3,4')] },
      { jax: 'F(x, ((1, 2), (0, 3)), constant_values=-1.5)', inputs: [f32('3,4')] },
      { jax: "F(x, ((0, 0),) * (x.ndim - 1) + ((2, 1),), mode='reflect')", inputs: [f32('2,3,5')] },
      { jax: "F(x, ((0, 0), (0, 0), (1, 2)), mode='edge')", inputs: [f32('2,3,5')] },
      { jax: "F(x, ((1, 1), (2, 0)), mode='wrap')", inputs: [f32('3,4')] },
    ],
  }],
  'jax.numpy.finfo': ['(dtype)', { torch: (a) => call('torch.finfo', [dtypeArg(a.dtype).text]), cases: [{ jax: 'x + F(x.dtype).min', inputs: [f32('3')] }] }],
};

/** Python's `float`/`int` as a dtype mean float32/int32 in JAX (without x64), float64/int64 in torch. */
function dtypeArg(a: Arg): Arg {
  const text = { float: 'torch.float32', int: 'torch.int32' }[a.text];
  return text ? { text } : a;
}

/** Flax NNX layers as torch modules. Weights are not carried by the code: load_flax_state fills them. */
const LAYERS: Table = {
  'flax.nnx.Linear': ['(in_features, out_features, *, use_bias=True, dtype=None, param_dtype=None, precision=None, kernel_init=None, bias_init=None, dot_general=None, promote_dtype=None, preferred_element_type=None, rngs=None, kernel_metadata=None, bias_metadata=None)', {
    op: 'Linear',
    torch: (a, e) => {
      layerOptions(a, e, ['kernel_init', 'bias_init']);
      return call('nn.Linear', [a.in_features.text, a.out_features.text, `bias=${a.use_bias.text}`]);
    },
    cases: [{ jax: 'nnx.Linear(4, 3, rngs=rngs)', inputs: [f32('2,4')] }, { jax: 'nnx.Linear(4, 3, use_bias=False, rngs=rngs)', inputs: [f32('2,5,4')] }],
  }],
  'flax.nnx.LayerNorm': ['(num_features, *, epsilon=1e-6, dtype=None, param_dtype=None, use_bias=True, use_scale=True, bias_init=None, scale_init=None, reduction_axes=-1, feature_axes=-1, axis_name=None, axis_index_groups=None, use_fast_variance=True, promote_dtype=None, rngs=None, bias_metadata=None, scale_metadata=None)', {
    op: 'LayerNorm',
    torch: (a, e) => {
      layerOptions(a, e, ['bias_init', 'scale_init']);
      if (a.reduction_axes.lit !== -1 || a.feature_axes.lit !== -1) e.unsupported('reduction_axes/feature_axes other than -1 are not converted');
      if (a.use_scale.lit === false && a.use_bias.lit !== false) e.unsupported('a bias without a scale has no nn.LayerNorm equivalent');
      return call('nn.LayerNorm', [a.num_features.text, `eps=${a.epsilon.text}`, `elementwise_affine=${a.use_scale.text}`, `bias=${a.use_bias.text}`]);
    },
    cases: [{ jax: 'nnx.LayerNorm(6, rngs=rngs)', inputs: [f32('2,3,6')] }, { jax: 'nnx.LayerNorm(6, epsilon=1e-5, use_bias=False, rngs=rngs)', inputs: [f32('2,6')] }],
  }],
  'flax.nnx.RMSNorm': ['(num_features, *, epsilon=1e-6, dtype=None, param_dtype=None, use_scale=True, scale_init=None, reduction_axes=-1, feature_axes=-1, axis_name=None, axis_index_groups=None, use_fast_variance=True, promote_dtype=None, rngs=None, scale_metadata=None)', {
    op: 'RMSNorm',
    torch: (a, e) => {
      layerOptions(a, e, ['scale_init']);
      if (a.reduction_axes.lit !== -1 || a.feature_axes.lit !== -1) e.unsupported('reduction_axes/feature_axes other than -1 are not converted');
      return call('nn.RMSNorm', [a.num_features.text, `eps=${a.epsilon.text}`, `elementwise_affine=${a.use_scale.text}`]);
    },
    cases: [{ jax: 'nnx.RMSNorm(6, rngs=rngs)', inputs: [f32('2,3,6')] }],
  }],
  'flax.nnx.Embed': ['(num_embeddings, features, *, dtype=None, param_dtype=None, embedding_init=None, promote_dtype=None, rngs=None, embedding_metadata=None)', {
    op: 'Embedding',
    torch: (a, e) => {
      layerOptions(a, e, ['embedding_init']);
      return call('nn.Embedding', [a.num_embeddings.text, a.features.text]);
    },
    cases: [{ jax: 'nnx.Embed(10, 4, rngs=rngs)', inputs: ['i=int64[2,5]:0..10'] }],
  }],
  'flax.nnx.Dropout': ['(rate, *, broadcast_dims=(), deterministic=False, rng_collection=\'dropout\', rngs=None)', {
    op: 'Dropout',
    torch: (a, e) => {
      if (Array.isArray(a.broadcast_dims.lit) && a.broadcast_dims.lit.length) e.unsupported('broadcast_dims= (one mask shared along axes) has no nn.Dropout equivalent');
      if (a.deterministic.lit !== false) e.unsupported('deterministic= at construction: torch decides by train()/eval()');
      e.warn('nn.Dropout draws its masks from torch\'s generator: in training mode the outputs differ from Flax\'s');
      return call('nn.Dropout', [`p=${a.rate.text}`]);
    },
    cases: [{ jax: 'nnx.Dropout(0.5, rngs=rngs)', inputs: [f32('3,4')] }],
  }],
  'flax.nnx.Conv': ['(in_features, out_features, kernel_size, strides=1, *, padding=\'SAME\', input_dilation=1, kernel_dilation=1, feature_group_count=1, use_bias=True, mask=None, dtype=None, param_dtype=None, precision=None, kernel_init=None, bias_init=None, conv_general_dilated=None, promote_dtype=None, preferred_element_type=None, rngs=None, kernel_metadata=None, bias_metadata=None)', {
    op: 'Conv2d',
    // channels-last in and out (Flax's layout), [*kernel, in, out] kernels: a torch conv between two movedims
    torch: (a, e) => channelsLastConv(a, e, 'ChannelsLastConv', [a.in_features.text, a.out_features.text]),
    cases: [
      { jax: 'nnx.Conv(3, 4, kernel_size=(3, 3), rngs=rngs)', inputs: [f32('2,6,5,3')] },
      { jax: "nnx.Conv(2, 4, kernel_size=(4, 2), strides=(2, 1), padding='VALID', use_bias=False, rngs=rngs)", inputs: [f32('2,9,5,2')] },
      { jax: 'nnx.Conv(4, 6, kernel_size=2, kernel_dilation=2, feature_group_count=2, padding=1, rngs=rngs)', inputs: [f32('3,7,4')] },
      { jax: "(lambda size: nnx.Conv(2, 3, kernel_size=size, padding='VALID', rngs=rngs))([2, 3])", inputs: [f32('2,5,6,2')] },
    ],
  }],
  'flax.nnx.BatchNorm': ['(num_features, *, use_running_average=False, axis=-1, momentum=0.99, epsilon=1e-5, dtype=None, param_dtype=None, use_bias=True, use_scale=True, bias_init=None, scale_init=None, axis_name=None, axis_index_groups=None, use_fast_variance=True, promote_dtype=None, rngs=None, bias_metadata=None, scale_metadata=None)', {
    op: 'BatchNorm2d',
    torch: (a, e) => {
      if (a.use_running_average.lit !== false) e.unsupported('use_running_average= at construction: torch decides by train()/eval() (as nnx eval() does)');
      return call(e.helper('ChannelsLastBatchNorm'), [a.num_features.text, ...batchNormOptions(a, e)]);
    },
    cases: [{ jax: 'nnx.BatchNorm(3, rngs=rngs)', inputs: [f32('4,5,5,3')] }, { jax: 'nnx.BatchNorm(4, epsilon=1e-3, momentum=0.9, rngs=rngs)', inputs: [f32('6,4')] }],
  }],
  'flax.nnx.GroupNorm': ['(num_features, num_groups=32, group_size=None, *, epsilon=1e-6, dtype=None, param_dtype=None, use_bias=True, use_scale=True, bias_init=None, scale_init=None, reduction_axes=None, axis_name=None, axis_index_groups=None, use_fast_variance=True, promote_dtype=None, rngs=None, bias_metadata=None, scale_metadata=None)', {
    op: 'GroupNorm',
    // channels-last like nnx.Conv: a torch GroupNorm between two movedims
    torch: (a, e) => {
      layerOptions(a, e, ['bias_init', 'scale_init']);
      if (!isNone(a.reduction_axes) || !isNone(a.axis_name)) e.unsupported('reduction_axes= and axis_name= are not converted');
      if (a.use_bias.lit !== a.use_scale.lit || typeof a.use_bias.lit !== 'boolean') e.unsupported('torch group norms have both a scale and a bias, or neither');
      const groups = isNone(a.num_groups) ? `${a.num_features.text} // ${a.group_size.text}` : a.num_groups.text;
      return call(e.helper('ChannelsLastGroupNorm'), [groups, a.num_features.text, `eps=${a.epsilon.text}`, `affine=${a.use_scale.text}`]);
    },
    cases: [{ jax: 'nnx.GroupNorm(6, num_groups=3, rngs=rngs)', inputs: [f32('2,5,5,6')] }, { jax: 'nnx.GroupNorm(8, num_groups=None, group_size=2, epsilon=1e-5, rngs=rngs)', inputs: [f32('2,7,8')] }],
  }],
  'flax.nnx.MultiHeadAttention': ['(num_heads, in_features, qkv_features=None, out_features=None, num_kv_heads=None, in_kv_features=None, *, dtype=None, param_dtype=None, broadcast_dropout=True, dropout_rate=0.0, deterministic=None, precision=None, kernel_init=None, out_kernel_init=None, bias_init=None, out_bias_init=None, use_bias=True, attention_fn=None, decode=None, normalize_qk=False, qkv_promote_dtype=None, out_promote_dtype=None, ln_promote_dtype=None, qkv_dot_general=None, out_dot_general=None, qkv_dot_general_cls=None, out_dot_general_cls=None, rngs=None, keep_rngs=True, kernel_metadata=None, out_kernel_metadata=None, bias_metadata=None, out_bias_metadata=None, query_ln_scale_metadata=None, key_ln_scale_metadata=None)', {
    op: 'MultiheadAttention',
    torch: (a, e) => {
      layerOptions(a, e, ['kernel_init', 'out_kernel_init', 'bias_init', 'out_bias_init']);
      for (const name of ['num_kv_heads', 'attention_fn', 'deterministic', 'qkv_dot_general', 'out_dot_general']) if (!isNone(a[name])) e.unsupported(`${name}= is not converted`);
      if (a.decode.lit === true || a.normalize_qk.lit !== false) e.unsupported('decode (a key/value cache) and normalize_qk are not converted');
      if (a.dropout_rate.lit !== 0 && numValue(a.dropout_rate.lit) !== 0) e.warn('attention dropout draws torch masks, not shared across batch and heads (broadcast_dropout): training outputs differ');
      return call(e.helper('FlaxMultiHeadAttention'), [a.num_heads.text, a.in_features.text, `qkv_features=${a.qkv_features.text}`, `out_features=${a.out_features.text}`,
        `in_kv_features=${a.in_kv_features.text}`, `dropout_rate=${a.dropout_rate.text}`, `use_bias=${a.use_bias.text}`]);
    },
    cases: [
      { jax: 'nnx.MultiHeadAttention(4, 16, decode=False, rngs=rngs)', inputs: [f32('2,5,16')] },
      { jax: 'nnx.MultiHeadAttention(2, 6, qkv_features=8, out_features=3, use_bias=False, decode=False, rngs=rngs)', inputs: [f32('3,4,6')] },
    ],
  }],
  'flax.nnx.Sequential': ['(*fns)', {
    torch: (a, e) => `${e.helper('Sequential')}(*${a.fns.text})`,
    cases: [{ jax: 'nnx.Sequential(nnx.Linear(4, 8, rngs=rngs), jax.nn.relu, nnx.Linear(8, 2, rngs=rngs))', inputs: [f32('3,4')] }],
  }],
  'flax.nnx.List': ['(it=None)', { torch: (a) => call('nn.ModuleList', isNone(a.it) ? [] : [a.it.text]), cases: [] }],
  'flax.nnx.Dict': ['(*args)', { torch: (a) => `nn.ModuleDict(dict(*${a.args.text}))`, cases: [] }],
  'flax.nnx.Param': ['(value)', { torch: (a) => call('nn.Parameter', [a.value.text]), cases: [] }],
};

/** A Flax conv (nnx.Conv, linen.Conv) as the torch prelude's channels-last conv `helper`Nd, N the kernel's spatial
 *  axes (an int kernel_size is one axis in Flax; a size known only at run time takes `helper` itself, which picks the
 *  class then); `leading` are its first arguments. */
function channelsLastConv(a: Bound, e: ReverseEmitter, helper: string, leading: string[]): string {
  layerOptions(a, e, ['kernel_init', 'bias_init']);
  const kernel = a.kernel_size.lit;
  const size = typeof kernel === 'number' ? [kernel] : Array.isArray(kernel) ? kernel : undefined;
  if (!isNone(a.mask)) e.unsupported('mask= has no torch conv equivalent');
  if (!allOnes(a.input_dilation)) e.unsupported('input_dilation= (a transposed convolution) is not converted');
  const layer = e.helper(size ? `${helper}${size.length}d` : helper);
  return call(layer, [...leading, `kernel_size=${size ? pyRepr(size) : a.kernel_size.text}`,
    `stride=${isNone(a.strides) ? 1 : a.strides.text}`, `padding=${convPadding(a.padding, a.strides, e)}`,
    `dilation=${isNone(a.kernel_dilation) ? 1 : a.kernel_dilation.text}`, `groups=${a.feature_group_count.text}`, `bias=${a.use_bias.text}`]);
}

/** A Flax batch norm's options (nnx.BatchNorm, linen.BatchNorm) as torch's: eps, momentum (1 - Flax's), affine. */
function batchNormOptions(a: Bound, e: ReverseEmitter): string[] {
  layerOptions(a, e, ['bias_init', 'scale_init']);
  if (a.axis.lit !== -1) e.unsupported('a feature axis other than the last is not converted');
  if (a.use_bias.lit !== a.use_scale.lit || typeof a.use_bias.lit !== 'boolean') e.unsupported('torch batch norms have both a scale and a bias, or neither');
  if (!isNone(a.axis_name)) e.unsupported('axis_name= (cross-device statistics) is not converted');
  e.warn('in training mode torch updates running_var with the unbiased batch variance, Flax with the biased one');
  const m = numValue(a.momentum.lit);
  const momentum = m === undefined ? `1 - ${a.momentum.text}` : String(Number((1 - m).toPrecision(12)));
  return [`eps=${a.epsilon.text}`, `momentum=${momentum}`, `affine=${a.use_scale.text}`];
}

function allOnes(a: Arg): boolean {
  return isNone(a) || a.lit === 1 || (Array.isArray(a.lit) && a.lit.every((v) => v === 1));
}

/** Flax padding as torch's: 'SAME' is torch's 'same' at stride 1 (both put the odd pixel after); 'VALID' is 0; an
 *  int or one per axis stays; (low, high) pairs only where equal. */
function convPadding(padding: Arg, strides: Arg, e: ReverseEmitter): string {
  const p = padding.lit;
  if (p === 'SAME') return allOnes(strides) ? "'same'" : e.unsupported("padding='SAME' with strides pads unevenly (lax's rule), which torch convs cannot express");
  if (p === 'VALID') return '0';
  if (typeof p === 'number') return String(p);
  if (Array.isArray(p) && p.every((v) => typeof v === 'number')) return pyRepr(p);
  if (Array.isArray(p) && p.every((v) => Array.isArray(v) && v.length === 2 && v[0] === v[1])) return pyRepr(p.map((v) => (v as number[])[0]));
  return e.unsupported('padding must be SAME, VALID, ints or equal (low, high) pairs written as literals');
}

/** Initialisers decide only the starting weights, which load_flax_state replaces: dropped with a warning. Computation
 *  and parameter dtypes other than float32 change the numbers: not converted. */
function layerOptions(a: Bound, e: ReverseEmitter, initialisers: string[]) {
  for (const name of initialisers) if (!isNone(a[name])) e.warn(`${name}= is not converted: torch initialises its own way (load_flax_state copies the trained weights)`);
  for (const name of ['dtype', 'param_dtype', 'precision']) {
    if (a[name] && !isNone(a[name]) && a[name].text !== 'torch.float32') e.unsupported(`${name}= other than float32 is not converted`);
  }
}

/** Names that are not calls: dtypes, constants, types. */
export const JAX_NAMES: Record<string, string> = {
  ...Object.fromEntries(['float16', 'bfloat16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'complex64'].map((d) => [`jax.numpy.${d}`, `torch.${d}`])),
  'jax.numpy.bool_': 'torch.bool',
  'jax.numpy.inf': 'torch.inf',
  'jax.numpy.nan': 'torch.nan',
  'jax.numpy.pi': 'torch.pi',
  'jax.numpy.e': 'torch.e',
  'jax.Array': 'torch.Tensor',
  'jax.numpy.ndarray': 'torch.Tensor',
  'flax.nnx.Module': 'nn.Module',
  // layer classes as values (isinstance checks)
  'flax.nnx.Linear': 'nn.Linear',
  'flax.nnx.Embed': 'nn.Embedding',
  'flax.nnx.LayerNorm': 'nn.LayerNorm',
  'flax.nnx.RMSNorm': 'nn.RMSNorm',
  'flax.nnx.Dropout': 'nn.Dropout',
};

/** Flax NNX layers that exist but are not converted yet, with why. */
export const JAX_NOT_YET: Record<string, string> = {
  'flax.nnx.ConvTranspose': 'not converted yet (channels-last, with its own kernel layout)',
};

export function entries(table: Table): Map<string, ReverseEntry> {
  return new Map(Object.entries(table).map(([path, [params, rest]]) => [path, { ...rest, sig: parseSignature(`${path}${params}`) }]));
}

/** Flax's pooling functions work channels-last on batched inputs (N, ..., C): torch's between two movedims. Their
 *  strides default to 1, torch's to the window. */
const POOLS: Table = Object.fromEntries(['max', 'avg'].map((kind) => [`flax.nnx.${kind}_pool`, [`(inputs, window_shape, strides=None, padding='VALID'${kind === 'avg' ? ', count_include_pad=True' : ''})`, {
  op: `${kind}_pool2d`,
  torch: (a: Bound, e: ReverseEmitter) => {
    const window = Array.isArray(a.window_shape.lit) ? a.window_shape.lit : e.unsupported('window_shape must be a literal tuple here');
    if (a.padding.lit !== 'VALID') e.unsupported("padding other than 'VALID' is not converted");
    const stride = isNone(a.strides) ? '1' : a.strides.text;
    return `torch.nn.functional.${kind}_pool${window.length}d(${a.inputs.text}.movedim(-1, 1), kernel_size=${pyRepr(window)}, stride=${stride}).movedim(1, -1)`;
  },
  cases: [{ jax: 'F(x, (2, 2))', inputs: [f32('2,6,7,3')] }, { jax: 'F(x, (3,), strides=(2,))', inputs: [f32('2,9,4')] }],
}]]));

const RANDOM_NOTE = 'torch draws from a Generator\'s state, JAX from a key value: the numbers differ, and drawing twice with one key repeats them in JAX only';

/** A JAX key is a value, torch's nearest thing a Generator: keys become generators, draws take them as `generator=`. */
const RANDOM: Table = {
  ...Object.fromEntries(['key', 'PRNGKey'].map((name) => [`jax.random.${name}`, ['(seed, *, impl=None)', {
    torch: (a: Bound, e: ReverseEmitter) => {
      if (!isNone(a.impl)) e.unsupported('impl= has no torch equivalent');
      e.warn(RANDOM_NOTE);
      return `torch.Generator().manual_seed(${a.seed.text})`;
    },
    cases: [{ jax: 'jax.random.normal(F(0), (20000,))', inputs: [], statistics: true }],
  }]])),
  'jax.random.normal': ['(key, shape=(), dtype=None)', {
    op: 'randn',
    torch: (a, e) => {
      e.warn(RANDOM_NOTE);
      return call('torch.randn', [a.shape.text, ...optional('dtype', dtypeArg(a.dtype)), `generator=${a.key.text}`]);
    },
    cases: [{ jax: 'F(jax.random.key(1), (20000,))', inputs: [], statistics: true }],
  }],
  'jax.random.uniform': ['(key, shape=(), dtype=None, minval=0.0, maxval=1.0)', {
    op: 'rand',
    torch: (a, e) => {
      e.warn(RANDOM_NOTE);
      const dtype = isNone(a.dtype) ? 'torch.float32' : dtypeArg(a.dtype).text;
      return `torch.empty(${a.shape.text}, dtype=${dtype}).uniform_(${a.minval.text}, ${a.maxval.text}, generator=${a.key.text})`;
    },
    cases: [{ jax: 'F(jax.random.key(2), (20000,), minval=-2.0, maxval=3.0)', inputs: [], statistics: true }],
  }],
  'jax.random.bernoulli': ['(key, p=0.5, shape=None, mode=\'low\')', {
    torch: (a, e) => {
      e.warn(RANDOM_NOTE);
      const p = `torch.as_tensor(${a.p.text}, dtype=torch.float32)${isNone(a.shape) ? '' : `.expand(${a.shape.text})`}`;
      return `torch.bernoulli(${p}, generator=${a.key.text}).bool()`;
    },
    cases: [{ jax: 'F(jax.random.key(3), 0.3, (20000,))', inputs: [], statistics: true }],
  }],
};

/** flax.nnx re-exports the jax.nn activations (nnx.relu is jax.nn.relu) */
const NNX_ACTIVATIONS: Table = Object.fromEntries(Object.entries(NN).map(([path, entry]) => [path.replace('jax.nn.', 'flax.nnx.'), entry]));

/** How the reverse engine writes a Linen mode flag that follows the module's mode (`deterministic=not train`, the
 *  method's `train` being torch's self.training; `deterministic=deterministic` is the same in parentheses). */
export const FOLLOWS_MODE = 'not self.training';

/** A Linen layer's mode flag at construction: left out where it follows the module's mode (torch layers follow
 *  train()/eval()) or is not given (then given at the call, where the engine checks it). */
function linenModeFlag(a: Bound, name: string, e: ReverseEmitter) {
  if (!isNone(a[name]) && a[name].text.replace(/^\((.*)\)$/, '$1') !== FOLLOWS_MODE) {
    e.unsupported(`${name}= other than \`not train\` or \`deterministic\` is not converted: torch layers follow train()/eval()`);
  }
}

/** Flax Linen layers: dataclasses without input sizes (learnt at the first call, as torch's lazy layers do), their
 *  mode flags at construction or call time. `parent` and `name` are Linen's own (the engine names the attribute). */
const LINEN_LAYERS: Table = {
  'flax.linen.Dense': ['(features, use_bias=True, dtype=None, param_dtype=None, precision=None, kernel_init=None, bias_init=None, promote_dtype=None, dot_general=None, dot_general_cls=None, parent=None, name=None)', {
    op: 'Linear',
    torch: (a, e) => {
      layerOptions(a, e, ['kernel_init', 'bias_init']);
      if (!isNone(a.dot_general) || !isNone(a.dot_general_cls)) e.unsupported('dot_general= is not converted');
      return call('nn.LazyLinear', [a.features.text, `bias=${a.use_bias.text}`]);
    },
    cases: [{ jax: 'nn.Dense(3)', inputs: [f32('2,4')] }, { jax: 'nn.Dense(5, use_bias=False)', inputs: [f32('2,3,4')] }],
  }],
  'flax.linen.LayerNorm': ['(epsilon=1e-6, dtype=None, param_dtype=None, use_bias=True, use_scale=True, bias_init=None, scale_init=None, reduction_axes=-1, feature_axes=-1, axis_name=None, axis_index_groups=None, use_fast_variance=True, force_float32_reductions=True, parent=None, name=None)', {
    op: 'LayerNorm',
    torch: (a, e) => {
      layerOptions(a, e, ['bias_init', 'scale_init']);
      if (a.reduction_axes.lit !== -1 || a.feature_axes.lit !== -1) e.unsupported('reduction_axes/feature_axes other than -1 are not converted');
      if (!isNone(a.axis_name)) e.unsupported('axis_name= (cross-device statistics) is not converted');
      return call(e.helper('LinenLayerNorm'), [`eps=${a.epsilon.text}`, `scale=${a.use_scale.text}`, `center=${a.use_bias.text}`]);
    },
    cases: [{ jax: 'nn.LayerNorm()', inputs: [f32('2,3,6')] }, { jax: 'nn.LayerNorm(epsilon=1e-3, use_bias=False)', inputs: [f32('2,6')] }],
  }],
  'flax.linen.Embed': ['(num_embeddings, features, dtype=None, param_dtype=None, embedding_init=None, promote_dtype=None, parent=None, name=None)', {
    op: 'Embedding',
    torch: (a, e) => {
      layerOptions(a, e, ['embedding_init']);
      return call('nn.Embedding', [a.num_embeddings.text, a.features.text]);
    },
    cases: [{ jax: 'nn.Embed(10, 4)', inputs: ['i=int64[2,5]:0..10'] }],
  }],
  'flax.linen.Dropout': ['(rate, broadcast_dims=(), deterministic=None, rng_collection=\'dropout\', parent=None, name=None)', {
    op: 'Dropout',
    torch: (a, e) => {
      if (Array.isArray(a.broadcast_dims.lit) && a.broadcast_dims.lit.length) e.unsupported('broadcast_dims= (one mask shared along axes) has no nn.Dropout equivalent');
      linenModeFlag(a, 'deterministic', e);
      e.warn('nn.Dropout draws its masks from torch\'s generator: in training mode the outputs differ from Flax\'s');
      return call('nn.Dropout', [`p=${a.rate.text}`]);
    },
    cases: [{ jax: 'nn.Dropout(0.5, deterministic=not train)', inputs: [f32('3,4')] }],
  }],
  'flax.linen.Conv': ['(features, kernel_size, strides=1, padding=\'SAME\', input_dilation=1, kernel_dilation=1, feature_group_count=1, use_bias=True, mask=None, dtype=None, param_dtype=None, precision=None, kernel_init=None, bias_init=None, promote_dtype=None, conv_general_dilated=None, conv_general_dilated_cls=None, parent=None, name=None)', {
    op: 'Conv2d',
    torch: (a, e) => {
      if (typeof a.kernel_size.lit !== 'number' && !Array.isArray(a.kernel_size.lit)) e.unsupported('kernel_size must be written as a literal here');
      return channelsLastConv(a, e, 'LinenConv', [a.features.text]);
    },
    cases: [
      { jax: 'nn.Conv(4, (3, 3))', inputs: [f32('2,6,5,3')] },
      { jax: "nn.Conv(4, (4, 2), strides=(2, 1), padding='VALID', use_bias=False)", inputs: [f32('2,9,5,2')] },
      { jax: 'nn.Conv(6, 2, kernel_dilation=2, feature_group_count=2, padding=1)', inputs: [f32('3,7,4')] },
    ],
  }],
  'flax.linen.BatchNorm': ['(use_running_average=None, axis=-1, momentum=0.99, epsilon=1e-5, dtype=None, param_dtype=None, use_bias=True, use_scale=True, bias_init=None, scale_init=None, axis_name=None, axis_index_groups=None, use_fast_variance=True, force_float32_reductions=True, parent=None, name=None)', {
    op: 'BatchNorm2d',
    torch: (a, e) => {
      linenModeFlag(a, 'use_running_average', e);
      return call(e.helper('LinenBatchNorm'), batchNormOptions(a, e));
    },
    cases: [{ jax: 'nn.BatchNorm(use_running_average=not train)', inputs: [f32('4,5,5,3')] }, { jax: 'nn.BatchNorm(use_running_average=not train, epsilon=1e-3, momentum=0.9)', inputs: [f32('6,4')] }],
  }],
};

/** flax.linen re-exports the jax.nn activations (nn.relu is jax.nn.relu; it has no identity) and nnx's pooling
 *  functions (both are flax.linen's) */
const LINEN_FUNCTIONS: Table = Object.fromEntries([...Object.entries(NN).filter(([path]) => path !== 'jax.nn.identity'), ...Object.entries(POOLS)]
  .map(([path, entry]) => [path.replace(/^(jax\.nn|flax\.nnx)\./, 'flax.linen.'), entry]));

export const linenFunctions: Map<string, ReverseEntry> = new Map([...entries(NN), ...entries(NUMPY), ...entries(POOLS), ...entries(RANDOM), ...entries(LINEN_FUNCTIONS)]);
export const linenLayers: Map<string, ReverseEntry> = entries(LINEN_LAYERS);

export const jaxFunctions: Map<string, ReverseEntry> = new Map([...entries(NN), ...entries(NNX_ACTIVATIONS), ...entries(NUMPY), ...entries(POOLS), ...entries(RANDOM)]);
export const jaxLayers: Map<string, ReverseEntry> = entries(LAYERS);

/** Array methods that are their jax.numpy function with the array first (`x.var(axis=0)` is `jnp.var(x, axis=0)`),
 *  converted by that function's entry; the others (reshape, T, shape, ...) are spelled as torch spells them. */
export const ARRAY_METHODS = new Set(['astype', 'sum', 'mean', 'max', 'min', 'all', 'any', 'var', 'std', 'argmax', 'argmin',
  'repeat', 'cumsum', 'round', 'clip', 'squeeze']);

