// A self-encrypting drive built on OCP L.O.C.K. 0.9: the epoch rules (lock/epoch.hpp), the
// KMB mailbox (lock/kmb/) and the encryption engine behind it (engine/, inside the KMB
// state), composed by value with the drive firmware's duties between them:
//   Table 60 item 6  MCU ROM invokes REPORT_HEK_METADATA upon cold reset (Table 15 from the fuses)
//   Table 60 item 7  HEK/SEK programming and zeroization follow §4.6.4.2 (the epoch machine's guards)
//   Table 60 item 8  "MEKs shall not be programmed while the SEK or HEK are zeroized": KMB refuses
//                    without the HEK; drive firmware refuses LOAD_MEK/DERIVE_MEK while the SEK is
//                    zeroized (§4.6.4 "drive firmware is responsible for enforcing that MEKs are
//                    not loaded")
//   Table 60 item 4  zeroizing the SEK (a cryptographic erase) clears the engine's key cache
// Events: fuse/SEK operations (the epoch machine's events), raw mailbox commands from drive
// firmware, and the three Caliptra resets. Opal and Key Per I/O sit on top later as host
// methods that become sequences of these mailbox commands (Table 58): that layer adds event
// alternatives and keeps this state.
#pragma once
#include <string>
#include <variant>

#include "lockref/lock/epoch.hpp"
#include "lockref/lock/kmb/kmb.hpp"

namespace lockref::drive {

namespace kmb = lockref::lock::kmb;
namespace epoch = lockref::lock::epoch;

struct Profile {
  kmb::Profile kmb;  // kmb.fuses is the device's initial fuse bank
  std::string sequence_error = "LOCK_EPOCH_SEQUENCE";  // epoch::Profile::sequence_error
  /// Table 60 item 6 (model switch for tests of a non-compliant MCU ROM).
  bool mcu_reports_hek_metadata = true;
  /// Table 60 item 4 / §4.6.4: drive firmware clears the key cache when it zeroizes the SEK.
  bool clear_cache_on_sek_zeroize = true;
  /// The code drive firmware answers when it refuses an MEK command (no Table 57 code: the
  /// refusal is drive firmware's, §4.6.4).
  std::string sek_zeroized_code = "DRIVE_SEK_ZEROIZED";
  friend bool operator==(const Profile&, const Profile&) = default;
};

struct State {
  kmb::State kmb;  // holds the fuse bank/SEK (kmb.fuses) and the engine (kmb.engine)
  friend bool operator==(const State&, const State&) = default;
};

/// A fuse or SEK operation (§4.6.4.2, Figure 19) — the epoch machine's events.
struct Epoch {
  static constexpr std::string_view tag = "epoch";
  epoch::Event event;
};
/// A mailbox command drive firmware sends to KMB.
struct Command {
  static constexpr std::string_view tag = "mailbox";
  std::uint32_t cmd = 0;
  Bytes payload;
};
// The three Caliptra resets are the KMB's events (§4.6.8); the drive adds MCU ROM's duty.
using kmb::ColdReset;
using kmb::FirmwareUpdateReset;
using kmb::WarmReset;
using Event = std::variant<Epoch, Command, ColdReset, WarmReset, FirmwareUpdateReset>;

struct Output {
  std::string status = "ok";
  std::string rule;
  std::string command;
  Bytes response;
  std::optional<kmb::EngineRun> engine;  // what reached the encryption engine
  std::string detail;
  bool is_ok() const { return status == "ok"; }
  friend bool operator==(const Output&, const Output&) = default;
};

struct View {
  std::string hek_state;          // what KMB reports (Table 53)
  bool mek_load_allowed = false;  // §4.6.4: HEK available and SEK programmed
  std::uint16_t key_cache_entries = 0;
  bool shippable = false;         // Table 60 item 5
  friend bool operator==(const View&, const View&) = default;
};

}  // namespace lockref::drive

BOOST_HANA_ADAPT_STRUCT(lockref::drive::Profile, kmb, sequence_error, mcu_reports_hek_metadata, clear_cache_on_sek_zeroize,
                        sek_zeroized_code);
BOOST_HANA_ADAPT_STRUCT(lockref::drive::State, kmb);
BOOST_HANA_ADAPT_STRUCT(lockref::drive::Epoch, event);
BOOST_HANA_ADAPT_STRUCT(lockref::drive::Command, cmd, payload);
BOOST_HANA_ADAPT_STRUCT(lockref::drive::Output, status, rule, command, response, engine, detail);
BOOST_HANA_ADAPT_STRUCT(lockref::drive::View, hek_state, mek_load_allowed, key_cache_entries, shippable);

namespace lockref::drive {

template <class K = kmb::Machine>
struct MachineT {
  static constexpr std::string_view name = "drive";
  using Profile = drive::Profile;
  using State = drive::State;
  using Event = drive::Event;
  using Output = drive::Output;
  using View = drive::View;
  using R = Step<State, Output>;

