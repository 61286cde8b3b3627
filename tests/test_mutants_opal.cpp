// Opal: what the other tests left open and tools/mutate.py found surviving
// (spec/mutation/report.md): the requirement each answer names (Output::rule), the
// requirement a divergence in each reported field names, the profile names, and answers for
// ranges a drive does not have. Each expected rule is the requirement whose quoted guide text
// governs the case (spec/requirements/opal.json), quoted beside it.
#include <doctest/doctest.h>

#include <string>

#include "lockref/opal/drive.hpp"

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
