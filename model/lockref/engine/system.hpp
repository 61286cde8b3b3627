// KMB driver and encryption engine composed at the SFRs (0.9 §4.7.1, Figure 35), and the
// register-level transcript checker (`lockref check` for machine "engine-regs").
//
// The composition is a template over the two machines so that deliberately broken
// variants ("mutants", properties/engine_properties.cpp) compose the same way.
//
// Atomicity assumption (errata E-EE-RDY-WINDOW): with kmb::Profile::recheck_rdy the driver
// reads CTRL before each write; the composed model performs that read and the write in one
// step, i.e. a fatal error cannot land between them. On a real bus it can, and no driver
// can then avoid one write while RDY=0.
#pragma once
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "lockref/engine/driver.hpp"
#include "lockref/engine/engine.hpp"

namespace lockref::engine::sys {

struct Profile {
  engine::Profile engine;
  kmb::Profile kmb;
  friend bool operator==(const Profile&, const Profile&) = default;
};

struct State {
  engine::State engine;
  kmb::State kmb;
  friend bool operator==(const State&, const State&) = default;
};

/// Drive firmware asks KMB for an engine command (LOAD_MEK, DERIVE_MEK, UNLOAD_MEK, CLEAR_KEY_CACHE).
struct KmbIssue {
  static constexpr std::string_view tag = "kmb_issue";
  kmb::Request request;
};
/// KMB performs its next bus operation (a guarded write includes its RDY read).
struct KmbStep {
  static constexpr std::string_view tag = "kmb_step";
};
struct EngineTick {
  static constexpr std::string_view tag = "engine_tick";
};
/// One millisecond passes on KMB's clock (cmd_timeout).
struct ClockTick {
  static constexpr std::string_view tag = "clock";
};
struct EngineFatal {
  static constexpr std::string_view tag = "engine_fatal";
};
struct SystemPowerCycle {
  static constexpr std::string_view tag = "power_cycle";
};
using Event = std::variant<KmbIssue, KmbStep, EngineTick, ClockTick, EngineFatal, SystemPowerCycle>;

struct Output {
  std::string status = "ok";
  std::string rule;
  std::vector<kmb::BusOp> bus;              // register accesses performed in this step
  std::optional<std::string> result;        // a KMB command finished
  std::optional<std::uint32_t> result_code;
  std::uint16_t writes_without_rdy = 0;     // KMB register writes performed while RDY=0
  bool is_ok() const { return status == "ok"; }
  friend bool operator==(const Output&, const Output&) = default;
};

struct View {
  std::string ctrl_value;
  std::uint16_t cache_size = 0;
  bool kmb_busy = false;
  friend bool operator==(const View&, const View&) = default;
};

}  // namespace lockref::engine::sys

BOOST_HANA_ADAPT_STRUCT(lockref::engine::sys::Profile, engine, kmb);
BOOST_HANA_ADAPT_STRUCT(lockref::engine::sys::State, engine, kmb);
BOOST_HANA_ADAPT_STRUCT(lockref::engine::sys::KmbIssue, request);
BOOST_HANA_ADAPT_STRUCT(lockref::engine::sys::Output, status, rule, bus, result, result_code, writes_without_rdy);
BOOST_HANA_ADAPT_STRUCT(lockref::engine::sys::View, ctrl_value, cache_size, kmb_busy);

namespace lockref::engine::sys {

template <class EE = engine::Machine, class KD = kmb::Driver>
struct SystemT {
  static constexpr std::string_view name = "engine-system";
  using Profile = sys::Profile;
  using State = sys::State;
  using Event = sys::Event;
  using Output = sys::Output;
  using View = sys::View;

  static Status validate(const Profile& p) {
    if (auto v = EE::validate(p.engine); !v) return make_error("engine." + v.error().message);
    if (auto v = KD::validate(p.kmb); !v) return make_error("kmb." + v.error().message);
    return ok_status();
  }
  static State initial(const Profile& p) { return State{EE::initial(p.engine), KD::initial(p.kmb)}; }
  static Status validate_state(const Profile& p, const State& s) {
    if (auto v = EE::validate_state(p.engine, s.engine); !v) return make_error("engine." + v.error().message);
    if (auto v = KD::validate_state(p.kmb, s.kmb); !v) return make_error("kmb." + v.error().message);
    return ok_status();
  }
  static View observe(const Profile& p, const State& s) {
    auto v = EE::observe(p.engine, s.engine);
    return View{v.ctrl_value, v.cache_size, s.kmb.phase != kmb::Phase::idle};
  }

  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    return std::visit([&](const auto& ev) { return apply(p, s, ev); }, e);
  }

