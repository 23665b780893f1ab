// Elementwise math and comparisons.
import { atom, binary, bindOnce, f32, inplaceCase, op, outOfPlace, predicate, specialUnary, unary, withInplaceCases } from '../define';
import type { OpEntry } from '../types';

const pair = (shape = '3,4') => [f32(shape, 'x'), f32(shape, 'y')];

/** Each case for a two-input in-place spelling reads `z`, since the copy being updated is called `y`. */
const xz = (x = '', z = '') => [f32('3,4', 'x', x), f32('3,4', 'z', z)];
const intInputs = (x: string, z: string) => [`x=int32[3,4]:${x}`, `z=int32[3,4]:${z}`];
/** inf, -inf and NaN next to ordinary values */
const SPECIAL_VALUES = "torch.where(x > 1, float('inf'), torch.where(x < -1, float('-inf'), torch.where(x > 0.5, float('nan'), x)))";

export const elementwise: OpEntry[] = [
  unary('abs', 'jnp.abs'),
  unary('neg', 'jnp.negative'),
  unary('exp', 'jnp.exp'),
  unary('log', 'jnp.log', { range: '0.1..3' }),
  unary('log1p', 'jnp.log1p', { range: '0..3' }),
  unary('expm1', 'jnp.expm1'),
  unary('sqrt', 'jnp.sqrt', { range: '0.1..4' }),
  unary('rsqrt', 'jax.lax.rsqrt', { range: '0.1..4' }),
  unary('sin', 'jnp.sin'),
  unary('cos', 'jnp.cos'),
  unary('tanh', 'jnp.tanh'),
  unary('sigmoid', 'jax.nn.sigmoid'),
  unary('floor', 'jnp.floor'),
  unary('ceil', 'jnp.ceil'),
  unary('round', 'jnp.round', { notes: ['both round half to even'] }),
  unary('sign', 'jnp.sign'),
  unary('reciprocal', 'jnp.reciprocal', { range: '0.5..2' }),
  unary('square', 'jnp.square'),
  unary('erf', 'jax.scipy.special.erf'),
  binary('add', ['add'], 'jnp.add', [{ torch: 'torch.add(x, y)', inputs: pair() }, { torch: 'x.add(y)', inputs: pair() }]),
  {
    name: 'add_scaled',
    torch: ['torch.add(input, other, *, alpha=1)', 'Tensor.add(input, other, *, alpha=1)'],
    jax: (a, e) => (a.alpha.text === '1' ? e.call('jnp.add', [a.input, a.other]) : `(${a.input.text} + ${a.alpha.text} * ${a.other.text})`),
    jaxSpelling: 'x1 + alpha * x2',
    returns: 'tensor',
    tests: [{ torch: 'torch.add(x, y, alpha=2) * 3', inputs: pair() }, { torch: 'x.add(y, alpha=-1)', inputs: pair() }],
  },
  binary('sub', ['sub', 'subtract'], 'jnp.subtract', [{ torch: 'torch.sub(x, y)', inputs: pair() }, { torch: 'x.subtract(y)', inputs: pair() }]),
  binary('mul', ['mul', 'multiply'], 'jnp.multiply', [{ torch: 'torch.mul(x, y)', inputs: pair() }, { torch: 'x.multiply(y)', inputs: pair() }]),
  binary('div', ['div', 'true_divide'], 'jnp.true_divide', [{ torch: 'torch.div(x, y)', inputs: [f32('3,4', 'x'), f32('3,4', 'y', '0.5..2')] }, { torch: 'x.true_divide(y)', inputs: [f32('3,4', 'x'), f32('3,4', 'y', '0.5..2')] }]),
  binary('pow', ['pow'], 'jnp.power', [{ torch: 'torch.pow(x, y)', inputs: [f32('3,4', 'x', '0.5..2'), f32('3,4', 'y')] }, { torch: 'x.pow(2)', inputs: pair() }]),
  binary('maximum', ['maximum'], 'jnp.maximum', [{ torch: 'torch.maximum(x, y)', inputs: pair() }], undefined, { inplace: false }),
  binary('minimum', ['minimum'], 'jnp.minimum', [{ torch: 'torch.minimum(x, y)', inputs: pair() }], undefined, { inplace: false }),
  binary('atan2', ['atan2'], 'jnp.arctan2', [{ torch: 'torch.atan2(x, y)', inputs: pair() }]),
  predicate(binary('eq', ['eq'], 'jnp.equal', [{ torch: 'torch.eq(x, y)', inputs: pair() }, { torch: 'x.eq(x)', inputs: pair() }])),
  predicate(binary('ne', ['ne'], 'jnp.not_equal', [{ torch: 'torch.ne(x, y)', inputs: pair() }])),
  predicate(binary('gt', ['gt', 'greater'], 'jnp.greater', [{ torch: 'torch.gt(x, y)', inputs: pair() }, { torch: 'x.gt(0)', inputs: pair() }])),
  predicate(binary('ge', ['ge', 'greater_equal'], 'jnp.greater_equal', [{ torch: 'torch.ge(x, y)', inputs: pair() }])),
  predicate(binary('lt', ['lt', 'less'], 'jnp.less', [{ torch: 'torch.lt(x, y)', inputs: pair() }])),
  predicate(binary('le', ['le', 'less_equal'], 'jnp.less_equal', [{ torch: 'torch.le(x, y)', inputs: pair() }])),
  predicate(binary('logical_and', ['logical_and'], 'jnp.logical_and', [{ torch: 'torch.logical_and(x > 0, y > 0)', inputs: pair() }])),
  predicate(binary('logical_or', ['logical_or'], 'jnp.logical_or', [{ torch: 'torch.logical_or(x > 0, y > 0)', inputs: pair() }])),
  {
    name: 'logical_not',
    torch: ['torch.logical_not(input)', 'Tensor.logical_not(input)'],
    jax: (a, e) => e.call('jnp.logical_not', [a.input]),
    jaxSpelling: 'jnp.logical_not(x)',
    returns: 'tensor',
    tests: [{ torch: 'torch.logical_not(x > 0)', inputs: [f32('3,4')] }, { torch: '(x > 0).logical_not()', inputs: [f32('3,4')] }],
  },
  {
    name: 'clamp',
    torch: ['torch.clamp(input, min=None, max=None)', 'torch.clip(input, min=None, max=None)', 'Tensor.clamp(input, min=None, max=None)', 'Tensor.clip(input, min=None, max=None)'],
    jax: (a, e) => e.call('jnp.clip', [a.input], { min: [a.min, 'None'], max: [a.max, 'None'] }),
    jaxSpelling: 'jnp.clip(x, min=None, max=None)',
    returns: 'tensor',
    inplace: true,
    tests: [
      { torch: 'torch.clamp(x, -0.5, 0.5)', inputs: [f32('3,4')] },
      { torch: 'x.clamp(min=0)', inputs: [f32('3,4')] },
      { torch: 'x.clip(max=0.1)', inputs: [f32('3,4')] },
      { torch: 'torch.clip(x, -0.1, 0.2)', inputs: [f32('3,4')] },
      inplaceCase('clamp', 'min=-0.5', [f32('3,4')]),
      inplaceCase('clip', '-0.5, 0.5', [f32('3,4')]),
    ],
  },
  {
    name: 'where',
    torch: ['torch.where(condition, input, other)', 'Tensor.where(input, condition, other)'],
    jax: (a, e) => e.call('jnp.where', [a.condition, a.input, a.other]),
    jaxSpelling: 'jnp.where(condition, x, y)',
    returns: 'tensor',
    tests: [
      { torch: 'torch.where(x > 0, x, y)', inputs: pair() },
      { torch: 'torch.where(x > 0, x, 0.0)', inputs: pair() },
      { torch: 'x.where(x > 0, y)', inputs: pair() },
    ],
  },
  {
    name: 'masked_fill',
    torch: ['Tensor.masked_fill(input, mask, value)', 'torch.masked_fill(input, mask, value)'],
    jax: (a, e) => e.call('jnp.where', [a.mask, a.value, a.input]),
    jaxSpelling: 'jnp.where(mask, value, x)',
    returns: 'tensor',
    inplace: true,
    notes: ['JAX arrays are immutable: masked_fill becomes jnp.where(mask, value, x); the mask broadcasts the same way.'],
    tests: [
      { torch: 'x.masked_fill(y > 0, -1e9)', inputs: pair() },
      { torch: "x.masked_fill(y[0] > 0, float('-inf'))", inputs: pair() },
      { torch: 'torch.masked_fill(x, y > 0, 0.5)', inputs: pair() },
      inplaceCase('masked_fill', 'x < 0, 0.0', pair()),
    ],
  },
  {
    name: 'lerp',
    torch: ['torch.lerp(input, end, weight)', 'Tensor.lerp(input, end, weight)'],
    jax: (a) => `(${a.input.text} + ${a.weight.text} * (${a.end.text} - ${a.input.text}))`,
    jaxSpelling: 'x + weight * (end - x)',
    returns: 'tensor',
    tests: [{ torch: 'torch.lerp(x, y, 0.3) * 2', inputs: pair() }, { torch: 'x.lerp(y, 0.5)', inputs: pair() }],
  },
  // ---- more elementwise math: trigonometry, rounding, special functions, bit operations ----
  ...moreUnary(),
  ...predicates(),
  ...moreBinary(),
  ...moreSpecial(),
];

