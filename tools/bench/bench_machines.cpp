// Transitions per second of every machine `lockref explore` drives: M::step over a fixed
// sample of (state, event) pairs taken from a seeded random walk (candidate events, valid
// and invalid alike, a restart from the initial state every 64 steps), default profiles.
// items_per_second is transitions per second. Run: build/release/tools/bench/lockref-bench --benchmark_filter=transitions/
#include <benchmark/benchmark.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "lockref/drive/drive.hpp"
#include "lockref/engine/system.hpp"
#include "lockref/fwpkg/machine.hpp"
#include "lockref/kpio/sp.hpp"
#include "lockref/lock/epoch.hpp"
#include "lockref/lock/kmb/kmb.hpp"
#include "lockref/opal/drive.hpp"

namespace LOCKREF_UNITY_ID {  // file-local: the benchmarks are one program, compiled as a unity build

namespace {

template <class M>
std::vector<std::pair<typename M::State, typename M::Event>> walk(const typename M::Profile& p, std::size_t n) {
  std::vector<std::pair<typename M::State, typename M::Event>> out;
  std::uint64_t x = 0x9E3779B97F4A7C15ull;  // xorshift64: the same sample on every run
  auto s = M::initial(p);
  while (out.size() < n) {
    if (out.size() % 64 == 0) s = M::initial(p);
    const auto evs = M::candidate_events(p, s);
    if (evs.empty()) {
      s = M::initial(p);
      continue;
    }
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const auto& e = evs[x % evs.size()];
    out.emplace_back(s, e);
    s = M::step(p, s, e).next;
  }
  return out;
}

template <class M>
void BM_Transitions(benchmark::State& st) {
  const typename M::Profile p{};
  const auto sample = walk<M>(p, 512);
  std::size_t i = 0;
  for (auto _ : st) {
    const auto& [s, e] = sample[i];
    benchmark::DoNotOptimize(M::step(p, s, e));
    i = (i + 1) % sample.size();
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}

}  // namespace

BENCHMARK(BM_Transitions<lockref::lock::epoch::Machine>)->Name("transitions/epoch");
BENCHMARK(BM_Transitions<lockref::engine::Machine>)->Name("transitions/engine");
BENCHMARK(BM_Transitions<lockref::engine::kmb::Driver>)->Name("transitions/kmb-driver");
BENCHMARK(BM_Transitions<lockref::engine::sys::System>)->Name("transitions/engine-system");
BENCHMARK(BM_Transitions<lockref::opal::Machine>)->Name("transitions/opal");
BENCHMARK(BM_Transitions<lockref::kpio::Machine>)->Name("transitions/kpio");
BENCHMARK(BM_Transitions<lockref::fwpkg::Machine>)->Name("transitions/fwpkg");
BENCHMARK(BM_Transitions<lockref::lock::kmb::Machine>)->Name("transitions/kmb");
BENCHMARK(BM_Transitions<lockref::drive::Machine>)->Name("transitions/drive");

}  // namespace LOCKREF_UNITY_ID
