// lockref crypto: HMAC_DRBG (NIST SP 800-90A Rev.1 §10.1.2) as an explicit value.
// The state is a plain struct the caller owns (e.g. a field of a machine's State), so
// every run is reproducible from the instantiation inputs. No prediction resistance.
#pragma once
#include <cstdint>
#include <string>

#include "lockref/core/bytes.hpp"
#include "lockref/core/json.hpp"
#include "lockref/core/result.hpp"
#include "lockref/crypto/hash.hpp"

namespace lockref::crypto {

struct HmacDrbg {
  Hash hash = Hash::sha384;
  Bytes key;                        // K (outlen bytes)
  Bytes v;                          // V (outlen bytes)
  std::uint64_t reseed_counter = 0;  // 0 = not instantiated
  friend bool operator==(const HmacDrbg&, const HmacDrbg&) = default;
};

struct DrbgOutput {
  HmacDrbg next;
  Bytes bytes;
};

namespace drbg_limits {
inline constexpr std::size_t min_entropy = 32;                          // 256-bit security strength
inline constexpr std::size_t max_bytes_per_request = 65536;             // 2^19 bits (Table 2)
inline constexpr std::uint64_t reseed_interval = std::uint64_t{1} << 48;  // Table 2
}  // namespace drbg_limits

namespace detail {
/// §10.1.2.2 HMAC_DRBG_Update.
inline void drbg_update(HmacDrbg& s, ByteView provided) {
  Bytes m = s.v;
  m.push_back(0x00);
  m.insert(m.end(), provided.begin(), provided.end());
  s.key = hmac(s.hash, s.key, m);
  s.v = hmac(s.hash, s.key, s.v);
  if (provided.empty()) return;
  m = s.v;
  m.push_back(0x01);
  m.insert(m.end(), provided.begin(), provided.end());
  s.key = hmac(s.hash, s.key, m);
  s.v = hmac(s.hash, s.key, s.v);
}
}  // namespace detail

/// §10.1.2.3 instantiate: seed_material = entropy || nonce || personalization.
inline Result<HmacDrbg> drbg_instantiate(ByteView entropy, ByteView nonce, ByteView personalization,
                                         Hash h = Hash::sha384) {
  if (entropy.size() < drbg_limits::min_entropy)
    return make_error("hmac_drbg: entropy input must be at least 32 bytes (256-bit strength), got " +
                      std::to_string(entropy.size()));
  // Steps 2-5: Key = 0x00..00, V = 0x01..01, (Key, V) = Update(seed_material, Key, V),
  // reseed_counter = 1 (set here: Update does not read it).
  HmacDrbg s{h, Bytes(digest_size(h), 0x00), Bytes(digest_size(h), 0x01), 1};
  detail::drbg_update(s, concat({entropy, nonce, personalization}));
  return s;
}

/// §10.1.2.4 reseed: seed_material = entropy || additional_input.
inline Result<HmacDrbg> drbg_reseed(const HmacDrbg& state, ByteView entropy, ByteView additional = {}) {
  if (state.reseed_counter == 0) return make_error("hmac_drbg: not instantiated");
  if (entropy.size() < drbg_limits::min_entropy)
    return make_error("hmac_drbg: entropy input must be at least 32 bytes, got " + std::to_string(entropy.size()));
  HmacDrbg s = state;
  detail::drbg_update(s, concat({entropy, additional}));
  s.reseed_counter = 1;
  return s;
}

/// §10.1.2.5 generate. Returns the next state with the bytes; the input is untouched.
inline Result<DrbgOutput> drbg_generate(const HmacDrbg& state, std::size_t n, ByteView additional = {}) {
  if (state.reseed_counter == 0) return make_error("hmac_drbg: not instantiated");
  if (n > drbg_limits::max_bytes_per_request)
    return make_error("hmac_drbg: request of " + std::to_string(n) + " bytes exceeds 65536");
  if (state.reseed_counter > drbg_limits::reseed_interval) return make_error("hmac_drbg: reseed required");
  HmacDrbg s = state;
  if (!additional.empty()) detail::drbg_update(s, additional);
  Bytes out;
  while (out.size() < n) {
    s.v = hmac(s.hash, s.key, s.v);
    out.insert(out.end(), s.v.begin(), s.v.end());
  }
  out.resize(n);
  detail::drbg_update(s, additional);
  s.reseed_counter += 1;
  return DrbgOutput{std::move(s), std::move(out)};
}

}  // namespace lockref::crypto

// Reflected, so a machine holding a DRBG in its state prints and compares it (KMB, §4.6.6).
BOOST_HANA_ADAPT_STRUCT(lockref::crypto::HmacDrbg, hash, key, v, reseed_counter);
