#!/usr/bin/env python3
"""SIGKILL `repro convert` at random moments and count what it leaves behind.

    .venv/bin/python Scripts/kill_convert.py --repro .build/debug/repro [--trials 100]
        [--size-mb 300] [--work DIR] [--seed 0] [--keep]

Two inputs A.pt and B.pt of about SIZE MB each (torch.save of one float32 tensor, different seeds)
are converted twice each to learn the two possible outputs (sha256) and how long a warm conversion
takes (the shortest of the four).
OUT.pt then starts as A's conversion. Each trial starts `repro convert X.pt OUT.pt` (X alternates
between B and A, so the old and the new file differ), kills it with SIGKILL after a uniformly random
delay in [0, 1.1 x the measured duration] and checks that OUT.pt is intact: its sha256 is the one of
A's or of B's conversion. After each trial the script counts the temporary files in the folder
(`.OUT.pt.tmp-*`, the names `AtomicFile` gives) without removing any. After the last trial one
more conversion runs to completion, and the temporary files are counted again: the crash-safety
promise is that this count is 0.

Prints one summary line per phase and exits 1 if OUT.pt was ever neither file or a temporary file
survives the final save, or the final OUT.pt does not load in torch with B's values.
CI runs it with `--trials 20 --size-mb 64` (`make crosscheck`).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def temporaries(folder: str, name: str) -> list[tuple[str, int]]:
    out = []
    for entry in os.listdir(folder):
        if entry.startswith("." + name + ".tmp-"):
            out.append((entry, os.path.getsize(os.path.join(folder, entry))))
    return sorted(out)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repro", required=True, help="the repro binary to test")
    p.add_argument("--trials", type=int, default=100)
    p.add_argument("--size-mb", type=int, default=300)
    p.add_argument("--work", help="folder for the files (default: a new temporary folder)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    args = p.parse_args()

    import torch  # only to write the two inputs

    repro = os.path.abspath(args.repro)
    work = args.work or tempfile.mkdtemp(prefix="kill-convert-")
    os.makedirs(work, exist_ok=True)
    rng = random.Random(args.seed)
    n = args.size_mb * (1 << 20) // 4
    inputs = {}
    for i, label in enumerate("AB"):
        path = os.path.join(work, f"{label}.pt")
        g = torch.Generator().manual_seed(args.seed + i)
        torch.save({"w": torch.randn(n, generator=g)}, path)
        inputs[label] = path
    out = os.path.join(work, "OUT.pt")

    expected = {}
    durations = []
    for label in "BABA":  # ends with OUT.pt = A's conversion
        t = time.monotonic()
        subprocess.run([repro, "convert", inputs[label], out], check=True)
        durations.append(time.monotonic() - t)
        expected[sha256(out)] = label
    duration = min(durations)  # warm: most kills land while the conversion runs
    print(f"inputs: 2 x {os.path.getsize(inputs['A']) / 1e6:.0f} MB; a conversion takes "
          f"{duration:.2f} s; kill delays uniform in [0, {1.1 * duration:.2f}] s")

    intact = 0
    killed = 0
    trials_leaving = 0
    seen: set[str] = set()
    largest = 0
    for trial in range(args.trials):
        label = "B" if trial % 2 == 0 else "A"
        proc = subprocess.Popen([repro, "convert", inputs[label], out],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, 1.1 * duration))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait()
        if expected.get(sha256(out)) is not None:
            intact += 1
        else:
            print(f"trial {trial}: OUT.pt is neither A's nor B's conversion")
        now = temporaries(work, "OUT.pt")
        new = [t for t in now if t[0] not in seen]
        if new:
            trials_leaving += 1
        seen.update(t[0] for t in now)
        largest = max([largest] + [size for _, size in now])
    left = temporaries(work, "OUT.pt")
    print(f"trials: {args.trials}, killed before the end: {killed}, OUT.pt intact (old or new): "
          f"{intact}/{args.trials}")
    print(f"trials that left a new temporary file: {trials_leaving}; temporary files present after "
          f"the last trial: {len(left)} ({sum(s for _, s in left) / 1e6:.0f} MB, largest "
          f"{largest / 1e6:.0f} MB)")

    subprocess.run([repro, "convert", inputs["B"], out], check=True, stdout=subprocess.DEVNULL)
    after = temporaries(work, "OUT.pt")
    print(f"after one more complete save: {len(after)} temporary files")
    # The file that survived every kill loads in PyTorch and holds B's values.
    loads = torch.equal(torch.load(out, weights_only=True)["w"],
                        torch.load(inputs["B"], weights_only=True)["w"])
    print(f"OUT.pt loads in torch and equals B.pt: {loads}")
    ok = intact == args.trials and not after and expected.get(sha256(out)) == "B" and loads
    if not args.keep:
        shutil.rmtree(work)
    else:
        print(f"kept {work}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
