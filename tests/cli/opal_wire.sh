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

# The TCG Core encoding, written here once for the python blocks below (independent of lockref):
# byte atoms (Core 3.2.2.3.1), unsigned integers (with go-tcg-storage's wide form 82 00 01 for 1),
# named values, lists, method calls and the ComPacket/Packet/Subpacket headers.
cat > "$T/tcgwire.py" <<'PY'
import json, struct
def atom(b):  # short or medium byte atom
    return (bytes([0xA0 | len(b)]) if len(b) <= 15 else bytes([0xD0 | (len(b) >> 8), len(b) & 0xFF])) + b
def uint(v, wide=False):
    if wide: return bytes([0x82]) + v.to_bytes(2, "big")  # go-tcg-storage: 82 00 01
    return bytes([v]) if v < 64 else bytes([0x80 | ((v.bit_length() + 7) // 8)]) + v.to_bytes((v.bit_length() + 7) // 8, "big")
uid = lambda u: atom(u.to_bytes(8, "big"))
name = lambda k, v: b"\xf2" + uint(k) + v + b"\xf3"
lst = lambda *xs: b"\xf0" + b"".join(xs) + b"\xf1"
def method(obj, m, args=b""): return b"\xf8" + uid(obj) + uid(m) + b"\xf0" + args + b"\xf1\xf9\xf0\x00\x00\x00\xf1"
def compacket(payload, tsn=0, hsn=0):
    sub = struct.pack(">6xHI", 0, len(payload)) + payload + b"\x00" * ((4 - len(payload) % 4) % 4)
    pk = struct.pack(">IIIxxHII", tsn, hsn, 0, 0, 0, len(sub)) + sub
    return struct.pack(">IHHIII", 0, 0x07FE, 0, 0, 0, len(pk)) + pk
def write(path, steps):
    with open(path, "w") as f:
        for i, s in enumerate(steps): f.write(json.dumps({"step": i + 1, **s}) + "\n")
PY

# Raw ComPackets: StartSession[1, AdminSP, 1, HostChallenge = "wrong-pin", HostSigningAuthority = SID]
python3 - "$T" <<'PY'
import sys
T = sys.argv[1]
sys.path.insert(0, T)
from tcgwire import *
def start_session(pin, wide=False):
    t = b"\xf8" + uid(0xFF) + uid(0xFF02) + b"\xf0" + uint(1, wide) + uid(0x0000020500000001) + uint(1, wide)
    t += b"\xf2" + uint(0) + atom(pin) + b"\xf3" + b"\xf2" + uint(3) + uid(0x0000000900000006) + b"\xf3"
    return t + b"\xf1\xf9\xf0\x00\x00\x00\xf1"
wrong = lambda i, wide=False: {"event": {"type": "send", "bytes": compacket(start_session(b"wrong-pin", wide)).hex()},
                               "expect": {"status": "NOT_AUTHORIZED" if i < 5 else "AUTHORITY_LOCKED_OUT"}}
write(f"{T}/lockout5.jsonl", [wrong(i, wide=(i % 2 == 1)) for i in range(6)])
# the MSID after the limit: locked out as well (E-OPAL-AT-LIMIT)
msid = {"event": {"type": "send", "bytes": compacket(start_session(b"MSID-MSID-MSID-MSID-MSID-MSID-32")).hex()},
        "expect": {"status": "AUTHORITY_LOCKED_OUT"}}
write(f"{T}/lockout_msid.jsonl", [wrong(i) for i in range(6)] + [msid])
PY
# Single User Mode as a host tool sends it (sedutil reactivateLockingSP_SUM / eraseLockingRange_SUM
# encodings): Reactivate[SingleUserModeSelectionList 06 00 00 = [Locking_Range1],
# RangeStartRangeLengthPolicy 06 00 01 = 0] on ThisSP, Erase on Locking_Range<k>. The expected
# statuses are the guide's Security Mode Services rows (Reactivate: LockingSP Admin1-4; Lock/Unlock:
# Admins "for non-SUDRs"; Erase of a SUDR: Admins and its User; a non-SUDR is erased by GenKey).
python3 - "$T" <<'PY'
import sys
T = sys.argv[1]
sys.path.insert(0, T)
from tcgwire import *
MSID = b"MSID-MSID-MSID-MSID-MSID-MSID-32"
ADMIN_SP, LOCKING_SP, THIS_SP = 0x0000020500000001, 0x0000020500000002, 1
SID, ADMIN1, USER = 0x0000000900000006, 0x0000000900010001, lambda k: 0x0000000900030000 + k
RANGE = lambda k: 0x0000080200030000 + k
ACTIVATE, SET, REACTIVATE, ERASE = 0x0000000600000203, 0x0000000600000017, 0x0000000600000801, 0x0000000600000803
steps = []
def send(payload, status, tsn=0, hsn=0): steps.append({"event": {"type": "send", "bytes": compacket(payload, tsn, hsn).hex()}, "expect": {"status": status}})
def start(sp, who): send(method(0xFF, 0xFF02, uint(1) + uid(sp) + uint(1) + name(0, atom(MSID)) + name(3, uid(who))), "ok")
def call(obj, m, args, status): send(method(obj, m, args), status, 0x1001, 1)
end = lambda: send(b"\xfa", "ok", 0x1001, 1)
reactivate = name(0x060000, b"\xf0" + uid(RANGE(1)) + b"\xf1") + name(0x060001, uint(0))
start(ADMIN_SP, SID); call(LOCKING_SP, ACTIVATE, b"", "ok"); end()
start(LOCKING_SP, USER(1)); call(THIS_SP, REACTIVATE, reactivate, "NOT_AUTHORIZED"); end()
start(LOCKING_SP, ADMIN1); call(THIS_SP, REACTIVATE, reactivate, "ok")  # the session ends with it
start(LOCKING_SP, ADMIN1)
call(RANGE(1), SET, name(1, b"\xf0" + name(7, uint(1)) + b"\xf1"), "NOT_AUTHORIZED")  # ReadLocked of the SUDR
call(RANGE(2), ERASE, b"", "NOT_AUTHORIZED")  # a non-SUDR
call(RANGE(1), ERASE, b"", "ok"); end()
start(LOCKING_SP, USER(1)); call(RANGE(1), ERASE, b"", "NOT_AUTHORIZED"); end()
start(LOCKING_SP, USER(2)); call(RANGE(1), SET, name(1, b"\xf0" + name(7, uint(1)) + b"\xf1"), "ok")
call(RANGE(1), ERASE, b"", "ok"); end()
write(f"{T}/sum.jsonl", steps)
# the same capture from a drive whose Admins kept Lock/Unlock of the SUDR
steps[9]["expect"]["status"] = "ok"  # step 10: Admin1 sets ReadLocked of the SUDR
write(f"{T}/sum_admin_unlocks.jsonl", steps)
PY
run "Single User Mode: Reactivate, Erase of a SUDR, Admins refused on it (raw ComPackets)" 0 "20 steps conform" \
  "$L" check --machine opal-wire --firmware SE4SA530 "$T/sum.jsonl"
run "Single User Mode: a drive whose Admin unlocks a SUDR diverges" 1 "status: device \"ok\", model \"NOT_AUTHORIZED\"" \
  "$L" check --machine opal-wire --firmware SE4SA530 "$T/sum_admin_unlocks.jsonl"
# The Global range, the Authority table and Activate with a single-user selection, in the forms
# host tools send (raw ComPackets built here from the TCG Core encoding):
#  - sedutil activateLockingSP_SUM: LockingSP.Activate[06 00 00 = [Locking_Range1], 06 00 01 = 0]
#    in an Admin SP session as SID (Activate 00 00 00 06 00 00 02 03);
#  - seed 000 setup step 7: Makers (00 00 00 09 00 00 00 03).Set[Values = [Enabled(5) = FALSE]] as SID;
#  - linux sed-opal generic_lr_enable_disable: Locking_GlobalRange.Set[ReadLockEnabled 5,
#    WriteLockEnabled 6, ReadLocked 7, WriteLocked 8] in one Set; LockOnReset 9 = [0] (Power Cycle).
# Expected statuses from seed 000's Security Mode Services rows: the Global range's attributes are
# the Admins' ("Set Range Attributes for non-SUDR"), User1 holds no access right to it.
python3 - "$T" <<'PY'
import sys
T = sys.argv[1]
sys.path.insert(0, T)
from tcgwire import *
MSID = b"MSID-MSID-MSID-MSID-MSID-MSID-32"
ADMIN_SP, LOCKING_SP = 0x0000020500000001, 0x0000020500000002
SID, MAKERS, ADMIN1, USER1 = 0x0000000900000006, 0x0000000900000003, 0x0000000900010001, 0x0000000900030001
GLOBAL, RANGE1 = 0x0000080200000001, 0x0000080200030001
ACTIVATE, SET = 0x0000000600000203, 0x0000000600000017
steps = []
def send(payload, status, tsn=0, hsn=0): steps.append({"event": {"type": "send", "bytes": compacket(payload, tsn, hsn).hex()}, "expect": {"status": status}})
def start(sp, who): send(method(0xFF, 0xFF02, uint(1) + uid(sp) + uint(1) + name(0, atom(MSID)) + name(3, uid(who))), "ok")
def call(obj, m, args, status): send(method(obj, m, args), status, 0x1001, 1)
end = lambda: send(b"\xfa", "ok", 0x1001, 1)
values = lambda *cols: name(1, lst(*[name(c, v) for c, v in cols]))
start(ADMIN_SP, SID)
call(LOCKING_SP, ACTIVATE, name(0x060000, lst(uid(0x0000080200030009))) + name(0x060001, uint(0)), "INVALID_PARAMETER")  # owner User10
call(LOCKING_SP, ACTIVATE, name(0x060000, lst(uid(RANGE1))) + name(0x060001, uint(0)), "ok")
call(MAKERS, SET, values((5, uint(0))), "ok")
end()
start(LOCKING_SP, ADMIN1)
call(GLOBAL, SET, values((5, uint(1)), (6, uint(1)), (7, uint(1)), (8, uint(1))), "ok")
call(GLOBAL, SET, values((9, lst(uint(0)))), "ok")
call(GLOBAL, SET, values((3, uint(0)), (4, uint(4096))), "INVALID_PARAMETER")  # the Global range has no geometry
call(RANGE1, SET, values((7, uint(1))), "NOT_AUTHORIZED")  # a SUDR: its owner User2's
end()
start(LOCKING_SP, USER1)
call(GLOBAL, SET, values((7, uint(0)), (8, uint(0))), "NOT_AUTHORIZED")
end()
write(f"{T}/global.jsonl", steps)
steps[12]["expect"]["status"] = "ok"  # step 13: a drive that lets User1 unlock the Global range
write(f"{T}/global_user_unlocks.jsonl", steps)
PY
run "Global range, Makers, Activate with a single-user selection (raw ComPackets)" 0 "14 steps conform" \
  "$L" check --machine opal-wire --firmware SE4SA530 "$T/global.jsonl"
run "a drive that lets User1 unlock the Global range diverges at step 13" 1 "global_user_unlocks.jsonl:13: DIVERGENCE" \
  "$L" check --machine opal-wire --firmware SE4SA530 "$T/global_user_unlocks.jsonl"
run "SE4SA530: 5 wrong PINs NOT_AUTHORIZED, the 6th AUTHORITY_LOCKED_OUT (raw ComPackets)" 0 "6 steps conform" \
  "$L" check --machine opal-wire --firmware SE4SA530 "$T/lockout5.jsonl"
run "SE4SA530: the correct PIN at the limit is locked out too" 0 "7 steps conform" \
  "$L" check --machine opal-wire --firmware SE4SA530 "$T/lockout_msid.jsonl"
run "SGEBHG02 (Try Limit 100): the 6th is still NOT_AUTHORIZED, the capture diverges" 1 \
  "status: device \"AUTHORITY_LOCKED_OUT\", model \"NOT_AUTHORIZED\"" \
  "$L" check --machine opal-wire --firmware SGEBHG02 "$T/lockout5.jsonl"
finish
