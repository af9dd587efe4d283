/// Where a matrix run stands after a case, as `MatrixRunner.run(_:progress:)` reports it.
public struct MatrixProgress: Sendable {
  /// Cases finished so far, this one included.
  public var done: Int
  /// Cases in the matrix.
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
