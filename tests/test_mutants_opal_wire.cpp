// Opal at the wire (opal/wire.hpp), part 1: the TPer adapter's method mapping, call by call,
// written to kill the mutants tools/mutate.py found surviving there (the other wire tests check
// the status of most refusals, seldom which requirement decided them, and never reached some
// objects and columns). Part 2 (test_mutants_opal_wire2.cpp) covers the names of authorities
// and the wire as a state machine.
//
// Where the expected values come from:
//   - object and method UIDs: TCG Core 2.01 Table 240 (Get 00 00 00 06 00 00 00 16, Set ..17,
//     Authenticate ..1C, GenKey ..10, RevertSP ..11, Revert ..02 02, Activate ..02 03), Opal SSC
//     Admin SP / Locking SP tables (Locking_Range<k> 00 00 08 02 00 03 00 0k, K_AES_256_Range<k>_Key
//     00 00 08 06 00 03 00 0k, C_PIN_<x> = the Authority UID with table 09 replaced by 0B), the
//     Single User Mode feature set (Reactivate ..08 01, Erase ..08 03, parameters 06 00 0x), the
//     DataStore table as linux sed-opal addresses it (00 00 10 01 00 00 00 00);
//   - column numbers: Core C_PIN table (PIN 3, TryLimit 5; TryLimit is a uinteger_4), Core
//     Authority table (Enabled 5), Opal SSC Locking table (RangeStart 3 .. LockOnReset 9), Opal SSC
//     LockingInfo (MaxRanges 4);
//   - statuses: Core §5.1.5 mnemonics (NOT_AUTHORIZED 0x01, INVALID_PARAMETER 0x0C,
//     RESPONSE_OVERFLOW 0x11, AUTHORITY_LOCKED_OUT 0x12);
//   - who may do what: seed 000 (the Seagate Opal CC guide) Security Mode Services rows, Try Limit
//     table and "TCG Opal Setting Try Limits" example;
//   - the requirement each answer names: spec/requirements/opal_wire.json (OPAL-WIRE-UNMAPPED for
//     what the model does not map, OPAL-WIRE-SUM, -LOCKING, -AUTHORITY, -ANYBODY, OPAL-DS-1) and
//     the access matrix rows of opal/access.hpp (OPAL-RANGE-1 "Set Range Attributes").
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
using lockref::tcg::MethodResult;
using lockref::tcg::Value;

// Core 2.01 Table 240 method UIDs; the session manager (SMUID, StartSession, Properties).
constexpr std::uint64_t m_get = 0x0000000600000016ull, m_set = 0x0000000600000017ull, m_auth = 0x000000060000001Cull,
                        m_genkey = 0x0000000600000010ull, m_revert_sp = 0x0000000600000011ull, m_revert = 0x0000000600000202ull,
                        m_activate = 0x0000000600000203ull, m_reactivate = 0x0000000600000801ull, m_erase = 0x0000000600000803ull;
constexpr std::uint64_t smuid = 0xFF, m_start = 0xFF02, m_properties = 0xFF01;
// Opal SSC objects.
constexpr std::uint64_t sid_a = 0x0000000900000006ull, makers_a = 0x0000000900000003ull, admin_sp_admin = 0x0000000900000200ull,
                        lk_admin = 0x0000000900010000ull, lk_user = 0x0000000900030000ull;
constexpr std::uint64_t c_pin_sid_o = 0x0000000B00000001ull, c_pin_msid_o = 0x0000000B00008402ull, c_pin_admin1_o = 0x0000000B00010001ull;
constexpr std::uint64_t global_o = 0x0000080200000001ull, range_o = 0x0000080200030000ull, k_aes_o = 0x0000080600030000ull,
                        locking_info_o = 0x0000080100000001ull, datastore_o = 0x0000100100000000ull;

Value u(std::uint64_t v) { return Value::of_uint(v); }
Value uidv(std::uint64_t v) { return Value::of_bytes(lockref::tcg::uid_bytes(v)); }
Value text(std::string_view s) { return Value::of_bytes(Bytes(s.begin(), s.end())); }
Value nv(std::uint64_t k, Value v) { return Value::of_name(u(k), std::move(v)); }
Value lst(std::vector<Value> v) { return Value::of_list(std::move(v)); }
/// Set's Values (parameter 1) = [ column = value ... ].
Value cols(std::vector<std::pair<std::uint64_t, Value>> c) {
  std::vector<Value> v;
  for (auto& [k, x] : c) v.push_back(nv(k, std::move(x)));
  return nv(1, lst(std::move(v)));
}
/// Get's Cellblock: [ name = value ... ] (1 startRow, 2 endRow, 3 startColumn, 4 endColumn).
Value cellblock(std::vector<std::pair<std::uint64_t, std::uint64_t>> c) {
  std::vector<Value> v;
  for (auto [k, x] : c) v.push_back(nv(k, u(x)));
  return lst(std::move(v));
}

