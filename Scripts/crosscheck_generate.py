#!/usr/bin/env python3
"""Cross-check `repro generate` against real PyTorch (run by `make crosscheck`).

    .venv/bin/python Scripts/crosscheck_generate.py --repro .build/debug/repro

For several specs x seeds x dtypes x modes x formats x device tags, runs `repro generate` and checks
in torch 2.13:
  * state dicts: `torch.load(weights_only=True, map_location='cpu')` (safetensors: load_file) equals
    `torch.manual_seed(s)` + construction + cast, key for key, bit for bit, same dtype and shape,
    and a torch file names the requested device in its storages;
  * whole modules: `torch.load(weights_only=False)` gives the same class tree with equal tensors,
    it runs forward on a fixed input and gives the torch-built model's output exactly;
  * the file is byte-identical to what torch.save / save_file writes for the same model (CPU tag).
Prints one line per failure and ends with `crosscheck_generate: N passed, M failed`.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import zipfile

import torch
from safetensors.torch import load_file, save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_module_oracles import SimpleModel, build, cast  # noqa: E402,F401  (SimpleModel in __main__)
from make_transformer_goldens import build as build_transformer  # noqa: E402

import __main__  # noqa: E402

__main__.SimpleModel = SimpleModel  # torch.load of `__main__.SimpleModel` finds the class here
SimpleModel.__module__ = "__main__"  # and torch.save names it as a script's class, like Repro

INPUTS = {  # input shapes (without batch) for forward checks
    "simple": [10], "mlp": [16], "cnn": [3, 16, 16],
    "Sequential(Linear(5,7), ReLU(), Linear(7,3))": [5],
    "Sequential(Conv2d(3,4,3), BatchNorm2d(4), ReLU(), Flatten(), Linear(144,2))": [3, 8, 8],
    "Sequential(Linear(4, 6, bias=False), Tanh(), Linear(6, 2), Sigmoid())": [4],
    "Sequential(Conv2d(4, 8, 3, stride=2, padding=1, dilation=1, groups=2, bias=False), ReLU(), "
    "Conv2d(8, 8, (3, 1), padding=(1, 0), dilation=2), AvgPool2d(2), Dropout(p=0.25), Flatten())": [4, 12, 12],
    "Sequential(MaxPool2d((2, 3), padding=1), AdaptiveAvgPool2d((2, 2)), ReLU(inplace=True), "
    "BatchNorm2d(3, momentum=None), Flatten(0))": [3, 9, 9],
}
STATE_ONLY = ["resnet18(num_classes=10)", "Linear(300, 200)"]
# Transformer-era specs (state dicts only: their whole-module files are not written). gpt's
# lm_head is tied to transformer.wte: one storage record in the torch file; safetensors'
# save_file refuses shared memory, and so must `repro generate --to safetensors`, naming both keys.
TRANSFORMER = [
    "Sequential(Embedding(12, 8, padding_idx=5), LayerNorm(8), Linear(8, 12), GELU(approximate='tanh'), "
    "Softmax(dim=-1), Identity())",
    "MultiheadAttention(8, 2, kdim=6, vdim=5)",
    "TransformerEncoderLayer(16, 2, dim_feedforward=32)",
    "TransformerDecoderLayer(16, 4, 24, 0.0, 'gelu', batch_first=True, norm_first=True)",
    "gpt(vocab_size=64, block_size=16, n_layer=2, n_head=2, n_embd=32)",
]


class Checker:
    def __init__(self, repro):
        self.repro = repro
        self.passed = self.failed = self.identical = self.identity_cases = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {name}: {detail}")
        return ok

    def generate(self, *args):
        return subprocess.run([self.repro, "generate", *args], capture_output=True, text=True, timeout=600)


def same_tensors(a, b, ordered=True):
    if (list(a.keys()) if ordered else sorted(a.keys())) != (list(b.keys()) if ordered else sorted(b.keys())):
        return f"keys {list(a.keys())[:4]}... != {list(b.keys())[:4]}..."
    for k in b:
        x, y = a[k], b[k]
        if x.dtype != y.dtype or x.shape != y.shape or x.stride() != y.stride():
            return f"{k}: {x.dtype}{tuple(x.shape)} != {y.dtype}{tuple(y.shape)}"
        if not torch.equal(x.detach().cpu().view(torch.uint8) if x.dim() else x, y.detach().cpu().view(torch.uint8) if y.dim() else y):
            return f"{k}: values differ"
    return ""


def torch_model(spec, seed, dtype):
    torch.manual_seed(seed)
    return cast(build(spec), dtype)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repro", required=True)
    args = ap.parse_args()
    torch.set_num_threads(1)
    c = Checker(os.path.abspath(args.repro))
    with tempfile.TemporaryDirectory() as tmp:
        reference = os.path.join(tmp, "torch")
        os.makedirs(reference)
        n = 0
        for spec in list(INPUTS) + STATE_ONLY:
            for seed, dtype in [(0, "float32"), (123, "float16"), (9, "bfloat16"), (2**40 + 3, "float64")]:
                if spec in STATE_ONLY and dtype not in ("float32", "float16"):
                    continue
                want = torch_model(spec, seed, dtype)
                for mode, fmt, device in [("state-dict", "torch", "cpu"), ("state-dict", "torch", "cuda:0"),
                                          ("state-dict", "safetensors", "cpu"), ("module", "torch", "cpu")]:
                    if mode == "module" and spec in STATE_ONLY:
                        continue
                    n += 1
                    name = f"g{n:03d}"
                    case = f"{name} {mode}/{fmt}/{device} {spec} seed={seed} {dtype}"
                    path = os.path.join(tmp, name + (".safetensors" if fmt == "safetensors" else ".pt"))
                    r = c.generate("--model", spec, "--seed", str(seed), "--dtype", dtype, "--mode", mode,
                                   "--to", fmt, "--device-tag", device, "-o", path)
                    if not c.check(case + " exit", r.returncode == 0, r.stderr.strip()):
                        continue
                    data = open(path, "rb").read()
                    if fmt == "safetensors":
                        got = load_file(path)
                        # safetensors orders tensors by dtype and name, not by registration
                        c.check(case + " tensors", same_tensors(got, want.state_dict(), ordered=False) == "",
                                same_tensors(got, want.state_dict(), ordered=False))
                        ref = os.path.join(reference, name + ".safetensors")
                        save_file(want.state_dict(), ref)
                    elif mode == "state-dict":
                        got = torch.load(path, weights_only=True, map_location="cpu")
                        c.check(case + " tensors", same_tensors(got, want.state_dict()) == "",
                                same_tensors(got, want.state_dict()))
                        c.check(case + " _metadata", dict(got._metadata) == dict(want.state_dict()._metadata))
                        locations = set()
                        with zipfile.ZipFile(path) as z:
                            pkl = z.read(name + "/data.pkl")
                            locations = {d for d in ("cpu", "cuda:0") if d.encode() in pkl}
                        c.check(case + " device tag", locations == {device}, f"locations {locations}")
                        ref = os.path.join(reference, name + ".pt")  # same archive name
                        torch.save(want.state_dict(), ref)
                    else:
                        ref = os.path.join(reference, name + ".pt")  # before eval() changes `training`
                        torch.save(want, ref)
                        got = torch.load(path, weights_only=False)
                        c.check(case + " class tree", [type(m) for m in got.modules()] == [type(m) for m in want.modules()])
                        c.check(case + " tensors", same_tensors(got.state_dict(), want.state_dict()) == "",
                                same_tensors(got.state_dict(), want.state_dict()))
                        c.check(case + " attributes", repr(got) == repr(want), f"{got!r} != {want!r}")
                        torch.manual_seed(1234)
                        x = torch.randn([2] + INPUTS[spec]).to(getattr(torch, dtype))
                        try:
                            with torch.no_grad():
                                got.eval(), want.eval()
                                y_got, y_want = got(x), want(x)
                            c.check(case + " forward", torch.equal(y_got, y_want), "outputs differ")
                        except Exception as e:  # noqa: BLE001 (some CPU kernels lack half support)
                            c.check(case + " forward", "not implemented" in str(e).lower()
                                    or "not supported" in str(e).lower(), repr(e))
                    if device == "cpu":
                        c.identity_cases += 1
                        same = open(ref, "rb").read() == data
                        c.identical += same
                        c.check(case + " byte-identical", same, "differs from torch's own file")
        for spec in TRANSFORMER:
            for seed, dtype in [(0, "float32"), (123, "float16"), (9, "bfloat16"), (2**40 + 3, "float64")]:
                torch.manual_seed(seed)
                want = cast(build_transformer(spec), dtype)
                tied = spec.startswith("gpt")
                for fmt, device in [("torch", "cpu"), ("torch", "cuda:0"), ("safetensors", "cpu")]:
                    n += 1
                    name = f"g{n:03d}"
                    case = f"{name} state-dict/{fmt}/{device} {spec} seed={seed} {dtype}"
                    path = os.path.join(tmp, name + (".safetensors" if fmt == "safetensors" else ".pt"))
                    r = c.generate("--model", spec, "--seed", str(seed), "--dtype", dtype, "--to", fmt,
                                   "--device-tag", device, "-o", path)
                    if fmt == "safetensors" and tied:
                        try:
                            save_file(want.state_dict(), os.path.join(reference, name + ".safetensors"))
                            refused = False
                        except RuntimeError:
                            refused = True
                        c.check(case + " refused like save_file", refused and r.returncode != 0
                                and "transformer.wte.weight" in r.stderr and "lm_head.weight" in r.stderr,
                                r.stderr.strip())
                        continue
                    if not c.check(case + " exit", r.returncode == 0, r.stderr.strip()):
                        continue
                    data = open(path, "rb").read()
                    ref = os.path.join(reference, name + (".safetensors" if fmt == "safetensors" else ".pt"))
                    if fmt == "safetensors":
                        save_file(want.state_dict(), ref)
                        got = load_file(path)
                        c.check(case + " tensors", same_tensors(got, want.state_dict(), ordered=False) == "",
                                same_tensors(got, want.state_dict(), ordered=False))
                    else:
                        torch.save(want.state_dict(), ref)
                        got = torch.load(path, weights_only=True, map_location="cpu")
                        c.check(case + " tensors", same_tensors(got, want.state_dict()) == "",
                                same_tensors(got, want.state_dict()))
                        if tied:
                            c.check(case + " tie kept", got["lm_head.weight"].data_ptr()
                                    == got["transformer.wte.weight"].data_ptr())
                    if device == "cpu":
                        c.identity_cases += 1
                        same = open(ref, "rb").read() == data
                        c.identical += same
                        c.check(case + " byte-identical", same, "differs from torch's own file")
    print(f"byte-identity: {c.identical}/{c.identity_cases} generated files identical to torch.save / save_file")
    print(f"crosscheck_generate: {c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
