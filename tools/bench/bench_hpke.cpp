// HPKE open per OCP L.O.C.K. 0.9 Table 3 suite (SetupBaseR + one Open of a 32-byte access
// key, what KMB does per SealedAccessKey), and the FIPS 203 ML-KEM-1024 algorithms.
#include <benchmark/benchmark.h>

#include "lockref/crypto/hpke.hpp"

namespace LOCKREF_UNITY_ID {  // file-local: the benchmarks are one program, compiled as a unity build

using namespace lockref;
namespace hpke = lockref::crypto::hpke;
namespace mlkem = lockref::crypto::mlkem;

static void BM_HpkeOpen(benchmark::State& st) {
  const auto kem = static_cast<std::uint16_t>(st.range(0));
  const hpke::Suite suite{kem, 2, 2};
  const auto kp = hpke::derive_key_pair(kem, Bytes(32, 1)).value();
  const std::size_t rlen = kem == hpke::kem_dhkem_p384 ? 48 : hpke::kem_info(kem)->Nrandom;
  auto snd = hpke::setup_base_s(suite, kp.pk, Bytes(16, 2), Bytes(rlen, 3)).value();
  const Bytes ct = snd.ctx.seal({}, Bytes(32, 4)).value();
  st.SetLabel(std::string(hpke::kem_info(kem)->name));
  for (auto _ : st) {
    auto ctx = hpke::setup_base_r(suite, snd.enc, kp.sk, Bytes(16, 2)).value();
    benchmark::DoNotOptimize(ctx.open({}, ct).value());
  }
}
BENCHMARK(BM_HpkeOpen)->Arg(0x0011)->Arg(0x0042)->Arg(0x0a25)->Unit(benchmark::kMicrosecond);

static void BM_MlKem1024(benchmark::State& st) {
  const Bytes d(32, 1), z(32, 2), m(32, 3);
  const auto kp = mlkem::keygen(mlkem::ml_kem_1024, d, z).value();
  const auto e = mlkem::encaps(mlkem::ml_kem_1024, kp.ek, m).value();
  for (auto _ : st) {
    switch (st.range(0)) {
      case 0: benchmark::DoNotOptimize(mlkem::keygen(mlkem::ml_kem_1024, d, z).value()); break;
      case 1: benchmark::DoNotOptimize(mlkem::encaps(mlkem::ml_kem_1024, kp.ek, m).value()); break;
      default: benchmark::DoNotOptimize(mlkem::decaps(mlkem::ml_kem_1024, kp.dk, e.ciphertext).value()); break;
    }
  }
  st.SetLabel(st.range(0) == 0 ? "KeyGen" : st.range(0) == 1 ? "Encaps" : "Decaps");
}
BENCHMARK(BM_MlKem1024)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);

}  // namespace LOCKREF_UNITY_ID
