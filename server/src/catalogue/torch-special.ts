// torch names that are not ops: dtypes, constants, module containers and parameters.
import type { Arg } from '../pyvalue';
import type { ConversionTarget } from '../protocol';
import type { Emitter } from './types';

const DTYPES: Array<[string, string]> = [
  ['float32', 'float32'], ['float', 'float32'], ['float16', 'float16'], ['half', 'float16'], ['bfloat16', 'bfloat16'],
  ['float64', 'float64'], ['double', 'float64'], ['int64', 'int64'], ['long', 'int64'], ['int32', 'int32'],
  ['int', 'int32'], ['int16', 'int16'], ['int8', 'int8'], ['uint8', 'uint8'], ['bool', 'bool_'],
];

const numpyDtypes = Object.fromEntries(DTYPES.filter(([, n]) => n !== 'bfloat16').map(([t, n]) => [`torch.${t}`, `np.${n}`]));

/** torch dtype names per target; NumPy has no bfloat16; keras.ops takes NumPy's dtypes. */
export const dtypeNames: Record<ConversionTarget, Record<string, string>> = {
  jax: Object.fromEntries(DTYPES.map(([t, j]) => [`torch.${t}`, `jnp.${j}`])),
  numpy: numpyDtypes,
  keras: numpyDtypes,
};

export const constants: Record<ConversionTarget, Record<string, string>> = {
  jax: {
    'torch.pi': 'jnp.pi',
    'torch.inf': 'jnp.inf',
    'torch.nan': 'jnp.nan',
    'torch.e': 'jnp.e',
    'torch.Tensor': 'jax.Array',
    'torch.nn.Module': 'nnx.Module',
  },
  keras: { 'torch.pi': 'math.pi', 'torch.inf': 'math.inf', 'torch.nan': 'math.nan', 'torch.e': 'math.e', 'torch.Tensor': 'keras.KerasTensor', 'torch.nn.Module': 'keras.Layer' },
  numpy: { 'torch.pi': 'np.pi', 'torch.inf': 'np.inf', 'torch.nan': 'np.nan', 'torch.e': 'np.e', 'torch.Tensor': 'np.ndarray', 'torch.nn.Module': 'object' },
};

type Builder = (positional: Arg[], keywords: Record<string, Arg>, e: Emitter) => string;

const only = (positional: Arg[], keywords: Record<string, Arg>, name: string): Arg | undefined => positional[0] ?? keywords[name];

/** Module containers keep PyTorch's child names, so that state_dict keys line up. */
export const containers: Record<string, Builder> = {
  'torch.nn.Sequential': (positional, keywords, e) => {
    if (Object.keys(keywords).length) e.unsupported('nn.Sequential takes no keyword arguments');
    if (positional.length === 1 && /^(collections\.)?OrderedDict\(/.test(positional[0].text)) {
      return `${e.helper('NamedSequential')}(${positional[0].text})`;
    }
    return `nnx.Sequential(${positional.map((a) => a.text).join(', ')})`;
  },
  'torch.nn.ModuleList': (positional, keywords) => `nnx.List(${only(positional, keywords, 'modules')?.text ?? '[]'})`,
  'torch.nn.ModuleDict': (positional, keywords) => `nnx.Dict(${only(positional, keywords, 'modules')?.text ?? '{}'})`,
  'torch.nn.ParameterList': (positional, keywords) => `nnx.List(${only(positional, keywords, 'values')?.text ?? '[]'})`,
  'torch.nn.ParameterDict': (positional, keywords) => `nnx.Dict(${only(positional, keywords, 'parameters')?.text ?? '{}'})`,
};

/** nn.Sequential(OrderedDict(...)): children named by key. */
const isNamedSequential = (positional: Arg[]) => positional.length === 1 && /^(collections\.)?OrderedDict\(/.test(positional[0].text);

/** The prelude's Sequential (children named by index), or its NamedSequential for one built from an OrderedDict. */
function preludeSequential(targetLabel: string): Builder {
  return (positional, keywords, e) => {
    if (Object.keys(keywords).length) e.unsupported(`nn.Sequential with keyword arguments: no ${targetLabel} equivalent`);
    if (isNamedSequential(positional)) return `${e.helper('NamedSequential')}(${positional[0].text})`;
    return `${e.helper('Sequential')}(${positional.map((a) => a.text).join(', ')})`;
  };
}

/** The NumPy prelude's containers: a list or dict of children (named by index or key, as torch names them). */
export const numpyContainers: Record<string, Builder> = {
  'torch.nn.Sequential': preludeSequential('NumPy'),
  'torch.nn.ModuleList': (positional, keywords, e) => `${e.helper('ModuleList')}(${only(positional, keywords, 'modules')?.text ?? ''})`,
  'torch.nn.ModuleDict': (positional, keywords, e) => `${e.helper('ModuleDict')}(${only(positional, keywords, 'modules')?.text ?? ''})`,
};

/** Keras: prelude Sequential and ModuleDict keep torch's child names; a list of layers is a ModuleList (Keras tracks
 *  the layers of a list attribute). */
export const kerasContainers: Record<string, Builder> = {
  'torch.nn.Sequential': preludeSequential('Keras'),
  'torch.nn.ModuleList': (positional, keywords) => `list(${only(positional, keywords, 'modules')?.text ?? ''})`,
  'torch.nn.ModuleDict': numpyContainers['torch.nn.ModuleDict'],
};

/** einops' torch layers wrap functions that accept JAX, NumPy and TensorFlow arrays as they are. */
function einopsLayer(fn: string): Builder {
  return (positional, keywords, e) => {
    const pattern = only(positional, keywords, 'pattern');
    if (!pattern || positional.length > (fn === 'reduce' ? 2 : 1)) e.unsupported(`einops ${fn} layer arguments`);
    const reduction = fn === 'reduce' ? [(positional[1] ?? keywords.reduction)?.text ?? e.unsupported('Reduce needs a reduction')] : [];
    const axes = Object.entries(keywords).filter(([k]) => k !== 'pattern' && k !== 'reduction').map(([k, v]) => `${k}=${v.text}`);
    return `(lambda x: ${e.helper('einops')}.${fn}(${['x', pattern!.text, ...reduction, ...axes].join(', ')}))`;
  };
}

export const specialFunctions: Record<string, Builder> = {
  'einops.layers.torch.Rearrange': einopsLayer('rearrange'),
  'einops.layers.torch.Reduce': einopsLayer('reduce'),
  'torch.nn.Parameter': (positional, keywords, e) => {
    const data = only(positional, keywords, 'data');
    if (!data) e.unsupported('nn.Parameter() without data');
    return `nnx.Param(${data!.text})`;
  },
};

/** Keras: a parameter is a keras.Variable, which the layer that holds it tracks. */
export const kerasSpecialFunctions: Record<string, Builder> = {
  'einops.layers.torch.Rearrange': einopsLayer('rearrange'),
  'einops.layers.torch.Reduce': einopsLayer('reduce'),
  'torch.nn.Parameter': (positional, keywords, e) => `keras.Variable(${only(positional, keywords, 'data')?.text ?? e.unsupported('nn.Parameter() without data')})`,
};

/** NumPy: a parameter is its array. */
export const numpySpecialFunctions: Record<string, Builder> = {
  'einops.layers.torch.Rearrange': einopsLayer('rearrange'),
  'einops.layers.torch.Reduce': einopsLayer('reduce'),
  'torch.nn.Parameter': (positional, keywords, e) => only(positional, keywords, 'data')?.text ?? e.unsupported('nn.Parameter() without data'),
};
