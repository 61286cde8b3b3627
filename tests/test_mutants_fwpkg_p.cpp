// RFC 4108 firmware packages: the `lockref decode` structure printer (fwpkg/print.hpp,
// describe_cms) line by line, for the mutants a first mutation run of fwpkg left surviving there.
//
// Where expected values come from:
//  - inputs: hand-built DER from tests/oracle/fwpkg_print_inputs.py (run with /usr/bin/python3;
//    each hex below is the output of `/usr/bin/python3 tests/oracle/fwpkg_print_inputs.py NAME`),
//    written field by field from the ASN.1 of RFC 5652 (ContentInfo §3, SignedData §5,
//    SignerInfo §5.3, EncryptedData §8, Attribute §5.3), RFC 3274 §1.1 (CompressedData) and
//    RFC 4108 §2.2, §3, §4 and Appendix A (../shared/external-vectors/rfc4108/rfc4108.txt);
//  - every offset: `openssl asn1parse -inform DER -i` of the same bytes (with `-strparse N` for
//    the value inside an eContent OCTET STRING whose header is at N; the comment says which);
//  - every value: the bytes themselves as openssl asn1parse shows them (decimal integers, OIDs,
//    hex octets); SHA-256 of the firmware by sha256sum;
//  - every name: the field names of that ASN.1 and the OID names RFC 4108 Appendix A /
//    RFC 5652 / RFC 3274 / RFC 5754 / RFC 5758 / RFC 3565 give (fwpkg/names.hpp's table holds
//    the same);
//  - the layout, as print.hpp's Printer::line() writes it (the contract tested here): the
//    offset right-aligned in 6 columns (wider offsets unpadded), two spaces, two spaces per
//    nesting level of the printed structure, the text; describe_cms's header comment: where the
//    bytes stop matching the structure, a "!!" line says so at that offset, and a failure
//    outside any encapsulated content reprints the whole input as plain ASN.1 after "--".
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "lockref/fwpkg/print.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::fwpkg;

namespace {
/// One printed line: the offset, the nesting depth and the text (offset npos: a raw line).
struct Line {
  std::size_t offset;
  int depth;
  std::string text;
};
constexpr std::size_t raw = std::string::npos;

/// The documented layout of one line (see the header comment).
std::string layout(const Line& l) {
  if (l.offset == raw) return l.text;
  const std::string o = std::to_string(l.offset);
  return std::string(o.size() < 6 ? 6 - o.size() : 0, ' ') + o + "  " + std::string(2 * static_cast<std::size_t>(l.depth), ' ') +
         l.text;
}
std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t j = text.find('\n', i);
    out.push_back(text.substr(i, j - i));
    i = j == std::string::npos ? text.size() : j + 1;
  }
  return out;
}
Bytes hex(const char* h) { return *from_hex(h); }

/// describe_cms(der) must be `kind` and exactly these lines.
void check_print(const Bytes& der, const std::string& kind, const std::vector<Line>& want) {
  const auto d = describe_cms(der);
  REQUIRE(d.ok());
  INFO(d->text);
  CHECK(d->kind == kind);
  const auto got = split(d->text);
  CHECK(d->text.back() == '\n');
  for (std::size_t i = 0; i < want.size() || i < got.size(); ++i) {
    CAPTURE(i);
    CHECK((i < got.size() ? got[i] : "(missing)") == (i < want.size() ? layout(want[i]) : "(none)"));
  }
}

/// The "!!" lines of describe_cms(der) must be exactly `want`.
void check_faults(const Bytes& der, const std::vector<Line>& want) {
  const auto d = describe_cms(der);
  REQUIRE(d.ok());
  INFO(d->text);
  std::vector<std::string> got;
  for (const auto& l : split(d->text))
    if (l.find("!!") != std::string::npos) got.push_back(l);
  std::vector<std::string> w;
  for (const auto& l : want) w.push_back(layout(l));
  CHECK(got == w);
}

const std::string signed_data_name = "contentType = id-signedData (1.2.840.113549.1.7.2)";
const std::string sha256 = "id-sha256 (2.16.840.1.101.3.4.2.1)";
const std::string ecdsa = "ecdsa-with-SHA256 (1.2.840.10045.4.3.2)";
const std::string fw_pkg = "id-ct-firmwarePackage (1.2.840.113549.1.9.16.1.16)";
const std::string aes128 = "id-aes128-CBC (2.16.840.1.101.3.4.1.2)";
const std::string sid = "sid subjectKeyIdentifier [0] = 0102030405060708090a0b0c0d0e0f1011121314";
// The placeholder signature (octets a0..c7, 40 of them): over 32 octets, so its first 24 and the length.
const std::string signature = "signature = a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7... (40 octets)";
}  // namespace

