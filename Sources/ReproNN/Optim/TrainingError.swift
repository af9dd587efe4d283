/// An error of an optimizer, the gradient scaler or a training checkpoint: a bad hyper-parameter,
/// a state dict that does not fit, a gradient of the wrong shape or dtype, a step out of order.
///
/// The message says what and where (`loadStateDict: param_groups[1]["betas"] is str, expected
/// a tuple of 2 floats`).
public struct TrainingError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What kind of problem it is.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Kind: String, Sendable {
      case invalidArgument, invalidStateDict, shapeMismatch, unsupportedDType, invalidOrder
    }
    private let kind: Kind
    private init(_ kind: Kind) { self.kind = kind }

    /// A hyper-parameter PyTorch's constructor refuses (`Invalid learning rate: -1.0`).
    public static let invalidArgument = Code(.invalidArgument)
    /// A state dict that is malformed or does not match the optimizer or scaler.
    public static let invalidStateDict = Code(.invalidStateDict)
    /// A gradient or state tensor whose shape differs from its parameter's.
    public static let shapeMismatch = Code(.shapeMismatch)
    /// A dtype the operation does not support (integer parameters, float16 gradients to unscale).
    public static let unsupportedDType = Code(.unsupportedDType)
    /// Calls in the wrong order (`unscale_()` twice before `update()`).
    public static let invalidOrder = Code(.invalidOrder)

    /// The code's name.
    public var description: String { kind.rawValue }
  }

  /// The kind of problem.
  public var code: Code
  /// What went wrong and where.
  public var message: String

  /// Creates an error.
  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  /// `code: message`.
  public var description: String { "\(code): \(message)" }
}
