#!/usr/bin/env bash
# Installs the Debian packages Quarry needs (only those missing) and builds it in Release.
# Sourced by quickstart.sh and test.sh; can also be run alone.  Usage: scripts/setup.sh
set -euo pipefail

QUARRY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${QUARRY_BUILD_DIR:-$QUARRY_ROOT/build}"

PACKAGES=(build-essential cmake pkg-config libxapian-dev libboost1.81-dev libboost-program-options1.81-dev
          rapidjson-dev liblz4-dev libhiredis-dev libxxhash-dev zlib1g-dev redis-server libgtest-dev
          libbenchmark-dev python3 python3-yaml curl)

install_missing_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then return; fi
  echo "==> installing: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  # The package starts a system-wide Redis; Quarry runs its own, so leave the system one alone
  # but do not let it hold port 6379 for nothing where we can stop it.
  if command -v systemctl >/dev/null 2>&1; then $sudo systemctl disable --now redis-server >/dev/null 2>&1 || true; fi
}

build_quarry() {
  echo "==> building Quarry (Release) in $BUILD_DIR"
  cmake -S "$QUARRY_ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD_DIR" -j"$(nproc)"
}

install_missing_packages
build_quarry
