// The TCG session and method layer every SP of lockref uses (TCG Core 2.01 §3.3 sessions,
// §5.2 session manager, §5.3 methods; the message flow of KPIO AN §3.2 and the encodings of
// §3.3: Properties Table 3/4, StartSession Table 5/10/13, SyncSession Table 6, method results
// Table 7, End of Session Tables 8/9, Get Table 11/16/53/55, Set Table 14/21-30, Activate
// Table 18, Revert Tables 36/38).
//
// Division of labour (ARCHITECTURE.md "One session/method layer in tcg/ serves every SP"):
//   - this layer owns the session manager: Properties, StartSession / SyncSession, the
//     End of Session token and CloseSession, host and TPer session numbers, the Write flag,
//     authentication of the session's authority against its C_PIN row (tcg/credential.hpp),
//     Authenticate, method-UID dispatch, the Get CellBlock and Set Values parameter forms,
//     the method status list of every result, and the ComPacket in / ComPacket out framing;
//   - an SP (a "TPer adapter" T, below) declares as data which SPs exist, their life cycle,
//     their authorities and C_PIN rows, and gives the pure semantics of each method on its
//     objects. It never sees tokens.
//
// A TPer adapter T provides (all static, pure):
//   using Profile, State;                       State has a member `SessionManager sm`
//   static std::vector<SpDecl> sps(const Profile&, const State&);
//   static CPin* credential(State&, std::uint64_t sp, std::uint64_t authority);   // nullptr: none
//   static SessionProfile session_profile(const Profile&);
//   static SpAnswer invoke(const Profile&, State&, const Session&, const Invocation&);
// invoke() receives a copy of the state to change; its answer's status decides whether the
// change is kept (a refused method changes nothing: the layer keeps the old state).
#pragma once
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lockref/core/json.hpp"
#include "lockref/tcg/credential.hpp"
#include "lockref/tcg/method_status.hpp"
#include "lockref/tcg/packet.hpp"
#include "lockref/tcg/token.hpp"
#include "lockref/tcg/uids.hpp"