TEST_CASE("fwpkg decode: a signed package with every RFC 4108 §2.2 attribute, line by line") {
  // fwpkg_print_inputs.py full: SignedData (RFC 5652 §5.1) with certificates [0] and crls [1],
  // a SignerInfo with subjectKeyIdentifier, signed attributes content-type, message-digest,
  // signing-time, firmware-package-identifier (legacy name "fw-\"legacy\"\x01", legacy stale
  // version "old"), target-hardware-module-identifiers (two), decrypt-key-identifier (33 octets),
  // implemented-crypto-algorithms, community-identifiers, implemented-compression-algorithms,
  // firmware-package-message-digest, firmware-package-info (fwPkgType -2, dependencies legacy
  // "dep" and preferred 1.3.6.1.4.1.221121.2.1 v5), content-hints (RFC 2634 §2.9; not an
  // RFC 4108 attribute: plain ASN.1), and the unsigned wrapped-firmware-decryption-key (§2.3.1,
  // an EnvelopedData with a KEKRecipientInfo [2]).
  const Bytes der = hex(
      "3082032706092a864886f70d010702a082031830820314020103310d300b06096086480165030402013019060b2a864886f7"
      "0d0109100110a00a04086669726d77617265a0053003020105a1023000318202d8308202d402010380140102030405060708"
      "090a0b0c0d0e0f1011121314300b0609608648016503040201a08201fb301a06092a864886f70d010903310d060b2a864886"
      "f70d0109100110302f06092a864886f70d01090431220420000102030405060708090a0b0c0d0e0f10111213141516171819"
      "1a1b1c1d1e1f301c06092a864886f70d010905310f170d3234303530313132303030305a3024060b2a864886f70d01091002"
      "2331153013040c66772d226c6567616379220104036f6c64302b060b2a864886f70d0109100224311c301a060b2b06010401"
      "8dbf4101012a060b2b060104018dbf410101303032060b2a864886f70d010910022531230421404142434445464748494a4b"
      "4c4d4e4f505152535455565758595a5b5c5d5e5f60301c060b2a864886f70d0109100226310d300b06096086480165030401"
      "023033060b2a864886f70d010910022831243022060a2b060104018dbf4103013014060b2b060104018dbf4101012a300505"
      "00040107301e060b2a864886f70d010910022b310f300d060b2a864886f70d01091003083040060b2a864886f70d01091002"
      "293131302f300b06096086480165030402010420808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d"
      "9e9f302c060b2a864886f70d010910022a311d301b0201fe30160403646570300f060a2b060104018dbf4102010201053024"
      "060b2a864886f70d0109100204311530130c04787f7e20060b2a864886f70d0109100110300a06082a8648ce3d0403020428"
      "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7a1773075060b2a864886"
      "f70d0109100227316630640201023131a22f020104300304010b300b06096086480165030401050418000000000000000000"
      "000000000000000000000000000000302c060b2a864886f70d0109100110301d060960864801650304010204100000000000"
      "0000000000000000000000");
  // Offsets: openssl asn1parse -i of the whole (the eContent "firmware" is not DER: its value
  // at 60 = 58 + its 2 header octets).
  check_print(der, "firmware package",
              {{0, 0, "ContentInfo"},
               {4, 1, signed_data_name},
               {15, 1, "content [0]"},
               {19, 2, "SignedData"},
               {23, 3, "version = 3"},
               {26, 3, "digestAlgorithms"},
               {28, 4, "DigestAlgorithmIdentifier = " + sha256},
               {41, 3, "encapContentInfo"},
               {43, 4, "eContentType = " + fw_pkg},
               {56, 4, "eContent [0]"},
               {58, 5, "OCTET STRING (8 octets)"},
               // sha256sum of "firmware"
               {60, 6, "FirmwarePkgData: 8 octets, SHA-256 c3bf47ea1f4a4a605470313cacb3a44f4a461f68c6faeab07e737610cb5ac835"},
               {68, 3, "certificates [0] [0]"},
               {70, 4, "SEQUENCE"},
               {72, 5, "INTEGER = 5"},
               {75, 3, "crls [1] [1]"},
               {77, 4, "SEQUENCE"},
               {79, 3, "signerInfos"},
               {83, 4, "SignerInfo"},
               {87, 5, "version = 3"},
               {90, 5, sid},
               {112, 5, "digestAlgorithm = " + sha256},
               {125, 5, "signedAttrs [0]"},
               {129, 6, "Attribute id-contentType (1.2.840.113549.1.9.3)"},
               {144, 7, "ContentType = " + fw_pkg},
               {157, 6, "Attribute id-messageDigest (1.2.840.113549.1.9.4)"},
               {172, 7, "MessageDigest = 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"},  // 32: whole
               {206, 6, "Attribute id-signingTime (1.2.840.113549.1.9.5)"},
               {221, 7, "UTCTime = \"240501120000Z\""},
               {236, 6, "Attribute id-aa-firmwarePackageID (1.2.840.113549.1.9.16.2.35)"},
               {253, 7, "FirmwarePackageIdentifier"},
               {255, 8, "name (legacy) = 66772d226c65676163792201 \"fw-.legacy..\""},  // '"' and 0x01 as '.'
               {269, 8, "stale (legacyStaleVersion) = 6f6c64"},
               {274, 6, "Attribute id-aa-targetHardwareIDs (1.2.840.113549.1.9.16.2.36)"},
               {291, 7, "TargetHardwareIdentifiers"},
               {293, 8, "OID = 1.3.6.1.4.1.221121.1.1.42"},
               {306, 8, "OID = 1.3.6.1.4.1.221121.1.1.48"},
               {319, 6, "Attribute id-aa-decryptKeyID (1.2.840.113549.1.9.16.2.37)"},
               {336, 7, "DecryptKeyIdentifier = 404142434445464748494a4b4c4d4e4f5051525354555657... (33 octets)"},
               {371, 6, "Attribute id-aa-implCryptoAlgs (1.2.840.113549.1.9.16.2.38)"},
               {388, 7, "ImplementedCryptoAlgorithms"},
               {390, 8, "OID = " + aes128},
               {401, 6, "Attribute id-aa-communityIdentifiers (1.2.840.113549.1.9.16.2.40)"},
               {418, 7, "CommunityIdentifiers"},
               {418, 8, "SEQUENCE"},
               {420, 9, "OBJECT IDENTIFIER = 1.3.6.1.4.1.221121.3.1"},
               {432, 9, "SEQUENCE"},
               {434, 10, "OBJECT IDENTIFIER = 1.3.6.1.4.1.221121.1.1.42"},
               {447, 10, "SEQUENCE"},
               {449, 11, "NULL"},
               {451, 11, "OCTET STRING = 07"},
               {454, 6, "Attribute id-aa-implCompressAlgs (1.2.840.113549.1.9.16.2.43)"},
               {471, 7, "ImplementedCompressAlgorithms"},
               {473, 8, "OID = id-alg-zlibCompress (1.2.840.113549.1.9.16.3.8)"},
               {486, 6, "Attribute id-aa-fwPkgMessageDigest (1.2.840.113549.1.9.16.2.41)"},
               {503, 7, "FirmwarePackageMessageDigest"},
               {505, 8, "algorithm = " + sha256},
               {518, 8, "msgDigest = 808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"},
               {552, 6, "Attribute id-aa-firmwarePackageInfo (1.2.840.113549.1.9.16.2.42)"},
               {569, 7, "FirmwarePackageInfo"},
               {571, 8, "fwPkgType = -2"},
               {574, 8, "dependencies"},
               {576, 9, "dependency (legacy) = 646570 \"dep\""},
               {581, 9, "dependency (preferred)"},
               {583, 10, "fwPkgID = 1.3.6.1.4.1.221121.2.1"},
               {595, 10, "verNum = 5"},
               {598, 6, "Attribute id-aa-contentHint (1.2.840.113549.1.9.16.2.4)"},
               {615, 7, "SEQUENCE"},
               {617, 8, "UTF8String = \"x.~ \""},  // 0x7f is not printable, 0x20 is
               {623, 8, "OBJECT IDENTIFIER = " + fw_pkg},
               {636, 5, "signatureAlgorithm = " + ecdsa},
               {648, 5, signature},
               {690, 5, "unsignedAttrs [1]"},
               {692, 6, "Attribute id-aa-wrappedFirmwareKey (1.2.840.113549.1.9.16.2.39)"},
               {709, 7, "WrappedFirmwareKey (EnvelopedData)"},
               {709, 8, "SEQUENCE"},
               {711, 9, "INTEGER = 2"},
               {714, 9, "SET"},
               {716, 10, "[2]"},
               {718, 11, "INTEGER = 4"},
               {721, 11, "SEQUENCE"},
               {723, 12, "OCTET STRING = 0b"},
               {726, 11, "SEQUENCE"},
               {728, 12, "OBJECT IDENTIFIER = id-aes128-wrap (2.16.840.1.101.3.4.1.5)"},
               {739, 11, "OCTET STRING = 000000000000000000000000000000000000000000000000"},
               {765, 9, "SEQUENCE"},
               {767, 10, "OBJECT IDENTIFIER = " + fw_pkg},
               {780, 10, "SEQUENCE"},
               {782, 11, "OBJECT IDENTIFIER = " + aes128},
               {793, 11, "OCTET STRING = 00000000000000000000000000000000"}});
}

