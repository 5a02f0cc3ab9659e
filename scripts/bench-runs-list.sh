#!/usr/bin/env bash
# Lists N synthetic runs (default 10,000) with `alx-cli runs list --json`:
# the first visit (no index: every summary.json read) and then REPEATS later
# visits (from the index), each timed as a whole command; prints each time
# and the median of the later ones.
#   scripts/bench-runs-list.sh [N] [REPEATS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli="${ALX_CLI:-$root/build/app/alx-cli}"
n="${1:-10000}"
repeats="${2:-5}"
runs="$(mktemp -d)"
trap 'rm -rf "$runs"' EXIT
python3 - "$runs" "$n" <<'PY'
import json, os, sys
root, n = sys.argv[1], int(sys.argv[2])
models = ["net", "simplecnn", "resnet18", "lenet5"]
for i in range(n):
    d = os.path.join(root, f"2026-11-{1 + i % 28:02d}_{i // 3600 % 24:02d}-{i // 60 % 60:02d}-{i % 60:02d}_{models[i % 4]}_mnist")
    os.makedirs(d, exist_ok=True)
    summary = {"format": 1, "alx_version": "0.1.0", "kind": "training", "model": models[i % 4], "dataset": "mnist",
               "device": "cpu", "status": "finished", "epoch_loss": [0.3, 0.1], "test_accuracy": 0.98 + (i % 100) / 1e4,
               "train_seconds": 20.0, "calibration": {"ece": 0.004}}
    with open(os.path.join(d, "summary.json"), "w") as f:
        json.dump(summary, f)
PY
# Milliseconds, whole command.
time_of() { local s e; s=$(date +%s%N); "$cli" runs list --runs-dir "$runs" --json > "$runs/.out"; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
first=$(time_of)
count=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$runs/.out")
echo "runs listed: $count"
echo "first visit (no index): $first ms"
later=()
for ((k = 0; k < repeats; k++)); do later+=("$(time_of)"); done
echo "later visits: ${later[*]} ms"
printf '%s\n' "${later[@]}" | sort -n | awk '{a[NR]=$1} END {print "median of later visits: " a[int((NR+1)/2)] " ms"}'
