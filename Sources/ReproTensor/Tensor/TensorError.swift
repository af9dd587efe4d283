/// The error thrown by ReproTensor: what went wrong, with the shapes, dtypes or values involved.
public struct TensorError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The kinds of tensor errors.
  ///
  /// New codes may be added.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Kind: String, Sendable {
      case shapeMismatch, invalidShape, invalidView, outOfBounds, dtypeMismatch, unsupportedDType
      case invalidDevice, invalidArgument, invalidGeneratorState, deviceUnavailable
    }
    private let kind: Kind
    private init(_ kind: Kind) { self.kind = kind }

    /// Two shapes that must agree (broadcast, matmul, view) do not.
    public static let shapeMismatch = Code(.shapeMismatch)
    /// A shape or stride is negative, overflows, or does not fit its storage.
    public static let invalidShape = Code(.invalidShape)
    /// A view is impossible without a copy.
    public static let invalidView = Code(.invalidView)
    /// An index is out of range.
    public static let outOfBounds = Code(.outOfBounds)
    /// Two dtypes that must agree do not.
    public static let dtypeMismatch = Code(.dtypeMismatch)
    /// The operation does not support this dtype.
    public static let unsupportedDType = Code(.unsupportedDType)
    /// A device string is malformed.
    public static let invalidDevice = Code(.invalidDevice)
    /// An argument is outside its domain.
    public static let invalidArgument = Code(.invalidArgument)
    /// A generator state blob is malformed.
    public static let invalidGeneratorState = Code(.invalidGeneratorState)
    /// The operation needs a device this machine does not have.
    public static let deviceUnavailable = Code(.deviceUnavailable)

    /// The code's name.
    public var description: String { kind.rawValue }
  }

  /// What kind of error this is.
  public var code: Code
  /// A sentence that says what is wrong, naming the values involved.
  public var message: String

  /// Creates an error with a code and a message.
  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  /// The message, prefixed by the code.
  public var description: String { "\(code): \(message)" }
}
