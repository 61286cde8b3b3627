// The Key Per I/O TPer as a state machine (seed 002, TCG Key Per I/O application note):
// the Admin SP and the Key Per I/O SP on the shared TCG session layer (tcg/session.hpp), the
// Key Injection Interface (KMIP over Security Protocol 0x03, kpio/kmip_import.hpp), the
// Security Protocol 0x02 commands (Clear Single MEK, Clear All MEKs, Get Nonce; tcg/sp02.hpp)
// and the resets of §4.3.
//
// Sources (seed 002 sections): §3.2.1–§3.2.22 procedures and their preconditions, §3.3 and
// §3.4 encodings, §4.2 and §4.3 state tables. Every rule names its requirement
// (spec/requirements/kpio.json). Where the note is silent the rule is a named model choice.
//
// Abstractions (stated once):
//   - Columns the note never encodes have model-chosen column numbers (kpio_columns below,
//     marked "model choice", errata E-KPIO-COLUMNS); the Key Per I/O SSC is not among the seeds.
//   - The TPer's randomness (Get Nonce) is an explicit input of the event.
//   - A factory MEK (§4.1 "Factory-MEKn") is a key cache entry with `factory` set.
#pragma once
#include <algorithm>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "lockref/core/machine.hpp"
#include "lockref/crypto/hash.hpp"
#include "lockref/crypto/rsa_oaep.hpp"
#include "lockref/kmip/ttlv.hpp"
#include "lockref/kpio/key_wrap.hpp"
#include "lockref/kpio/kmip_import.hpp"
#include "lockref/kpio/pki_test_key.hpp"
#include "lockref/kpio/state.hpp"
#include "lockref/tcg/json.hpp"
#include "lockref/tcg/session.hpp"
#include "lockref/tcg/sp02.hpp"

namespace lockref::kpio {

// ---- UIDs of the Key Per I/O SP rows (uids.hpp names row 1; the numbering of further rows
// extends the note's pattern: KeyEncryptionKey2 = 0000120200010002 in Table 48) ----------

inline constexpr std::uint64_t kek_row_base = 0x0000120200010000ull;
inline constexpr std::uint64_t allocation_row_base = 0x0000120100000000ull;
inline std::uint64_t kek_uid(std::uint32_t row) { return kek_row_base + row; }
inline std::uint64_t allocation_uid(std::uint32_t nsid) { return allocation_row_base + nsid; }
inline const std::uint64_t null_kek_uid = tcg::uid_of("NULLKeyEncryptionKey");
inline const std::uint64_t pki_kek_uid = tcg::uid_of("PKIPublicKeyEncryptionKey");
inline bool contains(const std::vector<tcg::Uid>& l, std::uint64_t uid) {
  return std::find(l.begin(), l.end(), tcg::to_uid(uid)) != l.end();
}

/// One column of a Key Per I/O SP or Admin SP table (number as on the wire). Sources, in
/// order of authority: the byte encodings of seed 002 (checked against the seed's bytes by
/// "kpio: every column number the note encodes is the one the model uses"); TCG Core 2.01
/// §5.3.2.12 C_PIN (0 UID, 1 Name, 2 CommonName, 3 PIN, 4 CharSet, 5 TryLimit, 6 Tries,
/// 7 Persistence; transcribed the same way by go-tcg-storage pkg/core/table/cpin.go); and, for
/// the columns of the Key Per I/O SSC's own tables that the note never encodes, a model choice
/// (the SSC is not among the seeds and lockref's reference search does not hold it; errata
/// E-KPIO-COLUMNS). A capture that uses another number for those is answered
/// INVALID_PARAMETER, which names the difference.
struct ColumnDecl {
  std::string_view table;
  std::string_view name;
  std::uint64_t number;
  std::string_view source;
};
inline constexpr std::array kpio_columns{
    ColumnDecl{"C_PIN", "PIN", 3, "KPIO AN Table 11 'PIN Column'; TCG Core 2.01 §5.3.2.12"},
    ColumnDecl{"C_PIN", "TryLimit", 5, "TCG Core 2.01 §5.3.2.12 (not in seed 002)"},
    ColumnDecl{"C_PIN", "Tries", 6, "TCG Core 2.01 §5.3.2.12 (not in seed 002)"},
    ColumnDecl{"C_PIN", "Persistence", 7, "TCG Core 2.01 §5.3.2.12 (not in seed 002)"},
    ColumnDecl{"SP", "LifeCycle", 6, "KPIO AN Table 16 'LifeCycle Column'"},
    ColumnDecl{"KPIOPolicies", "ClearSingleMEKAllowed", 1, "KPIO AN Table 30"},
    ColumnDecl{"KPIOPolicies", "ClearAllMEKsAllowed", 2, "KPIO AN Table 33"},
    ColumnDecl{"KPIOPolicies", "ReplayProtectionEnabled", 3, "KPIO AN Table 65"},
    ColumnDecl{"KPIOPolicies", "PKIProtectedKEKProgrammingEnabled", 4, "KPIO AN Table 28"},
    ColumnDecl{"KPIOPolicies", "PlaintextKEKProgrammingEnabled", 5, "KPIO AN Table 26"},
    ColumnDecl{"KPIOPolicies", "KeyInjectionInterfaceLockEnabled", 6, "model choice, E-KPIO-COLUMNS (the gap between Tables 26 and 23)"},
    ColumnDecl{"KPIOPolicies", "KeyInjectionInterfaceLocked", 7, "KPIO AN Table 23"},
    ColumnDecl{"KeyEncryptionKey", "Key", 2, "model choice, E-KPIO-COLUMNS (never readable or settable by a method)"},
    ColumnDecl{"KeyEncryptionKey", "AccessLockEnabled", 3, "model choice, E-KPIO-COLUMNS"},
    ColumnDecl{"KeyEncryptionKey", "AccessLocked", 4, "KPIO AN Table 24"},
    ColumnDecl{"KeyEncryptionKey", "LockOnReset", 5, "model choice, E-KPIO-COLUMNS"},
    ColumnDecl{"KeyEncryptionKey", "AllowedKeyEncryptionKeys", 6, "KPIO AN Tables 27, 29, 48"},
    ColumnDecl{"KeyTagAllocation", "NamespaceID", 1, "model choice, E-KPIO-COLUMNS"},
    ColumnDecl{"KeyTagAllocation", "Managed", 4, "KPIO AN Table 22"},
    ColumnDecl{"KeyTagAllocation", "NumberOfKeyTags", 5, "model choice, E-KPIO-COLUMNS"},
    ColumnDecl{"KeyTagAllocation", "AllowedKeyEncryptionKeys", 6, "KPIO AN Table 25"},
    ColumnDecl{"Certificates", "Name", 1, "TCG Core object-table columns 1 Name, 2 CommonName (§5.3.2.12 shows them for C_PIN); Table 54's pseudo-code names both"},
    ColumnDecl{"Certificates", "CommonName", 2, "TCG Core object-table columns (as Name)"},
    ColumnDecl{"Certificates", "CertData", 3, "KPIO AN Table 53"},
    ColumnDecl{"Certificates", "CertSize", 4, "KPIO AN Table 53"},
};
inline std::optional<std::uint64_t> column_number(std::string_view table, std::string_view name) {
  for (const auto& c : kpio_columns)
    if (c.table == table && c.name == name) return c.number;
  return std::nullopt;
}
inline std::optional<std::string_view> column_name(std::string_view table, std::uint64_t n) {
  for (const auto& c : kpio_columns)
    if (c.table == table && c.number == n) return c.name;
  return std::nullopt;
}

/// LifeCycle values (TCG Core life cycle states; Table 17: Manufactured-Inactive = 8).
inline constexpr std::uint64_t life_manufactured_inactive = 8, life_manufactured = 9;

/// Security Protocol 0x02 status values other than Success (Tables 32, 35 show only 0). Model
/// choice: the Key Per I/O SSC's codes are not in the seeds.
inline constexpr std::uint32_t sp2_success = 0, sp2_not_allowed = 1, sp2_invalid_namespace = 2, sp2_invalid_key_tag = 3,
                               sp2_sp_inactive = 4;

/// The certificate the TPer returns from KeyPerIOPublicKeyCertificateData: Table 56's bytes.
Bytes seed_certificate();

/// Deterministic key material for names ("KPIO-MEK1", "Factory-MEK13", "KEK1"): SHA-512 of
/// the name, split in two 32-byte halves (a lockref convention for examples and vectors).
inline std::pair<Bytes, Bytes> named_key(std::string_view name) {
  const Bytes h = crypto::sha512(to_bytes(name));
  return {Bytes(h.begin(), h.begin() + 32), Bytes(h.begin() + 32, h.end())};
}

// =========================================================================================

struct Machine {
  static constexpr std::string_view name = "kpio";
  using Profile = kpio::Profile;
  using State = kpio::State;
  using Event = kpio::Event;
  using Output = kpio::Output;
  using View = kpio::View;
  using R = Step<State, Output>;

