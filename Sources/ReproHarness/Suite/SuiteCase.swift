public import Foundation

/// One check of a suite, run as one JUnit testcase: a matrix case, one key of a `[[compare]]`
/// entry, one format/dtype/route of a `[[roundtrip]]`, a `[[golden]]` file, a `[[generate]]` seed.
///
/// Every kind of check expands into cases before anything runs, so `--filter` and `--shard` select
/// cases the same way for every suite, and one runner turns them into one `RunResult`.
///
/// ```swift
/// let cases: [any SuiteCase] = try roundTrip.cases()
/// let results = cases.map { $0.run(in: context) }
/// ```
public protocol SuiteCase: Sendable {
  /// Unique within a suite; the JUnit test name (`roundtrip/checkpoint.pt/safetensors/float16`).
  var id: String { get }
  /// What the case is about: a zoo model, a model spec or a file name (the report's model column).
  var model: String { get }
  /// The axes the case sits on (`kind`, `format`, `dtype`, ...), for `--filter` and the report.
  var axes: [String: String] { get }
  /// Runs the check. Never throws: an error becomes an `error` result naming it.
  func run(in context: SuiteContext) -> CaseResult
}

/// What every suite case may use while it runs.
public struct SuiteContext: Sendable {
  /// The suite's golden folder and record mode.
  public var golden: GoldenStore
  /// A scratch folder for the files a case writes (removed after the run).
  public var scratch: URL
  /// OpenBLAS threads for a multi-threaded backend.
  public var threads: Int

  /// Creates a context.
  public init(golden: GoldenStore, scratch: URL, threads: Int) {
    self.golden = golden
    self.scratch = scratch
    self.threads = threads
  }
}
