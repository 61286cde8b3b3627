// KMB's side of the encryption-engine SFR interface (engine/driver.hpp), event by event:
// what each answer of the bus does to the driver, which bus operation comes next, and which
// requirement governs the step. Written for the mutants tools/mutate.py found surviving
// (spec/mutation/report.md, Run Q): no test read the rule of an intermediate step, the
// stale-completion path past its first read, or the clock while idle.
//
// CTRL values are written by hand from Table 9's bit positions (RDY 31, ERR 19:16, CMD 5:2,
// DONE 1, EXE 0); the rule of each step is the requirement whose quoted seed text governs
// it (spec/requirements/engine.json):
//   EE-4.7.2.2-NOT-READY  §4.7.2.2 "KMB firmware will return a LOCK_EE_NOT_READY error
//                         immediately if the encryption engine is not ready"
//   EE-RDY-WINDOW         Table 9 RDY "KMB checks that this bit is set to 1b before issuing
//                         any commands" (re-checked before each write: errata E-EE-RDY-WINDOW)
//   EE-4.7.1.2.4-KMB      §4.7.1.2.4 "The KMB writes CMD and EXE; The KMB waits DONE to be 1;
//                         The KMB writes DONE (DONE: 1b); The KMB waits DONE to be 0"
//   EE-T9-EXE             Table 9 EXE "When this bit is set from 0b to 1b by KMB, the
//                         encryption engine shall execute the command specified in the CMD field"
//   EE-T57-ENGINE-CODE    Table 57 "LOCK_ENGINE_CODE + u16 0x4443_xxxx"
//   EE-4.7.2.2-TIMEOUT    §4.7.2.2 "If this timeout is exceeded, KMB aborts the command and
//                         reports a LOCK ENGINE TIMEOUT result code"
//   EE-KMB-STALE          the same sentence's consequence: a completion KMB abandoned is
//                         acknowledged before the next command (model choice)
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "lockref/engine/driver.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::engine;
using kmb::Driver;
using kmb::Phase;

namespace {
constexpr std::uint32_t ready_idle = 0x80000000u;  // RDY
constexpr std::uint32_t busy_load = 0x80000005u;   // RDY, CMD=1h (load), EXE
constexpr std::uint32_t done_ok = 0x80000006u;     // RDY, CMD=1h, DONE, ERR=0
constexpr std::uint32_t done_err6 = 0x80060006u;   // RDY, ERR=6h, CMD=1h, DONE
constexpr std::uint32_t not_ready = 0x00000000u;
constexpr std::uint32_t lenr = 0x4C454E52u;  // Table 57 LOCK_EE_NOT_READY "LENR"
constexpr std::uint32_t leto = 0x4C45544Fu;  // Table 57 LOCK_ENGINE_TIMEOUT "LETO"

kmb::Event rd(std::uint32_t v) { return kmb::CtrlRead{v}; }
const kmb::Event written = kmb::Written{};
const kmb::Event tick = kmb::Clock{};

/// What one step must show: status, rule, the phase after it, the next bus operation
/// ("read", "write CTRL 0x...", "write METD", ... or "none") and, when the command ends,
/// its result and Table 57 value.
struct Want {
  std::string rule;
  Phase phase;
  std::string next;
  std::optional<std::string> result = std::nullopt;
  std::optional<std::uint32_t> code = std::nullopt;
  std::string status = "ok";
};

std::string describe(const std::optional<kmb::BusOp>& op) {
  if (!op) return "none";
  if (op->op == kmb::Dir::read) return "read " + std::string(enum_name(op->reg));
  std::string s = "write " + std::string(enum_name(op->reg));
  if (op->value) s += " " + ctrl_hex(*op->value);
  return s;
}

struct Walk {
  kmb::Profile p;
  kmb::State s;
  explicit Walk(kmb::Profile q = {}) : p(q), s(Driver::initial(q)) {}
  void step(const kmb::Event& e, const Want& w) {
    const auto st = Driver::step(p, s, e);
    CHECK(st.out.status == w.status);
    CHECK(st.out.rule == w.rule);
    CHECK(st.next.phase == w.phase);
    CHECK(describe(st.out.op) == w.next);
    CHECK(st.out.result == w.result);
    CHECK(st.out.result_code == w.code);
    s = st.next;
  }
};

Metd metd1() {
  Metd m{};
  m[0] = 1;
  return m;
}
Mek key1() {
  Mek k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(i + 1);
  return k;
}
}  // namespace

