import { describe, expect, it } from 'vitest';
import { isDockerfile, lintPlan, lintPlanFiles, WARNING_PREFIX } from '../../src/lint/index.js';

const DOCKERFILE = 'FROM debian:12-slim\nCOPY --chmod=0755 entrypoint.sh /usr/local/bin/\nUSER app\nENTRYPOINT ["/usr/local/bin/entrypoint.sh"]\n';
const SCRIPT = '#!/bin/sh\nset -eu\nexec "$@"\n';

describe('lintPlanFiles', () => {
  it('is empty for a clean plan', async () => {
    const files = [
      { path: 'Dockerfile', content: DOCKERFILE },
      { path: 'entrypoint.sh', content: SCRIPT },
      { path: 'config/app.conf', content: 'listen 80\n' },
      { path: '.dockerignore', content: '.git\n' },
    ];
    expect(await lintPlanFiles(files)).toEqual([]);
  });

  it('reports errors and prefixed warnings of Dockerfiles and scripts', async () => {
    const files = [
      { path: 'Dockerfile', content: 'FROM debian:latest\nRUN curl -fsSL https://example.com | sh\nUSER app\n' },
      { path: 'bin/start', content: '#!/bin/sh\necho $1\n' },
    ];
    const lines = await lintPlanFiles(files);
    expect(lines).toEqual([
      'Dockerfile:1 DL3007 error: FROM debian:latest: do not use :latest; pin a version tag or a digest so the build is reproducible',
      expect.stringMatching(/^warning: Dockerfile:2 DL4006 warning: /),
      expect.stringMatching(/^warning: bin\/start:2:6 SC2086 info: Double quote/),
    ]);
  });

  it('with failOn error, only errors fail; warnings are kept as notices', async () => {
    const files = [{ path: 'app.Dockerfile', content: 'FROM debian:12\nRUN a | b\nUSER app\n' }];
    expect(await lintPlanFiles(files, { failOn: 'error' })).toEqual([]);
    const r = await lintPlan(files, { failOn: 'error' });
    expect(r.notices).toEqual([expect.stringMatching(new RegExp(`^${WARNING_PREFIX}app.Dockerfile:2 DL4006`))]);
  });

  it('lets a plan allow root', async () => {
    const files = [{ path: 'Dockerfile', content: 'FROM debian:12\nUSER root\n' }];
    expect(await lintPlanFiles(files)).toHaveLength(1);
    expect(await lintPlanFiles(files, { allowRootUser: true })).toEqual([]);
  });

  it('recognises Dockerfile names', () => {
    for (const p of ['Dockerfile', 'docker/Dockerfile', 'web.Dockerfile', 'Dockerfile.dev']) expect(isDockerfile(p), p).toBe(true);
    for (const p of ['Dockerfile.dockerignore', '.dockerignore', 'Dockerfile-notes.md', 'docs/dockerfiles.md']) expect(isDockerfile(p), p).toBe(false);
  });
});
