// torch.nn.functional losses (and the nn.*Loss layers over them): elementwise losses with reduction, and the
// class-index losses (nll, cross entropy) with class weights and ignore_index as torch defines their means.
import { pyError, type Value } from '../../interp';
import { isNone, toBool, toInt, toNumber, toStr, type BoundArgs } from '../../trace/args';
import * as ops from '../../trace/ops';
import { NotLowered, type Sym, type Tracer } from '../../trace/tracer';
import { tensorArg } from './functions';
import { define } from './registry';
import { pairwiseDistance } from './math';
import { resultType, TorchTensor } from './tensor';

const F = (name: string) => `torch.nn.functional.${name}`;
const scalar = (t: Tracer, x: Sym, v: number) => ops.scalar(t, v, x.dtype);

function reduceLoss(t: Tracer, loss: Sym, reduction: Value): Sym {
  const mode = toStr(reduction);
  if (mode === 'none') return loss;
  if (mode === 'sum') return ops.reduce(t, 'ReduceSum', loss, undefined, false);
  if (mode === 'mean') return ops.reduce(t, 'ReduceMean', loss, undefined, false);
  throw pyError('ValueError', `${mode} is not a valid value for reduction`);
}

/** the legacy size_average/reduce flags map onto reduction; the check only takes the modern spelling */
function checkLegacy(a: BoundArgs, name: string): void {
  if (!isNone(a.size_average ?? null) || !isNone(a.reduce ?? null)) throw new NotLowered(name, 'size_average/reduce (deprecated)');
}

type Pointwise = (t: Tracer, x: Sym, y: Sym, a: BoundArgs) => Sym;

const POINTWISE: Record<string, Pointwise> = {
  mse_loss: (t, x, y) => {
    const d = ops.binary(t, 'Sub', x, y);
    return ops.binary(t, 'Mul', d, d);
  },
  l1_loss: (t, x, y) => ops.unary(t, 'Abs', ops.binary(t, 'Sub', x, y)),
  smooth_l1_loss: (t, x, y, a) => huber(t, x, y, toNumber(a.beta), true),
  huber_loss: (t, x, y, a) => huber(t, x, y, toNumber(a.delta), false),
  binary_cross_entropy: (t, x, y) => {
    // torch clamps each log at -100 so that 0 and 1 give finite losses
    const log = (v: Sym) => ops.binary(t, 'Max', ops.unary(t, 'Log', v), scalar(t, v, -100));
    const positive = ops.binary(t, 'Mul', y, log(x));
    const negative = ops.binary(t, 'Mul', ops.binary(t, 'Sub', scalar(t, y, 1), y), log(ops.binary(t, 'Sub', scalar(t, x, 1), x)));
    return ops.unary(t, 'Neg', ops.binary(t, 'Add', positive, negative));
  },
  binary_cross_entropy_with_logits: (t, x, y, a) => {
    // max(x, 0) - x * y + log(1 + exp(-|x|)), the stable form
    const softplus = ops.unary(t, 'Log', ops.binary(t, 'Add', scalar(t, x, 1), ops.unary(t, 'Exp', ops.unary(t, 'Neg', ops.unary(t, 'Abs', x)))));
    if (isNone(a.pos_weight)) return ops.binary(t, 'Add', ops.binary(t, 'Sub', ops.unary(t, 'Relu', x), ops.binary(t, 'Mul', x, y)), softplus);
    // torch: (1 - y)·x + (1 + (pos_weight - 1)·y)·(softplus(-|x|) + relu(-x))
    const pw = ops.cast(t, tensorArg(a.pos_weight), x.dtype);
    const logWeight = ops.binary(t, 'Add', ops.binary(t, 'Mul', ops.binary(t, 'Sub', pw, scalar(t, x, 1)), y), scalar(t, x, 1));
    const negative = ops.binary(t, 'Add', softplus, ops.unary(t, 'Relu', ops.unary(t, 'Neg', x)));
    return ops.binary(t, 'Add', ops.binary(t, 'Mul', ops.binary(t, 'Sub', scalar(t, y, 1), y), x), ops.binary(t, 'Mul', logWeight, negative));
  },
};

/** smooth L1 (scaled by 1/beta inside the quadratic zone) and Huber (scaled by delta outside it) */
function huber(t: Tracer, x: Sym, y: Sym, limit: number, smoothL1: boolean): Sym {
  const d = ops.unary(t, 'Abs', ops.binary(t, 'Sub', x, y));
  if (smoothL1 && limit === 0) return d;
  const quadratic = ops.binary(t, 'Mul', ops.binary(t, 'Mul', d, d), scalar(t, d, smoothL1 ? 0.5 / limit : 0.5));
  const linear = smoothL1 ? ops.binary(t, 'Sub', d, scalar(t, d, 0.5 * limit)) : ops.binary(t, 'Mul', ops.binary(t, 'Sub', d, scalar(t, d, 0.5 * limit)), scalar(t, d, limit));
  return ops.where(t, ops.binary(t, 'Less', d, scalar(t, d, limit)), quadratic, linear);
}

