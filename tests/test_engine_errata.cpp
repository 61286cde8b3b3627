// Errata of seed 001 (OCP L.O.C.K. 0.9) §4.7.1 / §4.7.2.2 / Table 57 found while modelling
// the encryption-engine interface (spec/errata.md, "encryption engine"). Each test shows
// the problem and what lockref does about it.
#include <doctest/doctest.h>

#include "lockref/engine/system.hpp"
#include "lockref/lock/result_codes.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::engine;
using namespace lockref::engine::sys;

namespace {
using EEv = engine::Event;
engine::State ee_run(const engine::Profile& p, const std::vector<EEv>& evs, engine::State s) {
  for (const auto& e : evs) s = engine::Machine::step(p, s, e).next;
  return s;
}
engine::State ee_ready(const engine::Profile& p) { return ee_run(p, {Tick{}}, engine::Machine::initial(p)); }
EEv wc(std::uint32_t v) { return EEv{std::in_place_type<WriteCtrl>, WriteCtrl{v}}; }
EEv wr(Reg r, Bytes b) { return EEv{std::in_place_type<WriteReg>, WriteReg{r, 0, std::move(b)}}; }
Bytes key_bytes() {
  Bytes b(64);
  for (std::size_t i = 0; i < 64; ++i) b[i] = static_cast<std::uint8_t>(i + 1);
  return b;
}
Metd metd_of(std::uint8_t t) {
  Metd m{};
  m[0] = t;
  return m;
}
Mek mek_of() {
  Mek k{};
  for (std::size_t i = 0; i < 64; ++i) k[i] = static_cast<std::uint8_t>(i + 1);
  return k;
}
sys::State sys_ready(const sys::Profile& p) {
  return System::step(p, System::initial(p), sys::Event{EngineTick{}}).next;
}
}  // namespace

TEST_CASE("errata: E-LOCK-T57-ENGINE-CODE value spells DC, not EC") {
  const auto c = lock::result_code("LOCK_ENGINE_CODE");
  REQUIRE(c.has_value());
  CHECK(c->value == 0x44430000u);  // as Table 57 prints it: 0x4443_xxxx
  CHECK(c->mnemonic == "ECxx");
  const auto four = lock::fourcc(c->value);
  CHECK(four[0] == 'D');  // 0x44
  CHECK(four[1] == 'C');  // 0x43
  CHECK(lock::fourcc(0x45430000u)[0] == 'E');  // what "ECxx" would be
  // Every other Table 57 value spells its mnemonic.
  for (const auto& r : lock::table57) {
    if (r.name == "LOCK_ENGINE_CODE") continue;
    const auto f = lock::fourcc(r.value);
    CHECK(std::string(f.begin(), f.end()) == r.mnemonic);
  }
  // The driver uses the printed value by default; the mnemonic's value is a profile choice.
  sys::Profile p;
  auto run = run_command(p, sys_ready(p), kmb::unload_mek(metd_of(9), 50));
  CHECK(run.result == "LOCK_ENGINE_CODE");
  CHECK(run.result_code == 0x44430006u);
  p.kmb.engine_code_base = 0x45430000u;
  run = run_command(p, sys_ready(p), kmb::unload_mek(metd_of(9), 50));
  CHECK(run.result_code == 0x45430006u);
  p.kmb.engine_code_base = 0x45430001u;
  CHECK_FALSE(System::validate(p).ok());
}

TEST_CASE("errata: E-EE-T5-UNALLOCATED literal range overlaps AUX at 60h") {
  // §4.7.1.2: "offsets OCP_LOCK_MEK_ADDRESS + OCP_LOCK_MEK_LENGTH + 14h..20h (inclusive) are
  // intentionally unallocated", with OCP_LOCK_MEK_LENGTH = 40h: 54h..60h inclusive.
  CHECK(unallocated_literal.first == 0x54);
  CHECK(unallocated_literal.last == 0x60);
  // Table 5 / Table 8 put AUX at OCP_LOCK_MEK_ADDRESS + 60h: its first byte is "unallocated".
  CHECK(reg_at(unallocated_literal.last) == Reg::aux);
  CHECK(reg_info(Reg::aux).offset == unallocated_literal.last);
  // The gap Table 5 leaves between METD (40h + 14h bytes) and AUX is 54h..5Fh, i.e.
  // MEK_LENGTH + 14h..1Fh: "20h" should be "1Fh" (or "20h exclusive").
  CHECK(unallocated_table5.first == 0x54);
  CHECK(unallocated_table5.last == 0x5F);
  for (std::uint32_t off = unallocated_table5.first; off <= unallocated_table5.last; ++off) CHECK_FALSE(reg_at(off));
  // lockref follows Table 5: a write to AUX at offset 0 (absolute 60h) is accepted.
  const auto p = engine::strict();
  auto r = engine::Machine::step(p, ee_ready(p), wr(Reg::aux, Bytes{0x5A}));
  CHECK(r.out.is_ok());
  CHECK(r.next.aux[0] == 0x5A);
}

