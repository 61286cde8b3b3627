// OCP L.O.C.K. 0.9 SealedAccessKey: the HPKE-sealed MPK access key of the KMB mailbox.
//
// Sources (seed 001_30ed4cd62c635f55.txt):
//   §4.6.2.1     HPKE keypairs; §4.6.2.1.1 Table 3 (algorithms), Figures 7-10 (unwrap)
//   §4.6.2.2.3   MPK access-key rotation: two decryptions from one context, seq 0 then 1
//   §4.7.2.1     "all multi-byte fields ... are interpreted as little endian"
//   §4.7.2.6     Table 20 GET_ALGORITHMS: hpke_algorithms bits, access_key_sizes bits
//   §4.7.2.12    Table 32 REWRAP_MPK: new_ak_ciphertext follows the SealedAccessKey
//   §4.7.2.22.1  Table 54 SealedAccessKey contents; Nenc and Nt from the algorithm
//   §4.7.2.23    Table 57 result codes LOCK_BAD_ALGORITHM, LOCK_BAD_HANDLE,
//                LOCK_KEM_DECAPSULATION, LOCK_ACCESS_KEY_UNWRAP
//   §4.8         Table 58 `info` for the MEK-MPA bindings
//
// Every failure is a `Failure` carrying a Table 57 code (or the profile's code for what
// Table 57 does not cover) and a precise detail (field, offset, expectation).
#pragma once
#include <array>
#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "lockref/core/bytes.hpp"
#include "lockref/core/enum.hpp"
#include "lockref/core/json.hpp"
#include "lockref/core/result.hpp"
#include "lockref/crypto/hpke.hpp"

