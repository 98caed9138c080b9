#!/usr/bin/env bash
# Debian's apt-cacher-ng as a shared apt cache for test builds: the packages one e2e build downloads
# are served from disk to every later build (and to the next run on the same machine).
#
# Usage: apt-cache.sh start|url|status
#   start   configure and start apt-cacher-ng on 127.0.0.1 and the docker bridge's address (so build
#           containers reach it), port $APT_CACHE_PORT; returns once it answers (idempotent)
#   url     print the proxy URL build containers use (http://BRIDGE-IP:PORT), e.g. for
#             docker build --build-arg http_proxy="$(scripts/ci/apt-cache.sh url)" ...
#   status  exit 0 when it answers
#
# Builds get it as the predefined `http_proxy` build arg, which leaves no trace in the image's config
# or history. apt fetches over http and goes through it; https (the npm registry) never does.
#
# Environment: APT_CACHE_PORT (default 3142), APT_CACHE_BRIDGE (default docker0), DEBIAN_MIRROR (the
# upstream it fetches Debian's archive from, default http://deb.debian.org/debian: the package's default
# backend, ftp.debian.org, is not reachable from every machine).
set -Eeuo pipefail

PORT=${APT_CACHE_PORT:-3142}
BRIDGE=${APT_CACHE_BRIDGE:-docker0}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
CONF=/etc/apt-cacher-ng/zzz_create-image.conf
WAIT_SECONDS=30

log() { printf 'apt-cache: %s\n' "$*" >&2; }
die() { printf 'apt-cache: error: %s\n' "$*" >&2; exit 1; }

[[ $PORT =~ ^[0-9]+$ ]] || die "APT_CACHE_PORT must be a number, got '$PORT'"

bridge_ip() { ip -4 -o addr show dev "$BRIDGE" 2> /dev/null | awk '{ split($4, a, "/"); print a[1]; exit }'; }

# apt-cacher-ng's own report page answers on every address it listens on
answers() { curl -fs --max-time 5 -o /dev/null "http://$1:$PORT/acng-report.html"; }

case ${1:-} in
  start)
    command -v apt-cacher-ng > /dev/null || [[ -x /usr/sbin/apt-cacher-ng ]] || die "apt-cacher-ng is not installed (scripts/ci/test-tools.sh installs it)"
    ip=$(bridge_ip)
    [[ -n $ip ]] || die "no IPv4 address on $BRIDGE: start the engine first (scripts/ci/setup-engine.sh)"
    # loopback and the bridge only: never on an outside interface
    want=$(printf '%s\n' '# create-image tests: the cache listens on loopback and the docker bridge only' \
      "Port: $PORT" \
      "BindAddress: 127.0.0.1 $ip" \
      "Remap-debrep: file:deb_mirror*.gz /debian ; ${MIRROR%/}/")
    if [[ -f $CONF ]] && [[ $(< "$CONF") == "$want" ]] && answers 127.0.0.1 && answers "$ip"; then
      log "already answering on 127.0.0.1:$PORT and $ip:$PORT"
      exit 0
    fi
    printf '%s\n' "$want" > "$CONF"
    # its logs must belong to its user (a first run as root, e.g. by the package's set-up, leaves them root's)
    chown -R apt-cacher-ng: /var/log/apt-cacher-ng /var/cache/apt-cacher-ng
    # (re)started with this configuration (no systemd here: the init script)
    /etc/init.d/apt-cacher-ng stop > /dev/null 2>&1 || true
    /etc/init.d/apt-cacher-ng start > /dev/null || die "apt-cacher-ng did not start (/var/log/apt-cacher-ng)"
    for ((i = 0; i < WAIT_SECONDS * 4; i++)); do
      if answers 127.0.0.1 && answers "$ip"; then
        log "answering on 127.0.0.1:$PORT and $ip:$PORT"
        exit 0
      fi
      sleep 0.25
    done
    die "apt-cacher-ng does not answer on $ip:$PORT after ${WAIT_SECONDS}s"
    ;;
  url)
    ip=$(bridge_ip)
    [[ -n $ip ]] || die "no IPv4 address on $BRIDGE"
    printf 'http://%s:%s\n' "$ip" "$PORT"
    ;;
  status)
    ip=$(bridge_ip)
    [[ -n $ip ]] && answers "$ip"
    ;;
  *) die "usage: apt-cache.sh start|url|status" ;;
esac
