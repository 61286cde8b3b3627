// RFC 4108 firmware packages: what Run C of tools/mutate.py left surviving in fwpkg/print.hpp
// (the structure printer of `lockref decode`) and fwpkg/builder.hpp (lockref's example
// packages). Expected values: offsets as `openssl asn1parse` lists them, packages built by
// tests/oracle/fwpkg_builder.py (python3-asn1crypto) or signed by openssl cms; the ASN.1 is
// RFC 4108's (Appendix A; the whole RFC is ../shared/external-vectors/rfc4108/rfc4108.txt).
#include <doctest/doctest.h>

#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "external_vectors.hpp"
#include "lockref/fwpkg/builder.hpp"
#include "lockref/fwpkg/inflate.hpp"
#include "lockref/fwpkg/print.hpp"
#include "lockref/fwpkg/verify.hpp"
#include "lockref/crypto/aes.hpp"
#include "lockref/crypto/keywrap.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::fwpkg;

namespace {
/// The printed lines as (offset, text without the indentation).
std::set<std::pair<std::size_t, std::string>> lines_of(const std::string& text) {
  std::set<std::pair<std::size_t, std::string>> out;
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l)) {
    std::size_t off = 0;
    std::istringstream f(l);
    if (!(f >> off)) continue;
    std::string rest;
    std::getline(f >> std::ws, rest);
    out.insert({off, rest});
  }
  return out;
}
Bytes package_of(const std::string& id) {
  static const Json all = testing::load_vectors("fwpkg-accept.json");
  for (const auto& v : all["vectors"])
    if (v["id"] == id) return testing::unhex(v["request"]["package_der"]);
  FAIL("no vector " << id);
  return {};
}
}  // namespace

TEST_CASE("fwpkg decode: the firmware-package-identifier and firmware-package-info attributes, field by field (RFC 4108 §2.2.3, §2.2.9)") {
  // vectors/fwpkg-accept.json "dependency-met" (tests/oracle/fwpkg_builder.py): package B
  // (1.3.6.1.4.1.221121.2.2) version 1, fwPkgType 2, depending on A (1.3.6.1.4.1.221121.2.1) >= 1.
  // Offsets from `openssl asn1parse -inform DER` of the package.
  const auto d = describe_cms(package_of("dependency-met"));
  REQUIRE(d.ok());
  CHECK(d->kind == "firmware package");
  const auto got = lines_of(d->text);
  INFO(d->text);
  const std::pair<std::size_t, std::string> want[] = {
      {285, "FirmwarePackageIdentifier"},         // 285 SEQUENCE (the attribute's value)
      {287, "name (preferred)"},                  // 287 SEQUENCE
      {289, "fwPkgID = 1.3.6.1.4.1.221121.2.2"},  // 289 OBJECT
      {301, "verNum = 1"},                        // 301 INTEGER
      {321, "FirmwarePackageInfo"},               // 321 SEQUENCE
      {323, "fwPkgType = 2"},                     // 323 INTEGER
      {326, "dependencies"},                      // 326 SEQUENCE
      {328, "dependency (preferred)"},            // 328 SEQUENCE
      {330, "fwPkgID = 1.3.6.1.4.1.221121.2.1"},  // 330 OBJECT
      {342, "verNum = 1"},                        // 342 INTEGER
  };
  for (const auto& w : want) {
    CAPTURE(w.first);
    CAPTURE(w.second);
    CHECK(got.count(w) == 1);
  }
}

