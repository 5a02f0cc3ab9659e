"""The Python side of ALX's TorchScript bridge (Debian's python3-torch).

  torchscript-models.py make DIR
      writes small MNIST-shaped models (1 x 28 x 28 in, 10 classes) scripted
      in Python: tuple.pt (forward gives logits and the embedding, with
      dropout), embed.pt (an embed method), logits.pt (logits only, batch
      norm), and files ALX must refuse (refuse-*.pt).
  torchscript-models.py check RUN MODEL MNIST_DIR TOLERANCE
      runs MODEL (any TorchScript file) on the MNIST test images in PyTorch
      and checks an ALX run of it: probabilities.npy and embeddings.npy equal
      PyTorch's to TOLERANCE, and per_sample.csv's six scores equal a NumPy
      recomputation from PyTorch's outputs (docs/scores.md) to 1e-4. Prints one JSON
      line with the largest differences; exits 1 when one is over.
"""
import csv
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from idx_files import find_idx, read_idx  # noqa: E402


class Trunk(nn.Module):
    """conv 8@5x5, max-pool, conv 16@5x5, max-pool, fc 256-64: the embedding."""

    def __init__(self, batch_norm: bool = False):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 5)
        self.norm = nn.BatchNorm2d(8) if batch_norm else nn.Identity()
        self.conv2 = nn.Conv2d(8, 16, 5)
        self.fc = nn.Linear(16 * 4 * 4, 64)

    def forward(self, x):
        x = (x - 0.1307) / 0.3081  # the model's own normalisation, as the contract allows
        x = F.max_pool2d(F.relu(self.norm(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return F.relu(self.fc(torch.flatten(x, 1)))


class TupleNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = Trunk()
        self.dropout = nn.Dropout(0.3)
        self.head = nn.Linear(64, 10)

    def forward(self, x):
        e = self.trunk(x)
        return self.head(self.dropout(e)), e


class EmbedNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = Trunk()
        self.head = nn.Linear(64, 10)

    @torch.jit.export
    def embed(self, x):
        return self.trunk(x)

    def forward(self, x):
        return self.head(self.embed(x))


class LogitsNet(nn.Module):
    def __init__(self, classes: int = 10):
        super().__init__()
        self.trunk = Trunk(batch_norm=True)
        self.head = nn.Linear(64, classes)

    def forward(self, x):
        return self.head(self.trunk(x))


class NeedsBigImages(nn.Module):
    """Flattens a 32 x 32 image: fails on 28 x 28."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(32 * 32, 10)

    def forward(self, x):
        return self.fc(torch.flatten(x, 1))


class GivesNaN(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(28 * 28, 10)

    def forward(self, x):
        return self.fc(torch.flatten(x, 1)) * float("nan")


class BadEmbedding(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(28 * 28, 10)

    def forward(self, x):
        logits = self.fc(torch.flatten(x, 1))
        return logits, logits.reshape(-1)  # one dimension, N * 10 long


def make(directory):
    os.makedirs(directory, exist_ok=True)
    torch.manual_seed(0)
    for name, model in [("tuple", TupleNet()), ("embed", EmbedNet()), ("logits", LogitsNet()),
                        ("refuse-classes", LogitsNet(3)), ("refuse-shape", NeedsBigImages()),
                        ("refuse-nan", GivesNaN()), ("refuse-embedding", BadEmbedding())]:
        torch.jit.save(torch.jit.script(model.eval()), os.path.join(directory, name + ".pt"))
    torch.save(EmbedNet().state_dict(), os.path.join(directory, "refuse-state-dict.pt"))
    torch.save(EmbedNet().state_dict(), os.path.join(directory, "refuse-legacy.pt"),
               _use_new_zipfile_serialization=False)
    with open(os.path.join(directory, "refuse-random.pt"), "wb") as f:
        f.write(np.random.default_rng(0).bytes(4096))
    import zipfile
    with zipfile.ZipFile(os.path.join(directory, "refuse-zip.pt"), "w") as z:
        z.writestr("notes.txt", "not a model")


def outputs(model, images):
    """Probabilities and embeddings as the contract defines them."""
    model.eval()
    with torch.no_grad():
        out = model(images)
        if isinstance(out, tuple):
            logits, embedding = out[0], out[1]
        else:
            logits = out
            embedding = model.embed(images) if hasattr(model, "embed") else out
    return torch.softmax(logits, 1).numpy(), torch.flatten(embedding, 1).numpy()


def neighbours(embedding, m):
    """Each row's m nearest others by cosine similarity (the set, unordered), exactly, in blocks."""
    u = embedding / np.maximum(np.linalg.norm(embedding, axis=1, keepdims=True), 1e-12)
    found = np.empty((len(u), m), dtype=np.int64)
    for start in range(0, len(u), 1000):
        s = u[start:start + 1000] @ u.T
        s[np.arange(len(s)), np.arange(start, start + len(s))] = -np.inf
        # The set is what the scores use (means over it), not its order.
        found[start:start + 1000] = np.argpartition(-s, m, axis=1)[:, :m]
    return u, found


def scores(p, embedding, m):
    """The six scores of docs/scores.md, in per_sample.csv's order."""
    u, nb = neighbours(embedding.astype(np.float64), m)
    top = np.sort(p, axis=1)
    similarity = np.einsum("nd,nmd->nm", u, u[nb])
    q = p[nb].mean(axis=1)
    kl = (q * (np.log(np.maximum(q, 1e-10)) - np.log(np.maximum(p, 1e-10)))).sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.where(p > 0, p * np.log(p), 0).sum(1)
    return np.stack([1 - top[:, -1], entropy, top[:, -1] - top[:, -2], similarity.mean(1),
                     np.sqrt(np.maximum(2 - 2 * similarity, 0)).mean(1), kl], 1)


def check(run, model_path, mnist, tolerance):
    dims, pixels = read_idx(find_idx(mnist, "t10k-images-idx3-ubyte"))
    images = torch.frombuffer(bytearray(pixels), dtype=torch.uint8).reshape(dims[0], 1, dims[1], dims[2])
    images = images.float() / 255.0
    alx_p = np.load(os.path.join(run, "probabilities.npy"))
    alx_e = np.load(os.path.join(run, "embeddings.npy"))
    images = images[:len(alx_p)]
    p, e = outputs(torch.jit.load(model_path), images)
    with open(os.path.join(run, "per_sample.csv")) as f:
        rows = list(csv.DictReader(f))
    m = len(rows[0]["neighbours"].split())
    keys = ["least_confidence", "entropy", "margin", "cosine_similarity", "l2_distance", "kl_divergence"]
    alx_scores = np.array([[float(r[k]) for k in keys] for r in rows])
    ours = scores(p.astype(np.float64), e, m)
    found = {
        "images": len(p),
        "probabilities_max_diff": float(np.abs(p - alx_p).max()),
        "embeddings_max_diff": float(np.abs(e - alx_e).max() / max(1.0, np.abs(e).max())),
        "scores_max_diff": {k: float(np.abs(ours[:, i] - alx_scores[:, i]).max()) for i, k in enumerate(keys)},
    }
    print(json.dumps(found))
    worst = max(found["probabilities_max_diff"], found["embeddings_max_diff"])
    if worst > tolerance:
        sys.exit(f"torchscript-models: outputs differ by {worst:.3g}, over {tolerance:g}")
    # The neighbour scores go through a square root near 0 (l2_distance): 1e-4, whatever the outputs' tolerance.
    worst = max(found["scores_max_diff"].values())
    if worst > 1e-4:
        sys.exit(f"torchscript-models: scores differ by {worst:.3g}, over 1e-4")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "make":
        make(sys.argv[2])
    elif len(sys.argv) == 6 and sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]))
    else:
        sys.exit(__doc__)