/// A host talking to the Opal TPer of a profile (SE4SA530 unless a test changes it): StartSession
/// in Packet 0:0, the session's methods in its TSN:HSN; the state advances as the TPer's does.
struct Host {
  op::Profile p = op::seagate_se4sa530();
  ow::State s = ow::initial(p);

  ow::Layer::Out item(std::uint32_t tsn, std::uint32_t hsn, const lockref::tcg::Item& it) {
    auto o = ow::Layer::on_item(p, s, tsn, hsn, it);
    s = o.next;
    return o;
  }
  /// SMUID.StartSession[HSN 1, SP, Write 1, HostChallenge (0) = pin, HostSigningAuthority (3) = who].
  ow::Layer::Out start(std::uint64_t sp, std::optional<std::uint64_t> who = std::nullopt, std::optional<std::string> pin = std::nullopt) {
    std::vector<Value> a{u(1), uidv(sp), u(1)};
    if (who) {
      a.push_back(nv(0, text(pin.value_or(p.msid))));
      a.push_back(nv(3, uidv(*who)));
    }
    return item(0, 0, MethodCall{lockref::tcg::uid_bytes(smuid), lockref::tcg::uid_bytes(m_start), std::move(a), {0, 0, 0}});
  }
  /// A fresh session (any open one forgotten), which must open.
  void login(std::uint64_t sp, std::optional<std::uint64_t> who = std::nullopt, std::optional<std::string> pin = std::nullopt) {
    s.sm.session.reset();
    const auto o = start(sp, who, std::move(pin));
    REQUIRE(o.status == "ok");
    REQUIRE(s.sm.session);
  }
  ow::Layer::Out call(std::uint64_t obj, std::uint64_t method, std::vector<Value> args = {}) {
    REQUIRE(s.sm.session);
    const auto tsn = s.sm.session->tsn, hsn = s.sm.session->hsn;
    return item(tsn, hsn, MethodCall{lockref::tcg::uid_bytes(obj), lockref::tcg::uid_bytes(method), std::move(args), {0, 0, 0}});
  }
  /// The Drive Owner activates the Locking SP with the MSID (seed 000 setup step 1).
  void activate() {
    auto r = op::Machine::step(p, s.drive, op::Activate{{"SID", p.msid}});
    REQUIRE(r.out.is_ok());
    s.drive = r.next;
  }
  const op::Credential& cred(std::string_view who) const {
    const auto* c = op::Machine::find(s.drive, who);
    REQUIRE(c);
    return *c;
  }
};

/// A drive with a 4096-byte DataStore, its Locking SP activated, in a Locking SP session as Admin1.
Host datastore_host() {
  Host h;
  h.p.datastore_size = 4096;
  h.s = ow::initial(h.p);
  h.activate();
  h.login(ow::locking_sp, lk_admin + 1);
  return h;
}

/// The answer's result list (a method's MethodResult).
const std::vector<Value>& results(const ow::Layer::Out& o) {
  REQUIRE(o.response.size() == 1);
  return std::get<MethodResult>(o.response[0]).results;
}
/// Checks a refusal: its status, the requirement it names, and that nothing changed.
void refused(Host& h, const ow::Layer::Out& o, const ow::State& before, std::string_view status, std::string_view rule) {
  CHECK(o.status == status);
  CHECK(o.rule == rule);
  CHECK(h.s == before);
}
}  // namespace

TEST_CASE("opal wire (c): Locking_Range1..9 are Locking rows 1..9; the UIDs beside them are no Locking object") {
  // Opal SSC Locking table: Locking_GlobalRange 00 00 08 02 00 00 00 01, Locking_Range<k>
  // 00 00 08 02 00 03 00 0k; the guide's drives have "up to 9 user locking ranges".
  CHECK(ow::locking_row(global_o) == 0);
  CHECK(ow::locking_row(range_o + 1) == 1);
  CHECK(ow::locking_row(range_o + 9) == 9);
  CHECK_FALSE(ow::locking_row(range_o));
  CHECK_FALSE(ow::locking_row(range_o + 10));
  Host h;
  h.activate();
  h.login(ow::locking_sp, lk_admin + 1);
  // "Set Range Attributes for non-SUDR ... LockingSP Admin1-4": Locking_Range9 is one of them.
  auto o = h.call(range_o + 9, m_set, {cols({{5, u(1)}})});
  CHECK(o.status == "ok");
  CHECK(h.s.drive.ranges.at(9).read_lock_enabled);
  const auto before = h.s;
  refused(h, h.call(range_o, m_set, {cols({{7, u(1)}})}), before, "INVALID_PARAMETER", "OPAL-WIRE-UNMAPPED");
  refused(h, h.call(range_o + 10, m_set, {cols({{5, u(1)}})}), before, "INVALID_PARAMETER", "OPAL-WIRE-UNMAPPED");
}

