#!/usr/bin/env bash
# `lockref difftest` against the sample adapters (tools/adapters/): each planted bug is found
# and shrunk to the minimal sequence derived by hand from the specification (below), the
# shrunk transcript replays to the same divergence with `lockref check`, the clean adapters
# pass, and a hung, crashing or non-conforming adapter is reported as such.
# Usage: difftest.sh LOCKREF SRC_DIR
set -uo pipefail
L=$1; SRC=$2
source "$(dirname "$0")/lib.bash"
A="$SRC/tools/adapters"
cd "$T"

# The event types of a shrunk counterexample, as printed ("  1. {...}" lines), one per line.
types() { sed -n 's/^  [0-9]*\. \(.*\)$/\1/p' "$1" | python3 -c 'import json,sys; [print(json.loads(l)["type"]) for l in sys.stdin]'; }

# ---- engine CTRL: ERR not cleared on the DONE acknowledgement ----------------------------
# Table 9 DONE: writing DONE=1 "shall cause the encryption engine to ... set the ERR field to
# 0000b"; Figure 34 does it after the ack ("resets for next command"). With the strict
# profile (init_ticks 1, latency 1, ack_latency 1) the shortest sequence that shows a stale
# ERR is five events: tick (RDY), write_ctrl with EXE=1 and a command that fails on an empty
# key cache, tick (DONE, ERR set), write_ctrl DONE=1, tick (the ack completes; ERR must be 0).
run "engine: clean adapter passes"  0 "PASS: 150 sequences"  "$L" difftest engine --sequences 150 --dut "python3 $A/engine_ctrl.py"
"$L" difftest engine --dut "python3 $A/engine_ctrl.py --bug err-not-cleared" --seed 3 --out "$T/e.jsonl" > "$T/e.out" 2>&1
[ $? = 1 ] && ok "engine: planted bug found (exit 1)" || { bad "engine: planted bug not found"; cat "$T/e.out"; }
[ "$(types "$T/e.out" | tr '\n' ' ')" = "tick write_ctrl tick write_ctrl tick " ] \
  && ok "engine: shrunk to tick, write_ctrl, tick, write_ctrl, tick" || { bad "engine: shrunk sequence"; cat "$T/e.out"; }
python3 - "$T/e.jsonl" <<'PY' && ok "engine: the writes are EXE=1 then DONE=1" || bad "engine: writes"
import json, sys
steps = [json.loads(l) for l in open(sys.argv[1]) if '"step"' in l]
v2, v4 = steps[1]["event"]["value"], steps[3]["event"]["value"]
sys.exit(0 if v2 & 1 and not v2 & 2 and v4 & 2 and steps[2]["expect"]["status"] == "ok" and steps[4]["state"]["ctrl"]["err"] != 0 else 1)
PY
grep -q "state.ctrl.err: device [1-9][0-9]*, model 0" "$T/e.out" && ok "engine: names the field" || bad "engine: field"
run "engine: transcript replays the divergence" 1 "e.jsonl:6: DIVERGENCE at step 5" "$L" check "$T/e.jsonl"

# ---- Opal: Tries not reset on a successful authentication --------------------------------
# Seagate CC guide, Try Limits: the counter of unsuccessful attempts is reset on success. With
# a try limit of 5 (SE4SA530) two events show it: a refused authentication of an authority
# (Tries 1), then a successful one as the same authority (Tries must be 0). (The generic
# profile's try limit of 1 locks the authority out after one failure: there the bug is
# invisible.)
run "opal: clean adapter passes" 0 "PASS: 100 sequences" "$L" difftest opal --firmware SE4SA530 --sequences 100 --dut "python3 $A/opal_tries.py"
"$L" difftest opal --firmware SE4SA530 --dut "python3 $A/opal_tries.py --bug tries-not-reset" --out "$T/o.jsonl" > "$T/o.out" 2>&1
[ $? = 1 ] && ok "opal: planted bug found (exit 1)" || { bad "opal: planted bug not found"; cat "$T/o.out"; }
python3 - "$T/o.jsonl" <<'PY' && ok "opal: shrunk to a failed then a successful authentication of one authority" || { bad "opal: shrunk sequence"; cat "$T/o.out"; }
import json, sys
steps = [json.loads(l) for l in open(sys.argv[1]) if '"step"' in l]
def who(e): return e.get("authority") if e["type"] == "authenticate" else (e.get("as") or {}).get("authority")
ok = len(steps) == 2 and steps[0]["event"]["type"] == "authenticate" and steps[0]["expect"]["status"] != "ok" \
     and steps[1]["expect"]["status"] == "ok" and who(steps[0]["event"]) == who(steps[1]["event"])
sys.exit(0 if ok else 1)
PY
run "opal: transcript replays the divergence" 1 "o.jsonl:3: DIVERGENCE at step 2" "$L" check "$T/o.jsonl"

# ---- KMB: an enabled MPK accepted after a cold reset --------------------------------------
# §4.6.1.5: the VEK is generated on first use and lost on cold reset. The shortest sequence:
# REPORT_HEK_METADATA (the HEK, §4.6.4.1) and ENABLE_MPK (generates the VEK, Figure 45) before
# the cold reset; REPORT_HEK_METADATA and INITIALIZE_MEK_SECRET after it (MIX_MPK needs the
# HEK and the MPK secret, §4.7.2.15); then MIX_MPK with the enabled MPK from before: six events.
# The scenario (with padding) is the --start sequence; a random search rarely reaches it.
python3 "$SRC/tests/cli/difftest_scenarios.py" "$L" kmb "$T/kmb-start.jsonl" || bad "kmb: scenario"
run "kmb: clean adapter passes the scenario and a short search" 0 "PASS: 11 sequences" \
  "$L" difftest kmb --start "$T/kmb-start.jsonl" --sequences 10 --max-length 8 --dut "python3 $A/kmb_mailbox.py"
