#!/usr/bin/env python3
"""Writes vectors/fwpkg-{codes,accept,seagate,errata}.json from fwpkg_cases.py: each vector is a
package built by fwpkg_builder.py (python3-asn1crypto + python3-cryptography, keys made by
openssl), the loader state and profile, and the decision RFC 4108 requires, with the new state
an independent loader model (fwpkg_builder.accept) computes. Every package whose signature is
meant to verify is checked with `openssl cms -verify` first.

  python3 tests/oracle/gen_fwpkg_vectors.py            (from the source tree)
"""
import json
import os
import subprocess
import sys
import tempfile

import fwpkg_builder as b  # noqa: F401  (re-executes under /usr/bin/python3 if needed)
import fwpkg_cases

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DESCRIPTIONS = {
    "codes": "Every RFC 4108 §4.1.3 FirmwarePackageLoadErrorCode a loader can produce (otherError aside), each from a package broken in exactly that way.",
    "accept": "Packages an RFC 4108 loader accepts, and what it keeps: installed packages, stale versions (§1.2.3), the downgrade warning.",
    "seagate": "The Seagate CC guide's firmware download (seed 000) as a profile of the loader: RSA-4096 PSS by the ROM key, rollback by security version.",
    "errata": "The profile choices of spec/errata.md (RFC 4108 leaves them open): each vector shows the choice lockref makes.",
}


def openssl_verify(der, signer):
    with tempfile.NamedTemporaryFile(suffix=".der") as f:
        f.write(der)
        f.flush()
        r = subprocess.run(["openssl", "cms", "-verify", "-inform", "DER", "-in", f.name, "-certfile",
                            b.key(signer).cert_path, "-noverify", "-binary", "-out", os.devnull],
                           capture_output=True, text=True)
        return r.returncode == 0, r.stderr


def expectation(case, der):
    req = {"op": "fwpkg.evaluate"}
    if case.profile is not None:
        req["profile"] = case.profile
    req["loader_state"] = case.state
    req["package_der"] = der.hex()
    if case.expect.startswith("accept"):
        cap = case.profile.get("stale_capacity", 0) if isinstance(case.profile, dict) else 0
        new_state, _ = b.accept(case.state, case.package, rollback_floor=case.rollback_floor, stale_capacity=cap)
        exp = {"decision": "accept", "new_state": new_state}
    else:
        exp = {"decision": "reject", "error_code": b.ERROR_CODES[case.expect], "error": case.expect, "new_state": case.state}
    return req, exp


def main():
    files = {}
    for case in fwpkg_cases.cases():
        der = case.package.build()
        if case.package.signed_correctly():
            ok, err = openssl_verify(der, case.package.signer)
            if not ok:
                sys.exit("openssl cms -verify refused %s: %s" % (case.id, err))
        req, exp = expectation(case, der)
        files.setdefault(case.file, []).append({
            "id": case.id,
            "provenance": "RFC 4108 " + case.section + "; package by tests/oracle/fwpkg_builder.py" +
                          ("; signature checked with openssl cms -verify" if case.package.signed_correctly() else ""),
            "request": req, "expect": exp})
    for name, vectors in files.items():
        doc = {"topic": "fwpkg-" + name, "description": DESCRIPTIONS[name],
               "provenance": "tests/oracle/gen_fwpkg_vectors.py: packages built independently of lockref by "
                             "tests/oracle/fwpkg_builder.py (python3-asn1crypto, python3-cryptography) with the "
                             "openssl-made keys of tests/oracle/fixtures/fwpkg; expected decisions from RFC 4108's "
                             "text (each vector names its section), new states from the builder's loader model.",
               "vectors": vectors}
        path = os.path.join(ROOT, "vectors", "fwpkg-%s.json" % name)
        with open(path, "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        print("wrote %s (%d vectors)" % (path, len(vectors)))


if __name__ == "__main__":
    main()
