#!/usr/bin/env python3
"""Independent oracle for lockref's RFC 4108 loader (fwpkg.evaluate, fwpkg.verify).

  python3 test_fwpkg.py <lockref-binary> <source-dir>

1. Every case of fwpkg_cases.py is built afresh by fwpkg_builder.py (new ECDSA and PSS
   signatures each run); each package meant to carry a valid signature is verified with
   `openssl cms -verify` before lockref sees it, each deliberately broken signature must be
   refused by openssl too. lockref's decision, error code and new state must be what the case
   states from RFC 4108's text and what the builder's loader model computes.
2. lockref's load receipts and error reports (signed by the module key) are checked with
   `openssl asn1parse`, `openssl cms -verify` against the module certificate, and decoded by
   fwpkg_builder.decode_report: fields, DEFAULT version left out, signer, attributes.
3. Plain CMS packages made by `openssl cms -sign -keyid` (RSA PKCS #1 v1.5, RSA-PSS, ECDSA P-256
   and P-384): lockref verifies their signatures, refuses tampered ones, and the loader refuses
   them as badSignedAttrs because openssl cannot add RFC 4108's required attributes (§2.2).
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fwpkg_builder as b  # noqa: E402  (re-executes under /usr/bin/python3 for the Debian packages)
import fwpkg_cases  # noqa: E402

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what)


def openssl(args, data=None):
    return subprocess.run(["openssl"] + args, input=data, capture_output=True)


def cms_verify(der, cert):
    """openssl cms -verify; cert None: the signer's certificate must be in the message."""
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "in.der")
        out = os.path.join(d, "out.bin")
        open(p, "wb").write(der)
        r = openssl(["cms", "-verify", "-inform", "DER", "-in", p] + (["-certfile", cert] if cert else []) +
                    ["-noverify", "-binary", "-out", out])
        return r.returncode == 0, (open(out, "rb").read() if r.returncode == 0 else r.stderr.decode())


def lockref_eval(binary, requests):
    r = subprocess.run([binary, "eval"], input="\n".join(json.dumps(q) for q in requests) + "\n",
                       capture_output=True, text=True, check=True)
    answers = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    assert len(answers) == len(requests), r.stderr
    return answers


def check_report(case, ans, pkg):
    """Receipts (§3) and error reports (§4) of one answer."""
    state = case.state
    if "serial" not in state:
        check("receipt_der" not in ans and "error_report_der" not in ans,
              "%s: no serial number, so no receipt or error report (§3, §4 'MUST have a unique serial number')" % case.id)
        return
    if case.profile == "seagate":
        return
    der = bytes.fromhex(ans.get("receipt_der") or ans.get("error_report_der") or "")
    accepted = case.expect.startswith("accept")
    check(bool(der), "%s: a %s was produced" % (case.id, "receipt" if accepted else "error report"))
    if not der:
        return
    r = openssl(["asn1parse", "-inform", "DER"], der)
    check(r.returncode == 0, "%s: openssl asn1parse reads the report" % case.id)
    kind, f, signed, sid = b.decode_report(der)
    if "module_key" not in state:
        check(not signed, "%s: no signing key, so an unsigned report (§3.1.1, §4.1.1)" % case.id)
    else:
        embedded = "certificate" in state["module_key"]
        ok, content = cms_verify(der, None if embedded else b.key("module_p256").cert_path)
        check(ok, "%s: openssl cms -verify accepts the signed report%s (%s)" %
              (case.id, " with the certificate it carries" if embedded else "", "" if ok else content))
        check(signed and f["signed_data_version"] == 3 and f["signer_version"] == 3,
              "%s: signed report, SignedData and SignerInfo version 3 (§3.1.2)" % case.id)
        check(f["signers"] == 1 and f["digest_algorithms"] == 1, "%s: one SignerInfo, one digest algorithm (§3.1.2)" % case.id)
        check(sid == b.key("module_p256").ski, "%s: sid is the module key identifier" % case.id)
        check(f["signed_attrs"] == sorted([b.ID_CONTENT_TYPE, b.ID_MESSAGE_DIGEST]) and not f["unsigned_attrs"],
              "%s: content-type and message-digest signed, no unsigned attributes (§3.2)" % case.id)
    check(not f["version_encoded"], "%s: version DEFAULT v1 left out of the DER" % case.id)
    check(f["hwType"] == state["hw_type"] and f["hwSerialNum"].hex() == state["serial"], "%s: hwType, hwSerialNum" % case.id)
    if accepted:
        check(kind == "receipt", "%s: a receipt" % case.id)
        check(f["fwPkgName"] == pkg.name, "%s: receipt fwPkgName %r" % (case.id, f["fwPkgName"]))
        check(f["trustAnchorKeyID"] == b.key(pkg.signer).ski, "%s: receipt trustAnchorKeyID" % case.id)
        want = pkg.encrypt["key_id"] if pkg.encrypt else None
        check(f["decryptKeyID"] == want, "%s: decryptKeyID only for a decrypted package (§3.1.3)" % case.id)
    else:
        check(kind == "error", "%s: an error report" % case.id)
        check(f["errorCode"] == b.ERROR_CODES[case.expect], "%s: errorCode %s" % (case.id, f["errorCode"]))
        if f["config"] is not None:
            check(len(f["config"]) == len(state["installed"]), "%s: config lists the installed packages" % case.id)


