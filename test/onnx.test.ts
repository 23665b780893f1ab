// The numerical check's runtime: ONNX graphs built in TypeScript, run on onnxruntime-web (wasm), compared with
// plain JavaScript implementations of each operator.
import * as assert from 'node:assert/strict';
import { GraphBuilder, runModel, tensor, type Tensor } from '../server/src/check/onnx';
import { ProtoWriter } from '../server/src/check/onnx/protobuf';

// ---- JavaScript references ----

/** erf by its Maclaurin series: exact to ~1e-10 on the |x| <= 4 used here. */
function erf(x: number): number {
  let term = x, sum = x;
  for (let n = 1; n < 100; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
const geluErf = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));
const geluTanh = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

const stridesOf = (shape: number[]) => shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
const sizeOf = (shape: number[]) => shape.reduce((p, d) => p * d, 1);
const coordsOf = (index: number, shape: number[]) => stridesOf(shape).map((stride, i) => Math.floor(index / stride) % shape[i]);
const indexOf = (coords: number[], shape: number[]) => stridesOf(shape).reduce((sum, stride, i) => sum + stride * coords[i], 0);

/** numpy broadcasting of two same-rank operands */
function broadcast(a: ArrayLike<number>, aShape: number[], b: ArrayLike<number>, bShape: number[], f: (x: number, y: number) => number) {
  const shape = aShape.map((d, i) => Math.max(d, bShape[i]));
  const data = Array.from({ length: sizeOf(shape) }, (_, i) => {
    const c = coordsOf(i, shape);
    return f(a[indexOf(c.map((x, j) => (aShape[j] === 1 ? 0 : x)), aShape)], b[indexOf(c.map((x, j) => (bShape[j] === 1 ? 0 : x)), bShape)]);
  });
  return { shape, data };
}

function matmul(a: ArrayLike<number>, b: ArrayLike<number>, n: number, k: number, m: number): number[] {
  return Array.from({ length: n * m }, (_, i) => {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += a[Math.floor(i / m) * k + j] * b[j * m + (i % m)];
    return sum;
  });
}

/** The elements along `axis` that share every other coordinate with element i, as flat indices. */
function lineThrough(i: number, shape: number[], axis: number): number[] {
  const c = coordsOf(i, shape);
  return Array.from({ length: shape[axis] }, (_, k) => indexOf(c.map((x, j) => (j === axis ? k : x)), shape));
}

function softmax(x: ArrayLike<number>, shape: number[], axis: number): number[] {
  return Array.from({ length: x.length }, (_, i) => {
    const line = lineThrough(i, shape, axis).map((j) => x[j]);
    const max = Math.max(...line);
    return Math.exp(x[i] - max) / line.reduce((sum, v) => sum + Math.exp(v - max), 0);
  });
}

function meanOverAxis(x: ArrayLike<number>, shape: number[], axis: number): number[] {
  const outShape = shape.map((d, j) => (j === axis ? 1 : d));
  return Array.from({ length: sizeOf(outShape) }, (_, i) => {
    const line = lineThrough(indexOf(coordsOf(i, outShape), shape), shape, axis);
    return line.reduce((sum, j) => sum + x[j], 0) / line.length;
  });
}

function transpose(x: ArrayLike<number>, shape: number[], perm: number[]): number[] {
  const outShape = perm.map((p) => shape[p]);
  return Array.from({ length: x.length }, (_, i) => {
    const out = coordsOf(i, outShape);
    const source = shape.map((_, axis) => out[perm.indexOf(axis)]);
    return x[indexOf(source, shape)];
  });
}

/** Deterministic values in [-3, 3), so a failure reproduces. */
function sample(count: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (state / 2 ** 31) * 6 - 3;
  });
}

function assertClose(actual: Tensor, expectedShape: number[], expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): void {
  assert.deepEqual(actual.shape, expectedShape);
  assert.equal(actual.data.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [Number(actual.data[i]), expected[i]];
    assert.ok(Math.abs(a - e) <= atol + rtol * Math.abs(e), `element ${i}: ${a} is not ${e}`);
  }
}

