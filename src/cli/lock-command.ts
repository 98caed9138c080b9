// `create-image lock [dir]`: pin every FROM image of a generated folder by digest (src/update/lock.ts) and
// write .create-image/lock.json. Exit codes: 0 locked; 1 an image whose digest cannot be had (one line
// naming it and its registry); 2 bad usage (no .create-image.json, an unreadable lock file).
import { resolve } from 'node:path';
import { LOCK_FILE } from '../core/lock.js';
import { readRecord } from '../edges/record-store.js';
import { lockDir, lockEngine } from '../update/lock.js';
import type { LockFlags } from './flags.js';
import { out } from './output.js';

export async function lockCommand(dirArg: string, flags: LockFlags): Promise<void> {
  const dir = resolve(dirArg);
  const rec = readRecord(dir);
  const r = await lockDir(dir, rec, { refresh: true, engine: lockEngine });
  if (flags.json) {
    out.json({ lockFile: LOCK_FILE, images: r.images.map(({ kept: _kept, ...i }) => i), written: r.written });
    return;
  }
  for (const i of r.images) out.line(`locked  ${i.image}:${i.tag}@${i.digest}  (${i.source === 'registry' ? 'registry' : 'local engine copy'}; ${i.at.join(', ')})`);
  if (!r.images.length) out.line('no FROM image to lock');
  out.line(r.written.length ? `Wrote ${r.written.join(', ')} and ${LOCK_FILE}` : `Unchanged: the Dockerfiles were pinned already; wrote ${LOCK_FILE}`);
}
