#!/usr/bin/env bash
# Command one of the README: set up, build, and run the main job on bundled example
# input: check a device transcript of an epoch-key lifecycle (tools/examples/) against
# the model and print the divergence report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc 2>/dev/null || echo 2)" --target lockref
example=tools/examples/epoch-violation.jsonl
echo
echo "\$ lockref check $example"
set +e
build/default/tools/lockref check "$example"
status=$?
set -e
echo
case $status in
  0) echo "(exit 0: the transcript conforms)";;
  1) echo "(exit 1: divergence found — this example transcript contains one rule violation)";;
  *) echo "(exit $status: unusable input)"; exit "$status";;
esac
