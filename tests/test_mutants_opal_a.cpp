// Opal (model/lockref/opal/drive.hpp, lines 1-499): the profile and state checks, the
// exploration helpers (symmetry, counter abstraction, scopes, event key bound) and the views
// (observe, label, view_requirement), written to kill the mutants tools/mutate.py found
// surviving there.
//
// Where the expected values come from:
//   - Profile bounds: seed 000 (Seagate Opal CC guide) "Protection of Data on Disk" and
//     "TCG Opal Security Mode Services": Admin SP Admin1-4, Locking SP Admin1-4, User1-9, "up to
//     9 user locking ranges", "PINs with length up to 32 bytes", the "32-byte manufactured SID
//     (MSID)" and the "drive unique 32-byte value" PSID; "The minimum pin length requirement
//     is 8 bytes". The status names are TCG Core 2.01 Table 166 method statuses (tcg_core.hpp).
//   - validate_state: what a state must look like to be one the profile can have, as the
//     comment of Machine::validate_state and state.hpp describe each field (Global range row 0
//     has no start/length, MEK generations start at 1 and data is never from a future key,
//     user_access bit k-1 is User k, a SUDR's owner is User k+1 for row k, ranges are
//     [start, start+length) extents that neither wrap nor overlap, the DataStore is held up to
//     its last non-zero byte within datastore_size). Each refusal is checked to name the field
//     it refuses (the messages validate_state writes), apart from an invariant that also fails.
//   - canonical/abstract/notes: the design comments in drive.hpp ("Users 2..n are
//     interchangeable ... their C_PIN rows and their user_access bits together"; "a SUDR's
//     owner is named by its row ... no reduction"; "Tries between 1 and TryLimit-1 is kept as
//     TryLimit-1").
//   - in_scope: profile.hpp Scope and README "--scope picks which events exploration and
//     corpora offer": each scope offers its own area's events plus the common ones.
//   - observe/label: seed 000 setup ("At the end of these steps, the SED will be in the CC
//     Approved Mode ... the CC mode bit will be set"), README's opal.cc_mode example (skip 7
//     and 11 -> missing makers_disabled, power_cycled), [TRY] lockout at the Try Limit.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "lockref/opal/drive.hpp"
#include "lockref/opal/scenario.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref::opal;

namespace {

/// validate's refusal message, or "" when the profile is accepted.
std::string profile_refusal(const Profile& p) {
  const auto v = Machine::validate(p);
  return v.ok() ? std::string() : v.error().message;
}

/// validate_state's refusal message, or "" when the state is accepted.
std::string state_refusal(const Profile& p, const State& s) {
  const auto v = Machine::validate_state(p, s);
  return v.ok() ? std::string() : v.error().message;
}

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

/// Two Users, two ranges, a 4-byte DataStore; the Locking SP activated by the Drive Owner with
/// the MSID ([SETUP] step 1), so Locking SP rows may differ from the factory values.
Profile small_profile() {
  Profile p = generic();
  p.users = 2;
  p.ranges = 2;
  p.datastore_size = 4;
  return p;
}
State activated(const Profile& p) {
  auto r = Machine::step(p, Machine::initial(p), Activate{Auth{"SID", p.msid}});
  REQUIRE(r.out.is_ok());
  return r.next;
}

}  // namespace

// ---- Machine::validate (profile bounds) -----------------------------------------------------

