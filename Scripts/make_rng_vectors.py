#!/usr/bin/env python3
"""Write the PyTorch RNG goldens of Golden/pytorch/rng/ from REAL torch 2.13.0+cpu.

Every expected value comes from torch itself (the engine vectors also from C++ std::mt19937,
compiled with g++, and numpy's MT19937, both checked against torch's draws). Nothing here is
computed by a reference re-implementation.

Usage (from the repository root):
    /work/venv/bin/python Scripts/make_rng_vectors.py [--out Golden/pytorch/rng]

Writes:
    vectors.json            AVX2 (canonical) capability: tensors, RNG states, engine outputs
    vectors-default.json    the same kinds of cases for a subset, taken in a subprocess under
                            ATEN_CPU_CAPABILITY=default

Encoding: "sha256" is over the contiguous little-endian bytes of the result (float16/bfloat16
as their 16-bit patterns, bool as one byte). "bits" lists every element's bit pattern in hex
for results of at most 64 elements. For a write into a strided view ("layout"), the hash and
bits cover the whole base storage, so untouched elements are checked too.
"""
import hashlib
import json
import math
import os
import platform
import struct
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn as nn

assert torch.__version__.split("+")[0] == "2.13.0", f"need torch 2.13.0, found {torch.__version__}"

DT = {"float32": torch.float32, "float64": torch.float64, "float16": torch.float16,
      "bfloat16": torch.bfloat16, "int64": torch.int64, "int32": torch.int32, "int16": torch.int16,
      "int8": torch.int8, "uint8": torch.uint8, "bool": torch.bool}
BITS_LIMIT = 64
SEEDS = [0, 1, 42, 123456789, 4294967301, -5]
SIZES = [1, 15, 16, 17, 33, 1000]
BIG = 100003
BIG_SEEDS = [0, 4294967301, -5]
CHUNK_SIZES = [31, 4096, 4111, 100000]
FLOATS = ["float32", "float64", "float16", "bfloat16"]
BOUND = 1 / math.sqrt(10)  # nn.Linear(10, ...) bias bound: a range that is not a power of two


def raw_bytes(t):
    t = t.detach().contiguous()
    width = {1: torch.uint8, 2: torch.int16, 4: torch.int32, 8: torch.int64}[t.element_size()]
    if t.dtype == torch.bool:
        return t.to(torch.uint8).numpy().tobytes()
    return t.view(width).numpy().astype(np.dtype(f"<u{t.element_size()}")).tobytes()


def encode(t):
    b = raw_bytes(t)
    out = {"numel": t.numel(), "sha256": hashlib.sha256(b).hexdigest()}
    if t.numel() <= BITS_LIMIT:
        w = t.element_size()
        words = np.frombuffer(b, dtype=np.dtype(f"<u{w}"))
        out["bits"] = ["%0*x" % (2 * w, int(v)) for v in words]
    return out


def seed(s):
    torch.manual_seed(s)


def make_view(dtype, layout):
    base = torch.zeros(layout["storage_numel"], dtype=DT[dtype])
    return base, base.as_strided(layout["size"], layout["stride"], layout["offset"])


