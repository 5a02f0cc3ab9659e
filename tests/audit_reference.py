#!/usr/bin/env python3
"""An independent NumPy implementation of ALX's label audit (confident
learning, core/src/audit/confident_learning.cpp), to check the engine's
output against.

Usage:
  audit_reference.py PROBABILITIES.npy LABELS [--min-kept N]
                     [--ranking self_confidence|normalized_margin]
                     [--out FILE.json] [--compare-json FILE.json]
                     [--compare-csv label_issues.csv]

  PROBABILITIES.npy  float32/float64 array [n, k], out-of-sample softmax rows
  LABELS             the n given labels: a .npy integer array, or a text
                     file with one integer per line (blank lines ignored;
                     a first line that is not a number is taken as a header)
  --min-kept N       cleanlab's min_examples_per_class (default 1)
  --ranking R        how the flagged images are ordered (default self_confidence)
  --out FILE         write the reference's JSON there (default: stdout)
  --compare-json F   compare with the engine's JSON: every key below that F
                     has (at its top level or one object down) must agree;
                     "flagged" may be a list of indices or a 0/1 mask
  --compare-csv F    compare with label_issues.csv (rank,index,given,
                     suggested,p_given,p_suggested,flagged,score, and
                     neighbour_disagreement,votes, not compared): the
                     flagged set, the order, the given and suggested labels
                     and p_given must agree

Exit status: 0 when everything compared agrees (or nothing was compared),
1 on a disagreement (each one listed on stderr), 2 on unreadable input.

JSON keys: images, classes, label_counts, thresholds, confident_joint,
calibrated_joint, joint, noise_matrix, inverse_noise_matrix, prune_counts
(k x k lists, [given][true]), flagged (sorted indices), suspects_per_class,
order (all n indices in the audit's order).

The steps are those of cleanlab's find_label_issues with
filter_by="prune_by_noise_rate" (thresholds, confident joint, calibration,
pruning, the argmax veto), written here from the method's description with
two deliberate choices the engine shares: the confident class of an image is
the argmax over the classes that reach their thresholds (the paper's rule;
cleanlab takes the overall argmax when two or more classes reach theirs),
and every tie is broken by the lowest index (a stable sort), where numpy's
default sort leaves it unspecified. All arithmetic is in float64.
"""
import argparse
import json
import sys

import numpy as np

THRESHOLD_TOLERANCE = 1e-6
MINIMUM_THRESHOLD = 2e-6
ABSENT_CLASS_THRESHOLD = 2.0
FLOAT_TOLERANCE = 1e-9


def read_labels(path):
    if path.endswith(".npy"):
        return np.asarray(np.load(path)).astype(np.int64).reshape(-1)
    values = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            text = line.strip().split(",")[0].strip()
            if not text:
                continue
            try:
                values.append(int(text))
            except ValueError:
                if number == 1 and not values:
                    continue  # a header
                raise ValueError(f"{path}:{number}: not an integer label: {text!r}")
    return np.asarray(values, dtype=np.int64)


def check_inputs(p, labels):
    if p.ndim != 2 or p.shape[1] < 2 or p.shape[0] < 1:
        raise ValueError(f"probabilities must be [n, k] with n >= 1, k >= 2, got {p.shape}")
    if labels.shape[0] != p.shape[0]:
        raise ValueError(f"{labels.shape[0]} labels for {p.shape[0]} rows of probabilities")
    if not np.all(np.isfinite(p)) or p.min() < 0 or p.max() > 1:
        raise ValueError("probabilities must be finite and in [0, 1]")
    if np.any(np.abs(p.sum(axis=1) - 1.0) > 1e-3):
        raise ValueError("every row of probabilities must sum to 1 within 1e-3")
    if labels.min() < 0 or labels.max() >= p.shape[1]:
        raise ValueError(f"labels must be in 0..{p.shape[1] - 1}")


def round_preserving_sum(values):
    """Round to integers (halves to even) and move the values rounded the
    wrong way until the total is the rounded total of the values."""
    ints = np.round(values)
    target = np.round(values.sum())
    while ints.sum() != target:
        step = 1.0 if target > ints.sum() else -1.0
        by_residual = np.argsort(values - ints, kind="stable")
        if step > 0:
            by_residual = by_residual[::-1]
        changes = int(min(abs(target - ints.sum()), len(values)))
        ints[by_residual[:changes]] += step
    return ints.astype(np.int64)


