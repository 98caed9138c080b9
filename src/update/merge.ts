// Three-way merge of one text file: the user's copy and the new render, both descended from the base
// (the previous render). Clean changes from both sides are combined; overlapping ones become a conflict
// block with the user's lines first, git-style:
//   <<<<<<< yours / ||||||| base / ======= / >>>>>>> recipe
import { diff3Merge } from 'node-diff3';

export interface MergeResult {
  text: string;
  conflicts: number;
}

export interface MergeLabels {
  yours?: string;
  base?: string;
  theirs?: string;
}

/** Lines with their terminators kept, so a missing final newline survives the merge. */
function lines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Line numbers (1-based) of the conflict markers merge3 writes, as git does: `<<<<<<< `, `=======`, `>>>>>>> `. */
export function conflictMarkerLines(text: string): number[] {
  const out: number[] = [];
  text.split('\n').forEach((l, i) => {
    if (/^(<{7} |>{7} |\|{7} |={7}$)/.test(l)) out.push(i + 1);
  });
  return out;
}

export function merge3(yours: string, base: string, theirs: string, labels: MergeLabels = {}): MergeResult {
  if (yours === theirs) return { text: yours, conflicts: 0 };
  if (yours === base) return { text: theirs, conflicts: 0 };
  if (theirs === base) return { text: yours, conflicts: 0 };
  const regions = diff3Merge(lines(yours), lines(base), lines(theirs), { excludeFalseConflicts: true }) as Array<
    { ok: string[] } | { conflict: { a: string[]; o: string[]; b: string[] } }
  >;
  const out: string[] = [];
  let conflicts = 0;
  const block = (ls: string[]) => {
    for (const l of ls) out.push(l);
    if (ls.length && !ls[ls.length - 1]!.endsWith('\n')) out.push('\n');
  };
  for (const r of regions) {
    if ('ok' in r) {
      out.push(...r.ok);
      continue;
    }
    conflicts++;
    if (out.length && !out[out.length - 1]!.endsWith('\n')) out.push('\n');
    out.push(`<<<<<<< ${labels.yours ?? 'yours'}\n`);
    block(r.conflict.a);
    out.push(`||||||| ${labels.base ?? 'base'}\n`);
    block(r.conflict.o);
    out.push('=======\n');
    block(r.conflict.b);
    out.push(`>>>>>>> ${labels.theirs ?? 'recipe'}\n`);
  }
  return { text: out.join(''), conflicts };
}

export type FileAction =
  | { path: string; action: 'write'; content: string; mode?: number; why: 'new' | 'recipe' | 'merged' | 'conflict'; conflicts?: number }
  | { path: string; action: 'delete'; why: 'removed by the recipe' }
  | { path: string; action: 'keep'; why: string };

/**
 * What to do with each file: `base` is the previous render (undefined when unknown), `user` what is on
 * disk, `next` the new render. Nothing of the user's is dropped: an edited file the recipe no longer
 * renders is kept; a generated file the user deleted stays deleted.
 */
export function planMerge(
  paths: Iterable<string>,
  get: (p: string) => { base?: string; user?: string; next?: string; mode?: number },
  labels: MergeLabels = {},
): FileAction[] {
  const actions: FileAction[] = [];
  for (const path of paths) {
    const { base, user, next, mode } = get(path);
    const m = mode !== undefined ? { mode } : {};
    if (next !== undefined) {
      if (user === undefined) {
        if (base === undefined) actions.push({ path, action: 'write', content: next, ...m, why: 'new' });
        else actions.push({ path, action: 'keep', why: next === base ? 'deleted by you' : 'deleted by you (the recipe changed it; its version is kept in .create-image/base.json)' });
        continue;
      }
      if (user === next) {
        actions.push({ path, action: 'keep', why: 'up to date' });
        continue;
      }
      const r = merge3(user, base ?? '', next, labels);
      if (r.text === user) actions.push({ path, action: 'keep', why: 'your edits kept' });
      else actions.push({ path, action: 'write', content: r.text, ...m, why: r.conflicts ? 'conflict' : user === base ? 'recipe' : 'merged', ...(r.conflicts ? { conflicts: r.conflicts } : {}) });
      continue;
    }
    if (user === undefined) continue;
    if (base !== undefined && user === base) actions.push({ path, action: 'delete', why: 'removed by the recipe' });
    else if (base !== undefined) actions.push({ path, action: 'keep', why: 'the recipe no longer renders it; kept your edited copy' });
  }
  return actions;
}
