#!/usr/bin/env python3
"""Python's zipfile reading every record of a zip file (CRC-checked), best of N runs.

The baseline for Benchmarks/ZipRead (ReproFormat's ZipArchive). Run:
  python3 Scripts/bench_zip_read.py <file.pt> [iterations]
"""
import os
import sys
import time
import zipfile

path = sys.argv[1]
iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 10
size = os.path.getsize(path)


def run(label, fn):
    best = float("inf")
    for _ in range(iterations):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    print(f"{label:52s} best {best * 1000:8.3f} ms  {size / best / 1e9:6.2f} GB/s")


def parse():
    with zipfile.ZipFile(path) as z:
        return len(z.infolist())


def read_all():
    with zipfile.ZipFile(path) as z:
        return sum(len(z.read(i)) for i in z.infolist())


print(f"file: {path}, {size} bytes, best of {iterations}")
run("zipfile: parse only", parse)
run("zipfile: parse + read every record (copy + CRC)", read_all)
