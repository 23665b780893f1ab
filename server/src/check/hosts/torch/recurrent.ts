// nn.RNN / LSTM / GRU and their cells, unrolled over the (static) sequence length. Weights are named and ordered as
// PyTorch does (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, then the _reverse direction, layer by layer).
import { PyInstance, PyTuple, pyError, type Value } from '../../interp';
import { bindArgs, isNone, toBool, toInt, toNumber, toStr, type BoundArgs } from '../../trace/args';
import * as ops from '../../trace/ops';
import { NotLowered, type Sym, type Tracer } from '../../trace/tracer';
import { tensorArg } from './functions';
import { linear } from './functional';
import { addParameter, fanIn, keep, optionOf, stateOf, weightOf, type LayerDef } from './modules';
import type { TorchContext } from './tensor';

type Kind = 'RNN' | 'LSTM' | 'GRU';
const GATES: Record<Kind, number> = { RNN: 1, LSTM: 4, GRU: 3 };

interface Weights {
  ih: Sym;
  hh: Sym;
  bih: Sym | null;
  bhh: Sym | null;
}

/** one step: the new hidden state (and cell state for LSTM) from the input's projection and the previous state */
function step(t: Tracer, kind: Kind, activation: string, xProjected: Sym, h: Sym, cell: Sym | null, w: Weights): [Sym, Sym | null] {
  const hidden = linear(t, h, w.hh, w.bhh);
  const size = h.shape[h.shape.length - 1];
  const gate = (y: Sym, i: number) => ops.sliceAxis(t, y, -1, i * size, (i + 1) * size);
  const sigmoid = (y: Sym) => ops.unary(t, 'Sigmoid', y);
  const tanh = (y: Sym) => ops.unary(t, 'Tanh', y);
  const add = (a: Sym, b: Sym) => ops.binary(t, 'Add', a, b);
  const mul = (a: Sym, b: Sym) => ops.binary(t, 'Mul', a, b);
  if (kind === 'RNN') return [ops.unary(t, activation === 'relu' ? 'Relu' : 'Tanh', add(xProjected, hidden)), null];
  if (kind === 'LSTM') {
    const gates = add(xProjected, hidden);
    const [i, f, g, o] = [sigmoid(gate(gates, 0)), sigmoid(gate(gates, 1)), tanh(gate(gates, 2)), sigmoid(gate(gates, 3))];
    const c = add(mul(f, cell!), mul(i, g));
    return [mul(o, tanh(c)), c];
  }
  const r = sigmoid(add(gate(xProjected, 0), gate(hidden, 0)));
  const z = sigmoid(add(gate(xProjected, 1), gate(hidden, 1)));
  const n = tanh(add(gate(xProjected, 2), mul(r, gate(hidden, 2))));
  // h' = (1 - z) * n + z * h
  return [add(n, mul(z, ops.binary(t, 'Sub', h, n))), null];
}

function weightsOf(self: PyInstance, suffix: string): Weights {
  return { ih: weightOf(self, `weight_ih${suffix}`)!, hh: weightOf(self, `weight_hh${suffix}`)!, bih: weightOf(self, `bias_ih${suffix}`), bhh: weightOf(self, `bias_hh${suffix}`) };
}

function addWeights(self: PyInstance, c: TorchContext, suffix: string, gates: number, inputSize: number, hidden: number, bias: boolean): void {
  // torch draws every RNN weight uniform(±1/sqrt(hidden_size))
  addParameter(self, c, `weight_ih${suffix}`, [gates * hidden, inputSize], fanIn(hidden));
  addParameter(self, c, `weight_hh${suffix}`, [gates * hidden, hidden], fanIn(hidden));
  if (bias) {
    addParameter(self, c, `bias_ih${suffix}`, [gates * hidden], fanIn(hidden));
    addParameter(self, c, `bias_hh${suffix}`, [gates * hidden], fanIn(hidden));
  }
}

