// OCP L.O.C.K. 0.9 epoch keys: the HEK fuse bank, the perma-HEK bit and the SEK.
//
// Sources (seed 001_30ed4cd62c635f55.txt):
//   §4.6.4      HEKs and SEKs ("Both must be available ... in order for MEKs to be loaded")
//   §4.6.4.1    HEK lifecycle, Table 4 (HEK lifecycle states)
//   §4.6.4.2    HEK and SEK lifecycle, Figure 19 (state machine), the five rules
//   §4.7.2.4    REPORT_HEK_METADATA, Table 14 (seed_state), Table 15 (seed_state/active_slot)
//   §4.7.2.21   REPORT_EPOCH_KEY_STATE, Table 52 (SEK state), Table 53 (HEK state)
//   §4.7.2.21.1 hek_erasures_remaining
//   §4.10       Table 60 compliance items 5-8
//   §4.7.2.23   Table 57 result codes
// Requirement ids refer to spec/requirements/.
#pragma once
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "lockref/core/enum.hpp"
#include "lockref/core/json.hpp"
#include "lockref/core/machine.hpp"

namespace lockref::lock::epoch {

// ---- enumerations ----------------------------------------------------------------

/// Caliptra lifecycle states named in §4.6.4.1 and Table 4.
enum class Lifecycle : std::uint8_t { unprovisioned, manufacturing, production };
constexpr auto enum_names(Lifecycle) {
  return std::array{EnumName{Lifecycle::unprovisioned, "unprovisioned"},
                    EnumName{Lifecycle::manufacturing, "manufacturing"},
                    EnumName{Lifecycle::production, "production"}};
}

/// State of one HEK fuse slot (§4.6.4.1: blank -> randomized -> zeroized; an interrupted
/// write leaves it corrupted, Table 15 row 3; Figure 19 calls that state "invalid").
enum class Slot : std::uint8_t { blank, randomized, zeroized, corrupted };
constexpr auto enum_names(Slot) {
  return std::array{EnumName{Slot::blank, "blank"}, EnumName{Slot::randomized, "randomized"},
                    EnumName{Slot::zeroized, "zeroized"}, EnumName{Slot::corrupted, "corrupted"}};
}

/// The "permanent-HEK" logical fuse bit (§4.6.4.1). Figure 19 also shows an interrupted
/// write of it ("Perma-HEK bit invalid"), from which ENABLE_HEK_BYPASS is retried.
enum class PermaHek : std::uint8_t { unset, invalid, set };
constexpr auto enum_names(PermaHek) {
  return std::array{EnumName{PermaHek::unset, "unset"}, EnumName{PermaHek::invalid, "invalid"},
                    EnumName{PermaHek::set, "set"}};
}

/// Table 52: SEK state values.
enum class Sek : std::uint16_t { zeroized = 0, programmed = 1 };
constexpr auto enum_names(Sek) {
  return std::array{EnumName{Sek::zeroized, "SEK_ZEROIZED"}, EnumName{Sek::programmed, "SEK_PROGRAMMED"}};
}

/// Table 14: HEK seed state values (REPORT_HEK_METADATA seed_state).
enum class SeedState : std::uint16_t { empty = 0, zeroized = 1, corrupted = 2, programmed = 3, permanent = 4 };
constexpr auto enum_names(SeedState) {
  return std::array{EnumName{SeedState::empty, "HEK_SEED_UNAVAIL_EMPTY"},
                    EnumName{SeedState::zeroized, "HEK_SEED_UNAVAIL_ZEROIZED"},
                    EnumName{SeedState::corrupted, "HEK_SEED_UNAVAIL_CORRUPTED"},
                    EnumName{SeedState::programmed, "HEK_SEED_AVAIL_PROGRAMMED"},
                    EnumName{SeedState::permanent, "HEK_SEED_AVAIL_PERMANENT"}};
}

/// Table 53: HEK state values (REPORT_EPOCH_KEY_STATE hek_state). Table 4 spells the
/// programmed state "HEK_AVAIL_PROGRAMED"; Table 53's spelling is used (errata E-LOCK-T4-SPELLING).
enum class HekState : std::uint16_t {
  unavail_empty = 0,
  unavail_zeroized = 1,
  unavail_corrupted = 2,
  avail_programmed = 3,
  avail_unerasable = 4
};
constexpr auto enum_names(HekState) {
  return std::array{EnumName{HekState::unavail_empty, "HEK_UNAVAIL_EMPTY"},
                    EnumName{HekState::unavail_zeroized, "HEK_UNAVAIL_ZEROIZED"},
                    EnumName{HekState::unavail_corrupted, "HEK_UNAVAIL_CORRUPTED"},
                    EnumName{HekState::avail_programmed, "HEK_AVAIL_PROGRAMMED"},
                    EnumName{HekState::avail_unerasable, "HEK_AVAIL_UNERASABLE"}};
}

// ---- values ----------------------------------------------------------------------

/// The REPORT_HEK_METADATA arguments MCU ROM derives from the fuses (Table 13, Table 15).
struct HekMetadata {
  SeedState seed_state = SeedState::empty;
  std::uint16_t active_slot = 0;
  std::uint16_t total_slots = 0;
  friend bool operator==(const HekMetadata&, const HekMetadata&) = default;
};

/// Vendor-open constants (ARCHITECTURE.md "Profiles").
struct Profile {
  /// Number of HEK slots n. §4.6.4.1: "4 <= n <= 16"; the vendor chooses.
  std::uint16_t slots = 4;
  /// Whether HEK fuses may be written before the Production lifecycle state.
  /// Model choice: Figure 19 shows PROGRAM_NEXT_HEK / ZEROIZE_CURRENT_HEK / ENABLE_HEK_BYPASS
  /// only in Production; Table 4 ("[Any]" fuse state in pre-production) does not forbid it.
  bool preproduction_fuse_writes = false;
  /// Result code for sequencing violations that Table 57 has no code for (rules 2 and 5
  /// of §4.6.4.2, lifecycle regressions). Model choice: errata E-LOCK-T57-NO-SEQUENCE-CODE.
  std::string sequence_error = "LOCK_EPOCH_SEQUENCE";
  friend bool operator==(const Profile&, const Profile&) = default;
};

/// The persistent state: Caliptra lifecycle, the HEK fuse bank, the perma-HEK bit, the SEK.
struct State {
  Lifecycle lifecycle = Lifecycle::unprovisioned;
  std::vector<Slot> slots;  // HEK_0 .. HEK_{n-1}
  PermaHek perma_hek = PermaHek::unset;
  Sek sek = Sek::zeroized;
  friend bool operator==(const State&, const State&) = default;
};

// ---- events ----------------------------------------------------------------------

/// Advance the Caliptra lifecycle (one-way; Table 53 note, Figure 19 "[Enter production
/// lifecycle state]").
struct AdvanceLifecycle {
  static constexpr std::string_view tag = "advance_lifecycle";
  Lifecycle to = Lifecycle::production;
};
/// Figure 19 PROGRAM_NEXT_HEK. `slot`, when given, is the slot firmware means to program
/// (Table 57 LOCK_HEK_INVALID_SLOT if it is not the next one). `interrupted`: the fuse
/// write was interrupted and leaves the slot corrupted (Table 15 row 3).
struct ProgramNextHek {
  static constexpr std::string_view tag = "program_next_hek";
  std::optional<std::uint16_t> slot;
  bool interrupted = false;
};
/// Figure 19 ZEROIZE_CURRENT_HEK ("MCU shall zeroize a HEK slot by blowing every bit").
/// `interrupted`: not every bit was blown; Figure 19's "HEKx programmed -> HEKx invalid".
struct ZeroizeCurrentHek {
  static constexpr std::string_view tag = "zeroize_current_hek";
  std::optional<std::uint16_t> slot;
  bool interrupted = false;
};
/// Figure 19 ENABLE_HEK_BYPASS: program the perma-HEK bit.
struct EnablePermaHek {
  static constexpr std::string_view tag = "enable_perma_hek";
  bool interrupted = false;
};
struct ProgramSek {
  static constexpr std::string_view tag = "program_sek";
};
struct ZeroizeSek {
  static constexpr std::string_view tag = "zeroize_sek";
};
/// Cold reset: MCU ROM reads the fuses and invokes REPORT_HEK_METADATA (Table 60 item 6).
struct ColdReset {
  static constexpr std::string_view tag = "cold_reset";
};

using Event = std::variant<AdvanceLifecycle, ProgramNextHek, ZeroizeCurrentHek, EnablePermaHek, ProgramSek,
                           ZeroizeSek, ColdReset>;

struct Output {
  Label status = "ok";  // "ok" or a Table 57 / profile result-code name
  Label rule;           // requirement id that decided the outcome
  /// On cold_reset: the REPORT_HEK_METADATA arguments MCU ROM sends (Table 15).
  std::optional<HekMetadata> hek_metadata;
  bool is_ok() const { return status == "ok"; }
  friend bool operator==(const Output&, const Output&) = default;
};

/// Everything a device reports about its epoch keys, derived from the state.
struct View {
  HekMetadata hek_metadata;                // Table 15 over the current fuses
  HekState hek_state = HekState::unavail_empty;  // Table 53
  std::uint16_t hek_erasures_remaining = 0;      // §4.7.2.21.1
  bool hek_available = false;              // Table 53: not in a HEK_UNAVAIL_* state
  bool mek_load_allowed = false;           // §4.6.4, Table 60 item 8
  bool shippable = false;                  // Table 60 item 5
  friend bool operator==(const View&, const View&) = default;
};

}  // namespace lockref::lock::epoch

