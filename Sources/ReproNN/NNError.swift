/// The error thrown by ReproNN: what is wrong with a model spec, a state dict, an optimizer, a
/// scaler, a training run or a forward/backward pass, and where.
///
/// Modelled on ReproFormat's `FormatError`: a `code` to switch on, a `message` that names the
/// key, parameter group, constructor argument or shape involved, and an optional `cause` (a
/// `TensorError` or `FormatError` from a ReproTensor or ReproFormat call). Errors of tensor
/// operations inside a forward or backward pass pass through unchanged as `TensorError`.
///
/// ```swift
/// do { _ = try ModelFactory.make("Linear(5 7)", generator: Generator(seed: UInt64(0))) }
/// catch let error as NNError where error.code == .invalidSpec { print(error) }
/// // invalid model spec: expected ',' or ')' in the arguments of Linear(...) but found '7' at column 10
/// //   Linear(5 7)
/// //            ^
/// ```
public struct NNError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The kinds of errors.
  ///
  /// New codes may be added.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Kind: String, Sendable {
      case invalidSpec, invalidArgument, invalidStateDict, stateDictMismatch, shapeMismatch
      case unsupportedDType, outOfBounds, invalidOrder, unsupported
    }
    private let kind: Kind
    private init(_ kind: Kind) { self.kind = kind }

    /// A model spec that does not parse or does not describe a model (`specPosition` says where).
    public static let invalidSpec = Code(.invalidSpec)
    /// An argument PyTorch refuses (`Invalid learning rate: -1.0`, a dropout probability of 2,
    /// a model without the layers an operation needs).
    public static let invalidArgument = Code(.invalidArgument)
    /// A state dict (of a module, optimizer, scaler or training checkpoint) that is malformed or
    /// does not match what it is loaded into.
    public static let invalidStateDict = Code(.invalidStateDict)
    /// A module state dict whose keys or shapes do not fit the module: PyTorch's
    /// `Error(s) in loading state_dict for …` (`incompatibleKeys` lists the keys).
    public static let stateDictMismatch = Code(.stateDictMismatch)
    /// A gradient, state or input whose shape differs from what the operation needs.
    public static let shapeMismatch = Code(.shapeMismatch)
    /// A dtype the operation does not support (integer parameters, float16 gradients to
    /// unscale, non-integer class targets).
    public static let unsupportedDType = Code(.unsupportedDType)
    /// A dimension or index out of range.
    public static let outOfBounds = Code(.outOfBounds)
    /// Calls in the wrong order (`unscale_()` twice before `update()`, a second backward
    /// through freed saved tensors).
    public static let invalidOrder = Code(.invalidOrder)
    /// Something valid in PyTorch that Repro does not do (a whole module without a `torch.nn`
    /// class, a padding mode other than zeros).
    public static let unsupported = Code(.unsupported)

    /// The code's name.
    public var description: String { kind.rawValue }
  }

  /// Where in a model spec an `invalidSpec` error is.
  public struct SpecPosition: Hashable, Sendable {
    /// The spec text.
    public var source: String
    /// The character offset of the problem (0-based).
    public var offset: Int

    /// Creates a position.
    public init(source: String, offset: Int) {
      self.source = source
      self.offset = offset
    }
  }

  /// What kind of error this is.
  public var code: Code
  /// What is wrong, naming the key, argument, group or shape involved.
  public var message: String
  /// The underlying error of a ReproTensor or ReproFormat call, if any.
  public var cause: (any Error & Sendable)?
  /// For `invalidSpec`: the spec and the offset of the problem.
  public var specPosition: SpecPosition?
  /// For `stateDictMismatch`: the missing and unexpected keys (as in non-strict loading).
  public var incompatibleKeys: IncompatibleKeys?

  /// Creates an error.
  public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
    self.code = code
    self.message = message
    self.cause = cause
  }

  /// An `invalidSpec` error at `offset` of `source`.
  public static func invalidSpec(_ message: String, source: String, offset: Int) -> NNError {
    var error = NNError(.invalidSpec, message)
    error.specPosition = SpecPosition(source: source, offset: offset)
    return error
  }

  /// `code: message`, followed by the cause if any. A spec error keeps the parser's layout,
  /// the spec and a caret under the problem:
  ///
  ///     invalid model spec: expected ')' or ',' at column 17
  ///       Sequential(Linear(5 7))
  ///                           ^
  public var description: String {
    var s: String
    if let p = specPosition {
      let caret = String(repeating: " ", count: max(0, p.offset)) + "^"
      s = "invalid model spec: \(message) at column \(p.offset + 1)\n  \(p.source)\n  \(caret)"
    } else {
      s = "\(code): \(message)"
    }
    if let cause { s += " (caused by: \(cause))" }
    return s
  }

  /// Equal code, message, position, keys and cause text.
  public static func == (a: NNError, b: NNError) -> Bool {
    a.code == b.code && a.message == b.message && a.specPosition == b.specPosition
      && a.incompatibleKeys == b.incompatibleKeys
      && a.cause.map { "\($0)" } == b.cause.map { "\($0)" }
  }
}
