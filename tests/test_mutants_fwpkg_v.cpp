// RFC 4108 firmware packages: the signature check (fwpkg/verify.hpp) and the load receipt /
// error report writers (fwpkg/report.hpp), for the survivors of the first fwpkg mutation run
// (helper v).
//
// Where expected values come from:
// - the order of checks and their §4.1.3 codes: the contract at the top of fwpkg/verify.hpp
//   (10/11 trust anchor, 12 digest, 13 signature algorithm, 14 key, 35 parameters, 15 signature);
//   the codes' meanings: RFC 4108 §4.1.3 (../shared/external-vectors/rfc4108/rfc4108.txt);
// - algorithm identifiers and parameter rules: RFC 5754 §2 (SHA-2 OIDs), RFC 4055 §3.1/§5
//   (RSASSA-PSS-params, sha*WithRSAEncryption with NULL parameters), RFC 5758 §3.2 (ecdsa-with-SHA*,
//   parameters absent), RFC 5480 §2.1.1.1 (namedCurve secp256r1 / secp384r1), RFC 3279 §2.3.1;
// - the correctly signed packages: tests/oracle/fwpkg_builder.py (python3-asn1crypto and
//   python3-cryptography, keys of tests/oracle/fixtures/fwpkg/) through
//       /usr/bin/python3 tests/oracle/fwpkg_verify_cases_v.py
//   which printed the constants below verbatim (ECDSA and PSS signatures are randomized: a rerun
//   prints other valid ones); each verifies with
//       openssl cms -verify -inform DER -in PKG.der -certfile fixtures/fwpkg/<signer>.crt -noverify -binary
//   Offsets: `openssl asn1parse -inform DER -i` of kRsaSha256 (28 digestAlgorithms entry, 75 sid,
//   97 SignerInfo.digestAlgorithm, 112 signedAttrs, 260 signatureAlgorithm, 275 signature);
// - the report DER: fwpkg_builder.py's FirmwarePackageLoadError (asn1crypto; RFC 4108 Appendix A).
// Hand-written DER is annotated with its ASN.1 meaning (checked with `openssl asn1parse`).
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "lockref/fwpkg/cms.hpp"
#include "lockref/fwpkg/example_keys.hpp"
#include "lockref/fwpkg/report.hpp"
#include "lockref/fwpkg/verify.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::fwpkg;

