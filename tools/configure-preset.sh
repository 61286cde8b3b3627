#!/usr/bin/env bash
# Configure one CMake preset (tools/run-example.sh, tools/test.sh). The presets build with
# Ninja; a build/<preset> directory that an older checkout configured with another generator
# is configured afresh (CMake refuses to switch generators in place), its objects rebuilt.
# Usage: tools/configure-preset.sh PRESET [-DVAR=VALUE...]
set -euo pipefail
cd "$(dirname "$0")/.."
preset=$1
cache="build/$preset/CMakeCache.txt"
if [ -f "$cache" ] && ! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' "$cache"; then
  echo "configure: build/$preset was configured with another generator; configuring it afresh"
  rm -rf "build/$preset"
fi
cmake --preset "$preset" "${@:2}" >/dev/null
