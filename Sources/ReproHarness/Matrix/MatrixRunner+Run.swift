import Foundation

extension MatrixRunner {
  /// Runs every case of a matrix in order, in a fresh scratch folder, and returns the results.
  ///
  /// The files the cases write go to a new folder inside `scratch`, removed at the end. The
  /// result's environment records `threads` and `ReproVersion.string`; its `shards` holds the
  /// matrix's shard (`2/4`) when it is one. A case that throws becomes an `error` result; the
  /// run itself goes on.
  ///
  /// ```swift
  /// let runner = MatrixRunner(golden: store, scratch: FileManager.default.temporaryDirectory, threads: 4)
  /// let result = try runner.run(Matrix.standard) { print("\($0.done)/\($0.total)") }
  /// try result.writeReports(junit: URL(fileURLWithPath: "Reports/junit.xml"))
  /// ```
  ///
  /// - Parameters:
  ///   - matrix: the cases to run.
  ///   - progress: called after each case, on the calling thread.
  /// - Returns: the results, timed from the first case's start.
  /// - Throws: `HarnessError.Code.io` when the scratch folder cannot be created.
  public func run(
    _ matrix: Matrix, progress: (MatrixProgress) -> Void = { _ in }
  ) throws(HarnessError) -> RunResult {
    let folder = scratch.appendingPathComponent("repro-run-\(UUID().uuidString)")
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      throw HarnessError(.io, "\(folder.path): cannot create the scratch folder", cause: error)
    }
    defer { try? FileManager.default.removeItem(at: folder) }
    var runner = self
    runner.scratch = folder
    let start = Date()
    var results: [CaseResult] = []
    var failed = 0
    for c in matrix.cases {
      let result = runner.run(c)
      results.append(result)
      if result.status == .fail || result.status == .error { failed += 1 }
      progress(
        MatrixProgress(
          done: results.count, total: matrix.cases.count, failed: failed, last: result))
    }
    return RunResult(
      environment: .current(openBLASThreads: threads, reproVersion: ReproVersion.string),
      cases: results, startedAt: start, duration: Date().timeIntervalSince(start),
      shards: matrix.shard.map { [$0.description] } ?? [])
  }
}
