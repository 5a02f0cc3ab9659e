#!/usr/bin/env python3
"""Writes seed inputs for fuzz_run_files: valid and damaged .npy files and
summary.json texts, as ALX writes them and as they go wrong."""
import json
import os
import struct
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def npy(descr, shape, data, version=1):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    pad = (64 - (10 + len(header) + 1) % 64) % 64
    header = header + " " * pad + "\n"
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack("<H", len(header)) + header.encode() + data


seeds = {
    "probabilities.npy": npy("<f4", "(2, 3)", struct.pack("<6f", 0.2, 0.3, 0.5, 1, 0, 0)),
    "neighbours.npy": npy("<i4", "(2, 1)", struct.pack("<2i", 1, 0)),
    "float64.npy": npy("<f8", "(1, 2)", struct.pack("<2d", 0.5, 0.5)),
    "truncated.npy": npy("<f4", "(2, 3)", struct.pack("<5f", 0, 0, 0, 0, 0)),
    "huge-shape.npy": npy("<f4", "(4000000000, 4000000000)", b""),
    "one-d.npy": npy("<f4", "(3,)", struct.pack("<3f", 1, 2, 3)),
    "fortran.npy": npy("<f4", "(1, 1)", struct.pack("<f", 1)).replace(b"False", b"True "),
}
summary = {
    "format": 1, "alx_version": "0.1.0", "kind": "training", "model": "lenet5", "dataset": "mnist",
    "device": "cpu (2 threads)", "status": "finished", "epochs": 2, "epochs_planned": 2,
    "epoch_loss": [0.5, 0.2], "epoch_seconds": [1.0, 1.1], "train_seconds": 2.1, "eval_seconds": 0.3,
    "test_accuracy": 0.5, "class_names": ["0", "1"], "confusion_matrix": [[1, 0], [1, 0]],
}
seeds["summary.json"] = json.dumps(summary, indent=2).encode()
for key, value in [("format", 99), ("confusion_matrix", [[1, 0]]), ("test_accuracy", 2), ("model", "vgg")]:
    damaged = dict(summary)
    damaged[key] = value
    seeds["summary-bad-%s.json" % key] = json.dumps(damaged).encode()
seeds["summary-truncated.json"] = json.dumps(summary).encode()[:60]
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
