"""Goldens for `repro compare` (Golden/pytorch/compare/).

For each case, torch.testing.assert_close(candidate[k], reference[k], check_dtype=False) per
key (the default rtol/atol of the less precise dtype, as assert_close picks them when the dtypes
differ), plus the figures Repro reports: both sides upcast to float64, max |c - r|, max
|c - r| / |r|, the number of elements outside atol + rtol * |r|, and the worst flat index
(greatest absolute difference) with both values. Also writes seq_mlp_fp32_perturbed.pt: a copy
of seq_mlp_fp32.pt with one value changed, saved by torch.save.

Every tensor key also gets `ulp_dtype` and `max_ulp`: both sides rounded to the less precise
dtype with `Tensor.to` (fewer significand bits; on a tie the reference's), then the largest
distance between their integer views (sign-magnitude bits mapped to a monotone integer line),
which is what `repro compare --max-ulp N` checks.

The key-mapping and non-tensor cases (see `main`):
- seq_mlp_ulp_shifted.pt: seq_mlp_fp32.pt with elements moved by a known number of float32 ULPs
  through the int32 view; ulp_shifted.json has per key the max ULP and, for N in ULP_LIMITS, the
  number of elements more than N ULPs away.
- seq_mlp_renamed.pt: seq_mlp_fp32.pt with keys 0.* renamed fc1.*, 2.* renamed fc2.*.
- seq_mlp_layout.pt: 0.weight saved with stride (1, 2), 2.weight reshaped to [2]; layout.json
  has the shapes, strides and assert_close's verdicts with and without check_stride.
- values_reference.pt / values_candidate.pt: a training checkpoint (model state dict, epoch,
  loss, hyper-parameters, optimizer state, numpy scalars and arrays) and a copy whose non-tensor
  values move by less and by more than assert_close's tolerance, or change type; values.json
  holds per key assert_close(candidate, reference)'s verdict (check_dtype=True for Python and
  numpy numbers, whose .item() assert_close compares; check_dtype=False for tensors and arrays),
  or Python == for values assert_close does not take (str, None).

Run: .venv/bin/python Scripts/make_compare_goldens.py
"""

import json
import os

import numpy as np
import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
INTEROP = os.path.join(ROOT, "Golden", "pytorch", "interop")
OUT = os.path.join(ROOT, "Golden", "pytorch", "compare")

# Perturbed copy: 0.weight[1, 0] (flat index 2) moves by +0.5.
PERTURBED = "seq_mlp_fp32_perturbed.pt"


def load(path):
    return torch.load(path, weights_only=True, map_location="cpu")


def figures(ref, cand, rtol, atol):
    r = ref.detach().to(torch.float64).reshape(-1)
    c = cand.detach().to(torch.float64).reshape(-1)
    diff = (c - r).abs()
    rel = diff / r.abs()
    rel[diff == 0] = 0.0
    mismatches = int((diff > atol + rtol * r.abs()).sum())
    worst = int(diff.argmax()) if diff.numel() else None
    return {
        "max_abs": float(diff.max()) if diff.numel() else 0.0,
        "max_rel": float(rel.max()) if rel.numel() else 0.0,
        "mismatches_float64": mismatches,
        "elements": int(r.numel()),
        "worst_flat_index": worst,
        "worst_reference": float(r[worst]) if worst is not None else None,
        "worst_candidate": float(c[worst]) if worst is not None else None,
    }


SIGNIFICAND_BITS = {
    torch.float64: 52, torch.float32: 23, torch.float16: 10, torch.bfloat16: 7,
    torch.float8_e4m3fn: 3, torch.float8_e4m3fnuz: 3, torch.float8_e5m2: 2,
    torch.float8_e5m2fnuz: 2, torch.float8_e8m0fnu: 0,
}
INT_VIEW = {8: torch.int64, 4: torch.int32, 2: torch.int16, 1: torch.int8}


def ulp_dtype(ref_dtype, cand_dtype):
    """The less precise of two floating dtypes: fewer significand bits, the reference's on a tie."""
    if SIGNIFICAND_BITS[cand_dtype] < SIGNIFICAND_BITS[ref_dtype]:
        return cand_dtype
    return ref_dtype


