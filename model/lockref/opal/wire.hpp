// The Opal Admin SP and Locking SP on the shared TCG session/method layer (tcg/session.hpp):
// a TPer adapter that maps each method a host sends in a session onto the abstract Opal
// machine (opal/drive.hpp), which stays the single source of truth (try limits, PIN policy,
// the access matrix of seed 000's Security Mode Services tables, ranges, CC mode).
//
// Mapping (a method in a session authenticated as A with PIN P is the abstract event with
// `as = {A, P}`; the layer has already checked P at StartSession / Authenticate):
//   AdminSP:   C_PIN_MSID.Get[Cellblock PIN]          -> GetMsid (readable by Anybody)
//              C_PIN_<x>.Set[Values = [PIN = v]]        -> SetPin{target x}
//              C_PIN_<x>.Set[Values = [TryLimit = n]]   -> SetTryLimit{target x}
//              LockingSP.Activate[]                     -> Activate
//              LockingSP.Activate[SingleUserModeSelectionList = 0x060000,
//                                 RangeStartRangeLengthPolicy = 0x060001] -> ActivateSum
//                                 (sedutil activateLockingSP_SUM; E-OPAL-SUM-ACTIVATE)
//              AdminSP.Revert[], ThisSP.RevertSP[]      -> Revert (the session ends; E-OPAL-PSID-SESSION)
//              LockingSP.Revert[]                       -> RevertSp (LockingSPObj.Revert, Drive Owner)
//              Makers / AdminSP Admin<k> Authority.Set[Enabled = b] -> SetEnabled; .Get[Enabled]
//   LockingSP: C_PIN_<x>.Set as above; ThisSP.RevertSP[] -> RevertSp (the session ends)
//              Admin<k> / User<k> Authority.Set[Enabled = b] -> SetEnabled; .Get[Enabled]
//              Locking_GlobalRange / Locking_Range<k>.Set[ReadLocked/WriteLocked] -> LockRange
//              Locking_GlobalRange / Locking_Range<k>.Set[RangeStart/RangeLength/ReadLockEnabled/
//                                   WriteLockEnabled/LockOnReset] -> SetRange (row 0: Global);
//                                   both kinds in one Set: SetRange then LockRange, all or nothing
//              K_AES_256_Range<k>_Key.GenKey[]          -> GenKey{range k}
//              ThisSP.Reactivate[SingleUserModeSelectionList = 0x060000,
//                                RangeStartRangeLengthPolicy = 0x060001,
//                                Admin1PIN = 0x060002]  -> Reactivate (Single User Mode; the
//                                session ends when the profile resets the Locking SP with it)
//              Locking_Range<k>.Erase[] / Locking_GlobalRange.Erase[] -> Erase{range k}
//              LockingInfo.Get[Cellblock]  -> GetLockingInfo (readable by Anybody): MaxRanges (4),
//                                SingleUserModeRanges (0x060000), RangeStartLengthPolicy (0x060001)
// Reactivate's parameters are named by uinteger as the host tools send them (sedutil
// DtaDevOpal::reactivateLockingSP_SUM: 06 00 00, 06 00 01, 06 00 03); the selection is a list
// of Locking object UIDs, or the Locking table's UID (00 00 08 02 00 00 00 00) for every row.
// Authentication (StartSession HostChallenge + HostSigningAuthority, ThisSP.Authenticate) is
// the layer's, over the same C_PIN rows of the abstract state (tcg/credential.hpp present_pin:
// NOT_AUTHORIZED and a counted Try for a wrong PIN, AUTHORITY_LOCKED_OUT at the TryLimit), so
// try limits and lockout are visible at the wire with each firmware profile's limits.
//
// UIDs: TCG Opal SSC v2.01/v2.30 §4 (Admin SP and Locking SP tables) and TCG Core Table 240
// (method UIDs); lockref's own table in tcg/uids.hpp names those the Key Per I/O note uses.
//
//              DataStore.Set[Where = offset, Values = bytes] -> DataStoreWrite; .Get[startRow, endRow]
//                                   -> DataStoreRead (Admins: OPAL-DS-1, model choice)
// Not mapped (yet): LockingInfo's other columns, the Authority table's columns other than
// Enabled, the firmware-download port object, Get of other tables, additional DataStore tables
// and the DataStoreTableSizes parameter of Activate (0x060002) and Reactivate (0x060003); they are
// refused with INVALID_PARAMETER naming OPAL-WIRE-UNMAPPED.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lockref/opal/drive.hpp"
#include "lockref/tcg/json.hpp"
#include "lockref/tcg/session.hpp"

