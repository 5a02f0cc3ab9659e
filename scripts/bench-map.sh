#!/usr/bin/env bash
# The map benchmark, side by side in one run: `alx-cli map` (t-SNE, its
# defaults) against scikit-learn's TSNE (Debian's python3-sklearn: Barnes-Hut,
# perplexity 30, 1,000 iterations, PCA initialisation, cosine metric,
# n_jobs=-1) on the 10,000 test embeddings of a LeNet-5 run, RUNS alternating
# runs each (median), then ALX alone on all 70,000 MNIST images, RUNS runs
# (the first computes the training images' embeddings from model.pt, the
# later ones read them back), and once with Barnes-Hut instead of its
# grid. Prints wall
# time, peak RSS and the share of each image's 10 nearest neighbours in
# feature space (cosine) kept among its 10 nearest on the map.
#   scripts/bench-map.sh [RUNS]        default 3; run it on an otherwise idle machine
#   ALX_BENCH_SKLEARN_70K=1            also run scikit-learn on the 70,000 (long)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"
out="${ALX_BENCH_DIR:-$root/build-bench/map}"
cli="${ALX_CLI:-$root/build/app/alx-cli}"
data="${ALX_DATA_DIR:-$(cd "$root/.." && pwd)/shared/datasets/mnist}"
py=/usr/bin/python3   # Debian's, with python3-sklearn
tools="$root/scripts/map_bench.py"
dpkg-query -W -f='${Status}' python3-sklearn 2>/dev/null | grep -q "ok installed" ||
  { echo "bench-map: installing python3-sklearn (for the comparison only)" >&2; apt-get install -y -qq python3-sklearn >/dev/null; }
mkdir -p "$out"
run="$out/lenet5"
if [[ ! -f "$run/summary.json" ]]; then
  echo "bench-map: training LeNet-5 with its preset (the embeddings to map)" >&2
  "$cli" train --model lenet5 --data-dir "$data" --out "$run" >/dev/null
fi

# timed LABEL CMD...: appends "LABEL seconds peak_kib" to $out/times.
timed() {
  local label="$1"; shift
  /usr/bin/time -f "$label %e %M" -a -o "$out/times" "$@" >/dev/null 2>"$out/last.err" ||
    { cat "$out/last.err" >&2; exit 1; }
}
rm -f "$out/times"
for ((r = 1; r <= runs; r++)); do
  echo "bench-map: run $r of $runs" >&2
  timed alx-10k "$cli" map --run "$run" --data-dir "$data"
  timed sklearn-10k "$py" "$tools" sklearn "$run/embeddings.npy" "$out/sklearn_test.npy"
done
echo "bench-map: all 70,000 images" >&2
rm -f "$run/train_embeddings.npy"  # the first run computes them from the model
for ((r = 1; r <= runs; r++)); do
  timed alx-70k "$cli" map --run "$run" --split all --data-dir "$data"
  cp "$run/map_tsne_all.npy" "$out/alx_all_$r.npy"
done
timed alx-70k-bh "$cli" map --run "$run" --split all --repulsion barnes-hut --data-dir "$data"
cp "$run/map_tsne_all.npy" "$out/alx_all_bh.npy"
"$py" "$tools" concat "$out/features_all.npy" "$run/embeddings.npy" "$run/train_embeddings.npy"
if [[ "${ALX_BENCH_SKLEARN_70K:-0}" == 1 ]]; then
  timed sklearn-70k "$py" "$tools" sklearn "$out/features_all.npy" "$out/sklearn_all.npy"
fi

kept_alx10=$("$py" "$tools" kept "$run/embeddings.npy" "$run/map_tsne_test.npy")
kept_sk10=$("$py" "$tools" kept "$run/embeddings.npy" "$out/sklearn_test.npy")
kept_alx70=$(for ((r = 1; r <= runs; r++)); do "$py" "$tools" kept "$out/features_all.npy" "$out/alx_all_$r.npy"; done | paste -sd/)
kept_alx70bh=$("$py" "$tools" kept "$out/features_all.npy" "$out/alx_all_bh.npy")
kept_sk70=""
[[ -f "$out/sklearn_all.npy" && "${ALX_BENCH_SKLEARN_70K:-0}" == 1 ]] &&
  kept_sk70=$("$py" "$tools" kept "$out/features_all.npy" "$out/sklearn_all.npy")

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
stat() { grep "^$1 " "$out/times" | awk -v c="$2" '{print $c}' | median; }
row() {  # LABEL NAME KEPT
  local n; n=$(grep -c "^$1 " "$out/times" || true)
  [[ "$n" -gt 0 ]] || return 0
  printf "| %s | %s | %.1f | %.0f | %s |\n" "$2" "$n" "$(stat "$1" 2)" "$(( $(stat "$1" 3) / 1024 ))" "$3"
}
echo
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(date -u +%Y-%m-%d)"
echo
echo "| case | runs | wall time, median (s) | peak RSS (MiB) | 10-NN kept |"
echo "| --- | --- | --- | --- | --- |"
row alx-10k "ALX, 10,000 test embeddings" "$kept_alx10"
row sklearn-10k "scikit-learn TSNE, 10,000 test embeddings" "$kept_sk10"
row alx-70k "ALX, all 70,000 images (the grid; run 1 also embeds the training images)" "$kept_alx70"
row alx-70k-bh "ALX, all 70,000 images, --repulsion barnes-hut" "$kept_alx70bh"
row sklearn-70k "scikit-learn TSNE, all 70,000" "$kept_sk70"
a=$(stat alx-10k 2); s=$(stat sklearn-10k 2)
echo
awk -v a="$a" -v s="$s" 'BEGIN {printf "10,000 images: ALX %.1fx faster than scikit-learn (medians)\n", s / a}'