def ordered(t):
    """Integer views of floats on one monotone line (-0 and +0 both 0), as int64."""
    size = t.element_size()
    i = t.contiguous().view(INT_VIEW[size]).to(torch.int64)
    magnitude = i & ((1 << (8 * size - 1)) - 1)
    return torch.where(i < 0, -magnitude, magnitude)


def ulp_distances(ref, cand):
    """Per element ULP distance in the less precise dtype, flattened (int64)."""
    dtype = ulp_dtype(ref.dtype, cand.dtype)
    r = ref.detach().to(dtype).reshape(-1)
    c = cand.detach().to(dtype).reshape(-1)
    return dtype, (ordered(c) - ordered(r)).abs()


def default_tolerance(a, b):
    # torch.testing._comparison.default_tolerances: the larger of both dtypes' defaults.
    from torch.testing._comparison import default_tolerances

    return default_tolerances(a, b)


def case(name, reference, candidate, strip_prefix=None):
    ref = load(os.path.join(INTEROP, reference) if "/" not in reference else reference)
    cand_path = os.path.join(INTEROP, candidate) if os.path.exists(os.path.join(INTEROP, candidate)) else os.path.join(OUT, candidate)
    cand = load(cand_path)
    if strip_prefix:
        ref = {k[len(strip_prefix):] if k.startswith(strip_prefix) else k: v for k, v in ref.items()}
        cand = {k[len(strip_prefix):] if k.startswith(strip_prefix) else k: v for k, v in cand.items()}
    keys = {}
    all_passed = True
    for k, r in ref.items():
        c = cand[k]
        rtol, atol = default_tolerance(c, r)
        try:
            torch.testing.assert_close(c, r, check_dtype=False)
            verdict, message = True, None
        except AssertionError as e:
            verdict, message = False, str(e)
        all_passed = all_passed and verdict
        entry = {
            "reference_dtype": str(r.dtype).replace("torch.", ""),
            "candidate_dtype": str(c.dtype).replace("torch.", ""),
            "rtol": rtol,
            "atol": atol,
            "torch_passed": verdict,
            "torch_message": message,
        }
        entry.update(figures(r, c, rtol, atol))
        if r.dtype.is_floating_point and c.dtype.is_floating_point:
            dtype, ulps = ulp_distances(r, c)
            entry["ulp_dtype"] = str(dtype).replace("torch.", "")
            entry["max_ulp"] = int(ulps.max()) if ulps.numel() else 0
        keys[k] = entry
    doc = {
        "reference": reference,
        "candidate": candidate,
        "strip_prefix": strip_prefix,
        "torch_version": torch.__version__,
        "passed": all_passed,
        "keys": keys,
    }
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    print(name, "passed" if all_passed else "FAILED")


ULP_LIMITS = [0, 1, 3, 4, 5]
# (key, flat index, ULPs to move by) in seq_mlp_ulp_shifted.pt.
ULP_SHIFTS = [("0.weight", 0, 1), ("0.weight", 3, -3), ("2.weight", 1, 5)]
RENAMES = [("0", "fc1"), ("2", "fc2")]


def ulp_case(sd):
    shifted = type(sd)((k, v.clone()) for k, v in sd.items())
    for key, index, steps in ULP_SHIFTS:
        flat = shifted[key].view(-1).view(torch.int32)
        flat[index] += steps if shifted[key].view(-1)[index] >= 0 else -steps
    torch.save(shifted, os.path.join(OUT, "seq_mlp_ulp_shifted.pt"))
    keys = {}
    for k, r in sd.items():
        dtype, ulps = ulp_distances(r, shifted[k])
        keys[k] = {
            "ulp_dtype": str(dtype).replace("torch.", ""),
            "max_ulp": int(ulps.max()),
            "worst_flat_index": int(ulps.argmax()),
            "beyond": {str(n): int((ulps > n).sum()) for n in ULP_LIMITS},
            "torch_passed": True,
        }
        try:
            torch.testing.assert_close(shifted[k], r)
        except AssertionError:
            keys[k]["torch_passed"] = False
    write("ulp_shifted", {
        "reference": "seq_mlp_fp32.pt", "candidate": "seq_mlp_ulp_shifted.pt",
        "shifts": ULP_SHIFTS, "limits": ULP_LIMITS, "torch_version": torch.__version__,
        "keys": keys,
    })


