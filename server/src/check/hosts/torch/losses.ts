// torch.nn.functional losses (and the nn.*Loss layers over them): elementwise losses with reduction, and the
// class-index losses (nll, cross entropy) with class weights and ignore_index as torch defines their means.
import { pyError, type Value } from '../../interp';
import { isNone, toInt, toNumber, toStr, type BoundArgs } from '../../trace/args';
import * as ops from '../../trace/ops';
import { NotLowered, type Sym, type Tracer } from '../../trace/tracer';
import { tensorArg } from './functions';
import { define } from './registry';
import { resultType } from './tensor';

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
    if (!isNone(a.pos_weight)) throw new NotLowered('binary_cross_entropy_with_logits', 'pos_weight');
    // max(x, 0) - x * y + log(1 + exp(-|x|)), the stable form
    const softplus = ops.unary(t, 'Log', ops.binary(t, 'Add', scalar(t, x, 1), ops.unary(t, 'Exp', ops.unary(t, 'Neg', ops.unary(t, 'Abs', x)))));
    return ops.binary(t, 'Add', ops.binary(t, 'Sub', ops.unary(t, 'Relu', x), ops.binary(t, 'Mul', x, y)), softplus);
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
  let loss = ops.unary(t, 'Neg', ops.binary(t, 'Mul', picked, w));
  if (smoothing > 0) {
    if (weight) throw new NotLowered('cross_entropy', 'label_smoothing with class weights');
    const uniform = ops.binary(t, 'Div', ops.unary(t, 'Neg', ops.reduce(t, 'ReduceSum', lp, [1], false)), ops.scalar(t, lp.shape[1], lp.dtype));
    const smooth = ops.where(t, counted, uniform, ops.scalar(t, 0, lp.dtype));
    loss = ops.binary(t, 'Add', ops.binary(t, 'Mul', loss, ops.scalar(t, 1 - smoothing, lp.dtype)), ops.binary(t, 'Mul', smooth, ops.scalar(t, smoothing, lp.dtype)));
  }
  const mode = toStr(reduction);
  if (mode === 'mean') return ops.binary(t, 'Div', ops.reduce(t, 'ReduceSum', loss, undefined, false), ops.reduce(t, 'ReduceSum', w, undefined, false));
  const out = reduceLoss(t, loss, reduction);
  return unbatched && mode === 'none' ? ops.squeeze(t, out, [0]) : out;
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
    if (smoothing > 0 || !isNone(a.weight)) throw new NotLowered('cross_entropy', 'probability targets with label_smoothing or weight');
    const loss = ops.unary(c.t, 'Neg', ops.reduce(c.t, 'ReduceSum', ops.binary(c.t, 'Mul', logp, target), [x.shape.length === 1 ? 0 : 1], false));
    return c.wrap(reduceLoss(c.t, loss, a.reduction));
  }
  return c.wrap(nll(c.t, logp, target, isNone(a.weight) ? null : tensorArg(a.weight), toInt(a.ignore_index), a.reduction, smoothing));
});
