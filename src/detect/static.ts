// A plain static site: an index.html and no other stack's manifest, served as files by a small web server.
import { at, exists, fact } from './read.js';
import type { Provider } from './types.js';

/** Where the site's server listens (web.eta's default), detected or named with --set stack=static. */
export const STATIC_PORT = 8080;

export const staticSite: Provider = {
  stack: 'static',
  markers: ['index.html'],
  detect(snap, dir) {
    if (!exists(snap, at(dir, 'index.html'))) return undefined;
    return {
      stack: 'static',
      dir,
      facts: [fact('serve', `static files on ${STATIC_PORT}`, 'index.html and no server code')],
      port: STATIC_PORT,
      env: {},
      set: { stack: 'static', app: dir === '.' ? '' : dir },
      notes: [],
    };
  },
};
