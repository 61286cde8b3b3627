// RFC 4108 firmware packages: what stage 1 of the first fwpkg run of tools/mutate.py left
// surviving in fwpkg/cms_write.hpp (the CMS writer behind the module's signed load receipts and
// load error reports, §3.1.2 and §4.1.2) and fwpkg/seagate.hpp (the Seagate CC guide's firmware
// download as a loader profile).
// Where expected values come from:
//  - signed receipts / error reports and the AlgorithmIdentifiers: tests/oracle/fwpkg_signed_reports.py
//    (python3-asn1crypto + python3-cryptography, no lockref code), signed with the published
//    example RSA-2048 key of fwpkg/example_keys.hpp (RSASSA-PKCS1-v1_5 is deterministic, so the
//    bytes are exact); both outputs pass `openssl cms -verify`; the module certificate below is
//    `openssl req -x509 -new -key <that key> -subj "/CN=lockref example module RSA" -set_serial 1
//    -addext subjectKeyIdentifier=hash -addext basicConstraints=critical,CA:TRUE -sha256`.
//    The PSS AlgorithmIdentifiers were also made with `openssl asn1parse -genconf` (same bytes). The
//    P-256 module's receipt is exact too: the script recomputes the RFC 6979 ECDSA signature.
//  - the Seagate profile: seed ../shared/seeds/000_486f11a636b6eb99.txt, "Firmware Access Control
//    and Firmware Trusted Update" and "Firmware Rollback Protection" (quoted at each test), and
//    vectors/fwpkg-seagate.json (packages and states by tests/oracle/fwpkg_builder.py / fwpkg_cases.py).
#include <doctest/doctest.h>

#include <string>

#include "external_vectors.hpp"
#include "lockref/fwpkg/builder.hpp"
#include "lockref/fwpkg/machine.hpp"
#include "lockref/fwpkg/seagate.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::fwpkg;

namespace {
Bytes hx(std::string_view h) { return from_hex(h).value(); }
/// One vector of vectors/fwpkg-<file>.json by id.
Json fw_vector(const std::string& file, const std::string& id) {
  const Json doc = testing::load_vectors("fwpkg-" + file + ".json");
  for (const auto& v : doc["vectors"])
    if (v["id"] == id) return v;
  FAIL("no vector " << id << " in fwpkg-" << file << ".json");
  return {};
}
State state_of(const Json& v) { return from_json<State>(v["request"]["loader_state"]).value(); }
Bytes package_of(const Json& v) { return testing::unhex(v["request"]["package_der"]); }

/// Self-signed X.509 certificate of the example RSA-2048 key (subjectKeyIdentifier = example::signer_key_id).
const std::string kModuleCert =
    "3082031a30820202a003020102020101300d06092a864886f70d01010b050030253123302106035504030c1a6c6f636b7265"
    "66206578616d706c65206d6f64756c65205253413020170d3236313230343137343731375a180f3231323631313130313734"
    "3731375a30253123302106035504030c1a6c6f636b726566206578616d706c65206d6f64756c652052534130820122300d06"
    "092a864886f70d01010105000382010f003082010a0282010100d07a65b6ad59d7c3ee35381c059b20ff6968f5744662cf3c"
    "cc1f184604f16ae061a9d6811d02f996844fcf8fc0e60303c5652ddfffe318ecf9879fc476672316a1be75dcde43218ceb64"
    "7c3f23a9d184a53b299c319655c989f11d0ae4603c6889d218ad2d8154ce91223b662b25e787506b267b4331023a983c5786"
    "4193ec1c1c29ff97f3ccbe3b3ad092a50a8c567b05a6c5872fb5a8d2a5360a4855d1e0321d7c518b71d846d3960324c61093"
    "0f6323478c063995057d925799e7d4fce533aa12daa80d3698f2a0a837a3c44c623edcd71c70370cd500c36a6f82417002d4"
    "5f997d5dfd8ef9236a7889613d4c793e7f8dd72127a65b914acc906a52dec6090203010001a3533051301f0603551d230418"
    "30168014b2b5677ef70d0b0481439d01cc35e88a2be2a937301d0603551d0e04160414b2b5677ef70d0b0481439d01cc35e8"
    "8a2be2a937300f0603551d130101ff040530030101ff300d06092a864886f70d01010b05000382010100abdd67ee6bc6d9ef"
    "ff326e79a061c5fe0e458d918cc5cbbd4d168155b0a0d5ddf1e637db7571853ec435092650c65cbdd9f25e38a403723fc718"
    "16cdab09378c9345608bab3a279ab14be6c66b0bd95bf64185d9b6704decd8594a955e755b8acdc4cd827251b05d1dd715ad"
    "16fd32f78549004e032d4db3bc1941d89d2915ca3b8b5b74631f74d44950319927f2f98500d73819feb8e7061e742f419249"
    "a4bc610705e745e7988a969ad175b1855a97e26b74ad32466a93cf90144557f511fc54debbb1993105c8694703eb535d8c0e"
    "0116430596bbafd66fd019a5023cb0945ea70c691283774bb20a61899ac41f64edf454f4036988e736737fdad392cc4b";
/// The module key: the example RSA-2048 key, so that its reports are deterministic.
ModuleKey rsa_module_key(bool with_certificate) {
  ModuleKey k{hx(example::signer_key_id), hx(example::signer_private_key), std::nullopt};
  if (with_certificate) k.certificate = hx(kModuleCert);
  return k;
}
/// EC P-384 PKCS #8 key: tests/oracle/fixtures/fwpkg/ta_p384.key (openssl pkcs8 -topk8 -nocrypt -outform DER).
constexpr std::string_view kP384Key =
    "3081b6020100301006072a8648ce3d020106052b8104002204819e30819b02010104300cffbce87d79ffb7d416db48568597"
    "7137c3732d5c1fd72779c4c766085a049b770ec5329f7102ae883baaa23908fb37a1640362000416bae640da9e3191d0a169"
    "55f1bac13ba8847f79b0599465b694fb93c34580174ab3219434fcbd9a7fe82ab8170dd8d742f0f13a6692888806eaaf9021"
    "c1ea72b0283d637bb8eb495d33f169fdc7462b61d1fb391aaa3d622235ccccca65f5c4";
}  // namespace

