// The custom recipe's default command with no services and no command: the runtime's REPL when its
// packages ship one, else a shell (Debian's JRE has no jshell: that image would exit 127).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/core/answers.js';
import { renderPlan } from '../../src/core/render.js';
import { loadRecipeDir } from '../../src/recipes/load.js';
import { builtinRecipesDir } from '../../src/recipes/paths.js';

const recipe = loadRecipeDir(path.join(builtinRecipesDir(), 'custom'));
const cmdOf = async (runtime: string) => {
  const plan = renderPlan(recipe, await resolveAnswers(recipe, { imageName: 'x', runtime }, { interactive: false }), '0.0.0');
  const dockerfile = plan.files.find((f) => f.path === 'Dockerfile')!.content;
  return /^CMD (.*)$/m.exec(dockerfile)?.[1];
};

describe('custom: the default command per runtime', () => {
  it('java runs a shell, not the JDK-only jshell', async () => {
    expect(await cmdOf('java')).toBe('["sh"]');
  });
  it('node, python, php and no runtime keep their REPL or the shell', async () => {
    expect(await cmdOf('node')).toBe('["node"]');
    expect(await cmdOf('python')).toBe('["python3"]');
    expect(await cmdOf('php')).toBe('["php", "-a"]');
    expect(await cmdOf('none')).toBe('["sh"]');
  });
});

describe('custom: apache serves the folder the site is copied to', () => {
  const dockerfileOf = async (family: 'debian' | 'alpine' | 'rhel') => {
    const raw = { imageName: 'x', family, services: ['apache'], ports: ['8080'] };
    return renderPlan(recipe, await resolveAnswers(recipe, raw, { interactive: false }), '0.0.0').files.find((f) => f.path === 'Dockerfile')!.content;
  };
  it("alpine: httpd.conf's document root is moved from /var/www/localhost/htdocs to /var/www/html", async () => {
    const df = await dockerfileOf('alpine');
    expect(df).toContain('COPY site/ /var/www/html/');
    expect(df).toContain("sed -i 's#/var/www/localhost/htdocs#/var/www/html#g' /etc/apache2/httpd.conf");
  });
  it('rhel serves /var/www/html already: its httpd.conf is left alone', async () => {
    expect(await dockerfileOf('rhel')).not.toContain('htdocs');
  });
});
