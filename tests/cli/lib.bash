# Shared helpers for tests/cli/*.sh (sourced, not a test itself: ctest globs *.sh only).
#   run NAME EXPECTED_EXIT REGEX CMD...   exit status and output (stdout+stderr) must match
#   ok NAME / bad NAME                    record a result by hand
#   finish                                print the count and exit non-zero on any failure
# Sets T to a scratch directory removed on exit.
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fails=0; failed_names=()
ok()   { echo "ok   - $1"; }
bad()  { echo "FAIL - $1"; fails=$((fails+1)); failed_names+=("$1"); }
run() {
  local name=$1 want=$2 re=$3; shift 3
  local out; out=$("$@" 2>&1); local got=$?
  if [ "$got" != "$want" ]; then bad "$name: exit $got, wanted $want"; echo "$out" | head -20; return; fi
  if ! grep -Eq -- "$re" <<<"$out"; then bad "$name: output does not match /$re/"; echo "$out" | head -20; return; fi
  ok "$name"
}
# The failures are repeated last: a CI log that keeps only its head and tail still names them.
finish() {
  echo "$fails failed"
  local n; for n in "${failed_names[@]}"; do echo "FAILED: $n"; done
  [ "$fails" = 0 ]
}
