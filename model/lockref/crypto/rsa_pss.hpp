// lockref crypto: RSASSA-PSS signature verification (PKCS #1 v2.1/v2.2, RFC 8017 §8.1.2)
// with MGF1 and a salt as long as the digest. Used for the Seagate firmware-image check
// (seed 000 "Firmware Access Control and Firmware Trusted Update": "The signature is verified
// using PKCS #PSS, v2.1 RSA signature algorithm and public key in ROM ... 4096 bits").
// The verifier itself is crypto/signature.hpp's (shared with RFC 4108 firmware packages).
#pragma once
#include "lockref/crypto/signature.hpp"

namespace lockref::crypto {

using PssHash = SigHash;

struct RsaPublicKeyInfo {
  unsigned modulus_bits = 0;
};

/// Modulus size of an RSA SubjectPublicKeyInfo.
inline Result<RsaPublicKeyInfo> rsa_public_key_info(ByteView spki_der) {
  auto bits = rsa_modulus_bits(spki_der);
  if (!bits) return bits.error();
  return RsaPublicKeyInfo{*bits};
}

}  // namespace lockref::crypto
