// nn.TransformerEncoderLayer and nn.TransformerEncoder, built from the host's own layers (so their state_dict keys
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

/** TransformerEncoder deep-copies its layer: here, the built-in layer is built again from the same arguments */
function encoder(classes: Map<string, Value>, c: TorchContext): LayerDef {
  return {
    params: '(encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True)',
    init: (self, a) => {
      const api = c.api!;
      const template = a.encoder_layer as PyInstance;
      const recipe = constructorArguments.get(template);
      if (!recipe || template.cls !== classes.get('TransformerEncoderLayer')) throw new NotLowered('nn.TransformerEncoder', 'copies of a layer other than nn.TransformerEncoderLayer');
      const copies = Array.from({ length: toInt(a.num_layers) }, () => api.call(template.cls, recipe.args, recipe.kwargs));
      registerModule(self, 'layers', build(api, classes, 'ModuleList', [new PyTuple(copies)]));
      if (isNone(a.norm)) self.attrs.set('norm', null);
      else registerModule(self, 'norm', a.norm);
      keep(self, a, ['num_layers']);
    },
    forward: (self, x, _c, api, rest, kwargs) => {
      const a = bindArgs(ENCODER_FORWARD, [x, ...rest], kwargs);
      const layerKwargs = new Map<string, Value>([['src_mask', a.mask], ['src_key_padding_mask', a.src_key_padding_mask]]);
      let output = a.src;
      for (const layer of (stateOf(submodule(self, 'layers') as PyInstance).modules.values())) output = api.call(layer!, [output], layerKwargs);
      const norm = submodule(self, 'norm');
      return isNone(norm) ? output : api.call(norm, [output]);
    },
  };
}

export function transformerLayers(classes: Map<string, Value>, c: TorchContext): Record<string, LayerDef> {
  return { TransformerEncoderLayer: encoderLayer(classes, c), TransformerEncoder: encoder(classes, c) };
}
