#!/usr/bin/python3
"""Hand-built DER inputs for tests/test_mutants_fwpkg_p.cpp (the `lockref decode` structure
printer, fwpkg/print.hpp). Each value is written out field by field from the ASN.1 of
RFC 5652 (ContentInfo, SignedData, SignerInfo, EncryptedData, Attribute), RFC 3274
(CompressedData) and RFC 4108 Appendix A (the firmware attributes, FirmwarePackageLoadReceipt,
FirmwarePackageLoadError); nothing here comes from lockref. Signatures and digests are
placeholder octets: the printer does not verify.

    /usr/bin/python3 tests/oracle/fwpkg_print_inputs.py [NAME...]   # prints "NAME HEX" lines (spaces in NAME as _)

Offsets for the test's expectations: `openssl asn1parse -inform DER -i` of each hex (and
`-strparse N` for an eContent's value at offset N).
"""
import sys

from asn1crypto import core

import fwpkg_builder  # the oracle's DER TLV writer (same directory)

# RFC 5652 / RFC 4108 Appendix A / RFC 3274 / RFC 5754 / RFC 5758 / RFC 3565 object identifiers
SIGNED_DATA = "1.2.840.113549.1.7.2"
ENCRYPTED_DATA = "1.2.840.113549.1.7.6"
COMPRESSED_DATA = "1.2.840.113549.1.9.16.1.9"
FW_PACKAGE = "1.2.840.113549.1.9.16.1.16"
LOAD_RECEIPT = "1.2.840.113549.1.9.16.1.17"
LOAD_ERROR = "1.2.840.113549.1.9.16.1.18"
CONTENT_TYPE = "1.2.840.113549.1.9.3"
MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
SIGNING_TIME = "1.2.840.113549.1.9.5"
CONTENT_HINTS = "1.2.840.113549.1.9.16.2.4"
FW_PKG_ID = "1.2.840.113549.1.9.16.2.35"
TARGET_HW = "1.2.840.113549.1.9.16.2.36"
DECRYPT_KEY_ID = "1.2.840.113549.1.9.16.2.37"
IMPL_CRYPTO = "1.2.840.113549.1.9.16.2.38"
WRAPPED_KEY = "1.2.840.113549.1.9.16.2.39"
COMMUNITIES = "1.2.840.113549.1.9.16.2.40"
FW_PKG_DIGEST = "1.2.840.113549.1.9.16.2.41"
FW_PKG_INFO = "1.2.840.113549.1.9.16.2.42"
IMPL_COMPRESS = "1.2.840.113549.1.9.16.2.43"
ZLIB = "1.2.840.113549.1.9.16.3.8"
SHA256 = "2.16.840.1.101.3.4.2.1"
ECDSA_SHA256 = "1.2.840.10045.4.3.2"
AES128_CBC = "2.16.840.1.101.3.4.1.2"
AES128_WRAP = "2.16.840.1.101.3.4.1.5"
HW = "1.3.6.1.4.1.221121.1.1.42"
OTHER_HW = "1.3.6.1.4.1.221121.1.1.48"
PKG_A = "1.3.6.1.4.1.221121.2.1"
COMMUNITY = "1.3.6.1.4.1.221121.3.1"


def tlv(tag, content=b""):
    """One DER TLV: fwpkg_builder.tlv, with empty content by default."""
    return fwpkg_builder.tlv(tag, content)


def seq(*parts):
    return tlv(0x30, b"".join(parts))


def oid(dotted):
    return core.ObjectIdentifier(dotted).dump()


def integer(v):
    return core.Integer(v).dump()


def octets(b):
    return tlv(0x04, b)


def alg(o, params=b""):
    return seq(oid(o), params)


def attr(o, *values):
    return seq(oid(o), tlv(0x31, b"".join(values)))


def content_info(ctype, content):
    return seq(oid(ctype), tlv(0xA0, content))


def signed_data(econtent_type, econtent, signer_infos, certificates=b"", crls=b"", trailing=b""):
    encap = seq(oid(econtent_type), tlv(0xA0, octets(econtent)) if econtent is not None else b"")
    return seq(integer(3), tlv(0x31, alg(SHA256)), encap, certificates, crls, tlv(0x31, signer_infos), trailing)


def signer_info(signed_attrs, unsigned_attrs=None, trailing=b""):
    return seq(integer(3), tlv(0x80, bytes(range(1, 21))), alg(SHA256), tlv(0xA0, signed_attrs), alg(ECDSA_SHA256),
               octets(bytes(range(0xA0, 0xA0 + 40))), tlv(0xA1, unsigned_attrs) if unsigned_attrs is not None else b"",
               trailing)


