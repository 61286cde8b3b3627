#!/usr/bin/env bash
# lockref explore kpio --scope policies|keks through the real program, every state checked
# against every invariant (the smaller scopes: tests/cli/kpio_explore.sh).
#   bash tests/cli/kpio_explore_keys.sh <lockref-binary> <source-dir>
L=$1
SRC=$2
source "$SRC/tests/cli/lib.bash"

for scope in policies keks; do
  out=$("$L" explore kpio --scope "$scope" 2>&1); rc=$?
  [ "$rc" = 0 ] && grep -q "all invariants hold" <<<"$out" && grep -Eq "reachable states: [0-9]+" <<<"$out" \
    && grep -q '"scope":"'"$scope"'"' <<<"$out" && ok "explore kpio --scope $scope: every state, all invariants hold" \
    || { bad "explore kpio --scope $scope (exit $rc)"; echo "$out" | head -20; }
done

finish
