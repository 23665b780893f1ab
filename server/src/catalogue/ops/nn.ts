// Neural-network functions: activations, softmax, normalisation, dropout, padding, linear algebra, attention.
import { type Arg, isNum, numValue, pyRepr } from '../../pyvalue';
import { atom, caseOf as c, f32, isNone, ntupleText, op, reuse, sequenceItems } from '../define';
import type { Bound } from '../signature';
import type { ConformanceCase, Emitter, JaxEmit, OpEntry } from '../types';

const F = 'torch.nn.functional';
const int = (shape: string, name: string, range: string) => `${name}=int64[${shape}]:${range}`;

/** The argument's literal value, or unsupported when it decides the emitted code and is not a literal. */
function literal(e: Emitter, arg: Arg, what: string) {
  if (arg.lit === undefined) e.unsupported(`${what} must be a literal here`);
  return arg.lit;
}

/** Fails unless every named argument is the literal None (deprecated or stateful options). */
function requireNone(e: Emitter, a: Bound, names: string[], why: string) {
  for (const name of names) if (a[name] && !isNone(a[name])) e.unsupported(`${name}=: ${why}`);
}

// ---- activations ------------------------------------------------------------------------------------------------

/** An activation: F.NAME(input, ...) plus optional torch.NAME / Tensor.NAME spellings, the same emission for all. */
function activation(name: string, params: string, jax: JaxEmit, jaxSpelling: string, tests: ConformanceCase[],
  more: { torchParams?: string; tensor?: boolean; inplace?: boolean; notes?: string[] } = {}): OpEntry {
  const torch = [`${F}.${name}(input${params})`];
  if (more.torchParams !== undefined) torch.push(`torch.${name}(input${more.torchParams})`);
  if (more.tensor) torch.push(`Tensor.${name}(input${more.torchParams ?? ''})`);
  const notes = [...(more.notes ?? []), ...(params.includes('inplace') ? [INPLACE_NOTE] : [])];
  return op(name, torch, jaxSpelling, jax, tests, { inplace: more.inplace, notes: notes.length ? notes : undefined });
}

const INPLACE_NOTE = 'JAX arrays are immutable: inplace=True is ignored, and a bare `F.f(x, inplace=True)` statement becomes `x = ...`';

/** An activation that is one jax.nn call with the input alone. */
function simpleActivation(name: string, jaxFn: string, params = '', more: Parameters<typeof activation>[5] & { tests?: ConformanceCase[] } = {}): OpEntry {
  const tests = [c(`F.${name}(x)`, f32('3,5'))];
  if (params.includes('inplace')) tests.push(c(`F.${name}(x, inplace=True)`, f32('4')));
  if (more.torchParams !== undefined) tests.push(c(`torch.${name}(x)`, f32('2,3')));
  return activation(name, params, (a, e) => e.call(jaxFn, [a.input]), `${jaxFn}(x)`, [...tests, ...(more.tests ?? [])], more);
}

const activations: OpEntry[] = [
  simpleActivation('relu', 'jax.nn.relu', ', inplace=False', {
    torchParams: '', tensor: true, inplace: true,
    tests: [c('x.relu()', f32('3,4')), c('y = x * 2\ny.relu_()\ny', f32('3,4')), c('F.relu(x, inplace=True)\nx', f32('3,4'))],
  }),
  simpleActivation('relu6', 'jax.nn.relu6', ', inplace=False'),
  simpleActivation('selu', 'jax.nn.selu', ', inplace=False', { torchParams: '' }),
  simpleActivation('silu', 'jax.nn.silu', ', inplace=False'),
  simpleActivation('mish', 'jax.nn.mish', ', inplace=False'),
  simpleActivation('hardsigmoid', 'jax.nn.hard_sigmoid', ', inplace=False', { notes: ['both are relu6(x + 3) / 6 (Keras 2 used 0.2x + 0.5)'] }),
  simpleActivation('hardswish', 'jax.nn.hard_swish', ', inplace=False'),
  simpleActivation('softsign', 'jax.nn.soft_sign'),
  simpleActivation('logsigmoid', 'jax.nn.log_sigmoid'),
  // torch.sigmoid / torch.tanh and their methods are elementwise entries; these are the F. spellings
  op('functional_sigmoid', [`${F}.sigmoid(input)`], 'jax.nn.sigmoid(x)', (a, e) => e.call('jax.nn.sigmoid', [a.input]), [c('F.sigmoid(x)', f32('3,5'))]),
  op('functional_tanh', [`${F}.tanh(input)`], 'jnp.tanh(x)', (a, e) => e.call('jnp.tanh', [a.input]), [c('F.tanh(x)', f32('3,5'))]),
  activation('leaky_relu', ', negative_slope=0.01, inplace=False',
    (a, e) => e.call('jax.nn.leaky_relu', [a.input], { negative_slope: [a.negative_slope, '0.01'] }),
    'jax.nn.leaky_relu(x, negative_slope=0.01)',
    [c('F.leaky_relu(x)', f32('3,5')), c('F.leaky_relu(x, 0.2, True)', f32('3,5')), c('F.leaky_relu(x, 0.1, True)\nx', f32('3,5'))],
    { notes: ['the default slope is 0.01 in both (tf.nn uses 0.2, the Keras layer 0.3)'] }),
  activation('elu', ', alpha=1.0, inplace=False', (a, e) => e.call('jax.nn.elu', [a.input], { alpha: [a.alpha, '1.0'] }), 'jax.nn.elu(x, alpha=1.0)',
    [c('F.elu(x)', f32('3,5')), c('F.elu(x, alpha=0.5)', f32('3,5'))]),
  activation('celu', ', alpha=1.0, inplace=False', (a, e) => e.call('jax.nn.celu', [a.input], { alpha: [a.alpha, '1.0'] }), 'jax.nn.celu(x, alpha=1.0)',
    [c('F.celu(x)', f32('3,5')), c('torch.celu(x, 0.5)', f32('3,5'))], { torchParams: ', alpha=1.0' }),
  activation('gelu', ", approximate='none'",
    (a, e) => {
      const mode = a.approximate.lit;
      if (mode === 'none' || mode === 'tanh') return e.call('jax.nn.gelu', [a.input], { approximate: mode === 'tanh' ? 'True' : ['False', 'True'] });
      if (mode !== undefined) e.unsupported(`approximate=${pyRepr(mode)}`);
      return e.call('jax.nn.gelu', [a.input], { approximate: `${atom(a.approximate.text)} == 'tanh'` });
    },
    'jax.nn.gelu(x, approximate=False)',
    [c('F.gelu(x)', f32('3,5', 'x', '-4..4')), c("F.gelu(x, approximate='tanh')", f32('3,5', 'x', '-4..4'))]),
  activation('softplus', ', beta=1.0, threshold=20.0',
    (a, e) => reuse(e, a.input, (x) => {
      const beta = numValue(a.beta.lit) === 1 ? '' : atom(a.beta.text);
      const scaled = beta ? `${beta} * ${x}` : x;
      const soft = beta ? `jax.nn.softplus(${scaled}) / ${beta}` : `jax.nn.softplus(${x})`;
      return `jnp.where(${scaled} > ${atom(a.threshold.text)}, ${x}, ${soft})`;
    }),
    'jnp.where(beta * x > threshold, x, jax.nn.softplus(beta * x) / beta)',
    [c('F.softplus(x)', f32('3,5', 'x', '-30..30')), c('F.softplus(x, beta=2.0, threshold=5.0)', f32('3,5', 'x', '-6..6'))],
    { notes: ['torch switches to the identity where beta * x > threshold; the same where() is emitted'] }),
  activation('hardtanh', ', min_val=-1.0, max_val=1.0, inplace=False',
    (a, e) => e.call('jnp.clip', [a.input, a.min_val, a.max_val]), 'jnp.clip(x, min_val, max_val)',
    [c('F.hardtanh(x)', f32('3,5', 'x', '-3..3')), c('F.hardtanh(x, -0.5, 2.0)', f32('3,5', 'x', '-3..3'))]),
  activation('glu', ', dim=-1', (a, e) => e.call('jax.nn.glu', [a.input], { axis: [a.dim, '-1'] }), 'jax.nn.glu(x, axis=-1)',
    [c('F.glu(x)', f32('3,4')), c('F.glu(x, dim=0)', f32('4,3'))]),
  activation('tanhshrink', '', (a, e) => reuse(e, a.input, (x) => `${x} - jnp.tanh(${x})`), 'x - jnp.tanh(x)',
    [c('F.tanhshrink(x)', f32('3,5')), c('F.tanhshrink(x + 1)', f32('3,5'))]),
  activation('softshrink', ', lambd=0.5',
    (a, e) => reuse(e, a.input, (x) => {
      const l = atom(a.lambd.text);
      return `jnp.where(${x} > ${l}, ${x} - ${l}, jnp.where(${x} < -${l}, ${x} + ${l}, 0.0))`;
    }),
    'jnp.where(x > lambd, x - lambd, jnp.where(x < -lambd, x + lambd, 0))',
    [c('F.softshrink(x)', f32('3,5')), c('F.softshrink(x, 1.0)', f32('3,5'))]),
  activation('hardshrink', ', lambd=0.5',
    (a, e) => reuse(e, a.input, (x) => `jnp.where(jnp.abs(${x}) > ${atom(a.lambd.text)}, ${x}, 0.0)`),
    'jnp.where(jnp.abs(x) > lambd, x, 0)',
    [c('F.hardshrink(x)', f32('3,5')), c('torch.hardshrink(x, 1.0)', f32('3,5')), c('x.hardshrink(lambd=0.2)', f32('3,5'))],
    { torchParams: ', lambd=0.5', tensor: true }),
  activation('threshold', ', threshold, value, inplace=False',
    (a, e) => reuse(e, a.input, (x) => `jnp.where(${x} > ${atom(a.threshold.text)}, ${x}, ${a.value.text})`),
    'jnp.where(x > threshold, x, value)',
    [c('F.threshold(x, 0.1, 20.0)', f32('3,5')), c('torch.threshold(x, -0.5, 0.0)', f32('3,5'))], { torchParams: ', threshold, value' }),
  activation('prelu', ', weight', (a, e) => e.call(e.helper('nnf_prelu'), [a.input, a.weight]), 'jnp.where(x >= 0, x, weight * x) (weight along dim 1)',
    [c('F.prelu(x, w)', f32('2,3,4'), f32('3', 'w')), c('torch.prelu(x, w)', f32('2,3'), f32('1', 'w')), c('x.prelu(w)', f32('2,3,4,2'), f32('3', 'w'))],
    { torchParams: ', weight', tensor: true, notes: ['a weight with several entries is one slope per channel, along dim 1'] }),
  activation('rrelu', ', lower=0.125, upper=0.3333333333333333, training=False, inplace=False',
    (a, e) => {
      if (literal(e, a.training, 'training') !== false) e.unsupported('training=True draws random slopes: no deterministic equivalent');
      const slope = isNum(a.lower.lit) && isNum(a.upper.lit) ? pyRepr({ float: (numValue(a.lower.lit)! + numValue(a.upper.lit)!) / 2 }) : `(${a.lower.text} + ${a.upper.text}) / 2`;
      return e.call('jax.nn.leaky_relu', [a.input], { negative_slope: slope });
    },
    'jax.nn.leaky_relu(x, negative_slope=(lower + upper) / 2)',
    [c('F.rrelu(x)', f32('3,5')), c('torch.rrelu(x, 0.1, 0.3)', f32('3,5')), c('F.rrelu(x, lower=0.2, upper=0.4, training=False)', f32('3,5'))],
    { torchParams: ', lower=0.125, upper=0.3333333333333333, training=False, generator=None', notes: ['only the evaluation form (training=False): a fixed slope (lower + upper) / 2'] }),
];

