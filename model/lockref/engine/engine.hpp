// OCP L.O.C.K. 0.9 encryption engine (the vendor side of the SFR interface): the CTRL
// register machine of Figure 34 and the key cache of (metadata, aux, MEK) tuples.
//
// Sources (seed 001_30ed4cd62c635f55.txt):
//   §4.7.1.1    the key cache stores (metadata, aux, MEK) tuples; Figure 29
//   §4.7.1.2.*  Tables 5-9 registers; Table 10 error codes; Table 11 command codes
//   §4.7.1.2.4  "the expected change flow of the Control register"; unexpected flows are
//               "left for vendors" (here: named profile parameters)
//   §4.7.1.3    Figure 34 (control register state machine)
//   §4.7.1.4    Figure 35 (command execution example)
//   §4.6.5.5    AES-XTS Key_1 != Key_2, "the encryption engine must report a vendor-defined error"
//   §4.10       Table 60 item 4 (power cycle / zeroization remove all MEKs), item 10
// Requirement ids refer to spec/requirements/.
//
// Time inside the engine is the explicit `tick` event: each tick is one step of the
// engine's internal progress (initialisation, command processing, reset for the next
// command). Latencies are profile parameters counted in ticks.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "lockref/core/enum.hpp"
#include "lockref/core/json.hpp"
#include "lockref/core/machine.hpp"
#include "lockref/engine/registers.hpp"

