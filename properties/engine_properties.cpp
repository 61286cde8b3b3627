// Properties of KMB's driver and the encryption engine composed at the SFRs (seed 001
// §4.7.1, Table 9, Figures 34-35, §4.7.2.2), under random interleavings of KMB bus
// steps, engine progress, KMB's clock, new commands, fatal errors and power cycles.
// Each property is a template over the composed system and is checked to hold on the
// model and to FAIL on a deliberately broken engine or driver (a mutant that breaks
// exactly the rule the property guards), in the same TEST_CASE.
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <ostream>

#include "lockref/engine/system.hpp"
#include "support.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
namespace engine = lockref::engine;
using namespace lockref::engine;
using namespace lockref::engine::sys;
using lockref::Step;
using lockref::prop::fails;
using lockref::prop::holds;

namespace {

// ---- random interleavings ----------------------------------------------------------

struct Transition {
  sys::State before;
  sys::Event event;
  sys::State after;
  sys::Output out;
};

Metd tag(std::uint32_t t) {
  Metd m{};
  m[0] = static_cast<std::uint8_t>(t);
  return m;
}
Mek key(std::uint32_t k) {
  Mek x{};
  for (std::size_t i = 0; i < x.size(); ++i)  // k == 0: equal AES-XTS halves (rejected, §4.6.5.5)
    x[i] = static_cast<std::uint8_t>(k == 0 ? i % 32 : i * 7 + k);
  return x;
}

/// One event from one random word. Weights: KMB bus steps 10, engine ticks 7, clock 3,
/// new commands 4, fatal error 1 in 64, power cycle 1 in 64.
sys::Event decode_event(std::uint32_t c) {
  const std::uint32_t kind = c % 64, arg = c / 64;
  if (kind < 24) return KmbStep{};
  if (kind < 40) return EngineTick{};
  if (kind < 48) return ClockTick{};
  if (kind == 62) return EngineFatal{};
  if (kind == 63) return SystemPowerCycle{};
  const std::uint32_t timeout = arg % 16, t = 1 + (arg / 16) % 3, k = (arg / 48) % 3;
  switch ((arg / 144) % 4) {
    case 0:
    case 1: return KmbIssue{kmb::load_mek(tag(t), Aux{}, key(k), timeout)};
    case 2: return KmbIssue{kmb::unload_mek(tag(t), timeout)};
    default: return KmbIssue{kmb::clear_key_cache(timeout)};
  }
}

sys::Profile gen_profile() {
  sys::Profile p;
  p.engine = *rc::gen::element(strict(), lenient());
  p.engine.capacity = *rc::gen::inRange<std::uint16_t>(1, 4);
  p.kmb.two_step_ctrl = *rc::gen::arbitrary<bool>();
  return p;
}

template <class Sys>
std::vector<Transition> walk(const sys::Profile& p, const std::vector<std::uint32_t>& choices) {
  std::vector<Transition> t;
  auto s = Sys::initial(p);
  for (auto c : choices) {
    const auto e = decode_event(c);
    auto st = Sys::step(p, s, e);
    t.push_back({s, e, st.next, st.out});
    s = st.next;
  }
  return t;
}

template <class Sys>
std::pair<sys::Profile, std::vector<Transition>> gen_walk() {
  const auto p = gen_profile();
  // Full-size draw (inRange scales with RapidCheck's size, which starts at 0): walks of
  // 20..300 events, long enough for several commands, timeouts and recoveries each.
  const auto n = *rc::gen::resize(100, rc::gen::inRange<std::size_t>(20, 301));
  const auto choices =
      *rc::gen::resize(100, rc::gen::container<std::vector<std::uint32_t>>(n, rc::gen::arbitrary<std::uint32_t>()));
  return {p, walk<Sys>(p, choices)};
}

// ---- mutants: each breaks one rule ---------------------------------------------------

/// Completion sets DONE but leaves EXE set (Table 9 EXE: "simultaneously set this bit from 1b to 0b").
struct EngineKeepsExe : engine::Machine {
  static Step<engine::State, engine::Output> step(const engine::Profile& p, const engine::State& s, const engine::Event& e) {
    auto r = engine::Machine::step(p, s, e);
    if (s.phase == engine::Phase::executing && r.next.phase == engine::Phase::done) r.next.ctrl.exe = true;
    return r;
  }
};
/// The acknowledgement forgets to clear ERR (KeepErr) or CMD (KeepCmd) (Table 9 DONE: "set the
/// ERR field to 0000b, and set the CMD bit to 0000b").
template <bool KeepErr, bool KeepCmd>
struct EngineAckKeeps : engine::Machine {
  static Step<engine::State, engine::Output> step(const engine::Profile& p, const engine::State& s, const engine::Event& e) {
    auto r = engine::Machine::step(p, s, e);
    if ((s.phase == engine::Phase::done || s.phase == engine::Phase::resetting) && r.next.phase == engine::Phase::ready) {
      if (KeepErr) r.next.ctrl.err = s.ctrl.err;
      if (KeepCmd) r.next.ctrl.cmd = s.ctrl.cmd;
    }
    return r;
  }
};
using EngineKeepsErr = EngineAckKeeps<true, false>;
using EngineKeepsCmd = EngineAckKeeps<false, true>;
/// Zeroize empties the key cache as soon as EXE rises, before the command completes.
struct EngineEagerZeroize : engine::Machine {
  static Step<engine::State, engine::Output> step(const engine::Profile& p, const engine::State& s, const engine::Event& e) {
    auto r = engine::Machine::step(p, s, e);
    if (s.phase != engine::Phase::executing && r.next.phase == engine::Phase::executing && r.next.ctrl.cmd == 3)
      r.next.cache.clear();
    return r;
  }
};
/// KMB ignores RDY: every CTRL value it reads before a write looks ready.
struct DriverIgnoresRdy : kmb::Driver {
  static Step<kmb::State, kmb::Output> step(const kmb::Profile& p, const kmb::State& s, const kmb::Event& e) {
    if (const auto* r = std::get_if<kmb::CtrlRead>(&e);
        r && (s.phase == kmb::Phase::check_ready || kmb::is_write_phase(s.phase)))
      return kmb::Driver::step(p, s, kmb::Event{kmb::CtrlRead{r->value | rdy_bit}});
    return kmb::Driver::step(p, s, e);
  }
};
/// KMB does not acknowledge a completion it abandoned after a timeout: it ignores a
/// posted DONE=1 when it issues the next command.
struct DriverIgnoresStaleDone : kmb::Driver {
  static Step<kmb::State, kmb::Output> step(const kmb::Profile& p, const kmb::State& s, const kmb::Event& e) {
    if (const auto* r = std::get_if<kmb::CtrlRead>(&e); r && s.phase == kmb::Phase::check_ready)
      return kmb::Driver::step(p, s, kmb::Event{kmb::CtrlRead{r->value & ~done_bit}});
    return kmb::Driver::step(p, s, e);
  }
};

// ---- properties ------------------------------------------------------------------------

template <class Sys>
auto done_exe_never_both() {
  return [] {
    const auto [p, t] = gen_walk<Sys>();
    for (const auto& x : t) RC_ASSERT(!(x.after.engine.ctrl.done && x.after.engine.ctrl.exe));
  };
}

template <class Sys>
auto err_zero_unless_done() {
  return [] {
    const auto [p, t] = gen_walk<Sys>();
    for (const auto& x : t) RC_ASSERT((x.after.engine.ctrl.done || x.after.engine.ctrl.err == 0));
  };
}

/// When KMB completes a command through the acknowledgement (result ok or
/// LOCK_ENGINE_CODE), the read that ended its wait showed CMD, ERR, DONE and EXE all 0,
/// unless the engine had meanwhile dropped RDY (Figure 34 keeps CMD in the fatal state).
template <class Sys>
auto ack_clears_ctrl() {
  return [] {
    const auto [p, t] = gen_walk<Sys>();
    for (const auto& x : t) {
      if (!x.out.result || (*x.out.result != "ok" && *x.out.result != "LOCK_ENGINE_CODE")) continue;
      RC_ASSERT(!x.out.bus.empty());
      const auto& last = x.out.bus.back();
      RC_ASSERT(last.op == kmb::Dir::read);
      const Ctrl c = decode(last.value.value_or(0));
      if (!c.rdy) continue;
      RC_ASSERT(c.cmd == 0);
      RC_ASSERT(c.err == 0);
      RC_ASSERT(!c.done);
      RC_ASSERT(!c.exe);
    }
  };
}

/// The key cache changes only when the engine completes a command with ERR=0, or on a
/// power cycle, which empties it (Table 60 item 4).
template <class Sys>
auto cache_changes_only_on_success() {
  return [] {
    const auto [p, t] = gen_walk<Sys>();
    for (const auto& x : t) {
      if (x.before.engine.cache == x.after.engine.cache) continue;
      if (std::holds_alternative<SystemPowerCycle>(x.event)) {
        RC_ASSERT(x.after.engine.cache.empty());
        continue;
      }
      RC_ASSERT(std::holds_alternative<EngineTick>(x.event));
      RC_ASSERT(x.before.engine.phase == engine::Phase::executing);
      RC_ASSERT(x.after.engine.ctrl.done);
      RC_ASSERT(x.after.engine.ctrl.err == 0);
    }
  };
}

template <class Sys>
auto no_write_while_not_ready() {
  return [] {
    const auto [p, t] = gen_walk<Sys>();
    for (const auto& x : t) RC_ASSERT(x.out.writes_without_rdy == 0);
  };
}

/// After a random prefix, force a LOCK_ENGINE_TIMEOUT (KMB runs, the engine does not),
/// let the engine finish or power-cycle it until it is ready, then CLEAR_KEY_CACHE with a
/// generous cmd_timeout must succeed and leave the key cache empty.
template <class Sys>
auto timeout_then_next_command() {
  return [] {
    auto [p, t] = gen_walk<Sys>();
    auto s = t.empty() ? Sys::initial(p) : t.back().after;
    auto go = [&](const sys::Event& e) {
      auto r = Sys::step(p, s, e);
      s = r.next;
      return r.out;
    };
    // Let KMB finish whatever it was doing (its cmd_timeout is at most 15 ms).
    for (int i = 0; i < 64 && s.kmb.phase != kmb::Phase::idle; ++i) {
      go(KmbStep{});
      go(ClockTick{});
    }
    RC_ASSERT(s.kmb.phase == kmb::Phase::idle);
    // Make the engine ready, then issue a load and starve the engine of ticks.
    for (int i = 0; i < 16; ++i) go(EngineTick{});
    if (!s.engine.ctrl.rdy) {
      go(SystemPowerCycle{});
      for (int i = 0; i < 16; ++i) go(EngineTick{});
    }
    RC_ASSERT(s.engine.ctrl.rdy);
    const auto timeout = *rc::gen::inRange<std::uint32_t>(4, 12);
    RC_ASSERT(go(KmbIssue{kmb::load_mek(tag(0x7F), Aux{}, key(5), timeout)}).is_ok());
    std::optional<std::string> result;
    for (int i = 0; i < 64 && !result; ++i) {
      if (auto o = go(KmbStep{}); o.result) result = o.result;
      if (auto o = go(ClockTick{}); o.result) result = o.result;
    }
    RC_ASSERT(result.has_value());
    RC_TAG(*result);
    // "once the engine is ready again": the abandoned command may still complete.
    for (int i = 0; i < 16; ++i) go(EngineTick{});
    auto run = run_command<Sys>(p, s, kmb::clear_key_cache(1000), 200);
    RC_ASSERT(run.result == std::string("ok"));
    RC_ASSERT(run.state.engine.cache.empty());
  };
}

using Model = SystemT<>;

// ---- stateful: drive firmware's view of the key cache (rc::state) ---------------------
//
// The model is what drive firmware can infer from KMB's results alone: the set of
// (metadata tag, key) it loaded, kept by re-deriving Table 11's semantics and the
// profile's documented choices (replace_on_load, capacity, unload_absent_ok, vendor codes)
// independently of engine.hpp. The system under test is the composed KMB + engine, each
// command run to completion under a fair schedule (sys::run_command).

struct CacheModel {
  sys::Profile p;
  std::vector<std::pair<std::uint8_t, std::uint8_t>> entries;  // (tag, key), sorted by tag
};
template <class Sys>
struct Sut {
  sys::Profile p;
  sys::State s;
};
struct Expect {
  std::string result;
  std::uint32_t code = 0;
};
inline Expect engine_code(std::uint8_t err) { return {"LOCK_ENGINE_CODE", 0x44430000u | err}; }

std::vector<std::pair<std::uint8_t, std::uint8_t>> cache_of(const sys::State& s) {
  std::vector<std::pair<std::uint8_t, std::uint8_t>> out;
  for (const auto& e : s.engine.cache) out.emplace_back(e.metadata[0], static_cast<std::uint8_t>(e.mek[63] - 63 * 7));
  return out;
}

template <class Sys>
struct StatefulCmd : rc::state::Command<CacheModel, Sut<Sys>> {
  virtual Expect expect(const CacheModel& m) const = 0;
  virtual kmb::Request request() const = 0;
  void run(const CacheModel& m, Sut<Sys>& sut) const override {
    const auto want = expect(m);
    auto r = run_command<Sys>(sut.p, sut.s, request(), 400);
    RC_ASSERT(r.result == want.result);
    RC_ASSERT(r.result_code == want.code);
    sut.s = r.state;
    CacheModel after = m;
    this->apply(after);
    RC_ASSERT(cache_of(sut.s) == after.entries);
  }
};

template <class Sys>
struct LoadCmd : StatefulCmd<Sys> {
  std::uint8_t t = *rc::gen::inRange<std::uint8_t>(1, 6);
  std::uint8_t k = *rc::gen::inRange<std::uint8_t>(1, 4);
  kmb::Request request() const override { return kmb::load_mek(tag(t), Aux{}, key(k), 1000); }
  Expect expect(const CacheModel& m) const override {
    const auto& e = m.p.engine;
    auto it = std::find_if(m.entries.begin(), m.entries.end(), [&](auto& x) { return x.first == t; });
    if (it != m.entries.end()) return e.replace_on_load ? Expect{"ok", 0} : engine_code(e.err_occupied);
    if (m.entries.size() >= e.capacity) return engine_code(e.err_full);
    return {"ok", 0};
  }
  void apply(CacheModel& m) const override {
    if (expect(m).result != "ok") return;
    auto it = std::find_if(m.entries.begin(), m.entries.end(), [&](auto& x) { return x.first == t; });
    if (it != m.entries.end()) it->second = k;
    else m.entries.insert(std::upper_bound(m.entries.begin(), m.entries.end(), std::pair{t, std::uint8_t{0}}), {t, k});
  }
  void show(std::ostream& os) const override { os << "LOAD_MEK tag=" << int(t) << " key=" << int(k); }
};

template <class Sys>
struct UnloadCmd : StatefulCmd<Sys> {
  std::uint8_t t = *rc::gen::inRange<std::uint8_t>(1, 6);
  kmb::Request request() const override { return kmb::unload_mek(tag(t), 1000); }
  Expect expect(const CacheModel& m) const override {
    const bool present = std::any_of(m.entries.begin(), m.entries.end(), [&](auto& x) { return x.first == t; });
    if (present || m.p.engine.unload_absent_ok) return {"ok", 0};
    return engine_code(m.p.engine.err_absent);
  }
  void apply(CacheModel& m) const override {
    std::erase_if(m.entries, [&](auto& x) { return x.first == t; });
  }
  void show(std::ostream& os) const override { os << "UNLOAD_MEK tag=" << int(t); }
};

template <class Sys>
struct ClearCmd : StatefulCmd<Sys> {
  kmb::Request request() const override { return kmb::clear_key_cache(1000); }
  Expect expect(const CacheModel&) const override { return {"ok", 0}; }
  void apply(CacheModel& m) const override { m.entries.clear(); }
  void show(std::ostream& os) const override { os << "CLEAR_KEY_CACHE"; }
};

template <class Sys>
struct PowerCmd : rc::state::Command<CacheModel, Sut<Sys>> {
  void apply(CacheModel& m) const override { m.entries.clear(); }  // Table 60 item 4
  void run(const CacheModel&, Sut<Sys>& sut) const override {
    sut.s = Sys::step(sut.p, sut.s, sys::Event{SystemPowerCycle{}}).next;
    for (int i = 0; i < 4; ++i) sut.s = Sys::step(sut.p, sut.s, sys::Event{EngineTick{}}).next;
    RC_ASSERT(sut.s.engine.cache.empty());
  }
  void show(std::ostream& os) const override { os << "power cycle"; }
};

template <class Sys>
auto firmware_view_of_cache() {
  return [] {
    const auto p = gen_profile();
    Sut<Sys> sut{p, Sys::initial(p)};
    for (int i = 0; i < 4; ++i) sut.s = Sys::step(p, sut.s, sys::Event{EngineTick{}}).next;
    rc::state::check(CacheModel{p, {}}, sut,
                     rc::state::gen::execOneOfWithArgs<LoadCmd<Sys>, LoadCmd<Sys>, UnloadCmd<Sys>, ClearCmd<Sys>,
                                                       PowerCmd<Sys>>());
  };
}

/// The engine's capacity check is off by one: one load too many succeeds.
struct EngineCapacityOffByOne : engine::Machine {
  static Step<engine::State, engine::Output> step(const engine::Profile& p, const engine::State& s, const engine::Event& e) {
    auto q = p;
    ++q.capacity;
    return engine::Machine::step(q, s, e);
  }
};

}  // namespace