TEST_CASE("fwpkg decode: EncryptedData inside SignedData, and 64-bit integers (RFC 5652 §8, RFC 4108 §2.2.3)") {
  // fwpkg_print_inputs.py encrypted: eContent an EncryptedData (version 0, id-aes128-CBC with a
  // 16-octet IV, encryptedContent [0], unprotectedAttrs [1] holding a signing-time); the
  // firmware-package-identifier's preferred name has verNum 0x7fffffffffffffff (8 octets: a
  // 64-bit number) and its preferredStaleVerNum is 00ffffffffffffffff (9 octets: printed in hex).
  const Bytes der = hex(
      "3082014f06092a864886f70d010702a08201403082013c020103310d300b0609608648016503040201307406092a864886f7"
      "0d010706a06704653063020100303e060b2a864886f70d0109100110301d0609608648016503040102041000000000000000"
      "0000000000000000008010000102030405060708090a0b0c0d0e0fa11e301c06092a864886f70d010905310f170d32343031"
      "30313030303030305a3181b13081ae02010380140102030405060708090a0b0c0d0e0f1011121314300b0609608648016503"
      "040201a050301806092a864886f70d010903310b06092a864886f70d0107063034060b2a864886f70d010910022331253023"
      "3016060a2b060104018dbf41020102087fffffffffffffff020900ffffffffffffffff300a06082a8648ce3d0403020428a0"
      "a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7");
  // The EncryptedData: openssl asn1parse -strparse 56 offsets + 58.
  check_print(der, "firmware package",
              {{0, 0, "ContentInfo"},
               {4, 1, signed_data_name},
               {15, 1, "content [0]"},
               {19, 2, "SignedData"},
               {23, 3, "version = 3"},
               {26, 3, "digestAlgorithms"},
               {28, 4, "DigestAlgorithmIdentifier = " + sha256},
               {41, 3, "encapContentInfo"},
               {43, 4, "eContentType = id-encryptedData (1.2.840.113549.1.7.6)"},
               {54, 4, "eContent [0]"},
               {56, 5, "OCTET STRING (101 octets)"},
               {58, 6, "EncryptedData"},
               {60, 7, "version = 0"},
               {63, 7, "encryptedContentInfo"},
               {65, 8, "contentType = " + fw_pkg},
               {78, 8, "contentEncryptionAlgorithm = " + aes128},
               {91, 9, "parameters OCTET STRING = 00000000000000000000000000000000"},
               {109, 8, "encryptedContent [0] = 000102030405060708090a0b0c0d0e0f"},
               {127, 7, "unprotectedAttrs [1] [1]"},
               {129, 8, "SEQUENCE"},
               {131, 9, "OBJECT IDENTIFIER = id-signingTime (1.2.840.113549.1.9.5)"},
               {142, 9, "SET"},
               {144, 10, "UTCTime = \"240101000000Z\""},
               {159, 3, "signerInfos"},
               {162, 4, "SignerInfo"},
               {165, 5, "version = 3"},
               {168, 5, sid},
               {190, 5, "digestAlgorithm = " + sha256},
               {203, 5, "signedAttrs [0]"},
               {205, 6, "Attribute id-contentType (1.2.840.113549.1.9.3)"},
               {220, 7, "ContentType = id-encryptedData (1.2.840.113549.1.7.6)"},
               {231, 6, "Attribute id-aa-firmwarePackageID (1.2.840.113549.1.9.16.2.35)"},
               {248, 7, "FirmwarePackageIdentifier"},
               {250, 8, "name (preferred)"},
               {252, 9, "fwPkgID = 1.3.6.1.4.1.221121.2.1"},
               {264, 9, "verNum = 9223372036854775807"},
               {274, 8, "stale (preferredStaleVerNum) = 0x00ffffffffffffffff"},
               {285, 5, "signatureAlgorithm = " + ecdsa},
               {297, 5, signature}});
}

