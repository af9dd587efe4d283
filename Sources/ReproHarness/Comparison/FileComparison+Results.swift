public import Foundation

extension FileComparison {
  /// One `CaseResult` per compared key, then one per missing, unexpected and duplicate key: the
  /// result model every report reads (`RunResult.writeReports`).
  ///
  /// A compared key's case holds its comparison (figures, `assert_close`'s message, the
  /// reference file as the golden) and fails with the key's row text as its message. Axes:
  /// `dtype` (the dtype pair, `float32` or `float32->float16`; a non-tensor value's Python type)
  /// and `kind` (`tensor`, `value`, `missing`, `unexpected`, `duplicate`).
  ///
  /// - Parameters:
  ///   - model: the report's model column and the JUnit test suite; the candidate's file name
  ///     when nil.
  ///   - idPrefix: put before each key to make the case id (`compare/fp16/` in a suite).
  ///   - axes: more axes for every case (a suite's entry name).
  ///   - startedAt: when the comparison started; the cases follow one another from there.
  public func caseResults(
    model: String? = nil, idPrefix: String = "", axes: [String: String] = [:],
    startedAt: Date = Date()
  ) -> [CaseResult] {
    let model = model ?? URL(fileURLWithPath: candidate).lastPathComponent
    var clock = startedAt
    func make(
      _ id: String, _ extra: [String: String], _ seconds: Double, failure: String?, type: String,
      details: String, tensors: [ComparisonResult]
    ) -> CaseResult {
      let start = clock
      clock = clock.addingTimeInterval(seconds)
      return CaseResult(
        id: idPrefix + (id.isEmpty ? "(root)" : id), model: model,
        axes: axes.merging(extra) { a, _ in a }, status: failure == nil ? .pass : .fail,
        duration: seconds,
        failure: failure.map { CaseResult.Failure(message: $0, type: type, details: details) },
        tensors: tensors, startedAt: start)
    }
    var cases: [CaseResult] = rows.map { r in
      let dtype: String =
        if let a = r.referenceDtype, let b = r.candidateDtype {
          a == b ? a : "\(a)->\(b)"
        } else {
          r.referenceKind == r.candidateKind
            ? r.referenceKind : "\(r.referenceKind)->\(r.candidateKind)"
        }
      let kind = r.referenceDtype == nil || r.candidateDtype == nil ? "value" : "tensor"
      return make(
        r.key, ["dtype": dtype, "kind": kind], r.seconds, failure: r.passed ? nil : Self.rowText(r),
        type: "ComparisonFailure", details: r.comparison?.message ?? Self.rowText(r),
        tensors: r.comparison.map { [$0] } ?? [])
    }
    for k in missingKeys {
      let text = Self.missingText(k)
      cases.append(
        make(
          k, ["kind": "missing"], 0, failure: text, type: "MissingKey", details: text, tensors: []))
    }
    for k in unexpectedKeys {
      let text = Self.unexpectedText(k)
      cases.append(
        make(
          k, ["kind": "unexpected"], 0, failure: text, type: "UnexpectedKey", details: text,
          tensors: []))
    }
    for d in duplicateKeys {
      let text = Self.duplicateText(d)
      cases.append(
        make(
          "\(d.key) (duplicate in the \(d.file))", ["kind": "duplicate"], 0, failure: text,
          type: "DuplicateKey", details: text, tensors: []))
    }
    return cases
  }

  /// The comparison as a run of its own (`caseResults`), for `RunResult.writeReports`.
  ///
  /// - Parameters:
  ///   - environment: where it ran; by default this process (no BLAS threads: comparing uses
  ///     none).
  ///   - startedAt: when the comparison started (the files' loading included, if timed).
  ///   - duration: its wall time in seconds; the sum of the keys' times when nil.
  public func runResult(
    environment: RunEnvironment = .current(openBLASThreads: 1, reproVersion: ReproVersion.string),
    startedAt: Date = Date(), duration: Double? = nil
  ) -> RunResult {
    let cases = caseResults(startedAt: startedAt)
    return RunResult(
      environment: environment, cases: cases, startedAt: startedAt,
      duration: duration ?? cases.reduce(0) { $0 + $1.duration })
  }
}

extension FileComparison {
  /// The comparison as JUnit XML (`JUnitReport.data(for: runResult())`): one `testcase` per
  /// compared, missing, unexpected and duplicate key.
  public func junitData() -> Data { JUnitReport.data(for: runResult()) }
}
