/// The error thrown by ReproFormat: what is wrong with a file, and where.
///
/// The message names the file part (`archive/data.pkl`, a zip record, a safetensors header key)
/// and, for byte-level problems, the offset, so that a user can see why a file was refused.
public struct FormatError: Error, Sendable, CustomStringConvertible {
  /// The kinds of format errors.
  ///
  /// New codes may be added.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Kind: String, Sendable {
      case truncated, badMagic, badCRC, unsupported, corrupt, forbiddenGlobal, limitExceeded
      case io, needsMapLocation, invalidArgument
    }
    private let kind: Kind
    private init(_ kind: Kind) { self.kind = kind }

    /// The data ends before a structure it declares.
    public static let truncated = Code(.truncated)
    /// The file does not start (or end) with the expected signature.
    public static let badMagic = Code(.badMagic)
    /// A zip record's CRC-32 does not match its bytes.
    public static let badCRC = Code(.badCRC)
    /// A valid feature that Repro does not support.
    public static let unsupported = Code(.unsupported)
    /// The structure is inconsistent (bad opcode, bad offsets, overlapping ranges).
    public static let corrupt = Code(.corrupt)
    /// The pickle needs a global outside the weights-only allowlist.
    public static let forbiddenGlobal = Code(.forbiddenGlobal)
    /// A declared size or depth exceeds a safety limit or the bytes available.
    public static let limitExceeded = Code(.limitExceeded)
    /// Reading or writing the file failed.
    public static let io = Code(.io)
    /// A storage is on a device this machine lacks and no map location was given.
    public static let needsMapLocation = Code(.needsMapLocation)
    /// The caller passed an invalid option.
    public static let invalidArgument = Code(.invalidArgument)

    /// The code's name.
    public var description: String { kind.rawValue }
  }

  /// What kind of error this is.
  public var code: Code
  /// What is wrong, with the file part and offset where it applies.
  public var message: String
  /// The underlying error, if any.
  public var cause: (any Error & Sendable)?
  /// The global the weights-only policy refused, for `.forbiddenGlobal` errors.
  ///
  /// For example `os.system` or `torch.nn.modules.linear.Linear`; nil for other errors. Callers
  /// decide on this field, never on the message text.
  public var forbiddenGlobal: PythonGlobal?

  /// Creates an error.
  ///
  /// - Parameters:
  ///   - code: the kind of error.
  ///   - message: what is wrong, with the file part and offset.
  ///   - cause: the underlying error, if any.
  ///   - forbiddenGlobal: the refused global, for `.forbiddenGlobal` errors.
  public init(
    _ code: Code, _ message: String, cause: (any Error & Sendable)? = nil,
    forbiddenGlobal: PythonGlobal? = nil
  ) {
    self.code = code
    self.message = message
    self.cause = cause
    self.forbiddenGlobal = forbiddenGlobal
  }

  /// The message, prefixed by the code, followed by the cause if any.
  public var description: String {
    var s = "\(code): \(message)"
    if let cause { s += " (caused by: \(cause))" }
    return s
  }
}