TEST_CASE("opal validate: authority and range counts stay within the device's (Admin1-4, User1-9, 9 ranges)") {
  // seed 000: Admin SP Admin1-4 and Locking SP Admin1-4 ("TCG Opal Security Mode Services"),
  // "up to 9 user locking ranges", "up to 9 User operators".
  Profile p = generic();
  REQUIRE(profile_refusal(p).empty());
  p.admin_sp_admins = 4;
  CHECK(profile_refusal(p).empty());
  p.admin_sp_admins = 5;
  CHECK(starts_with(profile_refusal(p), "admin_sp_admins"));
  p = generic();
  for (int n : {1, 4}) {
    p.locking_admins = static_cast<std::uint8_t>(n);
    CHECK(profile_refusal(p).empty());
  }
  for (int n : {0, 5}) {  // Admin1 always exists: the setup authenticates as it (steps 5, 6, 10)
    p.locking_admins = static_cast<std::uint8_t>(n);
    CHECK(starts_with(profile_refusal(p), "locking_admins"));
  }
  p = generic();
  p.ranges = 9;
  CHECK(profile_refusal(p).empty());
  p.ranges = 10;
  CHECK(starts_with(profile_refusal(p), "ranges"));
}

TEST_CASE("opal validate: PIN lengths are 1..32 bytes and the factory PINs must fit") {
  // seed 000 [DATA] "Authentication PINs with length up to 32 bytes"; the MSID and PSID are
  // 32-byte values, so 32 is the only maximum a profile can have; the floor ("The minimum pin
  // length requirement is 8 bytes") may not exceed it.
  Profile p = generic();
  p.max_pin_length = 33;  // above the 32 bytes a PIN can have
  CHECK(starts_with(profile_refusal(p), "max_pin_length: 1..32"));
  p.max_pin_length = 0;  // no PIN at all: outside 1..32
  p.min_pin_length_floor = 0;
  CHECK(starts_with(profile_refusal(p), "max_pin_length: 1..32"));
  // 1 is inside 1..32: refused only because the 32-byte factory PINs would not fit
  p.max_pin_length = 1;
  p.min_pin_length_floor = 1;
  CHECK(profile_refusal(p).find("max_pin_length: 1 is below the 32-byte MSID") != std::string::npos);
  p = generic();
  p.min_pin_length_floor = 32;  // "_MinPINLength to 32": the floor may equal the maximum
  CHECK(profile_refusal(p).empty());
  p.min_pin_length_floor = 33;
  CHECK(profile_refusal(p) == "min_pin_length_floor above max_pin_length");
}

TEST_CASE("opal validate: the MSID and PSID are two different 32-byte values") {
  // seed 000 [DATA]: "a 32-byte manufactured SID (MSID)"; PSID "public drive unique 32-byte value".
  const std::string b32(32, 'x'), b31(31, 'x');
  Profile p = generic();
  p.msid = b31;
  CHECK(profile_refusal(p) == "msid and psid_pin are 32-byte values");
  p = generic();
  p.psid_pin = b31;
  CHECK(profile_refusal(p) == "msid and psid_pin are 32-byte values");
  p = generic();
  p.msid = p.psid_pin = b32;  // the PSID is drive unique: not the MSID every drive shares
  CHECK(profile_refusal(p) == "msid and psid_pin must differ");
  p.msid = std::string(32, 'y');
  CHECK(profile_refusal(p).empty());
}

TEST_CASE("opal validate: the statuses a profile names must be statuses lockref knows") {
  // TCG Core 2.01 Table 166 names the method statuses; a profile naming another one would
  // answer with a status no host can decode.
  for (auto field : {&Profile::inactive_sp_status, &Profile::invalid_value_status, &Profile::fw_locked_status}) {
    Profile p = generic();
    p.*field = "NOT_AUTHORIZED";  // Table 166: 0x01
    CHECK(profile_refusal(p).empty());
    p.*field = "NO_SUCH_STATUS";
    CHECK(starts_with(profile_refusal(p), "status \"NO_SUCH_STATUS\""));
  }
}

// ---- Machine::validate_state ------------------------------------------------------------------

TEST_CASE("opal validate_state: the credential rows are the profile's, in its order") {
  const Profile p = small_profile();
  const State base = activated(p);
  REQUIRE(state_refusal(p, base).empty());
  State s = base;
  s.credentials.push_back(s.credentials.back());
  s.credentials.back().authority = "User3";  // the profile has User1-2 only
  CHECK(starts_with(state_refusal(p, s), "credentials: 6 rows, the profile has 5"));
  s = base;
  s.credentials[0].authority = "Owner";  // row 0 is SID
  CHECK(starts_with(state_refusal(p, s), "credentials[0].authority"));
}

