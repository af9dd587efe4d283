#!/usr/bin/env python3
"""Cross-check Repro against real PyTorch on the committed corpus (run by .ci/run).

    .venv/bin/python Scripts/crosscheck.py --repro .build/debug/repro

For every file of Golden/pytorch/interop, Golden/pytorch/gpu and Golden/pytorch/realworld:
  1. `repro inspect FILE --json` equals the PyTorch-made inventory (NAME.expected.json) field by field;
  2. `repro convert FILE OUT.pt` loads in torch (weights_only=True where torch accepts the source) with
     every tensor equal to the source, and OUT is compared byte for byte with the source when the source
     was written by torch.save 2.13 (the byte-identity figure);
     (realworld files: OUT is byte-identical to the file their NAME.expected.json names in `convert_equals`);
  3. flat state dicts: `repro convert FILE OUT.safetensors --to safetensors` loads with
     safetensors.torch.load_file to the same tensors, and is byte-identical to safetensors' own save_file;
     where save_file refuses shared tensors, Repro does what save_model does (same bytes, or a refusal);
  4. `repro convert FILE OUT.pt --dtype float16|bfloat16|float8_e4m3fn|float8_e8m0fnu` equals torch's own
     `.to(dtype)` of every floating tensor bitwise;
  5. whole-module files re-saved by Repro load with weights_only=False into a module that runs forward
     and gives the source module's outputs.
Prints one line per failure and ends with `crosscheck: N passed, M failed`.
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import inventory as inv  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TENSOR_FIELDS = ["kind", "dtype", "shape", "stride", "storage_offset", "device", "requires_grad",
                 "parameter", "sha256"]


class Checker:
    def __init__(self, repro: str, verbose: bool):
        self.repro = repro
        self.verbose = verbose
        self.passed = 0
        self.failed = 0
        self.identical = 0
        self.identity_candidates = 0
        self.identity_misses: list[str] = []

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        if ok:
            self.passed += 1
            if self.verbose:
                print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}: {detail}")
        return ok

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([self.repro, *args], capture_output=True, text=True, timeout=600)


def same_value(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    return a == b


def compare_entries(got: list, want: list) -> str:
    """'' when equal, else the first difference."""
    if [e["path"] for e in got] != [e["path"] for e in want]:
        gp, wp = [e["path"] for e in got], [e["path"] for e in want]
        return f"paths differ: got {gp[:8]}... ({len(gp)}), want {wp[:8]}... ({len(wp)})"
    for g, w in zip(got, want):
        if w["kind"] == "tensor":
            fields = TENSOR_FIELDS + ["head"]
        elif w["kind"] == "ndarray":
            fields = ["kind", "dtype", "shape", "sha256"]
        else:
            fields = ["kind", "value", "class"]
        for f in fields:
            if f in w and not same_value(g.get(f), w[f]):
                return f"{w['path']}: {f} is {g.get(f)!r}, PyTorch says {w[f]!r}"
    return ""


def materialize(path: str, expected: dict, tmp: str) -> str:
    """The readable file of a corpus case (inflating .pt.gz cases into `tmp`)."""
    stored = expected.get("stored_as")
    if stored and stored.endswith(".gz"):
        out = os.path.join(tmp, expected["file"])
        with gzip.open(os.path.join(os.path.dirname(path), stored)) as src, open(out, "wb") as dst:
            shutil.copyfileobj(src, dst)
        return out
    return path


def load_any(path: str, weights_only: bool):
    if inv.file_format(path) == "safetensors":
        from safetensors.torch import load_file
        return load_file(path)
    return torch.load(path, map_location="cpu", weights_only=weights_only)


def tensors_of(obj, prefix="", enclosing=None):
    """Every tensor by path; a container met again inside itself (a reference cycle) is not re-entered."""
    enclosing = set() if enclosing is None else enclosing
    out = {}
    if isinstance(obj, torch.Tensor):
        out[prefix] = obj
        return out
    if id(obj) in enclosing:
        return out
    enclosing.add(id(obj))
    if isinstance(obj, torch.nn.Module):
        for k, v in obj.state_dict().items():
            out[f"{prefix}/{k}" if prefix else k] = v
    elif isinstance(obj, dict):
        for k, v in obj.items():
            out.update(tensors_of(v, f"{prefix}/{k}" if prefix else str(k), enclosing))
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            out.update(tensors_of(v, f"{prefix}/{i}" if prefix else str(i), enclosing))
    enclosing.discard(id(obj))
    return out


def bitwise_equal(a: torch.Tensor, b: torch.Tensor) -> bool:
    return (a.dtype == b.dtype and a.shape == b.shape
            and inv.tensor_bytes(a.detach().cpu()) == inv.tensor_bytes(b.detach().cpu()))


def save_model_bytes(tensors: dict, metadata, tmp: str):
    """What safetensors.torch.save_model writes for a module whose state_dict() is `tensors` (its own
    deduplication, then save_file), as (bytes, metadata, error)."""
    from safetensors.torch import _remove_duplicate_names, save_file
    sd = dict(tensors)
    meta = dict(metadata or {})
    try:
        for kept, removed in _remove_duplicate_names(sd).items():
            for name in removed:
                meta.setdefault(name, kept)
                del sd[name]
        out = os.path.join(tmp, "save_model.safetensors")
        save_file({k: v.contiguous() for k, v in sd.items()}, out, metadata=meta or None)
        return open(out, "rb").read(), meta, ""
    except Exception as e:  # noqa: BLE001 - the refusal is the answer
        return None, meta, f"{type(e).__name__}: {str(e).splitlines()[0][:80]}"


def safetensors_refusal(tensors: dict, tmp: str) -> str:
    """Why safetensors.torch.save_file refuses these tensors ('' when it accepts them)."""
    from safetensors.torch import save_file
    try:
        save_file({k: v.contiguous() for k, v in tensors.items()}, os.path.join(tmp, "probe.safetensors"))
        return ""
    except Exception as e:  # noqa: BLE001 - the refusal is the answer
        return f"{type(e).__name__}: {str(e).splitlines()[0][:80]}"


def check_case(c: Checker, path: str, expected: dict, tmp: str) -> None:
    name = os.path.basename(path)
    src = materialize(path, expected, tmp)
    fmt = expected["format"]
    whole = expected.get("whole_module", False) or any(e.get("kind") == "module" for e in expected["entries"])
    # Files torch's weights-only loader refuses (whole modules, LONG4 ints) are read as opaque
    # objects, as torch.load(weights_only=False) would.
    trust = ["--trust"] if (whole or not expected["weights_only_ok"]) else []

    # 1. inspect
    r = c.run("inspect", src, "--json", *trust)
    if c.check(f"{name} inspect exits 0", r.returncode == 0, r.stderr.strip()[:400]):
        got = json.loads(r.stdout)
        c.check(f"{name} inspect format", got.get("format") == fmt, f"{got.get('format')} != {fmt}")
        c.check(f"{name} inspect weights_only_ok", got.get("weights_only_ok") == expected["weights_only_ok"],
                f"{got.get('weights_only_ok')} != {expected['weights_only_ok']}")
        diff = compare_entries(got.get("entries", []), expected["entries"])
        c.check(f"{name} inspect entries", diff == "", diff)

    # 2. re-save as a torch file
    if fmt != "safetensors":
        # Same base name as the source: torch.save names the archive folder after the file.
        os.makedirs(os.path.join(tmp, "resaved"), exist_ok=True)
        out = os.path.join(tmp, "resaved", os.path.basename(src))
        r = c.run("convert", src, out, "--to", "torch", *trust)
        if c.check(f"{name} convert to torch", r.returncode == 0, r.stderr.strip()[:400]):
            wo = expected["weights_only_ok"]
            try:
                a, b = load_any(src, wo), load_any(out, wo)
                ta, tb = tensors_of(a), tensors_of(b)
                bad = [k for k in ta if k not in tb or not bitwise_equal(ta[k], tb[k])]
                c.check(f"{name} torch loads Repro's file (weights_only={wo}) with equal tensors",
                        not bad and len(ta) == len(tb), f"differ: {bad[:5]}")
            except Exception as e:  # noqa: BLE001
                c.check(f"{name} torch loads Repro's file", False, f"{type(e).__name__}: {inv.key_line(e)}")
            if expected.get("convert_equals"):
                want = os.path.join(os.path.dirname(path), expected["convert_equals"])
                c.check(f"{name} convert writes the bytes of {expected['convert_equals']}",
                        open(out, "rb").read() == open(want, "rb").read(), "bytes differ")
            elif expected.get("torch", "").startswith("2.13") and fmt == "zip" and not whole:
                c.identity_candidates += 1
                same = open(out, "rb").read() == open(src, "rb").read()
                c.identical += same
                if not same:
                    c.identity_misses.append(name)

    # 3. safetensors
    flat = all(e["kind"] == "tensor" and "/" not in e["path"] for e in expected["entries"]) and expected["entries"]
    if flat and not whole:
        out = os.path.join(tmp, os.path.splitext(os.path.basename(src))[0] + ".repro.safetensors")
        r = c.run("convert", src, out, "--to", "safetensors")
        a = tensors_of(load_any(src, expected["weights_only_ok"]))
        refusal = safetensors_refusal(a, tmp)
        if refusal:
            # save_file refuses shared tensors: Repro deduplicates them as save_model does, or refuses
            # where save_model does.
            meta = json.loads(c.run("inspect", src, "--json").stdout).get("metadata") or None
            want, want_meta, model_refusal = save_model_bytes(a, meta, tmp)
            if model_refusal:
                c.check(f"{name} convert to safetensors refused like save_model ({model_refusal})",
                        r.returncode == 2 and "safetensors" in r.stderr, f"rc={r.returncode} {r.stderr.strip()[:200]}")
            elif c.check(f"{name} convert to safetensors deduplicates like save_model", r.returncode == 0,
                         r.stderr.strip()[:400]):
                from safetensors import safe_open
                with safe_open(out, "pt") as f:
                    got_meta = f.metadata() or {}
                c.check(f"{name} dropped keys recorded as save_model does", got_meta == want_meta,
                        f"{got_meta} != {want_meta}")
                if len(want_meta) <= 1:  # 2+ metadata keys: safetensors orders them by a random hash
                    c.check(f"{name} safetensors bytes identical to save_model", open(out, "rb").read() == want,
                            "bytes differ")
        elif c.check(f"{name} convert to safetensors", r.returncode == 0, r.stderr.strip()[:400]):
            from safetensors.torch import load_file
            b = load_file(out)
            bad = [k for k in a if k not in b or not bitwise_equal(a[k], b[k])]
            c.check(f"{name} safetensors loads Repro's file with equal tensors", not bad and len(a) == len(b),
                    f"differ: {bad[:5]}")
            meta = json.loads(c.run("inspect", src, "--json").stdout).get("metadata") or None
            ref = os.path.join(tmp, "ref.safetensors")
            from safetensors.torch import save_file
            save_file({k: v.contiguous() for k, v in a.items()}, ref, metadata=meta)
            c.check(f"{name} safetensors bytes identical to save_file", open(ref, "rb").read() == open(out, "rb").read(),
                    "bytes differ")

    # 4. dtype casts
    if not whole and any(e.get("dtype") == "float32" for e in expected["entries"]):
        # torch 2.13 cannot load a float8 tensor that requires grad and is not a Parameter: its own
        # torch.save writes `_rebuild_tensor_v3(..., requires_grad=True, ...)`, whose load fails
        # with "a leaf Variable that requires grad is being used in an in-place operation".
        # Repro writes what torch.save writes, so torch.load is no oracle for those files.
        grad_plain = any(e.get("requires_grad") and not e.get("parameter") for e in expected["entries"])
        for dtype in ["float16", "bfloat16", "float8_e4m3fn", "float8_e8m0fnu"]:
            if grad_plain and dtype.startswith("float8"):
                continue
            out = os.path.join(tmp, f"cast_{dtype}_{os.path.basename(src)}")
            if fmt == "safetensors":
                out += ".safetensors"
            r = c.run("convert", src, out, "--dtype", dtype, "--map-location", "cpu", *trust)
            if c.check(f"{name} convert --dtype {dtype}", r.returncode == 0, r.stderr.strip()[:400]):
                a = tensors_of(load_any(src, expected["weights_only_ok"]))
                b = tensors_of(load_any(out, expected["weights_only_ok"]))
                want = {k: (v.to(getattr(torch, dtype)) if v.is_floating_point() else v) for k, v in a.items()}
                bad = [k for k in want if k not in b or not bitwise_equal(want[k], b[k])]
                c.check(f"{name} --dtype {dtype} equals torch's cast", not bad, f"differ: {bad[:5]}")

    # 5. whole modules
    if whole:
        out = os.path.join(tmp, "module_" + os.path.basename(src))
        r = c.run("convert", src, out, "--to", "torch", "--trust")
        if r.returncode == 0:
            m0 = torch.load(src, map_location="cpu", weights_only=False)
            m1 = torch.load(out, map_location="cpu", weights_only=False)
            first = next(m0.modules())
            x_shape = {"Linear": lambda m: (3, m.in_features), "Conv2d": lambda m: (3, m.in_channels, 6, 6)}
            lead = next(m for m in first.modules() if type(m).__name__ in x_shape)
            x = torch.randn(*x_shape[type(lead).__name__](lead), generator=torch.Generator().manual_seed(0))
            m0.eval(), m1.eval()
            c.check(f"{name} Repro's whole-module file runs forward like the source",
                    bitwise_equal(m0(x), m1(x)), "outputs differ")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repro", default=os.path.join(ROOT, ".build", "debug", "repro"))
    ap.add_argument("--corpus", nargs="*", default=[os.path.join(ROOT, "Golden", "pytorch", "interop"),
                                                     os.path.join(ROOT, "Golden", "pytorch", "gpu"),
                                                     os.path.join(ROOT, "Golden", "pytorch", "realworld")])
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    assert torch.__version__.startswith("2.13.0"), torch.__version__
    c = Checker(args.repro, args.verbose)
    with tempfile.TemporaryDirectory() as tmp:
        for folder in args.corpus:
            for fn in sorted(os.listdir(folder)):
                if not fn.endswith(".expected.json"):
                    continue
                expected = json.load(open(os.path.join(folder, fn)))
                path = os.path.join(folder, expected.get("file", ""))
                if not (os.path.exists(path) or expected.get("stored_as")):
                    continue  # inventory-only case (resnet18)
                check_case(c, path, expected, tmp)
    print(f"byte identity: {c.identical}/{c.identity_candidates} re-saved torch 2.13 zip files identical to torch.save"
          + (f" (differ: {', '.join(c.identity_misses)})" if c.identity_misses else ""))
    print(f"crosscheck: {c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
