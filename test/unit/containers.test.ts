// Which labelled containers a run removes as leftovers of a killed earlier run.
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { leftovers, ownLabels, PID_LABEL, RUN_LABEL, HOST_LABEL, pidAlive } from '../../src/engines/containers.js';

describe('leftovers of killed runs', () => {
  const lines = ['aaa 101 here', 'bbb 202 here', 'ccc 303 elsewhere', 'ddd 404 here', 'eee  here', ''].join('\n');
  it('picks containers of this host whose owning pid is gone, never a live one, another host or this process', () => {
    const alive = (pid: number) => pid === 202;
    expect(leftovers(lines, 'here', alive, 404)).toEqual(['aaa']);
    expect(leftovers(lines, 'here', () => false, 1)).toEqual(['aaa', 'bbb', 'ddd']);
    expect(leftovers(lines, 'elsewhere', () => false, 1)).toEqual(['ccc']);
  });
  it('pidAlive: this process is, a pid beyond the kernel limit is not', () => {
    expect(pidAlive(process.pid)).toBe(true);
    expect(pidAlive(2 ** 22 + 1)).toBe(false);
  });
  it('labels name the run, the pid and the host', () => {
    const l = ownLabels();
    expect(l.filter((x) => x === '--label')).toHaveLength(3);
    expect(l).toContain(`${PID_LABEL}=${process.pid}`);
    expect(l.find((x) => x.startsWith(`${RUN_LABEL}=`))).toMatch(new RegExp(`-${process.pid}$`));
    // the host and this process's pid namespace: a run inside a container (--network host shares the name) never judges the host's pids
    const ns = readlinkSync('/proc/self/ns/pid').replace(/^pid:\[(\d+)\]$/, '$1');
    expect(l.find((x) => x.startsWith(`${HOST_LABEL}=`))).toBe(`${HOST_LABEL}=${hostname()}/${ns}`);
  });
});

describe('removing this run\'s containers on a signal', () => {
  it('lists and removes until the engine shows none twice: a container created after the first listing and a failed rm are both caught; no run starts after', async () => {
    const { mkdtempSync, writeFileSync, readFileSync, chmodSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { noteEngine, removeOwnContainers } = await import('../../src/engines/containers.js');
    const dir = mkdtempSync(path.join(tmpdir(), 'ci-unit-containers-'));
    const log = path.join(dir, 'calls');
    // a fake engine: the 1st listing is empty (the `run` is still being sent), the 2nd shows c1 whose first rm fails, then c1 stays until an rm works
    const fake = path.join(dir, 'docker');
    writeFileSync(
      fake,
      `#!/bin/sh
echo "$*" >> ${JSON.stringify(log)}
n=$(grep -c '^ps' ${JSON.stringify(log)})
case "$1" in
  ps) if [ "$n" -ge 2 ] && ! grep -q '^rm-ok' ${JSON.stringify(log)}; then echo "c1 1 h"; fi ;;
  rm) if grep -q '^rm -f' ${JSON.stringify(log)} && [ "$(grep -c '^rm -f' ${JSON.stringify(log)})" -ge 2 ]; then echo rm-ok >> ${JSON.stringify(log)}; else echo "removal in progress" >&2; exit 1; fi ;;
esac
`,
    );
    chmodSync(fake, 0o755);
    noteEngine({ kind: 'docker', bin: fake, env: { PATH: process.env.PATH ?? '' }, buildkit: false });
    await removeOwnContainers(15_000);
    const calls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    expect(calls.filter((c) => c.startsWith('rm -f -v c1'))).toHaveLength(2);
    // after the rm that worked, two empty listings
    const last = calls.lastIndexOf('rm-ok');
    expect(calls.slice(last + 1).filter((c) => c.startsWith('ps'))).toHaveLength(2);
    expect(() => ownLabels()).toThrow(/cancelled/);
  });
});
