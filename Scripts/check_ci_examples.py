"""Checks the README's CI examples (.ci/examples/github-actions.yml, .ci/examples/gitlab-ci.yml):
both parse as YAML (PyYAML), the README shows each file verbatim, and the shell commands of their
jobs work, run here as the CI systems would run them, on a small --filter.

    python Scripts/check_ci_examples.py --repro .build/debug/repro [--filter 'model=simple,...']

For each file, four pipelines run in a row in a scratch folder, each with its own copy of the
matrix goldens (as if on a fresh checkout, with CI=true):
  1. the goldens as committed, no baseline yet: every shard and the report pass (exit 0);
  2. one golden changed by one bit, the report of 1 as baseline: the report job fails (exit 1)
     naming the new failures;
  3. the same change, the report of 2 as baseline (the latest report of main): the failure is
     known, the report job passes (exit 0) although cases fail;
  4. the goldens restored, the report of 3 as baseline: the job passes and counts them fixed.
The shard job runs once per shard (GitHub: `${{ matrix.shard }}` from strategy.matrix.shard;
GitLab: CI_NODE_INDEX/CI_NODE_TOTAL from `parallel`); their results are gathered as the artifact
steps would; the report job runs its script as written. GitHub's baseline arrives through
actions/download-artifact (placed here as that action would); GitLab's through the script's own
curl call, answered by a local HTTP server standing in for the GitLab API. Not run here: the
`apt-get install` lines (this machine has the libraries) and the release build (the given
binary stands in for bin/repro). The only change to the commands: `--filter` is added to
`repro run`. Exit status 0 when everything holds, 1 otherwise."""
import argparse, functools, http.server, json, os, pathlib, re, shutil, subprocess, sys, tempfile, threading
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / ".ci/examples"
FILTER = "model=simple,seed=0,device=cpu,format=torch,backend=blas1,route=plain"
CHANGED = "simple-s0-float16.json"


def flip_first_bit(path):
    doc = json.loads(path.read_text())
    doc["bits"][0] = format(int(doc["bits"][0], 16) ^ 1, f"0{len(doc['bits'][0])}x")
    path.write_text(json.dumps(doc, indent=2) + "\n")


def with_filter(script, flt):
    out = script.replace("bin/repro run ", f"bin/repro run --filter '{flt}' ")
    if out == script:
        raise SystemExit("no `bin/repro run` command in the shard job")
    return out


def sh(script, cwd, env, shell):
    r = subprocess.run(shell + [script], cwd=cwd, env=env, capture_output=True, text=True, timeout=1800)
    return r.returncode, r.stdout + r.stderr


def fresh_checkout(folder, repro, changed):
    """A work folder as a job sees it: bin/repro and the goldens (a copy, maybe with a change)."""
    (folder / "bin").mkdir(parents=True)
    os.symlink(repro, folder / "bin/repro")
    shutil.copytree(ROOT / "Golden/matrix", folder / "Golden/matrix")
    if changed:
        flip_first_bit(folder / "Golden/matrix" / CHANGED)


