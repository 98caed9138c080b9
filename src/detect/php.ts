// PHP: composer.json or an index.php, served by nginx and PHP-FPM as the lnmp recipe does; the document root
// is public/ when the app keeps its front controller there (Laravel, Symfony, Slim).
import { at, exists, fact, readJson } from './read.js';
import type { DetectedApp, Fact, Provider } from './types.js';

export const php: Provider = {
  stack: 'php',
  markers: ['composer.json', 'index.php'],
  // two processes: the watchdog (tini and a shell script) is far smaller than supervisord and its Python
  answers: { services: ['nginx', 'php-fpm'], supervisor: 'watchdog' },
  bases: { bookworm: '8.2', images: ['php'] },
  detect(snap, dir) {
    const composer = readJson(snap, at(dir, 'composer.json')) as { require?: Record<string, string> } | undefined;
    const index = ['public/index.php', 'web/index.php', 'index.php'].find((f) => exists(snap, at(dir, f)));
    if (!composer && !index) return undefined;
    const facts: Fact[] = [];
    const set: DetectedApp['set'] = { stack: 'php', app: dir === '.' ? '' : dir };
    const spec = composer?.require?.php;
    const version = /(\d+\.\d+)/.exec(spec ?? '')?.[1];
    if (version) facts.push(fact('runtime', `php ${version}`, `composer.json require.php: ${spec}`));
    if (composer) {
      set.composer = true;
      facts.push(fact('dependencies', 'composer install --no-dev', exists(snap, at(dir, 'composer.lock')) ? 'composer.json, composer.lock' : 'composer.json'));
    }
    const root = index?.includes('/') ? index.split('/')[0]! : '';
    set.root = root;
    facts.push(fact('document root', root ? `${root}/` : 'the app folder', index ?? 'composer.json'));
    facts.push(fact('serve', 'nginx + php-fpm on 8080', 'as the lnmp recipe'));
    return { stack: 'php', dir, facts, runtime: version ? { name: 'php', version } : { name: 'php' }, port: 8080, env: {}, set, notes: [] };
  },
};
