// Properties of the KMB mailbox machine and the composed drive (seed 001 §4.6, §4.7.2,
// Table 60), on random command sequences with all three resets. A host harness plays drive
// firmware and a key-management service: it keeps what KMB returned (Locked and Enabled
// MPKs, Wrapped MEKs) and sends them back, correct or not. Each property is a template over
// the machine and is shown to FAIL on a deliberately broken variant (mutant) in the same
// TEST_CASE.
#include <rapidcheck.h>

#include <algorithm>

#include "lockref/drive/drive.hpp"
#include "lockref/lock/kmb/kmb.hpp"
#include "support.hpp"

// Unity build (CMakeLists.txt lockref_unity): this file's names stay its own, apart from
// the other sources compiled with it in one translation unit.
namespace LOCKREF_UNITY_ID {
using namespace lockref;
using namespace lockref::lock::kmb;
namespace epoch = lockref::lock::epoch;
namespace drive = lockref::drive;
using lockref::prop::fails;
using lockref::prop::holds;

namespace {

const Bytes kAks[3] = {Bytes(32, 0x41), Bytes(32, 0x42), Bytes(32, 0x43)};
U8<32> sek_of(std::uint32_t i) { return host::filled<32>(static_cast<std::uint8_t>(0x20 + 0x40 * (i % 2))); }
U8<32> dpk_of(std::uint32_t i) { return host::filled<32>(static_cast<std::uint8_t>(0x30 + 0x40 * (i % 3))); }

/// What drive firmware and the key-management service remember between commands.
struct HostMemory {
  std::vector<std::pair<LockedMpk, std::size_t>> locked;  // with the index of its access key
  std::vector<EnabledMpk> enabled;
  std::vector<WrappedMek> meks;
  std::uint64_t encaps = 0;
};

struct Step1 {
  State before;
  Event event;
  State after;
  Output out;
};

template <class M>
std::optional<SealedAccessKey> seal_to(const Profile& p, const State& s, std::vector<Bytes> keys, HostMemory& h,
                                       Bytes* second = nullptr) {
  if (s.hpke.empty()) return std::nullopt;
  const Keypair& kp = s.hpke.front();
  auto r = host::seal(p, kp, {}, keys, host::randomness_for(kp.hpke_algorithm, h.encaps++));
  if (!r) return std::nullopt;
  if (second) *second = r->second;
  return r->sealed;
}

/// One event from one random word: mailbox traffic built from what the host remembers, garbage,
/// and resets (cold, warm, firmware update).
template <class M>
Event event_of(const Profile& p, const State& s, HostMemory& h, std::uint32_t w) {
  const std::uint32_t kind = w % 24, a = w / 24;
  auto pick = [&](std::size_t n) { return n ? static_cast<std::size_t>(a % n) : 0; };
  const auto metd = host::filled<20>(static_cast<std::uint8_t>(a % 3));
  switch (kind) {
    case 0: return host::report_hek_metadata(epoch::table15(s.fuses.slots, s.fuses.perma_hek));
    case 1: return host::simple<GET_STATUS>();
    case 2: return host::simple<ENUMERATE_HPKE_HANDLES>();
    case 3: return host::endorse_pub_key(s.hpke.empty() ? 1 : s.hpke[pick(s.hpke.size())].handle, 0);
    case 4: return host::rotate(s.hpke.empty() ? 1 : s.hpke[pick(s.hpke.size())].handle);
    case 5:
    case 6:
      if (auto sk = seal_to<M>(p, s, {kAks[a % 3]}, h)) return host::generate_mpk(sek_of(a / 3), to_bytes("m"), *sk);
      return host::simple<GET_ALGORITHMS>();
    case 7:
    case 8:
      if (!h.locked.empty()) {
        const auto& [lm, ak] = h.locked[pick(h.locked.size())];
        const std::size_t use = (a / 7) % 4 == 0 ? (ak + 1) % 3 : ak;  // now and then the wrong key
        if (auto sk = seal_to<M>(p, s, {kAks[use]}, h)) return host::enable_mpk(sek_of(0), *sk, lm);
      }
      return host::simple<GET_STATUS>();
    case 9:
      if (!h.locked.empty()) {
        const auto& [lm, ak] = h.locked[pick(h.locked.size())];
        Bytes second;
        if (auto sk = seal_to<M>(p, s, {kAks[ak], kAks[(ak + 1) % 3]}, h, &second))
          return host::rewrap_mpk(sek_of(0), lm, *sk, second);
      }
      return host::simple<GET_STATUS>();
    case 10:
    case 11: return host::simple<INITIALIZE_MEK_SECRET>();
    case 12:
    case 13:
      if (!h.enabled.empty()) return host::mix_mpk(h.enabled[pick(h.enabled.size())]);
      return host::simple<INITIALIZE_MEK_SECRET>();
    case 14: return host::generate_mek(sek_of(0), dpk_of(a / 5));
    case 15:
    case 16:
      if (!h.meks.empty()) return host::load_mek(sek_of(0), dpk_of(a / 5), metd, {}, h.meks[pick(h.meks.size())], 50);
      return host::generate_mek(sek_of(0), dpk_of(a / 5));
    case 17: return host::derive_mek(sek_of(0), dpk_of(a / 5), {}, metd, {}, 50);
    case 18: return host::unload_mek(metd, 50);
    case 19: return host::clear_key_cache(50);
    case 20: {  // garbage: a catalogue code (or not) with random bytes, checksum right half the time
      std::uint32_t cmd = 0x12345678;
      std::size_t i = 0, want = a % 20;
      for_each_command([&](auto c) { if (i++ == want) cmd = decltype(c)::code; });
      Bytes b(4 + (a / 20) % 120);
      for (std::size_t k = 0; k < b.size(); ++k) b[k] = static_cast<std::uint8_t>((a * 2654435761u) >> (k % 24));
      if ((a / 7) % 2) seal_checksum(cmd, b);
      return Mailbox{cmd, b};
    }
    case 21: return ColdReset{};
    case 22: return WarmReset{};
    default: return FirmwareUpdateReset{};
  }
}

/// Remember what a successful command returned (GENERATE_MPK is remembered by the walk, which
/// knows the access key it sealed).
void remember(const Event& e, const Output& o, HostMemory& h) {
  const auto* m = std::get_if<Mailbox>(&e);
  if (!m || !o.is_ok()) return;
  if (m->cmd == ENABLE_MPK::code) {
    auto r = wire::decode<EnableMpkResp>(o.response);
    if (std::holds_alternative<EnableMpkResp>(r)) h.enabled.push_back(std::get<EnableMpkResp>(r).enabled_mpk);
  } else if (m->cmd == GENERATE_MEK::code) {
    auto r = wire::decode<GenerateMekResp>(o.response);
    if (std::holds_alternative<GenerateMekResp>(r)) h.meks.push_back(std::get<GenerateMekResp>(r).wrapped_mek);
  }
}

template <class M>
std::vector<Step1> walk(const Profile& p, const std::vector<std::uint32_t>& words) {
  std::vector<Step1> t;
  HostMemory h;
  State s = M::initial(p);
  for (auto w : words) {
    Event e = event_of<M>(p, s, h, w);
    auto st = M::step(p, s, e);
    if (const auto* m = std::get_if<Mailbox>(&e); m && m->cmd == GENERATE_MPK::code && st.out.is_ok()) {
      auto r = wire::decode<GenerateMpkResp>(st.out.response);
      if (std::holds_alternative<GenerateMpkResp>(r)) h.locked.push_back({std::get<GenerateMpkResp>(r).encrypted_mpk, (w / 24) % 3});
    } else {
      remember(e, st.out, h);
    }
    t.push_back({s, e, st.next, st.out});
    s = st.next;
  }
  return t;
}

template <class M>
std::vector<Step1> gen_walk(const Profile& p = {}) {
  const auto n = *rc::gen::resize(100, rc::gen::inRange<std::size_t>(10, 60));
  auto words = *rc::gen::resize(100, rc::gen::container<std::vector<std::uint32_t>>(n, rc::gen::arbitrary<std::uint32_t>()));
  // Boot properly most of the time: REPORT_HEK_METADATA first.
  if (*rc::gen::inRange(0, 4) != 0) words.insert(words.begin(), 0);
  return walk<M>(p, words);
}

// ---- mutants ----------------------------------------------------------------------------

/// Leaks the MEK it programmed into the response (§4.6: "MEKs are never visible to drive firmware").
struct LeaksMek : Machine {
  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (r.out.engine && r.out.engine->request.command == engine::Command::load_mek)
      r.out.response.insert(r.out.response.end(), r.out.engine->request.mek.begin(), r.out.engine->request.mek.end());
    return r;
  }
};
/// Loads MEKs even though the HEK is unavailable (it re-derives one from the fuses).
struct IgnoresHek : Machine {
  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    if (s.boot == Boot::runtime && !s.kv.hek) {
      State t = s;
      t.kv.hek = Bytes(64, 0x77);
      auto r = Machine::step(p, t, e);
      if (!r.next.kv.hek || *r.next.kv.hek == Bytes(64, 0x77)) r.next.kv.hek.reset();
      return r;
    }
    return Machine::step(p, s, e);
  }
};
/// Leaves the MEK in Key Vault slot 23 after programming the engine (Table 1).
struct KeepsMekInKv : Machine {
  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (r.out.engine) r.next.kv.mek = Bytes(r.out.engine->request.mek.begin(), r.out.engine->request.mek.end());
    return r;
  }
};
/// Ignores the DPK when deriving the MEK secret (every request's DPK replaced by zeros).
struct IgnoresDpk : Machine {
  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    if (const auto* m = std::get_if<Mailbox>(&e); m && (m->cmd == LOAD_MEK::code || m->cmd == GENERATE_MEK::code ||
                                                        m->cmd == DERIVE_MEK::code)) {
      Mailbox x = *m;
      std::fill(x.payload.begin() + 40, x.payload.begin() + 72, 0);  // dpk at offset 4+4+32
      seal_checksum(x.cmd, x.payload);
      return Machine::step(p, s, Event{x});
    }
    return Machine::step(p, s, e);
  }
};
/// A cold reset re-derives the platform secrets with fresh randomness (so the HEK changes).
struct FreshCdiOnColdReset : Machine {
  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    if (std::holds_alternative<ColdReset>(e)) {
      State t = s;
      t.platform.idevid_cdi[0] ^= static_cast<std::uint8_t>(1 + s.trng_samples);
      return Machine::step(p, t, e);
    }
    return Machine::step(p, s, e);
  }
};
/// REWRAP_MPK returns the MPK still bound to the current access key.
struct RewrapKeepsOldKey : Machine {
  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (const auto* m = std::get_if<Mailbox>(&e); m && m->cmd == REWRAP_MPK::code && r.out.is_ok()) {
      auto req = std::get<RewrapMpkReq>(wire::decode<RewrapMpkReq>(m->payload));
      RewrapMpkResp resp{};
      resp.new_locked_mpk = req.current_locked_mpk;
      r.out.response = wire::encode(resp);
      seal_checksum(0, r.out.response);
    }
    return r;
  }
};
/// Answers some malformed requests with no result code at all.
struct SilentOnGarbage : Machine {
  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    auto r = Machine::step(p, s, e);
    if (r.out.status == "LOCK_MALFORMED_REQUEST") r.out.status.clear();
    return r;
  }
};
/// Every HEK slot holds the same seed: zeroizing a slot and programming the next changes nothing.
struct OneHekSeed : Machine {
  static Step<State, Output> step(const Profile& p, const State& s, const Event& e) {
    State t = s;
    for (auto& x : t.platform.hek_seeds) x = t.platform.hek_seeds.front();
    return Machine::step(p, t, e);
  }
};

