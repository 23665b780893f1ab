// TensorFlow / Keras 3 → PyTorch: the Keras profile of the reverse engine (engine.ts), with the Keras-side table
// (server/src/catalogue/from-keras.ts).
import type { ConversionResult } from '../convert';
import { KERAS_NAMES, KERAS_NOT_YET, kerasFunctions, kerasLayers } from '../catalogue/from-keras';
import { convertWith, type SourceProfile } from './engine';
import { isKerasPreludeDefinition, kerasHelperReplacement } from './prelude';

/** One spelling per API: tf.keras is keras, and the classes Keras exports twice are named by their short path. */
const ALIASES: Array<[RegExp, string]> = [
  [/^tensorflow\.keras\./, 'keras.'],
  [/^keras\.layers\.Layer$/, 'keras.Layer'],
  [/^keras\.models\.Model$/, 'keras.Model'],
];

export const kerasProfile: SourceProfile = {
  label: 'Keras',
  variableLabel: 'Keras',
  isSourcePath: (path) => /^(keras|tensorflow)(\.|$)/.test(path),
  canonical: (path) => ALIASES.reduce((p, [from, to]) => p.replace(from, to), path),
  moduleBases: new Set(['keras.Layer', 'keras.Model']),
  callMethod: 'call',
  unconvertedMethods: {
    build: 'a build() method is not converted: torch modules create their weights in __init__ (create the layers there)',
  },
  variableKinds: new Set(),
  declareMethod: { name: 'add_weight', path: 'keras.Layer.add_weight' },
  droppedParams: new Map(),
  modeArgument: 'training',
  tracksLayerLists: true,
  tensorAttributesAreBuffers: true,
  modeFlags: new Set(),
  functions: kerasFunctions,
  layers: kerasLayers,
  names: KERAS_NAMES,
  notYet: KERAS_NOT_YET,
  arrayMethods: { names: new Set(), namespace: 'keras.ops.' },
  loader: 'load_keras_weights',
  helperReplacement: kerasHelperReplacement,
  isPreludeDefinition: isKerasPreludeDefinition,
};

export function convertKeras(text: string): ConversionResult {
  return convertWith(kerasProfile, text);
}
