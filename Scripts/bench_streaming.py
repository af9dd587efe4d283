#!/usr/bin/env python3
"""Peak RSS and wall time of `repro inspect --json`, `compare` and `diff` (streaming readers).

    /work/venv/bin/python Scripts/make_streaming_files.py --dir /tmp/repro-streaming --big
    python3 Scripts/bench_streaming.py --repro .build/release/repro --dir /tmp/repro-streaming \
        [--runs 3] [--label after]

Each command runs under `/usr/bin/time -v` (page cache warm: one warm-up run first); the table
gives the min and median of --runs runs of "Elapsed (wall clock) time" and the max of "Maximum
resident set size". Files (see make_streaming_files.py): ref.pt/one.pt (498 MB, one value
changed), big.pt/big_one.pt (1.99 GB), bomb.pt (262 KB whose one 256 MiB record is deflated) and
bomb_stored.pt (the same dict as torch.save writes it).
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

SCENARIOS = [
    ("498 MB", "inspect --json", ["inspect", "--json", "ref.pt"]),
    ("498 MB", "compare", ["compare", "ref.pt", "one.pt"]),
    ("498 MB", "diff", ["diff", "ref.pt", "one.pt"]),
    ("1.99 GB", "inspect --json", ["inspect", "--json", "big.pt"]),
    ("1.99 GB", "compare", ["compare", "big.pt", "big_one.pt"]),
    ("1.99 GB", "diff", ["diff", "big.pt", "big_one.pt"]),
    ("deflate bomb", "inspect --json", ["inspect", "--json", "bomb.pt"]),
    ("deflate bomb", "compare", ["compare", "bomb.pt", "bomb_stored.pt"]),
    ("deflate bomb", "diff", ["diff", "bomb.pt", "bomb_stored.pt"]),
]


def run(repro, folder, args):
    cmd = ["/usr/bin/time", "-v", repro] + [a if a.startswith("-") or a in (
        "inspect", "compare", "diff") else os.path.join(folder, a) for a in args]
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = p.stderr
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", err).group(1)
    seconds = 0.0
    for part in wall.split(":"):
        seconds = seconds * 60 + float(part)
    status = re.search(r"Exit status: (\d+)", err).group(1)
    return seconds, rss / 1024, int(status)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repro", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--label", default="")
    ap.add_argument("--only", default="", help="substring of the file column to run")
    a = ap.parse_args()
    print(f"| file | command | wall s (min / median) | peak RSS MiB | exit | {a.label}")
    print("|---|---|---|---|---|")
    for file, name, args in SCENARIOS:
        if a.only and a.only not in file:
            continue
        run(a.repro, a.dir, args)
        results = [run(a.repro, a.dir, args) for _ in range(a.runs)]
        walls = [r[0] for r in results]
        rss = max(r[1] for r in results)
        print(f"| {file} | `repro {' '.join(args)}` | {min(walls):.2f} / "
              f"{statistics.median(walls):.2f} | {rss:.0f} | {results[0][2]} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