// ---- properties ---------------------------------------------------------------------------

/// Walks for the MEK properties use the P-384 keypair only: every cold reset regenerates the
/// keypairs and the ML-KEM ones dominate the run time; ML-KEM and the hybrid are exercised by
/// the invariant walk below and the HPKE suites.
Profile p384_only() {
  Profile p;
  p.hpke.hpke_algorithms = 0b001;
  return p;
}

template <class M>
auto mek_never_in_response() {
  return [] {
    const auto t = gen_walk<M>(p384_only());
    std::vector<Bytes> meks;
    for (const auto& x : t)
      if (x.out.engine && x.out.engine->request.command == engine::Command::load_mek)
        meks.emplace_back(x.out.engine->request.mek.begin(), x.out.engine->request.mek.end());
    for (const auto& mek : meks)
      for (const auto& x : t)
        for (std::size_t half = 0; half < 2; ++half) {  // either AES-XTS half alone
          const auto b = mek.begin() + static_cast<std::ptrdiff_t>(32 * half);
          RC_ASSERT(std::search(x.out.response.begin(), x.out.response.end(), b, b + 32) == x.out.response.end());
        }
  };
}

template <class M>
auto no_mek_without_hek() {
  return [] {
    const auto t = gen_walk<M>(p384_only());
    for (const auto& x : t) {
      if (!x.out.engine || x.out.engine->request.command != engine::Command::load_mek) continue;
      const auto reported = M::hek_state(p384_only(), x.before.boot == Boot::rom ? x.after : x.before);
      RC_ASSERT(epoch::is_available(reported));
    }
  };
}

