public import Foundation

/// A run compared case by case with a previous run, its baseline.
///
/// It says which failures are new, which are fixed, which cases are new and which are gone: the
/// regression gate of CI (`repro run --baseline previous.json --fail-on new-failures`).
///
/// Cases are matched by id. Each case of the run gets a `Mark` from its status now and in the
/// baseline (see `Mark.init(status:baselineStatus:)`); each case of the baseline that the run
/// does not hold is listed as `gone`.
///
/// ```swift
/// let baseline = try RunResult.merged(contentsOf: [URL(fileURLWithPath: "previous.json")])
/// let comparison = BaselineComparison(run, baseline: baseline, source: "previous.json")
/// print(comparison.summaryLine)   // 2 new failures, 1 fixed, 303 unchanged, 0 new, 0 gone
/// ```
public struct BaselineComparison: Sendable, Hashable {
  /// How a case compares with the baseline.
  public enum Mark: String, Sendable, Hashable, CaseIterable {
    /// Fails or errors now; passed, was skipped or was absent in the baseline.
    case newFailure = "new failure"
    /// Passes now; failed or errored in the baseline.
    case fixed
    /// In both runs and neither a new failure nor fixed: the same status, or still failing
    /// (`fail` and `error` in either order), or passing or skipped in both.
    case unchanged
    /// Absent from the baseline; passes or is skipped now (a failing new case is a new failure).
    case new
    /// In the baseline, absent from the run.
    case gone

    /// The mark of a case with this status now and in the baseline.
    ///
    /// - Parameters:
    ///   - status: the case's status in the run; nil when the run does not hold it.
    ///   - baselineStatus: its status in the baseline; nil when the baseline does not hold it.
    /// - Precondition: at least one status is given (a programmer error otherwise).
    public init(status: CaseResult.Status?, baselineStatus: CaseResult.Status?) {
      guard let status else {
        precondition(baselineStatus != nil, "a case must be in the run or in the baseline")
        self = .gone
        return
      }
      let failsNow = status == .fail || status == .error
      let failedBefore = baselineStatus == .fail || baselineStatus == .error
      if failsNow && !failedBefore {
        self = .newFailure
      } else if status == .pass && failedBefore {
        self = .fixed
      } else {
        self = baselineStatus == nil ? .new : .unchanged
      }
    }

    /// The mark as one lowercase word for filters and CSS classes (`new-failure`).
    public var token: String { rawValue.replacingOccurrences(of: " ", with: "-") }
  }

  /// One case: in the run, in the baseline, or both.
  public struct Entry: Sendable, Hashable {
    /// The case id.
    public var id: String
    /// The case's model (the run's; the baseline's for a gone case).
    public var model: String
    /// Its status in the run; nil for a gone case.
    public var status: CaseResult.Status?
    /// Its status in the baseline; nil for a new case.
    public var baselineStatus: CaseResult.Status?
    /// The first failure message in the run, else in the baseline.
    public var message: String

    /// How the case compares with the baseline.
    public var mark: Mark { Mark(status: status, baselineStatus: baselineStatus) }
  }

  /// The baseline as the user named it (a results file or a folder of shard results).
  public var source: String
  /// When the baseline run started.
  public var baselineStartedAt: Date
  /// The host the baseline ran on.
  public var baselineHostname: String
  /// The run's cases in run order, then the gone cases in baseline order.
  public var entries: [Entry]

  /// Compares a run with its baseline.
  ///
  /// - Parameters:
  ///   - run: the run being judged.
  ///   - baseline: a previous run (one file or merged shards).
  ///   - source: how the user named the baseline, for reports.
  public init(_ run: RunResult, baseline: RunResult, source: String) {
    self.source = source
    baselineStartedAt = baseline.startedAt
    baselineHostname = baseline.environment.hostname
    let before = Dictionary(
      baseline.cases.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    let now = Set(run.cases.map(\.id))
    entries = run.cases.map { c in
      let old = before[c.id]
      return Entry(
        id: c.id, model: c.model, status: c.status, baselineStatus: old?.status,
        message: c.failure?.message ?? old?.failure?.message ?? "")
    }
    var seen = Set<String>()
    for c in baseline.cases where !now.contains(c.id) && seen.insert(c.id).inserted {
      entries.append(
        Entry(
          id: c.id, model: c.model, status: nil, baselineStatus: c.status,
          message: c.failure?.message ?? ""))
    }
  }

  /// The entry of a case id, or nil.
  public func entry(for id: String) -> Entry? {
    entries.first { $0.id == id }
  }

  /// The entries with this mark, in order.
  public func entries(marked mark: Mark) -> [Entry] {
    entries.filter { $0.mark == mark }
  }

  /// How many entries have this mark.
  public func count(_ mark: Mark) -> Int {
    entries.reduce(0) { $0 + ($1.mark == mark ? 1 : 0) }
  }

  /// Whether a case fails now that did not fail in the baseline.
  public var hasNewFailures: Bool { entries.contains { $0.mark == .newFailure } }

  /// The counts of every mark, such as `2 new failures, 1 fixed, 303 unchanged, 0 new, 0 gone`.
  public var summaryLine: String {
    let n = count(.newFailure)
    return "\(n) new failure\(n == 1 ? "" : "s"), \(count(.fixed)) fixed, "
      + "\(count(.unchanged)) unchanged, \(count(.new)) new, \(count(.gone)) gone"
  }

  /// One line per new failure, fixed and gone case, in that order:
  /// `NEW FAILURE <id>: fail (pass in the baseline)`, `FIXED <id>: pass (error in the baseline)`,
  /// `GONE <id>: not in this run (fail in the baseline)`.
  public var changeLines: [String] {
    entries(marked: .newFailure).map { "NEW FAILURE \($0.id): \($0.statusChange)" }
      + entries(marked: .fixed).map { "FIXED \($0.id): \($0.statusChange)" }
      + entries(marked: .gone).map { "GONE \($0.id): \($0.statusChange)" }
  }
}

extension BaselineComparison.Entry {
  /// The statuses in words: `fail (pass in the baseline)`, `fail (not in the baseline)`,
  /// `not in this run (pass in the baseline)`.
  public var statusChange: String {
    let now = status?.rawValue ?? "not in this run"
    let before = baselineStatus.map { "\($0.rawValue) in the baseline" } ?? "not in the baseline"
    return "\(now) (\(before))"
  }
}
