// The KMB driver and the encryption engine composed (engine/system.hpp), and the
// register-transcript checker (`lockref check` for machine "engine-regs"): what the other
// tests left open and tools/mutate.py found surviving (spec/mutation/report.md, Run Q): the
// transcript line format's refusals, the rule a CTRL deviation names, the report's fields,
// and the composed machine's answers when KMB has nothing to do.
//
// CTRL values are written by hand from Table 9's bit positions (RDY 31, ERR 19:16, CMD 5:2,
// DONE 1, EXE 0); the transcript format is the README's ("engine-regs" transcripts).
#include <doctest/doctest.h>

#include <string>

#include "lockref/engine/system.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::engine;
using namespace lockref::engine::sys;

namespace {
std::string parse_error(const Json& j) {
  auto r = parse_access(j);
  return r ? std::string() : r.error().message;
}
bool starts(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

engine::State at(engine::Phase ph, Ctrl c) {
  engine::State s;
  s.phase = ph;
  s.ctrl = c;
  return s;
}
// Ctrl{rdy, err, cmd, done, exe}
const Ctrl ready{true, 0, 0, false, false};

RegCheckReport check(const std::vector<Json>& lines, const engine::Profile& p = strict()) {
  std::vector<std::pair<std::size_t, Json>> numbered;
  std::vector<std::variant<RegAccess, std::string>> parsed;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    numbered.emplace_back(i + 1, lines[i]);
    auto a = parse_access(lines[i]);
    REQUIRE_MESSAGE(a, lines[i].dump());
    parsed.push_back(*a);
  }
  return check_accesses(p, numbered, parsed);
}
Json ctrl_line(const char* op, const char* v) { return Json{{"reg", "CTRL"}, {"op", op}, {"value", v}}; }
Json data_line(const char* reg, const char* op, const std::string& hex) { return Json{{"reg", reg}, {"op", op}, {"data", hex}}; }
}  // namespace

TEST_CASE("engine-regs: a transcript line is an access or an event, and anything else is refused with the reason") {
  CHECK(parse_error(Json::array({1})) == "expected a JSON object");
  CHECK(parse_error(Json{{"event", 5}}) == "event: expected a string");
  CHECK(parse_error(Json{{"event", "reboot"}}) == "event: unknown \"reboot\" (expected power_cycle, fatal_error or tick)");
  for (const char* ev : {"power_cycle", "fatal_error", "tick"}) {
    auto e = parse_access(Json{{"event", ev}});
    REQUIRE_MESSAGE(e, ev);
    CHECK(std::get<std::string>(*e) == ev);
  }
  CHECK(parse_error(Json{{"reg", "CTRL"}, {"op", "read"}, {"value", "0x80000000"}, {"width", 4}}) == "unknown field \"width\"");
  // "addr" is the offset from OCP_LOCK_MEK_ADDRESS (Table 5); it excludes "reg" and "offset"
  CHECK(parse_error(Json{{"addr", "0x80"}, {"reg", "CTRL"}, {"op", "read"}, {"value", "0x0"}}) ==
        "give either \"addr\" or \"reg\"/\"offset\"");
  CHECK(parse_error(Json{{"addr", "0x40"}, {"offset", 0}, {"op", "write"}, {"data", "00"}}) ==
        "give either \"addr\" or \"reg\"/\"offset\"");
  CHECK(starts(parse_error(Json{{"addr", "0xzz"}, {"op", "write"}, {"data", "00"}}), "addr: "));
  CHECK(parse_error(Json{{"op", "read"}, {"value", "0x0"}}) == "missing field \"reg\"");
  CHECK(starts(parse_error(Json{{"reg", "METD"}, {"op", "write"}, {"data", "00"}, {"offset", "two"}}), "offset: "));
  CHECK(parse_error(Json{{"reg", "CTRL"}, {"op", "read"}}) == "missing field \"value\" (CTRL value, e.g. \"0x80000000\")");
  CHECK(starts(parse_error(Json{{"reg", "CTRL"}, {"op", "read"}, {"value", "0x8000000g"}}), "value: "));
  CHECK(starts(parse_error(Json{{"reg", "CTRL"}, {"op", "read"}, {"value", -1}}), "value: "));
  CHECK(parse_error(Json{{"reg", "METD"}, {"op", "write"}, {"value", "0x1"}}) == "METD takes \"data\" (hex bytes), not value");
  CHECK(parse_error(Json{{"reg", "AUX"}, {"op", "write"}}) == "missing field \"data\" (hex bytes)");
  CHECK(parse_error(Json{{"reg", "AUX"}, {"op", "write"}, {"data", 7}}) == "missing field \"data\" (hex bytes)");
  CHECK(starts(parse_error(Json{{"reg", "AUX"}, {"op", "write"}, {"data", "0"}}), "data: "));
  // the accepted forms, read back field by field
  auto n = parse_access(Json{{"reg", "CTRL"}, {"op", "write"}, {"value", 5}});
  REQUIRE(n);
  const auto& w = std::get<RegAccess>(*n);
  CHECK(w.reg == Reg::ctrl);
  CHECK(w.op == kmb::Dir::write);
  CHECK(w.value == 5u);
  auto d = parse_access(Json{{"addr", "0x52"}, {"op", "read"}, {"data", "0a0b"}});  // METD at 40h: offset 12h
  REQUIRE(d);
  const auto& r = std::get<RegAccess>(*d);
  CHECK(r.reg == Reg::metd);
  CHECK(r.offset == 0x12);
  CHECK(r.data == Bytes{0x0A, 0x0B});
  auto o = parse_access(Json{{"reg", "AUX"}, {"op", "write"}, {"data", "ff"}, {"offset", 31}});
  REQUIRE(o);
  CHECK(std::get<RegAccess>(*o).offset == 31);
}

