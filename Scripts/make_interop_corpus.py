#!/usr/bin/env python3
"""Make Repro's own PyTorch-written interop corpus: Golden/pytorch/interop/NAME.{pt,pth,safetensors}
plus NAME.expected.json (the inventory contract of Scripts/inventory.py, same as shared/interop).

    make venv && .venv/bin/python Scripts/make_interop_corpus.py [--out DIR] [--only NAME ...]

Deterministic: every case seeds torch itself, torch.save output is byte-reproducible (the legacy
format's address-derived storage keys are rewritten to fixed ones), and re-running rewrites the same
bytes. Requires torch 2.13.0 (asserted). Every file is checked after writing: loaded back with
torch.load and compared with the object that was saved (bytes, dtype, shape, stride, offset,
location), and the special cases check what their note says (big-endian, deflated, cuda tags...).
"""
from __future__ import annotations

import argparse
import collections
import io
import json
import math
import os
import pickle
import pickletools
import struct
import sys
import tempfile
import types
import warnings
import zipfile

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import inventory as inv  # noqa: E402
import torchzip  # noqa: E402

assert torch.__version__.split("+")[0] == "2.13.0", f"needs torch 2.13.0, found {torch.__version__}"
torch.set_num_threads(1)
warnings.filterwarnings("ignore")

ROOT = os.path.dirname(HERE)
DEFAULT_OUT = os.path.join(ROOT, "Golden", "pytorch", "interop")

CASES = []  # (name, function)


def case(name):
    def deco(fn):
        CASES.append((name, fn))
        return fn
    return deco


# ---------------------------------------------------------------------------------------------------
# models


def seq_mlp() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))


def mlp4() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))


def train(model, opt, steps, *, seed=1, n_in=4, scaler=None):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(16, n_in, generator=g)
    y = torch.randn(16, 1, generator=g)
    loss = None
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        if scaler is None:
            loss.backward()
            opt.step()
        else:
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
    return loss


class SimpleModel(nn.Module):
    """The PyTorch saving-and-loading guide's model."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 1)

    def forward(self, x):
        return self.fc(x)


from torch_models import torchvision_resnet18 as ResNet18  # noqa: E402  (the shared transcription)


# ---------------------------------------------------------------------------------------------------
# helpers


def save(obj, path, **kw):
    torch.save(obj, path, **kw)
    return path


def entries_of(obj, device="cpu"):
    out = []
    inv.walk(obj, "", lambda t: device, out)
    return out


def same_entries(a, b) -> bool:
    return json.dumps(a, allow_nan=True) == json.dumps(b, allow_nan=True)


def check_roundtrip(obj, path, *, device="cpu", map_location="cpu", weights_only=True):
    """The file's inventory equals the inventory of the object that was saved."""
    got = inv.inventory(path, map_location=map_location, weights_only=weights_only)["entries"]
    want = entries_of(obj, device)
    if not same_entries(got, want):
        for x, y in zip(got, want):
            if x != y:
                raise AssertionError(f"{path}: {x} != {y}")
        raise AssertionError(f"{path}: {len(got)} entries vs {len(want)}")


def first_line(e: BaseException) -> str:
    return f"{type(e).__name__}: {str(e).strip().splitlines()[0]}"


def pickle_ops(data_pkl: bytes):
    return [(op.name, arg) for op, arg, _ in pickletools.genops(data_pkl)]


def zip_record(path, record):
    lay = torchzip.parse(open(path, "rb").read())
    return lay.entry(record).data()


def swapped(t: torch.Tensor) -> torch.Tensor:
    """A tensor whose native (little-endian) bytes are the big-endian bytes of `t`'s values."""
    c = t.contiguous()
    size = c.element_size() // (2 if c.dtype.is_complex else 1)
    if c.numel() == 0 or size == 1:
        return c.clone()
    b = c.reshape(-1).view(torch.uint8).reshape(-1, size).flip(-1).reshape(-1)
    return b.view(c.dtype).reshape(c.shape)


class _FakeSys(types.ModuleType):
    """Stands in for `sys` inside torch.serialization while saving, to write byteorder 'big'."""

    def __init__(self):
        super().__init__("sys")
        self.__dict__.update(sys.__dict__)
        self.byteorder = "big"


class _ScanUnpickler(pickle.Unpickler):
    """Runs a legacy main pickle without torch: records the persistent ids in the order they appear."""

    def __init__(self, f):
        super().__init__(f)
        self.pids = []

    def find_class(self, module, name):
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch" and name.endswith("Storage"):
            return name
        if module == "torch.storage" and name == "UntypedStorage":
            return name
        return lambda *a, **k: None

    def persistent_load(self, pid):
        self.pids.append(pid)
        return None