def run_case(c):
    """Runs one case on the default generator; returns the tensor whose bytes are hashed."""
    seed(c["seed"])
    kind, shape, dtype, a = c["call"], c["shape"], c["dtype"], c.get("args", {})
    d = DT[dtype]
    if kind == "rand":
        return torch.rand(shape, dtype=d)
    if kind == "randn":
        return torch.randn(shape, dtype=d)
    if kind in ("uniform_", "normal_"):
        if "layout" in a:
            base, t = make_view(dtype, a["layout"])
        else:
            base = t = torch.empty(shape, dtype=d)
        if kind == "uniform_":
            t.uniform_(a["from"], a["to"])
        else:
            t.normal_(a["mean"], a["std"])
        return base
    if kind == "randint":
        return torch.randint(a["low"], a["high"], shape, dtype=d)
    if kind == "randperm":
        return torch.randperm(shape[0], dtype=d)
    if kind == "bernoulli_":
        return torch.empty(shape, dtype=d).bernoulli_(a["p"])
    if kind == "dropout":
        x = torch.arange(1, math.prod(shape) + 1, dtype=d).reshape(shape) * 0.25
        seed(c["seed"])
        return torch.nn.functional.dropout(x, a["p"], training=True)
    if kind in ("kaiming_uniform_", "kaiming_normal_"):
        w = torch.empty(shape, dtype=d)
        fn = nn.init.kaiming_uniform_ if kind == "kaiming_uniform_" else nn.init.kaiming_normal_
        fn(w, a=a["a"], mode=a["mode"], nonlinearity=a["nonlinearity"])
        return w
    if kind == "sequence":
        outs = []
        for step in a["steps"]:
            sd = DT[step["dtype"]]
            n = step["n"]
            if step["call"] == "randn":
                outs.append(torch.randn(n, dtype=sd).double())
            elif step["call"] == "rand":
                outs.append(torch.rand(n, dtype=sd).double())
            elif step["call"] == "randint":
                outs.append(torch.randint(0, 1000, (n,), dtype=sd).double())
            elif step["call"] == "normal_":
                outs.append(torch.empty(n, dtype=sd).normal_(0.3, 1.7).double())
            else:
                raise ValueError(step)
        return torch.cat(outs)
    raise ValueError(kind)


def state_info():
    st = bytes(torch.get_rng_state().numpy())
    the_seed, left, seeded, nxt = struct.unpack_from("<QiiQ", st, 0)
    _, normal_y, _, valid = struct.unpack_from("<dddi", st, 5016)
    return {"length": len(st), "sha256": hashlib.sha256(st).hexdigest(),
            "initial_seed": str(the_seed), "left": left, "seeded": seeded, "next": nxt,
            "normal_y_bits": "%016x" % struct.unpack("<Q", struct.pack("<d", normal_y))[0],
            "normal_is_valid": valid, "head_hex": st[:32].hex(), "tail_hex": st[5016:].hex()}


def case(call, s, shape, dtype, **args):
    c = {"call": call, "seed": s, "shape": list(shape), "dtype": dtype}
    if args:
        c["args"] = args
    arg_text = " ".join(f"{k}={v}" for k, v in sorted(args.items()) if k not in ("steps", "layout"))
    if "layout" in args:
        arg_text += " layout=" + args["layout"]["name"]
    c["id"] = f"{call}[{dtype}] seed={s} shape={list(shape)}" + (f" {arg_text}" if arg_text else "")
    return c


LAYOUTS = [  # base storage + as_strided geometry, named after the view that makes it
    {"name": "t(8x5)", "storage_numel": 40, "size": [5, 8], "stride": [1, 5], "offset": 0},
    {"name": "t(6x7)", "storage_numel": 42, "size": [7, 6], "stride": [1, 7], "offset": 0},
    {"name": "[1::2] of 41", "storage_numel": 41, "size": [20], "stride": [2], "offset": 1},
    {"name": "t(10x9)[1:, ::2]", "storage_numel": 90, "size": [8, 5], "stride": [1, 18], "offset": 1},
    {"name": "permute(2,0,1) of 3x4x5", "storage_numel": 60, "size": [5, 3, 4], "stride": [1, 20, 5],
     "offset": 0},
]

SEQUENCE = [{"call": "randn", "n": 1, "dtype": "float32"}, {"call": "randn", "n": 100, "dtype": "float32"},
            {"call": "randn", "n": 3, "dtype": "float64"}, {"call": "rand", "n": 5, "dtype": "float32"},
            {"call": "randn", "n": 1, "dtype": "float32"}, {"call": "randn", "n": 20, "dtype": "float16"},
            {"call": "randn", "n": 5, "dtype": "bfloat16"}, {"call": "randint", "n": 3, "dtype": "int64"},
            {"call": "normal_", "n": 7, "dtype": "float64"}, {"call": "randn", "n": 17, "dtype": "float64"},
            {"call": "normal_", "n": 1, "dtype": "float32"}]


