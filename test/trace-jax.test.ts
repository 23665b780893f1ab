// The JAX/Flax host against real JAX: small snippets per lowering (defaults and explicit arguments), nnx layers
// whose weights the snippet sets from its inputs, and converted fixtures built, loaded through their own
// load_torch_state_dict with PyTorch-layout weights, and run, each compared with the same program in real JAX.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createJaxHost } from '../server/src/check/hosts/jax';
import type { DType, Tensor } from '../server/src/check/onnx/tensor';
import { traceProgram } from '../server/src/check/trace/program';
import { Tracer } from '../server/src/check/trace/tracer';
import { SeededWeights } from '../server/src/check/weights';
import { convertTorchToJax } from '../server/src/convert';
import { initParser } from '../server/src/parser';
import { checkSnippets, type Snippet, type SnippetResult } from './support/lowering';
import { venvPython } from './support/python';

const HEADER = 'import jax\nimport jax.numpy as jnp\nimport numpy as np\nfrom jax import lax\nfrom flax import nnx\nimport einops\n';

/** A snippet whose entry `f` returns `expression` (or runs `body`, which returns). */
function fn(id: string, inputs: string[], body: string, extra: Partial<Snippet> = {}): Snippet {
  const lines = body.includes('return') ? body : `return ${body}`;
  const params = inputs.map((i) => i.split('=')[0]).join(', ');
  return { id, code: `${HEADER}def f(${params}):\n${lines.split('\n').map((l) => `    ${l}`).join('\n')}\n`, entry: 'f', inputs, ...extra };
}

const X = ['x=float32[3,4]'];
const X3 = ['x=float32[2,3,4]'];
const XY = ['x=float32[3,4]', 'y=float32[3,4]'];

const elementwise: Snippet[] = [
  ...['exp', 'tanh', 'sin', 'cos', 'abs', 'sign', 'floor', 'ceil', 'negative', 'square', 'round', 'trunc'].map((op) => fn(`jnp.${op}`, X, `jnp.${op}(x * 3)`)),
  ...['log', 'sqrt', 'log1p'].map((op) => fn(`jnp.${op}`, ['x=float32[3,4]:0.1..3'], `jnp.${op}(x)`)),
  fn('jnp.round decimals', X, 'jnp.round(x * 10, 1)'),
  fn('jnp.maximum scalar', X, 'jnp.maximum(x, 0)'),
  fn('jnp.minimum arrays', XY, 'jnp.minimum(x, y)'),
  fn('jnp.clip', X, 'jnp.clip(x, -0.5, 0.5)'),
  fn('jnp.clip min only', X, 'jnp.clip(x, min=0.1)'),
  fn('jnp.where', XY, 'jnp.where(x > y, x, 2.0)'),
  fn('operators float', XY, '(x + y) * 2 - y / 3 + x ** 2 - (-x) @ y.T @ x'),
  fn('operators reflected', X, '1 - x, 2 / (x * x + 1), 3 * x, 2 ** x'),
  fn('floor division and modulo floats', ['x=float32[3,4]:-5..5', 'y=float32[3,4]:0.5..2'], 'x // y, x % y, jnp.remainder(x, -y), jnp.fmod(x, y)'),
  fn('floor division and modulo ints', ['a=int32[3,4]:-9..9', 'b=int32[3,4]:1..4'], 'a // b, a % b, a // -b, a % -b'),
  fn('int true division is float', ['a=int32[5]:0..9'], 'a / 2, a * 2.5, a + 1'),
  fn('int64 inputs become int32', ['a=int64[4]:0..9'], 'a + 1, jnp.asarray(a.dtype == jnp.int32)'),
  fn('comparisons and logic', XY, '(x > 0) & (y < 0), (x >= y) | (x == y), ~(x != y), jnp.logical_not(x > 0), jnp.logical_and(x, y > 0), jnp.logical_xor(x > 0, y), jnp.floor_divide(x, 0.3), jnp.remainder(x, 0.3)'),
  fn('astype and dtypes', X, 'x.astype(jnp.int32), (x > 0).astype(jnp.float32), jnp.float32(2) * x, x.astype(float)'),
  fn('bool sums are int', X, 'jnp.sum(x > 0), (x > 0).sum(axis=1)'),
];

