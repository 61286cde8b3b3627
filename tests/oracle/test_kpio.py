#!/usr/bin/env python3
"""Independent check of the Key Per I/O TPer: PyKMIP (Debian python3-pykmip) builds the KMIP
Import requests of random scenarios (the Table 41 shape: a plaintext KEK for KeyEncryptionKey1,
or a Table 45 shape: a KEK wrapped with AES-KW by python3-cryptography), lockref's kpio machine
answers them, and the verdict must agree with this file's own reading of the §3.2
preconditions (seed 002):
  - the Key Per I/O SP must be activated, the Key Injection Interface not locked (§3.2.6:
    locked iff KeyInjectionInterfaceLockEnabled and KeyInjectionInterfaceLocked);
  - replay protection on: no plaintext and no AES-KW key (§3.4.7);
  - plaintext: (a) PlaintextKEKProgrammingEnabled, (b) NULLKeyEncryptionKey allowed for the
    row, or (c) the row's Key column empty (§3.2.11);
  - AES-KW: the wrapping KEK is in the row's AllowedKeyEncryptionKeys and access-unlocked
    (§3.2.7, §3.2.12).
The PyKMIP-encoded bytes go to the TPer as a Security Protocol 0x03 ComPacket (§3.4.1).

usage: test_kpio.py <lockref-binary> <source-dir>
"""
import json
import random
import struct
import subprocess
import sys

try:
    import kmip  # noqa: F401
except ImportError:
    sys.path.append("/usr/lib/python3/dist-packages")
try:
    from kmip.core import enums, primitives, utils
    from cryptography.hazmat.primitives.keywrap import aes_key_wrap
except ImportError as e:
    print(f"SKIP: python3-pykmip / python3-cryptography not importable ({e})")
    sys.exit(0)

LOCKREF = sys.argv[1]
T = enums.Tags


class Struct(primitives.Base):
    def __init__(self, tag, items):
        super().__init__(tag=tag, type=enums.Types.STRUCTURE)
        self.items = items

    def write(self, ostream, kmip_version=enums.KMIPVersion.KMIP_2_0):
        body = utils.BytearrayStream()
        for i in self.items:
            i.write(body, kmip_version=kmip_version)
        self.length = body.length()
        super().write(ostream, kmip_version=kmip_version)
        ostream.write(body.buffer)


def vattr(name, value):
    return Struct(T.ATTRIBUTE, [primitives.TextString("TCG-SWG", T.VENDOR_IDENTIFICATION),
                                primitives.TextString(name, T.ATTRIBUTE_NAME), value])


def import_kek(kek_uid, row_uid, key, wrapping_uid=None):
    if wrapping_uid is None:
        kb = Struct(T.KEY_BLOCK, [primitives.Enumeration(enums.KeyFormatType, enums.KeyFormatType.RAW, T.KEY_FORMAT_TYPE),
                                  Struct(T.KEY_VALUE, [primitives.ByteString(key, T.KEY_MATERIAL)])])
    else:
        kb = Struct(T.KEY_BLOCK, [
            primitives.Enumeration(enums.KeyFormatType, enums.KeyFormatType.RAW, T.KEY_FORMAT_TYPE),
            primitives.ByteString(key, T.KEY_VALUE),
            Struct(T.KEY_WRAPPING_DATA, [
                primitives.Enumeration(enums.WrappingMethod, enums.WrappingMethod.ENCRYPT, T.WRAPPING_METHOD),
                Struct(T.ENCRYPTION_KEY_INFORMATION, [
                    primitives.TextString(wrapping_uid, T.UNIQUE_IDENTIFIER),
                    Struct(T.CRYPTOGRAPHIC_PARAMETERS, [
                        primitives.Enumeration(enums.CryptographicAlgorithm, enums.CryptographicAlgorithm.AES, T.CRYPTOGRAPHIC_ALGORITHM),
                        primitives.Enumeration(enums.BlockCipherMode, enums.BlockCipherMode.NIST_KEY_WRAP, T.BLOCK_CIPHER_MODE)])])])])
    payload = Struct(T.REQUEST_PAYLOAD, [
        primitives.TextString(kek_uid, T.UNIQUE_IDENTIFIER),
        primitives.Enumeration(enums.ObjectType, enums.ObjectType.SYMMETRIC_KEY, T.OBJECT_TYPE),
        Struct(T.ATTRIBUTES, [
            Struct(T.CRYPTOGRAPHIC_PARAMETERS, [
                primitives.Enumeration(enums.KeyRoleType, enums.KeyRoleType.KEK, T.KEY_ROLE_TYPE),
                primitives.Enumeration(enums.CryptographicAlgorithm, enums.CryptographicAlgorithm.AES, T.CRYPTOGRAPHIC_ALGORITHM),
                primitives.Integer(256, T.CRYPTOGRAPHIC_LENGTH)]),
            vattr("UID", primitives.ByteString(row_uid, T.ATTRIBUTE_VALUE))]),
        Struct(T.SYMMETRIC_KEY, [kb])])
    msg = Struct(T.REQUEST_MESSAGE, [
        Struct(T.REQUEST_HEADER, [
            Struct(T.PROTOCOL_VERSION, [primitives.Integer(2, T.PROTOCOL_VERSION_MAJOR), primitives.Integer(1, T.PROTOCOL_VERSION_MINOR)]),
            primitives.Integer(1, T.BATCH_COUNT)]),
        Struct(T.BATCH_ITEM, [primitives.Enumeration(enums.Operation, enums.Operation.IMPORT, T.OPERATION),
                              primitives.ByteString(b"\x01", T.UNIQUE_BATCH_ITEM_ID), payload])])
    out = utils.BytearrayStream()
    msg.write(out)
    ttlv = bytes(out.buffer)
    # §3.4.1: ComPacket header, ComID 0x0801, then the TTLV
    return struct.pack(">IHHIII", 0, 0x0801, 0, 0, 0, len(ttlv)) + ttlv


