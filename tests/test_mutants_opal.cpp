// Opal: what the other tests left open and tools/mutate.py found surviving
// (spec/mutation/report.md): the requirement each answer names (Output::rule), the
// requirement a divergence in each reported field names, the profile names, and answers for
// ranges a drive does not have. Each expected rule is the requirement whose quoted guide text
// governs the case (spec/requirements/opal.json), quoted beside it.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "lockref/opal/drive.hpp"
#include "lockref/opal/wire.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref::opal;

namespace {

struct Expect {
  Event e;
  const char* status;
  const char* rule;
};

State script(const Profile& p, State s, const std::vector<Expect>& steps) {
  int n = 0;
  for (const auto& st : steps) {
    ++n;
    auto r = Machine::step(p, s, st.e);
    INFO("step " << n << ": " << lockref::to_json(st.e).dump());
    CHECK(r.out.status == st.status);
    CHECK(r.out.rule == st.rule);
    s = std::move(r.next);
  }
  return s;
}

const std::string P32(Machine::guide_pin);

}  // namespace

TEST_CASE("opal: each answer names the requirement that decides it") {
  const Profile p = seagate_se4sa530();
  const Auth sid{"SID", p.msid}, admin1{"Admin1", p.msid}, user1{"User1", p.msid};
  State s = script(p, Machine::initial(p), {
      // OPAL-OWN-1 "The initial value for SID ... is a 32-byte manufactured SID (MSID)"
      {GetMsid{}, "ok", "OPAL-OWN-1"},
      // OPAL-CC-IND "This can be verified with Show Status service."
      {ShowStatus{}, "ok", "OPAL-CC-IND"},
      // OPAL-TRY-1 "a separate counter ... of unsuccessful authentication attempts"
      {Authenticate{"SID", "wrong-pin"}, "NOT_AUTHORIZED", "OPAL-TRY-1"},
      // OPAL-TRY-3 "if a successful authentication is made ... the counter is reset to zero"
      {Authenticate{"SID", p.msid}, "ok", "OPAL-TRY-3"},
      // OPAL-ACL-1: the matrix has no such operator
      {Authenticate{"Nobody", "x"}, "INVALID_PARAMETER", "OPAL-ACL-1"},
      // OPAL-SP-1: Locking SP credentials before "the activate method of the Locking SP"
      {Authenticate{"Admin1", p.msid}, "INVALID_PARAMETER", "OPAL-SP-1"},
      {Activate{Auth{"PSID", p.psid_pin}}, "NOT_AUTHORIZED", "OPAL-SP-1"},
      {Activate{sid}, "ok", "OPAL-SP-1"},
      {Activate{sid}, "INVALID_PARAMETER", "OPAL-SP-1"},
      // OPAL-TRY-4 "it will be reset to zero on power cycle"
      {PowerCycle{}, "ok", "OPAL-TRY-4"},
      // OPAL-PIN-2 "The minimum pin length requirement is 8 bytes ... '_MinPINLength' to 32"
      {SetMinPinLength{sid, "SID", 32}, "ok", "OPAL-PIN-2"},
      {SetMinPinLength{sid, "SID", 7}, "INVALID_PARAMETER", "OPAL-PIN-2"},
      // OPAL-PIN-1 "a '_MinPINLength' value associated with each credential"
      {SetPin{sid, "SID", "12345678"}, "INVALID_PARAMETER", "OPAL-PIN-1"},
      // OPAL-ACL-SETPIN "Set PIN: Change operator authentication data" (Drive Owner)
      {SetPin{sid, "SID", P32}, "ok", "OPAL-ACL-SETPIN"},
      {SetPin{Auth{"SID", P32}, "PSID", P32}, "NOT_AUTHORIZED", "OPAL-ACL-SETPIN"},
      // OPAL-ACL-MAKERS setup step 7 "Disable the Makers authority"
      {SetEnabled{Auth{"SID", P32}, "Makers", false}, "ok", "OPAL-ACL-MAKERS"},
      {SetEnabled{admin1, "Makers", false}, "NOT_AUTHORIZED", "OPAL-ACL-MAKERS"},
      // OPAL-ACL-ENABLE "Enable/Disable an Admin SP Admin. (Drive Owner)"
      {SetEnabled{Auth{"SID", P32}, "AdminSP.Admin1", true}, "ok", "OPAL-ACL-ENABLE"},
      // OPAL-ACL-2 "Enable/Disable a LockingSP Admin or non-SUDR User Authority."
      {SetEnabled{admin1, "User1", true}, "ok", "OPAL-ACL-2"},
      {SetEnabled{admin1, "Nobody", true}, "INVALID_PARAMETER", "OPAL-ACL-2"},
      // OPAL-ACL-DUSP "Disable a non-SUDR User's ability to change its own PIN."
      {DisableUserSetPin{admin1, "User1", true}, "ok", "OPAL-ACL-DUSP"},
      {DisableUserSetPin{admin1, "Admin2", true}, "INVALID_PARAMETER", "OPAL-ACL-DUSP"},
      // OPAL-TRY-5 "TCG Opal products allow the Try Limit to be set for some ... credentials"
      {SetTryLimit{admin1, "Admin1", 3}, "ok", "OPAL-TRY-5"},
      {SetTryLimit{admin1, "Nobody", 3}, "INVALID_PARAMETER", "OPAL-TRY-5"},
      {SetTryLimit{user1, "Admin1", 3}, "NOT_AUTHORIZED", "OPAL-TRY-5"},
      // OPAL-FW-2 "requires the administrator to unlock the firmware download port ... SID"
      {SetFwPort{Auth{"SID", P32}, true, std::nullopt}, "ok", "OPAL-FW-2"},
      {SetFwPort{admin1, false, std::nullopt}, "NOT_AUTHORIZED", "OPAL-FW-2"},
      // OPAL-FW-1 "**FW Download Port has to be Unlocked"
      {FirmwareDownload{true, 1}, p.fw_locked_status.c_str(), "OPAL-FW-1"},
      {SetFwPort{Auth{"SID", P32}, false, std::nullopt}, "ok", "OPAL-FW-2"},
      {FirmwareDownload{true, 1}, "ok", "OPAL-FW-1"},
      // OPAL-FW-3 "If the verification fails an error is returned"
      {FirmwareDownload{false, 2}, "INVALID_FIRMWARE_IMAGE", "OPAL-FW-3"},
      // OPAL-FW-4 "downloaded ... with an invalid firmware revision number ... rejected"
      {FirmwareDownload{true, 0}, "INVALID_FIRMWARE_IMAGE", "OPAL-FW-4"},
      // OPAL-RANGE-1 "Set the location, size, locking and User access rights of the non-SUDR."
      {SetRange{admin1, 1, 0, 400, true, true, true, 1u}, "ok", "OPAL-RANGE-1"},
      {SetRange{admin1, 10, 0, 400, true, true, true, std::nullopt}, "INVALID_PARAMETER", "OPAL-RANGE-1"},
      {SetRange{admin1, 0, 0, 400, std::nullopt, std::nullopt, std::nullopt, std::nullopt}, "INVALID_PARAMETER",
       "OPAL-RANGE-1"},
      {SetRange{admin1, 2, 100, 400, std::nullopt, std::nullopt, std::nullopt, std::nullopt}, "INVALID_PARAMETER",
       "OPAL-RANGE-1"},
      // OPAL-RANGE-2 "Block or allow read (decrypt) / write (encrypt) of user data in a range."
      {LockRange{admin1, 1, true, true}, "ok", "OPAL-RANGE-2"},
      {LockRange{admin1, 10, true, true}, "INVALID_PARAMETER", "OPAL-RANGE-2"},
      // OPAL-RANGE-4 "Access control to this service is provided through Lock / Unlock"
      {WriteData{1}, "ACCESS_DENIED", "OPAL-RANGE-4"},
      {ReadData{1}, "ACCESS_DENIED", "OPAL-RANGE-4"},
      {WriteData{10}, "INVALID_PARAMETER", "OPAL-RANGE-4"},
      {ReadData{10}, "INVALID_PARAMETER", "OPAL-RANGE-4"},
      {WriteData{0}, "ok", "OPAL-RANGE-4"},
      // OPAL-RANGE-3 "Erase user data ... by cryptographic means: changing the encryption key."
      {GenKey{admin1, 1}, "ok", "OPAL-RANGE-3"},
      {GenKey{admin1, 10}, "INVALID_PARAMETER", "OPAL-RANGE-3"},
  });
  // OPAL-SP-3 "Locking SP Admin1-4: TCG LockingSP.RevertSP()"; OPAL-SP-2 Revert (PSID)
  s = script(p, s, {{RevertSp{admin1}, "ok", "OPAL-SP-3"}});
  script(p, s, {{Revert{Auth{"PSID", p.psid_pin}}, "ok", "OPAL-SP-2"}});
}