namespace lockref::tcg {

inline constexpr std::uint64_t uid_of(std::string_view name) {
  for (const auto& n : named_uids)
    if (n.name == name) return n.value;
  return 0;
}
inline Bytes uid_bytes(std::uint64_t v) {
  const auto u = to_uid(v);
  return Bytes(u.begin(), u.end());
}
inline std::optional<std::uint64_t> uid_from_bytes(ByteView b) {
  if (b.size() != 8) return std::nullopt;
  std::uint64_t v = 0;
  for (auto x : b) v = (v << 8) | x;
  return v;
}

/// One open session (TCG Core §3.3.7). The note's examples use HSN 1, TSN 0x1001 (§3.4.1).
struct Session {
  std::uint32_t hsn = 0;
  std::uint32_t tsn = 0;
  std::uint64_t sp = 0;
  std::vector<std::uint64_t> authorities;  // authenticated (Anybody is implicit)
  bool write = false;
  friend bool operator==(const Session&, const Session&) = default;
};

/// A communication property (Properties method, TCG Core §5.2.2.1; KPIO AN Tables 3, 4).
struct Property {
  std::string name;
  std::uint64_t value = 0;
  friend bool operator==(const Property&, const Property&) = default;
};

/// The session manager's state: the open session (MaxSessions is 1 in Table 4) and the
/// host properties the TPer accepted.
struct SessionManager {
  std::optional<Session> session;
  std::vector<Property> host_properties;
  friend bool operator==(const SessionManager&, const SessionManager&) = default;
};

/// What an SP adapter declares about one SP.
struct SpDecl {
  std::uint64_t uid = 0;
  std::string_view name;
  bool issued = true;
  /// Manufactured-Inactive SPs refuse StartSession with `inactive_status` (a Core §5.1.5 status;
  /// the Opal profiles name it, errata E-OPAL-INACTIVE-STATUS).
  bool active = true;
  std::string_view inactive_status = "SP_DISABLED";
};

/// How a TPer answers a StartSession it refuses. TCG Core describes SyncSession as the answer to
/// a StartSession that opened a session; the Key Per I/O note shows only that form (Table 6).
/// Host tools read the status list at the end of whatever comes back (sedutil
/// DtaSession::sendCommand, go-tcg-storage MethodCall.Execute: "the last element should be the
/// status code list"), so both forms below are seen in the field. Profile choice,
/// errata E-TCG-START-REFUSED.
enum class StartRefusal : std::uint8_t {
  sync_session,  // SMUID.SyncSession[ ] with the status in its status list
  method_result, // an empty result list [ ] with the status (the form of any failed method)
};
constexpr auto enum_names(StartRefusal) {
  return std::array{EnumName{StartRefusal::sync_session, "sync_session"},
                    EnumName{StartRefusal::method_result, "method_result"}};
}

/// Session manager constants of a TPer (its answer to Properties, its TSN policy).
struct SessionProfile {
  std::vector<Property> tper_properties;               // Table 4 "Properties"
  std::vector<std::string> accepted_host_properties;   // Table 4 echoes these host properties
  std::uint32_t tsn = 0x1001;                          // §3.4.1 "The TPer always uses ... 0x00001001"
  std::uint32_t max_sessions = 1;                      // Table 4 MaxSessions
  StartRefusal start_refusal = StartRefusal::sync_session;
};

enum class Method : std::uint8_t { get, set, activate, revert, revert_sp, gen_key, authenticate, reactivate, erase };

inline std::optional<Method> method_of(std::uint64_t uid) {
  if (uid == uid_of("Get")) return Method::get;
  if (uid == uid_of("Set")) return Method::set;
  if (uid == uid_of("Activate")) return Method::activate;
  if (uid == uid_of("Revert")) return Method::revert;
  if (uid == uid_of("RevertSP")) return Method::revert_sp;
  if (uid == uid_of("GenKey")) return Method::gen_key;
  if (uid == uid_of("Authenticate")) return Method::authenticate;
  if (uid == uid_of("Reactivate")) return Method::reactivate;
  if (uid == uid_of("Erase")) return Method::erase;
  return std::nullopt;
}
inline std::string_view method_name(Method m) {
  switch (m) {
    case Method::get: return "Get";
    case Method::set: return "Set";
    case Method::activate: return "Activate";
    case Method::revert: return "Revert";
    case Method::revert_sp: return "RevertSP";
    case Method::gen_key: return "GenKey";
    case Method::authenticate: return "Authenticate";
    case Method::reactivate: return "Reactivate";
    case Method::erase: return "Erase";
  }
  return "?";
}
inline bool modifies(Method m) { return m != Method::get && m != Method::authenticate; }

/// Get's Cellblock (Core Get: 0 Table, 1 startRow, 2 endRow, 3 startColumn, 4 endColumn; KPIO AN Tables 11, 16).
struct CellBlock {
  std::optional<std::uint64_t> start_row, end_row, start_column, end_column;
};

/// One method call, parsed: what an SP's semantics receive.
struct Invocation {
  std::uint64_t object = 0;
  Method method = Method::get;
  CellBlock cells;                                     // Get
  std::vector<std::pair<std::uint64_t, Value>> values; // Set on an object table: column -> value
  std::optional<Bytes> byte_values;                    // Set on a byte table
  std::optional<std::uint64_t> where;                  // Set's Where (0): a byte table's first row
  std::vector<Value> args;                             // the raw parameters (Activate, Revert, ...)
};

/// An SP's answer to an Invocation.
struct SpAnswer {
  std::string status = "ok";   // "ok" or a Core mnemonic (tcg/method_status.hpp)
  std::string rule;            // requirement id that decided it
  std::vector<Value> results;  // the result list
  bool end_session = false;    // e.g. Revert: "A TPer aborts the session immediately" (§3.3.17)
  static SpAnswer refuse(std::string status, std::string rule) {
    SpAnswer a;
    a.status = std::move(status);
    a.rule = std::move(rule);
    return a;
  }
};

/// What the layer did with one item or ComPacket.
template <class State>
struct LayerStep {
  State next;
  std::string status = "ok";
  std::string rule;
  std::vector<Item> response;            // the TPer's items
  std::uint32_t tsn = 0, hsn = 0;        // the Packet the response travels in
  std::optional<std::string> method;     // which method was handled ("StartSession", "Set", ...)
};

namespace detail {
inline std::optional<std::uint64_t> as_uint(const Value& v) {
  if (v.kind == Value::Kind::uint) return v.u;
  return std::nullopt;
}
inline StatusList status_list(std::string_view status) {
  return StatusList{method_status_value(status).value_or(0x3F), 0, 0};
}
}  // namespace detail

template <class T>
struct SessionLayer {
  using Profile = typename T::Profile;
  using State = typename T::State;
  using Out = LayerStep<State>;

