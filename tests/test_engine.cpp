// OCP L.O.C.K. 0.9 §4.7.1 encryption-engine SFR interface: registers, the engine machine,
// KMB's driver, the composition and the register-transcript checker.
// Expected CTRL values are computed by hand from Table 9's bit positions
// (RDY 31, ERR 19:16, CMD 5:2, DONE 1, EXE 0), never from the model's output.
#include <doctest/doctest.h>

#include "lockref/core/explore.hpp"
#include "lockref/core/prng.hpp"
#include "lockref/engine/system.hpp"
#include "registry.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::engine;

namespace {
using Ev = engine::Event;

struct Run {
  State s;
  std::vector<Output> outs;
};
Run run(const Profile& p, const std::vector<Ev>& evs, State s) {
  Run r{std::move(s), {}};
  for (const auto& e : evs) {
    auto st = Machine::step(p, r.s, e);
    r.s = st.next;
    r.outs.push_back(st.out);
  }
  return r;
}
Run run(const Profile& p, const std::vector<Ev>& evs) { return run(p, evs, Machine::initial(p)); }
std::uint32_t ctrl(const State& s) { return encode(s.ctrl); }
Ev wr(Reg r, const Bytes& b) { return Ev{std::in_place_type<WriteReg>, WriteReg{r, 0, b}}; }
Ev wc(std::uint32_t v) { return Ev{std::in_place_type<WriteCtrl>, WriteCtrl{v}}; }
const Ev tick = Ev{Tick{}};
Bytes metd_bytes(std::uint8_t tag) {
  Bytes b(20, 0);
  b[0] = tag;  // Figure 32: key tag in bytes 0..1
  return b;
}
Bytes xts_key(std::uint8_t seed) {  // two different 32-byte halves (Figure 30)
  Bytes b(64);
  for (std::size_t i = 0; i < 64; ++i) b[i] = static_cast<std::uint8_t>(seed + i);
  return b;
}
/// Power-on and initialise (init_ticks ticks), then load (tag) via CMD+EXE together.
std::vector<Ev> load_seq(std::uint8_t tag, std::uint8_t key = 1) {
  return {wr(Reg::metd, metd_bytes(tag)), wr(Reg::aux, Bytes(32, 0xA0)), wr(Reg::mek, xts_key(key)), wc(0x00000005)};
}
State ready(const Profile& p) { return run(p, {tick}).s; }
}  // namespace

TEST_CASE("engine: Table 5 register map and OCP_LOCK_MEK_LENGTH") {
  CHECK(reg_info(Reg::mek).offset == 0x00);
  CHECK(reg_info(Reg::mek).size == 64);
  CHECK(reg_info(Reg::metd).offset == 0x40);
  CHECK(reg_info(Reg::metd).size == 20);
  CHECK(reg_info(Reg::aux).offset == 0x60);
  CHECK(reg_info(Reg::aux).size == 32);
  CHECK(reg_info(Reg::ctrl).offset == 0x80);
  CHECK(reg_info(Reg::ctrl).size == 4);
  CHECK_FALSE(reg_info(Reg::mek).kmb_readable);  // Table 6: WO
  CHECK(reg_at(0x3F) == Reg::mek);
  CHECK(reg_at(0x40) == Reg::metd);
  CHECK(reg_at(0x53) == Reg::metd);
  CHECK_FALSE(reg_at(0x54).has_value());
  CHECK_FALSE(reg_at(0x5F).has_value());
  CHECK(reg_at(0x60) == Reg::aux);
  CHECK(reg_at(0x83) == Reg::ctrl);
  CHECK_FALSE(reg_at(0x84).has_value());
  // Registers do not overlap.
  for (std::uint32_t off = 0; off < 0x84; ++off) {
    int n = 0;
    for (const auto& i : register_map) n += off >= i.offset && off < i.offset + i.size;
    CHECK(n <= 1);
  }
}

TEST_CASE("engine: CTRL field encode/decode (Table 9)") {
  CHECK(encode(Ctrl{true, 0, 0, false, false}) == 0x80000000u);
  CHECK(encode(Ctrl{false, 0, 1, false, true}) == 0x00000005u);
  CHECK(encode(Ctrl{true, 0, 1, true, false}) == 0x80000006u);
  CHECK(encode(Ctrl{true, 4, 1, true, false}) == 0x80040006u);
  CHECK(encode(Ctrl{true, 0xF, 0xF, true, true}) == 0x800F003Fu);
  CHECK(decode(0x8006000Au) == Ctrl{true, 6, 2, true, false});
  CHECK(reserved_mask == 0x7FF0FFC0u);
  CHECK(reserved_bits(0xFFFFFFFFu) == 0x7FF0FFC0u);
  CHECK(decode(0xFFFFFFFFu) == Ctrl{true, 0xF, 0xF, true, true});
  CHECK(ctrl_hex(0x80040006u) == "0x80040006");
  CHECK(parse_ctrl("0x8004_0006").value() == 0x80040006u);
  CHECK(parse_ctrl("80000000").value() == 0x80000000u);
  CHECK_FALSE(parse_ctrl("0x180000000").ok());
  CHECK_FALSE(parse_ctrl("0xg").ok());
  CHECK_FALSE(parse_ctrl("").ok());
  // Table 10 classes, Table 11 codes.
  CHECK(err_class(0) == ErrClass::success);
  for (std::uint8_t e = 1; e <= 3; ++e) CHECK(err_class(e) == ErrClass::reserved);
  for (std::uint8_t e = 4; e <= 15; ++e) CHECK(err_class(e) == ErrClass::vendor);
  CHECK_FALSE(is_defined_command(0));
  CHECK(is_defined_command(1));
  CHECK(is_defined_command(3));
  CHECK_FALSE(is_defined_command(4));
}

