#!/usr/bin/env bash
# The active-learning comparison of docs/active-learning.md as one sweep:
# 7 strategies x 3 repeats of `gal` on MNIST (20 initial labels, 10 a
# round), one thread a task, two tasks at a time, on Slurm when sbatch is on
# PATH (e.g. after `eval "$(sudo scripts/slurm-local.sh start | tail -1)"`),
# else as local processes. Run it again with the same OUT to submit only the
# tasks not done (finished rounds are never repeated); `alx-cli sweep merge
# OUT` prints the table once they are done (the local backend merges at once).
#
#   scripts/al-compare.sh OUT [STRATEGY,...]
#     (default: random,entropy,margin,bald,variation_ratios,coreset,entropy_coreset)
# Environment: ALX_BENCH_MNIST (default ../shared/datasets/mnist),
#   ALX_AL_REPEATS (3), ALX_AL_BUDGET (300), ALX_AL_PARALLEL (2),
#   ALX_AL_BACKEND (slurm or local), ALX_CLI (an alx-cli to use as it is:
#   the Slurm script calls the alx-cli that submitted it, so a copy that a
#   rebuild will not replace during the hours of the run is safest).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ $# -ge 1 ]] || { sed -n '2,17p' "$0" >&2; exit 2; }
out="$1"
strategies="${2:-random,entropy,margin,bald,variation_ratios,coreset,entropy_coreset}"
data="${ALX_BENCH_MNIST:-$(cd "$root/.." && pwd)/shared/datasets/mnist}"
parallel="${ALX_AL_PARALLEL:-2}"
if [[ -n "${ALX_CLI:-}" ]]; then
  cli="$ALX_CLI"
else
  cli="${ALX_BUILD_DIR:-$root/build}/app/alx-cli"
  "$root/scripts/build.sh" alx-cli >/dev/null
fi
backend="${ALX_AL_BACKEND:-}"
[[ -n "$backend" ]] || { command -v sbatch >/dev/null && backend=slurm || backend=local; }
limit=(--max-parallel "$parallel")
[[ "$backend" == local ]] && limit=(--jobs "$parallel")

if [[ ! -f "$out/sweep.json" ]]; then
  "$cli" sweep create "$out" --strategy "$strategies" --repeats "${ALX_AL_REPEATS:-3}" \
    --budget "${ALX_AL_BUDGET:-300}" --threads 1 --data-dir "$data"
fi
if [[ -f "$out/submissions.json" ]]; then
  "$cli" sweep resubmit "$out" --backend "$backend" "${limit[@]}"
else
  "$cli" sweep submit "$out" --backend "$backend" "${limit[@]}"
fi
if [[ "$backend" == local ]]; then "$cli" sweep merge "$out"; else echo "When every task is done: $cli sweep merge $out"; fi