TEST_CASE("fwpkg decode: a signed load error report is named so (RFC 4108 §4.1)") {
  // ../shared/external-vectors/rfc4108/error_report.der's FirmwarePackageLoadError (stalePackage,
  // 28) as the eContent of SignedData, eContentType id-ct-firmwareLoadError
  // (1.2.840.113549.1.9.16.1.18), signed with tests/oracle/fixtures/fwpkg/module_p256.key:
  //   openssl cms -sign -binary -nodetach -econtent_type 1.2.840.113549.1.9.16.1.18 -keyid
  //     -nocerts -nosmimecap -md sha256 -outform DER   (openssl cms -verify: successful)
  const Bytes signed_report = *from_hex(
      "3082015506092a864886f70d010702a082014630820142020103310d300b0609608648016503040201303f060b2a864886f7"
      "0d0109100112a030042e302c060b2b060104018dbf4101012a040801020304050607080a011c3010060b2b060104018dbf41"
      "0102010201073181ec3081e902010380149c7828a8283be282a2bd2a38ab35cd717ae42fd2300b0609608648016503040201"
      "a06b301a06092a864886f70d010903310d060b2a864886f70d0109100112301c06092a864886f70d010905310f170d323631"
      "3230323231343631365a302f06092a864886f70d01090431220420be074de2b86c43cf4d195987abf349d6eecf24c62a6c75"
      "12fe4755eeea3f3018300a06082a8648ce3d04030204483046022100fed8271d76ab9a3b881155c689bb919b08c4b2f13e84"
      "6f7b4ec6bde0430e09ee022100d4484e30373755af0969014de8e1e213b7ce60382d778fccd782a8e12d33b1e3");
  const auto d = describe_cms(signed_report);
  REQUIRE(d.ok());
  CHECK(d->kind == "signed load error report");
  const auto got = lines_of(d->text);
  INFO(d->text);
  CHECK(got.count({60, "FirmwarePackageLoadError"}) == 1);   // openssl asn1parse: eContent's value at 60
  CHECK(got.count({85, "errorCode = 28 stalePackage"}) == 1);  // RFC 4108 §4.1.3 stalePackage (28)
}

TEST_CASE("fwpkg builder: a hwModuleList community is hwType, then the serial entries (RFC 4108 §2.2.8)") {
  // HardwareModules ::= SEQUENCE { hwType OBJECT IDENTIFIER, hwSerialEntries SEQUENCE OF
  // HardwareSerialEntry }; HardwareSerialEntry ::= CHOICE { all NULL, single OCTET STRING,
  // block SEQUENCE { low, high } }. The expected DER is tests/oracle/fwpkg_builder.py's
  // CommunityIdentifiers (python3-asn1crypto) of the same communities.
  const std::vector<Community> cs{
      Community{std::string("1.3.6.1.4.1.221121.3.1"), "", {}},
      Community{std::nullopt, "1.3.6.1.4.1.221121.1.1.42",
                {SerialEntry{SerialKind::single, *from_hex("0102030405060708"), {}}, SerialEntry{SerialKind::all, {}, {}},
                 SerialEntry{SerialKind::block, *from_hex("0100"), *from_hex("01ff")}}}};
  CHECK(to_hex(communities_value(cs)) ==
        "3033060a2b060104018dbf4103013025060b2b060104018dbf4101012a3016040801020304050607080500300804020100040201ff");
}

