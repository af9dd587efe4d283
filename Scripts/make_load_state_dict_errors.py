#!/usr/bin/env python3
"""PyTorch's `load_state_dict` errors, word for word, for ReproNN's NNError.stateDictMismatch.

    .venv/bin/python Scripts/make_load_state_dict_errors.py

Output: Golden/pytorch/errors/load_state_dict.json. For each case: a model spec (the same
constructors ReproNN parses), the state dict's keys and shapes (zeros: only keys and shapes
matter), `strict`, `version` (the `_metadata` version of the root module, or null for a plain
dict without `_metadata`: BatchNorm fills a missing `num_batches_tracked` only below version 2),
the `str()` of the RuntimeError `model.load_state_dict(sd, strict)` raises (null when it loads),
and, when no entry is mis-sized, the missing/unexpected keys `load_state_dict(sd, strict=False)`
reports (null otherwise: PyTorch raises there too).
Deterministic: only shapes and names are recorded.
"""
import json
import os
from collections import OrderedDict

import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Golden", "pytorch", "errors", "load_state_dict.json")

MODELS = {
    "Linear(3, 2)": lambda: nn.Linear(3, 2),
    "Sequential(Linear(3, 2), ReLU(), Linear(2, 1))": lambda: nn.Sequential(
        nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1)),
    "BatchNorm2d(2)": lambda: nn.BatchNorm2d(2),
}

CASES = [
    ("Linear(3, 2)", [("weight", [2, 3])], True, None),
    ("Linear(3, 2)", [("weight", [2, 3]), ("bias", [2]), ("extra", [1])], True, None),
    ("Linear(3, 2)", [("weight", [2, 4]), ("bias", [2])], True, None),
    ("Linear(3, 2)", [("weight", [2, 4])], False, None),
    ("Sequential(Linear(3, 2), ReLU(), Linear(2, 1))",
     [("0.weight", [3, 3]), ("x", [1]), ("2.weight", [1, 2]), ("2.bias", [1])], True, None),
    ("Sequential(Linear(3, 2), ReLU(), Linear(2, 1))",
     [("module.0.weight", [2, 3]), ("module.0.bias", [2]), ("module.2.weight", [1, 2]),
      ("module.2.bias", [1])], True, None),
    ("BatchNorm2d(2)", [("weight", [2]), ("bias", [2]), ("running_mean", [3])], True, None),
    ("BatchNorm2d(2)", [("weight", [2]), ("bias", [2]), ("running_mean", [2]),
                        ("running_var", [2])], True, 2),
    ("BatchNorm2d(2)", [("weight", [2]), ("bias", [2]), ("running_mean", [2]),
                        ("running_var", [2])], True, 1),
]


def state_dict(keys, version):
    sd = OrderedDict((k, torch.zeros(s)) for k, s in keys)
    if version is not None:
        sd._metadata = OrderedDict([("", {"version": version})])
    return sd


def main():
    assert torch.__version__.startswith("2.13"), torch.__version__
    out = []
    for spec, keys, strict, version in CASES:
        sd = state_dict(keys, version)
        try:
            MODELS[spec]().load_state_dict(sd, strict=strict)
            message = None
        except RuntimeError as e:
            message = str(e)
        model = MODELS[spec]()
        own = model.state_dict()
        missing = unexpected = None
        if all(k not in own or own[k].shape == v.shape for k, v in sd.items()):
            r = model.load_state_dict(state_dict(keys, version), strict=False)
            missing, unexpected = list(r.missing_keys), list(r.unexpected_keys)
        out.append({
            "spec": spec, "keys": [{"key": k, "shape": s} for k, s in keys], "strict": strict,
            "version": version, "message": message, "missing": missing, "unexpected": unexpected,
        })
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"torch": torch.__version__, "cases": out}, f, indent=1)
        f.write("\n")
    print(f"{len(out)} cases -> {OUT}")


if __name__ == "__main__":
    main()
