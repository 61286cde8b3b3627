// Common Criteria Approved Mode as a checkable predicate over an Opal drive state
// (seed 000 "TCG Opal Setup & Configuration": "At the end of these steps, the SED will be in
// the CC Approved Mode of operation. This can be verified with Show Status service. If the
// SED drive is configured with PIN length larger than 8 bytes, the CC mode bit will be set.";
// "TCG Opal Security Mode Unauthenticated Services": Show Status "Reports if CM satisfies
// Security Rules", Level 0 byte 30 bit 0).
//
// Each condition names the setup step that establishes it.
#pragma once
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "lockref/opal/access.hpp"
#include "lockref/opal/profile.hpp"
#include "lockref/opal/state.hpp"

namespace lockref::opal {

struct CcCondition {
  std::string_view id;
  std::string_view step;  // setup step(s) that establish it
  std::string_view text;
};

inline constexpr std::array<CcCondition, 9> cc_conditions{{
    {"locking_sp_active", "1", "TCG Opal security operating mode: the Locking SP is activated"},
    {"sid_private", "2", "Drive Owner (SID) credential set to a private value (not the MSID)"},
    {"min_pin_length", "2,4,5",
     "every credential in use has _MinPINLength of at least 8 bytes (\"PIN length larger than 8 bytes\")"},
    {"private_pins", "4,5,6", "every Locking SP credential in use has a private value (not the MSID)"},
    {"makers_disabled", "7", "the Makers authority is disabled"},
    {"fw_port_lock_on_reset", "8", "the firmware download port locks on reset"},
    {"fw_port_locked", "9", "the firmware download port is locked"},
    {"range_locking", "10", "Locking_Range1 is set, read/write lock enabled, locks on reset"},
    {"power_cycled", "11", "the device was power cycled after the last configuration change"},
}};

struct CcReport {
  bool approved = false;
  bool indicator = false;                 // Level 0 byte 30 bit 0 (Profile::cc_indicator_rule)
  std::vector<std::string> missing;       // ids of cc_conditions that do not hold
};

/// Credentials "in use": SID, and every enabled Admin SP Admin, Locking SP Admin and User
/// (the Locking SP ones only while the Locking SP is active). PSID and MSID "are never going
/// to be a BEV" ([DATA]) and are excluded.
inline bool cc_in_use(const State& s, const Credential& c) {
  const auto r = role_of(c.authority);
  if (r == Role::sid) return true;
  if (r == Role::psid || !c.enabled) return false;
  if (sp_of(r) == Sp::locking) return s.locking_sp_active;
  return true;
}

inline bool cc_min_length_ok(const Profile& p, std::uint8_t len) {
  return p.cc_pin_length_strictly_greater ? len > p.cc_min_pin_length : len >= p.cc_min_pin_length;
}

inline CcReport cc_report(const Profile& p, const State& s) {
  CcReport rep;
  bool min_len = true, privat = true;
  for (const auto& c : s.credentials) {
    if (!cc_in_use(s, c)) continue;
    min_len = min_len && cc_min_length_ok(p, c.min_pin_length);
    if (sp_of(role_of(c.authority)) == Sp::locking) privat = privat && c.pin != p.msid;
  }
  const auto* sid = [&]() -> const Credential* {
    for (const auto& c : s.credentials)
      if (c.authority == "SID") return &c;
    return nullptr;
  }();
  const bool range1 = s.ranges.size() > 1 && s.ranges[1].length > 0 && s.ranges[1].read_lock_enabled &&
                      s.ranges[1].write_lock_enabled && s.ranges[1].lock_on_reset;
  const bool holds[] = {s.locking_sp_active, sid && sid->pin != p.msid, min_len, privat, !s.makers_enabled,
                        s.fw_port_lock_on_reset, s.fw_port_locked, range1, !s.reset_pending};
  for (std::size_t i = 0; i < cc_conditions.size(); ++i)
    if (!holds[i]) rep.missing.emplace_back(cc_conditions[i].id);
  rep.approved = rep.missing.empty();
  rep.indicator = p.cc_indicator_rule == CcIndicatorRule::security_rules ? rep.approved
                                                                         : s.locking_sp_active && min_len;
  return rep;
}

}  // namespace lockref::opal
