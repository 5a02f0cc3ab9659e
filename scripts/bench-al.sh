#!/usr/bin/env bash
# Times full active-learning runs with the defaults of `alx-cli al` (model
# gal, 20 initial labels, 10 per round, to 1,000 labels, 2,000 candidates
# scored per round, 20 Monte Carlo passes), one repeat each, RUNS times per
# strategy and variant, the variants taking turns within each run, and
# prints the wall-clock median of each as a Markdown table.
# Run it on an otherwise idle machine: it is a benchmark, not a test.
#
#   scripts/bench-al.sh [RUNS] [STRATEGY...]   (default: 1 run of entropy and bald)
# Environment: ALX_BENCH_MNIST (default ../shared/datasets/mnist),
#              ALX_BENCH_OUT (keep each run's curve.csv there; default: a temporary folder),
#              ALX_BENCH_THREADS (default: all cores),
#              ALX_BENCH_VARIANTS (options that set the variants apart, separated by
#                '|', e.g. '--warm-steps 0|--warm-steps 100'; default: one, the defaults).
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
IFS='|' read -r -a variants <<<"${ALX_BENCH_VARIANTS:-}"
[[ ${#variants[@]} -gt 0 ]] || variants=("")
out="${ALX_BENCH_OUT:-}"
if [[ -z "$out" ]]; then
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
"$root/scripts/build.sh" alx-cli >/dev/null

declare -A times
for strategy in "${strategies[@]}"; do
  for ((run = 1; run <= runs; ++run)); do
    for v in "${!variants[@]}"; do
      dir="$out/$strategy-v$v-$run"
      rm -rf "$dir"
      read -r -a extra <<<"${variants[$v]}"
      start=$EPOCHREALTIME
      "$cli" al --strategy "$strategy" --repeats 1 --data-dir "$data" "${threads[@]}" "${extra[@]}" --out "$dir" \
        >"$dir.log" 2>&1 || { echo "bench-al: $strategy ${variants[$v]} failed, see $dir.log" >&2; exit 1; }
      times[$strategy-$v]+="$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }') "
    done
  done
done

echo "| strategy | options | runs | wall times (s) | median wall time | labels to 90 % | labels to 95 % | accuracy at 1,000 labels |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for strategy in "${strategies[@]}"; do
  for v in "${!variants[@]}"; do
    # shellcheck disable=SC2086
    median=$(printf '%s\n' ${times[$strategy-$v]} | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
    # The last run's curve: first labels at >= 90 % and 95 %, last accuracy.
    awk -F, -v s="$strategy" -v o="${variants[$v]:-defaults}" -v m="$median" -v n="$runs" -v t="${times[$strategy-$v]}" 'NR > 1 {
        if (!to90 && $4 >= 0.90) to90 = $3; if (!to95 && $4 >= 0.95) to95 = $3; last = $4 }
      END { printf "| %s | %s | %d | %s | %.1f min | %s | %s | %.2f %% |\n", s, o, n, t, m / 60, to90 ? to90 : "-",
            to95 ? to95 : "-", 100 * last }' "$out/$strategy-v$v-$runs/curve.csv"
  done
done
