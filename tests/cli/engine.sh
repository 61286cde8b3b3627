#!/usr/bin/env bash
# The lockref program end to end on the encryption-engine SFR interface (OCP L.O.C.K. 0.9
# §4.7.1): explore with the Figure 34 diagram, register-level corpora and checks, eval ops
# and bad input. Usage: engine.sh LOCKREF SRC_DIR
set -uo pipefail
L=$1; SRC=$2
source "$(dirname "$0")/lib.bash"

run "help lists engine machines"     0 "engine-regs +register-level"      "$L" help
run "explore engine"                 0 "all invariants hold"              "$L" explore engine --dot "$T/e.dot"
run "explore bounds the cache"       0 "key cache bounded to 2"           "$L" explore engine
run "explore lenient capacity 3"     0 "key cache bounded to 3"           "$L" explore engine --engine lenient --capacity 3
# Figure 34's boxes and edges appear in the diagram.
for want in 'RDY=0\nERR=0\nCMD=0\nDONE=0\nEXE=0\n(initializing)' \
            'RDY=1\nERR=0\nCMD=[code]\nDONE=0\nEXE=1' \
            'RDY=1\nERR=[code]\nCMD=[code]\nDONE=1\nEXE=0' \
            'RDY=0\nERR=0\nCMD=[code]\nDONE=0\nEXE=0\n(fatal)' \
            'Encryption engine writes RDY=1' 'KMB writes CMD=[code]' 'KMB writes EXE=1' \
            'Encryption engine writes ERR=[code], DONE=1, EXE=0' 'KMB writes DONE=1' \
            'Encryption engine writes ERR=0, CMD=0, DONE=0, EXE=0' 'Fatal error'; do
  grep -qF -- "$want" "$T/e.dot" && ok "dot has: $want" || bad "dot lacks: $want"
done
run "explore rejects a reserved error code" 2 "Table 10 allows 4h..Fh" "$L" explore engine --profile '{"err_full":2}'
run "explore rejects unknown profile" 2 "expected strict or lenient" "$L" explore engine --engine lax

run "corpus engine-regs"             0 ""                                 "$L" corpus engine-regs --seed 7 --count 400 --out "$T/r.jsonl"
[ "$(wc -l < "$T/r.jsonl")" -ge 401 ] && ok "corpus has header + 400 lines" || bad "corpus line count"
"$L" corpus engine-regs --seed 7 --count 400 > "$T/r2.jsonl"
cmp -s "$T/r.jsonl" "$T/r2.jsonl" && ok "corpus reproducible from its seed" || bad "corpus not reproducible"
grep -q '"op":"write","value":"0x00000002"' "$T/r.jsonl" && grep -q '"reg":"MEK","op":"write"' "$T/r.jsonl" \
  && ok "corpus has MEK writes and DONE acknowledgements" || bad "corpus lacks writes"
