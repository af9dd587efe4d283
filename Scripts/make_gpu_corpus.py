#!/usr/bin/env python3
"""Write checkpoint files saved from a real CUDA device, with their inventories.

Run on a machine with an NVIDIA GPU and PyTorch (the lent device machine has torch 2.11+cu130):

    python3 Scripts/make_gpu_corpus.py OUT_DIR

Each case is NAME.pt plus NAME.expected.json in the contract of the interop corpus
(Golden/pytorch/interop): `device` is where torch.load (no map_location) put each tensor on the
GPU machine. The script also checks that map_location="cpu" gives the same bytes, and records it.
Nothing here runs in tests or CI: the committed outputs under Golden/pytorch/gpu/ are the oracle.
"""
import hashlib
import io
import json
import math
import os
import platform
import sys

import torch
import torch.nn as nn


def _py(v):
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return repr(v)
    return v


def tensor_entry(path, t):
    c = t.detach().contiguous().cpu()
    if c.dtype == torch.bfloat16:
        raw = c.view(torch.int16).numpy().tobytes()
    else:
        raw = c.numpy().tobytes()
    e = {
        "path": path, "kind": "tensor", "dtype": str(t.dtype).replace("torch.", ""),
        "shape": list(t.shape), "stride": list(t.stride()), "storage_offset": t.storage_offset(),
        "device": str(t.device), "requires_grad": bool(t.requires_grad),
        "parameter": isinstance(t, nn.Parameter), "sha256": hashlib.sha256(raw).hexdigest(),
    }
    if t.dtype.is_floating_point or t.dtype in (torch.int32, torch.int64, torch.bool):
        flat = c.reshape(-1)[:4]
        e["head"] = [int(x) for x in flat.tolist()] if t.dtype == torch.bool else flat.tolist()
    return e


def inventory(obj, prefix=""):
    out = []
    if isinstance(obj, torch.Tensor):
        out.append(tensor_entry(prefix, obj))
    elif isinstance(obj, dict):
        for k, v in obj.items():
            out += inventory(v, f"{prefix}/{k}" if prefix else str(k))
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            out += inventory(v, f"{prefix}/{i}" if prefix else str(i))
    else:
        out.append({"path": prefix, "kind": type(obj).__name__, "value": _py(obj)})
    return out


def small_cnn():
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 4))


def amp_checkpoint(dtype, optimizer, seed):
    torch.manual_seed(seed)
    model = small_cnn().cuda()
    opt = (torch.optim.Adam(model.parameters(), lr=1e-3) if optimizer == "adam"
           else torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9))
    scaler = torch.amp.GradScaler("cuda", enabled=(dtype == torch.float16))
    g = torch.Generator(device="cuda").manual_seed(seed + 1)
    loss = None
    for _ in range(5):
        x = torch.randn(4, 3, 8, 8, device="cuda", generator=g)
        y = torch.randint(0, 4, (4,), device="cuda", generator=g)
        opt.zero_grad()
        with torch.autocast("cuda", dtype=dtype):
            loss = nn.functional.cross_entropy(model(x), y)
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
    ckpt = {"epoch": 5, "model_state_dict": model.state_dict(),
            "optimizer_state_dict": opt.state_dict(), "loss": float(loss.item()),
            "rng_state": torch.get_rng_state(), "cuda_rng_state": torch.cuda.get_rng_state()}
    if dtype == torch.float16:
        ckpt["scaler_state_dict"] = scaler.state_dict()
    return ckpt


def mlp(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))


