"""Checks a JUnit XML report with the `junitparser` package (what CI tools build on) and prints
its counts.

    python Scripts/check_junit.py Reports/junit.xml [--expect tests=12,failures=3,errors=1,skipped=1]

Exit status: 0 when the file parses, every suite's declared counts equal the counts of its
test cases, and (with --expect) the totals equal the expected ones; 1 otherwise, with the reason
on standard error."""
import argparse, sys
from junitparser import JUnitXml, TestSuite
from junitparser.junitparser import Error, Failure, Skipped

KEYS = ("tests", "failures", "errors", "skipped")


def counted(cases):
    """Counts of a suite's test cases by their result elements."""
    out = dict.fromkeys(KEYS, 0)
    for case in cases:
        out["tests"] += 1
        kinds = {type(r) for r in case.result}
        if Failure in kinds:
            out["failures"] += 1
        elif Error in kinds:
            out["errors"] += 1
        elif Skipped in kinds:
            out["skipped"] += 1
    return out


def parse_expect(text):
    expected = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep or key not in KEYS or not value.isdigit():
            raise argparse.ArgumentTypeError(f"bad --expect item {part!r}: use {','.join(k + '=N' for k in KEYS)}")
        expected[key] = int(value)
    return expected


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("junit", help="the JUnit XML file")
    ap.add_argument("--expect", type=parse_expect, default={}, help="expected totals, e.g. tests=12,failures=3")
    args = ap.parse_args()
    try:
        xml = JUnitXml.fromfile(args.junit)
    except Exception as e:  # junitparser raises lxml/ElementTree errors for broken files
        print(f"{args.junit}: not a valid JUnit file: {e}", file=sys.stderr)
        return 1
    suites = [xml] if isinstance(xml, TestSuite) else list(xml)
    if not suites:
        print(f"{args.junit}: no testsuite", file=sys.stderr)
        return 1
    totals = dict.fromkeys(KEYS, 0)
    problems = []
    for suite in suites:
        actual = counted(suite)
        for key in KEYS:
            declared = getattr(suite, key)
            if declared is None and key == "skipped":
                declared = 0
            if declared != actual[key]:
                problems.append(f"suite {suite.name!r} declares {key}={declared} but holds {actual[key]}")
            totals[key] += actual[key]
        for case in suite:
            if not case.name:
                problems.append(f"suite {suite.name!r} has a testcase without a name")
        print(f"{suite.name}: " + ", ".join(f"{k}={actual[k]}" for k in KEYS))
    print("total: " + ", ".join(f"{k}={totals[k]}" for k in KEYS))
    for key, value in args.expect.items():
        if totals[key] != value:
            problems.append(f"expected {key}={value}, the file has {totals[key]}")
    for p in problems:
        print(f"{args.junit}: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