namespace {
// ta_rsa2048, pkcs1, sha256
const char* const kRsaSha256 =
    "3082021306092a864886f70d010702a082020430820200020103310f300d060960864801650304020105003013060b2a8648"
    "86f70d0109100110a00404026677318201d3308201cf02010380147397ee9f2ec101fd9e036814a012603e7b7db79c300d06"
    "096086480165030402010500a08191301a06092a864886f70d010903310d060b2a864886f70d0109100110301e060b2a8648"
    "86f70d0109100224310f300d060b2b060104018dbf4101012a3022060b2a864886f70d010910022331133011300f060a2b06"
    "0104018dbf410201020101302f06092a864886f70d0109043122042007f7ab476bc3a83fad639d34a012cb4a5f859441f0d2"
    "4c11627ca96696839012300d06092a864886f70d01010b050004820100bf88d29e86ea2e7c6cc84f176159a3de877e81e786"
    "3eda589a962bff7e4830d11b570e3db1aee460ea9531196b5541f5c987eabd2e15e9494f0bcfac0a840562e53e8b8bb1bbfe"
    "94ffd6c3c376f69046ff3f2a285f4387a14cb3167da99c80f112ba713fd007f11dce15b1f109e4e882c4f982db9c72a76ee8"
    "a371efc141d7911157c4be4e026b301823cd1d022b5625250bc05e29a3900d7618c54c3020192317fa5d61019e52d1b1ae18"
    "abc94b43d3930736c22d0490798e8cd339c1efdc71bfbd28e7f5155035222cc4e802b1de2ec909b94ddcb0b9f46a7909fa7e"
    "c599d6a48d96c41d0aa516885624d7d0e3ed0aa19e29f4c858782bcac21e4e9cedce51";
// ta_rsa2048, pkcs1, sha512
const char* const kRsaSha512 =
    "3082023306092a864886f70d010702a082022430820220020103310f300d060960864801650304020305003013060b2a8648"
    "86f70d0109100110a00404026677318201f3308201ef02010380147397ee9f2ec101fd9e036814a012603e7b7db79c300d06"
    "096086480165030402030500a081b1301a06092a864886f70d010903310d060b2a864886f70d0109100110301e060b2a8648"
    "86f70d0109100224310f300d060b2b060104018dbf4101012a3022060b2a864886f70d010910022331133011300f060a2b06"
    "0104018dbf410201020101304f06092a864886f70d01090431420440b9f5306438d93f5ab53422ae35822449cad534355db5"
    "7f47139841bef1d68c24190a68b0efb297bd4c36e8a1bb2ae302b24a35cb3d29657236a8b822e1c0c265300d06092a864886"
    "f70d01010d0500048201006540968c58331ddd5c8bad8ab6d947b505fdb408dce20789e46e6c24bf3ed1b47d4a9af0e05a4b"
    "e4519cd4ac25f8a63bc34abafbf4a87351a5aeb3cc292411be5bc4505086c5c010c49cf8a7115aac77626e29753d39add17d"
    "b2e534f8fbe25c8529a188846a7badb27e19e360a8f691345bbf677683dd26ad61161bb6f312b7b881e6c352fde93ce5ba4b"
    "68e560971ffab8ffca06e54940f014be380d934956630d4c31f47980805f42a22ece07925c151a5fdc8e5e54aa5b0c631b5b"
    "cbe26d0332d5993cb0633e67c3d464bca7b578db3f524f819161bfa7bab65e5dc094b05583563b600cffe921335b2b8afe3f"
    "12d73df61cf260204f672332f3bc8b8c54";
// ta_rsa2048, pss, sha256
const char* const kPssSha256 =
    "3082024706092a864886f70d010702a082023830820234020103310f300d060960864801650304020105003013060b2a8648"
    "86f70d0109100110a00404026677318202073082020302010380147397ee9f2ec101fd9e036814a012603e7b7db79c300d06"
    "096086480165030402010500a08191301a06092a864886f70d010903310d060b2a864886f70d0109100110301e060b2a8648"
    "86f70d0109100224310f300d060b2b060104018dbf4101012a3022060b2a864886f70d010910022331133011300f060a2b06"
    "0104018dbf410201020101302f06092a864886f70d0109043122042007f7ab476bc3a83fad639d34a012cb4a5f859441f0d2"
    "4c11627ca96696839012304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a86"
    "4886f70d010108300d06096086480165030402010500a2030201200482010009a4b4082c3178829569abc2e5e6d14415f855"
    "bc9049c74ba0570036f7b55afd00648e8d20822a1d75af2cc1d53f4a9d7b91df1ba98a492a3601a0aa262d0bb00c289079fb"
    "0e67b0a7972cb6e99e4c412740a7f324c6462ced029ad0ef82206d19cb3a9ae15d5744d27071849981b997b773199100f895"
    "b70923b09fa2ed579a7ffc165c984435aaadd4152c20e7d9bbafa6867496c0be4818cac0aa8236f18844d94613672efe090e"
    "8d58b26a156391c9f0c42aa1c25c8d74bd7d0c58b01eff828d1484d170bff51ec1aa5830acc59948266353d26ef8ec5eac11"
    "4b5c3018f4461c76fa9340879920cf4bf56c99631eaf2345c4a6a4fb4e79c1602000fc6955";
// ta_p256, ecdsa, sha256
const char* const kEcP256Sha256 =
    "3082015506092a864886f70d010702a082014630820142020103310f300d060960864801650304020105003013060b2a8648"
    "86f70d0109100110a00404026677318201153082011102010380148c89221a7ee3716ba2e70984ff686e75634ee709300d06"
    "096086480165030402010500a08191301a06092a864886f70d010903310d060b2a864886f70d0109100110301e060b2a8648"
    "86f70d0109100224310f300d060b2b060104018dbf4101012a3022060b2a864886f70d010910022331133011300f060a2b06"
    "0104018dbf410201020101302f06092a864886f70d0109043122042007f7ab476bc3a83fad639d34a012cb4a5f859441f0d2"
    "4c11627ca96696839012300a06082a8648ce3d040302044730450220666531bb981d12ca91337ed26757439beb0f26ad8819"
    "33a7cf8b29d0d160e4ca022100dc7b626229e7ca65da7bb7b530c449587ca295f75d7ee89c64c107b7142f390c";
// ta_p384, ecdsa, sha384
const char* const kEcP384Sha384 =
    "3082018506092a864886f70d010702a082017630820172020103310f300d060960864801650304020205003013060b2a8648"
    "86f70d0109100110a00404026677318201453082014102010380141e83c4e85a3658309ab6b4ecf5467907a14739b8300d06"
    "096086480165030402020500a081a1301a06092a864886f70d010903310d060b2a864886f70d0109100110301e060b2a8648"
    "86f70d0109100224310f300d060b2b060104018dbf4101012a3022060b2a864886f70d010910022331133011300f060a2b06"
    "0104018dbf410201020101303f06092a864886f70d0109043132043052c20a6f7f43271e6489d0a1e243b576ac7ef37245f6"
    "67bf66f0616409824bec4eeb3542c5e0799f242315b9c3df28fe300a06082a8648ce3d04030304673065023100cc1fcf27de"
    "d1d2435803b432cb9ef28423c2185185b6e5316709fe6f36f95757b297a173c2aed4217737662f9ae889c20230108158e76b"
    "358b74b521d1d1d6ea2510ff77ed014a8ec234fc803348640f41c9e4b34b5cf35e8bce1a5607d43ac8067b";
// ta_p256, ecdsa, sha512
const char* const kEcP256Sha512 =
    "3082017506092a864886f70d010702a082016630820162020103310f300d060960864801650304020305003013060b2a8648"
    "86f70d0109100110a00404026677318201353082013102010380148c89221a7ee3716ba2e70984ff686e75634ee709300d06"
    "096086480165030402030500a081b1301a06092a864886f70d010903310d060b2a864886f70d0109100110301e060b2a8648"
    "86f70d0109100224310f300d060b2b060104018dbf4101012a3022060b2a864886f70d010910022331133011300f060a2b06"
    "0104018dbf410201020101304f06092a864886f70d01090431420440b9f5306438d93f5ab53422ae35822449cad534355db5"
    "7f47139841bef1d68c24190a68b0efb297bd4c36e8a1bb2ae302b24a35cb3d29657236a8b822e1c0c265300a06082a8648ce"
    "3d04030404473045022100ee7131ac0903b3dc373e4050969c93340ebb330271fe733cdb79bcacbbd1aea402203bcb981d8e"
    "964473b7cd693f9a671f3636104f7905687957b98a6ddaa5df9d73";

// The fixture trust anchors: SubjectPublicKeyInfo and subjectKeyIdentifier (same script).
struct AnchorHex {
  const char* spki;
  const char* ski;
};
const AnchorHex kRsa2048{
    "30820122300d06092a864886f70d01010105000382010f003082010a0282010100d67e4f5251f70c0fd48a64d4703fc06da9"
    "f3f4707a99bb1b6c9e5e71da3206036c3f8827d53382f1a526a23a50c4cdaea3e82ca24da4d48975844b4a81a22ea321ed91"
    "5913365c35686926d5956cfc3917c09606d6da35ceefa4db805814915bea24ab92859ea9a19c0c3cd37b472f9ab803eae95f"
    "acc2bca70d60c60e87706086cc906c7f4ff5bff8c0305ed4d6f66db4375ce1e60f2901e816a56a6d0dc7945bab7d8a29ea89"
    "f9f2999b4e1345f0292bbaf3861ac7de72513a6a236964420e0d0ddb271c8a8278c4689d904874b8184cf4538b5828a101e2"
    "1c2a83dca5d88b2ad01d66bea6bc4cf0553227e2f5fc686bc8c26ccd9dd34c337d0637f4bc3ddd0203010001",
    "7397ee9f2ec101fd9e036814a012603e7b7db79c"};
const AnchorHex kRsa1024{
    "30819f300d06092a864886f70d010101050003818d0030818902818100c07a8de001416a9b459d50752e07157d1745287284"
    "acfe4bbdd69c1885ac45cf9bd52d272fdd7c3bb058f0684b1f687b44d3d318b6b651a4e0d851f6e3f1cec5e23c78c5715ab0"
    "af419fab5816f9cd64e6acc6a2288894c2b3be73552963afad72ed04f12e9b5f8986ebd6655ec70f72b7c9ebb14bfef470c4"
    "6a4f724ded75f70203010001",
    "593f0d7f9168e79d05af267b7326280cd4135bd4"};
const AnchorHex kP256{
    "3059301306072a8648ce3d020106082a8648ce3d030107034200047c342caf8a8cf645e777a3250cdb00a4bc2b6d6d3d5b5d"
    "6d701663616ef930691c08b9302cea4946b2373c97d20cac72f6ad71bfc6eaa81f17c0d3e152354764",
    "8c89221a7ee3716ba2e70984ff686e75634ee709"};
const AnchorHex kP384{
    "3076301006072a8648ce3d020106052b810400220362000416bae640da9e3191d0a16955f1bac13ba8847f79b0599465b694"
    "fb93c34580174ab3219434fcbd9a7fe82ab8170dd8d742f0f13a6692888806eaaf9021c1ea72b0283d637bb8eb495d33f169"
    "fdc7462b61d1fb391aaa3d622235ccccca65f5c4",
    "1e83c4e85a3658309ab6b4ecf5467907a14739b8"};

Bytes hx(std::string_view h) { return *from_hex(h); }
TrustAnchor anchor(const AnchorHex& a, bool signer = true) { return TrustAnchor{hx(a.ski), hx(a.spki), std::nullopt, signer}; }
/// A trust anchor under another anchor's key identifier (the sid then leads to this key).
TrustAnchor anchor_as(const AnchorHex& id, std::string_view spki_hex) { return TrustAnchor{hx(id.ski), hx(spki_hex), std::nullopt, true}; }
std::vector<TrustAnchor> anchors() { return {anchor(kRsa2048), anchor(kRsa1024), anchor(kP256), anchor(kP384)}; }
SignedPackage pkg(const char* h) { return read_signed_package(hx(h)); }

/// verify_signature's outcome: the rejection, or nullopt with the anchor index when it verifies.
struct Verdict {
  std::optional<Rejection> rejected;
  std::size_t anchor = 99;
};
Verdict verdict(const SignedPackage& p, const std::vector<TrustAnchor>& tas = anchors(), const AlgorithmPolicy& pol = {}) {
  try {
    return Verdict{std::nullopt, verify_signature(pol, tas, p).anchor};
  } catch (const Reject& r) {
    return Verdict{r.r};
  }
}
/// CHECKs a rejection with this code at this offset (and rule, when given).
void check_rejected(const Verdict& v, ErrorCode code, std::size_t offset, std::string_view rule = {}) {
  REQUIRE(v.rejected.has_value());
  INFO(v.rejected->detail);
  CHECK(code_value(v.rejected->code) == code_value(code));
  CHECK(v.rejected->offset == offset);
  if (!rule.empty()) CHECK(v.rejected->rule == rule);
}

// Offsets in kRsaSha256 (and, the same layout up to there, kRsaSha512 / kPssSha256 / the EC packages)
constexpr std::size_t kDigestAt = 28, kSidAt = 75, kSignerDigestAt = 97, kAttrsAt = 112, kSigAlgAt = 260;
constexpr std::size_t kRsaSignatureAt = 275, kEcSignatureAt = 272;
// RFC 5754 §2 / RFC 4055 §5 / RFC 5758 §3.2 / RFC 3279 §2.3.1 / RFC 5480 §2.1.1.1 object identifiers
constexpr std::string_view kSha1 = "1.3.14.3.2.26", kSha256 = "2.16.840.1.101.3.4.2.1", kSha384 = "2.16.840.1.101.3.4.2.2",
                           kSha512 = "2.16.840.1.101.3.4.2.3";
constexpr std::string_view kRsaEncryption = "1.2.840.113549.1.1.1", kSha384WithRsa = "1.2.840.113549.1.1.12";
constexpr std::string_view kDsaWithSha256 = "2.16.840.1.101.3.4.3.2", kEcdsaWithSha384 = "1.2.840.10045.4.3.3";
}  // namespace

