#!/usr/bin/env python3
"""Write torch.save oracles of the transformer-era layers and the zoo's `gpt(...)`.

    /work/venv/bin/python Scripts/make_transformer_goldens.py        (torch==2.13.0+cpu)

Init: for each spec x 3 seeds x 4 dtypes, the model is built as `repro generate` builds it:
`torch.manual_seed(seed)`, the spec evaluated with torch.nn's constructors (and `gpt` from
Scripts/torch_models.py, a GPT written from nanoGPT's architecture with its tied lm_head), then
`.float()`/`.half()`/`.bfloat16()`/`.double()`, then `torch.save(model.state_dict(), NAME.pt)`.
Golden/pytorch/transformer/init/manifest.json has, per case, the sha256 and size of torch's file and
the file itself for the first seed when it is small (<= 64 KiB); the schema is Golden/pytorch/modules/manifest.json's,
so Tests/ReproNNTests/TransformerInitTests.swift checks Repro's file byte for byte (the tied GPT's
single storage record included) without PyTorch.

Forward and gradients: for each FORWARD case (spec, seed 3, float32 and float64) the model is built
the same way, kept in training mode (every dropout is 0), and run on an input drawn from
`torch.Generator().manual_seed(100 + n)` (randn, or randint token ids for Embedding/gpt); then
`loss = (output * r).sum()` for a randn `r` of the output's shape and `loss.backward()`.
Golden/pytorch/transformer/forward/NAME.pt is `torch.save` of a dict: `input` (and `memory` for the
decoder layer), `r`, `output`, `loss`, `grad.input` for float input and `grad.<name>` for every
parameter in `named_parameters()` order (a tied weight once, as its first name); manifest.json
lists the cases. Tests/ReproNNTests/TransformerForwardTests.swift compares Repro within
`assert_close`'s defaults for the dtype.

Training: Golden/pytorch/transformer/train/ (manifest.json + one NAME.pt per recipe), `repro train`'s language-model recipe run
by PyTorch: `torch.manual_seed(seed)`, the model, the optimizer (AdamW over nanoGPT's two groups:
`{"params": dim >= 2, "weight_decay": wd}`, `{"params": the rest, "weight_decay": 0.0}`), then per
step `x = torch.randint(0, vocab, (batch, T), generator=g)`, `y` the same, `zero_grad`,
`loss = F.cross_entropy(logits.view(-1, vocab), y.view(-1))`, `backward`, `step`; the loss of every
step (`losses`, float64) and the model's state dict after the last (`model`), saved with torch.save
(TransformerTrainingTests: within 1e-5).
"""
import hashlib
import json
import os
import sys
import tempfile

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_models import gpt  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Golden", "pytorch", "transformer")
KEEP_FILES_UP_TO = 64 * 1024

LAYERS = ["Sequential", "Linear", "ReLU", "Dropout", "Embedding", "LayerNorm", "GELU", "Softmax",
          "Identity", "MultiheadAttention", "TransformerEncoderLayer", "TransformerDecoderLayer"]

INIT_SPECS = [
    "Embedding(10, 4)",
    "Embedding(3, 4, padding_idx=-3)",  # 12 values: normal_'s serial path; row 0 zeroed
    "Sequential(Embedding(12, 8, padding_idx=5), LayerNorm(8), Linear(8, 12))",
    "Sequential(LayerNorm((2, 3), eps=1e-6, bias=False), LayerNorm(4, elementwise_affine=False), "
    "GELU(), GELU(approximate='tanh'), Dropout(0.1), Softmax(dim=-1), Identity(Linear(2, 2)))",
    "MultiheadAttention(8, 2)",
    "MultiheadAttention(8, 2, bias=False, kdim=6, vdim=5)",
    "MultiheadAttention(8, 4, add_bias_kv=True, batch_first=True)",
    "TransformerEncoderLayer(16, 2, dim_feedforward=32)",
    "TransformerEncoderLayer(16, 4, 24, 0.0, 'gelu', batch_first=True, norm_first=True)",
    "TransformerEncoderLayer(8, 2, dim_feedforward=16, bias=False)",
    "TransformerDecoderLayer(16, 2, dim_feedforward=32, activation=GELU())",
    "gpt(vocab_size=64, block_size=16, n_layer=2, n_head=2, n_embd=32)",
    "gpt(11, 5, 3, 3, 12)",
]
SEEDS = [0, 7, 2**40 + 3]
DTYPES = ["float32", "float16", "bfloat16", "float64"]


