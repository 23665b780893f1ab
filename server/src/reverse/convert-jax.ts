// JAX / Flax NNX → PyTorch: the JAX profile of the reverse engine (engine.ts), with the JAX-side table
// (server/src/catalogue/from-jax.ts).
import type { ConversionResult } from '../convert';
import { ARRAY_METHODS, JAX_NAMES, JAX_NOT_YET, jaxFunctions, jaxLayers } from '../catalogue/from-jax';
import { convertWith, type SourceProfile } from './engine';
import { jaxHelperReplacement } from './prelude';

export const jaxProfile: SourceProfile = {
  label: 'JAX',
  variableLabel: 'Flax',
  isSourcePath: (path) => /^(jax|flax)(\.|$)/.test(path),
  canonical: (path) => path,
  moduleBases: new Set(['flax.nnx.Module']),
  callMethod: '__call__',
  unconvertedMethods: {},
  // Flax's variable kinds that are state but not trained parameters: torch buffers
  variableKinds: new Set(['flax.nnx.Variable', 'flax.nnx.BatchStat', 'flax.nnx.Cache', 'flax.nnx.Intermediate']),
  paramKind: 'flax.nnx.Param',
  droppedParams: new Map([['rngs', "Flax's random streams have no torch counterpart: torch draws from its global generator"]]),
  // call-time flags of Flax layers that torch layers take from train()/eval()
  modeFlags: new Set(['deterministic', 'use_running_average']),
  modeAttribute: { name: 'deterministic', torch: '(not self.training)', assignment: "pass  # Flax's deterministic flag is torch's self.training (set by train()/eval())" },
  functions: jaxFunctions,
  layers: jaxLayers,
  names: JAX_NAMES,
  notYet: JAX_NOT_YET,
  arrayMethods: { names: ARRAY_METHODS, namespace: 'jax.numpy.' },
  loader: 'load_flax_state',
  helperReplacement: jaxHelperReplacement,
  /** nnx.Embed.attend(query): the query against the embedding table, torch's F.linear with the Embedding's weight. */
  layerMethod(layer, method, attribute, { positional, keywords }, e) {
    if (layer !== 'flax.nnx.Embed' || method !== 'attend') return undefined;
    const query = positional[0] ?? keywords.query;
    if (!query || positional.length + Object.keys(keywords).length !== 1) e.unsupported('only attend(query) is converted');
    return `torch.nn.functional.linear(${query.text}, self.${attribute}.weight)`;
  },
};

export function convertJax(text: string): ConversionResult {
  return convertWith(jaxProfile, text);
}