// ---- Run I survivors in fwpkg/loader.hpp --------------------------------------------------------
// RFC 4108 beyond §1.5 (the seed ../shared/seeds/003_d440909de6bfcb0d.txt stops there), RFC 5652
// (EncryptedData, EnvelopedData/KEKRecipientInfo) and RFC 3565 (AES-CBC with a 16-octet IV,
// AES key wrap) are cited as the public standards. Packages are assembled with fwpkg/builder.hpp
// and cms_write.hpp; expected outcomes are the RFCs', not lockref's output.
namespace {
PackageName pref_name(std::string_view o, std::uint64_t v) { return PackageName{Preferred{std::string(o), v}}; }
PackageSpec plain_spec(PackageName n, const std::string& fw) {
  return {std::move(n), std::nullopt, {std::string(example::hw_type)}, std::nullopt, 1, std::nullopt, to_bytes(fw), false,
          std::nullopt, true};
}
/// A signed package whose eContent is EncryptedData (RFC 5652 §8) under `alg` with `params`,
/// the decrypt-key-identifier `kid` (§2.2.6) and optionally the unsigned attribute `unsigned_attr`.
Bytes encrypted_package(std::string_view alg, std::optional<Bytes> params, ByteView ciphertext, std::optional<Bytes> kid,
                        std::vector<Bytes> unsigned_attrs = {}) {
  const Bytes content = der::encode([&](der::Sink& s) {
    der::sequence(s, [&](der::Sink& q) {
      der::put_uint(q, 0);
      der::sequence(q, [&](der::Sink& e) {
        der::put_oid(e, oid::firmware_package);
        if (params) put_algorithm(e, alg, ByteView(*params));
        else put_algorithm(e, alg);
        der::put_octets(e, ciphertext, der::ctx(0, false));
      });
    });
  });
  std::vector<Bytes> attrs;
  attrs.push_back(attribute(oid::firmware_package_id, package_id_value(pref_name(example::package_a, 1), std::nullopt)));
  attrs.push_back(attribute(oid::target_hardware_ids, der::encode([&](der::Sink& s) {
                              der::sequence(s, [&](der::Sink& q) { der::put_oid(q, example::hw_type); });
                            })));
  if (kid) attrs.push_back(attribute(oid::decrypt_key_id, octets_der(*kid)));
  return signed_data(oid::encrypted_data, content, example::signer(), std::move(attrs), std::move(unsigned_attrs)).value();
}
Machine::R load_into(const Profile& p, const State& s, const Bytes& pkg) { return Machine::step(p, s, Load{pkg}); }
}  // namespace

TEST_CASE("fwpkg profile: max_installed 0 is refused - a module must hold at least one package (FWPKG-4.1.3-MEM)") {
  Profile p;
  p.max_installed = 1;
  CHECK(Machine::validate(p).ok());
  p.max_installed = 0;  // no package could ever be loaded: RFC 4108 §4.1.3 insufficientMemory for every package
  CHECK_FALSE(Machine::validate(p).ok());
}

TEST_CASE("fwpkg: a module full to max_installed refuses a new package with insufficientMemory, but takes a new version (RFC 4108 §4.1.3, FWPKG-4.1.3-MEM)") {
  // RFC 4108 §4.1.3 (beyond the seed): insufficientMemory (25), "the firmware package could not be
  // loaded because the hardware module did not have sufficient memory". A module holding one package.
  Profile p;
  p.max_installed = 1;
  const Signer who = example::signer();
  const auto a1 = load_into(p, example::module(), build_package(plain_spec(pref_name(example::package_a, 1), "A1"), who).value());
  REQUIRE(a1.out.is_ok());
  CHECK(a1.out.receipt.has_value());  // §3: receipts on (Profile default), the module has a key
  REQUIRE(a1.next.installed.size() == 1);
  // a second, different package: no room
  const auto boot = load_into(p, a1.next, build_package(plain_spec(PackageName{Legacy{to_bytes("boot-1.0")}}, "boot"), who).value());
  CHECK(boot.out.status == "insufficientMemory");
  CHECK(boot.out.error_code == 33);  // RFC 4108 §4.1.3 FirmwarePackageLoadErrorCode insufficientMemory (33)
  CHECK(boot.out.rule == "FWPKG-4.1.3-MEM");
  CHECK(boot.out.error_report.has_value());  // §4: error reports on
  REQUIRE(boot.next.installed.size() == 1);
  CHECK(same_package(boot.next.installed[0].name, pref_name(example::package_a, 1)));
  // a later version of the installed package replaces it (§1.2.3) and needs no more room
  const auto a2 = load_into(p, a1.next, build_package(plain_spec(pref_name(example::package_a, 2), "A2"), who).value());
  CHECK(a2.out.is_ok());
  CHECK(a2.next.installed.size() == 1);
}