namespace lockref::engine {

using Mek = std::array<std::uint8_t, mek_size>;
using Metd = std::array<std::uint8_t, metd_size>;
using Aux = std::array<std::uint8_t, aux_size>;

/// Where the engine is in Figure 34. The CTRL fields are stored separately (they are
/// what KMB sees); the invariants tie the two together.
enum class Phase : std::uint8_t { initializing, ready, executing, done, resetting, fatal };
constexpr auto enum_names(Phase) {
  return std::array{EnumName{Phase::initializing, "initializing"}, EnumName{Phase::ready, "ready"},
                    EnumName{Phase::executing, "executing"}, EnumName{Phase::done, "done"},
                    EnumName{Phase::resetting, "resetting"}, EnumName{Phase::fatal, "fatal"}};
}

/// What a KMB write of DONE=1 does while the engine is busy (EXE=1). Table 9 says such a
/// write "shall cause" DONE, EXE, ERR and CMD to clear (abort); §4.7.1.2.4 leaves
/// unexpected flows to vendors (a write-lock that ignores it). Errata E-EE-T9-DONE-WHILE-BUSY.
enum class BusyDoneWrite : std::uint8_t { abort, ignore };
constexpr auto enum_names(BusyDoneWrite) {
  return std::array{EnumName{BusyDoneWrite::abort, "abort"}, EnumName{BusyDoneWrite::ignore, "ignore"}};
}

/// Vendor-defined aspects of an engine (ARCHITECTURE.md "Profiles"). Two are shipped:
/// strict() and lenient(). Every error code must be vendor specific, 4h..Fh (Table 10).
struct Profile {
  std::string name = "strict";
  /// Key-cache entries. Model choice: the seed leaves the size to the vendor (Figure 29 "n").
  std::uint16_t capacity = 4;
  /// LOAD of a metadata value already in the cache replaces the entry (true) or fails with
  /// err_occupied (false). Vendor-defined: METD "specifies the entry" (Table 7).
  bool replace_on_load = false;
  /// UNLOAD of a metadata value not in the cache succeeds (true) or fails with err_absent.
  bool unload_absent_ok = false;
  /// §4.6.5.5 / Table 60 item 10: reject an MEK whose two AES-XTS halves are equal.
  bool xts_key_check = true;
  /// A CTRL write with EXE=1 and CMD=0h after an earlier CMD-only write: literal RW semantics
  /// write CMD=0h (reserved, error) (false), or keep the CMD written before (true).
  /// Errata E-EE-FIG34-EXE-ONLY.
  bool exe_write_keeps_cmd = false;
  /// Errata E-EE-T9-DONE-WHILE-BUSY.
  BusyDoneWrite done_while_busy = BusyDoneWrite::abort;
  /// A fatal error empties the key cache (true) or leaves it until the next power cycle
  /// (false). The seed is silent (errata E-EE-FATAL-CACHE).
  bool fatal_clears_cache = false;
  /// Ticks from power-on until RDY is set (Figure 34 "Encryption engine initializes"); >= 1.
  std::uint16_t init_ticks = 1;
  /// Ticks from EXE rising until DONE is set (Figure 34 "processes command"); >= 1.
  std::uint16_t latency = 1;
  /// Ticks from KMB's DONE=1 write until CTRL reads CMD=ERR=DONE=EXE=0 (Figure 34 "resets
  /// for next command"); 0 clears within the write itself.
  std::uint16_t ack_latency = 1;
  /// Table 10 vendor-specific codes (4h..Fh) for the failures the seed leaves to vendors.
  std::uint8_t err_occupied = 0x4;      // load: metadata already loaded (replace_on_load false)
  std::uint8_t err_full = 0x5;          // load: key cache full
  std::uint8_t err_absent = 0x6;        // unload: no entry with this metadata
  std::uint8_t err_reserved_cmd = 0x7;  // Table 11 reserved command code (0h, 4h..Fh)
  std::uint8_t err_xts_keys_equal = 0x8;  // §4.6.5.5
  friend bool operator==(const Profile&, const Profile&) = default;
};

/// "strict": literal Table 9 (DONE=1 aborts a busy command, RW CMD), no replacement, unload
/// of an absent entry is an error, XTS check on; a small cache.
inline Profile strict() { return Profile{}; }

/// "lenient": a forgiving vendor: loads replace, unloading an absent entry succeeds, an
/// EXE-only write keeps the CMD written before, DONE=1 writes while busy are ignored
/// (write-lock), slower commands, immediate acknowledgement.
inline Profile lenient() {
  Profile p;
  p.name = "lenient";
  p.capacity = 16;
  p.replace_on_load = true;
  p.unload_absent_ok = true;
  p.exe_write_keeps_cmd = true;
  p.done_while_busy = BusyDoneWrite::ignore;
  p.latency = 3;
  p.ack_latency = 0;
  p.err_occupied = 0xC;
  p.err_full = 0xD;
  p.err_absent = 0xE;
  p.err_reserved_cmd = 0xF;
  p.err_xts_keys_equal = 0xB;
  return p;
}

inline std::optional<Profile> named_profile(std::string_view n) {
  if (n == "strict") return strict();
  if (n == "lenient") return lenient();
  return std::nullopt;
}

/// One key-cache entry (§4.7.1.1: a (metadata, aux, MEK) tuple).
struct Entry {
  Metd metadata{};
  Aux aux{};
  Mek mek{};
  friend bool operator==(const Entry&, const Entry&) = default;
};

struct State {
  Phase phase = Phase::initializing;
  std::uint16_t countdown = 0;  // ticks left in initializing / executing / resetting
  Ctrl ctrl;                    // Table 9 fields, reset 0
  Mek mek{};                    // Table 6, reset 0
  Metd metd{};                  // Table 7, reset 0
  Aux aux{};                    // Table 8, reset 0
  std::vector<Entry> cache;     // sorted by metadata, unique metadata
  friend bool operator==(const State&, const State&) = default;
};

// ---- events ----------------------------------------------------------------------

/// KMB writes `data` into MEK, METD or AUX at byte `offset` (a DMA burst or word write).
struct WriteReg {
  static constexpr std::string_view tag = "write";
  Reg reg = Reg::metd;
  std::uint16_t offset = 0;
  Bytes data;
};
/// KMB writes the 32-bit CTRL register.
struct WriteCtrl {
  static constexpr std::string_view tag = "write_ctrl";
  std::uint32_t value = 0;
};
/// KMB reads a register (CTRL: the 32-bit value; MEK/METD/AUX: its bytes).
struct ReadReg {
  static constexpr std::string_view tag = "read";
  Reg reg = Reg::ctrl;
};
/// One step of the engine's internal progress.
struct Tick {
  static constexpr std::string_view tag = "tick";
};
/// Figure 34 "Fatal error"; Table 9 RDY: "the encryption engine may set this bit from 1b to 0b".
struct FatalError {
  static constexpr std::string_view tag = "fatal_error";
};
/// Power cycle (Table 60 item 4; Table 9 "after any reset").
struct PowerCycle {
  static constexpr std::string_view tag = "power_cycle";
};

using Event = std::variant<WriteReg, WriteCtrl, ReadReg, Tick, FatalError, PowerCycle>;

struct Output {
  Label status = "ok";  // "ok" or EE_WRITE_IGNORED / EE_BAD_ACCESS (model names)
  Label rule;
  std::optional<std::uint32_t> ctrl;  // read of CTRL
  std::optional<Bytes> data;          // read of MEK / METD / AUX
  bool is_ok() const { return status == "ok"; }
  friend bool operator==(const Output&, const Output&) = default;
};

struct View {
  std::string ctrl_value;  // "0x80000000"
  std::uint16_t cache_size = 0;
  friend bool operator==(const View&, const View&) = default;
};

}  // namespace lockref::engine

