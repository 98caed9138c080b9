// Maps a manifest path ("files[0].path") or a JSON.parse error to a line number, so recipe errors
// read file:line. jsonc-parser does the reading; it is required only when there is an error to place,
// so it costs nothing on the start-up path of a render (this module is on it).
import { createRequire } from 'node:module';

type Jsonc = typeof import('jsonc-parser');
const jsonc = (): Jsonc => createRequire(import.meta.url)('jsonc-parser') as Jsonc;

/** Line (1-based) where the value at `path` starts, or the deepest existing parent's; undefined if unparseable. */
export function lineOfPath(text: string, path: string): number | undefined {
  const { parseTree, findNodeAtLocation } = jsonc();
  const root = parseTree(text);
  if (!root) return undefined;
  // `[0]` indexes an array, anything else names a property ("(root)" names none: the root's line)
  const segments = [...path.matchAll(/\[(\d+)\]|[^.[\]]+/g)].map((m) => (m[1] === undefined ? m[0] : Number(m[1])));
  for (let n = segments.length; n >= 0; n--) {
    const node = findNodeAtLocation(root, segments.slice(0, n));
    if (!node) continue;
    // An object or array value of a property is placed at its key, the line a reader looks for.
    const container = node.type === 'object' || node.type === 'array';
    return lineAt(text, container && node.parent?.type === 'property' ? node.parent.offset : node.offset);
  }
  return lineAt(text, root.offset);
}

export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Line of a JSON.parse error in `text`. Node's message carries "line N" or "position N" for most
 * errors; for the rest (an unexpected token, quoted with its neighbourhood, or an early end)
 * jsonc-parser's first error says where it is.
 */
export function lineOfJsonError(text: string, message: string): number | undefined {
  const line = /line (\d+)/.exec(message);
  if (line) return Number(line[1]);
  const pos = /position (\d+)/.exec(message);
  if (pos) return lineAt(text, Number(pos[1]));
  const errors: import('jsonc-parser').ParseError[] = [];
  jsonc().parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  return errors[0] ? lineAt(text, errors[0].offset) : undefined;
}
