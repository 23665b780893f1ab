// Conversion of any pair the converter knows, free of the editor protocol: PyTorch's engine writes its targets, the
// reverse engine (JAX or Keras, by the imports unless told) writes PyTorch. The language server and the check share it.
import { convertTorch, type ConversionResult } from './convert';
import { convertToTorch } from './reverse/to-torch';
import type { SourceFramework, Target } from './protocol';

/** Converts with the engine that writes `target`. Throws InputError where the text does not parse. */
export function convertTo(text: string, target: Target, from?: SourceFramework): ConversionResult {
  return target === 'torch' ? convertToTorch(text, from) : convertTorch(text, target);
}