  static std::vector<Event> candidate_events(const Profile& p, const State&) {
    std::vector<Event> out;
    for (std::uint16_t k = 0; k < 2; ++k) {
      Metd m{};
      m[19] = static_cast<std::uint8_t>(k + 1);
      Mek key{};
      for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i + 1);
      out.push_back(KmbIssue{kmb::load_mek(m, {}, key, 8)});
      out.push_back(KmbIssue{kmb::unload_mek(m, 8)});
    }
    out.push_back(KmbIssue{kmb::clear_key_cache(1)});
    (void)p;
    out.push_back(KmbStep{});
    out.push_back(EngineTick{});
    out.push_back(ClockTick{});
    out.push_back(EngineFatal{});
    out.push_back(SystemPowerCycle{});
    return out;
  }

  static std::span<const Invariant<SystemT>> invariants() { return {}; }
  static std::string_view view_requirement(std::string_view f) { return EE::view_requirement(f); }
  static std::string label(const Profile& p, const State& s) {
    return EE::label(p.engine, s.engine) + "\nKMB " + std::string(enum_name(s.kmb.phase));
  }

 private:
  using R = Step<State, Output>;
  static R ok(const State& n, std::string_view rule) { return {n, Output{"ok", std::string(rule), {}, {}, {}, 0}}; }
  static void take_result(Output& o, const kmb::Output& d) {
    if (d.result) {
      o.result = d.result;
      o.result_code = d.result_code;
      o.rule = d.rule;
    }
  }

  static R apply(const Profile& p, const State& s, const KmbIssue& e) {
    auto d = KD::step(p.kmb, s.kmb, kmb::Event{kmb::Issue{e.request}});
    if (!d.out.is_ok()) return {s, Output{d.out.status, d.out.rule, {}, {}, {}, 0}};
    State n = s;
    n.kmb = d.next;
    return ok(n, d.out.rule);
  }

  /// Performs one bus operation of the driver against the engine.
  static void perform(const Profile& p, State& n, Output& o, const kmb::BusOp& op) {
    if (op.op == kmb::Dir::read) {
      auto r = EE::step(p.engine, n.engine, engine::Event{ReadReg{op.reg}});
      n.engine = r.next;
      const std::uint32_t v = r.out.ctrl.value_or(0);
      o.bus.push_back(kmb::BusOp{op.reg, kmb::Dir::read, v, {}});
      auto d = KD::step(p.kmb, n.kmb, kmb::Event{kmb::CtrlRead{v}});
      n.kmb = d.next;
      take_result(o, d.out);
      return;
    }
    if (!n.engine.ctrl.rdy) ++o.writes_without_rdy;
    o.bus.push_back(op);
    engine::Event w = op.reg == Reg::ctrl ? engine::Event{WriteCtrl{op.value.value_or(0)}}
                                          : engine::Event{WriteReg{op.reg, 0, op.data.value_or(Bytes{})}};
    n.engine = EE::step(p.engine, n.engine, w).next;
    // a write never ends a command: the driver reads the outcome (kmb::Driver::apply(Written))
    n.kmb = KD::step(p.kmb, n.kmb, kmb::Event{kmb::Written{}}).next;
  }

  static R apply(const Profile& p, const State& s, const KmbStep&) {
    auto op = KD::next_op(p.kmb, s.kmb);
    if (!op) return {s, Output{"KMB_IDLE", "EE-4.7.1.2.4-KMB", {}, {}, {}, 0}};
    State n = s;
    Output o{"ok", "EE-4.7.1.2.4-KMB", {}, {}, {}, 0};
    const bool guard_read = op->op == kmb::Dir::read && kmb::is_write_phase(s.kmb.phase);
    perform(p, n, o, *op);
    if (guard_read && !o.result) {  // the RDY check and its write form one step (see header)
      if (auto w = KD::next_op(p.kmb, n.kmb); w && w->op == kmb::Dir::write) perform(p, n, o, *w);
    }
    return {n, o};
  }

  static R engine_event(const Profile& p, const State& s, const engine::Event& e) {
    auto r = EE::step(p.engine, s.engine, e);
    State n = s;
    n.engine = r.next;
    return {n, Output{r.out.status, r.out.rule, {}, {}, {}, 0}};
  }
  static R apply(const Profile& p, const State& s, const EngineTick&) { return engine_event(p, s, Tick{}); }
  static R apply(const Profile& p, const State& s, const EngineFatal&) { return engine_event(p, s, FatalError{}); }
  static R apply(const Profile& p, const State& s, const SystemPowerCycle&) {
    // The engine powers off and on; KMB (Caliptra) is not reset by the engine's power cycle.
    return engine_event(p, s, PowerCycle{});
  }
  static R apply(const Profile& p, const State& s, const ClockTick&) {
    auto d = KD::step(p.kmb, s.kmb, kmb::Event{kmb::Clock{}});
    State n = s;
    n.kmb = d.next;
    Output o{"ok", d.out.rule, {}, {}, {}, 0};
    take_result(o, d.out);
    return {n, o};
  }
};

