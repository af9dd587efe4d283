#!/usr/bin/env python3
"""Write safetensors files with the real `safetensors.torch.save_file` and their inventories.

    /work/venv/bin/python Scripts/make_safetensors_corpus.py [OUT_DIR]

Output: Golden/pytorch/safetensors/NAME.safetensors (the exact bytes are the writer's oracle) and
NAME.expected.json: the metadata (or null) and, in header order, each tensor's name, dtype
(ReproTensor/PyTorch name), safetensors dtype, shape, data_offsets and the sha256 of its bytes.
Every file is read back with `safetensors.torch.load_file` and compared with what was saved.

Only files with at most one `__metadata__` entry are written: safetensors orders the metadata
keys by a Rust HashMap, random per process (torch-format.md f.1).
"""
import hashlib
import json
import os
import random
import struct
import sys

import safetensors
import torch
from safetensors.torch import load_file, save_file

ST = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
      torch.complex64: "C64", torch.int8: "I8", torch.uint8: "U8", torch.int16: "I16",
      torch.int32: "I32", torch.int64: "I64", torch.bool: "BOOL"}
DTYPES = list(ST)


def raw(t):
    return t.contiguous().reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""


def values(dtype, shape, seed):
    g = torch.Generator().manual_seed(seed)
    n = 1
    for s in shape:
        n *= s
    if dtype == torch.bool:
        return (torch.randint(0, 2, (n,), generator=g) == 1).reshape(shape)
    if dtype.is_complex:
        return torch.complex(torch.randn(n, generator=g), torch.randn(n, generator=g)).reshape(shape)
    if dtype.is_floating_point:
        t = (torch.randn(n, generator=g) * 3).to(dtype)
        if n > 2:  # a NaN, an infinity and a negative zero in every float tensor
            t[0], t[1], t[2] = float("nan"), float("-inf"), -0.0
        return t.reshape(shape)
    info = torch.iinfo(dtype)
    lo, hi = max(info.min, -2 ** 40), min(info.max, 2 ** 40)
    t = torch.randint(lo, hi, (n,), generator=g, dtype=torch.int64).to(dtype)
    if n > 1:
        t[0], t[1] = info.min, info.max
    return t.reshape(shape)


def cases():
    out = {}
    out["all_dtypes"] = ({"t.%s" % str(d).split(".")[1]: values(d, (2, 3), i) for i, d in enumerate(DTYPES)}, None)
    out["with_metadata"] = ({"0.weight": values(torch.float32, (4, 3), 1),
                             "0.bias": values(torch.float32, (4,), 2),
                             "2.weight": values(torch.float32, (2, 4), 3),
                             "2.bias": values(torch.float32, (2,), 4)}, {"format": "pt"})
    out["empty_and_scalar"] = ({"empty": torch.zeros((0, 3)), "empty_bf16": torch.zeros((0,), dtype=torch.bfloat16),
                                "scalar": torch.tensor(3.5), "scalar_i64": torch.tensor(-7, dtype=torch.int64),
                                "step": torch.tensor(12.0), "vec": values(torch.float16, (5,), 9),
                                "flag": torch.tensor(True)}, None)
    out["names_and_escapes"] = ({"a": values(torch.float32, (2,), 11), "B": values(torch.float32, (1,), 12),
                                 "a.10": values(torch.int32, (3,), 13), "a.9": values(torch.int32, (3,), 14),
                                 "\u00e9t\u00e9": values(torch.uint8, (3,), 15),
                                 "quote\"back\\slash": values(torch.int8, (2,), 16),
                                 "ctl\n\t\x01\x1f\x7f/": values(torch.int16, (2,), 17),
                                 "\u2713 \U0001F600": values(torch.bool, (3,), 18)},
                                {"note": "h\u00e9llo \"q\" \\ \n\t\x02 \u2713 /"})
    out["no_tensors"] = ({}, {"format": "pt"})
    out["odd_sizes"] = ({"u8": values(torch.uint8, (7,), 21), "bf": values(torch.bfloat16, (3,), 22),
                         "f16": values(torch.float16, (1, 3), 23), "i32": values(torch.int32, (5,), 24),
                         "c64": values(torch.complex64, (3,), 25), "f64": values(torch.float64, (3, 1), 26),
                         "b": values(torch.bool, (5,), 27), "i8": values(torch.int8, (1,), 28)}, None)
    rng = random.Random(1234)
    for k in range(12):
        tensors = {}
        for j in range(rng.randint(1, 9)):
            d = rng.choice(DTYPES)
            shape = tuple(rng.randint(0 if rng.random() < 0.1 else 1, 4) for _ in range(rng.randint(0, 3)))
            name = rng.choice(["layer", "w", "model.enc", "x", "Z"]) + "." + str(rng.randint(0, 20)) + rng.choice(["", ".weight", ".bias"])
            tensors[name] = values(d, shape, 100 * k + j)
        meta = rng.choice([None, {"format": "pt"}, {"k": "v" * rng.randint(0, 9)}])
        out["random_%02d" % k] = (tensors, meta)
    return out


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "Golden", "pytorch", "safetensors")
    os.makedirs(out_dir, exist_ok=True)
    for name, (tensors, meta) in cases().items():
        path = os.path.join(out_dir, name + ".safetensors")
        save_file(tensors, path, metadata=meta)
        blob = open(path, "rb").read()
        n = struct.unpack("<Q", blob[:8])[0]
        header = json.loads(blob[8:8 + n])  # Python dicts keep the file's key order
        back = load_file(path)
        assert set(back) == set(tensors)
        entries = []
        for key, info in header.items():
            if key == "__metadata__":
                continue
            t = tensors[key]
            assert raw(back[key]) == raw(t) and back[key].dtype == t.dtype and back[key].shape == t.shape
            assert info["dtype"] == ST[t.dtype] and info["shape"] == list(t.shape)
            entries.append({"name": key, "dtype": str(t.dtype).split(".")[1], "safetensors_dtype": info["dtype"],
                            "shape": list(t.shape), "data_offsets": info["data_offsets"],
                            "sha256": hashlib.sha256(raw(t)).hexdigest()})
        inv = {"torch": torch.__version__, "safetensors": safetensors.__version__, "file_size": len(blob),
               "header_length": n, "metadata": header.get("__metadata__"), "tensors": entries}
        with open(os.path.join(out_dir, name + ".expected.json"), "w") as f:
            json.dump(inv, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(name, len(blob), "bytes,", len(entries), "tensors")


if __name__ == "__main__":
    main()
