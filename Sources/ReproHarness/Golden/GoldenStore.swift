public import Foundation

/// Reads, compares and records golden documents under `Golden/<suite>/<name>.json`.
///
/// A golden is any `Codable` document, stored as sorted, indented JSON so that a change shows up
/// as a readable diff. Comparison is structural: the differences name the JSON path that changed
/// (`tensors/0.weight/sha256`), which for Repro's documents is the tensor or file record.
///
/// ```swift
/// let store = GoldenStore(root: repo.appendingPathComponent("Golden"), mode: .fromEnvironment(env))
/// let outcome = try store.check(document, suite: "matrix", name: "mlp")
/// if !outcome.isSuccess { print(outcome.message) }
/// ```
public struct GoldenStore: Sendable {
  /// The `Golden/` folder.
  public let root: URL
  /// When goldens are written.
  public var mode: RecordMode
  /// Where actual documents that differ are saved for inspection (`Reports/golden-actual`).
  public var artifactRoot: URL?

  /// Creates a store.
  public init(root: URL, mode: RecordMode, artifactRoot: URL? = nil) {
    self.root = root
    self.mode = mode
    self.artifactRoot = artifactRoot
  }

  /// The result of checking one document.
  public enum Outcome: Sendable {
    /// The golden exists and equals the document.
    case matched
    /// The golden differs; `differences` name the paths, `actualSavedAt` is the artifact.
    case mismatched(golden: URL, differences: [String], actualSavedAt: URL?)
    /// No golden exists and the mode does not record (CI).
    case missing(golden: URL)
    /// The golden was written (missing, or re-recorded); the run must not pass silently.
    case recorded(golden: URL, differences: [String])

    /// Whether the check passes: only `matched` does (recording fails, as in snapshot testing).
    public var isSuccess: Bool { if case .matched = self { true } else { false } }

    /// What to tell the user, naming the golden file and how to re-record.
    public var message: String {
      switch self {
      case .matched:
        return "matches"
      case .mismatched(let golden, let diffs, let saved):
        var s =
          "\(golden.lastPathComponents(2)) differs in \(diffs.count) place\(diffs.count == 1 ? "" : "s"):\n"
        s += diffs.prefix(20).map { "  " + $0 }.joined(separator: "\n")
        if diffs.count > 20 { s += "\n  … \(diffs.count - 20) more" }
        if let saved { s += "\nactual document saved at \(saved.path)" }
        s +=
          "\nif the change is intended, re-record with REPRO_RECORD=failed (or `repro golden update`)"
        return s
      case .missing(let golden):
        return
          "\(golden.lastPathComponents(2)) is missing and this run does not record (CI=true); record it locally with REPRO_RECORD=missing and commit it"
      case .recorded(let golden, let diffs):
        return "recorded \(golden.lastPathComponents(2))"
          + (diffs.isEmpty ? "" : " (\(diffs.count) differences overwritten)")
          + "; re-run to compare"
      }
    }
  }

  /// The file of a golden document.
  public func url(suite: String, name: String) -> URL {
    root.appendingPathComponent(suite).appendingPathComponent(name + ".json")
  }

  /// Compares `document` with its golden, recording according to `mode`.
  ///
  /// - Throws: I/O and encoding errors only; differences are reported in the outcome.
  public func check<Document: Encodable>(_ document: Document, suite: String, name: String) throws
    -> Outcome
  {
    let golden = url(suite: suite, name: name)
    let actual = try GoldenStore.encode(document)
    guard FileManager.default.fileExists(atPath: golden.path) else {
      guard mode.recordsMissing else { return .missing(golden: golden) }
      try write(actual, to: golden)
      return .recorded(golden: golden, differences: [])
    }
    let expected = try Data(contentsOf: golden)
    if expected == actual {
      if mode.recordsEverything { return .recorded(golden: golden, differences: []) }
      return .matched
    }
    let diffs = try JSONDiff.differences(golden: expected, actual: actual)
    if diffs.isEmpty && !mode.recordsEverything { return .matched }  // formatting only
    if mode.recordsFailures {
      try write(actual, to: golden)
      return .recorded(golden: golden, differences: diffs)
    }
    var saved: URL?
    if let artifactRoot {
      let out = artifactRoot.appendingPathComponent(suite).appendingPathComponent(name + ".json")
      try write(actual, to: out)
      saved = out
    }
    return .mismatched(golden: golden, differences: diffs, actualSavedAt: saved)
  }

  /// The bytes a document is stored as: sorted keys, two-space indentation, a final newline.
  public static func encode<Document: Encodable>(_ document: Document) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    var data = try encoder.encode(document)
    data.append(0x0A)
    return data
  }

  private func write(_ data: Data, to url: URL) throws {
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try data.write(to: url, options: .atomic)
  }
}

extension URL {
  /// The last `n` path components joined with `/` (`Golden/matrix/mlp.json` style messages).
  func lastPathComponents(_ n: Int) -> String {
    pathComponents.suffix(n + 1).joined(separator: "/")
  }
}