BOOST_HANA_ADAPT_STRUCT(lockref::lock::epoch::HekMetadata, seed_state, active_slot, total_slots);
BOOST_HANA_ADAPT_STRUCT(lockref::lock::epoch::Profile, slots, preproduction_fuse_writes, sequence_error);
BOOST_HANA_ADAPT_STRUCT(lockref::lock::epoch::State, lifecycle, slots, perma_hek, sek);
BOOST_HANA_ADAPT_STRUCT(lockref::lock::epoch::AdvanceLifecycle, to);
BOOST_HANA_ADAPT_STRUCT(lockref::lock::epoch::ProgramNextHek, slot, interrupted);
BOOST_HANA_ADAPT_STRUCT(lockref::lock::epoch::ZeroizeCurrentHek, slot, interrupted);
BOOST_HANA_ADAPT_STRUCT(lockref::lock::epoch::EnablePermaHek, interrupted);
BOOST_HANA_ADAPT_STRUCT(lockref::lock::epoch::Output, status, rule, hek_metadata);
BOOST_HANA_ADAPT_STRUCT(lockref::lock::epoch::View, hek_metadata, hek_state, hek_erasures_remaining, hek_available,
                        mek_load_allowed, shippable);

namespace lockref::lock::epoch {

// ---- pure derivations --------------------------------------------------------------

inline constexpr std::uint16_t min_slots = 4, max_slots = 16;  // §4.6.4.1

/// A fuse image is reachable iff it reads zeroized* (randomized|corrupted)? blank*
/// (§4.6.4.1: slots move blank -> randomized -> zeroized one at a time, "HEK_x shall only
/// be randomized once HEK_{x-1} has been zeroized"), and the perma-HEK bit is touched only
/// once every slot is zeroized (§4.6.4.2 rule 5).
inline Status validate_fuses(const std::vector<Slot>& slots, PermaHek perma) {
  const auto n = slots.size();
  if (n < min_slots || n > max_slots)
    return make_error("slots: " + std::to_string(n) + " slots; §4.6.4.1 requires 4 <= n <= 16");
  std::size_t i = 0;
  while (i < n && slots[i] == Slot::zeroized) ++i;
  const std::size_t first_live = i;
  if (i < n && (slots[i] == Slot::randomized || slots[i] == Slot::corrupted)) ++i;
  for (std::size_t k = i; k < n; ++k)
    if (slots[k] != Slot::blank)
      return make_error("slots[" + std::to_string(k) + "] is " + std::string(enum_name(slots[k])) + " but slot " +
                        std::to_string(first_live) + " is " + std::string(enum_name(slots[first_live])) +
                        ": unreachable fuse image (§4.6.4.1: HEK_x is only randomized once HEK_{x-1} is zeroized)");
  if (perma != PermaHek::unset && first_live != n)
    return make_error("perma_hek is " + std::string(enum_name(perma)) + " but slot " + std::to_string(first_live) +
                      " is not zeroized (§4.6.4.2 rule 5: perma-HEK only once all HEK seeds are zeroized)");
  return ok_status();
}

/// Table 15: the seed_state and active_slot MCU ROM reports for a fuse image.
/// Total over reachable images (validate_fuses); on other images it reports the first
/// slot that is not zeroized.
inline HekMetadata table15(const std::vector<Slot>& slots, PermaHek perma) {
  const auto n = static_cast<std::uint16_t>(slots.size());
  std::uint16_t x = 0;
  while (x < n && slots[x] == Slot::zeroized) ++x;
  if (x == n) {
    const std::uint16_t last = n ? static_cast<std::uint16_t>(n - 1) : 0;
    // Row 5: "All HEK seed slots have been zeroized and the perma-HEK mode bit has been
    // programmed." -> PERMANENT, the last slot zeroized. An interrupted perma-HEK write
    // (Figure 19 "Perma-HEK bit invalid") is not "programmed": row 2 applies.
    if (perma == PermaHek::set) return {SeedState::permanent, last, n};
    // Row 2, "... or there are no remaining seed slots."
    return {SeedState::zeroized, last, n};
  }
  switch (slots[x]) {
    case Slot::randomized: return {SeedState::programmed, x, n};  // row 4
    case Slot::corrupted: return {SeedState::corrupted, x, n};    // row 3
    case Slot::blank:
      if (x == 0) return {SeedState::empty, 0, n};                  // row 1: all blank
      return {SeedState::zeroized, static_cast<std::uint16_t>(x - 1), n};  // row 2: next slot blank
    case Slot::zeroized: break;
  }
  return {SeedState::empty, 0, n};  // unreachable
}

/// Table 53: the HEK state reported for a lifecycle and a reported seed_state.
inline HekState table53(Lifecycle lc, SeedState seed) {
  if (lc != Lifecycle::production) return HekState::avail_unerasable;  // "not in the production lifecycle state"
  switch (seed) {
    case SeedState::empty: return HekState::unavail_empty;
    case SeedState::zeroized: return HekState::unavail_zeroized;
    case SeedState::corrupted: return HekState::unavail_corrupted;
    case SeedState::programmed: return HekState::avail_programmed;
    case SeedState::permanent: return HekState::avail_unerasable;
  }
  return HekState::unavail_empty;  // unreachable
}

/// §4.7.2.21.1, computed in signed arithmetic so that an underflow is visible.
inline int erasures_remaining_signed(const HekMetadata& m) {
  const bool seed_is_erased = m.seed_state == SeedState::zeroized || m.seed_state == SeedState::permanent;
  return int{m.total_slots} - int{m.active_slot} - (seed_is_erased ? 1 : 0);
}

/// Table 4, read independently of Tables 15/53: the reported HEK state straight from the
/// lifecycle and the fuses, keyed on "x, the current HEK slot" (the last slot written).
inline HekState table4(Lifecycle lc, const std::vector<Slot>& slots, PermaHek perma) {
  if (lc != Lifecycle::production) return HekState::avail_unerasable;  // row 1
  bool all_zeroized = !slots.empty();
  for (auto s : slots) all_zeroized = all_zeroized && s == Slot::zeroized;
  if (all_zeroized && perma == PermaHek::set) return HekState::avail_unerasable;  // row 6
  Slot x = Slot::blank;  // the last slot written; blank if none was
  for (auto s : slots)
    if (s != Slot::blank) x = s;
  switch (x) {
    case Slot::blank: return HekState::unavail_empty;           // row 2: slot 0 unprogrammed
    case Slot::randomized: return HekState::avail_programmed;   // row 3
    case Slot::zeroized: return HekState::unavail_zeroized;     // row 4
    case Slot::corrupted: return HekState::unavail_corrupted;   // row 5
  }
  return HekState::unavail_empty;  // unreachable
}

inline bool is_available(HekState h) { return h == HekState::avail_programmed || h == HekState::avail_unerasable; }

/// The 256-bit value MCU ROM writes to the HEK seed fuse register at cold reset (Figure 18,
/// Table 60 item 6), from which Caliptra ROM derives the HEK. Table 4's "HEK seed value":
/// slot x's seed when Caliptra is in Production and the current slot is randomized;
/// otherwise all-zeroes: "If the HEK seed is not randomized, MCU ROM shall populate the HEK
/// seed fuse register with all-zeroes" (Figure 18), which is also Table 4's 0x0000... for
/// Unprovisioned/Manufacturing ("[Any]" fuses) and for perma-HEK. The fuse image of State
/// keeps slot states, not values: `seeds[x]` is the value slot x was randomized with.
using HekSeed = std::array<std::uint8_t, 32>;
inline HekSeed hek_seed_register(const State& s, const std::vector<HekSeed>& seeds) {
  const auto m = table15(s.slots, s.perma_hek);
  if (s.lifecycle == Lifecycle::production && m.seed_state == SeedState::programmed && m.active_slot < seeds.size())
    return seeds[m.active_slot];
  return HekSeed{};
}

/// view_of(s).hek_available without the rest of the view (ProgramSek asks it of every state
/// the explorer expands).
inline bool hek_available(const State& s) {
  return is_available(table53(s.lifecycle, table15(s.slots, s.perma_hek).seed_state));
}

inline View view_of(const State& s) {
  View v;
  v.hek_metadata = table15(s.slots, s.perma_hek);
  v.hek_state = table53(s.lifecycle, v.hek_metadata.seed_state);
  const int r = erasures_remaining_signed(v.hek_metadata);
  v.hek_erasures_remaining = static_cast<std::uint16_t>(r < 0 ? 0 : r);
  v.hek_available = is_available(v.hek_state);
  v.mek_load_allowed = v.hek_available && s.sek == Sek::programmed;
  // Table 60 item 5: "When the device is shipped it must be in the production lifecycle
  // state and have a randomized HEK."
  v.shippable = s.lifecycle == Lifecycle::production && v.hek_metadata.seed_state == SeedState::programmed;
  return v;
}

// ---- the machine -------------------------------------------------------------------

struct Machine {
  static constexpr std::string_view name = "epoch";
  using Profile = epoch::Profile;
  using State = epoch::State;
  using Event = epoch::Event;
  using Output = epoch::Output;
  using View = epoch::View;

