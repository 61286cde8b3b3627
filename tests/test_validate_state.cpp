// A state given from outside (eval `<machine>.step`, a harness) is checked before the model
// answers for it: every machine's validate_state checks every invariant the machine
// declares, and the generic step op checks them again for machines that have no
// validate_state of their own. The other side: no reachable state is refused.
#include <doctest/doctest.h>

#include <string>

#include "lockref/core/prng.hpp"
#include "lockref/engine/system.hpp"
#include "lockref/lock/epoch.hpp"
#include "lockref/opal/drive.hpp"
#include "registry.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using lockref::Json;
using lockref::cli::eval_request;

namespace {

Json step(const std::string& machine, Json state, Json event) {
  return eval_request(Json{{"op", machine + ".step"}, {"state", std::move(state)}, {"event", std::move(event)}});
}

/// validate_state accepts every state of a seeded random walk (valid and refused events).
template <class M>
void walk_accepts(const typename M::Profile& p, std::uint64_t seed, int steps) {
  lockref::SplitMix64 rng{seed};
  auto s = M::initial(p);
  for (int i = 0; i < steps; ++i) {
    const auto v = M::validate_state(p, s);
    REQUIRE_MESSAGE(v.ok(), M::name << " refuses a reachable state at step " << i << ": " << v.error().message);
    const auto cands = M::candidate_events(p, s);
    s = M::step(p, s, cands[rng.below(cands.size())]).next;
  }
}

}  // namespace

TEST_CASE("validate_state: epoch.step refuses a SEK programmed over a zeroized HEK") {
  // The example: the fuse image [zeroized, blank, blank, blank] is reachable, the
  // SEK programmed with it is not (§4.6.4.2 rule 1: the SEK only while the HEK is available).
  const Json fuses = {"zeroized", "blank", "blank", "blank"};
  Json bad = {{"lifecycle", "production"}, {"slots", fuses}, {"perma_hek", "unset"}, {"sek", "SEK_PROGRAMMED"}};
  Json r = step("epoch", bad, {{"type", "cold_reset"}});
  CHECK(r["ok"] == false);
  CHECK(r.value("error", "").find("invariant:epoch.sek_implies_hek (LOCK-4.6.4.2-1)") != std::string::npos);
  bad["sek"] = "SEK_ZEROIZED";
  CHECK(step("epoch", bad, {{"type", "cold_reset"}})["ok"] == true);

  namespace ep = lockref::lock::epoch;
  ep::Profile p;
  ep::State s = ep::Machine::initial(p);
  s.lifecycle = ep::Lifecycle::production;
  s.slots[0] = ep::Slot::zeroized;
  s.sek = ep::Sek::programmed;
  const auto v = ep::Machine::validate_state(p, s);
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().message == "violates invariant:epoch.sek_implies_hek (LOCK-4.6.4.2-1)");
}

TEST_CASE("validate_state: engine, kmb-driver, engine-system and opal refuse a state that breaks an invariant") {
  // engine: DONE and EXE both set (Table 9 EXE: they change "simultaneously")
  Json r = step("engine",
                {{"phase", "executing"}, {"countdown", 1}, {"ctrl", {{"rdy", true}, {"err", 0}, {"cmd", 1}, {"done", true}, {"exe", true}}}},
                {{"type", "tick"}});
  CHECK(r["ok"] == false);
  CHECK(r.value("error", "").find("invariant:engine.") != std::string::npos);
  // kmb-driver: idle, but still counting time for a command
  r = step("kmb-driver", {{"phase", "idle"}, {"elapsed", 7}}, {{"type", "clock"}});
  CHECK(r["ok"] == false);
  CHECK(r.value("error", "").find("invariant:kmb-driver.idle_is_clean") != std::string::npos);
  // engine-system: its engine part is the bad engine state above
  r = step("engine-system",
           {{"engine", {{"phase", "executing"}, {"countdown", 1}, {"ctrl", {{"rdy", true}, {"cmd", 1}, {"done", true}, {"exe", true}}}}}},
           {{"type", "engine_tick"}});
  CHECK(r["ok"] == false);
  CHECK(r.value("error", "").find("invariant:engine.") != std::string::npos);
  // opal: a Locking SP that is not active but is no longer factory-fresh
  namespace op = lockref::opal;
  op::Profile p;
  op::State s = op::Machine::initial(p);
  REQUIRE(op::Machine::validate_state(p, s).ok());
  for (auto& c : s.credentials)  // Locking SP inactive, yet its Admin1 has a new PIN
    if (c.authority == "Admin1") c.pin = "another-pin-of-32-bytes-length!!";
  const auto v = op::Machine::validate_state(p, s);
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().message == "violates invariant:opal.inactive_locking_sp_is_factory (OPAL-SP-3)");
}

TEST_CASE("validate_state: engine-system names the part, engine or KMB driver, whose invariant breaks") {
  namespace sys = lockref::engine::sys;
  const sys::Profile p;
  const auto s = sys::System::initial(p);
  REQUIRE(sys::System::validate_state(p, s));
  auto bad_kmb = s;  // idle, but still counting time for a command
  bad_kmb.kmb.phase = lockref::engine::kmb::Phase::idle;
  bad_kmb.kmb.elapsed = 7;
  const auto k = sys::System::validate_state(p, bad_kmb);
  REQUIRE_FALSE(k);
  CHECK(k.error().message.rfind("kmb.violates invariant:kmb-driver.idle_is_clean", 0) == 0);
  auto bad_engine = s;  // DONE and EXE both set (Table 9 EXE)
  bad_engine.engine.ctrl.done = true;
  bad_engine.engine.ctrl.exe = true;
  const auto e = sys::System::validate_state(p, bad_engine);
  REQUIRE_FALSE(e);
  CHECK(e.error().message.rfind("engine.violates invariant:engine.", 0) == 0);
}

TEST_CASE("validate_state: no reachable state is refused (random walks of every machine)") {
  walk_accepts<lockref::lock::epoch::Machine>({}, 1, 400);
  lockref::lock::epoch::Profile eight;
  eight.slots = 8;
  walk_accepts<lockref::lock::epoch::Machine>(eight, 2, 400);
  walk_accepts<lockref::engine::Machine>({}, 3, 400);
  walk_accepts<lockref::engine::kmb::Driver>({}, 4, 400);
  walk_accepts<lockref::engine::sys::System>({}, 5, 400);
  walk_accepts<lockref::opal::Machine>({}, 6, 400);
}

}  // namespace LOCKREF_UNITY_ID