TEST_CASE("engine: reset values and power-on sequence (Figure 34)") {
  const auto p = strict();
  const auto s0 = Machine::initial(p);
  CHECK(ctrl(s0) == 0x00000000u);  // Table 9: every field resets to 0
  CHECK(s0.mek == Mek{});
  CHECK(s0.metd == Metd{});
  CHECK(s0.aux == Aux{});
  // While initialising, CTRL writes are ignored (RDY=0).
  auto r = run(p, {wc(0x5)});
  CHECK(r.outs[0].status == "EE_WRITE_IGNORED");
  CHECK(ctrl(r.s) == 0);
  auto p3 = p;
  p3.init_ticks = 3;
  auto r3 = run(p3, {tick, tick});
  CHECK(ctrl(r3.s) == 0x00000000u);
  r3 = run(p3, {tick}, r3.s);
  CHECK(ctrl(r3.s) == 0x80000000u);  // "Encryption engine writes RDY=1"
  CHECK(r3.s.phase == Phase::ready);
}

TEST_CASE("engine: load, unload, zeroize through CTRL (Table 11, Figure 35)") {
  const auto p = strict();
  auto seq = load_seq(1);
  auto r = run(p, seq, ready(p));
  CHECK(ctrl(r.s) == 0x80000005u);  // busy: EXE=1
  CHECK(r.s.cache.empty());
  r = run(p, {tick}, r.s);
  CHECK(ctrl(r.s) == 0x80000006u);  // DONE=1, ERR=0, EXE=0, CMD kept
  REQUIRE(r.s.cache.size() == 1);
  CHECK(Bytes(r.s.cache[0].metadata.begin(), r.s.cache[0].metadata.end()) == metd_bytes(1));
  CHECK(r.s.cache[0].aux == Aux{0xA0, 0xA0, 0xA0, 0xA0, 0xA0, 0xA0, 0xA0, 0xA0, 0xA0, 0xA0, 0xA0, 0xA0, 0xA0, 0xA0, 0xA0, 0xA0,
                               0xA0, 0xA0, 0xA0, 0xA0, 0xA0, 0xA0, 0xA0, 0xA0, 0xA0, 0xA0, 0xA0, 0xA0, 0xA0, 0xA0, 0xA0, 0xA0});
  r = run(p, {wc(0x2)}, r.s);  // KMB writes DONE=1
  CHECK(ctrl(r.s) == 0x80000006u);  // strict: ack_latency 1, still reads DONE=1
  r = run(p, {tick}, r.s);
  CHECK(ctrl(r.s) == 0x80000000u);
  // Unload (CMD=2): 0x9 written, completes as 0x8000000A.
  r = run(p, {wr(Reg::metd, metd_bytes(1)), wc(0x9), tick}, r.s);
  CHECK(ctrl(r.s) == 0x8000000Au);
  CHECK(r.s.cache.empty());
  r = run(p, {wc(0x2), tick}, r.s);
  // Two loads, then zeroize (CMD=3): 0xD written, 0x8000000E on completion.
  r = run(p, load_seq(1), r.s);
  r = run(p, {tick, wc(0x2), tick}, r.s);
  r = run(p, load_seq(2, 7), r.s);
  r = run(p, {tick, wc(0x2), tick}, r.s);
  CHECK(r.s.cache.size() == 2);
  r = run(p, {wc(0xD), tick}, r.s);
  CHECK(ctrl(r.s) == 0x8000000Eu);
  CHECK(r.s.cache.empty());
}

TEST_CASE("engine: CMD then EXE and CMD with EXE are both accepted") {
  for (const auto& p : {strict(), lenient()}) {
    INFO(p.name);
    // Figure 34: KMB writes CMD=[code], then EXE=1 (a read-modify-write keeps CMD).
    auto r = run(p, {wr(Reg::metd, metd_bytes(3)), wr(Reg::mek, xts_key(3)), wc(0x4)}, ready(p));
    CHECK(ctrl(r.s) == 0x80000004u);
    CHECK(r.s.phase == Phase::ready);
    r = run(p, {wc(0x5)}, r.s);
    CHECK(ctrl(r.s) == 0x80000005u);
    for (int i = 0; i < p.latency; ++i) r = run(p, {tick}, r.s);
    CHECK(ctrl(r.s) == 0x80000006u);
    CHECK(r.s.cache.size() == 1);
    // §4.7.1.2.4: CMD and EXE in one write.
    auto q = run(p, {wr(Reg::metd, metd_bytes(3)), wr(Reg::mek, xts_key(3)), wc(0x5)}, ready(p));
    for (int i = 0; i < p.latency; ++i) q = run(p, {tick}, q.s);
    CHECK(ctrl(q.s) == 0x80000006u);
    CHECK(q.s.cache == r.s.cache);
  }
}

TEST_CASE("engine: DONE=1 write clears CMD, ERR, DONE, EXE (Table 9)") {
  for (auto p : {strict(), lenient()}) {
    INFO(p.name);
    // An error completion (unload of an absent entry in strict; reserved command in both).
    auto r = run(p, {wc(0x11)}, ready(p));  // CMD=4h (reserved) + EXE
    for (int i = 0; i < p.latency; ++i) r = run(p, {tick}, r.s);
    const std::uint32_t expect_done = 0x80000012u | (std::uint32_t{p.err_reserved_cmd} << 16);
    CHECK(ctrl(r.s) == expect_done);
    r = run(p, {wc(0x2)}, r.s);
    for (int i = 0; i < p.ack_latency; ++i) r = run(p, {tick}, r.s);
    CHECK(ctrl(r.s) == 0x80000000u);
    // DONE=1 also wins when written together with other bits (reserved bits ignored).
    r = run(p, {wc(0x5)}, ready(p));
    for (int i = 0; i < p.latency; ++i) r = run(p, {tick}, r.s);
    r = run(p, {wc(0xFFFFFFFFu)}, r.s);
    for (int i = 0; i < p.ack_latency; ++i) r = run(p, {tick}, r.s);
    CHECK(ctrl(r.s) == 0x80000000u);
  }
  // In ready with a CMD-only write pending, DONE=1 clears CMD too (literal Table 9).
  auto r = run(strict(), {wc(0x8), wc(0x2)}, ready(strict()));
  CHECK(ctrl(r.s) == 0x80000000u);
}

