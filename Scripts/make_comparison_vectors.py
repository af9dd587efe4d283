"""Writes Golden/pytorch/comparison/assert_close.json: pairs of tensors (made deterministically)
run through torch.testing.assert_close, with PyTorch's verdict and its exact message. The Swift
ReproHarness Comparison tests must agree on pass/fail and reproduce each message.

Run with the pinned torch: /work/venv/bin/python Scripts/make_comparison_vectors.py"""
import json, os
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "Golden", "pytorch", "comparison", "assert_close.json")
g = torch.Generator().manual_seed(20240613)


def enc(t):
    """dtype, shape and the raw little-endian element bytes as hex (exact for every dtype)."""
    t = t.detach().contiguous()
    if t.dtype in (torch.float16, torch.bfloat16):
        raw = t.view(torch.int16).numpy().astype("<i2").tobytes()
    elif t.dtype == torch.bool:
        raw = t.to(torch.uint8).numpy().tobytes()
    else:
        raw = t.numpy().tobytes()
    return {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "hex": raw.hex()}


def randn(shape, dtype):
    if dtype.is_complex:
        re = torch.randn(*shape, generator=g, dtype=torch.float64)
        im = torch.randn(*shape, generator=g, dtype=torch.float64)
        return torch.complex(re, im).to(dtype)
    return torch.randn(*shape, generator=g, dtype=torch.float64).to(dtype)


def randint(shape, dtype, lo, hi):
    return torch.randint(lo, hi, shape, generator=g, dtype=torch.int64).to(dtype)


pairs = []


def add(name, actual, expected, transpose_actual=False, **kw):
    """Runs assert_close(actual, expected, **kw); `transpose_actual` passes actual.t() (a
    non-contiguous view of the contiguous tensor that is recorded)."""
    a = actual.t() if transpose_actual else actual
    try:
        torch.testing.assert_close(a, expected, **kw)
        passed, message = True, None
    except AssertionError as e:
        passed, message = False, str(e)
    pairs.append({"name": name, "actual": enc(actual), "transpose_actual": transpose_actual,
                  "expected": enc(expected), "options": kw, "passed": passed, "message": message})


FLOATS = [torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.complex64, torch.complex128]
for dt in FLOATS:
    n = str(dt).replace("torch.", "")
    rtol, atol = torch.testing._comparison.default_tolerances(dt)
    e = randn((4, 5), dt)
    add(f"{n}/identical", e.clone(), e)
    # Inside the tolerance everywhere: a relative change of a quarter of rtol.
    add(f"{n}/within_rtol", (e.to(torch.complex128 if dt.is_complex else torch.float64) * (1 + rtol / 4)).to(dt), e)
    # A few elements far outside.
    a = e.clone()
    flat = a.view(-1)
    flat[3] = flat[3] + 0.5
    flat[11] = flat[11] * 1.5
    flat[17] = flat[17] - 3
    add(f"{n}/three_mismatches", a, e)
    # Every element perturbed by noise around the tolerance: a mix of passes and failures.
    e3 = randn((3, 4, 5), dt)
    noise = randn((3, 4, 5), dt)
    scale = (e3.abs().to(torch.float64) * rtol + atol) * 2
    a3 = (e3.to(torch.complex128 if dt.is_complex else torch.float64) + noise.to(torch.complex128 if dt.is_complex else torch.float64) * scale).to(dt)
    add(f"{n}/noise_3d", a3, e3)
    add(f"{n}/noise_3d_loose", a3, e3, rtol=0.5, atol=0.05)
    add(f"{n}/noise_3d_equality", a3, e3, rtol=0.0, atol=0.0)
    # Exact zeros expected: relative difference is inf.
    z = torch.zeros(6, dtype=dt)
    az = z.clone()
    az[2] = 1e-3
    az[4] = -2e-2
    add(f"{n}/zeros_expected", az, z)
    # Ties: two equal greatest differences; PyTorch names the first.
    t = torch.ones(5, dtype=dt)
    at = t.clone()
    at[1] = 2
    at[3] = 2
    add(f"{n}/tie", at, t)
    # Signed zeros are equal.
    add(f"{n}/signed_zero", torch.tensor([0.0, -0.0, 1.0]).to(dt), torch.tensor([-0.0, 0.0, 1.0]).to(dt))
    # 0-d tensors take PyTorch's scalar message.
    add(f"{n}/scalar", torch.tensor(1.5).to(dt), torch.tensor(1.25).to(dt))
    add(f"{n}/scalar_zero", torch.tensor(0.5).to(dt), torch.tensor(0.0).to(dt))
    if dt.is_complex:
        add(f"{n}/imag_only", torch.tensor([1 + 1j, 2 + 2j]).to(dt), torch.tensor([1 + 1j, 2 + 2.5j]).to(dt))
        continue
    nan, inf = float("nan"), float("inf")
    vals = torch.tensor([1.0, nan, 3.0, inf, -inf, 6.0]).to(dt)
    add(f"{n}/nan_same_place", vals.clone(), vals)
    add(f"{n}/nan_same_place_equal_nan", vals.clone(), vals, equal_nan=True)
    add(f"{n}/nan_vs_number", torch.tensor([1.0, 2.0, 3.0]).to(dt), torch.tensor([1.0, nan, 3.0]).to(dt))
    add(f"{n}/number_vs_nan", torch.tensor([1.0, nan, 3.0]).to(dt), torch.tensor([1.0, 2.0, 3.0]).to(dt), equal_nan=True)
    add(f"{n}/inf_signs", torch.tensor([inf, -inf, 1.0]).to(dt), torch.tensor([-inf, -inf, 1.0]).to(dt))
    add(f"{n}/inf_vs_big", torch.tensor([inf, 2.0]).to(dt), torch.tensor([60000.0, 2.0]).to(dt))
    add(f"{n}/big_vs_inf", torch.tensor([60000.0, 2.0]).to(dt), torch.tensor([inf, 2.0]).to(dt))
    add(f"{n}/nan_and_mismatch", torch.tensor([1.0, nan, 5.0, 2.0]).to(dt), torch.tensor([1.0, 1.0, 3.0, 2.0]).to(dt))
    add(f"{n}/opposite_extremes", torch.tensor([60000.0, -60000.0]).to(dt), torch.tensor([-60000.0, 60000.0]).to(dt))
    add(f"{n}/tiny_values", torch.tensor([1e-6, 2e-7, 3e-5]).to(dt), torch.tensor([1.1e-6, 0.0, 1e-5]).to(dt))
    add(f"{n}/transposed_actual", e.t().contiguous(), e, transpose_actual=True)
    # Custom tolerances at the edge: |a - e| exactly at atol.
    add(f"{n}/custom_tolerance", torch.tensor([1.0, 2.0, 3.5]).to(dt), torch.tensor([1.25, 2.0, 3.0]).to(dt), rtol=0.0, atol=0.25)
    add(f"{n}/custom_rtol_only", torch.tensor([1.0, 2.0, 3.5]).to(dt), torch.tensor([1.25, 2.0, 3.0]).to(dt), rtol=0.2, atol=0.0)