  static Status validate(const Profile& p) {
    if (p.kpiosc > 1) return make_error("kpiosc: 0 or 1");
    if (p.namespaces < 1 || p.namespaces > 64) return make_error("namespaces: 1..64");
    if (p.keks < 1 || p.keks > 64) return make_error("keks: 1..64");
    if (p.max_key_tags_per_namespace < 1) return make_error("max_key_tags_per_namespace: at least 1");
    if (p.default_key_tags < 1 || p.default_key_tags > p.max_key_tags_per_namespace)
      return make_error("default_key_tags: 1..max_key_tags_per_namespace");
    if (p.kpiosc == 1 && std::uint64_t{p.default_key_tags} * p.namespaces > p.total_key_tags)
      return make_error("total_key_tags: KPIOSC = 1 manages every namespace with default_key_tags each");
    if (p.nonce_length < 1 || p.nonce_length > 512) return make_error("nonce_length: 1..512");
    if (p.max_outstanding_nonces < 1) return make_error("max_outstanding_nonces: at least 1");
    if (p.msid.empty() || p.msid.size() > 32) return make_error("msid: 1..32 bytes");
    if (p.default_kmip_batch_items < 1) return make_error("default_kmip_batch_items: at least 1");
    if (p.activate_when_active == "SUCCESS" ||
        (p.activate_when_active != "ok" && !tcg::method_status_value(p.activate_when_active)))
      return make_error("activate_when_active: \"ok\" or a TCG Core method status name (INVALID_PARAMETER, FAIL, ...)");
    return ok_status();
  }

  static State initial(const Profile& p) {
    State s;
    s.sid = tcg::CPin{p.msid, 0, p.try_limit, p.tries_persistent};
    s.admin1 = tcg::CPin{"", 0, p.try_limit, p.tries_persistent};
    reset_sp_tables(p, s);
    for (std::uint32_t n = 1; n <= p.namespaces; ++n) {
      // §4.2.1 Table 71: before activation every namespace holds its factory MEK.
      auto [k1, k2] = named_key("Factory-MEK" + std::to_string(n));
      s.cache.push_back(CacheEntry{n, 0, true, k1, k2});
    }
    return s;
  }

  static View observe(const Profile& p, const State& s) {
    View v;
    v.kpio_life_cycle = s.kpio_active ? "Manufactured" : "Manufactured-Inactive";
    v.owned = s.sid.pin != p.msid;
    v.session_open = s.sm.session.has_value();
    for (const auto& c : s.cache)
      v.key_cache.push_back("NS" + std::to_string(c.nsid) + (c.factory ? ":factory" : ":KT" + std::to_string(c.key_tag)));
    for (std::uint32_t i = 0; i < s.keks.size(); ++i) {
      if (kek_locked(s.keks[i])) v.locked_keks.push_back(i + 1);
      if (s.keks[i].key_set) v.set_keks.push_back(i + 1);
    }
    v.key_injection_locked = kii_locked(s);
    v.replay_protection_enabled = s.policies.replay_protection_enabled;
    return v;
  }

  static R step(const Profile& p, const State& s, const Event& e) {
    return std::visit([&](const auto& ev) { return apply(p, s, ev); }, e);
  }

  static std::vector<Event> candidate_events(const Profile& p, const State& s);
  static std::span<const Invariant<Machine>> invariants();
  static Status validate_state(const Profile& p, const State& s);

  static std::string_view view_requirement(std::string_view f) {
    if (f == "kpio_life_cycle" || f == "kpio_active") return "KPIO-3.2.3-1";
    if (f == "owned" || f == "sid") return "KPIO-3.2.2-1";
    if (f == "key_cache" || f == "cache") return "KPIO-3.2.17-1";
    if (f == "locked_keks" || f == "keks") return "KPIO-4.3.4-1";
    if (f == "key_injection_locked" || f == "policies") return "KPIO-3.2.6-1";
    if (f == "allocations") return "KPIO-3.2.5-1";
    if (f == "nonces" || f == "replay_protection_enabled") return "KPIO-3.4.7-1";
    if (f == "sm" || f == "session_open") return "TCG-SESSION-6";
    return "";
  }

