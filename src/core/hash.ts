// Content hashes: the record's per-file hashes and the built-in manifests validated at build time.
//
// SHA-256 by a 1 kB WebAssembly module (src/core/sha256.wat): node:crypto would bring some forty of
// node's internal modules (crypto, streams) into every start, about 7 ms, for a few hashes of text a
// render has in memory; plain JavaScript is slower still, run cold by the interpreter.
import { SHA256_WASM } from './sha256-wasm.generated.js';

// prettier-ignore
const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
/** Where the padded message starts in the module's memory (sha256.wat's layout). */
const MESSAGE = 1024;
const PAGE = 65536;

interface Sha256Module {
  memory: WebAssembly.Memory;
  blocks: (n: number) => void;
}
let wasm: Sha256Module | undefined;

function instance(): Sha256Module {
  if (wasm) return wasm;
  const made = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(SHA256_WASM, 'base64'))).exports as unknown as Sha256Module;
  const view = new DataView(made.memory.buffer);
  K.forEach((k, i) => view.setUint32(i * 4, k, true));
  return (wasm = made);
}

/** SHA-256 of `s` as UTF-8, in lower-case hex: what `sha256sum` prints for the file. */
export function sha256(s: string): string {
  const w = instance();
  const n = Buffer.byteLength(s, 'utf8');
  // the message, a 1 bit, zeros, and its length in bits as 64 bits: a whole number of 64-byte blocks
  const blocks = Math.floor((n + 8) / 64) + 1;
  const end = MESSAGE + blocks * 64;
  if (end > w.memory.buffer.byteLength) w.memory.grow(Math.ceil((end - w.memory.buffer.byteLength) / PAGE));
  const mem = Buffer.from(w.memory.buffer);
  mem.write(s, MESSAGE, 'utf8');
  mem.fill(0, MESSAGE + n, end);
  mem[MESSAGE + n] = 0x80;
  mem.writeUInt32BE(Math.floor(n / 0x20000000), end - 8);
  mem.writeUInt32BE((n * 8) >>> 0, end - 4);
  w.blocks(blocks);
  return mem.toString('hex', 512, 544);
}
