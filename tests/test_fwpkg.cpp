// RFC 4108 firmware packages (seed 003 and the whole RFC in ../shared/external-vectors/rfc4108/):
// DER strictness, the CMS layers, receipts and error reports, the loader's decisions.
// Expected values come from the RFC's text, from third-party bytes (the pyasn1-modules sample
// package, openssl-generated receipt and error report) with their offsets as `openssl
// asn1parse` lists them, or from packages made by openssl / tests/oracle/fwpkg_builder.py.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "external_vectors.hpp"
#include "lockref/core/explore.hpp"
#include "lockref/core/transcript.hpp"
#include "lockref/fwpkg/machine.hpp"
#include "lockref/fwpkg/print.hpp"
#include "lockref/fwpkg/seagate.hpp"
#include "lockref/opal/drive.hpp"

#include <functional>
#include <set>

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::fwpkg;
using lockref::Json;

namespace {

Bytes read_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  REQUIRE_MESSAGE(f.good(), "missing " << p.string());
  return Bytes(std::istreambuf_iterator<char>(f), {});
}
std::filesystem::path rfc4108_dir() { return std::filesystem::path(LOCKREF_SHARED_DIR) / "external-vectors" / "rfc4108"; }

/// The pyasn1-modules sample package (1,216 bytes DER; base64 in the shared file).
Bytes sample_package() {
  std::ifstream f(rfc4108_dir() / "rfc4108_firmware_package_sample.pem.b64");
  REQUIRE(f.good());
  std::string b64, line;
  while (std::getline(f, line))
    if (line.rfind("-----", 0) != 0) b64 += line;
  static const std::string a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  Bytes out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : b64) {
    if (c == '=' || c == '\r' || c == ' ') continue;
    const auto v = a.find(c);
    REQUIRE(v != std::string::npos);
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
    }
  }
  REQUIRE(out.size() == 1216);
  return out;
}

Output load(const Profile& p, const State& s, ByteView pkg) { return Machine::step(p, s, Load{Bytes(pkg.begin(), pkg.end())}).out; }

}  // namespace

TEST_CASE("fwpkg: the third-party sample package is refused as SignedData version 1, at its version") {
  // openssl asn1parse of the sample: "23:d=3 hl=2 l=1 prim: INTEGER :01" is SignedData.version;
  // §2.1.2 "version ... MUST be set to 3".
  const Bytes pkg = sample_package();
  const auto out = load(Profile{}, example::module(), pkg);
  CHECK(out.status == "badSignedData");
  CHECK(out.error_code == 3);
  CHECK(out.offset == 23);
  CHECK(out.decision == "reject");
  // With the version patched to 3 (the INTEGER's contents octet is at 25), the next problem is
  // the missing firmware-package-identifier (§2.2 MUST): badSignedAttrs at the signedAttrs,
  // "624:d=5 hl=3 l=188 cons: cont [ 0 ]".
  Bytes v3 = pkg;
  REQUIRE(v3[25] == 0x01);
  v3[25] = 0x03;
  const auto o2 = load(Profile{}, example::module(), v3);
  CHECK(o2.status == "badSignedAttrs");
  CHECK(o2.offset == 624);
  CHECK(o2.detail.find("firmware-package-identifier") != std::string::npos);
}

TEST_CASE("fwpkg: DER only - indefinite and non-minimal lengths, trailing and missing bytes are refused with their offset") {
  const Bytes pkg = sample_package();
  const State s = example::module();
  SUBCASE("trailing octet: not one BER value -> decodeFailure at the octet after the ContentInfo") {
    Bytes b = pkg;
    b.push_back(0x00);
    const auto o = load(Profile{}, s, b);
    CHECK(o.status == "decodeFailure");
    CHECK(o.offset == 1216);
  }
  SUBCASE("truncated: the outer length promises more than there is -> decodeFailure at the ContentInfo") {
    const Bytes b(pkg.begin(), pkg.end() - 1);
    const auto o = load(Profile{}, s, b);
    CHECK(o.status == "decodeFailure");
    CHECK(o.offset == 0);
  }
  SUBCASE("indefinite length: BER, so not decodeFailure, but not DER -> badContentInfo at the length octet") {
    // 30 82 04 bc ... -> 30 80 ... 00 00 (same contents, end-of-contents octets appended)
    Bytes b{0x30, 0x80};
    b.insert(b.end(), pkg.begin() + 4, pkg.end());
    b.push_back(0);
    b.push_back(0);
    const auto o = load(Profile{}, s, b);
    CHECK(o.status == "badContentInfo");
    CHECK(o.offset == 1);
    CHECK(o.detail.find("indefinite") != std::string::npos);
  }
  SUBCASE("non-minimal length (06 81 09 for 06 09) in the contentType -> badContentInfo at that length") {
    Bytes b{0x30, 0x82, 0x04, 0xbd, 0x06, 0x81};
    b.insert(b.end(), pkg.begin() + 5, pkg.end());
    const auto o = load(Profile{}, s, b);
    CHECK(o.status == "badContentInfo");
    CHECK(o.offset == 5);
    CHECK(o.detail.find("minimal") != std::string::npos);
  }
  SUBCASE("not ASN.1 at all") {
    const auto o = load(Profile{}, s, to_bytes("firmware"));
    CHECK(o.status == "decodeFailure");
    CHECK(o.error_code == 1);
    CHECK(load(Profile{}, s, Bytes{}).status == "decodeFailure");
  }
}