template <class M>
auto invariants_hold() {
  return [] {
    Profile p;
    const auto t = gen_walk<M>(p);
    for (const auto& x : t)
      for (const auto& i : Machine::invariants()) RC_ASSERT(i.holds(p, x.after));
  };
}

template <class M>
auto every_byte_string_has_a_code() {
  return [] {
    Profile p;
    State s = M::initial(p);
    const auto n = *rc::gen::inRange(1, 12);
    for (int i = 0; i < n; ++i) {
      const bool catalogue = *rc::gen::arbitrary<bool>();
      std::uint32_t cmd = *rc::gen::arbitrary<std::uint32_t>();
      if (catalogue) {
        std::size_t k = 0, want = *rc::gen::inRange<std::size_t>(0, 18);
        for_each_command([&](auto c) { if (k++ == want) cmd = decltype(c)::code; });
      }
      Bytes b = *rc::gen::container<Bytes>(rc::gen::arbitrary<std::uint8_t>());
      if (*rc::gen::arbitrary<bool>()) seal_checksum(cmd, b);
      auto st = M::step(p, s, Event{Mailbox{cmd, b}});
      RC_ASSERT(!st.out.status.empty());
      RC_ASSERT(code_value(st.out.status).has_value() || st.out.status.rfind("LOCK_ENGINE_CODE", 0) == 0);
      if (!st.out.is_ok()) RC_ASSERT(st.out.result_code != 0u);
      s = st.next;
    }
  };
}

