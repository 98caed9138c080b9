// Ruby: a Gemfile. Rails (config/application.rb or the rails gem) runs `rails server`; a rack app
// (config.ru) runs puma when listed, else rackup; bundled without development and test groups.
import { at, exists, fact, procfileWeb, versionOf } from './read.js';
import type { DetectedApp, Fact, Provider } from './types.js';

/** Gems that link a C library: the template (stacks/ruby.eta) installs its headers to build and the library to run. */
const NATIVE_GEMS = ['pg', 'mysql2', 'sqlite3'];

export const ruby: Provider = {
  stack: 'ruby',
  markers: ['Gemfile'],
  bases: { packaged: '3.3', images: ['ruby'], official: (v) => `ruby:${v}-slim-trixie` },
  detect(snap, dir) {
    const gemfile = snap.text(at(dir, 'Gemfile'));
    if (gemfile === undefined) return undefined;
    const facts: Fact[] = [];
    const notes: string[] = [];
    const set: DetectedApp['set'] = { stack: 'ruby', app: dir === '.' ? '' : dir };
    const gems = [...gemfile.matchAll(/^\s*gem\s+['"]([\w-]+)['"]/gm)].map((m) => m[1]!);
    const pinned = versionOf(snap.text(at(dir, '.ruby-version')), 2);
    const inGemfile = /^\s*ruby\s+['"]([\d.]+)/m.exec(gemfile)?.[1];
    const version = pinned ?? versionOf(inGemfile, 2);
    if (version) facts.push(fact('runtime', `ruby ${version}`, pinned ? '.ruby-version' : 'Gemfile ruby'));
    facts.push(fact('dependencies', 'bundle install (without development, test)', exists(snap, at(dir, 'Gemfile.lock')) ? 'Gemfile, Gemfile.lock' : 'Gemfile'));
    const rails = gems.includes('rails') || exists(snap, at(dir, 'config/application.rb'));
    // gems that compile against a C library: its headers to build, its shared library to run
    const native = NATIVE_GEMS.filter((g) => gems.includes(g));
    if (native.length) {
      set.gemLibs = native.join(' ');
      facts.push(fact('native gems', `${native.join(', ')}: their C libraries installed`, 'Gemfile'));
    }
    if (rails) {
      set.rails = true;
      // an asset pipeline (sprockets, propshaft) or app/assets: precompiled at build time, with a dummy secret
      if (exists(snap, at(dir, 'app/assets')) || gems.includes('propshaft') || gems.includes('sprockets-rails')) {
        set.assets = true;
        facts.push(fact('assets', 'rails assets:precompile in a build stage', gems.includes('propshaft') ? 'propshaft in the Gemfile' : gems.includes('sprockets-rails') ? 'sprockets-rails in the Gemfile' : 'app/assets'));
      }
    }
    const port = rails ? 3000 : 9292;
    let start = procfileWeb(snap, dir);
    let evidence = 'Procfile';
    if (!start && rails) [start, evidence] = [`bundle exec rails server -b 0.0.0.0 -p ${port}`, 'rails in the Gemfile'];
    else if (!start && exists(snap, at(dir, 'config.ru'))) {
      [start, evidence] = gems.includes('puma') ? [`bundle exec puma -b tcp://0.0.0.0:${port} config.ru`, 'config.ru, puma in the Gemfile'] : [`bundle exec rackup --host 0.0.0.0 -p ${port} config.ru`, 'config.ru'];
    }
    if (start) {
      set.start = start;
      facts.push(fact('start', start, evidence));
      facts.push(fact('port', String(port), `${rails ? 'rails' : 'rack'} default, bound on 0.0.0.0 by the start command`));
    } else notes.push('No start command found (Procfile, Rails, config.ru): give one with --set start="bundle exec ruby app.rb".');
    return { stack: 'ruby', dir, facts, runtime: version ? { name: 'ruby', version } : { name: 'ruby' }, port, env: { PORT: String(port), ...(rails ? { RAILS_ENV: 'production' } : { RACK_ENV: 'production' }) }, set, notes };
  },
};
