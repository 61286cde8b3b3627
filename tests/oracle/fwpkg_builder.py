#!/usr/bin/env python3
"""Independent RFC 4108 firmware-package builder and decoder (python3-asn1crypto,
python3-cryptography; Debian packages).

Builds CMS-protected firmware packages (RFC 4108 §2) carrying the §2.2 signed attributes
(firmware-package-identifier, target-hardware-module-identifiers, decrypt-key-identifier,
community-identifiers, firmware-package-info, firmware-package-message-digest, ...), optionally
compressed (RFC 3274, zlib) and encrypted (EncryptedData, AES-CBC; the key optionally wrapped
in the §2.3.1 wrapped-firmware-decryption-key attribute with AES key wrap), and deliberately
malformed variants for every FirmwarePackageLoadErrorCode (§4.1.3). Decodes load receipts and
error reports (§3, §4). Written from the RFC's text and ASN.1 module (Appendix A); nothing
here is taken from lockref's code. Keys and certificates: fixtures/fwpkg/ (made by openssl,
see make.sh).

Also an independent model of what an accepting loader does to its state (§1.2.3, §1.3),
used to state the expected new state of the vectors.
"""
import copy
import datetime
import hashlib
import json
import os
import sys
import zlib

try:
    import asn1crypto  # noqa: F401
except ImportError:  # the Debian packages live in the system interpreter
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

from asn1crypto import algos, cms, core  # noqa: E402
from asn1crypto import x509 as asn1_x509  # noqa: E402
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa  # noqa: E402
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes  # noqa: E402
from cryptography.hazmat.primitives.keywrap import aes_key_wrap  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures", "fwpkg")

# ---- object identifiers (RFC 4108 Appendix A, RFC 5652, RFC 3274, RFC 3565, RFC 4055) ----
ID_DATA = "1.2.840.113549.1.7.1"
ID_SIGNED_DATA = "1.2.840.113549.1.7.2"
ID_ENCRYPTED_DATA = "1.2.840.113549.1.7.6"
ID_COMPRESSED_DATA = "1.2.840.113549.1.9.16.1.9"
ID_FIRMWARE_PACKAGE = "1.2.840.113549.1.9.16.1.16"
ID_LOAD_RECEIPT = "1.2.840.113549.1.9.16.1.17"
ID_LOAD_ERROR = "1.2.840.113549.1.9.16.1.18"
ID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
ID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
ID_SIGNING_TIME = "1.2.840.113549.1.9.5"
ID_CONTENT_HINTS = "1.2.840.113549.1.9.16.2.4"
ID_FW_PKG_ID = "1.2.840.113549.1.9.16.2.35"
ID_TARGET_HW = "1.2.840.113549.1.9.16.2.36"
ID_DECRYPT_KEY_ID = "1.2.840.113549.1.9.16.2.37"
ID_IMPL_CRYPTO = "1.2.840.113549.1.9.16.2.38"
ID_WRAPPED_KEY = "1.2.840.113549.1.9.16.2.39"
ID_COMMUNITIES = "1.2.840.113549.1.9.16.2.40"
ID_FW_PKG_DIGEST = "1.2.840.113549.1.9.16.2.41"
ID_FW_PKG_INFO = "1.2.840.113549.1.9.16.2.42"
ZLIB = "1.2.840.113549.1.9.16.3.8"
AES_CBC = {16: "2.16.840.1.101.3.4.1.2", 24: "2.16.840.1.101.3.4.1.22", 32: "2.16.840.1.101.3.4.1.42"}
AES_WRAP = {16: "2.16.840.1.101.3.4.1.5", 24: "2.16.840.1.101.3.4.1.25", 32: "2.16.840.1.101.3.4.1.45"}
DES_EDE3_CBC = "1.2.840.113549.3.7"
HASHES = {"sha1": (hashes.SHA1, "1.3.14.3.2.26"), "sha256": (hashes.SHA256, "2.16.840.1.101.3.4.2.1"),
          "sha384": (hashes.SHA384, "2.16.840.1.101.3.4.2.2"), "sha512": (hashes.SHA512, "2.16.840.1.101.3.4.2.3")}