BOOST_HANA_ADAPT_STRUCT(lockref::engine::Ctrl, rdy, err, cmd, done, exe);
BOOST_HANA_ADAPT_STRUCT(lockref::engine::Profile, name, capacity, replace_on_load, unload_absent_ok, xts_key_check,
                        exe_write_keeps_cmd, done_while_busy, fatal_clears_cache, init_ticks, latency, ack_latency, err_occupied, err_full,
                        err_absent, err_reserved_cmd, err_xts_keys_equal);
BOOST_HANA_ADAPT_STRUCT(lockref::engine::Entry, metadata, aux, mek);
BOOST_HANA_ADAPT_STRUCT(lockref::engine::State, phase, countdown, ctrl, mek, metd, aux, cache);
BOOST_HANA_ADAPT_STRUCT(lockref::engine::WriteReg, reg, offset, data);
BOOST_HANA_ADAPT_STRUCT(lockref::engine::WriteCtrl, value);
BOOST_HANA_ADAPT_STRUCT(lockref::engine::ReadReg, reg);
BOOST_HANA_ADAPT_STRUCT(lockref::engine::Output, status, rule, ctrl, data);
BOOST_HANA_ADAPT_STRUCT(lockref::engine::View, ctrl_value, cache_size);

namespace lockref::engine {

/// The result of executing a command on a key cache (Table 11 semantics + profile).
struct Execution {
  std::uint8_t err = 0;
  std::vector<Entry> cache;
  std::string_view rule;  // a requirement id (a literal)
};

/// Table 11, with the vendor-defined outcomes of the profile. Pure.
inline Execution execute(const Profile& p, std::uint8_t cmd, const Entry& in, std::vector<Entry> cache) {
  auto it = std::lower_bound(cache.begin(), cache.end(), in.metadata,
                             [](const Entry& e, const Metd& m) { return e.metadata < m; });
  const bool present = it != cache.end() && it->metadata == in.metadata;
  switch (static_cast<Command>(cmd)) {
    case Command::load_mek: {
      // §4.6.5.5: "If this check fails, the encryption engine must report a vendor-defined error."
      if (p.xts_key_check && std::equal(in.mek.begin(), in.mek.begin() + 32, in.mek.begin() + 32))
        return {p.err_xts_keys_equal, std::move(cache), "EE-4.6.5.5-XTS"};
      if (present) {
        if (!p.replace_on_load) return {p.err_occupied, std::move(cache), "EE-PROFILE-LOAD-OCCUPIED"};
        *it = in;
        return {0, std::move(cache), "EE-T11-LOAD"};
      }
      if (cache.size() >= p.capacity) return {p.err_full, std::move(cache), "EE-PROFILE-CAPACITY"};
      cache.insert(it, in);
      return {0, std::move(cache), "EE-T11-LOAD"};
    }
    case Command::unload_mek:
      if (!present) return {static_cast<std::uint8_t>(p.unload_absent_ok ? 0 : p.err_absent), std::move(cache),
                            "EE-PROFILE-UNLOAD-ABSENT"};
      cache.erase(it);
      return {0, std::move(cache), "EE-T11-UNLOAD"};
    case Command::zeroize:
      cache.clear();  // Table 11 "Unload all of the MEKs"; Table 60 item 4
      return {0, std::move(cache), "EE-T11-ZEROIZE"};
  }
  // Table 11: 0h and 4h..Fh are reserved (is_defined_command)
  return {p.err_reserved_cmd, std::move(cache), "EE-T11-RESERVED"};
}

/// The requirement that governs an access to register r (Tables 6-9): MEK write-only,
/// METD and AUX read-write, CTRL where KMB "receive[s] its execution result" (§4.7.1.2.4).
constexpr std::string_view register_rule(Reg r) {
  switch (r) {
    case Reg::mek: return "EE-T6-MEK";
    case Reg::metd: return "EE-T7-METD";
    case Reg::aux: return "EE-T8-AUX";
    case Reg::ctrl: break;
  }
  return "EE-T9-READ";
}

struct Machine {
  static constexpr std::string_view name = "engine";
  using Profile = engine::Profile;
  using State = engine::State;
  using Event = engine::Event;
  using Output = engine::Output;
  using View = engine::View;