def audit(p, labels, min_kept=1, ranking="self_confidence"):
    n, k = p.shape
    counts = np.bincount(labels, minlength=k)

    # 1. Thresholds: mean p_j over the images labelled j.
    sums = np.bincount(labels, weights=p[np.arange(n), labels], minlength=k)
    thresholds = np.where(counts > 0, sums / np.maximum(counts, 1), ABSENT_CLASS_THRESHOLD)
    thresholds = np.where(counts > 0, np.maximum(thresholds, MINIMUM_THRESHOLD), thresholds)

    # 2. Confident joint: argmax over the classes that reach their threshold.
    confident = p >= thresholds[None, :] - THRESHOLD_TOLERANCE
    counted = confident.any(axis=1)
    true_guess = np.argmax(np.where(confident, p, -np.inf), axis=1)
    joint_counts = np.zeros((k, k), dtype=np.int64)
    np.add.at(joint_counts, (labels[counted], true_guess[counted]), 1)

    # 3. Calibration to the label counts, integer rows keeping their totals.
    raised = joint_counts.astype(np.float64)
    np.fill_diagonal(raised, np.maximum(np.diag(raised), 1.0))
    scaled = raised / raised.sum(axis=1, keepdims=True) * counts[:, None].astype(np.float64)
    calibrated = np.stack([round_preserving_sum(row) for row in scaled])
    joint = calibrated / float(n)
    column = calibrated.sum(axis=0)
    noise = np.where(column[None, :] > 0, calibrated / np.maximum(column, 1)[None, :], np.eye(k))
    row = calibrated.sum(axis=1)
    inverse = np.where(row[:, None] > 0, calibrated / np.maximum(row, 1)[:, None], np.eye(k))

    # 4. How many to prune per cell, keeping min_kept on each diagonal.
    diagonal = np.diag(calibrated)
    shortfall = np.maximum(diagonal, min_kept) - diagonal
    shares = np.maximum(np.count_nonzero(calibrated, axis=1) - 1, 1)
    prune = np.floor(np.maximum(calibrated - (shortfall / shares)[:, None], 0.0)).astype(np.int64)
    np.fill_diagonal(prune, 0)

    flagged = np.zeros(n, dtype=bool)
    for i in range(k):
        members = np.flatnonzero(labels == i)
        if len(members) <= min_kept:
            continue
        for j in range(k):
            take = min(int(prune[i, j]), len(members))
            if j == i or take <= 0:
                continue
            margin = p[members, j] - p[members, i]
            by_margin = np.lexsort((members, -margin))  # largest margin first, ties: lower index
            flagged[members[by_margin[:take]]] = True

    # 5. The argmax veto.
    suggested = np.argmax(p, axis=1)
    flagged &= suggested != labels

    p_given = p[np.arange(n), labels]
    others = p.copy()
    others[np.arange(n), labels] = -np.inf
    normalized_margin = (p_given - others.max(axis=1) + 1.0) / 2.0
    score = p_given.copy()
    if ranking == "normalized_margin":
        score[flagged] = normalized_margin[flagged]
    indices = np.arange(n)
    first = indices[flagged][np.lexsort((indices[flagged], score[flagged]))]
    rest = indices[~flagged][np.lexsort((indices[~flagged], score[~flagged]))]

    return {
        "images": int(n),
        "classes": int(k),
        "label_counts": counts.tolist(),
        "thresholds": thresholds.tolist(),
        "confident_joint": joint_counts.tolist(),
        "calibrated_joint": calibrated.tolist(),
        "joint": joint.tolist(),
        "noise_matrix": noise.tolist(),
        "inverse_noise_matrix": inverse.tolist(),
        "prune_counts": prune.tolist(),
        "flagged": np.flatnonzero(flagged).tolist(),
        "suspects_per_class": np.bincount(labels[flagged], minlength=k).tolist(),
        "order": np.concatenate([first, rest]).tolist(),
        "_suggested": suggested,
        "_p_given": p_given,
    }


def find_key(document, key):
    if isinstance(document, dict):
        if key in document:
            return document[key]
        for value in document.values():
            if isinstance(value, dict) and key in value:
                return value[key]
    return None