class Api(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def github_pipeline(doc, work, repro, flt, changed, baseline):
    jobs = doc["jobs"]
    env = dict(os.environ, CI="true", GITHUB_ACTIONS="true")
    bash = ["bash", "--noprofile", "--norc", "-e", "-c"]
    shard_step = next(s for s in jobs["shard"]["steps"] if s.get("name", "").startswith("Run shard"))
    shards = jobs["shard"]["strategy"]["matrix"]["shard"]
    logs = []
    for n in shards:
        folder = work / f"shard-{n}"
        fresh_checkout(folder, repro, changed)
        script = with_filter(shard_step["run"].replace("${{ matrix.shard }}", str(n)), flt)
        code, log = sh(script, folder, env, bash)
        logs.append(f"[shard {n}] exit {code}\n{log}")
        if code != 0:
            return code, "\n".join(logs)
    report = work / "report"
    fresh_checkout(report, repro, changed)
    (report / "results").mkdir()
    for n in shards:  # download-artifact, pattern results-*, merge-multiple
        for f in (work / f"shard-{n}/results").iterdir():
            shutil.copy(f, report / "results" / f.name)
    if baseline:  # download-artifact of the earlier run's repro-report (the Reports/ folder)
        (report / "baseline").mkdir()
        shutil.copy(baseline, report / "baseline/results.json")
    step = next(s for s in jobs["report"]["steps"] if s.get("name", "").startswith("Merge the shards"))
    code, log = sh(step["run"], report, env, bash)
    logs.append(f"[report] exit {code}\n{log}")
    return code, "\n".join(logs)


def gitlab_pipeline(doc, work, repro, flt, changed, baseline):
    env = dict(os.environ, CI="true", GITLAB_CI="true", CI_JOB_TOKEN="local", CI_PROJECT_ID="1",
               CI_DEFAULT_BRANCH="main")
    bash = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"]
    shard = doc["repro-shard"]
    total = shard["parallel"]
    logs = []
    for n in range(1, total + 1):
        folder = work / f"shard-{n}"
        fresh_checkout(folder, repro, changed)
        script = with_filter("\n".join(shard["script"]), flt)
        code, log = sh(script, folder, dict(env, CI_NODE_INDEX=str(n), CI_NODE_TOTAL=str(total)), bash)
        logs.append(f"[shard {n}/{total}] exit {code}\n{log}")
        if code != 0:
            return code, "\n".join(logs)
    report = work / "report"
    fresh_checkout(report, repro, changed)
    (report / "results").mkdir()
    for n in range(1, total + 1):  # artifacts of the earlier stage
        for f in (work / f"shard-{n}/results").iterdir():
            shutil.copy(f, report / "results" / f.name)
    api = work / "api"
    if baseline:
        target = api / "api/v4/projects/1/jobs/artifacts/main/raw/Reports/results.json"
        target.parent.mkdir(parents=True)
        shutil.copy(baseline, target)
    api.mkdir(exist_ok=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Api, directory=str(api)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/api/v4"
        code, log = sh("\n".join(doc["repro-report"]["script"]), report, dict(env, CI_API_V4_URL=url), bash)
    finally:
        server.shutdown()
    logs.append(f"[report] exit {code}\n{log}")
    return code, "\n".join(logs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repro", required=True)
    ap.add_argument("--filter", default=FILTER)
    args = ap.parse_args()
    repro = os.path.abspath(args.repro)
    readme = (ROOT / "README.md").read_text()
    problems = []
    docs = {}
    for name in ("github-actions.yml", "gitlab-ci.yml"):
        text = (EXAMPLES / name).read_text()
        docs[name] = yaml.safe_load(text)
        if f"```yaml\n{text}```" not in readme:
            problems.append(f"README.md does not show .ci/examples/{name} verbatim in a ```yaml block")
    gh, gl = docs["github-actions.yml"], docs["gitlab-ci.yml"]
    if (gh.get("on") or gh.get(True)) is None or gh["jobs"]["shard"]["strategy"]["matrix"]["shard"] != [1, 2, 3, 4]:
        problems.append("github-actions.yml: no `on` trigger or the shard matrix is not [1, 2, 3, 4]")
    if gl["repro-shard"].get("parallel") != 4:
        problems.append("gitlab-ci.yml: repro-shard is not `parallel: 4`")
    # Each pipeline: (golden changed, baseline from pipeline, expected exit, expected text).
    plan = [(False, None, 0, None), (True, 1, 1, r"NEW FAILURE .*\n"),
            (True, 2, 0, r"baseline baseline/results\.json: 0 new failures, 0 fixed, \d+ unchanged, 0 new, 0 gone"),
            (False, 3, 0, r"0 new failures, [1-9]\d* fixed")]
    runners = {"github-actions.yml": (github_pipeline, gh), "gitlab-ci.yml": (gitlab_pipeline, gl)}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (pipeline, doc) in runners.items():
            reports = {}
            for n, (changed, base, want, pattern) in enumerate(plan, start=1):
                work = pathlib.Path(tmp) / name / f"pipeline-{n}"
                code, log = pipeline(doc, work, repro, args.filter, changed, reports.get(base))
                summary = [l for l in log.splitlines() if "repro report:" in l or l.startswith(("NEW FAILURE", "FIXED", "GONE"))]
                print(f"{name} pipeline {n} ({'changed golden' if changed else 'goldens as committed'}, "
                      f"baseline {'of pipeline ' + str(base) if base else 'none'}): exit {code}")
                for line in summary:
                    print(f"    {line}")
                if code != want or (pattern and not re.search(pattern, log)):
                    problems.append(f"{name} pipeline {n}: exit {code}, expected {want}"
                                    + (f" and output matching {pattern!r}" if pattern else "") + f"\n{log}")
                    break
                reports[n] = work / "report/Reports/results.json"
                if not reports[n].exists():
                    problems.append(f"{name} pipeline {n}: no Reports/results.json")
                    break
            merged = json.loads(reports[1].read_text()) if reports.get(1) else None
            if merged and len(merged["shards"]) != 4:
                problems.append(f"{name}: the merged report lists shards {merged['shards']}, expected 4")
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