  static Status validate(const Profile& p) {
    if (p.slots < min_slots || p.slots > max_slots)
      return make_error("slots: " + std::to_string(p.slots) + "; §4.6.4.1 requires 4 <= n <= 16");
    if (p.sequence_error.empty() || p.sequence_error == "ok") return make_error("sequence_error: must name a code");
    if (p.sequence_error.size() > Label::capacity)  // it becomes Output::status
      return make_error("sequence_error: at most " + std::to_string(Label::capacity) + " bytes");
    return ok_status();
  }

  /// A state supplied from outside must have the profile's slot count, a reachable fuse
  /// image and satisfy every invariant (e.g. no SEK programmed over a zeroized HEK).
  static Status validate_state(const Profile& p, const State& s) {
    if (s.slots.size() != p.slots)
      return make_error("slots: " + std::to_string(s.slots.size()) + " slots, profile has " + std::to_string(p.slots));
    if (auto v = validate_fuses(s.slots, s.perma_hek); !v) return v;
    return check_invariants<Machine>(p, s);
  }

  static State initial(const Profile& p) {
    State s;
    s.slots.assign(p.slots, Slot::blank);
    return s;
  }

  static View observe(const Profile&, const State& s) { return view_of(s); }

  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    return step_by_rules<State, Output>(
        s, [&](State& n, Output* o) { return std::visit([&](const auto& ev) { return apply(p, s, ev, n, o); }, e); });
  }