ERROR_CODES = {
    "decodeFailure": 1, "badContentInfo": 2, "badSignedData": 3, "badEncapContent": 4, "badCertificate": 5,
    "badSignerInfo": 6, "badSignedAttrs": 7, "badUnsignedAttrs": 8, "missingContent": 9, "noTrustAnchor": 10,
    "notAuthorized": 11, "badDigestAlgorithm": 12, "badSignatureAlgorithm": 13, "unsupportedKeySize": 14,
    "signatureFailure": 15, "contentTypeMismatch": 16, "badEncryptedData": 17, "unprotectedAttrsPresent": 18,
    "badEncryptContent": 19, "badEncryptAlgorithm": 20, "missingCiphertext": 21, "noDecryptKey": 22,
    "decryptFailure": 23, "badCompressAlgorithm": 24, "missingCompressedContent": 25, "decompressFailure": 26,
    "wrongHardware": 27, "stalePackage": 28, "notInCommunity": 29, "unsupportedPackageType": 30,
    "missingDependency": 31, "wrongDependencyVersion": 32, "insufficientMemory": 33, "badFirmware": 34,
    "unsupportedParameters": 35, "breaksDependency": 36, "otherError": 99,
}

# ---- RFC 4108 Appendix A types (asn1crypto) ------------------------------------------------


class PreferredPackageIdentifier(core.Sequence):
    _fields = [("fwPkgID", core.ObjectIdentifier), ("verNum", core.Integer)]


class PreferredOrLegacyPackageIdentifier(core.Choice):
    _alternatives = [("preferred", PreferredPackageIdentifier), ("legacy", core.OctetString)]


class PreferredOrLegacyStalePackageIdentifier(core.Choice):
    _alternatives = [("preferredStaleVerNum", core.Integer), ("legacyStaleVersion", core.OctetString)]


class FirmwarePackageIdentifier(core.Sequence):
    _fields = [("name", PreferredOrLegacyPackageIdentifier),
               ("stale", PreferredOrLegacyStalePackageIdentifier, {"optional": True})]


class OidList(core.SequenceOf):
    _child_spec = core.ObjectIdentifier


class SerialBlock(core.Sequence):
    _fields = [("low", core.OctetString), ("high", core.OctetString)]


class HardwareSerialEntry(core.Choice):
    _alternatives = [("all", core.Null), ("single", core.OctetString), ("block", SerialBlock)]


class HardwareSerialEntries(core.SequenceOf):
    _child_spec = HardwareSerialEntry


class HardwareModules(core.Sequence):
    _fields = [("hwType", core.ObjectIdentifier), ("hwSerialEntries", HardwareSerialEntries)]


class CommunityIdentifier(core.Choice):
    _alternatives = [("communityOID", core.ObjectIdentifier), ("hwModuleList", HardwareModules)]


class CommunityIdentifiers(core.SequenceOf):
    _child_spec = CommunityIdentifier


class Dependencies(core.SequenceOf):
    _child_spec = PreferredOrLegacyPackageIdentifier


class FirmwarePackageInfo(core.Sequence):
    _fields = [("fwPkgType", core.Integer, {"optional": True}), ("dependencies", Dependencies, {"optional": True})]


class FirmwarePackageMessageDigest(core.Sequence):
    _fields = [("algorithm", algos.DigestAlgorithm), ("msgDigest", core.OctetString)]


class ContentHints(core.Sequence):
    _fields = [("contentDescription", core.UTF8String, {"optional": True}), ("contentType", core.ObjectIdentifier)]


class FirmwarePackageLoadReceipt(core.Sequence):
    _fields = [("version", core.Integer, {"default": 1}), ("hwType", core.ObjectIdentifier),
               ("hwSerialNum", core.OctetString), ("fwPkgName", PreferredOrLegacyPackageIdentifier),
               ("trustAnchorKeyID", core.OctetString, {"optional": True}),
               ("decryptKeyID", core.OctetString, {"implicit": 1, "optional": True})]


class FirmwarePackageLoadErrorCode(core.Enumerated):
    _map = {v: k for k, v in ERROR_CODES.items()}


class CurrentFWConfig(core.Sequence):
    _fields = [("fwPkgType", core.Integer, {"optional": True}), ("fwPkgName", PreferredOrLegacyPackageIdentifier)]


