// Exhaustive exploration of the epoch-key machine (issue: `explore epoch --slots 16`
// must finish well under a second) and single steps.
#include <benchmark/benchmark.h>

#include "lockref/core/explore.hpp"
#include "lockref/lock/epoch.hpp"

namespace LOCKREF_UNITY_ID {  // file-local: the benchmarks are one program, compiled as a unity build

using namespace lockref::lock::epoch;

static void BM_ExploreEpochSlots(benchmark::State& st) {
  Profile p;
  p.slots = static_cast<std::uint16_t>(st.range(0));
  for (auto _ : st) benchmark::DoNotOptimize(lockref::explore<Machine>(p).states.size());
}
BENCHMARK(BM_ExploreEpochSlots)->Arg(4)->Arg(16)->Unit(benchmark::kMillisecond);

static void BM_EpochStep(benchmark::State& st) {
  Profile p;
  auto s = Machine::initial(p);
  s.lifecycle = Lifecycle::production;
  const Event e = ProgramNextHek{std::nullopt, false};
  for (auto _ : st) benchmark::DoNotOptimize(Machine::step(p, s, e));
}
BENCHMARK(BM_EpochStep);

}  // namespace LOCKREF_UNITY_ID
