#!/usr/bin/env bash
# What the tests need on top of scripts/setup.sh (the main job's set-up: docker.io, dockerd,
# debian:trixie-slim, node packages, dist/). Debian, as root; .ci/run runs it after setup.sh.
#
#   the shell linter (shellcheck)      the unit and e2e tests lint every generated shell script
#   podman buildah runc                test/e2e/podman.test.ts builds with each (runc, not crun: see below)
#   docker-registry apache2-utils curl the password-protected local registry (scripts/ci/registry.sh)
#   chromium                           test/e2e/novnc.test.ts looks at the desktop through a real browser
#   apt-cacher-ng                      the apt cache e2e builds share (scripts/ci/apt-cache.sh), started
#   containers.conf                    podman's limits within this machine's hard limits, runc as runtime
#   debian:trixie (+ debian:13)        the non-slim default base, next to setup.sh's debian:trixie-slim
#   debian:bookworm(-slim) (+ 12)      the previous release, still selectable: one build per recipe
#   node:22|24|26-trixie-slim          stand-ins for the official images (scripts/ci/node-images.sh)
#   the base images in podman's store  nothing can be pulled (scripts/ci/podman-base-images.sh)
#
# Idempotent: installs only what is missing, writes the config only when absent, makes only missing images.
set -Eeuo pipefail
cd "$(dirname "$0")/../.."

# podman and buildah build and run here as root with runc; crun (which podman would prefer) fails on
# this machine's cgroups ("cgroups in hybrid mode"), so it is never installed (--no-install-recommends)
PACKAGES=(shellcheck podman buildah runc docker-registry apache2-utils curl chromium apt-cacher-ng)
CONTAINERS_CONF=/etc/containers/containers.conf.d/50-create-image.conf

log() { printf 'test-tools: %s\n' "$*"; }
die() { printf 'test-tools: error: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (apt-get install)"

# shellcheck source=scripts/ci/apt-packages.sh
source scripts/ci/apt-packages.sh
ensure_packages test-tools "${PACKAGES[@]}"

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

# debian:trixie beside setup.sh's debian:trixie-slim (from the same cached rootfs when there is one),
# and bookworm (both variants)
bash scripts/ci/make-base-images.sh --suite trixie
bash scripts/ci/make-base-images.sh --suite bookworm
# the official node images a project's pin picks, made like the real ones (nothing can be pulled)
bash scripts/ci/node-images.sh
# then both in the store podman and buildah share
bash scripts/ci/podman-base-images.sh
# the apt cache test builds share: on loopback and the docker bridge, given to builds as http_proxy
bash scripts/ci/apt-cache.sh start