TEST_CASE("engine: reserved command codes are reported as a vendor error (Table 11)") {
  const auto p = strict();
  for (std::uint32_t cmd : {0u, 4u, 5u, 15u}) {
    INFO(cmd);
    auto r = run(p, {wc((cmd << 2) | 1), tick}, ready(p));
    CHECK(decode(ctrl(r.s)).done);
    CHECK(decode(ctrl(r.s)).err == p.err_reserved_cmd);
    CHECK(decode(ctrl(r.s)).cmd == cmd);
    CHECK(is_vendor_error(decode(ctrl(r.s)).err));
  }
}

TEST_CASE("engine: profile-defined vendor codes for occupied, full, absent (Table 10)") {
  auto p = strict();
  p.capacity = 2;
  auto s = ready(p);
  auto cycle = [&](const std::vector<Ev>& cmd) {
    auto r = run(p, cmd, s);
    r = run(p, {tick}, r.s);
    const auto c = decode(ctrl(r.s));
    r = run(p, {wc(0x2), tick}, r.s);
    s = r.s;
    return c.err;
  };
  CHECK(cycle(load_seq(1)) == 0);
  CHECK(cycle(load_seq(1, 9)) == 0x4);  // occupied, replace_on_load false
  CHECK(s.cache.size() == 1);
  CHECK(s.cache[0].mek[0] == 1);  // not replaced
  CHECK(cycle(load_seq(2)) == 0);
  CHECK(cycle(load_seq(3)) == 0x5);  // full
  CHECK(s.cache.size() == 2);
  CHECK(cycle({wr(Reg::metd, metd_bytes(3)), wc(0x9)}) == 0x6);  // unload absent
  CHECK(cycle({wr(Reg::metd, metd_bytes(2)), wc(0x9)}) == 0);
  CHECK(s.cache.size() == 1);
  // lenient: replace, unload-absent ok.
  auto q = lenient();
  s = run(q, {tick}).s;
  auto lcycle = [&](const std::vector<Ev>& cmd) {
    auto r = run(q, cmd, s);
    for (int i = 0; i < q.latency; ++i) r = run(q, {tick}, r.s);
    const auto c = decode(ctrl(r.s));
    r = run(q, {wc(0x2)}, r.s);
    s = r.s;
    return c.err;
  };
  CHECK(lcycle(load_seq(1)) == 0);
  CHECK(lcycle(load_seq(1, 9)) == 0);
  REQUIRE(s.cache.size() == 1);
  CHECK(s.cache[0].mek[0] == 9);  // replaced
  CHECK(lcycle({wr(Reg::metd, metd_bytes(7)), wc(0x9)}) == 0);
}

TEST_CASE("engine: fatal error drops RDY and keeps CMD (Figure 34)") {
  const auto p = strict();
  // From "processes command": RDY=0, ERR=0, CMD=[code], DONE=0, EXE=0.
  auto r = run(p, {wc(0x5), Ev{FatalError{}}}, ready(p));
  CHECK(ctrl(r.s) == 0x00000004u);
  CHECK(r.s.phase == Phase::fatal);
  // From "resets for next command" with an error posted: ERR and DONE drop too.
  r = run(p, {wc(0x9), tick, wc(0x2), Ev{FatalError{}}}, ready(p));
  CHECK(ctrl(r.s) == 0x00000008u);
  // From "initializes".
  r = run(p, {Ev{FatalError{}}});
  CHECK(ctrl(r.s) == 0x00000000u);
  CHECK(r.s.phase == Phase::fatal);
  // Nothing but a power cycle leaves the fatal state; CTRL writes are ignored.
  r = run(p, {wc(0x5), tick, tick}, r.s);
  CHECK(ctrl(r.s) == 0x00000000u);
  CHECK(r.outs[0].status == "EE_WRITE_IGNORED");
  r = run(p, {Ev{PowerCycle{}}, tick}, r.s);
  CHECK(ctrl(r.s) == 0x80000000u);
}

TEST_CASE("engine: power cycle and zeroize empty the key cache (Table 60 item 4)") {
  const auto p = strict();
  auto r = run(p, load_seq(1), ready(p));
  r = run(p, {tick, wc(0x2), tick}, r.s);
  REQUIRE(r.s.cache.size() == 1);
  auto pc = run(p, {Ev{PowerCycle{}}}, r.s);
  CHECK(pc.s.cache.empty());
  CHECK(ctrl(pc.s) == 0u);
  CHECK(pc.s.mek == Mek{});  // registers reset (Table 6: reset 0h)
  auto z = run(p, {wc(0xD), tick}, r.s);
  CHECK(z.s.cache.empty());
  CHECK(ctrl(z.s) == 0x8000000Eu);
  // Zeroize of an empty cache succeeds.
  z = run(p, {wc(0x2), tick, wc(0xD), tick}, z.s);
  CHECK(ctrl(z.s) == 0x8000000Eu);
}

