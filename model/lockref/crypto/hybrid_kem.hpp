// lockref crypto: the hybrid ML-KEM-1024 + P-384 KEM of OCP L.O.C.K. 0.9 Table 3
// (kem_id 0x0a25, reference [14] "Hybrid PQ/T Key Encapsulation Mechanisms") and Figure 9.
//
// Figure 9 fixes the combiner: shared secret = SHA3-256(ML-KEM shared secret || ECDH shared
// secret || ephemeral P-384 public key || recipient P-384 public key || Label), with
// Label = "QSF-KEM(ML-KEM-1024,P-384)-XOF(SHAKE256)-KDF(SHA3-256)". It leaves open the key
// and ciphertext formats, key derivation and the order of the halves. lockref takes them
// from the construction that reference grew into, MLKEM1024-P384 of
// draft-irtf-cfrg-hybrid-kems-07 / draft-irtf-cfrg-concrete-hybrid-kems-02 as used by
// draft-ietf-hpke-pq-03 (kem_id 0x0051): the same SHA3-256 combiner with the same inputs
// in the same order, a 32-byte private seed expanded with SHAKE256 (the label's
// "XOF(SHAKE256)"), ek = ek_PQ || ek_T, ct = ct_PQ || ct_T. Only kem_id and Label differ,
// and both are parameters (`Variant`), so the construction is checked against the
// draft-ietf-hpke-pq 0x0051 vectors and 0x0a25 differs from it in exactly those two
// values. See spec/errata.md E-LOCK-HYBRID-KEM-DETAILS.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "lockref/core/bytes.hpp"
#include "lockref/core/result.hpp"
#include "lockref/crypto/dhkem_p384.hpp"
#include "lockref/crypto/hpke_kdf.hpp"
#include "lockref/crypto/keccak.hpp"
#include "lockref/crypto/mlkem.hpp"

