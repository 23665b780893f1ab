// The only module that loads wasm: the Python grammar kept in grammars/ and web-tree-sitter's runtime.
import * as path from 'node:path';
import * as fs from 'node:fs';
import { Parser, Language, type Node, type Tree } from 'web-tree-sitter';

export type { Node, Tree };

let parser: Parser | undefined;

/** The first existing file among the bundle's neighbours (dist/, out/test/) and the repository root. */
function findFile(relatives: string[]): string {
  const roots = [__dirname, path.join(__dirname, '..'), path.join(__dirname, '..', '..'), path.join(__dirname, '..', '..', '..'), process.cwd()];
  const candidates = roots.flatMap((root) => relatives.map((r) => path.join(root, r)));
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`${relatives[0]} not found near ${__dirname}`);
  return found;
}

export async function initParser(): Promise<Parser> {
  if (parser) return parser;
  const runtime = findFile(['web-tree-sitter.wasm', 'dist/web-tree-sitter.wasm', 'node_modules/web-tree-sitter/web-tree-sitter.wasm']);
  await Parser.init({ locateFile: () => runtime });
  const language = await Language.load(findFile(['grammars/tree-sitter-python.wasm']));
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

/** The first syntax error in source order, as a 1-based line and column, or undefined. */
export function firstSyntaxError(tree: Tree): { line: number; column: number; text: string } | undefined {
  const visit = (node: Node): Node | undefined => {
    if (node.isError || node.isMissing) return node;
    for (const child of node.children) {
      if (child && (child.hasError || child.isMissing)) {
        const found = visit(child);
        if (found) return found;
      }
    }
    return undefined;
  };
  if (!tree.rootNode.hasError) return undefined;
  const node = visit(tree.rootNode) ?? tree.rootNode;
  return { line: node.startPosition.row + 1, column: node.startPosition.column + 1, text: node.isMissing ? `missing ${node.type}` : node.text.split('\n')[0].slice(0, 40) };
}