TEST_CASE("opal validate_state: each C_PIN row's PIN, Tries and _MinPINLength are values the row can hold") {
  // [DATA] PINs of 1..32 bytes; TCG Core C_PIN Tries never pass TryLimit (0 = no limit);
  // _MinPINLength is the factory value or a value Set may give it (floor 8 .. 32, [SETUP]).
  const Profile p = small_profile();
  const State base = activated(p);
  State s = base;
  s.credentials[0].pin = "";
  CHECK(starts_with(state_refusal(p, s), "credentials[0].pin"));
  s = base;
  s.credentials[0].tries = s.credentials[0].try_limit + 1;
  CHECK(starts_with(state_refusal(p, s), "credentials[0].tries"));
  s.credentials[0].tries = s.credentials[0].try_limit;  // at the limit: locked out, reachable
  CHECK(state_refusal(p, s).empty());
  s.credentials[0].try_limit = 0;  // no limit: any count
  s.credentials[0].tries = 3;
  CHECK(state_refusal(p, s).empty());
  s = base;
  for (int len : {0, 8, 32}) {  // the factory value, the floor, the maximum
    s.credentials[0].min_pin_length = static_cast<std::uint8_t>(len);
    CHECK(state_refusal(p, s).empty());
  }
  for (int len : {7, 33}) {
    s.credentials[0].min_pin_length = static_cast<std::uint8_t>(len);
    CHECK(starts_with(state_refusal(p, s), "credentials[0].min_pin_length"));
  }
}

TEST_CASE("opal validate_state: the Global range has no extent, and range extents neither wrap nor overlap") {
  const Profile p = small_profile();
  const State base = activated(p);
  State s = base;
  s.ranges[0].start = 100;  // Locking_GlobalRange covers what no other range does: no start/length
  CHECK(starts_with(state_refusal(p, s), "ranges[0]: the Global range"));
  s = base;
  s.ranges[0].length = 100;
  CHECK(starts_with(state_refusal(p, s), "ranges[0]: the Global range"));
  s = base;
  s.ranges[1].start = 100;  // a non-Global range may start anywhere
  s.ranges[1].length = 10;
  CHECK(state_refusal(p, s).empty());
  // [start, start+length) must fit in 64-bit LBAs
  s.ranges[1].start = UINT64_MAX - 10;
  s.ranges[1].length = 10;
  CHECK(state_refusal(p, s).empty());
  s.ranges[1].start = UINT64_MAX - 9;
  CHECK(starts_with(state_refusal(p, s), "ranges[1]: wraps"));

  auto two = [&](std::uint64_t s1, std::uint64_t l1, std::uint64_t s2, std::uint64_t l2) {
    State t = base;
    t.ranges[1].start = s1;
    t.ranges[1].length = l1;
    t.ranges[2].start = s2;
    t.ranges[2].length = l2;
    return state_refusal(p, t);
  };
  // adjacent extents share no LBA: accepted in either order
  CHECK(two(0, 100, 100, 100).empty());
  CHECK(two(100, 100, 0, 100).empty());
  CHECK(two(0, 100, 300, 100).empty());
  CHECK(two(300, 100, 0, 100).empty());
  // any shared LBA is an overlap, whichever range starts first
  CHECK(two(100, 100, 150, 100) == "ranges[2] overlaps ranges[1]");
  CHECK(two(150, 100, 100, 100) == "ranges[2] overlaps ranges[1]");
  CHECK(two(100, 100, 199, 1) == "ranges[2] overlaps ranges[1]");
  // a range of length 0 has no extent: it overlaps nothing
  CHECK(two(100, 100, 150, 0).empty());
}

