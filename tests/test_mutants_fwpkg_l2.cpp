// RFC 4108 loader (model/lockref/fwpkg/loader.hpp), part 2: the decision after the signature
// (decide_verified: package type, dependencies, order of the decryption, rollback floor), the
// firmware recovered from the eContent (unwrap_package: EncryptedData under AES-CBC, the
// wrapped-firmware-decryption-key attribute, CompressedData under zlib, the size bound) and what
// decide() reports (receipt, error report with the configuration, the package name).
// Expected values: RFC 4108 (§1.2.3 decision order, §2.1.3/§2.1.4/§2.3.1 content, §3/§4 reports,
// §4.1.3 codes; ../shared/external-vectors/rfc4108/rfc4108.txt), RFC 5652 (EncryptedData,
// EnvelopedData/KEKRecipientInfo, CompressedData per RFC 3274), RFC 3565 (AES-CBC with a 16-octet
// IV, AES key wrap key sizes); offsets are DER header arithmetic written out next to each check.
// Inputs: DER assembled by hand with fwpkg/der.hpp, packages signed by fwpkg/builder.hpp (as in
// tests/test_mutants_fwpkg.cpp) or vectors/fwpkg-codes.json (tests/oracle/fwpkg_builder.py).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "external_vectors.hpp"
#include "lockref/crypto/aes.hpp"
#include "lockref/crypto/keywrap.hpp"
#include "lockref/fwpkg/builder.hpp"
#include "lockref/fwpkg/inflate.hpp"
#include "lockref/fwpkg/loader.hpp"

namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::fwpkg;