// ---- fwpkg/cms_write.hpp ------------------------------------------------------------------------

TEST_CASE("fwpkg cms: the signature AlgorithmIdentifier of every scheme and hash (RFC 4055 §5, §3.1; RFC 5758 §3.2)") {
  // tests/oracle/fwpkg_signed_reports.py: sha*WithRSAEncryption with NULL parameters (RFC 4055 §5
  // "the parameters MUST be NULL"); ecdsa-with-SHA* without parameters (RFC 5758 §3.2 "MUST omit
  // the parameters field"); id-RSASSA-PSS with RSASSA-PSS-params {hashAlgorithm [0], maskGenAlgorithm
  // [1] MGF1 with the same hash, saltLength [2] = the hash length} (the function's contract), the
  // hash AlgorithmIdentifiers without parameters (RFC 5754 §2 "MUST generate SHA2 AlgorithmIdentifiers
  // with absent parameters").
  using S = SigScheme;
  using H = SigHash;
  CHECK(to_hex(signature_algorithm_der(S::rsa_pkcs1v15, H::sha256)) == "300d06092a864886f70d01010b0500");
  CHECK(to_hex(signature_algorithm_der(S::rsa_pkcs1v15, H::sha384)) == "300d06092a864886f70d01010c0500");
  CHECK(to_hex(signature_algorithm_der(S::rsa_pkcs1v15, H::sha512)) == "300d06092a864886f70d01010d0500");
  CHECK(to_hex(signature_algorithm_der(S::ecdsa, H::sha256)) == "300a06082a8648ce3d040302");
  CHECK(to_hex(signature_algorithm_der(S::ecdsa, H::sha384)) == "300a06082a8648ce3d040303");
  CHECK(to_hex(signature_algorithm_der(S::ecdsa, H::sha512)) == "300a06082a8648ce3d040304");
  CHECK(to_hex(signature_algorithm_der(S::rsa_pss, H::sha256)) ==
        "303d06092a864886f70d01010a3030a00d300b0609608648016503040201a11a301806092a864886f70d010108300b06096086"
        "48016503040201a203020120");
  CHECK(to_hex(signature_algorithm_der(S::rsa_pss, H::sha384)) ==
        "303d06092a864886f70d01010a3030a00d300b0609608648016503040202a11a301806092a864886f70d010108300b06096086"
        "48016503040202a203020130");
  CHECK(to_hex(signature_algorithm_der(S::rsa_pss, H::sha512)) ==
        "303d06092a864886f70d01010a3030a00d300b0609608648016503040203a11a301806092a864886f70d010108300b06096086"
        "48016503040203a203020140");
}

