#!/usr/bin/env bash
# Sourced by the set-up scripts: install the Debian packages that are missing, in one apt-get run.
#   ensure_packages NAME PACKAGE...   NAME prefixes its lines and names its log
# Messages go through the caller's log and die functions.

installed() { dpkg-query -W -f='${Status}' "$1" 2> /dev/null | grep -q 'install ok installed'; }

ensure_packages() {
  local name=$1 pkg
  shift
  local apt_log=${TMPDIR:-/tmp}/create-image-$name-apt.log
  local missing=()
  for pkg in "$@"; do
    installed "$pkg" || missing+=("$pkg")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "packages already installed: $*"
    return 0
  fi
  export DEBIAN_FRONTEND=noninteractive
  log "apt-get update"
  apt-get update -qq < /dev/null || die "apt-get update failed"
  log "apt-get install ${missing[*]}"
  apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" < /dev/null > "$apt_log" 2>&1 \
    || { tail -n 40 "$apt_log" >&2; die "apt-get install failed (log: $apt_log)"; }
  for pkg in "${missing[@]}"; do
    installed "$pkg" || die "$pkg is still not installed after apt-get install"
  done
  log "installed ${missing[*]}"
}
