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
//              AdminSP.Revert[]                         -> Revert (the session ends)
//   LockingSP: C_PIN_<x>.Set as above; ThisSP.RevertSP[] -> RevertSp (the session ends)
//              Locking_Range<k>.Set[ReadLocked/WriteLocked] -> LockRange
//              Locking_Range<k>.Set[RangeStart/RangeLength/ReadLockEnabled/
//                                   WriteLockEnabled/LockOnReset] -> SetRange
//              K_AES_256_Range<k>_Key.GenKey[]          -> GenKey{range k}
// Authentication (StartSession HostChallenge + HostSigningAuthority, ThisSP.Authenticate) is
// the layer's, over the same C_PIN rows of the abstract state (tcg/credential.hpp present_pin:
// NOT_AUTHORIZED and a counted Try for a wrong PIN, AUTHORITY_LOCKED_OUT at the TryLimit), so
// try limits and lockout are visible at the wire with each firmware profile's limits.
//
// UIDs: TCG Opal SSC v2.01/v2.30 §4 (Admin SP and Locking SP tables) and TCG Core Table 240
// (method UIDs); lockref's own table in tcg/uids.hpp names those the Key Per I/O note uses.
//
// Not mapped (yet): Erase and Reactivate (Single User Mode), LockingInfo Get, the Authority
// table's Enabled column, the firmware-download port object, Get of other tables; they are
// refused with INVALID_PARAMETER naming OPAL-WIRE-UNMAPPED.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lockref/opal/drive.hpp"
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
inline constexpr std::uint64_t locking_global = 0x0000080200000001ull;
inline constexpr std::uint64_t locking_range_base = 0x0000080200030000ull;  // + k
inline constexpr std::uint64_t k_aes_global = 0x0000080600000001ull;
inline constexpr std::uint64_t k_aes_range_base = 0x0000080600030000ull;    // + k

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
/// UID with table 0x00000009 replaced by 0x0000000B.
inline std::uint64_t c_pin_uid(std::string_view name) {
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
    auto run = [&](const opal::Event& e, std::vector<Value> results = {}) {
      auto r = opal::Machine::step(p, s.drive, e);
      if (r.out.is_ok()) s.drive = r.next;
      return from_output(r.out, std::move(results));
    };
    auto unmapped = [] { return tcg::SpAnswer::refuse("INVALID_PARAMETER", "OPAL-WIRE-UNMAPPED"); };
    const auto obj = inv.object;
    // An anonymous session (Anybody) holds no operator column of the Security Mode Services
    // tables except "None" (Show Status, Firmware Download, the MSID read): every other mapped
    // method is NOT_AUTHORIZED before it reaches the abstract machine, whose events always
    // carry an authority.
    if (as.authority == "Anybody" && !(inv.method == Method::get && ses.sp == admin_sp && obj == c_pin_msid))
      return tcg::SpAnswer::refuse("NOT_AUTHORIZED", "OPAL-WIRE-ANYBODY");
    switch (inv.method) {
      case Method::get: {
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
        if (ses.sp == locking_sp && obj > locking_range_base && obj <= locking_range_base + 9) {
          const auto k = static_cast<std::uint8_t>(obj - locking_range_base);
          opal::SetRange sr{as, k, {}, {}, {}, {}, {}, {}};
          opal::LockRange lr{as, k, {}, {}};
          bool range = false, lock = false;
          for (const auto& [col, v] : inv.values) {
            if (v.kind != Value::Kind::uint) return unmapped();
            const bool b = v.u != 0;
            switch (col) {  // Locking table columns (Opal SSC Locking table)
              case 3: sr.start = v.u; range = true; break;
              case 4: sr.length = v.u; range = true; break;
              case 5: sr.read_lock_enabled = b; range = true; break;
              case 6: sr.write_lock_enabled = b; range = true; break;
              case 7: lr.read_locked = b; lock = true; break;
              case 8: lr.write_locked = b; lock = true; break;
              case 9: sr.lock_on_reset = b; range = true; break;
              default: return unmapped();
            }
          }
          if (range && lock) return unmapped();  // one abstract event per method
          return range ? run(sr) : run(lr);
        }
        return unmapped();
      }
      case Method::activate:
        if (ses.sp == admin_sp && obj == locking_sp) return run(opal::Activate{as});
        return unmapped();
      case Method::revert:
        if (ses.sp == admin_sp && obj == admin_sp) {
          auto a = run(opal::Revert{as});
          a.end_session = true;  // Core Revert: the session is aborted
          return a;
        }
        return unmapped();
      case Method::revert_sp:
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
      case Method::authenticate: break;  // the layer's
    }
    return unmapped();
  }
};

using Layer = tcg::SessionLayer<Tper>;

inline State initial(const opal::Profile& p) { return State{opal::Machine::initial(p), {}}; }

}  // namespace lockref::opal::wire
