import { describe, expect, it } from 'vitest';
import { BASE_RELEASES, endOfSupportWarning, newerRelease, nodeLts, supportedNodeMajors, TOOL_VERSIONS } from '../../src/core/releases.js';

// A fixed day, so that these do not change meaning as the calendar moves on.
const DAY = '2026-12-07';

describe('the dated table of releases', () => {
  it('warns about releases past their end of support, including centos, old ubuntu and fedora', () => {
    for (const image of ['centos:7', 'centos:8', 'ubuntu:18.04', 'fedora:38', 'debian:10', 'ubuntu:20.04', 'debian:bullseye-slim']) {
      expect(endOfSupportWarning(image, DAY), image).toMatch(new RegExp(`^base image ${image.replace('.', '\\.')} is past its end of support \\(\\d{4}-\\d{2}-\\d{2}\\)`));
    }
    expect(endOfSupportWarning('centos:7', DAY)).toContain('(2024-06-30)');
    expect(endOfSupportWarning('centos:7', DAY)).toMatch(/--base almalinux:\d+/);
  });

  it('does not warn about supported releases, or before the end-of-support day', () => {
    for (const image of ['debian:trixie-slim', 'debian:bookworm', 'debian:13', 'ubuntu:24.04', 'almalinux:9', 'fedora:43']) expect(endOfSupportWarning(image, DAY), image).toBeUndefined();
    expect(endOfSupportWarning('fedora:43', '2026-12-10')).toMatch(/past its end of support \(2026-12-09\)/);
    expect(endOfSupportWarning('ubuntu:18.04', '2023-05-31')).toBeUndefined();
    expect(endOfSupportWarning('ubuntu:18.04', '2023-06-01')).toBeDefined();
  });

  it('lists aliases of one release with one date', () => {
    const date = (image: string) => BASE_RELEASES.debian.concat(BASE_RELEASES.ubuntu).find((r) => r.image === image)?.endOfSupport;
    expect(date('debian:13')).toBe(date('debian:trixie'));
    expect(date('debian:12')).toBe(date('debian:bookworm'));
    expect(date('ubuntu:24.04')).toBe(date('ubuntu:noble'));
  });

  it('names the newer release of a base tag, keeping its variant and spelling', () => {
    expect(newerRelease('debian:bookworm-slim', DAY)?.suggested).toBe('debian:trixie-slim');
    expect(newerRelease('debian:12', DAY)?.suggested).toBe('debian:13');
    expect(newerRelease('docker.io/library/debian:bullseye', DAY)?.suggested).toBe('debian:trixie');
    expect(newerRelease('ubuntu:22.04', DAY)?.suggested).toBe('ubuntu:26.04');
    expect(newerRelease('ubuntu:24.04', DAY)?.suggested).toBe('ubuntu:26.04');
    // a release is not suggested before its release day
    expect(newerRelease('ubuntu:22.04', '2026-04-22')?.suggested).toBe('ubuntu:24.04');
    expect(newerRelease('ubuntu:24.04', '2026-04-22')).toBeUndefined();
    expect(newerRelease('ubuntu:noble', DAY)).toBeUndefined(); // 26.04 is listed by number alone
    expect(newerRelease('centos:7', DAY)).toBeUndefined(); // no supported centos: nothing newer of its own
    expect(newerRelease('fedora:38', DAY)?.suggested).toBe('fedora:44');
    expect(newerRelease('fedora:43', '2026-04-27')).toBeUndefined(); // fedora 44 came out 2026-04-28
    expect(newerRelease('alpine:3.21.3', DAY)?.suggested).toBe('alpine:3.24');
    expect(newerRelease('alpine:3.21.3', '2026-06-08')?.suggested).toBe('alpine:3.23');
    expect(newerRelease('debian:trixie-slim', DAY)).toBeUndefined();
    expect(newerRelease('ghcr.io/acme/base:1', DAY)).toBeUndefined();
    // on a day when fedora 44 is past its end, none of fedora is newer
    expect(newerRelease('fedora:38', '2027-06-01')).toBeUndefined();
  });

  it('picks the active Node.js LTS line for the day', () => {
    expect(nodeLts(DAY).major).toBe(26);
    expect(nodeLts('2026-06-01').major).toBe(24);
    expect(nodeLts('2025-06-01').major).toBe(22);
    expect(supportedNodeMajors(DAY)).toEqual([26, 24, 22]);
  });

  it('pins every tool to an exact release', () => {
    for (const [tool, v] of Object.entries(TOOL_VERSIONS)) expect(v, tool).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