  static std::string label(const Profile& p, const State& s) {
    const auto v = observe(p, s);
    std::string l = v.kpio_life_cycle;
    if (v.owned) l += "\nowned";
    if (v.session_open) l += "\nsession open";
    for (const auto& c : v.key_cache) l += "\n" + c;
    return l;
  }

  // ---- helpers (public: properties, tests and tools use them) ---------------------------

  static bool kek_locked(const Kek& k) { return k.access_lock_enabled && k.access_locked; }
  /// §3.2.6: the interface is locked when KeyInjectionInterfaceLockEnabled and ...Locked are TRUE.
  static bool kii_locked(const State& s) { return s.policies.kii_lock_enabled && s.policies.kii_locked; }
  static std::optional<std::uint32_t> kek_row_of(const Profile& p, std::uint64_t uid) {
    if (uid > kek_row_base && uid <= kek_row_base + p.keks) return static_cast<std::uint32_t>(uid - kek_row_base);
    return std::nullopt;
  }
  static std::optional<std::uint32_t> ns_of(const Profile& p, std::uint64_t uid) {
    if (uid > allocation_row_base && uid <= allocation_row_base + p.namespaces)
      return static_cast<std::uint32_t>(uid - allocation_row_base);
    return std::nullopt;
  }
  static std::uint32_t tags_in_use(const State& s) {
    std::uint32_t n = 0;
    for (const auto& a : s.allocations) n += a.number_of_key_tags;
    return n;
  }
  static std::uint64_t kmip_batch_items(const Profile& p, const State& s) {
    for (const auto& hp : s.sm.host_properties)
      if (hp.name == "Protocol3MaxKmipBatchItems") return hp.value;
    return p.default_kmip_batch_items;
  }

  // ---- the TPer adapter of the session layer (tcg/session.hpp) --------------------------
  struct Tper {
    using Profile = kpio::Profile;
    using State = kpio::State;
    static std::vector<tcg::SpDecl> sps(const Profile&, const State& s) {
      return {tcg::SpDecl{tcg::uid_of("AdminSP"), "AdminSP", true, true, "SP_DISABLED"},
              // Model choice: StartSession to a Manufactured-Inactive SP fails with SP_DISABLED.
              tcg::SpDecl{tcg::uid_of("KeyPerIOSP"), "KeyPerIOSP", true, s.kpio_active, "SP_DISABLED"}};
    }
    static tcg::CPin* credential(State& s, std::uint64_t sp, std::uint64_t who) {
      if (sp == tcg::uid_of("AdminSP") && who == tcg::uid_of("SID")) return &s.sid;
      if (sp == tcg::uid_of("KeyPerIOSP") && who == tcg::uid_of("Admin1")) return &s.admin1;
      return nullptr;
    }
    static tcg::SessionProfile session_profile(const Profile&);
    static tcg::SpAnswer invoke(const Profile& p, State& s, const tcg::Session& ses, const tcg::Invocation& inv);
  };
  using Layer = tcg::SessionLayer<Tper>;

  // ---- SP life cycle --------------------------------------------------------------------

  /// The Key Per I/O SP's tables as activation leaves them (and as Revert leaves them while
  /// the SP is Manufactured-Inactive: the §4 tables show them as N/A).
  static void reset_sp_tables(const Profile& p, State& s) {
    s.policies = Policies{};
    s.keks.assign(p.keks, Kek{});
    for (std::uint32_t r = 1; r <= p.keks; ++r) s.keks[r - 1].allowed = {tcg::to_uid(kek_uid(r))};  // §3.2.12
    s.allocations.clear();
    for (std::uint32_t n = 1; n <= p.namespaces; ++n) s.allocations.push_back(Allocation{n, false, 0, {}});
    s.nonces.clear();
  }

  /// §3.2.3 / §4.2.1 / §4.2.2: Activate. Admin1's PIN becomes the SID PIN (§3.3.6 note);
  /// KPIOSC = 1 manages every namespace and renders its user data inaccessible (Table 72);
  /// KPIOSC = 0 manages none and keeps the factory MEKs (Table 74).
  static void activate(const Profile& p, State& s) {
    reset_sp_tables(p, s);
    s.kpio_active = true;
    s.admin1 = tcg::CPin{s.sid.pin, 0, p.try_limit, p.tries_persistent};
    if (p.kpiosc == 1) {
      for (auto& a : s.allocations) {
        a.managed = true;
        a.number_of_key_tags = p.default_key_tags;
      }
      s.cache.clear();
    }
  }

  /// §3.2.21 / §4.2.12 / §4.2.13: Revert of the Key Per I/O SP. Every MEK of a managed
  /// namespace and every injected KEK is gone (Tables 94, 96); factory MEKs of unmanaged
  /// namespaces stay (Table 96).
  static void revert_kpio(const Profile& p, State& s) {
    std::erase_if(s.cache, [&](const CacheEntry& c) {
      return !c.factory || (c.nsid >= 1 && c.nsid <= s.allocations.size() && s.allocations[c.nsid - 1].managed);
    });
    s.kpio_active = false;
    s.admin1 = tcg::CPin{"", 0, p.try_limit, p.tries_persistent};
    reset_sp_tables(p, s);
  }

  // ---- the event handlers ---------------------------------------------------------------
 protected:
  static R done(const State& n, std::string rule) {
    Output o;
    o.rule = std::move(rule);
    return {n, o};
  }
  static R refuse(const State& s, std::string status, std::string rule) {
    Output o;
    o.status = std::move(status);
    o.rule = std::move(rule);
    return {s, o};
  }

  static R from_layer(tcg::LayerStep<State>&& r) {
    Output o;
    o.status = r.status;
    o.rule = r.rule;
    if (r.method) o.methods.push_back(*r.method);
    if (!r.response.empty()) {
      Json a = Json::array();
      for (const auto& it : r.response) a.push_back(tcg::item_to_json(it));
      if (const auto* res = std::get_if<tcg::MethodResult>(&r.response.back())) {
        Json rl = Json::array();
        for (const auto& v : res->results) rl.push_back(tcg::value_to_json(v));
        o.results = rl;
      }
      auto b = tcg::encode_items(r.response);
      if (b) o.response = std::move(b).value();
    }
    return {std::move(r.next), o};
  }

  static R apply(const Profile& p, const State& s, const Call& e) {
    auto it = tcg::item_from_json(e.item);
    if (!it) return refuse(s, "MALFORMED", "TCG-SESSION-3");
    return from_layer(Layer::on_item(p, s, e.tsn, e.hsn, *it));
  }

