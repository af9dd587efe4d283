public import Foundation

/// What `repro run` runs: the cases of the built-in matrix or of a suite file, filtered and
/// sharded, and the context they run in.
///
/// ```swift
/// let plan = try RunPlan.make(
///   suite: URL(fileURLWithPath: "repro.toml"), filter: "kind=compare", shard: nil,
///   record: nil, threads: 4, environment: ProcessInfo.processInfo.environment)
/// let result = try plan.run()
/// ```
public struct RunPlan: Sendable {
  /// The selected cases, in run order.
  public var cases: [any SuiteCase]
  /// The golden store, scratch folder and threads.
  public var context: SuiteContext
  /// The shard the cases are, if any.
  public var shard: MatrixShard?

  /// Creates a plan from its parts.
  public init(cases: [any SuiteCase], context: SuiteContext, shard: MatrixShard? = nil) {
    self.cases = cases
    self.context = context
    self.shard = shard
  }

  /// Builds the plan of a `repro run` command line.
  ///
  /// - Parameters:
  ///   - suite: a suite file, or nil for the built-in matrix.
  ///   - full: the full matrix instead of the default one (no suite file).
  ///   - filter: `axis=value[|value]` terms (`SuiteFilter`).
  ///   - shard: `--shard`; nil takes `CI_NODE_INDEX`/`CI_NODE_TOTAL` when both are set.
  ///   - goldenFolder: the matrix's golden folder (a suite file names its own, `golden_dir`).
  ///   - record: the record mode; nil takes `REPRO_RECORD`, else `never` under `CI=true`, else
  ///     `missing`.
  ///   - threads: OpenBLAS threads for the matrix's `blasN` backend.
  ///   - environment: the process environment.
  ///   - scratch: where the cases write their files (a fresh folder inside it).
  /// - Throws: `HarnessError`: `.invalidFilter` for a bad filter or CI shard variables (a usage
  ///   error), `.io` / `.invalidSuite` for a suite file that cannot be read or is not valid.
  public static func make(
    suite: URL?, full: Bool = false, filter: String?, shard: MatrixShard?,
    goldenFolder: URL = URL(fileURLWithPath: "Golden"), record: RecordMode?, threads: Int,
    environment: [String: String],
    scratch: URL = FileManager.default.temporaryDirectory
  ) throws(HarnessError) -> RunPlan {
    let mode = record ?? .fromEnvironment(environment)
    let artifacts = URL(fileURLWithPath: "Reports/golden-actual")
    let parsedFilter = try filter.map { f throws(HarnessError) in try SuiteFilter(parsing: f) }
    var selectedShard = shard
    if selectedShard == nil { selectedShard = try MatrixShard.fromEnvironment(environment) }
    var cases: [any SuiteCase]
    let store: GoldenStore
    if let suite {
      let loaded = try Suite.load(from: suite)
      store = loaded.goldenStore(mode: mode, artifactRoot: artifacts)
      // A filter naming an unknown axis is refused before the files are compared.
      if let parsedFilter { try parsedFilter.validate(axes: loaded.axisNames) }
      let kinds = parsedFilter?.terms.first { $0.axis == "kind" }?.values
      cases = loaded.cases(kinds: kinds)
      if let parsedFilter { cases = parsedFilter.select(cases) }
    } else {
      store = GoldenStore(root: goldenFolder, mode: mode, artifactRoot: artifacts)
      let runner = MatrixRunner(golden: store, scratch: scratch, threads: threads)
      cases = runner.suiteCases(full ? Matrix.full : Matrix.standard)
      if let parsedFilter { cases = try parsedFilter.apply(to: cases) }
    }
    if let selectedShard { cases = selectedShard.select(cases) }
    return RunPlan(
      cases: cases, context: SuiteContext(golden: store, scratch: scratch, threads: threads),
      shard: selectedShard)
  }

  /// Runs the cases (`SuiteRunner.run`), recording the shard in the result.
  ///
  /// - Throws: `HarnessError.Code.io` when the scratch folder cannot be created.
  public func run(progress: (SuiteProgress) -> Void = { _ in }) throws(HarnessError) -> RunResult {
    try SuiteRunner.run(
      cases, context: context, shards: shard.map { [$0.description] } ?? [], progress: progress)
  }
}
