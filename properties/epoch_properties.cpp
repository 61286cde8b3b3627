// Properties of the OCP L.O.C.K. 0.9 epoch-key machine (seed 001 §4.6.4, §4.7.2.4,
// §4.7.2.21, Figure 19). Each property is a template over the model, checked to hold on
// lock::epoch::Machine and checked to FAIL on a deliberately broken variant (a mutant
// that breaks exactly the rule the property guards), in the same TEST_CASE.
#include <rapidcheck.h>

#include <set>

#include "lockref/core/explore.hpp"
#include "lockref/lock/epoch.hpp"
#include "support.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using lockref::Step;
using namespace lockref::lock::epoch;
using lockref::prop::fails;
using lockref::prop::holds;

namespace {

// ---- random walks ------------------------------------------------------------------

struct Transition {
  State before;
  Event event;
  State after;
  Output out;
};

/// A walk of the model M from its initial state. Each choice picks among the
/// candidate events; seven choices in eight pick an accepted event, so walks reach deep
/// into the lifecycle (perma-HEK with 16 slots), and the rest exercise the guards.
template <class M>
std::vector<Transition> walk(const Profile& p, const std::vector<std::uint32_t>& choices) {
  std::vector<Transition> t;
  State s = M::initial(p);
  for (auto c : choices) {
    const auto cands = M::candidate_events(p, s);
    std::vector<std::size_t> accepted;
    for (std::size_t i = 0; i < cands.size(); ++i)
      if (M::step(p, s, cands[i]).out.is_ok()) accepted.push_back(i);
    const std::size_t pick =
        (c % 8 != 0 && !accepted.empty()) ? accepted[(c / 8) % accepted.size()] : (c / 8) % cands.size();
    auto st = M::step(p, s, cands[pick]);
    t.push_back({s, cands[pick], st.next, st.out});
    s = st.next;
  }
  return t;
}

Profile gen_profile() {
  Profile p;
  // Half the walks use n = 4, so that they often reach the end of the fuse bank.
  p.slots = *rc::gen::oneOf(rc::gen::just(std::uint16_t{min_slots}),
                            rc::gen::inRange<std::uint16_t>(min_slots, max_slots + 1));
  p.preproduction_fuse_writes = *rc::gen::element(false, false, true);
  return p;
}

/// Walks of up to 240 events: long enough to run a 16-slot bank to perma-HEK.
template <class M>
std::pair<Profile, std::vector<Transition>> gen_walk() {
  const Profile p = gen_profile();
  const auto length = *rc::gen::inRange<std::size_t>(0, 241);
  const auto choices = *rc::gen::container<std::vector<std::uint32_t>>(length, rc::gen::arbitrary<std::uint32_t>());
  return {p, walk<M>(p, choices)};
}

int rank(Slot s) {  // blank -> randomized -> (corrupted) -> zeroized
  switch (s) {
    case Slot::blank: return 0;
    case Slot::randomized: return 1;
    case Slot::corrupted: return 2;
    case Slot::zeroized: return 3;
  }
  return -1;
}

// ---- mutants: each breaks one rule ---------------------------------------------------

/// Zeroization "rewinds" the slot to blank instead of blowing it.
struct MutantRewind : Machine {
  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (std::holds_alternative<ZeroizeCurrentHek>(e) && r.out.is_ok())
      for (std::size_t i = 0; i < s.slots.size(); ++i)
        if (s.slots[i] != Slot::zeroized && r.next.slots[i] == Slot::zeroized) r.next.slots[i] = Slot::blank;
    return r;
  }
};

/// Programs the next seed without the prior one being zeroized (breaks rule 4).
struct MutantSkipZeroize : Machine {
  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    if (const auto* ev = std::get_if<ProgramNextHek>(&e); ev && s.lifecycle == Lifecycle::production) {
      for (std::size_t i = 0; i < s.slots.size(); ++i)
        if (s.slots[i] == Slot::blank) {
          State n = s;
          n.slots[i] = ev->interrupted ? Slot::corrupted : Slot::randomized;
          return {n, Output{"ok", "mutant", {}}};
        }
    }
    return Machine::step(p, s, e);
  }
};

/// §4.7.2.21.1 without the "- 1 if seed_is_erased" term.
struct MutantErasures : Machine {
  static View observe(const Profile& p, const State& s) {
    View v = Machine::observe(p, s);
    v.hek_erasures_remaining = static_cast<std::uint16_t>(v.hek_metadata.total_slots - v.hek_metadata.active_slot);
    return v;
  }
};

