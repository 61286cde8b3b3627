#!/usr/bin/env python3
"""The packages tests/test_mutants_fwpkg_b.cpp asks lockref's own builder
(model/lockref/fwpkg/builder.hpp build_package) to make, built here instead by the independent
oracle tests/oracle/fwpkg_builder.py (python3-asn1crypto, python3-cryptography), so that the
test can compare lockref's bytes with these.

Only the inputs are lockref's: the example signer's PKCS #8 key and subjectKeyIdentifier
(model/lockref/fwpkg/example_keys.hpp, made by openssl), the example OIDs, and the one design
choice builder.hpp documents for its corpora: the AES-CBC IV is the first 16 octets of
SHA-256(decrypt-key identifier) ("deterministic (corpora only)"). Everything else - the
§2.2 attributes and their DER, CompressedData (RFC 3274, zlib level 9 as builder.hpp's
zlib_deflate), EncryptedData (RFC 5652 §8, PKCS #7 padding), SignedData, the RSASSA-PKCS1-v1_5
signature (deterministic) - is the oracle's. No signing-time attribute (lockref's builder
writes none). SHA-2 AlgorithmIdentifiers without parameters (RFC 5754 §2).

    /usr/bin/python3 tests/oracle/fwpkg_builder_specs.py          # prints `name hex` lines
    /usr/bin/python3 tests/oracle/fwpkg_builder_specs.py --check  # are they the test's? (exit 1 if not)
"""
import hashlib
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import fwpkg_builder as fb  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes  # noqa: E402


def example_key(name):
    text = open(os.path.join(HERE, "..", "..", "model", "lockref", "fwpkg", "example_keys.hpp")).read()
    m = re.search(r"constexpr std::string_view " + name + r" =((?:\s*\"[0-9a-f]*\")+);", text)
    return bytes.fromhex("".join(re.findall(r"\"([0-9a-f]*)\"", m.group(1))))


class ExampleSigner:
    """Duck-types fwpkg_builder.Key for the example signer."""

    def __init__(self):
        self.private = serialization.load_der_private_key(example_key("signer_private_key"), password=None)
        self.ski = example_key("signer_key_id")
        self.is_rsa = True

    sign = fb.Key.sign


fb._keys["example-signer"] = ExampleSigner()

# RFC 5754 §2: "Implementations MUST generate SHA2 AlgorithmIdentifiers with absent parameters"
# (lockref's builder does; asn1crypto writes NULL unless told otherwise). sha256WithRSAEncryption
# keeps its NULL (RFC 4055 §5).
fb.algos._ForceNullParameters._null_algos.difference_update(
    {"2.16.840.1.101.3.4.2.1", "2.16.840.1.101.3.4.2.2", "2.16.840.1.101.3.4.2.3"})


class LockrefIV(fb.Package):
    """The oracle's EncryptedData with builder.hpp's IV: SHA-256(key id)[:16]."""

    def _encrypted(self, inner_type, data):
        e = self.encrypt
        iv = hashlib.sha256(e["key_id"]).digest()[:16]
        pad = 16 - len(data) % 16
        enc = Cipher(algorithms.AES(e["key"]), modes.CBC(iv)).encryptor()
        ct = enc.update(data + bytes([pad]) * pad) + enc.finalize()
        alg = fb.tlv(0x30, fb.der_oid(fb.AES_CBC[len(e["key"])]) + fb.tlv(0x04, iv))
        body = fb.core.Integer(0).dump() + fb.tlv(0x30, fb.der_oid(inner_type) + alg + fb.tlv(0x80, ct))
        return fb.tlv(0x30, body)


A = "1.3.6.1.4.1.221121.2.1"
B = "1.3.6.1.4.1.221121.2.2"
HW = "1.3.6.1.4.1.221121.1.1.42"
OTHER_HW = "1.3.6.1.4.1.221121.1.1.99"
COMMUNITY = "1.3.6.1.4.1.221121.3.1"
# builder.hpp example::decrypt_key(): id "example-fw-key-1", key SHA-256("lockref example firmware-decryption key")[:16]
KEY = {"key_id": b"example-fw-key-1", "key": hashlib.sha256(b"lockref example firmware-decryption key").digest()[:16], "wrap": None}

SPECS = {
    # fwPkgType only, plain FirmwarePkgData
    "plain": dict(name=("preferred", A, 1), firmware=b"fw-1", pkg_type=1),
    # stale version, two targets, fwPkgType and dependencies, CompressedData
    "compressed": dict(name=("preferred", B, 3), stale=("preferred", 2), targets=[HW, OTHER_HW], pkg_type=2,
                       dependencies=[("preferred", A, 1), ("legacy", b"boot-1.0")], firmware=b"fw-2 fw-2 fw-2 fw-2",
                       compress=True),
    # legacy name and stale name, a community, neither fwPkgType nor dependencies, EncryptedData, no firmware digest
    "encrypted": dict(name=("legacy", b"boot-2.0"), stale=("legacy", b"boot-1.0"), communities=[{"communityOID": COMMUNITY}],
                      firmware=b"fw-3", encrypt=KEY, fw_digest=False),
    # dependencies only, CompressedData inside EncryptedData
    "compressed-encrypted": dict(name=("preferred", A, 2), dependencies=[("preferred", B, 0)], firmware=b"fw-4 fw-4 fw-4",
                                 compress=True, encrypt=KEY),
}

if __name__ == "__main__":
    test = open(os.path.join(HERE, "..", "test_mutants_fwpkg_b.cpp")).read() if "--check" in sys.argv else None
    flat = re.sub(r'"\s*"', "", test) if test else ""
    bad = 0
    for n, kw in SPECS.items():
        der = LockrefIV(signer="example-signer", signing_time=False, **kw).build().hex()
        if test is None:
            print(n, der)
        elif der not in flat:
            print("differs:", n)
            bad = 1
    sys.exit(bad)