using System = SystemT<>;
static_assert(lockref::StateMachine<System>);

/// What a KMB mailbox command (LOAD_MEK, DERIVE_MEK, UNLOAD_MEK, CLEAR_KEY_CACHE) gets back
/// from the engine exchange, and the register accesses it made.
struct CommandRun {
  State state;
  std::string result;            // "ok" or a Table 57 name
  std::uint32_t result_code = 0;  // Table 57 value
  std::vector<kmb::BusOp> bus;
  std::size_t rounds = 0;
};

/// Runs one command to completion under a fair schedule: each round KMB performs one bus
/// operation, the engine takes one internal step and 1 ms passes. The KMB model of a later
/// issue calls this for its engine-facing mailbox commands. `max_rounds` bounds the loop
/// (cmd_timeout ends it sooner); if it is exhausted the result is "KMB_STUCK".
template <class Sys = System>
CommandRun run_command(const Profile& p, State s, const kmb::Request& req, std::size_t max_rounds = 10000) {
  CommandRun run{s, "KMB_STUCK", 0, {}, 0};
  auto st = Sys::step(p, s, Event{KmbIssue{req}});
  if (!st.out.is_ok()) {
    run.result = st.out.status;
    return run;
  }
  s = st.next;
  for (std::size_t i = 0; i < max_rounds; ++i) {
    run.rounds = i + 1;
    for (const Event& e : {Event{KmbStep{}}, Event{EngineTick{}}, Event{ClockTick{}}}) {
      auto r = Sys::step(p, s, e);
      s = r.next;
      run.bus.insert(run.bus.end(), r.out.bus.begin(), r.out.bus.end());
      if (r.out.result) {
        run.state = s;
        run.result = *r.out.result;
        run.result_code = r.out.result_code.value_or(0);
        return run;
      }
    }
  }
  run.state = s;
  return run;
}

// ---- register-level transcript checking ---------------------------------------------
//
// A transcript of bus accesses as an engine implementation or an RTL simulation sees them:
//   {"machine":"engine-regs","profile":{...engine profile...}}           optional header
//   {"reg":"CTRL","op":"write","value":"0x00000005"}
//   {"reg":"CTRL","op":"read","value":"0x80000006"}
//   {"reg":"METD","op":"write","data":"00..", "offset":0}
//   {"addr":"0x40","op":"write","data":"00.."}      addr: offset from OCP_LOCK_MEK_ADDRESS
//   {"event":"power_cycle"} | {"event":"fatal_error"} | {"event":"tick"}
// The engine's internal progress is invisible on the bus, so between two accesses the
// checker lets the model take any number of ticks, and (Table 9 RDY "may") a fatal error.
// It tracks every model state consistent with the accesses so far and reports the first
// access no such state explains.

struct RegAccess {
  Reg reg = Reg::ctrl;
  kmb::Dir op = kmb::Dir::read;
  std::optional<std::uint32_t> value;  // CTRL
  std::optional<Bytes> data;           // MEK/METD/AUX
  std::uint16_t offset = 0;
};

struct RegDeviation {
  std::size_t line = 0;
  std::string access;    // the transcript line, compact
  std::string device;    // what the device did
  std::string expected;  // what the model allows
  std::string rule;      // requirement id
  std::string why;       // one sentence
};

