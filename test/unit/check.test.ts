import { describe, expect, it } from 'vitest';
import { newerBase, releaseTable } from '../../src/core/base-updates.js';
import { fromImages } from '../../src/update/check.js';
import { checkJobCommand, githubCheckWorkflow, gitlabCheckJob } from '../../src/pipelines/check-job.js';
import { parse } from 'yaml';

describe('newerBase', () => {
  it('names the newest release of the same repository, keeping the variant', () => {
    expect(newerBase('debian:bookworm-slim')).toMatchObject({ release: 'debian:bookworm', newest: 'debian:trixie', suggested: 'debian:trixie-slim' });
    expect(newerBase('debian:12')).toMatchObject({ suggested: 'debian:trixie' });
    expect(newerBase('docker.io/library/debian:bookworm@sha256:abcd')).toMatchObject({ suggested: 'docker.io/library/debian:trixie' });
    // a patch release is no variant: the suggestion is the newer release line
    expect(newerBase('alpine:3.21.3')).toMatchObject({ release: 'alpine:3.21', suggested: 'alpine:3.23' });
    // another repository of the family is no newer release of this one
    expect(newerBase('rockylinux:8')).toMatchObject({ suggested: 'rockylinux:10' });
  });
  it('says nothing for the newest release, an unknown image or a variable', () => {
    for (const image of ['debian:trixie-slim', 'debian:13', 'ubuntu:24.04', 'node:22-bookworm-slim', '$BASE', 'almalinux:10']) expect(newerBase(image), image).toBeUndefined();
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
