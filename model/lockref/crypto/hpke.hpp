// lockref crypto: HPKE base mode (RFC 9180) with the algorithms of OCP L.O.C.K. 0.9
// §4.6.2.1.1 Table 3, as Figures 7-10 draw them.
//
//   KEM  0x0011 DHKEM(P-384, HKDF-SHA384)      RFC 9180 §7.1            dhkem_p384.hpp
//   KEM  0x0042 ML-KEM-1024                    draft-ietf-hpke-pq-03    mlkem.hpp + adapter below
//   KEM  0x0a25 ML-KEM-1024 + P-384 (Figure 9) hybrid_kem.hpp (and 0x0051, its draft-ietf-hpke-pq twin)
//   KDF  0x0002 HKDF-SHA384                    RFC 9180 §7.2
//   AEAD 0x0002 AES-256-GCM                    RFC 9180 §7.3
//
// Base mode only (mode_base = 0x00: 0.9 Figure 10 "no PSK", "no PSK ID"). Randomness enters
// explicitly: the KEM's encapsulation randomness (`ikmE` for DHKEM, m for ML-KEM, m || P-384
// seed for the hybrid), so every seal is reproducible.
#pragma once
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "lockref/core/bytes.hpp"
#include "lockref/core/result.hpp"
#include "lockref/crypto/aes.hpp"
#include "lockref/crypto/dhkem_p384.hpp"
#include "lockref/crypto/hpke_kdf.hpp"
#include "lockref/crypto/hybrid_kem.hpp"
#include "lockref/crypto/mlkem.hpp"

