// The command identifiers the extension registers and package.json contributes. No `vscode` import, so tests can
// compare them with the manifest.
import { ALL_TARGETS, type Target } from '../../server/src/protocol';

/** `rosetta.convertToJax` (the selection, else the definition around the cursor, else the file) and
 *  `rosetta.convertFileToJax`; likewise `rosetta.convertToNumpy`, `rosetta.convertToTorch` (from JAX), ... for every
 *  target. */
export function convertCommand(target: Target, wholeFile: boolean): string {
  return `rosetta.convert${wholeFile ? 'File' : ''}To${target[0].toUpperCase()}${target.slice(1)}`;
}

/** The context key the menus' `when` clauses read: the framework the active Python editor's file is written in. */
export const FRAMEWORK_CONTEXT_KEY = 'rosetta.framework';

export const Commands = {
  /** also the server's code-action and lens fallback, whose ConvertParams argument names the target */
  convertToJax: convertCommand('jax', false),
  convertFileToJax: convertCommand('jax', true),
  showOutput: 'rosetta.showOutput',
  /** the numerical check of a module class or function; also the server's "Check" CodeLens */
  check: 'rosetta.check',
} as const;

/** Every command the extension registers: the two conversions of each target, then the others. */
export const ALL_COMMANDS: readonly string[] = [
  ...ALL_TARGETS.flatMap((target) => [convertCommand(target, false), convertCommand(target, true)]),
  Commands.showOutput,
  Commands.check,
];
