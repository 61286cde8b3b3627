// The explorer (core/explore.hpp) and the canonical encoding (core/encode.hpp):
// encodings are injective and decode back; serial and parallel searches agree; the
// fingerprint and whole-state sets agree; the symmetry reductions (Opal Users, engine
// key tags) find exactly the orbits of the full search; bounds stop cleanly; a shortest
// counterexample is found, replays, and `check` reports the requirement it breaks.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "lockref/core/encode.hpp"
#include "lockref/core/explore.hpp"
#include "lockref/core/transcript.hpp"
#include "lockref/engine/engine.hpp"
#include "lockref/lock/epoch.hpp"
#include "lockref/opal/drive.hpp"
#include "machine_tool.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using lockref::decode;
using lockref::encode;
using lockref::Exploration;
using lockref::ExploreOptions;

namespace {

// Under ASan+UBSan (the asan preset) a search runs about twenty times slower than in the
// default build (the Opal orbit check below: 10 s against 190 s; the states' strings are
// heap allocations, which ASan tracks). The instrumented run explores smaller Opal profiles
// through the same code; the default preset's run explores the full ones.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAsan = true;
#else
constexpr bool kAsan = false;
#endif

/// Every state of a full exploration encodes to distinct bytes that decode back to it.
template <class M>
void check_encoding(const Exploration<M>& ex) {
  std::set<std::string> encs, jsons;
  for (const auto& s : ex.states) {
    const auto e = encode(s);
    encs.insert(e);
    jsons.insert(lockref::to_json(s).dump());
    auto back = decode<typename M::State>(e);
    REQUIRE(back);
    CHECK(*back == s);
  }
  CHECK(encs.size() == ex.states.size());
  CHECK(jsons.size() == ex.states.size());
}

/// Everything a search reports must not depend on how it ran.
template <class M, class N>
void check_same(const Exploration<M>& a, const Exploration<N>& b) {
  CHECK(a.state_count == b.state_count);
  CHECK(a.transitions == b.transitions);
  CHECK(a.rejected == b.rejected);
  CHECK(a.changes == b.changes);
  CHECK(a.levels == b.levels);
  CHECK(a.violation_count == b.violation_count);
  REQUIRE(a.violations.size() == b.violations.size());
  for (std::size_t i = 0; i < a.violations.size(); ++i) {
    CHECK(a.violations[i].state == b.violations[i].state);
    CHECK(a.violations[i].invariant == b.violations[i].invariant);
  }
  REQUIRE(a.state_count == b.state_count);
  for (std::size_t i = 0; i < a.state_count; ++i) {
    CHECK(a.parent[i] == b.parent[i]);
    CHECK(a.via[i] == b.via[i]);
  }
}

ExploreOptions opts(unsigned threads, bool full = false, bool keep = false) {
  ExploreOptions o;
  o.threads = threads;
  o.full_states = full;
  o.keep_states = o.keep_edges = keep;
  return o;
}

/// Base's invariants as Derived's (a struct deriving from a machine keeps its checks).
template <class Derived, class Base>
std::span<const lockref::Invariant<Derived>> invariants_as() {
  static const auto list = [] {
    std::vector<lockref::Invariant<Derived>> v;
    for (const auto& i : Base::invariants()) v.push_back({i.id, i.requirement, i.holds});
    return v;
  }();
  return list;
}

/// A mutant epoch machine that lets the HEK be zeroized while the SEK is programmed
/// (breaking §4.6.4.2 rule 2): invariant:epoch.sek_implies_hek must catch it.
struct ZeroizeWithSek : lockref::lock::epoch::Machine {
  using Base = lockref::lock::epoch::Machine;
  static constexpr std::string_view name = "epoch";
  static lockref::Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    if (std::holds_alternative<lockref::lock::epoch::ZeroizeCurrentHek>(e) && s.sek == lockref::lock::epoch::Sek::programmed) {
      State z = s;
      z.sek = lockref::lock::epoch::Sek::zeroized;
      auto st = Base::step(p, z, e);
      if (st.out.is_ok()) st.next.sek = s.sek;
      return st;
    }
    return Base::step(p, s, e);
  }
  static std::span<const lockref::Invariant<ZeroizeWithSek>> invariants() { return invariants_as<ZeroizeWithSek, Base>(); }
};
static_assert(lockref::StateMachine<ZeroizeWithSek>);

}  // namespace

