// The PyTorch host against real PyTorch: each snippet runs in torch and, traced under the host, in onnxruntime; the
// results must agree. Models are traced from their constructor with drawn weights, which the oracle loads into the real
// model by state_dict key (a key the host names differently fails the case).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTorchHost } from '../server/src/check/hosts/torch';
import { parseInputSpec, drawInput, Random, toNumbers } from '../server/src/check/inputs';
import { evaluate, traceProgram } from '../server/src/check/trace/program';
import { Tracer } from '../server/src/check/trace/tracer';
import { SeededWeights } from '../server/src/check/weights';
import { initParser } from '../server/src/parser';
import { checkSnippets, type Snippet, type SnippetResult } from './support/lowering';
import { repoRoot } from './support/python';

const host = (t: Tracer) => createTorchHost(t, { weights: new SeededWeights(1) });
const HEADER = 'import math\nimport torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n';

/** [id, body of `def f(<params>)`, inputs]; the parameters are the inputs' names */
type Case = [string, string, string[]];

const X = ['x=float32[2,3,4]'];
const XY = ['x=float32[2,3,4]', 'y=float32[3,4]'];
const IMG = ['x=float32[2,4,6,6]'];

const CASES: Case[] = [
  // operators and promotion
  ['add-sub-mul', 'return x + y, x - y, x * y, 2 - x, 1.5 * x', XY],
  ['true-div', 'return x / y, 1 / x, x / 2', XY],
  ['floor-mod-float', 'return x // 0.7, x % 0.7, torch.remainder(x, -0.7), torch.fmod(x, 0.7)', X],
  ['int-floor-mod', 'return i // 3, i % 3, i // -3, i % -3, -i // 2', ['i=int64[6]:-20..20']],
  ['int-true-div', 'return i / 4, i * 1.5, i + 1', ['i=int64[6]:-20..20']],
  ['pow-matmul', 'return x ** 2, 2 ** x, x @ y.T, torch.matmul(x, y.t())', XY],
  ['comparisons', 'return x > y, x <= 0.5, x == x, x != y, (x > 0) & (y < 0), ~(x > 0), (x > 0) | (y > 0)', XY],
  ['neg-abs', 'return -x, abs(x), x.abs(), torch.neg(x)', X],
  ['bool-arith', 'return (x > 0) + (x < 1), (x > 0) * (x < 1), (x > 0).float() + 1', X],
  ['int-tensor-ops', 'return i * 2, i.float() / 3, (i > 0).long(), i.sum(), i.sum(dim=0)', ['i=int64[3,4]:-5..5']],
  // unary math
  ['unary-math', 'return torch.exp(x), torch.sin(x), torch.cos(x), x.tanh(), x.sigmoid(), torch.erf(x), x.floor(), x.ceil(), torch.sign(x)', X],
  ['positive-math', 'return x.sqrt(), torch.rsqrt(x), x.log(), torch.log1p(x), x.reciprocal()', ['x=float32[5]:0.5..3']],
  ['int-exp', 'return torch.exp(i), torch.sqrt(i)', ['i=int64[4]:0..5']],
  // reductions
  ['sum-mean', 'return x.sum(), x.sum(-1), x.sum(dim=(0, 2), keepdim=True), x.mean(1), torch.mean(x, dim=[0, 1])', X],
  ['max-min', 'v, i = x.max(dim=1)\nm = torch.min(x, -1, keepdim=True)\nreturn x.max(), v, i, m.values, m.indices, torch.maximum(x, y), torch.max(x, y)', XY],
  ['argmax', 'return x.argmax(), x.argmax(dim=-1), torch.argmin(x, 1, keepdim=True)', X],
  ['var-std', 'return x.var(), x.var(-1), x.std(1, keepdim=True), torch.var(x, 0, unbiased=False), x.std(dim=-1, correction=0)', X],
  ['prod-amax-all', 'return x.prod(-1), x.amax(dim=(1, 2)), (x > -3).all(), (x > 1).any(dim=1)', X],
  ['softmax', 'return x.softmax(-1), F.softmax(x, dim=1), F.log_softmax(x, dim=-1), torch.softmax(x, 0)', X],
  ['cumsum-topk', 'v, i = torch.topk(x, 2)\nw, j = x.topk(3, dim=1, largest=False)\nreturn x.cumsum(-1), torch.cumsum(x, dim=0), v, i, w, j', X],
  // shapes
  ['view-reshape', 'return x.view(6, 4), x.view(-1), x.reshape(2, -1), x.view((4, 6)), torch.reshape(x, (3, 8))', X],
  ['permute-transpose', 'return x.permute(2, 0, 1), x.permute((1, 0, 2)), x.transpose(1, 2), x.transpose(-1, 0), torch.transpose(x, 0, 1), x.T', X],
  ['flatten-squeeze', 'u = x.unsqueeze(1)\nreturn x.flatten(), x.flatten(1), torch.flatten(x, 0, 1), u, u.squeeze(1), u.squeeze(), x.squeeze(0), torch.unsqueeze(x, -1)', X],
  ['expand-repeat', 'z = x[:, :1]\nreturn z.expand(2, 5, 4), z.expand(-1, 3, -1), x.repeat(1, 2, 1), y.repeat(2, 1, 1)', XY],
  ['split-chunk', 'a, b = x.split(2, dim=-1)\nc = x.chunk(2, 1)\nd = torch.split(x, [1, 2], dim=1)\nreturn a, b, c[0], c[1], d[0], d[1]', X],
  ['cat-stack', 'return torch.cat([x, x], dim=0), torch.cat((x, x * 2), -1), torch.stack([x, x]), torch.stack([x, x], dim=-1)', X],
  ['size-dim', 'B, T, C = x.shape\nreturn x.view(B * T, C) * x.size(-1) + x.dim() + x.ndim + len(x) + x.numel() + x.size()[1]', X],
  ['tril-triu-where', 'm = torch.tril(torch.ones(4, 4))\nreturn torch.triu(y), y.tril(-1), torch.where(x > 0, x, torch.zeros_like(x)), torch.where(m == 0, float("-inf"), m), torch.where(x > 0, x, 0.0)', XY],
  ['masked-fill', 'return x.masked_fill(x > 0, 0.0), x.masked_fill(torch.tril(torch.ones(3, 4)) == 0, float("-inf"))', X],
  ['clamp', 'return x.clamp(-0.5, 0.5), torch.clamp(x, min=0), x.clamp(max=0.1), torch.clip(x, -1, 1)', X],
  ['indexing', 'return x[0], x[:, 1], x[..., -1], x[:, None, 1:3], x[1, ::2, 1::2], x[:, torch.tensor([2, 0])], x[0][1][2], x[[1, 0]], x[:, [True, False, True]]', X],
  ['gather-index-select', 'idx = torch.tensor([[0, 2], [1, 1], [3, 0]])\nreturn torch.gather(y, 1, idx), y.index_select(1, torch.tensor([3, 0])), y[torch.tensor([2, 0, 2])]', XY],
  ['setitem', 'z = x.clone()\nz[0] = 1.0\nz[:, 1:, 2] = y[1:, 0]\nalias = z\nalias[1, 0] += 5\nz[z > 1] = 0.5\nreturn z, alias', XY],
  ['in-place', 'z = x * 1\nw = z\nz.add_(y)\nz.mul_(2)\nz.masked_fill_(z > 1, 0.0)\nz += 1\nq = torch.zeros(2, 3)\nq.fill_(3)\nr = torch.zeros(3, 4)\nr.fill_(2.5)\nr.copy_(y * 2)\nr.t_()\nz.requires_grad_()\nreturn z, w, q, r', XY],
  ['einsum-bmm', 'return torch.einsum("bij,jk->bik", x, y.T), torch.einsum("bij,bkj->bik", x, x), torch.bmm(x, x.transpose(1, 2)), torch.einsum("...ij,jk->...ik", x, y.T), torch.einsum("b...j,kj", x, y), torch.einsum("...j,j", x, y[0])', XY],
  ['dtypes', 'return x.long(), x.int().float(), x.to(torch.int64), x.to(torch.float32), x.type_as(i), (x > 0).to(x.dtype), x.double().float()', ['x=float32[3,4]:-9..9', 'i=int64[2]:0..3']],
  // creation
  ['creation', 'return torch.zeros(2, 3), torch.ones((2,)), torch.full((2, 2), 3.5), torch.full((2,), 7), torch.arange(5), torch.arange(1, 4, 0.5), torch.arange(0, 10, 3, dtype=torch.float32), torch.eye(3), torch.eye(2, 3), x.new_zeros(4) + torch.ones_like(x[0, 0])', X],
  ['linspace-tensor', 'return torch.linspace(0, 1, 7), torch.linspace(-2, 3, 4), torch.tensor([[1, 2], [3, 4]]), torch.tensor([1.5, 2]), torch.tensor([True, False]), torch.full_like(x, 2.0)', X],
  ['finfo', 'return x.masked_fill(x > 0, torch.finfo(x.dtype).min), x * torch.finfo(torch.float32).eps', X],
  // activations and F
  ['activations', 'return F.relu(x), F.gelu(x), F.gelu(x, approximate="tanh"), F.silu(x), F.sigmoid(x), F.tanh(x), F.leaky_relu(x), F.leaky_relu(x, 0.2), F.elu(x), F.elu(x, alpha=0.5), F.selu(x), F.celu(x)', ['x=float32[3,5]:-4..4']],
  ['activations-2', 'return F.softplus(x), F.softplus(x, beta=2, threshold=1), F.mish(x), F.hardswish(x), F.hardsigmoid(x), F.hardtanh(x), F.hardtanh(x, -2, 0.5), F.relu6(x * 3), F.logsigmoid(x), F.softsign(x)', ['x=float32[3,5]:-4..4']],
  ['dropout-eval', 'return F.dropout(x, 0.3, training=False), F.dropout(x, p=0.0)', X],
  ['linear', 'return F.linear(x, y), F.linear(x, y, y[:, 0])', XY],
  ['layer-norm', 'return F.layer_norm(x, (4,)), F.layer_norm(x, [3, 4], eps=1e-3), F.layer_norm(x, (4,), y[0], y[1])', XY],
  ['group-batch-norm', 'w = torch.arange(4.0) + 1\nreturn F.group_norm(x, 2), F.group_norm(x, 4, w, w * 0.1), F.batch_norm(x, w.clone(), w.clone(), training=True), F.batch_norm(x, w * 0.1, w, w, w)', IMG],
  ['normalize', 'return F.normalize(x), F.normalize(x, dim=-1), F.normalize(x, p=1.0, dim=0)', X],
  ['pad', 'return F.pad(x, (1, 2)), F.pad(x, (1, 1, 2, 0), value=0.5), F.pad(x, [1, 1], mode="reflect"), F.pad(x, (2, 1), mode="replicate")', X],
  ['conv', 'w = torch.ones(5, 4, 3, 3) * 0.1\nw1 = torch.ones(4, 2, 3) * 0.2\nreturn F.conv2d(x, w), F.conv2d(x, w, torch.ones(5), stride=2, padding=1), F.conv2d(x, w, padding="same", dilation=2), F.conv2d(x, w[:2, :2], groups=2, padding=(1, 0)), F.conv1d(x[:, :, 0], w1, groups=2, padding="same")', IMG],
  ['conv-transpose', 'w = torch.ones(4, 3, 3, 3) * 0.1\nreturn F.conv_transpose2d(x, w), F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1), F.conv_transpose1d(x[:, :, 0], w[:, :, 0], stride=2)', IMG],
  ['pool', 'return F.max_pool2d(x, 2), F.max_pool2d(x, 3, stride=2, padding=1), F.avg_pool2d(x, 2), F.avg_pool2d(x, 3, 1, 1, count_include_pad=False), F.adaptive_avg_pool2d(x, 3), F.adaptive_avg_pool2d(x, (1, 1)), F.max_pool1d(x[:, :, 0], 2), F.max_pool2d(x, 4, ceil_mode=True)', IMG],
  ['embedding-one-hot', 'return F.embedding(i, w), F.one_hot(i, 7), F.one_hot(i[0], num_classes=5)', ['i=int64[2,3]:0..5', 'w=float32[6,4]']],
  ['sdpa', 'mask = torch.tril(torch.ones(5, 5, dtype=torch.bool))\nreturn F.scaled_dot_product_attention(q, k, v), F.scaled_dot_product_attention(q, k, v, is_causal=True), F.scaled_dot_product_attention(q, k, v, attn_mask=mask), F.scaled_dot_product_attention(q, k, v, attn_mask=mask.float() * 0.5, scale=0.3)', ['q=float32[2,3,5,4]', 'k=float32[2,3,5,4]', 'v=float32[2,3,5,4]']],
  ['interpolate', 'return F.interpolate(x, scale_factor=2), F.interpolate(x, size=(12, 18)), F.interpolate(x[:, :, 0], scale_factor=3), F.interpolate(x, size=(4, 9)), F.interpolate(x, size=(9, 4), mode="nearest-exact")', IMG],
  ['interpolate-smooth', 'return F.interpolate(x, scale_factor=2, mode="bilinear"), F.interpolate(x, size=(4, 9), mode="bilinear", align_corners=True), F.interpolate(x, size=(8, 5), mode="bicubic"), F.interpolate(x, size=(3, 4), mode="area"), F.interpolate(x[:, :, 0], size=10, mode="linear"), F.interpolate(x, scale_factor=0.5, mode="bilinear")', IMG],
  ['more-shape-ops', 'return x.narrow(-1, -2, 2), torch.flip(x, [0, 2]), x.flip(1), torch.roll(x, 1, 2), x.roll((1, -1), (0, 1)), torch.roll(x, 3), torch.unbind(x, 1)[2], x.movedim(0, -1), x.unflatten(-1, (2, 2)), x.view_as(x.view(4, 6)), torch.outer(y[0], y[1]), x.repeat_interleave(2, dim=1), y.repeat_interleave(2)', XY],
  ['more-math', 'return torch.addmm(y[:, :3], y, y.T), torch.baddbmm(x[:, :, :3], x, x.transpose(1, 2), beta=0.5, alpha=2), torch.addcmul(x, x, x, value=0.3), torch.lerp(x, -x, 0.25), torch.logsumexp(x, -1), x.logsumexp((0, 1), keepdim=True), torch.hypot(x, x), x.clamp_min(0.1), torch.cumprod(x, 1), torch.norm(x), x.norm(dim=-1), torch.round(x * 3), torch.trunc(x * 3), x.frac(), torch.square(x), torch.log2(x.abs() + 1), x.isnan()', XY],
  ['sort-where-method', 'v, i = torch.sort(x, dim=1)\nw, j = x.sort(descending=True)\nreturn v, i, w, j, x.where(x > 0, y)', XY],
  ['losses', 't = torch.tensor([1, 0, 3])\np = torch.sigmoid(y)\nreturn F.mse_loss(y, y * 0.5), F.mse_loss(y, -y, weight=p), F.l1_loss(y, -y, reduction="sum"), F.l1_loss(y, p, weight=p), F.huber_loss(y, p, weight=p), F.smooth_l1_loss(y, y * 3, beta=0.5), F.huber_loss(y, y * 3, reduction="none", delta=0.7), F.binary_cross_entropy(p, p * 0.5), F.binary_cross_entropy_with_logits(y, p), F.cross_entropy(y, t), F.cross_entropy(y, t, label_smoothing=0.1), F.cross_entropy(y, torch.tensor([1, -100, 2]), weight=torch.tensor([1.0, 2.0, 0.5, 1.0])), F.nll_loss(F.log_softmax(y, 1), t, reduction="none"), F.cross_entropy(y, p.softmax(-1))', XY],
  ['norms-2', 'w = torch.arange(4.0) + 1\nreturn F.instance_norm(x), F.instance_norm(x, weight=w, bias=w), F.rms_norm(x, (6,)), F.rms_norm(x, [6, 6], eps=1e-3), F.prelu(x, w), F.prelu(x, torch.tensor([0.3]))', IMG],
  ['implicit-softmax-dim', 'return F.softmax(x), F.log_softmax(x[0]), F.softmax(x[0, 0])', X],
  ['special-and-misc', 'v, m = torch.var_mean(x, 1)\ns, n = torch.std_mean(x, dim=(0, 2), correction=0)\nz = x.masked_fill(x > 1, float("nan"))\nreturn torch.special.expit(x), torch.special.ndtr(x), torch.special.entr(x), torch.special.sinc(x), torch.special.erf(x), torch.special.logit(x.sigmoid()), torch.xlogy(x, x.abs()), torch.signbit(x), torch.argsort(x, dim=1), torch.vstack([y, y[0]]), torch.hstack([y, y]), v, m, s, n, torch.nansum(z), z.nanmean(dim=-1)', XY],
  ['shrink-glu-softmin', 'return F.glu(x), F.glu(x, 1), F.tanhshrink(x), F.softshrink(x, 0.3), F.hardshrink(x), F.softmin(x, dim=-1), F.adaptive_max_pool2d(x, (3, 4)), F.adaptive_max_pool1d(x[:, :, 0], 4), F.adaptive_avg_pool2d(x, (4, 5))', IMG],
  ['binary-math', 'return torch.atan2(x, y), torch.copysign(x, y), torch.logaddexp(x, y), torch.logaddexp2(x, x), torch.float_power(x, 2), torch.heaviside(x.round(), y), torch.isclose(x, x + 1e-6), torch.isfinite(x / 0), torch.isposinf(x / 0), torch.nan_to_num(x / 0), torch.count_nonzero(x.round(), dim=1), ~(x > 0).long()', XY],
  ['order-stats', 'v, i = x.median(dim=1)\nk, j = torch.kthvalue(x, 2, dim=-1, keepdim=True)\nlo, hi = torch.aminmax(x, dim=0)\nreturn torch.median(x), v, i, k, j, lo, hi, torch.quantile(x, 0.3), torch.quantile(x, torch.tensor([0.25, 0.8]), dim=1, keepdim=True), x.quantile(0.5, dim=-1, interpolation="nearest"), torch.quantile(x.masked_fill(x > 1, float("nan")), 0.4, dim=2), torch.median(x.masked_fill(x > 1, float("nan")), 1).values, torch.nanmedian(x.masked_fill(x > 0.5, float("nan"))), torch.logcumsumexp(x, 1), torch.msort(x)', X],
  ['shape-helpers-1', 'return torch.moveaxis(x, 0, -1), x.broadcast_to((4, 2, 3, 4)), x.tile((2,)), x.tile(2, 1), torch.tile(y, (2, 1, 1)), torch.tensor_split(x, 3, dim=2)[1], x.tensor_split([1, 3], dim=-1)[2]', XY],
  ['shape-helpers-2', 'return torch.take(x, torch.tensor([[0, 5], [23, 7]])), torch.take_along_dim(x, x.argsort(dim=1), dim=1), torch.fliplr(y), y.flipud(), torch.rot90(x, 1, [1, 2])', XY],
  ['shape-helpers-3', 'return x.rot90(-1), torch.diagonal(x, 1, 1, 2), y.diag(-1), torch.diag(y[0], 1), y.trace()', XY],
  ['shape-helpers-4', 'return torch.diff(x, dim=1), x.diff(n=2, prepend=x[..., :1]), torch.dstack([y, y]), torch.column_stack([y[0], y[1]]), torch.meshgrid(y[0], y[1, :3], indexing="xy")[0]', XY],
  ['products-norms', 'return torch.mv(y, y[0]), torch.dot(y[0], y[1]), torch.inner(x, y), torch.kron(y, y[:2, :2]), torch.tensordot(x, y, dims=2), torch.tensordot(x, y, dims=([1], [0])), torch.addmv(y[:, 0], y, y[0], beta=0.5), torch.addbmm(y[0], x.transpose(1, 2), x, alpha=2), torch.linalg.vector_norm(x, 3, dim=-1), torch.linalg.norm(x), torch.linalg.norm(y, ord=float("inf"), dim=1), torch.cdist(x, x), torch.cdist(x, x, p=1), F.cosine_similarity(x, x + y), F.pairwise_distance(x, y), torch.norm(x, 3, dim=1), x.norm(float("inf"), dim=(0, 1)), x.norm(p="fro")', XY],
  ['more-losses', 't = torch.sign(y)\np = torch.sigmoid(y)\nreturn F.kl_div(F.log_softmax(y, -1), p.softmax(-1), reduction="batchmean"), F.kl_div(y, y, log_target=True), F.poisson_nll_loss(y, p), F.poisson_nll_loss(p, p * 3, log_input=False, full=True), F.gaussian_nll_loss(y, p, p), F.soft_margin_loss(y, t), F.margin_ranking_loss(y[0], y[1], t[2], margin=0.1), F.hinge_embedding_loss(y, t), F.cosine_embedding_loss(y, p, t[:, 0], margin=0.2), F.multilabel_soft_margin_loss(y, (p > 0.5).float()), F.triplet_margin_loss(y, p, -y, swap=True)', XY],
  ['reshuffles', 'return F.pixel_shuffle(x, 2), F.pixel_unshuffle(x, 2), F.channel_shuffle(x, 2), F.threshold(x, 0.1, -1.0), torch.conv2d(x, torch.ones(2, 4, 3, 3) * 0.1), torch.max_pool2d(x, 2), torch.selu(x), x * 0 + torch.iinfo(torch.int16).max, x + torch.iinfo(torch.int32).min', IMG],
  ['losses-2', 't = torch.tensor([1, -100, 3])\nw = torch.tensor([1.0, 2.0, 0.5, 1.5])\np = y.softmax(-1)\nreturn F.cross_entropy(y, t, label_smoothing=0.2), F.cross_entropy(y, t, weight=w, label_smoothing=0.1), F.cross_entropy(y, t, weight=w, label_smoothing=0.3, reduction="none"), F.cross_entropy(y, p, weight=w, label_smoothing=0.2), F.binary_cross_entropy_with_logits(y, p, pos_weight=w)', XY],
  ['search-unfold-misc', 'b = torch.tensor([-0.5, 0.0, 0.5])\nreturn torch.searchsorted(b, x), torch.searchsorted(torch.sort(x[0, 0])[0], x[0, 0], side="right"), torch.bucketize(x, b, right=True), F.unfold(x, 3, padding=1, stride=2), F.unfold(x, (2, 3), dilation=(2, 1)), torch.tril_indices(3, 4, 1), torch.triu_indices(4, 3, -1), torch.logspace(0, 2, 5), x.new_tensor([1, 2]), F.local_response_norm(x, 3), F.bilinear(x[:, 0], x[:, 1], torch.ones(2, 6, 6) * 0.1)', IMG],
  ['functions-of-x', 'return torch.tanh(x), torch.sigmoid(x), torch.relu(x), torch.abs(x), torch.sum(x, 1), torch.add(x, y, alpha=2), torch.sub(x, 1), torch.mul(x, y), torch.div(x, 3), torch.div(x, 0.4, rounding_mode="floor"), torch.div(x, 0.4, rounding_mode="trunc"), torch.pow(x, 2)', XY],
];

