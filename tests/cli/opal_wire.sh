#!/usr/bin/env bash
# `lockref corpus|check|explore opal-wire` (issue 14): transcripts whose steps are method calls
# or raw Security Protocol 0x01 ComPackets. The ComPackets here are built by python from the
# TCG Core encoding (ComPacket/Packet/Subpacket headers, tokens), independently of lockref,
# including go-tcg-storage's wide integer form (82 00 01 for 1).
#   bash tests/cli/opal_wire.sh <lockref-binary> <source-dir>
set -uo pipefail
L=${1:?lockref}; SRC=${2:?source dir}
. "$SRC/tests/cli/lib.bash"

# corpus -> check: the model agrees with its own corpus, per firmware profile
for fw in SE4SA530 SGEBHG02; do
  "$L" corpus opal-wire --firmware $fw --count 40 --seed 7 --out "$T/c_$fw.jsonl"
  run "corpus of $fw checks" 0 "40 steps conform to the opal-wire model" "$L" check "$T/c_$fw.jsonl"
done
run "explore opal-wire (bounded)" 0 "invariants held on the states visited: yes|all invariants hold" \
  "$L" explore opal-wire --firmware SE4SA530 --max-states 1500

# Raw ComPackets: StartSession[1, AdminSP, 1, HostChallenge = "wrong-pin", HostSigningAuthority = SID]
python3 - "$T" <<'PY'
import json, struct, sys
T = sys.argv[1]
def atom(b):  # short or medium byte atom (Core 3.2.2.3.1)
    return (bytes([0xA0 | len(b)]) if len(b) <= 15 else bytes([0xD0 | (len(b) >> 8), len(b) & 0xFF])) + b
def uint(v, wide=False):
    if wide: return bytes([0x82]) + v.to_bytes(2, "big")  # go-tcg-storage: 82 00 01
    return bytes([v]) if v < 64 else bytes([0x80 | ((v.bit_length() + 7) // 8)]) + v.to_bytes((v.bit_length() + 7) // 8, "big")
uid = lambda u: atom(u.to_bytes(8, "big"))
def start_session(pin, wide=False):
    t = b"\xf8" + uid(0xFF) + uid(0xFF02) + b"\xf0" + uint(1, wide) + uid(0x0000020500000001) + uint(1, wide)
    t += b"\xf2" + uint(0) + atom(pin) + b"\xf3" + b"\xf2" + uint(3) + uid(0x0000000900000006) + b"\xf3"
    return t + b"\xf1\xf9\xf0\x00\x00\x00\xf1"
def compacket(payload, tsn=0, hsn=0):
    sub = struct.pack(">6xHI", 0, len(payload)) + payload + b"\x00" * ((4 - len(payload) % 4) % 4)
    pk = struct.pack(">IIIxxHII", tsn, hsn, 0, 0, 0, len(sub)) + sub
    return struct.pack(">IHHIII", 0, 0x07FE, 0, 0, 0, len(pk)) + pk
def write(name, steps):
    with open(f"{T}/{name}", "w") as f:
        for i, s in enumerate(steps): f.write(json.dumps({"step": i + 1, **s}) + "\n")
wrong = lambda i, wide=False: {"event": {"type": "send", "bytes": compacket(start_session(b"wrong-pin", wide)).hex()},
                               "expect": {"status": "NOT_AUTHORIZED" if i < 5 else "AUTHORITY_LOCKED_OUT"}}
write("lockout5.jsonl", [wrong(i, wide=(i % 2 == 1)) for i in range(6)])
# the MSID after the limit: locked out as well (E-OPAL-AT-LIMIT)
msid = {"event": {"type": "send", "bytes": compacket(start_session(b"MSID-MSID-MSID-MSID-MSID-MSID-32")).hex()},
        "expect": {"status": "AUTHORITY_LOCKED_OUT"}}
write("lockout_msid.jsonl", [wrong(i) for i in range(6)] + [msid])
PY
run "SE4SA530: 5 wrong PINs NOT_AUTHORIZED, the 6th AUTHORITY_LOCKED_OUT (raw ComPackets)" 0 "6 steps conform" \
  "$L" check --machine opal-wire --firmware SE4SA530 "$T/lockout5.jsonl"
run "SE4SA530: the correct PIN at the limit is locked out too" 0 "7 steps conform" \
  "$L" check --machine opal-wire --firmware SE4SA530 "$T/lockout_msid.jsonl"
run "SGEBHG02 (Try Limit 100): the 6th is still NOT_AUTHORIZED, the capture diverges" 1 \
  "status: device \"AUTHORITY_LOCKED_OUT\", model \"NOT_AUTHORIZED\"" \
  "$L" check --machine opal-wire --firmware SGEBHG02 "$T/lockout5.jsonl"
finish
