#!/usr/bin/env bash
# Lists N synthetic runs (default 10,000) with `alx-cli runs list`: the
# first visit (no index: every summary.json read) and then REPEATS later
# visits (from the index). Prints, for each, the listing's own time (as
# alx-cli reports it: what the app's Runs page waits for) and the whole
# command's (which adds loading LibTorch, ~0.7 s here), and the medians of
# the later visits.
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
# "LIST WHOLE" in milliseconds: the listing's own time and the whole command's.
time_of() {
  local s e listed
  s=$(date +%s%N)
  listed=$("$cli" runs list --runs-dir "$runs" | tail -1 | sed -n 's/.*listed in \([0-9]*\) ms.*/\1/p')
  e=$(date +%s%N)
  echo "$listed $(( (e - s) / 1000000 ))"
}
"$cli" runs list --runs-dir "$runs" --json > "$runs/.out" 2>/dev/null || true
rm -f "$runs/runs.sqlite"  # the JSON check above made an index: the first visit starts without one
count=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$runs/.out")
echo "runs listed: $count"
read -r list whole <<< "$(time_of)"
echo "first visit (no index): listing $list ms, whole command $whole ms"
lists=(); wholes=()
for ((k = 0; k < repeats; k++)); do
  read -r list whole <<< "$(time_of)"
  lists+=("$list"); wholes+=("$whole")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "later visits, listing: ${lists[*]} ms (median $(median "${lists[@]}") ms)"
echo "later visits, whole command: ${wholes[*]} ms (median $(median "${wholes[@]}") ms)"
