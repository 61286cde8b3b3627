#!/usr/bin/env bash
# `lockref decode` on captured payloads: a ComPacket (KPIO AN Table 5), a TTLV message
# pasted as a hex dump (Table 41's dump, from the seed itself), an SP 0x03 ComPacket,
# a real drive's Level 0 response with unknown features, and malformed input.
set -uo pipefail
L=${1:?lockref}; SRC=${2:?source dir}
fail=0
expect() {  # expect NAME PATTERN OUTPUT
  if grep -qF -- "$2" <<<"$3"; then echo "ok   $1"; else echo "FAIL $1: no '$2' in:"; echo "$3" | head -40; fail=1; fi
}
vec() { python3 -c "import json,sys; j=json.load(open('$SRC/vectors/$1')); print([v for v in j['vectors'] if v['id']=='$2'][0]['$3']['hex'])"; }

out=$("$L" decode "$(vec tcg-seed002.json kpio-table5-encode expect)")
expect "table 5 ComPacket framing" "Subpacket  Kind=0 (data) Length=69 (+3 pad)" "$out"
expect "table 5 UIDs by name" "short atom  StartSession UID" "$out"
expect "table 5 password" '"Admin1_password"' "$out"
expect "table 5 method signature (§3.3.1.1)" 'signature: session[0:0] -> SMUID.StartSession[1, KeyPerIOSP, 1, 0 = "Admin1_password", 3 = Admin1]' "$out"

SEED="$SRC/../shared/seeds/002_663e49dcce633651.txt"
if [ -f "$SEED" ]; then
  # Table 41's TTLV dump exactly as printed in the seed (offset column and all)
  n=$(grep -n -m1 '^0000 42 00 78 01 00 00 01 78' "$SEED" | cut -d: -f1)
  out=$(sed -n "${n},$((n + 23))p" "$SEED" | "$L" decode --as ttlv)  # rows 0000..0170 = 384 bytes
  expect "seed dump of Table 41 via stdin" "RequestMessage (0x420078) Structure len=376" "$out"
  expect "enumeration names" "Operation (0x42005c) Enumeration len=4 = 0x0000002a Import" "$out"
  expect "text strings" 'UniqueIdentifier (0x420094) TextString len=36 = "c51a6ce0-e11c-4320-80c2-f1f270d2368e"' "$out"
else
  echo "skip seed dump check: $SEED missing"
fi

out=$("$L" decode "$(vec tcg-seed002.json kpio-table40-sp3-compacket expect)")
expect "SP 0x03 ComPacket auto-detected" "ComPacket (Security Protocol 0x03)  ComID=0x0801" "$out"

REAL="$SRC/../shared/external-vectors/tcg/level0_real_drives.txt"
if [ -f "$REAL" ]; then
  out=$("$L" decode --as level0 "$(grep '^hex:' "$REAL" | head -1 | cut -c6-)")
  expect "real drive Level 0" "Feature 0x0203 Opal SSC V2  Version=1 SSC minor version=0 (Opal SSC v2.00) Length=16" "$out"
fi

out=$("$L" decode f8 a8 00 00); rc=$?
[ $rc -eq 1 ] && echo "ok   malformed input exits 1" || { echo "FAIL malformed input rc=$rc"; fail=1; }
expect "malformed input error" "error:" "$out"

out=$("$L" eval '{"op":"tcg.decode","as":"value","hex":"820069"}')
expect "go-tcg-storage 82 00 69 accepted, non-canonical" '"value":{"uint":105,"width":2},"canonical":false' "$out"
out=$("$L" eval '{"op":"tcg.encode","value":105}')
expect "lockref emits 81 69" '"hex":"8169"' "$out"
exit $fail
