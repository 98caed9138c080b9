#!/usr/bin/env bash
# What the tests need on top of scripts/setup.sh (the main job's set-up: docker.io, dockerd,
# debian:bookworm-slim, node packages, dist/). Debian, as root; .ci/run runs it after setup.sh.
#
#   the shell linter (shellcheck)      the unit and e2e tests lint every generated shell script
#   podman buildah runc                test/e2e/podman.test.ts builds with each (runc, not crun: see below)
#   docker-registry apache2-utils curl the password-protected local registry (scripts/ci/registry.sh)
#   chromium                           test/e2e/novnc.test.ts looks at the desktop through a real browser
#   containers.conf                    podman's limits within this machine's hard limits, runc as runtime
#   debian:bookworm (+ debian:12)      the non-slim base, next to setup.sh's debian:bookworm-slim
#   the base images in podman's store  nothing can be pulled (scripts/ci/podman-base-images.sh)
#
# Idempotent: installs only what is missing, writes the config only when absent, makes only missing images.
set -Eeuo pipefail
cd "$(dirname "$0")/../.."

# podman and buildah build and run here as root with runc; crun (which podman would prefer) fails on
# this machine's cgroups ("cgroups in hybrid mode"), so it is never installed (--no-install-recommends)
PACKAGES=(shellcheck podman buildah runc docker-registry apache2-utils curl chromium)
CONTAINERS_CONF=/etc/containers/containers.conf.d/50-create-image.conf
APT_LOG=${TMPDIR:-/tmp}/create-image-test-tools-install.log

log() { printf 'test-tools: %s\n' "$*"; }
die() { printf 'test-tools: error: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (apt-get install)"

installed() { dpkg-query -W -f='${Status}' "$1" 2> /dev/null | grep -q 'install ok installed'; }

missing=()
for pkg in "${PACKAGES[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  log "packages already installed: ${PACKAGES[*]}"
else
  export DEBIAN_FRONTEND=noninteractive
  log "apt-get update"
  apt-get update -qq < /dev/null || die "apt-get update failed"
  log "apt-get install ${missing[*]}"
  apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" < /dev/null > "$APT_LOG" 2>&1 \
    || { tail -n 40 "$APT_LOG" >&2; die "apt-get install failed (log: $APT_LOG)"; }
  for pkg in "${missing[@]}"; do
    installed "$pkg" || die "$pkg is still not installed after apt-get install"
  done
  log "installed ${missing[*]}"
fi

# podman's defaults raise rlimits above this sandbox's hard limits ("error setting rlimit type 7"):
# its containers get limits within them, and runc is the runtime
if [[ ! -f $CONTAINERS_CONF ]]; then
  mkdir -p "$(dirname "$CONTAINERS_CONF")"
  printf '%s\n' \
    '# create-image tests: limits within the hard limits of the machine (ulimit -Hn / -Hu), runc as the runtime' \
    '[containers]' \
    'default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]' \
    '' \
    '[engine]' \
    'runtime = "runc"' > "$CONTAINERS_CONF"
  log "wrote $CONTAINERS_CONF"
fi

# debian:bookworm beside setup.sh's debian:bookworm-slim (from the same cached rootfs when there is one)
bash scripts/ci/make-base-images.sh
# then both in the store podman and buildah share
bash scripts/ci/podman-base-images.sh
