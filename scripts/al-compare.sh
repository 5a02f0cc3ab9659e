#!/usr/bin/env bash
# Runs the active-learning comparison behind the README's table: each
# strategy in its own `alx-cli al` output folder OUT/STRATEGY (defaults:
# gal, 20 initial labels, 10 per round, to 1,000 labels, 3 repeats), as many
# strategies at once as there are cores, one LibTorch thread each; then
# prints the merged table (scripts/al_table.py). It takes hours on two
# cores. Run it again with the same OUT to continue where it stopped: a
# folder that holds a run is resumed, finished rounds are not repeated.
#
#   scripts/al-compare.sh OUT [STRATEGY...]
#     (default: random entropy margin bald variation_ratios coreset entropy_coreset)
# Environment: ALX_BENCH_MNIST (default ../shared/datasets/mnist),
#              ALX_AL_JOBS (strategies at once, default: the cores),
#              ALX_AL_REPEATS (default 3), ALX_AL_BUDGET (default 1000),
#              ALX_CLI (an alx-cli to use as it is, e.g. a copy that a
#              rebuild during the hours of the run will not replace).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ $# -ge 1 ]] || { sed -n '2,17p' "$0" >&2; exit 2; }
out="$(mkdir -p "$1" && cd "$1" && pwd)"
shift
strategies=("$@")
[[ ${#strategies[@]} -gt 0 ]] || strategies=(random entropy margin bald variation_ratios coreset entropy_coreset)
data="${ALX_BENCH_MNIST:-$(cd "$root/.." && pwd)/shared/datasets/mnist}"
jobs="${ALX_AL_JOBS:-$(nproc)}"
repeats="${ALX_AL_REPEATS:-3}"
budget="${ALX_AL_BUDGET:-1000}"
if [[ -n "${ALX_CLI:-}" ]]; then
  cli="$ALX_CLI"
else
  cli="${ALX_BUILD_DIR:-$root/build}/app/alx-cli"
  "$root/scripts/build.sh" alx-cli >/dev/null
fi

run_strategy() {
  local strategy="$1" resume=()
  [[ -f "$out/$strategy/settings.json" ]] && resume=(--resume)
  echo "al-compare: $strategy started $(date '+%H:%M:%S')" >&2
  "$cli" al --strategy "$strategy" --repeats "$repeats" --budget "$budget" --threads 1 \
    --data-dir "$data" "${resume[@]}" --out "$out/$strategy" >>"$out/$strategy.log" 2>&1 ||
    echo "al-compare: $strategy stopped with exit code $?; see $out/$strategy.log" >&2
  echo "al-compare: $strategy ended $(date '+%H:%M:%S')" >&2
}
export -f run_strategy
export out cli repeats budget data
printf '%s\n' "${strategies[@]}" | xargs -P "$jobs" -I{} bash -c 'run_strategy "$@"' _ {}
python3 "$root/scripts/al_table.py" "$out" "$budget"
