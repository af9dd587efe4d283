#!/usr/bin/env python3
"""Forward outputs and gradients of ReproNN's models, written by real PyTorch.

    /work/venv/bin/python Scripts/make_autograd_goldens.py

Output: Golden/pytorch/autograd/cases.json and recipe.json.

cases.json: for each case, the model is built by `torch.manual_seed(seed)` and the spec (the
same constructors Repro parses; `build` comes from make_nn_goldens.py), the input from
`g = torch.Generator().manual_seed(data_seed); x = torch.randn(input_shape, generator=g)` then
`y = torch.randn(output_shape, generator=g)` (or `torch.randint(0, C, (N,), generator=g)` for
cross-entropy), the loss is `((model(x) - y) ** 2).mean()` or `F.cross_entropy`, and
`loss.backward()`. Recorded: the output and loss as float32 bit patterns (hex), each
parameter's gradient (all bits when small, else sum and abs-sum only), the buffers after the
forward (BatchNorm running stats, num_batches_tracked) and the Dropout keep-mask.

recipe.json: the training recipe of `repro train` with `torch.optim.SGD(lr)` (no momentum):
model from torch.manual_seed(seed); g = Generator().manual_seed(data_seed); per step
x = randn(B, in), y = randn(B, out), zero_grad, loss = ((model(x) - y) ** 2).mean(), backward,
step. Recorded: every loss and the final state_dict (bits and sha256 per tensor).
"""
import hashlib
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_nn_goldens as nng  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Golden", "pytorch", "autograd")
FULL_LIMIT = 4096  # tensors up to this many elements are stored bit for bit


def _simple_forward(self, x):
    return self.fc(x)


def _block_forward(self, x):
    identity = x
    out = self.relu(self.bn1(self.conv1(x)))
    out = self.bn2(self.conv2(out))
    if self.downsample is not None:
        identity = self.downsample(x)
    return self.relu(out + identity)


def _resnet_forward(self, x):
    x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
    x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
    return self.fc(torch.flatten(self.avgpool(x), 1))


nng.SimpleModel.forward = _simple_forward
nng.BasicBlock.forward = _block_forward
nng.ResNet.forward = _resnet_forward

CUSTOM = ("Sequential(Conv2d(4, 8, 3, stride=2, padding=1, dilation=2, groups=2), BatchNorm2d(8), Tanh(), "
          "MaxPool2d(2), Conv2d(8, 6, (3, 1), padding=(1, 0)), BatchNorm2d(6, momentum=None), Sigmoid(), "
          "AvgPool2d(2), Dropout(p=0.25), AdaptiveAvgPool2d((2, 2)), Flatten(), Linear(24, 5))")

CASES = [
    # name, spec, seed, data_seed, input shape, output shape, loss, mode, autocast
    ("simple", "simple", 0, 1, [4, 10], [4, 1], "mse", "train", None),
    ("mlp", "mlp", 0, 1, [8, 16], [8, 4], "mse", "train", None),
    ("mlp_seed42", "mlp", 42, 7, [5, 16], [5, 4], "mse", "train", None),
    ("mlp_cross_entropy", "mlp", 1, 2, [8, 16], [8], "cross_entropy", "train", None),
    ("cnn", "cnn", 0, 1, [4, 3, 16, 16], [4, 10], "mse", "train", None),
    ("cnn_eval_after_train", "cnn", 3, 4, [4, 3, 16, 16], [4, 10], "mse", "eval_after_train", None),
    ("custom", CUSTOM, 0, 1, [3, 4, 20, 20], [3, 5], "mse", "train", None),
    ("custom_seed5", CUSTOM, 5, 9, [2, 4, 20, 20], [2, 5], "mse", "train", None),
    # Train-mode ResNet-18 in float32 amplifies rounding through 20 batch norms (layer4 normalises
    # two values per channel), so it is compared in float64; float32 is compared in eval mode.
    ("resnet18_float64", "resnet18(num_classes=10)", 0, 1, [2, 3, 32, 32], [2, 10], "mse", "train", None, "float64"),
    ("resnet18_eval", "resnet18(num_classes=10)", 0, 1, [2, 3, 32, 32], [2, 10], "mse", "eval", None),
    ("mlp_autocast_bf16", "mlp", 0, 1, [8, 16], [8, 4], "mse", "train", "bfloat16"),
    ("cnn_autocast_bf16", "cnn", 0, 1, [4, 3, 16, 16], [4, 10], "mse", "train", "bfloat16"),
]