def fix_legacy_keys(path):
    """Make a legacy file reproducible. Its storage keys are C++ addresses (`str(storage._cdata)`), and
    the storages are written in the sorted order of those keys, so both change from run to run. The
    keys become '10000000000000', '10000000000001'... in order of first reference in the pickle, and
    the key list and the storage data are rewritten in that (sorted) order."""
    data = open(path, "rb").read()
    pos = 0
    parts = []
    for _ in range(5):  # magic, protocol, sys_info, object, key list
        ops = list(pickletools.genops(data[pos:]))
        end = pos + ops[-1][2] + 1
        parts.append((pos, end, ops))
        pos = end
    old_sorted = pickle.loads(data[parts[4][0]:parts[4][1]])
    assert old_sorted == sorted(old_sorted)
    scan = _ScanUnpickler(io.BytesIO(data[parts[3][0]:parts[3][1]]))
    scan.load()
    order, elsize = [], {}
    for pid in scan.pids:
        if pid[0] == "storage" and pid[2] not in elsize:
            order.append(pid[2])
            elsize[pid[2]] = 1 if pid[1] == "UntypedStorage" else torch._utils._element_size(
                torch.storage._get_dtype_from_pickle_storage_type(pid[1]))
    assert sorted(order) == old_sorted
    new = {k: str(10**13 + i) for i, k in enumerate(order)}
    blocks = {}
    for k in old_sorted:
        (numel,) = struct.unpack_from("<q", data, pos)
        n = 8 + numel * elsize[k]
        blocks[k] = data[pos:pos + n]
        pos += n
    assert pos == len(data)

    def rewrite(start, end, ops):
        out = bytearray()
        for i, (op, arg, p) in enumerate(ops):
            q = ops[i + 1][2] if i + 1 < len(ops) else end - start
            raw = data[start + p:start + q]
            if op.name == "BINUNICODE" and arg in new:
                s = new[arg].encode()
                raw = b"X" + struct.pack("<I", len(s)) + s
            out += raw
        return bytes(out)

    key_list = pickle.dumps([new[k] for k in order], protocol=2)
    out = data[:parts[3][0]] + rewrite(*parts[3]) + key_list + b"".join(blocks[k] for k in order)
    open(path, "wb").write(out)


def cuda_tagging(fresh: bool, only=None):
    """Context: torch.save tags storages 'cuda:0' (all, or those whose data_ptr is in `only`).

    `fresh=False` returns one string object (pickled once, then BINGET, like the 2.15 corpus file);
    `fresh=True` a new string per storage (BINUNICODE every time, like real CUDA saves)."""
    tag = "cuda:0"

    def tagger(storage):
        if only is not None and storage.data_ptr() not in only:
            return None
        return "".join(["cuda", ":0"]) if fresh else tag

    class Ctx:
        def __enter__(self):
            self.elem = (-1000, tagger, lambda s, loc: None)
            torch.serialization._package_registry.append(self.elem)
            torch.serialization._package_registry.sort(key=lambda e: e[0])

        def __exit__(self, *a):
            torch.serialization._package_registry.remove(self.elem)

    return Ctx()


CUDA_ERROR = "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False"


def check_cuda_refused(path):
    try:
        torch.load(path, weights_only=True)
    except RuntimeError as e:
        assert CUDA_ERROR in str(e), e
        return first_line(e)
    raise AssertionError(f"{path}: loaded without map_location on a CPU-only torch")


# ---------------------------------------------------------------------------------------------------
# cases: each returns (file name, note, extra top-level keys, load options)


@case("seq_mlp_fp32")
def _(d):
    sd = seq_mlp().state_dict()
    p = save(sd, f"{d}/seq_mlp_fp32.pt")
    check_roundtrip(sd, p)
    return p, "manual_seed(0); Sequential(Linear(2,2),ReLU,Linear(2,1)).state_dict()", {}


for _name, _conv, _desc in [("seq_mlp_fp16", "half", ".half()"), ("seq_mlp_bf16", "bfloat16", ".bfloat16()"),
                            ("seq_mlp_fp64", "double", ".double()")]:
    def _make(d, _name=_name, _conv=_conv, _desc=_desc):
        sd = getattr(seq_mlp(), _conv)().state_dict()
        p = save(sd, f"{d}/{_name}.pt")
        check_roundtrip(sd, p)
        return p, f"same model as seq_mlp_fp32 after {_desc}, state_dict()", {}
    case(_name)(_make)


@case("simple_sgd_checkpoint")
def _(d):
    torch.manual_seed(0)
    model = SimpleModel()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss = train(model, opt, 3, n_in=10)
    ck = {"epoch": 3, "model_state_dict": model.state_dict(), "optimizer_state_dict": opt.state_dict(),
          "loss": loss.item()}
    p = save(ck, f"{d}/simple_sgd_checkpoint.pt")
    check_roundtrip(ck, p)
    return p, ("manual_seed(0); SimpleModel (fc = Linear(10,1)), SGD(lr=0.01, momentum=0.9), 3 steps of MSE on "
               "Generator(seed 1) data; the guide's layout {epoch, model_state_dict, optimizer_state_dict, "
               "loss (float)}"), {}