// ---- softmax ----------------------------------------------------------------------------------------------------

/** softmax / log_softmax / softmin; dim=None is torch's legacy implicit dim: 0 for 0-, 1- and 3-D inputs, else 1. */
function softmaxLike(name: string, jaxFn: string, negate: boolean, torchFn: boolean): OpEntry {
  const torch = [`${F}.${name}(input, dim=None, _stacklevel=3, dtype=None)`];
  if (torchFn) torch.push(`torch.${name}(input, dim, dtype=None)`, `torch.special.${name}(input, dim, *, dtype=None)`, `Tensor.${name}(input, dim, dtype=None)`);
  const tests = [
    c(`F.${name}(x, dim=1)`, f32('2,5')),
    c(`F.${name}(x)`, f32('2,3,4')),
    c(`F.${name}(x)`, f32('2,3,4,2')),
    c(`F.${name}(x, -1, dtype=torch.float64)`, f32('3,4')),
  ];
  if (torchFn) {
    tests.push(c(`torch.${name}(x, 0)`, f32('3,4')), c(`x.${name}(-1)`, f32('3,4')), c(`x.${name}(dim=1)`, f32('2,3,4')));
    tests.push(c(`torch.special.${name}(x, 1, dtype=torch.float32)`, f32('2,3,4')));
  }
  return op(name, torch, `${jaxFn}(${negate ? '-x' : 'x'}, axis=dim)`, (a, e) => {
    let input = a.dtype && !isNone(a.dtype) ? `${atom(a.input.text)}.astype(${a.dtype.text})` : a.input.text;
    if (negate) input = `-${atom(input)}`;
    if (isNone(a.dim)) return reuse(e, input, (x) => `${jaxFn}(${x}, axis=0 if ${x}.ndim in (0, 1, 3) else 1)`);
    return e.call(jaxFn, [input], { axis: a.dim });
  }, tests, {
    notes: ["torch's dim=None (deprecated) means dim 0 for 0-, 1- and 3-D inputs and dim 1 otherwise, never the last axis; it is resolved from x.ndim"],
  });
}

const softmaxes: OpEntry[] = [
  softmaxLike('softmax', 'jax.nn.softmax', false, true),
  softmaxLike('log_softmax', 'jax.nn.log_softmax', false, true),
  softmaxLike('softmin', 'jax.nn.softmax', true, false),
];

// ---- dropout ----------------------------------------------------------------------------------------------------

/** Dropout is the identity when not training or when p == 0; random masks cannot be reproduced from torch. */
function dropout(name: string, trainingDefault: 'True' | 'False', torchFn: boolean): OpEntry {
  const torch = [`${F}.${name}(input, p=0.5, training=${trainingDefault}, inplace=False)`];
  if (torchFn) torch.push(`torch.${name}(input, p, train)`);
  const shape = name === 'dropout1d' ? '2,3,4' : name === 'dropout2d' || name.startsWith('feature') ? '2,3,4,4' : name === 'dropout3d' ? '2,3,2,2,2' : '3,4';
  const tests = [c(`F.${name}(x, 0.3, training=False)`, f32(shape)), c(`F.${name}(x, p=0.0)`, f32(shape))];
  if (trainingDefault === 'False') tests.push(c(`F.${name}(x)`, f32(shape)));
  if (torchFn) tests.push(c(`torch.${name}(x, 0.5, False)`, f32(shape)));
  if (name === 'dropout') tests.push(c('F.dropout(x, 0.5, training=x.shape[0] > 5)', f32(shape)), c('torch.dropout(x, x.shape[0] * 0.0, True)', f32(shape)));
  return op(name, torch, 'x (identity when not training)', (a, e) => {
    const training = a.training ?? a.train;
    if (training.lit === false || numValue(a.p.lit) === 0) return a.input.text;
    if (training.lit === true && a.p.lit !== undefined) e.unsupported('dropout in training mode is random: use an nnx.Dropout layer with an rng, or pass training=False');
    return e.call(e.helper('nnf_dropout'), [a.input, a.p, training]);
  }, tests, {
    notes: [
      `F.${name} defaults to training=${trainingDefault}; only the deterministic forms (training=False, or p=0) convert`,
      'when p or training is known only at run time, the result is the input and a run that would drop raises NotImplementedError',
    ],
  });
}

const dropouts: OpEntry[] = [
  dropout('dropout', 'True', true),
  dropout('dropout1d', 'True', false),
  dropout('dropout2d', 'True', false),
  dropout('dropout3d', 'True', false),
  dropout('alpha_dropout', 'False', true),
  dropout('feature_alpha_dropout', 'False', true),
];

// ---- padding, normalisation, embedding, distances ---------------------------------------------------------------

const PAD_MODES: Record<string, string> = { constant: 'constant', reflect: 'reflect', replicate: 'edge', circular: 'wrap' };

/** torch pads from the last dim backwards in (left, right) pairs; jnp.pad wants one pair per axis from the first. */
function padEmit(a: Bound, e: Emitter): string {
  const pad = sequenceItems(a.pad) ?? e.unsupported('pad must be a tuple or list written in the call (its length decides the padded axes)');
  if (pad.length % 2) e.unsupported('pad must hold (left, right) pairs');
  if (Array.isArray(a.pad.lit) && a.pad.lit.some((p) => typeof p === 'number' && p < 0)) e.unsupported('negative padding (cropping) has no jnp.pad equivalent');
  const mode = PAD_MODES[literal(e, a.mode, 'mode') as string] ?? e.unsupported(`mode=${a.mode.text}`);
  const pairs: string[] = [];
  for (let i = pad.length - 2; i >= 0; i -= 2) pairs.push(`(${pad[i]}, ${pad[i + 1]})`);
  const tail = pairs.length === 1 ? `(${pairs[0]},)` : `(${pairs.join(', ')})`;
  const keywords: Record<string, [Arg | string, string]> = { mode: [`'${mode}'`, "'constant'"] };
  if (mode === 'constant' && !isNone(a.value)) keywords.constant_values = [a.value, '0'];
  return reuse(e, a.input, (x) => e.call('jnp.pad', [x, `((0, 0),) * (${x}.ndim - ${pairs.length}) + ${tail}`], keywords));
}

