#!/usr/bin/env python3
"""Serialization benchmarks: Repro's engine beside PyTorch and safetensors, same machine, one run.

    swift build -c release --package-path Benchmarks --product FormatBench
    .venv/bin/python Scripts/bench_format_torch.py [--dir /tmp/repro-bench] [--repeat 3]

Files (written by torch into --dir, deleted at the end unless --keep): a ResNet-18 state_dict
(torchvision's resnet18(), 11.7M float32 parameters, 44.7 MiB) and one 512 MiB float32 tensor, each as
torch.save's zip file and as safetensors. Every measurement runs in its own process (Repro:
Benchmarks/.build/release/FormatBench; PyTorch: this script with --child) and reports the time of the
operation alone and its peak memory: ru_maxrss at the end minus ru_maxrss just before the operation
(for saves, the state being saved is loaded before that point). Times are the best of --repeat runs
(the files are in the page cache after the first); memory is the largest delta seen.

Operations: torch.load (default and mmap=True), torch.save (and torch.save + fsync, since Repro's save
is atomic: temporary file, fsync, rename), safetensors load_file / save_file; Repro TorchFile.load
(plain: reads the file once, CRC-checks every record, tensors borrow the buffer), TorchFile.load
(memoryMapped), TorchFile.save, SafeTensorsFile.load / write.
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "Benchmarks", ".build", "release", "FormatBench")


def child(op, src, dst):
    import torch
    from safetensors.torch import load_file, save_file
    torch.set_num_threads(1)
    obj = None
    if op in ("torch-save", "torch-save-fsync"):
        obj = torch.load(src, weights_only=True)
    elif op == "st-save":
        obj = load_file(src)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    if op == "torch-load":
        obj = torch.load(src, weights_only=True)
    elif op == "torch-load-mmap":
        obj = torch.load(src, weights_only=True, mmap=True)
    elif op == "torch-save":
        torch.save(obj, dst)
    elif op == "torch-save-fsync":
        with open(dst, "wb") as f:
            torch.save(obj, f)
            f.flush()
            os.fsync(f.fileno())
    elif op == "st-load":
        obj = load_file(src)
    elif op == "st-save":
        save_file(obj, dst)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    nbytes = sum(t.numel() * t.element_size() for t in obj.values())
    print(json.dumps({"op": op, "seconds": seconds, "baseline_kb": base, "maxrss_kb": peak, "bytes": nbytes}))


def make_files(d):
    import torch
    from safetensors.torch import save_file
    sys.path.insert(0, os.path.join(ROOT, "Scripts"))
    from make_nn_goldens import torchvision_resnet18
    os.makedirs(d, exist_ok=True)
    torch.manual_seed(0)
    sd = torchvision_resnet18().state_dict()
    torch.save(sd, os.path.join(d, "r18.pt"))
    save_file(sd, os.path.join(d, "r18.safetensors"))
    big = {"big": torch.randn(128 * 2**20)}
    torch.save(big, os.path.join(d, "big.pt"))
    save_file(big, os.path.join(d, "big.safetensors"))
    params = sum(t.numel() for k, t in sd.items() if t.is_floating_point())
    return params


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {r.stderr.strip()}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def measure(cmd, repeat, out_path=None):
    best, mem, nbytes = None, 0, 0
    for _ in range(repeat):
        if out_path and os.path.exists(out_path):
            os.remove(out_path)
        r = run(cmd)
        best = r["seconds"] if best is None else min(best, r["seconds"])
        mem = max(mem, r["maxrss_kb"] - r["baseline_kb"])
        nbytes = r["bytes"]
    return best, mem, nbytes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--child", nargs=3, metavar=("OP", "SRC", "DST"))
    ap.add_argument("--make-files", metavar="DIR")
    ap.add_argument("--dir", default="/tmp/repro-bench")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()
    if args.child:
        return child(*args.child)
    if args.make_files:
        import torch
        print(json.dumps({"params": make_files(args.make_files), "torch": torch.__version__}))
        return 0
    if not os.path.exists(BENCH):
        sys.exit(f"{BENCH} missing: swift build -c release --package-path Benchmarks --product FormatBench")
    # The parent stays small and never imports torch: on Linux a child's ru_maxrss starts at the
    # parent's resident size at fork, which would hide the children's own peaks.
    made = run([sys.executable, os.path.abspath(__file__), "--make-files", args.dir])
    params, torch_version = made["params"], made["torch"]
    py = [sys.executable, os.path.abspath(__file__), "--child"]
    results = []
    try:
        for name in ["r18", "big"]:
            pt, st = os.path.join(args.dir, name + ".pt"), os.path.join(args.dir, name + ".safetensors")
            out_pt, out_st = os.path.join(args.dir, "out.pt"), os.path.join(args.dir, "out.safetensors")
            rows = [
                ("load", "torch.load", py + ["torch-load", pt, "-"], None),
                ("load", "Repro TorchFile.load", [BENCH, "load", pt], None),
                ("mmap", "torch.load(mmap=True)", py + ["torch-load-mmap", pt, "-"], None),
                ("mmap", "Repro TorchFile.load(memoryMapped)", [BENCH, "load-mmap", pt], None),
                ("save", "torch.save", py + ["torch-save", pt, out_pt], out_pt),
                ("save", "torch.save + fsync", py + ["torch-save-fsync", pt, out_pt], out_pt),
                ("save", "Repro TorchFile.save (atomic, fsync)", [BENCH, "save", pt, out_pt], out_pt),
                ("stload", "safetensors load_file", py + ["st-load", st, "-"], None),
                ("stload", "Repro SafeTensorsFile.load", [BENCH, "st-load", st], None),
                ("stload", "Repro SafeTensorsFile.load(memoryMapped)", [BENCH, "st-load-mmap", st], None),
                ("stsave", "safetensors save_file", py + ["st-save", st, out_st], out_st),
                ("stsave", "Repro SafeTensorsFile.write (atomic, fsync)", [BENCH, "st-save", st, out_st], out_st),
            ]
            for group, label, cmd, out in rows:
                seconds, mem_kb, nbytes = measure(cmd, args.repeat, out)
                results.append({"file": name, "group": group, "label": label, "seconds": seconds,
                                "mib_per_s": nbytes / 2**20 / seconds, "extra_mem_mib": mem_kb / 1024,
                                "data_mib": nbytes / 2**20})
    finally:
        if not args.keep:
            shutil.rmtree(args.dir, ignore_errors=True)
    print(f"torch {torch_version}, {os.cpu_count()} CPUs, ResNet-18 state_dict {params / 1e6:.2f}M float params; "
          f"best of {args.repeat}; memory = peak RSS growth during the operation")
    print(f"{'file':5} {'operation':46} {'time ms':>9} {'MiB/s':>9} {'peak+ MiB':>10} {'data MiB':>9}")
    for r in results:
        print(f"{r['file']:5} {r['label']:46} {r['seconds'] * 1e3:9.1f} {r['mib_per_s']:9.0f} "
              f"{r['extra_mem_mib']:10.1f} {r['data_mib']:9.1f}")
    print("ratios (throughput Repro / reference):")
    by = {(r["file"], r["label"]): r for r in results}
    for f in ["r18", "big"]:
        for repro, ref in [("Repro TorchFile.load", "torch.load"),
                           ("Repro TorchFile.load(memoryMapped)", "torch.load(mmap=True)"),
                           ("Repro TorchFile.save (atomic, fsync)", "torch.save"),
                           ("Repro TorchFile.save (atomic, fsync)", "torch.save + fsync"),
                           ("Repro SafeTensorsFile.load", "safetensors load_file"),
                           ("Repro SafeTensorsFile.load(memoryMapped)", "safetensors load_file"),
                           ("Repro SafeTensorsFile.write (atomic, fsync)", "safetensors save_file")]:
            a, b = by[(f, repro)], by[(f, ref)]
            print(f"  {f:4} {repro:44} vs {ref:24} {b['seconds'] / a['seconds']:6.2f}x")
    mm = [by[(f, "Repro TorchFile.load(memoryMapped)")]["seconds"] * 1e3 for f in ["r18", "big"]]
    print(f"  Repro mmap load: {mm[0]:.2f} ms for 44.7 MiB, {mm[1]:.2f} ms for 512 MiB")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1)


if __name__ == "__main__":
    sys.exit(main())
