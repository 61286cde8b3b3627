// lockref crypto: RSAES-OAEP (PKCS #1 v2.2, RFC 8017 §7.1) with SHA-256 and MGF1-SHA-256 and
// an empty label: the PKI KEK transport of the Key Per I/O note (seed 002 §3.4.5.7 Table 58:
// CryptographicAlgorithm RSA, PaddingMethod OAEP, MaskGeneratorHashingAlgorithm SHA-256;
// "P Source is not specified", i.e. the default empty label).
// Encryption is the host's side; its randomness is an explicit seed (ARCHITECTURE.md: no
// hidden randomness), expanded with SHA-256 in counter mode.
#pragma once
#include <cryptopp/oaep.h>
#include <cryptopp/queue.h>
#include <cryptopp/rsa.h>
#include <cryptopp/sha.h>

#include <string>

#include "lockref/core/bytes.hpp"
#include "lockref/core/result.hpp"
#include "lockref/crypto/detail.hpp"
#include "lockref/crypto/rsa_pss.hpp"
#include "lockref/crypto/signature.hpp"

namespace lockref::crypto {

namespace detail {
/// A deterministic byte source for OAEP's seed: SHA-256(seed || counter) blocks.
class SeededRng : public CryptoPP::RandomNumberGenerator {
 public:
  explicit SeededRng(ByteView seed) : seed_(seed.begin(), seed.end()) {}
  void GenerateBlock(CryptoPP::byte* out, size_t n) override {
    while (n > 0) {
      if (pos_ == buf_.size()) refill();
      const size_t k = std::min(n, buf_.size() - pos_);
      std::copy(buf_.begin() + static_cast<std::ptrdiff_t>(pos_), buf_.begin() + static_cast<std::ptrdiff_t>(pos_ + k), out);
      pos_ += k;
      out += k;
      n -= k;
    }
  }

 private:
  void refill() {
    CryptoPP::SHA256 h;
    h.Update(seed_.data(), seed_.size());
    const CryptoPP::byte c[4] = {static_cast<CryptoPP::byte>(ctr_ >> 24), static_cast<CryptoPP::byte>(ctr_ >> 16),
                                 static_cast<CryptoPP::byte>(ctr_ >> 8), static_cast<CryptoPP::byte>(ctr_)};
    h.Update(c, 4);
    buf_.resize(CryptoPP::SHA256::DIGESTSIZE);
    h.Final(buf_.data());
    pos_ = 0;
    ++ctr_;
  }
  Bytes seed_;
  Bytes buf_;
  size_t pos_ = 0;
  std::uint32_t ctr_ = 0;
};

inline Result<CryptoPP::RSA::PrivateKey> rsa_private_key(ByteView pkcs8_der) {
  return load_key<CryptoPP::RSA::PrivateKey>(pkcs8_der, "private key (PKCS #8 RSA)");
}
using OaepSha256 = CryptoPP::RSAES<CryptoPP::OAEP<CryptoPP::SHA256>>;
}  // namespace detail

/// RSA-OAEP-SHA256 encryption under an X.509 SubjectPublicKeyInfo; `seed` feeds OAEP's random seed.
inline Result<Bytes> rsa_oaep_sha256_encrypt(ByteView spki_der, ByteView msg, ByteView seed) {
  auto k = detail::load_key<CryptoPP::RSA::PublicKey>(spki_der, "public key (SubjectPublicKeyInfo RSA)");
  if (!k) return k.error();
  try {
    detail::OaepSha256::Encryptor e(*k);
    if (msg.size() > e.FixedMaxPlaintextLength()) return make_error("RSA-OAEP: message too long for the key");
    Bytes out(e.CiphertextLength(msg.size()));
    detail::SeededRng rng(seed);
    e.Encrypt(rng, detail::ptr(msg), msg.size(), out.data());
    return out;
  } catch (const CryptoPP::Exception& ex) {
    return make_error(std::string("RSA-OAEP encrypt: ") + ex.what());
  }
}

/// RSA-OAEP-SHA256 decryption with a PKCS #8 private key. An Error for a malformed
/// ciphertext or a padding failure (one message for both).
inline Result<Bytes> rsa_oaep_sha256_decrypt(ByteView pkcs8_der, ByteView ct) {
  auto k = detail::rsa_private_key(pkcs8_der);
  if (!k) return k.error();
  try {
    detail::OaepSha256::Decryptor d(*k);
    if (ct.size() != d.FixedCiphertextLength()) return make_error("RSA-OAEP: ciphertext length differs from the modulus");
    Bytes out(d.MaxPlaintextLength(ct.size()));
    detail::SeededRng rng(ByteView{});  // blinding only
    auto r = d.Decrypt(rng, detail::ptr(ct), ct.size(), out.data());
    if (!r.isValidCoding) return make_error("RSA-OAEP: decryption failed");
    out.resize(r.messageLength);
    return out;
  } catch (const CryptoPP::Exception&) {
    return make_error("RSA-OAEP: decryption failed");
  }
}

}  // namespace lockref::crypto
