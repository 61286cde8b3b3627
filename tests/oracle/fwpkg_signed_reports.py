#!/usr/bin/env python3
"""Expected bytes for tests/test_mutants_fwpkg_w.cpp, built without lockref (python3-asn1crypto,
python3-cryptography), from RFC 4108 §3.1.2/§4.1.2 (SignedData version 3, one digest algorithm,
one SignerInfo version 3 by subjectKeyIdentifier, signedAttrs content-type and message-digest,
no unsignedAttrs), RFC 5652 §5 and Appendix A's receipt / error-report types (fwpkg_builder.py).

    /usr/bin/python3 tests/oracle/fwpkg_signed_reports.py OUTDIR CERT.der

Signs with the published example RSA-2048 key (model/lockref/fwpkg/example_keys.hpp:
signer_private_key, signer_key_id) as the module key: RSASSA-PKCS1-v1_5 is deterministic, so the
bytes are exactly what a conforming writer must emit. CERT.der is a self-signed certificate of
that key (openssl req -x509, subjectKeyIdentifier=hash; the command is in the test's header).
Also the receipt of vectors/fwpkg-accept.json signed-receipt-with-certificate as the vector's own
P-256 module key signs it: ECDSA with RFC 6979 nonces (what crypto::ecdsa_sign documents),
recomputed here in pure Python and checked against RFC 6979 A.2.5. Writes receipt.der, error.der
and receipt_p256.der to OUTDIR (check them with openssl cms -verify) and prints every expected
value as hex.
"""
import hashlib
import hmac
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

# ---- ECDSA P-256 / SHA-256 with RFC 6979 deterministic nonces (pure Python, for exact bytes) ----
P256 = dict(p=0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff,
            a=0xffffffff00000001000000000000000000000000fffffffffffffffffffffffc,
            G=(0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296,
               0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5),
            n=0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551)


def _add(P, Q):
    p, a = P256["p"], P256["a"]
    if P is None:
        return Q
    if Q is None:
        return P
    if P[0] == Q[0] and (P[1] + Q[1]) % p == 0:
        return None
    if P == Q:
        m = (3 * P[0] * P[0] + a) * pow(2 * P[1], -1, p) % p
    else:
        m = (Q[1] - P[1]) * pow(Q[0] - P[0], -1, p) % p
    x = (m * m - P[0] - Q[0]) % p
    return x, (m * (P[0] - x) - P[1]) % p


def _mul(k, P):
    R = None
    while k:
        if k & 1:
            R = _add(R, P)
        P = _add(P, P)
        k >>= 1
    return R


def rfc6979_sign_p256(d, msg):
    """(r, s) per RFC 6979 §3.2 (HMAC-SHA-256, qlen = hlen = 256) and ECDSA (SEC 1 §4.1.3)."""
    n = P256["n"]
    h1 = hashlib.sha256(msg).digest()
    e = int.from_bytes(h1, "big")
    x = d.to_bytes(32, "big")
    h = (e % n).to_bytes(32, "big")  # bits2octets(h1)
    V, K = b"\x01" * 32, b"\x00" * 32
    K = hmac.new(K, V + b"\x00" + x + h, "sha256").digest()
    V = hmac.new(K, V, "sha256").digest()
    K = hmac.new(K, V + b"\x01" + x + h, "sha256").digest()
    V = hmac.new(K, V, "sha256").digest()
    while True:
        V = hmac.new(K, V, "sha256").digest()
        k = int.from_bytes(V, "big")
        if 1 <= k < n:
            r = _mul(k, P256["G"])[0] % n
            s = pow(k, -1, n) * (e + r * d) % n
            if r and s:
                return r, s
        K = hmac.new(K, V + b"\x00", "sha256").digest()
        V = hmac.new(K, V, "sha256").digest()


# RFC 6979 A.2.5, P-256 with SHA-256, message "sample"
assert rfc6979_sign_p256(0xC9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721, b"sample") == (
    0xEFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716,
    0xF7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8)


KEY = serialization.load_der_private_key(example("signer_private_key"), password=None)
KEY_ID = example("signer_key_id")


def alg(oid, params=b""):
    return b.tlv(0x30, b.der_oid(oid) + params)


# SHA-2 AlgorithmIdentifiers without parameters: RFC 5754 §2 "Implementations MUST generate SHA2
# AlgorithmIdentifiers with absent parameters" (asn1crypto's DigestAlgorithm would write NULL).
SHA256 = alg(b.HASHES["sha256"][1])


def rsa_signer(data):
    return KEY_ID, KEY.sign(data, padding.PKCS1v15(), hashes.SHA256()), alg("1.2.840.113549.1.1.11", b"\x05\x00")


def ecdsa_signer(key_id, d):
    def sign(data):
        r, s_ = rfc6979_sign_p256(d, data)
        sig = b.tlv(0x30, core.Integer(r).dump() + core.Integer(s_).dump())  # Ecdsa-Sig-Value (RFC 5753 §7.2)
        return key_id, sig, alg("1.2.840.10045.4.3.2")  # ecdsa-with-SHA256, no parameters (RFC 5758 §3.2)
    return sign


def signed(content_type, content, certs, signer=rsa_signer):
    """ContentInfo(id-signedData) as §3.1.2 describes it, in raw DER (RFC 5652 §5.1, §5.3)."""
    attrs = [b.attribute(b.ID_CONTENT_TYPE, b.der_oid(content_type)),
             b.attribute(b.ID_MESSAGE_DIGEST, core.OctetString(b.digest("sha256", content)).dump())]
    signed_set = b.tlv(0x31, b"".join(sorted(attrs)))  # DER SET OF: sorted encodings (X.690 §11.6)
    key_id, sig, sig_alg = signer(signed_set)
    si = b.tlv(0x30, core.Integer(3).dump() + b.tlv(0x80, key_id) + SHA256 + b"\xa0" + signed_set[1:] + sig_alg + b.tlv(0x04, sig))
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
    # the receipt of vectors/fwpkg-accept.json signed-receipt-with-certificate as it stands: the fixture
    # module key (tests/oracle/fixtures/fwpkg/module_p256.key) with its certificate
    v = vector("accept", "signed-receipt-with-certificate")
    st = v["request"]["loader_state"]
    name, ta = package_facts(bytes.fromhex(v["request"]["package_der"]))
    mk = st["module_key"]
    d = serialization.load_der_private_key(bytes.fromhex(mk["private_key"]), password=None).private_numbers().private_value
    rc = b.FirmwarePackageLoadReceipt({"hwType": st["hw_type"], "hwSerialNum": bytes.fromhex(st["serial"]),
                                       "fwPkgName": name, "trustAnchorKeyID": ta}).dump()
    res["receipt_p256"] = signed(b.ID_LOAD_RECEIPT, rc, [bytes.fromhex(mk["certificate"])],
                                 ecdsa_signer(bytes.fromhex(mk["key_id"]), d)).hex()
    open(os.path.join(out, "receipt_p256.der"), "wb").write(bytes.fromhex(res["receipt_p256"]))
    open(os.path.join(out, "module_p256.der"), "wb").write(bytes.fromhex(mk["certificate"]))
    open(os.path.join(out, "receipt.der"), "wb").write(bytes.fromhex(res["receipt"]))
    open(os.path.join(out, "error.der"), "wb").write(bytes.fromhex(res["error"]))
    json.dump(res, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