TEST_CASE("fwpkg decode: CompressedData inside SignedData (RFC 3274 §1.1)") {
  // fwpkg_print_inputs.py compressed: CompressedData version 0, id-alg-zlibCompress, its
  // encapContentInfo id-ct-firmwarePackage with the zlib stream 789c030000000001.
  const Bytes der = hex(
      "3081e306092a864886f70d010702a081d53081d2020103310d300b06096086480165030402013040060b2a864886f70d0109"
      "100109a031042f302d020100300d060b2a864886f70d01091003083019060b2a864886f70d0109100110a00a0408789c0300"
      "00000001317c307a02010380140102030405060708090a0b0c0d0e0f1011121314300b0609608648016503040201a01c301a"
      "06092a864886f70d010903310d060b2a864886f70d0109100109300a06082a8648ce3d0403020428a0a1a2a3a4a5a6a7a8a9"
      "aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7");
  const std::string compressed = "id-ct-compressedData (1.2.840.113549.1.9.16.1.9)";
  // The CompressedData: openssl asn1parse -strparse 55 offsets + 57.
  check_print(der, "firmware package",
              {{0, 0, "ContentInfo"},
               {3, 1, signed_data_name},
               {14, 1, "content [0]"},
               {17, 2, "SignedData"},
               {20, 3, "version = 3"},
               {23, 3, "digestAlgorithms"},
               {25, 4, "DigestAlgorithmIdentifier = " + sha256},
               {38, 3, "encapContentInfo"},
               {40, 4, "eContentType = " + compressed},
               {53, 4, "eContent [0]"},
               {55, 5, "OCTET STRING (47 octets)"},
               {57, 6, "CompressedData"},
               {59, 7, "version = 0"},
               {62, 7, "compressionAlgorithm = id-alg-zlibCompress (1.2.840.113549.1.9.16.3.8)"},
               {77, 7, "encapContentInfo"},
               {79, 8, "eContentType = " + fw_pkg},
               {92, 8, "eContent [0] (zlib) [0]"},
               {94, 9, "OCTET STRING = 789c030000000001"},
               {104, 3, "signerInfos"},
               {106, 4, "SignerInfo"},
               {108, 5, "version = 3"},
               {111, 5, sid},
               {133, 5, "digestAlgorithm = " + sha256},
               {146, 5, "signedAttrs [0]"},
               {148, 6, "Attribute id-contentType (1.2.840.113549.1.9.3)"},
               {163, 7, "ContentType = " + compressed},
               {176, 5, "signatureAlgorithm = " + ecdsa},
               {188, 5, signature}});
}

