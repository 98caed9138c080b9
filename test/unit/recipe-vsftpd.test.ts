import { describe, expect, it } from 'vitest';
import type { Family } from '../../src/core/types.js';
import { parseDockerfile, execForm } from '../../src/lint/dockerfile-parse.js';
import { lintPlanFiles } from '../../src/lint/index.js';
import { builtinRecipe, requireFile } from '../helpers/recipe.js';

const { recipe, render } = builtinRecipe('vsftpd');
const families = recipe.manifest.bases.families;
const file = requireFile;

describe('vsftpd recipe', () => {
  it('claims the four families with pinned images and declares its smoke check, ports, volume and secret', () => {
    const m = recipe.manifest;
    expect(families).toEqual(['debian', 'ubuntu', 'alpine', 'rhel']);
    expect(m.smoke).toEqual({ kind: 'tcp', port: 21, expect: '220' });
    expect(m.ports).toEqual(['21', '21100-21110']);
    expect(m.volumes).toEqual(['/home/vsftpd']);
    expect(m.env?.find((e) => e.name === 'FTP_PASS')?.secret).toBe(true);
    expect(m.env?.find((e) => e.name === 'FTP_USER')?.default).toBe('admin');
    expect(m.user).toBeNull();
  });

  for (const family of families) {
    it(`renders lint-clean files on ${family}`, async () => {
      const base = recipe.manifest.bases.images![family as Family]!;
      const plan = await render({ base, family });
      expect(await lintPlanFiles(plan.files)).toEqual([]);

      const df = parseDockerfile(file(plan, 'Dockerfile'));
      const ins = (k: string) => df.instructions.filter((i) => i.keyword === k);
      expect(ins('FROM')[0]!.args).toBe(base);
      // Root is deliberate and documented; tini is PID 1 and vsftpd is exec'd by the entrypoint.
      expect(ins('USER')).toEqual([]);
      expect(df.comments.some((c) => /^lint: allow-root \S/.test(c.text))).toBe(true);
      expect(execForm(ins('ENTRYPOINT')[0]!.args)).toEqual(['tini', '--', '/usr/local/bin/docker-entrypoint.sh']);
      expect(execForm(ins('CMD')[0]!.args)).toEqual(['vsftpd']);
      expect(ins('EXPOSE')[0]!.args).toBe('21/tcp 21100-21110/tcp');
      // The password is never in the image: no ENV/ARG/LABEL mentions FTP_PASS with a value.
      for (const i of [...ins('ENV'), ...ins('ARG'), ...ins('LABEL')]) expect(i.args).not.toMatch(/FTP_PASS=/);
      expect(ins('ENV').map((i) => i.args).join(' ')).toMatch(/FTP_USER="admin"/);

      const entry = file(plan, 'docker-entrypoint.sh');
      expect(entry).toMatch(/^#!\/bin\/sh\n/);
      expect(entry.trimEnd().split('\n').at(-1)).toBe('exec "$@"');
      expect(entry).toContain('file_env FTP_PASS');
      expect(entry).toContain(family === 'alpine' ? 'adduser -D -H -u "$FTP_UID"' : 'useradd --uid "$FTP_UID"');

      // The static config parses as key=value lines, with anonymous access off and the foreground mode on.
      const conf = Object.fromEntries(
        file(plan, 'config/vsftpd.conf')
          .split('\n')
          .filter((l) => l && !l.startsWith('#'))
          .map((l) => {
            expect(l).toMatch(/^[a-z_0-9]+=\S+$/);
            return l.split('=') as [string, string];
          }),
      );
      expect(conf).toMatchObject({ listen: 'YES', background: 'NO', anonymous_enable: 'NO', userlist_deny: 'NO', chroot_local_user: 'YES' });
      // Settings from the environment are added at start, never baked in.
      expect(conf).not.toHaveProperty('pasv_min_port');
      expect(file(plan, 'ftp-healthcheck')).toMatch(/^#!\/bin\/bash\n/);
      expect(JSON.parse(file(plan, '.create-image.json')).recipe.name).toBe('vsftpd');
    });
  }

  it('refuses FTP_PASS as a build-time --env (it is a secret)', async () => {
    await expect(render({ env: ['FTP_PASS=hunter2'] })).rejects.toThrow(/--env FTP_PASS: is a secret/);
  });

  it('bakes other --env defaults, e.g. a different passive range', async () => {
    const plan = await render({ env: ['PASV_MIN_PORT=30000', 'PASV_MAX_PORT=30009'] });
    expect(file(plan, 'Dockerfile')).toMatch(/PASV_MIN_PORT="30000"/);
    expect(plan.image.env.find((e) => e.name === 'FTP_PASS')).toEqual(expect.objectContaining({ secret: true }));
    expect(plan.image.env.find((e) => e.name === 'FTP_PASS')).not.toHaveProperty('value');
  });
});