namespace {
Bytes b(std::string_view s) { return Bytes(s.begin(), s.end()); }
PackageName pref(std::string_view o, std::uint64_t v) { return PackageName{Preferred{std::string(o), v}}; }
constexpr std::string_view kA = "1.3.6.1.4.1.221121.2.1";
constexpr std::string_view kB = "1.3.6.1.4.1.221121.2.2";
constexpr std::size_t kAttrsAt = 40;  // signed_attrs_offset of the hand-made packages
constexpr std::size_t kBase = 100;    // econtent_offset of the hand-made packages

template <class F>
std::optional<Rejection> rejection_of(F&& f) {
  try {
    f();
  } catch (const Reject& r) {
    return r.r;
  }
  return std::nullopt;
}

// ---- decide_verified ----
PackageAttributes attrs(PackageName n, std::optional<std::int64_t> type = std::nullopt) {
  PackageAttributes a;
  a.content_type = std::string(oid::firmware_package);
  a.name = std::move(n);
  a.targets = {State{}.hw_type};
  a.package_type = type;
  return a;
}
Acceptance accept(const Profile& p, const State& s, const PackageAttributes& a) {
  return decide_verified(p, s, a, kAttrsAt, [] { return std::optional<Bytes>{}; });
}

// ---- unwrap_package ----
/// EncryptedData ::= SEQUENCE { version 0, EncryptedContentInfo SEQUENCE { contentType,
/// contentEncryptionAlgorithm, [0] IMPLICIT encryptedContent } } (RFC 5652 §8, §6.1). With an
/// AES-CBC IV and a ciphertext under 128 octets: 30 L | 02 01 00 (2) | 30 L (5) | 06 0b
/// id-ct-firmwarePackage (7..19) | 30 1d 06 09 aes-CBC 04 10 IV (20..50) | 80 L (51) | ciphertext (53).
Bytes encrypted_data(std::string_view alg, std::optional<Bytes> params, ByteView ct,
                     std::string_view inner = oid::firmware_package) {
  return der::encode([&](der::Sink& s) {
    der::sequence(s, [&](der::Sink& q) {
      der::put_uint(q, 0);
      der::sequence(q, [&](der::Sink& e) {
        der::put_oid(e, inner);
        if (params) put_algorithm(e, alg, ByteView(*params));
        else put_algorithm(e, alg);
        der::put_octets(e, ct, der::ctx(0, false));
      });
    });
  });
}
constexpr std::size_t kAlgAt = kBase + 20, kCiphertextAt = kBase + 53;
/// CompressedData ::= SEQUENCE { version 0, compressionAlgorithm, encapContentInfo SEQUENCE {
/// id-ct-firmwarePackage, [0] EXPLICIT OCTET STRING } } (RFC 3274 §1.1).
Bytes compressed_data(std::string_view alg, ByteView z) {
  return der::encode([&](der::Sink& s) {
    der::sequence(s, [&](der::Sink& q) {
      der::put_uint(q, 0);
      put_algorithm(q, alg);
      der::sequence(q, [&](der::Sink& e) {
        der::put_oid(e, oid::firmware_package);
        der::constructed(e, der::ctx(0, true), [&](der::Sink& x) { der::put_octets(x, z); });
      });
    });
  });
}
SignedPackage package(std::string_view type, Bytes content, std::optional<Bytes> kid = std::nullopt) {
  SignedPackage pkg;
  pkg.econtent_type = std::string(type);
  pkg.econtent = std::move(content);
  pkg.econtent_offset = kBase;
  pkg.signed_attrs_offset = kAttrsAt;
  pkg.attrs = attrs(pref(kA, 1));
  pkg.attrs.content_type = std::string(type);
  pkg.attrs.decrypt_key_id = std::move(kid);
  return pkg;
}
struct Unwrapped {
  std::optional<Rejection> rejected;
  Bytes firmware;
  std::optional<Bytes> used;
};
Unwrapped unwrap(const Profile& p, const State& s, const SignedPackage& pkg) {
  Unwrapped u;
  u.rejected = rejection_of([&] { u.used = unwrap_package(p, s, pkg, u.firmware); });
  return u;
}
void check_rejected(const Unwrapped& u, int code, std::optional<std::size_t> offset = std::nullopt) {
  REQUIRE(u.rejected.has_value());
  CHECK(code_value(u.rejected->code) == code);
  if (offset) CHECK(u.rejected->offset == *offset);
}
const Bytes kKey16 = *from_hex("000102030405060708090a0b0c0d0e0f");
const Bytes kKek16 = *from_hex("f0e0d0c0b0a090807060504030201000");
const Bytes kIv(16, 0x44);
const Bytes kFirmware = b("firmware image A1");
State keys() {
  State s;
  s.decrypt_keys = {DecryptKey{b("k16"), kKey16}, DecryptKey{b("kek"), kKek16}};
  return s;
}
Bytes cbc(ByteView key, ByteView pt) { return crypto::aes_cbc_encrypt(key, kIv, pt).value(); }

/// wrapped-firmware-decryption-key value (§2.3.1): EnvelopedData { version 2, recipientInfos SET {
/// [2] KEKRecipientInfo { version 4, kekid { keyIdentifier }, keyEncryptionAlgorithm, encryptedKey } },
/// EncryptedContentInfo { contentType, contentEncryptionAlgorithm } } (RFC 5652 §6.1, §6.2.3).
struct Envelope {
  Bytes kek_id = b("kek");
  std::string wrap_alg = std::string(oid::aes128_wrap);
  Bytes wrapped = crypto::aes_kw_wrap(kKek16, kKey16).value();
  std::string content_type = std::string(oid::firmware_package);
  std::string alg = std::string(oid::aes128_cbc);
  Bytes iv = kIv;
};
constexpr std::size_t kWrappedAt = 300;  // value_offset of the attribute value
Attribute wrapped_key_attribute(Bytes value) {
  return Attribute{std::string(oid::wrapped_firmware_key), std::move(value), kWrappedAt - 10, kWrappedAt};
}
Attribute wrapped_key_attribute(const Envelope& e) {
  return wrapped_key_attribute(der::encode([&](der::Sink& s) {
    der::sequence(s, [&](der::Sink& q) {
      der::put_uint(q, 2);
      der::constructed(q, der::SET, [&](der::Sink& ris) {
        der::constructed(ris, der::ctx(2, true), [&](der::Sink& k) {
          der::put_uint(k, 4);
          der::sequence(k, [&](der::Sink& id) { der::put_octets(id, e.kek_id); });
          put_algorithm(k, e.wrap_alg);
          der::put_octets(k, e.wrapped);
        });
      });
      der::sequence(q, [&](der::Sink& c) {
        der::put_oid(c, e.content_type);
        put_algorithm(c, e.alg, ByteView(octets_der(e.iv)));
      });
    });
  }));
}
/// The package encrypted under kKey16 (AES-128-CBC), naming a key the module lacks, with the
/// wrapped key.
Unwrapped unwrap_wrapped(const Attribute& w) {
  SignedPackage pkg = package(oid::encrypted_data, encrypted_data(oid::aes128_cbc, octets_der(kIv), cbc(kKey16, kFirmware)),
                              b("fw-key-not-held"));
  pkg.wrapped_key = w;
  return unwrap(Profile{}, keys(), pkg);
}

// ---- decide ----
PackageSpec spec(PackageName n, std::vector<std::string> targets) {
  return {std::move(n), std::nullopt, std::move(targets), std::nullopt, 2, std::nullopt, b("firmware image"), false, std::nullopt, true};
}
Machine::R load(const Profile& p, const State& s, const Bytes& pkg) { return Machine::step(p, s, Load{pkg}); }
bool ends_with(const std::optional<Bytes>& der, std::string_view hex_tail) {
  if (!der) return false;
  const std::string h = to_hex(*der);
  return h.size() >= hex_tail.size() && h.compare(h.size() - hex_tail.size(), hex_tail.size(), hex_tail) == 0;
}
}  // namespace

