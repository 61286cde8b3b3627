// OCP L.O.C.K. 0.9: KMB's side of the encryption-engine SFR interface (the "driver").
//
// LOAD_MEK, DERIVE_MEK, UNLOAD_MEK and CLEAR_KEY_CACHE (§4.7.2.18-20, §4.7.2.7) each hand
// the driver a Request: an engine command (Table 11), the METD/AUX/MEK values to write and
// the mailbox's cmd_timeout (Tables 21, 44, 46, 48). The driver then:
//   1. reads CTRL; RDY=0 -> LOCK_EE_NOT_READY (§4.7.2.2, Table 9 RDY)
//   2. writes METD, AUX, MEK (Figure 35 [001]) and then CTRL (CMD+EXE together, §4.7.1.2.4,
//      or CMD then EXE, Figure 34)
//   3. polls CTRL until DONE=1 (§4.7.1.2.4 "The KMB waits DONE to be 1"), at most
//      cmd_timeout clock ticks, else LOCK_ENGINE_TIMEOUT (§4.7.2.2)
//   4. reads ERR with DONE (Figure 35 [008]), writes DONE=1 (Figure 35 [009])
//   5. polls CTRL until DONE=0 (Figure 35 [010]) and reports "ok" or LOCK_ENGINE_CODE + ERR
//      (Table 57)
// The driver is a pure machine whose events are the answers of the bus (the CTRL value a
// read returned, "the write was performed") and the clock; each Output names the bus
// operation the driver performs next (Output::op), so a KMB firmware trace can be checked
// against it and it can be composed with the engine (system.hpp).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "lockref/core/enum.hpp"
#include "lockref/core/json.hpp"
#include "lockref/core/machine.hpp"
#include "lockref/engine/engine.hpp"
#include "lockref/engine/registers.hpp"
#include "lockref/lock/result_codes.hpp"

