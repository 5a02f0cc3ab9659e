#!/usr/bin/env bash
# Configures (once) and builds ALX in build/ with Ninja, two jobs at a time
# (each LibTorch translation unit needs ~1.2 GiB and ~20 s).
#   scripts/build.sh [TARGET...]     default: everything
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ALX_BUILD_DIR:-$root/build}"
jobs="${ALX_BUILD_JOBS:-2}"

ui=ON
# The GUI needs Qt 6 Widgets and QCustomPlot; build without it where they are absent.
if ! dpkg-query -W -f='${Status}' libqcustomplot-dev 2>/dev/null | grep -q "ok installed"; then ui=OFF; fi

if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DALX_BUILD_UI=$ui -DALX_BUILD_TESTS=ON >/dev/null
fi
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$build" -j "$jobs" "${targets[@]}"