TEST_CASE("engine: AES-XTS halves must differ (4.6.5.5)") {
  auto p = strict();
  Bytes same(64);
  for (std::size_t i = 0; i < 64; ++i) same[i] = static_cast<std::uint8_t>(i % 32);
  auto r = run(p, {wr(Reg::metd, metd_bytes(1)), wr(Reg::mek, same), wc(0x5), tick}, ready(p));
  CHECK(decode(ctrl(r.s)).err == p.err_xts_keys_equal);
  CHECK(r.s.cache.empty());
  p.xts_key_check = false;
  r = run(p, {wr(Reg::metd, metd_bytes(1)), wr(Reg::mek, same), wc(0x5), tick}, ready(p));
  CHECK(decode(ctrl(r.s)).err == 0);
  CHECK(r.s.cache.size() == 1);
}

TEST_CASE("engine: MEK is write-only and data writes are bounds-checked (Tables 5-8)") {
  const auto p = strict();
  auto r = run(p, {wr(Reg::mek, xts_key(5)), Ev{ReadReg{Reg::mek}}, wr(Reg::metd, metd_bytes(9)),
                   Ev{ReadReg{Reg::metd}}},
               ready(p));
  REQUIRE(r.outs[1].data.has_value());
  CHECK(*r.outs[1].data == Bytes(64, 0));  // never the key
  CHECK(*r.outs[3].data == metd_bytes(9));
  // Partial writes at an offset (a DMA engine writing words).
  r = run(p, {Ev{std::in_place_type<WriteReg>, WriteReg{Reg::metd, 16, Bytes{1, 2, 3, 4}}}, Ev{ReadReg{Reg::metd}}},
          ready(p));
  CHECK(r.outs[1].data->at(16) == 1);
  CHECK(r.outs[1].data->at(19) == 4);
  // Beyond the register: rejected, unchanged.
  const auto s = ready(p);
  for (const auto& w : {WriteReg{Reg::metd, 17, Bytes{1, 2, 3, 4}}, WriteReg{Reg::aux, 0, Bytes(33, 1)},
                        WriteReg{Reg::mek, 64, Bytes{1}}, WriteReg{Reg::metd, 0, Bytes{}},
                        WriteReg{Reg::ctrl, 0, Bytes{1, 0, 0, 0}}}) {
    auto x = Machine::step(p, s, Ev{w});
    CHECK(x.out.status == "EE_BAD_ACCESS");
    CHECK(x.next == s);
  }
}

TEST_CASE("engine: unexpected CTRL writes are ignored (vendor-defined, 4.7.1.2.4)") {
  const auto p = strict();
  // While busy: a new CMD/EXE write and data writes are ignored.
  auto r = run(p, {wr(Reg::metd, metd_bytes(1)), wr(Reg::mek, xts_key(1)), wc(0x5)}, ready(p));
  const auto busy = r.s;
  for (const auto& e : {wc(0x9), wc(0x0), wr(Reg::metd, metd_bytes(2))}) {
    auto x = Machine::step(p, busy, e);
    CHECK(x.out.status == "EE_WRITE_IGNORED");
    CHECK(x.next == busy);
  }
  // With a completion posted (DONE=1), EXE is not re-armed until KMB writes DONE=1.
  r = run(p, {tick}, busy);
  auto x = Machine::step(p, r.s, wc(0x5));
  CHECK(x.out.status == "EE_WRITE_IGNORED");
  CHECK(x.next == r.s);
}

TEST_CASE("engine: profiles validate error codes in 4h..Fh") {
  CHECK(Machine::validate(strict()).ok());
  CHECK(Machine::validate(lenient()).ok());
  auto p = strict();
  p.err_full = 2;  // Table 10: reserved
  CHECK_FALSE(Machine::validate(p).ok());
  p = strict();
  p.err_absent = 0;
  CHECK_FALSE(Machine::validate(p).ok());
  p = strict();
  p.latency = 0;
  CHECK_FALSE(Machine::validate(p).ok());
  p = strict();
  p.capacity = 0;
  CHECK_FALSE(Machine::validate(p).ok());
  // Distinct codes per failure in each shipped profile.
  for (const auto& q : {strict(), lenient()}) {
    std::set<int> codes{q.err_occupied, q.err_full, q.err_absent, q.err_reserved_cmd, q.err_xts_keys_equal};
    CHECK(codes.size() == 5);
  }
}

TEST_CASE("engine: explore reaches every Figure 34 CTRL state and all invariants hold") {
  for (auto p : {strict(), lenient()}) {
    INFO(p.name);
    p.capacity = 2;
    auto ex = explore<engine::Machine>(p);
    CHECK_FALSE(ex.truncated);
    CHECK(ex.violations.empty());
    std::set<std::uint32_t> values;
    std::size_t full = 0;
    for (const auto& s : ex.states) {
      values.insert(encode(s.ctrl));
      full += s.cache.size() == 2;
    }
    // The register states of Figure 34 (with [code] = load, 1h):
    for (std::uint32_t v : {0x00000000u,   // power-on / initializing
                            0x80000000u,   // ready
                            0x80000005u,   // CMD=[code], EXE=1
                            0x80000006u,   // DONE=1, ERR=0
                            0x00000004u})  // fatal: RDY=0, CMD=[code]
      CHECK(values.count(v) == 1);
    CHECK(values.count(0x80000004u) == 1);  // CMD written before EXE (Figure 34)
    CHECK(values.count(0x80000000u | (std::uint32_t{p.err_full} << 16) | 0x6u) == 1);  // load into a full cache
    CHECK(full > 0);
    for (auto v : values) {
      INFO(ctrl_hex(v));
      CHECK(reserved_bits(v) == 0);
      CHECK_FALSE((decode(v).done && decode(v).exe));
    }
  }
}