TEST_CASE("fwpkg verify: correctly signed packages verify under the anchor their sid names (RFC 4108 §1.2.3, §2.1.2.1)") {
  // RSASSA-PKCS1-v1_5 (sha256WithRSAEncryption, sha512WithRSAEncryption), RSASSA-PSS (SHA-256,
  // MGF1-SHA-256, salt 32), ecdsa-with-SHA256/384/512 on P-256 and P-384 (RFC 5758 §3.2; the hash
  // need not match the curve size). The anchor index is the position in anchors().
  const std::pair<const char*, std::size_t> good[] = {{kRsaSha256, 0}, {kRsaSha512, 0},    {kPssSha256, 0},
                                                      {kEcP256Sha256, 2}, {kEcP384Sha384, 3}, {kEcP256Sha512, 2}};
  for (const auto& [h, at] : good) {
    const auto v = verdict(pkg(h));
    CAPTURE(std::string(h).substr(300, 40));
    INFO((v.rejected ? v.rejected->detail : std::string("verified")));
    CHECK_FALSE(v.rejected.has_value());
    CHECK(v.anchor == at);
  }
  // RFC 3370 §3.2: the rsaEncryption identifier as SignerInfo.signatureAlgorithm is RSASSA-PKCS1-v1_5
  // with the digest algorithm's hash; the signature is the same.
  auto p = pkg(kRsaSha256);
  p.signature_algorithm.oid = std::string(kRsaEncryption);
  CHECK_FALSE(verdict(p).rejected.has_value());
}

