#!/usr/bin/env bash
# Installs what lockref needs on Debian 12 (bookworm) when it is missing. Idempotent:
# a machine that has everything is left alone and nothing is downloaded.
#   tools/setup.sh            build + test dependencies
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git   # Ninja: the presets' generator (CMakePresets.json)
  libcrypto++-dev        # Crypto++: AES, SHA-2, HMAC, GCM, CMAC, ECDH P-384
  librapidcheck-dev      # property tests
  doctest-dev            # unit tests
  libboost-dev           # Boost.Hana (reflection)
  nlohmann-json3-dev     # JSON for vectors, transcripts, eval (no JSON in the brief's list; well kept, header-only)
  libbenchmark-dev       # Google Benchmark
  python3 python3-cryptography   # independent oracle (tests/oracle)
)
extra_file="$(cd "$(dirname "$0")" && pwd)/setup-packages.txt"   # more packages, one per line, added by later issues
if [ -f "$extra_file" ]; then
  while read -r p _; do [ -n "$p" ] && [ "${p#\#}" = "$p" ] && packages+=("$p"); done < "$extra_file"
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
else
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Hooks for later issues (npm packages for interop tests, etc.): tools/setup.d/*.sh
for hook in "$(cd "$(dirname "$0")" && pwd)"/setup.d/*.sh; do
  [ -f "$hook" ] && bash "$hook"
done
exit 0
