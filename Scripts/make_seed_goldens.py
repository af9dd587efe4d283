#!/usr/bin/env python3
"""Goldens for `--seed`: what torch.manual_seed does with the integers a command line can hold.

    .venv/bin/python Scripts/make_seed_goldens.py

For each seed text: the value torch.initial_seed() reports after torch.manual_seed(int(text)) and
after torch.Generator().manual_seed(int(text)), or the error torch raises. PyTorch 2.13 keeps the
seed as a uint64: negative seeds down to -2**63 wrap modulo 2**64, anything outside
[-2**63, 2**64) raises. For the seeds torch accepts, also the sha256 of every tensor of
`nn.Sequential(nn.Linear(3, 2))` built right after torch.manual_seed (what `repro generate --seed`
reproduces). Writes Golden/pytorch/seed/seeds.json.
"""
import hashlib
import json
import os

import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = "Sequential(Linear(3, 2))"
SEEDS = ["0", "1", "-1", "-5", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
         "18446744073709551615", "18446744073709551616", "-9223372036854775809"]


def case(text):
    out = {"seed": text}
    try:
        torch.manual_seed(int(text))
    except Exception as e:  # noqa: BLE001 - the error is the golden
        out["error"] = f"{type(e).__name__}: {e}"
        return out
    out["initial_seed"] = str(torch.initial_seed())
    g = torch.Generator()
    g.manual_seed(int(text))
    out["generator_initial_seed"] = str(g.initial_seed())
    torch.manual_seed(int(text))
    model = nn.Sequential(nn.Linear(3, 2))
    out["state_dict_sha256"] = {
        k: hashlib.sha256(v.contiguous().numpy().tobytes()).hexdigest() for k, v in model.state_dict().items()}
    return out


def main():
    assert torch.__version__.startswith("2.13.0"), torch.__version__
    out = os.path.join(ROOT, "Golden", "pytorch", "seed", "seeds.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump({"torch": torch.__version__, "script": "Scripts/make_seed_goldens.py", "spec": SPEC,
                   "cases": [case(s) for s in SEEDS]}, f, indent=1)
        f.write("\n")
    print(f"{len(SEEDS)} seeds -> {out} ({os.path.getsize(out)} bytes)")


if __name__ == "__main__":
    main()
