// The TCG session layer (tcg/session.hpp) on a TPer adapter of its own: one SP with one C_PIN
// row, whose method semantics only record what the layer hands them. Written to kill the
// mutants tools/mutate.py found surviving in session.hpp: the session manager's Packet 0:0,
// Properties' HostProperties, StartSession's parameters, the Get CellBlock and Set Values
// forms, ThisSP.Authenticate and the method status list. The rules are those of
// spec/requirements/tcg_session.json (TCG-SESSION-*, TCG-AUTH-*, TCG-METHOD-*) and
// kpio.json TCG-PROPS-1; the status values are Core 2.01 §5.1.5 (INVALID_PARAMETER 0x0C,
// AUTHORITY_LOCKED_OUT 0x12, FAIL 0x3F).
#include <doctest/doctest.h>

#include "lockref/tcg/packet.hpp"
#include "lockref/tcg/session.hpp"
#include "lockref/tcg/token.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::tcg;

namespace {
const std::uint64_t admin_sp = uid_of("AdminSP");
const std::uint64_t kpio_sp = uid_of("KeyPerIOSP");  // declared, but not issued
const std::uint64_t admin1 = uid_of("Admin1");        // has a C_PIN row in the Admin SP
const std::uint64_t sid = uid_of("SID");              // has none

/// A TPer adapter (the interface session.hpp documents): the layer's view of an SP, no more.
struct Fake {
  struct Profile {
    SessionProfile sp{{{"MaxComPacketSize", 2048}}, {"MaxComPacketSize"}, 0x1001, 1, StartRefusal::sync_session};
    std::vector<SpDecl> decls{{admin_sp, "AdminSP", true, true, "SP_DISABLED"},
                              {kpio_sp, "KeyPerIOSP", false, true, "SP_DISABLED"}};
    std::string answer = "ok";   // the status every method of the SP answers
    std::vector<Value> results;  // its result list
  };
  struct State {
    SessionManager sm;
    CPin admin1_pin{"pin", 0, 3, false};
    std::vector<Invocation> seen;  // what the SP's semantics received
  };
  static std::vector<SpDecl> sps(const Profile& p, const State&) { return p.decls; }
  static CPin* credential(State& s, std::uint64_t sp, std::uint64_t who) {
    return sp == admin_sp && who == admin1 ? &s.admin1_pin : nullptr;
  }
  static SessionProfile session_profile(const Profile& p) { return p.sp; }
  static SpAnswer invoke(const Profile& p, State& s, const Session&, const Invocation& inv) {
    s.seen.push_back(inv);
    SpAnswer a;
    a.status = p.answer;
    a.rule = "FAKE";
    a.results = p.results;
    return a;
  }
};
using L = SessionLayer<Fake>;
using Out = L::Out;
using TsnHsn = std::pair<std::uint32_t, std::uint32_t>;

Value uidv(std::uint64_t u) { return Value::of_bytes(uid_bytes(u)); }
Value str(std::string_view s) { return Value::of_bytes(Bytes(s.begin(), s.end())); }
Value nv(std::uint64_t k, Value v) { return Value::of_name(Value::of_uint(k), std::move(v)); }
Value u(std::uint64_t v) { return Value::of_uint(v); }
Value list(std::vector<Value> v) { return Value::of_list(std::move(v)); }
/// A Value whose kind says uint while its (unused) byte field holds a UID: the layer must
/// read a value by its kind, never by a field the kind does not use.
Value uint_holding_uid(std::uint64_t uid) {
  Value v = u(5);
  v.b = uid_bytes(uid);
  return v;
}
MethodCall call(std::uint64_t obj, std::string_view method, std::vector<Value> args) {
  return MethodCall{uid_bytes(obj), uid_bytes(uid_of(method)), std::move(args), {0, 0, 0}};
}
Out start(const Fake::Profile& p, const Fake::State& s, std::vector<Value> args) {
  return L::on_item(p, s, 0, 0, call(uid_of("SMUID"), "StartSession", std::move(args)));
}
/// A session to the Admin SP as Anybody (seed 002 §3.4.1 numbers: HSN 1, TSN 0x1001), write as told.
Fake::State opened(const Fake::Profile& p, std::uint64_t write = 1) {
  auto o = start(p, Fake::State{}, {u(1), uidv(admin_sp), u(write)});
  REQUIRE(o.status == "ok");
  REQUIRE(o.next.sm.session);
  return o.next;
}
Out in(const Fake::Profile& p, const Fake::State& s, const Item& c) { return L::on_item(p, s, 0x1001, 1, c); }
/// The failed-method answer: an empty result list and the status (Core §5.1.5 value, 0, 0).
std::vector<Item> failed(std::uint64_t status) { return {MethodResult{{}, {status, 0, 0}}}; }
}  // namespace

