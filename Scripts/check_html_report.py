"""Checks Repro's HTML report in a real headless browser (Debian's chromium) against the JUnit
report of the same run, and takes a screenshot.

    python Scripts/check_html_report.py --html Reports/report.html --junit Reports/junit.xml \
        [--screenshot Reports/report.png] [--chromium chromium]

It loads the page from disk (no network: the page must be self-contained), lets its script run,
and reads the rendered DOM (`--dump-dom`):
  * the summary counts (#count-tests, #count-passed, #count-failures, #count-errors,
    #count-skipped) equal the JUnit file's totals, counted by junitparser;
  * the case sections (tbody.case) by data-status agree with those counts;
  * the filter box works: the page opened with `#filter=status=fail` shows exactly the failed
    cases (#shown, and the hidden attribute set by the script on the others);
  * the SVG plots and the matrix are present;
  * the layout, measured in the rendered page at the window width (--window) and at 1024 px by a
    script added to a copy of the page: the case table has no column header twice, the page is
    no wider than the window (every table fits in it or sits in a container that scrolls
    sideways and fits), and every SVG text (chart labels, values, axes) lies inside its SVG;
  * with --baseline-counts, the baseline section's tiles show those counts.
Then it writes a full-page screenshot. Exit status 0 when everything agrees, 1 otherwise."""
import argparse, json, os, pathlib, shutil, subprocess, sys, tempfile
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(__file__))
from check_junit import KEYS, counted  # noqa: E402
from junitparser import JUnitXml, TestSuite  # noqa: E402


