#!/bin/bash
# Compiler launcher that records each compile's CPU seconds (user, system), wall seconds and
# peak memory (KB) with its object file, one line per compile, to $LOCKREF_TIME_LOG
# (default /tmp/lockref-compile-times.log). Used to measure build cost and to refresh
# tools/cmake/unity-costs.txt (see tools/cmake/unity-costs.py):
#   cmake --preset default -B /tmp/b1 -DLOCKREF_UNITY_BATCH=1 \
#     -DCMAKE_CXX_COMPILER_LAUNCHER=$PWD/tools/cmake/time-compile.sh
obj=""; prev=""; for a in "$@"; do [ "$prev" = "-o" ] && obj=$a; prev=$a; done
exec /usr/bin/time -f "%U %S %e %M $obj" -a -o "${LOCKREF_TIME_LOG:-/tmp/lockref-compile-times.log}" "$@"