const norms: OpEntry[] = [
  op('pad', [`${F}.pad(input, pad, mode='constant', value=None)`], 'jnp.pad(x, pairs per axis from the first, mode)', padEmit, [
    c('F.pad(x, (1, 2))', f32('1,2,3')),
    c('F.pad(x, (1, 1, 2, 0), value=0.5)', f32('2,3,4,4')),
    c("F.pad(x, (2, 1, 1, 2), mode='reflect')", f32('2,3,4,4')),
    c("F.pad(x, (2, 1), 'replicate')", f32('2,3,4')),
    c("F.pad(x, (1, 2, 2, 1), mode='circular')", f32('1,2,4,5')),
    c('F.pad(x, [x.shape[0] - 1, 0])', f32('3,4')),
  ], { notes: ['torch lists pads from the LAST dim backwards ((left, right) of the last dim first); jnp.pad takes one pair per axis from the first', 'replicate → edge, circular → wrap'] }),
  op('normalize', [`${F}.normalize(input, p=2.0, dim=1, eps=1e-12, out=None)`], 'x / jnp.maximum(jnp.linalg.norm(x, ord=p, axis=dim, keepdims=True), eps)',
    (a, e) => {
      requireNone(e, a, ['out'], 'out= has no JAX equivalent');
      return reuse(e, a.input, (x) => `${x} / jnp.maximum(${e.call('jnp.linalg.norm', [x], { ord: [a.p, '2'], axis: a.dim, keepdims: 'True' })}, ${a.eps.text})`);
    },
    [c('F.normalize(x)', f32('2,3,4')), c('F.normalize(x, p=1.0, dim=-1)', f32('3,4')), c('F.normalize(x, dim=0, eps=0.5)', f32('3,4', 'x', '-0.1..0.1'))],
    { notes: ['torch normalises over dim 1 by default (not the last axis) and divides by max(norm, eps)'] }),
  op('linear', [`${F}.linear(input, weight, bias=None)`], 'x @ weight.T + bias',
    (a) => `${atom(a.input.text)} @ ${atom(a.weight.text)}.T${isNone(a.bias) ? '' : ` + ${atom(a.bias.text)}`}`,
    [c('F.linear(x, w)', f32('2,4'), f32('3,4', 'w')), c('F.linear(x, w, b)', f32('2,5,4'), f32('4,4', 'w'), f32('4', 'b'))],
    { notes: ['weight is (out_features, in_features) as in torch: the product is x @ weight.T'] }),
  op('bilinear', [`${F}.bilinear(input1, input2, weight, bias=None)`, 'torch.bilinear(input1, input2, weight, bias=None)'], "jnp.einsum('...i,oij,...j->...o', x1, weight, x2) + bias",
    (a, e) => {
      const product = e.call('jnp.einsum', ["'...i,oij,...j->...o'", a.input1, a.weight, a.input2]);
      return isNone(a.bias) ? product : `${product} + ${atom(a.bias.text)}`;
    },
    [c('F.bilinear(x, y, w)', f32('2,3'), f32('2,4', 'y'), f32('5,3,4', 'w')), c('torch.bilinear(x, y, w, b)', f32('2,3'), f32('2,4', 'y'), f32('5,3,4', 'w'), f32('5', 'b'))]),
  op('layer_norm', [`${F}.layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05)`, 'torch.layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True)'],
    'nnf_layer_norm(x, normalized_shape, weight, bias, eps)',
    (a, e) => e.call(e.helper('nnf_layer_norm'), [a.input, a.normalized_shape], { weight: [a.weight, 'None'], bias: [a.bias, 'None'], eps: [a.eps, '1e-05'] }),
    [
      c('F.layer_norm(x, (4,))', f32('2,3,4')),
      c('F.layer_norm(x, [3, 4], w, b, eps=1e-3)', f32('2,3,4'), f32('3,4', 'w'), f32('3,4', 'b')),
      c('torch.layer_norm(x, x.shape[-1:])', f32('3,4', 'x', '100..102')),
    ],
    { notes: ['the default eps is 1e-5 (Flax LayerNorm uses 1e-6); the variance is computed in two passes, not as E[x²] - E[x]²'] }),
  op('rms_norm', [`${F}.rms_norm(input, normalized_shape, weight=None, eps=None)`, 'torch.rms_norm(input, normalized_shape, weight=None, eps=None)'],
    'x * lax.rsqrt(mean(x², trailing axes) + eps) * weight',
    (a, e) => e.call(e.helper('nnf_rms_norm'), [a.input, a.normalized_shape], { weight: [a.weight, 'None'], eps: [a.eps, 'None'] }),
    [c('F.rms_norm(x, (4,))', f32('2,3,4', 'x', '-0.001..0.001')), c('torch.rms_norm(x, [3, 4], w, 1e-6)', f32('2,3,4'), f32('3,4', 'w'))],
    { notes: ['eps=None means the machine epsilon of the input dtype (1.19e-7 for float32), not Flax\'s 1e-6'] }),
  op('local_response_norm', [`${F}.local_response_norm(input, size, alpha=0.0001, beta=0.75, k=1.0)`], 'x / (k + alpha * mean of x² over size channels) ** beta',
    (a, e) => e.call(e.helper('nnf_local_response_norm'), [a.input, a.size], { alpha: [a.alpha, '0.0001'], beta: [a.beta, '0.75'], k: [a.k, '1.0'] }),
    [c('F.local_response_norm(x, 2)', f32('2,5,4,3')), c('F.local_response_norm(x, 3, alpha=0.01, beta=0.5, k=2.0)', f32('2,6,5'))],
    { notes: ['the window over channels is padded like torch: size // 2 before, (size - 1) // 2 after'] }),
  op('group_norm', [`${F}.group_norm(input, num_groups, weight=None, bias=None, eps=1e-05)`, 'torch.group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True)'],
    'nnf_group_norm(x, num_groups, weight, bias, eps)',
    (a, e) => e.call(e.helper('nnf_group_norm'), [a.input, a.num_groups], { weight: [a.weight, 'None'], bias: [a.bias, 'None'], eps: [a.eps, '1e-05'] }),
    [c('F.group_norm(x, 2)', f32('2,4,3,3')), c('torch.group_norm(x, 3, w, b, 1e-3)', f32('2,6,5'), f32('6', 'w'), f32('6', 'b'))],
    { notes: ['channels are on dim 1 (Flax GroupNorm expects them last)'] }),
  op('batch_norm', [
    `${F}.batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-05)`,
    'torch.batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled)',
  ], 'nnf_batch_norm(x, running_mean, running_var, weight, bias, training, eps)',
  (a, e) => {
    const training = literal(e, a.training, 'training');
    if (training !== false && !(isNone(a.running_mean) && isNone(a.running_var))) {
      e.unsupported('training=True updates running_mean/running_var in place: use nnx.BatchNorm');
    }
    return e.call(e.helper('nnf_batch_norm'), [a.input, a.running_mean, a.running_var], { weight: [a.weight, 'None'], bias: [a.bias, 'None'], training: [a.training, 'False'], eps: [a.eps, '1e-05'] });
  },
  [
    c('F.batch_norm(x, m, v)', f32('4,3,5'), f32('3', 'm'), f32('3', 'v', '0.5..2')),
    c('F.batch_norm(x, m, v, w, b, eps=1e-3)', f32('2,3,4,4'), f32('3', 'm'), f32('3', 'v', '0.5..2'), f32('3', 'w'), f32('3', 'b')),
    c('F.batch_norm(x, None, None, training=True)', f32('4,3,5')),
    c('torch.batch_norm(x, w, b, m, v, False, 0.1, 1e-5, False)', f32('4,3'), f32('3', 'w'), f32('3', 'b'), f32('3', 'm'), f32('3', 'v', '0.5..2')),
  ], { notes: ['converted in evaluation form (running statistics) or, without running statistics, with biased batch statistics; a training step that updates running statistics is not converted'] }),
  op('instance_norm', [
    `${F}.instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True, momentum=0.1, eps=1e-05)`,
    'torch.instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps, cudnn_enabled)',
  ], 'nnf_instance_norm(x, weight, bias, eps)',
  (a, e) => {
    const keywords = { weight: [a.weight, 'None'] as [Arg, string], bias: [a.bias, 'None'] as [Arg, string], eps: [a.eps, '1e-05'] as [Arg, string] };
    if (literal(e, a.use_input_stats, 'use_input_stats') === false) return e.call(e.helper('nnf_batch_norm'), [a.input, a.running_mean, a.running_var], keywords);
    requireNone(e, a, ['running_mean', 'running_var'], 'with use_input_stats=True torch updates the running statistics in place');
    return e.call(e.helper('nnf_instance_norm'), [a.input], keywords);
  },
  [
    c('F.instance_norm(x)', f32('2,3,5,4')),
    c('F.instance_norm(x, weight=w, bias=b, eps=1e-3)', f32('2,3,6'), f32('3', 'w'), f32('3', 'b')),
    c('F.instance_norm(x, m, v, use_input_stats=False)', f32('2,3,6'), f32('3', 'm'), f32('3', 'v', '0.5..2')),
    c('torch.instance_norm(x, w, b, None, None, True, 0.1, 1e-5, False)', f32('2,3,6'), f32('3', 'w'), f32('3', 'b')),
  ]),
  op('embedding', [
    `${F}.embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False)`,
    'torch.embedding(weight, input, padding_idx=-1, scale_grad_by_freq=False, sparse=False)',
  ], 'jnp.take(weight, input, axis=0)',
  (a, e) => {
    requireNone(e, a, ['max_norm'], 'max_norm renormalises the weight rows in place');
    return e.call('jnp.take', [a.weight, a.input], { axis: '0' });
  },
  [c('F.embedding(i, w)', int('2,3', 'i', '0..5'), f32('5,4', 'w')), c('F.embedding(i, w, padding_idx=0)', int('4', 'i', '0..5'), f32('5,3', 'w')), c('torch.embedding(w, i)', f32('6,2', 'w'), int('3', 'i', '0..6'))],
  { notes: ['padding_idx only stops the gradient of that row in torch; out-of-range indices raise in torch but give NaN rows from jnp.take'] }),
  op('one_hot', [`${F}.one_hot(tensor, num_classes=-1)`], 'jax.nn.one_hot(x, num_classes, dtype=jnp.int32)',
    (a, e) => {
      if (numValue(a.num_classes.lit) === -1) e.unsupported('num_classes=-1 infers the class count from the data: pass it explicitly');
      return e.call('jax.nn.one_hot', [a.tensor, a.num_classes], { dtype: 'jnp.int32' });
    },
    [c('F.one_hot(i, 5)', int('2,3', 'i', '0..5')), c('F.one_hot(i, num_classes=3)', int('4', 'i', '0..3'))],
    { notes: ['torch returns int64 (int32 in JAX without x64); out-of-range values raise in torch and give all-zero rows in JAX', 'num_classes=-1 (inferred from the data) is not converted'] }),
  op('cosine_similarity', [`${F}.cosine_similarity(x1, x2, dim=1, eps=1e-08)`, 'torch.cosine_similarity(x1, x2, dim=1, eps=1e-08)'], 'sum(x1 / max(|x1|, eps) * x2 / max(|x2|, eps), dim)',
    (a, e) => e.call(e.helper('nnf_cosine_similarity'), [a.x1, a.x2], { dim: [a.dim, '1'], eps: [a.eps, '1e-08'] }),
    [c('F.cosine_similarity(x, y)', f32('3,4,2'), f32('3,4,2', 'y')), c('torch.cosine_similarity(x, y, dim=-1, eps=0.5)', f32('3,4', 'x', '-0.1..0.1'), f32('4', 'y'))],
    { notes: ['each norm is clamped at eps separately, as torch does'] }),
  op('pairwise_distance', [`${F}.pairwise_distance(x1, x2, p=2.0, eps=1e-06, keepdim=False)`, 'torch.pairwise_distance(x1, x2, p=2.0, eps=1e-06, keepdim=False)'],
    'jnp.linalg.norm(x1 - x2 + eps, ord=p, axis=-1, keepdims=keepdim)',
    (a, e) => e.call('jnp.linalg.norm', [`${atom(a.x1.text)} - ${atom(a.x2.text)} + ${atom(a.eps.text)}`], { ord: [a.p, '2'], axis: '-1', keepdims: [a.keepdim, 'False'] }),
    [c('F.pairwise_distance(x, y)', f32('3,4'), f32('3,4', 'y')), c('torch.pairwise_distance(x, y, p=1.0, keepdim=True)', f32('2,3,4'), f32('4', 'y'))]),
  op('cdist', ["torch.cdist(x1, x2, p=2.0, compute_mode='use_mm_for_euclid_dist_if_necessary')"], 'jnp.linalg.norm(x1[..., :, None, :] - x2[..., None, :, :], ord=p, axis=-1)',
    (a, e) => e.call('jnp.linalg.norm', [`${atom(a.x1.text)}[..., :, None, :] - ${atom(a.x2.text)}[..., None, :, :]`], { ord: [a.p, '2'], axis: '-1' }),
    [c('torch.cdist(x, y)', f32('2,5,3'), f32('2,4,3', 'y')), c('torch.cdist(x, y, p=1.0)', f32('30,3'), f32('28,3', 'y')), c('torch.cdist(x, y)', f32('30,3'), f32('28,3', 'y'))],
    { notes: ['computed directly; torch uses a matrix-product formula for p=2 with more than 25 rows, which differs by rounding'] }),
  op('scaled_dot_product_attention', [`${F}.scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False)`],
    'softmax(q @ k.T * scale + mask) @ v',
    (a, e) => {
      if (a.dropout_p.lit !== undefined && numValue(a.dropout_p.lit) !== 0) e.unsupported('dropout_p > 0 is random: no deterministic equivalent');
      return e.call(e.helper('nnf_scaled_dot_product_attention'), [a.query, a.key, a.value], {
        attn_mask: [a.attn_mask, 'None'], dropout_p: [a.dropout_p, '0.0'], is_causal: [a.is_causal, 'False'], scale: [a.scale, 'None'], enable_gqa: [a.enable_gqa, 'False'],
      });
    },
    [
      c('F.scaled_dot_product_attention(q, k, v)', f32('2,3,4,8', 'q'), f32('2,3,6,8', 'k'), f32('2,3,6,8', 'v')),
      c('F.scaled_dot_product_attention(q, k, v, attn_mask=m > 0)', f32('2,3,4,8', 'q'), f32('2,3,6,8', 'k'), f32('2,3,6,8', 'v'), f32('4,6', 'm')),
      c('F.scaled_dot_product_attention(q, k, v, m, scale=0.5)', f32('2,4,8', 'q'), f32('2,6,8', 'k'), f32('2,6,8', 'v'), f32('4,6', 'm')),
      c('F.scaled_dot_product_attention(q, k, v, is_causal=True)', f32('1,2,5,4', 'q'), f32('1,2,5,4', 'k'), f32('1,2,5,4', 'v')),
      c('F.scaled_dot_product_attention(q, k, v, enable_gqa=True)', f32('1,4,3,4', 'q'), f32('1,2,3,4', 'k'), f32('1,2,3,4', 'v')),
      c('F.scaled_dot_product_attention(q, k, v, attn_mask=m > 100)', f32('1,3,4', 'q'), f32('1,5,4', 'k'), f32('1,5,4', 'v'), f32('3,5', 'm')),
      c('F.scaled_dot_product_attention(q, k, v, dropout_p=0.1 if q.shape[0] > 5 else 0.0)', f32('1,3,4', 'q'), f32('1,5,4', 'k'), f32('1,5,4', 'v')),
    ],
    { notes: ['dropout_p must be 0: a dropout_p known only at run time is checked then (NotImplementedError when it would drop)', 'layout (..., L, E) with heads before the sequence (jax.nn.dot_product_attention puts them after)', 'a bool mask keeps the True positions (the opposite of nn.MultiheadAttention); a fully masked row gives 0 as in torch'] }),
];