TEST_CASE("opal: a divergence in each reported field names the requirement that governs it") {
  // what `lockref check` prints as "violates ..." when a device's field differs
  CHECK(Machine::view_requirement("credentials") == "OPAL-TRY-1");
  CHECK(Machine::view_requirement("locked_out") == "OPAL-TRY-2");
  CHECK(Machine::view_requirement("cc_approved_mode") == "OPAL-CC-1");
  CHECK(Machine::view_requirement("cc_missing") == "OPAL-CC-1");
  CHECK(Machine::view_requirement("cc_mode_indicator") == "OPAL-CC-IND");
  CHECK(Machine::view_requirement("ranges") == "OPAL-RANGE-1");
  for (const char* f : {"fw_port_locked", "fw_port_lock_on_reset", "fw_security_version"})
    CHECK(Machine::view_requirement(f) == "OPAL-FW-1");
  CHECK(Machine::view_requirement("locking_sp_active") == "OPAL-SP-1");
  CHECK(Machine::view_requirement("makers_enabled") == "OPAL-ACL-MAKERS");
  CHECK(Machine::view_requirement("reset_pending") == "OPAL-CC-1");
  CHECK(Machine::view_requirement("no_such_field").empty());
}

TEST_CASE("opal: profiles by firmware name") {
  // the names `lockref ... --firmware SE4SA530|SGEBHG02` and `"profile": "generic"` take
  REQUIRE(profile_named("generic"));
  CHECK(*profile_named("generic") == generic());
  for (const char* f : {"SE4SA530", "seagate_se4sa530"}) {
    REQUIRE(profile_named(f));
    CHECK(profile_named(f)->firmware == "seagate_se4sa530");
  }
  REQUIRE(profile_named("SGEBHG02"));
  CHECK(profile_named("SGEBHG02")->firmware == "seagate_sgebhg02");
  CHECK_FALSE(profile_named("SE4SA531"));
}