class DomReader(HTMLParser):
    """Collects the text of elements by id, the case sections and a few markers."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text_by_id, self.cases, self.stack, self.svg_ids, self.matrices = {}, [], [], [], 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tbody" and "case" in (a.get("class") or "").split():
            self.cases.append({"status": a.get("data-status"), "hidden": "hidden" in a})
        if tag == "svg" and a.get("id"):
            self.svg_ids.append(a["id"])
        if tag == "table" and "matrix" in (a.get("class") or "").split():
            self.matrices += 1
        if tag in ("br", "input", "meta", "img", "link", "hr", "line", "rect"):
            return
        self.stack.append(a.get("id"))
        if a.get("id"):
            self.text_by_id.setdefault(a["id"], "")

    def handle_endtag(self, tag):
        if tag in ("br", "input", "meta", "img", "link", "hr", "line", "rect"):
            return
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        for i in self.stack:
            if i:
                self.text_by_id[i] += data


# Measures the rendered layout and leaves the findings as JSON in <pre id="layout-report">.
LAYOUT_SCRIPT = r"""<script>(function(){
var r={caseHeaders:[],overflowing:[],clipped:[]};
r.caseHeaders=[].map.call(document.querySelectorAll('#case-table > thead > tr > th'),function(th){return th.textContent.trim();});
var vw=document.documentElement.clientWidth;r.viewport=vw;r.pageWidth=document.documentElement.scrollWidth;
[].forEach.call(document.querySelectorAll('table'),function(t){
  var box=t.getBoundingClientRect();if(box.width===0)return;
  var p=t.parentElement,scroller=null;
  while(p&&p!==document.body){var o=getComputedStyle(p).overflowX;if(o==='auto'||o==='scroll'){scroller=p;break;}p=p.parentElement;}
  var outer=scroller?scroller.getBoundingClientRect():box;
  if(outer.right>vw+0.5||outer.left<-0.5)r.overflowing.push({table:t.id||t.className,right:Math.round(box.right),scrolls:!!scroller});
});
[].forEach.call(document.querySelectorAll('svg'),function(svg){
  var s=svg.getBoundingClientRect();
  [].forEach.call(svg.querySelectorAll('text'),function(t){
    var b=t.getBoundingClientRect();if(b.width===0)return;
    if(b.left<s.left-0.5||b.right>s.right+0.5||b.top<s.top-0.5||b.bottom>s.bottom+0.5)
      r.clipped.push({svg:svg.id,text:t.textContent,box:[b.left,b.top,b.right,b.bottom].map(Math.round),svgBox:[s.left,s.top,s.right,s.bottom].map(Math.round)});
  });
});
var pre=document.createElement('pre');pre.id='layout-report';pre.textContent=JSON.stringify(r);document.body.appendChild(pre);
})();</script>"""


def layout_problems(binary, html_path, profile, width):
    """Renders a copy of the page with LAYOUT_SCRIPT at `width` px and returns what is wrong."""
    text = pathlib.Path(html_path).read_text(encoding="utf-8")
    if "</body>" not in text:
        return ["the page has no </body>"]
    with tempfile.TemporaryDirectory() as tmp:
        copy = pathlib.Path(tmp) / "layout.html"
        copy.write_text(text.replace("</body>", LAYOUT_SCRIPT + "</body>", 1), encoding="utf-8")
        out = subprocess.run(chromium_args(binary, profile) + [f"--window-size={width},1200", "--dump-dom", copy.as_uri()],
                             capture_output=True, text=True, timeout=120)
    dom = DomReader()
    dom.feed(out.stdout)
    raw = dom.text_by_id.get("layout-report")
    if out.returncode != 0 or not raw:
        return [f"the layout script did not run at {width} px ({out.returncode}): {out.stderr[-1000:]}"]
    r = json.loads(raw)
    problems = []
    heads = r["caseHeaders"]
    repeated = sorted({h for h in heads if heads.count(h) > 1})
    if repeated:
        problems.append(f"the case table has these column headers more than once: {repeated} (headers: {heads})")
    if r["pageWidth"] > r["viewport"]:
        problems.append(f"at {width} px the page is {r['pageWidth']} px wide, wider than the window's {r['viewport']} px")
    past = {}
    for t in r["overflowing"]:
        past.setdefault((t["table"], t["scrolls"]), []).append(t["right"])
    for (table, scrolls), rights in past.items():
        problems.append(f"at {width} px {len(rights)} table(s) {table!r} end past the window ({r['viewport']} px), "
                        f"up to x={max(rights)}" + (", and so does their scroll container" if scrolls else ", and do not scroll"))
    for c in r["clipped"]:
        problems.append(f"at {width} px the text {c['text']!r} of <svg id={c['svg']!r}> is clipped: box {c['box']} outside {c['svgBox']}")
    print(f"layout at {width} px: page {r['pageWidth']} px in {r['viewport']} px, case table headers {len(heads)} "
          f"({len(set(heads))} distinct), {len(r['overflowing'])} tables past the edge, {len(r['clipped'])} clipped SVG texts")
    return problems


def chromium_args(binary, profile):
    return [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--disable-background-networking", "--disable-sync", "--hide-scrollbars", f"--user-data-dir={profile}",
            "--virtual-time-budget=3000"]


def dump_dom(binary, url, profile):
    out = subprocess.run(chromium_args(binary, profile) + ["--dump-dom", url], capture_output=True, text=True, timeout=120)
    if out.returncode != 0 or "<html" not in out.stdout:
        raise RuntimeError(f"chromium --dump-dom failed ({out.returncode}): {out.stderr[-2000:]}")
    reader = DomReader()
    reader.feed(out.stdout)
    return reader


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--html", required=True)
    ap.add_argument("--junit", required=True)
    ap.add_argument("--screenshot", help="write a PNG screenshot of the page here")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    ap.add_argument("--window", default="1400,2400", help="screenshot window size W,H")
    ap.add_argument("--baseline-counts", help="expected baseline tiles: new-failures=N,fixed=N,unchanged=N,new=N,gone=N")
    args = ap.parse_args()

    xml = JUnitXml.fromfile(args.junit)
    suites = [xml] if isinstance(xml, TestSuite) else list(xml)
    junit = dict.fromkeys(KEYS, 0)
    for s in suites:
        for k, v in counted(s).items():
            junit[k] += v
    junit["passed"] = junit["tests"] - junit["failures"] - junit["errors"] - junit["skipped"]

    url = pathlib.Path(args.html).resolve().as_uri()
    problems = []
    with tempfile.TemporaryDirectory() as profile:
        dom = dump_dom(args.chromium, url, profile)
        shown = {k: dom.text_by_id.get(f"count-{k}", "").strip() for k in ("tests", "passed", "failures", "errors", "skipped")}
        print("rendered summary: " + ", ".join(f"{k}={v}" for k, v in shown.items()))
        print("junit totals:     " + ", ".join(f"{k}={junit[k]}" for k in ("tests", "passed", "failures", "errors", "skipped")))
        for k, v in shown.items():
            if v != str(junit[k]):
                problems.append(f"the page shows {k}={v!r}, the JUnit file has {junit[k]}")
        by_status = {s: sum(1 for c in dom.cases if c["status"] == s) for s in ("pass", "fail", "error", "skip")}
        for status, key in (("pass", "passed"), ("fail", "failures"), ("error", "errors"), ("skip", "skipped")):
            if by_status[status] != junit[key]:
                problems.append(f"{by_status[status]} case rows with status {status}, the JUnit file has {key}={junit[key]}")
        if any(c["hidden"] for c in dom.cases):
            problems.append("cases hidden without a filter")
        if dom.text_by_id.get("shown", "").strip() != str(junit["tests"]):
            problems.append(f"#shown is {dom.text_by_id.get('shown')!r} without a filter")
        for svg in ("error-histogram", "tensor-errors"):
            if svg not in dom.svg_ids:
                problems.append(f"no <svg id={svg!r}> in the page")
        if dom.matrices == 0:
            problems.append("no matrix table")
        if args.baseline_counts:
            for item in args.baseline_counts.split(","):
                key, _, value = item.partition("=")
                shown_value = dom.text_by_id.get(f"baseline-{key}", "").strip()
                if shown_value != value:
                    problems.append(f"the baseline tile {key} shows {shown_value!r}, expected {value}")
        for width in sorted({int(args.window.split(",")[0]), 1024}):
            problems += layout_problems(args.chromium, args.html, profile, width)

        filtered = dump_dom(args.chromium, url + "#filter=status%3Dfail", profile)
        visible = [c for c in filtered.cases if not c["hidden"]]
        print(f"filter status=fail: {len(visible)} shown, #shown={filtered.text_by_id.get('shown', '').strip()}")
        if len(visible) != junit["failures"] or any(c["status"] != "fail" for c in visible):
            problems.append(f"the filter status=fail shows {len(visible)} cases, expected the {junit['failures']} failures")
        if filtered.text_by_id.get("shown", "").strip() != str(junit["failures"]):
            problems.append("#shown does not count the filtered cases")

        if args.screenshot:
            shot = pathlib.Path(args.screenshot).resolve()
            shot.parent.mkdir(parents=True, exist_ok=True)
            out = subprocess.run(chromium_args(args.chromium, profile) + [f"--screenshot={shot}", f"--window-size={args.window}", url],
                                 capture_output=True, text=True, timeout=120)
            if out.returncode != 0 or not shot.exists():
                problems.append(f"chromium --screenshot failed: {out.stderr[-1000:]}")
            else:
                print(f"screenshot: {shot}")
    for p in problems:
        print(f"{args.html}: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