struct RegCheckReport {
  std::size_t accesses = 0;
  std::size_t inferred_fatal = 0;  // reads explained only by a fatal error
  std::optional<RegDeviation> deviation;
};

/// Every state reachable from `s` by ticks (and, if allowed, a fatal error).
template <class EE = engine::Machine>
std::vector<engine::State> tick_closure(const engine::Profile& p, const std::vector<engine::State>& in, bool fatal) {
  std::vector<engine::State> out;
  auto add = [&](const engine::State& x) {
    if (std::find(out.begin(), out.end(), x) == out.end()) out.push_back(x);
  };
  const int bound = int{p.init_ticks} + int{p.latency} + int{p.ack_latency} + 2;
  for (const auto& s0 : in) {
    engine::State s = s0;
    for (int i = 0; i <= bound; ++i) {
      add(s);
      if (fatal) add(EE::step(p, s, engine::Event{FatalError{}}).next);
      auto n = EE::step(p, s, engine::Event{Tick{}}).next;
      if (n == s) break;
      s = std::move(n);
    }
  }
  return out;
}

/// Names the rule a CTRL read value breaks, given the states the model allows.
inline std::pair<std::string, std::string> diagnose_ctrl(std::uint32_t v, const std::vector<engine::State>& allowed) {
  const Ctrl c = decode(v);
  if (reserved_bits(v)) return {"EE-T9-RESERVED", "reserved bits 30:20 and 15:6 must read as zero (Table 9)"};
  if (c.done && c.exe)
    return {"EE-T9-EXE", "DONE and EXE both 1: the engine must clear EXE when it sets DONE (Table 9 EXE)"};
  if (c.err && !c.done) return {"EE-T9-ERR", "ERR is non-zero while DONE is 0 (Table 9 ERR)"};
  if (err_class(c.err) == ErrClass::reserved) return {"EE-T10", "ERR 1h..3h is reserved (Table 10)"};
  // The nearest allowed value: the rule of the first differing field.
  // Ties go to the later state (more engine progress) and away from an assumed fatal error.
  const engine::State* best = nullptr;
  int best_d = 99;
  for (const auto& s : allowed) {
    const Ctrl& m = s.ctrl;
    int d = 2 * ((m.rdy != c.rdy) + (m.exe != c.exe) + (m.done != c.done) + (m.cmd != c.cmd) + (m.err != c.err)) +
            (s.phase == engine::Phase::fatal);
    if (d <= best_d) best_d = d, best = &s;
  }
  if (!best) return {"EE-FIG34", "no model state"};
  const Ctrl& m = best->ctrl;
  if (m.rdy != c.rdy) return {"EE-T9-RDY", "RDY differs (Table 9 RDY, Figure 34)"};
  if (m.exe != c.exe || m.done != c.done) {
    if (!m.done && !m.exe && best->phase == engine::Phase::ready && c.done)
      return {"EE-T9-DONE-ACK", "DONE must read 0 once the engine has reset for the next command (Table 9 DONE)"};
    return {"EE-T9-EXE", "EXE/DONE differ from Table 9 EXE's sequencing (Figure 34)"};
  }
  if (m.cmd != c.cmd) {
    if (m.cmd == 0 && best->phase == engine::Phase::ready)
      return {"EE-T9-DONE-ACK", "a KMB write of DONE=1 must clear CMD to 0000b (Table 9 DONE)"};
    return {"EE-FIG34-CMD", "CMD must hold the command written by KMB (Table 9 CMD, Figure 34)"};
  }
  // ERR differs with DONE equal on both sides, and a non-zero ERR read has DONE=1 (checked
  // above): the engine reported another code than the profile's for this outcome
  if (m.err != c.err) return {"EE-T10-PROFILE", "ERR differs from the profile's code for this outcome (Table 10, Table 11)"};
  return {"EE-FIG34", "CTRL differs"};
}