namespace lockref::opal::wire {

using tcg::Value;

inline constexpr std::uint64_t admin_sp = 0x0000020500000001ull;    // Opal SSC: Admin SP
inline constexpr std::uint64_t locking_sp = 0x0000020500000002ull;  // Opal SSC: Locking SP
inline constexpr std::uint64_t this_sp = 0x0000000000000001ull;
inline constexpr std::uint64_t anybody = 0x0000000900000001ull;
inline constexpr std::uint64_t sid = 0x0000000900000006ull;
inline constexpr std::uint64_t psid = 0x000000090001FF01ull;
inline constexpr std::uint64_t admin_sp_admin_base = 0x0000000900000200ull;  // + k
inline constexpr std::uint64_t locking_admin_base = 0x0000000900010000ull;   // + k
inline constexpr std::uint64_t user_base = 0x0000000900030000ull;            // + k
inline constexpr std::uint64_t authority_to_cpin = 0x0000000B00000000ull ^ 0x0000000900000000ull;
inline constexpr std::uint64_t c_pin_sid = 0x0000000B00000001ull;
inline constexpr std::uint64_t c_pin_msid = 0x0000000B00008402ull;
inline constexpr std::uint64_t locking_info = 0x0000080100000001ull;    // LockingInfo (its one row)
inline constexpr std::uint64_t locking_table = 0x0000080200000000ull;   // the Locking table itself
inline constexpr std::uint64_t locking_global = 0x0000080200000001ull;
inline constexpr std::uint64_t locking_range_base = 0x0000080200030000ull;  // + k
inline constexpr std::uint64_t k_aes_global = 0x0000080600000001ull;
inline constexpr std::uint64_t k_aes_range_base = 0x0000080600030000ull;    // + k

inline constexpr std::uint64_t datastore = 0x0000100100000000ull;  // the DataStore byte table (linux sed-opal OPAL_DATASTORE)
inline constexpr std::uint64_t makers = 0x0000000900000003ull;  // Opal SSC Admin SP Authority table: Makers
inline constexpr std::uint64_t authority_table = 0x0000000900000000ull;
/// Authority table column Enabled (TCG Core Authority table: UID 0, Name 1, CommonName 2,
/// IsClass 3, Class 4, Enabled 5; sedutil OPAL_TOKEN::ENABLED = 0x05).
inline constexpr std::uint64_t col_enabled = 5;
/// Locking table columns (Opal SSC Locking table; linux sed-opal OPAL_READLOCKENABLED 5 ...
/// OPAL_LOCKONRESET 9): RangeStart 3, RangeLength 4, ReadLockEnabled 5, WriteLockEnabled 6,
/// ReadLocked 7, WriteLocked 8, LockOnReset 9.
inline constexpr std::uint64_t col_range_start = 3, col_range_length = 4, col_read_lock_enabled = 5,
                               col_write_lock_enabled = 6, col_read_locked = 7, col_write_locked = 8,
                               col_lock_on_reset = 9;

/// The Locking table row of a Locking object UID (Global = 0, Locking_Range<k> = k).
inline std::optional<std::uint8_t> locking_row(std::uint64_t uid) {
  if (uid == locking_global) return 0;
  if (uid > locking_range_base && uid <= locking_range_base + 9) return static_cast<std::uint8_t>(uid - locking_range_base);
  return std::nullopt;
}

/// Reactivate's parameter names (TCG Opal Feature Set: Single User Mode).
inline constexpr std::uint64_t sum_selection_list = 0x060000, sum_range_policy = 0x060001, sum_admin1_pin = 0x060002;
/// LockingInfo columns the model answers: MaxRanges (4), and Single User Mode's
/// SingleUserModeRanges (0x060000) and RangeStartLengthPolicy (0x060001).
inline constexpr std::uint64_t col_max_ranges = 4, col_sum_ranges = 0x060000, col_sum_policy = 0x060001;

/// Get LockingInfo's result: [ column = value ... ] for the modelled columns in the Cellblock's
/// [startColumn, endColumn] (all of them when the Cellblock names none). SingleUserModeRanges
/// is the list of the SUDRs' Locking object UIDs.
inline std::vector<Value> locking_info_columns(const opal::LockingInfo& li, const tcg::CellBlock& cells) {
  const auto lo = cells.start_column.value_or(0), hi = cells.end_column.value_or(UINT64_MAX);
  std::vector<Value> cols;
  auto in = [&](std::uint64_t c) { return c >= lo && c <= hi; };
  if (in(col_max_ranges)) cols.push_back(Value::of_name(Value::of_uint(col_max_ranges), Value::of_uint(li.max_ranges)));
  if (in(col_sum_ranges)) {
    std::vector<Value> uids;
    for (auto k : li.single_user_ranges)
      uids.push_back(Value::of_bytes(tcg::uid_bytes(k == 0 ? locking_global : locking_range_base + k)));
    cols.push_back(Value::of_name(Value::of_uint(col_sum_ranges), Value::of_list(std::move(uids))));
  }
  if (in(col_sum_policy)) cols.push_back(Value::of_name(Value::of_uint(col_sum_policy), Value::of_uint(li.geometry_by_admins ? 1 : 0)));
  return {Value::of_list(std::move(cols))};
}

/// SingleUserModeSelectionList (0x060000) and RangeStartRangeLengthPolicy (0x060001), the
/// parameters Activate and Reactivate share, and Reactivate's Admin1PIN (0x060002). Activate's
/// 0x060002 is DataStoreTableSizes (sedutil DtaDevOpal::activateLockingSP; its SUM variant sends
/// 0x060003 as Reactivate does): not modelled, refused as such.
struct Selection {
  std::vector<std::uint16_t> ranges;
  bool geometry_by_admins = false;
  std::optional<std::string> admin1_pin;
  bool named = false;  // a SingleUserModeSelectionList was given
};
inline Result<Selection> selection_of(const std::vector<Value>& args, std::size_t rows, bool reactivate) {
  Selection r;
  for (const auto& a : args) {
    if (a.kind != Value::Kind::name || a.items[0].kind != Value::Kind::uint) return make_error("a parameter is not a named value");
    const auto& v = a.items[1];
    switch (a.items[0].u) {
      case sum_selection_list:
        r.named = true;
        if (v.kind == Value::Kind::bytes && tcg::uid_from_bytes(v.b) == locking_table) {
          for (std::size_t k = 0; k < rows; ++k) r.ranges.push_back(static_cast<std::uint16_t>(k));
        } else if (v.kind == Value::Kind::list) {
          for (const auto& u : v.items) {
            const auto uid = u.kind == Value::Kind::bytes ? tcg::uid_from_bytes(u.b) : std::nullopt;
            const auto row = uid ? locking_row(*uid) : std::nullopt;
            if (!row) return make_error("SingleUserModeSelectionList: not a Locking object UID");
            r.ranges.push_back(*row);
          }
        } else {
          return make_error("SingleUserModeSelectionList: neither a list nor the Locking table UID");
        }
        break;
      case sum_range_policy:
        if (v.kind != Value::Kind::uint || v.u > 1) return make_error("RangeStartRangeLengthPolicy: 0 or 1");
        r.geometry_by_admins = v.u == 1;
        break;
      case sum_admin1_pin:
        if (!reactivate) return make_error("parameter not modelled (DataStoreTableSizes)");
        if (v.kind != Value::Kind::bytes) return make_error("Admin1PIN: not a byte string");
        r.admin1_pin = std::string(v.b.begin(), v.b.end());
        break;
      default: return make_error("parameter not modelled (DataStoreTableSizes or unknown)");
    }
  }
  return r;
}

/// ThisSP.Reactivate's parameters as the abstract event, or why they are refused.
inline Result<opal::Reactivate> reactivate_of(const std::vector<Value>& args, const opal::Auth& as, std::size_t rows) {
  auto sel = selection_of(args, rows, true);
  if (!sel) return make_error(sel.error().message);
  return opal::Reactivate{as, std::move(sel->ranges), sel->geometry_by_admins, std::move(sel->admin1_pin)};
}

/// The INVALID_PARAMETER answer to parameters selection_of refused: OPAL-WIRE-UNMAPPED for what
/// the model does not have, OPAL-WIRE-SUM for a malformed selection.
inline tcg::SpAnswer selection_refused(const Error& e) {
  return tcg::SpAnswer::refuse("INVALID_PARAMETER", e.message.starts_with("parameter not modelled") ? "OPAL-WIRE-UNMAPPED" : "OPAL-WIRE-SUM");
}

/// The abstract authority name of an Authority UID in an SP ("" if none).
inline std::string authority_name(std::uint64_t sp, std::uint64_t uid) {
  if (sp == admin_sp) {
    if (uid == sid) return "SID";
    if (uid == psid) return "PSID";
    if (uid > admin_sp_admin_base && uid <= admin_sp_admin_base + 4) return "AdminSP.Admin" + std::to_string(uid - admin_sp_admin_base);
  } else if (sp == locking_sp) {
    if (uid > locking_admin_base && uid <= locking_admin_base + 4) return "Admin" + std::to_string(uid - locking_admin_base);
    if (uid > user_base && uid <= user_base + 9) return "User" + std::to_string(uid - user_base);
  }
  return "";
}

/// The Authority UID of an abstract authority name (0 if none).
inline std::uint64_t authority_uid(std::string_view name) {
  if (name == "SID") return sid;
  if (name == "PSID") return psid;
  if (name.starts_with("AdminSP.Admin") && name.size() == 14) return admin_sp_admin_base + static_cast<std::uint64_t>(name[13] - '0');
  if (name.starts_with("Admin") && name.size() == 6) return locking_admin_base + static_cast<std::uint64_t>(name[5] - '0');
  if (name.starts_with("User") && name.size() == 5) return user_base + static_cast<std::uint64_t>(name[4] - '0');
  return 0;
}

/// C_PIN row UID of an authority (C_PIN_SID, C_PIN_Admin1, C_PIN_User1, ...): the Authority
/// UID with table 0x00000009 replaced by 0x0000000B, except C_PIN_SID (Opal SSC: 00 00 00 0B
/// 00 00 00 01, while SID is 00 00 00 09 00 00 00 06; target_of_cpin reads it so).
inline std::uint64_t c_pin_uid(std::string_view name) {
  if (name == "SID") return c_pin_sid;
  const auto a = authority_uid(name);
  return a ? a ^ authority_to_cpin : 0;
}

struct State {
  opal::State drive;
  tcg::SessionManager sm;
  friend bool operator==(const State&, const State&) = default;
};

struct Tper {
  using Profile = opal::Profile;
  using State = wire::State;