TEST_CASE("fwpkg: receipts and error reports are the DER openssl generates for the same fields") {
  // ../shared/external-vectors/rfc4108/receipt.der and error_report.der: made with
  // `openssl asn1parse -genconf` from receipt.cnf / error_report.cnf (unsigned, §3.1.1, §4.1.1).
  const Bytes receipt = read_file(rfc4108_dir() / "receipt.der");
  ReceiptFields r{"1.3.6.1.4.1.221121.1.1.42", Bytes{1, 2, 3, 4, 5, 6, 7, 8}, Legacy{to_bytes("fw-1.2.3")}, Bytes(20, 0x11),
                  Bytes{0xAA, 0xBB}};
  CHECK(to_hex(content_info(oid::firmware_load_receipt, receipt_content(r))) == to_hex(receipt));
  const Bytes error = read_file(rfc4108_dir() / "error_report.der");
  ErrorFields e{"1.3.6.1.4.1.221121.1.1.42", Bytes{1, 2, 3, 4, 5, 6, 7, 8}, ErrorCode::stalePackage, std::nullopt,
                Preferred{"1.3.6.1.4.1.221121.1.2.1", 7}, std::nullopt};
  CHECK(to_hex(content_info(oid::firmware_load_error, error_content(e))) == to_hex(error));
  // Appendix A: the version is DEFAULT v1, so DER leaves it out: the first field is hwType.
  CHECK(receipt_content(r)[2] == der::OBJECT_ID);
}

TEST_CASE("fwpkg: legacy names compare naturally within a family (errata E-FWPKG-LEGACY)") {
  auto b = [](const char* s) { return to_bytes(s); };
  CHECK(legacy::family(b("fw-1.2.3")) == legacy::family(b("fw-1.10.0")));
  CHECK(legacy::family(b("fw-1.2.3")) != legacy::family(b("fw-1.2")));
  CHECK(legacy::family(b("fw-1.2.3")) != legacy::family(b("boot-1.2.3")));
  CHECK(legacy::compare(b("fw-1.9.0"), b("fw-1.10.0")) < 0);  // bytewise order would say the opposite
  CHECK(legacy::compare(b("fw-1.10.0"), b("fw-1.9.0")) > 0);
  CHECK(legacy::compare(b("fw-01.2.3"), b("fw-1.2.3")) == 0);
  CHECK(legacy::compare(b("fw-1.2.3"), b("fw-1.2.3")) == 0);
}

