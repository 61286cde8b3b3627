#!/usr/bin/env bash
# The lockref program end to end on the epoch-key machine: explore, corpus, check, eval,
# invariants, vectors, and its handling of bad input. Usage: epoch.sh LOCKREF SRC_DIR
set -uo pipefail
L=$1; SRC=$2
source "$(dirname "$0")/lib.bash"

run "help lists machines"            0 "epoch +OCP L.O.C.K. 0.9 HEK/SEK"   "$L" help
run "unknown command"                2 'unknown command "frobnicate"'      "$L" frobnicate
run "explore 16 slots"               0 "reachable states: 72"              "$L" explore epoch --slots 16 --dot "$T/e16.dot"
grep -q "HEK15 programmed" "$T/e16.dot" && grep -q "ENABLE\|enable_perma_hek" "$T/e16.dot" && ok "dot has Figure 19 states" || bad "dot content"
run "explore 4 slots"                0 "reachable states: 24"              "$L" explore epoch --slots 4
run "explore rejects 3 slots"        2 '--slots: expected an integer in 4..16, got "3"' "$L" explore epoch --slots 3
run "explore rejects junk"           2 '--slots: expected an integer in 4..16, got "four"' "$L" explore epoch --slots four
run "explore unknown machine"        2 'unknown machine "nope"'            "$L" explore nope
run "corpus"                         0 "wrote 300 steps"                   "$L" corpus epoch --seed 7 --count 300 --slots 5 --out "$T/c.jsonl"
[ "$(wc -l < "$T/c.jsonl")" = 301 ] && ok "corpus has header + 300 lines" || bad "corpus line count"
"$L" corpus epoch --seed 7 --count 300 --slots 5 > "$T/c2.jsonl" 2>/dev/null
cmp -s "$T/c.jsonl" "$T/c2.jsonl" && ok "corpus reproducible from its seed" || bad "corpus not reproducible"
"$L" corpus epoch --seed 8 --count 300 --slots 5 > "$T/c3.jsonl" 2>/dev/null
cmp -s "$T/c.jsonl" "$T/c3.jsonl" && bad "different seeds gave the same corpus" || ok "seed changes the corpus"
grep -q '"status":"LOCK_HEK_INVALID_SLOT"' "$T/c.jsonl" && grep -q '"status":"ok"' "$T/c.jsonl" && ok "corpus mixes valid and invalid events" || bad "corpus lacks invalid or valid events"
run "check own corpus"               0 "300 steps conform"                 "$L" check "$T/c.jsonl"
# A device that accepts what the model refuses: flip the first refused step to ok.
python3 - "$T/c.jsonl" "$T/flip.jsonl" <<'PY'
import json,sys
lines=open(sys.argv[1]).read().splitlines(); out=[]; done=False
for l in lines:
    j=json.loads(l)
    if not done and j.get("expect",{}).get("status","ok")!="ok":
        j["expect"]={"status":"ok"}; j.pop("state",None); done=True
    out.append(json.dumps(j))
open(sys.argv[2],"w").write("\n".join(out)+"\n")
PY
run "check finds flipped status"     1 "DIVERGENCE at step .*|violates LOCK-" "$L" check "$T/flip.jsonl"
run "bundled example"                1 'violates LOCK-4.6.4.2-2'           "$L" check "$SRC/tools/examples/epoch-violation.jsonl"
[ "$("$L" check "$SRC/tools/examples/epoch-violation.jsonl" | sed -n 2p)" = '  status: device "ok", model "LOCK_EPOCH_SEQUENCE"' ] \
  && ok "divergence names the field on the line after the verdict" || bad "divergence: second line is not the field"
