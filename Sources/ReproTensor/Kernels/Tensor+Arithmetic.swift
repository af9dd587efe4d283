/// Elementwise arithmetic with broadcasting and type promotion: add, sub, mul, div, maximum,
/// minimum, pow, and the operators `+ - * /`.
///
/// Compute semantics (PyTorch CPU "opmath"): float16 and bfloat16 operands are loaded as
/// float32, computed in float32 and the result is rounded once to the result dtype; float32
/// computes in float32, float64 in float64, and every integer dtype in int64 with wrapping
/// arithmetic, then truncates to the result dtype. A Swift number (`Double`, `Int`) is a
/// "wrapped number" as a Python number is in PyTorch: it does not widen a tensor of its own
/// category (`float16 tensor + 0.1` stays float16). As in PyTorch 2.13 (checked bitwise against
/// it), `add`/`sub` round the number to the result dtype first, while `mul`/`div` use it
/// unrounded in float32; `number / tensor` is `reciprocal(tensor) * number`, as Python's
/// `__rtruediv__`.
extension Tensor {
  enum BinaryOp: String {
    case add, sub, mul, div, maximum, minimum
  }

  /// A Swift number as PyTorch's 0-d wrapped tensor (float64 or int64).
  static func wrapped(_ value: Double) -> Tensor { Tensor(scalar: value) }
  static func wrapped(_ value: Int) -> Tensor { Tensor(scalar: Int64(value)) }

  static func arithmetic(
    _ a: Tensor, _ b: Tensor, _ op: BinaryOp, aIsNumber: Bool = false, bIsNumber: Bool = false
  ) throws(TensorError) -> Tensor {
    try a.checkComputable(op.rawValue)
    try b.checkComputable(op.rawValue)
    var result = resultType([
      PromotionOperand(a, isWrappedNumber: aIsNumber),
      PromotionOperand(b, isWrappedNumber: bIsNumber),
    ])
    if op == .div && !result.isFloatingPoint { result = .defaultFloat }
    if result == .bool && op == .sub {
      throw TensorError(
        .unsupportedDType,
        "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead."
      )
    }
    let shape = try Broadcast.shape(a.shape, b.shape)
    switch ComputeKind(result) {
    case .float: return arithmetic(a, b, op, shape: shape, Float.self, result)
    case .double: return arithmetic(a, b, op, shape: shape, Double.self, result)
    case .int: return arithmetic(a, b, op, shape: shape, Int64.self, result)
    }
  }

  private static func arithmetic<C: KernelScalar>(
    _ a: Tensor, _ b: Tensor, _ op: BinaryOp, shape: [Int], _: C.Type, _ result: DType
  ) -> Tensor {
    let r: DType? = result
    switch op {
    case .add:
      return Elementwise.binary(a, b, shape: shape, compute: C.self, result: result, rounding: r) {
        C.kernelAdd($0, $1)
      }
    case .sub:
      return Elementwise.binary(a, b, shape: shape, compute: C.self, result: result, rounding: r) {
        C.kernelSub($0, $1)
      }
    case .mul:
      return Elementwise.binary(
        a, b, shape: shape, compute: C.self, result: result, rounding: r, roundsZeroDim: false
      ) {
        C.kernelMul($0, $1)
      }
    case .div:
      return Elementwise.binary(
        a, b, shape: shape, compute: C.self, result: result, rounding: r, roundsZeroDim: false
      ) {
        C.kernelDiv($0, $1)
      }
    case .maximum:
      return Elementwise.binary(a, b, shape: shape, compute: C.self, result: result, rounding: r) {
        x, y in
        x.kernelIsNaN ? x : (y.kernelIsNaN ? y : (x > y ? x : y))
      }
    case .minimum:
      return Elementwise.binary(a, b, shape: shape, compute: C.self, result: result, rounding: r) {
        x, y in
        x.kernelIsNaN ? x : (y.kernelIsNaN ? y : (x < y ? x : y))
      }
    }
  }

  /// The elementwise sum with broadcasting (`torch.add`).
  ///
  /// - Throws: `.shapeMismatch` when the shapes do not broadcast, `.unsupportedDType` for
  ///   complex operands.
  public func add(_ other: Tensor) throws(TensorError) -> Tensor {
    try Tensor.arithmetic(self, other, .add)
  }
  /// Adds a number to every element (`tensor + 2.5`).
  public func add(_ value: Double) throws(TensorError) -> Tensor {
    try Tensor.arithmetic(self, .wrapped(value), .add, bIsNumber: true)
  }
  /// Adds an integer to every element (`tensor + 2`).
  public func add(_ value: Int) throws(TensorError) -> Tensor {
    try Tensor.arithmetic(self, .wrapped(value), .add, bIsNumber: true)
  }