const reductions: Snippet[] = [
  fn('jnp.mean/sum/max/min', X3, 'jnp.mean(x), jnp.sum(x, axis=1), jnp.max(x, axis=-1, keepdims=True), jnp.min(x, axis=(0, 2))'),
  fn('array reduction methods', X3, 'x.mean(1), x.sum(), x.max(0), x.min(axis=2, keepdims=True), x.prod(-1)'),
  fn('jnp.var/std', X3, 'jnp.var(x), jnp.var(x, axis=1, ddof=1), jnp.std(x, axis=-1, keepdims=True), x.var(0)'),
  fn('jnp.argmax/argmin', X3, 'jnp.argmax(x, axis=1), jnp.argmin(x), x.argmax(-1), jnp.argmax(x, axis=2, keepdims=True)'),
  fn('jnp.all/any', X3, 'jnp.all(x > -3, axis=1), jnp.any(x > 1), jnp.all(x * 0.1, axis=0), jnp.any(x * 0.1 * (x > 1), axis=-1)'),
  fn('shifts', ['a=int32[6]:-20..20'], 'a >> 2, a << 1, 1 << a.clip(0, 5)'),
  fn('jnp.cumsum/cumprod', X3, 'jnp.cumsum(x, axis=1), jnp.cumsum(x), jnp.cumprod(x, axis=-1), jnp.cumprod(x + 2), jnp.cumprod(x > 0, axis=1)'),
  fn('jnp.mean of ints', ['a=int32[3,4]:0..9'], 'jnp.mean(a, axis=0)'),
  fn('jnp.linalg.norm', X3, "jnp.linalg.norm(x), jnp.linalg.norm(x, axis=-1, keepdims=True), jnp.linalg.norm(x, ord=1, axis=1), jnp.linalg.norm(x, ord=jnp.inf, axis=0), jnp.linalg.norm(x, ord=3, axis=2), jnp.linalg.norm(x[0], ord='fro')"),
];

const shapes: Snippet[] = [
  fn('jnp.reshape', X3, 'jnp.reshape(x, (4, 6)), x.reshape(2, -1), x.reshape((-1,)), x.reshape(-1)'),
  fn('transpose forms', X3, 'jnp.transpose(x), jnp.transpose(x, (1, 0, 2)), x.transpose(2, 0, 1), x.T, x.transpose()'),
  fn('jnp.swapaxes/moveaxis', X3, 'jnp.swapaxes(x, 0, 2), jnp.moveaxis(x, 0, -1), jnp.moveaxis(x, (0, 1), (2, 0)), x.swapaxes(1, 2)'),
  fn('jnp.concatenate/stack', XY, 'jnp.concatenate([x, y], axis=1), jnp.concatenate((x, y)), jnp.stack([x, y]), jnp.stack([x, y], axis=-1)'),
  fn('jnp.split', X3, 'return tuple(jnp.split(x, 2, axis=-1)) + tuple(jnp.split(x, [1, 2], axis=1))'),
  fn('jnp.squeeze/expand_dims', ['x=float32[3,1,4]'], 'jnp.squeeze(x), jnp.squeeze(x, axis=1), jnp.expand_dims(x, 0), jnp.expand_dims(x, (0, -1))'),
  fn('jnp.broadcast_to', ['x=float32[3,1]'], 'jnp.broadcast_to(x, (2, 3, 5))'),
  fn('jnp.tril/triu', ['x=float32[4,5]'], 'jnp.tril(x), jnp.triu(x, 1), jnp.tril(x, -1)'),
  fn('jnp.flip', X3, 'jnp.flip(x), jnp.flip(x, axis=1), jnp.flip(x, axis=(0, 2))'),
  fn('jnp.tile/repeat', X, 'jnp.tile(x, (2, 1)), jnp.tile(x, 2), jnp.repeat(x, 2, axis=0), jnp.repeat(x, 3)'),
  fn('jnp.pad', X, "jnp.pad(x, 1), jnp.pad(x, ((0, 1), (2, 3)), constant_values=-1.0), jnp.pad(x, [(1, 1), (2, 2)], mode='reflect'), jnp.pad(x, ((1, 2), (0, 1)), mode='edge')"),
  fn('jnp.take/take_along_axis', ['x=float32[4,5]', 'i=int32[4,2]:0..5'], 'jnp.take(x, jnp.array([0, 2, 3]), axis=1), jnp.take(x, i), jnp.take_along_axis(x, i, axis=1)'),
  fn('jnp.einsum/matmul', ['a=float32[2,3,4]', 'b=float32[2,4,5]'], "jnp.einsum('bij,bjk->bik', a, b), jnp.matmul(a, b), jnp.einsum('bij->bji', a), a @ b"),
  fn('indexing', X3, 'x[0], x[:, 1:3], x[..., ::2], x[None, 1], x[:, -1, None], x[jnp.array([1, 0])], x[::-1]'),
  fn('at updates', X3, 'x.at[0].set(1.0), x.at[:, 1].add(2.0), x.at[..., 0].multiply(3.0), x.at[1, 2].max(0.5), x.at[0, :, 1].min(0.0), x.at[:, 0].get()'),
  fn('at with a mask', X, 'x.at[x > 0].set(0.0)'),
  fn('unstack and iteration', X, 'return tuple(jnp.unstack(x, axis=1)) + tuple(r * 2 for r in x)'),
  fn('shape attributes', X3, 'jnp.zeros((x.ndim, x.size, len(x))) + x.shape[-1]'),
];

