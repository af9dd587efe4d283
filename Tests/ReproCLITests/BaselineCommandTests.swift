import Foundation
import ReproHarness
import ReproTestSupport
import Testing

/// `--baseline` and `--fail-on` of `repro report` and `repro run`, end to end on the real results
/// in Golden/baseline/ (Scripts/make_baseline_results.py).
@Suite struct BaselineCommandTests {
  static let baseline = Repository.golden("baseline/baseline.json").path
  static let current = Repository.golden("baseline/current.json").path

  @Test func reportMarksTheCasesAndFailsOnFailures() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-baseline")
    defer { try? FileManager.default.removeItem(at: dir) }
    let junit = dir.appendingPathComponent("junit.xml")
    let html = dir.appendingPathComponent("report.html")
    let r = try ReproBinary.run([
      "report", "--from", Self.current, "--baseline", Self.baseline, "--junit", junit.path,
      "--html", html.path,
    ])
    let run = try RunResult.load(from: URL(fileURLWithPath: Self.current))
    let comparison = BaselineComparison(
      run, baseline: try RunResult.load(from: URL(fileURLWithPath: Self.baseline)),
      source: Self.baseline)
    #expect(r.status == 1, "\(r.stderr)")
    #expect(
      r.stdout
        == (["repro report: \(run.summaryLine)"] + comparison.changeLines
        + [
          "repro report: baseline \(Self.baseline): 2 new failures, 1 fixed, 2 unchanged, 2 new, 3 gone"
        ])
        .map { $0 + "\n" }.joined())
    #expect(
      r.stdout.contains(
        "\nNEW FAILURE simple/s0/float16/cpu/torch/state_dict/plain/blas1: fail (pass in the baseline)\n"
      ))
    #expect(try Data(contentsOf: junit) == JUnitReport.data(for: run, baseline: comparison))
    #expect(
      try String(contentsOf: html, encoding: .utf8) == HTMLReport.render(run, baseline: comparison))
  }

  @Test func failOnNewFailuresPassesKnownFailures() throws {
    // Against itself every failure is known: exit 0 although cases fail.
    let known = try ReproBinary.run([
      "report", "--from", Self.current, "--baseline", Self.current, "--fail-on", "new-failures",
    ])
    #expect(known.status == 0, "\(known.stdout)\(known.stderr)")
    #expect(known.stdout.contains(" failed, "))
    #expect(
      known.stdout.hasSuffix(
        "repro report: baseline \(Self.current): 0 new failures, 0 fixed, 7 unchanged, 0 new, 0 gone\n"
      ))
    let new = try ReproBinary.run([
      "report", "--from", Self.current, "--baseline", Self.baseline, "--fail-on", "new-failures",
    ])
    #expect(new.status == 1)
  }

  @Test func badBaselineOptions() throws {
    let usage = try ReproBinary.run([
      "report", "--from", Self.current, "--fail-on", "new-failures",
    ])
    #expect(usage.status == 64)
    #expect(usage.stderr.hasPrefix("Error: --fail-on new-failures needs --baseline FILE"))
    let choice = try ReproBinary.run(["run", "--fail-on", "sometimes"])
    #expect(choice.status == 64)
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-baseline")
    defer { try? FileManager.default.removeItem(at: dir) }
    let missing = dir.appendingPathComponent("nope.json").path
    // `repro run` reads the baseline before running anything.
    let run = try ReproBinary.run(["run", "--baseline", missing], currentDirectory: dir)
    #expect(run.status == 2)
    #expect(run.stderr == "repro run: baseline: io: \(missing): no such file or folder\n")
    #expect(run.stdout.isEmpty)
    let notResults = try ReproBinary.run([
      "report", "--from", Self.current, "--baseline",
      Repository.golden("baseline/expected.json").path,
    ])
    #expect(notResults.status == 2)
    #expect(notResults.stderr.hasPrefix("repro report: baseline: invalidResults: "))
  }

  @Test func runComparesWithItsBaseline() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-baseline")
    defer { try? FileManager.default.removeItem(at: dir) }
    // The case that fails in current.json (its golden was changed) passes on the real goldens.
    let r = try ReproBinary.run(
      [
        "run", "--filter",
        "model=simple,seed=0,dtype=float16,device=cpu,format=torch,mode=state_dict,route=plain,backend=blas1",
        "--golden", Repository.goldenRoot.path, "--threads", "1", "--record", "never",
        "--baseline", Self.current, "--fail-on", "new-failures",
      ], currentDirectory: dir)
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    let lines = r.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first?.hasPrefix("repro run: 1 cases: 1 passed, 0 failed") == true)
    #expect(
      lines.dropFirst().first
        == "FIXED simple/s0/float16/cpu/torch/state_dict/plain/blas1: pass (fail in the baseline)")
    #expect(lines.filter { $0.hasPrefix("GONE ") }.count == 6)
    #expect(
      lines.last
        == "repro run: baseline \(Self.current): 0 new failures, 1 fixed, 0 unchanged, 0 new, 6 gone"
    )
  }
}
