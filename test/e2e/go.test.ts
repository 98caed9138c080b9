// go: generate with the built bin, build on the default base, debian:trixie-slim (Debian's Go 1.24 in the
// build stage; test/e2e/podman.test.ts builds the same sample on bookworm's Go 1.19, and the next-steps
// e2e takes this build's layers for the default render),
// run the scratch image and talk to the sample over HTTP on 127.0.0.1. Also: it runs as a non-root uid,
// the image is about the size of its stripped static binary, and an edit to the sources rebuilds without
// downloading modules again or recompiling the standard library.
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { cli, describeEngine, docker, freePort, httpGet, removeImageLater, runContainer, smokeCheck, tempDir, uniqueName, waitFor, APT_CACHE_BUILD_ARGS } from '../helpers/engine.js';

const CLASSIC = { DOCKER_BUILDKIT: '0' };

describeEngine('go recipe (multi-stage, static binary on scratch)', (engine) => {
  it('builds the sample, serves it as uid 10001 from an image close to the binary size, and rebuilds an edit from cache', async () => {
    const root = await tempDir('ci-go-');
    const dir = path.join(root, 'hello-go');
    const tag = `${uniqueName('go')}:test`;
    removeImageLater(tag);

    const gen = await cli([dir, '--recipe', 'go', '--yes', '--build', '--tag', tag], { env: CLASSIC });
    expect(gen.exitCode, gen.stderr + gen.stdout).toBe(0);
    // A stdlib-only module: no go.sum, and the build must not need one.
    await expect(stat(path.join(dir, 'app', 'go.sum'))).rejects.toThrow();
    // the recipe's own smoke check passes, run as `recipe test --build` runs it
    await smokeCheck(tag, 'go');

    const port = await freePort();
    const id = await runContainer(tag, { ports: [[port, '8080']] });
    const res = await waitFor('the sample to answer', async () => {
      const r = await httpGet(`http://127.0.0.1:${port}/`).catch(() => undefined);
      return r?.status === 200 ? r : undefined;
    });
    expect(res.body).toContain('Hello from the create-image go sample');
    expect(res.body).toContain('(uid 10001)');
    expect((await httpGet(`http://127.0.0.1:${port}/healthz`)).body).toBe('ok\n');

    // Not root, from the engine's view too.
    const inspect = JSON.parse((await docker(['image', 'inspect', tag])).stdout)[0];
    expect(inspect.Config.User).toBe('10001:10001');
    const top = await docker(['top', id, '-o', 'pid,uid,comm']);
    const procs = top.stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
    expect(procs.length).toBeGreaterThan(0);
    for (const [, uid, comm] of procs) expect(uid, comm).toBe('10001');

    // The image is the binary plus a CA bundle and a passwd line: within 1.1x of the stripped binary.
    const bin = path.join(root, 'app.bin');
    const cid = (await docker(['create', tag])).stdout.trim();
    await docker(['cp', `${cid}:/usr/local/bin/app`, bin]);
    await docker(['rm', cid]);
    const binSize = (await stat(bin)).size;
    const imageSize: number = inspect.Size;
    const fileOut = await readFile(bin);
    expect(fileOut.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    // Stripped (-s -w): no .symtab section name left in the file.
    expect(fileOut.includes(Buffer.from('.symtab'))).toBe(false);
    process.stderr.write(`go e2e: image ${imageSize} bytes, stripped binary ${binSize} bytes, ratio ${(imageSize / binSize).toFixed(3)}\n`);
    expect(imageSize / binSize).toBeLessThanOrEqual(1.1);

    // An edit to the sources: the module download and the precompiled standard library come from cache.
    await appendFile(path.join(dir, 'app', 'main.go'), `// an edit ${Date.now()} ${Math.random()}\n`); // unique: an identical earlier edit would be cached
    const classic = engine.clients.find((c) => c.name === 'classic')!;
    const started = Date.now();
    const rebuild = await docker(['build', '-t', tag, dir], { client: classic });
    const rebuildMs = Date.now() - started;
    const steps = rebuild.stdout.split(/^Step /m);
    const step = (re: RegExp) => steps.find((s) => re.test(s.split('\n')[0]!)) ?? '';
    expect(step(/RUN go mod download/)).toContain('Using cache');
    expect(step(/RUN go build net\/http/)).toContain('Using cache');
    expect(step(/RUN go build -ldflags/)).not.toContain('Using cache');
    process.stderr.write(`go e2e: rebuild after a source edit took ${rebuildMs} ms\n`);
  }, 600_000);

  it('builds a user module with BuildKit and the cache-mount option, and refuses a bad builder image', async () => {
    const buildkit = engine.clients.find((c) => c.name === 'buildkit');
    const root = await tempDir('ci-go-');
    const dir = path.join(root, 'svc');
    // The user's own module in server/, main package in cmd/api, no go.sum.
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'server', 'cmd', 'api'), { recursive: true });
    await writeFile(path.join(dir, 'server', 'go.mod'), 'module example.com/svc\n\ngo 1.19\n');
    await writeFile(
      path.join(dir, 'server', 'cmd', 'api', 'main.go'),
      'package main\n\nimport (\n\t"fmt"\n\t"net/http"\n\t"os"\n\t"time"\n)\n\nfunc main() {\n\tloc, err := time.LoadLocation("Asia/Shanghai")\n\tif err != nil {\n\t\tpanic(err)\n\t}\n\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {\n\t\tfmt.Fprintf(w, "svc %s %s", os.Getenv("TZ"), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).In(loc).Format("15:04 MST"))\n\t})\n\tpanic(http.ListenAndServe(":8080", nil))\n}\n',
    );
    const bad = await cli([dir, '--recipe', 'go', '--yes', '--set', 'builder=golang:latest']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--set builder: must be distro, or a pinned image/);

    const args = [dir, '--recipe', 'go', '--yes', '--force', '--tz', 'Asia/Shanghai', '--set', 'src=server', '--set', 'pkg=./cmd/api'];
    if (buildkit) args.push('--set', 'cache=true');
    const gen = await cli(args);
    expect(gen.exitCode, gen.stderr + gen.stdout).toBe(0);
    const tag = `${uniqueName('go-svc')}:test`;
    removeImageLater(tag);
    await docker(['build', ...APT_CACHE_BUILD_ARGS, '-t', tag, dir], { client: buildkit ?? engine.clients[0]! });

    const port = await freePort();
    await runContainer(tag, { ports: [[port, '8080']] });
    const res = await waitFor('the user module to answer', async () => {
      const r = await httpGet(`http://127.0.0.1:${port}/`).catch(() => undefined);
      return r?.status === 200 ? r : undefined;
    });
    // zoneinfo was copied in because the timezone is not UTC: LoadLocation works on scratch.
    expect(res.body).toBe('svc Asia/Shanghai 08:00 CST');
  }, 600_000);
});
