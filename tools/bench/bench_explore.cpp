// Exhaustive exploration speed (issue 12): distinct states per second, per thread count,
// on the epoch, engine and Opal machines; and the parts of one expansion (step, encode,
// fingerprint) so a slow rate can be attributed.
//   build/release/tools/bench/lockref-bench --benchmark_filter=Explore --benchmark_counters_tabular=true
// "states/s" is distinct states found per second of wall time (items_per_second).
#include <benchmark/benchmark.h>

#include "lockref/core/explore.hpp"
#include "lockref/engine/engine.hpp"
#include "lockref/lock/epoch.hpp"
#include "lockref/opal/drive.hpp"

namespace LOCKREF_UNITY_ID {  // file-local: the benchmarks are one program, compiled as a unity build

namespace {

template <class M>
void run(benchmark::State& st, const typename M::Profile& p, lockref::ExploreOptions o) {
  std::size_t states = 0, transitions = 0;
  for (auto _ : st) {
    const auto ex = lockref::explore<M>(p, o);
    states += ex.state_count;
    transitions += ex.transitions;
    benchmark::DoNotOptimize(ex.state_count);
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(states));
  st.counters["states"] = benchmark::Counter(double(states) / double(st.iterations()));
  st.counters["transitions/s"] = benchmark::Counter(double(transitions), benchmark::Counter::kIsRate);
}

lockref::ExploreOptions threads(std::int64_t n) {
  lockref::ExploreOptions o;
  o.threads = static_cast<unsigned>(n);
  return o;
}

void BM_ExploreEpoch(benchmark::State& st) {
  lockref::lock::epoch::Profile p;
  p.slots = static_cast<std::uint16_t>(st.range(0));
  run<lockref::lock::epoch::Machine>(st, p, threads(st.range(1)));
}
BENCHMARK(BM_ExploreEpoch)->Args({16, 1})->ArgNames({"slots", "threads"})->Unit(benchmark::kMillisecond);

void BM_ExploreEngine(benchmark::State& st) {
  auto p = lockref::engine::strict();
  p.capacity = static_cast<std::uint16_t>(st.range(0));
  run<lockref::engine::Machine>(st, p, threads(st.range(1)));
}
BENCHMARK(BM_ExploreEngine)
    ->Args({2, 1})
    ->Args({3, 1})
    ->Args({3, 2})
    ->Args({4, 1})  // 145 164 states: long enough for the parallel speed-up to show
    ->Args({4, 2})
    ->ArgNames({"capacity", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The key-tag symmetry (engine.hpp canonical()): orbits per second, and how far the
// reduction takes the cache size (capacity 4 is the strict profile's own).
void BM_ExploreEngineSymmetry(benchmark::State& st) {
  auto p = lockref::engine::strict();
  p.capacity = static_cast<std::uint16_t>(st.range(0));
  auto o = threads(1);
  o.symmetry = true;
  run<lockref::engine::Machine>(st, p, o);
}
BENCHMARK(BM_ExploreEngineSymmetry)->Arg(2)->Arg(3)->Arg(4)->Arg(5)->ArgName("capacity")->Unit(benchmark::kMillisecond);

void BM_ExploreEngineFullStates(benchmark::State& st) {
  auto p = lockref::engine::strict();
  p.capacity = 3;
  auto o = threads(1);
  o.full_states = true;
  run<lockref::engine::Machine>(st, p, o);
}
BENCHMARK(BM_ExploreEngineFullStates)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ExploreOpalAll(benchmark::State& st) {
  auto p = lockref::opal::generic();
  p.scope = lockref::opal::Scope::all;
  run<lockref::opal::Machine>(st, p, threads(st.range(0)));
}
BENCHMARK(BM_ExploreOpalAll)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

// ---- the parts of one expansion, on a mid-exploration engine state ----

lockref::engine::State busy_engine_state(const lockref::engine::Profile& p) {
  using namespace lockref::engine;
  auto s = Machine::initial(p);
  for (const Event& e : std::vector<Event>{Tick{}, WriteReg{Reg::metd, 0, Machine::sample_metd(1)},
                                           WriteReg{Reg::mek, 0, Machine::sample_mek(false)}, WriteCtrl{(1u << 2) | 1u},
                                           Tick{}, WriteCtrl{2u}, Tick{}})
    s = Machine::step(p, s, e).next;
  return s;
}

void BM_EngineCandidateEvents(benchmark::State& st) {
  auto p = lockref::engine::strict();
  p.capacity = 2;
  const auto s = busy_engine_state(p);
  for (auto _ : st) benchmark::DoNotOptimize(lockref::engine::Machine::candidate_events(p, s));
}
BENCHMARK(BM_EngineCandidateEvents);

void BM_EngineStepAll(benchmark::State& st) {
  auto p = lockref::engine::strict();
  p.capacity = 2;
  const auto s = busy_engine_state(p);
  const auto events = lockref::engine::Machine::candidate_events(p, s);
  for (auto _ : st)
    for (const auto& e : events) benchmark::DoNotOptimize(lockref::engine::Machine::step(p, s, e));
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * events.size()));
}
BENCHMARK(BM_EngineStepAll);

void BM_EngineEncodeFingerprint(benchmark::State& st) {
  auto p = lockref::engine::strict();
  p.capacity = 2;
  const auto s = busy_engine_state(p);
  std::string buf;
  for (auto _ : st) {
    buf.clear();
    lockref::encode_into(buf, s);
    benchmark::DoNotOptimize(lockref::fingerprint(buf));
  }
  st.counters["bytes"] = double(buf.size());
}
BENCHMARK(BM_EngineEncodeFingerprint);

void BM_EngineDecode(benchmark::State& st) {
  auto p = lockref::engine::strict();
  p.capacity = 2;
  const auto enc = lockref::encode(busy_engine_state(p));
  for (auto _ : st) benchmark::DoNotOptimize(lockref::decode<lockref::engine::State>(enc));
}
BENCHMARK(BM_EngineDecode);

}  // namespace

}  // namespace LOCKREF_UNITY_ID
