// A build whose dependencies come from a registry the engine cannot reach (PyPI, the Go module proxy and
// Maven Central are not reachable from this machine's builds) fails with exit 1 and one line that names the
// tool, the registry, the host and the reason, with what to do; `--json` carries the same line.
import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT, cli, describeEngine, removeImageLater, tempDir, uniqueName } from '../helpers/engine.js';

const FIXTURES = path.join(ROOT, 'test/fixtures/apps');
const CLASSIC = { DOCKER_BUILDKIT: '0' };
/** How the builder fails to reach a host depends on the machine; each is a network failure. */
const REASON = '(?:name not resolved|connection refused|timed out|network unreachable|transfer failed)';

/** The one line of stderr the error boundary printed. */
function errorLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.startsWith('create-image: '));
  expect(lines, stderr).toHaveLength(1);
  return lines[0]!;
}

async function generateAndBuild(dir: string, name: string) {
  const tag = `${uniqueName(`net-${name}`)}:test`;
  removeImageLater(tag);
  return cli(['--yes', '--build', '--tag', tag], { cwd: dir, env: CLASSIC });
}

describeEngine('a build that cannot reach its package registry', () => {
  it('flask: pip could not reach PyPI, in one line with what to do', async () => {
    const dir = path.join(await tempDir('ci-net-'), 'flask');
    await cp(path.join(FIXTURES, 'flask'), dir, { recursive: true });
    const r = await generateAndBuild(dir, 'flask');
    expect(r.exitCode, r.stderr).toBe(1);
    expect(errorLine(r.stderr)).toMatch(
      new RegExp(
        String.raw`^create-image: docker build failed \(exit code 1\): pip could not reach PyPI \(pypi\.org: ${REASON}\): the build needs network access to it: ` +
          String.raw`make pypi\.org reachable from the builder, or pass a proxy with --build-arg https_proxy=http://HOST:PORT; ` +
          String.raw`last 30 lines above, full log: \S+/\.create-image/build\.log; the files are written: fix and rebuild with \`create-image build \S+\`$`,
      ),
    );
  }, 600_000);

  it('go: a module with an external requirement could not reach the Go module proxy; `create-image build --json` says the same', async () => {
    const dir = path.join(await tempDir('ci-net-'), 'uuidsvc');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'go.mod'), 'module example.com/uuidsvc\n\ngo 1.19\n\nrequire github.com/google/uuid v1.6.0\n');
    await writeFile(
      path.join(dir, 'go.sum'),
      'github.com/google/uuid v1.6.0 h1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=\ngithub.com/google/uuid v1.6.0/go.mod h1:TIyPZe4MgqvfeYDBFedMoGGpEw/LqOeaOT+nhxU+yHo=\n',
    );
    await writeFile(
      path.join(dir, 'main.go'),
      'package main\n\nimport (\n\t"fmt"\n\t"net/http"\n\n\t"github.com/google/uuid"\n)\n\nfunc main() {\n\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, uuid.NewString()) })\n\t_ = http.ListenAndServe(":8080", nil)\n}\n',
    );
    const r = await generateAndBuild(dir, 'go');
    expect(r.exitCode, r.stderr).toBe(1);
    const expected =
      String.raw`docker build failed \(exit code 1\): go could not reach the Go module proxy \(proxy\.golang\.org: ${REASON}\): the build needs network access to it: ` +
      String.raw`make proxy\.golang\.org reachable from the builder, pass a proxy with --build-arg https_proxy=http://HOST:PORT, or vendor the modules \(go mod vendor\); ` +
      String.raw`last 30 lines above, full log: \S+/\.create-image/build\.log`;
    expect(errorLine(r.stderr)).toMatch(new RegExp(`^create-image: ${expected}; the files are written`));

    const json = await cli(['build', dir, '--json'], { env: CLASSIC });
    expect(json.exitCode, json.stderr).toBe(1);
    const doc = JSON.parse(json.stdout) as { ok: boolean; error: { code: string; message: string } };
    expect(doc.ok).toBe(false);
    expect(doc.error.code).toBe('tool');
    expect(doc.error.message).toMatch(new RegExp(`^${expected}$`));
  }, 600_000);

  it('java with Maven: Maven could not reach Maven Central', async () => {
    const dir = path.join(await tempDir('ci-net-'), 'java-maven');
    await cp(path.join(FIXTURES, 'java-maven'), dir, { recursive: true });
    const r = await generateAndBuild(dir, 'java');
    expect(r.exitCode, r.stderr).toBe(1);
    expect(errorLine(r.stderr)).toMatch(
      new RegExp(
        String.raw`^create-image: docker build failed \(exit code 1\): Maven could not reach Maven Central \(repo\.maven\.apache\.org: ${REASON}\): the build needs network access to it: ` +
          String.raw`make repo\.maven\.apache\.org reachable from the builder \(Maven reads no proxy from the environment\); last 30 lines above`,
      ),
    );
  }, 600_000);
});