TEST_CASE("errata: E-EE-FIG34-EXE-ONLY a separate EXE write must repeat CMD") {
  // Figure 34: "KMB writes CMD=[code]" then "KMB writes EXE=1". CTRL is one 32-bit RW
  // register, so a write of EXE alone (0x00000001) also writes CMD=0h (reserved, Table 11).
  auto strict = engine::strict();
  auto s = ee_run(strict, {wr(Reg::metd, Bytes(20, 1)), wr(Reg::mek, key_bytes()), wc(0x4), wc(0x1), Tick{}},
                  ee_ready(strict));
  CHECK(s.ctrl.done);
  CHECK(s.ctrl.cmd == 0);
  CHECK(s.ctrl.err == strict.err_reserved_cmd);
  CHECK(s.cache.empty());
  // Profile choice exe_write_keeps_cmd (lenient): the EXE-only write runs the CMD written before.
  auto lenient = engine::lenient();
  s = ee_run(lenient, {wr(Reg::metd, Bytes(20, 1)), wr(Reg::mek, key_bytes()), wc(0x4), wc(0x1), Tick{}, Tick{}, Tick{}},
             ee_ready(lenient));
  CHECK(s.ctrl.done);
  CHECK(s.ctrl.cmd == 1);
  CHECK(s.ctrl.err == 0);
  CHECK(s.cache.size() == 1);
  // Both accept the read-modify-write form (0x4 then 0x5).
  s = ee_run(strict, {wr(Reg::metd, Bytes(20, 1)), wr(Reg::mek, key_bytes()), wc(0x4), wc(0x5), Tick{}}, ee_ready(strict));
  CHECK(s.ctrl.err == 0);
  CHECK(s.cache.size() == 1);
}

TEST_CASE("errata: E-EE-T9-DONE-WHILE-BUSY abort or ignore") {
  // Table 9: a KMB write of DONE=1 "shall" clear DONE, EXE, ERR and CMD, with no exception
  // for a busy engine; §4.7.1.2.4 leaves unexpected flows to vendors.
  auto p = engine::strict();
  p.latency = 3;
  auto busy = ee_run(p, {wr(Reg::metd, Bytes(20, 1)), wr(Reg::mek, key_bytes()), wc(0x5)}, ee_ready(p));
  REQUIRE(busy.ctrl.exe);
  // strict (literal Table 9): the command is aborted and has no effect.
  auto s = ee_run(p, {wc(0x2), Tick{}, Tick{}, Tick{}}, busy);
  CHECK(encode(s.ctrl) == 0x80000000u);
  CHECK(s.cache.empty());
  // lenient (write-lock): ignored; the command completes.
  p.done_while_busy = BusyDoneWrite::ignore;
  auto r = engine::Machine::step(p, busy, wc(0x2));
  CHECK(r.out.status == "EE_WRITE_IGNORED");
  s = ee_run(p, {Tick{}, Tick{}, Tick{}}, r.next);
  CHECK(encode(s.ctrl) == 0x80000006u);
  CHECK(s.cache.size() == 1);
}

TEST_CASE("errata: E-EE-RDY-WINDOW one RDY check cannot keep KMB from writing while RDY=0") {
  // Table 9: "KMB checks that this bit is set to 1b before issuing any commands." RDY may
  // drop (fatal error) after that check, while KMB writes METD, AUX, MEK and CTRL.
  auto schedule = [](const sys::Profile& p) {
    auto s = sys_ready(p);
    s = System::step(p, s, sys::Event{KmbIssue{kmb::load_mek(metd_of(1), {}, mek_of(), 50)}}).next;
    s = System::step(p, s, sys::Event{KmbStep{}}).next;  // the RDY check: 0x80000000
    s = System::step(p, s, sys::Event{EngineFatal{}}).next;
    int writes = 0;
    std::optional<std::string> result;
    for (int i = 0; i < 8 && !result; ++i) {
      auto r = System::step(p, s, sys::Event{KmbStep{}});
      s = r.next;
      writes += r.out.writes_without_rdy;
      if (r.out.result) result = r.out.result;
    }
    return std::pair{writes, result};
  };
  sys::Profile once;  // the seed's minimum: check once, before the command
  once.kmb.recheck_rdy = false;
  auto [w1, r1] = schedule(once);
  CHECK(w1 == 4);  // METD, AUX, MEK, CTRL all written while RDY=0
  CHECK_FALSE(r1.has_value());  // and KMB then waits for DONE until cmd_timeout
  sys::Profile each;  // lockref's default: re-check before every write
  auto [w2, r2] = schedule(each);
  CHECK(w2 == 0);
  REQUIRE(r2.has_value());
  CHECK(*r2 == "LOCK_EE_NOT_READY");
}