// ---- the KMB driver and the composition --------------------------------------------

namespace {
using namespace lockref::engine::sys;
Metd metd_of(std::uint8_t tag) {
  Metd m{};
  m[0] = tag;
  return m;
}
Mek mek_of(std::uint8_t seed) {
  Mek k{};
  for (std::size_t i = 0; i < 64; ++i) k[i] = static_cast<std::uint8_t>(seed + i);
  return k;
}
sys::State powered(const sys::Profile& p) {
  return System::step(p, System::initial(p), sys::Event{EngineTick{}}).next;
}
std::vector<std::string> lines(const std::vector<kmb::BusOp>& ops) {
  std::vector<std::string> out;
  for (const auto& o : ops) out.push_back(access_json(o).dump());
  return out;
}
}  // namespace

TEST_CASE("kmb-driver: Figure 35 load sequence") {
  sys::Profile p;  // strict engine, CMD+EXE together, RDY re-checked before each write
  auto s = powered(p);
  const Aux aux{};
  auto st = System::step(p, s, sys::Event{KmbIssue{kmb::load_mek(metd_of(1), aux, mek_of(1), 100)}});
  REQUIRE(st.out.is_ok());
  s = st.next;
  std::vector<kmb::BusOp> bus;
  std::optional<std::string> result;
  // Engine ticks only where Figure 35 has the engine act: after EXE ([003]-[007]) and
  // after the DONE write ([010]).
  const std::vector<sys::Event> sched = {KmbStep{}, KmbStep{}, KmbStep{}, KmbStep{}, KmbStep{}, KmbStep{},
                                         EngineTick{}, KmbStep{}, KmbStep{}, KmbStep{}, EngineTick{}, KmbStep{}};
  for (const auto& e : sched) {
    auto r = System::step(p, s, e);
    REQUIRE(r.out.is_ok());
    s = r.next;
    bus.insert(bus.end(), r.out.bus.begin(), r.out.bus.end());
    if (r.out.result) result = r.out.result;
  }
  const Mek k1 = mek_of(1);
  const std::string key = to_hex(Bytes(k1.begin(), k1.end()));
  const std::vector<std::string> expect = {
      R"({"reg":"CTRL","op":"read","value":"0x80000000"})",  // RDY check (Table 9 RDY)
      R"({"reg":"CTRL","op":"read","value":"0x80000000"})",  // [001] write METD
      R"({"reg":"METD","op":"write","data":"0100000000000000000000000000000000000000"})",
      R"({"reg":"CTRL","op":"read","value":"0x80000000"})",  // [001] write AUX
      R"({"reg":"AUX","op":"write","data":")" + std::string(64, '0') + R"("})",
      R"({"reg":"CTRL","op":"read","value":"0x80000000"})",  // [001] write MEK
      R"({"reg":"MEK","op":"write","data":")" + key + R"("})",
      R"({"reg":"CTRL","op":"read","value":"0x80000000"})",  // [002] write CMD=1, EXE=1
      R"({"reg":"CTRL","op":"write","value":"0x00000005"})",
      R"({"reg":"CTRL","op":"read","value":"0x80000005"})",  // busy
      R"({"reg":"CTRL","op":"read","value":"0x80000006"})",  // [007]/[008] DONE=1, ERR=0
      R"({"reg":"CTRL","op":"read","value":"0x80000006"})",  // [009] write DN=1
      R"({"reg":"CTRL","op":"write","value":"0x00000002"})",
      R"({"reg":"CTRL","op":"read","value":"0x80000006"})",  // resetting
      R"({"reg":"CTRL","op":"read","value":"0x80000000"})",  // [010] DONE=0
  };
  CHECK(lines(bus) == expect);
  REQUIRE(result.has_value());
  CHECK(*result == "ok");
  CHECK(s.engine.cache.size() == 1);
  CHECK(s.kmb.phase == kmb::Phase::idle);
}

TEST_CASE("kmb-driver: LOCK_EE_NOT_READY when RDY=0 (4.7.2.2)") {
  sys::Profile p;
  // Before the engine has initialised: one read, no write, LOCK_EE_NOT_READY ("LENR").
  auto run0 = run_command(p, System::initial(p), kmb::clear_key_cache(10), 1);
  CHECK(run0.result == "LOCK_EE_NOT_READY");
  CHECK(run0.result_code == 0x4C454E52u);
  REQUIRE(run0.bus.size() == 1);
  CHECK(lines(run0.bus)[0] == R"({"reg":"CTRL","op":"read","value":"0x00000000"})");
  // After a fatal error.
  auto s = System::step(p, powered(p), sys::Event{EngineFatal{}}).next;
  auto r = run_command(p, s, kmb::load_mek(metd_of(1), {}, mek_of(1), 10));
  CHECK(r.result == "LOCK_EE_NOT_READY");
  CHECK(r.bus.size() == 1);
  CHECK(r.state.engine.metd == Metd{});  // nothing written
  // RDY dropping mid-sequence: the per-write re-check stops the writes (E-EE-RDY-WINDOW).
  s = powered(p);
  s = System::step(p, s, sys::Event{KmbIssue{kmb::load_mek(metd_of(1), {}, mek_of(1), 10)}}).next;
  s = System::step(p, s, sys::Event{KmbStep{}}).next;  // RDY check
  s = System::step(p, s, sys::Event{KmbStep{}}).next;  // METD written
  s = System::step(p, s, sys::Event{EngineFatal{}}).next;
  auto st = System::step(p, s, sys::Event{KmbStep{}});
  CHECK(st.out.writes_without_rdy == 0);
  REQUIRE(st.out.result.has_value());
  CHECK(*st.out.result == "LOCK_EE_NOT_READY");
}

