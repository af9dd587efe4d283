#!/usr/bin/env python3
"""Write torch.save oracles of generated models: whole modules and state dicts.

    /work/venv/bin/python Scripts/make_module_oracles.py        (torch==2.13.0+cpu)

For each case (spec, seed, dtype, mode) the model is built exactly as Repro's `repro generate` builds
it: `torch.manual_seed(seed)`, the spec evaluated with torch.nn's constructors (one Python expression,
so equal tuple literals are one object, as CPython folds and merges constants), then `.float()`,
`.half()`, `.bfloat16()` or `.double()`. Then `torch.save(model, NAME.pt)` (mode "module") or
`torch.save(model.state_dict(), NAME.pt)` (mode "state-dict").

Output: Golden/pytorch/modules/manifest.json with, per case, the sha256 and size of torch's file, and
the file itself (NAME.pt) when it is small (<= 64 KiB). The archive folder inside each file is NAME.
Repro's serialization of the same model must equal torch's file byte for byte (serialization_id
included): Tests/ReproNNTests/ModulePickleTests.swift checks every case without PyTorch.

`simple` is the guides' SimpleModel, defined here at top level, so the whole-module file names
`__main__.SimpleModel` as torch.save writes it for a script's class; loading it needs that class in
the loader's `__main__` (as the guides say). resnet18 is written only as a state dict: its
whole-module file would name torchvision's classes.
"""
import hashlib
import json
import os
import sys
import tempfile

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_nn_goldens import ZOO, torchvision_resnet18  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Golden", "pytorch", "modules")
KEEP_FILES_UP_TO = 64 * 1024


class SimpleModel(nn.Module):
    """The PyTorch guides' model: one Linear(10, 1) named fc."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 1)

    def forward(self, x):
        return self.fc(x)


LAYERS = ["Sequential", "Linear", "Conv2d", "BatchNorm2d", "ReLU", "Tanh", "Sigmoid", "MaxPool2d",
          "AvgPool2d", "AdaptiveAvgPool2d", "Flatten", "Dropout"]


def build(spec):
    """The model a spec describes, built as Repro's ModelFactory builds it."""
    if spec == "simple":
        return SimpleModel()
    if spec in ZOO:
        spec = ZOO[spec]
    names = {n: getattr(nn, n) for n in LAYERS}
    names["resnet18"] = torchvision_resnet18
    return eval(spec, {"__builtins__": {}}, names)


def cast(model, dtype):
    return {"float32": model.float, "float16": model.half, "bfloat16": model.bfloat16,
            "float64": model.double}[dtype]()


MODULE_SPECS = [
    "simple", "mlp", "cnn", "Linear(1, 1)",
    "Sequential(Linear(5,7), ReLU(), Linear(7,3))",
    "Sequential(Conv2d(3,4,3), BatchNorm2d(4), ReLU(), Flatten(), Linear(144,2))",
    "Sequential(Linear(4, 6, bias=False), Tanh(), Linear(6, 2), Sigmoid())",
    "Sequential(Conv2d(4, 8, 3, stride=2, padding=1, dilation=1, groups=2, bias=False), ReLU(), "
    "Conv2d(8, 8, (3, 1), padding=(1, 0), dilation=2), AvgPool2d(2), Dropout(p=0.25), Flatten())",
    # Spellings torch keeps as given: int vs tuple sizes, stride defaulting to the kernel_size
    # object, int p/momentum, momentum=None, BatchNorm without parameters or buffers, inplace.
    "Sequential(MaxPool2d((2, 3), padding=1), AvgPool2d(3, stride=(2, 1)), AdaptiveAvgPool2d((2, 2)), "
    "ReLU(inplace=True), Dropout(0, inplace=True), BatchNorm2d(3, eps=0.001, momentum=None, "
    "affine=False, track_running_stats=False), BatchNorm2d(3, momentum=0), Flatten(0))",
    # Equal tuple literals are one object in one expression (BINGET in the pickle).
    "Sequential(Conv2d(2, 2, (3, 3), padding=(1, 1)), Conv2d(2, 2, (3, 3), stride=(1, 1), "
    "padding=(1, 1)), MaxPool2d((2, 2)), MaxPool2d(2, 1, dilation=(1, 1)))",
    "Sequential(Sequential(Linear(2, 3), ReLU()), Sequential(), Linear(3, 1))",
]
STATE_SPECS = MODULE_SPECS + ["resnet18(num_classes=10)", "Linear(300, 200)"]


def cases():
    out = []
    for i, spec in enumerate(MODULE_SPECS):
        for seed, dtype in [(0, "float32"), (7, "float16"), (1, "bfloat16"), (42, "float64")]:
            if dtype != "float32" and i % 2 == 1:
                continue
            out.append((spec, seed, dtype, "module"))
    for spec in STATE_SPECS:
        for seed, dtype in [(0, "float32"), (3, "float16"), (5, "bfloat16"), (11, "float64")]:
            if spec.startswith("resnet18") and dtype != "float32":
                continue
            out.append((spec, seed, dtype, "state-dict"))
    return out


def main():
    assert torch.__version__.startswith("2.13.0"), torch.__version__
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".pt"):
            os.remove(os.path.join(OUT, f))
    records = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, (spec, seed, dtype, mode) in enumerate(cases()):
            name = f"{'module' if mode == 'module' else 'sd'}_{n:02d}_s{seed}_{dtype}"
            torch.manual_seed(seed)
            model = cast(build(spec), dtype)
            obj = model if mode == "module" else model.state_dict()
            path = os.path.join(tmp, name + ".pt")
            torch.save(obj, path)
            data = open(path, "rb").read()
            if mode == "module":  # the file must load back into a module that runs
                back = torch.load(path, weights_only=False)
                assert type(back) is type(model)
            rec = {"name": name, "spec": spec, "seed": seed, "dtype": dtype, "mode": mode,
                   "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            if len(data) <= KEEP_FILES_UP_TO:
                with open(os.path.join(OUT, name + ".pt"), "wb") as f:
                    f.write(data)
                rec["file"] = name + ".pt"
            records.append(rec)
    doc = {"torch": torch.__version__, "script": "Scripts/make_module_oracles.py", "cases": records}
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(doc, f, indent=1)
    kept = sum(1 for r in records if "file" in r)
    print(f"{len(records)} cases ({kept} files kept) -> {OUT}")


if __name__ == "__main__":
    sys.exit(main())
