// PHP: composer.json or a .php entry (index.php, else any .php file at the root or in public/), served by
// nginx and PHP-FPM as the lnmp recipe does; the document root is public/ when the app keeps its front
// controller there (Laravel, Symfony, Slim), and an entry other than index.php becomes nginx's index.
import { at, exists, fact, readJson } from './read.js';
import type { DetectedApp, Fact, Provider } from './types.js';

export const php: Provider = {
  stack: 'php',
  markers: ['composer.json', 'index.php'],
  // two processes: the watchdog (tini and a shell script) is far smaller than supervisord and its Python
  answers: { services: ['nginx', 'php-fpm'], supervisor: 'watchdog' },
  bases: { packaged: '8.4', images: ['php'] },
  detect(snap, dir) {
    const composer = readJson(snap, at(dir, 'composer.json')) as { require?: Record<string, string> } | undefined;
    const entries = phpEntries(snap.paths, dir);
    const index = ['public/index.php', 'web/index.php', 'index.php'].find((f) => exists(snap, at(dir, f))) ?? entries[0];
    if (!composer && !index) return undefined;
    const facts: Fact[] = [];
    const set: DetectedApp['set'] = { stack: 'php', app: dir === '.' ? '' : dir };
    const spec = composer?.require?.php;
    const version = /(\d+(?:\.\d+)?)/.exec(spec ?? '')?.[1];
    if (version) facts.push(fact('runtime', `php ${version}`, `composer.json require.php: ${spec}`));
    if (composer) {
      set.composer = true;
      facts.push(fact('dependencies', 'composer install --no-dev', exists(snap, at(dir, 'composer.lock')) ? 'composer.json, composer.lock' : 'composer.json'));
    }
    const root = index?.includes('/') ? index.split('/')[0]! : '';
    set.root = root;
    facts.push(fact('document root', root ? `${root}/` : 'the app folder', index ?? 'composer.json'));
    const file = index?.slice(root ? root.length + 1 : 0);
    // several candidates and no index.php: the user picks (the wizard asks; a script names --set index)
    const others = entries.filter((e) => (e.includes('/') ? e.split('/')[0] : '') === root).map((e) => e.slice(root ? root.length + 1 : 0));
    const choices = file && file !== 'index.php' && others.length > 1 ? { key: 'index', values: others } : undefined;
    if (file && file !== 'index.php' && !choices) {
      set.index = file;
      facts.push(fact('index', file, `the only .php file in ${root ? `${root}/` : 'the app folder'}`));
    }
    facts.push(fact('serve', 'nginx + php-fpm on 8080', 'as the lnmp recipe'));
    return { stack: 'php', dir, facts, runtime: version ? { name: 'php', version, spec: spec! } : { name: 'php' }, port: 8080, env: {}, set, notes: [], ...(choices ? { choices } : {}) };
  },
};

/** .php files at the app's root, then in its public/ (relative to the app, sorted): entries a browser can open. */
function phpEntries(paths: readonly string[], dir: string): string[] {
  const prefix = dir === '.' ? '' : `${dir}/`;
  const rel = paths.filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
  const named = (re: RegExp) => rel.filter((p) => re.test(p) && /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.php$/.test(p.split('/').pop()!));
  return [...named(/^[^/]+\.php$/), ...named(/^public\/[^/]+\.php$/)];
}