  static std::vector<tcg::SpDecl> sps(const Profile& p, const State& s) {
    return {tcg::SpDecl{admin_sp, "AdminSP", true, true, "SP_DISABLED"},
            tcg::SpDecl{locking_sp, "LockingSP", true, s.drive.locking_sp_active, p.inactive_sp_status}};
  }

  /// The C_PIN row an authority authenticates with. A disabled authority has none: it cannot
  /// authenticate (Authority Enabled column), and no Try is counted.
  static opal::Credential* credential(State& s, std::uint64_t sp, std::uint64_t who) {
    const auto name = authority_name(sp, who);
    if (name.empty()) return nullptr;
    for (auto& c : s.drive.credentials)
      if (c.authority == name) return c.enabled ? &c : nullptr;
    return nullptr;
  }

  static bool refuse_correct_at_limit(const Profile& p) { return p.refuse_correct_pin_at_limit; }

  static tcg::SessionProfile session_profile(const Profile&) {
    tcg::SessionProfile sp;
    sp.tper_properties = {{"MaxComPacketSize", 2048}, {"MaxPacketSize", 2028}, {"MaxIndTokenSize", 1992}, {"MaxSessions", 1}};
    sp.start_refusal = tcg::StartRefusal::sync_session;
    return sp;
  }

  static std::string target_of_cpin(std::uint64_t sp, std::uint64_t obj) {
    if (sp == admin_sp && obj == c_pin_sid) return "SID";
    return authority_name(sp, obj ^ authority_to_cpin);
  }

