// The go recipe renders, and lints clean, on every base family it claims and for each build/run-time choice;
// the Dockerfile has the shape the issue asks for (static binary, modules before sources, non-root).
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import type { Family, Plan } from '../../src/core/types.js';
import { lintPlanFiles } from '../../src/lint/index.js';
import { builtinRecipe, fileIn } from '../helpers/recipe.js';

const { recipe, render } = builtinRecipe('go', { imageName: 'svc' });
const FAMILIES = recipe.manifest.bases.families;
const file = fileIn;
const dockerfile = (plan: Plan) => file(plan, 'Dockerfile')!;
/** The lines of the stage that starts with the n-th FROM (0-based). */
function stage(df: string, n: number): string {
  return df.split(/^(?=FROM )/m).filter((s) => s.startsWith('FROM '))[n]!;
}

describe('go recipe', () => {
  it('claims the four families', () => {
    expect(FAMILIES).toEqual(['debian', 'ubuntu', 'alpine', 'rhel']);
  });

  const variants: Array<{ id: string; set: Record<string, string> }> = [
    { id: 'scratch', set: {} },
    { id: 'scratch+zoneinfo+cache', set: { zoneinfo: 'true', cache: 'true' } },
    { id: 'scratch, no CA', set: { ca: 'false' } },
    { id: 'distro final', set: { final: 'distro' } },
    { id: 'distroless final', set: { final: 'gcr.io/distroless/static-debian12:nonroot' } },
    { id: 'golang builder', set: { builder: 'golang:1.23-bookworm', zoneinfo: 'true' } },
    { id: 'user module', set: { src: 'server', pkg: './cmd/api' } },
  ];
  for (const family of FAMILIES) {
    for (const v of variants) {
      it(`${family} / ${v.id}: renders and lints clean`, async () => {
        const plan = await render({ base: family, set: v.set, ...(v.id === 'scratch+zoneinfo+cache' ? { tz: 'Asia/Shanghai' } : {}) });
        expect(await lintPlanFiles(plan.files)).toEqual([]);
        const df = dockerfile(plan);
        expect(df).not.toMatch(/^# syntax=/m);
        expect(df).toContain('CGO_ENABLED=0');
        expect(df).toContain('GOFLAGS=-trimpath');
        expect(df).toMatch(/go build (-tags timetzdata )?-ldflags "-s -w" -o \/out\/app /);
        // Exactly two stages, the final one without the toolchain.
        expect(df.match(/^FROM /gm)).toHaveLength(2);
        expect(stage(df, 1)).not.toMatch(/golang|go build/);
      });
    }
  }

  it('builds in a distro stage with the family Go package and runs from scratch as a numeric non-root user', async () => {
    const pkg: Record<Family, string> = { debian: 'golang-go', ubuntu: 'golang-go', alpine: 'go', rhel: 'golang' };
    for (const family of FAMILIES) {
      const df = dockerfile(await render({ base: family }));
      const build = stage(df, 0);
      expect(build).toMatch(new RegExp(`^FROM ${recipe.manifest.bases.images![family]!.replace(/[.]/g, '\\.')} AS build`));
      expect(build).toMatch(new RegExp(`(install|add) .*\\b${pkg[family]}\\b`));
      const final = stage(df, 1);
      expect(final.split('\n')[0]).toBe('FROM scratch');
      expect(final).toMatch(/^USER 10001:10001$/m);
      expect(final).not.toMatch(/^RUN /m); // scratch has no shell
      expect(final).toContain('COPY --from=build /rootfs/ /');
      expect(final).toContain('COPY --from=build /out/app /usr/local/bin/app');
      expect(final).toContain('ENTRYPOINT ["/usr/local/bin/app"]');
      expect(final).toMatch(/^EXPOSE 8080\/tcp$/m);
      // CA certificates by default (a clean bundle: the build stage drops any --ca-cert before copying it).
      expect(build).toMatch(/cp \S+ \/rootfs\/etc\/ssl\/certs\/ca-certificates\.crt/);
      expect(build).not.toContain('zoneinfo /rootfs');
      expect(build).toContain("echo 'app:x:10001:10001:");
    }
  });

  it('copies go.mod (and go.sum when present) and downloads modules before the sources', async () => {
    const df = dockerfile(await render({}));
    const mod = df.indexOf('COPY app/go.mod app/go.sum* ./');
    const download = df.indexOf('go mod download');
    const sources = df.indexOf('COPY app/ ./');
    const build = df.indexOf('go build -ldflags');
    expect(mod).toBeGreaterThan(0);
    expect(mod).toBeLessThan(download);
    expect(download).toBeLessThan(sources);
    expect(sources).toBeLessThan(build);
    // No BuildKit-only syntax by default: the classic builder must build it.
    expect(df).not.toContain('--mount');
  });

  it('writes the stdlib-only sample without go.sum, and none when the user names a module dir', async () => {
    const plan = await render({});
    expect(file(plan, 'app/go.mod')).toMatch(/^module example\.com\/app\n\ngo 1\.19\n$/);
    expect(file(plan, 'app/main.go')).toContain('"net/http"');
    expect(file(plan, 'app/main.go')).not.toMatch(/"(github\.com|golang\.org)\//);
    expect(file(plan, 'app/go.sum')).toBeUndefined();
    const own = await render({ set: { src: 'server/', pkg: './cmd/api' } });
    expect(own.files.map((f) => f.path).filter((p) => p.startsWith('app/'))).toEqual([]);
    const df = dockerfile(own);
    expect(df).toContain('COPY server/go.mod server/go.sum* ./');
    expect(df).toContain('COPY server/ ./');
    expect(df).toMatch(/-o \/out\/app \.\/cmd\/api$/m);
  });

  it('makes the sample listen on the first port asked for, unless PORT is given with --env', async () => {
    expect(stage(dockerfile(await render({})), 1)).toContain('ENV PORT="8080"');
    const other = stage(dockerfile(await render({ ports: ['9090'] })), 1);
    expect(other).toContain('ENV PORT="9090"');
    expect(other).toMatch(/^EXPOSE 9090\/tcp$/m);
    expect(stage(dockerfile(await render({ ports: ['9090'], env: ['PORT=7000'] })), 1)).toContain('ENV PORT="7000"');
  });

  it('puts the cache mounts behind --set cache=true', async () => {
    const df = dockerfile(await render({ set: { cache: 'true' } }));
    expect(df).toContain('RUN --mount=type=cache,target=/go/pkg/mod go mod download');
    expect(df).toMatch(/RUN --mount=type=cache,target=\/go\/pkg\/mod --mount=type=cache,target=\/root\/\.cache\/go-build go build/);
    expect(df).toMatch(/needs BuildKit/);
  });

  it('copies zoneinfo when asked or when the timezone is not UTC; embeds it with a golang builder', async () => {
    expect(dockerfile(await render({ set: { zoneinfo: 'true' } }))).toContain('cp -a /usr/share/zoneinfo /rootfs/usr/share/zoneinfo');
    const tz = dockerfile(await render({ tz: 'Asia/Shanghai' }));
    expect(tz).toContain('cp -a /usr/share/zoneinfo /rootfs/usr/share/zoneinfo');
    expect(stage(tz, 1)).toContain('ENV TZ="Asia/Shanghai"');
    const golang = dockerfile(await render({ set: { builder: 'golang:1.23-bookworm', zoneinfo: 'true' } }));
    expect(golang).toMatch(/^FROM golang:1\.23-bookworm AS build$/m);
    expect(golang).not.toMatch(/apt-get|golang-go/);
    expect(golang).toContain('go build -tags timetzdata -ldflags "-s -w"');
    expect(dockerfile(await render({ set: { ca: 'false' } }))).not.toContain('ca-certificates.crt');
  });

  it('runs a distro final stage as the app user and distroless as its nonroot uid', async () => {
    const distro = stage(dockerfile(await render({ set: { final: 'distro' } })), 1);
    expect(distro.split('\n')[0]).toBe('FROM debian:trixie-slim');
    expect(distro).toMatch(/useradd --system --uid 10001/);
    expect(distro).toMatch(/^USER app$/m);
    expect(distro).not.toContain('golang-go');
    const dl = stage(dockerfile(await render({ set: { final: 'gcr.io/distroless/static-debian12:nonroot' } })), 1);
    expect(dl.split('\n')[0]).toBe('FROM gcr.io/distroless/static-debian12:nonroot');
    expect(dl).toMatch(/^USER 65532:65532$/m);
    expect(dl).not.toContain('/rootfs');
  });

  it('trusts --ca-cert only for the module download, never in the final image', async () => {
    const plan = await render({ caCerts: [{ name: '01-corp.crt', content: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' }] });
    const df = dockerfile(plan);
    expect(df).toContain('RUN SSL_CERT_DIR=/usr/local/share/create-image-ca go mod download');
    expect(stage(df, 0)).toContain('update-ca-certificates --fresh'); // the bundle copied to scratch is clean
    expect(stage(df, 1)).not.toContain('certs/');
    expect(file(plan, 'certs/01-corp.crt')).toBeDefined();
    expect(await lintPlanFiles(plan.files)).toEqual([]);
  });

  it('refuses unpinned or malformed images and paths with the flag named', async () => {
    const bad: Array<[Record<string, string>, RegExp]> = [
      [{ builder: 'golang:latest' }, /--set builder: must be distro, or a pinned image/],
      [{ builder: 'golang' }, /--set builder: must be distro, or a pinned image/],
      [{ final: 'gcr.io/distroless/static' }, /--set final: must be scratch, distro, or a pinned image/],
      [{ final: 'alpine:latest' }, /--set final: must be scratch, distro/],
      [{ src: '../elsewhere' }, /--set src: must be a relative path inside the target dir/],
      [{ pkg: 'cmd/api' }, /--set pkg: must be \. or a path like \.\/cmd\/server/],
      [{ cache: 'maybe' }, /--set cache: must be true or false/],
    ];
    for (const [set, msg] of bad) {
      const err = await render({ set }).then(() => undefined, (e: unknown) => e);
      expect(err, JSON.stringify(set)).toBeInstanceOf(UsageError);
      expect(String((err as Error).message)).toMatch(msg);
    }
  });
});