TEST_CASE("explore: the canonical encoding is injective and decodes back (epoch, engine, opal)") {
  {
    lockref::lock::epoch::Profile p;
    p.slots = 16;
    check_encoding(lockref::explore<lockref::lock::epoch::Machine>(p));
  }
  {
    auto p = lockref::engine::strict();
    p.capacity = 1;
    check_encoding(lockref::explore<lockref::engine::Machine>(p));
  }
  {
    auto p = lockref::opal::generic();
    p.scope = lockref::opal::Scope::locking;
    check_encoding(lockref::explore<lockref::opal::Machine>(p));
  }
}

TEST_CASE("explore: the decoder rejects malformed encodings") {
  using lockref::lock::epoch::State;
  State s;
  s.slots.assign(4, lockref::lock::epoch::Slot::randomized);
  const std::string e = encode(s);
  CHECK(decode<State>(e));
  for (std::size_t n = 0; n < e.size(); ++n) CHECK_FALSE(decode<State>(e.substr(0, n)));  // every truncation
  CHECK_FALSE(decode<State>(e + '\0'));                                                  // trailing byte
  CHECK(decode<bool>(std::string(1, '\1')));
  CHECK_FALSE(decode<bool>(std::string(1, '\2')));                        // a bool is 0 or 1
  CHECK_FALSE(decode<std::uint8_t>(std::string("\x80\x02", 2)));          // 256: out of range
  CHECK_FALSE(decode<std::uint32_t>(std::string("\x81\x00", 2)));         // overlong varint
  CHECK(*decode<std::int32_t>(encode(std::int32_t{-5})) == -5);
  CHECK_FALSE(decode<std::string>(std::string("\x7f" "ab", 3)));          // length past the end
  CHECK_FALSE(decode<std::vector<std::uint64_t>>(std::string("\xff\xff\xff\xff\x0f", 5)));  // huge count
}

TEST_CASE("explore: serial and parallel searches agree (engine, opal)") {
  auto e = lockref::engine::lenient();
  e.capacity = 2;
  const auto e1 = lockref::explore<lockref::engine::Machine>(e, opts(1));
  CHECK(e1.state_count > 1000);
  for (unsigned t : {2u, 3u}) check_same(e1, lockref::explore<lockref::engine::Machine>(e, opts(t)));
  auto o = lockref::opal::generic();
  o.users = 2;
  if (kAsan) o.scope = lockref::opal::Scope::locking;
  const auto a = lockref::explore<lockref::opal::Machine>(o, opts(1));
  check_same(a, lockref::explore<lockref::opal::Machine>(o, opts(2)));
  // Edges and states kept for diagrams come out in the same order too.
  const auto k1 = lockref::explore<lockref::engine::Machine>(e, opts(1, false, true));
  const auto k2 = lockref::explore<lockref::engine::Machine>(e, opts(2, false, true));
  REQUIRE(k1.edges.size() == k2.edges.size());
  CHECK(k1.edges.size() == k1.changes);
  for (std::size_t i = 0; i < k1.edges.size(); ++i) {
    CHECK(k1.edges[i].from == k2.edges[i].from);
    CHECK(k1.edges[i].to == k2.edges[i].to);
    CHECK(k1.edges[i].event == k2.edges[i].event);
  }
  CHECK(k1.states == k2.states);
}

TEST_CASE("explore: fingerprints and whole states find the same states") {
  auto e = lockref::engine::strict();
  e.capacity = 2;
  const auto fp = lockref::explore<lockref::engine::Machine>(e, opts(2, false));
  const auto full = lockref::explore<lockref::engine::Machine>(e, opts(2, true));
  check_same(fp, full);
  CHECK(full.full_states);
  CHECK(full.collision_probability() == 0);
  CHECK(fp.collision_probability() > 0);
  CHECK(fp.collision_probability() < 1e-10);
}