function moreUnary(): OpEntry[] {
  const math: Array<[string, string, string?]> = [
    ['sinh', 'jnp.sinh'], ['cosh', 'jnp.cosh'], ['tan', 'jnp.tan', '-1..1'],
    ['asin', 'jnp.arcsin', '-0.9..0.9'], ['acos', 'jnp.arccos', '-0.9..0.9'], ['atan', 'jnp.arctan'],
    ['arcsin', 'jnp.arcsin', '-0.9..0.9'], ['arccos', 'jnp.arccos', '-0.9..0.9'], ['arctan', 'jnp.arctan'],
    ['asinh', 'jnp.arcsinh'], ['acosh', 'jnp.arccosh', '1.1..3'], ['atanh', 'jnp.arctanh', '-0.9..0.9'],
    ['arcsinh', 'jnp.arcsinh'], ['arccosh', 'jnp.arccosh', '1.1..3'], ['arctanh', 'jnp.arctanh', '-0.9..0.9'],
    ['log2', 'jnp.log2', '0.1..3'], ['log10', 'jnp.log10', '0.1..3'], ['exp2', 'jnp.exp2'],
    ['trunc', 'jnp.trunc'], ['fix', 'jnp.trunc'], ['sinc', 'jnp.sinc'], ['deg2rad', 'jnp.deg2rad'], ['rad2deg', 'jnp.rad2deg'],
    ['negative', 'jnp.negative'], ['absolute', 'jnp.abs'], ['sgn', 'jnp.sign'],
    ['erfc', 'jax.scipy.special.erfc'], ['erfinv', 'jax.scipy.special.erfinv', '-0.9..0.9'],
    ['lgamma', 'jax.scipy.special.gammaln', '0.1..4'], ['digamma', 'jax.scipy.special.digamma', '0.1..4'], ['i0', 'jnp.i0'],
  ];
  return [
    ...math.map(([name, fn, range]) => withInplaceCases(unary(name, fn, { range }), '', [f32('3,4', 'x', range)])),
    outOfPlace(unary('positive', 'jnp.positive')),
    withInplaceCases(op('frac', ['torch.frac(input)', 'Tensor.frac(input)'], 'jnp.modf(x)[0]', (a, e) => `${e.call('jnp.modf', [a.input])}[0]`, [
      { torch: 'torch.frac(x * 3)', inputs: [f32('3,4')] },
      { torch: 'x.frac()', inputs: [f32('5', 'x', '-4..4')] },
    ]), '', [f32('3,4', 'x', '-4..4')]),
    withInplaceCases(op('bitwise_not', ['torch.bitwise_not(input)', 'Tensor.bitwise_not(input)'], 'jnp.bitwise_not(x)', (a, e) => e.call('jnp.bitwise_not', [a.input]), [
      { torch: 'torch.bitwise_not(x)', inputs: ['x=int32[3,4]:-9..9'] },
      { torch: 'x.bitwise_not()', inputs: ['x=bool[5]'] },
    ]), '', ['x=int32[3,4]:-9..9']),
    withInplaceCases(op('nan_to_num', ['torch.nan_to_num(input, nan=0.0, posinf=None, neginf=None)', 'Tensor.nan_to_num(input, nan=0.0, posinf=None, neginf=None)'], 'jnp.nan_to_num(x, nan=0.0, posinf=None, neginf=None)',
      (a, e) => e.call('jnp.nan_to_num', [a.input], { nan: [a.nan, '0.0'], posinf: [a.posinf, 'None'], neginf: [a.neginf, 'None'] }), [
        { torch: `torch.nan_to_num(${SPECIAL_VALUES})`, inputs: [f32('4,5')] },
        { torch: `${SPECIAL_VALUES}.nan_to_num(nan=1.0, posinf=5.0, neginf=-5.0)`, inputs: [f32('4,5')] },
      ]), 'neginf=-2.0', [f32('3,4')]),
    withInplaceCases(op('logit', ['torch.logit(input, eps=None)', 'Tensor.logit(input, eps=None)', 'torch.special.logit(input, eps=None)'], 'jax.scipy.special.logit(x)', (a, e) => {
      const x = a.eps.lit === null ? a.input.text : `jnp.clip(${a.input.text}, ${a.eps.text}, 1 - ${atom(a.eps.text)})`;
      return e.call('jax.scipy.special.logit', [x]);
    }, [
      { torch: 'torch.logit(x)', inputs: [f32('3,4', 'x', '0.05..0.95')] },
      { torch: 'x.logit(eps=0.1)', inputs: [f32('3,4', 'x', '0..1')] },
      { torch: 'torch.special.logit(x, 0.2)', inputs: [f32('3,4', 'x', '0..1')] },
    ], { notes: ['eps clamps the input to [eps, 1 - eps] first, as in torch'] }), '0.01', [f32('3,4', 'x', '0..1')]),
  ];
}

