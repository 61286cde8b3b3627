// lockref crypto: AES block operations (ECB), AES-CBC (CMS content encryption), AES-GCM (SP 800-38D) and AES-CMAC
// (SP 800-38B), value-based wrappers over Crypto++. Keys are caller-owned values.
#pragma once
#include <cryptopp/aes.h>
#include <cryptopp/cmac.h>
#include <cryptopp/gcm.h>

#include <cstdint>
#include <string>

#include "lockref/core/bytes.hpp"
#include "lockref/core/result.hpp"
#include "lockref/crypto/ct.hpp"
#include "lockref/crypto/detail.hpp"

namespace lockref::crypto {

constexpr std::size_t aes_block = 16;

inline bool aes_key_size_ok(std::size_t n) { return n == 16 || n == 24 || n == 32; }

namespace detail {
inline Status check_aes_key(ByteView key, const char* what) {
  if (!aes_key_size_ok(key.size()))
    return make_error(std::string(what) + ": AES key must be 16, 24 or 32 bytes, got " + std::to_string(key.size()));
  return ok_status();
}
template <class Cipher>
Result<Bytes> ecb(ByteView key, ByteView data, const char* what) {
  if (auto s = check_aes_key(key, what); !s) return s.error();
  if (data.size() % aes_block != 0)
    return make_error(std::string(what) + ": input length " + std::to_string(data.size()) +
                      " is not a multiple of 16");
  Cipher c(ptr(key), key.size());
  Bytes out(data.size());
  for (std::size_t i = 0; i < data.size(); i += aes_block) c.ProcessBlock(data.data() + i, out.data() + i);
  return out;
}
}  // namespace detail

/// AES-ECB encryption of whole blocks, any AES key size (AES-256 in L.O.C.K.).
inline Result<Bytes> aes_ecb_encrypt(ByteView key, ByteView blocks) {
  return detail::ecb<CryptoPP::AES::Encryption>(key, blocks, "aes_ecb_encrypt");
}
inline Result<Bytes> aes_ecb_decrypt(ByteView key, ByteView blocks) {
  return detail::ecb<CryptoPP::AES::Decryption>(key, blocks, "aes_ecb_decrypt");
}
/// AES-256-ECB: as above but insists on a 256-bit key (0.9 §4.6.5: "AES-256-ECB").
inline Result<Bytes> aes256_ecb_encrypt(ByteView key, ByteView blocks) {
  if (key.size() != 32) return make_error("aes256_ecb_encrypt: key must be 32 bytes, got " + std::to_string(key.size()));
  return aes_ecb_encrypt(key, blocks);
}
inline Result<Bytes> aes256_ecb_decrypt(ByteView key, ByteView blocks) {
  if (key.size() != 32) return make_error("aes256_ecb_decrypt: key must be 32 bytes, got " + std::to_string(key.size()));
  return aes_ecb_decrypt(key, blocks);
}

// ---- AES-CBC with PKCS #7 padding (CMS content encryption, RFC 3565 / RFC 5652 §6.3) ----

/// AES-CBC encryption, padding to whole blocks as RFC 5652 §6.3 describes.
inline Result<Bytes> aes_cbc_encrypt(ByteView key, ByteView iv, ByteView pt) {
  if (auto s = detail::check_aes_key(key, "aes_cbc_encrypt"); !s) return s.error();
  if (iv.size() != aes_block) return make_error("aes_cbc_encrypt: IV must be 16 bytes");
  Bytes in(pt.begin(), pt.end());
  const std::size_t pad = aes_block - in.size() % aes_block;
  in.insert(in.end(), pad, static_cast<std::uint8_t>(pad));
  CryptoPP::AES::Encryption c(detail::ptr(key), key.size());
  Bytes out(in.size()), chain(iv.begin(), iv.end());
  for (std::size_t i = 0; i < in.size(); i += aes_block) {
    for (std::size_t k = 0; k < aes_block; ++k) chain[k] ^= in[i + k];
    c.ProcessBlock(chain.data(), out.data() + i);
    std::copy(out.begin() + static_cast<std::ptrdiff_t>(i), out.begin() + static_cast<std::ptrdiff_t>(i + aes_block), chain.begin());
  }
  return out;
}
/// AES-CBC decryption and removal of RFC 5652 §6.3 padding; any malformed input (length,
/// padding) is one error.
inline Result<Bytes> aes_cbc_decrypt(ByteView key, ByteView iv, ByteView ct) {
  if (auto s = detail::check_aes_key(key, "aes_cbc_decrypt"); !s) return s.error();
  if (iv.size() != aes_block) return make_error("aes_cbc_decrypt: IV must be 16 bytes");
  if (ct.empty() || ct.size() % aes_block)
    return make_error("aes_cbc_decrypt: ciphertext of " + std::to_string(ct.size()) + " bytes is not whole blocks");
  CryptoPP::AES::Decryption c(detail::ptr(key), key.size());
  Bytes out(ct.size());
  for (std::size_t i = 0; i < ct.size(); i += aes_block) {
    c.ProcessBlock(ct.data() + i, out.data() + i);
    const std::uint8_t* prev = i ? ct.data() + i - aes_block : iv.data();
    for (std::size_t k = 0; k < aes_block; ++k) out[i + k] ^= prev[k];
  }
  const std::uint8_t pad = out.back();
  bool bad = pad == 0 || pad > aes_block;
  for (std::size_t k = 0; !bad && k < pad; ++k) bad = out[out.size() - 1 - k] != pad;
  if (bad) return make_error("aes_cbc_decrypt: bad padding");
  out.resize(out.size() - pad);
  return out;
}

// ---- AES-GCM ---------------------------------------------------------------------

struct GcmSealed {
  Bytes ciphertext;
  Bytes tag;
  friend bool operator==(const GcmSealed&, const GcmSealed&) = default;
};

namespace detail {
// SP 800-38D §6.3 Algorithm 1: X * Y in GF(2^128), bit-reflected convention.
struct Block128 {
  std::uint64_t hi = 0, lo = 0;
};
inline Block128 load128(const std::uint8_t* p) {
  Block128 b;
  for (int i = 0; i < 8; ++i) b.hi = (b.hi << 8) | p[i];
  for (int i = 8; i < 16; ++i) b.lo = (b.lo << 8) | p[i];
  return b;
}
inline void store128(Block128 b, std::uint8_t* p) {
  for (int i = 7; i >= 0; --i, b.hi >>= 8) p[i] = static_cast<std::uint8_t>(b.hi);
  for (int i = 15; i >= 8; --i, b.lo >>= 8) p[i] = static_cast<std::uint8_t>(b.lo);
}
inline Block128 gf_mul(Block128 x, Block128 y) {
  Block128 z, v = y;
  for (int i = 0; i < 128; ++i) {
    const bool bit = i < 64 ? (x.hi >> (63 - i)) & 1 : (x.lo >> (127 - i)) & 1;
    if (bit) {
      z.hi ^= v.hi;
      z.lo ^= v.lo;
    }
    const bool lsb = v.lo & 1;
    v.lo = (v.lo >> 1) | (v.hi << 63);
    v.hi >>= 1;
    if (lsb) v.hi ^= 0xe100000000000000ULL;
  }
  return z;
}
/// GHASH_H over data zero-padded to whole blocks, continuing from y.
inline Block128 ghash_update(Block128 y, Block128 h, ByteView data) {
  for (std::size_t i = 0; i < data.size(); i += 16) {
    std::uint8_t blk[16] = {};
    for (std::size_t k = 0; k < 16 && i + k < data.size(); ++k) blk[k] = data[i + k];
    Block128 x = load128(blk);
    y.hi ^= x.hi;
    y.lo ^= x.lo;
    y = gf_mul(y, h);
  }
  return y;
}
inline Block128 ghash_lengths(Block128 y, Block128 h, std::uint64_t abits, std::uint64_t cbits) {
  y.hi ^= abits;
  y.lo ^= cbits;
  return gf_mul(y, h);
}

/// SP 800-38D §7.1/§7.2 written out on AES-ECB, used for IVs other than 96 bits:
/// Crypto++ 8.7 increments the whole 128-bit counter block instead of inc32 (§6.2),
/// which gives wrong output when the GHASH-derived J0 has its low word near 2^32
/// (Wycheproof aes_gcm "CounterWrap" cases). Returns ciphertext/plaintext and full tag.
inline GcmSealed gcm_generic(ByteView key, ByteView iv, ByteView aad, ByteView in, bool decrypt) {
  CryptoPP::AES::Encryption e(key.data(), key.size());
  std::uint8_t zero[16] = {}, hb[16];
  e.ProcessBlock(zero, hb);
  const Block128 h = load128(hb);
  Block128 j0 = ghash_update(Block128{}, h, iv);
  j0 = ghash_lengths(j0, h, 0, static_cast<std::uint64_t>(iv.size()) * 8);
  GcmSealed out{Bytes(in.size()), Bytes(16)};
  Block128 cb = j0;
  for (std::size_t i = 0; i < in.size(); i += 16) {
    cb.lo = (cb.lo & 0xffffffff00000000ULL) | ((cb.lo + 1) & 0xffffffffULL);  // inc32
    std::uint8_t c[16], ks[16];
    store128(cb, c);
    e.ProcessBlock(c, ks);
    for (std::size_t k = 0; k < 16 && i + k < in.size(); ++k)
      out.ciphertext[i + k] = static_cast<std::uint8_t>(in[i + k] ^ ks[k]);
  }
  const ByteView ct = decrypt ? in : ByteView(out.ciphertext);
  Block128 s = ghash_update(Block128{}, h, aad);
  s = ghash_update(s, h, ct);
  s = ghash_lengths(s, h, static_cast<std::uint64_t>(aad.size()) * 8, static_cast<std::uint64_t>(ct.size()) * 8);
  std::uint8_t j[16], ej[16], sb[16];
  store128(j0, j);
  e.ProcessBlock(j, ej);
  store128(s, sb);
  for (int k = 0; k < 16; ++k) out.tag[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(sb[k] ^ ej[k]);
  return out;
}
}  // namespace detail

/// General AES-GCM (SP 800-38D): any AES key, IV of 1.. bytes, tag of 4..16 bytes
/// (the lengths SP 800-38D §5.2.1.2 allows: 4, 8, 12..16). Used for third-party vectors.
inline Result<GcmSealed> aes_gcm_seal(ByteView key, ByteView iv, ByteView aad, ByteView pt, std::size_t tag_len = 16) {
  if (auto s = detail::check_aes_key(key, "aes_gcm"); !s) return s.error();
  if (iv.empty()) return make_error("aes_gcm: IV must not be empty (SP 800-38D §5.2.1.1)");
  if (!(tag_len == 4 || tag_len == 8 || (tag_len >= 12 && tag_len <= 16)))
    return make_error("aes_gcm: tag length " + std::to_string(tag_len) + " not allowed by SP 800-38D §5.2.1.2");
  if (iv.size() != 12) {
    auto g = detail::gcm_generic(key, iv, aad, pt, false);
    g.tag.resize(tag_len);
    return g;
  }
  try {
    CryptoPP::GCM<CryptoPP::AES>::Encryption e;
    e.SetKeyWithIV(key.data(), key.size(), iv.data(), iv.size());
    GcmSealed out{Bytes(pt.size()), Bytes(tag_len)};
    e.EncryptAndAuthenticate(detail::ptr(out.ciphertext), out.tag.data(), tag_len, iv.data(), static_cast<int>(iv.size()),
                             detail::ptr(aad), aad.size(), detail::ptr(pt), pt.size());
    return out;
  } catch (const CryptoPP::Exception& ex) {
    return make_error(std::string("aes_gcm: ") + ex.what());
  }
}

/// General AES-GCM open: the tag length is the given tag's length. Authentication
/// failure is an Error ("aes_gcm: authentication failed"); no plaintext is released.
inline Result<Bytes> aes_gcm_open(ByteView key, ByteView iv, ByteView aad, ByteView ct, ByteView tag) {
  if (auto s = detail::check_aes_key(key, "aes_gcm"); !s) return s.error();
  if (iv.empty()) return make_error("aes_gcm: IV must not be empty (SP 800-38D §5.2.1.1)");
  const std::size_t tl = tag.size();
  if (!(tl == 4 || tl == 8 || (tl >= 12 && tl <= 16)))
    return make_error("aes_gcm: tag length " + std::to_string(tl) + " not allowed by SP 800-38D §5.2.1.2");
  if (iv.size() != 12) {
    auto g = detail::gcm_generic(key, iv, aad, ct, true);
    if (!ct_equal(ByteView(g.tag).first(tl), tag)) return make_error("aes_gcm: authentication failed");
    return std::move(g.ciphertext);
  }
  try {
    CryptoPP::GCM<CryptoPP::AES>::Decryption d;
    d.SetKeyWithIV(key.data(), key.size(), iv.data(), iv.size());
    Bytes pt(ct.size());
    const bool ok = d.DecryptAndVerify(detail::ptr(pt), tag.data(), tl, iv.data(), static_cast<int>(iv.size()),
                                       detail::ptr(aad), aad.size(), detail::ptr(ct), ct.size());
    if (!ok) return make_error("aes_gcm: authentication failed");
    return pt;
  } catch (const CryptoPP::Exception& ex) {
    return make_error(std::string("aes_gcm: ") + ex.what());
  }
}

/// AES-256-GCM as L.O.C.K. and Key Per I/O use it: 256-bit key, 96-bit IV, 128-bit tag.
inline Result<GcmSealed> aes_gcm_encrypt(ByteView key, ByteView iv, ByteView aad, ByteView pt) {
  if (key.size() != 32) return make_error("aes_gcm_encrypt: key must be 32 bytes, got " + std::to_string(key.size()));
  if (iv.size() != 12) return make_error("aes_gcm_encrypt: IV must be 12 bytes, got " + std::to_string(iv.size()));
  return aes_gcm_seal(key, iv, aad, pt, 16);
}
inline Result<Bytes> aes_gcm_decrypt(ByteView key, ByteView iv, ByteView aad, ByteView ct, ByteView tag) {
  if (key.size() != 32) return make_error("aes_gcm_decrypt: key must be 32 bytes, got " + std::to_string(key.size()));
  if (iv.size() != 12) return make_error("aes_gcm_decrypt: IV must be 12 bytes, got " + std::to_string(iv.size()));
  if (tag.size() != 16) return make_error("aes_gcm_decrypt: tag must be 16 bytes, got " + std::to_string(tag.size()));
  return aes_gcm_open(key, iv, aad, ct, tag);
}

// ---- AES-CMAC --------------------------------------------------------------------

/// AES-CMAC (SP 800-38B, RFC 4493), full 128-bit tag.
inline Result<Bytes> aes_cmac(ByteView key, ByteView msg) {
  if (auto s = detail::check_aes_key(key, "aes_cmac"); !s) return s.error();
  CryptoPP::CMAC<CryptoPP::AES> m(key.data(), key.size());
  Bytes out(aes_block);
  m.CalculateDigest(out.data(), detail::ptr(msg), msg.size());
  return out;
}

}  // namespace lockref::crypto