namespace lockref::lock::sealed {

// ---- Table 20: the algorithm bits ----------------------------------------------------------

struct HpkeAlgorithm {
  std::uint32_t bit;                 // hpke_algorithms / hpke_algorithm value
  crypto::hpke::Suite suite;         // {kem_id, kdf_id, aead_id}
  std::string_view reference;        // Table 20's reference
};
/// Table 20 hpke_algorithms. (Table 20 lists the ids as "{kem/aead/kdf}_id"; both the KDF and
/// the AEAD are 0x0002, so the order does not change a value — errata E-LOCK-T20-ID-ORDER.)
inline constexpr std::array<HpkeAlgorithm, 3> table20_hpke{{
    {1u << 0, {0x0011, 0x0002, 0x0002}, "RFC 9180 [7]"},
    {1u << 1, {0x0042, 0x0002, 0x0002}, "draft-ietf-hpke-pq [13]"},
    {1u << 2, {0x0a25, 0x0002, 0x0002}, "Hybrid PQ/T KEMs [14]"},
}};
/// Table 20 access_key_sizes: byte 0 bit 0 = 256 bits.
struct AccessKeySize {
  std::uint32_t bit;
  std::uint32_t bytes;
};
inline constexpr std::array<AccessKeySize, 1> table20_access_key_sizes{{{1u << 0, 32}}};

/// Table 58: how `info` spells "the concatenation of the hex value of the <method> method
/// UID and the hex value of the target AccessCondition object UID".
enum class InfoEncoding : std::uint8_t { uid_bytes, ascii_hex_upper, ascii_hex_lower };
constexpr auto enum_names(InfoEncoding) {
  return std::array{EnumName{InfoEncoding::uid_bytes, "uid_bytes"},
                    EnumName{InfoEncoding::ascii_hex_upper, "ascii_hex_upper"},
                    EnumName{InfoEncoding::ascii_hex_lower, "ascii_hex_lower"}};
}

/// Vendor-open constants and the model's choices where 0.9 is silent.
struct Profile {
  /// Table 20 hpke_algorithms the KMB reports (must be non-zero, §4.7.2.6). Default: all three.
  std::uint32_t hpke_algorithms = 0b111;
  /// Table 20 access_key_sizes the KMB reports. Default: 256 bits, the only defined size.
  std::uint32_t access_key_sizes = 0b1;
  /// Result code for a SealedAccessKey whose bytes end before its header or `info` does.
  /// Model choice, unspecified in 0.9 (errata E-LOCK-T57-SEALED-MALFORMED): Table 57 has no
  /// "malformed request" code; the unwrap cannot start, so LOCK_ACCESS_KEY_UNWRAP.
  std::string malformed_code = "LOCK_ACCESS_KEY_UNWRAP";
  /// AAD of the HPKE Open. Model choice, unspecified in 0.9: Table 54 carries no AAD field
  /// and Figures 7-10 show none, so the empty string (errata E-LOCK-HPKE-AAD).
  Bytes aad{};
  /// Table 58 `info` spelling. Model choice (errata E-LOCK-T58-INFO-HEX): the UIDs' bytes.
  InfoEncoding info_encoding = InfoEncoding::uid_bytes;
  friend bool operator==(const Profile&, const Profile&) = default;
};

// ---- Table 54 ----------------------------------------------------------------------------

struct SealedAccessKey {
  std::uint32_t hpke_handle = 0;
  std::uint32_t hpke_algorithm = 0;
  std::uint32_t access_key_len = 0;
  Bytes info;            // u8[info_len]
  Bytes kem_ciphertext;  // u8[Nenc]
  Bytes ak_ciphertext;   // u8[access_key_len + Nt]
  friend bool operator==(const SealedAccessKey&, const SealedAccessKey&) = default;
};

/// A failed KMB operation: the result code and what exactly was wrong.
struct Failure {
  std::string code;    // Table 57 name, or a profile code
  std::string detail;
  friend bool operator==(const Failure&, const Failure&) = default;
};
template <class T>
using Outcome = std::variant<T, Failure>;

inline Failure fail(std::string code, std::string detail) { return Failure{std::move(code), std::move(detail)}; }

/// The Table 20 entry for an hpke_algorithm value the profile supports. LOCK_BAD_ALGORITHM
/// unless exactly one bit is set (Table 54: "a bit value") and that bit is reported supported.
inline Outcome<HpkeAlgorithm> algorithm(const Profile& p, std::uint32_t hpke_algorithm) {
  if (hpke_algorithm == 0 || (hpke_algorithm & (hpke_algorithm - 1)) != 0)
    return fail("LOCK_BAD_ALGORITHM", "hpke_algorithm 0x" + to_hex(Bytes{std::uint8_t(hpke_algorithm >> 24),
                                                                         std::uint8_t(hpke_algorithm >> 16),
                                                                         std::uint8_t(hpke_algorithm >> 8),
                                                                         std::uint8_t(hpke_algorithm)}) +
                                          " is not a single bit value (Table 54)");
  for (const auto& a : table20_hpke)
    if (a.bit == hpke_algorithm) {
      if ((p.hpke_algorithms & a.bit) == 0)
        return fail("LOCK_BAD_ALGORITHM", "hpke_algorithm bit " + std::to_string(std::countr_zero(a.bit)) +
                                              " is not reported supported in Table 20 hpke_algorithms");
      return a;
    }
  return fail("LOCK_BAD_ALGORITHM", "hpke_algorithm bit " + std::to_string(std::countr_zero(hpke_algorithm)) +
                                        " is not defined by Table 20 (bits 0..2)");
}

inline Outcome<std::uint32_t> check_access_key_len(const Profile& p, std::uint32_t len) {
  for (const auto& s : table20_access_key_sizes)
    if (s.bytes == len && (p.access_key_sizes & s.bit) != 0) return len;
  return fail("LOCK_BAD_ALGORITHM",
              "access_key_len " + std::to_string(len) + " is not a size reported in Table 20 access_key_sizes (32)");
}

/// Decodes one SealedAccessKey from `r` (which may hold more, e.g. REWRAP_MPK's
/// new_ak_ciphertext). Integers little-endian (§4.7.2.1).
inline Outcome<SealedAccessKey> decode(const Profile& p, Reader& r) {
  SealedAccessKey s;
  auto field = [&](std::uint32_t& out, const char* name) -> std::optional<Failure> {
    auto v = r.le(4);
    if (!v) return fail(p.malformed_code, std::string("SealedAccessKey.") + name + ": " + v.error().message);
    out = static_cast<std::uint32_t>(*v);
    return std::nullopt;
  };
  std::uint32_t info_len = 0;
  if (auto f = field(s.hpke_handle, "hpke_handle")) return *f;
  if (auto f = field(s.hpke_algorithm, "hpke_algorithm")) return *f;
  if (auto f = field(s.access_key_len, "access_key_len")) return *f;
  if (auto f = field(info_len, "info_len")) return *f;
  auto alg = algorithm(p, s.hpke_algorithm);
  if (auto* f = std::get_if<Failure>(&alg)) return *f;
  if (auto l = check_access_key_len(p, s.access_key_len); std::holds_alternative<Failure>(l))
    return std::get<Failure>(l);
  const auto& a = std::get<HpkeAlgorithm>(alg);
  const auto kem = crypto::hpke::kem_info(a.suite.kem_id).value();
  auto info = r.take(info_len);
  if (!info) return fail(p.malformed_code, "SealedAccessKey.info: " + info.error().message);
  s.info.assign(info->begin(), info->end());
  auto enc = r.take(kem.Nenc);  // Table 54: u8[Nenc]
  if (!enc) return fail("LOCK_KEM_DECAPSULATION", "SealedAccessKey.kem_ciphertext (Nenc = " + std::to_string(kem.Nenc) +
                                                      "): " + enc.error().message);
  s.kem_ciphertext.assign(enc->begin(), enc->end());
  auto ct = r.take(s.access_key_len + crypto::hpke::Nt);  // u8[access_key_len + Nt]
  if (!ct) return fail("LOCK_ACCESS_KEY_UNWRAP", "SealedAccessKey.ak_ciphertext (access_key_len + Nt = " +
                                                     std::to_string(s.access_key_len + crypto::hpke::Nt) +
                                                     "): " + ct.error().message);
  s.ak_ciphertext.assign(ct->begin(), ct->end());
  return s;
}

/// Decodes a buffer that holds exactly one SealedAccessKey.
inline Outcome<SealedAccessKey> decode(const Profile& p, ByteView bytes) {
  Reader r(bytes, "SealedAccessKey");
  auto s = decode(p, r);
  if (std::holds_alternative<SealedAccessKey>(s) && !r.empty())
    return fail(p.malformed_code, "SealedAccessKey: " + std::to_string(r.remaining()) + " trailing byte(s) at offset " +
                                      std::to_string(r.offset()));
  return s;
}

inline Bytes encode(const SealedAccessKey& s) {
  Bytes out;
  put_le(out, s.hpke_handle, 4);
  put_le(out, s.hpke_algorithm, 4);
  put_le(out, s.access_key_len, 4);
  put_le(out, s.info.size(), 4);
  out.insert(out.end(), s.info.begin(), s.info.end());
  out.insert(out.end(), s.kem_ciphertext.begin(), s.kem_ciphertext.end());
  out.insert(out.end(), s.ak_ciphertext.begin(), s.ak_ciphertext.end());
  return out;
}

// ---- the KMB side: unwrap (Figures 7-10) ---------------------------------------------------

/// One HPKE keypair held by KMB (§4.6.2.1: one per supported algorithm, addressed by handle).
struct HpkeKeypair {
  std::uint32_t handle = 0;
  std::uint32_t hpke_algorithm = 0;  // Table 20 bit
  Bytes sk;                          // serialized private key of the KEM
  friend bool operator==(const HpkeKeypair&, const HpkeKeypair&) = default;
};

/// Unwraps the access key(s): SetupBaseR, then one Open per ciphertext from the same context
/// (§4.6.2.2.3: the rewrap flow opens twice, the sequence number advancing in between).
inline Outcome<std::vector<Bytes>> unseal_all(const Profile& p, const SealedAccessKey& s, const HpkeKeypair& kp,
                                              const std::vector<ByteView>& extra_ciphertexts = {}) {
  if (s.hpke_handle != kp.handle)
    return fail("LOCK_BAD_HANDLE", "hpke_handle " + std::to_string(s.hpke_handle) + " is not the keypair's handle " +
                                       std::to_string(kp.handle));
  auto alg = algorithm(p, s.hpke_algorithm);
  if (auto* f = std::get_if<Failure>(&alg)) return *f;
  if (s.hpke_algorithm != kp.hpke_algorithm)  // Table 57: "algorithm does not match the given handle"
    return fail("LOCK_BAD_ALGORITHM", "hpke_algorithm " + std::to_string(s.hpke_algorithm) +
                                          " does not match handle " + std::to_string(kp.handle) + "'s algorithm " +
                                          std::to_string(kp.hpke_algorithm));
  if (auto l = check_access_key_len(p, s.access_key_len); std::holds_alternative<Failure>(l))
    return std::get<Failure>(l);
  const auto& a = std::get<HpkeAlgorithm>(alg);
  const auto kem = crypto::hpke::kem_info(a.suite.kem_id).value();
  if (s.kem_ciphertext.size() != kem.Nenc)
    return fail("LOCK_KEM_DECAPSULATION", "kem_ciphertext: expected Nenc = " + std::to_string(kem.Nenc) +
                                              " bytes, got " + std::to_string(s.kem_ciphertext.size()));
  auto ctx = crypto::hpke::setup_base_r(a.suite, s.kem_ciphertext, kp.sk, s.info);
  if (!ctx) return fail("LOCK_KEM_DECAPSULATION", ctx.error().message);
  std::vector<Bytes> out;
  std::vector<ByteView> cts{ByteView(s.ak_ciphertext)};
  cts.insert(cts.end(), extra_ciphertexts.begin(), extra_ciphertexts.end());
  for (std::size_t i = 0; i < cts.size(); ++i) {
    if (cts[i].size() != s.access_key_len + crypto::hpke::Nt)
      return fail("LOCK_ACCESS_KEY_UNWRAP", "ciphertext " + std::to_string(i) + ": expected access_key_len + Nt = " +
                                                std::to_string(s.access_key_len + crypto::hpke::Nt) + " bytes, got " +
                                                std::to_string(cts[i].size()));
    auto pt = ctx.value().open(p.aad, cts[i]);
    if (!pt) return fail("LOCK_ACCESS_KEY_UNWRAP", "ciphertext " + std::to_string(i) + " (seq " +
                                                       std::to_string(ctx->seq) + "): " + pt.error().message);
    out.push_back(*pt);
  }
  return out;
}

/// The single-decryption flows (GENERATE_MPK, ENABLE_MPK, TEST_ACCESS_KEY ...).
inline Outcome<Bytes> unseal(const Profile& p, const SealedAccessKey& s, const HpkeKeypair& kp) {
  auto r = unseal_all(p, s, kp);
  if (auto* f = std::get_if<Failure>(&r)) return *f;
  return std::get<std::vector<Bytes>>(r).front();
}

// ---- the host / key-management side: seal -------------------------------------------------

/// Seals access keys to an HPKE public key: one context, one Seal per key (the first goes in
/// the SealedAccessKey; for REWRAP_MPK the second is new_ak_ciphertext). `randomness` is the
/// KEM's encapsulation randomness (crypto/hpke.hpp).
struct Sealed {
  SealedAccessKey sealed;
  std::vector<Bytes> extra_ciphertexts;
};
inline Outcome<Sealed> seal(const Profile& p, std::uint32_t handle, std::uint32_t hpke_algorithm, ByteView pkR,
                            ByteView info, const std::vector<Bytes>& access_keys, ByteView randomness) {
  auto alg = algorithm(p, hpke_algorithm);
  if (auto* f = std::get_if<Failure>(&alg)) return *f;
  if (access_keys.empty()) return fail(p.malformed_code, "seal: no access key");
  const auto len = static_cast<std::uint32_t>(access_keys.front().size());
  if (auto l = check_access_key_len(p, len); std::holds_alternative<Failure>(l)) return std::get<Failure>(l);
  auto snd = crypto::hpke::setup_base_s(std::get<HpkeAlgorithm>(alg).suite, pkR, info, randomness);
  if (!snd) return fail("LOCK_KEM_DECAPSULATION", "seal: " + snd.error().message);
  Sealed out;
  out.sealed = SealedAccessKey{handle, hpke_algorithm, len, Bytes(info.begin(), info.end()), snd.value().enc, {}};
  for (std::size_t i = 0; i < access_keys.size(); ++i) {
    if (access_keys[i].size() != len) return fail(p.malformed_code, "seal: access keys differ in length");
    auto ct = snd.value().ctx.seal(p.aad, access_keys[i]);
    if (!ct) return fail("LOCK_ACCESS_KEY_UNWRAP", "seal: " + ct.error().message);
    (i == 0 ? out.sealed.ak_ciphertext : out.extra_ciphertexts.emplace_back()) = *ct;
  }
  return out;
}

// ---- Table 58: info for the MEK-MPA bindings ----------------------------------------------

/// `info` = "the hex value of the <method> method UID" || "the hex value of the target
/// AccessCondition object UID" (Table 58 rows GENERATE_MPK, REWRAP_MPK, ENABLE_MPK,
/// TEST_ACCESS_KEY). The UIDs are TCG 8-byte UIDs; the spelling is the profile's.
inline Result<Bytes> mek_mpa_info(const Profile& p, ByteView method_uid, ByteView access_condition_uid) {
  if (method_uid.size() != 8 || access_condition_uid.size() != 8)
    return make_error("Table 58 info: method and AccessCondition UIDs must be 8-byte TCG UIDs, got " +
                      std::to_string(method_uid.size()) + " and " + std::to_string(access_condition_uid.size()));
  switch (p.info_encoding) {
    case InfoEncoding::uid_bytes:
      return concat({method_uid, access_condition_uid});
    case InfoEncoding::ascii_hex_lower:
      return to_bytes(to_hex(method_uid) + to_hex(access_condition_uid));
    case InfoEncoding::ascii_hex_upper: {
      std::string h = to_hex(method_uid) + to_hex(access_condition_uid);
      for (auto& c : h) c = static_cast<char>(c >= 'a' && c <= 'f' ? c - 'a' + 'A' : c);
      return to_bytes(h);
    }
  }
  return make_error("Table 58 info: unknown encoding");
}

}  // namespace lockref::lock::sealed

BOOST_HANA_ADAPT_STRUCT(lockref::lock::sealed::SealedAccessKey, hpke_handle, hpke_algorithm, access_key_len, info,
                        kem_ciphertext, ak_ciphertext);
BOOST_HANA_ADAPT_STRUCT(lockref::lock::sealed::Profile, hpke_algorithms, access_key_sizes, malformed_code, aad,
                        info_encoding);
