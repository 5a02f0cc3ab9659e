#!/usr/bin/env bash
# Sweep overheads, measured (not a test): prints each trial and the median.
#   scripts/bench-sweep.sh synthetic [TASKS] [REPEATS]
#       `sweep status` and `sweep merge` on a made-up sweep of TASKS
#       (default 1000) finished tasks, each with a curve of 98 rounds (20 to
#       1,000 labels) and its state file: the whole command's wall time.
#   scripts/bench-sweep.sh first-round [REPEATS]
#       From `sweep submit` to the first task's first round written
#       (tasks/0/curve.csv), on the Slurm that SLURM_CONF points at
#       (scripts/slurm-local.sh start); real MNIST, 1 task, 1 thread. Also
#       splits it: to the task's start in its log, and its first round.
#   scripts/bench-sweep.sh preempt [TRIALS]
#       What SIGTERM costs a running task: it is signalled at a random
#       moment of a round; prints the seconds since its last finished round
#       (the work lost, at most one round) and from the signal to its exit.
# Environment: ALX_CLI (default build/app/alx-cli), ALX_BENCH_MNIST
# (default ../shared/datasets/mnist).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli="${ALX_CLI:-$root/build/app/alx-cli}"
mnist="${ALX_BENCH_MNIST:-$(cd "$root/.." && pwd)/shared/datasets/mnist}"
what="${1:-}"
work="$(mktemp -d /var/tmp/alx-bench-sweep.XXXXXX)"
[[ -n "${ALX_BENCH_KEEP:-}" ]] || trap 'rm -rf "$work"' EXIT  # ALX_BENCH_KEEP=1 keeps the folders
export ALX_RUNS_DIR="$work/runs"
now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

case "$what" in
synthetic)
  tasks="${2:-1000}" repeats="${3:-5}"
  # 8 strategies x TASKS/8 repeats, budget 1000: the plan from alx-cli itself.
  "$cli" sweep create "$work/s" --strategy random,least_confidence,entropy,margin,bald,variation_ratios,coreset,entropy_coreset \
    --repeats $((tasks / 8)) --budget 1000 >/dev/null
  python3 - "$work/s" <<'PY'
import json, os, sys, random
d = sys.argv[1]
plan = json.load(open(os.path.join(d, "sweep.json")))
shared = plan["shared"]
for t in plan["tasks"]:
    td = os.path.join(d, "tasks", str(t["id"]))
    os.makedirs(os.path.join(td, "state"), exist_ok=True)
    settings = {"model": t["model"], "dataset": t["dataset"], "initial": t["initial"], "acquire": t["acquire"],
                "budget": shared["budget"], "pool_subset": t["pool_subset"], "mc_samples": shared["mc_samples"],
                "repeats": shared["repeats"], "seed": shared["seed"], "max_steps_per_round": t["max_steps"],
                "epochs_per_round": shared["epochs_per_round"], "batch_size": shared["batch_size"],
                "only_repeat": t["repeat"]}
    json.dump(settings, open(os.path.join(td, "settings.json"), "w"), indent=2)
    rng = random.Random(t["id"])
    rows = ["strategy,repeat,labels,test_accuracy,ece"]
    acc = 0.5
    for labels in range(t["initial"], shared["budget"] + 1, t["acquire"]):
        acc = min(0.99, acc + rng.random() * 0.02)
        rows.append(f"{t['strategy']},{t['repeat']},{labels},{acc:.4f},{0.05:.4f}")
    open(os.path.join(td, "curve.csv"), "w").write("\n".join(rows) + "\n")
    json.dump({"labelled": rng.sample(range(60000), shared["budget"])},
              open(os.path.join(td, "state", f"{t['strategy']}-{t['repeat']}.json"), "w"))
    json.dump({"state": "done", "message": "", "host": "bench", "pid": 1, "slurm_job": f"7_{t['id']}",
               "started": "", "updated": ""}, open(os.path.join(td, "task.json"), "w"))
