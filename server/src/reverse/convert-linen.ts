// Flax Linen → PyTorch: the Linen profile of the reverse engine (engine.ts). Linen modules are dataclasses (fields,
// setup, compact methods: the engine's dataclass modules); the table is the JAX one with Linen's layers
// (server/src/catalogue/from-jax.ts), the loader load_flax_state, which takes Linen's variables too.
import type { ConversionResult } from '../convert';
import { ARRAY_METHODS, JAX_NAMES, JAX_NOT_YET, linenFunctions, linenLayers } from '../catalogue/from-jax';
import { convertWith, type SourceProfile } from './engine';
import { jaxProfile } from './convert-jax';

const NOT_TRAINED_HERE = 'Linen declares its variables in the module; torch modules hold them as attributes made in __init__';

export const linenProfile: SourceProfile = {
  ...jaxProfile,
  label: 'Flax Linen',
  moduleBases: new Set(['flax.linen.Module']),
  variableKinds: new Set(),
  paramKind: undefined,
  droppedParams: new Map(),
  modeArgument: 'train',
  negatedModeArgument: 'deterministic',
  modeFlags: new Set(['deterministic', 'use_running_average']),
  negatedModeFlags: new Set(['deterministic', 'use_running_average']),
  // Linen tracks the layers of a list made in setup (layers_0, layers_1, ...): torch's nn.ModuleList
  tracksLayerLists: true,
  modeAttribute: undefined,
  functions: linenFunctions,
  layers: linenLayers,
  names: { ...JAX_NAMES, 'flax.linen.Module': 'nn.Module' },
  notYet: JAX_NOT_YET,
  arrayMethods: { names: ARRAY_METHODS, namespace: 'jax.numpy.' },
  dataclassModules: { setupMethod: 'setup', compactDecorator: 'flax.linen.compact' },
  unconvertedSelfMethods: {
    param: `self.param is not converted: ${NOT_TRAINED_HERE} (an nn.Parameter)`,
    variable: `self.variable is not converted: ${NOT_TRAINED_HERE} (a buffer)`,
    sow: 'self.sow (intermediates) has no torch counterpart',
    make_rng: "Linen's random streams have no torch counterpart: torch draws from its global generator",
  },
  layerMethod(layer, method, attribute, args, e) {
    return layer === 'flax.linen.Embed' ? jaxProfile.layerMethod!('flax.nnx.Embed', method, attribute, args, e) : undefined;
  },
};

/** Whether a file imports Flax Linen (`from flax import linen as nn`, `import flax.linen as nn`). */
export function importsLinen(text: string): boolean {
  return /^\s*(from\s+flax\s+import\s+[^\n]*\blinen\b|(import|from)\s+flax\.linen\b)/m.test(text);
}

export function convertLinen(text: string): ConversionResult {
  return convertWith(linenProfile, text);
}
