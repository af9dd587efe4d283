#!/usr/bin/env python3
"""`make bench`: Repro beside PyTorch on the same files, written to Benchmarks/Results/latest.md.

    swift build -c release --product repro
    swift build -c release --package-path Benchmarks --product FormatBench
    .venv/bin/python Scripts/bench_all.py --repro .build/release/repro \
        --format-bench Benchmarks/.build/release/FormatBench [--runs 3] [--skip-2gb] \
        [--works inspect,convert] \
        [--out Benchmarks/Results/latest.md]

The works of issue 12's table, each on the same files for both sides:
  inspect   `repro inspect --json FILE` (reads every record, checks its CRC-32, SHA-256 of every
            tensor) vs `torch.load` + `hashlib.sha256` of every tensor;
  load      `TorchFile.load` (in-process, Benchmarks' FormatBench) vs `torch.load` (not mmap);
  convert   `repro convert FILE OUT.safetensors` (atomic: temporary file, fsync, rename) vs
            `torch.load` + `safetensors.torch.save_file` (no fsync);
  randn     `repro random --dist normal` 40M float32 (with `--sha256`, a process per run) and
            `Generator.randn` in-process (FormatBench) vs `torch.randn`; the in-process result's
            SHA-256 must equal torch's bytes' (bit-exact, checked after the clock stops);
  resnet18  `repro generate --model resnet18` (written to a file, fsync; a process per run) and
            `ModelFactory.make("resnet18")` in-process (FormatBench) vs
            `torchvision.models.resnet18()` (the transcription in Scripts/torch_models.py).
Files, written into a temporary folder by real torch.save and deleted at the end: the resnet18
state dict (torch.manual_seed(0), 44.7 MiB), GPT-2 small's state dict (Scripts/bench_compare.py's
shapes, 148 float32 tensors, 498 MB) and a 2 GiB file (8 float32 tensors of 64M values).

Every figure is a fresh process per run (after one warm-up run, so the page cache is warm):
PyTorch's time is measured inside the process after `import torch` (the import is not
counted); Repro's is the whole process (start-up included) except `load`, timed inside
FormatBench. Peak RSS is the process's ru_maxrss (os.wait4), PyTorch's import included. The
runs alternate between the two sides so that both see the same machine load. The ratio is
PyTorch's median over Repro's median (above 1: Repro is faster); the goal column is issue 12's.
The parent never imports torch: a child's ru_maxrss starts at the parent's size.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from bench_compare import gpt2_small_shapes, machine, timed  # noqa: E402  (no torch import)

N_RANDOM = 40_000_000

# The PyTorch side: one work per process, timed after the import; prints "seconds".
CHILD = r"""
import hashlib, os, sys, time
sys.path.insert(0, sys.argv[1])
import torch
torch.set_num_threads(os.cpu_count())
work, path, out = sys.argv[2:5]
t0 = time.perf_counter()
if work == "inspect":
    sd = torch.load(path, weights_only=True)
    digests = {k: hashlib.sha256(t.contiguous().numpy()).hexdigest() for k, t in sd.items()}
elif work == "load":
    sd = torch.load(path, weights_only=True)
elif work == "convert":
    from safetensors.torch import save_file
    save_file(torch.load(path, weights_only=True), out)
elif work == "randn":
    from bench_rng import torch_randn
    drawn = torch_randn(torch.float32)
    elapsed = time.perf_counter() - t0
    print("sha256", hashlib.sha256(drawn.numpy()).hexdigest())
    print(elapsed)
    sys.exit(0)
elif work == "resnet18":
    from bench_rng import torch_resnet18
    torch_resnet18()
print(time.perf_counter() - t0)
"""


def make_files(folder, with_2gb):
    """Writes r18.pt, gpt2.pt (and big2g.pt) with torch.save in a child process."""
    code = r"""
import os, sys
sys.path.insert(0, sys.argv[1])
import torch
from bench_compare import gpt2_small_shapes
from torch_models import torchvision_resnet18
folder, with_2gb = sys.argv[2], sys.argv[3] == "1"
torch.manual_seed(0)
torch.save(torchvision_resnet18().state_dict(), os.path.join(folder, "r18.pt"))
torch.manual_seed(0)
torch.save({k: torch.randn(s) for k, s in gpt2_small_shapes()}, os.path.join(folder, "gpt2.pt"))
if with_2gb:
    torch.manual_seed(0)
    torch.save({f"w{i}": torch.randn(64 * 2**20) for i in range(8)}, os.path.join(folder, "big2g.pt"))
