"""Goldens for `repro compare` (Golden/pytorch/compare/).

For each case, torch.testing.assert_close(candidate[k], reference[k], check_dtype=False) per
key (the default rtol/atol of the less precise dtype, as assert_close picks them when the dtypes
differ), plus the figures Repro reports: both sides upcast to float64, max |c - r|, max
|c - r| / |r|, the number of elements outside atol + rtol * |r|, and the worst flat index
(greatest absolute difference) with both values. Also writes seq_mlp_fp32_perturbed.pt: a copy
of seq_mlp_fp32.pt with one value changed, saved by torch.save.

Run: .venv/bin/python Scripts/make_compare_goldens.py
"""

import json
import os

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


if __name__ == "__main__":
    main()