// ---- Opal at the wire (opal/wire.hpp) ---------------------------------------------------------

namespace {
namespace ow = lockref::opal::wire;
using lockref::tcg::Value;
/// A session's method calls, one at a time, on the Opal TPer of the SE4SA530 profile.
struct Wire {
  Profile p = seagate_se4sa530();
  ow::State s = ow::initial(p);
  ow::Layer::Out call(std::uint64_t obj, std::string_view method, std::vector<Value> args = {}) {
    const auto ses = s.sm.session;
    auto o = ow::Layer::on_item(p, s, ses ? ses->tsn : 0, ses ? ses->hsn : 0,
                                lockref::tcg::MethodCall{lockref::tcg::uid_bytes(obj), lockref::tcg::uid_bytes(lockref::tcg::uid_of(method)),
                                                         std::move(args), {0, 0, 0}});
    s = o.next;
    return o;
  }
  ow::Layer::Out open(std::uint64_t sp, std::uint64_t who, const std::string& pin) {
    return call(lockref::tcg::uid_of("SMUID"), "StartSession",
                {Value::of_uint(1), Value::of_bytes(lockref::tcg::uid_bytes(sp)), Value::of_uint(1),
                 Value::of_name(Value::of_uint(0), Value::of_bytes(lockref::Bytes(pin.begin(), pin.end()))),
                 Value::of_name(Value::of_uint(3), Value::of_bytes(lockref::tcg::uid_bytes(who)))});
  }
  /// The Locking SP activated by the Drive Owner with the MSID (seed 000 setup steps 1-2).
  void activate() {
    auto r = Machine::step(p, s.drive, Activate{{"SID", p.msid}});
    REQUIRE(r.out.is_ok());
    s.drive = r.next;
  }
};
}  // namespace