  static R apply(const Profile& p, const State& s, const Send& e) {
    switch (e.protocol) {
      case 1: {
        auto w = Layer::on_compacket(p, s, e.bytes);
        if (!w) {
          Output o;
          o.status = "MALFORMED";
          o.rule = "TCG-SESSION-3";
          return {s, o};
        }
        Output o;
        o.status = w->status;
        o.rule = w->rule;
        o.methods = w->methods;
        o.response = w->response;
        return {std::move(w->next), o};
      }
      case 2: return sp02(p, s, e.bytes, e.nsid);
      case 3: return kmip_in(p, s, e.bytes);
      default: return refuse(s, "MALFORMED", "KPIO-3.4.1-1");
    }
  }

  // A sequence of host items as one abstract event: StartSession, the calls, End of Session.
  struct Script {
    std::uint64_t sp = 0, authority = 0;
    std::optional<std::string> pin;
    std::vector<tcg::MethodCall> calls;
  };
  static tcg::MethodCall call(std::uint64_t obj, std::string_view method, std::vector<tcg::Value> args) {
    return tcg::MethodCall{tcg::uid_bytes(obj), tcg::uid_bytes(tcg::uid_of(method)), std::move(args), {0, 0, 0}};
  }
  static R run(const Profile& p, const State& s, const Script& sc) {
    using tcg::Value;
    std::vector<Value> args{Value::of_uint(1), Value::of_bytes(tcg::uid_bytes(sc.sp)), Value::of_uint(1)};
    if (sc.pin) {
      args.push_back(Value::of_name(Value::of_uint(0), Value::of_bytes(to_bytes(*sc.pin))));
      args.push_back(Value::of_name(Value::of_uint(3), Value::of_bytes(tcg::uid_bytes(sc.authority))));
    }
    auto st = Layer::on_item(p, s, 0, 0, call(tcg::uid_of("SMUID"), "StartSession", args));
    if (st.status != "ok") return from_layer(std::move(st));
    State cur = std::move(st.next);
    const auto ses = *cur.sm.session;
    R last{cur, Output{}};
    for (const auto& c : sc.calls) {
      auto r = Layer::on_item(p, cur, ses.tsn, ses.hsn, c);
      last = from_layer(std::move(r));
      cur = last.next;
      if (!last.out.is_ok() || !cur.sm.session) break;
    }
    if (cur.sm.session) cur = Layer::on_item(p, cur, ses.tsn, ses.hsn, tcg::EndOfSession{}).next;
    if (!last.out.is_ok()) {
      // A refused method changed nothing but the counted tries of the authentication.
      last.next = cur;
    }
    last.next = cur;
    return last;
  }
  static std::string pin_or(const std::optional<std::string>& pin, const std::string& current) {
    return pin ? *pin : current;
  }

  static R apply(const Profile& p, const State& s, const TakeOwnership& e) {
    using tcg::Value;
    // §3.2.2 steps 1-3: Get C_PIN_MSID.PIN as Anybody.
    auto cell = [](std::uint64_t c) {
      return Value::of_list({Value::of_name(Value::of_uint(3), Value::of_uint(c)), Value::of_name(Value::of_uint(4), Value::of_uint(c))});
    };
    auto get = run(p, s, Script{tcg::uid_of("AdminSP"), 0, std::nullopt, {call(tcg::uid_of("C_PIN_MSID"), "Get", {cell(3)})}});
    if (!get.out.is_ok()) return get;
    // the PIN from the result [[3 = <MSID>]]
    std::string msid;
    if (get.out.results && get.out.results->size() == 1 && (*get.out.results)[0].is_array())
      for (const auto& nv : (*get.out.results)[0])
        if (nv.contains("value") && nv["value"].contains("bytes")) {
          auto b = from_hex(nv["value"]["bytes"].get<std::string>());
          if (b) msid.assign(b->begin(), b->end());
        }
    // steps 4-6: Set C_PIN_SID.PIN as SID with the MSID.
    auto set = run(p, get.next,
                   Script{tcg::uid_of("AdminSP"), tcg::uid_of("SID"), msid,
                          {call(tcg::uid_of("C_PIN_SID"), "Set",
                                {Value::of_name(Value::of_uint(1), Value::of_list({Value::of_name(
                                                                         Value::of_uint(3), Value::of_bytes(to_bytes(e.new_sid)))}))})}});
    set.out.methods.insert(set.out.methods.begin(), "Get");
    if (set.out.is_ok()) set.out.rule = "KPIO-3.2.2-1";
    return set;
  }

  static R apply(const Profile& p, const State& s, const ActivateSp& e) {
    return run(p, s, Script{tcg::uid_of("AdminSP"), tcg::uid_of("SID"), pin_or(e.pin, s.sid.pin),
                            {call(tcg::uid_of("KeyPerIOSP"), "Activate", {})}});
  }
  static R apply(const Profile& p, const State& s, const RevertSp& e) {
    return run(p, s, Script{tcg::uid_of("AdminSP"), tcg::uid_of("SID"), pin_or(e.pin, s.sid.pin),
                            {call(tcg::uid_of("KeyPerIOSP"), "Revert", {})}});
  }
  static R apply(const Profile& p, const State& s, const RevertTper& e) {
    return run(p, s, Script{tcg::uid_of("AdminSP"), tcg::uid_of("SID"), pin_or(e.pin, s.sid.pin),
                            {call(tcg::uid_of("AdminSP"), "Revert", {})}});
  }

  /// The object UID and table of an object name of SetColumn.
  static std::optional<std::pair<std::uint64_t, std::string_view>> object_of(const Profile& p, const std::string& o) {
    if (o == "KPIOPolicies") return std::pair{tcg::uid_of("KPIOPolicies"), std::string_view("KPIOPolicies")};
    if (o == "C_PIN_Admin1") return std::pair{tcg::uid_of("C_PIN_Admin1"), std::string_view("C_PIN")};
    auto num = [&](std::string_view prefix) -> std::optional<std::uint32_t> {
      if (o.rfind(prefix, 0) != 0 || o.size() == prefix.size() || o.size() > prefix.size() + 4) return std::nullopt;
      std::uint32_t v = 0;
      for (std::size_t i = prefix.size(); i < o.size(); ++i) {
        if (o[i] < '0' || o[i] > '9') return std::nullopt;
        v = v * 10 + static_cast<std::uint32_t>(o[i] - '0');
      }
      return v;
    };
    if (auto k = num("KeyEncryptionKey"); k && *k >= 1 && *k <= p.keks)
      return std::pair{kek_uid(*k), std::string_view("KeyEncryptionKey")};
    if (auto n = num("KeyTagAllocation"); n && *n >= 1 && *n <= p.namespaces)
      return std::pair{allocation_uid(*n), std::string_view("KeyTagAllocation")};
    return std::nullopt;
  }