namespace lockref::crypto::hpke {

// ---- identifiers (IANA HPKE registry; 0.9 Table 3) ------------------------------------------

inline constexpr std::uint16_t kem_dhkem_p384 = 0x0011;
inline constexpr std::uint16_t kem_ml_kem_1024 = 0x0042;
inline constexpr std::uint16_t kem_mlkem1024_p384 = 0x0051;  // draft-ietf-hpke-pq-03 (not in 0.9 Table 3)
inline constexpr std::uint16_t kem_lock_hybrid = 0x0a25;      // 0.9 Table 3
inline constexpr std::uint16_t kdf_hkdf_sha384 = 0x0002;
inline constexpr std::uint16_t aead_aes_256_gcm = 0x0002;
inline constexpr std::uint8_t mode_base = 0x00;

inline constexpr std::size_t Nk = 32, Nn = 12, Nt = 16;  // AES-256-GCM, RFC 9180 §7.3
inline constexpr std::size_t Nh = 48;                     // HKDF-SHA384, RFC 9180 §7.2

struct Suite {
  std::uint16_t kem_id = kem_dhkem_p384;
  std::uint16_t kdf_id = kdf_hkdf_sha384;
  std::uint16_t aead_id = aead_aes_256_gcm;
  friend bool operator==(const Suite&, const Suite&) = default;
};

/// The sizes of a KEM (RFC 9180 §7.1 Table 2; draft-ietf-hpke-pq-03).
struct KemInfo {
  std::uint16_t id;
  std::string_view name;
  std::size_t Nsecret, Nenc, Npk, Nsk, Nrandom;  // Nrandom: encapsulation randomness (0 = any length ikmE)
};
inline constexpr KemInfo kems[] = {
    {kem_dhkem_p384, "DHKEM(P-384, HKDF-SHA384)", dhkem_p384::Nsecret, dhkem_p384::Nenc, dhkem_p384::Npk,
     dhkem_p384::Nsk, 0},
    {kem_ml_kem_1024, "ML-KEM-1024", 32, 1568, 1568, 64, 32},
    {kem_mlkem1024_p384, "MLKEM1024-P384", hybrid::Nsecret, hybrid::Nenc, hybrid::Npk, hybrid::Nsk, hybrid::Nrandom},
    {kem_lock_hybrid, "ML-KEM-1024 + P-384 (0.9 Figure 9)", hybrid::Nsecret, hybrid::Nenc, hybrid::Npk, hybrid::Nsk,
     hybrid::Nrandom},
};
inline std::optional<KemInfo> kem_info(std::uint16_t id) {
  for (const auto& k : kems)
    if (k.id == id) return k;
  return std::nullopt;
}

/// The suite must be one of Table 3's combinations: a listed KEM, HKDF-SHA384, AES-256-GCM.
inline Status check_suite(const Suite& s) {
  if (!kem_info(s.kem_id))
    return make_error("unsupported kem_id " + std::to_string(s.kem_id) + " (0.9 Table 3: 0x0011, 0x0042, 0x0a25)");
  if (s.kdf_id != kdf_hkdf_sha384) return make_error("unsupported kdf_id " + std::to_string(s.kdf_id) + " (0.9 Table 3: 0x0002 HKDF-SHA384)");
  if (s.aead_id != aead_aes_256_gcm) return make_error("unsupported aead_id " + std::to_string(s.aead_id) + " (0.9 Table 3: 0x0002 AES-256-GCM)");
  return ok_status();
}

// ---- the KEM interface (RFC 9180 §4) ---------------------------------------------------------


namespace mlkem_kem {
// draft-ietf-hpke-pq-03 ML-KEM-1024 for HPKE: the private key is the 64-byte seed d || z
// (FIPS 203 §3.3); DeriveKeyPair(ikm) = SHAKE256.LabeledDerive(ikm, "DeriveKeyPair", "", 64);
// Encap randomness is FIPS 203's m; enc is the ciphertext, the shared secret is K.
// A 3168-byte expanded decapsulation key is also accepted as skR (Wycheproof form).
inline Result<mlkem::KeyPair> expand(ByteView sk) {
  if (sk.size() == mlkem::ml_kem_1024.dk_size()) {
    mlkem::KeyPair kp;
    kp.dk = Bytes(sk.begin(), sk.end());
    kp.ek = Bytes(sk.begin() + 1536, sk.begin() + 1536 + 1568);
    return kp;
  }
  return mlkem::keygen_from_seed(mlkem::ml_kem_1024, sk);
}
}  // namespace mlkem_kem

inline const hybrid::Variant& hybrid_variant(std::uint16_t kem_id) {
  return kem_id == kem_lock_hybrid ? hybrid::lock_0a25 : hybrid::mlkem1024_p384;
}

/// RFC 9180 §4 DeriveKeyPair(ikm) for each KEM.
inline Result<KeyPair> derive_key_pair(std::uint16_t kem_id, ByteView ikm) {
  switch (kem_id) {
    case kem_dhkem_p384:
      return dhkem_p384::derive_key_pair(ikm);
    case kem_ml_kem_1024: {
      Bytes seed = shake256_labeled_derive(kem_suite_id(kem_id), ikm, "DeriveKeyPair", {}, 64);
      auto kp = mlkem::keygen_from_seed(mlkem::ml_kem_1024, seed);
      if (!kp) return kp.error();
      return KeyPair{std::move(seed), kp->ek};
    }
    case kem_mlkem1024_p384:
    case kem_lock_hybrid:
      return hybrid::derive_key_pair(hybrid_variant(kem_id), ikm);
    default:
      return make_error("unsupported kem_id " + std::to_string(kem_id));
  }
}

inline Result<Bytes> public_key(std::uint16_t kem_id, ByteView sk) {
  switch (kem_id) {
    case kem_dhkem_p384:
      return p384::public_key(sk);
    case kem_ml_kem_1024: {
      auto kp = mlkem_kem::expand(sk);
      if (!kp) return kp.error();
      return kp->ek;
    }
    case kem_mlkem1024_p384:
    case kem_lock_hybrid:
      return hybrid::public_key(sk);
    default:
      return make_error("unsupported kem_id " + std::to_string(kem_id));
  }
}

/// Encap(pkR) with explicit randomness (see the file comment for its shape per KEM).
inline Result<Encapsulation> encap(std::uint16_t kem_id, ByteView pkR, ByteView randomness) {
  switch (kem_id) {
    case kem_dhkem_p384:
      return dhkem_p384::encap(pkR, randomness);
    case kem_ml_kem_1024: {
      auto e = mlkem::encaps(mlkem::ml_kem_1024, pkR, randomness);
      if (!e) return e.error();
      return Encapsulation{e->shared_secret, e->ciphertext};
    }
    case kem_mlkem1024_p384:
    case kem_lock_hybrid:
      return hybrid::encap(hybrid_variant(kem_id), pkR, randomness);
    default:
      return make_error("unsupported kem_id " + std::to_string(kem_id));
  }
}

/// Decap(enc, skR). DHKEM fails on an invalid point; ML-KEM fails only on malformed lengths
/// (a wrong ciphertext gives the implicit-rejection secret, FIPS 203 Alg 18).
inline Result<Bytes> decap(std::uint16_t kem_id, ByteView enc, ByteView skR) {
  switch (kem_id) {
    case kem_dhkem_p384:
      return dhkem_p384::decap(enc, skR);
    case kem_ml_kem_1024: {
      auto kp = mlkem_kem::expand(skR);
      if (!kp) return kp.error();
      return mlkem::decaps(mlkem::ml_kem_1024, kp->dk, enc);
    }
    case kem_mlkem1024_p384:
    case kem_lock_hybrid:
      return hybrid::decap(hybrid_variant(kem_id), enc, skR);
    default:
      return make_error("unsupported kem_id " + std::to_string(kem_id));
  }
}

// ---- key schedule and context (RFC 9180 §5; 0.9 Figure 10) --------------------------------

/// An encryption context. A value: seal/open advance `seq` in the value they are called on.
struct Context {
  Suite suite;
  Bytes key;              // Nk
  Bytes base_nonce;       // Nn
  Bytes exporter_secret;  // Nh
  std::uint64_t seq = 0;
  friend bool operator==(const Context&, const Context&) = default;

