#!/usr/bin/env bash
# lockref explore|corpus|check fwpkg, the fwpkg eval ops and `lockref decode` of RFC 4108 CMS,
# through the real program (eval exits 1 when a request fails: {"ok":false,...}).
#   bash tests/cli/fwpkg.sh <lockref-binary> <source-dir>
set -uo pipefail
L=$1; SRC=$2
. "$SRC/tests/cli/lib.bash"
SHARED="$SRC/../shared/external-vectors/rfc4108"

run "explore fwpkg: every invariant holds" 0 "all invariants hold" "$L" explore fwpkg --versions 1
run "explore fwpkg: --versions out of range" 2 "--versions: expected an integer in 0\.\.4" "$L" explore fwpkg --versions 9
run "explore fwpkg: unknown --order" 2 "--order: expected rfc_text or cheap_first" "$L" explore fwpkg --order nonsense

"$L" corpus fwpkg --seed 3 --count 80 --out "$T/c.jsonl" 2>/dev/null
run "corpus fwpkg replays with check" 0 "80 steps conform to the fwpkg model" "$L" check "$T/c.jsonl"
# a device that accepts the first package the model refuses diverges, naming the requirement
python3 - "$T/c.jsonl" "$T/bad.jsonl" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
for i in range(1, len(lines)):
    j = json.loads(lines[i])
    if j["expect"]["status"] != "ok":
        j["expect"]["status"] = "ok"
        lines[i] = json.dumps(j)
        break
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
PY
run "check fwpkg: a device accepting a refused package diverges" 1 "violates FWPKG-" "$L" check "$T/bad.jsonl"

sample=$(grep -v -- ----- "$SHARED/rfc4108_firmware_package_sample.pem.b64" | base64 -d | xxd -p | tr -d '\n')
run "eval fwpkg.evaluate: the third-party sample is badSignedData at offset 23" 0 \
  '"decision":"reject","error_code":3,"error":"badSignedData","offset":23' \
  "$L" eval "{\"op\":\"fwpkg.evaluate\",\"package_der\":\"$sample\"}"
run "eval fwpkg.evaluate: an error report comes with the refusal" 0 '"error_report_der":"30' \
  "$L" eval "{\"op\":\"fwpkg.evaluate\",\"package_der\":\"$sample\"}"
run "eval fwpkg.evaluate: the Seagate profile by name" 0 '"decision":"reject"' \
  "$L" eval "{\"op\":\"fwpkg.evaluate\",\"profile\":\"seagate\",\"package_der\":\"$sample\"}"
run "eval fwpkg.evaluate: unknown field" 1 '"ok":false,"error":"unknown field \\"package\\""' \
  "$L" eval '{"op":"fwpkg.evaluate","package":"30"}'
run "eval fwpkg.evaluate: missing package" 1 '"ok":false,"error":"missing field \\"package_der\\""' \
  "$L" eval '{"op":"fwpkg.evaluate"}'
run "eval fwpkg.evaluate: bad hex" 1 '"ok":false,"error":"package_der: hex' \
  "$L" eval '{"op":"fwpkg.evaluate","package_der":"3g"}'
run "eval fwpkg.evaluate: unknown profile" 1 '"ok":false,"error":"profile: unknown' \
  "$L" eval '{"op":"fwpkg.evaluate","profile":"acme","package_der":"3000"}'
run "eval fwpkg.evaluate: an impossible loader state" 1 '"ok":false,"error":"loader_state: hw_type' \
  "$L" eval '{"op":"fwpkg.evaluate","loader_state":{"hw_type":"banana"},"package_der":"3000"}'
run "eval fwpkg.evaluate: any bytes get a decision" 0 '"decision":"reject","error_code":1,"error":"decodeFailure"' \
  "$L" eval '{"op":"fwpkg.evaluate","package_der":"ffff"}'
receipt=$(xxd -p "$SHARED/receipt.der" | tr -d '\n')
run "decode: a package's CMS structure, recognised without --as" 0 '^format: cms \(a SEQUENCE starting with contentType id-signedData' "$L" decode "$sample"
run "decode: offsets as openssl asn1parse gives them" 0 '^    23        version = 1$' "$L" decode "$sample"
run "decode: an error report" 0 'errorCode = 28 stalePackage' \
  "$L" decode "$(xxd -p "$SHARED/error_report.der" | tr -d '\n')"
run "decode --as cms: not BER" 1 'error: not BER, or beyond the reader.s limits, at offset 0: SEQUENCE length 5 exceeds the 3 octets available' "$L" decode --as cms 3005020101
# 100 nested SEQUENCEs; the 65th starts at offset 164 (the 64 outer headers: 36 of 3 octets, 28 of 2)
nest=$(python3 -c '
s = b""
for _ in range(100):
    s = (b"\x30" + bytes([len(s)]) if len(s) < 128 else b"\x30\x81" + bytes([len(s)]) if len(s) < 256 else b"\x30\x82" + len(s).to_bytes(2, "big")) + s
print(s.hex())')
run "decode --as cms: nesting beyond 64 levels is refused with its offset, no crash" 1 \
  'error: not BER, or beyond the reader.s limits, at offset 164: values nested deeper than 64 levels' "$L" decode --as cms "$nest"
run "decode --as cms: a structure that stops matching is a finding" 1 '!! ' "$L" decode --as cms 300d06092a864886f70d010702a000
run "decode: ... and its offset is the error" 1 '^error: offset 15: does not match RFC 4108: content: missing' \
  "$L" decode 300d06092a864886f70d010702a000
run "decode --file: a binary error report (DER file)" 0 'errorCode = 28 stalePackage' "$L" decode --file "$SHARED/error_report.der"
run "eval fwpkg.decode: a receipt with RFC 4108 names" 0 '"kind":"load receipt".*FirmwarePackageLoadReceipt.*trustAnchorKeyID' \
  "$L" eval "{\"op\":\"fwpkg.decode\",\"der\":\"$receipt\"}"
run "eval fwpkg.verify: trust anchors are required" 1 '"ok":false,"error":"missing field \\"trust_anchors\\""' \
  "$L" eval "{\"op\":\"fwpkg.verify\",\"package_der\":\"$sample\"}"
run "eval fwpkg.verify: plain CMS too wants version 3 with a subjectKeyIdentifier signer" 0 '"signature":"not verified","error_code":3,"error":"badSignedData","offset":23' \
  "$L" eval "{\"op\":\"fwpkg.verify\",\"package_der\":\"$sample\",\"trust_anchors\":[]}"
# lockref invariants (main's out_of_reach form): a requirement out of the model's reach needs its reason
mkdir -p "$T/root/spec/requirements" "$T/root/vectors"
cat > "$T/root/spec/requirements/x.json" <<'JSON'
{"requirements": [
 {"id": "X-1", "section": "§1", "text": "A signer MUST.", "status": "out_of_reach", "reason": "signer side"},
 {"id": "X-2", "section": "§2", "text": "Another MUST.", "status": "out_of_reach"}]}
JSON
run "invariants: out_of_reach without a reason is a problem" 1 'X-2: out_of_reach without a "reason"' \
  env LOCKREF_ROOT="$T/root" "$L" invariants --quiet
finish
