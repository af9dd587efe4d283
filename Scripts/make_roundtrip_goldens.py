"""Goldens for RoundTripCheck and GoldenFileCheck (Golden/pytorch/roundtrip/).

Writes:
- overflow_state_dict.pt: torch.save of manual_seed(0) Sequential(Linear(4, 3), BatchNorm1d(3))'s
  state_dict with 0.bias[0] = 70000 (above float16's largest finite value, 65504) and one
  running_var element at 1e-9 (a float16 subnormal-range value): a float16 cast overflows there,
  a bfloat16 cast stays within tolerance.
- verdicts.json: for each input file and each dtype, per key (inventory path, `/`-joined), what
  torch says about casting the file's floating tensors: the cast tensor's dtype and sha256
  (`t.to(dtype)`), and torch.testing.assert_close(t.to(dtype), t, check_dtype=False)'s verdict
  and message (the default rtol/atol of the less precise dtype). Non-floating tensors are not
  cast (their entry says so).

Run: .venv/bin/python Scripts/make_roundtrip_goldens.py
"""

import hashlib
import json
import os
from collections import OrderedDict

import torch

assert torch.__version__.startswith("2.13"), torch.__version__

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
INTEROP = os.path.join(ROOT, "Golden", "pytorch", "interop")
OUT = os.path.join(ROOT, "Golden", "pytorch", "roundtrip")

DTYPES = {"float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32,
          "float64": torch.float64}


def sha256(t):
    t = t.detach().contiguous().reshape(-1)
    return hashlib.sha256(t.view(torch.uint8).numpy().tobytes() if t.numel() else b"").hexdigest()


def tensors(value, path=""):
    """(inventory path, tensor) pairs, depth first in container order, as Scripts/inventory.py."""
    join = (lambda k: f"{path}/{k}" if path else str(k))
    if isinstance(value, torch.Tensor):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from tensors(v, join(k))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from tensors(v, join(i))


def verdicts(obj):
    out = {}
    for name, dtype in DTYPES.items():
        keys = OrderedDict()
        for path, t in tensors(obj):
            if not t.is_floating_point():
                keys[path] = {"cast": False, "dtype": str(t.dtype).removeprefix("torch."),
                              "sha256": sha256(t)}
                continue
            c = t.detach().to(dtype)
            entry = {"cast": True, "dtype": name, "sha256": sha256(c), "passed": True}
            try:
                torch.testing.assert_close(c, t.detach(), check_dtype=False)
            except AssertionError as e:
                entry["passed"] = False
                entry["message"] = str(e)
            keys[path] = entry
        out[name] = keys
    return out


def overflow_state_dict():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3))
    with torch.no_grad():
        model[0].bias[0] = 70000.0
        model[1].running_var[1] = 1e-9
    return model.state_dict()


def main():
    os.makedirs(OUT, exist_ok=True)
    sd = overflow_state_dict()
    torch.save(sd, os.path.join(OUT, "overflow_state_dict.pt"))
    files = {
        "roundtrip/overflow_state_dict.pt": os.path.join(OUT, "overflow_state_dict.pt"),
        "interop/seq_mlp_fp32.pt": os.path.join(INTEROP, "seq_mlp_fp32.pt"),
        "interop/mlp_adam_checkpoint.pt": os.path.join(INTEROP, "mlp_adam_checkpoint.pt"),
    }
    doc = {"torch": torch.__version__, "files": OrderedDict()}
    for key, path in files.items():
        obj = torch.load(path, weights_only=True, map_location="cpu")
        doc["files"][key] = verdicts(obj)
    with open(os.path.join(OUT, "verdicts.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