run "--verbose shows the state before" 1 'state before the step: .*"sek":"SEK_PROGRAMMED"' "$L" check --verbose "$SRC/tools/examples/epoch-violation.jsonl"
run "bundled example quotes rule"    1 'only be zeroized once the SEK is zeroized' "$L" check "$SRC/tools/examples/epoch-violation.jsonl"
run "check from stdin"               1 'DIVERGENCE at step 6'              bash -c "'$L' check - < '$SRC/tools/examples/epoch-violation.jsonl'"
printf '{"machine":"epoch","step":1,"event":{"type":"program_sek"}}\nnot json\n' > "$T/badjson.jsonl"
run "check: not JSON"                2 'line 2: not valid JSON'            "$L" check "$T/badjson.jsonl"
printf '{"machine":"epoch","step":1,"event":{"type":"reboot"}}\n' > "$T/badevent.jsonl"
run "check: unknown event"           2 'line 1: event.*unknown "reboot"'   "$L" check "$T/badevent.jsonl"
printf '{"machine":"epoch","step":1,"event":{"type":"cold_reset"}}\n{"machine":"epoch","step":3,"event":{"type":"cold_reset"}}\n' > "$T/gap.jsonl"
run "check: missing step"            2 'step 3 where step 2 was expected'  "$L" check "$T/gap.jsonl"
printf '{"machine":"epoch","step":1,"event":{"type":"cold_reset"},"state":{"hek_stat":"x"}}\n' > "$T/field.jsonl"
run "check: unknown state field"     2 'unknown field "hek_stat"'          "$L" check "$T/field.jsonl"
printf '{"machine":"epoch","profile":{"slots":2}}\n{"machine":"epoch","step":1,"event":{"type":"cold_reset"}}\n' > "$T/prof.jsonl"
run "check: bad profile"             2 'profile: slots: 2'                 "$L" check "$T/prof.jsonl"
run "check: missing file"            2 'cannot read'                       "$L" check "$T/none.jsonl"
printf '' > "$T/empty.jsonl"
run "check: empty"                   2 'empty.jsonl: empty input: no lines' "$L" check "$T/empty.jsonl"
run "eval hek_metadata" 0 '^\{"ok":true,"seed_state":"HEK_SEED_AVAIL_PROGRAMMED","active_slot":1,"total_slots":4,"hek_state":"HEK_AVAIL_PROGRAMMED","hek_erasures_remaining":3\}$' \
  bash -c "echo '{\"op\":\"lock.hek_metadata\",\"lifecycle\":\"production\",\"slots\":[\"zeroized\",\"randomized\",\"blank\",\"blank\"],\"perma_hek\":false}' | '$L' eval"
run "eval bad JSON line"             1 '"ok":false,"error":"request is not valid JSON \(byte 2\)"' bash -c "echo '{oops' | '$L' eval"
run "eval epoch.step refuses rule 2" 0 '"status":"LOCK_EPOCH_SEQUENCE","rule":"LOCK-4.6.4.2-2"' \
  "$L" eval '{"op":"epoch.step","state":{"lifecycle":"production","slots":["randomized","blank","blank","blank"],"sek":"SEK_PROGRAMMED"},"event":{"type":"zeroize_current_hek"}}'
run "eval epoch.step from initial"   0 '"status":"ok".*"lifecycle":"manufacturing"' "$L" eval '{"op":"epoch.step","event":{"type":"advance_lifecycle","to":"manufacturing"}}'
run "eval epoch.step unreachable"    1 '"ok":false,"error":"state: slots\[1\] is randomized' \
  "$L" eval '{"op":"epoch.step","state":{"lifecycle":"production","slots":["blank","randomized","blank","blank"]},"event":{"type":"cold_reset"}}'
run "eval epoch.step slot count"     1 '"ok":false,"error":"state: slots: 5 slots, profile has 4"' \
  "$L" eval '{"op":"epoch.step","state":{"slots":["blank","blank","blank","blank","blank"]},"event":{"type":"cold_reset"}}'
run "eval --list"                    0 'lock.hek_metadata'                 "$L" eval --list
run "invariants"                     0 ' 0 problem\(s\)'                   "$L" invariants --quiet
run "vectors"                        0 'all agree'                         "$L" vectors
finish