TEST_CASE("fwpkg decide: fwPkgType outside the module's supported types is unsupportedPackageType (RFC 4108 §2.2.9, §4.1.3 code 30)") {
  Profile p;
  p.package_types = {1, 2};
  const State s;
  const auto ok = accept(p, s, attrs(pref(kA, 1), 2));
  CHECK(ok.next.installed.size() == 1);
  const auto r = rejection_of([&] { accept(p, s, attrs(pref(kA, 1), 3)); });
  REQUIRE(r.has_value());
  CHECK(code_value(r->code) == 30);
  CHECK(r->offset == kAttrsAt);
  CHECK(r->rule == "FWPKG-2.2.9-TYPE");
}

TEST_CASE("fwpkg decide: a newer version of a package others depend on replaces it (RFC 4108 §1.3, §2.2.9)") {
  // B v1 depends on A >= 1 ("the integer MUST be less than or equal to the integer portion");
  // loading A v2 keeps B's dependency met: no breaksDependency.
  State s;
  s.installed = {Installed{pref(kA, 1), 1, {}}, Installed{pref(kB, 1), 2, {pref(kA, 1)}}};
  const auto acc = accept(Profile{}, s, attrs(pref(kA, 2), 1));
  REQUIRE(acc.next.installed.size() == 2);
  CHECK(acc.next.installed[0].name == pref(kA, 2));
  CHECK(acc.next.installed[1].name == pref(kB, 1));
  CHECK_FALSE(acc.warning.has_value());
}

TEST_CASE("fwpkg decide: decryption runs once, in the profile's place (E-FWPKG-ORDER)") {
  auto run = [](DecisionOrder order, const State& s, int& calls) {
    Profile p;
    p.order = order;
    calls = 0;
    return rejection_of([&] {
      const auto acc = decide_verified(p, s, attrs(pref(kA, 2)), kAttrsAt, [&] {
        ++calls;
        return std::optional<Bytes>{b("k16")};
      });
      CHECK(acc.decrypt_key_id == std::optional<Bytes>{b("k16")});  // for the receipt's decryptKeyID (§3.1.3)
    });
  };
  int calls = 0;
  CHECK_FALSE(run(DecisionOrder::rfc_text, State{}, calls).has_value());
  CHECK(calls == 1);
  CHECK_FALSE(run(DecisionOrder::cheap_first, State{}, calls).has_value());
  CHECK(calls == 1);
  // A v2 is stale: rfc_text decrypts first (§1.2.3's paragraphs), cheap_first never decrypts
  State stale;
  stale.stale = {StaleEntry{std::string(kA), 2}};
  auto r = run(DecisionOrder::rfc_text, stale, calls);
  REQUIRE(r.has_value());
  CHECK(code_value(r->code) == 28);
  CHECK(calls == 1);
  r = run(DecisionOrder::cheap_first, stale, calls);
  REQUIRE(r.has_value());
  CHECK(code_value(r->code) == 28);
  CHECK(calls == 0);
}

