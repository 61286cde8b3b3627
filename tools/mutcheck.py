#!/usr/bin/env python3
"""Does this test file kill these mutants? A quick check while writing a test, with no build.

    python3 tools/mutcheck.py --test tests/test_mutants_core_x.cpp [--test ...] --ids IDS.txt
                              [--out LEFT.txt] [--timeout 20] [--keep]

For each header the listed mutants (tools/mutate.py ids, one a line: --list prints them) belong
to, it writes the schemata copy tools/mutate.py would build (every listed mutant behind its
switch, mutate.py's own enumeration and schemata code), compiles the named test sources and
tests/main.cpp alone against it (-O0, this tree's model/ and tests/ on the include path), runs
the program once with no mutant active (it must pass) and then once per mutant
(LOCKREF_MUTANT=k, doctest --abort-after=1). It prints one line a mutant, KILLED, SURVIVED or
TIMEOUT, and writes the survivors' ids to --out. A mutant that is not valid C++ as a schemata
switch (the compiler blames its line) is left out and reported NOTBUILT, as mutate.py does.

It needs no configured build: a helper writing tests for a list of survivors checks them in a
minute or two, next to a running tools/mutate.py (whose verdicts it does not replace: a
mutant this check leaves surviving may still die in a test of another unit, and the figures in
README.md come only from tools/mutate.py runs). The program links Crypto++, zlib and Abseil's
hash libraries, which is what the model's headers need; the test sources are compiled with the
unity-build macro (LOCKREF_UNITY_ID) each its own.

Exit status: 0 every mutant killed (or timed out), 1 some survived, 2 unusable input (an unknown
id, a test that does not compile or fails with no mutant active).
"""
import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBS = ["-lcryptopp", "-lz", "-labsl_raw_hash_set", "-labsl_hash", "-labsl_city", "-labsl_low_level_hash", "-pthread"]


def load_mutate(tree):
    spec = importlib.util.spec_from_file_location("mutate", os.path.join(tree, "tools", "mutate.py"))
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


def fail(msg):
    print(f"mutcheck: {msg}", file=sys.stderr)
    sys.exit(2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.split("\n")[1:]))
    ap.add_argument("--test", required=True, action="append", help="a test source (relative to the tree or absolute)")
    ap.add_argument("--ids", required=True, help="file of mutant ids, one a line")
    ap.add_argument("--out", help="write the surviving ids here")
    ap.add_argument("--tree", default=ROOT, help="the source tree (default: this script's)")
    ap.add_argument("--timeout", type=float, default=20, help="seconds per mutant run (default 20)")
    ap.add_argument("--cxx", default=os.environ.get("CXX", "g++"))
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory")
    a = ap.parse_args()
    tree = os.path.abspath(a.tree)
    m = load_mutate(tree)
    try:
        with open(a.ids) as f:
            want = [m.one_line(line.rstrip("\n")) for line in f if line.strip()]
    except OSError as e:
        fail(f"cannot read --ids: {e}")
    if not want:
        fail(f"{a.ids} lists no mutant")
    texts, muts = m.all_mutants(None)
    by_id = {mu.id: mu for mu in muts}
    unknown = [i for i in want if i not in by_id]
    if unknown:
        fail("unknown mutant id(s) (their line changed?): " + "; ".join(unknown[:5]))
    chosen, textual = [], []
    for i in dict.fromkeys(want):
        (chosen if by_id[i].mode == "schemata" else textual).append(by_id[i])
    for mu in textual:
        print(f"SKIPPED  {mu.id}   (a data-constant mutant: tools/mutate.py builds it on its own)")
    tests = [t if os.path.isabs(t) else os.path.join(tree, t) for t in a.test]
    for t in tests:
        if not os.path.isfile(t):
            fail(f"no such test source: {t}")
    work = tempfile.mkdtemp(prefix="lockref-mutcheck-")
    try:
        survivors, built = run(a, m, tree, texts, chosen, tests, work)
    finally:
        if a.keep:
            print(f"scratch: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{built - len(survivors)} of {built} built killed by {', '.join(a.test)}")
    if a.out:
        with open(a.out, "w") as f:
            f.write("".join(i + "\n" for i in survivors))
    sys.exit(1 if survivors else 0)


