// The files of `create-image recipe new <name>`: a small, complete recipe that passes `recipe test` as is.
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { packageRoot } from './paths.js';

export interface ScaffoldFile {
  path: string;
  content: string;
  mode?: number;
}

export function scaffoldFiles(name: string, schema: string, toolVersion: string): ScaffoldFile[] {
  const manifest = {
    $schema: schema,
    name,
    description: `TODO: say what the ${name} image runs`,
    version: '0.1.0',
    requires: `>=${toolVersion}`,
    bases: {
      families: ['debian', 'ubuntu', 'alpine', 'rhel'],
      default: 'debian:trixie-slim',
    },
    ask: ['base', 'tz', 'locale'],
    defaults: { tz: 'UTC', locale: 'C.UTF-8' },
    questions: [{ name: 'greeting', type: 'string', message: 'Text the container prints when it starts', default: `hello from ${name}` }],
    env: [{ name: 'GREETING_TARGET', default: 'world', description: 'Who the greeting is for' }],
    files: [
      { template: 'Dockerfile.eta', path: 'Dockerfile' },
      { template: 'docker-entrypoint.sh.eta', path: 'docker-entrypoint.sh', mode: '0755' },
      { template: 'greeting.txt.eta', path: 'greeting.txt' },
    ],
    smoke: { kind: 'command', command: ['cat', '/etc/greeting'], expect: 'hello' },
  };
  const dockerfile = `<%~ include('@header', it) %>
FROM <%= it.base %>

<%~ include('@labels', it) %>

<% if (it.caCerts.length) { %>
<%~ it.h.caCopy() %>

<% } %>
<%~ it.h.system({ packages: [] }) %>

<%~ include('@env', it) %>

COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
# Answers land in files rendered from templates (greeting.txt.eta), never spliced into RUN lines.
COPY greeting.txt /etc/greeting

WORKDIR /srv/app
<%~ it.h.exposeAndVolumes() %>

<% if (it.user) { %>
USER <%= it.user.name %>
<% } %>
<%~ it.h.healthcheckLine() %>

ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["sh", "-c", "cat /etc/greeting; exec tail -f /dev/null"]
`;
  const entrypoint = `#!/bin/sh
<%~ include('@header', it) %>
set -eu

<%~ include('@entrypoint-env', it) %>

exec "$@"
`;
  const fixture = { tz: 'Europe/Berlin', set: { greeting: "it's \"quoted\" $(not run)" } };
  return [
    { path: 'recipe.json', content: `${JSON.stringify(manifest, null, 2)}\n` },
    { path: 'Dockerfile.eta', content: dockerfile },
    { path: 'docker-entrypoint.sh.eta', content: entrypoint },
    { path: 'greeting.txt.eta', content: '<%= it.set.greeting %>\n' },
    { path: 'test/answers.json', content: `${JSON.stringify(fixture, null, 2)}\n` },
  ];
}

/**
 * What editors resolve: a relative path to a schema the recipe's own tree has (this repository, or a
 * create-image installed in a node_modules above the recipe), else the published schema of this
 * version. Where the running tool happens to live (an npx cache, a global install) is no such place: a
 * path into it would dangle once that copy is gone.
 */
export function schemaRef(recipeDir: string, toolVersion: string): string {
  const own = join(packageRoot(), 'recipes.schema.json');
  if (existsSync(own) && recipeDir.startsWith(packageRoot() + sep) && !packageRoot().split(sep).includes('node_modules')) return relative(recipeDir, own).split(sep).join('/');
  for (let d = recipeDir; ; d = dirname(d)) {
    const installed = join(d, 'node_modules', 'create-image', 'recipes.schema.json');
    if (existsSync(installed)) return relative(recipeDir, installed).split(sep).join('/');
    if (dirname(d) === d) break;
  }
  return `https://unpkg.com/create-image@${toolVersion}/recipes.schema.json`;
}
