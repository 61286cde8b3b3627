#!/usr/bin/env bash
# lockref corpus|check|decode kpio and the kpio eval ops, through the real program
# (explore: tests/cli/kpio_explore.sh, a test of its own so each stays within ctest's timeout
# under ASan).
#   bash tests/cli/kpio.sh <lockref-binary> <source-dir>
L=$1
SRC=$2
source "$SRC/tests/cli/lib.bash"

# ---- corpus -> check round trip, every scope and several seeds --------------------------------
for cs in lifecycle:1 policies:1 keks:1 meks:1 all:1 all:7; do
  scope=${cs%:*} seed=${cs#*:}
  "$L" corpus kpio --scope "$scope" --seed "$seed" --count 300 --out "$T/c-$scope-$seed.jsonl" 2>/dev/null
  run "corpus $scope seed $seed -> check" 0 "300 steps conform to the kpio model" "$L" check "$T/c-$scope-$seed.jsonl"
done
"$L" corpus kpio --scope all --seed 3 --count 50 > "$T/a.jsonl"
"$L" corpus kpio --scope all --seed 3 --count 50 > "$T/b.jsonl"
cmp -s "$T/a.jsonl" "$T/b.jsonl" && ok "the same seed gives the same corpus" || bad "corpus is not reproducible"

# ---- a planted divergence names the requirement ---------------------------------------------
# A device that reports its Key Per I/O SP still Manufactured-Inactive after a successful Activate.
python3 - "$T/c-meks-1.jsonl" "$T/planted.jsonl" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
for i, l in enumerate(lines):
    j = json.loads(l)
    if j.get("event", {}).get("type") == "activate" and j["expect"]["status"] == "ok":
        j["state"] = {"kpio_life_cycle": "Manufactured-Inactive"}
        lines[i] = json.dumps(j)
        break
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
PY
run "planted divergence: exit 1" 1 "DIVERGENCE at step [0-9]+" "$L" check "$T/planted.jsonl"
run "planted divergence: the field" 1 'state\.kpio_life_cycle: device "Manufactured-Inactive", model "Manufactured"' "$L" check "$T/planted.jsonl"
run "planted divergence: the requirement is named" 1 'violates KPIO-3\.2\.3-1 .*§3\.2\.3' "$L" check "$T/planted.jsonl"

# ---- a capture whose steps are the seed's raw ComPacket bytes --------------------------------
python3 "$SRC/tools/examples/make-kpio-capture.py" "$SRC" "$T/capture.jsonl"
cmp -s "$T/capture.jsonl" "$SRC/tools/examples/kpio-capture.jsonl" && ok "tools/examples/kpio-capture.jsonl is what make-kpio-capture.py writes" \
  || bad "tools/examples/kpio-capture.jsonl drifted from make-kpio-capture.py"
run "check the seed's own bytes (responses compared byte for byte)" 0 "22 steps conform to the kpio model" "$L" check "$T/capture.jsonl"
# The same capture with the TPer answering Activate NOT_AUTHORIZED (a wrong status list byte).
python3 - "$T/capture.jsonl" "$T/capture-bad.jsonl" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
j = json.loads(lines[10])          # step 10: KeyPerIOSP.Activate -> Table 19
r = j["expect"]["response"]
at = r.rfind("f9f000")             # End of Data, Start List, status 00
j["expect"]["response"] = r[:at] + "f9f001" + r[at + 6:]
del j["expect"]["status"]
lines[10] = json.dumps(j)
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
PY
run "a capture whose Activate answer differs" 1 "DIVERGENCE at step 10" "$L" check "$T/capture-bad.jsonl"
run "... names Activate's requirement" 1 "violates KPIO-3\.2\.3-1" "$L" check "$T/capture-bad.jsonl"
# A device that refuses the plaintext KEK of Table 40 into an empty row (§3.2.11 (c)).
python3 - "$T/capture.jsonl" "$T/capture-refuses.jsonl" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
j = json.loads(lines[18])          # step 18: KMIP Import of Table 40
j["expect"] = {"status": "PermissionDenied"}
lines[18] = json.dumps(j)
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
PY
run "a capture whose TPer refuses a plaintext KEK into an empty row" 1 'violates KPIO-3\.2\.11-1' "$L" check "$T/capture-refuses.jsonl"
run "... quoting the seed" 1 '"A plaintext KEK can be injected into the Storage Device if any of the following are true:"' \
  "$L" check "$T/capture-refuses.jsonl"
run "decode reads the capture as method calls" 0 "KeyPerIOSP\.Activate\[\]" "$L" decode --file "$T/capture.jsonl"
run "decode: KMIP Import" 0 'KMIP Import KEK "c51a6ce0-e11c-4320-80c2-f1f270d2368e" into KeyEncryptionKey1, plaintext' \
  "$L" decode --file "$T/capture.jsonl"
run "decode: Security Protocol 0x02 with the step's NSID" 0 "Clear All MEKs, NSID 1" "$L" decode --file "$T/capture.jsonl"
printf '%s\n' '{"protocol":1,"direction":"recv","hex":"'"$(python3 -c "import json;print([v for v in json.load(open('$SRC/vectors/tcg-seed002.json'))['vectors'] if v['id']=='kpio-table6-encode'][0]['expect']['hex'])")"'"}' > "$T/rec.jsonl"
run "decode: a capture record" 0 "<- SMUID.SyncSession\[1, 4097\]" "$L" decode --file "$T/rec.jsonl"
printf '%s\n' '{"protocol":1,"direction":"send","hex":"zz"}' > "$T/badrec.jsonl"
run "decode: bad hex in a capture record" 1 "line 1: hex: invalid character 'z' at offset 0" "$L" decode --file "$T/badrec.jsonl"

# ---- a transcript whose steps are TCG method calls (JSON), UIDs by name --------------------
cat > "$T/calls.jsonl" <<'EOF2'
{"machine":"kpio"}
{"machine":"kpio","step":1,"event":{"type":"call","tsn":0,"hsn":0,"item":{"call":{"invoking":"SMUID","method":"StartSession","args":[1,{"uid":"AdminSP"},1]}}},"expect":{"status":"ok","methods":["StartSession"]},"state":{"session_open":true}}
{"machine":"kpio","step":2,"event":{"type":"call","tsn":4097,"hsn":1,"item":{"call":{"invoking":"C_PIN_MSID","method":"Get","args":[[{"name":3,"value":3},{"name":4,"value":3}]]}}},"expect":{"status":"ok","results":[[{"name":3,"value":{"bytes":"4d5349445f70617373776f7264"}}]]}}
{"machine":"kpio","step":3,"event":{"type":"call","tsn":4097,"hsn":1,"item":{"call":{"invoking":"C_PIN_SID","method":"Get","args":[[{"name":3,"value":3},{"name":4,"value":3}]]}}},"expect":{"status":"NOT_AUTHORIZED"}}
{"machine":"kpio","step":4,"event":{"type":"call","tsn":4097,"hsn":1,"item":"end_of_session"},"expect":{"status":"ok","response":"fa"},"state":{"session_open":false}}
EOF2
run "check a transcript of method calls" 0 "4 steps conform to the kpio model" "$L" check "$T/calls.jsonl"
sed 's/"value":{"bytes":"4d5349445f70617373776f7264"}/"value":{"bytes":"00"}/' "$T/calls.jsonl" > "$T/calls-bad.jsonl"
run "decode reads method-call steps too" 0 '-> \[4097:1\] C_PIN_MSID\.Get\[\[3 = 3, 4 = 3\]\]' "$L" decode --file "$T/calls.jsonl"
run "a device that answers another MSID diverges" 1 'results\[0\]\[0\]\.value\.bytes: device "00", model "4d5349445f70617373776f7264"' "$L" check "$T/calls-bad.jsonl"
run "... naming the requirement" 1 'violates KPIO-3\.2\.2-1' "$L" check "$T/calls-bad.jsonl"

# ---- malformed transcripts: exit 2 with the line and the problem -----------------------------
printf '%s\n' '{"machine":"kpio","step":1,"event":{"type":"send","protocol":1,"bytes":"0g"}}' > "$T/m1.jsonl"
run "malformed: bad hex in a step" 2 "line 1: event: bytes: hex: invalid character 'g' at offset 1" "$L" check "$T/m1.jsonl"
printf '%s\n' '{"machine":"kpio","step":1,"event":{"type":"warp_drive"}}' > "$T/m2.jsonl"
run "malformed: unknown event" 2 "line 1: event" "$L" check "$T/m2.jsonl"
printf '%s\n' '{"machine":"kpio","step":2,"event":{"type":"power_cycle"}}' > "$T/m3.jsonl"
run "malformed: a step out of order" 2 "step 2 where step 1 was expected" "$L" check "$T/m3.jsonl"
printf '%s\n' '{"machine":"kpio"}' '{"machine":"kpio","step":1,"event":{"type":"power_cycle"}' > "$T/m4.jsonl"
run "malformed: not JSON" 2 "line 2: not valid JSON" "$L" check "$T/m4.jsonl"
printf '%s\n' '{"machine":"kpio","profile":{"keks":0}}' '{"machine":"kpio","step":1,"event":{"type":"power_cycle"}}' > "$T/m5.jsonl"
run "malformed: a profile the model refuses" 2 "keks: 1..64" "$L" check "$T/m5.jsonl"
# Bytes that are not a ComPacket are a finding of the device's answer, not unusable input: the
# model answers MALFORMED (KPIO-3.4.1-1 / TCG-SESSION-3) and a device claiming success diverges.
printf '%s\n' '{"machine":"kpio","step":1,"event":{"type":"send","protocol":3,"bytes":"00"},"expect":{"status":"ok"}}' > "$T/m6.jsonl"
run "garbage on Security Protocol 0x03" 1 "violates KPIO-3\.4\.1-1" "$L" check "$T/m6.jsonl"

# ---- eval: kpio.step, kpio.decode, kpio.tables ------------------------------------------------
T5=$(python3 -c "import json;print([v for v in json.load(open('$SRC/vectors/tcg-seed002.json'))['vectors'] if v['id']=='kpio-table5-encode'][0]['expect']['hex'])")
run "kpio.step: raw bytes to an inactive SP" 0 '"status":"SP_DISABLED","rule":"TCG-SP-LIFECYCLE-1"' \
  "$L" eval '{"op":"kpio.step","event":{"type":"send","protocol":1,"bytes":"'"$T5"'"}}'
run "kpio.step: an abstract event" 0 '"kpio_life_cycle":"Manufactured"' "$L" eval '{"op":"kpio.step","event":{"type":"activate"}}'
# a KMIP Import into KeyEncryptionKey9 of an activated two-KEK TPer: the state of one eval feeds the next
"$L" eval '{"op":"kpio.step","event":{"type":"activate"}}' | python3 -c '
import json, sys
s = json.load(sys.stdin)["state"]
for k in ["kpio_life_cycle", "owned", "session_open", "key_cache", "locked_keks", "set_keks", "key_injection_locked",
          "replay_protection_enabled"]:
    s.pop(k)  # the views a device reports; the state proper is the rest
print(json.dumps({"op": "kpio.step", "state": s, "event": {"type": "import_kek", "row": 9, "key": "11" * 32}}))' > "$T/row9.json"
run "kpio.step: a KEK row the TPer does not have" 0 '"status":"ItemNotFound","rule":"KPIO-3\.4\.2-3"' "$L" eval "$(cat "$T/row9.json")"
run "kpio.step: an impossible state is refused" 1 '"ok":false.*keks' "$L" eval '{"op":"kpio.step","state":{"keks":[]},"event":{"type":"power_cycle"}}'
run "kpio.decode" 0 '"reads":\["-> SMUID.StartSession\[1, KeyPerIOSP, 1, 0 = \\"Admin1_password\\", 3 = Admin1\]"\]' \
  "$L" eval '{"op":"kpio.decode","protocol":1,"hex":"'"$T5"'"}'
run "kpio.decode: truncated bytes name the offset" 1 '"ok":false.*offset' "$L" eval '{"op":"kpio.decode","protocol":1,"hex":"'"${T5:0:60}"'"}'
run "kpio.tables" 0 '"namespaces":\[' "$L" eval '{"op":"kpio.tables"}'

# ---- --level0: the profile a device's own Level 0 Discovery response gives -------------------
L0=$(python3 -c "import json;print([v for v in json.load(open('$SRC/vectors/tcg-level0-seed002.json'))['vectors'] if v['id']=='kpio-table1-parse'][0]['request']['hex'])")
run "explore with the Table 1 TPer" 0 '"kpiosc":1,"namespaces":2,"keks":2,"total_key_tags":2,"max_key_tags_per_namespace":1' \
  "$L" explore kpio --level0 "$L0" --scope lifecycle
run "--level0 of an Opal drive is refused" 2 "no Key Per I/O SSC Feature Descriptor" "$L" explore kpio --level0 \
  "$(python3 -c "import json;print([v for v in json.load(open('$SRC/vectors/tcg-level0-seed002.json'))['vectors'] if v['id']=='real-drive-samsung-evo-860'][0]['request']['hex'])")"

# ---- the program's interface: per-command --help lists the model's options, unknown options fail
run "explore kpio --help lists the model's options" 0 "--key-tags" "$L" explore kpio --help
run "corpus --help names kpio's options too" 0 "--level0" "$L" corpus kpio --help
run "an unknown option is an error" 2 "bogus" "$L" explore kpio --bogus 1
run "--kpiosc out of range" 2 "kpiosc" "$L" explore kpio --kpiosc 2
run "decode --as kpio-capture is a format" 0 "kpio-capture" "$L" decode --list

finish
