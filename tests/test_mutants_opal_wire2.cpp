// Opal at the wire (opal/wire.hpp), part 2: the names of Authority and C_PIN rows, the TPer's
// communication properties, and the wire as a state machine (`lockref explore|corpus|check
// opal-wire`: wire::Machine step, observe, label, invariants). Written to kill the mutants
// tools/mutate.py found surviving there; part 1 is test_mutants_opal_wire.cpp.
//
// Where the expected values come from:
//   - Authority UIDs: Opal SSC Admin SP Authority table (SID 00 00 00 09 00 00 00 06, Admin<k>
//     00 00 00 09 00 00 02 0k, k = 1..4), Locking SP Authority table (Admin<k> 00 00 00 09 00 01
//     00 0k, k = 1..4; User<k> 00 00 00 09 00 03 00 0k, k = 1..9: seed 000 "up to 9 User
//     operators", Admin1-4), the PSID feature set (PSID 00 00 00 09 00 01 FF 01); C_PIN rows
//     are the Authority UID with table 09 replaced by 0B (wire.hpp c_pin_uid's contract);
//   - the ComPacket below is built by hand from TCG Core §3.2.2-3.2.3 (20-byte ComPacket header,
//     24-byte Packet header, 12-byte Subpacket header, payload padded to 4; A8 = an 8-byte atom,
//     F0/F1 list, F8 call, F9 end of data), as tests/cli/opal_wire.sh builds its captures;
//   - the communication properties: seed 002 §3.3.2.3 (the TPer "supports a maximum of one
//     simultaneous session (MaxSessions)"; 4096 / 4076 / 4040 and 8192 / 8172 / 8136: a Packet
//     is 20 bytes short of its ComPacket, a token 36 short of its Packet);
//   - lockout: seed 000 Try Limit table (SE4SA530: 5, not persistent); a wrong PIN answered
//     NOT_AUTHORIZED, the limit AUTHORITY_LOCKED_OUT (Core §5.1.5);
//   - rules: spec/requirements/opal_wire.json (OPAL-WIRE-TRY for try limits and lockout,
//     OPAL-WIRE-MAP for the session mapping), tcg_session.json (TCG-SESSION-3 for what is no
//     valid item), opal.json OPAL-SP-1 (Activate); the invariant's own comment in wire.hpp.
#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lockref/opal/wire.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own.
namespace LOCKREF_UNITY_ID {
namespace {
namespace ow = lockref::opal::wire;
namespace op = lockref::opal;
using lockref::Bytes;
using lockref::tcg::MethodCall;
using lockref::tcg::Value;

constexpr std::uint64_t sid_uid = 0x0000000900000006ull, psid_uid = 0x000000090001FF01ull;
constexpr std::uint64_t as_admin = 0x0000000900000200ull, lk_admin = 0x0000000900010000ull, lk_user = 0x0000000900030000ull;

/// An 8-byte UID as a Core short atom (A8 + 8 bytes, Core §3.2.2.3.1).
void put_uid(Bytes& b, std::uint64_t v) {
  b.push_back(0xA8);
  for (int i = 7; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_be(Bytes& b, std::uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
/// SMUID.StartSession[1, SP, 1] (anonymous) in a ComPacket for ComID 0x07FE, Packet 0:0.
Bytes start_session_compacket(std::uint64_t sp) {
  Bytes t{0xF8};
  put_uid(t, 0xFF);    // SMUID
  put_uid(t, 0xFF02);  // StartSession
  t.push_back(0xF0);
  t.push_back(0x01);  // HostSessionID 1 (tiny atom)
  put_uid(t, sp);
  t.push_back(0x01);  // Write = 1
  t.insert(t.end(), {0xF1, 0xF9, 0xF0, 0x00, 0x00, 0x00, 0xF1});  // end of list, end of data, status [0 0 0]
  Bytes sub(6, 0);
  put_be(sub, 0, 2);  // kind: data
  put_be(sub, t.size(), 4);
  sub.insert(sub.end(), t.begin(), t.end());
  while (sub.size() % 4) sub.push_back(0);
  Bytes pk;
  put_be(pk, 0, 4);  // TSN
  put_be(pk, 0, 4);  // HSN
  put_be(pk, 0, 4);  // SeqNumber
  put_be(pk, 0, 2);  // reserved
  put_be(pk, 0, 2);  // AckType
  put_be(pk, 0, 4);  // Acknowledgement
  put_be(pk, sub.size(), 4);
  pk.insert(pk.end(), sub.begin(), sub.end());
  Bytes cp;
  put_be(cp, 0, 4);       // reserved
  put_be(cp, 0x07FE, 2);  // ComID
  put_be(cp, 0, 2);       // ComID extension
  put_be(cp, 0, 4);       // OutstandingData
  put_be(cp, 0, 4);       // MinTransfer
  put_be(cp, pk.size(), 4);
  cp.insert(cp.end(), pk.begin(), pk.end());
  return cp;
}

MethodCall method_call(std::uint64_t obj, std::uint64_t method, std::vector<Value> args) {
  return MethodCall{lockref::tcg::uid_bytes(obj), lockref::tcg::uid_bytes(method), std::move(args), {0, 0, 0}};
}
/// SMUID.StartSession[HSN 1, SP, Write 1, HostChallenge (0) = pin, HostSigningAuthority (3) = who].
MethodCall start_call(std::uint64_t sp, std::uint64_t who, const std::string& pin) {
  return method_call(0xFF, 0xFF02,
                     {Value::of_uint(1), Value::of_bytes(lockref::tcg::uid_bytes(sp)), Value::of_uint(1),
                      Value::of_name(Value::of_uint(0), Value::of_bytes(Bytes(pin.begin(), pin.end()))),
                      Value::of_name(Value::of_uint(3), Value::of_bytes(lockref::tcg::uid_bytes(who)))});
}
/// A host item as the opal-wire machine takes it ({"call": ...} JSON, tcg/json.hpp).
ow::Event call_event(std::uint32_t tsn, std::uint32_t hsn, const MethodCall& c) { return ow::Call{tsn, hsn, lockref::tcg::item_to_json(c)}; }
ow::Event start_event(std::uint64_t sp, std::uint64_t who, const std::string& pin) { return call_event(0, 0, start_call(sp, who, pin)); }
}  // namespace

TEST_CASE("opal wire (c): authority names and UIDs, each way, and the names that are none") {
  // authority_name: "" if the UID is no Authority of that SP; authority_uid / c_pin_uid: 0 if
  // the name is none (wire.hpp). The model's names: SID, PSID, AdminSP.Admin<k>, Admin<k>, User<k>.
  CHECK(ow::authority_uid("SID") == sid_uid);
  CHECK(ow::authority_uid("PSID") == psid_uid);
  CHECK(ow::authority_uid("AdminSP.Admin1") == as_admin + 1);
  CHECK(ow::authority_uid("AdminSP.Admin4") == as_admin + 4);
  CHECK(ow::authority_uid("Admin1") == lk_admin + 1);
  CHECK(ow::authority_uid("Admin4") == lk_admin + 4);
  CHECK(ow::authority_uid("User1") == lk_user + 1);
  CHECK(ow::authority_uid("User9") == lk_user + 9);
  for (const char* none : {"", "Anybody", "Nobody", "Admin", "Admin12", "User10", "AdminSP.Admin", "NotAnAuthority"}) {
    INFO(none);
    CHECK(ow::authority_uid(none) == 0);
    CHECK(ow::c_pin_uid(none) == 0);
  }
  CHECK(ow::c_pin_uid("SID") == 0x0000000B00000001ull);     // C_PIN_SID
  CHECK(ow::c_pin_uid("PSID") == 0x0000000B0001FF01ull);    // C_PIN_PSID
  CHECK(ow::c_pin_uid("AdminSP.Admin2") == 0x0000000B00000202ull);
  CHECK(ow::c_pin_uid("Admin1") == 0x0000000B00010001ull);  // C_PIN_Admin1
  CHECK(ow::c_pin_uid("User3") == 0x0000000B00030003ull);   // C_PIN_User3
  // The other way, per SP.
  CHECK(ow::authority_name(ow::admin_sp, sid_uid) == "SID");
  CHECK(ow::authority_name(ow::admin_sp, psid_uid) == "PSID");
  CHECK(ow::authority_name(ow::admin_sp, as_admin + 1) == "AdminSP.Admin1");
  CHECK(ow::authority_name(ow::admin_sp, as_admin + 4) == "AdminSP.Admin4");
  CHECK(ow::authority_name(ow::locking_sp, lk_admin + 1) == "Admin1");
  CHECK(ow::authority_name(ow::locking_sp, lk_admin + 4) == "Admin4");
  CHECK(ow::authority_name(ow::locking_sp, lk_user + 1) == "User1");
  CHECK(ow::authority_name(ow::locking_sp, lk_user + 9) == "User9");
  for (const auto uid : {as_admin, as_admin + 5, lk_admin + 1, lk_user + 1}) CHECK(ow::authority_name(ow::admin_sp, uid).empty());
  for (const auto uid : {sid_uid, lk_admin, lk_admin + 5, lk_user, lk_user + 10, as_admin + 1})
    CHECK(ow::authority_name(ow::locking_sp, uid).empty());
  // Each name of the model round-trips through its UID in its SP.
  for (const auto& c : op::Machine::initial(op::seagate_se4sa530()).credentials) {
    INFO(c.authority);
    const auto sp = op::sp_of(op::role_of(c.authority)) == op::Sp::locking ? ow::locking_sp : ow::admin_sp;
    CHECK(ow::authority_name(sp, ow::authority_uid(c.authority)) == c.authority);
  }
}

TEST_CASE("opal wire (c): the TPer's properties: one session at a time, Packet and token sizes in their ComPacket") {
  // Seed 002 §3.3.2.3: the TPer "supports a maximum of one simultaneous session (MaxSessions)";
  // its sizes 8192 / 8172 / 8136 (and the host's 4096 / 4076 / 4040) leave a ComPacket header
  // (20 bytes) around a Packet and a Packet + Subpacket header (24 + 12) around a token.
  const auto p = op::seagate_se4sa530();
  auto s = ow::initial(p);
  const auto o = ow::Layer::on_item(p, s, 0, 0, method_call(0xFF, 0xFF01, {}));  // SMUID.Properties[]
  REQUIRE(o.status == "ok");
  std::map<std::string, std::uint64_t> props;
  for (const auto& v : std::get<MethodCall>(o.response.at(0)).args.at(0).items)
    props[std::string(v.items.at(0).b.begin(), v.items.at(0).b.end())] = v.items.at(1).u;
  CHECK(props.at("MaxSessions") == 1);
  CHECK(props.at("MaxPacketSize") + 20 == props.at("MaxComPacketSize"));
  CHECK(props.at("MaxIndTokenSize") + 24 + 12 == props.at("MaxPacketSize"));
  // One session open: a second StartSession finds none available; the first stays open.
  auto r = ow::Layer::on_item(p, s, 0, 0, start_call(ow::admin_sp, sid_uid, p.msid));
  REQUIRE(r.status == "ok");
  s = r.next;
  const auto open = s.sm.session;
  r = ow::Layer::on_item(p, s, 0, 0, start_call(ow::admin_sp, sid_uid, p.msid));
  CHECK(r.status == "NO_SESSIONS_AVAILABLE");
  CHECK(r.next.sm.session == open);
}

TEST_CASE("opal wire (c): the opal-wire machine: what it observes of sessions and lockout") {
  // View (wire.hpp): whether the Locking SP is active, the open session's SP and authorities,
  // the authorities at their Try Limit. Seed 000 Try Limit table: SE4SA530 SID 5, not persistent.
  const auto p = op::seagate_se4sa530();
  using M = ow::Machine;
  auto s = M::initial(p);
  auto v = M::observe(p, s);
  CHECK_FALSE(v.locking_sp_active);
  CHECK_FALSE(v.session_open);
  CHECK(v.session_sp.empty());
  CHECK(v.locked_out.empty());
  auto r = M::step(p, s, start_event(ow::admin_sp, sid_uid, p.msid));
  REQUIRE(r.out.status == "ok");
  s = r.next;
  v = M::observe(p, s);
  CHECK(v.session_open);
  CHECK(v.session_sp == "AdminSP");
  CHECK(v.session_authorities == std::vector<std::string>{"SID"});
  // Activate (Core Activate 00 00 00 06 00 00 02 03 on the Locking SP): the answer names OPAL-SP-1.
  r = M::step(p, s, call_event(s.sm.session->tsn, s.sm.session->hsn, method_call(ow::locking_sp, 0x0000000600000203ull, {})));
  CHECK(r.out.status == "ok");
  CHECK(r.out.rule == "OPAL-SP-1");
  CHECK(r.out.methods == std::vector<std::string>{"Activate"});
  s = r.next;
  CHECK(M::observe(p, s).locking_sp_active);
  s.sm.session.reset();
  r = M::step(p, s, start_event(ow::locking_sp, lk_user + 2, p.msid));
  REQUIRE(r.out.status == "ok");
  v = M::observe(p, r.next);
  CHECK(v.session_sp == "LockingSP");
  CHECK(v.session_authorities == std::vector<std::string>{"User2"});
  // Five wrong SID PINs: SID is at its Try Limit.
  for (int i = 0; i < 5; ++i) {
    r = M::step(p, s, start_event(ow::admin_sp, sid_uid, "wrong-pin"));
    CHECK(r.out.status == "NOT_AUTHORIZED");
    s = r.next;
  }
  CHECK(M::observe(p, s).locked_out == std::vector<std::string>{"SID"});
  // A power cycle resets the Tries of a non-persistent Try Limit and closes every session.
  s.sm.session = lockref::tcg::Session{1, 0x1001, ow::admin_sp, {}, true};
  r = M::step(p, s, ow::PowerCycle{});
  CHECK(r.out.status == "ok");
  CHECK(r.out.methods == std::vector<std::string>{"PowerCycle"});
  CHECK_FALSE(r.next.sm.session);
  CHECK(M::observe(p, r.next).locked_out.empty());
  CHECK(op::Machine::find(r.next.drive, "SID")->tries == 0);
}

TEST_CASE("opal wire (c): the opal-wire machine answers what is no item or no ComPacket MALFORMED (TCG-SESSION-3)") {
  const auto p = op::seagate_se4sa530();
  using M = ow::Machine;
  const auto s = M::initial(p);
  auto r = M::step(p, s, ow::Call{0, 0, lockref::Json(42)});
  CHECK(r.out.status == "MALFORMED");
  CHECK(r.out.rule == "TCG-SESSION-3");
  CHECK(r.next == s);
  r = M::step(p, s, ow::Send{Bytes{0x00, 0x01, 0x02}});
  CHECK(r.out.status == "MALFORMED");
  CHECK(r.out.rule == "TCG-SESSION-3");
  CHECK(r.next == s);
  // A whole ComPacket built from the Core layouts: an anonymous Admin SP session opens, and the
  // TPer answers in a ComPacket for the same ComID.
  r = M::step(p, s, ow::Send{start_session_compacket(ow::admin_sp)});
  CHECK(r.out.status == "ok");
  CHECK(r.out.methods == std::vector<std::string>{"StartSession"});
  REQUIRE(r.next.sm.session);
  CHECK(r.next.sm.session->sp == ow::admin_sp);
  CHECK(r.next.sm.session->authorities.empty());
  REQUIRE(r.out.response.size() > 20);
  CHECK(r.out.response[4] == 0x07);
  CHECK(r.out.response[5] == 0xFE);
}

TEST_CASE("opal wire (c): each observed field names its requirement; the label shows the session") {
  // opal_wire.json: OPAL-WIRE-TRY is the Try Limit and lockout requirement, OPAL-WIRE-MAP the
  // mapping of sessions and methods onto the drive.
  using M = ow::Machine;
  CHECK(M::view_requirement("locked_out") == "OPAL-WIRE-TRY");
  for (const char* f : {"session_open", "session_sp", "session_authorities", "sm", "locking_sp_active", "drive"}) {
    INFO(f);
    CHECK(M::view_requirement(f) == "OPAL-WIRE-MAP");
  }
  const auto p = op::seagate_se4sa530();
  auto s = M::initial(p);
  CHECK(M::label(p, s).find("session") == std::string::npos);
  s = M::step(p, s, start_event(ow::admin_sp, sid_uid, p.msid)).next;
  const auto l = M::label(p, s);
  CHECK(l.find("session AdminSP SID") != std::string::npos);
}

TEST_CASE("opal wire (c): invariant: a session's authorities are enabled authorities of its SP, and its SP is active") {
  // wire.hpp session_authorities_granted: "each authenticated authority belongs to the session's
  // SP and is enabled"; a Locking SP session needs the Locking SP active.
  using M = ow::Machine;
  auto p = op::seagate_se4sa530();
  auto s = M::initial(p);
  s.drive = op::Machine::step(p, s.drive, op::Activate{{"SID", p.msid}}).next;
  s.sm.session = lockref::tcg::Session{1, 0x1001, ow::locking_sp, {lk_user + 1}, true};
  CHECK(M::session_authorities_granted(p, s));
  auto t = s;
  for (auto& c : t.drive.credentials)
    if (c.authority == "User1") c.enabled = false;
  CHECK_FALSE(M::session_authorities_granted(p, t));
  t = s;
  t.sm.session->authorities = {as_admin + 1};  // an Admin SP authority in a Locking SP session
  CHECK_FALSE(M::session_authorities_granted(p, t));
  t = s;
  t.sm.session->authorities.clear();
  t.drive.locking_sp_active = false;
  CHECK_FALSE(M::session_authorities_granted(p, t));
  // An authority the profile does not have (User5 of a two-User drive).
  p.users = 2;
  auto two = M::initial(p);
  two.drive = op::Machine::step(p, two.drive, op::Activate{{"SID", p.msid}}).next;
  two.sm.session = lockref::tcg::Session{1, 0x1001, ow::locking_sp, {lk_user + 2}, true};
  CHECK(M::session_authorities_granted(p, two));
  two.sm.session->authorities = {lk_user + 5};
  CHECK_FALSE(M::session_authorities_granted(p, two));
}

}  // namespace LOCKREF_UNITY_ID
