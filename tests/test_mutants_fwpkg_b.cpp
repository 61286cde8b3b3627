// RFC 4108 firmware packages: what Run F of tools/mutate.py left surviving in fwpkg/builder.hpp
// (lockref's own package builder, the example module and the example packages of
// `lockref explore|corpus fwpkg`). Where the expected values come from:
//   - build_package: the bytes tests/oracle/fwpkg_builder.py (python3-asn1crypto,
//     python3-cryptography) builds for the same specs with the same inputs (the example signer's
//     key, builder.hpp's documented IV choice); the exact command is
//     `/usr/bin/python3 tests/oracle/fwpkg_builder_specs.py` (RSASSA-PKCS1-v1_5 is deterministic,
//     zlib level 9 is the same library on both sides). `openssl cms -verify -noverify -certfile C`
//     (C: a certificate for the example signer's key carrying its subjectKeyIdentifier) accepts
//     all four, and `openssl cms -EncryptedData_decrypt` recovers "fw-3" from the encrypted one.
//   - the example module: the error report `openssl asn1parse -genconf` made for the RFC 4108
//     fixture module (../shared/external-vectors/rfc4108/error_report.cnf: hwType
//     1.3.6.1.4.1.221121.1.1.42, hwSerialNum 0102030405060708), and example_keys.hpp (openssl).
//   - the example packages: what builder.hpp's comment on example::packages() promises, and
//     RFC 4108 (the whole text: ../shared/external-vectors/rfc4108/rfc4108.txt) §1.2.3.2, §2.2.9,
//     §2.2.10; attribute OIDs from its Appendix A.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "lockref/fwpkg/builder.hpp"
#include "lockref/fwpkg/machine.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::fwpkg;

namespace {
PackageName pref(std::string_view o, std::uint64_t v) { return PackageName{Preferred{std::string(o), v}}; }
PackageName legacy(std::string_view n) { return PackageName{Legacy{to_bytes(std::string(n))}}; }
}  // namespace

