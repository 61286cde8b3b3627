// OCP L.O.C.K. 0.9 key hierarchy (model/lockref/lock/keys.hpp): structure checks and the
// errata tests of spec/errata.md ("OCP L.O.C.K. 0.9 — key hierarchy"). Known answers for
// every construction are in vectors/lock-rev09-derivations.json (independent Python
// oracle); these tests check the spec's structural claims and each profile choice.
#include <doctest/doctest.h>

#include "lockref/crypto/crypto.hpp"
#include "lockref/lock/keys.hpp"
#include "registry.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::lock;
using namespace lockref::lock::rev09;

namespace {
Bytes fill(std::uint8_t start, std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(start + i);
  return b;
}
const Bytes HEK = fill(0x10, 64), SEK = fill(0x20, 32), DPK = fill(0x30, 32), AK = fill(0xC0, 32);
const std::vector<Bytes> MPKS = {fill(0x50, 32), fill(0x70, 32), fill(0x90, 32)};
}  // namespace

TEST_CASE("errata: E-LOCK-KDF-COUNTER the SP 800-108 counter is 32-bit big-endian in the rev09 profile") {
  const Profile p = profile();
  CHECK(p.kdf_counter_bytes == 4);
  const Bytes key = fill(1, 64), label = to_bytes("derived_mek"), ctx = fill(9, 16);
  // profile form: HMAC512(K, 00000001 || label || 00 || context)
  CHECK(sp800_108(p, key, label, ByteView(ctx)) ==
        crypto::hmac_sha512(key, concat({from_hex("00000001").value(), label, Bytes{0}, ctx})));
  // the literal 0.9 §4.6.1.2 text: HMAC512(K, 01 || label ...) — a different key
  Profile literal = p;
  literal.kdf_counter_bytes = 1;
  CHECK(sp800_108(literal, key, label) == crypto::hmac_sha512(key, concat({Bytes{1}, label})));
  CHECK(sp800_108(literal, key, label) != sp800_108(p, key, label));
  // no context: no 0x00 separator; empty context: separator kept
  CHECK(sp800_108(p, key, label) == crypto::hmac_sha512(key, concat({from_hex("00000001").value(), label})));
  CHECK(sp800_108(p, key, label, ByteView{}) != sp800_108(p, key, label));
  // The real departure from SP 800-108r1 §4.1: its fixed input data ends with [L]_2, the
  // length of the derived keying material; 0.9's formula has none, and lockref follows 0.9.
  // Known answer: python3-cryptography's KBKDFHMAC(SHA512, CounterMode, length=64, rlen=4,
  // llen=4, BeforeFixed, label="derived_mek", context=ctx) for this key, i.e.
  // HMAC512(K, 00000001 || label || 00 || context || 00000200).
  const Bytes sp800_108_with_l = from_hex(
                                     "6411b17b3d7931088935c4fdc453be987b8ad81582d5372e891e739e225755f0"
                                     "d46b98c91f403448751cb9c078f5e3f9f729b31657a99d1685e8d55f848a6b6b")
                                     .value();
  CHECK(crypto::hmac_sha512(key, concat({from_hex("00000001").value(), label, Bytes{0}, ctx, from_hex("00000200").value()})) ==
        sp800_108_with_l);
  CHECK(sp800_108(p, key, label, ByteView(ctx)) != sp800_108_with_l);
  CHECK(sp800_108(literal, key, label, ByteView(ctx)) != sp800_108_with_l);
}

TEST_CASE("errata: E-LOCK-SALT-FIT a salt is truncated to its first 256 bits or zero-padded") {
  const Profile p = profile();
  const Bytes s64 = fill(0x40, 64), s12 = fill(0x01, 12);
  CHECK(salt_checksum_key(p, s64) == Bytes(s64.begin(), s64.begin() + 32));
  CHECK(salt_checksum_key(p, s12) == concat({s12, Bytes(20, 0)}));
  // consequence: two 512-bit salts equal in their first half share the checksum (the KDF
  // context), but the final HMAC is keyed with the whole salt, so the outputs differ.
  Bytes s64b = s64;
  s64b[63] ^= 1;
  auto a = preconditioned_key_extract_steps(p, s64, HEK, to_bytes("l"));
  auto b = preconditioned_key_extract_steps(p, s64b, HEK, to_bytes("l"));
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->checksum == b->checksum);
  CHECK(a->preconditioned == b->preconditioned);
  CHECK(a->output != b->output);
  // the checksum is AES-ECB(fit(salt), 0^128)
  CHECK(a->checksum == crypto::aes_ecb_encrypt(ByteView(s64).first(32), Bytes(16)).value());
}

