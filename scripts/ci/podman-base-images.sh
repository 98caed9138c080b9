#!/usr/bin/env bash
# Put the locally made base images (make-base-images.sh) into the containers-storage podman and buildah
# share: nothing can be pulled here. `docker save | podman load` names them localhost/debian:...; podman
# resolves short names to docker.io first, so they are tagged docker.io/library/debian:... too.
# Idempotent: an image already there with the same id is left alone.
#
# Environment: CREATE_IMAGE_DOCKER (docker client, default "docker").
set -Eeuo pipefail

DOCKER=${CREATE_IMAGE_DOCKER:-docker}
IMAGES=(debian:trixie debian:trixie-slim debian:13 debian:13-slim debian:bookworm debian:bookworm-slim debian:12 debian:12-slim)

log() { printf 'podman-base-images: %s\n' "$*"; }
die() { printf 'podman-base-images: error: %s\n' "$*" >&2; exit 1; }

command -v podman > /dev/null || die "podman not installed (run scripts/ci/setup-engine.sh first)"

for ref in "${IMAGES[@]}"; do
  id=$("$DOCKER" image inspect --format '{{.Id}}' "$ref" 2> /dev/null) || die "$ref is missing in docker (run scripts/ci/make-base-images.sh first)"
  have=$(podman image inspect --format '{{.Id}}' "docker.io/library/$ref" 2> /dev/null || true)
  if [[ "sha256:$have" == "$id" ]]; then
    log "docker.io/library/$ref already loaded"
    continue
  fi
  "$DOCKER" save "$ref" | podman load -q > /dev/null
  podman tag "localhost/$ref" "docker.io/library/$ref"
  log "loaded $ref (${id:7:12})"
done
