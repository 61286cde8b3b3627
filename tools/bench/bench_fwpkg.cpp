// RFC 4108 loader: one decision per example package kind (decode + signature + unwrap), the
// DER walk alone, signed receipts, and exhaustive exploration of the example module.
#include <benchmark/benchmark.h>

#include "lockref/core/explore.hpp"
#include "lockref/fwpkg/machine.hpp"

namespace LOCKREF_UNITY_ID {  // file-local: the benchmarks are one program, compiled as a unity build

using namespace lockref::fwpkg;

namespace {
Profile quiet() {
  Profile p;
  p.receipts = false;
  p.error_reports = false;
  return p;
}
}  // namespace

/// Index into the example packages (fwpkg/builder.hpp, versions 0..2): 0 plain A v0, 8 compressed + encrypted A v2.
static void BM_FwpkgDecide(benchmark::State& st) {
  const Profile p = quiet();
  const auto s = Machine::initial(p);
  const auto e = Machine::candidate_events(p, s)[static_cast<std::size_t>(st.range(0))];
  for (auto _ : st) benchmark::DoNotOptimize(Machine::step(p, s, e));
}
BENCHMARK(BM_FwpkgDecide)->Arg(0)->Arg(8);

static void BM_FwpkgDecideWithSignedReceipt(benchmark::State& st) {
  const Profile p;
  const auto s = Machine::initial(p);
  const auto e = Machine::candidate_events(p, s)[0];
  for (auto _ : st) benchmark::DoNotOptimize(Machine::step(p, s, e));
}
BENCHMARK(BM_FwpkgDecideWithSignedReceipt);

static void BM_FwpkgBerWalk(benchmark::State& st) {
  const Profile p = quiet();
  const auto e = Machine::candidate_events(p, Machine::initial(p))[0];
  const auto& b = std::get<Load>(e).package;
  for (auto _ : st) benchmark::DoNotOptimize(lockref::der::ber_check(b));
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * b.size()));
}
BENCHMARK(BM_FwpkgBerWalk);

static void BM_ExploreFwpkg(benchmark::State& st) {
  Profile p = quiet();
  p.explore_versions = static_cast<std::uint8_t>(st.range(0));
  for (auto _ : st) benchmark::DoNotOptimize(lockref::explore<Machine>(p).states.size());
}
BENCHMARK(BM_ExploreFwpkg)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

}  // namespace LOCKREF_UNITY_ID
