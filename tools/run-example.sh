#!/usr/bin/env bash
# Command one of the README: set up, build, and run the main job on bundled example input:
# `lockref difftest` drives a sample adapter (tools/adapters/engine_ctrl.py, an encryption
# engine whose ERR field is not cleared by the DONE acknowledgement) with generated event
# sequences, finds the mismatch, shrinks it to the shortest failing sequence, prints it
# with the requirement it violates, and saves it as a transcript; `lockref check` then
# replays that transcript to the same divergence.
# Exit status: 0 when difftest found and shrank the planted bug (its own exit status is 1,
# "a finding"), otherwise difftest's status (0: the bug was not found; 2: unusable input).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/configure-preset.sh default
cmake --build --preset default -j "$(nproc 2>/dev/null || echo 2)" --target lockref
L=build/default/tools/lockref
out=${TMPDIR:-/tmp}/lockref-example-engine.jsonl
echo
echo "\$ lockref difftest engine --dut 'python3 tools/adapters/engine_ctrl.py --bug err-not-cleared' --seed 3 --out $out"
set +e
"$L" difftest engine --dut 'python3 tools/adapters/engine_ctrl.py --bug err-not-cleared' --seed 3 --out "$out"
status=$?
set -e
echo
case $status in
  1) echo "(exit 1: a finding — the adapter's planted bug, shrunk to the sequence above)";;
  0) echo "(exit 0: every sequence agreed: the planted bug was not found)"; exit 1;;
  *) echo "(exit $status: unusable input)"; exit "$status";;
esac
echo
echo "\$ lockref check $out"
set +e
"$L" check "$out"
echo "(exit $?: the saved transcript replays to the same divergence)"