namespace {
/// One vector of vectors/fwpkg-<file>.json by id.
Json vector(const std::string& file, const std::string& id) {
  const Json doc = lockref::testing::load_vectors("fwpkg-" + file + ".json");
  for (const auto& v : doc["vectors"])
    if (v["id"] == id) return v;
  FAIL("no vector " << id << " in fwpkg-" << file << ".json");
  return {};
}
struct Replayed {
  Profile p;
  State s;
  Output out;
  State next;
};
/// Replays a vector through the machine (not the eval op) and checks its expectation.
Replayed replay(const std::string& file, const std::string& id) {
  const Json v = vector(file, id);
  INFO(file << " " << id);
  const Json& q = v["request"];
  Profile p;
  if (q.contains("profile")) {
    if (q["profile"].is_string()) {
      REQUIRE(q["profile"] == "seagate");
      p = seagate::profile();
    } else {
      p = from_json<Profile>(q["profile"]).value();
    }
  }
  const State s = from_json<State>(q["loader_state"]).value();
  REQUIRE(Machine::validate_state(p, s).ok());
  auto st = Machine::step(p, s, Load{lockref::testing::unhex(q["package_der"])});
  const Json& e = v["expect"];
  CHECK(st.out.decision == e["decision"].get<std::string>());
  if (e.contains("error_code")) CHECK(int{*st.out.error_code} == e["error_code"].get<int>());
  CHECK(to_json(st.next) == e["new_state"]);
  return {p, s, st.out, st.next};
}
/// The decision on a vector's package and state under another profile.
Output with_profile(const std::string& file, const std::string& id, const std::function<void(Profile&)>& change) {
  const Json v = vector(file, id);
  Profile p;
  change(p);
  REQUIRE(Machine::validate(p).ok());
  const State s = from_json<State>(v["request"]["loader_state"]).value();
  return Machine::step(p, s, Load{lockref::testing::unhex(v["request"]["package_der"])}).out;
}
}  // namespace

TEST_CASE("fwpkg errata: E-FWPKG-ORDER the decision order is a profile choice") {
  // A stale package whose decryption key is missing: §1.2.3's paragraph order (rfc_text)
  // decrypts first, cheap_first checks staleness first.
  CHECK(replay("errata", "order-rfc-text").out.status == "noDecryptKey");
  CHECK(replay("errata", "order-cheap-first").out.status == "stalePackage");
}

TEST_CASE("fwpkg errata: E-FWPKG-LEGACY legacy names order naturally within a family") {
  CHECK(replay("errata", "legacy-natural-order").out.is_ok());
  CHECK(replay("errata", "legacy-natural-order-stale").out.status == "stalePackage");
}

TEST_CASE("fwpkg errata: E-FWPKG-SERIAL-BLOCK serial numbers compare as unsigned numbers") {
  // low 00ff (2 octets) <= 0102030405060708 (8 octets) <= 01ffffffffffffff: only numerically.
  CHECK(replay("errata", "serial-block-numeric").out.is_ok());
  CHECK(serial_compare(Bytes{0x00, 0xff}, Bytes{0x01, 0x02}) < 0);
  CHECK(serial_compare(Bytes{0x00, 0x00, 0x05}, Bytes{0x05}) == 0);
  // low 0102, high 0103: numerically the serial 0102030405060708 is far above; as octet strings
  // it sorts between them (profile codes.serial_order = octets).
  CHECK(replay("errata", "serial-block-short-bounds").out.status == "notInCommunity");
  CHECK(with_profile("errata", "serial-block-short-bounds", [](Profile& p) { p.codes.serial_order = SerialOrder::octets; })
            .is_ok());
}

TEST_CASE("fwpkg errata: E-FWPKG-UNPROTECTED unprotectedAttrs are reported before the version") {
  const auto r = replay("errata", "unprotected-attrs-version-2");
  CHECK(r.out.status == "unprotectedAttrsPresent");
  CHECK(replay("codes", "badEncryptedData-version-1").out.status == "badEncryptedData");
  CHECK(with_profile("errata", "unprotected-attrs-version-2", [](Profile& p) { p.codes.unprotected_before_version = false; })
            .status == "badEncryptedData");
}

TEST_CASE("fwpkg errata: E-FWPKG-DIGEST-MISMATCH different SignerInfo and SignedData digest algorithms") {
  CHECK(replay("errata", "digest-mismatch").out.status == "badDigestAlgorithm");
  CHECK(with_profile("errata", "digest-mismatch", [](Profile& p) { p.codes.digest_mismatch = ErrorCode::badSignerInfo; }).status ==
        "badSignerInfo");
}

TEST_CASE("fwpkg errata: E-FWPKG-STALE-CAPACITY the §6.3 sequence circumvents a two-entry stale list") {
  const auto first = replay("errata", "stale-capacity-evicts-oldest");
  const auto second = replay("errata", "stale-capacity-circumvented");
  // The second load starts where the first ended (§6.3's sequence): A's entry was evicted.
  CHECK(first.next.stale == second.s.stale);
  CHECK(second.out.is_ok());
  CHECK(second.out.warning.has_value());  // an earlier version (A2) replaces a later one (A3)
  // With unbounded storage the same load is stale.
  Profile unbounded = second.p;
  unbounded.stale_capacity = 0;
  State kept = second.s;
  kept.stale.insert(kept.stale.begin(), StaleEntry{"1.3.6.1.4.1.221121.2.1", 2});
  const Json v = vector("errata", "stale-capacity-circumvented");
  CHECK(Machine::step(unbounded, kept, Load{lockref::testing::unhex(v["request"]["package_der"])}).out.status == "stalePackage");
}

