// A real GitLab build needs gitlab.com, ubuntu:24.04 and hours, none of which a test machine has. The
// stand-in is the generated image's runtime half on debian:trixie-slim: the rendered entrypoint and
// runtime assets, as the generated Dockerfile installs them, without the network-bound install.sh.
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { docker, type DockerClient } from './engine.js';

/**
 * Writes the stand-in's build context for the generated gitlab folder `dir` into `ctx`. With `declare`,
 * it also carries what the generated image declares (its LABEL, EXPOSE and VOLUME instructions) and the
 * folder's record, so `create-image build ctx` reads the same facts from it as from the real image.
 */
export async function gitlabStandInContext(dir: string, ctx: string, opts: { declare?: boolean } = {}): Promise<string> {
  await mkdir(ctx, { recursive: true });
  await cp(path.join(dir, 'assets'), path.join(ctx, 'assets'), { recursive: true });
  await cp(path.join(dir, 'entrypoint.sh'), path.join(ctx, 'entrypoint.sh'));
  const declared: string[] = [];
  if (opts.declare) {
    await cp(path.join(dir, '.create-image.json'), path.join(ctx, '.create-image.json'));
    const generated = await readFile(path.join(dir, 'Dockerfile'), 'utf8');
    // instructions with their continuation lines
    declared.push(...(generated.match(/^(?:LABEL|EXPOSE|VOLUME) (?:.*\\\n)*.*$/gm) ?? []));
  }
  await writeFile(
    path.join(ctx, 'Dockerfile'),
    [
      'FROM debian:trixie-slim',
      ...declared,
      'RUN useradd --create-home --home-dir /home/git --shell /bin/sh git',
      'COPY assets/runtime/ /etc/docker-gitlab/runtime/',
      'COPY entrypoint.sh /sbin/entrypoint.sh',
      'ENTRYPOINT ["/sbin/entrypoint.sh"]',
      'CMD ["app:start"]',
      '',
    ].join('\n'),
  );
  return ctx;
}

/** Builds the stand-in of the generated gitlab folder `dir` as `tag` (the context is made in `work`). */
export async function buildGitlabStandIn(dir: string, work: string, tag: string, client?: DockerClient): Promise<void> {
  const ctx = await gitlabStandInContext(dir, path.join(work, 'gitlab-stand-in'));
  await docker(['build', '-q', '-t', tag, ctx], client ? { client } : {});
}