  /// RFC 9180 §5.2 ComputeNonce(seq) = base_nonce XOR I2OSP(seq, Nn) (0.9 Figure 10 "XOR").
  Bytes nonce() const {
    Bytes n = base_nonce;
    for (std::size_t i = 0; i < 8; ++i) n[Nn - 1 - i] = static_cast<std::uint8_t>(n[Nn - 1 - i] ^ (seq >> (8 * i)));
    return n;
  }
  /// RFC 9180 §5.2 IncrementSeq. The RFC's limit is 2^96 - 1; the model's counter is 64 bits,
  /// so it stops at 2^64 - 1 (a model limit no real flow reaches).
  Status increment_seq() {
    if (seq == std::numeric_limits<std::uint64_t>::max()) return make_error("HPKE: MessageLimitReachedError");
    ++seq;
    return ok_status();
  }
  /// RFC 9180 §5.2 ContextS.Seal: ciphertext || tag; seq advances. In the RFC's order:
  /// encrypt, then IncrementSeq, whose MessageLimitReachedError withholds the ciphertext.
  Result<Bytes> seal(ByteView aad, ByteView pt) {
    auto s = aes_gcm_encrypt(key, nonce(), aad, pt);
    if (!s) return s.error();
    if (auto limit = increment_seq(); !limit) return limit.error();
    return concat({s->ciphertext, s->tag});
  }
  /// RFC 9180 §5.2 ContextR.Open: seq advances only on success (0.9 §4.6.2.1.1: "incremented
  /// for each decryption operation"); OpenError leaves the context unchanged. In the RFC's
  /// order: OpenError first, then IncrementSeq's MessageLimitReachedError.
  Result<Bytes> open(ByteView aad, ByteView ct) {
    if (ct.size() < Nt) return make_error("HPKE OpenError: ciphertext shorter than the 16-byte tag");
    auto pt = aes_gcm_decrypt(key, nonce(), aad, ct.first(ct.size() - Nt), ct.last(Nt));
    if (!pt) return make_error("HPKE OpenError: " + pt.error().message);
    if (auto limit = increment_seq(); !limit) return limit.error();
    return pt;
  }
  /// RFC 9180 §5.3 Export(exporter_context, L) = LabeledExpand(exporter_secret, "sec", ctx, L).
  Result<Bytes> export_secret(ByteView exporter_context, std::size_t length) const {
    if (length > 255 * Nh) return make_error("HPKE Export: L exceeds 255*Nh");
    return labeled_expand(hpke_suite_id(suite.kem_id, suite.kdf_id, suite.aead_id), exporter_secret, "sec",
                          exporter_context, length);
  }
};

/// RFC 9180 §5.1 KeySchedule for mode_base (psk = psk_id = ""), 0.9 Figure 10.
inline Result<Context> key_schedule_base(const Suite& s, ByteView shared_secret, ByteView info) {
  if (auto c = check_suite(s); !c) return c.error();
  const Bytes sid = hpke_suite_id(s.kem_id, s.kdf_id, s.aead_id);
  const Bytes psk_id_hash = labeled_extract(sid, {}, "psk_id_hash", {});
  const Bytes info_hash = labeled_extract(sid, {}, "info_hash", info);
  const Bytes mode{mode_base};
  const Bytes ksc = concat({mode, psk_id_hash, info_hash});
  const Bytes secret = labeled_extract(sid, shared_secret, "secret", {});
  auto key = labeled_expand(sid, secret, "key", ksc, Nk);
  auto base_nonce = labeled_expand(sid, secret, "base_nonce", ksc, Nn);
  auto exp = labeled_expand(sid, secret, "exp", ksc, Nh);
  if (!key || !base_nonce || !exp) return make_error("HPKE KeySchedule: LabeledExpand failed");
  return Context{s, *key, *base_nonce, *exp, 0};
}

struct SenderSetup {
  Bytes enc;
  Bytes shared_secret;
  Context ctx;
};

/// RFC 9180 §5.1.1 SetupBaseS(pkR, info) with explicit encapsulation randomness.
inline Result<SenderSetup> setup_base_s(const Suite& s, ByteView pkR, ByteView info, ByteView randomness) {
  if (auto c = check_suite(s); !c) return c.error();
  auto e = encap(s.kem_id, pkR, randomness);
  if (!e) return e.error();
  auto ctx = key_schedule_base(s, e->shared_secret, info);
  if (!ctx) return ctx.error();
  return SenderSetup{e->enc, e->shared_secret, *ctx};
}

/// RFC 9180 §5.1.1 SetupBaseR(enc, skR, info).
inline Result<Context> setup_base_r(const Suite& s, ByteView enc, ByteView skR, ByteView info) {
  if (auto c = check_suite(s); !c) return c.error();
  auto ss = decap(s.kem_id, enc, skR);
  if (!ss) return ss.error();
  return key_schedule_base(s, *ss, info);
}

}  // namespace lockref::crypto::hpke