TEST_CASE("errata: E-LOCK-AES-KEY-FROM-512 a 512-bit MEK secret or MDK keys AES-256 with its first half") {
  const Profile p = profile();
  Bytes secret = fill(0x42, 64);
  auto d1 = derive_mek_from_secret(p, secret);
  secret[40] ^= 0x80;  // second half only
  auto d2 = derive_mek_from_secret(p, secret);
  REQUIRE(d1);
  REQUIRE(d2);
  CHECK(d1->checksum == d2->checksum);  // Figure 25 checksum sees only the first 256 bits
  CHECK(d1->mek != d2->mek);            // the MEK depends on all 512
}

TEST_CASE("errata: E-LOCK-SALT-64 the preconditioned-AES salt is 96 bits, not the 64 of Figure 44") {
  const Profile p = profile();
  CHECK_FALSE(preconditioned_aes_encrypt(p, HEK, to_bytes("l"), fill(1, 8), fill(2, 12), {}, fill(3, 32)));
  CHECK(preconditioned_aes_encrypt(p, HEK, to_bytes("l"), fill(1, 12), fill(2, 12), {}, fill(3, 32)));
}

TEST_CASE("errata: E-LOCK-FIG13-15-DECRYPT enabling and testing decrypt the Locked MPK") {
  const Profile p = profile();
  auto locked = lock_mpk(p, HEK, SEK, AK, MPKS[0], fill(1, 12), fill(2, 12), to_bytes("meta"));
  REQUIRE(locked);
  // Figures 13 and 15 draw "(Pre)conditioned AES-Encrypt"; only a decryption yields the MPK
  CHECK(unlock_mpk(p, HEK, SEK, AK, *locked).value() == MPKS[0]);
  auto enabled = enable_mpk(p, HEK, SEK, AK, *locked, fill(0x77, 64), fill(3, 12), fill(4, 12));
  REQUIRE(enabled);
  CHECK(enabled->metadata == to_bytes("meta"));  // "preserving the MPK metadata"
  CHECK(unwrap_key(p, *enabled, WrappedKeyType::enabled_mpk, fill(0x77, 64), to_bytes(p.enabled_mpk_aes_label)).value() ==
        MPKS[0]);
  CHECK_FALSE(unlock_mpk(p, HEK, SEK, fill(0xC1, 32), *locked));
}

TEST_CASE("errata: E-LOCK-HEK-SOURCE the HEK is derived from the IDevID CDI (Figure 18), not the Stable Key") {
  const Profile p = profile();
  const Bytes cdi = fill(0x40, 64), seed = fill(0xA0, 32);
  CHECK(hek(p, cdi, seed) == sp800_108(p, cdi, to_bytes("ocp_lock_hek"), ByteView(seed)));
  CHECK(hek(p, cdi, Bytes(32, 0)) != hek(p, cdi, seed));  // unrandomized seed: all-zero context
}

TEST_CASE("errata: E-LOCK-LABELS-UNNAMED every unnamed label is a profile field and changes the keys") {
  const Profile p = profile();
  CHECK(p.wrapped_mek_label == "wrapped_mek");  // named by Figures 22/23
  CHECK(p.derived_mek_label == "derived_mek");  // named by Figure 25
  auto base = mek_secret(p, HEK, SEK, DPK, MPKS);
  REQUIRE(base);
  for (std::string Profile::*f : {&Profile::epk_label, &Profile::mpk_secret_label, &Profile::mek_secret_seed_label,
                                  &Profile::mek_secret_label}) {
    Profile q = p;
    q.*f += "_vendor";
    CHECK(mek_secret(q, HEK, SEK, DPK, MPKS).value() != *base);
  }
}

TEST_CASE("errata: E-LOCK-INITIAL-MPK-SECRET the width of the all-zero initial MPK secret does not matter") {
  // HMAC zero-pads keys to the 128-byte SHA-512 block and the checksum key is zero-padded,
  // so any all-zero initial MPK secret of 1..128 bytes gives the same MEK secret.
  Profile p32 = profile();
  p32.initial_mpk_secret_bytes = 32;
  for (std::size_t n : {0u, 1u, 3u}) {
    const std::vector<Bytes> m(MPKS.begin(), MPKS.begin() + static_cast<std::ptrdiff_t>(n));
    CHECK(mek_secret(profile(), HEK, SEK, DPK, m).value() == mek_secret(p32, HEK, SEK, DPK, m).value());
  }
}

TEST_CASE("errata: E-LOCK-AAD-UNAUTHENTICATED-FIELDS reserved and key_len are outside the WrappedKey AAD") {
  const Profile p = profile();
  auto w = wrap_mek(p, fill(0xD0, 64), fill(0x99, 64), fill(0x33, 64), fill(1, 12), fill(2, 12), to_bytes("md"));
  REQUIRE(w);
  WrappedKey changed = *w;
  changed.reserved = 0xBEEF;  // not authenticated: still unwraps
  CHECK(unwrap_mek(p, fill(0xD0, 64), fill(0x99, 64), changed).value() == fill(0x33, 64));
  CHECK(decode_wrapped_key(encode(changed)).value() == changed);
  // metadata, salt and key_type are authenticated
  changed = *w;
  changed.metadata[0] ^= 1;
  CHECK_FALSE(unwrap_mek(p, fill(0xD0, 64), fill(0x99, 64), changed));
}