TEST_CASE("fwpkg cms: name_der is the PreferredOrLegacyPackageIdentifier (RFC 4108 §2.2.3)") {
  // asn1crypto (fwpkg_builder.PreferredOrLegacyPackageIdentifier): preferred {fwPkgID, verNum 300},
  // legacy OCTET STRING "fw-1.2.3".
  CHECK(to_hex(name_der(Preferred{"1.3.6.1.4.1.221121.2.1", 300})) == "3010060a2b060104018dbf4102010202012c");
  CHECK(to_hex(name_der(Legacy{to_bytes("fw-1.2.3")})) == "040866772d312e322e33");
}

TEST_CASE("fwpkg receipts: a signed load receipt with the module certificate is the independently built DER (RFC 4108 §3.1.2)") {
  // vectors/fwpkg-accept.json plain-rsa-pkcs1, the module key replaced by the example RSA key with its
  // certificate: §3.1.2 "the X.509 certificate of the hardware module SHOULD be included" (certificates
  // [0] between encapContentInfo and signerInfos, RFC 5652 §5.1). Receipt: hwType, hwSerialNum,
  // fwPkgName {1.3.6.1.4.1.221121.2.1, 1}, trustAnchorKeyID = the package's sid.
  const Json v = fw_vector("accept", "plain-rsa-pkcs1");
  State s = state_of(v);
  s.module_key = rsa_module_key(true);
  const auto r = Machine::step(Profile{}, s, Load{package_of(v)});
  REQUIRE(r.out.is_ok());
  REQUIRE(r.out.receipt.has_value());
  const std::string head =
      "3082052a06092a864886f70d010702a082051b30820517020103310d300b06096086480165030402013051060b2a864886f7"
      "0d0109100111a0420440303e060b2b060104018dbf4101012a04080102030405060708300f060a2b060104018dbf41020102"
      "010104147397ee9f2ec101fd9e036814a012603e7b7db79ca082031e";
  const std::string tail =
      "3182018c308201880201038014b2b5677ef70d0b0481439d01cc35e88a2be2a937300b0609608648016503040201a04d301a"
      "06092a864886f70d010903310d060b2a864886f70d0109100111302f06092a864886f70d01090431220420630832dd51bdcc"
      "e373a7bcf82b34149993b80c5d9c99f8a35caa6f51b5c2246d300d06092a864886f70d01010b0500048201000f7dc0dde531"
      "202ca97160f1520bbcd74dcfdd8d1741bbcdc4e98eb84d2a22581139e6b7527acc662b65c8243e2b4b01167290d537b09704"
      "f6fea8099640efb34fd7ed4e846b485c532ae3c12addbb507e71f92a2858ef449c746202c181bb6b72b8be99eba34b5cc41d"
      "2b1137fb8db5a4a7d3783602b1cfbe8aa7e2c20b22bc6775710902cb141272fabf5de26c0a46ea9ce4bf3056d3573041d4e7"
      "dd6fde13d6fbab09e35ef7151ab301c9c5f5936cfdac28157b03138047da6cc45b39f1c7bb016146eb55295eba128a9826af"
      "d087d5730047cb53609fb7fd1fb6496c6a97430034a3e6bbc578132f78321d515d5eabb9af02e87de23b06e40ec9dbceb37c";
  CHECK(to_hex(*r.out.receipt) == head + kModuleCert + tail);
}

