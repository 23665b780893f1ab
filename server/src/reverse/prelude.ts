// The JAX prelude's own helpers that a file converted to JAX by Rosetta carries (jax_prelude.py), recognised by their
// text, and what each becomes in torch.
import jaxPrelude from '../prelude/jax_prelude.py';

/** What a JAX-prelude definition becomes in torch: a torch prelude helper, or nothing (with the reason, kept as a
 *  comment) where torch needs no code for it. */
const JAX_HELPERS: Record<string, { helper: string } | { reason: string }> = {
  tie_weights: { helper: 'tie_weights' },
  pool_nd: { helper: 'pool_nd' },
  lp_pool_nd: { helper: 'lp_pool_nd' },
  adaptive_pool_nd: { helper: 'adaptive_pool_nd' },
  _pool_pads: { reason: "a part of the JAX pool_nd; torch's pooling pads itself" },
  TiedLinear: { reason: 'tie_weights makes the two torch layers share one parameter' },
  _torch_entries: { reason: "the JAX file's loader; the torch file's is load_flax_state" },
  load_torch_state_dict: { reason: "the JAX file's loader; the torch file's is load_flax_state" },
};

/** The replacement of a top-level definition that is Rosetta's JAX prelude helper, word for word. */
export function jaxHelperReplacement(name: string, definitionText: string): { helper: string } | { reason: string } | undefined {
  const known = JAX_HELPERS[name];
  return known && jaxPrelude.includes(definitionText) ? known : undefined;
}
