#!/usr/bin/env bash
# Builds one libFuzzer binary per decoder (fuzz_*.cpp) with clang++ and
# -fsanitize=fuzzer,address,undefined, linked with Crypto++ and zlib (the RFC 4108 decoder
# uses both). usage: build.sh SOURCE_DIR OUT_DIR
# Exit 77 when clang++ (with libFuzzer) is not available.
set -euo pipefail
src=${1:?source dir}; out=${2:?out dir}
CXX=${CLANGXX:-$(command -v clang++ || true)}
[ -n "$CXX" ] || { echo "clang++ not found"; exit 77; }
mkdir -p "$out"
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' > "$out/probe.cpp"
"$CXX" -fsanitize=fuzzer "$out/probe.cpp" -o "$out/probe" 2>/dev/null || { echo "$CXX has no libFuzzer"; exit 77; }
for f in "$src"/tests/fuzz/fuzz_*.cpp; do
  n=$(basename "$f" .cpp)
  if [ ! "$out/$n" -nt "$f" ] || [ -n "$(find "$src/model/lockref" -newer "$out/$n" -name '*.hpp' -print -quit)" ]; then
    "$CXX" -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
      -I"$src/model" "$f" -o "$out/$n" -lcryptopp -lz
  fi
done