/** Elementwise tests with a bool result and no in-place form. */
function predicates(): OpEntry[] {
  return ['isnan', 'isinf', 'isfinite', 'isposinf', 'isneginf', 'signbit'].map((name) => {
    const base = outOfPlace(unary(name, `jnp.${name}`));
    return { ...base, tests: [...base.tests, { torch: `torch.${name}(${SPECIAL_VALUES})`, inputs: [f32('4,5')] }] };
  });
}

function moreBinary(): OpEntry[] {
  const inplace = (entry: OpEntry, inputs = xz()) => withInplaceCases(entry, 'z', inputs);
  return [
    inplace(binary('remainder', ['remainder'], 'jnp.remainder', [
      { torch: 'torch.remainder(x, z)', inputs: xz('-5..5', '0.5..2') },
      { torch: 'x.remainder(-1.5)', inputs: xz() },
      { torch: 'torch.remainder(x, 3)', inputs: intInputs('-9..9', '1..4') },
      { torch: 'torch.remainder(x, -z)', inputs: intInputs('-9..9', '1..4') },
    ], ['Python-style: the result has the sign of the divisor (fmod keeps the sign of the dividend)']), xz('-5..5', '0.5..2')),
    inplace(binary('fmod', ['fmod'], 'jnp.fmod', [
      { torch: 'torch.fmod(x, z)', inputs: xz('-5..5', '0.5..2') },
      { torch: 'x.fmod(-1.5)', inputs: xz() },
      { torch: 'torch.fmod(x, 3)', inputs: intInputs('-9..9', '1..4') },
    ], ['C-style: the result has the sign of the dividend']), xz('-5..5', '0.5..2')),
    inplace(binary('floor_divide', ['floor_divide'], 'jnp.floor_divide', [
      { torch: 'torch.floor_divide(x, z)', inputs: xz('-5..5', '0.5..2') },
      { torch: 'torch.floor_divide(x, 2)', inputs: intInputs('-9..9', '1..4') },
      { torch: 'x.floor_divide(-z)', inputs: intInputs('-9..9', '1..4') },
    ], ['torch.floor_divide rounds toward -inf (since 1.13), as jnp.floor_divide does']), intInputs('-9..9', '1..4')),
    inplace(binary('hypot', ['hypot'], 'jnp.hypot', [{ torch: 'torch.hypot(x, z)', inputs: xz() }, { torch: 'x.hypot(z)', inputs: xz() }])),
    inplace(binary('copysign', ['copysign'], 'jnp.copysign', [{ torch: 'torch.copysign(x, z)', inputs: xz() }, { torch: 'x.copysign(-1.0)', inputs: xz() }])),
    inplace(binary('heaviside', ['heaviside'], 'jnp.heaviside', [{ torch: 'torch.heaviside(x * (x > 0), z)', inputs: xz() }, { torch: 'x.heaviside(z)', inputs: xz() }])),
    inplace(binary('nextafter', ['nextafter'], 'jnp.nextafter', [{ torch: 'torch.nextafter(x, z)', inputs: xz() }, { torch: 'x.nextafter(z) - x', inputs: xz() }])),
    inplace(predicate(binary('logical_xor', ['logical_xor'], 'jnp.logical_xor', [{ torch: 'torch.logical_xor(x > 0, z > 0)', inputs: xz() }, { torch: 'x.logical_xor(z)', inputs: ['x=bool[3,4]', 'z=bool[3,4]'] }],
      ['an in-place logical op keeps the receiver dtype in torch; the conversion casts back with astype'])), ['x=bool[3,4]', 'z=bool[3,4]']),
    ...(['and', 'or', 'xor'] as const).map((kind) =>
      inplace(binary(`bitwise_${kind}`, [`bitwise_${kind}`], `jnp.bitwise_${kind}`, [
        { torch: `torch.bitwise_${kind}(x, z)`, inputs: intInputs('-9..9', '0..16') },
        { torch: `x.bitwise_${kind}(z)`, inputs: ['x=bool[3,4]', 'z=bool[3,4]'] },
      ]), intInputs('0..16', '0..16'))),
    ...(['left', 'right'] as const).map((side) =>
      inplace(binary(`bitwise_${side}_shift`, [`bitwise_${side}_shift`], `jnp.${side}_shift`, [
        { torch: `torch.bitwise_${side}_shift(x, z)`, inputs: intInputs('-16..16', '0..4') },
        { torch: `x.bitwise_${side}_shift(2)`, inputs: intInputs('-16..16', '0..4') },
      ]), intInputs('-16..16', '0..4'))),
    ...['gcd', 'lcm'].map((name) => inplace(binary(name, [name], `jnp.${name}`, [{ torch: `torch.${name}(x, z)`, inputs: intInputs('1..20', '1..20') }, { torch: `x.${name}(-z)`, inputs: intInputs('-20..20', '1..20') }]), intInputs('1..20', '1..20'))),
    ...['logaddexp', 'logaddexp2'].map((name) => outOfPlace(binary(name, [name], `jnp.${name}`, [{ torch: `torch.${name}(x, z)`, inputs: xz() }, { torch: `x.${name}(z * 30)`, inputs: xz() }]))),
    outOfPlace(binary('float_power', ['float_power'], 'jnp.float_power', [{ torch: 'torch.float_power(x, z)', inputs: xz('0.5..2') }, { torch: 'x.float_power(2)', inputs: xz() }],
      ['torch.float_power computes in float64; JAX without x64 stays in float32'])),
    inplace({ ...binary('xlogy', ['xlogy'], 'jax.scipy.special.xlogy', [
      { torch: 'torch.xlogy(x * (x > 1), z)', inputs: xz('0..2', '0.1..2') },
      { torch: 'x.xlogy(z)', inputs: xz('0..2', '0.1..2') },
      { torch: 'torch.special.xlogy(x, z)', inputs: xz('0..2', '0.1..2') },
    ]), torch: ['torch.xlogy(input, other)', 'Tensor.xlogy(input, other)', 'torch.special.xlogy(input, other)'] }, xz('0..2', '0.1..2')),
    ...(['min', 'max'] as const).map((side) =>
      withInplaceCases(op(`clamp_${side}`, [`torch.clamp_${side}(input, ${side})`, `Tensor.clamp_${side}(input, ${side})`], `jnp.clip(x, ${side}=${side})`, (a, e) => e.call('jnp.clip', [a.input], { [side]: a[side] }), [
        { torch: `torch.clamp_${side}(x, 0.2)`, inputs: [f32('3,4')] },
        { torch: `x.clamp_${side}(z)`, inputs: xz() },
      ]), '-0.1')),
    ...([['addcmul', '*'], ['addcdiv', '/']] as const).map(([name, operator]) =>
      withInplaceCases(op(name, [`torch.${name}(input, tensor1, tensor2, *, value=1)`, `Tensor.${name}(input, tensor1, tensor2, *, value=1)`], `x + value * (tensor1 ${operator} tensor2)`, (a) => {
        const combined = `${atom(a.tensor1.text)} ${operator} ${atom(a.tensor2.text)}`;
        return `(${atom(a.input.text)} + ${a.value.lit === 1 ? combined : `${atom(a.value.text)} * ${combined}`})`;
      }, [
        { torch: `torch.${name}(x, z, z + 3)`, inputs: xz() },
        { torch: `x.${name}(z, x + 3, value=0.5) * 2`, inputs: xz() },
      ]), 'z, z', xz('', '0.5..2'))),
    op('div_rounding', ['torch.div(input, other, *, rounding_mode=None)', 'Tensor.div(input, other, *, rounding_mode=None)', 'torch.divide(input, other, *, rounding_mode=None)', 'Tensor.divide(input, other, *, rounding_mode=None)'],
      "jnp.floor_divide(x1, x2) for rounding_mode='floor'", (a, e) => {
        switch (a.rounding_mode.lit) {
          case null: return e.call('jnp.true_divide', [a.input, a.other]);
          case 'floor': return e.call('jnp.floor_divide', [a.input, a.other]);
          case 'trunc': return bindOnce(e, [a.input, a.other], (x, y) => `jnp.trunc(${e.call('jnp.true_divide', [x, y])}).astype(jnp.result_type(${x}, ${y}))`);
          default: return e.unsupported("rounding_mode must be None, 'trunc' or 'floor' written literally");
        }
      }, [
        { torch: 'torch.divide(x, z)', inputs: xz('', '0.5..2') },
        { torch: "torch.div(x, z, rounding_mode='floor')", inputs: xz('-5..5', '0.5..2') },
        { torch: "x.div(-z, rounding_mode='trunc')", inputs: xz('-5..5', '0.5..2') },
        { torch: "torch.div(x, 2, rounding_mode='trunc')", inputs: intInputs('-9..9', '1..4') },
        { torch: "x.divide(z, rounding_mode='floor')", inputs: intInputs('-9..9', '1..4') },
        inplaceCase('div', "z, rounding_mode='floor'", xz('-5..5', '0.5..2')),
        inplaceCase('divide', "-z, rounding_mode='trunc'", intInputs('-9..9', '1..4')),
      ], { inplace: true, notes: ["rounding_mode='trunc' divides in floating point and truncates: integer quotients are exact below 2**24"] }),
    ...(['isclose', 'allclose'] as const).map((name) =>
      op(name, [`torch.${name}(input, other, rtol=1e-05, atol=1e-08, equal_nan=False)`, `Tensor.${name}(input, other, rtol=1e-05, atol=1e-08, equal_nan=False)`], `jnp.${name}(a, b, rtol=1e-05, atol=1e-08, equal_nan=False)`,
        (a, e) => e.call(`jnp.${name}`, [a.input, a.other], { rtol: [a.rtol, '1e-05'], atol: [a.atol, '1e-08'], equal_nan: [a.equal_nan, 'False'] }), [
          { torch: `torch.${name}(x, x + 1e-6)`, inputs: xz() },
          { torch: `x.${name}(z, atol=2.0)`, inputs: xz('0..1', '0..1') },
          { torch: `torch.${name}(${SPECIAL_VALUES}, ${SPECIAL_VALUES}, equal_nan=True)`, inputs: xz() },
        ], { returns: name === 'allclose' ? 'scalar' : 'tensor' })),
    op('equal', ['torch.equal(input, other)', 'Tensor.equal(input, other)'], 'jnp.array_equal(a1, a2)', (a, e) => e.call('jnp.array_equal', [a.input, a.other]), [
      { torch: 'torch.equal(x, x)', inputs: xz() },
      { torch: 'x.equal(z)', inputs: xz() },
      { torch: 'torch.equal(x, x[:2])', inputs: xz() },
    ], { returns: 'scalar' }),
  ];
}