TEST_CASE("lock keys: WrappedKey AAD layout is key_type u16 LE || salt || metadata_len u32 LE || metadata") {
  const Bytes salt = fill(1, 12);
  CHECK(to_hex(wrapped_key_aad(WrappedKeyType::wrapped_mek, salt, from_hex("aabb").value())) ==
        "0300" + to_hex(salt) + "02000000" + "aabb");
  CHECK(wrapped_key_aad(WrappedKeyType::locked_mpk, salt, {}).size() == 2 + 12 + 4);
}

TEST_CASE("lock keys: WrappedKey decoder rejects malformed input with a position") {
  const Profile p = profile();
  auto w = lock_mpk(p, HEK, SEK, AK, MPKS[0], fill(1, 12), fill(2, 12), to_bytes("meta"));
  REQUIRE(w);
  const Bytes good = encode(*w);
  CHECK(decode_wrapped_key(good).value() == *w);
  for (std::size_t n = 0; n < good.size(); ++n) CHECK_FALSE(decode_wrapped_key(ByteView(good).first(n)));
  Bytes trailing = good;
  trailing.push_back(0);
  CHECK(decode_wrapped_key(trailing).error().message.find("trailing") != std::string::npos);
  Bytes reserved_type = good;
  reserved_type[0] = 0;
  CHECK(decode_wrapped_key(reserved_type).error().message.find("reserved") != std::string::npos);
  Bytes bad_len = good;
  bad_len[20] = 64;  // key_len 64 for a LOCKED_MPK (Table 56: 32)
  CHECK(decode_wrapped_key(bad_len).error().message.find("Table 56") != std::string::npos);
  Bytes huge_md = good;
  huge_md[19] = 0xFF;  // metadata_len ~ 4 GiB
  CHECK_FALSE(decode_wrapped_key(huge_md));
}

TEST_CASE("lock keys: MEK secret of zero MPKs is Figure 21 and the steps chain as Figure 20") {
  const Profile p = profile();
  auto m = mek_secret_steps(p, HEK, SEK, DPK, MPKS);
  REQUIRE(m);
  CHECK(m->epk == epk(p, HEK, SEK).value());
  CHECK(m->mek_secret_seed == preconditioned_key_extract(p, DPK, m->epk, to_bytes(p.mek_secret_seed_label)).value());
  Bytes s(64, 0);
  for (const auto& k : MPKS) s = preconditioned_key_extract(p, s, k, to_bytes(p.mpk_secret_label)).value();
  CHECK(m->mpk_secret == s);
  auto z = mek_secret_steps(p, HEK, SEK, DPK, {});
  REQUIRE(z);
  CHECK(z->mpk_secret == Bytes(64, 0));  // Figure 21 "MPK secret (0x0000...)"
  CHECK(z->mek_secret != m->mek_secret);
  CHECK_FALSE(mek_secret(p, HEK, SEK, DPK, {fill(1, 31)}));  // MPKs are 256-bit
  CHECK_FALSE(epk(p, HEK, fill(1, 16)));                     // SEK is u8[32]
}

TEST_CASE("lock keys: eval ops take labels and profile overrides, and reject unknown fields") {
  using lockref::cli::eval_request;
  const Json base = {{"op", "lock.epk"}, {"hek", to_hex(HEK)}, {"sek", to_hex(SEK)}};
  const Json a = eval_request(base);
  REQUIRE(a["ok"] == true);
  Json over = base;
  over["profile"] = {{"epk_label", "vendor_epk"}};
  const Json b = eval_request(over);
  REQUIRE(b["ok"] == true);
  CHECK(a["epk"] != b["epk"]);
  Profile q = profile();
  q.epk_label = "vendor_epk";
  CHECK(b["epk"] == to_hex(epk(q, HEK, SEK).value()));
  Json typo = base;
  typo["sekk"] = "00";
  CHECK(eval_request(typo)["ok"] == false);
  Json badprof = base;
  badprof["profile"] = {{"epk_lable", "x"}};
  CHECK(eval_request(badprof)["ok"] == false);
  CHECK(eval_request({{"op", "lock.preconditioned_key_extract"}, {"salt", "00"}, {"key", "00"}, {"label", "l"},
                      {"label_hex", "6c"}})["ok"] == false);
}

}  // namespace LOCKREF_UNITY_ID
