// TCG Opal per the Seagate CC guide (seed 000): unit tests and errata demonstrations.
// Expected values are the guide's words and tables (cited per check), never model output.
#include <doctest/doctest.h>

#include "external_vectors.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "lockref/core/explore.hpp"
#include "lockref/opal/firmware.hpp"
#include "lockref/opal/scenario.hpp"
#include "lockref/core/transcript.hpp"
#include "registry.hpp"
#include "report.hpp"
#include "lockref/opal/wire.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref::opal;
using lockref::Json;

namespace {
const std::string P32(Machine::guide_pin);

struct Drive {
  Profile p;
  State s;
  explicit Drive(Profile prof) : p(std::move(prof)), s(Machine::initial(p)) {}
  Output run(const Event& e) {
    auto st = Machine::step(p, s, e);
    s = std::move(st.next);
    return st.out;
  }
  const Credential& cred(const std::string& who) const { return *Machine::find(s, who); }
  Output auth(const std::string& who, bool right) {
    return run(Authenticate{who, right ? cred(who).pin.str() : std::string("not-the-pin")});
  }
};

Drive activated(Profile p) {
  Drive d(std::move(p));
  REQUIRE(d.run(Activate{Auth{"SID", d.p.msid}}).status == "ok");
  return d;
}
}  // namespace

TEST_CASE("opal: try-limit table transcribed from the guide") {
  // guide "Validation - Try Limits and Persistence Settings": SE4SA530 rows 5/YES/NO,
  // SGEBHG02 rows 100/YES/YES, for SID, PSID, Locking SP Admin 1-4, Admin SP Admin 1-4, User 1-9.
  int se = 0, sg = 0;
  for (const auto& r : try_limit_table) {
    CHECK(r.type == "TCG Opal");
    if (r.firmware == "SE4SA530") {
      ++se;
      CHECK(r.policy == TryPolicy{5, true, false});
    } else {
      ++sg;
      CHECK(r.firmware == "SGEBHG02");
      CHECK(r.policy == TryPolicy{100, true, true});
    }
  }
  CHECK(se == 5);
  CHECK(sg == 5);
  const auto a = seagate_se4sa530(), b = seagate_sgebhg02();
  for (auto c : {CredClass::sid, CredClass::psid, CredClass::admin_sp_admin, CredClass::locking_admin, CredClass::user}) {
    CHECK(policy_for(a, c) == TryPolicy{5, true, false});
    CHECK(policy_for(b, c) == TryPolicy{100, true, true});
  }
  // "up to 9 user locking ranges", "up to 9 User operators", Admin1-4 in each SP
  CHECK(a.users == 9);
  CHECK(a.ranges == 9);
  CHECK(a.locking_admins == 4);
  CHECK(a.admin_sp_admins == 4);
  CHECK_FALSE(seagate_profile("XYZ").has_value());
  CHECK(Machine::validate(a).ok());
  CHECK(Machine::validate(b).ok());
  CHECK(Machine::validate(generic()).ok());
  auto big = generic();  // a DataStore larger than any drive reports: refused, not allocated
  big.datastore_size = (64u << 20) + 1;
  CHECK_FALSE(Machine::validate(big).ok());
  big.datastore_size = 64u << 20;
  CHECK(Machine::validate(big).ok());
  // The factory MSID and PSID PINs are 32 bytes: a shorter maximum PIN length would make the
  // initial state violate OPAL-PIN-1, so the profile is refused (it was explored before, and
  // every state "failed" the invariant).
  auto short_pins = generic();
  short_pins.max_pin_length = 20;
  const auto v = Machine::validate(short_pins);
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().message.find("max_pin_length: 20 is below the 32-byte MSID") != std::string::npos);
  short_pins.max_pin_length = 32;
  CHECK(Machine::validate(short_pins).ok());
}

TEST_CASE("opal: TCG Core status codes and C_PIN columns are one table") {
  // TCG Core 2.01 §5.1.5: NOT_AUTHORIZED = 0x01, AUTHORITY_LOCKED_OUT = 0x12, INVALID_PARAMETER = 0x0C.
  CHECK(status_value("NOT_AUTHORIZED") == std::uint8_t{0x01});
  CHECK(status_value("AUTHORITY_LOCKED_OUT") == std::uint8_t{0x12});
  CHECK(status_value("INVALID_PARAMETER") == std::uint8_t{0x0C});
  CHECK(status_value("ok") == std::uint8_t{0x00});
  CHECK_FALSE(status_value("NO_SUCH_CODE").has_value());
  // guide "Firmware Update Error Messages": StatusType = 1h, StatusCode = 07h.
  CHECK(fw_invalid_status_type == 0x1);
  CHECK(fw_invalid_status_code == 0x07);
  CHECK(cc_indicator_byte == 30);
  CHECK(cc_indicator_bit == 0);
  bool tries = false, limit = false, persist = false;
  for (const auto& c : c_pin_columns) {
    tries |= c.name == "Tries";
    limit |= c.name == "TryLimit";
    persist |= c.name == "Persistence";
  }
  CHECK((tries && limit && persist));
  // a refused authentication carries the Core value
  Drive d(seagate_se4sa530());
  auto o = d.auth("SID", false);
  CHECK(o.status == "NOT_AUTHORIZED");
  CHECK(o.status_code == 0x01);
}

TEST_CASE("opal: authenticate resets Tries on success, counts failures, locks out at the limit") {
  Drive d(seagate_se4sa530());
  // "each failure increments"
  for (std::uint32_t k = 1; k <= 3; ++k) {
    CHECK(d.auth("SID", false).status == "NOT_AUTHORIZED");
    CHECK(d.cred("SID").tries == k);
  }
  // "if a successful authentication is made at any time before the Try Limit is reached, the counter is reset to zero"
  CHECK(d.auth("SID", true).status == "ok");
  CHECK(d.cred("SID").tries == 0);
  for (int k = 0; k < 5; ++k) CHECK(d.auth("SID", false).status == "NOT_AUTHORIZED");
  CHECK(d.cred("SID").tries == 5);
  // "once the Try Limit is reached, the drive will lock out all further authentication attempts"
  auto o = d.auth("SID", true);
  CHECK(o.status == "AUTHORITY_LOCKED_OUT");
  CHECK(o.status_code == 0x12);
  CHECK(d.auth("SID", false).status == "AUTHORITY_LOCKED_OUT");
  CHECK(d.cred("SID").tries == 5);  // never exceeds TryLimit
  // a management call as a locked-out authority is refused the same way and changes nothing
  const auto before = d.s;
  CHECK(d.run(SetFwPort{Auth{"SID", d.p.msid}, true, std::nullopt}).status == "AUTHORITY_LOCKED_OUT");
  CHECK(d.s == before);
  // other credentials have their own counters ("a separate counter for each credential")
  CHECK(d.cred("PSID").tries == 0);
  CHECK(d.auth("PSID", true).status == "ok");
  // TCG Core C_PIN: TryLimit 0 means no limit
  auto p = generic();
  p.sid.try_limit = 0;
  Drive g(p);
  for (int k = 0; k < 20; ++k) CHECK(g.auth("SID", false).status == "NOT_AUTHORIZED");
  CHECK(g.cred("SID").tries == 20);
  CHECK(g.auth("SID", true).status == "ok");
  CHECK(g.cred("SID").tries == 0);
}

TEST_CASE("opal: power cycle resets non-persistent counters and keeps persistent ones") {
  // SE4SA530: not persistent -> "reset to zero on power cycle and another round ... can be made"
  Drive a(seagate_se4sa530());
  for (int k = 0; k < 5; ++k) a.auth("SID", false);
  CHECK(a.auth("SID", true).status == "AUTHORITY_LOCKED_OUT");
  a.run(PowerCycle{});
  CHECK(a.cred("SID").tries == 0);
  CHECK(a.auth("SID", true).status == "ok");
  // SGEBHG02: persistent -> "the drive will lock out all further authentication attempts
  // whether the drive is power cycled or not"
  Drive b(seagate_sgebhg02());
  for (int k = 0; k < 100; ++k) CHECK(b.auth("SID", false).status == "NOT_AUTHORIZED");
  for (int k = 0; k < 3; ++k) {
    b.run(PowerCycle{});
    CHECK(b.cred("SID").tries == 100);
    CHECK(b.auth("SID", true).status == "AUTHORITY_LOCKED_OUT");
  }
  // until a revert: PSID revert ("Exit CC Security Mode ... None (using PSID)") restores factory C_PIN rows
  CHECK(b.run(Revert{Auth{"PSID", b.p.psid_pin}}).status == "ok");
  CHECK(b.cred("SID").tries == 0);
  CHECK(b.auth("SID", true).status == "ok");
}

TEST_CASE("opal: _MinPINLength refuses shorter PINs and out-of-range lengths") {
  Drive d(seagate_se4sa530());
  const Auth sid{"SID", d.p.msid};
  // "The minimum pin length requirement is 8 bytes"; "setting ... '_MinPINLength' to 32"
  CHECK(d.run(SetMinPinLength{sid, "SID", 7}).status == "INVALID_PARAMETER");
  CHECK(d.run(SetMinPinLength{sid, "SID", 33}).status == "INVALID_PARAMETER");
  CHECK(d.run(SetMinPinLength{sid, "SID", 32}).status == "ok");
  CHECK(d.cred("SID").min_pin_length == 32);
  // a 31-byte PIN is refused, a 32-byte one accepted
  CHECK(d.run(SetPin{sid, "SID", P32.substr(1)}).status == "INVALID_PARAMETER");
  CHECK(d.cred("SID").pin == d.p.msid);
  CHECK(d.run(SetPin{sid, "SID", P32}).status == "ok");
  CHECK(d.cred("SID").pin == P32);
  // "Seagate SEDs support Authentication PINs with length up to 32 bytes"
  CHECK(d.run(SetPin{Auth{"SID", P32}, "SID", P32 + "X"}).status == "INVALID_PARAMETER");
  // "There is a '_MinPINLength' value associated with each credential and they must be set independently"
  auto e = activated(seagate_se4sa530());
  CHECK(e.run(SetMinPinLength{Auth{"SID", e.p.msid}, "SID", 32}).status == "ok");
  CHECK(e.cred("Admin1").min_pin_length == e.p.default_min_pin_length);
  CHECK(e.run(SetPin{Auth{"Admin1", e.p.msid}, "Admin1", "12345678"}).status == "ok");
}

TEST_CASE("opal: Admin SP and Locking SP lifecycle") {
  Drive d(seagate_se4sa530());
  // Non-Security Mode: the Locking SP is inactive, its authorities cannot authenticate
  CHECK(d.auth("Admin1", true).status == d.p.inactive_sp_status);
  // only the Drive Owner activates (setup step 1)
  CHECK(d.run(Activate{Auth{"PSID", d.p.psid_pin}}).status == "NOT_AUTHORIZED");
  CHECK(d.run(Activate{Auth{"SID", d.p.msid}}).status == "ok");
  CHECK(d.s.locking_sp_active);
  CHECK(d.run(Activate{Auth{"SID", d.p.msid}}).status == "INVALID_PARAMETER");
  // ownership from MSID: anybody reads C_PIN_MSID, and it is SID's initial PIN
  const auto msid = d.run(GetMsid{}).msid;
  REQUIRE(msid.has_value());
  CHECK(*msid == d.p.msid);
  CHECK(d.cred("SID").pin == *msid);
  CHECK(d.run(SetPin{Auth{"SID", d.p.msid}, "SID", P32}).status == "ok");
  CHECK(d.run(SetPin{Auth{"Admin1", d.p.msid}, "Admin1", P32}).status == "ok");
  // LockingSP.RevertSP by a Locking SP Admin: back to inactive, Locking SP credentials to factory
  CHECK(d.run(RevertSp{Auth{"User1", d.p.msid}}).status == "NOT_AUTHORIZED");
  CHECK(d.run(RevertSp{Auth{"Admin1", P32}}).status == "ok");
  CHECK_FALSE(d.s.locking_sp_active);
  CHECK(d.cred("Admin1").pin == d.p.msid);
  CHECK(d.cred("SID").pin == P32);  // the Admin SP is untouched
  // AdminSPObj.Revert by the Drive Owner: the whole TPer back to factory
  REQUIRE(d.run(Activate{Auth{"SID", P32}}).status == "ok");
  CHECK(d.run(Revert{Auth{"SID", P32}}).status == "ok");
  CHECK(d.cred("SID").pin == d.p.msid);
  CHECK_FALSE(d.s.locking_sp_active);
  CHECK(d.s.makers_enabled);
  // PSID revert works whatever SID is
  REQUIRE(d.run(SetPin{Auth{"SID", d.p.msid}, "SID", P32}).status == "ok");
  CHECK(d.run(Revert{Auth{"PSID", "wrong"}}).status == "NOT_AUTHORIZED");
  CHECK(d.run(Revert{Auth{"PSID", d.p.psid_pin}}).status == "ok");
  CHECK(d.cred("SID").pin == d.p.msid);
  // an Admin SP Admin, once enabled by the Drive Owner, may revert too ("Admin SP Admin1-4: TCG AdminSPObj.Revert()")
  CHECK(d.auth("AdminSP.Admin1", true).status == "NOT_AUTHORIZED");  // disabled at manufacture
  REQUIRE(d.run(SetEnabled{Auth{"SID", d.p.msid}, "AdminSP.Admin1", true}).status == "ok");
  REQUIRE(d.run(SetPin{Auth{"SID", d.p.msid}, "AdminSP.Admin1", P32}).status == "ok");
  REQUIRE(d.run(SetPin{Auth{"SID", d.p.msid}, "SID", P32}).status == "ok");
  CHECK(d.run(Revert{Auth{"AdminSP.Admin1", P32}}).status == "ok");
  CHECK(d.cred("SID").pin == d.p.msid);
  CHECK_FALSE(d.cred("AdminSP.Admin1").enabled);
  // the PSID value itself is never settable
  CHECK(d.run(SetPin{Auth{"SID", d.p.msid}, "PSID", P32}).status == "NOT_AUTHORIZED");
}