  /// The elementwise difference with broadcasting (`torch.sub`).
  ///
  /// - Throws: as `add`, and `.unsupportedDType` for two bool operands (as PyTorch).
  public func sub(_ other: Tensor) throws(TensorError) -> Tensor {
    try Tensor.arithmetic(self, other, .sub)
  }
  /// Subtracts a number from every element.
  public func sub(_ value: Double) throws(TensorError) -> Tensor {
    try Tensor.arithmetic(self, .wrapped(value), .sub, bIsNumber: true)
  }
  /// Subtracts an integer from every element.
  public func sub(_ value: Int) throws(TensorError) -> Tensor {
    try Tensor.arithmetic(self, .wrapped(value), .sub, bIsNumber: true)
  }

  /// The elementwise product with broadcasting (`torch.mul`).
  public func mul(_ other: Tensor) throws(TensorError) -> Tensor {
    try Tensor.arithmetic(self, other, .mul)
  }
  /// Multiplies every element by a number.
  public func mul(_ value: Double) throws(TensorError) -> Tensor {
    try Tensor.arithmetic(self, .wrapped(value), .mul, bIsNumber: true)
  }
  /// Multiplies every element by an integer.
  public func mul(_ value: Int) throws(TensorError) -> Tensor {
    try Tensor.arithmetic(self, .wrapped(value), .mul, bIsNumber: true)
  }

  /// True division with broadcasting (`torch.div`, `rounding_mode=None`): integer operands give
  /// a float32 result.
  public func div(_ other: Tensor) throws(TensorError) -> Tensor {
    try Tensor.arithmetic(self, other, .div)
  }
  /// Divides every element by a number.
  public func div(_ value: Double) throws(TensorError) -> Tensor {
    try Tensor.arithmetic(self, .wrapped(value), .div, bIsNumber: true)
  }
  /// Divides every element by an integer (true division).
  public func div(_ value: Int) throws(TensorError) -> Tensor {
    try Tensor.arithmetic(self, .wrapped(value), .div, bIsNumber: true)
  }

  /// The elementwise maximum with broadcasting (`torch.maximum`); NaN propagates.
  public func maximum(_ other: Tensor) throws(TensorError) -> Tensor {
    try Tensor.arithmetic(self, other, .maximum)
  }
  /// The elementwise minimum with broadcasting (`torch.minimum`); NaN propagates.
  public func minimum(_ other: Tensor) throws(TensorError) -> Tensor {
    try Tensor.arithmetic(self, other, .minimum)
  }

  /// Raises every element to a number (`torch.pow(tensor, exponent)`).
  ///
  /// As PyTorch's CPU kernel, exponents 2, 3, 0.5, -0.5, -1 and -2 are computed as `x*x`,
  /// `x*x*x`, `sqrt(x)`, `1/sqrt(x)`, `1/x` and `1/(x*x)`; other exponents call `pow`. An integer
  /// tensor with an integral exponent stays integer (repeated squaring, wrapping); with a
  /// fractional exponent it becomes float32.
  ///
  /// - Throws: `.invalidArgument` for an integer tensor and a negative integral exponent
  ///   ("Integers to negative integer powers are not allowed."), `.unsupportedDType` for
  ///   complex or bool tensors.
  public func pow(_ exponent: Double) throws(TensorError) -> Tensor {
    try checkComputable("pow")
    let isIntegral = exponent.rounded() == exponent && Swift.abs(exponent) < 9.0e18
    if dtype == .bool || (dtype.isInteger && !isIntegral) || dtype.isFloatingPoint {
      let result = dtype.isFloatingPoint ? dtype : DType.defaultFloat
      switch ComputeKind(result) {
      case .double: return Tensor.floatPow(self, exponent, Double.self, result)
      default: return Tensor.floatPow(self, exponent, Float.self, result)
      }
    }
    let e = Int64(exponent)
    guard e >= 0 else {
      throw TensorError(.invalidArgument, "Integers to negative integer powers are not allowed.")
    }
    return Elementwise.unary(self, compute: Int64.self, result: dtype) { (x: Int64) -> Int64 in
      var base = x
      var n = e
      var acc: Int64 = 1
      while n > 0 {
        if n & 1 == 1 { acc = acc &* base }
        base = base &* base
        n >>= 1
      }
      return acc
    }
  }

