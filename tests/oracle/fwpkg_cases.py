"""The RFC 4108 cases lockref's loader is checked against: every FirmwarePackageLoadErrorCode
(§4.1.3) a loader can produce, the accepting paths, the Seagate profile (seed 000) and the
errata's profile choices. Each case: a package (fwpkg_builder.Package), the loader state, the
profile, and what RFC 4108 says must happen, stated here from the RFC's words (the section is
given) — never taken from lockref. Used by gen_fwpkg_vectors.py (vectors/fwpkg-*.json) and by
test_fwpkg.py (the same cases rebuilt at test time)."""
import datetime

from asn1crypto import algos, core

import fwpkg_builder as b
from fwpkg_builder import (COMMUNITY, HW, ID_COMPRESSED_DATA, ID_DATA, ID_SIGNING_TIME, OTHER_COMMUNITY, OTHER_HW, PKG_A,
                           PKG_B, SEAGATE_FW, SEAGATE_HW, Package, attribute, installed, module_state, symmetric, tlv)


def A(v):
    return ("preferred", PKG_A, v)


def B(v):
    return ("preferred", PKG_B, v)


class Case:
    def __init__(self, cid, section, package, expect, state=None, profile=None, note="", file="codes"):
        self.id = cid
        self.section = section
        self.package = package
        self.expect = expect          # an error code name, or "accept" / "accept+warning"
        self.state = state if state is not None else module_state()
        self.profile = profile        # None (rfc4108), "seagate" or a dict
        self.note = note
        self.file = file

    @property
    def rollback_floor(self):
        return self.profile == "seagate"


def enc(key_id=b"fw-key-1", wrap=False):
    sym = symmetric()
    if wrap:
        return {"key_id": key_id, "key": sym["cek_aes256"], "wrap": {"kek_id": b"kek-1", "kek": sym["kek_aes256"]}}
    return {"key_id": key_id, "key": sym["cek_aes128"], "wrap": None}


def utc_time():
    return core.UTCTime(datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)).dump()


def seagate_state(version, anchor="ta_rsa4096"):
    s = module_state(anchors=(anchor,), hw_type=SEAGATE_HW, communities=[], decrypt_keys=[])
    s.pop("serial")
    s.pop("module_key")
    s["installed"] = [installed(("preferred", SEAGATE_FW, version))]
    s["stale"] = [{"oid": SEAGATE_FW, "version": version - 1}] if version > 0 else []
    return s


