// OCP L.O.C.K. 0.9 §4.7.2.23 Table 57: KMB mailbox command result codes, as data.
// Each value is four ASCII characters read big-endian ("LETO" = 0x4C45544F).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace lockref::lock {

struct ResultCode {
  std::string_view name;
  std::uint32_t value;
  std::string_view mnemonic;
  std::string_view description;
};

/// Table 57. LOCK_ENGINE_CODE is a base: the low 16 bits carry the vendor code
/// (see errata E-LOCK-T57-ENGINE-CODE: the value 0x4443_xxxx spells "DCxx", not "ECxx").
inline constexpr std::array<ResultCode, 13> table57{{
    {"LOCK_ENGINE_TIMEOUT", 0x4C45544F, "LETO", "Timeout occurred when communicating with the drive encryption engine to execute a command"},
    {"LOCK_ENGINE_CODE", 0x44430000, "ECxx", "Vendor-specific error code in the low 16 bits"},
    {"LOCK_BAD_ALGORITHM", 0x4C42414C, "LBAL", "Unsupported algorithm, or algorithm does not match the given handle"},
    {"LOCK_BAD_HANDLE", 0x4C424841, "LBHA", "Unknown handle"},
    {"LOCK_NO_HANDLES", 0x4C4E4841, "LNHA", "Too many extant handles exist"},
    {"LOCK_KEM_DECAPSULATION", 0x4C4B4445, "LKDE", "Error during KEM decapsulation"},
    {"LOCK_ACCESS_KEY_UNWRAP", 0x4C414B55, "LAKU", "Error during access key decryption"},
    {"LOCK_MPK_DECRYPT", 0x4C504445, "LPDE", "Error during MPK decryption"},
    {"LOCK_MEK_DECRYPT", 0x4C4D4445, "LMDE", "Error during MEK decryption"},
    {"LOCK_HEK_INVALID_SLOT", 0x4C484953, "LHIS", "Incorrect HEK slot when programming or zeroizing"},
    {"LOCK_EE_NOT_READY", 0x4C454E52, "LENR", "Encryption engine was not ready when the command was received."},
    {"LOCK_HEK_NOT_AVAILABLE", 0x4C484E41, "LHNA", "The operation requires the HEK, which is unavailable."},
    {"LOCK_MEK_NOT_INITIALIZED", 0x4C4D4E49, "LMNI", "MIX_MPK, GENERATE_MEK, LOAD_MEK, or DERIVE_MEK were called without first invoking INITIALIZE_MEK_SECRET."},
}};

constexpr std::optional<ResultCode> result_code(std::string_view name) {
  for (const auto& c : table57)
    if (c.name == name) return c;
  return std::nullopt;
}

/// The four ASCII characters of a code value, most significant byte first.
constexpr std::array<char, 4> fourcc(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>((v >> 16) & 0xFF), static_cast<char>((v >> 8) & 0xFF),
          static_cast<char>(v & 0xFF)};
}

}  // namespace lockref::lock
