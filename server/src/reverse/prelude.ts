// The prelude helpers that a file converted by Rosetta carries (jax_prelude.py, keras_prelude.py), recognised by their
// text, and what each becomes in torch.
import jaxPrelude from '../prelude/jax_prelude.py';
import kerasPrelude from '../prelude/keras_prelude.py';

/** What a prelude definition becomes in torch: a torch prelude helper of that name; the torch API its uses become
 *  (`receiver`: a function whose first argument is torch's receiver, `register_buffer(m, ...)` → `m.register_buffer(...)`);
 *  nothing (with the reason, kept as a comment) where torch needs no code for it; or nothing where only the
 *  definitions replaced used it (`unused`, found by the engine: ConvNd, the base of the prelude's Conv2d). */
export type HelperReplacement = { helper: string } | { torch: string; receiver?: true } | { reason: string } | { unused: true };

const JAX_HELPERS: Record<string, HelperReplacement> = {
  tie_weights: { helper: 'tie_weights' },
  pool_nd: { helper: 'pool_nd' },
  lp_pool_nd: { helper: 'lp_pool_nd' },
  adaptive_pool_nd: { helper: 'adaptive_pool_nd' },
  _pool_pads: { reason: "a part of the JAX pool_nd; torch's pooling pads itself" },
  TiedLinear: { reason: 'tie_weights makes the two torch layers share one parameter' },
  _torch_entries: { reason: "the JAX file's loader; the torch file's is load_flax_state" },
  load_torch_state_dict: { reason: "the JAX file's loader; the torch file's is load_flax_state" },
};

/** The Keras prelude's stand-ins for torch layers and functions keep torch's signatures: their uses are torch's. */
const KERAS_HELPERS: Record<string, HelperReplacement> = {
  identity: { torch: 'nn.Identity()' },
  nnf_layer_norm: { torch: 'torch.nn.functional.layer_norm' },
  nnf_scaled_dot_product_attention: { torch: 'torch.nn.functional.scaled_dot_product_attention' },
  nnf_dropout: { torch: 'torch.nn.functional.dropout' },
  nnf_group_norm: { torch: 'torch.nn.functional.group_norm' },
  nnf_prelu: { torch: 'torch.nn.functional.prelu' },
  nnf_rms_norm: { torch: 'torch.nn.functional.rms_norm' },
  register_buffer: { torch: 'register_buffer', receiver: true },
  Linear: { torch: 'nn.Linear' },
  LayerNorm: { torch: 'nn.LayerNorm' },
  Embedding: { torch: 'nn.Embedding' },
  Conv1d: { torch: 'nn.Conv1d' },
  Conv2d: { torch: 'nn.Conv2d' },
  Conv3d: { torch: 'nn.Conv3d' },
  ConvTranspose1d: { torch: 'nn.ConvTranspose1d' },
  ConvTranspose2d: { torch: 'nn.ConvTranspose2d' },
  ConvTranspose3d: { torch: 'nn.ConvTranspose3d' },
  GroupNorm: { torch: 'nn.GroupNorm' },
  PReLU: { torch: 'nn.PReLU' },
  RMSNorm: { torch: 'nn.RMSNorm' },
  // Keras's Sequential holds plain functions too: the torch prelude's wraps them as modules, children named 0, 1, ...
  Sequential: { helper: 'Sequential' },
  ModuleDict: { torch: 'nn.ModuleDict' },
  _named_state: { reason: "a part of the Keras file's loader; the torch file's is load_keras_weights" },
  load_torch_state_dict: { reason: "the Keras file's loader; the torch file's is load_keras_weights" },
};

/** The replacement of a top-level definition that is the prelude's helper of that name, word for word. */
function recogniser(prelude: string, helpers: Record<string, HelperReplacement>) {
  return (name: string, definitionText: string): HelperReplacement | undefined => {
    const known = Object.hasOwn(helpers, name) ? helpers[name] : undefined;
    return known && prelude.includes(definitionText) ? known : undefined;
  };
}

export const jaxHelperReplacement = recogniser(jaxPrelude, JAX_HELPERS);
export const kerasHelperReplacement = recogniser(kerasPrelude, KERAS_HELPERS);
/** Whether a top-level definition is one of the Keras prelude's, word for word. */
export const isKerasPreludeDefinition = (definitionText: string) => kerasPrelude.includes(definitionText);