TEST_CASE("engine-system: DONE and EXE are never both 1") {
  holds("DONE and EXE exclusive", done_exe_never_both<Model>());
  fails("completion leaves EXE set", done_exe_never_both<SystemT<EngineKeepsExe>>());
}

TEST_CASE("engine-system: ERR is zero whenever DONE is 0") {
  holds("ERR zero unless DONE", err_zero_unless_done<Model>());
  fails("acknowledgement leaves ERR", err_zero_unless_done<SystemT<EngineKeepsErr>>());
}

TEST_CASE("engine-system: after the DONE acknowledgement CMD, ERR, DONE and EXE read zero") {
  holds("acknowledgement clears CTRL", ack_clears_ctrl<Model>());
  fails("acknowledgement leaves CMD", ack_clears_ctrl<SystemT<EngineKeepsCmd>>());
}

TEST_CASE("engine-system: the key cache changes only when a command completes with ERR=0") {
  holds("cache changes on successful completion", cache_changes_only_on_success<Model>());
  fails("zeroize empties the cache when EXE rises", cache_changes_only_on_success<SystemT<EngineEagerZeroize>>());
}

TEST_CASE("engine-system: no KMB register write while RDY=0") {
  holds("KMB writes only while RDY=1", no_write_while_not_ready<Model>());
  fails("KMB ignores RDY", no_write_while_not_ready<SystemT<engine::Machine, DriverIgnoresRdy>>());
}

TEST_CASE("engine-system: a timeout leaves KMB able to issue the next command once the engine is ready") {
  holds("next command after a timeout", timeout_then_next_command<Model>(), 100);
  fails("KMB ignores a posted DONE after a timeout",
        timeout_then_next_command<SystemT<engine::Machine, DriverIgnoresStaleDone>>(), 500);
}

TEST_CASE("engine-system: KMB results and the key cache follow Table 11 and the profile (stateful)") {
  holds("firmware's view of the key cache", firmware_view_of_cache<Model>(), 100);
  fails("engine capacity off by one", firmware_view_of_cache<SystemT<EngineCapacityOffByOne>>(), 500);
}

}  // namespace LOCKREF_UNITY_ID