  static tcg::SpAnswer from_output(const opal::Output& o, std::vector<Value> results = {}) {
    tcg::SpAnswer a;
    a.status = o.status;
    a.rule = o.rule;
    a.results = std::move(results);
    return a;
  }

  /// One abstract event on the drive; the state advances only when it is accepted.
  static tcg::SpAnswer run_event(const Profile& p, State& s, const opal::Event& e, std::vector<Value> results = {}) {
    auto r = opal::Machine::step(p, s.drive, e);
    if (r.out.is_ok()) s.drive = r.next;
    return from_output(r.out, std::move(results));
  }

  /// Locking_GlobalRange / Locking_Range<k>.Set[Values = [...]]: the geometry and lock-enable
  /// columns are a SetRange, ReadLocked/WriteLocked a LockRange of the same row (row 0 is the
  /// Global range of the abstract model). A Set naming both kinds (linux sed-opal
  /// generic_lr_enable_disable sends ReadLockEnabled, WriteLockEnabled, ReadLocked and
  /// WriteLocked in one Set) is SetRange then LockRange, all or nothing: the session layer keeps
  /// the state of a refused method. LockOnReset is a list of Core reset types ([0] = Power Cycle,
  /// as sedutil and seed 000 step 8 send it) or, as before, a boolean: the model's one reset is
  /// the power cycle.
  static tcg::SpAnswer set_locking_object(const Profile& p, State& s, const opal::Auth& as, std::uint8_t row,
                                          const std::vector<std::pair<std::uint64_t, Value>>& values) {
    auto unmapped = [] { return tcg::SpAnswer::refuse("INVALID_PARAMETER", "OPAL-WIRE-UNMAPPED"); };
    opal::SetRange sr{as, row, {}, {}, {}, {}, {}, {}};
    opal::LockRange lr{as, row, {}, {}};
    bool range = false, lock = false;
    for (const auto& [col, v] : values) {
      if (col == col_lock_on_reset && v.kind == Value::Kind::list) {
        bool power_cycle = false;
        for (const auto& t : v.items) {
          if (t.kind != Value::Kind::uint) return tcg::SpAnswer::refuse("INVALID_PARAMETER", "OPAL-WIRE-LOCKING");
          power_cycle = power_cycle || t.u == 0;
        }
        sr.lock_on_reset = power_cycle;
        range = true;
        continue;
      }
      if (v.kind != Value::Kind::uint) return unmapped();
      const bool b = v.u != 0;
      switch (col) {
        case col_range_start: sr.start = v.u; range = true; break;
        case col_range_length: sr.length = v.u; range = true; break;
        case col_read_lock_enabled: sr.read_lock_enabled = b; range = true; break;
        case col_write_lock_enabled: sr.write_lock_enabled = b; range = true; break;
        case col_read_locked: lr.read_locked = b; lock = true; break;
        case col_write_locked: lr.write_locked = b; lock = true; break;
        case col_lock_on_reset: sr.lock_on_reset = b; range = true; break;
        default: return unmapped();
      }
      if (col >= col_read_lock_enabled && v.u > 1) return tcg::SpAnswer::refuse("INVALID_PARAMETER", "OPAL-WIRE-LOCKING");
    }
    if (!range && !lock) return unmapped();
    if (range) {
      auto a = run_event(p, s, sr);
      if (a.status != "ok" || !lock) return a;
    }
    return run_event(p, s, lr);
  }

  /// The abstract target of an Authority object in an SP: its authority name, or "Makers".
  static std::string authority_target(std::uint64_t sp, std::uint64_t obj) {
    if (sp == admin_sp && obj == makers) return "Makers";
    return authority_name(sp, obj);
  }

  /// Authority_<x>.Set[Values = [Enabled = b]] -> SetEnabled (seed 000: "Enable/Disable Admin SP
  /// Admin(s)" Drive Owner; "Enable/Disable LockingSP Admin(s), non-SUDR User(s)" LockingSP
  /// Admin1-4; setup step 7 "disable makers authority" Drive Owner). Other columns: not modelled.
  static tcg::SpAnswer set_authority(const Profile& p, State& s, std::uint64_t sp, const opal::Auth& as, std::uint64_t obj,
                                     const std::vector<std::pair<std::uint64_t, Value>>& values) {
    const auto target = authority_target(sp, obj);
    if (target.empty()) return tcg::SpAnswer::refuse("INVALID_PARAMETER", "OPAL-WIRE-AUTHORITY");
    if (values.size() != 1 || values.front().first != col_enabled) return tcg::SpAnswer::refuse("INVALID_PARAMETER", "OPAL-WIRE-UNMAPPED");
    const auto& v = values.front().second;
    if (v.kind != Value::Kind::uint || v.u > 1) return tcg::SpAnswer::refuse("INVALID_PARAMETER", "OPAL-WIRE-AUTHORITY");
    return run_event(p, s, opal::SetEnabled{as, target, v.u == 1});
  }

  /// The matrix row that governs an authority's Enabled column.
  static opal::Service enabled_service(std::string_view target) {
    if (target == "Makers") return opal::Service::makers;
    return opal::role_of(target) == opal::Role::admin_sp_admin ? opal::Service::enable_admin_sp_admin
                                                                : opal::Service::enable_locking_authority;
  }