def renamed_case(sd):
    def rename(key):
        for old, new in RENAMES:
            if key.startswith(old + "."):
                return new + key[len(old):]
        return key

    renamed = type(sd)((rename(k), v.clone()) for k, v in sd.items())
    torch.save(renamed, os.path.join(OUT, "seq_mlp_renamed.pt"))
    keys = {}
    for k, r in sd.items():
        torch.testing.assert_close(renamed[rename(k)], r)
        keys[rename(k)] = {"reference_key": k, "torch_passed": True}
    write("renamed", {
        "reference": "seq_mlp_fp32.pt", "candidate": "seq_mlp_renamed.pt", "renames": RENAMES,
        "torch_version": torch.__version__, "keys": keys,
    })


def layout_case(sd):
    layout = type(sd)((k, v.clone()) for k, v in sd.items())
    layout["0.weight"] = sd["0.weight"].t().contiguous().t()  # same values, stride (1, 2)
    layout["2.weight"] = sd["2.weight"].reshape(2)             # shape [1, 2] -> [2]
    torch.save(layout, os.path.join(OUT, "seq_mlp_layout.pt"))
    back = torch.load(os.path.join(OUT, "seq_mlp_layout.pt"), weights_only=True)
    keys = {}
    for k, r in sd.items():
        c = back[k]
        entry = {
            "reference_shape": list(r.shape), "candidate_shape": list(c.shape),
            "reference_stride": list(r.stride()), "candidate_stride": list(c.stride()),
        }
        for name, kwargs in [("torch", {}), ("torch_check_stride", {"check_stride": True})]:
            try:
                torch.testing.assert_close(c, r, **kwargs)
                entry[name + "_passed"], entry[name + "_message"] = True, None
            except AssertionError as e:
                entry[name + "_passed"], entry[name + "_message"] = False, str(e)
        keys[k] = entry
    write("layout", {
        "reference": "seq_mlp_fp32.pt", "candidate": "seq_mlp_layout.pt",
        "torch_version": torch.__version__, "keys": keys,
    })


def flatten(value, path, out):
    """The inventory's paths: dict keys and sequence indices joined with '/', leaves only."""
    if isinstance(value, dict):
        for k, v in value.items():
            flatten(v, f"{path}/{k}" if path else str(k), out)
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            flatten(v, f"{path}/{i}" if path else str(i), out)
    else:
        out[path] = value
    return out


def kind(value):
    if isinstance(value, torch.Tensor):
        return "tensor"
    if isinstance(value, np.ndarray):
        return "ndarray"
    if isinstance(value, np.generic):
        return value.dtype.name
    return type(value).__name__