TEST_CASE("opal wire (c): LockingInfo.Get with an empty Cellblock answers every modelled column") {
  // Opal SSC LockingInfo: MaxRanges (column 4) = the non-Global ranges ("up to 9 user locking
  // ranges"); Single User Mode: SingleUserModeRanges (0x060000, none before Reactivate),
  // RangeStartLengthPolicy (0x060001, 0 = User Ownership). A Core Get with no startColumn and no
  // endColumn reads the whole row; readable by Anybody (OPAL-WIRE-SUM summary).
  Host h;
  h.activate();
  h.login(ow::locking_sp);
  auto o = h.call(locking_info_o, m_get, {cellblock({})});
  REQUIRE(o.status == "ok");
  std::map<std::uint64_t, Value> got;
  for (const auto& c : results(o).at(0).items) got[c.items.at(0).u] = c.items.at(1);
  REQUIRE(got.size() == 3);
  CHECK(got.at(4).kind == Value::Kind::uint);
  CHECK(got.at(4).u == 9);
  CHECK(got.at(0x060000).kind == Value::Kind::list);
  CHECK(got.at(0x060000).items.empty());
  CHECK(got.at(0x060001).u == 0);
  // MaxRanges alone.
  o = h.call(locking_info_o, m_get, {cellblock({{3, 4}, {4, 4}})});
  REQUIRE(o.status == "ok");
  REQUIRE(results(o).at(0).items.size() == 1);
  CHECK(results(o).at(0).items[0].items.at(0).u == 4);
  CHECK(results(o).at(0).items[0].items.at(1).u == 9);
}

TEST_CASE("opal wire (c): Reactivate's parameters, the refusals and the requirement each names") {
  // Single User Mode feature set: Reactivate[SingleUserModeSelectionList 06 00 00 = a list of
  // Locking object UIDs or the Locking table UID, RangeStartRangeLengthPolicy 06 00 01,
  // Admin1PIN 06 00 02 = bytes]; 06 00 03 (DataStoreTableSizes) is not modelled. opal_wire.json:
  // malformed SUM parameters are INVALID_PARAMETER naming OPAL-WIRE-SUM, what the model does not
  // have OPAL-WIRE-UNMAPPED; a refused method changes nothing.
  Host h;
  h.activate();
  h.login(ow::locking_sp, lk_admin + 1);
  const auto sel = nv(0x060000, lst({uidv(range_o + 1)}));
  const auto before = h.s;
  refused(h, h.call(ow::this_sp, m_reactivate, {Value::of_name(text("x"), u(0))}), before, "INVALID_PARAMETER", "OPAL-WIRE-SUM");
  refused(h, h.call(ow::this_sp, m_reactivate, {nv(0x060000, uidv(range_o + 1))}), before, "INVALID_PARAMETER", "OPAL-WIRE-SUM");
  refused(h, h.call(ow::this_sp, m_reactivate, {sel, nv(0x060002, u(5))}), before, "INVALID_PARAMETER", "OPAL-WIRE-SUM");
  refused(h, h.call(ow::this_sp, m_reactivate, {sel, nv(0x060003, lst({u(1024)}))}), before, "INVALID_PARAMETER",
          "OPAL-WIRE-UNMAPPED");
  // Admin1PIN: the Locking SP starts over with Admin1 holding that PIN (the session ends with it,
  // E-OPAL-SUM-REACTIVATE); the MSID no longer opens Admin1.
  const std::string pin = "admin1-after-reactivate";
  auto o = h.call(ow::this_sp, m_reactivate, {sel, nv(0x060001, u(0)), nv(0x060002, text(pin))});
  CHECK(o.status == "ok");
  CHECK_FALSE(h.s.sm.session);
  CHECK(h.s.drive.ranges.at(1).single_user);
  CHECK(h.cred("Admin1").pin == pin);
  CHECK(h.start(ow::locking_sp, lk_admin + 1, h.p.msid).status == "NOT_AUTHORIZED");
  h.login(ow::locking_sp, lk_admin + 1, pin);
}