def test_cases(binary):
    cases = fwpkg_cases.cases()
    requests, built = [], []
    for case in cases:
        der = case.package.build()
        pkg = case.package
        if pkg.signed_correctly():
            ok, err = cms_verify(der, b.key(pkg.signer).cert_path)
            check(ok, "%s: openssl cms -verify accepts the package (%s)" % (case.id, err if not ok else ""))
        elif pkg.corrupt_signature or pkg.tamper_econtent:
            ok, _ = cms_verify(der, b.key(pkg.signer).cert_path)
            check(not ok, "%s: openssl cms -verify refuses the broken signature too" % case.id)
        req = {"op": "fwpkg.evaluate", "loader_state": case.state, "package_der": der.hex()}
        if case.profile is not None:
            req["profile"] = case.profile
        requests.append(req)
        built.append(der)
    answers = lockref_eval(binary, requests)
    for case, ans in zip(cases, answers):
        check(ans.get("ok") is True, "%s: lockref answered (%s)" % (case.id, ans.get("error")))
        if not ans.get("ok"):
            continue
        if case.expect.startswith("accept"):
            cap = case.profile.get("stale_capacity", 0) if isinstance(case.profile, dict) else 0
            want, warn = b.accept(case.state, case.package, rollback_floor=case.rollback_floor, stale_capacity=cap)
            check(ans["decision"] == "accept", "%s: accepted (got %s %s)" % (case.id, ans.get("error"), ans.get("detail")))
            check(ans["new_state"] == want, "%s: new state" % case.id)
            check(("warning" in ans) == (case.expect == "accept+warning") == warn,
                  "%s: the §1.2.3 downgrade warning exactly when an earlier version replaces a later one" % case.id)
        else:
            check(ans["decision"] == "reject" and ans.get("error") == case.expect,
                  "%s: refused as %s (got %s: %s)" % (case.id, case.expect, ans.get("error"), ans.get("detail")))
            check(ans["new_state"] == case.state, "%s: a refused package changes nothing" % case.id)
            check(isinstance(ans.get("offset"), int) and 0 <= ans["offset"] <= len(built[cases.index(case)]),
                  "%s: the offset is inside the package" % case.id)
        check_report(case, ans, case.package)
    print("ok   %d RFC 4108 cases (%d codes)" % (len(cases), len({c.expect for c in cases})))


def test_openssl_signed(binary):
    firmware = os.urandom(3000)
    requests, expect = [], []
    with tempfile.TemporaryDirectory() as d:
        fw = os.path.join(d, "fw.bin")
        open(fw, "wb").write(firmware)
        for signer, md, opts in [("ta_rsa2048", "sha256", []),
                                 ("ta_rsa2048", "sha384", ["-keyopt", "rsa_padding_mode:pss", "-keyopt", "rsa_pss_saltlen:-1"]),
                                 ("ta_p256", "sha256", []), ("ta_p384", "sha384", [])]:
            k = b.key(signer)
            out = os.path.join(d, signer + md + ".der")
            r = openssl(["cms", "-sign", "-binary", "-nodetach", "-keyid", "-nocerts", "-nosmimecap",
                         "-econtent_type", b.ID_FIRMWARE_PACKAGE, "-md", md, "-signer", k.cert_path, "-inkey",
                         os.path.join(b.FIXTURES, signer + ".key"), "-in", fw, "-outform", "DER", "-out", out] + opts)
            check(r.returncode == 0, "openssl cms -sign %s: %s" % (signer, r.stderr.decode()))
            der = open(out, "rb").read()
            ok, content = cms_verify(der, k.cert_path)
            check(ok and content == firmware, "openssl cms -verify its own %s package" % signer)
            anchors = [b.trust_anchor(a) for a in ("ta_rsa2048", "ta_p256", "ta_p384")]
            requests.append({"op": "fwpkg.verify", "package_der": der.hex(), "trust_anchors": anchors})
            expect.append((signer + "/" + md + " plain CMS", "valid"))
            bad = bytearray(der)
            at = der.find(firmware[:16])
            bad[at + 5] ^= 0x01
            requests.append({"op": "fwpkg.verify", "package_der": bytes(bad).hex(), "trust_anchors": anchors})
            expect.append((signer + "/" + md + " tampered", "signatureFailure"))
            requests.append({"op": "fwpkg.evaluate", "loader_state": b.module_state(), "package_der": der.hex()})
            expect.append((signer + "/" + md + " as a firmware package", "badSignedAttrs"))
            requests.append({"op": "fwpkg.verify", "package_der": der.hex(), "trust_anchors": anchors[1:] if signer == "ta_rsa2048" else anchors[:1]})
            expect.append((signer + "/" + md + " without its trust anchor", "noTrustAnchor"))
    answers = lockref_eval(binary, requests)
    for (what, want), ans in zip(expect, answers):
        got = ans.get("signature") if want == "valid" else ans.get("error")
        check(got == want, "%s: %s (got %s)" % (what, want, json.dumps(ans)[:300]))
        if want == "valid":
            check(bytes.fromhex(ans["econtent"]) == firmware and ans["econtent_type"] == b.ID_FIRMWARE_PACKAGE,
                  "%s: eContent is the firmware" % what)
    print("ok   %d checks of openssl cms -sign packages" % len(requests))


def main():
    binary = sys.argv[1]
    test_cases(binary)
    test_openssl_signed(binary)
    if FAILURES:
        print("%d failure(s)" % len(FAILURES))
        sys.exit(1)


if __name__ == "__main__":
    main()