TEST_CASE("fwpkg builder: build_package writes the bytes an independent RFC 4108 builder writes for the same spec (§2.1, §2.2)") {
  // Specs as in tests/oracle/fwpkg_builder_specs.py SPECS; expected hex: its output. The four
  // cover FirmwarePkgData, CompressedData (RFC 3274: version 0, id-alg-zlibCompress,
  // id-ct-firmwarePackage), EncryptedData (RFC 5652 §8: version 0, the inner content type,
  // AES-128-CBC with its IV, [0] IMPLICIT ciphertext) and both; fwPkgType alone, dependencies
  // alone, both and neither (§2.2.9); decrypt-key-identifier (§2.2.5), community-identifiers
  // (§2.2.8), with and without firmware-package-message-digest (§2.2.10).
  const std::string hw = "1.3.6.1.4.1.221121.1.1.42", other_hw = "1.3.6.1.4.1.221121.1.1.99";
  const std::string a = "1.3.6.1.4.1.221121.2.1", b = "1.3.6.1.4.1.221121.2.2";
  const DecryptKey key = example::decrypt_key();
  struct Case {
    const char* name;
    PackageSpec spec;
    const char* hex;
  };
  const Case cases[] = {
      {"plain",
       {pref(a, 1), std::nullopt, {hw}, std::nullopt, 1, std::nullopt, to_bytes("fw-1"), false, std::nullopt, true},
       "3082026906092a864886f70d010702a082025a30820256020103310d300b06096086480165030402013015060b2a864886f70d0109100110"
       "a006040466772d3131820229308202250201038014b2b5677ef70d0b0481439d01cc35e88a2be2a937300b0609608648016503040201a081"
       "e93014060b2a864886f70d010910022a31053003020101301a06092a864886f70d010903310d060b2a864886f70d0109100110301e060b2a"
       "864886f70d0109100224310f300d060b2b060104018dbf4101012a3022060b2a864886f70d010910022331133011300f060a2b060104018d"
       "bf410201020101302f06092a864886f70d01090431220420d8fac5c8ddaddf765929a29ead2c4882632eab7001607305067aaf08673f1ae9"
       "3040060b2a864886f70d01091002293131302f300b06096086480165030402010420d8fac5c8ddaddf765929a29ead2c4882632eab700160"
       "7305067aaf08673f1ae9300d06092a864886f70d01010b050004820100905f973822e8537c8827591d68655530e621632668d1c207e7c648"
       "a2242f49cd7b0e99499d20a5d0f26444bedc32e1279dc1e121592d80af5bb80b3f8cfdc1edafdfc295be65b6f66ddbedc0f094f0852d9806"
       "525a6a5c7f985f0f9dab379a88f35521f179bebb53a0a234ae369485161c6e9da3faca2515a758a9667d308609a9de8677a92f0365b233c2"
       "49bed7acb868334cebe4ace70411ab7c75518421e5116f95de8719d03dace77305e8e829ba970042397a24080ffdb9e56940226c39af736a"
       "9b85fbe5db31286c86ee37569e8d328cf9665937632d5b9fdc00db2b591912da7f750e7ed8b1b9a922009bbb77bdda353eb2e9a6ac86e6fa"
       "076df9a960"},
      {"compressed",
       {pref(b, 3), StaleVersion{2}, {hw, other_hw}, std::nullopt, 2, std::vector<PackageName>{pref(a, 1), legacy("boot-1.0")},
        to_bytes("fw-2 fw-2 fw-2 fw-2"), true, std::nullopt, true},
       "308202c906092a864886f70d010702a08202ba308202b6020103310d300b06096086480165030402013047060b2a864886f70d0109100109"
       "a03804363034020100300d060b2a864886f70d01091003083020060b2a864886f70d0109100110a011040f78da4b2bd735524843210036ff"
       "055131820257308202530201038014b2b5677ef70d0b0481439d01cc35e88a2be2a937300b0609608648016503040201a0820116301a0609"
       "2a864886f70d010903310d060b2a864886f70d01091001093025060b2a864886f70d010910022331163014300f060a2b060104018dbf4102"
       "02020103020102302b060b2a864886f70d0109100224311c301a060b2b060104018dbf4101012a060b2b060104018dbf41010163302f0609"
       "2a864886f70d01090431220420fb8ffb01891198de65f81bcbae683261cd1c0d23f173ba2a4d563287838e21843031060b2a864886f70d01"
       "0910022a31223020020102301b300f060a2b060104018dbf4102010201010408626f6f742d312e303040060b2a864886f70d010910022931"
       "31302f300b06096086480165030402010420039f6422624df4eb4281560ddd66ad5f4d776fd267d01a7a6d536b6404620141300d06092a86"
       "4886f70d01010b050004820100a86ced261c1df85ed08b4d3c010152ba384a966a0d04bb5b81d72522eb927e83898b81c2ec15db5c4b8d1b"
       "85e1fb5e97fb7e004ff0e12769eaf848ee7748ed6be169f0daa1a3267f04becb730d3fb086d7c1718a111b415957b0a5a8eb25710ac2d4f8"
       "7196f468ae6230f4ca1a2bfd885ccd0b7937a1ca21235fb1730a1ec6f1ecfa3afd17533d43a99eb62f5c64fec605fb3f9e7cad27eec25110"
       "50b415bc19c6aab4f4a3344250f543520b59dd5a2b74833892d3738c6dc0a4f25356338b390036fcbaeea2296145f07a81b9ec85ed8dac99"
       "3e64181b329034179eb6cdc4ba5d1fc7b71a269e6868f53983f389bc185a3e51a605a6afa39345cc8f82ebb3b0"},
      {"encrypted",
       {legacy("boot-2.0"), StaleLegacy{to_bytes("boot-1.0")}, {hw}, std::vector<Community>{{std::string("1.3.6.1.4.1.221121.3.1"), "", {}}},
        std::nullopt, std::nullopt, to_bytes("fw-3"), false, key, false},
       "3082029306092a864886f70d010702a082028430820280020103310d300b0609608648016503040201305406092a864886f70d010706a047"
       "04453043020100303e060b2a864886f70d0109100110301d0609608648016503040102041079099b90cd2fa9629fad146ad5ccd5e7801047"
       "9cfb1830f7d20687ad88082d4b7b8a31820214308202100201038014b2b5677ef70d0b0481439d01cc35e88a2be2a937300b060960864801"
       "6503040201a081d4301806092a864886f70d010903310b06092a864886f70d010706301d060b2a864886f70d0109100228310e300c060a2b"
       "060104018dbf410301301e060b2a864886f70d0109100224310f300d060b2b060104018dbf4101012a3021060b2a864886f70d0109100225"
       "311204106578616d706c652d66772d6b65792d313025060b2a864886f70d0109100223311630140408626f6f742d322e300408626f6f742d"
       "312e30302f06092a864886f70d01090431220420199dc2c163abab214848716106081c495b0f284b5d4f969d17b91be82ce98450300d0609"
       "2a864886f70d01010b050004820100890c838091147c2b71c5153760eab0e31fabaa1ce342e3db13fe586e9beaf63bbd7c38460e7c336b25"
       "e39cc870b50e9b307372b203d5178703e45921d7b47d2a008227a323b640a6227c61cca4aeabe24228014fea4346e2b46a507c83cdaaeffa"
       "a11b7185e777786c84bfa4a672f52f4613c41d59deb249ca5419fd4367fdc27ba7fd3ecf8dc76a3ba7f7c57e3d781e26583a090af66b5f79"
       "14632a060b9cccce3715ec705c3601e8a9d5910153c026fe0f542bf4e436a784cd29a315843c89e872b8661320b989fef23e0ec51ba8f5f6"
       "92fc6cd18a6a5e2da907e8c68a6138427ac2e310b4aeb5921d87bb1a1f46c9a9cec7430162c1caa79c03fe591df8e2"},
      {"compressed-encrypted",
       {pref(a, 2), std::nullopt, {hw}, std::nullopt, std::nullopt, std::vector<PackageName>{pref(b, 0)}, to_bytes("fw-4 fw-4 fw-4"),
        true, key, true},
       "3082030b06092a864886f70d010702a08202fc308202f8020103310d300b060960864801650304020130818406092a864886f70d010706a0"
       "7704753073020100306e060b2a864886f70d0109100109301d0609608648016503040102041079099b90cd2fa9629fad146ad5ccd5e78040"
       "fdbb6aff7e7e5d26c4eaf859a1b1bdede9f4e627c44051a1bbfe3b31ff8c379dc43d3f28ef20b0d376d0bf99f13133e8c5ff275c0ca563bf"
       "c8e533c3bc9e37ac3182025b308202570201038014b2b5677ef70d0b0481439d01cc35e88a2be2a937300b0609608648016503040201a082"
       "011a301806092a864886f70d010903310b06092a864886f70d010706301e060b2a864886f70d0109100224310f300d060b2b060104018dbf"
       "4101012a3021060b2a864886f70d0109100225311204106578616d706c652d66772d6b65792d313022060b2a864886f70d01091002233113"
       "3011300f060a2b060104018dbf4102010201023024060b2a864886f70d010910022a311530133011300f060a2b060104018dbf4102020201"
       "00302f06092a864886f70d01090431220420fe6c81777c3ff069fc57fcdbe0e5814e799c7a6d4fe4f2479d736101e85cf6233040060b2a86"
       "4886f70d01091002293131302f300b0609608648016503040201042076623dc160863cbd506a1360be356308bd1f0abb1f0abda8526c4f22"
       "de49642f300d06092a864886f70d01010b0500048201004e8d49108ac2872a10ff145e6b006a0841dbfff41be0642de6b28c714a20b0ca89"
       "96ea040fa3e0036a92204289794bbe1865736089fa0be23f38ef67e1688466ee17b520ebc99b9654975a28c42c94aa9fd3456f5d134f8af4"
       "513d1eda7a6b326fb9005b88ff2de5361102c1ca3e26fc8150d6c72d9ff3f76428824f0582d3636404165ab5f29ca0deea03d2b8ce3cbc5e"
       "e52282be4f426290b6c6c143afd4c8dbe54ae70faf5b72a8272d798ea5b6f280164999af508f2861a9aa061bf9c78470e806002272aac0d1"
       "a8006c6e0af7c2c9becd814c9d74b3e57ff4cc243836f9753b40ef1237ab4c04e70fd5e402dc7ef4e1a276bd00757d938d223cff4d3083"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto got = build_package(c.spec, example::signer());
    REQUIRE(got.ok());
    CHECK(to_hex(*got) == c.hex);
  }
}

TEST_CASE("fwpkg builder: an AES key that is not 16, 24 or 32 octets is an error, not a package (FIPS 197 §5)") {
  PackageSpec spec{pref(example::package_a, 1), std::nullopt, {std::string(example::hw_type)}, std::nullopt, 1, std::nullopt,
                   to_bytes("fw"), false, DecryptKey{to_bytes("k"), Bytes(15, 0x11)}, true};
  CHECK_FALSE(build_package(spec, example::signer()).ok());
  spec.encrypt->key = Bytes(24, 0x11);  // AES-192: fine
  CHECK(build_package(spec, example::signer()).ok());
}

TEST_CASE("fwpkg example module: it is the RFC 4108 fixture module - its error report is the one openssl made (§4.1)") {
  // ../shared/external-vectors/rfc4108/error_report.cnf (`openssl asn1parse -genconf`, unsigned):
  // ContentInfo { id-ct-firmwareLoadError, FirmwarePackageLoadError { hwType
  // 1.3.6.1.4.1.221121.1.1.42, hwSerialNum 0102030405060708, errorCode stalePackage (28),
  // fwPkgName preferred { 1.3.6.1.4.1.221121.1.2.1, 7 } } }; hex from rfc4108-extract.md.
  // The example module without its signing key (so the report is unsigned, §4.1.1) that holds
  // stale version 7 of that package (§1.2.3.2) refuses version 7 with exactly this report.
  State s = example::module();
  s.module_key.reset();
  s.stale.push_back(StaleEntry{"1.3.6.1.4.1.221121.1.2.1", 7});
  const PackageSpec spec{pref("1.3.6.1.4.1.221121.1.2.1", 7), std::nullopt, {"1.3.6.1.4.1.221121.1.1.42"}, std::nullopt, std::nullopt,
                         std::nullopt, to_bytes("fw 7"), false, std::nullopt, true};
  Profile p;
  p.report_config = false;
  const auto r = Machine::step(p, s, Load{build_package(spec, example::signer()).value()});
  CHECK(r.out.status == "stalePackage");
  REQUIRE(r.out.error_report.has_value());
  CHECK(to_hex(*r.out.error_report) ==
        "303d060b2a864886f70d0109100112a02e302c060b2b060104018dbf4101012a040801020304050607080a011c3010060b2b060104018dbf41010201020107");
}

TEST_CASE("fwpkg example module: its keys are example_keys.hpp's, its community the one the example packages name") {
  const State s = example::module();
  // example_keys.hpp: the module's EC P-256 key (openssl genpkey) and its method 1 key identifier
  REQUIRE(s.module_key.has_value());
  CHECK(to_hex(s.module_key->key_id) == example::module_key_id);
  CHECK(to_hex(s.module_key->private_key) == example::module_private_key);
  auto pub = crypto::public_key_of(s.module_key->private_key);
  REQUIRE(pub.ok());
  CHECK(to_hex(*pub) == example::module_public_key);
  // the firmware signer it trusts
  REQUIRE(s.trust_anchors.size() == 1);
  CHECK(to_hex(s.trust_anchors[0].key_id) == example::signer_key_id);
  CHECK(to_hex(s.trust_anchors[0].public_key) == example::signer_public_key);
  // §2.2.8: a module in community 1.3.6.1.4.1.221121.3.1 (the oracle's test module is too:
  // tests/oracle/fwpkg_builder.py module_state) accepts a package restricted to it
  CHECK(s.communities == std::vector<std::string>{"1.3.6.1.4.1.221121.3.1"});
  const PackageSpec spec{pref(example::package_a, 1), std::nullopt, {std::string(example::hw_type)},
                         std::vector<Community>{{std::string("1.3.6.1.4.1.221121.3.1"), "", {}}}, 1, std::nullopt, to_bytes("fw"), false,
                         std::nullopt, true};
  Profile p;
  CHECK(Machine::step(p, s, Load{build_package(spec, example::signer()).value()}).out.status == "ok");
}

namespace {
/// One example package as read back by lockref's CMS reader (cms.hpp) and as the fresh example
/// module decides it.
struct Seen {
  std::optional<SignedPackage> pkg;
  std::string status;
  Bytes der;
};
std::vector<Seen> example_packages(std::uint8_t versions) {
  std::vector<Seen> out;
  Profile p;
  p.receipts = false;
  p.error_reports = false;
  for (const auto& b : example::packages(versions)) {
    Seen x;
    x.der = b;
    try {
      x.pkg = read_signed_package(b);
    } catch (const Reject&) {
    }
    x.status = Machine::step(p, example::module(), Load{b}).out.status;
    out.push_back(std::move(x));
  }
  return out;
}
std::string family(const PackageName& n) {
  if (const auto* p = std::get_if<Preferred>(&n)) return p->oid;
  return "legacy";
}
}  // namespace

TEST_CASE("fwpkg example packages: the ones builder.hpp's comment lists, as RFC 4108 asks a signer to make them") {
  const std::string a = "1.3.6.1.4.1.221121.2.1", b = "1.3.6.1.4.1.221121.2.2";
  for (std::uint8_t versions : {std::uint8_t{1}, std::uint8_t{2}}) {
    CAPTURE(int(versions));
    const auto seen = example_packages(versions);
    std::set<std::pair<std::string, std::uint64_t>> plain;  // preferred names without a stale version
    std::set<std::uint64_t> a_with_stale;
    std::set<Bytes> legacy_names;
    std::map<std::string, std::set<std::int64_t>> types;
    std::size_t compressed_encrypted = 0;
    std::multiset<std::string> statuses;
    for (const auto& x : seen) {
      statuses.insert(x.status);
      if (!x.pkg) continue;
      const auto& at = x.pkg->attrs;
      CAPTURE(describe(at.name));
      // §2.2.10: "The firmware package signer SHOULD include a firmware-package-message-digest attribute"
      REQUIRE(at.fw_digest_algorithm.has_value());
      CHECK(at.fw_digest_algorithm->oid == "2.16.840.1.101.3.4.2.1");
      CHECK(at.fw_digest.size() == 32);
      // §2.2.9: fwPkgType "identif[ies] the firmware package type" - where the bootstrap loader
      // places it - so every version of one package carries the same type
      REQUIRE(at.package_type.has_value());
      types[family(at.name)].insert(*at.package_type);
      if (const auto* p = std::get_if<Preferred>(&at.name)) {
        if (at.stale) {
          // §1.2.3.2: "subsequent firmware package versions MAY designate a stale version
          // number to prevent subsequent rollback to the stale version or versions earlier"
          const auto* sv = std::get_if<StaleVersion>(&*at.stale);
          REQUIRE(sv != nullptr);
          CHECK(sv->version < p->version);
          if (p->oid == a) a_with_stale.insert(p->version);
        } else {
          plain.insert({p->oid, p->version});
        }
        // "B depends on A >= 1" (§2.2.9 dependencies: preferred A, verNum 1)
        if (p->oid == b) {
          REQUIRE(at.dependencies.has_value());
          REQUIRE(at.dependencies->size() == 1);
          CHECK((*at.dependencies)[0] == pref(a, 1));
        }
      } else {
        legacy_names.insert(std::get<Legacy>(at.name).name);
      }
      // "packages every loader refuses": each for its own reason, also at a loader without a
      // decompression function or decryption keys (§1.2.3: "If firmware packages are compressed,
      // the bootstrap loader MUST also have access to a decompression function" - only then), so
      // plain FirmwarePkgData: eContentType id-ct-firmwarePackage (§2.1.2)
      if (x.status == "wrongHardware" || x.status == "notInCommunity" || x.status == "signatureFailure" ||
          x.status == "noTrustAnchor")
        CHECK(x.pkg->econtent_type == "1.2.840.113549.1.9.16.1.16");
      // the unknown signer is named like the known one, a 20-octet subjectKeyIdentifier (RFC 5280
      // §4.2.1.2 method (1), as example_keys.hpp's), so only the trust anchor lookup tells it apart
      if (x.status == "noTrustAnchor") CHECK(x.pkg->sid.size() == 20);
      // "one compressed-and-encrypted package": EncryptedData around CompressedData (§2.1.3, §2.1.4)
      if (x.pkg->econtent_type == "1.2.840.113549.1.7.6" &&
          read_encrypted_data(x.pkg->econtent, x.pkg->econtent_offset).content_type == "1.2.840.113549.1.9.16.1.9") {
        ++compressed_encrypted;
        CHECK(x.status == "ok");  // the example module holds its key and is in its community
      }
    }
    // "A and B in versions 0..V", "A with stale versions"
    for (std::uint64_t v = 0; v <= versions; ++v) {
      CHECK(plain.count({a, v}) == 1);
      CHECK(plain.count({b, v}) == 1);
    }
    for (std::uint64_t v = 1; v <= versions; ++v) CHECK(a_with_stale.count(v) == 1);
    CHECK(legacy_names.size() == 2);  // "two legacy-named packages"
    CHECK(compressed_encrypted == 1);
    for (const auto& [f, t] : types) {
      CAPTURE(f);
      CHECK(t.size() == 1);
    }
    // "packages every loader refuses (wrong hardware, wrong community, bad signature, unknown
    // signer, not DER at all)": §4.1.3 codes 27, 29, 15, 10, 1
    for (const char* st : {"wrongHardware", "notInCommunity", "signatureFailure", "noTrustAnchor", "decodeFailure"})
      CHECK_MESSAGE(statuses.count(st) == 1, st);
    // "bad signature": a package signed as the others, its signature's last octet (the
    // package's last octet) damaged: exactly one other value of that octet makes it load
    for (const auto& x : seen) {
      if (x.status != "signatureFailure") continue;
      std::size_t fixes = 0;
      Bytes d = x.der;
      Profile p;
      p.receipts = false;
      p.error_reports = false;
      for (int v = 0; v < 256; ++v) {
        if (v == x.der.back()) continue;
        d.back() = static_cast<std::uint8_t>(v);
        if (Machine::step(p, example::module(), Load{d}).out.is_ok()) ++fixes;
      }
      CHECK(fixes == 1);
    }
    // "BER, but no ContentInfo ends": a SEQUENCE (ContentInfo's tag, X.690 §8.9) in the
    // indefinite form (length octet 80, X.690 §8.1.3.6) without its end-of-contents 00 00 (§8.1.5)
    const Bytes& last = seen.back().der;
    REQUIRE(last.size() >= 2);
    CHECK(last[0] == 0x30);
    CHECK(last[1] == 0x80);
    CHECK_FALSE((last[last.size() - 2] == 0 && last[last.size() - 1] == 0));
  }
}

TEST_CASE("fwpkg example packages: the corpus in the order builder.hpp's comment on packages() lists it") {
  // Expected values: that comment, item by item. V = 3 also tells "odd" from "1 modulo 3".
  const std::string a = "1.3.6.1.4.1.221121.2.1", b = "1.3.6.1.4.1.221121.2.2";
  const std::string firmware = "1.2.840.113549.1.9.16.1.16", compressed = "1.2.840.113549.1.9.16.1.9",
                    encrypted = "1.2.840.113549.1.7.6";  // RFC 4108 §2.1.2, RFC 3274, RFC 5652 §8
  struct Want {
    PackageName name;
    std::optional<Stale> stale;
    std::int64_t type;
    std::string econtent;
  };
  for (std::uint8_t versions : {std::uint8_t{1}, std::uint8_t{3}}) {
    CAPTURE(int(versions));
    std::vector<Want> want;
    for (std::uint64_t v = 0; v <= versions; ++v) {
      want.push_back({pref(a, v), std::nullopt, 1, firmware});
      if (v >= 1) want.push_back({pref(a, v), StaleVersion{v - 1}, 1, firmware});
      want.push_back({pref(b, v), std::nullopt, 2, v % 2 == 1 ? compressed : firmware});
    }
    want.push_back({pref(a, versions), std::nullopt, 1, encrypted});
    want.push_back({legacy("boot-1.0"), std::nullopt, 0, firmware});
    want.push_back({legacy("boot-2.0"), StaleLegacy{to_bytes("boot-1.0")}, 0, firmware});
    for (int refused = 0; refused < 4; ++refused) want.push_back({pref(a, versions), std::nullopt, 1, firmware});
    const auto seen = example_packages(versions);
    REQUIRE(seen.size() == want.size() + 1);
    for (std::size_t i = 0; i < want.size(); ++i) {
      CAPTURE(i);
      REQUIRE(seen[i].pkg.has_value());
      const auto& at = seen[i].pkg->attrs;
      CHECK(at.name == want[i].name);
      CHECK(at.stale == want[i].stale);
      CHECK(at.package_type == std::optional<std::int64_t>(want[i].type));
      CHECK(seen[i].pkg->econtent_type == want[i].econtent);
    }
    // the encrypted one: compressed, then encrypted
    const auto& enc = *seen[want.size() - 7].pkg;
    CHECK(read_encrypted_data(enc.econtent, enc.econtent_offset).content_type == compressed);
    // the bad signature: its last octet XOR 01 restores it
    const auto& sig = seen[want.size() - 2];
    CHECK(sig.status == "signatureFailure");
    Bytes fixed = sig.der;
    fixed.back() ^= 0x01;
    Profile p;
    p.receipts = false;
    p.error_reports = false;
    CHECK(Machine::step(p, example::module(), Load{fixed}).out.is_ok());
    // the unknown signer, last before the BER octets
    CHECK(seen[want.size() - 1].status == "noTrustAnchor");
    CHECK(seen[want.size() - 1].pkg->sid == Bytes(20, 0x5A));
    // the refused ones for other hardware and another community
    CHECK(seen[want.size() - 4].pkg->attrs.targets == std::vector<std::string>{std::string(example::other_hw_type)});
    REQUIRE(seen[want.size() - 3].pkg->attrs.communities.has_value());
    CHECK(seen[want.size() - 3].pkg->attrs.communities->size() == 1);
    CHECK(seen.back().der == Bytes{0x30, 0x80, 0x02, 0x01, 0x03, 0x00});
  }
}

}  // namespace LOCKREF_UNITY_ID
