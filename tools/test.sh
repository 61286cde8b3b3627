#!/usr/bin/env bash
# Command two of the README: set up, build the three presets and run the tests via ctest.
#   default  everything but the property suites is built (they are built and run in asan;
#            with LOCKREF_PRESETS="default" they are built and run here); ctest runs the
#            unit, CLI, oracle, install and "fuzz: program"
#            tests (uninstrumented) and "fuzz: libfuzzer", a short coverage-guided run of every
#            decoder in clang's ASan+UBSan libFuzzer binary (tests/fuzz/run.sh);
#   asan     ASan+UBSan: the property suites are built and run instrumented ("property: *");
#   release  everything the preset builds (the -O2 program and the benchmark program; GCC's
#            -O2 warnings differ from -Og's, so a release build that no longer compiles is
#            caught here, not by a user).
# Each test runs once. A preset's ctest runs in the background while the next preset builds
# (its output is printed, in order, when it ends): the two cores stay busy across the phases
# instead of idling at the end of each build and test run.
#   LOCKREF_DEEP=1 tools/test.sh                property tests with many more cases
#   LOCKREF_PRESETS="default" tools/test.sh     only some presets (then default runs every test)
#   LOCKREF_ASAN_ALL=1 tools/test.sh            everything built and every test run under ASan too
#   LOCKREF_FUZZ=1 tools/test.sh                a longer libFuzzer run: built at -O1, 20000 inputs
#                                               per decoder (the short run: -O0, 3000; 500 for the
#                                               transcript reader; about 100 CPU-s in all)
#   LOCKREF_MUTATION=0 tools/test.sh            without the 20-mutant sample (ctest label
#                                               "mutation"; default preset; about 2 minutes of 2 cores)
# Why only the property suites run in the asan preset (the budget: 15 minutes on 2 cores;
# measured in the README's "Build cost"): an instrumented build of lockref_cli and of the unit
# tests cost 470 CPU-s more, a quarter of the whole run. The property suites drive every
# machine through random command sequences; every decoder meets hostile bytes under ASan+UBSan
# (use-after-scope included) in "fuzz: libfuzzer"; the unit tests, the program, its fuzz test
# and the GCC replay of the fuzz targets ("cli: wire_fuzz") run uninstrumented in the default
# preset (assertions on: -Og, no NDEBUG).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)
presets=${LOCKREF_PRESETS:-"default asan release"}
asan_all=${LOCKREF_ASAN_ALL:-0}
skip=""; [ "${LOCKREF_MUTATION:-1}" = 0 ] && skip=mutation
label=(); [ -n "$skip" ] && label=(-LE "$skip")

t0=$(date +%s); times=()   # wall seconds of each phase, printed at the end
phase_start=$t0
phase_done() { local now; now=$(date +%s); times+=("$1: $((now - phase_start)) s"); phase_start=$now; }
pending=()   # "preset pid" of the ctest runs still going
report() {   # report PRESET PID: wait for the preset's ctest, print its output; exit 8 if it failed
  local preset=$1 pid=$2 rc=0
  if kill -0 "$pid" 2>/dev/null; then
    echo "=== preset $preset: waiting for its ctest ($(grep -c ' Test  *#' "build/$preset/test-sh-ctest.log" || true) tests done so far)"
  fi
  wait "$pid" || rc=$?
  echo "=== preset $preset: ctest"
  cat "build/$preset/test-sh-ctest.log"
  if [ "$rc" -ne 0 ]; then
    # A long CI log may be cut in the middle: name the failed checks again at the end.
    echo "=== preset $preset: what failed"
    grep -aE '^(FAILED: |FAIL|.*ERROR: CHECK|.*ERROR: REQUIRE|Falsifiable|.*runtime error:|.*AddressSanitizer)' \
      "build/$preset/Testing/Temporary/LastTest.log" | head -n 60 || true
    exit 8
  fi
}
trap 'for p in "${pending[@]}"; do kill "${p#* }" 2>/dev/null || true; done' EXIT

for preset in $presets; do
  echo "=== preset $preset: configure and build"
  # asan, unless LOCKREF_ASAN_ALL=1: the property suites only, one ctest test per source file
  # (tests/doctest-group.sh), not per case.
  subset=0; [ "$preset" = asan ] && [ "$asan_all" != 1 ] && subset=1
  byfile=OFF; targets=()
  [ "$subset" = 1 ] && byfile=ON && targets=(--target lockref-properties)
  # default, when the asan preset follows: every target but the property suites, which that
  # preset builds (same -Og, same -Werror) and runs; building them twice cost 100 CPU-s.
  if [ "$preset" = default ] && [[ " $presets " == *" asan "* ]] && [ "$asan_all" != 1 ]; then
    targets=(--target lockref lockref-tests lockref-fuzz-replay)
  fi
  bash tools/configure-preset.sh "$preset" -DLOCKREF_CTEST_BY_FILE=$byfile
  cmake --build --preset "$preset" -j "$jobs" "${targets[@]}"
  phase_done "$preset configure and build${pending[*]:+ (earlier ctest beside it)}"
  [ "$preset" = release ] && continue
  select=()
  if [ "$subset" = 1 ]; then
    select=(-R '^property:')
  elif [ "$preset" = default ] && [[ " $presets " == *" asan "* ]] && [ "$asan_all" != 1 ]; then
    # run instrumented, in the asan preset (and not built here: doctest's placeholder test
    # for an unbuilt binary is left out with them)
    select=(-E '^(property:|lockref-properties_NOT_BUILT)')
  fi
  echo "=== preset $preset: ctest started in the background (its output follows when it ends; meanwhile: build/$preset/test-sh-ctest.log)"
  ctest --preset "$preset" -j "$jobs" "${label[@]}" "${select[@]}" > "build/$preset/test-sh-ctest.log" 2>&1 &
  pending+=("$preset $!")
done
for p in "${pending[@]}"; do report $p; done
pending=()
phase_done "waiting for the last ctest"
echo "=== all presets built, every test passed; wall time by phase:"
for t in "${times[@]}"; do echo "    $t"; done
echo "    total after setup: $(( $(date +%s) - t0 )) s (the budget: 15 minutes on 2 cores, setup included)"
