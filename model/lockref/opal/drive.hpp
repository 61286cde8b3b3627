// TCG Opal drive as the Seagate Common Criteria guide profiles it (seed 000): credentials
// and try limits, PIN policy, Admin SP / Locking SP lifecycle, locking ranges, the access
// control matrix, Makers, the firmware download port and Common Criteria mode.
//
// Sources (seed 000_486f11a636b6eb99.txt, section titles):
//   [SETUP]     "TCG Opal Setup & Configuration" (11 steps, _MinPINLength)
//   [TRY]       "TCG Opal Setting Try Limits", "Validation - Try Limits and Persistence Settings"
//   [GENKEY]    "TCG Opal Gen Key"
//   [DATA]      "Protection of Data on Disk & Specification of Management Functions"
//   [SERVICES]  "TCG Opal Security Mode Services" (authenticated + unauthenticated tables)
//   [NONSEC]    "Non-Security Mode Services"
//   [FW]        "Firmware Access Control and Firmware Trusted Update", "Firmware Rollback Protection"
//   TCG Core facts (status codes, C_PIN columns): tcg_core.hpp.
//
// Abstractions (the model's, stated once):
//   - A management event carries the authority and PIN it authenticates with (`as`): it is
//     StartSession + Authenticate + the method + EndSession, as every code block of [SETUP]
//     does. A wrong PIN counts a Try exactly as a standalone Authenticate does.
//   - The MEK of a range is a generation number; data remembers the generation it was
//     written under, so "old data is unreadable" after GenKey/Erase/Revert is checkable.
//   - The RSA-4096 PSS signature check of [FW] is an explicit input (signature_ok): the
//     model decides what the drive does with the verdict, not the verdict itself.
//   - Single User Mode ([SUM] below): a range is a Single User Data Range (SUDR) or not; its
//     owner is fixed by its row. DataStore tables, Activate with a single-user selection (the
//     guide lists only Reactivate) and Level 0's Single User Mode descriptor are not modelled.
//
// Single User Mode [SUM]: the guide's rows are the source ("Enable/Disable Single User Data
// Range (SUDR) ... LockingSP Admin1-4 ... TCG Reactivate Method"; "Set Range Geometry for SUDR
// ... User1-9 (if User Ownership), Locking SP Admin1-4 (if Admin Ownership)"; "Lock / Unlock
// ... Locking SP Admin1-4 (for non-SUDRs)"; "Cryptographic Erase of SUDR ... Locking SP
// Admin1-4, User1-9 ... TCG Erase Method"; "LockingSP Admins can set PINs for any non-SUDR
// User"; "Disable a non-SUDR User's ability to change its own PIN"; "Enable/Disable a LockingSP
// Admin or non-SUDR User Authority"). The TCG Opal Feature Set: Single User Mode names the
// Reactivate parameters (SingleUserModeSelectionList, RangeStartRangeLengthPolicy, Admin1PIN)
// and associates Locking_GlobalRange with User1 and Locking_Range<k> with User<k+1>; where
// the guide leaves the effect open the profile names the choice (E-OPAL-SUM-*).
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <unordered_set>
#include <variant>
#include <vector>

#include "lockref/core/encode.hpp"
#include "lockref/core/enum.hpp"
#include "lockref/core/json.hpp"
#include "lockref/core/machine.hpp"
#include "lockref/fwpkg/seagate.hpp"
#include "lockref/opal/profile.hpp"
#include "lockref/opal/access.hpp"
#include "lockref/opal/cc_mode.hpp"
#include "lockref/opal/state.hpp"
#include "lockref/opal/tcg_core.hpp"
#include "lockref/tcg/credential.hpp"

namespace lockref::opal {

// ---- the machine ---------------------------------------------------------------------

struct Machine {
  static constexpr std::string_view name = "opal";
  using Profile = opal::Profile;
  using State = opal::State;
  using Event = opal::Event;
  using Output = opal::Output;
  using View = opal::View;
  using R = Step<State, Output>;

  static Status validate(const Profile& p) {
    if (p.admin_sp_admins > 4) return make_error("admin_sp_admins: at most 4 (Admin SP Admin1-4)");
    if (p.locking_admins < 1 || p.locking_admins > 4) return make_error("locking_admins: 1..4 (Locking SP Admin1-4)");
    if (p.users > 9) return make_error("users: at most 9 (User1-9)");
    if (p.ranges > 9) return make_error("ranges: at most 9 (\"up to 9 user locking ranges\")");
    if (p.max_pin_length < 1 || p.max_pin_length > 32) return make_error("max_pin_length: 1..32");
    // The state holds the DataStore up to its last non-zero byte: a bound keeps one write
    // from costing more memory than a drive could have (the real-drive captures report 10 MiB).
    if (p.datastore_size > (std::uint32_t{64} << 20)) return make_error("datastore_size: at most 67108864 bytes (64 MiB)");
    if (p.min_pin_length_floor > p.max_pin_length) return make_error("min_pin_length_floor above max_pin_length");
    if (p.msid.size() != 32 || p.psid_pin.size() != 32) return make_error("msid and psid_pin are 32-byte values");
    if (p.msid == p.psid_pin) return make_error("msid and psid_pin must differ");
    // The drive ships with SID and Admin1 holding the MSID and with the PSID, 32 bytes each:
    // a shorter maximum would have the initial state break OPAL-PIN-1 (pins_respect_length)
    // before any event, so such a profile is refused here instead of explored.
    if (p.max_pin_length < p.msid.size())
      return make_error("max_pin_length: " + std::to_string(p.max_pin_length) +
                        " is below the 32-byte MSID and PSID PINs the drive ships with (\"PINs with length up to 32 bytes\"); it must be 32");
    for (const auto* s : {&p.inactive_sp_status, &p.invalid_value_status, &p.fw_locked_status})
      if (!status_value(*s)) return make_error("status \"" + *s + "\" is neither a TCG Core method status (tcg/method_status.hpp) nor in tcg_core.hpp opal_outcome_codes");
    return ok_status();
  }

  /// Is a state given from outside (eval, transcripts) one this profile can reach? Checks the
  /// shape (authorities, ranges) and the invariants below; not full reachability.
  static Status validate_state(const Profile& p, const State& s) {
    const auto f = initial(p);
    if (s.credentials.size() != f.credentials.size())
      return make_error("credentials: " + std::to_string(s.credentials.size()) + " rows, the profile has " +
                        std::to_string(f.credentials.size()));
    for (std::size_t i = 0; i < f.credentials.size(); ++i) {
      const auto& c = s.credentials[i];
      const std::string where = "credentials[" + std::to_string(i) + "]";
      if (c.authority != f.credentials[i].authority)
        return make_error(where + ".authority: \"" + c.authority + "\", expected \"" + f.credentials[i].authority + "\"");
      if (c.pin.empty() || c.pin.size() > p.max_pin_length) return make_error(where + ".pin: length 1.." + std::to_string(p.max_pin_length));
      if (c.try_limit != 0 && c.tries > c.try_limit) return make_error(where + ".tries: above try_limit");
      if (c.min_pin_length != p.default_min_pin_length &&
          (c.min_pin_length < p.min_pin_length_floor || c.min_pin_length > p.max_pin_length))
        return make_error(where + ".min_pin_length: out of range");
    }
    if (s.ranges.size() != std::size_t{p.ranges} + 1)
      return make_error("ranges: " + std::to_string(s.ranges.size()) + " rows, the profile has " +
                        std::to_string(p.ranges + 1) + " (Global + " + std::to_string(p.ranges) + ")");
    if (s.ranges[0].start || s.ranges[0].length) return make_error("ranges[0]: the Global range has no start/length");
    if (s.datastore.size() > p.datastore_size) return make_error("datastore: larger than the profile's datastore_size");
    if (!s.datastore.empty() && s.datastore.back() == 0) return make_error("datastore: ends in a zero byte (trailing zeros are not stored)");
    for (std::size_t i = 0; i < s.ranges.size(); ++i) {
      const auto& r = s.ranges[i];
      if (r.mek == 0 || r.data_mek > r.mek) return make_error("ranges[" + std::to_string(i) + "]: data_mek above mek");
      if (r.user_access >> p.users) return make_error("ranges[" + std::to_string(i) + "].user_access: no such User");
      if (r.single_user && i + 1 > p.users)
        return make_error("ranges[" + std::to_string(i) + "].single_user: its owner User" + std::to_string(i + 1) + " does not exist");
      if (r.length && r.start > UINT64_MAX - r.length) return make_error("ranges[" + std::to_string(i) + "]: wraps");
      for (std::size_t j = 1; j < i && i > 0; ++j) {
        const auto& o = s.ranges[j];
        if (r.length && o.length && r.start < o.start + o.length && o.start < r.start + r.length)
          return make_error("ranges[" + std::to_string(i) + "] overlaps ranges[" + std::to_string(j) + "]");
      }
    }
    return check_invariants<Machine>(p, s);
  }