  static Status validate(const Profile& p) {
    if (p.capacity == 0) return make_error("capacity: must be at least 1");
    if (p.init_ticks == 0) return make_error("init_ticks: must be at least 1 (Figure 34: RDY=0 after power-on)");
    if (p.latency == 0) return make_error("latency: must be at least 1 (Table 9: EXE reads 1b while busy)");
    for (auto [n, c] : {std::pair{"err_occupied", p.err_occupied}, {"err_full", p.err_full}, {"err_absent", p.err_absent},
                        {"err_reserved_cmd", p.err_reserved_cmd}, {"err_xts_keys_equal", p.err_xts_keys_equal}})
      if (!is_vendor_error(c))
        return make_error(std::string(n) + ": " + std::to_string(c) +
                          " is not a vendor-specific code; Table 10 allows 4h..Fh (1h..3h are reserved)");
    return ok_status();
  }

  static State initial(const Profile& p) {
    State s;
    s.countdown = p.init_ticks;
    return s;
  }

  /// A state given from outside (eval, a harness) must satisfy every invariant.
  static Status validate_state(const Profile& p, const State& s) { return check_invariants<Machine>(p, s); }

  static View observe(const Profile&, const State& s) {
    return View{ctrl_hex(encode(s.ctrl)), static_cast<std::uint16_t>(s.cache.size())};
  }

  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    return step_by_rules<State, Output>(
        s, [&](State& n, Output* o) { return std::visit([&](const auto& ev) { return apply(p, s, ev, n, o); }, e); });
  }

  /// The explorer's fast path (core/explore.hpp HasFastStep), as the epoch machine's.
  using fast_step_of = Machine;
  static Verdict fast_step(const Profile& p, const State& s, const Event& e, State& n) {
    return visit_inline<Verdict>(e, [&](const auto& ev) { return apply(p, s, ev, n, nullptr); });
  }

  /// The bounded event alphabet used by `lockref explore engine` and corpora:
  /// capacity+1 distinct metadata values (so a full cache is reachable), one AUX value,
  /// an MEK with distinct AES-XTS halves and one with equal halves, CTRL writes of every
  /// defined command and two reserved ones, with and without EXE, DONE=1, and a write
  /// with every reserved bit set.
  /// The same events in every state: the explorer builds them once (core/explore.hpp).
  static constexpr bool events_independent_of_state = true;
  static std::vector<Event> candidate_events(const Profile& p, const State&) {
    std::vector<Event> out;
    // (emplace_back with in_place_type: GCC 12 reports a false maybe-uninitialized on
    // push_back of a temporary alternative that holds a vector.)
    auto write = [&](Reg r, Bytes b) { out.emplace_back(std::in_place_type<WriteReg>, WriteReg{r, 0, std::move(b)}); };
    auto ctrl = [&](std::uint32_t v) { out.emplace_back(std::in_place_type<WriteCtrl>, WriteCtrl{v}); };
    for (std::uint16_t k = 0; k <= p.capacity && k < 255; ++k) write(Reg::metd, sample_metd(k));
    write(Reg::aux, Bytes(aux_size, 0xA5));
    write(Reg::mek, sample_mek(false));
    write(Reg::mek, sample_mek(true));
    for (std::uint32_t cmd : {0u, 1u, 2u, 3u, 4u, 15u})
      for (std::uint32_t exe : {0u, 1u}) ctrl((cmd << cmd_shift) | exe);
    ctrl(done_bit);
    ctrl(reserved_mask | (1u << cmd_shift) | exe_bit);
    out.emplace_back(std::in_place_type<ReadReg>, ReadReg{Reg::ctrl});
    out.emplace_back(std::in_place_type<Tick>);
    out.emplace_back(std::in_place_type<FatalError>);
    out.emplace_back(std::in_place_type<PowerCycle>);
    return out;
  }
  static Bytes sample_metd(std::uint16_t k) {
    Bytes b(metd_size, 0);
    b[19] = static_cast<std::uint8_t>(k + 1);  // Figure 32 style: key tag in the first bytes would do as well
    return b;
  }
  static Bytes sample_mek(bool equal_halves) {
    Bytes b(mek_size);
    for (std::size_t i = 0; i < mek_size; ++i)
      b[i] = static_cast<std::uint8_t>(equal_halves ? (i % 32) + 1 : i + 1);
    return b;
  }

