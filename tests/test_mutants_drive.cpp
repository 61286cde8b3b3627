// The drive (L.O.C.K. epoch keys, KMB and the MCU ROM together): what the other tests left
// open and tools/mutate.py found surviving (spec/mutation/report.md): the requirement each
// invariant enforces and each reported field names. Each expected id is the requirement
// whose quoted seed text governs the case (spec/requirements/kmb.json, lock.json), quoted
// beside it.
#include <doctest/doctest.h>

#include <string>

#include "lockref/drive/drive.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;

TEST_CASE("drive: each invariant and each reported field names the Table 60 item that governs it") {
  // seed 001 Table 60 item 8: "MEKs shall not be programmed while the SEK or HEK are
  // zeroized"; item 7: "HEK and SEK programming/zeroization shall adhere to the sequence
  // described in Section 4.6.4.2" (spec/requirements/kmb.json DRIVE-T60-8, DRIVE-T60-7)
  int seen = 0;
  for (const auto& inv : drive::Machine::invariants()) {
    if (inv.id == "invariant:drive.no_mek_while_epoch_key_zeroized") {
      CHECK(inv.requirement == "DRIVE-T60-8");
      ++seen;
    } else if (inv.id == "invariant:drive.fuses_reachable") {
      CHECK(inv.requirement == "DRIVE-T60-7");
      ++seen;
    }
  }
  CHECK(seen == 2);
  // what `lockref check` prints as "violates ..." when a device's field differs: whether an
  // MEK may be loaded, and the key cache, are item 8's; "shippable" is item 5's ("When the
  // device is shipped it must be in the production lifecycle state and have a randomized
  // HEK", LOCK-T60-5); the HEK state the KMB reports (Table 53) is §4.7.2's (KMB-4.7.2)
  CHECK(drive::Machine::view_requirement("mek_load_allowed") == "DRIVE-T60-8");
  CHECK(drive::Machine::view_requirement("key_cache_entries") == "DRIVE-T60-8");
  CHECK(drive::Machine::view_requirement("shippable") == "LOCK-T60-5");
  CHECK(drive::Machine::view_requirement("hek_state") == "KMB-4.7.2");
}

TEST_CASE("drive: a cold reset answers under Table 60 item 6 (MCU ROM reports the HEK metadata)") {
  // seed 001 §4.10 Table 60 item 6: "MCU ROM shall populate the HEK seed fuse register and
  // invoke REPORT_HEK_METADATA upon cold reset" (spec/requirements/lock.json LOCK-T60-6)
  drive::Profile p;
  const auto s = drive::Machine::initial(p);
  const auto r = drive::Machine::step(p, s, drive::Event{drive::ColdReset{}});
  CHECK(r.out.status == "ok");
  CHECK(r.out.rule == "LOCK-T60-6");
}

}  // namespace LOCKREF_UNITY_ID
