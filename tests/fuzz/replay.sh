#!/usr/bin/env bash
# ctest "fuzz: replay seeds": the libFuzzer targets' sources, built by GCC into
# lockref-fuzz-replay (ASan+UBSan in the asan preset), run over their seed corpora
# (tests/fuzz/seeds.py: the vectors and example transcripts) with truncations and byte flips.
# usage: replay.sh LOCKREF_FUZZ_REPLAY SRC_DIR [LOCKREF]
set -uo pipefail
replay=${1:?replay binary}; src=${2:?source dir}; lockref=${3:-}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
python3 "$src/tests/fuzz/seeds.py" "$src" "$work" $lockref || { echo "FAIL: seeds"; exit 1; }
fail=0
for t in $("$replay" --list); do
  [ -d "$work/$t" ] || { echo "FAIL: no seed corpus for target $t (tests/fuzz/seeds.py)"; fail=1; continue; }
  if ! "$replay" "$t" "$work/$t"; then echo "FAIL: target $t"; fail=1; fi
done
exit $fail
