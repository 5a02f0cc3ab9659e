#!/usr/bin/env bash
# Builds the engine, the worker and test_worker_threads with ThreadSanitizer
# (CMake preset "tsan", folder build-tsan/) and runs it: the worker's jobs in
# one thread, stopped and answered (the person's labels) from another,
# through the worker's own atomics, mutex and condition variable. Fails on
# any report. test_gui is not run here: the window reaches the worker
# through Qt's event queue, whose locks live in Qt's uninstrumented library,
# so every hand-off there reads as a race (about 80 reports in one run).
#   scripts/tsan.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
cd "$root"
[[ -f build-tsan/build.ninja ]] || cmake --preset tsan >/dev/null
tests=(test_worker_threads)
cmake --build --preset tsan --target "${tests[@]}"
export ALX_TEST_MNIST_DIR="${ALX_TEST_MNIST_DIR:-$(cd "$root/.." && pwd)/shared/datasets/mnist}"
# One LibTorch thread: its OpenMP runtime (libgomp) is not instrumented, and
# its pool's hand-offs would all read as races.
export ALX_THREADS=1
export TSAN_OPTIONS="suppressions=$root/tests/sanitizers/tsan.supp:halt_on_error=1:second_deadlock_stack=1:report_signal_unsafe=0"
ctest --test-dir build-tsan --output-on-failure -R "^($(IFS='|'; echo "${tests[*]}"))\$"
