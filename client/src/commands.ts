// The command identifiers the extension registers and package.json contributes. No `vscode` import, so tests can
// compare them with the manifest.

export const Commands = {
  /** the selection, else the definition around the cursor, else the file; also the server's code-action fallback */
  convertToJax: 'rosetta.convertToJax',
  convertFileToJax: 'rosetta.convertFileToJax',
  showOutput: 'rosetta.showOutput',
  /** the numerical check of a module class or function; also the server's "Check" CodeLens */
  check: 'rosetta.check',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];