def avx2_cases():
    cs = []
    for s in SEEDS:
        sizes = SIZES + ([BIG] if s in BIG_SEEDS else [])
        for n in sizes:
            for d in FLOATS:
                cs.append(case("rand", s, [n], d))
                cs.append(case("randn", s, [n], d))
                cs.append(case("uniform_", s, [n], d, **{"from": -BOUND, "to": BOUND}))
                cs.append(case("normal_", s, [n], d, mean=0.3, std=1.7))
                cs.append(case("normal_", s, [n], d, mean=-2.0, std=0.05))
        for n in (1, 16, 17, 1000):
            cs.append(case("randint", s, [n], "int64", low=0, high=10))
            cs.append(case("randint", s, [n], "int64", low=0, high=2 ** 28 - 1))
            cs.append(case("randint", s, [n], "int64", low=0, high=2 ** 28))
            cs.append(case("randint", s, [n], "int64", low=-2 ** 40, high=2 ** 40))
        cs.append(case("randint", s, [17], "int32", low=-5, high=5))
        cs.append(case("randint", s, [17], "uint8", low=0, high=256))
        cs.append(case("randint", s, [17], "float32", low=-1000, high=1000))
        for n in (0, 1, 2, 10, 1000) + ((BIG,) if s in BIG_SEEDS else ()):
            cs.append(case("randperm", s, [n], "int64"))
        cs.append(case("randperm", s, [10], "int32"))
    cs.append(case("randint", 0, [3, 4], "int64", low=-3, high=7))
    for s in (0, 42, -5):
        for n in (7, 1000):
            cs.append(case("bernoulli_", s, [n], "float32", p=0.3))
            cs.append(case("dropout", s, [n], "float32", p=0.1))
            cs.append(case("dropout", s, [n], "float32", p=0.5))
        cs.append(case("bernoulli_", s, [33], "float64", p=0.5))
        cs.append(case("bernoulli_", s, [33], "bool", p=0.7))
        cs.append(case("bernoulli_", s, [33], "int64", p=0.2))
        cs.append(case("bernoulli_", s, [33], "bfloat16", p=0.5))
        cs.append(case("dropout", s, [33], "float64", p=0.25))
        cs.append(case("rand", s, [3, 4], "float32"))
        cs.append(case("randn", s, [2, 8], "float32"))
        cs.append(case("randn", s, [4, 4, 2], "float16"))
        for lay in LAYOUTS:
            for d in ("float32", "float64", "float16"):
                cs.append(case("normal_", s, lay["size"], d, mean=0.3, std=1.7, layout=lay))
                cs.append(case("uniform_", s, lay["size"], d, layout=lay, **{"from": -BOUND, "to": BOUND}))
    for s in (0, 42):
        cs.append(case("kaiming_normal_", s, [64, 3, 7, 7], "float32", a=0.0, mode="fan_out", nonlinearity="relu"))
        cs.append(case("kaiming_normal_", s, [256, 128, 3, 3], "float32", a=0.0, mode="fan_out",
                       nonlinearity="relu"))
        cs.append(case("kaiming_normal_", s, [33, 17, 3, 3], "float32", a=0.2, mode="fan_in",
                       nonlinearity="leaky_relu"))
        cs.append(case("kaiming_normal_", s, [5, 3], "float32", a=0.0, mode="fan_in", nonlinearity="relu"))
        cs.append(case("kaiming_uniform_", s, [33, 17, 3, 3], "float32", a=math.sqrt(5), mode="fan_in",
                       nonlinearity="leaky_relu"))
        cs.append(case("kaiming_uniform_", s, [10, 20], "float32", a=0.0, mode="fan_out", nonlinearity="tanh"))
        cs.append(case("kaiming_uniform_", s, [128, 64, 3, 3], "float32", a=0.0, mode="fan_in",
                       nonlinearity="relu"))
        cs.append(case("kaiming_uniform_", s, [7, 9], "float64", a=math.sqrt(5), mode="fan_in",
                       nonlinearity="leaky_relu"))
        cs.append(case("kaiming_normal_", s, [20, 30], "bfloat16", a=0.0, mode="fan_out", nonlinearity="relu"))
    for s in (0, 7, 4294967301):
        cs.append(case("sequence", s, [0], "float64", steps=SEQUENCE))
    # Lengths around the vectorised path's chunks: Repro draws and transforms 4096 elements
    # (256 blocks of 16) at a time, so these cover one block short of a tail, exactly one chunk,
    # one chunk plus a tail, and many chunks without a tail.
    for s in (0, 42):
        for n in CHUNK_SIZES:
            for d in FLOATS:
                cs.append(case("randn", s, [n], d))
                cs.append(case("normal_", s, [n], d, mean=0.3, std=1.7))
                cs.append(case("uniform_", s, [n], d, **{"from": -BOUND, "to": BOUND}))
    return cs


