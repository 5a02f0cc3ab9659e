#!/usr/bin/env bash
# Builds the IDX reader's libFuzzer target with ASan and UBSan (clang) and
# runs it for SECONDS (default 60) on a seed corpus of valid and damaged
# files. Exits non-zero on any crash, leak or sanitizer report.
#   scripts/fuzz.sh [SECONDS]          e.g. scripts/fuzz.sh 1800 for 30 minutes
# The corpus grows in build-fuzz/corpus; crashes land in build-fuzz/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
out="${ALX_FUZZ_DIR:-$root/build-fuzz}"
mkdir -p "$out/corpus"
for pkg in clang libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" ||
    { echo "fuzz: installing $pkg" >&2; apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null; }
done
python3 "$root/tests/fuzz/make_corpus.py" "$out/seeds"
# The reader has no LibTorch dependency: compile it straight in, with zlib.
clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$root/core/include" "$root/tests/fuzz/fuzz_idx_reader.cpp" "$root/core/src/idx_reader.cpp" \
  "$root/core/src/errors.cpp" -lz -o "$out/fuzz_idx_reader"
cd "$out"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=detect_leaks=1
./fuzz_idx_reader -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
  corpus seeds 2>&1 | tee fuzz.log | grep -E "DONE|INITED|stat::|ERROR|SUMMARY" || true
if grep -qE "ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|runtime error:" fuzz.log; then
  echo "fuzz: FAILED, see $out/fuzz.log" >&2
  exit 1
fi
grep -q "Done [0-9]* runs" fuzz.log || { echo "fuzz: the fuzzer did not finish, see $out/fuzz.log" >&2; exit 1; }
echo "fuzz: $(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' fuzz.log), no crash, leak or sanitizer report"