/// Sets up a booted KMB with `n` enabled MPKs mixed in order, returns the state.
template <class M>
State booted(const Profile& p) {
  State s = M::initial(p);
  s = M::step(p, s, Event{host::report_hek_metadata(epoch::table15(s.fuses.slots, s.fuses.perma_hek))}).next;
  return M::step(p, s, Event{host::simple<GET_STATUS>()}).next;
}
template <class M>
std::vector<EnabledMpk> enable_all(const Profile& p, State& s, const std::vector<LockedMpk>& locked, const U8<32>& sek,
                                   HostMemory& h) {
  std::vector<EnabledMpk> out;
  for (std::size_t i = 0; i < locked.size(); ++i) {
    auto sk = seal_to<M>(p, s, {kAks[i]}, h);
    auto st = M::step(p, s, Event{host::enable_mpk(sek, *sk, locked[i])});
    s = st.next;
    RC_ASSERT(st.out.status == "ok");
    out.push_back(std::get<EnableMpkResp>(wire::decode<EnableMpkResp>(st.out.response)).enabled_mpk);
  }
  return out;
}
template <class M>
Output mek_command(const Profile& p, State& s, const std::vector<EnabledMpk>& mix, const Mailbox& m) {
  s = M::step(p, s, Event{host::simple<INITIALIZE_MEK_SECRET>()}).next;
  for (const auto& e : mix) s = M::step(p, s, Event{host::mix_mpk(e)}).next;
  auto st = M::step(p, s, Event{m});
  s = st.next;
  return st.out;
}

