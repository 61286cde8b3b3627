// lockref crypto: RSASSA-PSS signature verification (PKCS #1 v2.1/v2.2, RFC 8017 §8.1.2)
// with MGF1 and a salt as long as the digest. Used for the Seagate firmware-image check
// (seed 000 "Firmware Access Control and Firmware Trusted Update": "The signature is verified
// using PKCS #PSS, v2.1 RSA signature algorithm and public key in ROM ... 4096 bits").
// Thin value-based wrapper over Crypto++; Crypto++ headers stay in this folder.
#pragma once
#include <cryptopp/pssr.h>
#include <cryptopp/queue.h>
#include <cryptopp/rsa.h>
#include <cryptopp/sha.h>

#include <cstdint>
#include <string>

#include "lockref/core/bytes.hpp"
#include "lockref/core/result.hpp"
#include "lockref/crypto/detail.hpp"

namespace lockref::crypto {

enum class PssHash : std::uint8_t { sha256, sha384, sha512 };

struct RsaPublicKeyInfo {
  unsigned modulus_bits = 0;
};

namespace detail {
inline Result<CryptoPP::RSA::PublicKey> rsa_public_key(ByteView spki_der) {
  CryptoPP::RSA::PublicKey key;
  try {
    CryptoPP::ByteQueue q;
    q.Put(ptr(spki_der), spki_der.size());
    q.MessageEnd();
    key.BERDecode(q);  // X.509 SubjectPublicKeyInfo
    if (!q.IsEmpty()) return make_error("public key: " + std::to_string(q.MaxRetrievable()) + " trailing bytes");
  } catch (const CryptoPP::Exception& e) {
    return make_error(std::string("public key: not a DER SubjectPublicKeyInfo for RSA (") + e.what() + ")");
  }
  return key;
}
template <class H>
bool pss_verify(const CryptoPP::RSA::PublicKey& key, ByteView msg, ByteView sig) {
  try {
    typename CryptoPP::RSASS<CryptoPP::PSS, H>::Verifier v(key);
    if (sig.size() != v.SignatureLength()) return false;
    return v.VerifyMessage(ptr(msg), msg.size(), ptr(sig), sig.size());
  } catch (const CryptoPP::Exception&) {
    return false;
  }
}
}  // namespace detail

/// Modulus size of an RSA SubjectPublicKeyInfo.
inline Result<RsaPublicKeyInfo> rsa_public_key_info(ByteView spki_der) {
  auto k = detail::rsa_public_key(spki_der);
  if (!k) return k.error();
  return RsaPublicKeyInfo{static_cast<unsigned>(k->GetModulus().BitCount())};
}

/// true iff `sig` is a valid RSASSA-PSS signature of `msg` (MGF1 with the same hash, salt
/// length = digest length). An Error only for an unusable public key.
inline Result<bool> rsa_pss_verify(PssHash h, ByteView spki_der, ByteView msg, ByteView sig) {
  auto k = detail::rsa_public_key(spki_der);
  if (!k) return k.error();
  switch (h) {
    case PssHash::sha256: return detail::pss_verify<CryptoPP::SHA256>(*k, msg, sig);
    case PssHash::sha384: return detail::pss_verify<CryptoPP::SHA384>(*k, msg, sig);
    case PssHash::sha512: return detail::pss_verify<CryptoPP::SHA512>(*k, msg, sig);
  }
  return false;
}

}  // namespace lockref::crypto
