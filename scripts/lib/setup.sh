# Shared by scripts/demo, scripts/test and bench/run: install what is missing
# (Debian packages only), configure and build. Sourced, not executed.

SETLS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Everything the project needs on a fresh Debian 12 machine, and why, is in
# docs/dependencies.md.
SETLS_PACKAGES=(
  build-essential cmake pkg-config ca-certificates
  openssl libssl-dev jq
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev nlohmann-json3-dev
  clang libclang-rt-14-dev
  xz-utils iproute2 procps psmisc valgrind
  gnutls-bin nginx-light mosquitto mosquitto-clients curl libmosquitto-dev
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]}" >&2
    echo "run as root, or: sudo apt-get install ${missing[*]}" >&2
    return 1
  fi
  log "installing ${missing[*]}"
  # Packaged servers (nginx, mosquitto) must not start system-wide instances:
  # the tests start their own on loopback. policy-rc.d 101 = "do not start".
  local policy=/usr/sbin/policy-rc.d had_policy=0
  [ -e "$policy" ] && had_policy=1
  if [ $had_policy -eq 0 ]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy"; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  local rc=$?
  [ $had_policy -eq 0 ] && rm -f "$policy"
  return $rc
}

# configure DIR [cmake options...]
configure() {
  local dir=$1
  shift
  cmake -S "$SETLS_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE="${SETLS_BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
}

# build DIR [cmake options...]: configure, then build every target.
build() {
  configure "$@" && cmake --build "$1" -j "$(nproc)"
}