/// Checks a register transcript one access at a time, keeping only the set of engine
/// states consistent with what was seen so far (memory does not grow with the transcript).
template <class EE = engine::Machine>
class AccessChecker {
 public:
  explicit AccessChecker(const engine::Profile& p) : p_(p), cand_{EE::initial(p)} {}
  /// One parsed line (`ln`: its line number, `line`: its JSON, for the report). Ignored
  /// once a deviation was found.
  void feed(std::size_t ln, const Json& line, const std::variant<RegAccess, std::string>& parsed) {
    if (rep.deviation) return;
    const auto& p = p_;
    auto& cand = cand_;
    const std::string text = line.dump();
    if (const auto* ev = std::get_if<std::string>(&parsed)) {
      if (*ev == "power_cycle") {
        cand = {EE::initial(p)};
      } else {
        cand = tick_closure<EE>(p, cand, true);
        const engine::Event e = *ev == "tick" ? engine::Event{Tick{}} : engine::Event{FatalError{}};
        for (auto& s : cand) s = EE::step(p, s, e).next;
      }
      return;
    }
    const auto& a = std::get<RegAccess>(parsed);
    ++rep.accesses;
    if (a.op == kmb::Dir::write) {
      cand = tick_closure<EE>(p, cand, true);
      const engine::Event e = a.reg == Reg::ctrl ? engine::Event{WriteCtrl{a.value.value_or(0)}}
                                                 : engine::Event{WriteReg{a.reg, a.offset, a.data.value_or(Bytes{})}};
      for (auto& s : cand) {
        auto r = EE::step(p, s, e);
        if (r.out.status == "EE_BAD_ACCESS") {
          rep.deviation = outside_register(ln, text, a, "write");
          return;
        }
        s = r.next;
      }
      return;
    }
    // A read: keep the states whose answer matches.
    auto without_fatal = tick_closure<EE>(p, cand, false);
    auto all = tick_closure<EE>(p, cand, true);
    auto answer = [&](const engine::State& s) {
      auto o = EE::step(p, s, engine::Event{ReadReg{a.reg}}).out;
      if (o.data) {  // the bytes this access read: `data` may cover part of the register
        const auto n = a.data.value_or(Bytes{}).size();
        o.data = Bytes(o.data->begin() + a.offset, o.data->begin() + a.offset + static_cast<std::ptrdiff_t>(n));
      }
      return o;
    };
    auto matches = [&](const engine::State& s) {
      auto o = answer(s);
      return a.reg == Reg::ctrl ? o.ctrl == a.value : o.data == a.data;
    };
    if (a.reg != Reg::ctrl && (a.data.value_or(Bytes{}).empty() ||
                               std::size_t{a.offset} + a.data->size() > reg_info(a.reg).size)) {
      rep.deviation = outside_register(ln, text, a, "read");
      return;
    }
    std::vector<engine::State> keep;
    bool plain = false;
    for (const auto& s : without_fatal) plain |= matches(s);
    for (const auto& s : all)
      if (matches(s)) keep.push_back(s);
    if (!keep.empty()) {
      if (!plain) ++rep.inferred_fatal;
      cand = std::move(keep);
      return;
    }
    RegDeviation d{ln, text, "", "", "", ""};
    if (a.reg == Reg::ctrl) {
      std::set<std::uint32_t> vals;
      for (const auto& s : all) vals.insert(*answer(s).ctrl);
      for (auto v : vals) d.expected += (d.expected.empty() ? "" : " or ") + ctrl_hex(v);
      d.device = ctrl_hex(a.value.value_or(0));
      auto [rule, why] = diagnose_ctrl(a.value.value_or(0), all);
      d.rule = rule;
      d.why = why;
    } else {
      d.device = to_hex(a.data.value_or(Bytes{}));
      d.expected = to_hex(answer(all.front()).data.value_or(Bytes{}));
      d.rule = register_rule(a.reg);
      d.why = a.reg == Reg::mek ? "MEK is write-only; a read must not return key material (Table 6, §4.7.1)"
                                : "the register must read back what KMB wrote (RW)";
    }
    rep.deviation = d;
  }
  RegCheckReport rep;

 private:
  /// Table 5: an access of `what` ("read"/"write") that does not fit its register.
  static RegDeviation outside_register(std::size_t ln, const std::string& text, const RegAccess& a, const char* what) {
    return RegDeviation{ln, text,
                        std::string(what) + " of " + std::to_string(a.data.value_or(Bytes{}).size()) + " bytes at offset " +
                            std::to_string(a.offset),
                        std::string(enum_name(a.reg)) + " is " + std::to_string(reg_info(a.reg).size) + " bytes",
                        "EE-T5-MAP", "the access does not fit the register (Table 5)"};
  }
  engine::Profile p_;
  std::vector<engine::State> cand_;
};