TEST_CASE("opal validate_state: MEK generations, User access bits and SUDR owners") {
  const Profile p = small_profile();  // User1-2, Locking_Range1-2
  const State base = activated(p);
  State s = base;
  s.ranges[1].mek = 0;  // the first MEK is generation 1 (state.hpp Range::mek)
  CHECK(starts_with(state_refusal(p, s), "ranges[1]"));
  s = base;
  s.ranges[1].data_mek = s.ranges[1].mek;  // data written under the current key
  CHECK(state_refusal(p, s).empty());
  s.ranges[1].data_mek = s.ranges[1].mek + 1;  // under a key that does not exist yet
  CHECK(starts_with(state_refusal(p, s), "ranges[1]: data_mek above mek"));
  s = base;
  s.ranges[1].user_access = 0b11;  // User1 and User2
  CHECK(state_refusal(p, s).empty());
  s.ranges[1].user_access = 0b100;  // User3: no such User
  CHECK(starts_with(state_refusal(p, s), "ranges[1].user_access"));
  // [SUM] Locking_GlobalRange -> User1, Locking_Range<k> -> User<k+1>
  s = base;
  s.ranges[0].single_user = true;
  s.ranges[1].single_user = true;
  CHECK(state_refusal(p, s).empty());
  s.ranges[2].single_user = true;  // its owner would be User3
  CHECK(starts_with(state_refusal(p, s), "ranges[2].single_user: its owner User3 does not exist"));
}

TEST_CASE("opal validate_state: the DataStore is held up to its last non-zero byte, within its size") {
  const Profile p = small_profile();  // a 4-byte DataStore
  const State base = activated(p);
  State s = base;
  s.datastore = {1, 2, 3, 4};
  CHECK(state_refusal(p, s).empty());
  s.datastore = {1, 2, 3, 4, 5};
  CHECK(starts_with(state_refusal(p, s), "datastore: larger"));
  s.datastore = {1};
  CHECK(state_refusal(p, s).empty());
  s.datastore = {0, 1};
  CHECK(state_refusal(p, s).empty());
  s.datastore = {1, 0};
  CHECK(starts_with(state_refusal(p, s), "datastore: ends in a zero byte"));
}

// ---- initial state, views --------------------------------------------------------------------

TEST_CASE("opal: every credential starts at the profile's factory _MinPINLength") {
  // profile.hpp default_min_pin_length "_MinPINLength before any Set"; [SETUP] a PIN shorter
  // than the credential's _MinPINLength is refused (OPAL-PIN-1).
  Profile p = generic();
  p.users = 1;
  p.default_min_pin_length = 8;
  const State s = Machine::initial(p);
  for (const auto& c : s.credentials) CHECK(c.min_pin_length == 8);
  const auto r = Machine::step(p, s, SetPin{Auth{"SID", p.msid}, "SID", "1234567"});
  CHECK(r.out.status == p.invalid_value_status);
  CHECK(r.out.rule == "OPAL-PIN-1");
  CHECK(Machine::step(p, s, SetPin{Auth{"SID", p.msid}, "SID", "12345678"}).out.is_ok());
}

TEST_CASE("opal observe: CC mode, its missing conditions and the locked-out authorities") {
  const Profile p = seagate_se4sa530();
  // seed 000 setup: "At the end of these steps, the SED will be in the CC Approved Mode ...
  // the CC mode bit will be set" (Show Status, Level 0 byte 30 bit 0).
  const auto all = run_setup(p);
  REQUIRE(all.all_ok);
  auto v = Machine::observe(p, all.state);
  CHECK(v.cc_approved_mode);
  CHECK(v.cc_mode_indicator);
  CHECK(v.cc_missing.empty());
  CHECK(v.locked_out.empty());
  // README opal.cc_mode: skip_steps [7, 11] -> missing ["makers_disabled", "power_cycled"]
  v = Machine::observe(p, run_setup(p, {7, 11}).state);
  CHECK_FALSE(v.cc_approved_mode);
  CHECK(v.cc_missing == std::vector<std::string>{"makers_disabled", "power_cycled"});
  // [TRY] SE4SA530 SID Try Limit 5: the fifth wrong PIN locks SID out, and only SID
  State s = Machine::initial(p);
  for (int i = 0; i < 5; ++i) s = Machine::step(p, s, Authenticate{"SID", "wrong-pin"}).next;
  CHECK(Machine::observe(p, s).locked_out == std::vector<std::string>{"SID"});
  CHECK(Machine::observe(p, Machine::initial(p)).locked_out.empty());
}

