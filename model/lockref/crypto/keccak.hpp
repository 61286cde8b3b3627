// lockref crypto: the FIPS 202 functions ML-KEM (FIPS 203 §4.1) and the hybrid KEM
// (0.9 Figure 9) are built on: SHA3-256, SHA3-512, SHAKE128, SHAKE256.
// Thin value-based wrappers over Crypto++ <cryptopp/sha3.h>, <cryptopp/shake.h>.
#pragma once
#include <cryptopp/sha3.h>
#include <cryptopp/shake.h>

#include <cstddef>
#include <cstdint>

#include "lockref/core/bytes.hpp"

namespace lockref::crypto {

namespace detail {
template <class H>
Bytes keccak_digest(H& h, std::initializer_list<ByteView> parts, std::size_t out_len) {
  for (auto p : parts)
    if (!p.empty()) h.Update(p.data(), p.size());
  Bytes out(out_len);
  h.TruncatedFinal(out.data(), out.size());
  return out;
}
}  // namespace detail

/// FIPS 202 SHA3-256 over the concatenation of `parts`.
inline Bytes sha3_256(std::initializer_list<ByteView> parts) {
  CryptoPP::SHA3_256 h;
  return detail::keccak_digest(h, parts, 32);
}
/// FIPS 202 SHA3-512 over the concatenation of `parts`.
inline Bytes sha3_512(std::initializer_list<ByteView> parts) {
  CryptoPP::SHA3_512 h;
  return detail::keccak_digest(h, parts, 64);
}
/// FIPS 202 SHAKE128(M, 8*len): the first `len` bytes of the XOF output. Outputs for
/// one input are prefixes of each other (ML-KEM's SampleNTT relies on that).
inline Bytes shake128(std::initializer_list<ByteView> parts, std::size_t len) {
  CryptoPP::SHAKE128 h(static_cast<unsigned int>(len));
  return detail::keccak_digest(h, parts, len);
}
/// FIPS 202 SHAKE256(M, 8*len).
inline Bytes shake256(std::initializer_list<ByteView> parts, std::size_t len) {
  CryptoPP::SHAKE256 h(static_cast<unsigned int>(len));
  return detail::keccak_digest(h, parts, len);
}

}  // namespace lockref::crypto