TEST_CASE("opal: locking ranges gate data, LockOnReset re-locks, GenKey makes old data unreadable") {
  auto d = activated(seagate_se4sa530());
  const Auth a1{"Admin1", d.p.msid};
  CHECK(d.run(WriteData{1}).status == "ok");
  auto r = d.run(ReadData{1});
  CHECK(r.status == "ok");
  CHECK(r.data_readable == true);
  // Set Range Attributes: LockingSP Admin1-4 only
  CHECK(d.run(SetRange{Auth{"User1", d.p.msid}, 1, 0, 400, true, true, true, std::nullopt}).status ==
        "NOT_AUTHORIZED");
  CHECK(d.run(SetRange{a1, 1, 0, 400, true, true, true, std::nullopt}).status == "ok");
  // overlapping ranges are refused
  CHECK(d.run(SetRange{a1, 2, 399, 10, std::nullopt, std::nullopt, std::nullopt, std::nullopt}).status ==
        "INVALID_PARAMETER");
  CHECK(d.run(SetRange{a1, 0, 0, 10, std::nullopt, std::nullopt, std::nullopt, std::nullopt}).status ==
        "INVALID_PARAMETER");
  CHECK(d.run(SetRange{a1, 10, 0, 10, std::nullopt, std::nullopt, std::nullopt, std::nullopt}).status ==
        "INVALID_PARAMETER");
  CHECK(d.run(LockRange{a1, 1, true, true}).status == "ok");
  // "*Data Range has to be Unlocked"
  CHECK(d.run(ReadData{1}).status == "ACCESS_DENIED");
  CHECK(d.run(WriteData{1}).status == "ACCESS_DENIED");
  CHECK(d.run(ReadData{0}).status == "ok");  // the Global range is not locked
  // User1 may lock/unlock only with access rights to the range
  CHECK(d.run(LockRange{Auth{"User1", d.p.msid}, 1, false, false}).status == "NOT_AUTHORIZED");
  CHECK(d.run(SetRange{a1, 1, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                       std::uint16_t{1}}).status == "ok");
  CHECK(d.run(LockRange{Auth{"User1", d.p.msid}, 1, false, false}).status == "ok");
  CHECK(d.run(ReadData{1}).data_readable == true);
  // power cycle re-locks a LockOnReset range
  d.run(PowerCycle{});
  CHECK(d.run(ReadData{1}).status == "ACCESS_DENIED");
  CHECK(d.run(LockRange{a1, 1, false, false}).status == "ok");
  // GenKey (crypto erase, "changing the encryption key"): old data unreadable, new data readable
  CHECK(d.run(GenKey{Auth{"User2", d.p.msid}, 1}).status == "NOT_AUTHORIZED");  // no access rights
  CHECK(d.run(GenKey{a1, 1}).status == "ok");
  r = d.run(ReadData{1});
  CHECK(r.status == "ok");
  CHECK(r.data_readable == false);
  CHECK(d.run(WriteData{1}).status == "ok");
  CHECK(d.run(ReadData{1}).data_readable == true);
  // RevertSP erases every range
  CHECK(d.run(WriteData{0}).status == "ok");
  CHECK(d.run(RevertSp{a1}).status == "ok");
  CHECK(d.run(ReadData{0}).data_readable == false);
  CHECK(d.run(ReadData{1}).data_readable == false);
}

TEST_CASE("opal: access matrix rows are the guide's") {
  // every Service has exactly one row
  for (int k = 0; k <= static_cast<int>(Service::datastore); ++k) {
    int n = 0;
    for (const auto& r : access_matrix) n += r.service == static_cast<Service>(k);
    CHECK(n == 1);
  }
  // cells as printed in "TCG Opal Security Mode Authenticated Services"
  CHECK(matrix_allows(Service::fw_port, Role::sid));
  CHECK_FALSE(matrix_allows(Service::fw_port, Role::locking_admin));
  CHECK_FALSE(matrix_allows(Service::fw_port, Role::admin_sp_admin));
  CHECK(matrix_allows(Service::disable_user_set_pin, Role::locking_admin));
  CHECK_FALSE(matrix_allows(Service::disable_user_set_pin, Role::user));
  CHECK(matrix_allows(Service::lock_unlock_range, Role::user));
  CHECK_FALSE(matrix_allows(Service::set_range_attributes, Role::user));
  CHECK(matrix_allows(Service::revert_admin_sp, Role::psid));
  CHECK_FALSE(matrix_allows(Service::revert_locking_sp, Role::psid));
  CHECK(matrix_allows(Service::firmware_download, Role::anybody));
  CHECK(matrix_allows(Service::enable_admin_sp_admin, Role::sid));
  CHECK_FALSE(matrix_allows(Service::enable_locking_authority, Role::sid));
  // Disable User Set PIN takes effect
  auto d = activated(seagate_se4sa530());
  CHECK(d.run(SetPin{Auth{"User1", d.p.msid}, "User1", P32}).status == "ok");
  CHECK(d.run(DisableUserSetPin{Auth{"Admin1", d.p.msid}, "User1", true}).status == "ok");
  CHECK(d.run(SetPin{Auth{"User1", P32}, "User1", "another-pin-1234"}).status == "NOT_AUTHORIZED");
  // "LockingSP Admins can set PINs for any non-SUDR User or Locking SP Admin"
  CHECK(d.run(SetPin{Auth{"Admin1", d.p.msid}, "User1", "another-pin-1234"}).status == "ok");
  // a User may not set another's PIN; enabling authorities is the Locking SP Admins' service
  CHECK(d.run(SetPin{Auth{"User2", d.p.msid}, "User3", P32}).status == "NOT_AUTHORIZED");
  CHECK(d.run(SetEnabled{Auth{"User2", d.p.msid}, "User3", false}).status == "NOT_AUTHORIZED");
  CHECK(d.run(SetEnabled{Auth{"Admin1", d.p.msid}, "User3", false}).status == "ok");
  CHECK(d.auth("User3", true).status == "NOT_AUTHORIZED");
  CHECK(d.run(SetEnabled{Auth{"SID", d.p.msid}, "AdminSP.Admin1", true}).status == "ok");
  CHECK(d.auth("AdminSP.Admin1", true).status == "ok");
  // Makers: only the Drive Owner (setup step 7)
  CHECK(d.run(SetEnabled{Auth{"Admin1", d.p.msid}, "Makers", false}).status == "NOT_AUTHORIZED");
  CHECK(d.run(SetEnabled{Auth{"SID", d.p.msid}, "Makers", false}).status == "ok");
  CHECK_FALSE(d.s.makers_enabled);
}

TEST_CASE("opal: firmware download needs an unlocked port, a verified signature and no rollback") {
  Drive d(seagate_se4sa530());
  // "Seagate drives all ship with the firmware download port in the unlocked state"
  CHECK_FALSE(d.s.fw_port_locked);
  CHECK(d.run(FirmwareDownload{true, 2}).status == "ok");
  CHECK(d.s.fw_security_version == 2);
  // signature fails -> "Invalid Firmware Image", StatusType 1h StatusCode 07h
  auto o = d.run(FirmwareDownload{false, 3});
  CHECK(o.status == "INVALID_FIRMWARE_IMAGE");
  CHECK(o.nvme_status_type == std::uint8_t{1});
  CHECK(o.status_code == 0x07);
  CHECK(d.s.fw_security_version == 2);
  // rollback -> the same error
  o = d.run(FirmwareDownload{true, 1});
  CHECK(o.status == "INVALID_FIRMWARE_IMAGE");
  CHECK(o.nvme_status_type == std::uint8_t{1});
  CHECK(d.run(FirmwareDownload{true, 2}).status == "ok");  // same version: not lower
  // the port: Drive Owner only; LockOnReset locks it at POR
  CHECK(d.run(SetFwPort{Auth{"PSID", d.p.psid_pin}, true, std::nullopt}).status == "NOT_AUTHORIZED");
  CHECK(d.run(SetFwPort{Auth{"SID", d.p.msid}, std::nullopt, true}).status == "ok");
  CHECK_FALSE(d.s.fw_port_locked);
  d.run(PowerCycle{});
  CHECK(d.s.fw_port_locked);
  CHECK(d.run(FirmwareDownload{true, 3}).status == d.p.fw_locked_status);
  CHECK(d.s.fw_security_version == 2);
  // "Set FW download _PortLocking Object PortLocked Column to FALSE" with SID
  CHECK(d.run(SetFwPort{Auth{"SID", d.p.msid}, false, std::nullopt}).status == "ok");
  CHECK(d.run(FirmwareDownload{true, 3}).status == "ok");
  // "At this point the firmware download port is unlocked."
  CHECK_FALSE(d.s.fw_port_locked);
}

TEST_CASE("opal: the CC setup steps reach CC Approved Mode and Show Status reports it") {
  for (const auto& p : {seagate_se4sa530(), seagate_sgebhg02()}) {
    INFO(p.firmware);
    Drive d(p);
    CHECK_FALSE(cc_report(p, d.s).approved);
    CHECK(d.run(ShowStatus{}).cc_mode_indicator == false);
    const auto steps = cc_setup_steps(p);
    REQUIRE(steps.size() == 11);
    // Step 3, "Optionally set User1 PIN length to 32 bytes" (seed 000, TCG Opal Setup step 3):
    // User1, authenticated as itself with its MSID PIN, sets its own _MinPINLength to 32.
    CHECK(steps[2].number == 3);
    CHECK(steps[2].optional);
    REQUIRE(steps[2].events.size() == 1);
    const auto* s3 = std::get_if<SetMinPinLength>(&steps[2].events[0]);
    REQUIRE(s3 != nullptr);
    CHECK(s3->as == Auth{"User1", p.msid});
    CHECK(s3->target == "User1");
    CHECK(s3->length == 32);
    for (const auto& st : steps) {
      for (const auto& e : st.events) {
        INFO("step " << st.number << " " << lockref::to_json(e).dump());
        CHECK(d.run(e).status == "ok");
      }
    }
    const auto rep = cc_report(p, d.s);
    CHECK(rep.approved);
    CHECK(rep.missing.empty());
    CHECK(d.run(ShowStatus{}).cc_mode_indicator == true);
    // after step 11 Locking_Range1 is locked (LockOnReset) and the port is locked
    CHECK(d.run(ReadData{1}).status == "ACCESS_DENIED");
    CHECK(d.run(FirmwareDownload{true, 1}).status == p.fw_locked_status);
    // "Exit CC Security Mode": a revert leaves CC mode
    CHECK(d.run(RevertSp{Auth{"Admin1", P32}}).status == "ok");
    CHECK_FALSE(cc_report(p, d.s).approved);
  }
}

TEST_CASE("opal: the setup steps' numbers, optional flags and step 10 geometry are the guide's") {
  // Known answers read from seed 000 itself ("TCG Opal Setup & Configuration"): the numbered
  // step lines, which of them say "Optionally", and step 10's do_set_locking range arguments.
  std::ifstream f(std::filesystem::path(LOCKREF_SHARED_DIR) / "seeds/000_486f11a636b6eb99.txt");
  REQUIRE(f);
  const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::map<int, bool> optional_in_guide;  // step -> its line says "Optionally"
  const std::regex step_line(R"(^(- |\*\*)?(\d{1,2})\. (\*\*)?(.*)$)");  // "- 1. ", "6. **...", "10. "
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (!std::regex_match(line, m, step_line)) continue;
    const int n = std::stoi(m[2]);
    if (n >= 1 && n <= 11 && !optional_in_guide.count(n)) optional_in_guide[n] = m[4].str().find("Optionally") == 0;
  }
  REQUIRE(optional_in_guide.size() == 11);
  std::smatch g;
  REQUIRE(std::regex_search(text, g, std::regex(R"(do_set_locking range \(rangestart=(\d+),\s*rangelength=(\d+)\))")));
  const std::uint64_t start = std::stoull(g[1]), length = std::stoull(g[2]);
  for (const auto& p : {seagate_se4sa530(), generic()}) {
    const auto steps = cc_setup_steps(p);
    REQUIRE(steps.size() == 11);
    for (std::size_t i = 0; i < steps.size(); ++i) {
      INFO("step " << i + 1);
      CHECK(steps[i].number == int(i + 1));
      CHECK(steps[i].optional == optional_in_guide[int(i + 1)]);
    }
    const auto* r = std::get_if<SetRange>(&steps[9].events.at(0));
    REQUIRE(r != nullptr);
    CHECK(r->range == 1);
    CHECK(r->start == start);
    CHECK(r->length == length);
  }
}

TEST_CASE("opal: a profile without Users has no User1 step 3 and only Admin steps for Users") {
  // The generic profile models no User: step 3 (User1's _MinPINLength) and step 4 (every
  // User's PIN) have nothing to do, rather than naming an authority the drive lacks.
  const Profile p = generic();
  REQUIRE(p.users == 0);
  const auto steps = cc_setup_steps(p);
  REQUIRE(steps.size() == 11);
  CHECK(steps[2].events.empty());
  CHECK(steps[3].events.empty());
}

