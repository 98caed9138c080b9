// A real GitLab build needs gitlab.com, ubuntu:24.04 and hours, none of which a test machine has. The
// stand-in is the generated image's runtime half on debian:bookworm-slim: the rendered entrypoint and
// runtime assets, as the generated Dockerfile installs them, without the network-bound install.sh.
import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { docker, type DockerClient } from './engine.js';

/** Builds the stand-in of the generated gitlab folder `dir` as `tag` (the context is made in `work`). */
export async function buildGitlabStandIn(dir: string, work: string, tag: string, client?: DockerClient): Promise<void> {
  const ctx = path.join(work, 'gitlab-stand-in');
  await mkdir(ctx, { recursive: true });
  await cp(path.join(dir, 'assets'), path.join(ctx, 'assets'), { recursive: true });
  await cp(path.join(dir, 'entrypoint.sh'), path.join(ctx, 'entrypoint.sh'));
  await writeFile(
    path.join(ctx, 'Dockerfile'),
    [
      'FROM debian:bookworm-slim',
      'RUN useradd --create-home --home-dir /home/git --shell /bin/sh git',
      'COPY assets/runtime/ /etc/docker-gitlab/runtime/',
      'COPY entrypoint.sh /sbin/entrypoint.sh',
      'ENTRYPOINT ["/sbin/entrypoint.sh"]',
      'CMD ["app:start"]',
      '',
    ].join('\n'),
  );
  await docker(['build', '-q', '-t', tag, ctx], client ? { client } : {});
}