/** models are built from their constructor; the traced weights are loaded into the real model by state_dict key */
const MODELS: Array<{ id: string; code: string; entry: string; inputs: string[]; mode?: 'train' | 'eval' }> = [
  {
    id: 'mlp-sequential',
    code: `class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 8), nn.GELU(), nn.Dropout(0.1), nn.Linear(8, 8, bias=False), nn.Tanh())
        self.norm = nn.LayerNorm(8)
        self.heads = nn.ModuleList([nn.Linear(8, 3) for _ in range(2)])
        self.register_buffer('scale', torch.arange(3.0) + 1)
        self.register_buffer('tmp', torch.ones(3), persistent=False)
        self.bias = nn.Parameter(torch.zeros(3))

    def forward(self, x):
        h = self.norm(self.body(x))
        return sum(head(h) for head in self.heads) * self.scale + self.bias + self.tmp`,
    entry: 'Net()',
    inputs: ['x=float32[2,5,4]'],
  },
  {
    id: 'cnn',
    code: `class Net(nn.Module):
    def __init__(self, c=3):
        super().__init__()
        self.conv = nn.Conv2d(c, 6, 3, padding=1)
        self.bn = nn.BatchNorm2d(6)
        self.gn = nn.GroupNorm(2, 6)
        self.down = nn.Conv2d(6, 4, kernel_size=(3, 1), stride=2, padding='valid', bias=False)
        self.up = nn.ConvTranspose2d(4, 2, 2, stride=2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.mp = nn.MaxPool2d(2)
        self.flat = nn.Flatten()
        self.act = nn.LeakyReLU(0.2)
        self.fc = nn.Linear(2, 5)

    def forward(self, x):
        h = self.act(self.gn(self.bn(self.conv(x))))
        u = self.up(self.down(h))
        return self.fc(self.flat(self.pool(u))), self.mp(h)`,
    entry: 'Net(3)',
    inputs: ['x=float32[2,3,8,8]'],
  },
  {
    id: 'embedding-attention',
    code: `class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.heads = heads
        self.register_buffer('mask', torch.tril(torch.ones(8, 8)).view(1, 1, 8, 8))

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.qkv(x).split(C, dim=2)
        q = q.view(B, T, self.heads, C // self.heads).transpose(1, 2)
        k = k.view(B, T, self.heads, C // self.heads).transpose(1, 2)
        v = v.view(B, T, self.heads, C // self.heads).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.mask[:, :, :T, :T] == 0, float('-inf'))
        y = F.softmax(att, dim=-1) @ v
        return self.proj(y.transpose(1, 2).contiguous().view(B, T, C))

class Net(nn.Module):
    def __init__(self, vocab=11, d=8):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(8, d)
        self.blocks = nn.ModuleDict({'a': Block(d, 2), 'b': Block(d, 4)})
        self.ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)
        self.head.weight = self.tok.weight
        self.apply(self._init)

    def _init(self, m):
        if isinstance(m, nn.Linear):
            torch.nn.init.normal_(m.weight, mean=0.0, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)

    def forward(self, idx):
        T = idx.shape[1]
        x = self.tok(idx) + self.pos(torch.arange(T))
        for name in self.blocks:
            x = x + self.blocks[name](x)
        return self.head(self.ln(x))`,
    entry: 'Net()',
    inputs: ['idx=int64[2,6]:0..11'],
  },
  {
    id: 'recurrent',
    code: `class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 5, num_layers=2, bidirectional=True, batch_first=True)
        self.gru = nn.GRU(10, 3)
        self.rnn = nn.RNN(3, 2, nonlinearity='relu', bias=False)
        self.cell = nn.LSTMCell(4, 3)
        self.gcell = nn.GRUCell(3, 3)

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        g, hg = self.gru(out.transpose(0, 1), torch.ones(1, 2, 3))
        r, hr = self.rnn(g)
        hc, cc = self.cell(x[:, 0])
        return out, h, c, g, hg, r, hr, hc, cc, self.gcell(hc, hc)`,
    entry: 'Net()',
    inputs: ['x=float32[2,6,4]'],
  },
  {
    id: 'multihead-attention',
    code: `class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = nn.MultiheadAttention(8, 2, batch_first=True)
        self.second = nn.MultiheadAttention(8, 4, bias=False)

    def forward(self, x):
        mask = torch.triu(torch.ones(5, 5, dtype=torch.bool), diagonal=1)
        pad = torch.tensor([[False] * 5, [False] * 3 + [True] * 2])
        a, w = self.first(x, x, x, attn_mask=mask, key_padding_mask=pad)
        b, w2 = self.second(a.transpose(0, 1), x.transpose(0, 1), x.transpose(0, 1), average_attn_weights=False)
        c, none = self.first(x, a, a, need_weights=False)
        return a, w, b, w2, c`,
    entry: 'Net()',
    inputs: ['x=float32[2,5,8]'],
  },
  {
    id: 'layers-2',
    code: `class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.reflect = nn.Conv2d(3, 4, 3, padding=1, padding_mode='reflect')
        self.circular = nn.Conv1d(3, 2, 3, padding=2, dilation=2, padding_mode='circular')
        self.inorm = nn.InstanceNorm2d(4, affine=True)
        self.rms = nn.RMSNorm(6)
        self.prelu = nn.PReLU(4)
        self.pad = nn.ZeroPad2d((1, 0, 2, 1))
        self.up = nn.Upsample(scale_factor=2)
        self.loss = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 3.0, 4.0]))
        self.seq = nn.Sequential(*[nn.Identity() for _ in range(2)])
        self.blocks = nn.ModuleList(nn.Linear(6, 6) for _ in range(2))
        self.w = nn.Parameter(torch.randn(6) * 0.02)

    def forward(self, x):
        h = self.prelu(self.inorm(self.reflect(x)))
        y = self.rms(h) * self.w
        for block in self.blocks:
            y = block(y)
        return y, self.circular(x[:, :, 0]), self.pad(h), self.up(h), self.loss(h.mean((2, 3)), torch.tensor([0, 3])), self.seq(x)`,
    entry: 'Net()',
    inputs: ['x=float32[2,3,6,6]'],
  },
  {
    id: 'transformer-encoder',
    code: `class Net(nn.Module):
    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(8))
        self.pre = nn.TransformerEncoderLayer(8, 4, 12, activation='gelu', norm_first=True)

    def forward(self, x):
        mask = torch.triu(torch.full((5, 5), float('-inf')), diagonal=1)
        h = self.encoder(x, mask=mask)
        return h, self.pre(h.transpose(0, 1))`,
    entry: 'Net()',
    inputs: ['x=float32[2,5,8]'],
  },
  {
    id: 'decoder-bilinear-pools',
    code: `class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.decoder = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, batch_first=True)
        self.pre = nn.TransformerDecoderLayer(8, 4, 12, activation='gelu', norm_first=True)
        self.bilinear = nn.Bilinear(8, 8, 3)
        self.lp = nn.LPPool1d(2, 3, stride=2)
        self.lrn = nn.LocalResponseNorm(2)
        self.rrelu = nn.RReLU()
        self.loss = nn.TripletMarginLoss(margin=0.5)
        self.mha = nn.MultiheadAttention(8, 2, batch_first=True)

    def forward(self, x, m):
        mask = torch.triu(torch.full((5, 5), float('-inf')), diagonal=1)
        h = self.decoder(x, m, tgt_mask=mask)
        g = self.pre(h.transpose(0, 1), m.transpose(0, 1))
        return h, g, self.bilinear(h, x), self.lp(h), self.lrn(h), self.rrelu(h), self.loss(h[0], x[0], m[0, :5]), self.mha(h[0], m[0], m[0], key_padding_mask=m[0, :, 0] > 0.5)`,
    entry: 'Net()',
    inputs: ['x=float32[2,5,8]', 'm=float32[2,6,8]'],
  },
  {
    id: 'transformer-full',
    code: `class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = nn.Transformer(8, 2, 2, 1, 16)
        self.stack = nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 4, 12, batch_first=True), 2, norm=nn.LayerNorm(8))

    def forward(self, src, tgt):
        mask = torch.triu(torch.full((4, 4), float('-inf')), diagonal=1)
        out = self.model(src, tgt, tgt_mask=mask)
        return out, self.stack(out.transpose(0, 1), src.transpose(0, 1), tgt_mask=mask)`,
    entry: 'Net()',
    inputs: ['src=float32[5,2,8]', 'tgt=float32[4,2,8]'],
  },
  {
    id: 'batch-norm-train',
    code: `class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(3, 4, 3, padding='same', groups=1)
        self.bn = nn.BatchNorm1d(4)
        self.drop = nn.Dropout(0.0)
        self.out = nn.Linear(4, 2)

    def forward(self, x):
        h = self.drop(F.relu(self.bn(self.conv(x))))
        scale = 2.0 if self.training else 1.0
        return self.out(h.mean(-1)) * scale`,
    entry: 'Net()',
    inputs: ['x=float32[4,3,7]'],
    mode: 'train',
  },
];

