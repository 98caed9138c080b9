// Maps a manifest path ("files[0].path") or a JSON.parse error to a line number, so recipe errors read file:line.
import { parseDocument, isMap, isSeq, type Node } from 'yaml';

export function lineOfPath(text: string, path: string): number | undefined {
  const segments = path.match(/[^.[\]]+/g) ?? [];
  const doc = parseDocument(text, { keepSourceTokens: false });
  let node: unknown = doc.contents;
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown })?.value) === seg);
      if (!pair) break;
      node = pair.value ?? pair.key;
    } else if (isSeq(node)) {
      node = node.items[Number(seg)];
    } else break;
  }
  const range = (node as Node | undefined)?.range;
  return range ? lineAt(text, range[0]) : undefined;
}

export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Node's JSON.parse messages carry "position N" (and, newer, "line N"): turn either into a line. */
export function lineOfJsonError(text: string, message: string): number | undefined {
  const line = /line (\d+)/.exec(message);
  if (line) return Number(line[1]);
  const pos = /position (\d+)/.exec(message);
  return pos ? lineAt(text, Number(pos[1])) : undefined;
}
