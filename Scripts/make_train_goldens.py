#!/usr/bin/env python3
"""Goldens for `repro train`: the recipe of issue 5 run by real PyTorch 2.13.

    .venv/bin/python Scripts/make_train_goldens.py

model from torch.manual_seed(N); g = torch.Generator().manual_seed(D); each step
x = randn(B, in, generator=g), y = randn(B, out, generator=g), zero_grad, loss = ((model(x)-y)**2).mean(),
backward, step (with --amp: forward and loss under torch.autocast("cpu", dtype), float16 with a GradScaler).
Writes Golden/pytorch/train/recipes.json: every parameter after K steps (float32 values) and the last loss,
with the seeds as given and as torch.initial_seed() / Generator.initial_seed() report them (negative
seeds wrap modulo 2**64).
"""
import json
import os

import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MLP = "Sequential(Linear(16, 32), ReLU(), Linear(32, 32), ReLU(), Linear(32, 4))"
CASES = [
    {"optimizer": "sgd", "args": {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.001}},
    {"optimizer": "sgd", "args": {"lr": 0.1}},
    {"optimizer": "adam", "args": {"lr": 0.001}},
    {"optimizer": "adam", "args": {"lr": 0.01, "betas": [0.8, 0.95], "eps": 1e-6, "weight_decay": 0.01}},
    {"optimizer": "adamw", "args": {"lr": 0.001, "weight_decay": 0.01}},
    {"optimizer": "adam", "args": {"lr": 0.001}, "amp": "bfloat16"},
    {"optimizer": "sgd", "args": {"lr": 0.05, "momentum": 0.9}, "amp": "float16"},
    # The options `repro train` exposes beyond the defaults (--nesterov, --dampening, --maximize,
    # --amsgrad), and torch.manual_seed's wrapping of negative seeds (--seed -1 --data-seed -1).
    {"optimizer": "sgd", "args": {"lr": 0.05, "momentum": 0.9, "nesterov": True}},
    {"optimizer": "sgd", "args": {"lr": 0.01, "momentum": 0.9, "dampening": 0.5, "maximize": True}},
    {"optimizer": "adam", "args": {"lr": 0.01, "amsgrad": True}},
    {"optimizer": "adamw", "args": {"lr": 0.001, "weight_decay": 0.01, "amsgrad": True, "maximize": True}},
    {"optimizer": "sgd", "args": {"lr": 0.1}, "seed": -1, "data_seed": -1},
]


def run(case, steps=6, batch=8):
    seed = case.get("seed", 0)
    data_seed = case.get("data_seed", 1)
    torch.manual_seed(seed)
    initial_seed = torch.initial_seed()
    model = eval(MLP, {"__builtins__": {}}, {n: getattr(nn, n) for n in ["Sequential", "Linear", "ReLU"]})
    args = dict(case["args"])
    if "betas" in args:
        args["betas"] = tuple(args["betas"])
    opt = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[case["optimizer"]](
        model.parameters(), **args)
    amp = getattr(torch, case["amp"]) if case.get("amp") else None
    scaler = torch.amp.GradScaler("cpu") if amp == torch.float16 else None
    g = torch.Generator().manual_seed(data_seed)
    data_initial_seed = g.initial_seed()
    loss = None
    for _ in range(steps):
        x = torch.randn(batch, 16, generator=g)
        y = torch.randn(batch, 4, generator=g)
        opt.zero_grad()
        with torch.autocast("cpu", dtype=amp, enabled=amp is not None):
            loss = ((model(x) - y) ** 2).mean()
        if scaler:
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
        else:
            loss.backward()
            opt.step()
    return {**case, "spec": MLP, "seed": seed, "data_seed": data_seed, "steps": steps, "batch": batch,
            "initial_seed": initial_seed, "data_initial_seed": data_initial_seed,
            "loss": float(loss.item()),
            "params": {k: v.detach().reshape(-1).tolist() for k, v in model.state_dict().items()}}


def main():
    assert torch.__version__.startswith("2.13.0"), torch.__version__
    torch.set_num_threads(1)
    out = os.path.join(ROOT, "Golden", "pytorch", "train", "recipes.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump({"torch": torch.__version__, "script": "Scripts/make_train_goldens.py",
                   "cases": [run(c) for c in CASES]}, f)
    print(f"{len(CASES)} recipes -> {out} ({os.path.getsize(out)} bytes)")


if __name__ == "__main__":
    main()
