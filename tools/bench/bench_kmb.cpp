// Benchmarks of the KMB mailbox machine (model/lockref/lock/kmb/): commands per second with
// their cryptography, each next to the raw Crypto++ calls the command needs, so the model's
// overhead (decoding, encoding, state copies, the engine's SFR exchange) is visible.
//   DERIVE_MEK   = 3 Preconditioned Key Extracts (EPK, MEK secret seed, MEK secret)
//                  + 1 AES-ECB block (checksum) + 1 HMAC-SHA512 (derived MEK)
//                  Preconditioned Key Extract = 1 AES-256 block + 2 HMAC-SHA512
//   MIX_MPK      = 1 HMAC-SHA512 (subkey) + AES-256-GCM open of 32 bytes + 1 Preconditioned Key Extract
//   GENERATE_MEK = 3 Preconditioned Key Extracts + HMAC_DRBG (88 bytes: 10 HMAC-SHA384)
//                  + 4 AES-ECB blocks (MDK) + 1 HMAC-SHA512 (subkey) + AES-256-GCM seal of 64 bytes
// Run: build/release/tools/bench/lockref-bench --benchmark_filter='Raw_(DeriveMek|MixMpk|GenerateMek)|Kmb_|Engine_RunCommand'
#include <benchmark/benchmark.h>
#include <cryptopp/aes.h>
#include <cryptopp/gcm.h>
#include <cryptopp/hmac.h>
#include <cryptopp/modes.h>
#include <cryptopp/sha.h>

#include "lockref/lock/kmb/kmb.hpp"