TEST_CASE("kmb-driver: LOCK_ENGINE_TIMEOUT after cmd_timeout (4.7.2.2)") {
  sys::Profile p;
  p.engine.latency = 50;  // slower than the timeout
  auto r = run_command(p, powered(p), kmb::load_mek(metd_of(1), {}, mek_of(1), 5));
  CHECK(r.result == "LOCK_ENGINE_TIMEOUT");
  CHECK(r.result_code == 0x4C45544Fu);  // "LETO"
  CHECK(r.state.kmb.phase == kmb::Phase::idle);
  CHECK(r.state.kmb.abandoned);
  // The timeout counts clock ticks after issue: 5 ms allowed, the 6th tick ends it.
  CHECK(r.rounds == 6);
  // A cmd_timeout large enough lets the same command complete.
  auto ok = run_command(p, powered(p), kmb::load_mek(metd_of(1), {}, mek_of(1), 100));
  CHECK(ok.result == "ok");
}

TEST_CASE("kmb-driver: engine error maps to LOCK_ENGINE_CODE + ERR (Table 57)") {
  sys::Profile p;
  auto r = run_command(p, powered(p), kmb::unload_mek(metd_of(4), 50));  // absent: strict ERR=6h
  CHECK(r.result == "LOCK_ENGINE_CODE");
  CHECK(r.result_code == 0x44430006u);
  // The engine was acknowledged and is ready for the next command.
  CHECK(encode(r.state.engine.ctrl) == 0x80000000u);
  p.engine = lenient();
  r = run_command(p, powered(p), kmb::unload_mek(metd_of(4), 50));
  CHECK(r.result == "ok");
  CHECK(r.result_code == 0u);
  // A reserved ERR code and the highest vendor code pass through unchanged.
  CHECK(lock_engine_code(0xF) == 0x4443000Fu);
}

TEST_CASE("kmb-driver: a late completion after a timeout is acknowledged before the next command") {
  sys::Profile p;
  p.engine.latency = 8;
  // CTRL is written in round 5; 6 ms pass before the engine (8 ticks) is done.
  auto r = run_command(p, powered(p), kmb::load_mek(metd_of(1), {}, mek_of(1), 6));
  REQUIRE(r.result == "LOCK_ENGINE_TIMEOUT");
  // Still busy: the next command is refused without a write.
  auto busy = run_command(p, r.state, kmb::clear_key_cache(100), 1);
  CHECK(busy.result == "LOCK_EE_NOT_READY");
  CHECK(busy.bus.size() == 1);
  // The engine finishes the abandoned load (DONE=1 posted).
  auto s = r.state;
  for (int i = 0; i < 10; ++i) s = System::step(p, s, sys::Event{EngineTick{}}).next;
  CHECK(encode(s.engine.ctrl) == 0x80000006u);
  auto next = run_command(p, s, kmb::unload_mek(metd_of(1), 100));
  CHECK(next.result == "ok");
  auto l = lines(next.bus);
  REQUIRE(l.size() >= 3);
  CHECK(l[0] == R"({"reg":"CTRL","op":"read","value":"0x80000006"})");
  CHECK(l[2] == R"({"reg":"CTRL","op":"write","value":"0x00000002"})");  // stale DONE acknowledged
  CHECK(next.state.engine.cache.empty());
}

TEST_CASE("kmb-driver: two-step CTRL writes (Figure 34) reach the same result") {
  sys::Profile p;
  p.kmb.two_step_ctrl = true;
  p.kmb.recheck_rdy = false;
  auto r = run_command(p, powered(p), kmb::load_mek(metd_of(1), {}, mek_of(1), 100));
  CHECK(r.result == "ok");
  auto l = lines(r.bus);
  std::vector<std::string> ctrl_writes;
  for (const auto& x : l)
    if (x.find(R"("reg":"CTRL","op":"write")") != std::string::npos) ctrl_writes.push_back(x);
  CHECK(ctrl_writes == std::vector<std::string>{R"({"reg":"CTRL","op":"write","value":"0x00000004"})",
                                                R"({"reg":"CTRL","op":"write","value":"0x00000005"})",
                                                R"({"reg":"CTRL","op":"write","value":"0x00000002"})"});
  CHECK(r.state.engine.cache.size() == 1);
  // Without the re-check: one RDY read, then METD, AUX, MEK and CTRL writes.
  CHECK(l[0] == R"({"reg":"CTRL","op":"read","value":"0x80000000"})");
  CHECK(l[1].find(R"("reg":"METD","op":"write")") != std::string::npos);
  CHECK(l[2].find(R"("reg":"AUX","op":"write")") != std::string::npos);
  CHECK(l[3].find(R"("reg":"MEK","op":"write")") != std::string::npos);
}

TEST_CASE("kmb-driver: events out of sequence are refused and leave the state unchanged") {
  const kmb::Profile p;
  const auto s0 = kmb::Driver::initial(p);
  for (const auto& e : {kmb::Event{kmb::CtrlRead{0x80000000u}}, kmb::Event{kmb::Written{}}}) {
    auto st = kmb::Driver::step(p, s0, e);
    CHECK(st.out.status == "KMB_UNEXPECTED_EVENT");
    CHECK(st.next == s0);
  }
  auto s1 = kmb::Driver::step(p, s0, kmb::Event{kmb::Issue{kmb::clear_key_cache(1)}});
  REQUIRE(s1.out.op.has_value());
  CHECK(s1.out.op->op == kmb::Dir::read);
  auto again = kmb::Driver::step(p, s1.next, kmb::Event{kmb::Issue{kmb::clear_key_cache(1)}});
  CHECK(again.out.status == "KMB_BUSY");
  CHECK(again.next == s1.next);
  auto w = kmb::Driver::step(p, s1.next, kmb::Event{kmb::Written{}});
  CHECK(w.out.status == "KMB_UNEXPECTED_EVENT");
}

