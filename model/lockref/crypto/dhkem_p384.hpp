// lockref crypto: the P-384 group and DHKEM(P-384, HKDF-SHA384), HPKE kem_id 0x0011
// (RFC 9180 §4.1, §7.1; OCP L.O.C.K. 0.9 Table 3 and Figure 7).
//
// Group arithmetic is Crypto++'s ECP over secp384r1 (SEC 2). Points travel as SEC 1
// uncompressed encodings (0x04 || x || y, 97 bytes: RFC 9180 §7.1.1 SerializePublicKey);
// scalars as 48-byte big-endian integers in [1, n-1]; the ECDH output is the x
// coordinate (RFC 9180 §7.1.1 "DH(sk, pk) ... the x-coordinate").
#pragma once
#include <cryptopp/asn.h>
#include <cryptopp/eccrypto.h>
#include <cryptopp/ecp.h>
#include <cryptopp/integer.h>
#include <cryptopp/oids.h>

#include <cstdint>
#include <string>

#include "lockref/core/bytes.hpp"
#include "lockref/core/result.hpp"
#include "lockref/crypto/hpke_kdf.hpp"

namespace lockref::crypto::p384 {

inline constexpr std::size_t scalar_size = 48;  // Nsk, Group.Nscalar
inline constexpr std::size_t point_size = 97;   // Npk, Nenc: uncompressed SEC 1 point
inline constexpr std::size_t dh_size = 48;      // Ndh

namespace detail {
// One per thread: Crypto++'s curve objects keep mutable scratch space (the Montgomery
// workspace behind ECP::Add), so one shared instance is a data race when the explorer's
// worker threads derive keys (`explore kmb --threads 2` crashed in CryptoPP::AlmostInverse).
inline const CryptoPP::DL_GroupParameters_EC<CryptoPP::ECP>& group() {
  thread_local const CryptoPP::DL_GroupParameters_EC<CryptoPP::ECP> g(CryptoPP::ASN1::secp384r1());
  return g;
}
inline Bytes to_fixed(const CryptoPP::Integer& x, std::size_t len) {
  Bytes out(len);
  x.Encode(out.data(), out.size());
  return out;
}
inline Result<CryptoPP::Integer> scalar(ByteView sk) {
  if (sk.size() != scalar_size)
    return make_error("P-384 private key: expected 48 bytes, got " + std::to_string(sk.size()));
  CryptoPP::Integer d(sk.data(), sk.size());
  if (d.IsZero() || d >= group().GetSubgroupOrder())
    return make_error("P-384 private key: scalar must be in [1, n-1] (RFC 9180 §7.1.3)");
  return d;
}
inline Result<CryptoPP::ECP::Point> point(ByteView pk) {
  // RFC 9180 §7.1.1/§7.1.4: uncompressed only, and the point must be on the curve
  // (SP 800-56A §5.6.2.3.4 partial validation; prime order so no cofactor check).
  if (pk.size() != point_size || pk[0] != 0x04)
    return make_error("P-384 public key: expected a 97-byte uncompressed point 0x04 || x || y, got " +
                      std::to_string(pk.size()) + " bytes" + (pk.empty() ? "" : " starting 0x" + to_hex(pk.first(1))));
  const auto& curve = group().GetCurve();
  CryptoPP::ECP::Point P;
  P.identity = false;
  P.x.Decode(pk.data() + 1, scalar_size);
  P.y.Decode(pk.data() + 1 + scalar_size, scalar_size);
  if (!curve.VerifyPoint(P)) return make_error("P-384 public key: point is not on the curve (invalid-curve input)");
  return P;
}
inline Bytes encode(const CryptoPP::ECP::Point& P) {
  Bytes out(point_size);
  group().GetCurve().EncodePoint(out.data(), P, false);
  return out;
}
}  // namespace detail

/// True iff sk is a valid scalar (48 bytes, 0 < sk < n).
inline bool valid_scalar(ByteView sk) { return detail::scalar(sk).ok(); }

/// Public key sk·G, uncompressed.
inline Result<Bytes> public_key(ByteView sk) {
  auto d = detail::scalar(sk);
  if (!d) return d.error();
  return detail::encode(detail::group().ExponentiateBase(*d));
}

/// ECDH: the x coordinate of sk·pk (SEC 1 §3.3.1). Fails for invalid keys and for an
/// identity result (impossible with a valid point on a prime-order curve, kept as a guard).
inline Result<Bytes> ecdh(ByteView sk, ByteView pk) {
  auto d = detail::scalar(sk);
  if (!d) return d.error();
  auto P = detail::point(pk);
  if (!P) return P.error();
  const auto Z = detail::group().GetCurve().ScalarMultiply(*P, *d);
  if (Z.identity) return make_error("P-384 ECDH: shared point is the identity");
  return detail::to_fixed(Z.x, dh_size);
}

/// ECDH with a private key given as a big-endian integer of any length (Wycheproof style:
/// leading zero bytes allowed) — for known-answer tests only.
inline Result<Bytes> ecdh_integer_key(ByteView sk_integer, ByteView pk) {
  CryptoPP::Integer d(sk_integer.data(), sk_integer.size());
  if (d.IsZero() || d >= detail::group().GetSubgroupOrder()) return make_error("P-384 private key out of range");
  return ecdh(detail::to_fixed(d, scalar_size), pk);
}

}  // namespace lockref::crypto::p384

