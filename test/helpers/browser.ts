// A real browser for the tests: headless Chromium (Debian's `chromium`) driven over the DevTools protocol on
// a pipe (--remote-debugging-pipe: JSON messages ended by NUL on fds 3 and 4), so a test can wait in real
// time for a page to reach a state and then take a screenshot; plus a PNG decoder (node:zlib) to read it.
import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { inflateSync } from 'node:zlib';

export const CHROMIUM = process.env.CHROMIUM ?? 'chromium';

/** Is the browser installed? (scripts/ci/test-tools.sh installs it) */
export async function haveChromium(): Promise<boolean> {
  return (await execa(CHROMIUM, ['--version'], { reject: false })).exitCode === 0;
}

export interface ShotOptions {
  width: number;
  height: number;
  /** A JavaScript expression evaluated in the page until it is true (awaited when it is a promise). */
  until: string;
  timeoutMs?: number;
}

/** Opens `url`, waits until `until` holds, and returns a PNG of the viewport and the last value of `until`. */
export async function screenshotWhen(url: string, o: ShotOptions): Promise<Buffer> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'ci-chromium-'));
  const child = spawn(
    CHROMIUM,
    ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--remote-debugging-pipe', `--user-data-dir=${profile}`, `--window-size=${o.width},${o.height}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  const pending = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  let buf = '';
  let nextId = 1;
  fromBrowser.on('data', (d: Buffer) => {
    buf += d.toString();
    let end: number;
    while ((end = buf.indexOf('\0')) >= 0) {
      const msg = JSON.parse(buf.slice(0, end)) as { id?: number; result?: Record<string, unknown>; error?: { message: string } };
      buf = buf.slice(end + 1);
      const p = msg.id !== undefined ? pending.get(msg.id) : undefined;
      if (!p) continue;
      pending.delete(msg.id!);
      if (msg.error) p.reject(new Error(msg.error.message));
      else p.resolve(msg.result ?? {});
    }
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`chromium exited (${code}):\n${stderr}`))));
  exited.catch(() => undefined);
  const send = (method: string, params: object = {}, sessionId?: string) =>
    Promise.race([
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
      }),
      exited,
    ]);
  try {
    const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    await send('Page.enable', {}, sessionId);
    await send('Page.navigate', { url }, sessionId);
    const deadline = Date.now() + (o.timeoutMs ?? 30_000);
    let last: unknown;
    for (;;) {
      const r = (await send('Runtime.evaluate', { expression: o.until, awaitPromise: true, returnByValue: true }, sessionId)) as { result?: { value?: unknown }; exceptionDetails?: { text?: string } };
      last = r.exceptionDetails?.text ?? r.result?.value;
      if (r.result?.value === true) break;
      if (Date.now() > deadline) throw new Error(`the page never reached: ${o.until} (last: ${JSON.stringify(last)})`);
      await new Promise((res) => setTimeout(res, 250));
    }
    const shot = (await send('Page.captureScreenshot', { format: 'png' }, sessionId)) as { data: string };
    return Buffer.from(shot.data, 'base64');
  } finally {
    child.kill('SIGKILL');
    await new Promise((res) => (child.exitCode !== null ? res(undefined) : child.once('exit', res)));
    // chromium's helper processes may still be writing into the profile as the main one exits
    await rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}

export interface Image {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel, row by row. */
  rgba: Buffer;
}

/** Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes). */
export function decodePng(png: Buffer): Image {
  if (png.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error('not a PNG');
  let at = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (at < png.length) {
    const len = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('latin1');
    const data = png.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, colour, , , interlace] = [data[8], data[9], data[10], data[11], data[12]];
      if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`);
      channels = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = Buffer.alloc(width * height * 4);
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? line[x - channels]! : 0;
      const b = prev[x]!;
      const c = x >= channels ? prev[x - channels]! : 0;
      const pred = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : paeth(a, b, c);
      line[x] = (line[x]! + pred) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      line.copy(out, (y * width + x) * 4, x * channels, x * channels + 3);
      out[(y * width + x) * 4 + 3] = channels === 4 ? line[x * channels + 3]! : 255;
    }
    prev = line;
  }
  return { width, height, rgba: out };
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Luminance statistics of a region: mean, variance, and the share of pixels of each exact colour (0xRRGGBB). */
export function regionStats(img: Image, r: { x: number; y: number; w: number; h: number }): { mean: number; variance: number; share: (rgb: number) => number } {
  let sum = 0;
  let sq = 0;
  const counts = new Map<number, number>();
  const n = r.w * r.h;
  for (let y = r.y; y < r.y + r.h; y++) {
    for (let x = r.x; x < r.x + r.w; x++) {
      const i = (y * img.width + x) * 4;
      const [R, G, B] = [img.rgba[i]!, img.rgba[i + 1]!, img.rgba[i + 2]!];
      const l = 0.299 * R + 0.587 * G + 0.114 * B;
      sum += l;
      sq += l * l;
      const rgb = (R << 16) | (G << 8) | B;
      counts.set(rgb, (counts.get(rgb) ?? 0) + 1);
    }
  }
  const mean = sum / n;
  return { mean, variance: sq / n - mean * mean, share: (rgb) => (counts.get(rgb) ?? 0) / n };
}