TEST_CASE("opal wire (c): Activate's 06 00 02 is DataStoreTableSizes, not modelled") {
  // sedutil DtaDevOpal::activateLockingSP: Activate's 06 00 02 is DataStoreTableSizes (only
  // Reactivate's 06 00 02 is Admin1PIN); not modelled: INVALID_PARAMETER, OPAL-WIRE-UNMAPPED.
  Host h;
  h.login(ow::admin_sp, sid_a);
  const auto before = h.s;
  refused(h, h.call(ow::locking_sp, m_activate, {nv(0x060000, lst({uidv(range_o + 1)})), nv(0x060002, lst({u(1024)}))}), before,
          "INVALID_PARAMETER", "OPAL-WIRE-UNMAPPED");
  CHECK_FALSE(h.s.drive.locking_sp_active);
}

TEST_CASE("opal wire (c): Activate with only the policy parameter is a plain Activate; Activate is LockingSP's method") {
  // E-OPAL-SUM-ACTIVATE: with activate_sum = false a single-user selection is refused, but
  // Activate[RangeStartRangeLengthPolicy] selects nothing single-user: it is the guide's
  // Activate ("executing the activate method of the Locking SP", setup step 1).
  Host h;
  h.p.activate_sum = false;
  h.login(ow::admin_sp, sid_a);
  auto before = h.s;
  // Activate on an object other than the Locking SP (here the Admin SP itself) is not mapped.
  refused(h, h.call(ow::admin_sp, m_activate), before, "INVALID_PARAMETER", "OPAL-WIRE-UNMAPPED");
  const auto o = h.call(ow::locking_sp, m_activate, {nv(0x060001, u(0))});
  CHECK(o.status == "ok");
  CHECK(h.s.drive.locking_sp_active);
  CHECK_FALSE(h.s.drive.ranges.at(1).single_user);
}

TEST_CASE("opal wire (c): C_PIN rows of the Admin SP: SID sets an Admin SP Admin's PIN, not its own") {
  // Seed 000 Set PIN row: the Drive Owner sets the Admin SP credentials. C_PIN_SID is an Admin SP
  // object: in a Locking SP session it is not mapped (OPAL-WIRE-UNMAPPED).
  Host h;
  h.login(ow::admin_sp, sid_a);
  const std::string pin = "adminsp-admin1-pin-0123";
  CHECK(h.call(0x0000000B00000201ull, m_set, {cols({{3, text(pin)}})}).status == "ok");  // C_PIN_AdminSP.Admin1
  CHECK(h.cred("AdminSP.Admin1").pin == pin);
  CHECK(h.cred("SID").pin == h.p.msid);
  // C_PIN of a fifth Admin SP Admin: no such row.
  auto before = h.s;
  refused(h, h.call(0x0000000B00000205ull, m_set, {cols({{3, text(pin)}})}), before, "INVALID_PARAMETER", "OPAL-WIRE-UNMAPPED");
  h.activate();
  h.login(ow::locking_sp, lk_admin + 1);
  before = h.s;
  refused(h, h.call(c_pin_sid_o, m_set, {cols({{3, text(pin)}})}), before, "INVALID_PARAMETER", "OPAL-WIRE-UNMAPPED");
}

TEST_CASE("opal wire (c): TryLimit through C_PIN Set, as seed 000's example sets Admin1's") {
  // Seed 000 "TCG Opal Setting Try Limits": Admin1 in a Locking SP session, C_PIN Admin1
  // call_set(("TryLimit", 1024)). Core C_PIN: TryLimit is column 5, a uinteger_4 (at most
  // 0xFFFFFFFF). [TRY] "the drive will lock out all further authentication attempts" once the
  // Try Limit is reached (AUTHORITY_LOCKED_OUT).
  Host h;
  h.activate();
  h.login(ow::locking_sp, lk_admin + 1);
  CHECK(h.call(c_pin_admin1_o, m_set, {cols({{5, u(1024)}})}).status == "ok");
  CHECK(h.cred("Admin1").try_limit == 1024);
  CHECK(h.call(c_pin_admin1_o, m_set, {cols({{5, u(0xFFFFFFFFull)}})}).status == "ok");
  CHECK(h.cred("Admin1").try_limit == 0xFFFFFFFFu);
  const auto before = h.s;
  // Not a TryLimit: wider than a uinteger_4, a byte string; a PIN that is an integer; two columns.
  for (const auto& bad : {cols({{5, u(0x100000000ull)}}), cols({{5, text("12345678")}}), cols({{3, u(5)}}),
                          cols({{3, text("new-admin1-pin-012")}, {5, u(3)}})}) {
    refused(h, h.call(c_pin_admin1_o, m_set, {bad}), before, "INVALID_PARAMETER", "OPAL-WIRE-UNMAPPED");
  }
  // A Try Limit of 2: two wrong PINs are refused, the third attempt is locked out.
  CHECK(h.call(c_pin_admin1_o, m_set, {cols({{5, u(2)}})}).status == "ok");
  h.s.sm.session.reset();
  CHECK(h.start(ow::locking_sp, lk_admin + 1, std::string("wrong-pin")).status == "NOT_AUTHORIZED");
  CHECK(h.start(ow::locking_sp, lk_admin + 1, std::string("wrong-pin")).status == "NOT_AUTHORIZED");
  CHECK(h.start(ow::locking_sp, lk_admin + 1, h.p.msid).status == "AUTHORITY_LOCKED_OUT");
}

