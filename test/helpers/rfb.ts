// A small RFB (VNC) client over a WebSocket, as noVNC speaks to websockify, for the novnc tests: the
// WebSocket handshake and framing (RFC 6455), the RFB 3.8 handshake with VNC authentication (DES of the
// server's challenge, RFC 6143 7.2.2), ServerInit, and one raw framebuffer update. Node's OpenSSL 3 has no
// DES (a legacy cipher), so DES is implemented here: encryption of single 64-bit blocks is all VNC needs.
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';

// ---- DES (FIPS 46-3), encryption only --------------------------------------------------------------------

const IP = [58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8, 57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7];
const FP = [40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31, 38, 6, 46, 14, 54, 22, 62, 30, 37, 5, 45, 13, 53, 21, 61, 29, 36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27, 34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25];
const E = [32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17, 16, 17, 18, 19, 20, 21, 20, 21, 22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1];
const P = [16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25];
const PC1 = [57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36, 63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4];
const PC2 = [14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2, 41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32];
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
const S = [
  '14 4 13 1 2 15 11 8 3 10 6 12 5 9 0 7 0 15 7 4 14 2 13 1 10 6 12 11 9 5 3 8 4 1 14 8 13 6 2 11 15 12 9 7 3 10 5 0 15 12 8 2 4 9 1 7 5 11 3 14 10 0 6 13',
  '15 1 8 14 6 11 3 4 9 7 2 13 12 0 5 10 3 13 4 7 15 2 8 14 12 0 1 10 6 9 11 5 0 14 7 11 10 4 13 1 5 8 12 6 9 3 2 15 13 8 10 1 3 15 4 2 11 6 7 12 0 5 14 9',
  '10 0 9 14 6 3 15 5 1 13 12 7 11 4 2 8 13 7 0 9 3 4 6 10 2 8 5 14 12 11 15 1 13 6 4 9 8 15 3 0 11 1 2 12 5 10 14 7 1 10 13 0 6 9 8 7 4 15 14 3 11 5 2 12',
  '7 13 14 3 0 6 9 10 1 2 8 5 11 12 4 15 13 8 11 5 6 15 0 3 4 7 2 12 1 10 14 9 10 6 9 0 12 11 7 13 15 1 3 14 5 2 8 4 3 15 0 6 10 1 13 8 9 4 5 11 12 7 2 14',
  '2 12 4 1 7 10 11 6 8 5 3 15 13 0 14 9 14 11 2 12 4 7 13 1 5 0 15 10 3 9 8 6 4 2 1 11 10 13 7 8 15 9 12 5 6 3 0 14 11 8 12 7 1 14 2 13 6 15 0 9 10 4 5 3',
  '12 1 10 15 9 2 6 8 0 13 3 4 14 7 5 11 10 15 4 2 7 12 9 5 6 1 13 14 0 11 3 8 9 14 15 5 2 8 12 3 7 0 4 10 1 13 11 6 4 3 2 12 9 5 15 10 11 14 1 7 6 0 8 13',
  '4 11 2 14 15 0 8 13 3 12 9 7 5 10 6 1 13 0 11 7 4 9 1 10 14 3 5 12 2 15 8 6 1 4 11 13 12 3 7 14 10 15 6 8 0 5 9 2 6 11 13 8 1 4 10 7 9 5 0 15 14 2 3 12',
  '13 2 8 4 6 15 11 1 10 9 3 14 5 0 12 7 1 15 13 8 10 3 7 4 12 5 6 11 0 14 9 2 7 11 4 1 9 12 14 2 0 6 10 13 15 3 5 8 2 1 14 7 4 10 8 13 15 12 9 0 3 5 6 11',
].map((row) => row.split(' ').map(Number));

/** The bits of `bytes`, most significant first. */
function toBits(bytes: Uint8Array): number[] {
  return [...bytes].flatMap((b) => Array.from({ length: 8 }, (_, i) => (b >> (7 - i)) & 1));
}

const permute = (bits: number[], table: number[]) => table.map((i) => bits[i - 1]!);
const rotate = (half: number[], n: number) => [...half.slice(n), ...half.slice(0, n)];

