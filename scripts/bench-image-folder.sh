#!/usr/bin/env bash
# Fashion-MNIST read from 70,000 PNG files against the same images from
# Debian's IDX files: the folder's first load (its cache emptied), its
# cached load, the IDX load (each the whole alx-cli process, median of
# RUNS), LeNet-5's training throughput from each, and a 10-epoch LeNet-5's
# test accuracy from each with RUNS seeds (the folder's split order and the
# IDX order differ, so one seed each compares two draws, not two readers).
#   scripts/bench-image-folder.sh [PNG_DIR] [RUNS]   (PNG_DIR made by scripts/fashion-png.py when missing)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pngs="${1:-$root/build/fashion-png}"
runs="${2:-3}"
cli="$root/build/app/alx-cli"
[[ -d "$pngs/train" ]] || python3 "$root/scripts/fashion-png.py" "$pngs"
export XDG_CACHE_HOME="$(mktemp -d)"  # the folder's cache, and only it
trap 'rm -rf "$XDG_CACHE_HOME"' EXIT
folder=(--dataset images --data-dir "$pngs")
idx=(--dataset fashion-mnist)

source "$root/scripts/bench-helpers.sh"  # median
# seconds CMD...: the wall time of one run of CMD, its output thrown away.
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }

load=(bench --model lenet5 --train-images 64 --test-images 64)
first=() cached=() idxload=()
for ((i = 0; i < runs; ++i)); do
  rm -rf "$XDG_CACHE_HOME/alx/images"
  first+=("$(seconds "$cli" "${load[@]}" "${folder[@]}")")
  cached+=("$(seconds "$cli" "${load[@]}" "${folder[@]}")")
  idxload+=("$(seconds "$cli" "${load[@]}" "${idx[@]}")")
done
printf 'load (whole process, 64 images trained and scored after it), median of %d:\n' "$runs"
printf '  PNG folder, first load  %6.2f s   (%s)\n' "$(median "${first[@]}")" "${first[*]}"
printf '  PNG folder, cached      %6.2f s   (%s)\n' "$(median "${cached[@]}")" "${cached[*]}"
printf '  IDX files               %6.2f s   (%s)\n' "$(median "${idxload[@]}")" "${idxload[*]}"

echo "training throughput (alx-cli bench, LeNet-5, 6,400 images one pass):"
for source in folder idx; do
  declare -n args="$source"
  rates=()
  for ((i = 0; i < runs; ++i)); do
    rates+=("$("$cli" bench --model lenet5 "${args[@]}" --json | tail -1 |
               python3 -c 'import json, sys; print(json.load(sys.stdin)["train_img_per_s"])')")
  done
  printf '  %-6s %8.0f images/s median (%s)\n' "$source" "$(median "${rates[@]}")" "${rates[*]}"
done

echo "LeNet-5, 10 epochs, test accuracy by seed (0 .. RUNS-1), and its median:"
for source in folder idx; do
  declare -n args="$source"
  accuracies=()
  for ((seed = 0; seed < runs; ++seed)); do
    out="$(mktemp -d)"
    "$cli" train --model lenet5 --epochs 10 --seed "$seed" "${args[@]}" --out "$out/run" >/dev/null
    accuracies+=("$(python3 -c 'import json, sys; print(round(100 * json.load(open(sys.argv[1]))["test_accuracy"], 2))' "$out/run/summary.json")")
    rm -rf "$out"
  done
  printf '  %-6s %6.2f %% median (%s)\n' "$source" "$(median "${accuracies[@]}")" "${accuracies[*]}"
done