TEST_CASE("opal wire (c): Set on a Locking row, column by column") {
  // Opal SSC Locking table: RangeStart 3, RangeLength 4, ReadLockEnabled 5, WriteLockEnabled 6,
  // ReadLocked 7, WriteLocked 8, LockOnReset 9 (a list of Core reset types, [0] = Power Cycle, or
  // a boolean). opal_wire.json OPAL-WIRE-LOCKING: a boolean column outside 0/1 is
  // INVALID_PARAMETER (OPAL-WIRE-LOCKING); columns or value types the model does not have are
  // OPAL-WIRE-UNMAPPED; geometry and locking in one Set are all or nothing.
  Host h;
  h.activate();
  h.login(ow::locking_sp, lk_admin + 1);
  const auto r1 = range_o + 1;
  // One column at a time, each taking effect ("Set Range Attributes", "Lock / Unlock").
  auto o = h.call(r1, m_set, {cols({{4, u(800)}})});
  CHECK(o.status == "ok");
  CHECK(o.rule == "OPAL-RANGE-1");  // the "Set Range Attributes for non-SUDR" row
  CHECK(h.s.drive.ranges.at(1).length == 800);
  CHECK(h.call(r1, m_set, {cols({{6, u(1)}})}).status == "ok");
  CHECK(h.s.drive.ranges.at(1).write_lock_enabled);
  CHECK(h.call(r1, m_set, {cols({{8, u(1)}})}).status == "ok");
  CHECK(h.s.drive.ranges.at(1).write_locked);
  CHECK(h.call(r1, m_set, {cols({{9, u(1)}})}).status == "ok");
  CHECK(h.s.drive.ranges.at(1).lock_on_reset);
  auto before = h.s;
  for (const auto& bad : {cols({{10, u(1)}}), cols({{7, lst({u(0)})}}), cols({{7, text("x")}}), cols({})}) {
    const auto r = h.call(r1, m_set, {bad});
    refused(h, r, before, "INVALID_PARAMETER", "OPAL-WIRE-UNMAPPED");
    CHECK(lockref::tcg::method_status_value(r.status) == 0x0C);
  }
  refused(h, h.call(r1, m_set, {cols({{9, lst({text("x")})}})}), before, "INVALID_PARAMETER", "OPAL-WIRE-LOCKING");
  refused(h, h.call(r1, m_set, {cols({{5, u(2)}})}), before, "INVALID_PARAMETER", "OPAL-WIRE-LOCKING");
  // The Global range has no geometry: the refused SetRange takes its ReadLocked with it.
  refused(h, h.call(global_o, m_set, {cols({{3, u(0)}, {4, u(4096)}, {7, u(1)}})}), before, "INVALID_PARAMETER", "OPAL-RANGE-1");
  CHECK_FALSE(h.s.drive.ranges.at(0).read_locked);
}

