#!/usr/bin/python3
"""Whether bfloat16 would train the notebook's models faster on this CPU:
training steps of each model (../shared/bench/seed_pipeline.py's layers and
optimisers, batches already in memory) in float32 and under CPU autocast to
bfloat16 (oneDNN's bfloat16 kernels, AVX512_BF16 where the CPU has it), on
Debian's python3-torch, alternating, images per second. ALX's LibTorch is
the same version (1.13), so its kernels are the same.

    OMP_NUM_THREADS=1 /usr/bin/python3 scripts/bf16-check.py [RUNS] [SEED_PIPELINE]"""
import importlib.util, json, os, statistics, sys, time
import torch
from torch import nn

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "..", "shared", "bench", "seed_pipeline.py")
spec = importlib.util.spec_from_file_location("seed_pipeline", path)
seed = importlib.util.module_from_spec(spec)
spec.loader.exec_module(seed)
steps = {"net": 400, "simplecnn": 60, "resnet18": 12, "lenet5": 200}

def images_per_second(name, bf16):
    cls, batch, make_optimiser = seed.SETUP[name]
    torch.manual_seed(0)
    model = cls().train()
    optimiser = make_optimiser(model.parameters())
    x = torch.randn(batch, 1, 28, 28)
    y = torch.randint(0, 10, (batch,))
    loss_of = nn.CrossEntropyLoss()
    def step():
        optimiser.zero_grad()
        with torch.autocast(device_type="cpu", dtype=torch.bfloat16, enabled=bf16):
            out, _ = model(x)
            loss = loss_of(out.float(), y)
        loss.backward()
        optimiser.step()
    for _ in range(3):
        step()
    start = time.perf_counter()
    for _ in range(steps[name]):
        step()
    return steps[name] * batch / (time.perf_counter() - start)

for name in steps:
    fp32, bf16 = [], []
    for _ in range(runs):
        fp32.append(images_per_second(name, False))
        bf16.append(images_per_second(name, True))
    print(json.dumps({"model": name, "threads": torch.get_num_threads(),
                      "fp32_img_per_s": round(statistics.median(fp32)), "bf16_img_per_s": round(statistics.median(bf16))}))
