// A small Python tokenizer for colouring code in the diff view: enough to tell keywords, names, strings, numbers,
// comments, calls and definitions apart, line by line (strings may span lines).

export type TokenKind = 'keyword' | 'constant' | 'builtin' | 'string' | 'number' | 'comment' | 'function' | 'class' | 'decorator' | 'plain';

export interface Token {
  kind: TokenKind;
  text: string;
}

export const KEYWORDS = new Set([
  'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except',
  'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise',
  'return', 'try', 'while', 'with', 'yield',
]);
const CONSTANTS = new Set(['True', 'False', 'None']);
const BUILTINS = new Set(['self', 'cls', 'super', 'len', 'range', 'isinstance', 'print', 'int', 'float', 'tuple', 'list', 'dict', 'str']);

const PATTERNS: Array<[TokenKind, RegExp]> = [
  ['comment', /#[^\n]*/y],
  ['string', /[rRbBuUfF]{0,2}(?:'''[\s\S]*?(?:'''|$(?![\s\S]))|"""[\s\S]*?(?:"""|$(?![\s\S]))|'(?:\\.|[^'\\\n])*'?|"(?:\\.|[^"\\\n])*"?)/y],
  ['number', /(?:0[xX][\da-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?[jJ]?)(?![\p{L}\p{N}_])/uy],
  ['decorator', /(?<=^[ \t]*)@[\p{L}_][\p{L}\p{N}_.]*/muy],
  ['plain', /[\p{L}_][\p{L}\p{N}_]*/uy],
  ['plain', /\s+|[^\s\p{L}\p{N}_'"#]+|./uy],
];

/** The text's tokens, split into lines. */
export function highlightLines(text: string): Token[][] {
  const lines: Token[][] = [[]];
  for (const token of tokenize(text)) {
    token.text.split('\n').forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (part) lines[lines.length - 1].push({ kind: token.kind, text: part });
    });
  }
  return lines;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let previousWord = '';
  let at = 0;
  while (at < text.length) {
    const [kind, match] = matchAt(text, at);
    at += match.length;
    tokens.push({ kind: kind === 'plain' ? classifyWord(match, previousWord, text.startsWith('(', at)) : kind, text: match });
    if (match.trim()) previousWord = match;
  }
  return tokens;
}

function matchAt(text: string, at: number): [TokenKind, string] {
  for (const [kind, pattern] of PATTERNS) {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (match?.[0]) return [kind, match[0]];
  }
  return ['plain', text[at]];
}

/** Keywords and constants by name; a name after `def`/`class` is defined, a name before `(` is called. */
function classifyWord(word: string, previousWord: string, called: boolean): TokenKind {
  if (!/^[\p{L}_]/u.test(word)) return 'plain';
  if (KEYWORDS.has(word)) return 'keyword';
  if (CONSTANTS.has(word)) return 'constant';
  if (previousWord === 'class') return 'class';
  if (previousWord === 'def') return 'function';
  if (BUILTINS.has(word)) return 'builtin';
  return called ? 'function' : 'plain';
}
