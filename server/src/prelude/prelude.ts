// The helpers (prelude) a converted file needs, taken by section with their dependencies from the prelude file of the
// framework it is written in: jax_prelude.py, numpy_prelude.py, keras_prelude.py, or torch_prelude.py (from JAX).
import jaxPrelude from './jax_prelude.py';
import numpyPrelude from './numpy_prelude.py';
import kerasPrelude from './keras_prelude.py';
import torchPrelude from './torch_prelude.py';
import type { Target } from '../protocol';

interface Section { name: string; deps: string[]; text: string }

function parseSections(source: string): Section[] {
  return source
    .split(/^# --- /m)
    .slice(1)
    .map((chunk) => {
      const newline = chunk.indexOf('\n');
      const [name, deps] = chunk.slice(0, newline).split(':');
      return { name: name.trim(), deps: (deps ?? '').split(',').map((d) => d.trim()).filter(Boolean), text: chunk.slice(newline + 1).trim() };
    });
}

const sectionsByTarget: Record<Target, Section[]> = {
  jax: parseSections(jaxPrelude),
  numpy: parseSections(numpyPrelude),
  keras: parseSections(kerasPrelude),
  torch: parseSections(torchPrelude),
};

/** The text of the requested sections and everything they depend on, in the file's order. */
export function preludeFor(names: Iterable<string>, target: Target = 'jax'): string {
  const sections = sectionsByTarget[target];
  const wanted = new Set<string>();
  const visit = (name: string) => {
    const section = sections.find((s) => s.name === name);
    if (!section) throw new Error(`unknown ${target} prelude helper: ${name}`);
    if (wanted.has(name)) return;
    wanted.add(name);
    section.deps.forEach(visit);
  };
  for (const name of names) visit(name);
  return sections.filter((s) => wanted.has(s.name)).map((s) => s.text).join('\n\n\n');
}

export function preludeHas(target: Target, name: string): boolean {
  return sectionsByTarget[target].some((s) => s.name === name);
}
