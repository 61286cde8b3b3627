// Opal drive profiles: the vendor-open constants of the Seagate Common Criteria guide
// (seed 000_486f11a636b6eb99.txt, "Seagate Secure NVMe SED Common Criteria Configuration
// Guide" v1.2) and the model choices where the guide is silent or ambiguous.
//
// Sources:
//   guide "Validation - Try Limits and Persistence Settings" (the table; try_limit_table below)
//   guide "TCG Opal Setup & Configuration" (_MinPINLength, 8..32 bytes)
//   guide "Protection of Data on Disk" (MSID, PSID, up to 9 ranges, up to 9 users, 32-byte PINs)
// Errata ids refer to spec/errata.md.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lockref/core/enum.hpp"
#include "lockref/core/json.hpp"

namespace lockref::opal {

/// Credential classes, one per row group of the "Try Limits and Persistence" table.
enum class CredClass : std::uint8_t { sid, psid, admin_sp_admin, locking_admin, user };
constexpr auto enum_names(CredClass) {
  return std::array{EnumName{CredClass::sid, "SID"}, EnumName{CredClass::psid, "PSID"},
                    EnumName{CredClass::admin_sp_admin, "AdminSP.Admin"},
                    EnumName{CredClass::locking_admin, "LockingSP.Admin"}, EnumName{CredClass::user, "User"}};
}

/// One cell group of the table: "Try Limit: Retry-count, Settable; Persistent".
struct TryPolicy {
  std::uint32_t try_limit = 0;  // 0 = no limit (TCG Core C_PIN TryLimit, tcg_core.hpp)
  bool settable = false;
  bool persistent = false;
  friend bool operator==(const TryPolicy&, const TryPolicy&) = default;
};

/// One row of the guide's "Try Limits and Persistence" table, as printed.
struct TryLimitRow {
  std::string_view credential;  // "SID", "PSID", "Locking SP Admin 1-4 Passwords (BEV)", ...
  CredClass cls;
  std::string_view firmware;    // "SE4SA530" | "SGEBHG02"
  std::string_view type;        // "TCG Opal"
  TryPolicy policy;
};

/// guide "Validation - Try Limits and Persistence Settings", all ten rows (v1.2, 03/07/2024).
inline constexpr std::array<TryLimitRow, 10> try_limit_table{{
    {"SID", CredClass::sid, "SE4SA530", "TCG Opal", {5, true, false}},
    {"SID", CredClass::sid, "SGEBHG02", "TCG Opal", {100, true, true}},
    {"PSID", CredClass::psid, "SE4SA530", "TCG Opal", {5, true, false}},
    {"PSID", CredClass::psid, "SGEBHG02", "TCG Opal", {100, true, true}},
    {"Locking SP Admin 1-4 Passwords (BEV)", CredClass::locking_admin, "SE4SA530", "TCG Opal", {5, true, false}},
    {"Locking SP Admin 1-4 Passwords (BEV)", CredClass::locking_admin, "SGEBHG02", "TCG Opal", {100, true, true}},
    {"Admin SP Admin 1-4 Passwords (BEV)", CredClass::admin_sp_admin, "SE4SA530", "TCG Opal", {5, true, false}},
    {"Admin SP Admin 1-4 Passwords (BEV)", CredClass::admin_sp_admin, "SGEBHG02", "TCG Opal", {100, true, true}},
    {"User 1-9 Passwords (BEV)", CredClass::user, "SE4SA530", "TCG Opal", {5, true, false}},
    {"User 1-9 Passwords (BEV)", CredClass::user, "SGEBHG02", "TCG Opal", {100, true, true}},
}};

/// Which Show Status rule sets the Level 0 "CC Security Mode Operating Mode Indicator"
/// (errata E-OPAL-CC-INDICATOR).
enum class CcIndicatorRule : std::uint8_t {
  security_rules,   // indicator = every CC Approved Mode condition holds ("Reports if CM satisfies Security Rules")
  min_pin_length,   // indicator = "configured with PIN length larger than 8 bytes" only
};
constexpr auto enum_names(CcIndicatorRule) {
  return std::array{EnumName{CcIndicatorRule::security_rules, "security_rules"},
                    EnumName{CcIndicatorRule::min_pin_length, "min_pin_length"}};
}

/// Which events candidate_events offers (exploration and corpora only; step() accepts every
/// event in every scope). "all" explores the product of everything; the others keep
/// `lockref explore opal` exhaustive and fast over one area at a time.
/// "sum" is Single User Mode (Reactivate, Erase, a SUDR's owner) with the range events it
/// governs; it needs Users (range 1's owner is User2): `lockref explore opal --scope sum --users 2`.
enum class Scope : std::uint8_t { all, credentials, locking, firmware, sum };
constexpr auto enum_names(Scope) {
  return std::array{EnumName{Scope::all, "all"}, EnumName{Scope::credentials, "credentials"},
                    EnumName{Scope::locking, "locking"}, EnumName{Scope::firmware, "firmware"},
                    EnumName{Scope::sum, "sum"}};
}

struct Profile {
  std::string firmware = "generic";
  // ---- try limits per credential class ("Try Limits and Persistence" table) ----
  TryPolicy sid{1, true, false};
  TryPolicy psid{1, true, false};
  TryPolicy admin_sp_admin{1, true, false};
  TryPolicy locking_admin{1, true, false};
  TryPolicy user{1, true, false};
  // ---- how many authorities and ranges are modelled ----
  // The device has Admin SP Admin1-4, Locking SP Admin1-4, User1-9 and up to 9 ranges
  // (guide "Protection of Data on Disk", "TCG Opal Security Mode Services"). Fewer may be
  // modelled to keep exploration small; the Seagate profiles model all of them.
  std::uint8_t admin_sp_admins = 0;
  std::uint8_t locking_admins = 1;
  std::uint8_t users = 0;
  std::uint8_t ranges = 1;  // non-global ranges (Locking_Range1..n)
  // ---- credential values ----
  /// Manufactured SID: "a 32-byte manufactured SID (MSID), a fixed value when fresh out of the
  /// box that is used as the default PIN" (guide "Protection of Data on Disk"). Value: model.
  std::string msid = "MSID-MSID-MSID-MSID-MSID-MSID-32";
  /// "physical SID (PSID) public drive unique 32-byte value on the drive label". Value: model.
  std::string psid_pin = "PSID-PSID-PSID-PSID-PSID-PSID-32";
  // ---- PIN policy (guide "TCG Opal Setup & Configuration") ----
  /// _MinPINLength before any Set. Model choice: the guide does not state the factory value.
  std::uint8_t default_min_pin_length = 0;
  /// Values _MinPINLength may be set to: "The minimum pin length requirement is 8 bytes",
  /// "full 32 byte PIN values ... by setting ... '_MinPINLength' to 32"; "PINs with length up to 32 bytes".
  std::uint8_t min_pin_length_floor = 8;
  std::uint8_t max_pin_length = 32;
  // ---- choices where the guide is ambiguous (spec/errata.md) ----
  /// E-OPAL-AT-LIMIT: at the Try Limit a correct PIN is refused too ("the drive will lock out
  /// all further authentication attempts"), not accepted ("successful authentication ... at any
  /// time before the Try Limit is reached" resets the counter).
  bool refuse_correct_pin_at_limit = true;
  /// E-OPAL-STEP3-USER: User authorities are enabled when the Locking SP is activated. Setup
  /// step 3 authenticates as User1 and no step enables it.
  bool users_enabled_on_activate = true;
  /// E-OPAL-SETTABLE: who may set TryLimit. true: the authorities the matrix lets Set PIN of
  /// that credential (the guide's example: Admin1 sets its own TryLimit).
  bool try_limit_set_like_pin = true;
  /// E-OPAL-CC-INDICATOR: "PIN length larger than 8 bytes": strictly greater (> 8) or at least.
  bool cc_pin_length_strictly_greater = false;
  std::uint8_t cc_min_pin_length = 8;
  CcIndicatorRule cc_indicator_rule = CcIndicatorRule::security_rules;
  /// E-OPAL-FW-POR: "It can be locked by either performing a power on reset or by resetting
  /// the _PortLocking Object PortLocked Column to TRUE." false: a power cycle locks the port
  /// only when its LockOnReset holds Power Cycle (setup step 8, the TCG port model); true: a
  /// power cycle always locks it, as the sentence reads on its own.
  bool fw_port_power_cycle_always_locks = false;
  /// E-OPAL-SUM-REACTIVATE: what Reactivate does beyond "Enable/Disable SUDR classification for
  /// a data range". true: the Locking SP starts over as RevertSP + Activate with the new
  /// selection do (Locking SP credentials and ranges to factory values, every MEK replaced);
  /// false: only the classification changes, data and credentials stay.
  bool reactivate_resets_locking_sp = true;
  /// E-OPAL-SUM-GENKEY: the "Cryptographic Erase of SUDR" row names "TCG Erase Method TCG GenKey
  /// Method, TCG Erase Method". true: GenKey on a SUDR's key is accepted from the same operators
  /// as Erase; false: a SUDR is erased by Erase only (GenKey refused NOT_AUTHORIZED).
  bool genkey_on_sudr = true;
  /// E-OPAL-SUM-ACTIVATE: the guide lists only Reactivate (LockingSP Admins) for the SUDR
  /// classification; the TCG Single User Mode feature set (as host tools send it) also lets the
  /// Drive Owner's Activate carry a single-user selection. true: accepted from the Activate row's
  /// operator (Drive Owner); false: refused INVALID_PARAMETER, only Reactivate classifies.
  bool activate_sum = true;
  /// E-OPAL-ACTIVATE-ADMIN1-PIN: Admin1's PIN after Activate. false: the guide's "The initial
  /// value for SID and various other PINs is a 32-byte manufactured SID (MSID)" (Admin1 keeps
  /// the MSID); true: Activate copies SID's current PIN into Admin1, as host tools rely on
  /// (sedutil initialSetup: take ownership, Activate, then Admin1 with the SID password).
  bool activate_copies_sid_pin = false;
  /// Size of the Locking SP's DataStore byte table in bytes. Model choice: the guide has no
  /// DataStore; the real-drive Level 0 captures (external-vectors/tcg, DataStore feature 0x0202)
  /// report a maximum total DataStore size of 0x00A00000 = 10,485,760 bytes.
  std::uint32_t datastore_size = 10485760;
  // ---- status codes the guide leaves open (model choices) ----
  /// Sessions to the Locking SP before Activate. Model choice (TCG Opal: Manufactured-Inactive SP).
  std::string inactive_sp_status = "INVALID_PARAMETER";
  /// Set PIN shorter than _MinPINLength, or a value out of range. Model choice.
  std::string invalid_value_status = "INVALID_PARAMETER";
  /// Firmware download while the port is locked. E-OPAL-FW-LOCKED-CODE.
  std::string fw_locked_status = "FW_DOWNLOAD_PORT_LOCKED";
  // ---- bounds for candidate_events only (exploration and corpora; step accepts any value) ----
  std::uint8_t max_security_version = 1;
  std::uint32_t max_key_generation = 2;
  Scope scope = Scope::credentials;
  friend bool operator==(const Profile&, const Profile&) = default;
};

inline TryPolicy policy_for(const Profile& p, CredClass c) {
  switch (c) {
    case CredClass::sid: return p.sid;
    case CredClass::psid: return p.psid;
    case CredClass::admin_sp_admin: return p.admin_sp_admin;
    case CredClass::locking_admin: return p.locking_admin;
    case CredClass::user: return p.user;
  }
  return {};
}

/// A profile whose try limits are one firmware's rows of the guide's table.
inline std::optional<Profile> seagate_profile(std::string_view firmware) {
  Profile p;
  bool found = false;
  for (const auto& r : try_limit_table) {
    if (r.firmware != firmware) continue;
    found = true;
    switch (r.cls) {
      case CredClass::sid: p.sid = r.policy; break;
      case CredClass::psid: p.psid = r.policy; break;
      case CredClass::admin_sp_admin: p.admin_sp_admin = r.policy; break;
      case CredClass::locking_admin: p.locking_admin = r.policy; break;
      case CredClass::user: p.user = r.policy; break;
    }
  }
  if (!found) return std::nullopt;
  p.firmware = "seagate_" + std::string(firmware);
  for (auto& ch : p.firmware) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  // The whole device: guide "up to 9 user locking ranges", "up to 9 User operators",
  // Admin1-4 in each SP ("TCG Opal Security Mode Services").
  p.admin_sp_admins = 4;
  p.locking_admins = 4;
  p.users = 9;
  p.ranges = 9;
  p.scope = Scope::all;
  return p;
}

/// SE4SA530: Try Limit 5, settable, not persistent (every row of the table).
inline Profile seagate_se4sa530() { return *seagate_profile("SE4SA530"); }
/// SGEBHG02: Try Limit 100, settable, persistent (every row of the table).
inline Profile seagate_sgebhg02() { return *seagate_profile("SGEBHG02"); }
/// Other drives: the model's defaults (Try Limit 1 everywhere, settable, not persistent;
/// Admin1, no Users, one range), chosen small so `lockref explore opal` is exhaustive.
inline Profile generic() { return Profile{}; }

/// "seagate_se4sa530" | "seagate_sgebhg02" | "generic".
inline std::optional<Profile> profile_named(std::string_view name) {
  if (name == "seagate_se4sa530" || name == "SE4SA530") return seagate_se4sa530();
  if (name == "seagate_sgebhg02" || name == "SGEBHG02") return seagate_sgebhg02();
  if (name == "generic") return generic();
  return std::nullopt;
}

}  // namespace lockref::opal

BOOST_HANA_ADAPT_STRUCT(lockref::opal::TryPolicy, try_limit, settable, persistent);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::Profile, firmware, sid, psid, admin_sp_admin, locking_admin, user,
                        admin_sp_admins, locking_admins, users, ranges, msid, psid_pin, default_min_pin_length,
                        min_pin_length_floor, max_pin_length, refuse_correct_pin_at_limit, users_enabled_on_activate,
                        try_limit_set_like_pin, cc_pin_length_strictly_greater, cc_min_pin_length,
                        cc_indicator_rule, fw_port_power_cycle_always_locks, reactivate_resets_locking_sp,
                        genkey_on_sudr, activate_sum, activate_copies_sid_pin, datastore_size, inactive_sp_status, invalid_value_status, fw_locked_status,
                        max_security_version, max_key_generation, scope);
