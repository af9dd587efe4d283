#!/usr/bin/env python3
"""Plain load, before and after issue 12, beside torch.load: wall and CPU time of the load alone.

    swift build -c release --package-path Benchmarks --product FormatBench
    .venv/bin/python Scripts/bench_load.py FILE.pt [FILE.pt ...] [--runs 5]

For each file, alternating, one process per run (after a warm-up run):
  Repro load         TorchFile.load: each stored record read straight into its own storage
                     (1 MiB pieces on every core, pages populated in one madvise, CRC-32 in the
                     same pass);
  Repro load-buffer  the load as it was before: the whole file read into one buffer, then each
                     record's CRC-32, tensors borrowing slices of the buffer;
  torch.load         weights_only=True, not mmap, timed after `import torch`.
Each side reports the load's wall time and its CPU time (user + system of every thread, from
getrusage around the call). On a machine shared with other jobs, CPU time is the figure that
does not depend on how much of the CPUs the process got; wall time shows what the second core
adds when it is free.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "Benchmarks", ".build", "release", "FormatBench")

CHILD = r"""
import resource, sys, time
import torch
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
c0, t0 = cpu(), time.perf_counter()
sd = torch.load(sys.argv[1], weights_only=True)
print(time.perf_counter() - t0, cpu() - c0)
"""


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()
    last = out.splitlines()[-1]
    if last.startswith("{"):
        d = json.loads(last)
        return d["seconds"], d["cpu_seconds"]
    wall, cpu = last.split()
    return float(wall), float(cpu)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bench", default=BENCH)
    args = ap.parse_args()
    sides = [("Repro load", [args.bench, "load"]), ("Repro load-buffer (before)", [args.bench, "load-buffer"]),
             ("torch.load", [sys.executable, "-c", CHILD])]
    print(f"{'file':24} {'side':28} {'wall min/median ms':>20} {'CPU min/median ms':>20}")
    for path in args.files:
        figures = {name: ([], []) for name, _ in sides}
        for i in range(args.runs + 1):
            for name, cmd in sides:
                wall, cpu = run(cmd + [path])
                if i:
                    figures[name][0].append(wall * 1e3)
                    figures[name][1].append(cpu * 1e3)
        for name, _ in sides:
            w, c = figures[name]
            print(f"{os.path.basename(path):24} {name:28} {min(w):9.0f} / {statistics.median(w):7.0f}"
                  f" {min(c):9.0f} / {statistics.median(c):7.0f}")
    print(f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
