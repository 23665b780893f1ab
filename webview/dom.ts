// Element lookup and creation shared by the webview pages.

/** The element with this id; a missing one is a bug in the page's skeleton, named with the page. */
export function elementById<T extends HTMLElement>(page: Document, id: string, pageName: string): T {
  const found = page.getElementById(id);
  if (!found) throw new Error(`the ${pageName} page has no #${id}`);
  return found as T;
}

export function createElement(page: Document, tag: string, className: string, text?: string): HTMLElement {
  const element = page.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}