def default_cases():
    cs = []
    for s in (0, 4294967301):
        for n in (15, 16, 17, 1000, BIG):
            cs.append(case("randn", s, [n], "float32"))
            cs.append(case("normal_", s, [n], "float32", mean=0.3, std=1.7))
            cs.append(case("normal_", s, [n], "float64", mean=0.3, std=1.7))
        for d in ("float16", "bfloat16"):
            cs.append(case("randn", s, [33], d))
        for d in FLOATS:
            cs.append(case("uniform_", s, [1000], d, **{"from": -BOUND, "to": BOUND}))
        cs.append(case("rand", s, [1000], "float32"))
        cs.append(case("kaiming_uniform_", s, [33, 17, 3, 3], "float32", a=math.sqrt(5), mode="fan_in",
                       nonlinearity="leaky_relu"))
        cs.append(case("normal_", s, LAYOUTS[0]["size"], "float32", mean=0.3, std=1.7, layout=LAYOUTS[0]))
    for n in CHUNK_SIZES:
        for d in FLOATS:
            cs.append(case("normal_", 42, [n], d, mean=0.3, std=1.7))
        cs.append(case("uniform_", 42, [n], "float32", **{"from": -BOUND, "to": BOUND}))
    return cs


def run_cases(cs):
    out = []
    for c in cs:
        t = run_case(c)
        c = dict(c)
        c.update(encode(t))
        if c["call"] == "sequence":
            c["state_after"] = state_info()
        out.append(c)
    return out


STATES = [  # (name, seed, steps run after manual_seed)
    ("seed7_fresh", 7, []),
    ("seed7_after_randn5", 7, [{"call": "randn", "n": 5, "dtype": "float32"}]),
    ("seed7_after_randn5_randn5_float64", 7, [{"call": "randn", "n": 5, "dtype": "float32"},
                                               {"call": "randn", "n": 5, "dtype": "float64"}]),
    ("seed7_after_rand1000", 7, [{"call": "rand", "n": 1000, "dtype": "float32"}]),
    ("seed4294967301_fresh", 4294967301, []),
    ("seed-1_fresh", -1, []),
    ("seed5_after_randn700", 5, [{"call": "randn", "n": 700, "dtype": "float32"}]),
    ("seed0_after_randperm1000", 0, [{"call": "randperm", "n": 1000, "dtype": "int64"}]),
]


def run_states():
    out = []
    for name, s, steps in STATES:
        seed(s)
        for st in steps:
            d = DT[st["dtype"]]
            if st["call"] == "randperm":
                torch.randperm(st["n"], dtype=d)
            else:
                getattr(torch, st["call"])(st["n"], dtype=d)
        info = state_info()
        info.update(name=name, seed=s, steps=steps)
        out.append(info)
    return out