TEST_CASE("fwpkg decode: a signed load receipt with every field (RFC 4108 §3.1)") {
  // fwpkg_print_inputs.py signed_receipt: FirmwarePackageLoadReceipt version 2, hwType
  // 1.3.6.1.4.1.221121.1.1.42, hwSerialNum 0102, fwPkgName preferred (…2.1, 3),
  // trustAnchorKeyID aa, decryptKeyID [1] bb, as the eContent of SignedData.
  const Bytes der = hex(
      "3081e106092a864886f70d010702a081d33081d0020103310d300b0609608648016503040201303e060b2a864886f70d0109"
      "100111a02f042d302b020102060b2b060104018dbf4101012a04020102300f060a2b060104018dbf4102010201030401aa81"
      "01bb317c307a02010380140102030405060708090a0b0c0d0e0f1011121314300b0609608648016503040201a01c301a0609"
      "2a864886f70d010903310d060b2a864886f70d0109100111300a06082a8648ce3d0403020428a0a1a2a3a4a5a6a7a8a9aaab"
      "acadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7");
  const std::string receipt = "id-ct-firmwareLoadReceipt (1.2.840.113549.1.9.16.1.17)";
  // The receipt: openssl asn1parse -strparse 55 offsets + 57.
  check_print(der, "signed load receipt",
              {{0, 0, "ContentInfo"},
               {3, 1, signed_data_name},
               {14, 1, "content [0]"},
               {17, 2, "SignedData"},
               {20, 3, "version = 3"},
               {23, 3, "digestAlgorithms"},
               {25, 4, "DigestAlgorithmIdentifier = " + sha256},
               {38, 3, "encapContentInfo"},
               {40, 4, "eContentType = " + receipt},
               {53, 4, "eContent [0]"},
               {55, 5, "OCTET STRING (45 octets)"},
               {57, 6, "FirmwarePackageLoadReceipt"},
               {59, 7, "version = 2"},
               {62, 7, "hwType = 1.3.6.1.4.1.221121.1.1.42"},
               {75, 7, "hwSerialNum = 0102"},
               {79, 7, "fwPkgName (preferred)"},
               {81, 8, "fwPkgID = 1.3.6.1.4.1.221121.2.1"},
               {93, 8, "verNum = 3"},
               {96, 7, "trustAnchorKeyID = aa"},
               {99, 7, "decryptKeyID [1] = bb"},
               {102, 3, "signerInfos"},
               {104, 4, "SignerInfo"},
               {106, 5, "version = 3"},
               {109, 5, sid},
               {131, 5, "digestAlgorithm = " + sha256},
               {144, 5, "signedAttrs [0]"},
               {146, 6, "Attribute id-contentType (1.2.840.113549.1.9.3)"},
               {161, 7, "ContentType = " + receipt},
               {174, 5, "signatureAlgorithm = " + ecdsa},
               {186, 5, signature}});
}

TEST_CASE("fwpkg decode: a load error report with every optional field (RFC 4108 §4.1)") {
  // fwpkg_print_inputs.py report: FirmwarePackageLoadError version 2, errorCode 31
  // (missingDependency, §4.1.3), vendorErrorCode -7, fwPkgName legacy "pkg", config [1] with a
  // CurrentFWConfig that has fwPkgType 1 and a preferred name, and one with a legacy name only.
  const Bytes der = hex(
      "304c060b2a864886f70d0109100112a03d303b020102060b2b060104018dbf4101012a0401010a011f0201f90403706b67a1"
      "1b3014020101300f060a2b060104018dbf4102010201023003040178");
  check_print(der, "load error report",
              {{0, 0, "ContentInfo"},
               {2, 1, "contentType = id-ct-firmwareLoadError (1.2.840.113549.1.9.16.1.18)"},
               {15, 1, "content [0]"},
               {17, 2, "FirmwarePackageLoadError"},
               {19, 3, "version = 2"},
               {22, 3, "hwType = 1.3.6.1.4.1.221121.1.1.42"},
               {35, 3, "hwSerialNum = 01"},
               {38, 3, "errorCode = 31 missingDependency"},
               {41, 3, "vendorErrorCode = -7"},
               {44, 3, "fwPkgName (legacy) = 706b67 \"pkg\""},
               {49, 3, "config [1]"},
               {51, 4, "CurrentFWConfig"},
               {53, 5, "fwPkgType = 1"},
               {56, 5, "fwPkgName (preferred)"},
               {58, 6, "fwPkgID = 1.3.6.1.4.1.221121.2.1"},
               {70, 6, "verNum = 2"},
               {73, 4, "CurrentFWConfig"},
               {75, 5, "fwPkgName (legacy) = 78 \"x\""}});
}

