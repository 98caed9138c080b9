import { describe, expect, it } from 'vitest';
import type { Family } from '../../src/core/types.js';
import { execForm, parseDockerfile } from '../../src/lint/dockerfile-parse.js';
import { lintPlanFiles } from '../../src/lint/index.js';
import { builtinRecipe, requireFile } from '../helpers/recipe.js';

const { recipe, render } = builtinRecipe('tomcat');
const families = recipe.manifest.bases.families;
const file = requireFile;

/** Well-formedness of the XML we render: one root, every element closed in order, attributes quoted. */
function checkXml(text: string): string {
  expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const body = text.replace(/<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '');
  const stack: string[] = [];
  let root = '';
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/g)) {
    const [, close, name, , self] = m;
    if (close) expect(stack.pop(), `</${name}>`).toBe(name);
    else if (!self) {
      if (!stack.length) {
        expect(root, 'a second root element').toBe('');
        root = name!;
      }
      stack.push(name!);
    } else if (!stack.length) throw new Error(`self-closed ${name} outside the root`);
  }
  expect(stack).toEqual([]);
  // Nothing that looks like a tag was left unmatched by the pattern (e.g. an unquoted attribute).
  expect(body.replace(/<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/g, '')).not.toMatch(/[<>]/);
  return root;
}

describe('tomcat recipe', () => {
  it('declares its smoke check, port, healthcheck, env and the seed defaults', () => {
    const m = recipe.manifest;
    expect(families).toEqual(['debian', 'ubuntu', 'rhel']);
    expect(m.smoke).toEqual({ kind: 'http', port: 8080, path: '/', expect: 'create-image Tomcat sample' });
    expect(m.ports).toEqual(['8080']);
    expect(m.defaults).toMatchObject({ tz: 'Asia/Shanghai', locale: 'zh_CN.UTF-8', runtime: 'java' });
    expect(m.env?.map((e) => e.name)).toEqual(['JAVA_OPTS', 'CATALINA_OPTS']);
    expect(m.healthcheck?.cmd).toBe('/usr/local/bin/tomcat-healthcheck');
  });

  for (const family of families) {
    for (const set of [{}, { war: 'build/app.war', context: '/shop', defaultWebapps: 'true' }] as Record<string, string>[]) {
      it(`renders lint-clean, parseable files on ${family} with ${JSON.stringify(set)}`, async () => {
        const base = recipe.manifest.bases.images![family as Family]!;
        const plan = await render({ base, family, set });
        expect(await lintPlanFiles(plan.files)).toEqual([]);

        const df = parseDockerfile(file(plan, 'Dockerfile'));
        const ins = (k: string) => df.instructions.filter((i) => i.keyword === k);
        const jlink = family === 'debian';
        expect(ins('FROM').map((i) => i.args)).toEqual(jlink ? [`${base} AS runtime`, base] : [base]);
        expect(ins('USER').at(-1)!.args).toBe('app');
        expect(execForm(ins('CMD')[0]!.args)).toEqual(['catalina.sh', 'run']);
        expect(ins('HEALTHCHECK')).toHaveLength(1);
        const run = ins('RUN').map((i) => i.args).join('\n');
        expect(run).toContain(family === 'rhel' ? 'tomcat' : 'tomcat10-common');
        expect(run).toContain('/usr/share/zoneinfo/Asia/Shanghai');
        expect(run).not.toMatch(/curl|wget|\.tar\.gz/);
        const env = ins('ENV').map((i) => i.args).join('\n');
        expect(env).toContain('TZ="Asia/Shanghai"');
        expect(env).toContain('LANG="zh_CN.UTF-8"');
        const copies = ins('COPY').map((i) => i.args);
        if (set.war) {
          expect(copies).toContain('--chown=app:app build/app.war /usr/local/tomcat/webapps/shop.war');
          expect(plan.files.some((f) => f.path.startsWith('sample/'))).toBe(false);
          if (jlink) {
            expect(run).toMatch(/cp -rL \S+\/docs \/opt\/webapps\/docs/);
            expect(copies).toContain('--from=runtime /opt/webapps/ /usr/local/tomcat/webapps/');
          } else expect(run).toMatch(/ln -s \S+\/docs \/usr\/local\/tomcat\/webapps\/docs/);
          expect(file(plan, 'tomcat-healthcheck')).toMatch(/' \/shop\/ >&3\n/);
        } else {
          expect(copies).toContain('--chown=app:app sample/ /usr/local/tomcat/webapps/ROOT/');
          expect(checkXml(file(plan, 'sample/WEB-INF/web.xml'))).toBe('web-app');
          expect(file(plan, 'sample/index.html')).toContain('<h1>create-image Tomcat sample</h1>');
          expect(run).not.toMatch(/-docs|examples|webapps\/docs/);
        }

        if (jlink) {
          // the runtime stage makes the Java runtime; the final stage installs no JRE or JDK and maps a CDS archive
          const [stage, final] = file(plan, 'Dockerfile').split('# ---- final stage');
          expect(stage).toMatch(/jlink --add-modules java\.se,\S+ --include-locales=en,zh /);
          expect(final).not.toMatch(/openjdk|default-jre|locales/);
          expect(copies).toEqual(expect.arrayContaining(['--from=runtime /opt/java /opt/java', '--from=runtime /usr/lib/locale/locale-archive /usr/lib/locale/locale-archive']));
          expect(run).toContain('tomcat-cds /opt/java/lib/server/tomcat.jsa');
          expect(copies).toContain('setenv.sh /usr/local/tomcat/bin/setenv.sh');
          expect(file(plan, 'setenv.sh')).toContain('-XX:SharedArchiveFile=/opt/java/lib/server/tomcat.jsa');
          expect(file(plan, 'tomcat-cds')).toContain('-XX:ArchiveClassesAtExit=$archive');
        } else expect(plan.files.some((f) => f.path === 'tomcat-cds' || f.path === 'setenv.sh')).toBe(false);
        expect(checkXml(file(plan, 'config/server.xml'))).toBe('Server');
        expect(file(plan, 'config/server.xml')).toContain('<Server port="-1"');
        const webXml = file(plan, 'config/web.xml');
        expect(checkXml(webXml)).toBe('web-app');
        expect(webXml).toContain(family === 'rhel' ? 'version="4.0"' : 'version="6.0"');
        for (const line of file(plan, 'config/logging.properties').split('\n')) {
          if (line && !line.startsWith('#')) expect(line).toMatch(/^[\w.]+ = \S+$/);
        }
        expect(file(plan, 'docker-entrypoint.sh').trimEnd().split('\n').at(-1)).toBe('exec "$@"');
      });
    }
  }

  it('refuses a WAR path outside the target dir or without .war, and a bad context', async () => {
    await expect(render({ set: { war: '../app.war' } })).rejects.toThrow(/--set war: must be a relative path to a \.war file/);
    await expect(render({ set: { war: 'app.zip' } })).rejects.toThrow(/--set war/);
    await expect(render({ set: { context: 'shop' } })).rejects.toThrow(/--set context: must be \/ \(the root context\) or \/name/);
  });

  it('does not offer alpine, which packages no Tomcat', async () => {
    await expect(render({ base: 'alpine' })).rejects.toThrow(/--base: recipe tomcat has no alpine image/);
  });
});