TEST_CASE("fwpkg verify: each check with its §4.1.3 code, at the field it names, in the header's order") {
  SUBCASE("notAuthorized (11) before badDigestAlgorithm (12)") {
    auto tas = anchors();
    tas[0].firmware_signer = false;
    check_rejected(verdict(pkg(kRsaSha256), tas), ErrorCode::notAuthorized, kSidAt);
    auto p = pkg(kRsaSha256);
    p.digest_algorithm.oid = p.signer_digest.oid = std::string(kSha1);
    check_rejected(verdict(p, tas), ErrorCode::notAuthorized, kSidAt);
    check_rejected(verdict(p), ErrorCode::badDigestAlgorithm, kDigestAt);  // SHA-1: not supported
  }
  SUBCASE("badDigestAlgorithm: SHA-256 with parameters other than NULL (RFC 5754 §2: absent or NULL)") {
    auto p = pkg(kRsaSha256);
    p.digest_algorithm.params = Bytes{0x02, 0x01, 0x00};  // INTEGER 0
    check_rejected(verdict(p), ErrorCode::badDigestAlgorithm, kDigestAt);
  }
  SUBCASE("badDigestAlgorithm: a supported hash the policy leaves out") {
    AlgorithmPolicy pol;
    pol.digests = {SigHash::sha256};
    check_rejected(verdict(pkg(kRsaSha512), anchors(), pol), ErrorCode::badDigestAlgorithm, kDigestAt);
    CHECK_FALSE(verdict(pkg(kRsaSha256), anchors(), pol).rejected.has_value());
  }
  SUBCASE("badDigestAlgorithm: SignerInfo.digestAlgorithm differs from SignedData's (§2.1.2.1)") {
    auto p = pkg(kRsaSha256);
    p.signer_digest.oid = std::string(kSha384);
    check_rejected(verdict(p), ErrorCode::badDigestAlgorithm, kSignerDigestAt);
  }
  SUBCASE("badSignatureAlgorithm (13): unknown (DSA), before a too-small key (14)") {
    auto p = pkg(kRsaSha256);
    p.signature_algorithm.oid = std::string(kDsaWithSha256);
    check_rejected(verdict(p), ErrorCode::badSignatureAlgorithm, kSigAlgAt, "FWPKG-4.1.3-SIGALG");
    check_rejected(verdict(p, {anchor_as(kRsa2048, kRsa1024.spki)}), ErrorCode::badSignatureAlgorithm, kSigAlgAt);
  }
  SUBCASE("badSignatureAlgorithm: the algorithm names another hash than the digest algorithm") {
    auto p = pkg(kRsaSha256);
    p.signature_algorithm.oid = std::string(kSha384WithRsa);
    check_rejected(verdict(p), ErrorCode::badSignatureAlgorithm, kSigAlgAt);
    auto e = pkg(kEcP256Sha256);
    e.signature_algorithm.oid = std::string(kEcdsaWithSha384);
    check_rejected(verdict(e), ErrorCode::badSignatureAlgorithm, kSigAlgAt);
  }
  SUBCASE("badSignatureAlgorithm: a scheme the policy leaves out (RSASSA-PSS)") {
    AlgorithmPolicy pol;
    pol.schemes = {SigScheme::rsa_pkcs1v15, SigScheme::ecdsa};
    check_rejected(verdict(pkg(kPssSha256), anchors(), pol), ErrorCode::badSignatureAlgorithm, kSigAlgAt);
  }
  SUBCASE("unsupportedKeySize (14): an RSA-1024 anchor, an anchor key that is no SubjectPublicKeyInfo, a curve left out") {
    check_rejected(verdict(pkg(kRsaSha256), {anchor_as(kRsa2048, kRsa1024.spki)}), ErrorCode::unsupportedKeySize, kSidAt,
                   "FWPKG-4.1.3-KEY");
    // 30 03 02 01 00: SEQUENCE { INTEGER 0 }, not a SubjectPublicKeyInfo
    check_rejected(verdict(pkg(kRsaSha256), {anchor_as(kRsa2048, "3003020100")}), ErrorCode::unsupportedKeySize, kSidAt);
    AlgorithmPolicy pol;
    pol.curves = {Curve::p256};
    check_rejected(verdict(pkg(kEcP384Sha384), anchors(), pol), ErrorCode::unsupportedKeySize, kSidAt);
    CHECK_FALSE(verdict(pkg(kEcP256Sha256), anchors(), pol).rejected.has_value());
  }
  SUBCASE("an RSA signature algorithm with an EC anchor key cannot verify: signatureFailure (15)") {
    check_rejected(verdict(pkg(kRsaSha256), {anchor_as(kRsa2048, kP256.spki)}), ErrorCode::signatureFailure, kSigAlgAt);
  }
  SUBCASE("unsupportedParameters (35): PKCS #1 v1.5 with parameters other than NULL (RFC 4055 §5)") {
    auto p = pkg(kRsaSha256);
    p.signature_algorithm.params = Bytes{0x02, 0x01, 0x00};  // INTEGER 0
    check_rejected(verdict(p), ErrorCode::unsupportedParameters, kSigAlgAt, "FWPKG-4.1.3-PARAMS");
  }
  SUBCASE("unsupportedParameters: ECDSA with parameters (RFC 5758 §3.2: the parameters MUST be omitted)") {
    auto p = pkg(kEcP256Sha256);
    p.signature_algorithm.params = Bytes{0x05, 0x00};  // NULL
    check_rejected(verdict(p), ErrorCode::unsupportedParameters, kSigAlgAt, "FWPKG-4.1.3-PARAMS");
  }
  SUBCASE("unsupportedParameters: RSASSA-PSS with a 20-octet salt (the verify.hpp contract: salt = hash length)") {
    auto p = pkg(kPssSha256);
    // RSASSA-PSS-params { [0] sha256 NULL, [1] { mgf1, sha256 NULL }, [2] 20 }
    p.signature_algorithm.params =
        hx("3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020114");
    check_rejected(verdict(p), ErrorCode::unsupportedParameters, kSigAlgAt, "FWPKG-4.1.3-PARAMS");
  }
  SUBCASE("signatureFailure (15): the message-digest attribute, then the signature") {
    auto p = pkg(kRsaSha256);
    p.econtent.push_back(0x21);
    check_rejected(verdict(p), ErrorCode::signatureFailure, kAttrsAt);
    auto e = pkg(kEcP256Sha256);
    e.signature = hx("3006020180020101");  // Ecdsa-Sig-Value { r -128, s 1 }: r out of range (RFC 5480 §2.2)
    check_rejected(verdict(e), ErrorCode::signatureFailure, kEcSignatureAt);
    auto r = pkg(kRsaSha256);
    r.signature.back() ^= 1;
    check_rejected(verdict(r), ErrorCode::signatureFailure, kRsaSignatureAt);
  }
  SUBCASE("an EC anchor key whose public key octets are no point cannot be used: unsupportedKeySize") {
    // SubjectPublicKeyInfo { { id-ecPublicKey, secp256r1 }, BIT STRING 04 01 } (SEC 1 §2.3.4: an
    // uncompressed P-256 point is 65 octets)
    const std::string spki = "301a301306072a8648ce3d020106082a8648ce3d03010703030004" "01";
    const auto v = verdict(pkg(kEcP256Sha256), {anchor_as(kP256, spki)});
    REQUIRE(v.rejected.has_value());
    CHECK(code_value(v.rejected->code) == code_value(ErrorCode::unsupportedKeySize));
  }
}