TEST_CASE("tcg session: an unknown name is the null UID, not ThisSP's UID 1") {
  // Core: UID 00 00 00 00 00 00 00 00 names no object; 00 .. 00 01 is ThisSP.
  CHECK(uid_of("NoSuchObject") == 0u);
  CHECK(uid_of("ThisSP") == 1u);
}

TEST_CASE("tcg session: a status the SP reports that Core §5.1.5 does not list travels as FAIL 0x3F") {
  Fake::Profile p;
  p.answer = "NOT_A_CORE_STATUS";
  const auto s = opened(p);
  const auto o = in(p, s, call(admin_sp, "Get", {list({})}));
  CHECK(o.response == failed(0x3F));
  CHECK(o.next.seen.empty());  // a refused method changes nothing
}

TEST_CASE("tcg session: a Packet that is not 0:0 and names no open session is not answered (TCG-SESSION-1)") {
  // Seed 002 Table 3: the session manager's Packet is TPerSN 0, HostSN 0; only both zero is it.
  Fake::Profile p;
  const Fake::State none;
  for (auto [tsn, hsn] : std::initializer_list<TsnHsn>{{0x1001, 0}, {0, 1}}) {
    const auto o = L::on_item(p, none, tsn, hsn, call(uid_of("SMUID"), "Properties", {}));
    CHECK(o.status == "NO_SESSION");
    CHECK(o.rule == "TCG-SESSION-1");
    CHECK(o.response.empty());
    CHECK_FALSE(o.method);
  }
  // an open session 0x1001:1 is not addressed by 0x1001:2 nor by 0x1002:1
  const auto s = opened(p);
  for (auto [tsn, hsn] : std::initializer_list<TsnHsn>{{0x1001, 2}, {0x1002, 1}}) {
    const auto o = L::on_item(p, s, tsn, hsn, call(admin_sp, "Get", {list({})}));
    CHECK(o.status == "NO_SESSION");
    CHECK(o.rule == "TCG-SESSION-1");
    CHECK(o.response.empty());
    CHECK(o.next.seen.empty());
  }
  CHECK(in(p, s, call(admin_sp, "Get", {list({})})).status == "ok");
}

TEST_CASE("tcg session: in a session, an item that is no method call is INVALID_PARAMETER (TCG-SESSION-3)") {
  Fake::Profile p;
  const auto s = opened(p);
  const auto o = in(p, s, MethodResult{{}, {0, 0, 0}});
  CHECK(o.status == "INVALID_PARAMETER");
  CHECK(o.rule == "TCG-SESSION-3");
  CHECK(o.response == failed(0x0C));
  CHECK(o.tsn == 0x1001u);
  CHECK(o.hsn == 1u);
  CHECK(o.next.sm == s.sm);
}

TEST_CASE("tcg session: Packet 0:0 takes SMUID.Properties and SMUID.StartSession only, answered in Packet 0:0 (TCG-SESSION-3)") {
  Fake::Profile p;
  const Fake::State s;
  for (const auto& c : {call(admin_sp, "Properties", {}), call(uid_of("SMUID"), "SyncSession", {u(1), u(0x1001)}),
                        call(uid_of("SMUID"), "Get", {list({})})}) {
    const auto o = L::on_item(p, s, 0, 0, c);
    CHECK(o.status == "INVALID_PARAMETER");
    CHECK(o.rule == "TCG-SESSION-3");
    CHECK(o.response == failed(0x0C));
    CHECK(o.tsn == 0u);
    CHECK(o.hsn == 0u);
    CHECK_FALSE(o.next.sm.session);
  }
}