/** runs one direction of one layer over x [T, N, in]; returns the outputs [T, N, H] and the final states */
function runDirection(t: Tracer, kind: Kind, activation: string, x: Sym, w: Weights, h0: Sym, c0: Sym | null, reverse: boolean): [Sym, Sym, Sym | null] {
  const projected = linear(t, x, w.ih, w.bih);
  const steps = x.shape[0];
  const outputs: Sym[] = Array(steps);
  let [h, cell] = [h0, c0];
  for (let k = 0; k < steps; k++) {
    const time = reverse ? steps - 1 - k : k;
    [h, cell] = step(t, kind, activation, ops.squeeze(t, ops.sliceAxis(t, projected, 0, time, time + 1), [0]), h, cell, w);
    outputs[time] = h;
  }
  return [ops.stack(t, outputs, 0), h, cell];
}

const SEQUENCE_FORWARD = 'forward(input, hx=None)';

function sequenceLayer(kind: Kind): LayerDef {
  return {
    params: `(input_size, hidden_size, num_layers=1, ${kind === 'RNN' ? "nonlinearity='tanh', " : ''}bias=True, batch_first=False, dropout=0.0, bidirectional=False${kind === 'LSTM' ? ', proj_size=0' : ''})`,
    init: (self, a, c) => {
      if (kind === 'LSTM' && toInt(a.proj_size) !== 0) throw new NotLowered('nn.LSTM', 'proj_size');
      const [inputSize, hidden, layers] = [toInt(a.input_size), toInt(a.hidden_size), toInt(a.num_layers)];
      keep(self, a, ['input_size', 'hidden_size', 'num_layers', 'bias', 'batch_first', 'dropout', 'bidirectional', ...(kind === 'RNN' ? ['nonlinearity'] : [])]);
      const directions = toBool(a.bidirectional) ? 2 : 1;
      for (let l = 0; l < layers; l++) {
        for (let d = 0; d < directions; d++) addWeights(self, c, `_l${l}${d ? '_reverse' : ''}`, GATES[kind], l ? hidden * directions : inputSize, hidden, toBool(a.bias));
      }
    },
    forward: (self, x, c, _api, rest, kwargs) => runSequence(self, kind, c, bindArgs(SEQUENCE_FORWARD, [x, ...rest], kwargs)),
  };
}

function runSequence(self: PyInstance, kind: Kind, c: TorchContext, a: BoundArgs): Value {
  const t = c.t;
  if (stateOf(self).training && toNumber(optionOf(self, 'dropout')) > 0 && toInt(optionOf(self, 'num_layers')) > 1) {
    throw new NotLowered(`nn.${kind} dropout in training mode`, 'its random mask cannot be reproduced');
  }
  const input = tensorArg(a.input);
  const unbatched = input.shape.length === 2;
  const batchFirst = toBool(optionOf(self, 'batch_first')) && !unbatched;
  let x = unbatched ? ops.unsqueeze(t, input, [1]) : batchFirst ? ops.swapAxes(t, input, 0, 1) : input;
  const [layers, hidden] = [toInt(optionOf(self, 'num_layers')), toInt(optionOf(self, 'hidden_size'))];
  const directions = toBool(optionOf(self, 'bidirectional')) ? 2 : 1;
  const batch = x.shape[1];
  const [h0, c0] = initialStates(t, kind, a.hx, layers * directions, batch, hidden, unbatched);
  const finalH: Sym[] = [];
  const finalC: Sym[] = [];
  for (let l = 0; l < layers; l++) {
    const outputs: Sym[] = [];
    for (let d = 0; d < directions; d++) {
      const index = l * directions + d;
      const pick = (s: Sym) => ops.squeeze(t, ops.sliceAxis(t, s, 0, index, index + 1), [0]);
      const [out, h, cell] = runDirection(t, kind, String(optionOf(self, 'nonlinearity') ?? 'tanh'), x, weightsOf(self, `_l${l}${d ? '_reverse' : ''}`), pick(h0), c0 && pick(c0), d === 1);
      outputs.push(out);
      finalH.push(h);
      if (cell) finalC.push(cell);
    }
    x = directions === 2 ? ops.concat(t, outputs, -1) : outputs[0];
  }
  const output = unbatched ? ops.squeeze(t, x, [1]) : batchFirst ? ops.swapAxes(t, x, 0, 1) : x;
  const state = (states: Sym[]) => c.wrap(unbatched ? ops.squeeze(t, ops.stack(t, states, 0), [1]) : ops.stack(t, states, 0));
  const hn = state(finalH);
  return new PyTuple([c.wrap(output), kind === 'LSTM' ? new PyTuple([hn, state(finalC)]) : hn]);
}