class CurrentFWConfigs(core.SequenceOf):
    _child_spec = CurrentFWConfig


class FirmwarePackageLoadError(core.Sequence):
    _fields = [("version", core.Integer, {"default": 1}), ("hwType", core.ObjectIdentifier),
               ("hwSerialNum", core.OctetString), ("errorCode", FirmwarePackageLoadErrorCode),
               ("vendorErrorCode", core.Integer, {"optional": True}),
               ("fwPkgName", PreferredOrLegacyPackageIdentifier, {"optional": True}),
               ("config", CurrentFWConfigs, {"implicit": 1, "optional": True})]


# ---- raw DER pieces for what asn1crypto will not write (malformed packages) -----------------

def tlv(tag, content):
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + length + content


def der_oid(dotted):
    return core.ObjectIdentifier(dotted).dump()


def attribute(oid, value_der, values=1):
    return tlv(0x30, der_oid(oid) + tlv(0x31, value_der * values))


def name_value(name):
    """name: ("preferred", oid, version) or ("legacy", bytes)."""
    if name[0] == "preferred":
        return PreferredOrLegacyPackageIdentifier({"preferred": {"fwPkgID": name[1], "verNum": name[2]}})
    return PreferredOrLegacyPackageIdentifier({"legacy": name[1]})


def community(c):
    """A CommunityIdentifier from {"communityOID": oid} or {"hwModuleList": {"hwType", "hwSerialEntries"}}."""
    if "hwModuleList" not in c:
        return CommunityIdentifier(c)
    h = c["hwModuleList"]
    entries = []
    for e in h["hwSerialEntries"]:
        if "all" in e:
            entries.append(HardwareSerialEntry({"all": core.Null()}))
        elif "single" in e:
            entries.append(HardwareSerialEntry({"single": e["single"]}))
        else:
            entries.append(HardwareSerialEntry({"block": SerialBlock(e["block"])}))
    return CommunityIdentifier({"hwModuleList": HardwareModules({"hwType": h["hwType"],
                                                                 "hwSerialEntries": HardwareSerialEntries(entries)})})


# ---- keys ---------------------------------------------------------------------------------

class Key:
    def __init__(self, name):
        self.name = name
        with open(os.path.join(FIXTURES, name + ".key"), "rb") as f:
            self.private = serialization.load_pem_private_key(f.read(), password=None)
        self.cert_path = os.path.join(FIXTURES, name + ".crt")
        with open(self.cert_path, "rb") as f:
            self.cert = x509.load_pem_x509_certificate(f.read())
        self.spki = self.private.public_key().public_bytes(serialization.Encoding.DER,
                                                           serialization.PublicFormat.SubjectPublicKeyInfo)
        self.ski = self.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
        self.pkcs8 = self.private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption())
        self.is_rsa = isinstance(self.private, rsa.RSAPrivateKey)

    def sign(self, data, scheme, hash_name, salt=None):
        h = HASHES[hash_name][0]()
        if scheme in ("pkcs1", "pkcs1-rsaenc"):
            return self.private.sign(data, padding.PKCS1v15(), h)
        if scheme == "pss":
            return self.private.sign(data, padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size if salt is None else salt), h)
        if scheme == "ecdsa":
            return self.private.sign(data, ec.ECDSA(h))
        raise ValueError(scheme)


_keys = {}


def key(name):
    if name not in _keys:
        _keys[name] = Key(name)
    return _keys[name]


def symmetric():
    with open(os.path.join(FIXTURES, "symmetric.json")) as f:
        return {k: bytes.fromhex(v) for k, v in json.load(f).items()}


def signature_algorithm(scheme, hash_name, salt=None):
    if scheme == "pkcs1":
        return algos.SignedDigestAlgorithm({"algorithm": hash_name + "_rsa"})
    if scheme == "pkcs1-rsaenc":
        return algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15"})
    if scheme == "ecdsa":
        return algos.SignedDigestAlgorithm({"algorithm": hash_name + "_ecdsa"})
    if scheme == "pss":
        h = hashes_by_name(hash_name)
        return algos.SignedDigestAlgorithm({"algorithm": "rsassa_pss", "parameters": {
            "hash_algorithm": {"algorithm": hash_name},
            "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": {"algorithm": hash_name}},
            "salt_length": h.digest_size if salt is None else salt}})
    raise ValueError(scheme)