const creation: Snippet[] = [
  fn('jnp.zeros/ones/full', X, 'x + jnp.zeros((3, 4)), jnp.ones(4, dtype=jnp.int32), jnp.full((2, 2), 7.0), jnp.full((2,), 3)'),
  fn('jnp.*_like', X, 'jnp.zeros_like(x), jnp.ones_like(x, dtype=jnp.int32), jnp.full_like(x, 2.5)'),
  fn('jnp.arange', X, 'jnp.arange(5), jnp.arange(1, 7, 2), jnp.arange(0.0, 1.0, 0.25), jnp.arange(3, dtype=jnp.float32)'),
  fn('jnp.linspace/eye', X, 'jnp.linspace(0, 1, 5), jnp.linspace(-1.0, 1.0, 4, endpoint=False), jnp.eye(3), jnp.eye(3, 4, k=1)'),
  fn('jnp.asarray/array', X, 'jnp.asarray([1, 2, 3]), jnp.array([[1.0, 2.0], [3.0, 4.0]]), jnp.asarray(x, dtype=jnp.int32), jnp.asarray([x[0], x[1]])'),
  fn('jnp.inf and finfo', X, 'jnp.where(x > 0, x, -jnp.inf), jnp.full((2,), jnp.finfo(jnp.float32).min), jnp.finfo(x.dtype).eps * x'),
  fn('numpy on arrays', X, 'np.transpose(np.array(x), (1, 0)), np.asarray(x).reshape(-1), np.array(x).T'),
];

const nnFunctions: Snippet[] = [
  ...['relu', 'sigmoid', 'silu', 'softplus', 'mish', 'hard_swish', 'selu', 'elu', 'identity', 'log_sigmoid', 'relu6'].map((op) => fn(`jax.nn.${op}`, ['x=float32[4,8]:-4..4'], `jax.nn.${op}(x)`)),
  fn('jax.nn.gelu default is tanh', ['x=float32[4,8]:-4..4'], 'jax.nn.gelu(x)'),
  fn('jax.nn.gelu exact', ['x=float32[4,8]:-4..4'], 'jax.nn.gelu(x, approximate=False)'),
  fn('jax.nn.leaky_relu', ['x=float32[4,8]:-4..4'], 'jax.nn.leaky_relu(x), jax.nn.leaky_relu(x, negative_slope=0.2), jax.nn.elu(x, alpha=0.5)'),
  fn('jax.nn.softmax/log_softmax', X3, 'jax.nn.softmax(x), jax.nn.softmax(x, axis=1), jax.nn.log_softmax(x, axis=0)'),
  fn('jax.nn.one_hot', ['a=int32[5]:0..4'], 'jax.nn.one_hot(a, 4), jax.nn.one_hot(a, 3, axis=0), jax.nn.one_hot(a, 4, dtype=jnp.int32)'),
];