/** h0 (and c0) from hx, or zeros: [layers * directions, N, H] */
function initialStates(t: Tracer, kind: Kind, hx: Value, count: number, batch: number, hidden: number, unbatched: boolean): [Sym, Sym | null] {
  const zeros = () => ops.full(t, [count, batch, hidden], 0, 'float32');
  const given = (v: Value) => (unbatched ? ops.unsqueeze(t, tensorArg(v), [1]) : tensorArg(v));
  if (isNone(hx)) return [zeros(), kind === 'LSTM' ? zeros() : null];
  if (kind !== 'LSTM') return [given(hx), null];
  const [h, cell] = (hx as PyTuple).items;
  return [given(h), given(cell)];
}

function cellLayer(kind: Kind): LayerDef {
  return {
    params: `(input_size, hidden_size, bias=True${kind === 'RNN' ? ", nonlinearity='tanh'" : ''})`,
    init: (self, a, c) => {
      keep(self, a, ['input_size', 'hidden_size', 'bias', ...(kind === 'RNN' ? ['nonlinearity'] : [])]);
      addWeights(self, c, '', GATES[kind], toInt(a.input_size), toInt(a.hidden_size), toBool(a.bias));
    },
    forward: (self, x, c, _api, rest, kwargs) => {
      const t = c.t;
      const a = bindArgs(SEQUENCE_FORWARD, [x, ...rest], kwargs);
      const input = tensorArg(a.input);
      const unbatched = input.shape.length === 1;
      const batched = unbatched ? ops.unsqueeze(t, input, [0]) : input;
      const hidden = toInt(optionOf(self, 'hidden_size'));
      const [h0, c0] = cellStates(t, kind, a.hx, batched.shape[0], hidden, unbatched);
      const w = weightsOf(self, '');
      const [h, cell] = step(t, kind, toStr(optionOf(self, 'nonlinearity') ?? 'tanh'), linear(t, batched, w.ih, w.bih), h0, c0, w);
      const out = (s: Sym) => c.wrap(unbatched ? ops.squeeze(t, s, [0]) : s);
      return kind === 'LSTM' ? new PyTuple([out(h), out(cell!)]) : out(h);
    },
  };
}

function cellStates(t: Tracer, kind: Kind, hx: Value, batch: number, hidden: number, unbatched: boolean): [Sym, Sym | null] {
  const zeros = () => ops.full(t, [batch, hidden], 0, 'float32');
  const given = (v: Value) => (unbatched ? ops.unsqueeze(t, tensorArg(v), [0]) : tensorArg(v));
  if (isNone(hx)) return [zeros(), kind === 'LSTM' ? zeros() : null];
  if (kind !== 'LSTM') return [given(hx), null];
  if (!(hx instanceof PyTuple)) throw pyError('TypeError', 'LSTMCell expects hx as a tuple (h, c)');
  return [given(hx.items[0]), given(hx.items[1])];
}

export function recurrentLayers(): Record<string, LayerDef> {
  return {
    RNN: sequenceLayer('RNN'), LSTM: sequenceLayer('LSTM'), GRU: sequenceLayer('GRU'),
    RNNCell: cellLayer('RNN'), LSTMCell: cellLayer('LSTM'), GRUCell: cellLayer('GRU'),
  };
}