// ---- pooling, resizing, convolution -----------------------------------------------------------------------------

/** A stride argument that means "the kernel size": None, or torch.max_pool's empty default. */
const defaultStride = (arg: Arg): Arg => (Array.isArray(arg.lit) && arg.lit.length === 0 ? { text: 'None', lit: null } : arg);

function noIndices(e: Emitter, a: Bound) {
  if (a.return_indices && literal(e, a.return_indices, 'return_indices') !== false) e.unsupported('return_indices=True is not converted');
}

function maxPool(nd: number): OpEntry {
  const dims = nd === 1 ? '2,3,9' : nd === 2 ? '2,3,7,6' : '1,2,5,4,6';
  return op(`max_pool${nd}d`, [
    `${F}.max_pool${nd}d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False)`,
    `torch.max_pool${nd}d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False)`,
  ], `pool_nd(x, ${nd}, 'max', kernel_size, stride, padding, dilation, ceil_mode)`,
  (a, e) => {
    noIndices(e, a);
    return e.call(e.helper('pool_nd'), [a.input, String(nd), "'max'", a.kernel_size],
      { stride: [defaultStride(a.stride), 'None'], padding: [a.padding, '0'], dilation: [a.dilation, '1'], ceil_mode: [a.ceil_mode, 'False'] });
  },
  [
    c(`F.max_pool${nd}d(x, 2)`, f32(dims)),
    c(`F.max_pool${nd}d(x, 3, stride=2, padding=1, ceil_mode=True)`, f32(dims, 'x', '-5..-1')),
    c(`torch.max_pool${nd}d(x, 2, 1, 1, 2)`, f32(dims)),
  ], { notes: ['the stride defaults to kernel_size (Flax pools default to 1); padding acts as -inf; ceil_mode drops windows that start in the padding'] });
}

function avgPool(nd: number): OpEntry {
  const dims = nd === 1 ? '2,3,9' : nd === 2 ? '2,3,7,6' : '1,2,5,4,6';
  const divisor = nd === 1 ? '' : ', divisor_override=None';
  const torch = [`${F}.avg_pool${nd}d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True${divisor})`];
  if (nd === 1) torch.push('torch.avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True)');
  const tests = [
    c(`F.avg_pool${nd}d(x, 2)`, f32(dims)),
    c(`F.avg_pool${nd}d(x, 3, 2, 1, ceil_mode=True)`, f32(dims)),
    c(`F.avg_pool${nd}d(x, 2, stride=1, padding=1, count_include_pad=False)`, f32(dims)),
  ];
  if (nd === 1) tests.push(c('torch.avg_pool1d(x, 2, 1, 1)', f32('1,1,3')));
  else tests.push(c(`F.avg_pool${nd}d(x, 2, divisor_override=3)`, f32(dims)));
  return op(`avg_pool${nd}d`, torch, `pool_nd(x, ${nd}, 'avg', kernel_size, stride, padding, 1, ceil_mode, count_include_pad)`,
    (a, e) => e.call(e.helper('pool_nd'), [a.input, String(nd), "'avg'", a.kernel_size], {
      stride: [a.stride, 'None'], padding: [a.padding, '0'], ceil_mode: [a.ceil_mode, 'False'], count_include_pad: [a.count_include_pad, 'True'],
      ...(a.divisor_override ? { divisor_override: [a.divisor_override, 'None'] as [Arg, string] } : {}),
    }),
    tests, { notes: ['count_include_pad=True (the default) counts the explicit padding but never the extra ceil_mode padding'] });
}

