#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang++ -fsanitize=fuzzer,address,undefined)
# and runs each for a bounded number of inputs, seeded with the byte examples of
# vectors/tcg-*.json and vectors/kmip-*.json, and the RFC 4108 packages of vectors/fwpkg-*.json. Skips (exit 0) when clang++/libFuzzer is
# missing. LOCKREF_FUZZ_RUNS overrides the per-target run count (default 20000).
set -uo pipefail
lockref=${1:?lockref binary}; src=${2:?source dir}
out="$(dirname "$lockref")/fuzz"
bash "$src/tests/fuzz/build.sh" "$src" "$out"
rc=$?
if [ $rc -eq 77 ]; then echo "SKIP: no clang++ with libFuzzer"; exit 0; fi
[ $rc -eq 0 ] || { echo "FAIL: fuzz targets did not build"; exit 1; }
corpus="$out/corpus"
rm -rf "$corpus"; mkdir -p "$corpus/tcg" "$corpus/kmip" "$corpus/level0" "$corpus/fwpkg"
python3 - "$src" "$corpus" <<'PY'
import glob, json, os, sys, hashlib
src, corpus = sys.argv[1], sys.argv[2]
for f in glob.glob(os.path.join(src, "vectors", "*.json")):
    kind = "kmip" if "kmip" in f else "level0" if ("level0" in f or "sp02" in f) else "fwpkg" if "fwpkg" in f else "tcg"
    for v in json.load(open(f))["vectors"]:
        for h in (v.get("request", {}).get("hex"), v.get("expect", {}).get("hex"), v.get("request", {}).get("package_der")):
            if isinstance(h, str):
                b = bytes.fromhex(h)
                open(os.path.join(corpus, kind, hashlib.sha1(b).hexdigest()), "wb").write(b)
PY
runs=${LOCKREF_FUZZ_RUNS:-20000}
fail=0
for t in tcg kmip level0 fwpkg; do
  if ! "$out/fuzz_$t" -runs="$runs" -max_len=4096 -seed=1 "$corpus/$t" > "$out/fuzz_$t.log" 2>&1; then
    echo "FAIL: fuzz_$t (log: $out/fuzz_$t.log)"; tail -30 "$out/fuzz_$t.log"; fail=1
  else
    echo "ok   fuzz_$t: $(grep -c . "$out/fuzz_$t.log") log lines, $runs runs, $(ls "$corpus/$t" | wc -l) corpus files"
  fi
done
exit $fail