"""
    subprocess.run([sys.executable, "-c", code, HERE, folder, "1" if with_2gb else "0"], check=True)


def summary(times, rss):
    return {"min": min(times), "median": statistics.median(times), "rss": max(rss)}


def side_by_side(repro_cmd, torch_cmd, runs, repro_inner=None, cleanup=None):
    """Runs both commands runs+1 times, alternating, the first run of each a warm-up."""
    rt, rr, tt, tr = [], [], [], []
    for i in range(runs + 1):
        for side in ("repro", "torch"):
            if cleanup:
                cleanup()
            cmd = repro_cmd if side == "repro" else torch_cmd
            wall, peak, code, out, err = timed(cmd)
            if code != 0:
                sys.exit(f"{' '.join(cmd)}: exit {code}\n{err[-2000:]}")
            if side == "repro":
                seconds = repro_inner(out) if repro_inner else wall
            else:
                seconds = float(out.split()[-1])
            if i == 0:
                continue
            (rt if side == "repro" else tt).append(seconds)
            (rr if side == "repro" else tr).append(peak)
    return summary(rt, rr), summary(tt, tr)


def machine_text():
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 2**20:.0f} GiB RAM"
    except OSError:
        pass
    thp = "?"
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            thp = f.read().strip()
    except OSError:
        pass
    return f"{machine()}, {mem}, transparent huge pages `{thp}`"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repro", default=os.path.join(ROOT, ".build", "release", "repro"))
    ap.add_argument("--format-bench",
                    default=os.path.join(ROOT, "Benchmarks", ".build", "release", "FormatBench"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", help="folder for the files (default: a new temporary folder)")
    ap.add_argument("--skip-2gb", action="store_true", help="leave out the 2 GiB file")
    ap.add_argument("--works", default="inspect,load,convert,randn,resnet18 init",
                    help="comma-separated works to run (default: all of them)")
    ap.add_argument("--out", default=os.path.join(ROOT, "Benchmarks", "Results", "latest.md"))
    args = ap.parse_args()
    repro = os.path.abspath(args.repro)
    bench = os.path.abspath(args.format_bench)
    works = {w.strip() for w in args.works.split(",")}
    needs_bench = bool(works & {"load", "randn", "resnet18 init"})
    for exe in (repro, bench) if needs_bench else (repro,):
        if not os.access(exe, os.X_OK):
            sys.exit(f"{exe} missing: build it first (make bench does)")
    folder = args.dir or tempfile.mkdtemp(prefix="repro-bench-")
    os.makedirs(folder, exist_ok=True)
    started = time.time()
    py = [sys.executable, "-c", CHILD, HERE]
    rows = []
    try:
        print(f"writing the files into {folder}", flush=True)
        make_files(folder, not args.skip_2gb)
        files = [("resnet18 (44.7 MiB)", "r18.pt"), ("GPT-2 small (498 MB)", "gpt2.pt")]
        if not args.skip_2gb:
            files.append(("2 GiB (8 x 64M float32)", "big2g.pt"))
        out_st = os.path.join(folder, "out.safetensors")

        def remove_out():
            if os.path.exists(out_st):
                os.remove(out_st)

        def add(work, file_label, repro_desc, torch_desc, goal, repro_cmd, torch_cmd, **kw):
            if work not in works:
                return
            print(f"{work}, {file_label}", flush=True)
            r, t = side_by_side(repro_cmd, torch_cmd, args.runs, **kw)
            rows.append((work, file_label, repro_desc, torch_desc, goal, r, t))
            print(f"  Repro {r['min']:.3f} / {r['median']:.3f} s, {r['rss']:.0f} MiB; "
                  f"PyTorch {t['min']:.3f} / {t['median']:.3f} s, {t['rss']:.0f} MiB; "
                  f"ratio {t['median'] / r['median']:.2f}x", flush=True)

        for label, name in files:
            path = os.path.join(folder, name)
            add("inspect", label, "`repro inspect --json`", "`torch.load` + `sha256` per tensor",
                3.0, [repro, "inspect", "--json", path], py + ["inspect", path, "-"])
            add("load", label, "`TorchFile.load` (FormatBench)", "`torch.load`", 1.5,
                [bench, "load", path], py + ["load", path, "-"],
                repro_inner=lambda out: json.loads(out.strip().splitlines()[-1])["seconds"])
            add("convert", label, "`repro convert` to safetensors (atomic, fsync)",
                "`torch.load` + `save_file`", 1.0,
                [repro, "convert", path, out_st], py + ["convert", path, out_st],
                cleanup=remove_out)
        add("randn", "40M float32", "`repro random --dist normal --sha256`", "`torch.randn`", 1.0,
            [repro, "random", "--seed", "0", "--dist", "normal", "--shape", str(N_RANDOM),
             "--dtype", "float32", "--sha256"], py + ["randn", "-", "-"])
        digests = {}

        def randn_inner(side):
            def inner(out):
                row = json.loads(out.strip().splitlines()[-1])
                digests[side] = row["sha256"]
                return row["seconds"]
            return inner

        add("randn", "40M float32 (in-process)", "`Generator(seed: 0).randn` (FormatBench)",
            "`torch.randn`", 1.0, [bench, "randn", str(N_RANDOM)], py + ["randn", "-", "-"],
            repro_inner=randn_inner("repro"))
        torch_digest = subprocess.run(py + ["randn", "-", "-"], check=True, capture_output=True,
                                      text=True).stdout.split()[1] if "randn" in works else None
        if "randn" in works and digests.get("repro") != torch_digest:
            sys.exit(f"randn: Repro's SHA-256 {digests.get('repro')} differs from torch's "
                     f"{torch_digest}: the generator is no longer bit-exact")
        if "randn" in works:
            print("  randn: SHA-256 equal to torch's", flush=True)
        add("resnet18 init", "resnet18", "`repro generate --model resnet18 -o FILE`",
            "`torchvision.models.resnet18()`", 1.0,
            [repro, "generate", "--model", "resnet18", "--seed", "0", "-o",
             os.path.join(folder, "r18-gen.safetensors")], py + ["resnet18", "-", "-"])
        add("resnet18 init", "resnet18 (in-process)", "`ModelFactory.make(\"resnet18\")` (FormatBench)",
            "`torchvision.models.resnet18()`", 1.0, [bench, "resnet18-init", "-"],
            py + ["resnet18", "-", "-"],
            repro_inner=lambda out: json.loads(out.strip().splitlines()[-1])["seconds"])
    finally:
        if not args.dir:
            shutil.rmtree(folder, ignore_errors=True)

    load = os.getloadavg()
    lines = [
        "# Repro vs PyTorch (`make bench`)",
        "",
        f"Written by `Scripts/bench_all.py` (`make bench`) on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(started))}. "
        f"Machine: {machine_text()}; load average {load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f} at the "
        "end (other jobs may share the CPUs: compare the ratio, measured with alternating runs, "
        "rather than the seconds).",
        "",
        f"Seconds as min / median of {args.runs} runs after a warm-up (page cache warm), one process "
        "per run. PyTorch: time inside the process after `import torch`, all CPUs. Repro: the "
        "whole process (start-up included), except `load`, timed inside `FormatBench`. Peak RSS: "
        "the process's ru_maxrss in MiB (PyTorch's includes its import, about 300 MiB). Ratio = "
        "PyTorch median / Repro median (above 1: Repro is faster); goal from issue 12.",
        "",
        "| work | file | Repro | Repro s | Repro RSS | PyTorch | PyTorch s | PyTorch RSS | ratio | goal |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for work, file_label, rdesc, tdesc, goal, r, t in rows:
        ratio = t["median"] / r["median"]
        mark = "met" if ratio >= goal else f"missed by {goal / ratio:.2f}x"
        lines.append(
            f"| {work} | {file_label} | {rdesc} | {r['min']:.3f} / {r['median']:.3f} | {r['rss']:.0f} "
            f"| {tdesc} | {t['min']:.3f} / {t['median']:.3f} | {t['rss']:.0f} | {ratio:.2f}x "
            f"| ≥ {goal:g}x: {mark} |")
    text = "\n".join(lines) + "\n"
    print(text)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