  static Out refuse(const State& s, std::uint32_t tsn, std::uint32_t hsn, std::string status, std::string rule,
                    std::string method) {
    Out o{s, std::move(status), std::move(rule), {}, tsn, hsn, std::move(method)};
    o.response.push_back(MethodResult{{}, detail::status_list(o.status)});
    return o;
  }

  /// One host item travelling in Packet tsn:hsn.
  static Out on_item(const Profile& p, const State& s, std::uint32_t tsn, std::uint32_t hsn, const Item& in) {
    if (tsn == 0 && hsn == 0) return session_manager(p, s, in);
    const auto& open = s.sm.session;
    if (!open || open->tsn != tsn || open->hsn != hsn) {
      // A packet for a session that is not open (TSN:HSN, Core §3.3.7) is not answered.
      Out o{s, "NO_SESSION", "TCG-SESSION-1", {}, tsn, hsn, std::nullopt};
      return o;
    }
    if (std::holds_alternative<EndOfSession>(in)) {
      // Table 8 -> Table 9: the TPer answers End of Session and the session is closed.
      Out o{s, "ok", "TCG-SESSION-2", {EndOfSession{}}, tsn, hsn, std::string("EndOfSession")};
      o.next.sm.session.reset();
      return o;
    }
    const auto* call = std::get_if<MethodCall>(&in);
    if (!call) return refuse(s, tsn, hsn, "INVALID_PARAMETER", "TCG-SESSION-3", "?");
    return in_session(p, s, *open, *call);
  }

  /// A whole Security Protocol 0x01 ComPacket in, the response ComPacket out (unpadded).
  struct WireOut {
    State next;
    std::string status = "ok";
    std::string rule;
    std::vector<std::string> methods;
    Bytes response;  // empty when nothing is answered
  };
  static Result<WireOut> on_compacket(const Profile& p, const State& s, ByteView bytes) {
    auto cp = decode_compacket(bytes);
    if (!cp) return cp.error();
    WireOut w{s, "ok", "", {}, {}};
    ComPacket reply{cp->comid, cp->comid_ext, 0, 0, {}};
    for (const auto& pk : cp->packets) {
      Packet rp{0, 0, 0, 0, 0, {}};
      for (const auto& sp : pk.subpackets) {
        auto items = decode_items(sp.payload);
        if (!items) return make_error("Packet TSN " + std::to_string(pk.tsn) + ": " + items.error().message);
        std::vector<Item> out;
        for (const auto& it : *items) {
          auto r = on_item(p, w.next, pk.tsn, pk.hsn, it);
          w.next = std::move(r.next);
          if (w.status == "ok") {
            w.status = r.status;
            w.rule = r.rule;
          }
          if (r.method) w.methods.push_back(*r.method);
          rp.tsn = r.tsn;
          rp.hsn = r.hsn;
          for (auto& x : r.response) out.push_back(std::move(x));
        }
        if (!out.empty()) {
          auto payload = encode_items(out);
          if (!payload) return payload.error();
          rp.subpackets.push_back(Subpacket{0, std::move(payload).value()});
        }
      }
      if (!rp.subpackets.empty()) reply.packets.push_back(std::move(rp));
    }
    if (!reply.packets.empty()) {
      auto b = encode_compacket(reply);
      if (!b) return b.error();
      w.response = std::move(b).value();
    }
    return w;
  }

 private:
  /// Whether a correct PIN is refused at the TryLimit: the adapter's profile choice where it has
  /// one (Opal: Profile::refuse_correct_pin_at_limit, E-OPAL-AT-LIMIT), else Core's lockout.
  static bool refuse_correct_at_limit(const Profile& p) {
    if constexpr (requires { T::refuse_correct_at_limit(p); }) return T::refuse_correct_at_limit(p);
    else return true;
  }

