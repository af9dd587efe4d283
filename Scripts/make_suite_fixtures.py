#!/usr/bin/env python3
"""An example suite made by real PyTorch: Golden/suites/example/.

    .venv/bin/python Scripts/make_suite_fixtures.py [--out Golden/suites/example]

Writes, from fixed seeds (every run rewrites the same bytes):

* `model.pt`: `torch.save(model.state_dict())` of `nn.Sequential(nn.Linear(4, 8), nn.ReLU(),
  nn.Linear(8, 2))` built after `torch.manual_seed(0)`.
* `model.fp16.safetensors`: `safetensors.torch.save_file` of the same state dict cast with `.half()`
  (its float16 export).
* `model_dp.pt`: the state dict as `nn.DataParallel(model).state_dict()` names it (`module.` prefix).
* `checkpoint.pt`: a training checkpoint `{"model", "optimizer", "epoch", "loss"}` after 3 Adam
  steps on `torch.randn` data (MSE), as the PyTorch tutorial saves one.
* `../perturbed/model.pt`: `model.pt` with one value changed (`0.weight[1, 2] += 0.25`), saved by
  `torch.save`: the tests copy the example suite and put this file in place of `model.pt`.
* `repro.toml`: a suite with `[[compare]]`, `[[roundtrip]]`, `[[golden]]` and `[[generate]]`
  entries over these files.
* `golden/generate/mlp-s{0,1}-{float32,bfloat16}.json`: the `[[generate]]` goldens, made by PyTorch
  itself: `torch.manual_seed(seed)`, the same `nn.Sequential`, `.to(dtype)`, then its state dict's
  keys in order and each tensor's dtype, shape and sha256 of its contiguous bytes, so the suite
  proves that Repro builds what PyTorch builds (not what Repro built before).

The `[[golden]]` inventories under `golden/golden/` are Repro's own records of the files (recorded
by `repro run --suite` with REPRO_RECORD=missing, committed); they prove the files do not change.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os

import torch
from torch import nn
from safetensors.torch import save_file

assert torch.__version__.startswith("2.13."), torch.__version__

SPEC = "Sequential(Linear(4, 8), ReLU(), Linear(8, 2))"
SEEDS = [0, 1]
DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16}

TOML = '''# An example suite over files made by real PyTorch (Scripts/make_suite_fixtures.py).
# Run it with: repro run --suite Golden/suites/example/repro.toml
golden_dir = "golden"

[[compare]]
name = "fp16 export stays close"
reference = "model.pt"
candidate = "model.fp16.safetensors"

[[compare]]
name = "DataParallel copy is the same model"
reference = "model_dp.pt"
candidate = "model.pt"
strip_prefix = "module."
bitwise = true

[[roundtrip]]
name = "model round trips"
checkpoint = "model.pt"
formats = ["torch", "safetensors"]
dtypes = ["float32", "float16", "bfloat16"]

[[roundtrip]]
name = "training checkpoint round trips"
checkpoint = "checkpoint.pt"
formats = ["torch", "safetensors"]
dtypes = ["float32", "float16"]

[[golden]]
name = "released weights unchanged"
file = "model.pt"

[[golden]]
name = "fp16 export unchanged"
file = "model.fp16.safetensors"

[[golden]]
name = "training checkpoint unchanged"
file = "checkpoint.pt"

[[generate]]
name = "mlp"
model = "Sequential(Linear(4, 8), ReLU(), Linear(8, 2))"
seeds = [0, 1]
dtypes = ["float32", "bfloat16"]
'''


def make_model() -> nn.Module:
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))


def inventory(model: nn.Module, seed: int, dtype: str) -> dict:
    sd = model.state_dict()
    tensors = {}
    for key, t in sd.items():
        raw = t.detach().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()
        tensors[key] = {
            "dtype": str(t.dtype).removeprefix("torch."),
            "shape": list(t.shape),
            "sha256": hashlib.sha256(raw).hexdigest(),
        }
    return {"model": SPEC, "seed": seed, "dtype": dtype, "keys": list(sd.keys()), "tensors": tensors}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join("Golden", "suites", "example"))
    out = parser.parse_args().out
    os.makedirs(os.path.join(out, "golden", "generate"), exist_ok=True)

    torch.manual_seed(0)
    model = make_model()
    sd = model.state_dict()
    torch.save(sd, os.path.join(out, "model.pt"))
    save_file({k: v.half().contiguous() for k, v in sd.items()},
              os.path.join(out, "model.fp16.safetensors"))
    torch.save(nn.DataParallel(model).state_dict(), os.path.join(out, "model_dp.pt"))
    perturbed = {k: v.clone() for k, v in sd.items()}
    perturbed["0.weight"][1, 2] += 0.25
    os.makedirs(os.path.join(out, "..", "perturbed"), exist_ok=True)
    torch.save(perturbed, os.path.join(out, "..", "perturbed", "model.pt"))

    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    g = torch.Generator().manual_seed(1)
    loss = torch.tensor(0.0)
    for _ in range(3):
        x = torch.randn(8, 4, generator=g)
        y = torch.randn(8, 2, generator=g)
        optimizer.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        optimizer.step()
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 3,
                "loss": loss.item()}, os.path.join(out, "checkpoint.pt"))

    for seed in SEEDS:
        for name, dtype in DTYPES.items():
            torch.manual_seed(seed)
            m = make_model().to(dtype)
            path = os.path.join(out, "golden", "generate", f"mlp-s{seed}-{name}.json")
            with open(path, "w") as f:
                json.dump(inventory(m, seed, name), f, indent=2, sort_keys=True)
                f.write("\n")

    with open(os.path.join(out, "repro.toml"), "w") as f:
        f.write(TOML)


if __name__ == "__main__":
    main()
