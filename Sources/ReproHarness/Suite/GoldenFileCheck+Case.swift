import Foundation

extension GoldenFileCheck {
  /// The suite case of a ``GoldenFileCheck``: one JUnit testcase `golden/<name>`.
  ///
  /// It passes when the file matches its golden in `context.golden`; a changed file, a
  /// recording and a golden missing under `CI=true` fail, with ``Verdict/message`` as details.
  public struct Case: SuiteCase {
    /// The check.
    public var check: GoldenFileCheck

    /// Creates the case of `check`.
    public init(check: GoldenFileCheck) {
      self.check = check
    }

    /// `golden/<name>` (`/` in the name becomes `_`).
    public var id: String { "golden/" + check.name.replacingOccurrences(of: "/", with: "_") }

    /// The check's name.
    public var model: String { check.name }

    /// `kind` (`golden`) and `file`.
    public var axes: [String: String] {
      ["kind": "golden", "file": check.file.lastPathComponent]
    }

    /// Verifies the file against `context.golden`; errors become `error` results naming them.
    public func run(in context: SuiteContext) -> CaseResult {
      let start = Date()
      do {
        let verdict = try check.verify(in: context.golden)
        let failure: CaseResult.Failure? =
          verdict.isSuccess
          ? nil
          : .init(
            message: verdict.headline, type: GoldenFileCheck.failureType(verdict.outcome),
            details: verdict.message)
        return CaseResult(
          id: id, model: model, axes: axes, status: verdict.isSuccess ? .pass : .fail,
          duration: Date().timeIntervalSince(start), failure: failure, startedAt: start)
      } catch {
        return CaseResult(
          id: id, model: model, axes: axes, status: .error,
          duration: Date().timeIntervalSince(start),
          failure: .init(message: "\(error)", type: String(describing: type(of: error))),
          startedAt: start)
      }
    }
  }

  /// The JUnit failure type of an outcome (`GoldenMismatch`, `GoldenRecorded`, `GoldenMissing`).
  static func failureType(_ outcome: GoldenStore.Outcome) -> String {
    switch outcome {
    case .matched: "GoldenMatched"
    case .mismatched: "GoldenMismatch"
    case .missing: "GoldenMissing"
    case .recorded: "GoldenRecorded"
    }
  }
}
