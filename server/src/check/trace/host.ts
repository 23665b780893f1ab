// What the check needs from a framework host: the interpreter's import hook plus the bridge between the
// framework's tensors and symbolic values, and the model hooks (weights in, mode, state_dict out).
import type { Host, InterpreterApi, Value } from '../interp';
import type { DType, Tensor } from '../onnx/tensor';
import type { Sym, Tracer } from './tracer';

/** How the framework would initialise a weight; the check draws values of a similar scale from its seed. */
export type InitHint =
  | { kind: 'fanIn'; fanIn: number }
  | { kind: 'ones' }
  | { kind: 'zeros' }
  | { kind: 'positive' }
  | { kind: 'normal' };

export interface WeightSource {
  /** data for a weight, by a stable name (its state_dict key for torch) */
  draw(name: string, shape: readonly number[], dtype: DType, init: InitHint): Tensor;
}

export interface StateEntry {
  /** the source's own name for it: a PyTorch state_dict key (`blocks.0.attn.qkv.weight`), a Flax nnx.state path
   *  (`blocks.0.linear.kernel`) */
  name: string;
  sym: Sym;
  kind: 'parameter' | 'buffer';
}

export interface TraceHost extends Host {
  readonly tracer: Tracer;
  /** the symbolic value a framework tensor holds; undefined for any other value */
  symOf(value: Value): Sym | undefined;
  /** a model input as this framework's tensor (a JAX host casts int64 to int32, as JAX does without x64) */
  inputTensor(sym: Sym): Value;
  /** called once on the built model before it runs: names and feeds its weights, sets eval/train mode */
  prepare(model: Value, mode: 'eval' | 'train', api: InterpreterApi): void;
  /** sources: the weights a converted file's loader takes (torch: the state_dict in PyTorch's order; Flax: nnx.state) */
  stateDict?(model: Value, api: InterpreterApi): StateEntry[];
  /** targets: the Python value handed to the converted file's loader (`load_torch_state_dict(model, state)`,
   *  `load_flax_state(model, state)`), arrays over `state` */
  stateDictValue?(state: ReadonlyArray<{ name: string; sym: Sym }>): Value;
}