TEST_CASE("opal wire (c): the Authority table's Enabled column: unknown rows and other columns") {
  // opal_wire.json OPAL-WIRE-AUTHORITY: "Other Authority columns are not modelled
  // (OPAL-WIRE-UNMAPPED); a value outside 0/1 or an unknown Authority is INVALID_PARAMETER"
  // (OPAL-WIRE-AUTHORITY); Get answers the Enabled column (5), an empty list for a Cellblock
  // that excludes it. The Admin SP has Admin1-4 (00 00 00 09 00 00 02 0k): 02 05 is unknown.
  Host h;
  h.login(ow::admin_sp, sid_a);
  auto before = h.s;
  refused(h, h.call(admin_sp_admin + 5, m_set, {cols({{5, u(1)}})}), before, "INVALID_PARAMETER", "OPAL-WIRE-AUTHORITY");
  refused(h, h.call(admin_sp_admin + 5, m_get, {cellblock({{3, 5}, {4, 5}})}), before, "INVALID_PARAMETER", "OPAL-WIRE-AUTHORITY");
  refused(h, h.call(makers_a, m_set, {cols({{5, u(0)}, {2, text("x")}})}), before, "INVALID_PARAMETER", "OPAL-WIRE-UNMAPPED");
  refused(h, h.call(makers_a, m_set, {cols({{2, text("x")}})}), before, "INVALID_PARAMETER", "OPAL-WIRE-UNMAPPED");
  refused(h, h.call(makers_a, m_set, {cols({{5, u(2)}})}), before, "INVALID_PARAMETER", "OPAL-WIRE-AUTHORITY");
  CHECK(h.s.drive.makers_enabled);
  auto o = h.call(makers_a, m_get, {cellblock({{3, 0}, {4, 4}})});
  REQUIRE(o.status == "ok");
  CHECK(o.rule == "OPAL-WIRE-AUTHORITY");
  REQUIRE(results(o).size() == 1);
  CHECK(results(o)[0].kind == Value::Kind::list);
  CHECK(results(o)[0].items.empty());
  o = h.call(makers_a, m_get, {cellblock({{3, 5}, {4, 5}})});
  CHECK(o.rule == "OPAL-WIRE-AUTHORITY");
  CHECK(results(o).at(0).items.size() == 1);
  // Locking SP: Admin1-4 and User1-9 are its Authority rows; Admin0/Admin5/User0/User10 are not.
  h.activate();
  h.login(ow::locking_sp, lk_admin + 1);
  CHECK(h.call(lk_admin + 4, m_set, {cols({{5, u(1)}})}).status == "ok");
  CHECK(h.cred("Admin4").enabled);
  CHECK(h.call(lk_user + 9, m_set, {cols({{5, u(0)}})}).status == "ok");
  CHECK_FALSE(h.cred("User9").enabled);
  before = h.s;
  for (const auto who : {lk_admin, lk_admin + 5, lk_user, lk_user + 10}) {
    INFO(std::hex << who);
    refused(h, h.call(who, m_set, {cols({{5, u(1)}})}), before, "INVALID_PARAMETER", "OPAL-WIRE-AUTHORITY");
  }
  // Enabled, Admin4 authenticates with its C_PIN (the MSID from the factory).
  h.login(ow::locking_sp, lk_admin + 4);
}

TEST_CASE("opal wire (c): Get of an Authority row the profile does not have is INVALID_PARAMETER") {
  // A drive modelled with two Users: User5 is an Authority UID of the Locking SP's numbering
  // (00 00 00 09 00 03 00 05) with no row in this profile (OPAL-WIRE-AUTHORITY: unknown Authority).
  Host h;
  h.p.users = 2;
  h.s = ow::initial(h.p);
  h.activate();
  h.login(ow::locking_sp, lk_admin + 1);
  const auto before = h.s;
  refused(h, h.call(lk_user + 5, m_get, {cellblock({{3, 5}, {4, 5}})}), before, "INVALID_PARAMETER", "OPAL-WIRE-AUTHORITY");
  CHECK(h.call(lk_user + 2, m_get, {cellblock({{3, 5}, {4, 5}})}).status == "ok");
}

TEST_CASE("opal wire (c): the DataStore Get's Cellblock: rows only, inside the table, at most one token") {
  // Core Get on a byte table: startRow/endRow, no columns; past the end INVALID_PARAMETER; an
  // answer longer than MaxIndTokenSize (1992, the TPer's property) RESPONSE_OVERFLOW (0x11).
  // opal_wire.json OPAL-DS-1 names all of them. The Cellblock is the table's to check whoever asks.
  Host h = datastore_host();
  auto before = h.s;
  for (const auto& bad : {cellblock({{3, 0}, {2, 4}}), cellblock({{4, 0}, {2, 4}}), cellblock({{1, 0}}), cellblock({{1, 10}, {2, 9}})}) {
    refused(h, h.call(datastore_o, m_get, {bad}), before, "INVALID_PARAMETER", "OPAL-DS-1");
  }
  auto o = h.call(datastore_o, m_get, {cellblock({{1, 0}, {2, 1991}})});
  REQUIRE(o.status == "ok");
  CHECK(results(o).at(0).b == Bytes(1992, 0));
  const auto r = h.call(datastore_o, m_get, {cellblock({{1, 0}, {2, 1992}})});
  refused(h, r, before, "RESPONSE_OVERFLOW", "OPAL-DS-1");
  CHECK(lockref::tcg::method_status_value(r.status) == 0x11);
  // User1 gets the same answer for a Cellblock past the end as for any malformed one.
  h.login(ow::locking_sp, lk_user + 1);
  before = h.s;
  refused(h, h.call(datastore_o, m_get, {cellblock({{1, 0}, {2, 4096}})}), before, "INVALID_PARAMETER", "OPAL-DS-1");
  refused(h, h.call(datastore_o, m_get, {cellblock({{1, 10}, {2, 9}})}), before, "INVALID_PARAMETER", "OPAL-DS-1");
}