TEST_CASE("fwpkg decode: an octet after a structure's last field is reported there (RFC 5652, RFC 4108 ASN.1)") {
  // fwpkg_print_inputs.py tail:WHAT — a small package (or receipt, or error report) with a NULL
  // (05 00) after the last field of WHAT, where its ASN.1 ends the SEQUENCE. The printer names
  // the structure and the NULL's offset (openssl asn1parse -i; inside an eContent:
  // -strparse 40 / -strparse 42 plus 42 / 44), at the depth of the content being read (2 for a
  // ContentInfo's content, 6 for an eContent's).
  struct Case {
    const char* what;
    const char* der;
    std::size_t offset;
    int depth;
  };
  const Case cases[] = {
      {"name",  // tail:name
       "3081b506092a864886f70d010702a081a73081a402010331003012060b2a864886f70d0109100110a0030401553181883081"
       "85020103800101300b0609608648016503040201a0613024060b2a864886f70d0109100223311530133011060a2b06010401"
       "8dbf41020102010105003021060b2a864886f70d010910022931123010300b06096086480165030402010401113016060b2a"
       "864886f70d010910022a310730050201013000300a06082a8648ce3d040302040122"
       , 108, 2},
      {"FirmwarePackageIdentifier",  // tail:FirmwarePackageIdentifier
       "3081b506092a864886f70d010702a081a73081a402010331003012060b2a864886f70d0109100110a0030401553181883081"
       "85020103800101300b0609608648016503040201a0613024060b2a864886f70d010910022331153013300f060a2b06010401"
       "8dbf41020102010105003021060b2a864886f70d010910022931123010300b06096086480165030402010401113016060b2a"
       "864886f70d010910022a310730050201013000300a06082a8648ce3d040302040122"
       , 108, 2},
      {"FirmwarePackageInfo",  // tail:FirmwarePackageInfo
       "3081b506092a864886f70d010702a081a73081a402010331003012060b2a864886f70d0109100110a0030401553181883081"
       "85020103800101300b0609608648016503040201a0613022060b2a864886f70d010910022331133011300f060a2b06010401"
       "8dbf4102010201013021060b2a864886f70d010910022931123010300b06096086480165030402010401113018060b2a8648"
       "86f70d010910022a3109300702010130000500300a06082a8648ce3d040302040122"
       , 167, 2},
      {"FirmwarePackageMessageDigest",  // tail:FirmwarePackageMessageDigest
       "3081b506092a864886f70d010702a081a73081a402010331003012060b2a864886f70d0109100110a0030401553181883081"
       "85020103800101300b0609608648016503040201a0613022060b2a864886f70d010910022331133011300f060a2b06010401"
       "8dbf4102010201013023060b2a864886f70d010910022931143012300b060960864801650304020104011105003016060b2a"
       "864886f70d010910022a310730050201013000300a06082a8648ce3d040302040122"
       , 143, 2},
      {"Attribute",  // tail:Attribute
       "3081b506092a864886f70d010702a081a73081a402010331003012060b2a864886f70d0109100110a0030401553181883081"
       "85020103800101300b0609608648016503040201a0613024060b2a864886f70d010910022331133011300f060a2b06010401"
       "8dbf41020102010105003021060b2a864886f70d010910022931123010300b06096086480165030402010401113016060b2a"
       "864886f70d010910022a310730050201013000300a06082a8648ce3d040302040122"
       , 108, 2},
      {"SignerInfo",  // tail:SignerInfo
       "3081b506092a864886f70d010702a081a73081a402010331003012060b2a864886f70d0109100110a0030401553181883081"
       "85020103800101300b0609608648016503040201a05f3022060b2a864886f70d010910022331133011300f060a2b06010401"
       "8dbf4102010201013021060b2a864886f70d010910022931123010300b06096086480165030402010401113016060b2a8648"
       "86f70d010910022a310730050201013000300a06082a8648ce3d0403020401220500"
       , 182, 2},
      {"encapContentInfo",  // tail:encapContentInfo
       "3081b506092a864886f70d010702a081a73081a402010331003014060b2a864886f70d0109100110a0030401550500318186"
       "308183020103800101300b0609608648016503040201a05f3022060b2a864886f70d010910022331133011300f060a2b0601"
       "04018dbf4102010201013021060b2a864886f70d010910022931123010300b06096086480165030402010401113016060b2a"
       "864886f70d010910022a310730050201013000300a06082a8648ce3d040302040122"
       , 45, 2},
      {"eContent [0]",  // tail:eContent_[0]
       "3081b506092a864886f70d010702a081a73081a402010331003014060b2a864886f70d0109100110a0050401550500318186"
       "308183020103800101300b0609608648016503040201a05f3022060b2a864886f70d010910022331133011300f060a2b0601"
       "04018dbf4102010201013021060b2a864886f70d010910022931123010300b06096086480165030402010401113016060b2a"
       "864886f70d010910022a310730050201013000300a06082a8648ce3d040302040122"
       , 45, 2},
      {"SignedData",  // tail:SignedData
       "3081b506092a864886f70d010702a081a73081a402010331003012060b2a864886f70d0109100110a0030401553181863081"
       "83020103800101300b0609608648016503040201a05f3022060b2a864886f70d010910022331133011300f060a2b06010401"
       "8dbf4102010201013021060b2a864886f70d010910022931123010300b06096086480165030402010401113016060b2a8648"
       "86f70d010910022a310730050201013000300a06082a8648ce3d0403020401220500"
       , 182, 2},
      {"content",  // tail:content
       "3081d606092a864886f70d010702a081c83081c50201033100303506092a864886f70d010706a02804263022020100301d06"
       "0b2a864886f70d0109100110300b06096086480165030401028001330500318186308183020103800101300b060960864801"
       "6503040201a05f3022060b2a864886f70d010910022331133011300f060a2b060104018dbf4102010201013021060b2a8648"
       "86f70d010910022931123010300b06096086480165030402010401113016060b2a864886f70d010910022a31073005020101"
       "3000300a06082a8648ce3d040302040122"
       , 78, 6},
      {"encryptedContentInfo",  // tail:encryptedContentInfo
       "3081d606092a864886f70d010702a081c83081c50201033100303506092a864886f70d010706a02804263024020100301f06"
       "0b2a864886f70d0109100110300b06096086480165030401028001330500318186308183020103800101300b060960864801"
       "6503040201a05f3022060b2a864886f70d010910022331133011300f060a2b060104018dbf4102010201013021060b2a8648"
       "86f70d010910022931123010300b06096086480165030402010401113016060b2a864886f70d010910022a31073005020101"
       "3000300a06082a8648ce3d040302040122"
       , 78, 6},
      {"EncryptedData",  // tail:EncryptedData
       "3081d606092a864886f70d010702a081c83081c50201033100303506092a864886f70d010706a02804263024020100301d06"
       "0b2a864886f70d0109100110300b06096086480165030401028001330500318186308183020103800101300b060960864801"
       "6503040201a05f3022060b2a864886f70d010910022331133011300f060a2b060104018dbf4102010201013021060b2a8648"
       "86f70d010910022931123010300b06096086480165030402010401113016060b2a864886f70d010910022a31073005020101"
       "3000300a06082a8648ce3d040302040122"
       , 78, 6},
      {"CompressedData",  // tail:CompressedData
       "3081dc06092a864886f70d010702a081ce3081cb0201033100303b060b2a864886f70d0109100109a02c042a302802010030"
       "0d060b2a864886f70d01091003083012060b2a864886f70d0109100110a0030401440500318186308183020103800101300b"
       "0609608648016503040201a05f3022060b2a864886f70d010910022331133011300f060a2b060104018dbf41020102010130"
       "21060b2a864886f70d010910022931123010300b06096086480165030402010401113016060b2a864886f70d010910022a31"
       "0730050201013000300a06082a8648ce3d040302040122"
       , 84, 6},
      {"encapContentInfo",  // tail:compressed_encapContentInfo
       "3081dc06092a864886f70d010702a081ce3081cb0201033100303b060b2a864886f70d0109100109a02c042a302802010030"
       "0d060b2a864886f70d01091003083014060b2a864886f70d0109100110a0030401440500318186308183020103800101300b"
       "0609608648016503040201a05f3022060b2a864886f70d010910022331133011300f060a2b060104018dbf41020102010130"
       "21060b2a864886f70d010910022931123010300b06096086480165030402010401113016060b2a864886f70d010910022a31"
       "0730050201013000300a06082a8648ce3d040302040122"
       , 84, 6},
      {"FirmwarePackageLoadReceipt",  // tail:FirmwarePackageLoadReceipt
       "3026060b2a864886f70d0109100111a0173015060b2b060104018dbf4101012a0401010401720500"
       , 38, 2},
      {"FirmwarePackageLoadError",  // tail:FirmwarePackageLoadError
       "302d060b2a864886f70d0109100112a01e301c060b2b060104018dbf4101012a0401010a0101a10530030401630500"
       , 45, 2},
      {"CurrentFWConfig",  // tail:CurrentFWConfig
       "302d060b2a864886f70d0109100112a01e301c060b2b060104018dbf4101012a0401010a0101a10730050401630500"
       , 45, 2},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    check_faults(hex(c.der), {{c.offset, c.depth, std::string("!! 2 unexpected octet(s) at the end of ") + c.what}});
  }
}