  /// Authority_<x>.Get[Cellblock] -> [ [ Enabled(5) = b ] ] (the one column the model keeps; a
  /// Cellblock that excludes it is answered with an empty list). Model choice (the guide has no
  /// read row): read by the operators that may set it (same matrix row), NOT_AUTHORIZED otherwise.
  static tcg::SpAnswer get_authority(const State& s, std::uint64_t sp, const opal::Auth& as, std::uint64_t obj,
                                     const tcg::CellBlock& cells) {
    const auto target = authority_target(sp, obj);
    if (target.empty()) return tcg::SpAnswer::refuse("INVALID_PARAMETER", "OPAL-WIRE-AUTHORITY");
    const auto svc = enabled_service(target);
    if (!opal::matrix_allows(svc, opal::role_of(as.authority))) return tcg::SpAnswer::refuse("NOT_AUTHORIZED", std::string(opal::service_rule(svc)));
    bool enabled = s.drive.makers_enabled;
    if (target != "Makers") {
      const auto* c = opal::Machine::find(s.drive, target);
      if (!c) return tcg::SpAnswer::refuse("INVALID_PARAMETER", "OPAL-WIRE-AUTHORITY");
      enabled = c->enabled;
    }
    std::vector<Value> cols;
    if (cells.start_column.value_or(0) <= col_enabled && cells.end_column.value_or(UINT64_MAX) >= col_enabled)
      cols.push_back(Value::of_name(Value::of_uint(col_enabled), Value::of_uint(enabled ? 1 : 0)));
    tcg::SpAnswer a;
    a.rule = "OPAL-WIRE-AUTHORITY";
    a.results = {Value::of_list(std::move(cols))};
    return a;
  }

  /// DataStore.Get[Cellblock startRow = a, endRow = b] -> [ bytes a..b ] (TCG Core Get on a byte
  /// table; linux sed-opal's DataStore read). startRow defaults to 0; endRow must be given (the
  /// whole table would not fit a ComPacket). An answer longer than the session profile's
  /// MaxIndTokenSize is RESPONSE_OVERFLOW (Core status 0x11; model choice where to draw the line).
  static tcg::SpAnswer get_datastore(const Profile& p, State& s, const opal::Auth& as, const tcg::CellBlock& cells) {
    if (cells.start_column || cells.end_column || !cells.end_row) return tcg::SpAnswer::refuse("INVALID_PARAMETER", "OPAL-DS-1");
    const auto a = cells.start_row.value_or(0), b = *cells.end_row;
    if (b < a || b >= p.datastore_size) return tcg::SpAnswer::refuse("INVALID_PARAMETER", "OPAL-DS-1");
    const auto length = b - a + 1;
    std::uint64_t max_token = 0;
    for (const auto& [k, v] : session_profile(p).tper_properties)
      if (k == "MaxIndTokenSize") max_token = v;
    auto r = opal::Machine::step(p, s.drive, opal::DataStoreRead{as, static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(length)});
    if (!r.out.is_ok() || !r.out.data) return from_output(r.out);
    if (length > max_token) return tcg::SpAnswer::refuse("RESPONSE_OVERFLOW", "OPAL-DS-1");
    return from_output(r.out, {Value::of_bytes(std::move(*r.out.data))});
  }