function adaptivePool(kind: 'avg' | 'max', nd: number): OpEntry {
  const name = `adaptive_${kind}_pool${nd}d`;
  const torch = [`${F}.${name}(input, output_size${kind === 'max' ? ', return_indices=False' : ''})`];
  if (kind === 'avg' && nd === 1) torch.push('torch.adaptive_avg_pool1d(input, output_size)');
  const dims = nd === 1 ? '2,3,5' : nd === 2 ? '2,3,5,7' : '1,2,5,4,3';
  const tests = [c(`F.${name}(x, 3)`, f32(dims)), c(`F.${name}(x, ${nd === 1 ? '1' : nd === 2 ? '(2, None)' : '(2, 3, 1)'})`, f32(dims))];
  if (torch.length > 1) tests.push(c('torch.adaptive_avg_pool1d(x, 4)', f32(dims)));
  return op(name, torch, `adaptive_pool_nd(x, ${nd}, '${kind}', output_size)`,
    (a, e) => {
      noIndices(e, a);
      return e.call(e.helper('adaptive_pool_nd'), [a.input, String(nd), `'${kind}'`, a.output_size]);
    },
    tests, { notes: ["PyTorch's bins [floor(i*n/o), ceil((i+1)*n/o)) may overlap when n is not a multiple of o"] });
}

const INTERPOLATE_MODES = ['nearest', 'nearest-exact', 'linear', 'bilinear', 'trilinear', 'area'];

function interpolateEmit(a: Bound, e: Emitter, mode: Arg, alignCorners: Arg): string {
  if (mode.lit !== undefined && !INTERPOLATE_MODES.includes(mode.lit as string)) e.unsupported(`mode=${mode.text} is not converted`);
  if (a.antialias && literal(e, a.antialias, 'antialias') !== false) e.unsupported('antialias=True is not converted');
  return e.call(e.helper('nnf_interpolate'), [a.input], {
    size: [a.size, 'None'], scale_factor: [a.scale_factor, 'None'], mode: [mode, "'nearest'"], align_corners: [alignCorners, 'None'],
    recompute_scale_factor: [a.recompute_scale_factor ?? 'None', 'None'],
  });
}

const resizeNotes = [
  "torch's 'nearest' takes floor(i * in / out) (jax.image.resize uses half-pixel centres, like torch's 'nearest-exact')",
  'linear modes follow align_corners and never antialias (jax.image.resize antialiases when downsampling)',
];

const resizes: OpEntry[] = [
  op('interpolate', [`${F}.interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None, antialias=False)`],
    'nnf_interpolate(x, size, scale_factor, mode, align_corners)', (a, e) => interpolateEmit(a, e, a.mode, a.align_corners), [
      c('F.interpolate(x, size=2)', f32('1,2,4')),
      c('F.interpolate(x, scale_factor=2)', f32('2,3,4,5')),
      c('F.interpolate(x, size=(3, 7))', f32('2,3,5,4')),
      c("F.interpolate(x, scale_factor=1.7, mode='bilinear')", f32('2,3,5,4')),
      c("F.interpolate(x, size=(3, 8), mode='bilinear', align_corners=True)", f32('2,3,5,4')),
      c("F.interpolate(x, size=7, mode='linear')", f32('2,3,5')),
      c("F.interpolate(x, size=(3, 2), mode='nearest-exact')", f32('2,3,5,4')),
      c("F.interpolate(x, scale_factor=0.5, mode='bilinear', recompute_scale_factor=True)", f32('2,3,8,6')),
      c("F.interpolate(x, size=(3, 4), mode='area')", f32('2,3,5,7')),
    ], { notes: resizeNotes }),
  op('upsample', [`${F}.upsample(input, size=None, scale_factor=None, mode='nearest', align_corners=None)`],
    'nnf_interpolate(x, size, scale_factor, mode, align_corners)', (a, e) => interpolateEmit(a, e, a.mode, a.align_corners),
    [c('F.upsample(x, scale_factor=3)', f32('2,3,4')), c("F.upsample(x, size=(5, 6), mode='bilinear')", f32('1,2,3,4'))], { notes: resizeNotes }),
  op('upsample_nearest', [`${F}.upsample_nearest(input, size=None, scale_factor=None)`], 'nnf_interpolate(x, size, scale_factor)',
    (a, e) => interpolateEmit(a, e, { text: "'nearest'", lit: 'nearest' }, { text: 'None', lit: null }),
    [c('F.upsample_nearest(x, scale_factor=2)', f32('2,3,4,5'))], { notes: resizeNotes }),
  op('upsample_bilinear', [`${F}.upsample_bilinear(input, size=None, scale_factor=None)`], "nnf_interpolate(x, size, scale_factor, 'bilinear', align_corners=True)",
    (a, e) => interpolateEmit(a, e, { text: "'bilinear'", lit: 'bilinear' }, { text: 'True', lit: true }),
    [c('F.upsample_bilinear(x, size=(5, 7))', f32('2,3,4,5'))], { notes: ['upsample_bilinear uses align_corners=True', ...resizeNotes] }),
];

/** lax padding for a torch conv padding: symmetric pairs, or 'SAME'/'VALID' (torch's 'same' is stride 1 only, where they agree). */
function convPadding(e: Emitter, arg: Arg, nd: number): string {
  if (arg.lit === 'same' || arg.lit === 'valid') return `'${(arg.lit as string).toUpperCase()}'`;
  if (typeof arg.lit === 'number') return pyRepr(Array(nd).fill([arg.lit, arg.lit]));
  if (Array.isArray(arg.lit) && arg.lit.every((p) => typeof p === 'number')) return pyRepr(arg.lit.map((p) => [p, p]));
  return e.call(e.helper('nnf_conv_padding'), [arg, String(nd)]);
}

const SPATIAL = ['H', 'HW', 'DHW'];

/** `bias[:, None, None]` style broadcasting of a per-channel bias over nd spatial axes. */
const channelBias = (bias: Arg, nd: number) => `${atom(bias.text)}[:, ${Array(nd).fill('None').join(', ')}]`;

function conv(nd: number): OpEntry {
  const params = 'input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1';
  const s = SPATIAL[nd - 1];
  const dims = `('NC${s}', 'OI${s}', 'NC${s}')`;
  const ones = pyRepr(Array(nd).fill(1));
  const shape = (size: number) => Array(nd).fill(size).join(',');
  return op(`conv${nd}d`, [`${F}.conv${nd}d(${params})`, `torch.conv${nd}d(${params})`],
    `lax.conv_general_dilated(x, weight, stride, padding, rhs_dilation=dilation, dimension_numbers=${dims}, feature_group_count=groups)`,
    (a, e) => {
      const y = e.call('lax.conv_general_dilated', [a.input, a.weight, ntupleText(e, a.stride, nd), convPadding(e, a.padding, nd)], {
        rhs_dilation: [ntupleText(e, a.dilation, nd), ones], dimension_numbers: dims, feature_group_count: [a.groups, '1'], precision: 'lax.Precision.HIGHEST',
      });
      return isNone(a.bias) ? y : `${y} + ${channelBias(a.bias, nd)}`;
    },
    [
      c(`F.conv${nd}d(x, w)`, f32(`2,3,${shape(6)}`), f32(`4,3,${shape(3)}`, 'w')),
      c(`F.conv${nd}d(x, w, b, stride=2, padding=1)`, f32(`2,3,${shape(7)}`), f32(`4,3,${shape(3)}`, 'w'), f32('4', 'b')),
      c(`torch.conv${nd}d(x, w, None, 1, 'same')`, f32(`1,2,${shape(7)}`), f32(`3,2,${shape(4)}`, 'w')),
      c(`F.conv${nd}d(x, w, padding='valid', dilation=2, groups=2)`, f32(`2,4,${shape(6)}`), f32(`6,2,${shape(2)}`, 'w')),
    ],
    { notes: ["weights stay in torch's (out, in/groups, *kernel) layout with channels-first data", "padding='same' splits the total padding with the extra on the right, as lax 'SAME' does at stride 1", 'runs at float32 precision (lax.Precision.HIGHEST)'] });
}

function convTranspose(nd: number): OpEntry {
  const params = 'input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1';
  const shape = (size: number) => Array(nd).fill(size).join(',');
  return op(`conv_transpose${nd}d`, [`${F}.conv_transpose${nd}d(${params})`, `torch.conv_transpose${nd}d(${params})`],
    'conv_transpose_nd(x, weight, bias, stride, padding, output_padding, groups, dilation)',
    (a, e) => e.call(e.helper('conv_transpose_nd'), [a.input, a.weight, a.bias], {
      stride: [a.stride, '1'], padding: [a.padding, '0'], output_padding: [a.output_padding, '0'], groups: [a.groups, '1'], dilation: [a.dilation, '1'],
    }),
    [
      c(`F.conv_transpose${nd}d(x, w)`, f32(`2,3,${shape(4)}`), f32(`3,2,${shape(3)}`, 'w')),
      c(`torch.conv_transpose${nd}d(x, w, b, 2, 1, 1)`, f32(`1,2,${shape(3)}`), f32(`2,3,${shape(3)}`, 'w'), f32('3', 'b')),
      c(`F.conv_transpose${nd}d(x, w, stride=2, groups=2, dilation=2)`, f32(`1,4,${shape(3)}`), f32(`4,1,${shape(2)}`, 'w')),
    ],
    { notes: ["weight layout (in, out/groups, *kernel) as in torch; the kernel is flipped as torch's transposed convolution does"] });
}

