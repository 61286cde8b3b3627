// Properties of the OCP L.O.C.K. 0.9 key hierarchy (model/lockref/lock/keys.hpp), each
// shown to fail on a deliberately broken variant (mutant) in the same TEST_CASE.
#include <algorithm>

#include "lockref/lock/keys.hpp"
#include "support.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::lock;
using namespace lockref::lock::rev09;

namespace {
rc::Gen<Bytes> bytes_of(std::size_t n) { return rc::gen::container<Bytes>(n, rc::gen::arbitrary<std::uint8_t>()); }
rc::Gen<Bytes> bytes_upto(std::size_t max) {
  return rc::gen::mapcat(rc::gen::inRange<std::size_t>(0, max + 1), [](std::size_t n) { return bytes_of(n); });
}
void flip(Bytes& b, std::size_t bit) { b[(bit / 8) % b.size()] ^= static_cast<std::uint8_t>(1u << (bit % 8)); }

// ---- preconditioned AES (Figures 4, 5) -----------------------------------------------
using PEnc = Result<crypto::GcmSealed> (*)(const Profile&, ByteView, ByteView, ByteView, ByteView, ByteView, ByteView);
using PDec = Result<Bytes> (*)(const Profile&, ByteView, ByteView, ByteView, ByteView, ByteView, ByteView, ByteView);

auto paes_tamper(PEnc enc, PDec dec) {
  return [=] {
    const Profile p = profile();
    const auto key = *bytes_of(64);
    const Bytes label = to_bytes("wrapped_mek");
    Bytes salt = *bytes_of(12), iv = *bytes_of(12), aad = *bytes_upto(40);
    const auto pt = *bytes_upto(64);
    auto s = enc(p, key, label, salt, iv, aad, pt);
    RC_ASSERT(s.ok());
    auto back = dec(p, key, label, salt, iv, aad, s->ciphertext, s->tag);
    RC_ASSERT(back.ok());
    RC_ASSERT(*back == pt);
    Bytes ct = s->ciphertext, tag = s->tag;
    const int field = *rc::gen::inRange(0, 5);
    Bytes& t = field == 0 ? ct : field == 1 ? tag : field == 2 ? salt : field == 3 ? iv : aad;
    RC_PRE(!t.empty());
    flip(t, *rc::gen::inRange<std::size_t>(0, t.size() * 8));
    RC_ASSERT(!dec(p, key, label, salt, iv, aad, ct, tag).ok());
  };
}
/// Mutant pair: the subkey is derived without the salt (KDF context dropped).
Bytes unsalted_subkey(const Profile& p, ByteView key, ByteView label) {
  Bytes k = sp800_108(p, key, label);
  k.resize(32);
  return k;
}
Result<crypto::GcmSealed> enc_unsalted(const Profile& p, ByteView key, ByteView label, ByteView salt, ByteView iv,
                                       ByteView aad, ByteView pt) {
  if (salt.size() != 12) return make_error("salt");
  return crypto::aes_gcm_encrypt(unsalted_subkey(p, key, label), iv, aad, pt);
}
Result<Bytes> dec_unsalted(const Profile& p, ByteView key, ByteView label, ByteView salt, ByteView iv, ByteView aad,
                           ByteView ct, ByteView tag) {
  if (salt.size() != 12) return make_error("salt");
  return crypto::aes_gcm_decrypt(unsalted_subkey(p, key, label), iv, aad, ct, tag);
}
}  // namespace

TEST_CASE("lock properties: preconditioned AES round-trips and any bit flip in ciphertext, tag, salt, IV or AAD fails") {
  lockref::prop::holds("Figures 4/5 are tamper-evident",
                       paes_tamper(preconditioned_aes_encrypt, preconditioned_aes_decrypt), 120);
  lockref::prop::fails("subkey ignores the salt", paes_tamper(enc_unsalted, dec_unsalted), 300);
}

