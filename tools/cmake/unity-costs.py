#!/usr/bin/env python3
"""Refresh tools/cmake/unity-costs.txt: the CPU seconds each source costs to compile on its own.

The unity build (CMakeLists.txt, lockref_unity) deals a target's sources over its batches so
that the batches cost about the same; a source's length says little about that (a 24-line
file that registers a machine's explore/corpus/check instantiates the whole generic explorer
for it), so the dealing reads measured costs from this table. Measure with one source per
batch and the timing launcher, then run this script:

  cmake --preset default -B /tmp/b1 -DLOCKREF_UNITY_BATCH=1 \\
    -DCMAKE_CXX_COMPILER_LAUNCHER=$PWD/tools/cmake/time-compile.sh
  LOCKREF_TIME_LOG=/tmp/t.log cmake --build /tmp/b1 -j2 --target lockref_cli lockref-tests lockref-properties
  python3 tools/cmake/unity-costs.py /tmp/b1 /tmp/t.log > tools/cmake/unity-costs.txt

A source missing from the table is weighed by its length (CMakeLists.txt says how).

The table is written in affinity order, not by name: sources that compile the same model code
(ops_opal.cpp, ops_opal_wire.cpp, test_opal.cpp, test_mutants_opal.cpp...) are adjacent, and
lockref_unity() cuts each target's list into contiguous batches of about equal cost, so one
batch compiles a domain's inline code and templates once instead of every batch compiling
some of it. Measured on lockref_cli (two batches, default preset, same load, 2026-12-02):
205.8 CPU-s dealt by cost alone, 189.4 in affinity order (-8 %).
"""
import pathlib
import re
import sys

build, log = pathlib.Path(sys.argv[1]), sys.argv[2]
src_root = pathlib.Path(__file__).resolve().parents[2]
cost = {}
for line in open(log):
    f = line.split()
    if len(f) != 5 or not f[4].endswith('_cxx.cxx.o'):
        continue
    cost[pathlib.Path(f[4]).name[:-len('.o')]] = float(f[0]) + float(f[1])
# The order of domains: the L.O.C.K. side (the KMB includes the engine, the epoch machine,
# HPKE and the key hierarchy), then what spans every machine, then the TCG side (Opal
# includes the TCG core, the RFC 4108 loader through the Seagate firmware profiles).
ORDER = ["kmb", "drive", "engine", "engine_errata", "lock_epoch", "epoch", "lock_keys", "hpke",
         "hpke_sealed", "crypto", "mlkem", "wycheproof", "explore", "invariants", "validate_state",
         "audit", "vectors", "cli", "core", "machine_tool", "registry", "coverage", "difftest",
         "report", "decode", "child_process", "line_source", "progress", "kmip", "wire", "tcg",
         "level0", "kpio", "fwpkg", "opal", "opal_wire"]


def affinity(path):
    stem = pathlib.Path(path).stem
    for prefix in ("ops_", "test_mutants_", "test_"):
        if stem.startswith(prefix):
            stem = stem[len(prefix):]
            break
    stem = stem.removesuffix("_properties")
    return (ORDER.index(stem) if stem in ORDER else len(ORDER), stem, path)


rows = []
for unity in sorted(build.rglob('Unity/unity_*_cxx.cxx')):
    if unity.name not in cost:
        continue
    srcs = re.findall(r'#include "([^"]+\.cpp)"', unity.read_text())
    if len(srcs) != 1:
        sys.exit(f'{unity}: {len(srcs)} sources in one batch: configure with -DLOCKREF_UNITY_BATCH=1')
    rows.append((pathlib.Path(srcs[0]).resolve().relative_to(src_root).as_posix(), cost[unity.name]))
print('# CPU seconds to compile each source alone (default preset, one source per batch);')
print('# written by tools/cmake/unity-costs.py, read by lockref_unity() in CMakeLists.txt;')
print('# in affinity order (sources sharing model code adjacent; see the script).')
for path, s in sorted(rows, key=lambda r: affinity(r[0])):
    print(f'{path} {s:.1f}')