def preferred(o, v):
    return seq(oid(o), integer(v))


# 1. A signed firmware package carrying every RFC 4108 §2.2 attribute kind.
full_attrs = b"".join([
    attr(CONTENT_TYPE, oid(FW_PACKAGE)),
    attr(MESSAGE_DIGEST, octets(bytes(range(32)))),                      # 32 octets: printed whole
    attr(SIGNING_TIME, core.UTCTime("240501120000Z").dump()),
    attr(FW_PKG_ID, seq(octets(b"fw-\"legacy\"\x01"), octets(b"old"))),  # legacy name, legacyStaleVersion
    attr(TARGET_HW, seq(oid(HW), oid(OTHER_HW))),
    attr(DECRYPT_KEY_ID, octets(bytes(range(0x40, 0x40 + 33)))),         # 33 octets: shortened
    attr(IMPL_CRYPTO, seq(oid(AES128_CBC))),
    attr(COMMUNITIES, seq(oid(COMMUNITY), seq(oid(HW), seq(tlv(0x05), octets(b"\x07"))))),
    attr(IMPL_COMPRESS, seq(oid(ZLIB))),
    attr(FW_PKG_DIGEST, seq(alg(SHA256), octets(bytes(range(0x80, 0xA0))))),
    attr(FW_PKG_INFO, seq(integer(-2), seq(octets(b"dep"), preferred(PKG_A, 5)))),
    attr(CONTENT_HINTS, seq(tlv(0x0C, b"x\x7f~ "), oid(FW_PACKAGE))),
])
wrapped = attr(WRAPPED_KEY, seq(integer(2), tlv(0x31, tlv(0xA2, integer(4) + seq(octets(b"\x0b")) + alg(AES128_WRAP) +
                                                          octets(bytes(24)))),
                                seq(oid(FW_PACKAGE), alg(AES128_CBC, octets(bytes(16))))))
FULL = content_info(SIGNED_DATA, signed_data(FW_PACKAGE, b"firmware", signer_info(full_attrs, wrapped),
                                             certificates=tlv(0xA0, seq(integer(5))), crls=tlv(0xA1, seq())))

# 2. EncryptedData (RFC 5652 §8) with unprotectedAttrs, inside SignedData; preferred name and
#    stale version at the 64-bit boundaries.
enc = seq(integer(0), seq(oid(FW_PACKAGE), alg(AES128_CBC, octets(bytes(16))), tlv(0x80, bytes(range(16)))),
          tlv(0xA1, attr(SIGNING_TIME, core.UTCTime("240101000000Z").dump())))
enc_attrs = attr(CONTENT_TYPE, oid(ENCRYPTED_DATA)) + attr(FW_PKG_ID, seq(
    seq(oid(PKG_A), tlv(0x02, bytes.fromhex("7fffffffffffffff"))),      # 8 octets: a 64-bit number
    tlv(0x02, bytes.fromhex("00ffffffffffffffff"))))                     # 9 octets: hex
ENCRYPTED = content_info(SIGNED_DATA, signed_data(ENCRYPTED_DATA, enc, signer_info(enc_attrs)))

# 3. CompressedData (RFC 3274) inside SignedData.
comp = seq(integer(0), alg(ZLIB), seq(oid(FW_PACKAGE), tlv(0xA0, octets(bytes.fromhex("789c030000000001")))))
COMPRESSED = content_info(SIGNED_DATA, signed_data(COMPRESSED_DATA, comp, signer_info(attr(CONTENT_TYPE, oid(COMPRESSED_DATA)))))

# 4. A signed load receipt (RFC 4108 §3): version, trustAnchorKeyID, decryptKeyID [1].
receipt = seq(integer(2), oid(HW), octets(bytes.fromhex("0102")), preferred(PKG_A, 3), octets(b"\xaa"), tlv(0x81, b"\xbb"))
SIGNED_RECEIPT = content_info(SIGNED_DATA, signed_data(LOAD_RECEIPT, receipt, signer_info(attr(CONTENT_TYPE, oid(LOAD_RECEIPT)))))

# 5. A load error report (RFC 4108 §4) with every optional field; config [1] holds a
#    CurrentFWConfig with fwPkgType and one without.
REPORT = content_info(LOAD_ERROR, seq(integer(2), oid(HW), octets(b"\x01"), tlv(0x0A, b"\x1f"), integer(-7),
                                      octets(b"pkg"),
                                      tlv(0xA1, seq(integer(1), preferred(PKG_A, 2)) + seq(octets(b"x")))))

