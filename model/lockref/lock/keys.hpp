// OCP L.O.C.K. 0.9 key hierarchy (§4.6.1–§4.6.5) as pure functions over byte arrays.
//
// Sources (seed 001_30ed4cd62c635f55.txt and ../shared/seeds/ocp-lock-0.9-figures/):
//   §4.6.1.2  SP 800-108 KDF              K_OUT = HMAC512(K_IN, [i] || Label [|| 0x00 || Context])
//   §4.6.1.3  Preconditioned Key Extract  Figure 3
//   §4.6.1.4  Preconditioned AES          Figures 4, 5
//   §4.6.1.5  VEK                          Figure 6
//   §4.6.2.2  MPK generation / enabling / access-key testing   Figures 12, 13, 15
//   §4.6.4.1  HEK derivation              Figure 18
//   §4.6.5    MEK secret                   Figures 20, 21; random MEK Figures 22, 23;
//             MDK Figure 24; derived MEK and checksum Figure 25
//   §4.7.2.16 TEST_ACCESS_KEY digest; §4.7.2.22.2 WrappedKey (Tables 55, 56)
// Every label and open construction choice is a field of rev09::Profile.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "lockref/core/bytes.hpp"
#include "lockref/core/result.hpp"
#include "lockref/crypto/aes.hpp"
#include "lockref/crypto/ct.hpp"
#include "lockref/crypto/hash.hpp"
#include "lockref/crypto/kdf.hpp"
#include "lockref/lock/profile_rev09.hpp"
#include "lockref/lock/wrapped_key.hpp"