TEST_CASE("fwpkg: an EncryptedData not under AES-CBC is badEncryptAlgorithm, before the key is looked for (RFC 4108 §2.1.3, FWPKG-1.2.3-DECRYPT)") {
  // RFC 4108 §2.1.3 (beyond the seed): AES-CBC [RFC 3565] is the firmware content-encryption
  // algorithm; §4.1.3 badEncryptAlgorithm (20): "unsupported content encryption algorithm".
  // camellia128-CBC (RFC 3657: 1.2.392.200011.61.1.1.1.2, parameters a 16-octet IV) is a CBC
  // cipher with AES-CBC's parameter shape but not AES. The key id names no key the module holds,
  // so only the algorithm check can give badEncryptAlgorithm.
  const Bytes pkg = encrypted_package("1.2.392.200011.61.1.1.1.2", octets_der(Bytes(16, 0x11)), Bytes(32, 0x22),
                                      to_bytes("no-such-key"));
  const auto r = load_into(Profile{}, example::module(), pkg);
  CHECK(r.out.status == "badEncryptAlgorithm");
  CHECK(r.out.error_code == 20);
  CHECK(r.out.rule == "FWPKG-1.2.3-DECRYPT");
  CHECK(r.next.installed.empty());
}

TEST_CASE("fwpkg: AES-CBC without a 16-octet IV is badEncryptAlgorithm (RFC 3565 §2.3.2 AES-IV, FWPKG-1.2.3-DECRYPT)") {
  // RFC 3565 §2.3.2: AES-CBC parameters are AES-IV ::= OCTET STRING (SIZE(16)). The module holds
  // the key the package names (example-fw-key-1, AES-128), so a model that let the IV through
  // would reach decryption and fail differently.
  const DecryptKey k = example::decrypt_key();
  const Bytes fw = to_bytes("firmware image A1");
  const Bytes ct = crypto::aes_cbc_encrypt(k.key, Bytes(16, 0x33), fw).value();
  for (const auto& params : {std::optional<Bytes>{}, std::optional<Bytes>{octets_der(Bytes(8, 0x33))}}) {
    CAPTURE(params.has_value());
    const auto r = load_into(Profile{}, example::module(), encrypted_package(oid::aes128_cbc, params, ct, k.id));
    CHECK(r.out.status == "badEncryptAlgorithm");
    CHECK(r.out.error_code == 20);  // RFC 4108 §4.1.3 badEncryptAlgorithm
    CHECK(r.out.rule == "FWPKG-1.2.3-DECRYPT");
    CHECK(r.next.installed.empty());
  }
}

TEST_CASE("fwpkg: a firmware key unwrapped from wrapped-firmware-decryption-key decrypts the package (RFC 4108 §2.3.1, FWPKG-2.3-1)") {
  // RFC 4108 §2.3.1: the unsigned attribute carries EnvelopedData with a KEKRecipientInfo (RFC 5652
  // §6.2.3, version 4) whose encryptedKey is the firmware key under AES key wrap (RFC 3565 §2.3.3),
  // and an EncryptedContentInfo that matches the package's but has no encryptedContent. The module
  // holds only the key-encryption key (example-fw-key-1); the firmware key is a fresh AES-128 key.
  const DecryptKey kek = example::decrypt_key();
  const Bytes cek = *from_hex("00112233445566778899aabbccddeeff");
  const Bytes iv(16, 0x44);
  const Bytes fw = to_bytes("firmware image A1");
  const Bytes ct = crypto::aes_cbc_encrypt(cek, iv, fw).value();
  const Bytes env = der::encode([&](der::Sink& s) {
    der::sequence(s, [&](der::Sink& q) {
      der::put_uint(q, 2);  // EnvelopedData.version 2 with a KEKRecipientInfo (RFC 5652 §6.1)
      der::constructed(q, der::SET, [&](der::Sink& ris) {
        der::constructed(ris, der::ctx(2, true), [&](der::Sink& k) {
          der::put_uint(k, 4);
          der::sequence(k, [&](der::Sink& id) { der::put_octets(id, kek.id); });
          put_algorithm(k, oid::aes128_wrap);
          der::put_octets(k, crypto::aes_kw_wrap(kek.key, cek).value());
        });
      });
      der::sequence(q, [&](der::Sink& e) {
        der::put_oid(e, oid::firmware_package);
        put_algorithm(e, oid::aes128_cbc, ByteView(octets_der(iv)));
      });
    });
  });
  const Bytes pkg = encrypted_package(oid::aes128_cbc, octets_der(iv), ct, to_bytes("fw-key-not-held"),
                                      {attribute(oid::wrapped_firmware_key, env)});
  const auto r = load_into(Profile{}, example::module(), pkg);
  CHECK(r.out.status == "ok");
  CHECK(r.out.rule == "FWPKG-ACCEPT-1");
  REQUIRE(r.next.installed.size() == 1);
  CHECK(same_package(r.next.installed[0].name, pref_name(example::package_a, 1)));
}

