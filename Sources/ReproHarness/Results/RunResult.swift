public import Foundation

/// The results of one run of the matrix (or one shard of it): the environment and every case.
///
/// Saved as JSON (`write(to:)`, `load(from:)`) so that reports can be regenerated and shards
/// merged without running again (`RunResult.merged(_:)`).
public struct RunResult: Sendable, Hashable, Codable {
  /// The layout version of the JSON file.
  public static let schemaVersion = 1

  /// Counts of cases by status.
  public struct Summary: Sendable, Hashable, Codable {
    /// Every case.
    public var tests = 0
    /// Cases that passed.
    public var passed = 0
    /// Cases that failed a check.
    public var failures = 0
    /// Cases that could not run.
    public var errors = 0
    /// Cases that were skipped.
    public var skipped = 0

    /// Counts the cases.
    public init<C: Sequence>(_ cases: C) where C.Element == CaseResult {
      for c in cases {
        tests += 1
        switch c.status {
        case .pass: passed += 1
        case .fail: failures += 1
        case .error: errors += 1
        case .skip: skipped += 1
        }
      }
    }

    /// Whether no case failed or errored.
    public var isSuccess: Bool { failures == 0 && errors == 0 }
  }

  /// The layout version this file was written with.
  public var schemaVersion: Int
  /// Where the run happened.
  public var environment: RunEnvironment
  /// Every case, in run order.
  public var cases: [CaseResult]
  /// When the run started.
  public var startedAt: Date
  /// Wall time of the run in seconds.
  public var duration: Double
  /// The shards merged into this result (`["1/2", "2/2"]`), empty for an unsharded run.
  public var shards: [String]

  /// Creates a run result.
  public init(
    environment: RunEnvironment, cases: [CaseResult], startedAt: Date, duration: Double,
    shards: [String] = []
  ) {
    self.schemaVersion = Self.schemaVersion
    self.environment = environment
    self.cases = cases
    self.startedAt = startedAt
    self.duration = duration
    self.shards = shards
  }

  /// The counts by status.
  public var summary: Summary { Summary(cases) }

  /// The models in first-seen order.
  public var models: [String] {
    var seen = Set<String>()
    return cases.map(\.model).filter { seen.insert($0).inserted }
  }
}

extension RunResult {
  /// Merges results (shards of one matrix) into one.
  ///
  /// Cases keep their order, shard after shard; the environment is the first file's; the start
  /// is the earliest, and the duration spans from it to the latest end, so shards run side by
  /// side count once.
  ///
  /// - Throws: `HarnessError.Code.duplicateCase` when two results hold the same case id;
  ///   `.invalidResults` when the list is empty.
  public static func merged(_ runs: [RunResult]) throws(HarnessError) -> RunResult {
    guard let first = runs.first else {
      throw HarnessError(.invalidResults, "no results to merge")
    }
    var seen: [String: Int] = [:]
    var cases: [CaseResult] = []
    for (n, run) in runs.enumerated() {
      for c in run.cases {
        if let other = seen[c.id] {
          throw HarnessError(
            .duplicateCase,
            "case \(c.id) appears in results \(other + 1) and \(n + 1) of \(runs.count)")
        }
        seen[c.id] = n
        cases.append(c)
      }
    }
    let start = runs.map(\.startedAt).min() ?? first.startedAt
    let end = runs.map { $0.startedAt.addingTimeInterval($0.duration) }.max() ?? start
    return RunResult(
      environment: first.environment, cases: cases, startedAt: start,
      duration: end.timeIntervalSince(start), shards: runs.flatMap(\.shards))
  }

  /// The JSON encoder of results files: sorted keys, ISO 8601 dates, and non-finite figures as
  /// the strings `"nan"`, `"inf"`, `"-inf"`.
  public static func makeEncoder() -> JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    e.dateEncodingStrategy = .custom { date, encoder in
      var c = encoder.singleValueContainer()
      try c.encode(ReportTime.iso8601(date))
    }
    e.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return e
  }

  /// The JSON decoder matching `makeEncoder()`.
  public static func makeDecoder() -> JSONDecoder {
    let d = JSONDecoder()
    d.dateDecodingStrategy = .custom { decoder in
      let c = try decoder.singleValueContainer()
      let text = try c.decode(String.self)
      guard let date = ReportTime.parseISO8601(text) else {
        throw DecodingError.dataCorruptedError(
          in: c, debugDescription: "not an ISO 8601 date: \(text)")
      }
      return date
    }
    d.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return d
  }

  /// The result as JSON.
  public func jsonData() throws(HarnessError) -> Data {
    do {
      return try Self.makeEncoder().encode(self)
    } catch {
      throw HarnessError(.invalidResults, "cannot encode the results", cause: error)
    }
  }

  /// Writes the result as JSON (atomically).
  public func write(to url: URL) throws(HarnessError) {
    let data = try jsonData()
    do {
      try data.write(to: url, options: .atomic)
    } catch {
      throw HarnessError(.io, "\(url.path): cannot write the results", cause: error)
    }
  }

  /// Reads a results file written by `write(to:)`.
  ///
  /// - Throws: `HarnessError` with `.io` when the file cannot be read, `.invalidResults` when it
  ///   is not results JSON or has another schema version.
  public static func load(from url: URL) throws(HarnessError) -> RunResult {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw HarnessError(.io, "\(url.path): cannot read the results", cause: error)
    }
    let run: RunResult
    do {
      run = try makeDecoder().decode(RunResult.self, from: data)
    } catch {
      throw HarnessError(.invalidResults, "\(url.path): not a Repro results file", cause: error)
    }
    guard run.schemaVersion == schemaVersion else {
      throw HarnessError(
        .invalidResults,
        "\(url.path): results schema version \(run.schemaVersion), this Repro reads version \(schemaVersion)"
      )
    }
    return run
  }
}
