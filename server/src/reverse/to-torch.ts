// Which framework a file is written in, and its conversion to PyTorch by that framework's profile.
import type { ConversionResult } from '../convert';
import type { Node } from '../parser';
import { jaxProfile } from './convert-jax';
import { kerasProfile } from './convert-keras';
import { convertWith, moduleClassesWith, type SourceProfile } from './engine';
import { detectFramework } from '../protocol';

export { detectFramework };

const PROFILES: Record<'jax' | 'keras', SourceProfile> = { jax: jaxProfile, keras: kerasProfile };

/** A JAX or Keras file converted to PyTorch: from `from`, or by its imports (JAX where it names neither). */
export function convertToTorch(text: string, from = detectFramework(text)): ConversionResult {
  return convertWith(PROFILES[from === 'keras' ? 'keras' : 'jax'], text);
}

/** The file's module classes (nnx.Module, keras.Layer, ...), through their bases in file order: the editor puts its
 *  lenses on them. */
export function moduleClassesToTorch(root: Node, from: 'jax' | 'keras'): ReadonlySet<string> {
  return moduleClassesWith(PROFILES[from], root);
}
