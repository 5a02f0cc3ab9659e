#!/usr/bin/env bash
# Times training steps replayed from CUDA graphs against the same steps
# launched one operation at a time (alx-cli train --no-cuda-graphs), model by
# model, and one repeat of entropy active learning to 1,000 labels both
# ways, on a GPU. Needs alx-cli built with CUDA (scripts/bench-gpu.sh builds
# it: ALX_BENCH_MODELS=' ' scripts/bench-gpu.sh DATA_DIR WORK_DIR).
#
#   scripts/bench-gpu-graphs.sh ALX_CLI DATA_DIR RESULTS_FILE
#
# Each measurement is one line of JSON in RESULTS_FILE, written as it ends.
# The runs are interleaved (graphs, then without, model by model, round by
# round) so that both ways meet the same machine. Environment:
#   ALX_BENCH_ROUNDS     rounds of the whole set (default 3; medians over them)
#   ALX_BENCH_DEADLINE_S start nothing new after this many seconds (default 0: no limit)
#   ALX_BENCH_MODELS     default "net lenet5 simplecnn resnet18"
#   ALX_BENCH_DEVICE, ALX_BENCH_BUDGET  cuda and 1,000 (cpu and less, to try the script without a GPU)
set -uo pipefail
cli="${1:?usage: bench-gpu-graphs.sh ALX_CLI DATA_DIR RESULTS_FILE}"
data="${2:?}"
results="${3:?}"
rounds="${ALX_BENCH_ROUNDS:-3}"
deadline="${ALX_BENCH_DEADLINE_S:-0}"
models="${ALX_BENCH_MODELS:-net lenet5 simplecnn resnet18}"
device="${ALX_BENCH_DEVICE:-cuda}"
budget="${ALX_BENCH_BUDGET:-1000}"
work="$(mktemp -d)"
start=$SECONDS

# Training images per model: enough steps for a steady second epoch.
train_images() { case "$1" in net) echo 12000 ;; resnet18) echo 20000 ;; *) echo 60000 ;; esac; }

out_of_time() { [[ "$deadline" -gt 0 && $((SECONDS - start)) -ge "$deadline" ]]; }

train() {  # $1 model, $2 round, $3 graphs|eager
  local flag=() out="$work/train-$1-$2-$3"
  [[ "$3" == eager ]] && flag=(--no-cuda-graphs)
  if "$cli" train --model "$1" --data-dir "$data" --device "$device" --epochs 2 --train-images "$(train_images "$1")" \
       --out "$out" ${flag[@]+"${flag[@]}"} >"$out.log" 2>&1; then
    python3 - "$1" "$2" "$3" "$out/summary.json" >>"$results" <<'PY'
import json, sys
s = json.load(open(sys.argv[4]))
print(json.dumps({"kind": "train", "model": sys.argv[1], "round": int(sys.argv[2]), "steps": sys.argv[3],
                  "train_images": s.get("train_images"), "batch_size": s.get("batch_size"),
                  "epoch_seconds": s.get("epoch_seconds"), "test_accuracy": s.get("test_accuracy")}))
PY
    tail -1 "$results"
  else
    echo "train $1 $3 failed:"; tail -20 "$out.log"
  fi
}

active_learning() {  # $1 round, $2 graphs|eager
  local flag=() out="$work/al-$1-$2" t0
  [[ "$2" == eager ]] && flag=(--no-cuda-graphs)
  t0=$(date +%s.%N)
  if "$cli" al --strategy entropy --budget "$budget" --repeats 1 --data-dir "$data" --device "$device" --out "$out" \
       ${flag[@]+"${flag[@]}"} >"$out.log" 2>&1; then
    python3 - "$1" "$2" "$t0" "$(date +%s.%N)" "$out" >>"$results" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[5] + "/curve.csv")))
acc = {int(r["labels"]): float(r["test_accuracy"]) for r in rows}
print(json.dumps({"kind": "al", "round": int(sys.argv[1]), "steps": sys.argv[2],
                  "seconds": float(sys.argv[4]) - float(sys.argv[3]), "rounds": len(rows),
                  "accuracy_at_300": acc.get(300), "last_labels": max(acc), "accuracy_at_last": acc.get(max(acc)),
                  "labels_to_90": min((l for l, a in acc.items() if a >= 0.90), default=None),
                  "labels_to_95": min((l for l, a in acc.items() if a >= 0.95), default=None)}))
PY
    tail -1 "$results"
  else
    echo "al $2 failed:"; tail -20 "$out.log"
  fi
}

for round in $(seq 1 "$rounds"); do
  for way in graphs eager; do
    out_of_time && break 2
    [[ "$round" -eq 1 && "$way" == graphs ]] && active_learning 1 graphs
    for model in $models; do
      out_of_time && break 3
      train "$model" "$round" "$way"
    done
  done
  out_of_time && break
  if [[ "$round" -eq 1 ]]; then active_learning 1 eager; else active_learning "$round" graphs; fi
done
echo "bench-gpu-graphs: $((SECONDS - start)) s"
rm -rf "$work"