TEST_CASE("fwpkg errata: E-FWPKG-ECONTENT-BER inside eContent definite BER is read, indefinite lengths are not") {
  CHECK(replay("errata", "econtent-ber-long-length").out.is_ok());
  const auto r = replay("errata", "econtent-ber-indefinite");
  CHECK(r.out.status == "badEncryptedData");
  CHECK(r.out.detail.find("indefinite") != std::string::npos);
}

TEST_CASE("fwpkg errata: E-FWPKG-COMPRESSED a bad CompressedData is badEncapContent") {
  CHECK(replay("errata", "compressed-data-version").out.status == "badEncapContent");
  CHECK(with_profile("errata", "compressed-data-version",
                     [](Profile& p) { p.codes.compressed_syntax = ErrorCode::decompressFailure; })
            .status == "decompressFailure");
  // the eContentType inside CompressedData stays badEncapContent (§4.1.3 names CompressedData)
  CHECK(with_profile("codes", "badEncapContent-compressed-type",
                     [](Profile& p) { p.codes.compressed_syntax = ErrorCode::decompressFailure; })
            .status == "badEncapContent");
}

TEST_CASE("fwpkg errata: E-FWPKG-NO-KEYID an encrypted package without decrypt-key-identifier is badSignedAttrs") {
  CHECK(replay("errata", "encrypted-without-key-id").out.status == "badSignedAttrs");
  CHECK(with_profile("errata", "encrypted-without-key-id",
                     [](Profile& p) { p.codes.missing_decrypt_key_id = ErrorCode::noDecryptKey; })
            .status == "noDecryptKey");
}

TEST_CASE("fwpkg errata: E-FWPKG-FWDIGEST a firmware digest mismatch after unwrapping is badFirmware") {
  CHECK(replay("errata", "firmware-digest-mismatch").out.status == "badFirmware");
  CHECK(with_profile("errata", "firmware-digest-mismatch",
                     [](Profile& p) { p.codes.firmware_digest_mismatch = ErrorCode::decryptFailure; })
            .status == "decryptFailure");
  Profile trusting;  // §2.2.10 MAY: a loader that does not use the digest accepts
  trusting.check_firmware_digest = false;
  const Json v = vector("errata", "firmware-digest-mismatch");
  const State s = from_json<State>(v["request"]["loader_state"]).value();
  CHECK(Machine::step(trusting, s, Load{lockref::testing::unhex(v["request"]["package_der"])}).out.is_ok());
}

TEST_CASE("fwpkg errata: E-FWPKG-DER-CODE BER that is not DER is the structure's code, not decodeFailure") {
  // Shown on the sample above (indefinite / non-minimal lengths -> badContentInfo); here one
  // level deeper: a non-minimal length inside SignedData.version is badSignedData.
  Bytes b = sample_package();
  // 02 01 01 at 23 -> 02 81 01 01: every enclosing length grows by one.
  b.insert(b.begin() + 24, 0x81);
  b[3] = static_cast<std::uint8_t>(b[3] + 1);   // ContentInfo 30 82 04 bc
  b[18] = static_cast<std::uint8_t>(b[18] + 1);  // content [0] a0 82 04 ad
  b[22] = static_cast<std::uint8_t>(b[22] + 1);  // SignedData 30 82 04 a9
  const auto o = load(Profile{}, example::module(), b);
  CHECK(o.status == "badSignedData");
  CHECK(o.offset == 24);
  Profile strict;  // profile codes.not_der = decode_failure
  strict.codes.not_der = DerViolation::decode_failure;
  const auto d = load(strict, example::module(), b);
  CHECK(d.status == "decodeFailure");
  CHECK(d.offset == 24);
  CHECK(load(strict, example::module(), sample_package()).status == "badSignedData");  // DER, just version 1
}

