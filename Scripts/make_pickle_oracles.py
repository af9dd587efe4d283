#!/usr/bin/env python3
"""Oracles for the pickle layer (Tests/ReproFormatTests), made with real PyTorch.

Writes Golden/pytorch/pickle/:
  files/<name>.pt          small torch.save outputs (zip and legacy) of varied objects
  files/expected.json      per file: weights_only verdict and every tensor leaf (path, dtype,
                           shape, stride, offset, storage index, requires_grad, parameter,
                           device, sha256 of the contiguous bytes)
  vm/<name>.pkl            Python pickles of a value zoo at protocols 0-5 (stdlib pickle)
  vm/expected.json         the value zoo in a typed JSON form
  policy/<name>.pkl        crafted data.pkl payloads; policy/expected.json has torch's
                           weights_only verdict and message for each
  allowed_globals.json     sorted(torch._weights_only_unpickler._get_allowed_globals())

Run: /work/venv/bin/python Scripts/make_pickle_oracles.py   (torch 2.13.0+cpu)
"""
import collections, hashlib, io, json, math, os, pickle, struct, sys, zipfile

import torch
import torch.nn as nn

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Golden", "pytorch", "pickle")
for d in ("files", "vm", "policy"):
    os.makedirs(os.path.join(ROOT, d), exist_ok=True)


def dump(path, obj):
    with open(os.path.join(ROOT, path), "w") as f:
        json.dump(obj, f, sort_keys=True, separators=(",", ":"))
        f.write("\n")


# ------------------------------------------------------------------ files
def mlp(dtype=torch.float32, seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1)).to(dtype)


def trained(opt_name, **kw):
    torch.manual_seed(0)
    m = nn.Linear(2, 1)
    opt = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[opt_name](
        m.parameters(), **kw)
    loss = m(torch.ones(3, 2)).pow(2).sum()
    loss.backward()
    opt.step()
    return m, opt


def objects():
    o = {}
    for name, dt in [("fp32", torch.float32), ("fp16", torch.float16), ("bf16", torch.bfloat16),
                     ("fp64", torch.float64)]:
        o[f"mlp_{name}"] = mlp(dt).state_dict()
    torch.manual_seed(1)
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU())
    net.register_parameter("scale", nn.Parameter(torch.ones(1)))
    o["conv_bn"] = net.state_dict()
    o["dataparallel"] = nn.DataParallel(mlp()).state_dict()
    o["parameter"] = nn.Parameter(torch.tensor([1.0, 2.0]))
    o["parameter_frozen"] = nn.Parameter(torch.tensor([[1.0], [2.0]]), requires_grad=False)
    base = torch.arange(12.0).reshape(3, 4)
    o["views"] = {"base": base, "row": base[1], "col": base[:, 1], "t": base.t(), "tail": base.view(-1)[5:],
                  "step": base[:, ::2]}
    o["zero_d"] = torch.tensor(3.5)
    o["empty"] = {"a": torch.zeros(0), "b": torch.zeros(2, 0, 3, dtype=torch.int64)}
    m, opt = trained("sgd", lr=0.01, momentum=0.9)
    o["sgd_checkpoint"] = {"epoch": 3, "model_state_dict": m.state_dict(),
                           "optimizer_state_dict": opt.state_dict(), "loss": 0.25}
    m, opt = trained("adam", lr=1e-3)
    scaler = torch.amp.GradScaler("cpu", init_scale=1024.0)
    o["adam_scaler_checkpoint"] = {"model": m.state_dict(), "optimizer": opt.state_dict(),
                                   "scaler": scaler.state_dict(), "second": mlp(seed=2).state_dict(),
                                   "step": 7}
    torch.manual_seed(0)
    big = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    opt = torch.optim.AdamW([{"params": big[0].parameters()}, {"params": big[2].parameters(), "lr": 0.1}])
    big(torch.ones(2, 3)).sum().backward()
    opt.step()
    o["adamw_groups"] = {"model": big.state_dict(), "opt": opt.state_dict()}
    o["scalars"] = {"ints": [0, 1, 255, 256, 65535, 65536, -1, -256, 2**31 - 1, 2**31, -2**31, -2**31 - 1,
                             2**40 + 1, 2**63 - 1, -2**63, 2**64 + 5, -(2**70)],
                    "floats": [0.0, -0.0, 1.5, float("nan"), float("inf"), float("-inf"), 1e-300],
                    "strings": ["", "a", "héllo wörld €", "😀", "with space", "x.y", "cuda:0", "id_1"],
                    "none": None, "t": True, "f": False,
                    "tuples": ((), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4)),
                    "nested": [[1, [2, [3]]], {"k": {"k2": [None]}}],
                    "bytes": b"\x00\x01\xffabc", "empty_bytes": b"", "huge": 2**2100}
    dt = {}
    for name in ["float64", "float32", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8",
                 "bool", "complex64", "complex128"]:
        d = getattr(torch, name)
        if d == torch.bool:
            dt[name] = torch.tensor([True, False, True])
        elif d.is_complex:
            dt[name] = torch.tensor([1 + 2j, -3.5 + 0.25j], dtype=d)
        elif d.is_floating_point:
            dt[name] = torch.tensor([1.5, -2.25, 1e-3, 65504.0], dtype=d)
        else:
            dt[name] = torch.tensor([1, 2, 127, 0], dtype=d)
    o["all_dtypes"] = dt
    o["batch_list"] = list(range(2001))
    o["batch_dict"] = {i: i % 7 for i in range(1000)}
    o["batch_odict"] = collections.OrderedDict((f"k{i}", i) for i in range(1001))
    o["many_tensors"] = {f"t{i}": torch.full((1,), float(i)) for i in range(300)}
    torch.manual_seed(0)
    tied = nn.Sequential(nn.Embedding(4, 3), nn.Linear(3, 4, bias=False))
    tied[1].weight = tied[0].weight
    o["tied"] = tied.state_dict()
    o["keep_vars"] = mlp().state_dict(keep_vars=True)
    x = torch.ones(2, requires_grad=True)
    o["requires_grad"] = {"leaf": x, "nonleaf": (x * 2), "same_twice": [base, base]}
    shared_t = (0.9, 0.999)
    o["shared_tuple"] = [{"betas": shared_t}, {"betas": shared_t}]
    o["whole_module"] = mlp()
    return o


