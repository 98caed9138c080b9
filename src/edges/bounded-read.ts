// One reader for files a user or a project names: a regular file only, opened without blocking (a FIFO,
// socket or device is reported, never waited on) and read only under a size limit.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

export type BoundedRead = { text: string; problem?: undefined } | { problem: string; code?: string };

/** `path`'s text, or why not as a phrase for `<path> <problem>` (`is a FIFO, not a regular file`). */
export function readBounded(path: string, maxBytes: number, flags = 0): BoundedRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | flags);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { problem: code === 'ENOENT' ? 'does not exist' : `cannot be read (${code === 'ELOOP' ? 'a link loop' : (code ?? 'error')})`, ...(code ? { code } : {}) };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { problem: `is ${kindOf(st)}, not a regular file` };
    if (st.size > maxBytes) return { problem: `is over ${sizeText(maxBytes)} (${sizeText(st.size)})` };
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return { text: buf.subarray(0, off).toString('utf8') };
  } catch (e) {
    return { problem: `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  } finally {
    closeSync(fd);
  }
}

export function kindOf(st: Stats): string {
  return st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isDirectory() ? 'a folder' : st.isSymbolicLink() ? 'a link' : 'a special file';
}

const sizeText = (n: number): string => (n >= 1024 * 1024 ? `${Math.ceil(n / 1024 / 1024)} MB` : `${Math.ceil(n / 1024)} KB`);
