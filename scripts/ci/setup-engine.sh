#!/usr/bin/env bash
# The container engine create-image builds with (Debian, root): install docker.io and debootstrap
# (which makes the base images, see make-base-images.sh), then make sure a docker daemon answers.
# What only the tests need (podman, buildah, chromium, ...) is scripts/ci/test-tools.sh's.
# Idempotent: installs only what is missing, starts dockerd only if `docker info` fails.
#
# Environment: CREATE_IMAGE_DOCKER (docker client, default "docker"), DOCKER_HOST (respected
# by the client), TMPDIR (dockerd's log goes to ${TMPDIR:-/tmp}/create-image-dockerd.log).
set -Eeuo pipefail

PACKAGES=(docker.io debootstrap)
DOCKER=${CREATE_IMAGE_DOCKER:-docker}
DOCKERD_LOG=${TMPDIR:-/tmp}/create-image-dockerd.log
WAIT_SECONDS=60

log() { printf 'setup-engine: %s\n' "$*"; }
die() { printf 'setup-engine: error: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (apt-get install, dockerd)"

# shellcheck source=scripts/ci/apt-packages.sh
source "$(dirname "$0")/apt-packages.sh"
ensure_packages engine "${PACKAGES[@]}"

command -v "$DOCKER" > /dev/null || die "docker client '$DOCKER' not found on PATH"

if "$DOCKER" info > /dev/null 2>&1; then
  log "docker daemon already answering ($("$DOCKER" version --format '{{.Server.Version}}' 2> /dev/null || echo '?'))"
  exit 0
fi

if [[ -n ${DOCKER_HOST:-} && ${DOCKER_HOST} != unix:///var/run/docker.sock ]]; then
  die "DOCKER_HOST=$DOCKER_HOST does not answer; not starting a local dockerd for a remote engine"
fi

command -v dockerd > /dev/null || die "dockerd not found (package docker.io)"

# without systemd nobody mounts the cgroup v1 hierarchies dockerd needs
if [[ ! -f /sys/fs/cgroup/cgroup.controllers ]] && ! mountpoint -q /sys/fs/cgroup/memory 2> /dev/null \
  && command -v cgroupfs-mount > /dev/null; then
  log "mounting cgroup hierarchies (cgroupfs-mount)"
  cgroupfs-mount || log "warning: cgroupfs-mount failed; trying dockerd anyway"
fi

log "starting dockerd in the background (log: $DOCKERD_LOG)"
# setsid + no stdin: dockerd must outlive this script and not hold the CI job's terminal
setsid nohup dockerd > "$DOCKERD_LOG" 2>&1 < /dev/null &
dockerd_pid=$!

for ((i = 0; i < WAIT_SECONDS; i++)); do
  if "$DOCKER" info > /dev/null 2>&1; then
    log "docker daemon is up after ${i}s (pid $dockerd_pid)"
    exit 0
  fi
  if ! kill -0 "$dockerd_pid" 2> /dev/null; then
    tail -n 30 "$DOCKERD_LOG" >&2 || true
    die "dockerd exited during start-up"
  fi
  sleep 1
done

tail -n 30 "$DOCKERD_LOG" >&2 || true
die "docker daemon did not answer within ${WAIT_SECONDS}s"
