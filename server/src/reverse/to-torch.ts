// Which framework a file is written in, and its conversion to PyTorch by that framework's profile.
import type { ConversionResult } from '../convert';
import type { Node } from '../parser';
import { jaxProfile } from './convert-jax';
import { kerasProfile } from './convert-keras';
import { importsLinen, linenProfile } from './convert-linen';
import { convertWith, moduleClassesWith, type SourceProfile } from './engine';
import { detectFramework } from '../protocol';

export { detectFramework };

/** The profile of a JAX or Keras file: a JAX file that imports Flax Linen is converted as Linen, not NNX. */
function profileFor(text: string, from: 'jax' | 'keras'): SourceProfile {
  if (from === 'keras') return kerasProfile;
  return importsLinen(text) ? linenProfile : jaxProfile;
}

/** A JAX or Keras file converted to PyTorch: from `from`, or by its imports (JAX where it names neither). */
export function convertToTorch(text: string, from = detectFramework(text)): ConversionResult {
  return convertWith(profileFor(text, from === 'keras' ? 'keras' : 'jax'), text);
}

/** The file's module classes (nnx.Module, linen.Module, keras.Layer, ...), through their bases in file order: the
 *  editor puts its lenses on them. */
export function moduleClassesToTorch(root: Node, from: 'jax' | 'keras'): ReadonlySet<string> {
  return moduleClassesWith(profileFor(root.text, from), root);
}