namespace lockref::crypto::dhkem_p384 {

inline constexpr std::uint16_t kem_id = 0x0011;  // RFC 9180 §7.1 Table 2
inline constexpr std::size_t Nsecret = 48, Nenc = 97, Npk = 97, Nsk = 48;

using hpke::KeyPair;
using hpke::Encapsulation;

/// RFC 9180 §7.1.3 DeriveKeyPair for P-384: rejection sampling on LabeledExpand output
/// with bitmask 0xff (Table: P-384 bitmask 0xff).
inline Result<KeyPair> derive_key_pair(ByteView ikm) {
  const Bytes sid = hpke::kem_suite_id(kem_id);
  const Bytes dkp_prk = hpke::labeled_extract(sid, {}, "dkp_prk", ikm);
  for (unsigned counter = 0; counter <= 255; ++counter) {
    const std::uint8_t c[1] = {static_cast<std::uint8_t>(counter)};
    auto expanded = hpke::labeled_expand(sid, dkp_prk, "candidate", ByteView(c, 1), Nsk);
    if (!expanded) return expanded.error();
    Bytes bytes = std::move(expanded).value();
    bytes[0] &= 0xff;  // bitmask for P-384 (RFC 9180 §7.1.3): every bit is kept
    if (p384::valid_scalar(bytes)) {
      auto pk = p384::public_key(bytes);
      if (!pk) return pk.error();
      return KeyPair{bytes, *pk};
    }
  }
  return make_error("DHKEM(P-384) DeriveKeyPair: no valid scalar after 256 candidates (DeriveKeyPairError)");
}

/// RFC 9180 §4.1 ExtractAndExpand(dh, kem_context).
inline Result<Bytes> extract_and_expand(ByteView dh, ByteView kem_context) {
  const Bytes sid = hpke::kem_suite_id(kem_id);
  const Bytes eae_prk = hpke::labeled_extract(sid, {}, "eae_prk", dh);
  return hpke::labeled_expand(sid, eae_prk, "shared_secret", kem_context, Nsecret);
}

/// RFC 9180 §4.1 Encap(pkR) with the ephemeral key derived from explicit ikmE
/// (DeriveKeyPair(ikmE), as the RFC 9180 test vectors do).
inline Result<Encapsulation> encap(ByteView pkR, ByteView ikmE) {
  auto eph = derive_key_pair(ikmE);
  if (!eph) return eph.error();
  auto dh = p384::ecdh(eph->sk, pkR);
  if (!dh) return dh.error();
  auto ss = extract_and_expand(*dh, concat({eph->pk, pkR}));
  if (!ss) return ss.error();
  return Encapsulation{*ss, eph->pk};
}

/// RFC 9180 §4.1 Decap(enc, skR).
inline Result<Bytes> decap(ByteView enc, ByteView skR) {
  auto pkR = p384::public_key(skR);
  if (!pkR) return pkR.error();
  auto dh = p384::ecdh(skR, enc);
  if (!dh) return dh.error();
  return extract_and_expand(*dh, concat({enc, *pkR}));
}

}  // namespace lockref::crypto::dhkem_p384