const spatial: OpEntry[] = [
  maxPool(1), maxPool(2), maxPool(3), avgPool(1), avgPool(2), avgPool(3),
  adaptivePool('avg', 1), adaptivePool('avg', 2), adaptivePool('avg', 3), adaptivePool('max', 1), adaptivePool('max', 2), adaptivePool('max', 3),
  ...resizes,
  conv(1), conv(2), conv(3), convTranspose(1), convTranspose(2), convTranspose(3),
  op('unfold', [`${F}.unfold(input, kernel_size, dilation=1, padding=0, stride=1)`], 'lax.conv_general_dilated_patches, reshaped to (N, C * kh * kw, L)',
    (a, e) => e.call(e.helper('nnf_unfold'), [a.input, a.kernel_size], { dilation: [a.dilation, '1'], padding: [a.padding, '0'], stride: [a.stride, '1'] }),
    [c('F.unfold(x, 2)', f32('2,3,5,4')), c('F.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=2)', f32('1,2,6,7'))],
    { notes: ['batched (N, C, H, W) input; the features are ordered channel-major, as in torch'] }),
  op('pixel_shuffle', [`${F}.pixel_shuffle(input, upscale_factor)`, 'torch.pixel_shuffle(input, upscale_factor)'], 'nnf_pixel_shuffle(x, upscale_factor)',
    (a, e) => e.call(e.helper('nnf_pixel_shuffle'), [a.input, a.upscale_factor]),
    [c('F.pixel_shuffle(x, 2)', f32('2,8,3,4')), c('torch.pixel_shuffle(x, 3)', f32('1,9,2,2'))]),
  op('pixel_unshuffle', [`${F}.pixel_unshuffle(input, downscale_factor)`, 'torch.pixel_unshuffle(input, downscale_factor)'], 'nnf_pixel_unshuffle(x, downscale_factor)',
    (a, e) => e.call(e.helper('nnf_pixel_unshuffle'), [a.input, a.downscale_factor]),
    [c('F.pixel_unshuffle(x, 2)', f32('2,3,4,6')), c('torch.pixel_unshuffle(x, 3)', f32('1,1,6,3'))]),
  op('channel_shuffle', [`${F}.channel_shuffle(input, groups)`, 'torch.channel_shuffle(input, groups)'], 'swap the (groups, C // groups) split of dim 1',
    (a, e) => reuse(e, a.input, (x) => `jnp.swapaxes(${x}.reshape(${x}.shape[0], ${a.groups.text}, -1, *${x}.shape[2:]), 1, 2).reshape(${x}.shape)`),
    [c('F.channel_shuffle(x, 2)', f32('2,6,3,3')), c('torch.channel_shuffle(x, 3)', f32('1,6,4'))]),
];

// ---- losses -----------------------------------------------------------------------------------------------------

/** Applies a literal reduction inline; a non-literal one goes through the helper. */
function reduce(e: Emitter, a: Bound, loss: string): string {
  const r = a.reduction.lit;
  if (r === undefined) return e.call(e.helper('nnf_reduce'), [loss, a.reduction]);
  if (r === 'none') return loss;
  if (r === 'sum' || r === 'mean') return `jnp.${r}(${loss})`;
  return e.unsupported(`reduction=${a.reduction.text}`);
}

const LEGACY = ['size_average', 'reduce'];
const legacyReason = "the deprecated size_average/reduce arguments are not converted: use reduction=";

/** A loss computed element by element from input and target, then reduced; `weightedMean` is how torch averages a weighted loss. */
function pointwiseLoss(name: string, params: string, elementwise: (a: Bound, e: Emitter) => string, weightedMean: 'ratio' | 'mean', spelling: string,
  tests: ConformanceCase[], notes: string[] = []): OpEntry {
  return op(name, [`${F}.${name}(${params})`], spelling, (a, e) => {
    requireNone(e, a, LEGACY.filter((k) => a[k]), legacyReason);
    const loss = elementwise(a, e);
    if (!a.weight || isNone(a.weight)) return reduce(e, a, loss);
    if (weightedMean === 'mean' || a.reduction.lit !== 'mean') return reduce(e, a, `${atom(loss)} * ${atom(a.weight.text)}`);
    return reuse(e, a.weight, (w) => `jnp.sum(${atom(loss)} * ${w}) / jnp.sum(${w})`);
  }, tests, { notes });
}

const pair = (shape: string) => [f32(shape, 'x'), f32(shape, 'y')];
const reductionCases = (call: (extra: string) => string, shape = '3,4') => [
  c(call(''), ...pair(shape)), c(call(", reduction='sum'"), ...pair(shape)), c(call(", reduction='none'"), ...pair(shape)),
];
const weightedCases = (name: string) => [
  c(`F.${name}(x, y, weight=w)`, ...pair('3,4'), f32('3,4', 'w', '0.1..2')),
  c(`F.${name}(x, y, reduction='sum', weight=w)`, ...pair('3,4'), f32('3,4', 'w', '0.1..2')),
];
const classCases = (name: string, input: string) => [
  c(`F.${name}(${input}, t)`, f32('4,5'), int('4', 't', '0..5')),
  c(`F.${name}(${input}, t, reduction='sum')`, f32('4,5'), int('4', 't', '0..5')),
  c(`F.${name}(${input}, t, reduction='none', ignore_index=2)`, f32('6,5'), int('6', 't', '0..5')),
  c(`F.${name}(${input}, t, weight=w, ignore_index=1)`, f32('6,5'), int('6', 't', '0..5'), f32('5', 'w', '0.5..2')),
  c(`F.${name}(${input}, t, w)`, f32('2,4,3,3'), int('2,3,3', 't', '0..4'), f32('4', 'w', '0.5..2')),
  c(`F.${name}(${input}, torch.where(t == 0, -100, t))`, f32('6,3'), int('6', 't', '0..3')),
  c(`F.${name}(${input}, t)`, f32('5'), int('', 't', '0..5')),
];

/** A loss whose arguments go to a prelude helper with torch's own signature (the legacy arguments left out). */
function helperLoss(name: string, params: string, keywords: Record<string, string>, spelling: string, tests: ConformanceCase[], notes: string[] = []): OpEntry {
  const positional = params.split(',').map((p) => p.trim()).filter((p) => !p.includes('='));
  return op(name, [`${F}.${name}(${params})`], spelling, (a, e) => {
    requireNone(e, a, LEGACY.filter((k) => a[k]), legacyReason);
    const kw: Record<string, [Arg, string]> = {};
    for (const [key, defaultText] of Object.entries(keywords)) kw[key] = [a[key], defaultText];
    return e.call(e.helper(`nnf_${name}`), positional.map((p) => a[p]), kw);
  }, tests, { notes });
}

/** input - target, each side parenthesised when needed. */
const difference = (a: Bound) => `${atom(a.input.text)} - ${atom(a.target.text)}`;