"$L" difftest kmb --start "$T/kmb-start.jsonl" --dut "python3 $A/kmb_mailbox.py --bug vek-kept" --out "$T/k.jsonl" > "$T/k.out" 2>&1
[ $? = 1 ] && ok "kmb: planted bug found (exit 1)" || { bad "kmb: planted bug not found"; cat "$T/k.out"; }
python3 - "$T/k.jsonl" <<'PY' && ok "kmb: shrunk to RHM, ENABLE_MPK, cold_reset, RHM, INITIALIZE_MEK_SECRET, MIX_MPK" || { bad "kmb: shrunk sequence"; cat "$T/k.out"; }
import json, sys
steps = [json.loads(l) for l in open(sys.argv[1]) if '"step"' in l]
names = [s["expect"].get("command") or s["event"]["type"] for s in steps]
sys.exit(0 if names == ["REPORT_HEK_METADATA", "ENABLE_MPK", "cold_reset", "REPORT_HEK_METADATA", "INITIALIZE_MEK_SECRET", "MIX_MPK"]
         and steps[-1]["expect"]["status"] == "ok" else 1)
PY
run "kmb: transcript replays the divergence" 1 "k.jsonl:7: DIVERGENCE at step 6" "$L" check "$T/k.jsonl"

# ---- Key Per I/O: a used nonce accepted twice ---------------------------------------------
# §3.4.7: each nonce from Get Nonce is used once. The shortest sequence: Activate (the KPIO SP),
# a plaintext KEK import into row 1 (the wrapping key), KEK 2's AllowedKeyEncryptionKeys set to
# allow KEK 1 (Table 68), Get Nonce, an AES-GCM KEK import into row 2 under the nonce, and the
# same import again: six events.
python3 "$SRC/tests/cli/difftest_scenarios.py" "$L" kpio "$T/kpio-start.jsonl" || bad "kpio: scenario"
run "kpio: clean adapter passes" 0 "PASS: 61 sequences" \
  "$L" difftest kpio --scope keks --start "$T/kpio-start.jsonl" --sequences 60 --dut "python3 $A/kpio_sp.py"
"$L" difftest kpio --scope keks --start "$T/kpio-start.jsonl" --dut "python3 $A/kpio_sp.py --bug nonce-reused" --out "$T/p.jsonl" > "$T/p.out" 2>&1
[ $? = 1 ] && ok "kpio: planted bug found (exit 1)" || { bad "kpio: planted bug not found"; cat "$T/p.out"; }
[ "$(types "$T/p.out" | tr '\n' ' ')" = "activate import_kek set get_nonce import_kek import_kek " ] \
  && ok "kpio: shrunk to activate, import_kek, set, get_nonce, import_kek, import_kek" || { bad "kpio: shrunk sequence"; cat "$T/p.out"; }
run "kpio: transcript replays the divergence" 1 "p.jsonl:7: DIVERGENCE at step 6" "$L" check "$T/p.jsonl"

# ---- adapters that hang, crash or do not speak the protocol --------------------------------
cat > "$T/bad.py" <<'PY'
import json, sys, time
mode = sys.argv[1]
for line in sys.stdin:
    r = json.loads(line)
    if r["op"] == "hello":
        if mode == "silent":
            time.sleep(60)
        print(json.dumps({"ok": True, "version": 2 if mode == "version" else 1}), flush=True)
    elif r["op"] == "reset":
        print('{"ok":true}', flush=True)
    elif mode == "hang":
        time.sleep(60)
    elif mode == "crash":
        sys.exit(3)
    elif mode == "junk":
        print("not json", flush=True)
    elif mode == "type":
        print(json.dumps({"output": {"status": 7}}), flush=True)
PY
# (Not shrunk: every shrink candidate would wait for its timeout.)
run "hung adapter: reported and killed" 1 "ADAPTER HUNG at step 1: it no answer within 3000 ms" \
  timeout 100 "$L" difftest epoch --step-timeout 3000 --sequences 3 --no-shrink --dut "python3 $T/bad.py hang"
# The hello has its own, longer allowance (--start-timeout, default 60 s: a simulator may
# take long to start; a python3 adapter on a loaded machine took more than the 3 s step
# timeout above to answer it): an adapter silent at the hello stops the run, exit 2.
run "adapter silent at the hello: --start-timeout" 2 "hello: the adapter did not answer: no answer within 1000 ms" \
  timeout 100 "$L" difftest epoch --start-timeout 1000 --dut "python3 $T/bad.py silent"
run "crashing adapter: exit status reported" 1 "ADAPTER CRASHED at step 1: it exited with status 3" \
  timeout 60 "$L" difftest epoch --sequences 3 --dut "python3 $T/bad.py crash"
run "adapter answering junk"    2 "does not speak the protocol: step 1: the answer is not JSON" "$L" difftest epoch --dut "python3 $T/bad.py junk"
run "adapter of another version" 2 "protocol version 2; lockref speaks version 1" "$L" difftest epoch --dut "python3 $T/bad.py version"
run "adapter answering a wrong type" 2 "not a value of the model's types: .*status" "$L" difftest epoch --dut "python3 $T/bad.py type"
run "adapter that does not start" 2 "hello: the adapter exited with status 127" "$L" difftest epoch --dut "/nonexistent/adapter"
run "no --dut"                  2 "--dut COMMAND is required" "$L" difftest epoch
run "unknown machine"           2 'unknown machine "nope"' "$L" difftest nope --dut true
run "difftest --help"           0 "--step-timeout" "$L" difftest engine --help
finish
