#!/usr/bin/env bash
# Command two of the README: set up, build and run every test via ctest, in the
# default preset and again under ASan+UBSan (the asan preset).
#   LOCKREF_DEEP=1 tools/test.sh     property tests with many more cases
#   LOCKREF_PRESETS="default" tools/test.sh   only some presets
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)
presets=${LOCKREF_PRESETS:-"default asan"}
for preset in $presets; do
  echo "=== preset $preset: configure and build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "=== preset $preset: ctest"
  ctest --preset "$preset" -j "$jobs"
done
