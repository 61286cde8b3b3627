// lockref crypto: the labeled key-derivation functions of HPKE, shared by the KEMs
// (dhkem_p384.hpp, hybrid_kem.hpp, the ML-KEM adapter) and the key schedule (hpke.hpp).
//
//   RFC 9180 §4      LabeledExtract / LabeledExpand over HKDF-SHA384 (KDF 0x0002, the only
//                    KDF of OCP L.O.C.K. 0.9 Table 3)
//   draft-ietf-hpke-pq-03 (filippo.io/hpke-pq restates it): SHAKE256.LabeledDerive, the
//                    single-stage derivation the PQ and hybrid KEMs use in DeriveKeyPair
#pragma once
#include <cstdint>
#include <string_view>

#include "lockref/core/bytes.hpp"
#include "lockref/core/result.hpp"
#include "lockref/crypto/hash.hpp"
#include "lockref/crypto/keccak.hpp"

namespace lockref::crypto::hpke {

inline constexpr std::string_view version_label = "HPKE-v1";  // RFC 9180 §4

/// A KEM key pair as serialized bytes (RFC 9180 §4: SerializePrivateKey / SerializePublicKey).
struct KeyPair {
  Bytes sk, pk;
  friend bool operator==(const KeyPair&, const KeyPair&) = default;
};
/// Encap's output: the shared secret and the encapsulated key `enc`.
struct Encapsulation {
  Bytes shared_secret, enc;
  friend bool operator==(const Encapsulation&, const Encapsulation&) = default;
};

/// RFC 9180 §4.1: suite_id = "KEM" || I2OSP(kem_id, 2) inside a KEM.
inline Bytes kem_suite_id(std::uint16_t kem_id) {
  Bytes s = to_bytes("KEM");
  put_be(s, kem_id, 2);
  return s;
}
/// RFC 9180 §5.1: suite_id = "HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2).
inline Bytes hpke_suite_id(std::uint16_t kem_id, std::uint16_t kdf_id, std::uint16_t aead_id) {
  Bytes s = to_bytes("HPKE");
  put_be(s, kem_id, 2);
  put_be(s, kdf_id, 2);
  put_be(s, aead_id, 2);
  return s;
}

/// RFC 9180 §4: LabeledExtract(salt, label, ikm) = Extract(salt, "HPKE-v1" || suite_id || label || ikm).
inline Bytes labeled_extract(ByteView suite_id, ByteView salt, std::string_view label, ByteView ikm) {
  const Bytes labeled_ikm = concat({to_bytes(version_label), suite_id, to_bytes(label), ikm});
  return hkdf_sha384_extract(salt, labeled_ikm);
}

/// RFC 9180 §4: LabeledExpand(prk, label, info, L) =
///   Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id || label || info, L).
inline Result<Bytes> labeled_expand(ByteView suite_id, ByteView prk, std::string_view label, ByteView info,
                                    std::size_t length) {
  if (length > 0xFFFF) return make_error("LabeledExpand: L must fit in 2 bytes");
  Bytes labeled_info;
  put_be(labeled_info, length, 2);
  labeled_info = concat({labeled_info, to_bytes(version_label), suite_id, to_bytes(label), info});
  return hkdf_sha384_expand(prk, labeled_info, length);
}

/// SHAKE256.LabeledDerive(ikm, label, context, L) =
///   SHAKE256(ikm || "HPKE-v1" || suite_id || I2OSP(len(label), 2) || label || I2OSP(L, 2) || context, L)
/// (draft-ietf-hpke-pq-03, single-stage KDF of draft-ietf-hpke-hpke-02).
inline Bytes shake256_labeled_derive(ByteView suite_id, ByteView ikm, std::string_view label, ByteView context,
                                     std::size_t length) {
  Bytes label_len, out_len;
  put_be(label_len, label.size(), 2);
  put_be(out_len, length, 2);
  return shake256({ikm, to_bytes(version_label), suite_id, label_len, to_bytes(label), out_len, context}, length);
}

}  // namespace lockref::crypto::hpke
