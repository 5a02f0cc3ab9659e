#!/usr/bin/env bash
# Builds the engine, the worker and the GUI tests with ThreadSanitizer
# (CMake preset "tsan", folder build-tsan/) and runs the tests whose work
# crosses threads: test_gui, where the window drives the worker thread
# (training, Stop, closing mid-run, active learning with a human labeller
# answering from the GUI thread). Fails on any report.
#   scripts/tsan.sh
# LibTorch, OpenBLAS and Qt are not built with ThreadSanitizer here; what
# their code does is invisible to it, and tests/sanitizers/tsan.supp lists
# the reports that come from that blindness, each with the reason.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
cd "$root"
[[ -f build-tsan/build.ninja ]] || cmake --preset tsan >/dev/null
tests=(test_gui)
cmake --build --preset tsan --target "${tests[@]}"
export ALX_TEST_MNIST_DIR="${ALX_TEST_MNIST_DIR:-$(cd "$root/.." && pwd)/shared/datasets/mnist}"
export TSAN_OPTIONS="suppressions=$root/tests/sanitizers/tsan.supp:halt_on_error=1:second_deadlock_stack=1:report_signal_unsafe=0"
ctest --test-dir build-tsan --output-on-failure -R "^($(IFS='|'; echo "${tests[*]}"))\$"
