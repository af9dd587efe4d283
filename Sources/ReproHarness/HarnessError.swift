/// An error of the harness: a result file that cannot be read, written or merged.
public struct HarnessError: Error, Sendable, CustomStringConvertible {
  /// What went wrong, in kind.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Kind: String { case io, invalidResults, duplicateCase, invalidReport }
    private let kind: Kind
    /// A file could not be read or written.
    public static let io = Code(kind: .io)
    /// A results file is not valid results JSON.
    public static let invalidResults = Code(kind: .invalidResults)
    /// Two merged results files hold the same case id.
    public static let duplicateCase = Code(kind: .duplicateCase)
    /// A report could not be built.
    public static let invalidReport = Code(kind: .invalidReport)
    /// The code's name.
    public var description: String { kind.rawValue }
  }

  /// The kind of error.
  public var code: Code
  /// What happened and where (file path, case id).
  public var message: String
  /// The underlying error, if any.
  public var cause: (any Error)?

  /// Creates an error.
  public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
    self.code = code
    self.message = message
    self.cause = cause
  }

  /// The message, with the cause appended.
  public var description: String {
    cause.map { "\(message): \($0)" } ?? message
  }
}