  /// Symmetry (core/explore.hpp): the key tags of candidate_events, sample_metd(0..capacity),
  /// are interchangeable. Nothing in Table 11 or the profile depends on which metadata
  /// value an entry has, only on whether two are equal, and candidate_events offers every
  /// tag alike; so renaming the tags maps reachable states to reachable states, event for
  /// event. The representative renames them in order of first use: the METD register's tag
  /// first, then the cache entries' tags by their (AUX, MEK) contents (entries with equal
  /// contents are interchangeable, so ties do not matter), and re-sorts the cache. Other
  /// metadata values (zero, anything not a sample tag) are left alone.
  static State canonical(const Profile& p, const State& s) {
    const unsigned tags = std::min<unsigned>(p.capacity, 254) + 1u;  // sample_metd(k) has byte 19 = k + 1
    auto tag_of = [&](const Metd& m) -> unsigned {
      for (std::size_t i = 0; i + 1 < m.size(); ++i)
        if (m[i]) return 0;
      return m.back() >= 1 && m.back() <= tags ? m.back() : 0;
    };
    std::array<std::uint8_t, 256> rename{};  // old tag -> new tag (0: not yet named)
    unsigned next = 1;
    if (const unsigned t = tag_of(s.metd)) rename[t] = static_cast<std::uint8_t>(next++);
    std::vector<const Entry*> unnamed;
    for (const auto& e : s.cache)
      if (const unsigned t = tag_of(e.metadata); t && !rename[t]) unnamed.push_back(&e);
    std::sort(unnamed.begin(), unnamed.end(),
              [](const Entry* a, const Entry* b) { return std::tie(a->aux, a->mek) < std::tie(b->aux, b->mek); });
    for (const Entry* e : unnamed) rename[tag_of(e->metadata)] = static_cast<std::uint8_t>(next++);
    bool same = true;
    for (unsigned t = 1; t <= tags; ++t) same = same && (!rename[t] || rename[t] == t);
    if (same) return s;
    State out = s;
    if (const unsigned t = tag_of(out.metd)) out.metd.back() = rename[t];
    for (auto& e : out.cache)
      if (const unsigned t = tag_of(e.metadata)) e.metadata.back() = rename[t];
    std::sort(out.cache.begin(), out.cache.end(), [](const Entry& a, const Entry& b) { return a.metadata < b.metadata; });
    return out;
  }
  static std::string symmetry_note(const Profile& p) {
    return "the " + std::to_string(std::min<unsigned>(p.capacity, 254) + 1u) + " key tags (METD values) interchangeable";
  }

  static std::span<const Invariant<Machine>> invariants();

  static std::string_view view_requirement(std::string_view f) {
    if (f == "ctrl" || f == "ctrl_value") return "EE-FIG34";
    if (f == "cache" || f == "cache_size") return "EE-4.7.1.1-CACHE";
    if (f == "phase" || f == "countdown") return "EE-FIG34";
    if (f == "mek") return "EE-T6-MEK";
    if (f == "metd") return "EE-T7-METD";
    if (f == "aux") return "EE-T8-AUX";
    return "";
  }

  /// Node label: the CTRL fields as Figure 34 prints them, then the engine's activity.
  static std::string label(const Profile&, const State& s) {
    return ctrl_fields_text(s.ctrl, false) + "\n(" + std::string(enum_name(s.phase)) + ", cache " +
           std::to_string(s.cache.size()) + ")";
  }

