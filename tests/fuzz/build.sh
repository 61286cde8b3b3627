#!/usr/bin/env bash
# Builds the one libFuzzer binary of every decoder, OUT_DIR/lockref-libfuzzer, with clang++
# -fsanitize=fuzzer,address,undefined: one translation unit, tests/fuzz/libfuzzer_main.cpp,
# which includes the generated fuzz_all.cpp (every tests/fuzz/fuzz_*.cpp, its entry point
# renamed; GENERATED_DIR is build/<preset>/tests/fuzz_generated), linked with Crypto++ and zlib
# (the RFC 4108 decoder uses both). The target is chosen at run time (LOCKREF_FUZZ_TARGET).
#   usage: build.sh SOURCE_DIR GENERATED_DIR OUT_DIR
# Rebuilds only when a file of the previous build's depfile, or the flags, changed.
#   LOCKREF_FUZZ_CXXFLAGS   optimisation/debug flags (default "-O1 -g0": README "Fuzzing" gives
#                           the build cost of -O1 -g, -O1 -g0 and -O0 -g0, and their speed)
#   LOCKREF_FUZZ_LAUNCHER   a compiler launcher (ccache), as CMAKE_CXX_COMPILER_LAUNCHER
# Exit 77 when clang++ (with libFuzzer) is not available.
set -euo pipefail
src=${1:?source dir}; gen=${2:?generated dir}; out=${3:?out dir}
CXX=${CLANGXX:-$(command -v clang++ || true)}
[ -n "$CXX" ] || { echo "clang++ not found"; exit 77; }
mkdir -p "$out"
bin="$out/lockref-libfuzzer"
opt=${LOCKREF_FUZZ_CXXFLAGS:-"-O1 -g0"}
# ld.lld links the 15-50 MB instrumented program in a fifth of the time GNU ld takes.
ld=(); command -v ld.lld >/dev/null && ld=(-fuse-ld=lld)
flags="-std=c++20 $opt -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
stamp="$CXX $flags ${ld[*]}"
if [ -x "$bin" ] && [ -f "$bin.d" ] && [ "$(cat "$bin.flags" 2>/dev/null)" = "$stamp" ]; then
  # The depfile (clang -MD) names every header the last build read.
  stale=$(sed -e 's/^[^:]*://' -e 's/\\$//' "$bin.d" | tr -s ' \t' '\n' | while read -r f; do
    [ -n "$f" ] && { [ ! -e "$f" ] || [ "$f" -nt "$bin" ]; } && { echo "$f"; break; }; done || true)
  [ -z "$stale" ] && { echo "lockref-libfuzzer is up to date"; exit 0; }
fi
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' > "$out/probe.cpp"
"$CXX" -fsanitize=fuzzer "${ld[@]}" "$out/probe.cpp" -o "$out/probe" 2>/dev/null || { echo "$CXX has no libFuzzer"; exit 77; }
rm -f "$bin" "$bin.d" "$bin.flags"
# Compile and link apart: a launcher (ccache) caches compilations only. clang's memory comes
# from malloc: glibc's hugetlb tunable puts it on huge pages (646 000 page faults -> 118 000,
# 44 -> 38 s at -O0; CMakeLists.txt LOCKREF_COMPILER_THP does the same for GCC).
# shellcheck disable=SC2086
GLIBC_TUNABLES=glibc.malloc.hugetlb=1 ${LOCKREF_FUZZ_LAUNCHER:-} "$CXX" $flags -I"$src/model" -I"$gen" -MD -MF "$bin.d" \
  -c "$src/tests/fuzz/libfuzzer_main.cpp" -o "$bin.o"
# shellcheck disable=SC2086
"$CXX" $flags "${ld[@]}" "$bin.o" -o "$bin" -lcryptopp -lz
rm -f "$bin.o"
echo "$stamp" > "$bin.flags"
echo "built $bin ($opt)"
