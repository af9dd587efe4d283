public import ReproFormat

/// A Python number as a user passes it to a PyTorch constructor: an `int` or a `float`.
///
/// PyTorch stores hyper-parameters as given, so `SGD(params, lr=0.1)` saves `momentum` as the int
/// `0` but `SGD(params, lr=0.1, momentum=0.0)` saves the float `0.0`; the pickled bytes differ.
/// Integer and float literals keep that distinction in Swift:
///
/// ```swift
/// let opt = SGD(model.parameters(), lr: 0.1, momentum: 0)   // momentum is the int 0
/// ```
public enum PythonNumber: Sendable, Hashable, ExpressibleByIntegerLiteral,
  ExpressibleByFloatLiteral,
  CustomStringConvertible
{
  /// A Python `int`.
  case int(Int64)
  /// A Python `float`.
  case float(Double)

  /// Creates an int from an integer literal.
  public init(integerLiteral value: Int64) { self = .int(value) }

  /// Creates a float from a floating-point literal.
  public init(floatLiteral value: Double) { self = .float(value) }

  /// The value as a Python float would be used in arithmetic (`float(x)`).
  public var doubleValue: Double {
    switch self {
    case .int(let i): Double(i)
    case .float(let d): d
    }
  }

  /// Whether the value is zero (`x != 0` is false in Python).
  public var isZero: Bool { doubleValue == 0 }

  /// The pickled form: `.int` or `.float`.
  public var pickleValue: PickleValue {
    switch self {
    case .int(let i): .int(i)
    case .float(let d): .float(d)
    }
  }

  /// Reads a number from a pickled value (`int`, `float`; a `bool` is an int in Python).
  public init?(_ value: PickleValue) {
    switch value.unshared {
    case .int(let i): self = .int(i)
    case .float(let d): self = .float(d)
    case .bool(let b): self = .int(b ? 1 : 0)
    default: return nil
    }
  }

  /// Python's `repr`: `0`, `0.1`, `1e-08`-style floats print as Swift prints them.
  public var description: String {
    switch self {
    case .int(let i): "\(i)"
    case .float(let d): "\(d)"
    }
  }
}
