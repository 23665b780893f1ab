// Builds JAX text for catalogue entries: keyword arguments equal to the target's default are left out.
import { type Arg, parseLiteralText, sameLit } from '../pyvalue';
import type { Emitter } from './types';

export class UnsupportedError extends Error {}

export function argText(a: Arg | string): string {
  return typeof a === 'string' ? a : a.text;
}

function equalsDefault(value: Arg | string, defaultText: string): boolean {
  if (typeof value === 'string') return value.trim() === defaultText;
  if (value.text.trim() === defaultText) return true;
  try {
    return sameLit(value.lit, parseLiteralText(defaultText));
  } catch {
    return false;
  }
}

export function makeEmitter(useHelper: (name: string) => void): Emitter {
  let counter = 0;
  return {
    call(fn, positional, keywords = {}) {
      const parts = positional.map(argText);
      for (const [name, spec] of Object.entries(keywords)) {
        const [value, defaultText] = Array.isArray(spec) ? spec : [spec, undefined];
        if (defaultText !== undefined && equalsDefault(value, defaultText)) continue;
        parts.push(`${name}=${argText(value)}`);
      }
      return `${fn}(${parts.join(', ')})`;
    },
    helper(name) {
      useHelper(name);
      return name;
    },
    unsupported(reason) {
      throw new UnsupportedError(reason);
    },
    fresh(base) {
      counter++;
      return counter === 1 ? base : `${base}${counter}`;
    },
  };
}
