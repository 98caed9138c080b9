// The built bin renders exactly what the golden tests record from src/: the bundle is built differently
// (esbuild, a stand-in for commander's child_process, built-in manifests validated at build time) and
// none of that may change a byte of the output.
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT, tempDir } from '../helpers/engine.js';
import { GOLDEN, GOLDEN_DAY, GOLDEN_VERSION, goldenCases } from '../helpers/golden-cases.js';

const VERSION: string = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p, base) : [path.relative(base, p)];
  });
}

// The tool's version is in a few generated lines; the golden files carry a fixed one.
const asGolden = (text: string) =>
  text
    .replaceAll(`create-image ${VERSION} `, `create-image ${GOLDEN_VERSION} `)
    .replaceAll(`(https://www.npmjs.com/package/create-image) ${VERSION} `, `(https://www.npmjs.com/package/create-image) ${GOLDEN_VERSION} `);

describe('the built bin renders the golden files', () => {
  for (const c of goldenCases()) {
    it(c.id, async () => {
      const dir = await tempDir();
      const target = path.join(dir, 'out');
      let r;
      let project: string[] = [];
      if (c.app) {
        // an app case is what detection makes of its project folder: generate in a copy of it
        cpSync(c.app.fixture, target, { recursive: true });
        project = filesUnder(target);
        r = await cli([target, '--yes', '--name', c.raw.imageName!, ...(c.app.several ? ['--app', c.app.dir] : [])], { env: { CI: '1', CREATE_IMAGE_TODAY: GOLDEN_DAY } });
      } else {
        const answers = path.join(dir, 'answers.json');
        const { imageName, ...raw } = c.raw;
        writeFileSync(answers, JSON.stringify({ recipe: c.recipe, name: imageName, ...raw }));
        r = await cli([target, '--answers', answers, '--yes'], { env: { CI: '1', CREATE_IMAGE_TODAY: GOLDEN_DAY } });
      }
      expect(r.exitCode, r.stderr).toBe(0);
      const expected = filesUnder(path.join(GOLDEN, c.id)).filter((f) => f !== '.modes' && f !== '.create-image.json');
      const written = filesUnder(target).filter((f) => !f.startsWith('.create-image') && !f.startsWith(`.create-image${path.sep}`) && !project.includes(f));
      expect(written.sort()).toEqual(expected.sort());
      for (const f of expected) {
        expect(asGolden(readFileSync(path.join(target, f), 'utf8')), f).toBe(readFileSync(path.join(GOLDEN, c.id, f), 'utf8'));
      }
    });
  }
});
