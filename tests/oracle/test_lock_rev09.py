#!/usr/bin/env python3
"""Oracle test: usage python3 test_lock_rev09.py <lockref-binary> <source-dir>.

1. Recomputes every vector of vectors/lock-rev09-derivations.json with the independent
   oracle (lock_rev09_oracle.py, python3-cryptography) and checks the file's expected
   values still equal it (the file cannot drift from the oracle).
2. Sends every request to `lockref eval` and checks lockref's answer equals the oracle's.
3. Checks the oracle is not vacuous: a few changed inputs must change its answers."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lock_rev09_oracle import answer  # noqa: E402


def main():
    binary, src = sys.argv[1], sys.argv[2]
    with open(os.path.join(src, "vectors", "lock-rev09-derivations.json")) as f:
        vectors = json.load(f)["vectors"]
    failures = 0
    reqs = []
    for v in vectors:
        exp = answer(v["request"])
        if exp != v["expect"]:
            print("FILE DRIFT %s: file %s oracle %s" % (v["id"], v["expect"], exp))
            failures += 1
        reqs.append(v["request"])
    out = subprocess.run([binary, "eval"], input="\n".join(json.dumps(r) for r in reqs) + "\n",
                         capture_output=True, text=True, check=False)
    answers = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    if len(answers) != len(reqs):
        print("lockref eval gave %d answers for %d requests\n%s" % (len(answers), len(reqs), out.stderr))
        return 1
    ops = set()
    for v, got in zip(vectors, answers):
        ops.add(v["request"]["op"])
        exp = answer(v["request"])
        for k, x in exp.items():
            if got.get(k) != x:
                print("MISMATCH %s field %s: lockref %s oracle %s" % (v["id"], k, got.get(k), x))
                failures += 1
        if exp.get("ok") is not False and got.get("ok") is not True:
            print("MISMATCH %s: lockref refused: %s" % (v["id"], got))
            failures += 1
    # the oracle reacts to its inputs
    base = {"op": "lock.derive_mek", "hek": "11" * 64, "sek": "22" * 32, "dpk": "33" * 32, "mpks": ["44" * 32]}
    for k, val in [("hek", "12" + "11" * 63), ("sek", "23" + "22" * 31), ("dpk", "34" + "33" * 31)]:
        changed = dict(base, **{k: val})
        if answer(changed)["mek"] == answer(base)["mek"]:
            print("oracle ignores " + k)
            failures += 1
    print("%d vectors, %d ops, %d failures" % (len(vectors), len(ops), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