TEST_CASE("opal: exploration finds every invariant holding in each scope") {
  for (auto sc : {Scope::credentials, Scope::locking, Scope::firmware, Scope::sum}) {
    Profile p = generic();
    p.scope = sc;
    if (sc == Scope::sum) p.users = 2;  // range 1's owner is User2
    auto ex = lockref::explore<Machine>(p, 200'000);
    INFO(lockref::enum_name(sc));
    CHECK_FALSE(ex.truncated);
    CHECK(ex.violations.empty());
    CHECK(ex.states.size() > 50);
  }
}

TEST_CASE("opal: eval ops answer and reject malformed requests") {
  using lockref::cli::eval_request;
  auto a = eval_request(Json::parse(R"({"op":"opal.try_limits","profile":"seagate_sgebhg02","credential":"User9"})"));
  CHECK(a["ok"] == true);
  CHECK(a["try_limit"] == 100);
  CHECK(a["persistent"] == true);
  for (const char* bad : {
           R"({"op":"opal.try_limits","profile":"nope","credential":"SID"})",
           R"({"op":"opal.try_limits","profile":"generic","credential":"User1"})",
           R"({"op":"opal.try_limits","profile":"generic","credential":"SID","extra":1})",
           R"({"op":"opal.authenticate_sequence","profile":"generic","credential":"SID","attempts":[{"pin":1}]})",
           R"({"op":"opal.authenticate_sequence","profile":"generic","credential":"SID","attempts":["reboot"]})",
           R"({"op":"opal.authenticate_sequence","profile":"generic","credential":"SID","attempts":3})",
           R"({"op":"opal.cc_mode","profile":"generic","skip_steps":[12]})",
           R"({"op":"opal.cc_mode","profile":"generic","state":{"ranges":"x"}})",
           R"({"op":"opal.cc_mode","profile":{"users":10}})",
       }) {
    INFO(bad);
    auto r = eval_request(Json::parse(bad));
    CHECK(r["ok"] == false);
    CHECK(r.contains("error"));
  }
  // a transcript state round-trips through opal.cc_mode
  auto run = run_setup(seagate_se4sa530());
  Json req{{"op", "opal.cc_mode"}, {"profile", "seagate_se4sa530"},
           {"state", lockref::state_json<Machine>(seagate_se4sa530(), run.state)}};
  auto r = eval_request(req);
  CHECK(r["ok"] == true);
  CHECK(r["cc_approved_mode"] == true);
  // states that the profile cannot have are refused
  CHECK(Machine::validate_state(seagate_se4sa530(), run.state).ok());
  auto broken = run.state;
  broken.credentials[0].tries = 6;  // above SE4SA530's Try Limit 5
  CHECK_FALSE(Machine::validate_state(seagate_se4sa530(), broken).ok());
  broken = run.state;
  broken.ranges.pop_back();
  CHECK_FALSE(Machine::validate_state(seagate_se4sa530(), broken).ok());
  broken = run.state;
  broken.ranges[2] = broken.ranges[1];  // overlaps Locking_Range1
  CHECK_FALSE(Machine::validate_state(seagate_se4sa530(), broken).ok());
  req["state"] = lockref::to_json(broken);
  CHECK(eval_request(req)["ok"] == false);
  // the generic <machine>.step op answers one event
  auto st = eval_request(Json{{"op", "opal.step"},
                              {"profile", lockref::to_json(seagate_se4sa530())},
                              {"event", {{"type", "authenticate"}, {"authority", "SID"}, {"pin", "nope"}}}});
  CHECK(st["ok"] == true);
  CHECK(st["output"]["status"] == "NOT_AUTHORIZED");
}

// ---- errata (spec/errata.md, "TCG Opal / Seagate CC guide") ------------------------------

TEST_CASE("errata: E-OPAL-AT-LIMIT a correct PIN at the Try Limit") {
  // Refused by default ("lock out all further authentication attempts"); the other reading
  // ("successful authentication ... before the Try Limit is reached") is a profile switch.
  for (bool refuse : {true, false}) {
    auto p = seagate_se4sa530();
    p.refuse_correct_pin_at_limit = refuse;
    Drive d(p);
    for (int k = 0; k < 5; ++k) d.auth("SID", false);
    CHECK(d.auth("SID", true).status == (refuse ? "AUTHORITY_LOCKED_OUT" : "ok"));
    CHECK(d.cred("SID").tries == (refuse ? 5u : 0u));
    CHECK(d.auth("SID", false).status == (refuse ? "AUTHORITY_LOCKED_OUT" : "NOT_AUTHORIZED"));
  }
}

TEST_CASE("errata: E-OPAL-STEP3-USER setup step 3 needs User1 enabled") {
  auto p = seagate_se4sa530();
  CHECK(run_setup(p).all_ok);
  p.users_enabled_on_activate = false;  // the TCG Opal factory default for Users
  auto r = run_setup(p);
  CHECK_FALSE(r.all_ok);
  // step 3 (first event after steps 1-2's three events) is refused
  REQUIRE(r.statuses.size() > 3);
  CHECK(r.statuses[3] == "NOT_AUTHORIZED");
}

TEST_CASE("errata: E-OPAL-STEP4-CODE step 4 code sets Admin1 instead of User1") {
  // As printed, step 4 authenticates as Admin1 ("am") and sets Admin1's _MinPINLength and PIN:
  // User1 keeps the MSID and CC mode is not reached. The model follows the step's title.
  auto p = seagate_se4sa530();
  p.users = 1;
  Drive d(p);
  for (const auto& st : cc_setup_steps(p)) {
    if (st.number == 4) {
      d.run(SetMinPinLength{Auth{"Admin1", p.msid}, "Admin1", 32});
      d.run(SetPin{Auth{"Admin1", p.msid}, "Admin1", P32});
      continue;
    }
    for (const auto& e : st.events) d.run(e);
  }
  const auto rep = cc_report(p, d.s);
  CHECK_FALSE(rep.approved);
  CHECK(std::find(rep.missing.begin(), rep.missing.end(), "private_pins") != rep.missing.end());
  CHECK(run_setup(p).all_ok);
  CHECK(cc_report(p, run_setup(p).state).approved);
}

TEST_CASE("errata: E-OPAL-STEP10-LOR step 10 code never sets LockOnReset") {
  // Title: "Set LockingRange1 and enable lock on reset"; code: range, lock state 0, lock enabled 1.
  auto p = seagate_se4sa530();
  Drive d(p);
  for (const auto& st : cc_setup_steps(p)) {
    if (st.number == 10) {
      const Auth a1{"Admin1", P32};
      CHECK(d.run(SetRange{a1, 1, 0, 400, true, true, std::nullopt, std::nullopt}).status == "ok");
      CHECK(d.run(LockRange{a1, 1, false, false}).status == "ok");
      continue;
    }
    for (const auto& e : st.events) d.run(e);
  }
  // as printed, the range is not locked by the power cycle of step 11
  CHECK(d.run(ReadData{1}).status == "ok");
  CHECK_FALSE(cc_report(p, d.s).approved);
}

TEST_CASE("errata: E-OPAL-CC-INDICATOR PIN length larger than 8 bytes") {
  auto p = seagate_se4sa530();
  auto run = [&](std::uint8_t len) {
    Drive d(p);
    for (const auto& st : cc_setup_steps(p))
      for (const auto& e : st.events) {
        Event x = e;
        if (auto* m = std::get_if<SetMinPinLength>(&x)) m->length = len;
        d.run(x);
      }
    return cc_report(p, d.s);
  };
  CHECK(run(8).approved);  // default reading: "larger than 8" taken as "at least 8" (the stated minimum)
  p.cc_pin_length_strictly_greater = true;
  CHECK_FALSE(run(8).approved);
  CHECK(run(9).approved);
  // indicator rule: only the PIN-length sentence, versus every security rule
  p = seagate_se4sa530();
  p.cc_indicator_rule = CcIndicatorRule::min_pin_length;
  auto r = run_setup(p, {7});  // Makers left enabled
  const auto rep = cc_report(p, r.state);
  CHECK_FALSE(rep.approved);
  CHECK(rep.indicator);
}

TEST_CASE("errata: E-OPAL-CC-REDUNDANT steps 3, 6 and 9 can each be dropped") {
  const auto p = seagate_se4sa530();
  for (int k = 1; k <= 11; ++k) {
    INFO("drop step " << k);
    const bool reaches = cc_report(p, run_setup(p, {k}).state).approved;
    // 3: "Optionally"; 6: Range 1's Set authority is Admin1, set in step 5; 9: step 8 (LockOnReset)
    // and step 11 (power cycle) lock the port anyway.
    CHECK(reaches == (k == 3 || k == 6 || k == 9));
  }
}

TEST_CASE("errata: E-OPAL-CC-STEP11 settings count after a power cycle") {
  const auto p = seagate_se4sa530();
  auto r = run_setup(p, {11});
  auto rep = cc_report(p, r.state);
  CHECK_FALSE(rep.approved);
  CHECK(rep.missing == std::vector<std::string>{"power_cycled"});
  auto s = Machine::step(p, r.state, PowerCycle{}).next;
  CHECK(cc_report(p, s).approved);
}

TEST_CASE("errata: E-OPAL-SETTABLE who may set a settable TryLimit") {
  auto d = activated(seagate_se4sa530());
  // the guide's example: Admin1 sets its own TryLimit to 1024
  CHECK(d.run(SetTryLimit{Auth{"Admin1", d.p.msid}, "Admin1", 1024}).status == "ok");
  CHECK(d.cred("Admin1").try_limit == 1024);
  // a User may not set the SID's; the Drive Owner may not set a Locking SP credential's
  CHECK(d.run(SetTryLimit{Auth{"User1", d.p.msid}, "SID", 1}).status == "NOT_AUTHORIZED");
  CHECK(d.run(SetTryLimit{Auth{"SID", d.p.msid}, "User1", 1}).status == "NOT_AUTHORIZED");
  // not settable in a profile -> refused
  auto p = seagate_se4sa530();
  p.user.settable = false;
  auto e = activated(p);
  CHECK(e.run(SetTryLimit{Auth{"User1", p.msid}, "User1", 3}).status == "NOT_AUTHORIZED");
  // lowering the limit below Tries clamps Tries (model choice)
  for (int k = 0; k < 3; ++k) d.auth("User1", false);
  CHECK(d.run(SetTryLimit{Auth{"Admin1", d.p.msid}, "User1", 2}).status == "ok");
  CHECK(d.cred("User1").tries == 2);
}

TEST_CASE("errata: E-OPAL-FW-LOCKED-CODE no error is given for a locked port") {
  auto p = seagate_se4sa530();
  Drive d(p);
  d.run(SetFwPort{Auth{"SID", p.msid}, true, std::nullopt});
  CHECK(d.run(FirmwareDownload{true, 1}).status == "FW_DOWNLOAD_PORT_LOCKED");
  p.fw_locked_status = "INVALID_FIRMWARE_IMAGE";
  Drive e(p);
  e.run(SetFwPort{Auth{"SID", p.msid}, true, std::nullopt});
  CHECK(e.run(FirmwareDownload{true, 1}).status == "INVALID_FIRMWARE_IMAGE");
}

TEST_CASE("errata: E-OPAL-PSID-PERSISTENT a persistent PSID lockout cannot be undone") {
  // SGEBHG02: PSID 100 tries, persistent. With SID and PSID both locked out, no revert remains.
  Drive d(seagate_sgebhg02());
  for (int k = 0; k < 100; ++k) {
    d.auth("SID", false);
    d.auth("PSID", false);
  }
  for (int k = 0; k < 2; ++k) d.run(PowerCycle{});
  CHECK(d.run(Revert{Auth{"PSID", d.p.psid_pin}}).status == "AUTHORITY_LOCKED_OUT");
  CHECK(d.run(Revert{Auth{"SID", d.p.msid}}).status == "AUTHORITY_LOCKED_OUT");
  // SE4SA530 (not persistent): a power cycle gives the PSID back
  Drive e(seagate_se4sa530());
  for (int k = 0; k < 5; ++k) e.auth("PSID", false);
  e.run(PowerCycle{});
  CHECK(e.run(Revert{Auth{"PSID", e.p.psid_pin}}).status == "ok");
}

TEST_CASE("opal: corpus transcripts conform and every rule named is a requirement") {
  for (auto p : {seagate_se4sa530(), generic()}) {
    p.users = std::min<std::uint8_t>(p.users, 2);
    p.ranges = std::min<std::uint8_t>(p.ranges, 2);
    const auto lines = lockref::generate_corpus<Machine>(p, 7, 400);
    std::vector<std::string> text;
    for (const auto& l : lines) {
      text.push_back(l.dump());
      if (!l.contains("expect")) continue;
      const std::string rule = l["expect"]["rule"];
      INFO(rule);
      CHECK(lockref::cli::find_requirement(rule).has_value());
    }
    auto rep = lockref::check_transcript<Machine>(text);
    REQUIRE(rep.ok());
    CHECK_FALSE(rep->divergence.has_value());
    CHECK(rep->steps == 400);
    // a device that reports a different status diverges at that step
    Json bad = Json::parse(text[5]);
    bad["expect"]["status"] = bad["expect"]["status"] == "ok" ? "NOT_AUTHORIZED" : "ok";
    text[5] = bad.dump();
    auto rep2 = lockref::check_transcript<Machine>(text);
    REQUIRE(rep2.ok());
    REQUIRE(rep2->divergence.has_value());
    CHECK(rep2->divergence->step == 5);
  }
}

TEST_CASE("errata: E-OPAL-UNBLOCK-PIN POR resets only non-persistent counters") {
  // "Unblock PIN | Resets password attempt counters. | None | None | POR" versus the Try Limits
  // section: a persistent count "is not reset to zero on power cycle". lockref follows the
  // Try Limits section and the table's Persistent column.
  Drive a(seagate_se4sa530()), b(seagate_sgebhg02());
  for (auto* d : {&a, &b}) {
    d->auth("User1", false);  // Locking SP inactive: refused without a count
    d->run(Activate{Auth{"SID", d->p.msid}});
    for (int k = 0; k < 3; ++k) d->auth("User1", false);
    d->run(PowerCycle{});
  }
  CHECK(a.cred("User1").tries == 0);
  CHECK(b.cred("User1").tries == 3);
}

TEST_CASE("opal: a firmware image is accepted only with a verifying RSA-4096 PSS signature") {
  // The fixture key and signatures come from python3-cryptography (vectors/opal-firmware-rsa-pss.json).
  const Json doc = lockref::testing::load_vectors("opal-firmware-rsa-pss.json");
  const Json& good = doc["vectors"][0]["request"];
  const auto key = lockref::from_hex(good["public_key"].get<std::string>()).value();
  auto image = lockref::from_hex(good["image"].get<std::string>()).value();
  const auto sig = lockref::from_hex(good["signature"].get<std::string>()).value();
  auto p = seagate_se4sa530();
  Drive d(p);
  auto download = [&](const lockref::Bytes& img, std::uint8_t version) {
    const auto ok = firmware_signature_ok(key, img, sig);
    REQUIRE(ok.ok());
    return d.run(FirmwareDownload{*ok, version});
  };
  CHECK(download(image, 1).status == "ok");
  image[0] ^= 1;
  auto o = download(image, 2);
  CHECK(o.status == "INVALID_FIRMWARE_IMAGE");
  CHECK(o.nvme_status_type == std::uint8_t{1});
  CHECK(d.s.fw_security_version == 1);
  // malformed keys are refused, not crashed on
  CHECK_FALSE(firmware_signature_ok(lockref::Bytes{0x30, 0x82}, image, sig).ok());
  CHECK_FALSE(firmware_signature_ok(lockref::Bytes{}, image, sig).ok());
}

TEST_CASE("errata: E-OPAL-FW-PSS-PARAMS the guide names no PSS hash or salt length") {
  const Json doc = lockref::testing::load_vectors("opal-firmware-rsa-pss.json");
  const Json& r384 = doc["vectors"][1]["request"];  // signed with SHA-384
  REQUIRE(r384["hash"] == "SHA-384");
  const auto key = lockref::from_hex(r384["public_key"].get<std::string>()).value();
  const auto image = lockref::from_hex(r384["image"].get<std::string>()).value();
  const auto sig = lockref::from_hex(r384["signature"].get<std::string>()).value();
  // the verdict depends on a parameter the guide does not give
  CHECK(firmware_signature_ok(key, image, sig, FwHash::sha384).value());
  CHECK_FALSE(firmware_signature_ok(key, image, sig, FwHash::sha256).value());
  CHECK_FALSE(firmware_signature_ok(key, image, sig).value());  // lockref's default: SHA-256
}

TEST_CASE("errata: E-OPAL-FW-POR a power on reset locks the firmware port only with LockOnReset") {
  // Firmware Access Control, step 8: "At this point the firmware download port is unlocked.
  // It can be locked by either performing a power on reset or by resetting the _PortLocking
  // Object PortLocked Column to TRUE." Setup step 8 ("Set firmware download port to lock on
  // reset") is what makes a power cycle lock the port; the sentence alone says it always does.
  Drive d(seagate_se4sa530());
  REQUIRE_FALSE(d.s.fw_port_lock_on_reset);
  REQUIRE_FALSE(d.s.fw_port_locked);  // "Seagate drives all ship with the ... port in the unlocked state"
  d.run(PowerCycle{});
  CHECK_FALSE(d.s.fw_port_locked);  // lockref's reading: without LockOnReset it stays unlocked
  CHECK(d.run(FirmwareDownload{true, 2}).status == "ok");
  // the sentence read on its own (profile fw_port_power_cycle_always_locks)
  auto q = seagate_se4sa530();
  q.fw_port_power_cycle_always_locks = true;
  Drive e(q);
  e.run(PowerCycle{});
  CHECK(e.s.fw_port_locked);
  CHECK(e.run(FirmwareDownload{true, 2}).status == q.fw_locked_status);
  // both readings agree once setup step 8 has set LockOnReset, as in CC mode
  for (Drive* x : {&d, &e}) {
    REQUIRE(x->run(SetFwPort{Auth{"SID", x->p.msid}, false, true}).status == "ok");
    CHECK_FALSE(x->s.fw_port_locked);
    x->run(PowerCycle{});
    CHECK(x->s.fw_port_locked);
  }
}

// ---- Single User Mode (seed 000 Security Mode Services rows on SUDRs; drive.hpp [SUM]) -------

namespace {
/// An active Locking SP with Locking_Range1 a SUDR (owner User2), User Ownership of its geometry.
Drive with_sudr(Profile p, bool geometry_by_admins = false) {
  auto d = activated(std::move(p));
  REQUIRE(d.run(Reactivate{Auth{"Admin1", d.p.msid}, {1}, geometry_by_admins, std::nullopt}).status == "ok");
  return d;
}
}  // namespace

TEST_CASE("opal: Reactivate classifies SUDRs, by a Locking SP Admin only") {
  // "Enable/Disable Single User Data Range (SUDR) | ... | LockingSP Admin1-4 | TCG Reactivate Method"
  auto d = activated(seagate_se4sa530());
  const auto before = d.s;
  for (const char* who : {"User1", "User2"})
    CHECK(d.run(Reactivate{Auth{who, d.p.msid}, {1}, false, std::nullopt}).status == "NOT_AUTHORIZED");
  CHECK(d.run(Reactivate{Auth{"SID", d.p.msid}, {1}, false, std::nullopt}).status == "NOT_AUTHORIZED");
  CHECK(d.s == before);
  // not before the Locking SP is activated (its Admins cannot authenticate)
  Drive fresh(seagate_se4sa530());
  CHECK(fresh.run(Reactivate{Auth{"Admin1", fresh.p.msid}, {1}, false, std::nullopt}).status == fresh.p.inactive_sp_status);
  // a row the Locking table does not have
  CHECK(d.run(Reactivate{Auth{"Admin1", d.p.msid}, {10}, false, std::nullopt}).status == "INVALID_PARAMETER");
  // Enable: Global and Range 3 become SUDRs (owners User1, User4), with Admin1PIN
  CHECK(d.run(Reactivate{Auth{"Admin1", d.p.msid}, {0, 3}, false, std::string(P32)}).status == "ok");
  for (std::size_t k = 0; k < d.s.ranges.size(); ++k) CHECK(d.s.ranges[k].single_user == (k == 0 || k == 3));
  CHECK(d.cred("Admin1").pin == P32);
  // LockingInfo shows the classification (readable without authentication)
  const auto info = d.run(GetLockingInfo{}).locking_info;
  REQUIRE(info);
  CHECK(info->single_user_ranges == std::vector<std::uint16_t>{0, 3});
  CHECK(info->max_ranges == 9);  // "up to 9 user locking ranges"
  CHECK_FALSE(info->geometry_by_admins);
  // Disable: an empty selection leaves no SUDR
  CHECK(d.run(Reactivate{Auth{"Admin1", P32}, {}, false, std::nullopt}).status == "ok");
  for (const auto& r : d.s.ranges) CHECK_FALSE(r.single_user);
  // RevertSP and Revert leave no SUDR either
  d = with_sudr(seagate_se4sa530());
  CHECK(d.run(RevertSp{Auth{"Admin1", d.p.msid}}).status == "ok");
  for (const auto& r : d.s.ranges) CHECK_FALSE(r.single_user);
}

TEST_CASE("opal: a SUDR belongs to its User: Admins lose lock, PIN, enable and disable rights over it") {
  auto d = with_sudr(seagate_se4sa530());
  const Auth a1{"Admin1", d.p.msid}, owner{"User2", d.p.msid}, other{"User1", d.p.msid};
  // "Lock / Unlock User Data Range ... | User1-9, Locking SP Admin1-4 (for non-SUDRs)"
  CHECK(d.run(LockRange{a1, 1, true, true}).status == "NOT_AUTHORIZED");
  CHECK(d.run(LockRange{other, 1, true, true}).status == "NOT_AUTHORIZED");
  CHECK(d.run(SetRange{owner, 1, std::nullopt, std::nullopt, true, true, true, std::nullopt}).status == "ok");
  CHECK(d.run(LockRange{owner, 1, true, true}).status == "ok");
  CHECK(d.run(ReadData{1}).status == "ACCESS_DENIED");
  CHECK(d.run(LockRange{a1, 1, false, false}).status == "NOT_AUTHORIZED");
  CHECK(d.run(ReadData{1}).status == "ACCESS_DENIED");
  // user_access bits do not hand a SUDR to another User, and cannot be set on it
  CHECK(d.run(SetRange{a1, 1, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::uint16_t{1}}).status ==
        "NOT_AUTHORIZED");
  // the Admins keep a non-SUDR
  CHECK(d.run(LockRange{a1, 2, true, true}).status == "ok");
  // "LockingSP Admins can set PINs for any non-SUDR User or Locking SP Admin"
  CHECK(d.run(SetPin{a1, "User2", P32}).status == "NOT_AUTHORIZED");
  CHECK(d.run(SetPin{a1, "User1", P32}).status == "ok");
  CHECK(d.run(SetPin{owner, "User2", P32}).status == "ok");  // the owner sets its own
  // "Disable a non-SUDR User's ability to change its own PIN"
  CHECK(d.run(DisableUserSetPin{a1, "User2", true}).status == "NOT_AUTHORIZED");
  // "Enable/Disable a LockingSP Admin or non-SUDR User Authority"
  CHECK(d.run(SetEnabled{a1, "User2", false}).status == "NOT_AUTHORIZED");
  CHECK(d.run(SetEnabled{a1, "User3", false}).status == "ok");
  CHECK(d.cred("User2").enabled);
}

TEST_CASE("opal: SUDR geometry follows RangeStartRangeLengthPolicy") {
  // "Set Range Geometry for SUDR | Set the location and size of the SUDR. | User1-9 (if User
  // Ownership) , Locking SP Admin1-4 (if Admin Ownership)"
  for (bool by_admins : {false, true}) {
    INFO("Admin Ownership " << by_admins);
    auto d = with_sudr(seagate_se4sa530(), by_admins);
    const Auth a1{"Admin1", d.p.msid}, owner{"User2", d.p.msid}, other{"User3", d.p.msid};
    auto geometry = [&](const Auth& who) {
      return d.run(SetRange{who, 1, 100, 50, std::nullopt, std::nullopt, std::nullopt, std::nullopt}).status;
    };
    CHECK(geometry(other) == "NOT_AUTHORIZED");
    CHECK(geometry(by_admins ? owner : a1) == "NOT_AUTHORIZED");
    CHECK(geometry(by_admins ? a1 : owner) == "ok");
    CHECK(d.s.ranges[1].start == 100);
    CHECK(d.s.ranges[1].length == 50);
  }
}

TEST_CASE("opal: Erase erases a SUDR, GenKey a non-SUDR, each by the operators the guide lists") {
  // "Cryptographic Erase of non-SUDR | User1-9, Locking SP Admin1-4 | TCG GenKey Method";
  // "Cryptographic Erase of SUDR | Locking SP Admin1-4, User1-9 | TCG Erase Method ..."
  auto d = with_sudr(seagate_se4sa530());
  const Auth a1{"Admin1", d.p.msid}, owner{"User2", d.p.msid}, other{"User1", d.p.msid};
  auto written = [&](std::uint8_t r) {
    REQUIRE(d.run(WriteData{r}).status == "ok");
    REQUIRE(d.run(ReadData{r}).data_readable == true);
  };
  // Erase of a SUDR: the owner and an Admin; another User may not
  written(1);
  CHECK(d.run(Erase{other, 1}).status == "NOT_AUTHORIZED");
  CHECK(d.run(ReadData{1}).data_readable == true);
  CHECK(d.run(Erase{owner, 1}).status == "ok");
  CHECK(d.run(ReadData{1}).data_readable == false);
  written(1);
  CHECK(d.run(Erase{a1, 1}).status == "ok");  // the Admin cannot read it, but may erase it
  CHECK(d.run(ReadData{1}).data_readable == false);
  // a non-SUDR is erased by GenKey, not Erase
  written(2);
  CHECK(d.run(Erase{a1, 2}).status == "NOT_AUTHORIZED");
  CHECK(d.run(ReadData{2}).data_readable == true);
  CHECK(d.run(GenKey{a1, 2}).status == "ok");
  CHECK(d.run(ReadData{2}).data_readable == false);
  // a wrong PIN counts a Try and erases nothing
  written(1);
  const auto o = d.run(Erase{Auth{"User2", "not-the-pin"}, 1});
  CHECK(o.status == "NOT_AUTHORIZED");
  CHECK(o.try_counted);
  CHECK(d.run(ReadData{1}).data_readable == true);
}

TEST_CASE("errata: E-OPAL-SUM-REACTIVATE what Reactivate does beyond the classification") {
  // The guide: "Enable/Disable Single User Data Range (SUDR) classification for a data range";
  // nothing about the data or the credentials. Profile choice reactivate_resets_locking_sp.
  for (bool resets : {true, false}) {
    INFO("reactivate_resets_locking_sp " << resets);
    auto p = seagate_se4sa530();
    p.reactivate_resets_locking_sp = resets;
    auto d = activated(p);
    REQUIRE(d.run(SetPin{Auth{"Admin1", p.msid}, "Admin1", P32}).status == "ok");
    REQUIRE(d.run(WriteData{1}).status == "ok");
    REQUIRE(d.run(Reactivate{Auth{"Admin1", P32}, {1}, false, std::nullopt}).status == "ok");
    CHECK(d.s.ranges[1].single_user);
    CHECK(d.run(ReadData{1}).data_readable == !resets);        // data erased with the reset
    CHECK((d.cred("Admin1").pin == P32) == !resets);            // Admin1 back to the MSID
    CHECK(d.s.locking_sp_active);
  }
}

TEST_CASE("errata: E-OPAL-SUM-GENKEY GenKey on a SUDR") {
  // "Cryptographic Erase of SUDR ... TCG Erase Method TCG GenKey Method, TCG Erase Method"
  for (bool genkey : {true, false}) {
    INFO("genkey_on_sudr " << genkey);
    auto p = seagate_se4sa530();
    p.genkey_on_sudr = genkey;
    auto d = with_sudr(p);
    REQUIRE(d.run(WriteData{1}).status == "ok");
    for (const char* who : {"User2", "Admin1"})
      CHECK(d.run(GenKey{Auth{who, p.msid}, 1}).status == (genkey ? "ok" : "NOT_AUTHORIZED"));
    CHECK(d.run(ReadData{1}).data_readable == !genkey);
    // either way, not another User, and Erase still works
    CHECK(d.run(GenKey{Auth{"User1", p.msid}, 1}).status == "NOT_AUTHORIZED");
    CHECK(d.run(Erase{Auth{"User2", p.msid}, 1}).status == "ok");
  }
}

TEST_CASE("errata: E-OPAL-SUM-OWNER nine Users own at most nine of ten Locking rows") {
  // "up to 9 user locking ranges" plus the Global range is ten rows; "up to 9 User operators";
  // TCG SUM gives Locking_Range<k> to User<k+1>: Locking_Range9 has no owner.
  auto d = activated(seagate_se4sa530());
  CHECK(d.s.ranges.size() == 10);
  const auto r = d.run(Reactivate{Auth{"Admin1", d.p.msid}, {9}, false, std::nullopt});
  CHECK(r.status == "INVALID_PARAMETER");
  CHECK(r.rule == "OPAL-SUM-5");
  CHECK(d.run(Reactivate{Auth{"Admin1", d.p.msid}, {0, 1, 2, 3, 4, 5, 6, 7, 8}, false, std::nullopt}).status == "ok");
  CHECK(d.cred("User9").enabled);
}

// ---- Opal on the wire (issue 14): the Admin SP and Locking SP on the TCG session layer -------

namespace {
namespace ow = lockref::opal::wire;
using lockref::tcg::Item;
using lockref::tcg::MethodCall;
using lockref::tcg::MethodResult;
using lockref::tcg::Value;
using lockref::Bytes;

Bytes str_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

/// SMUID.StartSession[HostSessionID 1, SPID, Write 1, (HostChallenge = pin, HostSigningAuthority = who)]
/// (TCG Core StartSession; the form sedutil and go-tcg-storage send).
MethodCall start_session(std::uint64_t sp, std::optional<std::pair<std::uint64_t, std::string>> auth = std::nullopt) {
  MethodCall c;
  c.invoking = lockref::tcg::uid_bytes(0x00000000000000FFull);
  c.method = lockref::tcg::uid_bytes(0x000000000000FF02ull);
  c.args = {Value::of_uint(1), Value::of_bytes(lockref::tcg::uid_bytes(sp)), Value::of_uint(1)};
  if (auth) {
    c.args.push_back(Value::of_name(Value::of_uint(0), Value::of_bytes(str_bytes(auth->second))));
    c.args.push_back(Value::of_name(Value::of_uint(3), Value::of_bytes(lockref::tcg::uid_bytes(auth->first))));
  }
  return c;
}
MethodCall call(std::uint64_t object, std::uint64_t method, std::vector<Value> args = {}) {
  MethodCall c;
  c.invoking = lockref::tcg::uid_bytes(object);
  c.method = lockref::tcg::uid_bytes(method);
  c.args = std::move(args);
  return c;
}
/// The Core method status byte a TPer's answer carries (the status list's first element).
std::uint64_t wire_status(const ow::Layer::Out& o) {
  REQUIRE(o.response.size() == 1);
  if (const auto* m = std::get_if<MethodCall>(&o.response[0])) return m->status.at(0);
  return std::get<MethodResult>(o.response[0]).status.at(0);
}
}  // namespace

TEST_CASE("opal wire: a wrong PIN, the Try Limit and lockout as the TPer answers them, per firmware profile") {
  // Seed 000 "Validation - Try Limits and Persistence Settings": SID Try Limit 5, not persistent
  // (SE4SA530); 100, persistent (SGEBHG02). Core §5.1.5: NOT_AUTHORIZED 0x01, AUTHORITY_LOCKED_OUT 0x12.
  struct Case { std::string_view fw; std::uint32_t limit; bool persistent; };
  for (const Case k : {Case{"SE4SA530", 5, false}, Case{"SGEBHG02", 100, true}}) {
    INFO(k.fw);
    const auto p = *lockref::opal::seagate_profile(k.fw);
    auto s = ow::initial(p);
    auto abstract = lockref::opal::Machine::initial(p);
    for (std::uint32_t i = 1; i <= k.limit + 2; ++i) {
      auto o = ow::Layer::on_item(p, s, 0, 0, start_session(ow::admin_sp, std::make_pair(ow::sid, std::string("wrong-pin"))));
      const std::uint64_t want = i <= k.limit ? 0x01 : 0x12;
      CHECK(wire_status(o) == want);
      CHECK_FALSE(o.next.sm.session);
      s = o.next;
      // The abstract machine, given the same attempt, agrees (single source of truth beneath).
      auto a = lockref::opal::Machine::step(p, abstract, lockref::opal::Authenticate{"SID", "wrong-pin"});
      CHECK(a.out.status == o.status);
      abstract = a.next;
    }
    CHECK(s.drive == abstract);
    // At the limit the correct PIN (the MSID) is refused too (E-OPAL-AT-LIMIT default).
    auto o = ow::Layer::on_item(p, s, 0, 0, start_session(ow::admin_sp, std::make_pair(ow::sid, p.msid)));
    CHECK(wire_status(o) == 0x12);
    // A power cycle resets Tries only where the Try Limit is not persistent.
    s.drive = lockref::opal::Machine::step(p, s.drive, lockref::opal::PowerCycle{}).next;
    o = ow::Layer::on_item(p, s, 0, 0, start_session(ow::admin_sp, std::make_pair(ow::sid, p.msid)));
    CHECK(wire_status(o) == (k.persistent ? 0x12u : 0x00u));
  }
}

TEST_CASE("opal wire: take ownership and activate the Locking SP as whole ComPackets in the TCG Core encoding") {
  const auto p = lockref::opal::seagate_se4sa530();
  auto s = ow::initial(p);
  auto exchange = [&](std::uint32_t tsn, std::uint32_t hsn, std::vector<Item> items) {
    auto payload = *lockref::tcg::encode_items(items);
    const auto bytes = *lockref::tcg::encode_compacket(lockref::tcg::ComPacket{0x07FE, 0, 0, 0, {lockref::tcg::Packet{tsn, hsn, 0, 0, 0, {{0, payload}}}}});
    auto w = ow::Layer::on_compacket(p, s, bytes);
    REQUIRE(w);
    s = w->next;
    auto back = lockref::tcg::decode_compacket(w->response);
    REQUIRE(back);
    return *lockref::tcg::decode_items(back->packets.at(0).subpackets.at(0).payload);
  };
  const std::uint64_t get = 0x0000000600000016ull, set = 0x0000000600000017ull, activate = 0x0000000600000203ull;
  // Locking SP is Manufactured-Inactive: StartSession to it is refused with the profile's status.
  auto r = exchange(0, 0, {start_session(ow::locking_sp)});
  CHECK(std::get<MethodCall>(r.at(0)).status.at(0) == *lockref::tcg::method_status_value(p.inactive_sp_status));
  // Anonymous Admin SP session: Get C_PIN_MSID PIN (Cellblock startColumn 3 endColumn 3).
  r = exchange(0, 0, {start_session(ow::admin_sp)});
  REQUIRE(std::get<MethodCall>(r.at(0)).status.at(0) == 0);
  r = exchange(0x1001, 1, {call(ow::c_pin_msid, get, {Value::of_list({Value::of_name(Value::of_uint(3), Value::of_uint(3)),
                                                                          Value::of_name(Value::of_uint(4), Value::of_uint(3))})})});
  const auto& got = std::get<MethodResult>(r.at(0));
  REQUIRE(got.status.at(0) == 0);
  CHECK(got.results.at(0).items.at(0).items.at(1).b == str_bytes(p.msid));
  r = exchange(0x1001, 1, {lockref::tcg::EndOfSession{}});
  // SID with the MSID: set a private SID PIN, then Activate the Locking SP.
  r = exchange(0, 0, {start_session(ow::admin_sp, std::make_pair(ow::sid, p.msid))});
  REQUIRE(std::get<MethodCall>(r.at(0)).status.at(0) == 0);
  const std::string owner = "owner-pin-0123456789";
  r = exchange(0x1001, 1, {call(ow::c_pin_sid, set, {Value::of_name(Value::of_uint(1), Value::of_list({Value::of_name(Value::of_uint(3), Value::of_bytes(str_bytes(owner)))}))})});
  CHECK(std::get<MethodResult>(r.at(0)).status.at(0) == 0);
  r = exchange(0x1001, 1, {call(ow::locking_sp, activate)});
  CHECK(std::get<MethodResult>(r.at(0)).status.at(0) == 0);
  CHECK(s.drive.locking_sp_active);
  exchange(0x1001, 1, {lockref::tcg::EndOfSession{}});
  // The old MSID no longer authenticates SID; the new PIN does; the Locking SP now opens.
  r = exchange(0, 0, {start_session(ow::admin_sp, std::make_pair(ow::sid, p.msid))});
  CHECK(std::get<MethodCall>(r.at(0)).status.at(0) == 0x01);
  r = exchange(0, 0, {start_session(ow::admin_sp, std::make_pair(ow::sid, owner))});
  CHECK(std::get<MethodCall>(r.at(0)).status.at(0) == 0);
  exchange(0x1001, 1, {lockref::tcg::EndOfSession{}});
  r = exchange(0, 0, {start_session(ow::locking_sp)});
  CHECK(std::get<MethodCall>(r.at(0)).status.at(0) == 0);
}

TEST_CASE("opal wire: a method the access matrix refuses is refused at the wire and changes no state") {
  // Seed 000 Security Mode Services: Activate is the Drive Owner's; "LockingSP Admins can set PINs
  // for any non-SUDR User or Locking SP Admin", a User only its own.
  const auto p = lockref::opal::seagate_se4sa530();
  auto s = ow::initial(p);
  auto o = ow::Layer::on_item(p, s, 0, 0, start_session(ow::admin_sp));
  s = o.next;
  auto before = s;
  o = ow::Layer::on_item(p, s, 0x1001, 1, call(ow::locking_sp, 0x0000000600000203ull));
  CHECK(wire_status(o) == 0x01);
  CHECK(o.next == before);
  s.sm = {};
  s.drive = lockref::opal::Machine::step(p, s.drive, lockref::opal::Activate{{"SID", p.msid}}).next;
  REQUIRE(s.drive.locking_sp_active);
  o = ow::Layer::on_item(p, s, 0, 0, start_session(ow::locking_sp, std::make_pair(ow::user_base + 1, p.msid)));
  REQUIRE(wire_status(o) == 0);
  s = o.next;
  before = s;
  const auto set_admin1_pin = call(ow::c_pin_uid("Admin1"), 0x0000000600000017ull,
                                   {Value::of_name(Value::of_uint(1), Value::of_list({Value::of_name(Value::of_uint(3), Value::of_bytes(str_bytes("user-takes-admin1")))}))});
  o = ow::Layer::on_item(p, s, 0x1001, 1, set_admin1_pin);
  CHECK(wire_status(o) == 0x01);
  CHECK(o.next == before);
  // The abstract machine refuses the same event for the same authority with the same status.
  CHECK(lockref::opal::Machine::step(p, s.drive, lockref::opal::SetPin{{"User1", p.msid}, "Admin1", "user-takes-admin1"}).out.status == o.status);
  // User1 may set its own PIN (C_PIN_User1), through the same path.
  const auto set_own = call(ow::c_pin_uid("User1"), 0x0000000600000017ull,
                            {Value::of_name(Value::of_uint(1), Value::of_list({Value::of_name(Value::of_uint(3), Value::of_bytes(str_bytes("user1-private-pin")))}))});
  o = ow::Layer::on_item(p, s, 0x1001, 1, set_own);
  CHECK(wire_status(o) == 0);
  CHECK(lockref::opal::Machine::find(o.next.drive, "User1")->pin == "user1-private-pin");
}


TEST_CASE("opal wire: Reactivate and Erase (Single User Mode) as method calls, refusals with TCG Core status codes") {
  // Seed 000: Reactivate is the LockingSP Admins' ("Enable/Disable Single User Data Range"); Erase
  // erases a SUDR ("Locking SP Admin1-4, User1-9"), a non-SUDR is erased by GenKey; Admins lose
  // Lock/Unlock of a SUDR ("for non-SUDRs"). Core §5.1.5: SUCCESS 0x00, NOT_AUTHORIZED 0x01,
  // INVALID_PARAMETER 0x0C. Method UIDs: Reactivate 00 00 00 06 00 00 08 01, Erase ... 08 03.
  const std::uint64_t reactivate = 0x0000000600000801ull, erase = 0x0000000600000803ull, set = 0x0000000600000017ull;
  const auto p = lockref::opal::seagate_se4sa530();
  auto s = ow::initial(p);
  s.drive = lockref::opal::Machine::step(p, s.drive, lockref::opal::Activate{{"SID", p.msid}}).next;
  REQUIRE(s.drive.locking_sp_active);
  auto open = [&](std::uint64_t who) {
    s.sm = {};
    auto o = ow::Layer::on_item(p, s, 0, 0, start_session(ow::locking_sp, std::make_pair(who, p.msid)));
    REQUIRE(wire_status(o) == 0);
    s = o.next;
  };
  auto in = [&](std::uint64_t obj, std::uint64_t method, std::vector<Value> args = {}) {
    return ow::Layer::on_item(p, s, 0x1001, 1, call(obj, method, std::move(args)));
  };
  const auto selection = [](std::vector<std::uint64_t> rows) {
    std::vector<Value> v;
    for (auto r : rows) v.push_back(Value::of_bytes(lockref::tcg::uid_bytes(r)));
    return Value::of_name(Value::of_uint(0x060000), Value::of_list(std::move(v)));
  };
  const auto policy = [](std::uint64_t v) { return Value::of_name(Value::of_uint(0x060001), Value::of_uint(v)); };
  const std::uint64_t range1 = ow::locking_range_base + 1, range2 = ow::locking_range_base + 2;
  // A User may not Reactivate: refused, nothing changes.
  open(ow::user_base + 1);
  auto before = s;
  auto o = in(ow::this_sp, reactivate, {selection({range1}), policy(0)});
  CHECK(wire_status(o) == 0x01);
  CHECK(o.next == before);
  // Admin1: malformed parameters are INVALID_PARAMETER (policy 2; DataStoreTableSizes not modelled;
  // a selection naming no Locking object).
  open(ow::locking_admin_base + 1);
  before = s;
  for (auto bad : {std::vector<Value>{selection({range1}), policy(2)},
                   std::vector<Value>{Value::of_name(Value::of_uint(0x060003), Value::of_list({Value::of_uint(1024)}))},
                   std::vector<Value>{selection({ow::c_pin_sid})}}) {
    o = in(ow::this_sp, reactivate, bad);
    CHECK(wire_status(o) == 0x0C);
    CHECK(o.next == before);
  }
  // Reactivate with Locking_Range1 single-user: SUCCESS, the session ends (the Locking SP starts over).
  o = in(ow::this_sp, reactivate, {selection({range1}), policy(0)});
  CHECK(wire_status(o) == 0);
  CHECK_FALSE(o.next.sm.session);
  s = o.next;
  CHECK(s.drive.ranges[1].single_user);
  // Admin1 may not unlock the SUDR; may not Erase a non-SUDR; may Erase the SUDR; GenKey the non-SUDR.
  open(ow::locking_admin_base + 1);
  before = s;
  o = in(range1, set, {Value::of_name(Value::of_uint(1), Value::of_list({Value::of_name(Value::of_uint(7), Value::of_uint(0))}))});
  CHECK(wire_status(o) == 0x01);
  CHECK(o.next == before);
  o = in(range2, erase);
  CHECK(wire_status(o) == 0x01);
  CHECK(o.next == before);
  o = in(range1, erase);
  CHECK(wire_status(o) == 0);
  CHECK(o.next.drive.ranges[1].mek == before.drive.ranges[1].mek + 1);
  s = o.next;
  o = in(ow::k_aes_range_base + 2, 0x0000000600000010ull);
  CHECK(wire_status(o) == 0);
  s = o.next;
  // User1 is not Locking_Range1's owner; User2 is.
  open(ow::user_base + 1);
  before = s;
  o = in(range1, erase);
  CHECK(wire_status(o) == 0x01);
  CHECK(o.next == before);
  open(ow::user_base + 2);
  o = in(range1, erase);
  CHECK(wire_status(o) == 0);
  // The abstract machine, given the same events, gives the same statuses (one source of truth).
  CHECK(lockref::opal::Machine::step(p, before.drive, lockref::opal::Erase{{"User1", p.msid}, 1}).out.status == "NOT_AUTHORIZED");
  CHECK(lockref::opal::Machine::step(p, before.drive, lockref::opal::Erase{{"User2", p.msid}, 1}).next == o.next.drive);
  // LockingInfo in an anonymous Locking SP session: SingleUserModeRanges (0x060000) lists
  // Locking_Range1's UID, RangeStartLengthPolicy (0x060001) is 0 (User Ownership).
  s = o.next;
  s.sm = {};
  o = ow::Layer::on_item(p, s, 0, 0, start_session(ow::locking_sp));
  REQUIRE(wire_status(o) == 0);
  s = o.next;
  o = in(0x0000080100000001ull, 0x0000000600000016ull,
         {Value::of_list({Value::of_name(Value::of_uint(3), Value::of_uint(0x060000)), Value::of_name(Value::of_uint(4), Value::of_uint(0x060001))})});
  REQUIRE(wire_status(o) == 0);
  const auto& cols = std::get<MethodResult>(o.response.at(0)).results.at(0).items;
  REQUIRE(cols.size() == 2);
  CHECK(cols[0].items.at(0).u == 0x060000);
  REQUIRE(cols[0].items.at(1).items.size() == 1);
  CHECK(cols[0].items.at(1).items[0].b == lockref::tcg::uid_bytes(0x0000080200030001ull));
  CHECK(cols[1].items.at(0).u == 0x060001);
  CHECK(cols[1].items.at(1).u == 0);
  // ... but nothing else in that session
  CHECK(wire_status(in(range1, erase)) == 0x01);
}


// ---- issue 14, session 6: the Global range, Activate with a single-user selection, the
// Authority table's Enabled column at the wire ----------------------------------------------

namespace {
/// Method UIDs (TCG Core Table 240 / Opal SSC: Get 00 00 00 06 00 00 00 16, Set ... 00 17,
/// Activate ... 02 03) and the objects these tests address (Opal SSC: Locking_GlobalRange
/// 00 00 08 02 00 00 00 01, Locking_Range1 00 00 08 02 00 03 00 01, Makers 00 00 00 09 00 00 00 03,
/// User1 00 00 00 09 00 03 00 01).
constexpr std::uint64_t m_get = 0x0000000600000016ull, m_set = 0x0000000600000017ull, m_activate = 0x0000000600000203ull;
constexpr std::uint64_t global_range = 0x0000080200000001ull, range1_uid = 0x0000080200030001ull;
constexpr std::uint64_t makers_uid = 0x0000000900000003ull, user1_uid = 0x0000000900030001ull, user2_uid = 0x0000000900030002ull;
constexpr std::uint64_t admin1_uid = 0x0000000900010001ull, sid_uid = 0x0000000900000006ull;

/// Set[Values = [ col = v ... ]] (TCG Core Set; Values is parameter 1).
Value set_values(std::vector<std::pair<std::uint64_t, Value>> cols) {
  std::vector<Value> v;
  for (auto& [c, x] : cols) v.push_back(Value::of_name(Value::of_uint(c), std::move(x)));
  return Value::of_name(Value::of_uint(1), Value::of_list(std::move(v)));
}
/// Get[Cellblock startColumn = a, endColumn = b].
Value cellblock(std::uint64_t a, std::uint64_t b) {
  return Value::of_list({Value::of_name(Value::of_uint(3), Value::of_uint(a)), Value::of_name(Value::of_uint(4), Value::of_uint(b))});
}

struct WireDrive {
  lockref::opal::Profile p = lockref::opal::seagate_se4sa530();
  ow::State s = ow::initial(p);
  ow::Layer::Out open(std::uint64_t sp, std::optional<std::pair<std::uint64_t, std::string>> who) {
    s.sm = {};
    auto o = ow::Layer::on_item(p, s, 0, 0, start_session(sp, std::move(who)));
    s = o.next;
    return o;
  }
  /// One method in the open session; the state advances as the TPer's would.
  ow::Layer::Out in(std::uint64_t obj, std::uint64_t method, std::vector<Value> args = {}) {
    auto o = ow::Layer::on_item(p, s, 0x1001, 1, call(obj, method, std::move(args)));
    s = o.next;
    return o;
  }
  void activate() {
    s.drive = lockref::opal::Machine::step(p, s.drive, lockref::opal::Activate{{"SID", p.msid}}).next;
    REQUIRE(s.drive.locking_sp_active);
  }
};
}  // namespace

TEST_CASE("opal wire: Set on Locking_GlobalRange maps onto the Global range (row 0), refusals with TCG Core codes") {
  // Seed 000 Authenticated Services: "Set Range Attributes for non-SUDR ... LockingSP Admin1-4";
  // "Lock / Unlock User Data Range ... User1-9, Locking SP Admin1-4"; "User Data Read / Write ...
  // None* (Data Range has to be Unlocked)". Core status: SUCCESS 0x00, NOT_AUTHORIZED 0x01,
  // INVALID_PARAMETER 0x0C.
  WireDrive d;
  d.activate();
  // Anonymous: nothing of the Global range may be set.
  REQUIRE(wire_status(d.open(ow::locking_sp, std::nullopt)) == 0);
  auto before = d.s;
  CHECK(wire_status(d.in(global_range, m_set, {set_values({{7, Value::of_uint(1)}})})) == 0x01);
  CHECK(d.s == before);
  // Admin1: ReadLockEnabled, WriteLockEnabled, ReadLocked, WriteLocked in one Set (linux sed-opal's
  // generic_lr_enable_disable form), then LockOnReset = [0] (Power Cycle, seed 000 step 8's form).
  REQUIRE(wire_status(d.open(ow::locking_sp, std::make_pair(admin1_uid, d.p.msid))) == 0);
  CHECK(wire_status(d.in(global_range, m_set, {set_values({{5, Value::of_uint(1)}, {6, Value::of_uint(1)}, {7, Value::of_uint(1)}, {8, Value::of_uint(1)}})})) == 0);
  const auto& g = d.s.drive.ranges.at(0);
  CHECK((g.read_lock_enabled && g.write_lock_enabled && g.read_locked && g.write_locked));
  CHECK(d.s.drive.ranges.at(1) == lockref::opal::Range{});  // Locking_Range1 untouched
  // Locked: the abstract drive refuses data access to the Global range.
  CHECK(lockref::opal::Machine::step(d.p, d.s.drive, lockref::opal::ReadData{0}).out.status == "ACCESS_DENIED");
  // The Global range spans the medium: RangeStart / RangeLength are refused, nothing changes.
  before = d.s;
  CHECK(wire_status(d.in(global_range, m_set, {set_values({{3, Value::of_uint(0)}, {4, Value::of_uint(4096)}})})) == 0x0C);
  CHECK(d.s == before);
  // A boolean column outside 0/1 is INVALID_PARAMETER.
  CHECK(wire_status(d.in(global_range, m_set, {set_values({{7, Value::of_uint(2)}})})) == 0x0C);
  CHECK(d.s == before);
  // Unlock, LockOnReset = [0]; a power cycle locks the Global range again (Opal LockOnReset).
  CHECK(wire_status(d.in(global_range, m_set, {set_values({{7, Value::of_uint(0)}, {8, Value::of_uint(0)}})})) == 0);
  CHECK(wire_status(d.in(global_range, m_set, {set_values({{9, Value::of_list({Value::of_uint(0)})}})})) == 0);
  CHECK(d.s.drive.ranges.at(0).lock_on_reset);
  CHECK_FALSE(d.s.drive.ranges.at(0).read_locked);
  d.s.drive = lockref::opal::Machine::step(d.p, d.s.drive, lockref::opal::PowerCycle{}).next;
  CHECK((d.s.drive.ranges.at(0).read_locked && d.s.drive.ranges.at(0).write_locked));
  // User1 has no access to the Global range (no User access right set): it may neither set its
  // attributes (Admins only) nor unlock it; the mixed Set changes nothing (all or nothing).
  REQUIRE(wire_status(d.open(ow::locking_sp, std::make_pair(user1_uid, d.p.msid))) == 0);
  before = d.s;
  CHECK(wire_status(d.in(global_range, m_set, {set_values({{7, Value::of_uint(0)}})})) == 0x01);
  CHECK(wire_status(d.in(global_range, m_set, {set_values({{5, Value::of_uint(0)}, {7, Value::of_uint(0)}})})) == 0x01);
  CHECK(d.s == before);
  // The wire and the abstract machine agree on the same refusal.
  CHECK(lockref::opal::Machine::step(d.p, d.s.drive, lockref::opal::LockRange{{"User1", d.p.msid}, 0, false, {}}).out.status == "NOT_AUTHORIZED");
}

TEST_CASE("opal wire: Activate with a SingleUserModeSelectionList (sedutil activateLockingSP_SUM) classifies SUDRs") {
  // sedutil DtaDevOpal::activateLockingSP_SUM: LockingSP.Activate in an Admin SP session as SID,
  // parameters 06 00 00 = [Locking object UIDs] or the Locking table UID, 06 00 01 = policy.
  // Seed 000: a SUDR is locked/unlocked by its owner only ("Locking SP Admin1-4 (for non-SUDRs)").
  auto selection = [](std::vector<std::uint64_t> rows) {
    std::vector<Value> v;
    for (auto r : rows) v.push_back(Value::of_bytes(lockref::tcg::uid_bytes(r)));
    return Value::of_name(Value::of_uint(0x060000), Value::of_list(std::move(v)));
  };
  const auto policy = Value::of_name(Value::of_uint(0x060001), Value::of_uint(0));
  {
    WireDrive d;
    REQUIRE(wire_status(d.open(ow::admin_sp, std::make_pair(sid_uid, d.p.msid))) == 0);
    auto before = d.s;
    // Locking_Range9's owner would be User10: the profile has nine Users (E-OPAL-SUM-OWNER).
    CHECK(wire_status(d.in(ow::locking_sp, m_activate, {selection({0x0000080200030009ull}), policy})) == 0x0C);
    // DataStoreTableSizes (06 00 03 in sedutil's SUM Activate) is not modelled.
    CHECK(wire_status(d.in(ow::locking_sp, m_activate, {selection({range1_uid}), Value::of_name(Value::of_uint(0x060003), Value::of_list({Value::of_uint(1024)}))})) == 0x0C);
    // A selection naming no Locking object.
    CHECK(wire_status(d.in(ow::locking_sp, m_activate, {Value::of_name(Value::of_uint(0x060000), Value::of_list({Value::of_bytes(lockref::tcg::uid_bytes(makers_uid))}))})) == 0x0C);
    CHECK(d.s == before);
    CHECK(wire_status(d.in(ow::locking_sp, m_activate, {selection({range1_uid}), policy})) == 0);
    CHECK(d.s.drive.locking_sp_active);
    CHECK(d.s.drive.ranges.at(1).single_user);
    CHECK_FALSE(d.s.drive.ranges.at(0).single_user);
    CHECK(lockref::opal::Machine::find(d.s.drive, "User2")->enabled);
    // Activate again: the Locking SP is Manufactured already.
    CHECK(wire_status(d.in(ow::locking_sp, m_activate, {selection({range1_uid}), policy})) == 0x0C);
    // Admin1 may not unlock the SUDR; its owner User2 may.
    REQUIRE(wire_status(d.open(ow::locking_sp, std::make_pair(admin1_uid, d.p.msid))) == 0);
    CHECK(wire_status(d.in(range1_uid, m_set, {set_values({{7, Value::of_uint(1)}})})) == 0x01);
    REQUIRE(wire_status(d.open(ow::locking_sp, std::make_pair(user2_uid, d.p.msid))) == 0);
    CHECK(wire_status(d.in(range1_uid, m_set, {set_values({{7, Value::of_uint(1)}})})) == 0);
  }
  {
    // The Locking table UID selects every row the profile's Users can own (here all ten rows
    // would need User10: refused); a profile with two ranges and nine Users accepts it.
    WireDrive d;
    d.p.ranges = 2;
    d.s = ow::initial(d.p);
    REQUIRE(wire_status(d.open(ow::admin_sp, std::make_pair(sid_uid, d.p.msid))) == 0);
    CHECK(wire_status(d.in(ow::locking_sp, m_activate, {Value::of_name(Value::of_uint(0x060000), Value::of_bytes(lockref::tcg::uid_bytes(ow::locking_table))), policy})) == 0);
    CHECK((d.s.drive.ranges.at(0).single_user && d.s.drive.ranges.at(1).single_user && d.s.drive.ranges.at(2).single_user));
  }
  {
    // Only the Activate row's operator: User1 cannot even open the Admin SP; an anonymous
    // session is refused; with activate_sum = false the selection is refused (E-OPAL-SUM-ACTIVATE).
    WireDrive d;
    REQUIRE(wire_status(d.open(ow::admin_sp, std::nullopt)) == 0);
    CHECK(wire_status(d.in(ow::locking_sp, m_activate, {selection({range1_uid}), policy})) == 0x01);
    d.p.activate_sum = false;
    REQUIRE(wire_status(d.open(ow::admin_sp, std::make_pair(sid_uid, d.p.msid))) == 0);
    CHECK(wire_status(d.in(ow::locking_sp, m_activate, {selection({range1_uid}), policy})) == 0x0C);
    CHECK_FALSE(d.s.drive.locking_sp_active);
    CHECK(wire_status(d.in(ow::locking_sp, m_activate)) == 0);  // a plain Activate still works
  }
}

TEST_CASE("opal wire: the Authority table's Enabled column, Get and Set, per the access matrix") {
  // Seed 000: setup step 7 "disable makers authority" by the Drive Owner; "Enable/Disable
  // LockingSP Admin(s), non-SUDR User(s) | LockingSP Admin1-4". TCG Core Authority table:
  // Enabled is column 5 (sedutil enableUser sends 05 = TRUE).
  WireDrive d;
  REQUIRE(wire_status(d.open(ow::admin_sp, std::make_pair(sid_uid, d.p.msid))) == 0);
  auto o = d.in(makers_uid, m_get, {cellblock(5, 5)});
  REQUIRE(wire_status(o) == 0);
  auto cols = std::get<MethodResult>(o.response.at(0)).results.at(0).items;
  REQUIRE(cols.size() == 1);
  CHECK(cols[0].items.at(0).u == 5);
  CHECK(cols[0].items.at(1).u == 1);  // Makers is enabled out of the box (step 7 disables it)
  CHECK(wire_status(d.in(makers_uid, m_set, {set_values({{5, Value::of_uint(0)}})})) == 0);
  CHECK_FALSE(d.s.drive.makers_enabled);
  o = d.in(makers_uid, m_get, {cellblock(5, 5)});
  CHECK(std::get<MethodResult>(o.response.at(0)).results.at(0).items.at(0).items.at(1).u == 0);
  // Enabled is a boolean; other columns are not modelled.
  auto before = d.s;
  CHECK(wire_status(d.in(makers_uid, m_set, {set_values({{5, Value::of_uint(2)}})})) == 0x0C);
  CHECK(wire_status(d.in(makers_uid, m_set, {set_values({{2, Value::of_bytes(str_bytes("x"))}})})) == 0x0C);
  CHECK(d.s == before);
  // Locking SP: Admin1 disables User1; User1 can then no longer start a session.
  d.activate();
  REQUIRE(wire_status(d.open(ow::locking_sp, std::make_pair(user1_uid, d.p.msid))) == 0);
  before = d.s;
  CHECK(wire_status(d.in(user2_uid, m_set, {set_values({{5, Value::of_uint(0)}})})) == 0x01);  // a User may not
  CHECK(wire_status(d.in(user1_uid, m_get, {cellblock(5, 5)})) == 0x01);
  CHECK(d.s == before);
  REQUIRE(wire_status(d.open(ow::locking_sp, std::make_pair(admin1_uid, d.p.msid))) == 0);
  CHECK(wire_status(d.in(user1_uid, m_set, {set_values({{5, Value::of_uint(0)}})})) == 0);
  o = d.in(user1_uid, m_get, {cellblock(0, 10)});
  REQUIRE(wire_status(o) == 0);
  CHECK(std::get<MethodResult>(o.response.at(0)).results.at(0).items.at(0).items.at(1).u == 0);
  CHECK(wire_status(d.open(ow::locking_sp, std::make_pair(user1_uid, d.p.msid))) == 0x01);
  // The same refusal from the abstract machine (one source of truth).
  CHECK(lockref::opal::Machine::step(d.p, d.s.drive, lockref::opal::SetEnabled{{"User1", d.p.msid}, "User2", false}).out.status == "NOT_AUTHORIZED");
}


TEST_CASE("errata: E-OPAL-PSID-SESSION the guide's unauthenticated PSID revert is a PSID-authenticated session at the wire") {
  // Seed 000 Unauthenticated Services: "Exit CC Security Mode ... None (using PSID) ...
  // AdminSP.RevertSP() AdminSPObj.Revert()". TCG Core: a method is authorized by the authorities
  // of its session; PSID is an Authority (UID 00 00 00 09 00 01 FF 01) proven by its C_PIN
  // (HostChallenge = the label's PSID). Methods: Revert 00 00 00 06 00 00 02 02, RevertSP ... 00 11.
  constexpr std::uint64_t revert = 0x0000000600000202ull, revert_sp = 0x0000000600000011ull;
  constexpr std::uint64_t psid_uid = 0x000000090001FF01ull;
  WireDrive d;
  d.activate();
  // Anonymous ("None"): both revert forms are refused, nothing changes.
  REQUIRE(wire_status(d.open(ow::admin_sp, std::nullopt)) == 0);
  auto before = d.s;
  CHECK(wire_status(d.in(ow::admin_sp, revert)) == 0x01);
  CHECK(wire_status(d.in(ow::this_sp, revert_sp)) == 0x01);
  CHECK(d.s == before);
  // PSID with the MSID: a wrong PIN (NOT_AUTHORIZED), no session.
  CHECK(wire_status(d.open(ow::admin_sp, std::make_pair(psid_uid, d.p.msid))) == 0x01);
  // PSID with the label's value: AdminSP.RevertSP() reverts the TPer; the session ends.
  REQUIRE(wire_status(d.open(ow::admin_sp, std::make_pair(psid_uid, d.p.psid_pin))) == 0);
  CHECK(wire_status(d.in(ow::this_sp, revert_sp)) == 0);
  CHECK_FALSE(d.s.drive.locking_sp_active);
  CHECK_FALSE(d.s.sm.session);
  // The Drive Owner's "TCG LockingSPObj.Revert()": Revert on the Locking SP object from an Admin
  // SP session as SID; the Admin SP session goes on.
  d.activate();
  REQUIRE(wire_status(d.open(ow::admin_sp, std::make_pair(sid_uid, d.p.msid))) == 0);
  CHECK(wire_status(d.in(ow::locking_sp, revert)) == 0);
  CHECK_FALSE(d.s.drive.locking_sp_active);
  CHECK(d.s.sm.session);
}

TEST_CASE("errata: E-OPAL-SUM-ACTIVATE the guide classifies SUDRs by Reactivate only, Activate with a selection is a profile choice") {
  // Seed 000 lists "Enable/Disable Single User Data Range (SUDR) ... LockingSP Admin1-4 ... TCG
  // Reactivate Method" and no Activate with a selection; sedutil's activateLockingSP_SUM sends one.
  for (const bool accept : {true, false}) {
    INFO(accept);
    auto p = lockref::opal::seagate_se4sa530();
    p.activate_sum = accept;
    auto s = lockref::opal::Machine::initial(p);
    auto r = lockref::opal::Machine::step(p, s, lockref::opal::ActivateSum{{"SID", p.msid}, {1}, false});
    CHECK(r.out.status == (accept ? "ok" : "INVALID_PARAMETER"));
    CHECK(r.next.locking_sp_active == accept);
    CHECK(r.next.ranges.at(1).single_user == accept);
    // Either way the guide's path works: Activate, then Reactivate by Admin1.
    s = lockref::opal::Machine::step(p, s, lockref::opal::Activate{{"SID", p.msid}}).next;
    r = lockref::opal::Machine::step(p, s, lockref::opal::Reactivate{{"Admin1", p.msid}, {1}, false, std::nullopt});
    CHECK(r.out.status == "ok");
    CHECK(r.next.ranges.at(1).single_user);
  }
  // Only the Activate row's operator (Drive Owner) may: Admin1 is refused even with the profile's yes.
  const auto p = lockref::opal::seagate_se4sa530();
  CHECK(lockref::opal::Machine::step(p, lockref::opal::Machine::initial(p), lockref::opal::ActivateSum{{"Admin1", p.msid}, {1}, false}).out.status != "ok");
}


TEST_CASE("opal: the drive must be personalized: SID starts as the MSID anyone reads, CC mode needs a private SID") {
  // Seed 000 "Protection of Data on Disk": "The initial value for SID and various other PINs is a
  // 32- byte manufactured SID (MSID) ... The drive must be "personalized" to change the initial
  // value of the SID to private values. Once the administrator takes ownership of the drive the
  // SID value is set to the administrator configured value."
  namespace o = lockref::opal;
  const auto p = o::seagate_se4sa530();
  auto s = o::Machine::initial(p);
  // Not personalized: the MSID is public (GetMsid needs no authority) and it is SID's PIN.
  const auto msid = o::Machine::step(p, s, o::GetMsid{}).out.msid;
  REQUIRE(msid);
  CHECK(msid->size() == 32);
  CHECK(o::Machine::step(p, s, o::Authenticate{"SID", *msid}).out.status == "ok");
  const auto missing = o::cc_report(p, s).missing;
  CHECK(std::find(missing.begin(), missing.end(), "sid_private") != missing.end());
  // Personalized: SID set to a private value; the MSID no longer authenticates SID, the new one
  // does, and the CC condition on the SID holds.
  const std::string owner(o::Machine::guide_pin);
  s = o::Machine::step(p, s, o::SetPin{{"SID", *msid}, "SID", owner}).next;
  CHECK(o::Machine::step(p, s, o::Authenticate{"SID", *msid}).out.status == "NOT_AUTHORIZED");
  CHECK(o::Machine::step(p, s, o::Authenticate{"SID", owner}).out.status == "ok");
  const auto after = o::cc_report(p, s).missing;
  CHECK(std::find(after.begin(), after.end(), "sid_private") == after.end());
  // ... and the MSID read still answers the MSID (it is not the SID's PIN any more).
  CHECK(o::Machine::step(p, s, o::GetMsid{}).out.msid == msid);
}


TEST_CASE("opal wire: the DataStore byte table, Set[Where, Values] and Get[startRow, endRow], Admins only") {
  // Linux sed-opal's DataStore write/read (OPAL_DATASTORE 00 00 10 01 00 00 00 00): Set[Where (0) =
  // offset, Values (1) = bytes], Get[Cellblock startRow (1), endRow (2)]. TCG Core: a byte table
  // holds what was written; a Set or Get past its end is INVALID_PARAMETER; an answer too large
  // is RESPONSE_OVERFLOW (0x11). The guide has no DataStore row: Admins only (OPAL-DS-1, model).
  constexpr std::uint64_t ds = 0x0000100100000000ull, revert_sp = 0x0000000600000011ull;
  auto write = [](std::uint64_t where, lockref::Bytes b) {
    return std::vector<Value>{Value::of_name(Value::of_uint(0), Value::of_uint(where)), Value::of_name(Value::of_uint(1), Value::of_bytes(std::move(b)))};
  };
  auto rows = [](std::uint64_t a, std::uint64_t b) {
    return std::vector<Value>{Value::of_list({Value::of_name(Value::of_uint(1), Value::of_uint(a)), Value::of_name(Value::of_uint(2), Value::of_uint(b))})};
  };
  auto bytes_of = [](const ow::Layer::Out& o) { return std::get<MethodResult>(o.response.at(0)).results.at(0).b; };
  WireDrive d;
  // A 64 KiB table keeps the state copies cheap (the default is the real drives' 10 MiB); the
  // bounds below are the profile's, whatever its size.
  d.p.datastore_size = 65536;
  d.activate();
  const lockref::Bytes hello{'h', 'e', 'l', 'l', 'o'};
  // Not an Admin: anonymous and User1 are refused, nothing changes.
  REQUIRE(wire_status(d.open(ow::locking_sp, std::nullopt)) == 0);
  auto before = d.s;
  CHECK(wire_status(d.in(ds, m_set, write(0, hello))) == 0x01);
  REQUIRE(wire_status(d.open(ow::locking_sp, std::make_pair(user1_uid, d.p.msid))) == 0);
  before = d.s;
  CHECK(wire_status(d.in(ds, m_set, write(0, hello))) == 0x01);
  CHECK(wire_status(d.in(ds, m_get, rows(0, 4))) == 0x01);
  CHECK(d.s == before);
  // Admin1 writes "hello" at 100 and reads back 98..106: zeros, hello, zeros.
  REQUIRE(wire_status(d.open(ow::locking_sp, std::make_pair(admin1_uid, d.p.msid))) == 0);
  CHECK(wire_status(d.in(ds, m_set, write(100, hello))) == 0);
  auto o = d.in(ds, m_get, rows(98, 106));
  REQUIRE(wire_status(o) == 0);
  CHECK(bytes_of(o) == lockref::Bytes{0, 0, 'h', 'e', 'l', 'l', 'o', 0, 0});
  // Overwrite two bytes; the last bytes of the table are writable, one past them is not.
  CHECK(wire_status(d.in(ds, m_set, write(101, {'E', 'L'}))) == 0);
  CHECK(bytes_of(d.in(ds, m_get, rows(100, 104))) == lockref::Bytes{'h', 'E', 'L', 'l', 'o'});
  const std::uint64_t last = d.p.datastore_size - 1;
  CHECK(wire_status(d.in(ds, m_set, write(last, {0x7f}))) == 0);
  CHECK(bytes_of(d.in(ds, m_get, rows(last, last))) == lockref::Bytes{0x7f});
  before = d.s;
  CHECK(wire_status(d.in(ds, m_set, write(last, {1, 2}))) == 0x0C);
  CHECK(wire_status(d.in(ds, m_get, rows(last, last + 1))) == 0x0C);
  CHECK(wire_status(d.in(ds, m_get, rows(10, 9))) == 0x0C);
  // More than one token's worth (MaxIndTokenSize 1992) in one answer: RESPONSE_OVERFLOW.
  CHECK(wire_status(d.in(ds, m_get, rows(0, 4095))) == 0x11);
  CHECK(d.s == before);
  // RevertSP takes the Locking SP, its DataStore included, back to the factory.
  CHECK(wire_status(d.in(ow::this_sp, revert_sp)) == 0);
  CHECK(d.s.drive.datastore.empty());
  // The abstract machine answers the same read of a fresh Locking SP with zeros.
  d.activate();
  const auto r = lockref::opal::Machine::step(d.p, d.s.drive, lockref::opal::DataStoreRead{{"Admin1", d.p.msid}, 100, 5});
  REQUIRE(r.out.data);
  CHECK(*r.out.data == lockref::Bytes(5, 0));
}


TEST_CASE("errata: E-OPAL-ACTIVATE-ADMIN1-PIN Admin1's PIN after taking ownership, then Activate") {
  // Seed 000: "The initial value for SID and various other PINs is a 32- byte manufactured SID
  // (MSID)". sedutil initialSetup (the host tools' order): take ownership (SID := new PIN),
  // Activate, then open the Locking SP as Admin1 with that same new PIN.
  const std::string owner = "owner-pin-0123456789";
  const auto set_sid = call(ow::c_pin_sid, m_set, {set_values({{3, Value::of_bytes(str_bytes(owner))}})});
  for (const bool copies : {false, true}) {
    INFO(copies);
    WireDrive d;
    d.p.activate_copies_sid_pin = copies;
    REQUIRE(wire_status(d.open(ow::admin_sp, std::make_pair(sid_uid, d.p.msid))) == 0);
    auto o = ow::Layer::on_item(d.p, d.s, 0x1001, 1, set_sid);
    REQUIRE(wire_status(o) == 0);
    d.s = o.next;
    REQUIRE(wire_status(d.in(ow::locking_sp, m_activate)) == 0);
    const auto with_owner = d.open(ow::locking_sp, std::make_pair(admin1_uid, owner));
    CHECK(wire_status(with_owner) == (copies ? 0x00u : 0x01u));
    const auto with_msid = d.open(ow::locking_sp, std::make_pair(admin1_uid, d.p.msid));
    CHECK(wire_status(with_msid) == (copies ? 0x01u : 0x00u));
  }
}


// ---- what tools/mutate.py's ctest sample found unchecked in opal/wire.hpp (spec/mutation) ------

TEST_CASE("opal wire: the Admin SP's Admin1-4 authorities are addressable by their Authority UIDs, Admin5 is not") {
  // Seed 000 Try Limits table: "Admin SP Admin 1-4 Passwords (BEV)". Opal SSC Admin SP Authority
  // table: Admin<k> is 00 00 00 09 00 00 02 0k; TCG Core Authority table column Enabled = 5.
  // OPAL-WIRE-AUTHORITY: "an unknown Authority is INVALID_PARAMETER" (0x0C).
  constexpr std::uint64_t admin_sp_admin = 0x0000000900000200ull;
  WireDrive d;
  REQUIRE(wire_status(d.open(ow::admin_sp, std::make_pair(sid_uid, d.p.msid))) == 0);
  for (std::uint64_t k = 1; k <= 4; ++k) {
    INFO("AdminSP Admin" << k);
    auto o = d.in(admin_sp_admin + k, m_get, {cellblock(5, 5)});
    REQUIRE(wire_status(o) == 0);
    CHECK(std::get<MethodResult>(o.response.at(0)).results.at(0).items.at(0).items.at(1).u == 0);  // disabled from the factory
    CHECK(wire_status(d.in(admin_sp_admin + k, m_set, {set_values({{5, Value::of_uint(1)}})})) == 0);
  }
  auto before = d.s;
  CHECK(wire_status(d.in(admin_sp_admin + 5, m_set, {set_values({{5, Value::of_uint(1)}})})) == 0x0C);
  CHECK(d.s == before);
  // Enabled, AdminSP Admin4 authenticates with its C_PIN (the MSID from the factory).
  CHECK(wire_status(d.open(ow::admin_sp, std::make_pair(admin_sp_admin + 4, d.p.msid))) == 0);
  const auto v = ow::Machine::observe(d.p, d.s);
  CHECK(v.session_authorities == std::vector<std::string>{"AdminSP.Admin4"});
}

TEST_CASE("opal wire: an answer names the requirement the drive decided it by") {
  // Each expected rule is the requirement whose quoted guide text governs the case
  // (spec/requirements/opal.json), as tests/test_mutants_opal.cpp checks for the abstract drive:
  // OPAL-SP-1 "the activate method of the Locking SP". A StartSession is the session layer's:
  // TCG-AUTH-2 "A wrong PIN counts a Try in the authority's C_PIN: StartSession fails NOT_AUTHORIZED".
  WireDrive d;
  auto o = d.open(ow::admin_sp, std::make_pair(sid_uid, std::string("wrong-pin")));
  CHECK(wire_status(o) == 0x01);
  CHECK(o.rule == "TCG-AUTH-2");
  REQUIRE(wire_status(d.open(ow::admin_sp, std::make_pair(sid_uid, d.p.msid))) == 0);
  o = d.in(ow::locking_sp, m_activate);
  CHECK(wire_status(o) == 0);
  CHECK(o.rule == "OPAL-SP-1");
}

TEST_CASE("opal wire: SP methods are invoked on ThisSP of the SP they act on, or are not modelled") {
  // TCG Core: RevertSP and Reactivate are SP methods, invoked on ThisSP (00 00 00 00 00 00 00 01);
  // Reactivate is a Locking SP method (Opal Feature Set: Single User Mode). A method call the
  // model does not map is INVALID_PARAMETER (0x0C, rule OPAL-WIRE-UNMAPPED) and changes nothing.
  constexpr std::uint64_t revert_sp = 0x0000000600000011ull, reactivate = 0x0000000600000801ull;
  WireDrive d;
  d.activate();
  REQUIRE(wire_status(d.open(ow::locking_sp, std::make_pair(admin1_uid, d.p.msid))) == 0);
  auto before = d.s;
  for (const auto method : {revert_sp, reactivate}) {
    INFO(std::hex << method);
    const auto o = d.in(global_range, method);  // a Locking SP object that is not ThisSP
    CHECK(wire_status(o) == 0x0C);
    CHECK(o.rule == "OPAL-WIRE-UNMAPPED");
    CHECK(d.s == before);
  }
  // Reactivate from an Admin SP session, on ThisSP, is not the Locking SP's method either.
  REQUIRE(wire_status(d.open(ow::admin_sp, std::make_pair(sid_uid, d.p.msid))) == 0);
  before = d.s;
  const auto o = d.in(ow::this_sp, reactivate);
  CHECK(wire_status(o) == 0x0C);
  CHECK(o.rule == "OPAL-WIRE-UNMAPPED");
  CHECK(d.s == before);
  CHECK(d.s.drive.locking_sp_active);
}

TEST_CASE("opal wire: GenKey on each of the nine range keys changes that range's key only") {
  // Seed 000 "up to 9 user locking ranges", [GENKEY] "Change DEK" (Crypto Erase, LockingSP
  // Admin1-4); Opal SSC Locking SP K_AES_256_Range<k>_Key is 00 00 08 06 00 03 00 0k.
  constexpr std::uint64_t gen_key = 0x0000000600000010ull, k_aes_range = 0x0000080600030000ull;
  WireDrive d;
  d.activate();
  REQUIRE(d.s.drive.ranges.size() == 10);
  REQUIRE(wire_status(d.open(ow::locking_sp, std::make_pair(admin1_uid, d.p.msid))) == 0);
  for (std::uint64_t k = 1; k <= 9; ++k) {
    INFO("Locking_Range" << k);
    const auto before = d.s.drive.ranges;
    CHECK(wire_status(d.in(k_aes_range + k, gen_key)) == 0);
    for (std::size_t r = 0; r < before.size(); ++r) CHECK((d.s.drive.ranges[r].mek != before[r].mek) == (r == k));
  }
  const auto before = d.s;
  CHECK(wire_status(d.in(k_aes_range + 10, gen_key)) == 0x0C);  // no tenth range
  CHECK(d.s == before);
}

TEST_CASE("opal wire: a DataStore Set without bytes, or with column values, is INVALID_PARAMETER") {
  // Linux sed-opal's DataStore write: Set[Where (0) = offset, Values (1) = bytes]. TCG-METHOD-3 "Set
  // takes Values (1 = column-value pairs, or bytes for a byte table); without it ... INVALID_PARAMETER";
  // a byte table has no columns: column values are INVALID_PARAMETER too (0x0C; OPAL-DS-1).
  constexpr std::uint64_t ds = 0x0000100100000000ull;
  WireDrive d;
  d.p.datastore_size = 4096;
  d.activate();
  REQUIRE(wire_status(d.open(ow::locking_sp, std::make_pair(admin1_uid, d.p.msid))) == 0);
  const auto before = d.s;
  auto o = d.in(ds, m_set, {Value::of_name(Value::of_uint(0), Value::of_uint(8))});
  CHECK(wire_status(o) == 0x0C);
  CHECK(o.rule == "TCG-METHOD-3");
  o = d.in(ds, m_set, {set_values({{3, Value::of_uint(1)}})});
  CHECK(wire_status(o) == 0x0C);
  CHECK(o.rule == "OPAL-DS-1");
  CHECK(d.s == before);
}

}  // namespace LOCKREF_UNITY_ID
