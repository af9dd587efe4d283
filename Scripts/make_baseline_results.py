"""Makes two real `repro run --json` results for the `--baseline` tests: a previous run and a
later one, over overlapping slices of the matrix, each against a copy of the matrix goldens with
chosen files changed by one bit (so chosen cases fail for a real reason: the golden differs).

    python Scripts/make_baseline_results.py --repro .build/debug/repro [--out Golden/baseline]

Writes into --out:
  * baseline.json: the simple model, seed 0, cpu, torch state dict, blas1, dtypes float32,
    float16, bfloat16, float64, routes plain and mmap, with the float32 and float64 goldens
    changed (7 cases: the float32 and float64 ones fail);
  * current.json: the same with routes plain and non_strict, the float16 and float64 goldens
    changed (7 cases);
  * expected.json: for every case id of either run, its status in each run (null: absent) and its
    mark, worked out here from the statuses by the rule the README documents (an implementation
    independent of Repro's): new failure (fails or errors now; passed, skipped or absent before),
    fixed (passes now; failed or errored before), new (absent before, passes or skipped now),
    gone (absent now), unchanged (any other pair); and under "rule" the mark of every pair of
    statuses (pass, fail, error, skip, absent).
The runs' timestamps, durations and host name differ from run to run; the statuses do not.
Exit status 0 when both runs end as expected (1: some case failed) and every mark kind occurs."""
import argparse, json, os, pathlib, shutil, subprocess, sys, tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
BASE = "model=simple,seed=0,device=cpu,format=torch,mode=state_dict,backend=blas1,dtype=float32|float16|bfloat16|float64"
STATUSES = ["pass", "fail", "error", "skip", None]
RUNS = {
    "baseline": ("plain|mmap", ["simple-s0-float32.json", "simple-s0-float64.json"]),
    "current": ("plain|non_strict", ["simple-s0-float16.json", "simple-s0-float64.json"]),
}


def flip_first_bit(path):
    """Flips the lowest bit of the golden's first output element (its `bits` list, hex)."""
    doc = json.loads(path.read_text())
    first = doc["bits"][0]
    doc["bits"][0] = format(int(first, 16) ^ 1, f"0{len(first)}x")
    path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")


def mark(now, before):
    bad = ("fail", "error")
    if now is None:
        return "gone"
    if now in bad and before not in bad:
        return "new failure"
    if now == "pass" and before in bad:
        return "fixed"
    return "new" if before is None else "unchanged"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repro", required=True)
    ap.add_argument("--out", default=str(ROOT / "Golden/baseline"))
    args = ap.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    statuses = {}
    for name, (routes, changed) in RUNS.items():
        with tempfile.TemporaryDirectory() as tmp:
            golden = pathlib.Path(tmp) / "Golden"
            shutil.copytree(ROOT / "Golden/matrix", golden / "matrix")
            for f in changed:
                flip_first_bit(golden / "matrix" / f)
            cmd = [os.path.abspath(args.repro), "run", "--filter", f"{BASE},route={routes}", "--golden", str(golden),
                   "--json", str(out / f"{name}.json"), "--threads", "1", "--record", "never"]
            r = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp)
            print(f"$ repro run --filter '{BASE},route={routes}' ... ({', '.join(changed)} changed)\n{r.stdout}{r.stderr}", end="")
            if r.returncode != 1:
                print(f"{name}: repro run exited {r.returncode}, expected 1 (some cases fail)", file=sys.stderr)
                return 1
        run = json.loads((out / f"{name}.json").read_text())
        statuses[name] = {c["id"]: c["status"] for c in run["cases"]}
    ids = list(statuses["current"]) + [i for i in statuses["baseline"] if i not in statuses["current"]]
    expected = {"cases": [{"id": i, "status": statuses["current"].get(i), "baseline_status": statuses["baseline"].get(i),
                           "mark": mark(statuses["current"].get(i), statuses["baseline"].get(i))} for i in ids],
                "rule": [{"status": now, "baseline_status": before, "mark": mark(now, before)}
                         for now in STATUSES for before in STATUSES if (now, before) != (None, None)]}
    kinds = {c["mark"] for c in expected["cases"]}
    (out / "expected.json").write_text(json.dumps(expected, indent=2) + "\n")
    for c in expected["cases"]:
        print(f"{c['mark']:12} {c['id']}: {c['baseline_status']} -> {c['status']}")
    missing = {"new failure", "fixed", "unchanged", "new", "gone"} - kinds
    if missing:
        print(f"marks that do not occur: {sorted(missing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