TEST_CASE("fwpkg signer: an ECDSA r||s becomes a DER Ecdsa-Sig-Value with minimal INTEGERs (RFC 5758 §3.2, X.690 §8.3.2)") {
  // Expected DER from python3-cryptography's encode_dss_signature(r, s) (an independent
  // implementation). r with its top bit set needs a leading 00 octet to stay positive; s with
  // it clear needs none; leading zero octets are dropped (a 30-octet r), and a short value stays short.
  const auto der_of = [](const std::string& r, const std::string& s) {
    return to_hex(ecdsa_p1363_to_der(testing::unhex(r + s)));
  };
  CHECK(der_of("80" + std::string(62, '0'), "7f" + std::string(62, 'f')) ==
        "3045022100" "80" + std::string(62, '0') + "0220" "7f" + std::string(62, 'f'));
  CHECK(der_of("0000017f" + std::string(56, '1'), std::string(64, 'f')) ==
        "3043021e017f" + std::string(56, '1') + "022100" + std::string(64, 'f'));
  CHECK(der_of("0001", "007f") == "300602010102017f");
}

TEST_CASE("fwpkg zlib: streams of several output chunks, truncated streams and trailing bytes (RFC 1950, RFC 3274 §2)") {
  // Streams made by Python's zlib.compress(data, 9) (an independent implementation).
  const Bytes zeros = testing::unhex(
      "78daedc13101000000c2a0f54f6d0d0fa" + std::string(193, '0') + "80570386af0001");
  const Inflated big = zlib_inflate(zeros, 1 << 20);  // 100000 zero octets: several 16 KiB chunks
  CHECK(big.status == Inflated::Status::ok);
  CHECK(big.data == Bytes(100000, 0));
  CHECK(zlib_inflate(zeros, 99999).status == Inflated::Status::too_large);
  const Bytes small = testing::unhex("78dacbc94fce2e4a4dcba18c0200065a1cfd");  // "lockref" x 10
  const Inflated ok = zlib_inflate(small, 1024);
  REQUIRE(ok.status == Inflated::Status::ok);
  CHECK(std::string(ok.data.begin(), ok.data.end()) == "lockreflockreflockreflockreflockreflockreflockreflockreflockreflockref");
  for (std::size_t cut = 1; cut < small.size(); ++cut) {  // every proper prefix is refused, none read past its end
    const Inflated t = zlib_inflate(ByteView(small).first(cut), 1024);
    CHECK_MESSAGE(t.status == Inflated::Status::corrupt, "prefix of " << cut);
  }
  CHECK(zlib_inflate(ByteView(small).first(small.size() - 4), 1024).detail == "zlib: stream truncated");
  Bytes trailing = small;
  trailing.push_back(0);
  const Inflated tr = zlib_inflate(trailing, 1024);
  CHECK(tr.status == Inflated::Status::corrupt);
  CHECK(tr.detail == "zlib: 1 bytes after the end of the stream");
}

}  // namespace LOCKREF_UNITY_ID
