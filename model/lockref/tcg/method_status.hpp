// TCG Storage method status codes (TCG Storage Architecture Core Specification 2.01
// rev 1.00 §5.1.5 "Method Status Codes"), the one table every SP of lockref reports from.
//
// Source of the values: the Core specification as transcribed in linux block/sed-opal.c
// (opal_errors[], "Derived from: TCG_Storage_Architecture_Core_Spec_v2.01_r1.00 Section:
// 5.1.5 Method Status Codes") and in linux-nvme/nvme-cli plugins/sed/sedopal_spec.h (same
// names, same order). Obsolete codes are omitted. Seed 002 shows only SUCCESS (00 in every
// status list of §3.3); seed 000 names NOT_AUTHORIZED / AUTHORITY_LOCKED_OUT behaviour.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace lockref::tcg {

struct MethodStatus {
  std::string_view name;  // Core mnemonic; an SP's Output::status uses it ("ok" stands for SUCCESS)
  std::uint8_t value;
  std::string_view source;
};

inline constexpr std::array<MethodStatus, 16> method_status_codes{{
    {"SUCCESS", 0x00, "CORE-5.1.5"},
    {"NOT_AUTHORIZED", 0x01, "CORE-5.1.5"},
    {"SP_BUSY", 0x03, "CORE-5.1.5"},
    {"SP_FAILED", 0x04, "CORE-5.1.5"},
    {"SP_DISABLED", 0x05, "CORE-5.1.5"},
    {"SP_FROZEN", 0x06, "CORE-5.1.5"},
    {"NO_SESSIONS_AVAILABLE", 0x07, "CORE-5.1.5"},
    {"UNIQUENESS_CONFLICT", 0x08, "CORE-5.1.5"},
    {"INSUFFICIENT_SPACE", 0x09, "CORE-5.1.5"},
    {"INSUFFICIENT_ROWS", 0x0A, "CORE-5.1.5"},
    {"INVALID_PARAMETER", 0x0C, "CORE-5.1.5"},
    {"TPER_MALFUNCTION", 0x0F, "CORE-5.1.5"},
    {"TRANSACTION_FAILURE", 0x10, "CORE-5.1.5"},
    {"RESPONSE_OVERFLOW", 0x11, "CORE-5.1.5"},
    {"AUTHORITY_LOCKED_OUT", 0x12, "CORE-5.1.5"},
    {"FAIL", 0x3F, "CORE-5.1.5"},
}};

/// The Core value of a status mnemonic ("ok" = SUCCESS).
constexpr std::optional<std::uint8_t> method_status_value(std::string_view name) {
  if (name == "ok") return std::uint8_t{0x00};
  for (const auto& s : method_status_codes)
    if (s.name == name) return s.value;
  return std::nullopt;
}

/// The mnemonic of a Core status value ("ok" for SUCCESS), for decoding a device's answer.
constexpr std::optional<std::string_view> method_status_name(std::uint64_t v) {
  if (v == 0) return std::string_view("ok");
  for (const auto& s : method_status_codes)
    if (s.value == v) return s.name;
  return std::nullopt;
}

}  // namespace lockref::tcg