# 6. Malformed tails: one small package (or receipt, or error report) per structure, with a NULL
#    (05 00) after that structure's last field. RFC 5652 / RFC 4108 end each of these SEQUENCEs
#    there, so the printer must say where the bytes stop matching (print.hpp's header comment).
NULL = tlv(0x05)


def tail(target):
    """Builds the small input for `target`, with the NULL inside that structure."""
    def j(name):
        return NULL if name == target else b""

    attrs = (seq(oid(FW_PKG_ID), tlv(0x31, seq(seq(oid(PKG_A), integer(1), j("name")), j("FirmwarePackageIdentifier"))),
                 j("Attribute")) +
             attr(FW_PKG_DIGEST, seq(alg(SHA256), octets(b"\x11"), j("FirmwarePackageMessageDigest"))) +
             attr(FW_PKG_INFO, seq(integer(1), seq(), j("FirmwarePackageInfo"))))
    si = seq(integer(3), tlv(0x80, b"\x01"), alg(SHA256), tlv(0xA0, attrs), alg(ECDSA_SHA256), octets(b"\x22"), j("SignerInfo"))
    if target in ("content", "encryptedContentInfo", "EncryptedData"):
        ctype = ENCRYPTED_DATA
        econtent = seq(integer(0), seq(oid(FW_PACKAGE), alg(AES128_CBC), tlv(0x80, b"\x33"), j("encryptedContentInfo")),
                       j("EncryptedData")) + j("content")
    elif target in ("CompressedData", "compressed encapContentInfo"):
        ctype = COMPRESSED_DATA
        econtent = seq(integer(0), alg(ZLIB), seq(oid(FW_PACKAGE), tlv(0xA0, octets(b"\x44")), j("compressed encapContentInfo")),
                       j("CompressedData"))
    else:
        ctype, econtent = FW_PACKAGE, b"\x55"
    encap = seq(oid(ctype), tlv(0xA0, octets(econtent) + j("eContent [0]")), j("encapContentInfo"))
    sd = seq(integer(3), tlv(0x31), encap, tlv(0x31, si), j("SignedData"))
    if target == "FirmwarePackageLoadReceipt":
        return content_info(LOAD_RECEIPT, seq(oid(HW), octets(b"\x01"), octets(b"r"), NULL))
    if target in ("FirmwarePackageLoadError", "CurrentFWConfig", "ContentInfo", "content [0]"):
        cfg = tlv(0xA1, seq(octets(b"c"), j("CurrentFWConfig"))) if target != "ContentInfo" else b""
        rep = seq(oid(HW), octets(b"\x01"), tlv(0x0A, b"\x01"), cfg, j("FirmwarePackageLoadError"))
        return seq(oid(LOAD_ERROR), tlv(0xA0, rep + j("content [0]")), j("ContentInfo"))
    return content_info(SIGNED_DATA, sd)


TAILS = ["name", "FirmwarePackageIdentifier", "FirmwarePackageInfo", "FirmwarePackageMessageDigest", "Attribute",
         "SignerInfo", "encapContentInfo", "eContent [0]", "SignedData", "content", "encryptedContentInfo",
         "EncryptedData", "CompressedData", "compressed encapContentInfo", "FirmwarePackageLoadReceipt",
         "FirmwarePackageLoadError", "CurrentFWConfig", "ContentInfo", "content [0]"]

# 7. Nesting: SignedData whose eContent (type 1.2.3.4, unknown: printed as plain ASN.1) is n
#    SEQUENCEs one inside the other; eContent is not covered by the whole-input BER check.
def nested(n):
    v = seq()
    for _ in range(n - 1):
        v = seq(v)
    return content_info(SIGNED_DATA, seq(integer(3), tlv(0x31), seq(oid("1.2.3.4"), tlv(0xA0, octets(v))), tlv(0x31)))


INPUTS = {"full": FULL, "encrypted": ENCRYPTED, "compressed": COMPRESSED, "signed_receipt": SIGNED_RECEIPT,
          "report": REPORT, "nested59": nested(59), "nested60": nested(60)}
INPUTS.update({"tail:" + t: tail(t) for t in TAILS})

if __name__ == "__main__":
    for name, der in INPUTS.items():
        shown = name.replace(" ", "_")
        if len(sys.argv) < 2 or shown in sys.argv[1:] or name in sys.argv[1:]:
            print(shown, der.hex())