TEST_CASE("fwpkg verify: hash and scheme names, digest algorithm identifiers (FIPS 180-4, RFC 8017, RFC 5754 §2)") {
  CHECK(enum_name(SigHash::sha256) == "SHA-256");
  CHECK(enum_name(SigHash::sha384) == "SHA-384");
  CHECK(enum_name(SigHash::sha512) == "SHA-512");
  CHECK(enum_name(SigScheme::rsa_pss) == "RSASSA-PSS");
  const std::pair<std::string_view, SigHash> ids[] = {{kSha256, SigHash::sha256}, {kSha384, SigHash::sha384}, {kSha512, SigHash::sha512}};
  for (const auto& [o, h] : ids) {
    CAPTURE(o);
    CHECK(digest_of(o) == h);
    CHECK(digest_oid(h) == o);
  }
  CHECK_FALSE(digest_of(kSha1).has_value());
}

TEST_CASE("fwpkg verify: key_info classifies a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7, RFC 5480 §2.1.1)") {
  const auto p384 = key_info(hx(kP384.spki));
  REQUIRE(p384.ok());
  CHECK_FALSE(p384->rsa);
  CHECK(p384->curve == Curve::p384);
  CHECK(p384->curve_oid == "1.3.132.0.34");  // secp384r1
  // the P-256 SPKI with NULL appended inside its SEQUENCE: 3 fields, not 2
  const std::string p256(kP256.spki);
  CHECK_FALSE(key_info(hx("305b" + p256.substr(4) + "0500")).ok());
  // ... and with another NULL after the SEQUENCE: the error counts the 2 extra octets inside the
  // SEQUENCE, where the first problem is (der.hpp Reader::finish)
  const auto extra = key_info(hx("305b" + p256.substr(4) + "0500" + "0500"));
  REQUIRE_FALSE(extra.ok());
  CHECK(extra.error().message.find("2 unexpected octet") != std::string::npos);
  // { rsaEncryption NULL, BIT STRING { INTEGER 0 } }: the key is no RSAPublicKey
  CHECK_FALSE(key_info(hx("3015300d06092a864886f70d0101010500030400020100")).ok());
  // { { id-ecPublicKey } (no ECParameters), BIT STRING 04 || 1 || 1 }
  const auto no_curve = key_info(hx("301030090607" "2a8648ce3d0201" "0303000401"));
  REQUIRE_FALSE(no_curve.ok());
  CHECK(no_curve.error().message.find("without curve parameters") != std::string::npos);
}

