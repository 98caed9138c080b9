// "Did you mean": the nearest known word by edit distance, for time zones, subcommands and names.

/** Levenshtein distance (insert, delete, substitute), stopping early once it exceeds `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      row.push(v);
      best = Math.min(best, v);
    }
    if (best > max) return max + 1;
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The candidates nearest to `word` (case-insensitively), nearest first, at most `limit` of them, none
 * further than `maxDistance` (default: a third of the word's length, at least 1, at most 3).
 */
export function closest(word: string, candidates: Iterable<string>, opts: { maxDistance?: number; limit?: number } = {}): string[] {
  const max = opts.maxDistance ?? Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  const lower = word.toLowerCase();
  const found: { c: string; d: number }[] = [];
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase(), max);
    if (d <= max) found.push({ c, d });
  }
  return found
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, opts.limit ?? 3)
    .map((x) => x.c);
}

/** `did you mean X?`, `did you mean X or Y?`, or '' when nothing is near. */
export function didYouMean(word: string, candidates: Iterable<string>, opts?: { maxDistance?: number; limit?: number }): string {
  const near = closest(word, candidates, { limit: 2, ...opts });
  return near.length ? `did you mean ${near.join(' or ')}?` : '';
}