template <class M>
auto load_after_generate() {
  return [] {
    Profile p;
    p.seed = *rc::gen::arbitrary<std::uint64_t>();
    State s = booted<M>(p);
    HostMemory h;
    const auto sek = sek_of(0), dpk = dpk_of(*rc::gen::inRange(0, 3));
    const auto n = *rc::gen::inRange<std::size_t>(0, 4);
    std::vector<LockedMpk> locked;
    for (std::size_t i = 0; i < n; ++i) {
      auto st = M::step(p, s, Event{host::generate_mpk(sek, to_bytes("m" + std::to_string(i)), *seal_to<M>(p, s, {kAks[i]}, h))});
      s = st.next;
      RC_ASSERT(st.out.status == "ok");
      locked.push_back(std::get<GenerateMpkResp>(wire::decode<GenerateMpkResp>(st.out.response)).encrypted_mpk);
    }
    auto en = enable_all<M>(p, s, locked, sek, h);
    auto gen = mek_command<M>(p, s, en, host::generate_mek(sek, dpk));
    RC_ASSERT(gen.status == "ok");
    const auto w = std::get<GenerateMekResp>(wire::decode<GenerateMekResp>(gen.response)).wrapped_mek;
    const auto metd = host::filled<20>(9);
    auto l1 = mek_command<M>(p, s, en, host::load_mek(sek, dpk, metd, {}, w, 50));
    RC_ASSERT(l1.status == "ok");
    s = M::step(p, s, Event{host::unload_mek(metd, 50)}).next;
    auto l2 = mek_command<M>(p, s, en, host::load_mek(sek, dpk, metd, {}, w, 50));
    RC_ASSERT(l2.status == "ok");
    RC_ASSERT(l1.engine->request.mek == l2.engine->request.mek);
    s = M::step(p, s, Event{host::unload_mek(metd, 50)}).next;
    // One change of input: SEK, DPK, an MPK dropped, the MPK order, or the HEK.
    const int change = *rc::gen::inRange(0, 5);
    auto mix = en;
    auto sek2 = sek, dpk2 = dpk;
    if (change == 0) sek2 = sek_of(1);
    if (change == 1) dpk2 = dpk_of(dpk[0] == dpk_of(0)[0] ? 1 : 0);
    if (change == 2) {
      if (mix.empty()) sek2 = sek_of(1);
      else mix.pop_back();
    }
    if (change == 3) {
      if (mix.size() < 2) dpk2 = dpk_of(dpk[0] == dpk_of(0)[0] ? 1 : 0);
      else std::swap(mix.front(), mix.back());
    }
    if (change == 4) {  // the next HEK slot: zeroized slot 0, slot 1 randomized, cold reset
      State t = s;
      t.fuses.slots = {epoch::Slot::zeroized, epoch::Slot::randomized, epoch::Slot::blank, epoch::Slot::blank};
      t = M::step(p, t, Event{ColdReset{}}).next;
      t = M::step(p, t, Event{host::report_hek_metadata(epoch::table15(t.fuses.slots, t.fuses.perma_hek))}).next;
      t = M::step(p, t, Event{host::simple<GET_STATUS>()}).next;
      // Enabled MPKs do not survive the cold reset; the locked ones no longer open either.
      s = t;
      mix.clear();
      auto st = mek_command<M>(p, s, {}, host::load_mek(sek, dpk, metd, {}, w, 50));
      RC_ASSERT(st.status == "LOCK_MEK_DECRYPT");
      return;
    }
    auto bad = mek_command<M>(p, s, mix, host::load_mek(sek2, dpk2, metd, {}, w, 50));
    RC_ASSERT(bad.status == "LOCK_MEK_DECRYPT");
    RC_ASSERT(!bad.engine);
  };
}