TEST_CASE("opal label: a state's graph label names what sets it apart") {
  // The Graphviz node label (core/machine.hpp label): CC mode, counted Tries, a locked
  // firmware port and SUDRs appear only when they hold.
  const Profile p = seagate_se4sa530();
  const State f = Machine::initial(p);
  const std::string factory = Machine::label(p, f);
  CHECK(factory == "Locking SP inactive");
  const std::string setup = Machine::label(p, run_setup(p).state);
  CHECK(setup.find("\nCC Approved Mode") != std::string::npos);
  CHECK(setup.find("\nFW port locked") != std::string::npos);  // setup step 9
  const State tried = Machine::step(p, f, Authenticate{"SID", "wrong-pin"}).next;
  CHECK(Machine::label(p, tried) == "Locking SP inactive\nSID tries 1/5");
  State sudr = run_setup(p).state;
  sudr.ranges[1].single_user = true;  // [SUM] Locking_Range1's owner is User2
  const std::string l = Machine::label(p, sudr);
  CHECK(l.find("\nSUDR 1 (User2)") != std::string::npos);
  CHECK(l.find("SUDR 0") == std::string::npos);
}

TEST_CASE("opal: a divergence in the SUDR geometry policy names OPAL-SUM-3") {
  // spec/requirements/opal.json OPAL-SUM-3 "Set Range Geometry for SUDR ... User1-9 (if User
  // Ownership), Locking SP Admin1-4 (if Admin Ownership)": State::sudr_geometry_by_admins.
  CHECK(Machine::view_requirement("sudr_geometry_by_admins") == "OPAL-SUM-3");
}

// ---- exploration helpers ---------------------------------------------------------------------

TEST_CASE("opal: the MEK generation bound is reached at max_key_generation") {
  // candidate_events: "nothing that replaces a key once any range reached the bound".
  Profile p = generic();
  p.scope = Scope::locking;
  State s = Machine::initial(p);
  auto offers_genkey = [&](const State& t) {
    for (const auto& e : Machine::candidate_events(p, t))
      if (std::holds_alternative<GenKey>(e)) return true;
    return false;
  };
  s.ranges[1].mek = p.max_key_generation - 1;
  CHECK_FALSE(Machine::keys_at_bound(p, s));
  CHECK(offers_genkey(s));
  s.ranges[1].mek = p.max_key_generation;
  CHECK(Machine::keys_at_bound(p, s));
  CHECK_FALSE(offers_genkey(s));
}