/// A symmetry reduction must visit exactly one state per orbit of the full search: the
/// set of canonical forms of the full search's states, with the same invariant verdicts;
/// and every reduced state's counterexample path must replay on the real machine.
template <class M>
void check_orbits(const typename M::Profile& p) {
  auto full_o = opts(2, false, true);
  const auto full = lockref::explore<M>(p, full_o);
  auto red_o = opts(2, false, true);
  red_o.symmetry = true;
  const auto red = lockref::explore<M>(p, red_o);
  CHECK(red.symmetric);
  CHECK_FALSE(full.truncated);
  CHECK_FALSE(red.truncated);
  std::set<std::string> orbits, reduced;
  for (const auto& s : full.states) orbits.insert(encode(M::canonical(p, s)));
  for (const auto& s : red.states) {
    CHECK(M::canonical(p, s) == s);
    reduced.insert(encode(s));
  }
  CHECK(red.state_count < full.state_count);
  CHECK(orbits == reduced);
  CHECK(red.violation_count == full.violation_count);
  for (std::size_t id = 0; id < red.state_count; id += 97) {
    auto t = lockref::trace_to<M>(p, red, id);
    REQUIRE(t);
    CHECK(M::canonical(p, t->states.back()) == red.states[id]);
  }
}

TEST_CASE("explore: Opal symmetry reduction finds exactly the orbits of the full search") {
  // Users 2..n interchangeable (drive.hpp canonical()).
  // (credentials with 3 Users: 86,076 states; under ASan the locking scope with 3 and 4 Users)
  using Case = std::pair<lockref::opal::Scope, int>;
  const std::vector<Case> cases = kAsan ? std::vector<Case>{{lockref::opal::Scope::locking, 3}, {lockref::opal::Scope::locking, 4}}
                                        : std::vector<Case>{{lockref::opal::Scope::credentials, 3}, {lockref::opal::Scope::locking, 4}};
  for (auto [sc, users] : cases) {
    auto p = lockref::opal::generic();
    p.users = static_cast<std::uint8_t>(users);
    p.scope = sc;
    INFO(lockref::enum_name(sc));
    check_orbits<lockref::opal::Machine>(p);
  }
}

/// A counter abstraction must visit exactly the abstraction classes of the full search (with
/// or without symmetry on both sides), each invariant must give every state the verdict of
/// its representative, and a reduced state's path must replay on the real machine.
template <class M>
void check_abstraction(const typename M::Profile& p, bool sym) {
  auto full_o = opts(2, false, true);
  full_o.symmetry = sym;
  const auto full = lockref::explore<M>(p, full_o);
  auto red_o = full_o;
  red_o.abstraction = true;
  const auto red = lockref::explore<M>(p, red_o);
  auto rep = [&](const typename M::State& s) { return lockref::explore_detail::representative<M>(p, s, true, sym); };
  CHECK(red.abstracted);
  CHECK_FALSE(full.truncated);
  CHECK_FALSE(red.truncated);
  std::set<std::string> classes, reduced;
  std::size_t verdicts_differ = 0;
  for (const auto& s : full.states) {
    const auto r = rep(s);
    classes.insert(encode(r));
    for (const auto& inv : M::invariants()) verdicts_differ += inv.holds(p, s) != inv.holds(p, r);
  }
  for (const auto& s : red.states) {
    CHECK(rep(s) == s);
    reduced.insert(encode(s));
  }
  CHECK(verdicts_differ == 0);
  CHECK(red.state_count < full.state_count);
  CHECK(classes == reduced);
  CHECK(red.violation_count == full.violation_count);
  std::size_t longer = 0;
  for (std::size_t id = 0; id < red.state_count; id += 97) {
    auto t = lockref::trace_to<M>(p, red, id);
    REQUIRE(t);
    CHECK(rep(t->states.back()) == red.states[id]);
    for (std::size_t k = 0; k < t->events.size(); ++k) CHECK(M::step(p, t->states[k], t->events[k]).next == t->states[k + 1]);
    std::size_t depth = 0;
    for (std::size_t i = id; i != 0; i = red.parent[i]) ++depth;
    longer += t->events.size() > depth;  // failures repeated until the real Tries reach a representative's
  }
  MESSAGE(full.state_count << " states, " << red.state_count << " classes; " << longer << " replayed paths longer than their BFS depth");
  CHECK(longer > 0);  // the replay's repetition is exercised
}