def compare_json(reference, path):
    with open(path, encoding="utf-8") as handle:
        engine = json.load(handle)
    problems = []
    exact = ["images", "classes", "label_counts", "confident_joint", "calibrated_joint", "prune_counts",
             "suspects_per_class", "order"]
    close = ["thresholds", "joint", "noise_matrix", "inverse_noise_matrix"]
    compared = 0
    for key in exact + close + ["flagged"]:
        theirs = find_key(engine, key)
        if theirs is None:
            continue
        compared += 1
        ours = reference[key]
        if key == "flagged":
            values = np.asarray(theirs)
            if values.size == reference["images"] and set(np.unique(values).tolist()) <= {0, 1, True, False}:
                values = np.flatnonzero(values)  # a mask
            if sorted(np.asarray(values).tolist()) != ours:
                theirs_sorted = sorted(np.asarray(values).tolist())
                problems.append(f"flagged: engine {theirs_sorted[:20]}..., reference {ours[:20]}...")
        elif key in exact:
            if np.asarray(theirs).tolist() != np.asarray(ours).tolist():
                problems.append(f"{key}: engine {theirs}, reference {ours}")
        else:
            a, b = np.asarray(theirs, dtype=np.float64), np.asarray(ours, dtype=np.float64)
            if a.shape != b.shape or np.max(np.abs(a - b)) > FLOAT_TOLERANCE:
                problems.append(f"{key}: engine {theirs}, reference {ours}")
    return compared, problems


def compare_csv(reference, path):
    problems = []
    with open(path, encoding="utf-8") as handle:
        header = handle.readline().strip().split(",")
        expected = ["rank", "index", "given", "suggested", "p_given", "p_suggested", "flagged", "score",
                    "neighbour_disagreement", "votes"]
        if header != expected and header != expected[:8]:
            return [f"{path}: header {header}, expected {expected}"]
        rows = [line.strip().split(",") for line in handle if line.strip()]
    n = reference["images"]
    if len(rows) != n:
        return [f"{path}: {len(rows)} rows for {n} images"]
    column = {name: position for position, name in enumerate(header)}
    by_rank = sorted(rows, key=lambda r: int(r[column["rank"]]))
    if [int(r[column["rank"]]) for r in by_rank] != list(range(1, n + 1)):
        problems.append("ranks are not 1..N")
    order = [int(r[column["index"]]) for r in by_rank]
    if order != reference["order"]:
        first = next(r for r in range(n) if order[r] != reference["order"][r])
        problems.append(f"order differs first at rank {first + 1}: engine {order[first]}, "
                        f"reference {reference['order'][first]}")
    flagged = sorted(int(r[column["index"]]) for r in rows if r[column["flagged"]] == "1")
    if flagged != reference["flagged"]:
        problems.append(f"flagged: engine {len(flagged)} images, reference {len(reference['flagged'])}, "
                        f"symmetric difference {sorted(set(flagged) ^ set(reference['flagged']))[:20]}")
    for r in rows:
        index = int(r[column["index"]])
        if int(r[column["suggested"]]) != int(reference["_suggested"][index]):
            problems.append(f"image {index}: suggested {r[column['suggested']]}, "
                            f"reference {reference['_suggested'][index]}")
            break
        if abs(float(r[column["p_given"]]) - float(reference["_p_given"][index])) > 1e-5:
            problems.append(f"image {index}: p_given {r[column['p_given']]}, "
                            f"reference {reference['_p_given'][index]}")
            break
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("probabilities")
    parser.add_argument("labels")
    parser.add_argument("--min-kept", type=int, default=1)
    parser.add_argument("--ranking", choices=["self_confidence", "normalized_margin"], default="self_confidence")
    parser.add_argument("--out")
    parser.add_argument("--compare-json")
    parser.add_argument("--compare-csv")
    args = parser.parse_args()
    try:
        p = np.asarray(np.load(args.probabilities), dtype=np.float64)
        labels = read_labels(args.labels)
        check_inputs(p, labels)
    except (OSError, ValueError) as error:
        print(f"audit_reference: {error}", file=sys.stderr)
        return 2

    reference = audit(p, labels, args.min_kept, args.ranking)
    public = {key: value for key, value in reference.items() if not key.startswith("_")}
    text = json.dumps(public)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    elif not (args.compare_json or args.compare_csv):
        print(text)

    problems = []
    try:
        if args.compare_json:
            compared, found = compare_json(reference, args.compare_json)
            problems += found
            if compared == 0:
                problems.append(f"{args.compare_json}: none of the reference's keys found")
        if args.compare_csv:
            problems += compare_csv(reference, args.compare_csv)
    except (OSError, ValueError, KeyError) as error:
        print(f"audit_reference: {error}", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"audit_reference: {problem}", file=sys.stderr)
    if (args.compare_json or args.compare_csv) and not problems:
        print(f"audit_reference: agrees ({len(reference['flagged'])} flagged of {reference['images']})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
