import Foundation
import ReproHarness
import ReproTestSupport
import Testing

/// `BaselineComparison` on two real `repro run --json` results (Golden/baseline/, made by
/// Scripts/make_baseline_results.py, whose own implementation of the rule wrote expected.json).
@Suite struct BaselineComparisonTests {
  struct Expected: Decodable {
    struct Case: Decodable {
      var id: String
      var status: String?
      var baselineStatus: String?
      var mark: String
    }
    struct Rule: Decodable {
      var status: String?
      var baselineStatus: String?
      var mark: String
    }
    var cases: [Case]
    var rule: [Rule]
  }

  static func expected() throws -> Expected {
    let d = JSONDecoder()
    d.keyDecodingStrategy = .convertFromSnakeCase
    return try d.decode(
      Expected.self, from: Data(contentsOf: Repository.golden("baseline/expected.json")))
  }

  static func runs() throws -> (baseline: RunResult, current: RunResult) {
    (
      try RunResult.load(from: Repository.golden("baseline/baseline.json")),
      try RunResult.load(from: Repository.golden("baseline/current.json"))
    )
  }

  @Test func everyPairOfStatusesGetsTheOraclesMark() throws {
    let rule = try Self.expected().rule
    #expect(rule.count == 24)
    for r in rule {
      let mark = BaselineComparison.Mark(
        status: r.status.flatMap(CaseResult.Status.init(rawValue:)),
        baselineStatus: r.baselineStatus.flatMap(CaseResult.Status.init(rawValue:)))
      #expect(
        mark.rawValue == r.mark, "\(r.status ?? "absent") after \(r.baselineStatus ?? "absent")")
    }
  }

  @Test func realRunsAreMarkedCaseByCase() throws {
    let (baseline, current) = try Self.runs()
    let expected = try Self.expected().cases
    let c = BaselineComparison(current, baseline: baseline, source: "baseline.json")
    #expect(c.entries.map(\.id) == expected.map(\.id))
    for (entry, want) in zip(c.entries, expected) {
      #expect(entry.mark.rawValue == want.mark, "\(entry.id)")
      #expect(entry.status?.rawValue == want.status, "\(entry.id)")
      #expect(entry.baselineStatus?.rawValue == want.baselineStatus, "\(entry.id)")
    }
    let counts = Dictionary(grouping: expected, by: \.mark).mapValues(\.count)
    #expect(counts == ["new failure": 2, "fixed": 1, "unchanged": 2, "new": 2, "gone": 3])
    #expect(c.summaryLine == "2 new failures, 1 fixed, 2 unchanged, 2 new, 3 gone")
    #expect(c.baselineStartedAt == baseline.startedAt)
    // A failing case names its failure; the change lines list new failures, fixed, gone.
    let newFailures = expected.filter { $0.mark == "new failure" }.map(\.id)
    #expect(c.entries(marked: .newFailure).allSatisfy { $0.message.contains("differs") })
    #expect(
      c.changeLines.prefix(2)
        == newFailures.map { id in
          "NEW FAILURE \(id): fail (\(expected.first { $0.id == id }?.baselineStatus.map { "\($0) in the baseline" } ?? "not in the baseline"))"
        }[...])
    #expect(c.changeLines.count == 6)
    #expect(c.changeLines.last?.hasPrefix("GONE ") == true)
    #expect(c.changeLines.last?.contains(": not in this run (") == true)
  }

  @Test func theGateFailsOnNewFailuresOnly() throws {
    let (baseline, current) = try Self.runs()
    let against = BaselineComparison(current, baseline: baseline, source: "b")
    let itself = BaselineComparison(current, baseline: current, source: "c")
    #expect(!current.summary.isSuccess)
    #expect(FailurePolicy.failures.fails(current, baseline: itself))
    #expect(FailurePolicy.newFailures.fails(current, baseline: against))
    #expect(!FailurePolicy.newFailures.fails(current, baseline: itself))
    #expect(itself.summaryLine == "0 new failures, 0 fixed, 7 unchanged, 0 new, 0 gone")
    // Without a baseline every failure is new.
    #expect(FailurePolicy.newFailures.fails(current, baseline: nil))
    // The reverse direction: what failed in `current` and passes in `baseline` is fixed.
    let back = BaselineComparison(baseline, baseline: current, source: "c")
    #expect(back.summaryLine == "2 new failures, 1 fixed, 2 unchanged, 2 new, 3 gone")
    #expect(FailurePolicy.allCases.map(\.rawValue) == ["failures", "new-failures"])
  }
}
