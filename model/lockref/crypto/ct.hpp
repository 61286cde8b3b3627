// lockref crypto: constant-time comparison for tags, checksums and integrity values.
#pragma once
#include <cstdint>

#include "lockref/core/bytes.hpp"

namespace lockref::crypto {

/// True iff a == b. The time taken depends only on the lengths (which are public),
/// never on where the first difference is.
inline bool ct_equal(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  std::uint8_t acc = 0;
  for (std::size_t i = 0; i < a.size(); ++i) acc = static_cast<std::uint8_t>(acc | (a[i] ^ b[i]));
  // Fold without a data-dependent branch.
  volatile std::uint8_t sink = acc;
  return sink == 0;
}

/// True iff every byte is zero, in time depending only on the length (0.9 §4.6.5.7:
/// an all-zero checksum means "no checksum").
inline bool ct_is_zero(ByteView a) {
  std::uint8_t acc = 0;
  for (auto x : a) acc = static_cast<std::uint8_t>(acc | x);
  volatile std::uint8_t sink = acc;
  return sink == 0;
}

}  // namespace lockref::crypto