TEST_CASE("opal wire (c): the DataStore Set: Where within 32 bits, bytes only, in the Locking SP only") {
  // Linux sed-opal's DataStore write: Set[Where (0) = offset, Values (1) = bytes]. The abstract
  // DataStoreWrite carries a 32-bit offset; a Where beyond it is INVALID_PARAMETER (OPAL-DS-1);
  // within it, the wire answers as the abstract machine does. The DataStore is a Locking SP table.
  Host h = datastore_host();
  auto before = h.s;
  const Bytes data{0x5a, 0xa5};
  refused(h, h.call(datastore_o, m_set, {nv(0, u(0x100000000ull)), nv(1, Value::of_bytes(data))}), before, "INVALID_PARAMETER", "OPAL-DS-1");
  CHECK(h.s.drive.datastore.empty());
  // Bytes and column values in one Set: a byte table has no columns.
  refused(h, h.call(datastore_o, m_set, {nv(1, Value::of_bytes(data)), cols({{3, u(1)}})}), before, "INVALID_PARAMETER", "OPAL-DS-1");
  // The bytes of a Set on another Locking SP object are no DataStore write.
  refused(h, h.call(locking_info_o, m_set, {nv(1, Value::of_bytes(data))}), before, "INVALID_PARAMETER", "OPAL-WIRE-UNMAPPED");
  h.login(ow::locking_sp, lk_user + 1);
  before = h.s;
  const auto o = h.call(datastore_o, m_set, {nv(0, u(0xFFFFFFFFull)), nv(1, Value::of_bytes(data))});
  const auto a = op::Machine::step(h.p, before.drive, op::DataStoreWrite{{"User1", h.p.msid}, 0xFFFFFFFFu, data});
  CHECK(o.status == a.out.status);
  CHECK(o.rule == a.out.rule);
  CHECK(o.status == "NOT_AUTHORIZED");  // "DataStore read / write": the Admins only (OPAL-DS-1)
  h.login(ow::admin_sp, sid_a);
  before = h.s;
  refused(h, h.call(datastore_o, m_set, {nv(0, u(0)), nv(1, Value::of_bytes(data))}), before, "INVALID_PARAMETER", "OPAL-WIRE-UNMAPPED");
}

TEST_CASE("opal wire (c): an anonymous session is refused what is not a None row, naming OPAL-WIRE-ANYBODY") {
  // Seed 000 Unauthenticated Services ("None"): Show Status, Firmware Download, the MSID read;
  // the Makers row is the Drive Owner's. Core Get on C_PIN_MSID answers [PIN (3) = MSID].
  Host h;
  h.login(ow::admin_sp);
  const auto before = h.s;
  refused(h, h.call(makers_a, m_get, {cellblock({{3, 5}, {4, 5}})}), before, "NOT_AUTHORIZED", "OPAL-WIRE-ANYBODY");
  const auto o = h.call(c_pin_msid_o, m_get, {cellblock({{3, 3}, {4, 3}})});
  REQUIRE(o.status == "ok");
  const auto& row = results(o).at(0).items;
  REQUIRE(row.size() == 1);
  CHECK(row[0].items.at(0).u == 3);
  CHECK(row[0].items.at(1).b == Bytes(h.p.msid.begin(), h.p.msid.end()));
}

TEST_CASE("opal wire (c): Get reads only the tables the model maps") {
  // opal_wire.json header: "Get of other tables" is refused INVALID_PARAMETER naming
  // OPAL-WIRE-UNMAPPED. C_PIN_SID's PIN is no Get of the MSID; C_PIN_MSID is an Admin SP object.
  Host h;
  h.login(ow::admin_sp, sid_a);
  auto before = h.s;
  refused(h, h.call(c_pin_sid_o, m_get, {cellblock({{3, 3}, {4, 3}})}), before, "INVALID_PARAMETER", "OPAL-WIRE-UNMAPPED");
  h.activate();
  h.login(ow::locking_sp, lk_admin + 1);
  before = h.s;
  refused(h, h.call(c_pin_msid_o, m_get, {cellblock({{3, 3}, {4, 3}})}), before, "INVALID_PARAMETER", "OPAL-WIRE-UNMAPPED");
}