// ---- register transcripts --------------------------------------------------------------

namespace {
Json check_regs(const Json& transcript, const Json& profile = "strict") {
  return lockref::cli::eval_request(Json{{"op", "engine.regs_check"}, {"profile", profile}, {"transcript", transcript}});
}
Json R(const char* reg, const char* op, const char* v) {
  Json j{{"reg", reg}, {"op", op}};
  j[std::string(reg) == "CTRL" ? "value" : "data"] = v;
  return j;
}
}  // namespace

TEST_CASE("engine-regs: conforming transcripts pass; the first deviation is reported with its rule") {
  const Json zeroize = Json::array({R("CTRL", "read", "0x80000000"), R("CTRL", "write", "0x0000000d"),
                                    R("CTRL", "read", "0x8000000d"), R("CTRL", "read", "0x8000000e"),
                                    R("CTRL", "write", "0x00000002"), R("CTRL", "read", "0x80000000")});
  auto a = check_regs(zeroize);
  CHECK(a["ok"] == true);
  CHECK(a["conforms"] == true);
  CHECK(a["accesses"] == 6);
  // The engine never clears CMD after the acknowledgement.
  Json bad = zeroize;
  bad[5] = R("CTRL", "read", "0x8000000c");
  a = check_regs(bad);
  CHECK(a["conforms"] == false);
  CHECK(a["deviation"]["line"] == 6);
  CHECK(a["deviation"]["rule"] == "EE-T9-DONE-ACK");
  // DONE and EXE both set.
  bad = zeroize;
  bad[3] = R("CTRL", "read", "0x8000000f");
  a = check_regs(bad);
  CHECK(a["deviation"]["line"] == 4);
  CHECK(a["deviation"]["rule"] == "EE-T9-EXE");
  // A reserved bit read as one.
  bad = zeroize;
  bad[0] = R("CTRL", "read", "0x80100000");
  a = check_regs(bad);
  CHECK(a["deviation"]["line"] == 1);
  CHECK(a["deviation"]["rule"] == "EE-T9-RESERVED");
  // ERR reserved (Table 10: 1h..3h).
  bad = zeroize;
  bad[3] = R("CTRL", "read", "0x8002000e");
  CHECK(check_regs(bad)["deviation"]["rule"] == "EE-T10");
  // The profile's code: strict reports unload-absent as 6h, lenient as success.
  const Json unload = Json::array({R("METD", "write", "0100000000000000000000000000000000000000"),
                                   R("CTRL", "write", "0x00000009"), R("CTRL", "read", "0x8006000a")});
  CHECK(check_regs(unload)["conforms"] == true);
  a = check_regs(unload, "lenient");
  CHECK(a["conforms"] == false);
  CHECK(a["deviation"]["rule"] == "EE-T10-PROFILE");
  // MEK read back.
  a = check_regs(Json::array({R("MEK", "write", std::string(128, '1').c_str()), R("MEK", "read", std::string(128, '1').c_str())}));
  CHECK(a["deviation"]["rule"] == "EE-T6-MEK");
  // Malformed lines are refused with the line number.
  a = check_regs(Json::array({R("CTRL", "read", "0x80000000"), Json{{"reg", "CTRL"}, {"op", "poke"}}}));
  CHECK(a["ok"] == false);
  CHECK(a["error"].get<std::string>().find("line 2") != std::string::npos);
  a = check_regs(Json::array({Json{{"reg", "METD"}, {"op", "write"}, {"data", "00"}, {"offset", 20}}}));
  CHECK(a["deviation"]["rule"] == "EE-T5-MAP");
  // Bus addresses (offsets from OCP_LOCK_MEK_ADDRESS, Table 5) instead of register names.
  a = check_regs(Json::array({Json{{"addr", "0x40"}, {"op", "write"}, {"data", "0100000000000000000000000000000000000000"}},
                              Json{{"addr", "0x80"}, {"op", "write"}, {"value", "0x00000009"}},
                              Json{{"addr", 128}, {"op", "read"}, {"value", "0x8006000a"}},
                              Json{{"addr", "0x52"}, {"op", "read"}, {"data", "0000"}}}));
  CHECK(a["conforms"] == true);
  CHECK(a["accesses"] == 4);
  for (const char* gap : {"0x54", "0x5f", "0x84"}) {
    a = check_regs(Json::array({Json{{"addr", gap}, {"op", "write"}, {"data", "00"}}}));
    CHECK(a["ok"] == false);
    CHECK(a["error"].get<std::string>().find("no register there") != std::string::npos);
  }
  a = check_regs(Json::array({Json{{"addr", "0x82"}, {"op", "read"}, {"value", "0"}}}));
  CHECK(a["ok"] == false);
  a = check_regs(Json::array({Json{{"reg", "AUX"}, {"op", "read"}, {"data", "00"}, {"offset", 32}}}));
  CHECK(a["deviation"]["rule"] == "EE-T5-MAP");
}