  /// "RDY=1\nERR=0\nCMD=[code]\n..." (symbolic = Figure 34's [code] for non-zero values).
  static std::string ctrl_fields_text(const Ctrl& c, bool symbolic) {
    auto v = [&](unsigned x) { return symbolic && x ? std::string("[code]") : hex1(x); };
    return "RDY=" + std::to_string(c.rdy) + "\nERR=" + v(c.err) + "\nCMD=" + v(c.cmd) + "\nDONE=" +
           std::to_string(c.done) + "\nEXE=" + std::to_string(c.exe);
  }
  static std::string hex1(unsigned x) {
    static constexpr char d[] = "0123456789ABCDEF";
    return x < 10 ? std::string(1, d[x]) : std::string(1, d[x & 0xF]) + "h";
  }

 private:
  // Each rule decides an event for state s: a refusal, or an accepted event that either
  // leaves s as it is or writes the next state into n (n = s, then the change). `out`, when
  // given, receives the Output fields other than status and rule (step() only).
  // The rules are always inlined (into fast_step and step()): in a large program (the
  // benchmarks' unity build) GCC otherwise calls them out of line, ~12 % more instructions
  // per engine search (issue 12).
  static Verdict ignored(std::string_view rule) { return Verdict::refuse("EE_WRITE_IGNORED", rule); }

  [[gnu::always_inline]] static Verdict apply(const Profile&, const State& s, const WriteReg& e, State& n, Output*) {
    if (e.reg == Reg::ctrl) return Verdict::refuse("EE_BAD_ACCESS", "EE-T5-MAP");
    const auto info = reg_info(e.reg);
    if (e.data.empty() || std::size_t{e.offset} + e.data.size() > info.size)
      return Verdict::refuse("EE_BAD_ACCESS", "EE-T5-MAP");
    // Model choice (both profiles): while EXE=1 the engine owns the data registers; a KMB
    // write then is an unexpected flow (§4.7.1.2.4) and is ignored, so the command runs on
    // the values present when EXE rose (Figure 35 [003]).
    if (s.phase == Phase::executing) return ignored("EE-VENDOR-DATA-WHILE-BUSY");
    const std::string_view rule = register_rule(e.reg);
    // The bytes already there: the next state is s (not copied; issue 12).
    const std::uint8_t* cur = e.reg == Reg::mek ? s.mek.data() : e.reg == Reg::metd ? s.metd.data() : s.aux.data();
    if (std::equal(e.data.begin(), e.data.end(), cur + e.offset)) return Verdict::keep(rule);
    n = s;
    std::uint8_t* dst = e.reg == Reg::mek ? n.mek.data() : e.reg == Reg::metd ? n.metd.data() : n.aux.data();
    std::copy(e.data.begin(), e.data.end(), dst + e.offset);
    return Verdict::write(rule);
  }

  [[gnu::always_inline]] static Verdict apply(const Profile& p, const State& s, const WriteCtrl& e, State& n, Output*) {
    // Table 9 RDY: "KMB checks that this bit is set to 1b before issuing any commands";
    // model choice: an engine that is not ready (initializing, fatal) ignores CTRL writes,
    // so Figure 34's fatal state keeps CMD=[code].
    if (!s.ctrl.rdy) return ignored("EE-T9-RDY");
    const Ctrl w = decode(e.value);  // reserved bits and the RO fields RDY, ERR are not written
    if (w.done) {
      if (s.phase == Phase::executing && p.done_while_busy == BusyDoneWrite::ignore)
        return ignored("EE-VENDOR-DONE-WHILE-BUSY");
      if (s.phase == Phase::resetting) return Verdict::keep("EE-T9-DONE-ACK");  // already acknowledged
      n = s;
      // Table 9 DONE: "A write by KMB of the value 1b to this bit shall cause the encryption
      // engine to: set the DONE bit to 0b, set the EXE bit to 0b, set the ERR field to 0000b,
      // and set the CMD bit to 0000b." Figure 34 "resets for next command" may take time.
      if (s.phase == Phase::done && p.ack_latency > 0) {
        n.phase = Phase::resetting;
        n.countdown = p.ack_latency;
        return Verdict::write("EE-T9-DONE-ACK");
      }
      n.ctrl = Ctrl{true, 0, 0, false, false};
      n.phase = Phase::ready;
      n.countdown = 0;
      return Verdict::write(s.phase == Phase::executing ? "EE-VENDOR-DONE-WHILE-BUSY" : "EE-T9-DONE-ACK");
    }
    // Unexpected flows (§4.7.1.2.4: "left for vendors"); model choice for both profiles:
    // while busy, or while a completed status awaits KMB's DONE=1, CMD/EXE writes are ignored.
    if (s.phase == Phase::executing) return ignored("EE-VENDOR-WRITE-WHILE-BUSY");
    if (s.phase == Phase::done || s.phase == Phase::resetting) return ignored("EE-VENDOR-WRITE-BEFORE-ACK");
    // CMD is RW (Table 9). Figure 34 writes CMD and then EXE; §4.7.1.2.4 writes them together.
    const std::uint8_t cmd = (w.exe && w.cmd == 0 && p.exe_write_keeps_cmd) ? s.ctrl.cmd : w.cmd;
    if (!w.exe && cmd == s.ctrl.cmd) return Verdict::keep("EE-FIG34-CMD");  // the CMD already there: s
    n = s;
    n.ctrl.cmd = cmd;
    if (!w.exe) return Verdict::write("EE-FIG34-CMD");
    // Table 9 EXE: "When this bit is set from 0b to 1b by KMB, the encryption engine shall
    // execute the command specified in the CMD field." ... "While the EXE bit is 1b, the
    // encryption engine is busy."
    n.ctrl.exe = true;
    n.phase = Phase::executing;
    n.countdown = p.latency;
    return Verdict::write("EE-T9-EXE");
  }

