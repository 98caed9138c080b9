// The novnc recipe end to end on the real engine. Three images built at the start (classic builder):
//   desk     the desktop option under supervisord, Asia/Shanghai and zh_CN.UTF-8 (the seed's), so the CJK font
//   dog      the desktop option under the watchdog
//   gw       the gateway alone
// Checked from outside: the web client over HTTP, the WebSocket upgrade answering with the RFB version, VNC
// authentication through the gateway (a small RFB client: test/helpers/rfb.ts), the gateway alone proxying by
// token to a desktop in another container on a user-defined network, a real browser (headless Chromium)
// showing that desktop through the gateway, TLS on the gateway, and websockify killed under each supervisor.
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { decodePng, haveChromium, regionStats, screenshotWhen } from '../helpers/browser.js';
import { cli, containerLogs, describeEngine, docker, dockerExec, freePort, httpGet, onCleanup, processes, removeImageLater, runContainer, smokeCheck, tempDir, uniqueName, waitFor, waitHealthy } from '../helpers/engine.js';
import { openWebSocket, rfbLogin, type RfbResult } from '../helpers/rfb.js';

interface Built {
  image: string;
  dir: string;
  seconds: number;
}

/** RFB through the gateway on 127.0.0.1:`port` (websockify path `path`), logging in with `password`. */
async function loginThrough(port: number, password: string, opts: { path?: string; tls?: boolean; grab?: boolean } = {}): Promise<RfbResult> {
  const ws = await openWebSocket({ host: '127.0.0.1', port, path: opts.path ?? '/websockify', ...(opts.tls ? { tls: true } : {}) });
  if (!ws.stream) throw new Error(`no WebSocket upgrade: ${ws.status}`);
  try {
    return await rfbLogin(ws.stream, password, { grab: !!opts.grab });
  } finally {
    ws.stream.close();
  }
}

/** The pid of the listening websockify (the parent; each connection is a forked child of it). */
async function websockifyPid(id: string): Promise<number> {
  const ws = (await processes(id)).filter((p) => p.name === 'websockify').map((p) => p.pid);
  expect(ws.length, 'websockify processes').toBeGreaterThan(0);
  return Math.min(...ws);
}

