import Foundation
import ReproHarness
import Testing

/// `repro report` end to end against the built binary (skipped with a note when it is not built).
@Suite struct ReportCommandTests {
  static let binary = repoRoot().appendingPathComponent(".build/debug/repro")

  struct Output {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  func repro(_ arguments: [String]) throws -> Output {
    let p = Process()
    p.executableURL = Self.binary
    p.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Output(
      status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
      stderr: String(decoding: e, as: UTF8.self))
  }

  /// Writes the sample shards; also into `$REPRO_SAMPLE_RESULTS` when set, for
  /// Scripts/check_html_report.py and for looking at the report.
  @Test(
    .enabled(
      if: FileManager.default.isExecutableFile(atPath: binary.path),
      "needs .build/debug/repro (swift build)"))
  func mergesShardsAndWritesEveryReport() throws {
    let scratch = try makeScratchFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let shards = try SampleResults.writeShards(
      to: scratch.appendingPathComponent("results"), scratch: scratch)
    if let folder = ProcessInfo.processInfo.environment["REPRO_SAMPLE_RESULTS"] {
      _ = try SampleResults.writeShards(to: URL(fileURLWithPath: folder), scratch: scratch)
    }
    let junit = scratch.appendingPathComponent("junit.xml")
    let html = scratch.appendingPathComponent("report.html")
    let json = scratch.appendingPathComponent("merged.json")
    let r = try repro(
      ["report", "--from"] + shards.map(\.path) + [
        "--junit", junit.path, "--html", html.path, "--json", json.path,
      ])
    let merged = try RunResult.merged(shards.map { try RunResult.load(from: $0) })
    let s = merged.summary
    #expect(r.status == 1, "failures present: \(r.stderr)")
    #expect(
      r.stdout
        == "repro report: \(s.tests) cases: \(s.passed) passed, \(s.failures) failed, \(s.errors) errors, \(s.skipped) skipped in \(String(format: "%.3f", merged.duration)) s\n"
    )
    #expect(try RunResult.load(from: json) == merged)
    #expect(
      try XMLSchemaValidator(schemaAt: JUnitReportTests.schemaURL).errors(
        in: Data(contentsOf: junit)
      ).isEmpty)
    #expect(try String(contentsOf: html, encoding: .utf8) == HTMLReport.render(merged))
    // A folder stands for its .json files; only passing cases exit 0.
    let passing = RunResult(
      environment: merged.environment,
      cases: merged.cases.filter { $0.status == .pass || $0.status == .skip },
      startedAt: merged.startedAt, duration: merged.duration)
    let folder = scratch.appendingPathComponent("passing")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try passing.write(to: folder.appendingPathComponent("only.json"))
    #expect(try repro(["report", "--from", folder.path]).status == 0)
  }

  @Test(
    .enabled(
      if: FileManager.default.isExecutableFile(atPath: binary.path),
      "needs .build/debug/repro (swift build)"))
  func inputErrorsExitWithTwo() throws {
    let scratch = try makeScratchFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let missing = try repro(["report", "--from", scratch.appendingPathComponent("nope.json").path])
    #expect(missing.status == 2)
    #expect(
      missing.stderr == "repro report: io: \(scratch.path)/nope.json: no such file or folder\n")
    let none = try repro(["report", "--junit", "x.xml"])
    #expect(none.status == 2)
    let shards = try SampleResults.writeShards(
      to: scratch.appendingPathComponent("r"), scratch: scratch)
    let duplicate = try repro(["report", "--from", shards[0].path, shards[0].path])
    #expect(duplicate.status == 2)
    #expect(duplicate.stderr.contains("appears in results 1 and 2 of 2"))
    let unwritable = try repro([
      "report", "--from", shards[0].path, "--html",
      scratch.appendingPathComponent("no/such/dir/r.html").path,
    ])
    #expect(unwritable.status == 2)
  }
}
