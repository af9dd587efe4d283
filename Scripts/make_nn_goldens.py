#!/usr/bin/env python3
"""Write the state_dict goldens of every model spec Repro generates, with real PyTorch.

    .venv/bin/python Scripts/make_nn_goldens.py [--check-torchvision rng-vectors.json]

Output: Golden/pytorch/nn/init.json: for each (spec, seed, dtype) the state_dict keys in order,
each tensor's dtype/shape/stride and sha256 of its bytes (plus the first 4 bit patterns), and the
`_metadata` versions. Generation in Repro must match every hash bit for bit.

resnet18 is built by `torchvision_resnet18` below: a transcription of torchvision 0.28's
`resnet18` (same modules, registration and construction order, same re-initialisation loop),
because torchvision's wheel cannot be installed beside the +cpu torch here. `--check-torchvision`
proves the transcription equal to real torchvision through the per-tensor hashes that the shared
RNG spec recorded from torchvision itself (`modules/resnet18_10*` of rng-vectors.json).
"""
import argparse
import hashlib
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_models import SimpleModel, torchvision_resnet18  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

ZOO = {
    "mlp": "Sequential(Linear(16, 32), ReLU(), Linear(32, 32), ReLU(), Linear(32, 4))",
    "cnn": "Sequential(Conv2d(3, 8, 3, padding=1), BatchNorm2d(8), ReLU(), MaxPool2d(2), "
           "Conv2d(8, 16, 3, padding=1), BatchNorm2d(16), ReLU(), AdaptiveAvgPool2d(1), Flatten(), "
           "Linear(16, 10))",
}

SPECS = [
    "simple", "mlp", "cnn", "resnet18(num_classes=10)",
    "Sequential(Linear(5,7), ReLU(), Linear(7,3))",
    "Sequential(Conv2d(3,4,3), BatchNorm2d(4), ReLU(), Flatten(), Linear(144,2))",
    "Sequential(Linear(4, 6, bias=False), Tanh(), Linear(6, 2), Sigmoid())",
    "Sequential(Conv2d(4, 8, 3, stride=2, padding=1, dilation=1, groups=2, bias=False), ReLU(), "
    "Conv2d(8, 8, (3, 1), padding=(1, 0), dilation=2), AvgPool2d(2), Dropout(p=0.25), Flatten())",
    "Linear(1, 1)",
    "Linear(300, 200)",
]
SEEDS = [0, 1, 42]
DTYPES = ["float32", "float16", "bfloat16", "float64"]


def build(spec):
    """Evaluates a spec with torch.nn's constructors (the same syntax Repro parses)."""
    if spec == "simple":
        return SimpleModel()
    if spec in ZOO:
        spec = ZOO[spec]
    names = {n: getattr(nn, n) for n in ["Sequential", "Linear", "Conv2d", "BatchNorm2d", "ReLU",
                                          "Tanh", "Sigmoid", "MaxPool2d", "AvgPool2d",
                                          "AdaptiveAvgPool2d", "Flatten", "Dropout"]}
    names["resnet18"] = torchvision_resnet18
    return eval(spec, {"__builtins__": {}}, names)


def raw_bytes(t):
    c = t.detach().contiguous()
    if c.dtype == torch.bfloat16:
        return c.view(torch.int16).numpy().tobytes()
    return c.numpy().tobytes()


def bits_head(t):
    c = t.detach().contiguous().reshape(-1)[:4]
    width = {torch.float64: torch.int64, torch.float32: torch.int32, torch.float16: torch.int16,
             torch.bfloat16: torch.int16, torch.int64: torch.int64}[c.dtype]
    mask = (1 << (8 * c.element_size())) - 1
    return ["0x%0*x" % (2 * c.element_size(), int(v) & mask) for v in c.view(width).tolist()]


def state_dict_record(model):
    sd = model.state_dict()
    return {
        "keys": list(sd.keys()),
        "metadata": [[k, v.get("version")] for k, v in sd._metadata.items()],
        "tensors": [{"key": k, "dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape),
                     "stride": list(v.stride()), "sha256": hashlib.sha256(raw_bytes(v)).hexdigest(),
                     "head_bits": bits_head(v)} for k, v in sd.items()],
        "rng_after": hashlib.sha256(torch.get_rng_state().numpy().tobytes()).hexdigest(),
    }


def check_torchvision(path):
    vectors = json.load(open(path))["modules"]
    checked = 0
    for key, cast in [("resnet18_10", None), ("resnet18_10_half", "half"), ("resnet18_10_bf16", "bfloat16")]:
        v = vectors[key]
        torch.manual_seed(v["seed"])
        m = torchvision_resnet18(num_classes=10)
        if cast:
            m = getattr(m, cast)()
        sd = m.state_dict()
        for name, want in v["tensors"].items():
            got = hashlib.sha256(raw_bytes(sd[name])).hexdigest()
            assert got == want["sha256"], f"{key}/{name}: transcription differs from torchvision"
            checked += 1
    print(f"torchvision transcription: {checked} tensors equal to torchvision 0.28's hashes")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check-torchvision", metavar="RNG_VECTORS_JSON")
    ap.add_argument("--out", default=os.path.join(ROOT, "Golden", "pytorch", "nn", "init.json"))
    args = ap.parse_args()
    assert torch.__version__.startswith("2.13.0"), torch.__version__
    torch.set_num_threads(1)
    if args.check_torchvision:
        check_torchvision(args.check_torchvision)
    cases = []
    for spec in SPECS:
        for seed in SEEDS:
            for dtype in DTYPES:
                if spec.startswith("resnet18") and (seed != 0 and dtype != "float32"):
                    continue  # keep the golden small: resnet18 at all seeds in fp32, all dtypes at seed 0
                torch.manual_seed(seed)
                model = build(spec)
                model = {"float32": model.float, "float16": model.half, "bfloat16": model.bfloat16,
                         "float64": model.double}[dtype]()
                rec = state_dict_record(model)
                cases.append({"spec": spec, "seed": seed, "dtype": dtype, **rec})
    doc = {"torch": torch.__version__, "capability": torch.backends.cpu.get_cpu_capability(),
           "script": "Scripts/make_nn_goldens.py", "zoo": ZOO, "cases": cases}
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    print(f"{len(cases)} cases -> {args.out} ({os.path.getsize(args.out)} bytes)")


if __name__ == "__main__":
    sys.exit(main())
