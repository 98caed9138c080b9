// A stand-in builder client (POSIX sh) for unit tests of src/engines: replays a recorded log, exits
// with a chosen code, writes --iidfile, records its argv. Behaviour comes from FAKE_* env vars:
// FAKE_LOG (replayed on FAKE_FD, default 2), FAKE_EXIT, FAKE_PUSH_EXIT, FAKE_IID, FAKE_INSPECT, FAKE_VERSION,
// FAKE_BUILDX, FAKE_SLEEP, FAKE_RUN_EXIT, FAKE_EXEC_EXIT, FAKE_RUNNING, FAKE_HEALTH, FAKE_CONTAINER_LOG (a verification's container), FAKE_IMAGE_CONFIG (`{{json .Config.ExposedPorts}} {{json .Config.Volumes}}`), FAKE_PUSH_LOG, FAKE_DIGEST; FAKE_ARGS / FAKE_ENV name files that collect the
// argv (one word a line) and `<subcommand> DOCKER_HOST=... DOCKER_BUILDKIT=...` of every call.
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const SCRIPT = `#!/bin/sh
[ -n "$FAKE_ARGS" ] && printf '%s\\n' "$@" >> "$FAKE_ARGS"
[ -n "$FAKE_ENV" ] && printf '%s DOCKER_HOST=%s DOCKER_BUILDKIT=%s\\n' "$1" "\${DOCKER_HOST-<unset>}" "\${DOCKER_BUILDKIT-<unset>}" >> "$FAKE_ENV"
case "$1" in
  --version) echo "\${FAKE_VERSION:-Docker version 28.2.2, build e6534b4}"; exit 0 ;;
  buildx)
    [ -n "$FAKE_BUILDX" ] || { echo "docker: unknown command: docker buildx" >&2; exit 1; }
    # \`buildx build\` goes on as \`build\` below; \`buildx version\` and \`buildx inspect NAME\` succeed
    [ "$2" = build ] || { echo "github.com/docker/buildx v0.12.1"; exit 0; }
    shift ;;
esac
case "$1" in
  version) echo "\${FAKE_SERVER_PLATFORM:-linux/amd64}"; exit 0 ;;
  build)
    iid=""; prev=""
    for a in "$@"; do [ "$prev" = "--iidfile" ] && iid="$a"; prev="$a"; done
    [ -n "$FAKE_SLEEP" ] && exec sleep "$FAKE_SLEEP"
    [ -n "$FAKE_LOG" ] && cat "$FAKE_LOG" >&\${FAKE_FD:-2}
    if [ "\${FAKE_EXIT:-0}" = 0 ] && [ -n "$iid" ]; then
      printf 'sha256:%s' "\${FAKE_IID:-1f134cff13b97e52d4b3a1a3d5c2b1d1f3e4a5b6c7d8e9f00112233445566778}" > "$iid"
    fi
    exit "\${FAKE_EXIT:-0}" ;;
  run) echo "\${FAKE_CONTAINER:-c0ffee}"; exit "\${FAKE_RUN_EXIT:-0}" ;;
  # a shell check runs on this machine, standing in for the container's (the setup check reads its files)
  exec) [ -z "$FAKE_EXEC_EXIT" ] && [ "$3" = sh ] && { shift 3; exec /bin/sh "$@"; }; exit "\${FAKE_EXEC_EXIT:-0}" ;;
  logs) printf '%s\\n' "\${FAKE_CONTAINER_LOG:-fake container log}"; exit 0 ;;
  rm|rmi) exit 0 ;;
  healthcheck)
    [ "\${FAKE_HEALTH:-none}" = none ] && { echo "Error: container $3 has no defined healthcheck" >&2; exit 125; }
    [ "\${FAKE_HEALTH}" = healthy ] && exit 0
    echo unhealthy; exit 1 ;;
  port) echo "127.0.0.1:\${FAKE_PORT:-1}"; exit 0 ;;
  image|inspect|images)
    case "$*" in *State.Running*) echo "\${FAKE_RUNNING:-true} 0"; exit 0 ;; *State.Health*) echo "\${FAKE_HEALTH:-none}"; exit 0 ;; esac
    case "$*" in *ExposedPorts*) printf '%s\\n' "\${FAKE_IMAGE_CONFIG:-null null}"; exit 0 ;; esac
    if [ -n "$FAKE_INSPECT" ]; then printf '%s\\n' "$FAKE_INSPECT"; else echo 74800000; fi
    exit 0 ;;
  push)
    df=""; prev=""
    for a in "$@"; do [ "$prev" = "--digestfile" ] && df="$a"; prev="$a"; done
    [ -n "$FAKE_PUSH_LOG" ] && cat "$FAKE_PUSH_LOG"
    [ -n "$df" ] && [ -n "$FAKE_DIGEST" ] && printf '%s' "$FAKE_DIGEST" > "$df"
    exit "\${FAKE_PUSH_EXIT:-\${FAKE_EXIT:-0}}" ;;
esac
echo "fake builder: unexpected $*" >&2
exit 64
`;

/** Writes an executable `name` (default `docker`) into a fresh temp dir; returns its path and dir. */
export async function makeFakeBuilder(name = 'docker'): Promise<{ bin: string; dir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fake-builder-'));
  const bin = path.join(dir, name);
  await writeFile(bin, SCRIPT);
  await chmod(bin, 0o755);
  return { bin, dir };
}

/**
 * A dir holding only the few tools the fake itself uses (cat, sleep), to put on a PATH that must not
 * contain a real docker, podman or buildah.
 */
export async function makeToolsDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fake-tools-'));
  for (const tool of ['cat', 'sleep']) {
    const target = ['/bin', '/usr/bin'].map((d) => path.join(d, tool)).find((f) => existsSync(f));
    if (target) await symlink(target, path.join(dir, tool));
  }
  return dir;
}
