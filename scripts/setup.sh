#!/usr/bin/env bash
# What a fresh (Debian, root) machine needs to run create-image and build an image with it:
#   1. docker.io and debootstrap, dockerd started           (scripts/ci/setup-engine.sh)
#   2. debian:trixie-slim (and debian:13-slim), made         (scripts/ci/make-base-images.sh --slim-only)
#      locally with debootstrap since nothing can be pulled;
#      it is the default base of every built-in debian recipe
#      (bookworm, still selectable, is made by scripts/ci/test-tools.sh for the tests)
#   3. the locked node packages (npm ci), then dist/          (npm run build)
# Step 3 needs only node and runs alongside 1 and 2. The tests need more: .ci/run adds it with
# scripts/ci/test-tools.sh. Idempotent: each step does only what is missing.
set -Eeuo pipefail
cd "$(dirname "$0")/.."

log() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

command -v node > /dev/null || die "node is not installed (Node 20.12+ is needed)"
command -v npm > /dev/null || die "npm is not installed (it comes with node)"

NPM_LOG=$(mktemp "${TMPDIR:-/tmp}/create-image-npm.XXXXXX")
start=$SECONDS
# 3., in the background: its output goes to a log, shown only when it fails
# (setsid: its own process group, so that a failed step can stop npm and its children with it)
setsid bash -c 'npm ci --no-audit --no-fund && npm run build' > "$NPM_LOG" 2>&1 < /dev/null &
npm_pid=$!
trap 'kill -- "-$npm_pid" 2> /dev/null || true' EXIT

bash scripts/ci/setup-engine.sh
bash scripts/ci/make-base-images.sh --suite trixie --slim-only

if ! wait "$npm_pid"; then
  tail -n 30 "$NPM_LOG" >&2
  die "npm ci && npm run build failed (log: $NPM_LOG)"
fi
trap - EXIT
log "$(grep -m1 '^built dist/' "$NPM_LOG" || echo 'built dist/')"
rm -f "$NPM_LOG"
log "done in $(( SECONDS - start ))s"