TEST_CASE("fwpkg decode: a ContentInfo that stops matching is reprinted as plain ASN.1 (print.hpp header)") {
  // fwpkg_print_inputs.py tail:ContentInfo: ContentInfo { id-ct-firmwareLoadError, [0]
  // FirmwarePackageLoadError { hwType, hwSerialNum 01, errorCode 1 (decodeFailure) } } and a NULL
  // at 38 after content [0], where RFC 5652 §3 ends the ContentInfo.
  const std::string load_error = "id-ct-firmwareLoadError (1.2.840.113549.1.9.16.1.18)";
  check_print(hex("3026060b2a864886f70d0109100112a0153013060b2b060104018dbf4101012a0401010a01010500"), "ASN.1",
              {{0, 0, "ContentInfo"},
               {2, 1, "contentType = " + load_error},
               {15, 1, "content [0]"},
               {17, 2, "FirmwarePackageLoadError"},
               {19, 3, "hwType = 1.3.6.1.4.1.221121.1.1.42"},
               {32, 3, "hwSerialNum = 01"},
               {35, 3, "errorCode = 1 decodeFailure"},
               {38, 0, "!! 2 unexpected octet(s) at the end of ContentInfo (the rest as plain ASN.1)"},
               {raw, 0, "--"},
               {0, 0, "SEQUENCE"},
               {2, 1, "OBJECT IDENTIFIER = " + load_error},
               {15, 1, "[0]"},
               {17, 2, "SEQUENCE"},
               {19, 3, "OBJECT IDENTIFIER = 1.3.6.1.4.1.221121.1.1.42"},
               {32, 3, "OCTET STRING = 01"},
               {35, 3, "ENUMERATED = 1"},
               {38, 1, "NULL"}});
  // tail:content [0]: the NULL at 45 inside content [0], after the FirmwarePackageLoadError.
  const auto d = describe_cms(
      hex("302d060b2a864886f70d0109100112a01e301a060b2b060104018dbf4101012a0401010a0101a10530030401630500"));
  REQUIRE(d.ok());
  CHECK(d->kind == "ASN.1");
  // after ContentInfo, contentType, content [0], the report's 7 lines (hwType … fwPkgName):
  CHECK(split(d->text).at(10) == layout({45, 0, "!! 2 unexpected octet(s) at the end of content [0] (the rest as plain ASN.1)"}));
  CHECK(split(d->text).at(11) == "--");
}

