// lockref crypto: SHA2-384/512, HMAC-SHA384/512 and HKDF-SHA384/512 (RFC 5869).
// Thin value-based wrappers over Crypto++. Nothing is cached: every call is pure.
#pragma once
#include <cryptopp/hmac.h>
#include <cryptopp/sha.h>

#include <cstdint>

#include "lockref/core/bytes.hpp"
#include "lockref/core/enum.hpp"
#include "lockref/core/result.hpp"
#include "lockref/crypto/detail.hpp"

namespace lockref::crypto {

enum class Hash : std::uint8_t { sha384, sha512 };
constexpr auto enum_names(Hash) {
  return std::array{EnumName{Hash::sha384, "sha384"}, EnumName{Hash::sha512, "sha512"}};
}

constexpr std::size_t digest_size(Hash h) { return h == Hash::sha384 ? 48 : 64; }

namespace detail {
template <class H>
Bytes digest(ByteView msg) {
  H h;
  Bytes out(H::DIGESTSIZE);
  h.CalculateDigest(out.data(), ptr(msg), msg.size());
  return out;
}
template <class H>
Bytes hmac(ByteView key, ByteView msg) {
  CryptoPP::HMAC<H> m(ptr(key), key.size());
  Bytes out(H::DIGESTSIZE);
  m.CalculateDigest(out.data(), ptr(msg), msg.size());
  return out;
}
}  // namespace detail

inline Bytes sha384(ByteView msg) { return detail::digest<CryptoPP::SHA384>(msg); }
inline Bytes sha512(ByteView msg) { return detail::digest<CryptoPP::SHA512>(msg); }
inline Bytes sha(Hash h, ByteView msg) { return h == Hash::sha384 ? sha384(msg) : sha512(msg); }

/// HMAC (FIPS 198-1) with any key length (keys longer than the block are hashed).
inline Bytes hmac_sha384(ByteView key, ByteView msg) { return detail::hmac<CryptoPP::SHA384>(key, msg); }
inline Bytes hmac_sha512(ByteView key, ByteView msg) { return detail::hmac<CryptoPP::SHA512>(key, msg); }
inline Bytes hmac(Hash h, ByteView key, ByteView msg) {
  return h == Hash::sha384 ? hmac_sha384(key, msg) : hmac_sha512(key, msg);
}

/// RFC 5869 §2.2 HKDF-Extract: PRK = HMAC-Hash(salt, IKM); an empty salt means
/// HashLen zero bytes.
inline Bytes hkdf_extract(Hash h, ByteView salt, ByteView ikm) {
  if (salt.empty()) {
    const Bytes zeros(digest_size(h), 0);
    return hmac(h, zeros, ikm);
  }
  return hmac(h, salt, ikm);
}

/// RFC 5869 §2.3 HKDF-Expand: T(i) = HMAC(PRK, T(i-1) || info || i); L <= 255*HashLen.
inline Result<Bytes> hkdf_expand(Hash h, ByteView prk, ByteView info, std::size_t length) {
  const std::size_t hl = digest_size(h);
  if (length > 255 * hl)
    return make_error("hkdf: output length " + std::to_string(length) + " exceeds 255*HashLen = " +
                      std::to_string(255 * hl));
  Bytes out, t;
  for (std::uint8_t i = 1; out.size() < length; ++i) {
    Bytes in = concat({t, info});
    in.push_back(i);
    t = hmac(h, prk, in);
    const std::size_t take = std::min(t.size(), length - out.size());
    out.insert(out.end(), t.begin(), t.begin() + static_cast<std::ptrdiff_t>(take));
  }
  return out;
}

/// HKDF = Expand(Extract(salt, ikm), info, L).
inline Result<Bytes> hkdf(Hash h, ByteView salt, ByteView ikm, ByteView info, std::size_t length) {
  return hkdf_expand(h, hkdf_extract(h, salt, ikm), info, length);
}
inline Bytes hkdf_sha384_extract(ByteView salt, ByteView ikm) { return hkdf_extract(Hash::sha384, salt, ikm); }
inline Result<Bytes> hkdf_sha384_expand(ByteView prk, ByteView info, std::size_t length) {
  return hkdf_expand(Hash::sha384, prk, info, length);
}
inline Result<Bytes> hkdf_sha384(ByteView salt, ByteView ikm, ByteView info, std::size_t length) {
  return hkdf(Hash::sha384, salt, ikm, info, length);
}

}  // namespace lockref::crypto