  /// The explorer's fast path (core/explore.hpp HasFastStep): the rules of step() without
  /// its Output and without copying a state the event leaves alone. When it returns
  /// `wrote`, `n` (the caller's scratch state) holds step(p, s, e).next; otherwise that is s.
  using fast_step_of = Machine;
  static Verdict fast_step(const Profile& p, const State& s, const Event& e, State& n) {
    return visit_inline<Verdict>(e, [&](const auto& ev) { return apply(p, s, ev, n, nullptr); });
  }

  /// The same events in every state: the explorer builds them once (core/explore.hpp).
  static constexpr bool events_independent_of_state = true;
  static std::vector<Event> candidate_events(const Profile& p, const State&) {
    std::vector<Event> out;
    for (auto lc : {Lifecycle::unprovisioned, Lifecycle::manufacturing, Lifecycle::production})
      out.push_back(AdvanceLifecycle{lc});
    for (bool intr : {false, true}) {
      out.push_back(ProgramNextHek{std::nullopt, intr});
      out.push_back(ZeroizeCurrentHek{std::nullopt, intr});
      out.push_back(EnablePermaHek{intr});
      for (std::uint16_t k = 0; k <= p.slots; ++k) {  // k == slots: out of range
        out.push_back(ProgramNextHek{k, intr});
        out.push_back(ZeroizeCurrentHek{k, intr});
      }
    }
    out.push_back(ProgramSek{});
    out.push_back(ZeroizeSek{});
    out.push_back(ColdReset{});
    return out;
  }