  static R apply(const Profile& p, const State& s, const SetColumn& e) {
    const auto obj = object_of(p, e.object);
    if (!obj) return refuse(s, "INVALID_PARAMETER", "KPIO-3.3-COLUMNS");
    // .value(), not *: should the guard above ever go, this throws instead of reading an
    // empty optional (undefined behaviour no plain build shows; mutation testing found it)
    const auto col = column_number(obj.value().second, e.column);
    if (!col) return refuse(s, "INVALID_PARAMETER", "KPIO-3.3-COLUMNS");
    Json vj = e.value;
    if (vj.is_boolean()) vj = Json(std::uint64_t{vj.get<bool>() ? 1u : 0u});
    if (vj.is_string() && obj->second == "C_PIN") vj = Json{{"str", vj.get<std::string>()}};
    if (vj.is_array())
      for (auto& x : vj)
        if (x.is_string() && x.get<std::string>() != "empty") x = Json{{"uid", x}};
    auto v = tcg::value_from_json(vj);
    if (!v) return refuse(s, "INVALID_PARAMETER", "KPIO-3.3-COLUMNS");
    using tcg::Value;
    return run(p, s,
               Script{tcg::uid_of("KeyPerIOSP"), tcg::uid_of("Admin1"), pin_or(e.pin, s.admin1.pin),
                      {call(obj->first, "Set",
                            {Value::of_name(Value::of_uint(1), Value::of_list({Value::of_name(Value::of_uint(*col), *v)}))})}});
  }

  static R apply(const Profile& p, const State& s, const ExchangeProperties& e) {
    using tcg::Value;
    // Table 3's HostProperties, with Protocol3MaxKmipBatchItems as given.
    const std::vector<std::pair<std::string, std::uint64_t>> hp{
        {"MaxComPacketSize", 4096}, {"MaxResponseComPacketSize", 4096}, {"MaxPacketSize", 4076},
        {"MaxIndTokenSize", 4040},  {"MaxPackets", 1},                  {"MaxSubPackets", 1},
        {"MaxMethods", 1},          {"Protocol3MaxPayloadSize", 4096},  {"Protocol3MaxKmipBatchItems", e.max_kmip_batch_items}};
    std::vector<Value> l;
    for (const auto& [n, v] : hp) l.push_back(Value::of_name(Value::of_bytes(to_bytes(n)), Value::of_uint(v)));
    return from_layer(Layer::on_item(p, s, 0, 0,
                                     call(tcg::uid_of("SMUID"), "Properties", {Value::of_name(Value::of_uint(0), Value::of_list(l))})));
  }

  // ---- KMIP (Security Protocol 0x03) -----------------------------------------------------

  static R kmip_answer(const Profile& p, const State& next, const kmip::Item& resp, std::string status, std::string rule,
                       std::optional<std::uint32_t> rs, std::optional<std::string> reason) {
    (void)p;
    Output o;
    o.status = std::move(status);
    o.rule = std::move(rule);
    o.kmip_result_status = rs;
    o.kmip_result_reason = std::move(reason);
    auto ttlv = kmip::encode(resp);
    if (ttlv) o.response = tcg::encode_raw_compacket(0x0801, 0, *ttlv);  // §3.4.1: ComID 0x0801
    return {next, o};
  }

  static R kmip_in(const Profile& p, const State& s, ByteView bytes) {
    auto cp = tcg::decode_raw_compacket(bytes);
    if (!cp) return refuse(s, "MALFORMED", "KPIO-3.4.1-1");
    auto pre = kmip::decode_prefix(cp->data);
    if (!pre) return refuse(s, "MALFORMED", "KPIO-3.4.1-1");
    return kmip_request(p, s, pre->first);
  }

  /// One Import RequestMessage: validation (kmip_import.hpp), then the guards of §3.2.
  static R kmip_request(const Profile& p, const State& s, const kmip::Item& req) {
    auto parsed = parse_import(req, kmip_batch_items(p, s));
    auto failure = [&](const KmipFailure& f, std::string rule) {
      return kmip_answer(p, s, import_response(failed_outcomes(req, f), p.kmip_timestamp),
                         std::string(reason_name(f.reason)), std::move(rule), 1u, std::string(reason_name(f.reason)));
    };
    if (const auto* f = std::get_if<KmipFailure>(&parsed)) return failure(*f, f->rule);
    const auto& rq = std::get<ImportRequest>(parsed);
    if (!s.kpio_active) return failure({KmipReason::permission_denied, "the Key Per I/O SP is not activated", 0}, "KPIO-3.2.3-2");
    // §3.2.6: "When the Key Injection Interface is in a locked state, MEKs and KEKs cannot be injected".
    if (kii_locked(s)) return failure({KmipReason::permission_denied, "the Key Injection Interface is locked", 0}, "KPIO-3.2.6-2");
    State n = s;
    std::vector<ItemOutcome> outs;
    auto g = rq.items[0].is_mek ? import_mek(p, n, rq) : import_keks(p, n, rq);
    if (g) return failure(g->first, g->second);
    for (const auto& it : rq.items) outs.push_back(ItemOutcome{it.batch_id, it.kmip_uid, 0, KmipReason::none, ""});
    const auto m = rq.items[0].method;
    const std::string rule = rq.items[0].is_mek             ? "KPIO-3.2.17-1"
                             : m == WrapMethod::plaintext   ? "KPIO-3.2.11-1"
                             : m == WrapMethod::aes_kw      ? "KPIO-3.2.13-1"
                             : m == WrapMethod::aes_gcm     ? "KPIO-3.2.18-2"
                                                            : "KPIO-3.2.16-1";
    return kmip_answer(p, n, import_response(outs, p.kmip_timestamp), "ok", rule, 0u, std::nullopt);
  }

  using Guard = std::optional<std::pair<KmipFailure, std::string>>;
  static Guard deny(KmipReason r, std::string msg, std::size_t item, std::string rule) {
    return std::pair{KmipFailure{r, std::move(msg), item}, std::move(rule)};
  }
  static std::optional<std::uint32_t> row_by_kmip_uid(const State& s, const std::string& uid) {
    for (std::uint32_t i = 0; i < s.keks.size(); ++i)
      if (s.keks[i].key_set && s.keks[i].kmip_uid == uid) return i + 1;
    return std::nullopt;
  }

