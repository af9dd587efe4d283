"""Writes Golden/pytorch/kernels/kernels.json: small PyTorch-made vectors for the ReproTensor
kernel tests (matmul, linear, conv2d, pooling, reductions, float16/bfloat16 elementwise, error
text). Run with the pinned torch: /work/venv/bin/python Scripts/make_kernel_vectors.py"""
import json, os, struct
import torch
import torch.nn.functional as F

torch.manual_seed(1234)
OUT = os.path.join(os.path.dirname(__file__), "..", "Golden", "pytorch", "kernels", "kernels.json")


def enc(t):
    """dtype, shape and the raw element bits as hex (exact for every dtype)."""
    t = t.detach().contiguous()
    if t.dtype in (torch.float16, torch.bfloat16):
        raw = t.view(torch.int16).numpy().astype("<i2").tobytes()
    else:
        raw = t.numpy().tobytes()
    return {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "hex": raw.hex()}


cases = {"matmul": [], "linear": [], "conv2d": [], "max_pool2d": [], "avg_pool2d": [],
         "adaptive_avg_pool2d": [], "reductions": [], "elementwise": [], "errors": {}}

for dt in (torch.float32, torch.float64):
    for sa, sb in [((3, 4), (4, 5)), ((4,), (4, 3)), ((2, 3, 4), (4, 2)), ((2, 1, 3, 4), (3, 4, 2)), ((5,), (5,)),
                   ((3, 6), (6,))]:
        a, b = torch.randn(*sa, dtype=dt), torch.randn(*sb, dtype=dt)
        cases["matmul"].append({"a": enc(a), "b": enc(b), "out": enc(a @ b)})
    x, w, bias = torch.randn(2, 3, 5, dtype=dt), torch.randn(4, 5, dtype=dt), torch.randn(4, dtype=dt)
    cases["linear"].append({"input": enc(x), "weight": enc(w), "bias": enc(bias), "out": enc(F.linear(x, w, bias))})

