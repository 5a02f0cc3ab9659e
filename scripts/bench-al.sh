#!/usr/bin/env bash
# Times full active-learning runs with the defaults of `alx-cli al` (model
# gal, 20 initial labels, 10 per round, to 1,000 labels, 2,000 candidates
# scored per round, 20 Monte Carlo passes), one repeat each, RUNS times per
# strategy, and prints the wall-clock median of each as a Markdown table.
# Run it on an otherwise idle machine: it is a benchmark, not a test.
#
#   scripts/bench-al.sh [RUNS] [STRATEGY...]   (default: 1 run of entropy and bald)
# Environment: ALX_BENCH_MNIST (default ../shared/datasets/mnist),
#              ALX_BENCH_OUT (keep each run's curve.csv there; default: a temporary folder),
#              ALX_BENCH_THREADS (default: all cores).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-1}"
shift || true
strategies=("$@")
[[ ${#strategies[@]} -gt 0 ]] || strategies=(entropy bald)
data="${ALX_BENCH_MNIST:-$(cd "$root/.." && pwd)/shared/datasets/mnist}"
cli="${ALX_BUILD_DIR:-$root/build}/app/alx-cli"
threads=()
[[ -n "${ALX_BENCH_THREADS:-}" ]] && threads=(--threads "$ALX_BENCH_THREADS")
out="${ALX_BENCH_OUT:-}"
if [[ -z "$out" ]]; then
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
fi
"$root/scripts/build.sh" alx-cli >/dev/null

echo "| strategy | runs | median wall time | rounds | labels to 90 % | accuracy at 1,000 labels |"
echo "| --- | --- | --- | --- | --- | --- |"
for strategy in "${strategies[@]}"; do
  times=()
  for ((run = 1; run <= runs; ++run)); do
    dir="$out/$strategy-$run"
    rm -rf "$dir"
    start=$EPOCHREALTIME
    "$cli" al --strategy "$strategy" --repeats 1 --data-dir "$data" "${threads[@]}" --out "$dir" >"$dir.log" 2>&1 ||
      { echo "bench-al: $strategy failed, see $dir.log" >&2; exit 1; }
    times+=("$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
  # The last run's curve: rounds, first labels at >= 90 %, last accuracy.
  awk -F, -v s="$strategy" -v m="$median" -v n="$runs" 'NR > 1 {
      rounds++; if (!to90 && $4 >= 0.90) to90 = $3; last = $4 }
    END { printf "| %s | %d | %.1f min | %d | %s | %.2f %% |\n", s, n, m / 60, rounds, to90 ? to90 : "-", 100 * last }' \
    "$out/$strategy-$runs/curve.csv"
done