TEST_CASE("opal wire: the TPer's communication properties hold a Packet in a ComPacket and a token in a Packet") {
  // Opal SSC v2.30 §4.1.1.1 Table 17 (outside the seeds): MaxComPacketSize 2048, MaxPacketSize
  // 2028, MaxIndTokenSize 1992 minimum. TCG Core §3.2.3: a Packet travels in a ComPacket after
  // its 20-byte header, a token in a Packet after the 24-byte Packet and 12-byte Subpacket
  // headers (seed 002 Tables 3 and 4 report 4096 / 4076 / 4040 and 8192 / 8172 / 8136 so).
  Wire w;
  const auto o = w.call(lockref::tcg::uid_of("SMUID"), "Properties");
  REQUIRE(o.status == "ok");
  std::map<std::string, std::uint64_t> props;
  for (const auto& v : std::get<lockref::tcg::MethodCall>(o.response.at(0)).args.at(0).items)
    props[std::string(v.items.at(0).b.begin(), v.items.at(0).b.end())] = v.items.at(1).u;
  const auto com = props.at("MaxComPacketSize"), packet = props.at("MaxPacketSize"), token = props.at("MaxIndTokenSize");
  CHECK(com >= 2048);
  CHECK(packet >= 2028);
  CHECK(token >= 1992);
  CHECK(packet + 20 <= com);
  CHECK(token + 24 + 12 <= packet);
}

TEST_CASE("opal wire: a Set of RangeStart alone sets the location of Locking_Range1 (seed 000 'Set Range Attributes')") {
  // Seed 000 Authenticated Services: "Set Range Attributes for non-SUDR: Set the location, size,
  // locking and User access rights of the non-SUDR. LockingSP Admin1-4. TCG Set Method"; the
  // Locking table's RangeStart is column 3 (Opal SSC Locking table; sedutil and linux sed-opal).
  Wire w;
  w.activate();
  REQUIRE(w.open(ow::locking_sp, ow::locking_admin_base + 1, w.p.msid).status == "ok");
  const auto o = w.call(ow::locking_range_base + 1, "Set",
                        {Value::of_name(Value::of_uint(1), Value::of_list({Value::of_name(Value::of_uint(ow::col_range_start), Value::of_uint(4096))}))});
  CHECK(o.status == "ok");
  CHECK(w.s.drive.ranges.at(1).start == 4096);
}

TEST_CASE("opal wire: Revert reverts only an SP object of the Admin SP (seed 000 'Exit CC Security Mode')") {
  // Seed 000: "Exit CC Security Mode ... Drive Owner: TCG LockingSPObj.Revert(), TCG
  // AdminSPObj.Revert()". Revert invoked on an object that is neither SP (C_PIN_MSID, the
  // Global range) exits nothing: the Locking SP stays active and the session goes on.
  Wire w;
  w.activate();
  REQUIRE(w.open(ow::admin_sp, ow::sid, w.p.msid).status == "ok");
  for (const auto obj : {ow::c_pin_msid, ow::locking_global}) {
    CHECK_FALSE(w.call(obj, "Revert").status == "ok");
    CHECK(w.s.drive.locking_sp_active);
    CHECK(w.s.sm.session);
  }
  CHECK(w.call(ow::locking_sp, "Revert").status == "ok");  // LockingSPObj.Revert()
  CHECK_FALSE(w.s.drive.locking_sp_active);
}

TEST_CASE("opal: the credentials scope explores enabling Users, and leaves Makers to the firmware scope") {
  // profile.hpp Scope: candidate_events offers one area at a time. Whether an authority is
  // enabled (Opal SSC Authority table Enabled column) decides who may authenticate: the
  // credentials scope; the Makers authority ([SETUP] step 7) gates firmware download: the
  // firmware scope.
  Profile p = generic();
  p.users = 1;
  auto has = [&](Scope sc, const char* target) {
    p.scope = sc;
    for (const auto& e : Machine::candidate_events(p, Machine::initial(p)))
      if (const auto* x = std::get_if<SetEnabled>(&e); x && x->target == target) return true;
    return false;
  };
  CHECK(has(Scope::credentials, "User1"));
  CHECK_FALSE(has(Scope::credentials, "Makers"));
  CHECK(has(Scope::firmware, "Makers"));
}

}  // namespace LOCKREF_UNITY_ID