/// A wrong abstraction: Tries 1..TryLimit-1 kept as 1 instead of TryLimit-1. The merged
/// values do differ under the [TRY] rule (one more failure locks TryLimit-1 out, not 1), and
/// a search from the representatives never reaches a lockout; the agreement check must fail.
struct KeepsFirstFailure : lockref::opal::Machine {
  using Base = lockref::opal::Machine;
  static State abstract(const Profile&, State s) {
    for (auto& c : s.credentials)
      if (c.tries >= 1 && c.try_limit >= 3 && c.tries < c.try_limit) c.tries = 1;
    return s;
  }
  static std::span<const lockref::Invariant<KeepsFirstFailure>> invariants() {
    return invariants_as<KeepsFirstFailure, Base>();
  }
};

TEST_CASE("explore: Opal Tries abstraction finds exactly the classes of the full search") {
  using lockref::opal::Machine;
  using lockref::opal::Scope;
  // Try Limits 3 to 5, persistent and not (drive.hpp abstract(): Tries 1..TryLimit-1 kept as
  // TryLimit-1), with and without the Users symmetry, and the other reading of E-OPAL-AT-LIMIT.
  // Sizes of the full searches: 4 968, 30 752 and 24 640 states.
  auto p = lockref::opal::generic();
  p.sid = {5, true, true};
  p.psid = {3, true, false};
  p.scope = Scope::credentials;
  SUBCASE("credentials: SID Try Limit 5 persistent, PSID 3") { check_abstraction<Machine>(p, false); }
  SUBCASE("locking: 3 Users with Try Limit 3, with symmetry") {
    p = lockref::opal::generic();
    p.user = {3, true, false};
    p.users = 3;
    p.scope = Scope::locking;
    check_abstraction<Machine>(p, true);
  }
  SUBCASE("locking: persistent Try Limit 3, a right PIN accepted at the limit") {
    p = lockref::opal::generic();
    p.user = p.psid = {3, true, true};
    p.users = 2;
    p.scope = Scope::locking;
    p.refuse_correct_pin_at_limit = false;
    check_abstraction<Machine>(p, true);
  }
  SUBCASE("the argument's premise: no candidate SetTryLimit sets a limit above 1") {
    for (auto sc : {Scope::all, Scope::credentials, Scope::locking, Scope::firmware, Scope::sum}) {
      auto q = lockref::opal::seagate_se4sa530();
      q.scope = sc;
      for (const auto& e : Machine::candidate_events(q, Machine::initial(q)))
        if (const auto* t = std::get_if<lockref::opal::SetTryLimit>(&e)) CHECK(t->limit <= 1);
    }
  }
  SUBCASE("a wrong abstraction is caught") {
    auto full_o = opts(2, false, true);
    const auto full = lockref::explore<KeepsFirstFailure>(p, full_o);
    full_o.abstraction = true;
    const auto red = lockref::explore<KeepsFirstFailure>(p, full_o);
    std::set<std::string> classes, reduced;
    for (const auto& s : full.states) classes.insert(encode(KeepsFirstFailure::abstract(p, s)));
    for (const auto& s : red.states) reduced.insert(encode(s));
    CHECK(classes != reduced);
    CHECK(reduced.size() < classes.size());  // the lockouts are lost
  }
}

TEST_CASE("explore: engine key-tag symmetry finds exactly the orbits of the full search") {
  // The METD key tags of candidate_events interchangeable (engine.hpp canonical()); both
  // profiles, so replace-on-load and unload-of-absent are covered.
  for (auto [p, cap] : {std::pair{lockref::engine::strict(), 1}, std::pair{lockref::engine::strict(), 2},
                        std::pair{lockref::engine::lenient(), 2}}) {
    p.capacity = static_cast<std::uint16_t>(cap);
    INFO(p.name << " capacity " << cap);
    check_orbits<lockref::engine::Machine>(p);
  }
  // A tag other than the samples (here the METD reset value, zero) is not renamed.
  auto p = lockref::engine::strict();
  p.capacity = 2;
  auto s = lockref::engine::Machine::initial(p);
  CHECK(lockref::engine::Machine::canonical(p, s) == s);
  // Renaming: METD holding tag 3 with tag 1 cached reads as METD tag 1, tag 2 cached.
  s.metd.back() = 3;
  s.cache.push_back({});
  s.cache.back().metadata.back() = 1;
  const auto c = lockref::engine::Machine::canonical(p, s);
  CHECK(c.metd.back() == 1);
  REQUIRE(c.cache.size() == 1);
  CHECK(c.cache[0].metadata.back() == 2);
}