  static std::span<const Invariant<Machine>> invariants();

  static std::string_view view_requirement(std::string_view f) {
    if (f == "hek_metadata") return "LOCK-4.7.2.4-T15";
    if (f == "hek_state") return "LOCK-4.7.2.21-T53";
    if (f == "hek_erasures_remaining") return "LOCK-4.7.2.21.1";
    if (f == "hek_available") return "LOCK-4.6.4.1-T4";
    if (f == "mek_load_allowed") return "LOCK-4.6.4-1";
    if (f == "shippable") return "LOCK-T60-5";
    if (f == "slots") return "LOCK-4.6.4.1-2";
    if (f == "perma_hek") return "LOCK-4.6.4.2-5";
    if (f == "sek") return "LOCK-4.6.4.2-1";
    if (f == "lifecycle") return "LOCK-4.7.2.21-ONEWAY";
    return "";
  }

  /// Node label in the words of Figure 19.
  static std::string label(const Profile&, const State& s) {
    std::string hek;
    if (s.lifecycle != Lifecycle::production) {
      hek = "Pre-production HEK (" + std::string(enum_name(s.lifecycle)) + ")";
    } else if (s.perma_hek == PermaHek::set) {
      hek = "Perma-HEK enabled";
    } else if (s.perma_hek == PermaHek::invalid) {
      hek = "Perma-HEK bit invalid";
    } else {
      const auto m = table15(s.slots, s.perma_hek);
      const auto x = std::to_string(m.active_slot);
      switch (m.seed_state) {
        case SeedState::empty: hek = "HEK0 blank"; break;
        case SeedState::zeroized: hek = "HEK" + x + " zeroized"; break;
        case SeedState::corrupted: hek = "HEK" + x + " invalid"; break;
        case SeedState::programmed: hek = "HEK" + x + " programmed"; break;
        case SeedState::permanent: hek = "Perma-HEK enabled"; break;
      }
    }
    return hek + "\nSEK " + (s.sek == Sek::programmed ? "programmed" : "zeroized");
  }