def values_case(sd):
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1))
    model.load_state_dict(sd)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    model(torch.ones(3, 2)).sum().backward()
    opt.step()
    reference = {
        "model": sd,
        "optimizer": opt.state_dict(),
        "epoch": 3,
        "step": 120,
        "loss": 0.25,
        "lr": 1e-3,
        "best_acc": 0.875,
        "name": "run-a",
        "note": None,
        "amp": True,
        "betas": (0.9, 0.999),
        "np_loss": np.float64(0.5),
        "np_scale": np.float32(0.1),
        "np_counts": np.array([1, 2, 3], dtype=np.int64),
        "np_weights": np.array([0.1, 0.2], dtype=np.float32),
    }
    candidate = dict(reference)
    candidate["optimizer"] = opt.state_dict()
    candidate.update({
        "epoch": 4,                                   # int changed
        "step": 120.0,                                # int -> float: a type change
        "loss": 0.25 + 1e-8,                          # within 1e-7 + 1e-7 * 0.25
        "lr": 1e-3 * (1 + 1e-5),                      # within
        "best_acc": 0.876,                            # beyond
        "amp": False,                                 # bool changed
        "betas": (0.9, 0.999 + 1e-10),                # within
        "np_loss": np.float64(0.5 + 5e-8),            # within
        "np_scale": np.float32(np.nextafter(np.float32(0.1), np.float32(1))),  # 1 float32 ULP: within
        "np_weights": np.array([0.1, 0.201], dtype=np.float32),  # beyond float32's tolerance
    })
    torch.save(reference, os.path.join(OUT, "values_reference.pt"))
    torch.save(candidate, os.path.join(OUT, "values_candidate.pt"))
    ref = torch.load(os.path.join(OUT, "values_reference.pt"), weights_only=False)
    cand = torch.load(os.path.join(OUT, "values_candidate.pt"), weights_only=False)
    rf = flatten(ref, "", {})
    cf = flatten(cand, "", {})
    assert list(rf) == list(cf)
    keys = {}
    for k, r in rf.items():
        c = cf[k]
        entry = {"reference_kind": kind(r), "candidate_kind": kind(c)}
        tensor_like = isinstance(r, (torch.Tensor, np.ndarray))
        if isinstance(r, (str, type(None))) or isinstance(c, (str, type(None))):
            entry["oracle"] = "=="
            entry["torch_passed"] = type(r) is type(c) and r == c
            entry["torch_message"] = None
        else:
            entry["oracle"] = "assert_close"
            try:
                torch.testing.assert_close(c, r, check_dtype=not tensor_like)
                entry["torch_passed"], entry["torch_message"] = True, None
            except (AssertionError, TypeError) as e:
                entry["torch_passed"], entry["torch_message"] = False, str(e)
        if isinstance(r, (float, np.floating)) and isinstance(c, (float, np.floating)):
            a, b = float(np.asarray(r).item()), float(np.asarray(c).item())
            entry["reference_value"], entry["candidate_value"] = a, b
            entry["abs_diff"] = abs(b - a)
            entry["rel_diff"] = abs(b - a) / abs(a)
            # ULPs in the less precise of the stored dtypes (float64 for a Python float).
            rt = torch.tensor([a], dtype=torch.float32 if isinstance(r, np.float32) else torch.float64)
            ct = torch.tensor([b], dtype=torch.float32 if isinstance(c, np.float32) else torch.float64)
            dtype, ulps = ulp_distances(rt, ct)
            entry["ulp_dtype"] = str(dtype).replace("torch.", "")
            entry["max_ulp"] = int(ulps.max())
        keys[k] = entry
    write("values", {
        "reference": "values_reference.pt", "candidate": "values_candidate.pt",
        "torch_version": torch.__version__, "numpy_version": np.__version__,
        "passed": all(e["torch_passed"] for e in keys.values()), "keys": keys,
    })


def write(name, doc):
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    print(name)


def main():
    os.makedirs(OUT, exist_ok=True)
    sd = load(os.path.join(INTEROP, "seq_mlp_fp32.pt"))
    perturbed = type(sd)((k, v.clone()) for k, v in sd.items())
    perturbed["0.weight"][1, 0] += 0.5
    torch.save(perturbed, os.path.join(OUT, PERTURBED))
    case("fp32_vs_fp16", "seq_mlp_fp32.pt", "seq_mlp_fp16.pt")
    case("fp32_vs_bf16", "seq_mlp_fp32.pt", "seq_mlp_bf16.pt")
    case("fp32_vs_fp32", "seq_mlp_fp32.pt", "seq_mlp_fp32.pt")
    case("dataparallel_vs_fp32", "dataparallel_prefix.pt", "seq_mlp_fp32.pt", strip_prefix="module.")
    case("fp32_vs_perturbed", "seq_mlp_fp32.pt", PERTURBED)
    ulp_case(sd)
    renamed_case(sd)
    layout_case(sd)
    values_case(sd)


if __name__ == "__main__":
    main()
