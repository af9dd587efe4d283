"""Goldens for `repro diff`'s tensor lines (Golden/pytorch/diff/).

For seq_mlp_fp32.pt against its float16 and bfloat16 copies and its perturbed copy
(Golden/pytorch/compare/seq_mlp_fp32_perturbed.pt, made by make_compare_goldens.py), per key:
the figures of `repro compare` on float64-upcast values (make_compare_goldens.figures: max abs,
max rel, mismatches beyond the less precise dtype's default rtol/atol, worst flat index and both
values there), the number of elements whose float64 values differ (bit patterns of the
upcast values), and the greatest ULP distance in the less precise dtype (fewer significand bits,
the reference's on a tie): both sides `Tensor.to` that dtype, then the distance between the
sign-magnitude integer views.

Run: .venv/bin/python Scripts/make_diff_goldens.py
"""

import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_compare_goldens import INTEROP, figures, load  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
COMPARE = os.path.join(ROOT, "Golden", "pytorch", "compare")
OUT = os.path.join(ROOT, "Golden", "pytorch", "diff")

SIGNIFICAND = {torch.float64: 52, torch.float32: 23, torch.float16: 10, torch.bfloat16: 7}
INT_VIEW = {torch.float64: torch.int64, torch.float32: torch.int32, torch.float16: torch.int16,
            torch.bfloat16: torch.int16}


def max_ulp(ref, cand):
    u = cand.dtype if SIGNIFICAND[cand.dtype] < SIGNIFICAND[ref.dtype] else ref.dtype
    bits = SIGNIFICAND[u] + {52: 11, 23: 8, 10: 5, 7: 8}[SIGNIFICAND[u]]
    sign = 1 << bits
    r = ref.to(u).reshape(-1).view(INT_VIEW[u]).to(torch.int64) & ((sign << 1) - 1)
    c = cand.to(u).reshape(-1).view(INT_VIEW[u]).to(torch.int64) & ((sign << 1) - 1)
    rm, cm = r & (sign - 1), c & (sign - 1)
    same_sign = (r & sign) == (c & sign)
    dist = torch.where(same_sign, (rm - cm).abs(), rm + cm)
    return str(u).replace("torch.", ""), int(dist.max()) if dist.numel() else 0


def case(name, candidate_path):
    ref = load(os.path.join(INTEROP, "seq_mlp_fp32.pt"))
    cand = load(candidate_path)
    keys = {}
    for k, r in ref.items():
        c = cand[k]
        from torch.testing._comparison import default_tolerances
        rtol, atol = default_tolerances(c, r)
        entry = figures(r, c, rtol, atol)
        r64 = r.to(torch.float64).reshape(-1).view(torch.int64)
        c64 = c.to(torch.float64).reshape(-1).view(torch.int64)
        entry["values_differ"] = int((r64 != c64).sum())
        entry["ulp_dtype"], entry["max_ulp"] = max_ulp(r, c)
        entry["reference_dtype"] = str(r.dtype).replace("torch.", "")
        entry["candidate_dtype"] = str(c.dtype).replace("torch.", "")
        entry["rtol"], entry["atol"] = rtol, atol
        keys[k] = entry
    doc = {"reference": "seq_mlp_fp32.pt", "candidate": os.path.basename(candidate_path),
           "torch_version": torch.__version__, "keys": keys}
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    print(name, {k: (v["values_differ"], v["ulp_dtype"], v["max_ulp"]) for k, v in keys.items()})


def main():
    assert torch.__version__.startswith("2.13"), torch.__version__
    os.makedirs(OUT, exist_ok=True)
    case("fp32_vs_fp16", os.path.join(INTEROP, "seq_mlp_fp16.pt"))
    case("fp32_vs_bf16", os.path.join(INTEROP, "seq_mlp_bf16.pt"))
    case("fp32_vs_perturbed", os.path.join(COMPARE, "seq_mlp_fp32_perturbed.pt"))


if __name__ == "__main__":
    main()
