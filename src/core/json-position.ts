// Maps a manifest path ("files[0].path") or a JSON.parse error to a line number, so recipe errors
// read file:line. A small scanner of its own: manifests are JSON, and a YAML parser on the start-up
// path of every render costs more than this whole module.

/** Line (1-based) where the value at `path` starts, or the deepest existing parent's; undefined if unparseable. */
export function lineOfPath(text: string, path: string): number | undefined {
  const segments = path.match(/[^.[\]]+/g) ?? [];
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const str = (): string => {
    // at an opening quote; returns the decoded string
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return text.slice(start + 1, i - 1);
    }
  };
  const skip = (): void => {
    // skips one value starting at i
    ws();
    const c = text[i];
    if (c === '"') return void str();
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      for (;;) {
        ws();
        if (text[i] === close || i >= text.length) return void i++;
        if (c === '{') {
          str();
          ws();
          i++; // ':'
        }
        skip();
        ws();
        if (text[i] === ',') i++;
      }
    }
    while (i < text.length && !/[\s,\]}]/.test(text[i]!)) i++;
  };
  ws();
  let at = i;
  for (const seg of segments) {
    ws();
    if (text[i] === '{') {
      i++;
      let found = false;
      for (;;) {
        ws();
        if (text[i] !== '"') break;
        const keyAt = i;
        const key = str();
        ws();
        i++; // ':'
        ws();
        if (key === seg) {
          found = true;
          at = text[i] === '{' || text[i] === '[' ? keyAt : i;
          break;
        }
        skip();
        ws();
        if (text[i] === ',') i++;
      }
      if (!found) break;
    } else if (text[i] === '[') {
      i++;
      const want = Number(seg);
      let n = 0;
      ws();
      while (n < want && text[i] !== ']' && i < text.length) {
        skip();
        ws();
        if (text[i] === ',') i++;
        ws();
        n++;
      }
      if (n !== want || text[i] === ']') break;
      at = i;
    } else break;
  }
  return at < text.length ? lineAt(text, at) : undefined;
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
  if (pos) return lineAt(text, Number(pos[1]));
  // Node 20 sometimes quotes the neighbourhood instead: `Unexpected token 'o', ..."1, "b": oops }" is not valid JSON`
  const near = /Unexpected token '([^']+)', (?:\.\.\.)?"([\s\S]*?)"(?:\.\.\.)? is not valid JSON/.exec(message);
  if (near) {
    const at = text.indexOf(near[2]!);
    if (at >= 0) return lineAt(text, at + Math.max(0, near[2]!.indexOf(near[1]!)));
  }
  return undefined;
}
