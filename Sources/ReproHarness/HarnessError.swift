/// The error thrown by ReproHarness: a result file that cannot be read, written or merged, a
/// `--filter` that cannot be applied, or a matrix case whose files do not read back as written.
///
/// Modelled on ReproFormat's `FormatError`: a `code` to switch on, a `message` naming the file,
/// case, key or filter term involved, and an optional `cause` (the error of a ReproFormat,
/// ReproNN or Foundation call).
public struct HarnessError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What went wrong, in kind.
  ///
  /// New codes may be added.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Kind: String, Sendable {
      case io, invalidResults, duplicateCase, invalidReport, invalidFilter, unexpectedValue
      case checkFailed, invalidSuite
    }
    private let kind: Kind
    /// A file could not be read or written.
    public static let io = Code(kind: .io)
    /// A results file is not valid results JSON.
    public static let invalidResults = Code(kind: .invalidResults)
    /// Two merged results files hold the same case id.
    public static let duplicateCase = Code(kind: .duplicateCase)
    /// A report could not be built.
    public static let invalidReport = Code(kind: .invalidReport)
    /// A `--filter` term that is not `axis=value` or names an unknown axis.
    public static let invalidFilter = Code(kind: .invalidFilter)
    /// A value a matrix case saved or loaded is not of the kind the case expects (a state dict
    /// that is not a dict).
    public static let unexpectedValue = Code(kind: .unexpectedValue)
    /// A check of a matrix case failed in a way no tensor comparison records.
    public static let checkFailed = Code(kind: .checkFailed)
    /// A suite file that is not valid TOML, holds an unknown key or a value of the wrong type,
    /// or names something Repro does not know (a dtype, a format, a model spec).
    public static let invalidSuite = Code(kind: .invalidSuite)
    /// The code's name.
    public var description: String { kind.rawValue }
  }

  /// The kind of error.
  public var code: Code
  /// What happened and where (file path, case id, key, filter term).
  public var message: String
  /// The underlying error, if any.
  public var cause: (any Error & Sendable)?

  /// Creates an error.
  public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
    self.code = code
    self.message = message
    self.cause = cause
  }

  /// The message, prefixed by the code, followed by the cause if any.
  public var description: String {
    var s = "\(code): \(message)"
    if let cause { s += " (caused by: \(cause))" }
    return s
  }

  /// Equal code, message and cause text.
  public static func == (a: HarnessError, b: HarnessError) -> Bool {
    a.code == b.code && a.message == b.message
      && a.cause.map { "\($0)" } == b.cause.map { "\($0)" }
  }
}
