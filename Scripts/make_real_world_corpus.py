#!/usr/bin/env python3
"""Make the checkpoints people actually have (issue 10) with real torch 2.13, numpy, omegaconf and
safetensors: Golden/pytorch/realworld/NAME.pt plus NAME.expected.json (the inventory contract of
Scripts/inventory.py).

    make venv && .venv/bin/python Scripts/make_real_world_corpus.py [--out DIR] [--only NAME ...]

Cases:
  py2_ordereddict_zip / py2_ordereddict_legacy: a state dict pickled the way Python 2.7 pickled an
      OrderedDict, `OrderedDict([[k, v], ...])` with pairs as lists (a pickle.Pickler subclass whose
      reducer_override writes that, passed to torch.save as its pickle_module), zip and legacy format.
  cycle_self_dict / cycle_list: `d["self"] = d` and a list containing itself, next to a tensor.
  lightning_omegaconf: a Lightning-style checkpoint whose hyper_parameters are an omegaconf DictConfig
      (every node points to its parent); loads only with weights_only=False.
  lightning_parent_pointers: the same shape with plain classes (Scripts/realworld_classes.py).
  numpy_values: np.float64 / np.int64 / ... scalars, arrays (C and Fortran order, big-endian), a
      numpy.dtype; loads only with weights_only=False (numpy is not on torch's allowlist).
  numpy_values_numpy1: numpy values under numpy 1.x's module path `numpy.core.multiarray`.
  tied_gpt2: a GPT-2-style state dict whose lm_head.weight and transformer.wte.weight are one tensor;
      NAME.save_model.safetensors is what safetensors.torch.save_model writes for that model.

For every case the expected inventory records `torch_resave`: what `torch.save(torch.load(f))` writes
(to a file of the same base name): "identical" when it is byte-identical to the case's file, else the
name of the committed copy of that re-save (NAME.resaved.pt); and `convert_equals`, the file whose bytes
`repro convert NAME.pt OUT/NAME.pt` must write: torch's re-save for weights-only files, the file itself
for files of arbitrary objects (their torch re-save depends on Python runtime identities, see write_case).
Deterministic: seeds everything; legacy storage keys are rewritten by make_interop_corpus.fix_legacy_keys.
"""
from __future__ import annotations

import argparse
import collections
import os
import pickle
import shutil
import sys
import tempfile
import types
import warnings

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import inventory as inv  # noqa: E402
import realworld_classes as rc  # noqa: E402
from make_interop_corpus import fix_legacy_keys  # noqa: E402

assert torch.__version__.split("+")[0] == "2.13.0", f"needs torch 2.13.0, found {torch.__version__}"
torch.set_num_threads(1)
warnings.filterwarnings("ignore")

ROOT = os.path.dirname(HERE)
DEFAULT_OUT = os.path.join(ROOT, "Golden", "pytorch", "realworld")
CASES = []


def case(name):
    def deco(fn):
        CASES.append((name, fn))
        return fn
    return deco


class Py2OrderedDictPickler(pickle.Pickler):
    """Pickles OrderedDict as Python 2.7's OrderedDict.__reduce__ did: `(OrderedDict, ([[k, v], ...],),
    vars(od))`, pairs as lists, instance attributes (a state dict's `_metadata`) as BUILD state."""

    def reducer_override(self, obj):
        if type(obj) is collections.OrderedDict:
            items = [[k, v] for k, v in obj.items()]
            state = vars(obj).copy()
            return (collections.OrderedDict, (items,), state) if state else (collections.OrderedDict, (items,))
        return NotImplemented


def py2_pickle_module():
    mod = types.ModuleType("py2_pickle")
    mod.Pickler = Py2OrderedDictPickler
    mod.Unpickler = pickle.Unpickler
    mod.dump = pickle.dump
    mod.load = pickle.load
    return mod


def small_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1))


@case("py2_ordereddict_zip")
def _(d):
    sd = small_model().state_dict()
    p = f"{d}/py2_ordereddict_zip.pt"
    torch.save(sd, p, pickle_module=py2_pickle_module(), pickle_protocol=2)
    back = torch.load(p, weights_only=True)
    assert list(back) == list(sd) and all(torch.equal(back[k], sd[k]) for k in sd)
    assert back._metadata == sd._metadata
    return p, "state dict of Sequential(Linear(3,2), ReLU(), Linear(2,1)), OrderedDict pickled with list pairs (Python 2.7 layout), zip"


@case("py2_ordereddict_legacy")
def _(d):
    sd = small_model().state_dict()
    p = f"{d}/py2_ordereddict_legacy.pt"
    torch.save(sd, p, pickle_module=py2_pickle_module(), pickle_protocol=2, _use_new_zipfile_serialization=False)
    fix_legacy_keys(p)
    back = torch.load(p, weights_only=True)
    assert list(back) == list(sd) and all(torch.equal(back[k], sd[k]) for k in sd)
    return p, "the same state dict, OrderedDict pickled with list pairs, legacy (pre-1.6) format; storage keys made reproducible"