namespace lockref::engine::kmb {

/// What a KMB mailbox command asks of the engine.
struct Request {
  Command command = Command::load_mek;
  Metd metadata{};             // LOAD_MEK/DERIVE_MEK/UNLOAD_MEK "metadata" u8[20]
  Aux aux{};                   // LOAD_MEK/DERIVE_MEK "aux_metadata" u8[32]
  Mek mek{};                   // the decrypted or derived MEK (Key Vault slot 23, §4.7.1.2.1)
  std::uint32_t cmd_timeout = 0;  // ms; one `clock` event is 1 ms
  friend bool operator==(const Request&, const Request&) = default;
};

/// LOAD_MEK (§4.7.2.18) and DERIVE_MEK (§4.7.2.19) after the MEK is decrypted/derived.
inline Request load_mek(const Metd& m, const Aux& a, const Mek& k, std::uint32_t timeout) {
  return Request{Command::load_mek, m, a, k, timeout};
}
/// UNLOAD_MEK (§4.7.2.20).
inline Request unload_mek(const Metd& m, std::uint32_t timeout) { return Request{Command::unload_mek, m, {}, {}, timeout}; }
/// CLEAR_KEY_CACHE (§4.7.2.7): "unloads all MEKs in the encryption engine".
inline Request clear_key_cache(std::uint32_t timeout) { return Request{Command::zeroize, {}, {}, {}, timeout}; }

/// Driver behaviour the seed leaves open.
struct Profile {
  /// Write CMD, then CMD+EXE (Figure 34), instead of CMD and EXE together (§4.7.1.2.4).
  bool two_step_ctrl = false;
  /// Read CTRL and check RDY before every register write, not only before the command
  /// (model choice; errata E-EE-RDY-WINDOW). Table 9 only requires the check "before
  /// issuing any commands".
  bool recheck_rdy = true;
  /// The base KMB adds an engine ERR to (Table 57 LOCK_ENGINE_CODE + u16). Table 57 prints
  /// 0x4443_xxxx, which spells "DC"; its mnemonic "ECxx" would be 0x4543_xxxx. Errata
  /// E-LOCK-T57-ENGINE-CODE; default: the printed value.
  std::uint32_t engine_code_base = lock_engine_code_base;
  friend bool operator==(const Profile&, const Profile&) = default;
};

enum class Phase : std::uint8_t {
  idle,
  check_ready,  // read CTRL: RDY?
  stale_ack,    // a completion KMB abandoned (after a timeout) is still posted: write DONE=1
  stale_wait,   // read CTRL until DONE=0
  write_metd,
  write_aux,
  write_mek,
  write_cmd,    // two_step_ctrl: CMD only
  write_exe,    // CMD (+ EXE)
  wait_done,    // read CTRL until DONE=1
  ack,          // write DONE=1
  wait_clear,   // read CTRL until DONE=0
};
constexpr auto enum_names(Phase) {
  return std::array{EnumName{Phase::idle, "idle"},           EnumName{Phase::check_ready, "check_ready"},
                    EnumName{Phase::stale_ack, "stale_ack"}, EnumName{Phase::stale_wait, "stale_wait"},
                    EnumName{Phase::write_metd, "write_metd"}, EnumName{Phase::write_aux, "write_aux"},
                    EnumName{Phase::write_mek, "write_mek"}, EnumName{Phase::write_cmd, "write_cmd"},
                    EnumName{Phase::write_exe, "write_exe"}, EnumName{Phase::wait_done, "wait_done"},
                    EnumName{Phase::ack, "ack"},             EnumName{Phase::wait_clear, "wait_clear"}};
}

struct State {
  Phase phase = Phase::idle;
  Request request;
  std::uint32_t elapsed = 0;   // clock ticks since the command was issued
  std::uint8_t err = 0;        // ERR read together with DONE=1
  bool guarded = false;        // recheck_rdy: the read before the pending write showed RDY=1
  bool abandoned = false;      // the last command timed out after CTRL was written
  friend bool operator==(const State&, const State&) = default;
};

enum class Dir : std::uint8_t { read, write };
constexpr auto enum_names(Dir) { return std::array{EnumName{Dir::read, "read"}, EnumName{Dir::write, "write"}}; }

/// One register access on the bus (the register-transcript line format).
struct BusOp {
  Reg reg = Reg::ctrl;
  Dir op = Dir::read;
  std::optional<std::uint32_t> value;  // CTRL write value, or the value a CTRL read returned
  std::optional<Bytes> data;           // MEK/METD/AUX write data
  friend bool operator==(const BusOp&, const BusOp&) = default;
};

// ---- events ----------------------------------------------------------------------

struct Issue {
  static constexpr std::string_view tag = "issue";
  Request request;
};
/// The CTRL value the driver's pending read returned.
struct CtrlRead {
  static constexpr std::string_view tag = "ctrl_read";
  std::uint32_t value = 0;
};
/// The driver's pending write was performed.
struct Written {
  static constexpr std::string_view tag = "written";
};
/// One millisecond passes.
struct Clock {
  static constexpr std::string_view tag = "clock";
};
using Event = std::variant<Issue, CtrlRead, Written, Clock>;

struct Output {
  std::string status = "ok";  // event accepted, or KMB_BUSY / KMB_UNEXPECTED_EVENT (model names)
  std::string rule;
  std::optional<BusOp> op;                 // the bus operation the driver performs next
  std::optional<std::string> result;       // when a command finished: "ok" or a Table 57 name
  std::optional<std::uint32_t> result_code;  // its Table 57 value (0 for ok)
  bool is_ok() const { return status == "ok"; }
  friend bool operator==(const Output&, const Output&) = default;
};

struct View {
  bool busy = false;
  friend bool operator==(const View&, const View&) = default;
};

}  // namespace lockref::engine::kmb

