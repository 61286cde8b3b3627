// lockref crypto: the signature schemes CMS signers use (RFC 4108 firmware packages and their
// receipts): RSASSA-PKCS1-v1_5 and RSASSA-PSS (RFC 8017 §8.2, §8.1) and ECDSA over P-256 and
// P-384 (FIPS 186-4, RFC 5758), with SHA-256/384/512. Keys are DER: SubjectPublicKeyInfo to
// verify, PKCS #8 PrivateKeyInfo to sign. ECDSA signatures travel as IEEE P1363 r||s here;
// fwpkg/ converts to and from the DER Ecdsa-Sig-Value.
// Signing is deterministic (no hidden randomness): PKCS #1 v1.5 is deterministic, ECDSA
// uses RFC 6979 nonces, and RSA blinding / the PSS salt come from an HMAC_DRBG seeded with
// the key and the message (crypto/drbg.hpp).
// Thin value-based wrapper over Crypto++; Crypto++ headers stay in this folder.
#pragma once
#include <cryptopp/eccrypto.h>
#include <cryptopp/oids.h>
#include <cryptopp/osrng.h>
#include <cryptopp/pssr.h>
#include <cryptopp/queue.h>
#include <cryptopp/rsa.h>
#include <cryptopp/sha.h>

#include <cstdint>
#include <string>

#include "lockref/core/bytes.hpp"
#include "lockref/core/result.hpp"
#include "lockref/crypto/detail.hpp"
#include "lockref/crypto/drbg.hpp"
#include "lockref/crypto/hash.hpp"

namespace lockref::crypto {

enum class SigHash : std::uint8_t { sha256, sha384, sha512 };
constexpr std::size_t sig_hash_size(SigHash h) { return h == SigHash::sha256 ? 32 : h == SigHash::sha384 ? 48 : 64; }

enum class SigScheme : std::uint8_t { rsa_pkcs1v15, rsa_pss, ecdsa };
enum class Curve : std::uint8_t { p256, p384 };
constexpr std::size_t curve_bytes(Curve c) { return c == Curve::p256 ? 32 : 48; }

inline Bytes sha256(ByteView msg) { return detail::digest<CryptoPP::SHA256>(msg); }
inline Bytes digest(SigHash h, ByteView msg) {
  switch (h) {
    case SigHash::sha256: return sha256(msg);
    case SigHash::sha384: return sha384(msg);
    case SigHash::sha512: return sha512(msg);
  }
  return {};
}

namespace detail {
template <class K>
Result<K> load_key(ByteView der, const char* what) {
  K key;
  try {
    CryptoPP::ByteQueue q;
    q.Put(ptr(der), der.size());
    q.MessageEnd();
    key.BERDecode(q);
    if (!q.IsEmpty()) return make_error(std::string(what) + ": trailing bytes");
  } catch (const CryptoPP::Exception& e) {
    return make_error(std::string(what) + ": " + e.what());
  }
  return key;
}

/// An EC key whose curve is named by its OID, not written out: RFC 5480 §2.1.1
/// ("implicitCurve and specifiedCurve MUST NOT be used in PKIX") for a SubjectPublicKeyInfo,
/// RFC 5915 §3 ("only the namedCurve CHOICE is permitted") for a private key. Crypto++ reads
/// either, and writes a key read with explicit parameters back with them.
template <class K>
Result<K> named_curve_only(Result<K> key, const char* what) {
  if (!key) return key;
  CryptoPP::ByteQueue q;
  key->GetGroupParameters().DEREncode(q);  // the curve's OID (tag 06), or a SpecifiedECDomain
  CryptoPP::byte tag = 0;
  if (q.Peek(tag) != 1 || tag != 0x06)
    return make_error(std::string(what) + ": explicit curve parameters; RFC 5480 §2.1.1 and RFC 5915 §3 permit a named curve only");
  return key;
}
template <class K>
Result<K> load_ec_key(ByteView der, const char* what) {
  return named_curve_only(load_key<K>(der, what), what);
}

/// A Crypto++ RandomNumberGenerator drawing from an HMAC_DRBG instantiated with `seed`:
/// signing is a pure function of (key, message).
class DrbgRng : public CryptoPP::RandomNumberGenerator {
 public:
  explicit DrbgRng(ByteView seed) {
    Bytes entropy = sha384(seed);
    st_ = drbg_instantiate(entropy, Bytes(16, 0), to_bytes("lockref signature nonce")).value();
  }
  void GenerateBlock(CryptoPP::byte* out, size_t n) override {
    while (n) {
      const size_t k = std::min<size_t>(n, 4096);
      auto r = drbg_generate(st_, k).value();
      st_ = r.next;
      std::copy(r.bytes.begin(), r.bytes.end(), out);
      out += k;
      n -= k;
    }
  }