// ---- MEK secret (Figures 20, 21) -------------------------------------------------------
namespace {
using MekSecretFn = Result<Bytes> (*)(const Profile&, ByteView, ByteView, ByteView, const std::vector<Bytes>&);

/// Changing any one of HEK, SEK, DPK or any MPK changes the MEK secret.
auto mek_secret_sensitive(MekSecretFn f) {
  return [=] {
    const Profile p = profile();
    Bytes hek_ = *bytes_of(64), sek = *bytes_of(32), dpk = *bytes_of(32);
    const auto n = *rc::gen::inRange<std::size_t>(0, 4);
    std::vector<Bytes> mpks;
    for (std::size_t i = 0; i < n; ++i) mpks.push_back(*bytes_of(32));
    auto base = f(p, hek_, sek, dpk, mpks);
    RC_ASSERT(base.ok());
    const auto which = *rc::gen::inRange<std::size_t>(0, 3 + n);
    Bytes& t = which == 0 ? hek_ : which == 1 ? sek : which == 2 ? dpk : mpks[which - 3];
    flip(t, *rc::gen::inRange<std::size_t>(0, t.size() * 8));
    auto changed = f(p, hek_, sek, dpk, mpks);
    RC_ASSERT(changed.ok());
    RC_ASSERT(*changed != *base);
  };
}
/// MPK order matters (Figure 20 note): swapping two different MPKs changes the secret.
auto mek_secret_ordered(MekSecretFn f) {
  return [=] {
    const Profile p = profile();
    const Bytes hek_ = *bytes_of(64), sek = *bytes_of(32), dpk = *bytes_of(32);
    std::vector<Bytes> mpks = {*bytes_of(32), *bytes_of(32)};
    if (*rc::gen::arbitrary<bool>()) mpks.push_back(*bytes_of(32));
    RC_PRE(mpks[0] != mpks[1]);
    auto a = f(p, hek_, sek, dpk, mpks);
    std::swap(mpks[0], mpks[1]);
    auto b = f(p, hek_, sek, dpk, mpks);
    RC_ASSERT(a.ok());
    RC_ASSERT(b.ok());
    RC_ASSERT(*a != *b);
  };
}
/// Mutant: only the first MPK is mixed.
Result<Bytes> mek_secret_first_mpk_only(const Profile& p, ByteView h, ByteView s, ByteView d,
                                        const std::vector<Bytes>& mpks) {
  std::vector<Bytes> first(mpks.begin(), mpks.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(1, mpks.size())));
  return mek_secret(p, h, s, d, first);
}
/// Mutant: MPKs are mixed in sorted order (order-insensitive).
Result<Bytes> mek_secret_sorted(const Profile& p, ByteView h, ByteView s, ByteView d, const std::vector<Bytes>& mpks) {
  auto sorted = mpks;
  // An explicit byte comparison: std::vector's operator<=> made GCC 12 at -O3 report a
  // false -Wstringop-overread on __builtin_memcmp (a "bound" in the range GCC cannot rule
  // out for the size difference; no bug in the code).
  std::sort(sorted.begin(), sorted.end(), [](const Bytes& a, const Bytes& b) {
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
      if (a[i] != b[i]) return a[i] < b[i];
    return a.size() < b.size();
  });
  return mek_secret(p, h, s, d, sorted);
}
/// Mutant: the DPK enters only through the first 16 bytes (a truncated salt).
Result<Bytes> mek_secret_half_dpk(const Profile& p, ByteView h, ByteView s, ByteView d, const std::vector<Bytes>& mpks) {
  Bytes dd(d.begin(), d.end());
  std::fill(dd.begin() + 16, dd.end(), 0);
  return mek_secret(p, h, s, dd, mpks);
}
}  // namespace

TEST_CASE("lock properties: the MEK secret changes when any of HEK, SEK, DPK or any MPK changes") {
  lockref::prop::holds("every input matters", mek_secret_sensitive(mek_secret), 100);
  lockref::prop::fails("only the first MPK mixed", mek_secret_sensitive(mek_secret_first_mpk_only), 300);
  lockref::prop::fails("half the DPK ignored", mek_secret_sensitive(mek_secret_half_dpk), 300);
}

TEST_CASE("lock properties: the MEK secret depends on MPK order") {
  lockref::prop::holds("order matters", mek_secret_ordered(mek_secret), 60);
  lockref::prop::fails("MPKs sorted before mixing", mek_secret_ordered(mek_secret_sorted), 200);
}

