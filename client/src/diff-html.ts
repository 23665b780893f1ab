// The diff webview's page: a skeleton that webview/main.ts fills in. Scripts run only with the page's nonce, and
// styles, scripts and fonts load only from the webview's own resource roots. No `vscode` import: tests load this page
// in a browser.

export interface DiffPageResources {
  /** the origin the webview serves local resources from (`webview.cspSource`) */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

export const RUN_CHECK_TOOLTIP = 'Check the conversion numerically: run both on the same random inputs and weights and compare every output';

/** Where a page's onnxruntime-web finds its wasm (the extension's dist/ folder, ending in a slash). */
export interface RuntimeResource {
  runtimeBase: string;
}

/** A webview page under the extension's content security policy: the nonce'd script, the page's stylesheet, a body.
 *  A page with a runtime may also compile WebAssembly and fetch the runtime's files, from the resource roots only. */
export function webviewPageHtml(resources: DiffPageResources & Partial<RuntimeResource>, title: string, body: string): string {
  const { cspSource, nonce, scriptUri, styleUri, runtimeBase } = resources;
  const script = `script-src 'nonce-${nonce}'${runtimeBase ? ` 'wasm-unsafe-eval'` : ''}`;
  const policy = [`default-src 'none'`, `style-src ${cspSource}`, `font-src ${cspSource}`, script, ...(runtimeBase ? [`connect-src ${cspSource}`] : [])].join('; ');
  const runtime = runtimeBase ? `\n  <meta name="rosetta-runtime" content="${runtimeBase}">` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${policy}">${runtime}
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${styleUri}">
  <title>${title}</title>
</head>
<body>
${body}
  <script nonce="${nonce}" src="${scriptUri}"></script>
</body>
</html>
`;
}

export function diffPageHtml(resources: DiffPageResources): string {
  return webviewPageHtml(resources, 'Rosetta: conversion', `  <header class="toolbar">
    <h1 id="title">Converting…</h1>
    <span id="summary" class="summary"></span>
    <span class="actions">
      <button id="open-as-new-file" disabled>Open as new file</button>
      <button id="replace-in-place" disabled>Replace in place</button>
      <button id="run-check" disabled title="${RUN_CHECK_TOOLTIP}">Run check</button>
    </span>
  </header>
  <main class="panes">
    <section class="pane" aria-label="PyTorch source">
      <h2 id="source-heading">PyTorch</h2>
      <div id="source" class="code" role="list"></div>
    </section>
    <section class="pane" aria-label="Converted code">
      <h2 id="converted-heading">Converted</h2>
      <div id="converted" class="code" role="list"></div>
    </section>
  </main>`);
}