TEST_CASE("opal symmetry: Users 2..n and their user_access bits are permuted together") {
  // drive.hpp canonical(): "permuting Users 2..n (their C_PIN rows and their user_access bits
  // together) maps reachable states to reachable states"; the representative sorts them,
  // "names kept in place".
  Profile p = generic();
  p.users = 3;  // User1 (driven by name), Users 2 and 3 interchangeable
  p.ranges = 2;
  const State base = activated(p);
  const auto u2 = *Machine::index_of(base, "User2"), u3 = *Machine::index_of(base, "User3");
  const std::string a(32, 'a'), b(32, 'b');
  // one orbit: User2 = (b, may use range 1), User3 = (a) -- and the same with the Users swapped
  State x = base;
  x.credentials[u2].pin = b;
  x.credentials[u3].pin = a;
  x.ranges[1].user_access = 0b010;  // User2
  State y = base;
  y.credentials[u2].pin = a;
  y.credentials[u3].pin = b;
  y.ranges[1].user_access = 0b100;  // User3
  const State cx = Machine::canonical(p, x), cy = Machine::canonical(p, y);
  CHECK(cx == cy);
  CHECK(Machine::canonical(p, cx) == cx);
  CHECK(cx.credentials[u2].authority == "User2");
  CHECK(cx.credentials[u3].authority == "User3");
  CHECK(cx.credentials[u2].pin.str() != cx.credentials[u3].pin.str());
  // the access bit went with User2's row wherever that row went
  const std::size_t b_row = cx.credentials[u2].pin.str() == b ? 2 : 3;
  CHECK(cx.ranges[1].user_access == (1u << (b_row - 1)));
  CHECK(cx.ranges[2].user_access == 0);
  CHECK(cx.ranges[0].user_access == 0);
  // User1 is not interchangeable: its bit stays
  x.ranges[2].user_access = 0b001;
  CHECK(Machine::canonical(p, x).ranges[2].user_access == 0b001);
  // [SUM] once a range is single-user its owner is named by its row: no reduction
  State sx = x;
  sx.ranges[1].single_user = true;
  CHECK(Machine::canonical(p, sx) == sx);
  // the notes the explorer prints agree: Users 2..3 interchangeable with 3 Users, none with 2
  CHECK(Machine::symmetry_note(p) == "Users 2..3 interchangeable");
  p.users = 2;
  CHECK(Machine::symmetry_note(p) == "no interchangeable Users");
}

TEST_CASE("opal abstraction: Tries 1..TryLimit-1 are one class, 0 and the limit their own") {
  // drive.hpp abstract(): "A C_PIN row's Tries between 1 and TryLimit-1 is kept as
  // TryLimit-1 ('one failure from lockout')".
  Profile p = generic();
  State s = Machine::initial(p);
  auto abs_tries = [&](std::uint32_t limit, std::uint32_t tries) {
    State t = s;
    t.credentials[0].try_limit = limit;
    t.credentials[0].tries = tries;
    return Machine::abstract(p, t).credentials[0].tries;
  };
  CHECK(abs_tries(3, 0) == 0);  // no failure counted
  CHECK(abs_tries(3, 1) == 2);
  CHECK(abs_tries(3, 2) == 2);
  CHECK(abs_tries(3, 3) == 3);  // locked out
  CHECK(abs_tries(5, 1) == 4);
  CHECK(abs_tries(2, 1) == 1);
  CHECK(abs_tries(0, 7) == 7);  // no limit: nothing to merge into
  // the note the explorer prints names the merged range for the profile's largest limit
  for (auto* t : {&p.sid, &p.psid, &p.admin_sp_admin, &p.locking_admin, &p.user}) t->try_limit = 2;
  CHECK(Machine::abstraction_note(p) == "no Try Limit above 2, so no Tries values merged");
  p.user.try_limit = 3;
  CHECK(Machine::abstraction_note(p) == "C_PIN Tries 1..2 kept as TryLimit-1");
}

