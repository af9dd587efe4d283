#!/usr/bin/env python3
"""Sharded Hugging Face checkpoints made by real huggingface_hub: Golden/pytorch/sharded/.

    .venv/bin/python Scripts/make_sharded_goldens.py [--out Golden/pytorch/sharded]

Writes, from fixed seeds:

* `source.pt`: `torch.save(state_dict)` of a small model (the input of `repro convert`).
* `st/`: `huggingface_hub.save_torch_state_dict(torch.load("source.pt"), "st", max_shard_size=MAX)`:
  `model-0000N-of-0000M.safetensors` + `model.safetensors.index.json`.
* `bin/`: the same with `safe_serialization=False` (`pytorch_model-0000N-of-0000M.bin` +
  `pytorch_model.bin.index.json`), from `source_tied.pt`, whose `lm_head.weight` is the same tensor
  as `embed.weight` (huggingface_hub groups tensors that share a storage into one shard).
* `st_single/`: one shard only (max_shard_size above the total): `model.safetensors`, no index.
* `st.expected.json`, `bin.expected.json`: the logical state dict as Scripts/inventory.py sees it
  (shards in sorted file-name order, as transformers loads them; keys in each shard's own order).
* `params.json`: the max_shard_size strings used, for the tests.

huggingface_hub's split is greedy in state-dict order by `untyped_storage().nbytes()`: a tensor that
would overflow the current shard starts a new one, a tensor larger than the limit gets a shard of its
own (and the current shard stays open), tensors sharing a storage follow the first one's shard and do
not count towards the size. The index is `json.dump({"metadata": {"total_size": N}, "weight_map":
{...}}, indent=2)` with the weight map in shard order, then key order within the shard.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import inventory  # noqa: E402

import huggingface_hub  # noqa: E402
from huggingface_hub import save_torch_state_dict  # noqa: E402
from huggingface_hub.serialization._base import parse_size_to_int  # noqa: E402

ROOT = os.path.dirname(HERE)
# Small on purpose: the model's tensors are 12 to 256 bytes, so this makes several shards, one tensor
# (fc1.weight, 256 bytes) is larger than the limit and gets its own shard, and the string exercises
# huggingface_hub's parse_size_to_int (float value times the unit: int(0.0002 * 10**6) = 200).
MAX_SHARD = "0.0002MB"
SIZES = ["5GB", "0.0002MB", "1.5kb", " 10 MB ", "0.3GB", "2TB", "7KB"]
MAX_SHARD_BIN_INT = 120  # an int: huggingface_hub takes bytes as an int too


class Model(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = torch.nn.Embedding(5, 4)
        self.fc1 = torch.nn.Linear(4, 16)
        self.norm = torch.nn.LayerNorm(16)
        self.fc2 = torch.nn.Linear(16, 3)
        self.register_buffer("steps", torch.arange(3, dtype=torch.int64))
        self.register_buffer("mask", torch.tensor([True, False, True]))
        self.half_scale = torch.nn.Parameter(torch.randn(6).to(torch.bfloat16))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "Golden", "pytorch", "sharded"))
    args = ap.parse_args()
    assert torch.__version__.startswith("2.13."), torch.__version__
    out = args.out
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)

    for name in ("st", "st_single", "bin"):
        os.makedirs(os.path.join(out, name))  # save_torch_state_dict needs the folder to exist
    torch.manual_seed(0)
    sd = Model().state_dict()
    torch.save(sd, os.path.join(out, "source.pt"))
    loaded = torch.load(os.path.join(out, "source.pt"), weights_only=True)
    save_torch_state_dict(loaded, os.path.join(out, "st"), max_shard_size=MAX_SHARD)
    save_torch_state_dict(torch.load(os.path.join(out, "source.pt"), weights_only=True),
                          os.path.join(out, "st_single"), max_shard_size="5GB")

    tied = dict(sd)
    tied["lm_head.weight"] = tied["embed.weight"]  # tied weights: one storage, two keys
    torch.save(tied, os.path.join(out, "source_tied.pt"))
    loaded_tied = torch.load(os.path.join(out, "source_tied.pt"), weights_only=True)
    assert loaded_tied["lm_head.weight"].untyped_storage().data_ptr() == \
        loaded_tied["embed.weight"].untyped_storage().data_ptr()
    save_torch_state_dict(loaded_tied, os.path.join(out, "bin"), max_shard_size=MAX_SHARD_BIN_INT,
                          safe_serialization=False)

    for name in ("st", "bin"):
        folder = os.path.join(out, name)
        inv = inventory.inventory(folder, note=f"huggingface_hub {huggingface_hub.__version__} "
                                              f"save_torch_state_dict, see Scripts/make_sharded_goldens.py")
        with open(os.path.join(out, f"{name}.expected.json"), "w") as f:
            f.write(inventory.dumps(inv))
        print(name, sorted(os.listdir(folder)), len(inv["entries"]), "entries")
    with open(os.path.join(out, "params.json"), "w") as f:
        f.write(json.dumps({"huggingface_hub": huggingface_hub.__version__, "torch": torch.__version__,
                            "st": {"source": "source.pt", "max_shard_size": MAX_SHARD, "safe_serialization": True},
                            "st_single": {"source": "source.pt", "max_shard_size": "5GB",
                                          "safe_serialization": True},
                            "bin": {"source": "source_tied.pt", "max_shard_size": str(MAX_SHARD_BIN_INT),
                                    "safe_serialization": False},
                            "parse_size_to_int": {s: parse_size_to_int(s) for s in SIZES}}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
