#!/usr/bin/python3
"""Draws the top N images of a label audit (alx-cli audit's label_issues.csv)
in one picture, for judging them by eye: each with its rank, index, given ->
suggested label and p(given). Needs python3-numpy and ImageMagick's montage.

  scripts/suspects-picture.py AUDIT_DIR DATA_DIR {test|train} OUT.png [N=50] [--order p_given]

--order p_given draws the baseline instead: the N images with the lowest
p(given label), whether flagged or not."""
import csv, os, subprocess, sys, tempfile
import numpy as np

from idx_files import find_idx, read_idx

def idx(path):
    dims, data = read_idx(path)
    return np.frombuffer(data, np.uint8).reshape(dims)

def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    baseline = "--order" in sys.argv and sys.argv[sys.argv.index("--order") + 1] == "p_given"
    if baseline:
        args = [a for a in args if a != "p_given"]
    audit, data_dir, split, out = args[:4]
    n = int(args[4]) if len(args) > 4 else 50
    stem = "t10k" if split == "test" else "train"
    images = idx(find_idx(data_dir, f"{stem}-images-idx3-ubyte"))
    rows = list(csv.DictReader(open(os.path.join(audit, "label_issues.csv"))))
    if baseline:
        rows.sort(key=lambda r: (float(r["p_given"]), int(r["index"])))
    rows = rows[:n]
    with tempfile.TemporaryDirectory() as tmp:
        tiles = []
        for k, r in enumerate(rows):
            path = os.path.join(tmp, f"{k:03d}.pgm")
            with open(path, "wb") as f:
                f.write(b"P5 28 28 255\n" + images[int(r["index"])].tobytes())
            flag = "*" if r["flagged"] == "1" else ""
            tiles += ["-label", f"{k + 1}{flag} #{r['index']}\n{r['given']}->{r['suggested']} p={float(r['p_given']):.3f}", path]
        subprocess.run(["montage", *tiles, "-filter", "point", "-resize", "84x84", "-tile", "10x",
                        "-geometry", "+6+6", "-font", "DejaVu-Sans", "-pointsize", "11", out], check=True)
    print(f"wrote {out} ({len(rows)} images)")

main()
