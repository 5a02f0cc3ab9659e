#!/usr/bin/env python3
"""Checks an ensemble label audit (alx-cli audit --run A --run B ...
[--neighbours K]) against NumPy: the audited probabilities are the mean of
the runs' probabilities.npy, mixed half and half with the share of each
image's K nearest training images (the first K columns of each run's
train_neighbours.npy) per label, averaged over the runs; label_issues.csv's
neighbour_disagreement is 1 - that share at the given label, and votes the
share of runs whose most probable class is the suggested one.

Usage: audit_ensemble_reference.py AUDIT_DIR RUN [RUN...] [--neighbours K --train-labels FILE]
FILE: the training labels as an IDX file (gzipped or not).
Exit status 0 when all agree within 1e-5, 1 otherwise (each difference on stderr).
"""
import argparse
import gzip
import sys

import numpy as np


def idx_labels(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as handle:
        return np.frombuffer(handle.read()[8:], dtype=np.uint8).astype(np.int64)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("audit")
    parser.add_argument("runs", nargs="+")
    parser.add_argument("--neighbours", type=int, default=0)
    parser.add_argument("--train-labels")
    args = parser.parse_args()

    tables = [np.load(f"{run}/probabilities.npy").astype(np.float64) for run in args.runs]
    n, k = tables[0].shape
    expected = np.mean(tables, axis=0)
    shares = None
    if args.neighbours:
        train = idx_labels(args.train_labels)
        per_run = []
        for run in args.runs:
            near = np.load(f"{run}/train_neighbours.npy")[:, : args.neighbours].astype(np.int64)
            one_hot = np.zeros((n, k))
            for column in range(near.shape[1]):
                np.add.at(one_hot, (np.arange(n), train[near[:, column]]), 1.0 / near.shape[1])
            per_run.append(one_hot)
        shares = np.mean(per_run, axis=0)
        expected = 0.5 * expected + 0.5 * shares

    problems = []
    audited = np.load(f"{args.audit}/probabilities.npy").astype(np.float64)
    if audited.shape != expected.shape or np.abs(audited - expected).max() > 1e-5:
        problems.append(f"probabilities.npy differs from the expected mixture (max |diff| "
                        f"{np.abs(audited - expected).max() if audited.shape == expected.shape else 'shape'})")
    with open(f"{args.audit}/label_issues.csv", encoding="utf-8") as handle:
        header = handle.readline().strip().split(",")
        column = {name: i for i, name in enumerate(header)}
        for line in handle:
            f = line.strip().split(",")
            index, given, suggested = int(f[column["index"]]), int(f[column["given"]]), int(f[column["suggested"]])
            disagreement, votes = f[column["neighbour_disagreement"]], f[column["votes"]]
            if shares is not None:
                want = 1.0 - shares[index, given]
                if disagreement == "" or abs(float(disagreement) - want) > 1e-5:
                    problems.append(f"image {index}: neighbour_disagreement {disagreement!r}, expected {want:.6f}")
            elif disagreement != "":
                problems.append(f"image {index}: neighbour_disagreement {disagreement!r} without neighbours")
            if len(tables) > 1:
                want = np.mean([np.argmax(t[index]) == suggested for t in tables])
                if votes == "" or abs(float(votes) - want) > 1e-5:
                    problems.append(f"image {index}: votes {votes!r}, expected {want:.6f}")
            elif votes != "":
                problems.append(f"image {index}: votes {votes!r} with one run")
    for p in problems[:20]:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