def engine_vectors():
    """std::mt19937(seed) outputs from g++ and numpy, checked against torch's draws."""
    idx = [0, 1, 2, 3, 623, 624, 1003, 9999]
    res = {"indices": idx, "seeds": {}}
    for s in (5, 5489, 0, 4294967295):
        bg = np.random.MT19937()
        bg._legacy_seeding(s)                       # init_genrand(s), as std::mt19937(s)
        raw = bg.random_raw(10000).astype(np.uint32)
        # torch: rand(float32) exposes the low 24 bits of each draw; randint(0, 2**32) (a 64-bit
        # draw, range >= 2**28) exposes the second (low) word of each pair.
        seed(s)
        low24 = (torch.rand(10000, dtype=torch.float32) * 2 ** 24).to(torch.int64)
        assert np.array_equal(low24.numpy(), (raw & 0xFFFFFF).astype(np.int64)), "torch vs numpy engine"
        seed(s)
        lows = torch.randint(0, 2 ** 32, (5000,)).numpy()
        assert np.array_equal(lows, raw[1::2].astype(np.int64)), "torch random64 low word"
        res["seeds"][str(s)] = {"values": [int(raw[i]) for i in idx], "source": "numpy MT19937"}
    try:
        src = ("#include <random>\n#include <cstdio>\nint main(){unsigned s[]={5u,5489u,0u,4294967295u};"
               "for(unsigned k=0;k<4;k++){std::mt19937 g(s[k]);for(int i=0;i<10000;i++){unsigned v=g();"
               "if(i==0||i==1||i==2||i==3||i==623||i==624||i==1003||i==9999)printf(\"%u %d %u\\n\",s[k],i,v);}}}")
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "mt.cpp"), "w") as f:
                f.write(src)
            subprocess.run(["g++", "-O1", "-o", os.path.join(tmp, "mt"), os.path.join(tmp, "mt.cpp")], check=True)
            lines = subprocess.run([os.path.join(tmp, "mt")], check=True, capture_output=True,
                                   text=True).stdout.split("\n")
        for ln in filter(None, lines):
            s, i, v = ln.split()
            entry = res["seeds"][s]
            assert entry["values"][idx.index(int(i))] == int(v), "g++ std::mt19937 disagrees"
            entry["source"] = "g++ std::mt19937 and numpy MT19937 (identical)"
    except (OSError, subprocess.CalledProcessError) as e:
        res["note"] = f"g++ unavailable ({e}); values from numpy only"
    return res


def meta():
    return {"torch": torch.__version__, "numpy": np.__version__, "python": platform.python_version(),
            "machine": platform.machine(), "libc": " ".join(platform.libc_ver()),
            "cpu_capability": torch.backends.cpu.get_cpu_capability(),
            "generated_by": "Scripts/make_rng_vectors.py",
            "encoding": "sha256 of contiguous little-endian bytes (16-bit floats as bits, bool as 1 byte); "
                        "bits = every element's bit pattern in hex when numel <= %d; with a layout, the "
                        "whole base storage is hashed" % BITS_LIMIT}


def main(argv):
    out_dir = argv[argv.index("--out") + 1] if "--out" in argv else os.path.join("Golden", "pytorch", "rng")
    if "--default-subset" in argv:
        J = {"meta": meta(), "tensors": run_cases(default_cases())}
        assert J["meta"]["cpu_capability"] == "DEFAULT", J["meta"]["cpu_capability"]
        with open(argv[argv.index("--default-subset") + 1], "w") as f:
            json.dump(J, f, separators=(",", ":"))
        return
    cap = torch.backends.cpu.get_cpu_capability()
    assert cap in ("AVX2", "AVX512"), f"run on an AVX2/AVX-512 machine without ATEN_CPU_CAPABILITY ({cap})"
    os.makedirs(out_dir, exist_ok=True)
    seed(0)
    randn1000 = hashlib.sha256(raw_bytes(torch.randn(1000))).hexdigest()
    J = {"meta": meta(),
         "explicit": {"torch.manual_seed(0); torch.randn(1000)": randn1000},
         "engine": engine_vectors(), "states": run_states(), "tensors": run_cases(avx2_cases())}
    path = os.path.join(out_dir, "vectors.json")
    with open(path, "w") as f:
        json.dump(J, f, separators=(",", ":"))
        f.write("\n")
    env = dict(os.environ, ATEN_CPU_CAPABILITY="default")
    dpath = os.path.join(out_dir, "vectors-default.json")
    subprocess.run([sys.executable, os.path.abspath(__file__), "--default-subset", dpath], env=env, check=True)
    with open(dpath, "a") as f:
        f.write("\n")
    print(f"wrote {path}: {len(J['tensors'])} tensor cases, {len(J['states'])} states (capability {cap}); "
          f"{dpath}; randn(1000) sha256 {randn1000}")


if __name__ == "__main__":
    main(sys.argv[1:])
