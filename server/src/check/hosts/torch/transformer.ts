// nn.TransformerEncoder/DecoderLayer, their stacks and nn.Transformer, built from the host's own layers (so their state_dict keys
// are PyTorch's: self_attn.in_proj_weight, linear1.weight, norm1.weight, layers.0...) and run as torch defines them.
import { PyInstance, PyTuple, type InterpreterApi, type Value } from '../../interp';
import { bindArgs, isNone, toBool, toInt, type BoundArgs } from '../../trace/args';
import { NotLowered } from '../../trace/tracer';
import { constructorArguments, keep, optionOf, registerModule, stateOf, type LayerDef } from './modules';
import type { TorchContext } from './tensor';

const LAYER_FORWARD = 'forward(src, src_mask=None, src_key_padding_mask=None, is_causal=False)';
const ENCODER_FORWARD = 'forward(src, mask=None, src_key_padding_mask=None, is_causal=None)';

const submodule = (self: PyInstance, name: string): Value => stateOf(self).modules.get(name) ?? optionOf(self, name);

function build(api: InterpreterApi, classes: Map<string, Value>, name: string, args: Value[], kwargs: Array<[string, Value]> = []): Value {
  return api.call(classes.get(name)!, args, new Map(kwargs));
}

function encoderLayer(classes: Map<string, Value>, c: TorchContext): LayerDef {
  return {
    params: "(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation='relu', layer_norm_eps=1e-05, batch_first=False, norm_first=False, bias=True)",
    init: (self, a) => {
      const api = c.api!;
      const [d, ff, bias, eps] = [a.d_model, a.dim_feedforward, a.bias, a.layer_norm_eps];
      const setModule = (name: string, value: Value) => registerModule(self, name, value);
      // registration order as torch's __init__, which fixes the state_dict order
      setModule('self_attn', build(api, classes, 'MultiheadAttention', [d, a.nhead], [['dropout', a.dropout], ['bias', bias], ['batch_first', a.batch_first]]));
      setModule('linear1', build(api, classes, 'Linear', [d, ff], [['bias', bias]]));
      setModule('dropout', build(api, classes, 'Dropout', [a.dropout]));
      setModule('linear2', build(api, classes, 'Linear', [ff, d], [['bias', bias]]));
      setModule('norm1', build(api, classes, 'LayerNorm', [d], [['eps', eps], ['bias', bias]]));
      setModule('norm2', build(api, classes, 'LayerNorm', [d], [['eps', eps], ['bias', bias]]));
      setModule('dropout1', build(api, classes, 'Dropout', [a.dropout]));
      setModule('dropout2', build(api, classes, 'Dropout', [a.dropout]));
      const activation = typeof a.activation === 'string' ? build(api, classes, ACTIVATIONS[a.activation] ?? unsupported(a.activation), []) : a.activation;
      setModule('activation', activation);
      keep(self, a, ['norm_first', 'batch_first']);
    },
    forward: (self, x, _c, api, rest, kwargs) => encoderLayerForward(self, api, bindArgs(LAYER_FORWARD, [x, ...rest], kwargs)),
  };
}

const ACTIVATIONS: Record<string, string> = { relu: 'ReLU', gelu: 'GELU' };

function unsupported(activation: string): never {
  throw new NotLowered('nn.TransformerEncoderLayer', `activation='${activation}'`);
}

function encoderLayerForward(self: PyInstance, api: InterpreterApi, a: BoundArgs): Value {
  const call = (name: string, ...args: Value[]) => api.call(submodule(self, name), args);
  const add = (p: Value, q: Value) => api.call(api.getattr(p, 'add'), [q]);
  const attend = (x: Value) => {
    const result = api.call(submodule(self, 'self_attn'), [x, x, x], new Map<string, Value>([['attn_mask', a.src_mask], ['key_padding_mask', a.src_key_padding_mask], ['need_weights', false]]));
    return call('dropout1', (result as PyTuple).items[0]);
  };
  const feedForward = (x: Value) => call('dropout2', call('linear2', call('dropout', call('activation', call('linear1', x)))));
  let x = a.src;
  if (toBool(optionOf(self, 'norm_first'))) {
    x = add(x, attend(call('norm1', x)));
    return add(x, feedForward(call('norm2', x)));
  }
  x = call('norm1', add(x, attend(x)));
  return call('norm2', add(x, feedForward(x)));
}