  static Credential fresh(const Profile& p, std::string name, CredClass c) {
    const auto t = policy_for(p, c);
    Credential k;
    k.authority = std::move(name);
    // [DATA] "The initial value for SID and various other PINs is a 32-byte manufactured SID (MSID)".
    k.pin = c == CredClass::psid ? p.psid_pin : p.msid;
    k.try_limit = t.try_limit;
    k.persistent = t.persistent;
    k.min_pin_length = p.default_min_pin_length;
    // Model choice (Opal preconfiguration): Admin SP Admins and Locking SP Admin2-4 start
    // disabled; Users per Profile::users_enabled_on_activate (E-OPAL-STEP3-USER).
    k.enabled = c == CredClass::sid || c == CredClass::psid || k.authority == "Admin1" ||
                (c == CredClass::user && p.users_enabled_on_activate);
    return k;
  }

  static std::vector<Credential> admin_sp_credentials(const Profile& p) {
    std::vector<Credential> v{fresh(p, "SID", CredClass::sid), fresh(p, "PSID", CredClass::psid)};
    for (int i = 1; i <= p.admin_sp_admins; ++i)
      v.push_back(fresh(p, "AdminSP.Admin" + std::to_string(i), CredClass::admin_sp_admin));
    return v;
  }
  static std::vector<Credential> locking_sp_credentials(const Profile& p) {
    std::vector<Credential> v;
    for (int i = 1; i <= p.locking_admins; ++i) v.push_back(fresh(p, "Admin" + std::to_string(i), CredClass::locking_admin));
    for (int i = 1; i <= p.users; ++i) v.push_back(fresh(p, "User" + std::to_string(i), CredClass::user));
    return v;
  }
  static std::vector<Range> fresh_ranges(const Profile& p) { return std::vector<Range>(std::size_t{p.ranges} + 1); }

  static State initial(const Profile& p) {
    State s;
    s.credentials = admin_sp_credentials(p);
    for (auto& c : locking_sp_credentials(p)) s.credentials.push_back(std::move(c));
    s.ranges = fresh_ranges(p);
    return s;
  }

  static View observe(const Profile& p, const State& s) {
    View v;
    const auto rep = cc_report(p, s);
    v.cc_approved_mode = rep.approved;
    v.cc_missing = rep.missing;
    v.cc_mode_indicator = rep.indicator;
    for (const auto& c : s.credentials)
      if (locked_out(c)) v.locked_out.push_back(c.authority);
    return v;
  }

  static R step(const Profile& p, const State& s, const Event& e) {
    return std::visit([&](const auto& ev) { return apply(p, s, ev); }, e);
  }

  /// The explorer's fast path (core/explore.hpp HasFastStep). Authenticate, 64 of the ~76
  /// candidate events of a Seagate state, is decided by check_auth() without copying the
  /// state (only a counted or reset Tries writes `n`); every other event goes through
  /// step(). tests/test_explore.cpp checks it against step() on every reachable state.
  using fast_step_of = Machine;
  static Verdict fast_step(const Profile& p, const State& s, const Event& e, State& n) {
    if (const auto* a = std::get_if<Authenticate>(&e)) {
      const AuthCheck k = check_auth(p, s, a->authority, a->pin);
      const bool writes = k.index && k.tries != s.credentials[*k.index].tries;
      if (writes) {
        n = s;
        n.credentials[*k.index].tries = k.tries;
      }
      return {k.status, k.ok() ? authenticated_rule : k.rule, writes};
    }
    R r = step(p, s, e);
    const bool writes = !(r.next == s);
    if (writes) n = std::move(r.next);
    return {interned(r.out.status), interned(r.out.rule), writes};
  }

  /// Bounded: a small PIN alphabet (MSID, PSID, one 32-byte private value from the guide, one
  /// 8-byte and one 7-byte value, one wrong value), authorities of the profile, range 1.
  static std::vector<Event> candidate_events(const Profile& p, const State& s) {
    std::vector<Event> out;
    const std::string p32(guide_pin);
    std::vector<std::string> pins{p.msid, p32, "wrong-pin"};
    out.push_back(PowerCycle{});
    out.push_back(ShowStatus{});
    out.push_back(GetMsid{});
    for (const auto& c : s.credentials) {
      for (const auto& pin : pins) out.push_back(Authenticate{c.authority, pin});
      if (c.authority == "PSID") out.push_back(Authenticate{c.authority, p.psid_pin});
    }
    // Management calls with the right PIN for their authority. A wrong PIN leaves the same
    // state as a failed Authenticate (above), so those variants add no states; corpora and
    // properties exercise them.
    auto as = [&](const std::string& who, bool right) {
      const auto* c = find(s, who);
      return Auth{who, right && c ? c->pin.str() : std::string("wrong-pin")};
    };
    const bool right = true;
    out.push_back(Activate{as("SID", right)});
    out.push_back(Revert{as("PSID", right)});
    out.push_back(RevertSp{as("Admin1", right)});
    out.push_back(SetPin{as("SID", right), "SID", p32});
    out.push_back(SetMinPinLength{as("SID", right), "SID", 32});
    out.push_back(SetPin{as("Admin1", right), "Admin1", p32});
    out.push_back(SetFwPort{as("SID", right), true, std::nullopt});
    out.push_back(SetRange{as("Admin1", right), 1, 0, 400, true, true, true, std::nullopt});
    out.push_back(LockRange{as("Admin1", right), 1, false, false});
    out.push_back(SetMinPinLength{as("Admin1", true), "Admin1", 32});
    out.push_back(SetMinPinLength{as("Admin1", true), "Admin1", 7});   // below the floor: refused
    out.push_back(SetPin{as("Admin1", true), "Admin1", "1234567"});    // 7 bytes: refused once min >= 8
    out.push_back(SetPin{as("SID", true), "PSID", p32});               // PSID is not settable
    out.push_back(SetTryLimit{as("Admin1", true), "Admin1", 1});
    out.push_back(SetEnabled{as("SID", true), "Makers", false});
    out.push_back(SetEnabled{as("Admin1", true), "Makers", false});    // not the Drive Owner: refused
    out.push_back(SetFwPort{as("SID", true), false, std::nullopt});
    out.push_back(SetFwPort{as("SID", true), std::nullopt, true});
    out.push_back(GenKey{as("Admin1", true), 1});
    if (p.users >= 1) {
      out.push_back(SetPin{as("User1", true), "User1", p32});
      out.push_back(SetMinPinLength{as("User1", true), "User1", 32});
      out.push_back(SetPin{as("User1", true), "Admin1", p32});         // a User may not set an Admin PIN
      out.push_back(LockRange{as("User1", true), 1, false, false});    // needs user_access
      out.push_back(SetRange{as("Admin1", true), 1, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                             std::nullopt, std::uint16_t{1}});
      out.push_back(DisableUserSetPin{as("Admin1", true), "User1", true});
      out.push_back(SetEnabled{as("Admin1", true), "User1", false});
    }
    // [SUM] range 1 (owner User2) as a SUDR, with User and with Admin Ownership of its geometry,
    // and back; what Admins lose and what the owner may do.
    if (p.users >= 2) {
      out.push_back(Reactivate{as("Admin1", true), {1}, false, std::nullopt});
      out.push_back(Reactivate{as("Admin1", true), {1}, true, std::nullopt});
      out.push_back(Reactivate{as("Admin1", true), {}, false, std::nullopt});
      out.push_back(Erase{as("Admin1", true), 1});
      out.push_back(Erase{as("User2", true), 1});
      out.push_back(Erase{as("User1", true), 1});  // not the owner: refused
      out.push_back(GenKey{as("User2", true), 1});
      out.push_back(LockRange{as("User2", true), 1, true, true});
      out.push_back(LockRange{as("User2", true), 1, false, false});
      out.push_back(SetRange{as("User2", true), 1, 0, 400, true, true, std::nullopt, std::nullopt});
      out.push_back(SetPin{as("Admin1", true), "User2", p32});  // refused once User2 owns a SUDR
      out.push_back(GetLockingInfo{});
    }
    // Range 1 only: the Global range behaves the same way and would double the state space.
    out.push_back(WriteData{1});
    out.push_back(ReadData{1});
    for (std::uint8_t v = 0; v <= p.max_security_version; ++v)
      for (bool sig : {true, false}) out.push_back(FirmwareDownload{sig, v});
    // Keep the MEK generations bounded for exploration: nothing that replaces a key once any
    // range reached the bound (GenKey, Revert and RevertSP all do).
    std::erase_if(out, [&](const Event& e) { return !in_scope(p.scope, e); });
    if (keys_at_bound(p, s))
      std::erase_if(out, [](const Event& e) {
        return std::holds_alternative<GenKey>(e) || std::holds_alternative<Revert>(e) ||
               std::holds_alternative<RevertSp>(e) || std::holds_alternative<Erase>(e) ||
               std::holds_alternative<Reactivate>(e);
      });
    return out;
  }

