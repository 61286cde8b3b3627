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
rows = []
for unity in sorted(build.rglob('Unity/unity_*_cxx.cxx')):
    if unity.name not in cost:
        continue
    srcs = re.findall(r'#include "([^"]+\.cpp)"', unity.read_text())
    if len(srcs) != 1:
        sys.exit(f'{unity}: {len(srcs)} sources in one batch: configure with -DLOCKREF_UNITY_BATCH=1')
    rows.append((pathlib.Path(srcs[0]).resolve().relative_to(src_root).as_posix(), cost[unity.name]))
print('# CPU seconds to compile each source alone (default preset, one source per batch);')
print('# written by tools/cmake/unity-costs.py, read by lockref_unity() in CMakeLists.txt.')
for path, s in sorted(rows):
    print(f'{path} {s:.1f}')
