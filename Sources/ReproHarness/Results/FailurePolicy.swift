/// Which results make a run fail (exit status 1): every failure, or only the failures the
/// baseline did not have.
///
/// `failures` is the default and the behaviour without a baseline. `newFailures` is the
/// regression gate for CI: a case that already failed in the baseline (a known, tracked failure)
/// does not fail the build again, a case that fails for the first time does, and so does a new
/// case that fails. Fixed, gone and new passing cases never fail a run.
public enum FailurePolicy: String, Sendable, Hashable, CaseIterable {
  /// Any failed or errored case fails the run.
  case failures
  /// Only a new failure against the baseline fails the run (`BaselineComparison.Mark.newFailure`).
  case newFailures = "new-failures"

  /// Whether the run fails under this policy.
  ///
  /// - Parameters:
  ///   - run: the run.
  ///   - baseline: the run compared with its baseline; nil without one, when `newFailures`
  ///     judges as `failures` (with no baseline every failure is new).
  public func fails(_ run: RunResult, baseline: BaselineComparison?) -> Bool {
    switch self {
    case .failures: !run.summary.isSuccess
    case .newFailures: baseline.map(\.hasNewFailures) ?? !run.summary.isSuccess
    }
  }
}
