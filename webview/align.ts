// Links each source line to the lines of the converted code it became. The converter keeps statement order, copies
// what it does not convert, and may join a statement's lines into one, so whole logical lines (a statement's line with
// its continuations) are matched in order: first those that occur once, unchanged, on both sides (patience-diff
// anchors), then, between anchors, the pairs whose words overlap most (a best-score alignment). The mappings help: a
// source line whose call became `jax.nn.gelu` expects the words `jax`, `nn` and `gelu`.
import { logicalLines, type LineSpan } from '../client/src/scope';
import { KEYWORDS } from './highlight';

/** For each line of one side, the lines of the other side it corresponds to (none when unlinked). */
export interface LineAlignment {
  sourceToTarget: number[][];
  targetToSource: number[][];
}

interface Words {
  counts: Map<string, number>;
  total: number;
}

/** pairs below this word overlap (Dice coefficient) stay unlinked */
const LINK_THRESHOLD = 0.4;
/** larger gaps between anchors are aligned greedily, within a window, to keep big files fast */
const MAX_ALIGNMENT_CELLS = 250_000;
const GREEDY_WINDOW = 40;

export function alignLines(source: string[], target: string[], expectedWords: string[][] = []): LineAlignment {
  const sourceGroups = logicalLines(source);
  const targetGroups = logicalLines(target);
  const sourceTexts = sourceGroups.map((g) => joined(source, g));
  const targetTexts = targetGroups.map((g) => joined(target, g));
  const alignment: LineAlignment = { sourceToTarget: source.map(() => []), targetToSource: target.map(() => []) };
  const link = (s: number, t: number) => {
    for (let row = sourceGroups[s].start; row <= sourceGroups[s].end; row++) alignment.sourceToTarget[row] = rowsOf(targetGroups[t]);
    for (let row = targetGroups[t].start; row <= targetGroups[t].end; row++) alignment.targetToSource[row] = rowsOf(sourceGroups[s]);
  };
  const sourceWords = sourceGroups.map((g, i) => wordsOf(sourceTexts[i], expectedWords.slice(g.start, g.end + 1).flat()));
  const gaps = new GapAligner(sourceWords, targetTexts.map((text) => wordsOf(text, [])), link);
  let [sourceFrom, targetFrom] = [0, 0];
  for (const [s, t] of [...uniqueAnchors(sourceTexts, targetTexts), [sourceTexts.length, targetTexts.length]]) {
    gaps.align(sourceFrom, s, targetFrom, t);
    if (s < sourceTexts.length) link(s, t);
    [sourceFrom, targetFrom] = [s + 1, t + 1];
  }
  return alignment;
}

/** The name a mapping's target is called by: `jax.nn.gelu(x, ...)` → jax.nn.gelu. */
export function calleeOf(target: string): string {
  return target.match(/^[\p{L}_][\p{L}\p{N}_.]*/u)?.[0] ?? '';
}

/** The converted line a source line's call landed on: among the lines it became (else among those between what its
 *  linked neighbours became), the first that names the callee, else the first it became. */
export function targetLineOf(alignment: LineAlignment, target: string[], sourceLine: number, callee: string): number | undefined {
  const linked = alignment.sourceToTarget[sourceLine] ?? [];
  const name = callee.slice(callee.lastIndexOf('.') + 1);
  const word = new RegExp(`(?<![\\p{L}\\p{N}_])${name}(?![\\p{L}\\p{N}_])`, 'u');
  const names = (t: number) => name.length > 1 && word.test(target[t]);
  return (linked.length ? linked : unlinkedStretch(alignment, target.length, sourceLine)).find(names) ?? linked[0];
}

/** The converted lines between those that the nearest linked source lines before and after became. */
function unlinkedStretch(alignment: LineAlignment, targetLength: number, sourceLine: number): number[] {
  const before = alignment.sourceToTarget.slice(0, sourceLine).filter((t) => t.length).pop();
  const after = alignment.sourceToTarget.slice(sourceLine + 1).find((t) => t.length);
  return range(before ? before[before.length - 1] + 1 : 0, after ? after[0] : targetLength);
}

function joined(lines: string[], span: LineSpan): string {
  return lines.slice(span.start, span.end + 1).join(' ');
}

