// The drive (L.O.C.K. epoch keys, KMB and the MCU ROM together): what the other tests left
// open and tools/mutate.py found surviving (spec/mutation/report.md): the requirement each
// invariant enforces and each reported field names. Each expected id is the requirement
// whose quoted seed text governs the case (spec/requirements/kmb.json, lock.json), quoted
// beside it.
#include <doctest/doctest.h>

#include <string>

#include "lockref/drive/drive.hpp"
#include "machine_stepper.hpp"

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

namespace {
namespace kmb = lockref::lock::kmb;
namespace epoch = lockref::lock::epoch;
struct Drv : lockref::test::Stepper<drive::Machine> {
  using Stepper::Stepper;
  drive::Output mb(const kmb::Mailbox& m) { return send(drive::Command{m.cmd, m.payload}); }
  /// One MEK in the engine's key cache (INITIALIZE_MEK_SECRET, then DERIVE_MEK).
  void load_one() {
    mb(kmb::host::simple<kmb::INITIALIZE_MEK_SECRET>());
    REQUIRE(mb(kmb::host::derive_mek(kmb::host::filled<32>(0x20), kmb::host::filled<32>(0x30), {},
                                     kmb::host::filled<20>(1), {}, 50))
                .status == "ok");
    REQUIRE(s.kmb.engine.engine.cache.size() == 1);
  }
};
}  // namespace

TEST_CASE("drive: an answer is ok exactly when its status is \"ok\"") {
  // Table 57: a command succeeds with result code 0 ("ok" in the model); every refusal names
  // a code. A drive refusal (Table 60 item 8: no MEK with the SEK zeroized) is not ok.
  Drv d;
  const auto reset = d.send(drive::Event{drive::ColdReset{}});
  CHECK(reset.status == "ok");
  CHECK(reset.is_ok());
  d.send(drive::Epoch{epoch::ZeroizeSek{}});
  const auto r = d.mb(kmb::host::derive_mek(kmb::host::filled<32>(0x20), kmb::host::filled<32>(0x30), {},
                                            kmb::host::filled<20>(1), {}, 50));
  CHECK(r.status == "DRIVE_SEK_ZEROIZED");
  CHECK_FALSE(r.is_ok());
  // the refusal names the rule it applies (Table 60 item 8, "MEKs shall not be programmed
  // while the SEK or HEK are zeroized": DRIVE-T60-8) and the command it refused
  CHECK(r.rule == "DRIVE-T60-8");
  CHECK(r.command == "DERIVE_MEK");
}

TEST_CASE("drive: no HEK fuse is written before the Production lifecycle state (Figure 19)") {
  // seed 001 §4.6.4.2 Figure 19: PROGRAM_NEXT_HEK, ZEROIZE_CURRENT_HEK and ENABLE_HEK_BYPASS
  // appear only in the Production lifecycle state (spec/requirements/lock.json LOCK-FIG19-2).
  // The drive composes the epoch rules with that reading: a manufacturing-state device
  // refuses every fuse write and keeps its bank.
  drive::Profile p;
  p.kmb.fuses.lifecycle = epoch::Lifecycle::manufacturing;
  p.kmb.fuses.slots = {epoch::Slot::blank, epoch::Slot::blank, epoch::Slot::blank, epoch::Slot::blank};
  p.kmb.fuses.sek = epoch::Sek::zeroized;
  REQUIRE(drive::Machine::validate(p));
  Drv d(p);
  const auto before = d.s.kmb.fuses;
  for (const epoch::Event& e : {epoch::Event{epoch::ProgramNextHek{}}, epoch::Event{epoch::ZeroizeCurrentHek{}},
                                epoch::Event{epoch::EnablePermaHek{}}}) {
    const auto o = d.send(drive::Epoch{e});
    CHECK(o.status == "LOCK_EPOCH_SEQUENCE");
    CHECK(o.rule == "LOCK-FIG19-2");
  }
  CHECK(d.s.kmb.fuses == before);
}

TEST_CASE("drive: the Table 60 item 8 invariant holds while MEKs are loaded with both epoch keys available") {
  // Item 8 forbids MEKs only "while the SEK or HEK are zeroized": with the HEK available and
  // the SEK programmed a loaded MEK is the drive's ordinary state, and every invariant holds.
  Drv d;
  d.load_one();
  CHECK(drive::Machine::observe(d.p, d.s).mek_load_allowed);
  for (const auto& inv : drive::Machine::invariants()) CHECK_MESSAGE(inv.holds(d.p, d.s), inv.id);
}

