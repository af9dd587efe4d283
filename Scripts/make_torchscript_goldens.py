#!/usr/bin/env python3
"""TorchScript archives made by real torch.jit.save: Golden/pytorch/torchscript/.

    .venv/bin/python Scripts/make_torchscript_goldens.py [--out Golden/pytorch/torchscript]

From fixed seeds, a small model with a Conv2d, a BatchNorm2d (running_mean/var and the int64
num_batches_tracked buffers, trained one step so they are not the defaults), a nested submodule
with its own buffer, a Linear without bias (its `bias` attribute is None) and a non-contiguous buffer:

* `scripted.pt`: `torch.jit.save(torch.jit.script(model))`.
* `traced.pt`: `torch.jit.save(torch.jit.trace(model, x))`.
* `scripted_containers.pt`: `torch.jit.script` of the containers model.
* `scripted_fp16.pt`: the scripted model after `.half()` (float16 tensors), saved to a name with a
  different archive folder (`renamed_folder` in the zip) to check the folder is read from the archive.
* `NAME.expected.json`: Scripts/inventory.py's view, i.e. `torch.jit.load(f, map_location="cpu")
  .state_dict()` (keys, order, dtype, shape, stride, storage offset, sha256 of the bytes).
* `NAME.state_dict.pt`: `torch.save(torch.jit.load(f).state_dict(), ...)`, what `repro convert
  NAME.pt out.pt` must write byte for byte.
* `NAME.safetensors`: `safetensors.torch.save_file({k: v.contiguous() for k, v in state_dict.items()})`,
  what `repro convert NAME.pt out.safetensors` must write byte for byte (save_file itself refuses the
  non-contiguous `steps` buffer; Repro's safetensors writer stores the logical values contiguously).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import inventory  # noqa: E402

ROOT = os.path.dirname(HERE)


class Inner(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lin = torch.nn.Linear(3, 2)
        self.register_buffer("scale", torch.tensor([2.0, 0.5]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.lin(x) * self.scale


class Model(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 2, 2)
        self.bn = torch.nn.BatchNorm2d(2)
        self.inner = Inner()
        self.head = torch.nn.Linear(2, 2, bias=False)
        self.register_buffer("steps", torch.arange(4, dtype=torch.int64).reshape(2, 2).t())  # non-contiguous

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.bn(self.conv(x)).flatten(1)[:, :3]
        return self.head(self.inner(y))


class Containers(torch.nn.Module):
    """Sequential, ModuleList and ModuleDict, and one Linear reachable under two names (tied)."""

    def __init__(self) -> None:
        super().__init__()
        self.seq = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
        self.blocks = torch.nn.ModuleList([torch.nn.Linear(2, 2) for _ in range(2)])
        self.heads = torch.nn.ModuleDict({"a": torch.nn.Linear(2, 1), "b": torch.nn.LayerNorm(2)})
        self.tied = self.blocks[0]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.seq(x)
        for block in self.blocks:
            y = block(y)
        return self.heads["a"](self.heads["b"](self.tied(y)))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "Golden", "pytorch", "torchscript"))
    args = ap.parse_args()
    assert torch.__version__.startswith("2.13."), torch.__version__
    out = args.out
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)

    torch.manual_seed(0)
    model = Model()
    x = torch.randn(2, 1, 3, 3)
    model.train()
    model(x)  # one training forward: BatchNorm running stats and num_batches_tracked move
    model.eval()
    made = {
        "scripted": torch.jit.script(model),
        "traced": torch.jit.trace(model, x),
    }
    made["scripted_containers"] = torch.jit.script(Containers().eval())
    half = Model()
    half.load_state_dict(model.state_dict())
    made["scripted_fp16"] = torch.jit.script(half.half().eval())
    for name, module in made.items():
        path = os.path.join(out, f"{name}.pt")
        torch.jit.save(module, path)
        if name == "scripted_fp16":  # archive folder differs from the file name
            import zipfile
            with zipfile.ZipFile(path) as z:
                folder = z.namelist()[0].split("/")[0]
            assert folder == "scripted_fp16", folder
        loaded = torch.jit.load(path, map_location="cpu")
        sd = loaded.state_dict()
        torch.save(sd, os.path.join(out, f"{name}.state_dict.pt"))
        from safetensors.torch import save_file
        if name != "scripted_containers":  # save_file refuses its tied tensors ("Some tensors share memory")
            save_file({k: v.contiguous() for k, v in sd.items()}, os.path.join(out, f"{name}.safetensors"))
        inv = inventory.inventory(path, note=f"torch.jit.save(torch.jit.{name.split('_')[0].replace('scripted', 'script').replace('traced', 'trace')}(model)); "
                                             "entries: torch.jit.load(f).state_dict()")
        with open(os.path.join(out, f"{name}.expected.json"), "w") as f:
            f.write(inventory.dumps(inv))
        print(name, os.path.getsize(path), "bytes,", len(inv["entries"]), "entries:", list(sd.keys()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