def bits(t):
    t = t.detach().contiguous().reshape(-1)
    if t.dtype == torch.float64:
        return ["%016x" % (v & 0xFFFFFFFFFFFFFFFF) for v in t.view(torch.int64).tolist()]
    if t.dtype == torch.float32:
        return ["%08x" % (v & 0xFFFFFFFF) for v in t.view(torch.int32).tolist()]
    if t.dtype in (torch.bfloat16, torch.float16):
        return ["%04x" % (v & 0xFFFF) for v in t.view(torch.int16).tolist()]
    if t.dtype == torch.int64:
        return ["%d" % v for v in t.tolist()]
    raise ValueError(t.dtype)


def tensor_record(key, t, full=True):
    rec = {"key": key, "dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape)}
    if full and t.numel() <= FULL_LIMIT:
        rec["bits"] = bits(t)
    td = t.detach().double()
    rec["sum"] = td.sum().item()
    rec["abs_sum"] = td.abs().sum().item()
    rec["sha256"] = hashlib.sha256(nng.raw_bytes(t)).hexdigest()
    return rec


def run_case(name, spec, seed, data_seed, in_shape, out_shape, loss_kind, mode, autocast, dtype="float32"):
    torch.manual_seed(seed)
    model = nng.build(spec)
    g = torch.Generator().manual_seed(data_seed)
    x = torch.randn(in_shape, generator=g)
    if loss_kind == "cross_entropy":
        y = torch.randint(0, 4, out_shape, generator=g)
    else:
        y = torch.randn(out_shape, generator=g)
    if dtype == "float64":
        model, x, y = model.double(), x.double(), y.double()
    masks = []
    for m in model.modules():
        if isinstance(m, nn.Dropout):
            m.register_forward_hook(lambda mod, inp, out: masks.append((out != 0).reshape(-1).tolist()))
    if mode == "eval_after_train":
        with torch.no_grad():
            model(x)  # one training forward updates the running stats
        model.eval()
    if mode == "eval":
        model.eval()
    ctx = torch.autocast("cpu", dtype=torch.bfloat16) if autocast else torch.autocast("cpu", enabled=False)
    with ctx:
        out = model(x)
        loss = F.cross_entropy(out, y) if loss_kind == "cross_entropy" else ((out - y) ** 2).mean()
    loss.backward()
    return {
        "name": name, "spec": spec, "seed": seed, "data_seed": data_seed, "input_shape": in_shape,
        "target_shape": out_shape, "dtype": dtype, "loss_kind": loss_kind, "mode": mode, "autocast": autocast,
        "output": tensor_record("output", out),
        "loss": tensor_record("loss", loss),
        "grads": [tensor_record(k, p.grad) for k, p in model.named_parameters()],
        "buffers": [tensor_record(k, b) for k, b in model.named_buffers()],
        "dropout_masks": ["".join("1" if v else "0" for v in m) for m in masks],
    }


def run_recipe(spec, seed, data_seed, batch, steps, lr, in_features, out_features):
    torch.manual_seed(seed)
    model = nng.build(spec)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    g = torch.Generator().manual_seed(data_seed)
    losses = []
    for _ in range(steps):
        x = torch.randn(batch, in_features, generator=g)
        y = torch.randn(batch, out_features, generator=g)
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(bits(loss)[0])
    return {
        "spec": spec, "seed": seed, "data_seed": data_seed, "batch": batch, "steps": steps, "lr": lr,
        "in_features": in_features, "out_features": out_features, "losses": losses,
        "last_loss": loss.item(),
        "state_dict": [tensor_record(k, v) for k, v in model.state_dict().items()],
    }


def main():
    assert torch.__version__.startswith("2.13.0"), torch.__version__
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    meta = {"torch": torch.__version__, "capability": torch.backends.cpu.get_cpu_capability(),
            "script": "Scripts/make_autograd_goldens.py"}
    cases = [run_case(*c) for c in CASES]
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({**meta, "cases": cases}, f, separators=(",", ":"))
    recipes = [
        run_recipe("mlp", 0, 1, 8, 5, 0.1, 16, 4),
        run_recipe("simple", 3, 5, 4, 5, 0.05, 10, 1),
    ]
    with open(os.path.join(OUT, "recipe.json"), "w") as f:
        json.dump({**meta, "recipes": recipes}, f, separators=(",", ":"))
    for n in ("cases.json", "recipe.json"):
        p = os.path.join(OUT, n)
        print(f"{p}: {os.path.getsize(p)} bytes")


if __name__ == "__main__":
    sys.exit(main())
