"""Runs the libFuzzer targets of Fuzz/ (built by `make fuzz`) and prints executions and coverage
per target. Standard library only; no PyTorch needed.

    python3 Scripts/fuzz.py run --bin Fuzz/.build/debug [--seconds 60] [--runs N]
                                [--targets FuzzPickle,FuzzZip] [--parallel N]
                                [-- extra libFuzzer flags]
    python3 Scripts/fuzz.py minimize --bin Fuzz/.build/debug [--targets ...]

`run` fuzzes each target for --seconds (or --runs executions), --parallel targets at a time (one
per CPU by default), with -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=10, leak detection on
(ASan's default), from
three corpus folders: Fuzz/.build/fuzz/corpus/<Target> (what earlier runs found, kept between
runs, written to), Fuzz/Corpus/<Target> (committed, minimized inputs) and the seeds taken afresh
from Golden/ (the PyTorch-made files and the malformed corpora, each sent to the readers it
concerns; the pickles inside zip archives are extracted for the pickle VM). Exit status 1 when any
target crashed, leaked, ran out of memory or timed out: its log and the input libFuzzer wrote are
named. Logs: Fuzz/.build/fuzz/logs/<Target>.log.

`minimize` merges each target's found corpus over its seeds (`-merge=1`) and copies the inputs
that add coverage beyond the seeds and the committed corpus into Fuzz/Corpus/<Target>/, for
committing: the smallest first, up to --max-size (1024) bytes each and --max-bytes (16384) per
target.
"""
import argparse, hashlib, os, re, shutil, subprocess, sys, zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "Golden"
COMMITTED = ROOT / "Fuzz" / "Corpus"
WORK = ROOT / "Fuzz" / ".build" / "fuzz"

# The readers, in the order they run, with the kinds of Golden file that seed each and the
# dictionaries (Fuzz/Dictionaries/NAME.dict, joined into one -dict) of tokens their format uses.
TARGETS = {
    "FuzzPickle": ({"pickle"}, ["pickle"]),
    "FuzzSafeTensors": ({"safetensors"}, ["safetensors"]),
    "FuzzZip": ({"zip"}, ["zip"]),
    "FuzzLegacy": ({"legacy"}, ["pickle"]),
    "FuzzShardIndex": ({"index"}, ["json"]),
    "FuzzDCPMetadata": ({"dcp"}, ["dcp", "pickle"]),
    "FuzzTorchScript": ({"torchscript"}, ["zip", "pickle"]),
    "FuzzCheckpointWeightsOnly": ({"zip", "legacy", "safetensors"}, ["zip", "pickle", "safetensors"]),
    "FuzzCheckpointTrusted": ({"zip", "legacy", "safetensors"}, ["zip", "pickle", "safetensors"]),
}
DICTIONARIES = ROOT / "Fuzz" / "Dictionaries"
LIMITS = ["-rss_limit_mb=2048", "-malloc_limit_mb=512", "-timeout=10"]
# Seeds bigger than this are left out: they slow every mutation and add nothing a small one lacks.
MAX_SEED = 64 * 1024
CHECKPOINT_SUFFIXES = (".pt", ".pth", ".bin", ".ckpt", ".tar")


def seeds_of(path: Path, data: bytes):
    """(kind, name suffix, bytes) for each seed one Golden file gives."""
    name = path.name
    if name.endswith(".index.json"):
        yield "index", "", data
        return
    if name == ".metadata":
        yield "dcp", "", data
        yield "pickle", "", data
        return
    if name.endswith(".pkl"):
        yield "pickle", "", data
        return
    if data[:2] == b"PK":
        yield "zip", "", data
        try:
            with zipfile.ZipFile(path) as z:
                members = z.namelist()
                if any(m.endswith("/constants.pkl") for m in members):
                    yield "torchscript", "", data
                for m in members:
                    if m.endswith(".pkl"):
                        yield "pickle", "." + m.replace("/", "_"), z.read(m)
        except Exception:
            pass  # a damaged archive still seeds the zip and loader targets
        return
    if name.endswith(".safetensors") or (len(data) >= 9 and data[8:9] == b"{"):
        yield "safetensors", "", data
        return
    if name.endswith(CHECKPOINT_SUFFIXES):
        yield "legacy", "", data
        yield "pickle", "", data  # the VM reads the first of a legacy file's pickles


