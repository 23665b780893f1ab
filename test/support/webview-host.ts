// Stands in for VS Code around the webviews: serves the page the extension builds (client/src/diff-html.ts or check-html.ts) over
// HTTP with the same content security policy, only dist/ and webview/ as resources (the panel's localResourceRoots),
// records what the page posts through acquireVsCodeApi, and sets Dark+ theme colours as VS Code's --vscode-* variables.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { checkPageHtml } from '../../client/src/check-html';
import { diffPageHtml, type DiffPageResources, type RuntimeResource } from '../../client/src/diff-html';
import { repoRoot } from './python';

/** playwright-core from node_modules at run time: the test bundles cannot hold it (it reads its own package.json) */
export const { chromium } = createRequire(path.join(repoRoot, 'package.json'))('playwright-core') as typeof import('playwright-core');

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];

const RESOURCE_ROOTS = ['dist', 'webview'];
const CONTENT_TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };

/** Each webview's page, script and stylesheet, as its panel (client/src/diff-panel.ts, check-panel.ts) loads them. */
const PAGES = {
  diff: { html: diffPageHtml, script: 'dist/webview.js', style: 'webview/diff.css' },
  check: { html: checkPageHtml, script: 'dist/check-webview.js', style: 'webview/check.css' },
} satisfies Record<string, { html: (resources: DiffPageResources & RuntimeResource) => string; script: string; style: string }>;

export interface WebviewHost {
  url: string;
  close(): Promise<void>;
}

/** Serves a webview's page at `/` and the files under the resource roots of the checkout at `root`. */
export async function startWebviewHost(root: string, page: keyof typeof PAGES = 'diff'): Promise<WebviewHost> {
  const server = http.createServer((request, response) => {
    const origin = `http://${request.headers.host}`;
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname === '/') return send(response, 200, 'text/html', pageHtml(page, origin));
    const file = path.join(root, path.normalize(decodeURIComponent(url.pathname)));
    const allowed = RESOURCE_ROOTS.some((dir) => file.startsWith(path.join(root, dir) + path.sep));
    if (!allowed || !fs.existsSync(file)) return send(response, 404, 'text/plain', 'not found');
    send(response, 200, CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function pageHtml(page: keyof typeof PAGES, origin: string): string {
  const { html, script, style } = PAGES[page];
  return html({ cspSource: origin, nonce: randomBytes(16).toString('base64'), scriptUri: `${origin}/${script}`, styleUri: `${origin}/${style}`, runtimeBase: `${origin}/dist/` });
}

function send(response: http.ServerResponse, status: number, contentType: string, body: string | Buffer) {
  response.writeHead(status, { 'Content-Type': contentType });
  response.end(body);
}

/** Installs acquireVsCodeApi (posted messages collect in window.postedMessages) and the theme, before the page's own
 *  script runs. */
export async function installVsCodeStandIn(page: Page) {
  await page.addInitScript((theme: Record<string, string>) => {
    const posted: unknown[] = [];
    Object.assign(window, {
      postedMessages: posted,
      acquireVsCodeApi: () => ({ postMessage: (message: unknown) => posted.push(message), getState: () => undefined, setState: () => {} }),
    });
    document.addEventListener('DOMContentLoaded', () => {
      for (const [name, value] of Object.entries(theme)) document.documentElement.style.setProperty(name, value);
      document.body.classList.add('vscode-dark');
    });
  }, DARK_PLUS);
}

/** What the page has posted so far. */
export function postedMessages(page: Page): Promise<unknown[]> {
  return page.evaluate(() => (window as unknown as { postedMessages: unknown[] }).postedMessages.slice());
}

/** Sends a message the way the extension's postMessage reaches a webview. */
export function sendToWebview(page: Page, message: unknown): Promise<void> {
  return page.evaluate((data) => window.postMessage(data, '*'), message);
}

/** The colours VS Code's default dark theme gives these variables. */
const DARK_PLUS: Record<string, string> = {
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': '"DejaVu Sans Mono", "Droid Sans Mono", monospace',
  '--vscode-editor-font-size': '13px',
  '--vscode-editor-background': '#1e1e1e',
  '--vscode-editor-foreground': '#d4d4d4',
  '--vscode-editorLineNumber-foreground': '#858585',
  '--vscode-editorLineNumber-activeForeground': '#c6c6c6',
  '--vscode-editor-selectionBackground': '#264f78',
  '--vscode-editor-hoverHighlightBackground': '#264f7840',
  '--vscode-editorWidget-background': '#252526',
  '--vscode-editorGroupHeader-tabsBackground': '#252526',
  '--vscode-panel-border': '#80808059',
  '--vscode-descriptionForeground': '#ccccccb3',
  '--vscode-textLink-foreground': '#3794ff',
  '--vscode-editorInfo-foreground': '#3794ff',
  '--vscode-editorWarning-foreground': '#cca700',
  '--vscode-inputValidation-warningBackground': '#352a05',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-background': '#0e639c',
  '--vscode-button-hoverBackground': '#1177bb',
  '--vscode-button-secondaryForeground': '#ffffff',
  '--vscode-button-secondaryBackground': '#3a3d41',
  '--vscode-debugTokenExpression-name': '#c586c0',
  '--vscode-debugTokenExpression-boolean': '#4e94ce',
  '--vscode-debugTokenExpression-string': '#ce9178',
  '--vscode-debugTokenExpression-number': '#b5cea8',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-testing-iconPassed': '#73c991',
  '--vscode-testing-iconFailed': '#f14c4c',
  '--vscode-symbolIcon-classForeground': '#ee9d28',
};
