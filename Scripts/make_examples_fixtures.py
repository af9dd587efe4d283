"""Fixtures of the Examples package (Examples/Tests/CheckpointTests/Fixtures/), made by real PyTorch.

- model.pt: torch.save of manual_seed(0) Sequential(Linear(8, 16), ReLU(), Linear(16, 4)).state_dict().
- model.fp16.safetensors: safetensors.torch.save_file of the same state dict after .half().
- model_perturbed.pt: torch.save of a copy with 2.weight[1, 3] += 0.25 (one value changed).
- checkpoint.pt: the tutorial training checkpoint after 3 SGD steps (lr 0.1, momentum 0.9) on
  manual_seed(1) data: {"epoch", "model_state_dict", "optimizer_state_dict", "loss"}.

Also checks what the example tests expect, with torch itself: the float16 export is within
assert_close of the float32 weights (check_dtype=False), the perturbed copy is not, and names
2.weight.

Run: .venv/bin/python Scripts/make_examples_fixtures.py
"""

import os

import torch
from safetensors.torch import save_file

assert torch.__version__.startswith("2.13"), torch.__version__

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Examples", "Tests", "CheckpointTests", "Fixtures")


def model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 4))


def main():
    os.makedirs(OUT, exist_ok=True)
    sd = model().state_dict()
    torch.save(sd, os.path.join(OUT, "model.pt"))
    save_file({k: v.half().contiguous() for k, v in sd.items()}, os.path.join(OUT, "model.fp16.safetensors"))

    perturbed = {k: v.clone() for k, v in sd.items()}
    perturbed["2.weight"][1, 3] += 0.25
    torch.save(perturbed, os.path.join(OUT, "model_perturbed.pt"))

    net = model()
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    g = torch.Generator().manual_seed(1)
    x, y = torch.randn(32, 8, generator=g), torch.randn(32, 4, generator=g)
    for _ in range(3):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(net(x), y)
        loss.backward()
        opt.step()
    torch.save({"epoch": 3, "model_state_dict": net.state_dict(),
                "optimizer_state_dict": opt.state_dict(), "loss": loss.item()},
               os.path.join(OUT, "checkpoint.pt"))

    # What the examples expect, said by torch.
    from safetensors.torch import load_file
    half = load_file(os.path.join(OUT, "model.fp16.safetensors"))
    for k, v in sd.items():
        torch.testing.assert_close(half[k], v, check_dtype=False)
    try:
        torch.testing.assert_close(perturbed["2.weight"], sd["2.weight"])
        raise SystemExit("the perturbed copy should differ")
    except AssertionError as e:
        print("perturbed 2.weight:", str(e).splitlines()[0])


if __name__ == "__main__":
    main()