  /// What candidate_events reads of a state: every credential's name and PIN, and whether a
  /// range's MEK generation is at the bound. States with equal keys have equal candidate
  /// events, so the explorer builds each list once (core/explore.hpp HasEventKey; the test
  /// "opal: the event key determines candidate_events" in tests/test_explore.cpp).
  static std::string event_key(const Profile& p, const State& s) {
    std::string k;
    for (const auto& c : s.credentials) {  // each length-prefixed: the key is injective
      encode_into(k, c.authority);
      encode_into(k, c.pin);
    }
    k += keys_at_bound(p, s) ? '1' : '0';
    return k;
  }
  /// Has any range's MEK generation reached the exploration bound?
  static bool keys_at_bound(const Profile& p, const State& s) {
    for (const auto& r : s.ranges)
      if (r.mek >= p.max_key_generation) return true;
    return false;
  }

  static std::span<const Invariant<Machine>> invariants();

  // ---- symmetry (lockref explore --symmetry on; core/explore.hpp) ----
  //
  // Users 2..n are interchangeable: candidate_events drives User1 by name in every
  // management event and every other User only through Authenticate (each with the same
  // PINs), and step() tells Users apart only by their name and their user_access bit
  // (bit k-1 for User k), never by their number otherwise; cc_report and the invariants
  // range over all credentials alike. So permuting Users 2..n (their C_PIN rows and their
  // user_access bits together) maps reachable states to reachable states, events to
  // events and keeps every invariant's verdict: exploring one state per orbit finds the
  // same invariant verdicts (tests/test_explore.cpp checks orbit counts against the full
  // exploration). Admin SP Admins and Locking SP Admin2-4 need no reduction: no candidate
  // event enables them, so they never change.

