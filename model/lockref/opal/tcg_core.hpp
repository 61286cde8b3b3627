// The TCG Storage Core facts the Seagate CC guide (seed 000) relies on, in ONE table of data.
//
// The guide names C_PIN credentials, Try Limit / Persistence and "TCG Opal" status, but
// not the Core definitions themselves. They are public facts; each row records where it
// was read:
//   [CORE-5.1.5]   (the table itself: tcg/method_status.hpp) TCG Storage Architecture Core Specification 2.01 rev 1.00, §5.1.5
//                  "Method Status Codes". Values as transcribed in linux-nvme/nvme-cli
//                  plugins/sed/sedopal_spec.h ("TCP Storage Architecture Core Specification
//                  Version 2.01 section 5.1.5 Method Status Codes") and in the libnvme
//                  API manual, enum tcg_method_status (same names, same order).
//   [CORE-C_PIN]   TCG Core 2.01, C_PIN table (columns PIN, CharSet, TryLimit, Tries,
//                  Persistence). Column semantics as described by a vendor's public
//                  implementation note (HGST Ultrastar C15K600 spec §21.5.1: "Try Limit is
//                  set to 0, meaning that there is no limit. Tries ... number of fail
//                  attempts. Persistence ... 0, meaning the Tries value does not persist
//                  through power cycles (reset to 0 after successful attempt or a power
//                  cycle)") and by the guide itself ("Validation - Try Limits and Persistence").
//   [GUIDE-FW]     seed 000 "Firmware Update Error Messages" / "Firmware Rollback Protection".
//   [GUIDE-L0]     seed 000 "TCG Opal Security Mode Unauthenticated Services", Show Status:
//                  "TCG Level 0 Discovery: CC Security Mode Operating Mode Indicator
//                  (Byte 30, Bit 0) = 1".
// Nothing else in lockref::opal spells these numbers; everything looks them up here.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "lockref/tcg/method_status.hpp"

namespace lockref::opal {

/// Core method status codes [CORE-5.1.5] live in tcg/method_status.hpp (every SP shares
/// them); these are the other outcomes lockref::opal names, in the same shape.
using tcg::MethodStatus;

inline constexpr std::array<MethodStatus, 3> opal_outcome_codes{{
    // Not Core method statuses: the NVMe firmware-download error the guide names
    // ([GUIDE-FW]: StatusType = 1h, StatusCode = 07h, "Invalid Firmware Image"), kept in
    // the same shape so every code lockref::opal emits is listed once. value = StatusCode.
    {"INVALID_FIRMWARE_IMAGE", 0x07, "GUIDE-FW StatusType 1h"},
    // Model-named outcome for a download attempted while the port is locked: the guide
    // says only "**FW Download Port has to be Unlocked" (errata E-OPAL-FW-LOCKED-CODE).
    {"FW_DOWNLOAD_PORT_LOCKED", 0xFF, "model choice (errata E-OPAL-FW-LOCKED-CODE)"},
    // User data read/write refused by a locked range. The guide says only "*Data Range has
    // to be Unlocked"; NVMe reports this as Access Denied (Status Code Type 2h, Status Code
    // 86h). Model choice: value = NVMe StatusCode.
    {"ACCESS_DENIED", 0x86, "model choice: NVMe SCT 2h SC 86h Access Denied"},
}};

/// The value of a status mnemonic lockref::opal knows: a Core method status, else one of
/// opal_outcome_codes.
constexpr std::optional<std::uint8_t> status_value(std::string_view name) {
  if (auto v = tcg::method_status_value(name)) return v;
  for (const auto& s : opal_outcome_codes)
    if (s.name == name) return s.value;
  return std::nullopt;
}

/// NVMe status the guide gives for a rejected firmware image ([GUIDE-FW]).
inline constexpr std::uint8_t fw_invalid_status_type = 0x1, fw_invalid_status_code = 0x07;

/// [GUIDE-L0] Where Show Status reports the CC mode indicator.
inline constexpr std::uint16_t cc_indicator_byte = 30;
inline constexpr std::uint8_t cc_indicator_bit = 0;

struct CPinColumn {
  std::string_view name;
  std::string_view meaning;
  std::string_view source;
};

/// [CORE-C_PIN] The C_PIN columns the model keeps per credential.
inline constexpr std::array<CPinColumn, 5> c_pin_columns{{
    {"PIN", "the credential value presented by Authenticate / StartSession", "CORE-C_PIN"},
    {"TryLimit", "upper bound on Tries; 0 means no limit", "CORE-C_PIN; HGST C15K600 §21.5.1"},
    {"Tries", "count of failed authentications; reset to 0 by a successful one", "CORE-C_PIN; guide 'Try Limits'"},
    {"Persistence", "TRUE: Tries survives a power cycle; FALSE: reset to 0 on power cycle",
     "CORE-C_PIN; guide 'Try Limits'"},
    {"_MinPINLength", "Seagate vendor column: minimum PIN length accepted by Set (not TCG)",
     "guide 'TCG Opal Setup & Configuration'"},
}};

}  // namespace lockref::opal