const WEIGHTED_MEAN = new Set(['mse_loss', 'l1_loss']);

for (const [name, lower] of Object.entries(POINTWISE)) {
  define([F(name)], '(input, target, reduction=\'mean\', weight=None)', (a, c) => {
    checkLegacy(a, name);
    const [x, y] = [tensorArg(a.input), tensorArg(a.target)];
    const dtype = resultType([{ sym: x }, { sym: y }]);
    const [xs, ys] = [ops.cast(c.t, x, dtype), ops.cast(c.t, y, dtype)];
    const loss = lower(c.t, xs, ys, a);
    if (isNone(a.weight ?? null)) return c.wrap(reduceLoss(c.t, loss, a.reduction));
    const weight = ops.expand(c.t, ops.cast(c.t, tensorArg(a.weight), dtype), loss.shape);
    const weighted = ops.binary(c.t, 'Mul', loss, weight);
    // mse and l1 take a weighted mean (divided by the summed weights); the others a plain mean of weighted terms
    if (WEIGHTED_MEAN.has(name) && toStr(a.reduction) === 'mean') return c.wrap(ops.binary(c.t, 'Div', reduceLoss(c.t, weighted, 'sum'), reduceLoss(c.t, weight, 'sum')));
    return c.wrap(reduceLoss(c.t, weighted, a.reduction));
  });
}

/** nll over log-probabilities [N, C, ...] (or [C]) and class indices: weighted, ignore_index masked, and a mean
 *  divided by the summed weights of the counted targets, as torch does */
function nll(t: Tracer, logp: Sym, target: Sym, weight: Sym | null, ignoreIndex: number, reduction: Value, smoothing = 0): Sym {
  const unbatched = logp.shape.length === 1;
  const lp = unbatched ? ops.unsqueeze(t, logp, [0]) : logp;
  const tg = unbatched ? ops.unsqueeze(t, target, [0]) : target;
  const counted = ops.notEqual(t, tg, ops.scalar(t, ignoreIndex, tg.dtype));
  const safe = ops.where(t, counted, tg, ops.scalar(t, 0, tg.dtype));
  const picked = ops.squeeze(t, ops.gatherElements(t, lp, ops.unsqueeze(t, safe, [1]), 1), [1]);
  const classWeight = weight ? ops.gather(t, weight, safe, 0) : ops.full(t, safe.shape, 1, lp.dtype);
  const w = ops.where(t, counted, classWeight, ops.scalar(t, 0, lp.dtype));
  const loss = ops.unary(t, 'Neg', ops.binary(t, 'Mul', picked, w));
  const mode = toStr(reduction);
  const finish = (l: Sym) => {
    if (mode === 'mean') return ops.binary(t, 'Div', ops.reduce(t, 'ReduceSum', l, undefined, false), ops.reduce(t, 'ReduceSum', w, undefined, false));
    const out = reduceLoss(t, l, reduction);
    return unbatched && mode === 'none' ? ops.squeeze(t, out, [0]) : out;
  };
  if (smoothing <= 0) return finish(loss);
  // torch adds smoothing/C times -Σ_c weight_c·logp_c (0 at ignored targets), its mean also over the summed target weights
  const weighted = weight ? ops.binary(t, 'Mul', lp, ops.reshape(t, weight, lp.shape.map((d, i) => (i === 1 ? d : 1)))) : lp;
  const smooth = ops.where(t, counted, ops.unary(t, 'Neg', ops.reduce(t, 'ReduceSum', weighted, [1], false)), ops.scalar(t, 0, lp.dtype));
  const scaled = (v: Sym, factor: number) => ops.binary(t, 'Mul', v, ops.scalar(t, factor, lp.dtype));
  return ops.binary(t, 'Add', scaled(finish(loss), 1 - smoothing), scaled(finish(smooth), smoothing / lp.shape[1]));
}

define([F('nll_loss')], "(input, target, weight=None, ignore_index=-100, reduction='mean')", (a, c) => {
  checkLegacy(a, 'nll_loss');
  return c.wrap(nll(c.t, tensorArg(a.input), tensorArg(a.target), isNone(a.weight) ? null : tensorArg(a.weight), toInt(a.ignore_index), a.reduction));
});

