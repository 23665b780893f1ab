// The only module that loads wasm: the Python grammar kept in grammars/ and web-tree-sitter's runtime.
import * as path from 'node:path';
import * as fs from 'node:fs';
import { Parser, Language, type Node, type Tree } from 'web-tree-sitter';

export type { Node, Tree };

let parser: Parser | undefined;

/** grammars/ sits next to dist/ in the package and next to server/ in the repo. */
function grammarPath(): string {
  const candidates = [
    path.join(__dirname, '..', 'grammars', 'tree-sitter-python.wasm'),
    path.join(__dirname, '..', '..', '..', 'grammars', 'tree-sitter-python.wasm'),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`tree-sitter-python.wasm not found (looked in ${candidates.join(', ')})`);
  return found;
}

export async function initParser(): Promise<Parser> {
  if (parser) return parser;
  await Parser.init();
  const language = await Language.load(grammarPath());
  parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

/** Parses Python source; initParser() must have resolved first. */
export function parsePython(text: string): Tree {
  if (!parser) throw new Error('parser not initialised: await initParser() first');
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}

/** The first syntax error in a tree, as a 1-based line and column, or undefined. */
export function firstSyntaxError(tree: Tree): { line: number; column: number; text: string } | undefined {
  if (!tree.rootNode.hasError) return undefined;
  const stack: Node[] = [tree.rootNode];
  while (stack.length) {
    const node = stack.shift()!;
    if (node.isError || node.isMissing) {
      return { line: node.startPosition.row + 1, column: node.startPosition.column + 1, text: node.isMissing ? `missing ${node.type}` : node.text.slice(0, 40) };
    }
    for (const child of node.children) if (child && child.hasError) stack.push(child);
  }
  return { line: 1, column: 1, text: '' };
}