def make_seeds(targets):
    """Writes WORK/seeds/<Target>/ from Golden/; returns the number of seeds per target."""
    by_kind = {}
    for path in sorted(GOLDEN.rglob("*")):
        if not path.is_file() or path.stat().st_size > MAX_SEED:
            continue
        data = path.read_bytes()
        label = str(path.relative_to(GOLDEN)).replace("/", "__")
        for kind, suffix, blob in seeds_of(path, data):
            if len(blob) <= MAX_SEED:
                by_kind.setdefault(kind, {})[label + suffix] = blob
    counts = {}
    for target in targets:
        folder = WORK / "seeds" / target
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        seen = set()
        for kind in sorted(TARGETS[target][0]):
            for label, blob in by_kind.get(kind, {}).items():
                digest = hashlib.sha1(blob).hexdigest()
                if digest not in seen:
                    seen.add(digest)
                    (folder / label).write_bytes(blob)
        counts[target] = len(seen)
    return counts


def dictionary(target):
    """WORK/dicts/<Target>.dict: the target's dictionaries joined."""
    path = WORK / "dicts" / f"{target}.dict"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join((DICTIONARIES / f"{name}.dict").read_text()
                            for name in TARGETS[target][1]))
    return path


def corpus_folders(target):
    """The folders libFuzzer reads, the first one written to."""
    found = WORK / "corpus" / target
    committed = COMMITTED / target
    found.mkdir(parents=True, exist_ok=True)
    committed.mkdir(parents=True, exist_ok=True)
    return [found, committed, WORK / "seeds" / target]


PROGRESS = re.compile(r"^#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)/(\S+)")
STAT = re.compile(r"^stat::(\w+):\s+(\d+)")
FAILURES = [
    ("timeout", "ERROR: libFuzzer: timeout"),
    ("out of memory", "ERROR: libFuzzer: out-of-memory"),
    ("out of memory", "ERROR: libFuzzer: malloc limit"),
    ("leak", "ERROR: LeakSanitizer"),
    ("memory error", "ERROR: AddressSanitizer"),
    ("crash", "ERROR: libFuzzer: deadly signal"),
    ("crash", "Fatal error"),
]


def summarize(log: str, status: int):
    """The figures and the verdict of one libFuzzer run, from its output."""
    out = {"runs": None, "cov": None, "ft": None, "corpus": None, "exec_s": None,
           "rss_mb": None, "verdict": "ok" if status == 0 else f"exit {status}",
           "artifacts": re.findall(r"Test unit written to (\S+)", log)}
    for line in log.splitlines():
        if m := PROGRESS.match(line):
            out.update(runs=int(m[1]), cov=int(m[2]), ft=int(m[3]),
                       corpus=f"{m[4]}/{m[5]}")
        elif m := STAT.match(line):
            key = {"number_of_executed_units": "runs", "average_exec_per_sec": "exec_s",
                   "peak_rss_mb": "rss_mb"}.get(m[1])
            if key:
                out[key] = int(m[2])
    if status != 0:
        for verdict, marker in FAILURES:
            if marker in log:
                out["verdict"] = verdict
                break
    return out