def hashes_by_name(n):
    return HASHES[n][0]()


def digest(hash_name, data):
    return hashlib.new(hash_name, data).digest()


# ---- the package --------------------------------------------------------------------------

HW = "1.3.6.1.4.1.221121.1.1.42"      # the hardware module type of the test module
OTHER_HW = "1.3.6.1.4.1.221121.1.1.48"
PKG_A = "1.3.6.1.4.1.221121.2.1"
PKG_B = "1.3.6.1.4.1.221121.2.2"
COMMUNITY = "1.3.6.1.4.1.221121.3.1"
OTHER_COMMUNITY = "1.3.6.1.4.1.221121.3.2"
SERIAL = bytes.fromhex("0102030405060708")
SEAGATE_HW = "1.3.6.1.4.1.221121.9.1"
SEAGATE_FW = "1.3.6.1.4.1.221121.9.2"


class Package:
    """A package and every knob that breaks it. build() returns (der, facts) where facts is
    what an RFC 4108 loader learns from it (for the loader model below)."""

    def __init__(self, name=("preferred", PKG_A, 1), **kw):
        self.name = name
        self.stale = None                 # ("preferred", n) | ("legacy", bytes)
        self.targets = [HW]
        self.communities = None           # list of CommunityIdentifier dicts (asn1crypto)
        self.pkg_type = None
        self.dependencies = None          # list of names
        self.firmware = b"lockref test firmware " + repr(name).encode()
        self.compress = False
        self.encrypt = None               # {"key_id": bytes, "key": bytes, "wrap": None | {"kek_id", "kek"}}
        self.fw_digest = True
        self.content_hints = None         # (description, content type oid)
        self.signing_time = True
        self.signer = "ta_rsa2048"
        self.scheme = "pkcs1"
        self.hash = "sha256"
        self.pss_salt = None
        # malformations
        self.content_info_type = ID_SIGNED_DATA
        self.signed_data_version = 3
        self.digest_algorithms = None     # list of hash names (default [hash])
        self.econtent_type = None         # override
        self.omit_econtent = False
        self.content_type_attr = None     # override of the content-type attribute value
        self.certificates = []            # DER CertificateChoices elements
        self.signer_version = 3
        self.sid_issuer_serial = False
        self.sid_override = None
        self.signer_digest = None         # SignerInfo.digestAlgorithm override (hash name)
        self.sig_alg_override = None      # SignedDigestAlgorithm
        self.omit_attrs = set()
        self.extra_attrs = []             # raw Attribute DER
        self.unsorted_attrs = False
        self.attr_values = {}             # oid -> number of copies of the value
        self.corrupt_signature = False
        self.tamper_econtent = False      # change the eContent after signing
        self.unsigned_attrs = []          # raw Attribute DER
        self.encrypted_version = 0
        self.encrypted_length_form = "der"  # "long" (non-minimal, definite) | "indefinite" (BER inside eContent)
        self.unprotected_attrs = False
        self.enc_content_type = None
        self.omit_ciphertext = False
        self.enc_alg = None               # override OID
        self.wrong_key = False            # encrypt under another key than the one named
        self.wrap_alg_mismatch = False    # the wrapped key's EnvelopedData names another content algorithm
        self.compressed_version = 0
        self.compress_alg = ZLIB
        self.compressed_econtent_type = ID_FIRMWARE_PACKAGE
        self.omit_compressed_content = False
        self.corrupt_zlib = False
        self.bad_fw_digest = False
        self.two_signers = False
        self.trailing = b""
        self.truncate = 0
        for k, v in kw.items():
            if not hasattr(self, k):
                raise AttributeError(k)
            setattr(self, k, v)

    # -- layers --
    def _compressed(self, data):
        z = zlib.compress(data, 9)
        if self.corrupt_zlib:
            z = z[:len(z) // 2] + bytes(b ^ 0x5A for b in z[len(z) // 2:])
        encap = {"content_type": self.compressed_econtent_type}
        if not self.omit_compressed_content:
            encap["content"] = z
        return cms.CompressedData({"version": self.compressed_version, "compression_algorithm": {"algorithm": self.compress_alg},
                                   "encap_content_info": encap}).dump()

    def _encrypted(self, inner_type, data):
        e = self.encrypt
        pad = 16 - len(data) % 16
        for attempt in range(1000):
            k = hashlib.sha256(b"not the key %d" % attempt).digest()[:len(e["key"])] if self.wrong_key else e["key"]
            iv = hashlib.sha256(b"iv " + e["key_id"]).digest()[:16]
            enc = Cipher(algorithms.AES(k), modes.CBC(iv)).encryptor()
            ct = enc.update(data + bytes([pad]) * pad) + enc.finalize()
            if not self.wrong_key:
                break
            # under the right key this must not even unpad (RFC 5652 §6.3): CBC has no integrity,
            # so a wrong key that happened to leave valid padding would not be a decryptFailure
            dec = Cipher(algorithms.AES(e["key"]), modes.CBC(iv)).decryptor()
            pt = dec.update(ct) + dec.finalize()
            n = pt[-1]
            if not (1 <= n <= 16 and pt[-n:] == bytes([n]) * n):
                break
        alg_oid = self.enc_alg or AES_CBC[len(e["key"])]
        alg = tlv(0x30, der_oid(alg_oid) + tlv(0x04, iv))
        eci = der_oid(self.enc_content_type or inner_type) + alg
        if not self.omit_ciphertext:
            eci += tlv(0x80, ct)
        body = core.Integer(self.encrypted_version).dump() + tlv(0x30, eci)
        if self.unprotected_attrs:
            body += tlv(0xA1, attribute(ID_SIGNING_TIME, core.UTCTime(datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)).dump()))
        self._eci_for_wrap = (self.enc_content_type or inner_type, alg)
        if self.encrypted_length_form == "long":
            return bytes([0x30, 0x83]) + len(body).to_bytes(3, "big") + body
        if self.encrypted_length_form == "indefinite":
            return bytes([0x30, 0x80]) + body + b"\x00\x00"
        return tlv(0x30, body)

    def _wrapped_key_attr(self):
        w = self.encrypt["wrap"]
        wrapped = aes_key_wrap(w["kek"], self.encrypt["key"])
        ctype, alg = self._eci_for_wrap
        if self.wrap_alg_mismatch:
            real = AES_CBC[len(self.encrypt["key"])]
            other = AES_CBC[16] if len(self.encrypt["key"]) != 16 else AES_CBC[32]
            alg = tlv(0x30, der_oid(other) + alg[2 + len(der_oid(real)):])
        kekri = tlv(0xA2, core.Integer(4).dump() + tlv(0x30, tlv(0x04, w["kek_id"])) +
                    tlv(0x30, der_oid(AES_WRAP[len(w["kek"])])) + tlv(0x04, wrapped))
        env = tlv(0x30, core.Integer(2).dump() + tlv(0x31, kekri) + tlv(0x30, der_oid(ctype) + alg))
        return attribute(ID_WRAPPED_KEY, env)

    def content(self):
        """(eContentType, eContent)"""
        data = self.firmware
        ctype = ID_FIRMWARE_PACKAGE
        if self.compress:
            data, ctype = self._compressed(data), ID_COMPRESSED_DATA
        if self.encrypt:
            data, ctype = self._encrypted(ctype, data), ID_ENCRYPTED_DATA
        return ctype, data

    def signed_attrs(self, ctype, econtent):
        a = {}
        a[ID_CONTENT_TYPE] = der_oid(self.content_type_attr or ctype)
        a[ID_MESSAGE_DIGEST] = core.OctetString(digest(self.hash, econtent)).dump()
        a[ID_FW_PKG_ID] = FirmwarePackageIdentifier({"name": name_value(self.name), **(
            {"stale": {"preferredStaleVerNum": self.stale[1]} if self.stale[0] == "preferred" else {"legacyStaleVersion": self.stale[1]}}
            if self.stale else {})}).dump()
        a[ID_TARGET_HW] = OidList(self.targets).dump()
        if self.encrypt:
            a[ID_DECRYPT_KEY_ID] = core.OctetString(self.encrypt["key_id"]).dump()
        if self.communities is not None:
            a[ID_COMMUNITIES] = CommunityIdentifiers([community(c) for c in self.communities]).dump()
        if self.pkg_type is not None or self.dependencies is not None:
            info = {}
            if self.pkg_type is not None:
                info["fwPkgType"] = self.pkg_type
            if self.dependencies is not None:
                info["dependencies"] = Dependencies([name_value(d) for d in self.dependencies])
            a[ID_FW_PKG_INFO] = FirmwarePackageInfo(info).dump()
        if self.fw_digest:
            d = digest("sha256", self.firmware)
            if self.bad_fw_digest:
                d = bytes(b ^ 0xFF for b in d)
            a[ID_FW_PKG_DIGEST] = FirmwarePackageMessageDigest({"algorithm": {"algorithm": "sha256"}, "msgDigest": d}).dump()
        if self.content_hints:
            hints = {"contentType": self.content_hints[1]}
            if self.content_hints[0] is not None:
                hints["contentDescription"] = self.content_hints[0]
            a[ID_CONTENT_HINTS] = ContentHints(hints).dump()
        if self.signing_time:
            a[ID_SIGNING_TIME] = core.UTCTime(datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.timezone.utc)).dump()
        attrs = [attribute(o, v, self.attr_values.get(o, 1)) for o, v in a.items() if o not in self.omit_attrs]
        attrs += self.extra_attrs
        attrs.sort()
        if self.unsorted_attrs:
            attrs.reverse()
        return tlv(0x31, b"".join(attrs))

    def signer_info(self, ctype, econtent):
        k = key(self.signer)
        attrs = self.signed_attrs(ctype, econtent)
        sig = k.sign(attrs, self.scheme, self.hash, self.pss_salt)
        if self.corrupt_signature:
            sig = sig[:-1] + bytes([sig[-1] ^ 1])
        if self.sid_issuer_serial:
            sid = cms.SignerIdentifier({"issuer_and_serial_number": {
                "issuer": asn1_x509.Name.load(k.cert.issuer.public_bytes()), "serial_number": k.cert.serial_number}})
        else:
            sid = cms.SignerIdentifier({"subject_key_identifier": self.sid_override or k.ski})
        si = cms.SignerInfo({
            "version": self.signer_version, "sid": sid,
            "digest_algorithm": {"algorithm": self.signer_digest or self.hash},
            "signed_attrs": cms.CMSAttributes.load(attrs),
            "signature_algorithm": self.sig_alg_override or signature_algorithm(self.scheme, self.hash, self.pss_salt),
            "signature": sig})
        if self.unsigned_attrs or (self.encrypt and self.encrypt.get("wrap")):
            un = list(self.unsigned_attrs)
            if self.encrypt and self.encrypt.get("wrap"):
                un.append(self._wrapped_key_attr())
            si["unsigned_attrs"] = cms.CMSAttributes.load(tlv(0x31, b"".join(sorted(un))))
        return si

    def build(self):
        ctype, econtent = self.content()
        si = self.signer_info(ctype, econtent)
        if self.tamper_econtent:
            econtent = econtent[:-1] + bytes([econtent[-1] ^ 1])
        raw = der_oid(self.econtent_type or ctype)
        if not self.omit_econtent:
            raw += tlv(0xA0, tlv(0x04, econtent))
        encap = cms.EncapsulatedContentInfo.load(tlv(0x30, raw))
        sd = cms.SignedData({
            "version": 3,  # patched below: asn1crypto reads other versions as PKCS #7
            "digest_algorithms": [{"algorithm": h} for h in (self.digest_algorithms or [self.hash])],
            "encap_content_info": encap,
            "signer_infos": [si, si] if self.two_signers else [si]})
        sd_der = sd.dump()
        if self.signed_data_version != 3:
            parts = list(_elements(core.Sequence.load(sd_der).contents))
            parts[0] = core.Integer(self.signed_data_version).dump()
            sd_der = tlv(0x30, b"".join(parts))
        if self.certificates:
            # certificates [0] IMPLICIT SET OF CertificateChoices, after encapContentInfo
            body = core.Sequence.load(sd_der).contents
            parts = list(_elements(body))
            parts.insert(3, tlv(0xA0, b"".join(self.certificates)))
            sd_der = tlv(0x30, b"".join(parts))
        der = tlv(0x30, der_oid(self.content_info_type) + tlv(0xA0, sd_der))
        if self.truncate:
            der = der[:-self.truncate]
        return der + self.trailing

    def signed_correctly(self):
        """Is the signature one openssl cms -verify must accept?"""
        return not (self.corrupt_signature or self.tamper_econtent or self.sig_alg_override or self.two_signers
                    or self.truncate or self.trailing or self.sid_issuer_serial or self.sid_override
                    or self.content_info_type != ID_SIGNED_DATA or self.omit_econtent or self.unsorted_attrs
                    or self.attr_values or self.signer_digest or self.digest_algorithms or self.econtent_type
                    or self.signer_version != 3 or self.signed_data_version not in (1, 3) or self.certificates
                    or self.hash == "sha1" or self.content_type_attr)


