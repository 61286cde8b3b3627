#!/usr/bin/env bash
# Coverage-guided fuzzing of every decoder with libFuzzer (clang++ -fsanitize=fuzzer,
# address,undefined), seeded by tests/fuzz/seeds.py: ctest "fuzz: libfuzzer", in every default
# preset test run (tools/test.sh). tests/fuzz/build.sh builds the one binary of all targets
# (one translation unit: 52 CPU-s at -O0, the short run's build; 136 at -O1, the longer
# runs'), then each target runs a fixed number of inputs from libFuzzer seed 1, two targets
# at a time. The amount of work is fixed; the inputs tried
# are nearly but not exactly the same from run to run (the same binary and seed grew the tcg
# corpus by 126, 129, 131 and 141 inputs in four runs, also with ASLR off: libFuzzer).
#
#   tests/fuzz/run.sh LOCKREF SRC_DIR        short run (the ctest test): built at -O0, 3000
#                                            inputs per target, 500 for the transcript reader
#                                            (each of its inputs replays a whole transcript:
#                                            23 ms at -O0, where 3000 took 68 s)
#   LOCKREF_FUZZ=1 tests/fuzz/run.sh ...     longer: built at -O1, 20000 inputs per target
#   LOCKREF_FUZZ_RUNS=-1 LOCKREF_FUZZ_SECONDS=90 LOCKREF_FUZZ_SEED=17 tests/fuzz/run.sh ...
#                                            long run: 90 s per target (README "Fuzzing")
#   LOCKREF_FUZZ_KEEP_CORPUS=1               start from the corpus the last run grew
#   LOCKREF_FUZZ_TARGETS="kmb tcg"           only these targets
#   LOCKREF_FUZZ_JOBS=2                      targets run at a time
#   LOCKREF_FUZZ_CXXFLAGS, CLANGXX           tests/fuzz/build.sh
#
# Output in build/<preset>/tests/libfuzzer/: the binary, seeds/<target>, corpus/<target> (the
# inputs the run added), <target>.log. Prints the executions per target. Exit 0 no crash;
# 1 a crash, sanitizer report, failed check, timeout or out-of-memory (the reproducer is left
# in artifacts/ and the command that replays it is printed); 0 with SKIP when clang++ has no
# libFuzzer.
set -uo pipefail
lockref=${1:?lockref binary}; src=${2:?source dir}
tests="$(cd "$(dirname "$lockref")/../tests" && pwd)"
out="$tests/libfuzzer"
start=$(date +%s)
# The short run (the ctest test: neither LOCKREF_FUZZ=1 nor a chosen run count) is built at
# -O0 (52 CPU-s, against 136 at -O1): it runs too few inputs for the optimiser to pay back.
short=0; [ -z "${LOCKREF_FUZZ_RUNS:-}" ] && [ "${LOCKREF_FUZZ:-0}" != 1 ] && short=1
[ "$short" = 1 ] && [ -z "${LOCKREF_FUZZ_CXXFLAGS:-}" ] && export LOCKREF_FUZZ_CXXFLAGS="-O0 -g0"
bash "$src/tests/fuzz/build.sh" "$src" "$tests/fuzz_generated" "$out"
rc=$?
if [ $rc -eq 77 ]; then echo "SKIP: no clang++ with libFuzzer (apt-get install clang libclang-rt-14-dev)"; exit 0; fi
[ $rc -eq 0 ] || { echo "FAIL: lockref-libfuzzer did not build"; exit 1; }
built=$(date +%s)
bin="$out/lockref-libfuzzer"
rm -rf "$out/seeds" "$out/artifacts"; mkdir -p "$out/seeds" "$out/artifacts"
python3 "$src/tests/fuzz/seeds.py" "$src" "$out/seeds" "$lockref" >/dev/null || { echo "FAIL: seeds"; exit 1; }
[ "${LOCKREF_FUZZ_KEEP_CORPUS:-0}" = 1 ] || rm -rf "$out/corpus"
runs=${LOCKREF_FUZZ_RUNS:-3000}; [ "${LOCKREF_FUZZ:-0}" = 1 ] && runs=${LOCKREF_FUZZ_RUNS:-20000}
secs=${LOCKREF_FUZZ_SECONDS:-0}; seed=${LOCKREF_FUZZ_SEED:-1}
# The slowest targets first, so that two at a time finish together.
all=$(LOCKREF_FUZZ_TARGET=list "$bin") || { echo "FAIL: $bin does not start"; exit 1; }
targets=${LOCKREF_FUZZ_TARGETS:-$(for t in transcript fwpkg kmb tcg $all; do echo "$t"; done | awk '!seen[$0]++' | grep -xF "$all")}

one() {  # one target; its status in $out/$t.status
  local t=$1 log="$out/$1.log" s0 st
  mkdir -p "$out/corpus/$t"
  s0=$(date +%s)
  local n=$runs; [ "$short" = 1 ] && [ "$t" = transcript ] && n=500
  (cd "$out" && LOCKREF_FUZZ_TARGET=$t "$bin" -runs="$n" -max_total_time="$secs" -seed="$seed" \
      -max_len=8192 -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$out/artifacts/$t-" "$out/corpus/$t" "$out/seeds/$t") > "$log" 2>&1
  st=$?
  echo "$st $(( $(date +%s) - s0 ))" > "$out/$t.status"
}
jobs=${LOCKREF_FUZZ_JOBS:-2}
for t in $targets; do
  while [ "$(jobs -pr | wc -l)" -ge "$jobs" ]; do wait -n; done
  one "$t" &
done
wait

fail=0; total=0
for t in $targets; do
  log="$out/$t.log"
  read -r st secs_t < "$out/$t.status"
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  total=$(( total + ${execs:-0} ))
  line="$t: ${execs:-?} executions, $(ls "$out/seeds/$t" | wc -l) seeds + $(ls "$out/corpus/$t" | wc -l) new inputs in the corpus, $secs_t s"
  crash=$(ls "$out/artifacts/$t-"* 2>/dev/null | head -1)
  if [ "$st" -ne 0 ] || [ -n "$crash" ]; then
    echo "FAIL $line"
    grep -E -m1 -A12 'ERROR: |runtime error:|==[0-9]+==|deadly signal' "$log" || tail -20 "$log"
    echo "  reproducer: ${crash:-none written} (log: $log)"
    [ -n "$crash" ] && echo "  replay: LOCKREF_FUZZ_TARGET=$t $bin $crash"
    fail=1
  else
    echo "ok   $line, 0 crashes"
  fi
done
end=$(date +%s)
echo "libFuzzer: $total executions over $(echo "$targets" | wc -w) targets (seed $seed); build $(( built - start )) s, runs $(( end - built )) s"
exit $fail
