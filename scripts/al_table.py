#!/usr/bin/env python3
"""Merges the active-learning runs under OUT (one `alx-cli al` output
folder per strategy, as scripts/al-compare.sh lays them out) into the
README's Markdown table: per strategy, the median over repeats of the labels
at which test accuracy first reaches 90 % and 95 % (a repeat that never does
counts as above every other; "-" when most never do), the median accuracy at
the budget, and the median time of a repeat (from the per-round times in the
strategy's log). Only repeats that reached the budget count.

    scripts/al_table.py OUT [BUDGET]      (BUDGET default 1000)
"""
import csv
import os
import re
import statistics
import sys

ORDER = ["random", "least_confidence", "entropy", "margin", "bald", "variation_ratios", "coreset",
         "kl_neighbours", "entropy_coreset"]
ROUND = re.compile(r"^(\S+) repeat (\d+): (\d+) labels, test accuracy [\d.]+% \(([\d.]+) s\)$")


def labels_to(curve, threshold):
    return next((labels for labels, accuracy in curve if accuracy >= threshold), None)


def median_labels(values):
    # None (never reached) sorts above every number; the median is None when most are None.
    ordered = sorted(values, key=lambda v: float("inf") if v is None else v)
    if sum(v is None for v in ordered) * 2 > len(ordered):
        return None
    n = len(ordered)
    middle = ordered[(n - 1) // 2: n // 2 + 1]
    if any(v is None for v in middle):
        return middle[0]
    return statistics.mean(middle)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    budget = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    names = sorted(n for n in os.listdir(out) if os.path.isfile(os.path.join(out, n, "curve.csv")))
    names.sort(key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER))
    print("| strategy | repeats | labels to 90 % | labels to 95 % | accuracy at {} labels | minutes per repeat |".format(budget))
    print("| --- | --- | --- | --- | --- | --- |")
    for name in names:
        curves = {}
        with open(os.path.join(out, name, "curve.csv"), newline="") as f:
            for row in csv.DictReader(f):
                if row["strategy"] == name:
                    curves.setdefault(int(row["repeat"]), []).append((int(row["labels"]), float(row["test_accuracy"])))
        done = {r: sorted(c) for r, c in curves.items() if max(l for l, _ in c) >= budget}
        seconds = {}
        log = os.path.join(out, name + ".log")
        if os.path.exists(log):
            for line in open(log):
                m = ROUND.match(line.strip())
                if m and m.group(1) == name:
                    seconds.setdefault(int(m.group(2)) - 1, {})[int(m.group(3))] = float(m.group(4))
        if not done:
            print("| `{}` | 0 of {} finished | | | | |".format(name, len(curves)))
            continue
        fmt = lambda v: "-" if v is None else "%d" % v
        to90 = median_labels([labels_to(c, 0.90) for c in done.values()])
        to95 = median_labels([labels_to(c, 0.95) for c in done.values()])
        final = statistics.median(c[-1][1] for c in done.values())
        times = [sum(seconds[r].values()) / 60 for r in done if r in seconds and len(seconds[r]) == len(done[r])]
        minutes = "{:.1f}".format(statistics.median(times)) if times else "?"
        print("| `{}` | {} | {} | {} | {:.2f} % | {} |".format(name, len(done), fmt(to90), fmt(to95), 100 * final, minutes))


if __name__ == "__main__":
    main()
