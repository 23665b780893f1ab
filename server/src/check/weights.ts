// Seeded weights for the check: each weight's data depends only on the seed and its name, so a source and a target
// that name a weight alike get the same values whatever order they build in. Scales follow the framework's own init
// (fan-in bounds, norms near 1) so activations stay in a range where float32 comparisons are meaningful.
import { drawInput, Random } from './inputs';
import type { DType, Tensor } from './onnx/tensor';
import { elementCount } from './onnx/tensor';
import type { InitHint, WeightSource } from './trace/host';

/** The most weight data one check builds (onnxruntime-web's wasm heap is 4 GiB, and both sides hold a copy). */
export const MAX_WEIGHT_BYTES = 512 * 2 ** 20;

export class ModelTooLarge extends Error {
  constructor(readonly bytes: number) {
    super(`the model holds more than ${mib(bytes)} of weights; the embedded check handles at most ${mib(MAX_WEIGHT_BYTES)}`);
  }
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export class SeededWeights implements WeightSource {
  private bytes = 0;
  constructor(private readonly seed: number) {}

  draw(name: string, shape: readonly number[], dtype: DType, init: InitHint): Tensor {
    this.bytes += elementCount(shape) * 4;
    if (this.bytes > MAX_WEIGHT_BYTES) throw new ModelTooLarge(this.bytes);
    const random = new Random(this.seed ^ hash(name));
    const [low, high] = range(init);
    const spec = { name, dtype, shape: [...shape], range: init.kind === 'normal' ? undefined : ([low, high] as [number, number]) };
    return drawInput(dtype.startsWith('int') ? { ...spec, range: [0, 2] } : spec, random);
  }
}

function range(init: InitHint): [number, number] {
  switch (init.kind) {
    case 'fanIn': {
      const bound = 1 / Math.sqrt(Math.max(init.fanIn, 1));
      return [-bound, bound];
    }
    case 'ones':
    case 'positive':
      return [0.5, 1.5];
    case 'zeros':
      return [-0.5, 0.5];
    case 'normal':
      return [-1, 1];
  }
}

/** FNV-1a: a stable 32-bit hash of a weight's name. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