TEST_CASE("fwpkg: opal's firmware download and the Seagate-profile loader decide alike") {
  // The guide ([FW]): accepted iff the signature verifies and the security version is not lower.
  for (std::uint8_t installed = 0; installed < 4; ++installed)
    for (std::uint8_t version = 0; version < 4; ++version)
      for (bool sig : {true, false}) {
        INFO("installed " << int{installed} << " version " << int{version} << " signature " << sig);
        lockref::opal::Profile op = lockref::opal::seagate_se4sa530();
        auto os = lockref::opal::Machine::initial(op);
        os.fw_security_version = installed;
        auto r = lockref::opal::Machine::step(op, os, lockref::opal::FirmwareDownload{sig, version});
        const bool guide = sig && version >= installed;
        CHECK(r.out.is_ok() == guide);
        CHECK(r.next.fw_security_version == (guide ? version : installed));
        const auto d = seagate::image_decision(installed, sig, version);
        CHECK(d.accepted == guide);
      }
  // Real CMS packages (tests/oracle/fwpkg_builder.py, RSA-4096 PSS): the loader's decision on
  // the package equals opal's on (signature verdict, security version).
  for (const char* id : {"seagate-accept-newer", "seagate-accept-same-version", "seagate-rollback", "seagate-bad-signature"}) {
    const auto r = replay("seagate", id);
    const Json v = vector("seagate", id);
    const auto pkg = read_signed_package(lockref::testing::unhex(v["request"]["package_der"]));
    bool sig = true;
    try {
      verify_signature(r.p.algorithms, r.s.trust_anchors, pkg);
    } catch (const Reject&) {
      sig = false;
    }
    const auto installed = std::get<Preferred>(r.s.installed.front().name).version;
    const auto version = std::get<Preferred>(pkg.attrs.name).version;
    lockref::opal::Profile op = lockref::opal::seagate_se4sa530();
    auto os = lockref::opal::Machine::initial(op);
    os.fw_security_version = static_cast<std::uint8_t>(installed);
    auto o = lockref::opal::Machine::step(op, os, lockref::opal::FirmwareDownload{sig, static_cast<std::uint8_t>(version)});
    INFO(id);
    CHECK(o.out.is_ok() == r.out.is_ok());
    CHECK(o.next.fw_security_version == std::get<Preferred>(r.next.installed.front().name).version);
    if (!r.out.is_ok()) CHECK(o.out.rule == (r.out.status == "signatureFailure" ? "OPAL-FW-3" : "OPAL-FW-4"));
  }
}

TEST_CASE("fwpkg: explore visits every reachable state of the example module and every invariant holds") {
  Profile p;
  p.receipts = false;
  p.error_reports = false;
  const auto ex = lockref::explore<Machine>(p);
  CHECK(ex.violations.empty());
  CHECK_FALSE(ex.truncated);
  CHECK(ex.states.size() > 50);
  std::set<std::string> seen;
  for (const auto& s : ex.states)
    for (const auto& e : Machine::candidate_events(p, s)) seen.insert(Machine::step(p, s, e).out.status);
  // the example packages reach these decisions (fwpkg/builder.hpp names which package does what)
  for (const char* st : {"ok", "decodeFailure", "noTrustAnchor", "signatureFailure", "wrongHardware", "notInCommunity",
                         "stalePackage", "missingDependency", "wrongDependencyVersion", "breaksDependency"})
    CHECK_MESSAGE(seen.count(st), st);
}

TEST_CASE("fwpkg: a corpus replays against the model; a changed answer is a divergence naming the rule") {
  Profile p;
  p.receipts = false;
  p.error_reports = false;
  auto lines = lockref::generate_corpus<Machine>(p, 7, 60);
  std::vector<std::string> text;
  for (const auto& l : lines) text.push_back(l.dump());
  auto rep = lockref::check_transcript<Machine>(text);
  REQUIRE(rep.ok());
  CHECK_FALSE(rep->divergence.has_value());
  CHECK(rep->steps == 60);
  // The first refusal, answered "ok" by a device that accepts it:
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (lines[i]["expect"]["status"] == "ok") continue;
    const std::string rule = lines[i]["expect"]["rule"].get<std::string>();
    lines[i]["expect"]["status"] = "ok";
    text.clear();
    for (const auto& l : lines) text.push_back(l.dump());
    auto bad = lockref::check_transcript<Machine>(text);
    REQUIRE(bad.ok());
    REQUIRE(bad->divergence.has_value());
    CHECK(bad->divergence->step == i);
    CHECK(bad->divergence->rule == rule);
    break;
  }
}

