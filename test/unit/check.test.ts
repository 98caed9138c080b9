import { describe, expect, it } from 'vitest';
import { newerBase, releaseTable } from '../../src/core/base-updates.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sha256 } from '../../src/core/hash.js';
import { lockDigests, pinnedText, type LockFile } from '../../src/core/lock.js';
import type { RecordFile } from '../../src/core/record.js';
import { editedFiles, fromImages } from '../../src/update/check.js';
import { checkJobCommand, githubCheckWorkflow, gitlabCheckJob } from '../../src/pipelines/check-job.js';
import { parse } from 'yaml';

const DAY = '2026-12-07';

describe('newerBase', () => {
  it('names the newest release of the same repository, keeping the variant', () => {
    expect(newerBase('debian:bookworm-slim', DAY)).toMatchObject({ release: 'debian:bookworm', newest: 'debian:trixie', suggested: 'debian:trixie-slim' });
    expect(newerBase('debian:12', DAY)).toMatchObject({ suggested: 'debian:13' });
    expect(newerBase('docker.io/library/debian:bookworm@sha256:abcd', DAY)).toMatchObject({ suggested: 'docker.io/library/debian:trixie' });
    // a patch release is no variant: the suggestion is the newer release line
    expect(newerBase('alpine:3.21.3', DAY)).toMatchObject({ release: 'alpine:3.21', suggested: 'alpine:3.24' });
    // another repository of the family is no newer release of this one
    expect(newerBase('rockylinux:8', DAY)).toMatchObject({ suggested: 'rockylinux:10' });
  });
  it('says nothing for the newest release, an unknown image or a variable', () => {
    // a release past its end is not suggested: fedora 44 ends 2027-05-19
    expect(newerBase('fedora:41', '2027-06-01')).toBeUndefined();
    for (const image of ['debian:trixie-slim', 'debian:13', 'ubuntu:26.04', 'node:22-bookworm-slim', '$BASE', 'almalinux:10']) expect(newerBase(image, DAY), image).toBeUndefined();
  });
  it('reads the release table through one function', () => {
    expect(releaseTable().debian[0]!.image).toBe('debian:trixie');
  });
});

describe('fromImages', () => {
  it('lists images, not earlier stages, with their lines', () => {
    const text = 'FROM --platform=$BUILDPLATFORM golang:1.24-bookworm AS build\nRUN true\nFROM build AS test\nfrom debian:bookworm-slim\nCOPY --from=build /a /a\n';
    expect(fromImages(text)).toEqual([
      { image: 'golang:1.24-bookworm', line: 1 },
      { image: 'debian:bookworm-slim', line: 4 },
    ]);
  });
});

describe('the scheduled check jobs', () => {
  it('run the check on a schedule only', () => {
    const gh = parse(githubCheckWorkflow('1.2.3')) as { on: Record<string, unknown>; jobs: { check: { steps: Array<{ run?: string }> } } };
    expect(Object.keys(gh.on)).toEqual(['schedule', 'workflow_dispatch']);
    expect(gh.jobs.check.steps.at(-1)!.run).toBe('npx --yes create-image@1.2.3 check .');
    const gl = parse(gitlabCheckJob('1.2.3')) as Record<string, { script: string[]; rules: unknown[] }>;
    expect(gl['create-image-check']!.script).toEqual([checkJobCommand('1.2.3')]);
  });
});

describe('editedFiles', () => {
  const render = 'FROM debian:trixie-slim AS build\nRUN make\nFROM debian:trixie-slim\nCOPY --from=build /a /a\n';
  const digest = `sha256:${'ab'.repeat(32)}`;
  const lock: LockFile = { lockVersion: 1, images: [{ image: 'debian', tag: 'trixie-slim', digest, source: 'registry', resolvedAt: '2026-12-07T00:00:00Z' }] };
  const folder = (dockerfile: string) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'check-edited-'));
    writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
    return dir;
  };
  const rec = { files: { Dockerfile: sha256(render) } } as unknown as RecordFile;

  it('a Dockerfile pinned by the lock is not edited; without the lock it is', () => {
    const dir = folder(pinnedText(render, lockDigests(lock)));
    expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain(`debian:trixie-slim@${digest}`);
    expect(editedFiles(dir, rec, lock)).toEqual([]);
    expect(editedFiles(dir, rec)).toEqual([{ path: 'Dockerfile', state: 'edited' }]);
  });

  it('an edit beside the pin, or a digest the lock does not hold, is an edit', () => {
    expect(editedFiles(folder(`${pinnedText(render, lockDigests(lock))}USER app\n`), rec, lock)).toEqual([{ path: 'Dockerfile', state: 'edited' }]);
    const other = `sha256:${'cd'.repeat(32)}`;
    expect(editedFiles(folder(render.replace('FROM debian:trixie-slim\n', `FROM debian:trixie-slim@${other}\n`)), rec, lock)).toEqual([{ path: 'Dockerfile', state: 'edited' }]);
  });
});