@case("sgd_nesterov_checkpoint")
def _(d):
    torch.manual_seed(0)
    model = SimpleModel()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-4)
    loss = train(model, opt, 4, n_in=10)
    ck = {"epoch": 4, "model_state_dict": model.state_dict(), "optimizer_state_dict": opt.state_dict(),
          "loss": loss.detach().clone()}  # clone: mse_loss's 0-d result sits in a 64-byte
    p = save(ck, f"{d}/sgd_nesterov_checkpoint.pth")     # storage whose other 60 bytes are uninitialized
    check_roundtrip(ck, p)
    return p, ("manual_seed(0); SimpleModel, SGD(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-4), 4 steps; "
               "tutorial layout with loss as a 0-d tensor (cloned: the 0-d result of mse_loss has a 64-byte storage whose 60 unused bytes are uninitialized and torch.save writes them); saved with a .pth name"), {}


@case("mlp_adam_checkpoint")
def _(d):
    model = mlp4()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    train(model, opt, 2)
    ck = {"model": model.state_dict(), "optimizer": opt.state_dict()}
    p = save(ck, f"{d}/mlp_adam_checkpoint.pt")
    check_roundtrip(ck, p)
    return p, ("manual_seed(0); Sequential(Linear(4,8),ReLU,Linear(8,1)), Adam(lr=1e-3) after 2 steps: state has "
               "0-d float32 step tensors, exp_avg, exp_avg_sq; {model, optimizer}"), {}


@case("adamw_checkpoint")
def _(d):
    model = mlp4()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2, amsgrad=True)
    loss = train(model, opt, 3)
    ck = {"epoch": 3, "model_state_dict": model.state_dict(), "optimizer_state_dict": opt.state_dict(),
          "loss": loss.item()}
    p = save(ck, f"{d}/adamw_checkpoint.pt")
    check_roundtrip(ck, p)
    return p, ("manual_seed(0); Sequential(Linear(4,8),ReLU,Linear(8,1)), AdamW(lr=1e-2, amsgrad=True) after 3 steps "
               "(state adds max_exp_avg_sq; weight_decay 0.01, decoupled_weight_decay True); tutorial layout"), {}


@case("grad_scaler")
def _(d):
    model = mlp4()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    scaler = torch.amp.GradScaler("cpu", init_scale=1024.0, growth_interval=2)
    assert scaler.is_enabled()
    train(model, opt, 3, scaler=scaler)
    obj = {"scaler": scaler.state_dict(),
           "scaler_fresh": torch.amp.GradScaler("cpu", init_scale=1024).state_dict()}
    p = save(obj, f"{d}/grad_scaler.pt")
    check_roundtrip(obj, p)
    return p, ("torch.amp.GradScaler('cpu', init_scale=1024.0, growth_interval=2) after 3 scaled SGD steps "
               "(scale is a float after update(); growth doubled it once); scaler_fresh: GradScaler('cpu', "
               "init_scale=1024) never stepped, whose scale stays the int 1024 that was passed"), {}


@case("dataparallel_prefix")
def _(d):
    sd = nn.DataParallel(seq_mlp()).state_dict()
    assert all(k.startswith("module.") for k in sd)
    p = save(sd, f"{d}/dataparallel_prefix.pt")
    check_roundtrip(sd, p)
    return p, "nn.DataParallel(seq_mlp).state_dict() on CPU: every key starts with 'module.'", {}


@case("seq_mlp_cuda_tagged")
def _(d):
    sd = seq_mlp().state_dict()
    with cuda_tagging(fresh=False):
        p = save(sd, f"{d}/seq_mlp_cuda_tagged.pt")
    err = check_cuda_refused(p)
    check_roundtrip(sd, p, device="cuda:0")
    ops = pickle_ops(zip_record(p, "data.pkl"))
    assert sum(1 for o, a in ops if o == "BINUNICODE" and a == "cuda:0") == 1
    return p, ("seq_mlp_fp32 state_dict tagged as saved from cuda:0, written by torch.save on a CPU-only torch 2.13 "
               "with a tagger registered (torch.serialization._package_registry, highest priority) that returns "
               "one 'cuda:0' string object for every storage, so the pickle has BINUNICODE 'cuda:0' once and "
               "BINGET after (like the 2.15 corpus file). torch.load(map_location='cpu') gives the seq_mlp_fp32 "
               f"values; torch.load without map_location raises {err}"), {"load_without_map_location": err}


@case("cuda_tagged_fresh_mixed")
def _(d):
    model = mlp4()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    train(model, opt, 2)
    ck = {"model_state_dict": model.state_dict(), "optimizer_state_dict": opt.state_dict()}
    cuda_ptrs = {t.untyped_storage().data_ptr() for t in ck["model_state_dict"].values()}
    for st in ck["optimizer_state_dict"]["state"].values():
        cuda_ptrs |= {st["exp_avg"].untyped_storage().data_ptr(), st["exp_avg_sq"].untyped_storage().data_ptr()}
    with cuda_tagging(fresh=True, only=cuda_ptrs):
        p = save(ck, f"{d}/cuda_tagged_fresh_mixed.pt")
    err = check_cuda_refused(p)
    got = inv.inventory(p, map_location="cpu")["entries"]
    want = entries_of(ck)
    for e in want:
        if e["kind"] == "tensor" and not e["path"].endswith("/step"):
            e["device"] = "cuda:0"
    assert same_entries(got, want)
    ops = pickle_ops(zip_record(p, "data.pkl"))
    n_cuda = sum(1 for o, a in ops if o == "BINUNICODE" and a == "cuda:0")
    assert n_cuda == 12, n_cuda
    return p, ("Adam checkpoint as a GPU run saves it: model tensors, exp_avg and exp_avg_sq tagged 'cuda:0', the "
               "0-d step tensors 'cpu' (Adam keeps step on the CPU). Made on a CPU-only torch 2.13 by registering "
               "a tagger that returns a new 'cuda:0' string per storage, so BINUNICODE 'cuda:0' is written 12 times "
               "(what real CUDA saves do, see shared/interop/pytorch-2.11-cuda) while 'cpu' is memoized. "
               f"Without map_location: {err}"), {"load_without_map_location": err}


