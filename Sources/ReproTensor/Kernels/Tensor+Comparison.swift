/// Elementwise comparisons (bool results) and `where`.
///
/// Both operands are promoted to their common dtype (`torch.result_type`) and compared in its
/// compute type (float16/bfloat16 as float32, which is exact); NaN compares unequal to
/// everything, so `ne` is true and every other comparison false.
extension Tensor {
  enum ComparisonOp: String { case eq, ne, lt, le, gt, ge }

  static func compare(
    _ a: Tensor, _ b: Tensor, _ op: ComparisonOp, bIsNumber: Bool = false
  ) throws(TensorError) -> Tensor {
    try a.checkComputable(op.rawValue)
    try b.checkComputable(op.rawValue)
    let common = resultType([PromotionOperand(a), PromotionOperand(b, isWrappedNumber: bIsNumber)])
    let shape = try Broadcast.shape(a.shape, b.shape)
    switch ComputeKind(common) {
    case .float: return compare(a, b, op, shape, Float.self, common)
    case .double: return compare(a, b, op, shape, Double.self, common)
    case .int: return compare(a, b, op, shape, Int64.self, common)
    }
  }

  private static func compare<C: KernelScalar>(
    _ a: Tensor, _ b: Tensor, _ op: ComparisonOp, _ shape: [Int], _: C.Type, _ common: DType
  ) -> Tensor {
    let r: DType? = common
    switch op {
    case .eq:
      return Elementwise.binary(a, b, shape: shape, compute: C.self, result: .bool, rounding: r) {
        $0 == $1
      }
    case .ne:
      return Elementwise.binary(a, b, shape: shape, compute: C.self, result: .bool, rounding: r) {
        $0 != $1
      }
    case .lt:
      return Elementwise.binary(a, b, shape: shape, compute: C.self, result: .bool, rounding: r) {
        $0 < $1
      }
    case .le:
      return Elementwise.binary(a, b, shape: shape, compute: C.self, result: .bool, rounding: r) {
        $0 <= $1
      }
    case .gt:
      return Elementwise.binary(a, b, shape: shape, compute: C.self, result: .bool, rounding: r) {
        $0 > $1
      }
    case .ge:
      return Elementwise.binary(a, b, shape: shape, compute: C.self, result: .bool, rounding: r) {
        $0 >= $1
      }
    }
  }

  /// `self == other` elementwise, with broadcasting (`torch.eq`); a bool tensor.
  ///
  /// - Throws: `.shapeMismatch` when the shapes do not broadcast.
  public func eq(_ other: Tensor) throws(TensorError) -> Tensor {
    try Tensor.compare(self, other, .eq)
  }
  /// `self != other` elementwise (`torch.ne`).
  public func ne(_ other: Tensor) throws(TensorError) -> Tensor {
    try Tensor.compare(self, other, .ne)
  }
  /// `self < other` elementwise (`torch.lt`).
  public func lt(_ other: Tensor) throws(TensorError) -> Tensor {
    try Tensor.compare(self, other, .lt)
  }
  /// `self <= other` elementwise (`torch.le`).
  public func le(_ other: Tensor) throws(TensorError) -> Tensor {
    try Tensor.compare(self, other, .le)
  }
  /// `self > other` elementwise (`torch.gt`).
  public func gt(_ other: Tensor) throws(TensorError) -> Tensor {
    try Tensor.compare(self, other, .gt)
  }
  /// `self >= other` elementwise (`torch.ge`).
  public func ge(_ other: Tensor) throws(TensorError) -> Tensor {
    try Tensor.compare(self, other, .ge)
  }

  /// `self == value` elementwise (`tensor == 0.5`).
  public func eq(_ value: Double) throws(TensorError) -> Tensor {
    try Tensor.compare(self, .wrapped(value), .eq, bIsNumber: true)
  }
  /// `self != value` elementwise.
  public func ne(_ value: Double) throws(TensorError) -> Tensor {
    try Tensor.compare(self, .wrapped(value), .ne, bIsNumber: true)
  }
  /// `self < value` elementwise.
  public func lt(_ value: Double) throws(TensorError) -> Tensor {
    try Tensor.compare(self, .wrapped(value), .lt, bIsNumber: true)
  }
  /// `self <= value` elementwise.
  public func le(_ value: Double) throws(TensorError) -> Tensor {
    try Tensor.compare(self, .wrapped(value), .le, bIsNumber: true)
  }
  /// `self > value` elementwise.
  public func gt(_ value: Double) throws(TensorError) -> Tensor {
    try Tensor.compare(self, .wrapped(value), .gt, bIsNumber: true)
  }
  /// `self >= value` elementwise.
  public func ge(_ value: Double) throws(TensorError) -> Tensor {
    try Tensor.compare(self, .wrapped(value), .ge, bIsNumber: true)
  }

  /// Picks `a` where `condition` is true and `b` elsewhere (`torch.where(condition, a, b)`),
  /// broadcasting all three; the result has the promoted dtype of `a` and `b`.
  ///
  /// - Throws: `.dtypeMismatch` unless `condition` is bool, `.shapeMismatch` when the shapes do
  ///   not broadcast.
  public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws(TensorError)
    -> Tensor
  {
    guard condition.dtype == .bool else {
      throw TensorError(
        .dtypeMismatch,
        "where expected condition to be a boolean tensor, but got a tensor with dtype \(condition.dtype.pytorchName)"
      )
    }
    try a.checkComputable("where")
    try b.checkComputable("where")
    let result = resultType([PromotionOperand(a), PromotionOperand(b)])
    let shape = try Broadcast.shape([condition.shape, a.shape, b.shape])
    switch ComputeKind(result) {
    case .float:
      return Elementwise.ternary(condition, a, b, shape: shape, compute: Float.self, result: result)
    case .double:
      return Elementwise.ternary(
        condition, a, b, shape: shape, compute: Double.self, result: result)
    case .int:
      return Elementwise.ternary(condition, a, b, shape: shape, compute: Int64.self, result: result)
    }
  }
}
