#!/usr/bin/env python3
"""Packages and trust anchors for tests/test_mutants_fwpkg_v.cpp (the RFC 4108 signature check,
fwpkg/verify.hpp). Prints C++ string constants: correctly signed packages (fwpkg_builder.Package,
fixture keys of tests/oracle/fixtures/fwpkg/) and the anchors' SubjectPublicKeyInfo / key ids.

    /usr/bin/python3 tests/oracle/fwpkg_verify_cases_v.py [DIR]

With DIR, also writes each package to DIR/<name>.der (for openssl asn1parse / cms -verify).
ECDSA and RSASSA-PSS signatures are randomized (per-signature k, salt): a rerun prints other,
equally valid, signatures for those packages.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fwpkg_builder as b  # noqa: E402

CASES = [  # (C++ name, signer, scheme, hash)
    ("kRsaSha256", "ta_rsa2048", "pkcs1", "sha256"),
    ("kRsaSha512", "ta_rsa2048", "pkcs1", "sha512"),
    ("kPssSha256", "ta_rsa2048", "pss", "sha256"),
    ("kEcP256Sha256", "ta_p256", "ecdsa", "sha256"),
    ("kEcP384Sha384", "ta_p384", "ecdsa", "sha384"),
    ("kEcP256Sha512", "ta_p256", "ecdsa", "sha512"),
]


def chunks(h, n=100):
    return "\n".join('    "%s"' % h[i:i + n] for i in range(0, len(h), n))


for name, signer, scheme, hash_name in CASES:
    der = b.Package(signer=signer, scheme=scheme, hash=hash_name, firmware=b"fw", fw_digest=False,
                    signing_time=False).build()
    if len(sys.argv) > 1:
        with open(os.path.join(sys.argv[1], name + ".der"), "wb") as f:
            f.write(der)
    print("// %s, %s, %s\nconst char* const %s =\n%s;" % (signer, scheme, hash_name, name, chunks(der.hex())))
for k in ("ta_rsa2048", "ta_rsa1024", "ta_p256", "ta_p384"):
    print("// %s: SubjectPublicKeyInfo, subjectKeyIdentifier\n{\n%s,\n    \"%s\"}," % (k, chunks(b.key(k).spki.hex()), b.key(k).ski.hex()))
