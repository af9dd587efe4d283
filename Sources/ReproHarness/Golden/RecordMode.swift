/// When goldens are written, modelled on swift-snapshot-testing's record modes.
///
/// - `never`: compare only; a missing golden is a failure (the mode under `CI=true`).
/// - `missing`: write goldens that do not exist yet (the local default); the run still fails, so
///   a recording never passes silently.
/// - `failed`: re-write the goldens that differ.
/// - `all`: re-write every golden.
public struct RecordMode: Hashable, Sendable, CustomStringConvertible {
  private enum Kind: String, Sendable { case never, missing, failed, all }
  private let kind: Kind
  private init(_ kind: Kind) { self.kind = kind }

  /// Compare only.
  public static let never = RecordMode(.never)
  /// Record goldens that are missing.
  public static let missing = RecordMode(.missing)
  /// Re-record goldens that differ.
  public static let failed = RecordMode(.failed)
  /// Re-record everything.
  public static let all = RecordMode(.all)

  /// The mode's name (`never`, `missing`, `failed`, `all`).
  public var description: String { kind.rawValue }

  /// Parses a mode name; `1`/`true` mean `all`, `0`/`false` mean `never`.
  public init?(_ text: String) {
    switch text.lowercased() {
    case "never", "0", "false", "no": self = .never
    case "missing": self = .missing
    case "failed": self = .failed
    case "all", "1", "true", "yes": self = .all
    default: return nil
    }
  }

  /// The mode for this process: `REPRO_RECORD` if set, else `never` when `CI` is `true`/`1`
  /// (CI must never record), else `missing`.
  public static func fromEnvironment(_ environment: [String: String]) -> RecordMode {
    if let value = environment["REPRO_RECORD"], let mode = RecordMode(value) { return mode }
    if let ci = environment["CI"], ["true", "1", "yes"].contains(ci.lowercased()) { return .never }
    return .missing
  }

  /// Whether a missing golden is written.
  public var recordsMissing: Bool { kind != .never }
  /// Whether a differing golden is overwritten.
  public var recordsFailures: Bool { kind == .failed || kind == .all }
  /// Whether matching goldens are rewritten too.
  public var recordsEverything: Bool { kind == .all }
}
