#!/usr/bin/env bash
# The label audit's hit rate on known label errors: a seeded share of
# MNIST's training labels flipped (uniformly, and by the class-conditional
# pattern 7->1, 4->9, 5->3, 2->7), then a training-split audit by K-fold
# cross-validation, and the precision and recall of the flipped labels at
# the top 50, 100, 500, 1000, as many as were flipped, and at the flagged
# set, for one network and an ensemble of seeds, each without and with
# neighbour evidence, beside the plain ranking by p(given label) of the
# same probabilities. The same audits of the unflipped labels give the
# dataset's own suspects (real label errors and ambiguous digits, which a
# flip count takes for misses): the last column leaves them out.
#
#   scripts/bench-audit.sh [MNIST_DIR] [OUT_DIR]
# Environment: SHARE (0.02), FOLDS (5), EPOCHS (2 per fold), SEEDS (3),
# NEIGHBOURS (10), MODEL (lenet5), THREADS (0 = all), ALX_CLI.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mnist="${1:-${ALX_TEST_MNIST_DIR:-$root/../shared/datasets/mnist}}"
out="${2:-/tmp/alx-bench-audit}"
cli="${ALX_CLI:-$root/build/app/alx-cli}"
share="${SHARE:-0.02}" folds="${FOLDS:-5}" epochs="${EPOCHS:-2}" seeds="${SEEDS:-3}"
neighbours="${NEIGHBOURS:-10}" model="${MODEL:-lenet5}" threads="${THREADS:-0}"
[[ -x "$cli" ]] || { echo "bench-audit: $cli not found: build first (scripts/build.sh)" >&2; exit 2; }
mkdir -p "$out"

audit() {  # audit NAME DATA SEEDS NEIGHBOURS
  local dir="$out/$1"
  if [[ ! -f "$dir/label_quality.json" ]]; then
    /usr/bin/time -f "$1: %e s" "$cli" audit --model "$model" --split train --folds "$folds" --epochs "$epochs" \
      --seeds "$3" --neighbours "$4" --data-dir "$2" --no-verify --threads "$threads" --out "$dir" >"$dir.log"
  fi
}

configurations() {  # configurations PREFIX DATA
  audit "$1-one" "$2" 1 0
  audit "$1-one-nb" "$2" 1 "$neighbours"
  audit "$1-ensemble" "$2" "$seeds" 0
  audit "$1-ensemble-nb" "$2" "$seeds" "$neighbours"
}

configurations clean "$mnist"
for kind in uniform pairs; do
  data="$out/mnist-$kind"
  /usr/bin/python3 "$root/scripts/audit-noise.py" flip "$mnist" "$data" "$kind" --share "$share" --seed 0
  configurations "$kind" "$data"
  flips=$(wc -l <"$data/flipped.txt")
  echo
  echo "$kind flips ($share of the training labels), $model, $folds folds x $epochs epochs; precision / recall"
  echo "| configuration | top 50 | top 100 | top 500 | top 1000 | top $flips | flagged | flagged count | flags on right labels | error_rate | top 500 without the dataset's own suspects |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  score() {  # score NAME LABEL [--plain]
    /usr/bin/python3 "$root/scripts/audit-noise.py" score "$out/$kind-$1" "$data/flipped.txt" --clean "$out/clean-$1" \
      --label "$2" "${@:3}"
  }
  score one "plain p(given), one network" --plain
  score one "one network"
  score one-nb "one network + $neighbours neighbours"
  score ensemble "plain p(given), $seeds seeds" --plain
  score ensemble "$seeds seeds"
  score ensemble-nb "$seeds seeds + $neighbours neighbours"
done