  /// The orbit's representative: Users 2..n sorted by their C_PIN columns and their
  /// user_access bits, names kept in place.
  static State canonical(const Profile& p, State s) {  // by value: most states are their own representative
    const std::size_t first = 2 + std::size_t{p.admin_sp_admins} + p.locking_admins + 1;  // User2
    const std::size_t n = p.users >= 2 ? std::size_t{p.users} - 1 : 0;                     // Users 2..n
    if (n < 2 || s.credentials.size() != first + n) return s;
    // [SUM] a SUDR's owner is named by its row (User k+1): Users are no longer interchangeable
    // once a range is single-user; such states are their own representatives (no reduction).
    for (const auto& r : s.ranges)
      if (r.single_user) return s;
    struct Key {
      const Credential* c;
      std::uint32_t access;  // bit r: User may use range r
      std::size_t user;      // 2..n
    };
    std::vector<Key> keys;
    keys.reserve(n);
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t user = k + 2;
      std::uint32_t access = 0;
      for (std::size_t r = 0; r < s.ranges.size() && r < 32; ++r)
        access |= std::uint32_t{(s.ranges[r].user_access >> (user - 1)) & 1u} << r;
      keys.push_back({&s.credentials[first + k], access, user});
    }
    auto tie = [](const Key& k) {
      const Credential& c = *k.c;
      return std::tie(c.pin, c.tries, c.try_limit, c.persistent, c.min_pin_length, c.enabled, c.set_pin_disabled, k.access);
    };
    bool sorted = true;
    for (std::size_t k = 1; k < n && sorted; ++k) sorted = !(tie(keys[k]) < tie(keys[k - 1]));
    if (sorted) return s;
    std::stable_sort(keys.begin(), keys.end(), [&](const Key& a, const Key& b) { return tie(a) < tie(b); });
    State out = s;
    for (auto& r : out.ranges)  // clear the bits of Users 2..n, then set them from the sorted order
      for (std::size_t user = 2; user <= n + 1; ++user) r.user_access = static_cast<std::uint16_t>(r.user_access & ~(1u << (user - 1)));
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t user = k + 2;
      Credential c = *keys[k].c;
      c.authority = s.credentials[first + k].authority;  // the name stays with the position
      out.credentials[first + k] = std::move(c);
      for (std::size_t r = 0; r < out.ranges.size() && r < 32; ++r)
        if ((keys[k].access >> r) & 1u) out.ranges[r].user_access = static_cast<std::uint16_t>(out.ranges[r].user_access | (1u << (user - 1)));
    }
    return out;
  }
  static std::string symmetry_note(const Profile& p) {
    return p.users >= 3 ? "Users 2.." + std::to_string(p.users) + " interchangeable" : "no interchangeable Users";
  }

  // ---- counter abstraction (lockref explore --abstraction on; core/explore.hpp) ----
  //
  // A C_PIN row's Tries between 1 and TryLimit-1 is kept as TryLimit-1 ("one failure from
  // lockout"). Why the exploration stays exact: within candidate_events, Tries is read only
  // by the [TRY] rule (tcg/credential.hpp present_pin: locked out at TryLimit, +1 on a wrong
  // PIN, 0 on the right one), by a power cycle (0 unless Persistent), by SetTryLimit (which
  // clamps, and candidate_events only sets a TryLimit of 1), and by the invariants (Tries <=
  // TryLimit; locked out at TryLimit), none of which tells 1..TryLimit-1 apart. And a failed
  // Authenticate (the candidate "wrong-pin", offered for every credential) changes only that
  // row's Tries: in any reachable state with Tries = t in 1..TryLimit-2, the same state with
  // Tries = TryLimit-1 is reachable too (TryLimit-1-t more failures inserted right after the
  // last failure that counted, when the authority was enabled and its SP active). So every
  // representative is a reachable state (a violation found is real), and every reachable
  // state's representative is found: the reduced search checks the invariants on exactly the
  // classes of the full one. tests/test_explore.cpp compares the two, state class by state
  // class, on profiles with Try Limits 3 to 5, persistent or not, and both readings of
  // E-OPAL-AT-LIMIT; and checks that no candidate SetTryLimit sets a limit above 1.
  static State abstract(const Profile&, State s) {
    for (auto& c : s.credentials)
      if (c.tries >= 1 && c.try_limit >= 3 && c.tries <= c.try_limit - 2) c.tries = c.try_limit - 1;
    return s;
  }
  static std::string abstraction_note(const Profile& p) {
    std::uint32_t top = 0;
    for (const auto* t : {&p.sid, &p.psid, &p.admin_sp_admin, &p.locking_admin, &p.user}) top = std::max(top, t->try_limit);
    return top >= 3 ? "C_PIN Tries 1.." + std::to_string(top - 1) + " kept as TryLimit-1"
                    : "no Try Limit above 2, so no Tries values merged";
  }

  static bool in_scope(Scope sc, const Event& e) {
    if (sc == Scope::all) return true;
    const bool sum_only = std::holds_alternative<Reactivate>(e) || std::holds_alternative<Erase>(e) ||
                          std::holds_alternative<GetLockingInfo>(e) ||
                          (std::holds_alternative<SetPin>(e) && std::get<SetPin>(e).target == "User2") ||
                          [&] {  // the SUDR owner's own events
                            auto by = [&](const Auth& a) { return a.authority == "User2"; };
                            if (auto* x = std::get_if<GenKey>(&e)) return by(x->as);
                            if (auto* x = std::get_if<LockRange>(&e)) return by(x->as);
                            if (auto* x = std::get_if<SetRange>(&e)) return by(x->as);
                            return false;
                          }();
    if (sum_only) return sc == Scope::sum;
    // The sum scope counts Tries of its two actors only (Admin1, the owner User2): every other
    // credential's counter would multiply the states without touching Single User Mode.
    if (const auto* x = std::get_if<Authenticate>(&e); x && sc == Scope::sum)
      return x->authority == "Admin1" || x->authority == "User2";
    const bool common = std::holds_alternative<Authenticate>(e) || std::holds_alternative<PowerCycle>(e) ||
                        std::holds_alternative<Activate>(e) || std::holds_alternative<ShowStatus>(e) ||
                        std::holds_alternative<GetMsid>(e);
    if (common) return true;
    switch (sc) {
      case Scope::credentials:
        return std::holds_alternative<SetPin>(e) || std::holds_alternative<SetMinPinLength>(e) ||
               std::holds_alternative<SetTryLimit>(e) || std::holds_alternative<DisableUserSetPin>(e) ||
               std::holds_alternative<Revert>(e) || std::holds_alternative<RevertSp>(e) ||
               (std::holds_alternative<SetEnabled>(e) && std::get<SetEnabled>(e).target != "Makers");
      case Scope::locking:
        return std::holds_alternative<SetRange>(e) || std::holds_alternative<LockRange>(e) ||
               std::holds_alternative<GenKey>(e) || std::holds_alternative<WriteData>(e) ||
               std::holds_alternative<ReadData>(e) || std::holds_alternative<RevertSp>(e);
      case Scope::sum:
        return std::holds_alternative<Reactivate>(e) || std::holds_alternative<Erase>(e) ||
               std::holds_alternative<GenKey>(e) || std::holds_alternative<LockRange>(e) ||
               std::holds_alternative<SetRange>(e) || std::holds_alternative<WriteData>(e) ||
               std::holds_alternative<ReadData>(e) ||
               (std::holds_alternative<SetPin>(e) && std::get<SetPin>(e).target == "User2");
      case Scope::firmware:
        return std::holds_alternative<SetFwPort>(e) || std::holds_alternative<FirmwareDownload>(e) ||
               std::holds_alternative<SetEnabled>(e) || std::holds_alternative<Revert>(e) ||
               (std::holds_alternative<SetPin>(e) && std::get<SetPin>(e).target == "SID");
      case Scope::all: break;
    }
    return true;
  }

  static std::string_view view_requirement(std::string_view f) {
    if (f == "credentials") return "OPAL-TRY-1";
    if (f == "locked_out") return "OPAL-TRY-2";
    if (f == "cc_approved_mode" || f == "cc_missing") return "OPAL-CC-1";
    if (f == "cc_mode_indicator") return "OPAL-CC-IND";
    if (f == "ranges") return "OPAL-RANGE-1";
    if (f == "fw_port_locked" || f == "fw_port_lock_on_reset" || f == "fw_security_version") return "OPAL-FW-1";
    if (f == "locking_sp_active") return "OPAL-SP-1";
    if (f == "makers_enabled") return "OPAL-ACL-MAKERS";
    if (f == "reset_pending") return "OPAL-CC-1";
    if (f == "sudr_geometry_by_admins") return "OPAL-SUM-3";
    return "";
  }

  static std::string label(const Profile& p, const State& s) {
    std::string l = s.locking_sp_active ? "Locking SP active" : "Locking SP inactive";
    const auto v = observe(p, s);
    if (v.cc_approved_mode) l += "\nCC Approved Mode";
    for (const auto& c : s.credentials)
      if (c.tries) l += "\n" + c.authority + " tries " + std::to_string(c.tries) + "/" + std::to_string(c.try_limit);
    if (s.fw_port_locked) l += "\nFW port locked";
    for (std::size_t k = 0; k < s.ranges.size(); ++k)
      if (s.ranges[k].single_user) l += "\nSUDR " + std::to_string(k) + " (" + sudr_owner(k) + ")";
    return l;
  }

  // ---- helpers (public: the eval ops and properties use them) ----

  /// The private 32-byte PIN the guide's examples use ([SETUP] steps 2-6).
  static constexpr std::string_view guide_pin = "321SRQPONMLKJIHGFEDCBA9876543210";

  static const Credential* find(const State& s, std::string_view who) {
    for (const auto& c : s.credentials)
      if (c.authority == who) return &c;
    return nullptr;
  }
  static std::optional<std::size_t> index_of(const State& s, std::string_view who) {
    for (std::size_t i = 0; i < s.credentials.size(); ++i)
      if (s.credentials[i].authority == who) return i;
    return std::nullopt;
  }
  /// [SUM] The owner of Locking table row k as a SUDR: Locking_GlobalRange -> User1,
  /// Locking_Range<k> -> User<k+1> (TCG Opal Feature Set: Single User Mode; E-OPAL-SUM-OWNER).
  static std::string sudr_owner(std::size_t k) { return "User" + std::to_string(k + 1); }
  /// Does `who` own a SUDR (a "SUDR User", as opposed to the guide's "non-SUDR User")?
  static bool owns_sudr(const State& s, std::string_view who) {
    for (std::size_t k = 0; k < s.ranges.size(); ++k)
      if (s.ranges[k].single_user && sudr_owner(k) == who) return true;
    return false;
  }
  /// TCG Core C_PIN: at the limit when TryLimit is non-zero and Tries has reached it.
  static bool locked_out(const Credential& c) { return tcg::locked_out(c); }

 protected:
  /// A status or rule name as a view that outlives the Output it came from (fast_step's
  /// Verdict): one copy of each distinct name per thread, in a node-based set.
  static std::string_view interned(const std::string& name) {
    thread_local std::unordered_set<std::string> names;
    return *names.insert(name).first;
  }
  /// The rule of a successful Authenticate (apply and fast_step).
  static constexpr std::string_view authenticated_rule = "OPAL-TRY-3";

  // Results take the new state by value: callers move a state they no longer need (the
  // explorer's speed, issue 12), and copy only the input state they must not change.
  static R done(State next, std::string_view rule) {
    R r{std::move(next), Output{}};
    r.out.rule = std::string(rule);
    return r;
  }
  static Output refusal(std::string_view code, std::string_view rule) {
    Output o;
    o.status = std::string(code);
    o.rule = std::string(rule);
    o.status_code = status_value(code).value_or(0xFF);
    return o;
  }
  static R refuse(State s, std::string_view code, std::string_view rule) { return {std::move(s), refusal(code, rule)}; }

  /// The [TRY] decision for `who` presenting `pin` in state s, without copying s: whether it
  /// authenticates (status "ok") or why not, and the row's Tries afterwards. authenticate()
  /// and the explorer's fast_step() both decide through it.
  struct AuthCheck {
    std::string_view status = "ok";  // "ok", or the refusal's status
    std::string_view rule;           // the refusal's rule ("" when ok)
    Role role = Role::anybody;
    std::optional<std::size_t> index;  // the C_PIN row, if the authority exists
    std::uint32_t tries = 0;           // that row's Tries afterwards
    bool counted = false;              // a wrong PIN was counted (Output::try_counted)
    bool ok() const { return status == "ok"; }
  };
  static AuthCheck check_auth(const Profile& p, const State& s, std::string_view who, const std::string& pin) {
    AuthCheck r;
    r.role = role_of(who);
    auto refuse_as = [&](std::string_view status, std::string_view rule) {
      r.status = status;
      r.rule = rule;
      return r;
    };
    r.index = index_of(s, who);
    if (!r.index) return refuse_as("INVALID_PARAMETER", "OPAL-ACL-1");  // no such authority
    const Credential& c = s.credentials[*r.index];
    r.tries = c.tries;
    if (sp_of(r.role) == Sp::locking && !s.locking_sp_active) return refuse_as(p.inactive_sp_status, "OPAL-SP-1");
    // a disabled authority cannot authenticate
    if (!c.enabled) return refuse_as("NOT_AUTHORIZED", "OPAL-ACL-2");
    // [TRY] "once the Try Limit is reached, the drive will lock out all further authentication
    // attempts" (E-OPAL-AT-LIMIT: correct PIN refused too unless the profile says otherwise);
    // "if a successful authentication is made at any time before the Try Limit is reached, the
    // counter is reset to zero"; "a separate counter for each credential which keeps track of
    // the number of unsuccessful authentication attempts". The rule is TCG Core's C_PIN rule,
    // shared with every SP: tcg/credential.hpp.
    struct Row {  // the row's Core C_PIN columns, Tries by value (s stays as it is)
      const Pin& pin;
      std::uint32_t tries, try_limit;
      bool persistent;
    } row{c.pin, c.tries, c.try_limit, c.persistent};
    const auto verdict = tcg::present_pin(row, pin, p.refuse_correct_pin_at_limit);
    r.tries = row.tries;
    switch (verdict) {
      case tcg::PinCheck::ok: return r;
      case tcg::PinCheck::locked_out: return refuse_as("AUTHORITY_LOCKED_OUT", "OPAL-TRY-2");
      case tcg::PinCheck::wrong: break;
    }
    r.counted = true;
    return refuse_as("NOT_AUTHORIZED", "OPAL-TRY-1");
  }

  /// Authenticate `who` with `pin` ([TRY]; TCG Core C_PIN Tries/TryLimit). Returns the state
  /// with the C_PIN row updated, and a failure output if authentication did not succeed.
  struct AuthResult {
    State next;
    std::optional<Output> failure;
    Role role = Role::anybody;
    std::size_t index = 0;
  };
  static AuthResult authenticate(const Profile& p, const State& s, const std::string& who, const std::string& pin) {
    const AuthCheck k = check_auth(p, s, who, pin);
    AuthResult r{s, std::nullopt, k.role, k.index.value_or(0)};
    if (k.index) r.next.credentials[*k.index].tries = k.tries;
    if (!k.ok()) {
      r.failure = refusal(k.status, k.rule);
      r.failure->try_counted = k.counted;
    }
    return r;
  }

  /// Authenticate, then check the matrix row of `svc` for the authority's role.
  static AuthResult authorize(const Profile& p, const State& s, const Auth& as, Service svc) {
    auto r = authenticate(p, s, as.authority, as.pin);
    if (r.failure) return r;
    if (!matrix_allows(svc, r.role)) r.failure = refusal("NOT_AUTHORIZED", service_rule(svc));
    return r;
  }
  /// The refused outcome of a failed authorization: the C_PIN row keeps its new Tries.
  static R failed(AuthResult& a) { return {std::move(a.next), std::move(*a.failure)}; }

  static bool is_locking_credential(Role r) { return r == Role::locking_admin || r == Role::user; }

  /// Who may change C_PIN `target`: [SERVICES] Set PIN row and its note.
  static bool may_set_credential(const State& s, Role who, const std::string& who_name, const std::string& target) {
    const auto t = role_of(target);
    switch (who) {
      case Role::sid:  // Drive Owner: the Admin SP credentials it owns (SID, Admin SP Admins)
        return t == Role::sid || t == Role::admin_sp_admin;
      case Role::locking_admin:  // "LockingSP Admins can set PINs for any non-SUDR User or Locking SP Admin."
        return is_locking_credential(t) && !owns_sudr(s, target);
      case Role::user: {  // its own PIN, "unless previously disabled by 'Disable User Set PIN'"
        const auto* c = find(s, who_name);
        return target == who_name && c && !c->set_pin_disabled;
      }
      default: return false;
    }
  }

  static bool pin_settable_target(Role t) { return t != Role::psid && t != Role::anybody; }

  static R apply(const Profile& p, const State& s, const Authenticate& e) {
    auto a = authenticate(p, s, e.authority, e.pin);
    if (a.failure) return failed(a);
    return done(std::move(a.next), authenticated_rule);
  }

  static R apply(const Profile& p, const State& s, const PowerCycle&) {
    State n = s;
    // [SERVICES] Unblock PIN: "Resets password attempt counters." (POR); [TRY] "If the counter
    // does not persist through a power cycle, it will be reset to zero on power cycle".
    for (auto& c : n.credentials) tcg::on_power_cycle(c);
    // Opal LockOnReset: a range with LockOnReset is locked again by a power cycle.
    for (auto& r : n.ranges)
      if (r.lock_on_reset) r.read_locked = r.write_locked = true;
    // [FW] "It can be locked by either performing a power on reset" (with LockOnReset set, [SETUP]
    // step 8, unless the profile reads the sentence on its own: E-OPAL-FW-POR).
    if (n.fw_port_lock_on_reset || p.fw_port_power_cycle_always_locks) n.fw_port_locked = true;
    n.reset_pending = false;
    return done(std::move(n), "OPAL-TRY-4");
  }

  static R apply(const Profile& p, const State& s, const Activate& e) {
    auto a = authorize(p, s, e.as, Service::activate);
    if (a.failure) return failed(a);
    if (s.locking_sp_active) return refuse(std::move(a.next), "INVALID_PARAMETER", "OPAL-SP-1");  // already Manufactured
    State n = std::move(a.next);
    n.locking_sp_active = true;
    on_activation(p, n);
    n.reset_pending = true;
    return done(std::move(n), "OPAL-SP-1");
  }

  /// Every range's MEK generation can still be replaced: the model numbers MEKs (data
  /// remembers the one it was written under) and has no number after UINT32_MAX, so an
  /// erase from a given state at that generation is refused INSUFFICIENT_SPACE, as GenKey's
  /// is (new_key), instead of wrapping to 0, which is no key.
  static bool generations_left(const State& s) {
    return std::none_of(s.ranges.begin(), s.ranges.end(), [](const Range& r) { return r.mek == UINT32_MAX; });
  }

  /// Factory Locking table rows whose MEKs replace the current ones: the stored data stays
  /// and no longer decrypts ("The data is erased by zeroizing the data encryption key").
  /// Callers check generations_left first.
  static std::vector<Range> erased_ranges(const Profile& p, const State& s) {
    auto rs = fresh_ranges(p);
    for (std::size_t i = 0; i < rs.size() && i < s.ranges.size(); ++i) {
      rs[i].mek = s.ranges[i].mek + 1;
      rs[i].data_mek = s.ranges[i].data_mek;
    }
    return rs;
  }

  /// AdminSPObj.Revert(): the whole TPer back to its manufactured state. Data in every range
  /// becomes unreadable (new MEKs); firmware and its security version are not reverted.
  static R apply(const Profile& p, const State& s, const Revert& e) {
    auto a = authorize(p, s, e.as, Service::revert_admin_sp);
    if (a.failure) return failed(a);
    if (!generations_left(s)) return refuse(std::move(a.next), "INSUFFICIENT_SPACE", "OPAL-SP-2");
    State n = initial(p);
    n.fw_security_version = a.next.fw_security_version;
    n.ranges = erased_ranges(p, s);
    n.reset_pending = true;
    return done(std::move(n), "OPAL-SP-2");
  }

  /// Locking SP revert: Locking SP back to Manufactured-Inactive, its credentials and ranges
  /// to factory values, every range's MEK replaced.
  static R apply(const Profile& p, const State& s, const RevertSp& e) {
    auto a = authorize(p, s, e.as, Service::revert_locking_sp);
    if (a.failure) return failed(a);
    if (!generations_left(s)) return refuse(std::move(a.next), "INSUFFICIENT_SPACE", "OPAL-SP-3");
    State n = std::move(a.next);
    n.locking_sp_active = false;
    const auto fresh_locking = locking_sp_credentials(p);
    for (auto& c : n.credentials)
      for (const auto& f : fresh_locking)
        if (c.authority == f.authority) c = f;
    n.ranges = erased_ranges(p, s);  // every row non-SUDR again
    n.sudr_geometry_by_admins = false;
    n.datastore.clear();  // the Locking SP's DataStore table back to its factory content
    n.reset_pending = true;
    return done(std::move(n), "OPAL-SP-3");
  }

  static std::optional<std::size_t> settable_target(const State& s, const std::string& target) {
    const auto i = index_of(s, target);
    if (!i || !pin_settable_target(role_of(target))) return std::nullopt;
    return i;
  }

  /// Authenticate `as` and check it may write C_PIN row `target` (Set PIN row of the matrix
  /// and its note). On success: the state after authentication and the row's index.
  struct CPinWrite {
    State next;
    std::size_t index = 0;
    std::optional<R> refused;
  };
  static CPinWrite c_pin_write(const Profile& p, const State& s, const Auth& as, const std::string& target) {
    auto a = authorize(p, s, as, Service::set_pin);
    if (a.failure) return {State{}, 0, failed(a)};
    const auto t = settable_target(s, target);
    // PSID: "public drive unique 32-byte value on the drive label" - nobody sets it.
    if (!t || !may_set_credential(a.next, a.role, as.authority, target))
      return {State{}, 0, refuse(std::move(a.next), "NOT_AUTHORIZED", "OPAL-ACL-SETPIN")};
    if (sp_of(role_of(target)) == Sp::locking && !s.locking_sp_active)
      return {State{}, 0, refuse(std::move(a.next), p.inactive_sp_status, "OPAL-SP-1")};
    return {std::move(a.next), *t, std::nullopt};
  }

  static R apply(const Profile& p, const State& s, const SetPin& e) {
    auto w = c_pin_write(p, s, e.as, e.target);
    if (w.refused) return *w.refused;
    // [SETUP] _MinPINLength: PINs shorter than the credential's minimum are refused;
    // [DATA] "Authentication PINs with length up to 32 bytes".
    const auto& c = w.next.credentials[w.index];
    if (e.pin.size() < c.min_pin_length || e.pin.size() > p.max_pin_length || e.pin.empty())
      return refuse(std::move(w.next), p.invalid_value_status, "OPAL-PIN-1");
    w.next.credentials[w.index].pin = e.pin;
    w.next.reset_pending = true;
    return done(std::move(w.next), "OPAL-ACL-SETPIN");
  }

  static R apply(const Profile& p, const State& s, const SetMinPinLength& e) {
    auto w = c_pin_write(p, s, e.as, e.target);
    if (w.refused) return *w.refused;
    // [SETUP] "minimum pin length requirement is 8 bytes"; "setting ... '_MinPINLength' to 32".
    if (e.length < p.min_pin_length_floor || e.length > p.max_pin_length)
      return refuse(std::move(w.next), p.invalid_value_status, "OPAL-PIN-2");
    w.next.credentials[w.index].min_pin_length = e.length;
    w.next.reset_pending = true;
    return done(std::move(w.next), "OPAL-PIN-2");
  }

  static R apply(const Profile& p, const State& s, const SetTryLimit& e) {
    auto a = authorize(p, s, e.as, Service::set_try_limit);
    if (a.failure) return failed(a);
    const auto t = index_of(s, e.target);
    if (!t) return refuse(std::move(a.next), "INVALID_PARAMETER", "OPAL-TRY-5");
    // [TRY] "See the ... section ... for the list of TCG Opal credentials where the Try Limit is
    // settable" (E-OPAL-SETTABLE: who may set it is a profile choice).
    const auto cls = class_of(role_of(e.target));
    if (!cls || !policy_for(p, *cls).settable) return refuse(std::move(a.next), "NOT_AUTHORIZED", "OPAL-TRY-5");
    const bool who_ok = p.try_limit_set_like_pin
                            ? may_set_credential(a.next, a.role, e.as.authority, e.target)
                            : (a.role == Role::sid || a.role == Role::locking_admin);
    if (!who_ok) return refuse(std::move(a.next), "NOT_AUTHORIZED", "OPAL-TRY-5");
    State n = std::move(a.next);
    auto& c = n.credentials[*t];
    // Model choice: a lower limit clamps Tries, so "Tries never exceeds TryLimit" holds.
    tcg::set_try_limit(c, e.limit);
    n.reset_pending = true;
    return done(std::move(n), "OPAL-TRY-5");
  }

  static R apply(const Profile& p, const State& s, const SetEnabled& e) {
    if (e.target == "Makers") {  // [SETUP] step 7: the Drive Owner disables Makers
      auto a = authorize(p, s, e.as, Service::makers);
      if (a.failure) return failed(a);
      State n = std::move(a.next);
      n.makers_enabled = e.enabled;
      n.reset_pending = true;
      return done(std::move(n), "OPAL-ACL-MAKERS");
    }
    const auto t = role_of(e.target);
    const Service svc = t == Role::admin_sp_admin ? Service::enable_admin_sp_admin : Service::enable_locking_authority;
    auto a = authorize(p, s, e.as, svc);
    if (a.failure) return failed(a);
    const auto i = index_of(s, e.target);
    const bool target_ok = t == Role::admin_sp_admin || t == Role::locking_admin || t == Role::user;
    if (!i || !target_ok) return refuse(std::move(a.next), "INVALID_PARAMETER", service_rule(svc));
    // [SUM] "Enable/Disable a LockingSP Admin or non-SUDR User Authority": not a SUDR's owner.
    if (t == Role::user && owns_sudr(s, e.target)) return refuse(std::move(a.next), "NOT_AUTHORIZED", "OPAL-SUM-2");
    State n = std::move(a.next);
    n.credentials[*i].enabled = e.enabled;
    n.reset_pending = true;
    return done(std::move(n), service_rule(svc));
  }

  static R apply(const Profile& p, const State& s, const DisableUserSetPin& e) {
    auto a = authorize(p, s, e.as, Service::disable_user_set_pin);
    if (a.failure) return failed(a);
    const auto i = index_of(s, e.target);
    if (!i || role_of(e.target) != Role::user) return refuse(std::move(a.next), "INVALID_PARAMETER", "OPAL-ACL-DUSP");
    // [SUM] "Disable a non-SUDR User's ability to change its own PIN".
    if (owns_sudr(s, e.target)) return refuse(std::move(a.next), "NOT_AUTHORIZED", "OPAL-SUM-2");
    State n = std::move(a.next);
    n.credentials[*i].set_pin_disabled = e.disabled;
    n.reset_pending = true;
    return done(std::move(n), "OPAL-ACL-DUSP");
  }

  static R apply(const Profile& p, const State& s, const SetFwPort& e) {
    // [FW] "This requires authentication with the SID credential"; [SERVICES] Lock/Unlock FW
    // Download: Drive Owner.
    auto a = authorize(p, s, e.as, Service::fw_port);
    if (a.failure) return failed(a);
    State n = std::move(a.next);
    if (e.locked) n.fw_port_locked = *e.locked;
    if (e.lock_on_reset) n.fw_port_lock_on_reset = *e.lock_on_reset;
    n.reset_pending = true;
    return done(std::move(n), "OPAL-FW-2");
  }

  static bool user_may_use_range(const State& s, Role who, const std::string& name, std::uint8_t range) {
    if (who != Role::user) return true;
    const int k = std::atoi(name.c_str() + 4);  // "UserK"
    return k >= 1 && k <= 16 && (s.ranges[range].user_access >> (k - 1)) & 1u;
  }

  /// [SUM] Is `who` (authenticated as `role`) the owner of SUDR `range`?
  static bool is_owner(Role role, const std::string& who, std::size_t range) {
    return role == Role::user && who == sudr_owner(range);
  }

  /// [SUM] Set on a SUDR's Locking row. Geometry (RangeStart/RangeLength): "Set Range Geometry
  /// for SUDR" by the owner (User Ownership) or the Locking SP Admins (Admin Ownership); the
  /// locking columns are the owner's (model choice: "Lock / Unlock ... (for non-SUDRs)" takes
  /// them from the Admins, and "Set Range Attributes for non-SUDR" is the Admins' only range
  /// row); the User access rights of a SUDR are its owner's by definition and not settable.
  static R set_sudr(const Profile& p, const State& s, const SetRange& e) {
    auto a = authenticate(p, s, e.as.authority, e.as.pin);
    if (a.failure) return failed(a);
    const bool owner = is_owner(a.role, e.as.authority, e.range);
    const bool geometry = e.start || e.length;
    const bool locking = e.read_lock_enabled || e.write_lock_enabled || e.lock_on_reset;
    if (geometry) {
      if (!matrix_allows(Service::sudr_geometry, a.role)) return refuse(std::move(a.next), "NOT_AUTHORIZED", "OPAL-SUM-3");
      const bool by_admins = s.sudr_geometry_by_admins;
      if (by_admins ? a.role != Role::locking_admin : !owner) return refuse(std::move(a.next), "NOT_AUTHORIZED", "OPAL-SUM-3");
    }
    if ((locking && !owner) || e.user_access) return refuse(std::move(a.next), "NOT_AUTHORIZED", "OPAL-SUM-2");
    if (!geometry && !locking) return refuse(std::move(a.next), "NOT_AUTHORIZED", "OPAL-SUM-2");  // an empty Set: nothing granted
    return set_range_columns(p, a.next, e, geometry ? "OPAL-SUM-3" : "OPAL-SUM-2");
  }

  static R apply(const Profile& p, const State& s, const SetRange& e) {
    if (e.range < s.ranges.size() && s.ranges[e.range].single_user) return set_sudr(p, s, e);
    auto a = authorize(p, s, e.as, Service::set_range_attributes);
    if (a.failure) return failed(a);
    if (e.range >= s.ranges.size()) return refuse(std::move(a.next), "INVALID_PARAMETER", "OPAL-RANGE-1");
    return set_range_columns(p, a.next, e, "OPAL-RANGE-1");
  }

  /// The Locking row's columns of a Set the caller has authorized (state after authentication:
  /// `authed`); geometry checks of the Locking table.
  static R set_range_columns(const Profile& p, const State& authed, const SetRange& e, std::string_view rule) {
    // The Global range spans the whole medium: no start/length.
    if (e.range == 0 && (e.start || e.length)) return refuse(authed, "INVALID_PARAMETER", "OPAL-RANGE-1");
    State n = authed;
    auto& r = n.ranges[e.range];
    if (e.start) r.start = *e.start;
    if (e.length) r.length = *e.length;
    if (r.length && r.start > UINT64_MAX - r.length) return refuse(authed, "INVALID_PARAMETER", "OPAL-RANGE-1");
    // Non-global ranges must not overlap (TCG Opal Locking table rule).
    for (std::size_t j = 1; j < n.ranges.size(); ++j) {
      const auto& o = n.ranges[j];
      if (j == e.range || !o.length || !r.length) continue;
      if (r.start < o.start + o.length && o.start < r.start + r.length)
        return refuse(authed, "INVALID_PARAMETER", "OPAL-RANGE-1");
    }
    if (e.read_lock_enabled) r.read_lock_enabled = *e.read_lock_enabled;
    if (e.write_lock_enabled) r.write_lock_enabled = *e.write_lock_enabled;
    if (e.lock_on_reset) r.lock_on_reset = *e.lock_on_reset;
    if (e.user_access) {
      if (*e.user_access >> p.users) return refuse(authed, "INVALID_PARAMETER", "OPAL-RANGE-1");
      r.user_access = *e.user_access;
    }
    n.reset_pending = true;
    return done(std::move(n), rule);
  }

  static R apply(const Profile& p, const State& s, const LockRange& e) {
    auto a = authorize(p, s, e.as, Service::lock_unlock_range);
    if (a.failure) return failed(a);
    if (e.range >= s.ranges.size()) return refuse(std::move(a.next), "INVALID_PARAMETER", "OPAL-RANGE-2");
    // [SUM] "Locking SP Admin1-4 (for non-SUDRs)": a SUDR is locked and unlocked by its owner only.
    if (s.ranges[e.range].single_user && !is_owner(a.role, e.as.authority, e.range))
      return refuse(std::move(a.next), "NOT_AUTHORIZED", "OPAL-SUM-2");
    if (!s.ranges[e.range].single_user && !user_may_use_range(s, a.role, e.as.authority, e.range))
      return refuse(std::move(a.next), "NOT_AUTHORIZED", "OPAL-RANGE-2");
    State n = std::move(a.next);
    if (e.read_locked) n.ranges[e.range].read_locked = *e.read_locked;
    if (e.write_locked) n.ranges[e.range].write_locked = *e.write_locked;
    return done(std::move(n), "OPAL-RANGE-2");
  }

  static R apply(const Profile& p, const State& s, const GenKey& e) {
    if (e.range < s.ranges.size() && s.ranges[e.range].single_user) {
      // [SUM] "Cryptographic Erase of SUDR ... TCG GenKey Method, TCG Erase Method" (E-OPAL-SUM-GENKEY).
      if (!p.genkey_on_sudr) {
        auto a = authenticate(p, s, e.as.authority, e.as.pin);
        if (a.failure) return failed(a);
        return refuse(std::move(a.next), "NOT_AUTHORIZED", "OPAL-SUM-4");
      }
      return erase_sudr(p, s, e.as, e.range);
    }
    auto a = authorize(p, s, e.as, Service::crypto_erase);
    if (a.failure) return failed(a);
    if (e.range >= s.ranges.size()) return refuse(std::move(a.next), "INVALID_PARAMETER", "OPAL-RANGE-3");
    if (!user_may_use_range(s, a.role, e.as.authority, e.range)) return refuse(std::move(a.next), "NOT_AUTHORIZED", "OPAL-RANGE-3");
    return new_key(std::move(a.next), e.range, "OPAL-RANGE-3");
  }

  /// [DATA] "The data is erased by zeroizing the data encryption key"; [GENKEY] "Change DEK".
  static R new_key(State n, std::size_t range, std::string_view rule) {
    if (n.ranges[range].mek == UINT32_MAX) return refuse(std::move(n), "INSUFFICIENT_SPACE", rule);
    ++n.ranges[range].mek;
    return done(std::move(n), rule);
  }

  /// [SUM] "Cryptographic Erase of SUDR: Erase user data in a Single User Data Range by
  /// cryptographic means: changing the encryption key. | Locking SP Admin1-4, User1-9": an
  /// Admin, or the SUDR's owner (a User erases only the range it owns, as for non-SUDRs).
  static R erase_sudr(const Profile& p, const State& s, const Auth& as, std::uint8_t range) {
    auto a = authorize(p, s, as, Service::sudr_erase);
    if (a.failure) return failed(a);
    if (a.role == Role::user && !is_owner(a.role, as.authority, range)) return refuse(std::move(a.next), "NOT_AUTHORIZED", "OPAL-SUM-4");
    return new_key(std::move(a.next), range, "OPAL-SUM-4");
  }

  /// Erase on a Locking row: a SUDR only. A non-SUDR is erased with GenKey ("Cryptographic
  /// Erase of non-SUDR ... TCG GenKey Method"); Erase on it is refused NOT_AUTHORIZED.
  static R apply(const Profile& p, const State& s, const Erase& e) {
    if (e.range < s.ranges.size() && s.ranges[e.range].single_user) return erase_sudr(p, s, e.as, e.range);
    auto a = authenticate(p, s, e.as.authority, e.as.pin);
    if (a.failure) return failed(a);
    if (e.range >= s.ranges.size()) return refuse(std::move(a.next), "INVALID_PARAMETER", "OPAL-SUM-4");
    return refuse(std::move(a.next), "NOT_AUTHORIZED", "OPAL-SUM-4");
  }

  /// [SUM] Reactivate: "Enable/Disable Single User Data Range (SUDR) classification for a data
  /// range | LockingSP Admin1-4 | TCG Reactivate Method". The selection must name Locking rows
  /// whose owner User exists (E-OPAL-SUM-OWNER); Admin1PIN, when given, is a PIN like any other.
  static R apply(const Profile& p, const State& s, const Reactivate& e) {
    auto a = authorize(p, s, e.as, Service::sudr_classify);
    if (a.failure) return failed(a);
    if (auto bad = selection_refusal(p, s, e.ranges)) return refuse(std::move(a.next), "INVALID_PARAMETER", *bad);
    if (e.admin1_pin && (e.admin1_pin->empty() || e.admin1_pin->size() > p.max_pin_length))
      return refuse(std::move(a.next), p.invalid_value_status, "OPAL-PIN-1");
    if (p.reactivate_resets_locking_sp && !generations_left(s))
      return refuse(std::move(a.next), "INSUFFICIENT_SPACE", "OPAL-SUM-1");
    State n = std::move(a.next);
    if (p.reactivate_resets_locking_sp) {  // E-OPAL-SUM-REACTIVATE: RevertSP + Activate
      const auto fresh_locking = locking_sp_credentials(p);
      for (auto& c : n.credentials)
        for (const auto& f : fresh_locking)
          if (c.authority == f.authority) c = f;
      n.ranges = erased_ranges(p, s);
      n.datastore.clear();
    }
    classify(n, e.ranges, e.geometry_by_admins);
    if (e.admin1_pin)
      if (auto i = index_of(n, "Admin1")) n.credentials[*i].pin = *e.admin1_pin;
    n.reset_pending = true;
    return done(std::move(n), "OPAL-SUM-1");
  }

  /// [SERVICES] "*Data Range has to be Unlocked"; [NONSEC] before activation data access is
  /// unauthenticated.
  static bool read_blocked(const State& s, const Range& r) { return s.locking_sp_active && r.read_lock_enabled && r.read_locked; }
  static bool write_blocked(const State& s, const Range& r) {
    return s.locking_sp_active && r.write_lock_enabled && r.write_locked;
  }

  static R apply(const Profile&, const State& s, const WriteData& e) {
    if (e.range >= s.ranges.size()) return refuse(s, "INVALID_PARAMETER", "OPAL-RANGE-4");
    if (write_blocked(s, s.ranges[e.range])) return refuse(s, "ACCESS_DENIED", "OPAL-RANGE-4");
    State n = s;
    n.ranges[e.range].data_mek = n.ranges[e.range].mek;
    return done(std::move(n), "OPAL-RANGE-4");
  }

  static R apply(const Profile&, const State& s, const ReadData& e) {
    if (e.range >= s.ranges.size()) return refuse(s, "INVALID_PARAMETER", "OPAL-RANGE-4");
    const auto& r = s.ranges[e.range];
    if (read_blocked(s, r)) return refuse(s, "ACCESS_DENIED", "OPAL-RANGE-4");
    R out = done(s, "OPAL-RANGE-4");
    // Data written under a replaced MEK decrypts to garbage: "old data is unreadable".
    out.out.data_readable = r.data_mek != 0 && r.data_mek == r.mek;
    return out;
  }

  /// fwpkg::seagate::image_decision remembered per thread. It is a pure function of three
  /// small values (at most 256 x 2 x 256 of them), but it runs the loader, which rejects by
  /// throwing: an exploration asks it for the same few arguments on every state (issue 12).
  static const fwpkg::seagate::ImageDecision& image_decision(std::uint8_t installed, bool signature_ok,
                                                             std::uint8_t version) {
    thread_local std::map<std::tuple<std::uint8_t, bool, std::uint8_t>, fwpkg::seagate::ImageDecision> memo;
    const auto key = std::tuple{installed, signature_ok, version};
    auto it = memo.find(key);
    if (it == memo.end()) it = memo.emplace(key, fwpkg::seagate::image_decision(installed, signature_ok, version)).first;
    return it->second;
  }

  static R apply(const Profile& p, const State& s, const FirmwareDownload& e) {
    // [SERVICES] Firmware Download "**FW Download Port has to be Unlocked".
    if (s.fw_port_locked) return refuse(s, p.fw_locked_status, "OPAL-FW-1");
    // The image: the RFC 4108 loader with the Seagate profile decides (fwpkg/seagate.hpp), so
    // one rule set decides here and for CMS packages. [FW] "If the verification fails an error
    // is returned and the update is not performed" (signatureFailure); rollback: "downgrading
    // to a lower security version number is not possible" (stalePackage). Both: StatusType =
    // 1h, StatusCode = 07h "Invalid Firmware Image".
    const auto& d = image_decision(s.fw_security_version, e.signature_ok, e.security_version);
    if (!d.accepted) {
      R r = refuse(s, "INVALID_FIRMWARE_IMAGE", d.code == fwpkg::ErrorCode::signatureFailure ? "OPAL-FW-3" : "OPAL-FW-4");
      r.out.nvme_status_type = fw_invalid_status_type;
      r.out.status_code = fw_invalid_status_code;
      return r;
    }
    State n = s;
    n.fw_security_version = static_cast<std::uint8_t>(d.security_version);
    // [FW] step 8: "At this point the firmware download port is unlocked." (soft reset: the
    // port and the ranges keep their state; model choice, the guide names no other effect).
    return done(std::move(n), "OPAL-FW-1");
  }

  static R apply(const Profile& p, const State& s, const GetMsid&) {
    R r = done(s, "OPAL-OWN-1");
    r.out.msid = p.msid;
    return r;
  }

  /// LockingInfo of the Locking SP: MaxRanges (the profile's non-Global rows) and the Single
  /// User Mode columns; an inactive Locking SP has none to read.
  static R apply(const Profile& p, const State& s, const GetLockingInfo&) {
    if (!s.locking_sp_active) return refuse(s, p.inactive_sp_status, "OPAL-SP-1");
    R r = done(s, "OPAL-SUM-1");
    LockingInfo info;
    info.max_ranges = p.ranges;
    for (std::size_t k = 0; k < s.ranges.size(); ++k)
      if (s.ranges[k].single_user) info.single_user_ranges.push_back(static_cast<std::uint16_t>(k));
    info.geometry_by_admins = s.sudr_geometry_by_admins;
    r.out.locking_info = std::move(info);
    return r;
  }

  // ---- [SUM] the single-user selection, shared by Reactivate and Activate (issue 14) ----

  /// Why a single-user selection is refused (the rule), if it is: a row the Locking table does
  /// not have (OPAL-SUM-1), or a row whose owner User the profile does not have (OPAL-SUM-5,
  /// E-OPAL-SUM-OWNER).
  static std::optional<std::string_view> selection_refusal(const Profile& p, const State& s,
                                                           const std::vector<std::uint16_t>& ranges) {
    for (auto k : ranges) {
      if (k >= s.ranges.size()) return "OPAL-SUM-1";
      if (k + 1u > p.users) return "OPAL-SUM-5";
    }
    return std::nullopt;
  }
  /// Make exactly the selected rows SUDRs, enable their owners, record the geometry policy.
  static void classify(State& n, const std::vector<std::uint16_t>& ranges, bool geometry_by_admins) {
    for (auto& r : n.ranges) r.single_user = false;
    for (auto k : ranges) {
      n.ranges[k].single_user = true;
      // The owner can authenticate: its Authority is enabled with the classification.
      if (auto i = index_of(n, sudr_owner(k))) n.credentials[*i].enabled = true;
    }
    n.sudr_geometry_by_admins = geometry_by_admins;
  }

  /// What Activate does to the Locking SP's credentials (E-OPAL-ACTIVATE-ADMIN1-PIN).
  static void on_activation(const Profile& p, State& n) {
    if (!p.activate_copies_sid_pin) return;
    const auto sid = index_of(n, "SID");
    const auto admin1 = index_of(n, "Admin1");
    if (sid && admin1) n.credentials[*admin1].pin = n.credentials[*sid].pin;
  }

  /// LockingSP.Activate[SingleUserModeSelectionList, RangeStartRangeLengthPolicy] in the Admin SP
  /// (E-OPAL-SUM-ACTIVATE): the Activate row's operator (Drive Owner) activates the Locking SP
  /// with the selected rows already SUDRs. Refused as Activate is (already Manufactured:
  /// INVALID_PARAMETER, OPAL-SP-1), and as Reactivate's selection is (OPAL-SUM-1/-5); with
  /// `activate_sum` false the selection is refused (INVALID_PARAMETER, OPAL-SUM-6).
  static R apply(const Profile& p, const State& s, const ActivateSum& e) {
    auto a = authorize(p, s, e.as, Service::activate);
    if (a.failure) return failed(a);
    if (!p.activate_sum) return refuse(std::move(a.next), "INVALID_PARAMETER", "OPAL-SUM-6");
    if (s.locking_sp_active) return refuse(std::move(a.next), "INVALID_PARAMETER", "OPAL-SP-1");
    if (auto bad = selection_refusal(p, s, e.ranges)) return refuse(std::move(a.next), "INVALID_PARAMETER", *bad);
    State n = std::move(a.next);
    n.locking_sp_active = true;
    on_activation(p, n);
    classify(n, e.ranges, e.geometry_by_admins);
    n.reset_pending = true;
    return done(std::move(n), "OPAL-SUM-6");
  }

  // ---- the DataStore table (TCG Opal SSC; not in the guide; issue 14) ----

  /// Is [offset, offset + length) inside the DataStore table?
  static bool in_datastore(const Profile& p, std::uint64_t offset, std::uint64_t length) {
    return offset <= p.datastore_size && length <= p.datastore_size - offset;
  }

  /// Set[Where = offset, Values = bytes] on the DataStore byte table: the Admins (model choice,
  /// OPAL-DS-1), inside the table (Core: a byte-table Set past its end is INVALID_PARAMETER).
  static R apply(const Profile& p, const State& s, const DataStoreWrite& e) {
    auto a = authorize(p, s, e.as, Service::datastore);
    if (a.failure) return failed(a);
    if (!in_datastore(p, e.offset, e.data.size())) return refuse(std::move(a.next), "INVALID_PARAMETER", "OPAL-DS-1");
    State n = std::move(a.next);
    auto& d = n.datastore;
    const std::size_t end = std::size_t{e.offset} + e.data.size();
    if (d.size() < end) d.resize(end, 0);
    std::copy(e.data.begin(), e.data.end(), d.begin() + static_cast<std::ptrdiff_t>(e.offset));
    while (!d.empty() && d.back() == 0) d.pop_back();  // one form per content: unwritten reads as 0
    return done(std::move(n), "OPAL-DS-1");
  }

  /// Get[Cellblock startRow, endRow] on the DataStore byte table: the bytes written there, zeros
  /// where nothing was.
  static R apply(const Profile& p, const State& s, const DataStoreRead& e) {
    auto a = authorize(p, s, e.as, Service::datastore);
    if (a.failure) return failed(a);
    if (!in_datastore(p, e.offset, e.length)) return refuse(std::move(a.next), "INVALID_PARAMETER", "OPAL-DS-1");
    R r = done(std::move(a.next), "OPAL-DS-1");
    Bytes out(e.length, 0);
    for (std::size_t i = 0; i < e.length && e.offset + i < s.datastore.size(); ++i) out[i] = s.datastore[e.offset + i];
    r.out.data = std::move(out);
    return r;
  }

  static R apply(const Profile& p, const State& s, const ShowStatus&) {
    R r = done(s, "OPAL-CC-IND");
    r.out.cc_mode_indicator = cc_report(p, s).indicator;
    return r;
  }
};