def build(spec):
    """The model a spec describes, built as Repro's ModelFactory builds it."""
    names = {n: getattr(nn, n) for n in LAYERS}
    names["gpt"] = gpt
    return eval(spec, {"__builtins__": {}}, names)


def cast(model, dtype):
    return {"float32": model.float, "float16": model.half, "bfloat16": model.bfloat16,
            "float64": model.double}[dtype]()


def write_init(folder):
    os.makedirs(folder, exist_ok=True)
    for f in os.listdir(folder):
        if f.endswith(".pt"):
            os.remove(os.path.join(folder, f))
    records = []
    with tempfile.TemporaryDirectory() as tmp:
        n = 0
        for spec in INIT_SPECS:
            for seed in SEEDS:
                for dtype in DTYPES:
                    name = f"init_{n:03d}_s{seed}_{dtype}"
                    n += 1
                    torch.manual_seed(seed)
                    model = cast(build(spec), dtype)
                    path = os.path.join(tmp, name + ".pt")
                    torch.save(model.state_dict(), path)
                    data = open(path, "rb").read()
                    rec = {"name": name, "spec": spec, "seed": seed, "dtype": dtype, "mode": "state-dict",
                           "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                    if seed == SEEDS[0] and len(data) <= KEEP_FILES_UP_TO:
                        with open(os.path.join(folder, name + ".pt"), "wb") as f:
                            f.write(data)
                        rec["file"] = name + ".pt"
                    records.append(rec)
    doc = {"torch": torch.__version__, "script": "Scripts/make_transformer_goldens.py", "cases": records}
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump(doc, f, indent=1)
    print(f"init: {len(records)} cases -> {folder}")


# spec, input kind and shape; kinds: "randn", "ids:<high>", "decoder" (tgt, memory shapes)
FORWARD = [
    ("Embedding(10, 4, padding_idx=2)", "ids:10", [2, 5]),
    ("LayerNorm(8)", "randn", [2, 3, 8]),
    ("LayerNorm((3, 4), eps=0.001, bias=False)", "randn", [2, 3, 4]),
    ("Sequential(Linear(6, 8), GELU(), Linear(8, 5), GELU(approximate='tanh'), Softmax(dim=-1))", "randn", [3, 6]),
    ("Softmax(dim=0)", "randn", [4, 3]),
    ("Identity()", "randn", [2, 3]),
    ("MultiheadAttention(8, 2)", "randn", [5, 2, 8]),
    ("MultiheadAttention(8, 4, bias=False, batch_first=True)", "randn", [2, 5, 8]),
    ("TransformerEncoderLayer(16, 2, dim_feedforward=32, dropout=0.0)", "randn", [4, 2, 16]),
    ("TransformerEncoderLayer(16, 4, 24, 0.0, 'gelu', batch_first=True, norm_first=True)", "randn", [2, 4, 16]),
    ("TransformerDecoderLayer(16, 2, dim_feedforward=32, dropout=0.0, activation=GELU())", "decoder", [[4, 2, 16], [3, 2, 16]]),
    ("gpt(vocab_size=64, block_size=16, n_layer=2, n_head=2, n_embd=32)", "ids:64", [2, 16]),
]


def run_forward(model, spec, kind, shape, dtype, g):
    if kind.startswith("ids:"):
        x = torch.randint(0, int(kind[4:]), shape, generator=g)
        inputs = {"input": x}
        out = model(x)
    elif kind == "decoder":
        x = torch.randn(shape[0], generator=g).to(dtype).requires_grad_()
        memory = torch.randn(shape[1], generator=g).to(dtype)
        inputs = {"input": x, "memory": memory}
        out = model(x, memory, tgt_is_causal=True, tgt_mask=nn.Transformer.generate_square_subsequent_mask(
            shape[0][0], dtype=dtype))
    else:
        x = torch.randn(shape, generator=g).to(dtype).requires_grad_()
        inputs = {"input": x}
        out = model(x, x, x, need_weights=False)[0] if isinstance(model, nn.MultiheadAttention) else model(x)
    return inputs, out


def write_forward(folder):
    os.makedirs(folder, exist_ok=True)
    for f in os.listdir(folder):
        if f.endswith(".pt"):
            os.remove(os.path.join(folder, f))
    records = []
    n = 0
    for spec, kind, shape in FORWARD:
        for dtype_name in ["float32", "float64"]:
            dtype = getattr(torch, dtype_name)
            name = f"fwd_{n:02d}_{dtype_name}"
            n += 1
            torch.manual_seed(3)
            model = cast(build(spec), dtype_name)
            g = torch.Generator().manual_seed(100 + n)
            inputs, out = run_forward(model, spec, kind, shape, dtype, g)
            r = torch.randn(out.shape, generator=g).to(dtype)
            loss = (out * r).sum()
            loss.backward()
            doc = {k: v.detach() for k, v in inputs.items()}
            doc.update({"r": r, "output": out.detach(), "loss": loss.detach()})
            if inputs["input"].is_floating_point():
                doc["grad.input"] = inputs["input"].grad
            for pname, p in model.named_parameters():
                doc["grad." + pname] = p.grad
            torch.save(doc, os.path.join(folder, name + ".pt"))
            records.append({"name": name, "spec": spec, "seed": 3, "dtype": dtype_name, "kind": kind,
                            "file": name + ".pt"})
    doc = {"torch": torch.__version__, "script": "Scripts/make_transformer_goldens.py", "cases": records}
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump(doc, f, indent=1)
    print(f"forward: {len(records)} cases -> {folder}")


TRAIN = [
    {"spec": "gpt(vocab_size=64, block_size=16, n_layer=2, n_head=2, n_embd=32)", "optimizer": "adamw",
     "args": {"lr": 0.001, "weight_decay": 0.1, "betas": [0.9, 0.95]}, "seq_len": 16},
    {"spec": "gpt(vocab_size=64, block_size=16, n_layer=2, n_head=2, n_embd=32)", "optimizer": "adam",
     "args": {"lr": 0.003}, "seq_len": 8},
    {"spec": "gpt(vocab_size=64, block_size=16, n_layer=2, n_head=2, n_embd=32)", "optimizer": "sgd",
     "args": {"lr": 0.5, "momentum": 0.9}, "seq_len": 16},
    {"spec": "Sequential(Embedding(32, 16), LayerNorm(16), GELU(), Linear(16, 32))", "optimizer": "adamw",
     "args": {"lr": 0.01}, "seq_len": 5},
]


def train(case, steps=6, batch=4, seed=0, data_seed=1):
    import torch.nn.functional as F
    torch.manual_seed(seed)
    model = build(case["spec"])
    args = dict(case["args"])
    if "betas" in args:
        args["betas"] = tuple(args["betas"])
    if case["optimizer"] == "adamw":
        wd = args.pop("weight_decay", 0.01)
        params = [p for _, p in model.named_parameters()]
        groups = [{"params": [p for p in params if p.dim() >= 2], "weight_decay": wd},
                  {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}]
        opt = torch.optim.AdamW(groups, **args)
    else:
        opt = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[case["optimizer"]](model.parameters(), **args)
    vocab = model.transformer.wte.num_embeddings if hasattr(model, "transformer") else model[0].num_embeddings
    g = torch.Generator().manual_seed(data_seed)
    losses = []
    for _ in range(steps):
        x = torch.randint(0, vocab, (batch, case["seq_len"]), generator=g)
        y = torch.randint(0, vocab, (batch, case["seq_len"]), generator=g)
        opt.zero_grad()
        logits = model(x)
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), y.view(-1))
        loss.backward()
        opt.step()
        losses.append(float(loss.item()))
    record = {**case, "seed": seed, "data_seed": data_seed, "steps": steps, "batch": batch}
    return record, {"model": model.state_dict(), "losses": torch.tensor(losses, dtype=torch.float64)}


def write_train(folder):
    os.makedirs(folder, exist_ok=True)
    records = []
    for n, case in enumerate(TRAIN):
        record, doc = train(case)
        record["file"] = f"lm_{n:02d}_{case['optimizer']}.pt"
        torch.save(doc, os.path.join(folder, record["file"]))
        records.append(record)
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump({"torch": torch.__version__, "script": "Scripts/make_transformer_goldens.py",
                   "cases": records}, f, indent=1)
    print(f"train: {len(records)} recipes -> {folder}")


def main():
    assert torch.__version__.startswith("2.13.0"), torch.__version__
    torch.set_num_threads(1)
    write_init(os.path.join(OUT, "init"))
    write_forward(os.path.join(OUT, "forward"))
    write_train(os.path.join(OUT, "train"))


if __name__ == "__main__":
    sys.exit(main())
