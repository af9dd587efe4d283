/// Where a suite run stands after a case, as `SuiteRunner.run(_:context:shards:progress:)`
/// reports it.
public struct SuiteProgress: Sendable {
  /// Cases finished so far, this one included.
  public var done: Int
  /// Cases in the run.
  public var total: Int
  /// Cases that failed or errored so far.
  public var failed: Int
  /// The result of the case just finished.
  public var last: CaseResult

  /// Creates a progress report.
  public init(done: Int, total: Int, failed: Int, last: CaseResult) {
    self.done = done
    self.total = total
    self.failed = failed
    self.last = last
  }
}

/// The progress of a matrix run: the matrix is one suite, so it reports as every suite does.
public typealias MatrixProgress = SuiteProgress
