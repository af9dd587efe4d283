#!/usr/bin/env python3
"""Write the optimizer, GradScaler and training-checkpoint goldens with real PyTorch.

    /work/venv/bin/python Scripts/make_optim_goldens.py

Output in Golden/pytorch/optim/:
  optim.json      for each optimizer case: hyper-parameters (with their Python types), parameter
                  shapes and seeds, which gradients are None, and after each of 5 `opt.step()`s the
                  float32 bits (hex, little-endian word order as printed by `%08x`) of every
                  parameter and every state tensor, in `state_dict()` order.
  <case>.pt       `torch.save(opt.state_dict(), "<case>.pt")` after the last step.
  scaler.json     GradScaler runs: the scaled gradients fed in (bits), and per step the scaled
                  loss, unscaled gradients, parameters, scale, growth tracker and skip decision.
  scaler_*.pt     GradScaler state dicts (before the first scale(), after the run, disabled).
  checkpoint_*.pt tutorial checkpoints (`{"epoch", "model_state_dict", "optimizer_state_dict",
                  "loss"}`, plus scaler and RNG state), described in checkpoint.json.

Parameters and gradients come from `torch.Generator().manual_seed(seed).randn(shape)` drawn in
order (parameters first to last; gradients step by step, parameter by parameter, skipping None
gradients), so Repro's Generator regenerates them bit for bit. Optimizers run their default
CPU path (foreach=None → the single-tensor for-loop). The script also checks that resuming from
a saved and reloaded state dict reproduces uninterrupted stepping bit for bit in PyTorch itself.
"""
import io
import json
import os

import numpy as np
import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Golden", "pytorch", "optim")
STEPS = 5


def hexbits(t):
    t = t.detach().contiguous()
    if t.dtype == torch.float32:
        return "".join(f"{w:08x}" for w in t.numpy().view(np.uint32).reshape(-1).tolist())
    if t.dtype == torch.int32:
        return "".join(f"{w & 0xffffffff:08x}" for w in t.numpy().reshape(-1).tolist())
    raise ValueError(t.dtype)


def typed(v):
    """A hyper-parameter with its Python type, so Swift can rebuild int 0 vs float 0.0."""
    if isinstance(v, bool):
        return {"bool": v}
    if isinstance(v, int):
        return {"int": v}
    if isinstance(v, float):
        return {"float": v}
    if isinstance(v, tuple):
        return {"tuple": [typed(x) for x in v]}
    if v is None:
        return {"none": None}
    raise ValueError(v)