TEST_CASE("fwpkg decide: rollback floor makes (P, v-1) stale, for preferred names above version 0 only (Profile::rollback_floor)") {
  Profile p;
  p.rollback_floor = true;
  const State s;
  CHECK(accept(p, s, attrs(pref(kA, 0))).next.stale.empty());
  CHECK(accept(p, s, attrs(pref(kA, 1))).next.stale == std::vector<StaleEntry>{{std::string(kA), 0}});
  const auto legacy = accept(p, s, attrs(PackageName{Legacy{b("boot-1.0")}}));
  CHECK(legacy.next.stale.empty());
  CHECK(legacy.next.stale_legacy.empty());
  CHECK(legacy.next.installed.size() == 1);
}

TEST_CASE("fwpkg content: AES-CBC and AES key wrap key sizes (RFC 3565 §2.3.2, §2.3.3)") {
  CHECK(aes_cbc_key_size(oid::aes128_cbc) == std::optional<std::size_t>{16});
  CHECK(aes_cbc_key_size(oid::aes192_cbc) == std::optional<std::size_t>{24});
  CHECK(aes_cbc_key_size(oid::aes256_cbc) == std::optional<std::size_t>{32});
  CHECK_FALSE(aes_cbc_key_size(oid::aes128_wrap).has_value());
  CHECK(aes_wrap_key_size(oid::aes128_wrap) == std::optional<std::size_t>{16});
  CHECK(aes_wrap_key_size(oid::aes192_wrap) == std::optional<std::size_t>{24});
  CHECK(aes_wrap_key_size(oid::aes256_wrap) == std::optional<std::size_t>{32});
  CHECK_FALSE(aes_wrap_key_size(oid::aes128_cbc).has_value());
}

TEST_CASE("fwpkg content: plain firmware and its size bound (RFC 4108 §2.1, §4.1.3 insufficientMemory 33)") {
  Profile p;
  p.max_firmware_size = kFirmware.size();
  const auto u = unwrap(p, State{}, package(oid::firmware_package, kFirmware));
  CHECK_FALSE(u.rejected.has_value());
  CHECK(u.firmware == kFirmware);
  CHECK_FALSE(u.used.has_value());
  p.max_firmware_size = kFirmware.size() - 1;
  check_rejected(unwrap(p, State{}, package(oid::firmware_package, kFirmware)), 33, kBase);
}

TEST_CASE("fwpkg content: EncryptedData under AES-CBC decrypts with the named key (RFC 4108 §2.1.3, §2.2.5)") {
  const auto u = unwrap(Profile{}, keys(), package(oid::encrypted_data, encrypted_data(oid::aes128_cbc, octets_der(kIv), cbc(kKey16, kFirmware)), b("k16")));
  CHECK_FALSE(u.rejected.has_value());
  CHECK(u.firmware == kFirmware);
  CHECK(u.used == std::optional<Bytes>{b("k16")});  // §3.1.3 decryptKeyID
  // encrypted, then compressed inside (§2.1: "compressed and then encrypted")
  const Bytes inner = compressed_data(oid::zlib_compress, zlib_deflate(kFirmware));
  const auto v = unwrap(Profile{}, keys(),
                        package(oid::encrypted_data, encrypted_data(oid::aes128_cbc, octets_der(kIv), cbc(kKey16, inner), oid::compressed_data), b("k16")));
  CHECK_FALSE(v.rejected.has_value());
  CHECK(v.firmware == kFirmware);
  // offsets inside the decrypted content count from the ciphertext (loader.hpp unwrap_package)
  Profile small;
  small.max_firmware_size = kFirmware.size() - 1;
  check_rejected(unwrap(small, keys(), package(oid::encrypted_data, encrypted_data(oid::aes128_cbc, octets_der(kIv), cbc(kKey16, kFirmware)), b("k16"))),
                 33, kCiphertextAt);
}

TEST_CASE("fwpkg content: AES-CBC parameters must be an AES-IV (RFC 3565 §2.3.2, §4.1.3 badEncryptAlgorithm 20)") {
  const auto none = unwrap(Profile{}, keys(), package(oid::encrypted_data, encrypted_data(oid::aes128_cbc, std::nullopt, cbc(kKey16, kFirmware)), b("k16")));
  check_rejected(none, 20, kAlgAt);
  if (none.rejected) CHECK(none.rejected->detail.find("no IV") != std::string::npos);
  // parameters NULL (05 00) instead of OCTET STRING: the error names the AES-IV it expected
  const auto null = unwrap(Profile{}, keys(), package(oid::encrypted_data, encrypted_data(oid::aes128_cbc, Bytes{0x05, 0x00}, cbc(kKey16, kFirmware)), b("k16")));
  check_rejected(null, 20);
  if (null.rejected) CHECK(null.rejected->detail.find("AES-IV") != std::string::npos);
}

