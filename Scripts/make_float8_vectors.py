#!/usr/bin/env python3
"""Write the cast vectors of the float8, uint16/32/64 and complex32 dtypes from real PyTorch.

    .venv/bin/python Scripts/make_float8_vectors.py [OUT_DIR]     # default Golden/pytorch/casts

Like Scripts/make_cast_vectors.py: every output is `tensor.to(dst)` of a contiguous source tensor
under ATEN_CPU_CAPABILITY=avx2 (the script re-executes itself with it) and one thread. It then runs
itself once more under the machine's default capability (AVX512 here) and records in
"default_capability_same" whether every output was identical there.

Files (compact JSON, bytes as lowercase hex, multi-byte values little-endian):

* float8.json, for each of the five float8 dtypes:
  - "to_float32": the float32 bits of all 256 patterns (pattern i at index i), explicit.
  - "to_float64": sha256 of the float64 outputs of the same 256 patterns.
  - "boundary": float32 inputs around every positive value of the format (the value, its float32
    neighbours, each midpoint between consecutive values and the midpoint's neighbours), the
    format's largest finite value and overflow thresholds, float32 max/min subnormal, +inf,
    NaNs with payloads, then the negatives of 0, the smallest subnormal, inf, two NaNs, float32
    max and six mid-range inputs; "input" and "output" explicit.
  - "dense": sha256 of `x.to(dtype)` for the 393,216 float32 patterns
    bits = s<<31 | e<<23 | t<<16 | low for s in 0...1, e in 0...255, t in 0...127 and
    low in DENSE_LOWS (nested in that order, low fastest): every float8 value, every rounding
    midpoint and its ±1 ulp, every exponent including float32 subnormals, inf and NaN payloads.
  - "from_float64": float64 inputs (each positive midpoint m between consecutive values as m,
    m*(1+2^-30), m*(1-2^-30)) and the float8 outputs: float64 rounds to float32 first (so
    m*(1+2^-30) ties like m), which a direct rounding would not do.
* new_dtype_pairs.json: "sources" for the nine new dtypes (float8: all 256 patterns; uint16/32/64
  and complex32: edge values as raw bytes); "pairs": for every (src, dst) pair of the 21 dtypes
  where src or dst is new, the output bytes of `src.to(dst)` (explicit), or their sha256 when the
  source is a float8 dtype ("sha256" instead of "bytes"; the values go through float32, which
  float8.json checks explicitly). Sources of the 12 classic dtypes are those of pairs.json.
  "uint32_positions": float32/float64/bfloat16/float16/complex64/complex128 tensors of several
  lengths cycling through NaN, -1e10, 1e10, 3e9, -1, 2.5, -3e9, and their `.to(torch.uint32)`:
  torch's vector body and scalar tail give different results for the first three.
* ../dtypes/dtypes.json: for each of the 21 dtypes what torch and safetensors say: str, itemsize,
  is_floating_point/is_complex/is_signed, the dtype name safetensors.torch.save writes (null when it
  raises) and whether safetensors.torch.load(bytes) / load_file read it back, how torch.save pickles a 3-element tensor (rebuild function, storage class, storage
  numel, dtype global), torch.finfo for floating dtypes.
* ../comparison/assert_close_new_dtypes.json: torch.testing.assert_close on float8, uint16/32/64
  and complex32 pairs (identical, one element differs, NaN with and without equal_nan, 0-d), with
  torch's verdict and exact message, in the format of assert_close.json.
"""
import hashlib
import json
import os
import struct
import subprocess
import sys
import warnings

CANONICAL = os.environ.get("REPRO_F8_DEFAULT_CAPABILITY") != "1"
if CANONICAL and os.environ.get("ATEN_CPU_CAPABILITY") != "avx2":
    env = dict(os.environ, ATEN_CPU_CAPABILITY="avx2")
    sys.exit(subprocess.call([sys.executable] + sys.argv, env=env))

import torch  # noqa: E402

warnings.filterwarnings("ignore")  # complex -> real casts warn; complex32 is "experimental"
torch.set_num_threads(1)
assert torch.__version__ == "2.13.0+cpu", torch.__version__

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_cast_vectors as classic  # noqa: E402  (its module body only defines; ATEN env is ours)

F8 = [torch.float8_e4m3fn, torch.float8_e5m2, torch.float8_e4m3fnuz, torch.float8_e5m2fnuz,
      torch.float8_e8m0fnu]
NEW = F8 + [torch.uint16, torch.uint32, torch.uint64, torch.complex32]
ALL = classic.DTYPES + NEW
NAME = {d: str(d).replace("torch.", "") for d in ALL}
DENSE_LOWS = [0x0000, 0x0001, 0x7FFF, 0x8000, 0x8001, 0xFFFF]