def leaves(obj, path, out, storages, seen):
    if isinstance(obj, torch.Tensor):
        us = obj.untyped_storage()
        key = us.data_ptr() if us.nbytes() else ("empty", id(us), tuple(path))
        if key not in storages:
            storages[key] = len(storages)
        out.append({"path": path, "dtype": str(obj.dtype).replace("torch.", ""), "shape": list(obj.shape),
                    "stride": list(obj.stride()), "offset": obj.storage_offset(),
                    "storage": storages[key], "requires_grad": obj.requires_grad,
                    "parameter": isinstance(obj, nn.Parameter), "device": str(obj.device),
                    "sha256": hashlib.sha256(obj.detach().contiguous().view(-1).view(torch.uint8).numpy().tobytes()
                                             if obj.numel() else b"").hexdigest()})
    elif isinstance(obj, dict):
        for k, v in obj.items():
            leaves(v, path + [str(k)], out, storages, seen)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            leaves(v, path + [str(i)], out, storages, seen)
    elif isinstance(obj, nn.Module):
        leaves(obj.state_dict(keep_vars=True), path + ["<state_dict>"], out, storages, seen)


def weights_only_verdict(path):
    try:
        torch.load(path, weights_only=True)
        return True, None
    except Exception as e:
        return False, str(e)


files = {}
for name, obj in objects().items():
    p = os.path.join(ROOT, "files", f"{name}.pt")
    torch.save(obj, p)
    loaded = torch.load(p, weights_only=False)
    lv = []
    leaves(loaded, [], lv, {}, set())
    ok, msg = weights_only_verdict(p)
    files[name] = {"format": "zip", "weights_only_ok": ok, "tensors": lv}

for name in ["mlp_fp32", "sgd_checkpoint", "views", "all_dtypes"]:
    obj = objects()[name]
    p = os.path.join(ROOT, "files", f"{name}_legacy.pt")
    torch.save(obj, p, _use_new_zipfile_serialization=False)
    lv = []
    leaves(torch.load(p, weights_only=True), [], lv, {}, set())
    files[f"{name}_legacy"] = {"format": "legacy", "weights_only_ok": True, "tensors": lv}

# big-endian rewrite of the dtype file: byteorder 'big' and every storage byte-swapped
src = os.path.join(ROOT, "files", "all_dtypes.pt")
zin = zipfile.ZipFile(src)
pkl = zin.read("all_dtypes/data.pkl")
sizes = {}
loaded = torch.load(src)
for k, t in loaded.items():
    pass
unit = {}
for op, arg, pos in __import__("pickletools").genops(pkl):
    pass
# storage key -> element unit from the loaded tensors (keys follow dict order)
for i, (k, t) in enumerate(loaded.items()):
    unit[str(i)] = t.element_size() // (2 if t.is_complex() else 1)
dst = os.path.join(ROOT, "files", "all_dtypes_bigendian.pt")
with zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
    for info in zin.infolist():
        data = zin.read(info.filename)
        rec = info.filename.split("/", 1)[1]
        if rec == "byteorder":
            data = b"big"
        elif rec.startswith("data/"):
            u = unit[rec[5:]]
            data = b"".join(data[i:i + u][::-1] for i in range(0, len(data), u))
        zout.writestr(info.filename, data)
