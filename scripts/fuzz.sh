#!/usr/bin/env bash
# Builds the libFuzzer targets with ASan and UBSan (clang): the IDX reader,
# the run-folder readers (.npy header, summary.json) and the PNG and JPEG
# decoder (over Debian's libpng and libjpeg, which are not instrumented:
# coverage guides it through ALX's side only). Runs each for
# SECONDS (default 60) on a seed corpus of valid and damaged files. Exits
# non-zero on any crash, leak or sanitizer report.
#   scripts/fuzz.sh [SECONDS]          e.g. scripts/fuzz.sh 1800 for 30 minutes each
# Corpora grow in build-fuzz/<target>/corpus; crashes land in build-fuzz/<target>/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
out="${ALX_FUZZ_DIR:-$root/build-fuzz}"
for pkg in clang libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" ||
    { echo "fuzz: installing $pkg" >&2; apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null; }
done
flags=(-std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I"$root/core/include")
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=detect_leaks=1

# run_target NAME SEED_SCRIPT SOURCES... LIBS...: builds, seeds and runs one target.
run_target() {
  local name="$1" seeder="$2"; shift 2
  local dir="$out/$name"
  mkdir -p "$dir/corpus"
  python3 "$seeder" "$dir/seeds"
  clang++ "${flags[@]}" "$@" -o "$dir/$name"
  (cd "$dir" && "./$name" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
     corpus seeds 2>&1 | tee fuzz.log | grep -E "DONE|INITED|stat::|ERROR|SUMMARY" || true)
  if grep -qE "ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|runtime error:" "$dir/fuzz.log"; then
    echo "fuzz: $name FAILED, see $dir/fuzz.log" >&2
    exit 1
  fi
  grep -q "Done [0-9]* runs" "$dir/fuzz.log" || { echo "fuzz: $name did not finish, see $dir/fuzz.log" >&2; exit 1; }
  echo "fuzz: $name: $(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$dir/fuzz.log"), no crash, leak or sanitizer report"
}

# The readers have no LibTorch dependency: compile them straight in.
run_target fuzz_idx_reader "$root/tests/fuzz/make_corpus.py" \
  "$root/tests/fuzz/fuzz_idx_reader.cpp" "$root/core/src/data/idx_reader.cpp" "$root/core/src/util/files.cpp" \
  "$root/core/src/util/errors.cpp" -lz
run_target fuzz_run_files "$root/tests/fuzz/make_run_corpus.py" \
  "$root/tests/fuzz/fuzz_run_files.cpp" "$root/core/src/storage/npy_layout.cpp" \
  "$root/core/src/storage/run_summary.cpp" "$root/core/src/vocabulary.cpp" "$root/core/src/util/errors.cpp" \
  "$root/core/src/util/files.cpp" "$root/core/src/util/numbers.cpp" -DALX_VERSION_STRING='"fuzz"'
run_target fuzz_image_decoder "$root/tests/fuzz/make_image_corpus.py" \
  "$root/tests/fuzz/fuzz_image_decoder.cpp" "$root/core/src/data/image_decoder.cpp" "$root/core/src/util/files.cpp" \
  "$root/core/src/util/errors.cpp" -lpng -ljpeg