 private:
  // Each rule decides an event for state s: a refusal, or an accepted event that either
  // leaves s as it is or writes the next state into n (n = s, then the change). `out`, when
  // given, receives the Output fields other than status and rule (step() only).
  // The rules, and the helpers they share, are always inlined (into fast_step and step()):
  // in a large program (the benchmarks' unity build) GCC otherwise calls them out of line
  // (issue 12).
  static Verdict reject(std::string_view code, std::string_view rule) { return Verdict::refuse(code, rule); }
  [[gnu::always_inline]] static bool fuse_writes_allowed(const Profile& p, const State& s) {
    return s.lifecycle == Lifecycle::production || p.preproduction_fuse_writes;
  }
  /// Index of the first slot that is not zeroized ("the current slot"), or n.
  [[gnu::always_inline]] static std::size_t current(const State& s) {
    std::size_t x = 0;
    if constexpr (std::endian::native == std::endian::little) {
      // Eight slots at a time: this runs for 68 of the 80 candidate events of every state
      // an exploration expands (issue 12). The first byte that is not `zeroized`, if any.
      static_assert(sizeof(Slot) == 1);
      constexpr std::uint64_t all_zeroized = 0x0101010101010101ull * static_cast<std::uint8_t>(Slot::zeroized);
      for (; x + 8 <= s.slots.size(); x += 8) {
        std::uint64_t w;
        std::memcpy(&w, s.slots.data() + x, sizeof w);
        if (const std::uint64_t d = w ^ all_zeroized) return x + static_cast<std::size_t>(std::countr_zero(d)) / 8;
      }
    }
    while (x < s.slots.size() && s.slots[x] == Slot::zeroized) ++x;
    return x;
  }