const DECODER_FORWARD = 'forward(tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False)';

/** how a stack runs its layers: the forward signature, the arguments of the first call and the per-layer keywords */
const STACKS = {
  Encoder: { forward: ENCODER_FORWARD, first: 'src', extra: [] as string[], kwargs: [['src_mask', 'mask'], ['src_key_padding_mask', 'src_key_padding_mask']] },
  Decoder: { forward: DECODER_FORWARD, first: 'tgt', extra: ['memory'], kwargs: [['tgt_mask', 'tgt_mask'], ['memory_mask', 'memory_mask'], ['tgt_key_padding_mask', 'tgt_key_padding_mask'], ['memory_key_padding_mask', 'memory_key_padding_mask']] },
};

/** TransformerEncoder/Decoder deep-copy their layer: here, the built-in layer is built again from the same arguments */
function stack(kind: 'Encoder' | 'Decoder', classes: Map<string, Value>, c: TorchContext): LayerDef {
  const layerName = `Transformer${kind}Layer`;
  const spec = STACKS[kind];
  return {
    params: kind === 'Encoder' ? '(encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True)' : '(decoder_layer, num_layers, norm=None)',
    init: (self, a) => {
      const api = c.api!;
      const template = (a.encoder_layer ?? a.decoder_layer) as PyInstance;
      const recipe = constructorArguments.get(template);
      if (!recipe || template.cls !== classes.get(layerName)) throw new NotLowered(`nn.Transformer${kind}`, `copies of a layer other than nn.${layerName}`);
      const copies = Array.from({ length: toInt(a.num_layers) }, () => api.call(template.cls, recipe.args, recipe.kwargs));
      registerModule(self, 'layers', build(api, classes, 'ModuleList', [new PyTuple(copies)]));
      if (isNone(a.norm)) self.attrs.set('norm', null);
      else registerModule(self, 'norm', a.norm);
      keep(self, a, ['num_layers']);
    },
    forward: (self, x, _c, api, rest, kwargs) => {
      const a = bindArgs(spec.forward, [x, ...rest], kwargs);
      const layerKwargs = new Map<string, Value>(spec.kwargs.map(([to, from]) => [to, a[from]]));
      let output = a[spec.first];
      for (const layer of (stateOf(submodule(self, 'layers') as PyInstance).modules.values())) output = api.call(layer!, [output, ...spec.extra.map((n) => a[n])], layerKwargs);
      const norm = submodule(self, 'norm');
      return isNone(norm) ? output : api.call(norm, [output]);
    },
  };
}

const TRANSFORMER_FORWARD = 'forward(src, tgt, src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None, memory_is_causal=False)';

/** nn.Transformer: an encoder and a decoder stack, each with a final LayerNorm, as torch's __init__ builds them */
function transformer(classes: Map<string, Value>, c: TorchContext): LayerDef {
  return {
    params: "(d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048, dropout=0.1, activation='relu', custom_encoder=None, custom_decoder=None, layer_norm_eps=1e-05, batch_first=False, norm_first=False, bias=True)",
    init: (self, a) => {
      const api = c.api!;
      if (!isNone(a.custom_encoder) || !isNone(a.custom_decoder)) throw new NotLowered('nn.Transformer', 'a custom encoder or decoder');
      const layerArgs = [a.d_model, a.nhead, a.dim_feedforward, a.dropout, a.activation, a.layer_norm_eps, a.batch_first, a.norm_first, a.bias];
      for (const kind of ['Encoder', 'Decoder']) {
        const layer = build(api, classes, `Transformer${kind}Layer`, layerArgs);
        const norm = build(api, classes, 'LayerNorm', [a.d_model], [['eps', a.layer_norm_eps], ['bias', a.bias]]);
        registerModule(self, kind.toLowerCase(), build(api, classes, `Transformer${kind}`, [layer, kind === 'Encoder' ? a.num_encoder_layers : a.num_decoder_layers, norm]));
      }
      keep(self, a, ['d_model', 'nhead', 'batch_first']);
    },
    forward: (self, x, _c, api, rest, kwargs) => {
      const a = bindArgs(TRANSFORMER_FORWARD, [x, ...rest], kwargs);
      const memory = api.call(submodule(self, 'encoder'), [a.src], new Map<string, Value>([['mask', a.src_mask], ['src_key_padding_mask', a.src_key_padding_mask]]));
      const decoderKwargs = new Map<string, Value>(['tgt_mask', 'memory_mask', 'tgt_key_padding_mask', 'memory_key_padding_mask'].map((n) => [n, a[n]]));
      return api.call(submodule(self, 'decoder'), [a.tgt, memory], decoderKwargs);
    },
  };
}

