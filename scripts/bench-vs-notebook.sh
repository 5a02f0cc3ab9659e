#!/usr/bin/env bash
# Times ALX's engine against the notebook's PyTorch pipeline, side by side
# on this machine: ../shared/bench/seed_pipeline.py (Debian's python3-torch)
# and `alx-cli bench`, alternating, RUNS times each, for the four models on
# MNIST at the notebook's batch sizes. Two columns: both as they start by
# default, and both held to one thread. Prints the medians and the ratios
# ours/notebook as a Markdown table.
#
#   scripts/bench-vs-notebook.sh [RUNS]        (default 3)
# Environment: ALX_BENCH_MNIST (default ../shared/datasets/mnist),
#              ALX_BENCH_MODELS (default "net simplecnn resnet18 lenet5"),
#              ALX_BENCH_AGAINST: another build's alx-cli to time instead of
#              the notebook (its `bench` at the same settings): a change that
#              should not touch speed keeps every ratio near 1.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"
data="${ALX_BENCH_MNIST:-$(cd "$root/.." && pwd)/shared/datasets/mnist}"
seed_pipeline="${ALX_SEED_PIPELINE:-$(cd "$root/.." && pwd)/shared/bench/seed_pipeline.py}"
models="${ALX_BENCH_MODELS:-net simplecnn resnet18 lenet5}"
cli="${ALX_BUILD_DIR:-$root/build}/app/alx-cli"
# Debian's interpreter, which python3-torch installs into (not a pyenv or venv one).
python=/usr/bin/python3
against="${ALX_BENCH_AGAINST:-}"
other="notebook"
[[ -n "$against" ]] && other="the other build"

[[ -n "${ALX_BENCH_AGAINST:-}" ]] || for pkg in python3-torch python3-torchvision python3-sklearn python3-pil; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=" $pkg"
done
if [[ -n "${missing:-}" ]]; then
  echo "bench: installing$missing" >&2
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
"$root/scripts/build.sh" alx-cli >/dev/null

# Training images per model: enough batches to swamp start-up, few enough
# that the notebook's per-sample DataLoader finishes in reasonable time.
train_images() {
  case "$1" in
    net) echo 4000 ;; resnet18) echo 1600 ;; *) echo 6400 ;;
  esac
}
eval_images=10000
results="$(mktemp)"
trap 'rm -f "$results"' EXIT

for threads in default 1; do
  for model in $models; do
    n=$(train_images "$model")
    for ((r = 1; r <= runs; r++)); do
      # One thread: both sides held to it (OpenMP's own pool too).
      held=() one=()
      [[ $threads == 1 ]] && held=(OMP_NUM_THREADS=1) one=(--threads 1)
      if [[ -n "$against" ]]; then
        nb=$(env "${held[@]}" "$against" bench --model "$model" --data-dir "$data" --train-images "$n" \
             --eval-images "$eval_images" "${one[@]}" --json | tail -1)
      else
        nb=$(env "${held[@]}" "$python" "$seed_pipeline" "$data" "$model" "$n" "$eval_images" | tail -1)
      fi
      ours=$(env "${held[@]}" "$cli" bench --model "$model" --data-dir "$data" --train-images "$n" \
             --eval-images "$eval_images" "${one[@]}" --json | tail -1)
      echo "$threads notebook $nb" >> "$results"
      echo "$threads ours $ours" >> "$results"
      echo "bench: $model threads=$threads run $r: notebook $nb" >&2
      echo "bench: $model threads=$threads run $r: ours $ours" >&2
    done
  done
done

python3 - "$results" "$runs" "$other" <<'PY'
import json, statistics, sys, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    threads, who, payload = line.split(" ", 2)
    d = json.loads(payload)
    rows[(threads, d["model"], who)].append(d)
def med(threads, model, who, key):
    return statistics.median(r[key] for r in rows[(threads, model, who)])
other = sys.argv[3]
print(f"Medians of {sys.argv[2]} alternating runs each; images per second; ratio = ours / {other}.\n")
print(f"| model | batch | threads | train: {other} | train: ours | ratio | eval+6 scores: {other} | eval+6 scores: ours | ratio | peak RSS ours (MiB) |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for threads in ("default", "1"):
    for model in ["net", "simplecnn", "resnet18", "lenet5"]:
        if not rows[(threads, model, "ours")]:
            continue
        tn, to = med(threads, model, "notebook", "train_img_per_s"), med(threads, model, "ours", "train_img_per_s")
        en, eo = med(threads, model, "notebook", "eval_metrics_img_per_s"), med(threads, model, "ours", "eval_metrics_img_per_s")
        rss = med(threads, model, "ours", "peak_rss_mb")
        batch = rows[(threads, model, "ours")][0]["batch"]
        label = f"default ({other} %s, ours %s)" % (rows[(threads, model, "notebook")][0]["threads"], rows[(threads, model, "ours")][0]["threads"]) if threads == "default" else "1"
        print(f"| {model} | {batch} | {label} | {tn:.0f} | {to:.0f} | {to/tn:.2f}x | {en:.0f} | {eo:.0f} | {eo/en:.2f}x | {rss:.0f} |")
PY