function rowsOf(span: LineSpan): number[] {
  return range(span.start, span.end + 1);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

function wordsOf(line: string, expected: string[]): Words {
  const counts = new Map<string, number>();
  // a callee's one-letter segments are placeholders (`a.astype`), not words the line will hold
  const words = [...(line.match(/[\p{L}_][\p{L}\p{N}_]*|\d+(?:\.\d+)?/gu) ?? []), ...expected.flatMap((e) => e.split('.')).filter((w) => w.length > 1)];
  for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
  return { counts, total: words.length };
}

/** Dice coefficient of the word multisets; 0 unless they share a name other than a keyword. */
function similarity(a: Words, b: Words): number {
  let common = 0;
  let sharesName = false;
  for (const [word, count] of a.counts) {
    const other = b.counts.get(word);
    if (!other) continue;
    common += Math.min(count, other);
    sharesName ||= !KEYWORDS.has(word);
  }
  return sharesName ? (2 * common) / (a.total + b.total) : 0;
}

/** Lines that occur exactly once on each side, identical but for spacing, in an order both sides agree on. */
function uniqueAnchors(source: string[], target: string[]): Array<[number, number]> {
  const key = (line: string) => line.trim().replace(/\s+/g, ' ');
  const occurrences = (lines: string[]) => {
    const found = new Map<string, number[]>();
    lines.forEach((line, i) => /[\p{L}\p{N}]/u.test(line) && found.set(key(line), [...(found.get(key(line)) ?? []), i]));
    return found;
  };
  const inTarget = occurrences(target);
  const pairs: Array<[number, number]> = [];
  for (const [line, rows] of occurrences(source)) {
    const targetRows = inTarget.get(line);
    if (rows.length === 1 && targetRows?.length === 1) pairs.push([rows[0], targetRows[0]]);
  }
  return longestIncreasing(pairs.sort((a, b) => a[0] - b[0]));
}

/** The longest run of pairs whose target rows increase too (patience sorting). */
function longestIncreasing(pairs: Array<[number, number]>): Array<[number, number]> {
  const tails: number[] = [];
  const previous: number[] = [];
  pairs.forEach(([, t], i) => {
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (pairs[tails[middle]][1] < t) low = middle + 1;
      else high = middle;
    }
    previous[i] = low > 0 ? tails[low - 1] : -1;
    tails[low] = i;
  });
  const run: Array<[number, number]> = [];
  for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = previous[i]) run.unshift(pairs[i]);
  return run;
}

/** Links the lines between two anchors. */
class GapAligner {
  constructor(
    private readonly source: Words[],
    private readonly target: Words[],
    private readonly link: (s: number, t: number) => void,
  ) {}

  align(sourceFrom: number, sourceTo: number, targetFrom: number, targetTo: number) {
    const rows = sourceTo - sourceFrom;
    const columns = targetTo - targetFrom;
    if (!rows || !columns) return;
    if (this.linkLoneStatements(sourceFrom, sourceTo, targetFrom, targetTo)) return;
    if (rows * columns <= MAX_ALIGNMENT_CELLS) this.bestScore(sourceFrom, rows, targetFrom, columns);
    else this.greedy(sourceFrom, sourceTo, targetFrom, targetTo);
  }

  /** A statement alone between two anchors on both sides became the other, however much it was rewritten. */
  private linkLoneStatements(sourceFrom: number, sourceTo: number, targetFrom: number, targetTo: number): boolean {
    const statements = (words: Words[], from: number, to: number) => range(from, to).filter((i) => words[i].total);
    const [source, target] = [statements(this.source, sourceFrom, sourceTo), statements(this.target, targetFrom, targetTo)];
    if (source.length !== 1 || target.length !== 1 || !similarity(this.source[source[0]], this.target[target[0]])) return false;
    this.link(source[0], target[0]);
    return true;
  }

  /** The order-keeping set of links with the largest total similarity (dynamic programming). */
  private bestScore(sourceFrom: number, rows: number, targetFrom: number, columns: number) {
    const width = columns + 1;
    const score = new Float64Array((rows + 1) * width);
    const pairScore = new Float64Array(rows * columns);
    for (let i = 1; i <= rows; i++) {
      for (let j = 1; j <= columns; j++) {
        const similar = similarity(this.source[sourceFrom + i - 1], this.target[targetFrom + j - 1]);
        const linked = similar >= LINK_THRESHOLD ? similar : 0;
        pairScore[(i - 1) * columns + j - 1] = linked;
        score[i * width + j] = Math.max(score[(i - 1) * width + j], score[i * width + j - 1], score[(i - 1) * width + j - 1] + linked);
      }
    }
    for (let i = rows, j = columns; i > 0 && j > 0; ) {
      const linked = pairScore[(i - 1) * columns + j - 1];
      if (linked > 0 && score[i * width + j] === score[(i - 1) * width + j - 1] + linked) this.link(sourceFrom + --i, targetFrom + --j);
      else if (score[i * width + j] === score[(i - 1) * width + j]) i--;
      else j--;
    }
  }

  /** Each source line in turn takes the most similar of the next few target lines. */
  private greedy(sourceFrom: number, sourceTo: number, targetFrom: number, targetTo: number) {
    let next = targetFrom;
    for (let s = sourceFrom; s < sourceTo && next < targetTo; s++) {
      let best: number | undefined;
      let bestSimilarity = 0;
      for (let t = next; t < Math.min(targetTo, next + GREEDY_WINDOW); t++) {
        const similar = similarity(this.source[s], this.target[t]);
        if (similar >= LINK_THRESHOLD && similar > bestSimilarity) [best, bestSimilarity] = [t, similar];
      }
      if (best === undefined) continue;
      this.link(s, best);
      next = best + 1;
    }
  }
}