/// A machine that declares events_independent_of_state must offer the same events in every
/// reachable state (the explorer builds them once).
template <class M>
void check_fixed_events(const typename M::Profile& p) {
  static_assert(lockref::HasFixedEvents<M>);
  auto dump = [&](const typename M::State& s) {
    std::string out;
    for (const auto& e : M::candidate_events(p, s)) out += lockref::to_json(e).dump() + "\n";
    return out;
  };
  const auto ex = lockref::explore<M>(p, opts(1, false, true));
  const std::string first = dump(M::initial(p));
  std::size_t differ = 0;
  for (const auto& s : ex.states) differ += dump(s) != first;
  CHECK(ex.states.size() > 10);
  CHECK(differ == 0);
}

TEST_CASE("explore: epoch and engine offer the same events in every state, as they declare") {
  check_fixed_events<lockref::lock::epoch::Machine>(lockref::lock::epoch::Profile{});
  auto e = lockref::engine::strict();
  e.capacity = 1;
  check_fixed_events<lockref::engine::Machine>(e);
  static_assert(!lockref::HasFixedEvents<lockref::opal::Machine>);
}

/// The same machine without its fast step: a struct deriving from it, so HasFastStep does
/// not hold and the explorer goes through step() (as it does for a mutant).
template <class M>
struct ThroughStep : M {
  static std::span<const lockref::Invariant<ThroughStep>> invariants() { return invariants_as<ThroughStep, M>(); }
};

/// On every reachable state and every candidate event, fast_step decides as step() does
/// (status, rule) and leaves step()'s next state in the scratch state when it says it wrote
/// one, step()'s next state being the current one otherwise; the scratch state starts as
/// some other reachable state, so a fast step that leans on its old contents shows.
/// Returns the number of (state, event) pairs that differ.
template <class M>
std::size_t fast_step_differences(const typename M::Profile& p) {
  static_assert(lockref::HasFastStep<M> && !lockref::HasFastStep<ThroughStep<M>>);
  const auto ex = lockref::explore<M>(p);
  REQUIRE(!ex.truncated);
  std::size_t differ = 0, pairs = 0, wrote = 0;
  for (std::size_t i = 0; i < ex.states.size(); ++i) {
    const auto& s = ex.states[i];
    for (const auto& e : M::candidate_events(p, s)) {
      ++pairs;
      const auto st = M::step(p, s, e);
      auto scratch = ex.states[(i * 7 + pairs) % ex.states.size()];
      const lockref::Verdict v = M::fast_step(p, s, e, scratch);
      wrote += v.wrote;
      const bool same = v.status == std::string_view(st.out.status) && v.rule == std::string_view(st.out.rule) &&
                        v.is_ok() == st.out.is_ok() && (v.wrote ? scratch : s) == st.next;
      if (!same && differ++ < 3)
        FAIL_CHECK("fast_step differs from step on state " << lockref::to_json(s).dump() << " event "
                                                           << lockref::to_json(e).dump());
    }
  }
  CHECK(pairs == ex.transitions);
  CHECK(wrote > ex.states.size());  // not vacuous: states do change
  // The search through the fast step is the search through step().
  check_same(lockref::explore<M>(p, ExploreOptions{}), lockref::explore<ThroughStep<M>>(p, ExploreOptions{}));
  return differ;
}

TEST_CASE("explore: the epoch and engine fast steps are step() (every reachable state, every event)") {
  lockref::lock::epoch::Profile ep;
  ep.slots = 16;
  CHECK(fast_step_differences<lockref::lock::epoch::Machine>(ep) == 0);
  ep.slots = 4;
  ep.preproduction_fuse_writes = true;
  CHECK(fast_step_differences<lockref::lock::epoch::Machine>(ep) == 0);
  // The strict profile at key cache 2 and 3 (8 912 and 37 326 states), the lenient one
  // (its other choices) at 2, and a cache a fatal error empties.
  for (auto [ee, cap] : {std::pair{lockref::engine::strict(), 2}, {lockref::engine::strict(), 3},
                         {lockref::engine::lenient(), 2}, {lockref::engine::strict(), 1}}) {
    if (kAsan && cap == 3) continue;  // (slow under ASan; the default preset runs it)
    ee.capacity = static_cast<std::uint16_t>(cap);
    ee.fatal_clears_cache = cap == 1;
    CAPTURE(ee.name);
    CAPTURE(cap);
    CHECK(fast_step_differences<lockref::engine::Machine>(ee) == 0);
  }
  static_assert(!lockref::HasFastStep<ZeroizeWithSek>);  // a mutant is explored through its own step()
}