@case("seq_mlp_legacy")
def _(d):
    sd = seq_mlp().state_dict()
    p = save(sd, f"{d}/seq_mlp_legacy.pt", _use_new_zipfile_serialization=False)
    fix_legacy_keys(p)
    check_roundtrip(sd, p)
    return p, ("_use_new_zipfile_serialization=False of seq_mlp_fp32; the storage keys (C++ addresses) were "
               "rewritten to '10000000000000'... in the same sorted order so that the file is reproducible"), {}


@case("legacy_mixed")
def _(d):
    torch.manual_seed(3)
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    obj = {"base": base, "rows": base[1:3], "t": base.t(), "i64": torch.arange(5), "f16": torch.randn(3).half(),
           "bf16": torch.randn(2, 2).bfloat16(), "c64": torch.randn(2, dtype=torch.complex64),
           "bool": torch.tensor([True, False, True]), "u8": torch.arange(4, dtype=torch.uint8),
           "epoch": 7, "name": "legacy"}
    p = save(obj, f"{d}/legacy_mixed.pt", _use_new_zipfile_serialization=False)
    fix_legacy_keys(p)
    check_roundtrip(obj, p)
    return p, "legacy format: views of one storage, several dtypes and plain values (keys rewritten as in seq_mlp_legacy)", {}


@case("views_shared")
def _(d):
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    obj = {"base": base, "rows": base[1:3], "cols": base[:, ::2], "t": base.t(), "scalar": base[2, 3],
           "flat": base.view(-1)[5:17], "expanded": base[0:1, :].expand(3, 6)}
    p = save(obj, f"{d}/views_shared.pt")
    check_roundtrip(obj, p)
    assert [n for n, _ in torchzip.parse(open(p, "rb").read()).records()].count("data/0") == 1
    assert "data/1" not in [n for n, _ in torchzip.parse(open(p, "rb").read()).records()]
    return p, "seven views of one 24-float storage (one data/0 record): slice, strided, transposed, 0-d, flat, expanded (stride 0)", {}


@case("containers")
def _(d):
    obj = {"int": 3, "big_int": 2**40 + 1, "huge_int": 2**64 + 5, "min_i64": -2**63, "neg": -7, "float": 0.1,
           "nan": float("nan"), "inf": float("inf"), "ninf": float("-inf"), "neg_zero": -0.0,
           "str": "h\u00e9llo w\u00f6rld \u20ac \U0001F600", "empty_str": "", "none": None, "true": True,
           "false": False, "list": [1, 2.5, "x"], "tuple": (1, (2, 3)), "empty": {}, "empty_list": [],
           "nested": {"a": {"b": torch.ones(2)}, "c": [torch.zeros(1, dtype=torch.int64), {"d": 2}]},
           "odict": collections.OrderedDict([("z", 1), ("a", 2)]), "int_keys": {0: "zero", 10: "ten"}}
    p = save(obj, f"{d}/containers.pt")
    check_roundtrip(obj, p)
    return p, ("plain Python values around tensors: ints up to 2**64+5 and -2**63, NaN/inf/-0.0 floats, unicode "
               "(incl. an astral code point), None/bools, nested dict/list/tuple, OrderedDict, int dict keys, "
               "empty containers (no entries)"), {}


@case("huge_int_long4")
def _(d):
    obj = {"small": 1, "huge": 2**2100 + 1}
    p = save(obj, f"{d}/huge_int_long4.pt")
    check_roundtrip(obj, p, weights_only=False)
    assert "LONG4" in [o for o, _ in pickle_ops(zip_record(p, "data.pkl"))]
    return p, ("an int >= 2**2039 is pickled with LONG4, which torch.load(weights_only=True) refuses "
               "('Unsupported operand 139'); entries from weights_only=False"), {}


ALL_DTYPES = [torch.float64, torch.float32, torch.float16, torch.bfloat16, torch.complex64, torch.complex128,
              torch.int8, torch.uint8, torch.int16, torch.int32, torch.int64, torch.bool]


