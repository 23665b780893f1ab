// The only module that loads wasm: the Python grammar kept in grammars/ and web-tree-sitter's runtime.
import * as path from 'node:path';
import * as fs from 'node:fs';
import { Parser, Language, Edit, type Node, type Point, type Tree } from 'web-tree-sitter';

export { Edit };
export type { Node, Point, Tree };

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

/** Parses Python source; initParser() must have resolved first. Given the tree of the previous text, already told
 *  of the edits (tree.edit), tree-sitter re-parses only what they touched. */
export function parsePython(text: string, oldTree?: Tree): Tree {
  if (!parser) throw new Error('parser not initialised: await initParser() first');
  const tree = parser.parse(text, oldTree);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}

export interface SyntaxErrorLocation {
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
  /** the start of the text that does not parse */
  text: string;
}

/** Where a file stops parsing, as a person would point at it. tree-sitter's recovery often wraps complete statements
 *  in one ERROR node (an unclosed parenthesis can make it start at line 1 and span the file); the error sits inside. */
export function firstSyntaxError(tree: Tree): SyntaxErrorLocation | undefined {
  if (!tree.rootNode.hasError) return undefined;
  const node = firstError(tree.rootNode) ?? tree.rootNode;
  if (node.isMissing) return { line: node.startPosition.row + 1, column: node.startPosition.column + 1, text: `missing ${node.type}` };
  // an ERROR node often starts at the end of the line before its first token
  const { row, column } = (node.firstChild ?? node).startPosition;
  return { line: row + 1, column: column + 1, text: node.text.trim().split('\n')[0].slice(0, 40) };
}

/** The first error in document order that is not a recovery wrapper around complete statements. */
function firstError(node: Node): Node | undefined {
  if (node.isMissing || (node.isError && !wrapsStatements(node))) return node;
  for (const child of node.children) {
    const found = child && (child.hasError || child.isMissing) ? firstError(child) : undefined;
    if (found) return found;
  }
  return node.isError ? node : undefined;
}

function wrapsStatements(error: Node): boolean {
  const first = error.namedChildren[0];
  return !!first && !first.hasError && /_(statement|definition)$/.test(first.type);
}
