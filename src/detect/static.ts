// A plain static site: an index.html and no other stack's manifest, served as files by a small web server.
import { at, exists, fact } from './read.js';
import type { Provider } from './types.js';

export const staticSite: Provider = {
  stack: 'static',
  markers: ['index.html'],
  detect(snap, dir) {
    if (!exists(snap, at(dir, 'index.html'))) return undefined;
    return {
      stack: 'static',
      dir,
      facts: [fact('serve', 'static files on 8080', 'index.html and no server code')],
      port: 8080,
      env: {},
      set: { stack: 'static', app: dir === '.' ? '' : dir },
      notes: [],
    };
  },
};