def dtype_tensors(seed=0):
    torch.manual_seed(seed)
    r = torch.randn(3, 4, dtype=torch.float64)
    out = {}
    for dt in ALL_DTYPES:
        name = inv._dtype_name(dt)
        if dt.is_floating_point:
            out[name] = r.to(dt)
        elif dt.is_complex:
            out[name] = torch.complex(r, -r).to(dt)
        elif dt == torch.bool:
            out[name] = r > 0
        elif dt == torch.uint8:
            out[name] = (r * 100).abs().to(dt)
        else:
            out[name] = (r * 1000).to(dt)
    return out


@case("all_dtypes")
def _(d):
    obj = dtype_tensors()
    p = save(obj, f"{d}/all_dtypes.pt")
    check_roundtrip(obj, p)
    return p, ("one 3x4 tensor per Repro dtype (12): float64 randn(seed 0) cast to each floating type; complex = "
               "complex(r, -r); ints = (r*1000) truncated (uint8: |r*100|); bool = r > 0"), {}


def edge_tensors():
    f32 = torch.tensor([0.0, -0.0, float("inf"), float("nan"), 1e-45, -1.1754942e-38, 3.4028235e38, -1.0])
    return {
        "zero_dim": torch.tensor(3.5),
        "zero_dim_i64": torch.tensor(-9, dtype=torch.int64),
        "empty": torch.empty(0, 3),
        "empty_1d_i32": torch.empty(0, dtype=torch.int32),
        "specials16": torch.tensor([0.0, -0.0, float("inf"), float("-inf"), float("nan"), 6e-8, 65504.0],
                                   dtype=torch.float16),
        "specials_bf16": torch.tensor([float("nan"), float("-inf"), 9.2e-41, -3.3895e38, 1.0], dtype=torch.bfloat16),
        "specials32": f32,
        "specials64": torch.tensor([float("nan"), float("-inf"), 5e-324, -2.2250738585072014e-308,
                                    1.7976931348623157e308], dtype=torch.float64),
        "noncontig": torch.arange(12, dtype=torch.float32).reshape(3, 4).t(),
        "strided_offset": torch.arange(30, dtype=torch.int64)[7:].reshape(-1)[::3],
        "expanded": torch.tensor([1.0, 2.0]).unsqueeze(0).expand(3, 2),
    }


@case("edge_values")
def _(d):
    obj = edge_tensors()
    p = save(obj, f"{d}/edge_values.pt")
    check_roundtrip(obj, p)
    return p, ("0-d, empty, inf/NaN/-0.0/subnormal/extreme values in float16, bfloat16, float32, float64; transposed, "
               "strided view with storage offset 7, expanded (stride 0)"), {}


@case("parameters")
def _(d):
    torch.manual_seed(5)
    obj = {"param": nn.Parameter(torch.randn(2, 3)), "frozen": nn.Parameter(torch.randn(2), requires_grad=False),
           "grad_tensor": (torch.randn(3, requires_grad=True) * 2)}
    p = save(obj, f"{d}/parameters.pt")
    got = inv.inventory(p, map_location="cpu")["entries"]
    assert got[2]["requires_grad"] is True
    assert same_entries(got, entries_of(obj)), got
    return p, ("nn.Parameter (requires_grad True), nn.Parameter(requires_grad=False), and a non-leaf tensor with "
               "requires_grad=True (saved by _rebuild_tensor_v2 with the flag; loads as a leaf)"), {}


@case("folder_archive")
def _(d):
    sd = seq_mlp().state_dict()
    b = io.BytesIO()
    torch.save(sd, b)
    p = f"{d}/folder_archive.pt"
    open(p, "wb").write(b.getvalue())
    assert torchzip.parse(b.getvalue()).folder() == "archive"
    check_roundtrip(sd, p)
    return p, "seq_mlp_fp32 saved to an io.BytesIO: the archive folder is 'archive', not the file name", {"folder": "archive"}


@case("folder_renamed")
def _(d):
    sd = seq_mlp().state_dict()
    with tempfile.TemporaryDirectory() as t:
        q = save(sd, f"{t}/my.model-v2.checkpoint")
        data = open(q, "rb").read()
    p = f"{d}/folder_renamed.pt"
    open(p, "wb").write(data)
    assert torchzip.parse(data).folder() == "my.model-v2"
    check_roundtrip(sd, p)
    return p, ("seq_mlp_fp32 saved as 'my.model-v2.checkpoint' and renamed: the folder is 'my.model-v2' (basename "
               "without its last extension), unrelated to this file's name"), {"folder": "my.model-v2"}


