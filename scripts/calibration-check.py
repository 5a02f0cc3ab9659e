#!/usr/bin/python3
"""Recomputes a run's calibration from its files, independently of ALX's
C++ (NumPy only): ECE and MCE over 15 equal-width confidence bins, NLL and
Brier score from probabilities.npy and the labels in per_sample.csv, and the
ECE after the temperature in summary.json (softmax(log p / T)). Prints them
beside summary.json's figures and exits 1 when one differs by more than 1e-6.

  scripts/calibration-check.py RUN_DIR [RUN_DIR...]"""
import csv, json, sys
import numpy as np

def ece_mce(p, y, bins=15):
    conf = p.max(1)
    right = (p.argmax(1) == y).astype(float)
    which = np.clip(np.ceil(conf * bins).astype(int) - 1, 0, bins - 1)
    ece, mce = 0.0, 0.0
    for b in range(bins):
        m = which == b
        if m.any():
            gap = abs(right[m].mean() - conf[m].mean())
            ece += m.sum() / len(y) * gap
            mce = max(mce, gap)
    return ece, mce

def main():
    bad = 0
    print("run | model | accuracy | ECE | MCE | NLL | Brier | T | ECE after T")
    for run in sys.argv[1:]:
        s = json.load(open(f"{run}/summary.json"))
        p = np.load(f"{run}/probabilities.npy").astype(np.float64)
        y = np.array([int(r["label"]) for r in csv.DictReader(open(f"{run}/per_sample.csv"))])
        ece, mce = ece_mce(p, y)
        nll = float(np.mean(-np.log(np.maximum(p[np.arange(len(y)), y], 1e-12))))
        onehot = np.eye(p.shape[1])[y]
        brier = float(np.mean(np.sum((p - onehot) ** 2, 1)))
        c = s["calibration"]
        mine = {"ece": ece, "mce": mce, "nll": nll, "brier": brier}
        t = c.get("temperature")
        if t is not None:
            z = np.log(np.maximum(p, 1.401298464324817e-45)) / t  # a stored 0: float's smallest subnormal
            z -= z.max(1, keepdims=True)
            q = np.exp(z)
            q /= q.sum(1, keepdims=True)
            mine["ece_scaled"] = ece_mce(q, y)[0]
        for key, value in mine.items():
            if abs(value - c[key]) > 1e-6:
                print(f"{run}: {key} {value:.8f} here, {c[key]:.8f} in summary.json", file=sys.stderr)
                bad += 1
        scaled = f"{mine['ece_scaled'] * 100:.2f} %" if t is not None else "-"
        print(f"{run} | {s['model']} | {100 * s['test_accuracy']:.2f} % | {100 * ece:.2f} % | {100 * mce:.1f} % | "
              f"{nll:.4f} | {brier:.4f} | {t if t is None else round(t, 3)} | {scaled}")
    sys.exit(1 if bad else 0)

main()
