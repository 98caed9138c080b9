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
