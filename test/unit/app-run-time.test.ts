// What an app's final image gives its runtime beyond the page it serves: the CAs of --ca-cert with
// --ca-in-final (node reads its own list, so the system bundle is added to it) and the zone database on
// scratch (Go). The end-to-end stack probes show each working; these pin the rendered lines.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/core/answers.js';
import { rawAnswersFrom } from '../../src/core/raw-answers.js';
import { renderPlan } from '../../src/core/render.js';
import { appAnswers, detectApps } from '../../src/detect/detect.js';
import { snapshotDir } from '../../src/edges/project-snapshot.js';
import { builtinRecipesDir } from '../../src/recipes/paths.js';
import { loadRecipeDir } from '../../src/recipes/load.js';
import { APP_FIXTURES } from '../helpers/golden-cases.js';

const recipe = loadRecipeDir(path.join(builtinRecipesDir(), 'app'));
const CA = { name: '01-proxy.crt', content: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' };

async function dockerfile(fixture: string, extra: Record<string, unknown> = {}, caCerts?: (typeof CA)[]): Promise<string> {
  const app = detectApps(snapshotDir(path.join(APP_FIXTURES, fixture)))[0]!;
  const raw = rawAnswersFrom([{ values: { ...appAnswers(app, undefined, '2026-12-07').values, recipe: undefined, ...extra }, path: (k) => `detected ${k}`, ...(caCerts ? { caCerts } : {}) }]);
  const plan = renderPlan(recipe, await resolveAnswers(recipe, raw, { interactive: false }), '0.0.0-test');
  return plan.files.find((f) => f.path === 'Dockerfile')!.content;
}

describe('node: the --ca-cert CAs at run time', () => {
  it('with --ca-in-final, node is pointed at the system bundle that holds them', async () => {
    const df = await dockerfile('node-npm', { caInFinal: true }, [CA]);
    const final = df.slice(df.lastIndexOf('\nFROM '));
    expect(final).toMatch(/^ENV NODE_EXTRA_CA_CERTS=\/etc\/ssl\/certs\/ca-certificates\.crt$/m);
    expect(final).toMatch(/^ {4}update-ca-certificates; \\$/m);
  });
  it('without it (the build alone trusts them), or with no CA, nothing is added', async () => {
    const final = (df: string) => df.slice(df.lastIndexOf('\nFROM '));
    // the build stages' npm still gets them, on its own command line
    const buildOnly = await dockerfile('node-npm', { caInFinal: false }, [CA]);
    expect(buildOnly).toContain('NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt npm ci');
    expect(final(buildOnly)).not.toContain('NODE_EXTRA_CA_CERTS');
    expect(await dockerfile('node-npm')).not.toContain('NODE_EXTRA_CA_CERTS');
  });
});

describe('go: the zone on scratch', () => {
  it('the binary carries the zone database (scratch has no /usr/share/zoneinfo), so TZ works as set or changed', async () => {
    const df = await dockerfile('go-cmd', { tz: 'Asia/Shanghai' });
    expect(df).toMatch(/^RUN go build -tags timetzdata -ldflags "-s -w" -o \/out\/app \.\/cmd\/server$/m);
    expect(df).toMatch(/^FROM scratch$/m);
    expect(df).toMatch(/^ENV TZ="Asia\/Shanghai"$/m);
  });
});