@case("cycle_self_dict")
def _(d):
    torch.manual_seed(1)
    obj = {"w": torch.randn(3), "step": 5}
    obj["self"] = obj
    p = f"{d}/cycle_self_dict.pt"
    torch.save(obj, p)
    back = torch.load(p, weights_only=True)
    assert back["self"] is back
    return p, "d = {'w': randn(3), 'step': 5}; d['self'] = d (a dict containing itself); weights_only loads it"


@case("cycle_list")
def _(d):
    torch.manual_seed(2)
    inner = [torch.randn(2, 2), "x"]
    inner.append(inner)
    obj = {"items": inner, "tuple": (1, inner)}
    p = f"{d}/cycle_list.pt"
    torch.save(obj, p)
    back = torch.load(p, weights_only=True)
    assert back["items"][2] is back["items"] and back["tuple"][1] is back["items"]
    return p, "l = [randn(2,2), 'x']; l.append(l); {'items': l, 'tuple': (1, l)} (a list containing itself, also reached through a tuple)"


def lightning_checkpoint(hparams):
    model = small_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    torch.manual_seed(3)
    model(torch.randn(4, 3)).sum().backward()
    opt.step()
    return {
        "epoch": 2,
        "global_step": 120,
        "pytorch-lightning_version": "2.4.0",
        "state_dict": model.state_dict(),
        "optimizer_states": [opt.state_dict()],
        "lr_schedulers": [],
        "hparams_name": "kwargs",
        "hyper_parameters": hparams,
    }


@case("lightning_omegaconf")
def _(d):
    from omegaconf import OmegaConf
    hp = OmegaConf.create({"lr": 0.1, "model": {"hidden": 2, "act": "relu"}, "layers": [3, 2, 1]})
    ck = lightning_checkpoint(hp)
    p = f"{d}/lightning_omegaconf.pt"
    torch.save(ck, p)
    back = torch.load(p, weights_only=False)
    node = back["hyper_parameters"]._get_node("model")
    assert node._get_parent() is back["hyper_parameters"]
    return p, "Lightning-style checkpoint (state_dict, optimizer_states, ...) whose hyper_parameters are an omegaconf 2.4 DictConfig: every node points to its parent"


@case("lightning_parent_pointers")
def _(d):
    root = rc.ConfigNode("root")
    model = root.add("model")
    model.add("hidden", 2)
    model.add("act", "relu")
    root.add("lr", 0.1)
    ck = lightning_checkpoint(rc.HParams("kwargs", root))
    p = f"{d}/lightning_parent_pointers.pt"
    torch.save(ck, p)
    back = torch.load(p, weights_only=False)
    assert back["hyper_parameters"].root.children["model"].parent is back["hyper_parameters"].root
    return p, "the same checkpoint with plain classes (realworld_classes.ConfigNode): child.parent -> parent, parent.children -> child"


@case("numpy_values")
def _(d):
    torch.manual_seed(4)
    a = np.arange(6, dtype=np.float32).reshape(2, 3) / 7
    obj = {
        "best_score": np.float64(0.875),
        "epoch": np.int64(7),
        "lr": np.float32(0.1),
        "half": np.float16(-2.5),
        "converged": np.bool_(True),
        "tiny": np.int8(-3),
        "big": np.uint64(2**63 + 5),
        "z": np.complex128(1.5 - 2j),
        "nan": np.float64("nan"),
        "dtype": np.dtype("float64"),
        "stats": {
            "mean": a,
            "fortran": np.asfortranarray(np.arange(24, dtype=np.int64).reshape(2, 3, 4)),
            "big_endian": np.array([1.5, -2.25, 3.0], dtype=">f8"),
            "flags": np.array([True, False, True]),
            "bytes": np.array([7], dtype=np.uint8),
            "empty": np.zeros((0, 3), dtype=np.float32),
            "scalar_array": np.array(3.5),
        },
        "weight": torch.randn(2, 2),
    }
    p = f"{d}/numpy_values.pt"
    torch.save(obj, p)
    back = torch.load(p, weights_only=False)
    assert np.array_equal(back["stats"]["fortran"], obj["stats"]["fortran"]) and back["stats"]["fortran"].flags.f_contiguous
    return p, "numpy 2 scalars (float64, int64, float32, float16, bool, int8, uint64, complex128, nan), a numpy.dtype and arrays (C, Fortran, big-endian, bool, uint8, empty, 0-d) next to a tensor"


class Numpy1PathPickler(pickle.Pickler):
    """Writes what numpy 1.x wrote: `numpy.core.multiarray` where numpy 2 writes
    `numpy._core.multiarray` (the pickle is made in a buffer, its GLOBAL module names rewritten, then
    handed to torch.save's writer, so the zip and its serialization id are torch's own)."""

    def __init__(self, file, protocol=None, **kw):
        import io
        self._target = file
        self._buffer = io.BytesIO()
        super().__init__(self._buffer, protocol, **kw)

    def dump(self, obj):
        super().dump(obj)
        pk = self._buffer.getvalue()
        assert pk.count(b"cnumpy._core.multiarray\n") >= 2
        self._target.write(pk.replace(b"cnumpy._core.multiarray\n", b"cnumpy.core.multiarray\n"))