TEST_CASE("fwpkg verify: Ecdsa-Sig-Value <-> r||s (RFC 5480 §2.2, RFC 5758 §3.2; X.690 §8.3 two's complement)") {
  const auto conv = [](std::string_view der) { return ecdsa_der_to_p1363(hx(der), 32); };
  const auto be = [](std::string_view tail) {  // a 32-octet big-endian number ending in tail
    return std::string(64 - tail.size(), '0') + std::string(tail);
  };
  // { r 1, s 2 }: left-padded to the curve size
  CHECK(to_hex(conv("3006020101020102").value_or(Bytes{})) == be("01") + be("02"));
  // { r 0x0102, s 3 }
  CHECK(to_hex(conv("300702020102020103").value_or(Bytes{})) == be("0102") + be("03"));
  // r = 0x00 ff..ff (33 octets: the sign octet, then 32 value octets), s = 1
  const std::string ffs(64, 'f');
  CHECK(to_hex(conv("302602210" "0" + ffs + "020101").value_or(Bytes{})) == ffs + be("01"));
  // r = 7f ff..ff (exactly 32 octets)
  const std::string r32 = "7f" + std::string(62, 'f');
  CHECK(to_hex(conv("30250220" + r32 + "020101").value_or(Bytes{})) == r32 + be("01"));
  CHECK_FALSE(conv("3006020180020101").has_value());                         // r = -128: negative
  CHECK_FALSE(conv("30260221" "01" + ffs + "020101").has_value());            // r has 33 value octets: > the curve
  CHECK_FALSE(conv("3009020101020102020103").has_value());                    // a third INTEGER
  // r||s -> DER: r = 0 keeps its one octet, s = 0x80.. gets a sign octet
  const Bytes rs = hx(be("00") + "80" + std::string(62, '0'));
  CHECK(to_hex(ecdsa_p1363_to_der(rs)) == "302602010002210080" + std::string(62, '0'));
  CHECK(to_hex(ecdsa_p1363_to_der(hx(be("00") + be("01")))) == "3006020100020101");  // r = 0, s = 1
}

