#!/usr/bin/env python3
"""`repro diff` and `repro compare` beside PyTorch on a GPT-2-small-sized state dict.

    swift build -c release --product repro
    .venv/bin/python Scripts/bench_compare.py [--repro .build/release/repro] [--runs 3] \
        [--dir /tmp/repro-bench-compare --keep] [--out Benchmarks/Results/compare-diff.md]

Files (written by real torch.save into --dir, never committed; deleted at the end unless --keep):
  ref.pt   GPT-2 small's state dict (GPT2LMHeadModel without the tied lm_head and the attention
           mask buffers: 148 tensors, 124,439,808 float32 values, 498 MB) filled with
           torch.randn from torch.manual_seed(0);
  one.pt   the same with one value changed (h.5.mlp.c_fc.weight[100, 200] += 0.25);
  fp16.pt  every tensor .half().

Scenarios: (a) ref.pt vs one.pt, (b) ref.pt vs fp16.pt. For each, timed:
  PyTorch diff     torch.load both (weights_only=True), then per key torch.equal, and for each key
                   that is not equal torch.testing.assert_close(check_dtype=False) (what it takes
                   to say how far apart the values are);
  PyTorch compare  torch.load both, then torch.testing.assert_close(cand[k], ref[k],
                   check_dtype=False) per key (failures caught and counted);
  repro diff / repro compare as subprocesses (process start included).
PyTorch runs in a fresh interpreter per run, timed inside after `import torch` (the import is not
counted); its peak RSS is the child's ru_maxrss (import included). Repro's time is the whole
process's wall time and ru_maxrss (os.wait4). Each figure is min/median of --runs runs after one
warm-up run (page cache warm). The ratio is PyTorch's median over Repro's median.
"""
import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

LAYERS = 12
D = 768


def gpt2_small_shapes():
    """GPT-2 small's state-dict keys and shapes (transformers' GPT2Model naming, Conv1D layout)."""
    shapes = [("wte.weight", (50257, D)), ("wpe.weight", (1024, D))]
    for i in range(LAYERS):
        p = f"h.{i}."
        shapes += [
            (p + "ln_1.weight", (D,)), (p + "ln_1.bias", (D,)),
            (p + "attn.c_attn.weight", (D, 3 * D)), (p + "attn.c_attn.bias", (3 * D,)),
            (p + "attn.c_proj.weight", (D, D)), (p + "attn.c_proj.bias", (D,)),
            (p + "ln_2.weight", (D,)), (p + "ln_2.bias", (D,)),
            (p + "mlp.c_fc.weight", (D, 4 * D)), (p + "mlp.c_fc.bias", (4 * D,)),
            (p + "mlp.c_proj.weight", (4 * D, D)), (p + "mlp.c_proj.bias", (D,)),
        ]
    shapes += [("ln_f.weight", (D,)), ("ln_f.bias", (D,))]
    return shapes


def make_files(folder):
    import torch
    torch.manual_seed(0)
    sd = {k: torch.randn(s) for k, s in gpt2_small_shapes()}
    assert len(sd) == 148 and sum(t.numel() for t in sd.values()) == 124_439_808
    torch.save(sd, os.path.join(folder, "ref.pt"))
    one = dict(sd)
    one["h.5.mlp.c_fc.weight"] = sd["h.5.mlp.c_fc.weight"].clone()
    one["h.5.mlp.c_fc.weight"][100, 200] += 0.25
    torch.save(one, os.path.join(folder, "one.pt"))
    torch.save({k: t.half() for k, t in sd.items()}, os.path.join(folder, "fp16.pt"))


CHILD = r"""
import sys, time, resource
import torch
torch.set_num_threads(int(sys.argv[4]))
mode, ref_path, cand_path = sys.argv[1:4]
t0 = time.perf_counter()
ref = torch.load(ref_path, weights_only=True)
cand = torch.load(cand_path, weights_only=True)
failed = 0
for k, r in ref.items():
    c = cand[k]
    if mode == "diff" and c.dtype == r.dtype and torch.equal(c, r):
        continue
    try:
        torch.testing.assert_close(c, r, check_dtype=False)
    except AssertionError:
        failed += 1
seconds = time.perf_counter() - t0
print(seconds, failed)
"""