const laxFunctions: Snippet[] = [
  fn('lax.rsqrt/slice_in_dim', ['x=float32[4,6]:0.5..2'], 'lax.rsqrt(x), lax.slice_in_dim(x, 1, 3, axis=1), lax.slice_in_dim(x, 0, 4, stride=2)'),
  fn('lax.top_k', X, 'lax.top_k(x, 2), lax.top_k(-x, 1)[0]'),
  fn('lax.reduce_window max pool', ['x=float32[2,3,8,8]'], "lax.reduce_window(x, -jnp.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2), 'VALID')"),
  fn('lax.reduce_window sum with padding and dilation', ['x=float32[2,3,9]'], 'lax.reduce_window(x, 0.0, lax.add, (1, 1, 3), (1, 1, 2), [(0, 0), (0, 0), (1, 2)], window_dilation=(1, 1, 2))'),
  fn('lax.reduce_window negative padding', ['x=float32[2,3,7,7]'], 'lax.reduce_window(x, -jnp.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2), [(0, 0), (0, 0), (0, -1), (1, -2)]), lax.reduce_window(x, 0.0, lax.add, (1, 1, 3, 1), (1, 1, 1, 1), [(0, 0), (0, 0), (-1, 0), (0, 0)])'),
  fn('lax.reduce_window SAME', ['x=float32[2,7,7,3]'], "lax.reduce_window(x, -jnp.inf, lax.max, (1, 3, 3, 1), (1, 2, 2, 1), 'SAME')"),
  fn('lax.conv_general_dilated', ['x=float32[2,3,10]', 'w=float32[4,3,3]'], "lax.conv_general_dilated(x, w, (2,), [(1, 1)], rhs_dilation=(2,), dimension_numbers=lax.conv_dimension_numbers(x.shape, w.shape, ('NCH', 'OIH', 'NCH')), precision=lax.Precision.HIGHEST)", { rtol: 1e-4, atol: 1e-4 }),
  fn('lax.conv_general_dilated transposed', ['x=float32[2,4,5,5]', 'w=float32[6,2,3,3]'], "lax.conv_general_dilated(x, w, (1, 1), [(2, 1), (1, 2)], lhs_dilation=(2, 2), feature_group_count=2, dimension_numbers=('NCHW', 'OIHW', 'NCHW'))", { atol: 1e-4 }),
  fn('lax.conv_general_dilated negative padding', ['x=float32[1,2,8]', 'w=float32[3,2,2]'], "lax.conv_general_dilated(x, w, (1,), [(-1, 0)])", { atol: 1e-4 }),
  fn('lax.scan', ['x=float32[5,3]', 'h=float32[3]'], 'step = lambda c, xt: (c * 0.5 + xt, c.sum())\nreturn lax.scan(step, h, x)'),
  fn('jax.tree.map', XY, 'return jax.tree.map(lambda t: t * 2, (x, [y, None]))[1][0]'),
  fn('einops', ['x=float32[2,6,4]'], "einops.rearrange(x, 'b (h d) c -> b h c d', h=2), einops.reduce(x, 'b n c -> b c', 'mean'), einops.repeat(x, 'b n c -> b n c r', r=2), einops.rearrange(x, '... c -> (...) c')"),
];

/** Values where the edge cases live: signed zeros, infinities and nan, in rows of a [4, 5] array. */
const EDGES = "e = jnp.array([[0.0, -0.0, 1.0, -1.0, jnp.inf], [-jnp.inf, jnp.nan, 0.0, 2.0, -0.0], [1.0, 1.0, jnp.inf, jnp.nan, -2.0], [0.5, -jnp.inf, -0.0, 0.0, jnp.nan]])";