def write_overlay(m, texts, live, n_switches, overlay):
    """tools/mutate.py's schemata copy of the live mutants' headers and its switch header."""
    shutil.rmtree(os.path.join(overlay, "lockref"), ignore_errors=True)
    m.write_mutated_headers(overlay, sorted({mu.file for mu in live}), texts, live)
    m.write_switch_header(overlay, n_switches)


def run(a, m, tree, texts, chosen, tests, work):
    for k, mu in enumerate(chosen):
        mu.k = k
    overlay = os.path.join(work, "overlay")
    os.makedirs(overlay)
    flags = ["-std=c++20", "-O0", f'-DLOCKREF_SOURCE_DIR="{tree}"', f'-DLOCKREF_SHARED_DIR="{tree}/../shared"',
             "-I" + os.path.join(tree, "model"), "-I" + os.path.join(tree, "tests")]
    live = list(chosen)
    for attempt in range(8):  # a mutant whose schemata line does not compile is left out, as mutate.py does
        write_overlay(m, texts, live, len(chosen), overlay)
        objs, error = [], None
        for n, src in enumerate(tests + [os.path.join(tree, "tests", "main.cpp")]):
            obj = os.path.join(work, f"{n}.o")
            mutated = ["-I" + overlay, "-include", os.path.join(overlay, "lockref_mutation.hpp")] if n < len(tests) else []
            cmd = ["nice", "-n", "19", a.cxx] + flags[:2] + [f"-DLOCKREF_UNITY_ID=lockref_mutcheck_{n}"] + mutated + flags[2:]
            print(f"compiling {os.path.relpath(src, tree)} ...", flush=True)
            r = subprocess.run(cmd + ["-c", src, "-o", obj], capture_output=True, text=True, errors="replace")
            if r.returncode:
                error = (src, r.stderr)
                break
            objs.append(obj)
        if not error:
            break
        bad = m.blamed(live, texts, error[1], overlay)
        if not bad:
            print(error[1][:4000], file=sys.stderr)  # the first error is the one to read
            fail(f"{error[0]} does not compile")
        for mu in bad:
            print(f"NOTBUILT {mu.id}   (line {mu.line}: {mu.old!r} -> {mu.new!r}: not valid C++ as a schemata switch)")
        live = [mu for mu in live if mu not in bad]
        if not live:
            fail("none of the listed mutants compiles")
    else:
        fail("the schemata copy still does not compile after leaving 8 rounds of mutants out")
    exe = os.path.join(work, "check")
    r = subprocess.run([a.cxx] + objs + LIBS + ["-o", exe], capture_output=True, text=True, errors="replace")
    if r.returncode:
        print(r.stderr[-3000:], file=sys.stderr)
        fail("the test program does not link")
    env = dict(os.environ)
    env.pop("LOCKREF_MUTANT", None)
    r = subprocess.run([exe, "--no-version=true"], capture_output=True, text=True, errors="replace", env=env, cwd=tree)
    if r.returncode:
        print(r.stdout[-3000:], file=sys.stderr)
        fail("the tests fail with no mutant active: fix them first")
    survivors = []
    for mu in live:
        env["LOCKREF_MUTANT"] = str(mu.k)
        try:
            r = subprocess.run([exe, "--no-version=true", "--abort-after=1"], capture_output=True, text=True, errors="replace",
                               env=env, cwd=tree, timeout=a.timeout)
            verdict = "KILLED" if r.returncode else "SURVIVED"
        except subprocess.TimeoutExpired:
            verdict = "TIMEOUT"
        if verdict == "SURVIVED":
            survivors.append(mu.id)
        print(f"{verdict:8} {mu.id}   (line {mu.line}: {mu.old!r} -> {mu.new!r})", flush=True)
    return survivors, len(live)


if __name__ == "__main__":
    main()