  static std::optional<SpDecl> find_sp(const Profile& p, const State& s, std::uint64_t uid) {
    for (const auto& d : T::sps(p, s))
      if (d.uid == uid) return d;
    return std::nullopt;
  }

  static Out session_manager(const Profile& p, const State& s, const Item& in) {
    const auto* call = std::get_if<MethodCall>(&in);
    if (!call || uid_from_bytes(call->invoking) != uid_of("SMUID"))
      return refuse(s, 0, 0, "INVALID_PARAMETER", "TCG-SESSION-3", "?");
    const auto m = uid_from_bytes(call->method);
    if (m == uid_of("Properties")) return properties(p, s, *call);
    if (m == uid_of("StartSession")) return start_session(p, s, *call);
    return refuse(s, 0, 0, "INVALID_PARAMETER", "TCG-SESSION-3", "?");
  }

  /// Properties (Table 3 -> Table 4): the TPer's properties, then the host properties it
  /// accepted, echoed as name = value.
  static Out properties(const Profile& p, const State& s, const MethodCall& c) {
    const auto sp = T::session_profile(p);
    State n = s;
    std::vector<Property> host;
    for (const auto& a : c.args) {
      if (a.kind != Value::Kind::name || !detail::as_uint(a.items[0]) || *detail::as_uint(a.items[0]) != 0 ||
          a.items[1].kind != Value::Kind::list)
        return refuse(s, 0, 0, "INVALID_PARAMETER", "TCG-PROPS-1", "Properties");
      for (const auto& hp : a.items[1].items) {
        if (hp.kind != Value::Kind::name || hp.items[0].kind != Value::Kind::bytes || !detail::as_uint(hp.items[1]))
          return refuse(s, 0, 0, "INVALID_PARAMETER", "TCG-PROPS-1", "Properties");
        const std::string name(hp.items[0].b.begin(), hp.items[0].b.end());
        for (const auto& acc : sp.accepted_host_properties)
          if (acc == name) host.push_back(Property{name, *detail::as_uint(hp.items[1])});
      }
    }
    n.sm.host_properties = host;
    auto prop_list = [](const std::vector<Property>& v) {
      std::vector<Value> out;
      for (const auto& x : v) out.push_back(Value::of_name(Value::of_bytes(to_bytes(x.name)), Value::of_uint(x.value)));
      return Value::of_list(std::move(out));
    };
    MethodCall r;
    r.invoking = uid_bytes(uid_of("SMUID"));
    r.method = uid_bytes(uid_of("Properties"));
    r.args = {prop_list(sp.tper_properties), Value::of_name(Value::of_uint(0), prop_list(host))};
    return Out{n, "ok", "TCG-PROPS-1", {r}, 0, 0, std::string("Properties")};
  }