TEST_CASE("explore: the Opal fast step is step() (every reachable state, every event)") {
  // Authenticate decided without a state copy (drive.hpp check_auth), the rest through step():
  // Try Limits 3 and 1, persistent and not, Users, both readings of E-OPAL-AT-LIMIT.
  static_assert(lockref::HasFastStep<lockref::opal::Machine>);
  // (6 208, 1 656, 914 and 6 848 states.)
  auto p = lockref::opal::generic();
  p.sid = {3, true, true};
  p.user = {3, true, false};
  p.users = 1;
  p.scope = lockref::opal::Scope::locking;
  CHECK(fast_step_differences<lockref::opal::Machine>(p) == 0);
  p.refuse_correct_pin_at_limit = false;
  p.users = 0;
  p.scope = lockref::opal::Scope::credentials;
  CHECK(fast_step_differences<lockref::opal::Machine>(p) == 0);
  // The other event kinds: Single User Mode, firmware download.
  for (auto sc : {lockref::opal::Scope::sum, lockref::opal::Scope::firmware}) {
    p = lockref::opal::generic();
    p.users = 2;
    p.scope = sc;
    CHECK(fast_step_differences<lockref::opal::Machine>(p) == 0);
  }
}

/// States whose `key` is equal offer equal candidate events; returns how many keys break that.
template <class M, class Key>
std::size_t keys_that_mix_event_lists(const typename M::Profile& p, const Exploration<M>& ex, Key key) {
  std::map<std::string, std::string> events_of;  // key -> the events of the first state with it
  std::set<std::string> broken;
  for (const auto& s : ex.states) {
    std::string dump;
    for (const auto& e : M::candidate_events(p, s)) dump += lockref::to_json(e).dump() + "\n";
    auto [it, fresh] = events_of.try_emplace(key(s), dump);
    if (!fresh && it->second != dump) broken.insert(it->first);
  }
  return broken.size();
}

TEST_CASE("explore: the Opal event key determines candidate_events, and the cached search is the plain one") {
  using lockref::opal::Machine;
  auto p = lockref::opal::generic();
  p.users = 2;
  p.scope = lockref::opal::Scope::sum;  // 914 states: SUDR owner PINs, Admin1 resets, the key bound
  const auto ex = lockref::explore<Machine>(p, opts(1, false, true));
  std::set<std::string> keys;
  for (const auto& s : ex.states) keys.insert(Machine::event_key(p, s));
  CHECK(keys.size() > 3);  // PINs change and MEK generations reach the bound: several lists
  CHECK(keys_that_mix_event_lists<Machine>(p, ex, [&](const auto& s) { return Machine::event_key(p, s); }) == 0);
  // The check has teeth: a key that forgets the PINs mixes lists.
  CHECK(keys_that_mix_event_lists<Machine>(p, ex, [&](const auto& s) { return std::to_string(Machine::keys_at_bound(p, s)); }) > 0);
  auto plain = opts(1, false, true);
  plain.event_cache = false;
  check_same(ex, lockref::explore<Machine>(p, plain));
}