@case("big_endian")
def _(d):
    obj = dtype_tensors(seed=2)
    obj["views_base"] = torch.arange(12, dtype=torch.float32)
    obj["views_row"] = obj["views_base"][4:8]
    sw = {k: swapped(v) for k, v in obj.items() if k != "views_row"}
    sw["views_row"] = sw["views_base"][4:8]
    ser = torch.serialization
    real_sys = ser.sys
    ser.sys = _FakeSys()
    try:
        p = save(sw, f"{d}/big_endian.pt")
    finally:
        ser.sys = real_sys
    assert zip_record(p, "byteorder") == b"big"
    with tempfile.TemporaryDirectory() as t:
        q = save(obj, f"{t}/big_endian.pt")
        little = torchzip.parse(open(q, "rb").read())
    big = torchzip.parse(open(p, "rb").read())
    n_swapped = 0
    for (n1, b1), (n2, b2) in zip(little.records(), big.records()):
        assert n1 == n2
        if n1.startswith("data/") and b1 != b2:
            n_swapped += 1
    check_roundtrip(obj, p)  # torch swaps on load: same values as the little-endian original
    return p, ("all 12 dtypes (seed 2) + a view, written by torch.save with byteorder 'big': torch.serialization's "
               "sys was replaced by a copy whose byteorder is 'big' and each tensor was saved byte-swapped per "
               "element (complex per component), so every data/N record holds big-endian values; "
               f"{n_swapped} records differ from the little-endian save. Verified: torch.load on this "
               "little-endian host swaps them back to exactly the original values (this inventory)."), {}


@case("deflated")
def _(d):
    sd = dtype_tensors(seed=4)
    with tempfile.TemporaryDirectory() as t:
        q = save(sd, f"{t}/deflated.pt")
        src = zipfile.ZipFile(q)
        p = f"{d}/deflated.pt"
        with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as z:
            for info in src.infolist():
                zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
                zi.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(zi, src.read(info.filename))
    lay = torchzip.parse(open(p, "rb").read())
    assert all(e.method == 8 for e in lay.entries)
    check_roundtrip(sd, p)
    mm = torch.load(p, mmap=True, weights_only=True)
    wrong = [k for k in sd if inv.tensor_bytes(mm[k]) != inv.tensor_bytes(sd[k])]
    return p, ("the all-dtypes dict (seed 4) re-zipped by Python's zipfile with every record ZIP_DEFLATED (method 8, "
               "unaligned, no data descriptors). torch.load reads it (miniz inflates) to the original values; "
               f"torch.load(mmap=True) returns without error but {len(wrong)} of {len(sd)} tensors hold the "
               "compressed bytes instead (a zero-copy reader must refuse or inflate method 8)"), \
        {"mmap_wrong_tensors": len(wrong)}


@case("large_tensor")
def _(d):
    pattern = torch.arange(64, dtype=torch.float32) * 0.25 - 8.0
    big = pattern.repeat(4112 * 64).reshape(4112, 4096)
    obj = {"big": big, "small": torch.arange(4, dtype=torch.float32)}
    p = save(obj, f"{d}/large_tensor.pt")
    assert os.path.getsize(p) > 64 * 1024 * 1024
    check_roundtrip(obj, p)
    return p, ("a 4112x4096 float32 tensor (67 371 008 bytes, > 64 MiB) made of one repeating 64-value pattern "
               "(arange(64)*0.25-8, period 256 bytes) so that git compresses it (about 0.26 MB packed), plus a small tensor"), {}


def seq_cnn():
    torch.manual_seed(0)
    m = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(32, 2))
    m(torch.randn(4, 1, 6, 6, generator=torch.Generator().manual_seed(1)))  # update BN running stats
    return m


@case("whole_mlp_module")
def _(d):
    torch.manual_seed(0)
    m = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    p = save(m, f"{d}/whole_mlp_module.pt")
    check_roundtrip(m, p, weights_only=False)
    return p, ("torch.save(nn.Sequential(Linear(4,8),ReLU,Linear(8,2))) after manual_seed(0): a whole module. "
               "Entries from torch.load(weights_only=False): one 'module' entry (path '', class) then the module's "
               "state_dict(keep_vars=True), i.e. the Parameters themselves (parameter/requires_grad true)"), {}


@case("whole_cnn_module")
def _(d):
    m = seq_cnn()
    p = save(m, f"{d}/whole_cnn_module.pt")
    check_roundtrip(m, p, weights_only=False)
    return p, ("torch.save(Sequential(Conv2d(1,2,3), BatchNorm2d(2), ReLU, Flatten, Linear(32,2))) after "
               "manual_seed(0) and one training-mode forward (BN running stats, num_batches_tracked=1 int64 0-d). "
               "Entries as in whole_mlp_module: Parameters then buffers"), {}


@case("seq_mlp_fp32_st")
def _(d):
    from safetensors.torch import save_file
    sd = seq_mlp().state_dict()
    p = f"{d}/seq_mlp_fp32_st.safetensors"
    save_file(sd, p, metadata={"format": "pt"})
    return p, "safetensors.torch.save_file(seq_mlp_fp32 state_dict, metadata={'format': 'pt'})", {}


@case("all_dtypes_st")
def _(d):
    from safetensors.torch import save_file
    t = dtype_tensors()
    del t["complex128"]  # safetensors cannot store complex128 (KeyError: torch.complex128)
    t.update({"zero_dim": torch.tensor(3.5), "empty": torch.empty(0, 3), "specials16": edge_tensors()["specials16"]})
    p = f"{d}/all_dtypes_st.safetensors"
    save_file(t, p)
    return p, ("safetensors.torch.save_file of the all_dtypes tensors except complex128 (safetensors cannot store it), "
               "plus 0-d, empty and float16 specials; no metadata"), {}