TEST_CASE("fwpkg decode: an indefinite length (BER, not DER) is reported at its length octet, twice") {
  // 30 80 05 00 00 00: SEQUENCE, indefinite length (X.690 §8.1.3.6), { NULL }, end-of-contents.
  // Valid BER, so describe_cms prints; DER has definite lengths only (RFC 4108 §1.4), so the
  // ContentInfo reading stops at offset 1, and so does the plain ASN.1 reprint.
  const auto d = describe_cms(hex("308005000000"));
  REQUIRE(d.ok());
  INFO(d->text);
  CHECK(d->kind == "ASN.1");
  const auto got = split(d->text);
  REQUIRE(got.size() == 3);
  CHECK(got[0].rfind(layout({1, 0, "!! ContentInfo: indefinite length"}), 0) == 0);
  CHECK(got[0].find("(the rest as plain ASN.1)") != std::string::npos);
  CHECK(got[1] == "--");
  CHECK(got[2].rfind(layout({1, 0, "!! "}), 0) == 0);
  CHECK(got[2].find("indefinite length") != std::string::npos);
}

TEST_CASE("fwpkg decode: values nested 64 levels deep are printed, deeper ones refused (print.hpp max_depth)") {
  // fwpkg_print_inputs.py nested59 / nested60: SignedData whose eContent (type 1.2.3.4, unknown,
  // so plain ASN.1 at depth 6) is 59 / 60 SEQUENCEs one inside the other. openssl asn1parse
  // -strparse 34 / 35: the innermost at 116 / 118 of the eContent, i.e. 152 / 155, d=58 / 59,
  // so printed at depth 6 + 58 = 64 / 6 + 59 = 65.
  const auto d59 = describe_cms(hex(
      "30819906092a864886f70d010702a0818b3081880201033100307f06032a0304a0780476307430723070306e306c306a3068"
      "3066306430623060305e305c305a30583056305430523050304e304c304a30483046304430423040303e303c303a30383036"
      "303430323030302e302c302a30283026302430223020301e301c301a30183016301430123010300e300c300a300830063004"
      "300230003100"));
  REQUIRE(d59.ok());
  INFO(d59->text);
  const auto l59 = split(d59->text);
  CHECK(d59->text.find("!!") == std::string::npos);
  REQUIRE(l59.size() >= 2);
  CHECK(l59[l59.size() - 2] == layout({152, 64, "SEQUENCE"}));
  CHECK(l59.back() == layout({154, 3, "signerInfos"}));

  const auto d60 = describe_cms(hex(
      "30819c06092a864886f70d010702a0818e30818b020103310030818106032a0304a07a04783076307430723070306e306c30"
      "6a30683066306430623060305e305c305a30583056305430523050304e304c304a30483046304430423040303e303c303a30"
      "383036303430323030302e302c302a30283026302430223020301e301c301a30183016301430123010300e300c300a300830"
      "063004300230003100"));
  REQUIRE(d60.ok());
  INFO(d60->text);
  const auto l60 = split(d60->text);
  REQUIRE(l60.size() >= 3);
  CHECK(l60[l60.size() - 3] == layout({153, 64, "SEQUENCE"}));
  CHECK(l60[l60.size() - 2] == layout({155, 6, "!! values nested deeper than 64 levels"}));
  CHECK(l60.back() == layout({157, 3, "signerInfos"}));
}

TEST_CASE("fwpkg decode: offsets of six digits fill the offset column") {
  // ContentInfo { 1.2.3 (unknown: plain ASN.1), [0] SEQUENCE { OCTET STRING of 100000 zero
  // octets, NULL } }; openssl asn1parse -i: SEQUENCE 0 (hl=5), OBJECT 5, cont [0] 9 (hl=5),
  // SEQUENCE 14 (hl=5), OCTET STRING 19 (hl=5, l=100000), NULL 100024.
  Bytes der = hex("30830186b506022a03a0830186ac30830186a704830186a0");
  der.resize(der.size() + 100000, 0);
  der.push_back(0x05);
  der.push_back(0x00);
  REQUIRE(der.size() == 100026);
  check_print(der, "ASN.1",
              {{0, 0, "ContentInfo"},
               {5, 1, "contentType = 1.2.3"},
               {9, 1, "content [0]"},
               {14, 2, "SEQUENCE"},
               {19, 3, "OCTET STRING = 000000000000000000000000000000000000000000000000... (100000 octets)"},
               {100024, 3, "NULL"}});
  // the six-digit offset fills all six columns: no padding before it
  const auto d = describe_cms(der);
  REQUIRE(d.ok());
  CHECK(split(d->text).back() == "100024        NULL");
}

}  // namespace LOCKREF_UNITY_ID
