// Every machine invariant can fail: for each, a state that breaks the rule it checks (built
// by hand from the rule, not reached by the machine) is rejected and the initial state is
// accepted. An invariant that never fails checks nothing, and mutants inside it would
// survive every exploration (tools/mutate.py, spec/mutation/report.md). Invariants that
// restate a derivation and so cannot be broken by any state are listed in the report as
// equivalent, not here.
#include <doctest/doctest.h>

#include <string>

#include "invariant_lookup.hpp"
#include "lockref/engine/system.hpp"
#include "lockref/lock/epoch.hpp"
#include "lockref/opal/drive.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;

namespace {

using testing::holds;

/// `bad` breaks invariant `id`, the initial state does not.
template <class M>
void bites(std::string_view id, const typename M::Profile& p, const typename M::State& bad) {
  INFO(id);
  CHECK(holds<M>(id, p, M::initial(p)));
  CHECK_FALSE(holds<M>(id, p, bad));
}

}  // namespace

TEST_CASE("invariants: each epoch invariant rejects a state that breaks its rule") {
  namespace ep = lock::epoch;
  using M = ep::Machine;
  const ep::Profile p;  // 4 slots
  auto prod = [&](std::vector<ep::Slot> slots, ep::Sek sek = ep::Sek::zeroized) {
    ep::State s = M::initial(p);
    s.lifecycle = ep::Lifecycle::production;
    s.slots = std::move(slots);
    s.sek = sek;
    return s;
  };
  using ep::Slot;
  // §4.6.4.1 "HEK_x shall only be randomized once HEK_{x-1} has been zeroized"
  bites<M>("invariant:epoch.fuse_image_reachable", p, prod({Slot::blank, Slot::randomized, Slot::blank, Slot::blank}));
  bites<M>("invariant:epoch.at_most_one_randomized", p,
           prod({Slot::randomized, Slot::randomized, Slot::blank, Slot::blank}));
  // §4.6.4.2 rule 1: the SEK only while the HEK is available
  bites<M>("invariant:epoch.sek_implies_hek", p,
           prod({Slot::zeroized, Slot::blank, Slot::blank, Slot::blank}, ep::Sek::programmed));
  // Table 4 (last slot written is zeroized) against Tables 15/53 (first slot not zeroized is
  // randomized) on an image the fuses cannot hold
  bites<M>("invariant:epoch.table4_equals_table53", p,
           prod({Slot::randomized, Slot::zeroized, Slot::blank, Slot::blank}));
  // §4.7.2.21.1 on the same image: 4 - 0 - 0 = 4 erasures for 3 slots still erasable
  bites<M>("invariant:epoch.erasures_count_live_slots", p,
           prod({Slot::randomized, Slot::zeroized, Slot::blank, Slot::blank}));
  // Table 13 total_slots: the profile's n
  bites<M>("invariant:epoch.total_slots_reported", p, prod({Slot::blank, Slot::blank, Slot::blank, Slot::blank, Slot::blank}));
}

TEST_CASE("invariants: each engine and kmb-driver invariant rejects a state that breaks its rule") {
  namespace ee = engine;
  using M = ee::Machine;
  const ee::Profile p = ee::strict();
  ee::State ready = M::initial(p);
  ready.phase = ee::Phase::ready;
  ready.ctrl.rdy = true;
  auto with = [&](auto f) {
    ee::State s = ready;
    f(s);
    return s;
  };
  // Table 9 EXE: "simultaneously set this bit from 1b to 0b, set the DONE bit from 0b to 1b"
  bites<M>("invariant:engine.done_exe_exclusive", p, with([](ee::State& s) {
             s.phase = ee::Phase::executing;
             s.ctrl.exe = s.ctrl.done = true;
           }));
  // Table 9 ERR: "If the DONE bit is set to 1b by KMB, then this field is set to 0000b."
  bites<M>("invariant:engine.err_zero_unless_done", p, with([](ee::State& s) { s.ctrl.err = 4; }));
  // Table 10: 1h to 3h Reserved
  bites<M>("invariant:engine.err_success_or_vendor", p, with([](ee::State& s) {
             s.phase = ee::Phase::done;
             s.ctrl.done = true;
             s.ctrl.err = 2;
           }));
  // Table 9 RDY, Figure 34
  bites<M>("invariant:engine.rdy_iff_operational", p, with([](ee::State& s) { s.ctrl.rdy = false; }));
  bites<M>("invariant:engine.exe_iff_executing", p, with([](ee::State& s) { s.ctrl.exe = true; }));
  bites<M>("invariant:engine.done_iff_completed", p, with([](ee::State& s) { s.ctrl.done = true; }));
  bites<M>("invariant:engine.fatal_shape", p, with([](ee::State& s) {
             s.phase = ee::Phase::fatal;
             s.ctrl = ee::Ctrl{false, 5, 1, false, false};
           }));
  ee::Entry a{}, b{};
  b.metadata[0] = 1;
  for (std::size_t i = 0; i < 64; ++i) a.mek[i] = b.mek[i] = static_cast<std::uint8_t>(i);
  bites<M>("invariant:engine.cache_within_capacity", p, with([&](ee::State& s) {
             for (std::uint8_t k = 0; k <= p.capacity; ++k) {
               ee::Entry e = a;
               e.metadata[0] = k;
               s.cache.push_back(e);
             }
           }));
  bites<M>("invariant:engine.cache_unique_metadata", p, with([&](ee::State& s) { s.cache = {b, a}; }));
  bites<M>("invariant:engine.cache_unique_metadata", p, with([&](ee::State& s) { s.cache = {a, a}; }));
  // Table 60 item 4: no MEK survives a power cycle
  bites<M>("invariant:engine.empty_after_power_on", p, with([&](ee::State& s) {
             s.phase = ee::Phase::initializing;
             s.ctrl.rdy = false;
             s.cache = {a};
           }));
  // §4.6.5.5: Key_1 != Key_2
  ee::Entry same = a;
  for (std::size_t i = 0; i < 32; ++i) same.mek[32 + i] = same.mek[i];
  bites<M>("invariant:engine.xts_halves_differ", p, with([&](ee::State& s) { s.cache = {same}; }));

  using D = ee::kmb::Driver;
  const ee::kmb::Profile dp;
  ee::kmb::State idle = D::initial(dp);
  idle.elapsed = 3;
  bites<D>("invariant:kmb-driver.idle_is_clean", dp, idle);
  ee::kmb::State waiting = D::initial(dp);
  waiting.phase = ee::kmb::Phase::wait_done;
  waiting.guarded = true;
  bites<D>("invariant:kmb-driver.guard_only_before_writes", dp, waiting);
}

