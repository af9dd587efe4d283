import Foundation
import ReproHarness
import ReproTestSupport
import Testing

/// `RunResult.merged(contentsOf:)` and `writeReports(junit:html:json:)`, what `repro report`
/// calls, on results made from real comparisons (`SampleResults`).
@Suite struct RunResultReportsTests {
  /// Also writes the sample shards into `$REPRO_SAMPLE_RESULTS` when set, for
  /// Scripts/check_html_report.py and for looking at the report.
  @Test func mergesShardFilesAndFoldersAndWritesEveryReport() throws {
    let scratch = try Repository.makeTemporaryFolder(prefix: "repro-harness")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let folder = scratch.appendingPathComponent("results")
    let shards = try SampleResults.writeShards(to: folder, scratch: scratch)
    if let extra = ProcessInfo.processInfo.environment["REPRO_SAMPLE_RESULTS"] {
      _ = try SampleResults.writeShards(to: URL(fileURLWithPath: extra), scratch: scratch)
    }
    let merged = try RunResult.merged(contentsOf: shards)
    #expect(merged == (try RunResult.merged(shards.map { try RunResult.load(from: $0) })))
    #expect(try RunResult.merged(contentsOf: [folder]) == merged)
    #expect(!merged.summary.isSuccess, "the samples hold failures")

    let junit = scratch.appendingPathComponent("junit.xml")
    let html = scratch.appendingPathComponent("report.html")
    let json = scratch.appendingPathComponent("merged.json")
    try merged.writeReports(junit: junit, html: html, json: json)
    #expect(try RunResult.load(from: json) == merged)
    #expect(try Data(contentsOf: junit) == JUnitReport.data(for: merged))
    #expect(
      try XMLSchemaValidator(schemaAt: JUnitReportTests.schemaURL).errors(
        in: Data(contentsOf: junit)
      ).isEmpty)
    #expect(try String(contentsOf: html, encoding: .utf8) == HTMLReport.render(merged))
    let s = merged.summary
    #expect(
      merged.summaryLine
        == "\(s.tests) cases: \(s.passed) passed, \(s.failures) failed, \(s.errors) errors, \(s.skipped) skipped in \(String(format: "%.3f", merged.duration)) s"
    )
    #expect(merged.failureLines.count == s.failures + s.errors)
  }

  @Test func inputErrorsNameTheFile() throws {
    let scratch = try Repository.makeTemporaryFolder(prefix: "repro-harness")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let missing = scratch.appendingPathComponent("nope.json")
    #expect {
      try RunResult.merged(contentsOf: [missing])
    } throws: { e in
      (e as? HarnessError)?.description == "io: \(missing.path): no such file or folder"
    }
    #expect {
      try RunResult.merged(contentsOf: [scratch])
    } throws: { e in
      (e as? HarnessError)?.description == "io: \(scratch.path): the folder holds no .json results"
    }
    let shards = try SampleResults.writeShards(
      to: scratch.appendingPathComponent("r"), scratch: scratch)
    #expect {
      try RunResult.merged(contentsOf: [shards[0], shards[0]])
    } throws: { e in
      (e as? HarnessError)?.code == .duplicateCase
        && "\(e)".contains("appears in results 1 and 2 of 2")
    }
    let run = try RunResult.load(from: shards[0])
    let unwritable = scratch.appendingPathComponent("no/such/dir/r.html")
    #expect {
      try run.writeReports(html: unwritable)
    } throws: { e in
      (e as? HarnessError)?.code == .io && "\(e)".hasPrefix("io: \(unwritable.path): ")
    }
  }
}
