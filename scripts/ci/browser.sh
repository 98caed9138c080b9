#!/usr/bin/env bash
# A real browser for the end-to-end tests: Debian's chromium, run headless (test/helpers/browser.ts drives it
# over --remote-debugging-pipe). Idempotent: installs only when it is missing.
set -Eeuo pipefail

log() { printf 'browser: %s\n' "$*"; }
die() { printf 'browser: error: %s\n' "$*" >&2; exit 1; }

if dpkg-query -W -f='${Status}' chromium 2> /dev/null | grep -q 'install ok installed'; then
  log "chromium already installed ($(chromium --version 2> /dev/null || echo '?'))"
  exit 0
fi
[[ $(id -u) -eq 0 ]] || die "must run as root (apt-get install chromium)"
export DEBIAN_FRONTEND=noninteractive
log "apt-get update"
apt-get update -qq < /dev/null || die "apt-get update failed"
log "apt-get install chromium"
apt-get install -y -qq --no-install-recommends chromium < /dev/null > "${TMPDIR:-/tmp}/create-image-browser-install.log" 2>&1 \
  || { tail -n 40 "${TMPDIR:-/tmp}/create-image-browser-install.log" >&2; die "apt-get install chromium failed"; }
log "installed $(chromium --version 2> /dev/null || echo chromium)"
