#!/usr/bin/env bash
# A newcomer's first build, timed: scripts/build.sh (configure and build
# everything, tests included) in a fresh clone of each commit given, the
# commits alternating, ROUNDS rounds. Prints every time, then each commit's
# median. Run it on an otherwise idle machine: the build uses both cores.
#   scripts/bench-build.sh ROUNDS COMMIT...     e.g. 3 HEAD~1 HEAD
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/bench-helpers.sh"
[[ $# -ge 2 ]] || { echo "usage: $0 ROUNDS COMMIT..." >&2; exit 2; }
rounds="$1"; shift
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

declare -A times
for ((r = 1; r <= rounds; r++)); do
  for commit in "$@"; do
    clone="$work/clone"
    rm -rf "$clone"
    git clone --quiet "$root" "$clone"
    git -C "$clone" checkout --quiet "$(git -C "$root" rev-parse "$commit")"
    start=$(date +%s.%N)
    ALX_BUILD_DIR="$clone/build" "$clone/scripts/build.sh" >"$work/build.log" 2>&1 ||
      { tail -20 "$work/build.log" >&2; echo "bench-build: $commit failed to build" >&2; exit 1; }
    seconds=$(echo "$(date +%s.%N) - $start" | bc)
    printf 'round %d  %-12s %7.1f s\n' "$r" "$commit" "$seconds"
    times[$commit]="${times[$commit]:-} $seconds"
  done
done
for commit in "$@"; do
  # shellcheck disable=SC2086
  printf 'median  %-12s %7.1f s  (%s)\n' "$commit" "$(median ${times[$commit]})" "$(git -C "$root" log -1 --format=%h "$commit")"
done
