// TCG Key Per I/O key transport (seed 002_663e49dcce633651.txt, the KPIO application note):
//   §3.4.3, §3.4.4, §3.4.6 (Table 62): KEKs and MEKs wrapped with RFC 3394 AES key wrap
//     (KMIP BlockCipherMode NISTKeyWrap) under an injected KEK;
//   §3.4.7: replay-protected injection: AES-GCM under the wrapping KEK, plaintext =
//     new key || TPer Nonce (§3.4.7.6, Table 66), IV = KMIP IVCounterNonce, no AAD,
//     16-byte AuthenticatedEncryptionTag (TagLength 16).
#pragma once
#include <string>

#include "lockref/core/bytes.hpp"
#include "lockref/core/result.hpp"
#include "lockref/crypto/aes.hpp"
#include "lockref/crypto/ct.hpp"
#include "lockref/crypto/keywrap.hpp"

namespace lockref::kpio {

/// §3.4.3/§3.4.4/§3.4.6: KeyValue = AES-KW(wrapping KEK, key).
inline Result<Bytes> wrap_key(ByteView kek, ByteView key) { return crypto::aes_kw_wrap(kek, key); }
inline Result<Bytes> unwrap_key(ByteView kek, ByteView wrapped) { return crypto::aes_kw_unwrap(kek, wrapped); }

/// §3.4.7.7: KeyValue || AuthenticatedEncryptionTag = AES-GCM(KEK, IVCounterNonce, "",
/// key || nonce).
inline Result<crypto::GcmSealed> wrap_key_with_nonce(ByteView kek, ByteView iv, ByteView key, ByteView nonce) {
  if (nonce.empty()) return make_error("nonce: must not be empty (§3.4.7.6)");
  return crypto::aes_gcm_encrypt(kek, iv, {}, concat({key, nonce}));
}

/// The TPer side: authenticate, then require the plaintext to end with the nonce it
/// issued (constant-time); returns the key without the nonce.
inline Result<Bytes> unwrap_key_with_nonce(ByteView kek, ByteView iv, ByteView key_value, ByteView tag,
                                           ByteView nonce) {
  if (nonce.empty()) return make_error("nonce: must not be empty (§3.4.7.6)");
  auto pt = crypto::aes_gcm_decrypt(kek, iv, {}, key_value, tag);
  if (!pt) return pt.error();
  if (pt->size() <= nonce.size())
    return make_error("wrapped key with nonce: plaintext of " + std::to_string(pt->size()) +
                      " bytes is not longer than the nonce");
  const std::size_t klen = pt->size() - nonce.size();
  if (!crypto::ct_equal(ByteView(*pt).subspan(klen), nonce))
    return make_error("wrapped key with nonce: nonce does not match the TPer's (replay protection, §3.4.7)");
  Bytes key(pt->begin(), pt->begin() + static_cast<std::ptrdiff_t>(klen));
  return key;
}

}  // namespace lockref::kpio