  [[gnu::always_inline]] static Verdict apply(const Profile&, const State& s, const ReadReg& e, State&, Output* out) {
    if (out) {
      switch (e.reg) {
        case Reg::ctrl: out->ctrl = encode(s.ctrl); break;  // reserved bits read as zero
        // Table 6: MEK is WO; §4.7.1: "MEKs shall not be accessible to the drive firmware".
        // Model choice: a read returns zeros.
        case Reg::mek: out->data = Bytes(mek_size, 0); break;
        case Reg::metd: out->data = Bytes(s.metd.begin(), s.metd.end()); break;
        case Reg::aux: out->data = Bytes(s.aux.begin(), s.aux.end()); break;
      }
    }
    return Verdict::keep(register_rule(e.reg));
  }

  [[gnu::always_inline]] static Verdict apply(const Profile& p, const State& s, const Tick&, State& n, Output*) {
    if (s.phase != Phase::initializing && s.phase != Phase::executing && s.phase != Phase::resetting)
      return Verdict::keep("EE-FIG34");
    n = s;
    if (--n.countdown > 0) return Verdict::write("EE-FIG34");
    switch (s.phase) {
      case Phase::initializing:  // Figure 34 "Encryption engine writes RDY=1"
        n.ctrl.rdy = true;
        n.phase = Phase::ready;
        return Verdict::write("EE-T9-RDY");
      case Phase::executing: {
        // Table 9 EXE: "Once the execution is complete, the encryption engine shall
        // simultaneously set this bit from 1b to 0b, set the DONE bit from 0b to 1b, and
        // populate the ERR field."
        auto x = execute(p, s.ctrl.cmd, Entry{s.metd, s.aux, s.mek}, std::move(n.cache));
        n.cache = std::move(x.cache);
        n.ctrl.err = x.err;
        n.ctrl.exe = false;
        n.ctrl.done = true;
        n.phase = Phase::done;
        return Verdict::write(x.rule);
      }
      case Phase::resetting:  // Figure 34 "Encryption engine writes ERR=0, CMD=0, DONE=0, EXE=0"
        n.ctrl = Ctrl{true, 0, 0, false, false};
        n.phase = Phase::ready;
        return Verdict::write("EE-T9-DONE-ACK");
      default: break;
    }
    return Verdict::keep("EE-FIG34");  // unreachable
  }