def run_one(args, target, seeds, extra):
    """Fuzzes one target; returns its row of figures."""
    binary = Path(args.bin) / target
    artifacts = WORK / "artifacts" / target
    artifacts.mkdir(parents=True, exist_ok=True)
    command = [str(binary), *LIMITS, "-print_final_stats=1",
               f"-dict={dictionary(target)}", f"-artifact_prefix={artifacts}/"]
    if args.runs:
        command.append(f"-runs={args.runs}")
    if args.seconds:
        command.append(f"-max_total_time={args.seconds}")
    command += extra + [str(p) for p in corpus_folders(target)]
    print(f"==> {target}: {seeds} seeds, {' '.join(command[1:])}", flush=True)
    log_path = WORK / "logs" / f"{target}.log"
    with open(log_path, "w") as log:
        status = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT,
                                cwd=ROOT).returncode
    row = summarize(log_path.read_text(errors="replace"), status)
    row["target"], row["log"] = target, log_path
    print(f"    {target} {row['verdict']}: {row['runs']} executions, cov {row['cov']}, "
          f"ft {row['ft']}, corpus {row['corpus']}", flush=True)
    return row


def run(args, targets, extra):
    seeds = make_seeds(targets)
    (WORK / "logs").mkdir(parents=True, exist_ok=True)
    # Targets are independent processes: --parallel of them at a time (one per core by default).
    with ThreadPoolExecutor(max_workers=max(1, args.parallel)) as pool:
        rows = list(pool.map(lambda t: run_one(args, t, seeds[t], extra), targets))
    failed = [row for row in rows if row["verdict"] != "ok"]
    print_table(rows)
    for row in failed:
        print(f"FAIL {row['target']}: {row['verdict']}; log {row['log'].relative_to(ROOT)}; "
              f"input {', '.join(row['artifacts']) or '(none written)'}", file=sys.stderr)
    return 1 if failed else 0


def print_table(rows):
    header = ("target", "executions", "exec/s", "cov", "ft", "corpus", "peak MB", "result")
    lines = [header] + [
        (r["target"], str(r["runs"]), str(r["exec_s"]), str(r["cov"]), str(r["ft"]),
         str(r["corpus"]), str(r["rss_mb"]), r["verdict"]) for r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip())


def minimize(args, targets):
    make_seeds(targets)
    for target in targets:
        found, committed, seeds = corpus_folders(target)
        merged = WORK / "merge" / target
        shutil.rmtree(merged, ignore_errors=True)
        merged.mkdir(parents=True)
        known = set()
        for folder in (seeds, committed):
            for f in folder.iterdir():
                shutil.copy(f, merged / f.name)
                known.add(f.name)
        command = [str(Path(args.bin) / target), "-merge=1", *LIMITS, str(merged), str(found)]
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        added, budget = [], args.max_bytes
        for f in sorted((f for f in merged.iterdir() if f.name not in known),
                        key=lambda f: (f.stat().st_size, f.name)):
            if f.stat().st_size > min(args.max_size, budget):
                break
            added.append(f)
            budget -= f.stat().st_size
        for f in added:
            shutil.copy(f, committed / f.name)
        size = sum(f.stat().st_size for f in added)
        print(f"{target}: {len(added)} inputs ({size} bytes) added to "
              f"{committed.relative_to(ROOT)}")
    return 0


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("command", choices=["run", "minimize"])
    p.add_argument("--bin", required=True, help="the folder holding the built fuzz targets")
    p.add_argument("--seconds", type=int, default=60, help="per target (0: no time limit)")
    p.add_argument("--runs", type=int, default=0, help="stop each target after N executions")
    p.add_argument("--targets", default="", help="comma-separated (default: all)")
    p.add_argument("--parallel", type=int, default=os.cpu_count() or 1,
                   help="run: targets fuzzed at the same time (default: one per CPU)")
    p.add_argument("--max-size", type=int, default=1024, help="minimize: largest input kept")
    p.add_argument("--max-bytes", type=int, default=16384,
                   help="minimize: most bytes added per target (smallest inputs first)")
    args = p.parse_args(argv)
    targets = [t for t in args.targets.split(",") if t] or list(TARGETS)
    unknown = [t for t in targets if t not in TARGETS]
    if unknown:
        p.error(f"unknown targets {unknown}; known: {', '.join(TARGETS)}")
    return run(args, targets, extra) if args.command == "run" else minimize(args, targets)


if __name__ == "__main__":
    sys.exit(main())