TEST_CASE("fwpkg: decode names RFC 4108 structures, offsets as openssl asn1parse gives them") {
  auto d = describe_cms(sample_package());
  REQUIRE(d.ok());
  CHECK(d->kind == "firmware package");
  // offsets from `openssl asn1parse` of the sample; the digest from the extract's README
  CHECK(d->text.find("    23        version = 1") != std::string::npos);
  CHECK(d->text.find("Attribute id-aa-targetHardwareIDs") != std::string::npos);
  CHECK(d->text.find("OID = 1.3.6.1.4.1.221121.1.1.48") != std::string::npos);
  CHECK(d->text.find("FirmwarePkgData: 512 octets, SHA-256 0097efb9ab01e0fe960cb3a43b2be3df760f8195b8a251db89dcf287510a3fd6") !=
        std::string::npos);
  auto r = describe_cms(read_file(rfc4108_dir() / "receipt.der"));
  REQUIRE(r.ok());
  CHECK(r->kind == "load receipt");
  CHECK(r->text.find("fwPkgName (legacy) = 66772d312e322e33 \"fw-1.2.3\"") != std::string::npos);
  CHECK(r->text.find("decryptKeyID [1] = aabb") != std::string::npos);
  auto e = describe_cms(read_file(rfc4108_dir() / "error_report.der"));
  REQUIRE(e.ok());
  CHECK(e->kind == "load error report");
  CHECK(e->text.find("errorCode = 28 stalePackage") != std::string::npos);
  CHECK_FALSE(describe_cms(to_bytes("not asn.1")).ok());
}

TEST_CASE("fwpkg: any byte string yields a decision - mutated packages never crash the loader") {
  // Every vector package, with bytes flipped, dropped, inserted and truncated (a fixed PRNG).
  Profile p;
  p.receipts = false;
  p.error_reports = false;
  const State s = example::module();
  std::vector<Bytes> seeds;
  for (const char* f : {"codes", "accept"}) {
    const Json doc = lockref::testing::load_vectors(std::string("fwpkg-") + f + ".json");
    for (const auto& v : doc["vectors"]) seeds.push_back(lockref::testing::unhex(v["request"]["package_der"]));
  }
  REQUIRE(seeds.size() > 50);
  std::uint64_t x = 0x4108;
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  std::size_t decided = 0;
  for (int round = 0; round < 3000; ++round) {
    Bytes b = seeds[next() % seeds.size()];
    const int edits = 1 + static_cast<int>(next() % 4);
    for (int k = 0; k < edits && !b.empty(); ++k) {
      const std::size_t at = next() % b.size();
      switch (next() % 4) {
        case 0: b[at] = static_cast<std::uint8_t>(b[at] ^ (1u << (next() % 8))); break;
        case 1: b.erase(b.begin() + static_cast<std::ptrdiff_t>(at)); break;
        case 2: b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), static_cast<std::uint8_t>(next())); break;
        default: b.resize(at); break;
      }
    }
    const auto st = Machine::step(p, s, Load{b});
    if (!st.out.is_ok()) {
      REQUIRE(st.out.error_code.has_value());
      CHECK(*st.out.error_code >= 1);
      CHECK(*st.out.error_code <= 36);
      CHECK(*st.out.offset <= b.size());
      CHECK(st.next == s);
    }
    ++decided;
  }
  CHECK(decided == 3000);
}

TEST_CASE("fwpkg: a loader state from outside is checked") {
  const Profile p;
  State s = example::module();
  CHECK(Machine::validate_state(p, s).ok());
  State dup = s;
  dup.trust_anchors.push_back(dup.trust_anchors.front());
  CHECK_FALSE(Machine::validate_state(p, dup).ok());
  State unmet = s;
  unmet.installed.push_back(Installed{Preferred{"1.3.6.1.4.1.221121.2.2", 1}, std::nullopt, {Preferred{"1.3.6.1.4.1.221121.2.1", 1}}});
  CHECK_FALSE(Machine::validate_state(p, unmet).ok());  // §1.3: dependencies hold in every reachable state
  State badkey = s;
  badkey.decrypt_keys.push_back(DecryptKey{to_bytes("k"), Bytes(15, 0)});
  CHECK_FALSE(Machine::validate_state(p, badkey).ok());
  State noanchor_id = s;
  noanchor_id.trust_anchors.front().key_id.clear();  // §1.2.4 "MUST also include a public key identifier"
  CHECK_FALSE(Machine::validate_state(p, noanchor_id).ok());
}

}  // namespace LOCKREF_UNITY_ID
