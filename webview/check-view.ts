// Draws a check report: the verdict, a row per output with its errors and their distribution per decade, the first
// line where the two programs diverge (links that reveal either line in the editor), what could not be checked, and
// what the run used.
import type { CheckViewModel, CheckWebviewMessage } from '../client/src/check-messages';
import type { Blocker, OutputReport, Verdict } from '../server/src/check/report';
import { HISTOGRAM_EDGES } from '../server/src/check/compare';
import { createElement, elementById } from './dom';

const VERDICTS: Record<Verdict, string> = { equivalent: '✓ equivalent', mismatch: '✗ mismatch', unsupported: '⚠ unsupported' };

export class CheckView {
  private readonly rerun: HTMLButtonElement;

  constructor(private readonly page: Document, private readonly post: (message: CheckWebviewMessage) => void) {
    this.rerun = this.element('rerun');
    this.rerun.addEventListener('click', () => post({ type: 'rerun' }));
  }

  show(view: CheckViewModel) {
    const { report } = view;
    this.element('title').textContent = `${view.entry} · ${view.fileName}`;
    this.setVerdict(VERDICTS[report.verdict], `verdict verdict-${report.verdict}`);
    this.element('facts').textContent = facts(view);
    this.element('outputs').querySelector('tbody')!.replaceChildren(...report.outputs.map((o) => this.outputRow(o, view.tolerance.atol)));
    this.showDivergence(view);
    this.showList('unsupported', report.unsupported.map((b) => this.blocker(b)));
    this.showList('notes', report.notes.map((n) => this.create('li', '', n)));
    this.element('timings').textContent = timings(report.timingsMs);
    this.rerun.disabled = false;
  }

  /** A new run started: the button waits for its report. */
  running() {
    this.rerun.disabled = true;
    this.setVerdict('checking…', 'verdict');
  }

  /** The run ended without a report; the last report, if any, stays below. */
  failed(message: string) {
    this.setVerdict(`⚠ not checked: ${message}`, 'verdict verdict-unsupported');
    this.rerun.disabled = false;
  }

  private setVerdict(text: string, className: string) {
    const verdict = this.element('verdict');
    verdict.textContent = text;
    verdict.className = className;
  }

  private outputRow(output: OutputReport, atol: number): HTMLElement {
    const row = this.create('tr', output.close ? 'close' : 'far');
    const close = this.create('td', 'mark', output.close ? '✓' : '✗');
    close.title = output.close ? 'within tolerance' : 'beyond tolerance';
    const cells = [output.path, `[${output.shape.join(', ')}]`, number(output.maxAbs), number(output.maxRel)].map((text) => this.create('td', '', text));
    const problem = output.problem ? [this.create('div', 'problem', output.problem)] : [];
    cells[0].append(...problem);
    const histogram = this.create('td', '');
    histogram.append(this.histogram(output.histogram, atol));
    row.append(...cells, close, histogram);
    return row;
  }

  /** One bar per decade of |target − source|; bars past the absolute tolerance stand out. */
  private histogram(counts: number[], atol: number): HTMLElement {
    const chart = this.create('div', 'histogram');
    const highest = Math.max(1, ...counts);
    counts.forEach((count, bin) => {
      const low = bin === 0 ? 0 : HISTOGRAM_EDGES[bin - 1];
      const bar = this.create('span', low >= atol ? 'bar beyond' : 'bar');
      // set through the CSSOM, which the page's policy allows (inline style attributes it does not)
      bar.style.height = `${count ? Math.max(4, (100 * count) / highest) : 0}%`;
      bar.title = `${decadeLabel(bin)}: ${count}`;
      chart.append(bar);
    });
    return chart;
  }

  private showDivergence({ report, fileName, targetName }: CheckViewModel) {
    const divergence = report.firstDivergence;
    this.element('divergence-section').hidden = !divergence;
    if (!divergence) return;
    this.element('divergence').replaceChildren(
      this.lineLink('source', divergence.source, fileName),
      this.lineLink('target', divergence.target, targetName),
      this.create('div', 'max-abs', `max abs difference there: ${number(divergence.maxAbs)}`),
    );
  }

  private lineLink(side: 'source' | 'target', at: { line: number; text: string }, name: string): HTMLElement {
    const row = this.create('div', `divergence-line ${side}`);
    const link = this.create('a', 'line-link', `${name}:${at.line}`);
    link.setAttribute('href', '#');
    link.dataset.side = side;
    link.addEventListener('click', (event) => {
      event.preventDefault();
      this.post({ type: 'reveal', side, line: at.line });
    });
    row.append(link, this.create('code', 'text', at.text.trim()));
    return row;
  }

  private blocker({ side, line, message }: Blocker): HTMLElement {
    const item = this.create('li', '');
    item.append(this.create('span', 'side', line === null ? `${side}: ` : `${side} line ${line}: `), this.create('span', '', message));
    return item;
  }

  private showList(id: string, items: HTMLElement[]) {
    this.element(`${id}-section`).hidden = !items.length;
    this.element(id).replaceChildren(...items);
  }

  private element<T extends HTMLElement>(id: string): T {
    return elementById<T>(this.page, id, 'check');
  }

  private create(tag: string, className: string, text?: string): HTMLElement {
    return createElement(this.page, tag, className, text);
  }
}

function facts({ inputs, seed, tolerance, report, targetName, ...view }: CheckViewModel): string {
  return [
    `against ${targetName}`,
    `inputs ${inputs.join(', ') || 'none'}`,
    `seed ${seed}`,
    `rtol ${tolerance.rtol}, atol ${tolerance.atol}`,
    backendFact(view, report),
  ].join(' · ');
}

const BACKEND_NAMES = { wasm: 'WebAssembly', webgpu: 'WebGPU' };

/** Where the models ran, and why not on WebGPU when the setting allowed it. */
function backendFact({ requestedBackend, webgpuAdapter }: Pick<CheckViewModel, 'requestedBackend' | 'webgpuAdapter'>, report: CheckViewModel['report']): string {
  const ran = `backend ${BACKEND_NAMES[report.backend]}`;
  if (report.backendNote) return `${ran} (${report.backendNote})`;
  if (report.backend === 'webgpu' || requestedBackend === 'wasm') return ran;
  return `${ran} (${webgpuAdapter ? 'WebGPU could not run these models' : 'no WebGPU adapter here'})`;
}

function timings(timingsMs: Record<string, number>): string {
  const parts = Object.entries(timingsMs).map(([step, ms]) => `${step} ${Math.round(ms)} ms`);
  return parts.length ? `Timings: ${parts.join(' · ')}` : '';
}

function decadeLabel(bin: number): string {
  const edge = (i: number) => HISTOGRAM_EDGES[i].toExponential(0).replace('e+0', '');
  if (bin === 0) return `< ${edge(0)}`;
  if (bin === HISTOGRAM_EDGES.length) return `≥ ${edge(bin - 1)}`;
  return `${edge(bin - 1)} – ${edge(bin)}`;
}

function number(value: number): string {
  return value === 0 || !Number.isFinite(value) ? String(value) : value.toExponential(2);
}
