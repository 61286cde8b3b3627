#!/usr/bin/env bash
# lockref explore's search options end to end: bounds with a truncation report, threads,
# whole-state sets, symmetry, counterexample files, and bad option values.
# Usage: explore.sh LOCKREF SRC_DIR
set -uo pipefail
L=$1; SRC=$2
source "$(dirname "$0")/lib.bash"

run "max-states truncates"      0 "TRUNCATED: --max-states 500 reached"  "$L" explore engine --max-states 500
run "max-states count"          0 "reachable states: +500 "              "$L" explore engine --max-states 500
run "max-memory truncates"      0 "TRUNCATED: --max-memory 1048576 bytes reached" "$L" explore engine --capacity 3 --symmetry off --max-memory 1M
run "max-memory suffixes"       0 "all invariants hold$"                 "$L" explore epoch --max-memory 64MiB
run "report: memory per state"  0 "bytes per state \(64-bit fingerprints; collision probability" "$L" explore epoch
run "whole states"              0 "no collision possible"                "$L" explore engine --capacity 1 --states full
run "threads 1"                 0 "reachable states: +1986 "             "$L" explore engine --capacity 1 --threads 1 --symmetry off
run "threads 2"                 0 "1 thread\)|2 threads\)"              "$L" explore engine --capacity 1 --threads 2
# The same counts for any thread count and either state set.
a=$("$L" explore engine --capacity 2 --threads 1 | grep -E "reachable|events tried|state changes|depth")
b=$("$L" explore engine --capacity 2 --threads 2 --states full | grep -E "reachable|events tried|state changes|depth")
[ "$a" = "$b" ] && ok "threads 1 = threads 2 with whole states" || bad "threads/states differ: $a / $b"
# Symmetry: the engine's key tags are interchangeable (tests/test_explore.cpp checks the orbits).
run "engine symmetry (default)" 0 "symmetry-reduced: the 3 key tags \(METD values\) interchangeable" "$L" explore engine
full=$("$L" explore engine --symmetry off | sed -n 's/^ *reachable states: *\([0-9]*\).*/\1/p')
red=$("$L" explore engine | sed -n 's/^ *reachable states: *\([0-9]*\).*/\1/p')
[ -n "$full" ] && [ -n "$red" ] && [ "$red" -lt "$full" ] && ok "engine symmetry reduces $full to $red" || bad "engine symmetry: $full -> $red"
# Symmetry: Users 2..4 of an Opal profile are interchangeable.
run "symmetry on (default)"     0 "symmetry-reduced: Users 2..4 interchangeable" "$L" explore opal --users 4 --scope locking
full=$("$L" explore opal --users 4 --scope locking --symmetry off | sed -n 's/^ *reachable states: *\([0-9]*\).*/\1/p')
red=$("$L" explore opal --users 4 --scope locking | sed -n 's/^ *reachable states: *\([0-9]*\).*/\1/p')
[ -n "$full" ] && [ -n "$red" ] && [ "$red" -lt "$full" ] && ok "symmetry reduces $full to $red" || bad "symmetry: $full -> $red"
# Counter abstraction: an Opal profile with Try Limits above 2 merges Tries 1..TryLimit-1
# (tests/test_explore.cpp checks the classes against the full search).
prof='{"sid":{"try_limit":5,"settable":true,"persistent":true},"psid":{"try_limit":3,"settable":true,"persistent":false}}'
run "abstraction on (default)"  0 "counter-abstracted: C_PIN Tries 1\.\.4 kept as TryLimit-1" "$L" explore opal --profile "$prof"
run "nothing to merge at Try Limit 1" 0 "counter-abstracted: no Try Limit above 2" "$L" explore opal --scope locking
full=$("$L" explore opal --profile "$prof" --abstraction off | sed -n 's/^ *reachable states: *\([0-9]*\).*/\1/p')
red=$("$L" explore opal --profile "$prof" | sed -n 's/^ *reachable states: *\([0-9]*\).*/\1/p')
[ -n "$full" ] && [ -n "$red" ] && [ "$red" -lt "$full" ] && ok "abstraction reduces $full to $red" || bad "abstraction: $full -> $red"
"$L" explore opal --profile "$prof" --abstraction off | grep -q "counter-abstracted" && bad "--abstraction off still abstracts" || ok "--abstraction off counts every value"
# No violation: no counterexample file is written.
run "no counterexample to write" 0 "all invariants hold"                 "$L" explore epoch --counterexample "$T/cex.jsonl"
[ ! -e "$T/cex.jsonl" ] && ok "no file without a violation" || bad "counterexample file written without a violation"
# Bad values are usage errors.
run "bad --threads"             2 "--threads: expected an integer in 1\.\.256"                    "$L" explore epoch --threads 0
run "bad --max-memory"          2 "expected a size such as 4G"           "$L" explore epoch --max-memory lots
run "bad --states"              2 "expected fingerprints or full"        "$L" explore epoch --states some
run "bad --symmetry"            2 "expected on or off"                   "$L" explore epoch --symmetry maybe
run "bad --abstraction"         2 "expected on or off"                   "$L" explore opal --abstraction maybe
run "bad --max-states"          2 "--max-states: expected an integer in 0\.\."      "$L" explore epoch --max-states -1
# --symmetry's help names every machine that declares a symmetry (issue 12: it named Opal only).
run "--symmetry help names opal and engine" 0 "--symmetry.*opal, whose Users are interchangeable; engine, whose key tags are" \
  bash -c "'$L' explore engine --help | tr -s ' \n' ' '"
finish
