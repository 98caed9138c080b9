// The version create-image reports and stamps into what it generates.
import pkg from '../../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;