  [[gnu::always_inline]] static Verdict apply(const Profile& p, const State& s, const FatalError&, State& n, Output*) {
    // Figure 34: RDY=0, ERR=0, CMD=[code] (kept), DONE=0, EXE=0. The key cache: profile
    // fatal_clears_cache (errata E-EE-FATAL-CACHE); a power cycle empties it in any case.
    if (s.phase == Phase::fatal && s.countdown == 0 && s.ctrl == Ctrl{false, 0, s.ctrl.cmd, false, false} &&
        (!p.fatal_clears_cache || s.cache.empty()))
      return Verdict::keep("EE-FIG34-FATAL");  // already so: the next state is s
    n = s;
    if (p.fatal_clears_cache) n.cache.clear();
    n.phase = Phase::fatal;
    n.countdown = 0;
    n.ctrl = Ctrl{false, 0, s.ctrl.cmd, false, false};
    return Verdict::write("EE-FIG34-FATAL");
  }

  [[gnu::always_inline]] static Verdict apply(const Profile& p, const State&, const PowerCycle&, State& n, Output*) {
    // Table 60 item 4: "The encryption engine shall remove all MEKs from the encryption
    // engine on a power cycle". Table 6-9: every register resets to 0h.
    n = initial(p);
    return Verdict::write("EE-T60-4");
  }
};

// ---- invariants, checked on every reachable state by `lockref explore engine` ---------

namespace inv {
inline bool done_exe_exclusive(const Profile&, const State& s) { return !(s.ctrl.done && s.ctrl.exe); }
inline bool err_zero_unless_done(const Profile&, const State& s) { return s.ctrl.done || s.ctrl.err == 0; }
inline bool err_success_or_vendor(const Profile&, const State& s) { return err_class(s.ctrl.err) != ErrClass::reserved; }
inline bool rdy_iff_operational(const Profile&, const State& s) {
  return s.ctrl.rdy == (s.phase != Phase::initializing && s.phase != Phase::fatal);
}
inline bool exe_iff_executing(const Profile&, const State& s) { return s.ctrl.exe == (s.phase == Phase::executing); }
inline bool done_iff_completed(const Profile&, const State& s) {
  return s.ctrl.done == (s.phase == Phase::done || s.phase == Phase::resetting);
}
inline bool fatal_shape(const Profile&, const State& s) {
  return s.phase != Phase::fatal || (!s.ctrl.rdy && s.ctrl.err == 0 && !s.ctrl.done && !s.ctrl.exe);
}
inline bool cache_within_capacity(const Profile& p, const State& s) { return s.cache.size() <= p.capacity; }
inline bool cache_unique_sorted(const Profile&, const State& s) {
  for (std::size_t i = 1; i < s.cache.size(); ++i)
    if (!(s.cache[i - 1].metadata < s.cache[i].metadata)) return false;
  return true;
}
inline bool empty_after_power_on(const Profile&, const State& s) {
  return s.phase != Phase::initializing || s.cache.empty();
}
inline bool xts_halves_differ(const Profile& p, const State& s) {
  if (!p.xts_key_check) return true;
  for (const auto& e : s.cache)
    if (std::equal(e.mek.begin(), e.mek.begin() + 32, e.mek.begin() + 32)) return false;
  return true;
}
}  // namespace inv

inline std::span<const Invariant<Machine>> Machine::invariants() {
  static constexpr Invariant<Machine> list[] = {
      {"invariant:engine.done_exe_exclusive", "EE-T9-EXE", inv::done_exe_exclusive},
      {"invariant:engine.err_zero_unless_done", "EE-T9-ERR", inv::err_zero_unless_done},
      {"invariant:engine.err_success_or_vendor", "EE-T10", inv::err_success_or_vendor},
      {"invariant:engine.rdy_iff_operational", "EE-T9-RDY", inv::rdy_iff_operational},
      {"invariant:engine.exe_iff_executing", "EE-T9-EXE", inv::exe_iff_executing},
      {"invariant:engine.done_iff_completed", "EE-T9-DONE-ACK", inv::done_iff_completed},
      {"invariant:engine.fatal_shape", "EE-FIG34-FATAL", inv::fatal_shape},
      {"invariant:engine.cache_within_capacity", "EE-4.7.1.1-CACHE", inv::cache_within_capacity},
      {"invariant:engine.cache_unique_metadata", "EE-4.7.1.1-CACHE", inv::cache_unique_sorted},
      {"invariant:engine.empty_after_power_on", "EE-T60-4", inv::empty_after_power_on},
      {"invariant:engine.xts_halves_differ", "EE-4.6.5.5-XTS", inv::xts_halves_differ},
  };
  return list;
}

static_assert(lockref::StateMachine<Machine>);

}  // namespace lockref::engine
