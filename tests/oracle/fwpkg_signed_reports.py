#!/usr/bin/env python3
"""Expected bytes for tests/test_mutants_fwpkg_w.cpp, built without lockref (python3-asn1crypto,
python3-cryptography), from RFC 4108 §3.1.2/§4.1.2 (SignedData version 3, one digest algorithm,
one SignerInfo version 3 by subjectKeyIdentifier, signedAttrs content-type and message-digest,
no unsignedAttrs), RFC 5652 §5 and Appendix A's receipt / error-report types (fwpkg_builder.py).

    /usr/bin/python3 tests/oracle/fwpkg_signed_reports.py OUTDIR CERT.der

Signs with the published example RSA-2048 key (model/lockref/fwpkg/example_keys.hpp:
signer_private_key, signer_key_id) as the module key: RSASSA-PKCS1-v1_5 is deterministic, so the
bytes are exactly what a conforming writer must emit. CERT.der is a self-signed certificate of
that key (openssl req -x509, subjectKeyIdentifier=hash). Writes receipt.der / error.der to OUTDIR
(check them with openssl cms -verify) and prints every expected value as hex.
"""
import json
import os
import re
import sys

import fwpkg_builder as b  # re-execs under /usr/bin/python3 when needed
from asn1crypto import cms, core
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def example(name):
    text = open(os.path.join(ROOT, "model", "lockref", "fwpkg", "example_keys.hpp")).read()
    m = re.search(name + r" =\s*((?:\s*\"[0-9a-f]*\")+);", text)
    return bytes.fromhex("".join(re.findall(r"\"([0-9a-f]*)\"", m.group(1))))


def vector(file, vid):
    for v in json.load(open(os.path.join(ROOT, "vectors", "fwpkg-%s.json" % file)))["vectors"]:
        if v["id"] == vid:
            return v
    raise KeyError(vid)


def name_obj(n):
    if n["type"] == "preferred":
        return b.name_value(("preferred", n["oid"], n["version"]))
    return b.name_value(("legacy", bytes.fromhex(n["name"])))


def package_facts(der):
    """The package's firmware-package-identifier name and its SignerInfo sid (the anchor's key id)."""
    ci = cms.ContentInfo.load(der)
    si = ci["content"]["signer_infos"][0]
    name = None
    for a in si["signed_attrs"]:
        if a["type"].dotted == b.ID_FW_PKG_ID:
            fid = b.FirmwarePackageIdentifier.load(a["values"][0].dump())
            name = fid["name"]
    return name, si["sid"].chosen.native


KEY = serialization.load_der_private_key(example("signer_private_key"), password=None)
KEY_ID = example("signer_key_id")


def alg(oid, params=b""):
    return b.tlv(0x30, b.der_oid(oid) + params)


# SHA-2 AlgorithmIdentifiers without parameters: RFC 5754 §2 "Implementations MUST generate SHA2
# AlgorithmIdentifiers with absent parameters" (asn1crypto's DigestAlgorithm would write NULL).
SHA256 = alg(b.HASHES["sha256"][1])


def signed(content_type, content, certs):
    """ContentInfo(id-signedData) as §3.1.2 describes it, in raw DER (RFC 5652 §5.1, §5.3)."""
    attrs = [b.attribute(b.ID_CONTENT_TYPE, b.der_oid(content_type)),
             b.attribute(b.ID_MESSAGE_DIGEST, core.OctetString(b.digest("sha256", content)).dump())]
    signed_set = b.tlv(0x31, b"".join(sorted(attrs)))  # DER SET OF: sorted encodings (X.690 §11.6)
    sig = KEY.sign(signed_set, padding.PKCS1v15(), hashes.SHA256())
    si = b.tlv(0x30, core.Integer(3).dump() + b.tlv(0x80, KEY_ID) + SHA256 + b"\xa0" + signed_set[1:] +
               alg("1.2.840.113549.1.1.11", b"\x05\x00") + b.tlv(0x04, sig))  # sha256WithRSAEncryption, NULL (RFC 4055 §5)
    sd = (core.Integer(3).dump() + b.tlv(0x31, SHA256) +
          b.tlv(0x30, b.der_oid(content_type) + b.tlv(0xA0, b.tlv(0x04, content))) +
          (b.tlv(0xA0, b"".join(sorted(certs))) if certs else b"") + b.tlv(0x31, si))
    return b.tlv(0x30, b.der_oid(b.ID_SIGNED_DATA) + b.tlv(0xA0, b.tlv(0x30, sd)))


def main():
    out, cert_path = sys.argv[1], sys.argv[2]
    cert = open(cert_path, "rb").read()
    res = {"cert": cert.hex()}
    # AlgorithmIdentifiers (RFC 4055 §5 / RFC 5758 §3.2 / RFC 4055 §3.1) as asn1crypto writes them
    for scheme in ("pkcs1", "ecdsa"):
        for h in ("sha256", "sha384", "sha512"):
            res["alg_%s_%s" % (scheme, h)] = b.signature_algorithm(scheme, h).dump().hex()
    for h in ("sha256", "sha384", "sha512"):  # RFC 4055 §3.1 RSASSA-PSS-params, hash params absent (above)
        ha = alg(b.HASHES[h][1])
        res["alg_pss_" + h] = alg("1.2.840.113549.1.1.10", b.tlv(0x30, b.tlv(0xA0, ha) + b.tlv(0xA1, alg("1.2.840.113549.1.1.8", ha)) +
                                                                b.tlv(0xA2, core.Integer(b.hashes_by_name(h).digest_size).dump()))).hex()
    # PreferredOrLegacyPackageIdentifier (§2.2.3)
    res["name_preferred"] = b.name_value(("preferred", "1.3.6.1.4.1.221121.2.1", 300)).dump().hex()
    res["name_legacy"] = b.name_value(("legacy", b"fw-1.2.3")).dump().hex()
    # receipt for accepting vectors/fwpkg-accept.json plain-rsa-pkcs1, module cert included (§3.1.2)
    v = vector("accept", "plain-rsa-pkcs1")
    st = v["request"]["loader_state"]
    name, ta = package_facts(bytes.fromhex(v["request"]["package_der"]))
    rc = b.FirmwarePackageLoadReceipt({"hwType": st["hw_type"], "hwSerialNum": bytes.fromhex(st["serial"]),
                                       "fwPkgName": name, "trustAnchorKeyID": ta}).dump()
    res["receipt"] = signed(b.ID_LOAD_RECEIPT, rc, [cert]).hex()
    # error report for vectors/fwpkg-codes.json breaksDependency (36), config of the installed packages (§4.1.3)
    v = vector("codes", "breaksDependency")
    st = v["request"]["loader_state"]
    name, _ = package_facts(bytes.fromhex(v["request"]["package_der"]))
    cfg = b.CurrentFWConfigs([b.CurrentFWConfig({"fwPkgName": name_obj(i["name"])}) for i in st["installed"]])
    er = b.FirmwarePackageLoadError({"hwType": st["hw_type"], "hwSerialNum": bytes.fromhex(st["serial"]),
                                     "errorCode": "breaksDependency", "fwPkgName": name, "config": cfg}).dump()
    res["error"] = signed(b.ID_LOAD_ERROR, er, []).hex()
    open(os.path.join(out, "receipt.der"), "wb").write(bytes.fromhex(res["receipt"]))
    open(os.path.join(out, "error.der"), "wb").write(bytes.fromhex(res["error"]))
    json.dump(res, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