TEST_CASE("errata: E-EE-TIMEOUT-SCOPE the timeout also bounds the wait for DONE=0") {
  // §4.7.2.2 bounds the wait "until the command has completed" (DONE=1); the wait for
  // DONE=0 after the acknowledgement (§4.7.1.2.4 step 4) is not bounded by the seed.
  sys::Profile p;
  p.engine.ack_latency = 40;  // an engine slow to reset for the next command
  auto run = run_command(p, sys_ready(p), kmb::load_mek(metd_of(1), {}, mek_of(), 10));
  CHECK(run.result == "LOCK_ENGINE_TIMEOUT");
  // ...although the command completed with ERR=0 and the key is in the cache.
  CHECK(run.state.engine.cache.size() == 1);
  bool saw_done_ok = false;
  for (const auto& op : run.bus) saw_done_ok |= op.op == kmb::Dir::read && op.value == 0x80000006u;
  CHECK(saw_done_ok);
}

TEST_CASE("errata: E-EE-TIMEOUT-LATE-COMPLETION a timed-out command may still change the key cache") {
  // §4.7.2.2: "KMB aborts the command" but the SFR interface has no abort: the engine may
  // finish after KMB reported LOCK_ENGINE_TIMEOUT, and its DONE=1 is still posted when the
  // next command arrives.
  sys::Profile p;
  p.engine.latency = 20;
  auto run = run_command(p, sys_ready(p), kmb::load_mek(metd_of(1), {}, mek_of(), 8));
  REQUIRE(run.result == "LOCK_ENGINE_TIMEOUT");
  CHECK(run.state.engine.cache.empty());
  auto s = run.state;
  for (int i = 0; i < 20; ++i) s = System::step(p, s, sys::Event{EngineTick{}}).next;
  CHECK(s.engine.cache.size() == 1);  // loaded after drive firmware was told it failed
  CHECK(encode(s.engine.ctrl) == 0x80000006u);
  // lockref's KMB acknowledges the posted completion before the next command (EE-KMB-STALE).
  auto next = run_command(p, s, kmb::clear_key_cache(100));
  CHECK(next.result == "ok");
  CHECK(next.state.engine.cache.empty());
}

TEST_CASE("errata: E-EE-FIG34-FATAL-EDGES fatal error from every state, ERR and DONE dropped") {
  // Figure 34 draws "Fatal error" only from "initializes", "processes command" and "resets
  // for next command"; Table 9 RDY lets the engine drop RDY whenever a fatal error occurs.
  const auto p = engine::strict();
  // From idle ready (no edge in Figure 34).
  auto s = ee_run(p, {FatalError{}}, ee_ready(p));
  CHECK(encode(s.ctrl) == 0x00000000u);
  // From "DONE=1, ERR=[code]" awaiting the acknowledgement (no edge in Figure 34): the
  // fatal box shows ERR=0, DONE=0, so the posted error is lost.
  s = ee_run(p, {wc(0x9), Tick{}}, ee_ready(p));  // unload of an absent entry: ERR=6h
  REQUIRE(encode(s.ctrl) == 0x8006000Au);
  s = ee_run(p, {FatalError{}}, s);
  CHECK(encode(s.ctrl) == 0x00000008u);
}

TEST_CASE("errata: E-EE-T11-RESERVED-COMMAND no error code for a reserved command") {
  // Table 11 reserves 0h and 4h..Fh but says nothing of what the engine does with them;
  // Table 10 has no code for "invalid command" (1h..3h are reserved). lockref: the
  // profile's vendor code err_reserved_cmd, reported through DONE/ERR like any failure.
  auto p = engine::strict();
  auto s = ee_run(p, {wc((0xAu << 2) | 1), Tick{}}, ee_ready(p));
  CHECK(s.ctrl.done);
  CHECK(s.ctrl.err == 0x7);
  p.err_reserved_cmd = 0xE;
  s = ee_run(p, {wc((0xAu << 2) | 1), Tick{}}, ee_ready(p));
  CHECK(s.ctrl.err == 0xE);
}