  [[gnu::always_inline]] static Verdict apply(const Profile& p, const State& s, const AdvanceLifecycle& e, State& n, Output*) {
    // Caliptra lifecycle only advances (Table 53 note: "one-way transition").
    if (e.to <= s.lifecycle) return reject(p.sequence_error, "LOCK-4.7.2.21-ONEWAY");
    // Figure 19: Production is entered from "Pre-production HEK, SEK zeroized" only.
    if (e.to == Lifecycle::production && s.sek != Sek::zeroized)
      return reject(p.sequence_error, "LOCK-FIG19-1");
    n = s;
    n.lifecycle = e.to;
    return Verdict::write(e.to == Lifecycle::production ? "LOCK-FIG19-1" : "LOCK-4.7.2.21-ONEWAY");
  }

  [[gnu::always_inline]] static Verdict apply(const Profile& p, const State& s, const ProgramNextHek& e, State& n, Output*) {
    if (!fuse_writes_allowed(p, s)) return reject(p.sequence_error, "LOCK-FIG19-2");
    const auto x = current(s);
    // Rule 4: "The next HEK seed shall only be programmed once the prior HEK seed has been zeroized."
    if (x < s.slots.size() && s.slots[x] != Slot::blank) return reject("LOCK_HEK_INVALID_SLOT", "LOCK-4.6.4.2-4");
    // No slot left: every seed is zeroized (perma-HEK is the only way on, rule 5).
    if (x == s.slots.size()) return reject("LOCK_HEK_INVALID_SLOT", "LOCK-4.6.4.2-4");
    // §4.6.4.1: "HEK_x shall only be randomized once HEK_{x-1} has been zeroized."
    if (e.slot && *e.slot != x) return reject("LOCK_HEK_INVALID_SLOT", "LOCK-4.6.4.1-2");
    n = s;
    n.slots[x] = e.interrupted ? Slot::corrupted : Slot::randomized;
    return Verdict::write(e.interrupted ? "LOCK-FIG19-3" : "LOCK-4.6.4.1-2");
  }

  [[gnu::always_inline]] static Verdict apply(const Profile& p, const State& s, const ZeroizeCurrentHek& e, State& n, Output*) {
    if (!fuse_writes_allowed(p, s)) return reject(p.sequence_error, "LOCK-FIG19-2");
    // Rule 2: "The HEK seed shall only be zeroized once the SEK is zeroized."
    if (s.sek != Sek::zeroized) return reject(p.sequence_error, "LOCK-4.6.4.2-2");
    const auto x = current(s);
    // Rule 3: "The HEK seed shall only be zeroized after it has been randomized or corrupted."
    if (x == s.slots.size() || s.slots[x] == Slot::blank) return reject("LOCK_HEK_INVALID_SLOT", "LOCK-4.6.4.2-3");
    if (e.slot && *e.slot != x) return reject("LOCK_HEK_INVALID_SLOT", "LOCK-4.6.4.2-3");
    n = s;
    n.slots[x] = e.interrupted ? Slot::corrupted : Slot::zeroized;
    return Verdict::write(e.interrupted ? "LOCK-FIG19-3" : "LOCK-4.6.4.2-3");
  }

  [[gnu::always_inline]] static Verdict apply(const Profile& p, const State& s, const EnablePermaHek& e, State& n, Output*) {
    if (!fuse_writes_allowed(p, s)) return reject(p.sequence_error, "LOCK-FIG19-2");
    // Rule 5: "Perma-HEK mode shall only be enabled once all HEK seeds have been zeroized."
    if (current(s) != s.slots.size()) return reject(p.sequence_error, "LOCK-4.6.4.2-5");
    // One-way (Table 53 note); only "Perma-HEK bit invalid" may be retried (Figure 19).
    if (s.perma_hek == PermaHek::set) return reject(p.sequence_error, "LOCK-FIG19-4");
    n = s;
    n.perma_hek = e.interrupted ? PermaHek::invalid : PermaHek::set;
    return Verdict::write(e.interrupted || s.perma_hek == PermaHek::invalid ? "LOCK-FIG19-4" : "LOCK-4.7.2.21-PERMA");
  }

