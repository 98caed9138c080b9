#!/usr/bin/env bash
# Make the Debian base images locally, without pulling from any registry.
#
#   debian:SUITE      (= debian:N)       debootstrap --variant=minbase + the official image's
#                                        minimizing config (apt/dpkg snippets, policy-rc.d)
#   debian:SUITE-slim (= debian:N-slim)  the same, slimmed the way the official "slim"
#                                        variant is (dpkg path-excludes + files removed)
#
# SUITE is trixie (Debian 13, the recipes' default base) or bookworm (Debian 12, still selectable).
# The pristine debootstrap rootfs is cached as a tarball at
#   ${CREATE_IMAGE_CACHE:-$HOME/.cache/create-image}/debian-SUITE-minbase.tar
# and reused when present and readable. The cache is an optimisation only: a missing or
# corrupt tarball is rebuilt with debootstrap.
#
# Usage: make-base-images.sh [--suite trixie|bookworm] [--slim-only] [--rebuild] [--no-cache]
#   --suite     the Debian release (default trixie)
#   --slim-only only debian:SUITE-slim (for trixie the recipes' default base, all that scripts/setup.sh
#               needs); without it both images (the tests' set-up, scripts/ci/test-tools.sh)
#   --rebuild   rebuild the images even if they already exist
#   --no-cache  ignore (and refresh) the rootfs tarball cache; implies --rebuild
#
# Environment: CREATE_IMAGE_DOCKER (docker client, default "docker"), DEBIAN_MIRROR
# (default http://deb.debian.org/debian), CREATE_IMAGE_CACHE, TMPDIR.
set -Eeuo pipefail

SUITE=trixie
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
CACHE_DIR=${CREATE_IMAGE_CACHE:-${HOME:-/root}/.cache/create-image}
DOCKER=${CREATE_IMAGE_DOCKER:-docker}
IMAGE_PATH_ENV='PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

rebuild=0
use_cache=1
slim_only=0
while [[ $# -gt 0 ]]; do
  arg=$1
  shift
  case "$arg" in
    --suite) SUITE=${1:-}; shift || true ;;
    --suite=*) SUITE=${arg#--suite=} ;;
    --slim-only) slim_only=1 ;;
    --rebuild) rebuild=1 ;;
    --no-cache) rebuild=1; use_cache=0 ;;
    -h|--help) sed -n '2,/^set -E/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) echo "make-base-images: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { printf 'make-base-images: %s\n' "$*"; }
die() { printf 'make-base-images: error: %s\n' "$*" >&2; exit 1; }

case "$SUITE" in
  trixie) VERSION=13 ;;
  bookworm) VERSION=12 ;;
  *) echo "make-base-images: --suite: '$SUITE' is not offered (trixie or bookworm)" >&2; exit 2 ;;
esac
CACHE_TAR=$CACHE_DIR/debian-$SUITE-minbase.tar

image_exists() { "$DOCKER" image inspect "$1" > /dev/null 2>&1; }
image_id() { "$DOCKER" image inspect --format '{{.Id}}' "$1" 2> /dev/null || true; }

# the images asked for: [variant]=ref
declare -A WANT=([slim]="debian:$SUITE-slim")
[[ $slim_only -eq 1 ]] || WANT[full]="debian:$SUITE"

report_sizes() {
  local ref bytes
  for ref in "debian:$SUITE" "debian:$SUITE-slim"; do
    image_exists "$ref" || continue
    bytes=$("$DOCKER" image inspect --format '{{.Size}}' "$ref")
    log "$ref: $(( bytes / 1000000 )) MB ($bytes bytes), $(image_id "$ref")"
  done
}

# debian:12 and debian:12-slim name the same images as debian:bookworm(-slim)
ensure_version_tags() {
  if image_exists "debian:$SUITE"; then "$DOCKER" tag "debian:$SUITE" "debian:$VERSION"; fi
  if image_exists "debian:$SUITE-slim"; then "$DOCKER" tag "debian:$SUITE-slim" "debian:$VERSION-slim"; fi
}

"$DOCKER" info > /dev/null 2>&1 \
  || die "'$DOCKER info' failed: no container engine reachable (run scripts/ci/setup-engine.sh first)"

# the variants to make now: those asked for that are missing (all of them with --rebuild)
declare -A MAKE=()
for variant in "${!WANT[@]}"; do
  if [[ $rebuild -eq 1 ]] || ! image_exists "${WANT[$variant]}"; then MAKE[$variant]=${WANT[$variant]}; fi
done