TEST_CASE("engine-regs: a CTRL value the model does not allow names the Table 9 rule of its first differing field") {
  // fields alone: reserved bits, DONE with EXE, ERR without DONE, a reserved ERR (Table 10)
  CHECK(diagnose_ctrl(0x80000003u, {at(engine::Phase::ready, ready)}).first == "EE-T9-EXE");
  CHECK(diagnose_ctrl(0x80060000u, {at(engine::Phase::ready, ready)}).first == "EE-T9-ERR");
  CHECK(diagnose_ctrl(0x80010006u, {at(engine::Phase::done, Ctrl{true, 0, 1, true, false})}).first == "EE-T10");
  CHECK(diagnose_ctrl(0x80000000u, {}).first == "EE-FIG34");
  CHECK(diagnose_ctrl(0x80000000u, {}).second == "no model state");
  // against the nearest allowed state
  CHECK(diagnose_ctrl(0x00000000u, {at(engine::Phase::ready, ready)}).first == "EE-T9-RDY");
  // DONE still 1 once the engine is ready again (Table 9 DONE: the DONE=1 write clears it)
  CHECK(diagnose_ctrl(0x80000002u, {at(engine::Phase::ready, ready)}).first == "EE-T9-DONE-ACK");
  // DONE or EXE out of step with a busy or resetting engine: EXE's sequencing
  CHECK(diagnose_ctrl(0x80000004u, {at(engine::Phase::executing, Ctrl{true, 0, 1, false, true})}).first == "EE-T9-EXE");
  CHECK(diagnose_ctrl(0x80000002u, {at(engine::Phase::resetting, ready)}).first == "EE-T9-EXE");
  // CMD: cleared by the acknowledgement (ready, CMD 0), otherwise the command KMB wrote
  CHECK(diagnose_ctrl(0x80000004u, {at(engine::Phase::ready, ready)}).first == "EE-T9-DONE-ACK");
  CHECK(diagnose_ctrl(0x80000004u, {at(engine::Phase::ready, Ctrl{true, 0, 2, false, false})}).first == "EE-FIG34-CMD");
  CHECK(diagnose_ctrl(0x80000004u, {at(engine::Phase::resetting, ready)}).first == "EE-FIG34-CMD");
  // ERR: another code than the profile's for the outcome (Table 10, Table 11)
  CHECK(diagnose_ctrl(0x800C0006u, {at(engine::Phase::done, Ctrl{true, 6, 1, true, false})}).first == "EE-T10-PROFILE");
  CHECK(diagnose_ctrl(0x80060006u, {at(engine::Phase::done, Ctrl{true, 0, 1, true, false})}).first == "EE-T10-PROFILE");
  // no field differs
  CHECK(diagnose_ctrl(0x80000000u, {at(engine::Phase::ready, ready)}).first == "EE-FIG34");
}

