#!/usr/bin/env python3
"""torch.distributed.checkpoint folders made by 2 real processes: Golden/pytorch/dcp/.

    .venv/bin/python Scripts/make_dcp_goldens.py [--out Golden/pytorch/dcp]

Two processes (`torch.multiprocessing.spawn`, gloo backend, a 1-D CPU device mesh of 2) save with
`torch.distributed.checkpoint.save` a nested state dict whose tensors are `DTensor`s:

* `model.fc.weight` [5, 3] float32 sharded `Shard(0)` (rank 0 holds rows 0-2, rank 1 rows 3-4),
* `model.fc.bias` [5] float32 `Shard(0)` too, `model.emb` [4, 6] bfloat16 `Shard(1)` (columns),
* `model.scale` [3] float64 `Replicate()` (DCP writes it once, from rank 0),
* `model.steps` a plain int64 tensor [2, 2] (not a DTensor: every rank has it; saved once),
* `extra.epoch` 3 and `extra.name` "run" (non-tensor values: `BytesStorageMetadata`, pickled bytes),
* `extra.history` [0.5, 0.25] (a list: DCP flattens it to `extra.history.0`, `extra.history.1`).

so `.metadata` holds chunk offsets/sizes per rank and `__0_0.distcp`, `__1_0.distcp` hold the
pieces. Files (`sharded/`):

* `sharded/.metadata`, `sharded/__0_0.distcp`, `sharded/__1_0.distcp`: what dcp.save wrote.
* `sharded.torch_save.pt`: `torch.distributed.checkpoint.format_utils.dcp_to_torch_save("sharded",
  "sharded.torch_save.pt")`, what `repro convert sharded out.pt` must write (equal tensors, same nesting).
* `sharded.expected.json`: Scripts/inventory.py's view (torch.load of that file).
* `fsdp/` (+ `fsdp.torch_save.pt`, `fsdp.expected.json`, `fsdp.metadata.json`): two ranks train
  `Sequential(Linear(4,6), ReLU, Linear(6,3))` wrapped with FSDP2 `fully_shard` one Adam step and save
  `{"model": msd, "optim": osd, "step": 1}` from `get_state_dict(model, optim)`: parameters and Adam's
  exp_avg/exp_avg_sq sharded by rows, `param_groups` a list of dicts (planner_data paths with list indices).
* `sharded.metadata.json`: the `.metadata` dataclasses as JSON (state_dict_metadata with chunks,
  storage_data, planner_data), as torch unpickles them, for the reader's tests.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import sys
import tempfile

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import inventory  # noqa: E402

ROOT = os.path.dirname(HERE)


def worker(rank: int, world: int, folder: str, port: int) -> None:
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    from torch.distributed.device_mesh import init_device_mesh
    from torch.distributed.tensor import Replicate, Shard, distribute_tensor
    import torch.distributed.checkpoint as dcp

    mesh = init_device_mesh("cpu", (world,))
    torch.manual_seed(0)  # same full tensors on every rank; each keeps its shard
    weight = torch.randn(5, 3)
    bias = torch.randn(5)
    emb = torch.randn(4, 6).to(torch.bfloat16)
    scale = torch.tensor([1.0, 2.0, 3.5], dtype=torch.float64)
    state = {
        "model": {
            "fc.weight": distribute_tensor(weight, mesh, [Shard(0)]),
            "fc.bias": distribute_tensor(bias, mesh, [Shard(0)]),
            "emb": distribute_tensor(emb, mesh, [Shard(1)]),
            "scale": distribute_tensor(scale, mesh, [Replicate()]),
            "steps": torch.arange(4, dtype=torch.int64).reshape(2, 2),
        },
        "extra": {"epoch": 3, "name": "run", "history": [0.5, 0.25]},
    }
    dcp.save(state, checkpoint_id=folder)
    dist.barrier()
    dist.destroy_process_group()


def fsdp_worker(rank: int, world: int, folder: str, port: int) -> None:
    """FSDP2 (`fully_shard`) training one Adam step, then `get_state_dict(model, optim)` saved."""
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    from torch.distributed.device_mesh import init_device_mesh
    from torch.distributed.fsdp import fully_shard
    from torch.distributed.checkpoint.state_dict import get_state_dict
    import torch.distributed.checkpoint as dcp

    mesh = init_device_mesh("cpu", (world,))
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.ReLU(), torch.nn.Linear(6, 3))
    for layer in (model[0], model[2]):
        fully_shard(layer, mesh=mesh)
    fully_shard(model, mesh=mesh)
    optim = torch.optim.Adam(model.parameters(), lr=0.01)
    torch.manual_seed(1 + rank)  # each rank its own batch, as data parallel training has
    loss = model(torch.randn(5, 4)).square().mean()
    loss.backward()
    optim.step()
    msd, osd = get_state_dict(model, optim)
    dcp.save({"model": msd, "optim": osd, "step": 1}, checkpoint_id=folder)
    dist.barrier()
    dist.destroy_process_group()


def plain(v):
    """The .metadata dataclasses as JSON-able values."""
    import dataclasses
    import enum
    if dataclasses.is_dataclass(v):
        return {"__class__": type(v).__module__ + "." + type(v).__qualname__,
                **{f.name: plain(getattr(v, f.name)) for f in dataclasses.fields(v)}}
    if isinstance(v, enum.Enum):
        return f"{type(v).__qualname__}.{v.name}"
    if isinstance(v, dict):
        return [[plain(k), plain(x)] for k, x in v.items()]
    if isinstance(v, (list, tuple, torch.Size)):
        return [plain(x) for x in v]
    if isinstance(v, torch.dtype):
        return str(v)
    if isinstance(v, (int, float, str, bool)) or v is None:
        return v
    return repr(v)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "Golden", "pytorch", "dcp"))
    ap.add_argument("--port", type=int, default=29517)
    args = ap.parse_args()
    assert torch.__version__.startswith("2.13."), torch.__version__
    out = args.out
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    from torch.distributed.checkpoint.format_utils import dcp_to_torch_save
    notes = {"sharded": "2 ranks (gloo, mp.spawn), DTensor Shard(0)/Shard(1)/Replicate",
             "fsdp": "2 ranks (gloo, mp.spawn), FSDP2 fully_shard + Adam step, get_state_dict(model, optim)"}
    for name, fn, port in (("sharded", worker, args.port), ("fsdp", fsdp_worker, args.port + 1)):
        folder = os.path.join(out, name)
        mp.spawn(fn, args=(2, folder, port), nprocs=2, join=True)
        target = os.path.join(out, f"{name}.torch_save.pt")
        dcp_to_torch_save(folder, target)
        inv = inventory.inventory(folder, note=notes[name] + "; entries: torch.load(dcp_to_torch_save(folder))")
        with open(os.path.join(out, f"{name}.expected.json"), "w") as f:
            f.write(inventory.dumps(inv))
        with open(os.path.join(folder, ".metadata"), "rb") as f:
            meta = pickle.load(f)
        with open(os.path.join(out, f"{name}.metadata.json"), "w") as f:
            f.write(json.dumps(plain(meta), indent=1) + "\n")
        print(name, sorted(os.listdir(folder)), [e["path"] for e in inv["entries"]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