if [[ ${#MAKE[@]} -eq 0 ]]; then
  log "${WANT[*]} already there; nothing to build (use --rebuild to force)"
  ensure_version_tags
  report_sizes
  exit 0
fi

[[ $(id -u) -eq 0 ]] || die "must run as root (debootstrap and rootfs extraction need it)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/make-base-images.XXXXXX")
ROOTFS=$WORK/rootfs

cleanup() {
  local mnt
  # an interrupted debootstrap can leave /proc, /sys, ... mounted inside the target
  if [[ -d $WORK ]]; then
    while read -r mnt; do
      umount -l "$mnt" 2> /dev/null || true
    done < <(awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r)
    rm -rf --one-file-system "$WORK"
  fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------
# 1. a pristine minbase rootfs: from the cache tarball, or from debootstrap (then cached)
# ---------------------------------------------------------------------------------------------
TAR_OPTS=(--numeric-owner --xattrs --xattrs-include='*')

restore_from_cache() {
  [[ $use_cache -eq 1 && -s $CACHE_TAR ]] || return 1
  log "extracting cached rootfs $CACHE_TAR"
  mkdir -p "$ROOTFS"
  if tar "${TAR_OPTS[@]}" -xpf "$CACHE_TAR" -C "$ROOTFS" \
    && [[ -f $ROOTFS/etc/debian_version && -x $ROOTFS/bin/bash && -f $ROOTFS/var/lib/dpkg/status ]]; then
    return 0
  fi
  log "cached rootfs is unusable; discarding it and running debootstrap"
  rm -f "$CACHE_TAR"
  rm -rf --one-file-system "$ROOTFS"
  return 1
}

save_to_cache() {
  local tmp
  if ! mkdir -p "$CACHE_DIR" 2> /dev/null; then
    log "warning: cannot create $CACHE_DIR; rootfs not cached"
    return 0
  fi
  tmp=$(mktemp "$CACHE_DIR/.debian-$SUITE-minbase.tar.XXXXXX") || { log "warning: cannot write to $CACHE_DIR; rootfs not cached"; return 0; }
  if tar "${TAR_OPTS[@]}" -cf "$tmp" -C "$ROOTFS" --exclude='./proc/*' --exclude='./sys/*' . && mv -f "$tmp" "$CACHE_TAR"; then
    log "cached rootfs at $CACHE_TAR ($(du -h "$CACHE_TAR" | cut -f1))"
  else
    rm -f "$tmp"
    log "warning: could not write $CACHE_TAR; rootfs not cached"
  fi
}

if ! restore_from_cache; then
  DEBOOTSTRAP=$(command -v debootstrap || echo /usr/sbin/debootstrap)
  [[ -x $DEBOOTSTRAP ]] || die "debootstrap not installed (run scripts/ci/setup-engine.sh first)"
  log "running debootstrap --variant=minbase $SUITE from $MIRROR (takes a minute or more)"
  start=$SECONDS
  if ! "$DEBOOTSTRAP" --variant=minbase "$SUITE" "$ROOTFS" "$MIRROR" > "$WORK/debootstrap.log" 2>&1; then
    tail -n 30 "$WORK/debootstrap.log" >&2
    [[ -f $ROOTFS/debootstrap/debootstrap.log ]] && tail -n 30 "$ROOTFS/debootstrap/debootstrap.log" >&2
    die "debootstrap failed"
  fi
  log "debootstrap finished in $(( SECONDS - start ))s"
  save_to_cache
fi

# ---------------------------------------------------------------------------------------------
# 2. what the official debian:bookworm image has on top of a plain debootstrap
# ---------------------------------------------------------------------------------------------
write_file() { # write_file PATH MODE < content
  mkdir -p "$(dirname "$1")"
  cat > "$1"
  chmod "$2" "$1"
}

configure_common() {
  local r=$1

  # deb822 sources with updates + security, as in the official image
  rm -f "$r/etc/apt/sources.list"
  write_file "$r/etc/apt/sources.list.d/debian.sources" 0644 <<EOF
Types: deb
URIs: http://deb.debian.org/debian
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF

  # services must not try to start during "docker build"
  write_file "$r/usr/sbin/policy-rc.d" 0755 <<'EOF'
#!/bin/sh
# Package installs in a container build must not start services.
exit 101
EOF

  write_file "$r/etc/dpkg/dpkg.cfg.d/docker-apt-speedup" 0644 <<'EOF'
# Container builds do not survive a power loss anyway; skip dpkg's fsync()s.
force-unsafe-io
EOF

  write_file "$r/etc/apt/apt.conf.d/docker-autoremove-suggests" 0644 <<'EOF'
# "apt-get purge --auto-remove" should also remove packages that are only kept
# because something else Suggests them.
Apt::AutoRemove::SuggestsImportant "false";
EOF

  write_file "$r/etc/apt/apt.conf.d/docker-clean" 0644 <<'EOF'
# Each "docker build" step is a layer: apt caches left behind only bloat it.
# This is effectively an "apt-get clean" after every install and update.
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };

Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF

  write_file "$r/etc/apt/apt.conf.d/docker-gzip-indexes" 0644 <<'EOF'
# Keep the package lists compressed on disk: "apt-get update" layers stay small.
Acquire::GzipIndexes "true";
EOF

  write_file "$r/etc/apt/apt.conf.d/docker-no-languages" 0644 <<'EOF'
# Do not download Translation files.
Acquire::Languages "none";
EOF

  # no apt lists or caches in the image (users run "apt-get update" first, as with the official image)
  find "$r/var/lib/apt/lists" "$r/var/cache/apt" -type f -delete
  # host- and time-specific leftovers of debootstrap
  rm -f "$r/var/log/dpkg.log" "$r/var/log/bootstrap.log" "$r/var/log/alternatives.log" \
    "$r/var/log/apt/history.log" "$r/var/log/apt/term.log" \
    "$r/var/cache/ldconfig/aux-cache" "$r/run/mount/utab" \
    "$r/etc/apt/apt.conf.d/01autoremove-kernels"
  rmdir "$r/run/mount" 2> /dev/null || true
  rm -rf "$r/debootstrap"
  # the engine bind-mounts these at run time; do not bake the build host's values in
  : > "$r/etc/resolv.conf"
  : > "$r/etc/hostname"
}

# ---------------------------------------------------------------------------------------------
# 3. the "slim" variant: dpkg excludes (kept for future installs) and the files removed now
# ---------------------------------------------------------------------------------------------
SLIM_EXCLUDES=(
  '/usr/share/doc/*'
  '/usr/share/groff/*'
  '/usr/share/info/*'
  '/usr/share/linda/*'
  '/usr/share/lintian/overrides/*'
  '/usr/share/locale/*'
  '/usr/share/man/*'
)
SLIM_INCLUDES=(
  '/usr/share/doc/*/copyright'
  '/usr/share/doc/kde/HTML/C/*'
  '/usr/share/gnome/help/*/C/*'
  '/usr/share/locale/all_languages'
  '/usr/share/locale/currency/*'
  '/usr/share/locale/l10n/*'
  '/usr/share/locale/languages'
  '/usr/share/locale/locale.alias'
  '/usr/share/omf/*/*-C.emf'
)

slimify() {
  local r=$1 pattern dir removed
  local keep=()
  for pattern in "${SLIM_INCLUDES[@]}"; do
    [[ ${#keep[@]} -eq 0 ]] || keep+=(-o)
    keep+=(-path "$pattern")
  done

  {
    echo '# This is the "slim" variant of the Debian base image.'
    echo '# Files that are rarely needed in containers are excluded at install time,'
    echo '# and this configuration keeps them that way.'
    echo
    for pattern in "${SLIM_EXCLUDES[@]}"; do echo "path-exclude $pattern"; done
    echo
    for pattern in "${SLIM_INCLUDES[@]}"; do echo "path-include $pattern"; done
  } | write_file "$r/etc/dpkg/dpkg.cfg.d/docker" 0644

  # remove what those excludes would have kept out; run find inside the rootfs so that
  # absolute symlinks resolve against it, not against the build host
  for pattern in "${SLIM_EXCLUDES[@]}"; do
    dir=${pattern%/\*}
    [[ -d $r$dir ]] || continue
    # files (not directories or symlinks) that no include pattern keeps
    chroot "$r" find "$dir" -depth -mindepth 1 -not \( "${keep[@]}" \) -not \( -type d -o -type l \) -delete
    # then dangling symlinks and empty directories, until none is left
    while :; do
      removed=$(chroot "$r" find "$dir" -depth -mindepth 1 \( -empty -o -xtype l \) -exec rm -rf '{}' ';' -printf '.' | wc -c)
      [[ $removed -gt 0 ]] || break
    done
  done
}

# ---------------------------------------------------------------------------------------------
# 4. import
# ---------------------------------------------------------------------------------------------
import_rootfs() { # import_rootfs DIR REF
  # /dev, /proc and /sys are provided by the engine; ship them empty like the official image
  tar "${TAR_OPTS[@]}" -C "$1" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -cf - . \
    | "$DOCKER" import \
      --change 'CMD ["bash"]' \
      --change "ENV $IMAGE_PATH_ENV" \
      --message "create-image CI: debootstrap --variant=minbase $SUITE" \
      - "$2" > /dev/null
}

# images a --rebuild replaces; removed at the end if nothing refers to them any more
old_ids=()
for ref in "${MAKE[@]}"; do
  id=$(image_id "$ref")
  [[ -z $id ]] || old_ids+=("$id")
done

log "configuring rootfs like the official debian:$SUITE image"
configure_common "$ROOTFS"
if [[ -n ${MAKE[full]:-} ]]; then
  log "importing debian:$SUITE"
  import_rootfs "$ROOTFS" "debian:$SUITE"
fi

if [[ -n ${MAKE[slim]:-} ]]; then
  log "slimming rootfs like the official debian:$SUITE-slim image"
  slimify "$ROOTFS"
  log "importing debian:$SUITE-slim"
  import_rootfs "$ROOTFS" "debian:$SUITE-slim"
fi

ensure_version_tags
for id in "${old_ids[@]}"; do
  # fails (harmlessly) while a container or another tag still uses the old image
  if [[ $id != "$(image_id "debian:$SUITE")" && $id != "$(image_id "debian:$SUITE-slim")" ]]; then
    if "$DOCKER" image rm "$id" > /dev/null 2>&1; then log "removed replaced image $id"; fi
  fi
done
report_sizes
