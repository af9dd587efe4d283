public import Foundation

extension RunResult {
  /// Writes the requested reports; a nil URL skips that report.
  ///
  /// Each file is written atomically: JUnit XML (`JUnitReport`), the self-contained HTML page
  /// (`HTMLReport`) and the results JSON that `merged(contentsOf:)` reads back. With a baseline,
  /// the JUnit and HTML reports mark each case against it; the JSON holds this run only.
  ///
  /// - Throws: `HarnessError.Code.io` naming the first file that cannot be written; the reports
  ///   before it are written.
  public func writeReports(
    junit: URL? = nil, html: URL? = nil, json: URL? = nil, baseline: BaselineComparison? = nil
  ) throws(HarnessError) {
    if let junit { try JUnitReport.write(self, to: junit, baseline: baseline) }
    if let html { try HTMLReport.write(self, to: html, baseline: baseline) }
    if let json { try write(to: json) }
  }

  /// Reads and merges results files, as `repro report --from` does.
  ///
  /// A folder stands for the `.json` files directly inside it, in name order; files keep the
  /// order given.
  ///
  /// - Parameter urls: results files (written by `write(to:)`) or folders of them.
  /// - Returns: the merged result (see `merged(_:)`).
  /// - Throws: `HarnessError` with `.io` for a path that does not exist, a folder that cannot be
  ///   listed or holds no `.json` file, or an unreadable file; `.invalidResults` for a file that
  ///   is not results JSON or for an empty list; `.duplicateCase` when a case id repeats.
  public static func merged(contentsOf urls: [URL]) throws(HarnessError) -> RunResult {
    var files: [URL] = []
    for url in urls {
      var isDirectory: ObjCBool = false
      guard unsafe FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
      else {
        throw HarnessError(.io, "\(url.path): no such file or folder")
      }
      guard isDirectory.boolValue else {
        files.append(url)
        continue
      }
      let names: [String]
      do {
        names = try FileManager.default.contentsOfDirectory(atPath: url.path)
      } catch {
        throw HarnessError(.io, "\(url.path): cannot list the folder", cause: error)
      }
      let json = names.filter { $0.hasSuffix(".json") }.sorted()
      if json.isEmpty { throw HarnessError(.io, "\(url.path): the folder holds no .json results") }
      files += json.map { url.appendingPathComponent($0) }
    }
    var runs: [RunResult] = []
    for file in files { runs.append(try load(from: file)) }
    return try merged(runs)
  }

  /// The one-line summary `repro run` and `repro report` print, such as
  /// `12 cases: 11 passed, 1 failed, 0 errors, 0 skipped in 3.210 s`.
  public var summaryLine: String {
    let s = summary
    return "\(s.tests) cases: \(s.passed) passed, \(s.failures) failed, \(s.errors) errors, "
      + "\(s.skipped) skipped in \(String(format: "%.3f", duration)) s"
  }

  /// One line per failed or errored case: `FAIL <id>: <message>` or `ERROR <id>: <message>`.
  public var failureLines: [String] {
    cases.compactMap { c in
      switch c.status {
      case .fail: "FAIL \(c.id): \(c.failure?.message ?? "")"
      case .error: "ERROR \(c.id): \(c.failure?.message ?? "")"
      default: nil
      }
    }
  }
}