TEST_CASE("fwpkg receipts: the P-256 module's signed receipt is the independently built DER, RFC 6979 signature included (RFC 4108 §3.1.2)") {
  // vectors/fwpkg-accept.json signed-receipt-with-certificate as it stands: module key
  // tests/oracle/fixtures/fwpkg/module_p256.key with its certificate. ECDSA with SHA-256 (RFC 5753 §7.2,
  // RFC 5758 §3.2) and a deterministic nonce (crypto::ecdsa_sign: RFC 6979), which
  // fwpkg_signed_reports.py recomputes in pure Python (checked against RFC 6979 A.2.5); the
  // expected receipt passes `openssl cms -verify -CAfile module_p256.crt`.
  const Json v = fw_vector("accept", "signed-receipt-with-certificate");
  const State s = state_of(v);
  REQUIRE(s.module_key.has_value());
  REQUIRE(s.module_key->certificate.has_value());
  const auto r = Machine::step(Profile{}, s, Load{package_of(v)});
  REQUIRE(r.out.is_ok());
  REQUIRE(r.out.receipt.has_value());
  const std::string head =
      "308202ed06092a864886f70d010702a08202de308202da020103310d300b06096086480165030402013051060b2a864886f7"
      "0d0109100111a0420440303e060b2b060104018dbf4101012a04080102030405060708300f060a2b060104018dbf41020102"
      "010104147397ee9f2ec101fd9e036814a012603e7b7db79ca08201a0";
  const std::string tail =
      "3181ce3081cb02010380149c7828a8283be282a2bd2a38ab35cd717ae42fd2300b0609608648016503040201a04d301a0609"
      "2a864886f70d010903310d060b2a864886f70d0109100111302f06092a864886f70d01090431220420630832dd51bdcce373"
      "a7bcf82b34149993b80c5d9c99f8a35caa6f51b5c2246d300a06082a8648ce3d04030204483046022100fc0d8eaf58b9cb4d"
      "be4c1b9fb8193d1489fdac8d00e977028d95b7902179fda0022100bede9259b3aab9b2625c6290ba280f1f086628c4057bcc"
      "64b28ab0c3db6a58d2";
  CHECK(to_hex(*r.out.receipt) == head + to_hex(*s.module_key->certificate) + tail);
}

TEST_CASE("fwpkg reports: a signed load error report without a certificate is the independently built DER (RFC 4108 §4.1.2)") {
  // vectors/fwpkg-codes.json breaksDependency (36), the module key the example RSA key without a
  // certificate: no certificates field at all (RFC 5652 §5.1 certificates [0] IMPLICIT ... OPTIONAL);
  // config [1] lists the two installed packages (§4.1.3 RECOMMENDED).
  const Json v = fw_vector("codes", "breaksDependency");
  State s = state_of(v);
  s.module_key = rsa_module_key(false);
  const auto r = Machine::step(Profile{}, s, Load{package_of(v)});
  CHECK(r.out.error_code == 36);
  REQUIRE(r.out.error_report.has_value());
  CHECK(to_hex(*r.out.error_report) ==
        "3082021d06092a864886f70d010702a082020e3082020a020103310d300b06096086480165030402013066060b2a864886f7"
        "0d0109100112a05704553053060b2b060104018dbf4101012a040801020304050607080a0124300f060a2b060104018dbf41"
        "0201020101a1263011300f060a2b060104018dbf4102010201023011300f060a2b060104018dbf4102020201013182018c30"
        "8201880201038014b2b5677ef70d0b0481439d01cc35e88a2be2a937300b0609608648016503040201a04d301a06092a8648"
        "86f70d010903310d060b2a864886f70d0109100112302f06092a864886f70d0109043122042044434a9730fee0c39bb2e1cb"
        "4c6a95ab668c07e4326dec0b1b81c6030608ee7a300d06092a864886f70d01010b050004820100298f29b718c3370c64cf2c"
        "d1d9b94f42b9088b54e2ee96247a89b69ab39d90a19b5469a2a233364cbaee65c7abdc9a8a04fec0dd5b9b95972feaf8fa89"
        "28145031c6a506b6ffe147ec81f7dede6985f7bfe40e11722031e2b50a3c918e4842d9946bf790645f8d4321781003f4ee98"
        "ebeacd3929450a326eda6b386b258526e49a558a61c62bffb2cd4a8bb98325b3666555218dccf08e68a44612d5422d88a7ba"
        "c2ce7fc7244627a19f015aca63469f0d3a7f05b744967a2edc9e41bb36d1446f0127941b4d5e31214401b8d80b6c09a7e6cf"
        "0065789186ff259c35d1495b6ca7bd47d017693574eb2f1497203d9c212e585704ddb93b85708c8a3743b07f0b");
}

