import { describe, expect, it } from 'vitest';
import { isShellScript, shellcheck } from '../../src/lint/shell.js';

const CLEAN = `#!/bin/sh
set -eu
# Read NAME or NAME_FILE, never both.
if [ -n "\${DB_PASSWORD_FILE:-}" ]; then
  DB_PASSWORD=$(cat "$DB_PASSWORD_FILE")
  export DB_PASSWORD
fi
exec "$@"
`;

describe('isShellScript', () => {
  it('goes by the shebang, then by the .sh name', () => {
    expect(isShellScript('entrypoint', '#!/bin/sh\nexec "$@"\n')).toBe(true);
    expect(isShellScript('run', '#!/usr/bin/env bash\n')).toBe(true);
    expect(isShellScript('run', '#!/usr/bin/env -S bash -e\n')).toBe(true);
    expect(isShellScript('run', '#!/bin/dash\n')).toBe(true);
    expect(isShellScript('run', '#!/bin/ash\n')).toBe(true);
    expect(isShellScript('run', '#!/bin/busybox sh\n')).toBe(true);
    expect(isShellScript('scripts/setup.sh', 'echo hi\n')).toBe(true);
    expect(isShellScript('healthcheck.sh', '#!/usr/bin/env python3\n')).toBe(false);
    expect(isShellScript('app.py', '#!/usr/bin/python3\n')).toBe(false);
    expect(isShellScript('config/app.conf', 'listen 80\n')).toBe(false);
  });
});

describe('shellcheck', () => {
  it('catches an unquoted $1, reported against the original path', async () => {
    const findings = await shellcheck([{ path: 'rootfs/usr/local/bin/entrypoint.sh', content: '#!/bin/sh\nset -eu\necho $1\n' }]);
    expect(findings).toEqual([{ file: 'rootfs/usr/local/bin/entrypoint.sh', line: 3, column: 6, code: 'SC2086', level: 'info', message: expect.stringContaining('Double quote') }]);
  });

  it('passes a clean POSIX script', async () => {
    expect(await shellcheck([{ path: 'entrypoint.sh', content: CLEAN }])).toEqual([]);
  });

  it('checks each script in the dialect of its shebang', async () => {
    const test = 'if [[ -n "${1:-}" ]]; then echo "$1"; fi\n';
    const findings = await shellcheck([
      { path: 'a/run', content: `#!/bin/sh\n${test}` },
      { path: 'b/run', content: `#!/bin/bash\n${test}` },
    ]);
    expect(findings.map((f) => `${f.file} ${f.code}`)).toEqual(['a/run SC3010']);
  });

  it('keeps files with the same name apart', async () => {
    const findings = await shellcheck([
      { path: 'one/entrypoint.sh', content: CLEAN },
      { path: 'two/entrypoint.sh', content: '#!/bin/sh\nrm -rf $DIR/\n' },
    ]);
    expect(new Set(findings.map((f) => f.file))).toEqual(new Set(['two/entrypoint.sh']));
  });

  it('returns nothing for no files without running shellcheck', async () => {
    expect(await shellcheck([], { shellcheckBin: '/nonexistent/shellcheck' })).toEqual([]);
  });

  it('says how to install shellcheck when it is missing', async () => {
    await expect(shellcheck([{ path: 'x.sh', content: CLEAN }], { shellcheckBin: '/nonexistent/shellcheck' })).rejects.toThrow(/apt-get install shellcheck/);
  });
});