/** DES encryption of one 8-byte block with an 8-byte key. */
export function desEncryptBlock(key: Uint8Array, block: Uint8Array): Buffer {
  let cd = permute(toBits(key), PC1);
  const subkeys: number[][] = [];
  for (const n of SHIFTS) {
    cd = [...rotate(cd.slice(0, 28), n), ...rotate(cd.slice(28), n)];
    subkeys.push(permute(cd, PC2));
  }
  const lr = permute(toBits(block), IP);
  let l = lr.slice(0, 32);
  let r = lr.slice(32);
  for (const k of subkeys) {
    const x = permute(r, E).map((b, i) => b ^ k[i]!);
    const s: number[] = [];
    for (let box = 0; box < 8; box++) {
      const six = x.slice(box * 6, box * 6 + 6);
      const v = S[box]![((six[0]! << 1) | six[5]!) * 16 + ((six[1]! << 3) | (six[2]! << 2) | (six[3]! << 1) | six[4]!)]!;
      s.push((v >> 3) & 1, (v >> 2) & 1, (v >> 1) & 1, v & 1);
    }
    const f = permute(s, P);
    [l, r] = [r, l.map((b, i) => b ^ f[i]!)];
  }
  const out = permute([...r, ...l], FP);
  return Buffer.from(Array.from({ length: 8 }, (_, i) => out.slice(i * 8, i * 8 + 8).reduce((a, b) => (a << 1) | b, 0)));
}

/** VNC authentication's response: the challenge DES-encrypted with the password's first 8 bytes, each bit-reversed. */
export function vncAuthResponse(password: string, challenge: Buffer): Buffer {
  const key = Buffer.alloc(8);
  Buffer.from(password, 'latin1').copy(key, 0, 0, 8);
  for (let i = 0; i < 8; i++) {
    let b = key[i]!;
    let r = 0;
    for (let j = 0; j < 8; j++, b >>= 1) r = (r << 1) | (b & 1);
    key[i] = r;
  }
  return Buffer.concat([desEncryptBlock(key, challenge.subarray(0, 8)), desEncryptBlock(key, challenge.subarray(8, 16))]);
}

// ---- WebSocket client (binary frames) --------------------------------------------------------------------

/** A byte stream read in exact amounts: what RFB needs. */
export interface ByteStream {
  read(n: number): Promise<Buffer>;
  write(data: Buffer): void;
  close(): void;
}

export interface WsOptions {
  host: string;
  port: number;
  /** e.g. `/websockify` or `/websockify?token=desk` */
  path: string;
  tls?: boolean;
  timeoutMs?: number;
}

/** Opens a WebSocket and returns the HTTP status line plus, on 101, a stream of the binary payload. */
export async function openWebSocket(o: WsOptions): Promise<{ status: string; stream?: ByteStream }> {
  const socket: net.Socket = o.tls ? tls.connect({ host: o.host, port: o.port, rejectUnauthorized: false }) : net.connect({ host: o.host, port: o.port });
  socket.setTimeout(o.timeoutMs ?? 10_000, () => socket.destroy(new Error('websocket: timed out')));
  const key = randomBytes(16).toString('base64');
  await new Promise<void>((resolve, reject) => {
    socket.once(o.tls ? 'secureConnect' : 'connect', () => resolve());
    socket.once('error', reject);
  });
  socket.write(
    [`GET ${o.path} HTTP/1.1`, `Host: ${o.host}:${o.port}`, 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Protocol: binary', '', ''].join('\r\n'),
  );
  let buf = Buffer.alloc(0);
  let payload = Buffer.alloc(0);
  let ended: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    notify();
  });
  socket.on('close', () => {
    ended ??= new Error('websocket: connection closed');
    notify();
  });
  socket.on('error', (e) => {
    ended = e;
    notify();
  });
  const more = () => new Promise<void>((resolve) => (wake = resolve));

  // the HTTP answer
  let end: number;
  while ((end = buf.indexOf('\r\n\r\n')) < 0) {
    if (ended) throw ended;
    await more();
  }
  const head = buf.subarray(0, end).toString('latin1');
  buf = buf.subarray(end + 4);
  const status = head.split('\r\n')[0]!;
  if (!/^HTTP\/1\.1 101 /.test(status)) {
    socket.destroy();
    return { status };
  }
  const accept = /^sec-websocket-accept:\s*(\S+)/im.exec(head)?.[1];
  const expected = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  if (accept !== expected) throw new Error(`websocket: bad Sec-WebSocket-Accept ${accept}`);

  // frames from the server are not masked; a close frame ends the stream
  const takeFrames = () => {
    for (;;) {
      if (buf.length < 2) return;
      const op = buf[0]! & 0x0f;
      let len = buf[1]! & 0x7f;
      let at = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        len = Number(buf.readBigUInt64BE(2));
        at = 10;
      }
      if (buf.length < at + len) return;
      const data = buf.subarray(at, at + len);
      buf = buf.subarray(at + len);
      if (op === 0x8) ended ??= new Error(`websocket: closed by the server${data.length > 2 ? `: ${data.subarray(2).toString()}` : ''}`);
      else if (op === 0x9) sendFrame(0xa, data);
      else if (op === 0x0 || op === 0x2 || op === 0x1) payload = Buffer.concat([payload, data]);
    }
  };
  const sendFrame = (op: number, data: Buffer) => {
    const mask = randomBytes(4);
    const len = data.length;
    const header = len < 126 ? Buffer.from([0x80 | op, 0x80 | len]) : len < 65536 ? Buffer.from([0x80 | op, 0x80 | 126, len >> 8, len & 0xff]) : Buffer.concat([Buffer.from([0x80 | op, 0x80 | 127]), u64(len)]);
    const masked = Buffer.from(data.map((b, i) => b ^ mask[i % 4]!));
    socket.write(Buffer.concat([header, mask, masked]));
  };
  const stream: ByteStream = {
    async read(n) {
      for (;;) {
        takeFrames();
        if (payload.length >= n) {
          const out = payload.subarray(0, n);
          payload = payload.subarray(n);
          return out;
        }
        if (ended) throw ended;
        await more();
      }
    },
    write: (data) => sendFrame(0x2, data),
    close: () => socket.destroy(),
  };
  return { status, stream };
}

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

