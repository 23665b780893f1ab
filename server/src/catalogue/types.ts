// The shape of a catalogue entry. Conversion, hover, diagnostics and the conformance suite all read these entries.
import type { Arg } from '../pyvalue';
import type { Bound } from './signature';

/** What an op's result holds, so that names assigned from it are typed for later method calls. */
export type ResultKind = 'tensor' | 'tensors' | 'shape' | 'scalar' | 'module';

export type Status = 'exact' | 'explicit' | 'approximate';

/** One real-framework conformance case: a torch expression over named random inputs. */
export interface ConformanceCase {
  /** torch expression using the inputs by name, e.g. "F.gelu(x)" or, for a module entry, "nn.Linear(4, 3)";
   *  a function case may start with statements, one per line ("y = x.clone()\ny.add_(1)\ny") */
  torch: string;
  /** input specs as for the CLI: NAME=DTYPE[SHAPE][:LOW..HIGH] */
  inputs: string[];
  /** for modules: run in train mode instead of eval */
  train?: boolean;
  /** a random op: the expression is drawn while the module is built (where rngs is in scope) and the case compares
   *  statistics of the draw (mean, std, min, max), with these tolerances */
  statistics?: { rtol: number; atol: number };
}

export type KeywordWithDefault = [Arg | string, string] | [Arg | string, string, 'always'];

export interface Emitter {
  /** a call text. A keyword given as [value, JAX default text] is left out where it equals that default, and is a
   *  difference hover reports where it does not; [value, default, 'always'] keeps it even where equal, as written. */
  call(fn: string, positional: Array<Arg | string>, keywords?: Record<string, Arg | string | KeywordWithDefault>): string;
  /** registers a helper from the JAX prelude and returns its name */
  helper(name: string): string;
  /** aborts the conversion of this call with a reason shown to the user */
  unsupported(reason: string): never;
  /** a fresh local name for lambdas */
  fresh(base: string): string;
}

export type JaxEmit = (a: Bound, e: Emitter) => string;

export interface OpEntry {
  /** canonical name */
  name: string;
  /** torch spellings: functions by full path, Tensor methods as Tensor.name(self, ...) */
  torch: string[];
  /** JAX emission from the bound (defaults explicit) torch arguments; parameter names are the torch ones */
  jax: JaxEmit;
  /** how the JAX spelling reads in hover, e.g. "jax.nn.gelu(x, approximate=True)" */
  jaxSpelling: string;
  /** NumPy emission (catalogue/numpy.ts); without one the op has no NumPy equivalent yet */
  numpy?: JaxEmit;
  numpySpelling?: string;
  /** Keras 3 emission (catalogue/keras.ts); without one the op has no Keras equivalent yet */
  keras?: JaxEmit;
  kerasSpelling?: string;
  status?: Status;
  /** semantic differences that matter, shown in hover and in the conversion report */
  notes?: string[];
  returns?: ResultKind;
  /** in-place torch spellings (add_) are derived: Tensor.<name>_ updates the receiver */
  inplace?: boolean;
  /** the in-place form changes the receiver's shape, not its memory (t_, squeeze_): it rebinds the name */
  reshapesInPlace?: boolean;
  /** draws random numbers: converted only where modules are built, from `rngs` */
  random?: boolean;
  /** returns a bool tensor, while its in-place form keeps the receiver's dtype (x.gt_(y) leaves 1.0/0.0 in x) */
  boolResult?: boolean;
  tests: ConformanceCase[];
}

export interface ModuleEntry {
  name: string;
  /** constructor signature, e.g. torch.nn.Linear(in_features, out_features, bias=True) */
  torch: string;
  /** constructor text for Flax NNX; `rngs` is in scope where modules are built */
  jax: JaxEmit;
  jaxSpelling: string;
  /** constructor text for NumPy (a prelude class or a function); without one: no NumPy equivalent yet */
  numpy?: JaxEmit;
  numpySpelling?: string;
  /** constructor text for Keras 3 (a keras layer, a prelude layer or a function); without one: no Keras equivalent yet */
  keras?: JaxEmit;
  kerasSpelling?: string;
  status?: Status;
  notes?: string[];
  /** what calling the module returns */
  returns?: ResultKind;
  tests: ConformanceCase[];
}