  [[gnu::always_inline]] static Verdict apply(const Profile& p, const State& s, const ProgramSek&, State& n, Output*) {
    // Rule 1: "The SEK shall only be programmed once the HEK is available."
    if (!hek_available(s)) return reject("LOCK_HEK_NOT_AVAILABLE", "LOCK-4.6.4.2-1");
    // Figure 19: the SEK moves zeroized <-> programmed; it is not re-programmed in place.
    if (s.sek == Sek::programmed) return reject(p.sequence_error, "LOCK-FIG19-5");
    n = s;
    n.sek = Sek::programmed;
    return Verdict::write("LOCK-4.6.4.2-1");
  }

  [[gnu::always_inline]] static Verdict apply(const Profile&, const State& s, const ZeroizeSek&, State& n, Output*) {
    // A cryptographic erase is never refused (§4.6.4: zeroizing the SEK is a crypto-erase).
    n = s;
    n.sek = Sek::zeroized;
    return Verdict::write("LOCK-4.6.4-2");
  }

  [[gnu::always_inline]] static Verdict apply(const Profile&, const State& s, const ColdReset&, State&, Output* out) {
    // Fuses and the SEK persist; MCU ROM reports the fuse state (Table 60 item 6, Table 15).
    if (out) out->hek_metadata = table15(s.slots, s.perma_hek);
    return Verdict::keep("LOCK-T60-6");
  }
};

// ---- invariants, checked on every reachable state by `lockref explore epoch` ----------

namespace inv {
inline bool fuse_image_reachable(const Profile&, const State& s) { return validate_fuses(s.slots, s.perma_hek).ok(); }
inline bool at_most_one_randomized(const Profile&, const State& s) {
  int k = 0;
  for (auto x : s.slots) k += x == Slot::randomized;
  return k <= 1;
}
inline bool sek_implies_hek(const Profile&, const State& s) {
  return s.sek == Sek::zeroized || view_of(s).hek_available;
}
inline bool mek_iff_both(const Profile&, const State& s) {
  const auto v = view_of(s);
  return v.mek_load_allowed == (v.hek_available && s.sek == Sek::programmed);
}
inline bool tables_agree(const Profile&, const State& s) {
  const auto v = view_of(s);
  return v.hek_state == table4(s.lifecycle, s.slots, s.perma_hek);
}
inline bool erasures_no_underflow(const Profile&, const State& s) {
  return erasures_remaining_signed(view_of(s).hek_metadata) >= 0;
}
/// §4.7.2.21.1 counts the zeroizations still possible: every slot not yet zeroized.
inline bool erasures_count_live_slots(const Profile&, const State& s) {
  int live = 0;
  for (auto x : s.slots) live += x != Slot::zeroized;
  return erasures_remaining_signed(view_of(s).hek_metadata) == live;
}
inline bool total_slots_reported(const Profile& p, const State& s) {
  return view_of(s).hek_metadata.total_slots == p.slots && s.slots.size() == p.slots;
}
inline bool preproduction_hek_available(const Profile&, const State& s) {
  return s.lifecycle == Lifecycle::production || view_of(s).hek_state == HekState::avail_unerasable;
}
}  // namespace inv

inline std::span<const Invariant<Machine>> Machine::invariants() {
  static constexpr Invariant<Machine> list[] = {
      {"invariant:epoch.fuse_image_reachable", "LOCK-4.6.4.1-2", inv::fuse_image_reachable},
      {"invariant:epoch.at_most_one_randomized", "LOCK-4.6.4.2-4", inv::at_most_one_randomized},
      {"invariant:epoch.sek_implies_hek", "LOCK-4.6.4.2-1", inv::sek_implies_hek},
      {"invariant:epoch.mek_iff_hek_and_sek", "LOCK-4.6.4-1", inv::mek_iff_both},
      {"invariant:epoch.table4_equals_table53", "LOCK-4.6.4.1-T4", inv::tables_agree},
      {"invariant:epoch.erasures_no_underflow", "LOCK-4.7.2.21.1", inv::erasures_no_underflow},
      {"invariant:epoch.erasures_count_live_slots", "LOCK-4.7.2.21.1", inv::erasures_count_live_slots},
      {"invariant:epoch.total_slots_reported", "LOCK-4.7.2.4-T15", inv::total_slots_reported},
      {"invariant:epoch.preproduction_hek_available", "LOCK-4.6.4.1-3", inv::preproduction_hek_available},
  };
  return list;
}

static_assert(lockref::StateMachine<Machine>);

}  // namespace lockref::lock::epoch
