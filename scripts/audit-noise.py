#!/usr/bin/python3
"""Known label errors for measuring the label audit (scripts/bench-audit.sh).

  audit-noise.py flip MNIST_DIR OUT_DIR {uniform|pairs} [--share 0.02] [--seed 0]
      A copy of an MNIST-layout folder whose training labels have a seeded
      share flipped: `uniform` to a random other class, `pairs` by the
      class-conditional pattern 7->1, 4->9, 5->3, 2->7 (equal numbers from
      each source class). The image files are linked, the labels rewritten;
      OUT_DIR/flipped.txt lists the flipped training indices.
  audit-noise.py score AUDIT_DIR FLIPPED_TXT --clean CLEAN_AUDIT_DIR [--plain] [--label NAME]
      Precision and recall of the flipped labels among an audit's top 50,
      100, 500, 1000, as many as were flipped, and its flagged set (label_issues.csv's order; --plain: by
      p(given label) alone, lowest first), and the flags on unflipped labels
      beside label_quality.json's error_rate (and whether it calls the list
      weak), and the precision at the top 500 once the images the same
      audit of the unflipped labels flags (the dataset's own suspects) are
      left out of the list. One Markdown row.
"""
import argparse
import csv
import json
import os
import struct

import numpy as np

from idx_files import find_idx, read_idx

PAIRS = {7: 1, 4: 9, 5: 3, 2: 7}


def flip(args):
    os.makedirs(args.out, exist_ok=True)
    for stem in ("train-images-idx3-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        source = os.path.abspath(find_idx(args.mnist, stem))
        target = os.path.join(args.out, os.path.basename(source))
        if not os.path.exists(target):
            os.symlink(source, target)
    _, payload = read_idx(find_idx(args.mnist, "train-labels-idx1-ubyte"))
    labels = np.frombuffer(payload, np.uint8).copy()
    rng = np.random.default_rng(args.seed)
    count = int(round(args.share * len(labels)))
    if args.kind == "uniform":
        chosen = rng.choice(len(labels), count, replace=False)
        labels[chosen] = (labels[chosen] + rng.integers(1, 10, count)) % 10
    else:
        per_pair = count // len(PAIRS)
        chosen = []
        for source, target in PAIRS.items():
            picked = rng.choice(np.flatnonzero(labels == source), per_pair, replace=False)
            labels[picked] = target
            chosen.extend(picked.tolist())
        chosen = np.array(chosen)
    with open(os.path.join(args.out, "train-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 2049, len(labels)) + labels.tobytes())
    np.savetxt(os.path.join(args.out, "flipped.txt"), np.sort(chosen), fmt="%d")
    print(f"{len(chosen)} of {len(labels)} training labels flipped ({args.kind}) in {args.out}")


def score(args):
    flipped = set(np.loadtxt(args.flipped, dtype=np.int64).tolist())
    rows = list(csv.DictReader(open(os.path.join(args.audit, "label_issues.csv"))))
    if args.plain:
        rows.sort(key=lambda r: (float(r["p_given"]), int(r["index"])))
    order = [int(r["index"]) for r in rows]
    flagged = sum(r["flagged"] == "1" for r in rows)
    quality = json.load(open(os.path.join(args.audit, "label_quality.json")))
    cells = []
    for n in (50, 100, 500, 1000, len(flipped), flagged):
        hits = sum(i in flipped for i in order[:n])
        cells.append(f"{hits / max(n, 1):.3f} / {hits / len(flipped):.3f}")
    if args.plain:
        false_flags, expected = "", ""
    else:
        false_flags = str(sum(i not in flipped for i in order[:flagged]))
        reliability = quality["reliability"]
        expected = f"{100 * reliability.get('error_rate', float('nan')):.2f} %" + (" weak" if reliability.get("weak") else "")
    # The same count at the top 500 once the images flagged on the unflipped
    # labels (the dataset's own suspects) are taken out of the list.
    clean = [r for r in csv.DictReader(open(os.path.join(args.clean, "label_issues.csv"))) if r["flagged"] == "1"]
    own = {int(r["index"]) for r in clean}
    rest = [i for i in order if i not in own][:500]
    own_cell = f"{sum(i in flipped for i in rest) / 500:.3f} ({len(own)} left out)"
    print(f"| {args.label} | " + " | ".join(cells) + f" | {flagged} | {false_flags} | {expected} | {own_cell} |")


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    f = sub.add_parser("flip")
    f.add_argument("mnist")
    f.add_argument("out")
    f.add_argument("kind", choices=["uniform", "pairs"])
    f.add_argument("--share", type=float, default=0.02)
    f.add_argument("--seed", type=int, default=0)
    s = sub.add_parser("score")
    s.add_argument("audit")
    s.add_argument("flipped")
    s.add_argument("--plain", action="store_true")
    s.add_argument("--label", default="")
    s.add_argument("--clean", required=True, help="the same audit of the unflipped labels")
    args = parser.parse_args()
    flip(args) if args.command == "flip" else score(args)


if __name__ == "__main__":
    main()