/// MEK loads gated on the HEK only (forgets the SEK, Table 60 item 8).
struct MutantMekIgnoresSek : Machine {
  static View observe(const Profile& p, const State& s) {
    View v = Machine::observe(p, s);
    v.mek_load_allowed = v.hek_available;
    return v;
  }
};

/// Perma-HEK may be enabled while a seed is still live (breaks rule 5).
struct MutantEarlyPerma : Machine {
  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    if (std::holds_alternative<EnablePermaHek>(e) && s.lifecycle == Lifecycle::production &&
        s.perma_hek == PermaHek::unset) {
      State n = s;
      n.perma_hek = PermaHek::set;
      return {n, Output{"ok", "mutant", {}}};
    }
    return Machine::step(p, s, e);
  }
};

/// Table 53 without its lifecycle clause: pre-production reports from the fuses.
struct MutantIgnoresLifecycle : Machine {
  static View observe(const Profile& p, const State& s) {
    View v = Machine::observe(p, s);
    v.hek_state = table53(Lifecycle::production, v.hek_metadata.seed_state);
    v.hek_available = is_available(v.hek_state);
    v.mek_load_allowed = v.hek_available && s.sek == Sek::programmed;
    return v;
  }
};

/// Refuses HEK zeroization while the SEK is programmed — but blows the fuse anyway.
struct MutantDirtyReject : Machine {
  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (std::holds_alternative<ZeroizeCurrentHek>(e) && !r.out.is_ok() && r.out.rule == "LOCK-4.6.4.2-2") {
      auto clean = s;
      clean.sek = Sek::zeroized;
      r.next = Machine::step(p, clean, e).next;
      r.next.sek = s.sek;
    }
    return r;
  }
};

/// Lets the Caliptra lifecycle go backwards.
struct MutantLifecycleRegress : Machine {
  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    if (const auto* ev = std::get_if<AdvanceLifecycle>(&e); ev && ev->to < s.lifecycle) {
      State n = s;
      n.lifecycle = ev->to;
      return {n, Output{"ok", "mutant", {}}};
    }
    return Machine::step(p, s, e);
  }
};

/// Programs the SEK whether or not the HEK is available (breaks rule 1).
struct MutantSekAnytime : Machine {
  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    if (std::holds_alternative<ProgramSek>(e) && s.sek == Sek::zeroized) {
      State n = s;
      n.sek = Sek::programmed;
      return {n, Output{"ok", "mutant", {}}};
    }
    return Machine::step(p, s, e);
  }
};

/// Zeroizes the HEK seed without requiring the SEK to be zeroized (breaks rule 2).
struct MutantZeroizeWithSek : Machine {
  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    if (std::holds_alternative<ZeroizeCurrentHek>(e) && s.sek == Sek::programmed) {
      State clean = s;
      clean.sek = Sek::zeroized;
      auto r = Machine::step(p, clean, e);
      r.next.sek = Sek::programmed;
      return r;
    }
    return Machine::step(p, s, e);
  }
};

/// Cold reset loses the SEK (it is stored in flash and must persist).
struct MutantResetLosesSek : Machine {
  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (std::holds_alternative<ColdReset>(e)) r.next.sek = Sek::zeroized;
    return r;
  }
};

// ---- properties ----------------------------------------------------------------------

template <class M>
auto slots_only_move_forward() {
  return [] {
    const auto [p, t] = gen_walk<M>();
    for (const auto& x : t)
      for (std::size_t i = 0; i < x.after.slots.size(); ++i) RC_ASSERT(rank(x.after.slots[i]) >= rank(x.before.slots[i]));
  };
}

template <class M>
auto one_randomized_after_last_zeroized() {
  return [] {
    const auto [p, t] = gen_walk<M>();
    for (const auto& x : t) {
      const auto& sl = x.after.slots;
      int randomized = 0;
      for (std::size_t i = 0; i < sl.size(); ++i) {
        if (sl[i] != Slot::randomized) continue;
        ++randomized;
        for (std::size_t j = 0; j < i; ++j) RC_ASSERT(sl[j] == Slot::zeroized);
        for (std::size_t j = i + 1; j < sl.size(); ++j) RC_ASSERT(sl[j] == Slot::blank);
      }
      RC_ASSERT(randomized <= 1);
    }
  };
}

template <class M>
auto erasures_monotone() {
  return [] {
    const auto [p, t] = gen_walk<M>();
    for (const auto& x : t) {
      const auto before = M::observe(p, x.before), after = M::observe(p, x.after);
      RC_ASSERT(erasures_remaining_signed(after.hek_metadata) >= 0);
      RC_ASSERT(after.hek_erasures_remaining <= before.hek_erasures_remaining);
      const auto* z = std::get_if<ZeroizeCurrentHek>(&x.event);
      if (z && x.out.is_ok() && !z->interrupted)
        RC_ASSERT(after.hek_erasures_remaining + 1 == before.hek_erasures_remaining);
      else
        RC_ASSERT(after.hek_erasures_remaining == before.hek_erasures_remaining);
    }
  };
}

