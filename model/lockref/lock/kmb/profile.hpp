// OCP L.O.C.K. 0.9 KMB mailbox: the vendor-open constants and the model's choices where
// 0.9 is silent or contradicts itself. Each field names its source; the choices are
// errata entries (spec/errata.md, section "KMB mailbox").
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "lockref/core/enum.hpp"
#include "lockref/core/json.hpp"
#include "lockref/engine/system.hpp"
#include "lockref/lock/epoch.hpp"
#include "lockref/lock/sealed_access_key.hpp"

namespace lockref::lock::kmb {

/// How REWRAP_MPK obtains the new access key (errata E-KMB-REWRAP).
///  two_opens:     §4.6.2.2.3 and Figure 46: new_ak_ciphertext is the second Open of the
///                 SealedAccessKey's HPKE context (sequence number 1): it IS the new key.
///  inner_decrypt: §4.7.2.12 ("current_access_key is used to decrypt new_access_key") as
///                 the 0.8 draft (seed 004) describes it: the second Open yields the new key
///                 encrypted to the current one; since Table 32 leaves no room for a second
///                 tag, the inner layer is length-preserving: AES-256-ECB-Decrypt(current
///                 access key, blob) (model choice).
enum class RewrapReading : std::uint8_t { two_opens, inner_decrypt };
constexpr auto enum_names(RewrapReading) {
  return std::array{EnumName{RewrapReading::two_opens, "two_opens"},
                    EnumName{RewrapReading::inner_decrypt, "inner_decrypt"}};
}

/// What an MEK command (GENERATE_MEK, LOAD_MEK, DERIVE_MEK) does to the MPK secret that
/// INITIALIZE_MEK_SECRET and MIX_MPK built (Key Vault slot 20). Table 1: the MPK secret "is
/// zeroized after an MEK secret is derived" (errata E-KMB-MEK-CONSUMES).
///  consumed:            zeroized as soon as the MEK secret is derived, whether the command
///                       then succeeds or not (Table 1, literally). Default.
///  consumed_on_success: zeroized only when the command succeeds.
///  kept:                never zeroized by an MEK command (Figure 26 read as a state).
enum class MpkSecretUse : std::uint8_t { consumed, consumed_on_success, kept };
constexpr auto enum_names(MpkSecretUse) {
  return std::array{EnumName{MpkSecretUse::consumed, "consumed"},
                    EnumName{MpkSecretUse::consumed_on_success, "consumed_on_success"},
                    EnumName{MpkSecretUse::kept, "kept"}};
}

/// The bytes of a failed command's response (errata E-KMB-ERROR-RESPONSE): 0.9 reports the
/// error "in the command return status" (§4.7.2.23) and says "Each mailbox command returns
/// a 'fips_status' field" (§4.7.2.1).
///  header: chksum || fips_status (8 bytes). Default.
///  empty:  no bytes.
enum class ErrorResponse : std::uint8_t { header, empty };
constexpr auto enum_names(ErrorResponse) {
  return std::array{EnumName{ErrorResponse::header, "header"}, EnumName{ErrorResponse::empty, "empty"}};
}

/// Which code INITIALIZE_MEK_SECRET answers to (errata E-KMB-IMKS-CODE).
enum class ImksCode : std::uint8_t { ascii, printed, both };
constexpr auto enum_names(ImksCode) {
  return std::array{EnumName{ImksCode::ascii, "ascii"}, EnumName{ImksCode::printed, "printed"},
                    EnumName{ImksCode::both, "both"}};
}

struct Profile {
  /// The run's seed: the TRNG, the platform secrets (IDevID CDI, HEK seeds) and therefore
  /// every DRBG output derive from it (§4.6.6; ARCHITECTURE "no hidden randomness").
  std::uint64_t seed = 1;
  /// The fuse bank and lifecycle of the device KMB runs in (§4.6.4.1). Default: production,
  /// HEK slot 0 randomized, SEK programmed.
  epoch::State fuses{epoch::Lifecycle::production,
                     {epoch::Slot::randomized, epoch::Slot::blank, epoch::Slot::blank, epoch::Slot::blank},
                     epoch::PermaHek::unset,
                     epoch::Sek::programmed};
  /// Table 20 endorsement_algorithms KMB reports: byte 0 bit 0 ecdsa_secp384r1_sha384,
  /// bit 1 ml-dsa-87. Model: bit 0 only (ML-DSA-87 signing is not modelled).
  std::uint32_t endorsement_algorithms = 0b01;
  /// HPKE algorithms, access key sizes, AAD and Table 58 info (lock/sealed_access_key.hpp).
  sealed::Profile hpke;
  RewrapReading rewrap = RewrapReading::two_opens;
  MpkSecretUse mpk_secret_use = MpkSecretUse::consumed;
  ErrorResponse error_response = ErrorResponse::header;
  ImksCode imks_code = ImksCode::ascii;
  /// Table 12: 0h "FIPS mode enabled" in every response.
  std::uint32_t fips_status = 0;
  /// First HPKE handle after a cold reset; later handles count up (model choice: §4.6.2.1
  /// asks only for unique handles).
  std::uint32_t first_handle = 1;
  /// Codes Table 57 does not provide (model choices, errata E-KMB-PROFILE-CODES). Each is
  /// four ASCII characters like Table 57's.
  std::string malformed_code = "LOCK_MALFORMED_REQUEST";   // "LMAL": a length or reserved value is wrong
  std::string checksum_code = "LOCK_BAD_CHECKSUM";         // "LBCK"
  std::string unknown_command_code = "LOCK_UNKNOWN_COMMAND";  // "LUNC"
  std::string sequence_code = "LOCK_COMMAND_SEQUENCE";     // "LSEQ": ROM command after boot, runtime before
  std::string fatal_code = "LOCK_FATAL";                   // "LFAT": KMB is in a fatal-error state
  /// DERIVE_MEK with a non-zero mek_checksum that differs (Figure 25 "The operation fails"):
  /// Table 57 has no checksum code; LOCK_MEK_DECRYPT is the closest (errata E-KMB-DERIVE-CHECKSUM).
  std::string derive_checksum_code = "LOCK_MEK_DECRYPT";
  /// The encryption engine and KMB's driver (engine/system.hpp). xts_key_check is the
  /// profile's "engine in AES-XTS mode" (§4.6.5.5).
  engine::sys::Profile engine;
  friend bool operator==(const Profile&, const Profile&) = default;
};

/// The value of a code name: Table 57, then the profile's codes, then LOCK_ENGINE_CODE+u16.
struct ProfileCode {
  std::string_view name;
  std::uint32_t value;
};
inline constexpr std::array<ProfileCode, 5> profile_codes{{
    {"LOCK_MALFORMED_REQUEST", 0x4C4D414C},  // "LMAL"
    {"LOCK_BAD_CHECKSUM", 0x4C42434B},       // "LBCK"
    {"LOCK_UNKNOWN_COMMAND", 0x4C554E43},    // "LUNC"
    {"LOCK_COMMAND_SEQUENCE", 0x4C534551},   // "LSEQ"
    {"LOCK_FATAL", 0x4C464154},              // "LFAT"
}};

/// Value of a result name; 0 for "ok"; std::nullopt for a name nobody defines.
inline std::optional<std::uint32_t> code_value(std::string_view name) {
  if (name == "ok") return 0u;
  if (auto c = result_code(name)) return c->value;
  for (const auto& c : profile_codes)
    if (c.name == name) return c.value;
  return std::nullopt;
}

}  // namespace lockref::lock::kmb

BOOST_HANA_ADAPT_STRUCT(lockref::lock::kmb::Profile, seed, fuses, endorsement_algorithms, hpke, rewrap, mpk_secret_use,
                        error_response, imks_code, fips_status, first_handle, malformed_code, checksum_code,
                        unknown_command_code, sequence_code, fatal_code, derive_checksum_code, engine);
