#!/usr/bin/env bash
# Builds the tests with AddressSanitizer and UndefinedBehaviorSanitizer
# (CMake preset "asan", folder build-asan/) and runs the tests with the
# given CTest label regex (default: unit and gui). Fails on any report.
#   scripts/sanitize.sh ["unit|gui|integration"]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
labels="${1:-unit|gui}"
"$root/scripts/install-deps.sh"
cd "$root"
[[ -f build-asan/build.ninja ]] || cmake --preset asan >/dev/null
# Only what these tests run: their programs (named as their targets; a test
# that is a script has none) and alx-cli, which some of them call; an
# instrumented build is slow.
mapfile -t tests < <(ctest --test-dir build-asan -N -L "$labels" | sed -n 's/^ *Test *#[0-9]*: *//p')
[[ ${#tests[@]} -gt 0 ]] || { echo "sanitize: no test is labelled $labels" >&2; exit 1; }
targets=()
for t in "${tests[@]}" alx-cli; do
  if ninja -C build-asan -t query "$t" >/dev/null 2>&1; then targets+=(--target "$t"); fi
done
cmake --build --preset asan "${targets[@]}"
export ALX_TEST_MNIST_DIR="${ALX_TEST_MNIST_DIR:-$(cd "$root/.." && pwd)/shared/datasets/mnist}"
# LibTorch and Qt are not instrumented; their one-time global allocations
# are not leaks of ours (see tests/sanitizers/lsan.supp).
export ASAN_OPTIONS="detect_odr_violation=0:abort_on_error=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir build-asan --output-on-failure -L "$labels"