const DECODER_LAYER_FORWARD = 'forward(tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False)';

function decoderLayer(classes: Map<string, Value>, c: TorchContext): LayerDef {
  return {
    params: "(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation='relu', layer_norm_eps=1e-05, batch_first=False, norm_first=False, bias=True)",
    init: (self, a) => {
      const api = c.api!;
      const [d, ff, bias, eps] = [a.d_model, a.dim_feedforward, a.bias, a.layer_norm_eps];
      const attention = () => build(api, classes, 'MultiheadAttention', [d, a.nhead], [['dropout', a.dropout], ['bias', bias], ['batch_first', a.batch_first]]);
      const norm = () => build(api, classes, 'LayerNorm', [d], [['eps', eps], ['bias', bias]]);
      const dropout = () => build(api, classes, 'Dropout', [a.dropout]);
      // registration order as torch's __init__, which fixes the state_dict order
      const modules: Array<[string, () => Value]> = [
        ['self_attn', attention], ['multihead_attn', attention],
        ['linear1', () => build(api, classes, 'Linear', [d, ff], [['bias', bias]])], ['dropout', dropout],
        ['linear2', () => build(api, classes, 'Linear', [ff, d], [['bias', bias]])],
        ['norm1', norm], ['norm2', norm], ['norm3', norm], ['dropout1', dropout], ['dropout2', dropout], ['dropout3', dropout],
        ['activation', () => (typeof a.activation === 'string' ? build(api, classes, ACTIVATIONS[a.activation] ?? unsupported(a.activation), []) : a.activation)],
      ];
      for (const [name, make] of modules) registerModule(self, name, make());
      keep(self, a, ['norm_first', 'batch_first']);
    },
    forward: (self, x, _c, api, rest, kwargs) => decoderLayerForward(self, api, bindArgs(DECODER_LAYER_FORWARD, [x, ...rest], kwargs)),
  };
}

/** torch's TransformerDecoderLayer: self-attention, attention over memory, feed-forward, each with a residual */
function decoderLayerForward(self: PyInstance, api: InterpreterApi, a: BoundArgs): Value {
  const call = (name: string, ...args: Value[]) => api.call(submodule(self, name), args);
  const add = (p: Value, q: Value) => api.call(api.getattr(p, 'add'), [q]);
  const attend = (layer: string, dropout: string, memory: Value | null, mask: Value, padding: Value) => (x: Value) => {
    const kv = memory ?? x;
    const result = api.call(submodule(self, layer), [x, kv, kv], new Map<string, Value>([['attn_mask', mask], ['key_padding_mask', padding], ['need_weights', false]]));
    return call(dropout, (result as PyTuple).items[0]);
  };
  const blocks = [
    attend('self_attn', 'dropout1', null, a.tgt_mask, a.tgt_key_padding_mask),
    attend('multihead_attn', 'dropout2', a.memory, a.memory_mask, a.memory_key_padding_mask),
    (x: Value) => call('dropout3', call('linear2', call('dropout', call('activation', call('linear1', x))))),
  ];
  const normFirst = toBool(optionOf(self, 'norm_first'));
  return blocks.reduce((x, block, i) => (normFirst ? add(x, block(call(`norm${i + 1}`, x))) : call(`norm${i + 1}`, add(x, block(x)))), a.tgt);
}

export function transformerLayers(classes: Map<string, Value>, c: TorchContext): Record<string, LayerDef> {
  return {
    TransformerEncoderLayer: encoderLayer(classes, c), TransformerEncoder: stack('Encoder', classes, c),
    TransformerDecoderLayer: decoderLayer(classes, c), TransformerDecoder: stack('Decoder', classes, c), Transformer: transformer(classes, c),
  };
}