template <class M>
auto derive_deterministic_across_resets() {
  return [] {
    Profile p;
    p.seed = *rc::gen::arbitrary<std::uint64_t>();
    p.hpke.hpke_algorithms = 0b001;  // cold resets regenerate keypairs: P-384 only keeps it quick
    State s = booted<M>(p);
    HostMemory h;
    const auto sek = sek_of(0), dpk = dpk_of(1);
    auto gm = M::step(p, s, Event{host::generate_mpk(sek, to_bytes("d"), *seal_to<M>(p, s, {kAks[0]}, h))});
    s = gm.next;
    const auto lm = std::get<GenerateMpkResp>(wire::decode<GenerateMpkResp>(gm.out.response)).encrypted_mpk;
    const auto metd = host::filled<20>(4);
    auto d1 = mek_command<M>(p, s, enable_all<M>(p, s, {lm}, sek, h), host::derive_mek(sek, dpk, {}, metd, {}, 50));
    RC_ASSERT(d1.status == "ok");
    const auto resets = *rc::gen::container<std::vector<int>>(*rc::gen::inRange<std::size_t>(1, 7), rc::gen::inRange(0, 3));
    for (int r : resets) {
      if (r == 0) s = M::step(p, s, Event{WarmReset{}}).next;
      if (r == 1) s = M::step(p, s, Event{FirmwareUpdateReset{}}).next;
      if (r == 2) {
        s = M::step(p, s, Event{ColdReset{}}).next;
        s = M::step(p, s, Event{host::report_hek_metadata(epoch::table15(s.fuses.slots, s.fuses.perma_hek))}).next;
        s = M::step(p, s, Event{host::simple<GET_STATUS>()}).next;
      }
    }
    s = M::step(p, s, Event{host::unload_mek(metd, 50)}).next;
    auto d2 = mek_command<M>(p, s, enable_all<M>(p, s, {lm}, sek, h), host::derive_mek(sek, dpk, {}, metd, {}, 50));
    RC_ASSERT(d2.status == "ok");
    RC_ASSERT(d1.response == d2.response);  // the same mek_checksum
    RC_ASSERT(d1.engine->request.mek == d2.engine->request.mek);
  };
}

template <class M>
auto rewrap_old_fails_new_passes() {
  return [] {
    Profile p;
    p.seed = *rc::gen::arbitrary<std::uint64_t>();
    State s = booted<M>(p);
    HostMemory h;
    const auto sek = sek_of(0);
    const auto cur = *rc::gen::inRange<std::size_t>(0, 3), nxt = (cur + *rc::gen::inRange<std::size_t>(1, 3)) % 3;
    auto gm = M::step(p, s, Event{host::generate_mpk(sek, to_bytes("r"), *seal_to<M>(p, s, {kAks[cur]}, h))});
    s = gm.next;
    const auto lm = std::get<GenerateMpkResp>(wire::decode<GenerateMpkResp>(gm.out.response)).encrypted_mpk;
    Bytes second;
    auto sk = seal_to<M>(p, s, {kAks[cur], kAks[nxt]}, h, &second);
    auto rw = M::step(p, s, Event{host::rewrap_mpk(sek, lm, *sk, second)});
    s = rw.next;
    RC_ASSERT(rw.out.status == "ok");
    const auto fresh = std::get<RewrapMpkResp>(wire::decode<RewrapMpkResp>(rw.out.response)).new_locked_mpk;
    const auto nonce = host::filled<32>(3);
    auto old_key = M::step(p, s, Event{host::test_access_key(sek, nonce, fresh, *seal_to<M>(p, s, {kAks[cur]}, h))});
    RC_ASSERT(old_key.out.status == "LOCK_MPK_DECRYPT");
    auto new_key = M::step(p, s, Event{host::test_access_key(sek, nonce, fresh, *seal_to<M>(p, s, {kAks[nxt]}, h))});
    RC_ASSERT(new_key.out.status == "ok");
  };
}

// ---- drive ------------------------------------------------------------------------------

template <class K>
using Drive = drive::MachineT<K>;

/// Drive firmware that forgets §4.6.4: it passes LOAD_MEK/DERIVE_MEK to KMB with the SEK zeroized.
struct DriveIgnoresSek : drive::Machine {
  static Step<drive::State, drive::Output> step(const drive::Profile& p, const drive::State& s, const drive::Event& e) {
    if (const auto* c = std::get_if<drive::Command>(&e)) {
      namespace K = lockref::lock::kmb;
      auto st = K::Machine::step(p.kmb, s.kmb, K::Event{K::Mailbox{c->cmd, c->payload}});
      return {drive::State{st.next}, drive::Output{st.out.status, st.out.rule, st.out.command, st.out.response, st.out.engine, st.out.detail}};
    }
    return drive::Machine::step(p, s, e);
  }
};