const losses: OpEntry[] = [
  pointwiseLoss('mse_loss', "input, target, size_average=None, reduce=None, reduction='mean', weight=None", (a) => `jnp.square(${difference(a)})`, 'ratio', 'jnp.mean(jnp.square(x - y))',
    [...reductionCases((r) => `F.mse_loss(x, y${r})`), ...weightedCases('mse_loss')],
    ['mean over every element (optax.l2_loss has an extra factor 1/2)', 'with weight=, torch divides the weighted sum by the sum of the weights']),
  pointwiseLoss('l1_loss', "input, target, size_average=None, reduce=None, reduction='mean', weight=None", (a) => `jnp.abs(${difference(a)})`, 'ratio', 'jnp.mean(jnp.abs(x - y))',
    [...reductionCases((r) => `F.l1_loss(x, y${r})`), ...weightedCases('l1_loss')], ['with weight=, torch divides the weighted sum by the sum of the weights']),
  pointwiseLoss('smooth_l1_loss', "input, target, size_average=None, reduce=None, reduction='mean', beta=1.0",
    (a, e) => reuse(e, `jnp.abs(${difference(a)})`, (z) => `jnp.where(${z} < ${atom(a.beta.text)}, 0.5 * ${z} ** 2 / ${atom(a.beta.text)}, ${z} - 0.5 * ${atom(a.beta.text)})`),
    'mean', 'where(|d| < beta, 0.5 d² / beta, |d| - 0.5 beta)',
    [...reductionCases((r) => `F.smooth_l1_loss(x, y${r})`), c('F.smooth_l1_loss(x, y, beta=0.5)', ...pair('3,4'))],
    ['smooth_l1 (beta) and huber (delta) agree only when beta = delta = 1']),
  pointwiseLoss('huber_loss', "input, target, reduction='mean', delta=1.0, weight=None",
    (a, e) => reuse(e, `jnp.abs(${difference(a)})`, (z) => `jnp.where(${z} < ${atom(a.delta.text)}, 0.5 * ${z} ** 2, ${atom(a.delta.text)} * (${z} - 0.5 * ${atom(a.delta.text)}))`),
    'mean', 'where(|d| < delta, 0.5 d², delta (|d| - 0.5 delta))',
    [...reductionCases((r) => `F.huber_loss(x, y${r})`), c('F.huber_loss(x, y, delta=0.5)', ...pair('3,4')), ...weightedCases('huber_loss')],
    ['smooth_l1 (beta) and huber (delta) agree only when beta = delta = 1', 'with weight=, torch takes the plain mean of the weighted losses (mse_loss and l1_loss divide by the summed weights)']),
  helperLoss('binary_cross_entropy', "input, target, weight=None, size_average=None, reduce=None, reduction='mean'", { weight: 'None', reduction: "'mean'" },
    'nnf_binary_cross_entropy(p, y, weight, reduction)', [
      c('F.binary_cross_entropy(p, y)', f32('3,4', 'p', '0..1'), f32('3,4', 'y', '0..1')),
      c("F.binary_cross_entropy(p, y, w, reduction='sum')", f32('3,4', 'p', '0.01..0.99'), f32('3,4', 'y', '0..1'), f32('4', 'w', '0..2')),
      c("F.binary_cross_entropy(torch.clamp(p, 0, 1), y, reduction='none')", f32('3,4', 'p', '-1..2'), f32('3,4', 'y', '0..1')),
    ], ['each log is clamped at -100 as in torch (p = 0 or 1 gives a loss of 100, not inf)']),
  helperLoss('binary_cross_entropy_with_logits', "input, target, weight=None, size_average=None, reduce=None, reduction='mean', pos_weight=None",
    { weight: 'None', reduction: "'mean'", pos_weight: 'None' }, 'nnf_binary_cross_entropy_with_logits(x, y, weight, reduction, pos_weight)', [
      c('F.binary_cross_entropy_with_logits(x, y)', f32('3,4', 'x', '-30..30'), f32('3,4', 'y', '0..1')),
      c("F.binary_cross_entropy_with_logits(x, y, pos_weight=pw, reduction='none')", f32('3,4'), f32('3,4', 'y', '0..1'), f32('4', 'pw', '0.5..3')),
      c("F.binary_cross_entropy_with_logits(x, y, w, reduction='sum', pos_weight=pw)", f32('3,4'), f32('3,4', 'y', '0..1'), f32('3,1', 'w', '0..2'), f32('4', 'pw', '0.5..3')),
    ], ['pos_weight multiplies the positive term: -(pos_weight * y * log σ(x) + (1 - y) * log σ(-x))']),
  helperLoss('cross_entropy', "input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean', label_smoothing=0.0",
    { weight: 'None', ignore_index: '-100', reduction: "'mean'", label_smoothing: '0.0' }, 'nnf_cross_entropy(logits, target, weight, ignore_index, reduction, label_smoothing)', [
      ...classCases('cross_entropy', 'x'),
      c('F.cross_entropy(x, t, label_smoothing=0.1)', f32('4,3'), int('4', 't', '0..3')),
      c("F.cross_entropy(x, t, w, ignore_index=0, reduction='sum', label_smoothing=0.2)", f32('5,4'), int('5', 't', '0..4'), f32('4', 'w', '0.5..2')),
      c('F.cross_entropy(x, p.softmax(dim=1))', f32('4,5'), f32('4,5', 'p')),
      c("F.cross_entropy(x, p.softmax(dim=1), w, label_smoothing=0.3, reduction='none')", f32('2,5,3'), f32('2,5,3', 'p'), f32('5', 'w', '0.5..2')),
    ], [
      'input holds logits with classes on dim 1 (not the last axis)',
      "reduction='mean' divides by the summed weights of the targets that are not ignore_index (NaN when all are ignored, as in torch)",
      'class-probability targets (float) are supported; label_smoothing mixes in a uniform distribution',
    ]),
  helperLoss('nll_loss', "input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean'",
    { weight: 'None', ignore_index: '-100', reduction: "'mean'" }, 'nnf_nll_loss(log_probs, target, weight, ignore_index, reduction)',
    classCases('nll_loss', 'F.log_softmax(x, dim=1 if x.ndim > 1 else 0)'),
    ['input holds log-probabilities with classes on dim 1', "reduction='mean' divides by the summed weights of the targets that are not ignore_index"]),
  helperLoss('kl_div', "input, target, size_average=None, reduce=None, reduction='mean', log_target=False", { reduction: "'mean'", log_target: 'False' },
    'nnf_kl_div(log_q, p, reduction, log_target)', [
      c('F.kl_div(q.log_softmax(-1), p.softmax(-1))', f32('3,4', 'q'), f32('3,4', 'p')),
      c("F.kl_div(q.log_softmax(-1), p.softmax(-1), reduction='batchmean')", f32('3,4', 'q'), f32('3,4', 'p')),
      c("F.kl_div(q.log_softmax(-1), torch.relu(p), reduction='sum')", f32('3,4', 'q'), f32('3,4', 'p')),
      c("F.kl_div(q, p.log_softmax(-1), reduction='none', log_target=True)", f32('2,3,4', 'q'), f32('2,3,4', 'p')),
    ], ["input is log q and target is p; reduction='mean' divides by every element, 'batchmean' by the batch size (the true KL)"]),
  pointwiseLoss('soft_margin_loss', "input, target, size_average=None, reduce=None, reduction='mean'",
    (a) => `jnp.log1p(jnp.exp(-${atom(a.target.text)} * ${atom(a.input.text)}))`, 'mean', 'jnp.mean(jnp.log1p(jnp.exp(-y * x)))',
    reductionCases((r) => `F.soft_margin_loss(x, torch.sign(y)${r})`)),
  pointwiseLoss('margin_ranking_loss', "input1, input2, target, margin=0, size_average=None, reduce=None, reduction='mean'",
    (a) => `jnp.maximum(0.0, -${atom(a.target.text)} * (${atom(a.input1.text)} - ${atom(a.input2.text)}) + ${atom(a.margin.text)})`, 'mean',
    'jnp.mean(jnp.maximum(0, -y * (x1 - x2) + margin))', [
      c('F.margin_ranking_loss(x, y, torch.sign(t))', ...pair('5'), f32('5', 't')),
      c("F.margin_ranking_loss(x, y, torch.sign(t), margin=0.5, reduction='none')", ...pair('5'), f32('5', 't')),
    ]),
  helperLoss('hinge_embedding_loss', "input, target, margin=1.0, size_average=None, reduce=None, reduction='mean'", { margin: '1.0', reduction: "'mean'" },
    'nnf_hinge_embedding_loss(x, y, margin, reduction)', [
      c('F.hinge_embedding_loss(x, torch.sign(y))', ...pair('3,4')),
      c("F.hinge_embedding_loss(x, torch.sign(y), margin=0.5, reduction='sum')", ...pair('3,4')),
    ]),
  helperLoss('cosine_embedding_loss', "input1, input2, target, margin=0, size_average=None, reduce=None, reduction='mean'", { margin: '0', reduction: "'mean'" },
    'nnf_cosine_embedding_loss(x1, x2, y, margin, reduction)', [
      c('F.cosine_embedding_loss(x, y, torch.sign(t))', ...pair('4,5'), f32('4', 't')),
      c("F.cosine_embedding_loss(x, y, torch.sign(t), 0.3, reduction='none')", ...pair('4,5'), f32('4', 't')),
    ], ['the cosine adds 1e-12 to each squared norm, as torch does']),
  helperLoss('poisson_nll_loss', "input, target, log_input=True, full=False, size_average=None, eps=1e-08, reduce=None, reduction='mean'",
    { log_input: 'True', full: 'False', eps: '1e-08', reduction: "'mean'" }, 'nnf_poisson_nll_loss(x, y, log_input, full, eps, reduction)', [
      c('F.poisson_nll_loss(x, torch.floor(y))', f32('3,4'), f32('3,4', 'y', '0..5')),
      c("F.poisson_nll_loss(x, torch.floor(y), log_input=False, full=True, reduction='sum')", f32('3,4', 'x', '0.1..3'), f32('3,4', 'y', '0..5')),
    ]),
  helperLoss('gaussian_nll_loss', "input, target, var, full=False, eps=1e-06, reduction='mean'", { full: 'False', eps: '1e-06', reduction: "'mean'" },
    'nnf_gaussian_nll_loss(x, y, var, full, eps, reduction)', [
      c('F.gaussian_nll_loss(x, y, v)', ...pair('3,4'), f32('3,4', 'v', '0..2')),
      c("F.gaussian_nll_loss(x, y, v, full=True, reduction='none')", ...pair('3,4'), f32('3', 'v', '0.5..2')),
      c("F.gaussian_nll_loss(x, y, 0.5, reduction='sum')", ...pair('3,4')),
    ], ['var is clamped at eps; a var without the last axis is broadcast over it']),
  helperLoss('triplet_margin_loss', "anchor, positive, negative, margin=1.0, p=2, eps=1e-06, swap=False, size_average=None, reduce=None, reduction='mean'",
    { margin: '1.0', p: '2', eps: '1e-06', swap: 'False', reduction: "'mean'" }, 'nnf_triplet_margin_loss(a, p, n, margin, p, eps, swap, reduction)', [
      c('F.triplet_margin_loss(a, p, n)', f32('4,5', 'a'), f32('4,5', 'p'), f32('4,5', 'n')),
      c("F.triplet_margin_loss(a, p, n, margin=2.0, p=1, swap=True, reduction='none')", f32('4,5', 'a'), f32('4,5', 'p'), f32('4,5', 'n')),
    ]),
  helperLoss('multilabel_soft_margin_loss', "input, target, weight=None, size_average=None, reduce=None, reduction='mean'", { weight: 'None', reduction: "'mean'" },
    'nnf_multilabel_soft_margin_loss(x, y, weight, reduction)', [
      c('F.multilabel_soft_margin_loss(x, torch.where(y > 0, 1.0, 0.0))', ...pair('3,4')),
      c("F.multilabel_soft_margin_loss(x, torch.where(y > 0, 1.0, 0.0), w, reduction='none')", ...pair('3,4'), f32('4', 'w', '0..2')),
    ], ['the loss is averaged over the classes (last axis) before the reduction']),
];