BOOST_HANA_ADAPT_STRUCT(lockref::engine::kmb::Request, command, metadata, aux, mek, cmd_timeout);
BOOST_HANA_ADAPT_STRUCT(lockref::engine::kmb::Profile, two_step_ctrl, recheck_rdy, engine_code_base);
BOOST_HANA_ADAPT_STRUCT(lockref::engine::kmb::State, phase, request, elapsed, err, guarded, abandoned);
BOOST_HANA_ADAPT_STRUCT(lockref::engine::kmb::BusOp, reg, op, value, data);
BOOST_HANA_ADAPT_STRUCT(lockref::engine::kmb::Issue, request);
BOOST_HANA_ADAPT_STRUCT(lockref::engine::kmb::CtrlRead, value);
BOOST_HANA_ADAPT_STRUCT(lockref::engine::kmb::Output, status, rule, op, result, result_code);
BOOST_HANA_ADAPT_STRUCT(lockref::engine::kmb::View, busy);

namespace lockref::engine::kmb {

constexpr bool is_write_phase(Phase p) {
  return p == Phase::write_metd || p == Phase::write_aux || p == Phase::write_mek || p == Phase::write_cmd ||
         p == Phase::write_exe || p == Phase::stale_ack || p == Phase::ack;
}

/// Table 57 value of a result name; "ok" (a success, no Table 57 name) is 0. LOCK_ENGINE_CODE
/// is a base the engine's ERR is added to (Driver::finish).
inline std::uint32_t table57_value(std::string_view name) {
  auto c = lock::result_code(name);
  return c ? c->value : 0;
}

struct Driver {
  static constexpr std::string_view name = "kmb-driver";
  using Profile = kmb::Profile;
  using State = kmb::State;
  using Event = kmb::Event;
  using Output = kmb::Output;
  using View = kmb::View;

  static Status validate(const Profile& p) {
    if (p.engine_code_base & 0xFFFFu)
      return make_error("engine_code_base: the low 16 bits carry the engine's code (Table 57 LOCK_ENGINE_CODE + u16)");
    return ok_status();
  }
  static State initial(const Profile&) { return State{}; }
  /// A state given from outside (eval, a harness) must satisfy every invariant.
  static Status validate_state(const Profile& p, const State& s) { return check_invariants<Driver>(p, s); }
  static View observe(const Profile&, const State& s) { return View{s.phase != Phase::idle}; }

  /// The bus operation the driver performs next in `s`, if any.
  static std::optional<BusOp> next_op(const Profile& p, const State& s) {
    const auto& r = s.request;
    auto read_ctrl = BusOp{Reg::ctrl, Dir::read, {}, {}};
    if (is_write_phase(s.phase) && p.recheck_rdy && !s.guarded) return read_ctrl;
    switch (s.phase) {
      case Phase::idle: return std::nullopt;
      case Phase::check_ready:
      case Phase::stale_wait:
      case Phase::wait_done:
      case Phase::wait_clear: return read_ctrl;
      case Phase::stale_ack:
      case Phase::ack: return BusOp{Reg::ctrl, Dir::write, done_bit, {}};  // Figure 35 [009]
      case Phase::write_metd: return BusOp{Reg::metd, Dir::write, {}, Bytes(r.metadata.begin(), r.metadata.end())};
      case Phase::write_aux: return BusOp{Reg::aux, Dir::write, {}, Bytes(r.aux.begin(), r.aux.end())};
      case Phase::write_mek: return BusOp{Reg::mek, Dir::write, {}, Bytes(r.mek.begin(), r.mek.end())};
      case Phase::write_cmd: return BusOp{Reg::ctrl, Dir::write, cmd_value(r), {}};
      case Phase::write_exe: return BusOp{Reg::ctrl, Dir::write, cmd_value(r) | exe_bit, {}};
    }
    return std::nullopt;
  }

  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    auto st = std::visit([&](const auto& ev) { return apply(p, s, ev); }, e);
    st.out.op = next_op(p, st.next);
    return st;
  }

