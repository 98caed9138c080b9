// Progress: recorded logs of the real builders parsed into steps, and the one-line renderer.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProgressParser, createProgressRenderer, formatProgressLine, parseSteps, PLAIN_COLUMNS, stripAnsi } from '../../src/engines/progress.js';

const LOGS = path.resolve(__dirname, '../fixtures/build-logs');
const log = (name: string) => readFileSync(path.join(LOGS, name), 'utf8');

describe('parseSteps on recorded builder output', () => {
  it('classic builder: Step N/M lines, in order', () => {
    expect(parseSteps(log('classic-ok.log'), 'classic')).toEqual(['[1/3] FROM debian:bookworm-slim', '[2/3] RUN echo hi > /hi', '[3/3] USER 65534']);
    const multi = parseSteps(log('classic-multi.log'));
    expect(multi).toHaveLength(7);
    expect(multi[3]).toBe('[4/7] FROM debian:bookworm-slim AS final');
    // a RUN's own output (bonjour) is never a step
    expect(multi.join('\n')).not.toContain('bonjour');
  });

  it('BuildKit --progress=plain: the first line of each vertex, not its output or DONE lines', () => {
    const steps = parseSteps(log('buildkit-ok.log'), 'buildkit');
    expect(steps).toEqual([
      '[internal] load build definition from Dockerfile',
      '[internal] load .dockerignore',
      '[internal] load metadata for docker.io/library/debian:bookworm-slim',
      '[1/2] FROM docker.io/library/debian:bookworm-slim',
      '[2/2] RUN echo hi > /hi',
      'exporting to image',
    ]);
    const multi = parseSteps(log('buildkit-multi.log'));
    expect(multi).toContain('[build 2/2] RUN echo "bonjour" > /greeting');
    expect(multi).toContain('[final 3/3] RUN cat /greeting');
    expect(multi.some((s) => /bonjour$/.test(s) && !s.includes('RUN'))).toBe(false);
  });

  it('podman and buildah: STEP N/M, multi-stage prefixes and COMMIT', () => {
    expect(parseSteps(log('podman-ok.log'), 'podman')).toEqual(['[1/3] FROM debian:bookworm-slim', '[2/3] RUN echo hi > /hi', '[3/3] USER 65534', 'COMMIT rec-podman:ok']);
    const multi = parseSteps(log('podman-multi.log'), 'podman');
    expect(multi[0]).toBe('stage 1/2 [1/3] FROM debian:bookworm-slim AS build');
    expect(multi).toContain('stage 2/2 [3/4] RUN cat /greeting');
    expect(multi.at(-1)).toBe('COMMIT rec-podman:multi');
    expect(parseSteps(log('buildah-ok.log'))).toEqual(['[1/3] FROM debian:bookworm-slim', '[2/3] RUN echo hi > /hi', '[3/3] USER 65534', 'COMMIT rec-buildah:ok']);
  });

  it('failing builds still report the step that failed as the last one', () => {
    expect(parseSteps(log('classic-fail.log'), 'classic').at(-1)).toMatch(/^\[3\/4\] RUN for i in/);
    expect(parseSteps(log('buildkit-fail.log'), 'buildkit').at(-1)).toMatch(/^\[3\/3\] RUN for i in/);
    expect(parseSteps(log('podman-fail.log'), 'podman').at(-1)).toMatch(/^\[3\/4\] RUN for i in/);
  });

  it('once the format is known, look-alike output of a RUN is not taken for a step', () => {
    const parse = createProgressParser();
    expect(parse('Step 1/2 : FROM x')).toBe('[1/2] FROM x');
    expect(parse('#5 [2/2] RUN something')).toBeUndefined();
    expect(parse('STEP 9/9: RUN other')).toBeUndefined();
    expect(parse('Step 2/2 : RUN y')).toBe('[2/2] RUN y');
  });

  it('strips the colour codes the classic builder puts around stderr', () => {
    expect(stripAnsi('\x1b[91mabout to fail\n\x1b[0m')).toBe('about to fail\n');
  });
});

