// lockref crypto: NIST SP 800-108r1 §4.1 KDF in counter mode, a single PRF block
// (L.O.C.K. 0.9 §4.6.1.2 with HMAC512; the 0.8 draft's "HMAC-384 KDF").
#pragma once
#include <optional>

#include "lockref/core/bytes.hpp"
#include "lockref/crypto/hash.hpp"

namespace lockref::crypto {

/// PRF(key, [1]_counter_bytes || label [|| 0x00 || context]), counter big-endian.
/// Without a context there is no 0x00 separator. One block: the output is the PRF's
/// full output (48 or 64 bytes); callers truncate.
inline Bytes sp800_108_counter(Hash prf, ByteView key, ByteView label, std::optional<ByteView> context,
                               std::size_t counter_bytes = 4) {
  Bytes msg;
  put_be(msg, 1, counter_bytes);
  msg.insert(msg.end(), label.begin(), label.end());
  if (context) {
    msg.push_back(0x00);
    msg.insert(msg.end(), context->begin(), context->end());
  }
  return hmac(prf, key, msg);
}

}  // namespace lockref::crypto
