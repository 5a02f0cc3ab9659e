#!/usr/bin/env bash
# What the models' speeds are set against in docs/benchmarks.md: one core's
# measured FP32 peak (scripts/peak-flops.c: AVX-512 where the CPU has it,
# and AVX2) and each model's floating-point operations per image
# (scripts/model-flops.py, on Debian's python3-torch). One JSON line each.
#
#   scripts/bench-peak.sh [SEED_PIPELINE]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dpkg-query -W -f='${Status}' python3-torch 2>/dev/null | grep -q "ok installed" ||
  apt-get install -y -qq --no-install-recommends python3-torch python3-torchvision >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gcc -O3 -o "$work/peak" "$root/scripts/peak-flops.c"
"$work/peak"
/usr/bin/python3 "$root/scripts/model-flops.py" "$@"