def _elements(body):
    i = 0
    while i < len(body):
        n = body[i + 1]
        if n < 0x80:
            h, length = 2, n
        else:
            k = n & 0x7F
            h, length = 2 + k, int.from_bytes(body[i + 2:i + 2 + k], "big")
        yield body[i:i + h + length]
        i += h + length


# ---- the loader's state (lockref's loader_state JSON) and an independent loader model ------

def name_json(name):
    if name[0] == "preferred":
        return {"type": "preferred", "oid": name[1], "version": name[2]}
    return {"type": "legacy", "name": name[1].hex()}


def trust_anchor(name, authorized=True):
    k = key(name)
    return {"key_id": k.ski.hex(), "public_key": k.spki.hex(), "firmware_signer": authorized}


def module_state(anchors=("ta_rsa2048", "ta_p256", "ta_p384"), **kw):
    sym = symmetric()
    s = {"hw_type": HW, "serial": SERIAL.hex(),
         "trust_anchors": [trust_anchor(a) for a in anchors],
         "communities": [COMMUNITY], "installed": [], "stale_legacy": [], "stale": [],
         "decrypt_keys": [{"id": b"fw-key-1".hex(), "key": sym["cek_aes128"].hex()},
                          {"id": b"kek-1".hex(), "key": sym["kek_aes256"].hex()}],
         "module_key": {"key_id": key("module_p256").ski.hex(), "private_key": key("module_p256").pkcs8.hex()}}
    s.update(kw)
    return s