function sink(isTTY: boolean, columns?: number) {
  let text = '';
  return {
    out: { isTTY, ...(columns ? { columns } : {}), write: (s: string) => (text += s) },
    get text() {
      return text;
    },
  };
}

describe('the one-line progress', () => {
  it('on a TTY: one line redrawn in place with the step and elapsed seconds, cleared at the end', () => {
    let t = 0;
    const s = sink(true, 60);
    const r = createProgressRenderer(s.out, { label: 'building app', now: () => t, tickMs: 0 });
    r.update({ step: '[1/3] FROM debian:bookworm-slim', elapsedMs: 0 });
    t = 42_000;
    r.update({ step: '[2/3] RUN apt-get update && apt-get install -y --no-install-recommends nginx curl', elapsedMs: 42_000 });
    r.done();
    expect(s.text).not.toContain('\n');
    const frames = s.text.split('\r\x1b[2K').filter(Boolean);
    expect(frames[0]).toBe('building app [1/3] FROM debian:bookworm-slim 0s');
    expect(frames[1]).toMatch(/^building app \[2\/3\] RUN apt-get .*… 42s$/);
    for (const f of frames) expect([...f].length).toBeLessThanOrEqual(59);
    expect(s.text.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('a TTY that reports no width (script, some CI terminals) still shows the step', () => {
    const s = sink(true);
    (s.out as { columns?: number }).columns = 0;
    const r = createProgressRenderer(s.out, { label: 'building', now: () => 0, tickMs: 0 });
    r.update({ step: '[1/2] FROM debian', elapsedMs: 0 });
    r.done();
    expect(s.text).toBe('\r\x1b[2Kbuilding [1/2] FROM debian 0s\r\x1b[2K');
  });

  it('on a TTY the elapsed time ticks while a step runs', async () => {
    let t = 0;
    const s = sink(true, 80);
    const r = createProgressRenderer(s.out, { label: 'b', now: () => t, tickMs: 5 });
    r.update({ step: 'RUN long', elapsedMs: 1000 });
    t = 3000;
    await new Promise((res) => setTimeout(res, 30));
    r.done('finished');
    expect(s.text).toContain('b RUN long 1s');
    expect(s.text).toContain('b RUN long 4s');
    expect(s.text.endsWith('finished\n')).toBe(true);
  });

  it('not a TTY: each new step once, one short line, no escape codes', () => {
    const s = sink(false);
    const r = createProgressRenderer(s.out, { label: 'building app', tickMs: 0 });
    const long = `RUN set -eux; \t apt-get update;     apt-get install -y ${'pkg '.repeat(60)}`;
    r.update({ step: '[1/2] FROM debian', elapsedMs: 0 });
    r.update({ step: '[1/2] FROM debian', elapsedMs: 500 });
    r.update({ step: `[2/2] ${long}`, elapsedMs: 3200 });
    r.done();
    const lines = s.text.split('\n').filter(Boolean);
    expect(lines).toEqual(['building app [1/2] FROM debian 0s', expect.stringMatching(/^building app \[2\/2\] RUN set -eux; apt-get update; apt-get install -y pkg .*… 3s$/)]);
    for (const l of lines) expect([...l].length).toBeLessThan(PLAIN_COLUMNS);
    expect(s.text).not.toMatch(/\x1b|\r|\t/);
  });

  it('formatProgressLine never exceeds the width, even on tiny terminals', () => {
    for (const cols of [1, 5, 12, 20, 80]) {
      const line = formatProgressLine('building', '[12/30] RUN something rather long indeed', 1234, cols);
      expect([...line].length).toBeLessThanOrEqual(Math.max(0, cols - 1));
    }
    expect(formatProgressLine('building', 'short', 7, 80)).toBe('building short 7s');
  });
});