/// Random drive histories: fuse and SEK operations, MEK traffic and resets.
template <class D>
auto drive_no_mek_while_epoch_key_zeroized() {
  return [] {
    drive::Profile p;
    auto s = D::initial(p);
    HostMemory h;
    const auto n = *rc::gen::resize(100, rc::gen::inRange(10, 50));
    for (int i = 0; i < n; ++i) {
      const auto w = *rc::gen::arbitrary<std::uint32_t>();
      drive::Event e;
      switch (w % 10) {
        case 0: e = drive::Epoch{epoch::ZeroizeSek{}}; break;
        case 1: e = drive::Epoch{epoch::ProgramSek{}}; break;
        case 2: e = drive::Epoch{epoch::ZeroizeCurrentHek{}}; break;
        case 3: e = drive::Epoch{epoch::ProgramNextHek{}}; break;
        case 4: e = drive::ColdReset{}; break;
        default: {
          auto k = event_of<Machine>(p.kmb, s.kmb, h, w / 10);
          if (const auto* m = std::get_if<Mailbox>(&k)) e = drive::Command{m->cmd, m->payload};
          else e = drive::WarmReset{};
        }
      }
      auto st = D::step(p, s, e);
      if (st.out.engine && st.out.engine->request.command == engine::Command::load_mek && st.out.engine->result == "ok")
        RC_ASSERT(epoch::view_of(s.kmb.fuses).mek_load_allowed);
      RC_ASSERT(D::inv_no_mek(p, st.next));
      if (const auto* c = std::get_if<drive::Command>(&e))
        remember(Event{Mailbox{c->cmd, c->payload}}, Output{st.out.status, "", 0, "", st.out.response, {}, ""}, h);
      s = st.next;
    }
  };
}

/// After a HEK zeroization (and the cold reset that makes it effective) no Locked MPK or
/// Wrapped MEK made before works again, whatever is programmed next — even with the old SEK.
template <class K>
auto drive_hek_zeroization_is_final() {
  return [] {
    using D = Drive<K>;
    drive::Profile p;
    p.kmb.seed = *rc::gen::arbitrary<std::uint64_t>();
    p.kmb.hpke.hpke_algorithms = 0b001;  // see derive_deterministic_across_resets
    auto s = D::initial(p);
    HostMemory h;
    const auto sek = sek_of(0), dpk = dpk_of(0);
    auto send = [&](const Mailbox& m) {
      auto st = D::step(p, s, drive::Event{drive::Command{m.cmd, m.payload}});
      s = st.next;
      return st.out;
    };
    send(host::simple<GET_STATUS>());
    auto gm = send(host::generate_mpk(sek, to_bytes("z"), *seal_to<K>(p.kmb, s.kmb, {kAks[0]}, h)));
    RC_ASSERT(gm.status == "ok");
    const auto lm = std::get<GenerateMpkResp>(wire::decode<GenerateMpkResp>(gm.response)).encrypted_mpk;
    send(host::simple<INITIALIZE_MEK_SECRET>());
    auto gk = send(host::generate_mek(sek, dpk));
    RC_ASSERT(gk.status == "ok");
    const auto wm = std::get<GenerateMekResp>(wire::decode<GenerateMekResp>(gk.response)).wrapped_mek;
    // Crypto-erase: SEK, then HEK (rule 2).
    s = D::step(p, s, drive::Event{drive::Epoch{epoch::ZeroizeSek{}}}).next;
    s = D::step(p, s, drive::Event{drive::Epoch{epoch::ZeroizeCurrentHek{}}}).next;
    RC_ASSERT(s.kmb.fuses.slots[0] == epoch::Slot::zeroized);
    // The zeroization takes effect at the next cold reset, when Caliptra ROM derives the HEK
    // again (errata E-KMB-HEK-ZEROIZE-WINDOW: until then the Key Vault keeps the old HEK).
    s = D::step(p, s, drive::Event{drive::ColdReset{}}).next;
    const auto later = *rc::gen::container<std::vector<int>>(*rc::gen::inRange<std::size_t>(1, 7), rc::gen::inRange(0, 5));
    for (int x : later) {
      drive::Event e{drive::WarmReset{}};
      if (x == 0) e = drive::Epoch{epoch::ProgramNextHek{}};
      if (x == 1) e = drive::Epoch{epoch::ProgramSek{}};
      if (x == 2) e = drive::ColdReset{};
      if (x == 4) e = drive::Epoch{epoch::EnablePermaHek{}};
      s = D::step(p, s, e).next;
      send(host::simple<GET_STATUS>());
      RC_ASSERT(send(host::enable_mpk(sek, *seal_to<K>(p.kmb, s.kmb, {kAks[0]}, h), lm)).status != "ok");
      send(host::simple<INITIALIZE_MEK_SECRET>());
      RC_ASSERT(send(host::load_mek(sek, dpk, host::filled<20>(1), {}, wm, 50)).status != "ok");
    }
  };
}

}  // namespace