def installed(name, pkg_type=None, deps=()):
    """An installed package as lockref's loader_state writes it (keys in its order)."""
    e = {"name": name_json(name)}
    if pkg_type is not None:
        e["type"] = pkg_type
    e["dependencies"] = [name_json(d) for d in deps]
    return e


def _legacy_family(b):
    out, i = [], 0
    while i < len(b):
        if 0x30 <= b[i] <= 0x39:
            while i < len(b) and 0x30 <= b[i] <= 0x39:
                i += 1
            out.append(None)
        else:
            out.append(b[i])
            i += 1
    return out


def _legacy_key(b):
    """Natural order within a family: the digit runs as numbers."""
    nums, i = [], 0
    while i < len(b):
        if 0x30 <= b[i] <= 0x39:
            j = i
            while j < len(b) and 0x30 <= b[j] <= 0x39:
                j += 1
            nums.append(int(b[i:j]))
            i = j
        else:
            i += 1
    return nums


def _same(a, b):
    if a["type"] != b["type"]:
        return False
    if a["type"] == "preferred":
        return a["oid"] == b["oid"]
    return _legacy_family(bytes.fromhex(a["name"])) == _legacy_family(bytes.fromhex(b["name"]))


def _version(n):
    return n["version"] if n["type"] == "preferred" else _legacy_key(bytes.fromhex(n["name"]))