  /// Unwraps one KeyValue wrapped by KEK row `w` (AES-KW, or AES-GCM with an outstanding
  /// nonce, which is consumed). Replay protection on: only AES-GCM with a nonce (§3.4.7).
  static Guard unwrap_with_kek(const Profile&, State& n, const ImportItem& it, std::uint32_t w, std::size_t idx,
                               Bytes& key, std::optional<std::size_t>& nonce_used) {
    const Bytes& kek = n.keks[w - 1].key;
    if (it.method == WrapMethod::aes_kw) {
      if (n.policies.replay_protection_enabled)
        return deny(KmipReason::permission_denied, "replay protection is enabled: the key must be wrapped with the TPer's nonce",
                    idx, "KPIO-3.4.7-1");
      auto k = unwrap_key(kek, it.key);
      if (!k) return deny(KmipReason::cryptographic_failure, "AES key unwrap failed", idx, "KPIO-3.4.3-1");
      key = std::move(k).value();
      return std::nullopt;
    }
    // AES-GCM with the TPer's nonce (§3.4.7.7).
    for (std::size_t i = 0; i < n.nonces.size(); ++i) {
      if (nonce_used && *nonce_used != i) continue;
      auto k = unwrap_key_with_nonce(kek, it.iv, it.key, it.ae_tag, n.nonces[i]);
      if (k) {
        key = std::move(k).value();
        nonce_used = i;
        return std::nullopt;
      }
    }
    return deny(KmipReason::cryptographic_failure,
                n.nonces.empty() ? "no nonce outstanding (Get Nonce first)" : "AES-GCM unwrap with the TPer's nonce failed",
                idx, "KPIO-3.4.7-2");
  }

  static Guard import_keks(const Profile& p, State& n, const ImportRequest& rq) {
    std::optional<std::size_t> nonce_used;
    for (std::size_t idx = 0; idx < rq.items.size(); ++idx) {
      const auto& it = rq.items[idx];
      const auto row = kek_row_of(p, *it.row_uid);
      if (!row) return deny(KmipReason::item_not_found, "no KeyEncryptionKey row has that UID", idx, "KPIO-3.4.2-3");
      Kek& target = n.keks[*row - 1];
      const auto allowed = [&](std::uint64_t u) { return contains(target.allowed, u); };
      Bytes key;
      switch (it.method) {
        case WrapMethod::plaintext: {
          // §3.2.11 (a) PlaintextKEKProgrammingEnabled, (b) NULLKeyEncryptionKey in the row's
          // AllowedKeyEncryptionKeys, (c) the Key column is empty; each needs plaintext support
          // (E-KPIO-PLAINTEXT-C for (c)). Replay protection on: no plaintext (§3.4.7).
          if (n.policies.replay_protection_enabled)
            return deny(KmipReason::permission_denied, "replay protection is enabled: a plaintext KEK is refused", idx, "KPIO-3.4.7-1");
          const bool a = p.plaintext_supported && n.policies.plaintext_kek_programming_enabled;
          const bool b = p.plaintext_supported && allowed(null_kek_uid);
          const bool c = !target.key_set && (p.plaintext_supported || !p.plaintext_empty_row_needs_support);
          if (!(a || b || c))
            return deny(KmipReason::permission_denied, "plaintext KEK provisioning is not enabled for this row", idx, "KPIO-3.2.11-1");
          key = it.key;
          break;
        }
        case WrapMethod::aes_kw:
        case WrapMethod::aes_gcm: {
          const auto w = row_by_kmip_uid(n, it.wrapping_uid);
          if (!w) return deny(KmipReason::item_not_found, "no injected KEK has the KMIP UID " + it.wrapping_uid, idx, "KPIO-3.4.2-2");
          // §3.2.12/§3.2.13: the wrapping KEK's UID must be in the row's AllowedKeyEncryptionKeys.
          if (!allowed(kek_uid(*w)))
            return deny(KmipReason::permission_denied, "the wrapping KEK is not in the row's AllowedKeyEncryptionKeys", idx,
                        "KPIO-3.2.13-1");
          // §3.2.7: a KEK wrapped with an access-locked KEK cannot be injected.
          if (kek_locked(n.keks[*w - 1]))
            return deny(KmipReason::permission_denied, "the wrapping KEK is access locked", idx, "KPIO-3.2.7-1");
          if (it.method == WrapMethod::aes_gcm && !p.replay_supported)
            return deny(KmipReason::feature_not_supported, "the TPer does not support replay protection", idx, "KPIO-3.2.18-1");
          if (auto g = unwrap_with_kek(p, n, it, *w, idx, key, nonce_used)) return g;
          break;
        }
        case WrapMethod::rsa_oaep: {
          if (it.wrapping_uid != "Certificate1")
            return deny(KmipReason::item_not_found, "RSA wrapping key is not Certificate1", idx, "KPIO-3.2.16-1");
          // §3.2.16 (a) PKIProtectedKEKProgrammingEnabled or (b) PKIPublicKeyEncryptionKey in
          // the row's AllowedKeyEncryptionKeys; both need PKI support.
          if (!p.pki_supported || !(n.policies.pki_kek_programming_enabled || allowed(pki_kek_uid)))
            return deny(KmipReason::permission_denied, "PKI KEK provisioning is not enabled for this row", idx, "KPIO-3.2.16-1");
          if (n.policies.replay_protection_enabled)
            return deny(KmipReason::permission_denied, "replay protection is enabled: the key must carry the TPer's nonce", idx,
                        "KPIO-3.4.7-1");
          auto priv = from_hex(pki_test_private_key);
          auto k = crypto::rsa_oaep_sha256_decrypt(*priv, it.key);
          if (!k) return deny(KmipReason::cryptographic_failure, "RSA-OAEP decryption failed", idx, "KPIO-3.4.5-1");
          key = std::move(k).value();
          break;
        }
      }
      if (key.size() != 32) return deny(KmipReason::invalid_field, "a KEK is 32 bytes (AES-256)", idx, "KPIO-3.4.2-3");
      target.key = std::move(key);
      target.key_set = true;
      target.kmip_uid = it.kmip_uid;
    }
    if (nonce_used) n.nonces.erase(n.nonces.begin() + static_cast<std::ptrdiff_t>(*nonce_used));  // each nonce once
    return std::nullopt;
  }

