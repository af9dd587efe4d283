public import Foundation

/// One pass over the goldens: what `repro golden verify`, `record` and `update` do.
///
/// A pass checks every golden byte against `MANIFEST.json` (verify only), then runs the writer
/// gate (every file Repro writes against its golden) through a `GoldenStore` in the pass's
/// record mode, and finally rewrites the manifest (record and update).
///
/// ```swift
/// let outcome = try GoldenRun.verify(root: URL(fileURLWithPath: "Golden")).run()
/// outcome.lines.forEach { print($0) }
/// if !outcome.isSuccess { exit(1) }
/// ```
public struct GoldenRun: Sendable {
  /// The golden folder (the one holding `MANIFEST.json`).
  public var root: URL
  /// Only writer-gate goldens whose name contains this text, or all when nil.
  public var filter: String?
  /// How the writer gate records.
  public var mode: RecordMode
  /// Whether the pass rewrites `MANIFEST.json` (and skips checking it).
  public var updatesManifest: Bool
  /// Where a mismatching document is saved for inspection, or nil to save nothing.
  public var artifactRoot: URL?

  /// Creates a pass.
  ///
  /// - Parameters:
  ///   - root: the golden folder.
  ///   - filter: only writer-gate goldens whose name contains this text (nil: all).
  ///   - mode: the record mode of the writer gate.
  ///   - updatesManifest: rewrite `MANIFEST.json` instead of checking it.
  ///   - artifactRoot: where mismatching documents are saved (default `Reports/golden-actual`
  ///     in the current folder).
  public init(
    root: URL, filter: String? = nil, mode: RecordMode, updatesManifest: Bool,
    artifactRoot: URL? = URL(fileURLWithPath: "Reports/golden-actual")
  ) {
    self.root = root
    self.filter = filter
    self.mode = mode
    self.updatesManifest = updatesManifest
    self.artifactRoot = artifactRoot
  }

  /// `repro golden verify`: check the manifest and the writer gate, record nothing.
  public static func verify(root: URL, filter: String? = nil) -> GoldenRun {
    GoldenRun(root: root, filter: filter, mode: .never, updatesManifest: false)
  }

  /// `repro golden record`: record missing goldens, then rewrite the manifest.
  public static func record(root: URL, filter: String? = nil) -> GoldenRun {
    GoldenRun(root: root, filter: filter, mode: .missing, updatesManifest: true)
  }

  /// `repro golden update`: re-record goldens that differ, then rewrite the manifest.
  public static func update(root: URL, filter: String? = nil) -> GoldenRun {
    GoldenRun(root: root, filter: filter, mode: .failed, updatesManifest: true)
  }

  /// What a pass found.
  public struct Outcome: Sendable, Hashable {
    /// The lines to show, in order: `FAIL manifest: …`, `FAIL writer/<name>: …`,
    /// `recorded writer/<name>: …`, `MANIFEST.json rewritten`, and the summary
    /// `golden: M matched, R recorded, F failed`.
    public var lines: [String] = []
    /// Writer-gate goldens that matched.
    public var matched = 0
    /// Writer-gate goldens recorded by this pass.
    public var recorded = 0
    /// Manifest problems plus writer-gate mismatches.
    public var failed = 0

    /// Whether everything matched and nothing had to be recorded.
    public var isSuccess: Bool { failed == 0 && recorded == 0 }
  }

  /// Runs the pass.
  ///
  /// An unreadable `MANIFEST.json` counts as one failure (verify); it is not thrown.
  ///
  /// - Returns: the lines to print and the counts.
  /// - Throws: when the writer gate's inputs cannot be read or a golden or the manifest cannot
  ///   be written.
  public func run() throws -> Outcome {
    var outcome = Outcome()
    if !updatesManifest {
      do {
        let problems = try GoldenManifest.load(root: root).problems(root: root)
        outcome.lines += problems.map { "FAIL manifest: \($0)" }
        outcome.failed += problems.count
      } catch {
        outcome.lines.append(
          "FAIL manifest: cannot read \(root.path)/\(GoldenManifest.fileName): \(error)")
        outcome.failed += 1
      }
    }
    let store = GoldenStore(root: root, mode: mode, artifactRoot: artifactRoot)
    for (name, result) in try WriterGate.check(store: store)
    where filter.map({ name.contains($0) }) ?? true {
      switch result {
      case .matched:
        outcome.matched += 1
      case .recorded:
        outcome.recorded += 1
        outcome.lines.append("recorded writer/\(name): \(result.message)")
      default:
        outcome.failed += 1
        outcome.lines.append("FAIL writer/\(name): \(result.message)")
      }
    }
    if updatesManifest {
      try GoldenManifest.scan(root: root, generator: "repro \(ReproVersion.string)").write(
        root: root)
      outcome.lines.append("\(GoldenManifest.fileName) rewritten")
    }
    outcome.lines.append(
      "golden: \(outcome.matched) matched, \(outcome.recorded) recorded, \(outcome.failed) failed")
    return outcome
  }
}
