#!/usr/bin/env bash
# The README's second command (and what CI runs): installs what is missing,
# builds everything, and runs every test under CTest. Exits non-zero when
# any test fails.
#   ALX_TEST_MNIST_DIR  the four MNIST files (default: ../shared/datasets/mnist
#                       beside the clone); the tests that need them fail
#                       loudly without them.
#   ALX_TEST_LABEL      run only tests with this label (unit, integration, gui)
#   ALX_TEST_JOBS       test programs run at once (default 2, one per core;
#                       test_gui, which times Stop and closing, always runs
#                       alone)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ALX_BUILD_DIR:-$root/build}"
# As root (CI), the sweep tests also run on a real one-node Slurm: install it.
if [[ $(id -u) -eq 0 ]]; then "$root/scripts/install-deps.sh" --with-slurm; else "$root/scripts/install-deps.sh"; fi
export ALX_TEST_MNIST_DIR="${ALX_TEST_MNIST_DIR:-$(cd "$root/.." && pwd)/shared/datasets/mnist}"
"$root/scripts/build.sh"
label=()
[[ -n "${ALX_TEST_LABEL:-}" ]] && label=(-L "$ALX_TEST_LABEL")
cd "$build"
ctest --output-on-failure --timeout 1200 -j "${ALX_TEST_JOBS:-2}" "${label[@]}"
