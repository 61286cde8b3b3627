#!/usr/bin/env bash
# Command two of the README: set up, build and run every test via ctest, in the
# default preset and again under ASan+UBSan (the asan preset); then build the release
# preset's program and benchmarks (GCC's -O3 warnings differ from -Og's, so a release
# build that no longer compiles is caught here, not by a user).
#   LOCKREF_DEEP=1 tools/test.sh                property tests with many more cases
#   LOCKREF_PRESETS="default" tools/test.sh     only some presets (release: build only)
#   LOCKREF_ASAN_ALL=1 tools/test.sh            every test under ASan, not only unit/property/fuzz
#   LOCKREF_FUZZ=1 tools/test.sh                also the libFuzzer run of every decoder (ctest
#                                               "fuzz: libfuzzer", label "libfuzzer", default preset,
#                                               20000 inputs per decoder: tests/fuzz/run.sh). Not by
#                                               default: with 3000 inputs it still added 130 s wall
#                                               to the default ctest (its clang build, ~100 CPU-s),
#                                               which the 15-minute budget does not hold.
#   LOCKREF_MUTATION=1 tools/test.sh            also the 20-mutant sample (ctest label
#                                               "mutation"; longer than the 15-minute budget)
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)
presets=${LOCKREF_PRESETS:-"default asan release"}
for preset in $presets; do
  echo "=== preset $preset: configure and build"
  bash tools/configure-preset.sh "$preset"
  if [ "$preset" = release ]; then
    # The optimised program and the Google Benchmark programs; the test binaries are
    # already built and run twice above.
    cmake --build --preset release -j "$jobs" --target lockref-programs
    continue
  fi
  targets=()
  if [ "$preset" = asan ] && [ "${LOCKREF_ASAN_ALL:-0}" != 1 ]; then
    # What the asan preset's ctest runs below (unit, property, fuzz: the test binaries and the
    # program): lockref-fuzz-replay, the GCC replay of the decoder targets, serves only
    # "cli: wire_fuzz", which runs in the default preset (there built with the same warnings);
    # it is not run instrumented unless LOCKREF_ASAN_ALL=1 (the decoders meet hostile bytes
    # under ASan in clang's "fuzz: libfuzzer" with LOCKREF_FUZZ=1). Its one translation unit
    # costs 36 CPU-s uninstrumented (-Og), more with ASan.
    targets=(--target lockref-tests lockref-properties lockref)
  fi
  cmake --build --preset "$preset" -j "$jobs" "${targets[@]}"
  echo "=== preset $preset: ctest"
  skip=mutation; [ "${LOCKREF_MUTATION:-0}" = 1 ] && skip=""
  [ "${LOCKREF_FUZZ:-0}" = 1 ] || skip="${skip:+$skip|}libfuzzer"
  label=(); [ -n "$skip" ] && label=(-LE "$skip")
  # Under ASan+UBSan: the unit, property and fuzz tests (the model, every decoder, and the
  # program under mutated input, all instrumented; "fuzz: libfuzzer", clang's ASan+UBSan
  # libFuzzer binary, exists in the default preset only). The CLI, oracle and install tests check
  # the program's behaviour, which the default preset's run has just checked; they would
  # cost five more minutes instrumented. LOCKREF_ASAN_ALL=1 runs them under ASan too.
  # In the default preset, when the asan preset follows: the CLI, oracle and install tests
  # (and "cli: wire_fuzz"); the unit, property and "fuzz: program" tests run once, below,
  # instrumented, not twice (about 45 s of the budget on 2 cores).
  select=()
  [ "$preset" = asan ] && [ "${LOCKREF_ASAN_ALL:-0}" != 1 ] && select=(-R '^(unit|property|fuzz):')
  [ "$preset" = default ] && [[ " $presets " == *" asan "* ]] && select=(-E '^(unit:|property:|fuzz: program$)')
  if ! ctest --preset "$preset" -j "$jobs" "${label[@]}" "${select[@]}"; then
    # A long CI log may be cut in the middle: name the failed checks again at the end.
    echo "=== preset $preset: what failed"
    grep -aE '^(FAILED: |FAIL|.*ERROR: CHECK|.*ERROR: REQUIRE|Falsifiable|.*runtime error:|.*AddressSanitizer)' \
      "build/$preset/Testing/Temporary/LastTest.log" | head -n 60 || true
    exit 8
  fi
done
