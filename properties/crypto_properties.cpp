// Properties of the primitives (model/lockref/crypto/). Each property is shown to fail
// on a deliberately broken variant (mutant) in the same TEST_CASE.
#include "lockref/crypto/crypto.hpp"
#include "support.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::crypto;

namespace {
rc::Gen<Bytes> bytes_of(std::size_t n) { return rc::gen::container<Bytes>(n, rc::gen::arbitrary<std::uint8_t>()); }
rc::Gen<Bytes> bytes_upto(std::size_t max) {
  return rc::gen::mapcat(rc::gen::inRange<std::size_t>(0, max + 1), [](std::size_t n) { return bytes_of(n); });
}
void flip(Bytes& b, std::size_t bit) { b[(bit / 8) % b.size()] ^= static_cast<std::uint8_t>(1u << (bit % 8)); }

// ---- AES-KW ----------------------------------------------------------------------
template <class Wrap, class Unwrap>
auto kw_roundtrip(Wrap wrap, Unwrap unwrap) {
  return [=] {
    const auto kek = *bytes_of(32);
    const auto n = *rc::gen::inRange<std::size_t>(2, 9);
    const auto key = *bytes_of(8 * n);
    auto w = wrap(kek, key);
    RC_ASSERT(w.ok());
    RC_ASSERT(w->size() == key.size() + 8);
    auto u = unwrap(kek, *w);
    RC_ASSERT(u.ok());
    RC_ASSERT(*u == key);
  };
}
/// A broken unwrap that releases data without checking the integrity value.
Result<Bytes> unwrap_no_integrity(ByteView kek, ByteView wrapped) {
  auto u = aes_kw_unwrap(kek, wrapped);
  if (u) return u;
  if (wrapped.size() < 24 || wrapped.size() % 8) return u;
  return Bytes(wrapped.begin() + 8, wrapped.end());  // unchecked
}
/// A broken unwrap that corrupts the first byte of the key it releases.
Result<Bytes> unwrap_short(ByteView kek, ByteView wrapped) {
  auto u = aes_kw_unwrap(kek, wrapped);
  if (!u) return u;
  Bytes k = *u;
  k[0] ^= 1;
  return k;
}

template <class Wrap, class Unwrap>
auto kw_rejects(Wrap wrap, Unwrap unwrap) {
  return [=] {
    const auto kek = *bytes_of(32);
    // bad lengths: anything that is not n >= 2 64-bit blocks
    const auto len = *rc::gen::suchThat(rc::gen::inRange<std::size_t>(0, 80),
                                        [](std::size_t l) { return l % 8 != 0 || l < 16; });
    RC_ASSERT(!wrap(kek, *bytes_of(len)).ok());
    // bad integrity values: any single bit flip in a wrapped key
    const auto key = *bytes_of(32);
    auto w = wrap(kek, key);
    RC_ASSERT(w.ok());
    Bytes bad = *w;
    flip(bad, *rc::gen::inRange<std::size_t>(0, bad.size() * 8));
    RC_ASSERT(!unwrap(kek, bad).ok());
  };
}
/// A broken wrap that accepts one-block (and empty) inputs like OpenSSL's.
Result<Bytes> wrap_lenient(ByteView kek, ByteView key) {
  if (key.size() % 8 == 0 && key.size() < 16) return concat({kw_default_iv, key});
  return aes_kw_wrap(kek, key);
}
}  // namespace

TEST_CASE("crypto properties: AES-KW wrap/unwrap round-trips") {
  lockref::prop::holds("unwrap(wrap(k)) == k", kw_roundtrip(aes_kw_wrap, aes_kw_unwrap), 100);
  lockref::prop::fails("unwrap corrupts the first byte", kw_roundtrip(aes_kw_wrap, unwrap_short), 100);
}

TEST_CASE("crypto properties: AES-KW rejects bad lengths and bad integrity values") {
  lockref::prop::holds("bad lengths and flipped bits are rejected", kw_rejects(aes_kw_wrap, aes_kw_unwrap), 100);
  lockref::prop::fails("unwrap without the integrity check", kw_rejects(aes_kw_wrap, unwrap_no_integrity), 200);
  lockref::prop::fails("wrap accepting n < 2", kw_rejects(wrap_lenient, aes_kw_unwrap), 200);
}

// ---- AES-GCM ---------------------------------------------------------------------
namespace {
using GcmSeal = Result<GcmSealed> (*)(ByteView, ByteView, ByteView, ByteView);
using GcmOpen = Result<Bytes> (*)(ByteView, ByteView, ByteView, ByteView, ByteView);

/// Round-trip, and a flip of any one bit of ciphertext, tag, IV or AAD fails to open.
auto gcm_tamper(GcmSeal seal, GcmOpen open) {
  return [=] {
    const auto key = *bytes_of(32);
    Bytes iv = *bytes_of(12), aad = *bytes_upto(40), pt = *bytes_upto(64);
    auto s = seal(key, iv, aad, pt);
    RC_ASSERT(s.ok());
    auto back = open(key, iv, aad, s->ciphertext, s->tag);
    RC_ASSERT(back.ok());
    RC_ASSERT(*back == pt);
    Bytes ct = s->ciphertext, tag = s->tag;
    const int field = *rc::gen::inRange(0, 4);
    Bytes& target = field == 0 ? ct : field == 1 ? tag : field == 2 ? iv : aad;
    RC_PRE(!target.empty());
    flip(target, *rc::gen::inRange<std::size_t>(0, target.size() * 8));
    RC_ASSERT(!open(key, iv, aad, ct, tag).ok());
  };
}
/// Mutant: open decrypts without checking the tag (the CTR keystream is its own inverse).
Result<Bytes> gcm_open_unchecked(ByteView key, ByteView iv, ByteView, ByteView ct, ByteView) {
  auto s = aes_gcm_encrypt(key, iv, {}, ct);
  if (!s) return s.error();
  return s->ciphertext;
}
/// Mutant pair: seal and open both leave the AAD out of the tag.
Result<GcmSealed> gcm_seal_no_aad(ByteView key, ByteView iv, ByteView, ByteView pt) {
  return aes_gcm_encrypt(key, iv, {}, pt);
}
Result<Bytes> gcm_open_no_aad(ByteView key, ByteView iv, ByteView, ByteView ct, ByteView tag) {
  return aes_gcm_decrypt(key, iv, {}, ct, tag);
}
}  // namespace

TEST_CASE("crypto properties: AES-GCM round-trips and any bit flip in ciphertext, tag, IV or AAD fails") {
  lockref::prop::holds("tamper-evident AES-256-GCM", gcm_tamper(aes_gcm_encrypt, aes_gcm_decrypt), 150);
  lockref::prop::fails("open without tag check", gcm_tamper(aes_gcm_encrypt, gcm_open_unchecked), 200);
  lockref::prop::fails("AAD not authenticated", gcm_tamper(gcm_seal_no_aad, gcm_open_no_aad), 400);
}

}  // namespace LOCKREF_UNITY_ID
