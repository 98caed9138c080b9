import { describe, expect, it } from 'vitest';
import { resolveAnswers, type Prompter } from '../../src/core/answers.js';
import { validateManifest } from '../../src/core/manifest.js';
import { execForm, parseDockerfile } from '../../src/lint/dockerfile-parse.js';
import { lintPlanFiles } from '../../src/lint/index.js';
import { builtinRecipe, fileIn, requireFile as file } from '../helpers/recipe.js';
import { desEncryptBlock, vncAuthResponse } from '../helpers/rfb.js';

const { recipe, render } = builtinRecipe('novnc', { imageName: 'vnc' });
const DESKTOP_ENV = ['VNC_PASSWORD', 'VNC_PASSWORD_OUTPUT_FILE', 'RESOLUTION', 'APP_COMMAND'];

function instructions(dockerfile: string) {
  const df = parseDockerfile(dockerfile);
  return (k: string) => df.instructions.filter((i) => i.keyword === k);
}

describe('novnc recipe', () => {
  it('declares the gateway port, a web-client smoke check, a non-root user, the desktop question and its processes', () => {
    const m = recipe.manifest;
    expect(m.bases.families).toEqual(['debian']);
    expect(m.ports).toEqual(['6080']);
    expect(m.user).toBe('novnc');
    expect(m.smoke).toEqual({ kind: 'http', port: 6080, path: '/vnc.html', expect: 'noVNC' });
    expect(m.questions?.find((q) => q.name === 'desktop')).toMatchObject({ type: 'boolean', default: false });
    expect(m.multiProcess).toEqual({ question: 'desktop', equals: true });
    expect(m.env?.find((e) => e.name === 'VNC_PASSWORD')).toMatchObject({ secret: true, when: { question: 'desktop', equals: true } });
    expect(m.env?.find((e) => e.name === 'RESOLUTION')?.default).toBe('1280x800x24');
    expect(validateManifest(m)).toEqual([]);
  });

  it('gateway alone: websockify from repacked packages under tini, as novnc; no desktop, no supervisor, no desktop settings', async () => {
    const plan = await render();
    expect(await lintPlanFiles(plan.files)).toEqual([]);
    const dockerfile = file(plan, 'Dockerfile');
    const ins = instructions(dockerfile);
    expect(ins('USER')[0]!.args).toBe('novnc');
    expect(execForm(ins('ENTRYPOINT')[0]!.args)).toEqual(['tini', '--', '/usr/local/bin/docker-entrypoint.sh']);
    expect(execForm(ins('CMD')[0]!.args)).toEqual(['novnc-run', 'gateway']);
    expect(ins('EXPOSE')[0]!.args).toBe('6080/tcp');
    expect(ins('HEALTHCHECK')[0]!.args).toContain('/usr/local/bin/novnc-healthcheck');
    expect(dockerfile).toContain('apt-get download novnc websockify python3-websockify)');
    expect(dockerfile).toMatch(/s\/ \(adduser\|nodejs\|net-tools\|python3-novnc\|python3-numpy\)/);
    expect(dockerfile.replace(/^LABEL[^]*?\n\n/m, '')).not.toMatch(/\b(xvfb|x11vnc|twm|supervisor|libglx0)\b/i);
    expect(plan.files.map((f) => f.path).filter((p) => /supervisord|watchdog|twmrc/.test(p))).toEqual([]);
    // the desktop's settings are not the gateway's: not in the image, the README or the printed run
    const readme = file(plan, 'README.md');
    for (const name of DESKTOP_ENV) {
      expect(dockerfile).not.toContain(name);
      expect(readme).not.toContain(`| \`${name}\` |`);
      expect(plan.nextSteps.join('\n')).not.toContain(name);
    }
    expect(plan.nextSteps[1]).toBe('docker run -d --name vnc -p 6080:6080 vnc:latest');
    const entry = file(plan, 'docker-entrypoint.sh');
    expect(entry).not.toContain('file_env');
    expect(entry).toContain('if [ "${1:-}" = novnc-run ]; then');
    expect(file(plan, 'novnc-run')).not.toContain('Xvfb');
  });

  it('desktop under supervisord: five programs, each novnc-run PART; the password as a secret; the desktop packages', async () => {
    const plan = await render({ set: { desktop: 'true' }, supervisor: 'supervisord' });
    expect(await lintPlanFiles(plan.files)).toEqual([]);
    const dockerfile = file(plan, 'Dockerfile');
    const ins = instructions(dockerfile);
    expect(ins('USER')[0]!.args).toBe('novnc');
    expect(execForm(ins('ENTRYPOINT')[0]!.args)).toEqual(['/usr/local/bin/docker-entrypoint.sh']);
    expect(execForm(ins('CMD')[0]!.args)).toEqual(['supervisord', '-c', '/etc/create-image/supervisord.conf']);
    expect(dockerfile).toMatch(/apt-get install -y --no-install-recommends .* supervisor .*xvfb xterm twm/);
    expect(dockerfile).toContain('COPY config/supervisord.conf /etc/create-image/supervisord.conf');
    expect(dockerfile).toContain('COPY config/twmrc /etc/novnc/twmrc');
    expect(dockerfile).not.toContain('fonts-wqy');
    expect(ins('ENV').map((i) => i.args).join(' ')).toMatch(/RESOLUTION="1280x800x24"[\s\S]*APP_COMMAND="xterm"/);
    for (const i of [...ins('ENV'), ...ins('ARG'), ...ins('LABEL')]) expect(i.args).not.toMatch(/VNC_PASSWORD/);

    const conf = file(plan, 'config/supervisord.conf');
    const programs = [...conf.matchAll(/^\[program:([\w-]+)\]\n(?:[^\n[]*\n)*?command=(.*)$/gm)].map((m) => [m[1], m[2]]);
    expect(programs).toEqual([
      ['xvfb', 'novnc-run xvfb'],
      ['window-manager', 'novnc-run wm'],
      ['x11vnc', 'novnc-run vnc'],
      ['app', 'novnc-run app'],
      ['websockify', 'novnc-run gateway'],
    ]);
    expect(conf).not.toContain('user=root');
    expect(file(plan, 'docker-entrypoint.sh')).toContain('file_env VNC_PASSWORD');
    expect(file(plan, 'docker-entrypoint.sh')).toContain('if [ "${1:-}" = supervisord ]; then');
    expect(file(plan, 'README.md')).toMatch(/\| `VNC_PASSWORD` \| \*\(secret/);
    // optional: the entrypoint makes one and shows it once, so the printed run needs no secret file
    expect(plan.nextSteps[1]).not.toContain('VNC_PASSWORD');
  });

  it('desktop under the watchdog: tini, then the watchdog starting the same five parts', async () => {
    const plan = await render({ set: { desktop: true }, supervisor: 'watchdog' });
    expect(await lintPlanFiles(plan.files)).toEqual([]);
    const ins = instructions(file(plan, 'Dockerfile'));
    expect(execForm(ins('ENTRYPOINT')[0]!.args)).toEqual(['tini', '--', '/usr/local/bin/docker-entrypoint.sh']);
    expect(execForm(ins('CMD')[0]!.args)).toEqual(['/usr/local/bin/watchdog.sh']);
    expect(fileIn(plan, 'config/supervisord.conf')).toBeUndefined();
    const dog = file(plan, 'watchdog.sh');
    expect(dog.split('\n').filter((l) => l.startsWith('start '))).toEqual(['start novnc-run xvfb', 'start novnc-run wm', 'start novnc-run vnc', 'start novnc-run app', 'start novnc-run gateway']);
    expect(dog).toContain('starts every process');
  });

  it('a CJK locale brings the WenQuanYi font and xterm settings for it; other locales do not', async () => {
    for (const locale of ['zh_CN.UTF-8', 'ja_JP.UTF-8', 'ko_KR.UTF-8']) {
      const dockerfile = file(await render({ set: { desktop: true }, locale }), 'Dockerfile');
      expect(dockerfile, locale).toContain(' fonts-wqy-microhei');
      expect(dockerfile, locale).toContain("'XTerm*faceName: WenQuanYi Micro Hei Mono'");
    }
    expect(file(await render({ set: { desktop: true }, locale: 'de_DE.UTF-8' }), 'Dockerfile')).not.toContain('wqy');
    // the gateway alone has no desktop to show text on
    expect(file(await render({ locale: 'zh_CN.UTF-8' }), 'Dockerfile')).not.toContain('wqy');
  });

  it('asks how to supervise only once the desktop is chosen (interactive)', async () => {
    const asked: string[] = [];
    const prompter = (desktop: boolean): Prompter => ({
      text: async (o) => (asked.push(o.message), o.initialValue ?? ''),
      confirm: async (o) => (asked.push(o.message), desktop),
      select: async (o) => (asked.push(o.message), /supervised/.test(o.message) ? 'watchdog' : (o.initialValue ?? o.options[0]!.value)),
      multiselect: async (o) => (asked.push(o.message), o.initialValues ?? []),
      autocomplete: async (o) => (asked.push(o.message), o.initialValue ?? 'UTC'),
    });
    const withDesktop = await resolveAnswers(recipe, {}, { interactive: true, prompter: prompter(true) });
    expect(withDesktop.set.desktop).toBe(true);
    expect(withDesktop.supervisor).toBe('watchdog');
    expect(asked.at(-1)).toMatch(/Several processes run in the container/);
    asked.length = 0;
    const alone = await resolveAnswers(recipe, {}, { interactive: true, prompter: prompter(false) });
    expect(alone.set.desktop).toBe(false);
    expect(asked.some((m) => /supervised/.test(m))).toBe(false);
  });

  it('a manifest naming no question in multiProcess or an env when is refused', () => {
    const m = { ...recipe.manifest, multiProcess: { question: 'nope', equals: true }, env: [{ name: 'X', when: { question: 'nada', equals: 1 } }] };
    expect(validateManifest(m)).toEqual([
      { path: 'env[0].when.question', message: 'names no question of this recipe ("nada")' },
      { path: 'multiProcess.question', message: 'names no question of this recipe ("nope")' },
    ]);
  });
});

describe('the VNC authentication of the test RFB client', () => {
  it('DES matches the FIPS 46 worked example, and the VNC key is the password with each byte bit-reversed', () => {
    expect(desEncryptBlock(Buffer.from('133457799BBCDFF1', 'hex'), Buffer.from('0123456789ABCDEF', 'hex')).toString('hex')).toBe('85e813540f0ab405');
    // "pa55word" bit-reversed per byte is the key 0e864cac ee f64e26; checked against a known DES block
    const challenge = Buffer.alloc(16, 0);
    const response = vncAuthResponse('pa55word', challenge);
    const key = Buffer.from('pa55word', 'latin1').map((b) => parseInt(b.toString(2).padStart(8, '0').split('').reverse().join(''), 2));
    expect(response.subarray(0, 8)).toEqual(desEncryptBlock(key, Buffer.alloc(8)));
    expect(response.subarray(8)).toEqual(response.subarray(0, 8));
    // passwords are cut at 8 characters, as VNC servers do
    expect(vncAuthResponse('pa55word-and-more', challenge)).toEqual(response);
  });
});
