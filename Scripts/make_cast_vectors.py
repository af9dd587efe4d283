#!/usr/bin/env python3
"""Write the dtype-cast test vectors (Golden/pytorch/casts/*.json) from real PyTorch.

    /work/venv/bin/python Scripts/make_cast_vectors.py [OUT_DIR]

Every output is `tensor.to(dst)` of a *contiguous* source tensor, taken under the canonical
capability (ATEN_CPU_CAPABILITY=avx2, set by re-executing this script) with
torch.set_num_threads(1), so the vectorised body / scalar tail split of each copy kernel covers the
whole tensor as one chunk (torch-rng.md §11). Tests read these files; PyTorch is not needed there.

Files (compact JSON, bytes as lowercase hex, multi-byte values little-endian):

* pairs.json: for each of the 12 dtypes an edge-value list ("sources": raw bytes plus
  `tolist()` values), and for each of the 132 (src, dst) pairs the bytes of `src.to(dst)`.
  "positions": NaN-bearing tensors of several lengths for the three casts whose NaN bits depend
  on whether an element falls in the vectorised body or the scalar tail.
* half_exhaustive.json: all 65536 float16 and bfloat16 patterns (as one contiguous tensor,
  pattern i at index i) converted to float32/float64/each other, and the round trips back, as
  sha256 of the output bytes, plus the explicit outputs for the special blocks (exponent all
  ones, exponent zero). "f16_to_f32_tail" is the same conversion with each pattern in the scalar
  tail (chunks of 7 elements).
* patterns.json: deterministic float32, float64 and int64 bit patterns (formulas below, recomputed
  by the Swift tests) converted to every other dtype, as sha256 of the output bytes; float32 →
  float16/bfloat16 outputs also in full.
"""
import hashlib
import json
import math
import os
import struct
import subprocess
import sys
import warnings

if os.environ.get("ATEN_CPU_CAPABILITY") != "avx2":
    env = dict(os.environ, ATEN_CPU_CAPABILITY="avx2")
    sys.exit(subprocess.call([sys.executable] + sys.argv, env=env))

import torch  # noqa: E402

warnings.filterwarnings("ignore")  # complex -> real casts warn about discarding the imaginary part
torch.set_num_threads(1)

DTYPES = [
    torch.float64, torch.float32, torch.float16, torch.bfloat16, torch.complex64, torch.complex128,
    torch.int8, torch.uint8, torch.int16, torch.int32, torch.int64, torch.bool,
]
NAME = {d: str(d).replace("torch.", "") for d in DTYPES}
M32 = (1 << 32) - 1
M64 = (1 << 64) - 1


def raw(t):
    return t.contiguous().view(torch.uint8).numpy().tobytes()


def sha(b):
    return hashlib.sha256(b).hexdigest()


def from_bits(bits, dtype):
    """A tensor of `dtype` whose elements have the given unsigned bit patterns."""
    size = torch.empty(0, dtype=dtype).element_size()
    fmt = {1: "B", 2: "H", 4: "I", 8: "Q"}[size]
    b = struct.pack("<%d%s" % (len(bits), fmt), *bits)
    return torch.frombuffer(bytearray(b), dtype=torch.uint8).view(dtype).clone()


def hexbits(values, size):
    fmt = {2: "H", 4: "I", 8: "Q"}[size]
    return struct.pack("<%d%s" % (len(values), fmt), *values).hex()