TEST_CASE("tcg session: Properties takes HostProperties = 0 as a list of name = uinteger (TCG-PROPS-1)") {
  // Seed 002 Table 3: Properties[HostProperties = [..."MaxComPacketSize" = 4096...]]; Table 4:
  // [TPer properties], HostProperties = [the accepted ones].
  Fake::Profile p;
  const Fake::State s;
  const auto props = [&](std::vector<Value> args) {
    return L::on_item(p, s, 0, 0, call(uid_of("SMUID"), "Properties", std::move(args)));
  };
  const auto ok = props({nv(0, list({Value::of_name(str("MaxComPacketSize"), u(4096)), Value::of_name(str("Other"), u(5))}))});
  CHECK(ok.status == "ok");
  CHECK(ok.rule == "TCG-PROPS-1");
  CHECK(ok.next.sm.host_properties == std::vector<Property>{{"MaxComPacketSize", 4096}});
  REQUIRE(ok.response.size() == 1);
  const auto& r = std::get<MethodCall>(ok.response[0]);
  REQUIRE(r.args.size() == 2);
  CHECK(r.args[1] == nv(0, list({Value::of_name(str("MaxComPacketSize"), u(4096))})));

  for (const auto& args : std::vector<std::vector<Value>>{
           {u(5)},                                                  // not a name
           {nv(1, list({}))},                                       // not HostProperties (0)
           {Value::of_name(str("x"), list({}))},                    // a name that is no uinteger
           {nv(0, u(5))},                                           // HostProperties not a list
           {nv(0, list({u(5)}))},                                   // a property that is no name
           {nv(0, list({nv(7, u(5))}))},                            // a property named by a number
           {nv(0, list({Value::of_name(str("MaxPackets"), str("1"))}))}}) {  // a value that is no uinteger
    CAPTURE(describe_value(list(args)));
    const auto o = props(args);
    CHECK(o.status == "INVALID_PARAMETER");
    CHECK(o.rule == "TCG-PROPS-1");
    CHECK(o.response == failed(0x0C));
    CHECK(o.tsn == 0u);
    CHECK(o.hsn == 0u);
    CHECK(o.next.sm.host_properties.empty());
  }
}

TEST_CASE("tcg session: a refused StartSession is answered in Packet 0:0 in either form (TCG-SESSION-8)") {
  for (auto form : {StartRefusal::sync_session, StartRefusal::method_result}) {
    Fake::Profile p;
    p.sp.start_refusal = form;
    const auto o = start(p, Fake::State{}, {u(1), uidv(kpio_sp), u(1)});
    CHECK(o.status == "INVALID_PARAMETER");
    CHECK(o.tsn == 0u);
    CHECK(o.hsn == 0u);
    if (form == StartRefusal::method_result) {
      CHECK(o.response == failed(0x0C));
    } else {
      const std::vector<Item> sync{MethodCall{uid_bytes(uid_of("SMUID")), uid_bytes(uid_of("SyncSession")), {}, {0x0C, 0, 0}}};
      CHECK(o.response == sync);
    }
  }
}