  static Guard import_mek(const Profile& p, State& n, const ImportRequest& rq) {
    const auto& a = rq.items[0];
    const std::uint32_t ns = *a.nsid;
    if (ns < 1 || ns > p.namespaces) return deny(KmipReason::item_not_found, "no such namespace", 0, "KPIO-3.2.17-2");
    const Allocation& al = n.allocations[ns - 1];
    // §3.2.5: "A Namespace must be managed by Key Per I/O SP before MEKs ... can be injected".
    if (!al.managed) return deny(KmipReason::permission_denied, "the namespace is not managed by Key Per I/O", 0, "KPIO-3.2.5-2");
    if (*a.key_tag >= al.number_of_key_tags)
      return deny(KmipReason::index_out_of_bounds, "key tag beyond NumberOfKeyTags", 0, "KPIO-4.2.5-1");
    // §3.2.17: "A MEK must be wrapped by a KEK ... and only KEKs can be used to wrap MEKs".
    if (a.method == WrapMethod::plaintext || a.method == WrapMethod::rsa_oaep)
      return deny(KmipReason::permission_denied, "an MEK must be wrapped by a KEK", 0, "KPIO-3.2.17-3");
    const auto w = row_by_kmip_uid(n, a.wrapping_uid);
    if (!w) return deny(KmipReason::item_not_found, "no injected KEK has the KMIP UID " + a.wrapping_uid, 0, "KPIO-3.4.2-2");
    // §3.2.17 / §3.2.8: the KEK must be in the namespace's AllowedKeyEncryptionKeys ...
    if (!contains(al.allowed, kek_uid(*w)))
      return deny(KmipReason::permission_denied, "the KEK is not associated with the namespace", 0, "KPIO-3.2.17-1");
    // ... "also must be in an access unlocked state".
    if (kek_locked(n.keks[*w - 1])) return deny(KmipReason::permission_denied, "the KEK is access locked", 0, "KPIO-3.2.7-1");
    if (a.method == WrapMethod::aes_gcm && !p.replay_supported)
      return deny(KmipReason::feature_not_supported, "the TPer does not support replay protection", 0, "KPIO-3.2.18-1");
    std::optional<std::size_t> nonce_used;
    Bytes k1, k2;
    if (auto g = unwrap_with_kek(p, n, a, *w, 0, k1, nonce_used)) return g;
    if (auto g = unwrap_with_kek(p, n, rq.items[1], *w, 1, k2, nonce_used)) return g;
    if (k1.size() != 32 || k2.size() != 32)  // the item at fault: the first half of the wrong size
      return deny(KmipReason::invalid_field, "each XTS-AES-256 half is 32 bytes", k1.size() != 32 ? 0 : 1, "KPIO-3.4.6-1");
    // Model choice (NIST SP 800-38E: Key_1 and Key_2 shall differ): identical halves refused.
    if (k1 == k2) return deny(KmipReason::invalid_field, "the XTS halves are identical", 1, "KPIO-3.4.6-1");
    if (nonce_used) n.nonces.erase(n.nonces.begin() + static_cast<std::ptrdiff_t>(*nonce_used));
    std::erase_if(n.cache, [&](const CacheEntry& c) { return c.nsid == ns && !c.factory && c.key_tag == *a.key_tag; });
    n.cache.push_back(CacheEntry{ns, static_cast<std::uint16_t>(*a.key_tag), false, std::move(k1), std::move(k2)});
    std::sort(n.cache.begin(), n.cache.end(), [](const CacheEntry& x, const CacheEntry& y) { return x.order() < y.order(); });
    return std::nullopt;
  }

  /// The host side of an abstract import: builds the KMIP request the note's tables show.
  static kmip::Item kek_request(const ImportKek& e, std::uint64_t row_uid, const Bytes& wrapped, const std::string& wrapping_uid,
                                const Bytes& tag_bytes);
  static kmip::Item mek_request(const ImportMek& e, const Bytes& w1, const Bytes& w2, const std::string& wrapping_uid,
                                const Bytes& t1, const Bytes& t2);

  static R apply(const Profile& p, const State& s, const ImportKek& e) {
    Bytes wrapped = e.key, tagb;
    std::string wuid;
    if (e.wrap == "aes_kw" || e.wrap == "aes_gcm") {
      const Bytes kek = e.wrapping_row >= 1 && e.wrapping_row <= s.keks.size() && s.keks[e.wrapping_row - 1].key_set
                            ? s.keks[e.wrapping_row - 1].key
                            : Bytes(32, 0);
      wuid = e.wrapping_row >= 1 && e.wrapping_row <= s.keks.size() ? s.keks[e.wrapping_row - 1].kmip_uid : "";
      if (wuid.empty()) wuid = "unknown-kek";
      if (e.wrap == "aes_kw") {
        auto w = wrap_key(kek, e.key);
        if (!w) return refuse(s, "INVALID_EVENT", "KPIO-3.4.3-1");
        wrapped = *w;
      } else {
        const Bytes nonce = e.nonce ? *e.nonce : (s.nonces.empty() ? Bytes(p.nonce_length, 0) : s.nonces.back());
        auto w = wrap_key_with_nonce(kek, e.iv, e.key, nonce);
        if (!w) return refuse(s, "INVALID_EVENT", "KPIO-3.4.7-2");
        wrapped = w->ciphertext;
        tagb = w->tag;
      }
    } else if (e.wrap == "rsa_oaep") {
      auto pub = from_hex(pki_test_public_key);
      auto w = crypto::rsa_oaep_sha256_encrypt(*pub, e.key, e.seed);
      if (!w) return refuse(s, "INVALID_EVENT", "KPIO-3.4.5-1");
      wrapped = *w;
      wuid = "Certificate1";
    } else if (e.wrap != "plaintext") {
      return refuse(s, "INVALID_EVENT", "KPIO-KMIP-VALID-1");
    }
    return kmip_request(p, s, kek_request(e, kek_uid(e.row), wrapped, wuid, tagb));
  }

  static R apply(const Profile& p, const State& s, const ImportMek& e) {
    const bool known = e.wrapping_row >= 1 && e.wrapping_row <= s.keks.size() && s.keks[e.wrapping_row - 1].key_set;
    const Bytes kek = known ? s.keks[e.wrapping_row - 1].key : Bytes(32, 0);
    const std::string wuid = known ? s.keks[e.wrapping_row - 1].kmip_uid : "unknown-kek";
    Bytes w1, w2, t1, t2;
    if (e.with_nonce) {
      const Bytes nonce = e.nonce ? *e.nonce : (s.nonces.empty() ? Bytes(p.nonce_length, 0) : s.nonces.back());
      auto a = wrap_key_with_nonce(kek, e.iv, e.key1, nonce), b = wrap_key_with_nonce(kek, e.iv, e.key2, nonce);
      if (!a || !b) return refuse(s, "INVALID_EVENT", "KPIO-3.4.7-2");
      w1 = a->ciphertext, t1 = a->tag, w2 = b->ciphertext, t2 = b->tag;
    } else {
      auto a = wrap_key(kek, e.key1), b = wrap_key(kek, e.key2);
      if (!a || !b) return refuse(s, "INVALID_EVENT", "KPIO-3.4.6-1");
      w1 = *a, w2 = *b;
    }
    return kmip_request(p, s, mek_request(e, w1, w2, wuid, t1, t2));
  }