FLOAT8_DTYPES = [torch.float8_e4m3fn, torch.float8_e5m2, torch.float8_e4m3fnuz, torch.float8_e5m2fnuz,
                 torch.float8_e8m0fnu]


def float8_unsigned_tensors(torch_format=True):
    """The newer dtypes as checkpoints hold them: an FP8 weight with its float32 scale (as FP8 LLM
    releases store them), all 256 patterns of each float8 format, unsigned edge values; for the
    torch format also a strided view with an offset into one float8 storage, a uint8 view of the same
    bytes, a transposed uint16 tensor, a float8 Parameter and complex32."""
    torch.manual_seed(3)
    w = torch.randn(4, 8) * 200  # some beyond 448: saturate in e4m3fn
    out = {"fp8.weight": w.to(torch.float8_e4m3fn), "fp8.weight_scale_inv": torch.tensor(0.0125)}
    patterns = torch.arange(256, dtype=torch.int32).to(torch.uint8)
    for dt in FLOAT8_DTYPES:
        out[inv._dtype_name(dt) + "_all"] = patterns.clone().view(dt).reshape(16, 16)
    big = [0, 1, 255, 256, 65535, 65536, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 + 1, 2 ** 63, 2 ** 64 - 1]
    for dt in (torch.uint16, torch.uint32, torch.uint64):
        bits = torch.iinfo(dt).bits
        vals = [v for v in big if v < (1 << bits)]
        out[inv._dtype_name(dt)] = torch.frombuffer(bytearray(struct.pack("<%dQ" % len(vals), *vals)),
                                                   dtype=torch.uint64).to(dt) if dt != torch.uint64 else \
            torch.frombuffer(bytearray(struct.pack("<%dQ" % len(vals), *vals)), dtype=torch.uint64).clone()
    if torch_format:
        e4 = out["float8_e4m3fn_all"]
        out["float8_e4m3fn_view"] = e4.reshape(-1)[17:].reshape(-1)[:224].reshape(14, 16)[:, ::3]
        out["uint8_view_of_e4m3fn"] = e4.view(torch.uint8)[2:5]
        out["uint16_t"] = torch.arange(12, dtype=torch.int32).to(torch.uint16).reshape(3, 4).t()
        out["fp8_param"] = nn.Parameter(torch.linspace(-3, 3, 6).to(torch.float8_e5m2), requires_grad=False)
        out["complex32"] = torch.complex(torch.tensor([1.5, -0.0, 65504.0]), torch.tensor([0.25, 3.0, -1.0])) \
            .to(torch.complex32)
    return out


@case("float8_unsigned")
def _(d):
    obj = float8_unsigned_tensors()
    p = save(obj, f"{d}/float8_unsigned.pt")
    check_roundtrip(obj, p)
    # The legacy format: torch 2.13 writes it but cannot read it back (see Golden/pytorch/dtypes);
    # storage keys rewritten as in seq_mlp_legacy.
    legacy_dir = os.path.join(ROOT, "Golden", "pytorch", "dtypes")
    os.makedirs(legacy_dir, exist_ok=True)
    lp = save(obj, f"{legacy_dir}/float8_unsigned_legacy.pt", _use_new_zipfile_serialization=False)
    fix_legacy_keys(lp)
    verdict = {}
    for wo in (True, False):
        try:
            torch.load(lp, weights_only=wo)
            verdict[f"weights_only={wo}"] = "loads"
        except Exception as e:  # noqa: BLE001 - recorded, it is the finding
            verdict[f"weights_only={wo}"] = first_line(e)
    with open(os.path.join(legacy_dir, "float8_unsigned_legacy.torch_load.json"), "w") as f:
        json.dump({"file": "float8_unsigned_legacy.pt", "torch": torch.__version__,
                   "saved_as": "torch.save(float8_unsigned tensors, f, _use_new_zipfile_serialization=False)",
                   "same_tensors_as": "pytorch/interop/float8_unsigned.pt", "torch_load": verdict}, f, indent=1)
        f.write("\n")
    return p, ("float8 (5 formats: FP8 weight + float32 scale, all 256 patterns each, a strided view with offset), "
               "uint16/32/64 edge values, transposed uint16, a uint8 view sharing a float8 storage, a float8_e5m2 "
               "Parameter, complex32: saved through UntypedStorage + _rebuild_tensor_v3"), {}


@case("float8_unsigned_st")
def _(d):
    from safetensors.torch import save_file
    p = f"{d}/float8_unsigned_st.safetensors"
    save_file(float8_unsigned_tensors(torch_format=False), p)
    return p, ("safetensors.torch.save_file of the float8_unsigned tensors that safetensors can store (F8_E4M3, "
               "F8_E5M2, F8_E4M3FNUZ, F8_E5M2FNUZ, F8_E8M0, U16, U32, U64; no complex32, no views); no metadata"), {}


TORCHVISION_PATH = None  # --torchvision-path