namespace LOCKREF_UNITY_ID {  // file-local: the benchmarks are one program, compiled as a unity build

using namespace lockref;
using namespace lockref::lock::kmb;
namespace epoch = lockref::lock::epoch;

namespace {

// ---- raw Crypto++: the operations each command needs ------------------------------------
void raw_hmac512(const Bytes& k, const Bytes& m, Bytes& out) {
  CryptoPP::HMAC<CryptoPP::SHA512> h(k.data(), k.size());
  out.resize(64);
  h.CalculateDigest(out.data(), m.data(), m.size());
}
void raw_hmac384(const Bytes& k, const Bytes& m, Bytes& out) {
  CryptoPP::HMAC<CryptoPP::SHA384> h(k.data(), k.size());
  out.resize(48);
  h.CalculateDigest(out.data(), m.data(), m.size());
}
void raw_aes_block(const Bytes& k, const std::uint8_t* in, std::uint8_t* out) {
  CryptoPP::AES::Encryption e(k.data(), 32);
  e.ProcessBlock(in, out);
}
/// Figure 3: checksum = AES(salt, 0), pre = HMAC512(key, [1]||label||0||checksum), out = HMAC512(salt, pre).
Bytes raw_pke(const Bytes& salt, const Bytes& key, const std::string& label) {
  Bytes ck(32, 0);
  std::copy(salt.begin(), salt.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(32, salt.size())), ck.begin());
  std::uint8_t zero[16] = {}, checksum[16];
  raw_aes_block(ck, zero, checksum);
  Bytes msg{0, 0, 0, 1};
  msg.insert(msg.end(), label.begin(), label.end());
  msg.push_back(0);
  msg.insert(msg.end(), checksum, checksum + 16);
  Bytes pre, out;
  raw_hmac512(key, msg, pre);
  raw_hmac512(salt, pre, out);
  return out;
}
const Bytes HEK(64, 0x10), SEK(32, 0x20), DPK(32, 0x30), MPKS(64, 0), MPK(32, 0x50);

void BM_Raw_DeriveMek(benchmark::State& st) {
  for (auto _ : st) {
    Bytes epk = raw_pke(SEK, HEK, "ocp_lock_epk");
    Bytes seed = raw_pke(DPK, epk, "ocp_lock_mek_secret_seed");
    Bytes secret = raw_pke(MPKS, seed, "ocp_lock_mek_secret");
    std::uint8_t zero[16] = {}, checksum[16];
    raw_aes_block(Bytes(secret.begin(), secret.begin() + 32), zero, checksum);
    Bytes mek;
    raw_hmac512(secret, to_bytes("\x00\x00\x00\x01" "derived_mek"), mek);
    benchmark::DoNotOptimize(mek.data());
  }
}
void BM_Raw_MixMpk(benchmark::State& st) {
  const Bytes vek(64, 0x18), iv(12, 2), salt(12, 1);
  Bytes ct(32), tag(16);
  {
    CryptoPP::GCM<CryptoPP::AES>::Encryption e;
    e.SetKeyWithIV(vek.data(), 32, iv.data(), 12);
    e.EncryptAndAuthenticate(ct.data(), tag.data(), 16, iv.data(), 12, salt.data(), salt.size(), MPK.data(), 32);
  }
  for (auto _ : st) {
    Bytes sub;
    raw_hmac512(vek, salt, sub);
    CryptoPP::GCM<CryptoPP::AES>::Decryption d;
    d.SetKeyWithIV(sub.data(), 32, iv.data(), 12);
    Bytes pt(32);
    bool ok = d.DecryptAndVerify(pt.data(), tag.data(), 16, iv.data(), 12, salt.data(), salt.size(), ct.data(), 32);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(raw_pke(MPKS, MPK, "ocp_lock_mpk_secret"));
  }
}
void BM_Raw_GenerateMek(benchmark::State& st) {
  const Bytes mdk(64, 0x16), iv(12, 2), salt(12, 1);
  for (auto _ : st) {
    Bytes epk = raw_pke(SEK, HEK, "ocp_lock_epk");
    Bytes seed = raw_pke(DPK, epk, "ocp_lock_mek_secret_seed");
    Bytes secret = raw_pke(MPKS, seed, "ocp_lock_mek_secret");
    Bytes k(48, 1), v(48, 2), t;
    for (int i = 0; i < 10; ++i) raw_hmac384(k, v, t);  // HMAC_DRBG: 88 bytes in three requests
    Bytes mek(64, 0x61), inner(64);
    CryptoPP::AES::Encryption e(mdk.data(), 32);
    for (int b = 0; b < 4; ++b) e.ProcessBlock(mek.data() + 16 * b, inner.data() + 16 * b);
    Bytes sub, ct(64), tag(16);
    raw_hmac512(secret, salt, sub);
    CryptoPP::GCM<CryptoPP::AES>::Encryption g;
    g.SetKeyWithIV(sub.data(), 32, iv.data(), 12);
    g.EncryptAndAuthenticate(ct.data(), tag.data(), 16, iv.data(), 12, salt.data(), salt.size(), inner.data(), 64);
    benchmark::DoNotOptimize(tag.data());
  }
}
BENCHMARK(BM_Raw_DeriveMek);
BENCHMARK(BM_Raw_MixMpk);
BENCHMARK(BM_Raw_GenerateMek);

// ---- the model: one mailbox command, from its request bytes to its response bytes ----------

struct Booted {
  Profile p;
  State s;
  EnabledMpk enabled;
  Booted() {
    p.hpke.hpke_algorithms = 0b001;
    p.mpk_secret_use = MpkSecretUse::kept;  // so one INITIALIZE serves every iteration
    p.engine.engine = engine::lenient();     // loads replace: every iteration programs the same entry
    s = Machine::initial(p);
    s = Machine::step(p, s, Event{host::report_hek_metadata(epoch::table15(s.fuses.slots, s.fuses.perma_hek))}).next;
    s = Machine::step(p, s, Event{host::simple<GET_STATUS>()}).next;
    const Keypair& kp = s.hpke.front();
    auto sk = host::seal(p, kp, {}, {Bytes(32, 0x41)}, host::randomness_for(1, 1)).value().sealed;
    auto g = Machine::step(p, s, Event{host::generate_mpk(host::filled<32>(0x20), to_bytes("m"), sk)});
    s = g.next;
    auto lm = std::get<GenerateMpkResp>(wire::decode<GenerateMpkResp>(g.out.response)).encrypted_mpk;
    auto en = Machine::step(p, s, Event{host::enable_mpk(host::filled<32>(0x20), sk, lm)});
    s = en.next;
    enabled = std::get<EnableMpkResp>(wire::decode<EnableMpkResp>(en.out.response)).enabled_mpk;
    s = Machine::step(p, s, Event{host::simple<INITIALIZE_MEK_SECRET>()}).next;
  }
};

void run(benchmark::State& st, const Booted& b, const Event& e) {
  for (auto _ : st) {
    auto r = Machine::step(b.p, b.s, e);
    if (!r.out.is_ok()) st.SkipWithError(r.out.status.c_str());
    benchmark::DoNotOptimize(r.out.response.data());
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}

void BM_Kmb_DeriveMek(benchmark::State& st) {
  static const Booted b;
  run(st, b, host::derive_mek(host::filled<32>(0x20), host::filled<32>(0x30), {}, host::filled<20>(1), {}, 100));
}
void BM_Kmb_MixMpk(benchmark::State& st) {
  static const Booted b;
  run(st, b, host::mix_mpk(b.enabled));
}
void BM_Kmb_GenerateMek(benchmark::State& st) {
  static const Booted b;
  run(st, b, host::generate_mek(host::filled<32>(0x20), host::filled<32>(0x30)));
}
void BM_Kmb_GenerateMpk(benchmark::State& st) {
  static const Booted b;
  const Keypair& kp = b.s.hpke.front();
  auto sk = host::seal(b.p, kp, {}, {Bytes(32, 0x41)}, host::randomness_for(1, 2)).value().sealed;
  run(st, b, host::generate_mpk(host::filled<32>(0x20), to_bytes("m"), sk));
}
void BM_Kmb_GetAlgorithms(benchmark::State& st) {
  static const Booted b;
  run(st, b, host::simple<GET_ALGORITHMS>());
}
void BM_Kmb_UnloadMek(benchmark::State& st) {
  static const Booted b;
  Booted c = b;
  c.p.engine.engine.unload_absent_ok = true;
  run(st, c, host::unload_mek(host::filled<20>(1), 100));
}
/// The part of DERIVE_MEK that is not cryptography: the engine's SFR exchange alone.
void BM_Engine_RunCommand(benchmark::State& st) {
  static const Booted b;
  const auto req = engine::kmb::load_mek(host::filled<20>(1), {}, engine::Mek{1, 2, 3}, 100);
  for (auto _ : st) benchmark::DoNotOptimize(engine::sys::run_command(b.p.engine, b.s.engine, req).result);
}
BENCHMARK(BM_Kmb_DeriveMek);
BENCHMARK(BM_Kmb_MixMpk);
BENCHMARK(BM_Kmb_GenerateMek);
BENCHMARK(BM_Kmb_GenerateMpk);
BENCHMARK(BM_Kmb_GetAlgorithms);
BENCHMARK(BM_Kmb_UnloadMek);
BENCHMARK(BM_Engine_RunCommand);

}  // namespace

}  // namespace LOCKREF_UNITY_ID
