#!/usr/bin/env python3
"""Helpers for scripts/bench-map.sh (a benchmark only, never used by ALX).

  map_bench.py sklearn FEATURES.npy OUT.npy     scikit-learn's TSNE, as the reference
  map_bench.py kept FEATURES.npy MAP.npy [K]    share of each point's K nearest neighbours
                                                in feature space (cosine) that are among
                                                its K nearest on the map (Euclidean)
  map_bench.py concat OUT.npy A.npy B.npy       rows of A, then rows of B
"""
import sys

import numpy as np


def nearest(points, k, cosine):
    points = points.astype(np.float32)
    if cosine:
        points = points / np.maximum(np.linalg.norm(points, axis=1, keepdims=True), 1e-12)
    norms = (points * points).sum(1)
    out = np.empty((len(points), k), dtype=np.int64)
    for start in range(0, len(points), 1000):
        block = points[start:start + 1000]
        if cosine:
            distance = -block @ points.T
        else:
            distance = norms[start:start + 1000, None] - 2 * block @ points.T + norms[None, :]
        rows = np.arange(len(block))
        distance[rows, rows + start] = np.inf  # not itself
        part = np.argpartition(distance, k, axis=1)[:, :k]
        out[start:start + 1000] = part
    return out


def main():
    if sys.argv[1] == "sklearn":
        from sklearn.manifold import TSNE
        features = np.load(sys.argv[2])
        tsne = TSNE(n_components=2, perplexity=30.0, n_iter=1000, init="pca", metric="cosine",
                    method="barnes_hut", learning_rate="auto", n_jobs=-1, random_state=0)
        np.save(sys.argv[3], tsne.fit_transform(features).astype(np.float32))
    elif sys.argv[1] == "kept":
        k = int(sys.argv[4]) if len(sys.argv) > 4 else 10
        features, embedding = np.load(sys.argv[2]), np.load(sys.argv[3])
        a, b = nearest(features, k, True), nearest(embedding, k, False)
        kept = np.mean([len(np.intersect1d(x, y)) / k for x, y in zip(a, b)])
        print("%.4f" % kept)
    elif sys.argv[1] == "concat":
        np.save(sys.argv[2], np.concatenate([np.load(sys.argv[3]), np.load(sys.argv[4])]))


if __name__ == "__main__":
    main()