  static epoch::Profile epoch_profile(const Profile& p) {
    return epoch::Profile{static_cast<std::uint16_t>(p.kmb.fuses.slots.size()), false, p.sequence_error};
  }
  static Status validate(const Profile& p) {
    if (auto v = K::validate(p.kmb); !v) return v;
    return epoch::Machine::validate(epoch_profile(p));  // sequence_error becomes an epoch status
  }
  static State initial(const Profile& p) {
    State s{K::initial(p.kmb)};
    if (p.mcu_reports_hek_metadata) s = mcu_rom(p, s);
    return s;
  }
  static View observe(const Profile& p, const State& s) {
    const auto ev = epoch::view_of(s.kmb.fuses);
    const auto kv = K::observe(p.kmb, s.kmb);
    return View{kv.hek_state, ev.mek_load_allowed, kv.key_cache_entries, ev.shippable};
  }
  static R step(const Profile& p, const State& s, const Event& e) {
    return std::visit([&](const auto& ev) { return apply(p, s, ev); }, e);
  }
  static std::vector<Event> candidate_events(const Profile& p, const State& s) {
    std::vector<Event> out;
    for (const auto& e : epoch::Machine::candidate_events(epoch_profile(p), s.kmb.fuses))
      if (!std::holds_alternative<epoch::ColdReset>(e) && !std::holds_alternative<epoch::AdvanceLifecycle>(e))
        out.push_back(Epoch{e});
    for (const auto& e : K::candidate_events(p.kmb, s.kmb))
      if (const auto* m = std::get_if<kmb::Mailbox>(&e)) out.push_back(Command{m->cmd, m->payload});
    out.push_back(ColdReset{});
    out.push_back(WarmReset{});
    out.push_back(FirmwareUpdateReset{});
    return out;
  }
  static std::span<const Invariant<MachineT>> invariants() {
    static constexpr Invariant<MachineT> list[] = {
        {"invariant:drive.no_mek_while_epoch_key_zeroized", "DRIVE-T60-8", inv_no_mek},
        {"invariant:drive.fuses_reachable", "DRIVE-T60-7", inv_fuses},
    };
    return list;
  }
  static std::string_view view_requirement(std::string_view f) {
    if (f == "mek_load_allowed" || f == "key_cache_entries") return "DRIVE-T60-8";
    if (f == "shippable") return "LOCK-T60-5";
    return "KMB-4.7.2";
  }
  static std::string label(const Profile& p, const State& s) {
    return epoch::Machine::label(epoch_profile(p), s.kmb.fuses) + "\n" + K::label(p.kmb, s.kmb);
  }

  /// Table 60 item 8 end to end: while the HEK is unavailable or the SEK zeroized, the
  /// engine holds no MEK.
  static bool inv_no_mek(const Profile&, const State& s) {
    return epoch::view_of(s.kmb.fuses).mek_load_allowed || s.kmb.engine.engine.cache.empty();
  }
  static bool inv_fuses(const Profile&, const State& s) {
    return epoch::validate_fuses(s.kmb.fuses.slots, s.kmb.fuses.perma_hek).ok();
  }

 private:
  static Output from(const kmb::Output& o) { return Output{o.status, o.rule, o.command, o.response, o.engine, o.detail}; }
  /// MCU ROM after a cold reset: REPORT_HEK_METADATA with Table 15 from the fuses (Table 60 item 6).
  static State mcu_rom(const Profile& p, State s) {
    const auto m = epoch::table15(s.kmb.fuses.slots, s.kmb.fuses.perma_hek);
    s.kmb = K::step(p.kmb, s.kmb, kmb::Event{kmb::host::report_hek_metadata(m)}).next;
    return s;
  }
  static R apply(const Profile& p, const State& s, const Epoch& e) {
    if (std::holds_alternative<epoch::ColdReset>(e.event)) return apply(p, s, ColdReset{});
    auto st = epoch::Machine::step(epoch_profile(p), s.kmb.fuses, e.event);
    State n = s;
    n.kmb.fuses = st.next;
    Output o{st.out.status, st.out.rule, "", {}, {}, ""};
    if (st.out.is_ok() && std::holds_alternative<epoch::ZeroizeSek>(e.event) && p.clear_cache_on_sek_zeroize) {
      // Table 60 item 4 "during zeroization of the storage device": CLEAR_KEY_CACHE.
      auto c = K::step(p.kmb, n.kmb, kmb::Event{kmb::host::clear_key_cache(1000)});
      n.kmb = c.next;
      o.engine = c.out.engine;
      if (!c.out.is_ok()) o.detail = "CLEAR_KEY_CACHE after the SEK zeroization: " + c.out.status;
    }
    return {n, o};
  }
  static R apply(const Profile& p, const State& s, const Command& c) {
    // §4.6.4: with the SEK zeroized, drive firmware does not ask KMB to load an MEK.
    const bool mek_command = c.cmd == kmb::LOAD_MEK::code || c.cmd == kmb::DERIVE_MEK::code;
    if (mek_command && s.kmb.fuses.sek == epoch::Sek::zeroized)
      return {s, Output{p.sek_zeroized_code, "DRIVE-T60-8", std::string(kmb::Machine::command_name(p.kmb, c.cmd)), {}, {},
                        "the SEK is zeroized: drive firmware refuses to load an MEK (§4.6.4, Table 60 item 8)"}};
    auto st = K::step(p.kmb, s.kmb, kmb::Event{kmb::Mailbox{c.cmd, c.payload}});
    return {State{st.next}, from(st.out)};
  }
  static R apply(const Profile& p, const State& s, const ColdReset&) {
    auto st = K::step(p.kmb, s.kmb, kmb::Event{kmb::ColdReset{}});
    State n{st.next};
    if (p.mcu_reports_hek_metadata) n = mcu_rom(p, n);
    return {n, Output{"ok", "LOCK-T60-6", "", {}, {}, ""}};
  }
  static R apply(const Profile& p, const State& s, const WarmReset&) {
    auto st = K::step(p.kmb, s.kmb, kmb::Event{kmb::WarmReset{}});
    return {State{st.next}, from(st.out)};
  }
  static R apply(const Profile& p, const State& s, const FirmwareUpdateReset&) {
    auto st = K::step(p.kmb, s.kmb, kmb::Event{kmb::FirmwareUpdateReset{}});
    return {State{st.next}, from(st.out)};
  }
};

using Machine = MachineT<>;
static_assert(lockref::StateMachine<Machine>);

}  // namespace lockref::drive
