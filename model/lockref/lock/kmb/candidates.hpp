// OCP L.O.C.K. 0.9 KMB: the events exploration and corpora try in a state, and the
// invariants checked on every state. Included at the end of kmb.hpp.
#pragma once
#include "lockref/lock/kmb/host.hpp"

namespace lockref::lock::kmb {

/// Valid and invalid mailbox traffic for a state: every command with well-formed inputs that
/// succeed where the state allows (access keys sealed to the current keypairs, an MPK locked
/// under the current HEK, a WrappedMek under the current MPK secret), plus malformed requests,
/// an unknown code, a bad checksum, and the resets and faults.
inline std::vector<Event> Machine::candidate_events(const Profile& p, const State& s) {
  using namespace host;
  std::vector<Event> out{ColdReset{}, WarmReset{}, FirmwareUpdateReset{}, StirEntropy{Bytes(32, 0x5A)}, FatalError{},
                         EngineFatal{}};
  const auto sek = filled<32>(0x20), dpk = filled<32>(0x30), nonce = filled<32>(0x70);
  const auto metd = filled<20>(1);
  const auto aux = filled<32>(0x90);
  out.push_back(report_hek_metadata(epoch::table15(s.fuses.slots, s.fuses.perma_hek)));
  out.push_back(simple<GET_STATUS>());
  out.push_back(simple<GET_ALGORITHMS>());
  out.push_back(simple<ENUMERATE_HPKE_HANDLES>());
  out.push_back(simple<INITIALIZE_MEK_SECRET>());
  out.push_back(clear_key_cache(64));
  out.push_back(report_epoch_key_state(1, filled<16>(0xA0)));
  out.push_back(Mailbox{0x12345678, Bytes(4, 0)});                               // unknown code
  out.push_back(Mailbox{GET_ALGORITHMS::code, Bytes{0, 0, 0, 0}});              // bad checksum
  auto trunc = simple<ENUMERATE_HPKE_HANDLES>();
  trunc.payload.pop_back();
  seal_checksum(trunc.cmd, trunc.payload);
  out.push_back(trunc);                                                          // wrong length
  out.push_back(unload_mek(metd, 64));
  out.push_back(derive_mek(sek, dpk, U8<16>{}, metd, aux, 64));
  out.push_back(generate_mek(sek, dpk));
  // What runtime firmware will hold once it boots.
  State b = s;
  if (b.boot == Boot::rom) runtime_boot(p, b);
  out.push_back(endorse_pub_key(999, 0));
  if (b.hpke.empty()) return out;
  const Keypair& kp = b.hpke.front();
  out.push_back(endorse_pub_key(kp.handle, 0));
  out.push_back(rotate(kp.handle));
  const Bytes ak(32, 0x41), ak2(32, 0x42);
  auto one = seal(p, kp, {}, {ak}, randomness_for(kp.hpke_algorithm, s.trng_samples));
  auto two = seal(p, kp, {}, {ak, ak2}, randomness_for(kp.hpke_algorithm, s.trng_samples + 1));
  if (!one || !two) return out;
  out.push_back(generate_mpk(sek, to_bytes("mpk-0"), one->sealed));
  if (!b.kv.hek) return out;
  const rev09::Profile kp09;
  const Bytes mpk(32, 0x50);
  auto locked = rev09::lock_mpk(kp09, *b.kv.hek, sek, ak, mpk, Bytes(12, 1), Bytes(12, 2), to_bytes("mpk-0"));
  if (!locked) return out;
  const auto lm = LockedMpk::from_key(*locked);
  out.push_back(enable_mpk(sek, one->sealed, lm));
  out.push_back(test_access_key(sek, nonce, lm, one->sealed));
  out.push_back(rewrap_mpk(sek, lm, two->sealed, two->second));
  if (b.kv.vek) {
    auto en = rev09::wrap_key(kp09, WrappedKeyType::enabled_mpk, *b.kv.vek, to_bytes(kp09.enabled_mpk_aes_label),
                              Bytes(12, 3), Bytes(12, 4), to_bytes("mpk-0"), mpk);
    if (en) out.push_back(mix_mpk(EnabledMpk::from_key(*en)));
  } else {
    out.push_back(mix_mpk(EnabledMpk::from_key(WrappedKey{WrappedKeyType::enabled_mpk, 0, {}, {}, {}, Bytes(32, 0), {}})));
  }
  if (b.kv.mpk_secret) {
    auto w = rev09::wrap_mek(kp09, *b.kv.mdk, mek_secret(b, sek, dpk), Bytes(64, 0x61), Bytes(12, 5), Bytes(12, 6), {});
    if (w) out.push_back(load_mek(sek, dpk, metd, aux, WrappedMek::from_key(*w), 64));
  }
  return out;
}

namespace inv {
/// Table 1: EPK, Locked MPK encryption keys, MEK secrets and MEKs are zeroized after each use.
inline bool kv_transients_empty(const Profile&, const State& s) {
  return !s.kv.epk && !s.kv.locked_mpk_key && !s.kv.mek_secret && !s.kv.mek;
}
/// §4.6.4.1 / Figure 37: runtime holds a HEK only if REPORT_HEK_METADATA reported an available one.
inline bool hek_only_if_reported(const Profile&, const State& s) {
  if (s.boot == Boot::rom || !s.kv.hek) return true;
  return s.hek_metadata.reported && epoch::is_available(epoch::table53(s.fuses.lifecycle, s.hek_metadata->seed_state));
}
/// §4.6.2.1: one keypair per supported algorithm, unique handles.
inline bool one_keypair_per_algorithm(const Profile& p, const State& s) {
  if (s.boot == Boot::rom) return s.hpke.empty();
  std::uint32_t algs = 0;
  for (std::size_t i = 0; i < s.hpke.size(); ++i) {
    if (algs & s.hpke[i].hpke_algorithm) return false;
    algs |= s.hpke[i].hpke_algorithm;
    for (std::size_t j = 0; j < i; ++j)
      if (s.hpke[j].handle == s.hpke[i].handle) return false;
  }
  return algs == p.hpke.hpke_algorithms;
}
/// Table 60 item 8 at KMB's boundary: with the HEK unavailable the key cache stays empty
/// (a cold reset empties it, and no MEK command passes without the HEK).
inline bool no_mek_without_hek(const Profile&, const State& s) {
  return s.kv.hek.has_value() || s.engine.engine.cache.empty();
}
/// Figure 20: the MPK secret, when initialized, is one HMAC512 output wide.
inline bool mpk_secret_width(const Profile&, const State& s) { return !s.kv.mpk_secret || s.kv.mpk_secret->size() == 64; }
}  // namespace inv

inline std::span<const Invariant<Machine>> Machine::invariants() {
  static constexpr Invariant<Machine> list[] = {
      {"invariant:kmb.kv_transients_empty", "KMB-4.6.1-T1", inv::kv_transients_empty},
      {"invariant:kmb.hek_only_if_reported", "KMB-4.6.4.1-RHMT-ONCE", inv::hek_only_if_reported},
      {"invariant:kmb.one_keypair_per_algorithm", "KMB-4.6.2.1-HANDLES", inv::one_keypair_per_algorithm},
      {"invariant:kmb.no_mek_without_hek", "KMB-T60-8", inv::no_mek_without_hek},
      {"invariant:kmb.mpk_secret_width", "KMB-4.7.2.14-1", inv::mpk_secret_width},
  };
  return list;
}

static_assert(lockref::StateMachine<Machine>);

}  // namespace lockref::lock::kmb