namespace {
// RSASSA-PSS-params fields (RFC 4055 §3.1), DER: [0] hashAlgorithm, [1] maskGenAlgorithm, [2] saltLength, [3] trailerField
constexpr std::string_view kH256 = "a00f300d06096086480165030402010500";                               // [0] { sha256 NULL }
constexpr std::string_view kH384 = "a00f300d06096086480165030402020500";                               // [0] { sha384 NULL }
constexpr std::string_view kM256 = "a11c301a06092a864886f70d010108300d06096086480165030402010500";     // [1] { mgf1 { sha256 NULL } }
constexpr std::string_view kM384 = "a11c301a06092a864886f70d010108300d06096086480165030402020500";     // [1] { mgf1 { sha384 NULL } }
constexpr std::string_view kS32 = "a203020120";                                                        // [2] 32
std::optional<std::string> pss(std::initializer_list<std::string_view> fields) {
  std::string body;
  for (auto f : fields) body += f;
  const std::string len = to_hex(Bytes{static_cast<std::uint8_t>(body.size() / 2)});
  return pss_params_problem(AlgorithmId{std::string(oid::rsassa_pss), hx("30" + len + body), 0}, SigHash::sha256);
}
}  // namespace

TEST_CASE("fwpkg verify: RSASSA-PSS-params, supported only as hash = MGF1 hash = the digest, salt = hash length, trailer 1") {
  // the verify.hpp contract (pss_params_problem); RFC 4055 §3.1 for the syntax
  CHECK_FALSE(pss({kH256, kM256, kS32}).has_value());
  CHECK_FALSE(pss({kH256, kM256, kS32, "a303020101"}).has_value());  // trailerField 1 (the DEFAULT) spelt out
  CHECK(pss({kH384, kM256, kS32}).has_value());                 // hashAlgorithm SHA-384 with a SHA-256 digest
  CHECK(pss({kH256, kM384, kS32}).has_value());                 // MGF1 over SHA-384
  CHECK(pss({kH256, kM256, "a203020114"}).has_value());         // saltLength 20
  CHECK(pss({kH256, kM256, kS32, "a303020102"}).has_value());   // trailerField 2
  // mask generation 1.2.840.113549.1.1.9 (id-pSpecified, not MGF1) with SHA-256 parameters
  CHECK(pss({kH256, "a11c301a06092a864886f70d010109300d06096086480165030402010500", kS32}).has_value());
  // malformed: a second element inside [0], [1], [2], [3], or after the last field; the problem
  // names the field that holds the extra octets (der.hpp Reader::finish: "everything in it must
  // have been read")
  const auto names = [](const std::optional<std::string>& why, std::string_view field) {
    INFO(why.value_or("(none)"));
    CHECK((why && why->find(field) != std::string::npos));
  };
  names(pss({"a011300d060960864801650304020105000500", kM256, kS32}), "hashAlgorithm");
  names(pss({kH256, "a11e301a06092a864886f70d010108300d060960864801650304020105000500", kS32}), "maskGenAlgorithm");
  names(pss({kH256, kM256, "a2050201200500"}), "saltLength");
  names(pss({kH256, kM256, kS32, "a3050201010500"}), "trailerField");
  CHECK(pss({kH256, kM256, kS32, "0500"}).has_value());
  {  // ... and with another NULL after the SEQUENCE: the problem counts the 2 octets inside it
    const auto why = pss_params_problem(
        AlgorithmId{std::string(oid::rsassa_pss), hx("3036" + std::string(kH256) + std::string(kM256) + std::string(kS32) + "0500" + "0500"), 0},
        SigHash::sha256);
    names(why, "2 unexpected octet");
  }
  // absent parameters mean the RFC 4055 §3.1 defaults: SHA-1, which the contract does not support
  names(pss_params_problem(AlgorithmId{std::string(oid::rsassa_pss), std::nullopt, 0}, SigHash::sha256), "SHA-1");
}