// ---- linear algebra ---------------------------------------------------------------------------------------------

/** A product spelled torch.NAME(a, b) and Tensor.NAME(a, b) (plus aliases) with one jnp function. */
function product(name: string, aliases: string[], other: string, jaxFn: string, tests: ConformanceCase[], notes?: string[]): OpEntry {
  const torch = [name, ...aliases].flatMap((n) => [`torch.${n}(input, ${other})`, `Tensor.${n}(input, ${other})`]);
  return op(name, torch, `${jaxFn}(a, b)`, (a, e) => e.call(jaxFn, [a.input, a[other]]), tests, { notes });
}

/** beta * input + alpha * (product), with the terms that are 1 or 0 left out (torch ignores input when beta == 0). */
function scaledSum(name: string, operands: [string, string], productText: (x: string, y: string) => string, tests: ConformanceCase[]): OpEntry {
  const params = `input, ${operands.join(', ')}, *, beta=1, alpha=1`;
  return op(name, [`torch.${name}(${params})`, `Tensor.${name}(${params})`], `beta * input + alpha * ${productText('a', 'b')}`, (a) => {
    const scaled = (coef: Arg, text: string) => (numValue(coef.lit) === 1 ? text : `${atom(coef.text)} * ${atom(text)}`);
    const prod = scaled(a.alpha, productText(a[operands[0]].text, a[operands[1]].text));
    return numValue(a.beta.lit) === 0 ? prod : `${scaled(a.beta, a.input.text)} + ${prod}`;
  }, tests, { inplace: true, notes: ['with beta=0 the input is ignored, NaN included, as in torch'] });
}

/** einsum(eq, a, b) and einsum(eq, [a, b]) both pass the operands one by one. */
const einsumOperands = (operands: Arg): string => (sequenceItems(operands) ?? [operands.text]).join(', ');

const linalg: OpEntry[] = [
  product('matmul', [], 'other', 'jnp.matmul', [c('torch.matmul(x, y)', f32('2,3,4'), f32('4,5', 'y')), c('x.matmul(y)', f32('4'), f32('3,4,2', 'y'))]),
  product('mm', [], 'mat2', 'jnp.matmul', [c('torch.mm(x, y)', f32('3,4'), f32('4,5', 'y')), c('x.mm(y)', f32('2,3'), f32('3,3', 'y'))],
    ['torch.mm takes 2-D matrices only; jnp.matmul would also broadcast batches']),
  product('bmm', [], 'mat2', 'jnp.matmul', [c('torch.bmm(x, y)', f32('2,3,4'), f32('2,4,5', 'y')), c('x.bmm(y)', f32('3,2,2'), f32('3,2,4', 'y'))],
    ['torch.bmm takes 3-D batches of equal size and does not broadcast; jnp.matmul would']),
  product('mv', [], 'vec', 'jnp.matmul', [c('torch.mv(x, y)', f32('3,4'), f32('4', 'y')), c('x.mv(y)', f32('2,3'), f32('3', 'y'))]),
  product('dot', [], 'tensor', 'jnp.dot', [c('torch.dot(x, y)', f32('5'), f32('5', 'y')), c('x.dot(y)', f32('3'), f32('3', 'y'))]),
  product('vdot', [], 'other', 'jnp.vdot', [c('torch.vdot(x, y)', f32('5'), f32('5', 'y')), c('x.vdot(y)', f32('3'), f32('3', 'y'))]),
  product('outer', ['ger'], 'vec2', 'jnp.outer', [
    c('torch.outer(x, y)', f32('3'), f32('4', 'y')), c('x.outer(y)', f32('2'), f32('3', 'y')), c('torch.ger(x, y)', f32('3'), f32('2', 'y')), c('x.ger(y)', f32('4'), f32('2', 'y')),
  ]),
  product('inner', [], 'other', 'jnp.inner', [c('torch.inner(x, y)', f32('2,4'), f32('3,4', 'y')), c('x.inner(y)', f32('4'), f32('4', 'y'))]),
  product('kron', [], 'other', 'jnp.kron', [c('torch.kron(x, y)', f32('2,3'), f32('3,2', 'y')), c('x.kron(y)', f32('2'), f32('3', 'y'))]),
  op('tensordot', ['torch.tensordot(a, b, dims=2, out=None)'], 'jnp.tensordot(a, b, axes=dims)',
    (a, e) => {
      requireNone(e, a, ['out'], 'out= has no JAX equivalent');
      return e.call('jnp.tensordot', [a.a, a.b], { axes: [a.dims, '2'] });
    },
    [c('torch.tensordot(x, y)', f32('2,3,4'), f32('3,4,5', 'y')), c('torch.tensordot(x, y, dims=([0, 2], [1, 0]))', f32('2,3,4'), f32('4,2,5', 'y')), c('torch.tensordot(x, y, 1)', f32('2,3'), f32('3,2', 'y'))]),
  op('einsum', ['torch.einsum(equation, *operands)'], 'jnp.einsum(equation, *operands)',
    (a) => `jnp.einsum(${a.equation.text}, ${einsumOperands(a.operands)})`,
    [
      c("torch.einsum('bij,bjk->bik', x, y)", f32('2,3,4'), f32('2,4,5', 'y')),
      c("torch.einsum('ij,j', [x, y])", f32('3,4'), f32('4', 'y')),
      c("torch.einsum('ii', x)", f32('3,3')),
      c("torch.einsum('...ij->...ji', (x,))", f32('2,3,4')),
    ], { notes: ['both the einsum(eq, a, b) and einsum(eq, [a, b]) forms'] }),
  scaledSum('addmm', ['mat1', 'mat2'], (x, y) => `jnp.matmul(${x}, ${y})`, [
    c('torch.addmm(x, a, b)', f32('3,5'), f32('3,4', 'a'), f32('4,5', 'b')),
    c('x.addmm(a, b, beta=0.5, alpha=2)', f32('5'), f32('3,4', 'a'), f32('4,5', 'b')),
    c("torch.addmm(x * float('nan'), a, b, beta=0)", f32('3,5'), f32('3,4', 'a'), f32('4,5', 'b')),
    c('y = x * 2\ny.addmm_(a, b, alpha=0.5)\ny', f32('3,5'), f32('3,4', 'a'), f32('4,5', 'b')),
  ]),
  scaledSum('baddbmm', ['batch1', 'batch2'], (x, y) => `jnp.matmul(${x}, ${y})`, [
    c('torch.baddbmm(x, a, b)', f32('2,3,5'), f32('2,3,4', 'a'), f32('2,4,5', 'b')),
    c('x.baddbmm(a, b, beta=2, alpha=0.5)', f32('3,5'), f32('2,3,4', 'a'), f32('2,4,5', 'b')),
    c('y = x * 2\ny.baddbmm_(a, b, beta=0)\ny', f32('2,3,5'), f32('2,3,4', 'a'), f32('2,4,5', 'b')),
  ]),
  scaledSum('addbmm', ['batch1', 'batch2'], (x, y) => `jnp.sum(jnp.matmul(${x}, ${y}), axis=0)`, [
    c('torch.addbmm(x, a, b)', f32('3,5'), f32('2,3,4', 'a'), f32('2,4,5', 'b')),
    c('x.addbmm(a, b, alpha=3)', f32('5'), f32('2,3,4', 'a'), f32('2,4,5', 'b')),
    c('y = x * 2\ny.addbmm_(a, b)\ny', f32('3,5'), f32('2,3,4', 'a'), f32('2,4,5', 'b')),
  ]),
  scaledSum('addmv', ['mat', 'vec'], (x, y) => `jnp.matmul(${x}, ${y})`, [
    c('torch.addmv(x, a, b)', f32('3'), f32('3,4', 'a'), f32('4', 'b')),
    c('x.addmv(a, b, beta=0.5)', f32('3'), f32('3,4', 'a'), f32('4', 'b')),
    c('y = x * 2\ny.addmv_(a, b, alpha=2)\ny', f32('3'), f32('3,4', 'a'), f32('4', 'b')),
  ]),
];

export const nnOps: OpEntry[] = [...activations, ...softmaxes, ...dropouts, ...norms, ...spatial, ...losses, ...linalg];
