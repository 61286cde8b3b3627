#!/usr/bin/env python3
"""tools/mutcheck.py, the quick standalone check a test writer runs against listed mutants.

A small doctest file pins SplitMix64's first output for seed 0 (core/prng.hpp), computed here
by a Python SplitMix64 (Vigna's reference constants), and of below() only that its value is
below the bound (which neither relaxing nor dropping the rejection test changes). mutcheck must
then report every mutant of next() killed, the mutants of below()'s rejection loop that no
test reaches as surviving (exit 1, their ids in --out), the one that loops forever as timed
out, and refuse an unknown id with exit 2 before compiling anything.

    python3 tests/mutcheck_test.py [c++ compiler]
"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "tools"))
import mutate  # noqa: E402

M64 = (1 << 64) - 1


def splitmix64_first(seed):
    z = (seed + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def main():
    cxx = sys.argv[1] if len(sys.argv) > 1 else "g++"
    _, muts = mutate.all_mutants("core/prng.hpp")
    nxt = [mu for mu in muts if mu.mode == "schemata" and mu.line <= 16]
    below = [mu for mu in muts if mu.mode == "schemata" and mu.line > 16]
    assert nxt and below, "core/prng.hpp no longer has the mutants this test expects"
    forever = [mu.id for mu in below if mu.op == "negate-condition"]
    assert len(forever) == 1, forever
    fails = 0
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "test_prng_first.cpp")
        with open(src, "w") as f:
            f.write('#include <doctest/doctest.h>\n#include "lockref/core/prng.hpp"\n'
                    "namespace LOCKREF_UNITY_ID {\n"
                    'TEST_CASE("SplitMix64 seed 0") { lockref::SplitMix64 g{0}; '
                    f"CHECK(g.next() == 0x{splitmix64_first(0):016x}ull); }}\n"
                    "TEST_CASE(\"below stays below\") { lockref::SplitMix64 g{1}; CHECK(g.below(6) < 6); }\n"
                    "}\n")
        ids = os.path.join(d, "ids.txt")
        out = os.path.join(d, "left.txt")
        tool = [sys.executable, os.path.join(ROOT, "tools", "mutcheck.py"), "--cxx", cxx, "--test", src,
                "--ids", ids, "--timeout", "5"]

        with open(ids, "w") as f:
            f.write("core/prng.hpp:00000000:0:drop-statement:\n")
        r = subprocess.run(tool, capture_output=True, text=True)
        if r.returncode != 2 or "unknown mutant id" not in r.stderr or "compiling" in r.stdout:
            print("FAIL: an unknown id is not refused before compiling:", r.returncode, r.stdout, r.stderr)
            fails += 1

        with open(ids, "w") as f:
            f.write("".join(mu.id + "\n" for mu in nxt + below))
        r = subprocess.run(tool + ["--out", out], capture_output=True, text=True)
        verdicts = {}
        for line in r.stdout.splitlines():
            word, _, rest = line.partition(" ")
            if word in ("KILLED", "SURVIVED", "TIMEOUT"):
                verdicts[rest.strip().split("   (")[0]] = word
        want = {mu.id: "KILLED" for mu in nxt}
        want.update({mu.id: ("TIMEOUT" if mu.id in forever else "SURVIVED") for mu in below})
        if verdicts != want:
            print("FAIL: verdicts", verdicts, "expected", want, r.stderr[-2000:])
            fails += 1
        if r.returncode != 1:
            print("FAIL: exit status", r.returncode, "with survivors (expected 1)")
            fails += 1
        with open(out) as f:
            left = [line.rstrip("\n") for line in f if line.strip()]
        if sorted(left) != sorted(i for i, v in want.items() if v == "SURVIVED"):
            print("FAIL: --out lists", left)
            fails += 1
    print("mutcheck: ok" if not fails else f"mutcheck: {fails} failure(s)")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
