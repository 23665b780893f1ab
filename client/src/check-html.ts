// The check webview's page: a skeleton that webview/check-main.ts fills in, under the same content security policy as
// the diff page. No `vscode` import: tests load this page in a browser.
import { webviewPageHtml, type DiffPageResources, type RuntimeResource } from './diff-html';

export type CheckPageResources = DiffPageResources & RuntimeResource;

export function checkPageHtml(resources: CheckPageResources): string {
  return webviewPageHtml(resources, 'Rosetta: numerical check', `  <header class="toolbar">
    <h1 id="title">Checking…</h1>
    <span id="verdict" class="verdict"></span>
    <span class="actions"><button id="rerun" disabled>Re-run with a new seed</button></span>
  </header>
  <main class="report">
    <p id="facts" class="facts"></p>
    <section id="unsupported-section" hidden>
      <h2>Could not be checked</h2>
      <ul id="unsupported" class="messages"></ul>
    </section>
    <section id="divergence-section" hidden>
      <h2>First divergence</h2>
      <div id="divergence" class="divergence"></div>
    </section>
    <section>
      <h2>Outputs</h2>
      <table id="outputs">
        <thead><tr><th>output</th><th>shape</th><th>max abs</th><th>max rel</th><th>close</th><th>|target − source| per decade, 1e-9 … 1</th></tr></thead>
        <tbody></tbody>
      </table>
    </section>
    <section id="notes-section" hidden>
      <h2>Notes</h2>
      <ul id="notes" class="messages"></ul>
    </section>
    <p id="timings" class="facts"></p>
  </main>`);
}