define([F('cross_entropy')], "(input, target, weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0)", (a, c) => {
  checkLegacy(a, 'cross_entropy');
  const x = tensorArg(a.input);
  const logp = ops.softmax(c.t, 'LogSoftmax', x, x.shape.length === 1 ? 0 : 1);
  const target = tensorArg(a.target);
  const smoothing = toNumber(a.label_smoothing);
  if (target.dtype.startsWith('float')) {
    // torch smooths the target toward uniform and weights each class's term; the mean stays over the samples
    const axis = x.shape.length === 1 ? 0 : 1;
    const classes = x.shape[axis];
    const smoothed = smoothing > 0 ? ops.binary(c.t, 'Add', ops.binary(c.t, 'Mul', target, scalar(c.t, target, 1 - smoothing)), scalar(c.t, target, smoothing / classes)) : target;
    const terms = ops.binary(c.t, 'Mul', logp, ops.cast(c.t, smoothed, logp.dtype));
    const weighted = isNone(a.weight) ? terms : ops.binary(c.t, 'Mul', terms, ops.reshape(c.t, ops.cast(c.t, tensorArg(a.weight), logp.dtype), x.shape.map((d, i) => (i === axis ? d : 1))));
    const loss = ops.unary(c.t, 'Neg', ops.reduce(c.t, 'ReduceSum', weighted, [axis], false));
    return c.wrap(reduceLoss(c.t, loss, a.reduction));
  }
  return c.wrap(nll(c.t, logp, target, isNone(a.weight) ? null : tensorArg(a.weight), toInt(a.ignore_index), a.reduction, smoothing));
});

// ---- margin, ranking and likelihood losses (torch.nn.functional's definitions, then `reduction`)

const relu = (t: Tracer, x: Sym) => ops.unary(t, 'Relu', x);
const [add, sub, mul] = ['Add', 'Sub', 'Mul'].map((op) => (t: Tracer, a: Sym, b: Sym) => ops.binary(t, op, a, b));
/** the loss inputs in one floating dtype; a Python number (gaussian_nll_loss's var) becomes a scalar */
const floats = (c: { t: Tracer }, values: Value[]): Sym[] => {
  const dtype = resultType(values.flatMap((v) => (v instanceof TorchTensor ? [{ sym: v.sym }] : [])));
  const float = dtype.startsWith('float') ? dtype : 'float32';
  return values.map((v) => (v instanceof TorchTensor ? ops.cast(c.t, v.sym, float) : ops.scalar(c.t, toNumber(v), float)));
};
/** log(1 + exp(x)), stable for large |x| */
const softplus = (t: Tracer, x: Sym) => add(t, relu(t, x), ops.unary(t, 'Log', add(t, scalar(t, x, 1), ops.unary(t, 'Exp', ops.unary(t, 'Neg', ops.unary(t, 'Abs', x))))));
const selectWhere = (t: Tracer, target: Sym, value: number, x: Sym) => ops.where(t, ops.binary(t, 'Equal', target, scalar(t, target, value)), x, scalar(t, x, 0));

type Loss = (t: Tracer, inputs: Sym[], a: BoundArgs) => Sym;

