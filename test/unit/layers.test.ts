import { describe, expect, it } from 'vitest';
import { instructionOf, shortInstruction, summarizeLayers } from '../../src/core/layers.js';

describe('instructionOf', () => {
  it('reads each builder\'s history back as Dockerfile text', () => {
    expect(instructionOf('/bin/sh -c apt-get update')).toBe('RUN apt-get update');
    expect(instructionOf('/bin/sh -c #(nop)  CMD ["sh"]')).toBe('CMD ["sh"]');
    expect(instructionOf('|2 A=1 B=x y /bin/sh -c make')).toBe('RUN make');
    expect(instructionOf('RUN /bin/sh -c set -eux;     apt-get update # buildkit')).toBe('RUN set -eux;     apt-get update');
    expect(instructionOf('RUN |1 A=1 /bin/sh -c make # buildkit')).toBe('RUN make');
    expect(instructionOf('COPY a.sh /a.sh # buildkit')).toBe('COPY a.sh /a.sh');
    expect(instructionOf('')).toBe('');
    expect(shortInstruction('')).toBe('(base image)');
    expect(shortInstruction(`RUN ${'x'.repeat(200)}`, 20)).toBe(`RUN ${'x'.repeat(13)}...`);
  });
});

const layer = (instruction: string, size = 30_000_000) => ({ instruction, size });
const hintsFor = (instruction: string, size?: number) => summarizeLayers([layer(instruction, size)]).hints.map((h) => h.split(':')[0]);

describe('summarizeLayers', () => {
  it('lists the largest layers, largest first, and counts only layers with bytes', () => {
    const s = summarizeLayers([layer('', 70), layer('RUN a', 0), layer('COPY x /x', 5), layer('RUN b', 90), layer('RUN c', 10)], 2);
    expect(s).toMatchObject({ count: 4, total: 175, largest: [layer('RUN b', 90), layer('', 70)] });
  });
  it('hints at known waste', () => {
    expect(hintsFor('RUN apt-get update && apt-get install -y --no-install-recommends curl')).toEqual(['apt lists']);
    expect(hintsFor('RUN apt-get update && apt-get install -y curl')).toEqual(['apt lists', 'recommended packages']);
    expect(hintsFor('RUN apt-get update; apt-get install -y --no-install-recommends locales-all; rm -rf /var/lib/apt/lists/*')).toEqual(['locales']);
    expect(hintsFor('RUN apt-get update; apt-get install -y --no-install-recommends foo; rm -rf /var/lib/apt/lists/*', 60_000_000)).toEqual(['docs']);
    expect(hintsFor('RUN pip install flask')).toEqual(['pip cache']);
    expect(hintsFor('RUN npm ci')).toEqual(['npm cache']);
    expect(hintsFor('RUN apk add curl')).toEqual(['apk cache']);
    expect(hintsFor('RUN dnf install -y curl')).toEqual(['dnf cache']);
    expect(hintsFor('RUN apt-get update; apt-get install -y --no-install-recommends build-essential libpq-dev; rm -rf /var/lib/apt/lists/*')).toEqual(['build tools in the final stage']);
  });
  it('no hint for a clean install, a small layer or a COPY', () => {
    expect(hintsFor('RUN set -eux; apt-get update; apt-get install -y --no-install-recommends ca-certificates tzdata; rm -rf /var/lib/apt/lists/*')).toEqual([]);
    expect(hintsFor('RUN pip install --no-cache-dir flask')).toEqual([]);
    expect(hintsFor('RUN apk add --no-cache curl')).toEqual([]);
    expect(hintsFor('RUN apt-get update', 500_000)).toEqual([]);
    expect(hintsFor('COPY apt-get-update.sh /x')).toEqual([]);
  });
});