def accept(state, pkg, rollback_floor=False, stale_capacity=0):
    """What an accepting loader keeps (§1.2.3, §1.2.3.1, §1.2.3.2): the package replaces the one
    of its identity or joins the configuration; a stale version it designates is remembered
    (never lowered; the oldest entry leaves a full list, §6.3). Returns (new state, warning?)."""
    s = copy.deepcopy(state)
    name = name_json(pkg.name)
    entry = installed(pkg.name, pkg.pkg_type, pkg.dependencies or [])
    warning = False
    for i, e in enumerate(s["installed"]):
        if _same(e["name"], name):
            warning = _version(name) < _version(e["name"])
            s["installed"][i] = entry
            break
    else:
        s["installed"].append(entry)

    def remember_pref(oid, v):
        for i, e in enumerate(s["stale"]):
            if e["oid"] == oid:
                s["stale"].pop(i)
                v = max(v, e["version"])
                break
        else:
            if stale_capacity and len(s["stale"]) >= stale_capacity:
                s["stale"].pop(0)
        s["stale"].append({"oid": oid, "version": v})

    if pkg.stale:
        if pkg.stale[0] == "preferred":
            remember_pref(pkg.name[1], pkg.stale[1])
        else:
            new = pkg.stale[1]
            for i, e in enumerate(s["stale_legacy"]):
                old = bytes.fromhex(e)
                if _legacy_family(old) == _legacy_family(new):
                    s["stale_legacy"].pop(i)
                    if _legacy_key(old) > _legacy_key(new):
                        new = old
                    break
            else:
                if stale_capacity and len(s["stale_legacy"]) >= stale_capacity:
                    s["stale_legacy"].pop(0)
            s["stale_legacy"].append(new.hex())
    if rollback_floor and pkg.name[0] == "preferred" and pkg.name[2] > 0:
        remember_pref(pkg.name[1], pkg.name[2] - 1)
    return s, warning