def _torchvision_resnet18():
    """torchvision's resnet18 if importable; with --torchvision-path DIR (an unpacked torchvision wheel
    whose C ops do not load with this torch), its models/resnet.py alone, with the image-transform and
    logging imports stubbed (they play no part in building the model)."""
    try:
        from torchvision.models import resnet18
        return resnet18
    except Exception:  # noqa: BLE001 - missing, or present but its C ops fail to load
        for k in [k for k in sys.modules if k == "torchvision" or k.startswith("torchvision.")]:
            del sys.modules[k]
    if not TORCHVISION_PATH:
        return None
    root = os.path.join(TORCHVISION_PATH, "torchvision")
    for name, sub in [("torchvision", ""), ("torchvision.models", "/models"), ("torchvision.transforms", "/transforms")]:
        m = types.ModuleType(name)
        m.__path__ = [root + sub]
        sys.modules[name] = m
    presets = types.ModuleType("torchvision.transforms._presets")
    presets.ImageClassification = type("ImageClassification", (), {"__init__": lambda self, *a, **k: None})
    sys.modules["torchvision.transforms._presets"] = presets
    utils = types.ModuleType("torchvision.utils")
    utils._log_api_usage_once = lambda *a, **k: None
    sys.modules["torchvision.utils"] = utils
    import torchvision.models.resnet as r
    return r.resnet18


@case("resnet18_state_dict")
def _(d):
    torch.manual_seed(0)
    m = ResNet18()
    note_tv = ("equal (122 names, all bits) to torchvision 0.28.0 models.resnet18() after manual_seed(0): asserted "
               "whenever torchvision is importable or --torchvision-path is given (it was, for the committed file)")
    resnet18 = _torchvision_resnet18()
    if resnet18 is not None:
        torch.manual_seed(0)
        ref = resnet18().state_dict()
        mine = m.state_dict()
        assert list(ref) == list(mine) and all(torch.equal(ref[k], mine[k]) for k in ref)
        print("resnet18: hand-built == torchvision (122 tensors)")
    with tempfile.TemporaryDirectory() as t:
        p = save(m.state_dict(), f"{t}/resnet18_state_dict.pt")
        result = inv.inventory(p, map_location="cpu")
        size = os.path.getsize(p)
    result["file_committed"] = False
    result["file_size"] = size
    return result, ("inventory only (the .pt is not committed): torch.manual_seed(0); torchvision-equivalent resnet18() "
                    "built by hand in make_interop_corpus.py (ResNet18/BasicBlock), state_dict() saved with torch.save; "
                    f"{note_tv}. 122 entries incl. int64 num_batches_tracked"), {}


# ---------------------------------------------------------------------------------------------------


def write_case(out_dir, name, fn):
    res = fn(out_dir)
    path, note, extra = res
    if isinstance(path, dict):  # inventory-only case
        invd = path
        invd["note"] = note
        invd.update(extra)
        order = ["file", "torch", "note", "format", "weights_only_ok"]
        invd = {**{k: invd[k] for k in order if k in invd}, **{k: v for k, v in invd.items() if k not in order}}
        invd["file"] = name + ".pt"
    else:
        fmt = inv.file_format(path)
        wo = fmt == "safetensors" or inv.weights_only_verdict(path)["weights_only_ok"]
        invd = inv.inventory(path, map_location=None if fmt == "safetensors" else "cpu", weights_only=wo,
                             note=note, extra=extra)
    with open(os.path.join(out_dir, name + ".expected.json"), "w") as f:
        f.write(inv.dumps(invd))
    return invd


# Cases stored gzip-compressed in git (the .pt is larger than the 64 MiB working tree that a lent
# device machine accepts, and compresses ~300x). Tests inflate them with zlib before reading.
GZIPPED = {"large_tensor"}


def gzip_in_place(out_dir, name, invd):
    """Replaces NAME.pt by a deterministic NAME.pt.gz (mtime 0) and records the .pt's sha256."""
    import gzip
    import hashlib
    src = os.path.join(out_dir, name + ".pt")
    data = open(src, "rb").read()
    with open(src + ".gz", "wb") as raw:
        with gzip.GzipFile(filename=name + ".pt", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as z:
            z.write(data)
    os.remove(src)
    invd["stored_as"] = name + ".pt.gz"
    invd["file_sha256"] = hashlib.sha256(data).hexdigest()
    invd["file_size"] = len(data)
    with open(os.path.join(out_dir, name + ".expected.json"), "w") as f:
        f.write(inv.dumps(invd))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--torchvision-path", help="unpacked torchvision wheel, to cross-check the hand-built resnet18")
    args = ap.parse_args()
    global TORCHVISION_PATH
    TORCHVISION_PATH = args.torchvision_path
    os.makedirs(args.out, exist_ok=True)
    for name, fn in CASES:
        if args.only and name not in args.only:
            continue
        invd = write_case(args.out, name, fn)
        if name in GZIPPED:
            gzip_in_place(args.out, name, invd)
        print(f"{name:28s} {invd['format']:11s} weights_only_ok={invd['weights_only_ok']!s:5s} "
              f"entries={len(invd['entries'])}")


if __name__ == "__main__":
    main()
