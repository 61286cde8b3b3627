#!/usr/bin/env bash
# Every decoder's fuzz target (tests/fuzz/fuzz_*.cpp: KMB mailbox, WrappedKey,
# SealedAccessKey, TCG tokens and ComPackets, Level 0 / SP 0x02, KMIP TTLV, CMS (RFC 4108
# packages), the transcript reader) over its seed corpus from vectors/ and tools/examples/.
# The GCC build of the same sources (lockref-fuzz-replay, ASan+UBSan in the asan preset)
# replays every seed, its truncations and byte flips. The coverage-guided libFuzzer runs of
# the same targets are ctest "fuzz: libfuzzer" (tests/fuzz/run.sh).
set -uo pipefail
lockref=${1:?lockref binary}; src=${2:?source dir}
replay="$(dirname "$lockref")/../tests/lockref-fuzz-replay"
[ -x "$replay" ] || { echo "FAIL: $replay not built (cmake --build --preset ... --target lockref-fuzz-replay)"; exit 1; }
# The program only writes a transcript corpus for the transcript target's seeds; in a build
# tree without it (the replay built alone, e.g. `--target lockref-fuzz-replay` in the asan
# preset) those seeds come from tools/examples/ alone.
if [ ! -x "$lockref" ]; then
  echo "note: $lockref not built: transcript seeds from tools/examples/ only"
  lockref=""
fi
exec bash "$src/tests/fuzz/replay.sh" "$replay" "$src" $lockref