const furtherFunctions: Snippet[] = [
  fn('jnp.arctan2 quadrants and edges', XY, `${EDGES}\nreturn jnp.arctan2(x, y), jnp.arctan2(e, e.T[::-1].T), jnp.arctan2(e, 1.0), jnp.arctan2(e, -1.0), jnp.arctan2(e, -0.0)`),
  fn('elementwise edges', X, `${EDGES}\nreturn jnp.nan_to_num(e), jnp.isfinite(e), jnp.isposinf(e), jnp.hypot(e, 2.0), jnp.heaviside(e, 0.5), jnp.sinc(e), jnp.logaddexp(e, e.T[::-1].T), jnp.modf(e)[1]`),
  fn('unit conversions and logs', ['x=float32[3,4]:0.1..3'], 'jnp.radians(x), jnp.degrees(x), jnp.log2(x), jnp.log10(x), jnp.exp2(x), jnp.arccosh(x + 1), jnp.arcsinh(x), jnp.arctanh(x / 4)'),
  fn('integer functions', ['a=int32[3,4]:-30..30', 'b=int32[3,4]:-12..12'], 'jnp.gcd(a, b), jnp.lcm(a, b), jnp.invert(a), jnp.bitwise_and(a, b), jnp.isfinite(a), jnp.count_nonzero(b, axis=0)'),
  fn('sorting with nan and ties', [], `${EDGES}\nreturn jnp.sort(e), jnp.argsort(e, axis=0), jnp.argsort(e, descending=True), jnp.sort(e, axis=None), e.argsort(stable=True)`),
  fn('quantiles and medians', X3, "t = jnp.where(x > 1.2, jnp.nan, x)\nreturn jnp.median(x, axis=1), jnp.nanmedian(t, axis=-1), jnp.quantile(x, jnp.array([0.1, 0.9]), axis=2, method='nearest'), jnp.nanquantile(t, 0.4, axis=0, keepdims=True, method='higher'), jnp.quantile(t, 0.5)"),
  fn('jnp.searchsorted', ['v=float32[3,4]:-2..2'], "a = jnp.array([-1.0, 0.0, 0.0, 1.5])\nreturn jnp.searchsorted(a, v), jnp.searchsorted(a, v, side='right'), jnp.searchsorted(a, jnp.array([0.0, jnp.nan])), jnp.searchsorted(jnp.array([3.0, -1.0, jnp.nan, 0.5, 1.0]), v, side='right')"),
  fn('stacks and splits', XY, 'return (jnp.vstack([x[0], y[1]]), jnp.vstack((x, y)), jnp.atleast_3d(x), jnp.hstack([x[0], y[0]])) + tuple(jnp.array_split(x, 3, axis=1))'),
  fn('matrix helpers', ['x=float32[4,4]', 'v=float32[3]'], 'jnp.trace(x, offset=1), jnp.diagonal(x, offset=-2), jnp.diag(v, k=1), jnp.diag(v, k=-2), jnp.stack(jnp.triu_indices(3, k=1)), x.diagonal(), jnp.kron(x[:2, :3], v)'),
  fn('products', ['a=float32[2,3,4]', 'b=float32[4,3]'], "jnp.tensordot(a, b, axes=([1, 2], [1, 0])), jnp.inner(a, b.T), jnp.outer(b, b[0]), jnp.einsum('...i,ij->...j', a, b), jnp.einsum('i...->...', b)"),
  fn('rolls, rotations and differences', X3, 'jnp.roll(x, -3), jnp.roll(x, (1, -1), axis=(0, 2)), jnp.rot90(x, 2, axes=(2, 0)), jnp.diff(x, axis=1, append=0.0), jnp.diff(x > 0)'),
  fn('jnp.repeat counts', X, 'jnp.repeat(x, jnp.array([2, 0, 1]), axis=0, total_repeat_length=3), jnp.repeat(x, jnp.array([1, 3, 0, 1]), axis=1, total_repeat_length=4)'),
  fn('dtype queries', ['a=int32[3]:0..5'], 'jnp.asarray(jnp.issubdtype(a.dtype, jnp.integer)), jnp.zeros((), jnp.result_type(a, 2.0)), jnp.asarray(jnp.iinfo(jnp.int32).min) + a'),
  fn('nn and special extras', X, 'jax.nn.logsumexp(x, axis=(0, 1)), jax.scipy.special.logsumexp(x * 100, axis=1, keepdims=True), jax.nn.glu(x, axis=1), jax.scipy.special.xlogy(x * (x > 0), x * x), jax.scipy.special.entr(x)'),
  fn('lax extras', X3, 'lax.dynamic_slice_in_dim(x, 3, 3, axis=2), lax.dynamic_slice_in_dim(x, -1, 2, axis=1), lax.collapse(x, 1), lax.conv_general_dilated_patches(x[None], (2, 2), (1, 1), "VALID", dimension_numbers=("NHWC", "HWIO", "NHWC"))'),
];