# ---- receipts and error reports ---------------------------------------------------------------

def decode_report(der):
    """A receipt or error report, signed or not -> (kind, fields dict, signed?, signer sid)."""
    ci = cms.ContentInfo.load(der)
    ct = ci["content_type"].dotted
    signed = ct == ID_SIGNED_DATA
    sid = None
    if signed:
        sd = ci["content"]
        encap = sd["encap_content_info"]
        ct = encap["content_type"].dotted
        body = encap["content"].contents
        si = sd["signer_infos"][0]
        sid = si["sid"].chosen.native
        fields = {"signed_data_version": int(sd["version"].native[1:]), "signer_version": int(si["version"].native[1:]),
                  "signers": len(sd["signer_infos"]), "digest_algorithms": len(sd["digest_algorithms"]),
                  "signed_attrs": sorted(a["type"].dotted for a in si["signed_attrs"]),
                  "unsigned_attrs": si["unsigned_attrs"].native is not None and len(si["unsigned_attrs"]) > 0}
    else:
        explicit = list(_elements(core.Sequence.load(der).contents))[1]  # content [0] EXPLICIT
        body = list(_elements(explicit[2:] if explicit[1] < 0x80 else explicit[2 + (explicit[1] & 0x7F):]))[0]
        fields = {}
    if ct == ID_LOAD_RECEIPT:
        r = FirmwarePackageLoadReceipt.load(body)
        fields.update({"hwType": r["hwType"].dotted, "hwSerialNum": r["hwSerialNum"].native,
                       "fwPkgName": _name_native(r["fwPkgName"]),
                       "trustAnchorKeyID": r["trustAnchorKeyID"].native, "decryptKeyID": r["decryptKeyID"].native,
                       "version_encoded": body[2] == 0x02})
        return "receipt", fields, signed, sid
    if ct == ID_LOAD_ERROR:
        e = FirmwarePackageLoadError.load(body)
        fields.update({"hwType": e["hwType"].dotted, "hwSerialNum": e["hwSerialNum"].native,
                       "errorCode": ERROR_CODES[e["errorCode"].native],
                       "vendorErrorCode": e["vendorErrorCode"].native,
                       "fwPkgName": _name_native(e["fwPkgName"]) if e["fwPkgName"].native is not None else None,
                       "config": [_name_native(c["fwPkgName"]) for c in e["config"]] if e["config"].native is not None else None,
                       "version_encoded": body[2] == 0x02})
        return "error", fields, signed, sid
    raise ValueError("not a receipt or error report: " + ct)


def _name_native(n):
    if n.name == "preferred":
        return ("preferred", n.chosen["fwPkgID"].dotted, n.chosen["verNum"].native)
    return ("legacy", n.chosen.native)