def cases():
    yield ("gpu_amp_fp16_adam_checkpoint", amp_checkpoint(torch.float16, "adam", 40), {},
           "manual_seed(40); small CNN on cuda; Adam; autocast(float16) + GradScaler('cuda'); 5 steps")
    yield ("gpu_amp_bf16_sgd_checkpoint", amp_checkpoint(torch.bfloat16, "sgd", 41), {},
           "manual_seed(41); small CNN on cuda; SGD momentum 0.9; autocast(bfloat16), no scaler; 5 steps")
    yield ("gpu_mlp_cuda_fp16", mlp(0).cuda().half().state_dict(), {},
           "manual_seed(0); Sequential(Linear(4,8), ReLU(), Linear(8,2)).cuda().half().state_dict()")
    yield ("gpu_mlp_cuda_bf16", mlp(0).cuda().bfloat16().state_dict(), {},
           "manual_seed(0); same MLP .cuda().bfloat16().state_dict()")
    yield ("gpu_legacy_cuda", mlp(1).cuda().state_dict(), {"_use_new_zipfile_serialization": False},
           "manual_seed(1); MLP .cuda().state_dict() saved with _use_new_zipfile_serialization=False")
    base = torch.arange(24, dtype=torch.float32, device="cuda").reshape(4, 6)
    yield ("gpu_mixed_devices",
           {"cpu": torch.arange(5, dtype=torch.int64), "gpu": base, "gpu_view_t": base.t(),
            "gpu_view_row": base[1], "gpu_half": base.half()[::2], "step": 3},
           {}, "cpu and cuda:0 storages in one file; views of one cuda storage")
    m = mlp(2).cuda()
    yield ("gpu_mlp_parameters", {"weight": m[0].weight, "bias": m[0].bias}, {},
           "nn.Parameter objects on cuda (requires_grad=True)")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "gpu-corpus"
    os.makedirs(out, exist_ok=True)
    assert torch.cuda.is_available(), "needs a CUDA device"
    gpu = torch.cuda.get_device_name(0)
    for name, obj, kwargs, note in cases():
        path = os.path.join(out, name + ".pt")
        torch.save(obj, path, **kwargs)
        loaded = torch.load(path, weights_only=True)
        on_cpu = torch.load(path, map_location="cpu", weights_only=True)
        inv, inv_cpu = inventory(loaded), inventory(on_cpu)
        same = all(a.get("sha256") == b.get("sha256") for a, b in zip(inv, inv_cpu))
        assert same and len(inv) == len(inv_cpu), name
        doc = {"file": name + ".pt", "torch": torch.__version__,
               "format": "legacy" if kwargs else "zip", "weights_only_ok": True,
               "whole_module": False,
               "note": f"{note} (torch {torch.__version__} on {gpu}); map_location='cpu' gives the same bytes",
               "entries": inv}
        with open(os.path.join(out, name + ".expected.json"), "w") as f:
            json.dump(doc, f, indent=1)
        print(f"{name}: {len(inv)} entries, {os.path.getsize(path)} bytes")
    # Whole-module file saved from cuda (weights_only=False needed).
    m = mlp(3).cuda()
    path = os.path.join(out, "gpu_whole_module.pt")
    torch.save(m, path)
    try:
        torch.load(path, weights_only=True)
        verdict = True
    except Exception as e:  # the refusal names the first forbidden global
        verdict = False
        first = str(e).splitlines()[0]
    loaded = torch.load(path, weights_only=False)
    doc = {"file": "gpu_whole_module.pt", "torch": torch.__version__, "format": "zip",
           "weights_only_ok": verdict, "whole_module": True,
           "note": f"torch.save(nn.Sequential(Linear(4,8), ReLU(), Linear(8,2)).cuda()) (torch {torch.__version__} on {gpu}); entries are the loaded module's state_dict; weights_only=True refuses: {first if not verdict else ''}",
           "entries": inventory(loaded.state_dict())}
    with open(os.path.join(out, "gpu_whole_module.expected.json"), "w") as f:
        json.dump(doc, f, indent=1)
    print(f"gpu_whole_module: weights_only_ok={verdict}")
    with open(os.path.join(out, "PROVENANCE.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cuda": torch.version.cuda, "gpu": gpu,
                   "python": platform.python_version(), "script": "Scripts/make_gpu_corpus.py"}, f, indent=1)


if __name__ == "__main__":
    main()