  static std::vector<Event> candidate_events(const Profile&, const State&) {
    std::vector<Event> out;
    Metd m{};
    m[19] = 1;
    Mek k{};
    for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(i + 1);
    out.push_back(Issue{load_mek(m, {}, k, 2)});
    out.push_back(Issue{unload_mek(m, 2)});
    out.push_back(Issue{clear_key_cache(2)});
    for (std::uint32_t v : {0x00000000u, 0x80000000u, 0x80000005u, 0x80000006u, 0x80000004u, 0x80040006u,
                            0x80000002u, 0x80000001u})
      out.push_back(CtrlRead{v});
    out.push_back(Written{});
    out.push_back(Clock{});
    return out;
  }

  static std::span<const Invariant<Driver>> invariants();

  static std::string_view view_requirement(std::string_view) { return "EE-4.7.1.2.4-KMB"; }
  static std::string label(const Profile&, const State& s) { return std::string(enum_name(s.phase)); }

  static std::uint32_t cmd_value(const Request& r) {
    return (static_cast<std::uint32_t>(r.command) << cmd_shift) & cmd_mask;
  }

 protected:
  using R = Step<State, Output>;
  static R ok(const State& n, std::string_view rule) { return {n, Output{"ok", std::string(rule), {}, {}, {}}}; }
  static R unexpected(const State& s) { return {s, Output{"KMB_UNEXPECTED_EVENT", "EE-4.7.1.2.4-KMB", {}, {}, {}}}; }
  static R finish(const State& s, std::string result, std::string_view rule, std::uint32_t code_base = 0,
                  std::uint8_t err = 0) {
    State n;
    n.abandoned = result == "LOCK_ENGINE_TIMEOUT" && s.phase >= Phase::wait_done;
    R r = ok(n, rule);
    // validate(): the base's low 16 bits are zero, so the ERR code fills them
    r.out.result_code = result == "LOCK_ENGINE_CODE" ? code_base | err : table57_value(result);
    r.out.result = std::move(result);
    return r;
  }
  /// The first write of the command after the RDY check.
  static Phase first_write(const Profile& p, const Request& r) {
    if (r.command == Command::zeroize) return p.two_step_ctrl ? Phase::write_cmd : Phase::write_exe;
    return Phase::write_metd;
  }
  static Phase after(const Profile& p, const Request& r, Phase ph) {
    switch (ph) {
      case Phase::write_metd:
        if (r.command == Command::load_mek) return Phase::write_aux;
        return p.two_step_ctrl ? Phase::write_cmd : Phase::write_exe;
      case Phase::write_aux: return Phase::write_mek;
      case Phase::write_mek: return p.two_step_ctrl ? Phase::write_cmd : Phase::write_exe;
      case Phase::write_cmd: return Phase::write_exe;
      case Phase::write_exe: return Phase::wait_done;
      case Phase::stale_ack: return Phase::stale_wait;
      case Phase::ack: return Phase::wait_clear;
      default: return ph;
    }
  }

  static R apply(const Profile&, const State& s, const Issue& e) {
    // One engine command at a time (the mailbox runs one command at a time).
    if (s.phase != Phase::idle) return {s, Output{"KMB_BUSY", "EE-4.7.1.2.4-KMB", {}, {}, {}}};
    State n;
    n.phase = Phase::check_ready;
    n.request = e.request;
    n.abandoned = s.abandoned;
    return ok(n, "EE-4.7.2.2-NOT-READY");
  }

