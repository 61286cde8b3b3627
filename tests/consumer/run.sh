#!/usr/bin/env bash
# Installs the lockref build tree into a scratch prefix and builds a consumer against it.
set -euo pipefail
build=$1; work=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"; mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/lockref/lock/epoch.hpp"
ls "$work"/prefix/lib*/cmake/lockref/lockrefConfig.cmake >/dev/null
cmake -S "$here" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/build" >/dev/null
"$work/build/consumer"