@case("numpy_values_numpy1")
def _(d):
    torch.manual_seed(6)
    obj = {"best_score": np.float64(0.5), "epoch": np.int64(3),
           "mean": np.arange(4, dtype=np.float32).reshape(2, 2), "weight": torch.randn(2)}
    mod = types.ModuleType("numpy1_pickle")
    mod.Pickler = Numpy1PathPickler
    mod.Unpickler = pickle.Unpickler
    p = f"{d}/numpy_values_numpy1.pt"
    torch.save(obj, p, pickle_module=mod)
    back = torch.load(p, weights_only=False)
    assert np.array_equal(back["mean"], obj["mean"]) and back["best_score"] == 0.5
    return p, ("numpy 1.x module paths: numpy scalars and an array pickled as numpy.core.multiarray.scalar / "
               "_reconstruct (torch.save with a Pickler that rewrites numpy 2's numpy._core.multiarray GLOBALs)")


class TiedGPT2(nn.Module):
    def __init__(self):
        super().__init__()
        self.transformer = nn.Module()
        self.transformer.wte = nn.Embedding(8, 4)
        self.transformer.ln_f = nn.LayerNorm(4)
        self.lm_head = nn.Linear(4, 8, bias=False)
        self.lm_head.weight = self.transformer.wte.weight


@case("tied_gpt2")
def _(d):
    from safetensors.torch import save_file, save_model
    torch.manual_seed(5)
    model = TiedGPT2()
    p = f"{d}/tied_gpt2.pt"
    torch.save(model.state_dict(), p)
    st = f"{d}/tied_gpt2.save_model.safetensors"
    save_model(model, st)
    try:
        save_file(model.state_dict(), f"{d}/probe.safetensors")
        raise AssertionError("save_file accepted shared tensors")
    except RuntimeError as e:
        refusal = str(e).strip().splitlines()[0]
    os.remove(f"{d}/probe.safetensors") if os.path.exists(f"{d}/probe.safetensors") else None
    from safetensors import safe_open
    with safe_open(st, "pt") as f:
        meta = f.metadata()
        keys = list(f.keys())
    assert meta == {"transformer.wte.weight": "lm_head.weight"}, meta
    assert "transformer.wte.weight" not in keys
    return p, ("GPT-2-style tied weights: lm_head.weight is transformer.wte.weight. save_file refuses it ("
               + refusal[:80] + "...); tied_gpt2.save_model.safetensors is safetensors.torch.save_model's file: it keeps "
               "lm_head.weight (the first complete name in sorted order), drops transformer.wte.weight and records "
               "{dropped: kept} in __metadata__"), {"save_model_file": "tied_gpt2.save_model.safetensors",
                                                    "save_model_metadata": meta}


def torch_resave(path: str, weights_only: bool, tmp: str) -> bytes:
    """What torch.save(torch.load(path)) writes to a file with the same base name."""
    os.makedirs(tmp, exist_ok=True)
    out = os.path.join(tmp, os.path.basename(path))
    torch.save(torch.load(path, weights_only=weights_only, map_location="cpu"), out)
    return open(out, "rb").read()


def write_case(out_dir, name, fn):
    res = fn(out_dir)
    path, note = res[0], res[1]
    extra = res[2] if len(res) > 2 else {}
    wo = inv.weights_only_verdict(path)["weights_only_ok"]
    invd = inv.inventory(path, map_location="cpu", weights_only=wo, note=note, extra=extra)
    with tempfile.TemporaryDirectory() as t:
        resaved = torch_resave(path, wo, os.path.join(t, "resave"))
    if resaved == open(path, "rb").read():
        invd["torch_resave"] = "identical"
        invd["convert_equals"] = name + ".pt"
    else:
        copy = os.path.join(out_dir, name + ".resaved.pt")
        open(copy, "wb").write(resaved)
        invd["torch_resave"] = name + ".resaved.pt"
        # Weights-only files: torch's re-save is a function of the file (the Python 2 pairs become
        # torch.save's own OrderedDict layout). Files of arbitrary objects: the re-save also depends
        # on the Python runtime (numpy recreates dtype objects, CPython interns attribute names in
        # BUILD, so strings the file shared come back as separate objects); Repro writes the file's
        # own structure back, byte for byte.
        invd["convert_equals"] = name + (".resaved.pt" if wo else ".pt")
    with open(os.path.join(out_dir, name + ".expected.json"), "w") as f:
        f.write(inv.dumps(invd))
    return invd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name, fn in CASES:
        if args.only and name not in args.only:
            continue
        invd = write_case(args.out, name, fn)
        print(f"{name:28s} {invd['format']:7s} weights_only_ok={invd['weights_only_ok']!s:5s} "
              f"entries={len(invd['entries'])} torch_resave={invd['torch_resave']}")


if __name__ == "__main__":
    main()
