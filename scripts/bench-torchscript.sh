#!/usr/bin/env bash
# The price of TorchScript's interpreter: LeNet-5 as ALX's own model against
# the same LeNet-5 exported by alx-cli export and loaded back as a
# TorchScript file (the same arithmetic, run by the interpreter, its
# gradients by autograd), side by side in one run, alternating, median of
# RUNS: training and evaluation throughput from alx-cli bench (--json), and
# a 3-epoch training run's test accuracy for each.
#   scripts/bench-torchscript.sh [RUNS] [THREADS]   (MNIST from $ALX_TEST_MNIST_DIR or ../shared/datasets/mnist)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"
threads="${2:-2}"
cli="$root/build/app/alx-cli"
mnist="${ALX_TEST_MNIST_DIR:-$(cd "$root/.." && pwd)/shared/datasets/mnist}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
data=(--data-dir "$mnist" --threads "$threads")

source "$root/scripts/bench-helpers.sh"  # median
field() { python3 -c 'import json, sys; print(json.loads(sys.stdin.read().splitlines()[-1])[sys.argv[1]])' "$1"; }

# A LeNet-5 to export: its weights do not change the arithmetic's cost.
"$cli" train --model lenet5 --epochs 1 --train-images 2000 --test-images 100 --out "$work/run" "${data[@]}" >/dev/null
"$cli" export --run "$work/run" --out "$work/lenet5.pt" >/dev/null

declare -A train eval
for ((i = 0; i < runs; ++i)); do
  for model in lenet5 "$work/lenet5.pt"; do
    out="$("$cli" bench --model "$model" --json --warm-up "${data[@]}")"
    train[$model]+="$(field train_img_per_s <<<"$out") "
    eval[$model]+="$(field eval_metrics_img_per_s <<<"$out") "
  done
done
echo "alx-cli bench, LeNet-5, batch 32, 6,400 images trained one pass, 10,000 scored; $threads threads; median of $runs"
printf '%-22s %14s %14s   %s\n' model "train img/s" "eval img/s" "(train runs | eval runs)"
for model in lenet5 "$work/lenet5.pt"; do
  name=$([[ $model == lenet5 ]] && echo "lenet5 (ALX's own)" || echo "lenet5.pt (TorchScript)")
  # shellcheck disable=SC2086
  printf '%-22s %14.0f %14.0f   (%s| %s)\n' "$name" "$(median ${train[$model]})" "$(median ${eval[$model]})" "${train[$model]}" "${eval[$model]}"
done

# Both from a fresh draw of PyTorch's default initialisation (--reinit for the file).
echo "3 epochs on MNIST, seed 0, test accuracy:"
for model in lenet5 "$work/lenet5.pt"; do
  fresh=(); [[ $model == lenet5 ]] || fresh=(--reinit)
  "$cli" train --model "$model" "${fresh[@]}" --epochs 3 --out "$work/acc-$(basename "$model")" "${data[@]}" >/dev/null
  python3 -c 'import json, sys; print("  %-22s %.2f %%" % (sys.argv[2], 100 * json.load(open(sys.argv[1]))["test_accuracy"]))' \
    "$work/acc-$(basename "$model")/summary.json" "$(basename "$model")"
done