def timed(argv):
    """Runs argv to completion; (wall s, peak RSS MiB, returncode, stdout, stderr) via wait4."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Read the pipes in full, then reap with wait4 for the child's own rusage.
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, rusage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, rusage.ru_maxrss / 1024, p.returncode, out.decode(), err.decode()


def measure(label, argv, runs, inner_time=False):
    times, rss, codes, last = [], [], set(), ""
    for i in range(runs + 1):
        wall, peak, code, out, err = timed(argv)
        if inner_time:
            if code != 0:
                sys.exit(f"{label}: exit {code}\n{err}")
            wall = float(out.split()[0])
        if i == 0:
            last = out
            continue  # warm-up
        times.append(wall)
        rss.append(peak)
        codes.add(code)
    print(f"  {label}: min {min(times):.3f} s, median {statistics.median(times):.3f} s, "
          f"peak RSS {max(rss):.0f} MiB, exit {sorted(codes)}", flush=True)
    return {"min": min(times), "median": statistics.median(times), "rss": max(rss),
            "codes": sorted(codes), "first_lines": last.splitlines()[:3]}


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import torch
    return (f"{model}, {os.cpu_count()} CPUs, Linux {platform.release()}, "
            f"Python {platform.python_version()}, torch {torch.__version__}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repro", default=os.path.join(ROOT, ".build", "release", "repro"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--threads", type=int, default=os.cpu_count(),
                    help="torch.set_num_threads for the PyTorch runs (default: every CPU)")
    ap.add_argument("--only", choices=["pytorch", "repro"], help="time one side only")
    ap.add_argument("--out", help="write the markdown table here")
    args = ap.parse_args()

    folder = args.dir or tempfile.mkdtemp(prefix="repro-bench-compare-")
    os.makedirs(folder, exist_ok=True)
    ref = os.path.join(folder, "ref.pt")
    if not all(os.path.exists(os.path.join(folder, f)) for f in ("ref.pt", "one.pt", "fp16.pt")):
        print(f"writing ref.pt, one.pt, fp16.pt into {folder}", flush=True)
        make_files(folder)
    results = []
    try:
        for scenario, cand_name in (("(a) one changed value", "one.pt"),
                                    ("(b) float16 copy", "fp16.pt")):
            cand = os.path.join(folder, cand_name)
            print(scenario, flush=True)
            for what in ("diff", "compare"):
                torch_fig = repro_fig = None
                if args.only != "repro":
                    torch_fig = measure(
                        f"PyTorch {what}",
                        [sys.executable, "-c", CHILD, what, ref, cand, str(args.threads)],
                        args.runs, inner_time=True)
                if args.only != "pytorch":
                    repro_fig = measure(f"repro {what}", [args.repro, what, ref, cand], args.runs)
                results.append((scenario, what, cand_name, torch_fig, repro_fig))
    finally:
        if not args.keep and not args.dir:
            shutil.rmtree(folder, ignore_errors=True)

    lines = [
        "# `repro diff` / `repro compare` vs PyTorch on a GPT-2-small-sized state dict",
        "",
        f"`{' '.join(['Scripts/bench_compare.py'] + sys.argv[1:])}`; {machine()}.",
        "Files: 148 float32 tensors, 124,439,808 values (498 MB), made by torch.save (see the "
        "script). PyTorch: in-process time after `import torch` (torch.load both + torch.equal / "
        "assert_close per key); Repro: whole process. Seconds, min / median of "
        f"{args.runs} runs after a warm-up; peak RSS in MiB; ratio = PyTorch median / Repro median.",
        "",
        "| scenario | work | PyTorch min / median | PyTorch RSS | Repro min / median | Repro RSS "
        "| Repro exit | ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for scenario, what, cand_name, t, r in results:
        tcol = f"{t['min']:.3f} / {t['median']:.3f}" if t else "-"
        rcol = f"{r['min']:.3f} / {r['median']:.3f}" if r else "-"
        ratio = f"{t['median'] / r['median']:.1f}x" if t and r else "-"
        lines.append(
            f"| {scenario} | `repro {what} ref.pt {cand_name}` | {tcol} | "
            f"{t['rss']:.0f} | " if t else f"| {scenario} | `repro {what} ref.pt {cand_name}` | - | - | ")
        lines[-1] += (f"{rcol} | {r['rss']:.0f} | {r['codes']} | {ratio} |" if r
                      else "- | - | - | - |")
    table = "\n".join(lines) + "\n"
    print(table)
    if args.out:
        with open(args.out, "w") as f:
            f.write(table)


if __name__ == "__main__":
    main()