# ---------------------------------------------------------------------------------------------
# Edge values per source dtype.
P = 2.0 ** 31
FLOATS = [
    0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 300.7, -2.7, 65536.5, -65536.5, 255.9, 256.0,
    -128.5, 127.9, -129.0, 32767.9, 32768.0, -32768.9, -32769.0, 65535.0, 65519.99, 65520.0, 65504.0,
    65505.0, P + 256, P + 5, P - 1, -P, -P - 1, -P - 0.5, P - 0.5, 2.0 ** 32 + 7, 2.0 ** 53 + 2,
    2.0 ** 63, -2.0 ** 63, 2.0 ** 63 - 1024, 2.0 ** 64, 1e300, -1e300, 3.4028235677973366e38,
    3.4028235e38, 3.40282357e38, math.inf, -math.inf, math.nan, -math.nan,
    1 + 2.0 ** -8 + 2.0 ** -40, 1 + 2.0 ** -11 + 2.0 ** -40, 1 + 2.0 ** -8, 1 + 3 * 2.0 ** -8,
    1 + 2.0 ** -24 + 2.0 ** -60, 2.0 ** -24, 2.0 ** -25, 2.0 ** -25 + 2.0 ** -60, 5.9604645e-8,
    6.1035156e-5, 6.1e-5, 1e-8, 1e-40, 1e-45, 2.0 ** -149, 2.0 ** -150, 2.0 ** -150 + 2.0 ** -200,
    2.0 ** -126 * (1 - 2.0 ** -25), 0.1, -0.1, 1.0 / 3, 3.14159265358979, 1e10, -1e10 - 7, 1e10 + 9,
]
F32_NANS = [0x7FA12345, 0x7F800001, 0xFFBFFFFF, 0x7FC00000, 0xFFC00001, 0x7FFFFFFF, 0x33000000,
            0x33000001, 0x3F808000, 0x3F818000, 0x7F7FFFFF, 0x477FF000, 0x477FEFFF, 0x00000001]
F64_NANS = [0x7FF42468ACF12345, 0x7FF0000000000001, 0x7FF8000000000000, 0xFFFFFFFFFFFFFFFF,
            0xFFF0000020000000, 0x7FF7FFFFFFFFFFFF]
F16_EXTRA = [0x7C01, 0x7D23, 0x7E00, 0xFFFF, 0xFC01, 0x7FFF, 0x0001, 0x8001, 0x03FF, 0x7BFF, 0x7C00,
             0xFC00]
BF16_EXTRA = [0x7F81, 0x7FA1, 0x7FC0, 0xFFFF, 0xFF81, 0x0001, 0x807F, 0x7F7F, 0x7F80, 0xFF80]
INTS = [0, 1, -1, 2, 7, 127, 128, 255, 256, -128, -129, 300, -300, 32767, 32768, 65535, 65536,
        -32768, -32769, 2049, 4097, 65504, 65519, 65520, 2 ** 24 + 1, 2 ** 24 + 3,
        2 ** 24 + 2 ** 16 + 1, 2 ** 24 + 2 ** 16 + 3, 2 ** 31 - 1, -2 ** 31, 2 ** 31, -2 ** 31 - 1,
        2 ** 32 + 5, 2 ** 53 + 1, 2 ** 60 + 2 ** 36 + 1, 2 ** 63 - 1, -2 ** 63, -2 ** 63 + 1,
        123456789, -987654321]
COMPLEX_PARTS = [0.0, -0.0, 1.0, -2.7, 300.7, math.nan, math.inf, 1 + 2.0 ** -8 + 2.0 ** -40, 65520.0,
                 P + 5]


def source(dtype):
    if dtype.is_complex:
        vals = [complex(a, b) for a in COMPLEX_PARTS for b in (0.0, 1.0, -0.0, math.nan)]
        t = torch.tensor(vals, dtype=dtype)
        # Signalling NaNs with payloads in the real and in the imaginary part.
        if dtype == torch.complex64:
            parts = from_bits([0x7FA12345, 0x3F800000, 0x3F800000, 0xFF800001, 0xFFA00000, 0x7F800001], torch.float32)
        else:
            parts = from_bits([0x7FF42468ACF12345, 0, 0x3FF0000000000000, 0xFFF0000000000001,
                               0xFFF4000000000000, 0x7FF0000020000000], torch.float64)
        return torch.cat([t, parts.view(dtype)])
    if dtype.is_floating_point:
        base = torch.tensor(FLOATS, dtype=torch.float64)
        if dtype == torch.float64:
            return torch.cat([base, from_bits(F64_NANS, dtype)])
        t = base.to(dtype)
        extra = {torch.float32: F32_NANS, torch.float16: F16_EXTRA, torch.bfloat16: BF16_EXTRA}[dtype]
        return torch.cat([t, from_bits(extra, dtype)])
    if dtype == torch.bool:
        return torch.tensor([False, True, True, False])
    info = torch.iinfo(dtype)
    return torch.tensor([v for v in INTS if info.min <= v <= info.max], dtype=dtype)