  private static func floatPow<C: KernelFloat>(
    _ x: Tensor, _ exponent: Double, _: C.Type, _ result: DType
  ) -> Tensor {
    let e = C(exponent)
    switch exponent {
    case 2: return Elementwise.unary(x, compute: C.self, result: result) { $0 * $0 }
    case 3: return Elementwise.unary(x, compute: C.self, result: result) { $0 * $0 * $0 }
    case 0.5: return Elementwise.unary(x, compute: C.self, result: result) { $0.squareRoot() }
    case -0.5: return Elementwise.unary(x, compute: C.self, result: result) { 1 / $0.squareRoot() }
    case -1: return Elementwise.unary(x, compute: C.self, result: result) { 1 / $0 }
    case -2: return Elementwise.unary(x, compute: C.self, result: result) { 1 / ($0 * $0) }
    default: return Elementwise.unary(x, compute: C.self, result: result) { C.kernelPow($0, e) }
    }
  }

  /// `lhs.add(rhs)`.
  public static func + (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor { try lhs.add(rhs) }
  /// `lhs.sub(rhs)`.
  public static func - (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor { try lhs.sub(rhs) }
  /// `lhs.mul(rhs)`.
  public static func * (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor { try lhs.mul(rhs) }
  /// `lhs.div(rhs)`.
  public static func / (lhs: Tensor, rhs: Tensor) throws(TensorError) -> Tensor { try lhs.div(rhs) }
  /// `lhs.add(rhs)`.
  public static func + (lhs: Tensor, rhs: Double) throws(TensorError) -> Tensor { try lhs.add(rhs) }
  /// `lhs.sub(rhs)`.
  public static func - (lhs: Tensor, rhs: Double) throws(TensorError) -> Tensor { try lhs.sub(rhs) }
  /// `lhs.mul(rhs)`.
  public static func * (lhs: Tensor, rhs: Double) throws(TensorError) -> Tensor { try lhs.mul(rhs) }
  /// `lhs.div(rhs)`.
  public static func / (lhs: Tensor, rhs: Double) throws(TensorError) -> Tensor { try lhs.div(rhs) }
  /// `lhs.add(rhs)` with an integer (`tensor + 2`; an int64 tensor stays int64).
  public static func + (lhs: Tensor, rhs: Int) throws(TensorError) -> Tensor { try lhs.add(rhs) }
  /// `lhs.sub(rhs)` with an integer.
  public static func - (lhs: Tensor, rhs: Int) throws(TensorError) -> Tensor { try lhs.sub(rhs) }
  /// `lhs.mul(rhs)` with an integer.
  public static func * (lhs: Tensor, rhs: Int) throws(TensorError) -> Tensor { try lhs.mul(rhs) }
  /// `lhs.div(rhs)` with an integer (true division).
  public static func / (lhs: Tensor, rhs: Int) throws(TensorError) -> Tensor { try lhs.div(rhs) }
  /// `rhs.add(lhs)` (`2.0 + tensor`).
  public static func + (lhs: Double, rhs: Tensor) throws(TensorError) -> Tensor {
    try arithmetic(.wrapped(lhs), rhs, .add, aIsNumber: true)
  }
  /// `lhs - rhs` with a number on the left (`1.0 - tensor`).
  public static func - (lhs: Double, rhs: Tensor) throws(TensorError) -> Tensor {
    try arithmetic(.wrapped(lhs), rhs, .sub, aIsNumber: true)
  }
  /// `rhs.mul(lhs)` (`2.0 * tensor`).
  public static func * (lhs: Double, rhs: Tensor) throws(TensorError) -> Tensor {
    try arithmetic(.wrapped(lhs), rhs, .mul, aIsNumber: true)
  }
  /// `lhs / rhs` with a number on the left (`1.0 / tensor`), computed as PyTorch's
  /// `__rtruediv__`: the reciprocal of `rhs` (rounded to its dtype), times `lhs`.
  public static func / (lhs: Double, rhs: Tensor) throws(TensorError) -> Tensor {
    try arithmetic(.wrapped(1.0), rhs, .div, aIsNumber: true).mul(lhs)
  }
  /// `self.neg()`.
  public static prefix func - (x: Tensor) throws(TensorError) -> Tensor { try x.neg() }
}