# name, class, kwargs (in the order the user passes them), extra groups option
CASES = [
    ("sgd_plain", "SGD", {"lr": 0.1}, None, []),
    ("sgd_momentum", "SGD", {"lr": 0.01, "momentum": 0.9}, None, []),
    ("sgd_nesterov", "SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}, None, []),
    ("sgd_weight_decay", "SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 1e-2}, None, []),
    ("sgd_dampening", "SGD", {"lr": 0.03, "momentum": 0.5, "dampening": 0.25}, None, []),
    ("sgd_maximize_int_lr", "SGD", {"lr": 1, "weight_decay": 0.5, "maximize": True}, None, []),
    ("sgd_momentum_late_grad", "SGD", {"lr": 0.01, "momentum": 0.9}, None, [(0, 0), (1, 0), (2, 2)]),
    ("adam_default", "Adam", {}, None, []),
    ("adam_lr", "Adam", {"lr": 0.01}, None, []),
    ("adam_amsgrad", "Adam", {"lr": 0.02, "amsgrad": True}, None, []),
    ("adam_weight_decay", "Adam", {"lr": 0.01, "weight_decay": 0.1}, None, []),
    ("adam_maximize_betas", "Adam", {"lr": 0.005, "betas": (0.8, 0.99), "eps": 1e-6, "maximize": True}, None, []),
    ("adam_groups_late_grad", "Adam", {"lr": 0.01}, [{"lr": 0.1, "params": [0]}, {"params": [1, 2]}], [(0, 1), (1, 1)]),
    ("adam_groups_betas", "Adam", {"lr": 0.01, "betas": (0.85, 0.995)},
     [{"params": [0], "weight_decay": 0.5}, {"params": [1]}, {"params": [2], "betas": (0.5, 0.9)}], []),
    ("adamw_default", "AdamW", {}, None, []),
    ("adamw_lr_decay", "AdamW", {"lr": 0.02, "weight_decay": 0.1}, None, []),
    ("adamw_amsgrad", "AdamW", {"lr": 0.01, "amsgrad": True, "weight_decay": 0}, None, []),
]
SHAPES = [[3, 5], [40], [2, 3, 4]]


def make_params(seed):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(s, generator=g).requires_grad_() for s in SHAPES]


def make_optimizer(cls, params, kwargs, groups):
    if groups is None:
        return getattr(torch.optim, cls)(params, **kwargs)
    gs = []
    for grp in groups:
        d = {}
        for k, v in grp.items():  # user order: params may come anywhere; keep it
            d[k] = [params[i] for i in v] if k == "params" else v
        gs.append(d)
    return getattr(torch.optim, cls)(gs, **kwargs)


def set_grads(params, gg, step, none_grads):
    for i, p in enumerate(params):
        if (step, i) in none_grads:
            p.grad = None
        else:
            p.grad = torch.randn(p.shape, generator=gg)


def snapshot(params, opt):
    sd = opt.state_dict()
    return {
        "params": [hexbits(p) for p in params],
        "state": [[int(k), [[name, hexbits(t)] for name, t in v.items()]] for k, v in sd["state"].items()],
    }


def run_case(name, cls, kwargs, groups, none_grads, param_seed, grad_seed):
    params = make_params(param_seed)
    opt = make_optimizer(cls, params, kwargs, groups)
    gg = torch.Generator().manual_seed(grad_seed)
    steps = []
    mid = None
    for step in range(STEPS):
        set_grads(params, gg, step, set(none_grads))
        opt.step()
        steps.append(snapshot(params, opt))
        if step == 2:
            buf = io.BytesIO()
            torch.save(opt.state_dict(), buf)
            mid = (buf.getvalue(), [p.detach().clone() for p in params], gg.get_state())
    path = os.path.join(OUT, f"{name}.pt")
    torch.save(opt.state_dict(), path)

    # Resume check in PyTorch itself: rebuild from the step-3 state dict, step twice more.
    blob, saved_params, gstate = mid
    params2 = [p.clone().requires_grad_() for p in saved_params]
    opt2 = make_optimizer(cls, params2, kwargs, groups)
    opt2.load_state_dict(torch.load(io.BytesIO(blob)))
    gg2 = torch.Generator()
    gg2.set_state(gstate)
    for step in range(3, STEPS):
        set_grads(params2, gg2, step, set(none_grads))
        opt2.step()
    assert snapshot(params2, opt2) == steps[-1], f"{name}: PyTorch resume is not bitwise"

    return {
        "name": name,
        "optimizer": cls,
        "kwargs": [[k, typed(v)] for k, v in kwargs.items()],
        "groups": None if groups is None else [
            [[k, typed(v) if k != "params" else v] for k, v in grp.items()] for grp in groups
        ],
        "shapes": SHAPES,
        "param_seed": param_seed,
        "grad_seed": grad_seed,
        "none_grads": [list(x) for x in none_grads],
        "initial_params": [hexbits(p) for p in make_params(param_seed)],
        "steps": steps,
        "state_dict_file": f"{name}.pt",
    }


def scaler_run(name, scaler_kwargs, steps, injections, param_seed, grad_seed):
    """SGD(momentum) driven by a GradScaler; grads = raw randn * current scale, with inf/NaN
    injected at (step, param, flat index, value)."""
    params = make_params(param_seed)
    opt = torch.optim.SGD(params, lr=0.1, momentum=0.9)
    scaler = torch.amp.GradScaler("cpu", **scaler_kwargs)
    initial_sd = scaler.state_dict()
    gg = torch.Generator().manual_seed(grad_seed)
    out_steps = []
    for step in range(steps):
        loss = torch.randn((), generator=gg)
        scaled_loss = scaler.scale(loss)
        scale_t = scaler._scale
        fed = []
        for i, p in enumerate(params):
            g = torch.randn(p.shape, generator=gg) * scale_t
            for (s, pi, idx, val) in injections:
                if s == step and pi == i:
                    g.view(-1)[idx] = val
            p.grad = g
            fed.append(hexbits(g))
        before = [p.detach().clone() for p in params]
        scaler.step(opt)
        skipped = all(torch.equal(b, p.detach()) for b, p in zip(before, params))
        found_inf = float(sum(v.item() for v in scaler._per_optimizer_states[id(opt)]["found_inf_per_device"].values()))
        unscaled = [hexbits(p.grad) for p in params]
        scaler.update()
        out_steps.append({
            "loss": hexbits(loss.reshape(1)),
            "scaled_loss": hexbits(scaled_loss.reshape(1)),
            "grads_fed": fed,
            "grads_unscaled": unscaled,
            "found_inf": found_inf,
            "skipped": skipped,
            "params": [hexbits(p) for p in params],
            "scale": hexbits(scaler._scale.reshape(1)),
            "growth_tracker": int(scaler._growth_tracker.item()),
            "state_dict": [[k, typed(v)] for k, v in scaler.state_dict().items()],
        })
    torch.save(initial_sd, os.path.join(OUT, f"scaler_{name}_initial.pt"))
    torch.save(scaler.state_dict(), os.path.join(OUT, f"scaler_{name}_final.pt"))
    torch.save(opt.state_dict(), os.path.join(OUT, f"scaler_{name}_optimizer.pt"))
    return {
        "name": name,
        "kwargs": [[k, typed(v)] for k, v in scaler_kwargs.items()],
        "param_seed": param_seed,
        "grad_seed": grad_seed,
        "initial_params": [hexbits(p) for p in make_params(param_seed)],
        "shapes": SHAPES,
        "initial_state_dict": [[k, typed(v)] for k, v in initial_sd.items()],
        "steps": out_steps,
        "files": {
            "initial": f"scaler_{name}_initial.pt",
            "final": f"scaler_{name}_final.pt",
            "optimizer": f"scaler_{name}_optimizer.pt",
        },
    }


class SimpleModel(nn.Module):
    """The PyTorch guides' model: one Linear(10, 1) named fc."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 1)


def checkpoints():
    out = []
    # 1. The tutorial checkpoint: SimpleModel from manual_seed(0), SGD momentum, 3 steps.
    torch.manual_seed(0)
    model = SimpleModel()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    gg = torch.Generator().manual_seed(5)
    for _ in range(3):
        for p in model.parameters():
            p.grad = torch.randn(p.shape, generator=gg)
        opt.step()
    ckpt = {"epoch": 3, "model_state_dict": model.state_dict(), "optimizer_state_dict": opt.state_dict(), "loss": 0.4321}
    torch.save(ckpt, os.path.join(OUT, "checkpoint_tutorial.pt"))
    out.append({"file": "checkpoint_tutorial.pt", "model_seed": 0, "grad_seed": 5, "steps": 3, "epoch": 3,
                "loss": 0.4321, "optimizer": "SGD", "amp": False})

    # 2. With GradScaler state, the global RNG state and a 0-d tensor loss (non-leaf:
    #    saved with requires_grad=True).
    torch.manual_seed(0)
    model = SimpleModel()
    rng = torch.get_rng_state()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    scaler = torch.amp.GradScaler("cpu", growth_interval=2)
    gg = torch.Generator().manual_seed(6)
    for _ in range(3):
        scaler.scale(torch.tensor(1.0))
        for p in model.parameters():
            p.grad = torch.randn(p.shape, generator=gg) * scaler._scale
        scaler.step(opt)
        scaler.update()
    w = torch.tensor(0.25, requires_grad=True)
    loss = w * 3.0
    ckpt = {"epoch": 7, "model_state_dict": model.state_dict(), "optimizer_state_dict": opt.state_dict(),
            "loss": loss, "scaler_state_dict": scaler.state_dict(), "rng_state": rng}
    torch.save(ckpt, os.path.join(OUT, "checkpoint_amp.pt"))
    out.append({"file": "checkpoint_amp.pt", "model_seed": 0, "grad_seed": 6, "steps": 3, "epoch": 7,
                "loss_tensor": hexbits(loss.detach().reshape(1)), "optimizer": "Adam", "amp": True,
                "rng_state_sha256": __import__("hashlib").sha256(rng.numpy().tobytes()).hexdigest()})
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = [run_case(n, c, k, g, ng, param_seed=10 + i, grad_seed=100 + i)
             for i, (n, c, k, g, ng) in enumerate(CASES)]
    # An optimizer that has not stepped: empty state.
    params = make_params(1)
    torch.save(torch.optim.Adam(params).state_dict(), os.path.join(OUT, "adam_unstepped.pt"))
    with open(os.path.join(OUT, "optim.json"), "w") as f:
        json.dump({"torch": torch.__version__, "steps": STEPS, "cases": cases,
                   "unstepped": {"file": "adam_unstepped.pt", "optimizer": "Adam", "param_seed": 1}},
                  f, separators=(",", ":"))

    runs = [
        scaler_run("a", {"init_scale": 1024, "growth_interval": 3}, 10,
                   [(2, 0, 1, float("inf")), (5, 1, 0, float("nan")), (6, 2, 3, float("-inf"))], 50, 60),
        scaler_run("b", {"init_scale": 1000.5, "growth_factor": 1.7, "backoff_factor": 0.3, "growth_interval": 2}, 8,
                   [(1, 1, 7, float("nan")), (4, 0, 0, float("inf"))], 51, 61),
        scaler_run("c", {}, 4, [], 52, 62),
    ]
    torch.save(torch.amp.GradScaler("cpu", enabled=False).state_dict(), os.path.join(OUT, "scaler_disabled.pt"))
    with open(os.path.join(OUT, "scaler.json"), "w") as f:
        json.dump({"torch": torch.__version__, "runs": runs, "disabled_file": "scaler_disabled.pt"}, f, separators=(",", ":"))

    with open(os.path.join(OUT, "checkpoint.json"), "w") as f:
        json.dump({"torch": torch.__version__, "checkpoints": checkpoints()}, f, separators=(",", ":"))
    print("wrote", OUT)


if __name__ == "__main__":
    main()