def cases():
    sym = symmetric()
    out = []

    def add(*a, **k):
        out.append(Case(*a, **k))

    # ---- every §4.1.3 code ------------------------------------------------------------
    add("decodeFailure-truncated", "§4.1.3 decodeFailure: not BER", Package(A(1), truncate=10), "decodeFailure")
    add("badContentInfo-not-signed-data", "§2.1.1 contentType MUST be id-signedData",
        Package(A(1), content_info_type=ID_DATA), "badContentInfo")
    add("badSignedData-version-1", "§2.1.2 version MUST be 3", Package(A(1), signed_data_version=1), "badSignedData")
    add("badSignedData-two-digest-algorithms", "§2.1.2 digestAlgorithms: a single identifier",
        Package(A(1), digest_algorithms=["sha256", "sha384"]), "badSignedData")
    add("badSignedData-two-signers", "§2.1.2 signerInfos: exactly one SignerInfo", Package(A(1), two_signers=True), "badSignedData")
    add("badEncapContent-data", "§2.1.2.2 eContentType MUST be encryptedData, compressedData or firmwarePackage",
        Package(A(1), econtent_type=ID_DATA), "badEncapContent")
    add("badCertificate-attribute-certificate", "§2.1.2 attribute certificates MUST NOT be included",
        Package(A(1), certificates=[tlv(0xA1, tlv(0x30, b"\x02\x01\x01"))]), "badCertificate")
    add("badCertificate-malformed", "§4.1.3 badCertificate: invalid syntax of a certificate",
        Package(A(1), certificates=[tlv(0x30, b"\x02\x01\x01")]), "badCertificate")
    add("badSignerInfo-version-1", "§2.1.2.1 SignerInfo version MUST be 3",
        Package(A(1), signer_version=1, sid_issuer_serial=True), "badSignerInfo")
    add("badSignedAttrs-no-package-id", "§2.2 the signer MUST include firmware-package-identifier",
        Package(A(1), omit_attrs={b.ID_FW_PKG_ID}), "badSignedAttrs")
    add("badSignedAttrs-no-target-hardware", "§2.2 the signer MUST include target-hardware-module-identifiers",
        Package(A(1), omit_attrs={b.ID_TARGET_HW}), "badSignedAttrs")
    add("badSignedAttrs-not-der-order", "§2.1.2.1 the SET OF attributes MUST be DER encoded",
        Package(A(1), unsorted_attrs=True), "badSignedAttrs")
    add("badSignedAttrs-two-values", "§2.2 exactly one AttributeValue",
        Package(A(1), attr_values={b.ID_TARGET_HW: 2}), "badSignedAttrs")
    add("badSignedAttrs-encrypted-without-key-id", "§2.2 encrypted: decrypt-key-identifier MUST be included",
        Package(A(1), encrypt=enc(), omit_attrs={b.ID_DECRYPT_KEY_ID}), "badSignedAttrs")
    add("badSignedAttrs-duplicate", "§2.2 the SignedAttributes MUST include only one instance of any particular attribute",
        Package(A(1), extra_attrs=[attribute(b.ID_TARGET_HW, b.OidList([OTHER_HW]).dump())]), "badSignedAttrs")
    add("badSignedAttrs-content-hints-one-field", "§2.2.12 both fields MUST be present",
        Package(A(1), content_hints=(None, b.ID_FIRMWARE_PACKAGE)), "badSignedAttrs")
    add("badSignedAttrs-content-hints-type", "§2.2.12 contentType MUST be id-ct-firmwarePackage",
        Package(A(1), content_hints=("x", ID_DATA)), "badSignedAttrs")
    add("badUnsignedAttrs-two-values", "§2.3 exactly one AttributeValue",
        Package(A(1), unsigned_attrs=[attribute(b.ID_WRAPPED_KEY, core.OctetString(b"x").dump(), 2)]), "badUnsignedAttrs")
    add("badUnsignedAttrs-two-wrapped-keys", "§2.3 only one instance of any particular attribute",
        Package(A(1), unsigned_attrs=[attribute(b.ID_WRAPPED_KEY, core.OctetString(b"x").dump()),
                                      attribute(b.ID_WRAPPED_KEY, core.OctetString(b"y").dump())]), "badUnsignedAttrs")
    add("badUnsignedAttrs-wrapped-key-algorithm", "§2.3.1 contentEncryptionAlgorithm MUST exactly match the EncryptedData's",
        Package(A(1), encrypt=enc(key_id=b"fw-key-2", wrap=True), wrap_alg_mismatch=True), "badUnsignedAttrs")
    add("badEncapContent-compressed-type", "§2.1.4.1 eContentType MUST be id-ct-firmwarePackage",
        Package(A(1), compress=True, compressed_econtent_type=ID_DATA), "badEncapContent")
    add("notInCommunity-no-serial", "§2.2.8 without the serial number the module is not on a list of modules",
        Package(A(1), communities=[{"hwModuleList": {"hwType": HW, "hwSerialEntries": [{"all": None}]}}]), "notInCommunity",
        state={k: v for k, v in module_state().items() if k != "serial"})
    add("notInCommunity-no-memberships", "§2.2.8 no mechanism for community OIDs: behave as though the list is empty",
        Package(A(1), communities=[{"communityOID": COMMUNITY}]), "notInCommunity", state=module_state(communities=[]))
    add("badUnsignedAttrs-other-attribute", "§2.3 only the wrapped-firmware-decryption-key attribute",
        Package(A(1), unsigned_attrs=[attribute("1.3.6.1.4.1.221121.99.2", core.OctetString(b"x").dump())]), "badUnsignedAttrs")
    add("missingContent", "§4.1.3 missingContent: eContent is required", Package(A(1), omit_econtent=True), "missingContent")
    add("noTrustAnchor", "§1.2.3 validate the signature to a trust anchor; §4.1.3 noTrustAnchor",
        Package(A(1), signer="ta_other"), "noTrustAnchor")
    st = module_state()
    st["trust_anchors"].append(b.trust_anchor("ta_other", authorized=False))
    add("notAuthorized", "§4.1.3 notAuthorized: the trust anchor is not an authorized firmware signer",
        Package(A(1), signer="ta_other"), "notAuthorized", state=st)
    add("badDigestAlgorithm-sha1", "§4.1.3 badDigestAlgorithm (SHA-1 is not supported by this loader)",
        Package(A(1), hash="sha1"), "badDigestAlgorithm")
    add("badSignatureAlgorithm-dsa", "§4.1.3 badSignatureAlgorithm: unknown or unsupported",
        Package(A(1), sig_alg_override=algos.SignedDigestAlgorithm({"algorithm": "sha256_dsa"})), "badSignatureAlgorithm")
    st = module_state(anchors=("ta_rsa2048", "ta_rsa1024"))
    add("unsupportedKeySize-rsa1024", "§4.1.3 unsupportedKeySize (RSA-1024 below the profile's 2048)",
        Package(A(1), signer="ta_rsa1024"), "unsupportedKeySize", state=st)
    add("signatureFailure-corrupt", "§1.2.3 MUST reject if it cannot validate the signature",
        Package(A(1), corrupt_signature=True), "signatureFailure")
    add("signatureFailure-econtent-changed", "RFC 5652 §5.4 message-digest attribute; §4.1.3 signatureFailure",
        Package(A(1), tamper_econtent=True), "signatureFailure")
    add("contentTypeMismatch", "§2.2.1 / §4.1.3 contentTypeMismatch",
        Package(A(1), content_type_attr=ID_COMPRESSED_DATA), "contentTypeMismatch")
    add("badEncryptedData-version-1", "§2.1.3 EncryptedData version MUST be 0",
        Package(A(1), encrypt=enc(), encrypted_version=1), "badEncryptedData")
    add("unprotectedAttrsPresent", "§2.1.3 unprotectedAttrs MUST NOT be present (errata E-FWPKG-UNPROTECTED)",
        Package(A(1), encrypt=enc(), encrypted_version=2, unprotected_attrs=True), "unprotectedAttrsPresent")
    add("badEncryptContent-data", "§2.1.3.1 contentType MUST be compressedData or firmwarePackage",
        Package(A(1), encrypt=enc(), enc_content_type=ID_DATA), "badEncryptContent")
    add("badEncryptAlgorithm-3des", "§4.1.3 badEncryptAlgorithm (the loader decrypts AES-CBC only)",
        Package(A(1), encrypt=enc(), enc_alg=b.DES_EDE3_CBC), "badEncryptAlgorithm")
    add("missingCiphertext", "§2.1.3.1 encryptedContent MUST be present", Package(A(1), encrypt=enc(), omit_ciphertext=True),
        "missingCiphertext")
    add("noDecryptKey", "§1.2.3 / §4.1.3 noDecryptKey: no key named by decrypt-key-identifier",
        Package(A(1), encrypt=enc(key_id=b"no-such-key")), "noDecryptKey")
    add("decryptFailure", "§1.2.3 MUST reject if it cannot successfully decrypt",
        Package(A(1), encrypt=enc(), wrong_key=True), "decryptFailure")
    add("badCompressAlgorithm", "§4.1.3 badCompressAlgorithm (zlib only)",
        Package(A(1), compress=True, compress_alg="1.2.840.113549.1.9.16.3.99"), "badCompressAlgorithm")
    add("missingCompressedContent", "§4.1.3 missingCompressedContent",
        Package(A(1), compress=True, omit_compressed_content=True), "missingCompressedContent")
    add("decompressFailure", "§4.1.3 decompressFailure", Package(A(1), compress=True, corrupt_zlib=True), "decompressFailure")
    add("wrongHardware", "§1.2.3 / §2.2.4 MUST reject if its type is not listed", Package(A(1), targets=[OTHER_HW]),
        "wrongHardware")
    add("stalePackage", "§1.2.3.2 version <= the stale version: SHOULD be rejected", Package(A(2)), "stalePackage",
        state=module_state(stale=[{"oid": PKG_A, "version": 2}]))
    add("notInCommunity", "§1.2.3 / §2.2.8 MUST reject if not a member", Package(A(1), communities=[{"communityOID": OTHER_COMMUNITY}]),
        "notInCommunity")
    add("unsupportedPackageType", "§4.1.3 unsupportedPackageType (profile supports types 1 and 2)", Package(A(1), pkg_type=7),
        "unsupportedPackageType", profile={"package_types": [1, 2]})
    add("missingDependency", "§1.3 MUST reject a load with a dependency that is not available",
        Package(B(1), dependencies=[A(1)]), "missingDependency")
    add("wrongDependencyVersion", "§2.2.9 the dependency's integer is the minimum version",
        Package(B(1), dependencies=[A(2)]), "wrongDependencyVersion", state=module_state(installed=[installed(A(1))]))
    add("insufficientMemory-firmware-size", "§4.1.3 insufficientMemory (profile max_firmware_size 4096; zlib expands to 1 MiB)",
        Package(A(1), compress=True, firmware=bytes(1 << 20)), "insufficientMemory", profile={"max_firmware_size": 4096})
    add("insufficientMemory-packages", "§4.1.3 insufficientMemory (profile max_installed 1)", Package(B(1)),
        "insufficientMemory", profile={"max_installed": 1}, state=module_state(installed=[installed(A(1))]))
    add("badFirmware-digest", "§2.2.10 firmware-package-message-digest (errata E-FWPKG-FWDIGEST)",
        Package(A(1), bad_fw_digest=True), "badFirmware")
    add("unsupportedParameters-pss-salt-20", "§4.1.3 unsupportedParameters (RSASSA-PSS salt of 20 octets with SHA-256)",
        Package(A(1), scheme="pss", pss_salt=20), "unsupportedParameters")
    add("unsupportedParameters-pkcs1-params", "§4.1.3 unsupportedParameters (RFC 4055 §5: sha256WithRSAEncryption "
        "parameters MUST be NULL or absent; here an OCTET STRING)",
        Package(A(1), sig_alg_override=algos.SignedDigestAlgorithm.load(  # raw: asn1crypto forces NULL here
            tlv(0x30, b.der_oid("1.2.840.113549.1.1.11") + core.OctetString(b"x").dump()))), "unsupportedParameters")
    add("unsupportedParameters-ecdsa-params", "§4.1.3 unsupportedParameters (RFC 5758 §3.2: ecdsa-with-SHA256 "
        "parameters MUST be absent; here NULL)",
        Package(A(1), signer="ta_p256", scheme="ecdsa", sig_alg_override=algos.SignedDigestAlgorithm(
            {"algorithm": "sha256_ecdsa", "parameters": core.Null()})), "unsupportedParameters")
    add("breaksDependency", "§1.3 MUST reject a load that leaves another package's dependency unsatisfied", Package(A(1)),
        "breaksDependency", state=module_state(installed=[installed(A(2)), installed(B(1), deps=[A(2)])]))

    # ---- accepted packages ----------------------------------------------------------------
    def acc(cid, section, pkg, expect="accept", **k):
        add(cid, section, pkg, expect, file="accept", **k)

    acc("plain-rsa-pkcs1", "§2.1 signed FirmwarePkgData", Package(A(1)))
    acc("rsa-pkcs1-rsaEncryption-sha512", "RFC 5652 §5.3 rsaEncryption as signatureAlgorithm",
        Package(A(1), scheme="pkcs1-rsaenc", hash="sha512"))
    acc("rsa-pss-sha256", "RFC 4055 RSASSA-PSS", Package(A(1), scheme="pss"))
    acc("rsa-pss-sha384", "RFC 4055 §3.1 RSASSA-PSS with SHA-384 and a 48-octet salt", Package(A(1), scheme="pss", hash="sha384"))
    acc("rsa-pss-sha512", "RFC 4055 §3.1 RSASSA-PSS with SHA-512 and a 64-octet salt", Package(A(1), scheme="pss", hash="sha512"))
    acc("ecdsa-p256", "RFC 5758 ecdsa-with-SHA256", Package(A(1), signer="ta_p256", scheme="ecdsa"))
    acc("ecdsa-p384-sha384", "RFC 5758 ecdsa-with-SHA384", Package(A(1), signer="ta_p384", scheme="ecdsa", hash="sha384"))
    acc("compressed", "§2.1.4 CompressedData (zlib)", Package(A(1), compress=True))
    acc("encrypted", "§2.1.3 EncryptedData, key named by decrypt-key-identifier", Package(A(1), encrypt=enc()))
    acc("compressed-encrypted-wrapped-key", "§2.3.1 wrapped-firmware-decryption-key (AES key wrap under kek-1)",
        Package(A(1), compress=True, encrypt=enc(key_id=b"fw-key-2", wrap=True)))
    acc("dependency-met", "§2.2.9 dependency on A >= 1 with A 2 installed", Package(B(1), dependencies=[A(1)], pkg_type=2),
        state=module_state(installed=[installed(A(2))]))
    acc("stale-recorded", "§1.2.3.2 a stale version number is kept", Package(A(3), stale=("preferred", 2)))
    acc("stale-never-lowered", "§1.2.3.2 (a lower stale number does not unprotect)", Package(A(5), stale=("preferred", 1)),
        state=module_state(stale=[{"oid": PKG_A, "version": 3}]))
    acc("earlier-replaces-later", "§1.2.3 SHOULD generate a warning", Package(A(1)), expect="accept+warning",
        state=module_state(installed=[installed(A(2))]))
    acc("legacy-name-and-stale", "§1.2.3.1 legacy names and stale legacy names",
        Package(("legacy", b"fw-1.2.3"), stale=("legacy", b"fw-1.1.0")))
    acc("community-by-oid", "§2.2.8 communityOID", Package(A(1), communities=[{"communityOID": OTHER_COMMUNITY}, {"communityOID": COMMUNITY}]))
    acc("community-serial-block", "§2.2.8 hwModuleList with a block of serial numbers (errata E-FWPKG-SERIAL-BLOCK)",
        Package(A(1), communities=[{"hwModuleList": {"hwType": HW, "hwSerialEntries": [
            {"block": {"low": bytes.fromhex("0102030405060700"), "high": bytes.fromhex("01020304050607ff")}}]}}]))
    acc("community-all-serials", "§2.2.8 all NULL", Package(A(1), communities=[{"hwModuleList": {"hwType": HW, "hwSerialEntries": [{"all": None}]}}]))
    acc("unknown-signed-attribute-ignored", "§2.1.2.1 implementations MUST ignore unrecognized signed attributes",
        Package(A(1), extra_attrs=[attribute("1.3.6.1.4.1.221121.99.1", core.OctetString(b"x").dump())]))
    acc("implemented-algorithms", "§2.2.6, §2.2.7 implemented-crypto/compress-algorithms MAY be present",
        Package(A(1), extra_attrs=[attribute(b.ID_IMPL_CRYPTO, b.OidList(["2.16.840.1.101.3.4.1.46"]).dump()),
                                   attribute("1.2.840.113549.1.9.16.2.43", b.OidList([b.ZLIB]).dump())]))
    acc("content-hints", "§2.2.12 content-hints", Package(A(1), content_hints=("lockref test firmware", b.ID_FIRMWARE_PACKAGE)))
    acc("no-serial-no-reports", "§3, §4: reports need a serial number", Package(A(1)),
        state={k: v for k, v in module_state().items() if k != "serial"})
    acc("unsigned-receipt", "§3.1.1 a module without a signing key returns an unsigned receipt", Package(A(1)),
        state={k: v for k, v in module_state().items() if k != "module_key"})
    with_cert = module_state()
    with_cert["module_key"]["certificate"] = b.key("module_p256").cert.public_bytes(b.serialization.Encoding.DER).hex()
    acc("signed-receipt-with-certificate", "§3.1.2 'the X.509 certificate of the hardware module SHOULD be included'", Package(A(1)),
        state=with_cert)
    add("unsigned-error-report", "§4.1.1 a module without a signing key returns an unsigned error report",
        Package(A(1), targets=[OTHER_HW]), "wrongHardware", state={k: v for k, v in module_state().items() if k != "module_key"})

    # ---- the Seagate profile (seed 000 firmware download) -----------------------------------
    def sg(cid, section, pkg, expect, state):
        add(cid, section, pkg, expect, state=state, profile="seagate", file="seagate")

    sg("seagate-accept-newer", "[FW] RSA-4096 PSS by the ROM key; rollback by security version",
       Package(("preferred", SEAGATE_FW, 3), targets=[SEAGATE_HW], signer="ta_rsa4096", scheme="pss"), "accept", seagate_state(2))
    sg("seagate-accept-same-version", "[FW] same security version is not a downgrade",
       Package(("preferred", SEAGATE_FW, 2), targets=[SEAGATE_HW], signer="ta_rsa4096", scheme="pss"), "accept", seagate_state(2))
    sg("seagate-rollback", "[FW] 'downgrading to a lower security version number is not possible'",
       Package(("preferred", SEAGATE_FW, 1), targets=[SEAGATE_HW], signer="ta_rsa4096", scheme="pss"), "stalePackage", seagate_state(2))
    sg("seagate-pkcs1-refused", "[FW] 'verified using PKCS #PSS'",
       Package(("preferred", SEAGATE_FW, 3), targets=[SEAGATE_HW], signer="ta_rsa4096", scheme="pkcs1"), "badSignatureAlgorithm",
       seagate_state(2))
    sg("seagate-rsa2048-refused", "[FW] 'key size (modulus) of 4096 bits'",
       Package(("preferred", SEAGATE_FW, 3), targets=[SEAGATE_HW], signer="ta_rsa2048", scheme="pss"), "unsupportedKeySize",
       seagate_state(2, anchor="ta_rsa2048"))
    sg("seagate-bad-signature", "[FW] 'If the verification fails an error is returned'",
       Package(("preferred", SEAGATE_FW, 3), targets=[SEAGATE_HW], signer="ta_rsa4096", scheme="pss", corrupt_signature=True),
       "signatureFailure", seagate_state(2))

    # ---- errata: the profile choices ------------------------------------------------------
    def er(cid, section, pkg, expect, **k):
        add(cid, section, pkg, expect, file="errata", **k)

    stale_and_no_key = Package(A(2), encrypt=enc(key_id=b"no-such-key"))
    er("order-rfc-text", "E-FWPKG-ORDER: rfc_text decrypts before the stale check", stale_and_no_key, "noDecryptKey",
       state=module_state(stale=[{"oid": PKG_A, "version": 2}]))
    er("order-cheap-first", "E-FWPKG-ORDER: cheap_first checks staleness before decrypting", stale_and_no_key, "stalePackage",
       state=module_state(stale=[{"oid": PKG_A, "version": 2}]), profile={"order": "cheap_first"})
    er("legacy-natural-order", "E-FWPKG-LEGACY: fw-1.10.0 is newer than the stale fw-1.9.0", Package(("legacy", b"fw-1.10.0")),
       "accept", state=module_state(stale_legacy=[b"fw-1.9.0".hex()]))
    er("legacy-natural-order-stale", "E-FWPKG-LEGACY: fw-1.9.0 is not newer than the stale fw-1.10.0", Package(("legacy", b"fw-1.9.0")),
       "stalePackage", state=module_state(stale_legacy=[b"fw-1.10.0".hex()]))
    er("serial-block-numeric", "E-FWPKG-SERIAL-BLOCK: serials compare as unsigned numbers (00ff < 0102030405060708 < 01ff...)",
       Package(A(1), communities=[{"hwModuleList": {"hwType": HW, "hwSerialEntries": [
           {"block": {"low": bytes.fromhex("00ff"), "high": bytes.fromhex("01ffffffffffffff")}}]}}]), "accept")
    er("serial-block-short-bounds", "E-FWPKG-SERIAL-BLOCK: low 0102, high 0103: numerically the 8-octet serial is above the block",
       Package(A(1), communities=[{"hwModuleList": {"hwType": HW, "hwSerialEntries": [
           {"block": {"low": bytes.fromhex("0102"), "high": bytes.fromhex("0103")}}]}}]), "notInCommunity")
    er("unprotected-attrs-version-2", "E-FWPKG-UNPROTECTED: CMS version 2 with unprotectedAttrs reports 18, not 17",
       Package(A(1), encrypt=enc(), encrypted_version=2, unprotected_attrs=True), "unprotectedAttrsPresent")
    # §6.3's example: storage for two stale version numbers; A3 (stale 2), B8 (stale 4) and C5
    # (stale 3) are loaded; "the internal storage indicates that FWPKG-B version 4 and FWPKG-C
    # version 3 are stale"; then "FWPKG-A version 2" loads.
    pkg_c = "1.3.6.1.4.1.221121.2.3"
    er("stale-capacity-evicts-oldest", "E-FWPKG-STALE-CAPACITY, §6.3: loading C5 (stale 3) with storage for two evicts A's entry",
       Package(("preferred", pkg_c, 5), stale=("preferred", 3)), "accept",
       state=module_state(installed=[installed(A(3)), installed(B(8))],
                          stale=[{"oid": PKG_A, "version": 2}, {"oid": PKG_B, "version": 4}]),
       profile={"stale_capacity": 2})
    er("stale-capacity-circumvented", "E-FWPKG-STALE-CAPACITY, §6.3: then FWPKG-A version 2 loads",
       Package(A(2)), "accept+warning",
       state=module_state(installed=[installed(A(3)), installed(B(8)), installed(("preferred", pkg_c, 5))],
                          stale=[{"oid": PKG_B, "version": 4}, {"oid": pkg_c, "version": 3}]),
       profile={"stale_capacity": 2})
    er("econtent-ber-long-length", "E-FWPKG-ECONTENT-BER: eContent 'need not be DER' (§2.1.2.2): a non-minimal definite length is read",
       Package(A(1), encrypt=enc(), encrypted_length_form="long"), "accept")
    er("econtent-ber-indefinite", "E-FWPKG-ECONTENT-BER: §1.4 'support for indefinite length decoding MAY be omitted'; lockref omits it",
       Package(A(1), encrypt=enc(), encrypted_length_form="indefinite"), "badEncryptedData")
    er("compressed-data-version", "E-FWPKG-COMPRESSED: RFC 4108 has no code for a bad CompressedData; lockref reports badEncapContent",
       Package(A(1), compress=True, compressed_version=1), "badEncapContent")
    er("encrypted-without-key-id", "E-FWPKG-NO-KEYID: an encrypted package without decrypt-key-identifier is badSignedAttrs, not noDecryptKey",
       Package(A(1), encrypt=enc(), omit_attrs={b.ID_DECRYPT_KEY_ID}), "badSignedAttrs")
    er("firmware-digest-mismatch", "E-FWPKG-FWDIGEST: a firmware-package-message-digest mismatch is badFirmware",
       Package(A(1), compress=True, bad_fw_digest=True), "badFirmware")
    er("digest-mismatch", "E-FWPKG-DIGEST-MISMATCH: SignerInfo.digestAlgorithm differs from SignedData's",
       Package(A(1), signer_digest="sha384"), "badDigestAlgorithm")
    return out