namespace lockref::crypto::hybrid {

/// The two values that distinguish the hybrid variants (profile data with provenance).
struct Variant {
  std::uint16_t kem_id;
  std::string_view label;
};
/// OCP L.O.C.K. 0.9 Table 3 (kem_id) and Figure 9 (Label).
inline constexpr Variant lock_0a25{0x0a25, "QSF-KEM(ML-KEM-1024,P-384)-XOF(SHAKE256)-KDF(SHA3-256)"};
/// draft-ietf-hpke-pq-03 / draft-irtf-cfrg-concrete-hybrid-kems-02 MLKEM1024-P384.
inline constexpr Variant mlkem1024_p384{0x0051, "MLKEM1024-P384"};

inline constexpr std::size_t Nsk = 32, Nsecret = 32;
inline constexpr std::size_t Nek_pq = mlkem::ml_kem_1024.ek_size();  // 1568
inline constexpr std::size_t Nct_pq = mlkem::ml_kem_1024.ct_size();  // 1568
inline constexpr std::size_t Npk = Nek_pq + p384::point_size;       // 1665
inline constexpr std::size_t Nenc = Nct_pq + p384::point_size;      // 1665
inline constexpr std::size_t Nrandom = 32 + p384::scalar_size;      // 80: ML-KEM m || P-384 seed

struct Expanded {
  mlkem::KeyPair pq;  // ek_PQ, dk_PQ
  Bytes sk_t, ek_t;   // P-384 scalar and point
};
using hpke::KeyPair;
using hpke::Encapsulation;

/// Group.RandomScalar(seed): the first 48-byte window that is a valid scalar.
inline Result<Bytes> random_scalar(ByteView seed) {
  for (std::size_t start = 0; start + p384::scalar_size <= seed.size(); start += p384::scalar_size) {
    const ByteView sk = seed.subspan(start, p384::scalar_size);
    if (p384::valid_scalar(sk)) return Bytes(sk.begin(), sk.end());
  }
  return make_error("hybrid KEM: P-384 RandomScalar rejection sampling failed");
}

/// expandKey(seed): SHAKE256(seed, 64 + 48) -> ML-KEM (d || z) and the P-384 scalar seed.
inline Result<Expanded> expand_key(ByteView seed) {
  if (seed.size() != Nsk)
    return make_error("hybrid KEM private key: expected a 32-byte seed, got " + std::to_string(seed.size()));
  const Bytes full = shake256({seed}, 64 + p384::scalar_size);
  Expanded e;
  e.pq = mlkem::keygen_internal(mlkem::ml_kem_1024, ByteView(full).subspan(0, 32), ByteView(full).subspan(32, 32));
  auto sk = random_scalar(ByteView(full).subspan(64));
  if (!sk) return sk.error();
  e.sk_t = *sk;
  auto pk = p384::public_key(e.sk_t);
  if (!pk) return pk.error();
  e.ek_t = *pk;
  return e;
}

/// Figure 9: SHA3-256(ss_PQ || ss_T || ct_T || ek_T || Label).
inline Bytes combine(const Variant& v, ByteView ss_pq, ByteView ss_t, ByteView ct_t, ByteView ek_t) {
  return sha3_256({ss_pq, ss_t, ct_t, ek_t, to_bytes(v.label)});
}

inline Result<Bytes> public_key(ByteView seed) {
  auto e = expand_key(seed);
  if (!e) return e.error();
  return concat({e->pq.ek, e->ek_t});
}

/// DeriveKeyPair(ikm): seed = SHAKE256.LabeledDerive(ikm, "DeriveKeyPair", "", 32).
inline Result<KeyPair> derive_key_pair(const Variant& v, ByteView ikm) {
  Bytes seed = hpke::shake256_labeled_derive(hpke::kem_suite_id(v.kem_id), ikm, "DeriveKeyPair", {}, Nsk);
  auto pk = public_key(seed);
  if (!pk) return pk.error();
  return KeyPair{std::move(seed), *pk};
}

/// EncapsDerand(ek, randomness), randomness = m (32) || P-384 scalar seed (48).
inline Result<Encapsulation> encap(const Variant& v, ByteView pk, ByteView randomness) {
  if (pk.size() != Npk)
    return make_error("hybrid KEM public key: expected " + std::to_string(Npk) + " bytes, got " + std::to_string(pk.size()));
  if (randomness.size() != Nrandom)
    return make_error("hybrid KEM randomness: expected " + std::to_string(Nrandom) + " bytes (m || P-384 seed), got " +
                      std::to_string(randomness.size()));
  const ByteView ek_pq = pk.subspan(0, Nek_pq), ek_t = pk.subspan(Nek_pq);
  auto pq = mlkem::encaps(mlkem::ml_kem_1024, ek_pq, randomness.subspan(0, 32));
  if (!pq) return pq.error();
  auto sk_e = random_scalar(randomness.subspan(32));
  if (!sk_e) return sk_e.error();
  auto ct_t = p384::public_key(*sk_e);
  if (!ct_t) return ct_t.error();
  auto ss_t = p384::ecdh(*sk_e, ek_t);
  if (!ss_t) return ss_t.error();
  return Encapsulation{combine(v, pq->shared_secret, *ss_t, *ct_t, ek_t), concat({pq->ciphertext, *ct_t})};
}

/// Decaps(seed, ct). A wrong ML-KEM ciphertext gives an unrelated secret (implicit
/// rejection); a P-384 half that is not a curve point is an error.
inline Result<Bytes> decap(const Variant& v, ByteView enc, ByteView seed) {
  if (enc.size() != Nenc)
    return make_error("hybrid KEM ciphertext: expected " + std::to_string(Nenc) + " bytes, got " + std::to_string(enc.size()));
  auto e = expand_key(seed);
  if (!e) return e.error();
  const ByteView ct_pq = enc.subspan(0, Nct_pq), ct_t = enc.subspan(Nct_pq);
  const Bytes ss_pq = mlkem::decaps_internal(mlkem::ml_kem_1024, e->pq.dk, ct_pq);
  auto ss_t = p384::ecdh(e->sk_t, ct_t);
  if (!ss_t) return ss_t.error();
  return combine(v, ss_pq, *ss_t, ct_t, e->ek_t);
}

}  // namespace lockref::crypto::hybrid
