#!/usr/bin/env python3
"""tools/mutate.py's reach map (stage 2's test selection), checked on a program of its own.

A small doctest program carries three schemata switches through the header mutate.py writes
(SCHEMATA_HEADER); its test cases reach some of them. The reach map must name, for each switch,
exactly the test cases that evaluate it; a mutant run restricted to those test cases must still
be killed by the one that tells it apart (so doctest's --test-case= filter matched a name with a
comma and a backslash in it), and a mutant whose test cases cannot tell it apart survives.

    python3 tests/mutate_reach_test.py [c++ compiler]
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import mutate  # noqa: E402

PROGRAM = r"""
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <cstdlib>
#include "lockref_mutation.hpp"
static int plus_one(int a) { if (lockref_mutation::on(1)) return a - 1; return a + 1; }
static bool below_three(int a) { return lockref_mutation::on(2) ? a <= 3 : a < 3; }
static int same(int a) { if (lockref_mutation::on(3)) return a + 1; return a; }
TEST_CASE("adds one") { CHECK(plus_one(41) == 42); }
TEST_CASE("compares, away from the bound") { CHECK(below_three(1)); }
TEST_CASE("keeps, a\\b") { CHECK(same(5) == 5); CHECK(below_three(0)); }
TEST_CASE("reaches nothing") { CHECK(std::getenv("MUTATE_REACH_FAIL") == nullptr); }
"""

failures = []


def expect(what, got, want):
    if got != want:
        failures.append(f"{what}: got {got!r}, want {want!r}")


def main():
    cxx = sys.argv[1] if len(sys.argv) > 1 else "c++"
    with tempfile.TemporaryDirectory(prefix="mutate-reach-") as d:
        with open(os.path.join(d, "lockref_mutation.hpp"), "w") as f:
            f.write(mutate.SCHEMATA_HEADER.replace("@CAPACITY@", "3"))
        with open(os.path.join(d, "t.cpp"), "w") as f:
            f.write(PROGRAM)
        exe = os.path.join(d, "t")
        subprocess.run([cxx, "-std=c++20", "-O1", "-Wall", "-Wextra", "-Werror", "-I", d, "-o", exe,
                        os.path.join(d, "t.cpp")], check=True)
        bins = {"lockref-tests": exe}
        bad, reach, _ = mutate.reach_map(bins, 60, 2, d)
        expect("baseline", bad, None)
        reach = reach or {}
        expect("switch 1", reach.get(1), {"lockref-tests": ["adds one"]})
        expect("switch 2", sorted(reach.get(2, {}).get("lockref-tests", [])),
               ["compares, away from the bound", "keeps, a\\b"])
        expect("switch 3", reach.get(3), {"lockref-tests": ["keeps, a\\b"]})
        expect("switches", sorted(reach), [1, 2, 3])
        # each mutant against its reaching test cases only
        verdict = lambda k: mutate.run_suites(bins, k, 60, cases=reach.get(k, {}))[0]
        expect("mutant 1 (a - 1)", verdict(1), "killed")
        expect("mutant 2 (<= at 0 and 1)", verdict(2), "survived")
        expect("mutant 3 (a + 1), named with a comma and a backslash", verdict(3), "killed")
        # the filter holds nothing else: the test case that reaches no switch would fail here
        # if it ran, and it is not named
        r = subprocess.run([exe, "--no-version=true", mutate.case_filter(["keeps, a\\b"]), "--count"],
                           capture_output=True, text=True)
        expect("test cases the filter selects", "passing the current filters: 1" in r.stdout, True)
        # a test case that fails with no mutant active is reported, and nothing is mapped
        os.environ["MUTATE_REACH_FAIL"] = "1"
        bad, reach, _ = mutate.reach_map(bins, 60, 1, d)
        del os.environ["MUTATE_REACH_FAIL"]
        expect("failing baseline", (bad, reach), ("lockref-tests: reaches nothing fails with no mutant active", None))
    for f in failures:
        print("FAIL - " + f)
    print("mutate reach map: " + ("FAILED" if failures else "ok"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