template <class M>
auto mek_iff_hek_and_sek() {
  return [] {
    const auto [p, t] = gen_walk<M>();
    for (const auto& x : t) {
      const auto v = M::observe(p, x.after);
      // Availability read independently from Table 4 (fuses + lifecycle).
      const bool hek = is_available(table4(x.after.lifecycle, x.after.slots, x.after.perma_hek));
      RC_ASSERT(v.mek_load_allowed == (hek && x.after.sek == Sek::programmed));
    }
  };
}

template <class M>
auto perma_one_way_after_all_zeroized() {
  return [] {
    const auto [p, t] = gen_walk<M>();
    for (const auto& x : t) {
      if (x.before.perma_hek != PermaHek::unset) RC_ASSERT(x.after.perma_hek != PermaHek::unset);
      if (x.before.perma_hek == PermaHek::set) RC_ASSERT(x.after.perma_hek == PermaHek::set);
      if (x.after.perma_hek != PermaHek::unset)
        for (auto sl : x.after.slots) RC_ASSERT(sl == Slot::zeroized);
    }
  };
}

/// Table 15's row conditions, checked against what the model reports, plus Table 4
/// (read from the fuses) against Table 53 (read from seed_state), plus §4.7.2.21.1.
template <class M>
auto tables_agree() {
  return [] {
    const auto [p, t] = gen_walk<M>();
    for (const auto& x : t) {
      const auto& s = x.after;
      const auto v = M::observe(p, s);
      const auto& m = v.hek_metadata;
      const auto n = s.slots.size();
      RC_ASSERT(m.total_slots == n);
      RC_ASSERT(m.active_slot < n);
      bool all_blank = true, all_zeroized = true;
      for (auto sl : s.slots) {
        all_blank = all_blank && sl == Slot::blank;
        all_zeroized = all_zeroized && sl == Slot::zeroized;
      }
      switch (m.seed_state) {
        case SeedState::empty: RC_ASSERT((all_blank && m.active_slot == 0)); break;
        case SeedState::zeroized:
          RC_ASSERT(s.slots[m.active_slot] == Slot::zeroized);
          RC_ASSERT((m.active_slot + 1u == n || s.slots[m.active_slot + 1] == Slot::blank));
          RC_ASSERT(s.perma_hek != PermaHek::set);
          break;
        case SeedState::corrupted: RC_ASSERT(s.slots[m.active_slot] == Slot::corrupted); break;
        case SeedState::programmed: RC_ASSERT(s.slots[m.active_slot] == Slot::randomized); break;
        case SeedState::permanent:
          RC_ASSERT((all_zeroized && s.perma_hek == PermaHek::set && m.active_slot + 1u == n));
          break;
      }
      RC_ASSERT(v.hek_state == table4(s.lifecycle, s.slots, s.perma_hek));
      int live = 0;
      for (auto sl : s.slots) live += sl != Slot::zeroized;
      RC_ASSERT(int{v.hek_erasures_remaining} == live);
      RC_ASSERT(v.hek_available == (v.hek_state == HekState::avail_programmed || v.hek_state == HekState::avail_unerasable));
    }
  };
}

template <class M>
auto rejected_events_change_nothing() {
  return [] {
    const auto [p, t] = gen_walk<M>();
    for (const auto& x : t)
      if (!x.out.is_ok()) RC_ASSERT(x.after == x.before);
  };
}

template <class M>
auto lifecycle_only_advances() {
  return [] {
    const auto [p, t] = gen_walk<M>();
    for (const auto& x : t) RC_ASSERT(x.after.lifecycle >= x.before.lifecycle);
  };
}

template <class M>
auto sek_only_with_hek() {
  return [] {
    const auto [p, t] = gen_walk<M>();
    for (const auto& x : t)
      if (x.before.sek == Sek::zeroized && x.after.sek == Sek::programmed)
        RC_ASSERT(is_available(table4(x.before.lifecycle, x.before.slots, x.before.perma_hek)));
  };
}

template <class M>
auto hek_zeroized_only_with_sek_zeroized() {
  return [] {
    const auto [p, t] = gen_walk<M>();
    for (const auto& x : t)
      for (std::size_t i = 0; i < x.after.slots.size(); ++i)
        if (x.after.slots[i] != x.before.slots[i] && x.before.slots[i] != Slot::blank) RC_ASSERT(x.before.sek == Sek::zeroized);
  };
}