TEST_CASE("kmb-driver: a LOAD_MEK step by step, RDY re-checked before each write (Figure 35, §4.7.1.2.4)") {
  Walk w;  // defaults: CMD and EXE in one write, RDY re-checked before every write
  w.step(kmb::Issue{kmb::load_mek(metd1(), {}, key1(), 100)}, {"EE-4.7.2.2-NOT-READY", Phase::check_ready, "read CTRL"});
  CHECK(Driver::observe(w.p, w.s).busy);
  w.step(rd(ready_idle), {"EE-4.7.2.2-NOT-READY", Phase::write_metd, "read CTRL"});
  // Figure 35 [001]: METD, AUX, MEK, each after its RDY read
  w.step(rd(ready_idle), {"EE-RDY-WINDOW", Phase::write_metd, "write METD"});
  CHECK(w.s.guarded);
  w.step(written, {"EE-4.7.1.2.4-KMB", Phase::write_aux, "read CTRL"});
  CHECK_FALSE(w.s.guarded);
  w.step(rd(ready_idle), {"EE-RDY-WINDOW", Phase::write_aux, "write AUX"});
  w.step(written, {"EE-4.7.1.2.4-KMB", Phase::write_mek, "read CTRL"});
  w.step(rd(ready_idle), {"EE-RDY-WINDOW", Phase::write_mek, "write MEK"});
  w.step(written, {"EE-4.7.1.2.4-KMB", Phase::write_exe, "read CTRL"});
  // [002] CMD=1h (load) with EXE: 0x00000005
  w.step(rd(ready_idle), {"EE-RDY-WINDOW", Phase::write_exe, "write CTRL 0x00000005"});
  w.step(written, {"EE-T9-EXE", Phase::wait_done, "read CTRL"});
  // "The KMB waits DONE to be 1"
  w.step(rd(busy_load), {"EE-4.7.1.2.4-KMB", Phase::wait_done, "read CTRL"});
  w.step(rd(done_ok), {"EE-4.7.1.2.4-KMB", Phase::ack, "read CTRL"});
  // [009] "The KMB writes DONE (DONE: 1b)": 0x00000002, after its RDY read
  w.step(rd(done_ok), {"EE-RDY-WINDOW", Phase::ack, "write CTRL 0x00000002"});
  w.step(written, {"EE-4.7.1.2.4-KMB", Phase::wait_clear, "read CTRL"});
  // [010] "The KMB waits DONE to be 0"
  w.step(rd(done_ok), {"EE-4.7.1.2.4-KMB", Phase::wait_clear, "read CTRL"});
  w.step(rd(ready_idle), {"EE-4.7.1.2.4-KMB", Phase::idle, "none", "ok", 0u});
  CHECK(w.s == Driver::initial(w.p));
  CHECK_FALSE(Driver::observe(w.p, w.s).busy);
  // the driver's one observed field, busy, is governed by the §4.7.1.2.4 sequence
  CHECK(Driver::view_requirement("busy") == "EE-4.7.1.2.4-KMB");
}