// ---- derived MEK checksum (Figure 25) ----------------------------------------------------
namespace {
using DeriveFn = Result<DerivedMek> (*)(const Profile&, ByteView, ByteView);

auto checksum_gate(DeriveFn f) {
  return [=] {
    const Profile p = profile();
    const auto secret = *bytes_of(64);
    auto good = f(p, secret, {});
    RC_ASSERT(good.ok());
    RC_ASSERT(f(p, secret, good->checksum).ok());    // matching: released
    RC_ASSERT(f(p, secret, Bytes(16, 0)).ok());      // all-zero: check skipped
    Bytes wrong = *bytes_of(16);
    RC_PRE(wrong != good->checksum && wrong != Bytes(16, 0));
    RC_ASSERT(!f(p, secret, wrong).ok());            // non-zero mismatch: no MEK
  };
}
/// Mutant: the checksum is computed and returned but never compared.
Result<DerivedMek> derive_unchecked(const Profile& p, ByteView secret, ByteView) {
  return derive_mek_from_secret(p, secret, {});
}
/// Mutant: only the first 8 bytes of the checksum are compared.
Result<DerivedMek> derive_prefix_check(const Profile& p, ByteView secret, ByteView want) {
  auto d = derive_mek_from_secret(p, secret, {});
  if (!d || want.size() != 16 || crypto::ct_is_zero(want)) return d;
  if (!crypto::ct_equal(want.first(1), ByteView(d->checksum).first(1))) return make_error("mismatch");
  return d;
}
}  // namespace

TEST_CASE("lock properties: a non-zero checksum that does not match means no MEK") {
  lockref::prop::holds("Figure 25 checksum gate", checksum_gate(derive_mek_from_secret), 100);
  lockref::prop::fails("checksum never compared", checksum_gate(derive_unchecked), 100);
  lockref::prop::fails("checksum compared on its first byte only", checksum_gate(derive_prefix_check), 2000);
}

// ---- WrappedKey codec (Table 55) ------------------------------------------------------------
namespace {
using DecodeFn = Result<WrappedKey> (*)(ByteView, std::size_t);

auto wrapped_key_codec(DecodeFn dec) {
  return [=] {
    WrappedKey w;
    w.key_type = *rc::gen::element(WrappedKeyType::locked_mpk, WrappedKeyType::enabled_mpk, WrappedKeyType::wrapped_mek);
    w.reserved = *rc::gen::arbitrary<std::uint16_t>();
    const auto salt = *bytes_of(12), iv = *bytes_of(12), tag = *bytes_of(16);
    std::copy(salt.begin(), salt.end(), w.salt.begin());
    std::copy(iv.begin(), iv.end(), w.iv.begin());
    std::copy(tag.begin(), tag.end(), w.tag.begin());
    w.metadata = *bytes_upto(48);
    w.ciphertext = *bytes_of(variant_key_len(w.key_type));
    const Bytes enc = encode(w);
    auto back = dec(enc, 1024);
    RC_ASSERT(back.ok());
    RC_ASSERT(*back == w);
    // any strict prefix or any extension is rejected
    const auto cut = *rc::gen::inRange<std::size_t>(0, enc.size());
    RC_ASSERT(!dec(ByteView(enc).first(cut), 1024).ok());
    Bytes longer = enc;
    longer.push_back(*rc::gen::arbitrary<std::uint8_t>());
    RC_ASSERT(!dec(longer, 1024).ok());
    // arbitrary bytes never crash the decoder
    (void)dec(*bytes_upto(120), 1024);
  };
}
/// Mutant: trailing bytes are ignored.
Result<WrappedKey> decode_lenient(ByteView b, std::size_t max) {
  for (std::size_t n = 0; n <= b.size(); ++n) {
    auto w = decode_wrapped_key(b.first(n), max);
    if (w) return w;
  }
  return make_error("no prefix decodes");
}
}  // namespace

TEST_CASE("lock properties: WrappedKey encode/decode round-trips and the decoder rejects truncation and trailing bytes") {
  lockref::prop::holds("Table 55 codec", wrapped_key_codec(decode_wrapped_key), 150);
  lockref::prop::fails("decoder ignores trailing bytes", wrapped_key_codec(decode_lenient), 100);
}

}  // namespace LOCKREF_UNITY_ID