const LAYER_TOL = { atol: 1e-4 };
const nnxLayers: Snippet[] = [
  fn('nnx.Linear', ['x=float32[5,4]', 'w=float32[4,3]', 'b=float32[3]'], 'm = nnx.Linear(4, 3, rngs=nnx.Rngs(0))\nm.kernel[...] = w\nm.bias[...] = b\nreturn m(x)', LAYER_TOL),
  fn('nnx.Linear without bias on 3-d input', ['x=float32[2,5,4]', 'w=float32[4,3]'], 'm = nnx.Linear(4, 3, use_bias=False, rngs=nnx.Rngs(0))\nm.kernel.value = w\nreturn m(x), jnp.asarray(m.bias is None)', LAYER_TOL),
  fn('nnx.Conv SAME', ['x=float32[2,8,8,3]', 'w=float32[3,3,3,4]', 'b=float32[4]'], 'm = nnx.Conv(3, 4, (3, 3), rngs=nnx.Rngs(0))\nm.kernel[...] = w\nm.bias[...] = b\nreturn m(x)', LAYER_TOL),
  fn('nnx.Conv strides, dilation, groups, int padding', ['x=float32[2,9,9,4]', 'w=float32[3,3,2,6]'], 'm = nnx.Conv(4, 6, (3, 3), strides=2, padding=1, kernel_dilation=(1, 2), feature_group_count=2, use_bias=False, rngs=nnx.Rngs(0))\nm.kernel[...] = w\nreturn m(x)', LAYER_TOL),
  fn('nnx.Conv 1-d VALID and pairs', ['x=float32[2,10,3]', 'w=float32[3,3,5]'], "a = nnx.Conv(3, 5, 3, padding='VALID', use_bias=False, rngs=nnx.Rngs(0))\na.kernel[...] = w\nb = nnx.Conv(3, 5, (3,), padding=[(2, 0)], use_bias=False, rngs=nnx.Rngs(0))\nb.kernel[...] = w\nreturn a(x), b(x), b(x[0])", LAYER_TOL),
  fn('nnx.LayerNorm defaults', ['x=float32[2,5,8]', 's=float32[8]', 'b=float32[8]'], 'm = nnx.LayerNorm(8, rngs=nnx.Rngs(0))\nm.scale[...] = s\nm.bias[...] = b\nreturn m(x * 3 + 1), m(x * 0.003 + 1)', LAYER_TOL),
  fn('nnx.LayerNorm options', ['x=float32[2,4,6]', 's=float32[24]'], 'm = nnx.LayerNorm(24, epsilon=1e-3, use_bias=False, reduction_axes=(-2, -1), feature_axes=(-2, -1), use_fast_variance=False, rngs=nnx.Rngs(0))\nm.scale[...] = s\nreturn m(x)', LAYER_TOL),
  fn('nnx.RMSNorm', ['x=float32[2,5,8]', 's=float32[8]'], 'm = nnx.RMSNorm(8, rngs=nnx.Rngs(0))\nm.scale[...] = s\nreturn m(x), m(x * 0.003)', LAYER_TOL),
  fn('nnx.GroupNorm', ['x=float32[2,4,4,6]', 's=float32[6]', 'b=float32[6]'], 'm = nnx.GroupNorm(6, num_groups=3, rngs=nnx.Rngs(0))\nm.scale[...] = s\nm.bias[...] = b\ng = nnx.GroupNorm(6, num_groups=None, group_size=2, epsilon=1e-5, use_scale=False, rngs=nnx.Rngs(0))\ng.bias[...] = b\nreturn m(x), m(x * 0.003), g(x)', LAYER_TOL),
  fn('nnx.BatchNorm train then eval', ['x=float32[6,4]', 'm0=float32[4]', 'v0=float32[4]:0.5..2'], 'm = nnx.BatchNorm(4, momentum=0.9, use_bias=False, rngs=nnx.Rngs(0))\nm.scale[...] = v0\nm.mean[...] = m0\nm.var[...] = v0\ny = m(x)\nm.eval()\nd = nnx.BatchNorm(4, use_scale=False, use_bias=False, rngs=nnx.Rngs(0))\nz = d(x * 0.003)\nreturn y, m(x), m.mean[...], m.var[...], z, d.mean[...], d.var[...]', LAYER_TOL),
  fn('nnx.BatchNorm running average', ['x=float32[2,3,3,4]', 'v0=float32[4]:0.5..2'], 'm = nnx.BatchNorm(4, use_running_average=True, epsilon=1e-3, use_scale=False, rngs=nnx.Rngs(0))\nm.bias[...] = v0\nm.var[...] = v0\nreturn m(x)', LAYER_TOL),
  fn('nnx.Embed', ['i=int32[2,5]:0..10', 'e=float32[10,4]'], 'm = nnx.Embed(10, 4, rngs=nnx.Rngs(0))\nm.embedding[...] = e\nreturn m(i)'),
  fn('nnx.Dropout eval and rate 0', X, 'd = nnx.Dropout(0.5, rngs=nnx.Rngs(0))\nd.eval()\nreturn d(x), nnx.Dropout(0.0)(x), nnx.Dropout(0.3, deterministic=True)(x)'),
  fn('nnx.Sequential/List/Dict and a Module subclass', ['x=float32[3,4]', 'w=float32[4,4]'], [
    'class Block(nnx.Module):',
    '    def __init__(self, *, rngs):',
    '        self.layers = nnx.List([nnx.Linear(4, 4, use_bias=False, rngs=rngs) for _ in range(2)])',
    '        self.named = nnx.Dict(act=jax.nn.relu)',
    '        self.seq = nnx.Sequential(lambda t: t * 2, jax.nn.tanh)',
    '        self.scale = nnx.Param(jnp.ones((4,)))',
    '    def __call__(self, t):',
    '        for layer in self.layers:',
    '            t = self.named["act"](layer(t))',
    '        return self.seq(t) * self.scale[...]',
    'm = Block(rngs=nnx.Rngs(0))',
    'for layer in m.layers:',
    '    layer.kernel[...] = w',
    'm.scale.value = m.scale.value * 3',
    'return m(x), nnx.clone(m)(x), jnp.asarray(len(m.layers))',
  ].join('\n'), LAYER_TOL),
  fn('Variable subclasses and eval flags', X, [
    'class Buffer(nnx.Variable):',
    '    pass',
    'class Net(nnx.Module):',
    '    def __init__(self):',
    '        self.b = Buffer(jnp.arange(4.0))',
    '        self.deterministic = False',
    '        self.drop = nnx.Dropout(0.5)',
    '    def __call__(self, t):',
    '        return self.drop(t + self.b[...]) * (2.0 if self.deterministic else 1.0)',
    'n = Net()',
    'n.eval()',
    'n.b[1:3] = 0.0',
    'c = nnx.Variable(jnp.zeros((2, 4), jnp.int32))',
    'c[...] = x[0] * 3',
    'return n(x), c[...], jnp.asarray(isinstance(n.b, nnx.Variable) and type(n.b).__name__ == "Buffer")',
  ].join('\n')),
];