conv_specs = [
    dict(n=2, cin=3, h=7, w=6, cout=4, k=(3, 3), stride=1, padding=0, dilation=1, groups=1, bias=True),
    dict(n=1, cin=4, h=9, w=8, cout=6, k=(3, 2), stride=(2, 1), padding=(1, 2), dilation=1, groups=2, bias=True),
    dict(n=2, cin=2, h=10, w=9, cout=2, k=(3, 3), stride=2, padding=2, dilation=(2, 3), groups=1, bias=False),
    dict(n=1, cin=4, h=5, w=5, cout=4, k=(3, 3), stride=1, padding=1, dilation=1, groups=4, bias=True),
]
for dt in (torch.float32, torch.float64):
    for s in conv_specs:
        x = torch.randn(s["n"], s["cin"], s["h"], s["w"], dtype=dt)
        w = torch.randn(s["cout"], s["cin"] // s["groups"], *s["k"], dtype=dt)
        b = torch.randn(s["cout"], dtype=dt) if s["bias"] else None
        y = F.conv2d(x, w, b, stride=s["stride"], padding=s["padding"], dilation=s["dilation"], groups=s["groups"])
        pair = lambda v: list(v) if isinstance(v, tuple) else [v]
        cases["conv2d"].append({"input": enc(x), "weight": enc(w), "bias": enc(b) if b is not None else None,
                                "stride": pair(s["stride"]), "padding": pair(s["padding"]),
                                "dilation": pair(s["dilation"]), "groups": s["groups"], "out": enc(y)})

for dt in (torch.float32, torch.bfloat16):
    x = torch.randn(2, 3, 9, 7).to(dt)
    for kw in [dict(kernel_size=[2]), dict(kernel_size=[3, 2], stride=[2, 1], padding=[1, 1]),
               dict(kernel_size=[3], stride=[2], padding=[1], dilation=[2], ceil_mode=True),
               dict(kernel_size=[2], stride=[2], ceil_mode=True)]:
        cases["max_pool2d"].append({"input": enc(x), "args": kw, "out": enc(F.max_pool2d(x, **kw))})
    for kw in [dict(kernel_size=[2]), dict(kernel_size=[3, 2], stride=[2, 1], padding=[1, 1]),
               dict(kernel_size=[3], stride=[2], padding=[1], ceil_mode=True, count_include_pad=False),
               dict(kernel_size=[3], stride=[2], padding=[1], ceil_mode=True, count_include_pad=True),
               dict(kernel_size=[2, 3], divisor_override=5)]:
        cases["avg_pool2d"].append({"input": enc(x), "args": kw, "out": enc(F.avg_pool2d(x, **kw))})
    for size in [[3, 2], [4, 4], [1], [9, 7], [5, 3]]:
        cases["adaptive_avg_pool2d"].append({"input": enc(x), "output_size": size,
                                              "out": enc(F.adaptive_avg_pool2d(x, size if len(size) == 2 else size[0]))})

x = torch.randn(4, 37, 5)
for dims in [None, [1], [0, 2], [-1]]:
    for keep in (False, True):
        s = x.sum() if dims is None else x.sum(dim=dims, keepdim=keep)
        m = x.mean() if dims is None else x.mean(dim=dims, keepdim=keep)
        cases["reductions"].append({"input": enc(x), "dims": dims, "keepdim": keep, "sum": enc(s), "mean": enc(m)})
xh = torch.randn(3, 50).half()
cases["reductions"].append({"input": enc(xh), "dims": [1], "keepdim": False, "sum": enc(xh.sum(1)), "mean": enc(xh.mean(1))})

for dt in (torch.float16, torch.bfloat16):
    a = (torch.randn(64) * 3).to(dt)
    b = (torch.randn(64) * 3).to(dt)
    pos = a.abs() + 0.5
    cases["elementwise"].append({"op": "add", "a": enc(a), "b": enc(b), "out": enc(a + b)})
    cases["elementwise"].append({"op": "mul", "a": enc(a), "b": enc(b), "out": enc(a * b)})
    cases["elementwise"].append({"op": "div", "a": enc(a), "b": enc(b), "out": enc(a / b)})
    cases["elementwise"].append({"op": "sub_scalar", "a": enc(a), "scalar": 0.1, "out": enc(a - 0.1)})
    cases["elementwise"].append({"op": "mul_scalar", "a": enc(a), "scalar": 1.7, "out": enc(a * 1.7)})
    cases["elementwise"].append({"op": "sqrt", "a": enc(pos), "out": enc(pos.sqrt())})
    cases["elementwise"].append({"op": "relu", "a": enc(a), "out": enc(a.relu())})
    cases["elementwise"].append({"op": "pow2", "a": enc(a), "out": enc(a.pow(2))})
ai = torch.tensor([1, 2, 3], dtype=torch.int32)
cases["elementwise"].append({"op": "div", "a": enc(ai), "b": enc(torch.tensor([2, 4, 7], dtype=torch.int64)),
                             "out": enc(ai / torch.tensor([2, 4, 7]))})
cases["elementwise"].append({"op": "add", "a": enc(torch.tensor([100, 27], dtype=torch.int8)),
                             "b": enc(torch.tensor([100, 1], dtype=torch.uint8)),
                             "out": enc(torch.tensor([100, 27], dtype=torch.int8) + torch.tensor([100, 1], dtype=torch.uint8))})

try:
    torch.zeros(2, 3) + torch.zeros(4)
except RuntimeError as e:
    cases["errors"]["broadcast_2x3_4"] = str(e)
try:
    torch.zeros(2, 3) @ torch.zeros(4, 5)
except RuntimeError as e:
    cases["errors"]["mm_2x3_4x5"] = str(e)

with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
print("wrote", OUT, os.path.getsize(OUT), "bytes")
