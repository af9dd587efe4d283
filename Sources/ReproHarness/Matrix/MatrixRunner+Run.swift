import Foundation

extension MatrixRunner {
  /// The matrix's cases as suite cases, sharing this runner's model and output caches: the
  /// built-in matrix is the default suite, run by `SuiteRunner` like any other.
  ///
  /// Each case runs with the golden store, scratch folder and threads of the context it is run
  /// in (`SuiteRunner.run(_:context:shards:progress:)`).
  public func suiteCases(_ matrix: Matrix) -> [any SuiteCase] {
    matrix.cases.map { MatrixSuiteCase(matrixCase: $0, runner: self) }
  }

  /// Runs every case of a matrix in order, in a fresh scratch folder, and returns the results:
  /// `SuiteRunner.run` of `suiteCases(matrix)` in this runner's golden store, scratch folder and
  /// threads.
  ///
  /// The result's `shards` holds the matrix's shard (`2/4`) when it is one. A case that throws
  /// becomes an `error` result; the run itself goes on.
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
    try SuiteRunner.run(
      suiteCases(matrix), context: SuiteContext(golden: golden, scratch: scratch, threads: threads),
      shards: matrix.shard.map { [$0.description] } ?? [], progress: progress)
  }
}