TEST_CASE("kmb property: the plaintext MEK never appears in any response byte") {
  holds("MEK never in a response", mek_never_in_response<Machine>(), 25);
  fails("a KMB that returns the MEK it programmed", mek_never_in_response<LeaksMek>(), 200);
}

TEST_CASE("kmb property: no MEK reaches the engine while the HEK is unavailable") {
  holds("no MEK without the HEK", no_mek_without_hek<Machine>(), 25);
  fails("a KMB that loads without the HEK", no_mek_without_hek<IgnoresHek>(), 200);
}

TEST_CASE("kmb property: every invariant holds on random command sequences with all three resets") {
  holds("invariants on random walks", invariants_hold<Machine>(), 25);
  fails("a KMB that keeps the MEK in Key Vault slot 23", invariants_hold<KeepsMekInKv>(), 200);
}

TEST_CASE("kmb property: every random byte string fed to the decoder yields a result code") {
  holds("a code for every byte string", every_byte_string_has_a_code<Machine>(), 150);
  fails("a KMB silent on malformed requests", every_byte_string_has_a_code<SilentOnGarbage>(), 200);
}

TEST_CASE("kmb property: load after generate programs the same MEK and a changed HEK, SEK, DPK, MPK set or order fails with LOCK_MEK_DECRYPT") {
  holds("load after generate", load_after_generate<Machine>(), 25);
  fails("a KMB that ignores the DPK", load_after_generate<IgnoresDpk>(), 100);
}

TEST_CASE("kmb property: derive is deterministic across resets") {
  holds("derive across resets", derive_deterministic_across_resets<Machine>(), 12);
  fails("a cold reset that changes the platform secrets", derive_deterministic_across_resets<FreshCdiOnColdReset>(), 100);
}

TEST_CASE("kmb property: rewrap makes the old access key fail and the new one pass TEST_ACCESS_KEY") {
  holds("rewrap moves the MPK to the new key", rewrap_old_fails_new_passes<Machine>(), 20);
  fails("a REWRAP_MPK that keeps the old key", rewrap_old_fails_new_passes<RewrapKeepsOldKey>(), 100);
}

TEST_CASE("drive property: no MEK reaches the engine while the HEK is unavailable or the SEK is zeroized") {
  holds("Table 60 item 8 end to end", drive_no_mek_while_epoch_key_zeroized<drive::Machine>(), 40);
  fails("drive firmware that loads MEKs with the SEK zeroized", drive_no_mek_while_epoch_key_zeroized<DriveIgnoresSek>(), 300);
}

TEST_CASE("drive property: after a HEK zeroization no earlier wrapped MEK or locked MPK works again") {
  holds("HEK zeroization is final", drive_hek_zeroization_is_final<Machine>(), 12);
  fails("every HEK slot holds the same seed", drive_hek_zeroization_is_final<OneHekSeed>(), 100);
}

}  // namespace LOCKREF_UNITY_ID
