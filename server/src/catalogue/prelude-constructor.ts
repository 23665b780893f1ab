// The constructor call of a prelude class that stands for a torch module with torch's constructor, parameter names and
// layouts (the NumPy and Keras targets' Linear, LayerNorm, Conv2d, ...), so that load_torch_state_dict fills it.
import { parseLiteralText, sameLit } from '../pyvalue';
import { parseSignature } from './signature';
import type { JaxEmit, KeywordWithDefault } from './types';

/** `refused`: constructor parameters the class does not take besides device= and dtype=; a call may pass them only
 *  with their torch default, else it is not converted (`reason`). */
export function preludeConstructor(name: string, torchSignature: string, refused: string[], reason: string): JaxEmit {
  const params = parseSignature(torchSignature).params;
  const unsupported = new Set([...refused, 'device', 'dtype']);
  const taken = params.filter((p) => !unsupported.has(p.name));
  return (a, e) => {
    for (const p of params) {
      const isDefault = a[p.name].text === p.defaultText || sameLit(a[p.name].lit, p.defaultText === undefined ? undefined : parseLiteralText(p.defaultText));
      if (unsupported.has(p.name) && !isDefault) e.unsupported(`${p.name}=: ${reason}`);
    }
    const required = taken.filter((p) => p.defaultText === undefined).map((p) => a[p.name]);
    const keywords = Object.fromEntries(taken.filter((p) => p.defaultText !== undefined).map((p): [string, KeywordWithDefault] => [p.name, [a[p.name], p.defaultText!]]));
    return e.call(e.helper(name), required, keywords);
  };
}
