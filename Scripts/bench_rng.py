#!/usr/bin/env python3
"""Speed of Repro's generator against PyTorch 2.13's, side by side (issue 12, RNG part).

    .venv/bin/python Scripts/bench_rng.py --repro .build/release/repro [--runs 5] \
        [--write Benchmarks/Results/rng.md]

Repro runs as the command-line tool (a process per run: start-up, the draws, and the SHA-256 or
the atomic file write it does); PyTorch runs in this process, its import not counted. The runs
alternate between the two so that both see the same load. Each figure is the min and median of
`--runs` runs; the ratio is PyTorch's median over Repro's (above 1: Repro is faster).

Every Repro result is also checked bit for bit against PyTorch's: the SHA-256 that
`repro random --sha256` prints against torch's bytes, and the resnet18 file `repro generate`
writes against `safetensors.torch.save_file` of the same model.
"""
import argparse
import hashlib
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import torch
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_models import torchvision_resnet18  # noqa: E402

N = 40_000_000


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def run_repro(args):
    t0 = time.perf_counter()
    p = subprocess.run(args, check=True, capture_output=True, text=True)
    return time.perf_counter() - t0, p.stdout.strip()


def sha(t):
    return hashlib.sha256(t.contiguous().numpy().tobytes()).hexdigest()


def file_sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def torch_randn(dtype):
    torch.manual_seed(0)
    return torch.randn(N, dtype=dtype)


def torch_rand():
    torch.manual_seed(0)
    return torch.rand(N)


def torch_resnet18():
    torch.manual_seed(0)
    return torchvision_resnet18()


def torch_resnet18_saved(path):
    torch.manual_seed(0)
    m = torchvision_resnet18()
    save_file(m.state_dict(), path)
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repro", required=True, help="the repro binary (a release build)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--write", help="write the Markdown table to this file")
    a = ap.parse_args()
    repro = os.path.abspath(a.repro)
    tmp = tempfile.mkdtemp(dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    r18_repro = os.path.join(tmp, "r18-repro.safetensors")
    r18_torch = os.path.join(tmp, "r18-torch.safetensors")
    random_args = [repro, "random", "--seed", "0", "--dist"]

    # (name, repro command, torch work, what the torch side does)
    rows = [
        ("`randn` 40M float32",
         random_args + ["normal", "--shape", str(N), "--dtype", "float32", "--sha256"],
         lambda: torch_randn(torch.float32), "`torch.randn(40_000_000)`"),
        ("`randn` 40M float32, with SHA-256",
         None, lambda: sha(torch_randn(torch.float32)), "`torch.randn(40_000_000)` + `hashlib.sha256`"),
        ("`rand` 40M float32",
         random_args + ["uniform", "--shape", str(N), "--dtype", "float32", "--sha256"],
         torch_rand, "`torch.rand(40_000_000)`"),
        ("`randn` 40M float64",
         random_args + ["normal", "--shape", str(N), "--dtype", "float64", "--sha256"],
         lambda: torch_randn(torch.float64), "`torch.randn(40_000_000, dtype=torch.float64)`"),
        ("resnet18 init",
         [repro, "generate", "--model", "resnet18", "--seed", "0", "-o", r18_repro],
         torch_resnet18, "`torchvision.models.resnet18()` (transcription in `Scripts/torch_models.py`)"),
        ("resnet18 init + safetensors file",
         None, lambda: torch_resnet18_saved(r18_torch), "the same + `save_file` + `fsync`"),
        ("process start-up (1 element)",
         random_args + ["normal", "--shape", "1", "--sha256"], None, "(none)"),
    ]
    times = {name: ([], []) for name, *_ in rows}
    outputs = {}
    for _ in range(a.runs):
        for name, cmd, work, _desc in rows:
            if cmd is not None:
                t, out = run_repro(cmd)
                times[name][0].append(t)
                outputs[name] = out
            if work is not None:
                t, _ = timed(work)
                times[name][1].append(t)

    checks = []
    for name, dtype in (("`randn` 40M float32", torch.float32), ("`randn` 40M float64", torch.float64)):
        checks.append((name, outputs[name] == sha(torch_randn(dtype))))
    checks.append(("`rand` 40M float32", outputs["`rand` 40M float32"] == sha(torch_rand())))
    torch_resnet18_saved(r18_torch)
    checks.append(("resnet18 safetensors file", file_sha(r18_repro) == file_sha(r18_torch)))

    def fmt(ts):
        return f"{min(ts):.3f} / {statistics.median(ts):.3f}" if ts else "–"

    lines = [
        "# Generator speed: Repro vs PyTorch",
        "",
        f"`Scripts/bench_rng.py --repro {a.repro} --runs {a.runs}`: {a.runs} runs each, alternating; "
        "seconds as min / median. Repro is the command-line tool, one process per run (start-up, "
        "draws, then `--sha256` or the atomic file write with fsync to /dev/shm); PyTorch "
        f"{torch.__version__} runs in-process (import not counted, "
        f"{torch.get_num_threads()} threads, capability {torch.backends.cpu.get_cpu_capability()}). "
        "Ratio = PyTorch median / Repro median (above 1: Repro is faster).",
        "",
        f"Machine: {cpu_name()}, {os.cpu_count()} CPUs, load average "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} at the end (shared with other jobs).",
        "",
        "| work | Repro command | Repro s | PyTorch | PyTorch s | ratio |",
        "|---|---|---|---|---|---|",
    ]
    previous = None
    for name, cmd, work, desc in rows:
        rt, tt = times[name]
        if cmd is None and previous is not None:
            rt = times[previous][0]  # the command above does this work too
        previous = name
        ratio = (f"{statistics.median(tt) / statistics.median(rt):.2f}x" if rt and tt else "–")
        shown = "`repro " + " ".join(cmd[1:]).replace(tmp + "/", "") + "`" if cmd else "(row above)"
        lines.append(f"| {name} | {shown} | {fmt(rt) if cmd else '(above)'} | {desc} | {fmt(tt)} | {ratio} |")
    lines += ["", "Bit-exact checks on the outputs of these runs: " +
              ", ".join(f"{n} {'identical' if ok else 'DIFFERENT'}" for n, ok in checks) + "."]
    text = "\n".join(lines) + "\n"
    print(text)
    if a.write:
        with open(a.write, "w") as f:
            f.write(text)
    if not all(ok for _, ok in checks):
        sys.exit(1)


if __name__ == "__main__":
    main()