const allSnippets = [...elementwise, ...reductions, ...shapes, ...creation, ...nnFunctions, ...laxFunctions, ...furtherFunctions, ...nnxLayers];

/** The converted fixture cases: a PyTorch-layout state with names and shapes from real PyTorch, seeded values. */
interface Case { file: string; entry: string; inputs: string[]; mode?: 'eval' | 'train' }

const FIXTURE_FILES = ['mlp.py', 'cnn.py', 'transformer_encoder.py', 'gpt.py', 'conv1d_net.py', 'mixer.py', 'vit.py', 'resnet.py', 'unet.py', 'bert.py', 'se_attention.py', 'gan_vae.py', 'tutorial_transformer.py', 'lstm_tagger.py', 'tensor_functions.py'];

function torchStateShapes(cases: Case[]): Array<Array<{ name: string; shape: number[]; dtype: string }>> {
  const script = [
    'import json, sys, torch',
    'out = []',
    'for file, entry in json.load(sys.stdin):',
    '    ns = {}',
    "    exec(compile(open(file).read(), file, 'exec'), ns)",
    "    out.append([] if '(' not in entry else [{'name': k, 'shape': list(v.shape), 'dtype': str(v.dtype).replace('torch.', '')} for k, v in eval(entry, ns).state_dict().items()])",
    'print(json.dumps(out))',
  ].join('\n');
  const stdout = execFileSync(venvPython(), ['-c', script], { input: JSON.stringify(cases.map((c) => [`test/fixtures/${c.file}`, c.entry])), encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(stdout);
}

function seededState(entries: Array<{ name: string; shape: number[]; dtype: string }>): Array<{ name: string; value: Tensor }> {
  const weights = new SeededWeights(11);
  return entries.map(({ name, shape, dtype }) => {
    const kind = /running_var|(norm|ln|bn)\w*\.weight$/.test(name) ? 'positive' : /bias$|running_mean/.test(name) ? 'normal' : 'fanIn';
    const init = kind === 'fanIn' ? { kind, fanIn: shape.length > 1 ? shape.slice(1).reduce((a, b) => a * b, 1) : shape[0] ?? 1 } as const : { kind } as const;
    return { name, value: weights.draw(name, shape, dtype === 'int64' ? 'int64' : (dtype as DType), init) };
  });
}

function fixtureSnippets(): Snippet[] {
  const cases: Case[] = JSON.parse(fs.readFileSync('test/fixtures/cases.json', 'utf8')).filter((c: Case) => FIXTURE_FILES.includes(c.file.replace('torch/', '')));
  const shapes = torchStateShapes(cases);
  const converted = new Map<string, string>();
  const codeOf = (file: string) => converted.get(file) ?? converted.set(file, convertTorchToJax(fs.readFileSync(`test/fixtures/${file}`, 'utf8')).code).get(file)!;
  return cases.map((c, i) => ({ id: `${c.file} ${c.entry} ${c.mode ?? 'eval'}`, code: codeOf(c.file), entry: c.entry, inputs: c.inputs, mode: c.mode ?? 'eval', state: seededState(shapes[i]), atol: 1e-4, rtol: 1e-3 }));
}

describe('trace-jax: the JAX/Flax host against real JAX', function () {
  let results = new Map<string, SnippetResult>();
  let fixtures: Snippet[] = [];

  before(async function () {
    await initParser();
    fixtures = fixtureSnippets();
    results = await checkSnippets('jax', (t) => createJaxHost(t, { weights: new SeededWeights(3) }), [...allSnippets, ...fixtures]);
  });

  for (const s of allSnippets) {
    it(s.id, function () {
      const r = results.get(s.id)!;
      assert.ok(r.passed, r.detail);
    });
  }

  it('converted fixtures: built, loaded through load_torch_state_dict, and run, agree with real JAX', function () {
    const failing = fixtures.map((s) => results.get(s.id)!).filter((r) => !r.passed).map((r) => `${r.id}: ${r.detail}`);
    console.log(`fixtures: ${fixtures.length - failing.length} of ${fixtures.length} agree`);
    assert.deepEqual(failing, []);
  });

  const refusals: Array<[string, string, RegExp]> = [
    ['dropout in training mode', 'd = nnx.Dropout(0.5, rngs=nnx.Rngs(0))\nreturn d(x)', /nnx.Dropout: random masks in training mode cannot be checked yet/],
    ['one-argument where', 'return jnp.where(x > 0)', /jnp.where: the one-argument form/],
    ['a branch on array values', 'return x if x.sum() > 0 else -x', /depends on tensor values/],
    ['an API without a lowering', 'return jax.scipy.special.gammaln(x)', /jax.scipy.special.gammaln cannot be checked yet/],
    ['repeat counts in an array, no total length', 'return jnp.repeat(x, jnp.array([1, 2, 1]), axis=0)', /jnp.repeat: counts held in an array without total_repeat_length/],
    ['the sign of nan', 'return jnp.signbit(x)', /jax.numpy.signbit cannot be checked yet/],
  ];
  for (const [title, body, expected] of refusals) {
    it(`refuses rather than guesses: ${title}`, function () {
      const s = fn(title, X, body);
      const host = createJaxHost(new Tracer(), { weights: new SeededWeights(3) });
      const x = { name: 'x', value: { dtype: 'float32' as const, shape: [3, 4], data: new Float32Array(12) } };
      assert.throws(() => traceProgram(host, s.code, { entry: 'f', inputs: [x], mode: 'eval' }), expected);
    });
  }

  it("runs the converted file's own loader: a state with a missing weight is refused", function () {
    const mlp = fixtures.find((s) => s.entry.startsWith('TinyMLP'))!;
    const host = createJaxHost(new Tracer(), { weights: new SeededWeights(3) });
    const weightsFrom = mlp.state!.slice(1).map((w) => ({ name: w.name, sym: host.tracer.input(`weight.${w.name}`, w.value) }));
    const trace = () => traceProgram(host, mlp.code, { entry: mlp.entry, inputs: [], mode: 'eval', constructorExtra: 'rngs=nnx.Rngs(0)', loader: 'load_torch_state_dict', weightsFrom });
    assert.throws(trace, /KeyError.*missing \['fc1\.weight'\]/);
  });
});