  /// StartSession[HostSessionID, SPID, Write, HostChallenge = 0, HostSigningAuthority = 3]
  /// (Core StartSession; Tables 5, 10, 13) -> SyncSession[HostSessionID, SPSessionID] (Table 6).
  /// A refused StartSession is answered in the profile's StartRefusal form (E-TCG-START-REFUSED).
  static Out start_session(const Profile& p, const State& s, const MethodCall& c) {
    auto fail = [&](std::string status, std::string rule) {
      if (T::session_profile(p).start_refusal == StartRefusal::method_result)
        return refuse(s, 0, 0, std::move(status), std::move(rule), "StartSession");
      MethodCall r;
      r.invoking = uid_bytes(uid_of("SMUID"));
      r.method = uid_bytes(uid_of("SyncSession"));
      r.status = detail::status_list(status);
      return Out{s, std::move(status), std::move(rule), {r}, 0, 0, std::string("StartSession")};
    };
    const auto& a = c.args;
    if (a.size() < 3 || !detail::as_uint(a[0]) || a[1].kind != Value::Kind::bytes || !detail::as_uint(a[2]))
      return fail("INVALID_PARAMETER", "TCG-SESSION-4");
    const auto hsn = *detail::as_uint(a[0]);
    const auto spid = uid_from_bytes(a[1].b);
    const auto write = *detail::as_uint(a[2]);
    if (hsn == 0 || hsn > 0xFFFFFFFFu || !spid || write > 1) return fail("INVALID_PARAMETER", "TCG-SESSION-4");
    std::optional<Bytes> challenge;
    std::optional<std::uint64_t> authority;
    for (std::size_t i = 3; i < a.size(); ++i) {
      if (a[i].kind != Value::Kind::name || !detail::as_uint(a[i].items[0])) return fail("INVALID_PARAMETER", "TCG-SESSION-4");
      const auto n = *detail::as_uint(a[i].items[0]);
      const auto& v = a[i].items[1];
      if (n == 0 && v.kind == Value::Kind::bytes) challenge = v.b;
      else if (n == 3 && v.kind == Value::Kind::bytes && uid_from_bytes(v.b)) authority = uid_from_bytes(v.b);
      else return fail("INVALID_PARAMETER", "TCG-SESSION-4");
    }
    if (s.sm.session) return fail("NO_SESSIONS_AVAILABLE", "TCG-SESSION-5");  // MaxSessions = 1 (Table 4)
    const auto sp = find_sp(p, s, *spid);
    if (!sp || !sp->issued) return fail("INVALID_PARAMETER", "TCG-SESSION-4");
    if (!sp->active) return fail(std::string(sp->inactive_status), "TCG-SP-LIFECYCLE-1");
    State n = s;
    Session ses{static_cast<std::uint32_t>(hsn), T::session_profile(p).tsn, *spid, {}, write == 1};
    if (authority && *authority != uid_of("Anybody")) {
      if (!challenge) return fail("NOT_AUTHORIZED", "TCG-AUTH-1");
      auto* cred = T::credential(n, *spid, *authority);
      if (!cred) return fail("NOT_AUTHORIZED", "TCG-AUTH-1");
      const auto r = present_pin(*cred, std::string(challenge->begin(), challenge->end()), refuse_correct_at_limit(p));
      if (r != PinCheck::ok) {
        Out o = fail(std::string(pin_check_status(r)), r == PinCheck::wrong ? "TCG-AUTH-2" : "TCG-AUTH-3");
        o.next = std::move(n);  // the failed attempt is counted in Tries
        return o;
      }
      ses.authorities.push_back(*authority);
    }
    n.sm.session = ses;
    MethodCall r;
    r.invoking = uid_bytes(uid_of("SMUID"));
    r.method = uid_bytes(uid_of("SyncSession"));
    Value h = Value::of_uint(ses.hsn), t = Value::of_uint(ses.tsn);
    h.width = 4;  // Table 6: 84 00 00 00 01, 84 00 00 10 01
    t.width = 4;
    r.args = {h, t};
    return Out{n, "ok", "TCG-SESSION-6", {r}, 0, 0, std::string("StartSession")};
  }