  static tcg::SpAnswer invoke(const Profile& p, State& s, const tcg::Session& ses, const tcg::Invocation& inv) {
    using tcg::Method;
    // The session's authority and its PIN: the abstract event re-presents it (already proven).
    opal::Auth as{"Anybody", ""};
    for (auto it = ses.authorities.rbegin(); it != ses.authorities.rend(); ++it) {
      const auto name = authority_name(ses.sp, *it);
      for (const auto& c : s.drive.credentials)
        if (!name.empty() && c.authority == name) {
          as = {name, c.pin};
          break;
        }
      if (as.authority != "Anybody") break;
    }
    auto run = [&](const opal::Event& e) { return run_event(p, s, e); };
    auto unmapped = [] { return tcg::SpAnswer::refuse("INVALID_PARAMETER", "OPAL-WIRE-UNMAPPED"); };
    const auto obj = inv.object;
    // An anonymous session (Anybody) holds no operator column of the Security Mode Services
    // tables except "None" (Show Status, Firmware Download, the MSID read; and, model choice,
    // the LockingInfo read): every other mapped method is NOT_AUTHORIZED before it reaches the
    // abstract machine, whose events always carry an authority.
    const bool anybody_get = inv.method == Method::get && ((ses.sp == admin_sp && obj == c_pin_msid) ||
                                                           (ses.sp == locking_sp && obj == locking_info));
    if (as.authority == "Anybody" && !anybody_get)
      return tcg::SpAnswer::refuse("NOT_AUTHORIZED", "OPAL-WIRE-ANYBODY");
    switch (inv.method) {
      case Method::get: {
        if (ses.sp == locking_sp && obj == locking_info) {
          auto r = opal::Machine::step(p, s.drive, opal::GetLockingInfo{});
          if (!r.out.is_ok() || !r.out.locking_info) return from_output(r.out);
          return from_output(r.out, locking_info_columns(*r.out.locking_info, inv.cells));
        }
        if ((obj & 0xFFFFFFFF00000000ull) == authority_table) return get_authority(s, ses.sp, as, obj, inv.cells);
        if (ses.sp == locking_sp && obj == datastore) return get_datastore(p, s, as, inv.cells);
        if (ses.sp != admin_sp || obj != c_pin_msid) return unmapped();
        auto r = opal::Machine::step(p, s.drive, opal::GetMsid{});
        if (!r.out.is_ok() || !r.out.msid) return from_output(r.out);
        const std::string& m = *r.out.msid;
        // Get -> [ [ PIN(3) = msid ] ] (Core Get result: a list of named column values)
        return from_output(r.out, {Value::of_list({Value::of_name(Value::of_uint(3), Value::of_bytes(Bytes(m.begin(), m.end())))})});
      }
      case Method::set: {
        if ((obj & 0xFFFFFFFF00000000ull) == 0x0000000B00000000ull) {
          const auto target = target_of_cpin(ses.sp, obj);
          if (target.empty() || inv.values.size() != 1) return unmapped();
          const auto& [col, v] = inv.values.front();
          if (col == 3 && v.kind == Value::Kind::bytes) return run(opal::SetPin{as, target, std::string(v.b.begin(), v.b.end())});
          if (col == 5 && v.kind == Value::Kind::uint && v.u <= 0xFFFFFFFFu)
            return run(opal::SetTryLimit{as, target, static_cast<std::uint32_t>(v.u)});
          return unmapped();
        }
        if (ses.sp == locking_sp)
          if (const auto row = locking_row(obj)) return set_locking_object(p, s, as, *row, inv.values);
        if ((obj & 0xFFFFFFFF00000000ull) == authority_table) return set_authority(p, s, ses.sp, as, obj, inv.values);
        if (ses.sp == locking_sp && obj == datastore) {
          // Set[Where = offset, Values = bytes] (TCG Core Set on a byte table; linux sed-opal's
          // DataStore write). Where defaults to 0.
          if (!inv.byte_values || !inv.values.empty()) return tcg::SpAnswer::refuse("INVALID_PARAMETER", "OPAL-DS-1");
          const auto where = inv.where.value_or(0);
          if (where > UINT32_MAX) return tcg::SpAnswer::refuse("INVALID_PARAMETER", "OPAL-DS-1");
          return run(opal::DataStoreWrite{as, static_cast<std::uint32_t>(where), *inv.byte_values});
        }
        return unmapped();
      }
      case Method::activate: {
        if (ses.sp != admin_sp || obj != locking_sp) return unmapped();
        if (inv.args.empty()) return run(opal::Activate{as});
        // Activate[SingleUserModeSelectionList, RangeStartRangeLengthPolicy] (sedutil
        // activateLockingSP_SUM): the selection as Reactivate's, on the Activate row's operator.
        auto sel = selection_of(inv.args, s.drive.ranges.size(), false);
        if (!sel) return selection_refused(sel.error());
        if (!sel->named) return run(opal::Activate{as});  // only the policy: nothing single-user
        return run(opal::ActivateSum{as, std::move(sel->ranges), sel->geometry_by_admins});
      }
      case Method::revert:
        if (ses.sp == admin_sp && obj == admin_sp) {
          auto a = run(opal::Revert{as});
          a.end_session = true;  // Core Revert: the session is aborted
          return a;
        }
        // "TCG LockingSPObj.Revert()" (Drive Owner, seed 000 Exit CC Security Mode): Revert on the
        // Locking SP object from the Admin SP; the Admin SP session goes on.
        if (ses.sp == admin_sp && obj == locking_sp) return run(opal::RevertSp{as});
        return unmapped();
      case Method::revert_sp:
        // "AdminSP.RevertSP() AdminSPObj.Revert()" (seed 000 Unauthenticated Services, "None
        // (using PSID)"): the Admin SP reverted from inside, the whole TPer as AdminSPObj.Revert
        // (E-OPAL-PSID-SESSION).
        if (ses.sp == admin_sp && obj == this_sp) {
          auto a = run(opal::Revert{as});
          a.end_session = true;
          return a;
        }
        if (ses.sp == locking_sp && obj == this_sp) {
          auto a = run(opal::RevertSp{as});
          a.end_session = true;
          return a;
        }
        return unmapped();
      case Method::gen_key:
        if (ses.sp == locking_sp && obj == k_aes_global) return run(opal::GenKey{as, 0});
        if (ses.sp == locking_sp && obj > k_aes_range_base && obj <= k_aes_range_base + 9)
          return run(opal::GenKey{as, static_cast<std::uint8_t>(obj - k_aes_range_base)});
        return unmapped();
      case Method::reactivate: {
        if (ses.sp != locking_sp || obj != this_sp) return unmapped();
        auto e = reactivate_of(inv.args, as, s.drive.ranges.size());
        if (!e) return selection_refused(e.error());
        auto a = run(*e);
        // The Locking SP starts over (E-OPAL-SUM-REACTIVATE): the session's authentication is
        // gone with it, as after RevertSP.
        if (a.status == "ok" && p.reactivate_resets_locking_sp) a.end_session = true;
        return a;
      }
      case Method::erase: {
        const auto row = locking_row(obj);
        if (ses.sp != locking_sp || !row) return unmapped();
        if (!inv.args.empty()) return tcg::SpAnswer::refuse("INVALID_PARAMETER", "OPAL-WIRE-SUM");
        return run(opal::Erase{as, *row});
      }
      case Method::authenticate: break;  // the layer's
    }
    return unmapped();
  }
};

using Layer = tcg::SessionLayer<Tper>;

inline State initial(const opal::Profile& p) { return State{opal::Machine::initial(p), {}}; }

// ---- the wire as a state machine (`lockref explore|corpus|check opal-wire`) -------------------

/// One host item in Packet tsn:hsn, as tcg/json.hpp writes it ({"call": {...}}, "end_of_session").
struct Call {
  static constexpr std::string_view tag = "call";
  std::uint32_t tsn = 0;
  std::uint32_t hsn = 0;
  Json item;
};
/// The raw IF-SEND payload of Security Protocol 0x01: a ComPacket as sedutil or go-tcg-storage
/// send it (their integer and empty-string forms are accepted by the token decoder).
struct Send {
  static constexpr std::string_view tag = "send";
  Bytes bytes;
};
/// Power-on reset (the abstract machine's, and every session is gone).
struct PowerCycle {
  static constexpr std::string_view tag = "power_cycle";
};
using Event = std::variant<Call, Send, PowerCycle>;

struct Output {
  std::string status = "ok";  // "ok" or the TCG Core method status the TPer answered
  std::string rule;
  std::vector<std::string> methods;
  Bytes response;  // the answer's token stream (Call) or ComPacket (Send)
  bool is_ok() const { return status == "ok"; }
  friend bool operator==(const Output&, const Output&) = default;
};

struct View {
  bool locking_sp_active = false;
  bool session_open = false;
  std::string session_sp;                    // "AdminSP" | "LockingSP" | ""
  std::vector<std::string> session_authorities;
  std::vector<std::string> locked_out;       // authorities at their Try Limit
  friend bool operator==(const View&, const View&) = default;
};

struct Machine {
  static constexpr std::string_view name = "opal-wire";
  using Profile = opal::Profile;
  using State = wire::State;
  using Event = wire::Event;
  using Output = wire::Output;
  using View = wire::View;
  using R = Step<State, Output>;