TEST_CASE("fwpkg content: keys - none named, wrong size, wrong key (RFC 4108 §4.1.3 noDecryptKey 22, decryptFailure 23)") {
  // E-FWPKG-NO-KEYID with codes.missing_decrypt_key_id = noDecryptKey: encrypted, no
  // decrypt-key-identifier. The module holding a key with an empty identifier changes nothing.
  State s = keys();
  s.decrypt_keys.push_back(DecryptKey{Bytes{}, kKey16});
  const auto no_kid = unwrap(Profile{}, s, package(oid::encrypted_data, encrypted_data(oid::aes128_cbc, octets_der(kIv), cbc(kKey16, kFirmware))));
  check_rejected(no_kid, 22, kAttrsAt);
  if (no_kid.rejected) CHECK(no_kid.rejected->detail.find("no decrypt-key-identifier") != std::string::npos);
  // aes256-CBC needs a 32-octet key; the named key has 16 (even though AES-128 would decrypt it)
  check_rejected(unwrap(Profile{}, keys(), package(oid::encrypted_data, encrypted_data(oid::aes256_cbc, octets_der(kIv), cbc(kKey16, kFirmware)), b("k16"))),
                 23, kCiphertextAt);
  // 32 zero octets are no ciphertext of a padded plaintext under k16: the padding does not check out (RFC 5652 §6.3)
  check_rejected(unwrap(Profile{}, keys(), package(oid::encrypted_data, encrypted_data(oid::aes128_cbc, octets_der(kIv), Bytes(32, 0x00)), b("k16"))),
                 23, kCiphertextAt);
}

TEST_CASE("fwpkg content: the wrapped-firmware-decryption-key attribute (RFC 4108 §2.3.1, FWPKG-2.3-1)") {
  const Envelope good;
  const auto u = unwrap_wrapped(wrapped_key_attribute(good));
  CHECK_FALSE(u.rejected.has_value());
  CHECK(u.firmware == kFirmware);
  // "The EncryptedContentInfo ... MUST match" the package's: content type, algorithm, IV
  Envelope type = good, alg = good, iv = good;
  type.content_type = std::string(oid::compressed_data);
  alg.alg = std::string(oid::aes256_cbc);
  iv.iv = Bytes(16, 0x55);
  for (const auto* e : {&type, &alg, &iv}) {
    const auto r = unwrap_wrapped(wrapped_key_attribute(*e));
    check_rejected(r, 8, kWrappedAt);
    if (r.rejected) CHECK(r.rejected->rule == "FWPKG-2.3-1");
  }
  // a recipient whose key-encryption key the module lacks: no key at all
  Envelope unknown = good;
  unknown.kek_id = b("nope");
  check_rejected(unwrap_wrapped(wrapped_key_attribute(unknown)), 22, kAttrsAt);
  // id-aes256-wrap (RFC 3565 §2.3.3: a 32-octet KEK) with the module's 16-octet KEK
  Envelope size = good;
  size.wrap_alg = std::string(oid::aes256_wrap);
  check_rejected(unwrap_wrapped(wrapped_key_attribute(size)), 23, kWrappedAt);
  // wrapped under another key: the RFC 3394 integrity check fails
  Envelope wrong = good;
  wrong.wrapped = crypto::aes_kw_wrap(kKey16, kKey16).value();
  check_rejected(unwrap_wrapped(wrapped_key_attribute(wrong)), 23, kWrappedAt);
  // not an EnvelopedData: 30 05 { 02 01 00 version, 05 00 NULL where recipientInfos SET belongs (+5) }
  const auto malformed = unwrap_wrapped(wrapped_key_attribute(*from_hex("3005020100" "0500")));
  check_rejected(malformed, 8, kWrappedAt + 5);
  if (malformed.rejected) CHECK(malformed.rejected->rule == "FWPKG-2.3-1");
}

