// lockref crypto: RFC 3394 AES key wrap (SP 800-38F KW), written on AES-ECB because
// Crypto++ has none. Any AES KEK size; plaintext of n >= 2 64-bit blocks.
#pragma once
#include <array>
#include <cstdint>
#include <string>

#include "lockref/core/bytes.hpp"
#include "lockref/core/result.hpp"
#include <cryptopp/aes.h>

#include "lockref/crypto/aes.hpp"
#include "lockref/crypto/ct.hpp"

namespace lockref::crypto {

/// RFC 3394 §2.2.3.1 default initial value A6A6A6A6A6A6A6A6.
inline constexpr std::array<std::uint8_t, 8> kw_default_iv{0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6};

/// RFC 3394 §2.2.1 (index-based form). Rejects plaintexts that are not a multiple of
/// 8 bytes or shorter than 16 bytes (n >= 2, §2: "n 64-bit blocks ... n >= 2" — an
/// empty or one-block input is an error, not a 8-byte wrap).
inline Result<Bytes> aes_kw_wrap(ByteView kek, ByteView key) {
  if (!aes_key_size_ok(kek.size()))
    return make_error("aes_kw_wrap: KEK must be 16, 24 or 32 bytes, got " + std::to_string(kek.size()));
  if (key.size() % 8 != 0 || key.size() < 16)
    return make_error("aes_kw_wrap: key data must be a multiple of 8 bytes and at least 16 (RFC 3394 §2), got " +
                      std::to_string(key.size()));
  const std::size_t n = key.size() / 8;
  Bytes a(kw_default_iv.begin(), kw_default_iv.end());
  Bytes r(key.begin(), key.end());
  Bytes block(16), b(16);
  CryptoPP::AES::Encryption aes(kek.data(), kek.size());  // one key schedule for all 6n blocks
  for (std::uint64_t j = 0; j <= 5; ++j) {
    for (std::size_t i = 1; i <= n; ++i) {
      std::copy(a.begin(), a.end(), block.begin());
      std::copy(r.begin() + static_cast<std::ptrdiff_t>(8 * (i - 1)), r.begin() + static_cast<std::ptrdiff_t>(8 * i),
                block.begin() + 8);
      aes.ProcessBlock(block.data(), b.data());
      const std::uint64_t t = n * j + i;
      for (std::size_t k = 0; k < 8; ++k) a[k] = static_cast<std::uint8_t>(b[k] ^ (t >> (8 * (7 - k))));
      std::copy(b.begin() + 8, b.end(), r.begin() + static_cast<std::ptrdiff_t>(8 * (i - 1)));
    }
  }
  return concat({a, r});
}

/// RFC 3394 §2.2.2 unwrap + §2.2.3 integrity check (constant-time comparison of A
/// with the IV). Any failure is one error: no partial key material is released.
inline Result<Bytes> aes_kw_unwrap(ByteView kek, ByteView wrapped) {
  if (!aes_key_size_ok(kek.size()))
    return make_error("aes_kw_unwrap: KEK must be 16, 24 or 32 bytes, got " + std::to_string(kek.size()));
  if (wrapped.size() % 8 != 0 || wrapped.size() < 24)
    return make_error("aes_kw_unwrap: wrapped data must be a multiple of 8 bytes and at least 24 (RFC 3394 §2), got " +
                      std::to_string(wrapped.size()));
  const std::size_t n = wrapped.size() / 8 - 1;
  Bytes a(wrapped.begin(), wrapped.begin() + 8);
  Bytes r(wrapped.begin() + 8, wrapped.end());
  Bytes block(16), b(16);
  CryptoPP::AES::Decryption aes(kek.data(), kek.size());
  for (std::uint64_t jj = 6; jj-- > 0;) {
    for (std::size_t i = n; i >= 1; --i) {
      const std::uint64_t t = n * jj + i;
      for (std::size_t k = 0; k < 8; ++k) block[k] = static_cast<std::uint8_t>(a[k] ^ (t >> (8 * (7 - k))));
      std::copy(r.begin() + static_cast<std::ptrdiff_t>(8 * (i - 1)), r.begin() + static_cast<std::ptrdiff_t>(8 * i),
                block.begin() + 8);
      aes.ProcessBlock(block.data(), b.data());
      a.assign(b.begin(), b.begin() + 8);  // A = MSB(64, B): assign, so that a wrong bound shows in A's length
      std::copy(b.begin() + 8, b.end(), r.begin() + static_cast<std::ptrdiff_t>(8 * (i - 1)));
    }
  }
  if (!ct_equal(a, kw_default_iv)) return make_error("aes_kw_unwrap: integrity check failed (RFC 3394 §2.2.3)");
  return r;
}

}  // namespace lockref::crypto
