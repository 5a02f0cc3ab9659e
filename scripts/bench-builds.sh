#!/usr/bin/env bash
# Two builds of alx-cli side by side: `alx-cli bench` of each, alternating,
# RUNS times per model, at the notebook's batch sizes and one thread (as
# bench-vs-notebook.sh's second column). Prints the medians and the ratio
# B / A per model: a change that should not touch speed keeps it near 1.
#
#   scripts/bench-builds.sh OLD_ALX_CLI NEW_ALX_CLI [RUNS]     (default 3)
# Environment: ALX_BENCH_MNIST (default ../shared/datasets/mnist),
#              ALX_BENCH_MODELS (default "net simplecnn resnet18 lenet5").
set -euo pipefail
a="$1"
b="$2"
runs="${3:-3}"
data="${ALX_BENCH_MNIST:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/shared/datasets/mnist}"
models="${ALX_BENCH_MODELS:-net simplecnn resnet18 lenet5}"
log="$(mktemp)"

for model in $models; do
  case "$model" in net) n=4000 ;; resnet18) n=1600 ;; *) n=6400 ;; esac
  for ((r = 1; r <= runs; r++)); do
    for side in A B; do
      cli=$a
      [[ $side == B ]] && cli=$b
      line=$(OMP_NUM_THREADS=1 "$cli" bench --model "$model" --data-dir "$data" --train-images "$n" \
             --eval-images 10000 --threads 1 --json | tail -1)
      echo "$side $line" >> "$log"
      echo "bench-builds: $model run $r $side: $line" >&2
    done
  done
done

python3 - "$log" "$runs" <<'PY'
import collections, json, statistics, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    side, payload = line.split(" ", 1)
    d = json.loads(payload)
    rows[(d["model"], side)].append(d)
print(f"Medians of {sys.argv[2]} alternating runs each, one thread; images per second; ratio = B / A.\n")
print("| model | train: A | train: B | ratio | eval+6 scores: A | eval+6 scores: B | ratio |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for model in dict.fromkeys(m for m, _ in rows):
    med = lambda side, key: statistics.median(r[key] for r in rows[(model, side)])
    ta, tb = med("A", "train_img_per_s"), med("B", "train_img_per_s")
    ea, eb = med("A", "eval_metrics_img_per_s"), med("B", "eval_metrics_img_per_s")
    print(f"| {model} | {ta:.0f} | {tb:.0f} | {tb/ta:.3f} | {ea:.0f} | {eb:.0f} | {eb/ea:.3f} |")
PY
rm -f "$log"