INTS = [torch.int8, torch.uint8, torch.int16, torch.int32, torch.int64]
for dt in INTS:
    n = str(dt).replace("torch.", "")
    lo, hi = (0, 200) if dt == torch.uint8 else (-100, 100)
    e = randint((3, 4), dt, lo, hi)
    add(f"{n}/identical", e.clone(), e)
    a = e.clone()
    a.view(-1)[5] += 3
    a.view(-1)[7] -= 1
    add(f"{n}/two_mismatches", a, e)
    add(f"{n}/two_mismatches_tolerance", a, e, rtol=0.05, atol=1.0)
    add(f"{n}/zero_expected", torch.tensor([0, 4, 0]).to(dt), torch.tensor([0, 0, 0]).to(dt))
    add(f"{n}/scalar", torch.tensor(7).to(dt), torch.tensor(5).to(dt))
    add(f"{n}/transposed_actual", e.t().contiguous(), e, transpose_actual=True)
add("uint8/wraparound", torch.tensor([0, 255, 3], dtype=torch.uint8), torch.tensor([255, 0, 3], dtype=torch.uint8))
add("int64/huge", torch.tensor([2**62, -2**62, 5]), torch.tensor([-2**62, 2**62, 5]))
add("int64/big_close", torch.tensor([10**12 + 1, 7]), torch.tensor([10**12, 7]))
add("int64/big_close_tolerance", torch.tensor([10**12 + 1, 7]), torch.tensor([10**12, 7]), rtol=1e-9, atol=0.0)
add("bool/identical", torch.tensor([True, False, True]), torch.tensor([True, False, True]))
add("bool/mismatch", torch.tensor([True, True, False, False]), torch.tensor([True, False, True, False]))
add("bool/scalar", torch.tensor(True), torch.tensor(False))

# Attribute checks come before values: shape, device, dtype (stride only with check_stride).
add("attr/shape", torch.zeros(2, 3), torch.zeros(3, 2))
add("attr/shape_scalar", torch.zeros(1), torch.tensor(0.0))
add("attr/dtype", torch.zeros(2, 3), torch.zeros(2, 3, dtype=torch.float64))
add("attr/dtype_unchecked", torch.zeros(2, 3), torch.zeros(2, 3, dtype=torch.float64), check_dtype=False)
add("attr/dtype_unchecked_mismatch", torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.5], dtype=torch.float64), check_dtype=False)
add("attr/stride", torch.zeros(3, 2), torch.zeros(2, 3), transpose_actual=True, check_stride=True)
add("attr/stride_unchecked", torch.zeros(3, 2), torch.zeros(2, 3), transpose_actual=True)
add("empty", torch.zeros(0, 3), torch.zeros(0, 3))

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "pairs": pairs}, f, separators=(",", ":"))
    f.write("\n")
print(f"{len(pairs)} pairs, {sum(not p['passed'] for p in pairs)} failing -> {OUT}")
