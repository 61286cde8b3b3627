#!/usr/bin/env bash
# lockref explore kpio through the real program: the lifecycle and meks scopes (kpio/state.hpp
# Scope) and the options, each state checked against every invariant. The two larger scopes are
# tests/cli/kpio_explore_keys.sh (a ctest test of its own: each stays within the timeout under ASan).
#   bash tests/cli/kpio_explore.sh <lockref-binary> <source-dir> [SCOPE...]
# With scopes given, only those are explored (kpio_explore_keys.sh does so).
L=$1
SRC=$2
shift 2
source "$SRC/tests/cli/lib.bash"
scopes=${*:-lifecycle meks}

# ---- explore: every bounded scope, every state checked against every invariant -------------
for scope in $scopes; do
  out=$("$L" explore kpio --scope "$scope" 2>&1); rc=$?
  [ "$rc" = 0 ] && grep -q "all invariants hold" <<<"$out" && grep -Eq "reachable states: [0-9]+" <<<"$out" \
    && grep -q '"scope":"'"$scope"'"' <<<"$out" && ok "explore kpio --scope $scope: every state, all invariants hold" \
    || { bad "explore kpio --scope $scope (exit $rc)"; echo "$out" | head -20; }
done
[ $# -gt 0 ] && { finish; exit; }
run "the default scope is meks" 0 '"scope":"meks"' "$L" corpus kpio --count 1
run "explore kpio --scope nonsense" 2 "expected all, lifecycle, policies, keks or meks" "$L" explore kpio --scope nonsense
run "explore kpio --kpiosc 1 --scope lifecycle" 0 "all invariants hold" "$L" explore kpio --kpiosc 1 --scope lifecycle
run "explore kpio --try-limit 1 --scope lifecycle" 0 "all invariants hold" "$L" explore kpio --try-limit 1 --scope lifecycle
run "explore kpio --dot" 0 "diagram: +$T/kpio.dot" "$L" explore kpio --scope lifecycle --dot "$T/kpio.dot"
grep -q "digraph" "$T/kpio.dot" && ok "the diagram is Graphviz" || bad "no digraph in $T/kpio.dot"

finish