TEST_CASE("tcg session: StartSession's HostSessionID, SPID, Write and optional parameters are checked (TCG-SESSION-4)") {
  Fake::Profile p;
  const Fake::State s;
  for (const auto& args : std::vector<std::vector<Value>>{
           {u(1), uidv(admin_sp)},                                  // no Write
           {u(1), uint_holding_uid(admin_sp), u(1)},                // SPID is no byte string
           {u(1), uidv(admin_sp), str("x")},                        // Write is no uinteger
           {u(1), uidv(admin_sp), u(2)},                            // Write is 0 or 1
           {u(0x100000000ull), uidv(admin_sp), u(1)},               // HostSessionID is 4 bytes
           {u(0x100000001ull), uidv(admin_sp), u(1)},
           {u(1), uidv(admin_sp), u(1), u(7)},                      // an optional parameter that is no name
           {u(1), uidv(admin_sp), u(1), nv(3, u(5))},               // HostSigningAuthority is a UID
           {u(1), uidv(admin_sp), u(1), nv(3, Value::of_bytes({0, 0, 0, 9}))},
           {u(1), uidv(kpio_sp), u(1)},                             // an SP not issued
           {u(1), uidv(0x0000020500000099ull), u(1)}}) {            // an SP the TPer lacks
    CAPTURE(describe_value(list(args)));
    const auto o = start(p, s, args);
    CHECK(o.status == "INVALID_PARAMETER");
    CHECK(o.rule == "TCG-SESSION-4");
    CHECK_FALSE(o.next.sm.session);
    const std::vector<Item> sync{MethodCall{uid_bytes(uid_of("SMUID")), uid_bytes(uid_of("SyncSession")), {}, {0x0C, 0, 0}}};
    CHECK(o.response == sync);
  }
  // two parameters are two, whatever the list's spare storage still holds (a Write dropped
  // from it): the layer must not look past the last parameter
  std::vector<Value> two{u(1), uidv(admin_sp), u(1)};
  two.pop_back();
  const auto short_list = start(p, s, std::move(two));
  CHECK(short_list.rule == "TCG-SESSION-4");
  CHECK_FALSE(short_list.next.sm.session);
  // the largest HostSessionID (a 4-byte uinteger) opens a session and is echoed (Table 6)
  const auto o = start(p, s, {u(0xFFFFFFFFu), uidv(admin_sp), u(0)});
  CHECK(o.status == "ok");
  REQUIRE(o.next.sm.session);
  CHECK(o.next.sm.session->hsn == 0xFFFFFFFFu);
  CHECK_FALSE(o.next.sm.session->write);
  REQUIRE(o.response.size() == 1);
  const auto& r = std::get<MethodCall>(o.response[0]);
  REQUIRE(r.args.size() == 2);
  CHECK(r.args[0].u == 0xFFFFFFFFu);
  CHECK(r.args[1].u == 0x1001u);
}

TEST_CASE("tcg session: a HostSigningAuthority with no credential in the SP is NOT_AUTHORIZED (TCG-AUTH-1)") {
  Fake::Profile p;
  const auto o = start(p, Fake::State{}, {u(1), uidv(admin_sp), u(1), nv(0, str("pin")), nv(3, uidv(sid))});
  CHECK(o.status == "NOT_AUTHORIZED");
  CHECK(o.rule == "TCG-AUTH-1");
  CHECK_FALSE(o.next.sm.session);
  // Admin1, which has one, opens the session with its PIN
  const auto ok = start(p, Fake::State{}, {u(1), uidv(admin_sp), u(1), nv(0, str("pin")), nv(3, uidv(admin1))});
  CHECK(ok.status == "ok");
  REQUIRE(ok.next.sm.session);
  CHECK(ok.next.sm.session->authorities == std::vector<std::uint64_t>{admin1});
}

TEST_CASE("tcg session: a method call names its object and method by 8-byte UIDs the layer knows (TCG-METHOD-1)") {
  Fake::Profile p;
  const auto s = opened(p);
  const auto cellblock = list({nv(1, u(0))});
  for (const auto& c : {MethodCall{Bytes{0, 0, 2, 5}, uid_bytes(uid_of("Get")), {cellblock}, {0, 0, 0}},
                        MethodCall{uid_bytes(admin_sp), uid_bytes(uid_of("Properties")), {cellblock}, {0, 0, 0}}}) {
    const auto o = in(p, s, c);
    CHECK(o.status == "INVALID_PARAMETER");
    CHECK(o.rule == "TCG-METHOD-1");
    CHECK(o.response == failed(0x0C));
    CHECK(o.next.seen.empty());
  }
}

