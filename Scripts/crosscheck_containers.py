#!/usr/bin/env python3
"""Cross-check Repro's container support against real torch and huggingface_hub (run by `make crosscheck`).

    .venv/bin/python Scripts/crosscheck_containers.py --repro .build/debug/repro

* `repro inspect --json` of every sharded folder / index, DCP folder and TorchScript archive under
  Golden/pytorch/{sharded,dcp,torchscript} equals Scripts/inventory.py's live inventory (paths, dtype,
  shape, stride, sha256).
* `repro convert source.pt OUT --max-shard-size S [--to torch]` writes the same files as a fresh
  `huggingface_hub.save_torch_state_dict` call, and `huggingface_hub.load_torch_model` loads OUT
  strictly into the model with equal tensors.
* `repro convert` of a TorchScript archive / DCP folder to `.pt` loads with `torch.load(weights_only=True)`
  to exactly `torch.jit.load(f).state_dict()` / `dcp_to_torch_save`'s result (same nesting, equal tensors),
  byte-identical to torch.save of it.
"""
from __future__ import annotations

import argparse
import filecmp
import json
import os
import subprocess
import sys
import tempfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import inventory  # noqa: E402
import make_sharded_goldens  # noqa: E402

ROOT = os.path.dirname(HERE)
G = os.path.join(ROOT, "Golden", "pytorch")
FAILURES: list[str] = []


def check(cond: bool, what: str) -> None:
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILURES.append(what)


def same_tree(a, b) -> bool:
    if isinstance(a, torch.Tensor):
        return (isinstance(b, torch.Tensor) and a.dtype == b.dtype and a.shape == b.shape
                and a.stride() == b.stride() and torch.equal(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(same_tree(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same_tree(x, y) for x, y in zip(a, b))
    return a == b


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repro", default=os.path.join(ROOT, ".build", "debug", "repro"))
    args = ap.parse_args()
    repro = args.repro

    def run(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run([repro, *argv], capture_output=True, text=True)

    inputs = ["sharded/st", "sharded/bin", "sharded/st/model.safetensors.index.json",
              "sharded/bin/pytorch_model.bin.index.json", "dcp/sharded", "dcp/fsdp", "torchscript/scripted.pt",
              "torchscript/traced.pt", "torchscript/scripted_fp16.pt",
              "torchscript/scripted_containers.pt"]
    for rel in inputs:
        path = os.path.join(G, rel)
        r = run("inspect", path, "--json")
        ours = json.loads(r.stdout) if r.returncode == 0 else {"entries": []}
        want = inventory.inventory(path)
        keys = ("path", "dtype", "shape", "stride", "sha256")
        check(ours.get("format") == want["format"] and
              [{k: e.get(k) for k in keys} for e in ours["entries"]] ==
              [{k: e.get(k) for k in keys} for e in want["entries"]],
              f"inspect {rel}: {len(want['entries'])} entries as torch sees them {r.stderr.strip()}")

    from huggingface_hub import load_torch_model, save_torch_state_dict
    with tempfile.TemporaryDirectory() as tmp:
        for source, size, safe in [("source.pt", make_sharded_goldens.MAX_SHARD, True),
                                   ("source_tied.pt", make_sharded_goldens.MAX_SHARD_BIN_INT, False)]:
            src = os.path.join(G, "sharded", source)
            ours, theirs = os.path.join(tmp, f"ours_{safe}"), os.path.join(tmp, f"theirs_{safe}")
            os.makedirs(theirs)
            r = run("convert", src, ours, "--max-shard-size", str(size), *([] if safe else ["--to", "torch"]))
            save_torch_state_dict(torch.load(src, weights_only=True), theirs, max_shard_size=size,
                                  safe_serialization=safe)
            names = sorted(os.listdir(theirs))
            check(r.returncode == 0 and sorted(os.listdir(ours)) == names and
                  all(filecmp.cmp(os.path.join(ours, n), os.path.join(theirs, n), shallow=False) for n in names),
                  f"convert {source} --max-shard-size {size}: {len(names)} files equal save_torch_state_dict's {r.stderr.strip()}")
            torch.manual_seed(0)
            model = make_sharded_goldens.Model()
            if not safe:
                model.lm_head = torch.nn.Linear(4, 5, bias=False)
                model.lm_head.weight = model.embed.weight
            with torch.no_grad():
                for p in model.parameters():
                    p.zero_()
            load_torch_model(model, ours, strict=True, safe=safe, weights_only=True)
            want = torch.load(src, weights_only=True)
            got = model.state_dict()
            check(all(torch.equal(got[k], want[k]) for k in want),
                  f"load_torch_model(strict=True) of repro's {os.path.basename(ours)}: equal tensors")

        for name in ("scripted", "traced", "scripted_fp16", "scripted_containers"):
            f = os.path.join(G, "torchscript", f"{name}.pt")
            out = os.path.join(tmp, f"{name}.state_dict.pt")
            r = run("convert", f, out)
            want = torch.jit.load(f, map_location="cpu").state_dict()
            got = torch.load(out, weights_only=True) if r.returncode == 0 else None
            ref = os.path.join(tmp, "ref", f"{name}.state_dict.pt")
            os.makedirs(os.path.dirname(ref), exist_ok=True)
            torch.save(want, ref)
            check(got is not None and same_tree(dict(got), dict(want)) and got._metadata == want._metadata
                  and filecmp.cmp(out, ref, shallow=False),
                  f"convert {name}.pt → .pt: torch.load = torch.jit.load(f).state_dict(), bytes = torch.save {r.stderr.strip()}")

        from torch.distributed.checkpoint.format_utils import dcp_to_torch_save
        for name in ("sharded", "fsdp"):
            folder = os.path.join(G, "dcp", name)
            out = os.path.join(tmp, f"{name}.pt")
            ref = os.path.join(tmp, "ref", f"{name}.pt")
            r = run("convert", folder, out)
            dcp_to_torch_save(folder, ref)
            got = torch.load(out, weights_only=True) if r.returncode == 0 else None
            check(got is not None and same_tree(got, torch.load(ref, weights_only=True)) and
                  filecmp.cmp(out, ref, shallow=False),
                  f"convert dcp/{name} → .pt: equals dcp_to_torch_save (nesting, tensors, bytes) {r.stderr.strip()}")

    print(f"{len(FAILURES)} failure(s)")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
