#!/usr/bin/env python3
"""Write checkpoint files saved from a real CUDA device, with their inventories.

Run on a machine with an NVIDIA GPU and PyTorch (the lent device machine has torch 2.11+cu130):

    python3 Scripts/make_gpu_corpus.py OUT_DIR

Each case is NAME.pt plus NAME.expected.json, made by Scripts/inventory.py (the interop corpus
contract): `device` is the storage location written in the file (`cuda:0` for storages saved from
the GPU). The script checks that loading with map_location="cpu" gives the same inventory.
Nothing here runs in tests or CI: the committed outputs under Golden/pytorch/gpu/ are the oracle.
"""
import json
import os
import platform
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import inventory  # noqa: E402  (Scripts/inventory.py: the corpus contract)


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


def write_case(out, name, note, whole_module=False):
    path = os.path.join(out, name + ".pt")
    on_gpu = inventory.inventory(path, weights_only=not whole_module, note=note)
    on_cpu = inventory.inventory(path, weights_only=not whole_module, map_location="cpu")
    assert on_gpu["entries"] == on_cpu["entries"], f"{name}: map_location='cpu' changed the inventory"
    on_gpu["whole_module"] = whole_module
    with open(os.path.join(out, name + ".expected.json"), "w") as f:
        f.write(inventory.dumps(on_gpu))
    print(f"{name}: {len(on_gpu['entries'])} entries, {os.path.getsize(path)} bytes, "
          f"weights_only_ok={on_gpu['weights_only_ok']}")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "gpu-corpus"
    os.makedirs(out, exist_ok=True)
    assert torch.cuda.is_available(), "needs a CUDA device"
    gpu = torch.cuda.get_device_name(0)
    for name, obj, kwargs, note in cases():
        torch.save(obj, os.path.join(out, name + ".pt"), **kwargs)
        write_case(out, name, f"{note} (torch {torch.__version__} on {gpu})")
    torch.save(mlp(3).cuda(), os.path.join(out, "gpu_whole_module.pt"))
    write_case(out, "gpu_whole_module",
               f"torch.save(nn.Sequential(Linear(4,8), ReLU(), Linear(8,2)).cuda()) (torch {torch.__version__} on {gpu})",
               whole_module=True)
    with open(os.path.join(out, "PROVENANCE.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cuda": torch.version.cuda, "gpu": gpu,
                   "python": platform.python_version(), "script": "Scripts/make_gpu_corpus.py"}, f, indent=1)


if __name__ == "__main__":
    main()
