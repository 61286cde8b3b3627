// lockref crypto: shared helpers for the Crypto++ wrappers (internal).
// Crypto++ headers stay inside model/lockref/crypto/; callers see Bytes/ByteView only.
#pragma once
#include <cryptopp/config_int.h>

#include <cstdint>

#include "lockref/core/bytes.hpp"

namespace lockref::crypto::detail {

/// Crypto++ wants a non-null pointer even for empty inputs (and memcpy(nullptr, 0) is UB).
inline const CryptoPP::byte* ptr(ByteView v) {
  static const CryptoPP::byte dummy = 0;
  return v.empty() ? &dummy : v.data();
}
inline CryptoPP::byte* ptr(Bytes& v) {
  static CryptoPP::byte sink = 0;
  return v.empty() ? &sink : v.data();
}

}  // namespace lockref::crypto::detail
