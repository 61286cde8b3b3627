#!/usr/bin/env bash
# Every decoder's fuzz target (tests/fuzz/fuzz_*.cpp: KMB mailbox, WrappedKey,
# SealedAccessKey, TCG tokens and ComPackets, Level 0 / SP 0x02, KMIP TTLV, CMS (RFC 4108
# packages), the transcript reader) over its seed corpus from vectors/ and tools/examples/.
#   default:         the GCC build of the same sources (lockref-fuzz-replay, ASan+UBSan in
#                    the asan preset) replays every seed, its truncations and byte flips;
#   LOCKREF_FUZZ=1:  also coverage-guided libFuzzer runs (tests/fuzz/run.sh: clang, ~125
#                    CPU-seconds to build, so not in the default 15-minute test run).
set -uo pipefail
lockref=${1:?lockref binary}; src=${2:?source dir}
replay="$(dirname "$lockref")/../tests/lockref-fuzz-replay"
[ -x "$replay" ] || { echo "FAIL: $replay not built (cmake --build --preset ... --target lockref-fuzz-replay)"; exit 1; }
bash "$src/tests/fuzz/replay.sh" "$replay" "$src" "$lockref" || exit 1
if [ "${LOCKREF_FUZZ:-0}" = 1 ]; then
  bash "$src/tests/fuzz/run.sh" "$lockref" "$src" || exit 1
else
  echo "libFuzzer runs skipped (LOCKREF_FUZZ=1 runs them: tests/fuzz/run.sh)"
fi