  static Status validate(const Profile& p) { return opal::Machine::validate(p); }
  static State initial(const Profile& p) { return wire::initial(p); }

  static View observe(const Profile& p, const State& s) {
    View v;
    v.locking_sp_active = s.drive.locking_sp_active;
    if (s.sm.session) {
      v.session_open = true;
      v.session_sp = s.sm.session->sp == admin_sp ? "AdminSP" : s.sm.session->sp == locking_sp ? "LockingSP" : "?";
      for (auto a : s.sm.session->authorities) v.session_authorities.push_back(authority_name(s.sm.session->sp, a));
    }
    v.locked_out = opal::Machine::observe(p, s.drive).locked_out;
    return v;
  }

  static R from_layer(const Layer::Out& r) {
    Output o;
    o.status = r.status;
    o.rule = r.rule;
    if (r.method) o.methods.push_back(*r.method);
    if (auto b = tcg::encode_items(r.response)) o.response = std::move(b).value();
    return {r.next, o};
  }

  static R step(const Profile& p, const State& s, const Event& e) {
    if (const auto* c = std::get_if<Call>(&e)) {
      auto it = tcg::item_from_json(c->item);
      if (!it) return {s, Output{"MALFORMED", "TCG-SESSION-3", {}, {}}};
      return from_layer(Layer::on_item(p, s, c->tsn, c->hsn, *it));
    }
    if (const auto* w = std::get_if<Send>(&e)) {
      auto r = Layer::on_compacket(p, s, w->bytes);
      if (!r) return {s, Output{"MALFORMED", "TCG-SESSION-3", {}, {}}};
      return {r->next, Output{r->status, r->rule, r->methods, r->response}};
    }
    State n = s;
    auto r = opal::Machine::step(p, s.drive, opal::PowerCycle{});
    n.drive = r.next;
    n.sm.session.reset();
    return {n, Output{r.out.status, r.out.rule, {"PowerCycle"}, {}}};
  }