TEST_CASE("opal wire (c): Revert and RevertSP end their session") {
  // Core Revert/RevertSP: "A TPer aborts the session immediately" (Core §3.3.17, session.hpp
  // SpAnswer::end_session). AdminSPObj.Revert by the Drive Owner takes the whole TPer back
  // (seed 000 "Exit CC Security Mode"): the Locking SP is Manufactured-Inactive again.
  Host h;
  h.activate();
  h.login(ow::admin_sp, sid_a);
  auto o = h.call(ow::admin_sp, m_revert);
  CHECK(o.status == "ok");
  CHECK_FALSE(h.s.drive.locking_sp_active);
  CHECK_FALSE(h.s.sm.session);
  // ThisSP.RevertSP in a Locking SP session (Admin1): the Locking SP reverts, the session ends.
  h.activate();
  h.login(ow::locking_sp, lk_admin + 1);
  o = h.call(ow::this_sp, m_revert_sp);
  CHECK(o.status == "ok");
  CHECK_FALSE(h.s.drive.locking_sp_active);
  CHECK_FALSE(h.s.sm.session);
}

TEST_CASE("opal wire (c): GenKey only on the Locking SP's range keys") {
  // Opal SSC: K_AES_256_Range<k>_Key 00 00 08 06 00 03 00 0k for Locking_Range1..9; a Locking
  // object (00 00 08 02 ...) or a key UID outside 1..9 has no GenKey; in the Admin SP there are no
  // range keys. All are OPAL-WIRE-UNMAPPED and change no MEK.
  Host h;
  h.activate();
  h.login(ow::locking_sp, lk_admin + 1);
  auto before = h.s;
  for (const auto obj : {range_o + 1, k_aes_o, k_aes_o + 10}) {
    INFO(std::hex << obj);
    refused(h, h.call(obj, m_genkey), before, "INVALID_PARAMETER", "OPAL-WIRE-UNMAPPED");
  }
  h.login(ow::admin_sp, sid_a);
  before = h.s;
  refused(h, h.call(k_aes_o + 1, m_genkey), before, "INVALID_PARAMETER", "OPAL-WIRE-UNMAPPED");
}

TEST_CASE("opal wire (c): a Reactivate that keeps the Locking SP keeps the session; Erase's form") {
  // E-OPAL-SUM-REACTIVATE false: "only the classification changes, data and credentials stay":
  // the session's authentication is not gone. Erase takes no parameters (OPAL-WIRE-SUM) and is a
  // Locking SP method (in the Admin SP: OPAL-WIRE-UNMAPPED).
  Host h;
  h.p.reactivate_resets_locking_sp = false;
  h.activate();
  h.login(ow::locking_sp, lk_admin + 1);
  auto o = h.call(ow::this_sp, m_reactivate, {nv(0x060000, lst({uidv(range_o + 1)})), nv(0x060001, u(0))});
  CHECK(o.status == "ok");
  CHECK(h.s.drive.ranges.at(1).single_user);
  REQUIRE(h.s.sm.session);
  auto before = h.s;
  refused(h, h.call(range_o + 1, m_erase, {nv(0, u(0))}), before, "INVALID_PARAMETER", "OPAL-WIRE-SUM");
  CHECK(h.call(range_o + 1, m_erase).status == "ok");
  CHECK(h.s.drive.ranges.at(1).mek == before.drive.ranges.at(1).mek + 1);
  h.login(ow::admin_sp, sid_a);
  before = h.s;
  refused(h, h.call(range_o + 1, m_erase), before, "INVALID_PARAMETER", "OPAL-WIRE-UNMAPPED");
}

TEST_CASE("opal wire (c): an authority authenticated into the session with ThisSP.Authenticate acts in it") {
  // Core ThisSP.Authenticate adds an authority to the session; a method is authorized by the
  // session's authorities. User1's session, then Admin1 authenticated: Admin1 may set a range's
  // attributes ("Set Range Attributes for non-SUDR ... LockingSP Admin1-4"), User1 alone may not.
  Host h;
  h.activate();
  h.login(ow::locking_sp, lk_user + 1);
  const auto attrs = cols({{3, u(0)}, {4, u(400)}});
  auto before = h.s;
  CHECK(h.call(range_o + 1, m_set, {attrs}).status == "NOT_AUTHORIZED");
  CHECK(h.s == before);
  auto o = h.call(ow::this_sp, m_auth, {uidv(lk_admin + 1), nv(0, text(h.p.msid))});
  REQUIRE(o.status == "ok");
  CHECK(results(o).at(0).u == 1);
  CHECK(h.call(range_o + 1, m_set, {attrs}).status == "ok");
  CHECK(h.s.drive.ranges.at(1).length == 400);
}

}  // namespace LOCKREF_UNITY_ID
