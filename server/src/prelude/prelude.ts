// The JAX helpers (prelude) a converted file needs, taken from jax_prelude.py by section with their dependencies.
import preludeSource from './jax_prelude.py';

interface Section { name: string; deps: string[]; text: string }

const sections: Section[] = preludeSource
  .split(/^# --- /m)
  .slice(1)
  .map((chunk) => {
    const newline = chunk.indexOf('\n');
    const [name, deps] = chunk.slice(0, newline).split(':');
    return { name: name.trim(), deps: (deps ?? '').split(',').map((d) => d.trim()).filter(Boolean), text: chunk.slice(newline + 1).trim() };
  });

export const helperNames = sections.map((s) => s.name);

/** The text of the requested sections and everything they depend on, in the file's order. */
export function preludeFor(names: Iterable<string>): string {
  const wanted = new Set<string>();
  const visit = (name: string) => {
    const section = sections.find((s) => s.name === name);
    if (!section) throw new Error(`unknown prelude helper: ${name}`);
    if (wanted.has(name)) return;
    wanted.add(name);
    section.deps.forEach(visit);
  };
  for (const name of names) visit(name);
  return sections.filter((s) => wanted.has(s.name)).map((s) => s.text).join('\n\n\n');
}
