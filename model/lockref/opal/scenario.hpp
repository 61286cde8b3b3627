// The guide's 11 setup steps as a scenario of opal::Machine events (seed 000 "TCG Opal Setup
// & Configuration", steps 1-11), with the guide's example PIN "321SRQPONMLKJIHGFEDCBA9876543210".
// Where the printed code contradicts the step's title, the title is followed (errata
// E-OPAL-STEP4-CODE, E-OPAL-STEP10-LOR).
#pragma once
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "lockref/opal/drive.hpp"

namespace lockref::opal {

struct SetupStep {
  int number = 0;
  std::string_view title;
  bool optional = false;     // the guide says "Optionally"
  std::vector<Event> events;
};

inline std::vector<SetupStep> cc_setup_steps(const Profile& p) {
  const std::string pin(Machine::guide_pin);
  const Auth sid_msid{"SID", p.msid}, sid{"SID", pin}, admin1{"Admin1", pin};
  std::vector<SetupStep> v;
  // 1. "executing the activate method of the Locking SP" (as the Drive Owner; MSID is SID's PIN).
  v.push_back({1, "Transition to TCG Opal security operating mode (Locking SP Activate)", false,
               {Activate{sid_msid}}});
  // 2. "Set drive owner SID credential to private value of 32 bytes in length." + _MinPINLength 32.
  v.push_back({2, "Set drive owner SID credential to a private 32-byte value", false,
               {SetPin{sid_msid, "SID", pin}, SetMinPinLength{sid, "SID", 32}}});
  // 3. "Optionally set User1 PIN length to 32 bytes" - authenticated as User1 (its MSID PIN).
  {
    SetupStep s{3, "Optionally set User1 _MinPINLength to 32 bytes", true, {}};
    if (p.users >= 1) s.events.push_back(SetMinPinLength{Auth{"User1", p.msid}, "User1", 32});
    v.push_back(s);
  }
  // 4. "Set User credentials to private value(s) of 32 bytes in length." Every User in use.
  {
    SetupStep s{4, "Set User credentials to private 32-byte values", false, {}};
    for (int i = 1; i <= p.users; ++i) {
      const std::string u = "User" + std::to_string(i);
      // authenticate as the User with its current PIN (MSID) and set _MinPINLength, then the PIN
      s.events.push_back(SetMinPinLength{Auth{u, p.msid}, u, 32});
      s.events.push_back(SetPin{Auth{u, p.msid}, u, pin});
    }
    v.push_back(s);
  }
  // 5. "Set Admin1 credential to private value of 32 bytes in length" (+ _MinPINLength 32).
  v.push_back({5, "Set Admin1 credential to a private 32-byte value", false,
               {SetMinPinLength{Auth{"Admin1", p.msid}, "Admin1", 32}, SetPin{Auth{"Admin1", p.msid}, "Admin1", pin}}});
  // 6. "Set Locking Range credentials": the first authority allowed to Set Locking_Range1 is
  //    a Locking SP Admin (access.hpp, Set Range Attributes); its credential is Admin1's.
  v.push_back({6, "Set Locking Range 1 credential (its Set authority, Admin1)", false,
               {SetPin{admin1, "Admin1", pin}}});
  // 7. "Disable the Makers authority" as SID.
  v.push_back({7, "Disable the Makers authority", false, {SetEnabled{sid, "Makers", false}}});
  // 8. "Set firmware download port to lock on reset"
  v.push_back({8, "Set firmware download port to lock on reset", false,
               {SetFwPort{sid, std::nullopt, true}}});
  // 9. "Lock firmware download port"
  v.push_back({9, "Lock firmware download port", false, {SetFwPort{sid, true, std::nullopt}}});
  // 10. "Set LockingRange1 and enable lock on reset": start 0, length 400, lock state 0,
  //     lock enabled 1 - and LockOnReset, as the title says (E-OPAL-STEP10-LOR).
  v.push_back({10, "Set LockingRange1 and enable lock on reset", false,
               {SetRange{admin1, 1, 0, 400, true, true, true, std::nullopt},
                LockRange{admin1, 1, false, false}}});
  // 11. "Power cycle the device."
  v.push_back({11, "Power cycle the device", false, {PowerCycle{}}});
  return v;
}

struct ScenarioRun {
  State state;
  std::vector<std::string> statuses;  // one per event, in order
  bool all_ok = true;
};

/// Runs the setup steps from the factory state, leaving out the steps in `skip`.
template <class M = Machine>
ScenarioRun run_setup(const Profile& p, const std::vector<int>& skip = {}) {
  ScenarioRun r{M::initial(p), {}, true};
  for (const auto& st : cc_setup_steps(p)) {
    if (std::find(skip.begin(), skip.end(), st.number) != skip.end()) continue;
    for (const auto& e : st.events) {
      auto s = M::step(p, r.state, e);
      r.statuses.push_back(s.out.status);
      r.all_ok = r.all_ok && s.out.status == "ok";
      r.state = std::move(s.next);
    }
  }
  return r;
}

}  // namespace lockref::opal
