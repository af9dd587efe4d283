#!/usr/bin/env python3
"""PyTorch side of Benchmarks/Sources/NNBench: the same workloads, the same output lines.

    /work/venv/bin/python Scripts/bench_nn_torch.py [threads]
"""
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_autograd_goldens as goldens  # noqa: E402  (forward methods of the transcriptions)

nng = goldens.nng


def measure(name, repeats, body):
    body()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        body()
        times.append(time.perf_counter() - t0)
    times.sort()
    print(f"{name}: min {times[0] * 1e3:.3f} ms, median {times[len(times) // 2] * 1e3:.3f} ms ({repeats} runs)")


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    torch.set_num_threads(threads)
    print(f"torch {torch.__version__} threads: {torch.get_num_threads()}")
    torch.manual_seed(0)
    resnet = nng.build("resnet18()").eval()
    for batch in (1, 8):
        x = torch.randn(batch, 3, 224, 224, generator=torch.Generator().manual_seed(1))
        with torch.no_grad():
            measure(f"resnet18 forward batch {batch}", 10 if batch == 1 else 5, lambda: resnet(x))
    torch.manual_seed(0)
    mlp = nng.build("mlp")
    opt = torch.optim.SGD(mlp.parameters(), lr=0.1)

    def step():
        g = torch.Generator().manual_seed(1)
        x = torch.randn(8, 16, generator=g)
        y = torch.randn(8, 4, generator=g)
        opt.zero_grad()
        loss = ((mlp(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        return loss.item()

    measure("mlp training step (batch 8)", 200, step)


if __name__ == "__main__":
    sys.exit(main())