// ---- invariants, checked on every reachable state by `lockref explore opal` -------------

namespace inv {
inline bool tries_within_limit(const Profile&, const State& s) {
  for (const auto& c : s.credentials)
    if (c.try_limit != 0 && c.tries > c.try_limit) return false;
  return true;
}
inline bool pins_respect_length(const Profile& p, const State& s) {
  for (const auto& c : s.credentials)
    if (c.pin.empty() || c.pin.size() > p.max_pin_length) return false;
  return true;
}
inline bool inactive_sp_is_factory(const Profile& p, const State& s) {
  if (s.locking_sp_active) return true;
  for (const auto& f : Machine::locking_sp_credentials(p)) {
    const auto* c = Machine::find(s, f.authority);
    if (!c || c->pin != f.pin || c->min_pin_length != f.min_pin_length || c->enabled != f.enabled) return false;
  }
  return true;
}
inline bool psid_never_changes(const Profile& p, const State& s) {
  const auto* c = Machine::find(s, "PSID");
  return c && c->pin == p.psid_pin;
}
inline bool data_never_from_future_key(const Profile&, const State& s) {
  for (const auto& r : s.ranges)
    if (r.data_mek > r.mek) return false;
  return true;
}
/// [SUM] Every SUDR has an owner User in the profile, and that owner can authenticate (it is
/// enabled: Reactivate enables it, and no one may disable a SUDR User).
inline bool sudr_has_enabled_owner(const Profile& p, const State& s) {
  for (std::size_t k = 0; k < s.ranges.size(); ++k) {
    if (!s.ranges[k].single_user) continue;
    if (k + 1 > p.users) return false;
    const auto* c = Machine::find(s, Machine::sudr_owner(k));
    if (!c || !c->enabled) return false;
  }
  return true;
}
inline bool cc_mode_needs_locked_port(const Profile& p, const State& s) {
  return !cc_report(p, s).approved || (s.fw_port_locked && !s.makers_enabled && s.locking_sp_active);
}
}  // namespace inv

inline std::span<const Invariant<Machine>> Machine::invariants() {
  static constexpr Invariant<Machine> list[] = {
      {"invariant:opal.tries_within_limit", "OPAL-TRY-1", inv::tries_within_limit},
      {"invariant:opal.pins_respect_length", "OPAL-PIN-1", inv::pins_respect_length},
      {"invariant:opal.inactive_locking_sp_is_factory", "OPAL-SP-3", inv::inactive_sp_is_factory},
      {"invariant:opal.psid_never_changes", "OPAL-ACL-SETPIN", inv::psid_never_changes},
      {"invariant:opal.data_never_from_future_key", "OPAL-RANGE-3", inv::data_never_from_future_key},
      {"invariant:opal.cc_mode_needs_locked_port", "OPAL-CC-1", inv::cc_mode_needs_locked_port},
      {"invariant:opal.sudr_has_enabled_owner", "OPAL-SUM-2", inv::sudr_has_enabled_owner},
  };
  return list;
}

static_assert(lockref::StateMachine<Machine>);

}  // namespace lockref::opal