template <class EE = engine::Machine>
RegCheckReport check_accesses(const engine::Profile& p, const std::vector<std::pair<std::size_t, Json>>& lines,
                              const std::vector<std::variant<RegAccess, std::string>>& parsed) {
  AccessChecker<EE> c(p);
  for (std::size_t i = 0; i < parsed.size() && !c.rep.deviation; ++i) c.feed(lines[i].first, lines[i].second, parsed[i]);
  return c.rep;
}

/// Parses one register-transcript line: a RegAccess or an event name.
inline Result<std::variant<RegAccess, std::string>> parse_access(const Json& j) {
  using V = std::variant<RegAccess, std::string>;
  if (!j.is_object()) return make_error("expected a JSON object");
  if (auto e = j.find("event"); e != j.end()) {
    if (j.size() != 1) return make_error("an event line has only the field \"event\"");
    if (!e->is_string()) return make_error("event: expected a string");
    const auto n = e->get<std::string>();
    if (n != "power_cycle" && n != "fatal_error" && n != "tick")
      return make_error("event: unknown \"" + n + "\" (expected power_cycle, fatal_error or tick)");
    return V{n};
  }
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "reg" && it.key() != "addr" && it.key() != "op" && it.key() != "value" && it.key() != "data" &&
        it.key() != "offset")
      return make_error("unknown field \"" + it.key() + "\"");
  RegAccess a;
  if (auto ad = j.find("addr"); ad != j.end()) {
    // "addr": the byte offset from OCP_LOCK_MEK_ADDRESS, as a bus log shows it (Table 5).
    if (j.contains("reg") || j.contains("offset")) return make_error("give either \"addr\" or \"reg\"/\"offset\"");
    Result<std::uint32_t> x = ad->is_string() ? parse_ctrl(ad->get<std::string>()) : from_json<std::uint32_t>(*ad);
    if (!x) return make_error("addr: " + x.error().message);
    const auto r = reg_at(*x);
    if (!r)
      return make_error("addr " + ctrl_hex(*x) + ": no register there (Table 5: MEK 00h-3Fh, METD 40h-53h, AUX 60h-7Fh, CTRL 80h-83h)");
    a.reg = *r;
    a.offset = static_cast<std::uint16_t>(*x - reg_info(*r).offset);
  } else {
    auto reg = field<Reg>(j, "reg");
    if (!reg) return reg.error();
    a.reg = *reg;
  }
  auto op = field<kmb::Dir>(j, "op");
  if (!op) return op.error();
  a.op = *op;
  if (auto o = j.find("offset"); o != j.end()) {
    auto off = from_json<std::uint16_t>(*o);
    if (!off) return make_error("offset: " + off.error().message);
    a.offset = *off;
  }
  if (a.reg == Reg::ctrl) {
    if (j.contains("data") || a.offset) return make_error("CTRL is accessed as one 32-bit \"value\" at 80h, not data/offset");
    auto v = j.find("value");
    if (v == j.end()) return make_error("missing field \"value\" (CTRL value, e.g. \"0x80000000\")");
    if (v->is_string()) {
      auto x = parse_ctrl(v->get<std::string>());
      if (!x) return make_error("value: " + x.error().message);
      a.value = *x;
    } else {
      auto x = from_json<std::uint32_t>(*v);
      if (!x) return make_error("value: " + x.error().message);
      a.value = *x;
    }
  } else {
    if (j.contains("value")) return make_error(std::string(enum_name(a.reg)) + " takes \"data\" (hex bytes), not value");
    auto d = j.find("data");
    if (d == j.end() || !d->is_string()) return make_error("missing field \"data\" (hex bytes)");
    auto b = from_hex(d->get<std::string>());
    if (!b) return make_error("data: " + b.error().message);
    a.data = *b;
  }
  return V{a};
}

/// The System's bus operations as register-transcript lines.
inline Json access_json(const kmb::BusOp& op) {
  Json j{{"reg", std::string(enum_name(op.reg))}, {"op", std::string(enum_name(op.op))}};
  if (op.value) j["value"] = ctrl_hex(*op.value);
  if (op.data) j["data"] = to_hex(*op.data);
  return j;
}

}  // namespace lockref::engine::sys
