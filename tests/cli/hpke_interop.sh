#!/usr/bin/env bash
# HPKE interop with independent npm implementations (@hpke/core, @hpke/ml-kem, @noble/*):
# npm seals -> lockref opens and lockref seals -> npm opens, for kem 0x0011, 0x0042 and
# 0x0a25, random keys/info/aad/plaintexts, two messages per context, tampering.
# Also checks that the npm peer itself agrees with the draft-ietf-hpke-pq vectors.
# usage: bash hpke_interop.sh <lockref-binary> <source-dir>
set -euo pipefail
lockref="$1"; src="$2"
dir="$src/tests/interop"
if ! command -v node >/dev/null 2>&1 || [ ! -d "$dir/node_modules/@hpke/core" ]; then
  echo "FAIL: node or the interop npm packages are missing; run tools/setup.sh (tools/setup.d/npm.sh)" >&2
  exit 1
fi
node "$dir/peer_selftest.mjs" "$src/../shared/external-vectors/hpke/hpkewg-hpke-pq-test-vectors.json"
node "$dir/run.mjs" "$lockref" "${LOCKREF_INTEROP_CASES:-8}"
