#!/usr/bin/python3
"""Counts the arithmetic of one MNIST image through each of the notebook's
four models (../shared/bench/seed_pipeline.py, the same layers as ALX's), so
that measured images per second can be set against the machine's peak.

A convolution or linear layer of M multiply-adds costs 2M floating-point
operations forward; training costs three times that (the backward pass
computes the gradient of the weights and of the layer's input, each as much
arithmetic as the forward pass), less the first layer's input gradient,
which nothing needs. Normalisation, pooling, activations and the optimiser
do a few operations per value they touch and are left out.

    /usr/bin/python3 scripts/model-flops.py [SEED_PIPELINE]
Prints one JSON line per model: forward and training FLOP per image."""
import importlib.util, json, os, sys
import torch
from torch import nn

path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "shared", "bench", "seed_pipeline.py")
spec = importlib.util.spec_from_file_location("seed_pipeline", path)
seed = importlib.util.module_from_spec(spec)
spec.loader.exec_module(seed)

for name, (cls, batch, _) in seed.SETUP.items():
    model = cls().eval()
    layers = []  # multiply-adds per image of each convolution and linear layer, in order

    def count(module, inputs, output):
        if isinstance(module, nn.Conv2d):
            per_output = module.in_channels // module.groups * module.kernel_size[0] * module.kernel_size[1]
            layers.append(output[0].numel() * per_output)
        elif isinstance(module, nn.Linear):
            layers.append(module.in_features * module.out_features)

    hooks = [m.register_forward_hook(count) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model(torch.zeros(1, 1, 28, 28))
    for h in hooks:
        h.remove()
    forward = 2 * sum(layers)
    training = 3 * forward - 2 * layers[0]
    print(json.dumps({"model": name, "batch": batch, "forward_flop": forward, "train_flop": training}))
