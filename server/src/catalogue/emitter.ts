// Builds JAX text for catalogue entries: keyword arguments equal to the target's default are left out.
import { type Arg, parseLiteralText, sameLit } from '../pyvalue';
import type { Emitter } from './types';

export class UnsupportedError extends Error {}

export function argText(a: Arg | string): string {
  return typeof a === 'string' ? a : a.text;
}

function matchesText(value: Arg | string, defaultText: string): boolean {
  if (typeof value === 'string') return value.trim() === defaultText;
  if (value.text.trim() === defaultText) return true;
  try {
    return sameLit(value.lit, parseLiteralText(defaultText));
  } catch {
    return false;
  }
}

/** A keyword an emission passed because its value differs from the JAX function's default. */
export interface KeptKeyword { fn: string; name: string; value: Arg | string; jaxDefault: string }

/** What an emission made explicit to keep torch semantics: keywords against JAX's defaults, prelude helpers. */
export interface Explicit { keywords: KeptKeyword[]; helpers: string[] }

export interface RecordingEmitter extends Emitter {
  /** what the emissions since the last call made explicit */
  takeExplicit(): Explicit;
}

export function makeEmitter(useHelper: (name: string) => void): RecordingEmitter {
  let counter = 0;
  let explicit: Explicit = { keywords: [], helpers: [] };
  return {
    call(fn, positional, keywords = {}) {
      const parts = positional.map(argText);
      for (const [name, spec] of Object.entries(keywords)) {
        const [value, defaultText, always] = Array.isArray(spec) ? spec : [spec, undefined, undefined];
        const isDefault = defaultText !== undefined && matchesText(value, defaultText);
        if (isDefault && !always) continue;
        if (defaultText !== undefined && !isDefault) explicit.keywords.push({ fn, name, value, jaxDefault: defaultText });
        parts.push(`${name}=${argText(value)}`);
      }
      return `${fn}(${parts.join(', ')})`;
    },
    helper(name) {
      useHelper(name);
      explicit.helpers.push(name);
      return name;
    },
    unsupported(reason) {
      throw new UnsupportedError(reason);
    },
    fresh(base) {
      counter++;
      return counter === 1 ? base : `${base}${counter}`;
    },
    takeExplicit() {
      const taken = explicit;
      explicit = { keywords: [], helpers: [] };
      return taken;
    },
  };
}

/** The differences an emission made explicit, as notes for hover and the report. A keyword whose value the user
 *  wrote (bias=False → use_bias=False) is their choice, not a difference between the frameworks' defaults. */
export function explicitNotes({ keywords, helpers }: Explicit, written: Arg[]): string[] {
  const notes = keywords
    .filter((k) => !isWritten(k.value, written))
    .map((k) => `${k.fn} defaults to ${k.name}=${k.jaxDefault}; passed ${k.name}=${argText(k.value).trim()}`);
  notes.push(...helpers.map((h) => `uses the prelude helper ${h} (copied into the converted file) to keep PyTorch's semantics`));
  return [...new Set(notes)];
}

/** Whether a kept value comes from the call's own arguments: one of them, its literal (dim=[0, 2] → axis=(0, 2)), or
 *  an expression over a name it passed (a factory's `approximate == 'tanh'`). */
function isWritten(value: Arg | string, written: Arg[]): boolean {
  if (typeof value !== 'string' && written.includes(value)) return true;
  const text = argText(value).trim();
  return written.some((w) => w.text.trim() === text || (w.lit !== undefined && matchesText(w, text)) || usesName(text, w.text.trim()));
}

function usesName(text: string, name: string): boolean {
  return /^[A-Za-z_]\w*$/.test(name) && new RegExp(`\\b${name}\\b`).test(text);
}