namespace lockref::lock::rev09 {

/// Sizes fixed by the mailbox tables: SEK/DPK u8[32] (Tables 40, 42, 44), MPK and access
/// key 32 bytes (Table 56 key_len 32; Table 40), MEK 64 bytes (Table 56), salt/IV u8[12]
/// (Table 55), nonce u8[32] (Table 40). HMAC512 outputs (HEK, EPK, MDK, ...) are 64 bytes.
inline constexpr std::size_t sek_bytes = 32, dpk_bytes = 32, mpk_bytes = 32, access_key_bytes = 32,
                             mek_bytes = 64, hmac512_bytes = 64, salt_bytes = 12, iv_bytes = 12;

inline Status check_len(ByteView v, std::size_t n, const char* what) {
  if (v.size() != n)
    return make_error(std::string(what) + ": expected " + std::to_string(n) + " bytes, got " + std::to_string(v.size()));
  return ok_status();
}

// ---- §4.6.1.2 SP 800-108 KDF, one HMAC512 block ------------------------------------

/// HMAC512(K_IN, [1] || Label [|| 0x00 || Context]); [1] is profile.kdf_counter_bytes
/// wide, big-endian. No context: no 0x00 separator (the bracket in §4.6.1.2).
inline Bytes sp800_108(const Profile& p, ByteView key, ByteView label, std::optional<ByteView> context = std::nullopt) {
  return crypto::sp800_108_counter(crypto::Hash::sha512, key, label, context, p.kdf_counter_bytes);
}

// ---- §4.6.1.3 Preconditioned Key Extract (Figure 3) ---------------------------------

/// "Truncate or pad to 256 bits" (profile.salt_checksum_key_bytes): first bytes of a
/// longer salt, zero bytes appended to a shorter one.
inline Bytes salt_checksum_key(const Profile& p, ByteView salt) {
  Bytes k(salt.begin(), salt.begin() + static_cast<std::ptrdiff_t>(std::min(salt.size(), p.salt_checksum_key_bytes)));
  k.resize(p.salt_checksum_key_bytes, 0x00);
  return k;
}

/// Figure 3: 128-bit checksum = AES-ECB-Encrypt(salt checksum key, 0x00^16).
inline Result<Bytes> salt_checksum(const Profile& p, ByteView salt) {
  return crypto::aes_ecb_encrypt(salt_checksum_key(p, salt), Bytes(16, 0x00));
}

struct KeyExtract {
  Bytes checksum;          // KDF context (Figure 3 "128-bit checksum")
  Bytes preconditioned;    // SP 800-108 KDF(input key, label, checksum)
  Bytes output;            // HMAC512(salt, preconditioned key)
};

/// Figure 3 with intermediates (for vectors and diagnosis).
inline Result<KeyExtract> preconditioned_key_extract_steps(const Profile& p, ByteView salt, ByteView key,
                                                           ByteView label) {
  auto c = salt_checksum(p, salt);
  if (!c) return c.error();
  KeyExtract x;
  x.checksum = std::move(*c);
  x.preconditioned = sp800_108(p, key, label, ByteView(x.checksum));
  // SP 800-133 §6.3 Key Extract: T(HMAC512(salt, K1), 512) with n = 1, m = 0.
  x.output = crypto::hmac_sha512(salt, x.preconditioned);
  return x;
}

inline Result<Bytes> preconditioned_key_extract(const Profile& p, ByteView salt, ByteView key, ByteView label) {
  auto x = preconditioned_key_extract_steps(p, salt, key, label);
  if (!x) return x.error();
  return std::move(x.value().output);
}

// ---- §4.6.1.4 Preconditioned AES-Encrypt / -Decrypt (Figures 4, 5) --------------------

/// 256-bit AES subkey = first 32 bytes of SP 800-108 KDF(key, label, context = 96-bit salt).
inline Result<Bytes> preconditioned_aes_subkey(const Profile& p, ByteView key, ByteView label, ByteView salt) {
  if (auto s = check_len(salt, salt_bytes, "salt (§4.6.1.4: 96-bit salt)"); !s) return s.error();
  Bytes k = sp800_108(p, key, label, salt);
  k.resize(32);
  return k;
}

inline Result<crypto::GcmSealed> preconditioned_aes_encrypt(const Profile& p, ByteView key, ByteView label,
                                                            ByteView salt, ByteView iv, ByteView aad,
                                                            ByteView plaintext) {
  auto sk = preconditioned_aes_subkey(p, key, label, salt);
  if (!sk) return sk.error();
  if (auto s = check_len(iv, iv_bytes, "iv (Figure 4: 96-bit IV)"); !s) return s.error();
  return crypto::aes_gcm_encrypt(*sk, iv, aad, plaintext);
}

inline Result<Bytes> preconditioned_aes_decrypt(const Profile& p, ByteView key, ByteView label, ByteView salt,
                                                ByteView iv, ByteView aad, ByteView ciphertext, ByteView tag) {
  auto sk = preconditioned_aes_subkey(p, key, label, salt);
  if (!sk) return sk.error();
  if (auto s = check_len(iv, iv_bytes, "iv (Figure 5: 96-bit IV)"); !s) return s.error();
  if (auto s = check_len(tag, 16, "tag (Figure 5: 128-bit tag)"); !s) return s.error();
  return crypto::aes_gcm_decrypt(*sk, iv, aad, ciphertext, tag);
}

// ---- root keys: HEK (Figure 18), MDK (Figure 24), VEK (Figure 6), EPK -----------------

/// Figure 18: HEK = SP 800-108 KDF(IDevID CDI, hek_label, context = HEK seed fuse register;
/// all zeroes when the seed is not randomized).
inline Bytes hek(const Profile& p, ByteView idevid_cdi, ByteView hek_seed) {
  return sp800_108(p, idevid_cdi, to_bytes(p.hek_label), hek_seed);
}
/// Figure 24: MDK = SP 800-108 KDF(IDevID CDI, mdk_label).
inline Bytes mdk(const Profile& p, ByteView idevid_cdi) { return sp800_108(p, idevid_cdi, to_bytes(p.mdk_label)); }
/// Figure 6: VEK = Preconditioned Key Extract(salt = DRBG random seed, key = HEK).
inline Result<Bytes> vek(const Profile& p, ByteView hek_key, ByteView random_seed) {
  return preconditioned_key_extract(p, random_seed, hek_key, to_bytes(p.vek_label));
}
/// Figures 12-15, 20, 21: EPK = Preconditioned Key Extract(salt = SEK, key = HEK).
inline Result<Bytes> epk(const Profile& p, ByteView hek_key, ByteView sek) {
  if (auto s = check_len(sek, sek_bytes, "sek"); !s) return s.error();
  return preconditioned_key_extract(p, sek, hek_key, to_bytes(p.epk_label));
}

// ---- MPKs (§4.6.2.2, Figures 12, 13, 15) ---------------------------------------------

/// Figure 12: Locked MPK encryption key = Preconditioned Key Extract(salt = access key, key = EPK).
inline Result<Bytes> locked_mpk_key(const Profile& p, ByteView epk_key, ByteView access_key) {
  if (auto s = check_len(access_key, access_key_bytes, "access_key"); !s) return s.error();
  return preconditioned_key_extract(p, access_key, epk_key, to_bytes(p.locked_mpk_key_label));
}

/// Preconditioned AES-Encrypt of a key into a WrappedKey whose AAD is the Table 55 AAD.
inline Result<WrappedKey> wrap_key(const Profile& p, WrappedKeyType type, ByteView key, ByteView label, ByteView salt,
                                   ByteView iv, ByteView metadata, ByteView plaintext_key) {
  if (auto s = check_len(plaintext_key, variant_key_len(type), "key (Table 56 key_len)"); !s) return s.error();
  if (auto s = check_len(salt, salt_bytes, "salt"); !s) return s.error();
  if (auto s = check_len(iv, iv_bytes, "iv"); !s) return s.error();
  auto sealed = preconditioned_aes_encrypt(p, key, label, salt, iv, wrapped_key_aad(type, salt, metadata), plaintext_key);
  if (!sealed) return sealed.error();
  WrappedKey w;
  w.key_type = type;
  std::copy(salt.begin(), salt.end(), w.salt.begin());
  std::copy(iv.begin(), iv.end(), w.iv.begin());
  w.metadata.assign(metadata.begin(), metadata.end());
  w.ciphertext = std::move(sealed->ciphertext);
  std::copy(sealed->tag.begin(), sealed->tag.end(), w.tag.begin());
  return w;
}

/// Preconditioned AES-Decrypt of a WrappedKey (AAD rebuilt from its fields).
inline Result<Bytes> unwrap_key(const Profile& p, const WrappedKey& w, WrappedKeyType expected, ByteView key,
                                ByteView label) {
  if (w.key_type != expected) return make_error("WrappedKey: unexpected key_type");
  return preconditioned_aes_decrypt(p, key, label, w.salt, w.iv, wrapped_key_aad(w.key_type, w.salt, w.metadata),
                                    w.ciphertext, w.tag);
}

/// Figure 12: Locked MPK = Preconditioned AES-Encrypt(Locked MPK encryption key, MPK, AAD).
inline Result<WrappedKey> lock_mpk(const Profile& p, ByteView hek_key, ByteView sek, ByteView access_key, ByteView mpk,
                                   ByteView salt, ByteView iv, ByteView metadata) {
  auto e = epk(p, hek_key, sek);
  if (!e) return e.error();
  auto k = locked_mpk_key(p, *e, access_key);
  if (!k) return k.error();
  return wrap_key(p, WrappedKeyType::locked_mpk, *k, to_bytes(p.locked_mpk_aes_label), salt, iv, metadata, mpk);
}

inline Result<Bytes> unlock_mpk(const Profile& p, ByteView hek_key, ByteView sek, ByteView access_key,
                                const WrappedKey& locked) {
  auto e = epk(p, hek_key, sek);
  if (!e) return e.error();
  auto k = locked_mpk_key(p, *e, access_key);
  if (!k) return k.error();
  return unwrap_key(p, locked, WrappedKeyType::locked_mpk, *k, to_bytes(p.locked_mpk_aes_label));
}

/// Figure 13: Enabled MPK = Preconditioned AES-Encrypt(VEK, MPK), metadata preserved.
inline Result<WrappedKey> enable_mpk(const Profile& p, ByteView hek_key, ByteView sek, ByteView access_key,
                                     const WrappedKey& locked, ByteView vek_key, ByteView salt, ByteView iv) {
  auto mpk = unlock_mpk(p, hek_key, sek, access_key, locked);
  if (!mpk) return mpk.error();
  return wrap_key(p, WrappedKeyType::enabled_mpk, vek_key, to_bytes(p.enabled_mpk_aes_label), salt, iv, locked.metadata,
                  *mpk);
}

/// §4.7.2.16 / Figure 15: digest = SHA2-384(metadata || access key || nonce).
inline Bytes test_access_key_digest(ByteView metadata, ByteView access_key, ByteView nonce) {
  return crypto::sha384(concat({metadata, access_key, nonce}));
}

/// Figure 14 / §4.6.2.2.3: decrypt with the current access key, re-encrypt with the new
/// one under a fresh salt and IV, preserving the metadata.
inline Result<WrappedKey> rotate_mpk_access_key(const Profile& p, ByteView hek_key, ByteView sek, ByteView current_ak,
                                                ByteView new_ak, const WrappedKey& locked, ByteView salt, ByteView iv) {
  auto mpk = unlock_mpk(p, hek_key, sek, current_ak, locked);
  if (!mpk) return mpk.error();
  return lock_mpk(p, hek_key, sek, new_ak, *mpk, salt, iv, locked.metadata);
}

/// Figure 20 left column: each Enabled MPK is Preconditioned AES-Decrypted with the VEK.
inline Result<std::vector<Bytes>> decrypt_enabled_mpks(const Profile& p, ByteView vek_key,
                                                       const std::vector<WrappedKey>& enabled) {
  std::vector<Bytes> out;
  for (std::size_t i = 0; i < enabled.size(); ++i) {
    auto m = unwrap_key(p, enabled[i], WrappedKeyType::enabled_mpk, vek_key, to_bytes(p.enabled_mpk_aes_label));
    if (!m) return make_error("enabled_mpks[" + std::to_string(i) + "]: " + m.error().message);
    out.push_back(std::move(*m));
  }
  return out;
}

// ---- MEK secret (Figures 20, 21) ----------------------------------------------------

/// Figure 20: MPK secret_{0..i} = PKE(salt = MPK secret_{0..i-1}, key = MPK_i), starting from
/// the initial MPK secret 0x0000... (Figure 21: zero MPKs leave it unchanged). Order matters.
inline Result<Bytes> mpk_secret(const Profile& p, const std::vector<Bytes>& mpks) {
  Bytes s(p.initial_mpk_secret_bytes, 0x00);
  for (std::size_t i = 0; i < mpks.size(); ++i) {
    if (auto c = check_len(mpks[i], mpk_bytes, "mpk"); !c) return make_error("mpks[" + std::to_string(i) + "]: " + c.error().message);
    auto n = preconditioned_key_extract(p, s, mpks[i], to_bytes(p.mpk_secret_label));
    if (!n) return n.error();
    s = std::move(*n);
  }
  return s;
}

/// Figure 20: MEK secret seed = PKE(salt = DPK, key = EPK).
inline Result<Bytes> mek_secret_seed(const Profile& p, ByteView epk_key, ByteView dpk) {
  if (auto s = check_len(dpk, dpk_bytes, "dpk"); !s) return s.error();
  return preconditioned_key_extract(p, dpk, epk_key, to_bytes(p.mek_secret_seed_label));
}

struct MekSecret {
  Bytes epk, mek_secret_seed, mpk_secret, mek_secret;
};

/// Figures 20/21 end to end from HEK, SEK, DPK and the decrypted MPKs (in mixing order).
inline Result<MekSecret> mek_secret_steps(const Profile& p, ByteView hek_key, ByteView sek, ByteView dpk,
                                          const std::vector<Bytes>& mpks) {
  MekSecret m;
  auto e = epk(p, hek_key, sek);
  if (!e) return e.error();
  m.epk = std::move(*e);
  auto seed = mek_secret_seed(p, m.epk, dpk);
  if (!seed) return seed.error();
  m.mek_secret_seed = std::move(*seed);
  auto ms = mpk_secret(p, mpks);
  if (!ms) return ms.error();
  m.mpk_secret = std::move(*ms);
  // MEK secret = PKE(salt = MPK secret, key = MEK secret seed).
  auto s = preconditioned_key_extract(p, m.mpk_secret, m.mek_secret_seed, to_bytes(p.mek_secret_label));
  if (!s) return s.error();
  m.mek_secret = std::move(*s);
  return m;
}

inline Result<Bytes> mek_secret(const Profile& p, ByteView hek_key, ByteView sek, ByteView dpk,
                                const std::vector<Bytes>& mpks) {
  auto m = mek_secret_steps(p, hek_key, sek, dpk, mpks);
  if (!m) return m.error();
  return std::move(m.value().mek_secret);
}

// ---- random MEK (Figures 22, 23) ---------------------------------------------------

/// A 512-bit key used as an AES-256 key: its first profile.aes_key_bytes bytes.
inline ByteView aes_key_of(const Profile& p, ByteView k) { return k.first(std::min(k.size(), p.aes_key_bytes)); }

/// Figure 22: inner = AES-ECB-Encrypt(MDK, MEK); outer = Preconditioned AES-Encrypt(MEK
/// secret, "wrapped_mek", inner) with the WRAPPED_MEK AAD.
inline Result<WrappedKey> wrap_mek(const Profile& p, ByteView mdk_key, ByteView mek_secret_key, ByteView mek,
                                   ByteView salt, ByteView iv, ByteView metadata) {
  if (auto s = check_len(mek, mek_bytes, "mek"); !s) return s.error();
  auto inner = crypto::aes256_ecb_encrypt(aes_key_of(p, mdk_key), mek);
  if (!inner) return inner.error();
  return wrap_key(p, WrappedKeyType::wrapped_mek, mek_secret_key, to_bytes(p.wrapped_mek_label), salt, iv, metadata,
                  *inner);
}

/// Figure 23: the reverse; an authentication failure means no MEK.
inline Result<Bytes> unwrap_mek(const Profile& p, ByteView mdk_key, ByteView mek_secret_key, const WrappedKey& w) {
  auto inner = unwrap_key(p, w, WrappedKeyType::wrapped_mek, mek_secret_key, to_bytes(p.wrapped_mek_label));
  if (!inner) return inner.error();
  return crypto::aes256_ecb_decrypt(aes_key_of(p, mdk_key), *inner);
}

// ---- derived MEK (Figure 25) ---------------------------------------------------------

struct DerivedMek {
  Bytes mek;       // SP 800-108 KDF(MEK secret, "derived_mek"), 512 bits
  Bytes checksum;  // AES-ECB-Encrypt(MEK secret, 0x00^16), 128 bits
};

/// Figure 25. A non-zero expected checksum that differs from the calculated one fails
/// (no MEK is released); an all-zero one skips the check.
inline Result<DerivedMek> derive_mek_from_secret(const Profile& p, ByteView mek_secret_key,
                                                 ByteView expected_checksum = {}) {
  auto c = crypto::aes256_ecb_encrypt(aes_key_of(p, mek_secret_key), Bytes(16, 0x00));
  if (!c) return c.error();
  if (!expected_checksum.empty()) {
    if (auto s = check_len(expected_checksum, 16, "checksum"); !s) return s.error();
    if (!crypto::ct_is_zero(expected_checksum) && !crypto::ct_equal(expected_checksum, *c))
      return make_error("MEK checksum mismatch (Figure 25): derived MEK not released");
  }
  return DerivedMek{sp800_108(p, mek_secret_key, to_bytes(p.derived_mek_label)), std::move(*c)};
}

inline Result<DerivedMek> derive_mek(const Profile& p, ByteView hek_key, ByteView sek, ByteView dpk,
                                     const std::vector<Bytes>& mpks, ByteView expected_checksum = {}) {
  auto s = mek_secret(p, hek_key, sek, dpk, mpks);
  if (!s) return s.error();
  return derive_mek_from_secret(p, *s, expected_checksum);
}

}  // namespace lockref::lock::rev09
