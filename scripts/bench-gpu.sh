#!/usr/bin/env bash
# Builds core/ and alx-cli alone (no Qt) against the LibTorch of the
# machine's PyTorch and times every model on its GPU:
#   - epochs over the whole MNIST training set (alx-cli train, 2 epochs at
#     the notebook's preset batch size; the first includes CUDA and cuDNN
#     start-up, the second is the steady figure) and the test accuracy;
#   - evaluation with all six scores over the 10,000 test images, exact
#     neighbours over all of them (alx-cli bench, synchronised with the GPU).
# Prints a Markdown table at the end.
#
#   scripts/bench-gpu.sh DATA_DIR [WORK_DIR]
#
# Environment:
#   ALX_DEPS_PREFIX  a prefix with the headers and static libraries of zlib,
#                    OpenSSL (libcrypto), libpng, libjpeg, CLI11 and nlohmann-json, for a
#                    server that lacks them (e.g. Debian's -dev packages
#                    unpacked with dpkg-deb -x); linked statically from there
#   ALX_BENCH_DEVICE cuda (default) or cpu, to try the script without a GPU
#   ALX_BENCH_MODELS default "net lenet5 simplecnn resnet18"
#   ALX_BENCH_TRAIN_IMAGES, ALX_BENCH_EPOCHS  default 0 (all) and 2
#   ALX_BENCH_BENCH_TRAIN  images alx-cli bench trains on first, default 2000
#   ALX_BENCH_CMAKE_ARGS   more CMake options, e.g. -DALX_CUDA_GRAPHS=OFF
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$(cd "${1:?usage: bench-gpu.sh DATA_DIR [WORK_DIR]}" && pwd)"
work="${2:-$root/build-gpu}"
device="${ALX_BENCH_DEVICE:-cuda}"
models="${ALX_BENCH_MODELS:-net lenet5 simplecnn resnet18}"
train_images="${ALX_BENCH_TRAIN_IMAGES:-0}"
epochs="${ALX_BENCH_EPOCHS:-2}"
python="${PYTHON:-python3}"
# CUDA's compiler where the toolkit usually lives, for LibTorch's CMake files.
[[ -x /usr/local/cuda/bin/nvcc ]] && ! command -v nvcc >/dev/null && export PATH="/usr/local/cuda/bin:$PATH"

echo "== machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"
echo "cores: $(nproc)"
echo "ALX $(git -C "$root" describe --always --dirty 2>/dev/null || echo "(no git)")"
cmake --version | head -1
"${CXX:-c++}" --version | head -1
torch_prefix="$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)')"
"$python" -c 'import torch; print("PyTorch", torch.__version__, "CUDA", torch.version.cuda, "cuDNN", torch.backends.cudnn.version())'

prefix_path="$torch_prefix"
extra=()
if [[ -n "${ALX_DEPS_PREFIX:-}" ]]; then
  deps="$(cd "$ALX_DEPS_PREFIX" && pwd)"
  prefix_path="$prefix_path;$deps"
  extra+=(-DOPENSSL_ROOT_DIR="$deps" -DOPENSSL_USE_STATIC_LIBS=TRUE -DZLIB_ROOT="$deps" -DZLIB_USE_STATIC_LIBS=ON)
  # libpng and libjpeg: their static archives (the -dev packages' .so links point at runtime packages).
  for lib in png:libpng16.a jpeg:libjpeg.a; do
    archive="$(find "$deps" -name "${lib#*:}" -print -quit)"
    [[ -n "$archive" ]] && extra+=(-D"$(tr a-z A-Z <<<"${lib%%:*}")"_LIBRARY="$archive")
  done
fi
# Downloads need libcurl's headers; a server handed the dataset goes without.
download=OFF
# shellcheck disable=SC2206  # split on purpose: several options
extra+=(${ALX_BENCH_CMAKE_ARGS:-})
[[ -f /usr/include/curl/curl.h || -f /usr/include/x86_64-linux-gnu/curl/curl.h ]] && download=ON

configure_and_build() {  # $1: C++ standard
  cmake -S "$root" -B "$work" -G Ninja -DCMAKE_BUILD_TYPE=Release -DALX_BUILD_UI=OFF -DALX_BUILD_TESTS=OFF \
        -DALX_WITH_DOWNLOAD=$download -DCMAKE_CXX_STANDARD="$1" -DCMAKE_PREFIX_PATH="$prefix_path" \
        ${extra[@]+"${extra[@]}"} >"$work.configure.log" 2>&1 &&
    cmake --build "$work" -j"$(nproc)" --target alx-cli >"$work.build.log" 2>&1
}
mkdir -p "$(dirname "$work")"
echo "== build"
start=$SECONDS
if ! configure_and_build 17; then
  tail -40 "$work.configure.log" "$work.build.log" 2>/dev/null || true
  echo "C++17 build failed; trying C++20 in a clean folder"
  rm -rf "$work"
  configure_and_build 20 || { tail -60 "$work.configure.log" "$work.build.log" 2>/dev/null; exit 1; }
fi
echo "built alx-cli in $((SECONDS - start)) s"
cli="$work/app/alx-cli"
"$cli" --version

results="$work.results"
: >"$results"
for model in $models; do
  echo "== $model"
  mkdir -p "$work.runs"
  out="$work.runs/$model"
  rm -rf "$out"
  if "$cli" train --model "$model" --data-dir "$data" --device "$device" --epochs "$epochs" \
       --train-images "$train_images" --out "$out" | tee "$out.log"; then
    "$python" - "$model" "$out/summary.json" >>"$results" <<'PY' || true
import json, sys
s = json.load(open(sys.argv[2]))
print(json.dumps({"model": sys.argv[1], "kind": "train", "summary": s}))
PY
  else
    echo "train $model failed"
  fi
  # Evaluation with six scores: the first pass in a process (which on a GPU
  # also loads each kernel) and a second, warm one.
  for warm in "" --warm-up; do
    if line=$("$cli" bench --model "$model" --data-dir "$data" --device "$device" $warm \
                --train-images "${ALX_BENCH_BENCH_TRAIN:-2000}" --eval-images 10000 --json | tail -1); then
      echo "$line"
      echo "{\"model\": \"$model\", \"kind\": \"bench${warm:+-warm}\", \"bench\": $line}" >>"$results"
    else
      echo "bench $model $warm failed"
    fi
  done
done

echo "== table"
"$python" - "$results" <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    d = json.loads(line)
    rows.setdefault(d["model"], {})[d["kind"]] = d
print("| model | batch | epoch 1 (s) | epoch 2 (s) | images/s (epoch 2) | test accuracy "
      "| eval + six scores, 10,000 images: first pass (s) | warm (s) |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
def seconds(bench):
    return f"{bench['eval_images'] / bench['eval_metrics_img_per_s']:.3f}" if bench else "?"
for model, r in rows.items():
    s = r.get("train", {}).get("summary", {})
    ep = s.get("epoch_seconds", [])
    n = s.get("train_images")
    acc = s.get("test_accuracy")
    cells = [f"{x:.2f}" for x in ep[:2]] + ["?"] * (2 - len(ep[:2]))
    cells.append(f"{n / ep[-1]:,.0f}" if n and ep else "?")
    cells.append(f"{100 * acc:.2f} %" if acc is not None else "?")
    cells.append(seconds(r.get("bench", {}).get("bench")))
    cells.append(seconds(r.get("bench-warm", {}).get("bench")))
    print(f"| {model} | {s.get('batch_size', '?')} | " + " | ".join(cells) + " |")
PY