def py_values(t):
    """tolist() values in JSON-safe form: floats as float64 bit hex, ints as decimal strings."""
    out = []
    for v in t.tolist():
        if isinstance(v, bool):
            out.append(v)
        elif isinstance(v, int):
            out.append(str(v))
        elif isinstance(v, float):
            out.append(struct.pack("<d", v).hex())
        else:
            out.append([struct.pack("<d", v.real).hex(), struct.pack("<d", v.imag).hex()])
    return out


def make_pairs():
    sources, pairs = {}, []
    for s in DTYPES:
        x = source(s)
        sources[NAME[s]] = {"count": x.numel(), "bytes": raw(x).hex(), "values": py_values(x)}
        for d in DTYPES:
            if d != s:
                pairs.append({"src": NAME[s], "dst": NAME[d], "bytes": raw(x.to(d)).hex()})
    positions = []
    specs = [
        (torch.float16, torch.float32, [0x7D23, 0x3C00, 0xFC01, 0x7E00, 0x0001]),
        (torch.float64, torch.bfloat16, [0x7FF42468ACF12345, 0x3FF0000000000000, 0xFFF8000000000000]),
        (torch.float32, torch.bfloat16, [0x7FA12345, 0x3F800000, 0xFFC00000]),
        (torch.float32, torch.float16, [0x7FA12345, 0x3F800000, 0xFFC00000]),
        (torch.float64, torch.float16, [0x7FF42468ACF12345, 0x3FF0000000000000, 0xFFF8000000000000]),
    ]
    for s, d, cycle in specs:
        for n in (1, 3, 7, 8, 9, 15, 16, 17, 23, 31, 32, 33, 47, 64, 100):
            x = from_bits([cycle[i % len(cycle)] for i in range(n)], s)
            positions.append({"src": NAME[s], "dst": NAME[d], "count": n, "input": raw(x).hex(),
                              "output": raw(x.to(d)).hex()})
    return {"sources": sources, "pairs": pairs, "positions": positions}


# ---------------------------------------------------------------------------------------------
def make_half():
    out = {}
    for s, tag in ((torch.float16, "f16"), (torch.bfloat16, "bf16")):
        x = torch.arange(65536, dtype=torch.int32).to(torch.int16).view(s)  # pattern i at index i
        f = x.to(torch.float32)
        out[tag + "_to_f32"] = sha(raw(f))
        out[tag + "_to_f64"] = sha(raw(x.to(torch.float64)))
        other = torch.bfloat16 if s == torch.float16 else torch.float16
        out[tag + "_to_" + ("bf16" if tag == "f16" else "f16")] = sha(raw(x.to(other)))
        out[tag + "_roundtrip_f32"] = sha(raw(f.to(s)))
        fb = f.view(torch.int32).numpy().astype("uint32").tolist()
        # Special blocks: exponent all ones (inf, NaN) and exponent zero (zero, subnormals).
        blocks = [(0x7C00, 0x8000), (0xFC00, 0x10000), (0x0000, 0x0400), (0x8000, 0x8400)] \
            if tag == "f16" else [(0x7F80, 0x8000), (0xFF80, 0x10000), (0x0000, 0x0080), (0x8000, 0x8080)]
        out[tag + "_to_f32_special"] = [
            {"first": a, "count": b - a, "f32": hexbits(fb[a:b], 4)} for a, b in blocks]
    # Each float16 pattern converted inside the scalar tail of the f16 -> f32 kernel (width 8).
    x = torch.arange(65536, dtype=torch.int32).to(torch.int16).view(torch.float16)
    tail = torch.cat([x[i:i + 7].to(torch.float32) for i in range(0, 65536, 7)])
    out["f16_to_f32_tail"] = sha(raw(tail))
    return out


