// Draws a conversion: the source and the converted code side by side, coloured, with each converted call's mapping
// and notes under the line it landed on and the converter's findings under their source lines. Hovering or clicking
// a line highlights the line it corresponds to on the other side (see align.ts for how lines are matched).
import type { Diagnostic, DiffViewModel, MappingEntry, WebviewMessage } from '../client/src/messages';
import { alignLines, calleeOf, targetLineOf, type LineAlignment } from './align';
import { highlightLines, type Token } from './highlight';
import { createElement, elementById } from './dom';

type Side = 'source' | 'converted';

const REPLACE_TOOLTIP = 'Replace the converted lines of the document with this code (one edit: undo brings them back)';
const REPLACE_STALE_TOOLTIP = 'The document changed since this conversion: convert it again to replace';

export class DiffView {
  private readonly panes: Record<Side, HTMLElement>;
  private readonly buttons: { openAsNewFile: HTMLButtonElement; replaceInPlace: HTMLButtonElement; runCheck: HTMLButtonElement };
  private rows: Record<Side, HTMLElement[]> = { source: [], converted: [] };
  private alignment: LineAlignment = { sourceToTarget: [], targetToSource: [] };

  constructor(private readonly page: Document, post: (message: WebviewMessage) => void) {
    this.panes = { source: this.element('source'), converted: this.element('converted') };
    this.buttons = { openAsNewFile: this.element('open-as-new-file'), replaceInPlace: this.element('replace-in-place'), runCheck: this.element('run-check') };
    this.buttons.openAsNewFile.addEventListener('click', () => post({ type: 'openAsNewFile' }));
    this.buttons.replaceInPlace.addEventListener('click', () => post({ type: 'replaceInPlace' }));
    this.buttons.runCheck.addEventListener('click', () => post({ type: 'runCheck' }));
    for (const side of ['source', 'converted'] as const) this.linkLines(side);
  }

  show(view: DiffViewModel) {
    const sourceLines = view.source.text.split('\n');
    const convertedLines = view.converted.split('\n');
    const expected = sourceLines.map((): string[] => []);
    for (const m of view.mappings) expected[m.line - view.source.firstLine]?.push(calleeOf(m.target));
    this.alignment = alignLines(sourceLines, convertedLines, expected);
    this.rows = {
      source: this.renderPane('source', highlightLines(view.source.text), view.source.firstLine),
      converted: this.renderPane('converted', highlightLines(view.converted), 1),
    };
    this.annotate(view, convertedLines);
    this.renderHeadings(view, sourceLines.length, convertedLines.length);
    this.buttons.openAsNewFile.disabled = false;
    this.buttons.runCheck.disabled = false;
    this.setReplaceable(view.canReplace);
    this.scrollToFirstLinkedLine();
  }

  disableReplace() {
    this.setReplaceable(false);
  }

  private setReplaceable(replaceable: boolean) {
    this.buttons.replaceInPlace.disabled = !replaceable;
    this.buttons.replaceInPlace.title = replaceable ? REPLACE_TOOLTIP : REPLACE_STALE_TOOLTIP;
  }

  private renderHeadings(view: DiffViewModel, sourceLength: number, convertedLength: number) {
    const lastLine = view.source.firstLine + sourceLength - 1;
    this.element('title').textContent = `${view.title} → ${view.targetName}`;
    this.element('source-heading').textContent = `PyTorch · ${view.fileName} · lines ${view.source.firstLine}–${lastLine}`;
    this.element('converted-heading').textContent = `${view.targetName} · ${convertedLength} lines`;
    this.element('summary').textContent = summary(view);
  }

  private renderPane(side: Side, lines: Token[][], firstNumber: number): HTMLElement[] {
    const rows = lines.map((tokens, i) => this.row(side, i, firstNumber + i, tokens));
    this.panes[side].replaceChildren(...rows);
    return rows;
  }

  private row(side: Side, index: number, number: number, tokens: Token[]): HTMLElement {
    const row = this.create('div', 'row');
    row.dataset.index = String(index);
    row.setAttribute('role', 'listitem');
    const line = this.create('div', this.counterparts(side, index).length ? 'line linked' : 'line');
    line.append(this.create('span', 'number', String(number)), this.code(tokens));
    row.append(line);
    return row;
  }

  private code(tokens: Token[]): HTMLElement {
    const code = this.create('span', 'text');
    code.append(...tokens.map((t) => (t.kind === 'plain' ? this.page.createTextNode(t.text) : this.create('span', `token-${t.kind}`, t.text))));
    return code;
  }