def raw(t):
    return t.contiguous().view(torch.uint8).numpy().tobytes()


def sha(b):
    return hashlib.sha256(b).hexdigest()


def f32_bits_tensor(bits):
    return torch.tensor([b - (1 << 32) if b >> 31 else b for b in bits], dtype=torch.int64) \
        .to(torch.int32).view(torch.float32)


def f32_of(bits):
    return struct.unpack("<f", struct.pack("<I", bits))[0]


def bits_of(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def all_patterns(dtype):
    return torch.arange(256, dtype=torch.int32).to(torch.uint8).view(dtype)


def boundary_inputs(dtype):
    """float32 bit patterns around every finite value of `dtype` (see the module docstring)."""
    vals = all_patterns(dtype).to(torch.float32)
    finite = sorted({v for v in vals.tolist() if v == v and abs(v) != float("inf")})
    pos = sorted({abs(v) for v in finite})
    out = set()
    for v in pos:
        b = bits_of(v)
        out.update([b, b + 1, b - 1 if b > 0 else 0])
    for a, c in zip(pos, pos[1:]):
        m = bits_of((a + c) / 2)  # exact: consecutive float8 values differ in few bits
        assert f32_of(m) == (a + c) / 2
        out.update([m - 1, m, m + 1])
    top = pos[-1]
    step = top - pos[-2]
    for x in (top + step / 2, top + step, top * 2, 65504.0, 65520.0, 3.4028234663852886e38,
              1e-45, 1.1754942e-38, 1.1754944e-38, 0.0):
        if x > 3.4028234663852886e38:
            continue
        b = bits_of(x)
        out.update([b, b + 1, max(b - 1, 0)])
    out.update([0x7F800000, 0x7F800001, 0x7FC00000, 0x7FA12345, 0x7FFFFFFF, 0x7F7FFFFF])
    out = sorted(b & 0x7FFFFFFF for b in out)
    # Negative inputs: the dense set covers them all; here the specials, zero and a few values.
    neg = [0, 1, 0x7F800000, 0x7F800001, 0x7FC00000, 0x7F7FFFFF] + out[len(out) // 2:len(out) // 2 + 6]
    return out + [b | 0x80000000 for b in neg]


def midpoint_doubles(dtype):
    """float64 inputs that round differently directly and through float32: each positive
    midpoint m between consecutive values of `dtype` as m, m*(1+2^-30), m*(1-2^-30)."""
    pos = sorted({abs(v) for v in all_patterns(dtype).to(torch.float64).tolist()
                  if v == v and abs(v) != float("inf")})
    mids = [(a + c) / 2 for a, c in zip(pos, pos[1:])]
    return [x for m in mids for x in (m, m * (1 + 2.0 ** -30), m * (1 - 2.0 ** -30))]


def dense_bits():
    return [(s << 31) | (e << 23) | (t << 16) | low
            for s in (0, 1) for e in range(256) for t in range(128) for low in DENSE_LOWS]


def make_float8():
    doc = {}
    dense = f32_bits_tensor(dense_bits())
    for d in F8:
        x = all_patterns(d)
        b = boundary_inputs(d)
        xb = f32_bits_tensor(b)
        doubles = torch.tensor(midpoint_doubles(d), dtype=torch.float64)
        doc[NAME[d]] = {
            "to_float32": raw(x.to(torch.float32)).hex(),
            "to_float64": sha(raw(x.to(torch.float64))),
            "boundary": {"count": len(b), "input": raw(xb).hex(), "output": raw(xb.to(d)).hex()},
            "dense": {"count": dense.numel(), "output_sha256": sha(raw(dense.to(d)))},
            "from_float64": {"count": doubles.numel(), "input": raw(doubles).hex(),
                             "output": raw(doubles.to(d)).hex()},
        }
    doc["dense_lows"] = DENSE_LOWS
    return doc


def from_bits(bits, dtype):
    size = torch.empty(0, dtype=dtype).element_size()
    fmt = {1: "B", 2: "H", 4: "I", 8: "Q"}[size]
    return torch.frombuffer(bytearray(struct.pack("<%d%s" % (len(bits), fmt), *bits)),
                            dtype=torch.uint8).view(dtype).clone()


UINT_EXTRA = [0, 1, 2, 7, 127, 128, 255, 256, 32767, 32768, 65504, 65519, 65520, 65535, 65536,
              65537, 2 ** 24 + 1, 2 ** 24 + 3, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32 - 1,
              2 ** 32, 2 ** 32 + 5, 2 ** 53 + 1, 2 ** 60 + 2 ** 36 + 1, 2 ** 63 - 1, 2 ** 63,
              2 ** 63 + 1, 2 ** 63 + 2 ** 40 + 1, 2 ** 64 - 2 ** 40, 2 ** 64 - 1, 123456789,
              3987654321, 2 ** 64 - 987654321]
C32_PARTS = [0x0000, 0x8000, 0x3C00, 0xBC00, 0x7BFF, 0x0001, 0x03FF, 0x7C00, 0xFC00, 0x7E00,
             0x7C01, 0xFD23, 0x4248, 0x5A00]


def new_source(d):
    if d in F8:
        return all_patterns(d)
    if d == torch.complex32:
        halves = []
        for i, a in enumerate(C32_PARTS):
            for b in (C32_PARTS[(i * 5 + 3) % len(C32_PARTS)], 0x0000, 0x3C00):
                halves += [a, b]
        return from_bits(halves, torch.float16).view(torch.complex32)
    bits = torch.iinfo(d).bits
    return from_bits([v for v in UINT_EXTRA if v < (1 << bits)], d)


def make_pairs():
    sources = {}
    src_tensors = {}
    for s in ALL:
        x = new_source(s) if s in NEW else classic.source(s)
        src_tensors[s] = x
        if s in NEW:
            sources[NAME[s]] = {"count": x.numel(), "bytes": raw(x).hex()}
    pairs = []
    for s in ALL:
        for d in ALL:
            if s == d or (s not in NEW and d not in NEW):
                continue
            out = raw(src_tensors[s].to(d))
            e = {"src": NAME[s], "dst": NAME[d]}
            if s in F8:
                e["sha256"] = sha(out)
            else:
                e["bytes"] = out.hex()
            pairs.append(e)
    # float -> uint32: the vector body and the scalar tail of torch's loop disagree on NaN,
    # negatives below -2^31 and values from 2^32 up; which elements are in the body depends on
    # the count.
    cycle = [float("nan"), -1e10, 1e10, 3e9, -1.0, 2.5, -3e9]
    positions = []
    for s in (torch.float32, torch.float64, torch.bfloat16, torch.float16, torch.complex64, torch.complex128):
        for n in list(range(1, 18)) + [31, 32, 33, 100]:
            x = torch.tensor([cycle[i % len(cycle)] for i in range(n)], dtype=torch.float64).to(s)
            positions.append({"src": NAME[s], "count": n, "input": raw(x).hex(), "output": raw(x.to(torch.uint32)).hex()})
    return {"sources": sources, "pairs": pairs, "uint32_positions": positions}


def pickle_facts(dtype):
    """How torch.save pickles a tensor of `dtype`: rebuild function, storage class, storage numel."""
    import io
    import pickletools
    import zipfile
    buf = io.BytesIO()
    torch.save(torch.zeros(3, dtype=dtype), buf)
    z = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    ops = list(pickletools.genops(z.read("archive/data.pkl")))
    globals_ = [arg.replace(" ", ".") for op, arg, _ in ops if op.name == "GLOBAL"]
    numel = [arg for op, arg, _ in ops if op.name in ("BININT1", "BININT2", "BININT")][0]
    return {"rebuild": globals_[0], "storage_class": globals_[1], "storage_numel_for_3_elements": numel,
            "dtype_global": globals_[3] if len(globals_) > 3 else None}


def make_dtype_facts():
    """What torch and safetensors say about each of the 21 dtypes."""
    import tempfile
    from safetensors.torch import load, load_file, save, save_file

    def st_facts(d):
        """The dtype name safetensors.torch.save writes (None when it raises), and whether
        load(bytes) and load_file read it back."""
        try:
            b = save({"t": torch.zeros(2, dtype=d)})
        except Exception:  # noqa: BLE001 - the refusal is the fact
            return {"safetensors": None}
        n = int.from_bytes(b[:8], "little")
        out = {"safetensors": json.loads(b[8:8 + n])["t"]["dtype"]}
        for what, fn in (("load_bytes", lambda: load(b)),
                         ("load_file", lambda: (save_file({"t": torch.zeros(2, dtype=d)}, tmp), load_file(tmp)))):
            try:
                fn()
                out["safetensors_" + what] = "ok"
            except Exception as e:  # noqa: BLE001
                out["safetensors_" + what] = f"{type(e).__name__}: {e}"
        return out

    tmp = os.path.join(tempfile.mkdtemp(), "probe.safetensors")
    out = {}
    for d in ALL:
        e = {"str": str(d), "itemsize": d.itemsize, "is_floating_point": d.is_floating_point,
             "is_complex": d.is_complex, "is_signed": d.is_signed}
        e.update(st_facts(d))
        e.update(pickle_facts(d))
        if d.is_floating_point:
            fi = torch.finfo(d)
            e["finfo"] = {k: float(getattr(fi, k)) for k in ("max", "min", "tiny", "eps", "smallest_normal")}
        out[NAME[d]] = e
    return {"dtypes": out}


def make_assert_close():
    """torch.testing.assert_close on the new dtypes: verdict and exact message (the format of
    Golden/pytorch/comparison/assert_close.json)."""
    pairs = []

    def enc(t):
        t = t.detach().contiguous()
        return {"dtype": NAME[t.dtype], "shape": list(t.shape), "hex": raw(t.reshape(-1)).hex()}

    def add(name, actual, expected, **kw):
        try:
            torch.testing.assert_close(actual, expected, **kw)
            passed, message = True, None
        except AssertionError as e:
            passed, message = False, str(e)
        pairs.append({"name": name, "actual": enc(actual), "transpose_actual": False,
                      "expected": enc(expected), "options": kw, "passed": passed, "message": message})

    for d in F8:
        n = NAME[d]
        e = torch.tensor([[1.0, 2.0, 0.5], [4.0, 8.0, 16.0]]).to(d)
        add(f"{n}/identical", e.clone(), e)
        a = e.clone().view(torch.uint8)
        a[1, 1] += 1
        add(f"{n}/one_pattern_differs", a.view(d), e)
        nan = {torch.float8_e4m3fnuz: 0x80, torch.float8_e5m2fnuz: 0x80, torch.float8_e8m0fnu: 0xFF}.get(d, 0x7F)
        x = e.clone().view(torch.uint8)
        x[0, 2] = nan
        add(f"{n}/nan_vs_nan", x.view(d), x.view(d).clone())
        add(f"{n}/nan_vs_nan_equal_nan", x.view(d), x.view(d).clone(), equal_nan=True)
        add(f"{n}/scalar_differs", a.view(d)[1, 1].clone(), e[1, 1].clone())
    for d in (torch.uint16, torch.uint32, torch.uint64):
        n = NAME[d]
        top = (1 << torch.iinfo(d).bits) - 1
        e = from_bits([0, 1, 7, top, top - 5, 300], d)
        add(f"{n}/identical", e.clone(), e)
        add(f"{n}/top_differs", from_bits([0, 1, 7, top - 1, top - 5, 300], d), e)
        add(f"{n}/small_differs", from_bits([0, 2, 7, top, top - 5, 300], d), e)
        add(f"{n}/scalar_differs", from_bits([top - 1], d)[0].clone(), from_bits([top], d)[0].clone())
    c = torch.tensor([1 + 1j, 2 - 0.5j, 300 + 0j]).to(torch.complex32)
    add("complex32/identical", c.clone(), c)
    add("complex32/within_default", (torch.tensor([1 + 1j, 2.001 - 0.5j, 300 + 0j])).to(torch.complex32), c)
    add("complex32/outside_default", (torch.tensor([1 + 1j, 2.25 - 0.5j, 300 + 0j])).to(torch.complex32), c)
    return {"pairs": pairs}


def build():
    return {"float8": make_float8(), "new_dtype_pairs": make_pairs()}


def main():
    if not CANONICAL:  # the comparison run: print the digests of everything
        docs = build()
        print(json.dumps({k: sha(json.dumps(v, sort_keys=True).encode()) for k, v in docs.items()}))
        return
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "Golden", "pytorch", "casts")
    os.makedirs(out_dir, exist_ok=True)
    facts = os.path.join(HERE, "..", "Golden", "pytorch", "dtypes", "dtypes.json")
    os.makedirs(os.path.dirname(facts), exist_ok=True)
    with open(facts, "w") as f:
        json.dump({"torch": torch.__version__, **make_dtype_facts()}, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", facts)
    close = os.path.join(HERE, "..", "Golden", "pytorch", "comparison", "assert_close_new_dtypes.json")
    with open(close, "w") as f:
        json.dump({"torch": torch.__version__, **make_assert_close()}, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", close)
    docs = build()
    env = dict(os.environ, REPRO_F8_DEFAULT_CAPABILITY="1")
    env.pop("ATEN_CPU_CAPABILITY", None)
    other = json.loads(subprocess.check_output([sys.executable, os.path.abspath(__file__)], env=env)
                       .decode().strip().splitlines()[-1])
    default_cap = subprocess.check_output(
        [sys.executable, "-c", "import torch; print(torch.backends.cpu.get_cpu_capability())"],
        env=env).decode().strip()
    for name, body in docs.items():
        doc = {"torch": torch.__version__, "capability": torch.backends.cpu.get_cpu_capability(),
               "threads": torch.get_num_threads(), "default_capability": default_cap,
               "default_capability_same": other[name] == sha(json.dumps(body, sort_keys=True).encode())}
        doc.update(body)
        path = os.path.join(out_dir, name + ".json")
        with open(path, "w") as f:
            json.dump(doc, f, separators=(",", ":"), sort_keys=True)
            f.write("\n")
        print("wrote", path, os.path.getsize(path), "bytes; same under", default_cap, ":",
              doc["default_capability_same"])


if __name__ == "__main__":
    main()