/** Builds a graph with one output, runs it and returns that output. */
async function runGraph(opset: number, build: (g: GraphBuilder) => string, feeds: Record<string, Tensor>): Promise<Tensor> {
  const g = new GraphBuilder();
  for (const [name, t] of Object.entries(feeds)) g.input(name, t.dtype, t.shape);
  const output = build(g);
  g.output(output);
  const results = await runModel(g.toModel({ opset }), feeds);
  assert.deepEqual(Object.keys(results), [output]);
  return results[output];
}

// ---- tests ----

describe('ONNX protobuf encoding', function () {
  it('writes varints as protobuf does, negative int64 in ten bytes', function () {
    assert.deepEqual([...new ProtoWriter().varint(1, 300).finish()], [0x08, 0xac, 0x02]);
    assert.deepEqual([...new ProtoWriter().varint(1, -1).finish()], [0x08, ...Array(9).fill(0xff), 0x01]);
    assert.deepEqual([...new ProtoWriter().varint(1, 2n ** 63n - 1n).finish()], [0x08, ...Array(8).fill(0xff), 0x7f]);
  });

  it('writes strings and nested messages length-delimited, floats as fixed32', function () {
    assert.deepEqual([...new ProtoWriter().string(4, 'Add').finish()], [0x22, 3, 0x41, 0x64, 0x64]);
    assert.deepEqual([...new ProtoWriter().message(7, (w) => w.varint(2, 1)).finish()], [0x3a, 2, 0x10, 1]);
    assert.deepEqual([...new ProtoWriter().float(2, 1).finish()], [0x15, 0, 0, 0x80, 0x3f]);
  });
});

describe('GraphBuilder', function () {
  it('names values uniquely and refuses a taken or unknown name', function () {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [2]);
    const first = g.node('Relu', [x]);
    const second = g.node('Relu', [first]);
    const constants = [g.constant(Float32Array.of(1)), g.constant(Float32Array.of(2))];
    assert.equal(new Set([x, first, second, ...constants]).size, 5);
    assert.throws(() => g.input('x', 'float32', [2]), /taken/);
    assert.throws(() => g.node('Relu', ['nowhere']), /unknown input 'nowhere'/);
    assert.throws(() => new GraphBuilder().toModel({ opset: 20 }), /no output/);
  });

  it('rejects data that does not fill the shape', function () {
    assert.throws(() => new GraphBuilder().constant(Float32Array.of(1, 2, 3), [2, 2]), /3 values do not fill/);
  });
});

