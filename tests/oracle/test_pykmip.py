#!/usr/bin/env python3
"""Independent oracle: PyKMIP (Debian python3-pykmip) decodes the TTLV that lockref
emits for every KMIP vector of seed 002 (vectors/kmip-seed002.json) with its own
primitive codecs (tag/type/length checks, padding checks), re-encodes it, and the
bytes must be identical. It also checks lockref's tag names and enumeration names
against PyKMIP's enums.

usage: test_pykmip.py <lockref-binary> <source-dir>
"""
import json
import os
import subprocess
import sys

try:
    import kmip  # noqa: F401
except ImportError:  # python3 from pyenv: use Debian's dist-packages
    sys.path.append("/usr/lib/python3/dist-packages")
try:
    from kmip.core import enums, primitives, utils
except ImportError as e:
    print(f"SKIP: python3-pykmip not importable ({e}); tools/setup-packages.txt lists it")
    sys.exit(0)

LEAF = {
    0x02: primitives.Integer, 0x03: primitives.LongInteger, 0x04: primitives.BigInteger,
    0x05: primitives.Enumeration, 0x06: primitives.Boolean, 0x07: primitives.TextString,
    0x08: primitives.ByteString, 0x09: primitives.DateTime, 0x0A: primitives.Interval,
}
ENUMS = {
    "Operation": enums.Operation, "ObjectType": enums.ObjectType, "KeyRoleType": enums.KeyRoleType,
    "CryptographicAlgorithm": enums.CryptographicAlgorithm, "KeyFormatType": enums.KeyFormatType,
    "ResultStatus": enums.ResultStatus, "BlockCipherMode": enums.BlockCipherMode, "PaddingMethod": enums.PaddingMethod,
    "WrappingMethod": enums.WrappingMethod, "LinkType": enums.LinkType,
    "MaskGeneratorHashingAlgorithm": enums.HashingAlgorithm,
}


def norm(s):
    return s.replace("_", "").replace("-", "").upper()


def pk_decode(b, pos=0):
    """Decodes one TTLV item with PyKMIP primitives -> (node, end)."""
    tag = int.from_bytes(b[pos:pos + 3], "big")
    typ = b[pos + 3]
    n = int.from_bytes(b[pos + 4:pos + 8], "big")
    t = enums.Tags(tag)  # raises for a tag PyKMIP does not know
    if typ == 0x01:
        kids, p = [], pos + 8
        while p < pos + 8 + n:
            k, p = pk_decode(b, p)
            kids.append(k)
        if p != pos + 8 + n:
            raise ValueError(f"structure at {pos} overrun")
        return (t, typ, kids), p
    raw = bytes(b[pos:pos + 8 + n + (8 - n % 8) % 8])
    cls = LEAF[typ]
    if cls is primitives.Enumeration:
        # PyKMIP's Enumeration needs the enum class up front; read the header with
        # its Base codec and the 4-byte value + 4 zero pad bytes here.
        obj = primitives.Enumeration.__new__(primitives.Enumeration)
        primitives.Base.__init__(obj, tag=t, type=enums.Types.ENUMERATION)
        obj.enum = None
        obj.value = None
        stream = utils.BytearrayStream(raw)
        primitives.Base.read(obj, stream)
        value = int.from_bytes(stream.read(4), "big")
        pad = stream.read(4)
        if pad != b"\0\0\0\0":
            raise ValueError("enumeration padding")
        obj.value = value
    else:
        obj = cls(tag=t)
        obj.read(utils.BytearrayStream(raw))
    return (t, typ, obj), pos + len(raw)


def pk_encode(node):
    t, typ, v = node
    if typ == 0x01:
        body = b"".join(pk_encode(k) for k in v)
        return t.value.to_bytes(3, "big") + b"\x01" + len(body).to_bytes(4, "big") + body
    if typ == 0x05:
        return t.value.to_bytes(3, "big") + b"\x05" + (4).to_bytes(4, "big") + v.value.to_bytes(4, "big") + b"\0" * 4
    out = utils.BytearrayStream()
    v.write(out)
    return bytes(out.buffer)


def check_names(node, want, errors, path=""):
    t, typ, v = node
    here = f"{path}/{want['tag']}"
    if norm(t.name) != norm(want["tag"]):
        errors.append(f"{here}: PyKMIP names tag {t.value:#x} {t.name}, lockref {want['tag']}")
    if typ == 0x01:
        for k, w in zip(v, want["value"]):
            check_names(k, w, errors, here)
    elif typ == 0x05 and want["tag"] in ENUMS and isinstance(want["value"], str):
        e = ENUMS[want["tag"]](v.value)
        if norm(e.name) != norm(want["value"]):
            errors.append(f"{here}: PyKMIP enumeration {v.value:#x} is {e.name}, lockref {want['value']}")


def main():
    lockref, src = sys.argv[1], sys.argv[2]
    with open(os.path.join(src, "vectors", "kmip-seed002.json")) as f:
        vecs = json.load(f)["vectors"]
    enc = [v for v in vecs if v["request"]["op"] == "kmip.encode"]
    names = {v["id"].replace("-decode", ""): v["expect"]["ttlv"] for v in vecs if v["request"]["op"] == "kmip.decode"}
    reqs = "\n".join(json.dumps(v["request"]) for v in enc) + "\n"
    out = subprocess.run([lockref, "eval"], input=reqs, capture_output=True, text=True, check=True).stdout.splitlines()
    failures = 0
    for v, line in zip(enc, out):
        ans = json.loads(line)
        if not ans.get("ok"):
            print(f"FAIL {v['id']}: lockref: {ans}")
            failures += 1
            continue
        b = bytes.fromhex(ans["hex"])
        try:
            node, end = pk_decode(b)
            if end != len(b):
                raise ValueError(f"{len(b) - end} trailing bytes")
            again = pk_encode(node)
        except Exception as e:  # noqa: BLE001
            print(f"FAIL {v['id']}: PyKMIP could not decode lockref's TTLV: {e!r}")
            failures += 1
            continue
        errs = []
        if again != b:
            errs.append("PyKMIP re-encoding differs")
        check_names(node, names[v["id"].replace("-encode", "")], errs)
        for e in errs:
            print(f"FAIL {v['id']}: {e}")
        failures += bool(errs)
        if not errs:
            print(f"ok   {v['id']}: {len(b)} bytes decoded and re-encoded by PyKMIP")
    if len(out) != len(enc) or not enc:
        print("FAIL: lockref answered", len(out), "of", len(enc))
        failures += 1
    print(f"{len(enc) - failures}/{len(enc)} KMIP vectors confirmed by PyKMIP")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