template <class M>
auto cold_reset_reports_and_persists() {
  return [] {
    const auto [p, t] = gen_walk<M>();
    for (const auto& x : t) {
      if (!std::holds_alternative<ColdReset>(x.event)) continue;
      RC_ASSERT(x.after == x.before);
      RC_ASSERT(x.out.hek_metadata.has_value());
      RC_ASSERT(*x.out.hek_metadata == table15(x.before.slots, x.before.perma_hek));
    }
  };
}

}  // namespace

TEST_CASE("epoch: slot states only move forward") {
  holds("slots move blank -> randomized -> zeroized (corrupted between)", slots_only_move_forward<Machine>());
  fails("zeroization rewinds the slot", slots_only_move_forward<MutantRewind>());
}

TEST_CASE("epoch: at most one randomized slot, the one after the last zeroized") {
  holds("one randomized slot, after the zeroized ones", one_randomized_after_last_zeroized<Machine>());
  fails("next seed programmed before the prior is zeroized", one_randomized_after_last_zeroized<MutantSkipZeroize>());
}

TEST_CASE("epoch: hek_erasures_remaining never increases, drops by one per HEK zeroization, never underflows") {
  holds("erasures monotone", erasures_monotone<Machine>());
  fails("formula without the seed_is_erased term", erasures_monotone<MutantErasures>());
}

TEST_CASE("epoch: MEK loads allowed iff HEK available and SEK programmed") {
  holds("MEK gate", mek_iff_hek_and_sek<Machine>());
  fails("MEK gate ignores the SEK", mek_iff_hek_and_sek<MutantMekIgnoresSek>());
}

TEST_CASE("epoch: perma-HEK is one-way and only after every slot is zeroized") {
  holds("perma-HEK", perma_one_way_after_all_zeroized<Machine>());
  fails("perma-HEK enabled while a seed is live", perma_one_way_after_all_zeroized<MutantEarlyPerma>());
}

TEST_CASE("epoch: Table 15, Table 4/53 and §4.7.2.21.1 agree on every reachable state") {
  holds("tables agree", tables_agree<Machine>());
  fails("Table 53 ignores the lifecycle", tables_agree<MutantIgnoresLifecycle>());
  fails("erasures formula broken", tables_agree<MutantErasures>());
}

TEST_CASE("epoch: a rejected event leaves the state unchanged") {
  holds("rejections are side-effect free", rejected_events_change_nothing<Machine>());
  fails("a refused zeroization blows the fuse anyway", rejected_events_change_nothing<MutantDirtyReject>());
}

TEST_CASE("epoch: Caliptra lifecycle only advances") {
  holds("lifecycle one-way", lifecycle_only_advances<Machine>());
  fails("lifecycle may regress", lifecycle_only_advances<MutantLifecycleRegress>());
}

TEST_CASE("epoch: SEK is only programmed while the HEK is available") {
  holds("rule 1", sek_only_with_hek<Machine>());
  fails("SEK programmed any time", sek_only_with_hek<MutantSekAnytime>());
}

TEST_CASE("epoch: HEK seed is only zeroized while the SEK is zeroized") {
  holds("rule 2", hek_zeroized_only_with_sek_zeroized<Machine>());
  fails("HEK zeroized under a programmed SEK", hek_zeroized_only_with_sek_zeroized<MutantZeroizeWithSek>());
}

TEST_CASE("epoch: cold reset reports Table 15 metadata and changes nothing") {
  holds("cold reset", cold_reset_reports_and_persists<Machine>());
  fails("cold reset loses the SEK", cold_reset_reports_and_persists<MutantResetLosesSek>());
}

TEST_CASE("epoch: property walks visit every reachable state") {
  // Guards against vacuous properties: the walks the properties above generate (same
  // generator, same seed and case count) must visit every state `explore` finds for the
  // default profile with n = 4 (Figure 19's example).
  for (int n : {4}) {
    Profile p;
    p.slots = static_cast<std::uint16_t>(n);
    std::set<std::string> all, seen;
    for (const auto& s : lockref::explore<Machine>(p).states) all.insert(lockref::to_json(s).dump());
    holds("collect", [&] {
      const auto [q, t] = gen_walk<Machine>();
      if (q == p)
        for (const auto& x : t) {
          seen.insert(lockref::to_json(x.before).dump());
          seen.insert(lockref::to_json(x.after).dump());
        }
    });
    std::string missing;
    for (const auto& s : all)
      if (!seen.count(s)) missing += "\n  " + s;
    INFO("n = " << n << ": visited " << seen.size() << " of " << all.size() << " reachable states; missing:" << missing);
    CHECK(seen == all);
  }
}

}  // namespace LOCKREF_UNITY_ID
