public import Foundation

/// A suite file read and checked: its location, its declarations and its golden folder.
///
/// ```swift
/// let suite = try Suite.load(from: URL(fileURLWithPath: "repro.toml"))
/// let store = suite.goldenStore(mode: .fromEnvironment(ProcessInfo.processInfo.environment))
/// let context = SuiteContext(golden: store, scratch: FileManager.default.temporaryDirectory, threads: 1)
/// let result = try SuiteRunner.run(suite.cases(), context: context)
/// ```
public struct Suite: Sendable {
  /// The suite file.
  public var file: URL
  /// The file as named to the user in messages (the path given on the command line).
  public var displayPath: String
  /// What the file declares.
  public var definition: SuiteFile

  /// Creates a suite from a decoded definition (`load(from:)` reads and checks a file).
  public init(file: URL, displayPath: String? = nil, definition: SuiteFile) {
    self.file = file
    self.displayPath = displayPath ?? file.relativePath
    self.definition = definition
  }

  /// The folder paths in the file are relative to.
  public var folder: URL { file.deletingLastPathComponent() }

  /// The suite's golden folder (`golden_dir`, relative to the file).
  public var goldenRoot: URL { resolve(definition.goldenDir) }

  /// A path of the file resolved against its folder (absolute paths stay as they are).
  public func resolve(_ path: String) -> URL {
    path.hasPrefix("/")
      ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path).standardizedFileURL
  }

  /// The golden store of this suite in a record mode; mismatching documents are saved under
  /// `artifactRoot` (default `Reports/golden-actual` in the current folder).
  public func goldenStore(
    mode: RecordMode, artifactRoot: URL? = URL(fileURLWithPath: "Reports/golden-actual")
  ) -> GoldenStore {
    GoldenStore(root: goldenRoot, mode: mode, artifactRoot: artifactRoot)
  }

  /// Every case of the suite, entry by entry in the order of the file's tables: `[[compare]]`
  /// (one case per key, the files compared while expanding), `[[roundtrip]]`, `[[golden]]`,
  /// then `[[generate]]` (one case per seed and dtype).
  ///
  /// - Parameter kinds: only the entries of these tables (`compare`, `roundtrip`, `golden`,
  ///   `generate`), so that a `--filter kind=generate` reads no `[[compare]]` file; nil expands
  ///   every table.
  public func cases(kinds: Set<String>? = nil) -> [any SuiteCase] {
    let all = kinds ?? ["compare", "roundtrip", "golden", "generate"]
    var out: [any SuiteCase] = []
    if all.contains("compare") {
      for entry in definition.compare { out += CompareKeyCase.cases(of: entry, in: self) }
    }
    out += extraCases().filter { all.contains($0.axes["kind"] ?? "") }
    if all.contains("generate") {
      for entry in definition.generate { out += GenerateCase.cases(of: entry) }
    }
    return out
  }
}

extension Suite {
  /// The axes the suite's cases have, known without expanding them (`kind`, `name`, `key`,
  /// `seed`, `dtype`, and whatever the round-trip and golden checks add).
  public var axisNames: Set<String> {
    var names: Set<String> = ["kind", "name"]
    if !definition.compare.isEmpty { names.formUnion(["key", "dtype"]) }
    if !definition.generate.isEmpty { names.formUnion(["seed", "dtype"]) }
    names.formUnion(extraAxisNames())
    return names
  }
}