const LOSSES: Record<string, [string, Loss]> = {
  soft_margin_loss: ["(input, target, reduction='mean')", (t, [x, y]) => softplus(t, ops.unary(t, 'Neg', mul(t, x, y)))],
  margin_ranking_loss: ["(input1, input2, target, margin=0, reduction='mean')", (t, [x1, x2, y], a) =>
    relu(t, add(t, mul(t, ops.unary(t, 'Neg', y), sub(t, x1, x2)), scalar(t, x1, toNumber(a.margin))))],
  hinge_embedding_loss: ["(input, target, margin=1.0, reduction='mean')", (t, [x, y], a) => {
    // x where target != -1, plus max(0, margin - x) where target != 1
    const margin = relu(t, sub(t, scalar(t, x, toNumber(a.margin)), x));
    const keep = (v: number, s: Sym) => ops.where(t, ops.notEqual(t, y, scalar(t, y, v)), s, scalar(t, s, 0));
    return add(t, keep(1, margin), keep(-1, x));
  }],
  cosine_embedding_loss: ["(input1, input2, target, margin=0, reduction='mean')", (t, [x1, x2, y], a) => {
    // torch adds 1e-12 to each squared magnitude
    const axis = x1.shape.length - 1;
    const sumOf = (p: Sym, q: Sym) => ops.reduce(t, 'ReduceSum', mul(t, p, q), [axis], false);
    const magnitude = (v: Sym) => add(t, sumOf(v, v), scalar(t, v, 1e-12));
    const cos = ops.binary(t, 'Div', sumOf(x1, x2), ops.unary(t, 'Sqrt', mul(t, magnitude(x1), magnitude(x2))));
    return add(t, selectWhere(t, y, 1, sub(t, scalar(t, cos, 1), cos)), selectWhere(t, y, -1, relu(t, sub(t, cos, scalar(t, cos, toNumber(a.margin))))));
  }],
  multilabel_soft_margin_loss: ["(input, target, weight=None, reduction='mean')", (t, [x, y, w]) => {
    // -(y·logσ(x) + (1-y)·logσ(-x)), weighted, averaged over the classes
    let loss = add(t, mul(t, y, softplus(t, ops.unary(t, 'Neg', x))), mul(t, sub(t, scalar(t, y, 1), y), softplus(t, x)));
    if (w) loss = mul(t, loss, w);
    const axis = x.shape.length - 1;
    return ops.binary(t, 'Div', ops.reduce(t, 'ReduceSum', loss, [axis], false), scalar(t, loss, x.shape[axis]));
  }],
  poisson_nll_loss: ["(input, target, log_input=True, full=False, eps=1e-08, reduction='mean')", (t, [x, y], a) => {
    let loss = toBool(a.log_input) ? sub(t, ops.unary(t, 'Exp', x), mul(t, y, x)) : sub(t, x, mul(t, y, ops.unary(t, 'Log', add(t, x, scalar(t, x, toNumber(a.eps))))));
    if (!toBool(a.full)) return loss;
    // Stirling's term y·log y - y + ½·log(2πy), only where y > 1
    const stirling = add(t, sub(t, mul(t, y, ops.unary(t, 'Log', y)), y), mul(t, scalar(t, y, 0.5), ops.unary(t, 'Log', mul(t, scalar(t, y, 2 * Math.PI), y))));
    loss = add(t, loss, ops.where(t, ops.binary(t, 'Greater', y, scalar(t, y, 1)), stirling, scalar(t, y, 0)));
    return loss;
  }],
  gaussian_nll_loss: ["(input, target, var, full=False, eps=1e-06, reduction='mean')", (t, [x, y, v], a) => {
    // a var missing the last axis gains it; var is clamped at eps; ½(log var + (x-y)²/var) [+ ½ log 2π]
    const lifted = v.shape.length === x.shape.length - 1 ? ops.unsqueeze(t, v, [-1]) : v;
    const variance = ops.binary(t, 'Max', lifted, scalar(t, lifted, toNumber(a.eps)));
    const d = sub(t, x, y);
    const loss = mul(t, scalar(t, d, 0.5), add(t, ops.unary(t, 'Log', variance), ops.binary(t, 'Div', mul(t, d, d), variance)));
    return toBool(a.full) ? add(t, loss, scalar(t, loss, 0.5 * Math.log(2 * Math.PI))) : loss;
  }],
  kl_div: ["(input, target, reduction='mean', log_target=False)", (t, [x, y], a) => {
    // y·(log y - x), 0 where y == 0; with log_target, exp(y)·(y - x)
    if (toBool(a.log_target)) return mul(t, ops.unary(t, 'Exp', y), sub(t, y, x));
    const ylogy = ops.where(t, ops.binary(t, 'Equal', y, scalar(t, y, 0)), scalar(t, y, 0), mul(t, y, ops.unary(t, 'Log', y)));
    return sub(t, ylogy, mul(t, y, x));
  }],
  triplet_margin_loss: ["(anchor, positive, negative, margin=1.0, p=2, eps=1e-06, swap=False, reduction='mean')", (t, [anchor, positive, negative], a) => {
    const distance = (p: Sym, q: Sym) => pairwiseDistance(t, p, q, toNumber(a.p), toNumber(a.eps), false);
    let far = distance(anchor, negative);
    if (toBool(a.swap)) far = ops.binary(t, 'Min', far, distance(positive, negative));
    return relu(t, add(t, sub(t, distance(anchor, positive), far), scalar(t, far, toNumber(a.margin))));
  }],
};

for (const [name, [params, lower]] of Object.entries(LOSSES)) {
  define([F(name)], params, (a, c) => {
    checkLegacy(a, name);
    const names = params.slice(1).split(',').map((p) => p.trim()).filter((p) => !p.includes('='));
    const inputs = floats(c, names.map((n) => a[n]));
    if (!isNone(a.weight ?? null)) inputs.push(ops.cast(c.t, tensorArg(a.weight), inputs[0].dtype));
    const loss = lower(c.t, inputs, a);
    // kl_div's batchmean divides the sum by the batch size
    if (toStr(a.reduction) === 'batchmean') return c.wrap(ops.binary(c.t, 'Div', reduceLoss(c.t, loss, 'sum'), scalar(c.t, loss, inputs[0].shape.length ? inputs[0].shape[0] : 1)));
    return c.wrap(reduceLoss(c.t, loss, a.reduction));
  });
}
