#!/usr/bin/env bash
# lockref explore|corpus|check opal and the opal eval ops, through the real program.
#   bash tests/cli/opal.sh <lockref-binary> <source-dir>
set -euo pipefail
L=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for scope in credentials locking firmware; do
  "$L" explore opal --scope "$scope" > "$tmp/explore.txt"
  grep -q "all invariants hold" "$tmp/explore.txt"
done
# Single User Mode: range 1's owner is User2 (drive.hpp [SUM])
"$L" explore opal --scope sum --users 2 > "$tmp/explore.txt"
grep -q "all invariants hold" "$tmp/explore.txt"
if "$L" explore opal --scope nonsense 2> "$tmp/err.txt"; then echo "bad --scope accepted"; exit 1; fi
grep -q "expected all, credentials, locking, firmware or sum" "$tmp/err.txt"

"$L" corpus opal --firmware SE4SA530 --users 2 --ranges 2 --scope all --seed 5 --count 300 --out "$tmp/c.jsonl" 2>/dev/null
"$L" check "$tmp/c.jsonl" | grep -q "300 steps conform to the opal model"

# a device that keeps Makers enabled diverges, and the report names the requirement
python3 - "$tmp/c.jsonl" "$tmp/bad.jsonl" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
j = json.loads(lines[20]); j["state"]["makers_enabled"] = not j["state"]["makers_enabled"]; lines[20] = json.dumps(j)
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
PY
set +e
"$L" check "$tmp/bad.jsonl" > "$tmp/div.txt"
rc=$?
set -e
[ "$rc" -eq 1 ]
grep -q "DIVERGENCE at step 20" "$tmp/div.txt"
grep -q "state.makers_enabled: device" "$tmp/div.txt"
grep -q "violates OPAL-" "$tmp/div.txt"

out=$(echo '{"op":"opal.authenticate_sequence","profile":"seagate_se4sa530","credential":"SID","attempts":[{"pin_ok":false},{"pin_ok":false},{"pin_ok":false},{"pin_ok":false},{"pin_ok":false},{"pin_ok":true},"power_cycle",{"pin_ok":true}]}' | "$L" eval)
echo "$out" | grep -q '"statuses":\["NOT_AUTHORIZED","NOT_AUTHORIZED","NOT_AUTHORIZED","NOT_AUTHORIZED","NOT_AUTHORIZED","AUTHORITY_LOCKED_OUT","POWER_CYCLE","SUCCESS"\]'
echo "$out" | grep -q '"final_tries":0'
echo '{"op":"opal.cc_mode","profile":"seagate_sgebhg02"}' | "$L" eval | grep -q '"cc_approved_mode":true'
echo '{"op":"opal.cc_mode","profile":"seagate_sgebhg02","skip_steps":[8]}' | "$L" eval | grep -q '"missing":\["fw_port_lock_on_reset"\]'
# a failed request is answered {"ok":false,...} and makes eval exit 1
set +e
out=$(echo '{"op":"opal.try_limits","profile":"seagate_x","credential":"SID"}' | "$L" eval)
rc=$?
set -e
[ "$rc" -eq 1 ]
echo "$out" | grep -q '"ok":false'
echo ok