describe('onnxruntime-web (wasm) runs built graphs', function () {
  const x23 = tensor('float32', [2, 3], Float32Array.of(-3.5, -1, -0.25, 0, 0.7, 3.9));

  it('Gelu, exact (erf) form, opset 20', async function () {
    const y = await runGraph(20, (g) => g.node('Gelu', ['x'], { approximate: 'none' }), { x: x23 });
    assertClose(y, [2, 3], Array.from(x23.data, geluErf));
  });

  it('Gelu, tanh approximation, opset 20', async function () {
    const y = await runGraph(20, (g) => g.node('Gelu', ['x'], { approximate: 'tanh' }), { x: x23 });
    assertClose(y, [2, 3], Array.from(x23.data, geluTanh));
    // the two forms differ by more than the tolerance, so each test tells them apart
    assert.ok(Math.abs(geluErf(-3.5) - geluTanh(-3.5)) > 1e-4);
  });

  it('Add broadcasts [2,1,3] with [1,4,1]', async function () {
    const a = tensor('float32', [2, 1, 3], sample(6, 1));
    const b = tensor('float32', [1, 4, 1], sample(4, 2));
    const y = await runGraph(17, (g) => g.node('Add', ['a', 'b']), { a, b });
    const expected = broadcast(a.data, a.shape, b.data, b.shape, (p, q) => p + q);
    assertClose(y, expected.shape, expected.data);
  });

  it('MatMul [2,3] x [3,4]', async function () {
    const a = tensor('float32', [2, 3], sample(6, 3));
    const b = tensor('float32', [3, 4], sample(12, 4));
    const y = await runGraph(17, (g) => g.node('MatMul', ['a', 'b']), { a, b });
    assertClose(y, [2, 4], matmul(a.data, b.data, 2, 3, 4));
  });

  it('Softmax over axis 0 of [3,4], not the last axis', async function () {
    const x = tensor('float32', [3, 4], sample(12, 5));
    const y = await runGraph(17, (g) => g.node('Softmax', ['x'], { axis: 0 }), { x });
    assertClose(y, [3, 4], softmax(x.data, x.shape, 0));
  });

  it('ReduceMean with axes as an int64 input (opset 18 form), keepdims=0', async function () {
    const x = tensor('float32', [2, 3, 4], sample(24, 6));
    const y = await runGraph(18, (g) => g.node('ReduceMean', ['x', g.constant(BigInt64Array.of(1n))], { keepdims: 0 }), { x });
    assertClose(y, [2, 4], meanOverAxis(x.data, x.shape, 1));
  });

  it('Reshape with an inferred (-1) dimension', async function () {
    const x = tensor('float32', [2, 3, 4], sample(24, 7));
    const y = await runGraph(17, (g) => g.node('Reshape', ['x', g.constant(BigInt64Array.of(4n, -1n))]), { x });
    assertClose(y, [4, 6], x.data, 0, 0);
  });

  it('Transpose with perm [2,0,1]', async function () {
    const x = tensor('float32', [2, 3, 4], sample(24, 8));
    const y = await runGraph(17, (g) => g.node('Transpose', ['x'], { perm: [2, 0, 1] }), { x });
    assertClose(y, [4, 2, 3], transpose(x.data, x.shape, [2, 0, 1]), 0, 0);
  });

  it('Concat along axis 1', async function () {
    const a = tensor('float32', [2, 2], Float32Array.of(1, 2, 3, 4));
    const b = tensor('float32', [2, 3], Float32Array.of(5, 6, 7, 8, 9, 10));
    const y = await runGraph(17, (g) => g.node('Concat', ['a', 'b'], { axis: 1 }), { a, b });
    assertClose(y, [2, 5], [1, 2, 5, 6, 7, 3, 4, 8, 9, 10], 0, 0);
  });

  it('Gather rows of a table with int64 indices (an embedding lookup)', async function () {
    const table = tensor('float32', [4, 3], sample(12, 9));
    const indices = tensor('int64', [2, 2], BigInt64Array.of(3n, 0n, 1n, 1n));
    const y = await runGraph(17, (g) => g.node('Gather', ['table', 'indices'], { axis: 0 }), { table, indices });
    const expected = [...indices.data].flatMap((row) => Array.from(table.data.slice(Number(row) * 3, Number(row) * 3 + 3)));
    assertClose(y, [2, 2, 3], expected, 0, 0);
  });

  it('Where picks by a bool condition, broadcasting a scalar', async function () {
    const condition = tensor('bool', [2, 3], Uint8Array.of(1, 0, 0, 1, 1, 0));
    const x = tensor('float32', [2, 3], sample(6, 10));
    const y = await runGraph(17, (g) => g.node('Where', ['condition', 'x', g.constant(Float32Array.of(-100), [])]), { condition, x });
    assertClose(y, [2, 3], Array.from(x.data, (v, i) => (condition.data[i] ? v : -100)), 0, 0);
  });

  it('Cast int64 to float32 and float32 to bool', async function () {
    const n = tensor('int64', [3], BigInt64Array.of(-7n, 0n, 123456n));
    const asFloat = await runGraph(17, (g) => g.node('Cast', ['n'], { to: 1 }), { n });
    assert.equal(asFloat.dtype, 'float32');
    assertClose(asFloat, [3], [-7, 0, 123456], 0, 0);
    const x = tensor('float32', [3], Float32Array.of(0.5, 0, -2));
    const asBool = await runGraph(17, (g) => g.node('Cast', ['x'], { to: 9 }), { x });
    assert.equal(asBool.dtype, 'bool');
    assert.deepEqual([...asBool.data], [1, 0, 1]);
  });

  it('a linear layer whose weight and bias are initializers', async function () {
    const x = tensor('float32', [2, 3], sample(6, 11));
    const weight = sample(12, 12);
    const bias = sample(4, 13);
    const y = await runGraph(17, (g) => g.node('Add', [g.node('MatMul', ['x', g.constant(weight, [3, 4], 'weight')]), g.constant(bias, [4], 'bias')]), { x });
    const expected = broadcast(matmul(x.data, weight, 2, 3, 4), [2, 4], bias, [1, 4], (p, q) => p + q);
    assertClose(y, [2, 4], expected.data);
  });

  it('int64 arithmetic keeps values beyond 2^53 exact', async function () {
    const big = 2n ** 60n + 3n;
    const n = tensor('int64', [2], BigInt64Array.of(big, -big));
    const y = await runGraph(17, (g) => g.node('Add', ['n', g.constant(BigInt64Array.of(1n), [])]), { n });
    assert.equal(y.dtype, 'int64');
    assert.deepEqual([...y.data], [big + 1n, -big + 1n]);
  });

  it('bool tensors in and out: And of a bool input with a comparison', async function () {
    const mask = tensor('bool', [4], Uint8Array.of(1, 1, 0, 0));
    const x = tensor('float32', [4], Float32Array.of(1, -1, 1, -1));
    const y = await runGraph(17, (g) => g.node('And', ['mask', g.node('Greater', ['x', g.constant(Float32Array.of(0), [])])]), { mask, x });
    assert.equal(y.dtype, 'bool');
    assert.deepEqual([...y.data], [1, 0, 0, 0]);
  });

  it('attributes: inferred float and floats, explicit float for a whole number, tensor', async function () {
    const x = tensor('float32', [4], Float32Array.of(-2, -1, 0, 3));
    const inferred = await runGraph(17, (g) => g.node('LeakyRelu', ['x'], { alpha: 0.25 }), { x });
    assertClose(inferred, [4], [-0.5, -0.25, 0, 3]);
    const explicit = await runGraph(17, (g) => g.node('LeakyRelu', ['x'], { alpha: { type: 'float', value: 2 } }), { x });
    assertClose(explicit, [4], [-4, -2, 0, 3]);
    const constant = await runGraph(17, (g) => g.node('Add', ['x', g.node('Constant', [], { value: tensor('float32', [4], Float32Array.of(1, 2, 3, 4)) })]), { x });
    assertClose(constant, [4], [-1, 1, 3, 7]);
    const floats = await runGraph(17, (g) => g.node('Mul', ['x', g.node('Constant', [], { value_floats: [0.5, 1.5, 2, -1] })]), { x });
    assertClose(floats, [4], [-1, -1.5, 0, -3]);
  });

  it('an invalid model fails with onnxruntime\'s message, and the next run still works', async function () {
    const g = new GraphBuilder();
    g.output(g.node('NoSuchOperator', [g.input('x', 'float32', [2])]));
    await assert.rejects(runModel(g.toModel({ opset: 20 }), { x: tensor('float32', [2], Float32Array.of(1, 2)) }),
      /onnxruntime could not load the model: .*NoSuchOperator/);
    await assert.rejects(runModel(Uint8Array.of(1, 2, 3), {}), /onnxruntime could not load the model: ./);
    const y = await runGraph(20, (g) => g.node('Gelu', ['x']), { x: x23 });
    assertClose(y, [2, 3], Array.from(x23.data, geluErf));
  });

  it('a feed of the wrong dtype fails at run time with onnxruntime\'s message', async function () {
    const g = new GraphBuilder();
    g.output(g.node('Relu', [g.input('x', 'float32', [2])]));
    await assert.rejects(runModel(g.toModel({ opset: 17 }), { x: tensor('int32', [2], Int32Array.of(1, 2)) }),
      /onnxruntime could not run the model: ./);
  });
});