TEST_CASE("fwpkg cms: signer_for picks the scheme and hash for the module key and keeps its id and certificate") {
  // cms_write.hpp signer_for: "RSA -> PKCS #1 v1.5 with SHA-256, P-256 -> ECDSA with SHA-256,
  // P-384 -> ECDSA with SHA-384"; the SignerInfo sid is the module's key id (§3.1.2, version 3).
  const auto rsa = signer_for(rsa_module_key(true));
  REQUIRE(rsa.ok());
  CHECK(rsa->scheme == SigScheme::rsa_pkcs1v15);
  CHECK(rsa->hash == SigHash::sha256);
  CHECK(to_hex(rsa->key_id) == example::signer_key_id);
  REQUIRE(rsa->certificates.size() == 1);
  CHECK(to_hex(rsa->certificates[0]) == kModuleCert);
  const auto p256 = signer_for(ModuleKey{hx(example::module_key_id), hx(example::module_private_key), std::nullopt});
  REQUIRE(p256.ok());
  CHECK(p256->scheme == SigScheme::ecdsa);
  CHECK(p256->hash == SigHash::sha256);
  CHECK(to_hex(p256->key_id) == example::module_key_id);
  CHECK(p256->certificates.empty());
  const auto p384 = signer_for(ModuleKey{to_bytes("p384"), hx(kP384Key), std::nullopt});
  REQUIRE(p384.ok());
  CHECK(p384->scheme == SigScheme::ecdsa);
  CHECK(p384->hash == SigHash::sha384);
  // not a PKCS #8 key at all: an error, not a signer
  const auto bad = signer_for(ModuleKey{to_bytes("k"), to_bytes("not a key"), std::nullopt});
  CHECK_FALSE(bad.ok());
  // a named curve other than P-256/P-384 (secp256k1, 1.3.132.0.10; `openssl genpkey -algorithm EC
  // -pkeyopt ec_paramgen_curve:secp256k1`, pkcs8 -topk8 -nocrypt -outform DER): refused, naming the curve
  const auto k1 = signer_for(ModuleKey{to_bytes("k1"),
                                       hx("308184020100301006072a8648ce3d020106052b8104000a046d306b0201010420cb6ac7f839ce1d1ec9b5a4"
                                          "516306d8fb2d4c49080bded934e2a2aa77139630dfa144034200047806d92c9c87dbfcd285edd664918d002e"
                                          "78464a0fbea1132ef6c715f51b53f9433a523804c55feb0db8b4ae4e9b1bc794c8957d2021608060dfdc1130"
                                          "5209d8"),
                                       std::nullopt});
  REQUIRE_FALSE(k1.ok());
  CHECK(k1.error().message.find("1.3.132.0.10") != std::string::npos);
}

TEST_CASE("fwpkg cms: a key that cannot sign gives an error, not SignedData") {
  // RSA PKCS #8 key under scheme ecdsa: no EC private key to sign with.
  Signer ec_with_rsa_key = example::signer();
  ec_with_rsa_key.scheme = SigScheme::ecdsa;
  const auto a = signed_data(oid::firmware_load_receipt, to_bytes("content"), ec_with_rsa_key);
  CHECK_FALSE(a.ok());
  // garbage in place of the RSA key
  Signer garbage = example::signer();
  garbage.private_key = to_bytes("not a key");
  const auto b = signed_data(oid::firmware_load_receipt, to_bytes("content"), garbage);
  CHECK_FALSE(b.ok());
  garbage.scheme = SigScheme::rsa_pss;
  CHECK_FALSE(signed_data(oid::firmware_load_error, to_bytes("content"), garbage).ok());
}

// ---- fwpkg/seagate.hpp ----------------------------------------------------------------------------