function moreSpecial(): OpEntry[] {
  const unaries: Array<[string, string, string?]> = [
    ['erf', 'jax.scipy.special.erf'], ['erfc', 'jax.scipy.special.erfc'], ['erfinv', 'jax.scipy.special.erfinv', '-0.9..0.9'],
    ['expit', 'jax.nn.sigmoid'], ['gammaln', 'jax.scipy.special.gammaln', '0.1..4'], ['digamma', 'jax.scipy.special.digamma', '0.1..4'],
    ['psi', 'jax.scipy.special.digamma', '0.1..4'], ['ndtr', 'jax.scipy.special.ndtr'], ['ndtri', 'jax.scipy.special.ndtri', '0.05..0.95'],
    ['log_ndtr', 'jax.scipy.special.log_ndtr'], ['i0', 'jax.scipy.special.i0'], ['i0e', 'jax.scipy.special.i0e'], ['i1', 'jax.scipy.special.i1'],
    ['i1e', 'jax.scipy.special.i1e'], ['sinc', 'jnp.sinc'], ['exp2', 'jnp.exp2'], ['expm1', 'jnp.expm1'], ['log1p', 'jnp.log1p', '0..3'],
    ['round', 'jnp.round'], ['entr', 'jax.scipy.special.entr', '-1..2'],
  ];
  return [
    ...unaries.map(([name, fn, range]) => specialUnary(name, fn, range)),
    op('special.xlog1py', ['torch.special.xlog1py(input, other)'], 'jax.scipy.special.xlog1py(x, y)', (a, e) => e.call('jax.scipy.special.xlog1py', [a.input, a.other]), [
      { torch: 'torch.special.xlog1py(x * (x > 1), z)', inputs: xz('0..2', '0..2') },
    ]),
    withInplaceCases(op('polygamma', ['torch.polygamma(n, input)', 'Tensor.polygamma(input, n)', 'torch.special.polygamma(n, input)'], 'jax.scipy.special.polygamma(n, x)', (a, e) => e.call('jax.scipy.special.polygamma', [a.n, a.input]), [
      { torch: 'torch.polygamma(1, x)', inputs: [f32('3,4', 'x', '0.5..4')] },
      { torch: 'x.polygamma(2)', inputs: [f32('3,4', 'x', '0.5..4')] },
      { torch: 'torch.special.polygamma(0, x)', inputs: [f32('3,4', 'x', '0.5..4')] },
    ]), '1', [f32('3,4', 'x', '0.5..4')]),
    withInplaceCases(op('mvlgamma', ['torch.mvlgamma(input, p)', 'Tensor.mvlgamma(input, p)', 'torch.special.multigammaln(input, p)'], 'jax.scipy.special.multigammaln(a, d)', (a, e) => e.call('jax.scipy.special.multigammaln', [a.input, a.p]), [
      { torch: 'torch.mvlgamma(x, 2)', inputs: [f32('3,4', 'x', '1..4')] },
      { torch: 'x.mvlgamma(p=3)', inputs: [f32('3,4', 'x', '1.5..4')] },
      { torch: 'torch.special.multigammaln(x, 1)', inputs: [f32('3,4', 'x', '0.5..4')] },
    ]), '2', [f32('3,4', 'x', '1..4')]),
    op('special.zeta', ['torch.special.zeta(input, other)'], 'jax.scipy.special.zeta(x, q)', (a, e) => e.call('jax.scipy.special.zeta', [a.input, a.other]), [
      { torch: 'torch.special.zeta(x, z)', inputs: xz('1.5..4', '0.5..3') },
    ]),
    ...([['gammainc', 'igamma'], ['gammaincc', 'igammac']] as const).map(([name, alias]) =>
      withInplaceCases(op(name, [`torch.special.${name}(input, other)`, `torch.${alias}(input, other)`, `Tensor.${alias}(input, other)`], `jax.scipy.special.${name}(a, x)`, (a, e) => e.call(`jax.scipy.special.${name}`, [a.input, a.other]), [
        { torch: `torch.special.${name}(x, z)`, inputs: xz('0.5..3', '0.1..4') },
        { torch: `torch.${alias}(x, z)`, inputs: xz('0.5..3', '0.1..4') },
        { torch: `x.${alias}(z)`, inputs: xz('0.5..3', '0.1..4') },
      ]), 'z', xz('0.5..3', '0.1..4'))),
  ];
}