  /** Mappings under the converted line they landed on (else under their source line), findings under their source line. */
  private annotate(view: DiffViewModel, convertedLines: string[]) {
    for (const mapping of view.mappings) {
      const sourceIndex = mapping.line - view.source.firstLine;
      const target = targetLineOf(this.alignment, convertedLines, sourceIndex, calleeOf(mapping.target));
      const row = target === undefined ? this.rows.source[sourceIndex] : this.rows.converted[target];
      row?.append(this.mappingNote(mapping));
      this.rows.source[sourceIndex]?.firstElementChild?.classList.add('mapped');
    }
    for (const diagnostic of view.diagnostics) {
      const sourceIndex = diagnostic.line - view.source.firstLine;
      this.rows.source[sourceIndex]?.append(this.finding(diagnostic));
      for (const target of this.alignment.sourceToTarget[sourceIndex] ?? []) {
        this.rows.converted[target].firstElementChild?.classList.add(`flagged-${diagnostic.severity}`);
      }
    }
  }

  private mappingNote(mapping: MappingEntry): HTMLElement {
    const note = this.create('div', 'annotation');
    const heading = this.create('div', 'mapping');
    heading.append(this.create('code', 'api', mapping.api), this.create('span', 'arrow', '→'), this.create('code', 'target', mapping.target));
    note.append(heading);
    if (mapping.notes.length) {
      const notes = this.create('ul', 'notes');
      notes.append(...mapping.notes.map((text) => this.create('li', '', text)));
      note.append(notes);
    }
    return note;
  }

  private finding(diagnostic: Diagnostic): HTMLElement {
    const finding = this.create('div', `finding severity-${diagnostic.severity}`);
    finding.append(this.create('span', 'icon', diagnostic.severity === 'information' ? 'ℹ' : '⚠'), this.create('span', '', diagnostic.message));
    return finding;
  }

  /** Hover shows a line's counterpart; a click keeps it highlighted and scrolls it into view. */
  private linkLines(side: Side) {
    const pane = this.panes[side];
    const rowAt = (event: Event) => (event.target as Element).closest<HTMLElement>('.row');
    pane.addEventListener('mouseover', (event) => this.highlight('hovered', side, rowAt(event)));
    pane.addEventListener('mouseleave', () => this.highlight('hovered', side, null));
    pane.addEventListener('click', (event) => {
      const [counterpart] = this.highlight('selected', side, rowAt(event));
      if (counterpart && !isVisibleIn(counterpart, this.panes[otherSide(side)])) counterpart.scrollIntoView({ block: 'center' });
    });
  }

  /** Marks a row's logical line and its counterpart's lines (clearing the previous ones); returns the counterpart's. */
  private highlight(mark: 'hovered' | 'selected', side: Side, row: HTMLElement | null): HTMLElement[] {
    for (const marked of this.page.querySelectorAll(`.row.${mark}`)) marked.classList.remove(mark);
    if (!row) return [];
    const index = Number(row.dataset.index);
    const counterparts = this.counterparts(side, index);
    const own = counterparts.length ? this.counterparts(otherSide(side), counterparts[0]) : [index];
    for (const i of own) this.rows[side][i].classList.add(mark);
    const counterpartRows = counterparts.map((i) => this.rows[otherSide(side)][i]);
    for (const counterpart of counterpartRows) counterpart.classList.add(mark);
    return counterpartRows;
  }

  private counterparts(side: Side, index: number): number[] {
    return (side === 'source' ? this.alignment.sourceToTarget : this.alignment.targetToSource)[index] ?? [];
  }

  /** The converted code opens with imports and helpers that have no source line: start where the user's code is. */
  private scrollToFirstLinkedLine() {
    this.panes.source.scrollTop = 0;
    const first = this.alignment.sourceToTarget.find((t) => t.length)?.[0];
    const row = first === undefined ? undefined : this.rows.converted[first];
    this.panes.converted.scrollTop = row?.offsetTop ?? 0;
  }

  private element<T extends HTMLElement>(id: string): T {
    return elementById<T>(this.page, id, 'diff');
  }

  private create(tag: string, className: string, text?: string): HTMLElement {
    return createElement(this.page, tag, className, text);
  }
}

function summary({ mappings, diagnostics }: DiffViewModel): string {
  const kept = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - kept;
  return [
    `${mappings.length} call${mappings.length === 1 ? '' : 's'} converted`,
    kept && `${kept} kept unconverted (marked in the code)`,
    warnings && `${warnings} warning${warnings === 1 ? '' : 's'}`,
  ].filter(Boolean).join(' · ');
}

function otherSide(side: Side): Side {
  return side === 'source' ? 'converted' : 'source';
}

function isVisibleIn(row: HTMLElement, pane: HTMLElement): boolean {
  const rowBox = row.getBoundingClientRect();
  const paneBox = pane.getBoundingClientRect();
  return rowBox.top >= paneBox.top && rowBox.bottom <= paneBox.bottom;
}