describeEngine('novnc recipe, built for real', () => {
  let work: string;
  let network: string;
  const builds: Record<string, Promise<Built>> = {};

  async function generateAndBuild(key: string, args: string[]): Promise<Built> {
    const name = uniqueName(`ci-novnc-${key}`);
    const dir = path.join(work, key);
    removeImageLater(`${name}:latest`);
    const started = Date.now();
    const r = await cli([dir, '--recipe', 'novnc', '--name', name, '--yes', '--build', ...args], { env: { CREATE_IMAGE_DOCKER: 'docker', DOCKER_BUILDKIT: '0' } });
    if (r.exitCode !== 0) throw new Error(`${key}: create-image exited ${r.exitCode}\n${r.stdout}\n${r.stderr.slice(-4000)}`);
    return { image: `${name}:latest`, dir, seconds: Math.round((Date.now() - started) / 1000) };
  }

  /** A desktop container on the test network, and the gateway alone in front of it (published on 127.0.0.1), both healthy. */
  async function desktopBehindGateway(desk: Built, password: string, gateway: (deskName: string) => { env: Record<string, string>; args?: string[] }): Promise<{ deskName: string; port: number; id: string }> {
    const gw = await builds.gw!;
    const deskName = uniqueName('ci-novnc-desktop');
    const deskId = await runContainer(desk.image, { name: deskName, env: { VNC_PASSWORD: password }, args: ['--network', network] });
    await waitHealthy(deskId, 90_000);
    const port = await freePort();
    const g = gateway(deskName);
    const id = await runContainer(gw.image, { ports: [[port, '6080']], env: g.env, args: ['--network', network, ...(g.args ?? [])] });
    await waitHealthy(id, 60_000);
    return { deskName, port, id };
  }

  beforeAll(async () => {
    if (!(await haveChromium())) throw new Error('chromium is not installed: run scripts/ci/test-tools.sh (Debian package chromium)');
    work = await tempDir('ci-e2e-novnc-');
    builds.desk = generateAndBuild('desk', ['--set', 'desktop=true', '--supervisor', 'supervisord', '--tz', 'Asia/Shanghai', '--locale', 'zh_CN.UTF-8']);
    builds.dog = generateAndBuild('dog', ['--set', 'desktop=true', '--supervisor', 'watchdog']);
    builds.gw = generateAndBuild('gw', []);
    for (const p of Object.values(builds)) p.catch(() => undefined);
    network = uniqueName('ci-novnc-net');
    await docker(['network', 'create', network]);
    onCleanup(() => docker(['network', 'rm', network], { reject: false }));
  }, 60_000);

  it('desktop under supervisord: noVNC client on /vnc.html, RFB over the WebSocket, VNC password right and wrong, non-root, healthy', async () => {
    const b = await builds.desk!;
    const port = await freePort();
    const id = await runContainer(b.image, { ports: [[port, '6080']], env: { VNC_PASSWORD: 'pa55word', RESOLUTION: '1024x768x24' } });
    await waitHealthy(id, 90_000);

    const page = await httpGet(`http://127.0.0.1:${port}/vnc.html`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>noVNC</title>');
    expect(page.body).toMatch(/<script type="module" crossorigin="anonymous" src="app\/ui\.js">/);

    // the upgrade on websockify's path, and the first bytes through it: the VNC server's version line
    const ws = await openWebSocket({ host: '127.0.0.1', port, path: '/websockify' });
    expect(ws.status).toMatch(/^HTTP\/1\.1 101 /);
    expect((await ws.stream!.read(12)).toString('latin1')).toMatch(/^RFB 003\.00\d\n$/);
    ws.stream!.close();

    const ok = await waitFor('x11vnc to accept a login through the gateway', async () => {
      const r = await loginThrough(port, 'pa55word', { grab: true });
      return r.auth === 'ok' ? r : undefined;
    }, 30_000, 1000);
    expect([ok.width, ok.height]).toEqual([1024, 768]); // RESOLUTION
    expect(ok.colours).toBeGreaterThan(3); // a drawn desktop (window manager, xterm), not one flat colour
    const wrong = await loginThrough(port, 'wrong-pw');
    expect(wrong.auth).toMatch(/^failed/);

    // every process runs as the image's user; the desktop's parts and websockify all run
    const procs = await processes(id);
    for (const p of procs) expect(p.uid, `${p.name} (pid ${p.pid})`).toBe(10001);
    for (const name of ['supervisord', 'Xvfb', 'twm', 'x11vnc', 'xterm', 'websockify']) expect(procs.map((p) => p.name)).toContain(name);

    // the seed's timezone and locale, and the CJK font xterm is told to use
    expect((await dockerExec(id, ['date', '+%Z'])).stdout.trim()).toBe('CST');
    expect((await dockerExec(id, ['locale'])).stdout).toMatch(/^LANG=zh_CN\.UTF-8$/m);
    expect((await dockerExec(id, ['sh', '-c', 'ls /usr/share/fonts/truetype/wqy/ && cat /etc/novnc/Xresources'])).stdout).toMatch(/wqy-microhei\.ttc[\s\S]*faceName: WenQuanYi Micro Hei Mono/);
    console.log(`novnc e2e: desktop (supervisord) image built in ${b.seconds}s; RFB ${ok.version}, ${ok.width}x${ok.height}, ${ok.colours} colours`);
  }, 15 * 60_000);

  it('desktop: an unset VNC_PASSWORD is generated, shown once, works, and survives a restart', async () => {
    const b = await builds.desk!;
    const port = await freePort();
    const id = await runContainer(b.image, { ports: [[port, '6080']] });
    await waitHealthy(id, 90_000);
    const logs = await containerLogs(id);
    const password = /generated VNC password \(shown once[^)]*\): ([A-Za-z0-9]{8})$/m.exec(logs)?.[1];
    expect(password, logs).toBeDefined();
    expect((await waitFor('a login with the generated password', async () => (await loginThrough(port, password!)).auth === 'ok' || undefined, 30_000, 1000))).toBe(true);
    await docker(['restart', id]);
    await waitHealthy(id, 90_000);
    const after = await containerLogs(id);
    expect(after.split(password!).length - 1).toBe(1); // shown once
    expect(after).toContain('keeping the VNC password generated at this container');
    expect(await waitFor('a login after the restart', async () => (await loginThrough(port, password!)).auth === 'ok' || undefined, 30_000, 1000)).toBe(true);
  }, 15 * 60_000);

  it('gateway alone: proxies by token (VNC_TARGETS and a mounted tokens file) to a desktop in another container; an unknown token is refused', async () => {
    const tokens = path.join(work, 'tokens');
    const { port, id } = await desktopBehindGateway(await builds.desk!, 'tokenpw1', (deskName) => {
      writeFileSync(tokens, `# mounted\nfile-desk: ${deskName}:5900\n`);
      return { env: { VNC_TARGETS: `desk=${deskName}:5900,other=${deskName}:5999` }, args: ['-v', `${tokens}:/etc/novnc/tokens:ro`] };
    });
    expect((await httpGet(`http://127.0.0.1:${port}/vnc.html`)).body).toContain('<title>noVNC</title>');
    for (const token of ['desk', 'file-desk']) {
      const r = await loginThrough(port, 'tokenpw1', { path: `/websockify?token=${token}` });
      expect(r, token).toMatchObject({ auth: 'ok', width: 1280, height: 800 });
    }
    expect((await loginThrough(port, 'wrong-pw', { path: '/websockify?token=desk' })).auth).toMatch(/^failed/);
    // an unknown token: websockify closes the WebSocket without a target
    await expect(loginThrough(port, 'tokenpw1', { path: '/websockify?token=nobody' })).rejects.toThrow(/closed/);
    // the gateway image has no desktop and runs as its user under tini
    const procs = await processes(id);
    expect(procs.find((p) => p.pid === 1)?.name).toBe('tini');
    for (const p of procs) expect(p.uid, `${p.name} (pid ${p.pid})`).toBe(10001);
    expect(procs.map((p) => p.name)).not.toContain('Xvfb');
    expect(await containerLogs(id)).toMatch(/targets by token \(path websockify\?token=NAME\): .*desk/);
    // the manifest's smoke check, as `recipe test --build` runs it, passes on the gateway with no target at all
    await smokeCheck((await builds.gw!).image, 'novnc');
  }, 15 * 60_000);

  it('a real browser: headless Chromium opens noVNC through the gateway, autoconnects to the desktop container and shows it', async () => {
    const { port } = await desktopBehindGateway(await builds.dog!, 'browser1', (deskName) => ({ env: { VNC_TARGETS: `shown=${deskName}:5900` } }));
    const url = `http://127.0.0.1:${port}/vnc.html?autoconnect=1&resize=scale&password=browser1&path=${encodeURIComponent('websockify?token=shown')}`;
    // connected, then two seconds for the first framebuffer update to be drawn
    const png = await screenshotWhen(url, { width: 1280, height: 800, until: "document.documentElement.classList.contains('noVNC_connected') && new Promise((r) => setTimeout(() => r(true), 2000))", timeoutMs: 60_000 });
    // kept after the run, as the test's artifact
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'create-image-novnc-shot-')), 'novnc-desktop.png');
    await writeFile(file, png);
    console.log(`novnc e2e: the browser's screenshot of the desktop: ${file}`);
    const img = decodePng(png);
    // the canvas: the middle of the page, right of noVNC's control bar
    const stats = regionStats(img, { x: 80, y: 0, w: img.width - 160, h: img.height });
    // xterm's white background is a large share of the desktop (noVNC's own page is dark grey throughout),
    // and the desktop is not one flat colour: the window manager's title bar, the text, the black root
    expect(stats.share(0xffffff)).toBeGreaterThan(0.1);
    expect(stats.variance).toBeGreaterThan(1000);
    console.log(`novnc e2e: screenshot ${img.width}x${img.height}, luminance mean ${stats.mean.toFixed(1)}, variance ${stats.variance.toFixed(0)}, white ${(stats.share(0xffffff) * 100).toFixed(1)}%`);
  }, 15 * 60_000);

  it('TLS on the gateway: a mounted certificate turns on https:// and wss:// only; healthy, and VNC through wss://', async () => {
    const tls = path.join(work, 'tls');
    await execa('mkdir', ['-p', tls]);
    await execa('openssl', ['req', '-x509', '-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-days', '2', '-subj', '/CN=localhost', '-keyout', path.join(tls, 'privkey.pem'), '-out', path.join(tls, 'fullchain.pem')]);
    await execa('chmod', ['0644', path.join(tls, 'privkey.pem')]); // readable by uid 10001 in the container
    const { port, id } = await desktopBehindGateway(await builds.desk!, 'tlspass1', (deskName) => ({ env: { VNC_TARGET: `${deskName}:5900` }, args: ['-v', `${tls}:/etc/novnc/tls:ro`] }));
    const page = await execa('curl', ['-sk', '--max-time', '5', `https://127.0.0.1:${port}/vnc.html`]);
    expect(page.stdout).toContain('<title>noVNC</title>');
    const plain = await execa('curl', ['-s', '--max-time', '5', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${port}/vnc.html`], { reject: false });
    expect(plain.stdout).not.toBe('200');
    // VNC_TARGET alone: the client's default path, over wss://
    expect(await loginThrough(port, 'tlspass1', { tls: true })).toMatchObject({ auth: 'ok', version: 'RFB 003.008' });
    expect(await containerLogs(id)).toContain('TLS on, with /etc/novnc/tls/fullchain.pem');
  }, 15 * 60_000);

  it('websockify killed: supervisord starts it again and the gateway serves on', async () => {
    const b = await builds.desk!;
    const port = await freePort();
    const id = await runContainer(b.image, { ports: [[port, '6080']], env: { VNC_PASSWORD: 'restart1' } });
    await waitHealthy(id, 90_000);
    const before = await websockifyPid(id);
    expect((await dockerExec(id, ['sh', '-c', `kill -KILL ${before}`])).exitCode).toBe(0);
    const killedAt = Date.now();
    const after = await waitFor('a new websockify', async () => {
      const pid = await websockifyPid(id).catch(() => 0);
      return pid && pid !== before ? pid : undefined;
    }, 30_000, 250);
    expect(await waitFor('the gateway to serve again', async () => (await loginThrough(port, 'restart1')).auth === 'ok' || undefined, 30_000, 500)).toBe(true);
    expect((await docker(['inspect', '--format', '{{.State.Status}}', id])).stdout.trim()).toBe('running');
    expect(await containerLogs(id)).toMatch(/exited: websockify \(terminated by SIGKILL/);
    console.log(`novnc e2e: supervisord restarted websockify (pid ${before} -> ${after}) and served a login again ${Date.now() - killedAt} ms after the kill`);
  }, 15 * 60_000);

  it('websockify killed: the watchdog stops the container', async () => {
    const b = await builds.dog!;
    const port = await freePort();
    const id = await runContainer(b.image, { ports: [[port, '6080']], env: { VNC_PASSWORD: 'watchdg1' } });
    await waitHealthy(id, 90_000);
    expect((await loginThrough(port, 'watchdg1')).auth).toBe('ok');
    const procs = await processes(id);
    expect(procs.find((p) => p.pid === 1)?.name).toBe('tini');
    for (const p of procs) expect(p.uid, `${p.name} (pid ${p.pid})`).toBe(10001);
    const victim = await websockifyPid(id);
    const killedAt = Date.now();
    expect((await dockerExec(id, ['sh', '-c', `kill -KILL ${victim}`])).exitCode).toBe(0);
    const state = await waitFor('the container to stop', async () => {
      const s = (await docker(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', id])).stdout.trim();
      return s.startsWith('exited') ? s : undefined;
    }, 15_000, 250);
    const took = Date.now() - killedAt;
    expect(state).not.toBe('exited 0');
    expect(await containerLogs(id)).toMatch(/watchdog: pid \d+ exited/);
    console.log(`novnc e2e: watchdog image built in ${b.seconds}s; container stopped ${took} ms after websockify was killed`);
  }, 15 * 60_000);
});