TEST_CASE("tcg session: Get takes one CellBlock list of uinteger startRow 1 .. endColumn 4 (TCG-METHOD-2)") {
  // Seed 002 Table 11: Get[Cellblock = [startColumn = 3, endColumn = 4 ...]].
  Fake::Profile p;
  const auto s = opened(p, 0);  // Get needs no Write
  Value bytes_key_holding_1 = str("k");
  bytes_key_holding_1.u = 1;  // a byte-string name is no column number, whatever its unused field holds
  for (const auto& args : std::vector<std::vector<Value>>{
           {},                                  // no CellBlock
           {u(5)},                              // a CellBlock that is no list
           {list({}), list({})},                // two
           {list({u(5)})},                      // an entry that is no name
           {list({nv(1, str("x"))})},           // startRow that is no uinteger
           {list({Value::of_name(bytes_key_holding_1, u(3))})},
           {list({nv(5, u(3))})}}) {            // no such CellBlock name
    CAPTURE(describe_value(list(args)));
    const auto o = in(p, s, call(admin_sp, "Get", args));
    CHECK(o.status == "INVALID_PARAMETER");
    CHECK(o.rule == "TCG-METHOD-2");
    CHECK(o.response == failed(0x0C));
    CHECK(o.next.seen.empty());
  }
  const auto o = in(p, s, call(admin_sp, "Get", {list({nv(1, u(2)), nv(4, u(9))})}));
  CHECK(o.status == "ok");
  REQUIRE(o.next.seen.size() == 1);
  CHECK(o.next.seen[0].cells.start_row == std::optional<std::uint64_t>(2));
  CHECK(o.next.seen[0].cells.end_column == std::optional<std::uint64_t>(9));
  CHECK_FALSE(o.next.seen[0].cells.end_row);
}

TEST_CASE("tcg session: Set takes an optional uinteger Where = 0 first, then Values = 1 (TCG-METHOD-3)") {
  // Core Set[Where = 0 (optional), Values = 1]; seed 002 Table 14: Set[Values = [column = value]].
  Fake::Profile p;
  const auto s = opened(p);
  for (const auto& args : std::vector<std::vector<Value>>{
           {nv(0, u(8))},                          // no Values
           {nv(2, u(8)), nv(1, str("ab"))},        // a name that is neither Where nor Values
           {nv(0, u(8)), nv(0, u(9)), nv(1, str("ab"))},  // Where twice
           {nv(1, str("ab")), nv(0, u(8))},        // Where after Values
           {nv(0, str("x")), nv(1, str("ab"))},    // Where that is no uinteger
           {nv(1, u(8)), nv(1, str("ab"))},        // Values that are neither bytes nor a list
           {u(5)},                                 // a parameter that is no name
           {nv(2, str("ab"))},
           {nv(1, list({u(5)}))},                  // a column-value pair that is no name
           {nv(1, list({Value::of_name(str("c"), u(5))}))},  // a column that is no uinteger
           {nv(1, u(5))}}) {
    CAPTURE(describe_value(list(args)));
    const auto o = in(p, s, call(admin_sp, "Set", args));
    CHECK(o.status == "INVALID_PARAMETER");
    CHECK(o.rule == "TCG-METHOD-3");
    CHECK(o.response == failed(0x0C));
    CHECK(o.next.seen.empty());
  }
  const auto w = in(p, s, call(admin_sp, "Set", {nv(0, u(8)), nv(1, str("ab"))}));
  CHECK(w.status == "ok");
  REQUIRE(w.next.seen.size() == 1);
  CHECK(w.next.seen[0].where == std::optional<std::uint64_t>(8));
  CHECK(w.next.seen[0].byte_values == std::optional<Bytes>(Bytes{'a', 'b'}));
  const auto v = in(p, s, call(admin_sp, "Set", {nv(1, list({nv(3, u(7))}))}));
  CHECK(v.status == "ok");
  REQUIRE(v.next.seen.size() == 1);
  CHECK_FALSE(v.next.seen[0].where);
  REQUIRE(v.next.seen[0].values.size() == 1);
  CHECK(v.next.seen[0].values[0].first == 3u);
  CHECK(v.next.seen[0].values[0].second == u(7));
}

