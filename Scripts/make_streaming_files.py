#!/usr/bin/env python3
"""Files for measuring streaming verification (inspect, compare, diff in bounded memory).

    /work/venv/bin/python Scripts/make_streaming_files.py --dir /tmp/repro-streaming [--big]
    /work/venv/bin/python Scripts/make_streaming_files.py --bomb OUT.pt [--mib 256] [--pattern zeros]

--dir writes, with real torch.save (never committed):
  ref.pt, one.pt, fp16.pt  Scripts/bench_compare.py's GPT-2-small-sized state dict (148 float32
                           tensors, 498 MB), the same with one value changed, and its .half();
  big.pt, big_one.pt       with --big: four copies of that dict under the prefixes 0. to 3.
                           (torch.manual_seed(1), 1.99 GB) and the same with 3.h.11.mlp.c_proj.weight
                           [7, 9] += 0.25;
  bomb.pt, bomb_stored.pt  the deflate bomb below (256 MiB of zeros), and torch.save's own
                           (stored) file of the same dict.

--bomb writes one deflate bomb: torch.save({"weight": t}) re-zipped by Python's zipfile with
data/0 ZIP_DEFLATED at level 9 (the other records stored), where t is float32 of --mib MiB:
zeros (--pattern zeros, the 262 KB file of issue 13) or torch.arange(4096) repeated (--pattern
ramp, a 16 KiB period, which deflates nearly as well). torch.load reads it (miniz inflates); the
script checks that and prints torch's sha256 of the tensor's bytes.
"""
import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def make_bomb(path, mib, pattern, stored_copy=None):
    import torch
    n = mib * (1 << 20) // 4
    if pattern == "zeros":
        t = torch.zeros(n, dtype=torch.float32)
    else:
        t = torch.arange(4096, dtype=torch.float32).repeat(n // 4096)
    with tempfile.TemporaryDirectory() as d:
        plain = os.path.join(d, "plain.pt")
        torch.save({"weight": t}, plain)
        if stored_copy:
            shutil.copyfile(plain, stored_copy)
        src = zipfile.ZipFile(plain)
        with zipfile.ZipFile(path, "w") as z:
            for info in src.infolist():
                zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
                is_data = info.filename.split("/")[-2:-1] == ["data"]
                zi.compress_type = zipfile.ZIP_DEFLATED if is_data else zipfile.ZIP_STORED
                z.writestr(zi, src.read(info.filename), compresslevel=9 if is_data else None)
    loaded = torch.load(path, weights_only=True)["weight"]
    assert torch.equal(loaded, t)
    digest = hashlib.sha256(loaded.contiguous().numpy().tobytes()).hexdigest()
    print(f"{path}: {os.path.getsize(path)} bytes, weight float32 [{n}], sha256 {digest}")


def make_big(folder):
    import torch
    from bench_compare import gpt2_small_shapes
    torch.manual_seed(1)
    sd = {f"{i}.{k}": torch.randn(s) for i in range(4) for k, s in gpt2_small_shapes()}
    torch.save(sd, os.path.join(folder, "big.pt"))
    key = "3.h.11.mlp.c_proj.weight"
    sd[key] = sd[key].clone()
    sd[key][7, 9] += 0.25
    torch.save(sd, os.path.join(folder, "big_one.pt"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir")
    ap.add_argument("--big", action="store_true")
    ap.add_argument("--bomb")
    ap.add_argument("--mib", type=int, default=256)
    ap.add_argument("--pattern", choices=["zeros", "ramp"], default="zeros")
    a = ap.parse_args()
    if a.bomb:
        make_bomb(a.bomb, a.mib, a.pattern)
    if a.dir:
        from bench_compare import make_files
        os.makedirs(a.dir, exist_ok=True)
        make_files(a.dir)
        make_bomb(
            os.path.join(a.dir, "bomb.pt"), 256, "zeros", os.path.join(a.dir, "bomb_stored.pt"))
        if a.big:
            make_big(a.dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
