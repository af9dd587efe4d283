import Foundation

/// The one runner of every suite: the built-in matrix (`repro run`) and suite files
/// (`repro run --suite repro.toml`) alike.
///
/// Every kind of check expands into `[any SuiteCase]` first (`Suite.cases()`,
/// `MatrixRunner.suiteCases(_:)`), `SuiteFilter` and `MatrixShard` select among them, and the
/// runner runs the rest in order and returns one `RunResult`, which `writeReports` turns into
/// JUnit, HTML and JSON.
///
/// ```swift
/// let suite = try Suite.load(from: URL(fileURLWithPath: "repro.toml"))
/// let context = SuiteContext(golden: suite.goldenStore(mode: .missing), scratch: tmp, threads: 4)
/// let result = try SuiteRunner.run(suite.cases(), context: context) { print($0.done) }
/// ```
public enum SuiteRunner {
  /// Runs cases in order, in a fresh scratch folder, and returns their results.
  ///
  /// The files the cases write go to a new folder inside `context.scratch`, removed at the end.
  /// The result's environment records `context.threads` and `ReproVersion.string`. A case never
  /// throws: its errors are `error` results, and the run goes on.
  ///
  /// - Parameters:
  ///   - cases: the cases, already filtered and sharded.
  ///   - context: the golden store, the scratch folder and the thread count.
  ///   - shards: the shards these cases are (`["2/4"]`), empty for a whole suite.
  ///   - progress: called after each case, on the calling thread.
  /// - Returns: the results, timed from the first case's start.
  /// - Throws: `HarnessError.Code.io` when the scratch folder cannot be created.
  public static func run(
    _ cases: [any SuiteCase], context: SuiteContext, shards: [String] = [],
    progress: (SuiteProgress) -> Void = { _ in }
  ) throws(HarnessError) -> RunResult {
    let folder = context.scratch.appendingPathComponent("repro-run-\(UUID().uuidString)")
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      throw HarnessError(.io, "\(folder.path): cannot create the scratch folder", cause: error)
    }
    defer { try? FileManager.default.removeItem(at: folder) }
    var inFolder = context
    inFolder.scratch = folder
    let start = Date()
    var results: [CaseResult] = []
    var failed = 0
    for c in cases {
      let result = c.run(in: inFolder)
      results.append(result)
      if result.status == .fail || result.status == .error { failed += 1 }
      progress(
        SuiteProgress(done: results.count, total: cases.count, failed: failed, last: result))
    }
    return RunResult(
      environment: .current(openBLASThreads: context.threads, reproVersion: ReproVersion.string),
      cases: results, startedAt: start, duration: Date().timeIntervalSince(start), shards: shards)
  }
}