run "check own corpus"               0 "register accesses conform"        "$L" check "$T/r.jsonl"
run "check lenient corpus"           0 "conform to the engine model \(lenient"  bash -c "'$L' corpus engine-regs --engine lenient --seed 3 --count 300 > '$T/l.jsonl' && '$L' check '$T/l.jsonl'"
run "corpus with two-step CTRL writes" 0 "register accesses conform"  bash -c "'$L' corpus engine-regs --kmb-ctrl two-step --seed 2 --count 300 > '$T/two.jsonl' && '$L' check '$T/two.jsonl'"
grep -q '"op":"write","value":"0x00000004"' "$T/two.jsonl" && ok "two-step corpus writes CMD alone" || bad "two-step corpus lacks a CMD-only write"
run "corpus: bad --kmb-ctrl"         2 "expected together or two-step"    "$L" corpus engine-regs --kmb-ctrl three
run "explore engine-system bounded"  0 "stopped at --max-states"          "$L" explore engine-system --max-states 2000
run "explore kmb-driver"             0 "all invariants hold"              "$L" explore kmb-driver
run "bundled example"                1 'violates EE-T9-DONE-ACK'          "$L" check "$SRC/tools/examples/engine-regs-ack-keeps-cmd.jsonl"
run "bundled example quotes Table 9" 1 'set the CMD bit to 0000b'         "$L" check "$SRC/tools/examples/engine-regs-ack-keeps-cmd.jsonl"
run "bundled example line"           1 'jsonl:11: DEVIATION'              "$L" check "$SRC/tools/examples/engine-regs-ack-keeps-cmd.jsonl"
printf '{"reg":"CTRL","op":"read","value":"0x80000000"}\n{"reg":"CTRL","op":"write","value":"0x00000009"}\n{"reg":"CTRL","op":"read","value":"0x8006000a"}\n' > "$T/unload.jsonl"
run "--machine without header (strict)" 0 "3 register accesses conform"   "$L" check "$T/unload.jsonl" --machine engine-regs
run "--engine lenient: code differs" 1 'violates EE-T10-PROFILE'          "$L" check "$T/unload.jsonl" --machine engine-regs --engine lenient
printf '{"machine":"engine-regs","profile":{"base":"strict","err_absent":9}}\n{"reg":"CTRL","op":"read","value":"0x80000000"}\n{"reg":"CTRL","op":"write","value":"0x00000009"}\n{"reg":"CTRL","op":"read","value":"0x8009000a"}\n' > "$T/custom.jsonl"
run "header profile with base"       0 "3 register accesses conform"      "$L" check "$T/custom.jsonl"
printf '{"reg":"CTRL","op":"read","value":"0x80000000"}\n{"reg":"CTRL","op":"peek"}\n' > "$T/bad.jsonl"
run "check: bad op"                  2 'line 2: op: unknown value "peek"' "$L" check "$T/bad.jsonl" --machine engine-regs
printf '{"reg":"CTRL","op":"read","value":"0x1_0000_0000"}\n' > "$T/wide.jsonl"
run "check: 33-bit CTRL value"       2 'more than 8 hex digits'           "$L" check "$T/wide.jsonl" --machine engine-regs
printf '{"reg":"STATUS","op":"read","value":"0"}\n' > "$T/reg.jsonl"
run "check: unknown register"        2 'unknown value "STATUS"'           "$L" check "$T/reg.jsonl" --machine engine-regs
printf '{"machine":"engine-regs","profile":{"capacity":0}}\n{"reg":"CTRL","op":"read","value":"0x0"}\n' > "$T/cap.jsonl"
run "check: bad header profile"      2 'capacity: must be at least 1'     "$L" check "$T/cap.jsonl"
printf 'garbage\n' > "$T/garbage.jsonl"
run "check: not JSON"                2 'garbage.jsonl: line 1: not valid JSON \(byte 1\)' "$L" check "$T/garbage.jsonl" --machine engine-regs

run "eval ctrl_decode" 0 '^\{"ok":true,"rdy":true,"err":4,"cmd":1,"done":true,"exe":false,"reserved_bits":"0x00000000","err_class":"vendor_specific","command":"load_mek","kmb_result_code":"0x44430004"\}$' \
  bash -c "echo '{\"op\":\"engine.ctrl_decode\",\"value\":\"0x80040006\"}' | '$L' eval"
run "eval ctrl_encode" 0 '"value":"0x8000000e"' bash -c "echo '{\"op\":\"engine.ctrl_encode\",\"rdy\":true,\"cmd\":3,\"done\":true}' | '$L' eval"
run "eval engine.step" 0 '"ctrl_value":"0x80000000"' bash -c "echo '{\"op\":\"engine.step\",\"event\":{\"type\":\"tick\"}}' | '$L' eval"
run "eval kmb-driver.step next op" 0 '"op":\{"reg":"CTRL","op":"read"\}' bash -c "echo '{\"op\":\"kmb-driver.step\",\"event\":{\"type\":\"issue\",\"request\":{\"command\":\"zeroize\",\"cmd_timeout\":5}}}' | '$L' eval"
run "eval engine.step lenient by name" 0 '"countdown":3' bash -c "echo '{\"op\":\"engine.step\",\"profile\":\"lenient\",\"state\":{\"phase\":\"ready\",\"ctrl\":{\"rdy\":true}},\"event\":{\"type\":\"write_ctrl\",\"value\":13}}' | '$L' eval"
run "eval engine.step bad state" 1 'violates invariant:engine.rdy_iff_operational' bash -c "echo '{\"op\":\"engine.step\",\"state\":{\"phase\":\"ready\"},\"event\":{\"type\":\"tick\"}}' | '$L' eval"
run "eval engine.step bad event" 1 '"ok":false.*unknown \\"warp' bash -c "echo '{\"op\":\"engine.step\",\"event\":{\"type\":\"warp\"}}' | '$L' eval"
run "invariants"                     0 ' 0 problem\(s\)'                  "$L" invariants --quiet
run "vectors"                        0 'all agree'                        "$L" vectors
finish
