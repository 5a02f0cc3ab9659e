#!/usr/bin/env python3
"""Checks that core's folders include one another in one direction only.

The engine's folders form layers, lowest first (docs/development.md):
a file may include headers of its own folder and of the folders listed
before its own, never of one listed after it, so that no two folders
include each other. alx/vocabulary.h, at the top of the include tree, is
the layer `vocabulary`.

    scripts/check-layers.py [ROOT]     exit 0 when every include goes down

Prints each include that goes up (file, line, the folders) and exits 1.
"""
import os
import re
import sys

LAYERS = [
    "util",             # errors, files, processes, the device
    "vocabulary",       # names of scores, models, optimisers (alx/vocabulary.h)
    "data",             # datasets: catalogue, IDX files, loading
    "kernels",          # the models' speed kernels (private)
    "models",
    "scoring",          # evaluation, neighbours, the six scores
    "training",
    "audit",            # confident learning, calibration (plain C++)
    "maps",             # PCA, t-SNE
    "active_learning",  # strategies, the loop, settings, a sweep's plan
    "storage",          # the run store: every file name and format
    "compare",
    "sweeps",           # backends, task states, set-up
    "jobs",             # what the front-ends run
]
RANK = {name: i for i, name in enumerate(LAYERS)}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def layer_of_include(target, own_layer):
    """The layer an include names, or None for a file outside core's folders."""
    if target == "alx/vocabulary.h":
        return "vocabulary"
    parts = target.split("/")
    if parts[0] == "alx" and len(parts) > 2:
        return parts[1] if parts[1] in RANK else None
    if len(parts) > 1 and parts[0] in RANK:  # a private header: "kernels/pooling.h"
        return parts[0]
    return own_layer  # a header beside the file ("file_helpers.h")


def layer_of_file(relative):
    """relative: a path under core/include/alx or core/src."""
    parts = relative.split(os.sep)
    if len(parts) == 1:
        return "vocabulary" if parts[0].startswith("vocabulary") else None
    return parts[0] if parts[0] in RANK else None


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    problems, unknown = [], []
    for base in ("core/include/alx", "core/src"):
        top = os.path.join(root, base)
        for folder, _, files in os.walk(top):
            for name in sorted(files):
                if not name.endswith((".h", ".cpp")):
                    continue
                path = os.path.join(folder, name)
                own = layer_of_file(os.path.relpath(path, top))
                if own is None:
                    unknown.append(os.path.relpath(path, root))
                    continue
                with open(path, encoding="utf-8") as f:
                    for number, line in enumerate(f, 1):
                        match = INCLUDE.match(line)
                        if not match:
                            continue
                        target = layer_of_include(match.group(1), own)
                        if target is not None and RANK[target] > RANK[own]:
                            problems.append(f"{os.path.relpath(path, root)}:{number}: {own} includes {target} "
                                            f"({match.group(1)}), a layer above it")
    for path in unknown:
        print(f"{path}: not in a known layer (add its folder to LAYERS and docs/development.md)")
    for problem in problems:
        print(problem)
    if problems or unknown:
        print(f"layers: {len(problems)} include(s) going up, {len(unknown)} file(s) outside the layers")
        return 1
    print(f"layers: every include of core goes down ({' < '.join(LAYERS)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