TEST_CASE("engine-regs: a deviation reports the access, what the device did, what the model allows, rule and reason") {
  // strict engine (Figure 34): RDY after its first tick; written data reads back (RW)
  const std::string metd(40, '0');
  const std::string metd1 = "01" + std::string(38, '0');
  auto r = check({ctrl_line("read", "0x80000000"), data_line("METD", "write", metd1), data_line("METD", "read", metd)});
  REQUIRE(r.deviation);
  CHECK(r.deviation->line == 3);
  CHECK(r.deviation->device == metd);
  CHECK(r.deviation->expected == metd1);
  CHECK(r.deviation->rule == "EE-T7-METD");
  CHECK(r.deviation->why == "the register must read back what KMB wrote (RW)");
  r = check({data_line("AUX", "write", std::string(64, 'a')), data_line("AUX", "read", std::string(64, 'b'))});
  REQUIRE(r.deviation);
  CHECK(r.deviation->rule == "EE-T8-AUX");
  CHECK(r.deviation->expected == std::string(64, 'a'));
  // MEK is write-only (Table 6): it reads as zeros
  r = check({data_line("MEK", "write", std::string(128, '1')), data_line("MEK", "read", std::string(128, '1'))});
  REQUIRE(r.deviation);
  CHECK(r.deviation->rule == "EE-T6-MEK");
  CHECK(r.deviation->expected == std::string(128, '0'));
  CHECK(r.deviation->why == "MEK is write-only; a read must not return key material (Table 6, §4.7.1)");
  // CTRL: every value the model allows there, and the rule's reason
  r = check({ctrl_line("read", "0x80000000"), ctrl_line("read", "0x80000001")});
  REQUIRE(r.deviation);
  CHECK(r.deviation->line == 2);
  CHECK(r.deviation->device == "0x80000001");
  CHECK(r.deviation->expected == "0x00000000 or 0x80000000");  // a fatal error (RDY "may" drop) or not
  CHECK(r.deviation->rule == "EE-T9-EXE");
  CHECK(r.deviation->why == "EXE/DONE differ from Table 9 EXE's sequencing (Figure 34)");
  // an access outside its register
  r = check({Json{{"reg", "METD"}, {"op", "write"}, {"data", "0000"}, {"offset", 19}}});
  REQUIRE(r.deviation);
  CHECK(r.deviation->device == "write of 2 bytes at offset 19");
  CHECK(r.deviation->expected == "METD is 20 bytes");
  CHECK(r.deviation->rule == "EE-T5-MAP");
}

