public import Foundation
public import ReproFormat

/// A checkpoint file must keep matching what was recorded: a suite's `[[golden]]` entry.
///
/// The golden is the file's inventory (``Document``: per tensor dtype, shape, stride, device,
/// sha256 and first values; every other value), stored as sorted JSON by a ``GoldenStore`` under
/// `<golden folder>/<group>/<golden name>.json`. Record modes are the store's (``RecordMode``:
/// `REPRO_RECORD=missing|failed|all`, never under `CI=true`); recording fails the check, so
/// nothing passes silently. A changed file fails naming the file, the golden and each key that
/// changed, field by field:
///
/// ```text
/// model.pt no longer matches its golden files/model.pt.json: 1 of 4 entries changed
///   '0.weight' changed: sha256 15593bbe9e975da3… → 47a3989e59e9e84f…, first values [...] → [...]
/// if the change is intended, re-record with REPRO_RECORD=failed
/// ```
///
/// ```swift
/// let check = GoldenFileCheck(file: URL(fileURLWithPath: "model.pt"))
/// let verdict = try check.verify(in: GoldenStore(root: goldenFolder, mode: .fromEnvironment(env)))
/// if !verdict.isSuccess { print(verdict.message) }
/// ```
public struct GoldenFileCheck: Sendable {
  /// The check's name: the case id is `golden/<name>` (default: the file's name).
  public var name: String
  /// The file (or sharded/DCP folder) under test.
  public var file: URL
  /// The golden's file name without `.json` (default: the name with `/` and spaces as `_`).
  public var goldenName: String
  /// The folder of the golden inside the store's root (default `files`).
  public var group: String
  /// How the file is read (`.trusted` for a whole-model file).
  public var policy: LoadPolicy
  /// Where storages go on load; nil (default) records the tags written in the file.
  public var mapLocation: MapLocation?

  /// Creates a golden check.
  ///
  /// - Parameters:
  ///   - name: the name in the case id; nil takes the file's name.
  ///   - file: the file under test.
  ///   - goldenName: the golden's file name without `.json`; nil derives it from the name.
  ///   - group: the golden's folder inside the store (default `files`).
  ///   - policy: how the file is read (default `.weightsOnly`).
  ///   - mapLocation: the file's `map_location` (default nil: tags as written).
  public init(
    name: String? = nil, file: URL, goldenName: String? = nil, group: String = "files",
    policy: LoadPolicy = .weightsOnly, mapLocation: MapLocation? = nil
  ) {
    let name = name ?? file.lastPathComponent
    self.name = name
    self.file = file
    self.goldenName = goldenName ?? GoldenFileCheck.fileName(for: name)
    self.group = group
    self.policy = policy
    self.mapLocation = mapLocation
  }

  /// The outcome of one check: the store's outcome, plus the entries that changed.
  public struct Verdict: Sendable {
    /// What the store did (matched, mismatched, missing, recorded).
    public var outcome: GoldenStore.Outcome
    /// One line per changed, added or removed entry (empty unless the golden differs).
    public var changes: [String]
    /// The file checked.
    public var file: URL
    /// The golden file.
    public var golden: URL

    /// Whether the file matches its golden (recording is not a success).
    public var isSuccess: Bool { outcome.isSuccess }

    /// What to tell the user: the file, the golden, each changed key, how to re-record.
    public var message: String {
      let goldenText = golden.lastPathComponents(2)
      switch outcome {
      case .mismatched(_, let differences, let saved):
        var lines: [String] = []
        let count = changes.isEmpty ? differences.count : changes.count
        lines.append(
          "\(file.lastPathComponent) no longer matches its golden \(goldenText): \(count) change\(count == 1 ? "" : "s")"
        )
        let shown = changes.isEmpty ? differences : changes
        lines += shown.prefix(20).map { "  " + $0 }
        if shown.count > 20 { lines.append("  … \(shown.count - 20) more") }
        if let saved { lines.append("actual inventory saved at \(saved.path)") }
        lines.append(
          "if the change is intended, re-record with REPRO_RECORD=failed (file \(file.path))")
        return lines.joined(separator: "\n")
      case .recorded:
        var text = "\(file.lastPathComponent): " + outcome.message
        if !changes.isEmpty {
          text += "\n" + changes.prefix(20).map { "  " + $0 }.joined(separator: "\n")
        }
        return text
      case .matched, .missing:
        return "\(file.lastPathComponent): " + outcome.message
      }
    }

    /// The first line of ``message``, for a report's failure attribute.
    public var headline: String {
      let first = message.split(separator: "\n").first.map(String.init) ?? message
      guard case .mismatched = outcome, let change = changes.first else { return first }
      return "\(file.lastPathComponent): \(change) (golden \(golden.lastPathComponents(2)))"
    }
  }

  /// Loads the file and checks its inventory against the golden in `store`, recording according
  /// to the store's mode.
  ///
  /// - Throws: `FormatError` when the file cannot be read; I/O errors of the store.
  public func verify(in store: GoldenStore) throws -> Verdict {
    // Mapped and read in chunks (pages released behind the hashes), deflated records streamed;
    // every tensor is hashed, so the stored records are hashed in the pass that checks them.
    let checkpoint = try Checkpoint.loadForReading(
      contentsOf: file, mapLocation: mapLocation, policy: policy, hashingRecords: true)
    let document = Document(of: checkpoint, fileName: file.lastPathComponent)
    let golden = store.url(suite: group, name: goldenName)
    // Read the golden before the store may overwrite it, to name what changed.
    let before = try? JSONDecoder().decode(Document.self, from: Data(contentsOf: golden))
    let outcome = try store.check(document, suite: group, name: goldenName)
    var changes: [String] = []
    switch outcome {
    case .mismatched, .recorded:
      if let before { changes = GoldenFileCheck.changes(from: before, to: document) }
    case .matched, .missing:
      break
    }
    return Verdict(outcome: outcome, changes: changes, file: file, golden: golden)
  }

  /// The entries that changed from `golden` to `actual`, in the file's order, then the removed.
  public static func changes(from golden: Document, to actual: Document) -> [String] {
    var out: [String] = []
    if golden.format != actual.format {
      out.append("format \(golden.format) → \(actual.format)")
    }
    if golden.weightsOnlyOK != actual.weightsOnlyOK {
      out.append("weights_only_ok \(golden.weightsOnlyOK) → \(actual.weightsOnlyOK)")
    }
    if golden.metadata != actual.metadata { out.append("safetensors metadata changed") }
    for path in actual.paths {
      guard let new = actual.entries[path] else { continue }
      guard let old = golden.entries[path] else {
        out.append("'\(path)' added (\(new.kind)\(new.dtype.map { " \($0)" } ?? ""))")
        continue
      }
      let fields = new.changes(from: old)
      if !fields.isEmpty { out.append("'\(path)' changed: " + fields.joined(separator: ", ")) }
    }
    for path in golden.paths where actual.entries[path] == nil {
      out.append("'\(path)' removed (was \(golden.entries[path]?.kind ?? "?"))")
    }
    let common = Set(golden.paths).intersection(actual.paths)
    if out.isEmpty, golden.paths.filter(common.contains) != actual.paths.filter(common.contains) {
      out.append("the order of the keys changed")
    }
    return out
  }

  /// A golden file name for a check name: letters, digits, `.`, `-` and `_` kept, others `_`.
  static func fileName(for name: String) -> String {
    String(
      name.map { c in
        c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "-" || c == "_") ? c : "_"
      })
  }

  /// The one case of this check.
  public func cases() -> [any SuiteCase] { [Case(check: self)] }
}