TEST_CASE("errata: E-EE-MEK-READ what a read of the write-only MEK returns") {
  // Table 6 marks MEK "WO" and §4.7.1 says MEKs "shall not be accessible to the drive
  // firmware", but not what a read returns. lockref: zeros; the register-transcript
  // checker reports any other value as a deviation from EE-T6-MEK.
  const auto p = engine::strict();
  auto s = ee_run(p, {wr(Reg::mek, key_bytes())}, ee_ready(p));
  auto r = engine::Machine::step(p, s, EEv{ReadReg{Reg::mek}});
  REQUIRE(r.out.data.has_value());
  CHECK(*r.out.data == Bytes(64, 0));
}

TEST_CASE("errata: E-EE-LOAD-SEMANTICS load into an occupied entry or a full cache is unspecified") {
  // Table 11 "Load MEK" does not say what happens when METD already names a loaded MEK or
  // the key cache is full; Figure 29's cache has n entries. Profile choices: replace_on_load,
  // capacity and the vendor codes err_occupied / err_full.
  auto p = engine::strict();
  p.capacity = 1;
  auto load = [&](engine::State s, std::uint8_t t, std::uint8_t k) {
    Bytes m(20, 0), key = key_bytes();
    m[0] = t;
    key[0] = k;
    return ee_run(p, {wr(Reg::metd, m), wr(Reg::mek, key), wc(0x5), Tick{}}, s);
  };
  auto ack = [&](engine::State s) { return ee_run(p, {wc(0x2), Tick{}}, s); };
  auto s = ack(load(ee_ready(p), 1, 0x10));
  auto occ = load(s, 1, 0x20);
  CHECK(occ.ctrl.err == p.err_occupied);
  CHECK(occ.cache.at(0).mek[0] == 0x10);
  auto full = load(s, 2, 0x20);
  CHECK(full.ctrl.err == p.err_full);
  p.replace_on_load = true;
  occ = load(s, 1, 0x20);
  CHECK(occ.ctrl.err == 0);
  CHECK(occ.cache.at(0).mek[0] == 0x20);
}

TEST_CASE("errata: E-EE-FATAL-CACHE does a fatal error empty the key cache?") {
  // Figure 34's fatal state is terminal and Table 60 item 4 empties the cache on a power
  // cycle, but nothing says whether MEKs survive a fatal error until then.
  auto p = engine::strict();
  auto loaded = ee_run(p, {wr(Reg::metd, Bytes(20, 1)), wr(Reg::mek, key_bytes()), wc(0x5), Tick{}, wc(0x2), Tick{}},
                       ee_ready(p));
  REQUIRE(loaded.cache.size() == 1);
  CHECK(ee_run(p, {FatalError{}}, loaded).cache.size() == 1);  // default: left in place
  p.fatal_clears_cache = true;
  CHECK(ee_run(p, {FatalError{}}, loaded).cache.empty());
  CHECK(ee_run(p, {PowerCycle{}}, loaded).cache.empty());  // Table 60 item 4, either way
}

TEST_CASE("errata: E-EE-T9-DONE-WITH-EXE a write of CMD, DONE and EXE together is an acknowledgement") {
  // Table 9 DONE: "A write by KMB of the value 1b to this bit shall cause the encryption
  // engine to: set the DONE bit to 0b, set the EXE bit to 0b, set the ERR field to 0000b, and
  // set the CMD bit to 0000b." Table 9 EXE: "When this bit is set from 0b to 1b by KMB, the
  // encryption engine shall execute the command specified in the CMD field." One CTRL write
  // with CMD=1h, DONE=1 and EXE=1 (0x00000007) meets both "shall"s; they cannot both hold.
  // lockref: DONE wins in both profiles: CTRL reads RDY only, nothing executes.
  for (const auto& p : {strict(), lenient()}) {
    INFO(p.name);
    const Metd m = metd_of(4);
    auto s = ee_run(p, {wr(Reg::metd, Bytes(m.begin(), m.end())), wr(Reg::mek, key_bytes())}, ee_ready(p));
    const auto st = engine::Machine::step(p, s, wc(0x00000007));
    CHECK(st.out.status == "ok");
    CHECK(st.out.rule == "EE-T9-DONE-ACK");
    CHECK(encode(st.next.ctrl) == 0x80000000u);  // RDY=1; ERR, CMD, DONE, EXE all 0
    s = ee_run(p, {Tick{}, Tick{}, Tick{}, Tick{}}, st.next);
    CHECK(encode(s.ctrl) == 0x80000000u);  // no completion ever appears
    CHECK(s.cache.empty());                // and no MEK was loaded
    // the same write without DONE (0x00000005) loads the MEK
    s = ee_run(p, {wc(0x00000005), Tick{}, Tick{}, Tick{}}, s);
    CHECK(s.cache.size() == 1);
  }
}

}  // namespace LOCKREF_UNITY_ID