function snippetOf([id, body, inputs]: Case): Snippet {
  const params = inputs.map((i) => parseInputSpec(i).name).join(', ');
  return { id, code: `${HEADER}def f(${params}):\n${body.split('\n').map((l) => `    ${l}`).join('\n')}\n`, entry: 'f', inputs };
}

describe('trace-torch: the PyTorch host against real PyTorch', function () {
  let results = new Map<string, SnippetResult>();

  before(async function () {
    await initParser();
    const models = MODELS.map((m) => ({ ...m, code: `${HEADER}${m.code}\n` }));
    results = await checkSnippets('torch', host, [...CASES.map(snippetOf), ...models]);
  });

  for (const id of [...CASES.map(([id]) => id), ...MODELS.map((m) => m.id)]) {
    it(id, function () {
      const r = results.get(id)!;
      assert.ok(r.passed, r.detail);
    });
  }

  it('names the state_dict like PyTorch, with tied and transient entries handled', async function () {
    const h = host(new Tracer());
    const model = MODELS[0];
    const x = drawInput(parseInputSpec(model.inputs[0]), new Random(1));
    const traced = traceProgram(h, `${HEADER}${model.code}\n`, { entry: model.entry, inputs: [{ name: 'x', value: x }], mode: 'eval' });
    assert.deepEqual(traced.state.map((s) => `${s.kind}:${s.name}`), [
      'parameter:bias', 'buffer:scale', 'parameter:body.0.weight', 'parameter:body.0.bias', 'parameter:body.3.weight',
      'parameter:norm.weight', 'parameter:norm.bias', 'parameter:heads.0.weight', 'parameter:heads.0.bias', 'parameter:heads.1.weight', 'parameter:heads.1.bias',
    ]);
  });

  it('traces the mlp fixture', async function () {
    const h = host(new Tracer());
    const code = fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'torch', 'mlp.py'), 'utf8');
    const x = drawInput(parseInputSpec('x=float32[4,16]'), new Random(5));
    const traced = traceProgram(h, code, { entry: 'MLP(in_dim=16, hidden=32, out_dim=4)', inputs: [{ name: 'x', value: x }], mode: 'eval' });
    const [out] = (await evaluate(h, traced.outputs.map((o) => o.sym))).values;
    assert.deepEqual(out.shape, [4, 4]);
    assert.ok(toNumbers(out).every(Number.isFinite));
    assert.equal(traced.state.length, 2 + 2 * (2 + 2 + 2) + 2 + 1);
  });

  it('refuses what it cannot check', function () {
    const trace = (body: string) => traceProgram(host(new Tracer()), `${HEADER}def f(x):\n    ${body}\n`, { entry: 'f', inputs: [{ name: 'x', value: drawInput(parseInputSpec('x=float32[3]'), new Random(1)) }], mode: 'eval' });
    assert.throws(() => trace('return F.dropout(x, 0.5)'), /dropout in training mode/);
    assert.throws(() => trace('return x + torch.randn(3)'), /cannot be checked yet/);
    assert.throws(() => trace('return x if x.sum() > 0 else -x'), /depends on tensor values/);
    assert.throws(() => trace('v = x[1:]\n    v[0] = 1\n    return x'), /in-place update of a view/);
  });
});
