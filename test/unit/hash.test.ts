// The record's sha256 is computed by a small WebAssembly module (no node:crypto at start-up): it must be
// SHA-256 exactly, at every length around the block boundaries, for text beyond ASCII, for text larger than
// the module's first memory page; and the module in git must be what its source assembles to.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/core/hash.js';
// @ts-expect-error: a plain .mjs build script without types
import { generate, OUT } from '../../scripts/gen-wasm.mjs';

const reference = (s: string) => createHash('sha256').update(s).digest('hex');

describe('sha256 (WebAssembly)', () => {
  it('gives the known digests of "" and "abc"', () => {
    expect(sha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('matches node:crypto at every length from 0 to 300 bytes (the padding edges of one to five blocks)', () => {
    for (let n = 0; n <= 300; n++) expect(sha256('x'.repeat(n)), `length ${n}`).toBe(reference('x'.repeat(n)));
  });
  it('matches node:crypto for any text as UTF-8 (multi-byte characters, lone surrogates, NUL), in any order of sizes', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 700 }), (s) => sha256(s) === reference(s)), { numRuns: 400 });
    // larger than the first 64 kB page (memory grows), then small again (a shorter message after a longer one)
    const big = 'RUN echo "héllo"\n'.repeat(30_000);
    expect(sha256(big)).toBe(reference(big));
    expect(sha256('FROM debian:trixie-slim\n')).toBe(reference('FROM debian:trixie-slim\n'));
  });
  it('the generated module in git is what src/core/sha256.wat assembles to', async () => {
    expect(readFileSync(OUT as string, 'utf8') === ((await generate()) as string), 'src/core/sha256-wasm.generated.ts is stale: run `npm run build` and commit it').toBe(true);
  });
});
