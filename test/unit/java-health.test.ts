// Java apps' HEALTHCHECK: Spring Boot's actuator health endpoint when the build has the actuator (it
// answers 503 when the app is down), else "the server answers below 500" at `/`, since an API may have no
// `/`. The rendered check is run here, by sh and curl, against a server answering each status.
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/core/answers.js';
import { rawAnswersFrom } from '../../src/core/raw-answers.js';
import { renderPlan } from '../../src/core/render.js';
import { appAnswers, detectApps } from '../../src/detect/detect.js';
import { snapshotDir } from '../../src/edges/project-snapshot.js';
import { builtinRecipesDir } from '../../src/recipes/paths.js';
import { loadRecipeDir } from '../../src/recipes/load.js';

const ACTUATOR = '<dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-actuator</artifactId></dependency></dependencies>';
const pom = (deps = '') => `<?xml version="1.0"?>\n<project><modelVersion>4.0.0</modelVersion><groupId>e</groupId><artifactId>api</artifactId><version>1</version>${deps}</project>\n`;

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ci-java-health-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

async function project(files: Record<string, string>): Promise<string> {
  const dir = path.join(tmp, `p${n++}`);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

const detected = (dir: string) => detectApps(snapshotDir(dir))[0]!;

/** The HEALTHCHECK's argv of the app recipe rendered from `dir`'s detection. */
async function healthArgv(dir: string): Promise<string[]> {
  const recipe = loadRecipeDir(path.join(builtinRecipesDir(), 'app'));
  const raw = rawAnswersFrom([{ values: { ...appAnswers(detected(dir), undefined, '2026-12-07').values, recipe: undefined }, path: (k) => `detected ${k}` }]);
  const plan = renderPlan(recipe, await resolveAnswers(recipe, raw, { interactive: false }), '0.0.0-test');
  const df = plan.files.find((f) => f.path === 'Dockerfile')!.content;
  const cmd = /^HEALTHCHECK .*\\\n {2}CMD (\[.*\])$/m.exec(df)?.[1];
  expect(cmd, df).toBeDefined();
  return JSON.parse(cmd!) as string[];
}

describe('java: which endpoint the HEALTHCHECK asks', () => {
  it('the actuator when the build has it, under its base path', async () => {
    expect(detected(await project({ 'pom.xml': pom(ACTUATOR) })).set.health).toBe('/actuator/health');
    expect(detected(await project({ 'build.gradle': "plugins { id 'java' }\ndependencies { implementation 'org.springframework.boot:spring-boot-starter-actuator' }\n" })).set.health).toBe('/actuator/health');
    const based = await project({ 'pom.xml': pom(ACTUATOR), 'src/main/resources/application.properties': 'management.endpoints.web.base-path=/manage/\n' });
    expect(detected(based).set.health).toBe('/manage/health');
    const yaml = await project({ 'pom.xml': pom(ACTUATOR), 'src/main/resources/application.yml': 'management:\n  endpoints:\n    web:\n      base-path: /ops\n' });
    expect(detected(yaml).set.health).toBe('/ops/health');
  });

  it('not when the actuator has a port of its own, nor without the actuator', async () => {
    expect(detected(await project({ 'pom.xml': pom(ACTUATOR), 'src/main/resources/application.properties': 'management.server.port=9090\n' })).set.health).toBeUndefined();
    expect(detected(await project({ 'pom.xml': pom(ACTUATOR), 'src/main/resources/application.yml': 'management:\n  server:\n    port: 9090\n' })).set.health).toBeUndefined();
    expect(detected(await project({ 'pom.xml': pom() })).set.health).toBeUndefined();
  });
});

describe('java: the rendered HEALTHCHECK, run against a server', () => {
  let status = 200;
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((_req, res) => res.writeHead(status).end('x'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const props = () => `server.port=${port}\n`;
  const run = async (argv: string[]) => (await execa(argv[0]!, argv.slice(1), { reject: false, timeout: 10_000 })).exitCode;

  it('at /: any answer below 500 passes (an API without /), a 500 or no server fails', async () => {
    const argv = await healthArgv(await project({ 'pom.xml': pom(), 'src/main/resources/application.properties': props() }));
    expect(argv[0]).toBe('sh');
    for (const [code, ok] of [[200, true], [302, true], [404, true], [500, false], [503, false]] as const) {
      status = code;
      expect(await run(argv), `status ${code}`).toBe(ok ? 0 : 1);
    }
    const closed = argv.map((a) => a.replace(`:${port}/`, ':1/'));
    expect(await run(closed)).not.toBe(0);
  });

  it('the actuator: 2xx passes, its 503 (app down) and a 404 fail', async () => {
    const argv = await healthArgv(await project({ 'pom.xml': pom(ACTUATOR), 'src/main/resources/application.properties': props() }));
    expect(argv).toEqual(['curl', '-fsS', '-o', '/dev/null', `http://127.0.0.1:${port}/actuator/health`]);
    for (const [code, ok] of [[200, true], [503, false], [404, false]] as const) {
      status = code;
      expect(await run(argv) === 0, `status ${code}`).toBe(ok);
    }
  });
});