TEST_CASE("explore: --max-states and --max-memory stop cleanly with the reason") {
  auto e = lockref::engine::strict();
  e.capacity = 2;
  ExploreOptions o;
  o.max_states = 100;
  const auto a = lockref::explore<lockref::engine::Machine>(e, o);
  CHECK(a.truncated);
  CHECK(a.state_count == 100);
  CHECK(a.truncation.find("max-states") != std::string::npos);
  // The memory bound holds for the tables, the frontier and the expansion buffers together
  // (until 2026-12-02 the buffers were not counted while merging, nor freed between rounds:
  // a SE4SA530 search with --max-memory 500M reported a 536.8 MiB peak).
  e.capacity = 3;  // 37326 states
  for (unsigned t : {1u, 2u})
    for (std::size_t bound : {1'000'000u, 2'000'000u}) {
      ExploreOptions m = opts(t);
      m.max_memory = bound;
      const auto b = lockref::explore<lockref::engine::Machine>(e, m);
      INFO(t << " threads, bound " << bound);
      CHECK(b.truncated);
      CHECK(b.truncation.find("max-memory") != std::string::npos);
      CHECK(b.memory_peak <= m.max_memory);
      CHECK(b.state_count > 1000);
      CHECK(b.state_count < 37326);
    }
  auto se = lockref::opal::seagate_se4sa530();
  se.scope = lockref::opal::Scope::credentials;
  ExploreOptions m = opts(2);
  m.max_memory = 8'000'000;
  const auto c = lockref::explore<lockref::opal::Machine>(se, m);
  CHECK(c.truncated);
  CHECK(c.memory_peak <= m.max_memory);
  CHECK(c.memory_peak > m.max_memory / 2);
}

TEST_CASE("explore: a shortest counterexample replays and check names the requirement") {
  lockref::lock::epoch::Profile p;
  // Shortest path by hand from Figure 19: enter production, PROGRAM_NEXT_HEK, program the
  // SEK, ZEROIZE_CURRENT_HEK (the mutant allows it) -> HEK zeroized with SEK programmed.
  const auto ex1 = lockref::explore<ZeroizeWithSek>(p, opts(1));
  const auto ex2 = lockref::explore<ZeroizeWithSek>(p, opts(2));
  REQUIRE(ex1.violation_count > 0);
  check_same(ex1, ex2);
  const auto& v = ex1.violations.front();
  CHECK(v.invariant == "invariant:epoch.sek_implies_hek");
  CHECK(v.requirement == "LOCK-4.6.4.2-1");
  auto t = lockref::trace_to<ZeroizeWithSek>(p, ex1, v.state);
  REQUIRE(t);
  REQUIRE(t->events.size() == 4);
  CHECK(lockref::event_tag(t->events[0]) == "advance_lifecycle");
  CHECK(lockref::event_tag(t->events[1]) == "program_next_hek");
  CHECK(lockref::event_tag(t->events[2]) == "program_sek");
  CHECK(lockref::event_tag(t->events[3]) == "zeroize_current_hek");
  // As a transcript: the mutant's own answers conform, and its invariant check reports
  // the requirement at step 4.
  std::vector<std::string> lines{lockref::transcript_header<ZeroizeWithSek>(p).dump()};
  for (std::size_t i = 0; i < t->events.size(); ++i)
    lines.push_back(
        lockref::transcript_step<ZeroizeWithSek>(p, i + 1, t->events[i], ZeroizeWithSek::step(p, t->states[i], t->events[i]))
            .dump());
  auto rep = lockref::check_transcript<ZeroizeWithSek>(lines);
  REQUIRE(rep);
  REQUIRE(rep->divergence);
  CHECK(rep->divergence->step == 4);
  CHECK(rep->divergence->invariant == "invariant:epoch.sek_implies_hek");
  CHECK(rep->divergence->rule == "LOCK-4.6.4.2-1");
  // What `lockref explore --counterexample FILE` writes is that same transcript.
  const std::string path =
      (std::filesystem::temp_directory_path() / ("lockref-counterexample-" + std::to_string(::getpid()) + ".jsonl")).string();
  REQUIRE(lockref::cli::write_counterexample<ZeroizeWithSek>(p, ex1, v.state, path));
  std::ifstream f(path);
  std::vector<std::string> written;
  for (std::string l; std::getline(f, l);) written.push_back(l);
  std::remove(path.c_str());
  CHECK(written == lines);
  // The real machine refuses step 4 (rule 2): the same transcript diverges on its status.
  auto real = lockref::check_transcript<lockref::lock::epoch::Machine>(lines);
  REQUIRE(real);
  REQUIRE(real->divergence);
  CHECK(real->divergence->field == "status");
  CHECK(real->divergence->rule == "LOCK-4.6.4.2-2");
}

}  // namespace LOCKREF_UNITY_ID