print(len(plan["tasks"]), "finished tasks written")
PY
  for cmd in status merge; do
    for _ in $(seq "$repeats"); do
      s=$(now); "$cli" sweep "$cmd" "$work/s" >"$work/out"; e=$(now)
      echo "$e - $s" | bc
    done >"$work/$cmd.times"
    echo "sweep $cmd: $(paste -sd' ' "$work/$cmd.times") s; median $(median <"$work/$cmd.times") s"
  done
  tail -1 "$work/out"
  s=$(now); "$cli" --version >/dev/null; e=$(now)
  echo "(alx-cli --version alone, loading LibTorch: $(echo "$e - $s" | bc) s)"
  ;;
first-round)
  repeats="${2:-5}"
  [[ -n "${SLURM_CONF:-}" ]] || { echo "set SLURM_CONF (scripts/slurm-local.sh start)" >&2; exit 2; }
  for i in $(seq "$repeats"); do
    "$cli" sweep create "$work/f$i" --strategy random --repeats 1 --budget 30 --threads 1 --data-dir "$mnist" >/dev/null
    s=$(now)
    "$cli" sweep submit "$work/f$i" --backend slurm >/dev/null
    while [[ ! -f "$work/f$i/tasks/0/curve.csv" ]]; do sleep 0.02; done
    e=$(now)
    started=$(date -d "$(sed -n 's/^== task 0: .* \([0-9T:-]*Z\)$/\1/p' "$work/f$i/logs/task-0.log" | head -1)" +%s)
    round=$(sed -n 's/^task 0 round 0: .*(\([0-9.]*\) s)$/\1/p' "$work/f$i/logs/task-0.log" | head -1)
    printf "%.2f %.0f %s\n" "$(echo "$e - $s" | bc)" "$(echo "$started - $s" | bc)" "$round"
    "$cli" sweep cancel "$work/f$i" >/dev/null 2>&1 || true
    while squeue --noheader | grep -q .; do sleep 0.2; done
  done >"$work/first"
  echo "submit to first round (s), to the task's start in its log (s, whole seconds), round 0 itself (s):"
  cat "$work/first"
  echo "median submit to first round: $(cut -d' ' -f1 "$work/first" | median) s"
  ;;
preempt)
  trials="${2:-5}"
  "$cli" sweep create "$work/p" --strategy random --repeats 1 --budget 300 --threads 1 --data-dir "$mnist" >/dev/null
  for i in $(seq "$trials"); do
    "$cli" sweep run-task "$work/p" 0 >>"$work/p.log" 2>&1 &
    pid=$!
    # Past a few rounds, then at a random moment.
    rounds=$(( $(grep -c "^task 0 round" "$work/p.log" || true) + 2 ))
    while [[ $(grep -c "^task 0 round" "$work/p.log" || true) -lt $rounds ]]; do sleep 0.05; done
    sleep "$(awk -v s="$RANDOM" 'BEGIN {srand(s); printf "%.2f", rand() * 3}')"
    last=$(python3 -c "import os,sys; print(os.stat(sys.argv[1]).st_mtime)" "$work/p/tasks/0/curve.csv")
    s=$(now)
    kill -TERM "$pid"
    wait "$pid" || true
    e=$(now)
    duration=$(grep "^task 0 round [0-9]*:" "$work/p.log" | tail -1 | sed -n 's/.*(\([0-9.]*\) s)$/\1/p')
    printf "%.2f %.2f %s\n" "$(echo "$s - $last" | bc)" "$(echo "$e - $s" | bc)" "$duration"
  done >"$work/preempt"
  echo "work lost (s since the last finished round), signal to exit (s), the last round's length (s):"
  cat "$work/preempt"
  echo "median lost $(cut -d' ' -f1 "$work/preempt" | median) s, median signal to exit $(cut -d' ' -f2 "$work/preempt" | median) s"
  grep -c "abandoned" "$work/p.log" | sed 's/^/stops recorded: /'
  echo "rounds logged: $(grep -c '^task 0 round' "$work/p.log"), distinct: $(grep '^task 0 round' "$work/p.log" | cut -d: -f1 | sort -u | wc -l) (a round done twice would show twice)"
  ;;
*) sed -n '2,19p' "$0" >&2; exit 2 ;;
esac