TEST_CASE("fwpkg content: CompressedData under zlib (RFC 3274, RFC 4108 §2.1.4, §4.1.3 codes 24, 26, 33)") {
  const Bytes z = zlib_deflate(kFirmware);
  const auto u = unwrap(Profile{}, State{}, package(oid::compressed_data, compressed_data(oid::zlib_compress, z)));
  CHECK_FALSE(u.rejected.has_value());
  CHECK(u.firmware == kFirmware);
  // another compression algorithm (a sibling arc of id-alg-zlibCompress), even with zlib data inside
  check_rejected(unwrap(Profile{}, State{}, package(oid::compressed_data, compressed_data("1.2.840.113549.1.9.16.3.9", z))), 24);
  // not a zlib stream: 78 9c header, then a reserved block type (BTYPE 11, RFC 1951 §3.2.3)
  check_rejected(unwrap(Profile{}, State{}, package(oid::compressed_data, compressed_data(oid::zlib_compress, *from_hex("789cffff")))), 26);
  // inflates beyond max_firmware_size
  Profile small;
  small.max_firmware_size = 50;
  check_rejected(unwrap(small, State{}, package(oid::compressed_data, compressed_data(oid::zlib_compress, zlib_deflate(Bytes(100, 0))))), 33);
}

TEST_CASE("fwpkg load: receipt names the trust anchor; the name is reported either way (RFC 4108 §3.1.3, §4.1.3)") {
  State s = example::module();
  s.module_key.reset();  // unsigned receipts and reports (§3.1.1, §4.1.1): ContentInfo around the content
  const auto ok = load(Profile{}, s, build_package(spec(pref(kA, 1), {s.hw_type}), example::signer()).value());
  REQUIRE(ok.out.is_ok());
  CHECK(ok.out.package == std::optional<PackageName>{pref(kA, 1)});
  // FirmwarePackageLoadReceipt ends with trustAnchorKeyID OCTET STRING (04 14 + the signer's key id)
  CHECK(ends_with(ok.out.receipt, "0414" + std::string(example::signer_key_id)));
  // wrongHardware (27): B v1 for another hardware type
  const Bytes other = build_package(spec(pref(kB, 1), {std::string(example::other_hw_type)}), example::signer()).value();
  // fwPkgName of B v1: 30 0f { 06 0a 2b0601 04 01 8dbf41 02 02, 02 01 01 }
  const std::string b1 = "300f060a2b060104018dbf410202020101";
  const auto r = load(Profile{}, s, other);
  CHECK(r.out.status == "wrongHardware");
  CHECK(r.out.error_code == 27);
  CHECK(r.out.package == std::optional<PackageName>{pref(kB, 1)});
  CHECK(ends_with(r.out.error_report, b1));  // nothing installed: no config
  // config [1] SEQUENCE OF CurrentFWConfig { fwPkgType 1, fwPkgName A v1 } (§4.1.3: RECOMMENDED)
  State with_a = s;
  with_a.installed = {Installed{pref(kA, 1), 1, {}}};
  const auto c = load(Profile{}, with_a, other);
  CHECK(ends_with(c.out.error_report, b1 + "a1163014020101300f060a2b060104018dbf410201020101"));
  Profile no_config;
  no_config.report_config = false;
  CHECK(ends_with(load(no_config, with_a, other).out.error_report, b1));
}

TEST_CASE("fwpkg load: eContentType differs from the content-type attribute - contentTypeMismatch (RFC 4108 §2.2.1, §4.1.3 code 16)") {
  // vectors/fwpkg-codes.json "contentTypeMismatch" (tests/oracle/fwpkg_builder.py)
  static const Json all = testing::load_vectors("fwpkg-codes.json");
  const Json* v = nullptr;
  for (const auto& x : all["vectors"])
    if (x["id"] == "contentTypeMismatch") v = &x;
  REQUIRE(v != nullptr);
  const auto s = from_json<State>((*v)["request"]["loader_state"]);
  REQUIRE(s.ok());
  const auto r = load(Profile{}, *s, testing::unhex((*v)["request"]["package_der"]));
  CHECK(r.out.status == "contentTypeMismatch");
  CHECK(r.out.error_code == 16);
  CHECK(r.next == *s);
}

}  // namespace LOCKREF_UNITY_ID