  // ---- Security Protocol 0x02 ----------------------------------------------------------

  static R sp02_answer(const State& n, std::uint32_t code, std::uint16_t comid, std::uint16_t ext, std::uint32_t status,
                       std::string st, std::string rule) {
    Output o;
    o.status = std::move(st);
    o.rule = std::move(rule);
    o.sp2_status = status;
    auto b = tcg::sp02::encode(tcg::sp02::Response{code, comid, ext, status});
    if (b) o.response = *b;
    return {n, o};
  }

  static R sp02(const Profile& p, const State& s, ByteView bytes, std::uint32_t nsid) {
    auto rq = tcg::sp02::decode_request(bytes);
    if (!rq) return refuse(s, "MALFORMED", "KPIO-3.3.15-1");
    const bool single = rq->request_code == tcg::sp02::clear_single_mek;
    const auto ans = [&](const State& n, std::uint32_t st, std::string name, std::string rule) {
      return sp02_answer(n, rq->request_code, rq->comid, rq->comid_ext, st, std::move(name), std::move(rule));
    };
    const std::string rule = single ? "KPIO-3.2.19-1" : "KPIO-3.2.20-1";
    if (!s.kpio_active) return ans(s, sp2_sp_inactive, "SP_INACTIVE", rule);
    // E-KPIO-CLEAR-POLARITY: the command is enabled by its policy column.
    const bool column = single ? s.policies.clear_single_mek_allowed : s.policies.clear_all_meks_allowed;
    if (column != p.clear_enabled_when_allowed_true) return ans(s, sp2_not_allowed, "CLEAR_NOT_ALLOWED", rule);
    State n = s;
    if (!single && nsid == 0xFFFFFFFF) {
      // §4.2.11: every MEK of every namespace managed by the Key Per I/O SP (Table 92).
      std::erase_if(n.cache, [&](const CacheEntry& c) { return !c.factory; });
      return ans(n, sp2_success, "ok", "KPIO-4.2.11-1");
    }
    if (nsid < 1 || nsid > p.namespaces || !s.allocations[nsid - 1].managed)
      return ans(s, sp2_invalid_namespace, "INVALID_NAMESPACE", rule);
    if (single) {
      if (rq->key_tag >= s.allocations[nsid - 1].number_of_key_tags) return ans(s, sp2_invalid_key_tag, "INVALID_KEY_TAG", rule);
      // §4.2.9: the one slot (Table 88).
      std::erase_if(n.cache, [&](const CacheEntry& c) { return !c.factory && c.nsid == nsid && c.key_tag == rq->key_tag; });
      return ans(n, sp2_success, "ok", "KPIO-4.2.9-1");
    }
    // §4.2.10: every slot of the namespace (Table 90).
    std::erase_if(n.cache, [&](const CacheEntry& c) { return !c.factory && c.nsid == nsid; });
    return ans(n, sp2_success, "ok", "KPIO-4.2.10-1");
  }

  static R apply(const Profile& p, const State& s, const ClearSingleMek& e) {
    auto b = tcg::sp02::encode(tcg::sp02::Request{tcg::sp02::clear_single_mek, 0x0800, 0, e.key_tag});
    return sp02(p, s, *b, e.nsid);
  }
  static R apply(const Profile& p, const State& s, const ClearAllMeks& e) {
    auto b = tcg::sp02::encode(tcg::sp02::Request{tcg::sp02::clear_all_meks, 0x0800, 0, 0});
    return sp02(p, s, *b, e.nsid);
  }

  /// §3.4.7.6 Get Nonce (Table 66): the nonce, then zeros to the 512-byte transfer.
  static R apply(const Profile& p, const State& s, const GetNonce& e) {
    if (!p.replay_supported) return refuse(s, "NOT_SUPPORTED", "KPIO-3.2.18-1");
    if (!s.kpio_active) return refuse(s, "SP_INACTIVE", "KPIO-3.2.18-1");
    if (e.nonce.size() != p.nonce_length) return refuse(s, "INVALID_EVENT", "KPIO-3.4.7-2");
    State n = s;
    n.nonces.push_back(e.nonce);
    while (n.nonces.size() > p.max_outstanding_nonces) n.nonces.erase(n.nonces.begin());
    auto r = done(n, "KPIO-3.4.7-2");
    r.out.response = e.nonce;
    r.out.response.resize(512, 0);
    return r;
  }

  // ---- resets (§4.3) ----------------------------------------------------------------------

  static void reset_common(const Profile&, State& n, ResetType t) {
    n.sm = tcg::SessionManager{};  // sessions end; host properties back to their defaults
    n.nonces.clear();              // model choice: an unused nonce does not survive a reset
    // §4.3.4–§4.3.6: AccessLocked := TRUE where AccessLockEnabled and LockOnReset holds the reset.
    for (auto& k : n.keks)
      if (k.access_lock_enabled && std::find(k.lock_on_reset.begin(), k.lock_on_reset.end(), t) != k.lock_on_reset.end())
        k.access_locked = true;
  }
  static R apply(const Profile& p, const State& s, const PowerCycle&) {
    State n = s;
    reset_common(p, n, ResetType::power_cycle);
    tcg::on_power_cycle(n.sid);
    tcg::on_power_cycle(n.admin1);
    // §4.3.1 Table 98: a TCG Power Cycle clears every KPIO MEK (E-KPIO-MEK-VOLATILE).
    if (p.power_cycle_clears_meks) std::erase_if(n.cache, [](const CacheEntry& c) { return !c.factory; });
    // §3.2.6 (b): KeyInjectionInterfaceLockEnabled + power cycle -> KeyInjectionInterfaceLocked.
    if (n.policies.kii_lock_enabled) n.policies.kii_locked = true;
    return done(n, "KPIO-4.3.1-1");
  }
  static R apply(const Profile& p, const State& s, const HardwareReset&) {
    State n = s;
    reset_common(p, n, ResetType::hardware_reset);  // §4.3.2 Table 100: the cache stays
    return done(n, "KPIO-4.3.2-1");
  }
  static R apply(const Profile& p, const State& s, const TperReset&) {
    State n = s;
    reset_common(p, n, ResetType::programmatic);  // §4.3.3 Table 102: the cache stays
    return done(n, "KPIO-4.3.3-1");
  }

  friend struct Tper;
};

}  // namespace lockref::kpio

#include "lockref/kpio/sp_methods.hpp"