// ---- RFB --------------------------------------------------------------------------------------------------

export interface RfbResult {
  /** The server's ProtocolVersion line, e.g. `RFB 003.008`. */
  version: string;
  /** `ok`, or `failed: <reason>` when VNC authentication was refused. */
  auth: string;
  width?: number;
  height?: number;
  name?: string;
  /** Distinct colours in a raw framebuffer update of the whole screen (with `grab`). */
  colours?: number;
}

/** RFB 3.8 over `stream`: version, VNC authentication with `password`, ServerInit, optionally one full raw update. */
export async function rfbLogin(stream: ByteStream, password: string, opts: { grab?: boolean } = {}): Promise<RfbResult> {
  const version = (await stream.read(12)).toString('latin1').trim();
  stream.write(Buffer.from('RFB 003.008\n', 'latin1'));
  const count = (await stream.read(1))[0]!;
  if (count === 0) {
    const len = (await stream.read(4)).readUInt32BE(0);
    throw new Error(`rfb: the server refused the connection: ${(await stream.read(len)).toString()}`);
  }
  const types = [...(await stream.read(count))];
  if (!types.includes(2)) throw new Error(`rfb: the server does not offer VNC authentication (types ${types.join(', ')})`);
  stream.write(Buffer.from([2]));
  const challenge = await stream.read(16);
  stream.write(vncAuthResponse(password, challenge));
  const result = (await stream.read(4)).readUInt32BE(0);
  if (result !== 0) {
    const reason = await stream
      .read(4)
      .then(async (l) => (await stream.read(l.readUInt32BE(0))).toString())
      .catch(() => '');
    return { version, auth: `failed: ${reason}` };
  }
  stream.write(Buffer.from([1])); // ClientInit: shared
  const init = await stream.read(24);
  const width = init.readUInt16BE(0);
  const height = init.readUInt16BE(2);
  const name = (await stream.read(init.readUInt32BE(20))).toString();
  const out: RfbResult = { version, auth: 'ok', width, height, name };
  if (!opts.grab) return out;
  // 32 bits per pixel, true colour, little endian; raw encoding only; one full, non-incremental update
  const pf = Buffer.from([0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0]);
  stream.write(pf);
  stream.write(Buffer.from([2, 0, 0, 1, 0, 0, 0, 0]));
  stream.write(Buffer.from([3, 0, 0, 0, 0, 0, width >> 8, width & 0xff, height >> 8, height & 0xff]));
  const colours = new Set<number>();
  for (;;) {
    const type = (await stream.read(1))[0]!;
    if (type !== 0) throw new Error(`rfb: unexpected server message ${type}`);
    const rects = (await stream.read(3)).readUInt16BE(1);
    for (let i = 0; i < rects; i++) {
      const r = await stream.read(12);
      const [w, h, enc] = [r.readUInt16BE(4), r.readUInt16BE(6), r.readInt32BE(8)];
      if (enc !== 0) throw new Error(`rfb: unexpected encoding ${enc}`);
      const px = await stream.read(w * h * 4);
      for (let p = 0; p < px.length; p += 4) colours.add(px.readUInt32LE(p) & 0xffffff);
    }
    break;
  }
  return { ...out, colours: colours.size };
}