  static Out in_session(const Profile& p, const State& s, const Session& ses, const MethodCall& c) {
    const auto obj = uid_from_bytes(c.invoking);
    const auto mu = uid_from_bytes(c.method);
    const auto m = mu ? method_of(*mu) : std::nullopt;
    if (!obj || !m) return refuse(s, ses.tsn, ses.hsn, "INVALID_PARAMETER", "TCG-METHOD-1", "?");
    const std::string mname(method_name(*m));
    // A read-only session (StartSession Write = 0) may not invoke a method that changes the SP.
    if (modifies(*m) && !ses.write) return refuse(s, ses.tsn, ses.hsn, "NOT_AUTHORIZED", "TCG-SESSION-7", mname);
    Invocation inv;
    inv.object = *obj;
    inv.method = *m;
    inv.args = c.args;
    if (*m == Method::get) {
      if (c.args.size() != 1 || c.args[0].kind != Value::Kind::list)
        return refuse(s, ses.tsn, ses.hsn, "INVALID_PARAMETER", "TCG-METHOD-2", mname);
      for (const auto& nv : c.args[0].items) {
        if (nv.kind != Value::Kind::name || !detail::as_uint(nv.items[0]) || !detail::as_uint(nv.items[1]))
          return refuse(s, ses.tsn, ses.hsn, "INVALID_PARAMETER", "TCG-METHOD-2", mname);
        // .value(), not *: checked just above; without that check this throws instead of
        // reading an empty optional (undefined behaviour; mutation testing found it)
        const auto k = detail::as_uint(nv.items[0]).value();
        const auto v = detail::as_uint(nv.items[1]).value();
        if (k == 1) inv.cells.start_row = v;
        else if (k == 2) inv.cells.end_row = v;
        else if (k == 3) inv.cells.start_column = v;
        else if (k == 4) inv.cells.end_column = v;
        else return refuse(s, ses.tsn, ses.hsn, "INVALID_PARAMETER", "TCG-METHOD-2", mname);
      }
    } else if (*m == Method::set) {
      // Set[Where = 0 (optional), Values = 1] (Core Set; KPIO AN Table 14 ff.). Where is a
      // uinteger row (a byte table's offset, as linux sed-opal's DataStore write sends it).
      bool have_values = false;
      for (const auto& nv : c.args) {
        if (nv.kind == Value::Kind::name && detail::as_uint(nv.items[0]) == 0u && !inv.where && !have_values &&
            detail::as_uint(nv.items[1])) {
          inv.where = *detail::as_uint(nv.items[1]);
          continue;
        }
        if (nv.kind != Value::Kind::name || !detail::as_uint(nv.items[0]) || *detail::as_uint(nv.items[0]) != 1)
          return refuse(s, ses.tsn, ses.hsn, "INVALID_PARAMETER", "TCG-METHOD-3", mname);
        const auto& vals = nv.items[1];
        have_values = true;
        if (vals.kind == Value::Kind::bytes) {
          inv.byte_values = vals.b;
        } else if (vals.kind == Value::Kind::list) {
          for (const auto& cv : vals.items) {
            if (cv.kind != Value::Kind::name || !detail::as_uint(cv.items[0]))
              return refuse(s, ses.tsn, ses.hsn, "INVALID_PARAMETER", "TCG-METHOD-3", mname);
            inv.values.emplace_back(*detail::as_uint(cv.items[0]), cv.items[1]);
          }
        } else {
          return refuse(s, ses.tsn, ses.hsn, "INVALID_PARAMETER", "TCG-METHOD-3", mname);
        }
      }
      if (!have_values) return refuse(s, ses.tsn, ses.hsn, "INVALID_PARAMETER", "TCG-METHOD-3", mname);
    } else if (*m == Method::authenticate) {
      return authenticate(p, s, ses, c);
    }
    State n = s;
    auto ans = T::invoke(p, n, ses, inv);
    Out o{ans.status == "ok" ? std::move(n) : s, ans.status, ans.rule, {}, ses.tsn, ses.hsn, mname};
    o.response.push_back(MethodResult{ans.status == "ok" ? ans.results : std::vector<Value>{},
                                      detail::status_list(ans.status)});
    if (ans.end_session && ans.status == "ok") o.next.sm.session.reset();
    return o;
  }