TEST_CASE("drive: an epoch cold reset is the drive's cold reset: KMB reboots and MCU ROM reports the HEK metadata") {
  // seed 001 Table 60 item 6 (LOCK-T60-6): "MCU ROM shall ... invoke REPORT_HEK_METADATA upon
  // cold reset"; §4.6.4.1 / Figure 37: Caliptra ROM derives the HEK at cold reset, so a HEK
  // zeroized before it is unavailable after it (Table 53 HEK_UNAVAIL_ZEROIZED).
  Drv d;
  REQUIRE(d.send(drive::Epoch{epoch::ZeroizeSek{}}).status == "ok");
  REQUIRE(d.send(drive::Epoch{epoch::ZeroizeCurrentHek{}}).status == "ok");
  const auto o = d.send(drive::Epoch{epoch::ColdReset{}});
  CHECK(o.status == "ok");
  CHECK(o.rule == "LOCK-T60-6");
  CHECK(drive::Machine::observe(d.p, d.s).hek_state == "HEK_UNAVAIL_ZEROIZED");
  CHECK(d.s.kmb.hek_metadata.reported);
  // the same as the drive's own ColdReset event from the same state
  Drv e;
  e.send(drive::Epoch{epoch::ZeroizeSek{}});
  e.send(drive::Epoch{epoch::ZeroizeCurrentHek{}});
  e.send(drive::ColdReset{});
  CHECK(e.s == d.s);
}

TEST_CASE("drive: only a SEK zeroization clears the key cache, and a refused one clears nothing") {
  // seed 001 Table 60 item 4 (DRIVE-T60-4): MEKs are removed "on a power cycle or during
  // zeroization of the storage device". An epoch operation the §4.6.4.2 rules refuse (rule 2:
  // "The HEK seed shall only be zeroized once the SEK is zeroized") zeroizes nothing, so the
  // loaded MEK stays and no engine command runs.
  Drv d;
  d.load_one();
  const auto r = d.send(drive::Epoch{epoch::ZeroizeCurrentHek{}});
  CHECK(r.status == "LOCK_EPOCH_SEQUENCE");
  CHECK_FALSE(r.engine.has_value());
  CHECK(d.s.kmb.engine.engine.cache.size() == 1);
  // a drive whose firmware does not clear the cache (profile switch) leaves it too
  drive::Profile q;
  q.clear_cache_on_sek_zeroize = false;
  Drv n(q);
  n.load_one();
  const auto z = n.send(drive::Epoch{epoch::ZeroizeSek{}});
  CHECK(z.status == "ok");
  CHECK_FALSE(z.engine.has_value());
  CHECK(n.s.kmb.engine.engine.cache.size() == 1);
}

TEST_CASE("drive: the SEK zeroization reports a CLEAR_KEY_CACHE that fails, and only one that fails") {
  // seed 001 §4.7.2.2: "If this timeout is exceeded, KMB aborts the command and reports a
  // LOCK ENGINE TIMEOUT result code". A successful clear adds no detail; an engine slower
  // than the drive's cmd_timeout leaves the SEK zeroized and says the clear failed, and why.
  Drv d;
  d.load_one();
  const auto z = d.send(drive::Epoch{epoch::ZeroizeSek{}});
  CHECK(z.status == "ok");
  REQUIRE(z.engine);
  CHECK(z.engine->result == "ok");
  CHECK(z.detail.empty());
  drive::Profile q;
  q.kmb.engine.engine.latency = 60000;  // engine ticks to complete a command, >> cmd_timeout
  Drv slow(q);
  const auto zs = slow.send(drive::Epoch{epoch::ZeroizeSek{}});
  CHECK(zs.status == "ok");
  REQUIRE(zs.engine);
  CHECK(zs.engine->result == "LOCK_ENGINE_TIMEOUT");
  CHECK(zs.detail.find("CLEAR_KEY_CACHE") != std::string::npos);
  CHECK(zs.detail.find("LOCK_ENGINE_TIMEOUT") != std::string::npos);
}

TEST_CASE("drive: a profile is checked as a KMB profile, then for its epoch sequence code") {
  // The drive's profile holds the KMB's (Tables 20, 57) and names the epoch machine's
  // sequence code (errata E-LOCK-T57-NO-SEQUENCE-CODE); either part may be wrong.
  drive::Profile p;
  REQUIRE(drive::Machine::validate(p));
  p.kmb.hpke.hpke_algorithms = 0;  // Table 20: a non-zero subset of bits 0..2
  const auto kmb_part = drive::Machine::validate(p);
  REQUIRE_FALSE(kmb_part);
  CHECK(kmb_part.error().message == "hpke.hpke_algorithms: a non-zero subset of Table 20 bits 0..2 (§4.7.2.6)");
  p = drive::Profile{};
  p.sequence_error = "ok";
  const auto epoch_part = drive::Machine::validate(p);
  REQUIRE_FALSE(epoch_part);
  CHECK(epoch_part.error().message == "sequence_error: must name a code");
}

}  // namespace LOCKREF_UNITY_ID