TEST_CASE("engine-regs: reads explained only by a fatal error are counted; the first deviation stays the report") {
  auto r = check({ctrl_line("read", "0x80000000"), ctrl_line("read", "0x80000000")});
  CHECK_FALSE(r.deviation);
  CHECK(r.inferred_fatal == 0);
  CHECK(r.accesses == 2);
  r = check({ctrl_line("read", "0x80000000"), ctrl_line("read", "0x00000000"), ctrl_line("read", "0x00000000")});
  CHECK_FALSE(r.deviation);
  CHECK(r.inferred_fatal == 1);  // the second read needs the fatal error; the third follows from it
  // a fatal error may land before a write (Table 9 RDY), which the engine then ignores: CMD
  // stays 0 (Figure 34 "fatal error drops RDY and keeps CMD")
  r = check({ctrl_line("read", "0x80000000"), ctrl_line("write", "0x0000000d"), ctrl_line("read", "0x00000000")});
  CHECK_FALSE(r.deviation);
  // (a fatal error placed before a write is not in inferred_fatal, which counts the reads
  // that need one in the gap just before them: RegCheckReport::inferred_fatal)
  // an event line is one more tick or fault among the ticks and the fault that may come
  // between any two lines: here the engine is resetting after the DONE=1 write (0x8000000e,
  // Figure 34 "resets for next command"), and a fatal error may land before the tick (CMD kept:
  // 0x0000000c) or after the engine is ready again (CMD cleared: 0x00000000)
  const std::vector<Json> zeroize = {ctrl_line("read", "0x80000000"), ctrl_line("write", "0x0000000d"),
                                     ctrl_line("read", "0x8000000d"), ctrl_line("read", "0x8000000e"),
                                     ctrl_line("write", "0x00000002"), ctrl_line("read", "0x8000000e")};
  for (const char* ev : {"tick", "fatal_error"})
    for (const char* v : {"0x0000000c", "0x00000000"}) {
      auto t = zeroize;
      t.push_back(Json{{"event", ev}});
      t.push_back(ctrl_line("read", v));
      const std::string what = std::string(ev) + " then " + v;
      INFO(what);
      CHECK_FALSE(check(t).deviation);
    }
  // fed line by line, the checker keeps the first deviation and ignores the rest
  AccessChecker<> c(strict());
  const std::vector<Json> lines = {ctrl_line("read", "0x80000001"), data_line("MEK", "read", std::string(128, '1'))};
  for (std::size_t i = 0; i < lines.size(); ++i) c.feed(i + 1, lines[i], *parse_access(lines[i]));
  REQUIRE(c.rep.deviation);
  CHECK(c.rep.deviation->line == 1);
  CHECK(c.rep.accesses == 1);
}

TEST_CASE("engine-system: KMB idle, a refused issue, and a run that does not finish") {
  sys::Profile p;
  auto s = System::initial(p);
  CHECK_FALSE(System::observe(p, s).kmb_busy);
  // KMB with no command has no bus operation to perform
  auto idle = System::step(p, s, sys::Event{KmbStep{}});
  CHECK(idle.out.status == "KMB_IDLE");
  CHECK(idle.out.rule == "EE-4.7.1.2.4-KMB");
  CHECK(idle.next == s);
  // one command at a time: a second issue is refused with the driver's answer, state unchanged
  s = System::step(p, s, sys::Event{EngineTick{}}).next;  // RDY
  s = System::step(p, s, sys::Event{KmbIssue{kmb::clear_key_cache(100)}}).next;
  CHECK(System::observe(p, s).kmb_busy);
  auto again = System::step(p, s, sys::Event{KmbIssue{kmb::clear_key_cache(100)}});
  CHECK(again.out.status == "KMB_BUSY");
  CHECK(again.out.rule == "EE-4.7.1.2.4-KMB");
  CHECK(again.next == s);
  // run_command: a refused issue is the result; a run cut short is KMB_STUCK with the state reached
  const auto busy = run_command(p, s, kmb::clear_key_cache(100));
  CHECK(busy.result == "KMB_BUSY");
  CHECK(busy.rounds == 0);
  auto fresh = System::step(p, System::initial(p), sys::Event{EngineTick{}}).next;
  const auto cut = run_command(p, fresh, kmb::clear_key_cache(100), 2);
  CHECK(cut.result == "KMB_STUCK");
  CHECK(cut.rounds == 2);
  CHECK(cut.state.kmb.phase == kmb::Phase::wait_done);  // RDY read, CTRL written (RDY re-checked), DONE awaited
  CHECK(cut.state.engine.ctrl.cmd == 3);
  // the step that ends a command reports the rule of the driver's last step: here the RDY
  // check of an engine not yet initialised (§4.7.2.2 LOCK_EE_NOT_READY)
  auto st = System::step(p, System::initial(p), sys::Event{KmbIssue{kmb::clear_key_cache(100)}}).next;
  const auto nr = System::step(p, st, sys::Event{KmbStep{}});
  REQUIRE(nr.out.result);
  CHECK(*nr.out.result == "LOCK_EE_NOT_READY");
  CHECK(nr.out.rule == "EE-4.7.2.2-NOT-READY");
  CHECK(nr.out.result_code == 0x4C454E52u);  // "LENR"
}

}  // namespace LOCKREF_UNITY_ID
