/// PyTorch's type promotion (`torch.promote_types`, `torch.result_type`).
extension DType {
  /// The category used by `result_type`: bool < integer < floating < complex.
  var promotionCategory: Int {
    if self == .bool { return 0 }
    if isInteger { return 1 }
    if isFloatingPoint { return 2 }
    return 3
  }

  /// The smallest dtype both `a` and `b` convert to without losing range, as
  /// `torch.promote_types(a, b)`: `uint8 + int8 → int16`, `float16 + bfloat16 → float32`,
  /// `int64 + float16 → float16`, `complex64 + float64 → complex128`.
  ///
  /// - Parameters:
  ///   - a: the first dtype.
  ///   - b: the second dtype.
  /// - Returns: the promoted dtype.
  public static func promoted(_ a: DType, _ b: DType) -> DType {
    if a == b { return a }
    if a == .bool { return b }
    if b == .bool { return a }
    let ca = a.promotionCategory
    let cb = b.promotionCategory
    if ca != cb {
      let (hi, lo) = ca > cb ? (a, b) : (b, a)
      if hi == .complex64 && lo == .float64 { return .complex128 }
      return hi
    }
    switch ca {
    case 1:
      // uint8 mixes with a signed type by widening to at least int16.
      if a == .uint8 || b == .uint8 {
        let other = a == .uint8 ? b : a
        return other == .int8 ? .int16 : other
      }
      return a.elementSize >= b.elementSize ? a : b
    case 2:
      if Set([a, b]) == Set([DType.float16, .bfloat16]) { return .float32 }
      return a.elementSize >= b.elementSize ? a : b
    default:
      return a.elementSize >= b.elementSize ? a : b
    }
  }

  /// The dtype PyTorch's `float` scalars and integer-to-float results take (the default
  /// dtype, `torch.get_default_dtype()`, which is float32).
  public static var defaultFloat: DType { .float32 }
}

/// One operand of a promoting operation: a tensor or a Python-style number.
///
/// PyTorch ranks operands when it chooses the result dtype: tensors with dimensions first,
/// then 0-d tensors, then plain numbers ("wrapped numbers"). A lower-ranked operand changes the
/// result dtype only when its category (bool < integer < floating) is higher.
struct PromotionOperand {
  let dtype: DType
  let isZeroDim: Bool
  let isWrappedNumber: Bool

  init(_ t: Tensor, isWrappedNumber: Bool = false) {
    dtype = t.dtype
    isZeroDim = t.rank == 0
    self.isWrappedNumber = isWrappedNumber
  }
}

extension Tensor {
  /// The dtype of an operation on `operands`, as `torch.result_type`.
  static func resultType(_ operands: [PromotionOperand]) -> DType {
    var dimResult: DType?
    var zeroResult: DType?
    var wrappedResult: DType?
    func merge(_ r: inout DType?, _ d: DType) { r = r.map { DType.promoted($0, d) } ?? d }
    for op in operands {
      if op.isWrappedNumber {
        // A Python number has the default dtype of its category.
        let d: DType =
          op.dtype.isFloatingPoint ? .defaultFloat : (op.dtype == .bool ? .bool : .int64)
        merge(&wrappedResult, d)
      } else if op.isZeroDim {
        merge(&zeroResult, op.dtype)
      } else {
        merge(&dimResult, op.dtype)
      }
    }
    func combine(_ higher: DType?, _ lower: DType?) -> DType? {
      guard let higher else { return lower }
      guard let lower else { return higher }
      return lower.promotionCategory > higher.promotionCategory
        ? DType.promoted(higher, lower) : higher
    }
    return combine(combine(dimResult, zeroResult), wrappedResult) ?? .float32
  }
}