TEST_CASE("kmb-driver: an engine ERR comes back as LOCK_ENGINE_CODE + ERR on the profile's base (Table 57)") {
  for (const std::uint32_t base : {0x44430000u, 0x45430000u}) {  // as printed ("DC"), and "EC" (E-LOCK-T57-ENGINE-CODE)
    kmb::Profile p;
    p.recheck_rdy = false;
    p.engine_code_base = base;
    REQUIRE(Driver::validate(p));
    Walk w(p);
    w.step(kmb::Issue{kmb::unload_mek(metd1(), 100)}, {"EE-4.7.2.2-NOT-READY", Phase::check_ready, "read CTRL"});
    w.step(rd(ready_idle), {"EE-4.7.2.2-NOT-READY", Phase::write_metd, "write METD"});
    // UNLOAD (CMD=2h) with EXE: 0x00000009
    w.step(written, {"EE-4.7.1.2.4-KMB", Phase::write_exe, "write CTRL 0x00000009"});
    w.step(written, {"EE-T9-EXE", Phase::wait_done, "read CTRL"});
    w.step(rd(0x8006000Au), {"EE-4.7.1.2.4-KMB", Phase::ack, "write CTRL 0x00000002"});  // DONE, ERR=6h
    CHECK(w.s.err == 6);
    w.step(written, {"EE-4.7.1.2.4-KMB", Phase::wait_clear, "read CTRL"});
    w.step(rd(ready_idle), {"EE-T57-ENGINE-CODE", Phase::idle, "none", "LOCK_ENGINE_CODE", base | 6u});
  }
  // the low 16 bits carry the engine's code, so a base with any of them set is refused
  for (const std::uint32_t bad : {0x44430001u, 0x44438000u, 0x4443FFFFu}) {
    kmb::Profile p;
    p.engine_code_base = bad;
    CHECK_FALSE(Driver::validate(p));
  }
}

TEST_CASE("kmb-driver: RDY=0 ends the command with LOCK_EE_NOT_READY, at the first check or before a write (§4.7.2.2)") {
  Walk w;
  w.step(kmb::Issue{kmb::clear_key_cache(10)}, {"EE-4.7.2.2-NOT-READY", Phase::check_ready, "read CTRL"});
  w.step(rd(not_ready), {"EE-4.7.2.2-NOT-READY", Phase::idle, "none", "LOCK_EE_NOT_READY", lenr});
  // RDY gone before the CTRL write (E-EE-RDY-WINDOW)
  Walk v;
  v.step(kmb::Issue{kmb::clear_key_cache(10)}, {"EE-4.7.2.2-NOT-READY", Phase::check_ready, "read CTRL"});
  v.step(rd(ready_idle), {"EE-4.7.2.2-NOT-READY", Phase::write_exe, "read CTRL"});
  v.step(rd(not_ready), {"EE-RDY-WINDOW", Phase::idle, "none", "LOCK_EE_NOT_READY", lenr});
  CHECK_FALSE(v.s.abandoned);
  // an engine still executing a command (EXE=1) is not ready either (model choice)
  Walk x;
  x.step(kmb::Issue{kmb::clear_key_cache(10)}, {"EE-4.7.2.2-NOT-READY", Phase::check_ready, "read CTRL"});
  x.step(rd(busy_load), {"EE-KMB-STALE", Phase::idle, "none", "LOCK_EE_NOT_READY", lenr});
}

TEST_CASE("kmb-driver: a posted completion is acknowledged, and DONE=0 awaited, before the command's writes") {
  kmb::Profile p;
  p.recheck_rdy = false;
  Walk w(p);
  w.step(kmb::Issue{kmb::clear_key_cache(10)}, {"EE-4.7.2.2-NOT-READY", Phase::check_ready, "read CTRL"});
  w.step(rd(done_ok), {"EE-KMB-STALE", Phase::stale_ack, "write CTRL 0x00000002"});
  w.step(written, {"EE-4.7.1.2.4-KMB", Phase::stale_wait, "read CTRL"});
  w.step(rd(done_ok), {"EE-KMB-STALE", Phase::stale_wait, "read CTRL"});  // DONE still 1: wait
  // then the command itself: CLEAR_KEY_CACHE is CMD=3h (zeroize) with EXE, 0x0000000D
  w.step(rd(ready_idle), {"EE-KMB-STALE", Phase::write_exe, "write CTRL 0x0000000d"});
  w.step(written, {"EE-T9-EXE", Phase::wait_done, "read CTRL"});
  // RDY lost while waiting for DONE=0 of the stale completion: not ready
  Walk v(p);
  v.step(kmb::Issue{kmb::clear_key_cache(10)}, {"EE-4.7.2.2-NOT-READY", Phase::check_ready, "read CTRL"});
  v.step(rd(done_err6), {"EE-KMB-STALE", Phase::stale_ack, "write CTRL 0x00000002"});
  v.step(written, {"EE-4.7.1.2.4-KMB", Phase::stale_wait, "read CTRL"});
  v.step(rd(not_ready), {"EE-4.7.2.2-NOT-READY", Phase::idle, "none", "LOCK_EE_NOT_READY", lenr});
  // with the RDY re-check the acknowledgement is a write like any other
  Walk g;
  g.step(kmb::Issue{kmb::clear_key_cache(10)}, {"EE-4.7.2.2-NOT-READY", Phase::check_ready, "read CTRL"});
  g.step(rd(done_ok), {"EE-KMB-STALE", Phase::stale_ack, "read CTRL"});
  g.step(rd(done_ok), {"EE-RDY-WINDOW", Phase::stale_ack, "write CTRL 0x00000002"});
}