TEST_CASE("fwpkg seagate: the profile is the guide's firmware download (seed 000)") {
  // seed 000 "Firmware Access Control and Firmware Trusted Update": "The signature is verified using
  // PKCS #PSS, v2.1 RSA signature algorithm and public key in ROM", "The RSA key/modulus size for all
  // current generation Seagate products is 4096 bits"; "The firmware update package is written to
  // flash. This overwrites the original firmware" (one image: max_installed 1); "An error code is
  // returned if any part of the firmware update process fails" (an NVMe status, no RFC 4108 receipt
  // or error report). "Firmware Rollback Protection": "downgrading to a lower security version number
  // is not possible" (rollback_floor).
  const Profile p = seagate::profile();
  CHECK(p.name == "seagate");  // vectors/fwpkg-seagate.json names the profile "seagate"
  CHECK(p.algorithms.schemes == std::vector<SigScheme>{SigScheme::rsa_pss});
  CHECK(p.algorithms.min_rsa_bits == 4096);
  CHECK(p.algorithms.max_rsa_bits == 4096);
  CHECK(p.rollback_floor);
  CHECK(p.max_installed == 1);
  CHECK_FALSE(p.receipts);
  CHECK_FALSE(p.error_reports);
  CHECK(Machine::validate(p).ok());
}

TEST_CASE("fwpkg seagate: every vectors/fwpkg-seagate.json package gets exactly the guide's verdict") {
  // tests/oracle/fwpkg_cases.py states each expectation from the guide's words (its "section"):
  // PKCS #1 v1.5 is not "PKCS #PSS" (badSignatureAlgorithm 13); RSA-2048 is not "4096 bits"
  // (unsupportedKeySize 14); a lower security version is stale (28); a failed verification is 15.
  const struct {
    const char* id;
    int code;  // 0: accepted
  } cases[] = {{"seagate-accept-newer", 0},       {"seagate-accept-same-version", 0}, {"seagate-rollback", 28},
               {"seagate-pkcs1-refused", 13},     {"seagate-rsa2048-refused", 14},    {"seagate-bad-signature", 15}};
  for (const auto& c : cases) {
    INFO(c.id);
    const Json v = fw_vector("seagate", c.id);
    REQUIRE(v["request"]["profile"] == "seagate");
    const auto r = Machine::step(seagate::profile(), state_of(v), Load{package_of(v)});
    CHECK(r.out.decision == v["expect"]["decision"].get<std::string>());
    if (c.code == 0) {
      CHECK(r.out.is_ok());
    } else {
      CHECK(r.out.error_code == c.code);
    }
    CHECK(to_json(r.next) == v["expect"]["new_state"]);
  }
}

TEST_CASE("fwpkg seagate: drive_state is the drive the vectors describe (fwpkg_cases.seagate_state)") {
  // tests/oracle/fwpkg_cases.py seagate_state(2): hwType 1.3.6.1.4.1.221121.9.1, the ROM key as the one
  // trust anchor, no serial number, firmware 1.3.6.1.4.1.221121.9.2 version 2 installed, version 1 stale
  // ("FW 1 will no longer be compatible with the drive" once FW 2 is loaded).
  const State want = state_of(fw_vector("seagate", "seagate-accept-newer"));
  REQUIRE(want.trust_anchors.size() == 1);
  CHECK(to_json(seagate::drive_state(2, want.trust_anchors[0])) == to_json(want));
  const State none = seagate::drive_state(0);
  CHECK(none.trust_anchors.empty());
  CHECK_FALSE(none.serial.has_value());
  CHECK(none.stale.empty());
}

TEST_CASE("fwpkg seagate: no RFC 4108 receipt or error report even when the drive has a serial number") {
  // seed 000: the drive answers a download with an error code ("StatusType = 1h; StatusCode = 07h
  // 'Invalid Firmware Image'"), nothing else; under the default profile the same drive with a serial
  // number would emit them (RFC 4108 §3, §4), so the serial number alone does not decide.
  for (const char* id : {"seagate-accept-newer", "seagate-rollback"}) {
    INFO(id);
    const Json v = fw_vector("seagate", id);
    State s = state_of(v);
    s.serial = hx("0102030405060708");
    const Bytes pkg = package_of(v);
    const auto r = Machine::step(seagate::profile(), s, Load{pkg});
    CHECK_FALSE(r.out.receipt.has_value());
    CHECK_FALSE(r.out.error_report.has_value());
    Profile reporting = seagate::profile();
    reporting.receipts = reporting.error_reports = true;
    const auto o = Machine::step(reporting, s, Load{pkg}).out;
    CHECK((o.receipt.has_value() || o.error_report.has_value()));
  }
}

}  // namespace LOCKREF_UNITY_ID
