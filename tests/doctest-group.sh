#!/usr/bin/env bash
# One ctest test for every doctest case of one source file (LOCKREF_CTEST_BY_FILE=ON, which
# tools/test.sh uses in the asan preset: one instrumented process per file, not per case).
# Usage: doctest-group.sh BINARY SOURCE_FILE_PATTERN [doctest options...]
# Fails when the binary fails, and also when no test case matched the pattern (doctest
# itself exits 0 then), so a renamed or moved file cannot pass by running nothing.
set -uo pipefail
bin=$1; pattern=$2; shift 2
log=$(mktemp); trap 'rm -f "$log"' EXIT
"$bin" --source-file="$pattern" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] || exit "$rc"
if ! grep -qE '^\[doctest\] test cases: *[1-9][0-9]* \| *[1-9][0-9]* passed \| *0 failed' "$log"; then
  echo "doctest-group.sh: no test case of $pattern ran in $bin"
  exit 1
fi