  /// Host items a test tool sends: sessions anonymous, with the right and a wrong PIN, and the
  /// mapped methods; enough to reach ownership, activation, lockout and revert.
  static std::vector<Event> candidate_events(const Profile& p, const State& s) {
    using tcg::MethodCall;
    auto uidb = [](std::uint64_t u) { return Value::of_bytes(tcg::uid_bytes(u)); };
    auto start = [&](std::uint64_t sp, std::optional<std::pair<std::uint64_t, std::string>> auth) {
      MethodCall c{tcg::uid_bytes(tcg::uid_of("SMUID")), tcg::uid_bytes(tcg::uid_of("StartSession")),
                   {Value::of_uint(1), uidb(sp), Value::of_uint(1)}, {0, 0, 0}};
      if (auth) {
        c.args.push_back(Value::of_name(Value::of_uint(0), Value::of_bytes(Bytes(auth->second.begin(), auth->second.end()))));
        c.args.push_back(Value::of_name(Value::of_uint(3), uidb(auth->first)));
      }
      return Event{Call{0, 0, tcg::item_to_json(c)}};
    };
    auto pin_of = [&](std::string_view who) {
      for (const auto& c : s.drive.credentials)
        if (c.authority == who) return c.pin.str();
      return std::string();
    };
    std::vector<Event> out;
    if (!s.sm.session) {
      out.push_back(start(admin_sp, std::nullopt));
      out.push_back(start(admin_sp, std::make_pair(sid, pin_of("SID"))));
      out.push_back(start(admin_sp, std::make_pair(sid, std::string("wrong-pin"))));
      out.push_back(start(locking_sp, std::make_pair(locking_admin_base + 1, pin_of("Admin1"))));
      out.push_back(start(locking_sp, std::make_pair(locking_admin_base + 1, std::string("wrong-pin"))));
      if (p.users >= 2) out.push_back(start(locking_sp, std::make_pair(user_base + 2, pin_of("User2"))));
    } else {
      const auto& ses = *s.sm.session;
      auto in = [&](std::uint64_t obj, std::string_view method, std::vector<Value> args = {}) {
        MethodCall c{tcg::uid_bytes(obj), tcg::uid_bytes(tcg::uid_of(method)), std::move(args), {0, 0, 0}};
        return Event{Call{ses.tsn, ses.hsn, tcg::item_to_json(c)}};
      };
      auto set_cols = [](std::vector<std::pair<std::uint64_t, Value>> cols) {  // Set's Values = [ col = v ... ]
        std::vector<Value> v;
        for (auto& [c, x] : cols) v.push_back(Value::of_name(Value::of_uint(c), std::move(x)));
        return Value::of_name(Value::of_uint(1), Value::of_list(std::move(v)));
      };
      auto set_pin = [&](std::uint64_t cpin, std::string pin) {
        return in(cpin, "Set", {Value::of_name(Value::of_uint(1), Value::of_list({Value::of_name(
                                                                      Value::of_uint(3), Value::of_bytes(Bytes(pin.begin(), pin.end())))}))});
      };
      if (ses.sp == admin_sp) {
        out.push_back(in(c_pin_msid, "Get",
                         {Value::of_list({Value::of_name(Value::of_uint(3), Value::of_uint(3)), Value::of_name(Value::of_uint(4), Value::of_uint(3))})}));
        out.push_back(set_pin(c_pin_sid, "owner-pin-0123456789"));
        out.push_back(in(locking_sp, "Activate"));
        if (p.users >= 2)  // Activate with Locking_Range1 (owner User2) single-user (sedutil activateLockingSP_SUM)
          out.push_back(in(locking_sp, "Activate",
                           {Value::of_name(Value::of_uint(sum_selection_list), Value::of_list({uidb(locking_range_base + 1)})),
                            Value::of_name(Value::of_uint(sum_range_policy), Value::of_uint(0))}));
        out.push_back(in(makers, "Set", {set_cols({{col_enabled, Value::of_uint(0)}})}));  // setup step 7
        out.push_back(in(admin_sp, "Revert"));
      } else {
        out.push_back(set_pin(c_pin_uid("Admin1"), "admin1-pin-01234567"));
        out.push_back(in(k_aes_range_base + 1, "GenKey"));
        // the Global range locked in one Set (linux sed-opal generic_lr_enable_disable), unlocked again
        out.push_back(in(locking_global, "Set", {set_cols({{col_read_lock_enabled, Value::of_uint(1)}, {col_write_lock_enabled, Value::of_uint(1)},
                                                          {col_read_locked, Value::of_uint(1)}, {col_write_locked, Value::of_uint(1)}})}));
        out.push_back(in(locking_global, "Set", {set_cols({{col_read_locked, Value::of_uint(0)}, {col_write_locked, Value::of_uint(0)}})}));
        if (p.users >= 1) out.push_back(in(user_base + 1, "Set", {set_cols({{col_enabled, Value::of_uint(0)}})}));
        out.push_back(in(datastore, "Set", {Value::of_name(Value::of_uint(0), Value::of_uint(16)),
                                            Value::of_name(Value::of_uint(1), Value::of_bytes(Bytes{0x5a, 0xa5}))}));
        out.push_back(in(this_sp, "RevertSP"));
        if (p.users >= 2)  // Single User Mode: Locking_Range1 (owner User2) as a SUDR, then erased
          out.push_back(in(this_sp, "Reactivate",
                           {Value::of_name(Value::of_uint(sum_selection_list), Value::of_list({uidb(locking_range_base + 1)})),
                            Value::of_name(Value::of_uint(sum_range_policy), Value::of_uint(0))}));
        out.push_back(in(locking_range_base + 1, "Erase"));
        out.push_back(in(locking_info, "Get", {Value::of_list({})}));
      }
      out.push_back(Event{Call{ses.tsn, ses.hsn, tcg::item_to_json(tcg::Item{tcg::EndOfSession{}})}});
    }
    out.push_back(PowerCycle{});
    return out;
  }

  static std::span<const Invariant<Machine>> invariants();

  static std::string_view view_requirement(std::string_view f) {
    // session_open, session_sp, session_authorities and sm come from the method mapping
    if (f == "locked_out") return "OPAL-WIRE-TRY";
    return "OPAL-WIRE-MAP";
  }

  static std::string label(const Profile& p, const State& s) {
    const auto v = observe(p, s);
    std::string l = v.locking_sp_active ? "LockingSP active" : "LockingSP inactive";
    if (v.session_open) {
      l += "\nsession " + v.session_sp;
      for (const auto& a : v.session_authorities) l += " " + a;
    }
    for (const auto& a : v.locked_out) l += "\nlocked out " + a;
    return l;
  }

  /// A session's authority never exceeds what the C_PIN rows grant: each authenticated
  /// authority belongs to the session's SP and is enabled (seed 000 access matrix operators).
  static bool session_authorities_granted(const Profile&, const State& s) {
    if (!s.sm.session) return true;
    for (auto a : s.sm.session->authorities) {
      const auto n = authority_name(s.sm.session->sp, a);
      const auto* c = opal::Machine::find(s.drive, n);
      if (n.empty() || !c || !c->enabled) return false;
    }
    return s.sm.session->sp == admin_sp || (s.sm.session->sp == locking_sp && s.drive.locking_sp_active);
  }
  static bool drive_invariants(const Profile& p, const State& s) { return check_invariants<opal::Machine>(p, s.drive).ok(); }
};

inline std::span<const Invariant<Machine>> Machine::invariants() {
  static const Invariant<Machine> list[] = {
      {"invariant:opal-wire.session_authorities_granted", "OPAL-WIRE-MAP", &session_authorities_granted},
      {"invariant:opal-wire.drive_invariants", "OPAL-WIRE-MAP", &drive_invariants},
  };
  return list;
}

}  // namespace lockref::opal::wire

BOOST_HANA_ADAPT_STRUCT(lockref::opal::wire::State, drive, sm);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::wire::Call, tsn, hsn, item);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::wire::Send, bytes);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::wire::Output, status, rule, methods, response);
BOOST_HANA_ADAPT_STRUCT(lockref::opal::wire::View, locking_sp_active, session_open, session_sp, session_authorities, locked_out);