def evals(reqs):
    out = subprocess.run([LOCKREF, "eval"], input="\n".join(json.dumps(r) for r in reqs) + "\n",
                         capture_output=True, text=True, check=True).stdout.splitlines()
    return [json.loads(x) for x in out]


def run(events):
    state, answers = None, []
    for e in events:
        req = {"op": "kpio.step", "event": e}
        if state is not None:
            req["state"] = {k: v for k, v in state.items() if k in STATE_KEYS}
        (a,) = evals([req])
        assert a.get("ok"), a
        state = a["state"]
        answers.append(a["output"])
    return answers


STATE_KEYS = ["sm", "sid", "kpio_active", "admin1", "policies", "keks", "allocations", "cache", "nonces"]
KEK1 = bytes.fromhex("0000120200010001")
rng = random.Random(0x13)
agree = 0
N = 40
for i in range(N):
    active = rng.random() < 0.85
    lock_enabled, locked = rng.random() < 0.3, rng.random() < 0.5
    replay = rng.random() < 0.25
    pt_policy = rng.random() < 0.3
    null_allowed = rng.random() < 0.3
    preinject = rng.random() < 0.6
    wrapped = preinject and rng.random() < 0.5
    kek_locked = rng.random() < 0.3
    first = bytes(rng.randrange(256) for _ in range(32))
    new = bytes(rng.randrange(256) for _ in range(32))
    ev = [{"type": "take_ownership"}]
    if active:
        ev.append({"type": "activate"})
        if preinject:
            ev.append({"type": "import_kek", "row": 1, "key": first.hex(), "kmip_uid": "kek-first", "wrap": "plaintext"})
        for col, val in [("KeyInjectionInterfaceLockEnabled", lock_enabled), ("KeyInjectionInterfaceLocked", locked),
                         ("PlaintextKEKProgrammingEnabled", pt_policy), ("ReplayProtectionEnabled", replay)]:
            ev.append({"type": "set", "object": "KPIOPolicies", "column": col, "value": val})
        ev.append({"type": "set", "object": "KeyEncryptionKey1", "column": "AllowedKeyEncryptionKeys",
                   "value": (["NULLKeyEncryptionKey"] if null_allowed else []) + ["KeyEncryptionKey1"]})
        ev.append({"type": "set", "object": "KeyEncryptionKey1", "column": "AccessLockEnabled", "value": kek_locked})
        ev.append({"type": "set", "object": "KeyEncryptionKey1", "column": "AccessLocked", "value": kek_locked})
    if wrapped:
        body = import_kek("kek-new", KEK1, aes_key_wrap(first, new), wrapping_uid="kek-first")
    else:
        body = import_kek("kek-new", KEK1, new)
    ev.append({"type": "send", "protocol": 3, "bytes": body.hex()})
    out = run(ev)
    verdict = out[-1]["status"]
    # the independent reading
    if not active or (lock_enabled and locked):
        expect = "PermissionDenied"
    elif replay:
        expect = "PermissionDenied"
    elif wrapped:
        expect = "PermissionDenied" if kek_locked else "ok"
    else:
        expect = "ok" if (pt_policy or null_allowed or not preinject) else "PermissionDenied"
    if verdict != expect:
        print(f"scenario {i}: lockref says {verdict}, the reading of §3.2 says {expect}: {json.dumps(ev)[:400]}")
        sys.exit(1)
    agree += 1
print(f"{agree} passed, 0 failed")