 private:
  HmacDrbg st_;
};

template <class Verifier, class Key>
bool verify_with(const Key& key, ByteView msg, ByteView sig) {
  try {
    Verifier v(key);
    if (sig.size() != v.SignatureLength()) return false;
    return v.VerifyMessage(ptr(msg), msg.size(), ptr(sig), sig.size());
  } catch (const CryptoPP::Exception&) {
    return false;
  }
}
template <class Signer, class Key>
Result<Bytes> sign_with(const Key& key, ByteView msg, ByteView seed) {
  try {
    Signer s(key);
    DrbgRng rng(seed);
    Bytes sig(s.MaxSignatureLength());
    sig.resize(s.SignMessage(rng, ptr(msg), msg.size(), sig.data()));
    return sig;
  } catch (const CryptoPP::Exception& e) {
    return make_error(std::string("sign: ") + e.what());
  }
}
}  // namespace detail

/// RSA public key from a SubjectPublicKeyInfo (rsaEncryption): modulus size in bits.
inline Result<unsigned> rsa_modulus_bits(ByteView spki) {
  auto k = detail::load_key<CryptoPP::RSA::PublicKey>(spki, "RSA public key");
  if (!k) return k.error();
  return static_cast<unsigned>(k->GetModulus().BitCount());
}

namespace detail {
/// Calls f with a value of the Crypto++ hash class for h.
template <class F>
auto by_hash(SigHash h, F&& f) {
  switch (h) {
    case SigHash::sha384: return f(CryptoPP::SHA384{});
    case SigHash::sha512: return f(CryptoPP::SHA512{});
    case SigHash::sha256: break;
  }
  return f(CryptoPP::SHA256{});
}
using EcPublic = CryptoPP::ECDSA<CryptoPP::ECP, CryptoPP::SHA256>::PublicKey;
using EcPrivate = CryptoPP::ECDSA<CryptoPP::ECP, CryptoPP::SHA256>::PrivateKey;
}  // namespace detail

/// RSASSA-PKCS1-v1_5 verification (RFC 8017 §8.2.2). Error only for an unusable key.
inline Result<bool> rsa_pkcs1v15_verify(SigHash h, ByteView spki, ByteView msg, ByteView sig) {
  auto k = detail::load_key<CryptoPP::RSA::PublicKey>(spki, "RSA public key");
  if (!k) return k.error();
  return detail::by_hash(h, [&](auto hash) -> Result<bool> {
    using H = decltype(hash);
    return detail::verify_with<typename CryptoPP::RSASS<CryptoPP::PKCS1v15, H>::Verifier>(*k, msg, sig);
  });
}

/// RSASSA-PSS verification with MGF1 over the same hash and a salt as long as the digest
/// (the only PSS parameters supported). Error only for an unusable key.
inline Result<bool> rsa_pss_verify(SigHash h, ByteView spki, ByteView msg, ByteView sig) {
  auto k = detail::load_key<CryptoPP::RSA::PublicKey>(spki, "RSA public key");
  if (!k) return k.error();
  return detail::by_hash(h, [&](auto hash) -> Result<bool> {
    using H = decltype(hash);
    return detail::verify_with<typename CryptoPP::RSASS<CryptoPP::PSS, H>::Verifier>(*k, msg, sig);
  });
}

/// ECDSA verification of an IEEE P1363 signature (r||s, each curve_bytes long).
inline Result<bool> ecdsa_verify(SigHash h, ByteView spki, ByteView msg, ByteView sig_p1363) {
  auto k = detail::load_ec_key<detail::EcPublic>(spki, "EC public key");
  if (!k) return k.error();
  return detail::by_hash(h, [&](auto hash) -> Result<bool> {
    using H = decltype(hash);
    return detail::verify_with<typename CryptoPP::ECDSA<CryptoPP::ECP, H>::Verifier>(*k, msg, sig_p1363);
  });
}

/// RSASSA-PKCS1-v1_5 signature with a PKCS #8 RSA private key.
inline Result<Bytes> rsa_pkcs1v15_sign(SigHash h, ByteView pkcs8, ByteView msg) {
  auto k = detail::load_key<CryptoPP::RSA::PrivateKey>(pkcs8, "RSA private key");
  if (!k) return k.error();
  return detail::by_hash(h, [&](auto hash) {
    using H = decltype(hash);
    return detail::sign_with<typename CryptoPP::RSASS<CryptoPP::PKCS1v15, H>::Signer>(*k, msg, concat({pkcs8, msg}));
  });
}

/// RSASSA-PSS signature (MGF1 same hash, salt = digest length); the salt is derived from
/// the key and message (deterministic).
inline Result<Bytes> rsa_pss_sign(SigHash h, ByteView pkcs8, ByteView msg) {
  auto k = detail::load_key<CryptoPP::RSA::PrivateKey>(pkcs8, "RSA private key");
  if (!k) return k.error();
  return detail::by_hash(h, [&](auto hash) {
    using H = decltype(hash);
    return detail::sign_with<typename CryptoPP::RSASS<CryptoPP::PSS, H>::Signer>(*k, msg, concat({pkcs8, msg}));
  });
}

/// ECDSA signature with RFC 6979 deterministic nonces; IEEE P1363 r||s.
inline Result<Bytes> ecdsa_sign(SigHash h, ByteView pkcs8, ByteView msg) {
  auto k = detail::load_ec_key<detail::EcPrivate>(pkcs8, "EC private key");
  if (!k) return k.error();
  return detail::by_hash(h, [&](auto hash) {
    using H = decltype(hash);
    return detail::sign_with<typename CryptoPP::ECDSA_RFC6979<CryptoPP::ECP, H>::Signer>(*k, msg, pkcs8);
  });
}

/// The DER SubjectPublicKeyInfo of a PKCS #8 private key (RSA or EC).
inline Result<Bytes> public_key_of(ByteView pkcs8) {
  using namespace CryptoPP;
  CryptoPP::ByteQueue q;
  if (auto r = detail::load_key<RSA::PrivateKey>(pkcs8, "RSA private key")) {
    RSA::PublicKey pub(*r);
    pub.DEREncode(q);
  } else if (auto e = detail::load_key<detail::EcPrivate>(pkcs8, "EC private key")) {
    auto named = detail::named_curve_only(std::move(e), "EC private key");
    if (!named) return named.error();
    detail::EcPublic pub;
    named->MakePublicKey(pub);
    pub.DEREncode(q);
  } else {
    return make_error("private key: neither an RSA nor an EC PKCS #8 PrivateKeyInfo");
  }
  Bytes out(static_cast<std::size_t>(q.MaxRetrievable()));
  q.Get(out.data(), out.size());
  return out;
}

}  // namespace lockref::crypto