lv = []
leaves(torch.load(dst), [], lv, {}, set())
files["all_dtypes_bigendian"] = {"format": "zip", "weights_only_ok": True, "tensors": lv}
dump("files/expected.json", files)

# ------------------------------------------------------------------ vm
def typed(v):
    if v is None:
        return {"t": "none"}
    if isinstance(v, bool):
        return {"t": "bool", "v": v}
    if isinstance(v, int):
        return {"t": "int", "v": str(v)}
    if isinstance(v, float):
        return {"t": "float", "bits": struct.pack(">d", v).hex()}
    if isinstance(v, str):
        return {"t": "str", "v": v}
    if isinstance(v, (bytes, bytearray)):
        return {"t": "bytes", "hex": bytes(v).hex()}
    if isinstance(v, tuple):
        return {"t": "tuple", "v": [typed(x) for x in v]}
    if isinstance(v, list):
        return {"t": "list", "v": [typed(x) for x in v]}
    if isinstance(v, frozenset):
        return {"t": "frozenset", "v": sorted((typed(x) for x in v), key=json.dumps)}
    if isinstance(v, set):
        return {"t": "set", "v": sorted((typed(x) for x in v), key=json.dumps)}
    if isinstance(v, collections.OrderedDict):
        return {"t": "odict", "v": [[typed(k), typed(x)] for k, x in v.items()]}
    if isinstance(v, dict):
        return {"t": "dict", "v": [[typed(k), typed(x)] for k, x in v.items()]}
    raise TypeError(type(v))


shared = [1, 2]
zoo = {"ints": [0, 1, -1, 255, 256, 65535, 65536, 2**31, -2**31 - 1, 2**63, -2**64, 2**2100, -(2**2100)],
       "floats": [0.5, -0.0, float("inf"), 1e300],
       "strs": ["", "abc", "é€😀", "line\nbreak", "quote'\"\\"],
       "bytes": [b"", b"\x00\xff\x7f", bytearray(b"ba")],
       "tuples": [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4, 5)],
       "sets": [set(), {1, 2, 3}, frozenset({"a"})],
       "odict": collections.OrderedDict([("x", 1), ("y", [2])]),
       "shared": [shared, shared], "bools": [True, False, None],
       "bigdict": {i: str(i) for i in range(1200)}, "biglist": list(range(1500))}
vm = {}
for proto in range(6):
    name = f"zoo_p{proto}"
    with open(os.path.join(ROOT, "vm", name + ".pkl"), "wb") as f:
        f.write(pickle.dumps(zoo, protocol=proto))
    assert typed(pickle.loads(pickle.dumps(zoo, protocol=proto))) == typed(zoo)
    vm[name] = typed(zoo)
dump("vm/expected.json", vm)

# ------------------------------------------------------------------ policy
from torch._weights_only_unpickler import Unpickler as WOUnpickler, _get_allowed_globals


class Linear2:
    pass


payloads = {
    "os_system": b"\x80\x02cos\nsystem\nX\x02\x00\x00\x00lsq\x00\x85R.",
    "builtins_eval": b"\x80\x02c__builtin__\neval\nX\x01\x00\x00\x001\x85R.",
    "nn_linear_newobj": b"\x80\x02ctorch.nn.modules.linear\nLinear\n)\x81.",
    "short_binunicode": pickle.dumps({"a": "b"}, protocol=4),
    "build_on_dict": b"\x80\x02}}b.",
    "append_to_dict": b"\x80\x02}K\x01a.",
    "persid_not_storage": b"\x80\x02X\x03\x00\x00\x00keyK\x01\x86Q.",
    "long4": b"\x80\x02\x8b\x01\x00\x00\x00\x07.",
    "ordered_dict_ok": b"\x80\x02ccollections\nOrderedDict\n)RX\x01\x00\x00\x00aK\x01s.",
    "set_ok": b"\x80\x02c__builtin__\nset\n]K\x01a\x85R.",
    "reduce_dtype": b"\x80\x02ctorch\nfloat32\n)R.",
    "torch_device_ok": b"\x80\x02ctorch\ndevice\nX\x04\x00\x00\x00cudaK\x00\x86R.",
}
policy = {}
for name, data in payloads.items():
    with open(os.path.join(ROOT, "policy", name + ".pkl"), "wb") as f:
        f.write(data)
    try:
        WOUnpickler(io.BytesIO(data), encoding="utf-8").load()
        policy[name] = {"ok": True, "message": None}
    except Exception as e:
        policy[name] = {"ok": False, "message": str(e)}
dump("policy/expected.json", policy)
dump("allowed_globals.json", sorted(_get_allowed_globals().keys()))
print("files", len(files), "vm", len(vm), "policy", len(policy))