TEST_CASE("kmb-driver: cmd_timeout counts milliseconds from the issue; the clock does nothing while idle (§4.7.2.2)") {
  Walk w;
  w.step(tick, {"EE-4.7.2.2-TIMEOUT", Phase::idle, "none"});
  CHECK(w.s == Driver::initial(w.p));
  // a timeout of 2 ms: the third millisecond exceeds it, before CTRL was written
  w.step(kmb::Issue{kmb::clear_key_cache(2)}, {"EE-4.7.2.2-NOT-READY", Phase::check_ready, "read CTRL"});
  w.step(tick, {"EE-4.7.2.2-TIMEOUT", Phase::check_ready, "read CTRL"});
  w.step(tick, {"EE-4.7.2.2-TIMEOUT", Phase::check_ready, "read CTRL"});
  CHECK(w.s.elapsed == 2);
  w.step(tick, {"EE-4.7.2.2-TIMEOUT", Phase::idle, "none", "LOCK_ENGINE_TIMEOUT", leto});
  CHECK_FALSE(w.s.abandoned);  // nothing reached the engine
  // after CTRL was written the engine may still complete: the command is abandoned, and
  // stays so through the next issue until its completion is acknowledged
  kmb::Profile p;
  p.recheck_rdy = false;
  Walk a(p);
  a.step(kmb::Issue{kmb::clear_key_cache(1)}, {"EE-4.7.2.2-NOT-READY", Phase::check_ready, "read CTRL"});
  a.step(rd(ready_idle), {"EE-4.7.2.2-NOT-READY", Phase::write_exe, "write CTRL 0x0000000d"});
  a.step(written, {"EE-T9-EXE", Phase::wait_done, "read CTRL"});
  a.step(tick, {"EE-4.7.2.2-TIMEOUT", Phase::wait_done, "read CTRL"});
  a.step(tick, {"EE-4.7.2.2-TIMEOUT", Phase::idle, "none", "LOCK_ENGINE_TIMEOUT", leto});
  CHECK(a.s.abandoned);
  a.step(kmb::Issue{kmb::clear_key_cache(1)}, {"EE-4.7.2.2-NOT-READY", Phase::check_ready, "read CTRL"});
  CHECK(a.s.abandoned);
}

TEST_CASE("kmb-driver: a write the driver has not guarded with a RDY read is out of sequence") {
  Walk w;
  w.step(kmb::Issue{kmb::clear_key_cache(10)}, {"EE-4.7.2.2-NOT-READY", Phase::check_ready, "read CTRL"});
  w.step(rd(ready_idle), {"EE-4.7.2.2-NOT-READY", Phase::write_exe, "read CTRL"});
  const auto before = w.s;
  w.step(written, {"EE-4.7.1.2.4-KMB", Phase::write_exe, "read CTRL", std::nullopt, std::nullopt, "KMB_UNEXPECTED_EVENT"});
  CHECK(w.s == before);
}

}  // namespace LOCKREF_UNITY_ID