TEST_CASE("fwpkg report: FirmwarePackageLoadError with every optional field, unsigned and signed (RFC 4108 §4.1, Appendix A)") {
  // expected: fwpkg_builder.py's FirmwarePackageLoadError (asn1crypto) of the same fields:
  //   hwType 1.3.6.1.4.1.221121.1.1.42, hwSerialNum 0102030405060708, errorCode otherError (99),
  //   vendorErrorCode 7, fwPkgName {1.3.6.1.4.1.221121.2.1, 3},
  //   config [1] { { fwPkgType 2, {1.3.6.1.4.1.221121.2.2, 1} }, { legacy 'abc' } }
  ErrorFields f;
  f.hw_type = "1.3.6.1.4.1.221121.1.1.42";
  f.serial = hx("0102030405060708");
  f.code = ErrorCode::otherError;
  f.vendor_code = 7;
  f.name = PackageName{Preferred{"1.3.6.1.4.1.221121.2.1", 3}};
  f.config = std::vector<Installed>{Installed{PackageName{Preferred{"1.3.6.1.4.1.221121.2.2", 1}}, 2, {}},
                                    Installed{PackageName{Legacy{to_bytes("abc")}}, std::nullopt, {}}};
  const Bytes content = error_content(f);
  CHECK(to_hex(content) ==
        "304d060b2b060104018dbf4101012a040801020304050607080a0163020107300f060a2b060104018dbf410201020103a11d301402"
        "0102300f060a2b060104018dbf41020202010130050403616263");
  // unsigned: ContentInfo { id-ct-firmwareLoadError, [0] content } (§4.1.1)
  const auto plain = wrap_report(oid::firmware_load_error, content, std::nullopt);
  REQUIRE(plain.ok());
  CHECK(to_hex(*plain) == "305e060b2a864886f70d0109100112a04f" + to_hex(content));
  // signed with the module key (§4.1.2): SignedData whose signature verifies under the module key
  const ModuleKey mk{hx(example::module_key_id), hx(example::module_private_key), std::nullopt};
  const auto sig = wrap_report(oid::firmware_load_error, content, mk);
  REQUIRE(sig.ok());
  const SignedPackage sp = read_signed_package(*sig, false);
  CHECK(sp.econtent_type == "1.2.840.113549.1.9.16.1.18");
  CHECK(sp.econtent == content);
  const std::vector<TrustAnchor> module{TrustAnchor{hx(example::module_key_id), hx(example::module_public_key), std::nullopt, true}};
  CHECK_FALSE(verdict(sp, module).rejected.has_value());
  // a module key that is no PKCS #8 PrivateKeyInfo: no report, an error
  CHECK_FALSE(wrap_report(oid::firmware_load_error, content, ModuleKey{hx("0102"), hx("3000"), std::nullopt}).ok());
}

}  // namespace LOCKREF_UNITY_ID
