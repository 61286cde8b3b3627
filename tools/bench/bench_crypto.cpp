// Benchmarks of the OCP L.O.C.K. 0.9 constructions (model/lockref/lock/keys.hpp) next to
// the raw Crypto++ calls each one needs, so the model's overhead is visible:
//   Preconditioned Key Extract = 1 AES-ECB block + 2 HMAC-SHA512
//   Preconditioned AES-Encrypt = 1 HMAC-SHA512 + AES-256-GCM
//   MEK secret (n MPKs)        = (3 + n) Preconditioned Key Extracts
//   derived MEK                = MEK secret + 1 AES-ECB block + 1 HMAC-SHA512
//   random MEK wrap            = 4 AES-ECB blocks + Preconditioned AES-Encrypt
// Run: build/release/tools/bench/lockref-bench (its --benchmark_filter picks some)
#include <benchmark/benchmark.h>
#include <cryptopp/aes.h>
#include <cryptopp/gcm.h>
#include <cryptopp/hmac.h>
#include <cryptopp/sha.h>

#include "lockref/crypto/crypto.hpp"
#include "lockref/lock/keys.hpp"

namespace LOCKREF_UNITY_ID {  // file-local: the benchmarks are one program, compiled as a unity build

using namespace lockref;
using namespace lockref::lock::rev09;

namespace {
Bytes fill(std::uint8_t v, std::size_t n) { return Bytes(n, v); }
const Bytes HEK = fill(0x10, 64), SEK = fill(0x20, 32), DPK = fill(0x30, 32), SALT = fill(1, 12), IV = fill(2, 12);

// ---- raw Crypto++ ----------------------------------------------------------------
void BM_Raw_HmacSha512(benchmark::State& st) {
  const Bytes k = fill(1, 64), m = fill(2, 64);
  Bytes out(64);
  for (auto _ : st) {
    CryptoPP::HMAC<CryptoPP::SHA512> h(k.data(), k.size());
    h.CalculateDigest(out.data(), m.data(), m.size());
    benchmark::DoNotOptimize(out.data());
  }
}
void BM_Raw_AesEcbBlock(benchmark::State& st) {
  const Bytes k = fill(1, 32), in = fill(0, 16);
  Bytes out(16);
  for (auto _ : st) {
    CryptoPP::AES::Encryption e(k.data(), k.size());
    e.ProcessBlock(in.data(), out.data());
    benchmark::DoNotOptimize(out.data());
  }
}
void BM_Raw_AesGcm64(benchmark::State& st) {
  const Bytes k = fill(1, 32), pt = fill(3, 64);
  Bytes ct(64), tag(16);
  for (auto _ : st) {
    CryptoPP::GCM<CryptoPP::AES>::Encryption e;
    e.SetKeyWithIV(k.data(), k.size(), IV.data(), IV.size());
    e.EncryptAndAuthenticate(ct.data(), tag.data(), 16, IV.data(), 12, SALT.data(), SALT.size(), pt.data(), pt.size());
    benchmark::DoNotOptimize(tag.data());
  }
}
BENCHMARK(BM_Raw_HmacSha512);
BENCHMARK(BM_Raw_AesEcbBlock);
BENCHMARK(BM_Raw_AesGcm64);

// ---- lockref primitives -------------------------------------------------------------
void BM_Lockref_HmacSha512(benchmark::State& st) {
  const Bytes k = fill(1, 64), m = fill(2, 64);
  for (auto _ : st) benchmark::DoNotOptimize(crypto::hmac_sha512(k, m));
}
void BM_Lockref_AesGcm64(benchmark::State& st) {
  const Bytes k = fill(1, 32), pt = fill(3, 64);
  for (auto _ : st) benchmark::DoNotOptimize(crypto::aes_gcm_encrypt(k, IV, SALT, pt));
}
void BM_Lockref_AesKwWrap256(benchmark::State& st) {
  const Bytes k = fill(1, 32), key = fill(3, 32);
  for (auto _ : st) benchmark::DoNotOptimize(crypto::aes_kw_wrap(k, key));
}
void BM_Lockref_AesKwUnwrap256(benchmark::State& st) {
  const Bytes k = fill(1, 32);
  const Bytes w = crypto::aes_kw_wrap(k, fill(3, 32)).value();
  for (auto _ : st) benchmark::DoNotOptimize(crypto::aes_kw_unwrap(k, w));
}
BENCHMARK(BM_Lockref_HmacSha512);
BENCHMARK(BM_Lockref_AesGcm64);
BENCHMARK(BM_Lockref_AesKwWrap256);
BENCHMARK(BM_Lockref_AesKwUnwrap256);

// ---- 0.9 constructions ---------------------------------------------------------------
void BM_Sp800_108(benchmark::State& st) {
  const Profile p = profile();
  for (auto _ : st) benchmark::DoNotOptimize(sp800_108(p, HEK, to_bytes("derived_mek")));
}
void BM_PreconditionedKeyExtract(benchmark::State& st) {
  const Profile p = profile();
  for (auto _ : st) benchmark::DoNotOptimize(preconditioned_key_extract(p, SEK, HEK, to_bytes("ocp_lock_epk")));
}
void BM_PreconditionedAesEncrypt64(benchmark::State& st) {
  const Profile p = profile();
  const Bytes pt = fill(3, 64);
  for (auto _ : st) benchmark::DoNotOptimize(preconditioned_aes_encrypt(p, HEK, to_bytes("wrapped_mek"), SALT, IV, {}, pt));
}
void BM_MekSecret(benchmark::State& st) {
  const Profile p = profile();
  std::vector<Bytes> mpks;
  for (int i = 0; i < st.range(0); ++i) mpks.push_back(fill(static_cast<std::uint8_t>(0x50 + i), 32));
  for (auto _ : st) benchmark::DoNotOptimize(mek_secret(p, HEK, SEK, DPK, mpks));
}
void BM_DeriveMek(benchmark::State& st) {
  const Profile p = profile();
  std::vector<Bytes> mpks;
  for (int i = 0; i < st.range(0); ++i) mpks.push_back(fill(static_cast<std::uint8_t>(0x50 + i), 32));
  for (auto _ : st) benchmark::DoNotOptimize(derive_mek(p, HEK, SEK, DPK, mpks));
}
void BM_WrapMek(benchmark::State& st) {
  const Profile p = profile();
  const Bytes mdk_ = fill(0xD0, 64), secret = fill(0x99, 64), mek = fill(0x33, 64);
  for (auto _ : st) benchmark::DoNotOptimize(wrap_mek(p, mdk_, secret, mek, SALT, IV, {}));
}
void BM_UnwrapMek(benchmark::State& st) {
  const Profile p = profile();
  const Bytes mdk_ = fill(0xD0, 64), secret = fill(0x99, 64);
  const auto w = wrap_mek(p, mdk_, secret, fill(0x33, 64), SALT, IV, {}).value();
  for (auto _ : st) benchmark::DoNotOptimize(unwrap_mek(p, mdk_, secret, w));
}
void BM_LockMpk(benchmark::State& st) {
  const Profile p = profile();
  const Bytes ak = fill(0xC0, 32), mpk = fill(0x50, 32);
  for (auto _ : st) benchmark::DoNotOptimize(lock_mpk(p, HEK, SEK, ak, mpk, SALT, IV, {}));
}
BENCHMARK(BM_Sp800_108);
BENCHMARK(BM_PreconditionedKeyExtract);
BENCHMARK(BM_PreconditionedAesEncrypt64);
BENCHMARK(BM_MekSecret)->Arg(0)->Arg(1)->Arg(3);
BENCHMARK(BM_DeriveMek)->Arg(0)->Arg(3);
BENCHMARK(BM_WrapMek);
BENCHMARK(BM_UnwrapMek);
BENCHMARK(BM_LockMpk);
}  // namespace

}  // namespace LOCKREF_UNITY_ID
