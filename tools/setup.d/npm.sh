#!/usr/bin/env bash
# Installs the npm packages of lockref's HPKE interop test (tests/interop/package.json,
# versions pinned by tests/interop/package-lock.json) with `npm ci`. Idempotent: nothing is
# downloaded when node_modules already matches the lock file. Node.js comes from Debian
# (nodejs, npm) when it is missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$root/tests/interop"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "setup.d/npm: installing nodejs and npm (Debian)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
stamp="$dir/node_modules/.lockref-lock-sha256"
want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "setup.d/npm: interop packages present"
  exit 0
fi
echo "setup.d/npm: npm ci in tests/interop"
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
echo "$want" > "$stamp"