  static R apply(const Profile& p, const State& s, const CtrlRead& e) {
    const Ctrl c = decode(e.value);
    if (is_write_phase(s.phase) && p.recheck_rdy && !s.guarded) {
      if (!c.rdy) return finish(s, "LOCK_EE_NOT_READY", "EE-RDY-WINDOW");
      State n = s;
      n.guarded = true;
      return ok(n, "EE-RDY-WINDOW");
    }
    State n = s;
    switch (s.phase) {
      case Phase::check_ready:
        // §4.7.2.2: "KMB firmware will return a LOCK_EE_NOT_READY error immediately if the
        // encryption engine is not ready to execute a command." Table 9 RDY.
        if (!c.rdy) return finish(s, "LOCK_EE_NOT_READY", "EE-4.7.2.2-NOT-READY");
        // Model choice: EXE=1 (still busy with a command KMB abandoned) is "not ready".
        if (c.exe) return finish(s, "LOCK_EE_NOT_READY", "EE-KMB-STALE");
        // Model choice: a completion KMB abandoned after a timeout is acknowledged first.
        n.phase = c.done ? Phase::stale_ack : first_write(p, s.request);
        return ok(n, c.done ? "EE-KMB-STALE" : "EE-4.7.2.2-NOT-READY");
      case Phase::stale_wait:
        if (c.done) return ok(n, "EE-KMB-STALE");
        if (!c.rdy) return finish(s, "LOCK_EE_NOT_READY", "EE-4.7.2.2-NOT-READY");
        n.phase = first_write(p, s.request);
        return ok(n, "EE-KMB-STALE");
      case Phase::wait_done:
        // §4.7.1.2.4 "The KMB waits DONE to be 1"; Figure 35 [008] read ERR.
        if (!c.done) return ok(n, "EE-4.7.1.2.4-KMB");
        n.err = c.err;
        n.phase = Phase::ack;
        return ok(n, "EE-4.7.1.2.4-KMB");
      case Phase::wait_clear:
        // §4.7.1.2.4 "The KMB waits DONE to be 0".
        if (c.done) return ok(n, "EE-4.7.1.2.4-KMB");
        // Table 9 ERR: "Encryption engine error codes are surfaced back to drive firmware";
        // Table 57 LOCK_ENGINE_CODE + u16.
        if (s.err != 0) return finish(s, "LOCK_ENGINE_CODE", "EE-T57-ENGINE-CODE", p.engine_code_base, s.err);
        return finish(s, "ok", "EE-4.7.1.2.4-KMB");
      default: return unexpected(s);
    }
  }

  static R apply(const Profile& p, const State& s, const Written&) {
    if (!is_write_phase(s.phase) || (p.recheck_rdy && !s.guarded)) return unexpected(s);
    State n = s;
    n.phase = after(p, s.request, s.phase);
    n.guarded = false;
    return ok(n, s.phase == Phase::write_exe ? "EE-T9-EXE" : "EE-4.7.1.2.4-KMB");
  }

  static R apply(const Profile&, const State& s, const Clock&) {
    if (s.phase == Phase::idle) return ok(s, "EE-4.7.2.2-TIMEOUT");
    State n = s;
    ++n.elapsed;
    // §4.7.2.2: "If this timeout is exceeded, KMB aborts the command and reports a
    // LOCK_ENGINE_TIMEOUT result code." Model choice: the timeout bounds the whole
    // exchange, including the wait for DONE=0 (errata E-EE-TIMEOUT-SCOPE).
    if (n.elapsed > s.request.cmd_timeout) return finish(s, "LOCK_ENGINE_TIMEOUT", "EE-4.7.2.2-TIMEOUT");
    return ok(n, "EE-4.7.2.2-TIMEOUT");
  }
};

namespace inv {
inline bool idle_is_clean(const Profile&, const State& s) {
  return s.phase != Phase::idle || (s.elapsed == 0 && s.err == 0 && !s.guarded);
}
inline bool guard_only_before_writes(const Profile&, const State& s) { return !s.guarded || is_write_phase(s.phase); }
}  // namespace inv

inline std::span<const Invariant<Driver>> Driver::invariants() {
  static constexpr Invariant<Driver> list[] = {
      {"invariant:kmb-driver.idle_is_clean", "EE-4.7.1.2.4-KMB", inv::idle_is_clean},
      {"invariant:kmb-driver.guard_only_before_writes", "EE-RDY-WINDOW", inv::guard_only_before_writes},
  };
  return list;
}

static_assert(lockref::StateMachine<Driver>);

}  // namespace lockref::engine::kmb