  /// ThisSP.Authenticate[Authority, Proof = 0] -> [Success] (TCG Core ThisSP.Authenticate,
  /// "=> [ Success : boolean ]"). A wrong proof is not a failed method: the TPer answers FALSE
  /// with status SUCCESS and counts a Try (C_PIN Tries); a proof at the TryLimit is
  /// AUTHORITY_LOCKED_OUT and counts nothing. Host tools read it so: sedutil
  /// DtaSession::authenticate ("Session Authenticate failed (response = false)" after a SUCCESS
  /// status), go-tcg-storage table.ThisSP_Authenticate (ErrAuthenticationFailed when the result
  /// is 0). Errata E-TCG-AUTHENTICATE-FALSE.
  static Out authenticate(const Profile& p, const State& s, const Session& ses, const MethodCall& c) {
    const auto& a = c.args;
    if (uid_from_bytes(c.invoking) != uid_of("ThisSP") || a.empty() || a[0].kind != Value::Kind::bytes ||
        !uid_from_bytes(a[0].b))
      return refuse(s, ses.tsn, ses.hsn, "INVALID_PARAMETER", "TCG-AUTH-4", "Authenticate");
    const auto who = *uid_from_bytes(a[0].b);
    std::optional<Bytes> proof;
    for (std::size_t i = 1; i < a.size(); ++i)
      if (a[i].kind == Value::Kind::name && detail::as_uint(a[i].items[0]) == 0 && a[i].items[1].kind == Value::Kind::bytes)
        proof = a[i].items[1].b;
      else
        return refuse(s, ses.tsn, ses.hsn, "INVALID_PARAMETER", "TCG-AUTH-4", "Authenticate");
    State n = s;
    auto* cred = T::credential(n, ses.sp, who);
    if (!cred || !proof) return refuse(s, ses.tsn, ses.hsn, "INVALID_PARAMETER", "TCG-AUTH-4", "Authenticate");
    const auto r = present_pin(*cred, std::string(proof->begin(), proof->end()), refuse_correct_at_limit(p));
    if (r == PinCheck::locked_out) return refuse(s, ses.tsn, ses.hsn, "AUTHORITY_LOCKED_OUT", "TCG-AUTH-3", "Authenticate");
    if (r == PinCheck::ok) {
      auto& auths = n.sm.session->authorities;
      if (std::find(auths.begin(), auths.end(), who) == auths.end()) auths.push_back(who);
    }
    Out o{n, "ok", r == PinCheck::ok ? "TCG-AUTH-5" : "TCG-AUTH-2", {}, ses.tsn, ses.hsn, std::string("Authenticate")};
    o.response.push_back(MethodResult{{Value::of_uint(r == PinCheck::ok ? 1 : 0)}, StatusList{0, 0, 0}});
    return o;
  }
};

/// A method call as a person reads it: "SMUID.StartSession[1, KeyPerIOSP, 1, 0 = <bytes>,
/// 3 = Admin1]", "KeyTagAllocation1.Set[1 = [4 = 1]]", "<- [ ] status SUCCESS", "EndOfSession".
inline std::string describe_value(const Value& v) {
  switch (v.kind) {
    case Value::Kind::uint: return std::to_string(v.u);
    case Value::Kind::sint: return std::to_string(v.s);
    case Value::Kind::empty: return "empty";
    case Value::Kind::bytes: {
      if (auto u = uid_from_bytes(v.b))
        if (auto n = uid_name(*u, UidKind::object)) return std::string(*n);
      bool text = !v.b.empty();
      for (auto c : v.b) text = text && c >= 0x20 && c < 0x7F;
      return text ? "\"" + std::string(v.b.begin(), v.b.end()) + "\"" : "0x" + to_hex(v.b);
    }
    case Value::Kind::name: return describe_value(v.items[0]) + " = " + describe_value(v.items[1]);
    case Value::Kind::list: {
      std::string s = "[";
      for (std::size_t i = 0; i < v.items.size(); ++i) s += (i ? ", " : "") + describe_value(v.items[i]);
      return s + "]";
    }
  }
  return "?";
}
inline std::string describe_status(const StatusList& st) {
  if (st.empty()) return "";
  const auto n = method_status_name(st[0]);
  if (n) return *n == "ok" ? std::string("SUCCESS") : std::string(*n);
  // a status the Core table does not name: its value in hex (it used to print decimal after "0x")
  char hex[24];
  std::snprintf(hex, sizeof hex, "0x%02llx", static_cast<unsigned long long>(st[0]));
  return hex;
}
inline std::string describe_item(const Item& it) {
  if (std::holds_alternative<EndOfSession>(it)) return "EndOfSession";
  if (const auto* r = std::get_if<MethodResult>(&it))
    return "<- " + describe_value(Value::of_list(r->results)) + " status " + describe_status(r->status);
  const auto& c = std::get<MethodCall>(it);
  auto name = [](const Bytes& b, UidKind k) {
    if (auto u = uid_from_bytes(b))
      if (auto n = uid_name(*u, k)) return std::string(*n);
    return "0x" + to_hex(b);
  };
  std::string args = describe_value(Value::of_list(c.args));
  return name(c.invoking, UidKind::object) + "." + name(c.method, UidKind::method) + args +
         (c.status == StatusList{0, 0, 0} ? "" : " status " + describe_status(c.status));
}

/// Does the session hold `authority` (Anybody always)?
inline bool has_authority(const Session& s, std::uint64_t authority) {
  if (authority == uid_of("Anybody")) return true;
  for (auto a : s.authorities)
    if (a == authority) return true;
  return false;
}

}  // namespace lockref::tcg

BOOST_HANA_ADAPT_STRUCT(lockref::tcg::Session, hsn, tsn, sp, authorities, write);
BOOST_HANA_ADAPT_STRUCT(lockref::tcg::Property, name, value);
BOOST_HANA_ADAPT_STRUCT(lockref::tcg::SessionManager, session, host_properties);