TEST_CASE("tcg session: ThisSP.Authenticate[Authority, Proof = 0] answers [TRUE/FALSE] with SUCCESS, or a refusal") {
  Fake::Profile p;
  const auto s = opened(p);
  const auto auth = [&](const Fake::State& st, std::vector<Value> args) {
    return in(p, st, call(uid_of("ThisSP"), "Authenticate", std::move(args)));
  };
  // TCG-AUTH-4: an Authority (a UID byte string) and a Proof (0 = bytes) are required
  for (const auto& args : std::vector<std::vector<Value>>{{},
                                                          {uint_holding_uid(admin1), nv(0, str("pin"))},
                                                          {uidv(admin1), nv(1, str("pin"))},
                                                          {uidv(admin1), u(0)}}) {
    CAPTURE(describe_value(list(args)));
    const auto o = auth(s, args);
    CHECK(o.status == "INVALID_PARAMETER");
    CHECK(o.rule == "TCG-AUTH-4");
    CHECK(o.response == failed(0x0C));
    CHECK(o.next.sm.session->authorities.empty());
  }
  // a wrong proof: FALSE (0) with status SUCCESS, a Try counted (TCG-AUTH-2, E-TCG-AUTHENTICATE-FALSE)
  const auto wrong = auth(s, {uidv(admin1), nv(0, str("nope"))});
  CHECK(wrong.status == "ok");
  CHECK(wrong.rule == "TCG-AUTH-2");
  CHECK(wrong.response == std::vector<Item>{MethodResult{{u(0)}, {0, 0, 0}}});
  CHECK(wrong.next.admin1_pin.tries == 1u);
  // the right one: TRUE (1) with SUCCESS (TCG-AUTH-5)
  const auto right = auth(s, {uidv(admin1), nv(0, str("pin"))});
  CHECK(right.rule == "TCG-AUTH-5");
  CHECK(right.response == std::vector<Item>{MethodResult{{u(1)}, {0, 0, 0}}});
  CHECK(right.next.sm.session->authorities == std::vector<std::uint64_t>{admin1});
  // at TryLimit: AUTHORITY_LOCKED_OUT 0x12, nothing counted (TCG-AUTH-3)
  auto at_limit = s;
  at_limit.admin1_pin.tries = 3;
  const auto locked = auth(at_limit, {uidv(admin1), nv(0, str("pin"))});
  CHECK(locked.status == "AUTHORITY_LOCKED_OUT");
  CHECK(locked.rule == "TCG-AUTH-3");
  CHECK(locked.response == failed(0x12));
  CHECK(locked.next.admin1_pin.tries == 3u);
}

TEST_CASE("tcg session: a ComPacket in names the methods it carried, and a result that cannot be encoded is an error") {
  Fake::Profile p;
  const auto packet = [](std::uint32_t tsn, std::uint32_t hsn, const MethodCall& c) {
    auto payload = encode_items({c});
    REQUIRE(payload);
    auto b = encode_compacket(ComPacket{0x0800, 0, 0, 0, {Packet{tsn, hsn, 0, 0, 0, {Subpacket{0, *payload}}}}});
    REQUIRE(b);
    return *b;
  };
  const auto w = L::on_compacket(p, Fake::State{}, packet(0, 0, call(uid_of("SMUID"), "Properties", {})));
  REQUIRE(w);
  CHECK(w->methods == std::vector<std::string>{"Properties"});
  CHECK_FALSE(w->response.empty());
  // the SP answers a byte string in a tiny atom, which no token stream can carry
  Value unencodable = str("ab");
  unencodable.form = AtomForm::tiny;
  p.results = {unencodable};
  const auto s = opened(p);
  const auto bad = L::on_compacket(p, s, packet(0x1001, 1, call(admin_sp, "Get", {list({})})));
  CHECK_FALSE(bad);
}

TEST_CASE("tcg session: a status list reads as its Core §5.1.5 name") {
  CHECK(describe_status(StatusList{}).empty());
  CHECK(describe_status(StatusList{0, 0, 0}) == "SUCCESS");
  CHECK(describe_status(StatusList{0x0C, 0, 0}) == "INVALID_PARAMETER");
  CHECK(describe_status(StatusList{0x02, 0, 0}) == "0x02");  // 0x02 is obsolete, so has no name
  CHECK(describe_status(StatusList{0x13, 0, 0}) == "0x13");  // unnamed in Core §5.1.5: hex, not decimal ("0x19")
  CHECK(describe_status(StatusList{0xAB, 0, 0}) == "0xab");
}

TEST_CASE("tcg session: a session always holds the Anybody authority, and only the ones it authenticated") {
  Session ses;
  CHECK(has_authority(ses, uid_of("Anybody")));
  CHECK_FALSE(has_authority(ses, admin1));
  ses.authorities = {admin1};
  CHECK(has_authority(ses, admin1));
}

}  // namespace LOCKREF_UNITY_ID
