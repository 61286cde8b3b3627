#!/usr/bin/env bash
# Coverage-guided fuzzing of every decoder with libFuzzer (clang++ -fsanitize=fuzzer,
# address,undefined), seeded by tests/fuzz/seeds.py. NOT in the default test run: building
# the eight clang targets costs ~125 CPU-seconds (the 15-minute budget of tools/test.sh has
# no room), so ctest runs it only with LOCKREF_FUZZ=1 (label "libfuzzer"); the same sources
# are replayed over their seeds by GCC in every ctest run ("fuzz: replay seeds").
#
#   tests/fuzz/run.sh LOCKREF SRC_DIR                  short run: 20000 inputs per target
#   LOCKREF_FUZZ_RUNS=0 LOCKREF_FUZZ_SECONDS=600 tests/fuzz/run.sh ...   long run, per target
#
# Exit 0 no crash, 1 a crash (the reproducer is left in the output directory), 77-style
# skip (exit 0 with SKIP) when clang++ has no libFuzzer.
set -uo pipefail
lockref=${1:?lockref binary}; src=${2:?source dir}
out="$(cd "$(dirname "$lockref")" && pwd)/fuzz"
bash "$src/tests/fuzz/build.sh" "$src" "$out"
rc=$?
if [ $rc -eq 77 ]; then echo "SKIP: no clang++ with libFuzzer (apt-get install clang)"; exit 0; fi
[ $rc -eq 0 ] || { echo "FAIL: fuzz targets did not build"; exit 1; }
corpus="$out/corpus"
rm -rf "$corpus"; mkdir -p "$corpus"
python3 "$src/tests/fuzz/seeds.py" "$src" "$corpus" "$lockref" || exit 1
runs=${LOCKREF_FUZZ_RUNS:-20000}; secs=${LOCKREF_FUZZ_SECONDS:-0}
fail=0
for f in "$src"/tests/fuzz/fuzz_*.cpp; do
  t=$(basename "$f" .cpp); t=${t#fuzz_}
  log="$out/fuzz_$t.log"
  (cd "$out" && "./fuzz_$t" -runs="$runs" -max_total_time="$secs" -max_len=8192 -seed=1 -rss_limit_mb=2048 \
      -print_final_stats=1 "$corpus/$t") > "$log" 2>&1
  st=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  if [ $st -ne 0 ]; then
    echo "FAIL: fuzz_$t (log: $log)"; tail -30 "$log"; fail=1
  else
    echo "ok   fuzz_$t: ${execs:-?} executions, $(ls "$corpus/$t" | wc -l) corpus files, 0 crashes"
  fi
done
exit $fail
