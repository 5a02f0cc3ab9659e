# Shared by the benchmark scripts that source it.
# median VALUES...: the middle one of the values given (the lower middle for an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