TEST_CASE("invariants: each opal invariant rejects a state that breaks its rule") {
  using M = opal::Machine;
  const opal::Profile p = opal::seagate_se4sa530();
  auto with = [&](auto f) {
    opal::State s = M::initial(p);
    f(s);
    return s;
  };
  auto cred = [](opal::State& s, const char* who) -> opal::Credential& {
    for (auto& c : s.credentials)
      if (c.authority == who) return c;
    FAIL("no credential " << who);
    return s.credentials[0];
  };
  // "The Try Limit sets an upper bound to this counter."
  bites<M>("invariant:opal.tries_within_limit", p, with([&](opal::State& s) { cred(s, "SID").tries = 6; }));
  // "Authentication PINs with length up to 32 bytes"
  // (A C_PIN row holds at most 32 bytes by its type, opal::Pin: a profile with a lower
  // maximum shows the length rule; a longer value cannot enter a state at all.)
  {
    auto p31 = p;
    p31.max_pin_length = 31;
    opal::State s = M::initial(p31);
    cred(s, "SID").pin = std::string(32, 'x');
    CHECK(holds<M>("invariant:opal.pins_respect_length", p, s));
    CHECK_FALSE(holds<M>("invariant:opal.pins_respect_length", p31, s));
    Json j = to_json(M::initial(p));
    j["credentials"][0]["pin"] = std::string(33, 'x');
    const auto r = from_json<opal::State>(j);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("at most 32 bytes") != std::string::npos);
  }
  bites<M>("invariant:opal.pins_respect_length", p, with([&](opal::State& s) { cred(s, "SID").pin.clear(); }));
  // a Locking SP not yet activated keeps its factory credentials
  bites<M>("invariant:opal.inactive_locking_sp_is_factory", p,
           with([&](opal::State& s) { cred(s, "Admin1").pin = "another-pin-of-32-bytes-length!!"; }));
  bites<M>("invariant:opal.inactive_locking_sp_is_factory", p,
           with([&](opal::State& s) { cred(s, "Admin1").min_pin_length = 8; }));
  bites<M>("invariant:opal.inactive_locking_sp_is_factory", p,
           with([&](opal::State& s) { cred(s, "User1").enabled = !cred(s, "User1").enabled; }));
  // the PSID is printed on the label: no operation changes it
  bites<M>("invariant:opal.psid_never_changes", p,
           with([&](opal::State& s) { cred(s, "PSID").pin = "another-pin-of-32-bytes-length!!"; }));
  // data is written with the range's current key, never a later one
  bites<M>("invariant:opal.data_never_from_future_key", p,
           with([&](opal::State& s) { s.ranges[1].data_mek = s.ranges[1].mek + 1; }));
  // [SUM] a SUDR's owner (User k+1) exists and can authenticate: Range 9 has no User10, and a
  // disabled owner could never lock or unlock its range again
  bites<M>("invariant:opal.sudr_has_enabled_owner", p, with([&](opal::State& s) { s.ranges[9].single_user = true; }));
  bites<M>("invariant:opal.sudr_has_enabled_owner", p, with([&](opal::State& s) {
             s.ranges[1].single_user = true;
             cred(s, "User2").enabled = false;
           }));
}

}  // namespace LOCKREF_UNITY_ID