TEST_CASE("engine-regs: transcripts of the composed system conform, under both profiles") {
  for (const auto& ep : {strict(), lenient()}) {
    INFO(ep.name);
    sys::Profile p;
    p.engine = ep;
    auto s = System::initial(p);
    Json t = Json::array();
    lockref::SplitMix64 rng{42};
    for (int i = 0; i < 3000; ++i) {
      // Mostly KMB steps and engine ticks; sometimes a command, the clock, a fault.
      auto cands = System::candidate_events(p, s);
      const auto r = rng.below(20);
      const sys::Event e = r < 8 ? sys::Event{KmbStep{}} : r < 14 ? sys::Event{EngineTick{}}
                           : r < 18 ? cands[rng.below(5)] : r < 19 ? sys::Event{ClockTick{}} : cands[rng.below(cands.size())];
      auto st = System::step(p, s, e);
      if (std::holds_alternative<SystemPowerCycle>(e)) t.push_back(Json{{"event", "power_cycle"}});
      for (const auto& op : st.out.bus) t.push_back(access_json(op));
      s = st.next;
    }
    auto a = check_regs(t, to_json(ep));
    INFO(a.dump().substr(0, 400));
    CHECK(a["conforms"] == true);
    CHECK(a["accesses"].get<int>() > 1000);
  }
}


TEST_CASE("kmb-driver: CLEAR_KEY_CACHE writes only CTRL, CMD=Zeroize with EXE, after the RDY check (Figure 53)") {
  // seed 001 Appendix C.17 Figure 53: [002] Read Control Reg, then [007] Write Control Reg
  // (CMD = Sanitize, DN = 0b, EXE = 1b); no METD, AUX or MEK write (Table 9 CMD 3h "Zeroize").
  sys::Profile p;
  const auto r = run_command(p, powered(p), kmb::clear_key_cache(100));
  CHECK(r.result == "ok");
  std::size_t writes = 0;
  for (const auto& op : r.bus) {
    if (op.op != kmb::Dir::write) continue;
    CHECK(op.reg == Reg::ctrl);
    if (writes++ == 0) {
      REQUIRE(op.value);
      CHECK(*op.value == ((3u << 2) | 1u));  // CMD (5:2) = 3h, EXE (0) = 1
    }
  }
  CHECK(writes == 2);  // the command, then DN = 1b ([014])
  REQUIRE_FALSE(r.bus.empty());
  CHECK(r.bus.front().op == kmb::Dir::read);
}

TEST_CASE("engine-regs: an event line of a register transcript holds the field \"event\" and nothing else") {
  // README (engine-regs): a transcript line is a register access {reg|addr, op, value|data,
  // offset} or an event {"event": power_cycle | fatal_error | tick}; a line mixing both is
  // malformed, not silently read as the event.
  CHECK(parse_access(Json{{"event", "tick"}}));
  CHECK_FALSE(parse_access(Json{{"event", "tick"}, {"reg", "CTRL"}}));
  CHECK_FALSE(parse_access(Json{{"event", "power_cycle"}, {"op", "read"}, {"value", "0x80000000"}}));
  CHECK_FALSE(check_regs(Json::array({Json{{"event", "tick"}, {"reg", "CTRL"}, {"op", "read"}}}))["ok"].get<bool>());
}


TEST_CASE("engine: each outcome names its requirement (Table 11 reserved CMD, Table 60 item 4, Figure 34)") {
  // seed 001 Table 11: "0h Reserved; 4h to Fh Reserved" (EE-T11-RESERVED); Table 60 item 4:
  // "The encryption engine shall remove all MEKs ... on a power cycle" (EE-T60-4); CTRL is
  // Figure 34's state machine (EE-FIG34).
  const auto p = strict();
  for (std::uint8_t cmd : {std::uint8_t{0x0}, std::uint8_t{0x4}, std::uint8_t{0xA}, std::uint8_t{0xF}}) {
    const auto x = execute(p, cmd, Entry{}, {});
    CHECK(x.rule == "EE-T11-RESERVED");
    CHECK(x.err == p.err_reserved_cmd);
  }
  auto seq = load_seq(1);
  seq.push_back(tick);
  const auto loaded = run(p, seq, ready(p));
  REQUIRE(loaded.s.cache.size() == 1);
  const auto pc = Machine::step(p, loaded.s, Ev{PowerCycle{}});
  CHECK(pc.out.rule == "EE-T60-4");
  CHECK(pc.next.cache.empty());
  CHECK(Machine::view_requirement("ctrl") == "EE-FIG34");
  CHECK(Machine::view_requirement("ctrl_value") == "EE-FIG34");
  CHECK(Machine::view_requirement("cache_size") == "EE-4.7.1.1-CACHE");
}

TEST_CASE("engine: AES-XTS halves that differ in their last byte only are two keys (4.6.5.5)") {
  // §4.6.5.5 / FIPS 140-3 IG C.I: the check refuses Key_1 == Key_2, all 32 bytes; halves
  // equal but for byte 31 pass it.
  const auto p = strict();
  Bytes k(64);
  for (std::size_t i = 0; i < 64; ++i) k[i] = static_cast<std::uint8_t>(i % 32);
  k[63] ^= 0x01;  // Key_2's last byte
  auto r = run(p, {wr(Reg::metd, metd_bytes(1)), wr(Reg::mek, k), wc(0x5), tick}, ready(p));
  CHECK(decode(ctrl(r.s)).err == 0);
  CHECK(r.s.cache.size() == 1);
  Entry e;
  std::copy(k.begin(), k.end(), e.mek.begin());
  CHECK(execute(p, 0x1, e, {}).rule == "EE-T11-LOAD");
}

TEST_CASE("engine-regs: a CTRL value of one character \"0\" is zero, whatever follows the view") {
  // parse_ctrl takes a string_view: only its own characters count ("0x" is a prefix only
  // when both characters are in the view).
  const std::string_view text = "0x5";
  const auto v = parse_ctrl(text.substr(0, 1));
  REQUIRE(v);
  CHECK(*v == 0u);
  CHECK(parse_ctrl(text).value() == 5u);
}

}  // namespace LOCKREF_UNITY_ID
