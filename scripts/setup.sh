#!/usr/bin/env bash
# Everything a fresh (Debian, root) machine needs to run create-image and its tests:
# the container engine and tools, the locally made base images, and the locked node packages.
set -Eeuo pipefail
cd "$(dirname "$0")/.."
# 1. docker.io, podman, buildah, debootstrap, shellcheck, docker-registry (+ htpasswd); dockerd started
bash scripts/ci/setup-engine.sh
# 2. headless chromium: the novnc tests look at the desktop through a real browser
bash scripts/ci/browser.sh
# 3. debian:bookworm and debian:bookworm-slim made locally (nothing can be pulled here)
bash scripts/ci/make-base-images.sh
# 4. the same base images in the store podman and buildah share
bash scripts/ci/podman-base-images.sh
# 5. node dependencies exactly as locked, then the bundled CLI in dist/
npm ci --no-audit --no-fund
npm run build