TEST_CASE("opal scopes: each scope offers its own area's events and the common ones") {
  // profile.hpp Scope; README "--scope picks which events exploration and corpora offer".
  const Auth admin1{"Admin1", "x"}, user1{"User1", "x"}, user2{"User2", "x"}, sid{"SID", "x"};
  auto in = [](Scope sc, const Event& e) { return Machine::in_scope(sc, e); };
  // all: everything, Single User Mode included
  for (const Event& e : {Event{Reactivate{admin1, {1}, false, std::nullopt}}, Event{Erase{admin1, 1}},
                         Event{SetPin{admin1, "User2", "x"}}, Event{FirmwareDownload{true, 1}}})
    CHECK(in(Scope::all, e));
  // common to every scope but sum (which counts the Tries of its two actors only)
  for (Scope sc : {Scope::credentials, Scope::locking, Scope::firmware}) {
    CHECK(in(sc, Authenticate{"SID", "x"}));
    CHECK(in(sc, PowerCycle{}));
    CHECK_FALSE(in(sc, Reactivate{admin1, {1}, false, std::nullopt}));
  }
  CHECK(in(Scope::sum, Authenticate{"Admin1", "x"}));
  CHECK(in(Scope::sum, Authenticate{"User2", "x"}));
  CHECK_FALSE(in(Scope::sum, Authenticate{"SID", "x"}));
  CHECK_FALSE(in(Scope::sum, Authenticate{"User1", "x"}));
  // credentials: PINs, _MinPINLength, Try Limits, Set PIN rights, reverts, enabling authorities
  for (const Event& e : {Event{SetPin{sid, "SID", "x"}}, Event{SetMinPinLength{sid, "SID", 32}},
                         Event{SetTryLimit{admin1, "Admin1", 1}}, Event{DisableUserSetPin{admin1, "User1", true}},
                         Event{Revert{sid}}, Event{RevertSp{admin1}}, Event{SetEnabled{admin1, "User1", false}}})
    CHECK(in(Scope::credentials, e));
  for (const Event& e : {Event{SetEnabled{sid, "Makers", false}}, Event{SetRange{admin1, 1, 0, 400, true, true, true, std::nullopt}},
                         Event{GenKey{admin1, 1}}, Event{FirmwareDownload{true, 1}}})
    CHECK_FALSE(in(Scope::credentials, e));
  // locking: ranges, their keys and data, RevertSP
  for (const Event& e : {Event{SetRange{admin1, 1, 0, 400, true, true, true, std::nullopt}}, Event{LockRange{admin1, 1, false, false}},
                         Event{GenKey{admin1, 1}}, Event{WriteData{1}}, Event{ReadData{1}}, Event{RevertSp{admin1}}})
    CHECK(in(Scope::locking, e));
  for (const Event& e : {Event{GenKey{user2, 1}}, Event{LockRange{user2, 1, true, true}}, Event{SetPin{admin1, "Admin1", "x"}},
                         Event{Revert{sid}}, Event{SetFwPort{sid, true, std::nullopt}}})
    CHECK_FALSE(in(Scope::locking, e));
  // sum: Reactivate, Erase, the owner User2's own events, and the range events it governs
  for (const Event& e : {Event{Reactivate{admin1, {1}, false, std::nullopt}}, Event{Erase{user2, 1}}, Event{GetLockingInfo{}},
                         Event{SetPin{admin1, "User2", "x"}}, Event{GenKey{user2, 1}}, Event{GenKey{admin1, 1}},
                         Event{LockRange{admin1, 1, false, false}}, Event{LockRange{user2, 1, true, true}},
                         Event{SetRange{admin1, 1, 0, 400, true, true, true, std::nullopt}}, Event{WriteData{1}}, Event{ReadData{1}}})
    CHECK(in(Scope::sum, e));
  for (const Event& e : {Event{SetPin{admin1, "User1", "x"}}, Event{SetMinPinLength{user1, "User1", 32}}, Event{RevertSp{admin1}},
                         Event{SetFwPort{sid, true, std::nullopt}}})
    CHECK_FALSE(in(Scope::sum, e));
  // firmware: the port, downloads, Makers (and other Enabled columns), Revert, SID's PIN
  for (const Event& e : {Event{SetFwPort{sid, true, std::nullopt}}, Event{FirmwareDownload{true, 1}},
                         Event{SetEnabled{sid, "Makers", false}}, Event{Revert{sid}}, Event{SetPin{sid, "SID", "x"}}})
    CHECK(in(Scope::firmware, e));
  for (const Event& e : {Event{SetPin{admin1, "Admin1", "x"}}, Event{GenKey{admin1, 1}}, Event{SetMinPinLength{sid, "SID", 32}}})
    CHECK_FALSE(in(Scope::firmware, e));
}

}  // namespace LOCKREF_UNITY_ID