# ---------------------------------------------------------------------------------------------
# Deterministic pattern formulas (the Swift tests compute the same).
F32_MANTISSAS = [0, 1, 0xFFF, 0x1000, 0x1001, 0x1FFF, 0x2000, 0x3000, 0x7FFF, 0x8000, 0x8001,
                 0x18000, 0x400000, 0x7FE000, 0x7FF000, 0x7FFFFF]


def f32_patterns():
    """Bands: sign s in {0,1}, exponent e in 0...255, mantissa m in F32_MANTISSAS (8192 values,
    in that nesting order), then 8192 hashed values u_k = (k * 0x9E3779B1 + 0x7F4A7C15) mod 2^32,
    then 3 more hashed values (k = 8192...8194) so the count (16387) is no multiple of 16."""
    bits = [(s << 31) | (e << 23) | m for s in (0, 1) for e in range(256) for m in F32_MANTISSAS]
    bits += [(k * 0x9E3779B1 + 0x7F4A7C15) & M32 for k in range(8195)]
    return bits


def f64_patterns():
    """For k in 0..<4099: h = (k * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) mod 2^64;
    sign = h >> 63; e = EXPS[k % len(EXPS)]; low = LOWS[(k / len(EXPS)) % len(LOWS)] (integer
    division); mantissa = ((h >> 11) & ~(2^29 - 1) & (2^52 - 1)) | low (high 23 bits from h, low 29
    bits from the table: float32 rounding ties and their neighbours)."""
    exps = [0, 1, 2047, 1023, 1024, 1022, 1023 + 15, 1023 + 16, 1023 - 14, 1023 - 15, 1023 - 24,
            1023 - 25, 1023 - 126, 1023 - 127, 1023 - 149, 1023 - 150, 1023 + 127, 1023 + 128,
            1023 + 31, 1023 + 63, 1023 + 8, 1023 - 1]
    lows = [0, 1 << 28, (1 << 28) + 1, (1 << 28) - 1, 1, (1 << 29) - 1, 0x0ABCDEF]
    out = []
    for k in range(4099):
        h = (k * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & M64
        sign = h >> 63
        e = exps[k % len(exps)]
        low = lows[(k // len(exps)) % len(lows)]
        mant = ((h >> 11) & ~((1 << 29) - 1) & ((1 << 52) - 1)) | low
        out.append((sign << 63) | (e << 52) | mant)
    return out


def i64_patterns():
    """For k in 0..<4099: h = (k * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) mod 2^64, read as a
    signed int64 and shifted right arithmetically by (k % 64) bits."""
    out = []
    for k in range(4099):
        h = (k * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & M64
        v = h - (1 << 64) if h >> 63 else h
        out.append((v >> (k % 64)) & M64)
    return out


def make_patterns():
    res = {}
    for tag, s, bits in (("float32", torch.float32, f32_patterns()),
                         ("float64", torch.float64, f64_patterns()),
                         ("int64", torch.int64, i64_patterns())):
        x = from_bits(bits, s)
        entry = {"count": x.numel(), "input_sha256": sha(raw(x)), "outputs": {}}
        for d in DTYPES:
            if d != s:
                entry["outputs"][NAME[d]] = sha(raw(x.to(d)))
        if s == torch.float32:
            entry["float16_bytes"] = raw(x.to(torch.float16)).hex()
            entry["bfloat16_bytes"] = raw(x.to(torch.bfloat16)).hex()
        res[tag] = entry
    return res


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "Golden", "pytorch", "casts")
    os.makedirs(out_dir, exist_ok=True)
    meta = {"torch": torch.__version__, "capability": torch.backends.cpu.get_cpu_capability(),
            "threads": torch.get_num_threads()}
    for name, fn in (("pairs", make_pairs), ("half_exhaustive", make_half), ("patterns", make_patterns)):
        doc = dict(meta)
        doc.update(fn())
        path = os.path.join(out_dir, name + ".json")
        with open(path, "w") as f:
            json.dump(doc, f, separators=(",", ":"), sort_keys=True)
            f.write("\n")
        print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
